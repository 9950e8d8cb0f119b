//! `/api/v1/inbox`: the signed-in user's to-dos and notices.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::error::WebResult;
use crate::extract::{Json, Path};
use crate::guard::Ctx;

use super::pages::NoticeParam;

type ApiErr = crate::error::ApiError;

/// Something waiting for the user (待办).
#[derive(Debug, Serialize, ToSchema)]
pub struct TodoDto {
    /// `<workflow>.<step>`, such as `org.plan.approve`.
    pub code: String,
    pub unit_id: i64,
    pub unit_name: String,
    pub object_id: i64,
    pub title: String,
    /// The page where the step is taken.
    pub link: String,
    /// Since when (RFC 3339, UTC).
    pub since: String,
}

/// A notice (通知).
#[derive(Debug, Serialize, ToSchema)]
pub struct NoticeDto {
    pub id: i64,
    /// `<workflow>.<step>` for a decision, such as `org.plan.approve`.
    pub kind: String,
    pub unit_id: i64,
    pub unit_name: String,
    pub object: String,
    pub object_id: i64,
    pub link: String,
    /// Values of the text: `title`, `comment` …
    pub params: std::collections::BTreeMap<String, String>,
    pub created_at: String,
    pub read: bool,
}

/// The inbox.
#[derive(Debug, Serialize, ToSchema)]
pub struct InboxDto {
    pub todos: Vec<TodoDto>,
    pub notices: Vec<NoticeDto>,
    pub unread: usize,
    /// To-dos plus unread notices (the menu's badge).
    pub count: usize,
}

#[utoipa::path(get, path = "/api/v1/inbox", tag = "inbox", responses((status = 200, body = InboxDto)))]
pub async fn inbox(State(st): State<AppState>, ctx: Ctx) -> WebResult<Json<InboxDto>> {
    let i = st.app.inbox(&ctx.actor).await?;
    Ok(Json(InboxDto {
        count: i.count(),
        unread: i.unread,
        todos: i
            .todos
            .into_iter()
            .map(|t| TodoDto {
                code: t.code,
                unit_id: t.unit_id.0,
                unit_name: t.unit_name,
                object_id: t.object_id,
                title: t.title,
                link: t.link,
                since: t.since.to_rfc3339(),
            })
            .collect(),
        notices: i
            .notices
            .into_iter()
            .map(|n| NoticeDto {
                id: n.id.0,
                kind: n.kind,
                unit_id: n.unit_id.0,
                unit_name: n.unit_name,
                object: n.object,
                object_id: n.object_id,
                link: n.link,
                params: n.params,
                created_at: n.created_at.to_rfc3339(),
                read: n.read_at.is_some(),
            })
            .collect(),
    }))
}

/// Marks one notice read.
#[utoipa::path(post, path = "/api/v1/inbox/notices/{notice}/read", tag = "inbox", params(("notice" = i64, Path, description = "notice id")), responses((status = 204), (status = 404, body = ApiErr)))]
pub async fn read(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(NoticeParam { notice }): Path<NoticeParam>,
) -> WebResult {
    st.app.open_notice(&ctx.actor, notice).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(inbox, read), components(schemas(InboxDto, TodoDto, NoticeDto)))]
pub struct Doc;
