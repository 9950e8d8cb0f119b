//! `/api/v1/me` and `/api/v1/units`.

use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use jiguan_app::ports::{Unit, UnitSummary};

use crate::AppState;
use crate::api::PageDto;
use crate::error::WebResult;
use crate::extract::{At, Created, InUnit, Json, Query};
use crate::guard::Ctx;
use crate::list::ListParams;

#[derive(Debug, Serialize, ToSchema)]
pub struct MeDto {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub district_id: i64,
    /// Absent for a district-level account.
    pub unit_id: Option<i64>,
    pub roles: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UnitDto {
    pub id: i64,
    pub code: String,
    pub name: String,
    /// `town` (镇) or `subdistrict` (街道).
    pub kind: String,
    /// `party_committee` (党委) or `party_working_committee` (党工委).
    pub committee: String,
    pub active: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_count: Option<i64>,
}

impl UnitDto {
    pub fn of(u: Unit, user_count: Option<i64>) -> Self {
        UnitDto {
            id: u.id.0,
            code: u.code,
            name: u.name,
            kind: u.kind.code().into(),
            committee: u.kind.committee().code().into(),
            active: u.active,
            user_count,
        }
    }
}

/// Paging, search and sort parameters of list endpoints (for the OpenAPI document; the
/// handlers read them through [`crate::list::ListParams`]).
pub use jiguan_app::ports::ListQuery as PageParams;

/// The list query of an API request, or the error response for a bad page number.

#[derive(Debug, Deserialize, ToSchema)]
pub struct UnitBody {
    pub code: String,
    pub name: String,
    /// `town` or `subdistrict`.
    pub kind: String,
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

/// The signed-in account.
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts", responses((status = 200, body = MeDto), (status = 401, body = crate::error::ApiError)))]
pub async fn me(ctx: Ctx) -> Json<MeDto> {
    let a = &ctx.actor;
    Json(MeDto {
        id: a.user_id.0,
        username: a.username.clone(),
        display_name: a.display_name.clone(),
        district_id: a.district_id.0,
        unit_id: a.unit_id.map(|u| u.0),
        roles: a.roles.iter().map(|r| r.code().to_string()).collect(),
    })
}

/// The units of the district (district accounts).
#[utoipa::path(get, path = "/api/v1/units", tag = "units", params(PageParams), responses((status = 200, body = PageDto<UnitDto>), (status = 403, body = crate::error::ApiError)))]
pub async fn list_units(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(p): Query<ListParams>,
) -> WebResult<Json<PageDto<UnitDto>>> {
    let pg = st.app.list_units(&ctx.actor, &p.query()?).await?;
    Ok(Json(PageDto::map(pg, |s: UnitSummary| {
        UnitDto::of(s.unit, Some(s.user_count))
    })))
}

/// Creates a unit.
#[utoipa::path(post, path = "/api/v1/units", tag = "units", request_body = UnitBody, responses((status = 201, body = UnitDto), (status = 422, body = crate::error::ApiError)))]
pub async fn create_unit(
    State(st): State<AppState>,
    ctx: Ctx,
    Json(b): Json<UnitBody>,
) -> WebResult<Created<UnitDto>> {
    let id = st
        .app
        .create_unit(&ctx.actor, &b.code, &b.name, &b.kind)
        .await?;
    let u = st.app.get_unit(&ctx.actor, id).await?;
    Ok(Created(UnitDto::of(u, None)))
}

/// One unit.
#[utoipa::path(get, path = "/api/v1/units/{unit}", tag = "units", params(("unit" = i64, Path, description = "unit id")), responses((status = 200, body = UnitDto), (status = 404, body = crate::error::ApiError)))]
pub async fn get_unit(InUnit(u): InUnit) -> Json<UnitDto> {
    Json(UnitDto::of(u, None))
}

/// Changes a unit.
#[utoipa::path(put, path = "/api/v1/units/{unit}", tag = "units", params(("unit" = i64, Path, description = "unit id")), request_body = UnitBody, responses((status = 200, body = UnitDto), (status = 422, body = crate::error::ApiError)))]
pub async fn update_unit(At(st, ctx, u): At, Json(b): Json<UnitBody>) -> WebResult<Json<UnitDto>> {
    st.app
        .update_unit(&ctx.actor, u.id, &b.code, &b.name, &b.kind, b.active)
        .await?;
    let u = st.app.get_unit(&ctx.actor, u.id).await?;
    Ok(Json(UnitDto::of(u, None)))
}
