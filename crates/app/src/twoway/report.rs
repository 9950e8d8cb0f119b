//! The two-way selection section of the reform results report (十四、双向择岗): for each
//! unit, the rounds applied on or before each end of the period added up — participants,
//! placed (matched or by confirmed 调剂), placed at their first choice, placed by 调剂,
//! unplaced, and the unplaced by route. "Before" counts rounds applied by the `from` date,
//! "after" by the `to` date.

use std::collections::BTreeMap;

use async_trait::async_trait;

use jiguan_domain::report::{Line, Section, Unit as Measure};
use jiguan_domain::tenancy::UnitId;
use jiguan_domain::twoway::Route;

use super::RoundResult;
use crate::AppResult;
use crate::report::{SectionProvider, SectionQuery};

/// The provider registered in [`crate::report::PROVIDERS`].
pub struct PlacementSection;

/// The section's id; its title is `report.section.twoway.placement`.
pub const SECTION: &str = "twoway.placement";

/// The rows' keys (`report.line.twoway.<key>`), in order.
fn keys() -> Vec<String> {
    [
        "participants",
        "placed",
        "first_choice",
        "adjusted",
        "unplaced",
    ]
    .into_iter()
    .map(String::from)
    .chain(Route::ALL.iter().map(|r| format!("route.{}", r.code())))
    .collect()
}

/// The figures of a set of applied rounds, in the order of [`keys`].
fn figures<'a>(results: impl Iterator<Item = &'a RoundResult>) -> Vec<i64> {
    let mut n = vec![0i64; keys().len()];
    let count = |x: usize| i64::try_from(x).unwrap_or(i64::MAX);
    for r in results {
        n[0] += count(r.outcome.participants());
        n[1] += count(r.placements().len());
        n[2] += count(r.outcome.first_choice());
        n[3] += count(r.adjusted.len());
        let unplaced = r.unplaced();
        n[4] += count(unplaced.len());
        for p in unplaced {
            if let Some(route) = r.routes.get(&p) {
                let i = Route::ALL.iter().position(|x| x == route).unwrap_or(0);
                n[5 + i] += 1;
            }
        }
    }
    n
}

#[async_trait]
impl SectionProvider for PlacementSection {
    fn id(&self) -> &'static str {
        SECTION
    }

    async fn sections(&self, q: SectionQuery<'_>) -> AppResult<BTreeMap<UnitId, Section>> {
        let (units, p) = (q.units, q.p);
        // Every round of the district (or of the one unit) in one query, grouped by unit.
        let mut by_unit: BTreeMap<UnitId, Vec<(chrono::NaiveDate, RoundResult)>> = BTreeMap::new();
        for r in q
            .app
            .store
            .tw_rounds(q.d, crate::report::scope(units))
            .await?
        {
            let Some(at) = r.applied_at else { continue };
            let on = at.with_timezone(&jiguan_domain::time::china()).date_naive();
            let unit = r.unit_id;
            if let Some(res) = r.result() {
                by_unit.entry(unit).or_default().push((on, res));
            }
        }
        let mut out = BTreeMap::new();
        for &u in units {
            let Some(applied) = by_unit.get(&u) else {
                continue;
            };
            let by = |date: chrono::NaiveDate| {
                figures(applied.iter().filter(|(on, _)| *on <= date).map(|(_, r)| r))
            };
            let after = by(p.to);
            if after[0] == 0 {
                continue;
            }
            let before = by(p.from);
            let lines = keys()
                .into_iter()
                .enumerate()
                .map(|(i, key)| {
                    let mut l = Line::new(format!("report.line.twoway.{key}"), Measure::Count);
                    l.before = Some(before[i]);
                    l.after = Some(after[i]);
                    l
                })
                .collect();
            out.insert(u, Section::new(SECTION, lines, false));
        }
        Ok(out)
    }
}
