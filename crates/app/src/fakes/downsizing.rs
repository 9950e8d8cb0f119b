//! Downsizing: the plans and lines a test seeds, read back; writes are not faked.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};

use jiguan_domain::audit::AuditEntry;
use jiguan_domain::tenancy::{DistrictId, UnitId};

use super::{FakeStore, not_in_fake};
use crate::downsizing::*;
use crate::ports::StoreResult;

/// Plans and their lines.
#[derive(Debug, Default)]
pub struct DownsizingState {
    pub plans: Vec<PlanRecord>,
    pub lines: Vec<LineRecord>,
}

#[async_trait]
impl DownsizingStore for FakeStore {
    async fn down_plans(
        &self,
        district: DistrictId,
        unit: Option<UnitId>,
    ) -> StoreResult<Vec<PlanRecord>> {
        self.with_state(|s| {
            s.downsizing
                .plans
                .iter()
                .filter(|p| p.district_id == district && unit.is_none_or(|u| p.unit_id == u))
                .cloned()
                .collect()
        })
    }

    async fn down_plan(
        &self,
        district: DistrictId,
        unit: UnitId,
        id: jiguan_domain::downsizing::PlanId,
    ) -> StoreResult<Option<PlanRecord>> {
        self.with_state(|s| {
            s.downsizing
                .plans
                .iter()
                .find(|p| p.district_id == district && p.unit_id == unit && p.id == id)
                .cloned()
        })
    }

    async fn down_create_plan(
        &self,
        _district: DistrictId,
        _unit: UnitId,
        _title: &str,
        _effective: NaiveDate,
        _audit: AuditEntry,
    ) -> StoreResult<jiguan_domain::downsizing::PlanId> {
        Err(not_in_fake())
    }

    async fn down_lines(
        &self,
        district: DistrictId,
        unit: UnitId,
        plan: jiguan_domain::downsizing::PlanId,
    ) -> StoreResult<Vec<LineRecord>> {
        self.with_state(|s| {
            let ours = s
                .downsizing
                .plans
                .iter()
                .any(|p| p.district_id == district && p.unit_id == unit && p.id == plan);
            s.downsizing
                .lines
                .iter()
                .filter(|l| ours && l.plan_id == plan)
                .cloned()
                .collect()
        })
    }

    async fn down_save_line(
        &self,
        _district: DistrictId,
        _unit: UnitId,
        _plan: jiguan_domain::downsizing::PlanId,
        _w: &LineWrite,
        _at: DateTime<Utc>,
        _audit: AuditEntry,
    ) -> StoreResult<jiguan_domain::downsizing::LineId> {
        Err(not_in_fake())
    }

    async fn down_remove_line(
        &self,
        _district: DistrictId,
        _unit: UnitId,
        _plan: jiguan_domain::downsizing::PlanId,
        _line: jiguan_domain::downsizing::LineId,
        _audit: AuditEntry,
    ) -> StoreResult<()> {
        Err(not_in_fake())
    }

    async fn down_apply(
        &self,
        _district: DistrictId,
        _unit: UnitId,
        _w: &ApplyWrite,
        _audit: AuditEntry,
    ) -> StoreResult<()> {
        Err(not_in_fake())
    }

    async fn down_events(
        &self,
        _district: DistrictId,
        _unit: UnitId,
        _plan: jiguan_domain::downsizing::PlanId,
    ) -> StoreResult<Vec<PlanEvent>> {
        // The fake keeps no history.
        Ok(Vec::new())
    }

    async fn down_without_post(
        &self,
        _district: DistrictId,
        _unit: UnitId,
    ) -> StoreResult<Vec<i64>> {
        Err(not_in_fake())
    }

    async fn down_in_abolished_bodies(
        &self,
        _district: DistrictId,
        _unit: UnitId,
    ) -> StoreResult<Vec<i64>> {
        Err(not_in_fake())
    }

    async fn down_contracts(
        &self,
        _district: DistrictId,
        _unit: UnitId,
        _person: Option<i64>,
    ) -> StoreResult<Vec<ContractRecord>> {
        Err(not_in_fake())
    }
}
