//! Downsizing plans (分流方案): plans, lines, workflow, notices, Excel, district summary.
//! The module's web part: pages (`pages.rs`), JSON API (`api.rs`), and its registration.

pub mod api;
pub mod pages;

use axum::http::Method;
use utoipa::OpenApi;

use jiguan_domain::auth::Action;

use crate::guard::Access;
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
