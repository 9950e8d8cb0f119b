//! The work figures of the report (因事定岗、因岗定编 before → after) and the cost trend.
//!
//! The store gives, per date, each body's post hours and assignment shares
//! ([`Family::WorkBodies`]) and the moments of the people's workloads
//! ([`Family::WorkSpread`]); [`derive`] turns them into [`Family::WorkFte`] cells with the
//! posts module's own rules: FTE = hours ÷ the standard annual hours
//! ([`crate::posts::workload::fte`]), 人浮于事 / 有事无人干 by
//! [`crate::posts::workload::staffing`] with the `posts.staffing_tolerance_pct` tolerance,
//! and the spread by the formulas of [`crate::posts::balance`] (population variance, CV =
//! σ ÷ mean, Gini = 2 Σ i·x₍ᵢ₎ ÷ (n Σx) − (n + 1) ÷ n over the loads sorted ascending),
//! from moments the database sums (n, Σx, Σx², Σ i·x₍ᵢ₎) instead of every person's load.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use rust_decimal::prelude::{FromPrimitive, ToPrimitive};

use super::{Cell, Family, Line, Moment, Period, Section, Trace, Unit};
use crate::posts::workload::{Staffing, fte, staffing};
use crate::tenancy::UnitId;

/// The spread of a set of workloads from their moments.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Moments {
    pub n: i64,
    /// Σx.
    pub sum: f64,
    /// Σx².
    pub sum_sq: f64,
    /// Σ i·x₍ᵢ₎ over the values sorted ascending, i from 1.
    pub weighted: f64,
}

impl Moments {
    /// Parses the store's "Σx Σx² Σi·x" text.
    pub fn parse(n: i64, detail: &str) -> Option<Moments> {
        let mut it = detail.split_whitespace().map(|x| x.parse::<f64>().ok());
        Some(Moments {
            n,
            sum: it.next()??,
            sum_sq: it.next()??,
            weighted: it.next()??,
        })
    }

    /// The text [`Moments::parse`] reads.
    pub fn text(&self) -> String {
        format!("{} {} {}", self.sum, self.sum_sq, self.weighted)
    }

    /// The moments of `xs` (what the store computes in SQL).
    pub fn of(xs: &[f64]) -> Moments {
        let mut v = xs.to_vec();
        v.sort_by(f64::total_cmp);
        Moments {
            n: v.len() as i64,
            sum: v.iter().sum(),
            sum_sq: v.iter().map(|x| x * x).sum(),
            weighted: v
                .iter()
                .enumerate()
                .map(|(i, x)| (i as f64 + 1.0) * x)
                .sum(),
        }
    }

    /// The mean; None for no values.
    pub fn mean(&self) -> Option<f64> {
        (self.n > 0).then(|| self.sum / self.n as f64)
    }

    /// CV = σ ÷ mean (population σ), four places; None when the mean is 0.
    pub fn cv(&self) -> Option<Decimal> {
        let mean = self.mean().filter(|m| *m > 0.0)?;
        let var = (self.sum_sq / self.n as f64 - mean * mean).max(0.0);
        Decimal::from_f64(var.sqrt() / mean).map(|d| d.round_dp(4))
    }

    /// Gini = 2 Σ i·x₍ᵢ₎ ÷ (n Σx) − (n + 1) ÷ n, four places; 0 when Σx is 0.
    pub fn gini(&self) -> Option<Decimal> {
        if self.n == 0 {
            return None;
        }
        if self.sum <= 0.0 {
            return Some(Decimal::ZERO);
        }
        let n = self.n as f64;
        let g = 2.0 * self.weighted / (n * self.sum) - (n + 1.0) / n;
        Decimal::from_f64(g.max(0.0)).map(|d| d.round_dp(4))
    }
}

/// `d` scaled to an integer (×100 for hundredths, ×10,000 for ratios), half away from 0.
fn scaled(d: Decimal, scale: i64) -> i64 {
    (d * Decimal::from(scale)).round().to_i64().unwrap_or(0)
}

/// Hundredths of the FTE of `hours`.
pub fn fte_hundredths(hours: i64, standard: i64) -> i64 {
    scaled(fte(hours, standard), 100)
}

fn derived(unit: UnitId, at: Moment, a: &str, n: i64) -> Cell {
    Cell::new(unit, Family::WorkFte, at, a, n)
}

/// The [`Family::WorkFte`] cells of the raw work cells (any other cell is left out), with
/// the posts module's parameters: `standard` annual hours per FTE, `tolerance_pct`.
pub fn derive(cells: &[Cell], standard: i64, tolerance_pct: Decimal) -> Vec<Cell> {
    let mut out = Vec::new();
    // Per unit and moment: hours, shares, bodies, overstaffed, understaffed.
    let mut bodies: std::collections::BTreeMap<(UnitId, Moment), [i64; 5]> = Default::default();
    for c in cells.iter().filter(|c| c.family == Family::WorkBodies) {
        let e = bodies.entry((c.unit, c.at)).or_default();
        let need = fte(c.n, standard);
        let staff = Decimal::from(c.sum) / Decimal::from(100);
        e[0] += c.n;
        e[1] += c.sum;
        e[2] += 1;
        match staffing(need, staff, tolerance_pct) {
            Staffing::Overstaffed => e[3] += 1,
            Staffing::Understaffed => e[4] += 1,
            Staffing::Balanced => {}
        }
    }
    for ((u, at), [hours, shares, n, over, under]) in bodies {
        out.push(derived(u, at, "need", fte_hundredths(hours, standard)));
        out.push(derived(u, at, "staff", shares));
        out.push(derived(u, at, "bodies", n));
        out.push(derived(u, at, "overstaffed", over));
        out.push(derived(u, at, "understaffed", under));
    }
    for c in cells.iter().filter(|c| c.family == Family::WorkSpread) {
        let Some(m) = Moments::parse(c.n, &c.detail) else {
            continue;
        };
        out.push(derived(c.unit, c.at, "holders", m.n));
        if let Some(mean) = m.mean().and_then(Decimal::from_f64) {
            let hours_per_fte = Decimal::from(standard.max(1));
            out.push(derived(
                c.unit,
                c.at,
                "mean",
                scaled(mean / hours_per_fte, 100),
            ));
        }
        if let Some(cv) = m.cv() {
            out.push(derived(c.unit, c.at, "cv", scaled(cv, 10_000)));
        }
        if let Some(g) = m.gini() {
            out.push(derived(c.unit, c.at, "gini", scaled(g, 10_000)));
        }
    }
    out
}

/// Whether a body with `hours` of posts and `shares` percent of staff is classified as
/// `key` (overstaffed, understaffed): the trace's filter.
pub fn body_is(key: &str, hours: i64, shares: i64, standard: i64, tolerance_pct: Decimal) -> bool {
    let s = staffing(
        fte(hours, standard),
        Decimal::from(shares) / Decimal::from(100),
        tolerance_pct,
    );
    s.code() == key
}

fn value(cs: &[Cell], at: Moment, key: &str) -> Option<i64> {
    cs.iter()
        .find(|c| c.family == Family::WorkFte && c.at == at && c.a == key)
        .map(|c| c.n)
}

/// A before → after line of derived cells (None where the store had nothing).
fn line(cs: &[Cell], key: &str, unit: Unit, traced: bool, zero: bool) -> Line {
    let mut l = Line::new(format!("report.work.{key}"), unit);
    let pick = |at| value(cs, at, key).or(zero.then_some(0));
    l.before = pick(Moment::Before);
    l.after = pick(Moment::After);
    if traced {
        let t = |at| {
            Some(Trace {
                family: Family::WorkBodies,
                key: key.into(),
                at,
            })
        };
        l.trace_before = t(Moment::Before);
        l.trace_after = t(Moment::After);
    }
    l
}

/// 十一（二）: FTE need versus staff deployed, the bodies counted, 人浮于事, 有事无人干.
pub fn fte_section(cs: &[Cell]) -> Section {
    Section::new(
        "work.fte",
        vec![
            line(cs, "need", Unit::Hundredths, false, true),
            line(cs, "staff", Unit::Hundredths, false, true),
            line(cs, "bodies", Unit::Count, false, true),
            line(cs, "overstaffed", Unit::Count, true, true),
            line(cs, "understaffed", Unit::Count, true, true),
        ],
        false,
    )
}

/// 十一（三）: the people with a workload, the mean FTE, CV and Gini.
pub fn spread_section(cs: &[Cell]) -> Section {
    Section::new(
        "work.spread",
        vec![
            line(cs, "holders", Unit::Count, false, true),
            line(cs, "mean", Unit::Hundredths, false, false),
            line(cs, "cv", Unit::Ratio, false, false),
            line(cs, "gini", Unit::Ratio, false, false),
        ],
        false,
    )
}

/// The district's spread section: from the district-wide moments (unit 0), since CV and
/// Gini of a district are not the sums of its units'.
pub fn district_spread(all: &[Cell]) -> Section {
    let cs: Vec<Cell> = all
        .iter()
        .filter(|c| c.unit == UnitId(0))
        .cloned()
        .collect();
    spread_section(&cs)
}

/// Most year-ends in the trend (the latest are kept).
pub const TREND_YEAR_ENDS: usize = 20;

/// The points of the cost trend: the "from" date, every 31 December strictly between the
/// two dates (the latest [`TREND_YEAR_ENDS`]), and the "to" date.
pub fn trend_dates(p: Period) -> Vec<NaiveDate> {
    let mut ends: Vec<NaiveDate> = (p.from.year()..=p.to.year())
        .filter_map(|y| NaiveDate::from_ymd_opt(y, 12, 31))
        .filter(|d| *d > p.from && *d < p.to)
        .collect();
    if ends.len() > TREND_YEAR_ENDS {
        ends.drain(..ends.len() - TREND_YEAR_ENDS);
    }
    let mut out = vec![p.from];
    out.extend(ends);
    if p.to != p.from {
        out.push(p.to);
    }
    out
}

/// One point of the cost trend.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TrendPoint {
    pub on: NaiveDate,
    pub staff: i64,
    /// Personnel cost, fen per year.
    pub cost: i64,
}

/// The trend of one unit from its [`Family::CostTrend`] cells (every point, 0 where the
/// store had nobody).
pub fn trend(cs: &[Cell], p: Period) -> Vec<TrendPoint> {
    trend_dates(p)
        .into_iter()
        .enumerate()
        .map(|(i, on)| {
            let key = i.to_string();
            let of = cs
                .iter()
                .filter(|c| c.family == Family::CostTrend && c.a == key);
            let (staff, cost) = of.fold((0, 0), |(n, s), c| (n + c.n, s + c.sum));
            TrendPoint { on, staff, cost }
        })
        .collect()
}
