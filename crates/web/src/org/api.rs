//! `/api/v1/units/{unit}/bodies…`, `/functions…`, `/org/…`, `/plans…` and `/api/v1/org/…`:
//! the organisation module's JSON API. Dates are `YYYY-MM-DD`; nested domain values
//! (structures, operations, previews) are returned as their JSON form.

use axum::extract::State;
use axum::response::IntoResponse;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use jiguan_app::org::{BodyForm, CapsForm, FunctionForm, OpForm, PlanRecord, SplitForm};
use jiguan_app::ports::Unit;
use jiguan_domain::org::{Body, BodyId, FunctionId, FunctionItem, PlanId};
use jiguan_domain::tenancy::UnitId;

use jiguan_app::workflow::SimpleStep;

use super::AtPlan;
use crate::AppState;
use crate::error::WebResult;
use crate::extract::{At, AtId, Created, Json, Path, Query};
use crate::guard::Ctx;
use crate::org::pages::{OrgQuery, date_param, on_date, structure_on};

type ApiErr = crate::error::ApiError;

#[derive(Debug, Serialize, ToSchema)]
pub struct BodyDto {
    pub id: i64,
    pub name: String,
    pub short_name: String,
    /// office, institute, centre, public_institution, enterprise_unit.
    pub kind: String,
    /// active, merged, abolished, converted.
    pub status: String,
    /// The absorbing body, when merged.
    pub successor: Option<i64>,
    pub parent: Option<i64>,
    pub establishment: i64,
    pub head: String,
    pub doc_no: String,
    /// Nameplate, establishment, seal and archives kept of bodies merged into this one.
    #[schema(value_type = Vec<Object>)]
    pub records: serde_json::Value,
}

impl BodyDto {
    pub fn of(b: &Body) -> Self {
        BodyDto {
            id: b.id.0,
            name: b.name.clone(),
            short_name: b.short_name.clone(),
            kind: b.kind.code().into(),
            status: b.status.code().into(),
            successor: b.status.successor().map(|s| s.0),
            parent: b.parent.map(|p| p.0),
            establishment: b.establishment,
            head: b.head.clone(),
            doc_no: b.doc_no.clone(),
            records: serde_json::to_value(&b.records).unwrap_or_default(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BodyVersionDto {
    pub valid_from: String,
    pub valid_to: Option<String>,
    pub body: BodyDto,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BodyDetailDto {
    pub body: BodyDto,
    pub history: Vec<BodyVersionDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FunctionDto {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub category: String,
    pub legal_basis: String,
    pub owners: Vec<i64>,
    /// keep, strengthen, weaken, remove, transfer; absent while not reviewed.
    pub decision: Option<String>,
    pub reason: String,
}

impl FunctionDto {
    pub fn of(f: &FunctionItem) -> Self {
        FunctionDto {
            id: f.id.0,
            code: f.code.clone(),
            title: f.title.clone(),
            category: f.category.code().into(),
            legal_basis: f.legal_basis.clone(),
            owners: f.owners.iter().map(|o| o.0).collect(),
            decision: f.decision.map(|d| d.code().into()),
            reason: f.reason.clone(),
        }
    }
}

/// A structure on a date with its analysis.
#[derive(Debug, Serialize, ToSchema)]
pub struct StructureDto {
    pub on: String,
    pub bodies: Vec<BodyDto>,
    pub functions: Vec<FunctionDto>,
    #[schema(value_type = Option<Object>)]
    pub caps: serde_json::Value,
    #[schema(value_type = Option<Object>)]
    pub split: serde_json::Value,
    #[schema(value_type = Object)]
    pub counts: serde_json::Value,
    /// Gaps, overreach and misplacement, each with its reason.
    #[schema(value_type = Vec<Object>)]
    pub issues: serde_json::Value,
    #[schema(value_type = Vec<Object>)]
    pub breaches: serde_json::Value,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PlanDto {
    pub id: i64,
    pub title: String,
    /// draft, submitted, approved, rejected, applied.
    pub status: String,
    #[schema(value_type = Vec<Object>)]
    pub ops: serde_json::Value,
    pub doc_no: String,
    pub reason: String,
    pub effective: Option<String>,
    pub created_by: String,
    pub decided_by: String,
}

impl PlanDto {
    pub fn of(p: &PlanRecord) -> Self {
        PlanDto {
            id: p.id.0,
            title: p.title.clone(),
            status: p.status.code().into(),
            ops: serde_json::to_value(&p.ops).unwrap_or_default(),
            doc_no: p.doc_no.clone(),
            reason: p.reason.clone(),
            effective: p.effective.map(|d| d.to_string()),
            created_by: p.created_by.clone(),
            decided_by: p.decided_by.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PlanDetailDto {
    pub plan: PlanDto,
    /// The date previewed.
    pub on: String,
    /// The structure after the operations, counts before/after, caps broken, issues.
    #[schema(value_type = Object)]
    pub preview: serde_json::Value,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IdDto {
    pub id: i64,
}

/// The answer of a write: the id of what it touched.
fn touched(id: impl Into<i64>) -> Json<IdDto> {
    Json(IdDto { id: id.into() })
}

/// The answer of a write that names what it touched.
type Touched = WebResult<Json<IdDto>>;

/// A workflow step of a plan; answers the plan's id.
async fn plan_step(
    st: &AppState,
    ctx: &Ctx,
    u: &Unit,
    plan: PlanId,
    step: SimpleStep<'_>,
) -> Touched {
    st.app.step_plan(&ctx.actor, u.id, plan, step).await?;
    Ok(touched(plan))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DateParams {
    /// YYYY-MM-DD (default today).
    pub on: Option<String>,
    /// First date compared.
    pub a: Option<String>,
    /// Second date compared.
    pub b: Option<String>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct BodyBody {
    pub name: String,
    pub short_name: String,
    pub kind: String,
    pub parent: Option<i64>,
    pub establishment: i64,
    pub head: String,
    /// YYYY-MM-DD; default today.
    pub valid_from: String,
    pub doc_no: String,
}

impl BodyBody {
    fn form(&self) -> BodyForm {
        BodyForm {
            name: self.name.clone(),
            short_name: self.short_name.clone(),
            kind: self.kind.clone(),
            parent: self.parent.map(|p| p.to_string()).unwrap_or_default(),
            establishment: self.establishment.to_string(),
            head: self.head.clone(),
            valid_from: self.valid_from.clone(),
            doc_no: self.doc_no.clone(),
        }
    }
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct FunctionBody {
    pub code: String,
    pub title: String,
    pub category: String,
    pub legal_basis: String,
    pub owners: Vec<i64>,
    pub decision: String,
    pub reason: String,
    pub valid_from: String,
}

impl FunctionBody {
    fn form(&self) -> FunctionForm {
        FunctionForm {
            code: self.code.clone(),
            title: self.title.clone(),
            category: self.category.clone(),
            legal_basis: self.legal_basis.clone(),
            owners: self.owners.iter().map(|o| o.to_string()).collect(),
            decision: self.decision.clone(),
            reason: self.reason.clone(),
            valid_from: self.valid_from.clone(),
        }
    }
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct CapsBody {
    pub max_bodies: Option<i64>,
    pub max_chiefs: Option<i64>,
    pub max_deputies: Option<i64>,
    pub doc_no: String,
    pub valid_from: String,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct SplitLineBody {
    pub body: i64,
    #[serde(default)]
    pub chiefs: i64,
    #[serde(default)]
    pub deputies: i64,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct SplitBody {
    #[serde(default)]
    pub phase: String,
    #[serde(default)]
    pub effective: String,
    #[serde(default)]
    pub lines: Vec<SplitLineBody>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct PlanBody {
    pub title: String,
}

/// An operation: `op` is create, rename, merge, abolish, convert or move_function; the
/// other fields as that operation needs (ids as numbers; bodies a plan creates have
/// negative ids -1, -2 … in the order created).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct OpBody {
    pub op: String,
    pub body: Option<i64>,
    pub name: String,
    pub short_name: String,
    pub kind: String,
    pub parent: Option<i64>,
    pub establishment: i64,
    pub sources: Vec<i64>,
    pub into: Option<i64>,
    pub item: Option<i64>,
    pub to: Option<i64>,
}

impl OpBody {
    fn form(&self) -> OpForm {
        let s = |v: Option<i64>| v.map(|x| x.to_string()).unwrap_or_default();
        OpForm {
            op: self.op.clone(),
            body: s(self.body),
            name: self.name.clone(),
            short_name: self.short_name.clone(),
            kind: self.kind.clone(),
            parent: s(self.parent),
            establishment: self.establishment.to_string(),
            sources: self.sources.iter().map(|x| x.to_string()).collect(),
            into: s(self.into),
            item: s(self.item),
            to: s(self.to),
        }
    }
}

/// The fields of workflow steps: `doc_no` (approve), `reason` (reject), `effective`
/// (apply).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct StepBody {
    pub doc_no: String,
    pub reason: String,
    pub effective: String,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct RulesBody {
    /// `kind:category` pairs, e.g. `public_institution:social_management`.
    pub rules: Vec<String>,
}

fn structure_dto(
    on: chrono::NaiveDate,
    s: &jiguan_domain::org::Structure,
    rules: &[jiguan_domain::org::KindRule],
) -> StructureDto {
    let issues = jiguan_domain::org::analysis::analyse(s, rules);
    StructureDto {
        on: on.to_string(),
        bodies: s.bodies.iter().map(BodyDto::of).collect(),
        functions: s.functions.iter().map(FunctionDto::of).collect(),
        caps: serde_json::to_value(&s.caps).unwrap_or_default(),
        split: serde_json::to_value(&s.split).unwrap_or_default(),
        counts: serde_json::to_value(s.counts()).unwrap_or_default(),
        issues: serde_json::to_value(&issues).unwrap_or_default(),
        breaches: serde_json::to_value(jiguan_domain::org::totals::cap_breaches(s))
            .unwrap_or_default(),
    }
}

/// The bodies of a unit on a date (default today).
#[utoipa::path(get, path = "/api/v1/units/{unit}/bodies", tag = "organisation", params(("unit" = i64, Path, description = "unit id"), DateParams), responses((status = 200, body = Vec<BodyDto>), (status = 404, body = ApiErr)))]
pub async fn list_bodies(
    At(st, ctx, u): At,
    Query(q): Query<OrgQuery>,
) -> WebResult<Json<Vec<BodyDto>>> {
    let (_, s) = structure_on(&st, &ctx, &u, &q).await?;
    Ok(Json(s.bodies.iter().map(BodyDto::of).collect()))
}

/// Records a body (unit administrators).
#[utoipa::path(post, path = "/api/v1/units/{unit}/bodies", tag = "organisation", params(("unit" = i64, Path, description = "unit id")), request_body = BodyBody, responses((status = 201, body = IdDto), (status = 422, body = ApiErr)))]
pub async fn create_body(At(st, ctx, u): At, Json(b): Json<BodyBody>) -> WebResult<Created<IdDto>> {
    let id = st.app.org_create_body(&ctx.actor, u.id, &b.form()).await?;
    Ok(Created(IdDto { id: id.0 }))
}

/// A body with its dated history.
#[utoipa::path(get, path = "/api/v1/units/{unit}/bodies/{body}", tag = "organisation", params(("unit" = i64, Path, description = "unit id"), ("body" = i64, Path, description = "body id")), responses((status = 200, body = BodyDetailDto), (status = 404, body = ApiErr)))]
pub async fn get_body(At(st, ctx, u): At, Path((_, body)): Path<(UnitId, BodyId)>) -> WebResult {
    let r = st
        .app
        .org_body(&ctx.actor, u.id, body)
        .await
        .map(|(b, h)| BodyDetailDto {
            body: BodyDto::of(&b),
            history: h
                .iter()
                .map(|v| BodyVersionDto {
                    valid_from: v.valid_from.to_string(),
                    valid_to: v.valid_to.map(|d| d.to_string()),
                    body: BodyDto::of(&v.body),
                })
                .collect(),
        });
    Ok(Json(r?).into_response())
}

/// Changes a body's attributes from a date (unit administrators).
#[utoipa::path(put, path = "/api/v1/units/{unit}/bodies/{body}", tag = "organisation", params(("unit" = i64, Path, description = "unit id"), ("body" = i64, Path, description = "body id")), request_body = BodyBody, responses((status = 200, body = IdDto), (status = 422, body = ApiErr)))]
pub async fn update_body(
    At(st, ctx, u): At,
    Path((_, body)): Path<(UnitId, BodyId)>,
    Json(b): Json<BodyBody>,
) -> Touched {
    st.app
        .org_edit_body(&ctx.actor, u.id, body, &b.form())
        .await?;
    Ok(touched(body))
}

/// The function catalogue on a date.
#[utoipa::path(get, path = "/api/v1/units/{unit}/functions", tag = "organisation", params(("unit" = i64, Path, description = "unit id"), DateParams), responses((status = 200, body = Vec<FunctionDto>), (status = 404, body = ApiErr)))]
pub async fn list_functions(
    At(st, ctx, u): At,
    Query(q): Query<OrgQuery>,
) -> WebResult<Json<Vec<FunctionDto>>> {
    let (_, s) = structure_on(&st, &ctx, &u, &q).await?;
    Ok(Json(s.functions.iter().map(FunctionDto::of).collect()))
}

/// Adds a function item (unit administrators).
#[utoipa::path(post, path = "/api/v1/units/{unit}/functions", tag = "organisation", params(("unit" = i64, Path, description = "unit id")), request_body = FunctionBody, responses((status = 201, body = IdDto), (status = 422, body = ApiErr)))]
pub async fn create_function(
    At(st, ctx, u): At,
    Json(b): Json<FunctionBody>,
) -> WebResult<Created<IdDto>> {
    let id = st
        .app
        .org_create_function(&ctx.actor, u.id, &b.form())
        .await?;
    Ok(Created(IdDto { id: id.0 }))
}

/// Changes a function item, its owners or its review (unit administrators).
#[utoipa::path(put, path = "/api/v1/units/{unit}/functions/{item}", tag = "organisation", params(("unit" = i64, Path, description = "unit id"), ("item" = i64, Path, description = "function item id")), request_body = FunctionBody, responses((status = 200, body = IdDto), (status = 422, body = ApiErr)))]
pub async fn update_function(
    At(st, ctx, u): At,
    Path((_, item)): Path<(UnitId, FunctionId)>,
    Json(b): Json<FunctionBody>,
) -> Touched {
    st.app
        .org_edit_function(&ctx.actor, u.id, item, &b.form())
        .await?;
    Ok(touched(item))
}

/// The structure on a date, with counts, caps broken and function issues.
#[utoipa::path(get, path = "/api/v1/units/{unit}/org/structure", tag = "organisation", params(("unit" = i64, Path, description = "unit id"), DateParams), responses((status = 200, body = StructureDto), (status = 404, body = ApiErr)))]
pub async fn structure(At(st, ctx, u): At, Query(q): Query<OrgQuery>) -> WebResult {
    let on = on_date(&st, &q);
    let r = match st.app.org_analysis(&ctx.actor, u.id, Some(on)).await {
        Ok((s, _, rules)) => Ok(structure_dto(on, &s, &rules)),
        Err(e) => Err(e),
    };
    Ok(Json(r?).into_response())
}

/// Two dates side by side.
#[utoipa::path(get, path = "/api/v1/units/{unit}/org/compare", tag = "organisation", params(("unit" = i64, Path, description = "unit id"), DateParams), responses((status = 200, body = Object), (status = 404, body = ApiErr)))]
pub async fn compare(At(st, ctx, u): At, Query(q): Query<OrgQuery>) -> WebResult {
    let today = st.app.org_today();
    let b = date_param(&q.b, today);
    let a = date_param(&q.a, b);
    let r = st
        .app
        .org_compare(&ctx.actor, u.id, a, b)
        .await
        .map(|(_, _, c)| serde_json::json!({"a": a, "b": b, "comparison": c}));
    Ok(Json(r?).into_response())
}

/// Caps over time, splits by phase, and today's use.
#[utoipa::path(get, path = "/api/v1/units/{unit}/org/totals", tag = "organisation", params(("unit" = i64, Path, description = "unit id")), responses((status = 200, body = Object), (status = 404, body = ApiErr)))]
pub async fn totals(At(st, ctx, u): At) -> WebResult {
    let r = st.app.org_totals(&ctx.actor, u.id).await.map(|t| {
        serde_json::json!({"caps": t.caps, "splits": t.splits, "counts": t.now.counts(),
            "breaches": jiguan_domain::org::totals::cap_breaches(&t.now)})
    });
    Ok(Json(r?).into_response())
}

/// Sets a unit's approved totals from a date (district administrators).
#[utoipa::path(put, path = "/api/v1/units/{unit}/org/caps", tag = "organisation", params(("unit" = i64, Path, description = "unit id")), request_body = CapsBody, responses((status = 200, body = IdDto), (status = 422, body = ApiErr)))]
pub async fn set_caps(At(st, ctx, u): At, Json(b): Json<CapsBody>) -> Touched {
    let n = |v: Option<i64>| v.map(|x| x.to_string()).unwrap_or_default();
    let f = CapsForm {
        max_bodies: n(b.max_bodies),
        max_chiefs: n(b.max_chiefs),
        max_deputies: n(b.max_deputies),
        doc_no: b.doc_no.clone(),
        valid_from: b.valid_from.clone(),
    };
    st.app.org_set_caps(&ctx.actor, u.id, &f).await?;
    Ok(touched(u.id))
}

/// Splits the middle posts among the bodies for a phase (unit administrators); refused
/// when a sum exceeds its cap.
#[utoipa::path(put, path = "/api/v1/units/{unit}/org/split", tag = "organisation", params(("unit" = i64, Path, description = "unit id")), request_body = SplitBody, responses((status = 200, body = IdDto), (status = 422, body = ApiErr)))]
pub async fn set_split(At(st, ctx, u): At, Json(b): Json<SplitBody>) -> Touched {
    let f = SplitForm {
        phase: b.phase.clone(),
        effective: b.effective.clone(),
        lines: b
            .lines
            .iter()
            .map(|l| {
                (
                    l.body.to_string(),
                    l.chiefs.to_string(),
                    l.deputies.to_string(),
                )
            })
            .collect(),
    };
    st.app.org_save_split(&ctx.actor, u.id, &f).await?;
    Ok(touched(u.id))
}

/// The plans of a unit, newest first.
#[utoipa::path(get, path = "/api/v1/units/{unit}/plans", tag = "organisation", params(("unit" = i64, Path, description = "unit id")), responses((status = 200, body = Vec<PlanDto>), (status = 404, body = ApiErr)))]
pub async fn list_plans(At(st, ctx, u): At) -> WebResult {
    let r = st
        .app
        .org_plans(&ctx.actor, u.id)
        .await
        .map(|ps| ps.iter().map(PlanDto::of).collect::<Vec<_>>());
    Ok(Json(r?).into_response())
}

/// Starts a draft plan (unit administrators).
#[utoipa::path(post, path = "/api/v1/units/{unit}/plans", tag = "organisation", params(("unit" = i64, Path, description = "unit id")), request_body = PlanBody, responses((status = 201, body = IdDto), (status = 422, body = ApiErr)))]
pub async fn create_plan(At(st, ctx, u): At, Json(b): Json<PlanBody>) -> WebResult<Created<IdDto>> {
    let id = st.app.org_create_plan(&ctx.actor, u.id, &b.title).await?;
    Ok(Created(IdDto { id: id.0 }))
}

/// A plan with its preview.
#[utoipa::path(get, path = "/api/v1/units/{unit}/plans/{plan}", tag = "organisation", params(("unit" = i64, Path, description = "unit id"), ("plan" = i64, Path, description = "plan id")), responses((status = 200, body = PlanDetailDto), (status = 404, body = ApiErr)))]
pub async fn get_plan(AtId(st, ctx, u, plan): AtPlan) -> WebResult {
    let r = st
        .app
        .org_plan(&ctx.actor, u.id, plan)
        .await
        .map(|v| PlanDetailDto {
            plan: PlanDto::of(&v.plan),
            on: v.on.to_string(),
            preview: serde_json::json!({
                "after": v.after,
                "error": v.error.as_ref().map(|e| e.field_error()),
                "comparison": v.comparison,
                "issues_after": v.issues_after,
            }),
        });
    Ok(Json(r?).into_response())
}

/// Adds an operation to a draft (unit administrators).
#[utoipa::path(post, path = "/api/v1/units/{unit}/plans/{plan}/ops", tag = "organisation", params(("unit" = i64, Path, description = "unit id"), ("plan" = i64, Path, description = "plan id")), request_body = OpBody, responses((status = 200, body = IdDto), (status = 422, body = ApiErr)))]
pub async fn add_op(AtId(st, ctx, u, plan): AtPlan, Json(b): Json<OpBody>) -> Touched {
    st.app.org_add_op(&ctx.actor, u.id, plan, &b.form()).await?;
    Ok(touched(plan))
}

/// Submits a draft to the district (unit administrators).
#[utoipa::path(post, path = "/api/v1/units/{unit}/plans/{plan}/submit", tag = "organisation", params(("unit" = i64, Path, description = "unit id"), ("plan" = i64, Path, description = "plan id")), request_body = StepBody, responses((status = 200, body = IdDto), (status = 422, body = ApiErr)))]
pub async fn submit_plan(AtId(st, ctx, u, plan): AtPlan) -> Touched {
    st.app.org_submit_plan(&ctx.actor, u.id, plan).await?;
    Ok(touched(plan))
}

/// Approves a submitted plan with its document number (district administrators).
#[utoipa::path(post, path = "/api/v1/units/{unit}/plans/{plan}/approve", tag = "organisation", params(("unit" = i64, Path, description = "unit id"), ("plan" = i64, Path, description = "plan id")), request_body = StepBody, responses((status = 200, body = IdDto), (status = 422, body = ApiErr)))]
pub async fn approve_plan(AtId(st, ctx, u, plan): AtPlan, Json(b): Json<StepBody>) -> Touched {
    plan_step(&st, &ctx, &u, plan, SimpleStep::Approve(&b.doc_no)).await
}

/// Rejects a submitted plan with a reason (district administrators).
#[utoipa::path(post, path = "/api/v1/units/{unit}/plans/{plan}/reject", tag = "organisation", params(("unit" = i64, Path, description = "unit id"), ("plan" = i64, Path, description = "plan id")), request_body = StepBody, responses((status = 200, body = IdDto), (status = 422, body = ApiErr)))]
pub async fn reject_plan(AtId(st, ctx, u, plan): AtPlan, Json(b): Json<StepBody>) -> Touched {
    plan_step(&st, &ctx, &u, plan, SimpleStep::Reject(&b.reason)).await
}

/// Applies an approved plan from its effective date, atomically (district administrators).
#[utoipa::path(post, path = "/api/v1/units/{unit}/plans/{plan}/apply", tag = "organisation", params(("unit" = i64, Path, description = "unit id"), ("plan" = i64, Path, description = "plan id")), request_body = StepBody, responses((status = 200, body = IdDto), (status = 422, body = ApiErr)))]
pub async fn apply_plan(AtId(st, ctx, u, plan): AtPlan, Json(b): Json<StepBody>) -> Touched {
    st.app
        .org_apply_plan(&ctx.actor, u.id, plan, &b.effective)
        .await?;
    Ok(touched(plan))
}

/// Each visible unit's use of its totals.
#[utoipa::path(get, path = "/api/v1/org/units", tag = "organisation", responses((status = 200, body = [Object])))]
pub async fn district(State(st): State<AppState>, ctx: Ctx) -> WebResult {
    let r = st.app.org_district(&ctx.actor).await;
    Ok(Json(r?).into_response())
}

/// Replaces the district's kind rules (district administrators).
#[utoipa::path(put, path = "/api/v1/org/rules", tag = "organisation", request_body = RulesBody, responses((status = 200, body = [Object]), (status = 422, body = ApiErr)))]
pub async fn set_rules(
    State(st): State<AppState>,
    ctx: Ctx,
    Json(b): Json<RulesBody>,
) -> WebResult {
    let r = match st.app.org_set_rules(&ctx.actor, &b.rules).await {
        Ok(()) => st.app.org_rules(&ctx.actor).await,
        Err(e) => Err(e),
    };
    Ok(Json(r?).into_response())
}

/// This module's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    list_bodies,
    create_body,
    get_body,
    update_body,
    list_functions,
    create_function,
    update_function,
    structure,
    compare,
    totals,
    set_caps,
    set_split,
    list_plans,
    create_plan,
    get_plan,
    add_op,
    submit_plan,
    approve_plan,
    reject_plan,
    apply_plan,
    district,
    set_rules
))]
pub struct Doc;
