//! The inbox page.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;

use jiguan_app::inbox::{Inbox, NoticeRecord, Todo};
use jiguan_domain::inbox::NoticeId;
use jiguan_domain::time::show_china;

use crate::AppState;
use crate::error::WebResult;
use crate::extract::{Path, Query};
use crate::guard::Ctx;
use crate::html::{Layout, page};
use crate::i18n::Tr;

/// A to-do as the page shows it.
pub struct TodoRow {
    pub text: String,
    pub unit: String,
    pub title: String,
    pub link: String,
    pub since: String,
}

impl TodoRow {
    pub fn of(tr: Tr, t: &Todo) -> Self {
        TodoRow {
            text: tr.t(&format!("inbox.todo.{}", t.code)).to_string(),
            unit: t.unit_name.clone(),
            title: t.title.clone(),
            link: t.link.clone(),
            since: show_china(t.since),
        }
    }
}

/// A notice as the page shows it.
pub struct NoticeRow {
    pub id: i64,
    pub text: String,
    pub unit: String,
    pub at: String,
    pub unread: bool,
}

impl NoticeRow {
    pub fn of(tr: Tr, n: &NoticeRecord) -> Self {
        let mut args: Vec<(String, String)> = n
            .params
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        args.push(("unit".into(), n.unit_name.clone()));
        NoticeRow {
            id: n.id.0,
            text: tr.f(&format!("inbox.notice.{}", n.kind), &args),
            unit: n.unit_name.clone(),
            at: show_china(n.created_at),
            unread: n.read_at.is_none(),
        }
    }
}

/// The rows of an inbox, for the inbox page and the dashboard.
pub fn rows(tr: Tr, i: &Inbox) -> (Vec<TodoRow>, Vec<NoticeRow>) {
    (
        i.todos.iter().map(|t| TodoRow::of(tr, t)).collect(),
        i.notices.iter().map(|n| NoticeRow::of(tr, n)).collect(),
    )
}

#[derive(Template)]
#[template(path = "inbox.html")]
pub struct InboxPage {
    pub l: Layout,
    pub todos: Vec<TodoRow>,
    pub notices: Vec<NoticeRow>,
    pub unread: usize,
}

#[derive(Deserialize, Default)]
pub struct OkQ {
    pub ok: Option<String>,
}

pub async fn show(State(st): State<AppState>, ctx: Ctx, Query(q): Query<OkQ>) -> WebResult {
    let inbox = st.app.inbox(&ctx.actor).await?;
    let (todos, notices) = rows(ctx.tr, &inbox);
    let l = Layout::new(&ctx, "menu.inbox")
        .here()
        .flash(q.ok.as_deref());
    Ok(page(&InboxPage {
        l,
        todos,
        notices,
        unread: inbox.unread,
    }))
}

#[derive(Deserialize)]
pub struct NoticeParam {
    pub notice: NoticeId,
}

/// Opens a notice: marks it read and goes where it leads.
pub async fn open(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(NoticeParam { notice }): Path<NoticeParam>,
) -> WebResult {
    let to = st.app.open_notice(&ctx.actor, notice).await?;
    Ok(Redirect::to(&to).into_response())
}

/// Marks every notice read (全部标为已读).
pub async fn read_all(State(st): State<AppState>, ctx: Ctx) -> WebResult {
    st.app.mark_all_read(&ctx.actor).await?;
    Ok(Redirect::to("/inbox?ok=inbox_read").into_response())
}
