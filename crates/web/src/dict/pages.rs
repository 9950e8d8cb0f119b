//! The 数据字典 pages: one tab per list, its items with code, name, order and state; the
//! district administrator adds items and changes order and state (items are never deleted
//! or renamed, see `jiguan_domain::dict`).

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use jiguan_app::AppError;
use jiguan_domain::FieldError;
use jiguan_domain::auth::Action;
use jiguan_domain::dict::{DictItem, DictKind, ItemForm};

use crate::AppState;
use crate::error::{FieldErrors, WebResult};
use crate::extract::{Form, Path, Query};
use crate::guard::Ctx;
use crate::html::{FormErrors, Layout, form_status};

#[derive(Template)]
#[template(path = "dict.html")]
pub struct DictPage {
    pub l: Layout,
    pub kinds: &'static [DictKind],
    pub kind: DictKind,
    pub items: Vec<DictItem>,
    pub can_manage: bool,
    pub f: ItemForm,
    pub errs: FormErrors,
    /// The item whose change was refused (its row shows the error).
    pub err_code: String,
}

impl DictPage {
    pub fn enabled_count(&self) -> usize {
        self.items.iter().filter(|i| i.enabled).count()
    }
}

#[derive(Deserialize, Default)]
pub struct OkQ {
    pub ok: Option<String>,
}

fn kind_of(code: &str) -> Result<DictKind, AppError> {
    DictKind::from_code(code)
        .filter(|k| k.code() == code)
        .ok_or(AppError::NotFound)
}

async fn render(
    st: &AppState,
    ctx: &Ctx,
    kind: DictKind,
    f: ItemForm,
    errs: &[FieldError],
    err_code: String,
    ok: Option<&str>,
) -> WebResult<Response> {
    let dict = st.app.dictionary(&ctx.actor).await?;
    let l = Layout::new(ctx, "menu.dict")
        .crumb(ctx.tr.t("menu.dict"), "/dict")
        .here()
        .flash(ok);
    let p = DictPage {
        l,
        kinds: DictKind::ALL,
        kind,
        items: dict.items(kind).to_vec(),
        can_manage: ctx.actor.can(Action::SettingsManage) && !kind.fixed(),
        f,
        errs: FormErrors::new(ctx.tr, errs),
        err_code,
    };
    Ok(form_status(&p.errs, &p))
}

pub async fn index(State(st): State<AppState>, ctx: Ctx, Query(q): Query<OkQ>) -> WebResult {
    render(
        &st,
        &ctx,
        DictKind::Ethnicity,
        ItemForm::default(),
        &[],
        String::new(),
        q.ok.as_deref(),
    )
    .await
}

pub async fn show(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(kind): Path<String>,
    Query(q): Query<OkQ>,
) -> WebResult {
    let kind = kind_of(&kind)?;
    render(
        &st,
        &ctx,
        kind,
        ItemForm::default(),
        &[],
        String::new(),
        q.ok.as_deref(),
    )
    .await
}

pub async fn add(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(kind): Path<String>,
    Form(f): Form<ItemForm>,
) -> WebResult {
    let kind = kind_of(&kind)?;
    match st.app.add_dict_item(&ctx.actor, kind, &f).await.fields()? {
        Ok(_) => Ok(Redirect::to(&format!("/dict/{}?ok=saved", kind.code())).into_response()),
        Err(e) => render(&st, &ctx, kind, f, &e, String::new(), None).await,
    }
}

pub async fn change(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((kind, code)): Path<(String, String)>,
    Form(f): Form<ItemForm>,
) -> WebResult {
    let kind = kind_of(&kind)?;
    match st
        .app
        .change_dict_item(&ctx.actor, kind, &code, &f)
        .await
        .fields()?
    {
        Ok(()) => Ok(Redirect::to(&format!("/dict/{}?ok=saved", kind.code())).into_response()),
        Err(e) => render(&st, &ctx, kind, ItemForm::default(), &e, code, None).await,
    }
}
