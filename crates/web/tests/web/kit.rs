//! The module kit's promise: a malformed id or body answers the same clear 400/415/422 on
//! every route of the table, in every module, and writes nothing.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use jiguan_domain::auth::Action;

use crate::helpers::*;

/// Path parameters that are numeric ids (`{kind}`, `{key}`, `{job}`, `{lang}` are names).
const ID_PARAMS: &[&str] = &[
    "unit",
    "user",
    "token",
    "body",
    "item",
    "plan",
    "n",
    "line",
    "person",
    "post",
    "assignment",
    "calc",
    "year",
    "round",
];

/// Write routes that read no body (a step such as "submit" carries only the CSRF token):
/// a malformed one cannot be refused there. A route that reads a body must not be here.
const NO_BODY: &[&str] = &[
    "/logout",
    "/inbox/notices/{notice}/open",
    "/inbox/read-all",
    "/api/v1/inbox/notices/{notice}/read",
    "/profile/tokens/{token}/delete",
    "/api/v1/tokens/{token}",
    "/units/{unit}/downsizing/{plan}/lines/{line}/delete",
    "/units/{unit}/downsizing/{plan}/submit",
    "/units/{unit}/downsizing/{plan}/reopen",
    "/units/{unit}/downsizing/{plan}/apply",
    "/api/v1/units/{unit}/downsizing/{plan}/lines/{line}",
    "/api/v1/units/{unit}/downsizing/{plan}/submit",
    "/api/v1/units/{unit}/downsizing/{plan}/reopen",
    "/api/v1/units/{unit}/downsizing/{plan}/apply",
    "/units/{unit}/org/plans/{plan}/ops/{n}/delete",
    "/units/{unit}/org/plans/{plan}/submit",
    "/api/v1/units/{unit}/plans/{plan}/submit",
    "/units/{unit}/pay/{plan}/from-appraisal",
    "/units/{unit}/pay/{plan}/compute",
    "/units/{unit}/pay/{plan}/submit",
    "/units/{unit}/pay/{plan}/approve",
    "/units/{unit}/pay/{plan}/reopen",
    "/units/{unit}/pay/{plan}/apply",
    "/api/v1/units/{unit}/pay/{plan}/compute",
    "/api/v1/units/{unit}/pay/{plan}/submit",
    "/api/v1/units/{unit}/pay/{plan}/approve",
    "/api/v1/units/{unit}/pay/{plan}/apply",
    "/units/{unit}/twoway/{round}/match",
    "/units/{unit}/twoway/{round}/apply",
    "/units/{unit}/twoway/{round}/open",
    "/units/{unit}/twoway/{round}/submit",
    "/units/{unit}/twoway/{round}/downsizing",
    "/api/v1/units/{unit}/twoway/{round}/open",
    "/api/v1/units/{unit}/twoway/{round}/match",
    "/api/v1/units/{unit}/twoway/{round}/submit",
    "/api/v1/units/{unit}/twoway/{round}/apply",
    "/units/{unit}/people/{person}/relations/{relation}/delete",
    "/api/v1/units/{unit}/people/{person}/relations/{relation}",
];

/// The path params of a route pattern.
fn params_of(path: &str) -> Vec<&str> {
    path.split('/')
        .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .collect()
}

/// Whether an answer has our error shape (the API's JSON error naming `field`, or a page);
/// the reason when it has not.
fn our_shape(api: bool, r: &Resp, field: Option<&str>) -> Result<(), String> {
    let short = || r.body.chars().take(200).collect::<String>();
    if api {
        let j: serde_json::Value =
            serde_json::from_str(&r.body).map_err(|_| format!("not JSON: {}", short()))?;
        if !(j["code"].is_string() && j["message"].is_string()) {
            return Err(format!("not our error shape: {j}"));
        }
        if field.is_some() && j["field"].as_str() != field {
            return Err(format!("field is not {field:?}: {j}"));
        }
    } else if !r.body.contains("<!DOCTYPE html>") {
        return Err(format!("not a page: {}", short()));
    }
    Ok(())
}

/// Fails with every collected failure, one per line.
fn report(failures: Vec<String>) {
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// An account whose roles grant `action`.
/// Signs in as `acc` and fills `path` for it: its own unit, user and a fresh API token
/// where the path names them, 999999 (an id that exists nowhere) for any other parameter.
async fn sign_in_for(t: &T, acc: &Account, path: &str) -> (Who, String) {
    let who = login(t, acc.name).await;
    let token = t
        .app
        .create_api_token(&actor_of(t, acc), "kit")
        .await
        .unwrap()
        .0;
    let p = own_path(t, acc, path, token);
    let p = params_of(&p)
        .into_iter()
        .fold(p.clone(), |p, k| p.replace(&format!("{{{k}}}"), "999999"));
    (who, p)
}

fn account_for(t: &T, action: Action) -> Account {
    accounts()
        .into_iter()
        .find(|a| actor_of(t, a).can(action))
        .unwrap_or_else(|| panic!("no account may {action:?}"))
}

/// Every route of the table answers a malformed id the same way: 400 naming the
/// parameter and showing the value, as a page or as the API's JSON error, in every module.
#[tokio::test]
async fn a_malformed_id_is_a_400_naming_it_on_every_route() {
    let t = setup().await;
    let mut checked = 0;
    let mut failures: Vec<String> = Vec::new();
    for (method, path, action) in routes_with_action() {
        let ids: Vec<&str> = params_of(path)
            .into_iter()
            .filter(|p| ID_PARAMS.contains(p))
            .collect();
        let acc = account_for(&t, action);
        let api = path.starts_with("/api/");
        for bad in &ids {
            let (who, p) = sign_in_for(&t, &acc, &path.replace(&format!("{{{bad}}}"), "abc")).await;
            let r = if method == Method::GET {
                send(&t, &who, method.clone(), &p, None).await
            } else {
                write(&t, &who, method.clone(), &p).await
            };
            let what = format!("{method} {p} ({})", acc.name);
            if r.status != StatusCode::BAD_REQUEST {
                failures.push(format!("{what}: {} instead of 400", r.status));
            } else if let Err(e) = our_shape(api, &r, Some(bad)) {
                failures.push(format!("{what}: {e}"));
            } else if !r.body.contains("abc") {
                failures.push(format!("{what}: the value is not shown"));
            }
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} checks");
    report(failures);
}

/// Every write route refuses a body it cannot read (a form route sent text, an API route
/// sent JSON that does not parse) with 415/422 in its own shape, and writes nothing.
#[tokio::test]
async fn a_malformed_body_is_refused_on_every_write_route() {
    let t = setup().await;
    let newest = |page: u32| {
        let app = t.app.clone();
        let d = t.d_a;
        async move {
            let q = jiguan_app::ports::ListQuery {
                per_page: Some(200),
                page: Some(page),
                ..Default::default()
            };
            app.store
                .list_audit(d, &Default::default(), &q)
                .await
                .unwrap()
                .items
        }
    };
    let before = newest(1).await.first().map_or(0, |r| r.seq);
    let mut checked = 0;
    let mut failures: Vec<String> = Vec::new();
    for (method, path, action) in routes_with_action() {
        if method == Method::GET || NO_BODY.contains(&path) {
            continue;
        }
        let acc = account_for(&t, action);
        // Ids that exist nowhere: the body must be refused before any lookup.
        let (who, p) = sign_in_for(&t, &acc, path).await;
        let api = path.starts_with("/api/");
        let (ct, body) = if api {
            ("application/json", "{\"x\": ".to_string())
        } else {
            ("text/plain", "x".to_string())
        };
        let req = Request::builder()
            .method(method.clone())
            .uri(&p)
            .header(header::CONTENT_TYPE, ct)
            .header(header::COOKIE, who.cookie.clone().unwrap())
            .header("x-csrf-token", who.csrf.clone().unwrap())
            .body(Body::from(body))
            .unwrap();
        let r = oneshot(&t, req).await;
        let what = format!("{method} {p} ({})", acc.name);
        let want = if api {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::UNSUPPORTED_MEDIA_TYPE
        };
        if r.status != want {
            let short: String = r.body.chars().take(120).collect();
            failures.push(format!("{what}: {} instead of {want}: {short}", r.status));
        } else if let Err(e) = our_shape(api, &r, None) {
            failures.push(format!("{what}: {e}"));
        }
        checked += 1;
    }
    assert!(checked > 50, "only {checked} checks");
    // Only the test's own sign-ins and tokens were audited: nothing else was written.
    let mut written = Vec::new();
    for page in 1.. {
        let rows = newest(page).await;
        let done = rows.is_empty() || rows.iter().any(|r| r.seq <= before);
        written.extend(
            rows.into_iter()
                .filter(|r| r.seq > before)
                .filter(|r| r.action != "auth.login" && r.action != "api_token.create")
                .map(|r| format!("{} {}", r.action, r.object_id)),
        );
        if done {
            break;
        }
    }
    failures.extend(written.into_iter().map(|w| format!("written: {w}")));
    report(failures);
}
