//! `/api/v1/audit` and `/api/v1/settings`.

use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use jiguan_app::AppError;
use jiguan_app::settings::ParamRow;
use jiguan_domain::audit::AuditRecord;

use crate::AppState;
use crate::api::PageDto;
use crate::api::tenancy::PageParams;
use crate::error::WebResult;
use crate::extract::{Json, Path, Query};
use crate::guard::Ctx;
use crate::html::audit::filter_of;
use crate::list::ListParams;

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditDto {
    pub seq: i64,
    /// UTC, RFC 3339.
    pub at: String,
    pub unit_id: Option<i64>,
    pub username: String,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    /// JSON text of the state before the change.
    pub before: Option<String>,
    pub after: Option<String>,
    /// The client address (IP) of the request that made the change.
    pub addr: Option<String>,
    pub hash: String,
}

impl From<AuditRecord> for AuditDto {
    fn from(r: AuditRecord) -> Self {
        AuditDto {
            seq: r.seq,
            at: chrono::DateTime::from_timestamp_millis(r.at_ms)
                .map(|t| t.to_rfc3339())
                .unwrap_or_default(),
            unit_id: r.unit_id.map(|u| u.0),
            username: r.username,
            action: r.action,
            object_type: r.object_type,
            object_id: r.object_id,
            before: r.before,
            after: r.after,
            addr: r.addr,
            hash: r.hash,
        }
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    /// A unit id, or `district`.
    pub unit: Option<String>,
    pub user: Option<String>,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    /// An operation code, such as `post.update`.
    pub op: Option<String>,
    /// YYYY-MM-DD (China time).
    pub from: Option<String>,
    pub to: Option<String>,
}

/// The audit trail, newest first.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(PageParams, AuditParams), responses((status = 200, body = PageDto<AuditDto>), (status = 403, body = crate::error::ApiError)))]
pub async fn list_audit(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(p): Query<ListParams>,
) -> WebResult<Json<PageDto<AuditDto>>> {
    let q = p.query()?;
    let (filter, bad_date) = filter_of(&p);
    if bad_date {
        return Err(AppError::field("from", "date_invalid").into());
    }
    let pg = st.app.list_audit(&ctx.actor, filter, &q).await?;
    Ok(Json(PageDto::map(pg, AuditDto::from)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ParamDto {
    pub key: String,
    pub value: String,
    pub default: String,
    /// `default`, `district` or `unit`.
    pub origin: String,
    pub source: String,
}

impl From<ParamRow> for ParamDto {
    fn from(r: ParamRow) -> Self {
        ParamDto {
            key: r.def.key.into(),
            value: r.value,
            default: r.def.default.into(),
            origin: r.origin.into(),
            source: r.def.source.into(),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ParamBody {
    pub value: String,
}

/// Policy parameters with their effective values.
#[utoipa::path(get, path = "/api/v1/settings", tag = "settings", responses((status = 200, body = Vec<ParamDto>)))]
pub async fn list_settings(State(st): State<AppState>, ctx: Ctx) -> WebResult<Json<Vec<ParamDto>>> {
    let v = st.app.list_params(&ctx.actor, None).await?;
    Ok(Json(v.into_iter().map(ParamDto::from).collect()))
}

/// Sets a policy parameter for the district.
#[utoipa::path(put, path = "/api/v1/settings/{key}", tag = "settings", params(("key" = String, Path, description = "parameter key")), request_body = ParamBody, responses((status = 200, body = Vec<ParamDto>), (status = 422, body = crate::error::ApiError)))]
pub async fn set_setting(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(key): Path<String>,
    Json(b): Json<ParamBody>,
) -> WebResult<Json<Vec<ParamDto>>> {
    st.app.set_param(&ctx.actor, None, &key, &b.value).await?;
    let v = st.app.list_params(&ctx.actor, None).await?;
    Ok(Json(v.into_iter().map(ParamDto::from).collect()))
}
