//! Downsizing plans (分流方案): the plans of a unit, a plan with its lines, figures, totals,
//! candidate picker, workflow and history; the printable notices (分流通知书, one page per
//! person); the Excel summary; and the district summary.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use jiguan_app::downsizing::{Candidate, LineForm, LineView, PlanRecord, PlanView};
use jiguan_app::ports::{ListQuery, Unit};
use jiguan_app::workflow::SimpleStep;
use jiguan_app::{AppError, AppResult};
use jiguan_domain::FieldError;
use jiguan_domain::auth::Action;
use jiguan_domain::downsizing::figures::Figures;
use jiguan_domain::downsizing::{LineId, PlanId, PlanStatus, Route, routes_for};
use jiguan_domain::people::Identity;
use jiguan_domain::tenancy::UnitId;
use jiguan_excel::Sheet;
use jiguan_excel::reports::downsizing::{
    identity_label, pct, person_status_label, reasons_text, route_label, status_label, totals_rows,
};

use crate::AppState;
use crate::error::{FieldErrors, WebResult};
use crate::extract::{At, Form, Path, Query};
use crate::guard::Ctx;
use crate::html::{
    FormErrors, Layout, ListParams, ListView, StepForm, XLSX, attachment, form_page, page,
};
use crate::i18n::Tr;

use super::{InPlan, LineParam};

/// Query parameters of the plan pages (all text, so none can fail the request).
#[derive(Debug, Default, Clone, Deserialize)]
pub struct DownQuery {
    /// Flash message code.
    pub ok: Option<String>,
    /// Search text (lines and candidates, by name or post).
    pub q: Option<String>,
    /// Identities picked for the candidate list, comma separated codes.
    pub ids: Option<String>,
    /// One person's notice only.
    pub person: Option<i64>,
    /// The candidates' page, from 1.
    pub page: Option<String>,
    /// Candidates per page (20, 50 or 100).
    pub per_page: Option<String>,
}

impl DownQuery {
    /// The candidates' search text and page (a bad page or page size is a 422 naming it).
    fn candidates(&self) -> Result<ListQuery, FieldError> {
        ListParams {
            q: self.q.clone(),
            page: self.page.clone(),
            per_page: self.per_page.clone(),
            ..ListParams::default()
        }
        .page_query()
    }
}

/// Translates an error, with the rules' reason codes of `not_eligible` spelled out.
fn errors(tr: Tr, errs: &[FieldError]) -> FormErrors {
    let fixed: Vec<FieldError> = errs
        .iter()
        .map(|e| {
            let mut e = e.clone();
            for (k, v) in e.args.iter_mut() {
                match k.as_str() {
                    "reasons" => {
                        *v = reasons_text(
                            &tr,
                            &v.split(", ").map(str::to_string).collect::<Vec<_>>(),
                        )
                    }
                    // The app names identities and routes by their Chinese labels.
                    "identity" => {
                        if let Ok(i) = Identity::parse("identity", v) {
                            *v = identity_label(&tr, i);
                        }
                    }
                    "route" => {
                        if let Ok(r) = Route::parse("route", v) {
                            *v = route_label(&tr, r);
                        }
                    }
                    _ => {}
                }
            }
            e
        })
        .collect();
    FormErrors::new(tr, &fixed)
}

/// 单位 › the unit (the crumbs of every page of a unit's downsizing).
/// 单位 › the unit › 分流方案.
fn crumbs(ctx: &Ctx, u: &Unit, key: &str) -> Layout {
    Layout::in_unit(ctx, u, key).crumb(
        ctx.tr.t("menu.downsizing"),
        format!("/units/{}/downsizing", u.id),
    )
}

fn see_other(to: String) -> Response {
    Redirect::to(&to).into_response()
}

// ---------------------------------------------------------------- plans

pub struct PlanRow {
    pub id: PlanId,
    pub title: String,
    pub status: String,
    pub status_code: &'static str,
    pub effective: String,
    pub lines: i64,
    pub created: String,
}

fn plan_row(tr: Tr, p: &PlanRecord) -> PlanRow {
    PlanRow {
        id: p.id,
        title: p.title.clone(),
        status: status_label(&tr, p.status),
        status_code: p.status.code(),
        effective: p.effective.to_string(),
        lines: p.lines,
        created: format!(
            "{} {}",
            p.created_at
                .with_timezone(&jiguan_domain::time::china())
                .format("%Y-%m-%d"),
            p.created_by
        ),
    }
}

#[derive(Template)]
#[template(path = "down_plans.html")]
pub struct PlansPage {
    pub l: Layout,
    pub u: Unit,
    pub rows: Vec<PlanRow>,
    pub title: String,
    pub effective: String,
    pub errs: FormErrors,
    pub can_manage: bool,
    pub can_district: bool,
    /// Labour contracts signed: (name, start, end, term years, plan id).
    pub contracts: Vec<(String, String, String, i64, Option<PlanId>)>,
}

async fn plans_page(
    st: &AppState,
    ctx: &Ctx,
    u: Unit,
    form: PlanForm,
    errs: FormErrors,
    ok: Option<&str>,
) -> WebResult {
    let ps = st.app.down_plans(&ctx.actor, u.id).await?;
    let contracts = st
        .app
        .down_contracts(&ctx.actor, u.id)
        .await?
        .into_iter()
        .map(|(c, name)| {
            (
                name,
                c.start.to_string(),
                c.end.to_string(),
                c.term_years,
                c.plan_id,
            )
        })
        .collect();
    let l = Layout::in_unit(ctx, &u, "down.plans").here().flash(ok);
    Ok(form_page(
        errs.is_empty(),
        &PlansPage {
            l,
            rows: ps.iter().map(|p| plan_row(ctx.tr, p)).collect(),
            title: form.title,
            effective: if form.effective.is_empty() {
                st.app.down_today().to_string()
            } else {
                form.effective
            },
            errs,
            can_manage: ctx.actor.can(Action::DownsizingManage),
            can_district: ctx.actor.unit_id.is_none(),
            contracts,
            u,
        },
    ))
}

pub async fn plans(At(st, ctx, u): At, Query(q): Query<DownQuery>) -> WebResult {
    let errs = FormErrors::default();
    plans_page(&st, &ctx, u, PlanForm::default(), errs, q.ok.as_deref()).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PlanForm {
    pub title: String,
    pub effective: String,
}

pub async fn create(At(st, ctx, u): At, Form(f): Form<PlanForm>) -> WebResult {
    let r = st
        .app
        .down_create_plan(&ctx.actor, u.id, &f.title, &f.effective)
        .await;
    match r.fields()? {
        Ok(id) => Ok(see_other(format!(
            "/units/{}/downsizing/{id}?ok=saved",
            u.id
        ))),
        Err(e) => plans_page(&st, &ctx, u, f, errors(ctx.tr, &e), None).await,
    }
}

// ---------------------------------------------------------------- one plan

/// A line as shown.
pub struct LineRow {
    pub id: LineId,
    pub person_id: i64,
    pub name: String,
    pub identity: String,
    pub post: String,
    pub route: String,
    pub route_code: &'static str,
    pub eligible: bool,
    pub reasons: String,
    pub retirement_month: String,
    pub one_off: String,
    pub severance: String,
    pub leave_post: String,
    pub annual_saving: String,
    pub contract: String,
    pub note: String,
    pub status: String,
}

fn figures_text(tr: Tr, f: &Figures) -> (String, String, String) {
    let sev = f
        .severance
        .as_ref()
        .map(|s| {
            tr.f(
                "down.severance_line",
                &[
                    (
                        "formula".into(),
                        tr.t(&format!("down.formula.{}", s.formula)).to_string(),
                    ),
                    ("start".into(), s.start.to_string()),
                    ("end".into(), s.end.to_string()),
                    ("months".into(), s.months_of_pay.normalize().to_string()),
                    ("wage".into(), s.wage.to_string()),
                    ("amount".into(), s.amount.to_string()),
                ],
            )
        })
        .unwrap_or_default();
    let lp = if f.route == Route::LeavePost && f.eligible {
        tr.f(
            "down.leave_post_line",
            &[
                ("monthly".into(), f.leave_post_monthly.to_string()),
                ("months".into(), f.leave_post_months.to_string()),
                ("total".into(), f.leave_post_total.to_string()),
                ("until".into(), f.retirement_month.clone()),
            ],
        )
    } else {
        String::new()
    };
    let contract = f
        .contract
        .map(|c| {
            tr.f(
                "down.contract_line",
                &[
                    ("start".into(), c.start.to_string()),
                    ("end".into(), c.end.to_string()),
                    ("years".into(), c.term_years.to_string()),
                ],
            )
        })
        .unwrap_or_default();
    (sev, lp, contract)
}

pub(crate) fn line_row(tr: Tr, l: &LineView) -> LineRow {
    let p = l.person.as_ref();
    let (sev, lp, contract) = l
        .figures
        .as_ref()
        .map(|f| figures_text(tr, f))
        .unwrap_or_default();
    let f = l.figures.as_ref();
    let text = |g: &dyn Fn(&Figures) -> String| f.map(g).unwrap_or_default();
    LineRow {
        id: l.line.id,
        person_id: l.line.person_id,
        name: p.map(|p| p.name.clone()).unwrap_or_default(),
        identity: p
            .map(|p| identity_label(&tr, p.identity))
            .unwrap_or_default(),
        post: p.map(|p| p.post.clone()).unwrap_or_default(),
        route: route_label(&tr, l.line.route),
        route_code: l.line.route.code(),
        eligible: f.is_some_and(|f| f.eligible),
        reasons: text(&|f| reasons_text(&tr, &f.reasons)),
        retirement_month: text(&|f| f.retirement_month.clone()),
        one_off: text(&|f| f.one_off.to_string()),
        severance: sev,
        leave_post: lp,
        annual_saving: text(&|f| f.annual_saving.to_string()),
        contract,
        note: l.line.note.clone(),
        status: p
            .map(|p| person_status_label(&tr, p.status))
            .unwrap_or_default(),
    }
}

pub struct CandidateRow {
    pub id: i64,
    pub name: String,
    pub identity: String,
    pub post: String,
    pub why: String,
    /// (route code, label with eligibility, eligible)
    pub routes: Vec<(&'static str, String, bool)>,
}

fn candidate_row(tr: Tr, c: &Candidate) -> CandidateRow {
    CandidateRow {
        id: c.person.id,
        name: c.person.name.clone(),
        identity: identity_label(&tr, c.person.identity),
        post: c.person.post.clone(),
        why: c
            .reasons
            .iter()
            .map(|r| tr.t(&format!("down.why.{}", r.code())).to_string())
            .collect::<Vec<_>>()
            .join("、"),
        routes: routes_for(c.person.identity)
            .iter()
            .map(|r| {
                let f = c.routes.iter().find(|f| f.route == *r);
                let ok = f.is_some_and(|f| f.eligible);
                let label = if ok {
                    route_label(&tr, *r)
                } else {
                    format!(
                        "{}（{}）",
                        route_label(&tr, *r),
                        f.map(|f| reasons_text(&tr, &f.reasons)).unwrap_or_default()
                    )
                };
                (r.code(), label, ok)
            })
            .collect(),
    }
}

pub struct EventRow {
    pub at: String,
    pub by: String,
    pub from: String,
    pub to: String,
    pub comment: String,
}

#[derive(Template)]
#[template(path = "down_plan.html")]
pub struct PlanPage {
    pub l: Layout,
    pub u: Unit,
    pub p: PlanRow,
    pub doc_no: String,
    pub reason: String,
    pub lines: Vec<LineRow>,
    pub totals: Vec<(String, String)>,
    /// One page of the candidates.
    pub candidates: Vec<CandidateRow>,
    /// The candidates' pager and total (when they are shown).
    pub list: Option<ListView>,
    /// (code, label, picked)
    pub identities: Vec<(&'static str, String, bool)>,
    pub ids: String,
    pub q: String,
    pub events: Vec<EventRow>,
    pub errs: FormErrors,
    pub form: LineForm,
    pub can_manage: bool,
    pub can_approve: bool,
    pub editable: bool,
}

fn picked(ids: &Option<String>) -> Vec<Identity> {
    ids.as_deref()
        .unwrap_or("temporary,enterprise_hire")
        .split(',')
        .filter_map(|s| Identity::from_code(s.trim()))
        .collect()
}

fn matches(q: &str, name: &str, post: &str) -> bool {
    q.is_empty() || name.contains(q) || post.contains(q)
}

async fn plan_page(
    st: &AppState,
    ctx: &Ctx,
    u: Unit,
    plan: PlanId,
    q: &DownQuery,
    form: LineForm,
    errs: FormErrors,
) -> WebResult {
    let v: PlanView = st.app.down_plan(&ctx.actor, u.id, plan).await?;
    let tr = ctx.tr;
    let ids = picked(&q.ids);
    let editable = jiguan_domain::workflow::DOWNSIZING_PLANS.editable(v.plan.status);
    let can_manage = ctx.actor.can(Action::DownsizingManage);
    let lq = q.candidates()?;
    let search = lq.search().unwrap_or_default();
    let codes = ids.iter().map(|i| i.code()).collect::<Vec<_>>().join(",");
    // One page of candidates, searched and paged by the store; the pager keeps the
    // identities picked (none picked: `pick=1` alone).
    let (candidates, cand_list) = if can_manage && editable {
        let pg = st
            .app
            .down_candidates(&ctx.actor, u.id, plan, &ids, &lq)
            .await?;
        let kept = if codes.is_empty() {
            ("pick".to_string(), "1".to_string())
        } else {
            ("ids".to_string(), codes.clone())
        };
        let base = format!("/units/{}/downsizing/{plan}", u.id);
        let list = ListView::new(&base, vec![kept], &lq, &pg);
        let rows = pg.items.iter().map(|c| candidate_row(tr, c)).collect();
        (rows, Some(list))
    } else {
        (Vec::new(), None)
    };
    let l = crumbs(ctx, &u, "down.plan")
        .titled(v.plan.title.clone())
        .here()
        .flash(q.ok.as_deref());
    Ok(form_page(
        errs.is_empty(),
        &PlanPage {
            l,
            p: plan_row(tr, &v.plan),
            doc_no: v.plan.doc_no.clone(),
            reason: v.plan.reason.clone(),
            lines: v
                .lines
                .iter()
                .map(|x| line_row(tr, x))
                .filter(|r| matches(&search, &r.name, &r.post))
                .collect(),
            totals: totals_rows(&tr, &v.totals),
            candidates,
            list: cand_list,
            identities: Identity::ALL
                .iter()
                .map(|i| (i.code(), identity_label(&tr, *i), ids.contains(i)))
                .collect(),
            ids: codes,
            q: search,
            events: v
                .events
                .iter()
                .map(|e| EventRow {
                    at: jiguan_domain::time::show_china(e.at),
                    by: e.by.clone(),
                    from: PlanStatus::from_code(&e.from)
                        .map(|s| status_label(&tr, s))
                        .unwrap_or_default(),
                    to: status_label(&tr, e.to),
                    comment: e.comment.clone(),
                })
                .collect(),
            errs,
            form,
            can_manage,
            can_approve: ctx.actor.can(Action::DownsizingApprove),
            editable,
            u,
        },
    ))
}

pub async fn show(
    State(st): State<AppState>,
    InPlan { ctx, u, plan }: InPlan,
    Query(mut q): Query<DownQuery>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> WebResult {
    // The picker's checkboxes: `id=temporary&id=…&pick=1` (none checked: none picked).
    if pairs.iter().any(|(k, _)| k == "pick") {
        q.ids = Some(
            pairs
                .iter()
                .filter(|(k, _)| k == "id")
                .map(|(_, v)| v.as_str())
                .collect::<Vec<_>>()
                .join(","),
        );
    }
    let errs = FormErrors::default();
    plan_page(&st, &ctx, u, plan, &q, LineForm::default(), errs).await
}

pub async fn line_save(
    State(st): State<AppState>,
    p: InPlan,
    Form(f): Form<LineForm>,
) -> WebResult {
    let r = st.app.down_save_line(&p.ctx.actor, p.u.id, p.plan, &f);
    match r.await.fields()? {
        Ok(_) => Ok(see_other(format!(
            "/units/{}/downsizing/{}?ok=saved#lines",
            p.u.id, p.plan
        ))),
        Err(e) => with_errors(&st, p, f, &e).await,
    }
}

pub async fn line_delete(
    State(st): State<AppState>,
    p: InPlan,
    Path(LineParam { line }): Path<LineParam>,
) -> WebResult {
    let r = st
        .app
        .down_remove_line(&p.ctx.actor, p.u.id, p.plan, line)
        .await;
    step(&st, p, r, "saved").await
}

/// The plan page again, with a form's errors (422).
async fn with_errors(st: &AppState, p: InPlan, form: LineForm, e: &[FieldError]) -> WebResult {
    let errs = errors(p.ctx.tr, e);
    let q = DownQuery::default();
    plan_page(st, &p.ctx, p.u, p.plan, &q, form, errs).await
}

/// A workflow step's answer: back to the plan with `ok`, or the plan page with the
/// errors (422).
async fn step(st: &AppState, p: InPlan, r: AppResult<()>, ok: &str) -> WebResult {
    match r.fields()? {
        Ok(()) => Ok(see_other(format!(
            "/units/{}/downsizing/{}?ok={ok}",
            p.u.id, p.plan
        ))),
        Err(e) => with_errors(st, p, LineForm::default(), &e).await,
    }
}

pub async fn submit(State(st): State<AppState>, p: InPlan) -> WebResult {
    let r = st.app.down_submit(&p.ctx.actor, p.u.id, p.plan).await;
    step(&st, p, r, "down_submitted").await
}

/// A step that checks nothing but the plan's status and its input, and its answer.
async fn simple_step(st: &AppState, p: InPlan, s: SimpleStep<'_>, ok: &str) -> WebResult {
    let r = st.app.step_plan(&p.ctx.actor, p.u.id, p.plan, s).await;
    step(st, p, r, ok).await
}

pub async fn approve(State(st): State<AppState>, p: InPlan, Form(f): Form<StepForm>) -> WebResult {
    simple_step(&st, p, SimpleStep::Approve(&f.doc_no), "down_approved").await
}

pub async fn reject(State(st): State<AppState>, p: InPlan, Form(f): Form<StepForm>) -> WebResult {
    simple_step(&st, p, SimpleStep::Reject(&f.reason), "down_rejected").await
}

pub async fn reopen(State(st): State<AppState>, p: InPlan) -> WebResult {
    simple_step(&st, p, SimpleStep::Reopen, "saved").await
}

pub async fn apply(State(st): State<AppState>, p: InPlan) -> WebResult {
    let r = st.app.down_apply(&p.ctx.actor, p.u.id, p.plan).await;
    step(&st, p, r, "down_applied").await
}

// ---------------------------------------------------------------- notices

pub struct Notice {
    pub row: LineRow,
    pub body: String,
}

#[derive(Template)]
#[template(path = "down_notices.html")]
pub struct NoticesPage {
    pub l: Layout,
    pub u: Unit,
    pub plan_id: PlanId,
    pub title: String,
    pub doc_no: String,
    pub effective: String,
    pub notices: Vec<Notice>,
}

/// 分流通知书: one page per person (all of the plan, or `?person=`).
pub async fn notices(
    State(st): State<AppState>,
    InPlan { ctx, u, plan }: InPlan,
    Query(q): Query<DownQuery>,
) -> WebResult {
    let v = st.app.down_plan(&ctx.actor, u.id, plan).await?;
    let tr = ctx.tr;
    let notices = v
        .lines
        .iter()
        .filter(|l| q.person.is_none_or(|p| p == l.line.person_id))
        .map(|l| {
            let row = line_row(tr, l);
            let body = tr.f(
                "down.notice_body",
                &[
                    ("name".into(), row.name.clone()),
                    ("unit".into(), u.name.clone()),
                    ("title".into(), v.plan.title.clone()),
                    ("route".into(), row.route.clone()),
                    ("effective".into(), v.plan.effective.to_string()),
                ],
            );
            Notice { row, body }
        })
        .collect();
    let l = crumbs(&ctx, &u, "down.notices")
        .crumb(
            v.plan.title.clone(),
            format!("/units/{}/downsizing/{plan}", u.id),
        )
        .here();
    Ok(page(&NoticesPage {
        l,
        plan_id: plan,
        title: v.plan.title.clone(),
        doc_no: v.plan.doc_no.clone(),
        effective: v.plan.effective.to_string(),
        notices,
        u,
    }))
}

// ---------------------------------------------------------------- Excel

/// The workbook as a download named `name.xlsx`.
fn download(name: &str, sheets: &[Sheet]) -> WebResult {
    let bytes =
        jiguan_excel::write_workbook(sheets).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(attachment("downsizing", name, "xlsx", XLSX, bytes))
}

/// The plan's summary workbook (分流人员, 合计).
pub async fn export(State(st): State<AppState>, InPlan { ctx, u, plan }: InPlan) -> WebResult {
    let v = st.app.down_plan(&ctx.actor, u.id, plan).await?;
    let sheets = jiguan_excel::reports::downsizing::plan_workbook(&ctx.tr, &u.name, &v);
    download(&format!("{}分流方案汇总表", u.name), &sheets)
}

// ---------------------------------------------------------------- district

pub struct DistrictRow {
    pub id: UnitId,
    pub name: String,
    pub status: String,
    pub plans: usize,
    pub cut: i64,
    pub base: i64,
    pub share: String,
    pub one_off: String,
    pub saving: String,
}

#[derive(Template)]
#[template(path = "down_district.html")]
pub struct DistrictPage {
    pub l: Layout,
    pub rows: Vec<DistrictRow>,
    pub cut: i64,
    pub units_with_cuts: usize,
    pub one_off: String,
    pub saving: String,
}

pub async fn district(State(st): State<AppState>, ctx: Ctx) -> WebResult {
    let s = st.app.down_district(&ctx.actor).await?;
    let tr = ctx.tr;
    Ok(page(&DistrictPage {
        l: Layout::new(&ctx, "down.district").here(),
        rows: s
            .units
            .iter()
            .map(|u| DistrictRow {
                id: u.unit.id,
                name: u.unit.name.clone(),
                status: u.status.map(|s| status_label(&tr, s)).unwrap_or_default(),
                plans: u.plans,
                cut: u.totals.cut,
                base: u.totals.staff_base,
                share: pct(&u.totals),
                one_off: u.totals.one_off.to_string(),
                saving: u.totals.annual_saving.to_string(),
            })
            .collect(),
        cut: s.cut,
        units_with_cuts: s.units_with_cuts,
        one_off: s.one_off.to_string(),
        saving: s.annual_saving.to_string(),
    }))
}

/// The district summary as a workbook (one row per unit and the total).
pub async fn district_export(State(st): State<AppState>, ctx: Ctx) -> WebResult {
    let s = st.app.down_district(&ctx.actor).await?;
    let sheets = jiguan_excel::reports::downsizing::district_workbook(&ctx.tr, &s);
    download("全区分流汇总表", &sheets)
}
