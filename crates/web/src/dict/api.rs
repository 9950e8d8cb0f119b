//! `GET /api/v1/dict`: the district's lists (数据字典) with their items.

use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

use jiguan_domain::dict::DictKind;

use crate::AppState;
use crate::error::WebResult;
use crate::extract::Json;
use crate::guard::Ctx;

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = DictItemDto)]
pub struct ItemDto {
    pub code: String,
    pub name: String,
    pub sort: i64,
    pub enabled: bool,
    /// Shipped with the system (official list) rather than added by the district.
    pub builtin: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ListDto {
    /// `ethnicity`, `party`, `education`, `rank`, `identity`, `establishment`, `funding`.
    pub kind: String,
    pub name: String,
    /// Closed in the code (the rules depend on it): not edited.
    pub fixed: bool,
    pub items: Vec<ItemDto>,
}

#[utoipa::path(get, path = "/api/v1/dict", tag = "dict",
    responses((status = 200, body = Vec<ListDto>), (status = 403, body = crate::error::ApiError)))]
pub async fn lists(State(st): State<AppState>, ctx: Ctx) -> WebResult<Json<Vec<ListDto>>> {
    let dict = st.app.dictionary(&ctx.actor).await?;
    Ok(Json(
        DictKind::ALL
            .iter()
            .map(|k| ListDto {
                kind: k.code().into(),
                name: ctx.tr.t(&k.label_key()).into(),
                fixed: k.fixed(),
                items: dict
                    .items(*k)
                    .iter()
                    .map(|i| ItemDto {
                        code: i.code.clone(),
                        name: i.name.clone(),
                        sort: i.sort,
                        enabled: i.enabled,
                        builtin: i.builtin,
                    })
                    .collect(),
            })
            .collect(),
    ))
}

/// This module's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(lists))]
pub struct Doc;
