//! `/api/v1/users` and `/api/v1/tokens`.

use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use jiguan_app::ports::{ApiToken, UserFilter, UserRecord, UserView};
use jiguan_app::users::{EditUserForm, NewUserForm};
use jiguan_domain::auth::Role;
use jiguan_domain::tenancy::{UnitId, UserId};

use crate::AppState;
use crate::api::PageDto;
use crate::api::tenancy::PageParams;
use crate::error::WebResult;
use crate::extract::{Created, Json, Path, Query};
use crate::guard::Ctx;
use crate::list::ListParams;

#[derive(Debug, Serialize, ToSchema)]
pub struct UserDto {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub unit_id: Option<i64>,
    pub roles: Vec<String>,
    pub active: bool,
    pub must_change_password: bool,
}

impl From<UserView> for UserDto {
    fn from(u: UserView) -> Self {
        UserDto {
            id: u.id.0,
            username: u.username,
            display_name: u.display_name,
            unit_id: u.unit_id.map(|x| x.0),
            roles: u.roles.iter().map(|r| r.code().to_string()).collect(),
            active: u.active,
            must_change_password: u.must_change_password,
        }
    }
}

impl From<UserRecord> for UserDto {
    fn from(u: UserRecord) -> Self {
        UserView::from(&u).into()
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct UserFilterParams {
    /// A unit id, or `district` for district-level accounts.
    pub unit: Option<String>,
    /// A role code.
    pub role: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewUserBody {
    pub username: String,
    pub display_name: String,
    /// Unit id; absent for a district-level account.
    pub unit_id: Option<i64>,
    /// Role codes: district_admin, unit_admin, body_head, committee_member, staff, auditor.
    pub roles: Vec<String>,
    /// Initial password; the user must change it at first sign-in.
    pub password: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct EditUserBody {
    pub display_name: String,
    pub roles: Vec<String>,
    pub active: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PasswordBody {
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenDto {
    pub id: i64,
    pub name: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
}

impl From<ApiToken> for TokenDto {
    fn from(t: ApiToken) -> Self {
        TokenDto {
            id: t.id,
            name: t.name,
            created_at: t.created_at.to_rfc3339(),
            last_used_at: t.last_used_at.map(|x| x.to_rfc3339()),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct TokenBody {
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NewTokenDto {
    pub id: i64,
    /// Shown once; only its hash is kept.
    pub token: String,
}

/// Accounts the caller may see.
#[utoipa::path(get, path = "/api/v1/users", tag = "accounts", params(PageParams, UserFilterParams), responses((status = 200, body = PageDto<UserDto>), (status = 403, body = crate::error::ApiError)))]
pub async fn list_users(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(p): Query<ListParams>,
) -> WebResult<Json<PageDto<UserDto>>> {
    let q = p.query()?;
    let unit = p.get("unit");
    let filter = UserFilter {
        unit_id: unit.parse::<i64>().ok().map(UnitId),
        district_level_only: unit == "district",
        role: Role::from_code(&p.get("role")),
        active: None,
    };
    let pg = st.app.list_users(&ctx.actor, filter, &q).await?;
    Ok(Json(PageDto::map(pg, UserDto::from)))
}

/// Creates an account.
#[utoipa::path(post, path = "/api/v1/users", tag = "accounts", request_body = NewUserBody, responses((status = 201, body = UserDto), (status = 422, body = crate::error::ApiError)))]
pub async fn create_user(
    State(st): State<AppState>,
    ctx: Ctx,
    Json(b): Json<NewUserBody>,
) -> WebResult<Created<UserDto>> {
    let form = NewUserForm {
        username: b.username,
        display_name: b.display_name,
        unit_id: b.unit_id.map(|u| u.to_string()).unwrap_or_default(),
        roles: b.roles,
        password: b.password,
        person_id: String::new(),
    };
    let id = st.app.create_user(&ctx.actor, &form).await?;
    Ok(Created(st.app.get_user(&ctx.actor, id).await?.into()))
}

/// One account.
#[utoipa::path(get, path = "/api/v1/users/{user}", tag = "accounts", params(("user" = i64, Path, description = "user id")), responses((status = 200, body = UserDto), (status = 404, body = crate::error::ApiError)))]
pub async fn get_user(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<UserId>,
) -> WebResult<Json<UserDto>> {
    Ok(Json(st.app.get_user(&ctx.actor, id).await?.into()))
}

/// Changes an account's name, roles or state.
#[utoipa::path(put, path = "/api/v1/users/{user}", tag = "accounts", params(("user" = i64, Path, description = "user id")), request_body = EditUserBody, responses((status = 200, body = UserDto), (status = 422, body = crate::error::ApiError)))]
pub async fn update_user(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<UserId>,
    Json(b): Json<EditUserBody>,
) -> WebResult<Json<UserDto>> {
    let form = EditUserForm {
        display_name: b.display_name,
        roles: b.roles,
        active: b.active,
    };
    st.app.update_user(&ctx.actor, id, &form).await?;
    Ok(Json(st.app.get_user(&ctx.actor, id).await?.into()))
}

/// Sets a temporary password (to be changed at next sign-in) and ends the account's sessions.
#[utoipa::path(post, path = "/api/v1/users/{user}/reset-password", tag = "accounts", params(("user" = i64, Path, description = "user id")), request_body = PasswordBody, responses((status = 204), (status = 422, body = crate::error::ApiError)))]
pub async fn reset_password(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<UserId>,
    Json(b): Json<PasswordBody>,
) -> WebResult<StatusCode> {
    st.app.reset_password(&ctx.actor, id, &b.password).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The caller's API tokens.
#[utoipa::path(get, path = "/api/v1/tokens", tag = "accounts", responses((status = 200, body = Vec<TokenDto>)))]
pub async fn list_tokens(State(st): State<AppState>, ctx: Ctx) -> WebResult<Json<Vec<TokenDto>>> {
    let v = st.app.list_api_tokens(&ctx.actor).await?;
    Ok(Json(v.into_iter().map(TokenDto::from).collect()))
}

/// Creates an API token for the caller.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "accounts", request_body = TokenBody, responses((status = 201, body = NewTokenDto), (status = 422, body = crate::error::ApiError)))]
pub async fn create_token(
    State(st): State<AppState>,
    ctx: Ctx,
    Json(b): Json<TokenBody>,
) -> WebResult<Created<NewTokenDto>> {
    let (id, token) = st.app.create_api_token(&ctx.actor, &b.name).await?;
    Ok(Created(NewTokenDto { id, token }))
}

/// Deletes one of the caller's API tokens.
#[utoipa::path(delete, path = "/api/v1/tokens/{token}", tag = "accounts", params(("token" = i64, Path, description = "token id")), responses((status = 204), (status = 404, body = crate::error::ApiError)))]
pub async fn delete_token(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> WebResult<StatusCode> {
    st.app.delete_api_token(&ctx.actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
