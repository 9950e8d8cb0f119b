//! Statutory retirement age (法定退休年龄) after the 2024 reform.
//!
//! Source: 全国人民代表大会常务委员会关于实施渐进式延迟法定退休年龄的决定 (2024-09-13) and its
//! annex 国务院关于渐进式延迟法定退休年龄的办法, in force 2025-01-01 (RULES.md §1).
//!
//! | category | original age | step | final age | first delayed birth month |
//! |---|---|---|---|---|
//! | male | 60 | +1 month per 4 birth months | 63 | 1965-01 |
//! | female cadre | 55 | +1 month per 4 birth months | 58 | 1970-01 |
//! | female worker | 50 | +1 month per 2 birth months | 55 | 1975-01 |
//!
//! With `k` = months from the first delayed birth month to the birth month (`k ≥ 0`):
//! `delay = min(⌊k/4⌋ + 1, 36)` (men, female cadres) or `min(⌊k/2⌋ + 1, 60)` (female workers);
//! no delay before the first delayed month. Retirement month = birth month + age.
//!
//! Only the birth *month* matters, so the person reaches the statutory age on the first day of
//! the retirement month for every date comparison in this crate.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

use crate::FieldError;

/// A calendar month such as `2031-10`. Parsed from `YYYY-MM` (4-digit year 1000–9999).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct YearMonth {
    year: i32,
    month: u32,
}

impl YearMonth {
    /// `None` unless `month` is 1–12.
    pub fn new(year: i32, month: u32) -> Option<Self> {
        (1..=12).contains(&month).then_some(Self { year, month })
    }

    /// Parses `YYYY-MM`. Errors: `required` (blank), `month_invalid`.
    pub fn parse(field: &str, s: &str) -> Result<Self, FieldError> {
        let t = s.trim();
        if t.is_empty() {
            return Err(FieldError::new(field, "required"));
        }
        let bad = || FieldError::new(field, "month_invalid");
        let (y, m) = t.split_once('-').ok_or_else(bad)?;
        let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
        if y.len() != 4 || m.len() != 2 || !digits(y) || !digits(m) {
            return Err(bad());
        }
        let year: i32 = y.parse().map_err(|_| bad())?;
        let month: u32 = m.parse().map_err(|_| bad())?;
        if year < 1000 {
            return Err(bad());
        }
        Self::new(year, month).ok_or_else(bad)
    }

    /// The month containing `date`.
    pub fn of_date(date: NaiveDate) -> Self {
        Self {
            year: date.year(),
            month: date.month(),
        }
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn month(self) -> u32 {
        self.month
    }

    /// Months since year 0 (`year × 12 + month − 1`): differences give month counts.
    pub fn index(self) -> i64 {
        i64::from(self.year) * 12 + i64::from(self.month) - 1
    }

    /// Inverse of [`YearMonth::index`]; `None` outside the `i32` year range.
    pub fn from_index(i: i64) -> Option<Self> {
        let year = i32::try_from(i.div_euclid(12)).ok()?;
        let month = u32::try_from(i.rem_euclid(12) + 1).ok()?;
        Self::new(year, month)
    }

    /// This month plus `n` months (`n` may be negative).
    pub fn add_months(self, n: i64) -> Option<Self> {
        Self::from_index(self.index().checked_add(n)?)
    }

    /// Months from `self` to `later` (negative when `later` is earlier).
    pub fn months_until(self, later: YearMonth) -> i64 {
        later.index() - self.index()
    }

    /// The first day of the month (`None` only for years chrono cannot represent).
    pub fn first_day(self) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(self.year, self.month, 1)
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl FromStr for YearMonth {
    type Err = FieldError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse("month", s)
    }
}

impl TryFrom<String> for YearMonth {
    type Error = FieldError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<YearMonth> for String {
    fn from(v: YearMonth) -> String {
        v.to_string()
    }
}

/// An age or a duration in whole years and months.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Age {
    pub years: u32,
    pub months: u32,
}

impl Age {
    pub fn from_months(total: u32) -> Self {
        Self {
            years: total / 12,
            months: total % 12,
        }
    }

    pub fn total_months(self) -> u32 {
        self.years * 12 + self.months
    }
}

closed_lists!("rules/retirement.toml");

impl Category {
    /// The table row of this category.
    pub fn schedule(self) -> Schedule {
        match self {
            Category::Male => Schedule {
                original_age_years: 60,
                step_birth_months: 4,
                max_delay_months: 36,
                first_delayed: YearMonth {
                    year: 1965,
                    month: 1,
                },
            },
            Category::FemaleCadre => Schedule {
                original_age_years: 55,
                step_birth_months: 4,
                max_delay_months: 36,
                first_delayed: YearMonth {
                    year: 1970,
                    month: 1,
                },
            },
            Category::FemaleWorker => Schedule {
                original_age_years: 50,
                step_birth_months: 2,
                max_delay_months: 60,
                first_delayed: YearMonth {
                    year: 1975,
                    month: 1,
                },
            },
        }
    }
}

/// One row of the reform's table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    pub original_age_years: u32,
    /// One month of delay per this many birth months.
    pub step_birth_months: u32,
    pub max_delay_months: u32,
    pub first_delayed: YearMonth,
}

/// The statutory retirement of one person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Retirement {
    pub birth: YearMonth,
    pub category: Category,
    pub original_age: Age,
    /// Months from the first delayed birth month to the birth month, when not negative.
    pub k: Option<u32>,
    pub delay_months: u32,
    pub retirement_age: Age,
    pub retirement_month: YearMonth,
}

/// The delay in months for a birth month (RULES §1 formula).
pub fn delay_months(birth: YearMonth, category: Category) -> u32 {
    let s = category.schedule();
    match u32::try_from(s.first_delayed.months_until(birth)) {
        Ok(k) => (k / s.step_birth_months + 1).min(s.max_delay_months),
        Err(_) => 0,
    }
}

/// Statutory retirement age and month (国务院关于渐进式延迟法定退休年龄的办法, rule on the
/// retirement age, and its annex tables 1–3). `None` only when the retirement month overflows
/// the year range.
pub fn statutory_retirement(birth: YearMonth, category: Category) -> Option<Retirement> {
    let s = category.schedule();
    let k = u32::try_from(s.first_delayed.months_until(birth)).ok();
    let delay = delay_months(birth, category);
    let original_age = Age::from_months(s.original_age_years * 12);
    let retirement_age = Age::from_months(original_age.total_months() + delay);
    let retirement_month = birth.add_months(i64::from(retirement_age.total_months()))?;
    Some(Retirement {
        birth,
        category,
        original_age,
        k,
        delay_months: delay,
        retirement_age,
        retirement_month,
    })
}

/// Minimum contribution months for a basic pension in a retirement year: 15 years until 2029,
/// then +6 months per year from 2030 up to 20 years (国务院关于渐进式延迟法定退休年龄的办法,
/// rule on the minimum contribution period).
pub fn min_contribution_months(retirement_year: i32) -> u32 {
    let extra_years = u32::try_from(retirement_year.saturating_sub(2029)).unwrap_or(0);
    (180 + 6 * extra_years.min(10)).min(240)
}

/// The window of flexible retirement (弹性退休) around the statutory month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FlexibleBounds {
    /// Earliest: at most 3 years early, never below the original age; needs the minimum
    /// contribution of that year and a written request ≥ 3 months ahead.
    pub earliest_age: Age,
    pub earliest_month: YearMonth,
    /// Minimum contribution (months) if retiring at the earliest month.
    pub earliest_min_contribution_months: u32,
    /// Latest: at most 3 years later, by agreement with the employer.
    pub latest_age: Age,
    pub latest_month: YearMonth,
}

/// Flexible retirement bounds (国务院关于渐进式延迟法定退休年龄的办法, rule on flexible
/// retirement 弹性退休). Civil servants and agency
/// leaders retire on time: this window does not apply to them.
pub fn flexible_bounds(r: &Retirement) -> Option<FlexibleBounds> {
    let statutory = r.retirement_age.total_months();
    let earliest = statutory
        .saturating_sub(36)
        .max(r.original_age.total_months());
    let latest = statutory + 36;
    let earliest_month = r.birth.add_months(i64::from(earliest))?;
    Some(FlexibleBounds {
        earliest_age: Age::from_months(earliest),
        earliest_month,
        earliest_min_contribution_months: min_contribution_months(earliest_month.year()),
        latest_age: Age::from_months(latest),
        latest_month: r.birth.add_months(i64::from(latest))?,
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

    fn check(birth: &str, cat: Category, delay: u32, age: (u32, u32), month: &str) {
        let r = statutory_retirement(ym(birth), cat).unwrap();
        assert_eq!(r.delay_months, delay, "{birth}");
        assert_eq!((r.retirement_age.years, r.retirement_age.months), age);
        assert_eq!(r.retirement_month.to_string(), month);
    }

    /// The rules' own examples, then the table's edges: (birth, category, delay in months,
    /// retirement age, retirement month).
    #[test]
    fn rules_examples_and_table_edges() {
        for (birth, cat, delay, age, month) in [
            ("1970-05", Category::Male, 17, (61, 5), "2031-10"),
            ("1965-01", Category::Male, 1, (60, 1), "2025-02"),
            ("1965-12", Category::Male, 3, (60, 3), "2026-03"),
            ("1971-04", Category::FemaleCadre, 4, (55, 4), "2026-08"),
            ("1995-12", Category::FemaleWorker, 60, (55, 0), "2050-12"),
            // The table's edges.
            ("1964-12", Category::Male, 0, (60, 0), "2024-12"),
            ("1976-08", Category::Male, 35, (62, 11), "2039-07"),
            ("1976-09", Category::Male, 36, (63, 0), "2039-09"),
            ("1969-12", Category::FemaleCadre, 0, (55, 0), "2024-12"),
            ("1981-09", Category::FemaleCadre, 36, (58, 0), "2039-09"),
            ("1974-12", Category::FemaleWorker, 0, (50, 0), "2024-12"),
            ("1975-01", Category::FemaleWorker, 1, (50, 1), "2025-02"),
            ("1984-11", Category::FemaleWorker, 60, (55, 0), "2039-11"),
            ("1984-10", Category::FemaleWorker, 59, (54, 11), "2039-09"),
        ] {
            check(birth, cat, delay, age, month);
        }
    }

    #[test]
    fn year_month_parse_and_display() {
        assert_eq!(ym("2031-10").to_string(), "2031-10");
        assert_eq!(ym(" 1970-05 ").index() - ym("1965-01").index(), 64);
        for bad in [
            "2031-13", "2031-00", "31-10", "2031-1", "2031/10", "abcd-ef", "+031-10",
        ] {
            assert_eq!(
                YearMonth::parse("birth", bad).map_err(|e| e.code),
                Err("month_invalid".into()),
                "{bad}"
            );
        }
        assert_eq!(
            YearMonth::parse("birth", " ").map_err(|e| e.code),
            Err("required".into())
        );
        let json = serde_json::to_string(&ym("2026-03")).unwrap();
        assert_eq!(json, "\"2026-03\"");
        let back: YearMonth = serde_json::from_str(&json).unwrap();
        assert_eq!(back, ym("2026-03"));
    }

    #[test]
    fn category_codes_roundtrip() {
        for &c in Category::ALL {
            assert_eq!(Category::parse("c", c.code()), Ok(c));
        }
        assert_eq!(
            Category::parse("c", "female_worker"),
            Ok(Category::FemaleWorker)
        );
        assert!(Category::parse("c", "woman").is_err());
    }

    #[test]
    fn contribution_and_flexible() {
        assert_eq!(min_contribution_months(2029), 180);
        assert_eq!(min_contribution_months(2030), 186);
        assert_eq!(min_contribution_months(2039), 240);
        assert_eq!(min_contribution_months(2050), 240);
        let bounds = |birth: &str| {
            flexible_bounds(&statutory_retirement(ym(birth), Category::Male).unwrap()).unwrap()
        };
        let years_months = |a: Age| (a.years, a.months);
        let f = bounds("1970-05");
        // 61y5m − 3y would be 58y5m, below the original 60: the earliest is 60y0m.
        assert_eq!(years_months(f.earliest_age), (60, 0));
        assert_eq!(f.earliest_month.to_string(), "2030-05");
        assert_eq!(f.earliest_min_contribution_months, 186);
        assert_eq!(years_months(f.latest_age), (64, 5));
        assert_eq!(f.latest_month.to_string(), "2034-10");
        let f = bounds("1990-01");
        assert_eq!(years_months(f.earliest_age), (60, 0));
        assert_eq!(years_months(f.latest_age), (66, 0));
    }

    fn any_ym() -> impl Strategy<Value = YearMonth> {
        (1900i32..2100, 1u32..=12).prop_map(|(y, m)| YearMonth::new(y, m).unwrap())
    }

    fn any_cat() -> impl Strategy<Value = Category> {
        prop::sample::select(Category::ALL.to_vec())
    }

    proptest! {
        #[test]
        fn delay_is_monotone_and_bounded(a in any_ym(), b in any_ym(), c in any_cat()) {
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            let (dl, dh) = (delay_months(lo, c), delay_months(hi, c));
            prop_assert!(dl <= dh);
            prop_assert!(dh <= c.schedule().max_delay_months);
            // a later birth never retires earlier
            let rl = statutory_retirement(lo, c).unwrap();
            let rh = statutory_retirement(hi, c).unwrap();
            prop_assert!(rl.retirement_month <= rh.retirement_month);
            prop_assert_eq!(
                rh.birth.months_until(rh.retirement_month),
                i64::from(rh.retirement_age.total_months())
            );
        }

        #[test]
        fn year_month_roundtrip(v in any_ym(), n in -2000i64..2000) {
            prop_assert_eq!(YearMonth::parse("m", &v.to_string()), Ok(v));
            let w = v.add_months(n).unwrap();
            prop_assert_eq!(v.months_until(w), n);
        }
    }
}
