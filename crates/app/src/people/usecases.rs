//! The people use cases: roster, person page, hire, edit, moves and status changes,
//! secondments, bulk actions, quotas and establishment use, personnel cost.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::NaiveDate;
use serde::Serialize;

use jiguan_domain::FieldError;
use jiguan_domain::auth::{Action, Actor};
use jiguan_domain::dict::{Dict, DictKind};
use jiguan_domain::error::Errors;
use jiguan_domain::people::cost::{CompareLine, Total, compare, line};
use jiguan_domain::people::establishment::{KindUse, QuotaKind, body_allows, parse_quota};
use jiguan_domain::people::person::optional_text;
use jiguan_domain::people::{
    EstablishmentKind, EventKind, Identity, MaskedId, PersonForm, PersonId, PersonInput, Status,
    parse_opt_date,
};
use jiguan_domain::tenancy::{DistrictId, UnitId};

use super::{
    BodyRef, CostGroup, ExceptionRecord, Guard, NewException, OccupancyCount, PeopleBatch,
    PeopleFilter, PersonEvent, PersonRecord, PersonWrite, QuotaRecord,
};
use crate::ports::{Conflict, ListQuery, Page, StoreError, UniqueKey, Unit};
use crate::{App, AppError, AppResult};
use jiguan_domain::audit::{AuditAction, AuditEntry, ObjectKind};

/// One approved establishment set, as audited.
#[derive(Serialize)]
struct QuotaSet {
    body_id: Option<i64>,
    kind: QuotaKind,
    approved: Option<i64>,
}

/// Longest document number (文号) and note, in characters.
pub const DOC_MAX: usize = 60;
pub const NOTE_MAX: usize = 200;

/// A roster row as shown: ID number already masked unless the actor may see it.
#[derive(Debug, Clone, Serialize)]
pub struct RosterRow {
    #[serde(flatten)]
    pub person: PersonRecord,
    /// The ID number to show (masked unless `PeopleSensitive`).
    pub id_shown: String,
    /// The status as seen from the roster's unit (借入 at the host).
    pub status_here: Status,
    pub body_name: Option<String>,
}

/// What the person page shows.
#[derive(Debug, Clone, Serialize)]
pub struct PersonPage {
    pub row: RosterRow,
    pub history: Vec<PersonEvent>,
    /// The actor may edit and move this person (home unit administrator).
    pub can_manage: bool,
    pub home_unit_name: String,
    pub host_unit_name: Option<String>,
    /// Labour contracts signed under downsizing plans (重新签订劳动合同), newest first.
    pub contracts: Vec<crate::downsizing::ContractRecord>,
}

/// Options of a change: date, document number, note and the exception.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ChangeOpts {
    /// Effective date `YYYY-MM-DD`; blank = today.
    pub on: String,
    /// Document number of the change (optional).
    pub doc_no: String,
    pub note: String,
    /// The document number approving an exception to the establishment (超编审批文号).
    pub exception_doc: String,
    pub exception_reason: String,
}

/// A move, status change or secondment.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = ChangeBody))]
#[serde(default)]
pub struct ChangeForm {
    /// `move`, `status`, `lend`, `lend_end`, `transfer`.
    pub action: String,
    /// New status (`status`): on_post, retired, diverted, left.
    pub status: String,
    /// New body id (`move`; blank = none).
    pub body: String,
    /// New post (`move`).
    pub post: String,
    /// Unit id (`lend`, `transfer`).
    pub to_unit: String,
    #[serde(flatten)]
    pub opts: ChangeOpts,
}

/// Establishment use of one unit (编制使用情况).
#[derive(Debug, Clone, Serialize)]
pub struct UnitEstablishment {
    pub unit: Unit,
    /// Administrative, institution, service, leadership.
    pub uses: Vec<KindUse>,
    /// Quotas set per body, with their use.
    pub bodies: Vec<(BodyRef, Vec<KindUse>)>,
    /// Off-establishment (编外) staff on post.
    pub off_establishment: i64,
    pub exceptions: Vec<ExceptionRecord>,
}

impl UnitEstablishment {
    pub fn total_over(&self) -> i64 {
        self.uses
            .iter()
            .filter(|u| u.kind != QuotaKind::Leadership)
            .map(KindUse::over)
            .sum()
    }
    pub fn total_vacancy(&self) -> i64 {
        self.uses
            .iter()
            .filter(|u| u.kind != QuotaKind::Leadership)
            .map(KindUse::vacancy)
            .sum()
    }
}

/// Cost comparison between two dates.
#[derive(Debug, Clone, Serialize)]
pub struct CostReport {
    pub group: CostGroup,
    pub a: NaiveDate,
    pub b: NaiveDate,
    /// Lines keyed by a display label (an identity/funding code, a body or unit name).
    pub lines: Vec<CompareLine<String>>,
    pub total: CompareLine<String>,
}

fn store_err(e: StoreError) -> AppError {
    match e {
        StoreError::Conflict(Conflict::Establishment) => {
            AppError::field("establishment", "establishment_changed")
        }
        StoreError::Conflict(Conflict::Unique(UniqueKey::Key)) => {
            AppError::field("id_number", "person_exists")
        }
        other => other.into(),
    }
}

/// One establishment scope: a unit (body `None`) or a body with its own quota.
type Scope = (UnitId, Option<i64>, EstablishmentKind);

/// Counts and quotas of a unit, to check changes against.
pub(crate) struct Room {
    approved: BTreeMap<(Option<i64>, QuotaKind), i64>,
    occupied: BTreeMap<Scope, i64>,
}

impl Room {
    fn kind_use(&self, scope: &Scope) -> Option<KindUse> {
        let qk = QuotaKind::of(scope.2)?;
        let approved = match scope.1 {
            None => self.approved.get(&(None, qk)).copied().unwrap_or(0),
            Some(b) => *self.approved.get(&(Some(b), qk))?,
        };
        Some(KindUse {
            kind: qk,
            approved,
            occupied: self.occupied.get(scope).copied().unwrap_or(0),
        })
    }
}

/// The scopes a person occupies: the unit and, when the body has its own quota, the body.
fn scopes_of(p: &PersonRecord, room: &BTreeMap<UnitId, Room>) -> Vec<Scope> {
    if !p.occupies() {
        return Vec::new();
    }
    let mut v = vec![(p.unit_id, None, p.establishment)];
    if let (Some(b), Some(qk)) = (p.body_id, QuotaKind::of(p.establishment))
        && room
            .get(&p.unit_id)
            .is_some_and(|r| r.approved.contains_key(&(Some(b), qk)))
    {
        v.push((p.unit_id, Some(b), p.establishment));
    }
    v
}

/// The outcome of checking changes against the establishment.
pub(crate) struct Checked {
    /// For each change (by index), the establishment errors it causes.
    pub errors: Vec<(usize, FieldError)>,
    pub exceptions: Vec<(usize, NewException)>,
    pub guards: Vec<Guard>,
}

impl App {
    pub(crate) fn people_today(&self) -> NaiveDate {
        crate::calc::china_today(self.clock.now())
    }

    async fn unit_name(&self, d: DistrictId, u: UnitId) -> String {
        self.store
            .get_unit(d, u)
            .await
            .ok()
            .flatten()
            .map(|u| u.name)
            .unwrap_or_else(|| u.to_string())
    }

    /// The active bodies of a unit (organisation module), as people are placed in them.
    pub(crate) async fn bodies_for(&self, d: DistrictId, unit: UnitId) -> Vec<BodyRef> {
        self.read_bodies(d, unit).await.unwrap_or_default()
    }

    async fn read_bodies(&self, d: DistrictId, unit: UnitId) -> AppResult<Vec<BodyRef>> {
        Ok(self
            .store
            .list_bodies(d, unit, None)
            .await?
            .into_iter()
            .filter(|b| b.status.code() == "active")
            .map(|b| BodyRef {
                id: b.id.0,
                name: b.name,
                kind: b.kind.code().to_string(),
            })
            .collect())
    }

    /// [`bodies_for`](Self::bodies_for) as a roster page shows them: kept while the store's
    /// write mark stays (see [`crate::kept`]), so that a page of the roster does not read
    /// them again. Only to name bodies; what a write checks reads them afresh.
    pub(crate) async fn bodies_shown(&self, d: DistrictId, unit: UnitId) -> Arc<Vec<BodyRef>> {
        let mark = self.store.write_mark();
        if let Some(m) = mark
            && let Some(b) = self.bodies.get(&(d, unit), &(), m)
        {
            return b;
        }
        match self.read_bodies(d, unit).await {
            Ok(b) => {
                let b = Arc::new(b);
                if let Some(m) = mark {
                    self.bodies.put((d, unit), (), m, b.clone());
                }
                b
            }
            Err(_) => Arc::default(),
        }
    }

    /// The bodies people of a unit can be placed in.
    pub async fn people_bodies(&self, actor: &Actor, unit: UnitId) -> AppResult<Vec<BodyRef>> {
        self.require_unit(actor, Action::PeopleView, unit).await?;
        Ok(self.bodies_for(actor.district_id, unit).await)
    }

    pub(crate) async fn room(
        &self,
        d: DistrictId,
        units: &[UnitId],
    ) -> AppResult<BTreeMap<UnitId, Room>> {
        let mut out = BTreeMap::new();
        for &u in units {
            let quotas = self.store.list_quotas(d, Some(u)).await?;
            let occ = self.store.occupancy(d, Some(u)).await?;
            let mut occupied: BTreeMap<Scope, i64> = BTreeMap::new();
            let approved: BTreeMap<(Option<i64>, QuotaKind), i64> = quotas
                .iter()
                .map(|q| ((q.body_id, q.kind), q.approved))
                .collect();
            for o in occ {
                *occupied.entry((u, None, o.kind)).or_default() += o.count;
                if let (Some(b), Some(qk)) = (o.body_id, QuotaKind::of(o.kind))
                    && approved.contains_key(&(Some(b), qk))
                {
                    *occupied.entry((u, Some(b), o.kind)).or_default() += o.count;
                }
            }
            out.insert(u, Room { approved, occupied });
        }
        Ok(out)
    }

    /// Checks changes `(before, after)` in order against the establishment. A change that
    /// makes the holders of a scope exceed its quota is an error, or with `exception_doc`
    /// an exception to record.
    pub(crate) fn check_room(
        &self,
        room: &BTreeMap<UnitId, Room>,
        changes: &[(Option<&PersonRecord>, &PersonRecord)],
        exception_doc: &str,
        exception_reason: &str,
        on: NaiveDate,
        unit_names: &BTreeMap<UnitId, String>,
    ) -> Checked {
        let mut delta: BTreeMap<Scope, i64> = BTreeMap::new();
        let mut errors = Vec::new();
        let mut exceptions = Vec::new();
        // Leavers first free their slots, so a swap within one batch is not refused.
        for (before, after) in changes {
            let b = before.map(|p| scopes_of(p, room)).unwrap_or_default();
            let a = scopes_of(after, room);
            for s in b.iter().filter(|s| !a.contains(s)) {
                *delta.entry(*s).or_default() -= 1;
            }
        }
        for (i, (before, after)) in changes.iter().enumerate() {
            let b = before.map(|p| scopes_of(p, room)).unwrap_or_default();
            for s in scopes_of(after, room)
                .into_iter()
                .filter(|s| !b.contains(s))
            {
                let Some(r) = room.get(&s.0) else { continue };
                let Some(u) = r.kind_use(&s) else { continue };
                let d = delta.entry(s).or_default();
                let now = KindUse {
                    occupied: u.occupied + *d,
                    ..u
                };
                let scope_name = unit_names.get(&s.0).cloned().unwrap_or_default();
                match now.check("establishment", &scope_name, 1) {
                    Ok(()) => *d += 1,
                    Err(e) if !exception_doc.trim().is_empty() => {
                        *d += 1;
                        exceptions.push((
                            i,
                            NewException {
                                unit_id: s.0,
                                body_id: s.1,
                                id_number: after.id_number.clone(),
                                kind: u.kind,
                                doc_no: exception_doc.trim().to_string(),
                                reason: exception_reason.trim().to_string(),
                                approved: u.approved,
                                occupied_after: now.occupied + 1,
                                on_date: on,
                            },
                        ));
                        let _ = e;
                    }
                    Err(e) => errors.push((i, e)),
                }
            }
        }
        let mut guards = Vec::new();
        for (s, d) in &delta {
            if *d <= 0 {
                continue;
            }
            if let Some(u) = room.get(&s.0).and_then(|r| r.kind_use(s)) {
                guards.push(Guard {
                    unit_id: s.0,
                    body_id: s.1,
                    kind: s.2,
                    limit: u.approved.max(u.occupied + d),
                });
            }
        }
        Checked {
            errors,
            exceptions,
            guards,
        }
    }

    fn roster_row(
        &self,
        actor: &Actor,
        unit: Option<UnitId>,
        p: PersonRecord,
        bodies: &[BodyRef],
    ) -> RosterRow {
        let sensitive = actor.can(Action::PeopleSensitive);
        let id_shown = jiguan_domain::people::mask::shown(&p.id_number, sensitive);
        let status_here = unit.map(|u| p.status_at(u)).unwrap_or(p.status);
        let body_name = p
            .body_id
            .and_then(|b| bodies.iter().find(|x| x.id == b).map(|x| x.name.clone()));
        RosterRow {
            person: p,
            id_shown,
            status_here,
            body_name,
        }
    }

    /// A unit's roster (花名册): its own people and those lent to it.
    pub async fn list_people(
        &self,
        actor: &Actor,
        unit: UnitId,
        mut filter: PeopleFilter,
        q: &ListQuery,
    ) -> AppResult<Page<RosterRow>> {
        self.require_unit(actor, Action::PeopleView, unit).await?;
        filter.unit_id = Some(unit);
        filter.search_id_number = actor.can(Action::PeopleSensitive);
        let page = self
            .store
            .list_people(actor.district_id, &filter, q)
            .await?;
        let bodies = self.bodies_shown(actor.district_id, unit).await;
        Ok(Page {
            items: page
                .items
                .into_iter()
                .map(|p| self.roster_row(actor, Some(unit), p, &bodies))
                .collect(),
            total: page.total,
            page: page.page,
            per_page: page.per_page,
        })
    }

    /// Everyone of a unit (or of the visible units) for an export, ID numbers as the actor
    /// may see them.
    pub async fn export_people(
        &self,
        actor: &Actor,
        unit: Option<UnitId>,
    ) -> AppResult<Vec<(RosterRow, String)>> {
        match unit {
            Some(u) => {
                self.require_unit(actor, Action::PeopleView, u).await?;
            }
            None => self.require(actor, Action::PeopleView)?,
        }
        let unit = unit.or(actor.unit_id);
        let filter = PeopleFilter {
            unit_id: unit,
            search_id_number: actor.can(Action::PeopleSensitive),
            ..PeopleFilter::default()
        };
        let people = self.store.export_people(actor.district_id, &filter).await?;
        let units = self.visible_units(actor).await?;
        let mut bodies: BTreeMap<UnitId, Vec<BodyRef>> = BTreeMap::new();
        let mut out = Vec::with_capacity(people.len());
        for p in people {
            if let std::collections::btree_map::Entry::Vacant(slot) = bodies.entry(p.unit_id) {
                slot.insert(self.bodies_for(actor.district_id, p.unit_id).await);
            }
            let unit_name = units
                .iter()
                .find(|u| u.id == p.unit_id)
                .map(|u| u.name.clone())
                .unwrap_or_default();
            let b = bodies.get(&p.unit_id).cloned().unwrap_or_default();
            out.push((self.roster_row(actor, unit, p, &b), unit_name));
        }
        Ok(out)
    }

    /// A person the actor may see through `unit` (home or host), or not found.
    pub(crate) async fn person_in(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: PersonId,
    ) -> AppResult<PersonRecord> {
        let p = self
            .store
            .get_person(actor.district_id, id)
            .await?
            .ok_or(AppError::NotFound)?;
        let here =
            p.unit_id == unit || (p.host_unit_id == Some(unit) && p.status == Status::LentOut);
        if !here || !actor.sees_unit(p.district_id, unit) {
            return Err(AppError::NotFound);
        }
        Ok(p)
    }

    /// A person the actor may change: only at the home unit.
    pub(crate) async fn person_home(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: PersonId,
    ) -> AppResult<PersonRecord> {
        self.require_unit(actor, Action::PeopleManage, unit).await?;
        let p = self.person_in(actor, unit, id).await?;
        if p.unit_id != unit {
            return Err(AppError::Forbidden);
        }
        Ok(p)
    }

    pub async fn person_page(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: PersonId,
    ) -> AppResult<PersonPage> {
        self.require_unit(actor, Action::PeopleView, unit).await?;
        let p = self.person_in(actor, unit, id).await?;
        let history = self.store.person_history(actor.district_id, id).await?;
        let bodies = self.bodies_for(actor.district_id, p.unit_id).await;
        let can_manage = actor.can(Action::PeopleManage) && p.unit_id == unit;
        let home_unit_name = self.unit_name(actor.district_id, p.unit_id).await;
        let host_unit_name = match p.host_unit_id {
            Some(h) => Some(self.unit_name(actor.district_id, h).await),
            None => None,
        };
        let contracts = self
            .store
            .down_contracts(actor.district_id, p.unit_id, Some(id.0))
            .await?;
        Ok(PersonPage {
            row: self.roster_row(actor, Some(unit), p, &bodies),
            history,
            can_manage,
            home_unit_name,
            host_unit_name,
            contracts,
        })
    }

    /// The person form pre-filled for editing (full ID number: only managers edit).
    pub async fn person_form(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: PersonId,
    ) -> AppResult<PersonForm> {
        let p = self.person_home(actor, unit, id).await?;
        Ok(form_of(&p))
    }

    fn parse_on(&self, field: &str, s: &str) -> Result<NaiveDate, FieldError> {
        let today = self.people_today();
        let d = parse_opt_date(field, s)?.unwrap_or(today);
        if d > today {
            return Err(FieldError::new(field, "date_future"));
        }
        Ok(d)
    }

    fn resolve_body(bodies: &[BodyRef], raw: &str) -> Result<Option<BodyRef>, FieldError> {
        let t = raw.trim();
        if t.is_empty() {
            return Ok(None);
        }
        bodies
            .iter()
            .find(|b| b.id.to_string() == t || b.name == t)
            .cloned()
            .map(Some)
            .ok_or_else(|| FieldError::new("body", "choice_invalid"))
    }

    /// Validates a person form into a record of `unit` (status on post from `on`).
    /// Validates a person form into a record: the domain's checks, the body, and the list
    /// fields against the district's lists (数据字典); `keep` is the record as stored (an
    /// edit), whose list values are accepted unchanged even when no longer in the list.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn record_of(
        &self,
        f: &PersonForm,
        d: DistrictId,
        unit: UnitId,
        bodies: &[BodyRef],
        on: NaiveDate,
        dict: &Dict,
        keep: Option<&PersonRecord>,
    ) -> Result<PersonRecord, Vec<FieldError>> {
        let mut errs = Errors::new();
        let parsed = PersonInput::parse(f, self.people_today());
        let bad: Vec<String> = parsed
            .as_ref()
            .err()
            .map(|e| e.iter().map(|x| x.field.clone()).collect())
            .unwrap_or_default();
        let mut input = errs.take_all(parsed);
        for (kind, raw, old) in [
            (
                DictKind::Ethnicity,
                &f.ethnicity,
                keep.map(|k| k.ethnicity.as_str()),
            ),
            (DictKind::Party, &f.party, keep.map(|k| k.party.as_str())),
            (
                DictKind::Education,
                &f.education,
                keep.map(|k| k.education.as_str()),
            ),
            (DictKind::Rank, &f.rank, keep.map(|k| k.rank.as_str())),
        ] {
            if bad.iter().any(|b| b == kind.field()) {
                continue;
            }
            match dict.check(kind, raw, old) {
                Ok(v) => {
                    if let Some(i) = input.as_mut() {
                        match kind {
                            DictKind::Ethnicity => i.ethnicity = v,
                            DictKind::Party => i.party = v,
                            DictKind::Education => i.education = v,
                            _ => i.rank = v,
                        }
                    }
                }
                Err(e) => errs.push(e),
            }
        }
        let body = errs.take(Self::resolve_body(bodies, &f.body));
        if let (Some(i), Some(Some(b))) = (&input, &body)
            && !body_allows(&b.kind, i.establishment)
        {
            errs.push(
                FieldError::new("body", "establishment_body_mismatch")
                    .with("body", &b.name)
                    .with("kind", i.establishment.zh()),
            );
        }
        match (input, body) {
            (Some(i), Some(body)) if errs.is_empty() => Ok(PersonRecord {
                id: 0,
                district_id: d,
                unit_id: unit,
                host_unit_id: None,
                body_id: body.map(|b| b.id),
                name: i.name,
                gender: i.gender.code().into(),
                id_number: i.id_number.as_str().into(),
                birth_date: i.birth_date,
                ethnicity: i.ethnicity,
                party: i.party,
                education: i.education,
                work_start: i.work_start,
                unit_join: i.unit_join,
                identity: i.identity,
                establishment: i.establishment,
                post: i.post,
                rank: i.rank,
                leader: i.leader,
                leader_role: i.leader_role,
                phone: i.phone,
                funding: i.funding,
                cost: i.cost,
                status: Status::OnPost,
                status_since: on,
                probation_end: i.probation_end,
            }),
            _ => Err(errs.0),
        }
    }

    async fn unit_names(&self, d: DistrictId) -> BTreeMap<UnitId, String> {
        let all = ListQuery {
            per_page: Some(ListQuery::MAX_PER_PAGE),
            ..ListQuery::default()
        };
        self.store
            .list_units(d, &all)
            .await
            .map(|p| {
                p.items
                    .into_iter()
                    .map(|u| (u.unit.id, u.unit.name))
                    .collect()
            })
            .unwrap_or_default()
    }

    fn opts_errors(&self, o: &ChangeOpts, errs: &mut Errors) -> Option<NaiveDate> {
        errs.take(optional_text("doc_no", &o.doc_no, DOC_MAX));
        errs.take(optional_text("note", &o.note, NOTE_MAX));
        errs.take(optional_text("exception_doc", &o.exception_doc, DOC_MAX));
        errs.take(optional_text(
            "exception_reason",
            &o.exception_reason,
            NOTE_MAX,
        ));
        errs.take(self.parse_on("effective_on", &o.on))
    }

    /// Writes changes after checking the establishment; one audit entry per change.
    #[allow(clippy::too_many_arguments)]
    async fn commit_changes(
        &self,
        actor: &Actor,
        changes: Vec<(Option<PersonRecord>, PersonRecord, EventKind)>,
        on: NaiveDate,
        opts: &ChangeOpts,
        action: AuditAction,
        mut errs: Errors,
    ) -> AppResult<Vec<PersonId>> {
        let d = actor.district_id;
        let mut units: Vec<UnitId> = changes.iter().map(|(_, a, _)| a.unit_id).collect();
        units.sort();
        units.dedup();
        let room = self.room(d, &units).await?;
        let names = self.unit_names(d).await;
        let pairs: Vec<(Option<&PersonRecord>, &PersonRecord)> =
            changes.iter().map(|(b, a, _)| (b.as_ref(), a)).collect();
        let checked = self.check_room(
            &room,
            &pairs,
            &opts.exception_doc,
            &opts.exception_reason,
            on,
            &names,
        );
        for (_, e) in checked.errors {
            errs.push(e);
        }
        errs.into_result()?;
        let mut batch = PeopleBatch {
            by: actor.username.clone(),
            at: self.clock.now(),
            guards: checked.guards,
            exceptions: checked.exceptions.into_iter().map(|(_, e)| e).collect(),
            ..PeopleBatch::default()
        };
        for (before, after, kind) in changes {
            let create = before.is_none();
            let mut after_json = after.audit_json();
            if let Some(o) = after_json.as_object_mut() {
                o.insert("on".into(), serde_json::json!(on));
                o.insert("event".into(), serde_json::json!(kind));
                if !opts.doc_no.trim().is_empty() {
                    o.insert("doc_no".into(), serde_json::json!(opts.doc_no.trim()));
                }
                if !opts.exception_doc.trim().is_empty() {
                    o.insert(
                        "exception_doc".into(),
                        serde_json::json!(opts.exception_doc.trim()),
                    );
                }
            }
            batch.audits.push(
                AuditEntry::by(actor, batch.at)
                    .unit(after.unit_id)
                    .did(action)
                    .on(
                        ObjectKind::Person,
                        if create {
                            String::new()
                        } else {
                            after.id.to_string()
                        },
                    )
                    .before(&before.as_ref().map(PersonRecord::audit_json))
                    .after(&after_json),
            );
            batch.writes.push(PersonWrite {
                create,
                person: after,
                on,
                kind,
                doc_no: opts.doc_no.trim().to_string(),
                note: opts.note.trim().to_string(),
            });
        }
        self.store.apply_people(d, batch).await.map_err(store_err)
    }

    /// Adds a person (新进人员) to a unit; refused over the establishment unless an
    /// exception is recorded.
    pub async fn create_person(
        &self,
        actor: &Actor,
        unit: UnitId,
        form: &PersonForm,
        opts: &ChangeOpts,
    ) -> AppResult<PersonId> {
        self.require_unit(actor, Action::PeopleManage, unit).await?;
        let d = actor.district_id;
        let bodies = self.bodies_for(d, unit).await;
        let dict = self.dict_of(d).await?;
        let mut errs = Errors::new();
        let on = self.opts_errors(opts, &mut errs);
        let rec = errs.take_all(self.record_of(
            form,
            d,
            unit,
            &bodies,
            on.unwrap_or(self.people_today()),
            &dict,
            None,
        ));
        let (Some(rec), Some(on)) = (rec, on) else {
            return Err(AppError::Invalid(errs.0));
        };
        let existing = self
            .store
            .people_by_id_numbers(d, std::slice::from_ref(&rec.id_number))
            .await?;
        if let Some(e) = existing.first() {
            let name = self.unit_name(d, e.unit_id).await;
            errs.push(FieldError::new("id_number", "person_exists").with("unit", name));
        }
        let ids = self
            .commit_changes(
                actor,
                vec![(None, rec, EventKind::Hire)],
                on,
                opts,
                AuditAction::PersonCreate,
                errs,
            )
            .await?;
        ids.first().copied().ok_or(AppError::NotFound)
    }

    /// Edits a person's record at the home unit. A change of identity, establishment kind,
    /// body or post is recorded as a move; otherwise as a correction.
    pub async fn update_person(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: PersonId,
        form: &PersonForm,
        opts: &ChangeOpts,
    ) -> AppResult<()> {
        let old = self.person_home(actor, unit, id).await?;
        let d = actor.district_id;
        let bodies = self.bodies_for(d, unit).await;
        let mut errs = Errors::new();
        let on = self.opts_errors(opts, &mut errs);
        let dict = self.dict_of(d).await?;
        let rec = errs.take_all(self.record_of(
            form,
            d,
            unit,
            &bodies,
            old.status_since,
            &dict,
            Some(&old),
        ));
        let (Some(mut rec), Some(on)) = (rec, on) else {
            return Err(AppError::Invalid(errs.0));
        };
        self.check_not_before_last(d, id, on, &mut errs).await?;
        if rec.id_number != old.id_number {
            let existing = self
                .store
                .people_by_id_numbers(d, std::slice::from_ref(&rec.id_number))
                .await?;
            if existing.iter().any(|e| e.id != id.0) {
                errs.push(FieldError::new("id_number", "person_exists").with("unit", ""));
            }
        }
        rec.id = old.id;
        rec.host_unit_id = old.host_unit_id;
        rec.status = old.status;
        rec.status_since = old.status_since;
        if rec == old {
            return errs.into_result().map_err(AppError::Invalid);
        }
        let moved = rec.identity != old.identity
            || rec.establishment != old.establishment
            || rec.body_id != old.body_id
            || rec.post != old.post;
        let kind = if moved {
            EventKind::Move
        } else {
            EventKind::Update
        };
        self.commit_changes(
            actor,
            vec![(Some(old), rec, kind)],
            on,
            opts,
            AuditAction::PersonUpdate,
            errs,
        )
        .await
        .map(|_| ())
    }

    async fn check_not_before_last(
        &self,
        d: DistrictId,
        id: PersonId,
        on: NaiveDate,
        errs: &mut Errors,
    ) -> AppResult<()> {
        let hist = self.store.person_history(d, id).await?;
        if let Some(last) = hist.last()
            && on < last.on_date
        {
            errs.push(
                FieldError::new("effective_on", "date_before_last").with("date", last.on_date),
            );
        }
        Ok(())
    }

    /// Applies one change to a person (at the home unit): move to a body/post, status
    /// change, secondment out and back, transfer to another unit of the district.
    fn changed(
        &self,
        p: &PersonRecord,
        f: &ChangeForm,
        bodies: &[BodyRef],
        units: &[Unit],
        on: NaiveDate,
        errs: &mut Errors,
    ) -> Option<(PersonRecord, EventKind)> {
        let mut n = p.clone();
        let to_unit = || -> Result<UnitId, FieldError> {
            let t = f.to_unit.trim();
            if t.is_empty() {
                return Err(FieldError::new("to_unit", "required"));
            }
            units
                .iter()
                .find(|u| u.id.to_string() == t || u.code == t)
                .map(|u| u.id)
                .filter(|u| *u != p.unit_id)
                .ok_or_else(|| FieldError::new("to_unit", "choice_invalid"))
        };
        let kind = match f.action.trim() {
            "move" => {
                let body = errs.take(Self::resolve_body(bodies, &f.body))?;
                if let Some(b) = &body
                    && !body_allows(&b.kind, p.establishment)
                {
                    errs.push(
                        FieldError::new("body", "establishment_body_mismatch")
                            .with("body", &b.name)
                            .with("kind", p.establishment.zh()),
                    );
                    return None;
                }
                n.body_id = body.map(|b| b.id);
                n.post = errs.take(optional_text("post", &f.post, 40))?;
                EventKind::Move
            }
            "status" => {
                let s = errs.take(Status::parse("status", &f.status))?;
                if !Status::SETTABLE.contains(&s) {
                    errs.push(FieldError::new("status", "choice_invalid"));
                    return None;
                }
                if s == p.status {
                    errs.push(FieldError::new("status", "status_unchanged"));
                    return None;
                }
                n.status = s;
                n.host_unit_id = None;
                n.status_since = on;
                EventKind::Status
            }
            "lend" => {
                if p.status != Status::OnPost {
                    errs.push(FieldError::new("action", "not_on_post"));
                    return None;
                }
                n.host_unit_id = Some(errs.take(to_unit())?);
                n.status = Status::LentOut;
                n.status_since = on;
                EventKind::Lend
            }
            "lend_end" => {
                if p.status != Status::LentOut {
                    errs.push(FieldError::new("action", "not_lent_out"));
                    return None;
                }
                n.host_unit_id = None;
                n.status = Status::OnPost;
                n.status_since = on;
                EventKind::LendEnd
            }
            "transfer" => {
                if p.status != Status::OnPost {
                    errs.push(FieldError::new("action", "not_on_post"));
                    return None;
                }
                n.unit_id = errs.take(to_unit())?;
                n.body_id = None;
                n.status_since = on;
                EventKind::Transfer
            }
            "" => {
                errs.push(FieldError::new("action", "required"));
                return None;
            }
            _ => {
                errs.push(FieldError::new("action", "choice_invalid"));
                return None;
            }
        };
        Some((n, kind))
    }

    /// A move, status change or secondment of one person.
    pub async fn change_person(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: PersonId,
        f: &ChangeForm,
    ) -> AppResult<()> {
        let p = self.person_home(actor, unit, id).await?;
        let d = actor.district_id;
        let mut errs = Errors::new();
        let on = self.opts_errors(&f.opts, &mut errs);
        let bodies = self.bodies_for(d, unit).await;
        let units = self.visible_all_units(d).await?;
        let Some(on) = on else {
            return Err(AppError::Invalid(errs.0));
        };
        self.check_not_before_last(d, id, on, &mut errs).await?;
        let Some((n, kind)) = self.changed(&p, f, &bodies, &units, on, &mut errs) else {
            return Err(AppError::Invalid(errs.0));
        };
        self.commit_changes(
            actor,
            vec![(Some(p), n, kind)],
            on,
            &f.opts,
            AuditAction::PersonChange,
            errs,
        )
        .await
        .map(|_| ())
    }

    /// The same change for several people of the unit, all or none (bulk action).
    pub async fn bulk_change(
        &self,
        actor: &Actor,
        unit: UnitId,
        ids: &[PersonId],
        f: &ChangeForm,
    ) -> AppResult<usize> {
        self.require_unit(actor, Action::PeopleManage, unit).await?;
        if ids.is_empty() {
            return Err(AppError::field("ids", "required"));
        }
        if ids.len() > 1000 {
            return Err(AppError::Invalid(vec![
                FieldError::new("ids", "out_of_range")
                    .with("min", 1)
                    .with("max", 1000),
            ]));
        }
        let d = actor.district_id;
        let mut errs = Errors::new();
        let Some(on) = self.opts_errors(&f.opts, &mut errs) else {
            return Err(AppError::Invalid(errs.0));
        };
        let bodies = self.bodies_for(d, unit).await;
        let units = self.visible_all_units(d).await?;
        let mut changes = Vec::new();
        for &id in ids {
            let p = self.person_home(actor, unit, id).await?;
            let mut e = Errors::new();
            self.check_not_before_last(d, id, on, &mut e).await?;
            match self.changed(&p, f, &bodies, &units, on, &mut e) {
                Some((n, kind)) if e.is_empty() => changes.push((Some(p), n, kind)),
                _ => {
                    for fe in e.0 {
                        errs.push(fe.with("person", &p.name));
                    }
                }
            }
        }
        let n = changes.len();
        self.commit_changes(actor, changes, on, &f.opts, AuditAction::PersonChange, errs)
            .await?;
        Ok(n)
    }

    async fn visible_all_units(&self, d: DistrictId) -> AppResult<Vec<Unit>> {
        let all = ListQuery {
            per_page: Some(ListQuery::MAX_PER_PAGE),
            ..ListQuery::default()
        };
        Ok(self
            .store
            .list_units(d, &all)
            .await?
            .items
            .into_iter()
            .map(|s| s.unit)
            .collect())
    }

    /// The other units of the district a person can be lent or transferred to.
    pub async fn other_units(&self, actor: &Actor, unit: UnitId) -> AppResult<Vec<Unit>> {
        self.require_unit(actor, Action::PeopleView, unit).await?;
        Ok(self
            .visible_all_units(actor.district_id)
            .await?
            .into_iter()
            .filter(|u| u.id != unit && u.active)
            .collect())
    }

    async fn establishment_of(&self, d: DistrictId, unit: Unit) -> AppResult<UnitEstablishment> {
        let counts = self.establishment_counts(d, Some(unit.id)).await?;
        let bodies = self.bodies_for(d, unit.id).await;
        let exceptions = self.store.list_exceptions(d, Some(unit.id)).await?;
        Ok(counts.of(unit, bodies, exceptions))
    }

    /// The quotas, occupancy and leaders of one unit or (`None`) of the whole district,
    /// one statement each.
    pub(crate) async fn establishment_counts(
        &self,
        d: DistrictId,
        unit: Option<UnitId>,
    ) -> AppResult<EstablishmentCounts> {
        Ok(EstablishmentCounts {
            quotas: self.store.list_quotas(d, unit).await?,
            occ: self.store.occupancy(d, unit).await?,
            leaders: self.store.leader_counts(d, unit).await?,
        })
    }

    /// Establishment use of one unit: quotas, holders, vacancies, 超编 and exceptions.
    pub async fn unit_establishment(
        &self,
        actor: &Actor,
        unit: UnitId,
    ) -> AppResult<UnitEstablishment> {
        self.require_unit(actor, Action::PeopleView, unit).await?;
        let u = self
            .store
            .get_unit(actor.district_id, unit)
            .await?
            .ok_or(AppError::NotFound)?;
        self.establishment_of(actor.district_id, u).await
    }

    /// Establishment use of every unit the actor sees (编制使用情况表, district view).
    pub async fn district_establishment(&self, actor: &Actor) -> AppResult<Vec<UnitEstablishment>> {
        self.require(actor, Action::PeopleView)?;
        let d = actor.district_id;
        let counts = self.establishment_counts(d, actor.unit_id).await?;
        let exceptions = self.store.list_exceptions(d, actor.unit_id).await?;
        let mut out = Vec::new();
        for u in self.visible_units(actor).await? {
            let bodies = self.bodies_for(d, u.id).await;
            let mine = exceptions
                .iter()
                .filter(|x| x.unit_id == u.id)
                .cloned()
                .collect();
            out.push(counts.of(u, bodies, mine));
        }
        Ok(out)
    }

    /// Sets a unit's approved counts (区编办). Fields: `q_<kind>` for the unit and
    /// `q_<kind>_<body id>` for bodies; blank clears a quota.
    pub async fn set_quotas(
        &self,
        actor: &Actor,
        unit: UnitId,
        fields: &[(String, String)],
    ) -> AppResult<()> {
        self.require_unit(actor, Action::EstablishmentSet, unit)
            .await?;
        let d = actor.district_id;
        let bodies = self.bodies_for(d, unit).await;
        let mut errs = Errors::new();
        let mut quotas = Vec::new();
        for (k, v) in fields {
            let Some(rest) = k.strip_prefix("q_") else {
                continue;
            };
            let (kind, body) = match rest.split_once('_') {
                Some((kind, b)) if QuotaKind::from_code(kind).is_some() => (kind, Some(b)),
                _ => (rest, None),
            };
            let Some(qk) = QuotaKind::from_code(kind) else {
                continue;
            };
            let body_id = match body {
                None => None,
                Some(b) => match bodies.iter().find(|x| x.id.to_string() == b) {
                    Some(x) => {
                        if qk.establishment().is_none_or(|e| !body_allows(&x.kind, e)) {
                            if !v.trim().is_empty() {
                                errs.push(
                                    FieldError::new(k.clone(), "establishment_body_mismatch")
                                        .with("body", &x.name)
                                        .with("kind", qk.zh()),
                                );
                            }
                            continue;
                        }
                        Some(x.id)
                    }
                    None => {
                        errs.push(FieldError::new(k.clone(), "choice_invalid"));
                        continue;
                    }
                },
            };
            if let Some(n) = errs.take(parse_quota(k, v)) {
                quotas.push((body_id, qk, n));
            }
        }
        errs.into_result()?;
        if quotas.is_empty() {
            return Err(AppError::field("q_administrative", "required"));
        }
        let before = self.store.list_quotas(d, Some(unit)).await?;
        let after: Vec<QuotaSet> = quotas
            .iter()
            .map(|(b, k, n)| QuotaSet {
                body_id: *b,
                kind: *k,
                approved: *n,
            })
            .collect();
        let audit = self
            .audit(actor)
            .unit(unit)
            .did(AuditAction::EstablishmentSet)
            .on(ObjectKind::Unit, unit)
            .before(&before)
            .after(&after);
        Ok(self
            .store
            .set_quotas(d, unit, &quotas, &actor.username, audit.at, audit)
            .await?)
    }

    pub async fn list_quotas(&self, actor: &Actor, unit: UnitId) -> AppResult<Vec<QuotaRecord>> {
        self.require_unit(actor, Action::PeopleView, unit).await?;
        Ok(self
            .store
            .list_quotas(actor.district_id, Some(unit))
            .await?)
    }

    /// Personnel cost on dates `a` and `b` for a unit (or every unit the actor sees), grouped.
    pub async fn cost_report(
        &self,
        actor: &Actor,
        unit: Option<UnitId>,
        a: NaiveDate,
        b: NaiveDate,
        group: CostGroup,
    ) -> AppResult<CostReport> {
        match unit {
            Some(u) => {
                self.require_unit(actor, Action::PeopleView, u).await?;
            }
            None => self.require(actor, Action::PeopleView)?,
        }
        let d = actor.district_id;
        let unit = unit.or(actor.unit_id);
        let ta: BTreeMap<String, Total> = self
            .store
            .cost_totals(d, unit, a, group)
            .await?
            .into_iter()
            .collect();
        let tb: BTreeMap<String, Total> = self
            .store
            .cost_totals(d, unit, b, group)
            .await?
            .into_iter()
            .collect();
        let mut lines = compare(&ta, &tb);
        // Body and unit keys are ids: show names.
        let names: BTreeMap<String, String> = match group {
            CostGroup::Body => match unit {
                Some(u) => self
                    .bodies_for(d, u)
                    .await
                    .into_iter()
                    .map(|b| (b.id.to_string(), b.name))
                    .collect(),
                None => BTreeMap::new(),
            },
            CostGroup::Unit => self
                .unit_names(d)
                .await
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
            _ => BTreeMap::new(),
        };
        for l in &mut lines {
            if let Some(n) = names.get(&l.key) {
                l.key = n.clone();
            }
        }
        let ga = jiguan_domain::people::cost::grand_total(ta.values());
        let gb = jiguan_domain::people::cost::grand_total(tb.values());
        Ok(CostReport {
            group,
            a,
            b,
            lines,
            total: line(String::new(), ga, gb),
        })
    }
}

/// A stored person as a form (for editing).
pub fn form_of(p: &PersonRecord) -> PersonForm {
    let d = |x: Option<NaiveDate>| x.map(|d| d.to_string()).unwrap_or_default();
    PersonForm {
        name: p.name.clone(),
        gender: p.gender.clone(),
        id_number: p.id_number.clone(),
        birth_date: p.birth_date.to_string(),
        ethnicity: p.ethnicity.clone(),
        party: p.party.clone(),
        education: p.education.clone(),
        work_start: d(p.work_start),
        unit_join: d(p.unit_join),
        identity: p.identity.code().into(),
        establishment: p.establishment.code().into(),
        body: p.body_id.map(|b| b.to_string()).unwrap_or_default(),
        post: p.post.clone(),
        rank: p.rank.clone(),
        leader: if p.leader { "on".into() } else { String::new() },
        leader_role: p.leader_role.clone(),
        phone: p.phone.clone(),
        funding: p.funding.code().into(),
        basic_pay: p.cost.basic_pay.to_string(),
        allowances: p.cost.allowances.to_string(),
        social_insurance: p.cost.social_insurance.to_string(),
        housing_fund: p.cost.housing_fund.to_string(),
        probation_end: d(p.probation_end),
    }
}

/// The masked form of a stored ID number.
pub fn masked(id_number: &str) -> String {
    MaskedId::from_text(id_number).to_string()
}

/// The identities in display order (for filters).
pub fn identities() -> &'static [Identity] {
    Identity::ALL
}

/// The establishment figures of one unit or of a district ([`App::establishment_counts`]),
/// from which each unit's use is drawn without reading again.
pub(crate) struct EstablishmentCounts {
    quotas: Vec<QuotaRecord>,
    occ: Vec<OccupancyCount>,
    leaders: Vec<(UnitId, i64)>,
}

impl EstablishmentCounts {
    /// The people on post or lent out per unit, body and establishment kind.
    pub(crate) fn occupancy(&self) -> &[OccupancyCount] {
        &self.occ
    }

    /// The unit's use of each kind (approved and held, at the people's home unit).
    pub(crate) fn uses(&self, unit: UnitId) -> Vec<KindUse> {
        QuotaKind::ALL
            .iter()
            .map(|k| KindUse {
                kind: *k,
                approved: self.approved(unit, None, *k).unwrap_or(0),
                occupied: if *k == QuotaKind::Leadership {
                    self.leaders
                        .iter()
                        .filter(|(u, _)| *u == unit)
                        .map(|(_, n)| n)
                        .sum()
                } else {
                    self.held(unit, None, *k)
                },
            })
            .collect()
    }

    fn approved(&self, unit: UnitId, b: Option<i64>, k: QuotaKind) -> Option<i64> {
        self.quotas
            .iter()
            .find(|q| q.unit_id == unit && q.body_id == b && q.kind == k)
            .map(|q| q.approved)
    }

    fn held(&self, unit: UnitId, b: Option<Option<i64>>, k: QuotaKind) -> i64 {
        self.occ
            .iter()
            .filter(|o| o.unit_id == unit && QuotaKind::of(o.kind) == Some(k))
            .filter(|o| b.is_none_or(|b| o.body_id == b))
            .map(|o| o.count)
            .sum()
    }

    /// The unit's establishment use with its bodies and exceptions.
    fn of(
        &self,
        unit: Unit,
        bodies: Vec<BodyRef>,
        exceptions: Vec<ExceptionRecord>,
    ) -> UnitEstablishment {
        let u = unit.id;
        let body_uses = bodies
            .into_iter()
            .map(|b| {
                let v: Vec<KindUse> = QuotaKind::ALL
                    .iter()
                    .filter(|k| **k != QuotaKind::Leadership)
                    .filter_map(|k| {
                        self.approved(u, Some(b.id), *k).map(|a| KindUse {
                            kind: *k,
                            approved: a,
                            occupied: self.held(u, Some(Some(b.id)), *k),
                        })
                    })
                    .collect();
                (b, v)
            })
            .collect();
        let off_establishment = self
            .occ
            .iter()
            .filter(|o| o.unit_id == u && o.kind == EstablishmentKind::None)
            .map(|o| o.count)
            .sum();
        UnitEstablishment {
            uses: self.uses(u),
            bodies: body_uses,
            off_establishment,
            exceptions,
            unit,
        }
    }
}
