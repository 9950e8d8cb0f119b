//! Units (单位): the district's list of towns and subdistricts, one unit's overview, and
//! the forms that create and edit a unit.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use serde::Deserialize;

use jiguan_app::AppError;
use jiguan_app::ports::{ListQuery, Unit, UnitSummary, UserFilter};
use jiguan_domain::auth::Action;
use jiguan_domain::tenancy::UnitId;

use crate::AppState;
use crate::error::page_error;
use crate::guard::Ctx;
use crate::html::{FormErrors, Layout, ListParams, ListView, page, page_status};

#[derive(Template)]
#[template(path = "units_list.html")]
pub struct ListPage {
    pub l: Layout,
    pub list: ListView,
    pub rows: Vec<UnitSummary>,
    pub can_manage: bool,
}

pub async fn list(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(p): Query<ListParams>,
) -> Response {
    let q = p.query_or_default();
    match st.app.list_units(&ctx.actor, &q).await {
        Ok(pg) => {
            let list = ListView::new("/units", vec![], &q, &pg);
            let l = Layout::new(&ctx, "menu.units")
                .here()
                .flash(p.ok.as_deref());
            page(&ListPage {
                l,
                list,
                rows: pg.items,
                can_manage: ctx.actor.can(Action::UnitManage),
            })
        }
        Err(e) => page_error(ctx.tr, e),
    }
}

#[derive(Template)]
#[template(path = "unit_show.html")]
pub struct ShowPage {
    pub l: Layout,
    pub u: Unit,
    pub committee: String,
    pub user_count: i64,
    pub can_manage: bool,
    /// (locale key, href) of the module pages the actor may open.
    pub modules: Vec<(&'static str, String)>,
}

pub async fn show(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    Query(p): Query<ListParams>,
) -> Response {
    let u = match st.app.get_unit(&ctx.actor, UnitId(id)).await {
        Ok(u) => u,
        Err(e) => return page_error(ctx.tr, e),
    };
    let user_count = if ctx.actor.can(Action::UsersView) {
        let f = UserFilter {
            unit_id: Some(u.id),
            ..UserFilter::default()
        };
        let one = ListQuery {
            per_page: Some(1),
            ..ListQuery::default()
        };
        st.app
            .list_users(&ctx.actor, f, &one)
            .await
            .map(|p| p.total)
            .unwrap_or(0)
    } else {
        0
    };
    let committee = ctx
        .tr
        .t(&format!("committee.{}", u.kind.committee().code()))
        .to_string();
    let mut l = Layout::new(&ctx, "menu.units").titled(u.name.clone());
    if ctx.actor.can(Action::UnitsList) {
        l = l.crumb(ctx.tr.t("menu.units"), "/units");
    }
    let l = l.here().flash(p.ok.as_deref());
    let modules = crate::html::unit_modules()
        .filter(|(_, _, _, a)| ctx.actor.can(*a))
        .map(|(_, key, suffix, _)| (key, format!("/units/{}{suffix}", u.id)))
        .collect();
    page(&ShowPage {
        l,
        u,
        committee,
        user_count,
        can_manage: ctx.actor.can(Action::UnitManage),
        modules,
    })
}

#[derive(Deserialize, Default, Clone)]
pub struct UnitForm {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub active: Option<String>,
}

#[derive(Template)]
#[template(path = "unit_form.html")]
pub struct FormPage {
    pub l: Layout,
    pub f: UnitForm,
    pub errs: FormErrors,
    pub action: String,
    pub editing: bool,
}

pub async fn new_form(Extension(ctx): Extension<Ctx>) -> Response {
    let l = Layout::new(&ctx, "units.new")
        .crumb(ctx.tr.t("menu.units"), "/units")
        .here();
    let f = UnitForm {
        kind: "subdistrict".into(),
        active: Some("on".into()),
        ..UnitForm::default()
    };
    page(&FormPage {
        l,
        f,
        errs: FormErrors::default(),
        action: "/units/new".into(),
        editing: false,
    })
}

pub async fn create(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Form(f): Form<UnitForm>,
) -> Response {
    match st
        .app
        .create_unit(&ctx.actor, &f.code, &f.name, &f.kind)
        .await
    {
        Ok(_) => Redirect::to("/units?ok=saved").into_response(),
        Err(AppError::Invalid(e)) => {
            let l = Layout::new(&ctx, "units.new")
                .crumb(ctx.tr.t("menu.units"), "/units")
                .here();
            let errs = FormErrors::new(ctx.tr, &e);
            page_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &FormPage {
                    l,
                    f,
                    errs,
                    action: "/units/new".into(),
                    editing: false,
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
    let u = match st.app.get_unit(&ctx.actor, UnitId(id)).await {
        Ok(u) => u,
        Err(e) => return page_error(ctx.tr, e),
    };
    let f = UnitForm {
        code: u.code.clone(),
        name: u.name.clone(),
        kind: u.kind.code().into(),
        active: u.active.then(|| "on".to_string()),
    };
    let l = Layout::new(&ctx, "units.edit")
        .crumb(ctx.tr.t("menu.units"), "/units")
        .crumb(u.name, format!("/units/{id}"))
        .here();
    page(&FormPage {
        l,
        f,
        errs: FormErrors::default(),
        action: format!("/units/{id}/edit"),
        editing: true,
    })
}

pub async fn update(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    Form(f): Form<UnitForm>,
) -> Response {
    match st
        .app
        .update_unit(
            &ctx.actor,
            UnitId(id),
            &f.code,
            &f.name,
            &f.kind,
            f.active.is_some(),
        )
        .await
    {
        Ok(()) => Redirect::to(&format!("/units/{id}?ok=saved")).into_response(),
        Err(AppError::Invalid(e)) => {
            let l = Layout::new(&ctx, "units.edit")
                .crumb(ctx.tr.t("menu.units"), "/units")
                .here();
            let errs = FormErrors::new(ctx.tr, &e);
            page_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &FormPage {
                    l,
                    f,
                    errs,
                    action: format!("/units/{id}/edit"),
                    editing: true,
                },
            )
        }
        Err(e) => page_error(ctx.tr, e),
    }
}
