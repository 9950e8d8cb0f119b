//! Scores, ranking and the shortlist (RULES-SELECTION-APPRAISAL §1.4–§1.8).
//!
//! Every score is an exact [`Decimal`], never a float. Stage scores are published rounded
//! half-up to 2 places (四舍五入, [`round_score`]); the composite is computed from the
//! published, rounded stage scores and rounded again (`composite_from_rounded = true`,
//! §1.7.2 [S3]). Shares (approval rates, thresholds) are compared as exact fractions
//! ([`Ratio`]), never on a rounded percentage.
//!
//! - [`parse_score`]: a score out of 100 as entered (笔试, a judge's sheet, 加试).
//! - [`advance_to_interview`]: pass mark and `interview_ratio` per seat, ties at the last
//!   place all advance (§1.4.2–§1.4.3).
//! - [`panel_ready`] and [`panel_score`]: recused judges removed, the panel floor, then the
//!   interview rule of [`crate::rules::selection::interview_score`] (§1.5).
//! - [`evaluate`]: the democratic evaluation's approval, disqualification and score (§1.6).
//! - [`composite`], [`rank`]: the weighted composite and the plan's tie-break order (§1.7).
//! - [`shortlist`]: 差额考察 with [`crate::rules::selection::inspect_count`], ties at the cut
//!   all included (§1.8.1).

use std::cmp::Ordering;

use rust_decimal::Decimal;
use serde::Serialize;

use super::ApplicationId;
use super::eligibility::CompetitionOutcome;
use super::plan::{BallotFormat, EvaluationParams, EvaluationRule, Plan, Stage, TieKey};
use crate::FieldError;
use crate::error::Errors;
use crate::rules::selection::{
    InterviewScore, composite_score, inspect_count, interview_score, round_score,
};

/// A score out of 100 as entered: a decimal 0–100, rounded half-up to 2 places (§1.4.1
/// [S3]). Errors: `required`, `score_invalid`, `out_of_range` (args `min`, `max`).
pub fn parse_score(field: &str, s: &str) -> Result<Decimal, FieldError> {
    let t = s.trim();
    if t.is_empty() {
        return Err(FieldError::new(field, "required"));
    }
    let d: Decimal = t
        .parse()
        .map_err(|_| FieldError::new(field, "score_invalid"))?;
    if d < Decimal::ZERO || d > Decimal::ONE_HUNDRED {
        return Err(FieldError::new(field, "out_of_range")
            .with("min", 0)
            .with("max", 100));
    }
    Ok(round_score(d))
}

/// An exact non-negative fraction `num / den` (`den > 0`), ordered exactly.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Ratio {
    pub num: u64,
    pub den: u64,
}

impl Ratio {
    /// `None` when `den` is 0.
    pub fn new(num: u64, den: u64) -> Option<Self> {
        (den > 0).then_some(Self { num, den })
    }
    /// As a percentage rounded half-up to 2 places (display only).
    pub fn pct(self) -> Decimal {
        round_score(Decimal::from(self.num) * Decimal::ONE_HUNDRED / Decimal::from(self.den))
    }
    fn cmp_frac(self, num: u64, den: u64) -> Ordering {
        (u128::from(self.num) * u128::from(den)).cmp(&(u128::from(num) * u128::from(self.den)))
    }
}

impl PartialEq for Ratio {
    fn eq(&self, o: &Self) -> bool {
        self.cmp(o) == Ordering::Equal
    }
}
impl Eq for Ratio {}
impl PartialOrd for Ratio {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Ratio {
    fn cmp(&self, o: &Self) -> Ordering {
        self.cmp_frac(o.num, o.den)
    }
}

/// The written-exam cut (§1.4.2–§1.4.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Advance {
    /// `seats × interview_ratio`.
    pub target: u32,
    /// Advanced to interview, best first (ties at the last place included).
    pub advanced: Vec<ApplicationId>,
    /// At or above the pass mark but beyond the cut.
    pub not_advanced: Vec<ApplicationId>,
    /// Below `written_pass_mark`.
    pub below_pass: Vec<ApplicationId>,
}

/// Who advances to interview on one post: written score ≥ `written_pass_mark`, then the best
/// `seats × interview_ratio`; candidates tied with the last qualifying place **all** advance
/// (§1.4.3 [S3], 上饶 "入闱最后一名出现成绩相同者一并列入").
pub fn advance_to_interview(
    plan: &Plan,
    seats: u32,
    written: &[(ApplicationId, Decimal)],
) -> Advance {
    let target = seats.saturating_mul(plan.interview_ratio);
    let mut passed: Vec<(ApplicationId, Decimal)> = Vec::new();
    let mut below_pass = Vec::new();
    for &(id, s) in written {
        if s >= plan.written_pass_mark {
            passed.push((id, s));
        } else {
            below_pass.push(id);
        }
    }
    passed.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let n = cut_with_ties(&passed, target as usize, |a, b| a.1 == b.1);
    Advance {
        target,
        advanced: passed[..n].iter().map(|x| x.0).collect(),
        not_advanced: passed[n..].iter().map(|x| x.0).collect(),
        below_pass,
    }
}

/// How many of `sorted` (best first) are taken for `target` places when items equal to the
/// last taken one are all included.
fn cut_with_ties<T>(sorted: &[T], target: usize, eq: impl Fn(&T, &T) -> bool) -> usize {
    if target == 0 || sorted.is_empty() {
        return 0;
    }
    if target >= sorted.len() {
        return sorted.len();
    }
    let last = &sorted[target - 1];
    target + sorted[target..].iter().take_while(|x| eq(x, last)).count()
}

/// One judge's score of one candidate, and whether the judge is recused for it (§1.5.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct JudgeScore {
    pub judge: i64,
    pub score: Decimal,
    pub recused: bool,
}

/// Whether a panel of `judges` (after recusals) may sit (§1.5.1, §1.5.4): at least
/// `judges_min`, and odd when the plan says so. Errors on field `judges`:
/// `selection_panel_too_small` (args `count`, `min`), `selection_panel_even` (arg `count`).
pub fn panel_ready(plan: &Plan, judges: u32) -> Result<(), FieldError> {
    if judges < plan.judges_min {
        return Err(FieldError::new("judges", "selection_panel_too_small")
            .with("count", judges)
            .with("min", plan.judges_min));
    }
    if plan.judges_odd && judges.is_multiple_of(2) {
        return Err(FieldError::new("judges", "selection_panel_even").with("count", judges));
    }
    Ok(())
}

/// The interview score of one candidate: recused judges' scores are removed first, then the
/// interview rule applies to the number that remains (§1.5.3 [T]): more than `trim_over`
/// scores → one highest and one lowest dropped; otherwise the plain mean; half-up to 2
/// places. `None` when no score remains.
pub fn panel_score(scores: &[JudgeScore], trim_over: u32) -> Option<InterviewScore> {
    let valid: Vec<Decimal> = scores
        .iter()
        .filter(|s| !s.recused)
        .map(|s| s.score)
        .collect();
    interview_score(&valid, trim_over as usize)
}

/// The counted evaluation marks of one candidate (§1.6.3: a line with two or more marks is
/// already invalid and not here; a blank line is an abstention).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "format", rename_all = "snake_case")]
pub enum EvaluationCount {
    /// 优秀 / 称职 / 基本称职 / 不称职, and blank lines.
    FourGrade {
        excellent: u32,
        competent: u32,
        basic: u32,
        incompetent: u32,
        abstain: u32,
    },
    /// 同意 / 不同意, and 弃权 or blank lines.
    ApproveDisapprove {
        approve: u32,
        disapprove: u32,
        abstain: u32,
    },
}

/// The evaluation result of one candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Evaluation {
    /// (优秀 + 称职) or 同意, over the marked votes (+ abstentions when
    /// `abstain_in_denominator`).
    pub approval: Ratio,
    /// The approval as a percentage, half-up to 2 places (display).
    pub approval_pct: Decimal,
    /// 不称职 or 不同意 over the same denominator.
    pub negative: Ratio,
    pub disqualified: bool,
    /// The stage score for the composite (§1.6.6): Σ points × marks / marked votes, half-up
    /// to 2 places.
    pub score: Decimal,
}

/// Approval, disqualification and score (§1.6.4–§1.6.6). Errors on field `evaluation`:
/// `selection_ballot_format_mismatch`, `selection_no_votes`.
pub fn evaluate(p: &EvaluationParams, c: EvaluationCount) -> Result<Evaluation, FieldError> {
    let (marks, approving, negative, abstain): ([u64; 4], u64, u64, u64) = match (p.format, c) {
        (
            BallotFormat::FourGrade,
            EvaluationCount::FourGrade {
                excellent,
                competent,
                basic,
                incompetent,
                abstain,
            },
        ) => (
            [excellent, competent, basic, incompetent].map(u64::from),
            u64::from(excellent) + u64::from(competent),
            u64::from(incompetent),
            u64::from(abstain),
        ),
        (
            BallotFormat::ApproveDisapprove,
            EvaluationCount::ApproveDisapprove {
                approve,
                disapprove,
                abstain,
            },
        ) => (
            [u64::from(approve), 0, 0, u64::from(disapprove)],
            u64::from(approve),
            u64::from(disapprove),
            u64::from(abstain),
        ),
        _ => {
            return Err(FieldError::new(
                "evaluation",
                "selection_ballot_format_mismatch",
            ));
        }
    };
    let marked: u64 = marks.iter().sum();
    let den = marked + if p.abstain_in_denominator { abstain } else { 0 };
    let (Some(approval), Some(neg)) = (Ratio::new(approving, den), Ratio::new(negative, den))
    else {
        return Err(FieldError::new("evaluation", "selection_no_votes"));
    };
    let disqualified = match p.rule {
        // approving / den ≤ floor / 100, exactly: 100 · approving ≤ floor · den.
        EvaluationRule::ApprovalLeHalf => {
            Decimal::from(approving) * Decimal::ONE_HUNDRED
                <= p.approval_floor_pct * Decimal::from(den)
        }
        EvaluationRule::ApprovalLtTwoThirds => approval.cmp_frac(2, 3) == Ordering::Less,
        EvaluationRule::IncompetentGtThird => neg.cmp_frac(1, 3) == Ordering::Greater,
    };
    let score = if marked == 0 {
        Decimal::ZERO
    } else {
        let sum: Decimal = marks
            .iter()
            .zip(p.points.iter())
            .map(|(m, pt)| Decimal::from(*m) * pt)
            .sum();
        round_score(sum / Decimal::from(marked))
    };
    Ok(Evaluation {
        approval,
        approval_pct: approval.pct(),
        negative: neg,
        disqualified,
        score,
    })
}

/// §1.6.3: more ballots returned than issued voids the whole evaluation (it is re-run).
/// Error: `ballots`/`selection_ballots_exceed_issued` (args `returned`, `issued`).
pub fn check_returned(issued: u32, returned: u32) -> Result<(), FieldError> {
    if returned > issued {
        return Err(
            FieldError::new("ballots", "selection_ballots_exceed_issued")
                .with("returned", returned)
                .with("issued", issued),
        );
    }
    Ok(())
}

/// One candidate's published stage scores on one post.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct StageScores {
    pub id: ApplicationId,
    pub written: Option<Decimal>,
    pub interview: Option<Decimal>,
    /// The evaluation's score (§1.6.6).
    pub evaluation: Option<Decimal>,
    /// The evaluation's approval (tie-break key `evaluation_approval`).
    pub approval: Option<Ratio>,
    /// 加试, entered for tied candidates only.
    pub extra_test: Option<Decimal>,
}

impl StageScores {
    pub fn new(id: ApplicationId) -> Self {
        Self {
            id,
            written: None,
            interview: None,
            evaluation: None,
            approval: None,
            extra_test: None,
        }
    }
    fn stage(&self, s: Stage) -> Option<Decimal> {
        match s {
            Stage::Written => self.written,
            Stage::Interview => self.interview,
            Stage::Evaluation => self.evaluation,
        }
    }
}

/// The composite Σ weight × stage score / 100 (§1.7.1–§1.7.2): every stage with a weight
/// above 0 needs a score; each is rounded half-up to 2 places first (the published score),
/// then the composite is. Errors: `<stage>`/`selection_stage_score_missing`, and the
/// composite rule's `weights` errors.
pub fn composite(plan: &Plan, s: &StageScores) -> Result<Decimal, FieldError> {
    let mut parts = Vec::with_capacity(plan.stages.len());
    for w in &plan.stages {
        let score = match s.stage(w.stage) {
            Some(v) => round_score(v),
            None if w.weight.is_zero() => Decimal::ZERO,
            None => {
                return Err(FieldError::new(
                    w.stage.code(),
                    "selection_stage_score_missing",
                ));
            }
        };
        parts.push((score, w.weight));
    }
    composite_score(&parts)
}

/// One candidate's place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Ranked {
    pub id: ApplicationId,
    pub composite: Decimal,
    /// 1-based; candidates equal on every key of the tie-break order share a rank (1, 2, 2,
    /// 4).
    pub rank: u32,
    /// Shares its rank with another candidate: no key of the plan separates them (enter a
    /// 加试 result; there is no random draw, §1.7.5).
    pub tied: bool,
}

/// A post's ranking, citing the plan version it was computed under (§1.2.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ranking {
    pub plan_version: u32,
    pub ranked: Vec<Ranked>,
}

fn by_key(k: TieKey, a: &(StageScores, Decimal), b: &(StageScores, Decimal)) -> Ordering {
    // Higher first; a missing value ranks after any value.
    match k {
        TieKey::Composite => b.1.cmp(&a.1),
        TieKey::Written => b.0.written.cmp(&a.0.written),
        TieKey::Interview => b.0.interview.cmp(&a.0.interview),
        TieKey::EvaluationApproval => b.0.approval.cmp(&a.0.approval),
        TieKey::ExtraTest => b.0.extra_test.cmp(&a.0.extra_test),
    }
}

/// Ranks the candidates of one post by the plan's tie-break order (§1.7.5 [S3]: composite,
/// then written, interview, evaluation approval, 加试). The ranking orders; it does not
/// appoint (§1.7.4: "综合成绩第一名未必一定被录取"). Errors: the [`composite`] errors, field
/// prefixed with the candidate's index (`candidates[2].interview`).
pub fn rank(
    plan: &Plan,
    plan_version: u32,
    candidates: &[StageScores],
) -> Result<Ranking, Vec<FieldError>> {
    let mut errs = Errors::new();
    let mut rows = Vec::with_capacity(candidates.len());
    for (i, c) in candidates.iter().enumerate() {
        match composite(plan, c) {
            Ok(v) => rows.push((*c, v)),
            Err(mut e) => {
                e.field = format!("candidates[{i}].{}", e.field);
                errs.push(e);
            }
        }
    }
    errs.into_result()?;
    let order = |a: &(StageScores, Decimal), b: &(StageScores, Decimal)| {
        plan.tie_break
            .iter()
            .map(|k| by_key(*k, a, b))
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal)
    };
    rows.sort_by(|a, b| order(a, b).then(a.0.id.cmp(&b.0.id)));
    let mut ranked: Vec<Ranked> = Vec::with_capacity(rows.len());
    for (i, r) in rows.iter().enumerate() {
        let same_as_prev = i > 0 && order(&rows[i - 1], r).is_eq();
        let rank = match ranked.last() {
            Some(prev) if same_as_prev => prev.rank,
            _ => u32::try_from(i + 1).unwrap_or(u32::MAX),
        };
        if same_as_prev && let Some(prev) = ranked.last_mut() {
            prev.tied = true;
        }
        ranked.push(Ranked {
            id: r.0.id,
            composite: r.1,
            rank,
            tied: same_as_prev,
        });
    }
    Ok(Ranking {
        plan_version,
        ranked,
    })
}

/// Why a ranked candidate may not go forward to inspection (pass marks §1.4.2, §1.5.6; the
/// no-competition floor §1.3.2; the evaluation's disqualification §1.6.5). Empty: may.
pub fn stops(
    plan: &Plan,
    outcome: CompetitionOutcome,
    s: &StageScores,
    evaluation_disqualified: bool,
) -> Vec<&'static str> {
    let mut out = Vec::new();
    let used = |st: Stage| plan.stages.iter().any(|w| w.stage == st);
    if used(Stage::Written) && s.written.is_some_and(|v| v < plan.written_pass_mark) {
        out.push("selection_written_below_pass");
    }
    if used(Stage::Interview) && s.interview.is_some_and(|v| v < plan.interview_pass_mark) {
        out.push("selection_interview_below_pass");
    }
    if outcome == CompetitionOutcome::ProceedWithFloor
        && s.interview
            .is_none_or(|v| v < plan.interview_floor_no_competition)
    {
        out.push("selection_interview_below_floor");
    }
    if evaluation_disqualified {
        out.push("selection_evaluation_disqualified");
    }
    out
}

/// The inspection list of one post (差额考察).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Shortlist {
    pub plan_version: u32,
    /// `max(seats + 1, ⌈seats × inspection_ratio⌉)`.
    pub target: u32,
    /// The candidates inspected, in rank order: the best `target`, plus all tied with the
    /// last of them.
    pub included: Vec<ApplicationId>,
    /// More were included than the target because of a tie at the cut.
    pub tie_at_cut: bool,
    /// Fewer qualified candidates than the target: the inspection is still 差额 only when
    /// more than `seats` are included.
    pub competitive: bool,
}

/// The shortlist of one post from its ranking (§1.8.1 [S3]); `ranking` holds only candidates
/// who may go forward ([`stops`] empty). Ties at the cut-off (the same rank) are all included.
/// Vector TV-S5: seats 1, composites 88, 85, 85, 80 → 3 inspected.
pub fn shortlist(plan: &Plan, seats: u32, ranking: &Ranking) -> Shortlist {
    let target = inspect_count(seats, plan.inspection_ratio).unwrap_or(u32::MAX);
    let r = &ranking.ranked;
    let n = cut_with_ties(r, target as usize, |a, b| a.rank == b.rank);
    Shortlist {
        plan_version: ranking.plan_version,
        target,
        included: r[..n].iter().map(|x| x.id).collect(),
        tie_at_cut: n > target as usize,
        competitive: n > seats as usize,
    }
}

/// Whether an inspection team of `members` may work (§1.8.2 [K]: at least 2). Error:
/// `members`/`selection_team_too_small` (args `count`, `min`).
pub fn inspection_team_ready(plan: &Plan, members: u32) -> Result<(), FieldError> {
    if members < plan.inspection_team_min {
        return Err(FieldError::new("members", "selection_team_too_small")
            .with("count", members)
            .with("min", plan.inspection_team_min));
    }
    Ok(())
}

closed_lists!("selection/scores.toml");

/// The list after inspection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AfterInspection {
    /// 建议任用, in rank order: the committee's items.
    pub recommended: Vec<ApplicationId>,
    pub deferred: Vec<ApplicationId>,
    pub dropped: Vec<ApplicationId>,
    /// No conclusion yet.
    pub pending: Vec<ApplicationId>,
    /// Added by back-fill (`backfill_after_inspection`), to be inspected: the next ranked
    /// candidates not on the shortlist, one per dropped candidate.
    pub backfill: Vec<ApplicationId>,
}

/// Sorts the shortlist by the inspection's conclusions (§1.8.3 [S3]): a dropped candidate is
/// replaced by the next ranked one only when the plan says so; otherwise there is no
/// automatic back-fill.
pub fn after_inspection(
    plan: &Plan,
    shortlist: &Shortlist,
    ranking: &Ranking,
    conclusions: &std::collections::BTreeMap<ApplicationId, Conclusion>,
) -> AfterInspection {
    let mut out = AfterInspection {
        recommended: Vec::new(),
        deferred: Vec::new(),
        dropped: Vec::new(),
        pending: Vec::new(),
        backfill: Vec::new(),
    };
    for id in &shortlist.included {
        match conclusions.get(id) {
            Some(Conclusion::Recommend) => out.recommended.push(*id),
            Some(Conclusion::Defer) => out.deferred.push(*id),
            Some(Conclusion::NotRecommend) => out.dropped.push(*id),
            None => out.pending.push(*id),
        }
    }
    if plan.backfill_after_inspection {
        out.backfill = ranking
            .ranked
            .iter()
            .map(|r| r.id)
            .filter(|id| !shortlist.included.contains(id))
            .take(out.dropped.len())
            .collect();
    }
    out
}

/// Probation confirmation by evaluation (§1.11.3 [L], siping.gov.cn): 优秀 + 称职 ≤ 2/3 of
/// the votes → not confirmed (abstentions in the denominator as the plan says). Error:
/// as [`evaluate`].
pub fn probation_confirmed(p: &EvaluationParams, c: EvaluationCount) -> Result<bool, FieldError> {
    let e = evaluate(p, c)?;
    Ok(e.approval.cmp_frac(2, 3) == Ordering::Greater)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::rules::selection::{Ballots, InterviewMethod};
    use crate::selection::plan::EvaluationParams;
    use crate::selection::plan::tests::plan;
    use crate::selection::test_util::{dec, weights};
    use proptest::prelude::*;

    fn ids(v: &[ApplicationId]) -> Vec<i64> {
        v.iter().map(|x| x.0).collect()
    }

    #[test]
    fn scores_parse_and_round_half_up() {
        assert_eq!(
            parse_score("written", " 84.125 ").unwrap().to_string(),
            "84.13"
        );
        assert_eq!(parse_score("written", "90").unwrap().to_string(), "90.00");
        assert_eq!(parse_score("w", "").unwrap_err().code, "required");
        assert_eq!(parse_score("w", "九十").unwrap_err().code, "score_invalid");
        assert_eq!(parse_score("w", "100.01").unwrap_err().code, "out_of_range");
        assert_eq!(parse_score("w", "-1").unwrap_err().code, "out_of_range");
    }

    /// §1.7.3 [T]: half-up(84.125) = 84.13 (Python's float round gives 84.12).
    #[test]
    fn vector_1_7_3_decimal_half_up() {
        assert_eq!(round_score(dec("84.125")).to_string(), "84.13");
    }

    /// §1.4.3 vector: seats 1, ratio 3, scores 90, 85, 80, 80, 70 → four advance.
    #[test]
    fn vector_1_4_3_written_cut_ties_all_advance() {
        let p = plan();
        let w: Vec<(ApplicationId, Decimal)> = [90, 85, 80, 80, 70]
            .iter()
            .enumerate()
            .map(|(i, s)| (ApplicationId(i as i64 + 1), Decimal::from(*s)))
            .collect();
        let a = advance_to_interview(&p, 1, &w);
        assert_eq!(a.target, 3);
        assert_eq!(ids(&a.advanced), [1, 2, 3, 4]);
        assert_eq!(ids(&a.not_advanced), [5]);
        // Pass mark 60: a 59.99 never advances, even with room left.
        let w = vec![
            (ApplicationId(1), dec("59.99")),
            (ApplicationId(2), dec("60")),
        ];
        let a = advance_to_interview(&p, 1, &w);
        assert_eq!((ids(&a.advanced), ids(&a.below_pass)), (vec![2], vec![1]));
    }

    fn judges(s: &[&str], recused: &[usize]) -> Vec<JudgeScore> {
        s.iter()
            .enumerate()
            .map(|(i, v)| JudgeScore {
                judge: i as i64 + 1,
                score: dec(v),
                recused: recused.contains(&i),
            })
            .collect()
    }

    /// §1.5.2 vectors [T]: 7 judges → 88.40 (trimmed); 5 judges → 86.20 (plain mean).
    #[test]
    fn vector_1_5_2_interview() {
        let r = panel_score(&judges(&["85", "88", "90", "92", "79", "95", "87"], &[]), 5).unwrap();
        assert_eq!(
            (r.method, r.score.to_string()),
            (InterviewMethod::TrimmedAverage, "88.40".into())
        );
        let r = panel_score(&judges(&["80", "82", "84", "86", "99"], &[]), 5).unwrap();
        assert_eq!(
            (r.method, r.score.to_string()),
            (InterviewMethod::PlainAverage, "86.20".into())
        );
    }

    /// TV-S2 (§1.5.3 [T]): 7 judges, one recused, remaining 85, 88, 90, 92, 95, 87 → 89.25
    /// (trimmed); 6 judges, two recused, remaining 85, 88, 90, 92 → 88.75 (plain mean).
    #[test]
    fn tv_s2_interview_with_recusal() {
        let r = panel_score(
            &judges(&["85", "88", "90", "92", "60", "95", "87"], &[4]),
            5,
        )
        .unwrap();
        assert_eq!(
            (r.method, r.score.to_string()),
            (InterviewMethod::TrimmedAverage, "89.25".into())
        );
        let r = panel_score(&judges(&["85", "99", "88", "90", "70", "92"], &[1, 4]), 5).unwrap();
        assert_eq!(
            (r.method, r.score.to_string()),
            (InterviewMethod::PlainAverage, "88.75".into())
        );
        assert!(panel_score(&judges(&["80"], &[0]), 5).is_none());
    }

    #[test]
    fn panel_floor_blocks_the_interview() {
        let p = plan(); // judges_min 5, odd
        assert_eq!(panel_ready(&p, 5), Ok(()));
        assert_eq!(panel_ready(&p, 7), Ok(()));
        assert_eq!(
            panel_ready(&p, 4).unwrap_err().code,
            "selection_panel_too_small"
        );
        assert_eq!(panel_ready(&p, 6).unwrap_err().code, "selection_panel_even");
    }

    fn four(e: u32, c: u32, b: u32, i: u32, a: u32) -> EvaluationCount {
        EvaluationCount::FourGrade {
            excellent: e,
            competent: c,
            basic: b,
            incompetent: i,
            abstain: a,
        }
    }

    /// §1.6.4 and §1.6.6 vectors [T]: 20 / 15 / 3 / 2 → approval 87.50 %, score 84.50.
    #[test]
    fn vector_1_6_4_and_1_6_6_evaluation() {
        let r = evaluate(&EvaluationParams::default(), four(20, 15, 3, 2, 0)).unwrap();
        assert_eq!(r.approval_pct.to_string(), "87.50");
        assert_eq!(r.score.to_string(), "84.50");
        assert!(!r.disqualified);
    }

    #[test]
    fn evaluation_thresholds_are_exact() {
        let le_half = EvaluationParams::default();
        let lt_two_thirds = EvaluationParams {
            rule: EvaluationRule::ApprovalLtTwoThirds,
            ..EvaluationParams::default()
        };
        let gt_third = EvaluationParams {
            rule: EvaluationRule::IncompetentGtThird,
            ..EvaluationParams::default()
        };
        let dq = |p: &EvaluationParams, c| evaluate(p, c).unwrap().disqualified;
        // Exactly half: out; just above: in.
        assert!(dq(&le_half, four(5, 5, 5, 5, 0)));
        assert!(!dq(&le_half, four(6, 5, 5, 5, 0)));
        // Abstentions count in the denominator by default: 11 of 22 → out.
        assert!(dq(&le_half, four(6, 5, 5, 5, 1)));
        let no_abst = EvaluationParams {
            abstain_in_denominator: false,
            ..EvaluationParams::default()
        };
        assert!(!dq(&no_abst, four(6, 5, 5, 5, 1)));
        // The district's floor: 60 % (12 of 20) disqualifies at 60, not at 59.99.
        let floor = |f: &str| EvaluationParams {
            approval_floor_pct: dec(f),
            ..EvaluationParams::default()
        };
        assert!(dq(&floor("60"), four(6, 6, 4, 4, 0)));
        assert!(!dq(&floor("59.99"), four(6, 6, 4, 4, 0)));
        // Exactly two thirds: in; just below: out.
        assert!(!dq(&lt_two_thirds, four(10, 10, 10, 0, 0)));
        assert!(dq(&lt_two_thirds, four(10, 9, 10, 0, 0)));
        // 不称职 exactly a third: in; more: out.
        assert!(!dq(&gt_third, four(10, 0, 0, 5, 0)));
        assert!(dq(&gt_third, four(10, 0, 0, 6, 0)));
        // 同意/不同意 ballots.
        let ad = EvaluationParams {
            format: BallotFormat::ApproveDisapprove,
            ..EvaluationParams::default()
        };
        let r = evaluate(
            &ad,
            EvaluationCount::ApproveDisapprove {
                approve: 30,
                disapprove: 9,
                abstain: 1,
            },
        )
        .unwrap();
        assert_eq!(
            (r.approval_pct.to_string(), r.score.to_string()),
            ("75.00".into(), "76.92".into())
        );
        assert_eq!(
            evaluate(&ad, four(1, 0, 0, 0, 0)).unwrap_err().code,
            "selection_ballot_format_mismatch"
        );
        assert_eq!(
            evaluate(&le_half, four(0, 0, 0, 0, 0)).unwrap_err().code,
            "selection_no_votes"
        );
        assert_eq!(check_returned(40, 40), Ok(()));
        assert_eq!(
            check_returned(40, 41).unwrap_err().code,
            "selection_ballots_exceed_issued"
        );
    }

    fn cand(id: i64, w: &str, i: &str, e: &str) -> StageScores {
        StageScores {
            written: Some(dec(w)),
            interview: Some(dec(i)),
            evaluation: Some(dec(e)),
            ..StageScores::new(ApplicationId(id))
        }
    }

    /// TV-S1 (§1.7.2 [T]): written 82.50, interview 88.40, evaluation 90.00 at 30/40/30 →
    /// 87.11.
    #[test]
    fn tv_s1_composite() {
        let c = composite(&plan(), &cand(1, "82.50", "88.40", "90.00")).unwrap();
        assert_eq!(c.to_string(), "87.11");
    }

    #[test]
    fn composite_needs_every_weighted_stage_and_uses_rounded_stage_scores() {
        let mut s = cand(1, "80", "80", "80");
        s.interview = None;
        assert_eq!(composite(&plan(), &s).unwrap_err().field, "interview");
        // A stage with weight 0 needs no score.
        let mut p = plan();
        p.stages = weights(&[
            (Stage::Written, "50"),
            (Stage::Evaluation, "50"),
            (Stage::Interview, "0"),
        ]);
        // 80.005 is published as 80.01: (80.01 + 80) / 2 = 80.005 → 80.01. From the raw
        // score it would be 80.0025 → 80.00.
        s.written = Some(dec("80.005"));
        assert_eq!(composite(&p, &s).unwrap().to_string(), "80.01");
    }

    #[test]
    fn ranking_follows_the_tie_break_order() {
        let p = plan();
        // 1 and 2 have the same composite (0.3·90 + 0.4·80 + 0.3·80 = 83; 0.3·80 + 0.4·87.5
        // + 0.3·80 = 83); 1 has the better written score.
        let a = cand(1, "90", "80", "80");
        let b = cand(2, "80", "87.5", "80");
        let c = cand(3, "95", "95", "95");
        let r = rank(&p, 2, &[b, a, c]).unwrap();
        assert_eq!(r.plan_version, 2);
        let got: Vec<(i64, String, u32, bool)> = r
            .ranked
            .iter()
            .map(|x| (x.id.0, x.composite.to_string(), x.rank, x.tied))
            .collect();
        assert_eq!(
            got,
            vec![
                (3, "95.00".into(), 1, false),
                (1, "83.00".into(), 2, false),
                (2, "83.00".into(), 3, false)
            ]
        );
        // Equal on every key: a shared rank, flagged for 加试; the 加试 then separates them.
        let mut d = cand(4, "90", "80", "80");
        let r = rank(&p, 1, &[a, d]).unwrap();
        assert_eq!(
            r.ranked
                .iter()
                .map(|x| (x.rank, x.tied))
                .collect::<Vec<_>>(),
            [(1, true), (1, true)]
        );
        d.extra_test = Some(dec("70"));
        let r = rank(&p, 1, &[a, d]).unwrap();
        assert_eq!(
            r.ranked
                .iter()
                .map(|x| (x.id.0, x.rank))
                .collect::<Vec<_>>(),
            [(4, 1), (1, 2)]
        );
        // Evaluation approval, compared exactly.
        let mut p2 = p.clone();
        p2.tie_break = vec![TieKey::Composite, TieKey::EvaluationApproval];
        let mut x = cand(5, "90", "80", "80");
        let mut y = cand(6, "90", "80", "80");
        x.approval = Ratio::new(2, 3);
        y.approval = Ratio::new(67, 100);
        let r = rank(&p2, 1, &[x, y]).unwrap();
        assert_eq!(r.ranked[0].id.0, 6);
        let mut bad = cand(7, "90", "80", "80");
        bad.written = None;
        let e = rank(&p, 1, &[a, bad]).unwrap_err();
        assert_eq!(e[0].field, "candidates[1].written");
    }

    fn ranking_of(composites: &[&str]) -> Ranking {
        let mut p = plan();
        p.stages = weights(&[(Stage::Written, "100")]);
        p.tie_break = vec![TieKey::Composite];
        let c: Vec<StageScores> = composites
            .iter()
            .enumerate()
            .map(|(i, s)| StageScores {
                written: Some(dec(s)),
                ..StageScores::new(ApplicationId(i as i64 + 1))
            })
            .collect();
        rank(&p, 1, &c).unwrap()
    }

    /// TV-S5: seats 1, ranked composites 88, 85, 85, 80 → inspect 3 (a tie at the 2nd place
    /// includes both).
    #[test]
    fn tv_s5_shortlist_tie_at_the_cut() {
        let s = shortlist(&plan(), 1, &ranking_of(&["88", "85", "85", "80"]));
        assert_eq!(s.target, 2);
        assert_eq!(ids(&s.included), [1, 2, 3]);
        assert!(s.tie_at_cut && s.competitive);
    }

    #[test]
    fn shortlist_sizes_at_the_cut() {
        // No tie: exactly the target.
        let s = shortlist(&plan(), 1, &ranking_of(&["88", "86", "85", "80"]));
        assert_eq!((ids(&s.included), s.tie_at_cut), (vec![1, 2], false));
        // A tie above the cut changes nothing: 88, 88, 85 → 2.
        let s = shortlist(&plan(), 1, &ranking_of(&["88", "88", "85"]));
        assert_eq!(ids(&s.included), [1, 2]);
        // Seats 3 at ratio 1.5 → 5 (§1.8.1), with a three-way tie at 5th → 7.
        let mut p = plan();
        p.inspection_ratio = dec("1.5");
        let s = shortlist(
            &p,
            3,
            &ranking_of(&["90", "89", "88", "87", "86", "86", "86", "80"]),
        );
        assert_eq!((s.target, s.included.len()), (5, 7));
        // Fewer candidates than the target: all, and not 差额 when no more than the seats.
        let s = shortlist(&plan(), 2, &ranking_of(&["90", "80"]));
        assert_eq!((s.target, s.included.len(), s.competitive), (4, 2, false));
    }

    #[test]
    fn stops_before_inspection() {
        let p = plan();
        let s = cand(1, "59.99", "60", "80");
        assert_eq!(
            stops(&p, CompetitionOutcome::Competitive, &s, true),
            [
                "selection_written_below_pass",
                "selection_evaluation_disqualified"
            ]
        );
        let mut p2 = p.clone();
        p2.interview_floor_no_competition = dec("70");
        let s = cand(1, "80", "65", "80");
        assert!(stops(&p2, CompetitionOutcome::Competitive, &s, false).is_empty());
        assert_eq!(
            stops(&p2, CompetitionOutcome::ProceedWithFloor, &s, false),
            ["selection_interview_below_floor"]
        );
    }

    #[test]
    fn inspection_conclusions_and_backfill() {
        let r = ranking_of(&["90", "88", "85", "80", "75"]);
        let mut p = plan();
        let s = shortlist(&p, 1, &r); // 1, 2
        let c: std::collections::BTreeMap<ApplicationId, Conclusion> =
            [(ApplicationId(1), Conclusion::NotRecommend)]
                .into_iter()
                .collect();
        let a = after_inspection(&p, &s, &r, &c);
        assert_eq!(
            (ids(&a.dropped), ids(&a.pending), ids(&a.backfill)),
            (vec![1], vec![2], vec![])
        );
        p.backfill_after_inspection = true;
        let a = after_inspection(&p, &s, &r, &c);
        assert_eq!(ids(&a.backfill), [3]);
        let c: std::collections::BTreeMap<ApplicationId, Conclusion> = [
            (ApplicationId(1), Conclusion::Recommend),
            (ApplicationId(2), Conclusion::Defer),
        ]
        .into_iter()
        .collect();
        let a = after_inspection(&p, &s, &r, &c);
        assert_eq!((ids(&a.recommended), ids(&a.deferred)), (vec![1], vec![2]));
        assert_eq!(inspection_team_ready(&p, 2), Ok(()));
        assert_eq!(
            inspection_team_ready(&p, 1).unwrap_err().code,
            "selection_team_too_small"
        );
    }

    /// §1.11.3 [L]: 优秀 + 称职 exactly 2/3 → not confirmed; above → confirmed.
    #[test]
    fn probation_confirmation_threshold() {
        let p = EvaluationParams::default();
        assert!(!probation_confirmed(&p, four(10, 10, 10, 0, 0)).unwrap());
        assert!(probation_confirmed(&p, four(10, 11, 10, 0, 0)).unwrap());
    }

    proptest! {
        /// The four-grade evaluation without abstentions agrees with the rule
        /// `rules::selection::evaluation` at 50 % (one rule, not two).
        #[test]
        fn evaluation_agrees_with_the_policy_rule(e in 0u32..50, c in 0u32..50, b in 0u32..50, i in 0u32..50) {
            prop_assume!(e + c + b + i > 0);
            let mine = evaluate(&EvaluationParams::default(), four(e, c, b, i, 0)).unwrap();
            let theirs = crate::rules::selection::evaluation(
                Ballots { excellent: e, competent: c, basically_competent: b, incompetent: i },
                Decimal::from(50),
            ).unwrap();
            prop_assert_eq!(mine.disqualified, theirs.disqualified);
            prop_assert_eq!(mine.approval_pct, theirs.approval_pct);
        }

        /// Ranks are 1-based, non-decreasing, and the shortlist never cuts inside a rank.
        #[test]
        fn shortlist_never_splits_a_rank(raw in prop::collection::vec(50u32..60, 1..20), seats in 1u32..4) {
            let s: Vec<String> = raw.iter().map(|v| v.to_string()).collect();
            let refs: Vec<&str> = s.iter().map(String::as_str).collect();
            let r = ranking_of(&refs);
            prop_assert_eq!(r.ranked[0].rank, 1);
            prop_assert!(r.ranked.windows(2).all(|w| w[0].rank <= w[1].rank && w[0].composite >= w[1].composite));
            let sl = shortlist(&plan(), seats, &r);
            let n = sl.included.len();
            prop_assert!(n >= (sl.target as usize).min(r.ranked.len()));
            if n < r.ranked.len() && n > 0 {
                prop_assert!(r.ranked[n - 1].rank != r.ranked[n].rank);
            }
        }
    }
}
