//! The appraisal section of the reform results report (十五、考核等次分布): for each unit,
//! the grades of its latest confirmed annual appraisal (年度考核) on or before each end of
//! the period — "before" the one of the `from` year or earlier, "after" the one of the
//! `to` year or earlier — counted per grade, with those not graded on their own row.

use std::collections::BTreeMap;

use async_trait::async_trait;

use jiguan_domain::appraisal::Grade;
use jiguan_domain::report::{Family, Line, Moment, Period, Section, Unit as Measure};
use jiguan_domain::tenancy::{DistrictId, UnitId};

use crate::report::SectionProvider;
use crate::{App, AppResult};

/// The provider registered in [`crate::report::PROVIDERS`].
pub struct GradeSection;

/// The section's id; its title is `report.section.appraisal.grades`.
pub const SECTION: &str = "appraisal.grades";

#[async_trait]
impl SectionProvider for GradeSection {
    fn id(&self) -> &'static str {
        SECTION
    }

    /// One query for the whole district (the store picks each unit's cycle and counts its
    /// grades in SQL, [`Family::Grades`]).
    async fn sections(
        &self,
        app: &App,
        d: DistrictId,
        units: &[UnitId],
        p: Period,
    ) -> AppResult<BTreeMap<UnitId, Section>> {
        let cells = app
            .store
            .report_cells(d, crate::report::scope(units), Family::Grades, p)
            .await?;
        let slot = |code: &str| {
            Grade::ALL
                .iter()
                .position(|g| g.code() == code)
                .unwrap_or(Grade::ALL.len())
        };
        // Per unit and moment: one count per grade, then the people not graded.
        let mut counts: BTreeMap<(UnitId, Moment), Vec<i64>> = BTreeMap::new();
        for c in &cells {
            let n = counts
                .entry((c.unit, c.at))
                .or_insert_with(|| vec![0; Grade::ALL.len() + 1]);
            if !c.a.is_empty() {
                n[slot(&c.a)] += c.n;
            }
        }
        let mut out = BTreeMap::new();
        for &u in units {
            let Some(after) = counts.get(&(u, Moment::After)) else {
                continue;
            };
            let before = counts.get(&(u, Moment::Before));
            let codes = Grade::ALL.iter().map(|g| g.code()).chain(["ungraded"]);
            let lines = codes
                .enumerate()
                .map(|(i, code)| {
                    let mut l = Line::new(format!("report.line.appraisal.{code}"), Measure::Count);
                    l.before = before.map(|n| n[i]);
                    l.after = Some(after[i]);
                    l
                })
                .collect();
            out.insert(u, Section::new(SECTION, lines, true));
        }
        Ok(out)
    }
}
