//! The end of competitive selection in storage: the decision meeting and its candidates
//! in one transaction, the publicity guarded against a second start, objections resolved
//! once, and the appointment — refused while an objection is open, then written with the
//! post assignment and the person's history, once — all scoped by district and unit.

use jiguan_app::ports::{Conflict, Scoped, StoreError, UnitAt};
use jiguan_app::posts::PostsStore;
use jiguan_app::selection::decision::{
    AppointWrite, DecisionStore, ObjectionWrite, ProposalsWrite, PublicityWrite, ResolutionWrite,
};
use jiguan_app::selection::{MeetingAt, SelectionStore};
use jiguan_domain::audit::AuditEntry;
use jiguan_domain::selection::dates::PublicityOutcome;
use jiguan_store::Value;

use crate::helpers::selection_support::{OneCandidate, one_candidate};
use crate::helpers::*;
use crate::posts::posts_support;

both!(decision_candidates_publicity_objections_and_appointment);

fn d(s: &str) -> chrono::NaiveDate {
    s.parse().unwrap()
}

async fn decision_candidates_publicity_objections_and_appointment(pg: bool) {
    let u = posts_support::setup(pg).await;
    let (s, a, dist) = (&u.store, u.a, u.d);
    let at = chrono::Utc::now();
    let audit = || AuditEntry::by(&u.ua, at).unit(a);
    let OneCandidate {
        post,
        key,
        camp,
        person,
        mw,
        cand,
        meeting: m,
        ..
    } = one_candidate(&u, audit, 1).await;
    // The meeting, its item (with the recusal count) and the candidate, citing the plan.
    let items = s.sel_items(MeetingAt::new(dist, a, m)).await.unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(
        (items[0].person_id, items[0].post_id, items[0].recused),
        (Some(person), Some(post.0), 1)
    );
    let all = s.dec_candidates(dist, a, Some(camp.0)).await.unwrap();
    assert_eq!(all.len(), 1);
    let c = &all[0];
    assert_eq!(
        (
            c.meeting_id,
            c.item_no,
            c.campaign_id,
            c.plan_version,
            c.post
        ),
        (m, 1, camp, 1, key)
    );
    assert!(c.publicity_start.is_none() && c.appointed_on.is_none());
    // A failing candidate insert leaves no meeting behind (one transaction).
    let mut bad = cand.clone();
    bad.proposal.person_id = 987_654_321;
    let before = s.sel_meetings(dist, a).await.unwrap().len();
    assert!(
        s.dec_create_meeting(
            UnitAt::unit(dist, a),
            &ProposalsWrite {
                meeting: &mw,
                candidates: &[bad]
            },
            audit()
        )
        .await
        .is_err()
    );
    assert_eq!(s.sel_meetings(dist, a).await.unwrap().len(), before);
    // Other tenants see nothing.
    assert!(s.dec_candidates(dist, u.b, None).await.unwrap().is_empty());
    assert!(s.dec_candidates(u.d2, a, None).await.unwrap().is_empty());
    // The publicity starts once.
    let period = (d("2025-09-25"), d("2025-09-30"), d("2025-10-09"));
    let publicise = |unit| {
        let ids = [c.id];
        async move {
            s.dec_start_publicity(
                UnitAt::unit(dist, unit),
                &PublicityWrite { ids: &ids, period },
                audit(),
            )
            .await
        }
    };
    publicise(a).await.unwrap();
    let e = publicise(a).await.unwrap_err();
    assert!(matches!(e, StoreError::Conflict(Conflict::Status)), "{e:?}");
    assert!(matches!(
        publicise(u.b).await,
        Err(StoreError::Conflict(Conflict::Status))
    ));
    let c = s.dec_candidates(dist, a, None).await.unwrap().remove(0);
    assert_eq!(
        (c.publicity_start, c.publicity_last, c.earliest_appointment),
        (Some(period.0), Some(period.1), Some(period.2))
    );
    // An objection; another unit cannot add one to this candidate.
    let o = s
        .dec_add_objection(
            Scoped::new(dist, a, c.id),
            &ObjectionWrite {
                received_on: d("2025-09-26"),
                content: "反映甲考勤问题",
            },
            audit(),
        )
        .await
        .unwrap();
    assert!(
        s.dec_add_objection(
            Scoped::new(dist, u.b, c.id),
            &ObjectionWrite {
                received_on: d("2025-09-26"),
                content: "x"
            },
            audit()
        )
        .await
        .is_err()
    );
    assert_eq!(
        s.dec_objections(dist, a, Some(camp.0)).await.unwrap().len(),
        1
    );
    assert!(s.dec_objections(dist, u.b, None).await.unwrap().is_empty());
    // The appointment is refused while the objection is open, and writes nothing.
    let assign_before = s.open_assignments(dist, Some(a)).await.unwrap().len();
    let w = AppointWrite {
        candidate_id: c.id,
        person_id: person,
        on: d("2025-10-09"),
        probation_end: Some(d("2026-09-19")),
        term_end: d("2028-10-08"),
        assignments: jiguan_app::posts::AssignmentWrite {
            end: Vec::new(),
            create: vec![jiguan_app::posts::NewAssignment {
                post_id: post,
                person_id: person,
                share_pct: 100,
                main: true,
                overtime: false,
            }],
            on: Some(d("2025-10-09")),
            reason: "竞争上岗任职".into(),
            by: "ua".into(),
            at,
        },
        doc_no: "镇海组〔2025〕1号".into(),
        note: "竞争上岗任职：党政办公室 中层副职".into(),
    };
    let e = s
        .dec_appoint(UnitAt::unit(dist, a), &w, audit())
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Conflict(Conflict::Status)), "{e:?}");
    assert_eq!(
        s.open_assignments(dist, Some(a)).await.unwrap().len(),
        assign_before
    );
    // Resolved once.
    s.dec_resolve_objection(
        Scoped::new(dist, a, o),
        &ResolutionWrite {
            outcome: PublicityOutcome::IssueNotAffecting,
            resolution: "经核实不影响任职",
        },
        audit(),
    )
    .await
    .unwrap();
    let e = s
        .dec_resolve_objection(
            Scoped::new(dist, a, o),
            &ResolutionWrite {
                outcome: PublicityOutcome::IssueVerified,
                resolution: "x",
            },
            audit(),
        )
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Conflict(Conflict::Status)), "{e:?}");
    let objs = s.dec_objections(dist, a, None).await.unwrap();
    assert_eq!(objs[0].outcome, Some(PublicityOutcome::IssueNotAffecting));
    // Now the appointment: the assignment, the candidate's dates, the history row.
    let events = |p: i64| {
        let db = s.db.clone();
        async move {
            fetch_i64(
                &db,
                "SELECT CAST(COUNT(*) AS BIGINT) FROM person_events WHERE person_id = $1 AND kind = 'move'",
                &[Value::from(p)],
            )
            .await
        }
    };
    let ev0 = events(person).await;
    let new = s
        .dec_appoint(UnitAt::unit(dist, a), &w, audit())
        .await
        .unwrap();
    let open = s.open_assignments(dist, Some(a)).await.unwrap();
    let made = open.iter().find(|x| x.id == new).unwrap();
    assert_eq!(
        (made.person_id, made.post_id, made.main, made.start_date),
        (person, post, true, d("2025-10-09"))
    );
    assert_eq!(events(person).await, ev0 + 1);
    let c = s.dec_candidates(dist, a, None).await.unwrap().remove(0);
    assert_eq!(c.appointed_on, Some(d("2025-10-09")));
    assert_eq!(c.assignment_id, Some(new.0));
    assert_eq!(c.term_end, Some(d("2028-10-08")));
    assert_eq!(c.probation_end, Some(d("2026-09-19")));
    // Once only.
    let e = s
        .dec_appoint(UnitAt::unit(dist, a), &w, audit())
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)), "{e:?}");
}
