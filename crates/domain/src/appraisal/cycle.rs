//! Appraisal cycles: kind and period, validation, who is appraised and who is not graded.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::{Grade, Ungraded};
use crate::FieldError;
use crate::error::{Errors, required_text};
use crate::people::Identity;

/// Longest cycle title.
pub const TITLE_MAX: usize = 100;
/// Longest free-text reason or comment.
pub const REASON_MAX: usize = 500;
/// Default months of probation under which new staff are not graded (APR-6: new civil
/// servants within the 1-year probation; parameter `appraisal.new_staff_months`).
pub const NEW_STAFF_MONTHS: u32 = 12;

closed_lists!("appraisal/cycle.toml");

/// A new cycle as entered (form, API, CLI: one input shape).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct CycleForm {
    pub title: String,
    pub kind: String,
    pub year: String,
    /// 1–4 for a periodic cycle; blank for an annual one.
    pub quarter: String,
    /// The day scoring ends (YYYY-MM-DD, optional).
    pub due_on: String,
}

/// A cycle that passed every check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CycleInput {
    pub title: String,
    pub kind: Kind,
    pub year: i32,
    /// `Some(1..=4)` for a periodic cycle.
    pub quarter: Option<u32>,
    pub due_on: Option<NaiveDate>,
}

impl CycleInput {
    /// The first and last day the cycle appraises.
    pub fn period(&self) -> (NaiveDate, NaiveDate) {
        period(self.year, self.quarter)
    }
}

/// The first and last day of a year, or of one quarter of it.
pub fn period(year: i32, quarter: Option<u32>) -> (NaiveDate, NaiveDate) {
    let (m1, m2) = match quarter {
        Some(q @ 1..=4) => (3 * q - 2, 3 * q),
        _ => (1, 12),
    };
    let start = NaiveDate::from_ymd_opt(year, m1, 1).unwrap_or_default();
    let next = if m2 == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, m2 + 1, 1)
    };
    let end = next.and_then(|d| d.pred_opt()).unwrap_or(start);
    (start, end)
}

impl CycleForm {
    /// Every invalid field at once: `title` (required, length), `kind`, `year`
    /// (`out_of_range` 2000–2100), `quarter` (required 1–4 for periodic, empty for annual),
    /// `due_on` (`date_invalid`).
    pub fn parse(&self) -> Result<CycleInput, Vec<FieldError>> {
        let mut errs = Errors::new();
        let title = errs.take(required_text("title", &self.title, TITLE_MAX));
        let kind = errs.take(Kind::parse("kind", &self.kind));
        let year = match self.year.trim().parse::<i32>() {
            Ok(y) if (2000..=2100).contains(&y) => Some(y),
            _ if self.year.trim().is_empty() => {
                errs.push(FieldError::new("year", "required"));
                None
            }
            _ => {
                errs.push(
                    FieldError::new("year", "out_of_range")
                        .with("min", 2000)
                        .with("max", 2100),
                );
                None
            }
        };
        let q = self.quarter.trim();
        let quarter = match (kind, q) {
            (Some(Kind::Annual), "") | (None, _) => None,
            (Some(Kind::Annual), _) => {
                errs.push(FieldError::new("quarter", "appraisal_quarter_annual"));
                None
            }
            (Some(Kind::Periodic), "") => {
                errs.push(FieldError::new("quarter", "required"));
                None
            }
            (Some(Kind::Periodic), q) => match q.parse::<u32>() {
                Ok(n @ 1..=4) => Some(n),
                _ => {
                    errs.push(
                        FieldError::new("quarter", "out_of_range")
                            .with("min", 1)
                            .with("max", 4),
                    );
                    None
                }
            },
        };
        let due_on = if self.due_on.trim().is_empty() {
            None
        } else {
            errs.take(crate::people::parse_date("due_on", &self.due_on))
        };
        errs.into_result()?;
        match (title, kind, year) {
            (Some(title), Some(kind), Some(year)) => Ok(CycleInput {
                title,
                kind,
                year,
                quarter,
                due_on,
            }),
            _ => Err(vec![FieldError::new("title", "required")]),
        }
    }
}

/// What the cycle knows of a person when deciding whether they are graded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PersonFacts {
    pub identity: Identity,
    /// The day the person joined (录用/参加工作), if known.
    pub hired_on: Option<NaiveDate>,
    /// Days of 病假/事假 in the appraisal period.
    pub leave_days: u32,
    /// 立案审查调查 open.
    pub under_investigation: bool,
    /// A 记过/记大过/降级/撤职 sanction running (a 警告 only caps the grade, APR-7).
    pub sanction_running: bool,
}

/// Whether a person is graded in a cycle over `period`, and if not why (APR-6). The first
/// reason that applies is given, in the order: investigation, sanction, new staff, leave.
///
/// - New staff: hired less than `new_staff_months` months before the period's end.
/// - Long leave: 病假/事假 over half the period's days (strictly more than half).
pub fn ungraded_reason(
    p: &PersonFacts,
    period: (NaiveDate, NaiveDate),
    new_staff_months: u32,
) -> Option<Ungraded> {
    if p.under_investigation {
        return Some(Ungraded::Investigation);
    }
    if p.sanction_running {
        return Some(Ungraded::Sanction);
    }
    if let Some(h) = p.hired_on
        && new_staff_months > 0
        && months_before(h, period.1) < new_staff_months
    {
        return Some(Ungraded::NewStaff);
    }
    let days = (period.1 - period.0).num_days() + 1;
    if i64::from(p.leave_days) * 2 > days {
        return Some(Ungraded::LongLeave);
    }
    None
}

/// Whole months from `from` to `to` (0 when `to` is earlier).
pub fn months_before(from: NaiveDate, to: NaiveDate) -> u32 {
    if to < from {
        return 0;
    }
    let mut m = (to.year() - from.year()) * 12 + to.month() as i32 - from.month() as i32;
    if to.day() < from.day() {
        m -= 1;
    }
    u32::try_from(m.max(0)).unwrap_or(0)
}

/// The label of a grade for a person of `identity` (APR-5): 事业 staff are 合格/基本合格/
/// 不合格, everyone else 称职/基本称职/不称职.
pub fn grade_label(g: Grade, identity: Identity) -> &'static str {
    let institution = identity == Identity::InstitutionCadre;
    match (g, institution) {
        (Grade::Excellent, _) => "优秀",
        (Grade::Competent, false) => "称职",
        (Grade::Competent, true) => "合格",
        (Grade::Basic, false) => "基本称职",
        (Grade::Basic, true) => "基本合格",
        (Grade::Incompetent, false) => "不称职",
        (Grade::Incompetent, true) => "不合格",
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::test_util::date;

    fn facts() -> PersonFacts {
        PersonFacts {
            identity: Identity::CivilServant,
            hired_on: Some(date("2010-03-01")),
            leave_days: 0,
            under_investigation: false,
            sanction_running: false,
        }
    }

    #[test]
    fn parses_cycles_with_every_error_at_once() {
        let ok = CycleForm {
            title: "2019年度考核".into(),
            kind: "年度考核".into(),
            year: "2019".into(),
            ..Default::default()
        }
        .parse()
        .unwrap();
        assert_eq!((ok.kind, ok.year, ok.quarter), (Kind::Annual, 2019, None));
        assert_eq!(ok.period(), (date("2019-01-01"), date("2019-12-31")));
        let q = CycleForm {
            title: "一季度".into(),
            kind: "periodic".into(),
            year: "2020".into(),
            quarter: "1".into(),
            ..Default::default()
        }
        .parse()
        .unwrap();
        assert_eq!(q.period(), (date("2020-01-01"), date("2020-03-31")));
        let errs = CycleForm {
            kind: "periodic".into(),
            year: "19".into(),
            quarter: "5".into(),
            due_on: "x".into(),
            ..Default::default()
        }
        .parse()
        .unwrap_err();
        let fields: Vec<_> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["title", "year", "quarter", "due_on"]);
        let errs = CycleForm {
            title: "t".into(),
            kind: "annual".into(),
            year: "2019".into(),
            quarter: "2".into(),
            ..Default::default()
        }
        .parse()
        .unwrap_err();
        assert_eq!(errs[0].code, "appraisal_quarter_annual");
    }

    #[test]
    fn ungraded_rules() {
        let year = period(2019, None);
        assert_eq!(ungraded_reason(&facts(), year, 12), None);
        // hired 2019-01-01: 11 whole months before 2019-12-31 → new staff
        let mut p = facts();
        p.hired_on = Some(date("2019-01-01"));
        assert_eq!(ungraded_reason(&p, year, 12), Some(Ungraded::NewStaff));
        // hired 2018-12-31: 12 months → graded
        p.hired_on = Some(date("2018-12-31"));
        assert_eq!(ungraded_reason(&p, year, 12), None);
        // parameter 6 months
        p.hired_on = Some(date("2019-06-30"));
        assert_eq!(ungraded_reason(&p, year, 6), None);
        p.hired_on = Some(date("2019-07-01"));
        assert_eq!(ungraded_reason(&p, year, 6), Some(Ungraded::NewStaff));
        // leave: 182 of 365 days is not over half, 183 is
        let mut l = facts();
        l.leave_days = 182;
        assert_eq!(ungraded_reason(&l, year, 12), None);
        l.leave_days = 183;
        assert_eq!(ungraded_reason(&l, year, 12), Some(Ungraded::LongLeave));
        let mut i = facts();
        i.under_investigation = true;
        i.leave_days = 300;
        assert_eq!(ungraded_reason(&i, year, 12), Some(Ungraded::Investigation));
        let mut s = facts();
        s.sanction_running = true;
        assert_eq!(ungraded_reason(&s, year, 12), Some(Ungraded::Sanction));
    }

    #[test]
    fn labels_follow_identity() {
        assert_eq!(
            grade_label(Grade::Competent, Identity::CivilServant),
            "称职"
        );
        assert_eq!(
            grade_label(Grade::Basic, Identity::InstitutionCadre),
            "基本合格"
        );
        assert_eq!(months_before(date("2019-01-15"), date("2019-03-14")), 1);
        assert_eq!(months_before(date("2019-05-01"), date("2019-03-14")), 0);
    }
}
