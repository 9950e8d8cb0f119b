//! The end of competitive selection (issue 13 points 6–8): from a campaign to the
//! committee's secret ballot, the decision per post, the publicity (任前公示) with its
//! objections and printed notice, the appointment (任职), the terms and probations, a
//! re-run for vacant posts, the printed registration form and the Excel export. Pages
//! here, JSON API in `decision_api.rs`. A web module of its own (`selection_decision`).

use askama::Template;
use axum::extract::{FromRequestParts, State};
use axum::http::Method;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use utoipa::OpenApi;

use jiguan_app::AppError;
use jiguan_app::ports::Unit;
use jiguan_app::selection::appointment::{AppointForm, ObjectionForm, ResolveForm, TermRow};
use jiguan_app::selection::decision::{
    DecisionMeetingForm, DecisionsView, Outcome, Proposal, PublicityNotice,
};
use jiguan_domain::FieldError;
use jiguan_domain::auth::Action;
use jiguan_excel::{Cell, Sheet};

use crate::AppState;
use crate::error::{FieldErrors, WebError, WebResult};
use crate::extract::{FormPairs, InUnit, Path, Query};
use crate::guard::{Access, Ctx};
use crate::html::{FormErrors, Layout, XLSX, attachment, form_status, page};
use crate::i18n::Tr;
use crate::module::{MenuEntry, WebModule};
use crate::routes::{RouteSpec, r};

use super::campaign::{FormPage, InCampaign, OkQuery, after_write};
use super::campaign_apply::InApplication;
use super::decision_api as api;

pub const MODULE: WebModule = WebModule {
    id: "selection_decision",
    menu: &[MenuEntry::unit(
        "menu.terms",
        "/selection/terms",
        Action::SelectionView,
    )],
    locales: crate::locales!("selection_decision"),
    routes,
    openapi: api::Doc::openapi,
};

/// A candidate of a campaign: the campaign extractor plus the candidate id.
pub struct InCandidate {
    pub c: InCampaign,
    pub id: i64,
}

#[derive(Deserialize)]
struct CandidateParam {
    candidate: i64,
}

impl<S: Send + Sync> FromRequestParts<S> for InCandidate {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let c = InCampaign::from_request_parts(parts, state).await?;
        let Path(CandidateParam { candidate }) = Path::from_request_parts(parts, state).await?;
        Ok(InCandidate { c, id: candidate })
    }
}

/// An objection of a campaign.
pub struct InObjection {
    pub c: InCampaign,
    pub id: i64,
}

#[derive(Deserialize)]
struct ObjectionParam {
    objection: i64,
}

impl<S: Send + Sync> FromRequestParts<S> for InObjection {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let c = InCampaign::from_request_parts(parts, state).await?;
        let Path(ObjectionParam { objection }) = Path::from_request_parts(parts, state).await?;
        Ok(InObjection { c, id: objection })
    }
}

fn routes() -> Vec<RouteSpec> {
    use Access::Signed;
    use Action::*;
    vec![
        r(
            Method::GET,
            "/units/{unit}/selection/campaigns/{campaign}/decisions",
            Signed(SelectionView),
            show,
        ),
        r(
            Method::POST,
            "/units/{unit}/selection/campaigns/{campaign}/decisions/meeting",
            Signed(SelectionManage),
            create_meeting,
        ),
        r(
            Method::POST,
            "/units/{unit}/selection/campaigns/{campaign}/decisions/publicity",
            Signed(SelectionManage),
            publicity,
        ),
        r(
            Method::POST,
            "/units/{unit}/selection/campaigns/{campaign}/decisions/{candidate}/objections",
            Signed(SelectionManage),
            object,
        ),
        r(
            Method::POST,
            "/units/{unit}/selection/campaigns/{campaign}/objections/{objection}/resolve",
            Signed(SelectionManage),
            resolve,
        ),
        r(
            Method::POST,
            "/units/{unit}/selection/campaigns/{campaign}/decisions/{candidate}/appoint",
            Signed(SelectionManage),
            appoint,
        ),
        r(
            Method::POST,
            "/units/{unit}/selection/campaigns/{campaign}/rerun",
            Signed(SelectionManage),
            rerun,
        ),
        r(
            Method::GET,
            "/units/{unit}/selection/campaigns/{campaign}/publicity/print",
            Signed(SelectionView),
            publicity_print,
        ),
        r(
            Method::GET,
            "/units/{unit}/selection/campaigns/{campaign}/applications/{application}/print",
            Signed(SelectionView),
            application_print,
        ),
        r(
            Method::GET,
            "/units/{unit}/selection/campaigns/{campaign}/decisions/export",
            Signed(SelectionView),
            export,
        ),
        r(
            Method::GET,
            "/units/{unit}/selection/terms",
            Signed(SelectionView),
            terms,
        ),
        r(
            Method::GET,
            "/api/v1/units/{unit}/selection/campaigns/{campaign}/decisions",
            Signed(SelectionView),
            api::get,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/selection/campaigns/{campaign}/decisions/meeting",
            Signed(SelectionManage),
            api::create_meeting,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/selection/campaigns/{campaign}/decisions/publicity",
            Signed(SelectionManage),
            api::publicity,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/selection/campaigns/{campaign}/decisions/{candidate}/objections",
            Signed(SelectionManage),
            api::object,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/selection/campaigns/{campaign}/objections/{objection}/resolve",
            Signed(SelectionManage),
            api::resolve,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/selection/campaigns/{campaign}/decisions/{candidate}/appoint",
            Signed(SelectionManage),
            api::appoint,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/selection/campaigns/{campaign}/rerun",
            Signed(SelectionManage),
            api::rerun,
        ),
        r(
            Method::GET,
            "/api/v1/units/{unit}/selection/terms",
            Signed(SelectionView),
            api::terms,
        ),
    ]
}

// ---------------------------------------------------------------- the decisions page

pub struct PoolRow {
    /// `<body>:<level>:<person>`.
    pub value: String,
    pub name: String,
}

pub struct PostRow {
    pub label: String,
    pub seats: u32,
    pub elected: u32,
    pub vacant: u32,
    pub has_post: bool,
    pub pool: Vec<PoolRow>,
    /// Every seat decided (elected): the post shows its outcome, no proposal rows.
    pub filled: bool,
    /// The elected candidates of the post ("张三（通过）").
    pub decided: Vec<String>,
}

pub struct ObjectionRow {
    pub id: i64,
    pub received_on: String,
    pub content: String,
    pub outcome: String,
    pub open: bool,
    pub resolution: String,
}

pub struct CandRow {
    pub id: i64,
    pub name: String,
    pub post: String,
    pub meeting_id: i64,
    pub meeting: String,
    pub item_no: i64,
    pub outcome: String,
    pub outcome_code: &'static str,
    pub decided_on: String,
    pub closed: bool,
    pub digest: String,
    pub publicity: String,
    pub earliest: String,
    pub in_publicity: bool,
    pub objections: Vec<ObjectionRow>,
    pub publicity_outcome: String,
    pub appointed: String,
    pub probation_end: String,
    pub term_end: String,
    pub can_appoint: bool,
}

#[derive(Template)]
#[template(path = "sel_decisions.html")]
pub struct DecisionsPage {
    pub l: Layout,
    pub u: Unit,
    pub id: i64,
    pub title: String,
    pub version: i64,
    pub published: bool,
    pub can_manage: bool,
    pub posts: Vec<PostRow>,
    pub rows: Vec<CandRow>,
    pub meeting_title: String,
    pub today: String,
    pub to_publicise: usize,
    pub vacant: u32,
    pub any_publicity: bool,
    pub errs: FormErrors,
}

fn date(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

fn decisions_page(
    st: &AppState,
    ctx: &Ctx,
    u: Unit,
    v: DecisionsView,
    errs: FormErrors,
    ok: Option<&str>,
) -> WebResult {
    let tr = ctx.tr;
    let c = &v.campaign;
    let posts = v
        .posts
        .iter()
        .map(|p| PostRow {
            label: super::post_label(tr, &p.label, p.post.level),
            seats: p.seats,
            elected: p.elected,
            vacant: p.vacant,
            has_post: p.post_id.is_some(),
            filled: p.seats > 0 && p.elected >= p.seats,
            decided: v
                .candidates
                .iter()
                .filter(|x| x.candidate.post == p.post && x.outcome == Outcome::Elected)
                .map(|x| format!("{}（{}）", x.name, tr.t(&x.outcome.label_key())))
                .collect(),
            pool: p
                .pool
                .iter()
                .map(|(_, pid, name)| PoolRow {
                    value: format!("{}:{}:{pid}", p.post.body_id.0, p.post.level.code()),
                    name: name.clone(),
                })
                .collect(),
        })
        .collect();
    let rows: Vec<CandRow> = v
        .candidates
        .iter()
        .map(|x| {
            let k = &x.candidate;
            CandRow {
                id: k.id,
                name: x.name.clone(),
                post: x.post_label.clone(),
                meeting_id: k.meeting_id.0,
                meeting: x.meeting_title.clone(),
                item_no: k.item_no,
                outcome: tr.t(&x.outcome.label_key()).to_string(),
                outcome_code: x.outcome.code(),
                decided_on: date(x.decided_on),
                closed: x.outcome != Outcome::Pending,
                digest: x.digest.chars().take(16).collect(),
                publicity: match (k.publicity_start, k.publicity_last) {
                    (Some(a), Some(b)) => format!("{a} — {b}"),
                    _ => String::new(),
                },
                earliest: date(k.earliest_appointment),
                in_publicity: k.publicity_start.is_some() && k.appointed_on.is_none(),
                objections: x
                    .objections
                    .iter()
                    .map(|o| ObjectionRow {
                        id: o.id,
                        received_on: o.received_on.to_string(),
                        content: o.content.clone(),
                        outcome: o
                            .outcome
                            .map(|o| tr.t(&o.label_key()).to_string())
                            .unwrap_or_else(|| tr.t("dec.objection_open").to_string()),
                        open: o.outcome.is_none(),
                        resolution: o.resolution.clone(),
                    })
                    .collect(),
                publicity_outcome: x
                    .publicity_outcome
                    .map(|o| tr.t(&o.label_key()).to_string())
                    .unwrap_or_default(),
                appointed: date(k.appointed_on),
                probation_end: date(k.probation_end),
                term_end: date(k.term_end),
                can_appoint: x.outcome == Outcome::Elected
                    && k.publicity_start.is_some()
                    && k.appointed_on.is_none(),
            }
        })
        .collect();
    let to_publicise = v
        .candidates
        .iter()
        .filter(|x| x.outcome == Outcome::Elected && x.candidate.publicity_start.is_none())
        .count();
    let l = super::campaign::campaign_crumbs(Layout::new(ctx, "dec.title"), ctx, &u, c).flash(ok);
    let p = DecisionsPage {
        l,
        id: c.id.0,
        title: c.title.clone(),
        version: c.version,
        published: c.status == jiguan_domain::workflow::Status::Applied,
        can_manage: ctx.actor.can(Action::SelectionManage),
        posts,
        any_publicity: rows.iter().any(|r| !r.publicity.is_empty()),
        rows,
        meeting_title: format!("{} 党委会票决", c.title),
        today: st.app.sel_today().to_string(),
        to_publicise,
        vacant: v.posts.iter().map(|p| p.vacant).sum(),
        errs,
        u,
    };
    Ok(form_status(&p.errs, &p))
}

pub async fn show(
    State(st): State<AppState>,
    c: InCampaign,
    Query(q): Query<OkQuery>,
) -> WebResult {
    let v = st.app.dec_view(&c.ctx.actor, c.u.id, c.id).await?;
    decisions_page(&st, &c.ctx, c.u, v, FormErrors::default(), q.ok.as_deref())
}

/// Field paths of the use cases (`proposals[2].person_id`) on the page's fields.
fn on_fields(errs: Vec<FieldError>) -> Vec<FieldError> {
    errs.into_iter()
        .map(|mut e| {
            if e.field.starts_with("proposals") {
                e.field = "proposals".into();
            }
            e
        })
        .collect()
}

/// The decisions page of the campaign.
struct Decisions;

impl FormPage for Decisions {
    const TAIL: &'static str = "/decisions";

    async fn again(st: &AppState, c: InCampaign, errs: Vec<FieldError>) -> WebResult {
        let v = st.app.dec_view(&c.ctx.actor, c.u.id, c.id).await?;
        let errs = FormErrors::new(c.ctx.tr, &on_fields(errs));
        decisions_page(st, &c.ctx, c.u, v, errs, None)
    }
}

/// The page's proposals: checkboxes `proposal` = `<body>:<level>:<person>`.
fn meeting_form(f: &FormPairs) -> DecisionMeetingForm {
    DecisionMeetingForm {
        title: f.get("title").to_string(),
        held_on: f.get("held_on").to_string(),
        proposals: f
            .all("proposal")
            .iter()
            .map(|v| {
                let (post, person) = v.rsplit_once(':').unwrap_or((v.as_str(), ""));
                Proposal {
                    post: post.to_string(),
                    person_id: person.to_string(),
                }
            })
            .collect(),
    }
}

pub async fn create_meeting(State(st): State<AppState>, c: InCampaign, f: FormPairs) -> WebResult {
    let form = meeting_form(&f);
    match st
        .app
        .dec_create_meeting(&c.ctx.actor, c.u.id, c.id, &form)
        .await
        .fields()?
    {
        Ok(m) => Ok(Redirect::to(&format!(
            "/units/{}/selection/meetings/{m}?ok=meeting_created",
            c.u.id
        ))
        .into_response()),
        Err(errs) => after_write::<Decisions>(&st, c, Err::<(), _>(errs), "").await,
    }
}

pub async fn publicity(State(st): State<AppState>, c: InCampaign, f: FormPairs) -> WebResult {
    let r = st
        .app
        .dec_start_publicity(&c.ctx.actor, c.u.id, c.id, f.get("publicity_start"))
        .await
        .fields()?;
    after_write::<Decisions>(&st, c, r, "publicity_started").await
}

pub async fn object(State(st): State<AppState>, x: InCandidate, f: FormPairs) -> WebResult {
    let form: ObjectionForm = f.decode(&[])?;
    let r = st
        .app
        .dec_add_objection(&x.c.ctx.actor, x.c.u.id, x.c.id, x.id, &form)
        .await
        .fields()?;
    after_write::<Decisions>(&st, x.c, r, "objection_recorded").await
}

pub async fn resolve(State(st): State<AppState>, x: InObjection, f: FormPairs) -> WebResult {
    let form: ResolveForm = f.decode(&[])?;
    let r = st
        .app
        .dec_resolve_objection(&x.c.ctx.actor, x.c.u.id, x.c.id, x.id, &form)
        .await
        .fields()?;
    after_write::<Decisions>(&st, x.c, r, "objection_resolved").await
}

pub async fn appoint(State(st): State<AppState>, x: InCandidate, f: FormPairs) -> WebResult {
    let form: AppointForm = f.decode(&[])?;
    let r = st
        .app
        .dec_appoint(&x.c.ctx.actor, x.c.u.id, x.c.id, x.id, &form)
        .await
        .fields()?;
    after_write::<Decisions>(&st, x.c, r, "appointed").await
}

pub async fn rerun(State(st): State<AppState>, c: InCampaign, _f: FormPairs) -> WebResult {
    match st
        .app
        .dec_rerun(&c.ctx.actor, c.u.id, c.id)
        .await
        .fields()?
    {
        Ok(id) => Ok(Redirect::to(&format!(
            "/units/{}/selection/campaigns/{id}?ok=campaign_created",
            c.u.id
        ))
        .into_response()),
        Err(errs) => after_write::<Decisions>(&st, c, Err::<(), _>(errs), "").await,
    }
}

// ---------------------------------------------------------------- print views

pub struct NoticeRow {
    pub name: String,
    pub gender: String,
    pub birth: String,
    pub party: String,
    pub education: String,
    pub current: String,
    pub proposed: String,
}

#[derive(Template)]
#[template(path = "sel_publicity_print.html")]
pub struct PublicityPrint {
    pub l: Layout,
    pub u: Unit,
    pub id: i64,
    pub title: String,
    pub rows: Vec<NoticeRow>,
    pub lead: String,
    pub period: String,
    pub today: String,
}

fn gender(tr: Tr, g: &str) -> String {
    match g {
        "male" => tr.t("dec.male").to_string(),
        "female" => tr.t("dec.female").to_string(),
        other => other.to_string(),
    }
}

fn notice_rows(tr: Tr, n: &PublicityNotice) -> Vec<NoticeRow> {
    n.rows
        .iter()
        .map(|(c, p)| NoticeRow {
            name: p.name.clone(),
            gender: gender(tr, &p.gender),
            birth: p.birth_date.format("%Y.%m").to_string(),
            party: p.party.clone(),
            education: p.education.clone(),
            current: p.post.clone(),
            proposed: c.post_label.clone(),
        })
        .collect()
}

pub async fn publicity_print(State(st): State<AppState>, c: InCampaign) -> WebResult {
    let n = st
        .app
        .dec_publicity_notice(&c.ctx.actor, c.u.id, c.id)
        .await?;
    if n.rows.is_empty() {
        return Err(AppError::field("candidates", "selection_publicity_not_started").into());
    }
    let l = Layout::new(&c.ctx, "dec.notice_title")
        .crumb(
            c.ctx.tr.t("dec.title"),
            format!("/units/{}/selection/campaigns/{}/decisions", c.u.id, c.id),
        )
        .here();
    let tr = c.ctx.tr;
    let arg = |k: &str, v: String| (k.to_string(), v);
    Ok(page(&PublicityPrint {
        l,
        id: c.id.0,
        title: n.campaign.title.clone(),
        rows: notice_rows(tr, &n),
        lead: tr.f(
            "dec.notice_lead",
            &[
                arg("unit", c.u.name.clone()),
                arg("title", n.campaign.title.clone()),
            ],
        ),
        period: tr.f(
            "dec.notice_period",
            &[
                arg("start", date(n.start)),
                arg("last", date(n.last)),
                arg("days", n.campaign.plan.publicity_workdays.to_string()),
            ],
        ),
        // The notice is dated the day it is posted: the publicity's first day.
        today: n
            .start
            .map_or_else(|| st.app.sel_today().to_string(), |d| d.to_string()),
        u: c.u,
    }))
}

#[derive(Template)]
#[template(path = "sel_application_print.html")]
pub struct ApplicationPrint {
    pub l: Layout,
    pub u: Unit,
    pub id: i64,
    pub title: String,
    pub version: i64,
    /// (label, value) of the person's record.
    pub facts: Vec<(String, String)>,
    /// (priority, post, result of the check).
    pub choices: Vec<(usize, String, String)>,
    pub obey: String,
    pub nomination: String,
    pub status: String,
}

pub async fn application_print(State(st): State<AppState>, a: InApplication) -> WebResult {
    let c = &a.c;
    let (camp, app, p) = st
        .app
        .dec_application_sheet(&c.ctx.actor, c.u.id, c.id, a.id)
        .await?;
    let tr = c.ctx.tr;
    let t = |k: &str| tr.t(k).to_string();
    let facts = vec![
        (t("dec.col.name"), p.name.clone()),
        (t("dec.col.gender"), gender(tr, &p.gender)),
        (t("dec.col.birth"), p.birth_date.format("%Y.%m").to_string()),
        (t("dec.col.party"), p.party.clone()),
        (t("dec.col.education"), p.education.clone()),
        (
            t("dec.col.work_start"),
            p.work_start.map(|d| d.to_string()).unwrap_or_default(),
        ),
        (t("dec.col.identity"), t(&p.identity.label_key())),
        (t("dec.col.current"), p.post.clone()),
        (t("dec.col.rank"), p.rank.clone()),
        (t("dec.col.phone"), p.phone.clone()),
    ];
    let choices = app
        .checks
        .iter()
        .enumerate()
        .map(|(i, (_, label, why))| {
            let r = if why.is_empty() {
                t("reg.eligible")
            } else {
                why.iter()
                    .map(|x| tr.error(&x.to_field_error()))
                    .collect::<Vec<_>>()
                    .join("；")
            };
            (i + 1, label.clone(), r)
        })
        .collect();
    let l = Layout::new(&c.ctx, "dec.form_title")
        .crumb(
            t("reg.applications"),
            format!(
                "/units/{}/selection/campaigns/{}/applications",
                c.u.id, c.id
            ),
        )
        .here();
    Ok(page(&ApplicationPrint {
        l,
        id: camp.id.0,
        title: camp.title.clone(),
        version: camp.version,
        facts,
        choices,
        obey: t(if app.application.obey_adjustment {
            "camp.yes"
        } else {
            "camp.no"
        }),
        nomination: t(&app.application.nomination.label_key()),
        status: tr.t(&app.application.status.label_key()).to_string(),
        u: c.u.clone(),
    }))
}

// ---------------------------------------------------------------- Excel

pub async fn export(State(st): State<AppState>, c: InCampaign) -> WebResult {
    let v = st.app.dec_view(&c.ctx.actor, c.u.id, c.id).await?;
    let tr = c.ctx.tr;
    let t = |k: &str| tr.t(k).to_string();
    let d = |x: Option<chrono::NaiveDate>| x.map_or(Cell::Empty, Cell::Date);
    let rows = v
        .candidates
        .iter()
        .map(|x| {
            let k = &x.candidate;
            vec![
                Cell::Text(x.name.clone()),
                Cell::Text(x.post_label.clone()),
                Cell::Int(k.plan_version),
                Cell::Text(x.meeting_title.clone()),
                Cell::Int(k.item_no),
                Cell::Text(tr.t(&x.outcome.label_key()).to_string()),
                d(x.decided_on),
                d(k.publicity_start),
                d(k.publicity_last),
                Cell::Int(i64::try_from(x.objections.len()).unwrap_or(0)),
                Cell::Text(
                    x.publicity_outcome
                        .map(|o| tr.t(&o.label_key()).to_string())
                        .unwrap_or_default(),
                ),
                d(k.appointed_on),
                d(k.probation_end),
                d(k.term_end),
                Cell::Text(x.digest.clone()),
            ]
        })
        .collect();
    let sheet = Sheet {
        name: t("dec.sheet"),
        title: Some(format!(
            "{} {}（v{}）",
            c.u.name, v.campaign.title, v.campaign.version
        )),
        headers: [
            "dec.col.name",
            "dec.col.post",
            "dec.col.version",
            "dec.col.meeting",
            "dec.col.item",
            "dec.col.outcome",
            "dec.col.decided_on",
            "dec.col.publicity_start",
            "dec.col.publicity_last",
            "dec.col.objections",
            "dec.col.publicity_outcome",
            "dec.col.appointed_on",
            "dec.col.probation_end",
            "dec.col.term_end",
            "dec.col.digest",
        ]
        .iter()
        .map(|k| t(k))
        .collect(),
        rows,
        totals: Vec::new(),
    };
    let bytes =
        jiguan_excel::write_workbook(&[sheet]).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(attachment(
        "decisions",
        &format!("{}{}", v.campaign.title, t("dec.export_name")),
        "xlsx",
        XLSX,
        bytes,
    ))
}

// ---------------------------------------------------------------- terms

#[derive(Template)]
#[template(path = "sel_terms.html")]
pub struct TermsPage {
    pub l: Layout,
    pub u: Unit,
    pub rows: Vec<TermRow>,
}

pub async fn terms(State(st): State<AppState>, ctx: Ctx, InUnit(u): InUnit) -> WebResult {
    let rows = st.app.dec_terms(&ctx.actor, u.id).await?;
    let l = Layout::in_unit(&ctx, &u, "dec.terms").here();
    Ok(page(&TermsPage { l, u, rows }))
}
