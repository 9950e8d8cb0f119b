//! Performance pay (绩效分配): the demo's pools and runs, the workflow moves on the real
//! tables, tenant scoping and the frozen lines.

use jiguan_app::pay::demo::{UNITS, YEAR};
use jiguan_app::workflow::SimpleStep;
use jiguan_domain::auth::Role;
use jiguan_domain::pay::{Grade, LineForm};
use jiguan_domain::rules::appraisal::max_excellent;
use jiguan_domain::workflow::Status;
use jiguan_store::SqlStore;
use jiguan_testkit::fixtures;

use crate::helpers::*;

both!(pay_demo_splits_luotuo_and_compares_six_units);

/// The demo: six pools, six computed runs whose shares sum to their pools, 骆驼街道's applied,
/// grades within the 优秀 quota; the district report compares the six units.
async fn pay_demo_splits_luotuo_and_compares_six_units(pg: bool) {
    let t = fresh(pg).await;
    let s = SqlStore::open(&t.url).await.unwrap();
    let (app, d) = fixtures::demo(s.clone()).await.unwrap();
    let admin = actor(d, None, Role::DistrictAdmin);
    let pools = app.pay_pools(&admin, YEAR).await.unwrap();
    assert_eq!(pools.len(), UNITS.len());
    let report = app.pay_report(&admin, YEAR).await.unwrap();
    assert_eq!(report.units.len(), 6);
    for u in &report.units {
        assert_eq!(u.spread.total, u.pool, "{}", u.unit_name);
        assert!(
            u.spread.gini > rust_decimal::Decimal::ZERO,
            "{}",
            u.unit_name
        );
        let ex = u
            .by_grade
            .iter()
            .find(|g| g.grade == Grade::Excellent)
            .map_or(0, |g| g.count);
        assert!(
            ex <= max_excellent(u.spread.count, 20.into()),
            "{}",
            u.unit_name
        );
    }
    assert_eq!(report.grade_index[0].0, Grade::Excellent);
    assert!(report.grade_index[0].1 > rust_decimal::Decimal::ONE);
    let luotuo = app.store.find_unit(d, "luotuo").await.unwrap().unwrap();
    let runs = app.pay_runs(&admin, luotuo.id).await.unwrap();
    assert_eq!((runs.len(), runs[0].status), (1, Status::Applied));
    let v = app.pay_run(&admin, luotuo.id, runs[0].id).await.unwrap();
    assert!(v.computed);
    let sum: i64 = v
        .lines
        .iter()
        .map(|l| l.result.as_ref().unwrap().share.fen())
        .sum();
    assert_eq!(Some(jiguan_domain::money::Money(sum)), v.run.pool);
    // 骆驼街道 was paid on the grades its 2019 annual appraisal confirmed: every graded
    // person has a line with that grade, taken from the appraisal, and nobody else.
    let hr = actor(d, Some(luotuo.id), Role::UnitAdmin);
    let finals = app.final_grades(&hr, luotuo.id, YEAR).await.unwrap();
    let graded: Vec<(i64, String)> = finals
        .iter()
        .filter_map(|g| g.grade.map(|x| (g.person_id, x.code().to_string())))
        .collect();
    assert!(!graded.is_empty());
    let mut lines: Vec<(i64, String)> = v
        .lines
        .iter()
        .map(|l| (l.person_id, l.grade.code().to_string()))
        .collect();
    lines.sort();
    let mut want = graded.clone();
    want.sort();
    assert_eq!(lines, want);
    assert!(v.lines.iter().all(|l| l.source == "appraisal"));
    // A unit whose appraisal of the year is not confirmed cannot take grades from it.
    let xiepu = app.store.find_unit(d, "xiepu").await.unwrap().unwrap();
    let xhr = actor(d, Some(xiepu.id), Role::UnitAdmin);
    let run = app.pay_runs(&xhr, xiepu.id).await.unwrap()[0].id;
    match app.pay_lines_from_appraisal(&xhr, xiepu.id, run).await {
        Err(jiguan_app::AppError::Invalid(es)) => assert_eq!(es[0].field, "year"),
        other => panic!("{other:?}"),
    }
}

both!(pay_run_workflow_on_the_tables);

/// A run moves through the workflow on the real table; lines are frozen once submitted;
/// another unit's account sees nothing.
async fn pay_run_workflow_on_the_tables(pg: bool) {
    let t = fresh(pg).await;
    let s = SqlStore::open(&t.url).await.unwrap();
    let (app, d) = fixtures::demo(s.clone()).await.unwrap();
    let xiepu = app.store.find_unit(d, "xiepu").await.unwrap().unwrap();
    let luotuo = app.store.find_unit(d, "luotuo").await.unwrap().unwrap();
    let hr = actor(d, Some(xiepu.id), Role::UnitAdmin);
    let leader = actor(d, Some(xiepu.id), Role::CommitteeMember);
    let run = app.pay_runs(&hr, xiepu.id).await.unwrap()[0].id;
    let v = app.pay_run(&hr, xiepu.id, run).await.unwrap();
    assert_eq!(v.run.status, Status::Draft);
    // Correct a line: the result is cleared, compute again.
    let first = &v.lines[0];
    let f = LineForm {
        person_id: first.person_id.to_string(),
        grade: "basic".into(),
        post_coef: "1".into(),
        months: "6".into(),
        basic_salary: "4000".into(),
    };
    app.save_pay_line(&hr, xiepu.id, run, &f).await.unwrap();
    let v = app.pay_run(&hr, xiepu.id, run).await.unwrap();
    assert!(!v.computed && v.lines[0].result.is_none());
    assert_eq!((v.lines[0].grade, v.lines[0].months), (Grade::Basic, 6));
    app.compute_pay_run(&hr, xiepu.id, run).await.unwrap();
    app.submit_pay_run(&hr, xiepu.id, run).await.unwrap();
    let e = app.save_pay_line(&hr, xiepu.id, run, &f).await.unwrap_err();
    assert!(format!("{e:?}").contains("plan_status_invalid"), "{e:?}");
    app.step_plan(&leader, xiepu.id, run, SimpleStep::Reject("重新核对"))
        .await
        .unwrap();
    let v = app.pay_run(&hr, xiepu.id, run).await.unwrap();
    assert_eq!(
        (v.run.status, v.run.reason.as_str()),
        (Status::Rejected, "重新核对")
    );
    app.step_plan(&hr, xiepu.id, run, SimpleStep::Reopen)
        .await
        .unwrap();
    app.submit_pay_run(&hr, xiepu.id, run).await.unwrap();
    app.approve_pay_run(&leader, xiepu.id, run).await.unwrap();
    app.apply_pay_run(&hr, xiepu.id, run).await.unwrap();
    let v = app.pay_run(&hr, xiepu.id, run).await.unwrap();
    assert_eq!(v.run.status, Status::Applied);
    assert!(v.run.applied_at.is_some());
    // Another unit's HR: not found, even through its own unit id.
    let other = actor(d, Some(luotuo.id), Role::UnitAdmin);
    assert!(app.pay_run(&other, xiepu.id, run).await.is_err());
    assert!(app.pay_run(&other, luotuo.id, run).await.is_err());
    // A second run for the same year is refused by the table's key.
    let e = app.create_pay_run(&hr, xiepu.id, YEAR).await.unwrap_err();
    assert!(format!("{e:?}").contains("pay_run_exists"), "{e:?}");
}
