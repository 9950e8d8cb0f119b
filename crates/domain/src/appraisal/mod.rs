//! Annual and periodic appraisal (年度考核 / 平时考核): the pure domain layer.
//!
//! Sources are `../shared/domain/RULES-SELECTION-APPRAISAL.md` §4 (cited by rule number
//! APR-n / PAY-n with the provenance tag of the rules file: [S] primary text, [S3]
//! third-party reproduction, [K] general knowledge to verify). The generic quota rule is
//! [`crate::rules::appraisal`] (`max_excellent`, `within_quota`), the score rounding is
//! [`crate::rules::selection::round_score`], the publicity period is
//! [`crate::rules::selection::publicity`] over the working-day calendar; this module uses
//! them and never restates them.
//!
//! - [`cycle`]: cycles (annual, quarterly periodic), their validation, who is appraised and
//!   who is not graded (APR-6), the grade labels per identity (APR-5).
//! - [`scores`]: indicator sets (德、能、勤、绩、廉 with weights and targets), raters with
//!   weights, the weighted score with every line explained, the periodic results feeding
//!   the annual one (APR-4).
//! - [`grading`]: proposed grade from score bands, the 优秀 quota per group and per unit
//!   (APR-9 – APR-14), reasons for 基本称职/不称职, sanction caps (APR-7).
//! - [`consequences`]: what a grade history entails (APR-16 – APR-20, PAY-1).
//!
//! The cycle's life cycle is [`crate::workflow::APPRAISAL_CYCLES`].

pub mod consequences;
pub mod cycle;
pub mod grading;
pub mod scores;

id_type! {
    /// An appraisal cycle (考核周期: one year's annual appraisal or one quarter's periodic one).
    CycleId;
    /// One person appraised in a cycle.
    ParticipantId;
    /// An indicator set (考核指标体系).
    IndicatorSetId;
    /// An appeal (复核申请).
    AppealId;
}

closed_lists!("appraisal/mod.toml");

impl Grade {
    /// Whether the grade is 称职 or better (APR-17: counts toward 档次/级别, bonus).
    pub fn competent_or_better(self) -> bool {
        matches!(self, Grade::Excellent | Grade::Competent)
    }
    /// Whether the grade needs a written reason (基本称职, 不称职).
    pub fn needs_reason(self) -> bool {
        matches!(self, Grade::Basic | Grade::Incompetent)
    }
}
