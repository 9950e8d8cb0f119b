//! The pay section of the reform results report (十六、绩效分配差距): for each unit, the
//! latest applied pay run on or before each end of the period — "before" the one of the
//! `from` year or earlier, "after" the one of the `to` year or earlier —: the pool, the
//! highest and the lowest share, and the mean share of each grade, in fen. The rows do not
//! add up, so the section has no 合计 row, and the district's line is not a sum of its
//! units' lines: it is computed from the district's own shares (the pools summed, the
//! highest and lowest share of anyone, the mean of each grade over the district's people)
//! and given under [`UnitId`](jiguan_domain::tenancy::UnitId) 0, which the district report
//! puts in place of the sum.

use jiguan_domain::pay::Grade;
use jiguan_domain::report::{Cell, Family, Unit as Measure};

use crate::cell_section::CellSection;

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

/// One query for the whole district: the store picks each unit's latest applied run
/// by each date's year and sums its shares per grade in SQL ([`Family::PayShares`]).
impl CellSection for SpreadSection {
    const ID: &'static str = SECTION;
    const FAMILY: Family = Family::PayShares;
    const MEASURE: Measure = Measure::Money;
    const SUMMED: bool = false;

    fn labels() -> Vec<String> {
        let keys = ["pool", "max", "min"]
            .into_iter()
            .map(String::from)
            .chain(Grade::ALL.iter().map(|g| format!("mean.{}", g.code())));
        keys.map(|key| format!("report.line.pay.{key}")).collect()
    }

    fn figures(cells: &[&Cell]) -> Vec<Option<i64>> {
        figures(cells)
    }

    /// The highest and lowest share of anyone, each grade's mean over all the district's
    /// people of that grade, and the units' pools summed.
    fn district(cells: &[&Cell], units: &[Vec<Option<i64>>]) -> Option<Vec<Option<i64>>> {
        let mut f = figures(cells);
        f[0] = units.iter().fold(None, |sum, u| match (sum, u[0]) {
            (None, None) => None,
            (a, b) => Some(a.unwrap_or(0) + b.unwrap_or(0)),
        });
        Some(f)
    }
}
