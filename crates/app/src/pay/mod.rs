//! Performance pay (绩效分配) as use cases, and the [`PayStore`] port.
//!
//! - Who: `PayPoolSet` (district administrator) sets each unit's pool for a year;
//!   `PayRun` (the unit's HR office) creates the unit's run for a year, enters or imports
//!   the grades, post coefficients and months, computes, submits, reopens a rejected run and
//!   applies an approved one; `PayApprove` (the unit's leadership, 党委委员) approves or
//!   rejects (the table is [`jiguan_domain::workflow::PAY_RUNS`]); `PayView` sees runs, slips
//!   and the district report.
//! - The split is [`jiguan_domain::pay::compute`], which calls
//!   [`jiguan_domain::rules::pay_pool::split`] — the same function as `jiguan calc pay-pool`.
//! - Grades come from ONE place, [`App::grades_for_run`] (the seam to the appraisal module).

mod usecases;

pub mod demo;
pub mod report;

#[cfg(test)]
mod tests;

pub use usecases::*;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::Serialize;

use jiguan_domain::audit::AuditEntry;
use jiguan_domain::money::Money;
use jiguan_domain::pay::{Grade, LineResult, PayRunId, PoolBasis, RunResult};
use jiguan_domain::tenancy::{DistrictId, UnitId};
use jiguan_domain::workflow::Status;

use crate::ports::StoreResult;

/// A unit's pool for a year, as the district set it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PoolRecord {
    pub unit_id: UnitId,
    pub unit_name: String,
    pub year: i32,
    pub basis: PoolBasis,
    /// The pool the basis gives, in fen.
    pub amount: Money,
    pub set_by: String,
    pub set_at: DateTime<Utc>,
}

/// A pay run as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunRecord {
    pub id: PayRunId,
    pub district_id: DistrictId,
    pub unit_id: UnitId,
    pub year: i32,
    pub status: Status,
    /// The reason of the last rejection.
    pub reason: String,
    pub doc_no: String,
    /// The pool the shares were computed from (`None`: not computed since the last change).
    pub pool: Option<Money>,
    pub computed_at: Option<DateTime<Utc>>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub applied_at: Option<DateTime<Utc>>,
}

/// Where a line's grade came from.
pub const SOURCE_MANUAL: &str = "manual";
/// A line from the Excel import.
pub const SOURCE_IMPORT: &str = "import";
/// A line whose grade is the unit's confirmed annual appraisal result (年度考核结果).
pub const SOURCE_APPRAISAL: &str = "appraisal";

/// A line as stored: the snapshot of the person's grade and factors as written (read
/// through to the [`LineWrite`]: `line.grade`), and the computed share.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunLineRecord {
    #[serde(flatten)]
    pub line: LineWrite,
    /// The computed line (`None` until computed).
    pub result: Option<LineResult>,
}

impl std::ops::Deref for RunLineRecord {
    type Target = LineWrite;
    fn deref(&self) -> &LineWrite {
        &self.line
    }
}

/// A line to write (insert, or replace the person's line).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineWrite {
    pub person_id: i64,
    pub name: String,
    pub grade: Grade,
    /// `manual` or `import` (later: `appraisal`).
    pub source: String,
    pub post_coef: Decimal,
    /// Where the post coefficient came from: `post` (the person's post level) or `entered`.
    pub post_source: String,
    pub months: u32,
    pub basic_salary: Money,
}

/// One computed share of the district's report (the latest computed run of each unit).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareRow {
    pub unit_id: UnitId,
    pub grade: Grade,
    pub share: Money,
}

/// A pay run of a unit, as the store is asked about it.
pub type RunAt = crate::ports::Scoped<PayRunId>;

/// A unit's year (its pool, its run of the year), as the store is asked about it: `id`
/// is the year.
pub type YearAt = crate::ports::Scoped<i32>;

/// Storage of pools and pay runs.
#[async_trait]
pub trait PayStore: Send + Sync {
    /// The pools of every unit of the district for a year, in unit order.
    async fn pay_pools(&self, district: DistrictId, year: i32) -> StoreResult<Vec<PoolRecord>>;
    /// Sets (or replaces) a unit's pool for a year, set by the audit entry's user at its
    /// time.
    async fn pay_set_pool(
        &self,
        at: YearAt,
        basis: &PoolBasis,
        audit: AuditEntry,
    ) -> StoreResult<()>;
    /// Runs of a unit (`None`: of the district), newest year first.
    async fn pay_runs(
        &self,
        district: DistrictId,
        unit: Option<UnitId>,
    ) -> StoreResult<Vec<RunRecord>>;
    async fn pay_run(&self, at: RunAt) -> StoreResult<Option<RunRecord>>;
    /// A new draft run, created by the audit entry's user at its time;
    /// `Conflict(Unique(Key))` when the unit has one for the year.
    async fn pay_create_run(&self, at: YearAt, audit: AuditEntry) -> StoreResult<PayRunId>;
    /// The lines of a run, in the order they were first written.
    async fn pay_lines(&self, at: RunAt) -> StoreResult<Vec<RunLineRecord>>;
    /// Inserts or replaces lines by person and clears the computed result, if the run is
    /// still a draft (`Conflict(Status)`); all or nothing.
    async fn pay_save_lines(
        &self,
        at: RunAt,
        lines: &[LineWrite],
        audit: AuditEntry,
    ) -> StoreResult<()>;
    /// Writes the computed lines and the pool they came from (of `r`), computed at the audit
    /// entry's time, if the run is still a draft.
    async fn pay_save_result(&self, at: RunAt, r: &RunResult, audit: AuditEntry)
    -> StoreResult<()>;
    /// Every computed share of the district's runs for a year.
    async fn pay_district_shares(
        &self,
        district: DistrictId,
        year: i32,
    ) -> StoreResult<Vec<ShareRow>>;
}
