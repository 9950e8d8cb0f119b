//! `/api/v1/units/{unit}/downsizing…` and `/api/v1/downsizing`: the downsizing module's JSON
//! API. Money is in fen (integers); dates are `YYYY-MM-DD`; plan details (lines with their
//! figures, totals, history) are returned as their JSON form.

use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use jiguan_app::AppError;
use jiguan_app::downsizing::{LineForm, PlanRecord};
use jiguan_app::workflow::SimpleStep;
use jiguan_domain::people::Identity;

use crate::AppState;
use crate::error::WebResult;
use crate::extract::{At, Created, Json, Path, Query};
use crate::guard::Ctx;
use crate::list::ListParams;

use super::{InPlan, LineParam};

type ApiErr = crate::error::ApiError;

/// A downsizing plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct DownPlanDto {
    pub id: i64,
    pub unit_id: i64,
    pub title: String,
    pub effective: String,
    /// draft, submitted, approved, rejected, applied.
    pub status: String,
    pub doc_no: String,
    pub reason: String,
    pub lines: i64,
    /// People on post or lent out when applied.
    pub staff_base: Option<i64>,
}

impl DownPlanDto {
    pub fn of(p: &PlanRecord) -> Self {
        DownPlanDto {
            id: p.id.0,
            unit_id: p.unit_id.0,
            title: p.title.clone(),
            effective: p.effective.to_string(),
            status: p.status.code().into(),
            doc_no: p.doc_no.clone(),
            reason: p.reason.clone(),
            lines: p.lines,
            staff_base: p.staff_base,
        }
    }
}

/// A plan with its lines (person, route, figures), totals and history.
#[derive(Debug, Serialize, ToSchema)]
pub struct DownPlanDetailDto {
    pub plan: DownPlanDto,
    /// Lines: `line`, `person` (ID number omitted), `figures` (eligibility, one-off cost,
    /// severance parts, leave-post pay and months, annual saving, contract).
    #[schema(value_type = Vec<Object>)]
    pub lines: serde_json::Value,
    /// Headcount cut by identity and by route, share, one-off, saving, break-even months.
    #[schema(value_type = Object)]
    pub totals: serde_json::Value,
    #[schema(value_type = Vec<Object>)]
    pub events: serde_json::Value,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DownIdDto {
    pub id: i64,
}

impl DownIdDto {
    fn of(id: impl Into<i64>) -> Json<Self> {
        Json(DownIdDto { id: id.into() })
    }
}

/// A view as its JSON form.
fn json_of<T: Serialize>(v: &T) -> WebResult<serde_json::Value> {
    Ok(serde_json::to_value(v).map_err(|e| AppError::Internal(e.to_string()))?)
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct DownPlanBody {
    pub title: String,
    /// YYYY-MM-DD.
    pub effective: String,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct DownStepBody {
    /// The approval document number (approve).
    pub doc_no: String,
    /// The reason (reject).
    pub reason: String,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CandidateQuery {
    /// Identity codes picked, comma separated (e.g. `temporary,enterprise_hire`).
    pub identities: Option<String>,
    /// Search text: part of the name or of the post.
    pub q: Option<String>,
    /// Page, from 1.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 2147483647)]
    pub page: Option<String>,
    /// Candidates per page, 1 to 200 (default 20; more is refused with a 422 naming
    /// `per_page`).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    pub per_page: Option<String>,
}

/// One page of the candidates for a plan, in name order, with the total of all pages.
#[derive(Debug, Serialize, ToSchema)]
pub struct DownCandidatesDto {
    /// Candidates: `person` (ID number omitted), `reasons` (`no_post`, `abolished_body`,
    /// `identity`), `routes` (every route of the identity with its eligibility and figures).
    #[schema(value_type = Vec<Object>)]
    pub items: serde_json::Value,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

/// The plans of a unit, newest first.
#[utoipa::path(get, path = "/api/v1/units/{unit}/downsizing", tag = "downsizing", params(("unit" = i64, Path, description = "unit id")), responses((status = 200, body = Vec<DownPlanDto>), (status = 404, body = ApiErr)))]
pub async fn list_plans(At(st, ctx, u): At) -> WebResult<Json<Vec<DownPlanDto>>> {
    let ps = st.app.down_plans(&ctx.actor, u.id).await?;
    Ok(Json(ps.iter().map(DownPlanDto::of).collect()))
}

/// Starts a draft plan (unit administrators).
#[utoipa::path(post, path = "/api/v1/units/{unit}/downsizing", tag = "downsizing", params(("unit" = i64, Path, description = "unit id")), request_body = DownPlanBody, responses((status = 201, body = DownIdDto), (status = 422, body = ApiErr)))]
pub async fn create_plan(
    At(st, ctx, u): At,
    Json(b): Json<DownPlanBody>,
) -> WebResult<Created<DownIdDto>> {
    let r = st
        .app
        .down_create_plan(&ctx.actor, u.id, &b.title, &b.effective);
    Ok(Created(DownIdDto::of(r.await?).0))
}

/// A plan with its lines, figures (computed through the policy rules), totals and history.
#[utoipa::path(get, path = "/api/v1/units/{unit}/downsizing/{plan}", tag = "downsizing", params(("unit" = i64, Path, description = "unit id"), ("plan" = i64, Path, description = "plan id")), responses((status = 200, body = DownPlanDetailDto), (status = 404, body = ApiErr)))]
pub async fn get_plan(
    State(st): State<AppState>,
    InPlan { ctx, u, plan }: InPlan,
) -> WebResult<Json<DownPlanDetailDto>> {
    let v = st.app.down_plan(&ctx.actor, u.id, plan).await?;
    Ok(Json(DownPlanDetailDto {
        plan: DownPlanDto::of(&v.plan),
        lines: json_of(&v.lines)?,
        totals: json_of(&v.totals)?,
        events: json_of(&v.events)?,
    }))
}

/// Candidates for a plan, one page at a time: people without a post, staff of abolished
/// bodies and the identities picked, with every route's eligibility and figures.
#[utoipa::path(get, path = "/api/v1/units/{unit}/downsizing/{plan}/candidates", tag = "downsizing", params(("unit" = i64, Path, description = "unit id"), ("plan" = i64, Path, description = "plan id"), CandidateQuery), responses((status = 200, body = DownCandidatesDto), (status = 404, body = ApiErr), (status = 422, body = ApiErr)))]
pub async fn candidates(
    State(st): State<AppState>,
    InPlan { ctx, u, plan }: InPlan,
    Query(q): Query<CandidateQuery>,
) -> WebResult<Json<DownCandidatesDto>> {
    let ids: Vec<Identity> = q
        .identities
        .as_deref()
        .unwrap_or("")
        .split(',')
        .filter_map(|s| Identity::from_code(s.trim()))
        .collect();
    let lq = ListParams {
        q: q.q,
        page: q.page,
        per_page: q.per_page,
        ..ListParams::default()
    }
    .query()?;
    let c = st
        .app
        .down_candidates(&ctx.actor, u.id, plan, &ids, &lq)
        .await?;
    Ok(Json(DownCandidatesDto {
        items: json_of(&c.items)?,
        total: c.total,
        page: c.page,
        per_page: c.per_page,
    }))
}

/// Adds a line, or replaces the person's line (unit administrators; draft plans).
#[utoipa::path(post, path = "/api/v1/units/{unit}/downsizing/{plan}/lines", tag = "downsizing", params(("unit" = i64, Path, description = "unit id"), ("plan" = i64, Path, description = "plan id")), request_body = LineForm, responses((status = 201, body = DownIdDto), (status = 422, body = ApiErr)))]
pub async fn save_line(
    State(st): State<AppState>,
    InPlan { ctx, u, plan }: InPlan,
    Json(f): Json<LineForm>,
) -> WebResult<Created<DownIdDto>> {
    let id = st.app.down_save_line(&ctx.actor, u.id, plan, &f).await?;
    Ok(Created(DownIdDto::of(id).0))
}

/// Removes a line (unit administrators; draft plans).
#[utoipa::path(delete, path = "/api/v1/units/{unit}/downsizing/{plan}/lines/{line}", tag = "downsizing", params(("unit" = i64, Path, description = "unit id"), ("plan" = i64, Path, description = "plan id"), ("line" = i64, Path, description = "line id")), responses((status = 200, body = DownIdDto), (status = 404, body = ApiErr)))]
pub async fn delete_line(
    State(st): State<AppState>,
    InPlan { ctx, u, plan }: InPlan,
    Path(LineParam { line }): Path<LineParam>,
) -> WebResult<Json<DownIdDto>> {
    st.app
        .down_remove_line(&ctx.actor, u.id, plan, line)
        .await?;
    Ok(DownIdDto::of(line))
}

/// Submits a draft to the district (unit administrators).
#[utoipa::path(post, path = "/api/v1/units/{unit}/downsizing/{plan}/submit", tag = "downsizing", params(("unit" = i64, Path, description = "unit id"), ("plan" = i64, Path, description = "plan id")), responses((status = 200, body = DownIdDto), (status = 422, body = ApiErr)))]
pub async fn submit(
    State(st): State<AppState>,
    InPlan { ctx, u, plan }: InPlan,
) -> WebResult<Json<DownIdDto>> {
    st.app.down_submit(&ctx.actor, u.id, plan).await?;
    Ok(DownIdDto::of(plan))
}

/// Approves a submitted plan with its document number (district administrators).
#[utoipa::path(post, path = "/api/v1/units/{unit}/downsizing/{plan}/approve", tag = "downsizing", params(("unit" = i64, Path, description = "unit id"), ("plan" = i64, Path, description = "plan id")), request_body = DownStepBody, responses((status = 200, body = DownIdDto), (status = 422, body = ApiErr)))]
pub async fn approve(
    State(st): State<AppState>,
    InPlan { ctx, u, plan }: InPlan,
    Json(b): Json<DownStepBody>,
) -> WebResult<Json<DownIdDto>> {
    st.app
        .step_plan(&ctx.actor, u.id, plan, SimpleStep::Approve(&b.doc_no))
        .await?;
    Ok(DownIdDto::of(plan))
}

/// Rejects a submitted plan with a reason (district administrators).
#[utoipa::path(post, path = "/api/v1/units/{unit}/downsizing/{plan}/reject", tag = "downsizing", params(("unit" = i64, Path, description = "unit id"), ("plan" = i64, Path, description = "plan id")), request_body = DownStepBody, responses((status = 200, body = DownIdDto), (status = 422, body = ApiErr)))]
pub async fn reject(
    State(st): State<AppState>,
    InPlan { ctx, u, plan }: InPlan,
    Json(b): Json<DownStepBody>,
) -> WebResult<Json<DownIdDto>> {
    st.app
        .step_plan(&ctx.actor, u.id, plan, SimpleStep::Reject(&b.reason))
        .await?;
    Ok(DownIdDto::of(plan))
}

/// Takes a rejected plan back to draft (unit administrators).
#[utoipa::path(post, path = "/api/v1/units/{unit}/downsizing/{plan}/reopen", tag = "downsizing", params(("unit" = i64, Path, description = "unit id"), ("plan" = i64, Path, description = "plan id")), responses((status = 200, body = DownIdDto), (status = 422, body = ApiErr)))]
pub async fn reopen(
    State(st): State<AppState>,
    InPlan { ctx, u, plan }: InPlan,
) -> WebResult<Json<DownIdDto>> {
    st.app
        .step_plan(&ctx.actor, u.id, plan, SimpleStep::Reopen)
        .await?;
    Ok(DownIdDto::of(plan))
}

/// Applies an approved plan atomically (unit administrators).
#[utoipa::path(post, path = "/api/v1/units/{unit}/downsizing/{plan}/apply", tag = "downsizing", params(("unit" = i64, Path, description = "unit id"), ("plan" = i64, Path, description = "plan id")), responses((status = 200, body = DownIdDto), (status = 422, body = ApiErr)))]
pub async fn apply(
    State(st): State<AppState>,
    InPlan { ctx, u, plan }: InPlan,
) -> WebResult<Json<DownIdDto>> {
    st.app.down_apply(&ctx.actor, u.id, plan).await?;
    Ok(DownIdDto::of(plan))
}

/// The district summary: per unit the headcount cut of approved and applied plans.
#[utoipa::path(get, path = "/api/v1/downsizing", tag = "downsizing", responses((status = 200, body = Object), (status = 403, body = ApiErr)))]
pub async fn district(State(st): State<AppState>, ctx: Ctx) -> WebResult<Json<serde_json::Value>> {
    let s = st.app.down_district(&ctx.actor).await?;
    Ok(Json(json_of(&s)?))
}

/// This module's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    district,
    list_plans,
    create_plan,
    get_plan,
    candidates,
    save_line,
    delete_line,
    submit,
    approve,
    reject,
    reopen,
    apply
))]
pub struct Doc;
