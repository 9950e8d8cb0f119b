//! The decision port in the fake: not kept (decisions, publicity and appointments are
//! tested through the real store and the web tests); every method answers `not in fake`,
//! except the lists the inbox reads, which are empty.

use async_trait::async_trait;

use jiguan_domain::audit::AuditEntry;
use jiguan_domain::posts::AssignmentId;
use jiguan_domain::selection::MeetingId;
use jiguan_domain::tenancy::{DistrictId, UnitId};

use super::{FakeStore, not_in_fake};
use crate::ports::{Scoped, StoreResult, UnitAt};
use crate::selection::decision::{
    AppointWrite, CandidateRecord, DecisionStore, ObjectionRecord, ObjectionWrite, ProposalsWrite,
    PublicityWrite, ResolutionWrite,
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
        _: UnitAt,
        _: &ProposalsWrite<'_>,
        _: AuditEntry,
    ) -> StoreResult<MeetingId> {
        Err(not_in_fake())
    }
    async fn dec_start_publicity(
        &self,
        _: UnitAt,
        _: &PublicityWrite<'_>,
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
        _: Scoped<i64>,
        _: &ObjectionWrite<'_>,
        _: AuditEntry,
    ) -> StoreResult<i64> {
        Err(not_in_fake())
    }
    async fn dec_resolve_objection(
        &self,
        _: Scoped<i64>,
        _: &ResolutionWrite<'_>,
        _: AuditEntry,
    ) -> StoreResult<()> {
        Err(not_in_fake())
    }
    async fn dec_appoint(
        &self,
        _: UnitAt,
        _: &AppointWrite,
        _: AuditEntry,
    ) -> StoreResult<AssignmentId> {
        Err(not_in_fake())
    }
}
