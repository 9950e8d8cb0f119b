//! Organisation: one structure per unit (bodies and function items), read by the bodies
//! list and `load_structure` on any date; the rest of `OrgStore` is not faked.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};

use jiguan_domain::audit::AuditEntry;
use jiguan_domain::org::analysis::KindRule;
use jiguan_domain::org::plan::PlanOp;
use jiguan_domain::org::{
    Body, BodyId, BodyKind, Caps, FunctionCategory, FunctionId, FunctionInput, FunctionItem,
    PlanId, Split, Structure,
};
use jiguan_domain::tenancy::{DistrictId, UnitId};

use super::{FakeStore, not_in_fake};
use crate::org::*;
use crate::ports::StoreResult;

/// Each unit's structure.
#[derive(Debug, Default)]
pub struct OrgState {
    pub structures: Vec<(UnitId, Structure)>,
}

/// An active body with an establishment of 3.
pub fn body(id: i64, name: &str, kind: BodyKind) -> Body {
    Body {
        establishment: 3,
        ..Body::new(BodyId(id), name, kind)
    }
}

/// A function item (public service, kept) owned by `owner`.
pub fn function_item(id: i64, code: &str, owner: i64) -> FunctionItem {
    FunctionItem {
        id: FunctionId(id),
        input: FunctionInput {
            code: code.into(),
            title: format!("事项{code}"),
            category: FunctionCategory::PublicService,
            legal_basis: String::new(),
            owners: vec![BodyId(owner)],
            decision: None,
            reason: String::new(),
        },
    }
}

impl OrgState {
    /// The unit's structure (empty when none was seeded).
    pub fn structure(&self, unit: UnitId) -> Structure {
        self.structures
            .iter()
            .find(|(u, _)| *u == unit)
            .map(|(_, s)| s.clone())
            .unwrap_or_default()
    }

    /// The unit's structure, to change in place (created empty when missing).
    pub fn structure_mut(&mut self, unit: UnitId) -> &mut Structure {
        let i = match self.structures.iter().position(|(u, _)| *u == unit) {
            Some(i) => i,
            None => {
                self.structures.push((unit, Structure::default()));
                self.structures.len() - 1
            }
        };
        &mut self.structures[i].1
    }
}

#[async_trait]
impl OrgStore for FakeStore {
    async fn list_bodies(
        &self,
        district: DistrictId,
        unit: UnitId,
        _on: Option<NaiveDate>,
    ) -> StoreResult<Vec<BodySummary>> {
        // The bodies of the unit's one structure, whatever the date.
        self.with_state(|s| {
            if !s.unit_in(district, unit) {
                return Vec::new();
            }
            s.org
                .structure(unit)
                .bodies
                .iter()
                .map(|b| BodySummary::of(unit, b))
                .collect()
        })
    }

    async fn load_structure(
        &self,
        district: DistrictId,
        unit: UnitId,
        _on: NaiveDate,
    ) -> StoreResult<Structure> {
        // One structure per unit, valid on every date.
        self.with_state(|s| {
            if s.unit_in(district, unit) {
                s.org.structure(unit)
            } else {
                Structure::default()
            }
        })
    }

    async fn revision(&self, _district: DistrictId, _unit: UnitId) -> StoreResult<Revision> {
        Err(not_in_fake())
    }

    async fn write_structure(
        &self,
        _district: DistrictId,
        _unit: UnitId,
        _w: &StructureWrite,
        _audit: AuditEntry,
    ) -> StoreResult<Vec<(i64, i64)>> {
        Err(not_in_fake())
    }

    async fn body_history(
        &self,
        _district: DistrictId,
        _unit: UnitId,
        _body: BodyId,
    ) -> StoreResult<Vec<BodyVersion>> {
        Err(not_in_fake())
    }

    async fn function_history(
        &self,
        _district: DistrictId,
        _unit: UnitId,
        _item: jiguan_domain::org::FunctionId,
    ) -> StoreResult<Vec<FunctionVersion>> {
        Err(not_in_fake())
    }

    async fn kind_rules(&self, _district: DistrictId) -> StoreResult<Option<Vec<KindRule>>> {
        Err(not_in_fake())
    }

    async fn set_kind_rules(
        &self,
        _district: DistrictId,
        _rules: &[KindRule],
        _audit: AuditEntry,
    ) -> StoreResult<()> {
        Err(not_in_fake())
    }

    async fn set_caps(
        &self,
        _district: DistrictId,
        _unit: UnitId,
        _caps: &Caps,
        _from: NaiveDate,
        _by: &str,
        _audit: AuditEntry,
    ) -> StoreResult<()> {
        Err(not_in_fake())
    }

    async fn cap_history(
        &self,
        _district: DistrictId,
        _unit: UnitId,
    ) -> StoreResult<Vec<CapRecord>> {
        Err(not_in_fake())
    }

    async fn save_split(
        &self,
        _district: DistrictId,
        _unit: UnitId,
        _split: &Split,
        _by: &str,
        _at: DateTime<Utc>,
        _audit: AuditEntry,
    ) -> StoreResult<()> {
        Err(not_in_fake())
    }

    async fn list_splits(
        &self,
        _district: DistrictId,
        _unit: UnitId,
    ) -> StoreResult<Vec<SplitRecord>> {
        Err(not_in_fake())
    }

    async fn create_plan(
        &self,
        _district: DistrictId,
        _unit: UnitId,
        _title: &str,
        _audit: AuditEntry,
    ) -> StoreResult<PlanId> {
        Err(not_in_fake())
    }

    async fn get_plan(
        &self,
        _district: DistrictId,
        _unit: UnitId,
        _id: PlanId,
    ) -> StoreResult<Option<PlanRecord>> {
        Err(not_in_fake())
    }

    async fn list_plans(
        &self,
        _district: DistrictId,
        _unit: UnitId,
    ) -> StoreResult<Vec<PlanRecord>> {
        Err(not_in_fake())
    }

    async fn save_plan_ops(
        &self,
        _district: DistrictId,
        _unit: UnitId,
        _id: PlanId,
        _ops: &[PlanOp],
        _audit: AuditEntry,
    ) -> StoreResult<()> {
        Err(not_in_fake())
    }
}
