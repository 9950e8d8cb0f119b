//! Economic compensation on termination (经济补偿) and its local variant (工龄一次性补偿).
//!
//! Sources (RULES.md §3):
//! - 劳动合同法 art. 47: one month's wage per full year of service at this employer; a remainder
//!   of six months or more counts as a year, a remainder under six months earns half a month.
//!   Where the monthly wage exceeds 3 × the local average monthly wage of the previous year,
//!   the base is 3 × that average and the years are capped at 12 (both only in that case).
//! - 劳动合同法实施条例 art. 27: the monthly wage is the average of all earned pay over the 12
//!   months before termination (fewer months worked: over those months), never below the local
//!   minimum wage. The caller supplies that average.
//! - 劳动合同法 art. 87 + 实施条例 art. 25: unlawful termination pays twice the art. 47 standard,
//!   and the years count from the start of employment (no art. 97 split).
//! - 劳动合同法 art. 97: for a contract alive on 2008-01-01, art. 47 years count from
//!   2008-01-01; earlier service follows the rules of the time. We apply the 1994 rules
//!   (违反和解除劳动合同的经济补偿办法, 劳部发〔1994〕481号, arts. 5–6): one month per year, a
//!   partial year counts as a full year, at most 12 months, on the uncapped monthly wage (the
//!   1994 rules had no high-wage cap; they set the 12-month ceiling for mutual agreement and
//!   incompetence, which we apply in every lawful case).
//! - 工龄一次性补偿 (seed): a district-defined formula `months per year × counted years of total
//!   service × base`; art. 47 is the preset (policy parameter `severance.formula`).
//!
//! Service counts from the start day through the end day inclusive, as years, months and days
//! (2015-03-01..2026-06-30 = 11 years 4 months 0 days); a month starting on a day the end month
//! lacks completes at that month's end (2020-02-29..2021-02-28 = 1 year). Any remainder under six months, even a
//! few days, earns half a month under art. 47. Money is exact: amounts are computed in
//! `rust_decimal` and rounded once per part to the fen, half away from zero; the total is the
//! sum of the rounded parts.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::Serialize;

use super::retirement::YearMonth;
use crate::FieldError;
use crate::money::Money;

/// The day 劳动合同法 took effect (art. 98).
pub fn law_effective() -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(2008, 1, 1)
}

/// A duration in years, months and days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Span {
    pub years: u32,
    pub months: u32,
    pub days: u32,
}

impl Span {
    /// True when there is anything beyond the full years.
    pub fn has_remainder(self) -> bool {
        self.months > 0 || self.days > 0
    }
}

/// The day `m` whole months after `start`: the same day of the month, or, when that month has
/// no such day, the first day of the following month (so that a period starting on 01-31 or
/// 02-29 completes at the end of the shorter month: 民法典 art. 203, 没有对应日的，月末日为期间的
/// 最后一日).
fn month_anchor(start: NaiveDate, m: i64) -> Option<NaiveDate> {
    let ym = YearMonth::of_date(start).add_months(m)?;
    NaiveDate::from_ymd_opt(ym.year(), ym.month(), start.day())
        .or_else(|| ym.add_months(1).and_then(YearMonth::first_day))
}

/// Service from `start` through `end` inclusive; `None` when `end` is before `start`.
/// Whole months are complete when the day after `end` reaches their anchor (see
/// `month_anchor`); the remaining days are counted after the last complete month.
pub fn service_span(start: NaiveDate, end: NaiveDate) -> Option<Span> {
    if end < start {
        return None;
    }
    let excl = end.succ_opt()?;
    let mut months = YearMonth::of_date(start).months_until(YearMonth::of_date(excl));
    let mut anchor = month_anchor(start, months)?;
    while anchor > excl {
        months -= 1;
        anchor = month_anchor(start, months)?;
    }
    let months = u32::try_from(months).ok()?;
    let days = u32::try_from((excl - anchor).num_days()).ok()?;
    Some(Span {
        years: months / 12,
        months: months % 12,
        days,
    })
}

/// Art. 47 months of pay for a span (before any cap).
pub fn art47_months(s: Span) -> Decimal {
    let extra = if s.months >= 6 {
        Decimal::ONE
    } else if s.has_remainder() {
        Decimal::new(5, 1)
    } else {
        Decimal::ZERO
    };
    Decimal::from(s.years) + extra
}

/// 1994-rule months of pay: a partial year counts as a full year, at most 12.
pub fn rule_1994_months(s: Span) -> Decimal {
    let years = s.years + u32::from(s.has_remainder());
    Decimal::from(years.min(12))
}

closed_lists!("rules/severance.toml");

/// One period of service and what it earns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Part {
    pub rule: PartRule,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub service: Span,
    pub months_of_pay: Decimal,
    pub base: Money,
    /// Whether the art. 47 high-wage cap changed the base and capped the years.
    pub capped: bool,
    /// 2 under art. 87, else 1.
    pub factor: u32,
    pub amount: Money,
}

impl PartialYear {
    pub const CODES: &'static [&'static str] = &["art47", "full_year", "none"];
    /// Counted years of a span.
    pub fn years(self, s: Span) -> Decimal {
        match self {
            PartialYear::Art47 => art47_months(s),
            PartialYear::FullYear => Decimal::from(s.years + u32::from(s.has_remainder())),
            PartialYear::None => Decimal::from(s.years),
        }
    }
}

impl LocalBase {
    pub const CODES: &'static [&'static str] = &["wage", "local_average"];
}

/// A district's 工龄一次性补偿 formula (local policy parameters `severance.local_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LocalFormula {
    pub months_per_year: Decimal,
    pub partial_year: PartialYear,
    pub base: LocalBase,
    /// Apply the art. 47 high-wage cap (base and years) when the base is the wage.
    pub apply_cap: bool,
}

/// Which formula a lawful termination uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Formula {
    /// 劳动合同法 art. 47 with the art. 97 split (the preset).
    Art47,
    Local(LocalFormula),
}

/// The art. 47 high-wage cap (`severance.cap_multiple`, `severance.cap_years`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Cap {
    pub multiple: Decimal,
    pub years: u32,
}

impl Default for Cap {
    fn default() -> Self {
        Self {
            multiple: Decimal::from(3),
            years: 12,
        }
    }
}

/// The facts of one termination.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeveranceInput {
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// Average monthly pay of the 12 months before termination (实施条例 art. 27).
    pub monthly_wage: Money,
    /// The city's published average monthly wage of the previous year.
    pub local_average: Money,
    /// The local minimum wage, if the caller wants the floor of 实施条例 art. 27 applied.
    pub minimum_wage: Option<Money>,
    /// Termination in violation of the law (art. 87).
    pub unlawful: bool,
}

/// The result: totals plus the parts saying which rule each followed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Severance {
    pub service: Span,
    /// The monthly wage after the minimum-wage floor.
    pub wage: Money,
    pub minimum_wage_applied: bool,
    /// `multiple × local average`, rounded to the fen.
    pub cap_amount: Money,
    /// Sum of the parts' months of pay (before the art. 87 factor).
    pub months_of_pay: Decimal,
    /// The base of the last part (the art. 47 base when there is one).
    pub base: Money,
    pub capped: bool,
    pub amount: Money,
    pub parts: Vec<Part>,
}

fn too_large() -> FieldError {
    FieldError::new("monthly-wage", "too_large")
}

fn amount(months: Decimal, base: Money, factor: u32) -> Result<Money, FieldError> {
    let v = months
        .checked_mul(base.to_decimal())
        .and_then(|v| v.checked_mul(Decimal::from(factor)))
        .ok_or_else(too_large)?;
    Money::from_decimal_yuan(v).ok_or_else(too_large)
}

/// Computes severance. Errors: `end`/`date_order`, `monthly-wage`/`must_be_positive`,
/// `local-average`/`must_be_positive`, `monthly-wage`/`too_large`.
pub fn severance(i: &SeveranceInput, cap: Cap, formula: Formula) -> Result<Severance, FieldError> {
    let service = service_span(i.start, i.end).ok_or(FieldError::new("end", "date_order"))?;
    if i.monthly_wage <= Money::ZERO {
        return Err(FieldError::new("monthly-wage", "must_be_positive"));
    }
    if i.local_average <= Money::ZERO {
        return Err(FieldError::new("local-average", "must_be_positive"));
    }
    let (wage, minimum_wage_applied) = match i.minimum_wage {
        Some(m) if m > i.monthly_wage => (m, true),
        _ => (i.monthly_wage, false),
    };
    let cap_exact = cap
        .multiple
        .checked_mul(i.local_average.to_decimal())
        .ok_or_else(too_large)?;
    let cap_amount = Money::from_decimal_yuan(cap_exact).ok_or_else(too_large)?;
    let over_cap = wage.to_decimal() > cap_exact;
    let cap_years = Decimal::from(cap.years);

    // art. 47 part over a span, optionally doubled (art. 87)
    let art47_part = |rule: PartRule, from, to, span: Span, factor| -> Result<Part, FieldError> {
        let mut months = art47_months(span);
        let base = if over_cap { cap_amount } else { wage };
        if over_cap {
            months = months.min(cap_years);
        }
        Ok(Part {
            rule,
            from,
            to,
            service: span,
            months_of_pay: months,
            base,
            capped: over_cap,
            factor,
            amount: amount(months, base, factor)?,
        })
    };

    let mut parts = Vec::new();
    let effective = law_effective().ok_or_else(too_large)?;
    if i.unlawful {
        parts.push(art47_part(PartRule::Art87, i.start, i.end, service, 2)?);
    } else {
        match formula {
            Formula::Art47 => {
                if i.start < effective {
                    let to = i.end.min(effective.pred_opt().ok_or_else(too_large)?);
                    let span = service_span(i.start, to).ok_or_else(too_large)?;
                    let months = rule_1994_months(span);
                    parts.push(Part {
                        rule: PartRule::Labour1994,
                        from: i.start,
                        to,
                        service: span,
                        months_of_pay: months,
                        base: wage,
                        capped: false,
                        factor: 1,
                        amount: amount(months, wage, 1)?,
                    });
                }
                if i.end >= effective {
                    let from = i.start.max(effective);
                    let span = service_span(from, i.end).ok_or_else(too_large)?;
                    parts.push(art47_part(PartRule::Art47, from, i.end, span, 1)?);
                }
            }
            Formula::Local(f) => {
                let mut years = f.partial_year.years(service);
                let (base, capped) = match f.base {
                    LocalBase::LocalAverage => (i.local_average, false),
                    LocalBase::Wage if f.apply_cap && over_cap => (cap_amount, true),
                    LocalBase::Wage => (wage, false),
                };
                if capped {
                    years = years.min(cap_years);
                }
                let months = years.checked_mul(f.months_per_year).ok_or_else(too_large)?;
                parts.push(Part {
                    rule: PartRule::Local,
                    from: i.start,
                    to: i.end,
                    service,
                    months_of_pay: months,
                    base,
                    capped,
                    factor: 1,
                    amount: amount(months, base, 1)?,
                });
            }
        }
    }
    let mut total = Money::ZERO;
    let mut months_of_pay = Decimal::ZERO;
    for p in &parts {
        total = total.checked_add(p.amount).ok_or_else(too_large)?;
        months_of_pay += p.months_of_pay;
    }
    Ok(Severance {
        service,
        wage,
        minimum_wage_applied,
        cap_amount,
        months_of_pay,
        base: parts.last().map_or(wage, |p| p.base),
        capped: parts.iter().any(|p| p.capped),
        amount: total,
        parts,
    })
}

/// The art. 47 cap and the formula in force from the policy parameters (`severance.*`):
/// art. 47 unless `severance.formula` is `local`. The calculator and the downsizing module
/// both build their severance settings here. Errors: `param_kind` on the key at fault.
pub fn policy_of(p: &super::params::Params) -> Result<(Cap, Formula), FieldError> {
    use super::keys;
    let multiple = p.decimal(keys::SEVERANCE_CAP_MULTIPLE)?;
    let years = u32::try_from(p.int(keys::SEVERANCE_CAP_YEARS)?)
        .map_err(|_| FieldError::new(keys::SEVERANCE_CAP_YEARS, "param_kind"))?;
    let formula = if p.choice(keys::SEVERANCE_FORMULA)? == "local" {
        let partial = p.choice(keys::SEVERANCE_LOCAL_PARTIAL_YEAR)?;
        let base = p.choice(keys::SEVERANCE_LOCAL_BASE)?;
        Formula::Local(LocalFormula {
            months_per_year: p.decimal(keys::SEVERANCE_LOCAL_MONTHS_PER_YEAR)?,
            partial_year: PartialYear::from_code(partial)
                .ok_or_else(|| FieldError::new(keys::SEVERANCE_LOCAL_PARTIAL_YEAR, "param_kind"))?,
            base: LocalBase::from_code(base)
                .ok_or_else(|| FieldError::new(keys::SEVERANCE_LOCAL_BASE, "param_kind"))?,
            apply_cap: p.bool(keys::SEVERANCE_LOCAL_APPLY_CAP)?,
        })
    } else {
        Formula::Art47
    };
    Ok((Cap { multiple, years }, formula))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }
    fn y(s: &str) -> Money {
        Money::parse_yuan("m", s).unwrap()
    }
    fn input(start: &str, end: &str, wage: &str, avg: &str) -> SeveranceInput {
        SeveranceInput {
            start: d(start),
            end: d(end),
            monthly_wage: y(wage),
            local_average: y(avg),
            minimum_wage: None,
            unlawful: false,
        }
    }
    fn span(y: u32, m: u32, d: u32) -> Span {
        Span {
            years: y,
            months: m,
            days: d,
        }
    }

    #[test]
    fn spans_are_inclusive() {
        assert_eq!(
            service_span(d("2015-03-01"), d("2026-06-30")),
            Some(span(11, 4, 0))
        );
        assert_eq!(
            service_span(d("2020-01-01"), d("2020-01-01")),
            Some(span(0, 0, 1))
        );
        assert_eq!(
            service_span(d("2020-01-15"), d("2021-01-14")),
            Some(span(1, 0, 0))
        );
        assert_eq!(
            service_span(d("2020-01-15"), d("2021-01-20")),
            Some(span(1, 0, 6))
        );
        assert_eq!(
            service_span(d("2020-01-31"), d("2020-02-28")),
            Some(span(0, 0, 29))
        );
        // month-end starts complete at the end of a shorter month
        assert_eq!(
            service_span(d("2020-01-31"), d("2020-02-29")),
            Some(span(0, 1, 0))
        );
        assert_eq!(
            service_span(d("2020-02-29"), d("2021-02-28")),
            Some(span(1, 0, 0))
        );
        assert_eq!(
            service_span(d("2020-02-29"), d("2021-02-27")),
            Some(span(0, 11, 30))
        );
        assert_eq!(service_span(d("2020-01-02"), d("2020-01-01")), None);
    }

    #[test]
    fn rules_example() {
        let s = severance(
            &input("2015-03-01", "2026-06-30", "12000", "9000"),
            Cap::default(),
            Formula::Art47,
        )
        .unwrap();
        assert_eq!(s.service, span(11, 4, 0));
        assert_eq!(s.months_of_pay.to_string(), "11.5");
        assert_eq!(s.base.to_string(), "12000.00");
        assert!(!s.capped);
        assert_eq!(s.amount.to_string(), "138000.00");
        assert_eq!(s.parts.len(), 1);
        assert_eq!(s.parts[0].rule, PartRule::Art47);
    }

    #[test]
    fn remainders() {
        assert_eq!(art47_months(span(3, 6, 0)).to_string(), "4");
        assert_eq!(art47_months(span(3, 5, 30)).to_string(), "3.5");
        assert_eq!(art47_months(span(3, 0, 1)).to_string(), "3.5");
        assert_eq!(art47_months(span(3, 0, 0)).to_string(), "3");
        assert_eq!(art47_months(span(0, 0, 1)).to_string(), "0.5");
        assert_eq!(rule_1994_months(span(3, 0, 1)).to_string(), "4");
        assert_eq!(rule_1994_months(span(15, 0, 0)).to_string(), "12");
    }

    #[test]
    fn cap_applies_only_above_three_times_average() {
        // 20 years, wage 30000 > 3 × 9000 = 27000: base 27000, 12 years
        let s = severance(
            &input("2008-01-01", "2027-12-31", "30000", "9000"),
            Cap::default(),
            Formula::Art47,
        )
        .unwrap();
        assert!(s.capped);
        assert_eq!(s.base.to_string(), "27000.00");
        assert_eq!(s.months_of_pay.to_string(), "12");
        assert_eq!(s.amount.to_string(), "324000.00");
        // exactly 3 ×: not capped, 20 years count
        let s = severance(
            &input("2008-01-01", "2027-12-31", "27000", "9000"),
            Cap::default(),
            Formula::Art47,
        )
        .unwrap();
        assert!(!s.capped);
        assert_eq!(s.months_of_pay.to_string(), "20");
        assert_eq!(s.amount.to_string(), "540000.00");
    }

    #[test]
    fn unlawful_doubles_from_start() {
        let mut i = input("2015-03-01", "2026-06-30", "12000", "9000");
        i.unlawful = true;
        let s = severance(&i, Cap::default(), Formula::Art47).unwrap();
        assert_eq!(s.amount.to_string(), "276000.00");
        assert_eq!(s.months_of_pay.to_string(), "11.5");
        assert_eq!(s.parts[0].rule, PartRule::Art87);
        assert_eq!(s.parts[0].factor, 2);
        // art. 87 counts from the start even across 2008 (实施条例 art. 25)
        let mut i = input("2000-03-01", "2026-06-30", "10000", "9000");
        i.unlawful = true;
        let s = severance(&i, Cap::default(), Formula::Art47).unwrap();
        assert_eq!(s.parts.len(), 1);
        assert_eq!(s.months_of_pay.to_string(), "26.5");
        assert_eq!(s.amount.to_string(), "530000.00");
    }

    #[test]
    fn art97_split() {
        // 2000-03-01..2007-12-31 = 7y10m → 8 months (1994); 2008-01-01..2026-06-30 = 18y6m → 19
        let s = severance(
            &input("2000-03-01", "2026-06-30", "10000", "9000"),
            Cap::default(),
            Formula::Art47,
        )
        .unwrap();
        assert_eq!(s.service, span(26, 4, 0));
        assert_eq!(s.parts.len(), 2);
        let (pre, post) = (&s.parts[0], &s.parts[1]);
        assert_eq!((pre.rule, pre.to), (PartRule::Labour1994, d("2007-12-31")));
        assert_eq!(pre.service, span(7, 10, 0));
        assert_eq!(pre.months_of_pay.to_string(), "8");
        assert_eq!((post.rule, post.from), (PartRule::Art47, d("2008-01-01")));
        assert_eq!(post.service, span(18, 6, 0));
        assert_eq!(post.months_of_pay.to_string(), "19");
        assert_eq!(s.months_of_pay.to_string(), "27");
        assert_eq!(s.amount.to_string(), "270000.00");
        // pre-2008 part is capped at 12 months and is not subject to the wage cap
        let s = severance(
            &input("1990-01-01", "2009-12-31", "40000", "9000"),
            Cap::default(),
            Formula::Art47,
        )
        .unwrap();
        assert_eq!(s.parts[0].months_of_pay.to_string(), "12");
        assert_eq!(s.parts[0].base.to_string(), "40000.00");
        assert!(!s.parts[0].capped);
        assert_eq!(s.parts[1].base.to_string(), "27000.00");
        assert_eq!(s.parts[1].months_of_pay.to_string(), "2");
        assert!(s.capped);
        assert_eq!(s.base.to_string(), "27000.00");
        assert_eq!(s.amount.to_string(), "534000.00");
        // entirely before 2008
        let s = severance(
            &input("2001-05-01", "2005-05-10", "3000", "2000"),
            Cap::default(),
            Formula::Art47,
        )
        .unwrap();
        assert_eq!(s.parts.len(), 1);
        assert_eq!(s.parts[0].rule, PartRule::Labour1994);
        assert_eq!(s.months_of_pay.to_string(), "5");
    }

    #[test]
    fn minimum_wage_floor_and_rounding() {
        let mut i = input("2020-01-01", "2020-03-31", "1000.01", "9000");
        let s = severance(&i, Cap::default(), Formula::Art47).unwrap();
        // 0.5 × 1000.01 = 500.005 → 500.01 (half away from zero)
        assert_eq!(s.amount.to_string(), "500.01");
        i.minimum_wage = Some(y("2690"));
        let s = severance(&i, Cap::default(), Formula::Art47).unwrap();
        assert!(s.minimum_wage_applied);
        assert_eq!(s.amount.to_string(), "1345.00");
    }

    #[test]
    fn local_formula() {
        let f = LocalFormula {
            months_per_year: Decimal::new(15, 1),
            partial_year: PartialYear::FullYear,
            base: LocalBase::LocalAverage,
            apply_cap: true,
        };
        // 11y4m → 12 counted years × 1.5 = 18 months × 9000
        let s = severance(
            &input("2015-03-01", "2026-06-30", "12000", "9000"),
            Cap::default(),
            Formula::Local(f),
        )
        .unwrap();
        assert_eq!(s.parts[0].rule, PartRule::Local);
        assert_eq!(s.months_of_pay.to_string(), "18.0");
        assert_eq!(s.amount.to_string(), "162000.00");
        // the preset-like local formula equals art. 47 when no 2008 split is involved
        let preset = LocalFormula {
            months_per_year: Decimal::ONE,
            partial_year: PartialYear::Art47,
            base: LocalBase::Wage,
            apply_cap: true,
        };
        let i = input("2010-03-01", "2026-06-30", "40000", "9000");
        let a = severance(&i, Cap::default(), Formula::Art47).unwrap();
        let b = severance(&i, Cap::default(), Formula::Local(preset)).unwrap();
        assert_eq!(a.amount, b.amount);
    }

    #[test]
    fn bad_input() {
        let e = severance(
            &input("2020-01-02", "2020-01-01", "1", "1"),
            Cap::default(),
            Formula::Art47,
        );
        assert_eq!(
            e.map_err(|e| (e.field, e.code)),
            Err(("end".into(), "date_order".into()))
        );
        let e = severance(
            &input("2020-01-01", "2020-01-01", "0", "1"),
            Cap::default(),
            Formula::Art47,
        );
        assert_eq!(e.map_err(|e| e.code), Err("must_be_positive".into()));
    }

    proptest! {
        #[test]
        fn span_grows_one_day_at_a_time(start in 0i64..20000, len in 0i64..2000) {
            let s0 = d("1985-01-01") + chrono::Duration::days(start);
            let e0 = s0 + chrono::Duration::days(len);
            let key = |s: Span| (s.years * 12 + s.months, s.days);
            let a = key(service_span(s0, e0).unwrap());
            let b = key(service_span(s0, e0.succ_opt().unwrap()).unwrap());
            prop_assert!(b > a);
            prop_assert!(b.0 == a.0 && b.1 == a.1 + 1 || b.0 == a.0 + 1 && b.1 == 0);
            prop_assert!(a.1 < 31);
        }

        #[test]
        fn severance_invariants(
            start in 0i64..20000,
            len in 0i64..15000,
            wage in 1i64..10_000_000,
            avg in 1i64..3_000_000,
            unlawful: bool,
        ) {
            let base = d("1985-01-01");
            let s0 = base + chrono::Duration::days(start);
            let e0 = s0 + chrono::Duration::days(len);
            let i = SeveranceInput {
                start: s0, end: e0, monthly_wage: Money(wage), local_average: Money(avg),
                minimum_wage: None, unlawful,
            };
            let s = severance(&i, Cap::default(), Formula::Art47).unwrap();
            // amounts conserved: total = sum of parts
            let sum: i64 = s.parts.iter().map(|p| p.amount.0).sum();
            prop_assert_eq!(s.amount.0, sum);
            // parts cover the service without overlap
            prop_assert_eq!(s.parts.first().map(|p| p.from), Some(s0));
            prop_assert_eq!(s.parts.last().map(|p| p.to), Some(e0));
            for w in s.parts.windows(2) {
                prop_assert_eq!(w[0].to.succ_opt(), Some(w[1].from));
            }
            // cap never exceeded
            for p in &s.parts {
                if p.rule != PartRule::Labour1994 {
                    prop_assert!(p.base <= s.cap_amount || !p.capped);
                    if p.capped {
                        prop_assert!(p.months_of_pay <= Decimal::from(12));
                    }
                } else {
                    prop_assert!(p.months_of_pay <= Decimal::from(12));
                }
            }
            // doubling (rounded once, so within a fen of twice the rounded art. 47 amount)
            if unlawful && s0 >= d("2008-01-01") {
                let mut lawful = i;
                lawful.unlawful = false;
                let l = severance(&lawful, Cap::default(), Formula::Art47).unwrap();
                prop_assert!((s.amount.0 - 2 * l.amount.0).abs() <= 1);
            }
        }
    }
}
