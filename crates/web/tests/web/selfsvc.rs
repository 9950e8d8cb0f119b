//! Staff self-service (个人中心): the account ↔ person link, the page's content (masked ID,
//! posts, retirement date, notices, history) and its isolation.

use axum::http::StatusCode;

use crate::helpers::*;
use crate::org::{id_in, org_body};
use crate::people::add_temp_with_id as worker;
use jiguan_testkit::fixtures::id_number;

async fn link(t: &T, who: &Who, user: &str, person: &str) -> Resp {
    post_form(
        t,
        who,
        &format!("/users/{}/person", t.user(user)),
        &[("person_id", person)],
    )
    .await
}

#[tokio::test]
async fn an_unlinked_account_gets_a_clear_message() {
    let t = setup().await;
    for name in ["u_staff", "d_admin", "u_auditor"] {
        let who = login(&t, name).await;
        let r = get(&t, &who, "/me").await;
        assert_eq!(r.status, StatusCode::OK, "{name}");
        assert!(r.body.contains("id=\"me-unlinked\""), "{name}: {}", r.body);
        assert!(r.body.contains("尚未关联实名制人员信息"), "{}", r.body);
        assert!(
            r.body.contains("id=\"menu-selfsvc\""),
            "{name} has no menu entry"
        );
    }
    let mut en = login(&t, "u_staff").await;
    en.lang = Some("en");
    let r = get(&t, &en, "/me").await;
    assert!(r.body.contains("not linked to a person"), "{}", r.body);
}

/// The staff member's own page: record with the ID number masked, posts and workload,
/// the statutory retirement month from the rules, history, and the downsizing notice once
/// the plan naming them is approved and applied.
#[tokio::test]
async fn staff_sees_own_record_posts_retirement_and_notice() {
    let t = setup().await;
    let u = t.unit("luotuo");
    let ua = login(&t, "u_admin").await;
    let da = login(&t, "d_admin").await;
    let staff = login(&t, "u_staff").await;
    let (me, full_id) = worker(&t, &ua, u, "自助甲", 21).await;
    // The account form offers the unit's people; linking is audited.
    let r = get(&t, &ua, &format!("/users/{}/edit", t.user("u_staff"))).await;
    assert!(r.body.contains("id=\"link-person\""), "{}", r.body);
    assert!(r.body.contains("自助甲"), "{}", r.body);
    let me_s = me.to_string();
    let r = link(&t, &ua, "u_staff", &me_s).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = get(&t, &ua, "/audit").await;
    assert!(r.body.contains("user.link_person"), "{}", r.body);

    // A post with a full share: posts and workload on the page.
    let actor = actor_of(&t, &accounts()[2]);
    let body = org_body(&t, &ua, u, "党政办", "office").await;
    let fun = ("F1", "公文处理");
    let post = crate::posts::add_post(&t, &ua, &actor, u, body, fun, ("收发文岗", "1984")).await;
    let post = post.to_string();
    post_form_ok(
        &t,
        &ua,
        &format!("/units/{u}/posts/assign"),
        &[
            ("post", post.as_str()),
            ("person", me_s.as_str()),
            ("share_pct", "100"),
            ("main", "1"),
            ("back", "post"),
        ],
    )
    .await;

    let r = get(&t, &staff, "/me").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body.contains("<dd id=\"me-name\">自助甲</dd>"),
        "{}",
        r.body
    );
    // Masked: staff hold no personal-data grant, not even for their own number.
    assert!(!r.body.contains(&full_id), "full ID shown to staff");
    let masked = format!("{}********{}", &full_id[..6], &full_id[14..]);
    assert!(
        r.body
            .contains(&format!("<dd id=\"me-id-number\">{masked}</dd>")),
        "{}",
        r.body
    );
    // Posts and workload: 1984 h at 100 % = 1.00 FTE.
    assert!(r.body.contains("收发文岗"), "{}", r.body);
    assert!(
        r.body.contains("<dd id=\"me-load-fte\">1.00</dd>"),
        "{}",
        r.body
    );
    // Retirement (men born 1988-03: 60 + 36 months = 63 → 2051-03).
    assert!(
        r.body
            .contains("<dd id=\"me-retirement-month\">2051-03</dd>"),
        "{}",
        r.body
    );
    assert!(r.body.contains("63 岁 0 个月"), "{}", r.body);
    // History: the hire.
    assert!(r.body.contains("id=\"me-history-table\""));
    assert!(r.body.contains("新进"), "{}", r.body);
    // No notice while the plan is a draft.
    assert!(r.body.contains("id=\"me-no-notices\""));

    let r = post_form_ok(
        &t,
        &ua,
        &format!("/units/{u}/downsizing"),
        &[
            ("title", "骆驼街道自助测试分流"),
            ("effective", "2027-01-01"),
        ],
    )
    .await;
    let plan = id_in(&r.location(), "/downsizing/");
    let base = format!("/units/{u}/downsizing/{plan}");
    post_form_ok(
        &t,
        &ua,
        &format!("{base}/lines"),
        &[("person", me_s.as_str()), ("route", "release")],
    )
    .await;
    post_form_ok(&t, &ua, &format!("{base}/submit"), &[]).await;
    let r = get(&t, &staff, "/me").await;
    assert!(
        r.body.contains("id=\"me-no-notices\""),
        "submitted is no notice"
    );
    crate::downsizing::approve(&t, &da, &base).await;
    let r = get(&t, &staff, "/me").await;
    assert!(
        r.body.contains(&format!("id=\"notice-down-{plan}\"")),
        "{}",
        r.body
    );
    assert!(r.body.contains("已批准（待实施）"), "{}", r.body);
    post_form_ok(&t, &ua, &format!("{base}/apply"), &[]).await;
    let r = get(&t, &staff, "/me").await;
    assert!(
        r.body.contains(&format!("id=\"notice-down-{plan}\"")),
        "{}",
        r.body
    );
    assert!(r.body.contains("分流通知书"), "{}", r.body);
    assert!(r.body.contains("骆驼街道自助测试分流"));
    assert!(r.body.contains("镇海编〔2026〕9号"));
    assert!(r.body.contains("已实施"), "{}", r.body);
    // The release route: one-off compensation 54000.00 (12 months × 4500).
    assert!(r.body.contains("54000.00"), "{}", r.body);
    // History shows the status change of the plan.
    assert!(r.body.contains("离职"), "{}", r.body);
    // Staff cannot open the plan's printable notice, so the page does not link it.
    assert!(!r.body.contains("/notices?person="), "{}", r.body);
    // The unit administrator, linked to the same person instead, gets the link.
    assert_eq!(
        link(&t, &ua, "u_staff", "").await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        link(&t, &ua, "u_admin", &me_s).await.status,
        StatusCode::SEE_OTHER
    );
    let r = get(&t, &ua, "/me").await;
    assert!(
        r.body
            .contains(&format!("/units/{u}/downsizing/{plan}/notices?person={me}")),
        "{}",
        r.body
    );
}

/// Roles with the personal-data grant see their own full number; others see it masked.
#[tokio::test]
async fn the_id_number_is_full_only_for_the_personal_data_grant() {
    let t = setup().await;
    let u = t.unit("luotuo");
    let ua = login(&t, "u_admin").await;
    let (admin_self, admin_id) = worker(&t, &ua, u, "管理员本人", 23).await;
    let (head_self, head_id) = worker(&t, &ua, u, "中层本人", 25).await;
    link(&t, &ua, "u_admin", &admin_self.to_string()).await;
    link(&t, &ua, "u_head", &head_self.to_string()).await;
    let r = get(&t, &ua, "/me").await;
    assert!(
        r.body
            .contains(&format!("<dd id=\"me-id-number\">{admin_id}</dd>")),
        "{}",
        r.body
    );
    assert!(r.body.contains("完整显示"));
    let head = login(&t, "u_head").await;
    let r = get(&t, &head, "/me").await;
    assert!(r.body.contains("<dd id=\"me-name\">中层本人</dd>"));
    assert!(!r.body.contains(&head_id), "body head saw the full number");
    assert!(r.body.contains("脱敏显示"));
}

/// Staff see only their own record: other people's pages are refused, `/me` takes no id,
/// and a person of another unit cannot be linked.
#[tokio::test]
async fn staff_cannot_open_another_record_and_links_stay_in_the_unit() {
    let t = setup().await;
    let u = t.unit("luotuo");
    let jl = t.unit("jiulonghu");
    let ua = login(&t, "u_admin").await;
    let staff = login(&t, "u_staff").await;
    let (mine, _) = worker(&t, &ua, u, "本人甲", 27).await;
    let (other, _) = worker(&t, &ua, u, "同事乙", 29).await;
    link(&t, &ua, "u_staff", &mine.to_string()).await;
    for path in [
        format!("/units/{u}/people/{other}"),
        format!("/units/{u}/people/{mine}"),
        format!("/units/{u}/posts/people/{other}"),
        format!("/units/{u}/people"),
        format!("/api/v1/units/{u}/people/{other}"),
        format!("/users/{}/edit", t.user("u_admin")),
    ] {
        let r = get(&t, &staff, &path).await;
        assert_kept_out(&r, "u_staff", &path, false, &["同事乙"]);
    }
    // `/me` shows the own person whatever the query says.
    let r = get(&t, &staff, &format!("/me?person={other}&id={other}")).await;
    assert!(r.body.contains("本人甲") && !r.body.contains("同事乙"));
    // Staff may not link accounts (CSRF token given: the role check refuses).
    let r = link(&t, &staff, "u_staff", &other.to_string()).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A person already linked to another account is refused with the field named.
    let r = link(&t, &ua, "u_head", &mine.to_string()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("关联人员：该人员已关联其他账号"),
        "{}",
        r.body
    );
    // A person of another unit, or no person at all, is not a choice.
    let da = login(&t, "d_admin").await;
    let jl_admin = jiguan_domain::auth::Actor {
        unit_id: Some(jl),
        ..actor_of(&t, &accounts()[2])
    };
    let sibling = t
        .app
        .create_person(
            &jl_admin,
            jl,
            &jiguan_domain::people::PersonForm {
                name: "邻镇丙".into(),
                id_number: id_number("19900101", 31),
                identity: "临时工".into(),
                establishment: "编外".into(),
                ..Default::default()
            },
            &Default::default(),
        )
        .await
        .unwrap();
    let r = link(&t, &ua, "u_staff", &sibling.to_string()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        !r.body.contains("邻镇丙"),
        "the other unit's people are listed"
    );
    for bad in ["999999", "abc", "-1"] {
        let r = link(&t, &ua, "u_staff", bad).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert!(r.body.contains("关联人员：不是可选的值"), "{}", r.body);
    }
    // A district-level account cannot be linked.
    let r = link(&t, &da, "d_auditor", &mine.to_string()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    // Another district's administrator does not reach the account at all.
    let b = login(&t, "b_admin").await;
    let r = link(&t, &b, "u_staff", "").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // The sibling unit's staff sees no one (not linked).
    let sib = login(&t, "sibling_staff").await;
    let r = get(&t, &sib, "/me").await;
    assert!(r.body.contains("id=\"me-unlinked\"") && !r.body.contains("本人甲"));
    // Unlinking: the page says so again.
    let r = link(&t, &ua, "u_staff", "").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = get(&t, &staff, "/me").await;
    assert!(r.body.contains("id=\"me-unlinked\""));
}

/// An account created from a roster row is linked to that person.
#[tokio::test]
async fn an_account_created_from_the_roster_is_linked() {
    let t = setup().await;
    let u = t.unit("luotuo");
    let ua = login(&t, "u_admin").await;
    let (p, _) = worker(&t, &ua, u, "新账号人", 33).await;
    let r = get(&t, &ua, &format!("/units/{u}/people/{p}")).await;
    assert!(
        r.body
            .contains(&format!("/users/new?unit={u}&amp;person={p}")),
        "{}",
        r.body
    );
    let r = get(&t, &ua, &format!("/users/new?unit={u}&person={p}")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("value=\"新账号人\""), "{}", r.body);
    assert!(
        r.body.contains(&format!("<option value=\"{p}\" selected>")),
        "{}",
        r.body
    );
    let p_s = p.to_string();
    post_form_ok(
        &t,
        &ua,
        "/users/new",
        &[
            ("username", "xin_staff"),
            ("display_name", "新账号人"),
            ("roles", "staff"),
            ("password", "abc12345x"),
            ("person_id", p_s.as_str()),
        ],
    )
    .await;
    let u2 = t
        .app
        .store
        .find_user_by_name("xin_staff")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(u2.person_id.map(|x| x.0), Some(p));
    // A second account for the same person is refused.
    let r = post_form(
        &t,
        &ua,
        "/users/new",
        &[
            ("username", "xin_staff2"),
            ("display_name", "新账号人"),
            ("roles", "staff"),
            ("password", "abc12345x"),
            ("person_id", p_s.as_str()),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("该人员已关联其他账号"), "{}", r.body);
}
