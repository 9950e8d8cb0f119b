//! Policy calculators (政策计算器) and the working-day calendar (工作日历).
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
    id: "calc",
    menu: &[MenuEntry::everyone("menu.calc", "/calc", Action::CalcUse)],
    locales: crate::locales!("calc"),
    routes,
    openapi: api::Doc::openapi,
};

fn routes() -> Vec<RouteSpec> {
    use Access::Signed;
    use Action::*;
    vec![
        r(Method::GET, "/calc", Signed(CalcUse), pages::index),
        r(
            Method::GET,
            "/calc/saved",
            Signed(CalcUse),
            pages::saved_list,
        ),
        r(
            Method::GET,
            "/calc/saved/{calc}",
            Signed(CalcUse),
            pages::saved_show,
        ),
        r(Method::GET, "/calc/{kind}", Signed(CalcUse), pages::form),
        r(Method::POST, "/calc/{kind}", Signed(CalcUse), pages::submit),
        r(
            Method::GET,
            "/settings/calendar",
            Signed(SettingsView),
            pages::calendar_page,
        ),
        r(
            Method::POST,
            "/settings/calendar",
            Signed(SettingsManage),
            pages::calendar_load,
        ),
        r(
            Method::GET,
            "/api/v1/calc",
            Signed(CalcUse),
            api::list_kinds,
        ),
        r(
            Method::GET,
            "/api/v1/calc/saved",
            Signed(CalcUse),
            api::list_saved,
        ),
        r(
            Method::POST,
            "/api/v1/calc/saved",
            Signed(CalcUse),
            api::save,
        ),
        r(
            Method::GET,
            "/api/v1/calc/saved/{calc}",
            Signed(CalcUse),
            api::get_saved,
        ),
        r(
            Method::POST,
            "/api/v1/calc/{kind}",
            Signed(CalcUse),
            api::calculate,
        ),
        r(
            Method::GET,
            "/api/v1/calendar",
            Signed(CalcUse),
            api::list_calendar,
        ),
        r(
            Method::PUT,
            "/api/v1/calendar/{year}",
            Signed(SettingsManage),
            api::put_calendar,
        ),
    ]
}
