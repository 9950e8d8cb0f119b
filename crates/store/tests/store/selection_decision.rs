//! The end of competitive selection in storage: the decision meeting and its candidates
//! in one transaction, the publicity guarded against a second start, objections resolved
//! once, and the appointment — refused while an objection is open, then written with the
//! post assignment and the person's history, once — all scoped by district and unit.

use jiguan_app::ports::{AuditStore, Conflict, Scoped, StoreError, UnitAt};
use jiguan_app::posts::PostsStore;
use jiguan_app::selection::campaign::{CampaignAt, CampaignStore, CampaignWrite};
use jiguan_app::selection::decision::{
    AppointWrite, CandidateWrite, DecisionStore, ObjectionWrite, ProposalsWrite, Proposed,
    PublicityWrite, ResolutionWrite,
};
use jiguan_app::selection::registration::ApplicationWrite;
use jiguan_app::selection::{ItemWrite, MeetingAt, MeetingWrite, SelectionStore};
use jiguan_domain::audit::AuditEntry;
use jiguan_domain::org::BodyId;
use jiguan_domain::posts::PostLevel;
use jiguan_domain::selection::dates::PublicityOutcome;
use jiguan_domain::selection::eligibility::Nomination;
use jiguan_domain::selection::plan::{OfferedPost, Plan, PostKey};
use jiguan_store::Value;

use crate::helpers::*;
use crate::posts::posts_support;

both!(decision_candidates_publicity_objections_and_appointment);

fn d(s: &str) -> chrono::NaiveDate {
    s.parse().unwrap()
}

/// The arrangement the decision and officials stories share: on `u`'s unit, a 党政办 deputy
/// post, a campaign offering it, an application of `u.people[0]` for it and the meeting
/// write and candidate write that propose that person for the post.
pub(crate) struct OneCandidate {
    pub post: jiguan_domain::posts::PostId,
    pub key: PostKey,
    pub camp: jiguan_domain::selection::CampaignId,
    pub person: i64,
    pub app_id: jiguan_domain::selection::ApplicationId,
    pub mw: MeetingWrite,
    pub cand: CandidateWrite,
}

/// Writes the post, the campaign and the application of [`OneCandidate`]; the candidate
/// carries `recused` detected recusals.
pub(crate) async fn one_candidate(
    u: &posts_support::Unit1,
    audit: impl Fn() -> AuditEntry,
    recused: i64,
) -> OneCandidate {
    let (s, a, dist) = (&u.store, u.a, u.d);
    let post = u
        .app
        .create_post(
            &u.ua,
            a,
            &posts_support::post(
                u.body,
                "党政办副主任",
                "deputy",
                "any",
                &[(u.items[0], 992)],
            ),
        )
        .await
        .unwrap();
    let key = PostKey {
        body_id: BodyId(u.body),
        level: PostLevel::Deputy,
    };
    let plan = Plan::with_defaults(
        "2026年竞争上岗",
        d("2026-04-30"),
        vec![OfferedPost {
            body_id: key.body_id,
            body_name: "党政办公室".into(),
            level: key.level,
            seats: 1,
            sensitive: false,
        }],
    );
    let cw = CampaignWrite {
        family_id: None,
        version: 1,
        revision_reason: String::new(),
        plan,
    };
    let camp = s
        .camp_create(UnitAt::unit(dist, a), &cw, audit())
        .await
        .unwrap();
    let person = u.people[0];
    let app_id = s
        .app_save(
            CampaignAt::new(dist, a, camp),
            &ApplicationWrite {
                person_id: person,
                choices: vec![key],
                obey_adjustment: false,
                nomination: Nomination::Organisation,
                signers: 0,
            },
            audit(),
        )
        .await
        .unwrap();
    let mw = MeetingWrite {
        title: "党工委会议".into(),
        held_on: d("2026-09-20"),
        members: Vec::new(),
        items: vec![ItemWrite {
            text: "拟任 甲 为 党政办公室 中层副职".into(),
            person_id: Some(person),
            post_id: Some(post.0),
        }],
    };
    let cand = CandidateWrite {
        proposal: Proposed {
            campaign_id: camp,
            family_id: camp.0,
            plan_version: 1,
            post: key,
            post_id: post.0,
            person_id: person,
            application_id: app_id,
        },
        item_no: 1,
        recused,
    };
    OneCandidate {
        post,
        key,
        camp,
        person,
        app_id,
        mw,
        cand,
    }
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
        ..
    } = one_candidate(&u, audit, 1).await;
    let audits = s.audit_count().await.unwrap();
    let m = s
        .dec_create_meeting(
            UnitAt::unit(dist, a),
            &ProposalsWrite {
                meeting: &mw,
                candidates: std::slice::from_ref(&cand),
            },
            audit(),
        )
        .await
        .unwrap();
    assert_eq!(s.audit_count().await.unwrap(), audits + 1);
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
    s.dec_start_publicity(
        UnitAt::unit(dist, a),
        &PublicityWrite {
            ids: &[c.id],
            period,
        },
        audit(),
    )
    .await
    .unwrap();
    let e = s
        .dec_start_publicity(
            UnitAt::unit(dist, a),
            &PublicityWrite {
                ids: &[c.id],
                period,
            },
            audit(),
        )
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Conflict(Conflict::Status)), "{e:?}");
    assert!(matches!(
        s.dec_start_publicity(
            UnitAt::unit(dist, u.b),
            &PublicityWrite {
                ids: &[c.id],
                period
            },
            audit()
        )
        .await,
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
