//! The selection port in the fake: not kept (the committee ballot is tested through the
//! real store and the web tests); every method answers `not in fake`.

use async_trait::async_trait;

use jiguan_domain::audit::AuditEntry;
use jiguan_domain::selection::MeetingId;
use jiguan_domain::tenancy::{DistrictId, UnitId, UserId};

use super::{FakeStore, not_in_fake};
use crate::ports::{StoreResult, UnitAt};
use crate::selection::{
    AttendanceRecord, CastBallot, ItemRecord, ItemWrite, MeetingAt, MeetingRecord, MeetingWrite,
    SelectionStore, TallyWrite,
};

#[async_trait]
impl SelectionStore for FakeStore {
    async fn sel_meetings(&self, _: DistrictId, _: UnitId) -> StoreResult<Vec<MeetingRecord>> {
        Err(not_in_fake())
    }
    async fn sel_meeting(&self, _: MeetingAt) -> StoreResult<Option<MeetingRecord>> {
        Err(not_in_fake())
    }
    async fn sel_create_meeting(
        &self,
        _: UnitAt,
        _: &MeetingWrite,
        _: AuditEntry,
    ) -> StoreResult<MeetingId> {
        Err(not_in_fake())
    }
    async fn sel_add_item(&self, _: MeetingAt, _: &ItemWrite, _: AuditEntry) -> StoreResult<i64> {
        Err(not_in_fake())
    }
    async fn sel_items(&self, _: MeetingAt) -> StoreResult<Vec<ItemRecord>> {
        Err(not_in_fake())
    }
    async fn sel_attendance(&self, _: MeetingAt) -> StoreResult<Vec<AttendanceRecord>> {
        Err(not_in_fake())
    }
    async fn sel_roll_call(&self, _: MeetingAt, _: &[UserId], _: AuditEntry) -> StoreResult<()> {
        Err(not_in_fake())
    }
    async fn sel_issue_tokens(&self, _: MeetingAt, _: &[String], _: AuditEntry) -> StoreResult<()> {
        Err(not_in_fake())
    }
    async fn sel_token(&self, _: MeetingAt, _: &str) -> StoreResult<Option<bool>> {
        Err(not_in_fake())
    }
    async fn sel_progress(&self, _: MeetingAt) -> StoreResult<(i64, i64)> {
        Err(not_in_fake())
    }
    async fn sel_cast(&self, _: MeetingAt, _: CastBallot<'_>) -> StoreResult<bool> {
        Err(not_in_fake())
    }
    async fn sel_ballots(&self, _: MeetingAt) -> StoreResult<Vec<String>> {
        Err(not_in_fake())
    }
    async fn sel_close(
        &self,
        _: MeetingAt,
        _: &TallyWrite<'_>,
        _: Vec<AuditEntry>,
    ) -> StoreResult<()> {
        Err(not_in_fake())
    }
}
