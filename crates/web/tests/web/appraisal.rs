//! Appraisal through the real router: a cycle from creation to confirmation, a colleague's
//! rating with a one-time code, grading refused beyond the 优秀 quota with a clear message,
//! the final grades for the pay module, and another unit kept out.

use axum::http::StatusCode;

use jiguan_domain::auth::{Actor, Role};
use jiguan_domain::tenancy::UserId;
use jiguan_testkit::fixtures::id_number;

use crate::helpers::*;

#[tokio::test]
async fn hr_runs_a_cycle_colleagues_rate_and_the_quota_holds() {
    let t = setup().await;
    let lu = t.unit("luotuo");
    let sys = unit_admin(t.d_a, lu);
    let on = jiguan_app::people::ChangeOpts {
        on: "2015-01-01".into(),
        ..Default::default()
    };
    for i in 0..6u32 {
        let f = jiguan_domain::people::PersonForm {
            name: format!("员工{i}"),
            id_number: id_number("19800101", 70 + i),
            identity: "临时工".into(),
            establishment: "编外".into(),
            work_start: "2010-01-01".into(),
            ..Default::default()
        };
        t.app.create_person(&sys, lu, &f, &on).await.unwrap();
    }
    let hr = login(&t, "u_admin").await;
    let base = format!("/units/{lu}/appraisal");
    // a bad form names the fields
    let r = post_form(
        &t,
        &hr,
        &base,
        &[("title", ""), ("kind", "annual"), ("year", "19")],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("err-title") && r.body.contains("err-year"));
    let r = post_form_ok(
        &t,
        &hr,
        &base,
        &[
            ("title", "2019年度考核"),
            ("kind", "annual"),
            ("year", "2019"),
        ],
    )
    .await;
    let loc = r.location();
    let id: i64 = loc
        .trim_start_matches(&format!("{base}/"))
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let cyc = format!("{base}/{id}");
    let page = get(&t, &hr, &cyc).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("员工0"));
    for step in ["open", "score"] {
        post_form_ok(&t, &hr, &format!("{cyc}/step"), &[("step", step)]).await;
    }
    let cid = jiguan_domain::appraisal::CycleId(id);
    let ps = t.app.apr_participants(&sys, lu, cid).await.unwrap();
    for (i, p) in ps.iter().enumerate() {
        let pid = p.id.to_string();
        let score = format!("{}", 95 - i);
        post_form_ok(
            &t,
            &hr,
            &format!("{cyc}/scores"),
            &[
                ("participant_id", &pid),
                ("kind", "head"),
                ("rater", "王科长"),
                ("overall", &score),
            ],
        )
        .await;
    }
    // codes are shown once; a colleague rates on the phone page
    let r = post_form(&t, &hr, &format!("{cyc}/codes"), &[("count", "2")]).await;
    assert_eq!(r.status, StatusCode::OK);
    let codes = t.app.apr_issue_codes(&sys, lu, cid, "1").await.unwrap();
    let staff = login(&t, "u_staff").await;
    let form = get(&t, &staff, &format!("{cyc}/rate")).await;
    assert!(form.body.contains("apr-rating"));
    let f0 = format!("s.{}", ps[0].id);
    // The same sheet twice: the second is refused.
    let (rate_at, sheet) = (format!("{cyc}/rate"), [("code", &*codes[0]), (&*f0, "90")]);
    let rate = || post_form(&t, &staff, &rate_at, &sheet);
    let r = rate().await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("apr-rated"));
    let r = rate().await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // staff may not grade
    let r = post_form(&t, &staff, &format!("{cyc}/grading"), &[]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    post_form_ok(&t, &hr, &format!("{cyc}/step"), &[("step", "grade")]).await;
    let g = get(&t, &hr, &format!("{cyc}/grading")).await;
    assert!(g.body.contains("apr-quota"));
    // 6 graded → at most 1 优秀: two are refused with the arithmetic
    let (a, b) = (format!("g.{}", ps[0].id), format!("g.{}", ps[1].id));
    let r = post_form(
        &t,
        &hr,
        &format!("{cyc}/grading"),
        &[(&a, "excellent"), (&b, "excellent")],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("优秀人数超出名额"), "{}", r.body);
    let mut fields: Vec<(String, String)> = ps
        .iter()
        .enumerate()
        .map(|(i, p)| {
            (
                format!("g.{}", p.id),
                if i == 0 { "excellent" } else { "competent" }.to_string(),
            )
        })
        .collect();
    fields[5].1 = "basic".into();
    let r = post_form(
        &t,
        &hr,
        &format!("{cyc}/grading"),
        &fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect::<Vec<_>>(),
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "basic needs a reason"
    );
    let reason = format!("r.{}", ps[5].id);
    let mut with_reason: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    with_reason.push((&reason, "多次未完成任务"));
    post_form_ok(&t, &hr, &format!("{cyc}/grading"), &with_reason).await;
    // the committee confirms; HR may not
    let r = post_form(&t, &hr, &format!("{cyc}/confirm"), &[("doc_no", "x")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let cm = login(&t, "u_committee").await;
    post_form_ok(
        &t,
        &cm,
        &format!("{cyc}/confirm"),
        &[("doc_no", "考委〔2020〕1号")],
    )
    .await;
    let fg = get(
        &t,
        &hr,
        &format!("/api/v1/units/{lu}/appraisal/final-grades/2019"),
    )
    .await;
    assert_eq!(fg.status, StatusCode::OK);
    let v = fg.json();
    assert_eq!(
        v.as_array()
            .unwrap()
            .iter()
            .filter(|x| x["grade"] == "excellent")
            .count(),
        1
    );
    // the person page shows the result and its consequences
    let pp = get(&t, &hr, &format!("/units/{lu}/people/{}", ps[0].person_id)).await;
    pp.assert_has(&["person-appraisal", "嘉奖"]);
    let x = get(&t, &hr, &format!("{cyc}/export.xlsx")).await;
    assert_xlsx(&x);
    let p = get(&t, &hr, &format!("{cyc}/print")).await;
    assert!(p.body.contains("员工0"));
    // the sibling unit's staff cannot see the cycle
    let other = login(&t, "sibling_staff").await;
    let r = get(&t, &other, &cyc).await;
    assert!(matches!(
        r.status,
        StatusCode::NOT_FOUND | StatusCode::FORBIDDEN
    ));
}

/// 个人中心 → 我的考核与绩效 on the demo: the linked staff member sees their own annual
/// results with the consequences and their pay slip (printable, their line only); the slip
/// route takes no person, so another person's line cannot be opened; an account not linked
/// to a person, or a run of another unit, gets 404.
#[tokio::test]
async fn me_shows_own_grades_consequences_and_slip() {
    let t = demo(&["luotuo", "jiulonghu"]).await;
    let (app, d) = (t.app.clone(), t.d_a);
    let sign_in = |name: &'static str| demo_login(&t, name);
    let staff = sign_in("luotuo_staff").await;
    let lu = t.unit("luotuo");
    let hr = Actor {
        user_id: UserId(0),
        username: "t".into(),
        display_name: String::new(),
        district_id: d,
        unit_id: Some(lu),
        roles: vec![Role::UnitAdmin],
    };
    // The linked person's 2019 grade (the demo's closed cycle) and pay line.
    let me = app
        .store
        .find_user_by_name("luotuo_staff")
        .await
        .unwrap()
        .unwrap()
        .person_id
        .unwrap();
    let finals = app.final_grades(&hr, lu, 2019).await.unwrap();
    let mine = finals.iter().find(|f| f.person_id == me.0).unwrap();
    let run = app.pay_runs(&hr, lu).await.unwrap()[0].clone();
    let (v, line) = app.pay_slip(&hr, lu, run.id, me).await.unwrap();
    let other = v.lines.iter().find(|l| l.person_id != me.0).unwrap();

    let r = get(&t, &staff, "/me").await;
    assert_eq!(r.status, StatusCode::OK);
    let section = r
        .body
        .split("id=\"me-appraisal\"")
        .nth(1)
        .expect("the section");
    assert!(section.contains("2019"), "{section}");
    match mine.grade {
        Some(g) => {
            let label = match g.code() {
                "excellent" => "优秀",
                "competent" => "称职（合格）",
                "basic" => "基本称职（基本合格）",
                _ => "不称职（不合格）",
            };
            assert!(section.contains(label), "{label}: {section}");
            let effect = if g.code() == "excellent" || g.code() == "competent" {
                "发放年度考核奖金"
            } else {
                "不发年度考核奖金"
            };
            assert!(section.contains(effect), "{effect}: {section}");
        }
        None => assert!(section.contains("不定等次"), "{section}"),
    }
    let href = format!("/me/pay/{}", run.id);
    assert!(section.contains(&href), "{section}");
    // The slip: the person's own line, printable; nobody else's name.
    let r = get(&t, &staff, &href).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains(&line.name), "{}", r.body);
    assert!(r.body.contains("@media print"), "{}", r.body);
    assert!(!r.body.contains(&other.name), "another person's line shown");
    // The unit's slip route stays closed to staff (no PayView).
    let r = get(
        &t,
        &staff,
        &format!("/units/{lu}/pay/{}/slip/{}", run.id, other.person_id),
    )
    .await;
    assert!(
        r.status == StatusCode::FORBIDDEN || r.status == StatusCode::NOT_FOUND,
        "{}",
        r.status
    );
    // Not linked: 404; another unit's run: 404.
    let admin = sign_in("luotuo_admin").await;
    assert_eq!(get(&t, &admin, &href).await.status, StatusCode::NOT_FOUND);
    let jl = t.unit("jiulonghu");
    let jhr = Actor {
        unit_id: Some(jl),
        ..hr.clone()
    };
    let other_run = app.pay_runs(&jhr, jl).await.unwrap()[0].id;
    assert_eq!(
        get(&t, &staff, &format!("/me/pay/{other_run}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}
