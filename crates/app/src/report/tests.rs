//! The report use cases against the fake: roles and unit scope, the default dates, the
//! extension sections (暂无数据), and the district as the sum of its units. The SQL that
//! makes the cells is tested in `crates/store/tests/store/report.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::NaiveDate;

use jiguan_domain::auth::Role;
use jiguan_domain::report::{Cell, EXTENSION_SECTIONS, Family, Moment};

use super::ReportForm;
use crate::AppError;
use crate::fakes::{actor, fake_app};

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

#[tokio::test]
async fn roles_scope_and_defaults() {
    let (app, store) = fake_app();
    let (d, a, b, d2) = store
        .with_state(|s| {
            let d = s.add_district("zhenhai", "镇海区");
            let a = s.add_unit(d, "luotuo", "骆驼街道");
            let b = s.add_unit(d, "xiepu", "澥浦镇");
            let d2 = s.add_district("beilun", "北仑区");
            s.add_unit(d2, "dagang", "大碶街道");
            s.report.start = Some(day("2018-01-01"));
            for (u, n) in [(a, 10), (b, 5)] {
                s.report
                    .cells
                    .push(Cell::new(u, Family::Bodies, Moment::Before, "office", n));
                s.report
                    .cells
                    .push(Cell::new(u, Family::Bodies, Moment::After, "office", n - 1));
            }
            (d, a, b, d2)
        })
        .unwrap();
    let f = ReportForm::default();
    // A unit sees its own report, not another unit's, not the district's.
    let ua = actor(d, Some(a), Role::UnitAdmin);
    let r = app.report_unit(&ua, a, &f).await.unwrap();
    assert_eq!(r.figures.headline.bodies_before, 10);
    assert_eq!(r.period.from, day("2018-01-01"));
    assert_eq!(r.period.to, day("2026-03-02"));
    assert!(matches!(
        app.report_unit(&ua, b, &f).await,
        Err(AppError::NotFound)
    ));
    assert!(matches!(
        app.report_district(&ua, &f).await,
        Err(AppError::Forbidden)
    ));
    // Ordinary staff see no report.
    let staff = actor(d, Some(a), Role::Staff);
    assert!(matches!(
        app.report_unit(&staff, a, &f).await,
        Err(AppError::Forbidden)
    ));
    // The district sees all its units and their sum; another district sees none of them.
    let admin = actor(d, None, Role::DistrictAdmin);
    let dr = app.report_district(&admin, &f).await.unwrap();
    assert_eq!(dr.units.len(), 2);
    assert_eq!(dr.total.headline.bodies_before, 15);
    assert_eq!(dr.total.headline.bodies_after, 13);
    let other = actor(d2, None, Role::DistrictAdmin);
    assert!(matches!(
        app.report_unit(&other, a, &f).await,
        Err(AppError::NotFound)
    ));
    let dr2 = app.report_district(&other, &f).await.unwrap();
    assert_eq!(dr2.total.headline.bodies_before, 0);
    // The extension sections say 暂无数据 until their module provides them.
    for id in EXTENSION_SECTIONS {
        let s = r.figures.section(id).unwrap();
        assert!(!s.available && s.lines.is_empty(), "{id}");
    }
}

#[tokio::test]
async fn bad_dates_name_the_field() {
    let (app, store) = fake_app();
    let (d, a) = store
        .with_state(|s| {
            let d = s.add_district("zhenhai", "镇海区");
            (d, s.add_unit(d, "luotuo", "骆驼街道"))
        })
        .unwrap();
    let ua = actor(d, Some(a), Role::UnitAdmin);
    let bad = ReportForm {
        from: "2019-13-01".into(),
        to: "x".into(),
    };
    let Err(AppError::Invalid(e)) = app.report_unit(&ua, a, &bad).await else {
        panic!("accepted")
    };
    let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["from", "to"]);
    let order = ReportForm {
        from: "2020-01-01".into(),
        to: "2019-01-01".into(),
    };
    let Err(AppError::Invalid(e)) = app.report_unit(&ua, a, &order).await else {
        panic!("accepted")
    };
    assert_eq!(e[0].code, "report_from_after_to");
    // No history yet: the period is today to today.
    let r = app
        .report_unit(&ua, a, &ReportForm::default())
        .await
        .unwrap();
    assert_eq!(r.period.from, r.period.to);
}
