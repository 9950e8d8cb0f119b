//! Posts from work (岗位: 因事定岗、因岗定编、因编定人、一人多岗、苦乐不均).
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
    id: "posts",
    menu: &[
        MenuEntry::unit("menu.posts", "/posts", Action::PostsView),
        MenuEntry::district("menu.posts", "/posts", Action::PostsView),
    ],
    locales: crate::locales!("posts"),
    routes,
    openapi: api::Doc::openapi,
};

fn routes() -> Vec<RouteSpec> {
    use Access::Signed;
    use Action::*;
    vec![
        r(Method::GET, "/posts", Signed(PostsView), pages::district),
        r(
            Method::GET,
            "/posts/report.xlsx",
            Signed(PostsView),
            pages::district_export,
        ),
        r(
            Method::GET,
            "/units/{unit}/posts",
            Signed(PostsView),
            pages::index,
        ),
        r(
            Method::GET,
            "/units/{unit}/posts/new",
            Signed(PostsManage),
            pages::new_form,
        ),
        r(
            Method::POST,
            "/units/{unit}/posts/new",
            Signed(PostsManage),
            pages::create,
        ),
        r(
            Method::GET,
            "/units/{unit}/posts/coverage",
            Signed(PostsView),
            pages::coverage,
        ),
        r(
            Method::GET,
            "/units/{unit}/posts/balance",
            Signed(PostsView),
            pages::balance,
        ),
        r(
            Method::POST,
            "/units/{unit}/posts/balance/accept",
            Signed(PostsManage),
            pages::accept,
        ),
        r(
            Method::GET,
            "/units/{unit}/posts/export.xlsx",
            Signed(PostsView),
            pages::export,
        ),
        r(
            Method::POST,
            "/units/{unit}/posts/assign",
            Signed(PostsManage),
            pages::assign,
        ),
        r(
            Method::GET,
            "/units/{unit}/posts/people/{person}",
            Signed(PostsView),
            pages::person,
        ),
        r(
            Method::POST,
            "/units/{unit}/posts/assignments/{assignment}/end",
            Signed(PostsManage),
            pages::end,
        ),
        r(
            Method::GET,
            "/units/{unit}/posts/{post}",
            Signed(PostsView),
            pages::show,
        ),
        r(
            Method::GET,
            "/units/{unit}/posts/{post}/edit",
            Signed(PostsManage),
            pages::edit_form,
        ),
        r(
            Method::POST,
            "/units/{unit}/posts/{post}/edit",
            Signed(PostsManage),
            pages::update,
        ),
        r(
            Method::POST,
            "/units/{unit}/posts/{post}/active",
            Signed(PostsManage),
            pages::set_active,
        ),
        r(
            Method::GET,
            "/api/v1/units/{unit}/posts",
            Signed(PostsView),
            api::list_posts,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/posts",
            Signed(PostsManage),
            api::create_post,
        ),
        r(
            Method::GET,
            "/api/v1/units/{unit}/posts/{post}",
            Signed(PostsView),
            api::get_post,
        ),
        r(
            Method::PUT,
            "/api/v1/units/{unit}/posts/{post}",
            Signed(PostsManage),
            api::update_post,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/post-assignments",
            Signed(PostsManage),
            api::assign,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/post-assignments/{assignment}/end",
            Signed(PostsManage),
            api::end_assignment,
        ),
        r(
            Method::GET,
            "/api/v1/units/{unit}/posts-coverage",
            Signed(PostsView),
            api::coverage,
        ),
        r(
            Method::GET,
            "/api/v1/units/{unit}/posts-balance",
            Signed(PostsView),
            api::balance,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/posts-balance/accept",
            Signed(PostsManage),
            api::accept,
        ),
        r(
            Method::GET,
            "/api/v1/posts-district",
            Signed(PostsView),
            api::district,
        ),
    ]
}
