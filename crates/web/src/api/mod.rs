//! The JSON API under `/api/v1`. Every handler is annotated for OpenAPI
//! (`/api/openapi.json`, `jiguan openapi`). Errors have one shape ([`ApiError`]).
//! Sign in with the session cookie (and send `X-CSRF-Token` on writes) or with an API token
//! (`Authorization: Bearer jg_…`, created on the profile page or `POST /api/v1/tokens`).

pub mod audit;
pub mod tenancy;
pub mod users;

use axum::Json;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use utoipa::OpenApi;

use jiguan_app::AppError;
use jiguan_app::ports::Page;

use crate::error::{ApiError, api_error};
use crate::guard::{Ctx, api_lang_of};
use crate::i18n::Tr;

/// A JSON body whose syntax and type errors come back in the API's error shape.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let tr = Tr::new(api_lang_of(req.headers()));
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(rej) => {
                let detail = rej.body_text();
                let field = detail
                    .split('`')
                    .nth(1)
                    .filter(|_| detail.contains("field"))
                    .map(str::to_string);
                let body = ApiError {
                    code: "invalid_json".into(),
                    message: tr.f("err.invalid_json", &[("detail".into(), detail)]),
                    field,
                    errors: vec![],
                };
                Err((StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response())
            }
        }
    }
}

/// One page of a list.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PageDto<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

impl<T> PageDto<T> {
    pub fn map<U>(p: Page<U>, f: impl Fn(U) -> T) -> Self {
        PageDto {
            total: p.total,
            page: p.page,
            per_page: p.per_page,
            items: p.items.into_iter().map(f).collect(),
        }
    }
}

/// Turns a use-case result into a JSON response.
pub fn reply<T: Serialize>(ctx: &Ctx, r: Result<T, AppError>) -> Response {
    match r {
        Ok(v) => Json(v).into_response(),
        Err(e) => api_error(ctx.tr, e),
    }
}

pub fn created<T: Serialize>(ctx: &Ctx, r: Result<T, AppError>) -> Response {
    match r {
        Ok(v) => (StatusCode::CREATED, Json(v)).into_response(),
        Err(e) => api_error(ctx.tr, e),
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Jiguan API", description = "机关运行机制改革 — JSON API. Sign in with a session cookie (send X-CSRF-Token on writes) or an API token (Authorization: Bearer).", version = "1"),
    paths(
        tenancy::me, tenancy::list_units, tenancy::create_unit, tenancy::get_unit, tenancy::update_unit, users::list_users, users::create_user, users::get_user, users::update_user, users::reset_password, users::list_tokens, users::create_token, users::delete_token, audit::list_audit, audit::list_settings, audit::set_setting,
    ),
    components(schemas(ApiError, crate::error::ApiFieldError)),
    modifiers(&Security),
)]
pub struct ApiDoc;

struct Security;

impl utoipa::Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{
            ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme,
        };
        let c = openapi.components.get_or_insert_with(Default::default);
        c.add_security_scheme(
            "token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        c.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
                crate::guard::SESSION_COOKIE,
            ))),
        );
    }
}

/// The OpenAPI document as pretty JSON.
pub fn openapi_json() -> String {
    document().to_pretty_json().unwrap_or_default()
}

/// The whole document: the platform's endpoints and every module's fragment, with the
/// error answers every operation can give documented on each ([`document_errors`]).
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    for m in crate::module::MODULES {
        doc.merge((m.openapi)());
    }
    document_errors(&mut doc);
    doc
}

/// The error answers any operation under `/api` can give, all in the [`ApiError`] shape:
/// 400 (a path or query value that is not of its type), 401 (not signed in), 403 (signed
/// in without the right), 404 (no such object in the caller's scope), 413 (body too
/// large), 415 (a body that is not JSON), 422 (invalid input, naming the field), 429 (too
/// many attempts). Added to every operation that does not document them itself.
pub fn document_errors(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
    let answers = [
        ("400", "A path or query value is not of its type (ApiError)"),
        ("401", "Not signed in (ApiError)"),
        ("403", "Signed in without the right (ApiError)"),
        ("404", "No such object in the caller's scope (ApiError)"),
        ("413", "The request body is too large (ApiError)"),
        ("415", "The request body is not JSON (ApiError)"),
        ("422", "Invalid input; `field` names the field (ApiError)"),
        ("429", "Too many attempts; see Retry-After (ApiError)"),
    ];
    for item in doc.paths.paths.values_mut() {
        let ops = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for op in ops.into_iter().flatten() {
            for (code, what) in answers {
                op.responses
                    .responses
                    .entry(code.to_string())
                    .or_insert_with(|| {
                        RefOr::T(
                            ResponseBuilder::new()
                                .description(what)
                                .content(
                                    "application/json",
                                    ContentBuilder::new()
                                        .schema(Some(Ref::from_schema_name("ApiError")))
                                        .build(),
                                )
                                .build(),
                        )
                    });
            }
        }
    }
}

pub async fn openapi_handler() -> Response {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        openapi_json(),
    )
        .into_response()
}
