//! The officials port in the fake: not kept (tested through the real store on both
//! backends and the web tests); the list is empty, every write answers `not in fake`.

use async_trait::async_trait;

use jiguan_domain::audit::AuditEntry;
use jiguan_domain::tenancy::{DistrictId, UnitId};

use super::{FakeStore, not_in_fake};
use crate::ports::{Scoped, StoreResult, UnitAt};
use crate::selection::officials::{OfficialRecord, OfficialRecusal, OfficialStore};

#[async_trait]
impl OfficialStore for FakeStore {
    async fn sel_officials(
        &self,
        _: DistrictId,
        _: UnitId,
        _: i64,
    ) -> StoreResult<Vec<OfficialRecord>> {
        Ok(Vec::new())
    }
    async fn sel_official_add(
        &self,
        _: UnitAt,
        _: &OfficialRecord,
        _: AuditEntry,
    ) -> StoreResult<i64> {
        Err(not_in_fake())
    }
    async fn sel_official_recuse(
        &self,
        _: Scoped<i64>,
        _: &OfficialRecusal,
        _: AuditEntry,
    ) -> StoreResult<()> {
        Err(not_in_fake())
    }
}
