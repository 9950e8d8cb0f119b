//! Shared setup: two districts with one account per role, sign-in, and requests sent
//! through the real router.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, StatusCode, header};
use tower::ServiceExt;

use jiguan_app::{App, AppConfig, ManualClock};
use jiguan_domain::auth::{Action, Actor, Role};
use jiguan_domain::tenancy::{DistrictId, UnitId, UnitKind, UserId};
use jiguan_store::SqlStore;
use jiguan_testkit::fixtures::district;
use jiguan_web::guard::Access;
use jiguan_web::{AppState, WebConfig, routes};

pub const PW: &str = "secret123";

pub struct Account {
    pub name: &'static str,
    pub unit: Option<&'static str>,
    pub roles: Vec<Role>,
}

pub struct T {
    pub router: Router,
    pub app: App,
    pub clock: Arc<ManualClock>,
    pub d_a: DistrictId,
    pub units: Vec<(&'static str, UnitId)>,
    pub users: Vec<(&'static str, UserId)>,
    pub _dir: tempfile::TempDir,
}

impl T {
    pub fn unit(&self, code: &str) -> UnitId {
        self.units.iter().find(|(c, _)| *c == code).unwrap().1
    }
    pub fn user(&self, name: &str) -> UserId {
        self.users.iter().find(|(c, _)| *c == name).unwrap().1
    }
}

/// District A (镇海区: units luotuo and jiulonghu) with one account per role, and
/// district B (北仑区: unit dagang) with its own accounts.
pub fn accounts() -> Vec<Account> {
    let a = |name, unit, roles| Account { name, unit, roles };
    vec![
        a("d_admin", None, vec![Role::DistrictAdmin]),
        a("d_auditor", None, vec![Role::Auditor]),
        a("u_admin", Some("luotuo"), vec![Role::UnitAdmin]),
        a("u_head", Some("luotuo"), vec![Role::BodyHead]),
        a("u_committee", Some("luotuo"), vec![Role::CommitteeMember]),
        a("u_staff", Some("luotuo"), vec![Role::Staff]),
        a("u_auditor", Some("luotuo"), vec![Role::Auditor]),
        a("sibling_staff", Some("jiulonghu"), vec![Role::Staff]),
    ]
}

/// A fresh SQLite database `name` in `dir` behind an app on a manual clock set to now.
pub async fn fresh_app(dir: &Path, name: &str) -> (App, Arc<ManualClock>) {
    let url = dir.join(name).to_string_lossy().to_string();
    let store = SqlStore::open(&url).await.unwrap();
    let clock = Arc::new(ManualClock::new(chrono::Utc::now()));
    let app = App::new(Arc::new(store), AppConfig::for_tests(), clock.clone());
    (app, clock)
}

/// The real router over `app`.
pub fn router_of(app: &App) -> Router {
    jiguan_web::router(AppState {
        app: app.clone(),
        web: WebConfig::default(),
        jobs: Default::default(),
    })
}

/// The demo district over a fresh database behind the real router, with the demo's
/// `units` (by code) listed and no accounts of its own (the demo's sign in with
/// [`demo_login`]).
pub async fn demo(units: &[&'static str]) -> T {
    let dir = tempfile::tempdir().unwrap();
    let (app, clock) = fresh_app(dir.path(), "demo.db").await;
    let d = jiguan_app::demo::seed(&app, |_, _| {}).await.unwrap();
    let mut listed = Vec::new();
    for &code in units {
        listed.push((code, unit_id(&app, d, code).await));
    }
    T {
        router: router_of(&app),
        app,
        clock,
        d_a: d,
        units: listed,
        users: Vec::new(),
        _dir: dir,
    }
}

/// The id of the district's unit `code` (which must exist).
pub async fn unit_id(app: &App, d: DistrictId, code: &str) -> UnitId {
    app.store.find_unit(d, code).await.unwrap().unwrap().id
}

pub async fn setup() -> T {
    let dir = tempfile::tempdir().unwrap();
    let (app, clock) = fresh_app(dir.path(), "w.db").await;
    let s = &app.store;
    let (d_a, a_units) = district(
        s.as_ref(),
        "zhenhai",
        "镇海区",
        &[
            ("luotuo", "骆驼街道", UnitKind::Subdistrict),
            ("jiulonghu", "九龙湖镇", UnitKind::Town),
        ],
    )
    .await
    .unwrap();
    let (d_b, b_units) = district(
        s.as_ref(),
        "beilun",
        "北仑区",
        &[("dagang", "北仑大碶街道", UnitKind::Subdistrict)],
    )
    .await
    .unwrap();
    let units: Vec<(&'static str, UnitId)> = ["luotuo", "jiulonghu", "dagang"]
        .into_iter()
        .zip(a_units.into_iter().chain(b_units))
        .collect();
    let mut users = Vec::new();
    let find = |code: &str| units.iter().find(|(c, _)| *c == code).map(|(_, id)| *id);
    for acc in accounts() {
        let id = app
            .system_create_user(
                d_a,
                acc.unit.and_then(find),
                acc.name,
                &format!("甲{}", acc.name),
                &acc.roles,
                PW,
                false,
            )
            .await
            .unwrap();
        users.push((acc.name, id));
    }
    for (name, unit, role) in [
        ("b_admin", None, Role::DistrictAdmin),
        ("b_unit_admin", Some("dagang"), Role::UnitAdmin),
    ] {
        let id = app
            .system_create_user(
                d_b,
                unit.and_then(find),
                name,
                "北仑外人",
                &[role],
                PW,
                false,
            )
            .await
            .unwrap();
        users.push((name, id));
    }
    T {
        router: router_of(&app),
        app,
        clock,
        d_a,
        units,
        users,
        _dir: dir,
    }
}

pub struct Resp {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Resp {
    /// Asserts the body holds every one of `parts` (the body is shown for a missing one).
    pub fn assert_has(&self, parts: &[&str]) {
        for p in parts {
            assert!(self.body.contains(p), "{p}: {}", self.body);
        }
    }

    pub fn location(&self) -> String {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or(serde_json::Value::Null)
    }
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|v| v.split(';').next())
            .filter_map(|kv| kv.split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
    }
}

/// A signed-in browser: session cookie and CSRF token.
#[derive(Clone, Default)]
pub struct Who {
    pub cookie: Option<String>,
    pub csrf: Option<String>,
    pub bearer: Option<String>,
    pub lang: Option<&'static str>,
}

pub async fn login(t: &T, name: &str) -> Who {
    login_with(t, name, PW).await
}

/// Signs in an account of the demo ([`demo`]).
pub async fn demo_login(t: &T, name: &str) -> Who {
    login_with(t, name, jiguan_app::demo::DEMO_PASSWORD).await
}

async fn login_with(t: &T, name: &str, pw: &str) -> Who {
    let ok = t.app.login(name, pw, "10.0.0.1").await.unwrap();
    Who {
        cookie: Some(format!("jiguan_session={}", ok.token)),
        csrf: Some(ok.session.csrf_token),
        ..Who::default()
    }
}

pub async fn send(
    t: &T,
    who: &Who,
    method: Method,
    path: &str,
    body: Option<(&str, String)>,
) -> Resp {
    let mut b = Request::builder().method(method).uri(path);
    let mut cookies = Vec::new();
    if let Some(c) = &who.cookie {
        cookies.push(c.clone());
    }
    if let Some(l) = who.lang {
        cookies.push(format!("jiguan_lang={l}"));
    }
    if !cookies.is_empty() {
        b = b.header(header::COOKIE, cookies.join("; "));
    }
    if let Some(tok) = &who.bearer {
        b = b.header(header::AUTHORIZATION, format!("Bearer {tok}"));
    }
    let body = match body {
        Some((ct, text)) => {
            b = b.header(header::CONTENT_TYPE, ct);
            Body::from(text)
        }
        None => Body::empty(),
    };
    oneshot(t, b.body(body).unwrap()).await
}

/// Signs in through the login form (its pre-session cookie and CSRF token), sending the
/// extra `headers` with the POST.
/// A JSON `POST` through the real router.
pub async fn api_post(t: &T, who: &Who, path: &str, body: impl ToString) -> Resp {
    send(
        t,
        who,
        Method::POST,
        path,
        Some(("application/json", body.to_string())),
    )
    .await
}

pub async fn form_login_with(t: &T, name: &str, pw: &str, headers: &[(&str, &str)]) -> Resp {
    let page = get(t, &Who::default(), "/login").await;
    let pre = page.cookie("jiguan_pre").unwrap();
    let fields = [
        ("username", name),
        ("password", pw),
        ("_csrf", pre.as_str()),
    ];
    let mut b = Request::builder()
        .method(Method::POST)
        .uri("/login")
        .header(header::COOKIE, format!("jiguan_pre={pre}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    let body = serde_urlencoded::to_string(fields).unwrap();
    oneshot(t, b.body(Body::from(body)).unwrap()).await
}

/// JSON posted to the API with the session cookie and the CSRF header.
pub async fn post_json(t: &T, who: &Who, path: &str, json: &str) -> Resp {
    let b = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::COOKIE, who.cookie.clone().unwrap())
        .header("x-csrf-token", who.csrf.clone().unwrap());
    oneshot(t, b.body(Body::from(json.to_string())).unwrap()).await
}

/// A GET of `path` without a body.
pub async fn get(t: &T, who: &Who, path: &str) -> Resp {
    send(t, who, Method::GET, path, None).await
}

/// Posts a form with the session's CSRF token added.
pub async fn post_form(t: &T, who: &Who, path: &str, fields: &[(&str, &str)]) -> Resp {
    let csrf = who.csrf.clone().unwrap_or_default();
    let mut f = fields.to_vec();
    f.push(("_csrf", csrf.as_str()));
    send(t, who, Method::POST, path, form(&f)).await
}

/// Asserts a refused form or body (422) whose answer shows `text`.
pub fn assert_refused(r: &Resp, text: &str) {
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains(text), "{text} missing: {}", r.body);
}

/// Asserts a refused JSON body (422) whose first error names `field` with `code`.
pub fn assert_field_error(r: &Resp, field: &str, code: &str) {
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let e = &r.json()["errors"][0];
    assert_eq!(e["field"], field, "{}", r.body);
    assert_eq!(e["code"], code, "{}", r.body);
}

/// Asserts that the first error of a JSON answer says `text` in its message.
pub fn assert_message(r: &Resp, text: &str) {
    let e = &r.json()["errors"][0];
    let message = e["message"].as_str().unwrap();
    assert!(message.contains(text), "{text} missing: {message}");
}

/// The id at the end of a redirect's location (before any `?…`).
pub fn id_of(r: &Resp) -> i64 {
    let loc = r.location();
    let tail = loc.rsplit('/').next().unwrap();
    tail.split('?').next().unwrap().parse().unwrap()
}

/// [`post_form`] for a form that is accepted: the answer is the redirect after saving.
pub async fn post_form_ok(t: &T, who: &Who, path: &str, fields: &[(&str, &str)]) -> Resp {
    let r = post_form(t, who, path, fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    r
}

/// Sends one request through the router from 10.0.0.9 and reads the whole answer.
pub async fn oneshot(t: &T, mut req: Request<Body>) -> Resp {
    req.extensions_mut()
        .insert(ConnectInfo(SocketAddr::from(([10, 0, 0, 9], 4000))));
    let resp = t.router.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let bytes = axum::body::to_bytes(resp.into_body(), 10 << 20)
        .await
        .unwrap();
    Resp {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).to_string(),
    }
}

/// Asserts that `who` was kept out at `at` (a method and path): refused with 404 or 403
/// (or 400 where `malformed_ok`), and none of `hidden` shown.
pub fn assert_kept_out(r: &Resp, who: &str, at: &str, malformed_ok: bool, hidden: &[&str]) {
    let malformed = malformed_ok && r.status == StatusCode::BAD_REQUEST;
    assert!(
        r.status == StatusCode::NOT_FOUND || r.status == StatusCode::FORBIDDEN || malformed,
        "{who} reached {at}: {}",
        r.status
    );
    for h in hidden {
        assert!(!r.body.contains(h), "{who} saw {h} at {at}");
    }
}

/// Asserts an Excel download (200, an OOXML spreadsheet).
pub fn assert_xlsx(r: &Resp) {
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .contains("spreadsheetml")
    );
}

pub fn form(pairs: &[(&str, &str)]) -> Option<(&'static str, String)> {
    Some((
        "application/x-www-form-urlencoded",
        serde_urlencoded::to_string(pairs).unwrap(),
    ))
}

/// A valid body for a write route, so that only the guard or the tenancy check can refuse.
pub fn valid_body(path: &str) -> (String, Vec<(&'static str, &'static str)>) {
    if path.contains("/reset-password") {
        (
            r#"{"password":"abc12345"}"#.into(),
            vec![("password", "abc12345")],
        )
    } else if path.contains("/users/") {
        (
            r#"{"display_name":"改名","roles":["staff"],"active":true}"#.into(),
            vec![
                ("display_name", "改名"),
                ("roles", "staff"),
                ("active", "on"),
            ],
        )
    } else if path.contains("/units/") {
        (
            r#"{"code":"renamed","name":"改名","kind":"town"}"#.into(),
            vec![("code", "renamed"), ("name", "改名"), ("kind", "town")],
        )
    } else {
        ("{}".into(), vec![])
    }
}

/// A write request with a valid body (see [`valid_body`]).
pub async fn write_valid(t: &T, who: &Who, method: Method, path: &str) -> Resp {
    let (json, fields) = valid_body(path);
    if path.starts_with("/api/") {
        let mut b = Request::builder()
            .method(method)
            .uri(path)
            .header(header::CONTENT_TYPE, "application/json");
        b = b
            .header(header::COOKIE, who.cookie.clone().unwrap())
            .header("x-csrf-token", who.csrf.clone().unwrap());
        oneshot(t, b.body(Body::from(json)).unwrap()).await
    } else {
        let csrf = who.csrf.clone().unwrap_or_default();
        let mut f = fields;
        f.push(("_csrf", csrf.as_str()));
        send(t, who, method, path, form(&f)).await
    }
}

/// A GET, or a write with a valid body (see [`write_valid`]).
pub async fn call(t: &T, who: &Who, method: Method, path: &str) -> Resp {
    if method == Method::GET {
        send(t, who, method, path, None).await
    } else {
        write_valid(t, who, method, path).await
    }
}

/// A request body for a write route: the CSRF token for forms, an empty JSON object for
/// the API (with the token in the header for session users).
pub async fn write(t: &T, who: &Who, method: Method, path: &str) -> Resp {
    if path.starts_with("/api/") {
        let mut w = who.clone();
        let mut req_who = w.clone();
        req_who.cookie = w.cookie.take();
        let mut b = Request::builder()
            .method(method)
            .uri(path)
            .header(header::CONTENT_TYPE, "application/json");
        if let Some(c) = &req_who.cookie {
            b = b.header(header::COOKIE, c);
        }
        if let Some(c) = &req_who.csrf {
            b = b.header("x-csrf-token", c);
        }
        oneshot(t, b.body(Body::from("{}")).unwrap()).await
    } else {
        let csrf = who.csrf.clone().unwrap_or_default();
        send(t, who, method, path, form(&[("_csrf", csrf.as_str())])).await
    }
}

/// A unit administrator of unit `u` in district `d`, as the system account (user 0), for
/// set-ups that call the use cases directly.
pub fn unit_admin(d: DistrictId, u: UnitId) -> Actor {
    as_role(d, Some(u), Role::UnitAdmin, UserId(0))
}

/// An actor named "system" with one `role`, as `user`, for set-ups that call the use cases
/// directly.
pub fn as_role(d: DistrictId, unit: Option<UnitId>, role: Role, user: UserId) -> Actor {
    Actor {
        user_id: user,
        username: "system".into(),
        display_name: String::new(),
        district_id: d,
        unit_id: unit,
        roles: vec![role],
    }
}

pub fn actor_of(t: &T, acc: &Account) -> Actor {
    Actor {
        user_id: t.user(acc.name),
        username: acc.name.into(),
        display_name: String::new(),
        district_id: t.d_a,
        unit_id: acc.unit.map(|u| t.unit(u)),
        roles: acc.roles.clone(),
    }
}

/// Owned form pairs as the borrowed pairs the senders take.
pub fn pairs(f: &[(String, String)]) -> Vec<(&str, &str)> {
    f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

/// Fills path parameters with ids the account may legitimately use.
pub fn own_path(t: &T, acc: &Account, path: &str, token: i64) -> String {
    let unit = acc.unit.map(|u| t.unit(u)).unwrap_or(t.unit("luotuo"));
    let user = if acc.unit.is_some() {
        t.user("u_staff")
    } else {
        t.user("d_auditor")
    };
    path.replace("{unit}", &unit.to_string())
        .replace("{user}", &user.to_string())
        .replace("{token}", &token.to_string())
        .replace("{key}", "no.such.param")
        .replace("{lang}", "en")
}

pub fn routes_with_action() -> Vec<(Method, &'static str, Action)> {
    routes::specs()
        .into_iter()
        .filter_map(|(m, p, a)| match a {
            Access::Signed(action) => Some((m, p, action)),
            Access::Public => None,
        })
        .collect()
}

/// The records a route walk fills its paths with: one of the first unit (luotuo), one of
/// its sibling (jiulonghu) and one of district B's unit (dagang).
pub struct Records<'a, I> {
    pub own: I,
    pub sib: I,
    pub foreign: I,
    /// The path parameter of the record (`{plan}`, `{meeting}`).
    pub param: &'a str,
    /// Text of the sibling's and the foreign record that must never show.
    pub hidden: &'a [&'a str],
}

/// Walks `routes` (in the order given) for every test account with real record ids: on
/// its own unit's record each account gets what the role matrix grants it (403 otherwise);
/// another unit's or district's record is never reached, neither through the account's own
/// unit nor through the record's unit. `fill` puts a unit and a record into a path.
pub async fn walk_routes_with_records<I: Copy>(
    t: &T,
    routes: &[(Method, &str, Action)],
    rec: &Records<'_, I>,
    fill: impl Fn(&str, UnitId, I) -> String,
) {
    let (lu, jl, dg) = (t.unit("luotuo"), t.unit("jiulonghu"), t.unit("dagang"));
    for acc in accounts() {
        let actor = actor_of(t, &acc);
        let unit = acc.unit.map(|u| t.unit(u)).unwrap_or(lu);
        for (method, path, action) in routes {
            let who = login(t, acc.name).await;
            let p = fill(path, unit, if unit == lu { rec.own } else { rec.sib });
            let r = call(t, &who, method.clone(), &p).await;
            if actor.can(*action) {
                assert!(
                    r.status != StatusCode::FORBIDDEN
                        && r.status != StatusCode::UNAUTHORIZED
                        && r.status.as_u16() < 500,
                    "{} may {action:?} but {method} {p} gave {}: {}",
                    acc.name,
                    r.status,
                    &r.body[..r.body.len().min(300)]
                );
            } else {
                assert_eq!(r.status, StatusCode::FORBIDDEN, "{} {method} {p}", acc.name);
            }
            // Foreign records: through the own unit, and through their unit.
            let mut targets = vec![(unit, rec.foreign), (dg, rec.foreign)];
            if acc.unit.is_some() && unit != jl {
                targets.push((unit, rec.sib));
                targets.push((jl, rec.sib));
            }
            for (tu, tr) in targets {
                if !path.contains("{unit}") || (!path.contains(rec.param) && tu == unit) {
                    continue;
                }
                let who = login(t, acc.name).await;
                let p = fill(path, tu, tr);
                let r = call(t, &who, method.clone(), &p).await;
                assert_kept_out(&r, acc.name, &format!("{method} {p}"), false, rec.hidden);
            }
        }
    }
}

/// The guarded routes whose path contains `part`.
pub fn routes_containing(part: &str) -> Vec<(Method, &'static str, Action)> {
    routes_with_action()
        .into_iter()
        .filter(|(_, p, _)| p.contains(part))
        .collect()
}

/// District B (北仑区), the district of the account `b_unit_admin`.
pub async fn district_b(t: &T) -> DistrictId {
    t.app
        .store
        .get_user_any(t.user("b_unit_admin"))
        .await
        .unwrap()
        .unwrap()
        .district_id
}

/// The demo seeded into a fresh SQLite file behind the real router, with one more account,
/// `demo_unit` (password [`PW`]), the administrator of `unit` (its code): for tests that walk
/// the demo's pages. `t.d_a` is the demo district, `t.units` holds `unit`.
pub async fn demo_t(unit: &'static str) -> T {
    let t = demo(&[unit]).await;
    t.app
        .system_create_user(
            t.d_a,
            Some(t.unit(unit)),
            "demo_unit",
            "demo_unit",
            &[Role::UnitAdmin],
            PW,
            false,
        )
        .await
        .unwrap();
    t
}

/// The action codes of district A's audit trail.
pub async fn audit_codes(t: &T) -> Vec<String> {
    t.app
        .store
        .list_audit(t.d_a, &Default::default(), &Default::default())
        .await
        .unwrap()
        .items
        .iter()
        .map(|e| e.action.clone())
        .collect()
}

/// Asserts that every one of `codes` is in district A's audit trail.
pub async fn assert_audited(t: &T, codes: &[&str]) {
    let have = audit_codes(t).await;
    for c in codes {
        assert!(have.iter().any(|x| x == c), "{c} not audited: {have:?}");
    }
}

/// Who reads a unit's selection pages: not staff nor body heads; committee members,
/// auditors and the district do.
pub const SELECTION_READERS: [(&str, StatusCode); 5] = [
    ("u_staff", StatusCode::FORBIDDEN),
    ("u_head", StatusCode::FORBIDDEN),
    ("u_committee", StatusCode::OK),
    ("u_auditor", StatusCode::OK),
    ("d_admin", StatusCode::OK),
];

/// Asserts the status each account gets for a GET of each of `paths`.
pub async fn assert_reads(t: &T, paths: &[&str], wants: &[(&str, StatusCode)]) {
    for (name, want) in wants {
        let who = login(t, name).await;
        for path in paths {
            assert_eq!(get(t, &who, path).await.status, *want, "{name} {path}");
        }
    }
}

/// Submits the campaign plan at `one` (its page path) as `hr`, approves it as `district`
/// with a 文号 and publishes it.
pub async fn publish_plan(t: &T, hr: &Who, district: &Who, one: &str) {
    post_form_ok(t, hr, &format!("{one}/submit"), &[]).await;
    post_form_ok(
        t,
        district,
        &format!("{one}/approve"),
        &[("doc_no", "镇海组〔2026〕9号")],
    )
    .await;
    post_form_ok(t, hr, &format!("{one}/publish"), &[]).await;
}

/// The rows of an import page's error table (`#import-errors`): (row, column, reason).
pub fn error_rows(body: &str) -> Vec<(String, String, String)> {
    let Some(table) = body.split("id=\"import-errors\"").nth(1) else {
        return Vec::new();
    };
    let tbody = table.split("<tbody>").nth(1).unwrap();
    let tbody = tbody.split("</tbody>").next().unwrap();
    tbody
        .split("<tr>")
        .skip(1)
        .map(|tr| {
            let cells: Vec<String> = tr
                .split("<td>")
                .skip(1)
                .map(|c| c.split("</td>").next().unwrap().to_string())
                .collect();
            (cells[0].clone(), cells[1].clone(), cells[3].clone())
        })
        .collect()
}

/// Asserts the import error table row by row: the row and column as given, the reason
/// containing the given text.
pub fn assert_error_rows(body: &str, want: &[(&str, &str, &str)]) {
    let got = error_rows(body);
    assert_eq!(got.len(), want.len(), "{got:?}");
    for ((row, col, reason), (wr, wc, wreason)) in got.iter().zip(want) {
        assert_eq!((row.as_str(), col.as_str()), (*wr, *wc), "{got:?}");
        assert!(
            reason.contains(wreason),
            "row {row}: {reason} lacks {wreason}"
        );
    }
}

/// The account `u_admin` as the administrator ("hr") of unit `u` in district `d`.
pub fn hr_of(t: &T, d: DistrictId, u: UnitId) -> Actor {
    Actor {
        username: "hr".into(),
        ..as_role(d, Some(u), Role::UnitAdmin, t.user("u_admin"))
    }
}
