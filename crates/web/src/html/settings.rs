//! Settings: policy parameters (政策参数) with their basis. Each parameter is entered the
//! way its kind asks: a switch for yes/no, a select for a choice, an amount in yuan for
//! money, a number with its bounds otherwise; a refused value is shown on its row with
//! the parameter's name and the reason.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;

use jiguan_app::settings::ParamRow;
use jiguan_domain::auth::Action;
use jiguan_domain::settings::{ParamKind, find};

use crate::AppState;
use crate::error::{FieldErrors, WebResult};
use crate::extract::{Form, Query};
use crate::guard::Ctx;
use crate::html::{FormErrors, Layout, form_status};
use crate::i18n::Tr;

/// One parameter as the page shows it.
pub struct ParamView {
    pub key: &'static str,
    pub name: String,
    /// `bool`, `choice`, `money` or `number`.
    pub input: &'static str,
    /// The value in the input (money: yuan with two decimals).
    pub value: String,
    /// The value as read (yes/no, the option's label, `9,000.00 元`).
    pub shown: String,
    pub default_shown: String,
    /// Choice: (code, label, selected).
    pub options: Vec<(String, String, bool)>,
    pub checked: bool,
    /// The bounds, e.g. `1–10`.
    pub range: String,
    /// The legal source, in the page's language.
    pub basis: String,
    pub origin: &'static str,
    pub updated_by: Option<String>,
}

fn option_label(tr: Tr, key: &str, code: &str) -> String {
    let k = format!("param_option.{key}.{code}");
    if tr.has(&k) {
        format!("{}（{code}）", tr.t(&k))
    } else {
        code.to_string()
    }
}

/// A stored value as read on the page.
fn shown(tr: Tr, row_key: &str, kind: ParamKind, value: &str) -> String {
    let def = find(row_key);
    match kind {
        ParamKind::Bool => tr
            .t(if value == "true" {
                "settings.yes"
            } else {
                "settings.no"
            })
            .to_string(),
        ParamKind::Choice { .. } => option_label(tr, row_key, value),
        ParamKind::Money { .. } => format!(
            "{} {}",
            def.map_or_else(|| value.to_string(), |d| d.display(value)),
            tr.t("settings.yuan")
        ),
        _ => value.to_string(),
    }
}

impl ParamView {
    fn of(tr: Tr, r: &ParamRow, entered: Option<&str>) -> Self {
        let def = &r.def;
        let key = def.key;
        let basis_key = format!("param_source.{key}");
        let basis = if tr.has(&basis_key) {
            tr.t(&basis_key).to_string()
        } else {
            def.source.to_string()
        };
        let (input, range, options) = match def.kind {
            ParamKind::Bool => ("bool", String::new(), Vec::new()),
            ParamKind::Choice { options } => (
                "choice",
                String::new(),
                options
                    .iter()
                    .map(|o| (o.to_string(), option_label(tr, key, o), *o == r.value))
                    .collect(),
            ),
            ParamKind::Money { min, max } => (
                "money",
                format!("{}–{} {}", group(min), group(max), tr.t("settings.yuan")),
                Vec::new(),
            ),
            ParamKind::Integer { min, max } | ParamKind::Decimal { min, max, .. } => (
                "number",
                format!("{}–{}", group(min), group(max)),
                Vec::new(),
            ),
        };
        let value = match entered {
            Some(v) => v.to_string(),
            None => def.input_value(&r.value),
        };
        ParamView {
            key,
            name: tr.t(&format!("param.{key}")).to_string(),
            input,
            shown: shown(tr, key, def.kind, &r.value),
            default_shown: shown(tr, key, def.kind, def.default),
            checked: r.value == "true",
            value,
            options,
            range,
            basis,
            origin: r.origin,
            updated_by: r.updated_by.clone(),
        }
    }
}

/// A whole number with thousands separators.
fn group(n: i64) -> String {
    let g = jiguan_domain::settings::grouped(n.unsigned_abs());
    if n < 0 { format!("-{g}") } else { g }
}

#[derive(Template)]
#[template(path = "settings.html")]
pub struct SettingsPage {
    pub l: Layout,
    pub rows: Vec<ParamView>,
    pub can_manage: bool,
    pub errs: FormErrors,
}

#[derive(Deserialize, Default)]
pub struct OkQ {
    pub ok: Option<String>,
}

fn views(tr: Tr, rows: &[ParamRow], entered: Option<(&str, &str)>) -> Vec<ParamView> {
    rows.iter()
        .map(|r| {
            let e = entered.filter(|(k, _)| *k == r.def.key).map(|(_, v)| v);
            ParamView::of(tr, r, e)
        })
        .collect()
}

pub async fn show(State(st): State<AppState>, ctx: Ctx, Query(q): Query<OkQ>) -> WebResult {
    let rows = st.app.list_params(&ctx.actor, None).await?;
    let l = Layout::new(&ctx, "menu.settings")
        .here()
        .flash(q.ok.as_deref());
    let p = SettingsPage {
        l,
        rows: views(ctx.tr, &rows, None),
        can_manage: ctx.actor.can(Action::SettingsManage),
        errs: FormErrors::default(),
    };
    Ok(form_status(&p.errs, &p))
}

#[derive(Deserialize)]
pub struct SetForm {
    #[serde(default)]
    pub key: String,
    /// Absent for a switch turned off.
    pub value: Option<String>,
}

pub async fn set(State(st): State<AppState>, ctx: Ctx, Form(f): Form<SetForm>) -> WebResult {
    let is_switch = find(&f.key).is_some_and(|d| d.kind == ParamKind::Bool);
    let value = match (&f.value, is_switch) {
        (Some(v), _) => v.clone(),
        (None, true) => "false".to_string(),
        (None, false) => String::new(),
    };
    let r = st.app.set_param(&ctx.actor, None, &f.key, &value).await;
    Ok(match r.fields()? {
        Ok(()) => Redirect::to("/settings?ok=saved").into_response(),
        Err(e) => {
            let rows = st.app.list_params(&ctx.actor, None).await?;
            let l = Layout::new(&ctx, "menu.settings").here();
            let p = SettingsPage {
                l,
                rows: views(ctx.tr, &rows, Some((f.key.as_str(), value.as_str()))),
                can_manage: true,
                errs: FormErrors::new(ctx.tr, &e),
            };
            form_status(&p.errs, &p)
        }
    })
}
