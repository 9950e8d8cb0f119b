//! Organisation (机构设置): bodies, functions, totals, reorganisation plans, history, chart.
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
use jiguan_domain::org::PlanId;

use crate::AppState;
use crate::error::WebError;
use crate::extract::{At, Path};
use crate::guard::{Access, Ctx};
use crate::module::{MenuEntry, WebModule};
use crate::routes::{RouteSpec, r};

pub const MODULE: WebModule = WebModule {
    id: "org",
    menu: &[MenuEntry::unit("menu.org", "/org", Action::OrgView)],
    locales: crate::locales!("org"),
    routes,
    openapi: api::Doc::openapi,
};

/// What the routes of one reorganisation plan (`…/units/{unit}/org/plans/{plan}…` and
/// `…/api/v1/units/{unit}/plans/{plan}…`) extract: [`At`], then the plan id (not a
/// number: 400 naming `plan`), as `OnPlan(st, ctx, u, plan)`.
pub struct OnPlan(pub AppState, pub Ctx, pub Unit, pub PlanId);

#[derive(Deserialize)]
struct PlanParam {
    plan: PlanId,
}

impl FromRequestParts<AppState> for OnPlan {
    type Rejection = WebError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let At(st, ctx, u) = At::from_request_parts(parts, state).await?;
        let Path(PlanParam { plan }) = Path::from_request_parts(parts, state).await?;
        Ok(OnPlan(st, ctx, u, plan))
    }
}

fn routes() -> Vec<RouteSpec> {
    use Access::Signed;
    use Action::*;
    vec![
        r(Method::GET, "/org", Signed(OrgView), pages::district),
        r(
            Method::POST,
            "/org/rules",
            Signed(OrgApprove),
            pages::rules_set,
        ),
        r(
            Method::GET,
            "/units/{unit}/org",
            Signed(OrgView),
            pages::index,
        ),
        r(
            Method::GET,
            "/units/{unit}/org/bodies/new",
            Signed(OrgManage),
            pages::body_new,
        ),
        r(
            Method::POST,
            "/units/{unit}/org/bodies/new",
            Signed(OrgManage),
            pages::body_create,
        ),
        r(
            Method::GET,
            "/units/{unit}/org/bodies/{body}",
            Signed(OrgView),
            pages::body_show,
        ),
        r(
            Method::GET,
            "/units/{unit}/org/bodies/{body}/edit",
            Signed(OrgManage),
            pages::body_edit,
        ),
        r(
            Method::POST,
            "/units/{unit}/org/bodies/{body}/edit",
            Signed(OrgManage),
            pages::body_update,
        ),
        r(
            Method::GET,
            "/units/{unit}/org/functions",
            Signed(OrgView),
            pages::functions,
        ),
        r(
            Method::GET,
            "/units/{unit}/org/functions/new",
            Signed(OrgManage),
            pages::function_new,
        ),
        r(
            Method::POST,
            "/units/{unit}/org/functions/new",
            Signed(OrgManage),
            pages::function_create,
        ),
        r(
            Method::GET,
            "/units/{unit}/org/functions/{item}/edit",
            Signed(OrgManage),
            pages::function_edit,
        ),
        r(
            Method::POST,
            "/units/{unit}/org/functions/{item}/edit",
            Signed(OrgManage),
            pages::function_update,
        ),
        r(
            Method::GET,
            "/units/{unit}/org/totals",
            Signed(OrgView),
            pages::totals,
        ),
        r(
            Method::POST,
            "/units/{unit}/org/totals/caps",
            Signed(OrgApprove),
            pages::caps_set,
        ),
        r(
            Method::POST,
            "/units/{unit}/org/totals/split",
            Signed(OrgManage),
            pages::split_save,
        ),
        r(
            Method::GET,
            "/units/{unit}/org/plans",
            Signed(OrgView),
            pages::plans,
        ),
        r(
            Method::POST,
            "/units/{unit}/org/plans",
            Signed(OrgManage),
            pages::plan_create,
        ),
        r(
            Method::GET,
            "/units/{unit}/org/plans/{plan}",
            Signed(OrgView),
            pages::plan_show,
        ),
        r(
            Method::POST,
            "/units/{unit}/org/plans/{plan}/ops",
            Signed(OrgManage),
            pages::op_add,
        ),
        r(
            Method::POST,
            "/units/{unit}/org/plans/{plan}/ops/{n}/delete",
            Signed(OrgManage),
            pages::op_delete,
        ),
        r(
            Method::POST,
            "/units/{unit}/org/plans/{plan}/submit",
            Signed(OrgManage),
            pages::plan_submit,
        ),
        r(
            Method::POST,
            "/units/{unit}/org/plans/{plan}/approve",
            Signed(OrgApprove),
            pages::plan_approve,
        ),
        r(
            Method::POST,
            "/units/{unit}/org/plans/{plan}/reject",
            Signed(OrgApprove),
            pages::plan_reject,
        ),
        r(
            Method::POST,
            "/units/{unit}/org/plans/{plan}/apply",
            Signed(OrgApprove),
            pages::plan_apply,
        ),
        r(
            Method::GET,
            "/units/{unit}/org/history",
            Signed(OrgView),
            pages::history,
        ),
        r(
            Method::GET,
            "/units/{unit}/org/chart",
            Signed(OrgView),
            pages::chart,
        ),
        r(
            Method::GET,
            "/units/{unit}/org/chart.svg",
            Signed(OrgView),
            pages::chart_svg_file,
        ),
        r(
            Method::GET,
            "/units/{unit}/org/export.xlsx",
            Signed(OrgView),
            pages::export,
        ),
        r(
            Method::GET,
            "/api/v1/units/{unit}/bodies",
            Signed(OrgView),
            api::list_bodies,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/bodies",
            Signed(OrgManage),
            api::create_body,
        ),
        r(
            Method::GET,
            "/api/v1/units/{unit}/bodies/{body}",
            Signed(OrgView),
            api::get_body,
        ),
        r(
            Method::PUT,
            "/api/v1/units/{unit}/bodies/{body}",
            Signed(OrgManage),
            api::update_body,
        ),
        r(
            Method::GET,
            "/api/v1/units/{unit}/functions",
            Signed(OrgView),
            api::list_functions,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/functions",
            Signed(OrgManage),
            api::create_function,
        ),
        r(
            Method::PUT,
            "/api/v1/units/{unit}/functions/{item}",
            Signed(OrgManage),
            api::update_function,
        ),
        r(
            Method::GET,
            "/api/v1/units/{unit}/org/structure",
            Signed(OrgView),
            api::structure,
        ),
        r(
            Method::GET,
            "/api/v1/units/{unit}/org/compare",
            Signed(OrgView),
            api::compare,
        ),
        r(
            Method::GET,
            "/api/v1/units/{unit}/org/totals",
            Signed(OrgView),
            api::totals,
        ),
        r(
            Method::PUT,
            "/api/v1/units/{unit}/org/caps",
            Signed(OrgApprove),
            api::set_caps,
        ),
        r(
            Method::PUT,
            "/api/v1/units/{unit}/org/split",
            Signed(OrgManage),
            api::set_split,
        ),
        r(
            Method::GET,
            "/api/v1/units/{unit}/plans",
            Signed(OrgView),
            api::list_plans,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/plans",
            Signed(OrgManage),
            api::create_plan,
        ),
        r(
            Method::GET,
            "/api/v1/units/{unit}/plans/{plan}",
            Signed(OrgView),
            api::get_plan,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/plans/{plan}/ops",
            Signed(OrgManage),
            api::add_op,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/plans/{plan}/submit",
            Signed(OrgManage),
            api::submit_plan,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/plans/{plan}/approve",
            Signed(OrgApprove),
            api::approve_plan,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/plans/{plan}/reject",
            Signed(OrgApprove),
            api::reject_plan,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/plans/{plan}/apply",
            Signed(OrgApprove),
            api::apply_plan,
        ),
        r(
            Method::GET,
            "/api/v1/org/units",
            Signed(OrgView),
            api::district,
        ),
        r(
            Method::PUT,
            "/api/v1/org/rules",
            Signed(OrgApprove),
            api::set_rules,
        ),
    ]
}
