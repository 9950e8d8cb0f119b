//! The appraisal section of the reform results report (十五、考核等次分布): for each unit,
//! the grades of its latest confirmed annual appraisal (年度考核) on or before each end of
//! the period — "before" the one of the `from` year or earlier, "after" the one of the
//! `to` year or earlier — counted per grade, with those not graded on their own row.

use jiguan_domain::appraisal::Grade;
use jiguan_domain::report::{Cell, Family, Unit as Measure};

use crate::cell_section::CellSection;

/// The provider registered in [`crate::report::PROVIDERS`].
pub struct GradeSection;

/// The section's id; its title is `report.section.appraisal.grades`.
pub const SECTION: &str = "appraisal.grades";

/// One query for the whole district (the store picks each unit's cycle and counts its
/// grades in SQL, [`Family::Grades`]).
impl CellSection for GradeSection {
    const ID: &'static str = SECTION;
    const FAMILY: Family = Family::Grades;
    const MEASURE: Measure = Measure::Count;
    const SUMMED: bool = true;

    fn labels() -> Vec<String> {
        let codes = Grade::ALL.iter().map(|g| g.code()).chain(["ungraded"]);
        codes
            .map(|code| format!("report.line.appraisal.{code}"))
            .collect()
    }

    /// One count per grade, then the people not graded.
    fn figures(cells: &[&Cell]) -> Vec<Option<i64>> {
        let slot = |code: &str| {
            Grade::ALL
                .iter()
                .position(|g| g.code() == code)
                .unwrap_or(Grade::ALL.len())
        };
        let mut n = vec![0; Grade::ALL.len() + 1];
        for c in cells.iter().filter(|c| !c.a.is_empty()) {
            n[slot(&c.a)] += c.n;
        }
        n.into_iter().map(Some).collect()
    }
}
