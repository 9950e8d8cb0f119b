//! The downsizing use cases against the in-memory [`FakeStore`](crate::fakes::FakeStore).
//! The SQL side is tested in `crates/store/tests/store/downsizing.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{NaiveDate, TimeZone, Utc};

use jiguan_domain::auth::Role;
use jiguan_domain::downsizing::{PlanId, PlanStatus};
use jiguan_domain::people::{EstablishmentKind, Identity, Status};

use super::PlanRecord;
use crate::fakes::people::person;
use crate::fakes::{TwoUnits, actor};

/// A draft plan's staff base (the share's denominator) is counted from the occupancy
/// counters, not by exporting the unit's whole roster (issue 17: at province scale that
/// was 100,000 rows per view); the figure is the same as the roster's count: people whose
/// home is the unit, on post or lent out, every establishment kind (编外 included).
#[tokio::test]
async fn a_draft_plans_staff_base_reads_no_roster() {
    let t = TwoUnits::new("zhuangshi", "庄市街道");
    let (d, a, b) = (t.d, t.a, t.b);
    let plan = t.state(|s| {
        let mut people = vec![
            person(1001, d, a, "在岗公务员", Identity::CivilServant),
            person(1002, d, a, "在岗事业", Identity::InstitutionCadre),
            person(1003, d, a, "编外", Identity::ContractWorker),
            person(1004, d, a, "借出", Identity::CivilServant),
            person(1005, d, a, "退休", Identity::CivilServant),
            person(1006, d, a, "离职", Identity::ContractWorker),
            person(1007, d, b, "借入", Identity::CivilServant),
            person(1008, d, b, "他单位", Identity::CivilServant),
        ];
        people[3].status = Status::LentOut;
        people[4].status = Status::Retired;
        people[5].status = Status::Left;
        people[6].status = Status::LentOut;
        people[6].host_unit_id = Some(a);
        assert_eq!(people[2].establishment, EstablishmentKind::None);
        s.people.people = people;
        let id = PlanId(s.next_id());
        s.downsizing.plans.push(PlanRecord {
            id,
            district_id: d,
            unit_id: a,
            title: "分流方案".into(),
            effective: NaiveDate::from_ymd_opt(2026, 6, 1).unwrap(),
            status: PlanStatus::Draft,
            doc_no: String::new(),
            reason: String::new(),
            staff_base: None,
            created_by: "luotuo_admin".into(),
            created_at: Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap(),
            applied_at: None,
            lines: 0,
        });
        id
    });
    // What the roster count gave (the code before issue 17's fix).
    let roster: i64 = t.state(|s| {
        s.people
            .people
            .iter()
            .filter(|p| p.unit_id == a && p.status.occupies())
            .count() as i64
    });
    assert_eq!(roster, 4);
    let ua = actor(d, Some(a), Role::UnitAdmin);
    let v = t.app.down_plan(&ua, a, plan).await.unwrap();
    assert_eq!(v.totals.staff_base, roster);
    assert_eq!(v.unit_name, "骆驼街道");
    assert_eq!(t.state(|s| s.people.exports), 0, "the roster was exported");
}
