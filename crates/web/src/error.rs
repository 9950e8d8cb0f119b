//! Errors become a page, a JSON body or a redirect in this one place.
//! JSON errors have one shape: `{"code", "message", "field"?, "errors"?}`.

use axum::Json;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Serialize;

use jiguan_app::AppError;

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
            let page = crate::html::ErrorPage {
                tr,
                status: status.as_u16(),
                title,
                detail,
            };
            (status, Html(crate::html::render(&page))).into_response()
        }
    }
}
