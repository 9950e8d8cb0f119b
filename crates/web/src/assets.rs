//! Static assets (our own CSS and JS, embedded), health checks and the 404 page.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::guard::lang_of;
use crate::i18n::Tr;

pub const CSS: &str = include_str!("../assets/app.css");
pub const JS: &str = include_str!("../assets/app.js");

pub async fn css() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        CSS,
    )
        .into_response()
}

pub async fn js() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        JS,
    )
        .into_response()
}

/// Liveness: the process answers.
pub async fn healthz() -> Response {
    (StatusCode::OK, "ok").into_response()
}

/// Readiness: the database answers.
pub async fn readyz(State(st): State<AppState>) -> Response {
    match st.app.store.ping().await {
        Ok(()) => (StatusCode::OK, "ready").into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "not ready");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

pub async fn not_found(headers: HeaderMap, uri: axum::http::Uri) -> Response {
    let tr = Tr::new(lang_of(&headers));
    if uri.path().starts_with("/api/") {
        crate::error::api_error(tr, jiguan_app::AppError::NotFound)
    } else {
        crate::error::page_error(tr, jiguan_app::AppError::NotFound)
    }
}
