//! Downsizing (精简) through the pages and the route table.

use axum::http::{Method, StatusCode};

use jiguan_domain::auth::{Actor, Role};
use jiguan_domain::downsizing::PlanId;
use jiguan_domain::tenancy::{DistrictId, UnitId, UserId};

use crate::helpers::*;
use crate::org::id_in;
use crate::people::add_temp;

// ---- downsizing ----

/// A draft plan of `unit` started through the page: its id and its page's path.
async fn new_plan(t: &T, who: &Who, unit: UnitId, title: &str) -> (i64, String) {
    let r = post_form_ok(
        t,
        who,
        &format!("/units/{unit}/downsizing"),
        &[("title", title), ("effective", "2027-01-01")],
    )
    .await;
    let plan = id_in(&r.location(), "/downsizing/");
    (plan, format!("/units/{unit}/downsizing/{plan}"))
}

/// A line releasing `person` (解除) on the plan at `base`, through the page.
async fn release_line(t: &T, who: &Who, base: &str, person: i64) {
    let person = person.to_string();
    post_form_ok(
        t,
        who,
        &format!("{base}/lines"),
        &[("person", person.as_str()), ("route", "release")],
    )
    .await;
}

/// A draft plan of `unit` (in district `d`) started by its unit administrator.
async fn app_plan(t: &T, d: DistrictId, unit: UnitId, title: &str) -> PlanId {
    t.app
        .down_create_plan(
            &down_actor(d, unit, Role::UnitAdmin),
            unit,
            title,
            "2027-01-01",
        )
        .await
        .unwrap()
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

/// The district approves the downsizing plan at `base` under document 镇海编〔2026〕9号.
pub async fn approve(t: &T, da: &Who, base: &str) {
    let doc = [("doc_no", "镇海编〔2026〕9号")];
    post_form_ok(t, da, &format!("{base}/approve"), &doc).await;
}

#[tokio::test]
async fn downsizing_plan_through_the_pages() {
    let t = setup().await;
    let u = t.unit("luotuo");
    let ua = login(&t, "u_admin").await;
    let da = login(&t, "d_admin").await;
    let person = add_temp(&t, &ua, u, "分流甲", 21).await;
    let (plan, base) = new_plan(&t, &ua, u, "骆驼街道第一批分流").await;
    // The candidate picker lists the temporary worker (picked by default).
    let r = get(&t, &ua, &base).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains(&format!("cand-{person}")), "{}", r.body);
    // One page with the total (the pager's "共 N 条"), searched and paged by the store; the
    // API answers the page as an object, and refuses a page size beyond 200.
    assert!(r.body.contains("class=\"pager\""), "{}", r.body);
    let qs = |q: &[(&str, &str)]| serde_urlencoded::to_string(q).unwrap();
    let r = get(
        &t,
        &ua,
        &format!("{base}?{}", qs(&[("q", "分流甲"), ("per_page", "20")])),
    )
    .await;
    assert!(r.body.contains(&format!("cand-{person}")), "{}", r.body);
    let r = get(&t, &ua, &format!("{base}?{}", qs(&[("q", "无此人")]))).await;
    assert!(!r.body.contains(&format!("cand-{person}")), "{}", r.body);
    let api = format!("/api/v1/units/{u}/downsizing/{plan}/candidates");
    let r = get(
        &t,
        &ua,
        &format!(
            "{api}?{}",
            qs(&[("identities", "temporary"), ("q", "分流甲")])
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let j = r.json();
    assert_eq!(
        (j["total"].as_i64(), j["page"].as_i64()),
        (Some(1), Some(1))
    );
    assert_eq!(j["items"][0]["person"]["id"], person);
    // A new temporary worker holds no post, and is of the identity picked.
    assert_eq!(
        j["items"][0]["reasons"],
        serde_json::json!(["no_post", "identity"])
    );
    assert!(j["items"][0]["person"].get("id_number").is_none());
    let r = get(&t, &ua, &format!("{api}?per_page=500")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    // A route the identity does not allow is refused with the reason, in Chinese.
    let pid_s = person.to_string();
    let r = post_form(
        &t,
        &ua,
        &format!("{base}/lines"),
        &[("person", pid_s.as_str()), ("route", "early_retirement")],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("临时工不适用“提前退休”去向"), "{}", r.body);
    release_line(&t, &ua, &base, person).await;
    // A second temporary worker stays with a new three-year labour contract (no cut).
    let kept = add_temp(&t, &ua, u, "分流丁", 24).await;
    let kept_s = kept.to_string();
    post_form_ok(
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
    // Figures through the rules: 2015-03-01..2026-12-31 = 11 y 10 m → 12 months × 4500.
    let r = get(&t, &ua, &base).await;
    assert!(r.body.contains("54000.00"), "{}", r.body);
    assert!(r.body.contains("工龄一次性补偿后解除"));
    // Workflow: submit, approve (district), apply (unit).
    post_form_ok(&t, &ua, &format!("{base}/submit"), &[]).await;
    let r = post_form(&t, &ua, &format!("{base}/approve"), &[("doc_no", "x")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    crate::downsizing::approve(&t, &da, &base).await;
    post_form_ok(&t, &ua, &format!("{base}/apply"), &[]).await;
    let r = get(&t, &ua, &base).await;
    assert!(r.body.contains("已实施") && r.body.contains("镇海编〔2026〕9号"));
    // The person's status shows the change.
    let r = get(&t, &ua, &format!("/units/{u}/people/{person}")).await;
    assert!(r.body.contains("离职"), "{}", r.body);
    assert!(!r.body.contains("person-contracts"));
    // The kept worker's page lists the contract: 2027-01-01 for three years.
    let r = get(&t, &ua, &format!("/units/{u}/people/{kept}")).await;
    assert!(r.body.contains("id=\"person-contracts\""), "{}", r.body);
    assert!(
        r.body.contains("<td>2027-01-01</td><td>2029-12-31</td>"),
        "{}",
        r.body
    );
    // Notices (print view), Excel, district summary, JSON.
    let r = get(&t, &ua, &format!("{base}/notices")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("分流通知书") && r.body.contains("分流甲"));
    assert!(r.body.contains(&format!("notice-{person}")));
    let r = get(&t, &ua, &format!("{base}/export")).await;
    assert_xlsx(&r);
    let r = get(&t, &ua, &format!("/units/{u}/downsizing")).await;
    assert!(r.body.contains("已实施"), "{}", r.body);
    // The unit's contracts list names the kept worker (read by the contracts' ids).
    assert!(
        r.body
            .contains("<tr><td>分流丁</td><td>2027-01-01</td><td>2029-12-31</td>"),
        "{}",
        r.body
    );
    let r = get(&t, &da, "/downsizing").await;
    assert!(r.body.contains("骆驼街道"), "{}", r.body);
    assert!(r.body.contains("id=\"down-district-cut\">1<"), "{}", r.body);
    let r = get(&t, &da, "/downsizing/export").await;
    assert_eq!(r.status, StatusCode::OK);
    let r = get(&t, &ua, &format!("/api/v1/units/{u}/downsizing/{plan}")).await;
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
    let person = add_temp(&t, &ua, lu, "分流乙", 22).await;
    let own = app_plan(&t, t.d_a, lu, "骆驼方案").await;
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
    let sib = app_plan(&t, t.d_a, jl, "九龙湖方案").await;
    let d_b = district_b(&t).await;
    let foreign = app_plan(&t, d_b, dg, "北仑分流方案").await;
    let routes = routes_containing("downsizing");
    assert!(routes.len() >= 25);
    let fill = |p: &str, unit: UnitId, plan: jiguan_domain::downsizing::PlanId| {
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
    let records = Records {
        own,
        sib,
        foreign,
        param: "{plan}",
        hidden: &["北仑", "九龙湖方案"],
    };
    walk_routes_with_records(&t, &ordered, &records, fill).await;
    // District B's plan is untouched.
    let b = t
        .app
        .down_plans(&down_actor(d_b, dg, Role::UnitAdmin), dg)
        .await
        .unwrap();
    assert_eq!(b[0].status, jiguan_domain::downsizing::PlanStatus::Draft);
}

/// Defect 3 (issue 12): the downsizing approval record shows the time in Beijing time (UTC+8),
/// like the audit log and the org plans, not in UTC.
#[tokio::test]
async fn downsizing_approval_time_is_shown_in_beijing_time() {
    use jiguan_app::Clock;
    let t = setup().await;
    let u = t.unit("luotuo");
    let ua = login(&t, "u_admin").await;
    let person = add_temp(&t, &ua, u, "分流时", 31).await;
    let (_, base) = new_plan(&t, &ua, u, "时间显示").await;
    release_line(&t, &ua, &base, person).await;
    post_form_ok(&t, &ua, &format!("{base}/submit"), &[]).await;
    // The manual clock stands still: the approval is recorded at exactly this instant.
    let da = login(&t, "d_admin").await;
    let at = t.clock.now();
    post_form_ok(
        &t,
        &da,
        &format!("{base}/approve"),
        &[("doc_no", "镇海编〔2026〕12号")],
    )
    .await;
    let beijing = at
        .with_timezone(&jiguan_domain::time::china())
        .format("%Y-%m-%d %H:%M")
        .to_string();
    let utc = at.format("%Y-%m-%d %H:%M").to_string();
    let r = get(&t, &ua, &base).await;
    assert!(r.body.contains(&beijing), "{beijing} missing: {}", r.body);
    assert!(!r.body.contains(&utc), "UTC {utc} shown: {}", r.body);
}
