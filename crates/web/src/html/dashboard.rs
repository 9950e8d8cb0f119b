//! The dashboard (工作台).

use askama::Template;
use axum::extract::State;

use jiguan_app::tenancy::Dashboard;

use crate::AppState;
use crate::error::WebResult;
use crate::extract::Query;
use crate::guard::Ctx;
use crate::html::{Layout, page};

#[derive(Template)]
#[template(path = "dashboard.html")]
pub struct DashboardPage {
    pub l: Layout,
    pub d: Dashboard,
    pub committee: String,
}

#[derive(serde::Deserialize, Default)]
pub struct OkQ {
    pub ok: Option<String>,
}

pub async fn show(State(st): State<AppState>, ctx: Ctx, Query(q): Query<OkQ>) -> WebResult {
    let d = st.app.dashboard(&ctx.actor).await?;
    let committee = d
        .unit
        .as_ref()
        .map(|u| {
            ctx.tr
                .t(&format!("committee.{}", u.kind.committee().code()))
                .to_string()
        })
        .unwrap_or_default();
    let l = Layout::new(&ctx, "menu.dashboard").flash(q.ok.as_deref());
    Ok(page(&DashboardPage { l, d, committee }))
}
