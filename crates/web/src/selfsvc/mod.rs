//! Staff self-service (个人中心): the signed-in user's own record, posts and workload,
//! notices, retirement date and history (`/me`), and the link between an account and its
//! person (`POST /users/{user}/person`, the account form's 关联人员 card).

pub mod pages;

use axum::http::Method;

use jiguan_domain::auth::Action;

use crate::guard::Access;
use crate::module::{MenuEntry, WebModule};
use crate::routes::{RouteSpec, r};

pub const MODULE: WebModule = WebModule {
    id: "selfsvc",
    menu: &[MenuEntry::everyone("menu.me", "/me", Action::Profile)],
    locales: crate::locales!("selfsvc"),
    routes,
    openapi,
};

fn routes() -> Vec<RouteSpec> {
    use Access::Signed;
    use Action::*;
    vec![
        r(Method::GET, "/me", Signed(Profile), pages::show),
        r(
            Method::POST,
            "/users/{user}/person",
            Signed(UsersManage),
            crate::html::users::link_person,
        ),
    ]
}

/// The module has no JSON endpoints yet.
fn openapi() -> utoipa::openapi::OpenApi {
    utoipa::openapi::OpenApiBuilder::new().build()
}
