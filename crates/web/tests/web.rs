//! The web layer's guarded behaviour, through the real router on a temp SQLite database.
//! The role and tenancy tests are generated from the route table, so a new route is
//! covered the moment it is declared.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, StatusCode, header};
use tower::ServiceExt;

use jiguan_app::{App, AppConfig, ManualClock};
use jiguan_domain::auth::{Action, Actor, Role};
use jiguan_domain::tenancy::{DistrictId, UnitId, UserId};
use jiguan_store::SqlStore;
use jiguan_web::guard::Access;
use jiguan_web::{AppState, WebConfig, routes};

const PW: &str = "secret123";

struct Account {
    name: &'static str,
    unit: Option<&'static str>,
    roles: Vec<Role>,
}

struct T {
    router: Router,
    app: App,
    clock: Arc<ManualClock>,
    d_a: DistrictId,
    units: Vec<(&'static str, UnitId)>,
    users: Vec<(&'static str, UserId)>,
    _dir: tempfile::TempDir,
}

impl T {
    fn unit(&self, code: &str) -> UnitId {
        self.units.iter().find(|(c, _)| *c == code).unwrap().1
    }
    fn user(&self, name: &str) -> UserId {
        self.users.iter().find(|(c, _)| *c == name).unwrap().1
    }
}

/// District A (镇海区: units luotuo and jiulonghu) with one account per role, and
/// district B (北仑区: unit dagang) with its own accounts.
fn accounts() -> Vec<Account> {
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

async fn setup() -> T {
    let dir = tempfile::tempdir().unwrap();
    let url = dir.path().join("w.db").to_string_lossy().to_string();
    let store = SqlStore::open(&url).await.unwrap();
    let clock = Arc::new(ManualClock::new(chrono::Utc::now()));
    let app = App::new(Arc::new(store), AppConfig::for_tests(), clock.clone());
    let s = &app.store;
    let d_a = s.create_district("zhenhai", "镇海区").await.unwrap();
    let d_b = s.create_district("beilun", "北仑区").await.unwrap();
    let mut units = Vec::new();
    for (d, code, name, kind) in [
        (
            d_a,
            "luotuo",
            "骆驼街道",
            jiguan_domain::tenancy::UnitKind::Subdistrict,
        ),
        (
            d_a,
            "jiulonghu",
            "九龙湖镇",
            jiguan_domain::tenancy::UnitKind::Town,
        ),
        (
            d_b,
            "dagang",
            "北仑大碶街道",
            jiguan_domain::tenancy::UnitKind::Subdistrict,
        ),
    ] {
        let input = jiguan_domain::tenancy::UnitInput {
            code: code.into(),
            name: name.into(),
            kind,
        };
        let id = s
            .create_unit(
                d,
                &input,
                jiguan_app::users::system_entry(d, None, "unit.create", "unit", code, None),
            )
            .await
            .unwrap();
        units.push((code, id));
    }
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
    let state = AppState {
        app: app.clone(),
        web: WebConfig::default(),
    };
    T {
        router: jiguan_web::router(state),
        app,
        clock,
        d_a,
        units,
        users,
        _dir: dir,
    }
}

struct Resp {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

impl Resp {
    fn location(&self) -> String {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    }
    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or(serde_json::Value::Null)
    }
    fn cookie(&self, name: &str) -> Option<String> {
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
struct Who {
    cookie: Option<String>,
    csrf: Option<String>,
    bearer: Option<String>,
    lang: Option<&'static str>,
}

async fn login(t: &T, name: &str) -> Who {
    let ok = t.app.login(name, PW, "10.0.0.1").await.unwrap();
    Who {
        cookie: Some(format!("jiguan_session={}", ok.token)),
        csrf: Some(ok.session.csrf_token),
        ..Who::default()
    }
}

async fn send(t: &T, who: &Who, method: Method, path: &str, body: Option<(&str, String)>) -> Resp {
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
    let mut req = b.body(body).unwrap();
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

fn form(pairs: &[(&str, &str)]) -> Option<(&'static str, String)> {
    Some((
        "application/x-www-form-urlencoded",
        serde_urlencoded::to_string(pairs).unwrap(),
    ))
}

/// A valid body for a write route, so that only the guard or the tenancy check can refuse.
fn valid_body(path: &str) -> (String, Vec<(&'static str, &'static str)>) {
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
async fn write_valid(t: &T, who: &Who, method: Method, path: &str) -> Resp {
    let (json, fields) = valid_body(path);
    if path.starts_with("/api/") {
        let mut b = Request::builder()
            .method(method)
            .uri(path)
            .header(header::CONTENT_TYPE, "application/json");
        b = b
            .header(header::COOKIE, who.cookie.clone().unwrap())
            .header("x-csrf-token", who.csrf.clone().unwrap());
        let resp = t
            .router
            .clone()
            .oneshot(b.body(Body::from(json)).unwrap())
            .await
            .unwrap();
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
    } else {
        let csrf = who.csrf.clone().unwrap_or_default();
        let mut f = fields;
        f.push(("_csrf", csrf.as_str()));
        send(t, who, method, path, form(&f)).await
    }
}

/// A request body for a write route: the CSRF token for forms, an empty JSON object for
/// the API (with the token in the header for session users).
async fn write(t: &T, who: &Who, method: Method, path: &str) -> Resp {
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
        let mut req = b.body(Body::from("{}")).unwrap();
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
    } else {
        let csrf = who.csrf.clone().unwrap_or_default();
        send(t, who, method, path, form(&[("_csrf", csrf.as_str())])).await
    }
}

fn actor_of(t: &T, acc: &Account) -> Actor {
    Actor {
        user_id: t.user(acc.name),
        username: acc.name.into(),
        display_name: String::new(),
        district_id: t.d_a,
        unit_id: acc.unit.map(|u| t.unit(u)),
        roles: acc.roles.clone(),
    }
}

/// Fills path parameters with ids the account may legitimately use.
fn own_path(t: &T, acc: &Account, path: &str, token: i64) -> String {
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

fn routes_with_action() -> Vec<(Method, &'static str, Action)> {
    routes::specs()
        .into_iter()
        .filter_map(|(m, p, a)| match a {
            Access::Signed(action) => Some((m, p, action)),
            Access::Public => None,
        })
        .collect()
}

#[tokio::test]
async fn role_matrix_is_enforced_on_every_route() {
    let t = setup().await;
    let mut checked = 0;
    for acc in accounts() {
        let actor = actor_of(&t, &acc);
        for (method, path, action) in routes_with_action() {
            // A fresh session per request: some routes (sign-out) end it.
            let who = login(&t, acc.name).await;
            let token = t.app.create_api_token(&actor, "matrix").await.unwrap().0;
            let p = own_path(&t, &acc, path, token);
            let r = if method == Method::GET {
                send(&t, &who, method.clone(), &p, None).await
            } else {
                write(&t, &who, method.clone(), &p).await
            };
            if actor.can(action) {
                assert!(
                    r.status != StatusCode::FORBIDDEN
                        && r.status != StatusCode::UNAUTHORIZED
                        && r.status.as_u16() < 500,
                    "{} may {:?} but {method} {p} gave {}: {}",
                    acc.name,
                    action,
                    r.status,
                    &r.body[..r.body.len().min(300)]
                );
            } else {
                assert_eq!(
                    r.status,
                    StatusCode::FORBIDDEN,
                    "{} may not {:?} but {method} {p} gave {}",
                    acc.name,
                    action,
                    r.status
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 200, "only {checked} checks");
}

#[tokio::test]
async fn no_route_shows_another_tenants_data() {
    let t = setup().await;
    // Objects of district B, and of the sibling unit for unit accounts.
    let foreign_unit = t.unit("dagang");
    let foreign_user = t.user("b_unit_admin");
    let b_actor = Actor {
        user_id: foreign_user,
        username: "b_unit_admin".into(),
        display_name: String::new(),
        district_id: t
            .app
            .store
            .get_user_any(foreign_user)
            .await
            .unwrap()
            .unwrap()
            .district_id,
        unit_id: Some(foreign_unit),
        roles: vec![Role::UnitAdmin],
    };
    let foreign_token = t.app.create_api_token(&b_actor, "foreign").await.unwrap().0;
    let sibling_unit = t.unit("jiulonghu");
    let sibling_user = t.user("sibling_staff");
    for acc in accounts().into_iter().filter(|a| a.name != "sibling_staff") {
        let mut targets = vec![(foreign_unit, foreign_user)];
        if acc.unit.is_some() {
            targets.push((sibling_unit, sibling_user));
        }
        for (method, path, _action) in routes_with_action() {
            let has_param = path.contains('{');
            for (unit, user) in &targets {
                let who = login(&t, acc.name).await;
                if has_param {
                    if path.contains("{lang}") || path.contains("{key}") {
                        continue;
                    }
                    let p = path
                        .replace("{unit}", &unit.to_string())
                        .replace("{user}", &user.to_string())
                        .replace("{token}", &foreign_token.to_string());
                    let r = if method == Method::GET {
                        send(&t, &who, method.clone(), &p, None).await
                    } else {
                        write_valid(&t, &who, method.clone(), &p).await
                    };
                    assert!(
                        r.status == StatusCode::NOT_FOUND || r.status == StatusCode::FORBIDDEN,
                        "{} reached {method} {p}: {}",
                        acc.name,
                        r.status
                    );
                    assert!(
                        !r.body.contains("北仑") && !r.body.contains("b_unit_admin"),
                        "{} saw foreign data at {p}",
                        acc.name
                    );
                } else if method == Method::GET {
                    let r = send(&t, &who, method.clone(), path, None).await;
                    assert!(
                        !r.body.contains("北仑")
                            && !r.body.contains("b_unit_admin")
                            && !r.body.contains("b_admin"),
                        "{} saw district B at {path}",
                        acc.name
                    );
                    if acc.unit.is_some() {
                        assert!(
                            !r.body.contains("sibling_staff"),
                            "{} saw the sibling unit's staff at {path}",
                            acc.name
                        );
                    }
                }
            }
        }
    }
}

#[tokio::test]
async fn writes_without_the_csrf_token_are_refused() {
    let t = setup().await;
    let who = login(&t, "d_admin").await;
    let body = [("code", "newunit"), ("name", "新单位"), ("kind", "town")];
    let r = send(&t, &who, Method::POST, "/units/new", form(&body)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let mut with_wrong = body.to_vec();
    with_wrong.push(("_csrf", "wrong"));
    let r = send(&t, &who, Method::POST, "/units/new", form(&with_wrong)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(
        t.app
            .store
            .find_unit(t.d_a, "newunit")
            .await
            .unwrap()
            .is_none()
    );
    let csrf = who.csrf.clone().unwrap();
    let mut ok = body.to_vec();
    ok.push(("_csrf", csrf.as_str()));
    let r = send(&t, &who, Method::POST, "/units/new", form(&ok)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(
        t.app
            .store
            .find_unit(t.d_a, "newunit")
            .await
            .unwrap()
            .is_some()
    );

    // The API with a session cookie needs the header; with a token it needs none.
    let r = send(
        &t,
        &who,
        Method::POST,
        "/api/v1/units",
        Some((
            "application/json",
            r#"{"code":"apiunit","name":"接口单位","kind":"town"}"#.into(),
        )),
    )
    .await;
    assert_eq!(
        (r.status, r.json()["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("csrf_failed"))
    );
    let actor = t
        .app
        .session(
            who.cookie
                .as_ref()
                .unwrap()
                .trim_start_matches("jiguan_session="),
        )
        .await
        .unwrap()
        .unwrap()
        .actor;
    let (_, token) = t.app.create_api_token(&actor, "ci").await.unwrap();
    let bearer = Who {
        bearer: Some(token),
        ..Who::default()
    };
    let r = send(
        &t,
        &bearer,
        Method::POST,
        "/api/v1/units",
        Some((
            "application/json",
            r#"{"code":"apiunit","name":"接口单位","kind":"town"}"#.into(),
        )),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);

    // The sign-in form carries a double-submit token too.
    let anon = Who::default();
    let r = send(
        &t,
        &anon,
        Method::POST,
        "/login",
        form(&[("username", "d_admin"), ("password", PW)]),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

async fn http_login(t: &T, name: &str, pw: &str) -> Resp {
    let anon = Who::default();
    let page = send(t, &anon, Method::GET, "/login", None).await;
    let pre = page.cookie("jiguan_pre").unwrap();
    let who = Who {
        cookie: Some(format!("jiguan_pre={pre}")),
        ..Who::default()
    };
    send(
        t,
        &who,
        Method::POST,
        "/login",
        form(&[
            ("username", name),
            ("password", pw),
            ("_csrf", pre.as_str()),
        ]),
    )
    .await
}

#[tokio::test]
async fn sign_in_sets_a_session_and_sign_out_ends_it() {
    let t = setup().await;
    let r = http_login(&t, "u_staff", PW).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let tok = r.cookie("jiguan_session").unwrap();
    let who = Who {
        cookie: Some(format!("jiguan_session={tok}")),
        ..Who::default()
    };
    let home = send(&t, &who, Method::GET, "/", None).await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("骆驼街道") && home.body.contains("党工委"));
    let csrf = home
        .body
        .split("name=\"_csrf\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let r = send(
        &t,
        &who,
        Method::POST,
        "/logout",
        form(&[("_csrf", csrf.as_str())]),
    )
    .await;
    assert_eq!(
        (r.status, r.location()),
        (StatusCode::SEE_OTHER, "/login".to_string())
    );
    let r = send(&t, &who, Method::GET, "/", None).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.location().starts_with("/login"));
    // A wrong password is refused with a message, not a session.
    let r = http_login(&t, "u_staff", "wrong-pass1").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.body.contains("用户名或密码不正确"));
    assert!(r.cookie("jiguan_session").is_none());
}

#[tokio::test]
async fn sessions_expire_when_idle_and_after_the_maximum() {
    let t = setup().await;
    let who = login(&t, "u_staff").await;
    assert_eq!(
        send(&t, &who, Method::GET, "/", None).await.status,
        StatusCode::OK
    );
    t.clock.advance(chrono::Duration::minutes(29));
    assert_eq!(
        send(&t, &who, Method::GET, "/", None).await.status,
        StatusCode::OK,
        "activity keeps it alive"
    );
    t.clock.advance(chrono::Duration::minutes(29));
    assert_eq!(
        send(&t, &who, Method::GET, "/", None).await.status,
        StatusCode::OK
    );
    t.clock.advance(chrono::Duration::minutes(31));
    let r = send(&t, &who, Method::GET, "/", None).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "idle for 31 minutes");
    assert_eq!(
        send(&t, &who, Method::GET, "/api/v1/me", None).await.status,
        StatusCode::UNAUTHORIZED
    );

    // Even an active session ends after the maximum lifetime.
    let who = login(&t, "u_staff").await;
    for _ in 0..((12 * 60) / 20) {
        t.clock.advance(chrono::Duration::minutes(20));
        let r = send(&t, &who, Method::GET, "/api/v1/me", None).await;
        if r.status != StatusCode::OK {
            assert_eq!(r.status, StatusCode::UNAUTHORIZED);
            return;
        }
    }
    t.clock.advance(chrono::Duration::minutes(20));
    assert_eq!(
        send(&t, &who, Method::GET, "/api/v1/me", None).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn sign_in_is_rate_limited() {
    let t = setup().await;
    for _ in 0..5 {
        assert_eq!(
            http_login(&t, "u_admin", "wrong-pass1").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    let r = http_login(&t, "u_admin", PW).await;
    assert_eq!(
        r.status,
        StatusCode::TOO_MANY_REQUESTS,
        "the right password is refused too"
    );
    assert!(r.body.contains("登录失败次数过多"));
    assert!(r.cookie("jiguan_session").is_none());
    // Another account is not affected; the window passes.
    assert_eq!(
        http_login(&t, "u_staff", PW).await.status,
        StatusCode::SEE_OTHER
    );
    t.clock.advance(chrono::Duration::minutes(16));
    assert_eq!(
        http_login(&t, "u_admin", PW).await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn a_temporary_password_must_be_changed_first() {
    let t = setup().await;
    let admin = login(&t, "d_admin").await;
    let csrf = admin.csrf.clone().unwrap();
    let uid = t.user("u_head").to_string();
    let r = send(
        &t,
        &admin,
        Method::POST,
        &format!("/users/{uid}/reset-password"),
        form(&[("_csrf", csrf.as_str()), ("password", "temp12345")]),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let ok = t
        .app
        .login("u_head", "temp12345", "10.0.0.2")
        .await
        .unwrap();
    let who = Who {
        cookie: Some(format!("jiguan_session={}", ok.token)),
        csrf: Some(ok.session.csrf_token.clone()),
        ..Who::default()
    };
    let r = send(&t, &who, Method::GET, "/", None).await;
    assert_eq!(
        (r.status, r.location()),
        (StatusCode::SEE_OTHER, "/profile/password".to_string())
    );
    let r = send(&t, &who, Method::GET, "/api/v1/me", None).await;
    assert_eq!(r.json()["code"], "password_change_required");
    let c = ok.session.csrf_token.as_str();
    // Bad input names the fields.
    let r = send(
        &t,
        &who,
        Method::POST,
        "/profile/password",
        form(&[
            ("_csrf", c),
            ("current", "nope"),
            ("new", "short"),
            ("confirm", "short"),
        ]),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("当前密码不正确") && r.body.contains("长度须在 8 到 128 位之间"),
        "{}",
        r.body
    );
    let r = send(
        &t,
        &who,
        Method::POST,
        "/profile/password",
        form(&[
            ("_csrf", c),
            ("current", "temp12345"),
            ("new", "mine12345"),
            ("confirm", "mine12345"),
        ]),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        send(&t, &who, Method::GET, "/", None).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn bad_input_names_the_field_and_writes_nothing() {
    let t = setup().await;
    let who = login(&t, "u_admin").await;
    let c = who.csrf.clone().unwrap();
    let before = t
        .app
        .store
        .list_users(t.d_a, &Default::default(), &Default::default())
        .await
        .unwrap()
        .total;
    let r = send(
        &t,
        &who,
        Method::POST,
        "/users/new",
        form(&[
            ("_csrf", c.as_str()),
            ("username", "X!"),
            ("display_name", ""),
            ("password", "abc"),
            ("roles", "district_admin"),
        ]),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for msg in [
        "用户名：只能用",
        "姓名：必填",
        "角色：该账号级别不能担任此角色",
    ] {
        assert!(r.body.contains(msg), "missing {msg}");
    }
    let r = send(
        &t,
        &who,
        Method::POST,
        "/users/new",
        form(&[
            ("_csrf", c.as_str()),
            ("username", "u_staff"),
            ("display_name", "重名"),
            ("password", "abc12345"),
            ("roles", "staff"),
        ]),
    )
    .await;
    assert!(r.body.contains("用户名：已被使用"), "{}", r.body);
    assert_eq!(
        t.app
            .store
            .list_users(t.d_a, &Default::default(), &Default::default())
            .await
            .unwrap()
            .total,
        before
    );

    // The API: one error shape, in the user's language.
    let mut w = who.clone();
    w.bearer = None;
    let api = |body: &'static str, lang: Option<&'static str>| {
        let mut w = w.clone();
        w.lang = lang;
        let t = &t;
        async move {
            let mut b = Request::builder()
                .method(Method::POST)
                .uri("/api/v1/users")
                .header(header::CONTENT_TYPE, "application/json");
            let mut cookies = vec![w.cookie.clone().unwrap()];
            if let Some(l) = w.lang {
                cookies.push(format!("jiguan_lang={l}"));
            }
            b = b
                .header(header::COOKIE, cookies.join("; "))
                .header("x-csrf-token", w.csrf.clone().unwrap());
            let resp = t
                .router
                .clone()
                .oneshot(b.body(Body::from(body)).unwrap())
                .await
                .unwrap();
            let status = resp.status();
            let bytes = axum::body::to_bytes(resp.into_body(), 1 << 20)
                .await
                .unwrap();
            (
                status,
                serde_json::from_slice::<serde_json::Value>(&bytes).unwrap(),
            )
        }
    };
    let (s, j) = api(
        r#"{"username":"ok_name","display_name":"","roles":["staff"],"password":"abc12345"}"#,
        None,
    )
    .await;
    assert_eq!(
        (
            s,
            j["code"].as_str(),
            j["field"].as_str(),
            j["message"].as_str()
        ),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("invalid"),
            Some("display_name"),
            Some("姓名：必填")
        )
    );
    let (_, j) = api(
        r#"{"username":"ok_name","display_name":"","roles":["staff"],"password":"abc12345"}"#,
        Some("en"),
    )
    .await;
    assert_eq!(j["message"], "Name: required");
    let (s, j) = api(r#"{"username": 5}"#, None).await;
    assert_eq!(
        (s, j["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_json"))
    );
    assert_eq!(
        t.app
            .store
            .list_users(t.d_a, &Default::default(), &Default::default())
            .await
            .unwrap()
            .total,
        before
    );
}

#[tokio::test]
async fn changes_are_audited_with_before_and_after() {
    let t = setup().await;
    let who = login(&t, "d_admin").await;
    let c = who.csrf.clone().unwrap();
    let id = t.unit("luotuo");
    let r = send(
        &t,
        &who,
        Method::POST,
        &format!("/units/{id}/edit"),
        form(&[
            ("_csrf", c.as_str()),
            ("code", "luotuo"),
            ("name", "骆驼街道办事处"),
            ("kind", "subdistrict"),
            ("active", "on"),
        ]),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = send(
        &t,
        &who,
        Method::GET,
        &format!("/api/v1/audit?object_type=unit&object_id={id}"),
        None,
    )
    .await;
    let items = r.json()["items"].as_array().cloned().unwrap();
    let upd = items.iter().find(|i| i["action"] == "unit.update").unwrap();
    assert!(upd["before"].as_str().unwrap().contains("骆驼街道\""));
    assert!(upd["after"].as_str().unwrap().contains("骆驼街道办事处"));
    assert_eq!(upd["username"], "d_admin");
    // The page filters by unit and shows it.
    let r = send(
        &t,
        &who,
        Method::GET,
        &format!("/audit?unit={id}&object_type=unit"),
        None,
    )
    .await;
    assert!(r.body.contains("unit.update"));
    let report = t.app.verify_audit(|_| {}).await.unwrap();
    assert!(report.breaks.is_empty());
}

#[tokio::test]
async fn english_switch_and_print_styles() {
    let t = setup().await;
    let anon = Who::default();
    let r = send(&t, &anon, Method::GET, "/lang/en?next=/units", None).await;
    assert_eq!(r.location(), "/units");
    assert_eq!(r.cookie("jiguan_lang").as_deref(), Some("en"));
    let r = send(&t, &anon, Method::GET, "/lang/en?next=//evil.example", None).await;
    assert_eq!(r.location(), "/", "no open redirect");
    let mut who = login(&t, "d_admin").await;
    who.lang = Some("en");
    let r = send(&t, &who, Method::GET, "/units", None).await;
    assert!(r.body.contains("Users and roles") && r.body.contains("Subdistrict (街道)"));
    assert!(!r.body.contains("用户与角色"));
    let css = send(&t, &anon, Method::GET, "/assets/app.css", None).await;
    assert!(css.body.contains("@media print") && css.body.contains("@media (max-width"));
}

#[tokio::test]
async fn lists_search_sort_and_page() {
    let t = setup().await;
    let who = login(&t, "d_admin").await;
    let r = send(
        &t,
        &who,
        Method::GET,
        "/api/v1/users?per_page=3&page=2&sort=username",
        None,
    )
    .await;
    let j = r.json();
    assert_eq!(
        (
            j["total"].as_i64(),
            j["page"].as_i64(),
            j["items"].as_array().map(Vec::len)
        ),
        (Some(8), Some(2), Some(3))
    );
    let names: Vec<&str> = j["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["u_admin", "u_auditor", "u_committee"]);
    let r = send(&t, &who, Method::GET, "/users?q=u_he", None).await;
    assert!(r.body.contains("u_head") && !r.body.contains("u_staff"));
    let r = send(
        &t,
        &who,
        Method::GET,
        &format!("/users?unit={}", t.unit("jiulonghu")),
        None,
    )
    .await;
    assert!(r.body.contains("sibling_staff") && !r.body.contains("u_admin"));
    let r = send(&t, &who, Method::GET, "/units?sort=name&desc=true", None).await;
    let a = r.body.find("骆驼街道").unwrap();
    let b = r.body.find("九龙湖镇").unwrap();
    assert!(a < b, "骆 sorts after 九 descending by code point");
}

#[test]
fn openapi_lists_every_api_route() {
    let doc: serde_json::Value = serde_json::from_str(&jiguan_web::api::openapi_json()).unwrap();
    let paths = doc["paths"].as_object().unwrap();
    let mut api_routes = 0;
    for (method, path, _) in routes::specs() {
        if !path.starts_with("/api/v1/") {
            continue;
        }
        api_routes += 1;
        let m = method.as_str().to_lowercase();
        assert!(
            paths.get(path).and_then(|p| p.get(&m)).is_some(),
            "{method} {path} missing from OpenAPI"
        );
    }
    let documented: usize = paths
        .values()
        .map(|p| p.as_object().map(|o| o.len()).unwrap_or(0))
        .sum();
    assert_eq!(
        documented, api_routes,
        "OpenAPI documents routes that do not exist"
    );
}

#[test]
fn every_string_is_translated_in_both_languages() {
    use jiguan_web::i18n::{SOURCES, parse};
    let zh: std::collections::BTreeSet<String> = SOURCES
        .iter()
        .flat_map(|(_, z, _)| parse(z).into_keys())
        .collect();
    let en: std::collections::BTreeSet<String> = SOURCES
        .iter()
        .flat_map(|(_, _, e)| parse(e).into_keys())
        .collect();
    assert_eq!(
        zh.difference(&en).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "missing in English"
    );
    assert_eq!(
        en.difference(&zh).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "missing in Chinese"
    );
    // Every literal key used in a template exists.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        for part in text.split(".t(\"").skip(1) {
            let key = part.split('"').next().unwrap();
            assert!(
                zh.contains(key),
                "{}: key {key} not in the locale files",
                path.display()
            );
        }
    }
    // Every role and error code the domain can produce has a text.
    for r in Role::ALL {
        assert!(zh.contains(r.code()), "role {}", r.code());
    }
}
