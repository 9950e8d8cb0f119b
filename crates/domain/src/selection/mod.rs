//! Competitive selection of middle managers (中层干部竞争上岗): the pure domain layer of a
//! campaign, from the plan (竞争上岗方案) to the term (聘任期).
//!
//! Sources are `../shared/domain/RULES-SELECTION-APPRAISAL.md` §0–§2 (cited below by section
//! and provenance tag: [S] primary text, [S3] third-party reproduction, [L] local plan used
//! as a default, [K] general knowledge to verify) and RULES.md §4–§5. The generic policy
//! rules live in [`crate::rules::selection`] (interview score, composite score, committee
//! decision, publicity) and [`crate::rules::calendar`] (working days); this module uses them
//! and never restates them.
//!
//! - [`plan`]: the campaign plan, its validation (every field error at once), versions
//!   (a published plan is immutable; a change is a new version with a reason) and the quota
//!   check against the vacant middle posts (§1.1.3, §1.2).
//! - [`eligibility`]: a person snapshot checked against every rule of the plan, each reason
//!   a code with parameters (§1.3.4, §1.9.2); the no-competition policy (§1.3.2);
//!   applications (choices, 服从调剂, nomination modes, §1.3.1, §1.6.7).
//! - [`scores`]: written exam, interview panel, democratic evaluation, weighted composite,
//!   tie-break ranking, the advance to interview and the inspection shortlist with ties at
//!   the cut (§1.4–§1.8).
//! - [`recusal`]: conflicts from recorded kinship, who may not serve, and the interview
//!   panel left after recusals (§1.9, §1.5.4).
//! - [`ballot`]: the committee's secret ballot (党委会 无记名投票): quorum, tokens, casting,
//!   tally, the SHA-256 digest of the sorted ballot set and the recount (§1.10, §2.3).
//! - [`dates`]: publicity (任前公示), probation (试用期) and term (聘任期) dates (§1.11).
//!
//! The campaign's approval life cycle is [`crate::workflow::SELECTION_CAMPAIGNS`].

pub mod ballot;
pub mod dates;
pub mod eligibility;
pub mod plan;
pub mod probation;
pub mod recusal;
pub mod scores;

id_type! {
    /// A competitive-selection campaign (竞争上岗).
    CampaignId;
    /// An application (报名) of one person to a campaign.
    ApplicationId;
    /// A committee meeting (党委会) that votes by secret ballot.
    MeetingId;
}

pub use ballot::{Ballot, BallotBox, Mark, Tally};
pub use eligibility::{Ineligibility, PersonSnapshot};
pub use plan::{OfferedPost, Plan, PlanVersion};
pub use scores::{Ranked, StageScores};

// Where an application, an exam result, a meeting and a proposed candidate stand: the
// stages the app crate's campaign use cases move through.
closed_lists!("selection/mod.toml");

#[cfg(test)]
pub(crate) mod test_util {
    pub use crate::test_util::{date, dec};

    /// The stages and their weights, e.g. `&[(Stage::Written, "50")]`.
    pub fn weights(ws: &[(super::plan::Stage, &str)]) -> Vec<super::plan::StageWeight> {
        ws.iter()
            .map(|&(stage, w)| super::plan::StageWeight {
                stage,
                weight: dec(w),
            })
            .collect()
    }
}
