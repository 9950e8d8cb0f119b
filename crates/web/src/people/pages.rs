//! Establishment and people (编制与实名制): roster, person page, forms, moves, secondments,
//! establishment use, personnel cost, import and exports.

use askama::Template;
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use jiguan_app::AppError;
use jiguan_app::people::{
    BodyRef, ChangeForm, ChangeOpts, CostGroup, CostReport, ImportMode, ImportOptions,
    ImportReport, ImportTable, PeopleFilter, PersonPage, Progress, RelationForm, RelationView,
    RosterRow, StatusFilter, UnitEstablishment,
};
use jiguan_app::ports::{ListQuery, Unit};
use jiguan_domain::FieldError;
use jiguan_domain::auth::Action;
use jiguan_domain::dict::{Dict, DictKind};
use jiguan_domain::people::establishment::{KindUse, QuotaKind};
use jiguan_domain::people::{EstablishmentKind, Funding, Identity, PersonForm, PersonId, Status};
use jiguan_domain::tenancy::UnitId;
use jiguan_excel::Sheet;
use jiguan_excel::reports::people::{establishment_sheet, roster_sheet};

use crate::AppState;
use crate::error::{FieldErrors, WebError, WebResult};
use crate::extract::{At, AtId, Form, FormPairs, Path, Query};
use crate::guard::Ctx;
use crate::html::{FormErrors, Layout, ListParams, ListView, page, page_status};
use crate::i18n::Tr;
use crate::jobs::ImportJob;
use crate::people::{AtPerson, PersonBody};

/// Query parameters of the roster.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct RosterParams {
    /// Search, sorting, paging and the flash message, as on every list.
    #[serde(flatten)]
    pub list: ListParams,
    pub identity: Option<String>,
    pub establishment: Option<String>,
    pub status: Option<String>,
    pub on: Option<String>,
    pub leader: Option<String>,
}

impl RosterParams {
    /// The paging and sorting part; a page number that is not a number is refused.
    pub fn query(&self) -> Result<ListQuery, jiguan_domain::FieldError> {
        self.list.query()
    }

    fn get(v: &Option<String>) -> String {
        v.clone().unwrap_or_default().trim().to_string()
    }

    /// The filter, ignoring values that are not valid choices.
    pub fn filter(&self) -> PeopleFilter {
        let status = match Self::get(&self.status).as_str() {
            "" => None,
            "all" => Some(StatusFilter::All),
            s => Status::from_code(s).map(StatusFilter::One),
        };
        PeopleFilter {
            identity: Identity::from_code(&Self::get(&self.identity)),
            establishment: EstablishmentKind::from_code(&Self::get(&self.establishment)),
            status,
            on: jiguan_domain::people::parse_opt_date("on", &Self::get(&self.on))
                .ok()
                .flatten(),
            leader: match Self::get(&self.leader).as_str() {
                "yes" => Some(true),
                "no" => Some(false),
                _ => None,
            },
            ..PeopleFilter::default()
        }
    }

    pub fn pairs(&self) -> Vec<(String, String)> {
        vec![
            ("identity".into(), Self::get(&self.identity)),
            ("establishment".into(), Self::get(&self.establishment)),
            ("status".into(), Self::get(&self.status)),
            ("on".into(), Self::get(&self.on)),
            ("leader".into(), Self::get(&self.leader)),
        ]
    }
}

fn base(unit: UnitId) -> String {
    format!("/units/{unit}/people")
}

fn layout(ctx: &Ctx, u: &Unit, title_key: &str) -> Layout {
    Layout::new(ctx, title_key)
        .crumb(u.name.clone(), format!("/units/{}", u.id))
        .crumb(ctx.tr.t("people.roster"), base(u.id))
        .here()
}

/// "Unit · title": the title of a unit's page.
fn unit_title(ctx: &Ctx, u: &Unit, key: &str) -> String {
    format!("{} · {}", u.name, ctx.tr.t(key))
}

/// The label of a coded value: `people.<what>.<code>`.
pub fn label(tr: &Tr, what: &str, code: &str) -> String {
    tr.t(&format!("people.{what}.{code}")).to_string()
}

/// `lbl(what, code)` for the templates of pages with a layout.
macro_rules! labelled {
    ($($page:ty),+) => {$(
        impl $page {
            pub fn lbl(&self, what: &str, code: &str) -> String {
                label(&self.l.tr, what, code)
            }
        }
    )+};
}

labelled!(RosterPage, FormPage, ShowPage, EstablishmentPage);

/// A page, or the same page with 422 when the form it shows has errors.
fn page_or_422<T: Template>(bad: bool, p: &T) -> Response {
    if bad {
        page_status(StatusCode::UNPROCESSABLE_ENTITY, p)
    } else {
        page(p)
    }
}

fn to(url: String) -> Response {
    Redirect::to(&url).into_response()
}

#[derive(Template)]
#[template(path = "people_list.html")]
pub struct RosterPage {
    pub l: Layout,
    pub unit: Unit,
    pub list: ListView,
    pub rows: Vec<RosterRow>,
    pub can_manage: bool,
    pub identities: &'static [Identity],
    pub kinds: &'static [EstablishmentKind],
    pub statuses: &'static [Status],
    pub settable: Vec<Status>,
    pub dated: bool,
}

pub async fn roster(At(st, ctx, u): At, Query(p): Query<RosterParams>) -> WebResult {
    let q = p.list.page_query()?;
    let filter = p.filter();
    let dated = filter.on.is_some();
    let pg = st.app.list_people(&ctx.actor, u.id, filter, &q).await?;
    let list = ListView::new(&base(u.id), p.pairs(), &q, &pg);
    let l = Layout::new(&ctx, "people.roster")
        .titled(unit_title(&ctx, &u, "people.roster"))
        .crumb(u.name.clone(), format!("/units/{}", u.id))
        .here()
        .flash(p.list.ok.as_deref());
    Ok(page(&RosterPage {
        l,
        unit: u,
        list,
        rows: pg.items,
        can_manage: ctx.actor.can(Action::PeopleManage) && !dated,
        identities: Identity::ALL,
        kinds: EstablishmentKind::ALL,
        statuses: Status::ALL,
        settable: Status::SETTABLE.to_vec(),
        dated,
    }))
}

#[derive(Template)]
#[template(path = "people_form.html")]
pub struct FormPage {
    pub l: Layout,
    pub unit: Unit,
    pub f: PersonForm,
    pub o: ChangeOpts,
    pub errs: FormErrors,
    pub action: String,
    pub editing: bool,
    pub bodies: Vec<BodyRef>,
    pub identities: &'static [Identity],
    pub kinds: &'static [EstablishmentKind],
    pub fundings: &'static [Funding],
    /// The list fields (数据字典) as selects.
    pub lists: Vec<ListField>,
}

/// A list field of the person form: the enabled items of its list, the current value
/// selected, and the current value kept as an extra option when it is not in the list.
pub struct ListField {
    pub field: &'static str,
    pub options: Vec<(String, bool)>,
    pub legacy: Option<String>,
    /// Long lists (more than 20 items: 民族, 职级) get a filter box (app.js).
    pub searchable: bool,
}

impl ListField {
    pub fn new(dict: &Dict, kind: DictKind, current: &str) -> Self {
        let names = dict.names(kind);
        let cur = current.trim();
        let known = cur.is_empty() || names.contains(&cur);
        ListField {
            field: kind.field(),
            searchable: names.len() > 20,
            options: names.iter().map(|n| (n.to_string(), *n == cur)).collect(),
            legacy: (!known).then(|| cur.to_string()),
        }
    }
}

impl FormPage {
    /// The list field of a form field.
    pub fn list(&self, field: &str) -> Option<&ListField> {
        self.lists.iter().find(|l| l.field == field)
    }
}

async fn form_page(
    st: &AppState,
    ctx: &Ctx,
    u: Unit,
    f: PersonForm,
    o: ChangeOpts,
    errs: &[FieldError],
    editing: Option<PersonId>,
) -> Response {
    let bodies = st
        .app
        .people_bodies(&ctx.actor, u.id)
        .await
        .unwrap_or_default();
    let (key, action) = match editing {
        Some(id) => ("people.edit", format!("{}/{id}/edit", base(u.id))),
        None => ("people.new", format!("{}/new", base(u.id))),
    };
    let l = layout(ctx, &u, key);
    let dict = st
        .app
        .dict_of(ctx.actor.district_id)
        .await
        .unwrap_or_default();
    let lists = [
        (DictKind::Ethnicity, &f.ethnicity),
        (DictKind::Party, &f.party),
        (DictKind::Education, &f.education),
        (DictKind::Rank, &f.rank),
    ]
    .into_iter()
    .map(|(k, v)| ListField::new(&dict, k, v))
    .collect();
    let p = FormPage {
        lists,
        l,
        unit: u,
        f,
        o,
        errs: FormErrors::new(ctx.tr, errs),
        action,
        editing: editing.is_some(),
        bodies,
        identities: Identity::ALL,
        kinds: EstablishmentKind::ALL,
        fundings: Funding::ALL,
    };
    page_or_422(!errs.is_empty(), &p)
}

pub async fn new_form(At(st, ctx, u): At) -> Response {
    let f = PersonForm {
        identity: Identity::CivilServant.code().into(),
        establishment: EstablishmentKind::Administrative.code().into(),
        funding: Funding::Full.code().into(),
        ..PersonForm::default()
    };
    form_page(&st, &ctx, u, f, ChangeOpts::default(), &[], None).await
}

pub async fn create(At(st, ctx, u): At, Form(b): Form<PersonBody>) -> WebResult {
    let r = st.app.create_person(&ctx.actor, u.id, &b.f, &b.o).await;
    Ok(match r.fields()? {
        Ok(id) => to(format!("{}/{id}?ok=person_created", base(u.id))),
        Err(e) => form_page(&st, &ctx, u, b.f, b.o, &e, None).await,
    })
}

pub async fn edit_form(AtId(st, ctx, u, id): AtPerson) -> WebResult {
    let f = st.app.person_form(&ctx.actor, u.id, id).await?;
    Ok(form_page(&st, &ctx, u, f, ChangeOpts::default(), &[], Some(id)).await)
}

pub async fn update(AtId(st, ctx, u, id): AtPerson, Form(b): Form<PersonBody>) -> WebResult {
    let r = st.app.update_person(&ctx.actor, u.id, id, &b.f, &b.o).await;
    Ok(match r.fields()? {
        Ok(()) => to(format!("{}/{id}?ok=saved", base(u.id))),
        Err(e) => form_page(&st, &ctx, u, b.f, b.o, &e, Some(id)).await,
    })
}

#[derive(Template)]
#[template(path = "people_show.html")]
pub struct ShowPage {
    pub l: Layout,
    pub unit: Unit,
    pub p: PersonPage,
    pub bodies: Vec<BodyRef>,
    pub others: Vec<Unit>,
    pub settable: Vec<Status>,
    pub errs: FormErrors,
    pub c: ChangeForm,
    /// Appraisal results with their consequences: (year, grade or reason, effects).
    pub appraisals: Vec<(i32, String, String)>,
    /// Declared relations (亲属关系), both sides; the relation form and its errors.
    pub relations: Vec<RelationView>,
    pub rel: RelationForm,
    pub rel_errs: FormErrors,
    pub relation_kinds: &'static [jiguan_domain::people::relation::RelationKind],
}

impl ShowPage {
    /// "配偶" for a relation recorded here; "（对方的）父母" read from the other side.
    pub fn relation_text(&self, r: &RelationView) -> String {
        let key = if r.recorded_here {
            format!("people.relation.{}", r.relation)
        } else {
            format!("people.relation_of.{}", r.relation)
        };
        self.l.tr.t(&key).to_string()
    }
    /// The §1.9.1 category of a relation.
    pub fn kinship_text(&self, r: &RelationView) -> String {
        self.l
            .tr
            .t(&format!("people.kinship.{}", r.category))
            .to_string()
    }
    /// The name of a relation kind (the form's choices).
    pub fn relation_label(&self, k: &jiguan_domain::people::relation::RelationKind) -> String {
        self.l.tr.t(&k.label_key()).to_string()
    }

    pub fn body_name(&self, id: &Option<i64>) -> String {
        id.and_then(|b| self.bodies.iter().find(|x| x.id == b))
            .map(|b| b.name.clone())
            .unwrap_or_default()
    }
}

async fn show_page(
    st: &AppState,
    ctx: &Ctx,
    u: Unit,
    id: PersonId,
    ok: Option<&str>,
    errs: &[FieldError],
    c: ChangeForm,
) -> WebResult {
    show_page_rel(st, ctx, u, id, ok, (errs, c), RelationForm::default(), &[]).await
}

/// The person page with the change form's and the relation form's values and errors.
#[allow(clippy::too_many_arguments)]
async fn show_page_rel(
    st: &AppState,
    ctx: &Ctx,
    u: Unit,
    id: PersonId,
    ok: Option<&str>,
    (errs, c): (&[FieldError], ChangeForm),
    rel: RelationForm,
    rel_errs: &[FieldError],
) -> WebResult {
    let p = st.app.person_page(&ctx.actor, u.id, id).await?;
    let relations = st.app.person_relations(&ctx.actor, u.id, id).await?;
    let bodies = st
        .app
        .people_bodies(&ctx.actor, p.row.person.unit_id)
        .await
        .unwrap_or_default();
    let others = st
        .app
        .other_units(&ctx.actor, u.id)
        .await
        .unwrap_or_default();
    let l = Layout::new(ctx, "people.person")
        .titled(p.row.person.name.clone())
        .crumb(u.name.clone(), format!("/units/{}", u.id))
        .crumb(ctx.tr.t("people.roster"), base(u.id))
        .here()
        .flash(ok);
    let appraisals = crate::appraisal::pages::history_rows(st, ctx, u.id, id.0).await;
    let s = ShowPage {
        l,
        unit: u,
        p,
        bodies,
        others,
        settable: Status::SETTABLE.to_vec(),
        errs: FormErrors::new(ctx.tr, errs),
        c,
        appraisals,
        relations,
        rel,
        rel_errs: FormErrors::new(ctx.tr, rel_errs),
        relation_kinds: jiguan_domain::people::relation::RelationKind::ALL,
    };
    Ok(page_or_422(!errs.is_empty() || !rel_errs.is_empty(), &s))
}

/// Records a relation from the person page (HR office of the home unit).
pub async fn add_relation(
    AtId(st, ctx, u, id): AtPerson,
    Form(f): Form<RelationForm>,
) -> WebResult {
    match st
        .app
        .add_person_relation(&ctx.actor, u.id, id, &f)
        .await
        .fields()?
    {
        Ok(_) => Ok(to(format!(
            "{}/{id}?ok=relation_saved#person-relations",
            base(u.id)
        ))),
        Err(e) => {
            let c = ChangeForm::default();
            show_page_rel(&st, &ctx, u, id, None, (&[], c), f, &e).await
        }
    }
}

/// Removes a relation from the person page.
pub async fn remove_relation(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((unit, id, relation)): Path<(UnitId, PersonId, i64)>,
) -> WebResult {
    st.app
        .remove_person_relation(&ctx.actor, unit, id, relation)
        .await?;
    Ok(to(format!(
        "{}/{id}?ok=relation_removed#person-relations",
        base(unit)
    )))
}

pub async fn show(AtId(st, ctx, u, id): AtPerson, Query(q): Query<ListParams>) -> WebResult {
    let c = ChangeForm::default();
    show_page(&st, &ctx, u, id, q.ok.as_deref(), &[], c).await
}

/// The change form of the person page (and of the roster's bulk change).
fn change_form(b: &FormPairs) -> ChangeForm {
    let v = |k: &str| b.get(k).to_string();
    ChangeForm {
        action: v("action"),
        status: v("status"),
        body: v("body"),
        post: v("post"),
        to_unit: v("to_unit"),
        opts: ChangeOpts {
            on: v("on"),
            doc_no: v("doc_no"),
            note: v("note"),
            exception_doc: v("exception_doc"),
            exception_reason: v("exception_reason"),
        },
    }
}

pub async fn change(AtId(st, ctx, u, id): AtPerson, b: FormPairs) -> WebResult {
    let c = change_form(&b);
    match st
        .app
        .change_person(&ctx.actor, u.id, id, &c)
        .await
        .fields()?
    {
        Ok(()) => Ok(to(format!("{}/{id}?ok=person_changed", base(u.id)))),
        Err(e) => show_page(&st, &ctx, u, id, None, &e, c).await,
    }
}

/// POST `/units/{unit}/people/bulk`: one change for the ticked people.
pub async fn bulk(At(st, ctx, u): At, b: FormPairs) -> WebResult {
    let ids = b
        .all("ids")
        .iter()
        .map(|v| {
            v.parse::<PersonId>()
                .map_err(|_| WebError::malformed(Some("ids".into()), v.as_str()))
        })
        .collect::<WebResult<Vec<PersonId>>>()?;
    let c = change_form(&b);
    st.app.bulk_change(&ctx.actor, u.id, &ids, &c).await?;
    Ok(to(format!("{}?ok=bulk_done", base(u.id))))
}

#[derive(Template)]
#[template(path = "people_establishment.html")]
pub struct EstablishmentPage {
    pub l: Layout,
    pub e: UnitEstablishment,
    pub can_set: bool,
    pub errs: FormErrors,
    pub quota_kinds: &'static [QuotaKind],
}

impl EstablishmentPage {
    pub fn approved(&self, k: &QuotaKind) -> String {
        self.e
            .uses
            .iter()
            .find(|u| u.kind == *k)
            .map(|u| u.approved.to_string())
            .unwrap_or_default()
    }
}

async fn establishment_page(
    st: &AppState,
    ctx: &Ctx,
    unit: UnitId,
    ok: Option<&str>,
    errs: &[FieldError],
) -> WebResult {
    let e = st.app.unit_establishment(&ctx.actor, unit).await?;
    let l = layout(ctx, &e.unit, "people.establishment")
        .titled(unit_title(ctx, &e.unit, "people.establishment"))
        .flash(ok);
    let p = EstablishmentPage {
        l,
        e,
        can_set: ctx.actor.can(Action::EstablishmentSet),
        errs: FormErrors::new(ctx.tr, errs),
        quota_kinds: QuotaKind::ALL,
    };
    Ok(page_or_422(!errs.is_empty(), &p))
}

pub async fn establishment(At(st, ctx, u): At, Query(q): Query<ListParams>) -> WebResult {
    establishment_page(&st, &ctx, u.id, q.ok.as_deref(), &[]).await
}

pub async fn set_establishment(At(st, ctx, u): At, FormPairs(pairs): FormPairs) -> WebResult {
    match st.app.set_quotas(&ctx.actor, u.id, &pairs).await.fields()? {
        Ok(()) => Ok(to(format!("{}/establishment?ok=saved", base(u.id)))),
        Err(e) => establishment_page(&st, &ctx, u.id, None, &e).await,
    }
}

#[derive(Template)]
#[template(path = "people_district.html")]
pub struct DistrictPage {
    pub l: Layout,
    pub units: Vec<UnitEstablishment>,
}

impl DistrictPage {
    pub fn cell(&self, e: &UnitEstablishment, k: &str) -> KindUse {
        let kind = QuotaKind::from_code(k).unwrap_or(QuotaKind::Administrative);
        e.uses
            .iter()
            .find(|u| u.kind == kind)
            .copied()
            .unwrap_or(KindUse {
                kind,
                approved: 0,
                occupied: 0,
            })
    }
}

pub async fn district(State(st): State<AppState>, ctx: Ctx) -> WebResult {
    let units = st.app.district_establishment(&ctx.actor).await?;
    let l = Layout::new(&ctx, "people.district").here();
    Ok(page(&DistrictPage { l, units }))
}

#[derive(Debug, Default, Deserialize)]
pub struct CostParams {
    pub a: Option<String>,
    pub b: Option<String>,
    pub group: Option<String>,
}

#[derive(Template)]
#[template(path = "people_cost.html")]
pub struct CostPage {
    pub l: Layout,
    pub r: CostReport,
    pub action: String,
    pub groups: [CostGroup; 4],
}

impl CostPage {
    /// The label of a line's key (identity/funding codes are translated).
    pub fn key_label(&self, key: &str) -> String {
        match self.r.group {
            CostGroup::Identity => label(&self.l.tr, "identity", key),
            CostGroup::Funding => label(&self.l.tr, "funding", key),
            _ if key.is_empty() => self.l.tr.t("people.no_body").to_string(),
            _ => key.to_string(),
        }
    }
    pub fn pct(&self, l: &jiguan_domain::people::cost::CompareLine<String>) -> String {
        l.cost_change_pct
            .map(|d| format!("{d}%"))
            .unwrap_or_else(|| "—".into())
    }
}

fn cost_dates(app: &jiguan_app::App, p: &CostParams) -> (chrono::NaiveDate, chrono::NaiveDate) {
    let today = jiguan_app::calc::china_today(app.clock.now());
    let parse = |v: &Option<String>| {
        jiguan_domain::people::parse_opt_date("d", v.as_deref().unwrap_or(""))
            .ok()
            .flatten()
    };
    let a =
        parse(&p.a).unwrap_or_else(|| chrono::NaiveDate::from_ymd_opt(2019, 1, 1).unwrap_or(today));
    (a, parse(&p.b).unwrap_or(today))
}

async fn cost_page(st: &AppState, ctx: &Ctx, unit: Option<Unit>, p: &CostParams) -> WebResult {
    let (a, b) = cost_dates(&st.app, p);
    let group = p
        .group
        .as_deref()
        .and_then(CostGroup::from_code)
        .unwrap_or(CostGroup::Identity);
    let id = unit.as_ref().map(|u| u.id);
    let r = st.app.cost_report(&ctx.actor, id, a, b, group).await?;
    let (l, action) = match unit {
        Some(u) => (
            layout(ctx, &u, "people.cost").titled(unit_title(ctx, &u, "people.cost")),
            format!("{}/cost", base(u.id)),
        ),
        None => (
            Layout::new(ctx, "people.cost")
                .crumb(ctx.tr.t("people.district"), "/people")
                .here(),
            "/people/cost".to_string(),
        ),
    };
    Ok(page(&CostPage {
        l,
        r,
        action,
        groups: CostGroup::ALL,
    }))
}

pub async fn cost(At(st, ctx, u): At, Query(p): Query<CostParams>) -> WebResult {
    cost_page(&st, &ctx, Some(u), &p).await
}

pub async fn district_cost(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(p): Query<CostParams>,
) -> WebResult {
    cost_page(&st, &ctx, None, &p).await
}

#[derive(Template)]
#[template(path = "people_import.html")]
pub struct ImportPage {
    pub l: Layout,
    pub unit: Unit,
    pub report: Option<ImportReport>,
    pub file_error: Option<String>,
    pub mode: String,
    pub exception_doc: String,
}

impl ImportPage {
    pub fn reason(&self, e: &FieldError) -> String {
        self.l.tr.error(e)
    }

    /// The report's result section (with --valid-only, skipped rows write nothing).
    pub fn result(&self) -> Option<super::ImportResult<'_>> {
        let r = self.report.as_ref()?;
        let counts = [r.rows, r.created, r.unchanged, r.invalid_rows];
        let mut res = super::ImportResult::new(r.written, counts, &r.unknown_columns, &r.errors);
        res.nothing |= self.mode == "valid";
        res.counts
            .insert(2, ("people.updated", "updated", r.updated));
        Some(res)
    }
}

fn import_page(
    ctx: &Ctx,
    u: Unit,
    report: Option<ImportReport>,
    file_error: Option<String>,
    mode: &str,
    doc: &str,
) -> Response {
    let l = layout(ctx, &u, "people.import");
    let bad = file_error.is_some()
        || report
            .as_ref()
            .is_some_and(|r| !r.errors.is_empty() && !r.written);
    let p = ImportPage {
        l,
        unit: u,
        report,
        file_error,
        mode: mode.into(),
        exception_doc: doc.into(),
    };
    page_or_422(bad, &p)
}

/// The import page with the field errors of a refused file.
fn import_refused(ctx: &Ctx, u: Unit, errs: &[FieldError], mode: &str, doc: &str) -> Response {
    let msg = errs
        .iter()
        .map(|x| ctx.tr.error(x))
        .collect::<Vec<_>>()
        .join("；");
    import_page(ctx, u, None, Some(msg), mode, doc)
}

pub async fn import_form(At(_, ctx, u): At) -> Response {
    import_page(&ctx, u, None, None, "all", "")
}

/// The uploaded file and options of the import form.
struct Upload {
    name: String,
    bytes: Vec<u8>,
    mode: String,
    exception_doc: String,
}

/// A body that is not a multipart form is refused (415) before anything is read.
fn multipart_only(req: &Request) -> WebResult<()> {
    let ct = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if ct.starts_with("multipart/form-data") {
        return Ok(());
    }
    Err(WebError::Malformed {
        status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
        code: "unsupported_media_type",
        field: None,
        detail: format!(
            "{} ≠ multipart/form-data",
            if ct.is_empty() { "—" } else { ct }
        ),
    })
}

async fn read_upload(st: &AppState, req: Request) -> Result<Upload, FieldError> {
    let none = || FieldError::new("file", "required");
    let mut mp = Multipart::from_request(req, st)
        .await
        .map_err(|_| FieldError::new("file", "import_unreadable"))?;
    let mut up = Upload {
        name: String::new(),
        bytes: Vec::new(),
        mode: "all".into(),
        exception_doc: String::new(),
    };
    while let Some(field) = mp
        .next_field()
        .await
        .map_err(|_| FieldError::new("file", "import_too_large").with("max_mb", 16))?
    {
        let name = field.name().unwrap_or("").to_string();
        if name == "file" {
            up.name = field.file_name().unwrap_or("").chars().take(100).collect();
        }
        let bytes = field
            .bytes()
            .await
            .map_err(|_| FieldError::new("file", "import_too_large").with("max_mb", 16))?;
        match name.as_str() {
            "file" => up.bytes = bytes.to_vec(),
            "mode" => up.mode = String::from_utf8_lossy(&bytes).trim().to_string(),
            "exception_doc" => {
                up.exception_doc = String::from_utf8_lossy(&bytes)
                    .trim()
                    .chars()
                    .take(60)
                    .collect()
            }
            _ => {}
        }
    }
    if up.bytes.is_empty() {
        return Err(none());
    }
    Ok(up)
}

/// Reads the file off the async executor.
pub async fn read_table(bytes: Vec<u8>) -> Result<ImportTable, FieldError> {
    tokio::task::spawn_blocking(move || {
        jiguan_excel::import::read_table(&bytes, &jiguan_excel::import::Limits::default())
    })
    .await
    .map_err(|_| FieldError::new("file", "import_unreadable"))?
    .map(|t| ImportTable {
        headers: t.headers,
        rows: t.rows,
        first_row: t.first_row,
    })
}

fn import_options(up: &Upload) -> ImportOptions {
    ImportOptions {
        mode: if up.mode == "valid" {
            ImportMode::ValidOnly
        } else {
            ImportMode::AllOrNothing
        },
        exception_doc: up.exception_doc.clone(),
        on: None,
        file_name: up.name.clone(),
    }
}

/// Writes a prepared import, then records the outcome of job `id`; `permit` (the job's
/// turn) is held until the write ends.
async fn write_job(
    app: jiguan_app::App,
    jobs: crate::jobs::ImportJobs,
    id: String,
    prepared: jiguan_app::people::PreparedImport,
    permit: crate::jobs::RunPermit,
) {
    let (jobs2, id2) = (jobs.clone(), id.clone());
    let progress: Progress =
        std::sync::Arc::new(move |done, total| jobs2.progress(&id2, done, total));
    // The import's audit entries record the address of the request that started it.
    let addr = jiguan_app::audit::client_addr();
    let write = tokio::spawn(jiguan_app::audit::with_client_addr(addr, async move {
        app.write_roster_import(prepared, Some(progress)).await
    }));
    let outcome = match write.await {
        Ok(Ok(r)) => Ok(r),
        Ok(Err(AppError::Invalid(e))) => Err(e),
        Ok(Err(e)) => {
            tracing::error!(error = %e, "import job failed");
            Err(vec![FieldError::new("file", "import_failed")])
        }
        Err(e) => {
            tracing::error!(error = %e, "import job panicked");
            Err(vec![FieldError::new("file", "import_failed")])
        }
    };
    drop(permit);
    jobs.finish(&id, outcome);
}

/// A queued import: waits for its turn, then reads, checks and writes the file as
/// [`import_submit`] would have.
async fn queued_job(
    st: AppState,
    actor: jiguan_domain::auth::Actor,
    unit: UnitId,
    id: String,
    up: Upload,
) {
    let Some(permit) = st.jobs.wait_turn(&id).await else {
        return;
    };
    let opts = import_options(&up);
    let table = match read_table(up.bytes).await {
        Ok(t) => t,
        Err(e) => return st.jobs.finish(&id, Err(vec![e])),
    };
    let prepared = match st
        .app
        .prepare_roster_import(&actor, unit, &table, &opts)
        .await
    {
        Ok(p) => p,
        Err(AppError::Invalid(e)) => return st.jobs.finish(&id, Err(e)),
        Err(e) => {
            tracing::error!(error = %e, "queued import failed");
            return st
                .jobs
                .finish(&id, Err(vec![FieldError::new("file", "import_failed")]));
        }
    };
    drop(table);
    if prepared.pending() == 0 {
        drop(permit);
        return st.jobs.finish(&id, Ok(prepared.report));
    }
    st.jobs.progress(&id, 0, prepared.pending() as u64);
    write_job(st.app.clone(), st.jobs.clone(), id, prepared, permit).await;
}

pub async fn import_submit(At(st, ctx, u): At, req: Request) -> WebResult {
    multipart_only(&req)?;
    let up = match read_upload(&st, req).await {
        Ok(up) => up,
        Err(e) => return Ok(import_refused(&ctx, u, &[e], "all", "")),
    };
    // At most a few imports run at once; a further one waits in the queue, and its job
    // page shows its place.
    let Some(permit) = st.jobs.try_run() else {
        let job = st.jobs.enqueue(ImportJob::new(
            ctx.actor.district_id,
            u.id,
            ctx.actor.user_id,
            &up.mode,
            &up.exception_doc,
            0,
        ));
        tokio::spawn(queued_job(
            st.clone(),
            ctx.actor.clone(),
            u.id,
            job.clone(),
            up,
        ));
        return Ok(to(format!("/units/{}/people/import/jobs/{job}", u.id)));
    };
    let opts = import_options(&up);
    let table = match read_table(up.bytes).await {
        Ok(t) => t,
        Err(e) => return Ok(import_refused(&ctx, u, &[e], &up.mode, &up.exception_doc)),
    };
    let prepared = st
        .app
        .prepare_roster_import(&ctx.actor, u.id, &table, &opts);
    let prepared = match prepared.await.fields()? {
        Ok(p) => p,
        Err(e) => return Ok(import_refused(&ctx, u, &e, &up.mode, &up.exception_doc)),
    };
    drop(table);
    if prepared.pending() == 0 {
        // Refused, or nothing to change: the report is final.
        let report = Some(prepared.report);
        return Ok(import_page(
            &ctx,
            u,
            report,
            None,
            &up.mode,
            &up.exception_doc,
        ));
    }
    let job = st.jobs.start(ImportJob::new(
        ctx.actor.district_id,
        u.id,
        ctx.actor.user_id,
        &up.mode,
        &up.exception_doc,
        prepared.pending() as u64,
    ));
    tokio::spawn(write_job(
        st.app.clone(),
        st.jobs.clone(),
        job.clone(),
        prepared,
        permit,
    ));
    Ok(to(format!("/units/{}/people/import/jobs/{job}", u.id)))
}

#[derive(Template)]
#[template(path = "people_import_job.html")]
pub struct ImportJobPage {
    pub l: Layout,
    pub unit: Unit,
    pub job_id: String,
    pub job: ImportJob,
    /// The place in the queue while the job waits for its turn.
    pub position: Option<usize>,
}

/// The page of a running import: a progress bar that reloads itself every second (a
/// `Refresh` header and `<meta http-equiv="refresh">`, no script needed); once finished,
/// the same result as the import form shows.
pub async fn import_job(At(st, ctx, u): At, Path((_, job)): Path<(UnitId, String)>) -> WebResult {
    let j = st
        .jobs
        .get(&job, ctx.actor.district_id, u.id)
        .ok_or(AppError::NotFound)?;
    Ok(match j.outcome.clone() {
        Some(Ok(r)) => import_page(&ctx, u, Some(r), None, &j.mode, &j.exception_doc),
        Some(Err(e)) => import_refused(&ctx, u, &e, &j.mode, &j.exception_doc),
        None => {
            let p = ImportJobPage {
                l: layout(&ctx, &u, "people.import"),
                unit: u,
                position: st.jobs.position(&job),
                job_id: job,
                job: j,
            };
            let mut resp = page(&p);
            resp.headers_mut().insert(
                header::HeaderName::from_static("refresh"),
                header::HeaderValue::from_static("1"),
            );
            resp.headers_mut().insert(
                header::CACHE_CONTROL,
                header::HeaderValue::from_static("no-store"),
            );
            resp
        }
    })
}

fn xlsx(name: &str, bytes: Vec<u8>) -> Response {
    let disp = format!(
        "attachment; filename=\"{}.xlsx\"; filename*=UTF-8''{}.xlsx",
        "export",
        urlencode(name)
    );
    (
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (header::CONTENT_DISPOSITION, disp),
        ],
        bytes,
    )
        .into_response()
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// An Excel download of these sheets.
fn workbook(name: &str, sheets: &[Sheet]) -> WebResult {
    let bytes = jiguan_excel::write_workbook(sheets).map_err(excel_failed)?;
    Ok(xlsx(name, bytes))
}

fn excel_failed(e: jiguan_excel::ExcelError) -> WebError {
    AppError::Internal(e.to_string()).into()
}

/// The template's column help (Chinese, like the headers).
fn template_help(field: &str) -> &'static str {
    match field {
        "gender" | "birth_date" => "可留空：留空时按身份证号自动填写；填写时须与身份证号一致",
        "id_number" => "18 位公民身份号码（GB 11643），请以文本格式填写",
        "identity" => {
            "公务员、事业干部、劳动合同制工人、集体人员、借用人员、临时工、工勤人员、企业聘用人员"
        }
        "establishment" => "行政编制、事业编制、工勤编制、编外；须与身份相符",
        "body" => "本单位内设机构名称，可留空",
        "leader" => "是 / 否",
        "funding" => "财政全额拨款、财政差额拨款、自收自支；留空为财政全额拨款",
        "work_start" | "unit_join" | "probation_end" => "日期，如 2015-03-01",
        "basic_pay" | "allowances" | "social_insurance" | "housing_fund" => "元/年，最多两位小数",
        _ => "",
    }
}

/// The import template, with a drop-down on every list column (the district's 数据字典,
/// and 性别 / 班子成员).
pub async fn template(State(st): State<AppState>, ctx: Ctx) -> WebResult {
    use jiguan_domain::dict::DictKind;
    use jiguan_domain::people::template::COLUMNS;
    use jiguan_excel::import::ColumnList;
    let dict = st.app.dict_of(ctx.actor.district_id).await?;
    let cols: Vec<(&str, bool, &str, &str)> = COLUMNS
        .iter()
        .map(|c| {
            let help = match DictKind::ALL.iter().find(|k| k.field() == c.field) {
                Some(_) => "从下拉列表中选择（数据字典）",
                None => template_help(c.field),
            };
            (c.header, c.required, c.example, help)
        })
        .collect();
    let lists: Vec<ColumnList> = COLUMNS
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let values: Vec<String> = match c.field {
                "gender" => vec!["男".into(), "女".into()],
                "leader" => vec!["是".into(), "否".into()],
                f => DictKind::ALL
                    .iter()
                    .find(|k| k.field() == f)
                    .map(|k| dict.names(*k).into_iter().map(String::from).collect())?,
            };
            Some(ColumnList { column: i, values })
        })
        .collect();
    let bytes = jiguan_excel::import::template_xlsx(
        "花名册",
        "填写说明",
        &["列名", "必填", "示例", "说明"],
        &cols,
        &lists,
    )
    .map_err(excel_failed)?;
    Ok(xlsx("花名册导入模板", bytes))
}

pub async fn export_roster(At(st, ctx, u): At) -> WebResult {
    export_roster_of(&st, &ctx, Some(u.id)).await
}

pub async fn district_export_roster(State(st): State<AppState>, ctx: Ctx) -> WebResult {
    export_roster_of(&st, &ctx, None).await
}

async fn export_roster_of(st: &AppState, ctx: &Ctx, unit: Option<UnitId>) -> WebResult {
    let rows = st.app.export_people(&ctx.actor, unit).await?;
    workbook("花名册", &[roster_sheet(&ctx.tr, &rows)])
}

pub async fn export_establishment(At(st, ctx, u): At) -> WebResult {
    let e = st.app.unit_establishment(&ctx.actor, u.id).await?;
    workbook("编制使用情况表", &[establishment_sheet(&ctx.tr, &[e])])
}

pub async fn district_export_establishment(State(st): State<AppState>, ctx: Ctx) -> WebResult {
    let units = st.app.district_establishment(&ctx.actor).await?;
    workbook("编制使用情况表", &[establishment_sheet(&ctx.tr, &units)])
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::RosterParams;

    #[test]
    fn roster_params_read_the_list_part_and_the_filter() {
        let p: RosterParams = serde_urlencoded::from_str(
            "q=%E5%BC%A0&sort=name&desc=true&page=2&per_page=50&ok=saved&status=all&leader=1",
        )
        .unwrap();
        assert_eq!(p.list.q.as_deref(), Some("张"));
        assert_eq!(p.list.ok.as_deref(), Some("saved"));
        assert_eq!(p.status.as_deref(), Some("all"));
        assert_eq!(p.leader.as_deref(), Some("1"));
        let q = p.query().unwrap();
        assert_eq!(q.sort.as_deref(), Some("name"));
        assert!(q.desc);
        assert_eq!((q.page, q.per_page), (Some(2), Some(50)));
        let bad: RosterParams = serde_urlencoded::from_str("page=x").unwrap();
        assert_eq!(bad.query().unwrap_err().field, "page");
    }
}
