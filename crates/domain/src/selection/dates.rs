//! Publicity, appointment, probation and term dates (RULES-SELECTION-APPRAISAL §1.11).
//!
//! - 任前公示: at least `publicity_workdays` (≥ 5) working days of the working-day calendar
//!   (holidays and 调休 make-up days, RULES.md §4), through
//!   [`crate::rules::selection::publicity`]; the appointment is no earlier than the first
//!   working day after it, and only with an outcome that allows it (§1.11.1–§1.11.2 [S3]).
//! - Periods counted in months or years include their first day and end the day before the
//!   anniversary: a 3-year term from 2026-03-01 ends 2029-02-28 (§1.11.4 [K]: "appointment
//!   date + 3 years − 1 day"). When the anniversary day does not exist (29 February in a
//!   common year), the anniversary is 1 March, so the period ends on 28 February — never
//!   shorter than the full years.
//! - 试用期 starts on the committee's decision date (`probation_start = decision_date`,
//!   §1.11.3 [S3], 条例 2019 art. 43) and lasts `probation_months` (12).
//! - Terms ending within 90 days are flagged for the dashboard (§1.11.4).

use crate::FieldError;
use crate::rules::calendar::{Calendar, CalendarMissing};
use crate::rules::selection::{Publicity, publicity as publicity_rule};
use chrono::{Datelike, Days, Months, NaiveDate};

use super::plan::Plan;

/// The publicity period of a plan starting on `start` (counted if it is a working day).
/// Errors: the calendar's year not loaded, as `start`/`calendar_missing` (arg `year`).
pub fn publicity(cal: &Calendar, plan: &Plan, start: NaiveDate) -> Result<Publicity, FieldError> {
    publicity_rule(cal, start, plan.publicity_workdays.max(1))
        .map_err(|e: CalendarMissing| e.to_field_error("start"))?
        .ok_or_else(|| FieldError::new("publicity_workdays", "out_of_range"))
}

closed_lists!("selection/dates.toml");

/// Whether a candidate may be appointed on `on` after `p`. Errors: `appointed_on`/
/// `selection_appointment_too_early` (arg `earliest`), `outcome`/
/// `selection_publicity_blocks` ("公示结果不影响任职的，办理任职手续": only the first two
/// outcomes allow it).
pub fn check_appointment(
    p: &Publicity,
    outcome: PublicityOutcome,
    on: NaiveDate,
) -> Result<(), Vec<FieldError>> {
    let mut errs = Vec::new();
    if on < p.earliest_appointment {
        errs.push(
            FieldError::new("appointed_on", "selection_appointment_too_early")
                .with("earliest", p.earliest_appointment),
        );
    }
    if outcome == PublicityOutcome::IssueVerified {
        errs.push(FieldError::new("outcome", "selection_publicity_blocks"));
    }
    if errs.is_empty() { Ok(()) } else { Err(errs) }
}

/// The anniversary `months` after `start`: the same day of the month, or the 1st of the
/// following month when that day does not exist (29 Feb → 1 Mar in a common year).
pub fn anniversary(start: NaiveDate, months: u32) -> Option<NaiveDate> {
    let total = i64::from(start.year()) * 12 + i64::from(start.month0()) + i64::from(months);
    let year = i32::try_from(total.div_euclid(12)).ok()?;
    let month0 = u32::try_from(total.rem_euclid(12)).ok()?;
    NaiveDate::from_ymd_opt(year, month0 + 1, start.day()).or_else(|| {
        NaiveDate::from_ymd_opt(year, month0 + 1, 1)?.checked_add_months(Months::new(1))
    })
}

/// The last day of a period of `months` starting on (and including) `start`.
pub fn period_end(start: NaiveDate, months: u32) -> Option<NaiveDate> {
    anniversary(start, months)?.checked_sub_days(Days::new(1))
}

/// The last day of a term (聘任期) of `plan.term_years` from the appointment date.
pub fn term_end(plan: &Plan, appointed: NaiveDate) -> Option<NaiveDate> {
    period_end(appointed, plan.term_years.checked_mul(12)?)
}

/// The last day of the probation (试用期) of `plan.probation_months` from the committee's
/// decision date; `None` when the plan has no probation.
pub fn probation_end(plan: &Plan, decided: NaiveDate) -> Option<NaiveDate> {
    if plan.probation_months == 0 {
        return None;
    }
    period_end(decided, plan.probation_months)
}

/// Days before a term's end from which the dashboard reminds (§1.11.4).
pub const TERM_REMINDER_DAYS: u64 = 90;

/// Whether a term ending on `end` ends within the next `days` days of `today` (today
/// included; a term already over is not "ending").
pub fn ends_within(end: NaiveDate, today: NaiveDate, days: u64) -> bool {
    end >= today
        && today
            .checked_add_days(Days::new(days))
            .is_none_or(|l| end <= l)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::rules::calendar::YearSchedule;
    use crate::selection::plan::tests::plan;
    use crate::selection::test_util::date;

    /// §1.11.1 vector: publicity from Thu 2025-09-25 runs 09-25, 09-26, 09-28 (a swapped
    /// working Sunday), 09-29, 09-30; appointment no earlier than 2025-10-09 (10-01…10-08
    /// are days off).
    #[test]
    fn vector_1_11_1_publicity_across_tiaoxiu_and_holiday() {
        let p = publicity(&Calendar::builtin(), &plan(), date("2025-09-25")).unwrap();
        let days: Vec<String> = p.days.iter().map(|d| d.to_string()).collect();
        assert_eq!(
            days,
            [
                "2025-09-25",
                "2025-09-26",
                "2025-09-28",
                "2025-09-29",
                "2025-09-30"
            ]
        );
        assert_eq!(p.last, date("2025-09-30"));
        assert_eq!(p.earliest_appointment, date("2025-10-09"));
    }

    #[test]
    fn publicity_across_the_spring_festival_and_year_end() {
        // 2026: from Thu 2026-02-12: 02-12, 02-13, 02-14 (调休 Saturday), then the holiday
        // 02-15…02-23, then 02-24, 02-25.
        let p = publicity(&Calendar::builtin(), &plan(), date("2026-02-12")).unwrap();
        assert_eq!(p.last, date("2026-02-25"));
        assert_eq!(p.earliest_appointment, date("2026-02-26"));
        // A period running into an unloaded year is an error naming the year, not a guess.
        let e = publicity(&Calendar::builtin(), &plan(), date("2026-12-28")).unwrap_err();
        assert_eq!(
            (e.field.as_str(), e.code.as_str()),
            ("start", "calendar_missing")
        );
        assert!(e.args.contains(&("year".into(), "2027".into())));
        let y = YearSchedule::parse("year 2027\n2027-01-01 off\n").unwrap();
        let cal = Calendar::builtin().with_year(y);
        let p = publicity(&cal, &plan(), date("2026-12-28")).unwrap();
        assert_eq!(p.last, date("2027-01-04"));
    }

    #[test]
    fn appointment_after_publicity_and_only_without_a_verified_issue() {
        let p = publicity(&Calendar::builtin(), &plan(), date("2025-09-25")).unwrap();
        assert_eq!(
            check_appointment(&p, PublicityOutcome::NoIssue, date("2025-10-09")),
            Ok(())
        );
        assert_eq!(
            check_appointment(&p, PublicityOutcome::IssueNotAffecting, date("2025-10-10")),
            Ok(())
        );
        let e =
            check_appointment(&p, PublicityOutcome::IssueVerified, date("2025-10-08")).unwrap_err();
        let codes: Vec<&str> = e.iter().map(|x| x.code.as_str()).collect();
        assert_eq!(
            codes,
            [
                "selection_appointment_too_early",
                "selection_publicity_blocks"
            ]
        );
    }

    #[test]
    fn term_and_probation_dates() {
        let p = plan(); // 3 years, 12 months
        assert_eq!(term_end(&p, date("2026-03-01")), Some(date("2029-02-28")));
        assert_eq!(term_end(&p, date("2025-03-01")), Some(date("2028-02-29")));
        assert_eq!(term_end(&p, date("2026-01-15")), Some(date("2029-01-14")));
        assert_eq!(
            probation_end(&p, date("2026-01-15")),
            Some(date("2027-01-14"))
        );
        assert_eq!(
            probation_end(&p, date("2023-03-01")),
            Some(date("2024-02-29"))
        );
        let mut none = p.clone();
        none.probation_months = 0;
        assert_eq!(probation_end(&none, date("2026-01-15")), None);
    }

    /// 29 February: the anniversary in a common year is 1 March, so the period ends on
    /// 28 February.
    #[test]
    fn term_and_probation_from_29_february() {
        let p = plan();
        assert_eq!(
            anniversary(date("2024-02-29"), 36),
            Some(date("2027-03-01"))
        );
        assert_eq!(term_end(&p, date("2024-02-29")), Some(date("2027-02-28")));
        assert_eq!(
            probation_end(&p, date("2024-02-29")),
            Some(date("2025-02-28"))
        );
        // Four years on, 29 February exists again.
        assert_eq!(period_end(date("2024-02-29"), 48), Some(date("2028-02-28")));
        assert_eq!(anniversary(date("2026-01-31"), 1), Some(date("2026-03-01")));
    }

    #[test]
    fn terms_ending_within_90_days() {
        let today = date("2026-12-03");
        assert!(ends_within(date("2026-12-03"), today, TERM_REMINDER_DAYS));
        assert!(ends_within(date("2027-03-03"), today, TERM_REMINDER_DAYS)); // day 90
        assert!(!ends_within(date("2027-03-04"), today, TERM_REMINDER_DAYS)); // day 91
        assert!(!ends_within(date("2026-12-02"), today, TERM_REMINDER_DAYS)); // over
    }
}
