//! Extractors of the module kit. A handler is: extract, call one use case, render.
//!
//! - [`Ctx`] — the signed-in actor, CSRF token and translator the guard checked;
//! - [`InUnit`] — the unit named by `{unit}` in the path, already loaded and checked by the
//!   guard (a unit the actor may not see never reaches a handler);
//! - [`At`] — the state and both of these at once, `At(st, ctx, u)`, for the many routes
//!   under a unit;
//! - [`Path`] — typed ids (`Path<(UnitId, PostId)>`): a segment that is not a number is a
//!   400 that names the parameter, in every module alike;
//! - [`Query`], [`Form`], [`FormPairs`], [`Json`] — inputs whose malformed values are a
//!   400 (or 415 for a body of the wrong type, 422 `invalid_json` for JSON) naming the field,
//!   instead of silently becoming an empty form.
//!
//! They replace axum's extractors of the same names, whose rejections are plain text.

use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{FromRequest, FromRequestParts, RawPathParams, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;

use jiguan_app::AppError;
use jiguan_app::ports::Unit;
use jiguan_domain::tenancy::UnitId;

use crate::AppState;
use crate::error::WebError;
use crate::guard::Ctx;

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        from_extensions(parts, AppError::Unauthenticated)
    }
}

/// What the guard put into the request's extensions, or `missing` when it is not there.
fn from_extensions<T: Clone + Send + Sync + 'static>(
    parts: &Parts,
    missing: AppError,
) -> Result<T, WebError> {
    parts
        .extensions
        .get::<T>()
        .cloned()
        .ok_or(WebError::App(missing))
}

/// The unit named by `{unit}` in the path, loaded and scope-checked by the guard.
#[derive(Debug, Clone)]
pub struct InUnit(pub Unit);

impl<S: Send + Sync> FromRequestParts<S> for InUnit {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        from_extensions(parts, AppError::NotFound).map(InUnit)
    }
}

/// What a route under a unit extracts first: the application state, then the signed-in
/// context and the unit of `{unit}` (as [`Ctx`] then [`InUnit`], with their rejections):
/// `At(st, ctx, u): At`.
#[derive(Clone)]
pub struct At(pub AppState, pub Ctx, pub Unit);

impl FromRequestParts<AppState> for At {
    type Rejection = WebError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let ctx = Ctx::from_request_parts(parts, state).await?;
        let InUnit(u) = InUnit::from_request_parts(parts, state).await?;
        Ok(At(state.clone(), ctx, u))
    }
}

/// [`At`] and the typed id that follows the unit in the path (`…/{unit}/…/{id}`; not a
/// number: 400 naming the parameter): `AtId(st, ctx, u, id): AtId<CycleId>`.
pub struct AtId<I>(pub AppState, pub Ctx, pub Unit, pub I);

impl<I: DeserializeOwned + Send> FromRequestParts<AppState> for AtId<I> {
    type Rejection = WebError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let At(st, ctx, u) = At::from_request_parts(parts, state).await?;
        let Path((_, id)) = Path::<(UnitId, I)>::from_request_parts(parts, state).await?;
        Ok(AtId(st, ctx, u, id))
    }
}

/// Path parameters, typed: `Path<(UnitId, PostId)>`.
#[derive(Debug, Clone, Copy)]
pub struct Path<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for Path<T> {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        use axum::extract::path::ErrorKind;
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(Path(v)),
            Err(PathRejection::FailedToDeserializePathParams(e)) => {
                let names: Vec<String> = RawPathParams::from_request_parts(parts, state)
                    .await
                    .map(|p| p.iter().map(|(k, _)| k.to_string()).collect())
                    .unwrap_or_default();
                let (field, value) = match e.kind() {
                    ErrorKind::ParseErrorAtKey { key, value, .. } => {
                        (Some(key.clone()), value.clone())
                    }
                    ErrorKind::ParseErrorAtIndex { index, value, .. } => {
                        (names.get(*index).cloned(), value.clone())
                    }
                    ErrorKind::ParseError { value, .. } => (names.first().cloned(), value.clone()),
                    other => (None, other.to_string()),
                };
                Err(WebError::Malformed {
                    status: StatusCode::BAD_REQUEST,
                    code: "bad_id",
                    field,
                    detail: value,
                })
            }
            Err(other) => Err(WebError::malformed(None, other.body_text())),
        }
    }
}

/// Deserializes with the path of the failing field kept: `(field, message)` on error.
fn field_error<E: std::fmt::Display>(e: serde_path_to_error::Error<E>) -> (Option<String>, String) {
    let path = e.path().to_string();
    let detail = e.inner().to_string();
    let missing = detail
        .strip_prefix("missing field `")
        .and_then(|r| r.split('`').next())
        .map(str::to_string);
    let field = (path != "." && !path.is_empty())
        .then_some(path)
        .or(missing);
    (field, detail)
}

fn from_urlencoded<T: DeserializeOwned>(raw: &[u8]) -> Result<T, WebError> {
    let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(raw));
    serde_path_to_error::deserialize(de).map_err(|e| {
        let (field, detail) = field_error(e);
        WebError::malformed(field, detail)
    })
}

/// The query string, typed.
#[derive(Debug, Clone, Default)]
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let q = parts.uri.query().unwrap_or("");
        from_urlencoded(q.as_bytes()).map(Query)
    }
}

fn content_type(req: &Request) -> &str {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

fn unsupported(got: &str, want: &str) -> WebError {
    WebError::Malformed {
        status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
        code: "unsupported_media_type",
        field: None,
        detail: format!("{} ≠ {want}", if got.is_empty() { "—" } else { got }),
    }
}

async fn form_bytes<S: Send + Sync>(req: Request, state: &S) -> Result<Bytes, WebError> {
    let ct = content_type(&req);
    if !ct.starts_with("application/x-www-form-urlencoded") {
        return Err(unsupported(ct, "application/x-www-form-urlencoded"));
    }
    body_bytes(req, state).await
}

/// The whole body; one that cannot be read is a 4xx `bad_request`.
async fn body_bytes<S: Send + Sync>(req: Request, state: &S) -> Result<Bytes, WebError> {
    Bytes::from_request(req, state)
        .await
        .map_err(|e| WebError::Malformed {
            status: e.status(),
            code: "bad_request",
            field: None,
            detail: e.body_text(),
        })
}

/// A urlencoded form body, typed. Unknown fields (`_csrf`) are ignored.
#[derive(Debug, Clone, Default)]
pub struct Form<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Form<T> {
    type Rejection = WebError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = form_bytes(req, state).await?;
        from_urlencoded(&bytes).map(Form)
    }
}

/// A urlencoded form body as its pairs, for forms with numbered rows (`fn_3`, `hours_3`).
#[derive(Debug, Clone, Default)]
pub struct FormPairs(pub Vec<(String, String)>);

impl FormPairs {
    /// The first value of a field, or "".
    pub fn get(&self, key: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }

    /// Every value of a field (check boxes, multi-selects).
    pub fn all(&self, key: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// The pairs as a form whose fields are all text (a `#[serde(default)]` struct): each
    /// field its first value ([`get`](Self::get)), the fields named in `lists` every value
    /// ([`all`](Self::all)); fields not sent keep their default, others are ignored. A form
    /// type with a field that is not text is refused like any malformed body, naming it.
    pub fn decode<T: DeserializeOwned>(&self, lists: &[&str]) -> Result<T, WebError> {
        let mut m = serde_json::Map::new();
        for (k, _) in &self.0 {
            if !m.contains_key(k) {
                let v = if lists.contains(&k.as_str()) {
                    serde_json::json!(self.all(k))
                } else {
                    serde_json::json!(self.get(k))
                };
                m.insert(k.clone(), v);
            }
        }
        serde_path_to_error::deserialize(serde_json::Value::Object(m)).map_err(|e| {
            let (field, detail) = field_error(e);
            WebError::malformed(field, detail)
        })
    }
}

impl<S: Send + Sync> FromRequest<S> for FormPairs {
    type Rejection = WebError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = form_bytes(req, state).await?;
        Ok(FormPairs(
            form_urlencoded::parse(&bytes).into_owned().collect(),
        ))
    }
}

/// A JSON body, typed. Syntax and type errors are 422 `invalid_json` naming the field.
#[derive(Debug, Clone, Default)]
pub struct Json<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Json<T> {
    type Rejection = WebError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let ct = content_type(&req);
        let json = ct.starts_with("application/json")
            || (ct.starts_with("application/") && ct.contains("+json"));
        if !json {
            return Err(unsupported(ct, "application/json"));
        }
        let bytes = body_bytes(req, state).await?;
        let de = &mut serde_json::Deserializer::from_slice(&bytes);
        serde_path_to_error::deserialize(de)
            .map(Json)
            .map_err(invalid_json)
    }
}

/// A syntax or type error of a JSON body: 422 `invalid_json`, naming the field.
fn invalid_json<E: std::fmt::Display>(e: serde_path_to_error::Error<E>) -> WebError {
    let (field, detail) = field_error(e);
    WebError::Malformed {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        code: "invalid_json",
        field,
        detail,
    }
}

/// One JSON object read as two typed parts, each a `#[serde(default)]` struct that
/// ignores the other's fields: a person and the options of its change. This is what
/// `#[serde(flatten)]` does, except that a type error still names its field (serde
/// buffers a flattened body and loses the path, dtolnay/path-to-error#9).
#[derive(Debug, Clone, Default)]
pub struct JsonParts<A, B>(pub A, pub B);

impl<S: Send + Sync, A: DeserializeOwned, B: DeserializeOwned> FromRequest<S> for JsonParts<A, B> {
    type Rejection = WebError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let Json(v) = Json::<serde_json::Value>::from_request(req, state).await?;
        let a = serde_path_to_error::deserialize(&v).map_err(invalid_json)?;
        let b = serde_path_to_error::deserialize(&v).map_err(invalid_json)?;
        Ok(JsonParts(a, b))
    }
}

impl<T: serde::Serialize> axum::response::IntoResponse for Json<T> {
    fn into_response(self) -> axum::response::Response {
        axum::Json(self.0).into_response()
    }
}

/// A JSON answer with 201 Created.
#[derive(Debug, Clone)]
pub struct Created<T>(pub T);

impl<T: serde::Serialize> axum::response::IntoResponse for Created<T> {
    fn into_response(self) -> axum::response::Response {
        (StatusCode::CREATED, axum::Json(self.0)).into_response()
    }
}

/// The `file` field of a multipart upload (multipart forms carry the CSRF token in the
/// query string). A request of another type is a 415; a missing or unreadable file is
/// empty, for the import to refuse with the field named.
#[derive(Debug, Clone, Default)]
pub struct Upload(pub Vec<u8>);

impl<S: Send + Sync> FromRequest<S> for Upload {
    type Rejection = WebError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let ct = content_type(&req);
        if !ct.starts_with("multipart/form-data") {
            return Err(unsupported(ct, "multipart/form-data"));
        }
        let Ok(mut mp) = axum::extract::Multipart::from_request(req, state).await else {
            return Ok(Upload::default());
        };
        let mut bytes = Vec::new();
        while let Ok(Some(field)) = mp.next_field().await {
            if field.name() == Some("file") {
                bytes = field.bytes().await.map(|b| b.to_vec()).unwrap_or_default();
            }
        }
        Ok(Upload(bytes))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    #[derive(Debug, Default, serde::Deserialize)]
    #[serde(default)]
    struct Text {
        note: String,
        tags: Vec<String>,
    }

    #[derive(Debug, serde::Deserialize)]
    struct Counted {
        count: i64,
    }

    fn pairs(p: &[(&str, &str)]) -> FormPairs {
        FormPairs(
            p.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn decode_reads_a_text_form_and_names_a_field_it_cannot_read() {
        let f = pairs(&[("note", "a"), ("tags", "x"), ("tags", "y"), ("other", "z")]);
        let t: Text = f.decode(&["tags"]).unwrap();
        assert_eq!(
            (t.note.as_str(), t.tags),
            ("a", vec!["x".to_string(), "y".to_string()])
        );
        match pairs(&[("count", "many")]).decode::<Counted>(&[]) {
            Err(WebError::Malformed { field, status, .. }) => {
                assert_eq!(field.as_deref(), Some("count"));
                assert_eq!(status, StatusCode::BAD_REQUEST);
            }
            other => panic!("not refused: {other:?}"),
        }
    }

    async fn parts(body: &str) -> Result<JsonParts<Text, Counted>, WebError> {
        let req = axum::http::Request::builder()
            .header(header::CONTENT_TYPE, "application/json")
            .body(axum::body::Body::from(body.to_string()))
            .unwrap();
        JsonParts::from_request(req, &()).await
    }

    #[tokio::test]
    async fn json_parts_reads_one_object_twice_and_names_the_field_of_either_part() {
        let JsonParts(t, c) = parts(r#"{"note":"a","count":3}"#).await.unwrap();
        assert_eq!((t.note.as_str(), c.count), ("a", 3));
        for (body, want) in [
            (r#"{"note":5,"count":3}"#, "note"),
            (r#"{"note":"a","count":"three"}"#, "count"),
            (r#"{"note":"a"}"#, "count"),
        ] {
            match parts(body).await {
                Err(WebError::Malformed {
                    field,
                    status,
                    code,
                    ..
                }) => {
                    assert_eq!(field.as_deref(), Some(want), "{body}");
                    assert_eq!(
                        (status, code),
                        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_json")
                    );
                }
                other => panic!("{body} not refused: {other:?}"),
            }
        }
    }
}
