//! Voluntary early retirement of civil servants (提前退休) and leaving the post before
//! retirement (离岗退养).
//!
//! Source: 公务员法 (2018-12-29) art. 93 (RULES.md §2): a civil servant may retire early on
//! request, with approval, when (1) service is at least 30 years, or (2) the statutory
//! retirement age is less than five years away and service is at least 20 years.
//! Public-institution staff follow the same conditions by default (policy parameter
//! `early_retirement.institution_follows_civil_servant`).
//!
//! Definitions used here (the statute does not spell them out):
//! - **Service** (工作年限) runs from the first day of the work-start month to the `on` date and
//!   is counted in whole months: `months(on) − months(work start)`, so a person who started in
//!   1996-07 has 30 years on any day of 2026-07.
//! - **Reaching the statutory age** happens on the first day of the statutory retirement month
//!   (only the birth month is known); call that day `R`.
//! - **"Less than N years before the statutory age"** (距国家规定的退休年龄不足 N 年) holds on
//!   `on` iff `R − N years < on < R`: on the day exactly N years before `R` it does not hold
//!   yet; from `R` on the person has reached the age and early retirement no longer applies.
//!
//! 离岗退养 has no national rule: by default a person may leave the post within 5 years of the
//! statutory retirement age (policy parameter `retirement.leave_post_years_before`), paid until
//! the statutory retirement month.

use chrono::{Months, NaiveDate};
use serde::Serialize;

use super::retirement::{Age, Category, Retirement, YearMonth, statutory_retirement};
use crate::FieldError;

closed_lists!("rules/early_retirement.toml");

/// Where a date lies relative to the window "less than `years` before the statutory age".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Window {
    /// `on ≤ R − years`.
    Before,
    /// `R − years < on < R`.
    Within,
    /// `on ≥ R`: the statutory age is reached.
    Reached,
}

/// Classifies `on` against the window of `years` before the statutory retirement month.
/// `None` only for dates chrono cannot represent.
pub fn window(retirement_month: YearMonth, on: NaiveDate, years: u32) -> Option<Window> {
    let reach = retirement_month.first_day()?;
    let start = reach.checked_sub_months(Months::new(years.checked_mul(12)?))?;
    Some(if on >= reach {
        Window::Reached
    } else if on > start {
        Window::Within
    } else {
        Window::Before
    })
}

/// Service in whole months from the first day of `work_start` to `on`; `None` when `on` is
/// before the work-start month.
pub fn service(work_start: YearMonth, on: NaiveDate) -> Option<Age> {
    let m = work_start.months_until(YearMonth::of_date(on));
    u32::try_from(m).ok().map(Age::from_months)
}

/// The assessment of art. 93 on one date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EarlyRetirement {
    pub eligible: bool,
    pub grounds: Vec<Ground>,
    pub service: Age,
    pub retirement: Retirement,
    pub window: Window,
    /// False for institution staff when the parameter says art. 93 does not apply to them.
    pub rule_applies: bool,
}

/// 公务员法 art. 93 (1) and (2). Errors name the calculator's input fields:
/// `work-start`/`date_order` (work start not after birth), `on`/`date_order` (before work
/// start), `birth`/`month_invalid` (out of range).
pub fn early_retirement(
    birth: YearMonth,
    category: Category,
    work_start: YearMonth,
    on: NaiveDate,
    staff: Staff,
    institution_follows_civil_servant: bool,
) -> Result<EarlyRetirement, FieldError> {
    if work_start <= birth {
        return Err(FieldError::new("work-start", "date_order"));
    }
    let retirement =
        statutory_retirement(birth, category).ok_or(FieldError::new("birth", "month_invalid"))?;
    let service = service(work_start, on).ok_or(FieldError::new("on", "date_order"))?;
    let window = window(retirement.retirement_month, on, 5)
        .ok_or(FieldError::new("birth", "month_invalid"))?;
    let rule_applies = staff == Staff::CivilServant || institution_follows_civil_servant;
    let mut grounds = Vec::new();
    if rule_applies && window != Window::Reached {
        let months = service.total_months();
        if months >= 30 * 12 {
            grounds.push(Ground::Service30Years);
        }
        if window == Window::Within && months >= 20 * 12 {
            grounds.push(Ground::NearRetirement20Years);
        }
    }
    Ok(EarlyRetirement {
        eligible: !grounds.is_empty(),
        grounds,
        service,
        retirement,
        window,
        rule_applies,
    })
}

/// 离岗退养 eligibility on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LeavePost {
    pub eligible: bool,
    pub retirement: Retirement,
    pub window: Window,
    /// Months paid from the month of `on` (inclusive) up to the statutory retirement month
    /// (exclusive); 0 once the age is reached.
    pub months_until_retirement: u32,
}

/// 离岗退养 (local policy parameter `retirement.leave_post_years_before`, default 5):
/// eligible iff `on` lies less than `years_before` years before the statutory age.
pub fn leave_post(
    birth: YearMonth,
    category: Category,
    on: NaiveDate,
    years_before: u32,
) -> Result<LeavePost, FieldError> {
    let retirement =
        statutory_retirement(birth, category).ok_or(FieldError::new("birth", "month_invalid"))?;
    let window = window(retirement.retirement_month, on, years_before)
        .ok_or(FieldError::new("birth", "month_invalid"))?;
    let months = YearMonth::of_date(on).months_until(retirement.retirement_month);
    Ok(LeavePost {
        eligible: window == Window::Within,
        retirement,
        window,
        months_until_retirement: u32::try_from(months).unwrap_or(0),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ym(s: &str) -> YearMonth {
        YearMonth::parse("m", s).unwrap()
    }
    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }
    fn run(birth: &str, cat: Category, start: &str, on: &str) -> EarlyRetirement {
        early_retirement(ym(birth), cat, ym(start), d(on), Staff::CivilServant, true).unwrap()
    }

    #[test]
    fn service_counts_whole_months_from_start_month() {
        assert_eq!(
            service(ym("1996-07"), d("2026-07-01")),
            Some(Age {
                years: 30,
                months: 0
            })
        );
        assert_eq!(
            service(ym("1996-07"), d("2026-06-30")),
            Some(Age {
                years: 29,
                months: 11
            })
        );
        assert_eq!(
            service(ym("1996-07"), d("1996-07-31")),
            Some(Age {
                years: 0,
                months: 0
            })
        );
        assert_eq!(service(ym("1996-07"), d("1996-06-30")), None);
    }

    #[test]
    fn thirty_years_of_service() {
        // man born 1975-03: statutory 2038 or later, far away; 30 years reached 2026-07
        let r = run("1975-03", Category::Male, "1996-07", "2026-07-15");
        assert!(r.eligible);
        assert_eq!(r.grounds, vec![Ground::Service30Years]);
        let r = run("1975-03", Category::Male, "1996-07", "2026-06-15");
        assert!(!r.eligible);
        assert!(r.grounds.is_empty());
    }

    #[test]
    fn near_retirement_with_twenty_years() {
        // man born 1970-05 retires 2031-10 (R = 2031-10-01); window opens after 2026-10-01
        let at = |on: &str| run("1970-05", Category::Male, "2000-01", on);
        assert_eq!(at("2026-10-01").window, Window::Before);
        assert!(!at("2026-10-01").eligible);
        let r = at("2026-10-02");
        assert_eq!(r.window, Window::Within);
        assert_eq!(r.grounds, vec![Ground::NearRetirement20Years]);
        assert_eq!(
            r.service,
            Age {
                years: 26,
                months: 9
            }
        );
        assert_eq!(at("2031-09-30").window, Window::Within);
        let r = at("2031-10-01");
        assert_eq!(r.window, Window::Reached);
        assert!(!r.eligible);
        // near but fewer than 20 years
        let r = run("1970-05", Category::Male, "2010-01", "2029-12-31");
        assert_eq!(r.window, Window::Within);
        assert!(!r.eligible);
        // both grounds
        let r = run("1970-05", Category::Male, "1990-01", "2030-01-01");
        assert_eq!(
            r.grounds,
            vec![Ground::Service30Years, Ground::NearRetirement20Years]
        );
    }

    #[test]
    fn institution_staff_follow_parameter() {
        let f = |follows| {
            early_retirement(
                ym("1970-05"),
                Category::Male,
                ym("1990-01"),
                d("2030-01-01"),
                Staff::Institution,
                follows,
            )
            .unwrap()
        };
        assert!(f(true).eligible);
        let r = f(false);
        assert!(!r.eligible && !r.rule_applies);
    }

    #[test]
    fn bad_orders_are_errors() {
        let e = early_retirement(
            ym("1970-05"),
            Category::Male,
            ym("1970-05"),
            d("2030-01-01"),
            Staff::CivilServant,
            true,
        );
        assert_eq!(
            e.map_err(|e| (e.field, e.code)),
            Err(("work-start".into(), "date_order".into()))
        );
        let e = early_retirement(
            ym("1970-05"),
            Category::Male,
            ym("1990-05"),
            d("1990-04-30"),
            Staff::CivilServant,
            true,
        );
        assert_eq!(
            e.map_err(|e| (e.field, e.code)),
            Err(("on".into(), "date_order".into()))
        );
    }

    #[test]
    fn leave_post_counts_months() {
        let l = leave_post(ym("1970-05"), Category::Male, d("2027-03-15"), 5).unwrap();
        assert!(l.eligible);
        assert_eq!(l.months_until_retirement, 55); // 2027-03 .. 2031-09
        let l = leave_post(ym("1970-05"), Category::Male, d("2027-03-15"), 3).unwrap();
        assert!(!l.eligible);
        let l = leave_post(ym("1970-05"), Category::Male, d("2032-01-01"), 5).unwrap();
        assert!(!l.eligible);
        assert_eq!(l.months_until_retirement, 0);
    }

    proptest! {
        #[test]
        fn grounds_match_definitions(
            by in 1950i32..1990,
            bm in 1u32..=12,
            gap in 180i64..360,
            extra in 0i64..600,
            day in 1u32..=28,
        ) {
            let birth = YearMonth::new(by, bm).unwrap();
            let start = birth.add_months(gap).unwrap();
            let on_m = start.add_months(extra).unwrap();
            let on = NaiveDate::from_ymd_opt(on_m.year(), on_m.month(), day).unwrap();
            let r = early_retirement(birth, Category::Male, start, on, Staff::CivilServant, true)
                .unwrap();
            let months = r.service.total_months();
            prop_assert_eq!(i64::from(months), extra);
            if r.window == Window::Reached {
                prop_assert!(!r.eligible);
            } else {
                prop_assert_eq!(r.grounds.contains(&Ground::Service30Years), months >= 360);
                prop_assert_eq!(
                    r.grounds.contains(&Ground::NearRetirement20Years),
                    months >= 240 && r.window == Window::Within
                );
            }
            // eligibility never disappears as service grows within the window
            prop_assert_eq!(r.eligible, !r.grounds.is_empty());
        }
    }
}
