//! The scoring stages of a campaign through the real router: roles and tenants on every
//! new route with real ids, a judge who has not submitted sees no score (page and API),
//! bad input names the field (page, API, an import refused whole with its rows), Excel
//! and print views.

use axum::http::{Method, StatusCode};

use jiguan_app::selection::panel::{JudgeAccess, JudgeForm};
use jiguan_domain::selection::CampaignId;
use jiguan_domain::tenancy::{DistrictId, UnitId};
use jiguan_testkit::fixtures::{self, SelectionScenario};

use crate::helpers::*;
use crate::people::multipart;

fn base(u: UnitId, c: CampaignId) -> String {
    format!("/units/{u}/selection/campaigns/{c}")
}

/// 骆驼街道 of the set-up with a campaign of 100 seats.
async fn campaign() -> (T, UnitId, SelectionScenario) {
    let t = setup().await;
    let lu = t.unit("luotuo");
    let sc = fixtures::selection_campaign(&t.app, t.d_a, lu, 100)
        .await
        .unwrap();
    (t, lu, sc)
}

/// Exam scores for everyone (甲 88 … 庚 70) and `n` code judges; returns their codes.
async fn scored(
    t: &T,
    d: DistrictId,
    u: UnitId,
    sc: &SelectionScenario,
    n: usize,
) -> Vec<(i64, String)> {
    let a = unit_admin(d, u);
    let entries: Vec<_> = [
        ("甲", "88"),
        ("乙", "85"),
        ("丙", "85"),
        ("丁", "85"),
        ("戊", "50"),
        ("己", "82.5"),
        ("庚", "70"),
    ]
    .iter()
    .map(|(n, s)| jiguan_app::selection::scoring::ExamEntry {
        row: None,
        application_id: sc.app(n).0.to_string(),
        score: (*s).into(),
    })
    .collect();
    t.app
        .sel_exam_save(&a, u, sc.campaign, &entries)
        .await
        .unwrap();
    let mut out = Vec::new();
    for i in 0..n {
        let (id, code) = t
            .app
            .sel_judge_add(
                &a,
                u,
                sc.campaign,
                &JudgeForm {
                    name: format!("外聘评委{i}"),
                    ..JudgeForm::default()
                },
            )
            .await
            .unwrap();
        out.push((id, code.unwrap()));
    }
    out
}

#[tokio::test]
async fn roles_and_tenants_on_every_scoring_route() {
    let t = setup().await;
    let (lu, jl, dg) = (t.unit("luotuo"), t.unit("jiulonghu"), t.unit("dagang"));
    let db = district_b(&t).await;
    let own = fixtures::selection_campaign(&t.app, t.d_a, lu, 100)
        .await
        .unwrap();
    let sib = fixtures::selection_campaign(&t.app, t.d_a, jl, 200)
        .await
        .unwrap();
    let foreign = fixtures::selection_campaign(&t.app, db, dg, 300)
        .await
        .unwrap();
    let mut recs = Vec::new();
    for (d, u, sc) in [(t.d_a, lu, &own), (t.d_a, jl, &sib), (db, dg, &foreign)] {
        let j = scored(&t, d, u, sc, 1).await;
        recs.push((sc.campaign.0, j[0].0, sc.app("甲").0));
    }
    let mut routes: Vec<_> = ["/exam", "/panel", "/judge", "/evaluation", "/results"]
        .iter()
        .flat_map(|p| routes_containing(&format!("{{campaign}}{p}")))
        .collect();
    routes.sort();
    routes.dedup();
    // The import takes multipart only (any other body is a 415 before the campaign is
    // looked up): its tenancy is checked below with a real upload.
    routes.retain(|(_, p, _)| !p.ends_with("/exam/import"));
    assert!(routes.len() >= 35, "{}", routes.len());
    let rec = Records {
        own: recs[0],
        sib: recs[1],
        foreign: recs[2],
        param: "{campaign}",
        hidden: &["评分200", "评分300"],
    };
    walk_routes_with_records(&t, &routes, &rec, |p, u, (c, j, a)| {
        p.replace("{unit}", &u.to_string())
            .replace("{campaign}", &c.to_string())
            .replace("{judge}", &j.to_string())
            .replace("{application}", &a.to_string())
    })
    .await;
    // The import: another unit's or district's campaign is not found, and nothing is
    // written to it.
    let admin = login(&t, "u_admin").await;
    let csrf = admin.csrf.clone().unwrap();
    for c in [sib.campaign, foreign.campaign] {
        let csv = format!("报名编号,姓名,竞聘岗位,笔试成绩\n{},甲,,99\n", recs[2].2);
        let p = format!("{}/exam/import?_csrf={csrf}", base(lu, c));
        let r = multipart(&t, &admin, &p, &[], "exam.csv", &csv).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    }
}

#[tokio::test]
async fn a_judge_sees_no_score_before_submitting_their_own_sheet() {
    let (t, lu, sc) = campaign().await;
    let codes = scored(&t, t.d_a, lu, &sc, 4).await;
    let one = base(lu, sc.campaign);
    let admin = login(&t, "u_admin").await;
    // The committee member (who may read campaigns) is the fifth judge, by account.
    let committee_member = t.user("u_committee").to_string();
    let judges = format!("{one}/panel/judges");
    let add_judge =
        async || post_form(&t, &admin, &judges, &[("user_id", &committee_member)]).await;
    let r = add_judge().await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // A judge's account twice is refused, naming the field.
    let r = add_judge().await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("id=\"err-user_id\""), "{}", r.body);
    let sheet = |s: &str| {
        let mut m = std::collections::BTreeMap::new();
        for n in ["甲", "乙", "丙", "丁", "己", "庚"] {
            m.insert(format!("score_{}", sc.app(n).0), s.to_string());
        }
        m
    };
    for (_, c) in &codes {
        let j = JudgeAccess::Code(c);
        t.app.sel_declare_recusal(&j, &[]).await.unwrap();
        t.app.sel_submit_sheet(&j, &sheet("91.5")).await.unwrap();
    }
    let cm = login(&t, "u_committee").await;
    let page = get(&t, &cm, &format!("{one}/panel")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains("id=\"sc-scores-hidden\""),
        "{}",
        page.body
    );
    assert!(
        !page.body.contains("91.5"),
        "a judge saw the others' scores"
    );
    let api = get(&t, &cm, &format!("/api/v1{one}/panel")).await;
    assert_eq!(api.json()["hidden"], true);
    assert!(!api.body.contains("91.5"));
    let results = get(&t, &cm, &format!("/api/v1{one}/results")).await;
    assert_eq!(results.status, StatusCode::OK);
    assert!(!results.body.contains("91.5"), "{}", results.body);
    // The judge's own sheet: declare, then submit from the phone page.
    let mine = get(&t, &cm, &format!("{one}/judge")).await;
    assert!(mine.body.contains("id=\"sc-recusal\""), "{}", mine.body);
    post_form_ok(&t, &cm, &format!("{one}/judge/recusal"), &[]).await;
    // A bad score names its field; nothing is kept.
    let mut fields: Vec<(String, String)> = sheet("80").into_iter().collect();
    fields[0].1 = "120".into();
    let pairs = crate::helpers::pairs(&fields);
    let r = post_form(&t, &cm, &format!("{one}/judge"), &pairs).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains(&format!("id=\"err-{}\"", fields[0].0)),
        "{}",
        r.body
    );
    assert!(r.body.contains("0 到 100"), "{}", r.body);
    fields[0].1 = "80".into();
    let pairs = crate::helpers::pairs(&fields);
    let r = post_form(&t, &cm, &format!("{one}/judge"), &pairs).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // Now the panel shows every sheet: five judges, 91.5 ×4 and 80 → mean 89.20.
    let page = get(&t, &cm, &format!("{one}/panel")).await;
    assert!(page.body.contains("91.5"), "{}", page.body);
    assert!(page.body.contains("89.2"), "{}", page.body);
    // The sheet is locked.
    let r = post_form(&t, &cm, &format!("{one}/judge"), &pairs).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // The printable judge score sheet (A4).
    let admin = login(&t, "u_admin").await;
    let p = get(&t, &admin, &format!("{one}/panel/print")).await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(
        p.body.contains("score-sheet") && p.body.contains("外聘评委0"),
        "{}",
        p.body
    );
}

#[tokio::test]
async fn exam_bad_input_names_the_field_and_an_import_is_all_or_nothing() {
    let (t, lu, sc) = campaign().await;
    let one = base(lu, sc.campaign);
    let admin = login(&t, "u_admin").await;
    let jia = sc.app("甲").0;
    // Page: a bad score names its field.
    let f = format!("score_{jia}");
    let r = post_form(&t, &admin, &format!("{one}/exam"), &[(&f, "abc")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains(&format!("id=\"err-score_{jia}\"")),
        "{}",
        r.body
    );
    // API: the same, as JSON naming the field.
    let req = axum::http::Request::builder()
        .method(Method::POST)
        .uri(format!("/api/v1{one}/exam"))
        .header(axum::http::header::CONTENT_TYPE, "application/json")
        .header(axum::http::header::COOKIE, admin.cookie.clone().unwrap())
        .header("x-csrf-token", admin.csrf.clone().unwrap())
        .body(axum::body::Body::from(format!(
            r#"{{"scores":[{{"application_id":{jia},"score":"101"}}]}}"#
        )))
        .unwrap();
    let r = oneshot(&t, req).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains(&format!("score_{jia}")), "{}", r.body);
    // The import: every bad row listed with its row and column, nothing written.
    let csrf = admin.csrf.clone().unwrap();
    let import_at = format!("{one}/exam/import?_csrf={csrf}");
    let import = async |csv: &str| multipart(&t, &admin, &import_at, &[], "exam.csv", csv).await;
    let csv = format!(
        "报名编号,姓名,竞聘岗位,笔试成绩\n{jia},甲,x,88\n{},乙,x,120\n999999,某,x,70\n",
        sc.app("乙").0
    );
    let r = import(&csv).await;
    assert_refused(&r, "第 3 行“笔试成绩”列");
    assert!(r.body.contains("第 4 行“报名编号”列"), "{}", r.body);
    let v = get(&t, &admin, &format!("/api/v1{one}/exam")).await.json();
    assert!(
        v["posts"][0]["rows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["score"].is_null())
    );
    // A missing column.
    let r = import("姓名,成绩\n甲,80\n").await;
    assert_refused(&r, "报名编号");
    // A good file: imported, the audit records it; export and template download.
    let csv = format!(
        "报名编号,姓名,竞聘岗位,笔试成绩\n{jia},甲,x,88\n{},乙,x,84.995\n",
        sc.app("乙").0
    );
    let r = import(&csv).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = get(&t, &admin, &format!("{one}/exam")).await;
    assert!(page.body.contains("85.00"), "{}", page.body);
    assert_xlsx(&get(&t, &admin, &format!("{one}/exam/export.xlsx")).await);
    assert_xlsx(&get(&t, &admin, &format!("{one}/exam/template.xlsx")).await);
    // Results: Excel and print view cite the plan version.
    let r = get(&t, &admin, &format!("{one}/results/print")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body.contains(&format!("编号 {}，第 1 版", sc.campaign.0)),
        "{}",
        r.body
    );
    assert_xlsx(&get(&t, &admin, &format!("{one}/results/export.xlsx")).await);
    // The evaluation ballot: phone page for staff with a code; printable for HR.
    let codes = t
        .app
        .sel_eval_codes(&unit_admin(t.d_a, lu), lu, sc.campaign, "2")
        .await
        .unwrap();
    let staff = login(&t, "u_staff").await;
    let b = get(&t, &staff, &format!("{one}/evaluation/ballot")).await;
    assert_eq!(b.status, StatusCode::OK, "{}", b.body);
    let m = format!("mark_{jia}");
    let ballot_at = format!("{one}/evaluation/ballot");
    let cast = async |mark: &str| {
        let fields = [("code", codes[0].as_str()), (m.as_str(), mark)];
        post_form(&t, &staff, &ballot_at, &fields).await
    };
    let r = cast("superb").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = cast("excellent").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = cast("excellent").await;
    assert!(r.body.contains("id=\"err-code\""), "{}", r.body);
    let p = get(&t, &admin, &format!("{one}/evaluation/print")).await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.body.contains("sc-ballot-paper"), "{}", p.body);
}

/// A POST of the public judge page with its double-submit token.
async fn judge_post(t: &T, pre: &str, fields: &[(&str, &str)]) -> Resp {
    judge_post_with(t, pre, pre, fields).await
}

async fn judge_post_with(t: &T, pre: &str, sent: &str, fields: &[(&str, &str)]) -> Resp {
    let mut all: Vec<(&str, &str)> = vec![("_csrf", sent)];
    all.extend_from_slice(fields);
    let req = axum::http::Request::builder()
        .method(Method::POST)
        .uri("/selection/judge")
        .header(axum::http::header::COOKIE, format!("jiguan_pre={pre}"))
        .header(
            axum::http::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        )
        .body(axum::body::Body::from(
            serde_urlencoded::to_string(&all).unwrap(),
        ))
        .unwrap();
    oneshot(t, req).await
}

#[tokio::test]
async fn a_judge_without_an_account_scores_on_the_public_page_with_the_code() {
    let (t, lu, sc) = campaign().await;
    let codes = scored(&t, t.d_a, lu, &sc, 5).await;
    let page = get(&t, &Who::default(), "/selection/judge").await;
    assert_eq!(page.status, StatusCode::OK);
    let pre = page.cookie("jiguan_pre").unwrap();
    // Without the token: refused.
    let r = judge_post_with(&t, &pre, "x", &[("code", &codes[0].1), ("step", "open")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A wrong code names the field.
    let r = judge_post(&t, &pre, &[("code", "ZZZZZ-ZZZZZ"), ("step", "open")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("id=\"err-code\""), "{}", r.body);
    // The code opens the judge's own sheet: recusal first, then scores, once.
    let code = codes[0].1.as_str();
    let r = judge_post(&t, &pre, &[("code", code), ("step", "open")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        r.body.contains("外聘评委0") && r.body.contains("id=\"sc-recusal\""),
        "{}",
        r.body
    );
    let r = judge_post(&t, &pre, &[("code", code), ("step", "recusal")]).await;
    assert!(r.body.contains("id=\"sc-sheet\""), "{}", r.body);
    let mut fields: Vec<(String, String)> = ["甲", "乙", "丙", "丁", "己", "庚"]
        .iter()
        .map(|n| (format!("score_{}", sc.app(n).0), "90".to_string()))
        .collect();
    fields[1].1 = "abc".into();
    let mut pairs: Vec<(&str, &str)> = vec![("code", code), ("step", "submit")];
    pairs.extend(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let r = judge_post(&t, &pre, &pairs).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains(&format!("id=\"err-{}\"", fields[1].0)),
        "{}",
        r.body
    );
    fields[1].1 = "91".into();
    let mut pairs: Vec<(&str, &str)> = vec![("code", code), ("step", "submit")];
    pairs.extend(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let r = judge_post(&t, &pre, &pairs).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("id=\"sc-sheet-done\""), "{}", r.body);
    let r = judge_post(&t, &pre, &pairs).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // The HR office sees it as submitted, not on behalf.
    let v = t
        .app
        .sel_panel(&unit_admin(t.d_a, lu), lu, sc.campaign)
        .await
        .unwrap();
    let j = v.judges.iter().find(|j| j.id == codes[0].0).unwrap();
    assert!(j.submitted_at.is_some() && !j.on_behalf);
}

/// Issue 13 point 10: the demo's 骆驼街道 2019 campaign is scored — applications reviewed
/// (one refused on age), the written exam, seven judges' paper sheets, the evaluation
/// closed and the shortlisted inspected — so its results page shows composite scores,
/// ranks, the shortlist and the inspection conclusions.
#[tokio::test]
async fn the_demo_campaign_of_luotuo_is_scored_through_to_the_inspection() {
    use jiguan_app::selection::registration::ApplicationStatus;
    use jiguan_domain::selection::scores::Conclusion;
    let t = demo_t("luotuo").await;
    let (app, d, lu) = (&t.app, t.d_a, t.unit("luotuo"));
    let a = unit_admin(d, lu);
    let c = app.camp_list(&a, lu).await.unwrap()[0].clone();
    assert_eq!(c.plan.registration_deadline.to_string(), "2019-06-20");

    // The review: one applicant refused on the age rule, the others confirmed.
    let review = app.camp_review_view(&a, lu, c.id).await.unwrap();
    let status = |s: ApplicationStatus| {
        review
            .applications
            .iter()
            .filter(|x| x.application.status == s)
            .count()
    };
    assert_eq!(status(ApplicationStatus::Confirmed), 14);
    assert_eq!(status(ApplicationStatus::Rejected), 1);
    assert_eq!(status(ApplicationStatus::Pending), 0);
    let refused = review
        .applications
        .iter()
        .find(|x| x.application.status == ApplicationStatus::Rejected)
        .unwrap();
    assert!(refused.application.note.contains("年龄"));
    assert!(
        refused
            .checks
            .iter()
            .any(|(_, _, r)| r.iter().any(|i| i.code == "selection_age_over"))
    );

    // Every stage is complete; each post is ranked and shortlisted, with conclusions.
    let panel = app.sel_panel(&a, lu, c.id).await.unwrap();
    assert_eq!(panel.judges.len(), 7);
    assert!(panel.judges.iter().all(|j| j.on_behalf));
    let ev = app.sel_evaluation(&a, lu, c.id).await.unwrap();
    assert_eq!((ev.issued, ev.used, ev.closed), (40, 38, true));
    let r = app.sel_results(&a, lu, c.id).await.unwrap();
    assert_eq!(r.posts.len(), 6);
    let mut conclusions = Vec::new();
    for p in &r.posts {
        assert!(p.complete, "{}", p.label);
        let short = p.shortlist.as_ref().expect("a shortlist per post");
        assert!(short.included.len() > p.seats as usize, "{}", p.label);
        assert!(
            p.lines
                .iter()
                .any(|l| l.rank == Some(1) && l.composite.is_some())
        );
        for l in p.lines.iter().filter(|l| l.shortlisted) {
            conclusions.push(l.inspection.as_ref().expect("inspected").conclusion);
        }
    }
    assert!(conclusions.contains(&Conclusion::Recommend));
    assert!(conclusions.contains(&Conclusion::Defer));
    assert!(conclusions.contains(&Conclusion::NotRecommend));
    // The 2-seat post's last candidate failed the written pass mark.
    assert!(r.posts.iter().any(|p| {
        p.lines
            .iter()
            .any(|l| l.stops.contains(&"selection_written_below_pass"))
    }));

    // The results page as the demo's HR office sees it.
    let s = login(&t, "demo_unit").await;
    let page = get(&t, &s, &format!("{}/results", base(lu, c.id))).await;
    assert_eq!(page.status, StatusCode::OK);
    for text in ["建议任用", "不建议任用", "暂缓", "考察"] {
        assert!(page.body.contains(text), "{text}");
    }
}
