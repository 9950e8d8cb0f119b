//! The route table: every page and endpoint with the action it needs. The router is built
//! from this table and the tests walk it, so no route can skip the guard or the tests.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::handler::Handler;
use axum::http::Method;
use axum::middleware::from_fn_with_state;
use axum::routing::{MethodFilter, MethodRouter, on};

use jiguan_domain::auth::Action;

use crate::guard::{Access, GuardSpec, guard, security_headers};
use crate::{AppState, api, assets, html};

/// One route.
pub struct RouteSpec {
    pub method: Method,
    pub path: &'static str,
    pub access: Access,
    pub handler: MethodRouter<AppState>,
}

impl RouteSpec {
    pub fn is_api(&self) -> bool {
        self.path.starts_with("/api/")
    }
}

pub(crate) fn r<H, T>(method: Method, path: &'static str, access: Access, h: H) -> RouteSpec
where
    H: Handler<T, AppState>,
    T: 'static,
{
    let filter = MethodFilter::try_from(method.clone()).unwrap_or(MethodFilter::GET);
    RouteSpec {
        method,
        path,
        access,
        handler: on(filter, h),
    }
}

/// Every route of the application: the platform's own, then each module's.
pub fn table() -> Vec<RouteSpec> {
    let mut t = platform();
    for m in crate::module::MODULES {
        t.extend((m.routes)());
    }
    t
}

/// The platform's routes: sign-in, dashboard, units, users, audit, settings, profile.
fn platform() -> Vec<RouteSpec> {
    use Access::{Public, Signed};
    use Action::*;
    let (get, post, put, delete) = (Method::GET, Method::POST, Method::PUT, Method::DELETE);
    vec![
        // Public.
        r(get.clone(), "/login", Public, html::login::login_page),
        r(post.clone(), "/login", Public, html::login::login_submit),
        r(get.clone(), "/lang/{lang}", Public, html::login::set_lang),
        r(get.clone(), "/healthz", Public, assets::healthz),
        r(get.clone(), "/readyz", Public, assets::readyz),
        r(get.clone(), "/assets/app.css", Public, assets::css),
        r(get.clone(), "/assets/app.js", Public, assets::js),
        r(
            get.clone(),
            "/api/openapi.json",
            Public,
            api::openapi_handler,
        ),
        // Pages.
        r(
            post.clone(),
            "/logout",
            Signed(Profile),
            html::login::logout,
        ),
        r(get.clone(), "/", Signed(Dashboard), html::dashboard::show),
        r(get.clone(), "/units", Signed(UnitsList), html::units::list),
        r(
            get.clone(),
            "/units/new",
            Signed(UnitManage),
            html::units::new_form,
        ),
        r(
            post.clone(),
            "/units/new",
            Signed(UnitManage),
            html::units::create,
        ),
        r(
            get.clone(),
            "/units/{unit}",
            Signed(UnitView),
            html::units::show,
        ),
        r(
            get.clone(),
            "/units/{unit}/edit",
            Signed(UnitManage),
            html::units::edit_form,
        ),
        r(
            post.clone(),
            "/units/{unit}/edit",
            Signed(UnitManage),
            html::units::update,
        ),
        r(get.clone(), "/users", Signed(UsersView), html::users::list),
        r(
            get.clone(),
            "/users/new",
            Signed(UsersManage),
            html::users::new_form,
        ),
        r(
            post.clone(),
            "/users/new",
            Signed(UsersManage),
            html::users::create,
        ),
        r(
            get.clone(),
            "/users/{user}/edit",
            Signed(UsersManage),
            html::users::edit_form,
        ),
        r(
            post.clone(),
            "/users/{user}/edit",
            Signed(UsersManage),
            html::users::update,
        ),
        r(
            post.clone(),
            "/users/{user}/reset-password",
            Signed(UsersManage),
            html::users::reset_password,
        ),
        r(get.clone(), "/audit", Signed(AuditView), html::audit::list),
        r(
            get.clone(),
            "/audit/export.xlsx",
            Signed(AuditView),
            html::audit::export,
        ),
        r(
            get.clone(),
            "/audit/logins",
            Signed(AuditView),
            html::audit::logins,
        ),
        r(
            get.clone(),
            "/audit/logins/export.xlsx",
            Signed(AuditView),
            html::audit::logins_export,
        ),
        r(
            get.clone(),
            "/settings",
            Signed(SettingsView),
            html::settings::show,
        ),
        r(
            post.clone(),
            "/settings",
            Signed(SettingsManage),
            html::settings::set,
        ),
        r(
            get.clone(),
            "/profile",
            Signed(Profile),
            html::profile::show,
        ),
        r(
            get.clone(),
            "/profile/password",
            Signed(Profile),
            html::profile::password_form,
        ),
        r(
            post.clone(),
            "/profile/password",
            Signed(Profile),
            html::profile::password_submit,
        ),
        r(
            post.clone(),
            "/profile/tokens",
            Signed(Profile),
            html::profile::create_token,
        ),
        r(
            post.clone(),
            "/profile/tokens/{token}/delete",
            Signed(Profile),
            html::profile::delete_token,
        ),
        // JSON API.
        r(get.clone(), "/api/v1/me", Signed(Profile), api::tenancy::me),
        r(
            get.clone(),
            "/api/v1/units",
            Signed(UnitsList),
            api::tenancy::list_units,
        ),
        r(
            post.clone(),
            "/api/v1/units",
            Signed(UnitManage),
            api::tenancy::create_unit,
        ),
        r(
            get.clone(),
            "/api/v1/units/{unit}",
            Signed(UnitView),
            api::tenancy::get_unit,
        ),
        r(
            put.clone(),
            "/api/v1/units/{unit}",
            Signed(UnitManage),
            api::tenancy::update_unit,
        ),
        r(
            get.clone(),
            "/api/v1/users",
            Signed(UsersView),
            api::users::list_users,
        ),
        r(
            post.clone(),
            "/api/v1/users",
            Signed(UsersManage),
            api::users::create_user,
        ),
        r(
            get.clone(),
            "/api/v1/users/{user}",
            Signed(UsersView),
            api::users::get_user,
        ),
        r(
            put.clone(),
            "/api/v1/users/{user}",
            Signed(UsersManage),
            api::users::update_user,
        ),
        r(
            post.clone(),
            "/api/v1/users/{user}/reset-password",
            Signed(UsersManage),
            api::users::reset_password,
        ),
        r(
            get.clone(),
            "/api/v1/tokens",
            Signed(Profile),
            api::users::list_tokens,
        ),
        r(
            post.clone(),
            "/api/v1/tokens",
            Signed(Profile),
            api::users::create_token,
        ),
        r(
            delete.clone(),
            "/api/v1/tokens/{token}",
            Signed(Profile),
            api::users::delete_token,
        ),
        r(
            get.clone(),
            "/api/v1/audit",
            Signed(AuditView),
            api::audit::list_audit,
        ),
        r(
            get.clone(),
            "/api/v1/settings",
            Signed(SettingsView),
            api::audit::list_settings,
        ),
        r(
            put.clone(),
            "/api/v1/settings/{key}",
            Signed(SettingsManage),
            api::audit::set_setting,
        ),
    ]
}

/// The routes without their handlers, for tests and docs.
pub fn specs() -> Vec<(Method, &'static str, Access)> {
    table()
        .into_iter()
        .map(|s| (s.method, s.path, s.access))
        .collect()
}

/// Builds the router: each route behind the guard with its own access rule.
pub fn build(state: AppState) -> Router {
    let mut by_path: Vec<(&'static str, MethodRouter<AppState>)> = Vec::new();
    for spec in table() {
        let gs = GuardSpec {
            access: spec.access,
            api: spec.is_api(),
        };
        let guarded = spec
            .handler
            .route_layer(from_fn_with_state((state.clone(), gs), guard));
        match by_path.iter_mut().find(|(p, _)| *p == spec.path) {
            Some((_, mr)) => {
                let prev = std::mem::take(mr);
                *mr = prev.merge(guarded);
            }
            None => by_path.push((spec.path, guarded)),
        }
    }
    let mut router = Router::new();
    for (path, mr) in by_path {
        router = router.route(path, mr);
    }
    router
        .fallback(assets::not_found)
        .layer(DefaultBodyLimit::max(state.web.max_body_bytes))
        .layer(from_fn_with_state(
            state.web.secure_cookies,
            security_headers,
        ))
        .with_state(state)
}
