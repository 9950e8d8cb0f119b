//! Posts: posts and dated assignments, with `write_assignments`' all-or-nothing refusal
//! (`Conflict { field: "assignment" }`) of an end of a closed assignment or a duplicate
//! open one. Deactivation, edits and the district totals are not faked.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};

use jiguan_domain::audit::AuditEntry;
use jiguan_domain::posts::{AssignmentId, PostId, PostInput, PostKind, PostLevel};
use jiguan_domain::tenancy::{DistrictId, UnitId};

use super::{FakeState, FakeStore, not_in_fake};
use crate::ports::{StoreError, StoreResult};
use crate::posts::*;

/// Posts and assignments (open and ended).
#[derive(Debug, Default)]
pub struct PostsState {
    pub posts: Vec<PostRecord>,
    pub assignments: Vec<AssignmentRecord>,
    /// How many times a unit's (or district's) posts or open assignments were read whole
    /// (`list_posts`, `open_assignments`): the dashboard's balance reads none.
    pub unit_reads: usize,
}

/// A stored post from its input.
pub fn post_record(id: PostId, unit: UnitId, input: &PostInput, at: DateTime<Utc>) -> PostRecord {
    PostRecord {
        id,
        unit_id: unit,
        def: input.clone(),
        active: true,
        created_at: at,
        updated_at: at,
    }
}

impl FakeState {
    /// Adds an active administrative post of a body with no requirements, doing the
    /// function items `functions` (item id, hours a year); returns its id.
    pub fn add_post(
        &mut self,
        unit: UnitId,
        body_id: i64,
        title: &str,
        level: PostLevel,
        functions: Vec<(i64, i64)>,
        at: DateTime<Utc>,
    ) -> PostId {
        let id = PostId(self.next_id());
        let input = PostInput {
            body_id,
            title: title.into(),
            level,
            establishment: PostKind::Administrative,
            min_education: None,
            min_service_years: 0,
            other_requirements: String::new(),
            functions,
        };
        self.posts.posts.push(post_record(id, unit, &input, at));
        id
    }
}

impl FakeState {
    /// Adds an open main assignment (100 %) of a person to a post from `start`.
    pub fn add_main_assignment(
        &mut self,
        unit: UnitId,
        post: PostId,
        person: i64,
        start: NaiveDate,
        at: DateTime<Utc>,
    ) -> AssignmentId {
        let id = AssignmentId(self.next_id());
        self.posts.assignments.push(AssignmentRecord {
            id,
            unit_id: unit,
            post_id: post,
            person_id: person,
            share_pct: 100,
            main: true,
            overtime: false,
            start_date: start,
            end_date: None,
            end_reason: String::new(),
            created_at: at,
            created_by: "t".into(),
        });
        id
    }
}

/// `write_assignments` over the state: checks everything first, then writes.
pub(crate) fn write(
    s: &mut FakeState,
    unit: UnitId,
    w: &AssignmentWrite,
    audits: Vec<AuditEntry>,
) -> StoreResult<Vec<AssignmentId>> {
    let conflict = || StoreError::Conflict(crate::ports::Conflict::Assignment);
    let open = |s: &FakeState, id: AssignmentId| {
        s.posts
            .assignments
            .iter()
            .any(|a| a.id == id && a.unit_id == unit && a.end_date.is_none())
    };
    if !w.end.iter().all(|id| open(s, *id)) {
        return Err(conflict());
    }
    let duplicate = w.create.iter().any(|n| {
        s.posts.assignments.iter().any(|a| {
            a.end_date.is_none()
                && !w.end.contains(&a.id)
                && (a.post_id, a.person_id) == (n.post_id, n.person_id)
        })
    });
    if duplicate {
        return Err(conflict());
    }
    let at = w.at;
    let on = w.on.unwrap_or_else(|| at.date_naive());
    for a in s.posts.assignments.iter_mut() {
        if w.end.contains(&a.id) {
            a.end_date = Some(on);
            a.end_reason = w.reason.clone();
        }
    }
    let mut ids = Vec::new();
    for n in &w.create {
        let id = AssignmentId(s.next_id());
        s.posts.assignments.push(AssignmentRecord {
            id,
            unit_id: unit,
            post_id: n.post_id,
            person_id: n.person_id,
            share_pct: n.share_pct,
            main: n.main,
            overtime: n.overtime,
            start_date: on,
            end_date: None,
            end_reason: String::new(),
            created_at: at,
            created_by: w.by.clone(),
        });
        ids.push(id);
    }
    s.platform.audit.extend(audits);
    Ok(ids)
}

#[async_trait]
impl PostsStore for FakeStore {
    async fn list_posts(&self, district: DistrictId, unit: UnitId) -> StoreResult<Vec<PostRecord>> {
        self.with_state(|s| {
            s.posts.unit_reads += 1;
            if !s.unit_in(district, unit) {
                return Vec::new();
            }
            let mut v: Vec<PostRecord> = s
                .posts
                .posts
                .iter()
                .filter(|p| p.unit_id == unit)
                .cloned()
                .collect();
            v.sort_by(|a, b| (a.body_id, &a.title).cmp(&(b.body_id, &b.title)));
            v
        })
    }

    async fn get_post(
        &self,
        district: DistrictId,
        unit: UnitId,
        id: PostId,
    ) -> StoreResult<Option<PostRecord>> {
        self.with_state(|s| {
            s.posts
                .posts
                .iter()
                .find(|p| p.unit_id == unit && p.id == id && s.unit_in(district, unit))
                .cloned()
        })
    }

    async fn create_post(
        &self,
        _district: DistrictId,
        unit: UnitId,
        input: &PostInput,
        at: DateTime<Utc>,
        audit: AuditEntry,
    ) -> StoreResult<PostId> {
        self.with_state(|s| {
            let id = PostId(s.next_id());
            s.posts.posts.push(post_record(id, unit, input, at));
            let mut audit = audit;
            audit.object_id = id.to_string();
            s.platform.audit.push(audit);
            id
        })
    }

    async fn update_post(
        &self,
        _district: DistrictId,
        _unit: UnitId,
        _id: PostId,
        _input: &PostInput,
        _at: DateTime<Utc>,
        _audit: AuditEntry,
    ) -> StoreResult<()> {
        Err(not_in_fake())
    }

    #[allow(clippy::too_many_arguments)]
    async fn set_post_active(
        &self,
        _district: DistrictId,
        _unit: UnitId,
        _id: PostId,
        _active: bool,
        _on: NaiveDate,
        _by: &str,
        _at: DateTime<Utc>,
        _audit: AuditEntry,
    ) -> StoreResult<()> {
        Err(not_in_fake())
    }

    async fn load_parts(
        &self,
        district: DistrictId,
        unit: UnitId,
    ) -> StoreResult<Vec<jiguan_domain::posts::balance::LoadPart>> {
        self.with_state(|s| {
            let posts: Vec<PostRecord> = if s.unit_in(district, unit) {
                s.posts
                    .posts
                    .iter()
                    .filter(|p| p.unit_id == unit)
                    .cloned()
                    .collect()
            } else {
                Vec::new()
            };
            let mut open: Vec<AssignmentRecord> = s
                .posts
                .assignments
                .iter()
                .filter(|a| a.end_date.is_none() && a.unit_id == unit && !posts.is_empty())
                .cloned()
                .collect();
            open.sort_by_key(|a| a.id.0);
            let state = state_of(unit, &posts, &[], &open, NaiveDate::MIN);
            let mut parts: Vec<(i64, jiguan_domain::posts::balance::LoadPart)> = open
                .iter()
                .map(|a| a.id.0)
                .zip(jiguan_domain::posts::balance::parts(&state))
                .collect();
            parts.sort_by_key(|(id, p)| (p.person_id, *id));
            parts.into_iter().map(|(_, p)| p).collect()
        })
    }

    async fn open_assignments(
        &self,
        district: DistrictId,
        unit: Option<UnitId>,
    ) -> StoreResult<Vec<AssignmentRecord>> {
        self.with_state(|s| {
            s.posts.unit_reads += 1;
            s.posts
                .assignments
                .iter()
                .filter(|a| a.end_date.is_none() && s.unit_in(district, a.unit_id))
                .filter(|a| unit.is_none_or(|u| a.unit_id == u))
                .cloned()
                .collect()
        })
    }

    async fn assignment_history(
        &self,
        district: DistrictId,
        unit: UnitId,
        of: HistoryOf,
    ) -> StoreResult<Vec<AssignmentRecord>> {
        let (post, person) = of.filters();
        self.with_state(|s| {
            let mut v: Vec<AssignmentRecord> = s
                .posts
                .assignments
                .iter()
                .filter(|a| a.unit_id == unit && s.unit_in(district, unit))
                .filter(|a| post.is_none_or(|p| a.post_id == p))
                .filter(|a| person.is_none_or(|p| a.person_id == p))
                .cloned()
                .collect();
            v.sort_by_key(|a| std::cmp::Reverse((a.start_date, a.id)));
            v
        })
    }

    async fn write_assignments(
        &self,
        _district: DistrictId,
        unit: UnitId,
        w: &AssignmentWrite,
        audits: Vec<AuditEntry>,
    ) -> StoreResult<Vec<AssignmentId>> {
        self.with_state(|s| write(s, unit, w, audits))?
    }

    async fn post_totals(&self, _district: DistrictId) -> StoreResult<Vec<UnitPostTotals>> {
        Err(not_in_fake())
    }
}
