//! Sign-in, sessions, the sign-in rate limit and temporary passwords.

use axum::http::{Method, StatusCode};

use crate::helpers::*;

async fn http_login(t: &T, name: &str, pw: &str) -> Resp {
    form_login_with(t, name, pw, &[]).await
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
    let home = get(&t, &who, "/").await;
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
    let r = get(&t, &who, "/").await;
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
    assert_eq!(get(&t, &who, "/").await.status, StatusCode::OK);
    t.clock.advance(chrono::Duration::minutes(29));
    assert_eq!(
        get(&t, &who, "/").await.status,
        StatusCode::OK,
        "activity keeps it alive"
    );
    t.clock.advance(chrono::Duration::minutes(29));
    assert_eq!(get(&t, &who, "/").await.status, StatusCode::OK);
    t.clock.advance(chrono::Duration::minutes(31));
    let r = get(&t, &who, "/").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "idle for 31 minutes");
    assert_eq!(
        get(&t, &who, "/api/v1/me").await.status,
        StatusCode::UNAUTHORIZED
    );

    // Even an active session ends after the maximum lifetime.
    let who = login(&t, "u_staff").await;
    for _ in 0..((12 * 60) / 20) {
        t.clock.advance(chrono::Duration::minutes(20));
        let r = get(&t, &who, "/api/v1/me").await;
        if r.status != StatusCode::OK {
            assert_eq!(r.status, StatusCode::UNAUTHORIZED);
            return;
        }
    }
    t.clock.advance(chrono::Duration::minutes(20));
    assert_eq!(
        get(&t, &who, "/api/v1/me").await.status,
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
    let uid = t.user("u_head").to_string();
    let r = post_form(
        &t,
        &admin,
        &format!("/users/{uid}/reset-password"),
        &[("password", "temp12345")],
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
    let r = get(&t, &who, "/").await;
    assert_eq!(
        (r.status, r.location()),
        (StatusCode::SEE_OTHER, "/profile/password".to_string())
    );
    let r = get(&t, &who, "/api/v1/me").await;
    assert_eq!(r.json()["code"], "password_change_required");
    // Bad input names the fields.
    let r = post_form(
        &t,
        &who,
        "/profile/password",
        &[("current", "nope"), ("new", "short"), ("confirm", "short")],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_has(&["当前密码不正确", "长度须在 8 到 128 位之间"]);
    let r = post_form(
        &t,
        &who,
        "/profile/password",
        &[
            ("current", "temp12345"),
            ("new", "mine12345"),
            ("confirm", "mine12345"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(get(&t, &who, "/").await.status, StatusCode::OK);
}

/// Signs in through the form from the peer 10.0.0.9, with an `X-Forwarded-For` header.
async fn login_from(t: &T, name: &str, pw: &str, xff: Option<&str>) -> Resp {
    let xff: Vec<_> = xff.map(|x| ("x-forwarded-for", x)).into_iter().collect();
    form_login_with(t, name, pw, &xff).await
}

fn retry_after(r: &Resp) -> i64 {
    r.headers
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no Retry-After on {}", r.status))
}

#[tokio::test]
async fn failures_slow_an_account_down_but_never_lock_its_owner_out() {
    let t = setup().await;
    for _ in 0..5 {
        let r = http_login(&t, "u_admin", "wrong-pass1").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    // Too soon after the fifth failure: wait a second, said with Retry-After.
    let r = http_login(&t, "u_admin", PW).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(retry_after(&r), 1);
    t.clock.advance(chrono::Duration::seconds(1));
    let r = http_login(&t, "u_admin", PW).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "the owner gets in");

    // Someone who knows the name keeps guessing: each wait doubles, and the owner still
    // gets in once it has passed.
    for _ in 0..5 {
        http_login(&t, "u_admin", "wrong-pass1").await;
    }
    let mut wait = 1;
    for _ in 0..3 {
        t.clock.advance(chrono::Duration::seconds(wait));
        let r = http_login(&t, "u_admin", "wrong-pass1").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        wait *= 2;
        let r = http_login(&t, "u_admin", "wrong-pass1").await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(retry_after(&r), wait);
    }
    t.clock.advance(chrono::Duration::seconds(wait));
    assert_eq!(
        http_login(&t, "u_admin", PW).await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn forwarded_for_is_believed_only_from_a_trusted_proxy() {
    // No proxy configured: the header is ignored, so every failure counts against the
    // peer, whatever address the header claims.
    let t = setup().await;
    for i in 0..20 {
        let r = login_from(
            &t,
            &format!("nobody{i}"),
            "wrong-pass1",
            Some(&format!("203.0.113.{i}")),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    let r = login_from(&t, "u_staff", PW, Some("198.51.100.1")).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(retry_after(&r) > 0);

    // Behind a trusted proxy (the peer 10.0.0.9), one client's failures close sign-in for
    // that client only, not for everyone behind the proxy.
    let mut t = setup().await;
    t.router = jiguan_web::router(jiguan_web::AppState {
        app: t.app.clone(),
        web: jiguan_web::WebConfig {
            trusted_proxies: vec!["10.0.0.0/24".parse().unwrap()],
            ..Default::default()
        },
        jobs: Default::default(),
    });
    for i in 0..20 {
        let r = login_from(
            &t,
            &format!("nobody{i}"),
            "wrong-pass1",
            Some("203.0.113.5"),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    let r = login_from(&t, "u_staff", PW, Some("203.0.113.5")).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(retry_after(&r) > 0);
    // The client cannot pick another address by sending the header itself: the proxy
    // appends the real one, and that is the one used.
    let r = login_from(&t, "u_staff", PW, Some("198.51.100.1, 203.0.113.5")).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    let r = login_from(&t, "u_staff", PW, Some("198.51.100.1")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "another client signs in");
}
