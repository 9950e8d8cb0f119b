//! The scoring stages of a campaign (竞争上岗): written-exam scores, interview judges with
//! their recusals and sheets. Scores are decimal text, exact on both backends. A judge's
//! code is kept as SHA-256 only. Every write appends its audit row in its transaction;
//! every query is scoped by district and unit (except the lookup of a code judge, whose
//! code is all they have).

use std::collections::BTreeMap;

use async_trait::async_trait;
use rust_decimal::Decimal;

use jiguan_app::ports::{Conflict, Scoped, StoreError, StoreResult};
use jiguan_app::selection::CastBallot;
use jiguan_app::selection::campaign::CampaignAt;
use jiguan_app::selection::evaluation::{EvaluationRecord, EvaluationStore};
use jiguan_app::selection::scoring::{
    ExamScoreRecord, InspectionRecord, JudgeRecord, JudgeWrite, ScoreStore, ScoresWrite,
    SheetScore, SheetWrite,
};
use jiguan_domain::audit::AuditEntry;
use jiguan_domain::selection::scores::Conclusion;
use jiguan_domain::selection::{ApplicationId, CampaignId};
use jiguan_domain::tenancy::{DistrictId, UnitId, UserId};

use crate::SqlStore;
use crate::audit::{commit_audited, commit_created};
use crate::db::Row;
use crate::people::in_list;
use crate::selection_campaign::{
    application_in_campaign, campaign_in_unit, campaign_rows, coded, status_guarded,
};

/// Rows per multi-row statement of a sheet or an exam save.
const CHUNK: usize = 400;

pub(crate) fn dec(s: &str) -> StoreResult<Decimal> {
    s.parse::<Decimal>()
        .map_err(|e| StoreError::Backend(format!("score in database: {s}: {e}")))
}

const JUDGE_COLS: &str = "id, district_id, unit_id, campaign_id, user_id, name, recusal_declared, recused_json, submitted_at, submitted_by, on_behalf, created_by, created_at";

fn judge(r: &Row) -> StoreResult<JudgeRecord> {
    let recused: String = r.get(7)?;
    let user: Option<i64> = r.get(4)?;
    let ids: Vec<i64> = serde_json::from_str(&recused)
        .map_err(|e| StoreError::Backend(format!("recusals in database: {e}")))?;
    Ok(JudgeRecord {
        id: r.get(0)?,
        district_id: DistrictId(r.get(1)?),
        unit_id: UnitId(r.get(2)?),
        campaign_id: CampaignId(r.get(3)?),
        user_id: user.map(UserId),
        name: r.get(5)?,
        recusal_declared: r.get(6)?,
        recused: ids.into_iter().map(ApplicationId).collect(),
        submitted_at: r.get(8)?,
        submitted_by: r.get(9)?,
        on_behalf: r.get(10)?,
        created_by: r.get(11)?,
        created_at: r.get(12)?,
    })
}

#[async_trait]
impl ScoreStore for SqlStore {
    async fn sc_exam_scores(&self, at: CampaignAt) -> StoreResult<Vec<ExamScoreRecord>> {
        let (d, u, campaign) = (at.district, at.unit, at.id);
        let t = (
            "application_id, score, source, entered_by, entered_at",
            "selection_exam_scores",
            "application_id",
        );
        campaign_rows(&self.db, t, d, u, campaign, |r| {
            let s: String = r.get(1)?;
            Ok(ExamScoreRecord {
                application_id: ApplicationId(r.get(0)?),
                score: dec(&s)?,
                source: r.get(2)?,
                entered_by: r.get(3)?,
                entered_at: r.get(4)?,
            })
        })
        .await
    }

    async fn sc_exam_save(
        &self,
        at: CampaignAt,
        w: &ScoresWrite<'_>,
        audit: AuditEntry,
    ) -> StoreResult<()> {
        let (d, u, campaign) = (at.district, at.unit, at.id);
        let (scores, source, by) = (w.scores, w.source, audit.username.as_str());
        // An application listed twice keeps its last score (as one write after another).
        let last: BTreeMap<ApplicationId, Decimal> = scores.iter().copied().collect();
        let rows: Vec<(ApplicationId, Decimal)> = last.into_iter().collect();
        let mut tx = self.db.begin().await?;
        for chunk in rows.chunks(CHUNK) {
            let list = in_list(chunk.iter().map(|(a, _)| a.0));
            // Every application is the campaign's, in this district and unit.
            let found: i64 = tx
                .fetch_one(
                    &format!(
                        "SELECT COUNT(*) FROM selection_applications WHERE id IN ({list}) AND campaign_id = $1 AND district_id = $2 AND unit_id = $3"
                    ),
                    &[campaign.0.into(), d.0.into(), u.0.into()],
                )
                .await?
                .get(0)?;
            if usize::try_from(found).ok() != Some(chunk.len()) {
                return Err(StoreError::NotFound);
            }
            tx.execute(
                &format!(
                    "DELETE FROM selection_exam_scores WHERE application_id IN ({list}) AND district_id = $1 AND unit_id = $2"
                ),
                &[d.0.into(), u.0.into()],
            )
            .await?;
            // Ids and decimals are inlined (typed values: digits, sign and point only).
            let values: Vec<String> = chunk
                .iter()
                .map(|(a, s)| format!("({}, $1, $2, $3, '{s}', $4, $5, $6)", a.0))
                .collect();
            tx.execute(
                &format!(
                    "INSERT INTO selection_exam_scores (application_id, district_id, unit_id, campaign_id, score, source, entered_by, entered_at) VALUES {}",
                    values.join(", ")
                ),
                &[
                    d.0.into(),
                    u.0.into(),
                    campaign.0.into(),
                    source.into(),
                    by.into(),
                    audit.at.into(),
                ],
            )
            .await?;
        }
        commit_audited(tx, &audit).await
    }

    async fn sc_judges(&self, at: CampaignAt) -> StoreResult<Vec<JudgeRecord>> {
        let (d, u, campaign) = (at.district, at.unit, at.id);
        let t = (JUDGE_COLS, "selection_judges", "id");
        campaign_rows(&self.db, t, d, u, campaign, judge).await
    }

    async fn sc_judge_add(
        &self,
        at: CampaignAt,
        w: &JudgeWrite,
        audit: AuditEntry,
    ) -> StoreResult<i64> {
        let (d, u, campaign) = (at.district, at.unit, at.id);
        let by = audit.username.as_str();
        let mut tx = self.db.begin().await?;
        campaign_in_unit(&mut tx, d, u, campaign.0).await?;
        let id: i64 = tx
            .fetch_one(
                "INSERT INTO selection_judges (district_id, unit_id, campaign_id, user_id, name, code_hash, recusal_declared, recused_json, submitted_at, submitted_by, on_behalf, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, FALSE, '[]', NULL, '', FALSE, $7, $8) RETURNING id",
                &[
                    d.0.into(),
                    u.0.into(),
                    campaign.0.into(),
                    w.user_id.map(|x| x.0).into(),
                    w.name.as_str().into(),
                    w.code_hash.as_str().into(),
                    by.into(),
                    audit.at.into(),
                ],
            )
            .await?
            .get(0)?;
        commit_created(tx, audit, id).await?;
        Ok(id)
    }

    async fn sc_judge_by_code(&self, hash: &str) -> StoreResult<Option<JudgeRecord>> {
        if hash.is_empty() {
            return Ok(None);
        }
        self.db
            .fetch_optional(
                &format!("SELECT {JUDGE_COLS} FROM selection_judges WHERE code_hash = $1"),
                &[hash.into()],
            )
            .await?
            .as_ref()
            .map(judge)
            .transpose()
    }

    async fn sc_judge_recusal(
        &self,
        at: Scoped<i64>,
        recused: &[ApplicationId],
        audit: AuditEntry,
    ) -> StoreResult<()> {
        let (d, u, judge) = (at.district, at.unit, at.id);
        let ids: Vec<i64> = recused.iter().map(|a| a.0).collect();
        let json = serde_json::to_string(&ids)
            .map_err(|e| StoreError::Backend(format!("recusals: {e}")))?;
        let mut tx = self.db.begin().await?;
        let n = tx
            .execute(
                "UPDATE selection_judges SET recusal_declared = TRUE, recused_json = $1 \
                 WHERE id = $2 AND district_id = $3 AND unit_id = $4 AND submitted_at IS NULL",
                &[json.into(), judge.into(), d.0.into(), u.0.into()],
            )
            .await?;
        status_guarded(n)?;
        commit_audited(tx, &audit).await
    }

    async fn sc_sheet_submit(
        &self,
        at: Scoped<i64>,
        w: &SheetWrite<'_>,
        audit: AuditEntry,
    ) -> StoreResult<()> {
        let (d, u, judge) = (at.district, at.unit, at.id);
        let (scores, on_behalf, by) = (w.scores, w.on_behalf, w.by);
        let mut tx = self.db.begin().await?;
        // Locks the sheet: only one submission wins.
        let n = tx
            .execute(
                "UPDATE selection_judges SET submitted_at = $1, submitted_by = $2, on_behalf = $3 \
                 WHERE id = $4 AND district_id = $5 AND unit_id = $6 AND submitted_at IS NULL",
                &[
                    audit.at.into(),
                    by.into(),
                    on_behalf.into(),
                    judge.into(),
                    d.0.into(),
                    u.0.into(),
                ],
            )
            .await?;
        status_guarded(n)?;
        for chunk in scores.chunks(CHUNK) {
            // Ids and decimals are inlined (typed values: digits, sign and point only).
            let values: Vec<String> = chunk
                .iter()
                .map(|(a, s)| format!("($1, {}, $2, $3, '{s}')", a.0))
                .collect();
            tx.execute(
                &format!(
                    "INSERT INTO selection_judge_scores (judge_id, application_id, district_id, unit_id, score) VALUES {}",
                    values.join(", ")
                ),
                &[judge.into(), d.0.into(), u.0.into()],
            )
            .await?;
        }
        commit_audited(tx, &audit).await
    }

    async fn sc_sheets(&self, at: CampaignAt) -> StoreResult<Vec<SheetScore>> {
        let (d, u, campaign) = (at.district, at.unit, at.id);
        self.db
            .fetch_all(
                "SELECT s.judge_id, s.application_id, s.score FROM selection_judge_scores s \
                 JOIN selection_judges j ON j.id = s.judge_id AND j.district_id = s.district_id AND j.unit_id = s.unit_id \
                 WHERE s.district_id = $1 AND s.unit_id = $2 AND j.campaign_id = $3 AND j.submitted_at IS NOT NULL \
                 ORDER BY s.judge_id, s.application_id",
                &[d.0.into(), u.0.into(), campaign.0.into()],
            )
            .await?
            .iter()
            .map(|r| {
                let s: String = r.get(2)?;
                Ok(SheetScore {
                    judge_id: r.get(0)?,
                    application_id: ApplicationId(r.get(1)?),
                    score: dec(&s)?,
                })
            })
            .collect()
    }

    async fn sc_inspections(&self, at: CampaignAt) -> StoreResult<Vec<InspectionRecord>> {
        let (d, u, campaign) = (at.district, at.unit, at.id);
        let t = (
            "application_id, team, material, conclusion, recorded_by, recorded_at",
            "selection_inspections",
            "application_id",
        );
        campaign_rows(&self.db, t, d, u, campaign, |r| {
            let c: String = r.get(3)?;
            Ok(InspectionRecord {
                application_id: ApplicationId(r.get(0)?),
                team: r.get(1)?,
                material: r.get(2)?,
                conclusion: coded(&c, "conclusion", Conclusion::from_code)?,
                recorded_by: r.get(4)?,
                recorded_at: r.get(5)?,
            })
        })
        .await
    }

    async fn sc_inspection_save(
        &self,
        at: CampaignAt,
        r: &InspectionRecord,
        audit: AuditEntry,
    ) -> StoreResult<()> {
        let (d, u, campaign) = (at.district, at.unit, at.id);
        let mut tx = self.db.begin().await?;
        application_in_campaign(&mut tx, d, u, campaign, r.application_id).await?;
        tx.execute(
            "DELETE FROM selection_inspections WHERE application_id = $1 AND district_id = $2 AND unit_id = $3",
            &[r.application_id.0.into(), d.0.into(), u.0.into()],
        )
        .await?;
        tx.execute(
            "INSERT INTO selection_inspections (application_id, district_id, unit_id, campaign_id, team, material, conclusion, recorded_by, recorded_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            &[
                r.application_id.0.into(),
                d.0.into(),
                u.0.into(),
                campaign.0.into(),
                r.team.as_str().into(),
                r.material.as_str().into(),
                r.conclusion.code().into(),
                r.recorded_by.as_str().into(),
                audit.at.into(),
            ],
        )
        .await?;
        commit_audited(tx, &audit).await
    }
}

#[async_trait]
impl EvaluationStore for SqlStore {
    async fn ev_get(&self, at: CampaignAt) -> StoreResult<Option<EvaluationRecord>> {
        let (d, u, campaign) = (at.district, at.unit, at.id);
        let Some(row) = self
            .db
            .fetch_optional(
                "SELECT issued, closed_at FROM selection_evaluations WHERE campaign_id = $1 AND district_id = $2 AND unit_id = $3",
                &[campaign.0.into(), d.0.into(), u.0.into()],
            )
            .await?
        else {
            return Ok(None);
        };
        let used: i64 = self
            .db
            .fetch_one(
                "SELECT COUNT(*) FROM selection_eval_codes WHERE campaign_id = $1 AND district_id = $2 AND unit_id = $3 AND used = $4",
                &[campaign.0.into(), d.0.into(), u.0.into(), true.into()],
            )
            .await?
            .get(0)?;
        Ok(Some(EvaluationRecord {
            campaign_id: campaign,
            issued: row.get(0)?,
            used,
            closed_at: row.get(1)?,
        }))
    }

    async fn ev_issue(
        &self,
        at: CampaignAt,
        hashes: &[String],
        audit: AuditEntry,
    ) -> StoreResult<()> {
        let (d, u, campaign) = (at.district, at.unit, at.id);
        let mut tx = self.db.begin().await?;
        campaign_in_unit(&mut tx, d, u, campaign.0).await?;
        let n = i64::try_from(hashes.len()).unwrap_or(i64::MAX);
        let row = tx
            .fetch_optional(
                "SELECT closed_at FROM selection_evaluations WHERE campaign_id = $1 AND district_id = $2 AND unit_id = $3",
                &[campaign.0.into(), d.0.into(), u.0.into()],
            )
            .await?;
        match row {
            None => {
                tx.execute(
                    "INSERT INTO selection_evaluations (campaign_id, district_id, unit_id, issued, closed_at) VALUES ($1, $2, $3, $4, NULL)",
                    &[campaign.0.into(), d.0.into(), u.0.into(), n.into()],
                )
                .await?;
            }
            Some(r) => {
                let closed: Option<chrono::DateTime<chrono::Utc>> = r.get(0)?;
                if closed.is_some() {
                    return Err(StoreError::Conflict(Conflict::Status));
                }
                tx.execute(
                    "UPDATE selection_evaluations SET issued = issued + $1 WHERE campaign_id = $2 AND district_id = $3 AND unit_id = $4 AND closed_at IS NULL",
                    &[n.into(), campaign.0.into(), d.0.into(), u.0.into()],
                )
                .await?;
            }
        }
        for h in hashes {
            tx.execute(
                "INSERT INTO selection_eval_codes (campaign_id, district_id, unit_id, code_hash, used) VALUES ($1, $2, $3, $4, $5)",
                &[campaign.0.into(), d.0.into(), u.0.into(), h.as_str().into(), false.into()],
            )
            .await?;
        }
        commit_audited(tx, &audit).await
    }

    async fn ev_cast(&self, at: CampaignAt, b: CastBallot<'_>) -> StoreResult<bool> {
        let (d, u, campaign) = (at.district, at.unit, at.id);
        let mut tx = self.db.begin().await?;
        // Only an unused code of an open evaluation of this unit is consumed.
        let changed = tx
            .execute(
                "UPDATE selection_eval_codes SET used = $5 WHERE campaign_id = $1 AND district_id = $2 AND unit_id = $3 AND code_hash = $4 AND used = $6 \
                 AND EXISTS (SELECT 1 FROM selection_evaluations e WHERE e.campaign_id = $1 AND e.district_id = $2 AND e.unit_id = $3 AND e.closed_at IS NULL)",
                &[campaign.0.into(), d.0.into(), u.0.into(), b.token_hash.into(), true.into(), false.into()],
            )
            .await?;
        if changed != 1 {
            // Dropped without commit: nothing written.
            return Ok(false);
        }
        tx.execute(
            "INSERT INTO selection_eval_ballots (campaign_id, district_id, unit_id, ballot_key, marks_json) VALUES ($1, $2, $3, $4, $5)",
            &[campaign.0.into(), d.0.into(), u.0.into(), b.key.into(), b.marks.into()],
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn ev_close(&self, at: CampaignAt, audit: AuditEntry) -> StoreResult<()> {
        let (d, u, campaign) = (at.district, at.unit, at.id);
        let mut tx = self.db.begin().await?;
        let n = tx
            .execute(
                "UPDATE selection_evaluations SET closed_at = $1 WHERE campaign_id = $2 AND district_id = $3 AND unit_id = $4 AND closed_at IS NULL",
                &[audit.at.into(), campaign.0.into(), d.0.into(), u.0.into()],
            )
            .await?;
        status_guarded(n)?;
        commit_audited(tx, &audit).await
    }

    async fn ev_ballots(&self, at: CampaignAt) -> StoreResult<Vec<String>> {
        let (d, u, campaign) = (at.district, at.unit, at.id);
        let t = ("marks_json", "selection_eval_ballots", "ballot_key");
        campaign_rows(&self.db, t, d, u, campaign, |r| r.get(0)).await
    }
}
