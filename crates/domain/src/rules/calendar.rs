//! Working-day calendar (工作日) for publicity periods and other deadlines (RULES.md §4).
//!
//! Source: 全国年节及纪念日放假办法 (amended 2024-11-10, in force 2025-01-01) and the State
//! Council General Office's yearly schedule (国办发明电, notices of 2024-11 for 2025 and of
//! 2025-11-04 for 2026). A day is a working day iff (Monday–Friday and not an official day
//! off) or it is an official swapped working day (调休上班). A year whose schedule is not
//! loaded is an error ([`CalendarMissing`], code `calendar_missing`), never a guess.
//!
//! # Schedule format
//!
//! An administrator loads a new year as plain text, one entry per line:
//!
//! ```text
//! # 2027 schedule (国办发明电〔2026〕N号)     <- comment: '#' to the end of the line
//! year 2027                                 <- required, before any date line, exactly once
//! 2027-01-01 off                            <- an official day off
//! 2027-02-05..2027-02-13 off                <- an inclusive range of days off
//! 2027-02-14 work                           <- a swapped working day (调休上班)
//! ```
//!
//! Rules: blank lines and comments are ignored; keywords are `year`, `off`, `work`; dates are
//! ISO `YYYY-MM-DD` and must all fall in the stated year (mixed years are refused); a day may be
//! listed only once; a `work` day must be a Saturday or Sunday (a weekday is already a working
//! day); at least one day off is required. Errors are [`FieldError`]s on field `schedule` with
//! the argument `line` (1-based) and one of the codes `schedule_year_missing`,
//! `schedule_year_invalid`, `schedule_year_duplicate`, `schedule_line_invalid`,
//! `date_invalid`, `schedule_range_invalid`, `schedule_year_mismatch` (argument `year`),
//! `schedule_duplicate_day` (argument `date`), `schedule_workday_not_weekend` (argument `date`),
//! `schedule_no_days_off` (no line number).

use chrono::{Datelike, NaiveDate, Weekday};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

use crate::FieldError;

/// The field name of schedule errors.
pub const SCHEDULE_FIELD: &str = "schedule";

/// The built-in 2025 schedule (国务院办公厅 notice of 2024-11, 国办发明电).
pub const SCHEDULE_2025: &str = include_str!("calendar/2025.txt");

/// The built-in 2026 schedule (国务院办公厅 notice of 2025-11-04, 国办发明电).
pub const SCHEDULE_2026: &str = include_str!("calendar/2026.txt");

closed_lists!("rules/calendar.toml");

/// The schedule of the asked year is not loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("calendar_missing: {year}")]
pub struct CalendarMissing {
    pub year: i32,
}

impl CalendarMissing {
    pub const CODE: &'static str = "calendar_missing";

    /// As a form error on `field`, with the argument `year`.
    pub fn to_field_error(self, field: &str) -> FieldError {
        FieldError::new(field, Self::CODE).with("year", self.year)
    }
}

/// One year's official days off and swapped working days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct YearSchedule {
    year: i32,
    off: BTreeSet<NaiveDate>,
    work: BTreeSet<NaiveDate>,
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

fn line_err(code: &str, line: usize) -> FieldError {
    FieldError::new(SCHEDULE_FIELD, code).with("line", line)
}

impl YearSchedule {
    pub fn year(&self) -> i32 {
        self.year
    }

    pub fn days_off(&self) -> &BTreeSet<NaiveDate> {
        &self.off
    }

    pub fn swapped_workdays(&self) -> &BTreeSet<NaiveDate> {
        &self.work
    }

    /// Parses the schedule format described in the module documentation.
    pub fn parse(text: &str) -> Result<Self, FieldError> {
        let mut year: Option<i32> = None;
        let mut off = BTreeSet::new();
        let mut work = BTreeSet::new();
        for (i, raw) in text.lines().enumerate() {
            let n = i + 1;
            let content = raw.split('#').next().unwrap_or("").trim();
            if content.is_empty() {
                continue;
            }
            let words: Vec<&str> = content.split_whitespace().collect();
            if let ["year", y] = words.as_slice() {
                if year.is_some() {
                    return Err(line_err("schedule_year_duplicate", n));
                }
                let ok = y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit());
                let v: i32 = y
                    .parse()
                    .ok()
                    .filter(|v| ok && *v >= 1000)
                    .ok_or_else(|| line_err("schedule_year_invalid", n))?;
                year = Some(v);
                continue;
            }
            if words.first() == Some(&"year") {
                return Err(line_err("schedule_year_invalid", n));
            }
            let Some(y) = year else {
                return Err(line_err("schedule_year_missing", n));
            };
            let [dates, kind] = words.as_slice() else {
                return Err(line_err("schedule_line_invalid", n));
            };
            let is_work = match *kind {
                "off" => false,
                "work" => true,
                _ => return Err(line_err("schedule_line_invalid", n)),
            };
            let date = |s: &str| {
                NaiveDate::parse_from_str(s, "%Y-%m-%d")
                    .ok()
                    .filter(|_| s.len() == 10)
                    .ok_or_else(|| line_err("date_invalid", n))
            };
            let (a, b) = match dates.split_once("..") {
                Some((a, b)) => (date(a)?, date(b)?),
                None => (date(dates)?, date(dates)?),
            };
            if b < a {
                return Err(line_err("schedule_range_invalid", n));
            }
            if a.year() != y || b.year() != y {
                return Err(line_err("schedule_year_mismatch", n).with("year", y));
            }
            for d in a.iter_days().take_while(|d| *d <= b) {
                if off.contains(&d) || work.contains(&d) {
                    return Err(line_err("schedule_duplicate_day", n).with("date", d));
                }
                if is_work {
                    if !is_weekend(d) {
                        return Err(line_err("schedule_workday_not_weekend", n).with("date", d));
                    }
                    work.insert(d);
                } else {
                    off.insert(d);
                }
            }
        }
        let Some(year) = year else {
            return Err(line_err(
                "schedule_year_missing",
                text.lines().count().max(1),
            ));
        };
        if off.is_empty() {
            return Err(FieldError::new(SCHEDULE_FIELD, "schedule_no_days_off"));
        }
        Ok(Self { year, off, work })
    }

    /// The schedule in the text format, with consecutive days joined into ranges.
    pub fn to_text(&self) -> String {
        let mut out = format!("year {}\n", self.year);
        for (set, kind) in [(&self.off, "off"), (&self.work, "work")] {
            let mut run: Option<(NaiveDate, NaiveDate)> = None;
            let flush = |r: Option<(NaiveDate, NaiveDate)>, out: &mut String| {
                if let Some((a, b)) = r {
                    if a == b {
                        out.push_str(&format!("{a} {kind}\n"));
                    } else {
                        out.push_str(&format!("{a}..{b} {kind}\n"));
                    }
                }
            };
            for &d in set {
                run = match run {
                    Some((a, b)) if b.succ_opt() == Some(d) => Some((a, d)),
                    r => {
                        flush(r, &mut out);
                        Some((d, d))
                    }
                };
            }
            flush(run, &mut out);
        }
        out
    }
}

/// The loaded years: the built-in ones plus those an administrator added.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Calendar {
    years: BTreeMap<i32, YearSchedule>,
}

impl Default for Calendar {
    fn default() -> Self {
        Self::builtin()
    }
}

impl Calendar {
    /// No year loaded.
    pub fn empty() -> Self {
        Self {
            years: BTreeMap::new(),
        }
    }

    /// The built-in years (2025, 2026). Their texts are tested to parse.
    pub fn builtin() -> Self {
        let mut c = Self::empty();
        for text in [SCHEDULE_2025, SCHEDULE_2026] {
            if let Ok(s) = YearSchedule::parse(text) {
                c.add_year(s);
            }
        }
        c
    }

    /// Loads (or replaces) a year; returns the schedule it replaced.
    pub fn add_year(&mut self, s: YearSchedule) -> Option<YearSchedule> {
        self.years.insert(s.year, s)
    }

    /// Builder form of [`Calendar::add_year`].
    pub fn with_year(mut self, s: YearSchedule) -> Self {
        self.add_year(s);
        self
    }

    pub fn years(&self) -> impl Iterator<Item = i32> + '_ {
        self.years.keys().copied()
    }

    pub fn schedule(&self, year: i32) -> Option<&YearSchedule> {
        self.years.get(&year)
    }

    /// Whether `date` is a working day, and why.
    pub fn is_workday(&self, date: NaiveDate) -> Result<(bool, DayReason), CalendarMissing> {
        let s = self
            .years
            .get(&date.year())
            .ok_or(CalendarMissing { year: date.year() })?;
        Ok(if s.work.contains(&date) {
            (true, DayReason::SwappedWorkday)
        } else if s.off.contains(&date) {
            (false, DayReason::Holiday)
        } else if is_weekend(date) {
            (false, DayReason::Weekend)
        } else {
            (true, DayReason::Weekday)
        })
    }

    /// The first `count` working days counting from `from` inclusive.
    pub fn workdays_from(
        &self,
        from: NaiveDate,
        count: usize,
    ) -> Result<Vec<NaiveDate>, CalendarMissing> {
        let mut out = Vec::with_capacity(count.min(1000));
        let mut d = from;
        while out.len() < count {
            if self.is_workday(d)?.0 {
                out.push(d);
            }
            d = d.succ_opt().ok_or(CalendarMissing { year: d.year() + 1 })?;
        }
        Ok(out)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn err(text: &str) -> (String, Vec<(String, String)>) {
        let e = YearSchedule::parse(text).unwrap_err();
        assert_eq!(e.field, "schedule");
        (e.code, e.args)
    }

    fn line(n: usize) -> (String, String) {
        ("line".into(), n.to_string())
    }

    #[test]
    fn builtins_match_rules() {
        let c = Calendar::builtin();
        assert_eq!(c.years().collect::<Vec<_>>(), vec![2025, 2026]);
        let y25 = c.schedule(2025).unwrap();
        assert_eq!(y25.days_off().len(), 1 + 8 + 3 + 5 + 3 + 8);
        let w: Vec<String> = y25
            .swapped_workdays()
            .iter()
            .map(|d| d.to_string())
            .collect();
        assert_eq!(
            w,
            [
                "2025-01-26",
                "2025-02-08",
                "2025-04-27",
                "2025-09-28",
                "2025-10-11"
            ]
        );
        let y26 = c.schedule(2026).unwrap();
        assert_eq!(y26.days_off().len(), 3 + 9 + 3 + 5 + 3 + 3 + 7);
        let w: Vec<String> = y26
            .swapped_workdays()
            .iter()
            .map(|d| d.to_string())
            .collect();
        assert_eq!(
            w,
            [
                "2026-01-04",
                "2026-02-14",
                "2026-02-28",
                "2026-05-09",
                "2026-09-20",
                "2026-10-10"
            ]
        );
        for day in [
            "2025-05-31",
            "2025-06-02",
            "2026-02-23",
            "2026-06-19",
            "2026-09-27",
        ] {
            assert!(y25.days_off().contains(&d(day)) || y26.days_off().contains(&d(day)));
        }
    }

    #[test]
    fn reasons() {
        let c = Calendar::builtin();
        let r = |s: &str| c.is_workday(d(s)).unwrap();
        assert_eq!(r("2026-10-01"), (false, DayReason::Holiday));
        assert_eq!(r("2026-10-10"), (true, DayReason::SwappedWorkday)); // Saturday
        assert_eq!(r("2026-10-11"), (false, DayReason::Weekend));
        assert_eq!(r("2026-10-12"), (true, DayReason::Weekday));
        assert_eq!(r("2025-01-26"), (true, DayReason::SwappedWorkday)); // Sunday
        assert_eq!(
            c.is_workday(d("2027-01-04")),
            Err(CalendarMissing { year: 2027 })
        );
        assert_eq!(
            c.is_workday(d("2024-12-31")),
            Err(CalendarMissing { year: 2024 })
        );
    }

    #[test]
    fn workdays_over_holidays() {
        let c = Calendar::builtin();
        let days: Vec<String> = c
            .workdays_from(d("2026-09-30"), 5)
            .unwrap()
            .iter()
            .map(|d| d.to_string())
            .collect();
        assert_eq!(
            days,
            [
                "2026-09-30",
                "2026-10-08",
                "2026-10-09",
                "2026-10-10",
                "2026-10-12"
            ]
        );
        assert_eq!(
            c.workdays_from(d("2026-12-28"), 10),
            Err(CalendarMissing { year: 2027 })
        );
        assert_eq!(c.workdays_from(d("2026-12-28"), 0), Ok(vec![]));
    }

    #[test]
    fn loader_accepts_and_roundtrips() {
        let text = "# test\n\nyear 2027\n2027-01-01 off # 元旦\n2027-02-05..2027-02-11 off\n\
                    2027-02-14 work\n";
        let s = YearSchedule::parse(text).unwrap();
        assert_eq!(s.year(), 2027);
        assert_eq!(s.days_off().len(), 8);
        assert_eq!(YearSchedule::parse(&s.to_text()), Ok(s.clone()));
        let c = Calendar::builtin().with_year(s);
        assert_eq!(
            c.is_workday(d("2027-02-14")),
            Ok((true, DayReason::SwappedWorkday))
        );
        assert_eq!(
            c.is_workday(d("2027-02-08")),
            Ok((false, DayReason::Holiday))
        );
        for t in [SCHEDULE_2025, SCHEDULE_2026] {
            let s = YearSchedule::parse(t).unwrap();
            assert_eq!(YearSchedule::parse(&s.to_text()), Ok(s));
        }
    }

    #[test]
    fn loader_rejects_bad_input() {
        assert_eq!(
            err("2027-01-01 off\n"),
            ("schedule_year_missing".into(), vec![line(1)])
        );
        assert_eq!(err("# only\n").0, "schedule_year_missing");
        assert_eq!(err("year 27\n").0, "schedule_year_invalid");
        assert_eq!(
            err("year 2027\nyear 2027\n"),
            ("schedule_year_duplicate".into(), vec![line(2)])
        );
        assert_eq!(
            err("year 2027\n2027-01-01 holiday\n"),
            ("schedule_line_invalid".into(), vec![line(2)])
        );
        assert_eq!(err("year 2027\n2027-01-01\n").0, "schedule_line_invalid");
        assert_eq!(
            err("year 2027\n2027-02-30 off\n"),
            ("date_invalid".into(), vec![line(2)])
        );
        assert_eq!(err("year 2027\n2027-1-01 off\n").0, "date_invalid");
        assert_eq!(
            err("year 2027\n2027-01-03..2027-01-01 off\n").0,
            "schedule_range_invalid"
        );
        assert_eq!(
            err("year 2027\n2027-01-01 off\n2028-01-01 off\n"),
            (
                "schedule_year_mismatch".into(),
                vec![line(3), ("year".into(), "2027".into())]
            )
        );
        assert_eq!(
            err("year 2027\n2026-12-31..2027-01-01 off\n").0,
            "schedule_year_mismatch"
        );
        assert_eq!(
            err("year 2027\n2027-01-01 off\n2027-01-01 off\n"),
            (
                "schedule_duplicate_day".into(),
                vec![line(3), ("date".into(), "2027-01-01".into())]
            )
        );
        assert_eq!(
            err("year 2027\n2027-01-01 off\n2027-01-04 work\n").0,
            "schedule_workday_not_weekend"
        );
        assert_eq!(
            err("year 2027\n2027-01-02 work\n").0,
            "schedule_no_days_off"
        );
    }

    proptest! {
        #[test]
        fn workdays_are_workdays_and_ordered(offset in 0i64..700, count in 0usize..40) {
            let c = Calendar::builtin();
            let from = d("2025-01-01") + chrono::Duration::days(offset);
            match c.workdays_from(from, count) {
                Ok(days) => {
                    prop_assert_eq!(days.len(), count);
                    for w in days.windows(2) {
                        prop_assert!(w[0] < w[1]);
                    }
                    for x in &days {
                        prop_assert!(*x >= from);
                        prop_assert!(c.is_workday(*x).unwrap().0);
                    }
                    // no working day was skipped
                    if let Some(last) = days.last() {
                        let skipped = from
                            .iter_days()
                            .take_while(|x| x <= last)
                            .filter(|x| c.is_workday(*x).unwrap().0)
                            .count();
                        prop_assert_eq!(skipped, count);
                    }
                }
                Err(e) => prop_assert_eq!(e.year, 2027),
            }
        }

        #[test]
        fn schedule_text_roundtrip(days in prop::collection::btree_set(0i64..365, 1..60)) {
            let start = d("2027-01-01");
            let mut text = String::from("year 2027\n");
            for k in &days {
                let x = start + chrono::Duration::days(*k);
                let kind = if is_weekend(x) && k % 3 == 0 { "work" } else { "off" };
                text.push_str(&format!("{x} {kind}\n"));
            }
            if let Ok(s) = YearSchedule::parse(&text) {
                prop_assert_eq!(YearSchedule::parse(&s.to_text()), Ok(s));
            }
        }
    }
}
