//! Registration and eligibility review (报名, 资格审查; issue 13 point 2): the staff
//! member's phone page (open campaigns, their posts with the roster check, the choice
//! form), the HR office's review page (every application with its reasons, the posts'
//! outcome under the no-competition policy, recommendation and review forms), and the
//! JSON API of both.

use askama::Template;
use axum::extract::{FromRequestParts, State};
use axum::http::Method;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use jiguan_app::AppError;
use jiguan_app::ports::Unit;
use jiguan_app::selection::registration::{
    ApplicationStatus, MyCampaign, RegisterForm, ReviewForm, ReviewView,
};
use jiguan_domain::FieldError;
use jiguan_domain::auth::Action;
use jiguan_domain::selection::ApplicationId;
use jiguan_domain::selection::eligibility::Ineligibility;

use crate::AppState;
use crate::error::{FieldErrors, WebError, WebResult};
use crate::extract::{Created, FormPairs, InUnit, Json, Path, Query};
use crate::guard::{Access, Ctx};
use crate::html::{FormErrors, Layout, form_status};
use crate::i18n::Tr;
use crate::routes::{RouteSpec, r};

use super::api::IdDto;
use super::campaign::{FormPage, InCampaign, OkQuery, after_write};

type ApiErr = crate::error::ApiError;

pub(super) fn routes() -> Vec<RouteSpec> {
    use Access::Signed;
    use Action::*;
    vec![
        r(
            Method::GET,
            "/units/{unit}/selection/register",
            Signed(SelectionRegister),
            mine,
        ),
        r(
            Method::POST,
            "/units/{unit}/selection/campaigns/{campaign}/register",
            Signed(SelectionRegister),
            register,
        ),
        r(
            Method::GET,
            "/units/{unit}/selection/campaigns/{campaign}/applications",
            Signed(SelectionView),
            applications,
        ),
        r(
            Method::POST,
            "/units/{unit}/selection/campaigns/{campaign}/recommend",
            Signed(SelectionManage),
            recommend,
        ),
        r(
            Method::POST,
            "/units/{unit}/selection/campaigns/{campaign}/applications/{application}/review",
            Signed(SelectionManage),
            review,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/selection/campaigns/{campaign}/register",
            Signed(SelectionRegister),
            api_register,
        ),
        r(
            Method::GET,
            "/api/v1/units/{unit}/selection/campaigns/{campaign}/applications",
            Signed(SelectionView),
            api_applications,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/selection/campaigns/{campaign}/recommend",
            Signed(SelectionManage),
            api_recommend,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/selection/campaigns/{campaign}/applications/{application}/review",
            Signed(SelectionManage),
            api_review,
        ),
    ]
}

/// One application of a campaign: the campaign extractor plus the application id.
pub struct InApplication {
    pub c: InCampaign,
    pub id: ApplicationId,
}

#[derive(Deserialize)]
struct ApplicationParam {
    application: ApplicationId,
}

impl<S: Send + Sync> FromRequestParts<S> for InApplication {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let c = InCampaign::from_request_parts(parts, state).await?;
        let Path(ApplicationParam { application }) = Path::from_request_parts(parts, state).await?;
        Ok(InApplication { c, id: application })
    }
}

fn reasons(tr: Tr, r: &[Ineligibility]) -> String {
    r.iter()
        .map(|i| tr.error(&i.to_field_error()))
        .collect::<Vec<_>>()
        .join("；")
}

// ---------------------------------------------------------------- staff (phone)

pub struct MyPost {
    pub value: String,
    pub label: String,
    pub reasons: String,
}

pub struct MyRow {
    pub id: i64,
    pub title: String,
    pub version: i64,
    pub deadline: String,
    pub posts: Vec<MyPost>,
    /// (number, label) of each choice slot.
    pub slots: Vec<(u32, String)>,
    pub obey_allowed: bool,
    /// The application's status label and choices, if registered.
    pub status: String,
    pub choices: String,
}

#[derive(Template)]
#[template(path = "sel_register.html")]
pub struct RegisterPage {
    pub l: Layout,
    pub u: Unit,
    pub rows: Vec<MyRow>,
    pub no_person: bool,
    pub errs: FormErrors,
}

fn my_row(tr: Tr, m: &MyCampaign) -> MyRow {
    let c = &m.campaign;
    let label_of = |k| {
        m.posts
            .iter()
            .find(|(key, _, _)| *key == k)
            .map(|(_, l, _)| l.clone())
            .unwrap_or_default()
    };
    MyRow {
        id: c.id.0,
        title: c.title.clone(),
        version: c.version,
        deadline: c.plan.registration_deadline.to_string(),
        posts: m
            .posts
            .iter()
            .map(|(k, label, r)| MyPost {
                value: format!("{}:{}", k.body_id.0, k.level.code()),
                label: super::post_label(tr, label, k.level),
                reasons: reasons(tr, r),
            })
            .collect(),
        slots: (1..=c.plan.max_choices)
            .map(|n| (n, tr.f("reg.choice", &[("n".into(), n.to_string())])))
            .collect(),
        obey_allowed: c.plan.obey_adjustment_allowed,
        status: m
            .application
            .as_ref()
            .map(|a| tr.t(&a.status.label_key()).to_string())
            .unwrap_or_default(),
        choices: m
            .application
            .as_ref()
            .map(|a| {
                a.choices
                    .iter()
                    .map(|k| label_of(*k))
                    .collect::<Vec<_>>()
                    .join(" → ")
            })
            .unwrap_or_default(),
    }
}

async fn mine_page(
    st: &AppState,
    ctx: &Ctx,
    u: Unit,
    errs: FormErrors,
    ok: Option<&str>,
) -> WebResult {
    let (rows, no_person) = match st.app.camp_mine(&ctx.actor, u.id).await {
        Ok(ms) => (ms.iter().map(|m| my_row(ctx.tr, m)).collect(), false),
        Err(AppError::Invalid(e)) if e.iter().any(|e| e.code == "selection_no_person") => {
            (Vec::new(), true)
        }
        Err(e) => return Err(e.into()),
    };
    let l = Layout::new(ctx, "reg.title").here().flash(ok);
    let page = RegisterPage {
        l,
        rows,
        no_person,
        errs,
        u,
    };
    Ok(form_status(&page.errs, &page))
}

pub async fn mine(
    State(st): State<AppState>,
    ctx: Ctx,
    InUnit(u): InUnit,
    Query(q): Query<OkQuery>,
) -> WebResult {
    mine_page(&st, &ctx, u, FormErrors::default(), q.ok.as_deref()).await
}

fn register_form(f: &FormPairs) -> RegisterForm {
    RegisterForm {
        choices: f.all("choice"),
        obey_adjustment: f.get("obey_adjustment").to_string(),
        person_id: f.get("person_id").to_string(),
        nomination: f.get("nomination").to_string(),
        signers: f.get("signers").to_string(),
    }
}

/// Choice errors (`choices[1]`) on the one choices field.
fn on_choices(errs: Vec<FieldError>) -> Vec<FieldError> {
    errs.into_iter()
        .map(|mut e| {
            if e.field.starts_with("choices") {
                e.field = "choices".into();
            }
            e
        })
        .collect()
}

pub async fn register(State(st): State<AppState>, c: InCampaign, f: FormPairs) -> WebResult {
    let form = register_form(&f);
    match st
        .app
        .camp_register(&c.ctx.actor, c.u.id, c.id, &form)
        .await
        .fields()?
    {
        Ok(_) => Ok(Redirect::to(&format!(
            "/units/{}/selection/register?ok=registered",
            c.u.id
        ))
        .into_response()),
        Err(errs) => {
            let errs = FormErrors::new(c.ctx.tr, &on_choices(errs));
            mine_page(&st, &c.ctx, c.u, errs, None).await
        }
    }
}

// ---------------------------------------------------------------- HR review

pub struct AppRow {
    pub id: i64,
    pub name: String,
    pub person_id: i64,
    pub choices: Vec<(String, String)>,
    pub nomination: String,
    pub obey: bool,
    pub status: String,
    pub status_code: &'static str,
    pub note: String,
    pub attested: bool,
    pub appraisals: String,
    pub measures: String,
    pub investigation: bool,
}

pub struct PostOutcome {
    pub label: String,
    pub seats: u32,
    pub eligible: u32,
    pub outcome: String,
    pub outcome_code: &'static str,
}

#[derive(Template)]
#[template(path = "sel_applications.html")]
pub struct ApplicationsPage {
    pub l: Layout,
    pub u: Unit,
    pub id: i64,
    pub version: i64,
    pub rows: Vec<AppRow>,
    pub posts: Vec<PostOutcome>,
    pub choices: Vec<(String, String)>,
    pub can_manage: bool,
    pub published: bool,
    pub errs: FormErrors,
}

fn applications_page(
    ctx: &Ctx,
    u: Unit,
    v: ReviewView,
    errs: FormErrors,
    ok: Option<&str>,
) -> WebResult {
    let c = &v.campaign;
    let rows = v
        .applications
        .iter()
        .map(|a| {
            let r = &a.application;
            AppRow {
                id: r.id.0,
                name: a.name.clone(),
                person_id: r.person_id,
                choices: a
                    .checks
                    .iter()
                    .map(|(k, label, why)| {
                        (
                            super::post_label(ctx.tr, label, k.level),
                            reasons(ctx.tr, why),
                        )
                    })
                    .collect(),
                nomination: ctx.tr.t(&r.nomination.label_key()).to_string(),
                obey: r.obey_adjustment,
                status: ctx.tr.t(&r.status.label_key()).to_string(),
                status_code: r.status.code(),
                note: r.note.clone(),
                attested: r.review.basic_conditions_attested,
                appraisals: r
                    .review
                    .appraisals
                    .iter()
                    .map(|(y, g)| format!("{y}:{}", g.zh()))
                    .collect::<Vec<_>>()
                    .join(","),
                measures: r
                    .review
                    .measures
                    .iter()
                    .map(|m| format!("{}:{}", m.kind.zh(), m.from))
                    .collect::<Vec<_>>()
                    .join(","),
                investigation: r.review.under_investigation,
            }
        })
        .collect();
    let posts = v
        .posts
        .iter()
        .map(|p| PostOutcome {
            label: super::post_label(
                ctx.tr,
                &jiguan_app::selection::registration::post_label(c, p.key),
                p.key.level,
            ),
            seats: p.seats,
            eligible: p.eligible,
            outcome: ctx.tr.t(&p.outcome.label_key()).to_string(),
            outcome_code: p.outcome.code(),
        })
        .collect();
    let l = super::campaign::campaign_crumbs(Layout::new(ctx, "reg.applications"), ctx, &u, c)
        .flash(ok);
    let page = ApplicationsPage {
        l,
        id: c.id.0,
        version: c.version,
        rows,
        posts,
        choices: c
            .plan
            .posts
            .iter()
            .map(|p| {
                (
                    format!("{}:{}", p.body_id.0, p.level.code()),
                    format!("{} {}", p.body_name, ctx.tr.t(&p.level.label_key())),
                )
            })
            .collect(),
        can_manage: ctx.actor.can(Action::SelectionManage),
        published: c.status == jiguan_domain::workflow::Status::Applied,
        errs,
        u,
    };
    Ok(form_status(&page.errs, &page))
}

pub async fn applications(
    State(st): State<AppState>,
    c: InCampaign,
    Query(q): Query<OkQuery>,
) -> WebResult {
    let v = st.app.camp_review_view(&c.ctx.actor, c.u.id, c.id).await?;
    applications_page(&c.ctx, c.u, v, FormErrors::default(), q.ok.as_deref())
}

/// The review page of the applications.
struct Applications;

impl FormPage for Applications {
    const TAIL: &'static str = "/applications";

    async fn again(st: &AppState, c: InCampaign, errs: Vec<FieldError>) -> WebResult {
        let v = st.app.camp_review_view(&c.ctx.actor, c.u.id, c.id).await?;
        let errs = FormErrors::new(c.ctx.tr, &on_choices(errs));
        applications_page(&c.ctx, c.u, v, errs, None)
    }
}

pub async fn recommend(State(st): State<AppState>, c: InCampaign, f: FormPairs) -> WebResult {
    let form = register_form(&f);
    let r = st
        .app
        .camp_recommend(&c.ctx.actor, c.u.id, c.id, &form)
        .await
        .fields()?
        .map(|_| ());
    after_write::<Applications>(&st, c, r, "recommended").await
}

fn review_form(f: &FormPairs) -> ReviewForm {
    let g = |k: &str| f.get(k).to_string();
    ReviewForm {
        decision: g("decision"),
        basic_conditions_attested: g("basic_conditions_attested"),
        appraisals: g("appraisals"),
        measures: g("measures"),
        under_investigation: g("under_investigation"),
        note: g("note"),
    }
}

pub async fn review(State(st): State<AppState>, a: InApplication, f: FormPairs) -> WebResult {
    let form = review_form(&f);
    let r = st
        .app
        .camp_review(&a.c.ctx.actor, a.c.u.id, a.c.id, a.id, &form)
        .await
        .fields()?
        .map(|_| ());
    after_write::<Applications>(&st, a.c, r, "reviewed").await
}

// ---------------------------------------------------------------- API

/// A registration: choices as `<body id>:<chief|deputy>` in priority order.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct RegisterBody {
    pub choices: Vec<String>,
    pub obey_adjustment: bool,
}

/// A recommendation by the HR office.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct RecommendBody {
    pub person_id: i64,
    pub choices: Vec<String>,
    pub obey_adjustment: bool,
    /// `organisation` (default) or `joint`.
    pub nomination: String,
    pub signers: u32,
}

/// The review of one application: `decision` is `confirm` or `reject`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ReviewBody {
    pub decision: String,
    pub basic_conditions_attested: bool,
    /// `2023:称职,2024:优秀,2025:称职`.
    pub appraisals: String,
    /// `记过:2025-06-01`, comma separated.
    pub measures: String,
    pub under_investigation: bool,
    pub note: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewStatusDto {
    /// pending, confirmed, rejected.
    pub status: String,
}

/// Registers the signed-in staff member (the person linked to the account).
#[utoipa::path(post, path = "/api/v1/units/{unit}/selection/campaigns/{campaign}/register", tag = "selection",
    params(("unit" = i64, Path), ("campaign" = i64, Path)), request_body = RegisterBody,
    responses((status = 201, body = IdDto), (status = 422, body = ApiErr)))]
pub async fn api_register(
    State(st): State<AppState>,
    c: InCampaign,
    Json(b): Json<RegisterBody>,
) -> WebResult<Created<IdDto>> {
    let f = RegisterForm {
        choices: b.choices,
        obey_adjustment: b.obey_adjustment.to_string(),
        ..RegisterForm::default()
    };
    let id = st.app.camp_register(&c.ctx.actor, c.u.id, c.id, &f).await?;
    Ok(Created(IdDto { id: id.0 }))
}

/// Every application with the reasons per choice, and each post's outcome.
#[utoipa::path(get, path = "/api/v1/units/{unit}/selection/campaigns/{campaign}/applications", tag = "selection",
    params(("unit" = i64, Path), ("campaign" = i64, Path)),
    responses((status = 200, body = Object), (status = 404, body = ApiErr)))]
pub async fn api_applications(
    State(st): State<AppState>,
    c: InCampaign,
) -> WebResult<Json<serde_json::Value>> {
    let v = st.app.camp_review_view(&c.ctx.actor, c.u.id, c.id).await?;
    let j = serde_json::json!({
        "campaign_id": v.campaign.id.0,
        "plan_version": v.campaign.version,
        "applications": v.applications,
        "posts": v.posts,
    });
    Ok(Json(j))
}

/// The HR office recommends a person of the unit.
#[utoipa::path(post, path = "/api/v1/units/{unit}/selection/campaigns/{campaign}/recommend", tag = "selection",
    params(("unit" = i64, Path), ("campaign" = i64, Path)), request_body = RecommendBody,
    responses((status = 201, body = IdDto), (status = 422, body = ApiErr)))]
pub async fn api_recommend(
    State(st): State<AppState>,
    c: InCampaign,
    Json(b): Json<RecommendBody>,
) -> WebResult<Created<IdDto>> {
    let f = RegisterForm {
        choices: b.choices,
        obey_adjustment: b.obey_adjustment.to_string(),
        person_id: b.person_id.to_string(),
        nomination: b.nomination,
        signers: b.signers.to_string(),
    };
    let id = st
        .app
        .camp_recommend(&c.ctx.actor, c.u.id, c.id, &f)
        .await?;
    Ok(Created(IdDto { id: id.0 }))
}

/// The HR office's review of one application.
#[utoipa::path(post, path = "/api/v1/units/{unit}/selection/campaigns/{campaign}/applications/{application}/review", tag = "selection",
    params(("unit" = i64, Path), ("campaign" = i64, Path), ("application" = i64, Path)), request_body = ReviewBody,
    responses((status = 200, body = ReviewStatusDto), (status = 422, body = ApiErr)))]
pub async fn api_review(
    State(st): State<AppState>,
    a: InApplication,
    Json(b): Json<ReviewBody>,
) -> WebResult<Json<ReviewStatusDto>> {
    let f = ReviewForm {
        decision: b.decision,
        basic_conditions_attested: b.basic_conditions_attested.to_string(),
        appraisals: b.appraisals,
        measures: b.measures,
        under_investigation: b.under_investigation.to_string(),
        note: b.note,
    };
    let s: ApplicationStatus = st
        .app
        .camp_review(&a.c.ctx.actor, a.c.u.id, a.c.id, a.id, &f)
        .await?;
    Ok(Json(ReviewStatusDto {
        status: s.code().into(),
    }))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(api_register, api_applications, api_recommend, api_review))]
pub struct Doc;
