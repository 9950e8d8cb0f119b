//! The reform results pages (改革成效): a unit's report (figures before → after with the
//! difference and the share, the org charts side by side, the headcount waterfall, the
//! cost), the district dashboard (every unit in one sortable table with flags, bars by
//! unit, drilling down to each unit), the A4 print view laid out as an official report,
//! the records behind a figure, and the Excel workbooks.

use askama::Template;
use axum::extract::State;
use serde::Deserialize;

use jiguan_app::AppError;
use jiguan_app::ports::Unit;
use jiguan_app::report::{ReportForm, TraceRow, UnitReport};
use jiguan_domain::auth::Action;
use jiguan_domain::downsizing::Route;
use jiguan_domain::money::Money;
use jiguan_domain::report::{Headline, Line, Period, ReportFigures, Trace};
use jiguan_domain::tenancy::UnitId;

use crate::AppState;
use crate::error::WebResult;
use crate::extract::{At, Query};
use crate::guard::Ctx;
use crate::html::{Layout, page};
use crate::i18n::Tr;

use super::svg;

/// The query of every report page (all text, so none can fail the request; the dates are
/// checked by the use case, which names the field).
#[derive(Debug, Default, Clone, Deserialize)]
pub struct ReportQuery {
    pub from: Option<String>,
    pub to: Option<String>,
    /// Dashboard sort column and direction (`asc`/`desc`).
    pub sort: Option<String>,
    pub dir: Option<String>,
    /// The print view's document number (文号), typed by the user.
    pub doc_no: Option<String>,
    /// Trace: family, key, moment.
    pub f: Option<String>,
    pub k: Option<String>,
    pub at: Option<String>,
}

impl ReportQuery {
    pub fn form(&self) -> ReportForm {
        ReportForm {
            from: self.from.clone().unwrap_or_default(),
            to: self.to.clone().unwrap_or_default(),
        }
    }
}

/// `?from=…&to=…` of a period (the links keep the dates).
fn dates_qs(p: Period) -> String {
    format!("from={}&to={}", p.from, p.to)
}

fn fmt(l: &Layout, line: &Line, v: Option<i64>) -> String {
    match (line.unit, v) {
        (_, None) => String::new(),
        (jiguan_domain::report::Unit::Money, Some(v)) => l.num(Money(v)),
        (jiguan_domain::report::Unit::Hundredths, Some(v)) => {
            rust_decimal::Decimal::new(v, 2).to_string()
        }
        (jiguan_domain::report::Unit::Ratio, Some(v)) => {
            rust_decimal::Decimal::new(v, 4).to_string()
        }
        (_, Some(v)) => l.num(v),
    }
}

fn signed(s: String, v: Option<i64>) -> String {
    match v {
        Some(v) if v > 0 => format!("+{s}"),
        _ => s,
    }
}

pub struct RowView {
    pub label: String,
    pub before: String,
    pub after: String,
    pub diff: String,
    pub change: String,
    pub approved: String,
    pub pending: String,
    pub over: bool,
    pub href_before: String,
    pub href_after: String,
}

pub struct SectionView {
    pub id: String,
    pub title: String,
    pub available: bool,
    pub note: String,
    pub rows: Vec<RowView>,
    pub total: Option<RowView>,
    /// Starts a new printed page (the sections of people, cost and downsizing).
    pub page_break: bool,
}

fn trace_href(unit: Option<UnitId>, p: Period, t: &Option<Trace>) -> String {
    match (unit, t) {
        (Some(u), Some(t)) => format!(
            "/units/{u}/report/trace?f={}&k={}&at={}&{}",
            t.family.code(),
            t.key,
            t.at.code(),
            dates_qs(p)
        ),
        _ => String::new(),
    }
}

fn row_view(l: &Layout, tr: Tr, line: &Line, unit: Option<UnitId>, p: Period) -> RowView {
    RowView {
        label: tr.t(&line.label).to_string(),
        before: fmt(l, line, line.before),
        after: fmt(l, line, line.after),
        diff: signed(fmt(l, line, line.diff()), line.diff()),
        change: line
            .change_pct()
            .map(|c| {
                format!(
                    "{}{c}%",
                    if c.is_sign_positive() && !c.is_zero() {
                        "+"
                    } else {
                        ""
                    }
                )
            })
            .unwrap_or_default(),
        approved: fmt(l, line, line.approved),
        pending: fmt(l, line, line.pending),
        over: line.over(),
        href_before: trace_href(unit, p, &line.trace_before),
        href_after: trace_href(unit, p, &line.trace_after),
    }
}

/// The sections as the templates show them; `unit` gives the trace links (None: district).
pub fn sections_view(
    l: &Layout,
    f: &ReportFigures,
    unit: Option<UnitId>,
    p: Period,
) -> Vec<SectionView> {
    let tr = l.tr;
    f.sections
        .iter()
        .map(|s| SectionView {
            id: s.id.replace('.', "-"),
            title: tr.t(&format!("report.section.{}", s.id)).to_string(),
            available: s.available,
            note: s
                .note
                .as_deref()
                .map(|n| tr.t(n).to_string())
                .unwrap_or_default(),
            rows: s
                .lines
                .iter()
                .map(|x| row_view(l, tr, x, unit, p))
                .collect(),
            total: s.total.as_ref().map(|t| row_view(l, tr, t, unit, p)),
            page_break: matches!(
                s.id.as_str(),
                "people.identity" | "down.route" | "selection.committee"
            ),
        })
        .collect()
}

pub struct HeadView {
    pub bodies_before: String,
    pub bodies_after: String,
    pub bodies_cut: String,
    pub bodies_pending: String,
    pub staff_before: String,
    pub staff_after: String,
    pub cut: String,
    pub cut_pending: String,
    pub share: String,
    pub cost_before: String,
    pub cost_after: String,
    pub flags: Vec<String>,
}

fn head_view(l: &Layout, f: &ReportFigures) -> HeadView {
    let h: &Headline = &f.headline;
    HeadView {
        bodies_before: l.num(h.bodies_before),
        bodies_after: l.num(h.bodies_after),
        bodies_cut: l.num(h.bodies_cut()),
        bodies_pending: l.num(h.bodies_pending_cut),
        staff_before: l.num(h.staff_before),
        staff_after: l.num(h.staff_after),
        cut: l.num(h.cut()),
        cut_pending: l.num(h.cut_pending),
        share: h.cut_share().map(|s| format!("{s}%")).unwrap_or_default(),
        cost_before: l.num(Money(h.cost_before)),
        cost_after: l.num(Money(h.cost_after)),
        flags: f
            .flags
            .iter()
            .map(|x| l.tr.t(x.label_key()).to_string())
            .collect(),
    }
}

/// The headcount waterfall of a report: start (staff on the "from" date) → cut by route
/// (done) → pending cuts → staff on the "to" date.
fn waterfall_of(tr: Tr, id: &str, f: &ReportFigures) -> String {
    let mut steps: Vec<(String, i64)> = Vec::new();
    if let Some(s) = f.section("down.route") {
        for r in Route::ALL.iter().filter(|r| r.cuts()) {
            let n = s.line(&r.label_key()).and_then(|l| l.after).unwrap_or(0);
            if n > 0 {
                steps.push((tr.t(&r.label_key()).to_string(), n));
            }
        }
    }
    if f.headline.cut_pending > 0 {
        steps.push((
            format!("{}*", tr.t("report.pending")),
            f.headline.cut_pending,
        ));
    }
    svg::waterfall(
        id,
        tr.t("report.chart.waterfall"),
        (tr.t("report.col.before"), f.headline.staff_before),
        &steps,
        (tr.t("report.col.after"), f.headline.staff_after),
    )
}

fn cost_chart(l: &Layout, f: &ReportFigures) -> String {
    let tr = l.tr;
    svg::before_after(
        "report-cost",
        tr.t("report.chart.cost"),
        (
            tr.t("report.col.before"),
            f.headline.cost_before,
            l.num(Money(f.headline.cost_before)),
        ),
        (
            tr.t("report.col.after"),
            f.headline.cost_after,
            l.num(Money(f.headline.cost_after)),
        ),
    )
}

/// The personnel cost at every point of the trend (the dates and the year-ends between).
fn trend_chart(l: &Layout, f: &ReportFigures) -> String {
    let pts: Vec<(String, i64, String)> = f
        .trend
        .iter()
        .map(|t| (t.on.to_string(), t.cost, l.num(Money(t.cost))))
        .collect();
    svg::trend("report-trend", l.tr.t("report.chart.trend"), &pts)
}

fn unit_crumbs(ctx: &Ctx, u: &Unit, key: &str) -> Layout {
    let mut l = Layout::new(ctx, key);
    if ctx.actor.can(Action::ReportDistrict) {
        l = l.crumb(ctx.tr.t("menu.report"), "/report");
    } else if ctx.actor.can(Action::UnitsList) {
        l = l.crumb(ctx.tr.t("menu.units"), "/units");
    }
    l.crumb(u.name.clone(), format!("/units/{}", u.id))
}

#[derive(Template)]
#[template(path = "report_unit.html")]
pub struct UnitPage {
    pub l: Layout,
    pub u: Unit,
    pub from: String,
    pub to: String,
    pub qs: String,
    pub h: HeadView,
    pub sections: Vec<SectionView>,
    pub chart_before: String,
    pub chart_after: String,
    pub waterfall: String,
    pub cost: String,
    pub trend: String,
    pub print: bool,
    pub doc_no: String,
}

async fn unit_page(st: &AppState, ctx: &Ctx, u: Unit, q: &ReportQuery, print: bool) -> WebResult {
    let r: UnitReport = st.app.report_unit(&ctx.actor, u.id, &q.form()).await?;
    let p = r.period;
    let mut charts = Vec::new();
    for on in [p.from, p.to] {
        let s = st.app.org_structure(&ctx.actor, u.id, Some(on)).await?;
        let heads = st.app.org_headcount(&ctx.actor, u.id, on).await?;
        let title = format!("{} {on}", u.name);
        // At its own size (width and height given): the page scales it down to its card on
        // a wide screen and lets a phone scroll it at a readable size (app.css).
        charts.push(crate::org::pages::chart_svg(
            ctx.tr, &s, &title, true, &heads,
        ));
    }
    let key = if print {
        "report.print_title"
    } else {
        "report.title"
    };
    let l = unit_crumbs(ctx, &u, key)
        .crumb(
            ctx.tr.t("report.title"),
            format!("/units/{}/report?{}", u.id, dates_qs(p)),
        )
        .titled(format!("{}{}", u.name, ctx.tr.t(key)));
    let sections = sections_view(&l, &r.figures, Some(u.id), p);
    let h = head_view(&l, &r.figures);
    let after = charts.pop().unwrap_or_default();
    let before = charts.pop().unwrap_or_default();
    Ok(page(&UnitPage {
        waterfall: waterfall_of(ctx.tr, "report-waterfall", &r.figures),
        cost: cost_chart(&l, &r.figures),
        trend: trend_chart(&l, &r.figures),
        l,
        from: p.from.to_string(),
        to: p.to.to_string(),
        qs: dates_qs(p),
        h,
        sections,
        chart_before: before,
        chart_after: after,
        print,
        doc_no: q.doc_no.clone().unwrap_or_default(),
        u,
    }))
}

/// A unit's report.
pub async fn unit(At(st, ctx, u): At, Query(q): Query<ReportQuery>) -> WebResult {
    unit_page(&st, &ctx, u, &q, false).await
}

/// A unit's report as an official A4 document (标题, 文号, tables with 合计, page breaks).
pub async fn unit_print(At(st, ctx, u): At, Query(q): Query<ReportQuery>) -> WebResult {
    unit_page(&st, &ctx, u, &q, true).await
}

/// A unit's report as a workbook.
pub async fn unit_export(At(st, ctx, u): At, Query(q): Query<ReportQuery>) -> WebResult {
    let r = st.app.report_unit(&ctx.actor, u.id, &q.form()).await?;
    let sheets = jiguan_excel::reports::report::unit_workbook(&ctx.tr, &r);
    xlsx(
        &format!("{}改革成效{}至{}", u.name, r.period.from, r.period.to),
        &sheets,
    )
}

fn xlsx(name: &str, sheets: &[jiguan_excel::Sheet]) -> WebResult {
    let bytes =
        jiguan_excel::write_workbook(sheets).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(crate::html::attachment(
        "report",
        name,
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        bytes,
    ))
}

#[derive(Template)]
#[template(path = "report_trace.html")]
pub struct TracePage {
    pub l: Layout,
    pub u: Unit,
    pub what: String,
    pub on: String,
    pub qs: String,
    pub rows: Vec<TraceRow>,
}

/// The records one figure counts.
pub async fn trace(At(st, ctx, u): At, Query(q): Query<ReportQuery>) -> WebResult {
    let (p, t, rows) = st
        .app
        .report_trace(
            &ctx.actor,
            u.id,
            q.f.as_deref().unwrap_or(""),
            q.k.as_deref().unwrap_or(""),
            q.at.as_deref().unwrap_or(""),
            &q.form(),
        )
        .await?;
    let tr = ctx.tr;
    let on = match t.at {
        jiguan_domain::report::Moment::Before => p.from.to_string(),
        jiguan_domain::report::Moment::After => p.to.to_string(),
        _ => format!("{} — {}", p.from, p.to),
    };
    let key_label = [
        format!("org.kind.{}", t.key),
        format!("people.identity.{}", t.key),
        format!("down.route.{}", t.key),
        format!("report.change.{}", t.key),
        format!("report.work.{}", t.key),
        format!("report.key.{}", t.key),
    ]
    .into_iter()
    .find(|k| tr.has(k))
    .map(|k| tr.t(&k).to_string())
    .unwrap_or_default();
    let what = format!(
        "{} {}（{}）",
        tr.t(&t.family.label_key()),
        key_label,
        tr.t(&t.at.label_key())
    );
    Ok(page(&TracePage {
        l: unit_crumbs(&ctx, &u, "report.trace")
            .crumb(
                tr.t("report.title"),
                format!("/units/{}/report?{}", u.id, dates_qs(p)),
            )
            .here(),
        what,
        on,
        qs: dates_qs(p),
        rows,
        u,
    }))
}

pub struct DistrictRow {
    pub id: UnitId,
    pub name: String,
    pub h: HeadView,
}

pub struct SortCol {
    pub key: &'static str,
    pub label: String,
    pub href: String,
    pub mark: &'static str,
    pub aria: &'static str,
}

#[derive(Template)]
#[template(path = "report_district.html")]
pub struct DistrictPage {
    pub l: Layout,
    pub from: String,
    pub to: String,
    pub qs: String,
    pub cols: Vec<SortCol>,
    pub rows: Vec<DistrictRow>,
    pub h: HeadView,
    pub sections: Vec<SectionView>,
    pub bars_bodies: String,
    pub bars_staff: String,
    pub waterfall: String,
    pub cost: String,
    pub trend: String,
    pub shown: usize,
    pub units: usize,
}

/// The sortable columns of the dashboard: (key, locale key, value of a unit).
type SortKey = (&'static str, &'static str, fn(&UnitReport) -> i64);
const SORTS: [SortKey; 8] = [
    ("bodies_before", "report.h.bodies_before", |u| {
        u.figures.headline.bodies_before
    }),
    ("bodies_after", "report.h.bodies_after", |u| {
        u.figures.headline.bodies_after
    }),
    ("staff_before", "report.h.staff_before", |u| {
        u.figures.headline.staff_before
    }),
    ("staff_after", "report.h.staff_after", |u| {
        u.figures.headline.staff_after
    }),
    ("cut", "report.h.cut", |u| u.figures.headline.cut()),
    ("share", "report.h.cut_share", |u| {
        u.figures
            .headline
            .cut_share()
            .map(|d| {
                (d * rust_decimal::Decimal::from(10))
                    .trunc()
                    .try_into()
                    .unwrap_or(0)
            })
            .unwrap_or(-1)
    }),
    ("cost_before", "report.h.cost_before", |u| {
        u.figures.headline.cost_before
    }),
    ("cost_after", "report.h.cost_after", |u| {
        u.figures.headline.cost_after
    }),
];

/// Units drawn in the bars (a province's 2,000 would not fit a page): the largest by staff.
const BARS_MAX: usize = 40;

/// The district dashboard.
pub async fn district(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ReportQuery>,
) -> WebResult {
    let mut r = st.app.report_district(&ctx.actor, &q.form()).await?;
    let p = r.period;
    let sort = q.sort.as_deref().unwrap_or("");
    let desc = q.dir.as_deref() == Some("desc");
    if let Some((_, _, key)) = SORTS.iter().find(|(k, _, _)| *k == sort) {
        r.units.sort_by_key(key);
        if desc {
            r.units.reverse();
        }
    }
    let tr = ctx.tr;
    let l = Layout::new(&ctx, "report.district_title").here();
    let cols = SORTS
        .iter()
        .map(|(k, label, _)| {
            let on = *k == sort;
            let dir = if on && !desc { "desc" } else { "asc" };
            SortCol {
                key: k,
                label: tr.t(label).to_string(),
                href: format!("/report?{}&sort={k}&dir={dir}", dates_qs(p)),
                mark: match (on, desc) {
                    (false, _) => "",
                    (true, false) => " ▲",
                    (true, true) => " ▼",
                },
                aria: match (on, desc) {
                    (false, _) => "none",
                    (true, false) => "ascending",
                    (true, true) => "descending",
                },
            }
        })
        .collect();
    let mut by_staff: Vec<&UnitReport> = r.units.iter().collect();
    by_staff.sort_by_key(|u| std::cmp::Reverse(u.figures.headline.staff_before));
    by_staff.truncate(BARS_MAX);
    let bars = |title: &str, f: fn(&Headline) -> (i64, i64)| {
        let rows: Vec<(String, i64, i64)> = by_staff
            .iter()
            .map(|u| {
                let (a, b) = f(&u.figures.headline);
                (u.unit.name.clone(), a, b)
            })
            .collect();
        svg::pair_bars(
            if title == "bodies" {
                "report-bars-bodies"
            } else {
                "report-bars-staff"
            },
            tr.t(&format!("report.chart.{title}")),
            (tr.t("report.col.before"), tr.t("report.col.after")),
            &rows,
        )
    };
    Ok(page(&DistrictPage {
        bars_bodies: bars("bodies", |h| (h.bodies_before, h.bodies_after)),
        bars_staff: bars("staff", |h| (h.staff_before, h.staff_after)),
        waterfall: waterfall_of(tr, "report-waterfall", &r.total),
        cost: cost_chart(&l, &r.total),
        trend: trend_chart(&l, &r.total),
        sections: sections_view(&l, &r.total, None, p),
        h: head_view(&l, &r.total),
        rows: r
            .units
            .iter()
            .map(|u| DistrictRow {
                id: u.unit.id,
                name: u.unit.name.clone(),
                h: head_view(&l, &u.figures),
            })
            .collect(),
        shown: by_staff.len(),
        units: r.units.len(),
        from: p.from.to_string(),
        to: p.to.to_string(),
        qs: dates_qs(p),
        cols,
        l,
    }))
}

/// The district's workbook.
pub async fn district_export(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ReportQuery>,
) -> WebResult {
    let r = st.app.report_district(&ctx.actor, &q.form()).await?;
    let sheets = jiguan_excel::reports::report::district_workbook(&ctx.tr, &r);
    xlsx(
        &format!("全区改革成效{}至{}", r.period.from, r.period.to),
        &sheets,
    )
}
