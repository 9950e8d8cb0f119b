//! The guard in front of every route: who is asking (session cookie or API token), CSRF,
//! forced password change, the role × action matrix and the unit named in the path.
//! Handlers receive a [`Ctx`]; a route cannot be declared without its [`Access`].

use axum::RequestExt;
use axum::body::{Body, to_bytes};
use axum::extract::{RawPathParams, Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

use jiguan_app::AppError;
use jiguan_app::auth::SessionCtx;
use jiguan_domain::auth::{Action, Actor};
use jiguan_domain::tenancy::UnitId;

use crate::AppState;
use crate::error::{api_error, page_error};
use crate::i18n::{Lang, Tr};

pub const SESSION_COOKIE: &str = "jiguan_session";
pub const LANG_COOKIE: &str = "jiguan_lang";
/// Double-submit cookie protecting the sign-in form, which has no session yet.
pub const PRE_COOKIE: &str = "jiguan_pre";
pub const CSRF_FIELD: &str = "_csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// What a route requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone (sign-in page, health checks, assets).
    Public,
    /// A signed-in user whose roles grant the action.
    Signed(Action),
}

/// The request's context, for handlers.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub actor: Actor,
    pub csrf: String,
    pub tr: Tr,
    /// Signed in with an API token rather than a session.
    pub via_token: bool,
    pub must_change_password: bool,
    pub path: String,
    /// The count of the actor's inbox (to-dos and unread notices) for the menu badge;
    /// counted for pages only (`None` on the API).
    pub inbox: Option<usize>,
}

/// The language of a request: the `jiguan_lang` cookie, Chinese by default.
pub fn lang_of(headers: &axum::http::HeaderMap) -> Lang {
    cookie(headers, LANG_COOKIE)
        .and_then(|v| Lang::from_code(&v))
        .unwrap_or(Lang::Zh)
}

/// The language of an API request: the `jiguan_lang` cookie, else the first language of
/// `Accept-Language` that Jiguan speaks (by q-value, then order), else Chinese. Pages keep
/// to the cookie and its switch, so a browser set to English still opens in Chinese.
pub fn api_lang_of(headers: &axum::http::HeaderMap) -> Lang {
    cookie(headers, LANG_COOKIE)
        .and_then(|v| Lang::from_code(&v))
        .or_else(|| accepted_lang(headers))
        .unwrap_or(Lang::Zh)
}

/// The preferred language of `Accept-Language` among Chinese and English (`zh`, `zh-*`,
/// `en`, `en-*`); a tag with `q=0` or a malformed q-value is skipped.
fn accepted_lang(headers: &axum::http::HeaderMap) -> Option<Lang> {
    let v = headers.get(header::ACCEPT_LANGUAGE)?.to_str().ok()?;
    let mut tags: Vec<(f32, usize, Lang)> = v
        .split(',')
        .enumerate()
        .filter_map(|(i, part)| {
            let mut it = part.split(';');
            let tag = it.next()?.trim().to_ascii_lowercase();
            let q = match it.find_map(|p| p.trim().strip_prefix("q=")) {
                Some(q) => q.trim().parse::<f32>().ok()?,
                None => 1.0,
            };
            let lang = match tag.split('-').next()? {
                "zh" => Lang::Zh,
                "en" => Lang::En,
                _ => return None,
            };
            (q > 0.0).then_some((q, i, lang))
        })
        .collect();
    tags.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    tags.first().map(|t| t.2)
}

/// A cookie's value.
pub fn cookie(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// Equality that takes the same time whatever the contents.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Per-route settings of the guard.
#[derive(Debug, Clone, Copy)]
pub struct GuardSpec {
    pub access: Access,
    pub api: bool,
}

fn deny(tr: Tr, api: bool, e: AppError) -> Response {
    if api {
        api_error(tr, e)
    } else {
        page_error(tr, e)
    }
}

fn is_unsafe(m: &Method) -> bool {
    !matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Reads the CSRF token of a form post without losing the body.
async fn form_token(req: Request, limit: usize) -> Result<(Request, Option<String>), Response> {
    let (parts, body) = req.into_parts();
    let bytes = to_bytes(body, limit)
        .await
        .map_err(|_| StatusCode::PAYLOAD_TOO_LARGE.into_response())?;
    let token = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
        .ok()
        .and_then(|v| v.into_iter().find(|(k, _)| k == CSRF_FIELD).map(|(_, v)| v));
    Ok((Request::from_parts(parts, Body::from(bytes)), token))
}

/// The CSRF token sent with a request: header, urlencoded form field, `_csrf` in the
/// query string, or the `_csrf` field of a multipart form (uploads).
async fn sent_token(req: Request, limit: usize) -> Result<(Request, Option<String>), Response> {
    if let Some(h) = req.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok()) {
        let t = h.to_string();
        return Ok((req, Some(t)));
    }
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    if is_form {
        return form_token(req, limit).await;
    }
    let q = req.uri().query().unwrap_or("");
    let t = serde_urlencoded::from_str::<Vec<(String, String)>>(q)
        .ok()
        .and_then(|v| v.into_iter().find(|(k, _)| k == CSRF_FIELD).map(|(_, v)| v));
    if t.is_some() {
        return Ok((req, t));
    }
    let boundary = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .filter(|ct| ct.starts_with("multipart/form-data"))
        .and_then(multipart_boundary);
    match boundary {
        Some(b) => multipart_token(req, &b, limit).await,
        None => Ok((req, None)),
    }
}

/// The boundary of a `multipart/form-data` content type.
fn multipart_boundary(ct: &str) -> Option<String> {
    ct.split(';')
        .filter_map(|p| p.trim().split_once('='))
        .find(|(k, _)| k.eq_ignore_ascii_case("boundary"))
        .map(|(_, v)| v.trim_matches('"').to_string())
        .filter(|b| !b.is_empty())
}

/// Reads the `_csrf` field of a multipart form (a plain field, not a file) without losing
/// the body.
async fn multipart_token(
    req: Request,
    boundary: &str,
    limit: usize,
) -> Result<(Request, Option<String>), Response> {
    let (parts, body) = req.into_parts();
    let bytes = to_bytes(body, limit)
        .await
        .map_err(|_| StatusCode::PAYLOAD_TOO_LARGE.into_response())?;
    let token = multipart_field(&bytes, boundary, CSRF_FIELD);
    Ok((Request::from_parts(parts, Body::from(bytes)), token))
}

/// The value of the plain field `name` in a multipart body.
fn multipart_field(body: &[u8], boundary: &str, name: &str) -> Option<String> {
    let delim = format!("--{boundary}");
    let want = format!("name=\"{name}\"");
    split_bytes(body, delim.as_bytes())
        .into_iter()
        .find_map(|part| {
            let part = part.strip_prefix(b"\r\n").unwrap_or(part);
            let at = find_bytes(part, b"\r\n\r\n")?;
            let head = std::str::from_utf8(part.get(..at)?).ok()?;
            let disposition = head
                .lines()
                .find(|l| l.to_ascii_lowercase().starts_with("content-disposition:"))?;
            let is_field = disposition.split(';').any(|p| p.trim() == want.as_str())
                && !disposition.contains("filename=");
            if !is_field {
                return None;
            }
            let value = part.get(at + 4..)?;
            let value = value.strip_suffix(b"\r\n").unwrap_or(value);
            std::str::from_utf8(value)
                .ok()
                .map(|v| v.trim().to_string())
        })
}

fn find_bytes(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn split_bytes<'a>(mut hay: &'a [u8], delim: &[u8]) -> Vec<&'a [u8]> {
    let mut out = Vec::new();
    while let Some(i) = find_bytes(hay, delim) {
        out.push(hay.get(..i).unwrap_or_default());
        hay = hay.get(i + delim.len()..).unwrap_or_default();
    }
    out.push(hay);
    out
}

/// The guard middleware. It also renders the [`WebError`](crate::error::WebError) a
/// handler returned, as a page or as JSON, in the request's language.
pub async fn guard(
    State((st, spec)): State<(AppState, GuardSpec)>,
    req: Request,
    next: Next,
) -> Response {
    let tr = Tr::new(if spec.api {
        api_lang_of(req.headers())
    } else {
        lang_of(req.headers())
    });
    let addr = client_addr(&st, &req);
    let resp = jiguan_app::audit::with_client_addr(addr, check(st, spec, tr, req, next)).await;
    crate::error::render_failure(tr, spec.api, resp)
}

/// The client's address: the connection's peer, or, when that peer is one of the
/// configured reverse proxies (`trusted_proxies`), the client it forwarded for (see
/// [`crate::client::client_ip`]: `X-Forwarded-For` is read from the right and only
/// trusted hops are skipped). Recorded with every audited change and sign-in attempt,
/// and the key of the sign-in limiter.
pub fn client_addr(st: &AppState, req: &Request) -> Option<String> {
    let peer = req
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip());
    crate::client::client_ip(&st.web.trusted_proxies, peer, req.headers())
        .or(peer)
        .map(|ip| ip.to_string())
}

async fn check(st: AppState, spec: GuardSpec, tr: Tr, req: Request, next: Next) -> Response {
    let api = spec.api;
    let path = req.uri().path().to_string();

    if spec.access == Access::Public {
        if is_unsafe(req.method()) {
            // Public forms (sign-in) use a double-submit cookie.
            let pre = cookie(req.headers(), PRE_COOKIE);
            let (req, sent) = match sent_token(req, st.web.max_body_bytes).await {
                Ok(x) => x,
                Err(r) => return r,
            };
            let ok = matches!((&pre, &sent), (Some(a), Some(b)) if same(a, b));
            if !ok {
                return csrf_failed(tr, api);
            }
            return next.run(req).await;
        }
        return next.run(req).await;
    }
    let Access::Signed(action) = spec.access else {
        return next.run(req).await;
    };

    // The unit named in the path (`{unit}`): a number is read with the session (one
    // statement); anything else answers 400 once the actor is known.
    let mut req = req;
    let unit_param: Option<Result<UnitId, String>> = req
        .extract_parts::<RawPathParams>()
        .await
        .ok()
        .and_then(|params| {
            params
                .iter()
                .find(|(k, _)| *k == "unit")
                .map(|(_, v)| v.parse::<i64>().map(UnitId).map_err(|_| v.to_string()))
        });
    let wanted = unit_param.as_ref().and_then(|r| r.as_ref().ok().copied());
    // Taken before the unit is read: a write after it makes the use cases read it again.
    let mark = st.app.store.write_mark();

    // Who is asking: an API token (no cookies, so no CSRF), else the session cookie.
    let bearer = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_string);
    // `read_unit`: the unit as read with the session (`None`: not read yet).
    let (actor, csrf, via_token, must_change, read_unit) = if let Some(tok) = bearer {
        match st.app.api_token_actor(&tok).await {
            Ok(Some(a)) => (a, String::new(), true, false, None),
            Ok(None) => return deny(tr, true, AppError::Unauthenticated),
            Err(e) => return deny(tr, true, e),
        }
    } else {
        let session = match cookie(req.headers(), SESSION_COOKIE) {
            Some(t) => st.app.session_in(&t, wanted).await,
            None => Ok(None),
        };
        match session {
            Ok(Some((
                SessionCtx {
                    actor,
                    csrf_token,
                    must_change_password,
                    ..
                },
                unit,
            ))) => (
                actor,
                csrf_token,
                false,
                must_change_password,
                wanted.map(|_| unit),
            ),
            Ok(None) => {
                if api {
                    return deny(tr, true, AppError::Unauthenticated);
                }
                let next_url = if req.method() == Method::GET {
                    path.clone()
                } else {
                    "/".into()
                };
                let q =
                    serde_urlencoded::to_string([("next", next_url.as_str())]).unwrap_or_default();
                return Redirect::to(&format!("/login?{q}")).into_response();
            }
            Err(e) => return deny(tr, api, e),
        }
    };

    if !via_token && is_unsafe(req.method()) {
        let (r, sent) = match sent_token(req, st.web.max_body_bytes).await {
            Ok(x) => x,
            Err(resp) => return resp,
        };
        if !sent.as_deref().is_some_and(|s| same(s, &csrf)) {
            return csrf_failed(tr, api);
        }
        req = r;
    }

    // A temporary password must be replaced before anything else.
    let exempt = path == "/profile/password" || path == "/logout" || path.starts_with("/lang/");
    if must_change && !exempt {
        return deny(tr, api, AppError::PasswordChangeRequired);
    }

    if !actor.can(action) {
        return deny(tr, api, AppError::Forbidden);
    }

    // The unit named in the path must be one the actor may see; handlers get it loaded
    // (`InUnit`).
    let unit = match unit_param {
        None => None,
        Some(Err(v)) => {
            return crate::error::WebError::Malformed {
                status: StatusCode::BAD_REQUEST,
                code: "bad_id",
                field: Some("unit".into()),
                detail: v,
            }
            .into_response();
        }
        Some(Ok(id)) => {
            let read = match read_unit {
                Some(u) => Ok(u),
                None => st.app.store.get_unit(actor.district_id, id).await,
            };
            match read {
                Ok(Some(u)) if actor.sees_unit(u.district_id, u.id) => Some(u),
                Ok(_) => return deny(tr, api, AppError::NotFound),
                Err(e) => return deny(tr, api, e.into()),
            }
        }
    };
    if let Some(u) = &unit {
        req.extensions_mut().insert(u.clone());
    }
    // The menu's inbox badge: pages only, and not while the password must change.
    let inbox = if api || must_change || req.method() != Method::GET {
        None
    } else {
        st.app.inbox_shared(&actor).await.ok().map(|i| i.count())
    };
    req.extensions_mut().insert(Ctx {
        actor,
        csrf,
        tr,
        via_token,
        must_change_password: must_change,
        path,
        inbox,
    });
    // The use cases' own unit check reuses the record read above (one read less per page).
    match unit {
        Some(u) => jiguan_app::with_request_unit(u, mark, next.run(req)).await,
        None => next.run(req).await,
    }
}

fn csrf_failed(tr: Tr, api: bool) -> Response {
    if api {
        let body = crate::error::ApiError {
            code: "csrf_failed".into(),
            message: tr.t("err.csrf_failed").into(),
            field: None,
            errors: vec![],
        };
        (StatusCode::FORBIDDEN, axum::Json(body)).into_response()
    } else {
        let page = crate::html::ErrorPage {
            tr,
            status: 403,
            title: tr.t("status.forbidden").into(),
            detail: tr.t("err.csrf_failed").into(),
        };
        (
            StatusCode::FORBIDDEN,
            axum::response::Html(crate::html::render(&page)),
        )
            .into_response()
    }
}

/// Adds security headers to every response. Nothing is cached (pages, API answers and
/// exports hold personal data) unless the handler said otherwise (our CSS and JS); with
/// secure cookies (served over HTTPS) browsers are told to use HTTPS only (HSTS).
pub async fn security_headers(State(secure): State<bool>, req: Request, next: Next) -> Response {
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(
            header::CACHE_CONTROL,
            axum::http::HeaderValue::from_static("no-store"),
        );
    }
    if secure {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            axum::http::HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    let set = |h: &mut axum::http::HeaderMap, k: &'static str, v: &'static str| {
        h.insert(k, axum::http::HeaderValue::from_static(v));
    };
    set(h, "x-content-type-options", "nosniff");
    set(h, "x-frame-options", "DENY");
    set(h, "referrer-policy", "same-origin");
    set(
        h,
        "content-security-policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'",
    );
    resp
}
