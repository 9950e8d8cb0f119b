//! The report sections that come straight from one family of the store's report cells
//! (appraisal grades, pay shares): one query for the district, the cells grouped per
//! unit and moment, one figure per line before and after the period. A module implements
//! [`CellSection`] and is then a [`SectionProvider`].

use std::collections::BTreeMap;

use async_trait::async_trait;

use jiguan_domain::report::{Cell, Family, Line, Moment, Period, Section, Unit as Measure};
use jiguan_domain::tenancy::{DistrictId, UnitId};

use crate::report::{SectionProvider, scope};
use crate::{App, AppResult};

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
}

#[async_trait]
impl<T: CellSection> SectionProvider for T {
    fn id(&self) -> &'static str {
        T::ID
    }

    /// A unit with no cells after the period is left out (暂无数据).
    async fn sections(
        &self,
        app: &App,
        d: DistrictId,
        units: &[UnitId],
        p: Period,
    ) -> AppResult<BTreeMap<UnitId, Section>> {
        let cells = app
            .store
            .report_cells(d, scope(units), T::FAMILY, p)
            .await?;
        let mut by: BTreeMap<(UnitId, Moment), Vec<&Cell>> = BTreeMap::new();
        for c in &cells {
            by.entry((c.unit, c.at)).or_default().push(c);
        }
        let mut out = BTreeMap::new();
        for &u in units {
            let Some(a) = by.get(&(u, Moment::After)) else {
                continue;
            };
            let after = T::figures(a);
            let before = by.get(&(u, Moment::Before)).map(|b| T::figures(b));
            let lines = T::labels()
                .into_iter()
                .enumerate()
                .map(|(i, label)| {
                    let mut l = Line::new(label, T::MEASURE);
                    l.before = before.as_ref().and_then(|f| f[i]);
                    l.after = after[i];
                    l
                })
                .collect();
            out.insert(u, Section::new(T::ID, lines, T::SUMMED));
        }
        Ok(out)
    }
}
