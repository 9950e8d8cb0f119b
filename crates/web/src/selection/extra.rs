//! Two manual entries of competitive selection, a web module of its own
//! (`selection_extra`): the 加试 (extra test) results of candidates the ranking leaves tied
//! (entered from the results page, §1.7.5) and the probation-end evaluation (试用期满考核,
//! §1.11.3) of an appointed middle manager (a page reached from 中层任期管理). Pages and JSON
//! API, the same use cases (`jiguan_app::selection::extra`).

use askama::Template;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

use jiguan_app::ports::Unit;
use jiguan_app::selection::appointment::TermRow;
use jiguan_app::selection::extra::ProbationForm;
use jiguan_app::selection::scoring::ExamEntry;
use jiguan_app::{App, AppError};
use jiguan_domain::FieldError;
use jiguan_domain::auth::Action;
use jiguan_domain::selection::probation::ProbationResult;

use crate::AppState;
use crate::error::{FieldErrors, WebError, WebResult};
use crate::extract::{Created, FormPairs, InUnit, Json, Path, Query};
use crate::guard::{Access, Ctx};
use crate::html::{FormErrors, Layout, page_status};
use crate::module::WebModule;
use crate::routes::{RouteSpec, r};

use super::campaign::{InCampaign, OkQuery};
use super::scores_api::{CountDto, ExamBody};

type ApiErr = crate::error::ApiError;

pub const MODULE: WebModule = WebModule {
    id: "selection_extra",
    menu: &[],
    locales: crate::locales!("selection_extra"),
    routes,
    openapi: Doc::openapi,
};

/// An appointed candidate of the unit (a row of 中层任期管理).
pub struct InTerm {
    pub ctx: Ctx,
    pub u: Unit,
    pub id: i64,
}

#[derive(Deserialize)]
struct TermParam {
    candidate: i64,
}

impl<S: Send + Sync> FromRequestParts<S> for InTerm {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let ctx = Ctx::from_request_parts(parts, state).await?;
        let InUnit(u) = InUnit::from_request_parts(parts, state).await?;
        let Path(TermParam { candidate }) = Path::from_request_parts(parts, state).await?;
        Ok(InTerm {
            ctx,
            u,
            id: candidate,
        })
    }
}

fn routes() -> Vec<RouteSpec> {
    use Access::Signed;
    use Action::*;
    vec![
        r(
            Method::POST,
            "/units/{unit}/selection/campaigns/{campaign}/results/extra-test",
            Signed(SelectionManage),
            extra_test,
        ),
        r(
            Method::GET,
            "/units/{unit}/selection/terms/{candidate}/probation",
            Signed(SelectionView),
            probation,
        ),
        r(
            Method::POST,
            "/units/{unit}/selection/terms/{candidate}/probation",
            Signed(SelectionManage),
            probation_save,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/selection/campaigns/{campaign}/results/extra-test",
            Signed(SelectionManage),
            api_extra_test,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/selection/terms/{candidate}/probation",
            Signed(SelectionManage),
            api_probation,
        ),
    ]
}

// ---------------------------------------------------------------- 加试

/// The results page's 加试 form: one field `extra_<application id>` per tied candidate.
pub async fn extra_test(State(st): State<AppState>, c: InCampaign, f: FormPairs) -> WebResult {
    let entries: Vec<ExamEntry> =
        f.0.iter()
            .filter_map(|(k, v)| {
                k.strip_prefix("extra_").map(|a| ExamEntry {
                    row: None,
                    application_id: a.to_string(),
                    score: v.clone(),
                })
            })
            .collect();
    match st
        .app
        .sel_extra_test_save(&c.ctx.actor, c.u.id, c.id, &entries)
        .await
        .fields()?
    {
        Ok(_) => c.to("/results", "extra_test_saved"),
        Err(errs) => {
            let v = st.app.sel_results(&c.ctx.actor, c.u.id, c.id).await?;
            super::scores::results_page(&c.ctx, &c, v, &errs, None, false)
        }
    }
}

/// Enters 加试 results for candidates tied on every other key (errors name
/// `extra_<application id>`); the ranking then uses them.
#[utoipa::path(post, path = "/api/v1/units/{unit}/selection/campaigns/{campaign}/results/extra-test", tag = "selection",
    params(("unit" = i64, Path), ("campaign" = i64, Path)), request_body = ExamBody,
    responses((status = 200, body = CountDto), (status = 422, body = ApiErr)))]
pub async fn api_extra_test(
    State(st): State<AppState>,
    c: InCampaign,
    Json(b): Json<ExamBody>,
) -> WebResult<Json<CountDto>> {
    b.save(&st, &c, App::sel_extra_test_save).await
}

// ---------------------------------------------------------------- 试用期满考核

#[derive(Template)]
#[template(path = "sel_probation.html")]
pub struct ProbationPage {
    pub l: Layout,
    pub u: Unit,
    pub row: TermRow,
    pub f: ProbationForm,
    pub results: Vec<(&'static str, String)>,
    pub result_label: String,
    pub can_manage: bool,
    pub errs: FormErrors,
}

async fn probation_page(
    st: &AppState,
    t: &InTerm,
    f: ProbationForm,
    errs: &[FieldError],
    ok: Option<&str>,
) -> WebResult {
    let tr = t.ctx.tr;
    let row = st
        .app
        .dec_terms(&t.ctx.actor, t.u.id)
        .await?
        .into_iter()
        .find(|r| r.candidate_id == t.id)
        .ok_or(AppError::NotFound)?;
    let l = Layout::in_unit(&t.ctx, &t.u, "pr.title")
        .crumb(
            tr.t("dec.terms"),
            format!("/units/{}/selection/terms", t.u.id),
        )
        .here()
        .flash(ok);
    let p = ProbationPage {
        l,
        result_label: row
            .probation_review
            .as_ref()
            .map(|r| tr.t(&r.result.label_key()).to_string())
            .unwrap_or_default(),
        u: t.u.clone(),
        row,
        f,
        results: ProbationResult::ALL
            .iter()
            .map(|x| (x.code(), tr.t(&x.label_key()).to_string()))
            .collect(),
        can_manage: t.ctx.actor.can(Action::SelectionManage),
        errs: FormErrors::new(tr, errs),
    };
    let status = if p.errs.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(page_status(status, &p))
}

pub async fn probation(
    State(st): State<AppState>,
    t: InTerm,
    Query(q): Query<OkQuery>,
) -> WebResult {
    let f = ProbationForm {
        decided_on: st.app.sel_today().to_string(),
        ..ProbationForm::default()
    };
    probation_page(&st, &t, f, &[], q.ok.as_deref()).await
}

pub async fn probation_save(State(st): State<AppState>, t: InTerm, f: FormPairs) -> WebResult {
    let form = ProbationForm {
        decided_on: f.get("decided_on").into(),
        excellent: f.get("excellent").into(),
        competent: f.get("competent").into(),
        basic: f.get("basic").into(),
        incompetent: f.get("incompetent").into(),
        result: f.get("result").into(),
        doc_no: f.get("doc_no").into(),
        note: f.get("note").into(),
    };
    match st
        .app
        .dec_probation_review(&t.ctx.actor, t.u.id, t.id, &form)
        .await
        .fields()?
    {
        Ok(_) => Ok(Redirect::to(&format!(
            "/units/{}/selection/terms/{}/probation?ok=probation_recorded",
            t.u.id, t.id
        ))
        .into_response()),
        Err(errs) => probation_page(&st, &t, form, &errs, None).await,
    }
}

/// The probation-end evaluation: votes, result, date, document.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ProbationBody {
    /// YYYY-MM-DD, no earlier than the probation's last day.
    pub decided_on: String,
    pub excellent: u32,
    pub competent: u32,
    pub basic: u32,
    pub incompetent: u32,
    /// `confirmed` (正式任职) or `dismissed` (免去试任职务).
    pub result: String,
    pub doc_no: String,
    pub note: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProbationDto {
    /// `confirmed` or `dismissed`.
    pub result: String,
}

/// Records the probation-end evaluation (试用期满考核) of an appointed candidate: 正式任职, or
/// 免去试任职务 (the post assignment ends; a history row).
#[utoipa::path(post, path = "/api/v1/units/{unit}/selection/terms/{candidate}/probation", tag = "selection",
    params(("unit" = i64, Path), ("candidate" = i64, Path)), request_body = ProbationBody,
    responses((status = 201, body = ProbationDto), (status = 422, body = ApiErr), (status = 404, body = ApiErr)))]
pub async fn api_probation(
    State(st): State<AppState>,
    t: InTerm,
    Json(b): Json<ProbationBody>,
) -> WebResult<Created<ProbationDto>> {
    let f = ProbationForm {
        decided_on: b.decided_on,
        excellent: b.excellent.to_string(),
        competent: b.competent.to_string(),
        basic: b.basic.to_string(),
        incompetent: b.incompetent.to_string(),
        result: b.result,
        doc_no: b.doc_no,
        note: b.note,
    };
    let r = st
        .app
        .dec_probation_review(&t.ctx.actor, t.u.id, t.id, &f)
        .await?;
    Ok(Created(ProbationDto {
        result: r.code().into(),
    }))
}

#[derive(OpenApi)]
#[openapi(paths(api_extra_test, api_probation))]
pub struct Doc;
