//! The campaign port in the fake: not kept (campaigns are tested through the real store
//! and the web tests); every method answers `not in fake`.

use async_trait::async_trait;

use jiguan_domain::audit::AuditEntry;
use jiguan_domain::selection::plan::PlanVersion;
use jiguan_domain::selection::{ApplicationId, CampaignId};
use jiguan_domain::tenancy::{DistrictId, UnitId};

use super::{FakeStore, not_in_fake};
use crate::ports::{Scoped, StoreResult, UnitAt};
use crate::selection::campaign::{CampaignAt, CampaignRecord, CampaignStore, CampaignWrite};
use crate::selection::registration::{ApplicationRecord, ApplicationWrite, ReviewWrite};

#[async_trait]
impl CampaignStore for FakeStore {
    async fn camp_list(&self, _: DistrictId, _: UnitId) -> StoreResult<Vec<CampaignRecord>> {
        Err(not_in_fake())
    }
    async fn camp_get(&self, _: CampaignAt) -> StoreResult<Option<CampaignRecord>> {
        Err(not_in_fake())
    }
    async fn camp_create(
        &self,
        _: UnitAt,
        _: &CampaignWrite,
        _: AuditEntry,
    ) -> StoreResult<CampaignId> {
        Err(not_in_fake())
    }
    async fn camp_update(&self, _: CampaignAt, _: &PlanVersion, _: AuditEntry) -> StoreResult<()> {
        Err(not_in_fake())
    }
    async fn app_list(&self, _: CampaignAt) -> StoreResult<Vec<ApplicationRecord>> {
        Err(not_in_fake())
    }
    async fn app_save(
        &self,
        _: CampaignAt,
        _: &ApplicationWrite,
        _: AuditEntry,
    ) -> StoreResult<ApplicationId> {
        Err(not_in_fake())
    }
    async fn app_review(
        &self,
        _: Scoped<ApplicationId>,
        _: &ReviewWrite,
        _: AuditEntry,
    ) -> StoreResult<()> {
        Err(not_in_fake())
    }
}
