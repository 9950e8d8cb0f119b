//! Downsizing: not faked yet.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};

use jiguan_domain::audit::AuditEntry;
use jiguan_domain::tenancy::{DistrictId, UnitId};

use super::{FakeStore, not_in_fake};
use crate::downsizing::*;
use crate::ports::StoreResult;

#[async_trait]
impl DownsizingStore for FakeStore {
    async fn down_plans(
        &self,
        _district: DistrictId,
        _unit: Option<UnitId>,
    ) -> StoreResult<Vec<PlanRecord>> {
        Err(not_in_fake())
    }

    async fn down_plan(
        &self,
        _district: DistrictId,
        _unit: UnitId,
        _id: jiguan_domain::downsizing::PlanId,
    ) -> StoreResult<Option<PlanRecord>> {
        Err(not_in_fake())
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
        _district: DistrictId,
        _unit: UnitId,
        _plan: jiguan_domain::downsizing::PlanId,
    ) -> StoreResult<Vec<LineRecord>> {
        Err(not_in_fake())
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
        Err(not_in_fake())
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
