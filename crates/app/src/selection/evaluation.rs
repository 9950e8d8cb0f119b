//! The democratic evaluation (民主测评, issue 13 point 4; RULES-SELECTION-APPRAISAL §1.6),
//! with the [`EvaluationStore`] port.
//!
//! The approach of the appraisal's colleague ratings (one-time codes printed on slips, a
//! signed-in staff member types the code on their phone, the code is used once, the
//! ballot is stored under a random key) with the committee's token helpers
//! ([`new_token`], [`normalise_token`], [`TokenHash`], [`ballot_key`]):
//!
//! - The HR office (`SelectionManage`) issues codes for a published campaign version (the
//!   plan's electorate, counted by the office) and closes the evaluation. Each step is
//!   audited; a ballot is not.
//! - An evaluator (`SelectionEvaluate`, with a code) marks each candidate in the plan's
//!   format (优秀/称职/基本称职/不称职 or 同意/不同意, a blank line abstains). The ballot is
//!   stored as marks only: no user, code, time or sequential key.
//! - Nothing of the marks is shown before close (only "k of n codes used"); after close,
//!   each candidate's approval, disqualification and score come from the domain's
//!   [`evaluate`] with the plan's [`EvaluationParams`], and [`check_returned`] voids the
//!   whole evaluation when more ballots than codes are found.

use std::collections::BTreeMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Serialize;

use jiguan_domain::FieldError;
use jiguan_domain::audit::{AuditAction, AuditEntry, ObjectKind};
use jiguan_domain::auth::{Action, Actor};
use jiguan_domain::error::Errors;
use jiguan_domain::selection::ballot::TokenHash;
use jiguan_domain::selection::plan::BallotFormat;
use jiguan_domain::selection::scores::{Evaluation, EvaluationCount, check_returned, evaluate};
use jiguan_domain::selection::{ApplicationId, CampaignId};
use jiguan_domain::tenancy::{DistrictId, UnitId};

use super::campaign::CampaignRecord;
use super::scoring::PostCandidates;
use super::{CastBallot, ballot_key, new_token, normalise_token, print_token};
use crate::ports::{StoreError, StoreResult};
use crate::selection::campaign::CampaignAt;
use crate::{App, AppError, AppResult};

/// Most codes issued at once.
pub const EVAL_CODES_MAX: u32 = 2000;

/// A campaign's evaluation as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EvaluationRecord {
    pub campaign_id: CampaignId,
    pub issued: i64,
    pub used: i64,
    pub closed_at: Option<DateTime<Utc>>,
}

/// Storage of the democratic evaluation.
#[async_trait]
pub trait EvaluationStore: Send + Sync {
    /// The evaluation of a campaign version (`None`: no code issued yet), with the codes used.
    async fn ev_get(&self, at: CampaignAt) -> StoreResult<Option<EvaluationRecord>>;
    /// Adds code hashes (unused) while the evaluation is open (`Conflict(Status)` once closed).
    async fn ev_issue(
        &self,
        at: CampaignAt,
        hashes: &[String],
        audit: AuditEntry,
    ) -> StoreResult<()>;
    /// In one transaction: marks the code used (only if unused and the evaluation open) and
    /// stores the ballot under its key. `false`, writing nothing, otherwise. No audit entry.
    async fn ev_cast(&self, at: CampaignAt, b: CastBallot<'_>) -> StoreResult<bool>;
    /// Closes an open evaluation (`Conflict(Status)` otherwise).
    async fn ev_close(&self, at: CampaignAt, audit: AuditEntry) -> StoreResult<()>;
    /// The stored ballots' marks (JSON), in key order.
    async fn ev_ballots(&self, at: CampaignAt) -> StoreResult<Vec<String>>;
}

/// The marks of a ballot line, as the form sends them.
pub const FOUR_GRADE: [&str; 4] = ["excellent", "competent", "basic", "incompetent"];
pub const APPROVE: [&str; 3] = ["approve", "disapprove", "abstain"];

/// One candidate's evaluation result.
#[derive(Debug, Clone, Serialize)]
pub struct EvaluationLine {
    pub application_id: ApplicationId,
    pub name: String,
    pub post: String,
    pub count: EvaluationCount,
    /// `None` when no one marked the candidate (`selection_no_votes`).
    pub result: Option<Evaluation>,
}

/// The evaluation of a campaign version.
#[derive(Debug, Clone, Serialize)]
pub struct EvaluationView {
    pub campaign: CampaignRecord,
    pub format: BallotFormat,
    pub issued: i64,
    pub used: i64,
    pub closed: bool,
    /// More ballots than codes: the evaluation is void and is run again.
    pub void: Option<FieldError>,
    /// After close only.
    pub lines: Vec<EvaluationLine>,
}

/// The ballot an evaluator fills in.
#[derive(Debug, Clone, Serialize)]
pub struct EvaluationBallot {
    pub campaign: CampaignRecord,
    pub format: BallotFormat,
    pub open: bool,
    pub posts: Vec<PostCandidates>,
}

fn count_of(format: BallotFormat, marks: &[&str]) -> EvaluationCount {
    let n = |m: &str| u32::try_from(marks.iter().filter(|x| **x == m).count()).unwrap_or(u32::MAX);
    match format {
        BallotFormat::FourGrade => EvaluationCount::FourGrade {
            excellent: n("excellent"),
            competent: n("competent"),
            basic: n("basic"),
            incompetent: n("incompetent"),
            abstain: n(""),
        },
        BallotFormat::ApproveDisapprove => EvaluationCount::ApproveDisapprove {
            approve: n("approve"),
            disapprove: n("disapprove"),
            abstain: n("") + n("abstain"),
        },
    }
}

impl App {
    /// The evaluated candidates: those who sit the interview (see
    /// [`App::sc_interviewees`]).
    async fn ev_candidates(
        &self,
        d: DistrictId,
        unit: UnitId,
        c: &CampaignRecord,
    ) -> AppResult<Vec<PostCandidates>> {
        Ok(self
            .sc_interviewees(d, unit, c)
            .await?
            .into_iter()
            .filter(|p| !p.candidates.is_empty())
            .collect())
    }

    /// The evaluation of a campaign version (SelectionView): progress, and after close
    /// each candidate's count and result.
    pub async fn sel_evaluation(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: CampaignId,
    ) -> AppResult<EvaluationView> {
        let c = self
            .camp_for(actor, Action::SelectionView, unit, id)
            .await?;
        let d = actor.district_id;
        let rec = self.store.ev_get(CampaignAt::new(d, unit, c.id)).await?;
        let closed = rec.as_ref().is_some_and(|r| r.closed_at.is_some());
        // The candidates are read only once the evaluation is closed.
        let posts = if closed {
            self.ev_candidates(d, unit, &c).await?
        } else {
            Vec::new()
        };
        self.ev_view_of(d, unit, c, rec, posts).await
    }

    /// The evaluation of the interviewees `interviewees` (from [`App::sc_interviewees`]),
    /// `rec` being the campaign's evaluation record.
    pub(crate) async fn ev_view_of(
        &self,
        d: DistrictId,
        unit: UnitId,
        c: CampaignRecord,
        rec: Option<EvaluationRecord>,
        interviewees: Vec<PostCandidates>,
    ) -> AppResult<EvaluationView> {
        let format = c.plan.evaluation.format;
        let (issued, used, closed) = rec
            .as_ref()
            .map_or((0, 0, false), |r| (r.issued, r.used, r.closed_at.is_some()));
        let mut lines = Vec::new();
        let mut void = None;
        if closed {
            let ballots: Vec<BTreeMap<i64, String>> = self
                .store
                .ev_ballots(CampaignAt::new(d, unit, c.id))
                .await?
                .iter()
                .map(|j| serde_json::from_str(j))
                .collect::<Result<_, _>>()
                .map_err(|e| StoreError::Backend(format!("evaluation ballot: {e}")))?;
            let returned = u32::try_from(ballots.len()).unwrap_or(u32::MAX);
            void = check_returned(u32::try_from(issued).unwrap_or(0), returned).err();
            for p in interviewees.iter().filter(|p| !p.candidates.is_empty()) {
                for x in &p.candidates {
                    let marks: Vec<&str> = ballots
                        .iter()
                        .map(|b| b.get(&x.application_id.0).map_or("", String::as_str))
                        .collect();
                    let count = count_of(format, &marks);
                    lines.push(EvaluationLine {
                        application_id: x.application_id,
                        name: x.name.clone(),
                        post: p.label.clone(),
                        count,
                        result: evaluate(&c.plan.evaluation, count).ok(),
                    });
                }
            }
        }
        Ok(EvaluationView {
            campaign: c,
            format,
            issued,
            used,
            closed,
            void,
            lines,
        })
    }

    /// Issues `count` one-time codes (SelectionManage) for a published campaign version's
    /// evaluation, returned once to be printed; only their hashes are kept. Errors:
    /// `count`/`out_of_range`, `campaign`/`selection_evaluation_closed`.
    pub async fn sel_eval_codes(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: CampaignId,
        count: &str,
    ) -> AppResult<Vec<String>> {
        self.published_for(actor, Action::SelectionManage, unit, id)
            .await?;
        let n = match count.trim().parse::<u32>() {
            Ok(n @ 1..=EVAL_CODES_MAX) => n,
            _ => {
                return Err(FieldError::new("count", "out_of_range")
                    .with("min", 1)
                    .with("max", EVAL_CODES_MAX)
                    .into());
            }
        };
        let codes: Vec<String> = (0..n).map(|_| new_token()).collect();
        let hashes: Vec<String> = codes.iter().map(|t| TokenHash::of(t).to_hex()).collect();
        let audit = self
            .audit(actor)
            .unit(unit)
            .did(AuditAction::SelectionEvaluationCodes)
            .on(ObjectKind::SelectionCampaign, id.0)
            .after(&n);
        self.store
            .ev_issue(CampaignAt::of(actor, unit, id), &hashes, audit)
            .await
            .map_err(closed)?;
        Ok(codes.iter().map(|t| print_token(t)).collect())
    }

    /// Closes the evaluation (SelectionManage): no ballot is accepted afterwards and the
    /// results are shown. Error: `campaign`/`selection_evaluation_closed` (closed, or no
    /// code issued).
    pub async fn sel_eval_close(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: CampaignId,
    ) -> AppResult<()> {
        self.published_for(actor, Action::SelectionManage, unit, id)
            .await?;
        let audit = self
            .audit(actor)
            .unit(unit)
            .did(AuditAction::SelectionEvaluationClose)
            .on(ObjectKind::SelectionCampaign, id.0);
        self.store
            .ev_close(CampaignAt::of(actor, unit, id), audit)
            .await
            .map_err(closed)
    }

    /// The ballot of a published campaign version (SelectionEvaluate): the candidates by
    /// post, names only, in the plan's format.
    pub async fn sel_eval_ballot(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: CampaignId,
    ) -> AppResult<EvaluationBallot> {
        self.ev_ballot(actor, unit, id, true).await
    }

    /// The ballot, with the candidates' names (`named`) or without (a cast checks ids only).
    async fn ev_ballot(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: CampaignId,
        named: bool,
    ) -> AppResult<EvaluationBallot> {
        let c = self
            .published_for(actor, Action::SelectionEvaluate, unit, id)
            .await?;
        let rec = self.store.ev_get(CampaignAt::of(actor, unit, id)).await?;
        let posts = if named {
            self.ev_candidates(actor.district_id, unit, &c).await?
        } else {
            let cands = self.sc_candidate_ids(actor.district_id, unit, &c).await?;
            self.sc_interviewees_of(actor.district_id, unit, &c, cands)
                .await?
                .into_iter()
                .filter(|p| !p.candidates.is_empty())
                .collect()
        };
        Ok(EvaluationBallot {
            format: c.plan.evaluation.format,
            open: rec.is_some_and(|r| r.closed_at.is_none()),
            campaign: c,
            posts,
        })
    }

    /// Casts an anonymous evaluation ballot with a one-time code (SelectionEvaluate): a mark
    /// per candidate (`mark_<application id>`, blank: abstain; another value:
    /// `mark_<id>`/`selection_mark_invalid`), at least one mark (`marks`/`required`). The
    /// code is used once (`code`/`required`|`selection_code_invalid`); the ballot is stored
    /// under a random key with the marks only; no audit entry.
    pub async fn sel_eval_cast(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: CampaignId,
        code: &str,
        values: &BTreeMap<String, String>,
    ) -> AppResult<usize> {
        let b = self.ev_ballot(actor, unit, id, false).await?;
        let allowed: &[&str] = match b.format {
            BallotFormat::FourGrade => &FOUR_GRADE,
            BallotFormat::ApproveDisapprove => &APPROVE,
        };
        let mut errs = Errors::new();
        let code = normalise_token(code);
        if code.is_empty() {
            errs.push(FieldError::new("code", "required"));
        }
        let mut marks: BTreeMap<i64, String> = BTreeMap::new();
        for x in b.posts.iter().flat_map(|p| p.candidates.iter()) {
            let field = format!("mark_{}", x.application_id.0);
            let v = values.get(&field).map(|s| s.trim()).unwrap_or("");
            if v.is_empty() {
                continue;
            }
            if allowed.contains(&v) {
                marks.insert(x.application_id.0, v.to_string());
            } else {
                errs.push(FieldError::new(field, "selection_mark_invalid"));
            }
        }
        if marks.is_empty() && errs.is_empty() {
            errs.push(FieldError::new("marks", "required"));
        }
        errs.into_result()?;
        if !b.open {
            return Err(FieldError::new("campaign", "selection_evaluation_closed").into());
        }
        let json = serde_json::to_string(&marks)
            .map_err(|e| StoreError::Backend(format!("evaluation ballot: {e}")))?;
        let ok = self
            .store
            .ev_cast(
                CampaignAt::of(actor, unit, id),
                CastBallot {
                    token_hash: &TokenHash::of(&code).to_hex(),
                    key: &ballot_key(),
                    marks: &json,
                },
            )
            .await?;
        if !ok {
            return Err(FieldError::new("code", "selection_code_invalid").into());
        }
        Ok(marks.len())
    }
}

fn closed(e: StoreError) -> AppError {
    AppError::on_conflict("campaign", "selection_evaluation_closed")(e)
}
