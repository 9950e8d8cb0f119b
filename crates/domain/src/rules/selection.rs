//! Competitive selection of middle managers (中层干部竞争上岗), RULES.md §5.
//!
//! Sources: 党政机关竞争上岗工作暂行规定 (2004) art. 6 (procedure); 党政领导干部选拔任用工作条例
//! (committee decision, 差额考察, 任前公示); RULES-SELECTION-APPRAISAL §1.8.1 (inspect count);
//! local practice for interview scoring and evaluation
//! thresholds (policy parameters `selection.*`).
//!
//! Scores are exact decimals. An interview or composite score is rounded once, at the end, to
//! [`SCORE_DECIMALS`] = 2 decimals, half away from zero (85.125 → 85.13); the kept scores are
//! shown as entered.

use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

use super::calendar::{Calendar, CalendarMissing};
use crate::FieldError;

/// Decimals of a computed score.
pub const SCORE_DECIMALS: u32 = 2;

/// Rounds a score to exactly [`SCORE_DECIMALS`] decimals, half away from zero (`84` → `84.00`).
pub fn round_score(d: Decimal) -> Decimal {
    let mut r = d.round_dp_with_strategy(SCORE_DECIMALS, RoundingStrategy::MidpointAwayFromZero);
    r.rescale(SCORE_DECIMALS);
    r
}

closed_lists!("rules/selection.toml");

/// An interview result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InterviewScore {
    pub method: InterviewMethod,
    /// The scores averaged, in input order.
    pub kept: Vec<Decimal>,
    /// The dropped highest and lowest score (empty for a plain average).
    pub dropped: Vec<Decimal>,
    /// The average, rounded to 2 decimals.
    pub score: Decimal,
}

/// Interview score (local rule, `selection.interview_trim_threshold`, default 5): with more
/// judges than `trim_threshold`, drop one highest and one lowest score (their first
/// occurrences) and average the rest; otherwise average all. `None` for no scores or an
/// arithmetic overflow. A threshold below 2 is treated as 2 so that a score always remains.
pub fn interview_score(scores: &[Decimal], trim_threshold: usize) -> Option<InterviewScore> {
    if scores.is_empty() {
        return None;
    }
    let (method, kept, dropped) = if scores.len() > trim_threshold.max(2) {
        let (hi, _) =
            scores
                .iter()
                .enumerate()
                .fold(None::<(usize, Decimal)>, |acc, (i, &s)| match acc {
                    Some((_, m)) if m >= s => acc,
                    _ => Some((i, s)),
                })?;
        let (lo, _) = scores.iter().enumerate().filter(|(i, _)| *i != hi).fold(
            None::<(usize, Decimal)>,
            |acc, (i, &s)| match acc {
                Some((_, m)) if m <= s => acc,
                _ => Some((i, s)),
            },
        )?;
        let kept = scores
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != hi && *i != lo)
            .map(|(_, s)| *s)
            .collect();
        let dropped = vec![*scores.get(hi)?, *scores.get(lo)?];
        (InterviewMethod::TrimmedAverage, kept, dropped)
    } else {
        (InterviewMethod::PlainAverage, scores.to_vec(), Vec::new())
    };
    let sum = kept
        .iter()
        .try_fold(Decimal::ZERO, |a, s| a.checked_add(*s))?;
    let avg = sum.checked_div(Decimal::from(kept.len()))?;
    Some(InterviewScore {
        method,
        kept,
        dropped,
        score: round_score(avg),
    })
}

/// Composite score Σ score × weight% (a campaign parameter: e.g. written 50 + interview 50).
/// The weights must be non-negative and sum to exactly 100. Errors on field `weights`:
/// `weights_sum`, `out_of_range`, `too_large`.
pub fn composite_score(parts: &[(Decimal, Decimal)]) -> Result<Decimal, FieldError> {
    let mut total_w = Decimal::ZERO;
    let mut sum = Decimal::ZERO;
    for &(score, weight) in parts {
        if weight < Decimal::ZERO {
            return Err(FieldError::new("weights", "out_of_range"));
        }
        total_w += weight;
        sum = score
            .checked_mul(weight)
            .and_then(|x| sum.checked_add(x))
            .ok_or(FieldError::new("weights", "too_large"))?;
    }
    if total_w != Decimal::ONE_HUNDRED {
        return Err(FieldError::new("weights", "weights_sum").with("sum", total_w.normalize()));
    }
    Ok(round_score(sum / Decimal::ONE_HUNDRED))
}

/// Valid democratic-evaluation ballots for one candidate (民主测评).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Ballots {
    pub excellent: u32,
    pub competent: u32,
    pub basically_competent: u32,
    pub incompetent: u32,
}

/// The evaluation result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Evaluation {
    pub valid: u64,
    pub approving: u64,
    /// (优秀 + 称职) / valid × 100, rounded to 2 decimals for display.
    pub approval_pct: Decimal,
    /// approval ≤ threshold (compared exactly, not on the rounded figure).
    pub disqualified: bool,
}

/// Approval rate and disqualification (local rule `selection.evaluation_min_approval_pct`,
/// default 50: a candidate with approval ≤ 50 % is out). `None` without valid ballots.
pub fn evaluation(b: Ballots, disqualify_at_or_below_pct: Decimal) -> Option<Evaluation> {
    let approving = u64::from(b.excellent) + u64::from(b.competent);
    let valid = approving + u64::from(b.basically_competent) + u64::from(b.incompetent);
    if valid == 0 {
        return None;
    }
    let pct = Decimal::from(approving * 100) / Decimal::from(valid);
    let disqualified = Decimal::from(approving * 100)
        <= disqualify_at_or_below_pct.checked_mul(Decimal::from(valid))?;
    Some(Evaluation {
        valid,
        approving,
        approval_pct: round_score(pct),
        disqualified,
    })
}

/// The inspection shortlist (差额考察).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Shortlist {
    /// `posts × (1 + extra_per_post)`.
    pub target: u32,
    /// The target, limited by the candidates available.
    pub size: u32,
    /// More candidates than posts (差额): false means the inspection cannot be competitive.
    pub competitive: bool,
}

/// Shortlist size (policy parameter `selection.shortlist_extra_per_post`, default 1: two
/// candidates inspected for one post).
pub fn shortlist(posts: u32, candidates: u32, extra_per_post: u32) -> Shortlist {
    let target = posts.saturating_mul(extra_per_post.saturating_add(1));
    let size = target.min(candidates);
    Shortlist {
        target,
        size,
        competitive: size > posts,
    }
}

/// Candidates inspected for a post of `seats` seats (差额考察, RULES-SELECTION-APPRAISAL
/// §1.8.1 [S3]): `max(seats + 1, ⌈seats × ratio⌉)`, `ratio` usually 2 ("一般为2:1"), lower
/// for posts with several seats. This refines [`shortlist`]'s `posts × (1 + extra)`. Ties at
/// the cut-off are all included by the caller. `None` for a negative ratio or an overflow.
pub fn inspect_count(seats: u32, ratio: Decimal) -> Option<u32> {
    if ratio < Decimal::ZERO {
        return None;
    }
    let by_ratio = Decimal::from(seats).checked_mul(ratio)?.ceil();
    let by_ratio = u32::try_from(by_ratio).ok()?;
    Some(by_ratio.max(seats.checked_add(1)?))
}

/// A committee ballot on one candidate (同意 / 不同意 / 缓议).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CommitteeVote {
    /// Members who should attend (应到会成员).
    pub members: u32,
    /// Members present (实到会).
    pub present: u32,
    pub yes: u32,
    pub no: u32,
    pub defer: u32,
}

/// The outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CommitteeDecision {
    /// ⌈2/3 × members⌉ (三分之二以上 includes two thirds itself).
    pub quorum_needed: u32,
    pub quorum: bool,
    /// ⌊members/2⌋ + 1: more than half of ALL members (应到会成员超过半数).
    pub needed: u32,
    pub approved: bool,
}

/// Committee decision (党政领导干部选拔任用工作条例, 讨论决定: quorum two thirds of members;
/// approval by more than half of the members who should attend). Errors: `members`/
/// `must_be_positive`, `present`/`present_exceeds_members`, `yes`/`votes_exceed_present`.
pub fn committee_decision(v: CommitteeVote) -> Result<CommitteeDecision, FieldError> {
    if v.members == 0 {
        return Err(FieldError::new("members", "must_be_positive"));
    }
    if v.present > v.members {
        return Err(FieldError::new("present", "present_exceeds_members"));
    }
    let cast = u64::from(v.yes) + u64::from(v.no) + u64::from(v.defer);
    if cast > u64::from(v.present) {
        return Err(FieldError::new("yes", "votes_exceed_present"));
    }
    let m = u64::from(v.members);
    let quorum_needed = u32::try_from((2 * m).div_ceil(3)).unwrap_or(u32::MAX);
    let needed = v.members / 2 + 1;
    let quorum = v.present >= quorum_needed;
    Ok(CommitteeDecision {
        quorum_needed,
        quorum,
        needed,
        approved: quorum && v.yes >= needed,
    })
}

/// A pre-appointment publicity period (任前公示).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Publicity {
    pub days: Vec<NaiveDate>,
    pub last: NaiveDate,
    /// The first working day after the period: the earliest appointment date.
    pub earliest_appointment: NaiveDate,
}

/// Publicity of at least `workdays` working days (`selection.publicity_workdays`, default 5;
/// 党政领导干部选拔任用工作条例: 公示期不少于五个工作日), starting on `start` (counted if it is
/// a working day). `None` inside the `Ok` when `workdays` is 0.
pub fn publicity(
    calendar: &Calendar,
    start: NaiveDate,
    workdays: u32,
) -> Result<Option<Publicity>, CalendarMissing> {
    let days = calendar.workdays_from(start, workdays as usize)?;
    let Some(&last) = days.last() else {
        return Ok(None);
    };
    let next = last.succ_opt().ok_or(CalendarMissing { year: i32::MAX })?;
    let earliest_appointment = calendar
        .workdays_from(next, 1)?
        .first()
        .copied()
        .unwrap_or(next);
    Ok(Some(Publicity {
        days,
        last,
        earliest_appointment,
    }))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }
    fn decs(s: &[&str]) -> Vec<Decimal> {
        s.iter().map(|x| dec(x)).collect()
    }

    #[test]
    fn interview_plain_and_trimmed() {
        let r = interview_score(&decs(&["85", "90.5", "88"]), 5).unwrap();
        assert_eq!(r.method, InterviewMethod::PlainAverage);
        assert_eq!(r.kept, decs(&["85", "90.5", "88"]));
        assert_eq!(r.score.to_string(), "87.83"); // 263.5 / 3 = 87.8333…
        // five judges: still plain
        let r = interview_score(&decs(&["80", "90", "70", "85", "95"]), 5).unwrap();
        assert_eq!(r.method, InterviewMethod::PlainAverage);
        assert_eq!(r.score.to_string(), "84.00");
        // six judges: drop 95 and 70
        let r = interview_score(&decs(&["80", "90", "70", "85", "95", "88"]), 5).unwrap();
        assert_eq!(r.method, InterviewMethod::TrimmedAverage);
        assert_eq!(r.kept, decs(&["80", "90", "85", "88"]));
        assert_eq!(r.dropped, decs(&["95", "70"]));
        assert_eq!(r.score.to_string(), "85.75");
        // equal scores: one of each dropped
        let r = interview_score(&decs(&["90", "90", "90", "90", "90", "90"]), 5).unwrap();
        assert_eq!(r.kept.len(), 4);
        assert!(interview_score(&[], 5).is_none());
    }

    #[test]
    fn score_rounds_half_away_from_zero() {
        assert_eq!(round_score(dec("85.125")).to_string(), "85.13");
        assert_eq!(round_score(dec("85.124")).to_string(), "85.12");
        // 3 judges 85, 85.25, 85.125 → 255.375/3 = 85.125 → 85.13
        let r = interview_score(&decs(&["85", "85.25", "85.125"]), 5).unwrap();
        assert_eq!(r.score.to_string(), "85.13");
    }

    #[test]
    fn composite() {
        let c = composite_score(&[(dec("80"), dec("50")), (dec("91"), dec("50"))]).unwrap();
        assert_eq!(c.to_string(), "85.50");
        let c = composite_score(&[
            (dec("70"), dec("30")),
            (dec("90"), dec("60")),
            (dec("80"), dec("10")),
        ]);
        assert_eq!(c.unwrap().to_string(), "83.00");
        let e = composite_score(&[(dec("80"), dec("50"))]).unwrap_err();
        assert_eq!(e.code, "weights_sum");
    }

    #[test]
    fn evaluation_threshold_is_inclusive() {
        let half = Ballots {
            excellent: 10,
            competent: 10,
            basically_competent: 15,
            incompetent: 5,
        };
        let e = evaluation(half, dec("50")).unwrap();
        assert_eq!(e.approval_pct.to_string(), "50.00");
        assert!(e.disqualified);
        let more = Ballots {
            competent: 11,
            ..half
        };
        let e = evaluation(more, dec("50")).unwrap();
        assert!(!e.disqualified);
        assert_eq!(e.approval_pct.to_string(), "51.22"); // 21/41
        assert!(evaluation(Ballots::default(), dec("50")).is_none());
    }

    #[test]
    fn shortlist_sizes() {
        assert_eq!(
            shortlist(1, 5, 1),
            Shortlist {
                target: 2,
                size: 2,
                competitive: true
            }
        );
        assert_eq!(shortlist(3, 10, 1).size, 6);
        assert_eq!(
            shortlist(2, 2, 1),
            Shortlist {
                target: 4,
                size: 2,
                competitive: false
            }
        );
    }

    /// RULES-SELECTION-APPRAISAL §1.8.1 vectors: seats 1 → 2; seats 3 at ratio 1.5 → 5.
    #[test]
    fn vector_1_8_1_inspect_count() {
        assert_eq!(inspect_count(1, dec("2")), Some(2));
        assert_eq!(inspect_count(3, dec("1.5")), Some(5));
        assert_eq!(inspect_count(2, dec("1")), Some(3)); // never fewer than seats + 1
        assert_eq!(inspect_count(1, dec("3")), Some(3)); // 上饶 1:3
        assert_eq!(inspect_count(1, dec("-1")), None);
    }

    #[test]
    fn committee_uses_all_members_as_denominator() {
        let v = |members, present, yes, no, defer| {
            committee_decision(CommitteeVote {
                members,
                present,
                yes,
                no,
                defer,
            })
        };
        // 9 members: quorum 6, needed 5
        let d = v(9, 6, 5, 1, 0).unwrap();
        assert_eq!(
            (d.quorum_needed, d.quorum, d.needed, d.approved),
            (6, true, 5, true)
        );
        // a majority of those present is not enough
        let d = v(9, 6, 4, 2, 0).unwrap();
        assert!(d.quorum && !d.approved);
        // no quorum
        let d = v(9, 5, 5, 0, 0).unwrap();
        assert!(!d.quorum && !d.approved);
        // 7 members: quorum ⌈14/3⌉ = 5, needed 4
        let d = v(7, 5, 4, 0, 1).unwrap();
        assert_eq!((d.quorum_needed, d.needed, d.approved), (5, 4, true));
        // 6 members: quorum exactly 4, needed 4
        let d = v(6, 4, 4, 0, 0).unwrap();
        assert_eq!((d.quorum_needed, d.needed, d.approved), (4, 4, true));
        let e = |r: Result<CommitteeDecision, FieldError>| r.map_err(|e| (e.field, e.code));
        assert_eq!(
            e(v(0, 0, 0, 0, 0)),
            Err(("members".into(), "must_be_positive".into()))
        );
        assert_eq!(
            e(v(5, 6, 0, 0, 0)),
            Err(("present".into(), "present_exceeds_members".into()))
        );
        assert_eq!(
            e(v(5, 4, 3, 1, 1)),
            Err(("yes".into(), "votes_exceed_present".into()))
        );
    }

    #[test]
    fn publicity_period() {
        let c = Calendar::builtin();
        let d = |s: &str| NaiveDate::from_str(s).unwrap();
        let p = publicity(&c, d("2026-09-30"), 5).unwrap().unwrap();
        assert_eq!(p.last, d("2026-10-12"));
        assert_eq!(p.earliest_appointment, d("2026-10-13"));
        assert_eq!(publicity(&c, d("2026-09-30"), 0), Ok(None));
    }

    proptest! {
        #[test]
        fn interview_bounds(raw in prop::collection::vec(0u32..=10000, 1..15), t in 2usize..8) {
            let s: Vec<Decimal> = raw.iter().map(|v| Decimal::new(i64::from(*v), 2)).collect();
            let r = interview_score(&s, t).unwrap();
            let min = s.iter().min().copied().unwrap();
            let max = s.iter().max().copied().unwrap();
            prop_assert!(r.score >= min && r.score <= max);
            if s.len() > t {
                prop_assert_eq!(r.kept.len(), s.len() - 2);
                prop_assert_eq!(r.method, InterviewMethod::TrimmedAverage);
            } else {
                prop_assert_eq!(r.kept.len(), s.len());
            }
            // permuting the scores does not change the result
            let mut rev = s.clone();
            rev.reverse();
            prop_assert_eq!(interview_score(&rev, t).unwrap().score, r.score);
        }

        #[test]
        fn committee_invariants(
            (m, p, y, n) in (1u32..40)
                .prop_flat_map(|m| (Just(m), 0..=m))
                .prop_flat_map(|(m, p)| (Just(m), Just(p), 0..=p))
                .prop_flat_map(|(m, p, y)| (Just(m), Just(p), Just(y), 0..=p - y)),
        ) {
            let v = CommitteeVote { members: m, present: p, yes: y, no: n, defer: 0 };
            let d = committee_decision(v).unwrap();
            prop_assert_eq!(d.quorum, 3 * p >= 2 * m);
            prop_assert!(2 * d.needed > m && 2 * (d.needed - 1) <= m);
            if d.approved {
                prop_assert!(2 * y > m);
            }
        }
    }
}
