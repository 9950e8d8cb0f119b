//! Organisation design (机构设置): the register of bodies on any date, a body's history,
//! the function catalogue with its review and analysis, approved totals and their split,
//! reorganisation plans with preview and workflow, two dates compared, the org chart
//! (inline SVG, downloadable) and Excel exports; and the district's view of every unit.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect};
use chrono::NaiveDate;
use serde::Deserialize;

use jiguan_app::AppError;
use jiguan_app::org::chart::{ChartText, svg};
use jiguan_app::org::{
    BodyForm, BodyVersion, CapsForm, FunctionForm, OpForm, PlanRecord, PlanView, SplitForm,
    UnitTotals,
};
use jiguan_app::ports::Unit;
use jiguan_app::workflow::SimpleStep;
use jiguan_domain::auth::Action;
use jiguan_domain::org::analysis::KindRule;
use jiguan_domain::org::compare::{Comparison, Side};
use jiguan_domain::org::plan::PlanOp;
use jiguan_domain::org::totals::{CapBreach, cap_breaches};
use jiguan_domain::org::{
    BodyId, BodyKind, FunctionCategory, FunctionId, IssueKind, PlanId, PlanStatus, ReviewDecision,
    Structure,
};
use jiguan_domain::tenancy::UnitId;
pub use jiguan_excel::reports::org::{BodyRow, IssueRow, ItemRow};
use jiguan_excel::reports::org::{
    body_rows, issue_rows, item_rows, kind_label, names_of, status_text, workbook,
};

use super::AtPlan;
use crate::AppState;
use crate::error::{FieldErrors, WebError, WebResult};
use crate::extract::{At, AtId, Form, FormPairs, Path, Query};
use crate::guard::Ctx;
use crate::html::{FormErrors, Layout, StepForm, XLSX, attachment, ok_or_422, page, page_status};
use crate::i18n::Tr;

/// Query parameters of the organisation pages (all text, so none can fail the request).
#[derive(Debug, Default, Clone, Deserialize)]
pub struct OrgQuery {
    /// The date shown, YYYY-MM-DD (default today).
    pub on: Option<String>,
    /// First date compared.
    pub a: Option<String>,
    /// Second date compared.
    pub b: Option<String>,
    /// Flash message code.
    pub ok: Option<String>,
}

/// A date parameter; a missing or bad one gives `default`.
pub fn date_param(v: &Option<String>, default: NaiveDate) -> NaiveDate {
    v.as_deref()
        .and_then(|s| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok())
        .unwrap_or(default)
}

/// The date `on` of a query (default today).
pub fn on_date(st: &AppState, q: &OrgQuery) -> NaiveDate {
    date_param(&q.on, st.app.org_today())
}

/// The unit's structure on the query's date (default today), with that date.
pub async fn structure_on(
    st: &AppState,
    ctx: &Ctx,
    u: &Unit,
    q: &OrgQuery,
) -> WebResult<(NaiveDate, Structure)> {
    let on = on_date(st, q);
    Ok((on, st.app.org_structure(&ctx.actor, u.id, Some(on)).await?))
}

/// The answer of a form: a redirect to `to(saved)`, or the form again (`again`) with its
/// errors.
async fn saved_or<T, Fut>(
    ctx: &Ctx,
    r: Result<T, AppError>,
    to: impl FnOnce(T) -> String,
    again: impl FnOnce(FormErrors) -> Fut,
) -> WebResult
where
    Fut: std::future::Future<Output = WebResult>,
{
    match r.fields()? {
        Ok(v) => Ok(Redirect::to(&to(v)).into_response()),
        Err(e) => again(FormErrors::new(ctx.tr, &e)).await,
    }
}

/// Translated labels of a list of coded choices.
fn choices<T: Copy>(
    tr: Tr,
    all: &[T],
    code: fn(&T) -> &'static str,
    key: fn(&T) -> String,
) -> Vec<(&'static str, String)> {
    all.iter()
        .map(|c| (code(c), tr.t(&key(c)).to_string()))
        .collect()
}

fn kinds(tr: Tr) -> Vec<(&'static str, String)> {
    choices(tr, BodyKind::ALL, |k| k.code(), |k| k.label_key())
}

fn categories(tr: Tr) -> Vec<(&'static str, String)> {
    choices(tr, FunctionCategory::ALL, |c| c.code(), |c| c.label_key())
}

fn breach_texts(tr: Tr, s: &Structure) -> Vec<String> {
    cap_breaches(s).iter().map(|b| breach_text(tr, b)).collect()
}

/// Counts per kind and totals, two sides (before/after or date A/date B).
pub struct CountRow {
    pub label: String,
    pub a: i64,
    pub b: i64,
}

fn count_rows(tr: Tr, a: &Side, b: &Side) -> Vec<CountRow> {
    let mut rows: Vec<CountRow> = BodyKind::ALL
        .iter()
        .map(|k| CountRow {
            label: kind_label(&tr, *k),
            a: a.kind_count(*k),
            b: b.kind_count(*k),
        })
        .collect();
    let mut push = |key: &str, x: i64, y: i64| {
        rows.push(CountRow {
            label: tr.t(key).to_string(),
            a: x,
            b: y,
        })
    };
    let (x, y) = (&a.counts, &b.counts);
    push("org.count.active", x.active, y.active);
    push("org.count.records", x.records, y.records);
    push("org.count.establishment", x.establishment, y.establishment);
    push("org.count.held", x.held, y.held);
    push("org.count.chiefs", x.chiefs, y.chiefs);
    push("org.count.deputies", x.deputies, y.deputies);
    push("org.count.performed", x.performed, y.performed);
    for &k in IssueKind::ALL {
        push(&k.label_key(), a.issue_count(k), b.issue_count(k));
    }
    rows
}

fn breach_text(tr: Tr, b: &CapBreach) -> String {
    let (key, args) = b.message();
    tr.f(&key, &args)
}

fn org_crumbs(ctx: &Ctx, u: &Unit, key: &str) -> Layout {
    Layout::in_unit(ctx, u, key).crumb(ctx.tr.t("menu.org"), format!("/units/{}/org", u.id))
}

// ---------------------------------------------------------------- overview

#[derive(Template)]
#[template(path = "org_index.html")]
pub struct IndexPage {
    pub l: Layout,
    pub u: Unit,
    pub on: String,
    pub rows: Vec<BodyRow>,
    pub counts: Vec<(String, i64)>,
    pub caps: Option<jiguan_domain::org::Caps>,
    pub breaches: Vec<String>,
    pub can_manage: bool,
}

pub async fn index(At(st, ctx, u): At, Query(q): Query<OrgQuery>) -> WebResult {
    let (on, s) = structure_on(&st, &ctx, &u, &q).await?;
    let c = s.counts();
    let mut counts: Vec<(String, i64)> = c
        .by_kind
        .iter()
        .map(|(k, n)| (kind_label(&ctx.tr, *k), *n))
        .collect();
    counts.push((ctx.tr.t("org.count.active").to_string(), c.active));
    counts.push((ctx.tr.t("org.count.records").to_string(), c.records));
    let l = Layout::in_unit(&ctx, &u, "menu.org")
        .titled(format!("{} · {}", u.name, ctx.tr.t("menu.org")))
        .here()
        .flash(q.ok.as_deref());
    Ok(page(&IndexPage {
        l,
        rows: body_rows(&ctx.tr, &s, false),
        counts,
        caps: s.caps.clone(),
        breaches: breach_texts(ctx.tr, &s),
        can_manage: ctx.actor.can(Action::OrgManage),
        on: on.to_string(),
        u,
    }))
}

// ---------------------------------------------------------------- bodies

#[derive(Template)]
#[template(path = "org_body.html")]
pub struct BodyPage {
    pub l: Layout,
    pub u: Unit,
    pub b: BodyRow,
    pub functions: Vec<(String, String, String)>,
    pub history: Vec<HistoryRow>,
    pub can_manage: bool,
}

pub struct HistoryRow {
    pub from: String,
    pub to: String,
    pub name: String,
    pub kind: String,
    pub status: String,
    pub parent: String,
    pub establishment: i64,
    pub records: usize,
    pub doc_no: String,
}

/// `from`–`to` of a dated version ("" while open).
fn span(from: NaiveDate, to: Option<NaiveDate>) -> (String, String) {
    (
        from.to_string(),
        to.map(|d| d.to_string()).unwrap_or_default(),
    )
}

fn history_rows(tr: Tr, s: &Structure, h: &[BodyVersion]) -> Vec<HistoryRow> {
    h.iter()
        .rev()
        .map(|v| {
            let (from, to) = span(v.valid_from, v.valid_to);
            HistoryRow {
                from,
                to,
                name: v.body.name.clone(),
                kind: kind_label(&tr, v.body.kind),
                status: status_text(&tr, s, &v.body),
                parent: v.body.parent.map(|p| s.name_of(p)).unwrap_or_default(),
                establishment: v.body.establishment,
                records: v.body.records.len(),
                doc_no: v.body.doc_no.clone(),
            }
        })
        .collect()
}

pub async fn body_show(At(st, ctx, u): At, Path((_, body)): Path<(UnitId, BodyId)>) -> WebResult {
    let (cur, hist) = st.app.org_body(&ctx.actor, u.id, body).await?;
    // Names of every body the unit ever had (current rows), to name parents and successors.
    let all = st.app.org_bodies(&ctx.actor, u.id, None).await?;
    let now = st.app.org_structure(&ctx.actor, u.id, None).await?;
    let mut names = now.clone();
    for b in &all {
        if names.body(b.id).is_none() {
            names.bodies.push(jiguan_domain::org::Body {
                id: b.id,
                name: b.name.clone(),
                short_name: String::new(),
                kind: b.kind,
                parent: None,
                status: b.status,
                establishment: 0,
                head: String::new(),
                doc_no: String::new(),
                records: vec![],
            });
        }
    }
    if names.body(cur.id).is_none() {
        names.bodies.push(cur.clone());
    }
    let b = body_rows(&ctx.tr, &names, false)
        .into_iter()
        .find(|r| r.id == body)
        .ok_or(AppError::NotFound)?;
    let functions = now
        .functions_of(cur.id)
        .iter()
        .map(|f| {
            (
                f.code.clone(),
                f.title.clone(),
                ctx.tr.t(&f.category.label_key()).to_string(),
            )
        })
        .collect();
    let history = history_rows(ctx.tr, &names, &hist);
    let l = org_crumbs(&ctx, &u, "org.body")
        .titled(cur.name.clone())
        .here();
    Ok(page(&BodyPage {
        l,
        u,
        b,
        functions,
        history,
        can_manage: ctx.actor.can(Action::OrgManage),
    }))
}

#[derive(Template)]
#[template(path = "org_body_form.html")]
pub struct BodyFormPage {
    pub l: Layout,
    pub f: BodyForm,
    pub errs: FormErrors,
    pub action: String,
    pub back: String,
    pub kinds: Vec<(&'static str, String)>,
    pub parents: Vec<(i64, String)>,
}

fn active_options(s: &Structure, except: Option<BodyId>) -> Vec<(i64, String)> {
    s.active()
        .filter(|b| Some(b.id) != except)
        .map(|b| (b.id.0, b.name.clone()))
        .collect()
}

/// The unit's structure today, for a form's choices (empty if it cannot be read).
async fn structure_today(st: &AppState, ctx: &Ctx, u: &Unit) -> Structure {
    st.app
        .org_structure(&ctx.actor, u.id, None)
        .await
        .unwrap_or_default()
}

async fn body_form_page(
    st: &AppState,
    ctx: &Ctx,
    u: &Unit,
    body: Option<BodyId>,
    f: BodyForm,
    errs: FormErrors,
) -> WebResult {
    let s = structure_today(st, ctx, u).await;
    let (key, action, back) = match body {
        Some(b) => (
            "org.body_edit",
            format!("/units/{}/org/bodies/{b}/edit", u.id),
            format!("/units/{}/org/bodies/{b}", u.id),
        ),
        None => (
            "org.body_new",
            format!("/units/{}/org/bodies/new", u.id),
            format!("/units/{}/org", u.id),
        ),
    };
    Ok(page_status(
        ok_or_422(errs.is_empty()),
        &BodyFormPage {
            l: org_crumbs(ctx, u, key).here(),
            f,
            errs,
            action,
            back,
            kinds: kinds(ctx.tr),
            parents: active_options(&s, body),
        },
    ))
}

pub async fn body_new(At(st, ctx, u): At) -> WebResult {
    let f = BodyForm {
        kind: "centre".into(),
        valid_from: st.app.org_today().to_string(),
        ..BodyForm::default()
    };
    body_form_page(&st, &ctx, &u, None, f, FormErrors::default()).await
}

pub async fn body_create(At(st, ctx, u): At, Form(f): Form<BodyForm>) -> WebResult {
    let r = st.app.org_create_body(&ctx.actor, u.id, &f).await;
    let to = |id| format!("/units/{}/org/bodies/{id}?ok=saved", u.id);
    saved_or(&ctx, r, to, |errs| {
        body_form_page(&st, &ctx, &u, None, f, errs)
    })
    .await
}

pub async fn body_edit(At(st, ctx, u): At, Path((_, body)): Path<(UnitId, BodyId)>) -> WebResult {
    let (b, _) = st.app.org_body(&ctx.actor, u.id, body).await?;
    let f = BodyForm {
        name: b.name,
        short_name: b.short_name,
        kind: b.kind.code().into(),
        parent: b.parent.map(|p| p.to_string()).unwrap_or_default(),
        establishment: b.establishment.to_string(),
        head: b.head,
        valid_from: st.app.org_today().to_string(),
        doc_no: String::new(),
    };
    body_form_page(&st, &ctx, &u, Some(body), f, FormErrors::default()).await
}

pub async fn body_update(
    At(st, ctx, u): At,
    Path((_, body)): Path<(UnitId, BodyId)>,
    Form(f): Form<BodyForm>,
) -> WebResult {
    let r = st.app.org_edit_body(&ctx.actor, u.id, body, &f).await;
    let to = |()| format!("/units/{}/org/bodies/{body}?ok=saved", u.id);
    saved_or(&ctx, r, to, |errs| {
        body_form_page(&st, &ctx, &u, Some(body), f, errs)
    })
    .await
}

// ---------------------------------------------------------------- functions

fn rule_texts(tr: Tr, rules: &[KindRule]) -> Vec<String> {
    rules
        .iter()
        .map(|r| {
            tr.f(
                "org.rule_line",
                &[
                    ("kind".into(), kind_label(&tr, r.kind)),
                    ("category".into(), tr.t(&r.category.label_key()).to_string()),
                ],
            )
        })
        .collect()
}

#[derive(Template)]
#[template(path = "org_functions.html")]
pub struct FunctionsPage {
    pub l: Layout,
    pub u: Unit,
    pub on: String,
    pub items: Vec<ItemRow>,
    pub issues: Vec<IssueRow>,
    pub counts: Vec<(String, i64)>,
    pub rules: Vec<String>,
    pub can_manage: bool,
}

pub async fn functions(At(st, ctx, u): At, Query(q): Query<OrgQuery>) -> WebResult {
    let on = on_date(&st, &q);
    let (s, issues, rules) = st.app.org_analysis(&ctx.actor, u.id, Some(on)).await?;
    let counts = jiguan_domain::org::analysis::issue_counts(&issues)
        .into_iter()
        .map(|(k, n)| (ctx.tr.t(&k.label_key()).to_string(), n))
        .collect();
    Ok(page(&FunctionsPage {
        l: org_crumbs(&ctx, &u, "org.functions")
            .here()
            .flash(q.ok.as_deref()),
        on: on.to_string(),
        items: item_rows(&ctx.tr, &s),
        issues: issue_rows(&ctx.tr, &s, &issues),
        counts,
        rules: rule_texts(ctx.tr, &rules),
        can_manage: ctx.actor.can(Action::OrgManage),
        u,
    }))
}

#[derive(Template)]
#[template(path = "org_function_form.html")]
pub struct FunctionFormPage {
    pub l: Layout,
    pub f: FunctionForm,
    pub errs: FormErrors,
    pub action: String,
    pub back: String,
    pub categories: Vec<(&'static str, String)>,
    pub decisions: Vec<(&'static str, String)>,
    pub bodies: Vec<(i64, String)>,
    pub history: Vec<(String, String, String, String)>,
}

impl FunctionFormPage {
    pub fn owns(&self, id: &i64) -> bool {
        self.f.owners.iter().any(|o| o.trim() == id.to_string())
    }
}

async fn function_form_page(
    st: &AppState,
    ctx: &Ctx,
    u: &Unit,
    item: Option<FunctionId>,
    f: FunctionForm,
    errs: FormErrors,
) -> WebResult {
    let s = structure_today(st, ctx, u).await;
    let history = match item {
        Some(i) => st
            .app
            .org_function(&ctx.actor, u.id, i)
            .await
            .map(|(_, h)| {
                h.iter()
                    .rev()
                    .map(|v| {
                        let (from, to) = span(v.valid_from, v.valid_to);
                        (
                            from,
                            to,
                            names_of(&s, &v.item.owners),
                            v.item
                                .decision
                                .map(|d| ctx.tr.t(&d.label_key()).to_string())
                                .unwrap_or_default(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default(),
        None => vec![],
    };
    let list = format!("/units/{}/org/functions", u.id);
    let (key, action) = match item {
        Some(i) => ("org.function_edit", format!("{list}/{i}/edit")),
        None => ("org.function_new", format!("{list}/new")),
    };
    Ok(page_status(
        ok_or_422(errs.is_empty()),
        &FunctionFormPage {
            l: org_crumbs(ctx, u, key)
                .crumb(ctx.tr.t("org.functions"), list.clone())
                .here(),
            f,
            errs,
            action,
            back: list,
            categories: categories(ctx.tr),
            decisions: choices(ctx.tr, ReviewDecision::ALL, |c| c.code(), |c| c.label_key()),
            bodies: active_options(&s, None),
            history,
        },
    ))
}

pub async fn function_new(At(st, ctx, u): At) -> WebResult {
    let f = FunctionForm {
        category: "public_service".into(),
        valid_from: st.app.org_today().to_string(),
        ..FunctionForm::default()
    };
    function_form_page(&st, &ctx, &u, None, f, FormErrors::default()).await
}

pub async fn function_create(At(st, ctx, u): At, p: FormPairs) -> WebResult {
    let f = p.decode::<FunctionForm>(&["owners"])?;
    let r = st.app.org_create_function(&ctx.actor, u.id, &f).await;
    let to = |_| format!("/units/{}/org/functions?ok=saved", u.id);
    saved_or(&ctx, r, to, |errs| {
        function_form_page(&st, &ctx, &u, None, f, errs)
    })
    .await
}

pub async fn function_edit(
    At(st, ctx, u): At,
    Path((_, item)): Path<(UnitId, FunctionId)>,
) -> WebResult {
    let it = st.app.org_function(&ctx.actor, u.id, item).await?.0.input;
    let f = FunctionForm {
        code: it.code,
        title: it.title,
        category: it.category.code().into(),
        legal_basis: it.legal_basis,
        owners: it.owners.iter().map(|o| o.to_string()).collect(),
        decision: it
            .decision
            .map(|d| d.code().to_string())
            .unwrap_or_default(),
        reason: it.reason,
        valid_from: st.app.org_today().to_string(),
    };
    function_form_page(&st, &ctx, &u, Some(item), f, FormErrors::default()).await
}

pub async fn function_update(
    At(st, ctx, u): At,
    Path((_, item)): Path<(UnitId, FunctionId)>,
    p: FormPairs,
) -> WebResult {
    let f = p.decode::<FunctionForm>(&["owners"])?;
    let r = st.app.org_edit_function(&ctx.actor, u.id, item, &f).await;
    let to = |()| format!("/units/{}/org/functions?ok=saved", u.id);
    saved_or(&ctx, r, to, |errs| {
        function_form_page(&st, &ctx, &u, Some(item), f, errs)
    })
    .await
}

// ---------------------------------------------------------------- totals

pub struct SplitRow {
    pub id: i64,
    pub name: String,
    pub chiefs: String,
    pub deputies: String,
}

#[derive(Template)]
#[template(path = "org_totals.html")]
pub struct TotalsPage {
    pub l: Layout,
    pub u: Unit,
    pub caps: Vec<(String, String, i64, i64, i64, String, String)>,
    pub splits: Vec<(String, String, i64, i64, String)>,
    pub current: Option<jiguan_domain::org::Caps>,
    pub used: (i64, i64, i64),
    pub breaches: Vec<String>,
    pub cf: CapsForm,
    pub sf_phase: String,
    pub sf_effective: String,
    pub split_rows: Vec<SplitRow>,
    pub errs: FormErrors,
    pub can_approve: bool,
    pub can_manage: bool,
}

async fn totals_page(
    st: &AppState,
    ctx: &Ctx,
    u: Unit,
    cf: Option<CapsForm>,
    sf: Option<SplitForm>,
    errs: FormErrors,
    ok: Option<&str>,
) -> WebResult {
    let t = st.app.org_totals(&ctx.actor, u.id).await?;
    let s = &t.now;
    let caps = t
        .caps
        .iter()
        .map(|c| {
            let (from, to) = span(c.valid_from, c.valid_to);
            (
                from,
                to,
                c.caps.max_bodies,
                c.caps.max_chiefs,
                c.caps.max_deputies,
                c.caps.doc_no.clone(),
                c.set_by.clone(),
            )
        })
        .collect();
    let splits = t
        .splits
        .iter()
        .map(|r| {
            (
                r.split.phase.clone(),
                r.split.effective.to_string(),
                r.split.chiefs(),
                r.split.deputies(),
                r.split
                    .lines
                    .iter()
                    .map(|l| format!("{} {}/{}", s.name_of(l.body), l.chiefs, l.deputies))
                    .collect::<Vec<_>>()
                    .join("；"),
            )
        })
        .collect();
    let c = s.counts();
    let today = st.app.org_today().to_string();
    let sf = sf.unwrap_or_else(|| SplitForm {
        phase: s
            .split
            .as_ref()
            .map(|p| p.phase.clone())
            .unwrap_or_default(),
        effective: today.clone(),
        lines: s
            .split
            .as_ref()
            .map(|p| {
                p.lines
                    .iter()
                    .map(|l| {
                        (
                            l.body.to_string(),
                            l.chiefs.to_string(),
                            l.deputies.to_string(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default(),
    });
    let split_rows = s
        .active()
        .map(|b| {
            let line = sf.lines.iter().find(|(id, _, _)| *id == b.id.to_string());
            SplitRow {
                id: b.id.0,
                name: b.name.clone(),
                chiefs: line.map(|l| l.1.clone()).unwrap_or_default(),
                deputies: line.map(|l| l.2.clone()).unwrap_or_default(),
            }
        })
        .collect();
    let cf = cf.unwrap_or_else(|| {
        let cap = |f: fn(&jiguan_domain::org::Caps) -> i64| {
            s.caps
                .as_ref()
                .map(|c| f(c).to_string())
                .unwrap_or_default()
        };
        CapsForm {
            max_bodies: cap(|c| c.max_bodies),
            max_chiefs: cap(|c| c.max_chiefs),
            max_deputies: cap(|c| c.max_deputies),
            doc_no: String::new(),
            valid_from: today,
        }
    });
    Ok(page_status(
        ok_or_422(errs.is_empty()),
        &TotalsPage {
            l: org_crumbs(ctx, &u, "org.totals").here().flash(ok),
            caps,
            splits,
            current: s.caps.clone(),
            used: (c.active, c.chiefs, c.deputies),
            breaches: breach_texts(ctx.tr, s),
            cf,
            sf_phase: sf.phase.clone(),
            sf_effective: sf.effective.clone(),
            split_rows,
            errs,
            can_approve: ctx.actor.can(Action::OrgApprove),
            can_manage: ctx.actor.can(Action::OrgManage),
            u,
        },
    ))
}

pub async fn totals(At(st, ctx, u): At, Query(q): Query<OrgQuery>) -> WebResult {
    let ok = q.ok.as_deref();
    totals_page(&st, &ctx, u, None, None, FormErrors::default(), ok).await
}

fn totals_saved(u: &Unit) -> String {
    format!("/units/{}/org/totals?ok=saved", u.id)
}

pub async fn caps_set(At(st, ctx, u): At, Form(f): Form<CapsForm>) -> WebResult {
    let r = st.app.org_set_caps(&ctx.actor, u.id, &f).await;
    let to = totals_saved(&u);
    saved_or(
        &ctx,
        r,
        |()| to,
        |errs| totals_page(&st, &ctx, u, Some(f), None, errs, None),
    )
    .await
}

/// The split form: `phase`, `effective`, and `c_<body>` / `d_<body>` per body.
fn split_form_of(p: &FormPairs) -> SplitForm {
    let mut lines: Vec<(String, String, String)> = Vec::new();
    for (k, v) in &p.0 {
        let (slot, id) = match (k.strip_prefix("c_"), k.strip_prefix("d_")) {
            (Some(id), _) => (1, id),
            (_, Some(id)) => (2, id),
            _ => continue,
        };
        let pos = match lines.iter().position(|l| l.0 == id) {
            Some(i) => i,
            None => {
                lines.push((id.to_string(), String::new(), String::new()));
                lines.len() - 1
            }
        };
        if let Some(l) = lines.get_mut(pos) {
            if slot == 1 {
                l.1 = v.clone();
            } else {
                l.2 = v.clone();
            }
        }
    }
    SplitForm {
        phase: p.get("phase").into(),
        effective: p.get("effective").into(),
        lines,
    }
}

pub async fn split_save(At(st, ctx, u): At, p: FormPairs) -> WebResult {
    let f = split_form_of(&p);
    let r = st.app.org_save_split(&ctx.actor, u.id, &f).await;
    let to = totals_saved(&u);
    saved_or(
        &ctx,
        r,
        |()| to,
        |errs| totals_page(&st, &ctx, u, None, Some(f), errs, None),
    )
    .await
}

// ---------------------------------------------------------------- plans

pub struct PlanRow {
    pub id: PlanId,
    pub title: String,
    pub status: String,
    pub status_code: &'static str,
    pub ops: usize,
    pub created: String,
    pub effective: String,
}

fn plan_row(tr: Tr, p: &PlanRecord) -> PlanRow {
    PlanRow {
        id: p.id,
        title: p.title.clone(),
        status: tr
            .t(&jiguan_domain::workflow::ORG_PLANS.label_key(p.status))
            .to_string(),
        status_code: p.status.code(),
        ops: p.ops.len(),
        created: format!(
            "{} {}",
            jiguan_domain::time::show_china(p.created_at),
            p.created_by
        ),
        effective: p.effective.map(|d| d.to_string()).unwrap_or_default(),
    }
}

#[derive(Template)]
#[template(path = "org_plans.html")]
pub struct PlansPage {
    pub l: Layout,
    pub u: Unit,
    pub rows: Vec<PlanRow>,
    pub title: String,
    pub errs: FormErrors,
    pub can_manage: bool,
}

pub async fn plans(At(st, ctx, u): At, Query(q): Query<OrgQuery>) -> WebResult {
    let ok = q.ok.as_deref();
    plans_page(&st, &ctx, u, String::new(), FormErrors::default(), ok).await
}

async fn plans_page(
    st: &AppState,
    ctx: &Ctx,
    u: Unit,
    title: String,
    errs: FormErrors,
    ok: Option<&str>,
) -> WebResult {
    let ps = st.app.org_plans(&ctx.actor, u.id).await?;
    Ok(page_status(
        ok_or_422(errs.is_empty()),
        &PlansPage {
            l: org_crumbs(ctx, &u, "org.plans").here().flash(ok),
            rows: ps.iter().map(|p| plan_row(ctx.tr, p)).collect(),
            title,
            errs,
            can_manage: ctx.actor.can(Action::OrgManage),
            u,
        },
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TitleForm {
    pub title: String,
}

pub async fn plan_create(At(st, ctx, u): At, Form(f): Form<TitleForm>) -> WebResult {
    let r = st.app.org_create_plan(&ctx.actor, u.id, &f.title).await;
    let to = |id| format!("/units/{}/org/plans/{id}?ok=saved", u.id);
    saved_or(&ctx, r, to, |errs| {
        plans_page(&st, &ctx, u.clone(), f.title, errs, None)
    })
    .await
}

/// Describes an operation with names taken from the structure after the plan (or before).
fn describe(tr: Tr, op: &PlanOp, before: &Structure, names: &Structure) -> String {
    let n = |b: &BodyId| {
        before
            .body(*b)
            .map(|x| x.name.clone())
            .unwrap_or_else(|| names.name_of(*b))
    };
    let a = |k: &str, v: String| (k.to_string(), v);
    match op {
        PlanOp::Create {
            name,
            kind,
            parent,
            establishment,
            ..
        } => tr.f(
            "org.opd.create",
            &[
                a("name", name.clone()),
                a("kind", kind_label(&tr, *kind)),
                a("parent", parent.as_ref().map(n).unwrap_or_default()),
                a("est", establishment.to_string()),
            ],
        ),
        PlanOp::Rename { body, name, .. } => tr.f(
            "org.opd.rename",
            &[a("body", n(body)), a("name", name.clone())],
        ),
        PlanOp::Merge { sources, into } => tr.f(
            "org.opd.merge",
            &[
                a(
                    "sources",
                    sources.iter().map(n).collect::<Vec<_>>().join("、"),
                ),
                a("into", n(into)),
            ],
        ),
        PlanOp::Abolish { body } => tr.f("org.opd.abolish", &[a("body", n(body))]),
        PlanOp::Convert { body } => tr.f("org.opd.convert", &[a("body", n(body))]),
        PlanOp::MoveFunction { item, to } => {
            let f = names
                .function(*item)
                .map(|f| format!("{} {}", f.code, f.title))
                .unwrap_or_else(|| item.to_string());
            match to {
                Some(t) => tr.f("org.opd.move", &[a("item", f), a("to", n(t))]),
                None => tr.f("org.opd.move_none", &[a("item", f)]),
            }
        }
        PlanOp::Edit { body, input } => tr.f(
            "org.opd.edit",
            &[a("body", n(body)), a("name", input.name.clone())],
        ),
    }
}

#[derive(Template)]
#[template(path = "org_plan.html")]
pub struct PlanPage {
    pub l: Layout,
    pub u: Unit,
    pub p: PlanRow,
    pub doc_no: String,
    pub reason: String,
    pub decided: String,
    pub on: String,
    pub ops: Vec<String>,
    pub error: Option<String>,
    pub counts: Vec<CountRow>,
    pub breaches_before: Vec<String>,
    pub breaches_after: Vec<String>,
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub renamed: Vec<String>,
    pub issues_after: Vec<IssueRow>,
    pub after_rows: Vec<BodyRow>,
    pub has_after: bool,
    /// (person, from, to) of the staff moves.
    pub staff: Vec<(String, String, String)>,
    /// (body or pool, before, after).
    pub staff_counts: Vec<(String, i64, i64)>,
    pub staff_problems: Vec<String>,
    /// The plan raises the establishment total: the warning.
    pub est_rise: Option<String>,
    /// It does not: the totals.
    pub est_keep: Option<String>,
    pub editable: bool,
    pub can_manage: bool,
    pub can_approve: bool,
    pub errs: FormErrors,
    pub of: OpForm,
    pub bodies: Vec<(i64, String)>,
    pub items: Vec<(i64, String)>,
    pub kinds: Vec<(&'static str, String)>,
    pub op_kinds: Vec<(&'static str, String)>,
    pub today: String,
}

impl PlanPage {
    pub fn is_source(&self, id: &i64) -> bool {
        self.of.sources.iter().any(|s| s.trim() == id.to_string())
    }
}

fn comparison_texts(tr: Tr, c: &Comparison) -> (Vec<String>, Vec<String>, Vec<String>) {
    (
        c.added.iter().map(|(_, n)| n.clone()).collect(),
        c.removed
            .iter()
            .map(|(_, n, st)| {
                if st.is_empty() {
                    n.clone()
                } else {
                    format!("{n}（{}）", tr.t(&format!("org.status.{st}")))
                }
            })
            .collect(),
        c.renamed
            .iter()
            .map(|(_, a, b)| format!("{a} → {b}"))
            .collect(),
    )
}

async fn plan_page(
    st: &AppState,
    ctx: &Ctx,
    u: Unit,
    id: PlanId,
    of: OpForm,
    errs: FormErrors,
    ok: Option<&str>,
) -> WebResult {
    let v: PlanView = st.app.org_plan(&ctx.actor, u.id, id).await?;
    let tr = ctx.tr;
    // Names: the structure after the plan knows created bodies; else the one before.
    let names = v.after.clone().unwrap_or_else(|| v.before.clone());
    let ops = v
        .plan
        .ops
        .iter()
        .map(|o| describe(tr, o, &v.before, &names))
        .collect();
    let (counts, added, removed, renamed) = match &v.comparison {
        Some(c) => {
            let (a, r, n) = comparison_texts(tr, c);
            (count_rows(tr, &c.a, &c.b), a, r, n)
        }
        None => (vec![], vec![], vec![], vec![]),
    };
    let error = v.error.as_ref().map(|e| tr.error(&e.field_error()));
    let breaches_before = breach_texts(tr, &v.before);
    let breaches_after = v
        .after
        .as_ref()
        .map(|a| breach_texts(tr, a))
        .unwrap_or_default();
    let issues_after = v
        .after
        .as_ref()
        .map(|a| issue_rows(&tr, a, &v.issues_after))
        .unwrap_or_default();
    let after_rows = v
        .after
        .as_ref()
        .map(|a| body_rows(&tr, a, true))
        .unwrap_or_default();
    let pool = tr.t("org.staff_pool").to_string();
    let staff = v
        .staff
        .iter()
        .map(|m| {
            (
                m.name.clone(),
                names.name_of(m.from),
                m.to.map(|b| names.name_of(b))
                    .unwrap_or_else(|| pool.clone()),
            )
        })
        .collect();
    let staff_counts = v
        .staff_counts
        .iter()
        .map(|c| {
            let n = if c.body.is_some() {
                c.name.clone()
            } else {
                pool.clone()
            };
            (n, c.before, c.after)
        })
        .collect();
    let staff_problems = v.staff_problems.iter().map(|e| tr.error(e)).collect();
    let (est_rise, est_keep) = match &v.establishment {
        Some(c) => {
            let args = [
                ("before".to_string(), c.before.to_string()),
                ("after".to_string(), c.after.to_string()),
                ("n".to_string(), c.rise().to_string()),
            ];
            if c.raises() {
                (Some(tr.f("org.est_rise", &args)), None)
            } else {
                (None, Some(tr.f("org.est_keep", &args)))
            }
        }
        None => (None, None),
    };
    // Choices for new operations: the bodies active after the operations so far.
    let bodies = active_options(&names, None);
    let items = names
        .functions
        .iter()
        .map(|f| (f.id.0, format!("{} {}", f.code, f.title)))
        .collect();
    let op_kinds = [
        "create",
        "rename",
        "merge",
        "abolish",
        "convert",
        "move_function",
    ]
    .iter()
    .map(|c| (*c, tr.t(&format!("org.op.{c}")).to_string()))
    .collect();
    let decided = if v.plan.decided_by.is_empty() {
        String::new()
    } else {
        format!(
            "{} {}",
            v.plan.decided_by,
            v.plan
                .decided_at
                .map(jiguan_domain::time::show_china)
                .unwrap_or_default()
        )
    };
    let l = org_crumbs(ctx, &u, "org.plan")
        .crumb(tr.t("org.plans"), format!("/units/{}/org/plans", u.id))
        .titled(v.plan.title.clone())
        .here()
        .flash(ok);
    Ok(page_status(
        ok_or_422(errs.is_empty()),
        &PlanPage {
            l,
            p: plan_row(tr, &v.plan),
            doc_no: v.plan.doc_no.clone(),
            reason: v.plan.reason.clone(),
            decided,
            on: v.on.to_string(),
            ops,
            error,
            counts,
            breaches_before,
            breaches_after,
            added,
            removed,
            renamed,
            issues_after,
            after_rows,
            has_after: v.after.is_some(),
            staff,
            staff_counts,
            staff_problems,
            est_rise,
            est_keep,
            editable: jiguan_domain::workflow::ORG_PLANS.editable(v.plan.status),
            can_manage: ctx.actor.can(Action::OrgManage),
            can_approve: ctx.actor.can(Action::OrgApprove),
            errs,
            of,
            bodies,
            items,
            kinds: kinds(tr),
            op_kinds,
            today: st.app.org_today().to_string(),
            u,
        },
    ))
}
pub async fn plan_show(AtId(st, ctx, u, plan): AtPlan, Query(q): Query<OrgQuery>) -> WebResult {
    let of = OpForm {
        op: "create".into(),
        kind: "centre".into(),
        ..OpForm::default()
    };
    let ok = q.ok.as_deref();
    plan_page(&st, &ctx, u, plan, of, FormErrors::default(), ok).await
}

/// Where a plan's page is, with a flash code.
fn plan_url(u: &Unit, plan: PlanId, ok: &str) -> String {
    format!("/units/{}/org/plans/{plan}?ok={ok}", u.id)
}

pub async fn op_add(AtId(st, ctx, u, plan): AtPlan, p: FormPairs) -> WebResult {
    let f = p.decode::<OpForm>(&["sources"])?;
    let r = st.app.org_add_op(&ctx.actor, u.id, plan, &f).await;
    step(&st, &ctx, u, plan, r, "saved#ops", f).await
}

pub async fn op_delete(
    At(st, ctx, u): At,
    Path((_, plan, n)): Path<(UnitId, PlanId, usize)>,
) -> WebResult {
    st.app.org_remove_op(&ctx.actor, u.id, plan, n).await?;
    Ok(Redirect::to(&plan_url(&u, plan, "saved#ops")).into_response())
}

/// A change of a plan: back to its page with `ok`, or the page with the errors.
async fn step(
    st: &AppState,
    ctx: &Ctx,
    u: Unit,
    plan: PlanId,
    r: Result<(), AppError>,
    ok: &str,
    of: OpForm,
) -> WebResult {
    let to = plan_url(&u, plan, ok);
    saved_or(
        ctx,
        r,
        |()| to,
        |errs| plan_page(st, ctx, u, plan, of, errs, None),
    )
    .await
}

/// The district's decision on a submitted plan (批准 or 退回).
async fn plan_decision(p: AtPlan, decision: SimpleStep<'_>, ok: &str) -> WebResult {
    let AtId(st, ctx, u, plan) = p;
    let r = st.app.step_plan(&ctx.actor, u.id, plan, decision).await;
    step(&st, &ctx, u, plan, r, ok, OpForm::default()).await
}

pub async fn plan_submit(AtId(st, ctx, u, plan): AtPlan) -> WebResult {
    let r = st.app.org_submit_plan(&ctx.actor, u.id, plan).await;
    step(&st, &ctx, u, plan, r, "org_submitted", OpForm::default()).await
}

pub async fn plan_approve(p: AtPlan, Form(f): Form<StepForm>) -> WebResult {
    plan_decision(p, SimpleStep::Approve(&f.doc_no), "org_approved").await
}

pub async fn plan_reject(p: AtPlan, Form(f): Form<StepForm>) -> WebResult {
    plan_decision(p, SimpleStep::Reject(&f.reason), "org_rejected").await
}

pub async fn plan_apply(AtId(st, ctx, u, plan): AtPlan, Form(f): Form<StepForm>) -> WebResult {
    let r = st.app.org_apply_plan(&ctx.actor, u.id, plan, &f.effective);
    let r = r.await.map(|_| ());
    step(&st, &ctx, u, plan, r, "org_applied", OpForm::default()).await
}

// ---------------------------------------------------------------- history

#[derive(Template)]
#[template(path = "org_history.html")]
pub struct HistoryPage {
    pub l: Layout,
    pub u: Unit,
    pub a: String,
    pub b: String,
    pub counts: Vec<CountRow>,
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub renamed: Vec<String>,
    pub rows_a: Vec<BodyRow>,
    pub rows_b: Vec<BodyRow>,
}

pub async fn history(At(st, ctx, u): At, Query(q): Query<OrgQuery>) -> WebResult {
    let today = st.app.org_today();
    let b = date_param(&q.b, today);
    let a = date_param(
        &q.a,
        b.checked_sub_signed(chrono::Duration::days(365))
            .unwrap_or(b),
    );
    let (sa, sb, c) = st.app.org_compare(&ctx.actor, u.id, a, b).await?;
    let (added, removed, renamed) = comparison_texts(ctx.tr, &c);
    Ok(page(&HistoryPage {
        l: org_crumbs(&ctx, &u, "org.history").here(),
        a: a.to_string(),
        b: b.to_string(),
        counts: count_rows(ctx.tr, &c.a, &c.b),
        added,
        removed,
        renamed,
        rows_a: body_rows(&ctx.tr, &sa, true),
        rows_b: body_rows(&ctx.tr, &sb, true),
        u,
    }))
}

// ---------------------------------------------------------------- chart

/// The organisation chart in `tr`'s language, with each body's headcount from `heads`
/// (the pages and the CLI's `org chart`).
pub fn chart_svg(
    tr: Tr,
    s: &Structure,
    title: &str,
    sized: bool,
    heads: &[(BodyId, i64)],
) -> String {
    let kind = |k: BodyKind| kind_label(&tr, k);
    // Once the unit has people on the date, a body nobody is on has 0 on post.
    let known = !heads.is_empty();
    let hc = |b: BodyId| {
        heads
            .iter()
            .find(|(x, _)| *x == b)
            .map(|(_, n)| *n)
            .or(known.then_some(0))
    };
    svg(
        s,
        title,
        &ChartText {
            kind: &kind,
            head: tr.t("org.chart_head"),
            on_post: tr.t("org.chart_on_post"),
            est: tr.t("org.chart_est"),
            plates: tr.t("org.chart_plates"),
            headcount: &hc,
            sized,
        },
    )
}

/// The structure on the query's date, with each body's headcount, and the chart's title.
async fn chart_of(
    st: &AppState,
    ctx: &Ctx,
    u: &Unit,
    q: &OrgQuery,
    sized: bool,
) -> WebResult<(NaiveDate, String)> {
    let (on, s) = structure_on(st, ctx, u, q).await?;
    let heads = st.app.org_headcount(&ctx.actor, u.id, on).await?;
    let title = format!("{} {on}", u.name);
    Ok((on, chart_svg(ctx.tr, &s, &title, sized, &heads)))
}

#[derive(Template)]
#[template(path = "org_chart.html")]
pub struct ChartPage {
    pub l: Layout,
    pub u: Unit,
    pub on: String,
    pub svg: String,
}

pub async fn chart(At(st, ctx, u): At, Query(q): Query<OrgQuery>) -> WebResult {
    // Its natural size: the page scales it down to fit, a phone scrolls it (CSS).
    let (on, svg) = chart_of(&st, &ctx, &u, &q, true).await?;
    Ok(page(&ChartPage {
        l: org_crumbs(&ctx, &u, "org.chart").here(),
        on: on.to_string(),
        svg,
        u,
    }))
}

pub async fn chart_svg_file(At(st, ctx, u): At, Query(q): Query<OrgQuery>) -> WebResult {
    let (on, svg) = chart_of(&st, &ctx, &u, &q, true).await?;
    let name = format!("{}机构设置图{on}", u.name);
    let ctype = "image/svg+xml; charset=utf-8";
    Ok(attachment("org", &name, "svg", ctype, svg.into_bytes()))
}

// ---------------------------------------------------------------- exports

pub async fn export(At(st, ctx, u): At, Query(q): Query<OrgQuery>) -> WebResult {
    let on = on_date(&st, &q);
    let (s, issues, _) = st.app.org_analysis(&ctx.actor, u.id, Some(on)).await?;
    let heads = st.app.org_headcount(&ctx.actor, u.id, on).await?;
    let sheets = workbook(&ctx.tr, &u, on, &s, &issues, &heads);
    let b = jiguan_excel::write_workbook(&sheets)
        .map_err(|e| WebError::from(AppError::Internal(e.to_string())))?;
    let name = format!("{}机构设置一览表{on}", u.name);
    Ok(attachment("org", &name, "xlsx", XLSX, b))
}

// ---------------------------------------------------------------- district

pub struct DistrictRow {
    pub id: i64,
    pub name: String,
    pub caps: String,
    pub bodies: i64,
    pub chiefs: i64,
    pub deputies: i64,
    pub phase: String,
    pub breaches: i64,
    pub pending: usize,
    pub cut: String,
}

#[derive(Template)]
#[template(path = "org_district.html")]
pub struct DistrictPage {
    pub l: Layout,
    pub rows: Vec<DistrictRow>,
    pub cut_total: i64,
    pub rules: Vec<(String, String, bool)>,
    pub kinds: Vec<(&'static str, String)>,
    pub categories: Vec<(&'static str, String)>,
    pub can_approve: bool,
    pub errs: FormErrors,
}

impl DistrictPage {
    pub fn has_rule(&self, kind: &str, cat: &str) -> bool {
        self.rules.iter().any(|(k, c, _)| k == kind && c == cat)
    }
}

async fn district_page(st: &AppState, ctx: &Ctx, errs: FormErrors, ok: Option<&str>) -> WebResult {
    let units: Vec<UnitTotals> = st.app.org_district(&ctx.actor).await?;
    let rules = st.app.org_rules(&ctx.actor).await.unwrap_or_default();
    let mut rows = Vec::new();
    let mut cut_total = 0;
    for t in units {
        let plans = st
            .app
            .org_plans(&ctx.actor, t.unit.id)
            .await
            .unwrap_or_default();
        let pending = plans
            .iter()
            .filter(|p| matches!(p.status, PlanStatus::Submitted | PlanStatus::Approved))
            .count();
        // Bodies cut by the unit's latest plan (its preview, or its record once applied).
        let mut cut = String::new();
        if let Some(p) = plans.first()
            && let Ok(v) = st.app.org_plan(&ctx.actor, t.unit.id, p.id).await
            && let Some(c) = v.comparison
        {
            let n = c.a.counts.active - c.b.counts.active;
            cut_total += n;
            cut = format!(
                "{n}（{}）",
                ctx.tr
                    .t(&jiguan_domain::workflow::ORG_PLANS.label_key(p.status))
            );
        }
        rows.push(DistrictRow {
            id: t.unit.id.0,
            name: t.unit.name.clone(),
            caps: t
                .caps
                .as_ref()
                .map(|c| format!("{} / {} / {}", c.max_bodies, c.max_chiefs, c.max_deputies))
                .unwrap_or_default(),
            bodies: t.active_bodies,
            chiefs: t.chiefs,
            deputies: t.deputies,
            phase: t.phase.unwrap_or_default(),
            breaches: t.breaches,
            pending,
            cut,
        });
    }
    Ok(page_status(
        ok_or_422(errs.is_empty()),
        &DistrictPage {
            l: Layout::new(ctx, "org.district").here().flash(ok),
            rows,
            cut_total,
            rules: rules
                .iter()
                .map(|r| {
                    (
                        r.kind.code().to_string(),
                        r.category.code().to_string(),
                        true,
                    )
                })
                .collect(),
            kinds: kinds(ctx.tr),
            categories: categories(ctx.tr),
            can_approve: ctx.actor.can(Action::OrgApprove),
            errs,
        },
    ))
}

/// The district page; a unit account goes to its own unit's page.
pub async fn district(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<OrgQuery>,
) -> WebResult {
    if let Some(u) = ctx.actor.unit_id {
        return Ok(Redirect::to(&format!("/units/{u}/org")).into_response());
    }
    district_page(&st, &ctx, FormErrors::default(), q.ok.as_deref()).await
}

pub async fn rules_set(State(st): State<AppState>, ctx: Ctx, p: FormPairs) -> WebResult {
    let r = st.app.org_set_rules(&ctx.actor, &p.all("rules")).await;
    let to = |()| "/org?ok=saved".to_string();
    saved_or(&ctx, r, to, |errs| district_page(&st, &ctx, errs, None)).await
}
