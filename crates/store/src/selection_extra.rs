//! 加试 results (`selection_extra_tests`) and probation-end evaluations
//! (`selection_probation_reviews`) of competitive selection. A dismissal (免去试任职务) ends
//! the appointment's post assignment and writes the person's history row in the same
//! transaction as the evaluation and its audit row. Every query is scoped by district and
//! unit.

use async_trait::async_trait;
use rust_decimal::Decimal;

use jiguan_app::ports::{Conflict, StoreError, StoreResult, UnitAt};
use jiguan_app::selection::campaign::CampaignAt;
use jiguan_app::selection::extra::{
    ExtraStore, ExtraTestRecord, ProbationReviewRecord, ProbationWrite,
};
use jiguan_domain::audit::AuditEntry;
use jiguan_domain::selection::probation::{ProbationResult, ProbationVotes};
use jiguan_domain::selection::{ApplicationId, CampaignId};
use jiguan_domain::tenancy::{DistrictId, UnitId};

use crate::SqlStore;
use crate::audit::commit_audited;
use crate::db::Row;
use crate::selection_scores::dec;

fn count(r: &Row, i: usize) -> StoreResult<u32> {
    let n: i64 = r.get(i)?;
    u32::try_from(n).map_err(|_| StoreError::Backend(format!("vote count in database: {n}")))
}

fn review(r: &Row) -> StoreResult<ProbationReviewRecord> {
    let result: String = r.get(6)?;
    Ok(ProbationReviewRecord {
        candidate_id: r.get(0)?,
        decided_on: r.get(1)?,
        votes: ProbationVotes {
            excellent: count(r, 2)?,
            competent: count(r, 3)?,
            basic: count(r, 4)?,
            incompetent: count(r, 5)?,
        },
        result: ProbationResult::from_code(&result)
            .ok_or_else(|| StoreError::Backend(format!("unknown probation result: {result}")))?,
        doc_no: r.get(7)?,
        note: r.get(8)?,
        ended_assignment_id: r.get(9)?,
        created_by: r.get(10)?,
        created_at: r.get(11)?,
    })
}

#[async_trait]
impl ExtraStore for SqlStore {
    async fn sc_extra_tests(
        &self,
        d: DistrictId,
        u: UnitId,
        campaign: CampaignId,
    ) -> StoreResult<Vec<ExtraTestRecord>> {
        self.db
            .fetch_all(
                "SELECT application_id, score, entered_by, entered_at FROM selection_extra_tests \
                 WHERE district_id = $1 AND unit_id = $2 AND campaign_id = $3 ORDER BY application_id",
                &[d.0.into(), u.0.into(), campaign.0.into()],
            )
            .await?
            .iter()
            .map(|r| {
                let s: String = r.get(1)?;
                Ok(ExtraTestRecord {
                    application_id: ApplicationId(r.get(0)?),
                    score: dec(&s)?,
                    entered_by: r.get(2)?,
                    entered_at: r.get(3)?,
                })
            })
            .collect()
    }

    async fn sc_extra_test_save(
        &self,
        at: CampaignAt,
        scores: &[(ApplicationId, Decimal)],
        audit: AuditEntry,
    ) -> StoreResult<()> {
        let (d, u, campaign) = (at.district, at.unit, at.id);
        let mut tx = self.db.begin().await?;
        for (a, s) in scores {
            tx.fetch_optional(
                "SELECT id FROM selection_applications WHERE id = $1 AND campaign_id = $2 AND district_id = $3 AND unit_id = $4",
                &[a.0.into(), campaign.0.into(), d.0.into(), u.0.into()],
            )
            .await?
            .ok_or(StoreError::NotFound)?;
            tx.execute(
                "DELETE FROM selection_extra_tests WHERE application_id = $1 AND district_id = $2 AND unit_id = $3",
                &[a.0.into(), d.0.into(), u.0.into()],
            )
            .await?;
            tx.execute(
                "INSERT INTO selection_extra_tests (application_id, district_id, unit_id, campaign_id, score, entered_by, entered_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
                &[
                    a.0.into(),
                    d.0.into(),
                    u.0.into(),
                    campaign.0.into(),
                    s.to_string().into(),
                    audit.username.as_str().into(),
                    audit.at.into(),
                ],
            )
            .await?;
        }
        commit_audited(tx, &audit).await
    }

    async fn dec_probation_reviews(
        &self,
        d: DistrictId,
        u: UnitId,
    ) -> StoreResult<Vec<ProbationReviewRecord>> {
        self.db
            .fetch_all(
                "SELECT candidate_id, decided_on, excellent, competent, basic, incompetent, result, doc_no, note, ended_assignment_id, created_by, created_at \
                 FROM selection_probation_reviews WHERE district_id = $1 AND unit_id = $2 ORDER BY candidate_id",
                &[d.0.into(), u.0.into()],
            )
            .await?
            .iter()
            .map(review)
            .collect()
    }

    async fn dec_probation_review(
        &self,
        at: UnitAt,
        w: &ProbationWrite,
        audit: AuditEntry,
    ) -> StoreResult<()> {
        let (d, u) = (at.district, at.unit);
        let r = &w.review;
        let mut tx = self.db.begin().await?;
        // The same lock as people writes and the appointment: no move races this.
        tx.lock_people(d.0).await?;
        // An appointed candidate of this district and unit, not yet evaluated.
        tx.fetch_optional(
            "SELECT id FROM selection_candidates WHERE id = $1 AND district_id = $2 AND unit_id = $3 AND appointed_on IS NOT NULL",
            &[r.candidate_id.into(), d.0.into(), u.0.into()],
        )
        .await?
        .ok_or(StoreError::NotFound)?;
        let done = tx
            .fetch_optional(
                "SELECT candidate_id FROM selection_probation_reviews WHERE candidate_id = $1",
                &[r.candidate_id.into()],
            )
            .await?;
        if done.is_some() {
            return Err(StoreError::Conflict(Conflict::Status));
        }
        tx.execute(
            "INSERT INTO selection_probation_reviews (candidate_id, district_id, unit_id, decided_on, excellent, competent, basic, incompetent, result, doc_no, note, ended_assignment_id, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
            &[
                r.candidate_id.into(),
                d.0.into(),
                u.0.into(),
                r.decided_on.into(),
                i64::from(r.votes.excellent).into(),
                i64::from(r.votes.competent).into(),
                i64::from(r.votes.basic).into(),
                i64::from(r.votes.incompetent).into(),
                r.result.code().into(),
                r.doc_no.as_str().into(),
                r.note.as_str().into(),
                r.ended_assignment_id.into(),
                r.created_by.as_str().into(),
                r.created_at.into(),
            ],
        )
        .await?;
        if let Some(a) = &w.assignments {
            crate::posts::write_assignments_tx(&mut tx, d, u, a).await?;
        }
        crate::people::move_event_tx(
            &mut tx,
            d,
            w.person_id,
            r.decided_on,
            &r.doc_no,
            &w.history_note,
            (r.created_at, &r.created_by),
        )
        .await?;
        commit_audited(tx, &audit).await
    }
}
