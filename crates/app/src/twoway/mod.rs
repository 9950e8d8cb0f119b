//! Two-way selection of posts (双向择岗) as use cases, and the [`TwowayStore`] port.
//!
//! - Who: `TwowayManage` (the unit's HR office) sets up, opens and matches rounds, imports
//!   choices, confirms 调剂, sets routes, submits and applies; `TwowayChoose` (staff) lists
//!   their own choices; `TwowayRank` (body heads) rank the applicants to their body's
//!   posts; `TwowayApprove` (the district or the unit's committee) approves or rejects;
//!   `TwowayView` sees rounds and results. The life cycle is
//!   [`jiguan_domain::workflow::TWOWAY_ROUNDS`].
//! - The rules live in `jiguan_domain::twoway` (and the match in
//!   `jiguan_domain::rules::matching`, the calculator's function).
//! - Applying is one transaction: the round's status move, the participants' old
//!   assignments ended and the new ones written by the posts module's store helper (after
//!   the posts module's rules checked each of them against the unit's state), every placed
//!   person's body and history row (the people module's move helper), the notices, the
//!   audit row.

pub mod demo;
mod form;
pub mod report;
#[cfg(test)]
mod tests;
mod todo;
mod usecases;

pub use form::*;
pub use usecases::*;

use std::collections::BTreeMap;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use jiguan_domain::audit::AuditEntry;
use jiguan_domain::inbox::NewNotice;
use jiguan_domain::tenancy::{DistrictId, UnitId};
use jiguan_domain::twoway::outcome::Outcome;
use jiguan_domain::twoway::{Exclusion, Mode, Offer, Ranking, RoundId, RoundInput, Route};
use jiguan_domain::workflow::{Move, Status};

use crate::ports::StoreResult;
use crate::posts::AssignmentWrite;

/// A round as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoundRecord {
    pub id: RoundId,
    pub district_id: DistrictId,
    pub unit_id: UnitId,
    pub title: String,
    pub choose_by: NaiveDate,
    pub rank_by: NaiveDate,
    pub max_choices: u32,
    pub mode: Mode,
    pub status: Status,
    pub doc_no: String,
    pub reason: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub applied_at: Option<DateTime<Utc>>,
    /// The match and what followed it ([`RoundResult`] as JSON); empty: not matched.
    pub result_json: String,
    pub offers: Vec<Offer>,
    pub exclusions: Vec<Exclusion>,
}

impl RoundRecord {
    /// The stored result, if the round was matched.
    pub fn result(&self) -> Option<RoundResult> {
        serde_json::from_str(&self.result_json).ok()
    }
}

/// The match of a round and the office's decisions after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundResult {
    pub outcome: Outcome,
    /// 服从调剂 proposals (person, post) the system made.
    pub proposals: Vec<(i64, i64)>,
    /// Proposals the office confirmed.
    pub adjusted: Vec<(i64, i64)>,
    /// The route of each person still unplaced.
    pub routes: BTreeMap<i64, Route>,
    pub matched_at: DateTime<Utc>,
}

impl RoundResult {
    /// The post each person ends with: matched or confirmed 调剂.
    pub fn placements(&self) -> Vec<(i64, i64)> {
        let mut out: Vec<(i64, i64)> = self
            .outcome
            .people
            .iter()
            .filter_map(|p| p.post_id.map(|q| (p.person_id, q)))
            .collect();
        out.extend(self.adjusted.iter().copied());
        out
    }
    /// People with neither a match nor a confirmed 调剂.
    pub fn unplaced(&self) -> Vec<i64> {
        self.outcome
            .unplaced()
            .into_iter()
            .filter(|p| !self.adjusted.iter().any(|(q, _)| q == p))
            .collect()
    }
}

/// A round's definition as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoundWrite {
    pub input: RoundInput,
    pub offers: Vec<Offer>,
    pub exclusions: Vec<Exclusion>,
}

/// One person's choices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrefRecord {
    pub person_id: i64,
    pub posts: Vec<i64>,
    /// 服从调剂.
    pub accept_adjust: bool,
    pub at: DateTime<Utc>,
}

/// A head's ranking of one post's applicants.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RankingRecord {
    pub post_id: i64,
    pub ranking: Ranking,
    pub by: String,
    pub at: DateTime<Utc>,
}

/// Everything applying a round writes, in one transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplyWrite {
    pub step: Move,
    /// The approval document number (批准文号), recorded in the history rows.
    pub doc_no: String,
    /// Old assignments ended, new ones started (the posts module's write).
    pub assignments: AssignmentWrite,
    /// (person, history note): a `move` history row (岗位调整) of each placed person. The
    /// person's body is left to the organisation and people modules.
    pub moves: Vec<(i64, String)>,
    pub notices: Vec<NewNotice>,
}

/// A round of a unit, as the store is asked about it.
pub type RoundAt = crate::ports::Scoped<RoundId>;

/// A change to a round: one port method writes them all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoundChange {
    /// Replaces a draft round's definition.
    Definition(RoundWrite),
    /// Inserts or replaces the choices of each person given.
    Prefs(Vec<PrefRecord>),
    /// Inserts or replaces a post's ranking.
    Ranking(RankingRecord),
    /// The result (JSON).
    Result(String),
}

impl RoundChange {
    /// The status the round must be in, and whether the change clears its result (choices
    /// or rankings changed).
    pub fn guard(&self) -> (Status, bool) {
        match self {
            RoundChange::Definition(_) => (Status::Draft, false),
            RoundChange::Prefs(_) | RoundChange::Ranking(_) => (Status::Open, true),
            RoundChange::Result(_) => (Status::Open, false),
        }
    }
}

impl RoundRecord {
    /// Where the round is, as the store is asked about it.
    pub fn at(&self) -> RoundAt {
        RoundAt::new(self.district_id, self.unit_id, self.id)
    }
}

/// Storage of two-way selection rounds.
#[async_trait]
pub trait TwowayStore: Send + Sync {
    /// Rounds of a unit (or of every unit of the district), newest first.
    async fn tw_rounds(
        &self,
        district: DistrictId,
        unit: Option<UnitId>,
    ) -> StoreResult<Vec<RoundRecord>>;
    async fn tw_round(&self, at: RoundAt) -> StoreResult<Option<RoundRecord>>;
    /// Creates a draft round with its offers and exclusions; returns its id.
    async fn tw_create_round(
        &self,
        district: DistrictId,
        unit: UnitId,
        w: &RoundWrite,
        audit: AuditEntry,
    ) -> StoreResult<RoundId>;
    /// Makes `change` while the round is in the status [`RoundChange::guard`] names
    /// (`Conflict(Status)` else), with its audit entry.
    async fn tw_change(
        &self,
        at: RoundAt,
        change: &RoundChange,
        audit: AuditEntry,
    ) -> StoreResult<()>;
    async fn tw_prefs(&self, at: RoundAt) -> StoreResult<Vec<PrefRecord>>;
    async fn tw_rankings(&self, at: RoundAt) -> StoreResult<Vec<RankingRecord>>;
    /// Writes notices (a reminder) with the audit row.
    async fn tw_notify(
        &self,
        district: DistrictId,
        notices: &[NewNotice],
        audit: AuditEntry,
    ) -> StoreResult<()>;
    /// Applies a round atomically (see the module documentation); `w.step` moves it.
    async fn tw_apply(&self, at: RoundAt, w: &ApplyWrite, audit: AuditEntry) -> StoreResult<()>;
}
