//! Managed lists (数据字典): the district's lists with codes. Every account that sees the
//! settings reads them (page and JSON); the district administrator adds items, reorders
//! and disables them. The person forms, the roster import and its template use them.

pub mod api;
pub mod pages;

use axum::http::Method;
use utoipa::OpenApi;

use jiguan_domain::auth::Action;

use crate::guard::Access;
use crate::module::{MenuEntry, WebModule};
use crate::routes::{RouteSpec, r};

pub const MODULE: WebModule = WebModule {
    id: "dict",
    menu: &[MenuEntry::everyone(
        "menu.dict",
        "/dict",
        Action::SettingsView,
    )],
    locales: crate::locales!("dict"),
    routes,
    openapi: api::Doc::openapi,
};

fn routes() -> Vec<RouteSpec> {
    use Access::Signed;
    use Action::*;
    vec![
        r(Method::GET, "/dict", Signed(SettingsView), pages::index),
        r(
            Method::GET,
            "/dict/{kind}",
            Signed(SettingsView),
            pages::show,
        ),
        r(
            Method::POST,
            "/dict/{kind}/items",
            Signed(SettingsManage),
            pages::add,
        ),
        r(
            Method::POST,
            "/dict/{kind}/items/{code}",
            Signed(SettingsManage),
            pages::change,
        ),
        r(
            Method::GET,
            "/api/v1/dict",
            Signed(SettingsView),
            api::lists,
        ),
    ]
}
