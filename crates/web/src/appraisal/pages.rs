//! The appraisal pages. Each handler extracts, calls one use case and renders; refusals
//! come back as field errors shown on the cycle page (422) or the grading page.

use std::collections::BTreeMap;

use askama::Template;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;

use jiguan_app::appraisal::{
    AppealForm, AppealRecord, CycleRecord, FactsForm, GradeForm, GradingView, IndicatorSetRecord,
    ParticipantRecord, QuotaForm, ResolveForm, ScoreForm, WeightsForm,
};
use jiguan_app::ports::Unit;
use jiguan_app::workflow::SimpleStep;
use jiguan_domain::FieldError;
use jiguan_domain::appraisal::cycle::{CycleForm, Kind, grade_label};
use jiguan_domain::appraisal::scores::{IndicatorSetForm, Source};
use jiguan_domain::appraisal::{AppealId, CycleId, Grade};
use jiguan_domain::auth::{Action, Actor};
use jiguan_domain::tenancy::UnitId;
use jiguan_domain::workflow::{APPRAISAL_CYCLES, Status, Step};

use super::AtCycle;
use crate::AppState;
use crate::error::{FieldErrors, WebResult};
use crate::extract::{At, AtId, Form, FormPairs, Path, Query, Upload};
use crate::guard::Ctx;
use crate::html::{FormErrors, Layout, ok_or_422, page, page_status};

#[derive(Debug, Default, Deserialize)]
pub struct OkQuery {
    pub ok: Option<String>,
}

fn crumbs(ctx: &Ctx, u: &Unit, key: &str) -> Layout {
    Layout::in_unit(ctx, u, key).crumb(
        ctx.tr.t("menu.appraisal"),
        format!("/units/{}/appraisal", u.id),
    )
}

fn to(u: UnitId, id: CycleId, tail: &str, ok: &str) -> WebResult {
    Ok(Redirect::to(&format!("/units/{u}/appraisal/{id}{tail}?ok={ok}")).into_response())
}

fn status_label(ctx: &Ctx, s: Status) -> String {
    ctx.tr.t(&APPRAISAL_CYCLES.label_key(s)).to_string()
}

// ---------------------------------------------------------------- cycles

pub struct CycleRow {
    pub id: CycleId,
    pub title: String,
    pub kind: String,
    pub period: String,
    pub status: String,
    pub status_code: &'static str,
}

#[derive(Template)]
#[template(path = "apr_cycles.html")]
pub struct CyclesPage {
    pub l: Layout,
    pub u: Unit,
    pub rows: Vec<CycleRow>,
    pub can_manage: bool,
    pub f: CycleForm,
    pub errs: FormErrors,
}

fn period_text(c: &CycleRecord) -> String {
    match c.quarter {
        Some(q) => format!("{} Q{q}", c.year),
        None => c.year.to_string(),
    }
}

async fn cycles_page(
    st: &AppState,
    ctx: &Ctx,
    u: Unit,
    f: CycleForm,
    errs: Vec<FieldError>,
    ok: Option<&str>,
) -> WebResult {
    let cs = st.app.apr_cycles(&ctx.actor, u.id).await?;
    let rows = cs
        .iter()
        .map(|c| CycleRow {
            id: c.id,
            title: c.title.clone(),
            kind: ctx.tr.t(&c.kind.label_key()).to_string(),
            period: period_text(c),
            status: status_label(ctx, c.status),
            status_code: c.status.code(),
        })
        .collect();
    let status = ok_or_422(errs.is_empty());
    Ok(page_status(
        status,
        &CyclesPage {
            l: crumbs(ctx, &u, "apr.cycles").here().flash(ok),
            rows,
            can_manage: ctx.actor.can(Action::AppraisalManage),
            f,
            errs: FormErrors::new(ctx.tr, &errs),
            u,
        },
    ))
}

pub async fn cycles(At(st, ctx, u): At, Query(q): Query<OkQuery>) -> WebResult {
    let f = CycleForm {
        kind: "annual".into(),
        ..CycleForm::default()
    };
    cycles_page(&st, &ctx, u, f, Vec::new(), q.ok.as_deref()).await
}

pub async fn create(At(st, ctx, u): At, Form(f): Form<CycleForm>) -> WebResult {
    match st
        .app
        .apr_create_cycle(&ctx.actor, u.id, &f)
        .await
        .fields()?
    {
        Ok(id) => to(u.id, id, "", "cycle_created"),
        Err(errs) => cycles_page(&st, &ctx, u, f, errs, None).await,
    }
}

// ---------------------------------------------------------------- one cycle

pub struct PartRow {
    pub p: ParticipantRecord,
    pub identity: String,
    pub ungraded: String,
    pub grade: String,
}

#[derive(Template)]
#[template(path = "apr_cycle.html")]
pub struct CyclePage {
    pub l: Layout,
    pub u: Unit,
    pub c: CycleRecord,
    pub kind: String,
    pub status: String,
    pub parts: Vec<PartRow>,
    pub sets: Vec<IndicatorSetRecord>,
    pub weights: Vec<(String, String, String)>,
    pub used: i64,
    pub issued: i64,
    pub appeals: Vec<(AppealRecord, String)>,
    pub steps: Vec<(&'static str, String)>,
    pub can_manage: bool,
    pub can_confirm: bool,
    pub can_rate: bool,
    pub editable: bool,
    pub scoring: bool,
    pub grading: bool,
    pub results: bool,
    pub publicity: String,
    pub codes: Vec<String>,
    pub errs: FormErrors,
}

/// The 优秀 publicity period of a cycle (first day — last day), or "" before it is set.
async fn publicity_span(st: &AppState, a: &Actor, c: &CycleRecord) -> String {
    let p = st.app.apr_publicity(a, c).await.ok().flatten();
    p.map(|p| {
        let first = p.days.first().map(ToString::to_string).unwrap_or_default();
        format!("{first} — {}", p.last)
    })
    .unwrap_or_default()
}

async fn cycle_page(
    st: &AppState,
    ctx: &Ctx,
    u: Unit,
    id: CycleId,
    errs: Vec<FieldError>,
    codes: Vec<String>,
    ok: Option<&str>,
) -> WebResult {
    let a = &ctx.actor;
    let c = st.app.apr_cycle(a, u.id, id).await?;
    let ps = st.app.apr_participants(a, u.id, id).await?;
    let sets = st.app.apr_indicator_sets(a, u.id, id).await?;
    let (used, issued) = st.app.apr_code_progress(a, u.id, id).await?;
    let appeals = st.app.apr_appeals(a, u.id, id).await?;
    let publicity = publicity_span(st, a, &c).await;
    let tr = ctx.tr;
    let parts = ps
        .into_iter()
        .map(|p| PartRow {
            identity: tr.t(&p.identity.label_key()).to_string(),
            ungraded: p
                .ungraded
                .map(|x| tr.t(&x.label_key()).to_string())
                .unwrap_or_default(),
            grade: p
                .grade
                .map(|g| grade_label(g, p.identity).to_string())
                .unwrap_or_default(),
            p,
        })
        .collect::<Vec<_>>();
    let names: BTreeMap<_, _> = parts.iter().map(|r| (r.p.id, r.p.name.clone())).collect();
    let steps = [
        Step::Open,
        Step::Score,
        Step::Grade,
        Step::Publish,
        Step::Close,
    ]
    .into_iter()
    .filter(|s| APPRAISAL_CYCLES.check(*s, c.status).is_ok())
    .filter(|s| *s != Step::Publish || c.kind == Kind::Annual)
    .map(|s| {
        (
            s.code(),
            tr.t(&format!("apr.step.{}", s.code())).to_string(),
        )
    })
    .collect();
    let weights = c
        .rater_weights
        .iter()
        .map(|(k, w)| {
            (
                k.code().to_string(),
                tr.t(&k.label_key()).to_string(),
                w.normalize().to_string(),
            )
        })
        .collect();
    let l = crumbs(ctx, &u, "apr.cycle")
        .titled(c.title.clone())
        .flash(ok);
    Ok(page_status(
        ok_or_422(errs.is_empty()),
        &CyclePage {
            l,
            kind: tr.t(&c.kind.label_key()).to_string(),
            status: status_label(ctx, c.status),
            parts,
            sets,
            weights,
            used,
            issued,
            appeals: appeals
                .into_iter()
                .map(|ap| {
                    let n = names.get(&ap.participant_id).cloned().unwrap_or_default();
                    (ap, n)
                })
                .collect(),
            steps,
            can_manage: a.can(Action::AppraisalManage),
            can_confirm: a.can(Action::AppraisalConfirm) && c.status == Status::Grading,
            can_rate: a.can(Action::AppraisalRate) && c.status == Status::Scoring,
            editable: APPRAISAL_CYCLES.editable(c.status),
            scoring: c.status == Status::Scoring,
            grading: c.status == Status::Grading,
            results: jiguan_app::appraisal::RESULT_STATUSES.contains(&c.status),
            publicity,
            codes,
            errs: FormErrors::new(ctx.tr, &errs),
            u,
            c,
        },
    ))
}

pub async fn show(AtId(st, ctx, u, id): AtCycle, Query(q): Query<OkQuery>) -> WebResult {
    cycle_page(&st, &ctx, u, id, Vec::new(), Vec::new(), q.ok.as_deref()).await
}

/// Redirects on success, re-renders the cycle page with the errors otherwise.
async fn done(
    st: &AppState,
    ctx: &Ctx,
    u: Unit,
    id: CycleId,
    r: Result<(), Vec<FieldError>>,
    ok: &str,
) -> WebResult {
    match r {
        Ok(()) => to(u.id, id, "", ok),
        Err(errs) => cycle_page(st, ctx, u, id, errs, Vec::new(), None).await,
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct StepForm {
    pub step: String,
}

pub async fn step(AtId(st, ctx, u, id): AtCycle, Form(f): Form<StepForm>) -> WebResult {
    let r = match Step::parse("step", &f.step) {
        Ok(s) => st.app.apr_step(&ctx.actor, u.id, id, s).await.fields()?,
        Err(e) => Err(vec![e]),
    };
    done(&st, &ctx, u, id, r, "step_taken").await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DecisionForm {
    pub doc_no: String,
    pub reason: String,
}

pub async fn confirm(AtId(st, ctx, u, id): AtCycle, Form(f): Form<DecisionForm>) -> WebResult {
    let r = st
        .app
        .step_plan(&ctx.actor, u.id, id, SimpleStep::Approve(&f.doc_no))
        .await
        .fields()?;
    done(&st, &ctx, u, id, r, "grades_confirmed").await
}

pub async fn send_back(AtId(st, ctx, u, id): AtCycle, Form(f): Form<DecisionForm>) -> WebResult {
    let r = st
        .app
        .step_plan(&ctx.actor, u.id, id, SimpleStep::Reject(&f.reason))
        .await
        .fields()?;
    done(&st, &ctx, u, id, r, "grades_sent_back").await
}

pub async fn facts(AtId(st, ctx, u, id): AtCycle, FormPairs(pairs): FormPairs) -> WebResult {
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let f = FactsForm {
        group: get("group"),
        post_level: get("post_level"),
        leave_days: get("leave_days"),
        investigation: get("investigation"),
        sanction: get("sanction"),
        warned: get("warned"),
    };
    let r = match get("participant_id").parse() {
        Ok(p) => st
            .app
            .apr_set_facts(&ctx.actor, u.id, id, p, &f)
            .await
            .fields()?,
        Err(_) => Err(vec![FieldError::new("participant_id", "number_invalid")]),
    };
    done(&st, &ctx, u, id, r, "saved").await
}

pub async fn weights(AtId(st, ctx, u, id): AtCycle, Form(f): Form<WeightsForm>) -> WebResult {
    let r = st
        .app
        .apr_set_weights(&ctx.actor, u.id, id, &f)
        .await
        .fields()?;
    done(&st, &ctx, u, id, r, "saved").await
}

pub async fn indicators(
    AtId(st, ctx, u, id): AtCycle,
    Form(f): Form<IndicatorSetForm>,
) -> WebResult {
    let r = st
        .app
        .apr_save_indicator_set(&ctx.actor, u.id, id, &f)
        .await
        .fields()?;
    done(&st, &ctx, u, id, r, "saved").await
}

/// One score from the page: `participant_id`, `kind`, `rater`, `overall`, and `i.<name>`
/// per indicator.
pub async fn score(AtId(st, ctx, u, id): AtCycle, FormPairs(pairs): FormPairs) -> WebResult {
    let mut f = ScoreForm::default();
    for (k, v) in pairs {
        match k.as_str() {
            "participant_id" => f.participant_id = v,
            "kind" => f.kind = v,
            "rater" => f.rater = v,
            "overall" => f.overall = v,
            _ => {
                if let Some(n) = k.strip_prefix("i.") {
                    f.indicators.insert(n.to_string(), v);
                }
            }
        }
    }
    let r = st
        .app
        .apr_add_scores(&ctx.actor, u.id, id, &[f], Source::Manual)
        .await
        .fields()?
        .map(|_| ());
    done(&st, &ctx, u, id, r, "saved").await
}

/// The score import: an xlsx or csv file (multipart field `file`); every row valid or
/// nothing written.
pub async fn import(AtId(st, ctx, u, id): AtCycle, Upload(bytes): Upload) -> WebResult {
    let ps = st.app.apr_participants(&ctx.actor, u.id, id).await?;
    let forms = jiguan_excel::import::read_table(&bytes, &jiguan_excel::import::Limits::default())
        .and_then(|t| jiguan_excel::reports::appraisal::score_forms(&t, &ps));
    let r = match forms {
        Ok(forms) => st
            .app
            .apr_add_scores(&ctx.actor, u.id, id, &forms, Source::Import)
            .await
            .fields()?
            .map(|_| ()),
        Err(e) => Err(vec![e]),
    };
    done(&st, &ctx, u, id, r, "scores_imported").await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CodesForm {
    pub count: String,
}

/// Issues codes and shows them once, to be printed on slips.
pub async fn codes(AtId(st, ctx, u, id): AtCycle, Form(f): Form<CodesForm>) -> WebResult {
    match st
        .app
        .apr_issue_codes(&ctx.actor, u.id, id, &f.count)
        .await
        .fields()?
    {
        Ok(codes) => cycle_page(&st, &ctx, u, id, Vec::new(), codes, None).await,
        Err(errs) => cycle_page(&st, &ctx, u, id, errs, Vec::new(), None).await,
    }
}

pub async fn quota(AtId(st, ctx, u, id): AtCycle, Form(f): Form<QuotaForm>) -> WebResult {
    match st
        .app
        .apr_raise_quota(&ctx.actor, u.id, id, &f)
        .await
        .fields()?
    {
        Ok(()) => to(u.id, id, "/grading", "saved"),
        Err(errs) => grading_page(&st, &ctx, u, id, errs, BTreeMap::new(), None).await,
    }
}

pub async fn appeal(AtId(st, ctx, u, id): AtCycle, Form(f): Form<AppealForm>) -> WebResult {
    let r = st
        .app
        .apr_file_appeal(&ctx.actor, u.id, id, &f)
        .await
        .fields()?
        .map(|_| ());
    done(&st, &ctx, u, id, r, "saved").await
}

pub async fn resolve(
    At(st, ctx, u): At,
    Path((_, id, appeal)): Path<(UnitId, CycleId, AppealId)>,
    Form(f): Form<ResolveForm>,
) -> WebResult {
    let r = st
        .app
        .apr_resolve_appeal(&ctx.actor, u.id, id, appeal, &f)
        .await
        .fields()?;
    done(&st, &ctx, u, id, r, "saved").await
}

// ---------------------------------------------------------------- grading

pub struct GradeRow {
    pub id: String,
    pub name: String,
    pub group: String,
    pub ungraded: String,
    pub score: String,
    pub lines: String,
    pub proposed: String,
    /// The grade code shown selected (entered, else saved, else proposed).
    pub grade: String,
    pub reason: String,
}

pub struct QuotaRow {
    pub group: String,
    pub participants: u32,
    pub base: u32,
    pub rate: String,
    pub max: u32,
    pub excellent: u32,
    pub approval: String,
    pub over: bool,
}

#[derive(Template)]
#[template(path = "apr_grading.html")]
pub struct GradingPage {
    pub l: Layout,
    pub u: Unit,
    pub c: CycleRecord,
    pub rows: Vec<GradeRow>,
    pub quotas: Vec<QuotaRow>,
    pub grades: Vec<(&'static str, String)>,
    pub can_edit: bool,
    pub errs: FormErrors,
    pub error_list: Vec<String>,
}

fn explain(ctx: &Ctx, v: &GradingView, i: usize) -> String {
    v.rows[i]
        .explained
        .lines
        .iter()
        .filter(|l| !l.weight.is_zero())
        .map(|l| {
            format!(
                "{} {}×{}%",
                ctx.tr.t(&l.kind.label_key()),
                l.value,
                l.weight.normalize()
            )
        })
        .collect::<Vec<_>>()
        .join("；")
}

async fn grading_page(
    st: &AppState,
    ctx: &Ctx,
    u: Unit,
    id: CycleId,
    errs: Vec<FieldError>,
    entered: BTreeMap<String, (String, String)>,
    ok: Option<&str>,
) -> WebResult {
    let v = st.app.apr_grading(&ctx.actor, u.id, id).await?;
    let tr = ctx.tr;
    let rows = v
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let p = &r.participant;
            let key = p.id.to_string();
            let (grade, reason) = entered.get(&key).cloned().unwrap_or_else(|| {
                (
                    p.grade
                        .or(r.proposed)
                        .map(|g| g.code().to_string())
                        .unwrap_or_default(),
                    p.reason.clone(),
                )
            });
            GradeRow {
                id: key,
                name: p.name.clone(),
                group: group_label(&tr, &p.group),
                ungraded: p
                    .ungraded
                    .map(|x| tr.t(&x.label_key()).to_string())
                    .unwrap_or_default(),
                score: r.explained.score.map(|s| s.to_string()).unwrap_or_default(),
                lines: explain(ctx, &v, i),
                proposed: r
                    .proposed
                    .map(|g| grade_label(g, p.identity).to_string())
                    .unwrap_or_default(),
                grade,
                reason,
            }
        })
        .collect();
    let quotas = v
        .quotas
        .iter()
        .map(|q| QuotaRow {
            group: if q.group.is_empty() {
                tr.t("apr.unit_total").to_string()
            } else {
                group_label(&tr, &q.group)
            },
            participants: q.participants,
            base: q.base,
            rate: q.rate_pct.to_string(),
            max: q.max,
            excellent: q.excellent,
            approval: q.approval.clone().unwrap_or_default(),
            over: q.exceeded(),
        })
        .collect();
    let error_list = errs.iter().map(|e| tr.error(e)).collect();
    let l = crumbs(ctx, &u, "apr.grading")
        .crumb(
            v.cycle.title.clone(),
            format!("/units/{}/appraisal/{id}", u.id),
        )
        .flash(ok);
    Ok(page_status(
        ok_or_422(errs.is_empty()),
        &GradingPage {
            l,
            rows,
            quotas,
            grades: Grade::ALL
                .iter()
                .map(|g| (g.code(), tr.t(&g.label_key()).to_string()))
                .collect(),
            can_edit: ctx.actor.can(Action::AppraisalManage) && v.cycle.status == Status::Grading,
            errs: FormErrors::new(tr, &errs),
            error_list,
            c: v.cycle,
            u,
        },
    ))
}

pub async fn grading(AtId(st, ctx, u, id): AtCycle, Query(q): Query<OkQuery>) -> WebResult {
    grading_page(
        &st,
        &ctx,
        u,
        id,
        Vec::new(),
        BTreeMap::new(),
        q.ok.as_deref(),
    )
    .await
}

/// The grading form: `g.<participant>` and `r.<participant>` per row.
pub async fn save_grades(AtId(st, ctx, u, id): AtCycle, FormPairs(pairs): FormPairs) -> WebResult {
    let mut entered: BTreeMap<String, (String, String)> = BTreeMap::new();
    for (k, v) in pairs {
        if let Some(p) = k.strip_prefix("g.") {
            entered.entry(p.to_string()).or_default().0 = v;
        } else if let Some(p) = k.strip_prefix("r.") {
            entered.entry(p.to_string()).or_default().1 = v;
        }
    }
    let forms: Vec<GradeForm> = entered
        .iter()
        .map(|(p, (g, r))| GradeForm {
            participant_id: p.clone(),
            grade: g.clone(),
            reason: r.clone(),
        })
        .collect();
    match st
        .app
        .apr_save_grades(&ctx.actor, u.id, id, &forms)
        .await
        .fields()?
    {
        Ok(()) => to(u.id, id, "/grading", "grades_saved"),
        Err(errs) => grading_page(&st, &ctx, u, id, errs, entered, None).await,
    }
}

// ---------------------------------------------------------------- print, export

#[derive(Template)]
#[template(path = "apr_print.html")]
pub struct PrintPage {
    pub l: Layout,
    pub u: Unit,
    pub c: CycleRecord,
    pub rows: Vec<(String, String, String)>,
    pub excellent: Vec<String>,
    pub publicity: String,
}

/// The A4 grade list and the 优秀 publicity notice (公示).
pub async fn print(AtId(st, ctx, u, id): AtCycle) -> WebResult {
    let v = st.app.apr_grading(&ctx.actor, u.id, id).await?;
    let tr = ctx.tr;
    let rows = v
        .rows
        .iter()
        .map(|r| {
            let p = &r.participant;
            (
                p.name.clone(),
                p.grade
                    .map(|g| grade_label(g, p.identity).to_string())
                    .or(p.ungraded.map(|x| tr.t(&x.label_key()).to_string()))
                    .unwrap_or_default(),
                p.reason.clone(),
            )
        })
        .collect();
    let excellent = v
        .rows
        .iter()
        .filter(|r| r.participant.grade == Some(Grade::Excellent))
        .map(|r| r.participant.name.clone())
        .collect();
    let publicity = publicity_span(&st, &ctx.actor, &v.cycle).await;
    Ok(page(&PrintPage {
        l: crumbs(&ctx, &u, "apr.print").titled(v.cycle.title.clone()),
        u,
        c: v.cycle,
        rows,
        excellent,
        publicity,
    }))
}

pub async fn export(AtId(st, ctx, u, id): AtCycle) -> WebResult {
    let v = st.app.apr_grading(&ctx.actor, u.id, id).await?;
    let sheets = jiguan_excel::reports::appraisal::results_workbook(&ctx.tr, &u.name, &v);
    crate::html::audit::xlsx(&format!("{}{}", u.name, v.cycle.title), &sheets)
}

// ---------------------------------------------------------------- the phone rating

#[derive(Template)]
#[template(path = "apr_rate.html")]
pub struct RatePage {
    pub l: Layout,
    pub u: Unit,
    pub id: CycleId,
    pub title: String,
    pub people: Vec<(String, String, String)>,
    pub done: bool,
    pub open: bool,
    pub errs: FormErrors,
}

async fn rate_page(
    st: &AppState,
    ctx: &Ctx,
    u: Unit,
    id: CycleId,
    entered: &BTreeMap<String, String>,
    errs: Vec<FieldError>,
    done: bool,
) -> WebResult {
    let (c, people) = st.app.apr_rating_sheet(&ctx.actor, u.id, id).await?;
    Ok(page_status(
        ok_or_422(errs.is_empty()),
        &RatePage {
            l: Layout::new(ctx, "apr.rate").titled(c.title.clone()),
            id,
            title: c.title,
            people: people
                .into_iter()
                .map(|(p, n)| {
                    let k = p.to_string();
                    let v = entered.get(&k).cloned().unwrap_or_default();
                    (k, n, v)
                })
                .collect(),
            done,
            open: c.status == Status::Scoring,
            errs: FormErrors::new(ctx.tr, &errs),
            u,
        },
    ))
}

pub async fn rate_form(AtId(st, ctx, u, id): AtCycle) -> WebResult {
    rate_page(&st, &ctx, u, id, &BTreeMap::new(), Vec::new(), false).await
}

/// The rating: `code` and `s.<participant>` per person. Logs nothing.
pub async fn rate(AtId(st, ctx, u, id): AtCycle, FormPairs(pairs): FormPairs) -> WebResult {
    let mut code = String::new();
    let mut values = BTreeMap::new();
    for (k, v) in pairs {
        if k == "code" {
            code = v;
        } else if let Some(p) = k.strip_prefix("s.") {
            values.insert(p.to_string(), v);
        }
    }
    match st
        .app
        .apr_rate(&ctx.actor, u.id, id, &code, &values)
        .await
        .fields()?
    {
        Ok(_) => rate_page(&st, &ctx, u, id, &BTreeMap::new(), Vec::new(), true).await,
        Err(errs) => rate_page(&st, &ctx, u, id, &values, errs, false).await,
    }
}

/// A person's appraisal results for the person page: (year, grade or not-graded reason,
/// consequences); empty when the actor may not see appraisals.
pub async fn history_rows(
    st: &AppState,
    ctx: &Ctx,
    unit: UnitId,
    person: i64,
) -> Vec<(i32, String, String)> {
    let tr = ctx.tr;
    st.app
        .apr_person_history(&ctx.actor, unit, person)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|h| {
            let what = h
                .grade
                .map(|g| tr.t(&g.label_key()).to_string())
                .or(h.ungraded.map(|x| tr.t(&x.label_key()).to_string()))
                .unwrap_or_default();
            let effects = h
                .effects
                .iter()
                .map(|e| tr.t(&e.label_key()).to_string())
                .collect::<Vec<_>>()
                .join("、");
            (h.year, what, effects)
        })
        .collect()
}

/// The label of a quota group: the default groups (`staff`, `leaders`) in the user's
/// language, a unit's own group name as entered.
fn group_label(tr: &crate::i18n::Tr, group: &str) -> String {
    let key = format!("apr.group.{group}");
    if tr.has(&key) {
        tr.t(&key).to_string()
    } else {
        group.to_string()
    }
}
