//! `/api/v1/…/pay…`: the pay module's JSON API. Money is shown as yuan strings with two
//! places (`"16738.20"`); grades by code (excellent, competent, basic, incompetent).

use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use jiguan_app::pay::RunView;
use jiguan_app::workflow::SimpleStep;
use jiguan_domain::pay::{LineForm, PoolForm};

use super::RunParam;
use crate::AppState;
use crate::error::WebResult;
use crate::extract::{At, Created, Json, Path};
use crate::guard::Ctx;

type ApiErr = crate::error::ApiError;

/// A line of a run with its computed share and bonus (empty until computed).
#[derive(Debug, Serialize, ToSchema)]
pub struct PayLineDto {
    pub person_id: i64,
    pub name: String,
    pub grade: String,
    /// `manual` or `import`.
    pub source: String,
    pub post_coef: String,
    pub months: u32,
    pub basic_salary: String,
    pub grade_coef: Option<String>,
    pub weight: Option<String>,
    pub share: Option<String>,
    pub bonus: Option<String>,
}

/// A pay run.
#[derive(Debug, Serialize, ToSchema)]
pub struct PayRunDto {
    pub id: i64,
    pub unit_id: i64,
    pub year: i32,
    /// draft, submitted, approved, rejected, applied.
    pub status: String,
    pub reason: String,
    /// The district's pool now set (yuan).
    pub pool: Option<String>,
    /// Whether every line is computed from the pool now set.
    pub computed: bool,
    pub total: Option<String>,
    pub bonus_total: String,
    /// Highest over lowest non-zero share.
    pub ratio: Option<String>,
    pub gini: Option<String>,
    pub lines: Vec<PayLineDto>,
}

impl PayRunDto {
    fn of(v: &RunView) -> Self {
        PayRunDto {
            id: v.run.id.0,
            unit_id: v.run.unit_id.0,
            year: v.run.year,
            status: v.run.status.code().into(),
            reason: v.run.reason.clone(),
            pool: v.pool.as_ref().map(|p| p.amount.to_string()),
            computed: v.computed,
            total: v.spread.as_ref().map(|s| s.total.to_string()),
            bonus_total: v.bonus_total.to_string(),
            ratio: v
                .spread
                .as_ref()
                .and_then(|s| s.ratio)
                .map(|r| r.to_string()),
            gini: v.spread.as_ref().map(|s| s.gini.to_string()),
            lines: v
                .lines
                .iter()
                .map(|l| {
                    let r = l.result.as_ref();
                    PayLineDto {
                        person_id: l.person_id,
                        name: l.name.clone(),
                        grade: l.grade.code().into(),
                        source: l.source.clone(),
                        post_coef: l.post_coef.to_string(),
                        months: l.months,
                        basic_salary: l.basic_salary.to_string(),
                        grade_coef: r.map(|r| r.grade_coef.to_string()),
                        weight: r.map(|r| r.weight.clone()),
                        share: r.map(|r| r.share.to_string()),
                        bonus: r.map(|r| r.bonus.to_string()),
                    }
                })
                .collect(),
        }
    }
}

/// One unit of the district report.
#[derive(Debug, Serialize, ToSchema)]
pub struct PayUnitDto {
    pub unit_id: i64,
    pub unit_name: String,
    pub pool: String,
    pub people: u32,
    pub max: String,
    pub min_nonzero: String,
    pub ratio: Option<String>,
    pub gini: String,
    /// Mean share per grade code.
    pub mean_by_grade: Vec<(String, String)>,
}

/// The district report for a year.
#[derive(Debug, Serialize, ToSchema)]
pub struct PayReportDto {
    pub year: i32,
    pub units: Vec<PayUnitDto>,
    /// Mean share of each grade over the mean share of 称职 (1 = 大锅饭).
    pub grade_index: Vec<(String, String)>,
}

/// The year of a report or pool.
#[derive(Deserialize)]
pub struct YearParam {
    pub year: i32,
}

/// The district's report: each unit's spread and pay by grade.
#[utoipa::path(get, path = "/api/v1/pay/{year}", tag = "pay", params(("year" = i32, Path, description = "year")), responses((status = 200, body = PayReportDto), (status = 403, body = ApiErr)))]
pub async fn report(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(p): Path<YearParam>,
) -> WebResult<Json<PayReportDto>> {
    let r = st.app.pay_report(&ctx.actor, p.year).await?;
    Ok(Json(report_dto(&r)))
}

/// The report as the API (and `jiguan pay report`) gives it: money as yuan strings.
pub fn report_dto(r: &jiguan_app::pay::DistrictReport) -> PayReportDto {
    PayReportDto {
        year: r.year,
        units: r
            .units
            .iter()
            .map(|u| PayUnitDto {
                unit_id: u.unit_id.0,
                unit_name: u.unit_name.clone(),
                pool: u.pool.to_string(),
                people: u.spread.count,
                max: u.spread.max.to_string(),
                min_nonzero: u.spread.min_nonzero.to_string(),
                ratio: u.spread.ratio.map(|x| x.to_string()),
                gini: u.spread.gini.to_string(),
                mean_by_grade: u
                    .by_grade
                    .iter()
                    .map(|g| (g.grade.code().to_string(), g.mean.to_string()))
                    .collect(),
            })
            .collect(),
        grade_index: r
            .grade_index
            .iter()
            .map(|(g, i)| (g.code().to_string(), i.to_string()))
            .collect(),
    }
}

/// A pool as sent: `basis` per_head (per_head, headcount, unit_coef) or fixed (amount).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct PayPoolBody {
    pub basis: String,
    pub per_head: String,
    pub headcount: String,
    pub unit_coef: String,
    pub amount: String,
}

impl PayPoolBody {
    /// The pool as the use case takes it.
    fn form(self) -> PoolForm {
        PoolForm {
            basis: self.basis,
            per_head: self.per_head,
            headcount: self.headcount,
            unit_coef: self.unit_coef,
            amount: self.amount,
        }
    }
}

/// The pool set, in yuan.
#[derive(Debug, Serialize, ToSchema)]
pub struct PayPoolDto {
    pub year: i32,
    pub amount: String,
}

#[derive(Deserialize)]
pub struct UnitYearParam {
    pub year: i32,
}

/// Sets a unit's pool for a year (district administrators).
#[utoipa::path(put, path = "/api/v1/units/{unit}/pay/pools/{year}", tag = "pay", params(("unit" = i64, Path, description = "unit id"), ("year" = i32, Path, description = "year")), request_body = PayPoolBody, responses((status = 200, body = PayPoolDto), (status = 422, body = ApiErr)))]
pub async fn set_pool(
    At(st, ctx, u): At,
    Path(p): Path<UnitYearParam>,
    Json(b): Json<PayPoolBody>,
) -> WebResult<Json<PayPoolDto>> {
    let m = st
        .app
        .set_pay_pool(&ctx.actor, u.id, p.year, &b.form())
        .await?;
    Ok(Json(PayPoolDto {
        year: p.year,
        amount: m.to_string(),
    }))
}

/// A new run's year.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PayRunBody {
    pub year: i32,
}

/// Creates the unit's run for a year (unit HR).
#[utoipa::path(post, path = "/api/v1/units/{unit}/pay", tag = "pay", params(("unit" = i64, Path, description = "unit id")), request_body = PayRunBody, responses((status = 201, body = PayRunDto), (status = 422, body = ApiErr)))]
pub async fn create(
    At(st, ctx, u): At,
    Json(b): Json<PayRunBody>,
) -> WebResult<Created<PayRunDto>> {
    let id = st.app.create_pay_run(&ctx.actor, u.id, b.year).await?;
    Ok(Created(PayRunDto::of(
        &st.app.pay_run(&ctx.actor, u.id, id).await?,
    )))
}

/// A run with its lines, shares and spread.
#[utoipa::path(get, path = "/api/v1/units/{unit}/pay/{plan}", tag = "pay", params(("unit" = i64, Path, description = "unit id"), ("plan" = i64, Path, description = "run id")), responses((status = 200, body = PayRunDto), (status = 404, body = ApiErr)))]
pub async fn get_run(At(st, ctx, u): At, Path(p): Path<RunParam>) -> WebResult<Json<PayRunDto>> {
    Ok(Json(PayRunDto::of(
        &st.app.pay_run(&ctx.actor, u.id, p.plan).await?,
    )))
}

/// A line as sent (grade by code or Chinese label; post_coef empty: from the post level).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct PayLineBody {
    pub person_id: String,
    pub grade: String,
    pub post_coef: String,
    pub months: String,
    pub basic_salary: String,
}

/// Lines to import: all or nothing, errors named `rows[i].field`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PayLinesBody {
    pub rows: Vec<PayLineBody>,
}

/// Imports grades and factors (unit HR); the run must be a draft.
#[utoipa::path(post, path = "/api/v1/units/{unit}/pay/{plan}/lines", tag = "pay", params(("unit" = i64, Path, description = "unit id"), ("plan" = i64, Path, description = "run id")), request_body = PayLinesBody, responses((status = 200, body = PayRunDto), (status = 422, body = ApiErr)))]
pub async fn import_lines(
    At(st, ctx, u): At,
    Path(p): Path<RunParam>,
    Json(b): Json<PayLinesBody>,
) -> WebResult<Json<PayRunDto>> {
    let rows: Vec<LineForm> = b
        .rows
        .into_iter()
        .map(|r| LineForm {
            person_id: r.person_id,
            grade: r.grade,
            post_coef: r.post_coef,
            months: r.months,
            basic_salary: r.basic_salary,
        })
        .collect();
    st.app
        .import_pay_lines(&ctx.actor, u.id, p.plan, &rows)
        .await?;
    get_run(At(st, ctx, u), Path(p)).await
}

/// Computes the shares to the fen from the district's pool (unit HR).
#[utoipa::path(post, path = "/api/v1/units/{unit}/pay/{plan}/compute", tag = "pay", params(("unit" = i64, Path, description = "unit id"), ("plan" = i64, Path, description = "run id")), responses((status = 200, body = PayRunDto), (status = 422, body = ApiErr)))]
pub async fn compute(At(st, ctx, u): At, Path(p): Path<RunParam>) -> WebResult<Json<PayRunDto>> {
    st.app.compute_pay_run(&ctx.actor, u.id, p.plan).await?;
    get_run(At(st, ctx, u), Path(p)).await
}

/// Submits a computed run to the unit's leadership (unit HR).
#[utoipa::path(post, path = "/api/v1/units/{unit}/pay/{plan}/submit", tag = "pay", params(("unit" = i64, Path, description = "unit id"), ("plan" = i64, Path, description = "run id")), responses((status = 200, body = PayRunDto), (status = 422, body = ApiErr)))]
pub async fn submit(At(st, ctx, u): At, Path(p): Path<RunParam>) -> WebResult<Json<PayRunDto>> {
    st.app.submit_pay_run(&ctx.actor, u.id, p.plan).await?;
    get_run(At(st, ctx, u), Path(p)).await
}

/// Approves a submitted run (unit leadership).
#[utoipa::path(post, path = "/api/v1/units/{unit}/pay/{plan}/approve", tag = "pay", params(("unit" = i64, Path, description = "unit id"), ("plan" = i64, Path, description = "run id")), responses((status = 200, body = PayRunDto), (status = 422, body = ApiErr)))]
pub async fn approve(At(st, ctx, u): At, Path(p): Path<RunParam>) -> WebResult<Json<PayRunDto>> {
    st.app.approve_pay_run(&ctx.actor, u.id, p.plan).await?;
    get_run(At(st, ctx, u), Path(p)).await
}

/// A rejection's reason.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct PayReasonBody {
    pub reason: String,
}

/// Rejects a submitted run with a reason (unit leadership).
#[utoipa::path(post, path = "/api/v1/units/{unit}/pay/{plan}/reject", tag = "pay", params(("unit" = i64, Path, description = "unit id"), ("plan" = i64, Path, description = "run id")), request_body = PayReasonBody, responses((status = 200, body = PayRunDto), (status = 422, body = ApiErr)))]
pub async fn reject(
    At(st, ctx, u): At,
    Path(p): Path<RunParam>,
    Json(b): Json<PayReasonBody>,
) -> WebResult<Json<PayRunDto>> {
    st.app
        .step_plan(&ctx.actor, u.id, p.plan, SimpleStep::Reject(&b.reason))
        .await?;
    get_run(At(st, ctx, u), Path(p)).await
}

/// Pays out an approved run (unit HR).
#[utoipa::path(post, path = "/api/v1/units/{unit}/pay/{plan}/apply", tag = "pay", params(("unit" = i64, Path, description = "unit id"), ("plan" = i64, Path, description = "run id")), responses((status = 200, body = PayRunDto), (status = 422, body = ApiErr)))]
pub async fn apply(At(st, ctx, u): At, Path(p): Path<RunParam>) -> WebResult<Json<PayRunDto>> {
    st.app.apply_pay_run(&ctx.actor, u.id, p.plan).await?;
    get_run(At(st, ctx, u), Path(p)).await
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(
    report,
    set_pool,
    create,
    get_run,
    import_lines,
    compute,
    submit,
    approve,
    reject,
    apply
))]
pub struct Doc;
