//! Reform results (改革成效): the figures that prove the reform, before → after, for a unit
//! and for the district, between two dates.
//!
//! The store aggregates the dated history into [`Cell`]s (a count or a sum per unit, per
//! family, per key, at the "from" date, at the "to" date, or over the period); this module
//! turns cells into [`Section`]s of [`Line`]s with the difference and the share, and sums
//! the units' sections into the district's. Nothing here restates a module's rule: the
//! downsizing cost figures are summed by [`crate::downsizing::figures::totals`], the bodies a
//! pending reorganisation plan cuts are counted from its [`PlanOp`]s.
//!
//! Sources: the seed (SEED-REQUIREMENTS.md, "Outcomes it claims": fewer bodies, fewer staff,
//! lower personnel cost; 精简机构16个, 精简人员50名, 骆驼街道精简21%); the middle-post and
//! body totals are the district's approved totals (总量上核定, seed Reform 1 point 1).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::downsizing::Route;
use crate::downsizing::figures::{Figures, totals};
use crate::org::BodyKind;
use crate::org::plan::PlanOp;
use crate::people::{EstablishmentKind, Identity};
use crate::tenancy::UnitId;

closed_lists!("report/mod.toml");

/// One aggregate from the store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cell {
    pub unit: UnitId,
    pub family: Family,
    pub at: Moment,
    pub a: String,
    pub b: String,
    pub n: i64,
    pub sum: i64,
    /// Free detail (the JSON of a downsizing line's figures or a plan operation).
    pub detail: String,
}

impl Cell {
    pub fn new(unit: UnitId, family: Family, at: Moment, a: &str, n: i64) -> Cell {
        Cell {
            unit,
            family,
            at,
            a: a.into(),
            b: String::new(),
            n,
            sum: 0,
            detail: String::new(),
        }
    }
}

/// The dates of a report: before on `from`, after on `to`; period changes dated in
/// (`from`, `to`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Period {
    /// Whether a change dated `on` falls in the period (after `from`, not after `to`).
    pub fn contains(&self, on: NaiveDate) -> bool {
        on > self.from && on <= self.to
    }
}

/// How a line's numbers are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// A count.
    Count,
    /// Money in fen.
    Money,
    /// Months.
    Months,
    /// Hundredths (FTE, people per post, percent): shown with two decimals.
    Hundredths,
    /// Ten-thousandths (CV, Gini): shown with four decimals.
    Ratio,
}

/// Where a figure's records can be listed: the family, the key and the moment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Trace {
    pub family: Family,
    pub key: String,
    pub at: Moment,
}

/// One row of a section: before → after, the difference and the share.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Line {
    /// The locale key of the row's label.
    pub label: String,
    pub unit: Unit,
    pub before: Option<i64>,
    pub after: Option<i64>,
    /// Approved total or quota to compare `after` with.
    pub approved: Option<i64>,
    /// Planned, not yet in force.
    pub pending: Option<i64>,
    pub trace_before: Option<Trace>,
    pub trace_after: Option<Trace>,
}

impl Line {
    /// An empty row with its label's locale key and its unit of measure.
    pub fn new(label: String, unit: Unit) -> Line {
        Line {
            label,
            unit,
            before: None,
            after: None,
            approved: None,
            pending: None,
            trace_before: None,
            trace_after: None,
        }
    }

    /// after − before, when both are known.
    pub fn diff(&self) -> Option<i64> {
        Some(self.after? - self.before?)
    }

    /// (after − before) ÷ before in percent, one decimal; `None` when before is 0 or unknown.
    pub fn change_pct(&self) -> Option<Decimal> {
        pct(self.diff()?, self.before?)
    }

    /// Whether `after` exceeds the approved total.
    pub fn over(&self) -> bool {
        matches!((self.after, self.approved), (Some(a), Some(b)) if a > b)
    }

    fn add(&mut self, o: &Line) {
        self.before = opt_add(self.before, o.before);
        self.after = opt_add(self.after, o.after);
        self.approved = opt_add(self.approved, o.approved);
        self.pending = opt_add(self.pending, o.pending);
    }
}

fn opt_add(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (None, None) => None,
        (a, b) => Some(a.unwrap_or(0).saturating_add(b.unwrap_or(0))),
    }
}

/// `num ÷ den` in percent, one decimal (half away from zero); `None` when `den` is 0.
pub fn pct(num: i64, den: i64) -> Option<Decimal> {
    (den != 0).then(|| (Decimal::from(num) * Decimal::from(100) / Decimal::from(den)).round_dp(1))
}

/// A section of the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Section {
    /// Stable id (`org.bodies`); the locale key of its title is `report.section.<id>`.
    pub id: String,
    /// False: the module has no data yet (暂无数据); `lines` is empty.
    pub available: bool,
    pub lines: Vec<Line>,
    /// The 合计 row: the sum of `lines` (sections whose rows add up only).
    pub total: Option<Line>,
    /// The locale key of a note under the section (what it counts, where it comes from).
    pub note: Option<String>,
}

impl Section {
    /// A section a module will fill when it lands (暂无数据).
    pub fn no_data(id: &str) -> Section {
        Section {
            id: id.into(),
            available: false,
            lines: Vec::new(),
            total: None,
            note: Some(format!("report.note.{id}")),
        }
    }

    /// A section with data; `summed`: its rows add up, so it gets a 合计 row.
    pub fn new(id: &str, lines: Vec<Line>, summed: bool) -> Section {
        let total = summed.then(|| sum_lines("report.total", &lines));
        Section {
            id: id.into(),
            available: true,
            lines,
            total,
            note: Some(format!("report.note.{id}")),
        }
    }

    /// The line with this label.
    pub fn line(&self, label: &str) -> Option<&Line> {
        self.lines.iter().find(|l| l.label == label)
    }
}

fn sum_lines(label: &str, lines: &[Line]) -> Line {
    let unit = lines.first().map(|l| l.unit).unwrap_or(Unit::Count);
    let mut t = Line::new(label.into(), unit);
    for l in lines {
        t.add(l);
    }
    t
}

/// A warning on the dashboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    /// More bodies than the approved total on the "to" date.
    OverBodies,
    /// More middle posts (正 or 副) than approved.
    OverMiddle,
    /// More staff of an establishment kind than its quota.
    OverEstablishment,
    /// Personnel cost rose between the dates.
    CostRose,
}

impl Flag {
    pub fn label_key(self) -> &'static str {
        match self {
            Flag::OverBodies => "report.flag.over_bodies",
            Flag::OverMiddle => "report.flag.over_middle",
            Flag::OverEstablishment => "report.flag.over_establishment",
            Flag::CostRose => "report.flag.cost_rose",
        }
    }
}

/// The headline figures of a unit (or the district).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Headline {
    pub bodies_before: i64,
    pub bodies_after: i64,
    /// Bodies that pending reorganisation plans would cut further (net).
    pub bodies_pending_cut: i64,
    pub staff_before: i64,
    pub staff_after: i64,
    /// People leaving the headcount by plans in force in the period.
    pub cut_done: i64,
    /// … and by approved or submitted plans not yet applied.
    pub cut_pending: i64,
    pub cost_before: i64,
    pub cost_after: i64,
}

impl Headline {
    /// Bodies cut: before − after, plus what pending plans cut.
    pub fn bodies_cut(&self) -> i64 {
        self.bodies_before - self.bodies_after + self.bodies_pending_cut
    }
    /// Staff cut, done and pending.
    pub fn cut(&self) -> i64 {
        self.cut_done + self.cut_pending
    }
    /// Staff cut ÷ the staff the cuts were made from: the staff on the "to" date plus those
    /// the applied plans already took out (the downsizing module's `staff_base`: people on
    /// post or lent out before the plan; the seed's 21 % of 骆驼街道's agency cadres). Not the
    /// staff on the "from" date, which misses people hired during the period.
    pub fn cut_share(&self) -> Option<Decimal> {
        pct(self.cut(), self.staff_after + self.cut_done)
    }
    fn add(&mut self, o: &Headline) {
        self.bodies_before += o.bodies_before;
        self.bodies_after += o.bodies_after;
        self.bodies_pending_cut += o.bodies_pending_cut;
        self.staff_before += o.staff_before;
        self.staff_after += o.staff_after;
        self.cut_done += o.cut_done;
        self.cut_pending += o.cut_pending;
        self.cost_before += o.cost_before;
        self.cost_after += o.cost_after;
    }
}

/// The figures of one unit, or of the district (the sum of its units).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportFigures {
    pub headline: Headline,
    pub flags: Vec<Flag>,
    pub sections: Vec<Section>,
    /// Staff and personnel cost at the points of [`work::trend_dates`] (filled by the
    /// report's use case, which knows the period).
    pub trend: Vec<work::TrendPoint>,
}

impl ReportFigures {
    pub fn section(&self, id: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.id == id)
    }
}

/// The built-in sections, in report order; the extension sections follow
/// ([`EXTENSION_SECTIONS`]).
pub const SECTIONS: [&str; 14] = [
    "org.bodies",
    "org.changes",
    "org.middle",
    "people.identity",
    "people.establishment",
    "people.leaders",
    "cost.identity",
    "down.route",
    "down.identity",
    "down.cost",
    "work.posts",
    "work.fte",
    "work.spread",
    "selection.committee",
];

/// Sections other modules fill (each says 暂无数据 until its module provides it).
pub const EXTENSION_SECTIONS: [&str; 4] = [
    "selection.campaigns",
    "twoway.placement",
    "appraisal.grades",
    "pay.spread",
];

fn cells<'a>(cs: &'a [Cell], f: Family, at: Moment) -> impl Iterator<Item = &'a Cell> + 'a {
    cs.iter().filter(move |c| c.family == f && c.at == at)
}

fn count(cs: &[Cell], f: Family, at: Moment, pred: impl Fn(&Cell) -> bool) -> i64 {
    cells(cs, f, at).filter(|c| pred(c)).map(|c| c.n).sum()
}

fn money(cs: &[Cell], f: Family, at: Moment, pred: impl Fn(&Cell) -> bool) -> i64 {
    cells(cs, f, at).filter(|c| pred(c)).map(|c| c.sum).sum()
}

fn has(cs: &[Cell], f: Family, at: Moment) -> bool {
    cells(cs, f, at).next().is_some()
}

fn trace(f: Family, key: &str, at: Moment) -> Option<Trace> {
    Some(Trace {
        family: f,
        key: key.into(),
        at,
    })
}

/// A before → after line of `f` cells whose `a` is `key`.
fn ba(cs: &[Cell], f: Family, label: String, key: &str, money_sum: bool) -> Line {
    let pick = |at| {
        if money_sum {
            money(cs, f, at, |c| c.a == key)
        } else {
            count(cs, f, at, |c| c.a == key)
        }
    };
    let mut l = Line::new(label, if money_sum { Unit::Money } else { Unit::Count });
    l.before = Some(pick(Moment::Before));
    l.after = Some(pick(Moment::After));
    l.trace_before = trace(f, key, Moment::Before);
    l.trace_after = trace(f, key, Moment::After);
    l
}

/// Net bodies a plan's operations cut: sources merged, abolished and converted, less those
/// created.
pub fn ops_net_cut<'a>(ops: impl IntoIterator<Item = &'a PlanOp>) -> i64 {
    ops.into_iter()
        .map(|op| match op {
            PlanOp::Merge { sources, .. } => sources.len() as i64,
            PlanOp::Abolish { .. } | PlanOp::Convert { .. } => 1,
            PlanOp::Create { .. } => -1,
            _ => 0,
        })
        .sum()
}

/// Builds one unit's figures from its cells (cells of other units are ignored).
pub fn unit_figures(unit: UnitId, all: &[Cell]) -> ReportFigures {
    let cs: Vec<Cell> = all.iter().filter(|c| c.unit == unit).cloned().collect();
    let cs = cs.as_slice();
    let mut sections = Vec::new();

    // Organisation.
    let bodies: Vec<Line> = BodyKind::ALL
        .iter()
        .map(|k| ba(cs, Family::Bodies, k.label_key(), k.code(), false))
        .collect();
    let mut org_bodies = Section::new("org.bodies", bodies, true);
    let cap =
        |k: &str, at| has(cs, Family::Caps, at).then(|| count(cs, Family::Caps, at, |c| c.a == k));
    if let Some(t) = org_bodies.total.as_mut() {
        t.approved = cap("bodies", Moment::After);
    }
    sections.push(org_bodies);

    let pending_cut = ops_net_cut(
        cells(cs, Family::PendingOps, Moment::Pending)
            .filter_map(|c| serde_json::from_str::<PlanOp>(&c.detail).ok())
            .collect::<Vec<_>>()
            .iter(),
    );
    let changes: Vec<Line> = ["merged", "abolished", "converted"]
        .iter()
        .map(|k| {
            let mut l = Line::new(format!("report.change.{k}"), Unit::Count);
            l.after = Some(count(cs, Family::BodyChanges, Moment::Period, |c| {
                c.a == *k
            }));
            l.trace_after = trace(Family::BodyChanges, k, Moment::Period);
            l
        })
        .collect();
    let mut org_changes = Section::new("org.changes", changes, true);
    if let Some(t) = org_changes.total.as_mut() {
        t.pending = Some(pending_cut.max(0));
    }
    let mut created = Line::new("report.change.created".into(), Unit::Count);
    created.after = Some(count(cs, Family::BodyChanges, Moment::Period, |c| {
        c.a == "created"
    }));
    created.trace_after = trace(Family::BodyChanges, "created", Moment::Period);
    let org_changes = {
        // "created" is shown under the 合计 of bodies removed, not added into it.
        let mut s = org_changes;
        s.lines.push(created);
        if let Some(t) = s.total.as_mut() {
            t.label = "report.total_removed".into();
        }
        s
    };
    sections.push(org_changes);

    let middle: Vec<Line> = [("chief", "chiefs"), ("deputy", "deputies")]
        .iter()
        .map(|(k, capk)| {
            let mut l = ba(cs, Family::Middle, format!("report.middle.{k}"), k, false);
            l.approved = cap(capk, Moment::After);
            l.trace_before = None;
            l.trace_after = None;
            l
        })
        .collect();
    sections.push(Section::new("org.middle", middle, true));

    // People.
    let by_identity = |money_sum: bool| -> Vec<Line> {
        Identity::ALL
            .iter()
            .map(|i| ba(cs, Family::Staff, i.label_key(), i.code(), money_sum))
            .collect()
    };
    sections.push(Section::new("people.identity", by_identity(false), true));
    let quota = |k: &str| {
        has(cs, Family::Quotas, Moment::After)
            .then(|| count(cs, Family::Quotas, Moment::After, |c| c.a == k))
    };
    let est: Vec<Line> = [
        EstablishmentKind::Administrative,
        EstablishmentKind::Institution,
        EstablishmentKind::Service,
    ]
    .iter()
    .map(|k| {
        let mut l = Line::new(k.label_key(), Unit::Count);
        l.before = Some(count(cs, Family::Staff, Moment::Before, |c| {
            c.b == k.code()
        }));
        l.after = Some(count(cs, Family::Staff, Moment::After, |c| c.b == k.code()));
        l.approved = quota(k.code());
        l
    })
    .collect();
    sections.push(Section::new("people.establishment", est, true));
    let mut leaders = Line::new("report.leaders_in_middle".into(), Unit::Count);
    leaders.before = Some(count(cs, Family::LeadersInMiddle, Moment::Before, |_| true));
    leaders.after = Some(count(cs, Family::LeadersInMiddle, Moment::After, |_| true));
    leaders.trace_before = trace(Family::LeadersInMiddle, "", Moment::Before);
    leaders.trace_after = trace(Family::LeadersInMiddle, "", Moment::After);
    sections.push(Section::new("people.leaders", vec![leaders], false));

    // Cost.
    sections.push(Section::new("cost.identity", by_identity(true), true));

    // Downsizing.
    let cut_cells = |at| cells(cs, Family::Cuts, at).collect::<Vec<_>>();
    let done = cut_cells(Moment::Period);
    let pending = cut_cells(Moment::Pending);
    let routes: Vec<Line> = Route::ALL
        .iter()
        .map(|r| {
            let mut l = Line::new(r.label_key(), Unit::Count);
            l.after = Some(done.iter().filter(|c| c.a == r.code()).map(|c| c.n).sum());
            l.pending = Some(
                pending
                    .iter()
                    .filter(|c| c.a == r.code())
                    .map(|c| c.n)
                    .sum(),
            );
            l.trace_after = trace(Family::Cuts, r.code(), Moment::Period);
            l
        })
        .collect();
    sections.push(Section::new("down.route", routes, true));
    let cuts_of = |v: &[&Cell], i: Identity| -> i64 {
        v.iter()
            .filter(|c| c.b == i.code() && Route::from_code(&c.a).is_some_and(Route::cuts))
            .map(|c| c.n)
            .sum()
    };
    let idents: Vec<Line> = Identity::ALL
        .iter()
        .map(|i| {
            let mut l = Line::new(i.label_key(), Unit::Count);
            l.after = Some(cuts_of(&done, *i));
            l.pending = Some(cuts_of(&pending, *i));
            l
        })
        .collect();
    let down_identity = Section::new("down.identity", idents, true);
    let figures = |v: &[&Cell]| -> Vec<Figures> {
        v.iter()
            .filter_map(|c| serde_json::from_str::<Figures>(&c.detail).ok())
            .collect()
    };
    let t_done = totals(figures(&done).iter(), 0);
    let t_pending = totals(figures(&pending).iter(), 0);
    let money_line = |k: &str, unit: Unit, a: i64, p: i64| {
        let mut l = Line::new(format!("report.down.{k}"), unit);
        l.after = Some(a);
        l.pending = Some(p);
        l
    };
    let both = |f: fn(&crate::downsizing::figures::Totals) -> i64| (f(&t_done), f(&t_pending));
    let (oo, oop) = both(|t| t.one_off.0);
    let (lp, lpp) = both(|t| t.leave_post_total.0);
    let (sv, svp) = both(|t| t.annual_saving.0);
    let mut be = Line::new("report.down.break_even".into(), Unit::Months);
    be.after = t_done.break_even_months;
    be.pending = t_pending.break_even_months;
    let down_cost = Section::new(
        "down.cost",
        vec![
            money_line("one_off", Unit::Money, oo, oop),
            money_line("leave_post", Unit::Money, lp, lpp),
            money_line("annual_saving", Unit::Money, sv, svp),
            be,
        ],
        false,
    );
    sections.push(down_identity);
    sections.push(down_cost);

    // Work: posts on each date (a post counts from its creation until it is deactivated),
    // FTE need versus staff, 人浮于事 / 有事无人干, the workload spread.
    let posts: Vec<Line> = ["chief", "deputy", "general", "service"]
        .iter()
        .map(|k| {
            let mut l = Line::new(format!("report.post.{k}"), Unit::Count);
            l.before = Some(count(cs, Family::Posts, Moment::Before, |c| c.a == *k));
            l.after = Some(count(cs, Family::Posts, Moment::After, |c| c.a == *k));
            l
        })
        .collect();
    sections.push(Section::new("work.posts", posts, true));
    sections.push(work::fte_section(cs));
    sections.push(work::spread_section(cs));

    // Selection: committee ballots (the campaigns come with their module).
    let meetings: Vec<Line> = ["meetings", "items"]
        .iter()
        .map(|k| {
            let mut l = Line::new(format!("report.meetings.{k}"), Unit::Count);
            l.after = Some(count(cs, Family::Meetings, Moment::Period, |c| c.a == *k));
            l.trace_after = (*k == "meetings").then(|| Trace {
                family: Family::Meetings,
                key: String::new(),
                at: Moment::Period,
            });
            l
        })
        .collect();
    sections.push(Section::new("selection.committee", meetings, false));

    let headline = Headline {
        bodies_before: total_of(&sections, "org.bodies", |l| l.before),
        bodies_after: total_of(&sections, "org.bodies", |l| l.after),
        bodies_pending_cut: pending_cut,
        staff_before: total_of(&sections, "people.identity", |l| l.before),
        staff_after: total_of(&sections, "people.identity", |l| l.after),
        cut_done: done
            .iter()
            .filter(|c| Route::from_code(&c.a).is_some_and(Route::cuts))
            .map(|c| c.n)
            .sum(),
        cut_pending: pending
            .iter()
            .filter(|c| Route::from_code(&c.a).is_some_and(Route::cuts))
            .map(|c| c.n)
            .sum(),
        cost_before: total_of(&sections, "cost.identity", |l| l.before),
        cost_after: total_of(&sections, "cost.identity", |l| l.after),
    };
    let flags = flags_of(&sections, &headline);
    ReportFigures {
        headline,
        flags,
        sections,
        trend: Vec::new(),
    }
}

fn total_of(sections: &[Section], id: &str, f: impl Fn(&Line) -> Option<i64>) -> i64 {
    sections
        .iter()
        .find(|s| s.id == id)
        .and_then(|s| s.total.as_ref())
        .and_then(f)
        .unwrap_or(0)
}

fn flags_of(sections: &[Section], h: &Headline) -> Vec<Flag> {
    let mut flags = Vec::new();
    let sec = |id: &str| sections.iter().find(|s| s.id == id);
    if sec("org.bodies")
        .and_then(|s| s.total.as_ref())
        .is_some_and(Line::over)
    {
        flags.push(Flag::OverBodies);
    }
    if sec("org.middle").is_some_and(|s| s.lines.iter().any(Line::over)) {
        flags.push(Flag::OverMiddle);
    }
    if sec("people.establishment").is_some_and(|s| s.lines.iter().any(Line::over)) {
        flags.push(Flag::OverEstablishment);
    }
    if h.cost_after > h.cost_before {
        flags.push(Flag::CostRose);
    }
    flags
}

/// Sums units' figures into the district's: every line is the sum of the units' lines
/// (the break-even months are recomputed from the summed cost, not added).
pub fn district_figures<'a>(units: impl IntoIterator<Item = &'a ReportFigures>) -> ReportFigures {
    let mut out: Option<ReportFigures> = None;
    for u in units {
        match out.as_mut() {
            None => out = Some(u.clone()),
            Some(o) => {
                o.headline.add(&u.headline);
                for (t, ut) in o.trend.iter_mut().zip(&u.trend) {
                    t.staff += ut.staff;
                    t.cost += ut.cost;
                }
                for (s, us) in o.sections.iter_mut().zip(&u.sections) {
                    // A section the first units had no data for takes the first unit's that
                    // has (an extension section is 暂无数据 only where its module has none).
                    if !s.available && us.available {
                        *s = us.clone();
                        continue;
                    }
                    for (l, ul) in s.lines.iter_mut().zip(&us.lines) {
                        l.add(ul);
                    }
                    if let (Some(t), Some(ut)) = (s.total.as_mut(), us.total.as_ref()) {
                        t.add(ut);
                    }
                }
            }
        }
    }
    let mut o = out.unwrap_or_else(|| unit_figures(UnitId(0), &[]));
    for s in o.sections.iter_mut() {
        for l in s.lines.iter_mut() {
            l.trace_before = None;
            l.trace_after = None;
        }
    }
    if let Some(s) = o.sections.iter_mut().find(|s| s.id == "down.cost") {
        let get =
            |s: &Section, k: &str, f: fn(&Line) -> Option<i64>| s.line(k).and_then(f).unwrap_or(0);
        let be = |one_off: i64, saving: i64| {
            crate::downsizing::figures::break_even(
                crate::money::Money(one_off),
                crate::money::Money(saving),
            )
        };
        let done = be(
            get(s, "report.down.one_off", |l| l.after),
            get(s, "report.down.annual_saving", |l| l.after),
        );
        let pend = be(
            get(s, "report.down.one_off", |l| l.pending),
            get(s, "report.down.annual_saving", |l| l.pending),
        );
        if let Some(l) = s
            .lines
            .iter_mut()
            .find(|l| l.label == "report.down.break_even")
        {
            l.after = done;
            l.pending = pend;
        }
    }
    if let Some(s) = o
        .sections
        .iter_mut()
        .find(|s| s.id == "selection.campaigns" && s.available)
    {
        selection_ratios(s);
    }
    o.flags = flags_of(&o.sections, &o.headline);
    o
}

/// Recomputes the ratio lines of the selection section from its counts (a district's
/// applicants per post is the sum of applicants ÷ the sum of seats, not a sum of ratios).
pub fn selection_ratios(s: &mut Section) {
    let get = |s: &Section, k: &str| {
        s.line(&format!("report.line.selection.{k}"))
            .and_then(|l| l.after)
    };
    let seats = get(s, "seats").unwrap_or(0);
    let per_post = get(s, "applicants").and_then(|a| ratio_hundredths(a, seats));
    let share = get(s, "by_ballot").and_then(|b| ratio_hundredths(b * 100, seats));
    for l in s.lines.iter_mut() {
        match l.label.as_str() {
            "report.line.selection.per_post" => l.after = per_post,
            "report.line.selection.ballot_share" => l.after = share,
            _ => {}
        }
    }
}

/// `num ÷ den` in hundredths (half away from zero); None when `den` is 0.
pub fn ratio_hundredths(num: i64, den: i64) -> Option<i64> {
    use rust_decimal::prelude::ToPrimitive;
    (den != 0).then(|| {
        (Decimal::from(num) * Decimal::from(100) / Decimal::from(den))
            .round()
            .to_i64()
            .unwrap_or(0)
    })
}

/// Rows keyed by unit, as a map (for callers that group cells).
pub fn by_unit(cells: &[Cell]) -> BTreeMap<UnitId, Vec<Cell>> {
    let mut m: BTreeMap<UnitId, Vec<Cell>> = BTreeMap::new();
    for c in cells {
        m.entry(c.unit).or_default().push(c.clone());
    }
    m
}

pub mod work;

#[cfg(test)]
mod tests;
