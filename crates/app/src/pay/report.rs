//! The pay section of the reform results report (十六、绩效分配差距): for each unit, the
//! latest applied pay run on or before each end of the period — "before" the one of the
//! `from` year or earlier, "after" the one of the `to` year or earlier —: the pool, the
//! highest and the lowest share, and the mean share of each grade, in fen. The rows do not
//! add up, so the section has no 合计 row, and the district's line is not a sum of its
//! units' lines: it is computed from the district's own shares (the pools summed, the
//! highest and lowest share of anyone, the mean of each grade over the district's people)
//! and given under [`UnitId`] 0, which the district report puts in place of the sum.

use std::collections::BTreeMap;

use async_trait::async_trait;

use jiguan_domain::pay::Grade;
use jiguan_domain::report::{Cell, Family, Line, Moment, Period, Section, Unit as Measure};
use jiguan_domain::tenancy::{DistrictId, UnitId};

use crate::report::SectionProvider;
use crate::{App, AppResult};

/// The provider registered in [`crate::report::PROVIDERS`].
pub struct SpreadSection;

/// The section's id; its title is `report.section.pay.spread`.
pub const SECTION: &str = "pay.spread";

/// Pool, highest share, lowest share, then the mean share of each grade (`None`: nobody
/// of that grade), all in fen, from one run's [`Family::PayShares`] cells.
fn figures(cells: &[&Cell]) -> Vec<Option<i64>> {
    let num = |x: Option<&str>| x.and_then(|v| v.parse::<i64>().ok());
    let (mut pool, mut max, mut min) = (None, None::<i64>, None::<i64>);
    for c in cells {
        let mut it = c.detail.split(' ');
        pool = num(it.next()).or(pool);
        if let Some(v) = num(it.next()) {
            max = Some(max.map_or(v, |m| m.max(v)));
        }
        if let Some(v) = num(it.next()) {
            min = Some(min.map_or(v, |m| m.min(v)));
        }
    }
    let mut out = vec![pool, max, min];
    for g in Grade::ALL {
        let (n, sum) = cells
            .iter()
            .filter(|c| c.a == g.code())
            .fold((0i64, 0i64), |(n, s), c| (n + c.n, s + c.sum));
        out.push((n > 0).then(|| sum / n));
    }
    out
}

#[async_trait]
impl SectionProvider for SpreadSection {
    fn id(&self) -> &'static str {
        SECTION
    }

    /// One query for the whole district: the store picks each unit's latest applied run
    /// by each date's year and sums its shares per grade in SQL ([`Family::PayShares`]).
    async fn sections(
        &self,
        app: &App,
        d: DistrictId,
        units: &[UnitId],
        p: Period,
    ) -> AppResult<BTreeMap<UnitId, Section>> {
        let cells = app
            .store
            .report_cells(d, crate::report::scope(units), Family::PayShares, p)
            .await?;
        let mut by: BTreeMap<(UnitId, Moment), Vec<&Cell>> = BTreeMap::new();
        for c in &cells {
            by.entry((c.unit, c.at)).or_default().push(c);
        }
        let mut out = BTreeMap::new();
        // The district's own figures: every share of the units that have a run.
        let mut all: [Vec<&Cell>; 2] = [Vec::new(), Vec::new()];
        let mut pools: [Option<i64>; 2] = [None, None];
        for &u in units {
            let Some(a) = by.get(&(u, Moment::After)) else {
                continue;
            };
            let after = figures(a);
            let b = by.get(&(u, Moment::Before));
            let before = b.map(|b| figures(b));
            for (i, (cells, f)) in [(b, before.as_ref()), (Some(a), Some(&after))]
                .into_iter()
                .enumerate()
            {
                if let (Some(cells), Some(f)) = (cells, f) {
                    all[i].extend(cells.iter().copied());
                    pools[i] = add(pools[i], f[0]);
                }
            }
            out.insert(u, section(before.as_deref(), &after));
        }
        if !all[1].is_empty() {
            let district = |i: usize| {
                let mut f = figures(&all[i]);
                f[0] = pools[i];
                f
            };
            let before = (!all[0].is_empty()).then(|| district(0));
            let mut s = section(before.as_deref(), &district(1));
            s.note = Some(format!("report.note.{SECTION}.district"));
            out.insert(UnitId(0), s);
        }
        Ok(out)
    }
}

/// `a + b` where either is known.
fn add(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (None, None) => None,
        _ => Some(a.unwrap_or(0) + b.unwrap_or(0)),
    }
}

/// The section's lines from the figures of each date ([`figures`]).
fn section(before: Option<&[Option<i64>]>, after: &[Option<i64>]) -> Section {
    let labels = ["pool", "max", "min"]
        .into_iter()
        .map(String::from)
        .chain(Grade::ALL.iter().map(|g| format!("mean.{}", g.code())));
    let lines = labels
        .enumerate()
        .map(|(i, key)| {
            let mut l = Line::new(format!("report.line.pay.{key}"), Measure::Money);
            l.before = before.and_then(|f| f[i]);
            l.after = after[i];
            l
        })
        .collect();
    Section::new(SECTION, lines, false)
}
