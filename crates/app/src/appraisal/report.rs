//! The appraisal section of the reform results report (十五、考核等次分布): for each unit,
//! the grades of its latest confirmed annual appraisal (年度考核) on or before each end of
//! the period — "before" the one of the `from` year or earlier, "after" the one of the
//! `to` year or earlier — counted per grade, with those not graded on their own row.

use std::collections::BTreeMap;

use async_trait::async_trait;

use jiguan_domain::appraisal::Grade;
use jiguan_domain::appraisal::cycle::Kind;
use jiguan_domain::report::{Line, Period, Section, Unit as Measure};
use jiguan_domain::tenancy::{DistrictId, UnitId};

use super::CycleRecord;
use super::usecases::RESULT_STATUSES;
use crate::report::SectionProvider;
use crate::{App, AppResult};

/// The provider registered in [`crate::report::PROVIDERS`].
pub struct GradeSection;

/// The section's id; its title is `report.section.appraisal.grades`.
pub const SECTION: &str = "appraisal.grades";

/// Grade counts of one cycle: one per grade code, then the people not graded.
async fn counts(app: &App, d: DistrictId, u: UnitId, c: &CycleRecord) -> AppResult<Vec<i64>> {
    let mut n = vec![0i64; Grade::ALL.len() + 1];
    for p in app.store.apr_participants(d, u, c.id).await? {
        match p.grade.filter(|_| p.ungraded.is_none()) {
            Some(g) => n[Grade::ALL.iter().position(|x| *x == g).unwrap_or(0)] += 1,
            None => n[Grade::ALL.len()] += 1,
        }
    }
    Ok(n)
}

#[async_trait]
impl SectionProvider for GradeSection {
    fn id(&self) -> &'static str {
        SECTION
    }

    async fn sections(
        &self,
        app: &App,
        d: DistrictId,
        units: &[UnitId],
        p: Period,
    ) -> AppResult<BTreeMap<UnitId, Section>> {
        use chrono::Datelike;
        let mut out = BTreeMap::new();
        for &u in units {
            let cycles = app.store.apr_cycles(d, u).await?;
            let latest = |year: i32| {
                cycles
                    .iter()
                    .filter(|c| {
                        c.kind == Kind::Annual
                            && c.year <= year
                            && RESULT_STATUSES.contains(&c.status)
                    })
                    .max_by_key(|c| c.year)
            };
            let (b, a) = (latest(p.from.year()), latest(p.to.year()));
            if a.is_none() {
                continue;
            }
            let before = match b {
                Some(c) => Some(counts(app, d, u, c).await?),
                None => None,
            };
            let after = match a {
                Some(c) => Some(counts(app, d, u, c).await?),
                None => None,
            };
            let codes = Grade::ALL.iter().map(|g| g.code()).chain(["ungraded"]);
            let lines = codes
                .enumerate()
                .map(|(i, code)| {
                    let mut l = Line::new(format!("report.line.appraisal.{code}"), Measure::Count);
                    l.before = before.as_ref().map(|n| n[i]);
                    l.after = after.as_ref().map(|n| n[i]);
                    l
                })
                .collect();
            out.insert(u, Section::new(SECTION, lines, true));
        }
        Ok(out)
    }
}
