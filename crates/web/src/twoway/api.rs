//! `/api/v1/units/{unit}/twoway/{round}`: a two-way selection round as JSON (its posts,
//! people, choices, rankings, result with explanations, rates and figures by body).

use axum::extract::State;

use crate::AppState;
use crate::error::WebResult;
use crate::extract::Json;

use super::InRound;

type ApiErr = crate::error::ApiError;

/// A round with everything its pages show.
#[utoipa::path(get, path = "/api/v1/units/{unit}/twoway/{round}", tag = "twoway", params(("unit" = i64, Path, description = "unit id"), ("round" = i64, Path, description = "round id")), responses((status = 200, body = Object), (status = 404, body = ApiErr)))]
pub async fn get_round(
    State(st): State<AppState>,
    InRound { ctx, u, round }: InRound,
) -> WebResult<Json<serde_json::Value>> {
    let v = st.app.tw_view(&ctx.actor, u.id, round).await?;
    let j = serde_json::to_value(&v).map_err(|e| jiguan_app::AppError::Internal(e.to_string()))?;
    Ok(Json(j))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(get_round))]
pub struct Doc;
