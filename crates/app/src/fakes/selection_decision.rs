//! The decision port in the fake: not kept (decisions, publicity and appointments are
//! tested through the real store and the web tests); every method answers `not in fake`,
//! except the lists the inbox reads, which are empty.

use async_trait::async_trait;
use chrono::NaiveDate;

use jiguan_domain::audit::AuditEntry;
use jiguan_domain::posts::AssignmentId;
use jiguan_domain::selection::MeetingId;
use jiguan_domain::selection::dates::PublicityOutcome;
use jiguan_domain::tenancy::{DistrictId, UnitId};

use super::{FakeStore, not_in_fake};
use crate::ports::StoreResult;
use crate::selection::MeetingWrite;
use crate::selection::decision::{
    AppointWrite, CandidateRecord, CandidateWrite, DecisionStore, ObjectionRecord,
};

#[async_trait]
impl DecisionStore for FakeStore {
    async fn dec_candidates(
        &self,
        _: DistrictId,
        _: UnitId,
        _: Option<i64>,
    ) -> StoreResult<Vec<CandidateRecord>> {
        Ok(Vec::new())
    }
    async fn dec_create_meeting(
        &self,
        _: DistrictId,
        _: UnitId,
        _: &MeetingWrite,
        _: &[CandidateWrite],
        _: &str,
        _: AuditEntry,
    ) -> StoreResult<MeetingId> {
        Err(not_in_fake())
    }
    async fn dec_start_publicity(
        &self,
        _: DistrictId,
        _: UnitId,
        _: &[i64],
        _: (NaiveDate, NaiveDate, NaiveDate),
        _: &str,
        _: AuditEntry,
    ) -> StoreResult<()> {
        Err(not_in_fake())
    }
    async fn dec_objections(
        &self,
        _: DistrictId,
        _: UnitId,
        _: Option<i64>,
    ) -> StoreResult<Vec<ObjectionRecord>> {
        Ok(Vec::new())
    }
    async fn dec_add_objection(
        &self,
        _: DistrictId,
        _: UnitId,
        _: i64,
        _: NaiveDate,
        _: &str,
        _: &str,
        _: AuditEntry,
    ) -> StoreResult<i64> {
        Err(not_in_fake())
    }
    async fn dec_resolve_objection(
        &self,
        _: DistrictId,
        _: UnitId,
        _: i64,
        _: PublicityOutcome,
        _: &str,
        _: &str,
        _: AuditEntry,
    ) -> StoreResult<()> {
        Err(not_in_fake())
    }
    async fn dec_appoint(
        &self,
        _: DistrictId,
        _: UnitId,
        _: &AppointWrite,
        _: &str,
        _: AuditEntry,
    ) -> StoreResult<AssignmentId> {
        Err(not_in_fake())
    }
}
