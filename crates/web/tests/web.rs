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
    let d_a = s
        .create_district("zhenhai", "镇海区", chrono::Utc::now())
        .await
        .unwrap();
    let d_b = s
        .create_district("beilun", "北仑区", chrono::Utc::now())
        .await
        .unwrap();
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
        jobs: Default::default(),
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

// ---- Establishment and people (编制与实名制) ----

/// A valid ID number of 镇海区 born on `birth` (YYYYMMDD) with sequence `seq`.
fn pid(birth: &str, seq: u32) -> String {
    let body = format!("330211{birth}{seq:03}");
    let c = jiguan_domain::rules::id_number::check_char(&body).unwrap();
    format!("{body}{c}")
}

async fn set_quota(t: &T, unit: UnitId, pairs: &[(&str, &str)]) {
    let who = login(t, "d_admin").await;
    let csrf = who.csrf.clone().unwrap();
    let mut f = pairs.to_vec();
    f.push(("_csrf", csrf.as_str()));
    let r = send(
        t,
        &who,
        Method::POST,
        &format!("/units/{unit}/people/establishment"),
        form(&f),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

async fn add_person(t: &T, who: &Who, unit: UnitId, fields: &[(&str, &str)]) -> Resp {
    let csrf = who.csrf.clone().unwrap();
    let mut f = fields.to_vec();
    f.push(("_csrf", csrf.as_str()));
    send(
        t,
        who,
        Method::POST,
        &format!("/units/{unit}/people/new"),
        form(&f),
    )
    .await
}

fn person_of(r: &Resp) -> i64 {
    r.location()
        .rsplit('/')
        .next()
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

/// A multipart upload of `file` with the CSRF token in the query string.
async fn upload(
    t: &T,
    who: &Who,
    unit: UnitId,
    name: &str,
    file: &str,
    fields: &[(&str, &str)],
) -> Resp {
    let b = "----jiguanboundary7";
    let mut body = String::new();
    for (k, v) in fields {
        body.push_str(&format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
        ));
    }
    body.push_str(&format!(
        "--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: text/csv\r\n\r\n{file}\r\n--{b}--\r\n"
    ));
    let csrf = who.csrf.clone().unwrap();
    let path = format!("/units/{unit}/people/import?_csrf={csrf}");
    send(
        t,
        who,
        Method::POST,
        &path,
        Some(("multipart/form-data; boundary=----jiguanboundary7", body)),
    )
    .await
}

/// The rows of the import error table: (row, column, reason).
fn error_rows(body: &str) -> Vec<(String, String, String)> {
    let Some(table) = body.split("id=\"import-errors\"").nth(1) else {
        return Vec::new();
    };
    let tbody = table
        .split("<tbody>")
        .nth(1)
        .unwrap()
        .split("</tbody>")
        .next()
        .unwrap();
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

#[tokio::test]
async fn people_form_names_every_invalid_field() {
    let t = setup().await;
    let u = t.unit("luotuo");
    let who = login(&t, "u_admin").await;
    let r = add_person(
        &t,
        &who,
        u,
        &[
            ("name", ""),
            ("id_number", "330211198503120018"),
            ("gender", "female"),
            ("identity", "civil_servant"),
            ("establishment", "institution"),
            ("basic_pay", "12.345"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("id=\"err-name\""));
    assert!(r.body.contains("id=\"err-id_number\"") && r.body.contains("校验码不正确"));
    assert!(r.body.contains("id=\"err-establishment\"") && r.body.contains("不得混用"));
    assert!(r.body.contains("id=\"err-basic_pay\""));
    // Valid number, gender that disagrees with it.
    let r = add_person(
        &t,
        &who,
        u,
        &[
            ("name", "张伟"),
            ("id_number", &pid("19850312", 1)),
            ("gender", "female"),
            ("identity", "temporary"),
            ("establishment", "none"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("id=\"err-gender\"") && r.body.contains("与身份证号不符"));
    // The API names the fields too.
    let r = send(
        &t,
        &who,
        Method::POST,
        &format!("/api/v1/units/{u}/people"),
        Some(("application/json", format!(r#"{{"name":"张伟","id_number":"{}","birth_date":"1985-03-13","identity":"temporary","establishment":"none"}}"#, pid("19850312", 1)))),
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "session writes need the header"
    );
    let mut w = who.clone();
    w.bearer = Some(
        t.app
            .create_api_token(&actor_of(&t, &accounts()[2]), "t")
            .await
            .unwrap()
            .1,
    );
    w.cookie = None;
    let r = send(
        &t,
        &w,
        Method::POST,
        &format!("/api/v1/units/{u}/people"),
        Some(("application/json", format!(r#"{{"name":"张伟","id_number":"{}","birth_date":"1985-03-13","identity":"temporary","establishment":"none"}}"#, pid("19850312", 1)))),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["errors"][0]["field"], "birth_date");
    assert_eq!(r.json()["errors"][0]["code"], "birth_mismatch");
}

#[tokio::test]
async fn people_over_establishment_is_refused_unless_approved() {
    let t = setup().await;
    let u = t.unit("luotuo");
    set_quota(&t, u, &[("q_administrative", "1"), ("q_institution", "0")]).await;
    let who = login(&t, "u_admin").await;
    let civil = |name: &'static str, id: String| {
        vec![
            ("name", name.to_string()),
            ("id_number", id),
            ("identity", "civil_servant".into()),
            ("establishment", "administrative".into()),
        ]
    };
    let f1 = civil("甲", pid("19800101", 11));
    let f1: Vec<(&str, &str)> = f1.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = add_person(&t, &who, u, &f1).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let f2 = civil("乙", pid("19800102", 13));
    let mut f2: Vec<(&str, &str)> = f2.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = add_person(&t, &who, u, &f2).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body
            .contains("超编——骆驼街道行政编制核定 1 名，现有 1 名，办理后将有 2 名"),
        "{}",
        r.body
    );
    f2.push(("exception_doc", "镇编办〔2026〕3号"));
    let r = add_person(&t, &who, u, &f2).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = send(
        &t,
        &who,
        Method::GET,
        &format!("/units/{u}/people/establishment"),
        None,
    )
    .await;
    assert!(r.body.contains("镇编办〔2026〕3号") && r.body.contains("乙"));
    assert!(
        r.body
            .contains("<strong class=\"tag warn\">超编 1</strong>"),
        "{}",
        r.body
    );
    // The district table shows it too, and only the unit administrator may not set quotas.
    let d = login(&t, "d_admin").await;
    let r = send(&t, &d, Method::GET, "/people", None).await;
    assert!(r.body.contains("骆驼街道") && !r.body.contains("北仑"));
    let r = send(
        &t,
        &who,
        Method::GET,
        &format!("/api/v1/units/{u}/establishment"),
        None,
    )
    .await;
    assert_eq!(r.json()["uses"][0]["over"], 1);
    assert_eq!(r.json()["exceptions"][0]["doc_no"], "镇编办〔2026〕3号");
}

/// A CSV with many kinds of error; only row 2 is valid (row 9 repeats its ID number).
fn import_fixture() -> String {
    let lines = [
        "姓名,性别,身份证号,出生日期,身份,编制类型,基本工资（元/年）,参加工作时间".to_string(),
        format!(
            "张伟,男,{},1985-03-12,公务员,行政编制,60000,2007-08-01",
            pid("19850312", 17)
        ),
        format!(",男,{},,临时工,编外,,", pid("19900101", 21)),
        "李娜,女,330211198503120018,,临时工,编外,,".to_string(),
        format!("王芳,男,{},,临时工,编外,,", pid("19900102", 22)),
        format!(
            "赵丽,,{},1990-01-04,外星人,编外,abc,2030-01-01",
            pid("19900103", 24)
        ),
        format!("孙强,,{},,临时工,编外,1.234,", pid("19900105", 25)),
        format!("周芳,,{},,事业干部,行政编制,,", pid("19900106", 26)),
        format!("重复,,{},,临时工,编外,,", pid("19850312", 17)),
    ];
    lines.join("\n") + "\n"
}

#[tokio::test]
async fn people_import_lists_every_error_and_is_idempotent() {
    let t = setup().await;
    let u = t.unit("luotuo");
    set_quota(&t, u, &[("q_administrative", "5")]).await;
    let who = login(&t, "u_admin").await;
    let r = send(
        &t,
        &who,
        Method::GET,
        &format!("/units/{u}/people/import/template.xlsx"),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.headers
            .get(header::CONTENT_TYPE)
            .unwrap()
            .to_str()
            .unwrap()
            .contains("spreadsheetml")
    );

    let csv = import_fixture();
    let r = upload(&t, &who, u, "花名册.csv", &csv, &[("mode", "all")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("id=\"import-refused\""));
    let got = error_rows(&r.body);
    let want: Vec<(&str, &str, &str)> = vec![
        ("3", "姓名", "必填"),
        ("4", "身份证号", "校验码不正确"),
        ("5", "性别", "与身份证号不符"),
        ("6", "出生日期", "与身份证号中的出生日期 1990-01-03 不符"),
        ("6", "参加工作时间", "不能晚于今天"),
        ("6", "身份", "不是可选的值"),
        ("6", "基本工资（元/年）", "金额格式不正确"),
        ("7", "基本工资（元/年）", "最多两位小数"),
        ("8", "编制类型", "不得混用"),
        ("9", "身份证号", "与文件第 2 行重复"),
    ];
    assert_eq!(got.len(), want.len(), "{got:?}");
    for ((row, col, reason), (wr, wc, wreason)) in got.iter().zip(&want) {
        assert_eq!((row.as_str(), col.as_str()), (*wr, *wc), "{got:?}");
        assert!(
            reason.contains(wreason),
            "row {row}: {reason} lacks {wreason}"
        );
    }
    // Nothing was written.
    let roster = send(
        &t,
        &who,
        Method::GET,
        &format!("/api/v1/units/{u}/people"),
        None,
    )
    .await;
    assert_eq!(roster.json()["total"], 0);

    // Only the valid rows, when asked: written by a background job.
    let r = upload(&t, &who, u, "花名册.csv", &csv, &[("mode", "valid")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = finish_import(&t, &who, r).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        r.body.contains("<dd id=\"count-created\">1</dd>"),
        "{}",
        r.body
    );
    assert!(r.body.contains("<dd id=\"count-invalid\">7</dd>"));
    let roster = send(
        &t,
        &who,
        Method::GET,
        &format!("/api/v1/units/{u}/people"),
        None,
    )
    .await;
    assert_eq!(roster.json()["total"], 1);
    let audit = t.app.store.audit_count().await.unwrap();
    // The same file again changes nothing.
    let r = upload(&t, &who, u, "花名册.csv", &csv, &[("mode", "valid")]).await;
    assert!(
        r.body.contains("<dd id=\"count-created\">0</dd>")
            && r.body.contains("<dd id=\"count-unchanged\">1</dd>"),
        "{}",
        r.body
    );
    assert!(r.body.contains("<dd id=\"count-updated\">0</dd>"));
    assert_eq!(t.app.store.audit_count().await.unwrap(), audit);
    // Hostile files get a clear message.
    let r = upload(&t, &who, u, "x.xlsx", "PK\u{3}\u{4}not a zip", &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("无法读取文件"));
}

#[tokio::test]
async fn people_secondment_history_and_masking() {
    let t = setup().await;
    let (u, sib) = (t.unit("luotuo"), t.unit("jiulonghu"));
    let who = login(&t, "u_admin").await;
    let id = pid("19880808", 35);
    let r = add_person(
        &t,
        &who,
        u,
        &[
            ("name", "钱七"),
            ("id_number", &id),
            ("identity", "temporary"),
            ("establishment", "none"),
            ("on", "2024-01-02"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let p = person_of(&r);
    let csrf = who.csrf.clone().unwrap();
    let sib_s = sib.to_string();
    let lend = [
        ("action", "lend"),
        ("to_unit", sib_s.as_str()),
        ("on", "2025-03-01"),
        ("doc_no", "骆街〔2025〕5号"),
        ("_csrf", csrf.as_str()),
    ];
    let r = send(
        &t,
        &who,
        Method::POST,
        &format!("/units/{u}/people/{p}/change"),
        form(&lend),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // Home unit: lent out; the unit administrator sees the full number.
    let r = send(
        &t,
        &who,
        Method::GET,
        &format!("/units/{u}/people/{p}"),
        None,
    )
    .await;
    assert!(r.body.contains(&id), "unit admin sees the full number");
    assert!(r.body.contains("id=\"person-status\">借出"));
    assert!(r.body.contains("九龙湖镇") && r.body.contains("骆街〔2025〕5号"));
    let history = r.body.split("id=\"history-table\"").nth(1).unwrap();
    assert!(history.contains("2024-01-02") && history.contains("新进"));
    assert!(history.contains("2025-03-01") && history.contains("借出"));
    // A body head sees the number masked, on the roster and the person page.
    let head = login(&t, "u_head").await;
    let masked = format!("{}********{}", &id[..6], &id[14..]);
    for path in [
        format!("/units/{u}/people"),
        format!("/units/{u}/people/{p}"),
        format!("/api/v1/units/{u}/people/{p}"),
    ] {
        let r = send(&t, &head, Method::GET, &path, None).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert!(!r.body.contains(&id) && r.body.contains(&masked), "{path}");
    }
    // Host unit: borrowed in (district view), not editable there.
    let d = login(&t, "d_admin").await;
    let r = send(&t, &d, Method::GET, &format!("/units/{sib}/people"), None).await;
    assert!(
        r.body.contains("钱七") && r.body.contains("借入"),
        "{}",
        r.body
    );
    let r = send(
        &t,
        &d,
        Method::GET,
        &format!("/api/v1/units/{sib}/people/{p}"),
        None,
    )
    .await;
    assert_eq!(r.json()["person"]["status"], "borrowed_in");
    // Foreign ids: another unit's person through this unit, or another district.
    let r = send(
        &t,
        &head,
        Method::GET,
        &format!("/units/{sib}/people/{p}"),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let other = add_person(
        &t,
        &who,
        u,
        &[
            ("name", "孙八"),
            ("id_number", &pid("19880809", 37)),
            ("identity", "temporary"),
            ("establishment", "none"),
        ],
    )
    .await;
    let q = person_of(&other);
    let r = send(
        &t,
        &d,
        Method::GET,
        &format!("/units/{sib}/people/{q}"),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let b = login(&t, "b_admin").await;
    for path in [
        format!("/units/{u}/people/{q}"),
        format!("/api/v1/units/{u}/people/{q}"),
    ] {
        let r = send(&t, &b, Method::GET, &path, None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        assert!(!r.body.contains("孙八"));
    }
    // Back from secondment.
    let end = [
        ("action", "lend_end"),
        ("on", "2025-09-01"),
        ("_csrf", csrf.as_str()),
    ];
    let r = send(
        &t,
        &who,
        Method::POST,
        &format!("/units/{u}/people/{p}/change"),
        form(&end),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = send(&t, &d, Method::GET, &format!("/units/{sib}/people"), None).await;
    assert!(!r.body.contains("钱七"));
    // Roster exports: masked for the body head.
    let r = send(
        &t,
        &head,
        Method::GET,
        &format!("/units/{u}/people/export/roster.xlsx"),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
}

// ---- Organisation design (机构设置) through the real router. ----

async fn org_post(t: &T, who: &Who, path: &str, fields: &[(&str, &str)]) -> Resp {
    let csrf = who.csrf.clone().unwrap_or_default();
    let mut f = fields.to_vec();
    f.push(("_csrf", csrf.as_str()));
    send(t, who, Method::POST, path, form(&f)).await
}

/// The id at the end of a redirect such as `/units/1/org/bodies/7?ok=saved`.
fn id_in(location: &str, after: &str) -> i64 {
    location
        .split(after)
        .nth(1)
        .and_then(|r| r.split(['?', '/', '#']).next())
        .and_then(|x| x.parse().ok())
        .unwrap_or_else(|| panic!("no id after {after} in {location}"))
}

async fn org_body(t: &T, who: &Who, unit: UnitId, name: &str, kind: &str) -> i64 {
    let r = org_post(
        t,
        who,
        &format!("/units/{unit}/org/bodies/new"),
        &[
            ("name", name),
            ("kind", kind),
            ("valid_from", "2018-01-01"),
            ("establishment", "3"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    id_in(&r.location(), "/bodies/")
}

#[tokio::test]
async fn org_plan_walks_from_draft_to_applied_through_the_pages() {
    let t = setup().await;
    let unit = t.unit("luotuo");
    let ua = login(&t, "u_admin").await;
    let da = login(&t, "d_admin").await;
    let njz = org_body(&t, &ua, unit, "农机站", "public_institution").await;
    let nkz = org_body(&t, &ua, unit, "农科站", "事业站所").await;
    let _office = org_body(&t, &ua, unit, "党政办", "office").await;
    // A duplicate name is refused on the form, naming the field.
    let r = org_post(
        &t,
        &ua,
        &format!("/units/{unit}/org/bodies/new"),
        &[
            ("name", "农机站"),
            ("kind", "centre"),
            ("valid_from", "2018-01-01"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("农机站"), "{}", r.body);
    // Function items: one held by two bodies (错位), one held by none (缺位).
    let n = njz.to_string();
    let k = nkz.to_string();
    let r = org_post(
        &t,
        &ua,
        &format!("/units/{unit}/org/functions/new"),
        &[
            ("code", "F1"),
            ("title", "农业技术推广"),
            ("category", "public_service"),
            ("owners", &n),
            ("owners", &k),
            ("decision", "keep"),
            ("valid_from", "2018-01-01"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = org_post(
        &t,
        &ua,
        &format!("/units/{unit}/org/functions/new"),
        &[
            ("code", "F2"),
            ("title", "安全生产监管"),
            ("category", "social_management"),
            ("decision", "strengthen"),
            ("reason", "补位"),
            ("valid_from", "2018-01-01"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = send(
        &t,
        &ua,
        Method::GET,
        &format!("/units/{unit}/org/functions?on=2018-06-01"),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body.contains("issue-misplacement") && r.body.contains("issue-gap"),
        "{}",
        r.body
    );

    // A draft plan: a new centre absorbs both stations.
    let r = org_post(
        &t,
        &ua,
        &format!("/units/{unit}/org/plans"),
        &[("title", "骆驼街道机构改革方案")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let plan = id_in(&r.location(), "/plans/");
    let base = format!("/units/{unit}/org/plans/{plan}");
    let r = org_post(
        &t,
        &ua,
        &format!("{base}/ops"),
        &[
            ("op", "create"),
            ("name", "农业农村服务中心"),
            ("kind", "centre"),
            ("establishment", "6"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // An operation naming a body that does not exist is refused with its number.
    let r = org_post(
        &t,
        &ua,
        &format!("{base}/ops"),
        &[("op", "abolish"), ("body", "999999")],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("第 2 项操作"), "{}", r.body);
    let r = org_post(
        &t,
        &ua,
        &format!("{base}/ops"),
        &[
            ("op", "merge"),
            ("sources", &n),
            ("sources", &k),
            ("into", "-1"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = send(&t, &ua, Method::GET, &base, None).await;
    assert!(
        r.body.contains("preview-counts") && r.body.contains("农业农村服务中心"),
        "{}",
        r.body
    );

    // District approval rules: the unit cannot approve; the district cannot approve a
    // draft; a rejection needs a reason; approval needs the document number.
    let r = org_post(&t, &ua, &format!("{base}/approve"), &[("doc_no", "x")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = org_post(
        &t,
        &da,
        &format!("{base}/approve"),
        &[("doc_no", "镇海编〔2019〕3号")],
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a draft cannot be approved"
    );
    let r = org_post(&t, &ua, &format!("{base}/submit"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = org_post(
        &t,
        &ua,
        &format!("{base}/ops"),
        &[("op", "abolish"), ("body", &n)],
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a submitted plan is frozen"
    );
    let r = org_post(&t, &da, &format!("{base}/reject"), &[("reason", "")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = org_post(&t, &da, &format!("{base}/approve"), &[("doc_no", "")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = org_post(
        &t,
        &da,
        &format!("{base}/approve"),
        &[("doc_no", "镇海编〔2019〕3号")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // Only the district applies.
    let r = org_post(
        &t,
        &ua,
        &format!("{base}/apply"),
        &[("effective", "2019-07-01")],
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = org_post(
        &t,
        &da,
        &format!("{base}/apply"),
        &[("effective", "2017-01-01")],
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "before the last change"
    );
    let r = org_post(
        &t,
        &da,
        &format!("{base}/apply"),
        &[("effective", "2019-07-01")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = send(&t, &da, Method::GET, &base, None).await;
    assert!(
        r.body.contains("plan-applied") && r.body.contains("2019-07-01"),
        "{}",
        r.body
    );

    // The chart on each side of the date; the SVG download; the register export.
    let r = send(
        &t,
        &ua,
        Method::GET,
        &format!("/units/{unit}/org/chart?on=2019-07-01"),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("<svg") && r.body.contains("农业农村服务中心"));
    assert!(!r.body.contains(">农机站<"), "merged bodies are not drawn");
    let r = send(
        &t,
        &ua,
        Method::GET,
        &format!("/units/{unit}/org/chart?on=2019-06-30"),
        None,
    )
    .await;
    assert!(r.body.contains("农机站") && !r.body.contains("农业农村服务中心"));
    let r = send(
        &t,
        &ua,
        Method::GET,
        &format!("/units/{unit}/org/chart.svg?on=2019-07-01"),
        None,
    )
    .await;
    assert!(
        r.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("image/svg+xml")
    );
    assert!(r.body.starts_with("<svg") && r.body.contains(" width=\""));
    let r = send(
        &t,
        &ua,
        Method::GET,
        &format!("/units/{unit}/org/export.xlsx?on=2019-07-01"),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .contains("spreadsheetml")
    );
    // The absorbing body shows the nameplates it keeps; history compares two dates.
    let r = send(
        &t,
        &ua,
        Method::GET,
        &format!("/units/{unit}/org?on=2019-07-01"),
        None,
    )
    .await;
    assert!(
        r.body.contains("农机站（") && r.body.contains("镇海编〔2019〕3号"),
        "{}",
        r.body
    );
    let r = send(
        &t,
        &ua,
        Method::GET,
        &format!("/units/{unit}/org/history?a=2019-06-30&b=2019-07-01"),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("compare-table"));
    // The API shows the same structure.
    let r = send(
        &t,
        &ua,
        Method::GET,
        &format!("/api/v1/units/{unit}/org/structure?on=2019-07-01"),
        None,
    )
    .await;
    let j = r.json();
    let active: Vec<&str> = j["bodies"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["status"] == "active")
        .map(|b| b["name"].as_str().unwrap())
        .collect();
    assert_eq!(active.len(), 2, "{j}");
    assert!(active.contains(&"农业农村服务中心"));
}

#[tokio::test]
async fn org_split_over_cap_is_refused_with_the_numbers() {
    let t = setup().await;
    let unit = t.unit("luotuo");
    let ua = login(&t, "u_admin").await;
    let da = login(&t, "d_admin").await;
    let a = org_body(&t, &ua, unit, "党政办", "office").await;
    let b = org_body(&t, &ua, unit, "财政所", "institute").await;
    // Only the district sets caps.
    let caps = [
        ("max_bodies", "5"),
        ("max_chiefs", "2"),
        ("max_deputies", "3"),
        ("valid_from", "2018-01-01"),
    ];
    let r = org_post(&t, &ua, &format!("/units/{unit}/org/totals/caps"), &caps).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = org_post(&t, &da, &format!("/units/{unit}/org/totals/caps"), &caps).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let (ca, cb) = (format!("c_{a}"), format!("c_{b}"));
    let r = org_post(
        &t,
        &ua,
        &format!("/units/{unit}/org/totals/split"),
        &[
            ("phase", "2019年上半年"),
            ("effective", "2019-01-01"),
            (ca.as_str(), "2"),
            (cb.as_str(), "1"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("中层正职合计 3，超过核定数 2"),
        "{}",
        r.body
    );
    let r = send(
        &t,
        &ua,
        Method::GET,
        &format!("/units/{unit}/org/totals"),
        None,
    )
    .await;
    assert!(!r.body.contains("2019年上半年"), "nothing saved");
    let r = org_post(
        &t,
        &ua,
        &format!("/units/{unit}/org/totals/split"),
        &[
            ("phase", "2019年上半年"),
            ("effective", "2019-01-01"),
            (ca.as_str(), "1"),
            (cb.as_str(), "1"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // The API refuses the same way, in English when asked.
    let mut en = ua.clone();
    en.lang = Some("en");
    let body = format!(
        r#"{{"phase":"2019年下半年","effective":"2019-07-01","lines":[{{"body":{a},"chiefs":1,"deputies":4}}]}}"#
    );
    let mut b2 = Request::builder()
        .method(Method::PUT)
        .uri(format!("/api/v1/units/{unit}/org/split"))
        .header(header::CONTENT_TYPE, "application/json")
        .header(
            header::COOKIE,
            format!("{}; jiguan_lang=en", en.cookie.clone().unwrap()),
        );
    b2 = b2.header("x-csrf-token", en.csrf.clone().unwrap());
    let resp = t
        .router
        .clone()
        .oneshot(b2.body(Body::from(body)).unwrap())
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let bytes = axum::body::to_bytes(resp.into_body(), 1 << 20)
        .await
        .unwrap();
    let j: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(j["field"], "deputies");
    assert_eq!(j["message"], "Deputy posts total 4, over the approved 3");
    // The district page shows each unit's use; a unit account is sent to its own unit.
    let r = send(&t, &da, Method::GET, "/org", None).await;
    assert!(
        r.body.contains("5 / 2 / 3") && r.body.contains("九龙湖镇"),
        "{}",
        r.body
    );
    let r = send(&t, &ua, Method::GET, "/org", None).await;
    assert_eq!(r.location(), format!("/units/{unit}/org"));
}

#[tokio::test]
async fn org_ids_of_another_unit_are_not_found() {
    let t = setup().await;
    let luotuo = t.unit("luotuo");
    let jiulonghu = t.unit("jiulonghu");
    let ua = login(&t, "u_admin").await;
    let mine = org_body(&t, &ua, luotuo, "党政办", "office").await;
    let r = org_post(
        &t,
        &ua,
        &format!("/units/{luotuo}/org/plans"),
        &[("title", "方案")],
    )
    .await;
    let plan = id_in(&r.location(), "/plans/");
    let da = login(&t, "d_admin").await;
    // Through the sibling unit's path, the ids of luotuo do not exist.
    for path in [
        format!("/units/{jiulonghu}/org/bodies/{mine}"),
        format!("/units/{jiulonghu}/org/plans/{plan}"),
        format!("/api/v1/units/{jiulonghu}/bodies/{mine}"),
        format!("/api/v1/units/{jiulonghu}/plans/{plan}"),
    ] {
        let r = send(&t, &da, Method::GET, &path, None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        assert!(!r.body.contains("党政办"));
    }
    let r = org_post(
        &t,
        &da,
        &format!("/units/{jiulonghu}/org/plans/{plan}/approve"),
        &[("doc_no", "x")],
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // A body of luotuo cannot be named in jiulonghu's items or plans.
    let r = org_post(
        &t,
        &da,
        &format!("/units/{jiulonghu}/org/totals/caps"),
        &[
            ("max_bodies", "5"),
            ("max_chiefs", "2"),
            ("max_deputies", "3"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let _ = t
        .app
        .org_bodies(&actor_of(&t, &accounts()[0]), jiulonghu, None)
        .await
        .unwrap();
}

/// Follows an import's redirect to its job page and polls it (a bounded number of times)
/// until the job has finished; returns the last page.
async fn finish_import(t: &T, who: &Who, r: Resp) -> Resp {
    if r.status != StatusCode::SEE_OTHER {
        return r;
    }
    let job = r.location();
    assert!(job.contains("/people/import/jobs/"), "{job}");
    let mut last = send(t, who, Method::GET, &job, None).await;
    for _ in 0..500 {
        if !last.body.contains("id=\"import-job\"") {
            break;
        }
        assert_eq!(last.status, StatusCode::OK);
        assert!(last.body.contains("<progress id=\"import-progress\""));
        assert!(last.body.contains("http-equiv=\"refresh\""));
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        last = send(t, who, Method::GET, &job, None).await;
    }
    assert!(
        !last.body.contains("id=\"import-job\""),
        "the import job never finished"
    );
    last
}

#[tokio::test]
async fn people_import_runs_as_a_job_with_progress() {
    let t = setup().await;
    let (u, sib) = (t.unit("luotuo"), t.unit("jiulonghu"));
    let who = login(&t, "u_admin").await;
    let mut lines = vec!["姓名,身份证号,身份,编制类型".to_string()];
    for i in 0..120u32 {
        lines.push(format!("临时{i},{},临时工,编外", pid("19900101", 100 + i)));
    }
    let csv = lines.join("\n") + "\n";
    let r = upload(&t, &who, u, "大名册.csv", &csv, &[("mode", "all")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let job = r.location();
    let prefix = format!("/units/{u}/people/import/jobs/");
    assert!(job.starts_with(&prefix), "{job}");
    let id = job[prefix.len()..].to_string();
    let done = finish_import(&t, &who, r).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(done.body.contains("id=\"import-written\""), "{}", done.body);
    assert!(done.body.contains("<dd id=\"count-rows\">120</dd>"));
    assert!(done.body.contains("<dd id=\"count-created\">120</dd>"));
    assert!(done.body.contains("<dd id=\"count-invalid\">0</dd>"));
    let roster = send(
        &t,
        &who,
        Method::GET,
        &format!("/api/v1/units/{u}/people"),
        None,
    )
    .await;
    assert_eq!(roster.json()["total"], 120);
    // The finished job stays readable for its unit.
    let again = send(&t, &who, Method::GET, &job, None).await;
    assert_eq!(again.status, StatusCode::OK);
    assert!(again.body.contains("<dd id=\"count-created\">120</dd>"));

    // Another unit's admin (same district) gets 404 under its own unit, and no page
    // under ours; district B's unit admin gets 404 too.
    t.app
        .system_create_user(
            t.d_a,
            Some(sib),
            "sib_admin",
            "甲sib_admin",
            &[Role::UnitAdmin],
            PW,
            false,
        )
        .await
        .unwrap();
    let other = login(&t, "sib_admin").await;
    let r = send(
        &t,
        &other,
        Method::GET,
        &format!("/units/{sib}/people/import/jobs/{id}"),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(!r.body.contains("count-created"));
    let r = send(&t, &other, Method::GET, &job, None).await;
    assert!(
        r.status == StatusCode::NOT_FOUND || r.status == StatusCode::FORBIDDEN,
        "{}",
        r.status
    );
    let foreign = login(&t, "b_unit_admin").await;
    let dagang = t.unit("dagang");
    let r = send(
        &t,
        &foreign,
        Method::GET,
        &format!("/units/{dagang}/people/import/jobs/{id}"),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // Users of the unit without the right are refused; unknown jobs are 404.
    let staff = login(&t, "u_staff").await;
    let r = send(&t, &staff, Method::GET, &job, None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = send(&t, &who, Method::GET, &format!("{prefix}no-such-job"), None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // A refused file is still answered at once, without a job.
    let bad = format!("{}\n坏,330211198503120018,临时工,编外\n", lines[0]);
    let r = upload(&t, &who, u, "坏.csv", &bad, &[("mode", "all")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("id=\"import-errors\""));
}

/// The org chart (page and SVG download) shows each body's headcount on the chart's date:
/// people on post in that body, from the people module's history.
#[tokio::test]
async fn org_chart_shows_the_headcount_per_body() {
    let t = setup().await;
    let unit = t.unit("luotuo");
    let ua = login(&t, "u_admin").await;
    let body = org_body(&t, &ua, unit, "农机站", "public_institution").await;
    let body = body.to_string();
    for (i, name) in ["甲一", "甲二"].iter().enumerate() {
        let id = pid("19800101", 60 + i as u32);
        let r = add_person(
            &t,
            &ua,
            unit,
            &[
                ("name", name),
                ("id_number", id.as_str()),
                ("identity", "temporary"),
                ("establishment", "none"),
                ("body", body.as_str()),
                ("on", "2024-01-02"),
            ],
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    for path in ["chart", "chart.svg"] {
        let r = send(
            &t,
            &ua,
            Method::GET,
            &format!("/units/{unit}/org/{path}?on=2024-06-01"),
            None,
        )
        .await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.contains("2人"), "{}", r.body);
    }
    // Before anyone joined, no headcount is drawn.
    let r = send(
        &t,
        &ua,
        Method::GET,
        &format!("/units/{unit}/org/chart.svg?on=2023-06-01"),
        None,
    )
    .await;
    assert!(r.body.contains("农机站") && !r.body.contains("2人"));
}

// ---- downsizing ----

/// A temporary worker (no establishment) added to `unit` through the people form.
async fn down_temp(t: &T, who: &Who, unit: UnitId, name: &str, seq: u32) -> i64 {
    let id = pid("19880315", seq);
    let r = add_person(
        t,
        who,
        unit,
        &[
            ("name", name),
            ("id_number", id.as_str()),
            ("identity", "temporary"),
            ("establishment", "none"),
            ("work_start", "2010-07-01"),
            ("unit_join", "2015-03-01"),
            ("basic_pay", "48000"),
            ("allowances", "6000"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    person_of(&r)
}

fn down_actor(d: DistrictId, unit: UnitId, role: Role) -> Actor {
    Actor {
        user_id: UserId(1),
        username: "fixture".into(),
        display_name: String::new(),
        district_id: d,
        unit_id: Some(unit),
        roles: vec![role],
    }
}

#[tokio::test]
async fn downsizing_plan_through_the_pages() {
    let t = setup().await;
    let u = t.unit("luotuo");
    let ua = login(&t, "u_admin").await;
    let da = login(&t, "d_admin").await;
    let person = down_temp(&t, &ua, u, "分流甲", 21).await;
    let r = org_post(
        &t,
        &ua,
        &format!("/units/{u}/downsizing"),
        &[("title", "骆驼街道第一批分流"), ("effective", "2027-01-01")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let plan = id_in(&r.location(), "/downsizing/");
    let base = format!("/units/{u}/downsizing/{plan}");
    // The candidate picker lists the temporary worker (picked by default).
    let r = send(&t, &ua, Method::GET, &base, None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains(&format!("cand-{person}")), "{}", r.body);
    // A route the identity does not allow is refused with the reason, in Chinese.
    let pid_s = person.to_string();
    let r = org_post(
        &t,
        &ua,
        &format!("{base}/lines"),
        &[("person", pid_s.as_str()), ("route", "early_retirement")],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("临时工不适用“提前退休”去向"), "{}", r.body);
    let r = org_post(
        &t,
        &ua,
        &format!("{base}/lines"),
        &[("person", pid_s.as_str()), ("route", "release")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // A second temporary worker stays with a new three-year labour contract (no cut).
    let kept = down_temp(&t, &ua, u, "分流丁", 24).await;
    let kept_s = kept.to_string();
    let r = org_post(
        &t,
        &ua,
        &format!("{base}/lines"),
        &[
            ("person", kept_s.as_str()),
            ("route", "new_contract"),
            ("term_years", "3"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // Figures through the rules: 2015-03-01..2026-12-31 = 11 y 10 m → 12 months × 4500.
    let r = send(&t, &ua, Method::GET, &base, None).await;
    assert!(r.body.contains("54000.00"), "{}", r.body);
    assert!(r.body.contains("工龄一次性补偿后解除"));
    // Workflow: submit, approve (district), apply (unit).
    let r = org_post(&t, &ua, &format!("{base}/submit"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = org_post(&t, &ua, &format!("{base}/approve"), &[("doc_no", "x")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = org_post(
        &t,
        &da,
        &format!("{base}/approve"),
        &[("doc_no", "镇海编〔2026〕9号")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = org_post(&t, &ua, &format!("{base}/apply"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = send(&t, &ua, Method::GET, &base, None).await;
    assert!(r.body.contains("已实施") && r.body.contains("镇海编〔2026〕9号"));
    // The person's status shows the change.
    let r = send(
        &t,
        &ua,
        Method::GET,
        &format!("/units/{u}/people/{person}"),
        None,
    )
    .await;
    assert!(r.body.contains("离职"), "{}", r.body);
    assert!(!r.body.contains("person-contracts"));
    // The kept worker's page lists the contract: 2027-01-01 for three years.
    let r = send(
        &t,
        &ua,
        Method::GET,
        &format!("/units/{u}/people/{kept}"),
        None,
    )
    .await;
    assert!(r.body.contains("id=\"person-contracts\""), "{}", r.body);
    assert!(
        r.body.contains("<td>2027-01-01</td><td>2029-12-31</td>"),
        "{}",
        r.body
    );
    // Notices (print view), Excel, district summary, JSON.
    let r = send(&t, &ua, Method::GET, &format!("{base}/notices"), None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("分流通知书") && r.body.contains("分流甲"));
    assert!(r.body.contains(&format!("notice-{person}")));
    let r = send(&t, &ua, Method::GET, &format!("{base}/export"), None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .contains("spreadsheetml")
    );
    let r = send(
        &t,
        &ua,
        Method::GET,
        &format!("/units/{u}/downsizing"),
        None,
    )
    .await;
    assert!(r.body.contains("已实施"), "{}", r.body);
    let r = send(&t, &da, Method::GET, "/downsizing", None).await;
    assert!(r.body.contains("骆驼街道"), "{}", r.body);
    assert!(r.body.contains("id=\"down-district-cut\">1<"), "{}", r.body);
    let r = send(&t, &da, Method::GET, "/downsizing/export", None).await;
    assert_eq!(r.status, StatusCode::OK);
    let r = send(
        &t,
        &ua,
        Method::GET,
        &format!("/api/v1/units/{u}/downsizing/{plan}"),
        None,
    )
    .await;
    let j = r.json();
    assert_eq!(j["plan"]["status"], "applied");
    assert_eq!(j["totals"]["cut"], 1);
    assert_eq!(j["totals"]["one_off"], 5_400_000);
    assert!(j["lines"][0]["person"].get("id_number").is_none());
}

/// Every downsizing route, with real plan and line ids: the role matrix holds, and another
/// unit's or district's plan is never reached.
#[tokio::test]
async fn downsizing_routes_with_real_ids_keep_roles_and_tenants() {
    let t = setup().await;
    let lu = t.unit("luotuo");
    let jl = t.unit("jiulonghu");
    let dg = t.unit("dagang");
    let ua = login(&t, "u_admin").await;
    let person = down_temp(&t, &ua, lu, "分流乙", 22).await;
    let own = t
        .app
        .down_create_plan(
            &down_actor(t.d_a, lu, Role::UnitAdmin),
            lu,
            "骆驼方案",
            "2027-01-01",
        )
        .await
        .unwrap();
    let line = t
        .app
        .down_save_line(
            &down_actor(t.d_a, lu, Role::UnitAdmin),
            lu,
            own,
            &jiguan_app::downsizing::LineForm {
                person: person.to_string(),
                route: "release".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let sib = t
        .app
        .down_create_plan(
            &down_actor(t.d_a, jl, Role::UnitAdmin),
            jl,
            "九龙湖方案",
            "2027-01-01",
        )
        .await
        .unwrap();
    let d_b = t
        .app
        .store
        .get_user_any(t.user("b_unit_admin"))
        .await
        .unwrap()
        .unwrap()
        .district_id;
    let foreign = t
        .app
        .down_create_plan(
            &down_actor(d_b, dg, Role::UnitAdmin),
            dg,
            "北仑分流方案",
            "2027-01-01",
        )
        .await
        .unwrap();
    let routes: Vec<(Method, &str, Action)> = routes_with_action()
        .into_iter()
        .filter(|(_, p, _)| p.contains("downsizing"))
        .collect();
    assert!(routes.len() >= 25);
    let fill = |p: &str, unit: UnitId, plan: i64| {
        p.replace("{unit}", &unit.to_string())
            .replace("{plan}", &plan.to_string())
            .replace("{line}", &line.to_string())
    };
    // Reads and harmless writes first, the workflow steps last.
    let mut ordered = routes.clone();
    ordered.sort_by_key(|(m, p, _)| {
        (
            *m != Method::GET,
            p.contains("/apply") || p.contains("/delete"),
        )
    });
    for acc in accounts() {
        let actor = actor_of(&t, &acc);
        let unit = acc.unit.map(|u| t.unit(u)).unwrap_or(lu);
        for (method, path, action) in &ordered {
            let who = login(&t, acc.name).await;
            let p = fill(path, unit, if unit == lu { own } else { sib });
            let r = if *method == Method::GET {
                send(&t, &who, method.clone(), &p, None).await
            } else {
                write_valid(&t, &who, method.clone(), &p).await
            };
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
            // Foreign plans: through the own unit, and through their unit.
            let mut targets = vec![(unit, foreign), (dg, foreign)];
            if acc.unit.is_some() && unit != jl {
                targets.push((unit, sib));
                targets.push((jl, sib));
            }
            for (tu, tp) in targets {
                if !path.contains("{unit}") || (!path.contains("{plan}") && tu == unit) {
                    continue;
                }
                let who = login(&t, acc.name).await;
                let p = fill(path, tu, tp);
                let r = if *method == Method::GET {
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
                    !r.body.contains("北仑") && !r.body.contains("九龙湖方案"),
                    "{} saw another tenant's plan at {p}",
                    acc.name
                );
            }
        }
    }
    // District B's plan is untouched.
    let b = t
        .app
        .down_plans(&down_actor(d_b, dg, Role::UnitAdmin), dg)
        .await
        .unwrap();
    assert_eq!(b[0].status, jiguan_domain::downsizing::PlanStatus::Draft);
}

// ---- posts ----

/// The posts pages end to end: the form (every error named), the list with FTE, the assign
/// form and its refusal, the balance chart, the Excel export and the API; and luotuo's
/// post ids do not exist through another unit's paths.
#[tokio::test]
async fn posts_pages_work_and_foreign_ids_are_not_found() {
    let t = setup().await;
    let luotuo = t.unit("luotuo");
    let jiulonghu = t.unit("jiulonghu");
    let ua = login(&t, "u_admin").await;
    let actor = actor_of(&t, &accounts()[2]);
    let body = org_body(&t, &ua, luotuo, "党政办", "office").await;
    t.app
        .org_create_function(
            &actor,
            luotuo,
            &jiguan_app::org::FunctionForm {
                code: "F1".into(),
                title: "公文处理".into(),
                category: "public_service".into(),
                owners: vec![body.to_string()],
                decision: "keep".into(),
                valid_from: "2018-01-01".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let item = t
        .app
        .post_form_data(&actor, luotuo)
        .await
        .unwrap()
        .functions[0]
        .id
        .0;
    let person = t
        .app
        .create_person(
            &actor,
            luotuo,
            &jiguan_domain::people::PersonForm {
                name: "钱多多".into(),
                id_number: people_id_number("19850101", 31),
                identity: "劳动合同制工人".into(),
                establishment: "编外".into(),
                ..Default::default()
            },
            &Default::default(),
        )
        .await
        .unwrap();
    // Every field error at once, named in Chinese.
    let r = org_post(
        &t,
        &ua,
        &format!("/units/{luotuo}/posts/new"),
        &[
            ("body", ""),
            ("title", ""),
            ("level", "x"),
            ("fn_0", "999"),
            ("hours_0", "0"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for msg in [
        "内设机构：必填",
        "名称：必填",
        "岗位层级：不是可选的值",
        "职能事项第 1 行",
    ] {
        assert!(r.body.contains(msg), "{msg}: {}", r.body);
    }
    let item_s = item.to_string();
    let body_s = body.to_string();
    let r = org_post(
        &t,
        &ua,
        &format!("/units/{luotuo}/posts/new"),
        &[
            ("body", body_s.as_str()),
            ("title", "公文岗"),
            ("level", "general"),
            ("establishment", "any"),
            ("fn_0", item_s.as_str()),
            ("hours_0", "2976"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let post = id_in(&r.location(), "/posts/");
    let r = send(
        &t,
        &ua,
        Method::GET,
        &format!("/units/{luotuo}/posts"),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    // 2976 h ÷ 1984 h = 1.50 FTE.
    assert!(
        r.body.contains("公文岗") && r.body.contains("1.50"),
        "{}",
        r.body
    );
    let person_s = person.to_string();
    let post_s = post.to_string();
    let assign = [
        ("post", post_s.as_str()),
        ("person", person_s.as_str()),
        ("share_pct", "100"),
        ("main", "1"),
        ("back", "post"),
    ];
    let r = org_post(&t, &ua, &format!("/units/{luotuo}/posts/assign"), &assign).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = org_post(&t, &ua, &format!("/units/{luotuo}/posts/assign"), &assign).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("已在岗位") && r.body.contains("已有主岗"),
        "{}",
        r.body
    );
    // The balance chart: one person at 1.5 FTE, in the overloaded bin.
    let r = send(
        &t,
        &ua,
        Method::GET,
        &format!("/units/{luotuo}/posts/balance"),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("<svg id=\"balance-chart\""));
    assert!(
        r.body.contains("class=\"bar over\" x=")
            && r.body.contains("data-from=\"1.5\" data-count=\"1\"")
    );
    // A forged or stale proposal key is refused on the balance page, naming the reason.
    let r = org_post(
        &t,
        &ua,
        &format!("/units/{luotuo}/posts/balance/accept"),
        &[("keys", "share:1:2")],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("均衡建议：无法识别"), "{}", r.body);
    let stale = format!("move:{post}:{person}:{person}:100:100:1:1:1");
    let r = org_post(
        &t,
        &ua,
        &format!("/units/{luotuo}/posts/balance/accept"),
        &[("keys", stale.as_str())],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("第 1 条建议已过时"), "{}", r.body);
    let r = send(
        &t,
        &ua,
        Method::GET,
        &format!("/units/{luotuo}/posts/export.xlsx"),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .contains("spreadsheetml")
    );
    let r = send(
        &t,
        &ua,
        Method::GET,
        &format!("/api/v1/units/{luotuo}/posts"),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["need_fte"], "1.50");
    let r = send(
        &t,
        &ua,
        Method::GET,
        &format!("/api/v1/units/{luotuo}/posts-coverage"),
        None,
    )
    .await;
    assert_eq!(r.json()["vacant_posts"].as_array().unwrap().len(), 0);
    // Through the sibling unit, luotuo's ids do not exist.
    let da = login(&t, "d_admin").await;
    for path in [
        format!("/units/{jiulonghu}/posts/{post}"),
        format!("/units/{jiulonghu}/posts/people/{person}"),
        format!("/api/v1/units/{jiulonghu}/posts/{post}"),
    ] {
        let r = send(&t, &da, Method::GET, &path, None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        assert!(!r.body.contains("公文岗") && !r.body.contains("钱多多"));
    }
    let ja = [
        ("post", post_s.as_str()),
        ("person", person_s.as_str()),
        ("share_pct", "10"),
        ("back", "post"),
    ];
    let r = org_post(&t, &da, &format!("/units/{jiulonghu}/posts/assign"), &ja).await;
    assert_ne!(r.status, StatusCode::SEE_OTHER);
    assert!(!r.body.contains("公文岗") && !r.body.contains("钱多多"));
    // The sibling unit's staff cannot open luotuo's posts.
    let sib = login(&t, "sibling_staff").await;
    let r = send(
        &t,
        &sib,
        Method::GET,
        &format!("/units/{luotuo}/posts/{post}"),
        None,
    )
    .await;
    assert!(matches!(
        r.status,
        StatusCode::NOT_FOUND | StatusCode::FORBIDDEN
    ));
}

fn people_id_number(birth: &str, seq: u32) -> String {
    let body = format!("330211{birth}{seq:03}");
    let c = jiguan_domain::rules::id_number::check_char(&body).unwrap();
    format!("{body}{c}")
}

// ---- menu ----

/// Unit accounts find their unit's modules in the left menu (only those their roles allow),
/// with the module, not 本单位, marked active; district accounts get the district views.
#[tokio::test]
async fn left_menu_lists_the_modules_an_account_may_use() {
    let t = setup().await;
    let u = t.unit("luotuo");
    let ua = login(&t, "u_admin").await;
    let r = send(&t, &ua, Method::GET, &format!("/units/{u}/posts"), None).await;
    assert_eq!(r.status, StatusCode::OK);
    for m in ["people", "org", "posts", "downsizing"] {
        let item = format!("id=\"menu-{m}\"");
        assert!(r.body.contains(&item), "{m}: {}", r.body);
    }
    assert!(
        r.body.contains(&format!(
            "href=\"/units/{u}/posts\" id=\"menu-posts\" class=\"active\""
        )),
        "{}",
        r.body
    );
    assert!(!r.body.contains("id=\"menu-my-unit\" class=\"active\""));
    assert!(!r.body.contains("href=\"/downsizing\""));
    let da = login(&t, "d_admin").await;
    let r = send(&t, &da, Method::GET, "/downsizing", None).await;
    assert!(
        r.body
            .contains("href=\"/downsizing\" id=\"menu-downsizing\" class=\"active\""),
        "{}",
        r.body
    );
    assert!(r.body.contains("href=\"/posts\" id=\"menu-posts\""));
    assert!(
        !r.body
            .contains(&format!("href=\"/units/{u}/posts\" id=\"menu-posts\""))
    );
}
