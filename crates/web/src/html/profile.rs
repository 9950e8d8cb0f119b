//! Profile (个人中心): password change and personal API tokens.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use serde::Deserialize;

use jiguan_app::AppError;
use jiguan_app::ports::ApiToken;

use crate::AppState;
use crate::error::page_error;
use crate::guard::Ctx;
use crate::html::{FormErrors, Layout, page, page_status};

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

async fn profile_page(
    st: &AppState,
    ctx: &Ctx,
    new_token: Option<String>,
    errs: FormErrors,
    ok: Option<&str>,
) -> Result<ProfilePage, AppError> {
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
    Ok(ProfilePage {
        l,
        roles,
        tokens,
        new_token,
        errs,
    })
}

pub async fn show(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<OkQ>,
) -> Response {
    match profile_page(&st, &ctx, None, FormErrors::default(), q.ok.as_deref()).await {
        Ok(p) => page(&p),
        Err(e) => page_error(ctx.tr, e),
    }
}

#[derive(Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    pub name: String,
}

pub async fn create_token(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Form(f): Form<TokenForm>,
) -> Response {
    let (token, errs, status) = match st.app.create_api_token(&ctx.actor, &f.name).await {
        Ok((_, t)) => (Some(t), FormErrors::default(), StatusCode::OK),
        Err(AppError::Invalid(e)) => (
            None,
            FormErrors::new(ctx.tr, &e),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(e) => return page_error(ctx.tr, e),
    };
    match profile_page(&st, &ctx, token, errs, None).await {
        Ok(p) => page_status(status, &p),
        Err(e) => page_error(ctx.tr, e),
    }
}

pub async fn delete_token(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
) -> Response {
    match st.app.delete_api_token(&ctx.actor, id).await {
        Ok(()) => Redirect::to("/profile?ok=token_deleted").into_response(),
        Err(e) => page_error(ctx.tr, e),
    }
}

#[derive(Template)]
#[template(path = "password.html")]
pub struct PasswordPage {
    pub l: Layout,
    pub forced: bool,
    pub errs: FormErrors,
}

pub async fn password_form(Extension(ctx): Extension<Ctx>) -> Response {
    let l = Layout::new(&ctx, "profile.password")
        .crumb(ctx.tr.t("menu.profile"), "/profile")
        .here();
    page(&PasswordPage {
        l,
        forced: ctx.must_change_password,
        errs: FormErrors::default(),
    })
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
    Extension(ctx): Extension<Ctx>,
    Form(f): Form<PasswordForm>,
) -> Response {
    match st
        .app
        .change_password(&ctx.actor, &f.current, &f.new, &f.confirm)
        .await
    {
        Ok(()) => Redirect::to("/profile?ok=password_changed").into_response(),
        Err(AppError::Invalid(e)) => {
            let l = Layout::new(&ctx, "profile.password")
                .crumb(ctx.tr.t("menu.profile"), "/profile")
                .here();
            page_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &PasswordPage {
                    l,
                    forced: ctx.must_change_password,
                    errs: FormErrors::new(ctx.tr, &e),
                },
            )
        }
        Err(e) => page_error(ctx.tr, e),
    }
}
