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
