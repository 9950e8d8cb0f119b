//! Downsizing plans (分流方案): the plans of a unit, a plan with its lines, figures, totals,
//! candidate picker, workflow and history; the printable notices (分流通知书, one page per
//! person); the Excel summary; and the district summary.

use askama::Template;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use jiguan_app::AppError;
use jiguan_app::downsizing::{Candidate, LineForm, LineView, PlanRecord, PlanView};
use jiguan_app::ports::Unit;
use jiguan_domain::FieldError;
use jiguan_domain::auth::Action;
use jiguan_domain::downsizing::figures::{Figures, Totals};
use jiguan_domain::downsizing::{PlanStatus, Route, routes_for};
use jiguan_domain::people::Identity;
use jiguan_domain::tenancy::UnitId;
use jiguan_excel::{Cell, Sheet};

use crate::AppState;
use crate::error::page_error;
use crate::guard::Ctx;
use crate::html::{FormErrors, Layout, page, page_status};
use crate::i18n::Tr;

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
                        *v =
                            reasons_text(tr, &v.split(", ").map(str::to_string).collect::<Vec<_>>())
                    }
                    // The app names identities and routes by their Chinese labels.
                    "identity" => {
                        if let Ok(i) = Identity::parse("identity", v) {
                            *v = identity_label(tr, i);
                        }
                    }
                    "route" => {
                        if let Ok(r) = Route::parse("route", v) {
                            *v = route_label(tr, r);
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

fn reasons_text(tr: Tr, codes: &[String]) -> String {
    codes
        .iter()
        .filter(|c| !c.is_empty())
        .map(|c| {
            let k = format!("down.reason.{c}");
            if tr.has(&k) {
                tr.t(&k).to_string()
            } else {
                c.clone()
            }
        })
        .collect::<Vec<_>>()
        .join("；")
}

fn route_label(tr: Tr, r: Route) -> String {
    tr.t(&r.label_key()).to_string()
}

fn status_label(tr: Tr, s: PlanStatus) -> String {
    tr.t(&jiguan_domain::workflow::DOWNSIZING_PLANS.label_key(s))
        .to_string()
}

fn identity_label(tr: Tr, i: Identity) -> String {
    let k = format!("people.identity.{}", i.code());
    if tr.has(&k) {
        tr.t(&k).to_string()
    } else {
        i.zh().to_string()
    }
}

fn crumbs(ctx: &Ctx, u: &Unit, key: &str) -> Layout {
    let mut l = Layout::new(ctx, key);
    if ctx.actor.can(Action::UnitsList) {
        l = l.crumb(ctx.tr.t("menu.units"), "/units");
    }
    l.crumb(u.name.clone(), format!("/units/{}", u.id)).crumb(
        ctx.tr.t("menu.downsizing"),
        format!("/units/{}/downsizing", u.id),
    )
}

async fn unit_of(st: &AppState, ctx: &Ctx, unit: i64) -> Result<Unit, Response> {
    st.app
        .get_unit(&ctx.actor, UnitId(unit))
        .await
        .map_err(|e| page_error(ctx.tr, e))
}

fn pct(t: &Totals) -> String {
    t.share_pct.map(|p| format!("{p}%")).unwrap_or_default()
}

// ---------------------------------------------------------------- plans

pub struct PlanRow {
    pub id: i64,
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
        status: status_label(tr, p.status),
        status_code: p.status.code(),
        effective: p.effective.to_string(),
        lines: p.lines,
        created: format!("{} {}", p.created_at.format("%Y-%m-%d"), p.created_by),
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
    pub contracts: Vec<(String, String, String, i64, Option<i64>)>,
}

async fn plans_page(
    st: &AppState,
    ctx: &Ctx,
    u: Unit,
    form: (String, String),
    errs: FormErrors,
    ok: Option<&str>,
) -> Response {
    let ps = match st.app.down_plans(&ctx.actor, u.id).await {
        Ok(p) => p,
        Err(e) => return page_error(ctx.tr, e),
    };
    let contracts = match st.app.down_contracts(&ctx.actor, u.id).await {
        Ok(c) => c
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
            .collect(),
        Err(e) => return page_error(ctx.tr, e),
    };
    let status = if errs.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut l = Layout::new(ctx, "down.plans");
    if ctx.actor.can(Action::UnitsList) {
        l = l.crumb(ctx.tr.t("menu.units"), "/units");
    }
    let l = l
        .crumb(u.name.clone(), format!("/units/{}", u.id))
        .here()
        .flash(ok);
    page_status(
        status,
        &PlansPage {
            l,
            rows: ps.iter().map(|p| plan_row(ctx.tr, p)).collect(),
            title: form.0,
            effective: if form.1.is_empty() {
                st.app.down_today().to_string()
            } else {
                form.1
            },
            errs,
            can_manage: ctx.actor.can(Action::DownsizingManage),
            can_district: ctx.actor.unit_id.is_none(),
            contracts,
            u,
        },
    )
}

pub async fn plans(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(unit): Path<i64>,
    Query(q): Query<DownQuery>,
) -> Response {
    let u = match unit_of(&st, &ctx, unit).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    plans_page(
        &st,
        &ctx,
        u,
        Default::default(),
        FormErrors::default(),
        q.ok.as_deref(),
    )
    .await
}

#[derive(Deserialize, Default)]
pub struct PlanForm {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub effective: String,
}

pub async fn create(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(unit): Path<i64>,
    axum::Form(f): axum::Form<PlanForm>,
) -> Response {
    let u = match unit_of(&st, &ctx, unit).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    match st
        .app
        .down_create_plan(&ctx.actor, u.id, &f.title, &f.effective)
        .await
    {
        Ok(id) => {
            Redirect::to(&format!("/units/{}/downsizing/{id}?ok=saved", u.id)).into_response()
        }
        Err(AppError::Invalid(e)) => {
            let errs = errors(ctx.tr, &e);
            plans_page(&st, &ctx, u, (f.title, f.effective), errs, None).await
        }
        Err(e) => page_error(ctx.tr, e),
    }
}

// ---------------------------------------------------------------- one plan

/// A line as shown (and exported).
pub struct LineRow {
    pub id: i64,
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

fn line_row(tr: Tr, l: &LineView) -> LineRow {
    let p = l.person.as_ref();
    let (sev, lp, contract) = l
        .figures
        .as_ref()
        .map(|f| figures_text(tr, f))
        .unwrap_or_default();
    let f = l.figures.as_ref();
    LineRow {
        id: l.line.id,
        person_id: l.line.person_id,
        name: p.map(|p| p.name.clone()).unwrap_or_default(),
        identity: p
            .map(|p| identity_label(tr, p.identity))
            .unwrap_or_default(),
        post: p.map(|p| p.post.clone()).unwrap_or_default(),
        route: route_label(tr, l.line.route),
        route_code: l.line.route.code(),
        eligible: f.is_some_and(|f| f.eligible),
        reasons: f.map(|f| reasons_text(tr, &f.reasons)).unwrap_or_default(),
        retirement_month: f.map(|f| f.retirement_month.clone()).unwrap_or_default(),
        one_off: f.map(|f| f.one_off.to_string()).unwrap_or_default(),
        severance: sev,
        leave_post: lp,
        annual_saving: f.map(|f| f.annual_saving.to_string()).unwrap_or_default(),
        contract,
        note: l.line.note.clone(),
        status: p
            .map(|p| {
                let k = format!("people.status.{}", p.status.code());
                if tr.has(&k) {
                    tr.t(&k).to_string()
                } else {
                    p.status.zh().to_string()
                }
            })
            .unwrap_or_default(),
    }
}

/// The totals as label/value pairs (page and Excel).
fn totals_rows(tr: Tr, t: &Totals) -> Vec<(String, String)> {
    let t_ = |k: &str| tr.t(k).to_string();
    let mut v = vec![
        (t_("down.total.cut"), t.cut.to_string()),
        (t_("down.total.staff_base"), t.staff_base.to_string()),
        (t_("down.total.share"), pct(t)),
        (t_("down.total.one_off"), t.one_off.to_string()),
        (t_("down.total.leave_post"), t.leave_post_total.to_string()),
        (t_("down.total.saving"), t.annual_saving.to_string()),
        (
            t_("down.total.break_even"),
            t.break_even_months
                .map(|m| tr.f("down.months", &[("n".into(), m.to_string())]))
                .unwrap_or_else(|| t_("down.total.no_break_even")),
        ),
    ];
    for (i, n) in &t.cut_by_identity {
        v.push((
            tr.f(
                "down.total.cut_of",
                &[("identity".into(), identity_label(tr, *i))],
            ),
            n.to_string(),
        ));
    }
    for (r, n) in &t.by_route {
        v.push((
            tr.f(
                "down.total.route_of",
                &[("route".into(), route_label(tr, *r))],
            ),
            n.to_string(),
        ));
    }
    v
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
        identity: identity_label(tr, c.person.identity),
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
                    route_label(tr, *r)
                } else {
                    format!(
                        "{}（{}）",
                        route_label(tr, *r),
                        f.map(|f| reasons_text(tr, &f.reasons)).unwrap_or_default()
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
    pub candidates: Vec<CandidateRow>,
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

#[allow(clippy::too_many_arguments)]
async fn plan_page(
    st: &AppState,
    ctx: &Ctx,
    u: Unit,
    plan: i64,
    q: &DownQuery,
    form: LineForm,
    errs: FormErrors,
) -> Response {
    let v: PlanView = match st.app.down_plan(&ctx.actor, u.id, plan).await {
        Ok(v) => v,
        Err(e) => return page_error(ctx.tr, e),
    };
    let tr = ctx.tr;
    let ids = picked(&q.ids);
    let editable = jiguan_domain::workflow::DOWNSIZING_PLANS.editable(v.plan.status);
    let can_manage = ctx.actor.can(Action::DownsizingManage);
    let search = q.q.clone().unwrap_or_default().trim().to_string();
    let candidates = if can_manage && editable {
        match st.app.down_candidates(&ctx.actor, u.id, plan, &ids).await {
            Ok(c) => c
                .iter()
                .map(|c| candidate_row(tr, c))
                .filter(|c| matches(&search, &c.name, &c.post))
                .collect(),
            Err(e) => return page_error(tr, e),
        }
    } else {
        Vec::new()
    };
    let status = if errs.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let l = crumbs(ctx, &u, "down.plan")
        .titled(v.plan.title.clone())
        .here()
        .flash(q.ok.as_deref());
    page_status(
        status,
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
            totals: totals_rows(tr, &v.totals),
            candidates,
            identities: Identity::ALL
                .iter()
                .map(|i| (i.code(), identity_label(tr, *i), ids.contains(i)))
                .collect(),
            ids: ids.iter().map(|i| i.code()).collect::<Vec<_>>().join(","),
            q: search,
            events: v
                .events
                .iter()
                .map(|e| EventRow {
                    at: e.at.format("%Y-%m-%d %H:%M").to_string(),
                    by: e.by.clone(),
                    from: PlanStatus::from_code(&e.from)
                        .map(|s| status_label(tr, s))
                        .unwrap_or_default(),
                    to: status_label(tr, e.to),
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
    )
}

pub async fn show(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((unit, plan)): Path<(i64, i64)>,
    Query(mut q): Query<DownQuery>,
    axum::extract::RawQuery(raw): axum::extract::RawQuery,
) -> Response {
    // The picker's checkboxes: `id=temporary&id=…&pick=1` (none checked: none picked).
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(raw.as_deref().unwrap_or("")).unwrap_or_default();
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
    let u = match unit_of(&st, &ctx, unit).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    plan_page(
        &st,
        &ctx,
        u,
        plan,
        &q,
        LineForm::default(),
        FormErrors::default(),
    )
    .await
}

pub async fn line_save(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((unit, plan)): Path<(i64, i64)>,
    axum::Form(f): axum::Form<LineForm>,
) -> Response {
    let u = match unit_of(&st, &ctx, unit).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    match st.app.down_save_line(&ctx.actor, u.id, plan, &f).await {
        Ok(_) => Redirect::to(&format!("/units/{}/downsizing/{plan}?ok=saved#lines", u.id))
            .into_response(),
        Err(AppError::Invalid(e)) => {
            let errs = errors(ctx.tr, &e);
            plan_page(&st, &ctx, u, plan, &DownQuery::default(), f, errs).await
        }
        Err(e) => page_error(ctx.tr, e),
    }
}

pub async fn line_delete(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((unit, plan, line)): Path<(i64, i64, i64)>,
) -> Response {
    let r = st
        .app
        .down_remove_line(&ctx.actor, UnitId(unit), plan, line)
        .await;
    step(&st, &ctx, unit, plan, r, "saved").await
}

/// The fields of the workflow forms.
#[derive(Deserialize, Default)]
pub struct StepForm {
    #[serde(default)]
    pub doc_no: String,
    #[serde(default)]
    pub reason: String,
}

async fn step(
    st: &AppState,
    ctx: &Ctx,
    unit: i64,
    plan: i64,
    r: Result<(), AppError>,
    ok: &str,
) -> Response {
    match r {
        Ok(()) => Redirect::to(&format!("/units/{unit}/downsizing/{plan}?ok={ok}")).into_response(),
        Err(AppError::Invalid(e)) => {
            let u = match unit_of(st, ctx, unit).await {
                Ok(u) => u,
                Err(r) => return r,
            };
            let errs = errors(ctx.tr, &e);
            plan_page(
                st,
                ctx,
                u,
                plan,
                &DownQuery::default(),
                LineForm::default(),
                errs,
            )
            .await
        }
        Err(e) => page_error(ctx.tr, e),
    }
}

pub async fn submit(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((unit, plan)): Path<(i64, i64)>,
) -> Response {
    let r = st.app.down_submit(&ctx.actor, UnitId(unit), plan).await;
    step(&st, &ctx, unit, plan, r, "down_submitted").await
}

pub async fn approve(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((unit, plan)): Path<(i64, i64)>,
    axum::Form(f): axum::Form<StepForm>,
) -> Response {
    let r = st
        .app
        .down_approve(&ctx.actor, UnitId(unit), plan, &f.doc_no)
        .await;
    step(&st, &ctx, unit, plan, r, "down_approved").await
}

pub async fn reject(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((unit, plan)): Path<(i64, i64)>,
    axum::Form(f): axum::Form<StepForm>,
) -> Response {
    let r = st
        .app
        .down_reject(&ctx.actor, UnitId(unit), plan, &f.reason)
        .await;
    step(&st, &ctx, unit, plan, r, "down_rejected").await
}

pub async fn reopen(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((unit, plan)): Path<(i64, i64)>,
) -> Response {
    let r = st.app.down_reopen(&ctx.actor, UnitId(unit), plan).await;
    step(&st, &ctx, unit, plan, r, "saved").await
}

pub async fn apply(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((unit, plan)): Path<(i64, i64)>,
) -> Response {
    let r = st.app.down_apply(&ctx.actor, UnitId(unit), plan).await;
    step(&st, &ctx, unit, plan, r, "down_applied").await
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
    pub plan_id: i64,
    pub title: String,
    pub doc_no: String,
    pub effective: String,
    pub notices: Vec<Notice>,
}

/// 分流通知书: one page per person (all of the plan, or `?person=`).
pub async fn notices(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((unit, plan)): Path<(i64, i64)>,
    Query(q): Query<DownQuery>,
) -> Response {
    let u = match unit_of(&st, &ctx, unit).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let v = match st.app.down_plan(&ctx.actor, u.id, plan).await {
        Ok(v) => v,
        Err(e) => return page_error(ctx.tr, e),
    };
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
    page(&NoticesPage {
        l,
        plan_id: plan,
        title: v.plan.title.clone(),
        doc_no: v.plan.doc_no.clone(),
        effective: v.plan.effective.to_string(),
        notices,
        u,
    })
}

// ---------------------------------------------------------------- Excel

fn download(name: &str, bytes: Vec<u8>) -> Response {
    let enc: String = serde_urlencoded::to_string([("n", name)])
        .unwrap_or_default()
        .trim_start_matches("n=")
        .replace('+', "%20");
    let disp = format!("attachment; filename=\"downsizing.xlsx\"; filename*=UTF-8''{enc}.xlsx");
    (
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (header::CONTENT_DISPOSITION, disp),
        ],
        bytes,
    )
        .into_response()
}

/// The summary workbook: one row per line, then the totals.
pub fn workbook(tr: Tr, unit: &str, v: &PlanView) -> Vec<Sheet> {
    let t = |k: &str| tr.t(k).to_string();
    let lines = Sheet {
        name: t("down.sheet_lines"),
        headers: [
            "down.col.unit",
            "down.col.name",
            "down.col.identity",
            "down.col.post",
            "down.col.route",
            "down.col.eligible",
            "down.col.reasons",
            "down.col.retirement_month",
            "down.col.one_off",
            "down.col.leave_post_monthly",
            "down.col.leave_post_months",
            "down.col.leave_post_total",
            "down.col.annual_cost",
            "down.col.annual_saving",
            "down.col.contract_start",
            "down.col.contract_end",
            "down.col.note",
        ]
        .iter()
        .map(|k| t(k))
        .collect(),
        rows: v
            .lines
            .iter()
            .map(|l| {
                let r = line_row(tr, l);
                let f = l.figures.as_ref();
                let money = |g: fn(&Figures) -> jiguan_domain::money::Money| {
                    f.map(|f| Cell::Money(g(f))).unwrap_or(Cell::Empty)
                };
                vec![
                    Cell::from(unit),
                    r.name.into(),
                    r.identity.into(),
                    r.post.into(),
                    r.route.into(),
                    t(if r.eligible { "down.yes" } else { "down.no" }).into(),
                    r.reasons.into(),
                    r.retirement_month.into(),
                    money(|f| f.one_off),
                    money(|f| f.leave_post_monthly),
                    f.map(|f| Cell::Int(i64::from(f.leave_post_months)))
                        .unwrap_or(Cell::Empty),
                    money(|f| f.leave_post_total),
                    money(|f| f.annual_cost),
                    money(|f| f.annual_saving),
                    f.and_then(|f| f.contract)
                        .map(|c| Cell::Date(c.start))
                        .unwrap_or(Cell::Empty),
                    f.and_then(|f| f.contract)
                        .map(|c| Cell::Date(c.end))
                        .unwrap_or(Cell::Empty),
                    r.note.into(),
                ]
            })
            .collect(),
    };
    let totals = Sheet {
        name: t("down.sheet_totals"),
        headers: vec![t("down.col.item"), t("down.col.value")],
        rows: totals_rows(tr, &v.totals)
            .into_iter()
            .map(|(k, val)| vec![Cell::from(k), Cell::from(val)])
            .collect(),
    };
    vec![lines, totals]
}

pub async fn export(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((unit, plan)): Path<(i64, i64)>,
) -> Response {
    let u = match unit_of(&st, &ctx, unit).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let v = match st.app.down_plan(&ctx.actor, u.id, plan).await {
        Ok(v) => v,
        Err(e) => return page_error(ctx.tr, e),
    };
    match jiguan_excel::write_workbook(&workbook(ctx.tr, &u.name, &v)) {
        Ok(b) => download(&format!("{}分流方案汇总表", u.name), b),
        Err(e) => page_error(ctx.tr, AppError::Internal(e.to_string())),
    }
}

// ---------------------------------------------------------------- district

pub struct DistrictRow {
    pub id: i64,
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

pub async fn district(State(st): State<AppState>, Extension(ctx): Extension<Ctx>) -> Response {
    let s = match st.app.down_district(&ctx.actor).await {
        Ok(s) => s,
        Err(e) => return page_error(ctx.tr, e),
    };
    let tr = ctx.tr;
    page(&DistrictPage {
        l: Layout::new(&ctx, "down.district").here(),
        rows: s
            .units
            .iter()
            .map(|u| DistrictRow {
                id: u.unit.id.0,
                name: u.unit.name.clone(),
                status: u.status.map(|s| status_label(tr, s)).unwrap_or_default(),
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
    })
}

/// The district summary as a workbook (one row per unit and the total).
pub async fn district_export(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
) -> Response {
    let s = match st.app.down_district(&ctx.actor).await {
        Ok(s) => s,
        Err(e) => return page_error(ctx.tr, e),
    };
    let tr = ctx.tr;
    let t = |k: &str| tr.t(k).to_string();
    let mut rows: Vec<Vec<Cell>> = s
        .units
        .iter()
        .map(|u| {
            vec![
                Cell::from(u.unit.name.clone()),
                Cell::from(u.status.map(|s| status_label(tr, s)).unwrap_or_default()),
                Cell::Int(u.plans as i64),
                Cell::Int(u.totals.cut),
                Cell::Int(u.totals.staff_base),
                Cell::from(pct(&u.totals)),
                Cell::Money(u.totals.one_off),
                Cell::Money(u.totals.annual_saving),
            ]
        })
        .collect();
    rows.push(vec![
        Cell::from(t("down.all_units")),
        Cell::Empty,
        Cell::Empty,
        Cell::Int(s.cut),
        Cell::Empty,
        Cell::Empty,
        Cell::Money(s.one_off),
        Cell::Money(s.annual_saving),
    ]);
    let sheet = Sheet {
        name: t("down.district"),
        headers: [
            "down.col.unit",
            "down.col.status",
            "down.col.plans",
            "down.col.cut",
            "down.total.staff_base",
            "down.total.share",
            "down.col.one_off",
            "down.col.annual_saving",
        ]
        .iter()
        .map(|k| t(k))
        .collect(),
        rows,
    };
    match jiguan_excel::write_workbook(&[sheet]) {
        Ok(b) => download("全区分流汇总表", b),
        Err(e) => page_error(ctx.tr, AppError::Internal(e.to_string())),
    }
}
