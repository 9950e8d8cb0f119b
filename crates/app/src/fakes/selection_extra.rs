//! The 加试 and probation-evaluation port in the fake: not kept (tested through the real
//! store on both backends and the web tests); the lists the inbox and the terms read are
//! empty, every write answers `not in fake`.

use async_trait::async_trait;
use rust_decimal::Decimal;

use jiguan_domain::audit::AuditEntry;
use jiguan_domain::selection::{ApplicationId, CampaignId};
use jiguan_domain::tenancy::{DistrictId, UnitId};

use super::{FakeStore, not_in_fake};
use crate::ports::{StoreResult, UnitAt};
use crate::selection::campaign::CampaignAt;
use crate::selection::extra::{ExtraStore, ExtraTestRecord, ProbationReviewRecord, ProbationWrite};

#[async_trait]
impl ExtraStore for FakeStore {
    async fn sc_extra_tests(
        &self,
        _: DistrictId,
        _: UnitId,
        _: CampaignId,
    ) -> StoreResult<Vec<ExtraTestRecord>> {
        Err(not_in_fake())
    }
    async fn sc_extra_test_save(
        &self,
        _: CampaignAt,
        _: &[(ApplicationId, Decimal)],
        _: AuditEntry,
    ) -> StoreResult<()> {
        Err(not_in_fake())
    }
    async fn dec_probation_reviews(
        &self,
        _: DistrictId,
        _: UnitId,
    ) -> StoreResult<Vec<ProbationReviewRecord>> {
        Ok(Vec::new())
    }
    async fn dec_probation_review(
        &self,
        _: UnitAt,
        _: &ProbationWrite,
        _: AuditEntry,
    ) -> StoreResult<()> {
        Err(not_in_fake())
    }
}
