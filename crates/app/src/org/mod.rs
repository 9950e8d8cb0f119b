//! Organisation design (机构设置): the use cases over bodies, the function catalogue,
//! approved totals and reorganisation plans, and the [`OrgStore`] port they need.
//!
//! Decisions (see docs/modules/organisation.md):
//! - History is kept as validity ranges: every body and function item has versions
//!   `[valid_from, valid_to)`; the structure on a date is the versions valid on it. Caps
//!   have ranges too; a split of middle posts is in force from its effective date until
//!   the next phase's.
//! - Every change of bodies or items, direct or by plan, goes through the pure
//!   [`jiguan_domain::org::plan::apply`]; the store writes the difference between the
//!   structure before and after, so a plan's preview is what gets applied.
//! - Direct edits record the register (establishing the "before" state, renaming, the
//!   catalogue and its review); structural changes (merge, abolish, convert) go through a
//!   plan approved by the district.

pub mod chart;
pub mod demo;
mod plans;
mod usecases;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use jiguan_domain::audit::AuditEntry;
use jiguan_domain::org::analysis::KindRule;
use jiguan_domain::org::plan::PlanOp;
use jiguan_domain::org::{
    Body, BodyId, BodyKind, BodyStatus, Caps, FunctionItem, PlanId, PlanStatus, Split, Structure,
};
use jiguan_domain::tenancy::{DistrictId, UnitId};

use crate::ports::StoreResult;

pub use plans::{OpForm, PlanView};
pub use usecases::{BodyForm, CapsForm, FunctionForm, SplitForm, TotalsView, UnitTotals};

/// A body as other modules see it (the people module links staff to bodies).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BodySummary {
    pub id: BodyId,
    pub unit_id: UnitId,
    pub name: String,
    pub short_name: String,
    pub kind: BodyKind,
    pub status: BodyStatus,
    pub parent: Option<BodyId>,
}

impl BodySummary {
    /// The summary of body `b` of `unit`.
    pub fn of(unit: UnitId, b: &Body) -> Self {
        BodySummary {
            id: b.id,
            unit_id: unit,
            name: b.name.clone(),
            short_name: b.short_name.clone(),
            kind: b.kind,
            status: b.status,
            parent: b.parent,
        }
    }
}

/// One version of a body: its attributes during `[valid_from, valid_to)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BodyVersion {
    pub valid_from: NaiveDate,
    /// `None` while current.
    pub valid_to: Option<NaiveDate>,
    pub body: Body,
}

/// One version of a function item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FunctionVersion {
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    pub item: FunctionItem,
}

/// Caps set by the district, with their validity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CapRecord {
    pub caps: Caps,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    pub set_by: String,
}

/// A split of middle posts as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SplitRecord {
    pub split: Split,
    pub updated_by: String,
    pub updated_at: DateTime<Utc>,
}

/// A reorganisation plan as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanRecord {
    pub id: PlanId,
    pub unit_id: UnitId,
    pub title: String,
    pub status: PlanStatus,
    pub ops: Vec<PlanOp>,
    /// The approval document (文号), set by the district on approval.
    pub doc_no: String,
    /// The rejection reason, when rejected.
    pub reason: String,
    /// The effective date, once applied.
    pub effective: Option<NaiveDate>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub decided_by: String,
    pub decided_at: Option<DateTime<Utc>>,
    pub applied_at: Option<DateTime<Utc>>,
}

/// A change of bodies and function items, dated `on`. `stamp` is the unit's revision the
/// change was computed from: if another change landed since, the write is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StructureWrite {
    pub on: NaiveDate,
    pub stamp: i64,
    pub before: Structure,
    pub after: Structure,
    /// The plan applied by this write, moved in the same transaction.
    pub plan: Option<jiguan_domain::workflow::Move>,
    /// People the plan moves (their body taken out of active life), written with
    /// dated history rows in the same transaction.
    pub staff: Vec<jiguan_domain::org::plan::StaffMove>,
}

/// The unit's revision and the date of its latest change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Revision {
    pub stamp: i64,
    pub last_change: Option<NaiveDate>,
}

#[async_trait]
pub trait OrgStore: Send + Sync {
    /// The bodies of a unit: on a date (`Some`), or as they stand now (`None`), active
    /// or not, ordered by id.
    async fn list_bodies(
        &self,
        district: DistrictId,
        unit: UnitId,
        on: Option<NaiveDate>,
    ) -> StoreResult<Vec<BodySummary>>;
    /// The structure on a date: bodies and items valid on it, caps and split in force.
    async fn load_structure(
        &self,
        district: DistrictId,
        unit: UnitId,
        on: NaiveDate,
    ) -> StoreResult<Structure>;
    /// The structures of several units on a date, in the order of `units` (the district
    /// views: the SQL store reads them with one statement per table; the default asks
    /// [`OrgStore::load_structure`] for each).
    async fn load_structures(
        &self,
        district: DistrictId,
        units: &[UnitId],
        on: NaiveDate,
    ) -> StoreResult<Vec<(UnitId, Structure)>> {
        let mut out = Vec::with_capacity(units.len());
        for u in units {
            out.push((*u, self.load_structure(district, *u, on).await?));
        }
        Ok(out)
    }
    async fn revision(&self, district: DistrictId, unit: UnitId) -> StoreResult<Revision>;
    /// Writes the difference `before` → `after` (new bodies and items have negative ids)
    /// with the audit entry, and the plan move if any, in one transaction. Returns the
    /// real ids given to new bodies and items: (temporary, real).
    async fn write_structure(
        &self,
        district: DistrictId,
        unit: UnitId,
        w: &StructureWrite,
        audit: AuditEntry,
    ) -> StoreResult<Vec<(i64, i64)>>;
    async fn body_history(
        &self,
        district: DistrictId,
        unit: UnitId,
        body: BodyId,
    ) -> StoreResult<Vec<BodyVersion>>;
    async fn function_history(
        &self,
        district: DistrictId,
        unit: UnitId,
        item: jiguan_domain::org::FunctionId,
    ) -> StoreResult<Vec<FunctionVersion>>;
    /// The district's kind rules, or `None` when it never set any.
    async fn kind_rules(&self, district: DistrictId) -> StoreResult<Option<Vec<KindRule>>>;
    async fn set_kind_rules(
        &self,
        district: DistrictId,
        rules: &[KindRule],
        audit: AuditEntry,
    ) -> StoreResult<()>;
    /// Caps from `from` on (the caps in force then end the day before).
    async fn set_caps(
        &self,
        district: DistrictId,
        unit: UnitId,
        caps: &Caps,
        from: NaiveDate,
        by: &str,
        audit: AuditEntry,
    ) -> StoreResult<()>;
    async fn cap_history(&self, district: DistrictId, unit: UnitId) -> StoreResult<Vec<CapRecord>>;
    /// Saves a phase's split, replacing an earlier split of the same phase.
    async fn save_split(
        &self,
        district: DistrictId,
        unit: UnitId,
        split: &Split,
        by: &str,
        at: DateTime<Utc>,
        audit: AuditEntry,
    ) -> StoreResult<()>;
    /// Every phase's split, newest effective date first.
    async fn list_splits(
        &self,
        district: DistrictId,
        unit: UnitId,
    ) -> StoreResult<Vec<SplitRecord>>;
    /// A new draft plan, created by the audit entry's user at its time.
    async fn create_plan(
        &self,
        district: DistrictId,
        unit: UnitId,
        title: &str,
        audit: AuditEntry,
    ) -> StoreResult<PlanId>;
    async fn get_plan(
        &self,
        district: DistrictId,
        unit: UnitId,
        id: PlanId,
    ) -> StoreResult<Option<PlanRecord>>;
    /// Plans of a unit, newest first.
    async fn list_plans(&self, district: DistrictId, unit: UnitId) -> StoreResult<Vec<PlanRecord>>;
    /// Replaces the operations of a plan that is still editable (else `NotFound`).
    async fn save_plan_ops(
        &self,
        district: DistrictId,
        unit: UnitId,
        id: PlanId,
        ops: &[PlanOp],
        audit: AuditEntry,
    ) -> StoreResult<()>;
}
