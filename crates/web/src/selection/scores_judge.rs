//! The phone page of an interview judge **without an account** (面试评委，一次性评委码): a
//! public page (no sign-in) where the judge types the code HR gave them, declares their
//! recusals and submits their own sheet, once. The code travels in the form body, never in
//! a URL; the form carries the double-submit CSRF token of this path (like the sign-in
//! page). The judge sees only their own sheet.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use jiguan_app::AppError;
use jiguan_app::selection::panel::{JudgeAccess, JudgeSheet};
use jiguan_domain::FieldError;

use crate::AppState;
use crate::extract::FormPairs;
use crate::guard::lang_of;
use crate::html::{FormErrors, render};
use crate::i18n::Tr;

use super::scores::{SheetBlock, sheet_blocks};

/// The path of the page (also the CSRF cookie's path).
pub const PATH: &str = "/selection/judge";

#[derive(Template)]
#[template(path = "sel_judge_code.html")]
pub struct CodePage {
    pub tr: Tr,
    pub pre: String,
    pub code: String,
    pub sheet: Option<CodeSheet>,
    pub errs: FormErrors,
    pub summary: String,
}

pub struct CodeSheet {
    pub name: String,
    pub title: String,
    pub declared: bool,
    pub submitted: bool,
    pub posts: Vec<SheetBlock>,
}

fn sheet_of(s: &JudgeSheet, entered: &BTreeMap<String, String>) -> CodeSheet {
    CodeSheet {
        name: s.judge.name.clone(),
        title: format!("{}（v{}）", s.title, s.plan_version),
        declared: s.judge.recusal_declared,
        submitted: s.judge.submitted_at.is_some(),
        posts: sheet_blocks(s, entered, |v| v.map(|d| d.to_string()).unwrap_or_default()),
    }
}

fn respond(
    st: &AppState,
    headers: &HeaderMap,
    status: StatusCode,
    code: &str,
    sheet: Option<CodeSheet>,
    errs: &[FieldError],
) -> Response {
    let tr = Tr::new(lang_of(headers));
    let (pre, set) = crate::html::login::pre_cookie(st, headers, PATH);
    let page = CodePage {
        tr,
        pre,
        // Kept in the form only while a sheet is open.
        code: if sheet.is_some() {
            code.to_string()
        } else {
            String::new()
        },
        sheet,
        errs: FormErrors::new(tr, errs),
        summary: errs
            .iter()
            .map(|e| tr.error(e))
            .collect::<Vec<_>>()
            .join("；"),
    };
    let mut resp = (status, axum::response::Html(render(&page))).into_response();
    if let Some(c) = set.and_then(|c| c.parse().ok()) {
        resp.headers_mut().append(header::SET_COOKIE, c);
    }
    resp
}

pub async fn page(State(st): State<AppState>, headers: HeaderMap) -> Response {
    respond(&st, &headers, StatusCode::OK, "", None, &[])
}

fn invalid(e: AppError) -> Result<Vec<FieldError>, AppError> {
    match e {
        AppError::Invalid(v) => Ok(v),
        AppError::NotFound => Ok(vec![FieldError::new("code", "selection_code_invalid")]),
        other => Err(other),
    }
}

/// `step` = `open` (show the sheet), `recusal` (declare, `recused` ids) or `submit`
/// (`score_<application id>` fields).
pub async fn submit(State(st): State<AppState>, headers: HeaderMap, f: FormPairs) -> Response {
    let code = f.get("code").trim().to_string();
    let a = JudgeAccess::Code(&code);
    let values: BTreeMap<String, String> =
        f.0.iter()
            .filter(|(k, _)| k.starts_with("score_"))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
    let step = match f.get("step") {
        "recusal" => st
            .app
            .sel_declare_recusal(&a, &f.all("recused"))
            .await
            .map(|_| ()),
        "submit" => st.app.sel_submit_sheet(&a, &values).await.map(|_| ()),
        _ => Ok(()),
    };
    let errs = match step {
        Ok(()) => Vec::new(),
        Err(e) => match invalid(e) {
            Ok(v) => v,
            Err(e) => return crate::error::WebError::from(e).into_response(),
        },
    };
    match st.app.sel_sheet(&a).await {
        Ok(s) => {
            let status = if errs.is_empty() {
                StatusCode::OK
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            respond(
                &st,
                &headers,
                status,
                &code,
                Some(sheet_of(&s, &values)),
                &errs,
            )
        }
        Err(e) => match invalid(e) {
            Ok(v) => respond(
                &st,
                &headers,
                StatusCode::UNPROCESSABLE_ENTITY,
                "",
                None,
                &v,
            ),
            Err(e) => crate::error::WebError::from(e).into_response(),
        },
    }
}
