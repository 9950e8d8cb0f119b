//! Appraisal (年度考核 / 平时考核) as use cases, and the [`AppraisalStore`] port.
//!
//! - Who: `AppraisalManage` (the unit's HR office) creates cycles (participants come from
//!   the roster, with their not-graded reason), keeps indicator sets and rater weights,
//!   enters and imports scores, issues one-time codes for 民主测评, proposes grades within
//!   the quota, publishes and closes, records appeals; `AppraisalConfirm` (the 考核委员会:
//!   committee members) confirms or sends back the grades; `AppraisalRate` rates colleagues
//!   with a code; `AppraisalView` reads.
//! - Anonymity (RULES-SELECTION-APPRAISAL §2.3, §4.7): codes are kept only as SHA-256 with
//!   a used flag ([`jiguan_domain::selection::ballot::TokenHash`]); a colleague's ratings
//!   are stored with a random key and the value, no user, no code, no time; a rating writes
//!   no audit entry. Marking the code used and storing the ratings are one transaction.
//! - The rules are the domain's ([`jiguan_domain::appraisal`]); this module loads, checks
//!   who may act, and stores.

mod usecases;

pub mod demo;
pub mod mine;
pub mod report;

#[cfg(test)]
mod tests;

pub use usecases::*;

use std::collections::BTreeMap;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::Serialize;

use jiguan_domain::appraisal::cycle::{CycleInput, Kind};
use jiguan_domain::appraisal::scores::{IndicatorSet, RaterKind, RaterScore, Source};
use jiguan_domain::appraisal::{AppealId, CycleId, Grade, IndicatorSetId, ParticipantId, Ungraded};
use jiguan_domain::audit::AuditEntry;
use jiguan_domain::people::Identity;
use jiguan_domain::tenancy::{DistrictId, UnitId};
use jiguan_domain::workflow::Status;

use crate::ports::{Scoped, StoreResult};

/// A cycle of a unit, as the store is asked about it.
pub type CycleAt = Scoped<CycleId>;

/// A cycle as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CycleRecord {
    pub id: CycleId,
    pub district_id: DistrictId,
    pub unit_id: UnitId,
    pub title: String,
    pub kind: Kind,
    pub year: i32,
    pub quarter: Option<u32>,
    pub due_on: Option<NaiveDate>,
    pub status: Status,
    /// The 考核委员会's reason when it sent the grades back.
    pub reason: String,
    /// The 考核委员会's decision number (文号) when it confirmed.
    pub doc_no: String,
    /// The first day of the 优秀 publicity.
    pub publicity_from: Option<NaiveDate>,
    /// The rater weights (percent), in [`RaterKind`] order.
    pub rater_weights: Vec<(RaterKind, Decimal)>,
    /// A raised 优秀 rate (above 20 %, at most 25 %) and its approval 文号 (APR-9).
    pub quota_rate: Option<Decimal>,
    pub quota_doc: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
}

/// A person in a cycle, with the facts that decide whether they are graded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParticipantRecord {
    pub id: ParticipantId,
    pub cycle_id: CycleId,
    /// Who, as written at creation (read through: `p.name`).
    #[serde(flatten)]
    pub who: ParticipantWrite,
    pub leave_days: u32,
    pub investigation: bool,
    pub sanction: bool,
    /// A 警告 in the year: not 优秀 (APR-7).
    pub warned: bool,
    /// The score frozen when the grades were saved.
    pub score: Option<Decimal>,
    pub grade: Option<Grade>,
    /// The written reason (required for 基本称职/不称职).
    pub reason: String,
}

impl std::ops::Deref for ParticipantRecord {
    type Target = ParticipantWrite;
    fn deref(&self) -> &ParticipantWrite {
        &self.who
    }
}

/// A participant as written at creation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParticipantWrite {
    pub person_id: i64,
    pub name: String,
    pub identity: Identity,
    /// The quota group (e.g. `staff`, `leaders`; APR-12).
    pub group: String,
    /// The post level that picks the indicator set.
    pub post_level: String,
    pub ungraded: Option<Ungraded>,
}

/// A new cycle as written: the form's input, the rater weights, the participants and the
/// first indicator set.
#[derive(Debug, Clone)]
pub struct NewCycle {
    pub input: CycleInput,
    pub weights: Vec<(RaterKind, Decimal)>,
    pub people: Vec<ParticipantWrite>,
    pub set: IndicatorSet,
}

/// The facts of a participant as changed by the HR office.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FactsWrite {
    pub group: String,
    pub post_level: String,
    pub leave_days: u32,
    pub investigation: bool,
    pub sanction: bool,
    pub warned: bool,
    pub ungraded: Option<Ungraded>,
}

/// An indicator set as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IndicatorSetRecord {
    pub id: IndicatorSetId,
    pub set: IndicatorSet,
}

/// One score as stored: a participant's, by a named rater or an anonymous colleague
/// (`rater` `None`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScoreRecord {
    pub participant_id: ParticipantId,
    #[serde(flatten)]
    pub score: RaterScore,
}

impl ScoreRecord {
    /// An anonymous colleague's rating (民主测评 on the phone, with a one-time code): one
    /// overall value.
    pub fn colleague(participant_id: ParticipantId, value: Decimal) -> Self {
        ScoreRecord {
            participant_id,
            score: RaterScore {
                kind: RaterKind::Colleagues,
                rater: None,
                source: Source::Phone,
                by_indicator: BTreeMap::new(),
                overall: Some(value),
            },
        }
    }
}

/// A grade as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GradeWrite {
    pub participant_id: ParticipantId,
    pub score: Option<Decimal>,
    pub grade: Grade,
    pub reason: String,
}

/// An appeal (复核).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppealRecord {
    pub id: AppealId,
    pub cycle_id: CycleId,
    pub participant_id: ParticipantId,
    pub filed_on: NaiveDate,
    pub reason: String,
    /// `None` while open.
    pub decision: Option<String>,
    /// The grade after the review, when it changed it.
    pub new_grade: Option<Grade>,
    pub resolved_on: Option<NaiveDate>,
}

/// An appeal (复核) as filed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppealWrite {
    pub participant_id: ParticipantId,
    pub filed_on: NaiveDate,
    pub reason: String,
}

/// An appeal's resolution as written: the decision, the grade it gives (if it changes
/// it) and the day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResolveWrite {
    pub appeal: AppealId,
    pub decision: String,
    pub new_grade: Option<Grade>,
    pub on: NaiveDate,
}

/// One annual result of a person (for the history and the consequences).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct YearRecord {
    pub year: i32,
    pub unit_id: UnitId,
    pub cycle_id: CycleId,
    pub grade: Option<Grade>,
    pub ungraded: Option<Ungraded>,
}

/// The statuses in which the rater weights, facts and indicator sets may change.
pub const EDITABLE: &[Status] = &[Status::Draft, Status::Open];
/// The statuses in which a raised quota may be recorded (before confirmation).
pub const QUOTA_STATUSES: &[Status] = &[
    Status::Draft,
    Status::Open,
    Status::Scoring,
    Status::Grading,
];

/// A change the HR office makes to a cycle: one port method writes them all, each in the
/// statuses [`CycleChange::statuses`] allows.
#[derive(Debug, Clone, PartialEq)]
pub enum CycleChange {
    /// The rater weights.
    Weights(Vec<(RaterKind, Decimal)>),
    /// A raised rate and its approval 文号.
    Quota { rate: Decimal, doc: String },
    /// A participant's facts.
    Facts(ParticipantId, FactsWrite),
    /// Adds a set, or replaces the set of the same post level.
    IndicatorSet(IndicatorSet),
    /// Named scores (a rater's earlier score of the same participant and kind is replaced).
    Scores(Vec<ScoreRecord>),
    /// Code hashes, unused.
    Codes(Vec<String>),
    /// Grades and frozen scores.
    Grades(Vec<GradeWrite>),
    /// An appeal of a participant of the cycle.
    Appeal(AppealWrite),
    /// Resolves an open appeal; a new grade is written to the participant too.
    Resolve(ResolveWrite),
}

impl CycleChange {
    /// The statuses the cycle must be in; `None`: any (an appeal is resolved while open).
    pub fn statuses(&self) -> Option<&'static [Status]> {
        Some(match self {
            CycleChange::Weights(_) | CycleChange::Facts(..) | CycleChange::IndicatorSet(_) => {
                EDITABLE
            }
            CycleChange::Quota { .. } => QUOTA_STATUSES,
            CycleChange::Scores(_) | CycleChange::Codes(_) => &[Status::Scoring],
            CycleChange::Grades(_) => &[Status::Grading],
            CycleChange::Appeal(_) => RESULT_STATUSES,
            CycleChange::Resolve(_) => return None,
        })
    }
}

impl CycleRecord {
    /// Where the cycle is, as the store is asked about it.
    pub fn at(&self) -> CycleAt {
        CycleAt::new(self.district_id, self.unit_id, self.id)
    }
}

/// The people of `people` once each, in id order (the order of
/// [`AppraisalStore::apr_people_years`]).
pub fn distinct(people: &[i64]) -> Vec<i64> {
    let mut ids = people.to_vec();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// Storage of appraisal cycles, participants, indicator sets, scores, codes, ratings,
/// grades and appeals. Every query is scoped by district and unit.
#[async_trait]
pub trait AppraisalStore: Send + Sync {
    /// Cycles of a unit, newest year first.
    async fn apr_cycles(&self, d: DistrictId, u: UnitId) -> StoreResult<Vec<CycleRecord>>;
    async fn apr_cycle(&self, at: CycleAt) -> StoreResult<Option<CycleRecord>>;
    /// Creates a draft cycle with its rater weights, participants and first indicator set.
    async fn apr_create_cycle(
        &self,
        d: DistrictId,
        u: UnitId,
        w: &NewCycle,
        audit: AuditEntry,
    ) -> StoreResult<CycleId>;
    /// Makes `change` to the cycle while it is in one of [`CycleChange::statuses`]
    /// (`Conflict(Status)` else), with its audit entry; all or nothing. Answers the id of
    /// the record it adds (an indicator set, an appeal).
    async fn apr_change(
        &self,
        at: CycleAt,
        change: &CycleChange,
        audit: AuditEntry,
    ) -> StoreResult<Option<i64>>;
    async fn apr_participants(&self, at: CycleAt) -> StoreResult<Vec<ParticipantRecord>>;
    async fn apr_indicator_sets(&self, at: CycleAt) -> StoreResult<Vec<IndicatorSetRecord>>;
    /// Every score of the cycle: named ones, then the anonymous ratings.
    async fn apr_scores(&self, at: CycleAt) -> StoreResult<Vec<ScoreRecord>>;
    /// (codes used, codes issued).
    async fn apr_code_progress(&self, at: CycleAt) -> StoreResult<(i64, i64)>;
    /// Uses an unused code of a `scoring` cycle and stores the ratings (random key, value)
    /// in one transaction; no audit entry. `false`: code unknown or used, or not scoring.
    async fn apr_rate(
        &self,
        at: CycleAt,
        hash: &str,
        ratings: &[(ParticipantId, String, Decimal)],
    ) -> StoreResult<bool>;
    async fn apr_appeals(&self, at: CycleAt) -> StoreResult<Vec<AppealRecord>>;
    /// A person's annual results in confirmed, published or closed cycles of the district,
    /// oldest first.
    async fn apr_person_years(&self, d: DistrictId, person: i64) -> StoreResult<Vec<YearRecord>>;
    /// [`AppraisalStore::apr_person_years`] of each of `people`, as (person, year) in
    /// person, year and cycle order. The SQL store answers in one query per chunk of people.
    async fn apr_people_years(
        &self,
        d: DistrictId,
        people: &[i64],
    ) -> StoreResult<Vec<(i64, YearRecord)>> {
        let mut out = Vec::new();
        for p in distinct(people) {
            for y in self.apr_person_years(d, p).await? {
                out.push((p, y));
            }
        }
        Ok(out)
    }
    /// The frozen scores of the unit's confirmed periodic cycles of `year`, per person.
    async fn apr_periodic_scores(
        &self,
        d: DistrictId,
        u: UnitId,
        year: i32,
    ) -> StoreResult<Vec<(i64, Decimal)>>;
}
