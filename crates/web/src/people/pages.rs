//! Establishment and people (编制与实名制): roster, person page, forms, moves, secondments,
//! establishment use, personnel cost, import and exports.

use askama::Template;
use axum::Extension;
use axum::extract::{FromRequest, Multipart, Path, Query, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use jiguan_app::AppError;
use jiguan_app::people::{
    BodyRef, ChangeForm, ChangeOpts, CostGroup, CostReport, ImportMode, ImportOptions,
    ImportReport, ImportTable, PeopleFilter, PersonPage, Progress, RosterRow, StatusFilter,
    UnitEstablishment,
};
use jiguan_app::ports::{ListQuery, Unit};
use jiguan_domain::FieldError;
use jiguan_domain::auth::Action;
use jiguan_domain::people::establishment::{KindUse, QuotaKind};
use jiguan_domain::people::{EstablishmentKind, Funding, Identity, PersonForm, Status};
use jiguan_domain::tenancy::UnitId;
use jiguan_excel::{Cell, Sheet};

use crate::AppState;
use crate::error::page_error;
use crate::guard::Ctx;
use crate::html::{FormErrors, Layout, ListParams, ListView, page, page_status};
use crate::i18n::Tr;
use crate::jobs::ImportJob;

/// Query parameters of the roster.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct RosterParams {
    pub q: Option<String>,
    pub sort: Option<String>,
    pub desc: Option<String>,
    pub page: Option<String>,
    pub per_page: Option<String>,
    pub ok: Option<String>,
    pub identity: Option<String>,
    pub establishment: Option<String>,
    pub status: Option<String>,
    pub on: Option<String>,
    pub leader: Option<String>,
}

impl RosterParams {
    pub fn query(&self) -> ListQuery {
        ListParams {
            q: self.q.clone(),
            sort: self.sort.clone(),
            desc: self.desc.clone(),
            page: self.page.clone(),
            per_page: self.per_page.clone(),
            ..ListParams::default()
        }
        .query_or_default()
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

fn base(unit: i64) -> String {
    format!("/units/{unit}/people")
}

/// A person id from the path; anything else is not found.
fn person_id(raw: &str) -> Result<i64, AppError> {
    raw.parse::<i64>().map_err(|_| AppError::NotFound)
}

async fn unit_of(st: &AppState, ctx: &Ctx, unit: i64) -> Result<Unit, AppError> {
    st.app.get_unit(&ctx.actor, UnitId(unit)).await
}

fn layout(ctx: &Ctx, u: &Unit, title_key: &str) -> Layout {
    Layout::new(ctx, title_key)
        .crumb(u.name.clone(), format!("/units/{}", u.id))
        .crumb(ctx.tr.t("people.roster"), base(u.id.0))
        .here()
}

/// The label of a coded value: `people.<what>.<code>`.
pub fn label(tr: &Tr, what: &str, code: &str) -> String {
    tr.t(&format!("people.{what}.{code}")).to_string()
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

impl RosterPage {
    pub fn lbl(&self, what: &str, code: &str) -> String {
        label(&self.l.tr, what, code)
    }
}

pub async fn roster(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(unit): Path<i64>,
    Query(p): Query<RosterParams>,
) -> Response {
    let u = match unit_of(&st, &ctx, unit).await {
        Ok(u) => u,
        Err(e) => return page_error(ctx.tr, e),
    };
    let q = p.query();
    let filter = p.filter();
    let dated = filter.on.is_some();
    match st
        .app
        .list_people(&ctx.actor, UnitId(unit), filter, &q)
        .await
    {
        Ok(pg) => {
            let list = ListView::new(&base(unit), p.pairs(), &q, &pg);
            let l = Layout::new(&ctx, "people.roster")
                .titled(format!("{} · {}", u.name, ctx.tr.t("people.roster")))
                .crumb(u.name.clone(), format!("/units/{unit}"))
                .here()
                .flash(p.ok.as_deref());
            page(&RosterPage {
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
            })
        }
        Err(e) => page_error(ctx.tr, e),
    }
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
}

impl FormPage {
    pub fn lbl(&self, what: &str, code: &str) -> String {
        label(&self.l.tr, what, code)
    }
}

/// The person form and its change options, from one urlencoded body.
#[derive(Debug, Default, Deserialize)]
pub struct PersonBody {
    #[serde(flatten)]
    pub f: PersonForm,
    #[serde(flatten)]
    pub o: ChangeOpts,
}

fn parse_body<T: Default + serde::de::DeserializeOwned>(body: &str) -> T {
    serde_urlencoded::from_str(body).unwrap_or_default()
}

#[allow(clippy::too_many_arguments)]
async fn form_page(
    st: &AppState,
    ctx: &Ctx,
    u: Unit,
    f: PersonForm,
    o: ChangeOpts,
    errs: &[FieldError],
    editing: Option<i64>,
) -> Response {
    let bodies = st
        .app
        .people_bodies(&ctx.actor, u.id)
        .await
        .unwrap_or_default();
    let (key, action) = match editing {
        Some(id) => ("people.edit", format!("{}/{id}/edit", base(u.id.0))),
        None => ("people.new", format!("{}/new", base(u.id.0))),
    };
    let l = layout(ctx, &u, key);
    let p = FormPage {
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
    if errs.is_empty() {
        page(&p)
    } else {
        page_status(StatusCode::UNPROCESSABLE_ENTITY, &p)
    }
}

pub async fn new_form(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(unit): Path<i64>,
) -> Response {
    let u = match unit_of(&st, &ctx, unit).await {
        Ok(u) => u,
        Err(e) => return page_error(ctx.tr, e),
    };
    let f = PersonForm {
        identity: Identity::CivilServant.code().into(),
        establishment: EstablishmentKind::Administrative.code().into(),
        funding: Funding::Full.code().into(),
        ..PersonForm::default()
    };
    form_page(&st, &ctx, u, f, ChangeOpts::default(), &[], None).await
}

pub async fn create(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(unit): Path<i64>,
    body: String,
) -> Response {
    let u = match unit_of(&st, &ctx, unit).await {
        Ok(u) => u,
        Err(e) => return page_error(ctx.tr, e),
    };
    let b: PersonBody = parse_body(&body);
    match st
        .app
        .create_person(&ctx.actor, UnitId(unit), &b.f, &b.o)
        .await
    {
        Ok(id) => Redirect::to(&format!("{}/{id}?ok=person_created", base(unit))).into_response(),
        Err(AppError::Invalid(e)) => form_page(&st, &ctx, u, b.f, b.o, &e, None).await,
        Err(e) => page_error(ctx.tr, e),
    }
}

pub async fn edit_form(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((unit, person)): Path<(i64, String)>,
) -> Response {
    let r = async {
        let id = person_id(&person)?;
        let u = unit_of(&st, &ctx, unit).await?;
        let f = st.app.person_form(&ctx.actor, UnitId(unit), id).await?;
        Ok::<_, AppError>((id, u, f))
    }
    .await;
    match r {
        Ok((id, u, f)) => form_page(&st, &ctx, u, f, ChangeOpts::default(), &[], Some(id)).await,
        Err(e) => page_error(ctx.tr, e),
    }
}

pub async fn update(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((unit, person)): Path<(i64, String)>,
    body: String,
) -> Response {
    let (id, u) = match async {
        let id = person_id(&person)?;
        Ok::<_, AppError>((id, unit_of(&st, &ctx, unit).await?))
    }
    .await
    {
        Ok(x) => x,
        Err(e) => return page_error(ctx.tr, e),
    };
    let b: PersonBody = parse_body(&body);
    match st
        .app
        .update_person(&ctx.actor, UnitId(unit), id, &b.f, &b.o)
        .await
    {
        Ok(()) => Redirect::to(&format!("{}/{id}?ok=saved", base(unit))).into_response(),
        Err(AppError::Invalid(e)) => form_page(&st, &ctx, u, b.f, b.o, &e, Some(id)).await,
        Err(e) => page_error(ctx.tr, e),
    }
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
}

impl ShowPage {
    pub fn lbl(&self, what: &str, code: &str) -> String {
        label(&self.l.tr, what, code)
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
    unit: i64,
    person: &str,
    ok: Option<&str>,
    errs: &[FieldError],
    c: ChangeForm,
) -> Response {
    let r = async {
        let id = person_id(person)?;
        let u = unit_of(st, ctx, unit).await?;
        let p = st.app.person_page(&ctx.actor, UnitId(unit), id).await?;
        Ok::<_, AppError>((u, p))
    }
    .await;
    let (u, p) = match r {
        Ok(x) => x,
        Err(e) => return page_error(ctx.tr, e),
    };
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
        .crumb(u.name.clone(), format!("/units/{unit}"))
        .crumb(ctx.tr.t("people.roster"), base(unit))
        .here()
        .flash(ok);
    let s = ShowPage {
        l,
        unit: u,
        p,
        bodies,
        others,
        settable: Status::SETTABLE.to_vec(),
        errs: FormErrors::new(ctx.tr, errs),
        c,
    };
    if errs.is_empty() {
        page(&s)
    } else {
        page_status(StatusCode::UNPROCESSABLE_ENTITY, &s)
    }
}

pub async fn show(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((unit, person)): Path<(i64, String)>,
    Query(q): Query<ListParams>,
) -> Response {
    show_page(
        &st,
        &ctx,
        unit,
        &person,
        q.ok.as_deref(),
        &[],
        ChangeForm::default(),
    )
    .await
}

pub async fn change(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((unit, person)): Path<(i64, String)>,
    body: String,
) -> Response {
    let id = match person_id(&person) {
        Ok(i) => i,
        Err(e) => return page_error(ctx.tr, e),
    };
    let c: ChangeForm = parse_body(&body);
    match st.app.change_person(&ctx.actor, UnitId(unit), id, &c).await {
        Ok(()) => Redirect::to(&format!("{}/{id}?ok=person_changed", base(unit))).into_response(),
        Err(AppError::Invalid(e)) => show_page(&st, &ctx, unit, &person, None, &e, c).await,
        Err(e) => page_error(ctx.tr, e),
    }
}

/// POST `/units/{unit}/people/bulk`: one change for the ticked people.
pub async fn bulk(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(unit): Path<i64>,
    body: String,
) -> Response {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(&body).unwrap_or_default();
    let ids: Vec<i64> = pairs
        .iter()
        .filter(|(k, _)| k == "ids")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    let c: ChangeForm = parse_body(&body);
    match st.app.bulk_change(&ctx.actor, UnitId(unit), &ids, &c).await {
        Ok(_) => Redirect::to(&format!("{}?ok=bulk_done", base(unit))).into_response(),
        Err(e) => page_error(ctx.tr, e),
    }
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
    pub fn lbl(&self, what: &str, code: &str) -> String {
        label(&self.l.tr, what, code)
    }
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
    unit: i64,
    ok: Option<&str>,
    errs: &[FieldError],
) -> Response {
    let e = match st.app.unit_establishment(&ctx.actor, UnitId(unit)).await {
        Ok(e) => e,
        Err(e) => return page_error(ctx.tr, e),
    };
    let l = layout(ctx, &e.unit, "people.establishment")
        .titled(format!(
            "{} · {}",
            e.unit.name,
            ctx.tr.t("people.establishment")
        ))
        .flash(ok);
    let p = EstablishmentPage {
        l,
        e,
        can_set: ctx.actor.can(Action::EstablishmentSet),
        errs: FormErrors::new(ctx.tr, errs),
        quota_kinds: QuotaKind::ALL,
    };
    if errs.is_empty() {
        page(&p)
    } else {
        page_status(StatusCode::UNPROCESSABLE_ENTITY, &p)
    }
}

pub async fn establishment(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(unit): Path<i64>,
    Query(q): Query<ListParams>,
) -> Response {
    establishment_page(&st, &ctx, unit, q.ok.as_deref(), &[]).await
}

pub async fn set_establishment(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(unit): Path<i64>,
    body: String,
) -> Response {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(&body).unwrap_or_default();
    match st.app.set_quotas(&ctx.actor, UnitId(unit), &pairs).await {
        Ok(()) => Redirect::to(&format!("{}/establishment?ok=saved", base(unit))).into_response(),
        Err(AppError::Invalid(e)) => establishment_page(&st, &ctx, unit, None, &e).await,
        Err(e) => page_error(ctx.tr, e),
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

pub async fn district(State(st): State<AppState>, Extension(ctx): Extension<Ctx>) -> Response {
    match st.app.district_establishment(&ctx.actor).await {
        Ok(units) => {
            let l = Layout::new(&ctx, "people.district").here();
            page(&DistrictPage { l, units })
        }
        Err(e) => page_error(ctx.tr, e),
    }
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

async fn cost_page(st: &AppState, ctx: &Ctx, unit: Option<i64>, p: &CostParams) -> Response {
    let (a, b) = cost_dates(&st.app, p);
    let group = p
        .group
        .as_deref()
        .and_then(CostGroup::from_code)
        .unwrap_or(CostGroup::Identity);
    let r = st
        .app
        .cost_report(&ctx.actor, unit.map(UnitId), a, b, group)
        .await;
    let r = match r {
        Ok(r) => r,
        Err(e) => return page_error(ctx.tr, e),
    };
    let (l, action) = match unit {
        Some(u) => match unit_of(st, ctx, u).await {
            Ok(un) => (
                layout(ctx, &un, "people.cost").titled(format!(
                    "{} · {}",
                    un.name,
                    ctx.tr.t("people.cost")
                )),
                format!("{}/cost", base(u)),
            ),
            Err(e) => return page_error(ctx.tr, e),
        },
        None => (
            Layout::new(ctx, "people.cost")
                .crumb(ctx.tr.t("people.district"), "/people")
                .here(),
            "/people/cost".to_string(),
        ),
    };
    page(&CostPage {
        l,
        r,
        action,
        groups: CostGroup::ALL,
    })
}

pub async fn cost(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(unit): Path<i64>,
    Query(p): Query<CostParams>,
) -> Response {
    cost_page(&st, &ctx, Some(unit), &p).await
}

pub async fn district_cost(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(p): Query<CostParams>,
) -> Response {
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
    if bad {
        page_status(StatusCode::UNPROCESSABLE_ENTITY, &p)
    } else {
        page(&p)
    }
}

pub async fn import_form(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(unit): Path<i64>,
) -> Response {
    match unit_of(&st, &ctx, unit).await {
        Ok(u) => import_page(&ctx, u, None, None, "all", ""),
        Err(e) => page_error(ctx.tr, e),
    }
}

/// The uploaded file and options of the import form.
struct Upload {
    name: String,
    bytes: Vec<u8>,
    mode: String,
    exception_doc: String,
}

async fn read_upload(st: &AppState, req: Request) -> Result<Upload, FieldError> {
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("multipart/form-data"));
    let none = || FieldError::new("file", "required");
    if !multipart {
        return Err(none());
    }
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

pub async fn import_submit(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(unit): Path<i64>,
    req: Request,
) -> Response {
    let u = match unit_of(&st, &ctx, unit).await {
        Ok(u) => u,
        Err(e) => return page_error(ctx.tr, e),
    };
    let up = match read_upload(&st, req).await {
        Ok(up) => up,
        Err(e) => return import_page(&ctx, u, None, Some(ctx.tr.error(&e)), "all", ""),
    };
    let table = match read_table(up.bytes).await {
        Ok(t) => t,
        Err(e) => {
            return import_page(
                &ctx,
                u,
                None,
                Some(ctx.tr.error(&e)),
                &up.mode,
                &up.exception_doc,
            );
        }
    };
    let opts = ImportOptions {
        mode: if up.mode == "valid" {
            ImportMode::ValidOnly
        } else {
            ImportMode::AllOrNothing
        },
        exception_doc: up.exception_doc.clone(),
        on: None,
        file_name: up.name,
    };
    let prepared = match st
        .app
        .prepare_roster_import(&ctx.actor, UnitId(unit), &table, &opts)
        .await
    {
        Ok(p) => p,
        Err(AppError::Invalid(e)) => {
            let msg = e
                .iter()
                .map(|x| ctx.tr.error(x))
                .collect::<Vec<_>>()
                .join("；");
            return import_page(&ctx, u, None, Some(msg), &up.mode, &up.exception_doc);
        }
        Err(e) => return page_error(ctx.tr, e),
    };
    if prepared.pending() == 0 {
        // Refused, or nothing to change: the report is final.
        return import_page(
            &ctx,
            u,
            Some(prepared.report),
            None,
            &up.mode,
            &up.exception_doc,
        );
    }
    let job = st.jobs.start(ImportJob::new(
        ctx.actor.district_id,
        UnitId(unit),
        ctx.actor.user_id,
        &up.mode,
        &up.exception_doc,
        prepared.pending() as u64,
    ));
    let (app, jobs, id) = (st.app.clone(), st.jobs.clone(), job.clone());
    tokio::spawn(async move {
        let (jobs2, id2) = (jobs.clone(), id.clone());
        let progress: Progress =
            std::sync::Arc::new(move |done, total| jobs2.progress(&id2, done, total));
        let write =
            tokio::spawn(async move { app.write_roster_import(prepared, Some(progress)).await });
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
        jobs.finish(&id, outcome);
    });
    Redirect::to(&format!("/units/{unit}/people/import/jobs/{job}")).into_response()
}

#[derive(Template)]
#[template(path = "people_import_job.html")]
pub struct ImportJobPage {
    pub l: Layout,
    pub unit: Unit,
    pub job_id: String,
    pub job: ImportJob,
}

/// The page of a running import: a progress bar that reloads itself every second (a
/// `Refresh` header and `<meta http-equiv="refresh">`, no script needed); once finished,
/// the same result as the import form shows.
pub async fn import_job(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((unit, job)): Path<(i64, String)>,
) -> Response {
    let u = match unit_of(&st, &ctx, unit).await {
        Ok(u) => u,
        Err(e) => return page_error(ctx.tr, e),
    };
    let Some(j) = st.jobs.get(&job, ctx.actor.district_id, UnitId(unit)) else {
        return page_error(ctx.tr, AppError::NotFound);
    };
    match j.outcome.clone() {
        Some(Ok(r)) => import_page(&ctx, u, Some(r), None, &j.mode, &j.exception_doc),
        Some(Err(e)) => {
            let msg = e
                .iter()
                .map(|x| ctx.tr.error(x))
                .collect::<Vec<_>>()
                .join("；");
            import_page(&ctx, u, None, Some(msg), &j.mode, &j.exception_doc)
        }
        None => {
            let p = ImportJobPage {
                l: layout(&ctx, &u, "people.import"),
                unit: u,
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
    }
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

fn excel_failed(ctx: &Ctx, e: jiguan_excel::ExcelError) -> Response {
    page_error(ctx.tr, AppError::Internal(e.to_string()))
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
        "work_start" | "unit_join" => "日期，如 2015-03-01",
        "basic_pay" | "allowances" | "social_insurance" | "housing_fund" => "元/年，最多两位小数",
        _ => "",
    }
}

pub async fn template(Extension(ctx): Extension<Ctx>) -> Response {
    use jiguan_domain::people::template::COLUMNS;
    let cols: Vec<(&str, bool, &str, &str)> = COLUMNS
        .iter()
        .map(|c| (c.header, c.required, c.example, template_help(c.field)))
        .collect();
    match jiguan_excel::import::template_xlsx(
        "花名册",
        "填写说明",
        &["列名", "必填", "示例", "说明"],
        &cols,
    ) {
        Ok(b) => xlsx("花名册导入模板", b),
        Err(e) => excel_failed(&ctx, e),
    }
}

/// The roster sheet (花名册).
pub fn roster_sheet(rows: &[(RosterRow, String)]) -> Sheet {
    let mut headers = vec!["单位".to_string()];
    headers.extend(
        jiguan_domain::people::template::COLUMNS
            .iter()
            .map(|c| c.header.to_string()),
    );
    headers.push("合计（元/年）".into());
    headers.push("状态".into());
    let d = |x: Option<chrono::NaiveDate>| x.map(Cell::Date).unwrap_or(Cell::Empty);
    let out = rows
        .iter()
        .map(|(r, unit)| {
            let p = &r.person;
            vec![
                Cell::from(unit.as_str()),
                p.name.as_str().into(),
                if p.gender == "male" { "男" } else { "女" }.into(),
                r.id_shown.as_str().into(),
                Cell::Date(p.birth_date),
                p.ethnicity.as_str().into(),
                p.party.as_str().into(),
                p.education.as_str().into(),
                d(p.work_start),
                d(p.unit_join),
                p.identity.zh().into(),
                p.establishment.zh().into(),
                r.body_name.clone().unwrap_or_default().into(),
                p.post.as_str().into(),
                p.rank.as_str().into(),
                if p.leader { "是" } else { "否" }.into(),
                p.leader_role.as_str().into(),
                p.phone.as_str().into(),
                p.funding.zh().into(),
                Cell::Money(p.cost.basic_pay),
                Cell::Money(p.cost.allowances),
                Cell::Money(p.cost.social_insurance),
                Cell::Money(p.cost.housing_fund),
                Cell::Money(p.cost.total()),
                r.status_here.zh().into(),
            ]
        })
        .collect();
    Sheet {
        name: "花名册".into(),
        headers,
        rows: out,
    }
}

/// The establishment-use sheet (编制使用情况表).
pub fn establishment_sheet(units: &[UnitEstablishment]) -> Sheet {
    let mut headers = vec!["单位".to_string()];
    for k in ["行政编制", "事业编制", "工勤编制"] {
        for c in ["核定", "实有", "空编", "超编"] {
            headers.push(format!("{k}{c}"));
        }
    }
    headers
        .extend(["领导职数核定", "领导职数实有", "编外人员", "超编例外（条）"].map(String::from));
    let mut rows = Vec::new();
    let mut tot = [0i64; 16];
    for e in units {
        let mut row = vec![Cell::from(e.unit.name.as_str())];
        let mut nums = Vec::new();
        for k in [
            QuotaKind::Administrative,
            QuotaKind::Institution,
            QuotaKind::Service,
        ] {
            let u = e
                .uses
                .iter()
                .find(|u| u.kind == k)
                .copied()
                .unwrap_or(KindUse {
                    kind: k,
                    approved: 0,
                    occupied: 0,
                });
            nums.extend([u.approved, u.occupied, u.vacancy(), u.over()]);
        }
        let lead = e
            .uses
            .iter()
            .find(|u| u.kind == QuotaKind::Leadership)
            .map(|u| (u.approved, u.occupied))
            .unwrap_or((0, 0));
        nums.extend([
            lead.0,
            lead.1,
            e.off_establishment,
            e.exceptions.len() as i64,
        ]);
        for (i, n) in nums.iter().enumerate() {
            if let Some(t) = tot.get_mut(i) {
                *t += n;
            }
            row.push(Cell::Int(*n));
        }
        rows.push(row);
    }
    if units.len() > 1 {
        let mut row = vec![Cell::from("合计")];
        row.extend(tot.iter().map(|n| Cell::Int(*n)));
        rows.push(row);
    }
    Sheet {
        name: "编制使用情况表".into(),
        headers,
        rows,
    }
}

pub async fn export_roster(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(unit): Path<i64>,
) -> Response {
    export_roster_of(&st, &ctx, Some(unit)).await
}

pub async fn district_export_roster(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
) -> Response {
    export_roster_of(&st, &ctx, None).await
}

async fn export_roster_of(st: &AppState, ctx: &Ctx, unit: Option<i64>) -> Response {
    match st.app.export_people(&ctx.actor, unit.map(UnitId)).await {
        Ok(rows) => match jiguan_excel::write_workbook(&[roster_sheet(&rows)]) {
            Ok(b) => xlsx("花名册", b),
            Err(e) => excel_failed(ctx, e),
        },
        Err(e) => page_error(ctx.tr, e),
    }
}

pub async fn export_establishment(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(unit): Path<i64>,
) -> Response {
    match st.app.unit_establishment(&ctx.actor, UnitId(unit)).await {
        Ok(e) => match jiguan_excel::write_workbook(&[establishment_sheet(&[e])]) {
            Ok(b) => xlsx("编制使用情况表", b),
            Err(e) => excel_failed(&ctx, e),
        },
        Err(e) => page_error(ctx.tr, e),
    }
}

pub async fn district_export_establishment(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
) -> Response {
    match st.app.district_establishment(&ctx.actor).await {
        Ok(units) => match jiguan_excel::write_workbook(&[establishment_sheet(&units)]) {
            Ok(b) => xlsx("编制使用情况表", b),
            Err(e) => excel_failed(&ctx, e),
        },
        Err(e) => page_error(ctx.tr, e),
    }
}
