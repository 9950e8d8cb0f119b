//! The end of competitive selection (竞争上岗): the candidates proposed for the committee's
//! decision (`selection_candidates`, one per meeting item), the publicity dates, the
//! objections (`selection_objections`) and the appointment, which writes the post
//! assignment and the person's history in the same transaction. Every query is scoped by
//! district and unit.

use async_trait::async_trait;

use jiguan_app::ports::{Conflict, Scoped, StoreError, StoreResult, UnitAt};
use jiguan_app::selection::decision::{
    AppointWrite, CandidateRecord, DecisionStore, ObjectionRecord, ObjectionWrite, ProposalsWrite,
    Proposed, PublicityWrite, ResolutionWrite,
};
use jiguan_domain::audit::AuditEntry;
use jiguan_domain::org::BodyId;
use jiguan_domain::posts::{AssignmentId, PostLevel};
use jiguan_domain::selection::dates::PublicityOutcome;
use jiguan_domain::selection::plan::PostKey;
use jiguan_domain::selection::{ApplicationId, CampaignId, MeetingId};
use jiguan_domain::tenancy::{DistrictId, UnitId};

use crate::SqlStore;
use crate::audit::{commit_audited, commit_created};
use crate::db::{Db, Row};
use crate::selection_campaign::{campaign_in_unit, coded, status_guarded};

const COLS: &str = "id, district_id, unit_id, campaign_id, family_id, plan_version, body_id, level, post_id, person_id, application_id, meeting_id, item_no, publicity_start, publicity_last, earliest_appointment, publicity_by, appointed_on, assignment_id, probation_end, term_end, appointed_by, created_by, created_at";

fn candidate(r: &Row) -> StoreResult<CandidateRecord> {
    let level: String = r.get(7)?;
    Ok(CandidateRecord {
        id: r.get(0)?,
        district_id: DistrictId(r.get(1)?),
        unit_id: UnitId(r.get(2)?),
        proposal: Proposed {
            campaign_id: CampaignId(r.get(3)?),
            family_id: r.get(4)?,
            plan_version: r.get(5)?,
            post: PostKey {
                body_id: BodyId(r.get(6)?),
                level: coded(&level, "post level", PostLevel::from_code)?,
            },
            post_id: r.get(8)?,
            person_id: r.get(9)?,
            application_id: ApplicationId(r.get(10)?),
        },
        meeting_id: MeetingId(r.get(11)?),
        item_no: r.get(12)?,
        publicity_start: r.get(13)?,
        publicity_last: r.get(14)?,
        earliest_appointment: r.get(15)?,
        publicity_by: r.get(16)?,
        appointed_on: r.get(17)?,
        assignment_id: r.get(18)?,
        probation_end: r.get(19)?,
        term_end: r.get(20)?,
        appointed_by: r.get(21)?,
        created_by: r.get(22)?,
        created_at: r.get(23)?,
    })
}

const OBJ_COLS: &str = "o.id, o.candidate_id, o.received_on, o.content, o.outcome, o.resolution, o.created_by, o.created_at, o.resolved_by, o.resolved_at";

fn objection(r: &Row) -> StoreResult<ObjectionRecord> {
    let outcome: String = r.get(4)?;
    Ok(ObjectionRecord {
        id: r.get(0)?,
        candidate_id: r.get(1)?,
        received_on: r.get(2)?,
        content: r.get(3)?,
        outcome: if outcome.is_empty() {
            None
        } else {
            Some(coded(
                &outcome,
                "objection outcome",
                PublicityOutcome::from_code,
            )?)
        },
        resolution: r.get(5)?,
        created_by: r.get(6)?,
        created_at: r.get(7)?,
        resolved_by: r.get(8)?,
        resolved_at: r.get(9)?,
    })
}

/// The rows of the unit's campaign family `f` (`by_family`: parameters `$1` district, `$2`
/// unit, `$3` family), or of all its campaigns (`all`: `$1`, `$2`) when there is none.
async fn family_rows(
    db: &Db,
    (d, u, family): (DistrictId, UnitId, Option<i64>),
    by_family: &str,
    all: &str,
) -> StoreResult<Vec<Row>> {
    match family {
        Some(f) => {
            db.fetch_all(by_family, &[d.0.into(), u.0.into(), f.into()])
                .await
        }
        None => db.fetch_all(all, &[d.0.into(), u.0.into()]).await,
    }
}

#[async_trait]
impl DecisionStore for SqlStore {
    async fn dec_candidates(
        &self,
        d: DistrictId,
        u: UnitId,
        family: Option<i64>,
    ) -> StoreResult<Vec<CandidateRecord>> {
        let rows = family_rows(
            &self.db,
            (d, u, family),
            &format!("SELECT {COLS} FROM selection_candidates WHERE district_id = $1 AND unit_id = $2 AND family_id = $3 ORDER BY id"),
            &format!("SELECT {COLS} FROM selection_candidates WHERE district_id = $1 AND unit_id = $2 ORDER BY id"),
        )
        .await?;
        rows.iter().map(candidate).collect()
    }

    async fn dec_create_meeting(
        &self,
        at: UnitAt,
        w: &ProposalsWrite<'_>,
        audit: AuditEntry,
    ) -> StoreResult<MeetingId> {
        let (d, u, by) = (at.district, at.unit, audit.username.as_str());
        let (m, candidates) = (w.meeting, w.candidates);
        let mut tx = self.db.begin().await?;
        // Every candidate's campaign must be the unit's.
        let mut campaigns: Vec<i64> = candidates.iter().map(|c| c.campaign_id.0).collect();
        campaigns.dedup();
        for c in campaigns {
            campaign_in_unit(&mut tx, d, u, c).await?;
        }
        let id = crate::selection::create_meeting_tx(&mut tx, d, u, m, by, audit.at).await?;
        for c in candidates {
            tx.execute(
                "UPDATE committee_items SET recused = $1 WHERE meeting_id = $2 AND district_id = $3 AND unit_id = $4 AND item_no = $5",
                &[c.recused.into(), id.into(), d.0.into(), u.0.into(), c.item_no.into()],
            )
            .await?;
            tx.execute(
                "INSERT INTO selection_candidates (district_id, unit_id, campaign_id, family_id, plan_version, body_id, level, post_id, person_id, application_id, meeting_id, item_no, \
                 publicity_start, publicity_last, earliest_appointment, publicity_by, appointed_on, assignment_id, probation_end, term_end, appointed_by, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, NULL, NULL, NULL, '', NULL, NULL, NULL, NULL, '', $13, $14)",
                &[
                    d.0.into(),
                    u.0.into(),
                    c.campaign_id.0.into(),
                    c.family_id.into(),
                    c.plan_version.into(),
                    c.post.body_id.0.into(),
                    c.post.level.code().into(),
                    c.post_id.into(),
                    c.person_id.into(),
                    c.application_id.0.into(),
                    id.into(),
                    c.item_no.into(),
                    by.into(),
                    audit.at.into(),
                ],
            )
            .await?;
        }
        commit_created(tx, audit, id).await?;
        Ok(MeetingId(id))
    }

    async fn dec_start_publicity(
        &self,
        at: UnitAt,
        w: &PublicityWrite<'_>,
        audit: AuditEntry,
    ) -> StoreResult<()> {
        let (d, u, by) = (at.district, at.unit, audit.username.as_str());
        let (ids, (start, last, earliest)) = (w.ids, w.period);
        let mut tx = self.db.begin().await?;
        for id in ids {
            let n = tx
                .execute(
                    "UPDATE selection_candidates SET publicity_start = $1, publicity_last = $2, earliest_appointment = $3, publicity_by = $4 \
                     WHERE id = $5 AND district_id = $6 AND unit_id = $7 AND publicity_start IS NULL",
                    &[
                        start.into(),
                        last.into(),
                        earliest.into(),
                        by.into(),
                        (*id).into(),
                        d.0.into(),
                        u.0.into(),
                    ],
                )
                .await?;
            status_guarded(n)?;
        }
        commit_audited(tx, &audit).await
    }

    async fn dec_objections(
        &self,
        d: DistrictId,
        u: UnitId,
        family: Option<i64>,
    ) -> StoreResult<Vec<ObjectionRecord>> {
        let rows = family_rows(
            &self.db,
            (d, u, family),
            &format!("SELECT {OBJ_COLS} FROM selection_objections o JOIN selection_candidates c ON c.id = o.candidate_id \
                      WHERE o.district_id = $1 AND o.unit_id = $2 AND c.district_id = $1 AND c.unit_id = $2 AND c.family_id = $3 ORDER BY o.id"),
            &format!("SELECT {OBJ_COLS} FROM selection_objections o WHERE o.district_id = $1 AND o.unit_id = $2 ORDER BY o.id"),
        )
        .await?;
        rows.iter().map(objection).collect()
    }

    async fn dec_add_objection(
        &self,
        at: Scoped<i64>,
        w: &ObjectionWrite<'_>,
        audit: AuditEntry,
    ) -> StoreResult<i64> {
        let (d, u, candidate) = (at.district, at.unit, at.id);
        let (received_on, content, by) = (w.received_on, w.content, audit.username.as_str());
        let mut tx = self.db.begin().await?;
        // The candidate must be the unit's, publicised and not yet appointed.
        let ok = tx
            .fetch_optional(
                "SELECT id FROM selection_candidates WHERE id = $1 AND district_id = $2 AND unit_id = $3 AND publicity_start IS NOT NULL AND appointed_on IS NULL",
                &[candidate.into(), d.0.into(), u.0.into()],
            )
            .await?;
        if ok.is_none() {
            return Err(StoreError::Conflict(Conflict::Status));
        }
        let id: i64 = tx
            .fetch_one(
                "INSERT INTO selection_objections (district_id, unit_id, candidate_id, received_on, content, outcome, resolution, created_by, created_at, resolved_by, resolved_at) \
                 VALUES ($1, $2, $3, $4, $5, '', '', $6, $7, '', NULL) RETURNING id",
                &[
                    d.0.into(),
                    u.0.into(),
                    candidate.into(),
                    received_on.into(),
                    content.into(),
                    by.into(),
                    audit.at.into(),
                ],
            )
            .await?
            .get(0)?;
        commit_audited(tx, &audit).await?;
        Ok(id)
    }

    async fn dec_resolve_objection(
        &self,
        at: Scoped<i64>,
        w: &ResolutionWrite<'_>,
        audit: AuditEntry,
    ) -> StoreResult<()> {
        let (d, u, id) = (at.district, at.unit, at.id);
        let (outcome, resolution, by) = (w.outcome, w.resolution, audit.username.as_str());
        let mut tx = self.db.begin().await?;
        let n = tx
            .execute(
                "UPDATE selection_objections SET outcome = $1, resolution = $2, resolved_by = $3, resolved_at = $4 \
                 WHERE id = $5 AND district_id = $6 AND unit_id = $7 AND outcome = ''",
                &[
                    outcome.code().into(),
                    resolution.into(),
                    by.into(),
                    audit.at.into(),
                    id.into(),
                    d.0.into(),
                    u.0.into(),
                ],
            )
            .await?;
        status_guarded(n)?;
        commit_audited(tx, &audit).await
    }

    async fn dec_appoint(
        &self,
        at: UnitAt,
        w: &AppointWrite,
        audit: AuditEntry,
    ) -> StoreResult<AssignmentId> {
        let (d, u, by) = (at.district, at.unit, audit.username.as_str());
        let mut tx = self.db.begin().await?;
        // The same lock as people writes and the two-way apply: no move races this.
        tx.lock_people(d.0).await?;
        // No objection may be open at the moment of writing.
        let open: i64 = tx
            .fetch_one(
                "SELECT CAST(COUNT(*) AS BIGINT) FROM selection_objections WHERE district_id = $1 AND unit_id = $2 AND candidate_id = $3 AND outcome = ''",
                &[d.0.into(), u.0.into(), w.candidate_id.into()],
            )
            .await?
            .get(0)?;
        if open > 0 {
            return Err(StoreError::Conflict(Conflict::Status));
        }
        let on_post = tx
            .fetch_optional(
                "SELECT id FROM people WHERE district_id = $1 AND unit_id = $2 AND id = $3 AND status IN ('on_post', 'lent_out')",
                &[d.0.into(), u.0.into(), w.person_id.into()],
            )
            .await?;
        if on_post.is_none() {
            return Err(StoreError::Conflict(Conflict::Person(w.person_id)));
        }
        let ids = crate::posts::write_assignments_tx(&mut tx, d, u, &w.assignments).await?;
        let Some(new) = ids.first().copied() else {
            return Err(StoreError::NotFound);
        };
        let n = tx
            .execute(
                "UPDATE selection_candidates SET appointed_on = $1, assignment_id = $2, probation_end = $3, term_end = $4, appointed_by = $5 \
                 WHERE id = $6 AND district_id = $7 AND unit_id = $8 AND appointed_on IS NULL AND publicity_start IS NOT NULL",
                &[
                    w.on.into(),
                    new.0.into(),
                    w.probation_end.into(),
                    w.term_end.into(),
                    by.into(),
                    w.candidate_id.into(),
                    d.0.into(),
                    u.0.into(),
                ],
            )
            .await?;
        status_guarded(n)?;
        crate::people::move_event_tx(
            &mut tx,
            d,
            w.person_id,
            w.on,
            &w.doc_no,
            &w.note,
            (w.assignments.at, by),
        )
        .await?;
        commit_audited(tx, &audit).await?;
        Ok(new)
    }
}
