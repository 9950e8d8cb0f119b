//! `/api/v1/units/{unit}/downsizing…` and `/api/v1/downsizing`: the downsizing module's JSON
//! API. Money is in fen (integers); dates are `YYYY-MM-DD`; plan details (lines with their
//! figures, totals, history) are returned as their JSON form.

use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use jiguan_app::downsizing::{LineForm, PlanRecord};
use jiguan_domain::people::Identity;
use jiguan_domain::tenancy::UnitId;

use crate::AppState;
use crate::api::{ApiJson, created, reply};
use crate::guard::Ctx;

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
            id: p.id,
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
    #[schema(value_type = Object)]
    pub lines: serde_json::Value,
    /// Headcount cut by identity and by route, share, one-off, saving, break-even months.
    #[schema(value_type = Object)]
    pub totals: serde_json::Value,
    #[schema(value_type = Object)]
    pub events: serde_json::Value,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DownIdDto {
    pub id: i64,
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
pub struct DownLineBody {
    /// The person's id.
    pub person: String,
    /// redeploy, early_retirement, leave_post, release, new_contract.
    pub route: String,
    /// Contract term in years (new_contract).
    pub term_years: String,
    pub note: String,
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
pub struct CandidateQuery {
    /// Identity codes picked, comma separated (e.g. `temporary,enterprise_hire`).
    pub identities: Option<String>,
}

/// The plans of a unit, newest first.
#[utoipa::path(get, path = "/api/v1/units/{unit}/downsizing", tag = "downsizing", params(("unit" = i64, Path, description = "unit id")), responses((status = 200, body = Vec<DownPlanDto>), (status = 404, body = ApiErr)))]
pub async fn list_plans(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(unit): Path<i64>,
) -> Response {
    let r = st
        .app
        .down_plans(&ctx.actor, UnitId(unit))
        .await
        .map(|ps| ps.iter().map(DownPlanDto::of).collect::<Vec<_>>());
    reply(&ctx, r)
}

/// Starts a draft plan (unit administrators).
#[utoipa::path(post, path = "/api/v1/units/{unit}/downsizing", tag = "downsizing", params(("unit" = i64, Path, description = "unit id")), request_body = DownPlanBody, responses((status = 201, body = DownIdDto), (status = 422, body = ApiErr)))]
pub async fn create_plan(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(unit): Path<i64>,
    ApiJson(b): ApiJson<DownPlanBody>,
) -> Response {
    let r = st
        .app
        .down_create_plan(&ctx.actor, UnitId(unit), &b.title, &b.effective)
        .await
        .map(|id| DownIdDto { id });
    created(&ctx, r)
}

/// A plan with its lines, figures (computed through the policy rules), totals and history.
#[utoipa::path(get, path = "/api/v1/units/{unit}/downsizing/{plan}", tag = "downsizing", params(("unit" = i64, Path, description = "unit id"), ("plan" = i64, Path, description = "plan id")), responses((status = 200, body = DownPlanDetailDto), (status = 404, body = ApiErr)))]
pub async fn get_plan(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((unit, plan)): Path<(i64, i64)>,
) -> Response {
    let r = st
        .app
        .down_plan(&ctx.actor, UnitId(unit), plan)
        .await
        .map(|v| DownPlanDetailDto {
            plan: DownPlanDto::of(&v.plan),
            lines: serde_json::to_value(&v.lines).unwrap_or_default(),
            totals: serde_json::to_value(&v.totals).unwrap_or_default(),
            events: serde_json::to_value(&v.events).unwrap_or_default(),
        });
    reply(&ctx, r)
}

/// Candidates for a plan: people without a post, staff of abolished bodies and the
/// identities picked, with every route's eligibility and figures.
#[utoipa::path(get, path = "/api/v1/units/{unit}/downsizing/{plan}/candidates", tag = "downsizing", params(("unit" = i64, Path, description = "unit id"), ("plan" = i64, Path, description = "plan id"), CandidateQuery), responses((status = 200, body = Object), (status = 404, body = ApiErr)))]
pub async fn candidates(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((unit, plan)): Path<(i64, i64)>,
    Query(q): Query<CandidateQuery>,
) -> Response {
    let ids: Vec<Identity> = q
        .identities
        .as_deref()
        .unwrap_or("")
        .split(',')
        .filter_map(|s| Identity::from_code(s.trim()))
        .collect();
    let r = st
        .app
        .down_candidates(&ctx.actor, UnitId(unit), plan, &ids)
        .await
        .map(|c| serde_json::to_value(&c).unwrap_or_default());
    reply(&ctx, r)
}

/// Adds a line, or replaces the person's line (unit administrators; draft plans).
#[utoipa::path(post, path = "/api/v1/units/{unit}/downsizing/{plan}/lines", tag = "downsizing", params(("unit" = i64, Path, description = "unit id"), ("plan" = i64, Path, description = "plan id")), request_body = DownLineBody, responses((status = 201, body = DownIdDto), (status = 422, body = ApiErr)))]
pub async fn save_line(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((unit, plan)): Path<(i64, i64)>,
    ApiJson(b): ApiJson<DownLineBody>,
) -> Response {
    let f = LineForm {
        person: b.person,
        route: b.route,
        term_years: b.term_years,
        note: b.note,
    };
    let r = st
        .app
        .down_save_line(&ctx.actor, UnitId(unit), plan, &f)
        .await
        .map(|id| DownIdDto { id });
    created(&ctx, r)
}

/// Removes a line (unit administrators; draft plans).
#[utoipa::path(delete, path = "/api/v1/units/{unit}/downsizing/{plan}/lines/{line}", tag = "downsizing", params(("unit" = i64, Path, description = "unit id"), ("plan" = i64, Path, description = "plan id"), ("line" = i64, Path, description = "line id")), responses((status = 200, body = DownIdDto), (status = 404, body = ApiErr)))]
pub async fn delete_line(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((unit, plan, line)): Path<(i64, i64, i64)>,
) -> Response {
    let r = st
        .app
        .down_remove_line(&ctx.actor, UnitId(unit), plan, line)
        .await
        .map(|()| DownIdDto { id: line });
    reply(&ctx, r)
}

/// Submits a draft to the district (unit administrators).
#[utoipa::path(post, path = "/api/v1/units/{unit}/downsizing/{plan}/submit", tag = "downsizing", params(("unit" = i64, Path, description = "unit id"), ("plan" = i64, Path, description = "plan id")), responses((status = 200, body = DownIdDto), (status = 422, body = ApiErr)))]
pub async fn submit(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((unit, plan)): Path<(i64, i64)>,
) -> Response {
    let r = st
        .app
        .down_submit(&ctx.actor, UnitId(unit), plan)
        .await
        .map(|()| DownIdDto { id: plan });
    reply(&ctx, r)
}

/// Approves a submitted plan with its document number (district administrators).
#[utoipa::path(post, path = "/api/v1/units/{unit}/downsizing/{plan}/approve", tag = "downsizing", params(("unit" = i64, Path, description = "unit id"), ("plan" = i64, Path, description = "plan id")), request_body = DownStepBody, responses((status = 200, body = DownIdDto), (status = 422, body = ApiErr)))]
pub async fn approve(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((unit, plan)): Path<(i64, i64)>,
    ApiJson(b): ApiJson<DownStepBody>,
) -> Response {
    let r = st
        .app
        .down_approve(&ctx.actor, UnitId(unit), plan, &b.doc_no)
        .await
        .map(|()| DownIdDto { id: plan });
    reply(&ctx, r)
}

/// Rejects a submitted plan with a reason (district administrators).
#[utoipa::path(post, path = "/api/v1/units/{unit}/downsizing/{plan}/reject", tag = "downsizing", params(("unit" = i64, Path, description = "unit id"), ("plan" = i64, Path, description = "plan id")), request_body = DownStepBody, responses((status = 200, body = DownIdDto), (status = 422, body = ApiErr)))]
pub async fn reject(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((unit, plan)): Path<(i64, i64)>,
    ApiJson(b): ApiJson<DownStepBody>,
) -> Response {
    let r = st
        .app
        .down_reject(&ctx.actor, UnitId(unit), plan, &b.reason)
        .await
        .map(|()| DownIdDto { id: plan });
    reply(&ctx, r)
}

/// Takes a rejected plan back to draft (unit administrators).
#[utoipa::path(post, path = "/api/v1/units/{unit}/downsizing/{plan}/reopen", tag = "downsizing", params(("unit" = i64, Path, description = "unit id"), ("plan" = i64, Path, description = "plan id")), responses((status = 200, body = DownIdDto), (status = 422, body = ApiErr)))]
pub async fn reopen(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((unit, plan)): Path<(i64, i64)>,
) -> Response {
    let r = st
        .app
        .down_reopen(&ctx.actor, UnitId(unit), plan)
        .await
        .map(|()| DownIdDto { id: plan });
    reply(&ctx, r)
}

/// Applies an approved plan atomically (unit administrators).
#[utoipa::path(post, path = "/api/v1/units/{unit}/downsizing/{plan}/apply", tag = "downsizing", params(("unit" = i64, Path, description = "unit id"), ("plan" = i64, Path, description = "plan id")), responses((status = 200, body = DownIdDto), (status = 422, body = ApiErr)))]
pub async fn apply(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((unit, plan)): Path<(i64, i64)>,
) -> Response {
    let r = st
        .app
        .down_apply(&ctx.actor, UnitId(unit), plan)
        .await
        .map(|()| DownIdDto { id: plan });
    reply(&ctx, r)
}

/// The district summary: per unit the headcount cut of approved and applied plans.
#[utoipa::path(get, path = "/api/v1/downsizing", tag = "downsizing", responses((status = 200, body = Object), (status = 403, body = ApiErr)))]
pub async fn district(State(st): State<AppState>, Extension(ctx): Extension<Ctx>) -> Response {
    let r = st
        .app
        .down_district(&ctx.actor)
        .await
        .map(|s| serde_json::to_value(&s).unwrap_or_default());
    reply(&ctx, r)
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
