//! Downsizing plans (分流方案) as use cases, and the [`DownsizingStore`] port.
//!
//! - Who: `DownsizingView` sees plans, figures, notices and the district summary;
//!   `DownsizingManage` (unit administrator) drafts, submits, reopens and applies;
//!   `DownsizingApprove` (district administrator) approves or rejects (the table is
//!   [`jiguan_domain::workflow::DOWNSIZING_PLANS`]; status moves are written by
//!   [`crate::workflow::WorkflowStore`], with a history row per move).
//! - Figures are recomputed from the people's current records and the parameters in force
//!   until the plan is applied; applying freezes them into each line's snapshot.
//! - Applying is one transaction: plan status and history, every person's status with a
//!   history row, open post assignments of the people cut ended, labour contracts, the
//!   audit entry. A person no longer on post in the unit fails the whole apply.

#[cfg(test)]
mod tests;
mod usecases;

pub mod demo;

pub use usecases::*;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use jiguan_domain::audit::AuditEntry;
use jiguan_domain::downsizing::figures::Contract;
use jiguan_domain::downsizing::{CandidateReason, ContractId, LineId, PlanId, PlanStatus, Route};
use jiguan_domain::people::{Identity, Status};
use jiguan_domain::tenancy::{DistrictId, UnitId};

use crate::people::PersonRecord;
use crate::ports::{ListQuery, Page, StoreResult};

/// A plan as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanRecord {
    pub id: PlanId,
    pub district_id: DistrictId,
    pub unit_id: UnitId,
    pub title: String,
    pub effective: NaiveDate,
    pub status: PlanStatus,
    /// The approval document number (批准文号).
    pub doc_no: String,
    /// The reason of the last rejection.
    pub reason: String,
    /// People of the unit on post or lent out when the plan was applied.
    pub staff_base: Option<i64>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub applied_at: Option<DateTime<Utc>>,
    /// Number of lines.
    pub lines: i64,
}

/// A line as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineRecord {
    pub id: LineId,
    pub plan_id: PlanId,
    pub person_id: i64,
    pub route: Route,
    pub note: String,
    pub term_years: Option<u32>,
    /// The figures' JSON (the snapshot once applied).
    pub figures_json: String,
}

/// One status change of a plan (history).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanEvent {
    pub from: String,
    pub to: PlanStatus,
    pub comment: String,
    pub by: String,
    pub at: DateTime<Utc>,
}

/// A line written (inserted, or replaced for the same person).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineWrite {
    pub person_id: i64,
    pub route: Route,
    pub note: String,
    pub term_years: Option<u32>,
    pub figures_json: String,
}

/// What applying does to one person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplyItem {
    pub line_id: LineId,
    pub person_id: i64,
    /// The status after the plan; `None`: unchanged (new contract).
    pub new_status: Option<Status>,
    /// Whether the person leaves the headcount (open post assignments are ended).
    pub cut: bool,
    pub contract: Option<Contract>,
    /// The frozen figures.
    pub figures_json: String,
    /// The history row's note.
    pub note: String,
}

/// The whole apply, written in one transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplyWrite {
    /// The apply step of the workflow, moved in the same transaction.
    pub step: jiguan_domain::workflow::Move,
    pub effective: NaiveDate,
    pub staff_base: i64,
    pub doc_no: String,
    pub items: Vec<ApplyItem>,
}

/// A labour contract signed by a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContractRecord {
    pub id: ContractId,
    pub person_id: i64,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub term_years: i64,
    pub plan_id: Option<PlanId>,
}

/// A candidate as read: the person and why they are one (at least one reason).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CandidateRecord {
    pub person: PersonRecord,
    pub reasons: Vec<CandidateReason>,
}

/// Storage of downsizing plans.
#[async_trait]
pub trait DownsizingStore: Send + Sync {
    /// Plans of a unit (or of every unit of the district), newest first.
    async fn down_plans(
        &self,
        district: DistrictId,
        unit: Option<UnitId>,
    ) -> StoreResult<Vec<PlanRecord>>;
    async fn down_plan(
        &self,
        district: DistrictId,
        unit: UnitId,
        id: PlanId,
    ) -> StoreResult<Option<PlanRecord>>;
    /// A new draft plan, created by the audit entry's user at its time.
    async fn down_create_plan(
        &self,
        district: DistrictId,
        unit: UnitId,
        title: &str,
        effective: NaiveDate,
        audit: AuditEntry,
    ) -> StoreResult<PlanId>;
    async fn down_lines(
        &self,
        district: DistrictId,
        unit: UnitId,
        plan: PlanId,
    ) -> StoreResult<Vec<LineRecord>>;
    /// Inserts or replaces the person's line; the plan must still be a draft
    /// (`Conflict(Status)`).
    async fn down_save_line(
        &self,
        district: DistrictId,
        unit: UnitId,
        plan: PlanId,
        w: &LineWrite,
        at: DateTime<Utc>,
        audit: AuditEntry,
    ) -> StoreResult<LineId>;
    async fn down_remove_line(
        &self,
        district: DistrictId,
        unit: UnitId,
        plan: PlanId,
        line: LineId,
        audit: AuditEntry,
    ) -> StoreResult<()>;
    /// Applies a plan atomically. A person no longer on post or lent out in the unit fails
    /// everything with `Conflict(Person(id))`.
    async fn down_apply(
        &self,
        district: DistrictId,
        unit: UnitId,
        w: &ApplyWrite,
        audit: AuditEntry,
    ) -> StoreResult<()>;
    async fn down_events(
        &self,
        district: DistrictId,
        unit: UnitId,
        plan: PlanId,
    ) -> StoreResult<Vec<PlanEvent>>;
    /// One page of the candidates for `plan` of `unit` (分流对象), read in SQL: people whose
    /// home is the unit, on post or lent out, on neither this plan nor another plan of the
    /// unit still under way, who hold no post (on post with no open post assignment: 无岗),
    /// whose body is abolished or merged, or whose identity is one of `identities`; with
    /// the search text of `q` in their name or post; in name order (then id), with the
    /// total. Each with its reasons in [`CandidateReason`] order.
    async fn down_candidates(
        &self,
        district: DistrictId,
        unit: UnitId,
        plan: PlanId,
        identities: &[Identity],
        q: &ListQuery,
    ) -> StoreResult<Page<CandidateRecord>>;
    /// Labour contracts of a unit (of one person when given), newest first.
    async fn down_contracts(
        &self,
        district: DistrictId,
        unit: UnitId,
        person: Option<i64>,
    ) -> StoreResult<Vec<ContractRecord>>;
}
