//! Campaign plans (竞争上岗方案): the quota refusal against the district's middle posts,
//! the whole life cycle (draft → submit → approve → publish), a published plan immutable
//! and revised only as a new version with a reason, field errors, and roles and tenants
//! on the new routes with real ids.

use axum::http::StatusCode;
use jiguan_app::org::{BodyForm, CapsForm, SplitForm};

use jiguan_domain::auth::Role;
use jiguan_domain::tenancy::UserId;

use crate::helpers::*;

/// Two offices in 骆驼街道: the district allows 2 chiefs and 3 deputies; the split gives
/// 党政办 1 chief + 2 deputies and 经发办 1 chief + 1 deputy. Returns the two body ids.
async fn bodies(t: &T) -> (i64, i64) {
    let [a, b] =
        jiguan_testkit::fixtures::selection_bodies(&t.app, t.d_a, t.unit("luotuo"), ["2", "1"])
            .await
            .unwrap();
    (a, b)
}

fn list_path(t: &T) -> String {
    format!("/units/{}/selection/campaigns", t.unit("luotuo"))
}

/// The page's form for a plan offering `(body, chief seats, deputy seats)`.
fn plan_fields(title: &str, posts: &[(i64, &str, &str)]) -> Vec<(String, String)> {
    let mut f = vec![
        ("title".to_string(), title.to_string()),
        ("registration_deadline".into(), "2026-04-30".into()),
    ];
    for (b, c, d) in posts {
        f.push((format!("seats_{b}_chief"), (*c).into()));
        f.push((format!("seats_{b}_deputy"), (*d).into()));
    }
    f
}

async fn post_plan(t: &T, who: &Who, path: &str, fields: &[(String, String)]) -> Resp {
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    post_form(t, who, path, &pairs).await
}

/// The id in a redirect to `/units/…/selection/campaigns/{id}?ok=…`.
/// A plan drafted through the form with `plan_fields(title, posts)`.
async fn draft(t: &T, who: &Who, title: &str, posts: &[(i64, &str, &str)]) -> Resp {
    post_plan(t, who, &list_path(t), &plan_fields(title, posts)).await
}

#[tokio::test]
async fn seats_beyond_the_vacant_middle_posts_are_refused_and_nothing_is_written() {
    let t = setup().await;
    let (a, b) = bodies(&t).await;
    let ua = login(&t, "u_admin").await;
    // 党政办 deputies: 3 offered, 2 approved.
    let r = draft(&t, &ua, "2026年竞争上岗", &[(a, "1", "3"), (b, "", "")]).await;
    assert_refused(&r, "超过区核定的空缺职数 2 个");
    assert!(
        r.body.contains("中层副职"),
        "the level is shown by its label"
    );
    // The unit-wide deputies: 2 + 2 = 4 > 3 even when each body fits… 经发办 has 1 only.
    let r = draft(&t, &ua, "2026年竞争上岗", &[(a, "", "2"), (b, "", "2")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let lu = t.unit("luotuo");
    let ua_actor = unit_admin(t.d_a, lu);
    assert!(t.app.camp_list(&ua_actor, lu).await.unwrap().is_empty());
    // Within the quota.
    let r = draft(&t, &ua, "2026年竞争上岗", &[(a, "1", "2"), (b, "1", "1")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(t.app.camp_list(&ua_actor, lu).await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_body_that_is_not_the_units_is_refused() {
    let t = setup().await;
    let ua = login(&t, "u_admin").await;
    // A body id that is not one of the unit's bodies is a choice error on the posts.
    let r = draft(&t, &ua, "无总量", &[(999, "1", "")]).await;
    assert_refused(&r, "竞争职位");
}

#[tokio::test]
async fn plan_field_errors_name_the_field() {
    let t = setup().await;
    let (a, _) = bodies(&t).await;
    let ua = login(&t, "u_admin").await;
    let mut f = plan_fields("", &[(a, "2", "")]);
    f.push(("weight_written".into(), "50".into()));
    f.push(("term_years".into(), "abc".into()));
    f.push(("publicity_workdays".into(), "3".into()));
    let r = post_plan(&t, &ua, &list_path(&t), &f).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for id in [
        "err-title",
        "err-posts",
        "err-weights",
        "err-term_years",
        "err-publicity_workdays",
    ] {
        assert!(r.body.contains(id), "{id} missing: {}", r.body);
    }
}

#[tokio::test]
async fn a_plan_is_approved_published_frozen_and_revised_as_a_new_version() {
    let t = setup().await;
    let (a, b) = bodies(&t).await;
    let ua = login(&t, "u_admin").await;
    let da = login(&t, "d_admin").await;
    let fields = plan_fields("2026年中层干部竞争上岗", &[(a, "1", "2"), (b, "1", "")]);
    let r = post_plan(&t, &ua, &list_path(&t), &fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id = id_of(&r);
    let one = format!("{}/{id}", list_path(&t));
    // A draft can be edited.
    let mut edited = fields.clone();
    edited.push(("inspection_ratio".into(), "3".into()));
    let r = post_plan(&t, &ua, &format!("{one}/edit"), &edited).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // The unit cannot approve its own plan; the district can, with a document number.
    post_form_ok(&t, &ua, &format!("{one}/submit"), &[]).await;
    let r = post_form(&t, &ua, &format!("{one}/approve"), &[("doc_no", "x")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = post_form(&t, &da, &format!("{one}/approve"), &[("doc_no", "")]).await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a document number is required"
    );
    post_form_ok(
        &t,
        &da,
        &format!("{one}/approve"),
        &[("doc_no", "镇海组〔2026〕5号")],
    )
    .await;
    post_form_ok(&t, &ua, &format!("{one}/publish"), &[]).await;
    let page = get(&t, &ua, &one).await;
    assert!(page.body.contains("已发布") && page.body.contains("镇海组〔2026〕5号"));
    assert!(page.body.contains("id=\"camp-revise\"") && !page.body.contains("id=\"camp-edit\""));
    // Published: an edit is refused and nothing changes.
    let mut changed = fields.clone();
    changed.push(("term_years".into(), "5".into()));
    let r = post_plan(&t, &ua, &format!("{one}/edit"), &changed).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let lu = t.unit("luotuo");
    let actor = unit_admin(t.d_a, lu);
    let v1 = t
        .app
        .camp_get(&actor, lu, jiguan_domain::selection::CampaignId(id))
        .await
        .unwrap();
    assert_eq!(v1.campaign.plan.term_years, 3);
    assert_eq!(v1.campaign.plan.inspection_ratio.to_string(), "3");
    // A revision needs a reason and a change.
    let r = post_plan(&t, &ua, &format!("{one}/revise"), &changed).await;
    assert_refused(&r, "err-revision_reason");
    let mut same = edited.clone();
    same.push(("revision_reason".into(), "无变化".into()));
    let r = post_plan(&t, &ua, &format!("{one}/revise"), &same).await;
    assert_refused(&r, "与已发布版本相同");
    changed.push(("revision_reason".into(), "区委组织部要求任期五年".into()));
    let r = post_plan(&t, &ua, &format!("{one}/revise"), &changed).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let v2 = id_of(&r);
    assert_ne!(v2, id);
    let view = t
        .app
        .camp_get(&actor, lu, jiguan_domain::selection::CampaignId(v2))
        .await
        .unwrap();
    assert_eq!(view.campaign.version, 2);
    assert_eq!(view.campaign.family_id, id);
    assert_eq!(view.campaign.plan.term_years, 5);
    assert_eq!(view.campaign.revision_reason, "区委组织部要求任期五年");
    assert_eq!(
        view.in_force,
        Some(1),
        "v1 stays in force until v2 is published"
    );
    assert_eq!(view.versions.len(), 2);
    // v1 cannot be revised again while v2 exists.
    let r = post_plan(&t, &ua, &format!("{one}/revise"), &changed).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // The audit trail has every step.
    assert_audited(
        &t,
        &[
            "selection.campaign.create",
            "selection.campaign.update",
            "selection.campaign.submit",
            "selection.campaign.approve",
            "selection.campaign.apply",
            "selection.campaign.revise",
        ],
    )
    .await;
}

#[tokio::test]
async fn the_district_rejects_and_the_unit_reopens() {
    let t = setup().await;
    let (a, _) = bodies(&t).await;
    let ua = login(&t, "u_admin").await;
    let da = login(&t, "d_admin").await;
    let r = draft(&t, &ua, "退回测试", &[(a, "1", "")]).await;
    let one = format!("{}/{}", list_path(&t), id_of(&r));
    post_form_ok(&t, &ua, &format!("{one}/submit"), &[]).await;
    let r = post_form(&t, &da, &format!("{one}/reject"), &[("reason", "")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    post_form_ok(
        &t,
        &da,
        &format!("{one}/reject"),
        &[("reason", "职数口径不对")],
    )
    .await;
    let r = post_form(&t, &ua, &format!("{one}/publish"), &[]).await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a rejected plan is not published"
    );
    post_form_ok(&t, &ua, &format!("{one}/reopen"), &[]).await;
    assert!(get(&t, &ua, &one).await.body.contains("id=\"camp-edit\""));
}

#[tokio::test]
async fn the_api_drafts_and_reads_a_plan() {
    let t = setup().await;
    let (a, _) = bodies(&t).await;
    let ua = login(&t, "u_admin").await;
    let lu = t.unit("luotuo");
    let api = format!("/api/v1/units/{lu}/selection/campaigns");
    let body = format!(
        r#"{{"title":"API方案","registration_deadline":"2026-05-01","posts":[{{"body_id":"{a}","level":"deputy","seats":"3"}}]}}"#
    );
    let r = post_json(&t, &ua, &api, &body).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["errors"][0]["field"], "posts[0].seats");
    let body = body.replace(r#""seats":"3""#, r#""seats":"2""#);
    let r = post_json(&t, &ua, &api, &body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.json()["id"].as_i64().unwrap();
    let r = get(&t, &ua, &format!("{api}/{id}")).await;
    assert_eq!(r.status, StatusCode::OK);
    let j = r.json();
    assert_eq!(j["campaign"]["version"], 1);
    assert_eq!(j["campaign"]["status"], "draft");
    assert_eq!(j["campaign"]["plan"]["term_years"], 3);
    assert_eq!(j["campaign"]["plan"]["probation_months"], 12);
}

#[tokio::test]
async fn roles_and_tenants_on_campaign_routes() {
    let t = setup().await;
    let (a, _) = bodies(&t).await;
    let ua = login(&t, "u_admin").await;
    let r = draft(&t, &ua, "权限测试", &[(a, "1", "")]).await;
    let id = id_of(&r);
    let one = format!("{}/{id}", list_path(&t));
    // Staff and body heads do not see campaigns; committee members and auditors read.
    assert_reads(&t, &[&one], &SELECTION_READERS).await;
    // Only HR manages: a committee member cannot submit.
    let cm = login(&t, "u_committee").await;
    assert_eq!(
        post_form(&t, &cm, &format!("{one}/submit"), &[])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // Another district's admin, and the sibling unit's id under its own path.
    let b = login(&t, "b_unit_admin").await;
    assert_eq!(get(&t, &b, &one).await.status, StatusCode::NOT_FOUND);
    let dagang = t.unit("dagang");
    let r = get(&t, &b, &format!("/units/{dagang}/selection/campaigns/{id}")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = post_form(
        &t,
        &b,
        &format!("/units/{dagang}/selection/campaigns/{id}/submit"),
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let sib = t.unit("jiulonghu");
    let da = login(&t, "d_admin").await;
    let r = get(&t, &da, &format!("/units/{sib}/selection/campaigns/{id}")).await;
    assert_eq!(
        r.status,
        StatusCode::NOT_FOUND,
        "the id is 骆驼's, not 九龙湖's"
    );
}

// ---------------------------------------------------------------- registration and review

/// A published plan of 骆驼街道 (deadline 2027-01-31) offering 党政办 1 chief + 2 deputies
/// and 经发办 1 deputy, under `policy` for posts without competition; returns its id.
async fn published(t: &T, a: i64, b: i64, policy: &str) -> i64 {
    let ua = login(t, "u_admin").await;
    let da = login(t, "d_admin").await;
    let mut f = plan_fields("2027年竞争上岗", &[(a, "1", "2"), (b, "", "1")]);
    f[1].1 = "2027-01-31".into();
    f.push(("no_competition".into(), policy.into()));
    let r = post_plan(t, &ua, &list_path(t), &f).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id = id_of(&r);
    let one = format!("{}/{id}", list_path(t));
    publish_plan(t, &ua, &da, &one).await;
    id
}

/// A person of 骆驼街道; returns the id.
async fn person(
    t: &T,
    name: &str,
    birth: &str,
    seq: u32,
    edit: impl FnOnce(&mut jiguan_domain::people::PersonForm),
) -> i64 {
    let lu = t.unit("luotuo");
    let mut f = jiguan_domain::people::PersonForm {
        name: name.into(),
        gender: "男".into(),
        id_number: jiguan_testkit::fixtures::id_number(birth, seq * 2 + 1),
        education: "大学本科".into(),
        work_start: "2012-07-01".into(),
        identity: "公务员".into(),
        establishment: "行政编制".into(),
        ..Default::default()
    };
    edit(&mut f);
    t.app
        .create_person(&unit_admin(t.d_a, lu), lu, &f, &Default::default())
        .await
        .unwrap()
        .0
}

/// Marks the person a 班子成员 in `role`.
fn leader(f: &mut jiguan_domain::people::PersonForm, role: &str) {
    f.leader = "是".into();
    f.leader_role = role.into();
}

/// Starts the person's work on `start` with a probation ending on `end`.
fn on_probation(f: &mut jiguan_domain::people::PersonForm, start: &str, end: &str) {
    f.work_start = start.into();
    f.probation_end = end.into();
}

/// The HR office recommends `person` for `choice` (组织推荐) through the API.
async fn recommend(t: &T, who: &Who, id: i64, person: i64, choice: &str) {
    let lu = t.unit("luotuo");
    let r = post_json(
        t,
        who,
        &format!("/api/v1/units/{lu}/selection/campaigns/{id}/recommend"),
        &format!(r#"{{"person_id":{person},"choices":["{choice}"]}}"#),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
}

/// The campaign's applications through the API, as `who`.
async fn applications(t: &T, who: &Who, id: i64) -> Resp {
    let lu = t.unit("luotuo");
    let path = format!("/api/v1/units/{lu}/selection/campaigns/{id}/applications");
    get(t, who, &path).await
}

/// The eligibility reasons of `pid`'s first choice in the applications' JSON, as
/// (rule, code).
fn reasons_of(j: &serde_json::Value, pid: i64) -> Vec<(String, String)> {
    j["applications"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["application"]["person_id"] == pid)
        .unwrap()["checks"][0][2]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["rule"].as_str().unwrap().to_string(),
                r["code"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The outcome of the post (`body`, `level`) in the applications' JSON.
fn outcome_of(v: &serde_json::Value, body: i64, level: &str) -> serde_json::Value {
    v["posts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["key"]["body_id"] == body && p["key"]["level"] == level)
        .unwrap()["outcome"]
        .clone()
}

/// A staff member's registration form sent for campaign `id`.
async fn register(t: &T, who: &Who, id: i64, fields: &[(&str, &str)]) -> Resp {
    post_form(t, who, &format!("{}/{id}/register", list_path(t)), fields).await
}

#[tokio::test]
async fn staff_register_and_every_roster_rule_shows_its_reason() {
    let t = setup().await;
    let (a, b) = bodies(&t).await;
    let id = published(&t, a, b, "drop_and_reopen").await;
    let lu = t.unit("luotuo");
    let zhang = person(&t, "张三", "19900501", 1, |_| {}).await;
    let li = person(&t, "李四", "19800101", 2, |_| {}).await;
    let wang = person(&t, "王五", "19900101", 3, |f| f.leader = "是".into()).await;
    let zhao = person(&t, "赵六", "19880101", 4, |f| {
        f.education = "普通高中".into()
    })
    .await;
    let qian = person(&t, "钱七", "19950101", 5, |f| {
        f.work_start = "2025-01-01".into()
    })
    .await;
    let sun = person(&t, "孙八", "19920101", 6, |f| {
        f.identity = "临时工".into();
        f.establishment = "编外".into();
    })
    .await;
    let ua = login(&t, "u_admin").await;
    t.app
        .link_user_person(
            &unit_admin(t.d_a, lu),
            t.user("u_staff"),
            &zhang.to_string(),
        )
        .await
        .unwrap();
    // The staff member's phone page: the open campaign, the posts and the choice form.
    let staff = login(&t, "u_staff").await;
    let page = get(&t, &staff, &format!("/units/{lu}/selection/register")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains(&format!("reg-form-{id}")),
        "{}",
        page.body
    );
    let choice = format!("{a}:deputy");
    let r = register(&t, &staff, id, &[("choice", "999:deputy")]).await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a post not offered"
    );
    let r = register(
        &t,
        &staff,
        id,
        &[("choice", &choice), ("obey_adjustment", "on")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = get(&t, &staff, &format!("/units/{lu}/selection/register")).await;
    assert!(page.body.contains("待审查"), "{}", page.body);
    // The HR office recommends the others (组织推荐); a joint nomination needs 5 signers.
    for p in [li, wang, zhao, qian, sun] {
        recommend(&t, &ua, id, p, &choice).await;
    }
    let rec = format!("/api/v1/units/{lu}/selection/campaigns/{id}/recommend");
    let r = post_json(
        &t,
        &ua,
        &rec,
        &format!(
            r#"{{"person_id":{zhang},"choices":["{choice}"],"nomination":"joint","signers":3}}"#
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["errors"][0]["field"], "signers");
    // Every roster rule, with its reason, through the use case.
    let j = applications(&t, &ua, id).await.json();
    assert_eq!(j["plan_version"], 1);
    let codes = |pid: i64| -> Vec<String> {
        reasons_of(&j, pid)
            .into_iter()
            .map(|(_, code)| code)
            .filter(|c| {
                ![
                    "selection_basic_conditions_unattested",
                    "selection_appraisal_missing",
                ]
                .contains(&c.as_str())
            })
            .collect()
    };
    assert!(codes(zhang).is_empty(), "{:?}", codes(zhang));
    assert_eq!(codes(li), ["selection_age_over"]);
    assert_eq!(codes(wang), ["selection_leadership_member"]);
    assert_eq!(codes(zhao), ["selection_education_low"]);
    assert_eq!(codes(qian), ["selection_service_short"]);
    assert!(
        codes(sun).contains(&"selection_identity_out_of_scope".to_string()),
        "{:?}",
        codes(sun)
    );
    let page = get(&t, &ua, &format!("{}/{id}/applications", list_path(&t))).await;
    assert!(
        page.body.contains("年龄 47 周岁，超过 40 周岁以下的要求"),
        "{}",
        page.body
    );
    assert!(page.body.contains("班子成员不参加中层职位竞争"));
    // Review: confirmation needs the basic conditions and three appraisals.
    let apps = j["applications"].as_array().unwrap();
    let app_of = |pid: i64| {
        apps.iter()
            .find(|a| a["application"]["person_id"] == pid)
            .unwrap()["application"]["id"]
            .as_i64()
            .unwrap()
    };
    let review = |pid: i64| format!("{}/{id}/applications/{}/review", list_path(&t), app_of(pid));
    let r = post_form(&t, &ua, &review(zhang), &[("decision", "confirm")]).await;
    assert_refused(&r, "基本条件");
    // A confirmation with the basic conditions attested, the appraisals and `more`.
    let confirm = async |pid: i64, appraisals: &str, more: &[(&str, &str)]| {
        let mut f = vec![
            ("decision", "confirm"),
            ("basic_conditions_attested", "on"),
            ("appraisals", appraisals),
        ];
        f.extend_from_slice(more);
        post_form(&t, &ua, &review(pid), &f).await.status
    };
    let good = "2024:称职,2025:优秀,2026:称职";
    assert_eq!(
        confirm(zhang, "2024:称职,2025:基本称职,2026:称职", &[]).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a 基本称职 year"
    );
    assert_eq!(
        confirm(zhang, good, &[("measures", "警告:2026-10-01")]).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "within a sanction period"
    );
    assert_eq!(confirm(zhang, good, &[]).await, StatusCode::SEE_OTHER);
    assert_eq!(
        confirm(li, good, &[]).await,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let r = post_form(&t, &ua, &review(li), &[("decision", "reject")]).await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a rejection needs a reason"
    );
    post_form_ok(
        &t,
        &ua,
        &review(li),
        &[("decision", "reject"), ("note", "年龄超过")],
    )
    .await;
    // Reviewed: the staff member can no longer change the application.
    let r = register(&t, &staff, id, &[("choice", &format!("{b}:deputy"))]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // 党政办 deputies: 2 seats, 1 eligible (张三) → no competition, dropped under the plan's
    // policy; 经发办: nobody → vacant.
    let v = applications(&t, &ua, id).await.json();
    assert_eq!(outcome_of(&v, a, "deputy"), "dropped");
    assert_eq!(outcome_of(&v, b, "deputy"), "vacant");
    // Registration closes after the deadline.
    t.clock.advance(chrono::Duration::days(70));
    let staff = login(&t, "u_staff").await;
    let r = register(&t, &staff, id, &[("choice", &choice)]).await;
    assert_refused(&r, "报名已于 2027-01-31 截止");
}

#[tokio::test]
async fn posts_without_competition_proceed_under_the_floor_policy() {
    let t = setup().await;
    let (a, b) = bodies(&t).await;
    let id = published(&t, a, b, "proceed_with_floor").await;
    let ua = login(&t, "u_admin").await;
    let p1 = person(&t, "甲", "19900501", 11, |_| {}).await;
    let p2 = person(&t, "乙", "19910501", 12, |_| {}).await;
    let p3 = person(&t, "丙", "19920501", 13, |_| {}).await;
    for (p, c) in [(p1, a), (p2, a), (p3, b)] {
        recommend(&t, &ua, id, p, &format!("{c}:deputy")).await;
    }
    let v = applications(&t, &ua, id).await.json();
    // 党政办: 2 seats, 2 applicants < 3 → proceed with the floor; 经发办: 1 seat, 1 → same.
    assert_eq!(outcome_of(&v, a, "deputy"), "proceed_with_floor");
    assert_eq!(outcome_of(&v, b, "deputy"), "proceed_with_floor");
}

#[tokio::test]
async fn registration_roles_and_tenants() {
    let t = setup().await;
    let (a, b) = bodies(&t).await;
    let id = published(&t, a, b, "drop_and_reopen").await;
    let lu = t.unit("luotuo");
    // Staff register but do not see the review; HR does not register itself.
    let staff = login(&t, "u_staff").await;
    assert_eq!(
        get(&t, &staff, &format!("{}/{id}/applications", list_path(&t)))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let ua = login(&t, "u_admin").await;
    assert_eq!(
        get(&t, &ua, &format!("/units/{lu}/selection/register"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // A staff account without a linked person is told so.
    let page = get(&t, &staff, &format!("/units/{lu}/selection/register")).await;
    assert!(page.body.contains("reg-no-person"), "{}", page.body);
    let r = register(&t, &staff, id, &[("choice", &format!("{a}:deputy"))]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // The sibling unit's staff cannot reach 骆驼's campaign.
    let sib = login(&t, "sibling_staff").await;
    let jl = t.unit("jiulonghu");
    let r = post_form(
        &t,
        &sib,
        &format!("/units/{jl}/selection/campaigns/{id}/register"),
        &[("choice", &format!("{a}:deputy"))],
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = register(&t, &sib, id, &[("choice", &format!("{a}:deputy"))]).await;
    assert!(
        r.status == StatusCode::NOT_FOUND || r.status == StatusCode::FORBIDDEN,
        "{}",
        r.status
    );
    // Another district's administrator sees nothing of it.
    let bu = login(&t, "b_unit_admin").await;
    let r = applications(&t, &bu, id).await;
    assert!(r.status == StatusCode::NOT_FOUND || r.status == StatusCode::FORBIDDEN);
}

/// The demo: 骆驼街道's 2019 plan for the deputy posts of its split, published; 招宝山街道's
/// plan published with registration open and three people recommended.
#[tokio::test]
async fn the_demo_has_a_published_2019_plan_and_a_campaign_in_registration() {
    use jiguan_app::{App, AppConfig, ManualClock};
    use std::sync::Arc;
    let dir = tempfile::tempdir().unwrap();
    let url = dir.path().join("demo.db").to_string_lossy().to_string();
    let store = jiguan_store::SqlStore::open(&url).await.unwrap();
    let clock = Arc::new(ManualClock::new(chrono::Utc::now()));
    let app = App::new(Arc::new(store), AppConfig::for_tests(), clock);
    let d = jiguan_app::demo::seed(&app, |_, _| {}).await.unwrap();
    let lu = unit_id(&app, d, "luotuo").await;
    let c = app.camp_list(&unit_admin(d, lu), lu).await.unwrap();
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].status, jiguan_domain::workflow::Status::Applied);
    assert_eq!(c[0].plan.registration_deadline.to_string(), "2019-06-20");
    let seats: u32 = c[0].plan.posts.iter().map(|p| p.seats).sum();
    assert_eq!(seats, 7, "the 7 deputies of the split");
    let zb = unit_id(&app, d, "zhaobaoshan").await;
    let ua = unit_admin(d, zb);
    let c = app.camp_list(&ua, zb).await.unwrap();
    assert_eq!(c.len(), 1);
    assert!(c[0].plan.registration_deadline >= app.sel_today());
    let v = app.camp_review_view(&ua, zb, c[0].id).await.unwrap();
    assert_eq!(v.applications.len(), 3);
}

/// Rules (l) and (m) from the people records (试用期满日期, 亲属关系): a civil servant still
/// in probation on the registration deadline is ineligible, one whose probation ended that
/// day is not; the §1.9.2 vector — a candidate whose spouse is a 班子成员 cannot head 财政所
/// nor the office handling personnel (组织人事办公室), and may head another office.
#[tokio::test]
async fn probation_and_the_spouse_of_a_leader_bar_the_posts() {
    let t = setup().await;
    let lu = t.unit("luotuo");
    let ua_actor = unit_admin(t.d_a, lu);
    let da = as_role(t.d_a, None, Role::DistrictAdmin, UserId(0));
    let mut ids = Vec::new();
    for name in ["财政所", "组织人事办公室", "经济发展办公室"] {
        let id = t
            .app
            .org_create_body(
                &ua_actor,
                lu,
                &BodyForm {
                    name: name.into(),
                    kind: "office".into(),
                    establishment: "5".into(),
                    valid_from: "2018-01-01".into(),
                    ..BodyForm::default()
                },
            )
            .await
            .unwrap();
        ids.push(id.0);
    }
    t.app
        .org_set_caps(
            &da,
            lu,
            &CapsForm {
                max_bodies: "5".into(),
                max_chiefs: "3".into(),
                max_deputies: "3".into(),
                doc_no: "镇海编〔2018〕2号".into(),
                valid_from: "2018-01-01".into(),
            },
        )
        .await
        .unwrap();
    t.app
        .org_save_split(
            &ua_actor,
            lu,
            &SplitForm {
                phase: "2018年度".into(),
                effective: "2018-01-01".into(),
                lines: ids
                    .iter()
                    .map(|b| (b.to_string(), "1".into(), "1".into()))
                    .collect(),
            },
        )
        .await
        .unwrap();
    t.app
        .set_quotas(
            &da,
            lu,
            &[("q_administrative".to_string(), "30".to_string())],
        )
        .await
        .unwrap();
    let (finance, personnel, econ) = (ids[0], ids[1], ids[2]);
    let ua = login(&t, "u_admin").await;
    let dw = login(&t, "d_admin").await;
    let mut f = plan_fields(
        "2027年竞争上岗",
        &[(finance, "1", ""), (personnel, "1", ""), (econ, "1", "1")],
    );
    f[1].1 = "2027-01-31".into();
    let r = post_plan(&t, &ua, &list_path(&t), &f).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id = id_of(&r);
    let one = format!("{}/{id}", list_path(&t));
    publish_plan(&t, &ua, &dw, &one).await;

    let wu = person(&t, "吴一", "19880501", 11, |_| {}).await;
    let zheng = person(&t, "郑二", "19880601", 12, |_| {}).await;
    let feng = person(&t, "冯三", "19880701", 13, |_| {}).await;
    let chen = person(&t, "陈书记", "19750101", 14, |f| leader(f, "党工委书记")).await;
    let chu = person(&t, "褚镇长", "19760101", 15, |f| leader(f, "办事处主任")).await;
    let jiang = person(&t, "蒋主任", "19770101", 16, |f| leader(f, "党工委委员")).await;
    let qin = person(&t, "秦新", "19980101", 17, |f| {
        on_probation(f, "2026-03-01", "2027-03-01")
    })
    .await;
    let you = person(&t, "尤满", "19970101", 18, |f| {
        on_probation(f, "2026-01-31", "2027-01-31")
    })
    .await;
    // Spouses of 班子成员 (recorded on the candidates' pages; one from the leader's side).
    for (p, relative, relation) in [
        (wu, chen, "spouse"),
        (zheng, chu, "spouse"),
        (jiang, feng, "配偶"),
    ] {
        post_form_ok(
            &t,
            &ua,
            &format!("/units/{lu}/people/{p}/relations"),
            &[
                ("relative_id", &relative.to_string()),
                ("relation", relation),
            ],
        )
        .await;
    }
    for (p, choice) in [
        (wu, format!("{finance}:chief")),
        (zheng, format!("{personnel}:chief")),
        (feng, format!("{econ}:chief")),
        (qin, format!("{econ}:deputy")),
        (you, format!("{econ}:deputy")),
    ] {
        recommend(&t, &ua, id, p, &choice).await;
    }
    let j = applications(&t, &ua, id).await.json();
    let reasons = |pid: i64| -> Vec<(String, String)> {
        reasons_of(&j, pid)
            .into_iter()
            .filter(|(rule, _)| rule == "l" || rule == "m")
            .collect()
    };
    let m = (
        "m".to_string(),
        "selection_kinship_sensitive_post".to_string(),
    );
    assert_eq!(reasons(wu), std::slice::from_ref(&m), "财政所");
    assert_eq!(reasons(zheng), [m], "组织人事办公室");
    assert!(reasons(feng).is_empty(), "经发办 is not barred");
    assert_eq!(
        reasons(qin),
        [("l".to_string(), "selection_in_probation".to_string())]
    );
    assert!(reasons(you).is_empty(), "probation over on the deadline");
    // The reason is shown on the review page, naming the relative.
    let page = get(&t, &ua, &format!("{one}/applications")).await;
    assert!(page.body.contains("陈书记"), "{}", page.body);
    // The staff member's own page shows rule (l) too (a roster rule).
    t.app
        .link_user_person(&ua_actor, t.user("u_staff"), &qin.to_string())
        .await
        .unwrap();
    let staff = login(&t, "u_staff").await;
    let page = get(&t, &staff, &format!("/units/{lu}/selection/register")).await;
    assert!(page.body.contains("2027-03-01"), "{}", page.body);
}
