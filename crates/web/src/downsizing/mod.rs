//! Downsizing plans (分流方案): plans, lines, workflow, notices, Excel, district summary.
//! The module's web part: pages (`pages.rs`), JSON API (`api.rs`), and its registration.

pub mod api;
pub mod pages;

use axum::extract::FromRequestParts;
use axum::http::Method;
use axum::http::request::Parts;
use serde::Deserialize;
use utoipa::OpenApi;

use jiguan_app::ports::Unit;
use jiguan_domain::auth::Action;
use jiguan_domain::downsizing::{LineId, PlanId};

use crate::error::WebError;
use crate::extract::{InUnit, Path};
use crate::guard::{Access, Ctx};
use crate::module::{MenuEntry, WebModule};
use crate::routes::{RouteSpec, r};

pub const MODULE: WebModule = WebModule {
    id: "downsizing",
    menu: &[
        MenuEntry::unit("menu.downsizing", "/downsizing", Action::DownsizingView),
        MenuEntry::district("menu.downsizing", "/downsizing", Action::DownsizingView),
    ],
    locales: crate::locales!("downsizing"),
    routes,
    openapi: api::Doc::openapi,
};

/// What every route of one plan (`…/units/{unit}/downsizing/{plan}…`) extracts: the
/// signed-in context, the unit the guard checked and the plan id (not a number: 400
/// naming `plan`).
pub struct InPlan {
    pub ctx: Ctx,
    pub u: Unit,
    pub plan: PlanId,
}

#[derive(Deserialize)]
struct PlanParam {
    plan: PlanId,
}

/// The `{line}` of a plan's line route (not a number: 400 naming `line`).
#[derive(Deserialize)]
pub struct LineParam {
    pub line: LineId,
}

impl<S: Send + Sync> FromRequestParts<S> for InPlan {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let ctx = Ctx::from_request_parts(parts, state).await?;
        let InUnit(u) = InUnit::from_request_parts(parts, state).await?;
        let Path(PlanParam { plan }) = Path::from_request_parts(parts, state).await?;
        Ok(InPlan { ctx, u, plan })
    }
}

fn routes() -> Vec<RouteSpec> {
    use Access::Signed;
    use Action::*;
    vec![
        r(
            Method::GET,
            "/downsizing",
            Signed(DownsizingView),
            pages::district,
        ),
        r(
            Method::GET,
            "/downsizing/export",
            Signed(DownsizingView),
            pages::district_export,
        ),
        r(
            Method::GET,
            "/units/{unit}/downsizing",
            Signed(DownsizingView),
            pages::plans,
        ),
        r(
            Method::POST,
            "/units/{unit}/downsizing",
            Signed(DownsizingManage),
            pages::create,
        ),
        r(
            Method::GET,
            "/units/{unit}/downsizing/{plan}",
            Signed(DownsizingView),
            pages::show,
        ),
        r(
            Method::POST,
            "/units/{unit}/downsizing/{plan}/lines",
            Signed(DownsizingManage),
            pages::line_save,
        ),
        r(
            Method::POST,
            "/units/{unit}/downsizing/{plan}/lines/{line}/delete",
            Signed(DownsizingManage),
            pages::line_delete,
        ),
        r(
            Method::POST,
            "/units/{unit}/downsizing/{plan}/submit",
            Signed(DownsizingManage),
            pages::submit,
        ),
        r(
            Method::POST,
            "/units/{unit}/downsizing/{plan}/approve",
            Signed(DownsizingApprove),
            pages::approve,
        ),
        r(
            Method::POST,
            "/units/{unit}/downsizing/{plan}/reject",
            Signed(DownsizingApprove),
            pages::reject,
        ),
        r(
            Method::POST,
            "/units/{unit}/downsizing/{plan}/reopen",
            Signed(DownsizingManage),
            pages::reopen,
        ),
        r(
            Method::POST,
            "/units/{unit}/downsizing/{plan}/apply",
            Signed(DownsizingManage),
            pages::apply,
        ),
        r(
            Method::GET,
            "/units/{unit}/downsizing/{plan}/notices",
            Signed(DownsizingView),
            pages::notices,
        ),
        r(
            Method::GET,
            "/units/{unit}/downsizing/{plan}/export",
            Signed(DownsizingView),
            pages::export,
        ),
        r(
            Method::GET,
            "/api/v1/downsizing",
            Signed(DownsizingView),
            api::district,
        ),
        r(
            Method::GET,
            "/api/v1/units/{unit}/downsizing",
            Signed(DownsizingView),
            api::list_plans,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/downsizing",
            Signed(DownsizingManage),
            api::create_plan,
        ),
        r(
            Method::GET,
            "/api/v1/units/{unit}/downsizing/{plan}",
            Signed(DownsizingView),
            api::get_plan,
        ),
        r(
            Method::GET,
            "/api/v1/units/{unit}/downsizing/{plan}/candidates",
            Signed(DownsizingView),
            api::candidates,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/downsizing/{plan}/lines",
            Signed(DownsizingManage),
            api::save_line,
        ),
        r(
            Method::DELETE,
            "/api/v1/units/{unit}/downsizing/{plan}/lines/{line}",
            Signed(DownsizingManage),
            api::delete_line,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/downsizing/{plan}/submit",
            Signed(DownsizingManage),
            api::submit,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/downsizing/{plan}/approve",
            Signed(DownsizingApprove),
            api::approve,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/downsizing/{plan}/reject",
            Signed(DownsizingApprove),
            api::reject,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/downsizing/{plan}/reopen",
            Signed(DownsizingManage),
            api::reopen,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/downsizing/{plan}/apply",
            Signed(DownsizingManage),
            api::apply,
        ),
    ]
}
