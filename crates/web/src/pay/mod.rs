//! Performance pay (绩效分配): the district's pools and report (with the before/after 大锅饭
//! chart), a unit's pay runs, lines, workflow and printable slips. Pages (`pages.rs`), JSON
//! API (`api.rs`) and the registration.

pub mod api;
pub mod pages;

use axum::http::Method;
use serde::Deserialize;
use utoipa::OpenApi;

use jiguan_domain::auth::Action;
use jiguan_domain::pay::PayRunId;

use crate::guard::Access;
use crate::module::{MenuEntry, WebModule};
use crate::routes::{RouteSpec, r};

pub const MODULE: WebModule = WebModule {
    id: "pay",
    menu: &[
        MenuEntry::unit("menu.pay", "/pay", Action::PayView),
        MenuEntry::district("menu.pay", "/pay", Action::UnitsList),
    ],
    locales: crate::locales!("pay"),
    routes,
    openapi: api::Doc::openapi,
};

/// The `{plan}` (a pay run) of a run's route (not a number: 400 naming `plan`).
#[derive(Deserialize)]
pub struct RunParam {
    pub plan: PayRunId,
}

/// The `{plan}` and `{person}` of a slip.
#[derive(Deserialize)]
pub struct SlipParam {
    pub plan: PayRunId,
    pub person: jiguan_domain::people::PersonId,
}

fn routes() -> Vec<RouteSpec> {
    use Access::Signed;
    use Action::*;
    vec![
        r(Method::GET, "/pay", Signed(UnitsList), pages::district),
        r(
            Method::POST,
            "/units/{unit}/pay/pool",
            Signed(PayPoolSet),
            pages::set_pool,
        ),
        r(
            Method::GET,
            "/units/{unit}/pay",
            Signed(PayView),
            pages::runs,
        ),
        r(
            Method::POST,
            "/units/{unit}/pay",
            Signed(PayRun),
            pages::create,
        ),
        r(
            Method::GET,
            "/units/{unit}/pay/{plan}",
            Signed(PayView),
            pages::show,
        ),
        r(
            Method::POST,
            "/units/{unit}/pay/{plan}/lines",
            Signed(PayRun),
            pages::line_save,
        ),
        r(
            Method::POST,
            "/units/{unit}/pay/{plan}/from-appraisal",
            Signed(PayRun),
            pages::from_appraisal,
        ),
        r(
            Method::POST,
            "/units/{unit}/pay/{plan}/compute",
            Signed(PayRun),
            pages::compute,
        ),
        r(
            Method::POST,
            "/units/{unit}/pay/{plan}/submit",
            Signed(PayRun),
            pages::submit,
        ),
        r(
            Method::POST,
            "/units/{unit}/pay/{plan}/approve",
            Signed(PayApprove),
            pages::approve,
        ),
        r(
            Method::POST,
            "/units/{unit}/pay/{plan}/reject",
            Signed(PayApprove),
            pages::reject,
        ),
        r(
            Method::POST,
            "/units/{unit}/pay/{plan}/reopen",
            Signed(PayRun),
            pages::reopen,
        ),
        r(
            Method::POST,
            "/units/{unit}/pay/{plan}/apply",
            Signed(PayRun),
            pages::apply,
        ),
        r(
            Method::GET,
            "/units/{unit}/pay/{plan}/slip/{person}",
            Signed(PayView),
            pages::slip,
        ),
        r(
            Method::GET,
            "/units/{unit}/pay/{plan}/export",
            Signed(PayView),
            pages::export,
        ),
        r(
            Method::GET,
            "/api/v1/pay/{year}",
            Signed(UnitsList),
            api::report,
        ),
        r(
            Method::PUT,
            "/api/v1/units/{unit}/pay/pools/{year}",
            Signed(PayPoolSet),
            api::set_pool,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/pay",
            Signed(PayRun),
            api::create,
        ),
        r(
            Method::GET,
            "/api/v1/units/{unit}/pay/{plan}",
            Signed(PayView),
            api::get_run,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/pay/{plan}/lines",
            Signed(PayRun),
            api::import_lines,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/pay/{plan}/compute",
            Signed(PayRun),
            api::compute,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/pay/{plan}/submit",
            Signed(PayRun),
            api::submit,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/pay/{plan}/approve",
            Signed(PayApprove),
            api::approve,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/pay/{plan}/reject",
            Signed(PayApprove),
            api::reject,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/pay/{plan}/apply",
            Signed(PayRun),
            api::apply,
        ),
        r(
            Method::GET,
            "/units/{unit}/pay/{plan}/template",
            Signed(PayRun),
            pages::template,
        ),
        r(
            Method::POST,
            "/units/{unit}/pay/{plan}/upload",
            Signed(PayRun),
            pages::upload,
        ),
        r(
            Method::GET,
            "/me/pay/{plan}",
            Signed(Profile),
            pages::my_slip,
        ),
    ]
}
