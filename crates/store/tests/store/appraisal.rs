//! Appraisal in storage: a cycle through its workflow on the real store, codes and
//! anonymous ratings (no column links a rater to a rating), the quota refusal writing
//! nothing, and the final grades and history read back.

use std::collections::BTreeMap;

use jiguan_app::appraisal::{GradeForm, ScoreForm};
use jiguan_app::workflow::SimpleStep;
use jiguan_domain::appraisal::Grade;
use jiguan_domain::appraisal::cycle::CycleForm;
use jiguan_domain::appraisal::scores::Source;
use jiguan_domain::auth::Role;
use jiguan_domain::workflow::{Status, Step};
use jiguan_store::SqlStore;
use jiguan_testkit::fixtures::{self, id_number};

use crate::helpers::*;
use crate::people::{people_form, people_on};

async fn appraisal_story(pg: bool) {
    let t = fresh(pg).await;
    let s = SqlStore::open(&t.url).await.unwrap();
    let app = fixtures::app(s.clone());
    let (d, a, b, _d2, _c) = two_districts(&s).await;
    let ua = actor(d, Some(a), Role::UnitAdmin);
    let ub = actor(d, Some(b), Role::UnitAdmin);
    let cm = actor(d, Some(a), Role::CommitteeMember);
    let staff = actor(d, Some(a), Role::Staff);
    let on = people_on("2015-01-01");
    for i in 0..6u32 {
        let mut f = people_form(
            &format!("员{i}"),
            &id_number("19800101", 60 + i),
            "临时工",
            "编外",
        );
        f.work_start = "2010-01-01".into();
        app.create_person(&ua, a, &f, &on).await.unwrap();
    }
    let form = CycleForm {
        title: "2019年度考核".into(),
        kind: "annual".into(),
        year: "2019".into(),
        ..CycleForm::default()
    };
    let id = app.apr_create_cycle(&ua, a, &form).await.unwrap();
    // another unit's HR cannot see or step it
    assert!(app.apr_cycle(&ub, b, id).await.is_err());
    assert!(app.apr_step(&ub, b, id, Step::Open).await.is_err());
    let ps = app.apr_participants(&ua, a, id).await.unwrap();
    assert_eq!(ps.len(), 6);
    app.apr_step(&ua, a, id, Step::Open).await.unwrap();
    app.apr_step(&ua, a, id, Step::Score).await.unwrap();
    let head: Vec<ScoreForm> = ps
        .iter()
        .enumerate()
        .map(|(i, p)| ScoreForm {
            participant_id: p.id.to_string(),
            kind: "head".into(),
            rater: "王科长".into(),
            overall: format!("{}", 95 - i),
            indicators: BTreeMap::new(),
        })
        .collect();
    app.apr_add_scores(&ua, a, id, &head, Source::Import)
        .await
        .unwrap();
    let codes = app.apr_issue_codes(&ua, a, id, "3").await.unwrap();
    let mut v = BTreeMap::new();
    v.insert(ps[0].id.to_string(), "91".to_string());
    app.apr_rate(&staff, a, id, &codes[0], &v).await.unwrap();
    assert!(app.apr_rate(&staff, a, id, &codes[0], &v).await.is_err());
    assert_eq!(app.apr_code_progress(&ua, a, id).await.unwrap(), (1, 3));
    // the ratings table holds a random key, the participant and the value: nothing else
    let cols = if pg {
        fetch_i64(&s.db, "SELECT CAST(COUNT(*) AS BIGINT) FROM information_schema.columns WHERE table_name = 'appraisal_ratings'", &[]).await
    } else {
        fetch_i64(
            &s.db,
            "SELECT CAST(COUNT(*) AS BIGINT) FROM pragma_table_info('appraisal_ratings')",
            &[],
        )
        .await
    };
    assert_eq!(cols, 6);
    let audits_before =
        fetch_i64(&s.db, "SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log", &[]).await;
    app.apr_rate(&staff, a, id, &codes[1], &v).await.unwrap();
    let audits_after =
        fetch_i64(&s.db, "SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log", &[]).await;
    assert_eq!(audits_before, audits_after, "a rating writes no audit row");
    app.apr_step(&ua, a, id, Step::Grade).await.unwrap();
    let g = app.apr_grading(&ua, a, id).await.unwrap();
    // 6 graded → 优秀 ≤ 1
    assert_eq!(g.quotas.last().unwrap().max, 1);
    let grade = |i: usize, g: &str, r: &str| GradeForm {
        participant_id: ps[i].id.to_string(),
        grade: g.into(),
        reason: r.into(),
    };
    let e = app
        .apr_save_grades(&ua, a, id, &[grade(0, "优秀", ""), grade(1, "优秀", "")])
        .await;
    assert!(e.is_err());
    let mut all = vec![grade(0, "优秀", "")];
    all.extend((1..5).map(|i| grade(i, "称职", "")));
    all.push(grade(5, "基本称职", "全年三次迟交材料"));
    app.apr_save_grades(&ua, a, id, &all).await.unwrap();
    app.step_plan(&cm, a, id, SimpleStep::Approve("考核委员会〔2020〕1号"))
        .await
        .unwrap();
    let c = app.apr_cycle(&ua, a, id).await.unwrap();
    assert_eq!(
        (c.status, c.doc_no.as_str()),
        (Status::Confirmed, "考核委员会〔2020〕1号")
    );
    app.apr_step(&ua, a, id, Step::Publish).await.unwrap();
    let c = app.apr_cycle(&ua, a, id).await.unwrap();
    assert_eq!(c.status, Status::Publicity);
    assert!(app.apr_publicity(&ua, &c).await.unwrap().is_some());
    // still in publicity: closing is refused
    assert!(app.apr_step(&ua, a, id, Step::Close).await.is_err());
    let f = app.final_grades(&ua, a, 2019).await.unwrap();
    assert_eq!(
        f.iter()
            .filter(|x| x.grade == Some(Grade::Excellent))
            .count(),
        1
    );
    assert_eq!(
        f.iter().filter(|x| x.grade == Some(Grade::Basic)).count(),
        1
    );
    let h = app
        .apr_person_history(&ua, a, ps[5].person_id)
        .await
        .unwrap();
    assert_eq!(h.len(), 1);
    assert!(
        h[0].effects
            .contains(&jiguan_domain::appraisal::consequences::Effect::NoBonus)
    );
    let events = fetch_i64(
        &s.db,
        "SELECT CAST(COUNT(*) AS BIGINT) FROM appraisal_events",
        &[],
    )
    .await;
    assert_eq!(events, 5);
}
both!(appraisal_story);

/// The demo: 骆驼街道's 2019 annual appraisal closed with grades within quota; 九龙湖镇's
/// 2020 cycle in scoring.
async fn appraisal_demo(pg: bool) {
    let t = fresh(pg).await;
    let s = SqlStore::open(&t.url).await.unwrap();
    let (app, d) = fixtures::demo(s.clone()).await.unwrap();
    let lu = app.store.find_unit(d, "luotuo").await.unwrap().unwrap().id;
    let ua = actor(d, Some(lu), Role::UnitAdmin);
    let cs = app.apr_cycles(&ua, lu).await.unwrap();
    assert_eq!(cs.len(), 1);
    assert_eq!((cs[0].year, cs[0].status), (2019, Status::Closed));
    let g = app.apr_grading(&ua, lu, cs[0].id).await.unwrap();
    assert!(g.quotas.iter().all(|q| !q.exceeded()));
    let f = app.final_grades(&ua, lu, 2019).await.unwrap();
    let ex = f
        .iter()
        .filter(|x| x.grade == Some(Grade::Excellent))
        .count() as u32;
    assert!(ex >= 1 && ex <= g.quotas.last().unwrap().max, "{ex}");
    assert!(f.iter().all(|x| x.grade.is_some() || x.ungraded.is_some()));
    let j = app
        .store
        .find_unit(d, "jiulonghu")
        .await
        .unwrap()
        .unwrap()
        .id;
    let ja = actor(d, Some(j), Role::UnitAdmin);
    let jc = app.apr_cycles(&ja, j).await.unwrap();
    assert_eq!(jc[0].status, Status::Scoring);
    assert_eq!(
        app.apr_code_progress(&ja, j, jc[0].id).await.unwrap(),
        (0, 10)
    );
}
both!(appraisal_demo);

/// Issue 15 point 4 → the selection module: the competitive-selection review (rule h, the
/// last three annual appraisals 称职 or better) takes each year's grade from the appraisal
/// module's *closed* annual cycles, over what the HR office entered; a year whose cycle is
/// not closed (still in publicity) falls back to the HR office's entry.
async fn selection_review_takes_closed_appraisal_results(pg: bool) {
    use chrono::Datelike;
    use jiguan_app::selection::registration::ReviewForm;

    let t = fresh(pg).await;
    let s = SqlStore::open(&t.url).await.unwrap();
    let (app, d) = fixtures::demo(s.clone()).await.unwrap();
    // The appraisal cycles on a clock the test moves (to end the publicity).
    let clock = std::sync::Arc::new(jiguan_app::ManualClock::new(chrono::Utc::now()));
    let apr = jiguan_app::App::new(
        std::sync::Arc::new(s.clone()),
        jiguan_app::AppConfig::for_tests(),
        clock.clone(),
    );
    let zb = app
        .store
        .find_unit(d, "zhaobaoshan")
        .await
        .unwrap()
        .unwrap()
        .id;
    let ua = actor(d, Some(zb), Role::UnitAdmin);
    let cm = actor(d, Some(zb), Role::CommitteeMember);
    // The demo's campaign in registration with three recommended people.
    let camp = app
        .camp_list(&ua, zb)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.status == Status::Applied)
        .unwrap();
    let years: Vec<i32> = {
        let y = camp.plan.registration_deadline.year();
        (y - 3..y).collect()
    };
    let view = app.camp_review_view(&ua, zb, camp.id).await.unwrap();
    assert!(view.applications.len() >= 2);
    let (pa, pb) = (
        view.applications[0].application.person_id,
        view.applications[1].application.person_id,
    );
    // Annual cycles for the three years: everyone 称职, but B 基本称职 in the middle year;
    // the first two closed, the last only published.
    let mut cycles = Vec::new();
    for (i, y) in years.iter().enumerate() {
        let form = CycleForm {
            title: format!("{y}年度考核"),
            kind: "annual".into(),
            year: y.to_string(),
            ..CycleForm::default()
        };
        let id = apr.apr_create_cycle(&ua, zb, &form).await.unwrap();
        for st in [Step::Open, Step::Score, Step::Grade] {
            apr.apr_step(&ua, zb, id, st).await.unwrap();
        }
        let grades: Vec<GradeForm> = apr
            .apr_participants(&ua, zb, id)
            .await
            .unwrap()
            .iter()
            .filter(|p| p.ungraded.is_none())
            .map(|p| {
                let basic = i == 1 && p.person_id == pb;
                GradeForm {
                    participant_id: p.id.to_string(),
                    grade: if basic { "基本称职" } else { "称职" }.into(),
                    reason: if basic {
                        "全年两次未按期完成任务"
                    } else {
                        ""
                    }
                    .into(),
                }
            })
            .collect();
        apr.apr_save_grades(&ua, zb, id, &grades).await.unwrap();
        apr.step_plan(
            &cm,
            zb,
            id,
            SimpleStep::Approve(&format!("招考委〔{y}〕1号")),
        )
        .await
        .unwrap();
        apr.apr_step(&ua, zb, id, Step::Publish).await.unwrap();
        cycles.push(id);
    }
    clock.advance(chrono::Duration::days(20));
    for id in &cycles[..2] {
        apr.apr_step(&ua, zb, *id, Step::Close).await.unwrap();
    }
    let h_of = |v: &jiguan_app::selection::registration::ReviewView, person: i64| {
        let a = v
            .applications
            .iter()
            .find(|a| a.application.person_id == person)
            .unwrap();
        let mut h: Vec<(String, String)> = a.checks[0]
            .2
            .iter()
            .filter(|i| i.rule == "h")
            .map(|i| {
                let year = i
                    .args
                    .iter()
                    .find(|(k, _)| k == "year")
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default();
                (i.code.to_string(), year)
            })
            .collect();
        h.sort();
        h
    };
    // Nothing entered by the HR office: the two closed years come from the module; the
    // year still in publicity is missing.
    let v = app.camp_review_view(&ua, zb, camp.id).await.unwrap();
    let last = years[2].to_string();
    assert_eq!(
        h_of(&v, pa),
        vec![("selection_appraisal_missing".into(), last.clone())]
    );
    assert_eq!(
        h_of(&v, pb),
        vec![
            ("selection_appraisal_low".into(), years[1].to_string()),
            ("selection_appraisal_missing".into(), last.clone()),
        ]
    );
    // The review: B's entry of 优秀 for the middle year does not override the closed
    // cycle's 基本称职; the refusal names rule h and that year.
    let app_id = |person: i64| {
        v.applications
            .iter()
            .find(|a| a.application.person_id == person)
            .unwrap()
            .application
            .id
    };
    let entered = format!("{}:优秀,{}:优秀,{}:称职", years[0], years[1], years[2]);
    let form = ReviewForm {
        decision: "confirm".into(),
        basic_conditions_attested: "on".into(),
        appraisals: entered.clone(),
        ..ReviewForm::default()
    };
    let e = app
        .camp_review(&ua, zb, camp.id, app_id(pb), &form)
        .await
        .unwrap_err();
    let jiguan_app::AppError::Invalid(errs) = e else {
        panic!("{e:?}")
    };
    assert!(
        errs.iter().any(|e| e.code == "selection_appraisal_low"
            && e.args.contains(&("year".into(), years[1].to_string()))),
        "{errs:?}"
    );
    // The fallback: A's entry for the year not closed is what counts (不称职: refused for
    // that year only; the closed years need no entry).
    let form_a = ReviewForm {
        appraisals: format!("{}:不称职", years[2]),
        ..form.clone()
    };
    let e = app
        .camp_review(&ua, zb, camp.id, app_id(pa), &form_a)
        .await
        .unwrap_err();
    let jiguan_app::AppError::Invalid(errs) = e else {
        panic!("{e:?}")
    };
    let h: Vec<_> = errs
        .iter()
        .filter(|e| e.code.starts_with("selection_appraisal"))
        .collect();
    assert_eq!(h.len(), 1, "{errs:?}");
    assert_eq!(h[0].code, "selection_appraisal_low");
    assert!(h[0].args.contains(&("year".into(), last.clone())));
}
both!(selection_review_takes_closed_appraisal_results);
