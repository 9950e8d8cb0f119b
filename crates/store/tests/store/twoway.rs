//! Two-way selection (双向择岗): the demo round matched and applied over SQL, and the
//! atomic apply.

use jiguan_app::ports::{Conflict, StoreError, TenancyStore};
use jiguan_app::posts::AssignmentWrite;
use jiguan_app::twoway::{ApplyWrite, RoundAt, TwowayStore};
use jiguan_app::workflow::SimpleStep;
use jiguan_domain::auth::Role;
use jiguan_domain::posts::AssignmentId;
use jiguan_domain::workflow::{Status, Step, StepInput, TWOWAY_ROUNDS};
use jiguan_store::SqlStore;

use crate::helpers::*;
use jiguan_testkit::fixtures;

both!(twoway_demo_round_is_applied);
both!(twoway_apply_is_atomic);

/// The demo: 骆驼街道's first round applied (every placement an open main assignment,
/// every moved person a history row with the approval document), a handful unplaced and
/// routed, no blocking pair; the second round open.
async fn twoway_demo_round_is_applied(pg: bool) {
    let t = fresh(pg).await;
    let s = SqlStore::open(&t.url).await.unwrap();
    let (app, d) = fixtures::demo(s.clone()).await.unwrap();
    let unit = s.find_unit(d, "luotuo").await.unwrap().unwrap().id;
    let rounds = s.tw_rounds(d, Some(unit)).await.unwrap();
    assert_eq!(rounds.len(), 2);
    let (open, done) = (&rounds[0], &rounds[1]);
    assert_eq!((open.status, done.status), (Status::Open, Status::Applied));
    assert!(
        (30..=60).contains(&done.offers.len()),
        "{} posts",
        done.offers.len()
    );
    let res = done.result().unwrap();
    assert_eq!(res.outcome.blocking_pairs, 0);
    let n = res.outcome.participants();
    assert!((40..=95).contains(&n), "{n} staff");
    let unplaced = res.unplaced();
    let seats: i64 = done.offers.iter().map(|o| o.seats).sum();
    assert!(
        (1..=10).contains(&unplaced.len()),
        "{} unplaced of {n}, {seats} seats, {} matched, {} adjusted",
        unplaced.len(),
        res.outcome.placed(),
        res.adjusted.len()
    );
    assert!(unplaced.iter().all(|p| res.routes.contains_key(p)));
    for (person, post) in res.placements() {
        let open = fetch_i64(
            &s.db,
            "SELECT CAST(COUNT(*) AS BIGINT) FROM post_assignments WHERE district_id = $1 AND unit_id = $2 AND person_id = $3 AND post_id = $4 AND end_date IS NULL AND main = $5",
            &[d.0.into(), unit.0.into(), person.into(), post.into(), true.into()],
        )
        .await;
        assert_eq!(open, 1, "person {person} post {post}");
    }
    for person in &unplaced {
        let open = fetch_i64(
            &s.db,
            "SELECT CAST(COUNT(*) AS BIGINT) FROM post_assignments WHERE district_id = $1 AND person_id = $2 AND end_date IS NULL",
            &[d.0.into(), (*person).into()],
        )
        .await;
        assert_eq!(open, 0, "unplaced {person} holds no post");
    }
    let history = fetch_i64(
        &s.db,
        "SELECT CAST(COUNT(*) AS BIGINT) FROM person_events WHERE district_id = $1 AND kind = 'move' AND doc_no = $2",
        &[d.0.into(), jiguan_app::twoway::demo::DOC_NO.into()],
    )
    .await;
    assert_eq!(history as usize, res.placements().len());
    // The audit chain holds.
    let hr = actor(d, Some(unit), Role::UnitAdmin);
    assert!(app.tw_view(&hr, unit, done.id).await.unwrap().lines.len() == n);
}

/// A write that fails half-way (an assignment to end was ended meanwhile) leaves the
/// round approved and every assignment as it was.
async fn twoway_apply_is_atomic(pg: bool) {
    let t = fresh(pg).await;
    let s = SqlStore::open(&t.url).await.unwrap();
    let (app, d) = fixtures::demo(s.clone()).await.unwrap();
    let unit = s.find_unit(d, "luotuo").await.unwrap().unwrap().id;
    let hr = actor(d, Some(unit), Role::UnitAdmin);
    let id = s.tw_rounds(d, Some(unit)).await.unwrap()[0].id;
    let res = app.tw_match(&hr, unit, id).await.unwrap();
    for p in res.unplaced() {
        app.tw_set_route(&hr, unit, id, p, "next_round")
            .await
            .unwrap();
    }
    app.tw_submit(&hr, unit, id).await.unwrap();
    let district = actor(d, None, Role::DistrictAdmin);
    app.step_plan(&district, unit, id, SimpleStep::Approve("镇编〔2026〕9号"))
        .await
        .unwrap();
    let open_before = fetch_i64(
        &s.db,
        "SELECT CAST(COUNT(*) AS BIGINT) FROM post_assignments WHERE district_id = $1 AND end_date IS NULL",
        &[d.0.into()],
    )
    .await;
    let one: i64 = fetch_i64(
        &s.db,
        "SELECT MIN(id) FROM post_assignments WHERE district_id = $1 AND unit_id = $2 AND end_date IS NULL",
        &[d.0.into(), unit.0.into()],
    )
    .await;
    let at = app.clock.now();
    let step = TWOWAY_ROUNDS
        .start(
            Step::Apply,
            id.0,
            Status::Approved,
            "t",
            at,
            StepInput::default(),
        )
        .unwrap();
    let w = ApplyWrite {
        step,
        doc_no: String::new(),
        assignments: AssignmentWrite {
            end: vec![AssignmentId(one), AssignmentId(one + 1_000_000)],
            create: Vec::new(),
            on: Some(at.date_naive()),
            reason: "t".into(),
            by: "t".into(),
            at,
        },
        moves: Vec::new(),
        notices: Vec::new(),
    };
    let audit = jiguan_domain::audit::AuditEntry::system(d, at).unit(unit);
    let e = s
        .tw_apply(RoundAt::new(d, unit, id), &w, audit)
        .await
        .unwrap_err();
    assert_eq!(e, StoreError::Conflict(Conflict::Assignment));
    let open_after = fetch_i64(
        &s.db,
        "SELECT CAST(COUNT(*) AS BIGINT) FROM post_assignments WHERE district_id = $1 AND end_date IS NULL",
        &[d.0.into()],
    )
    .await;
    assert_eq!(open_after, open_before);
    let r = s
        .tw_round(RoundAt::new(d, unit, id))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(r.status, Status::Approved);
}
