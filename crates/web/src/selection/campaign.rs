//! Campaign plans (竞争上岗方案, issue 13 point 1): the unit's HR office drafts a plan with
//! the middle posts offered and the rules, submits it; the district approves or rejects;
//! the unit publishes it; a published plan changes only through a new version with a
//! reason. Pages here, JSON API in `campaign_api.rs`. A web module of its own
//! (`selection_campaign`), with its own locale files.

use askama::Template;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use utoipa::OpenApi;

use jiguan_app::ports::Unit;
use jiguan_app::selection::campaign::{CampaignForm, CampaignRecord, CampaignView, PostLine};
use jiguan_app::workflow::SimpleStep;
use jiguan_domain::FieldError;
use jiguan_domain::auth::Action;
use jiguan_domain::posts::{Education, PostLevel};
use jiguan_domain::selection::CampaignId;
use jiguan_domain::selection::plan::{EvaluationRule, NoCompetitionPolicy};

use crate::AppState;
use crate::error::{FieldErrors, WebError, WebResult};
use crate::extract::{FormPairs, InUnit, Path, Query};
use crate::guard::{Access, Ctx};
use crate::html::{FormErrors, Layout, page_status};
use crate::i18n::Tr;
use crate::module::{MenuEntry, WebModule};
use crate::routes::{RouteSpec, r};

use super::campaign_api as api;

pub const MODULE: WebModule = WebModule {
    id: "selection_campaign",
    menu: &[
        MenuEntry::unit(
            "menu.campaigns",
            "/selection/campaigns",
            Action::SelectionView,
        ),
        MenuEntry::unit(
            "menu.register",
            "/selection/register",
            Action::SelectionRegister,
        ),
    ],
    locales: crate::locales!("selection_campaign"),
    routes,
    openapi,
};

fn openapi() -> utoipa::openapi::OpenApi {
    let mut d = api::Doc::openapi();
    d.merge(super::campaign_apply::Doc::openapi());
    d
}

/// What every route of one campaign version extracts: the context, the unit the guard
/// checked and the campaign id (not a number: 400 naming `campaign`).
pub struct InCampaign {
    pub ctx: Ctx,
    pub u: Unit,
    pub id: CampaignId,
}

#[derive(Deserialize)]
struct CampaignParam {
    campaign: CampaignId,
}

impl<S: Send + Sync> FromRequestParts<S> for InCampaign {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let ctx = Ctx::from_request_parts(parts, state).await?;
        let InUnit(u) = InUnit::from_request_parts(parts, state).await?;
        let Path(CampaignParam { campaign }) = Path::from_request_parts(parts, state).await?;
        Ok(InCampaign {
            ctx,
            u,
            id: campaign,
        })
    }
}

impl InCampaign {
    /// The redirect to the campaign's page `tail` (`""`, `/applications`, …) with the `ok`
    /// flash.
    pub fn to(&self, tail: &str, ok: &str) -> WebResult {
        Ok(Redirect::to(&format!(
            "/units/{}/selection/campaigns/{}{tail}?ok={ok}",
            self.u.id, self.id
        ))
        .into_response())
    }
}

/// A campaign page that a form posts to: where it redirects after a write, and how it is
/// shown again with the write's field errors (422).
pub(super) trait FormPage {
    /// The page's path below the campaign (`/applications`, `/decisions`).
    const TAIL: &'static str;
    async fn again(st: &AppState, c: InCampaign, errs: Vec<FieldError>) -> WebResult;
}

/// After a write on page `P`: the redirect with the `ok` flash, or the page again with the
/// errors.
pub(super) async fn after_write<P: FormPage>(
    st: &AppState,
    c: InCampaign,
    r: Result<impl Sized, Vec<FieldError>>,
    ok: &str,
) -> WebResult {
    match r {
        Ok(_) => c.to(P::TAIL, ok),
        Err(errs) => P::again(st, c, errs).await,
    }
}

fn routes() -> Vec<RouteSpec> {
    use Access::Signed;
    use Action::*;
    let mut v = vec![
        r(
            Method::GET,
            "/units/{unit}/selection/campaigns",
            Signed(SelectionView),
            list,
        ),
        r(
            Method::POST,
            "/units/{unit}/selection/campaigns",
            Signed(SelectionManage),
            create,
        ),
        r(
            Method::GET,
            "/units/{unit}/selection/campaigns/{campaign}",
            Signed(SelectionView),
            show,
        ),
        r(
            Method::GET,
            "/api/v1/units/{unit}/selection/campaigns",
            Signed(SelectionView),
            api::list,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/selection/campaigns",
            Signed(SelectionManage),
            api::create,
        ),
        r(
            Method::GET,
            "/api/v1/units/{unit}/selection/campaigns/{campaign}",
            Signed(SelectionView),
            api::get,
        ),
    ];
    v.extend([
        r(
            Method::POST,
            "/units/{unit}/selection/campaigns/{campaign}/edit",
            Signed(SelectionManage),
            edit,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/selection/campaigns/{campaign}/edit",
            Signed(SelectionManage),
            api::edit,
        ),
        r(
            Method::POST,
            "/units/{unit}/selection/campaigns/{campaign}/submit",
            Signed(SelectionManage),
            submit,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/selection/campaigns/{campaign}/submit",
            Signed(SelectionManage),
            api::submit,
        ),
        r(
            Method::POST,
            "/units/{unit}/selection/campaigns/{campaign}/approve",
            Signed(SelectionApprove),
            approve,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/selection/campaigns/{campaign}/approve",
            Signed(SelectionApprove),
            api::approve,
        ),
        r(
            Method::POST,
            "/units/{unit}/selection/campaigns/{campaign}/reject",
            Signed(SelectionApprove),
            reject,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/selection/campaigns/{campaign}/reject",
            Signed(SelectionApprove),
            api::reject,
        ),
        r(
            Method::POST,
            "/units/{unit}/selection/campaigns/{campaign}/reopen",
            Signed(SelectionManage),
            reopen,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/selection/campaigns/{campaign}/reopen",
            Signed(SelectionManage),
            api::reopen,
        ),
        r(
            Method::POST,
            "/units/{unit}/selection/campaigns/{campaign}/publish",
            Signed(SelectionManage),
            publish,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/selection/campaigns/{campaign}/publish",
            Signed(SelectionManage),
            api::publish,
        ),
        r(
            Method::POST,
            "/units/{unit}/selection/campaigns/{campaign}/revise",
            Signed(SelectionManage),
            revise,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/selection/campaigns/{campaign}/revise",
            Signed(SelectionManage),
            api::revise,
        ),
    ]);
    v.extend(super::campaign_apply::routes());
    v
}

// ---------------------------------------------------------------- helpers

#[derive(Debug, Default, Deserialize)]
pub struct OkQuery {
    pub ok: Option<String>,
}

/// Ends a layout with the crumbs of campaign version `c`: the unit's campaigns, then the
/// version, then the page.
pub(super) fn campaign_crumbs(l: Layout, ctx: &Ctx, u: &Unit, c: &CampaignRecord) -> Layout {
    l.crumb(
        ctx.tr.t("menu.campaigns"),
        format!("/units/{}/selection/campaigns", u.id),
    )
    .crumb(
        format!("{}（v{}）", c.title, c.version),
        format!("/units/{}/selection/campaigns/{}", u.id, c.id),
    )
    .here()
}

/// The layout of a page of campaign version `c` below the unit's crumbs.
pub(super) fn campaign_layout(ctx: &Ctx, u: &Unit, c: &CampaignRecord, key: &str) -> Layout {
    campaign_crumbs(Layout::in_unit(ctx, u, key), ctx, u, c)
}

fn status_of(clean: bool) -> StatusCode {
    if clean {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    }
}

/// Plan field paths (`posts[2].seats`, `eligibility.max_age_chief`, `weights`) shown on
/// the form's fields; a post level argument shown by its label.
fn on_fields(tr: Tr, errs: Vec<FieldError>) -> Vec<FieldError> {
    errs.into_iter()
        .map(|mut e| {
            for (k, v) in e.args.iter_mut() {
                if k == "level"
                    && let Some(l) = PostLevel::from_code(v)
                {
                    *v = tr.t(&l.label_key()).to_string();
                }
            }
            if e.field.starts_with("posts") {
                e.field = "posts".into();
            } else if e.field.starts_with("stages") || e.field == "weights" {
                e.field = "weight_written".into();
            } else if let Some(f) = e.field.strip_prefix("eligibility.") {
                e.field = f.to_string();
            } else if let Some(f) = e.field.strip_prefix("evaluation.") {
                e.field = format!("evaluation_{f}");
            }
            e
        })
        .collect()
}

/// The form as the page sends it: a seats field per body and level
/// (`seats_<body>_chief`, `seats_<body>_deputy`), the other fields by name.
fn form_of(f: &FormPairs) -> CampaignForm {
    let mut posts = Vec::new();
    for (k, v) in &f.0 {
        let Some(rest) = k.strip_prefix("seats_") else {
            continue;
        };
        let v = v.trim();
        if v.is_empty() || v == "0" {
            continue;
        }
        if let Some((body, level)) = rest.rsplit_once('_') {
            posts.push(PostLine {
                body_id: body.into(),
                level: level.into(),
                seats: v.into(),
            });
        }
    }
    let g = |k: &str| f.get(k).to_string();
    CampaignForm {
        title: g("title"),
        registration_deadline: g("registration_deadline"),
        posts,
        max_choices: g("max_choices"),
        obey_adjustment_allowed: g("obey_adjustment_allowed"),
        weight_written: g("weight_written"),
        weight_interview: g("weight_interview"),
        weight_evaluation: g("weight_evaluation"),
        inspection_ratio: g("inspection_ratio"),
        no_competition: g("no_competition"),
        evaluation_rule: g("evaluation_rule"),
        max_age_chief: g("max_age_chief"),
        max_age_deputy: g("max_age_deputy"),
        min_education: g("min_education"),
        publicity_workdays: g("publicity_workdays"),
        term_years: g("term_years"),
        probation_months: g("probation_months"),
    }
}

/// A body of the unit with the seats the form offers for it.
pub struct BodySeats {
    pub id: i64,
    pub name: String,
    pub chief: String,
    pub deputy: String,
}

/// The plan form's state: values and choices.
pub struct PlanFields {
    pub f: CampaignForm,
    pub bodies: Vec<BodySeats>,
    /// (code, label, selected) for each select.
    pub policies: Vec<(String, String, bool)>,
    pub rules: Vec<(String, String, bool)>,
    pub educations: Vec<(String, String, bool)>,
}

/// A select's options: (code, label in the page's language, selected).
fn choices(
    tr: Tr,
    all: impl Iterator<Item = (&'static str, String)>,
    cur: &str,
) -> Vec<(String, String, bool)> {
    all.map(|(code, key)| (code.to_string(), tr.t(&key).to_string(), code == cur))
        .collect()
}

async fn fields(st: &AppState, ctx: &Ctx, u: &Unit, f: CampaignForm) -> WebResult<PlanFields> {
    let s = st.app.org_structure(&ctx.actor, u.id, None).await?;
    let seats = |b: i64, level: PostLevel| {
        f.posts
            .iter()
            .find(|p| p.body_id == b.to_string() && PostLevel::from_code(&p.level) == Some(level))
            .map(|p| p.seats.clone())
            .unwrap_or_default()
    };
    let bodies = s
        .active()
        .map(|b| BodySeats {
            id: b.id.0,
            name: b.name.clone(),
            chief: seats(b.id.0, PostLevel::Chief),
            deputy: seats(b.id.0, PostLevel::Deputy),
        })
        .collect();
    Ok(PlanFields {
        policies: choices(
            ctx.tr,
            NoCompetitionPolicy::ALL
                .iter()
                .map(|p| (p.code(), p.label_key())),
            &f.no_competition,
        ),
        rules: choices(
            ctx.tr,
            EvaluationRule::ALL
                .iter()
                .map(|p| (p.code(), p.label_key())),
            &f.evaluation_rule,
        ),
        educations: choices(
            ctx.tr,
            Education::ALL.iter().map(|p| (p.code(), p.label_key())),
            &f.min_education,
        ),
        bodies,
        f,
    })
}

// ---------------------------------------------------------------- list and new

pub struct CampaignRow {
    pub id: i64,
    pub title: String,
    pub version: i64,
    pub status: String,
    pub status_code: &'static str,
    pub deadline: String,
    pub posts: usize,
    pub seats: u32,
}

#[derive(Template)]
#[template(path = "sel_campaigns.html")]
pub struct CampaignsPage {
    pub l: Layout,
    pub u: Unit,
    pub rows: Vec<CampaignRow>,
    pub can_manage: bool,
    pub p: PlanFields,
    pub errs: FormErrors,
}

async fn list_page(
    st: &AppState,
    ctx: &Ctx,
    u: Unit,
    f: CampaignForm,
    errs: FormErrors,
    ok: Option<&str>,
) -> WebResult {
    let all = st.app.camp_list(&ctx.actor, u.id).await?;
    // One row per campaign: its newest version.
    let mut rows: Vec<CampaignRow> = Vec::new();
    for c in all.iter().rev() {
        if rows.iter().any(|r| {
            all.iter()
                .any(|x| x.id.0 == r.id && x.family_id == c.family_id)
        }) {
            continue;
        }
        rows.push(CampaignRow {
            id: c.id.0,
            title: c.title.clone(),
            version: c.version,
            status: ctx.tr.t(&status_key(c.status)).to_string(),
            status_code: c.status.code(),
            deadline: c.plan.registration_deadline.to_string(),
            posts: c.plan.posts.len(),
            seats: c.plan.posts.iter().map(|p| p.seats).sum(),
        });
    }
    rows.sort_by_key(|r| std::cmp::Reverse(r.id));
    let p = fields(st, ctx, &u, f).await?;
    let l = Layout::in_unit(ctx, &u, "camp.list").here().flash(ok);
    Ok(page_status(
        status_of(errs.is_empty()),
        &CampaignsPage {
            l,
            rows,
            can_manage: ctx.actor.can(Action::SelectionManage),
            p,
            errs,
            u,
        },
    ))
}

/// The label key of a campaign status (published for `applied`).
fn status_key(s: jiguan_domain::workflow::Status) -> String {
    format!("camp.status.{}", s.code())
}

pub async fn list(
    State(st): State<AppState>,
    ctx: Ctx,
    InUnit(u): InUnit,
    Query(q): Query<OkQuery>,
) -> WebResult {
    let f = CampaignForm {
        registration_deadline: st.app.camp_default_deadline().to_string(),
        ..CampaignForm::default()
    };
    list_page(&st, &ctx, u, f, FormErrors::default(), q.ok.as_deref()).await
}

pub async fn create(
    State(st): State<AppState>,
    ctx: Ctx,
    InUnit(u): InUnit,
    f: FormPairs,
) -> WebResult {
    let form = form_of(&f);
    match st.app.camp_create(&ctx.actor, u.id, &form).await.fields()? {
        Ok(id) => Ok(Redirect::to(&format!(
            "/units/{}/selection/campaigns/{id}?ok=campaign_created",
            u.id
        ))
        .into_response()),
        Err(errs) => {
            let errs = FormErrors::new(ctx.tr, &on_fields(ctx.tr, errs));
            list_page(&st, &ctx, u, form, errs, None).await
        }
    }
}

// ---------------------------------------------------------------- one version

pub struct VersionRow {
    pub id: i64,
    pub version: i64,
    pub status: String,
    pub reason: String,
    pub current: bool,
}

pub struct PostRow {
    pub body: String,
    pub level: String,
    pub seats: u32,
}

#[derive(Template)]
#[template(path = "sel_campaign.html")]
pub struct CampaignPage {
    pub l: Layout,
    pub u: Unit,
    pub id: i64,
    pub version: i64,
    pub status: String,
    pub status_code: &'static str,
    pub doc_no: String,
    pub reason: String,
    pub revision_reason: String,
    pub in_force: String,
    pub posts: Vec<PostRow>,
    /// (label, value) of the plan's rules.
    pub facts: Vec<(String, String)>,
    pub quota: Vec<String>,
    pub versions: Vec<VersionRow>,
    pub can_manage: bool,
    pub can_approve: bool,
    pub editable: bool,
    pub revisable: bool,
    pub p: PlanFields,
    pub errs: FormErrors,
}

fn facts(ctx: &Ctx, v: &CampaignView) -> Vec<(String, String)> {
    let p = &v.campaign.plan;
    let t = |k: &str| ctx.tr.t(k).to_string();
    let e = &p.eligibility;
    let age = |a: Option<u32>| a.map_or_else(|| t("camp.no_limit"), |n| n.to_string());
    let stages = p
        .stages
        .iter()
        .map(|s| format!("{} {}%", t(&s.stage.label_key()), s.weight))
        .collect::<Vec<_>>()
        .join(" / ");
    let ties = p
        .tie_break
        .iter()
        .map(|k| t(&k.label_key()))
        .collect::<Vec<_>>()
        .join(" → ");
    vec![
        (
            t("camp.f.registration_deadline"),
            p.registration_deadline.to_string(),
        ),
        (t("camp.f.max_choices"), p.max_choices.to_string()),
        (
            t("camp.f.obey_adjustment_allowed"),
            t(if p.obey_adjustment_allowed {
                "camp.yes"
            } else {
                "camp.no"
            }),
        ),
        (t("camp.f.stages"), stages),
        (
            t("camp.f.written_pass_mark"),
            p.written_pass_mark.to_string(),
        ),
        (
            t("camp.f.judges"),
            format!("≥ {} ({})", p.judges_min, p.trim_over),
        ),
        (
            t("camp.f.evaluation_rule"),
            t(&p.evaluation.rule.label_key()),
        ),
        (t("camp.f.inspection_ratio"), p.inspection_ratio.to_string()),
        (t("camp.f.tie_break"), ties),
        (t("camp.f.no_competition"), t(&p.no_competition.label_key())),
        (t("camp.f.max_age_chief"), age(e.max_age_chief)),
        (t("camp.f.max_age_deputy"), age(e.max_age_deputy)),
        (t("camp.f.min_education"), t(&e.min_education.label_key())),
        (
            t("camp.f.service"),
            format!(
                "{} / {}",
                e.min_service_years_deputy, e.min_service_years_chief
            ),
        ),
        (
            t("camp.f.publicity_workdays"),
            p.publicity_workdays.to_string(),
        ),
        (t("camp.f.term_years"), p.term_years.to_string()),
        (t("camp.f.probation_months"), p.probation_months.to_string()),
    ]
}

async fn campaign_page(
    st: &AppState,
    InCampaign { ctx, u, id }: InCampaign,
    form: Option<CampaignForm>,
    errs: FormErrors,
    ok: Option<&str>,
) -> WebResult {
    let v = st.app.camp_get(&ctx.actor, u.id, id).await?;
    let c = &v.campaign;
    let newest = v
        .versions
        .iter()
        .map(|x| x.version)
        .max()
        .unwrap_or(c.version);
    let form = form.unwrap_or_else(|| CampaignForm::of(&c.plan));
    let p = fields(st, &ctx, &u, form).await?;
    let l = Layout::in_unit(&ctx, &u, "camp.one")
        .crumb(
            ctx.tr.t("menu.campaigns"),
            format!("/units/{}/selection/campaigns", u.id),
        )
        .titled(format!("{}（v{}）", c.title, c.version))
        .here()
        .flash(ok);
    let page = CampaignPage {
        l,
        id: c.id.0,
        version: c.version,
        status: ctx.tr.t(&status_key(c.status)).to_string(),
        status_code: c.status.code(),
        doc_no: c.doc_no.clone(),
        reason: c.reason.clone(),
        revision_reason: c.revision_reason.clone(),
        in_force: v.in_force.map(|n| format!("v{n}")).unwrap_or_default(),
        posts: c
            .plan
            .posts
            .iter()
            .map(|o| PostRow {
                body: o.body_name.clone(),
                level: ctx.tr.t(&o.level.label_key()).to_string(),
                seats: o.seats,
            })
            .collect(),
        facts: facts(&ctx, &v),
        quota: on_fields(ctx.tr, v.quota.clone())
            .iter()
            .map(|e| ctx.tr.error(e))
            .collect(),
        versions: v
            .versions
            .iter()
            .map(|x| VersionRow {
                id: x.id.0,
                version: x.version,
                status: ctx.tr.t(&status_key(x.status)).to_string(),
                reason: x.revision_reason.clone(),
                current: x.id == c.id,
            })
            .collect(),
        can_manage: ctx.actor.can(Action::SelectionManage),
        can_approve: ctx.actor.can(Action::SelectionApprove),
        editable: c.status == jiguan_domain::workflow::Status::Draft,
        revisable: c.status == jiguan_domain::workflow::Status::Applied && newest == c.version,
        p,
        errs,
        u,
    };
    Ok(page_status(status_of(page.errs.is_empty()), &page))
}

pub async fn show(
    State(st): State<AppState>,
    c: InCampaign,
    Query(q): Query<OkQuery>,
) -> WebResult {
    campaign_page(&st, c, None, FormErrors::default(), q.ok.as_deref()).await
}

/// Redirects with a flash, or shows the version again with the errors (422).
async fn after(
    st: &AppState,
    c: InCampaign,
    r: Result<Option<CampaignId>, Vec<FieldError>>,
    ok: &str,
    form: Option<CampaignForm>,
) -> WebResult {
    match r {
        Ok(next) => Ok(Redirect::to(&format!(
            "/units/{}/selection/campaigns/{}?ok={ok}",
            c.u.id,
            next.unwrap_or(c.id)
        ))
        .into_response()),
        Err(errs) => {
            let errs = FormErrors::new(c.ctx.tr, &on_fields(c.ctx.tr, errs));
            campaign_page(st, c, form, errs, None).await
        }
    }
}

pub async fn edit(State(st): State<AppState>, c: InCampaign, f: FormPairs) -> WebResult {
    {
        let form = form_of(&f);
        let r = st
            .app
            .camp_update(&c.ctx.actor, c.u.id, c.id, &form)
            .await
            .fields()?
            .map(|()| None);
        after(&st, c, r, "saved", Some(form)).await
    }
}

pub async fn submit(State(st): State<AppState>, c: InCampaign, _f: FormPairs) -> WebResult {
    {
        let r = st
            .app
            .camp_submit(&c.ctx.actor, c.u.id, c.id)
            .await
            .fields()?
            .map(|()| None);
        after(&st, c, r, "campaign_submitted", None).await
    }
}

async fn simple(st: AppState, c: InCampaign, step: SimpleStep<'_>, ok: &str) -> WebResult {
    let r = st
        .app
        .step_plan(&c.ctx.actor, c.u.id, c.id, step)
        .await
        .fields()?
        .map(|()| None);
    after(&st, c, r, ok, None).await
}

pub async fn approve(State(st): State<AppState>, c: InCampaign, f: FormPairs) -> WebResult {
    {
        let doc = f.get("doc_no").to_string();
        simple(st, c, SimpleStep::Approve(&doc), "campaign_approved").await
    }
}

pub async fn reject(State(st): State<AppState>, c: InCampaign, f: FormPairs) -> WebResult {
    {
        let reason = f.get("reason").to_string();
        simple(st, c, SimpleStep::Reject(&reason), "campaign_rejected").await
    }
}

pub async fn reopen(State(st): State<AppState>, c: InCampaign, _f: FormPairs) -> WebResult {
    simple(st, c, SimpleStep::Reopen, "saved").await
}

pub async fn publish(State(st): State<AppState>, c: InCampaign, _f: FormPairs) -> WebResult {
    {
        let r = st
            .app
            .camp_publish(&c.ctx.actor, c.u.id, c.id)
            .await
            .fields()?
            .map(|()| None);
        after(&st, c, r, "campaign_published", None).await
    }
}

pub async fn revise(State(st): State<AppState>, c: InCampaign, f: FormPairs) -> WebResult {
    {
        let form = form_of(&f);
        let reason = f.get("revision_reason").to_string();
        let r = st
            .app
            .camp_revise(&c.ctx.actor, c.u.id, c.id, &form, &reason)
            .await
            .fields()?
            .map(Some);
        let r = r.map_err(|errs| {
            errs.into_iter()
                .map(|mut e| {
                    if e.field == "reason" {
                        e.field = "revision_reason".into();
                    }
                    e
                })
                .collect()
        });
        after(&st, c, r, "campaign_revised", Some(form)).await
    }
}
