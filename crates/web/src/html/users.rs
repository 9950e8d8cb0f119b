//! Accounts and roles (用户与角色).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use serde::Deserialize;

use jiguan_app::AppError;
use jiguan_app::ports::{Unit, UserFilter, UserView};
use jiguan_app::users::{EditUserForm, NewUserForm};
use jiguan_domain::auth::{Action, Role};
use jiguan_domain::tenancy::{UnitId, UserId};

use crate::AppState;
use crate::error::page_error;
use crate::guard::Ctx;
use crate::html::{FormErrors, Layout, ListParams, ListView, page, page_status};

#[derive(Template)]
#[template(path = "users_list.html")]
pub struct ListPage {
    pub l: Layout,
    pub list: ListView,
    pub rows: Vec<UserView>,
    pub units: Vec<Unit>,
    pub roles: Vec<Role>,
    pub can_manage: bool,
    pub unit_filter: bool,
}

pub async fn list(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(p): Query<ListParams>,
) -> Response {
    let unit_raw = p.unit.clone().unwrap_or_default();
    let role_raw = p.role.clone().unwrap_or_default();
    let filter = UserFilter {
        unit_id: unit_raw.parse::<i64>().ok().map(UnitId),
        district_level_only: unit_raw == "district",
        role: Role::from_code(&role_raw),
        active: None,
    };
    let q = p.query_or_default();
    let result = st.app.list_users(&ctx.actor, filter, &q).await;
    let units = st.app.visible_units(&ctx.actor).await.unwrap_or_default();
    match result {
        Ok(pg) => {
            let list = ListView::new(
                "/users",
                vec![("unit".into(), unit_raw), ("role".into(), role_raw)],
                &q,
                &pg,
            );
            let l = Layout::new(&ctx, "menu.users")
                .here()
                .flash(p.ok.as_deref());
            page(&ListPage {
                l,
                list,
                rows: pg.items,
                units,
                roles: Role::ALL.to_vec(),
                can_manage: ctx.actor.can(Action::UsersManage),
                unit_filter: ctx.actor.unit_id.is_none(),
            })
        }
        Err(e) => page_error(ctx.tr, e),
    }
}

/// The form as shown again after an error (roles as a list of codes).
#[derive(Deserialize, Default, Clone)]
pub struct UserFormRaw {
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub unit_id: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub active: Option<String>,
    #[serde(default)]
    pub roles: Vec<String>,
}

#[derive(Template)]
#[template(path = "user_form.html")]
pub struct FormPage {
    pub l: Layout,
    pub f: UserFormRaw,
    pub errs: FormErrors,
    pub units: Vec<Unit>,
    pub roles: Vec<Role>,
    pub action: String,
    pub editing: bool,
    pub user_id: i64,
    pub unit_choice: bool,
}

impl FormPage {
    pub fn has_role(&self, r: &Role) -> bool {
        self.f.roles.iter().any(|c| c == r.code())
    }
}

/// Parses a form body in which `roles` may repeat.
fn parse_form(body: &str) -> UserFormRaw {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(body).unwrap_or_default();
    let mut f = UserFormRaw::default();
    for (k, v) in pairs {
        match k.as_str() {
            "username" => f.username = v,
            "display_name" => f.display_name = v,
            "unit_id" => f.unit_id = v,
            "password" => f.password = v,
            "active" => f.active = Some(v),
            "roles" => f.roles.push(v),
            _ => {}
        }
    }
    f
}

fn assignable_roles(ctx: &Ctx) -> Vec<Role> {
    Role::ALL
        .iter()
        .copied()
        .filter(|r| ctx.actor.unit_id.is_none() || *r != Role::DistrictAdmin)
        .collect()
}

pub async fn new_form(State(st): State<AppState>, Extension(ctx): Extension<Ctx>) -> Response {
    let units = st.app.visible_units(&ctx.actor).await.unwrap_or_default();
    let l = Layout::new(&ctx, "users.new")
        .crumb(ctx.tr.t("menu.users"), "/users")
        .here();
    let f = UserFormRaw {
        roles: vec!["staff".into()],
        ..UserFormRaw::default()
    };
    let unit_choice = ctx.actor.unit_id.is_none();
    page(&FormPage {
        l,
        f,
        errs: FormErrors::default(),
        units,
        roles: assignable_roles(&ctx),
        action: "/users/new".into(),
        editing: false,
        user_id: 0,
        unit_choice,
    })
}

pub async fn create(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    body: String,
) -> Response {
    let f = parse_form(&body);
    let form = NewUserForm {
        username: f.username.clone(),
        display_name: f.display_name.clone(),
        unit_id: f.unit_id.clone(),
        roles: f.roles.clone(),
        password: f.password.clone(),
    };
    match st.app.create_user(&ctx.actor, &form).await {
        Ok(_) => Redirect::to("/users?ok=user_created").into_response(),
        Err(AppError::Invalid(e)) => {
            let units = st.app.visible_units(&ctx.actor).await.unwrap_or_default();
            let l = Layout::new(&ctx, "users.new")
                .crumb(ctx.tr.t("menu.users"), "/users")
                .here();
            let errs = FormErrors::new(ctx.tr, &e);
            let f = UserFormRaw {
                password: String::new(),
                ..f
            };
            let unit_choice = ctx.actor.unit_id.is_none();
            page_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &FormPage {
                    l,
                    f,
                    errs,
                    units,
                    roles: assignable_roles(&ctx),
                    action: "/users/new".into(),
                    editing: false,
                    user_id: 0,
                    unit_choice,
                },
            )
        }
        Err(e) => page_error(ctx.tr, e),
    }
}

pub async fn edit_form(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
) -> Response {
    let u = match st.app.get_user(&ctx.actor, UserId(id)).await {
        Ok(u) => u,
        Err(e) => return page_error(ctx.tr, e),
    };
    let f = UserFormRaw {
        username: u.username.clone(),
        display_name: u.display_name.clone(),
        unit_id: u.unit_id.map(|x| x.to_string()).unwrap_or_default(),
        password: String::new(),
        active: u.active.then(|| "on".into()),
        roles: u.roles.iter().map(|r| r.code().to_string()).collect(),
    };
    let units = st.app.visible_units(&ctx.actor).await.unwrap_or_default();
    let l = Layout::new(&ctx, "users.edit")
        .crumb(ctx.tr.t("menu.users"), "/users")
        .here();
    let roles = if u.unit_id.is_some() {
        Role::ALL
            .iter()
            .copied()
            .filter(|r| *r != Role::DistrictAdmin)
            .collect()
    } else {
        vec![Role::DistrictAdmin, Role::Auditor]
    };
    page(&FormPage {
        l,
        f,
        errs: FormErrors::default(),
        units,
        roles,
        action: format!("/users/{id}/edit"),
        editing: true,
        user_id: id,
        unit_choice: false,
    })
}

pub async fn update(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    body: String,
) -> Response {
    let f = parse_form(&body);
    let form = EditUserForm {
        display_name: f.display_name.clone(),
        roles: f.roles.clone(),
        active: f.active.is_some(),
    };
    match st.app.update_user(&ctx.actor, UserId(id), &form).await {
        Ok(()) => Redirect::to("/users?ok=saved").into_response(),
        Err(AppError::Invalid(e)) => {
            let old = st.app.get_user(&ctx.actor, UserId(id)).await.ok();
            let units = st.app.visible_units(&ctx.actor).await.unwrap_or_default();
            let l = Layout::new(&ctx, "users.edit")
                .crumb(ctx.tr.t("menu.users"), "/users")
                .here();
            let errs = FormErrors::new(ctx.tr, &e);
            let f = UserFormRaw {
                username: old.as_ref().map(|o| o.username.clone()).unwrap_or_default(),
                ..f
            };
            let roles = if old.as_ref().is_some_and(|o| o.unit_id.is_none()) {
                vec![Role::DistrictAdmin, Role::Auditor]
            } else {
                Role::ALL
                    .iter()
                    .copied()
                    .filter(|r| *r != Role::DistrictAdmin)
                    .collect()
            };
            page_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &FormPage {
                    l,
                    f,
                    errs,
                    units,
                    roles,
                    action: format!("/users/{id}/edit"),
                    editing: true,
                    user_id: id,
                    unit_choice: false,
                },
            )
        }
        Err(e) => page_error(ctx.tr, e),
    }
}

#[derive(Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    pub password: String,
}

pub async fn reset_password(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    Form(f): Form<ResetForm>,
) -> Response {
    match st
        .app
        .reset_password(&ctx.actor, UserId(id), &f.password)
        .await
    {
        Ok(()) => Redirect::to("/users?ok=password_reset").into_response(),
        Err(e) => page_error(ctx.tr, e),
    }
}
