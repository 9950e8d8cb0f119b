//! `/api/v1/report` and `/api/v1/units/{unit}/report`: the reform results as JSON. Money is
//! in fen (integers); dates are `YYYY-MM-DD`; each section lists its lines with `before`,
//! `after`, `approved`, `pending` and the `trace_*` of the records a figure counts.

use axum::extract::State;
use serde::Deserialize;
use utoipa::IntoParams;

use jiguan_app::AppError;
use jiguan_app::report::ReportForm;

use crate::AppState;
use crate::error::WebResult;
use crate::extract::{At, Json, Query};
use crate::guard::Ctx;

type ApiErr = crate::error::ApiError;

/// The report's dates; empty: the reform's start (the first approved total or body
/// version) and today.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
pub struct ReportParams {
    /// YYYY-MM-DD: "before" is counted on this date.
    pub from: String,
    /// YYYY-MM-DD: "after" is counted on this date; changes dated after it are not counted.
    pub to: String,
}

impl ReportParams {
    fn form(&self) -> ReportForm {
        ReportForm {
            from: self.from.clone(),
            to: self.to.clone(),
        }
    }
}

fn json_of<T: serde::Serialize>(v: &T) -> WebResult<Json<serde_json::Value>> {
    Ok(Json(
        serde_json::to_value(v).map_err(|e| AppError::Internal(e.to_string()))?,
    ))
}

/// A unit's report: `unit`, `period`, `figures` (`headline`, `flags`, `sections`).
#[utoipa::path(get, path = "/api/v1/units/{unit}/report", tag = "report", params(("unit" = i64, Path, description = "unit id"), ReportParams), responses((status = 200, body = Object), (status = 404, body = ApiErr), (status = 422, body = ApiErr)))]
pub async fn unit(
    At(st, ctx, u): At,
    Query(q): Query<ReportParams>,
) -> WebResult<Json<serde_json::Value>> {
    json_of(&st.app.report_unit(&ctx.actor, u.id, &q.form()).await?)
}

/// The district's report: every unit's figures and the district's sum (`total`).
#[utoipa::path(get, path = "/api/v1/report", tag = "report", params(ReportParams), responses((status = 200, body = Object), (status = 403, body = ApiErr), (status = 422, body = ApiErr)))]
pub async fn district(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ReportParams>,
) -> WebResult<Json<serde_json::Value>> {
    json_of(&st.app.report_district(&ctx.actor, &q.form()).await?)
}

/// This module's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(unit, district))]
pub struct Doc;
