//! Units (单位): the district's list of towns and subdistricts, one unit's overview, and
//! the forms that create and edit a unit.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use jiguan_app::ports::{Unit, UnitSummary};
use jiguan_domain::FieldError;
use jiguan_domain::auth::Action;

use crate::AppState;
use crate::error::{FieldErrors, WebResult};
use crate::extract::{At, Form, Query};
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

pub async fn list(State(st): State<AppState>, ctx: Ctx, Query(p): Query<ListParams>) -> WebResult {
    let q = p.page_query()?;
    let pg = st.app.list_units(&ctx.actor, &q).await?;
    let list = ListView::new("/units", vec![], &q, &pg);
    let l = Layout::new(&ctx, "menu.units")
        .here()
        .flash(p.ok.as_deref());
    Ok(page(&ListPage {
        l,
        list,
        rows: pg.items,
        can_manage: ctx.actor.can(Action::UnitManage),
    }))
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

pub async fn show(At(st, ctx, u): At, Query(p): Query<ListParams>) -> WebResult {
    let user_count = st.app.unit_user_count(&ctx.actor, u.id).await?;
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
    Ok(page(&ShowPage {
        l,
        u,
        committee,
        user_count,
        can_manage: ctx.actor.can(Action::UnitManage),
        modules,
    }))
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct UnitForm {
    pub code: String,
    pub name: String,
    pub kind: String,
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

pub async fn new_form(ctx: Ctx) -> Response {
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

pub async fn create(State(st): State<AppState>, ctx: Ctx, Form(f): Form<UnitForm>) -> WebResult {
    let r = st.app.create_unit(&ctx.actor, &f.code, &f.name, &f.kind);
    Ok(match r.await.fields()? {
        Ok(_) => Redirect::to("/units?ok=saved").into_response(),
        Err(e) => refused(&ctx, f, &e, "/units/new".into(), false),
    })
}

/// The unit form again, with what was refused (422).
fn refused(ctx: &Ctx, f: UnitForm, e: &[FieldError], action: String, editing: bool) -> Response {
    let title = if editing { "units.edit" } else { "units.new" };
    let l = Layout::new(ctx, title)
        .crumb(ctx.tr.t("menu.units"), "/units")
        .here();
    let errs = FormErrors::new(ctx.tr, e);
    page_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &FormPage {
            l,
            f,
            errs,
            action,
            editing,
        },
    )
}

pub async fn edit_form(At(_, ctx, u): At) -> Response {
    let id = u.id;
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

pub async fn update(At(st, ctx, u): At, Form(f): Form<UnitForm>) -> WebResult {
    let id = u.id;
    let r = st.app.update_unit(
        &ctx.actor,
        id,
        &f.code,
        &f.name,
        &f.kind,
        f.active.is_some(),
    );
    Ok(match r.await.fields()? {
        Ok(()) => Redirect::to(&format!("/units/{id}?ok=saved")).into_response(),
        Err(e) => refused(&ctx, f, &e, format!("/units/{id}/edit"), true),
    })
}
