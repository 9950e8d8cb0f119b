//! The probation-end evaluation (试用期满考核, RULES-SELECTION-APPRAISAL §1.11.3 [S3]):
//! at the end of the 试用期 the appointment is either confirmed (正式任职; the probation
//! counts as time in post) or the trial post is removed (免去试任职务, "一般按试任前职级安排
//! 工作").
//!
//! The evaluation's votes are four grades (优秀 / 称职 / 基本称职 / 不称职). Local rule [L,
//! siping.gov.cn], a district parameter (`selection.probation_two_thirds_rule`, default on):
//! 优秀 + 称职 at most two thirds of the votes → not confirmed, through the domain's one rule
//! `scores::probation_confirmed` (exact fractions): 20 of 30 (exactly 2/3) is not
//! confirmed, 21 of 30 is.
//! The rule only forbids confirming; removing the trial post is always possible (the
//! committee may find other grounds).

use serde::{Deserialize, Serialize};

use crate::FieldError;
use crate::selection::plan::EvaluationParams;
use crate::selection::scores::{EvaluationCount, probation_confirmed};

closed_lists!("selection/probation.toml");

/// The probation evaluation's votes (民主测评 of the probation).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProbationVotes {
    pub excellent: u32,
    pub competent: u32,
    pub basic: u32,
    pub incompetent: u32,
}

impl ProbationVotes {
    pub fn total(&self) -> u64 {
        u64::from(self.excellent)
            + u64::from(self.competent)
            + u64::from(self.basic)
            + u64::from(self.incompetent)
    }

    /// The votes as a four-grade evaluation count (no blank lines).
    pub fn count(&self) -> EvaluationCount {
        EvaluationCount::FourGrade {
            excellent: self.excellent,
            competent: self.competent,
            basic: self.basic,
            incompetent: self.incompetent,
            abstain: 0,
        }
    }
}

/// Whether `result` may be recorded with these votes. Errors: `votes`/`required` (the rule
/// is on and no vote was entered), `result`/`selection_probation_two_thirds` (confirming
/// although 优秀 + 称职 ≤ 2/3; args `approving`, `votes`).
pub fn check_review(
    votes: &ProbationVotes,
    result: ProbationResult,
    two_thirds_rule: bool,
) -> Result<(), FieldError> {
    if !two_thirds_rule {
        return Ok(());
    }
    if votes.total() == 0 {
        return Err(FieldError::new("votes", "required"));
    }
    // The one rule of the domain (`scores::probation_confirmed`), four grades.
    let confirmed =
        probation_confirmed(&EvaluationParams::default(), votes.count()).map_err(|mut e| {
            e.field = "votes".into();
            e
        })?;
    if result == ProbationResult::Confirmed && !confirmed {
        return Err(FieldError::new("result", "selection_probation_two_thirds")
            .with(
                "approving",
                u64::from(votes.excellent) + u64::from(votes.competent),
            )
            .with("votes", votes.total()));
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn v(e: u32, c: u32, b: u32, i: u32) -> ProbationVotes {
        ProbationVotes {
            excellent: e,
            competent: c,
            basic: b,
            incompetent: i,
        }
    }

    #[test]
    fn two_thirds_is_not_enough_to_confirm() {
        use ProbationResult::*;
        // Exactly 2/3 (20 of 30): not confirmed.
        let e = check_review(&v(5, 15, 8, 2), Confirmed, true).unwrap_err();
        assert_eq!(
            (e.field.as_str(), e.code.as_str()),
            ("result", "selection_probation_two_thirds")
        );
        // 21 of 30: confirmed.
        assert!(check_review(&v(6, 15, 7, 2), Confirmed, true).is_ok());
        // Removing the trial post is always possible.
        assert!(check_review(&v(6, 15, 7, 2), Dismissed, true).is_ok());
        // Without the local rule nothing is checked, not even the votes.
        assert!(check_review(&v(0, 0, 0, 0), Confirmed, false).is_ok());
        assert!(check_review(&v(5, 15, 8, 2), Confirmed, false).is_ok());
        // With it, the votes are required.
        assert_eq!(
            check_review(&v(0, 0, 0, 0), Dismissed, true)
                .unwrap_err()
                .field,
            "votes"
        );
    }

    #[test]
    fn result_codes_and_chinese_names() {
        assert_eq!(
            ProbationResult::parse("result", "正式任职").unwrap(),
            ProbationResult::Confirmed
        );
        assert_eq!(
            ProbationResult::parse("result", "dismissed").unwrap(),
            ProbationResult::Dismissed
        );
        assert!(ProbationResult::parse("result", "maybe").is_err());
    }
}
