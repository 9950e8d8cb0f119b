//! Sign-in (登录), sign-out and the language switch.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use jiguan_app::AppError;

use crate::AppState;
use crate::extract::{Form, Path, Query};
use crate::guard::{Ctx, LANG_COOKIE, PRE_COOKIE, SESSION_COOKIE, cookie, lang_of};
use crate::html::{page_status, render};
use crate::i18n::{Lang, Tr};

#[derive(Template)]
#[template(path = "login.html")]
pub struct LoginPage {
    pub tr: Tr,
    pub pre: String,
    pub next: String,
    pub username: String,
    pub error: String,
    pub demo: bool,
}

#[derive(Deserialize, Default)]
pub struct NextQ {
    pub next: Option<String>,
}

/// Only same-site paths are followed after sign-in.
pub fn safe_next(n: Option<&str>) -> String {
    match n {
        Some(p) if p.starts_with('/') && !p.starts_with("//") && !p.contains('\\') => p.to_string(),
        _ => "/".into(),
    }
}

/// The pre-session cookie (CSRF token of a form sent before signing in) limited to `path`:
/// the one the browser sent, or a new one with its `Set-Cookie` value.
pub(crate) fn pre_cookie(
    st: &AppState,
    headers: &HeaderMap,
    path: &str,
) -> (String, Option<String>) {
    match cookie(headers, PRE_COOKIE) {
        Some(v) if v.len() >= 32 => (v, None),
        _ => {
            let v = jiguan_app::auth::random_token();
            let secure = if st.web.secure_cookies {
                "; Secure"
            } else {
                ""
            };
            let c = format!("{PRE_COOKIE}={v}; Path={path}; HttpOnly; SameSite=Strict{secure}");
            (v, Some(c))
        }
    }
}

pub async fn login_page(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<NextQ>,
) -> Response {
    let tr = Tr::new(lang_of(&headers));
    let (pre, set) = pre_cookie(&st, &headers, "/login");
    let page = LoginPage {
        tr,
        pre,
        next: safe_next(q.next.as_deref()),
        username: String::new(),
        error: String::new(),
        demo: st.demo(),
    };
    let mut resp = axum::response::Html(render(&page)).into_response();
    if let Some(c) = set.and_then(|c| c.parse().ok()) {
        resp.headers_mut().append(header::SET_COOKIE, c);
    }
    resp
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub password: String,
    pub next: Option<String>,
}

pub fn session_cookie(st: &AppState, token: &str) -> String {
    let secure = if st.web.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax{secure}")
}

pub async fn login_submit(
    State(st): State<AppState>,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Response {
    let tr = Tr::new(lang_of(&headers));
    // The guard found the client's address (connection or proxy header).
    let addr = jiguan_app::audit::client_addr().unwrap_or_default();
    let agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    match st.app.sign_in(&f.username, &f.password, &addr, agent).await {
        Ok(ok) => {
            let to = if ok.session.must_change_password {
                "/profile/password".to_string()
            } else {
                safe_next(f.next.as_deref())
            };
            let mut resp = Redirect::to(&to).into_response();
            if let Ok(c) = session_cookie(&st, &ok.token).parse() {
                resp.headers_mut().append(header::SET_COOKIE, c);
            }
            resp
        }
        Err(e) => {
            let status = crate::error::status_of(&e);
            let error = match &e {
                AppError::Invalid(list) => list
                    .iter()
                    .map(|x| tr.error(x))
                    .collect::<Vec<_>>()
                    .join("；"),
                AppError::RateLimited { retry_after_secs } => tr.f(
                    "err.rate_limited",
                    &[("secs".into(), retry_after_secs.to_string())],
                ),
                other => {
                    tracing::error!(error = %other, "sign-in failed");
                    tr.t("status.internal").to_string()
                }
            };
            let (pre, _) = pre_cookie(&st, &headers, "/login");
            let page = LoginPage {
                tr,
                pre,
                next: safe_next(f.next.as_deref()),
                username: f.username,
                error,
                demo: st.demo(),
            };
            let status = if status == StatusCode::UNPROCESSABLE_ENTITY {
                StatusCode::UNAUTHORIZED
            } else {
                status
            };
            let mut resp = page_status(status, &page);
            if let AppError::RateLimited { retry_after_secs } = &e
                && let Ok(v) = retry_after_secs.to_string().parse()
            {
                resp.headers_mut().insert(header::RETRY_AFTER, v);
            }
            resp
        }
    }
}

/// Signs out (only a signed-in request gets here: the [`Ctx`] is required).
pub async fn logout(State(st): State<AppState>, headers: HeaderMap, _: Ctx) -> Response {
    if let Some(t) = cookie(&headers, SESSION_COOKIE)
        && let Ok(Some(s)) = st.app.session(&t).await
        && let Err(e) = st.app.logout(&s).await
    {
        tracing::error!(error = %e, "logout failed");
    }
    let mut resp = Redirect::to("/login").into_response();
    if let Ok(c) = format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0").parse() {
        resp.headers_mut().append(header::SET_COOKIE, c);
    }
    resp
}

/// Switches the language (a preference only, so a plain link).
pub async fn set_lang(Path(lang): Path<String>, Query(q): Query<NextQ>) -> Response {
    let lang = Lang::from_code(&lang).unwrap_or(Lang::Zh);
    let mut resp = Redirect::to(&safe_next(q.next.as_deref())).into_response();
    let c = format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
        lang.code()
    );
    if let Ok(v) = c.parse() {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}
