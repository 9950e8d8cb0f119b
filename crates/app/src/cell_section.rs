//! The report sections that come straight from one family of the store's report cells
//! (appraisal grades, pay shares): one query for the district, the cells grouped per
//! unit and moment, one figure per line before and after the period. A module implements
//! [`CellSection`] and is then a [`SectionProvider`].

use std::collections::BTreeMap;

use async_trait::async_trait;

use jiguan_domain::report::{Cell, Family, Line, Moment, Section, Unit as Measure};
use jiguan_domain::tenancy::UnitId;

use crate::AppResult;
use crate::report::{SectionProvider, SectionQuery};

/// A section whose lines are figures of one [`Family`] of cells.
pub trait CellSection: Send + Sync {
    /// The section's id (`report.section.<id>` is its title).
    const ID: &'static str;
    /// The family the store aggregates for it.
    const FAMILY: Family;
    /// How its figures are read.
    const MEASURE: Measure;
    /// Whether its lines add up (then it gets a 合计 row).
    const SUMMED: bool;
    /// The locale key of each line, in order.
    fn labels() -> Vec<String>;
    /// One figure per line (`None`: nothing to show) from a unit's cells at one moment.
    fn figures(cells: &[&Cell]) -> Vec<Option<i64>>;
    /// The district's own figures at one moment, from the cells and the figures of the
    /// units that have a section, for a section whose district line is not the sum of its
    /// units' lines (given under [`UnitId`] 0, which the district report shows in place of
    /// the sum). `None` (the default): the district line is the units' sum.
    fn district(_cells: &[&Cell], _units: &[Vec<Option<i64>>]) -> Option<Vec<Option<i64>>> {
        None
    }
}

#[async_trait]
impl<T: CellSection> SectionProvider for T {
    fn id(&self) -> &'static str {
        T::ID
    }

    /// A unit with no cells after the period is left out (暂无数据).
    async fn sections(&self, q: SectionQuery<'_>) -> AppResult<BTreeMap<UnitId, Section>> {
        let cells = q.cells(T::FAMILY).await?;
        let mut by: BTreeMap<(UnitId, Moment), Vec<&Cell>> = BTreeMap::new();
        for c in &cells {
            by.entry((c.unit, c.at)).or_default().push(c);
        }
        let mut out = BTreeMap::new();
        // What the district's own line is computed from: the cells and figures of the
        // units that have a section, before [0] and after [1].
        let mut all: [(Vec<&Cell>, Vec<Vec<Option<i64>>>); 2] = Default::default();
        for &u in q.units {
            let Some(a) = by.get(&(u, Moment::After)) else {
                continue;
            };
            let after = T::figures(a);
            let b = by.get(&(u, Moment::Before));
            let before = b.map(|b| T::figures(b));
            if let (Some(b), Some(f)) = (b, &before) {
                all[0].0.extend(b.iter().copied());
                all[0].1.push(f.clone());
            }
            all[1].0.extend(a.iter().copied());
            all[1].1.push(after.clone());
            out.insert(u, section::<T>(before.as_deref(), &after));
        }
        let [before, after] = &all;
        if !after.0.is_empty()
            && let Some(a) = T::district(&after.0, &after.1)
        {
            let b = (!before.0.is_empty())
                .then(|| T::district(&before.0, &before.1))
                .flatten();
            let mut s = section::<T>(b.as_deref(), &a);
            s.note = Some(format!("report.note.{}.district", T::ID));
            out.insert(UnitId(0), s);
        }
        Ok(out)
    }
}

/// A section's lines from its figures before (if any) and after the period.
fn section<T: CellSection>(before: Option<&[Option<i64>]>, after: &[Option<i64>]) -> Section {
    let lines = T::labels()
        .into_iter()
        .enumerate()
        .map(|(i, label)| {
            let mut l = Line::new(label, T::MEASURE);
            l.before = before.and_then(|f| f[i]);
            l.after = after[i];
            l
        })
        .collect();
    Section::new(T::ID, lines, T::SUMMED)
}
