//! `/api/v1/units/{unit}/selection/campaigns…`: campaign plans (竞争上岗方案) as JSON: list,
//! draft, read, edit, and the steps (submit, approve, reject, reopen, publish, revise).
//! A plan body takes the same fields as the page (strings; an empty one keeps the
//! district's default) with `posts: [{body_id, level, seats}]`.

use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use jiguan_app::AppError;
use jiguan_app::selection::campaign::{CampaignForm, CampaignRecord, CampaignView};
use jiguan_app::workflow::SimpleStep;

use crate::AppState;
use crate::error::WebResult;
use crate::extract::{Created, InUnit, Json};
use crate::guard::Ctx;

use super::api::{EmptyBody, IdDto, OkDto};
use super::campaign::InCampaign;

type ApiErr = crate::error::ApiError;

/// One version of a campaign as listed.
#[derive(Debug, Serialize, ToSchema)]
pub struct CampaignDto {
    pub id: i64,
    pub unit_id: i64,
    /// The id of the campaign's first version (the same for every version).
    pub family_id: i64,
    pub version: i64,
    pub title: String,
    /// draft, submitted, approved, rejected, applied (published).
    pub status: String,
    pub revision_reason: String,
    pub doc_no: String,
    /// The whole plan (posts, eligibility, stages, ratios, evaluation, tie-break, term).
    #[schema(value_type = Object)]
    pub plan: serde_json::Value,
}

/// A version with its siblings, the version in force and today's quota check.
#[derive(Debug, Serialize, ToSchema)]
pub struct CampaignDetailDto {
    pub campaign: CampaignDto,
    pub versions: Vec<CampaignDto>,
    /// The highest published version, if any.
    pub in_force: Option<i64>,
    /// Quota errors today (`{field, code, args}`), empty when the seats fit.
    #[schema(value_type = Vec<Object>)]
    pub quota: serde_json::Value,
}

/// A plan: the page's fields with `posts` as a list.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct CampaignBody {
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub plan: CampaignForm,
}

/// A revision of a published plan: the new plan and the reason.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct RevisionBody {
    pub revision_reason: String,
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub plan: CampaignForm,
}

/// The district's decision: the approval document (批准文号) or the rejection reason.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct DecisionBody {
    pub doc_no: String,
    pub reason: String,
}

fn to_json<T: Serialize>(v: &T) -> WebResult<serde_json::Value> {
    Ok(serde_json::to_value(v).map_err(|e| AppError::Internal(e.to_string()))?)
}

fn dto(c: &CampaignRecord) -> WebResult<CampaignDto> {
    Ok(CampaignDto {
        id: c.id.0,
        unit_id: c.unit_id.0,
        family_id: c.family_id,
        version: c.version,
        title: c.title.clone(),
        status: c.status.code().into(),
        revision_reason: c.revision_reason.clone(),
        doc_no: c.doc_no.clone(),
        plan: to_json(&c.plan)?,
    })
}

fn detail(v: &CampaignView) -> WebResult<CampaignDetailDto> {
    Ok(CampaignDetailDto {
        campaign: dto(&v.campaign)?,
        versions: v.versions.iter().map(dto).collect::<WebResult<_>>()?,
        in_force: v.in_force,
        quota: to_json(&v.quota)?,
    })
}

/// Every version of every campaign of a unit.
#[utoipa::path(get, path = "/api/v1/units/{unit}/selection/campaigns", tag = "selection",
    params(("unit" = i64, Path)), responses((status = 200, body = [CampaignDto])))]
pub async fn list(
    State(st): State<AppState>,
    ctx: Ctx,
    InUnit(u): InUnit,
) -> WebResult<Json<Vec<CampaignDto>>> {
    let all = st.app.camp_list(&ctx.actor, u.id).await?;
    Ok(Json(all.iter().map(dto).collect::<WebResult<_>>()?))
}

/// Drafts a campaign (version 1); refused beyond the vacant middle posts.
#[utoipa::path(post, path = "/api/v1/units/{unit}/selection/campaigns", tag = "selection",
    params(("unit" = i64, Path)), request_body = CampaignBody,
    responses((status = 201, body = IdDto), (status = 422, body = ApiErr)))]
pub async fn create(
    State(st): State<AppState>,
    ctx: Ctx,
    InUnit(u): InUnit,
    Json(b): Json<CampaignBody>,
) -> WebResult<Created<IdDto>> {
    let id = st.app.camp_create(&ctx.actor, u.id, &b.plan).await?;
    Ok(Created(IdDto { id: id.0 }))
}

/// One version with its siblings.
#[utoipa::path(get, path = "/api/v1/units/{unit}/selection/campaigns/{campaign}", tag = "selection",
    params(("unit" = i64, Path), ("campaign" = i64, Path)),
    responses((status = 200, body = CampaignDetailDto), (status = 404, body = ApiErr)))]
pub async fn get(State(st): State<AppState>, c: InCampaign) -> WebResult<Json<CampaignDetailDto>> {
    let v = st.app.camp_get(&c.ctx.actor, c.u.id, c.id).await?;
    Ok(Json(detail(&v)?))
}

/// Replaces the plan of a draft version.
#[utoipa::path(post, path = "/api/v1/units/{unit}/selection/campaigns/{campaign}/edit", tag = "selection",
    params(("unit" = i64, Path), ("campaign" = i64, Path)), request_body = CampaignBody,
    responses((status = 200, body = OkDto), (status = 422, body = ApiErr)))]
pub async fn edit(
    State(st): State<AppState>,
    c: InCampaign,
    Json(b): Json<CampaignBody>,
) -> WebResult<Json<OkDto>> {
    st.app
        .camp_update(&c.ctx.actor, c.u.id, c.id, &b.plan)
        .await?;
    Ok(Json(OkDto { ok: true }))
}

/// Submits a draft to the district (the quota is checked again).
#[utoipa::path(post, path = "/api/v1/units/{unit}/selection/campaigns/{campaign}/submit", tag = "selection",
    params(("unit" = i64, Path), ("campaign" = i64, Path)), request_body = EmptyBody,
    responses((status = 200, body = OkDto), (status = 422, body = ApiErr)))]
pub async fn submit(
    State(st): State<AppState>,
    c: InCampaign,
    Json(_): Json<EmptyBody>,
) -> WebResult<Json<OkDto>> {
    st.app.camp_submit(&c.ctx.actor, c.u.id, c.id).await?;
    Ok(Json(OkDto { ok: true }))
}

async fn simple(st: &AppState, c: &InCampaign, step: SimpleStep<'_>) -> WebResult<Json<OkDto>> {
    st.app.step_plan(&c.ctx.actor, c.u.id, c.id, step).await?;
    Ok(Json(OkDto { ok: true }))
}

/// The district approves a submitted plan with its document number (批准文号).
#[utoipa::path(post, path = "/api/v1/units/{unit}/selection/campaigns/{campaign}/approve", tag = "selection",
    params(("unit" = i64, Path), ("campaign" = i64, Path)), request_body = DecisionBody,
    responses((status = 200, body = OkDto), (status = 422, body = ApiErr)))]
pub async fn approve(
    State(st): State<AppState>,
    c: InCampaign,
    Json(b): Json<DecisionBody>,
) -> WebResult<Json<OkDto>> {
    simple(&st, &c, SimpleStep::Approve(&b.doc_no)).await
}

/// The district sends a submitted plan back with a reason.
#[utoipa::path(post, path = "/api/v1/units/{unit}/selection/campaigns/{campaign}/reject", tag = "selection",
    params(("unit" = i64, Path), ("campaign" = i64, Path)), request_body = DecisionBody,
    responses((status = 200, body = OkDto), (status = 422, body = ApiErr)))]
pub async fn reject(
    State(st): State<AppState>,
    c: InCampaign,
    Json(b): Json<DecisionBody>,
) -> WebResult<Json<OkDto>> {
    simple(&st, &c, SimpleStep::Reject(&b.reason)).await
}

/// Takes a rejected plan back to draft.
#[utoipa::path(post, path = "/api/v1/units/{unit}/selection/campaigns/{campaign}/reopen", tag = "selection",
    params(("unit" = i64, Path), ("campaign" = i64, Path)), request_body = EmptyBody,
    responses((status = 200, body = OkDto), (status = 422, body = ApiErr)))]
pub async fn reopen(
    State(st): State<AppState>,
    c: InCampaign,
    Json(_): Json<EmptyBody>,
) -> WebResult<Json<OkDto>> {
    simple(&st, &c, SimpleStep::Reopen).await
}

/// Publishes an approved plan: from now on it is immutable.
#[utoipa::path(post, path = "/api/v1/units/{unit}/selection/campaigns/{campaign}/publish", tag = "selection",
    params(("unit" = i64, Path), ("campaign" = i64, Path)), request_body = EmptyBody,
    responses((status = 200, body = OkDto), (status = 422, body = ApiErr)))]
pub async fn publish(
    State(st): State<AppState>,
    c: InCampaign,
    Json(_): Json<EmptyBody>,
) -> WebResult<Json<OkDto>> {
    st.app.camp_publish(&c.ctx.actor, c.u.id, c.id).await?;
    Ok(Json(OkDto { ok: true }))
}

/// A change to a published plan: a new draft version with a reason; returns its id.
#[utoipa::path(post, path = "/api/v1/units/{unit}/selection/campaigns/{campaign}/revise", tag = "selection",
    params(("unit" = i64, Path), ("campaign" = i64, Path)), request_body = RevisionBody,
    responses((status = 201, body = IdDto), (status = 422, body = ApiErr)))]
pub async fn revise(
    State(st): State<AppState>,
    c: InCampaign,
    Json(b): Json<RevisionBody>,
) -> WebResult<Created<IdDto>> {
    let id = st
        .app
        .camp_revise(&c.ctx.actor, c.u.id, c.id, &b.plan, &b.revision_reason)
        .await?;
    Ok(Created(IdDto { id: id.0 }))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(
    list, create, get, edit, submit, approve, reject, reopen, publish, revise
))]
pub struct Doc;
