//! `/api/v1/units/{unit}/appraisal/…`: cycles, the grading view with its quota arithmetic,
//! score import as JSON rows, grades, and the final grades of a year (for the pay module).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use jiguan_app::AppError;
use jiguan_app::appraisal::{CycleRecord, GradeForm, ScoreForm};
use jiguan_domain::appraisal::cycle::CycleForm;
use jiguan_domain::appraisal::scores::Source;
use jiguan_domain::tenancy::UnitId;

use super::AtCycle;
use crate::error::WebResult;
use crate::extract::{At, AtId, Created, Json, Path};

type ApiErr = crate::error::ApiError;

/// An appraisal cycle (考核周期).
#[derive(Debug, Serialize, ToSchema)]
pub struct CycleDto {
    pub id: i64,
    pub unit_id: i64,
    pub title: String,
    /// annual, periodic.
    pub kind: String,
    pub year: i32,
    pub quarter: Option<u32>,
    /// draft, open, scoring, grading, confirmed, publicity, closed.
    pub status: String,
    /// The 考核委员会's decision number once confirmed.
    pub doc_no: String,
}

fn dto(c: &CycleRecord) -> CycleDto {
    CycleDto {
        id: c.id.0,
        unit_id: c.unit_id.0,
        title: c.title.clone(),
        kind: c.kind.code().into(),
        year: c.year,
        quarter: c.quarter,
        status: c.status.code().into(),
        doc_no: c.doc_no.clone(),
    }
}

fn json_of<T: Serialize>(v: &T) -> WebResult<serde_json::Value> {
    Ok(serde_json::to_value(v).map_err(|e| AppError::Internal(e.to_string()))?)
}

/// A new cycle.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct CycleBody {
    pub title: String,
    /// annual (年度考核) or periodic (平时考核).
    pub kind: String,
    pub year: String,
    /// 1–4 for a periodic cycle.
    pub quarter: String,
}

impl CycleBody {
    /// The cycle as the use case takes it (no due date through the API).
    fn form(self) -> CycleForm {
        CycleForm {
            title: self.title,
            kind: self.kind,
            year: self.year,
            quarter: self.quarter,
            due_on: String::new(),
        }
    }
}

/// Named scores: one row per rater and participant (`kind`: self, head, leaders).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ScoresBody {
    #[schema(value_type = Vec<Object>)]
    pub rows: Vec<ScoreForm>,
}

/// Grades: one row per participant (`grade`: excellent, competent, basic, incompetent;
/// `reason` required for basic and incompetent).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct GradesBody {
    #[schema(value_type = Vec<Object>)]
    pub rows: Vec<GradeForm>,
}

/// The JSON answer of most appraisal routes.
type Answer = WebResult<Json<serde_json::Value>>;

#[utoipa::path(get, path = "/api/v1/units/{unit}/appraisal/cycles", tag = "appraisal",
    params(("unit" = i64, Path)),
    responses((status = 200, body = Vec<CycleDto>), (status = 404, body = ApiErr)))]
pub async fn list(At(st, ctx, u): At) -> WebResult<Json<Vec<CycleDto>>> {
    let cs = st.app.apr_cycles(&ctx.actor, u.id).await?;
    Ok(Json(cs.iter().map(dto).collect()))
}

#[utoipa::path(post, path = "/api/v1/units/{unit}/appraisal/cycles", tag = "appraisal",
    params(("unit" = i64, Path)), request_body = CycleBody,
    responses((status = 201, body = CycleDto), (status = 422, body = ApiErr)))]
pub async fn create(At(st, ctx, u): At, Json(b): Json<CycleBody>) -> WebResult<Created<CycleDto>> {
    let id = st.app.apr_create_cycle(&ctx.actor, u.id, &b.form()).await?;
    Ok(Created(dto(&st
        .app
        .apr_cycle(&ctx.actor, u.id, id)
        .await?)))
}

/// Every participant's explained score and proposed grade, and the quota arithmetic of
/// each group and of the unit.
#[utoipa::path(get, path = "/api/v1/units/{unit}/appraisal/cycles/{cycle}/grading", tag = "appraisal",
    params(("unit" = i64, Path), ("cycle" = i64, Path)),
    responses((status = 200, body = Object), (status = 404, body = ApiErr)))]
pub async fn grading(AtId(st, ctx, u, id): AtCycle) -> Answer {
    Ok(Json(json_of(
        &st.app.apr_grading(&ctx.actor, u.id, id).await?,
    )?))
}

#[utoipa::path(post, path = "/api/v1/units/{unit}/appraisal/cycles/{cycle}/scores", tag = "appraisal",
    params(("unit" = i64, Path), ("cycle" = i64, Path)), request_body = ScoresBody,
    responses((status = 200, body = Object), (status = 422, body = ApiErr)))]
pub async fn scores(AtId(st, ctx, u, id): AtCycle, Json(b): Json<ScoresBody>) -> Answer {
    let n = st
        .app
        .apr_add_scores(&ctx.actor, u.id, id, &b.rows, Source::Import)
        .await?;
    Ok(Json(serde_json::json!({ "saved": n })))
}

#[utoipa::path(post, path = "/api/v1/units/{unit}/appraisal/cycles/{cycle}/grades", tag = "appraisal",
    params(("unit" = i64, Path), ("cycle" = i64, Path)), request_body = GradesBody,
    responses((status = 200, body = Object), (status = 422, body = ApiErr)))]
pub async fn grades(AtId(st, ctx, u, id): AtCycle, Json(b): Json<GradesBody>) -> Answer {
    st.app
        .apr_save_grades(&ctx.actor, u.id, id, &b.rows)
        .await?;
    Ok(Json(json_of(
        &st.app.apr_grading(&ctx.actor, u.id, id).await?.quotas,
    )?))
}

/// The confirmed annual results of a year: person id, grade code or the not-graded reason.
#[utoipa::path(get, path = "/api/v1/units/{unit}/appraisal/final-grades/{year}", tag = "appraisal",
    params(("unit" = i64, Path), ("year" = i32, Path)),
    responses((status = 200, body = [Object]), (status = 404, body = ApiErr)))]
pub async fn final_grades(At(st, ctx, u): At, Path((_, year)): Path<(UnitId, i32)>) -> Answer {
    Ok(Json(json_of(
        &st.app.final_grades(&ctx.actor, u.id, year).await?,
    )?))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(list, create, grading, scores, grades, final_grades))]
pub struct Doc;
