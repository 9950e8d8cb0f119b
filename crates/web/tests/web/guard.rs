//! The guard on every route of the table: the role matrix, tenant isolation and the CSRF
//! check, generated from `routes::specs()`.

use axum::http::{Method, StatusCode};

use jiguan_domain::auth::{Actor, Role};

use crate::helpers::*;

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
                    let r = call(&t, &who, method.clone(), &p).await;
                    // A parameter left unfilled (`{calc}`) is a malformed id: 400 refuses too.
                    assert_kept_out(
                        &r,
                        acc.name,
                        &format!("{method} {p}"),
                        p.contains('{'),
                        &["北仑", "b_unit_admin"],
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
    assert!(!unit_exists(&t, "newunit").await);
    let csrf = who.csrf.clone().unwrap();
    let mut ok = body.to_vec();
    ok.push(("_csrf", csrf.as_str()));
    let r = send(&t, &who, Method::POST, "/units/new", form(&ok)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(unit_exists(&t, "newunit").await);

    // The API with a session cookie needs the header; with a token it needs none.
    let r = create_unit_by_api(&t, &who).await;
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
    let r = create_unit_by_api(&t, &bearer).await;
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

/// Creates a unit through the API (the same JSON each time).
async fn create_unit_by_api(t: &T, who: &Who) -> Resp {
    send(
        t,
        who,
        Method::POST,
        "/api/v1/units",
        Some((
            "application/json",
            r#"{"code":"apiunit","name":"接口单位","kind":"town"}"#.into(),
        )),
    )
    .await
}

/// Whether district A has a unit with this code.
async fn unit_exists(t: &T, code: &str) -> bool {
    t.app.store.find_unit(t.d_a, code).await.unwrap().is_some()
}
