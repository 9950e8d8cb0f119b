//! The inbox (待办与通知) and the dashboard's figures.

use std::collections::BTreeMap;

use axum::http::StatusCode;

use jiguan_domain::auth::{Actor, Role};
use jiguan_domain::tenancy::UnitId;
use jiguan_store::SqlStore;

use crate::helpers::*;
use crate::org::{id_in, org_body};

/// A luotuo plan (one new body) drafted and submitted by the unit admin; its id.
async fn submitted_plan(t: &T, ua: &Who, title: &str) -> i64 {
    let unit = t.unit("luotuo");
    let r = post_form_ok(
        t,
        ua,
        &format!("/units/{unit}/org/plans"),
        &[("title", title)],
    )
    .await;
    let plan = id_in(&r.location(), "/plans/");
    let base = format!("/units/{unit}/org/plans/{plan}");
    post_form_ok(
        t,
        ua,
        &format!("{base}/ops"),
        &[
            ("op", "create"),
            ("name", &format!("{title}中心")),
            ("kind", "centre"),
            ("establishment", "0"),
        ],
    )
    .await;
    post_form_ok(t, ua, &format!("{base}/submit"), &[]).await;
    plan
}

async fn inbox_json(t: &T, who: &Who) -> serde_json::Value {
    let r = get(t, who, "/api/v1/inbox").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json()
}

fn codes(v: &serde_json::Value, list: &str, field: &str) -> Vec<String> {
    v[list]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x[field].as_str().unwrap_or_default().to_string())
        .collect()
}

/// The menu badge's figure on a page, if shown.
fn badge(html: &str) -> Option<i64> {
    let at = html.find("id=\"menu-inbox-count\">")?;
    let rest = &html[at + "id=\"menu-inbox-count\">".len()..];
    rest.split('<').next()?.trim().parse().ok()
}

#[tokio::test]
async fn a_submitted_plan_waits_in_the_district_inbox_and_the_decision_reaches_the_unit() {
    let t = setup().await;
    let unit = t.unit("luotuo");
    let ua = login(&t, "u_admin").await;
    let da = login(&t, "d_admin").await;
    org_body(&t, &ua, unit, "党政办", "office").await;
    let plan = submitted_plan(&t, &ua, "骆驼改革").await;
    let link = format!("/units/{unit}/org/plans/{plan}");

    // The district admin: one to-do, linked to the plan, counted in the menu and the dashboard.
    let v = inbox_json(&t, &da).await;
    assert_eq!(codes(&v, "todos", "code"), vec!["org.plan.approve"]);
    assert_eq!(v["todos"][0]["link"], link.as_str());
    assert_eq!(v["count"], 1);
    let page = get(&t, &da, "/inbox").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("机构改革方案待审批") && page.body.contains(&link));
    assert_eq!(badge(&page.body), Some(1));
    let home = get(&t, &da, "/").await;
    assert!(
        home.body.contains("id=\"dash-inbox-count\">1<"),
        "{}",
        home.body
    );
    assert!(
        home.body.contains(&link),
        "the dashboard lists the pending approval"
    );

    // Nobody else waits for it: the unit (it submitted), auditors, another district.
    for who in [
        "u_admin",
        "u_staff",
        "d_auditor",
        "u_auditor",
        "sibling_staff",
        "b_admin",
    ] {
        let w = login(&t, who).await;
        let v = inbox_json(&t, &w).await;
        assert!(codes(&v, "todos", "code").is_empty(), "{who} has a to-do");
        assert_eq!(v["count"], 0, "{who}");
        assert_eq!(
            badge(&get(&t, &w, "/").await.body),
            None,
            "{who} has a badge"
        );
    }

    // The district approves from the plan page the to-do links to.
    post_form_ok(
        &t,
        &da,
        &format!("{link}/approve"),
        &[("doc_no", "镇海编〔2026〕7号")],
    )
    .await;
    let v = inbox_json(&t, &da).await;
    assert_eq!(
        codes(&v, "todos", "code"),
        vec!["org.plan.apply"],
        "approved, the plan waits to be applied"
    );

    // The unit's admins are told, with the district's document number; nobody else is.
    let v = inbox_json(&t, &ua).await;
    assert_eq!(codes(&v, "notices", "kind"), vec!["org.plan.approve"]);
    assert_eq!(v["notices"][0]["params"]["comment"], "镇海编〔2026〕7号");
    assert_eq!(v["notices"][0]["read"], false);
    assert_eq!(
        (v["unread"].as_i64(), v["count"].as_i64()),
        (Some(1), Some(1))
    );
    let page = get(&t, &ua, "/inbox").await;
    assert!(
        page.body
            .contains("区里已批准机构改革方案《骆驼改革》，批准文号：镇海编〔2026〕7号"),
        "{}",
        page.body
    );
    assert_eq!(badge(&page.body), Some(1));
    for who in [
        "u_head",
        "u_staff",
        "u_committee",
        "d_admin",
        "sibling_staff",
        "b_unit_admin",
    ] {
        let w = login(&t, who).await;
        let v = inbox_json(&t, &w).await;
        assert!(
            codes(&v, "notices", "kind").is_empty(),
            "{who} got the notice"
        );
    }

    // Another unit's user cannot open it; opening it marks it read and leads to the plan.
    let id = v_id(&v);
    for who in ["sibling_staff", "b_unit_admin", "u_staff"] {
        let w = login(&t, who).await;
        let r = post_form(&t, &w, &format!("/inbox/notices/{id}/open"), &[]).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{who}");
    }
    assert_eq!(inbox_json(&t, &ua).await["unread"], 1);
    let r = post_form_ok(&t, &ua, &format!("/inbox/notices/{id}/open"), &[]).await;
    assert_eq!(r.location(), link);
    let v = inbox_json(&t, &ua).await;
    assert_eq!(
        (v["unread"].as_i64(), v["notices"][0]["read"].as_bool()),
        (Some(0), Some(true))
    );
    assert_eq!(badge(&get(&t, &ua, "/inbox").await.body), None);
}

fn v_id(v: &serde_json::Value) -> i64 {
    v["notices"][0]["id"].as_i64().unwrap()
}

#[tokio::test]
async fn notices_are_read_per_reader_and_mark_all_read_clears_them() {
    let t = setup().await;
    let unit = t.unit("luotuo");
    let ua = login(&t, "u_admin").await;
    let da = login(&t, "d_admin").await;
    // A second unit admin of the same unit reads on their own.
    t.app
        .system_create_user(
            t.d_a,
            Some(unit),
            "u_admin2",
            "乙",
            &[Role::UnitAdmin],
            PW,
            false,
        )
        .await
        .unwrap();
    let ua2 = login(&t, "u_admin2").await;
    org_body(&t, &ua, unit, "党政办", "office").await;
    let p1 = submitted_plan(&t, &ua, "方案甲").await;
    let p2 = submitted_plan(&t, &ua, "方案乙").await;
    assert_eq!(
        inbox_json(&t, &da).await["todos"].as_array().unwrap().len(),
        2
    );
    post_form_ok(
        &t,
        &da,
        &format!("/units/{unit}/org/plans/{p1}/reject"),
        &[("reason", "缺少职能调整说明")],
    )
    .await;
    post_form_ok(
        &t,
        &da,
        &format!("/units/{unit}/org/plans/{p2}/approve"),
        &[("doc_no", "镇海编〔2026〕8号")],
    )
    .await;
    let v = inbox_json(&t, &ua).await;
    assert_eq!(
        codes(&v, "notices", "kind"),
        vec!["org.plan.approve", "org.plan.reject"],
        "newest first"
    );
    assert_eq!(v["unread"], 2);
    let page = get(&t, &ua, "/inbox").await;
    assert!(
        page.body.contains("退回理由：缺少职能调整说明"),
        "{}",
        page.body
    );
    assert!(page.body.contains("id=\"read-all\""));

    let r = post_form_ok(&t, &ua, "/inbox/read-all", &[]).await;
    assert_eq!(r.location(), "/inbox?ok=inbox_read");
    let v = inbox_json(&t, &ua).await;
    assert_eq!(
        (v["unread"].as_i64(), v["count"].as_i64()),
        (Some(0), Some(0))
    );
    assert!(
        !get(&t, &ua, "/inbox")
            .await
            .body
            .contains("id=\"read-all\"")
    );
    // The other admin's notices are still unread.
    assert_eq!(inbox_json(&t, &ua2).await["unread"], 2);
    // Without the CSRF token nothing is marked.
    let r = send(
        &t,
        &ua2,
        axum::http::Method::POST,
        "/inbox/read-all",
        form(&[]),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(inbox_json(&t, &ua2).await["unread"], 2);
    // The API marks one notice read for the token's owner (204), another's is not found.
    let actor2 = t
        .app
        .login("u_admin2", PW, "10.0.0.1")
        .await
        .unwrap()
        .session
        .actor;
    let token = t.app.create_api_token(&actor2, "inbox").await.unwrap().1;
    let api = Who {
        bearer: Some(token),
        ..Who::default()
    };
    let first = inbox_json(&t, &api).await["notices"][0]["id"]
        .as_i64()
        .unwrap();
    let r = send(
        &t,
        &api,
        axum::http::Method::POST,
        &format!("/api/v1/inbox/notices/{first}/read"),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    assert_eq!(inbox_json(&t, &api).await["unread"], 1);
    let r = send(
        &t,
        &api,
        axum::http::Method::POST,
        "/api/v1/inbox/notices/999999/read",
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.json()["code"], "not_found", "{}", r.body);
    // English.
    let mut en = ua2.clone();
    en.lang = Some("en");
    let page = get(&t, &en, "/inbox").await;
    assert!(
        page.body
            .contains("The district rejected the reorganisation plan “方案甲”")
    );
}

// ---- the dashboard's figures against the store, on the demo ----

async fn demo_app() -> (
    jiguan_app::App,
    jiguan_domain::tenancy::DistrictId,
    tempfile::TempDir,
) {
    let dir = tempfile::tempdir().unwrap();
    let url = dir.path().join("demo.db").to_string_lossy().to_string();
    let store = SqlStore::open(&url).await.unwrap();
    let (app, d) = jiguan_testkit::fixtures::demo(store).await.unwrap();
    (app, d, dir)
}

async fn actor(app: &jiguan_app::App, user: &str) -> Actor {
    app.login(user, jiguan_app::demo::DEMO_PASSWORD, "10.0.0.1")
        .await
        .unwrap()
        .session
        .actor
}

#[tokio::test]
async fn dashboard_figures_match_the_store_for_the_demo() {
    let (app, d, _dir) = demo_app().await;
    let admin = actor(&app, "admin").await;
    let f = app
        .dashboard_figures(&admin, &app.dashboard(&admin).await.unwrap())
        .await
        .unwrap()
        .unwrap();
    let s = &app.store;
    let today = app.org_today();
    assert_eq!(f.units.len(), 6);
    let quotas = s.list_quotas(d, None).await.unwrap();
    let people = s.export_people(d, &Default::default()).await.unwrap();
    for u in &f.units {
        let st = s.load_structure(d, u.unit.id, today).await.unwrap();
        let c = st.counts();
        assert_eq!(u.bodies.actual, c.active, "{}", u.unit.name);
        assert_eq!(u.middle.actual, c.chiefs + c.deputies, "{}", u.unit.name);
        assert_eq!(u.bodies.approved, st.caps.as_ref().map(|c| c.max_bodies));
        assert_eq!(
            u.middle.approved,
            st.caps.as_ref().map(|c| c.max_chiefs + c.max_deputies)
        );
        let approved: i64 = quotas
            .iter()
            .filter(|q| {
                q.unit_id == u.unit.id
                    && q.body_id.is_none()
                    && q.kind != jiguan_domain::people::QuotaKind::Leadership
            })
            .map(|q| q.approved)
            .sum();
        assert_eq!(
            u.establishment.approved.unwrap_or(0),
            approved,
            "{}",
            u.unit.name
        );
        // Held: people on post or lent out with an establishment, at their home unit.
        let held = people
            .iter()
            .filter(|p| {
                p.unit_id == u.unit.id
                    && p.status.occupies()
                    && p.establishment != jiguan_domain::people::EstablishmentKind::None
            })
            .count() as i64;
        assert_eq!(u.establishment.actual, held, "{}", u.unit.name);
    }
    // Staff by identity: the people on post or lent out, counted at their home unit.
    let mut want: BTreeMap<jiguan_domain::people::Identity, i64> = BTreeMap::new();
    for p in people.iter().filter(|p| p.status.occupies()) {
        *want.entry(p.identity).or_default() += 1;
    }
    let got: BTreeMap<_, _> = f
        .identities
        .clone()
        .unwrap()
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .collect();
    assert_eq!(got, want);
    assert!(got.values().sum::<i64>() > 100, "the demo has staff");
    // Downsizing routes: every line of the approved and applied plans.
    let plans = s.down_plans(d, None).await.unwrap();
    let lines: i64 = plans
        .iter()
        .filter(|p| {
            matches!(
                p.status,
                jiguan_domain::workflow::Status::Approved
                    | jiguan_domain::workflow::Status::Applied
            )
        })
        .map(|p| p.lines)
        .sum();
    let routes: i64 = f.routes.clone().unwrap().iter().map(|(_, n)| n).sum();
    assert_eq!(routes, lines);
    assert!(lines > 0, "the demo has an applied downsizing plan");
    // Progress: the demo's applied reorganisation plans show as done.
    let applied: Vec<UnitId> = f
        .units
        .iter()
        .filter(|u| {
            u.progress
                .iter()
                .any(|(p, d)| *p == jiguan_app::dashboard::Progress::Structure && *d)
        })
        .map(|u| u.unit.id)
        .collect();
    for u in &f.units {
        let plans = app.org_plans(&admin, u.unit.id).await.unwrap();
        let has = plans
            .iter()
            .any(|p| p.status == jiguan_domain::workflow::Status::Applied);
        assert_eq!(applied.contains(&u.unit.id), has, "{}", u.unit.name);
    }

    // The page shows the same figures.
    let state = jiguan_web::AppState {
        app: app.clone(),
        web: jiguan_web::WebConfig::default(),
        jobs: Default::default(),
    };
    let router = jiguan_web::router(state);
    let ok = app
        .login("admin", jiguan_app::demo::DEMO_PASSWORD, "10.0.0.1")
        .await
        .unwrap();
    let req = axum::http::Request::builder()
        .uri("/")
        .header("cookie", format!("jiguan_session={}", ok.token))
        .body(axum::body::Body::empty())
        .unwrap();
    let t = T2 { router };
    let body = t.get(req).await;
    for u in &f.units {
        let row = row_of(&body, &format!("id=\"dash-unit-{}\"", u.unit.id));
        assert!(row.contains(&u.unit.name));
        let first = format!(
            "<span class=\"hbar-n\">{}{}",
            u.bodies.actual,
            u.bodies.approved.map_or(String::new(), |a| format!(
                "<span class=\"hbar-of\"> / {a}</span>"
            ))
        );
        assert!(row.contains(&first), "{first} not in {row}");
    }
    let total: i64 = want.values().sum();
    assert!(body.contains(&format!("id=\"dash-staff\">{total}<")));
    // A unit account sees its own unit only, with its workload balance.
    let ua = actor(&app, "luotuo_admin").await;
    let f = app
        .dashboard_figures(&ua, &app.dashboard(&ua).await.unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        f.units.iter().map(|u| u.unit.id).collect::<Vec<_>>(),
        vec![ua.unit_id.unwrap()]
    );
    let b = f.balance.unwrap();
    assert_eq!(b.under + b.normal + b.over, b.people);
    let ids: i64 = f.identities.unwrap().iter().map(|(_, n)| n).sum();
    let own = people
        .iter()
        .filter(|p| p.status.occupies() && Some(p.unit_id) == ua.unit_id)
        .count() as i64;
    assert_eq!(ids, own);
    // Staff see their own items only, no figures.
    let staff = actor(&app, "luotuo_staff").await;
    assert!(
        app.dashboard_figures(&staff, &app.dashboard(&staff).await.unwrap())
            .await
            .unwrap()
            .is_none()
    );
}

/// The `<tr …>` row that starts at `marker`.
fn row_of(body: &str, marker: &str) -> String {
    let at = body
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} missing"));
    let rest = &body[at..];
    rest[..rest.find("</tr>").unwrap_or(rest.len())].to_string()
}

struct T2 {
    router: axum::Router,
}

impl T2 {
    async fn get(&self, mut req: axum::http::Request<axum::body::Body>) -> String {
        use tower::ServiceExt;
        req.extensions_mut()
            .insert(axum::extract::ConnectInfo(std::net::SocketAddr::from((
                [10, 0, 0, 9],
                4000,
            ))));
        let resp = self.router.clone().oneshot(req).await.unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        let bytes = axum::body::to_bytes(resp.into_body(), 10 << 20)
            .await
            .unwrap();
        String::from_utf8_lossy(&bytes).to_string()
    }
}

/// The menu badge is kept between pages (issue 17: it is not recounted on every page),
/// yet another account's write shows at once: the district admin's badge before and after
/// the unit submits, the unit admin's before and after the district approves.
#[tokio::test]
async fn the_kept_badge_follows_every_write_at_once() {
    let t = setup().await;
    let unit = t.unit("luotuo");
    let ua = login(&t, "u_admin").await;
    let da = login(&t, "d_admin").await;
    org_body(&t, &ua, unit, "党政办", "office").await;
    for _ in 0..3 {
        assert_eq!(badge(&get(&t, &da, "/units").await.body), None);
        assert_eq!(badge(&get(&t, &ua, "/").await.body), None);
    }
    let plan = submitted_plan(&t, &ua, "骆驼改革").await;
    assert_eq!(badge(&get(&t, &da, "/units").await.body), Some(1));
    assert_eq!(badge(&get(&t, &da, "/").await.body), Some(1));
    assert_eq!(badge(&get(&t, &ua, "/").await.body), None);
    post_form_ok(
        &t,
        &da,
        &format!("/units/{unit}/org/plans/{plan}/approve"),
        &[("doc_no", "镇海编〔2026〕8号")],
    )
    .await;
    assert_eq!(badge(&get(&t, &ua, "/").await.body), Some(1));
    assert_eq!(inbox_json(&t, &ua).await["count"], 1);
    let v = inbox_json(&t, &da).await;
    assert_eq!(codes(&v, "todos", "code"), vec!["org.plan.apply"]);
}
