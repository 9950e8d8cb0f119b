//! Posts (岗位: 因事定岗、因岗定编、因编定人、一人多岗、苦乐不均) as use cases, and the
//! [`PostsStore`] port.
//!
//! - Who: `PostsView` sees posts, need versus establishment, coverage, balance and
//!   suggestions; `PostsManage` (unit administrator) creates, edits and deactivates posts,
//!   assigns and ends assignments and accepts proposals.
//! - The rules live in `jiguan_domain::posts`; a use case builds the unit's current
//!   [`State`](jiguan_domain::posts::assign::State) from the store and checks a change
//!   against it, reporting every violation at once.
//! - Assignments are dated rows: ending one sets its end date (the row stays); a share
//!   change ends the row and opens a new one, so the history of who held what remains.
//! - The store writes each change with its audit row in one transaction and refuses it
//!   (`Conflict`) when an assignment it ends was ended meanwhile or a new one duplicates
//!   an open one.

pub mod demo;
#[cfg(test)]
mod tests;
mod usecases;

pub use usecases::*;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use jiguan_domain::audit::AuditEntry;
use jiguan_domain::posts::{AssignmentId, PostId, PostInput};
use jiguan_domain::tenancy::{DistrictId, UnitId};

use crate::ports::StoreResult;

/// A post as stored: its definition (read through: `post.title`; `functions` in item
/// order) and its state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PostRecord {
    pub id: PostId,
    pub unit_id: UnitId,
    #[serde(flatten)]
    pub def: PostInput,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl std::ops::Deref for PostRecord {
    type Target = PostInput;
    fn deref(&self) -> &PostInput {
        &self.def
    }
}

impl std::ops::DerefMut for PostRecord {
    fn deref_mut(&mut self) -> &mut PostInput {
        &mut self.def
    }
}

impl PostRecord {
    /// Σ annual hours of the post's items.
    pub fn hours(&self) -> i64 {
        self.functions.iter().map(|(_, h)| *h).sum()
    }
}

/// An assignment as stored (open while `end_date` is none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AssignmentRecord {
    pub id: AssignmentId,
    pub unit_id: UnitId,
    pub post_id: PostId,
    pub person_id: i64,
    pub share_pct: i64,
    pub main: bool,
    pub overtime: bool,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub end_reason: String,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
}

/// A new assignment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewAssignment {
    pub post_id: PostId,
    pub person_id: i64,
    pub share_pct: i64,
    pub main: bool,
    pub overtime: bool,
}

/// Assignment changes of one unit, written in one transaction: the open assignments in
/// `end` are ended on `on` with `reason` (each must still be open, else the whole write is
/// refused with `Conflict { field: "assignment" }`), then the new ones start on `on` (a
/// duplicate open assignment of the same person and post is refused likewise).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AssignmentWrite {
    pub end: Vec<AssignmentId>,
    pub create: Vec<NewAssignment>,
    pub on: Option<NaiveDate>,
    pub reason: String,
    pub by: String,
    pub at: DateTime<Utc>,
}

/// Figures of one unit for the district report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitPostTotals {
    pub unit_id: UnitId,
    /// Active posts and their hours.
    pub posts: i64,
    pub hours: i64,
    /// Σ shares (percent) of the open assignments.
    pub share_sum: i64,
    /// People with at least one open assignment.
    pub holders: i64,
}

/// Storage of posts, their function items and assignments.
/// Whose assignment history: a post's or a person's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistoryOf {
    Post(PostId),
    Person(i64),
}

impl HistoryOf {
    /// The post and the person asked for, as optional filters.
    pub fn filters(self) -> (Option<PostId>, Option<i64>) {
        match self {
            HistoryOf::Post(p) => (Some(p), None),
            HistoryOf::Person(p) => (None, Some(p)),
        }
    }
}

#[async_trait]
pub trait PostsStore: Send + Sync {
    /// Every post of a unit (active or not) with its items, by body and title.
    async fn list_posts(&self, district: DistrictId, unit: UnitId) -> StoreResult<Vec<PostRecord>>;
    async fn get_post(
        &self,
        district: DistrictId,
        unit: UnitId,
        id: PostId,
    ) -> StoreResult<Option<PostRecord>>;
    /// Creates a post with its items; returns its id (set as the audit object id).
    async fn create_post(
        &self,
        district: DistrictId,
        unit: UnitId,
        input: &PostInput,
        at: DateTime<Utc>,
        audit: AuditEntry,
    ) -> StoreResult<PostId>;
    /// Replaces a post's definition and items (`NotFound` when not in the unit).
    async fn update_post(
        &self,
        district: DistrictId,
        unit: UnitId,
        id: PostId,
        input: &PostInput,
        at: DateTime<Utc>,
        audit: AuditEntry,
    ) -> StoreResult<()>;
    /// Activates or deactivates a post; deactivation ends its open assignments on `on`.
    #[allow(clippy::too_many_arguments)]
    async fn set_post_active(
        &self,
        district: DistrictId,
        unit: UnitId,
        id: PostId,
        active: bool,
        on: NaiveDate,
        by: &str,
        at: DateTime<Utc>,
        audit: AuditEntry,
    ) -> StoreResult<()>;
    /// The unit's open assignments as the workload balance reads them: per assignment its
    /// holder, its post's hours (Σ of the items of the unit's post; 0 for a post not of the
    /// unit), its share and its post's open share sum; by person, then assignment id.
    async fn load_parts(
        &self,
        district: DistrictId,
        unit: UnitId,
    ) -> StoreResult<Vec<jiguan_domain::posts::balance::LoadPart>>;
    /// Open assignments of a unit (`None`: of the whole district).
    async fn open_assignments(
        &self,
        district: DistrictId,
        unit: Option<UnitId>,
    ) -> StoreResult<Vec<AssignmentRecord>>;
    /// Every assignment (open and ended) of a post or a person, newest first.
    async fn assignment_history(
        &self,
        d: DistrictId,
        u: UnitId,
        of: HistoryOf,
    ) -> StoreResult<Vec<AssignmentRecord>>;
    /// Writes assignment changes with their audit rows in one transaction; returns the
    /// ids of the new assignments in order.
    async fn write_assignments(
        &self,
        district: DistrictId,
        unit: UnitId,
        w: &AssignmentWrite,
        audits: Vec<AuditEntry>,
    ) -> StoreResult<Vec<AssignmentId>>;
    /// Per unit of the district: active posts, their hours, open shares and holders.
    async fn post_totals(&self, district: DistrictId) -> StoreResult<Vec<UnitPostTotals>>;
}
