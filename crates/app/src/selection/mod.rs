//! Competitive selection (竞争上岗): so far the committee decision by secret ballot
//! (党委会 无记名投票, issue 13 point 6) as use cases, and the [`SelectionStore`] port.
//!
//! - Who: `SelectionManage` (the unit's HR office, 单位管理员) creates a meeting with its
//!   items, records the roll call, issues the tokens and — as the chair's clerk — closes the
//!   vote; `SelectionVote` (committee members of the unit, recorded present) cast a ballot
//!   with a drawn token; `SelectionView` (district admin, unit admin, committee members,
//!   auditors) see meetings and, once closed, the tally and the recount.
//! - Secrecy (RULES-SELECTION-APPRAISAL §2.3): the store keeps tokens only as SHA-256 and a
//!   used flag, and ballots with a random key and their marks: no user, time or order. A
//!   cast writes no audit entry; marking the token used and storing the ballot are one
//!   transaction. Nothing about the marks is shown before close (only "k of n tokens used").

mod committee;

pub mod campaign;
pub mod registration;

pub mod demo;

pub mod appointment;
pub mod decision;
pub mod evaluation;
pub mod extra;
pub mod panel;
pub mod results;
pub mod scoring;

pub mod officials;

pub use committee::*;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use jiguan_domain::audit::AuditEntry;
use jiguan_domain::selection::MeetingId;
use jiguan_domain::tenancy::{DistrictId, UnitId, UserId};

use crate::ports::{Scoped, StoreResult, UnitAt};

pub use jiguan_domain::selection::MeetingStatus;

/// A meeting as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MeetingRecord {
    pub id: MeetingId,
    pub district_id: DistrictId,
    pub unit_id: UnitId,
    pub title: String,
    pub held_on: NaiveDate,
    /// 应到会 N: all committee members.
    pub members: i64,
    pub status: MeetingStatus,
    /// 实到会, fixed when the tokens are issued (0 before).
    pub present: i64,
    pub tokens_issued: i64,
    /// The tally recorded at close (JSON of [`jiguan_domain::selection::Tally`]).
    pub tally_json: Option<String>,
    /// The digest recorded at close ("" before).
    pub digest: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
}

/// An agenda item as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemRecord {
    pub no: i64,
    pub text: String,
    pub person_id: Option<i64>,
    pub post_id: Option<i64>,
    pub recused: i64,
}

/// One committee member on the roll call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttendanceRecord {
    pub user_id: UserId,
    pub display_name: String,
    pub present: bool,
}

/// An item as written (number given by the store: the next free one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemWrite {
    pub text: String,
    pub person_id: Option<i64>,
    pub post_id: Option<i64>,
}

/// A new meeting as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MeetingWrite {
    pub title: String,
    pub held_on: NaiveDate,
    /// Every committee member (the roll call's rows, all absent at first).
    pub members: Vec<UserId>,
    pub items: Vec<ItemWrite>,
}

/// A secret ballot as cast, for the committee's vote and the democratic evaluation alike:
/// the hash of the one-time token (or code) it uses, its random key and its marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CastBallot<'a> {
    pub token_hash: &'a str,
    pub key: &'a str,
    pub marks: &'a str,
}

/// A meeting of a unit, as the store is asked about it.
pub type MeetingAt = Scoped<MeetingId>;

/// A vote's tally as recorded at close.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TallyWrite<'a> {
    /// The ballots tallied (the close is refused when the stored ones are no longer these).
    pub ballots: i64,
    /// JSON of [`jiguan_domain::selection::Tally`].
    pub tally_json: &'a str,
    pub digest: &'a str,
    pub closed_at: DateTime<Utc>,
}

/// Storage of committee meetings, tokens and ballots.
#[async_trait]
pub trait SelectionStore: Send + Sync {
    /// Meetings of a unit, newest first.
    async fn sel_meetings(&self, d: DistrictId, u: UnitId) -> StoreResult<Vec<MeetingRecord>>;
    async fn sel_meeting(&self, at: MeetingAt) -> StoreResult<Option<MeetingRecord>>;
    /// Creates a draft meeting with its roll call rows and items; returns its id.
    async fn sel_create_meeting(
        &self,
        at: UnitAt,
        w: &MeetingWrite,
        audit: AuditEntry,
    ) -> StoreResult<MeetingId>;
    /// Adds an item to a draft meeting (`Conflict(Status)` otherwise); returns its number.
    async fn sel_add_item(
        &self,
        at: MeetingAt,
        item: &ItemWrite,
        audit: AuditEntry,
    ) -> StoreResult<i64>;
    async fn sel_items(&self, at: MeetingAt) -> StoreResult<Vec<ItemRecord>>;
    /// The roll call, by display name.
    async fn sel_attendance(&self, at: MeetingAt) -> StoreResult<Vec<AttendanceRecord>>;
    /// Records who is present (every other member absent); draft only (`Conflict(Status)`).
    async fn sel_roll_call(
        &self,
        at: MeetingAt,
        present: &[UserId],
        audit: AuditEntry,
    ) -> StoreResult<()>;
    /// Opens the vote: stores the token hashes (hex), sets present and tokens issued; only
    /// from draft and only when the roll call still counts `hashes.len()` present
    /// (`Conflict(Status)` otherwise).
    async fn sel_issue_tokens(
        &self,
        at: MeetingAt,
        hashes: &[String],
        audit: AuditEntry,
    ) -> StoreResult<()>;
    /// Whether a token hash was issued for the meeting, and whether it is used.
    async fn sel_token(&self, at: MeetingAt, hash: &str) -> StoreResult<Option<bool>>;
    /// (tokens used, tokens issued).
    async fn sel_progress(&self, at: MeetingAt) -> StoreResult<(i64, i64)>;
    /// In one transaction: marks the token used (only if the meeting is open and the token
    /// unused) and stores the ballot under its key. Returns false, writing nothing, when the
    /// token is unknown or already used or the meeting is not open. No audit entry.
    async fn sel_cast(&self, at: MeetingAt, b: CastBallot<'_>) -> StoreResult<bool>;
    /// The stored ballots' marks, in key order.
    async fn sel_ballots(&self, at: MeetingAt) -> StoreResult<Vec<String>>;
    /// Closes an open vote with its tally and digest (`Conflict(Status)` when not open, or
    /// when the stored ballots are no longer the `ballots` tallied: a cast came in between).
    async fn sel_close(
        &self,
        at: MeetingAt,
        t: &TallyWrite<'_>,
        audits: Vec<AuditEntry>,
    ) -> StoreResult<()>;
}
