//! Reform results (改革成效): the unit report, the district dashboard, the print view, the
//! records behind a figure, the workbooks and the JSON API.

pub mod api;
pub mod pages;
pub mod svg;

use axum::http::Method;
use utoipa::OpenApi;

use jiguan_domain::auth::Action;

use crate::guard::Access;
use crate::module::{MenuEntry, WebModule};
use crate::routes::{RouteSpec, r};

pub const MODULE: WebModule = WebModule {
    id: "report",
    menu: &[
        MenuEntry::unit("menu.report", "/report", Action::ReportView),
        MenuEntry::district("menu.report", "/report", Action::ReportDistrict),
    ],
    locales: crate::locales!("report"),
    routes,
    openapi: api::Doc::openapi,
};

fn routes() -> Vec<RouteSpec> {
    use Access::Signed;
    use Action::*;
    vec![
        r(
            Method::GET,
            "/report",
            Signed(ReportDistrict),
            pages::district,
        ),
        r(
            Method::GET,
            "/report/export",
            Signed(ReportDistrict),
            pages::district_export,
        ),
        r(
            Method::GET,
            "/units/{unit}/report",
            Signed(ReportView),
            pages::unit,
        ),
        r(
            Method::GET,
            "/units/{unit}/report/print",
            Signed(ReportView),
            pages::unit_print,
        ),
        r(
            Method::GET,
            "/units/{unit}/report/export",
            Signed(ReportView),
            pages::unit_export,
        ),
        r(
            Method::GET,
            "/units/{unit}/report/trace",
            Signed(ReportView),
            pages::trace,
        ),
        r(
            Method::GET,
            "/api/v1/report",
            Signed(ReportDistrict),
            api::district,
        ),
        r(
            Method::GET,
            "/api/v1/units/{unit}/report",
            Signed(ReportView),
            api::unit,
        ),
    ]
}
