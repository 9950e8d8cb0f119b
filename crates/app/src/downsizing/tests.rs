//! The downsizing use cases against the in-memory [`FakeStore`](crate::fakes::FakeStore).
//! The SQL side is tested in `crates/store/tests/store/downsizing.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{NaiveDate, TimeZone, Utc};

use jiguan_domain::auth::Role;
use jiguan_domain::downsizing::{CandidateReason, LineId, PlanId, PlanStatus, Route};
use jiguan_domain::org::{BodyKind, BodyStatus};
use jiguan_domain::people::{EstablishmentKind, Identity, Status};
use jiguan_domain::posts::PostLevel;
use jiguan_domain::tenancy::{DistrictId, UnitId};

use crate::ports::ListQuery;

use super::{LineRecord, PlanRecord};
use crate::fakes::people::person;
use crate::fakes::{FakeState, TwoUnits, actor};

/// Adds a plan of `unit` in `status` (effective 2026-06-01, no lines); returns its id.
fn add_plan(
    s: &mut FakeState,
    (d, unit): (DistrictId, UnitId),
    title: &str,
    status: PlanStatus,
) -> PlanId {
    let id = PlanId(s.next_id());
    s.downsizing.plans.push(PlanRecord {
        id,
        district_id: d,
        unit_id: unit,
        title: title.into(),
        effective: NaiveDate::from_ymd_opt(2026, 6, 1).unwrap(),
        status,
        doc_no: String::new(),
        reason: String::new(),
        staff_base: None,
        created_by: "luotuo_admin".into(),
        created_at: Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap(),
        applied_at: None,
        lines: 0,
    });
    id
}

/// Puts `person` on `plan` (redeployment).
fn add_line(s: &mut FakeState, plan: PlanId, person: i64) {
    let id = LineId(s.next_id());
    s.downsizing.lines.push(LineRecord {
        id,
        plan_id: plan,
        person_id: person,
        route: Route::Redeploy,
        note: String::new(),
        term_years: None,
        figures_json: String::new(),
    });
}

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
        add_plan(s, (d, a), "分流方案", PlanStatus::Draft)
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

/// The candidates come from the store's one query of them (issue 17: a unit of 100,000
/// staff was exported whole, and every route's figures computed for each of its people,
/// per view): the roster is never exported, and the answer is the old one — home people
/// on post or lent out, on neither this plan nor another plan under way, without a post
/// (on post only), in an abolished or merged body, or of an identity picked; reasons in
/// order; by name; paged with the total; searched by name or post.
#[tokio::test]
async fn candidates_read_no_roster() {
    use CandidateReason::{AbolishedBody, Identity as Picked, NoPost};
    let t = TwoUnits::new("zhuangshi", "庄市街道");
    let (d, a, b) = (t.d, t.a, t.b);
    let at = Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap();
    let start = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
    let plan = t.state(|s| {
        let st = s.org.structure_mut(a);
        st.bodies
            .push(crate::fakes::org::body(71, "党政办", BodyKind::Office));
        st.bodies
            .push(crate::fakes::org::body(72, "撤销办", BodyKind::Office));
        st.bodies
            .push(crate::fakes::org::body(73, "并入办", BodyKind::Office));
        st.bodies[1].status = BodyStatus::Abolished;
        st.bodies[2].status = BodyStatus::Merged(jiguan_domain::org::BodyId(71));
        let post = s.add_post(a, 71, "综合岗", PostLevel::General, vec![(1, 1000)], at);
        let mut p = |id: i64, unit: UnitId, name: &str, identity: Identity| {
            let x = person(id, d, unit, name, identity);
            s.people.people.push(x);
            s.people.people.len() - 1
        };
        // (id, name): who is a candidate, and why.
        let no_post = p(2001, a, "丙无岗", Identity::CivilServant);
        let abolished = p(2002, a, "乙撤销", Identity::CivilServant);
        let temp = p(2003, a, "甲临时", Identity::Temporary);
        let temp_idle = p(2004, a, "丁临时无岗", Identity::Temporary);
        let lent = p(2005, a, "戊借出并入", Identity::CivilServant);
        let retired = p(2006, a, "己退休", Identity::Temporary);
        let here = p(2007, a, "庚本方案", Identity::Temporary);
        let elsewhere = p(2008, a, "辛他方案", Identity::Temporary);
        let rejected = p(2009, a, "壬退回方案", Identity::Temporary);
        let busy = p(2010, a, "癸在岗", Identity::CivilServant);
        let other = p(2011, b, "子他单位", Identity::Temporary);
        let lent_idle = p(2012, a, "丑借出", Identity::CivilServant);
        let borrowed = p(2013, b, "寅借入", Identity::Temporary);
        let ended = p(2014, a, "卯岗位已结束", Identity::CivilServant);
        let people = &mut s.people.people;
        people[abolished].body_id = Some(72);
        people[lent].body_id = Some(73);
        people[lent].status = Status::LentOut;
        people[lent_idle].status = Status::LentOut;
        people[retired].status = Status::Retired;
        people[borrowed].status = Status::LentOut;
        people[borrowed].host_unit_id = Some(a);
        let _ = (no_post, temp_idle, other);
        for i in [abolished, temp, here, elsewhere, rejected, busy, lent] {
            let id = s.people.people[i].id;
            s.add_main_assignment(a, post, id, start, at);
        }
        let id = s.people.people[ended].id;
        s.add_main_assignment(a, post, id, start, at);
        s.posts.assignments.last_mut().unwrap().end_date = Some(start);
        let plan = add_plan(s, (d, a), "本方案", PlanStatus::Draft);
        add_line(s, plan, 2007);
        let open = add_plan(s, (d, a), "报批中", PlanStatus::Submitted);
        add_line(s, open, 2008);
        let done = add_plan(s, (d, a), "已退回", PlanStatus::Rejected);
        add_line(s, done, 2009);
        plan
    });
    let ua = actor(d, Some(a), Role::UnitAdmin);
    let picked = [Identity::Temporary];
    let (app, ua, picked) = (&t.app, &ua, &picked);
    let ask = |q: Option<&str>, page: Option<u32>, per_page: Option<u32>| {
        let q = ListQuery {
            q: q.map(str::to_string),
            page,
            per_page,
            ..ListQuery::default()
        };
        async move { app.down_candidates(ua, a, plan, picked, &q).await.unwrap() }
    };
    let c = ask(None, None, Some(200)).await;
    let got: Vec<(i64, Vec<CandidateReason>)> = c
        .items
        .iter()
        .map(|c| (c.person.id, c.reasons.clone()))
        .collect();
    // By name, in code point order as the roster's `ORDER BY name` (丁 U+4E01, 丙 4E19,
    // 乙 4E59, 卯 536F, 壬 58EC, 戊 620A, 甲 7532).
    let want = vec![
        (2004, vec![NoPost, Picked]),
        (2001, vec![NoPost]),
        (2002, vec![AbolishedBody]),
        (2014, vec![NoPost]),
        (2009, vec![Picked]),
        (2005, vec![AbolishedBody]),
        (2003, vec![Picked]),
    ];
    assert_eq!(got, want);
    assert_eq!(c.total, 7);
    // Every route of the identity, with figures, for each candidate of the page.
    assert!(c.items.iter().all(|x| !x.routes.is_empty()));
    // A page of two: the third and fourth, with the total of all.
    let p2 = ask(None, Some(2), Some(2)).await;
    let ids: Vec<i64> = p2.items.iter().map(|x| x.person.id).collect();
    assert_eq!(ids, vec![want[2].0, want[3].0]);
    assert_eq!((p2.total, p2.page, p2.per_page), (7, 2, 2));
    // Searched by a part of the name.
    let found = ask(Some("临时"), None, None).await;
    let ids: Vec<i64> = found.items.iter().map(|x| x.person.id).collect();
    assert_eq!(ids, vec![2004, 2003]);
    assert_eq!(t.state(|s| s.people.exports), 0, "the roster was exported");
}
