#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;

const U1: UnitId = UnitId(1);
const U2: UnitId = UnitId(2);

fn staff(u: UnitId, at: Moment, identity: &str, est: &str, n: i64, cost: i64) -> Cell {
    Cell {
        b: est.into(),
        sum: cost,
        ..Cell::new(u, Family::Staff, at, identity, n)
    }
}

/// A hand-computed fixture: unit 1 goes from 3 offices + 2 stations to 2 offices + 1
/// centre; 10 civil servants and 4 temporary workers become 9 and 1; 3 temporary workers
/// were released in the period, 1 civil servant retires early by a pending plan.
fn fixture() -> Vec<Cell> {
    use Family as F;
    use Moment::*;
    let mut v = vec![
        Cell::new(U1, F::Bodies, Before, "office", 3),
        Cell::new(U1, F::Bodies, Before, "public_institution", 2),
        Cell::new(U1, F::Bodies, After, "office", 2),
        Cell::new(U1, F::Bodies, After, "centre", 1),
        Cell::new(U1, F::BodyChanges, Period, "merged", 3),
        Cell::new(U1, F::BodyChanges, Period, "abolished", 1),
        Cell::new(U1, F::BodyChanges, Period, "created", 1),
        Cell::new(U1, F::Caps, After, "bodies", 2),
        Cell::new(U1, F::Caps, After, "chiefs", 3),
        Cell::new(U1, F::Caps, After, "deputies", 3),
        Cell::new(U1, F::Middle, Before, "chief", 5),
        Cell::new(U1, F::Middle, After, "chief", 3),
        Cell::new(U1, F::Middle, After, "deputy", 4),
        staff(U1, Before, "civil_servant", "administrative", 10, 1_000_000),
        staff(U1, Before, "temporary", "none", 4, 120_000),
        staff(U1, After, "civil_servant", "administrative", 9, 990_000),
        staff(U1, After, "temporary", "none", 1, 30_000),
        Cell::new(U1, F::Quotas, After, "administrative", 8),
        Cell::new(U1, F::LeadersInMiddle, Before, "", 2),
        Cell {
            b: "temporary".into(),
            ..Cell::new(U1, F::Cuts, Period, "release", 3)
        },
        Cell {
            b: "civil_servant".into(),
            ..Cell::new(U1, F::Cuts, Pending, "early_retirement", 1)
        },
        Cell {
            b: "temporary".into(),
            ..Cell::new(U1, F::Cuts, Pending, "new_contract", 1)
        },
        Cell {
            detail: r#"{"op":"abolish","body":4}"#.into(),
            ..Cell::new(U1, F::PendingOps, Pending, "", 1)
        },
        Cell::new(U1, F::Meetings, Period, "meetings", 1),
        Cell::new(U1, F::Meetings, Period, "items", 3),
        Cell::new(U1, F::Posts, After, "chief", 3),
        Cell::new(U1, F::Posts, After, "general", 7),
    ];
    // Unit 2: one office throughout, 5 civil servants, cost up.
    v.push(Cell::new(U2, F::Bodies, Before, "office", 1));
    v.push(Cell::new(U2, F::Bodies, After, "office", 1));
    v.push(staff(
        U2,
        Before,
        "civil_servant",
        "administrative",
        5,
        500_000,
    ));
    v.push(staff(
        U2,
        After,
        "civil_servant",
        "administrative",
        5,
        550_000,
    ));
    v
}

#[test]
fn unit_figures_match_the_hand_computed_fixture() {
    let f = unit_figures(U1, &fixture());
    let s = f.section("org.bodies").unwrap();
    let office = s.line("org.kind.office").unwrap();
    assert_eq!(
        (office.before, office.after, office.diff()),
        (Some(3), Some(2), Some(-1))
    );
    assert_eq!(
        office.change_pct().map(|d| d.to_string()),
        Some("-33.3".into())
    );
    let total = s.total.as_ref().unwrap();
    assert_eq!(
        (total.before, total.after, total.approved),
        (Some(5), Some(3), Some(2))
    );
    assert!(total.over());
    let ch = f.section("org.changes").unwrap();
    let t = ch.total.as_ref().unwrap();
    // merged 3 + abolished 1 + converted 0 = 4 removed; created is listed, not summed.
    assert_eq!((t.after, t.pending), (Some(4), Some(1)));
    assert_eq!(ch.line("report.change.created").unwrap().after, Some(1));
    let m = f.section("org.middle").unwrap();
    assert_eq!(m.line("report.middle.chief").unwrap().after, Some(3));
    assert!(m.line("report.middle.deputy").unwrap().over());
    let p = f.section("people.identity").unwrap();
    let t = p.total.as_ref().unwrap();
    assert_eq!(
        (t.before, t.after, t.diff()),
        (Some(14), Some(10), Some(-4))
    );
    let e = f.section("people.establishment").unwrap();
    let adm = e.line("people.kind.administrative").unwrap();
    assert_eq!(
        (adm.after, adm.approved, adm.over()),
        (Some(9), Some(8), true)
    );
    let c = f.section("cost.identity").unwrap().total.clone().unwrap();
    assert_eq!((c.before, c.after), (Some(1_120_000), Some(1_020_000)));
    let r = f.section("down.route").unwrap();
    assert_eq!(r.line("down.route.release").unwrap().after, Some(3));
    assert_eq!(
        r.line("down.route.early_retirement").unwrap().pending,
        Some(1)
    );
    let di = f.section("down.identity").unwrap();
    // The new contract is no cut: it shows by route, not by identity.
    assert_eq!(
        di.line("people.identity.temporary").unwrap().pending,
        Some(0)
    );
    assert_eq!(di.total.as_ref().unwrap().after, Some(3));
    let h = &f.headline;
    assert_eq!(
        (h.bodies_before, h.bodies_after, h.bodies_pending_cut),
        (5, 3, 1)
    );
    assert_eq!(h.bodies_cut(), 3);
    assert_eq!((h.cut_done, h.cut_pending, h.cut()), (3, 1, 4));
    // 4 cut of 10 after + 3 already cut = 13.
    assert_eq!(h.cut_share().map(|d| d.to_string()), Some("30.8".into()));
    assert_eq!(
        f.flags,
        vec![Flag::OverBodies, Flag::OverMiddle, Flag::OverEstablishment]
    );
    let l = f.section("people.leaders").unwrap().lines[0].clone();
    assert_eq!((l.before, l.after), (Some(2), Some(0)));
    let sel = f.section("selection.committee").unwrap();
    assert_eq!(sel.line("report.meetings.items").unwrap().after, Some(3));
    assert_eq!(
        f.section("work.posts")
            .unwrap()
            .total
            .as_ref()
            .unwrap()
            .after,
        Some(10)
    );
}

#[test]
fn totals_equal_the_sum_of_rows() {
    for u in [U1, U2] {
        let f = unit_figures(u, &fixture());
        for s in &f.sections {
            if let Some(t) = &s.total {
                let summed: Vec<&Line> = if s.id == "org.changes" {
                    s.lines
                        .iter()
                        .filter(|l| l.label != "report.change.created")
                        .collect()
                } else {
                    s.lines.iter().collect()
                };
                let sum = |g: fn(&Line) -> Option<i64>| {
                    summed.iter().filter_map(|l| g(l)).reduce(|a, b| a + b)
                };
                assert_eq!(t.before, sum(|l| l.before), "{}", s.id);
                assert_eq!(t.after, sum(|l| l.after), "{}", s.id);
            }
        }
    }
}

#[test]
fn the_district_is_the_sum_of_its_units() {
    let cells = fixture();
    let units = [unit_figures(U1, &cells), unit_figures(U2, &cells)];
    let d = district_figures(units.iter());
    assert_eq!(d.headline.staff_before, 19);
    assert_eq!(d.headline.staff_after, 15);
    assert_eq!(d.headline.bodies_before, 6);
    for (i, s) in d.sections.iter().enumerate() {
        for (j, l) in s.lines.iter().enumerate() {
            let sum = |g: fn(&Line) -> Option<i64>| {
                units
                    .iter()
                    .filter_map(|u| g(&u.sections[i].lines[j]))
                    .reduce(|a, b| a + b)
            };
            assert_eq!(l.after, sum(|l| l.after), "{} {}", s.id, l.label);
            assert_eq!(l.before, sum(|l| l.before), "{} {}", s.id, l.label);
        }
    }
    // Unit 2's cost rose; the district's fell.
    assert!(units[1].flags.contains(&Flag::CostRose));
    assert!(!d.flags.contains(&Flag::CostRose));
}

#[test]
fn the_period_excludes_from_and_includes_to() {
    let p = Period {
        from: NaiveDate::from_ymd_opt(2018, 1, 1).unwrap(),
        to: NaiveDate::from_ymd_opt(2019, 7, 1).unwrap(),
    };
    assert!(!p.contains(p.from));
    assert!(p.contains(p.to));
    assert!(!p.contains(NaiveDate::from_ymd_opt(2019, 7, 2).unwrap()));
}

#[test]
fn pending_plan_ops_net_cut() {
    let ops: Vec<PlanOp> = [
        r#"{"op":"create","temp":-1,"name":"中心","kind":"centre"}"#,
        r#"{"op":"merge","sources":[1,2,3],"into":-1}"#,
        r#"{"op":"convert","body":5}"#,
        r#"{"op":"rename","body":6,"name":"办"}"#,
    ]
    .iter()
    .map(|s| serde_json::from_str(s).unwrap())
    .collect();
    assert_eq!(ops_net_cut(ops.iter()), 3);
}

mod work_figures {
    use std::str::FromStr;

    use chrono::NaiveDate;
    use proptest::prelude::*;
    use rust_decimal::Decimal;
    use rust_decimal::prelude::ToPrimitive;

    use crate::posts::balance::figures;
    use crate::report::work::{Moments, derive, trend_dates};
    use crate::report::{Cell, Family, Moment, Period};
    use crate::tenancy::UnitId;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn moments_give_the_hand_computed_spread() {
        // FTE 0.5, 0.5, 1: mean 2/3, σ² = 1/18, CV = 0.2357 / 0.6667 = 0.3536,
        // Gini = 2 × (0.5 + 1 + 3) ÷ (3 × 2) − 4/3 = 0.1667.
        let m = Moments::of(&[1.0, 0.5, 0.5]);
        assert_eq!(m.cv(), Some(Decimal::from_str("0.3536").unwrap()));
        assert_eq!(m.gini(), Some(Decimal::from_str("0.1667").unwrap()));
        // Everyone equal: 0 and 0; nobody: none; all zero loads: no CV, Gini 0.
        let eq = Moments::of(&[2.0, 2.0]);
        assert_eq!(
            (eq.cv(), eq.gini()),
            (Some(Decimal::ZERO), Some(Decimal::ZERO))
        );
        assert_eq!(Moments::of(&[]).gini(), None);
        assert_eq!(Moments::of(&[0.0, 0.0]).cv(), None);
        assert_eq!(Moments::of(&[0.0, 0.0]).gini(), Some(Decimal::ZERO));
        // The store's text round-trips.
        assert_eq!(Moments::parse(m.n, &m.text()), Some(m));
        assert_eq!(Moments::parse(3, "1 2"), None);
    }

    proptest! {
        /// The moment formulas give the posts module's balance figures (CV to four places,
        /// Gini to four places) for any set of loads.
        #[test]
        fn moments_agree_with_the_posts_balance(hours in prop::collection::vec(0i64..4000, 1..60)) {
            let xs: Vec<f64> = hours.iter().map(|h| *h as f64).collect();
            let ds: Vec<Decimal> = hours.iter().map(|h| Decimal::from(*h)).collect();
            let m = Moments::of(&xs);
            let f = figures(&ds);
            match (m.cv(), f.cv) {
                (Some(a), Some(b)) => prop_assert!((a - b).abs() <= Decimal::from_str("0.0001").unwrap(), "{a} {b}"),
                (a, b) => prop_assert_eq!(a, b),
            }
            let g = m.gini().unwrap();
            let fg = f.gini.round_dp(4);
            prop_assert!((g - fg).abs() <= Decimal::from_str("0.0001").unwrap(), "{g} {fg}");
            prop_assert!(f.mean.to_f64().is_some());
        }
    }

    #[test]
    fn trend_points_are_the_dates_and_the_year_ends_between() {
        let p = |a: &str, b: &str| Period {
            from: day(a),
            to: day(b),
        };
        assert_eq!(
            trend_dates(p("2018-03-01", "2020-12-31")),
            [
                day("2018-03-01"),
                day("2018-12-31"),
                day("2019-12-31"),
                day("2020-12-31")
            ]
        );
        assert_eq!(
            trend_dates(p("2018-12-31", "2019-01-01")),
            [day("2018-12-31"), day("2019-01-01")]
        );
        assert_eq!(
            trend_dates(p("2019-05-01", "2019-05-01")),
            [day("2019-05-01")]
        );
        // At most 20 year-ends: the latest.
        let long = trend_dates(p("1990-01-01", "2026-06-30"));
        assert_eq!(long.len(), 22);
        assert_eq!(long[1], day("2006-12-31"));
    }

    #[test]
    fn derive_classifies_bodies_with_the_posts_rule() {
        let u = UnitId(1);
        let body = |at, id: &str, hours, shares| {
            let mut c = Cell::new(u, Family::WorkBodies, at, id, hours);
            c.sum = shares;
            c
        };
        // Standard 1984 h, tolerance 15 %: 3968 h = 2 FTE. Staff 2.30 FTE: balanced (the
        // bound is inclusive); 2.31: overstaffed; 1.70: balanced; 1.69: understaffed; a
        // body with staff and no posts: overstaffed.
        let cells = vec![
            body(Moment::After, "1", 3968, 230),
            body(Moment::After, "2", 3968, 231),
            body(Moment::After, "3", 3968, 170),
            body(Moment::After, "4", 3968, 169),
            body(Moment::After, "5", 0, 100),
            body(Moment::Before, "1", 992, 0),
        ];
        let out = derive(&cells, 1984, Decimal::from(15));
        let v = |at, k: &str| {
            out.iter()
                .find(|c| c.family == Family::WorkFte && c.at == at && c.a == k)
                .map(|c| c.n)
        };
        assert_eq!(v(Moment::After, "need"), Some(800));
        assert_eq!(v(Moment::After, "staff"), Some(900));
        assert_eq!(v(Moment::After, "bodies"), Some(5));
        assert_eq!(v(Moment::After, "overstaffed"), Some(2));
        assert_eq!(v(Moment::After, "understaffed"), Some(1));
        assert_eq!(v(Moment::Before, "need"), Some(50));
        assert_eq!(v(Moment::Before, "understaffed"), Some(1));
        // The FTE need is rounded once per unit, to hundredths: 1000 h = 0.504… → 50.
        let one = derive(
            &[body(Moment::After, "1", 1000, 0)],
            1984,
            Decimal::from(15),
        );
        assert_eq!(one[0].n, 50);
    }
}
