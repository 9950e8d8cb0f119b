//! Errors become a page, a JSON body or a redirect in this one place.
//! JSON errors have one shape: `{"code", "message", "field"?, "errors"?}`.
//!
//! Handlers return `Result<_, WebError>` and use `?`. A [`WebError`] carries no language
//! and does not know whether it answers a page or the API: its response only holds the
//! error, and the guard (which knows both) renders it here ([`render_failure`]).

use std::sync::{Arc, Mutex};

use axum::Json;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Serialize;

use jiguan_app::AppError;
use jiguan_app::ports::StoreError;
use jiguan_domain::FieldError;

use crate::i18n::Tr;

/// The JSON error body of every API endpoint.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ApiError {
    /// A stable code, e.g. `invalid`, `not_found`, `forbidden`.
    pub code: String,
    /// A message in the requested language.
    pub message: String,
    /// The input field at fault, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Every invalid field, when several are.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ApiFieldError>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ApiFieldError {
    pub field: String,
    pub code: String,
    pub message: String,
}

/// A handler's failure: a use-case error, or a request that could not be read at all.
#[derive(Debug)]
pub enum WebError {
    App(AppError),
    /// The request is malformed (400, or 415 for a body of the wrong type): a path id that
    /// is not a number, a query or body that cannot be parsed. `field` names the input.
    Malformed {
        status: StatusCode,
        /// `bad_request`, `bad_id` (a path id; answered as `bad_request`), `invalid_json`
        /// or `unsupported_media_type`.
        code: &'static str,
        field: Option<String>,
        detail: String,
    },
}

/// What handlers return.
pub type WebResult<T = Response> = Result<T, WebError>;

impl WebError {
    pub fn malformed(field: Option<String>, detail: impl Into<String>) -> Self {
        WebError::Malformed {
            status: StatusCode::BAD_REQUEST,
            code: "bad_request",
            field,
            detail: detail.into(),
        }
    }
}

impl From<AppError> for WebError {
    fn from(e: AppError) -> Self {
        WebError::App(e)
    }
}

impl From<FieldError> for WebError {
    fn from(e: FieldError) -> Self {
        WebError::App(e.into())
    }
}

impl From<Vec<FieldError>> for WebError {
    fn from(e: Vec<FieldError>) -> Self {
        WebError::App(e.into())
    }
}

impl From<StoreError> for WebError {
    fn from(e: StoreError) -> Self {
        WebError::App(e.into())
    }
}

/// For form handlers: field errors stay in hand (to re-render the form with them, 422),
/// every other error goes up with `?`.
///
/// ```ignore
/// match st.app.create_unit(&ctx.actor, …).await.fields()? {
///     Ok(_) => Ok(Redirect::to("/units?ok=saved").into_response()),
///     Err(errs) => Ok(form_page(FormErrors::new(ctx.tr, &errs))),
/// }
/// ```
pub trait FieldErrors<T> {
    fn fields(self) -> Result<Result<T, Vec<FieldError>>, WebError>;
}

impl<T> FieldErrors<T> for Result<T, AppError> {
    fn fields(self) -> Result<Result<T, Vec<FieldError>>, WebError> {
        match self {
            Ok(v) => Ok(Ok(v)),
            Err(AppError::Invalid(errs)) => Ok(Err(errs)),
            Err(e) => Err(WebError::App(e)),
        }
    }
}

/// The failure inside a response, waiting for the guard to render it.
#[derive(Clone)]
struct Failure(Arc<Mutex<Option<WebError>>>);

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let status = match &self {
            WebError::App(e) => status_of(e),
            WebError::Malformed { status, .. } => *status,
        };
        let mut r = status.into_response();
        r.extensions_mut()
            .insert(Failure(Arc::new(Mutex::new(Some(self)))));
        r
    }
}

/// Renders a failure a handler returned (called by the guard on every response).
pub fn render_failure(tr: Tr, api: bool, mut resp: Response) -> Response {
    let Some(Failure(cell)) = resp.extensions_mut().remove::<Failure>() else {
        return resp;
    };
    let taken = cell.lock().ok().and_then(|mut g| g.take());
    match taken {
        Some(WebError::App(e)) if api => api_error(tr, e),
        Some(WebError::App(e)) => page_error(tr, e),
        Some(WebError::Malformed {
            status,
            code,
            field,
            detail,
        }) => malformed(tr, api, status, code, field, &detail),
        None => resp,
    }
}

/// A 400/415 answer naming the input at fault.
fn malformed(
    tr: Tr,
    api: bool,
    status: StatusCode,
    code: &'static str,
    field: Option<String>,
    detail: &str,
) -> Response {
    let label = |f: &str| {
        let key = format!("field.{f}");
        if tr.has(&key) {
            tr.t(&key).to_string()
        } else {
            f.to_string()
        }
    };
    let args = |f: Option<&String>| {
        let mut a = vec![("detail".to_string(), detail.to_string())];
        if let Some(f) = f {
            a.push(("field".into(), label(f)));
        }
        a
    };
    let key = match (code, &field) {
        ("invalid_json", _) => "err.invalid_json",
        ("bad_id", _) => "err.bad_id",
        ("unsupported_media_type", _) => "err.unsupported_media_type",
        (_, Some(_)) => "err.malformed_field",
        (_, None) => "err.malformed",
    };
    let message = tr.f(key, &args(field.as_ref()));
    if api {
        let code = if code == "bad_id" {
            "bad_request"
        } else {
            code
        };
        let body = ApiError {
            code: code.into(),
            message,
            field,
            errors: vec![],
        };
        (status, Json(body)).into_response()
    } else {
        let page = crate::html::ErrorPage {
            tr,
            status: status.as_u16(),
            title: tr.t("status.bad_request").to_string(),
            detail: message,
        };
        (status, Html(crate::html::render(&page))).into_response()
    }
}

pub fn status_of(e: &AppError) -> StatusCode {
    match e {
        AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::NotFound => StatusCode::NOT_FOUND,
        AppError::Forbidden | AppError::PasswordChangeRequired => StatusCode::FORBIDDEN,
        AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
        AppError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
        AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

fn code_of(e: &AppError) -> &'static str {
    match e {
        AppError::Invalid(_) => "invalid",
        AppError::NotFound => "not_found",
        AppError::Forbidden => "forbidden",
        AppError::PasswordChangeRequired => "password_change_required",
        AppError::Unauthenticated => "unauthenticated",
        AppError::RateLimited { .. } => "rate_limited",
        AppError::Internal(_) => "internal",
    }
}

/// An API error response.
pub fn api_error(tr: Tr, e: AppError) -> Response {
    if let AppError::Internal(m) = &e {
        tracing::error!(error = %m, "internal error");
    }
    let status = status_of(&e);
    let code = code_of(&e);
    let (message, field, errors) = match &e {
        AppError::Invalid(list) => {
            let errors: Vec<ApiFieldError> = list
                .iter()
                .map(|fe| ApiFieldError {
                    field: fe.field.clone(),
                    code: fe.code.clone(),
                    message: tr.error(fe),
                })
                .collect();
            let first = errors.first();
            (
                first.map(|f| f.message.clone()).unwrap_or_default(),
                first.map(|f| f.field.clone()),
                errors,
            )
        }
        AppError::RateLimited { retry_after_secs } => (
            tr.f(
                "err.rate_limited",
                &[("secs".into(), retry_after_secs.to_string())],
            ),
            None,
            vec![],
        ),
        other => (
            tr.t(&format!("status.{}", code_of(other))).to_string(),
            None,
            vec![],
        ),
    };
    let mut resp = (
        status,
        Json(ApiError {
            code: code.into(),
            message,
            field,
            errors,
        }),
    )
        .into_response();
    if let AppError::RateLimited { retry_after_secs } = e
        && let Ok(v) = retry_after_secs.to_string().parse()
    {
        resp.headers_mut().insert(header::RETRY_AFTER, v);
    }
    resp
}

/// An HTML error page (for errors that are not a form's own field errors).
pub fn page_error(tr: Tr, e: AppError) -> Response {
    match e {
        AppError::Unauthenticated => Redirect::to("/login").into_response(),
        AppError::PasswordChangeRequired => Redirect::to("/profile/password").into_response(),
        other => {
            if let AppError::Internal(m) = &other {
                tracing::error!(error = %m, "internal error");
            }
            let status = status_of(&other);
            let title = tr.t(&format!("status.{}", code_of(&other))).to_string();
            let detail = match &other {
                AppError::Invalid(list) => list
                    .iter()
                    .map(|fe| tr.error(fe))
                    .collect::<Vec<_>>()
                    .join("；"),
                AppError::RateLimited { retry_after_secs } => tr.f(
                    "err.rate_limited",
                    &[("secs".into(), retry_after_secs.to_string())],
                ),
                _ => String::new(),
            };
            let retry = match &other {
                AppError::RateLimited { retry_after_secs } => {
                    retry_after_secs.to_string().parse().ok()
                }
                _ => None,
            };
            let page = crate::html::ErrorPage {
                tr,
                status: status.as_u16(),
                title,
                detail,
            };
            let mut resp = (status, Html(crate::html::render(&page))).into_response();
            if let Some(v) = retry {
                resp.headers_mut().insert(header::RETRY_AFTER, v);
            }
            resp
        }
    }
}
