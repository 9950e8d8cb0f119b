//! The campaign port in the fake: not kept (campaigns are tested through the real store
//! and the web tests); every method answers `not in fake`.

use async_trait::async_trait;

use jiguan_domain::audit::AuditEntry;
use jiguan_domain::selection::plan::Plan;
use jiguan_domain::selection::{ApplicationId, CampaignId};
use jiguan_domain::tenancy::{DistrictId, UnitId};
use jiguan_domain::workflow::Status;

use super::{FakeStore, not_in_fake};
use crate::ports::StoreResult;
use crate::selection::campaign::{CampaignRecord, CampaignStore, CampaignWrite};
use crate::selection::registration::{
    ApplicationRecord, ApplicationStatus, ApplicationWrite, ReviewFacts,
};

#[async_trait]
impl CampaignStore for FakeStore {
    async fn camp_list(&self, _: DistrictId, _: UnitId) -> StoreResult<Vec<CampaignRecord>> {
        Err(not_in_fake())
    }
    async fn camp_get(
        &self,
        _: DistrictId,
        _: UnitId,
        _: CampaignId,
    ) -> StoreResult<Option<CampaignRecord>> {
        Err(not_in_fake())
    }
    async fn camp_create(
        &self,
        _: DistrictId,
        _: UnitId,
        _: &CampaignWrite,
        _: &str,
        _: AuditEntry,
    ) -> StoreResult<CampaignId> {
        Err(not_in_fake())
    }
    async fn camp_update(
        &self,
        _: DistrictId,
        _: UnitId,
        _: CampaignId,
        _: Status,
        _: &Plan,
        _: AuditEntry,
    ) -> StoreResult<()> {
        Err(not_in_fake())
    }
    async fn app_list(
        &self,
        _: DistrictId,
        _: UnitId,
        _: CampaignId,
    ) -> StoreResult<Vec<ApplicationRecord>> {
        Err(not_in_fake())
    }
    async fn app_save(
        &self,
        _: DistrictId,
        _: UnitId,
        _: CampaignId,
        _: &ApplicationWrite,
        _: &str,
        _: AuditEntry,
    ) -> StoreResult<ApplicationId> {
        Err(not_in_fake())
    }
    async fn app_review(
        &self,
        _: DistrictId,
        _: UnitId,
        _: ApplicationId,
        _: ApplicationStatus,
        _: &ReviewFacts,
        _: &str,
        _: &str,
        _: AuditEntry,
    ) -> StoreResult<()> {
        Err(not_in_fake())
    }
}
