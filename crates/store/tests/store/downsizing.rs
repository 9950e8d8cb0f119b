//! Downsizing (精简): the seed, the atomic apply, the workflow.

use jiguan_app::App;
use jiguan_app::ports::{AuditStore, StoreError};
use jiguan_domain::auth::Role;
use jiguan_domain::tenancy::DistrictId;
use jiguan_store::{SqlStore, Value};

use crate::helpers::*;
use jiguan_app::workflow::SimpleStep;
use jiguan_testkit::fixtures;

// ---- downsizing ----

mod down_support {
    use super::*;

    pub async fn demo(pg: bool) -> (TestDb, App, SqlStore, DistrictId) {
        let t = fresh(pg).await;
        let s = SqlStore::open(&t.url).await.unwrap();
        let (app, d) = fixtures::demo(s.clone()).await.unwrap();
        (t, app, s, d)
    }

    pub async fn count(s: &SqlStore, sql: &str, params: &[Value]) -> i64 {
        s.db.fetch_one(sql, params).await.unwrap().get(0).unwrap()
    }
}

both!(downsizing_demo_matches_the_seed);

/// The seed: 骆驼街道 cuts 21 of 100 = 21 % (approved, not applied); 50 across six units.
async fn downsizing_demo_matches_the_seed(pg: bool) {
    use down_support::*;
    use jiguan_domain::downsizing::{PlanStatus, Route};
    let (_t, app, _s, d) = demo(pg).await;
    let admin = actor(d, None, Role::DistrictAdmin);
    let sum = app.down_district(&admin).await.unwrap();
    assert_eq!(sum.cut, jiguan_app::downsizing::demo::TOTAL_CUT);
    assert_eq!(sum.cut, 50);
    assert_eq!(sum.units.len(), 6);
    assert_eq!(sum.units_with_cuts, 6);
    let luotuo = app.store.find_unit(d, "luotuo").await.unwrap().unwrap();
    let row = sum.units.iter().find(|u| u.unit.id == luotuo.id).unwrap();
    assert_eq!(row.totals.cut, 21);
    assert_eq!(row.totals.staff_base, 100);
    assert_eq!(
        row.totals.share_pct.map(|p| p.to_string()),
        Some("21".to_string())
    );
    assert_eq!(row.status, Some(PlanStatus::Approved));
    for u in sum.units.iter().filter(|u| u.unit.id != luotuo.id) {
        assert_eq!(u.status, Some(PlanStatus::Applied), "{}", u.unit.name);
    }
    // 骆驼街道's plan: all five routes, everyone eligible by the rules.
    let plans = app.down_plans(&admin, luotuo.id).await.unwrap();
    let v = app.down_plan(&admin, luotuo.id, plans[0].id).await.unwrap();
    for r in Route::ALL {
        assert!(v.totals.by_route.contains_key(r), "{r:?} missing");
    }
    assert!(v.lines.iter().all(|l| l.figures.as_ref().unwrap().eligible));
    assert!(v.totals.one_off.0 > 0 && v.totals.annual_saving.0 > 0);
    assert!(v.totals.break_even_months.is_some());
}

both!(downsizing_apply_is_atomic);

/// Applying changes statuses, history, post assignments and contracts in one transaction;
/// a person changed meanwhile fails everything and nothing changes.
async fn downsizing_apply_is_atomic(pg: bool) {
    use down_support::*;
    use jiguan_app::downsizing::{ApplyItem, ApplyWrite, DownsizingStore};
    use jiguan_app::people::PeopleStore;
    use jiguan_domain::downsizing::{PlanStatus, Route};
    use jiguan_domain::people::Status;
    let (_t, app, s, d) = demo(pg).await;
    let luotuo = app.store.find_unit(d, "luotuo").await.unwrap().unwrap();
    let u = luotuo.id;
    let ua = actor(d, Some(u), Role::UnitAdmin);
    let plan = app.down_plans(&ua, u).await.unwrap()[0].clone();
    assert_eq!(plan.status, PlanStatus::Approved);
    let v = app.down_plan(&ua, u, plan.id).await.unwrap();
    let first = v.lines[0].line.person_id;
    let last = v.lines.last().unwrap().line.person_id;
    // An open post assignment of a person on the plan.
    let body: i64 = count(
        &s,
        "SELECT MIN(id) FROM bodies WHERE district_id = $1 AND unit_id = $2",
        &[d.0.into(), u.0.into()],
    )
    .await;
    let now = chrono::Utc::now();
    let post: i64 = s
        .db
        .fetch_one(
            "INSERT INTO posts (district_id, unit_id, body_id, title, level, establishment, min_education, min_service_years, other_requirements, active, created_at, updated_at) \
             VALUES ($1, $2, $3, '综合', 'general', 'any', '', 0, '', TRUE, $4, $4) RETURNING id",
            &[d.0.into(), u.0.into(), body.into(), now.into()],
        )
        .await
        .unwrap()
        .get(0)
        .unwrap();
    s.db.execute(
        "INSERT INTO post_assignments (district_id, unit_id, post_id, person_id, share_pct, main, overtime, start_date, end_date, end_reason, created_at, created_by) \
         VALUES ($1, $2, $3, $4, 100, TRUE, FALSE, $5, NULL, '', $6, 'x')",
        &[d.0.into(), u.0.into(), post.into(), first.into(), plan.effective.into(), now.into()],
    )
    .await
    .unwrap();
    let events = |p: i64| {
        let s = s.clone();
        async move {
            count(
                &s,
                "SELECT CAST(COUNT(*) AS BIGINT) FROM person_events WHERE district_id = $1 AND person_id = $2",
                &[d.0.into(), p.into()],
            )
            .await
        }
    };
    let events_before = events(first).await;
    let audit_before = s.audit_count().await.unwrap();

    // 1. The store refuses the whole write when the last person changed meanwhile.
    s.db.execute(
        "UPDATE people SET status = 'left' WHERE district_id = $1 AND id = $2",
        &[d.0.into(), last.into()],
    )
    .await
    .unwrap();
    let items: Vec<ApplyItem> = v
        .lines
        .iter()
        .map(|l| {
            let f = l.figures.clone().unwrap();
            ApplyItem {
                line_id: l.line.id,
                person_id: l.line.person_id,
                new_status: f.route.new_status(),
                cut: f.cut,
                contract: f.contract,
                figures_json: serde_json::to_string(&f).unwrap(),
                note: "x".into(),
            }
        })
        .collect();
    let w = ApplyWrite {
        step: jiguan_domain::workflow::DOWNSIZING_PLANS
            .start(
                jiguan_domain::workflow::Step::Apply,
                plan.id.0,
                PlanStatus::Approved,
                "t",
                now,
                Default::default(),
            )
            .unwrap(),
        effective: plan.effective,
        staff_base: 100,
        doc_no: plan.doc_no.clone(),
        items,
    };
    let audit = jiguan_app::users::system_entry(d, Some(u), "x", "x", "x", None);
    let err = s.down_apply(d, u, &w, audit).await.unwrap_err();
    assert_eq!(
        err,
        StoreError::Conflict(jiguan_app::ports::Conflict::Person(last))
    );
    // Nothing changed: the plan, the first person, the history, the assignment, contracts.
    let p1 = s
        .get_person(d, jiguan_domain::people::PersonId(first))
        .await
        .unwrap()
        .unwrap();
    assert!(matches!(p1.status, Status::OnPost | Status::LentOut));
    assert_eq!(events(first).await, events_before);
    assert_eq!(
        app.down_plans(&ua, u).await.unwrap()[0].status,
        PlanStatus::Approved
    );
    let open = || async {
        count(
            &s,
            "SELECT CAST(COUNT(*) AS BIGINT) FROM post_assignments WHERE district_id = $1 AND person_id = $2 AND end_date IS NULL",
            &[d.0.into(), first.into()],
        )
        .await
    };
    assert_eq!(open().await, 1);
    assert_eq!(
        count(
            &s,
            "SELECT CAST(COUNT(*) AS BIGINT) FROM labour_contracts WHERE district_id = $1 AND unit_id = $2",
            &[d.0.into(), u.0.into()]
        )
        .await,
        0
    );
    assert_eq!(s.audit_count().await.unwrap(), audit_before);
    // The use case names the person and changes nothing either.
    match app.down_apply(&ua, u, plan.id).await.unwrap_err() {
        jiguan_app::AppError::Invalid(e) => {
            assert_eq!(
                (e[0].field.as_str(), e[0].code.as_str()),
                ("person", "down_person_changed")
            )
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(s.audit_count().await.unwrap(), audit_before);

    // 2. Put the person back: the apply goes through, everything at once.
    s.db.execute(
        "UPDATE people SET status = 'on_post' WHERE district_id = $1 AND id = $2",
        &[d.0.into(), last.into()],
    )
    .await
    .unwrap();
    app.down_apply(&ua, u, plan.id).await.unwrap();
    let after = app.down_plan(&ua, u, plan.id).await.unwrap();
    assert_eq!(after.plan.status, PlanStatus::Applied);
    assert_eq!(after.plan.staff_base, Some(100));
    assert_eq!(after.totals.cut, 21);
    assert_eq!(after.events.last().unwrap().to, PlanStatus::Applied);
    for l in &v.lines {
        let f = l.figures.as_ref().unwrap();
        let p = s
            .get_person(d, jiguan_domain::people::PersonId(l.line.person_id))
            .await
            .unwrap()
            .unwrap();
        match f.route.new_status() {
            Some(st) => {
                assert_eq!(p.status, st, "{:?}", f.route);
                assert_eq!(p.status_since, plan.effective);
                let h = s
                    .person_history(d, jiguan_domain::people::PersonId(p.id))
                    .await
                    .unwrap();
                let e = h.last().unwrap();
                assert_eq!((e.status, e.on_date), (st, plan.effective));
            }
            None => assert!(matches!(p.status, Status::OnPost | Status::LentOut)),
        }
    }
    assert_eq!(open().await, 0);
    let ended: String =
        s.db.fetch_one(
            "SELECT end_reason FROM post_assignments WHERE district_id = $1 AND person_id = $2",
            &[d.0.into(), first.into()],
        )
        .await
        .unwrap()
        .get(0)
        .unwrap();
    assert_eq!(ended, "downsizing");
    let contracts = s.down_contracts(d, u, None).await.unwrap();
    let renewed = v
        .lines
        .iter()
        .filter(|l| l.line.route == Route::NewContract)
        .count();
    assert_eq!(contracts.len(), renewed);
    assert!(renewed > 0);
    assert_eq!(contracts[0].start, plan.effective);
    assert_eq!(s.audit_count().await.unwrap(), audit_before + 1);
    // Applied twice: refused.
    assert!(app.down_apply(&ua, u, plan.id).await.is_err());
    // Now 50 cuts, all applied, and 骆驼街道 still shows 21 % (base frozen at 100).
    let sum = app
        .down_district(&actor(d, None, Role::DistrictAdmin))
        .await
        .unwrap();
    assert_eq!(sum.cut, 50);
}

both!(downsizing_workflow_and_validation);

/// Lines are validated all at once; the workflow follows its table; other units' plans are
/// not found.
async fn downsizing_workflow_and_validation(pg: bool) {
    use down_support::*;
    use jiguan_app::downsizing::LineForm;
    use jiguan_domain::downsizing::PlanStatus;
    use jiguan_domain::people::Identity;
    let (_t, app, _s, d) = demo(pg).await;
    let u = app.store.find_unit(d, "luotuo").await.unwrap().unwrap().id;
    let other = app.store.find_unit(d, "xiepu").await.unwrap().unwrap().id;
    let ua = actor(d, Some(u), Role::UnitAdmin);
    let admin = actor(d, None, Role::DistrictAdmin);
    let staff = actor(d, Some(u), Role::Staff);
    assert!(app.down_plans(&staff, u).await.is_err());
    let id = app
        .down_create_plan(&ua, u, "第二批分流", "2027-03-01")
        .await
        .unwrap();
    let e = app.down_create_plan(&ua, u, " ", "2027-02-30").await;
    match e.unwrap_err() {
        jiguan_app::AppError::Invalid(e) => assert_eq!(e.len(), 2),
        other => panic!("{other:?}"),
    }
    // Every error at once.
    let bad = LineForm {
        person: "x".into(),
        route: "飞走".into(),
        term_years: String::new(),
        note: "长".repeat(300),
    };
    match app.down_save_line(&ua, u, id, &bad).await.unwrap_err() {
        jiguan_app::AppError::Invalid(e) => {
            let fields: Vec<&str> = e.iter().map(|x| x.field.as_str()).collect();
            assert_eq!(fields, vec!["person", "route", "note"]);
        }
        other => panic!("{other:?}"),
    }
    // Candidates: temporary staff and civil servants picked by identity (the demo's no-post
    // people included).
    let all = jiguan_app::ports::ListQuery {
        per_page: Some(200),
        ..Default::default()
    };
    let cands = app
        .down_candidates(
            &ua,
            u,
            id,
            &[Identity::Temporary, Identity::CivilServant],
            &all,
        )
        .await
        .unwrap();
    let civil = cands
        .items
        .iter()
        .find(|c| c.person.identity == Identity::CivilServant && !c.person.leader)
        .unwrap();
    // A civil servant cannot be released; a new contract needs a term.
    let f = |route: &str| LineForm {
        person: civil.person.id.to_string(),
        route: route.into(),
        ..LineForm::default()
    };
    match app
        .down_save_line(&ua, u, id, &f("release"))
        .await
        .unwrap_err()
    {
        jiguan_app::AppError::Invalid(e) => assert_eq!(e[0].code, "route_not_allowed"),
        other => panic!("{other:?}"),
    }
    let ok = app
        .down_save_line(&ua, u, id, &f("redeploy"))
        .await
        .unwrap();
    // Replacing the person's line keeps one line.
    let again = app.down_save_line(&ua, u, id, &f("调剂")).await.unwrap();
    assert_eq!(ok, again);
    assert_eq!(app.down_plan(&ua, u, id).await.unwrap().lines.len(), 1);
    // Workflow: apply before approval refused; unit cannot approve; reject, reopen, submit.
    assert!(app.down_apply(&ua, u, id).await.is_err());
    app.down_submit(&ua, u, id).await.unwrap();
    assert!(
        app.down_save_line(&ua, u, id, &f("redeploy"))
            .await
            .is_err()
    );
    assert!(
        app.step_plan(&ua, u, id, SimpleStep::Approve("文号"))
            .await
            .is_err()
    );
    app.step_plan(&admin, u, id, SimpleStep::Reject("材料不全"))
        .await
        .unwrap();
    assert!(app.down_submit(&ua, u, id).await.is_err());
    app.step_plan(&ua, u, id, SimpleStep::Reopen).await.unwrap();
    app.down_remove_line(&ua, u, id, ok).await.unwrap();
    match app.down_submit(&ua, u, id).await.unwrap_err() {
        jiguan_app::AppError::Invalid(e) => assert_eq!(e[0].code, "plan_empty"),
        other => panic!("{other:?}"),
    }
    app.down_save_line(&ua, u, id, &f("redeploy"))
        .await
        .unwrap();
    app.down_submit(&ua, u, id).await.unwrap();
    assert!(
        app.step_plan(&admin, u, id, SimpleStep::Approve(" "))
            .await
            .is_err()
    );
    app.step_plan(&admin, u, id, SimpleStep::Approve("镇海编〔2027〕1号"))
        .await
        .unwrap();
    let v = app.down_plan(&ua, u, id).await.unwrap();
    assert_eq!(v.plan.status, PlanStatus::Approved);
    assert_eq!(v.plan.doc_no, "镇海编〔2027〕1号");
    let trail: Vec<PlanStatus> = v.events.iter().map(|e| e.to).collect();
    assert_eq!(
        trail,
        vec![
            PlanStatus::Draft,
            PlanStatus::Submitted,
            PlanStatus::Rejected,
            PlanStatus::Draft,
            PlanStatus::Submitted,
            PlanStatus::Approved
        ]
    );
    // A plan dated before a person's last recorded change cannot be applied (the history
    // stays in date order), and nothing changes.
    let early = app
        .down_create_plan(&ua, u, "倒签方案", "2000-01-01")
        .await
        .unwrap();
    let other_civil = app
        .down_candidates(&ua, u, early, &[Identity::CivilServant], &all)
        .await
        .unwrap()
        .items
        .into_iter()
        .find(|c| c.person.identity == Identity::CivilServant && !c.person.leader)
        .unwrap();
    app.down_save_line(
        &ua,
        u,
        early,
        &LineForm {
            person: other_civil.person.id.to_string(),
            route: "redeploy".into(),
            ..LineForm::default()
        },
    )
    .await
    .unwrap();
    app.down_submit(&ua, u, early).await.unwrap();
    app.step_plan(&admin, u, early, SimpleStep::Approve("文号"))
        .await
        .unwrap();
    match app.down_apply(&ua, u, early).await.unwrap_err() {
        jiguan_app::AppError::Invalid(e) => assert_eq!(e[0].code, "date_before_last"),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        app.down_plan(&ua, u, early).await.unwrap().plan.status,
        PlanStatus::Approved
    );
    // Another unit's plan id is not found through this unit, and the unit admin of
    // 骆驼 cannot reach 澥浦.
    let xp = app.down_plans(&admin, other).await.unwrap()[0].id;
    assert!(matches!(
        app.down_plan(&ua, u, xp).await,
        Err(jiguan_app::AppError::NotFound)
    ));
    assert!(app.down_plans(&ua, other).await.is_err());
}

both!(downsizing_draft_staff_base_is_the_rosters_count);

/// A draft plan's staff base (the share's denominator, before the plan is applied) comes
/// from the occupancy counters (issue 17: not from the unit's whole roster) and is the
/// number the roster gave: people whose home is the unit, on post or lent out, every
/// establishment kind (编外 included); not the retired, not the people borrowed in.
async fn downsizing_draft_staff_base_is_the_rosters_count(pg: bool) {
    use down_support::*;
    use jiguan_app::people::{PeopleFilter, PeopleStore, StatusFilter};
    let (_t, app, s, d) = demo(pg).await;
    let u = app.store.find_unit(d, "luotuo").await.unwrap().unwrap().id;
    let other = app.store.find_unit(d, "xiepu").await.unwrap().unwrap().id;
    // One of each kind the rule tells apart, whatever the demo holds.
    let ids = |unit: i64| {
        let s = s.clone();
        async move {
            s.db.fetch_all(
                "SELECT id FROM people WHERE unit_id = $1 AND status = 'on_post' ORDER BY id",
                &[unit.into()],
            )
            .await
            .unwrap()
            .iter()
            .map(|r| r.get::<i64>(0).unwrap())
            .collect::<Vec<_>>()
        }
    };
    let mine = ids(u.0).await;
    let theirs = ids(other.0).await;
    for (sql, id) in [
        (
            "UPDATE people SET status = 'retired' WHERE id = $1",
            mine[0],
        ),
        (
            "UPDATE people SET status = 'lent_out' WHERE id = $1",
            mine[1],
        ),
        (
            "UPDATE people SET establishment = 'none' WHERE id = $1",
            mine[2],
        ),
    ] {
        s.db.execute(sql, &[id.into()]).await.unwrap();
    }
    s.db.execute(
        "UPDATE people SET status = 'lent_out', host_unit_id = $1 WHERE id = $2",
        &[u.0.into(), theirs[0].into()],
    )
    .await
    .unwrap();
    jiguan_store::people_index::recount_people(&s.db)
        .await
        .unwrap();
    let ua = actor(d, Some(u), Role::UnitAdmin);
    let id = app
        .down_create_plan(&ua, u, "第三批分流", "2027-03-01")
        .await
        .unwrap();
    // What the view counted before: the unit's roster (home unit, any status).
    let filter = PeopleFilter {
        unit_id: Some(u),
        status: Some(StatusFilter::All),
        home_only: true,
        ..PeopleFilter::default()
    };
    let roster = s.export_people(d, &filter).await.unwrap();
    let was = roster
        .iter()
        .filter(|p| p.unit_id == u && p.status.occupies())
        .count() as i64;
    let rows = count(
        &s,
        "SELECT COUNT(*) FROM people WHERE unit_id = $1 AND status IN ('on_post', 'lent_out')",
        &[u.0.into()],
    )
    .await;
    assert_eq!(was, rows);
    assert!(
        was > 0 && (was as usize) < roster.len(),
        "{was} of {}",
        roster.len()
    );
    let v = app.down_plan(&ua, u, id).await.unwrap();
    assert_eq!(v.plan.staff_base, None);
    assert_eq!(v.totals.staff_base, was);
}

both!(downsizing_candidates_from_sql_match_the_roster);

/// The candidates read by one SQL query (issue 17) are the ones the use case used to find in
/// the unit's whole roster, in the same order with the same reasons, page by page with the
/// total: on the demo's 骆驼街道 (people on its approved plan, no-post people), plus a body
/// abolished and one merged, people lent out, an assignment ended, a person borrowed in, a
/// person on this plan, one on a rejected plan and one on a submitted plan; for several
/// identity picks and a search.
async fn downsizing_candidates_from_sql_match_the_roster(pg: bool) {
    use down_support::*;
    use jiguan_app::downsizing::DownsizingStore;
    use jiguan_app::people::{PeopleFilter, PeopleStore, PersonRecord, StatusFilter};
    use jiguan_app::ports::ListQuery;
    use jiguan_domain::downsizing::{CandidateReason, PlanId};
    use jiguan_domain::people::{Identity, Status};
    use jiguan_domain::tenancy::UnitId;
    use std::collections::BTreeSet;

    /// The old computation: the unit's roster, filtered in memory with the three id sets
    /// of the queries it used (无岗, 撤并机构) and the lines of the open plans.
    async fn old(
        s: &SqlStore,
        d: DistrictId,
        u: UnitId,
        plan: PlanId,
        picked: &[Identity],
        search: &str,
    ) -> Vec<(PersonRecord, Vec<CandidateReason>)> {
        let ids = |sql: &'static str| {
            let s = s.clone();
            async move {
                let rows =
                    s.db.fetch_all(sql, &[d.0.into(), u.0.into()])
                        .await
                        .unwrap();
                rows.iter()
                    .map(|r| r.get::<i64>(0).unwrap())
                    .collect::<BTreeSet<i64>>()
            }
        };
        let no_post = ids(
            "SELECT p.id FROM people p WHERE p.district_id = $1 AND p.unit_id = $2 AND p.status = 'on_post' \
             AND NOT EXISTS (SELECT 1 FROM post_assignments a WHERE a.district_id = p.district_id AND a.unit_id = p.unit_id \
             AND a.person_id = p.id AND a.end_date IS NULL) ORDER BY p.id",
        )
        .await;
        let abolished = ids(
            "SELECT p.id FROM people p JOIN bodies b ON b.id = p.body_id AND b.district_id = p.district_id AND b.unit_id = p.unit_id \
             WHERE p.district_id = $1 AND p.unit_id = $2 AND p.status IN ('on_post', 'lent_out') \
             AND b.status IN ('abolished', 'merged') ORDER BY p.id",
        )
        .await;
        let mut taken: BTreeSet<i64> = BTreeSet::new();
        for p in s.down_plans(d, Some(u)).await.unwrap() {
            if p.id == plan || p.status.is_open() {
                for l in s.down_lines(d, u, p.id).await.unwrap() {
                    taken.insert(l.person_id);
                }
            }
        }
        let filter = PeopleFilter {
            unit_id: Some(u),
            status: Some(StatusFilter::All),
            home_only: true,
            ..PeopleFilter::default()
        };
        let mut out = Vec::new();
        for p in s.export_people(d, &filter).await.unwrap() {
            let home = p.unit_id == u && matches!(p.status, Status::OnPost | Status::LentOut);
            if !home || taken.contains(&p.id) {
                continue;
            }
            if !(p.name.contains(search) || p.post.contains(search)) {
                continue;
            }
            let why = [
                (no_post.contains(&p.id), CandidateReason::NoPost),
                (abolished.contains(&p.id), CandidateReason::AbolishedBody),
                (picked.contains(&p.identity), CandidateReason::Identity),
            ];
            let reasons: Vec<CandidateReason> = why
                .into_iter()
                .filter(|(y, _)| *y)
                .map(|(_, r)| r)
                .collect();
            if !reasons.is_empty() {
                out.push((p, reasons));
            }
        }
        out
    }

    let (_t, app, s, d) = demo(pg).await;
    let u = app.store.find_unit(d, "luotuo").await.unwrap().unwrap().id;
    let other = app.store.find_unit(d, "xiepu").await.unwrap().unwrap().id;
    let ua = actor(d, Some(u), Role::UnitAdmin);
    let plan = app
        .down_create_plan(&ua, u, "第二批分流", "2027-03-01")
        .await
        .unwrap();
    // The n-th person of the unit on post and on no plan (a civil servant, not a leader).
    let nth = |civil: bool, n: i64| {
        let s = s.clone();
        let only = if civil {
            " AND identity = 'civil_servant' AND leader = FALSE"
        } else {
            ""
        };
        async move {
            let sql = format!(
                "SELECT id FROM people WHERE district_id = $1 AND unit_id = $2 AND status = 'on_post'{only} \
                 AND NOT EXISTS (SELECT 1 FROM downsizing_lines l WHERE l.person_id = people.id) \
                 ORDER BY id LIMIT 1 OFFSET $3"
            );
            count(&s, &sql, &[d.0.into(), u.0.into(), n.into()]).await
        }
    };
    let on_post = |n: i64| nth(false, n);
    let civil = |n: i64| nth(true, n);
    // Bodies of the unit: one abolished, one merged, one active; people put in each.
    let bodies: Vec<i64> =
        s.db.fetch_all(
            "SELECT id FROM bodies WHERE district_id = $1 AND unit_id = $2 ORDER BY id LIMIT 3",
            &[d.0.into(), u.0.into()],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0).unwrap())
        .collect();
    assert_eq!(bodies.len(), 3);
    let first = on_post(0).await;
    for (n, b) in [(0, 0), (1, 0), (2, 1), (3, 0), (4, 2)] {
        let p = on_post(n).await;
        s.db.execute(
            "UPDATE people SET body_id = $1 WHERE id = $2",
            &[bodies[b].into(), p.into()],
        )
        .await
        .unwrap();
    }
    for (b, status) in [(0, "abolished"), (1, "merged")] {
        s.db.execute(
            "UPDATE bodies SET status = $1 WHERE id = $2",
            &[status.into(), bodies[b].into()],
        )
        .await
        .unwrap();
    }
    // People lent out (one with an open assignment kept), one whose assignment ended.
    for n in [3, 5] {
        let p = on_post(n).await;
        s.db.execute(
            "UPDATE people SET status = 'lent_out', host_unit_id = $1 WHERE id = $2",
            &[other.0.into(), p.into()],
        )
        .await
        .unwrap();
    }
    s.db.execute(
        "UPDATE post_assignments SET end_date = '2026-01-31', end_reason = 'moved' WHERE id = \
         (SELECT MIN(id) FROM post_assignments WHERE district_id = $1 AND unit_id = $2 AND end_date IS NULL)",
        &[d.0.into(), u.0.into()],
    )
    .await
    .unwrap();
    // A person of 澥浦 borrowed by 骆驼 (not its candidate).
    s.db.execute(
        "UPDATE people SET status = 'lent_out', host_unit_id = $1 WHERE id = \
         (SELECT MIN(id) FROM people WHERE district_id = $2 AND unit_id = $3 AND status = 'on_post')",
        &[u.0.into(), d.0.into(), other.0.into()],
    )
    .await
    .unwrap();
    // On this plan; on a submitted plan; on a rejected plan (a candidate again).
    let line = |p: i64| jiguan_app::downsizing::LineForm {
        person: p.to_string(),
        route: "redeploy".into(),
        ..Default::default()
    };
    let here = civil(0).await;
    app.down_save_line(&ua, u, plan, &line(here)).await.unwrap();
    let submitted = app
        .down_create_plan(&ua, u, "报批中", "2027-03-01")
        .await
        .unwrap();
    app.down_save_line(&ua, u, submitted, &line(civil(1).await))
        .await
        .unwrap();
    app.down_submit(&ua, u, submitted).await.unwrap();
    let rejected = app
        .down_create_plan(&ua, u, "已退回", "2027-03-01")
        .await
        .unwrap();
    let again = civil(2).await;
    app.down_save_line(&ua, u, rejected, &line(again))
        .await
        .unwrap();
    app.down_submit(&ua, u, rejected).await.unwrap();
    let admin = actor(d, None, Role::DistrictAdmin);
    app.step_plan(&admin, u, rejected, SimpleStep::Reject("材料不全"))
        .await
        .unwrap();

    let picks: [&[Identity]; 4] = [
        &[Identity::Temporary, Identity::EnterpriseHire],
        &[],
        &[Identity::CivilServant],
        Identity::ALL,
    ];
    let mut reasons_seen = BTreeSet::new();
    for picked in picks {
        for search in ["", "办"] {
            let want = old(&s, d, u, plan, picked, search).await;
            // Every page of 7, then one page of all.
            let mut got = Vec::new();
            for page in 1.. {
                let q = ListQuery {
                    q: Some(search.into()),
                    page: Some(page),
                    per_page: Some(7),
                    ..ListQuery::default()
                };
                let pg = app.down_candidates(&ua, u, plan, picked, &q).await.unwrap();
                assert_eq!(
                    pg.total,
                    want.len() as i64,
                    "{picked:?} {search:?} page {page}"
                );
                if pg.items.is_empty() {
                    break;
                }
                got.extend(pg.items);
            }
            let got: Vec<(PersonRecord, Vec<CandidateReason>)> =
                got.into_iter().map(|c| (c.person, c.reasons)).collect();
            assert_eq!(got, want, "{picked:?} {search:?}");
            let store = s
                .down_candidates(
                    d,
                    u,
                    plan,
                    picked,
                    &ListQuery {
                        q: Some(search.into()),
                        per_page: Some(200),
                        ..ListQuery::default()
                    },
                )
                .await
                .unwrap();
            assert_eq!(store.items.len(), want.len().min(200));
            reasons_seen.extend(want.iter().flat_map(|(_, r)| r.iter().map(|x| x.code())));
        }
    }
    // The fixture has every reason, and the people it set apart are where they belong.
    assert_eq!(reasons_seen.len(), 3, "{reasons_seen:?}");
    let everyone = old(&s, d, u, plan, Identity::ALL, "").await;
    let ids: BTreeSet<i64> = everyone.iter().map(|(p, _)| p.id).collect();
    assert!(!ids.contains(&here) && ids.contains(&again));
    assert!(ids.contains(&first));
    assert!(everyone.iter().any(|(p, _)| p.status == Status::LentOut));
    assert!(everyone.len() > 7);
}
