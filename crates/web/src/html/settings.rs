//! Settings: policy parameters (政策参数) with their source.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;

use jiguan_app::settings::ParamRow;
use jiguan_domain::auth::Action;

use crate::AppState;
use crate::error::{FieldErrors, WebResult};
use crate::extract::{Form, Query};
use crate::guard::Ctx;
use crate::html::{FormErrors, Layout, page, page_status};

#[derive(Template)]
#[template(path = "settings.html")]
pub struct SettingsPage {
    pub l: Layout,
    pub rows: Vec<ParamRow>,
    pub can_manage: bool,
    pub errs: FormErrors,
}

#[derive(Deserialize, Default)]
pub struct OkQ {
    pub ok: Option<String>,
}

pub async fn show(State(st): State<AppState>, ctx: Ctx, Query(q): Query<OkQ>) -> WebResult {
    let rows = st.app.list_params(&ctx.actor, None).await?;
    let l = Layout::new(&ctx, "menu.settings")
        .here()
        .flash(q.ok.as_deref());
    Ok(page(&SettingsPage {
        l,
        rows,
        can_manage: ctx.actor.can(Action::SettingsManage),
        errs: FormErrors::default(),
    }))
}

#[derive(Deserialize)]
pub struct SetForm {
    #[serde(default)]
    pub key: String,
    #[serde(default)]
    pub value: String,
}

pub async fn set(State(st): State<AppState>, ctx: Ctx, Form(f): Form<SetForm>) -> WebResult {
    let r = st.app.set_param(&ctx.actor, None, &f.key, &f.value).await;
    Ok(match r.fields()? {
        Ok(()) => Redirect::to("/settings?ok=saved").into_response(),
        Err(e) => {
            let rows = st.app.list_params(&ctx.actor, None).await?;
            let l = Layout::new(&ctx, "menu.settings").here();
            page_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &SettingsPage {
                    l,
                    rows,
                    can_manage: true,
                    errs: FormErrors::new(ctx.tr, &e),
                },
            )
        }
    })
}
