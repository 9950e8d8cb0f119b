//! Profile (个人中心): password change and personal API tokens.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use jiguan_app::ports::ApiToken;
use jiguan_domain::FieldError;

use crate::AppState;
use crate::error::{FieldErrors, WebResult};
use crate::extract::{Form, Path, Query};
use crate::guard::Ctx;
use crate::html::{FormErrors, Layout, form_status};

#[derive(Template)]
#[template(path = "profile.html")]
pub struct ProfilePage {
    pub l: Layout,
    pub roles: Vec<String>,
    pub tokens: Vec<(ApiToken, String)>,
    pub new_token: Option<String>,
    pub errs: FormErrors,
}

#[derive(Deserialize, Default)]
pub struct OkQ {
    pub ok: Option<String>,
}

/// The profile page (200, or 422 with the token form's field errors).
async fn profile_page(
    st: &AppState,
    ctx: &Ctx,
    new_token: Option<String>,
    errs: &[FieldError],
    ok: Option<&str>,
) -> WebResult {
    let tokens = st
        .app
        .list_api_tokens(&ctx.actor)
        .await?
        .into_iter()
        .map(|t| {
            let at = jiguan_domain::time::show_china(t.created_at);
            (t, at)
        })
        .collect();
    let roles = ctx
        .actor
        .roles
        .iter()
        .map(|r| ctx.tr.t(r.code()).to_string())
        .collect();
    let l = Layout::new(ctx, "menu.profile").here().flash(ok);
    let p = ProfilePage {
        l,
        roles,
        tokens,
        new_token,
        errs: FormErrors::new(ctx.tr, errs),
    };
    Ok(form_status(&p.errs, &p))
}

pub async fn show(State(st): State<AppState>, ctx: Ctx, Query(q): Query<OkQ>) -> WebResult {
    profile_page(&st, &ctx, None, &[], q.ok.as_deref()).await
}

#[derive(Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    pub name: String,
}

pub async fn create_token(
    State(st): State<AppState>,
    ctx: Ctx,
    Form(f): Form<TokenForm>,
) -> WebResult {
    match st
        .app
        .create_api_token(&ctx.actor, &f.name)
        .await
        .fields()?
    {
        Ok((_, t)) => profile_page(&st, &ctx, Some(t), &[], None).await,
        Err(e) => profile_page(&st, &ctx, None, &e, None).await,
    }
}

pub async fn delete_token(State(st): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> WebResult {
    st.app.delete_api_token(&ctx.actor, id).await?;
    Ok(Redirect::to("/profile?ok=token_deleted").into_response())
}

#[derive(Template)]
#[template(path = "password.html")]
pub struct PasswordPage {
    pub l: Layout,
    pub forced: bool,
    pub errs: FormErrors,
}

/// The password form: 200, or 422 with field errors.
fn password_page(ctx: &Ctx, errs: &[FieldError]) -> Response {
    let l = Layout::new(ctx, "profile.password")
        .crumb(ctx.tr.t("menu.profile"), "/profile")
        .here();
    let p = PasswordPage {
        l,
        forced: ctx.must_change_password,
        errs: FormErrors::new(ctx.tr, errs),
    };
    form_status(&p.errs, &p)
}

pub async fn password_form(ctx: Ctx) -> Response {
    password_page(&ctx, &[])
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    pub current: String,
    #[serde(default)]
    pub new: String,
    #[serde(default)]
    pub confirm: String,
}

pub async fn password_submit(
    State(st): State<AppState>,
    ctx: Ctx,
    Form(f): Form<PasswordForm>,
) -> WebResult {
    let r = st
        .app
        .change_password(&ctx.actor, &f.current, &f.new, &f.confirm);
    Ok(match r.await.fields()? {
        Ok(()) => Redirect::to("/profile?ok=password_changed").into_response(),
        Err(e) => password_page(&ctx, &e),
    })
}
