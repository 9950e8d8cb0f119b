//! JSON API of a campaign's scoring stages (笔试、面试、民主测评、结果): the same use cases
//! as the pages. Every result cites the campaign version (`campaign_id`, `plan_version`).

use std::collections::BTreeMap;

use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use jiguan_app::selection::panel::{JudgeAccess, JudgeForm};
use jiguan_app::selection::results::InspectionForm;
use jiguan_app::selection::scoring::ExamEntry;
use jiguan_app::{App, AppResult};
use jiguan_domain::auth::Actor;
use jiguan_domain::selection::CampaignId;
use jiguan_domain::tenancy::UnitId;

use crate::AppState;
use crate::error::WebResult;
use crate::extract::{Created, Json};

use super::campaign::InCampaign;
use super::campaign_apply::InApplication;

type ApiErr = crate::error::ApiError;

/// One written-exam score: the application and the score as entered (0–100).
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct ExamScoreBody {
    pub application_id: i64,
    pub score: String,
}

/// Written-exam scores, all written or none.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ExamBody {
    pub scores: Vec<ExamScoreBody>,
}

impl ExamBody {
    /// The scores as the use cases take them (no file row).
    pub fn entries(self) -> Vec<ExamEntry> {
        self.scores
            .into_iter()
            .map(|s| ExamEntry {
                row: None,
                application_id: s.application_id.to_string(),
                score: s.score,
            })
            .collect()
    }

    /// Saves the scores with `save` (the written exam, the 加试) on the campaign: how many
    /// were written.
    pub async fn save(
        self,
        st: &AppState,
        c: &InCampaign,
        save: impl AsyncFnOnce(&App, &Actor, UnitId, CampaignId, &[ExamEntry]) -> AppResult<usize>,
    ) -> WebResult<Json<CountDto>> {
        let count = save(&st.app, &c.ctx.actor, c.u.id, c.id, &self.entries()).await?;
        Ok(Json(CountDto { count }))
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CountDto {
    pub count: usize,
}

/// A judge: an account of the unit (`user_id`) or a name (who gets a one-time code).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct JudgeBody {
    pub user_id: Option<i64>,
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct JudgeDto {
    pub id: i64,
    /// The one-time code of a judge without an account, shown this once.
    pub code: Option<String>,
}

/// A recusal declaration: the application ids the judge recuses for (none: no conflict).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct RecusalBody {
    pub recused: Vec<i64>,
}

/// A judge's sheet: application id → score.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct SheetBody {
    pub scores: BTreeMap<String, String>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct CodesBody {
    pub count: u32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CodesDto {
    /// The codes, shown this once (only their hashes are kept).
    pub codes: Vec<String>,
}

/// An evaluation ballot: the one-time code and application id → mark (`excellent`,
/// `competent`, `basic`, `incompetent`, or `approve`, `disapprove`, `abstain`).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct BallotBody {
    pub code: String,
    pub marks: BTreeMap<String, String>,
}

/// An inspection record (考察材料).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct InspectionBody {
    /// The team's members, separated by 、.
    pub team: String,
    pub material: String,
    /// `recommend`, `not_recommend` or `defer`.
    pub conclusion: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OkDto {
    pub ok: bool,
}

fn prefixed(prefix: &str, m: BTreeMap<String, String>) -> BTreeMap<String, String> {
    m.into_iter()
        .map(|(k, v)| (format!("{prefix}{}", k.trim()), v))
        .collect()
}

/// The written exam: every candidate per post, the score, who advances.
#[utoipa::path(get, path = "/api/v1/units/{unit}/selection/campaigns/{campaign}/exam", tag = "selection",
    params(("unit" = i64, Path), ("campaign" = i64, Path)),
    responses((status = 200, body = Object), (status = 404, body = ApiErr)))]
pub async fn exam(State(st): State<AppState>, c: InCampaign) -> WebResult<Json<serde_json::Value>> {
    let v = st.app.sel_exam(&c.ctx.actor, c.u.id, c.id).await?;
    Ok(Json(serde_json::json!({
        "campaign_id": v.campaign.id.0,
        "plan_version": v.campaign.version,
        "complete": v.complete,
        "posts": v.posts,
    })))
}

/// Enters written-exam scores (all or nothing; errors name `score_<application id>`).
#[utoipa::path(post, path = "/api/v1/units/{unit}/selection/campaigns/{campaign}/exam", tag = "selection",
    params(("unit" = i64, Path), ("campaign" = i64, Path)), request_body = ExamBody,
    responses((status = 200, body = CountDto), (status = 422, body = ApiErr)))]
pub async fn exam_save(
    State(st): State<AppState>,
    c: InCampaign,
    Json(b): Json<ExamBody>,
) -> WebResult<Json<CountDto>> {
    b.save(&st, &c, App::sel_exam_save).await
}

/// The interview: judges, each post's panel and readiness, the scores of submitted
/// sheets and the panel results (hidden from a judge who has not submitted).
#[utoipa::path(get, path = "/api/v1/units/{unit}/selection/campaigns/{campaign}/panel", tag = "selection",
    params(("unit" = i64, Path), ("campaign" = i64, Path)),
    responses((status = 200, body = Object), (status = 404, body = ApiErr)))]
pub async fn panel(
    State(st): State<AppState>,
    c: InCampaign,
) -> WebResult<Json<serde_json::Value>> {
    let v = st.app.sel_panel(&c.ctx.actor, c.u.id, c.id).await?;
    Ok(Json(serde_json::json!({
        "campaign_id": v.campaign.id.0,
        "plan_version": v.campaign.version,
        "hidden": v.hidden,
        "judges": v.judges,
        "posts": v.posts,
    })))
}

/// Registers a judge.
#[utoipa::path(post, path = "/api/v1/units/{unit}/selection/campaigns/{campaign}/panel/judges", tag = "selection",
    params(("unit" = i64, Path), ("campaign" = i64, Path)), request_body = JudgeBody,
    responses((status = 201, body = JudgeDto), (status = 422, body = ApiErr)))]
pub async fn judge_add(
    State(st): State<AppState>,
    c: InCampaign,
    Json(b): Json<JudgeBody>,
) -> WebResult<Created<JudgeDto>> {
    let f = JudgeForm {
        user_id: b.user_id.map(|u| u.to_string()).unwrap_or_default(),
        name: b.name,
    };
    let (id, code) = st.app.sel_judge_add(&c.ctx.actor, c.u.id, c.id, &f).await?;
    Ok(Created(JudgeDto { id, code }))
}

/// The signed-in judge's own sheet (own scores only, once submitted).
#[utoipa::path(get, path = "/api/v1/units/{unit}/selection/campaigns/{campaign}/judge", tag = "selection",
    params(("unit" = i64, Path), ("campaign" = i64, Path)),
    responses((status = 200, body = Object), (status = 404, body = ApiErr)))]
pub async fn my_sheet(
    State(st): State<AppState>,
    c: InCampaign,
) -> WebResult<Json<serde_json::Value>> {
    let s = st
        .app
        .sel_sheet(&JudgeAccess::Account(&c.ctx.actor, c.u.id, c.id))
        .await?;
    Ok(Json(serde_json::to_value(&s).map_err(|e| {
        jiguan_app::AppError::Internal(e.to_string())
    })?))
}

/// The signed-in judge declares their recusals.
#[utoipa::path(post, path = "/api/v1/units/{unit}/selection/campaigns/{campaign}/judge/recusal", tag = "selection",
    params(("unit" = i64, Path), ("campaign" = i64, Path)), request_body = RecusalBody,
    responses((status = 200, body = OkDto), (status = 422, body = ApiErr)))]
pub async fn my_recusal(
    State(st): State<AppState>,
    c: InCampaign,
    Json(b): Json<RecusalBody>,
) -> WebResult<Json<OkDto>> {
    let ids: Vec<String> = b.recused.iter().map(|x| x.to_string()).collect();
    st.app
        .sel_declare_recusal(&JudgeAccess::Account(&c.ctx.actor, c.u.id, c.id), &ids)
        .await?;
    Ok(Json(OkDto { ok: true }))
}

/// The signed-in judge submits their sheet (once; errors name `score_<application id>`).
#[utoipa::path(post, path = "/api/v1/units/{unit}/selection/campaigns/{campaign}/judge", tag = "selection",
    params(("unit" = i64, Path), ("campaign" = i64, Path)), request_body = SheetBody,
    responses((status = 200, body = CountDto), (status = 422, body = ApiErr)))]
pub async fn my_submit(
    State(st): State<AppState>,
    c: InCampaign,
    Json(b): Json<SheetBody>,
) -> WebResult<Json<CountDto>> {
    let count = st
        .app
        .sel_submit_sheet(
            &JudgeAccess::Account(&c.ctx.actor, c.u.id, c.id),
            &prefixed("score_", b.scores),
        )
        .await?;
    Ok(Json(CountDto { count }))
}

/// The evaluation: codes issued and used; after close each candidate's count and result.
#[utoipa::path(get, path = "/api/v1/units/{unit}/selection/campaigns/{campaign}/evaluation", tag = "selection",
    params(("unit" = i64, Path), ("campaign" = i64, Path)),
    responses((status = 200, body = Object), (status = 404, body = ApiErr)))]
pub async fn evaluation(
    State(st): State<AppState>,
    c: InCampaign,
) -> WebResult<Json<serde_json::Value>> {
    let v = st.app.sel_evaluation(&c.ctx.actor, c.u.id, c.id).await?;
    Ok(Json(serde_json::json!({
        "campaign_id": v.campaign.id.0,
        "plan_version": v.campaign.version,
        "format": v.format,
        "issued": v.issued,
        "used": v.used,
        "closed": v.closed,
        "void": v.void,
        "lines": v.lines,
    })))
}

/// Issues one-time evaluation codes (returned once).
#[utoipa::path(post, path = "/api/v1/units/{unit}/selection/campaigns/{campaign}/evaluation/codes", tag = "selection",
    params(("unit" = i64, Path), ("campaign" = i64, Path)), request_body = CodesBody,
    responses((status = 201, body = CodesDto), (status = 422, body = ApiErr)))]
pub async fn eval_codes(
    State(st): State<AppState>,
    c: InCampaign,
    Json(b): Json<CodesBody>,
) -> WebResult<Created<CodesDto>> {
    let codes = st
        .app
        .sel_eval_codes(&c.ctx.actor, c.u.id, c.id, &b.count.to_string())
        .await?;
    Ok(Created(CodesDto { codes }))
}

/// No field: an empty JSON object.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct EmptyBody {}

/// Closes the evaluation.
#[utoipa::path(post, path = "/api/v1/units/{unit}/selection/campaigns/{campaign}/evaluation/close", tag = "selection",
    params(("unit" = i64, Path), ("campaign" = i64, Path)), request_body = EmptyBody,
    responses((status = 200, body = OkDto), (status = 422, body = ApiErr)))]
pub async fn eval_close(
    State(st): State<AppState>,
    c: InCampaign,
    Json(_): Json<EmptyBody>,
) -> WebResult<Json<OkDto>> {
    st.app.sel_eval_close(&c.ctx.actor, c.u.id, c.id).await?;
    Ok(Json(OkDto { ok: true }))
}

/// Casts an anonymous evaluation ballot with a one-time code.
#[utoipa::path(post, path = "/api/v1/units/{unit}/selection/campaigns/{campaign}/evaluation/ballot", tag = "selection",
    params(("unit" = i64, Path), ("campaign" = i64, Path)), request_body = BallotBody,
    responses((status = 201, body = CountDto), (status = 422, body = ApiErr)))]
pub async fn cast(
    State(st): State<AppState>,
    c: InCampaign,
    Json(b): Json<BallotBody>,
) -> WebResult<Created<CountDto>> {
    let count = st
        .app
        .sel_eval_cast(
            &c.ctx.actor,
            c.u.id,
            c.id,
            &b.code,
            &prefixed("mark_", b.marks),
        )
        .await?;
    Ok(Created(CountDto { count }))
}

/// The results: per post every candidate's stage scores, composite, rank, shortlist and
/// inspection, citing the campaign version.
#[utoipa::path(get, path = "/api/v1/units/{unit}/selection/campaigns/{campaign}/results", tag = "selection",
    params(("unit" = i64, Path), ("campaign" = i64, Path)),
    responses((status = 200, body = Object), (status = 404, body = ApiErr)))]
pub async fn results(
    State(st): State<AppState>,
    c: InCampaign,
) -> WebResult<Json<serde_json::Value>> {
    let v = st.app.sel_results(&c.ctx.actor, c.u.id, c.id).await?;
    Ok(Json(serde_json::json!({
        "campaign_id": v.campaign_id.0,
        "plan_version": v.plan_version,
        "posts": v.posts,
    })))
}

/// Records the inspection of a shortlisted candidate.
#[utoipa::path(post, path = "/api/v1/units/{unit}/selection/campaigns/{campaign}/results/{application}/inspection", tag = "selection",
    params(("unit" = i64, Path), ("campaign" = i64, Path), ("application" = i64, Path)), request_body = InspectionBody,
    responses((status = 200, body = OkDto), (status = 422, body = ApiErr)))]
pub async fn inspection(
    State(st): State<AppState>,
    a: InApplication,
    Json(b): Json<InspectionBody>,
) -> WebResult<Json<OkDto>> {
    let f = InspectionForm {
        team: b.team,
        material: b.material,
        conclusion: b.conclusion,
    };
    st.app
        .sel_inspection_save(&a.c.ctx.actor, a.c.u.id, a.c.id, a.id, &f)
        .await?;
    Ok(Json(OkDto { ok: true }))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(
    exam, exam_save, panel, judge_add, my_sheet, my_recusal, my_submit, evaluation, eval_codes,
    eval_close, cast, results, inspection
))]
pub struct Doc;
