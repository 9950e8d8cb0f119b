//! Two manual entries at the edges of competitive selection (竞争上岗, issue 13):
//!
//! - **加试** (extra test, RULES-SELECTION-APPRAISAL §1.7.5 [S3]): the last key of the
//!   plan's tie-break order is a manual result entry. It is entered only for candidates the
//!   ranking leaves tied on every other key (a result already entered may be corrected), and
//!   only when the plan's tie-break order has it. The results (`results.rs`) then rank by it.
//! - **试用期满考核** (probation-end evaluation, §1.11.3 [S3]): at the end of the 试用期 of an
//!   appointed candidate, the evaluation's votes and the result: 正式任职 (confirmed; the
//!   probation counts as time in post, nothing else changes) or 免去试任职务 (dismissed: the
//!   post assignment of the appointment ends on the decision date, and a dated history row
//!   of the person records it; "一般按试任前职级安排工作" is then done in 岗位管理). The local
//!   rule 优秀+称职 ≤ 2/3 → not confirmed (`selection::probation`) applies when the
//!   district parameter `selection.probation_two_thirds_rule` is on (default).

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use jiguan_domain::FieldError;
use jiguan_domain::audit::{AuditAction, AuditEntry, ObjectKind};
use jiguan_domain::auth::{Action, Actor};
use jiguan_domain::error::Errors;
use jiguan_domain::people::parse_date;
use jiguan_domain::posts::AssignmentId;
use jiguan_domain::rules::keys;
use jiguan_domain::selection::plan::TieKey;
use jiguan_domain::selection::probation::{ProbationResult, ProbationVotes, check_review};
use jiguan_domain::selection::scores::parse_score;
use jiguan_domain::selection::{ApplicationId, CampaignId};
use jiguan_domain::tenancy::{DistrictId, UnitId};

use super::scoring::ExamEntry;
use crate::ports::{Conflict, StoreError, StoreResult, UnitAt};
use crate::posts::AssignmentWrite;
use crate::selection::campaign::CampaignAt;
use crate::{App, AppError, AppResult};

/// A 加试 result as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExtraTestRecord {
    pub application_id: ApplicationId,
    pub score: Decimal,
    pub entered_by: String,
    pub entered_at: DateTime<Utc>,
}

/// A probation-end evaluation as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProbationReviewRecord {
    pub candidate_id: i64,
    pub decided_on: NaiveDate,
    pub votes: ProbationVotes,
    pub result: ProbationResult,
    pub doc_no: String,
    pub note: String,
    /// For a dismissal: the post assignment of the appointment that was ended.
    pub ended_assignment_id: Option<i64>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

/// The evaluation as written in one transaction: the review, for a dismissal the ended
/// assignment (`assignments.end`, nothing created) and the person's history row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbationWrite {
    pub review: ProbationReviewRecord,
    pub person_id: i64,
    pub assignments: Option<AssignmentWrite>,
    pub history_note: String,
}

/// Storage of the 加试 results and the probation evaluations.
#[async_trait]
pub trait ExtraStore: Send + Sync {
    /// The 加试 results of a campaign version.
    async fn sc_extra_tests(
        &self,
        d: DistrictId,
        u: UnitId,
        campaign: CampaignId,
    ) -> StoreResult<Vec<ExtraTestRecord>>;
    /// Inserts or replaces the results in one transaction with the audit row.
    async fn sc_extra_test_save(
        &self,
        at: CampaignAt,
        scores: &[(ApplicationId, Decimal)],
        audit: AuditEntry,
    ) -> StoreResult<()>;
    /// The probation evaluations of the unit's candidates.
    async fn dec_probation_reviews(
        &self,
        d: DistrictId,
        u: UnitId,
    ) -> StoreResult<Vec<ProbationReviewRecord>>;
    /// Writes the evaluation (`Conflict(Status)` when the candidate already has one; the
    /// posts' conflicts as in `write_assignments`).
    async fn dec_probation_review(
        &self,
        at: UnitAt,
        w: &ProbationWrite,
        audit: AuditEntry,
    ) -> StoreResult<()>;
}

/// The probation-end evaluation as entered.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ProbationForm {
    /// YYYY-MM-DD.
    pub decided_on: String,
    pub excellent: String,
    pub competent: String,
    pub basic: String,
    pub incompetent: String,
    /// `confirmed` (正式任职) or `dismissed` (免去试任职务).
    pub result: String,
    pub doc_no: String,
    pub note: String,
}

/// Longest note of a probation evaluation.
pub const PROBATION_NOTE_MAX: usize = 500;

fn votes(errs: &mut Errors, field: &str, s: &str) -> u32 {
    let t = s.trim();
    if t.is_empty() {
        return 0;
    }
    match t.parse::<u32>() {
        Ok(n) if n <= 100_000 => n,
        _ => {
            errs.push(FieldError::new(field, "number_invalid"));
            0
        }
    }
}

impl App {
    /// Enters 加试 results (SelectionManage) for candidates the ranking leaves tied on
    /// every other key of the plan's order (or whose result is corrected). Errors:
    /// `scores` (`selection_extra_test_not_in_plan`, `selection_no_scores`),
    /// `extra_<application>` (`selection_extra_test_not_tied`, the score's
    /// `required`/`score_invalid`/`out_of_range`), `scores[i].application_id`
    /// (`selection_not_candidate`).
    pub async fn sel_extra_test_save(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: CampaignId,
        entries: &[ExamEntry],
    ) -> AppResult<usize> {
        let c = self
            .published_for(actor, Action::SelectionManage, unit, id)
            .await?;
        if !c.plan.tie_break.contains(&TieKey::ExtraTest) {
            return Err(AppError::field(
                "scores",
                "selection_extra_test_not_in_plan",
            ));
        }
        let v = self.sel_results(actor, unit, id).await?;
        let lines: Vec<_> = v.posts.iter().flat_map(|p| p.lines.iter()).collect();
        let mut errs = Errors::new();
        let mut out: Vec<(ApplicationId, Decimal)> = Vec::new();
        for (i, e) in entries.iter().enumerate() {
            let line = e
                .application_id
                .trim()
                .parse::<i64>()
                .ok()
                .and_then(|a| lines.iter().find(|l| l.candidate.application_id.0 == a));
            let Some(line) = line else {
                errs.push(
                    FieldError::new(
                        format!("scores[{i}].application_id"),
                        "selection_not_candidate",
                    )
                    .with("value", e.application_id.trim()),
                );
                continue;
            };
            let aid = line.candidate.application_id;
            let field = format!("extra_{}", aid.0);
            if e.score.trim().is_empty() {
                continue;
            }
            if !line.tied && line.scores.extra_test.is_none() {
                errs.push(FieldError::new(&field, "selection_extra_test_not_tied"));
                continue;
            }
            if let Some(s) = errs.take(parse_score(&field, &e.score)) {
                out.push((aid, s));
            }
        }
        errs.into_result()?;
        if out.is_empty() {
            return Err(FieldError::new("scores", "selection_no_scores").into());
        }
        let lines: Vec<serde_json::Value> = out
            .iter()
            .map(|(a, s)| serde_json::json!({"application_id": a.0, "score": s}))
            .collect();
        let audit = self
            .audit(actor)
            .unit(unit)
            .did(AuditAction::SelectionExtraTestSave)
            .on(ObjectKind::SelectionCampaign, id.0)
            .after(&serde_json::json!({"plan_version": c.version, "scores": lines}));
        self.store
            .sc_extra_test_save(CampaignAt::of(actor, unit, id), &out, audit)
            .await?;
        Ok(out.len())
    }

    /// The 加试 results of a campaign version by application (for the results).
    pub(crate) async fn sc_extra_of(
        &self,
        d: DistrictId,
        unit: UnitId,
        id: CampaignId,
    ) -> AppResult<std::collections::BTreeMap<ApplicationId, Decimal>> {
        Ok(self
            .store
            .sc_extra_tests(d, unit, id)
            .await?
            .into_iter()
            .map(|r| (r.application_id, r.score))
            .collect())
    }

    /// The probation evaluations of the unit by candidate (SelectionView).
    pub async fn dec_probation_reviews(
        &self,
        actor: &Actor,
        unit: UnitId,
    ) -> AppResult<Vec<ProbationReviewRecord>> {
        self.require_unit(actor, Action::SelectionView, unit)
            .await?;
        Ok(self
            .store
            .dec_probation_reviews(actor.district_id, unit)
            .await?)
    }

    /// Records the probation-end evaluation (试用期满考核) of an appointed candidate
    /// (SelectionManage). Errors: `candidate` (`selection_not_appointed`,
    /// `selection_no_probation`, `selection_probation_reviewed`), `decided_on`
    /// (`date_invalid`, `date_future`, `selection_probation_not_ended` with the end),
    /// `excellent`… (`number_invalid`), `votes` (`required`), `result` (`required`,
    /// `choice_invalid`, `selection_probation_two_thirds`), `doc_no`/`note` (`too_long`);
    /// a dismissal whose post assignment has meanwhile changed:
    /// `assignment`/`post_assignment_changed`.
    pub async fn dec_probation_review(
        &self,
        actor: &Actor,
        unit: UnitId,
        candidate: i64,
        f: &ProbationForm,
    ) -> AppResult<ProbationResult> {
        self.require_unit(actor, Action::SelectionManage, unit)
            .await?;
        let d = actor.district_id;
        let cand = self
            .store
            .dec_candidates(d, unit, None)
            .await?
            .into_iter()
            .find(|c| c.id == candidate)
            .ok_or(AppError::NotFound)?;
        let (Some(appointed), Some(assignment)) = (cand.appointed_on, cand.assignment_id) else {
            return Err(AppError::field("candidate", "selection_not_appointed"));
        };
        let Some(end) = cand.probation_end else {
            return Err(AppError::field("candidate", "selection_no_probation"));
        };
        if self
            .store
            .dec_probation_reviews(d, unit)
            .await?
            .iter()
            .any(|r| r.candidate_id == candidate)
        {
            return Err(AppError::field("candidate", "selection_probation_reviewed"));
        }
        let mut errs = Errors::new();
        let on = errs.take(parse_date("decided_on", &f.decided_on));
        if let Some(on) = on {
            if on > self.sel_today() {
                errs.push(FieldError::new("decided_on", "date_future"));
            } else if on < end.max(appointed) {
                errs.push(
                    FieldError::new("decided_on", "selection_probation_not_ended").with("end", end),
                );
            }
        }
        let v = ProbationVotes {
            excellent: votes(&mut errs, "excellent", &f.excellent),
            competent: votes(&mut errs, "competent", &f.competent),
            basic: votes(&mut errs, "basic", &f.basic),
            incompetent: votes(&mut errs, "incompetent", &f.incompetent),
        };
        let result = errs.take(ProbationResult::parse("result", &f.result));
        if let Some(r) = result {
            let rule = self
                .calc_params(d, Some(unit))
                .await?
                .bool(keys::PROBATION_TWO_THIRDS_RULE)?;
            errs.take(check_review(&v, r, rule));
        }
        let doc_no = f.doc_no.trim().to_string();
        if doc_no.chars().count() > 100 {
            errs.push(FieldError::new("doc_no", "too_long").with("max", 100));
        }
        let note = f.note.trim().to_string();
        if note.chars().count() > PROBATION_NOTE_MAX {
            errs.push(FieldError::new("note", "too_long").with("max", PROBATION_NOTE_MAX));
        }
        errs.into_result()?;
        let (Some(on), Some(result)) = (on, result) else {
            return Err(AppError::Internal("unreachable".into()));
        };
        let label = match self
            .store
            .camp_get(CampaignAt::new(d, unit, cand.campaign_id))
            .await?
        {
            Some(r) => super::registration::post_label(&r, cand.post),
            None => String::new(),
        };
        let now = self.clock.now();
        let dismissed = result == ProbationResult::Dismissed;
        let review = ProbationReviewRecord {
            candidate_id: candidate,
            decided_on: on,
            votes: v,
            result,
            doc_no,
            note,
            ended_assignment_id: dismissed.then_some(assignment),
            created_by: actor.username.clone(),
            created_at: now,
        };
        let history_note = match result {
            ProbationResult::Confirmed => format!("试用期满考核合格，正式任职：{label}"),
            ProbationResult::Dismissed => format!("试用期满考核不合格，免去试任职务：{label}"),
        };
        let audit = self
            .audit(actor)
            .unit(unit)
            .did(AuditAction::SelectionProbationReview)
            .on(ObjectKind::SelectionCampaign, cand.campaign_id.0)
            .after(&serde_json::json!({
                "candidate_id": candidate,
                "person_id": cand.person_id,
                "post_id": cand.post_id,
                "decided_on": on,
                "votes": v,
                "result": result.code(),
                "doc_no": review.doc_no,
                "ended_assignment": review.ended_assignment_id,
            }));
        let w = ProbationWrite {
            person_id: cand.person_id,
            assignments: dismissed.then(|| AssignmentWrite {
                end: vec![AssignmentId(assignment)],
                create: Vec::new(),
                on: Some(on),
                reason: history_note.clone(),
                by: actor.username.clone(),
                at: now,
            }),
            history_note,
            review,
        };
        self.store
            .dec_probation_review(UnitAt::unit(d, unit), &w, audit)
            .await
            .map_err(|e| match e {
                StoreError::Conflict(Conflict::Status) => {
                    AppError::field("candidate", "selection_probation_reviewed")
                }
                StoreError::Conflict(Conflict::Assignment) => {
                    AppError::field("assignment", "post_assignment_changed")
                }
                other => other.into(),
            })?;
        Ok(result)
    }
}
