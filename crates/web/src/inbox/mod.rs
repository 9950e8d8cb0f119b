//! The inbox (待办与通知): what waits for the signed-in person (derived from the
//! workflows' state) and the notices addressed to them (stored, read per reader). The
//! menu shows the count (`Ctx::inbox`), the dashboard the same items.

pub mod api;
pub mod pages;

use axum::http::Method;
use utoipa::OpenApi;

use jiguan_domain::auth::Action;

use crate::guard::Access;
use crate::module::WebModule;
use crate::routes::{RouteSpec, r};

pub const MODULE: WebModule = WebModule {
    id: "inbox",
    // The menu entry sits right under the dashboard with its count (html::menu).
    menu: &[],
    locales: crate::locales!("inbox"),
    routes,
    openapi: api::Doc::openapi,
};

fn routes() -> Vec<RouteSpec> {
    use Access::Signed;
    use Action::*;
    vec![
        r(Method::GET, "/inbox", Signed(Dashboard), pages::show),
        r(
            Method::POST,
            "/inbox/notices/{notice}/open",
            Signed(Dashboard),
            pages::open,
        ),
        r(
            Method::POST,
            "/inbox/read-all",
            Signed(Dashboard),
            pages::read_all,
        ),
        r(Method::GET, "/api/v1/inbox", Signed(Dashboard), api::inbox),
        r(
            Method::POST,
            "/api/v1/inbox/notices/{notice}/read",
            Signed(Dashboard),
            api::read,
        ),
    ]
}
