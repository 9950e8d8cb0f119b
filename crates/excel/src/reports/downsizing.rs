//! The downsizing module's workbooks: a plan's summary (one row per line, then the totals)
//! and the district summary (one row per unit and the total). The label helpers here are
//! also the web pages' (one translation of routes, identities, reasons and totals).

use jiguan_app::downsizing::{DistrictDownsizing, PlanView};
use jiguan_domain::downsizing::figures::{Figures, Totals};
use jiguan_domain::downsizing::{PlanStatus, Route};
use jiguan_domain::money::Money;
use jiguan_domain::people::{Identity, Status};
use rust_decimal::Decimal;

use super::Labels;
use crate::{Cell, Sheet};

/// The text of `key`, or `fallback` when the locale has none (a missing key comes back
/// as itself).
fn or_else(l: &dyn Labels, key: &str, fallback: impl FnOnce() -> String) -> String {
    let s = l.t(key);
    if s == key { fallback() } else { s }
}

/// Header texts of locale keys.
fn headers(l: &dyn Labels, keys: &[&str]) -> Vec<String> {
    keys.iter().map(|k| l.t(k)).collect()
}

pub fn identity_label(l: &dyn Labels, i: Identity) -> String {
    or_else(l, &format!("people.identity.{}", i.code()), || {
        i.zh().to_string()
    })
}

pub fn person_status_label(l: &dyn Labels, s: Status) -> String {
    or_else(l, &format!("people.status.{}", s.code()), || {
        s.zh().to_string()
    })
}

pub fn route_label(l: &dyn Labels, r: Route) -> String {
    l.t(&r.label_key())
}

pub fn status_label(l: &dyn Labels, s: PlanStatus) -> String {
    l.t(&jiguan_domain::workflow::DOWNSIZING_PLANS.label_key(s))
}

/// The rules' reason codes spelled out, `；`-separated.
pub fn reasons_text(l: &dyn Labels, codes: &[String]) -> String {
    codes
        .iter()
        .filter(|c| !c.is_empty())
        .map(|c| or_else(l, &format!("down.reason.{c}"), || c.clone()))
        .collect::<Vec<_>>()
        .join("；")
}

/// The share of the staff base cut, as `12.5%` (empty without a base).
pub fn pct(t: &Totals) -> String {
    t.share_pct.map(|p| format!("{p}%")).unwrap_or_default()
}

/// The totals as label/value pairs (page and Excel).
pub fn totals_rows(l: &dyn Labels, t: &Totals) -> Vec<(String, String)> {
    let mut v = vec![
        (l.t("down.total.cut"), t.cut.to_string()),
        (l.t("down.total.staff_base"), t.staff_base.to_string()),
        (l.t("down.total.share"), pct(t)),
        (l.t("down.total.one_off"), t.one_off.to_string()),
        (l.t("down.total.leave_post"), t.leave_post_total.to_string()),
        (l.t("down.total.saving"), t.annual_saving.to_string()),
        (
            l.t("down.total.break_even"),
            t.break_even_months
                .map(|m| l.f("down.months", &[("n".into(), m.to_string())]))
                .unwrap_or_else(|| l.t("down.total.no_break_even")),
        ),
    ];
    for (i, n) in &t.cut_by_identity {
        v.push((
            l.f(
                "down.total.cut_of",
                &[("identity".into(), identity_label(l, *i))],
            ),
            n.to_string(),
        ));
    }
    for (r, n) in &t.by_route {
        v.push((
            l.f(
                "down.total.route_of",
                &[("route".into(), route_label(l, *r))],
            ),
            n.to_string(),
        ));
    }
    v
}

/// The totals as label/cell pairs for the workbook: counts, shares and money as numbers
/// (the same items as [`totals_rows`]).
pub fn totals_cells(l: &dyn Labels, t: &Totals) -> Vec<(String, Cell)> {
    let pct = t.share_pct.map_or(Cell::Empty, Cell::Percent);
    let mut v = vec![
        (l.t("down.total.cut"), Cell::Int(t.cut)),
        (l.t("down.total.staff_base"), Cell::Int(t.staff_base)),
        (l.t("down.total.share"), pct),
        (l.t("down.total.one_off"), Cell::Money(t.one_off)),
        (
            l.t("down.total.leave_post"),
            Cell::Money(t.leave_post_total),
        ),
        (l.t("down.total.saving"), Cell::Money(t.annual_saving)),
        (
            l.t("down.total.break_even"),
            t.break_even_months
                .map(Cell::Int)
                .unwrap_or_else(|| Cell::Text(l.t("down.total.no_break_even"))),
        ),
    ];
    for (i, n) in &t.cut_by_identity {
        v.push((
            l.f(
                "down.total.cut_of",
                &[("identity".into(), identity_label(l, *i))],
            ),
            Cell::Int(*n),
        ));
    }
    for (r, n) in &t.by_route {
        v.push((
            l.f(
                "down.total.route_of",
                &[("route".into(), route_label(l, *r))],
            ),
            Cell::Int(*n),
        ));
    }
    v
}

/// A plan's summary workbook (分流人员, 合计): one row per line, then the totals.
pub fn plan_workbook(l: &dyn Labels, unit: &str, v: &PlanView) -> Vec<Sheet> {
    let mut lines = Sheet {
        name: l.t("down.sheet_lines"),
        headers: headers(
            l,
            &[
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
            ],
        ),
        rows: v
            .lines
            .iter()
            .map(|line| {
                let p = line.person.as_ref();
                let f = line.figures.as_ref();
                let text = |g: fn(&Figures) -> String| f.map(g).unwrap_or_default();
                let money =
                    |g: fn(&Figures) -> Money| f.map(|f| Cell::Money(g(f))).unwrap_or(Cell::Empty);
                let eligible = f.is_some_and(|f| f.eligible);
                let contract = f.and_then(|f| f.contract);
                vec![
                    Cell::from(unit),
                    p.map(|p| p.name.clone()).unwrap_or_default().into(),
                    p.map(|p| identity_label(l, p.identity))
                        .unwrap_or_default()
                        .into(),
                    p.map(|p| p.post.clone()).unwrap_or_default().into(),
                    route_label(l, line.line.route).into(),
                    l.t(if eligible { "down.yes" } else { "down.no" }).into(),
                    f.map(|f| reasons_text(l, &f.reasons))
                        .unwrap_or_default()
                        .into(),
                    text(|f| f.retirement_month.clone()).into(),
                    money(|f| f.one_off),
                    money(|f| f.leave_post_monthly),
                    f.map(|f| Cell::Int(i64::from(f.leave_post_months)))
                        .unwrap_or(Cell::Empty),
                    money(|f| f.leave_post_total),
                    money(|f| f.annual_cost),
                    money(|f| f.annual_saving),
                    contract.map(|c| Cell::Date(c.start)).unwrap_or(Cell::Empty),
                    contract.map(|c| Cell::Date(c.end)).unwrap_or(Cell::Empty),
                    line.line.note.clone().into(),
                ]
            })
            .collect(),
        ..Default::default()
    };
    // 合计 of the money columns: exact sums of the lines, the plan's totals.
    lines.totals = vec![super::money_total(l.t("down.sheet_totals"), &lines.rows)];
    let totals = Sheet {
        name: l.t("down.sheet_totals"),
        headers: headers(l, &["down.col.item", "down.col.value"]),
        rows: totals_cells(l, &v.totals)
            .into_iter()
            .map(|(k, val)| vec![Cell::from(k), val])
            .collect(),
        ..Default::default()
    };
    vec![lines, totals]
}

/// The district summary workbook: one row per unit, then the total (全区合计): the
/// district's figures as the page shows them, with the plans and staff bases summed and
/// the share worked out from the sums as the rules do it (one decimal).
pub fn district_workbook(l: &dyn Labels, s: &DistrictDownsizing) -> Vec<Sheet> {
    let rows: Vec<Vec<Cell>> = s
        .units
        .iter()
        .map(|u| {
            vec![
                Cell::from(u.unit.name.clone()),
                Cell::from(u.status.map(|s| status_label(l, s)).unwrap_or_default()),
                Cell::Int(u.plans as i64),
                Cell::Int(u.totals.cut),
                Cell::Int(u.totals.staff_base),
                u.totals.share_pct.map_or(Cell::Empty, Cell::Percent),
                Cell::Money(u.totals.one_off),
                Cell::Money(u.totals.annual_saving),
            ]
        })
        .collect();
    let plans: i64 = s.units.iter().map(|u| u.plans as i64).sum();
    let base: i64 = s.units.iter().map(|u| u.totals.staff_base).sum();
    let share = if base > 0 {
        Cell::Percent((Decimal::from(s.cut) * Decimal::from(100) / Decimal::from(base)).round_dp(1))
    } else {
        Cell::Empty
    };
    let total = vec![
        Cell::from(l.t("down.all_units")),
        Cell::Empty,
        Cell::Int(plans),
        Cell::Int(s.cut),
        Cell::Int(base),
        share,
        Cell::Money(s.one_off),
        Cell::Money(s.annual_saving),
    ];
    vec![Sheet {
        name: l.t("down.district"),
        headers: headers(
            l,
            &[
                "down.col.unit",
                "down.col.status",
                "down.col.plans",
                "down.col.cut",
                "down.total.staff_base",
                "down.total.share",
                "down.col.one_off",
                "down.col.annual_saving",
            ],
        ),
        rows,
        totals: vec![total],
        ..Default::default()
    }]
}
