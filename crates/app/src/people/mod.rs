//! Establishment and people (编制与实名制) as use cases, and the [`PeopleStore`] port.
//!
//! - Who: `PeopleView` sees rosters, establishment use and cost (ID numbers masked);
//!   `PeopleSensitive` sees full ID numbers; `PeopleManage` (unit administrator) adds,
//!   edits, moves and imports people of the own unit and records exceptions;
//!   `EstablishmentSet` (district administrator) sets quotas.
//! - History: every hire, move, status change and secondment is a dated snapshot row
//!   ([`PersonEvent`]); the roster on any date and the cost on any date read those rows.
//!   Dates may not be in the future nor before the person's last recorded change.
//! - Establishment: a change that makes someone newly hold a slot of kind K in unit U (and,
//!   where the body has its own quota, in body B) is refused when the holders would exceed
//!   the approved count, unless the user records an approved exception with a document
//!   number (文号). The store re-checks the counts inside the write transaction.
//! - ID numbers never go to logs; audit rows store them masked.

mod import;
mod relation_import;
mod relations;
mod usecases;

pub mod demo;

pub use import::{
    ImportMode, ImportOptions, ImportReport, ImportTable, Importer, PreparedImport, RowError,
};
pub use relation_import::{RelationExportRow, RelationImportReport, UnitRelation};
pub use relations::{RelationForm, RelationRecord, RelationView, RelationWrite};
pub use usecases::*;

/// The active bodies of each unit as roster pages show them (see [`crate::kept`]).
pub(crate) type BodiesCache = crate::kept::Kept<(DistrictId, UnitId), (), Vec<BodyRef>>;

/// Units whose bodies are kept at most.
pub(crate) const BODIES_KEPT_MAX: usize = 4096;

use std::fmt;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use jiguan_domain::audit::AuditEntry;
use jiguan_domain::money::Money;
use jiguan_domain::people::cost::Total;
use jiguan_domain::people::{
    Cost, EstablishmentKind, EventKind, ExceptionId, Funding, Identity, MaskedId, PersonEventId,
    PersonId, QuotaKind, Status,
};
use jiguan_domain::tenancy::{DistrictId, UnitId};

use crate::ports::{ListQuery, Page, StoreResult};

/// A person as stored (current state). `Debug` masks the ID number.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct PersonRecord {
    pub id: i64,
    pub district_id: DistrictId,
    /// The home unit (where the person holds establishment).
    pub unit_id: UnitId,
    /// Where a lent-out person works (借出 → host sees 借入).
    pub host_unit_id: Option<UnitId>,
    pub body_id: Option<i64>,
    pub name: String,
    /// `male` / `female`.
    pub gender: String,
    #[serde(skip)]
    pub id_number: String,
    pub birth_date: NaiveDate,
    pub ethnicity: String,
    pub party: String,
    pub education: String,
    pub work_start: Option<NaiveDate>,
    pub unit_join: Option<NaiveDate>,
    pub identity: Identity,
    pub establishment: EstablishmentKind,
    pub post: String,
    pub rank: String,
    pub leader: bool,
    pub leader_role: String,
    pub phone: String,
    pub funding: Funding,
    pub cost: Cost,
    pub status: Status,
    pub status_since: NaiveDate,
    /// 试用期满日期: the first day after a new recruit's probation (公务员法 art. 34), if
    /// recorded. A personal fact, not part of the dated history.
    pub probation_end: Option<NaiveDate>,
}

impl fmt::Debug for PersonRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PersonRecord")
            .field("id", &self.id)
            .field("unit_id", &self.unit_id)
            .field("name", &self.name)
            .field("id_number", &MaskedId::from_text(&self.id_number))
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}

impl PersonRecord {
    /// A person of `identity` on post at `unit` since `since`, not yet stored (id 0), with
    /// the rest blank: no name, ID number or personal details, no body, post, rank or
    /// phone, no establishment (编外), no cost, fully funded. Callers fill in what they know
    /// with struct update syntax (`PersonRecord { name, ..PersonRecord::new(..) }`).
    pub fn new(district: DistrictId, unit: UnitId, identity: Identity, since: NaiveDate) -> Self {
        PersonRecord {
            id: 0,
            district_id: district,
            unit_id: unit,
            host_unit_id: None,
            body_id: None,
            name: String::new(),
            gender: String::new(),
            id_number: String::new(),
            birth_date: since,
            ethnicity: String::new(),
            party: String::new(),
            education: String::new(),
            work_start: None,
            unit_join: None,
            identity,
            establishment: EstablishmentKind::None,
            post: String::new(),
            rank: String::new(),
            leader: false,
            leader_role: String::new(),
            phone: String::new(),
            funding: Funding::Full,
            cost: Cost::default(),
            status: Status::OnPost,
            status_since: since,
            probation_end: None,
        }
    }

    /// The status as seen from `unit`: a person lent to `unit` shows as borrowed in.
    pub fn status_at(&self, unit: UnitId) -> Status {
        if self.unit_id != unit && self.host_unit_id == Some(unit) {
            Status::BorrowedIn
        } else {
            self.status
        }
    }

    /// Whether the person holds a slot of their kind at the home unit.
    pub fn occupies(&self) -> bool {
        self.status.occupies() && self.establishment != EstablishmentKind::None
    }

    /// The audit form of the record: ID number masked.
    pub fn audit_json(&self) -> serde_json::Value {
        let mut v = serde_json::to_value(self).unwrap_or_default();
        if let Some(o) = v.as_object_mut() {
            o.insert(
                "id_number".into(),
                serde_json::Value::String(MaskedId::from_text(&self.id_number).to_string()),
            );
        }
        v
    }
}

/// One dated history row: the assignment from `on_date` on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PersonEvent {
    pub id: PersonEventId,
    pub person_id: PersonId,
    pub on_date: NaiveDate,
    pub kind: EventKind,
    pub unit_id: UnitId,
    pub unit_name: String,
    pub host_unit_id: Option<UnitId>,
    pub host_unit_name: Option<String>,
    pub body_id: Option<i64>,
    pub identity: Identity,
    pub establishment: EstablishmentKind,
    pub post: String,
    pub rank: String,
    pub leader: bool,
    pub funding: Funding,
    pub cost: Cost,
    pub status: Status,
    pub doc_no: String,
    pub note: String,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
}

/// Roster filters. The unit is always set by the use case.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PeopleFilter {
    /// `None`: every unit of the district (district exports).
    pub unit_id: Option<UnitId>,
    pub identity: Option<Identity>,
    pub establishment: Option<EstablishmentKind>,
    /// `None`: the active roster (on post, lent out, borrowed in).
    pub status: Option<StatusFilter>,
    pub body_id: Option<i64>,
    pub leader: Option<bool>,
    /// The roster on this date (from the history); `None`: now.
    pub on: Option<NaiveDate>,
    /// Whether the search may match full ID numbers (PeopleSensitive only).
    pub search_id_number: bool,
    /// Only people whose home is the unit (no borrowed-in people).
    pub home_only: bool,
}

/// Which statuses a roster shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusFilter {
    All,
    One(Status),
}

/// The body of the organisation module, as this module needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BodyRef {
    pub id: i64,
    pub name: String,
    /// The organisation module's body kind code (`office`, `centre` …).
    pub kind: String,
}

/// An approved count as stored. `body_id` `None`: the whole unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuotaRecord {
    pub unit_id: UnitId,
    pub body_id: Option<i64>,
    pub kind: QuotaKind,
    pub approved: i64,
    pub updated_at: DateTime<Utc>,
    pub updated_by: String,
}

/// Holders of a kind in a unit (and body): the counts behind vacancies and 超编.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OccupancyCount {
    pub unit_id: UnitId,
    pub body_id: Option<i64>,
    pub kind: EstablishmentKind,
    pub count: i64,
}

/// An approved exception to the establishment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExceptionRecord {
    pub id: ExceptionId,
    pub unit_id: UnitId,
    pub body_id: Option<i64>,
    pub person_id: Option<PersonId>,
    pub person_name: Option<String>,
    pub kind: QuotaKind,
    pub doc_no: String,
    pub reason: String,
    pub approved: i64,
    pub occupied_after: i64,
    pub on_date: NaiveDate,
    pub created_by: String,
}

/// A new exception; the person is found by ID number inside the write.
#[derive(Clone, PartialEq, Eq)]
pub struct NewException {
    pub unit_id: UnitId,
    pub body_id: Option<i64>,
    pub id_number: String,
    pub kind: QuotaKind,
    pub doc_no: String,
    pub reason: String,
    pub approved: i64,
    pub occupied_after: i64,
    pub on_date: NaiveDate,
}

/// One person written: created (`person.id` ignored) or replaced with a new state, with
/// the history row that records why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonWrite {
    pub create: bool,
    pub person: PersonRecord,
    pub on: NaiveDate,
    pub kind: EventKind,
    pub doc_no: String,
    pub note: String,
}

impl PersonWrite {
    /// A new person hired on their status date (a `hire` history row with `note`).
    pub fn hire(person: PersonRecord, note: &str) -> Self {
        PersonWrite {
            create: true,
            on: person.status_since,
            person,
            kind: EventKind::Hire,
            doc_no: String::new(),
            note: note.into(),
        }
    }
}

/// After the write, holders of `kind` in `unit` (and `body`) must be at most `limit`;
/// otherwise the whole write is rolled back (someone else hired in between).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Guard {
    pub unit_id: UnitId,
    pub body_id: Option<i64>,
    pub kind: EstablishmentKind,
    pub limit: i64,
}

/// Everything one use case writes, in one transaction.
#[derive(Default)]
pub struct PeopleBatch {
    pub writes: Vec<PersonWrite>,
    pub exceptions: Vec<NewException>,
    pub guards: Vec<Guard>,
    pub audits: Vec<AuditEntry>,
    /// Login name recorded on the history rows.
    pub by: String,
    pub at: DateTime<Utc>,
    /// Told (written, total) as the write goes on (long imports).
    pub progress: Option<Progress>,
}

/// A progress callback: (done, total).
pub type Progress = std::sync::Arc<dyn Fn(u64, u64) + Send + Sync>;

/// How cost totals are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CostGroup {
    Identity,
    Body,
    Funding,
    Unit,
}

impl CostGroup {
    pub const ALL: [CostGroup; 4] = [
        CostGroup::Identity,
        CostGroup::Body,
        CostGroup::Funding,
        CostGroup::Unit,
    ];
    pub fn code(self) -> &'static str {
        match self {
            CostGroup::Identity => "identity",
            CostGroup::Body => "body",
            CostGroup::Funding => "funding",
            CostGroup::Unit => "unit",
        }
    }
    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|g| g.code() == s)
    }
}

/// Storage of people, quotas, history and exceptions.
#[async_trait]
pub trait PeopleStore: Send + Sync {
    /// One page of a roster. A unit's roster holds its own people and those lent to it.
    async fn list_people(
        &self,
        district: DistrictId,
        filter: &PeopleFilter,
        q: &ListQuery,
    ) -> StoreResult<Page<PersonRecord>>;
    /// Every person matching the filter (exports), in unit and name order; no paging.
    async fn export_people(
        &self,
        district: DistrictId,
        filter: &PeopleFilter,
    ) -> StoreResult<Vec<PersonRecord>>;
    async fn get_person(
        &self,
        district: DistrictId,
        id: PersonId,
    ) -> StoreResult<Option<PersonRecord>>;
    /// People of the district with any of these ids, in no particular order (ids of other
    /// districts or of no one are left out). The SQL store answers in one query per
    /// chunk of ids; the default asks [`PeopleStore::get_person`] for each.
    async fn people_by_ids(
        &self,
        district: DistrictId,
        ids: &[PersonId],
    ) -> StoreResult<Vec<PersonRecord>> {
        let mut out = Vec::new();
        for id in ids {
            if let Some(p) = self.get_person(district, *id).await? {
                out.push(p);
            }
        }
        Ok(out)
    }
    /// People of the district with any of these ID numbers.
    async fn people_by_id_numbers(
        &self,
        district: DistrictId,
        numbers: &[String],
    ) -> StoreResult<Vec<PersonRecord>>;
    /// A person's history, oldest first, with unit names.
    async fn person_history(
        &self,
        district: DistrictId,
        id: PersonId,
    ) -> StoreResult<Vec<PersonEvent>>;
    /// Holders by unit, body and kind (status on post or lent out; 编外 excluded).
    async fn occupancy(
        &self,
        district: DistrictId,
        unit: Option<UnitId>,
    ) -> StoreResult<Vec<OccupancyCount>>;
    /// Leadership-team members (班子成员) on post or lent out, by unit.
    async fn leader_counts(
        &self,
        district: DistrictId,
        unit: Option<UnitId>,
    ) -> StoreResult<Vec<(UnitId, i64)>>;
    async fn list_quotas(
        &self,
        district: DistrictId,
        unit: Option<UnitId>,
    ) -> StoreResult<Vec<QuotaRecord>>;
    /// Sets (`Some`) or clears (`None`) approved counts of one unit.
    async fn set_quotas(
        &self,
        district: DistrictId,
        unit: UnitId,
        quotas: &[(Option<i64>, QuotaKind, Option<i64>)],
        by: &str,
        at: DateTime<Utc>,
        audit: AuditEntry,
    ) -> StoreResult<()>;
    async fn list_exceptions(
        &self,
        district: DistrictId,
        unit: Option<UnitId>,
    ) -> StoreResult<Vec<ExceptionRecord>>;
    /// Applies a batch in one transaction; returns the ids of the people written, in order.
    /// A broken [`Guard`] rolls everything back with `Conflict { field: "establishment" }`.
    async fn apply_people(
        &self,
        district: DistrictId,
        batch: PeopleBatch,
    ) -> StoreResult<Vec<PersonId>>;
    /// Headcount and cost on `on` (from the history), grouped, for holders on post or
    /// lent out, counted at their home unit. Keys: the group's code (or body / unit id).
    async fn cost_totals(
        &self,
        district: DistrictId,
        unit: Option<UnitId>,
        on: NaiveDate,
        group: CostGroup,
    ) -> StoreResult<Vec<(String, Total)>>;
    /// The declared relations (亲属关系) with `person` on either side, oldest first.
    async fn relations_of(
        &self,
        district: DistrictId,
        person: PersonId,
    ) -> StoreResult<Vec<RelationRecord>>;
    /// The declared relations with any of `people` on either side, each once, oldest
    /// first (what [`PeopleStore::relations_of`] gives for each of them, merged). The SQL
    /// store answers in one query per chunk of people.
    async fn relations_of_people(
        &self,
        district: DistrictId,
        people: &[PersonId],
    ) -> StoreResult<Vec<RelationRecord>> {
        let mut out: Vec<RelationRecord> = Vec::new();
        for p in people {
            for r in self.relations_of(district, *p).await? {
                if !out.iter().any(|x| x.id == r.id) {
                    out.push(r);
                }
            }
        }
        out.sort_by_key(|r| r.id);
        Ok(out)
    }
    /// Records a relation between two people of the district; returns its id.
    /// `Conflict(Unique(Key))` when the two are related already (in either order),
    /// `NotFound` when either person is not the district's.
    async fn add_relation(
        &self,
        district: DistrictId,
        w: &RelationWrite,
        audit: AuditEntry,
    ) -> StoreResult<i64>;
    /// Removes a relation of the district (`NotFound` when absent).
    async fn remove_relation(
        &self,
        district: DistrictId,
        id: i64,
        audit: AuditEntry,
    ) -> StoreResult<()>;
    /// The declared relations with any of `people` on either side (亲属关系导入).
    async fn relations_among(
        &self,
        district: DistrictId,
        people: &[PersonId],
    ) -> StoreResult<Vec<RelationRecord>>;
    /// Records relations in one transaction with their audit entries, all or nothing:
    /// `Conflict(Unique(Key))` when a pair is related already (in either order, or twice
    /// in `writes`), `NotFound` when a person is not the district's.
    async fn add_relations(
        &self,
        district: DistrictId,
        writes: &[RelationWrite],
        audits: Vec<AuditEntry>,
    ) -> StoreResult<()>;
    /// The relations recorded on the people whose home unit is `unit` (the person's side),
    /// with both ID numbers, by person name then id.
    async fn unit_relations(
        &self,
        district: DistrictId,
        unit: UnitId,
    ) -> StoreResult<Vec<UnitRelation>>;
}

/// Money shown in yuan with two decimals (for templates).
pub fn yuan(m: Money) -> String {
    m.to_string()
}
