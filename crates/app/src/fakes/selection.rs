//! The selection port in the fake: not kept (the committee ballot is tested through the
//! real store and the web tests); every method answers `not in fake`.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use jiguan_domain::audit::AuditEntry;
use jiguan_domain::selection::MeetingId;
use jiguan_domain::tenancy::{DistrictId, UnitId, UserId};

use super::{FakeStore, not_in_fake};
use crate::ports::StoreResult;
use crate::selection::{
    AttendanceRecord, ItemRecord, ItemWrite, MeetingRecord, MeetingWrite, SelectionStore,
};

#[async_trait]
impl SelectionStore for FakeStore {
    async fn sel_meetings(&self, _: DistrictId, _: UnitId) -> StoreResult<Vec<MeetingRecord>> {
        Err(not_in_fake())
    }
    async fn sel_meeting(
        &self,
        _: DistrictId,
        _: UnitId,
        _: MeetingId,
    ) -> StoreResult<Option<MeetingRecord>> {
        Err(not_in_fake())
    }
    async fn sel_create_meeting(
        &self,
        _: DistrictId,
        _: UnitId,
        _: &MeetingWrite,
        _: &str,
        _: AuditEntry,
    ) -> StoreResult<MeetingId> {
        Err(not_in_fake())
    }
    async fn sel_add_item(
        &self,
        _: DistrictId,
        _: UnitId,
        _: MeetingId,
        _: &ItemWrite,
        _: AuditEntry,
    ) -> StoreResult<i64> {
        Err(not_in_fake())
    }
    async fn sel_items(
        &self,
        _: DistrictId,
        _: UnitId,
        _: MeetingId,
    ) -> StoreResult<Vec<ItemRecord>> {
        Err(not_in_fake())
    }
    async fn sel_attendance(
        &self,
        _: DistrictId,
        _: UnitId,
        _: MeetingId,
    ) -> StoreResult<Vec<AttendanceRecord>> {
        Err(not_in_fake())
    }
    async fn sel_roll_call(
        &self,
        _: DistrictId,
        _: UnitId,
        _: MeetingId,
        _: &[UserId],
        _: AuditEntry,
    ) -> StoreResult<()> {
        Err(not_in_fake())
    }
    async fn sel_issue_tokens(
        &self,
        _: DistrictId,
        _: UnitId,
        _: MeetingId,
        _: &[String],
        _: AuditEntry,
    ) -> StoreResult<()> {
        Err(not_in_fake())
    }
    async fn sel_token(
        &self,
        _: DistrictId,
        _: UnitId,
        _: MeetingId,
        _: &str,
    ) -> StoreResult<Option<bool>> {
        Err(not_in_fake())
    }
    async fn sel_progress(
        &self,
        _: DistrictId,
        _: UnitId,
        _: MeetingId,
    ) -> StoreResult<(i64, i64)> {
        Err(not_in_fake())
    }
    async fn sel_cast(
        &self,
        _: DistrictId,
        _: UnitId,
        _: MeetingId,
        _: &str,
        _: &str,
        _: &str,
    ) -> StoreResult<bool> {
        Err(not_in_fake())
    }
    async fn sel_ballots(
        &self,
        _: DistrictId,
        _: UnitId,
        _: MeetingId,
    ) -> StoreResult<Vec<String>> {
        Err(not_in_fake())
    }
    async fn sel_close(
        &self,
        _: DistrictId,
        _: UnitId,
        _: MeetingId,
        _: i64,
        _: &str,
        _: &str,
        _: DateTime<Utc>,
        _: Vec<AuditEntry>,
    ) -> StoreResult<()> {
        Err(not_in_fake())
    }
}
