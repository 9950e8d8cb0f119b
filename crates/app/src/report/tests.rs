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
    // The extension sections say 暂无数据 until their module has data for the unit; the
    // selection section is built from what the selection module records now (zeros here),
    // with no term ending soon (nobody appointed).
    for id in &EXTENSION_SECTIONS[1..] {
        let s = r.figures.section(id).unwrap();
        assert!(!s.available && s.lines.is_empty(), "{id}");
    }
    let sel = r.figures.section(EXTENSION_SECTIONS[0]).unwrap();
    assert!(sel.available);
    assert_eq!(
        sel.line("report.line.selection.seats").unwrap().after,
        Some(0)
    );
    assert_eq!(
        sel.line("report.line.selection.terms_soon").unwrap().after,
        Some(0)
    );
}

/// The selection section from the store's cells: seats from each published plan,
/// applicants per post and the ballot share per unit, and for the district recomputed from
/// the sums (3 + 1 applicants over 2 + 2 seats = 1.00 per post, not 1.50 + 0.50).
#[tokio::test]
async fn selection_section_sums_and_ratios() {
    use jiguan_domain::org::BodyId;
    use jiguan_domain::posts::PostLevel;
    use jiguan_domain::selection::plan::{OfferedPost, Plan};
    let (app, store) = fake_app();
    let plan = |seats: u32| {
        let p = Plan::with_defaults(
            "竞争上岗",
            day("2024-12-01"),
            vec![OfferedPost {
                body_id: BodyId(1),
                body_name: "办".into(),
                level: PostLevel::Deputy,
                seats,
                sensitive: false,
            }],
        );
        serde_json::to_string(&p).unwrap()
    };
    let (d, a) = store
        .with_state(|s| {
            let d = s.add_district("zhenhai", "镇海区");
            let a = s.add_unit(d, "luotuo", "骆驼街道");
            let b = s.add_unit(d, "xiepu", "澥浦镇");
            s.report.start = Some(day("2018-01-01"));
            for (u, seats, applicants, confirmed, ballots) in [(a, 2, 3, 2, 1), (b, 2, 1, 1, 0)] {
                let mut c = Cell::new(u, Family::Campaigns, Moment::Period, "campaign", applicants);
                c.sum = confirmed;
                c.detail = plan(seats);
                s.report.cells.push(c);
                s.report.cells.push(Cell::new(
                    u,
                    Family::Campaigns,
                    Moment::Period,
                    "ballot_posts",
                    ballots,
                ));
            }
            (d, a)
        })
        .unwrap();
    let admin = actor(d, None, Role::DistrictAdmin);
    let f = ReportForm::default();
    let line = |fig: &jiguan_domain::report::ReportFigures, k: &str| {
        fig.section("selection.campaigns")
            .unwrap()
            .line(&format!("report.line.selection.{k}"))
            .unwrap()
            .after
    };
    let r = app.report_unit(&admin, a, &f).await.unwrap();
    assert_eq!(line(&r.figures, "seats"), Some(2));
    assert_eq!(line(&r.figures, "per_post"), Some(150));
    assert_eq!(line(&r.figures, "ballot_share"), Some(5000));
    let dr = app.report_district(&admin, &f).await.unwrap();
    assert_eq!(line(&dr.total, "seats"), Some(4));
    assert_eq!(line(&dr.total, "applicants"), Some(4));
    assert_eq!(line(&dr.total, "confirmed"), Some(3));
    assert_eq!(line(&dr.total, "per_post"), Some(100));
    assert_eq!(line(&dr.total, "ballot_share"), Some(2500));
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
