//! The scoring stages of a campaign (竞争上岗 笔试、面试、民主测评、综合成绩与差额考察;
//! issue 13 points 3–5): a web module of its own (`selection_scores`), pages here, JSON
//! API in `scores_api.rs`.
//!
//! - 笔试: the HR office enters scores on a page or imports the xlsx template (all or
//!   nothing; every row error listed with its row and column); Excel export.
//! - 面试: judges (accounts, or names with a one-time code shown once), recusal
//!   declarations, the judge's own phone sheet (`SelectionJudge`), paper sheets entered
//!   on a judge's behalf, the panel result; the printable blank score sheet.
//! - 民主测评: codes (shown once, printable slips), the phone ballot (`SelectionEvaluate`
//!   with a code), close, results; the printable ballot.
//! - 结果: stage scores, composite, rank, shortlist, inspection records; Excel and print.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect};
use rust_decimal::Decimal;
use serde::Deserialize;
use utoipa::OpenApi;

use jiguan_app::AppError;
use jiguan_app::ports::Unit;
use jiguan_app::selection::evaluation::{APPROVE, EvaluationView, FOUR_GRADE};
use jiguan_app::selection::panel::{JudgeAccess, JudgeForm, JudgeSheet, PanelView};
use jiguan_app::selection::results::{InspectionForm, ResultsView};
use jiguan_app::selection::scoring::{ExamEntry, ExamView};
use jiguan_domain::FieldError;
use jiguan_domain::auth::Action;
use jiguan_domain::selection::ApplicationId;
use jiguan_domain::selection::plan::BallotFormat;

use crate::AppState;
use crate::error::{FieldErrors, WebError, WebResult};
use crate::extract::{FormPairs, Path, Query, Upload};
use crate::guard::{Access, Ctx};
use crate::html::{FormErrors, Layout, form_status, page_status};
use crate::i18n::Tr;
use crate::module::WebModule;
use crate::routes::{RouteSpec, r};

use super::campaign::{InCampaign, OkQuery};
use super::campaign_apply::InApplication;
use super::scores_api as api;

pub const MODULE: WebModule = WebModule {
    id: "selection_scores",
    menu: &[],
    locales: crate::locales!("selection_scores"),
    routes,
    openapi: api::Doc::openapi,
};

fn routes() -> Vec<RouteSpec> {
    use Access::{Public, Signed};
    use Action::*;
    vec![
        r(
            Method::GET,
            super::scores_judge::PATH,
            Public,
            super::scores_judge::page,
        ),
        r(
            Method::POST,
            super::scores_judge::PATH,
            Public,
            super::scores_judge::submit,
        ),
        r(
            Method::GET,
            "/units/{unit}/selection/campaigns/{campaign}/exam",
            Signed(SelectionView),
            exam,
        ),
        r(
            Method::POST,
            "/units/{unit}/selection/campaigns/{campaign}/exam",
            Signed(SelectionManage),
            exam_save,
        ),
        r(
            Method::POST,
            "/units/{unit}/selection/campaigns/{campaign}/exam/import",
            Signed(SelectionManage),
            exam_import,
        ),
        r(
            Method::GET,
            "/units/{unit}/selection/campaigns/{campaign}/exam/template.xlsx",
            Signed(SelectionManage),
            exam_template,
        ),
        r(
            Method::GET,
            "/units/{unit}/selection/campaigns/{campaign}/exam/export.xlsx",
            Signed(SelectionView),
            exam_export,
        ),
        r(
            Method::GET,
            "/units/{unit}/selection/campaigns/{campaign}/panel",
            Signed(SelectionView),
            panel,
        ),
        r(
            Method::POST,
            "/units/{unit}/selection/campaigns/{campaign}/panel/judges",
            Signed(SelectionManage),
            judge_add,
        ),
        r(
            Method::POST,
            "/units/{unit}/selection/campaigns/{campaign}/panel/judges/{judge}/recusal",
            Signed(SelectionManage),
            recusal_on_behalf,
        ),
        r(
            Method::POST,
            "/units/{unit}/selection/campaigns/{campaign}/panel/judges/{judge}/sheet",
            Signed(SelectionManage),
            sheet_on_behalf,
        ),
        r(
            Method::GET,
            "/units/{unit}/selection/campaigns/{campaign}/panel/print",
            Signed(SelectionView),
            panel_print,
        ),
        r(
            Method::GET,
            "/units/{unit}/selection/campaigns/{campaign}/judge",
            Signed(SelectionJudge),
            my_sheet,
        ),
        r(
            Method::POST,
            "/units/{unit}/selection/campaigns/{campaign}/judge/recusal",
            Signed(SelectionJudge),
            my_recusal,
        ),
        r(
            Method::POST,
            "/units/{unit}/selection/campaigns/{campaign}/judge",
            Signed(SelectionJudge),
            my_submit,
        ),
        r(
            Method::GET,
            "/units/{unit}/selection/campaigns/{campaign}/evaluation",
            Signed(SelectionView),
            evaluation,
        ),
        r(
            Method::POST,
            "/units/{unit}/selection/campaigns/{campaign}/evaluation/codes",
            Signed(SelectionManage),
            eval_codes,
        ),
        r(
            Method::POST,
            "/units/{unit}/selection/campaigns/{campaign}/evaluation/close",
            Signed(SelectionManage),
            eval_close,
        ),
        r(
            Method::GET,
            "/units/{unit}/selection/campaigns/{campaign}/evaluation/ballot",
            Signed(SelectionEvaluate),
            ballot,
        ),
        r(
            Method::POST,
            "/units/{unit}/selection/campaigns/{campaign}/evaluation/ballot",
            Signed(SelectionEvaluate),
            cast,
        ),
        r(
            Method::GET,
            "/units/{unit}/selection/campaigns/{campaign}/evaluation/print",
            Signed(SelectionView),
            ballot_print,
        ),
        r(
            Method::GET,
            "/units/{unit}/selection/campaigns/{campaign}/results",
            Signed(SelectionView),
            results,
        ),
        r(
            Method::GET,
            "/units/{unit}/selection/campaigns/{campaign}/results/export.xlsx",
            Signed(SelectionView),
            results_export,
        ),
        r(
            Method::GET,
            "/units/{unit}/selection/campaigns/{campaign}/results/print",
            Signed(SelectionView),
            results_print,
        ),
        r(
            Method::POST,
            "/units/{unit}/selection/campaigns/{campaign}/results/{application}/inspection",
            Signed(SelectionManage),
            inspection,
        ),
        r(
            Method::GET,
            "/api/v1/units/{unit}/selection/campaigns/{campaign}/exam",
            Signed(SelectionView),
            api::exam,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/selection/campaigns/{campaign}/exam",
            Signed(SelectionManage),
            api::exam_save,
        ),
        r(
            Method::GET,
            "/api/v1/units/{unit}/selection/campaigns/{campaign}/panel",
            Signed(SelectionView),
            api::panel,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/selection/campaigns/{campaign}/panel/judges",
            Signed(SelectionManage),
            api::judge_add,
        ),
        r(
            Method::GET,
            "/api/v1/units/{unit}/selection/campaigns/{campaign}/judge",
            Signed(SelectionJudge),
            api::my_sheet,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/selection/campaigns/{campaign}/judge/recusal",
            Signed(SelectionJudge),
            api::my_recusal,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/selection/campaigns/{campaign}/judge",
            Signed(SelectionJudge),
            api::my_submit,
        ),
        r(
            Method::GET,
            "/api/v1/units/{unit}/selection/campaigns/{campaign}/evaluation",
            Signed(SelectionView),
            api::evaluation,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/selection/campaigns/{campaign}/evaluation/codes",
            Signed(SelectionManage),
            api::eval_codes,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/selection/campaigns/{campaign}/evaluation/close",
            Signed(SelectionManage),
            api::eval_close,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/selection/campaigns/{campaign}/evaluation/ballot",
            Signed(SelectionEvaluate),
            api::cast,
        ),
        r(
            Method::GET,
            "/api/v1/units/{unit}/selection/campaigns/{campaign}/results",
            Signed(SelectionView),
            api::results,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/selection/campaigns/{campaign}/results/{application}/inspection",
            Signed(SelectionManage),
            api::inspection,
        ),
    ]
}

/// One judge of a campaign: the campaign extractor plus the judge id (400 naming `judge`).
pub struct InJudge {
    pub c: InCampaign,
    pub judge: i64,
}

#[derive(Deserialize)]
struct JudgeParam {
    judge: i64,
}

impl<S: Send + Sync> FromRequestParts<S> for InJudge {
    type Rejection = WebError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let c = InCampaign::from_request_parts(parts, state).await?;
        let Path(JudgeParam { judge }) = Path::from_request_parts(parts, state).await?;
        Ok(InJudge { c, judge })
    }
}

// ---------------------------------------------------------------- helpers

fn layout(
    ctx: &Ctx,
    u: &Unit,
    c: &jiguan_app::selection::campaign::CampaignRecord,
    key: &str,
) -> Layout {
    super::campaign::campaign_layout(ctx, u, c, key)
}

fn msgs(tr: Tr, errs: &[FieldError]) -> Vec<String> {
    errs.iter().map(|e| tr.error(e)).collect()
}

fn num(v: Option<Decimal>) -> String {
    v.map(|d| d.round_dp(2).to_string()).unwrap_or_default()
}

/// The stage links shown on every page of a campaign's scoring.
pub struct Stages {
    pub base: String,
    pub here: &'static str,
}

fn stages(c: &InCampaign, here: &'static str) -> Stages {
    Stages {
        base: format!("/units/{}/selection/campaigns/{}", c.u.id, c.id),
        here,
    }
}

// ---------------------------------------------------------------- 笔试

pub struct ExamLine {
    pub id: i64,
    pub name: String,
    pub score: String,
    pub outcome: String,
    pub outcome_code: &'static str,
    pub by: String,
}

pub struct ExamBlock {
    pub label: String,
    pub seats: u32,
    pub target: u32,
    pub lines: Vec<ExamLine>,
}

#[derive(Template)]
#[template(path = "sel_exam.html")]
pub struct ExamPage {
    pub l: Layout,
    pub s: Stages,
    pub posts: Vec<ExamBlock>,
    pub can_manage: bool,
    pub published: bool,
    pub pass_mark: String,
    pub ratio: u32,
    pub errs: Vec<String>,
    pub field_errs: FormErrors,
}

fn exam_page(
    ctx: &Ctx,
    c: &InCampaign,
    v: ExamView,
    entered: &BTreeMap<String, String>,
    errs: &[FieldError],
    ok: Option<&str>,
) -> WebResult {
    let tr = ctx.tr;
    let posts = v
        .posts
        .iter()
        .map(|p| ExamBlock {
            label: super::post_label(tr, &p.label, p.key.level),
            seats: p.seats,
            target: p.target,
            lines: p
                .rows
                .iter()
                .map(|r| {
                    let key = format!("score_{}", r.candidate.application_id.0);
                    ExamLine {
                        id: r.candidate.application_id.0,
                        name: r.candidate.name.clone(),
                        score: entered.get(&key).cloned().unwrap_or_else(|| num(r.score)),
                        outcome: tr.t(&r.outcome.label_key()).to_string(),
                        outcome_code: r.outcome.code(),
                        by: r.entered_by.clone(),
                    }
                })
                .collect(),
        })
        .collect();
    let file_errs: Vec<FieldError> = errs
        .iter()
        .filter(|e| e.field == "file" || e.field == "scores" || e.field.starts_with("scores["))
        .cloned()
        .collect();
    let page = ExamPage {
        l: layout(ctx, &c.u, &v.campaign, "sc.exam").flash(ok),
        s: stages(c, "exam"),
        posts,
        can_manage: ctx.actor.can(Action::SelectionManage),
        published: v.campaign.status == jiguan_domain::workflow::Status::Applied,
        pass_mark: v.campaign.plan.written_pass_mark.to_string(),
        ratio: v.campaign.plan.interview_ratio,
        errs: msgs(tr, &file_errs),
        field_errs: FormErrors::new(tr, errs),
    };
    Ok(form_status(errs, &page))
}

pub async fn exam(
    State(st): State<AppState>,
    c: InCampaign,
    Query(q): Query<OkQuery>,
) -> WebResult {
    let v = st.app.sel_exam(&c.ctx.actor, c.u.id, c.id).await?;
    exam_page(&c.ctx, &c, v, &BTreeMap::new(), &[], q.ok.as_deref())
}

pub async fn exam_save(State(st): State<AppState>, c: InCampaign, f: FormPairs) -> WebResult {
    let entered: BTreeMap<String, String> =
        f.0.iter()
            .filter(|(k, _)| k.starts_with("score_"))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
    let entries: Vec<ExamEntry> = entered
        .iter()
        .map(|(k, v)| ExamEntry {
            row: None,
            application_id: k.trim_start_matches("score_").to_string(),
            score: v.clone(),
        })
        .collect();
    match st
        .app
        .sel_exam_save(&c.ctx.actor, c.u.id, c.id, &entries)
        .await
        .fields()?
    {
        Ok(_) => c.to("/exam", "saved"),
        Err(errs) => {
            let v = st.app.sel_exam(&c.ctx.actor, c.u.id, c.id).await?;
            exam_page(&c.ctx, &c, v, &entered, &errs, None)
        }
    }
}

pub async fn exam_import(
    State(st): State<AppState>,
    c: InCampaign,
    Upload(bytes): Upload,
) -> WebResult {
    let entries = tokio::task::spawn_blocking(move || {
        jiguan_excel::import::read_table(&bytes, &jiguan_excel::import::Limits::default())
            .and_then(|t| jiguan_excel::reports::selection::exam_entries(&t))
    })
    .await
    .map_err(|_| AppError::Internal("import task".into()))?;
    let r = match entries {
        Ok(e) => st
            .app
            .sel_exam_save(&c.ctx.actor, c.u.id, c.id, &e)
            .await
            .fields()?
            .map(|_| ()),
        Err(e) => Err(vec![e]),
    };
    match r {
        Ok(()) => c.to("/exam", "imported"),
        Err(errs) => {
            let v = st.app.sel_exam(&c.ctx.actor, c.u.id, c.id).await?;
            exam_page(&c.ctx, &c, v, &BTreeMap::new(), &errs, None)
        }
    }
}

pub async fn exam_template(State(st): State<AppState>, c: InCampaign) -> WebResult {
    // The template lists the candidates: only the HR office downloads it.
    let v = st.app.sel_exam(&c.ctx.actor, c.u.id, c.id).await?;
    let sheets = jiguan_excel::reports::selection::exam_workbook(&c.ctx.tr, &c.u.name, &v, true);
    crate::html::audit::xlsx(&format!("{}笔试成绩导入模板", v.campaign.title), &sheets)
}

pub async fn exam_export(State(st): State<AppState>, c: InCampaign) -> WebResult {
    let v = st.app.sel_exam(&c.ctx.actor, c.u.id, c.id).await?;
    let sheets = jiguan_excel::reports::selection::exam_workbook(&c.ctx.tr, &c.u.name, &v, false);
    crate::html::audit::xlsx(
        &format!("{}{}笔试成绩", c.u.name, v.campaign.title),
        &sheets,
    )
}

// ---------------------------------------------------------------- 面试

pub struct JudgeRow {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub declared: bool,
    pub recused: String,
    pub submitted: bool,
    pub on_behalf: bool,
}

pub struct PanelLine {
    pub id: i64,
    pub name: String,
    pub scores: Vec<String>,
    pub result: String,
    pub dropped: String,
}

pub struct PanelBlock {
    pub label: String,
    pub judges: u32,
    pub not_ready: String,
    pub lines: Vec<PanelLine>,
}

#[derive(Template)]
#[template(path = "sel_panel.html")]
pub struct PanelPage {
    pub l: Layout,
    pub s: Stages,
    pub judges: Vec<JudgeRow>,
    pub posts: Vec<PanelBlock>,
    pub hidden: bool,
    pub can_manage: bool,
    pub trim_over: u32,
    pub judges_min: u32,
    /// The code of a judge just added (shown once).
    pub code: Option<(String, String)>,
    /// (application id, name) of every interviewee, for the on-behalf forms.
    pub candidates: Vec<(i64, String)>,
    pub errs: Vec<String>,
    pub field_errs: FormErrors,
}

fn panel_page(
    ctx: &Ctx,
    c: &InCampaign,
    v: PanelView,
    code: Option<(String, String)>,
    errs: &[FieldError],
    ok: Option<&str>,
) -> WebResult {
    let tr = ctx.tr;
    let names: BTreeMap<ApplicationId, String> = v
        .posts
        .iter()
        .flat_map(|p| p.rows.iter())
        .map(|r| (r.candidate.application_id, r.candidate.name.clone()))
        .collect();
    let judges = v
        .judges
        .iter()
        .map(|j| JudgeRow {
            id: j.id,
            name: j.name.clone(),
            kind: tr
                .t(if j.user_id.is_some() {
                    "sc.judge_account"
                } else {
                    "sc.judge_code"
                })
                .to_string(),
            declared: j.recusal_declared,
            recused: j
                .recused
                .iter()
                .map(|a| names.get(a).cloned().unwrap_or_else(|| a.0.to_string()))
                .collect::<Vec<_>>()
                .join("、"),
            submitted: j.submitted_at.is_some(),
            on_behalf: j.on_behalf,
        })
        .collect();
    let posts = v
        .posts
        .iter()
        .map(|p| PanelBlock {
            label: super::post_label(tr, &p.label, p.key.level),
            judges: p.judges,
            not_ready: p
                .not_ready
                .clone()
                .map(|e| tr.error(&e.with("post", &p.label)))
                .unwrap_or_default(),
            lines: p
                .rows
                .iter()
                .map(|r| PanelLine {
                    id: r.candidate.application_id.0,
                    name: r.candidate.name.clone(),
                    scores: r.scores.iter().map(|s| num(*s)).collect(),
                    result: r
                        .result
                        .as_ref()
                        .map(|x| x.score.to_string())
                        .unwrap_or_default(),
                    dropped: r
                        .result
                        .as_ref()
                        .map(|x| {
                            x.dropped
                                .iter()
                                .map(|d| d.to_string())
                                .collect::<Vec<_>>()
                                .join("、")
                        })
                        .unwrap_or_default(),
                })
                .collect(),
        })
        .collect();
    let page = PanelPage {
        l: layout(ctx, &c.u, &v.campaign, "sc.panel").flash(ok),
        s: stages(c, "panel"),
        judges,
        posts,
        hidden: v.hidden,
        can_manage: ctx.actor.can(Action::SelectionManage),
        trim_over: v.campaign.plan.trim_over,
        judges_min: v.campaign.plan.judges_min,
        code,
        candidates: names.iter().map(|(a, n)| (a.0, n.clone())).collect(),
        errs: msgs(tr, errs),
        field_errs: FormErrors::new(tr, errs),
    };
    Ok(form_status(&page.errs, &page))
}

pub async fn panel(
    State(st): State<AppState>,
    c: InCampaign,
    Query(q): Query<OkQuery>,
) -> WebResult {
    let v = st.app.sel_panel(&c.ctx.actor, c.u.id, c.id).await?;
    panel_page(&c.ctx, &c, v, None, &[], q.ok.as_deref())
}

pub async fn judge_add(State(st): State<AppState>, c: InCampaign, f: FormPairs) -> WebResult {
    let form = JudgeForm {
        user_id: f.get("user_id").to_string(),
        name: f.get("name").to_string(),
    };
    let r = st
        .app
        .sel_judge_add(&c.ctx.actor, c.u.id, c.id, &form)
        .await
        .fields()?;
    let v = st.app.sel_panel(&c.ctx.actor, c.u.id, c.id).await?;
    match r {
        Ok((_, Some(code))) => panel_page(
            &c.ctx,
            &c,
            v,
            Some((form.name.trim().to_string(), code)),
            &[],
            None,
        ),
        Ok((_, None)) => c.to("/panel", "judge_added"),
        Err(errs) => panel_page(&c.ctx, &c, v, None, &errs, None),
    }
}

fn scores_of(f: &FormPairs) -> BTreeMap<String, String> {
    f.0.iter()
        .filter(|(k, _)| k.starts_with("score_"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

pub async fn recusal_on_behalf(State(st): State<AppState>, j: InJudge, f: FormPairs) -> WebResult {
    let r = st
        .app
        .sel_recusal_on_behalf(&j.c.ctx.actor, j.c.u.id, j.c.id, j.judge, &f.all("recused"))
        .await
        .fields()?;
    match r {
        Ok(()) => j.c.to("/panel", "recusal_saved"),
        Err(errs) => {
            let v = st.app.sel_panel(&j.c.ctx.actor, j.c.u.id, j.c.id).await?;
            panel_page(&j.c.ctx, &j.c, v, None, &errs, None)
        }
    }
}

pub async fn sheet_on_behalf(State(st): State<AppState>, j: InJudge, f: FormPairs) -> WebResult {
    let r = st
        .app
        .sel_sheet_on_behalf(&j.c.ctx.actor, j.c.u.id, j.c.id, j.judge, &scores_of(&f))
        .await
        .fields()?;
    match r {
        Ok(_) => j.c.to("/panel", "sheet_saved"),
        Err(errs) => {
            let v = st.app.sel_panel(&j.c.ctx.actor, j.c.u.id, j.c.id).await?;
            panel_page(&j.c.ctx, &j.c, v, None, &errs, None)
        }
    }
}

/// A printed form's heading: the unit's name and the campaign's title, the name once when
/// the title already starts with it (骆驼街道2019年…方案, not 骆驼街道 骆驼街道2019年…).
fn heading(unit: &str, title: &str) -> String {
    if title.starts_with(unit) {
        title.to_string()
    } else {
        format!("{unit} {title}")
    }
}

#[derive(Template)]
#[template(path = "sel_panel_print.html")]
pub struct PanelPrint {
    pub l: Layout,
    /// The form's heading: the unit and the campaign's title.
    pub heading: String,
    pub cite: String,
    /// One sheet per judge (a blank name line when there is none).
    pub judges: Vec<String>,
    pub posts: Vec<(String, Vec<String>)>,
}

pub async fn panel_print(State(st): State<AppState>, c: InCampaign) -> WebResult {
    let v = st.app.sel_panel(&c.ctx.actor, c.u.id, c.id).await?;
    let mut judges: Vec<String> = v.judges.iter().map(|j| j.name.clone()).collect();
    if judges.is_empty() {
        judges.push(String::new());
    }
    let page = PanelPrint {
        l: layout(&c.ctx, &c.u, &v.campaign, "sc.sheet_print"),
        heading: heading(&c.u.name, &v.campaign.title),
        cite: cite(c.ctx.tr, v.campaign.id.0, v.campaign.version),
        judges,
        posts: v
            .posts
            .iter()
            .filter(|p| !p.rows.is_empty())
            .map(|p| {
                (
                    p.label.clone(),
                    p.rows.iter().map(|r| r.candidate.name.clone()).collect(),
                )
            })
            .collect(),
    };
    Ok(page_status(StatusCode::OK, &page))
}

fn cite(tr: Tr, id: i64, version: i64) -> String {
    tr.f(
        "sc.cite",
        &[
            ("id".into(), id.to_string()),
            ("version".into(), version.to_string()),
        ],
    )
}

// ---------------------------------------------------------------- a judge's own sheet

pub struct SheetBlock {
    pub label: String,
    pub recused: bool,
    pub lines: Vec<(i64, String, String)>,
}

/// The blocks of a judge's sheet: per post, each candidate's (application id, name,
/// score), the score as `entered` when the form is shown again, else the saved one as
/// `shown`.
pub(super) fn sheet_blocks(
    s: &JudgeSheet,
    entered: &BTreeMap<String, String>,
    shown: fn(Option<Decimal>) -> String,
) -> Vec<SheetBlock> {
    s.posts
        .iter()
        .map(|p| SheetBlock {
            label: p.label.clone(),
            recused: p.recused,
            lines: p
                .lines
                .iter()
                .map(|l| {
                    let k = format!("score_{}", l.candidate.application_id.0);
                    (
                        l.candidate.application_id.0,
                        l.candidate.name.clone(),
                        entered.get(&k).cloned().unwrap_or_else(|| shown(l.score)),
                    )
                })
                .collect(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "sel_sheet.html")]
pub struct SheetPage {
    pub l: Layout,
    pub action: String,
    pub name: String,
    pub declared: bool,
    pub submitted: bool,
    pub on_behalf: bool,
    pub posts: Vec<SheetBlock>,
    pub errs: FormErrors,
}

fn sheet_page(
    ctx: &Ctx,
    c: &InCampaign,
    s: JudgeSheet,
    entered: &BTreeMap<String, String>,
    errs: &[FieldError],
    ok: Option<&str>,
) -> WebResult {
    let posts = sheet_blocks(&s, entered, num);
    let page = SheetPage {
        l: Layout::new(ctx, "sc.my_sheet")
            .titled(format!("{}（v{}）", s.title, s.plan_version))
            .here()
            .flash(ok),
        action: format!("/units/{}/selection/campaigns/{}/judge", c.u.id, c.id),
        name: s.judge.name.clone(),
        declared: s.judge.recusal_declared,
        submitted: s.judge.submitted_at.is_some(),
        on_behalf: s.judge.on_behalf,
        posts,
        errs: FormErrors::new(ctx.tr, errs),
    };
    Ok(form_status(errs, &page))
}

pub async fn my_sheet(
    State(st): State<AppState>,
    c: InCampaign,
    Query(q): Query<OkQuery>,
) -> WebResult {
    let s = st
        .app
        .sel_sheet(&JudgeAccess::Account(&c.ctx.actor, c.u.id, c.id))
        .await?;
    sheet_page(&c.ctx, &c, s, &BTreeMap::new(), &[], q.ok.as_deref())
}

pub async fn my_recusal(State(st): State<AppState>, c: InCampaign, f: FormPairs) -> WebResult {
    let a = JudgeAccess::Account(&c.ctx.actor, c.u.id, c.id);
    match st
        .app
        .sel_declare_recusal(&a, &f.all("recused"))
        .await
        .fields()?
    {
        Ok(()) => c.to("/judge", "recusal_saved"),
        Err(errs) => {
            let s = st.app.sel_sheet(&a).await?;
            sheet_page(&c.ctx, &c, s, &BTreeMap::new(), &errs, None)
        }
    }
}

pub async fn my_submit(State(st): State<AppState>, c: InCampaign, f: FormPairs) -> WebResult {
    let a = JudgeAccess::Account(&c.ctx.actor, c.u.id, c.id);
    let values = scores_of(&f);
    match st.app.sel_submit_sheet(&a, &values).await.fields()? {
        Ok(_) => c.to("/judge", "sheet_saved"),
        Err(errs) => {
            let s = st.app.sel_sheet(&a).await?;
            sheet_page(&c.ctx, &c, s, &values, &errs, None)
        }
    }
}

// ---------------------------------------------------------------- 民主测评

pub struct EvalLine {
    pub post: String,
    pub name: String,
    pub counts: String,
    pub approval: String,
    pub score: String,
    pub disqualified: bool,
}

#[derive(Template)]
#[template(path = "sel_eval.html")]
pub struct EvalPage {
    pub l: Layout,
    pub s: Stages,
    pub format: String,
    pub rule: String,
    pub issued: i64,
    pub used: i64,
    pub closed: bool,
    pub void: String,
    pub lines: Vec<EvalLine>,
    pub codes: Vec<String>,
    pub can_manage: bool,
    pub errs: FormErrors,
}

fn counts_text(tr: Tr, c: &jiguan_domain::selection::scores::EvaluationCount) -> String {
    use jiguan_domain::selection::scores::EvaluationCount as C;
    let f = |k: &str, n: u32| format!("{} {n}", tr.t(k));
    match *c {
        C::FourGrade {
            excellent,
            competent,
            basic,
            incompetent,
            abstain,
        } => [
            f("sc.mark.excellent", excellent),
            f("sc.mark.competent", competent),
            f("sc.mark.basic", basic),
            f("sc.mark.incompetent", incompetent),
            f("sc.mark.abstain", abstain),
        ]
        .join(" / "),
        C::ApproveDisapprove {
            approve,
            disapprove,
            abstain,
        } => [
            f("sc.mark.approve", approve),
            f("sc.mark.disapprove", disapprove),
            f("sc.mark.abstain", abstain),
        ]
        .join(" / "),
    }
}

fn eval_page(
    ctx: &Ctx,
    c: &InCampaign,
    v: EvaluationView,
    codes: Vec<String>,
    errs: &[FieldError],
    ok: Option<&str>,
) -> WebResult {
    let tr = ctx.tr;
    let lines = v
        .lines
        .iter()
        .map(|x| EvalLine {
            post: x.post.clone(),
            name: x.name.clone(),
            counts: counts_text(tr, &x.count),
            approval: x
                .result
                .map(|r| format!("{}%", r.approval_pct))
                .unwrap_or_default(),
            score: x.result.map(|r| r.score.to_string()).unwrap_or_default(),
            disqualified: x.result.is_some_and(|r| r.disqualified),
        })
        .collect();
    let page = EvalPage {
        l: layout(ctx, &c.u, &v.campaign, "sc.evaluation").flash(ok),
        s: stages(c, "evaluation"),
        format: tr.t(&v.format.label_key()).to_string(),
        rule: tr
            .t(&v.campaign.plan.evaluation.rule.label_key())
            .to_string(),
        issued: v.issued,
        used: v.used,
        closed: v.closed,
        void: v.void.as_ref().map(|e| tr.error(e)).unwrap_or_default(),
        lines,
        codes,
        can_manage: ctx.actor.can(Action::SelectionManage),
        errs: FormErrors::new(tr, errs),
    };
    Ok(form_status(errs, &page))
}

pub async fn evaluation(
    State(st): State<AppState>,
    c: InCampaign,
    Query(q): Query<OkQuery>,
) -> WebResult {
    let v = st.app.sel_evaluation(&c.ctx.actor, c.u.id, c.id).await?;
    eval_page(&c.ctx, &c, v, Vec::new(), &[], q.ok.as_deref())
}

pub async fn eval_codes(State(st): State<AppState>, c: InCampaign, f: FormPairs) -> WebResult {
    let r = st
        .app
        .sel_eval_codes(&c.ctx.actor, c.u.id, c.id, f.get("count"))
        .await
        .fields()?;
    let v = st.app.sel_evaluation(&c.ctx.actor, c.u.id, c.id).await?;
    match r {
        Ok(codes) => eval_page(&c.ctx, &c, v, codes, &[], None),
        Err(errs) => eval_page(&c.ctx, &c, v, Vec::new(), &errs, None),
    }
}

pub async fn eval_close(State(st): State<AppState>, c: InCampaign, _f: FormPairs) -> WebResult {
    match st
        .app
        .sel_eval_close(&c.ctx.actor, c.u.id, c.id)
        .await
        .fields()?
    {
        Ok(()) => c.to("/evaluation", "evaluation_closed"),
        Err(errs) => {
            let v = st.app.sel_evaluation(&c.ctx.actor, c.u.id, c.id).await?;
            eval_page(&c.ctx, &c, v, Vec::new(), &errs, None)
        }
    }
}

pub struct BallotLine {
    pub id: i64,
    pub name: String,
    pub chosen: String,
}

#[derive(Template)]
#[template(path = "sel_ballot.html")]
pub struct BallotPage {
    pub l: Layout,
    pub action: String,
    pub open: bool,
    pub done: bool,
    /// (value, label) of the marks.
    pub marks: Vec<(&'static str, String)>,
    pub posts: Vec<(String, Vec<BallotLine>)>,
    pub errs: FormErrors,
    pub print: bool,
    pub unit: String,
}

fn marks_of(tr: Tr, f: BallotFormat) -> Vec<(&'static str, String)> {
    let list: &[&'static str] = match f {
        BallotFormat::FourGrade => &FOUR_GRADE,
        BallotFormat::ApproveDisapprove => &APPROVE,
    };
    list.iter()
        .map(|m| (*m, tr.t(&format!("sc.mark.{m}")).to_string()))
        .collect()
}

async fn ballot_page(
    st: &AppState,
    c: &InCampaign,
    entered: &BTreeMap<String, String>,
    errs: &[FieldError],
    done: bool,
    print: bool,
) -> WebResult {
    let ctx = &c.ctx;
    let b = if print {
        // The printable ballot is for the HR office (SelectionView): the same candidates.
        let v = st.app.sel_results(&ctx.actor, c.u.id, c.id).await?;
        let panel = st.app.sel_panel(&ctx.actor, c.u.id, c.id).await?;
        let posts = panel
            .posts
            .iter()
            .filter(|p| !p.rows.is_empty())
            .map(|p| {
                (
                    p.label.clone(),
                    p.rows
                        .iter()
                        .map(|r| BallotLine {
                            id: r.candidate.application_id.0,
                            name: r.candidate.name.clone(),
                            chosen: String::new(),
                        })
                        .collect(),
                )
            })
            .collect();
        (v.campaign, true, posts)
    } else {
        let b = st.app.sel_eval_ballot(&ctx.actor, c.u.id, c.id).await?;
        let posts = b
            .posts
            .iter()
            .map(|p| {
                (
                    p.label.clone(),
                    p.candidates
                        .iter()
                        .map(|x| BallotLine {
                            id: x.application_id.0,
                            name: x.name.clone(),
                            chosen: entered
                                .get(&format!("mark_{}", x.application_id.0))
                                .cloned()
                                .unwrap_or_default(),
                        })
                        .collect(),
                )
            })
            .collect();
        (b.campaign, b.open, posts)
    };
    let (campaign, open, posts) = b;
    let page = BallotPage {
        l: Layout::new(
            ctx,
            if print {
                "sc.ballot_print"
            } else {
                "sc.ballot"
            },
        )
        .titled(format!("{}（v{}）", campaign.title, campaign.version))
        .here(),
        action: format!(
            "/units/{}/selection/campaigns/{}/evaluation/ballot",
            c.u.id, c.id
        ),
        open,
        done,
        marks: marks_of(ctx.tr, campaign.plan.evaluation.format),
        posts,
        errs: FormErrors::new(ctx.tr, errs),
        print,
        unit: c.u.name.clone(),
    };
    Ok(form_status(errs, &page))
}

#[derive(Debug, Default, Deserialize)]
pub struct DoneQuery {
    pub done: Option<String>,
}

pub async fn ballot(
    State(st): State<AppState>,
    c: InCampaign,
    Query(q): Query<DoneQuery>,
) -> WebResult {
    ballot_page(&st, &c, &BTreeMap::new(), &[], q.done.is_some(), false).await
}

pub async fn cast(State(st): State<AppState>, c: InCampaign, f: FormPairs) -> WebResult {
    let marks: BTreeMap<String, String> =
        f.0.iter()
            .filter(|(k, _)| k.starts_with("mark_"))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
    match st
        .app
        .sel_eval_cast(&c.ctx.actor, c.u.id, c.id, f.get("code"), &marks)
        .await
        .fields()?
    {
        Ok(_) => Ok(Redirect::to(&format!(
            "/units/{}/selection/campaigns/{}/evaluation/ballot?done=1",
            c.u.id, c.id
        ))
        .into_response()),
        Err(errs) => ballot_page(&st, &c, &marks, &errs, false, false).await,
    }
}

pub async fn ballot_print(State(st): State<AppState>, c: InCampaign) -> WebResult {
    ballot_page(&st, &c, &BTreeMap::new(), &[], false, true).await
}

// ---------------------------------------------------------------- 结果

pub struct ResultLineRow {
    pub id: i64,
    pub name: String,
    pub written: String,
    pub interview: String,
    pub evaluation: String,
    pub approval: String,
    pub composite: String,
    pub rank: String,
    pub tied: bool,
    pub note: String,
    pub shortlisted: bool,
    pub conclusion: String,
    pub team: String,
    pub material: String,
    /// The 加试 result, if entered.
    pub extra_test: String,
}

pub struct ResultBlock {
    pub label: String,
    pub seats: u32,
    pub outcome: String,
    pub complete: bool,
    pub short: String,
    pub lines: Vec<ResultLineRow>,
}

#[derive(Template)]
#[template(path = "sel_results.html")]
pub struct ResultsPage {
    pub l: Layout,
    pub s: Stages,
    pub cite: String,
    pub weights: String,
    pub posts: Vec<ResultBlock>,
    pub can_manage: bool,
    pub print: bool,
    /// The printed heading: the unit and the campaign's title.
    pub heading: String,
    pub conclusions: Vec<(&'static str, String)>,
    pub errs: Vec<String>,
    /// The plan breaks ties by a 加试 (extra test): the results show its column.
    pub extra_col: bool,
}

fn result_blocks(tr: Tr, v: &ResultsView) -> Vec<ResultBlock> {
    v.posts
        .iter()
        .map(|p| ResultBlock {
            label: super::post_label(tr, &p.label, p.key.level),
            seats: p.seats,
            outcome: tr.t(&p.outcome.label_key()).to_string(),
            complete: p.complete,
            short: p
                .shortlist
                .as_ref()
                .map(|s| {
                    tr.f(
                        "sc.short_summary",
                        &[
                            ("target".into(), s.target.to_string()),
                            ("n".into(), s.included.len().to_string()),
                        ],
                    )
                })
                .unwrap_or_default(),
            lines: p
                .lines
                .iter()
                .map(|x| ResultLineRow {
                    id: x.candidate.application_id.0,
                    name: x.candidate.name.clone(),
                    written: num(x.scores.written),
                    interview: num(x.scores.interview),
                    evaluation: num(x.scores.evaluation),
                    approval: x.approval_pct.map(|a| format!("{a}%")).unwrap_or_default(),
                    composite: num(x.composite),
                    extra_test: num(x.scores.extra_test),
                    rank: x.rank.map(|r| r.to_string()).unwrap_or_default(),
                    tied: x.tied,
                    note: x
                        .stops
                        .iter()
                        .map(|s| tr.t(&format!("sc.stop.{s}")).to_string())
                        .chain(
                            x.missing
                                .iter()
                                .map(|s| format!("{}{}", tr.t("sc.missing"), tr.t(&s.label_key()))),
                        )
                        .collect::<Vec<_>>()
                        .join("；"),
                    shortlisted: x.shortlisted,
                    conclusion: x
                        .inspection
                        .as_ref()
                        .map(|i| tr.t(&i.conclusion.label_key()).to_string())
                        .unwrap_or_default(),
                    team: x
                        .inspection
                        .as_ref()
                        .map(|i| i.team.clone())
                        .unwrap_or_default(),
                    material: x
                        .inspection
                        .as_ref()
                        .map(|i| i.material.clone())
                        .unwrap_or_default(),
                })
                .collect(),
        })
        .collect()
}

pub(super) fn results_page(
    ctx: &Ctx,
    c: &InCampaign,
    v: ResultsView,
    errs: &[FieldError],
    ok: Option<&str>,
    print: bool,
) -> WebResult {
    let tr = ctx.tr;
    let weights = v
        .campaign
        .plan
        .stages
        .iter()
        .map(|w| format!("{} {}%", tr.t(&w.stage.label_key()), w.weight))
        .collect::<Vec<_>>()
        .join(" / ");
    let page = ResultsPage {
        l: layout(
            ctx,
            &c.u,
            &v.campaign,
            if print {
                "sc.results_print"
            } else {
                "sc.results"
            },
        )
        .flash(ok),
        s: stages(c, "results"),
        cite: cite(tr, v.campaign_id.0, v.plan_version),
        weights,
        posts: result_blocks(tr, &v),
        can_manage: ctx.actor.can(Action::SelectionManage),
        print,
        heading: heading(&c.u.name, &v.campaign.title),
        conclusions: jiguan_domain::selection::scores::Conclusion::ALL
            .iter()
            .map(|x| (x.code(), tr.t(&x.label_key()).to_string()))
            .collect(),
        errs: msgs(tr, errs),
        extra_col: v
            .campaign
            .plan
            .tie_break
            .contains(&jiguan_domain::selection::plan::TieKey::ExtraTest),
    };
    Ok(form_status(&page.errs, &page))
}

pub async fn results(
    State(st): State<AppState>,
    c: InCampaign,
    Query(q): Query<OkQuery>,
) -> WebResult {
    let v = st.app.sel_results(&c.ctx.actor, c.u.id, c.id).await?;
    results_page(&c.ctx, &c, v, &[], q.ok.as_deref(), false)
}

pub async fn results_print(State(st): State<AppState>, c: InCampaign) -> WebResult {
    let v = st.app.sel_results(&c.ctx.actor, c.u.id, c.id).await?;
    results_page(&c.ctx, &c, v, &[], None, true)
}

pub async fn results_export(State(st): State<AppState>, c: InCampaign) -> WebResult {
    let v = st.app.sel_results(&c.ctx.actor, c.u.id, c.id).await?;
    let sheets = jiguan_excel::reports::selection::results_workbook(&c.ctx.tr, &c.u.name, &v);
    crate::html::audit::xlsx(
        &format!("{}{}竞争上岗成绩", c.u.name, v.campaign.title),
        &sheets,
    )
}

pub async fn inspection(State(st): State<AppState>, a: InApplication, f: FormPairs) -> WebResult {
    let form = InspectionForm {
        team: f.get("team").to_string(),
        material: f.get("material").to_string(),
        conclusion: f.get("conclusion").to_string(),
    };
    match st
        .app
        .sel_inspection_save(&a.c.ctx.actor, a.c.u.id, a.c.id, a.id, &form)
        .await
        .fields()?
    {
        Ok(()) => a.c.to("/results", "inspection_saved"),
        Err(errs) => {
            let v = st.app.sel_results(&a.c.ctx.actor, a.c.u.id, a.c.id).await?;
            results_page(&a.c.ctx, &a.c, v, &errs, None, false)
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_printed_heading_names_the_unit_once() {
        let unit = "骆驼街道";
        assert_eq!(
            super::heading(unit, "骆驼街道2019年中层干部竞争上岗实施方案"),
            "骆驼街道2019年中层干部竞争上岗实施方案"
        );
        assert_eq!(
            super::heading(unit, "2019年竞争上岗"),
            "骆驼街道 2019年竞争上岗"
        );
    }
}
