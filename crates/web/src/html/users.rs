//! Accounts and roles (用户与角色).

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use jiguan_app::ports::{Unit, UserFilter, UserView};
use jiguan_app::users::{EditUserForm, NewUserForm};
use jiguan_domain::auth::{Action, Role};
use jiguan_domain::tenancy::{UnitId, UserId};

use crate::AppState;
use crate::error::{FieldErrors, WebResult};
use crate::extract::{Form, FormPairs, Path, Query};
use crate::guard::Ctx;
use crate::html::{FormErrors, Layout, ListParams, ListView, form_status, page};

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

pub async fn list(State(st): State<AppState>, ctx: Ctx, Query(p): Query<ListParams>) -> WebResult {
    let unit_raw = p.unit.clone().unwrap_or_default();
    let role_raw = p.role.clone().unwrap_or_default();
    let filter = UserFilter {
        unit_id: unit_raw.parse::<i64>().ok().map(UnitId),
        district_level_only: unit_raw == "district",
        role: Role::from_code(&role_raw),
        active: None,
    };
    let q = p.page_query()?;
    let result = st.app.list_users(&ctx.actor, filter, &q).await;
    let units = st.app.visible_units(&ctx.actor).await.unwrap_or_default();
    let pg = result?;
    let list = ListView::new(
        "/users",
        vec![("unit".into(), unit_raw), ("role".into(), role_raw)],
        &q,
        &pg,
    );
    let l = Layout::new(&ctx, "menu.users")
        .here()
        .flash(p.ok.as_deref());
    Ok(page(&ListPage {
        l,
        list,
        rows: pg.items,
        units,
        roles: Role::ALL.to_vec(),
        can_manage: ctx.actor.can(Action::UsersManage),
        unit_filter: ctx.actor.unit_id.is_none(),
    }))
}

/// The form as shown again after an error (roles as a list of codes).
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct UserFormRaw {
    pub username: String,
    pub display_name: String,
    pub unit_id: String,
    pub password: String,
    pub active: Option<String>,
    pub roles: Vec<String>,
    /// The person the account belongs to (个人中心), as text.
    pub person_id: String,
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
    /// People the account may be linked to: (id, name, body · post); empty when the
    /// account has no unit yet or is district-level.
    pub people: Vec<(i64, String, String)>,
}

impl FormPage {
    pub fn has_role(&self, r: &Role) -> bool {
        self.f.roles.iter().any(|c| c == r.code())
    }
}

/// The form of a body in which `roles` may repeat (of other fields the last value counts).
fn form_of(pairs: &FormPairs) -> UserFormRaw {
    let last = |k: &str| pairs.all(k).pop();
    UserFormRaw {
        username: last("username").unwrap_or_default(),
        display_name: last("display_name").unwrap_or_default(),
        unit_id: last("unit_id").unwrap_or_default(),
        password: last("password").unwrap_or_default(),
        active: last("active"),
        roles: pairs.all("roles"),
        person_id: last("person_id").unwrap_or_default(),
    }
}

fn assignable_roles(ctx: &Ctx) -> Vec<Role> {
    Role::ALL
        .iter()
        .copied()
        .filter(|r| ctx.actor.unit_id.is_none() || *r != Role::DistrictAdmin)
        .collect()
}

/// The roles an existing account may hold: district-level accounts only the district's.
fn roles_of(district_level: bool) -> Vec<Role> {
    if district_level {
        vec![Role::DistrictAdmin, Role::Auditor]
    } else {
        Role::ALL
            .iter()
            .copied()
            .filter(|r| *r != Role::DistrictAdmin)
            .collect()
    }
}

/// The account form (new when `editing` is `None`, else the account and the roles it may
/// hold): 200, or 422 with field errors.
async fn form_page(
    st: &AppState,
    ctx: &Ctx,
    f: UserFormRaw,
    errs: FormErrors,
    editing: Option<(UserId, Vec<Role>)>,
) -> Response {
    let units = st.app.visible_units(&ctx.actor).await.unwrap_or_default();
    let title = if editing.is_some() {
        "users.edit"
    } else {
        "users.new"
    };
    let l = Layout::new(ctx, title)
        .crumb(ctx.tr.t("menu.users"), "/users")
        .here();
    let (action, user_id, roles) = match editing {
        Some((id, roles)) => (format!("/users/{id}/edit"), id.0, roles),
        None => ("/users/new".to_string(), 0, assignable_roles(ctx)),
    };
    // The unit whose people the account may be linked to: the account's own (editing),
    // else the creator's unit or the unit chosen.
    let unit = if user_id != 0 {
        st.app
            .get_user(&ctx.actor, UserId(user_id))
            .await
            .ok()
            .and_then(|u| u.unit_id)
    } else {
        ctx.actor
            .unit_id
            .or_else(|| f.unit_id.trim().parse::<i64>().ok().map(UnitId))
    };
    let people = match unit {
        Some(u) if ctx.actor.can(Action::UsersManage) => st
            .app
            .linkable_people(&ctx.actor, u)
            .await
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    let p = FormPage {
        l,
        f,
        errs,
        units,
        roles,
        action,
        editing: user_id != 0,
        user_id,
        unit_choice: user_id == 0 && ctx.actor.unit_id.is_none(),
        people,
    };
    form_status(&p.errs, &p)
}

/// `/users/new?unit=&person=`: an account for a roster row (个人中心), pre-filled.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewQ {
    pub unit: String,
    pub person: String,
}

pub async fn new_form(State(st): State<AppState>, ctx: Ctx, Query(q): Query<NewQ>) -> Response {
    let mut f = UserFormRaw {
        roles: vec!["staff".into()],
        ..UserFormRaw::default()
    };
    let unit = ctx
        .actor
        .unit_id
        .or_else(|| q.unit.trim().parse::<i64>().ok().map(UnitId));
    if let Some(u) = unit
        && !q.person.trim().is_empty()
        && let Ok(people) = st.app.linkable_people(&ctx.actor, u).await
        && let Some(p) = people.iter().find(|p| p.0.to_string() == q.person.trim())
    {
        f.display_name = p.1.clone();
        f.unit_id = u.to_string();
        f.person_id = p.0.to_string();
    }
    form_page(&st, &ctx, f, FormErrors::default(), None).await
}

pub async fn create(State(st): State<AppState>, ctx: Ctx, pairs: FormPairs) -> WebResult {
    let f = form_of(&pairs);
    let form = NewUserForm {
        username: f.username.clone(),
        display_name: f.display_name.clone(),
        unit_id: f.unit_id.clone(),
        roles: f.roles.clone(),
        password: f.password.clone(),
        person_id: f.person_id.clone(),
    };
    Ok(
        match st.app.create_user(&ctx.actor, &form).await.fields()? {
            Ok(_) => Redirect::to("/users?ok=user_created").into_response(),
            Err(e) => {
                let f = UserFormRaw {
                    password: String::new(),
                    ..f
                };
                form_page(&st, &ctx, f, FormErrors::new(ctx.tr, &e), None).await
            }
        },
    )
}

/// The edit form of a stored account.
fn raw_of(u: &jiguan_app::ports::UserRecord) -> UserFormRaw {
    UserFormRaw {
        username: u.username.clone(),
        display_name: u.display_name.clone(),
        unit_id: u.unit_id.map(|x| x.to_string()).unwrap_or_default(),
        password: String::new(),
        active: u.active.then(|| "on".into()),
        roles: u.roles.iter().map(|r| r.code().to_string()).collect(),
        person_id: u.person_id.map(|p| p.to_string()).unwrap_or_default(),
    }
}

pub async fn edit_form(State(st): State<AppState>, ctx: Ctx, Path(id): Path<UserId>) -> WebResult {
    let u = st.app.get_user(&ctx.actor, id).await?;
    let editing = Some((id, roles_of(u.unit_id.is_none())));
    Ok(form_page(&st, &ctx, raw_of(&u), FormErrors::default(), editing).await)
}

#[derive(Deserialize)]
pub struct LinkForm {
    #[serde(default)]
    pub person_id: String,
}

/// Links an account to its person (个人中心), or unlinks it: back to the list, or the
/// edit page with the field error (422).
pub async fn link_person(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<UserId>,
    Form(lf): Form<LinkForm>,
) -> WebResult {
    Ok(
        match st
            .app
            .link_user_person(&ctx.actor, id, &lf.person_id)
            .await
            .fields()?
        {
            Ok(()) => Redirect::to("/users?ok=saved").into_response(),
            Err(e) => {
                let u = st.app.get_user(&ctx.actor, id).await?;
                let f = UserFormRaw {
                    person_id: lf.person_id,
                    ..raw_of(&u)
                };
                let editing = Some((id, roles_of(u.unit_id.is_none())));
                form_page(&st, &ctx, f, FormErrors::new(ctx.tr, &e), editing).await
            }
        },
    )
}

pub async fn update(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<UserId>,
    pairs: FormPairs,
) -> WebResult {
    let f = form_of(&pairs);
    let form = EditUserForm {
        display_name: f.display_name.clone(),
        roles: f.roles.clone(),
        active: f.active.is_some(),
    };
    Ok(
        match st.app.update_user(&ctx.actor, id, &form).await.fields()? {
            Ok(()) => Redirect::to("/users?ok=saved").into_response(),
            Err(e) => {
                let old = st.app.get_user(&ctx.actor, id).await.ok();
                let f = UserFormRaw {
                    username: old.as_ref().map(|o| o.username.clone()).unwrap_or_default(),
                    ..f
                };
                let district_level = old.as_ref().is_some_and(|o| o.unit_id.is_none());
                let editing = Some((id, roles_of(district_level)));
                form_page(&st, &ctx, f, FormErrors::new(ctx.tr, &e), editing).await
            }
        },
    )
}

#[derive(Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    pub password: String,
}

pub async fn reset_password(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<UserId>,
    Form(f): Form<ResetForm>,
) -> WebResult {
    st.app.reset_password(&ctx.actor, id, &f.password).await?;
    Ok(Redirect::to("/users?ok=password_reset").into_response())
}
