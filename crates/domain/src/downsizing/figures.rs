//! The figures of one plan line and the plan totals.
//!
//! Per line (decisions documented in docs/modules/downsizing.md):
//! - **Annual cost**: the person's annual personnel cost ([`Cost::total`]: basic pay,
//!   allowances, employer social insurance and housing fund).
//! - **Monthly wage** (severance base, 劳动合同法实施条例 art. 27): (basic pay + allowances) ÷ 12.
//! - **Eligibility**: the route must be allowed for the identity ([`super::routes_for`]);
//!   early retirement needs 公务员法 art. 93 ([`early_retirement`]); 离岗退养 needs the
//!   date within `retirement.leave_post_years_before` years of the statutory retirement
//!   month ([`leave_post`]). Reasons are the rules' grounds or the refusal's reason codes.
//! - **One-off cost**: for release, the compensation of [`severance`] with the district's
//!   formula ([`policy_of`]): service from joining the unit (else from the first
//!   employment) through the day before the effective date, on the monthly wage, against
//!   `downsizing.local_average_monthly_wage`. Other routes have no one-off cost.
//! - **离岗退养 pay**: annual cost ÷ 12 × `downsizing.leave_post_pay_pct` % per month, for the
//!   months from the effective month up to the statutory retirement month (exclusive).
//! - **Annual saving**: the annual cost for every route that leaves the headcount, minus the
//!   离岗退养 pay of the first twelve months (fewer when retirement comes sooner); 0 for a new
//!   contract.
//! - **Contract** (new contract): from the effective date for the term in years.
//!
//! Plan totals: headcount cut (every route but a new contract) by identity and by route,
//! the share of the unit's agency staff (people of the unit on post or lent out), one-off
//! cost, annual saving, and months to break even: ⌈one-off ÷ (annual saving ÷ 12)⌉, none
//! when the saving is not positive.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{Route, category_of, contract_end, routes_for, staff_of};
use crate::FieldError;
use crate::money::Money;
use crate::people::{Cost, Identity};
use crate::rules::Params;
use crate::rules::early_retirement::{Window, early_retirement, leave_post};
use crate::rules::keys;
use crate::rules::retirement::{YearMonth, statutory_retirement};
use crate::rules::severance::{Cap, Formula, Part, SeveranceInput, policy_of, severance};

/// The policy values the figures use, read from the parameters in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    pub leave_post_years_before: u32,
    pub institution_follows_civil_servant: bool,
    pub cap: Cap,
    pub formula: Formula,
    pub local_average: Money,
    pub leave_post_pay_pct: Decimal,
}

impl Policy {
    /// Reads `retirement.leave_post_years_before`, `early_retirement.*`, `severance.*`
    /// ([`policy_of`]) and `downsizing.*`.
    pub fn from_params(p: &Params) -> Result<Policy, FieldError> {
        let (cap, formula) = policy_of(p)?;
        let years = u32::try_from(p.int(keys::LEAVE_POST_YEARS_BEFORE)?)
            .map_err(|_| FieldError::new(keys::LEAVE_POST_YEARS_BEFORE, "param_kind"))?;
        let avg = Money::from_decimal_yuan(p.decimal(keys::LOCAL_AVERAGE_MONTHLY_WAGE)?)
            .ok_or_else(|| FieldError::new(keys::LOCAL_AVERAGE_MONTHLY_WAGE, "param_kind"))?;
        Ok(Policy {
            leave_post_years_before: years,
            institution_follows_civil_servant: p.bool(keys::INSTITUTION_FOLLOWS_CIVIL_SERVANT)?,
            cap,
            formula,
            local_average: avg,
            leave_post_pay_pct: p.decimal(keys::LEAVE_POST_PAY_PCT)?,
        })
    }
}

/// What the figures need to know of a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Facts {
    pub identity: Identity,
    pub male: bool,
    pub birth: NaiveDate,
    pub work_start: Option<NaiveDate>,
    pub unit_join: Option<NaiveDate>,
    pub cost: Cost,
}

/// One part of a severance (which rule, which period, how much).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeverancePart {
    /// labour_1994, art47, art87, local.
    pub rule: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub years: u32,
    pub months: u32,
    pub days: u32,
    pub months_of_pay: Decimal,
    pub base: Money,
    pub capped: bool,
    pub amount: Money,
}

impl From<&Part> for SeverancePart {
    fn from(x: &Part) -> Self {
        SeverancePart {
            rule: x.rule.code().into(),
            from: x.from,
            to: x.to,
            years: x.service.years,
            months: x.service.months,
            days: x.service.days,
            months_of_pay: x.months_of_pay,
            base: x.base,
            capped: x.capped,
            amount: x.amount,
        }
    }
}

/// The one-time compensation of a release.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeveranceFigures {
    /// art47 or local.
    pub formula: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub wage: Money,
    pub local_average: Money,
    pub months_of_pay: Decimal,
    pub capped: bool,
    pub amount: Money,
    pub parts: Vec<SeverancePart>,
}

/// A new labour contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contract {
    pub start: NaiveDate,
    pub term_years: u32,
    pub end: NaiveDate,
}

/// The figures of one line (stored as the line's snapshot when a plan is applied).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figures {
    pub route: Route,
    pub identity: Identity,
    /// Leaves the agency's headcount.
    pub cut: bool,
    pub eligible: bool,
    /// The rules' grounds (eligible) or the reasons of the refusal, as codes.
    pub reasons: Vec<String>,
    /// The statutory retirement month, `YYYY-MM`.
    pub retirement_month: String,
    pub annual_cost: Money,
    /// (basic pay + allowances) ÷ 12: the severance base.
    pub monthly_wage: Money,
    /// Severance for a release; 0 otherwise.
    pub one_off: Money,
    pub severance: Option<SeveranceFigures>,
    pub leave_post_monthly: Money,
    pub leave_post_months: u32,
    pub leave_post_total: Money,
    pub annual_saving: Money,
    pub contract: Option<Contract>,
}

fn ratio(m: Money, num: Decimal, den: Decimal) -> Money {
    if den.is_zero() {
        return Money::ZERO;
    }
    Money::from_decimal_yuan(m.to_decimal() * num / den).unwrap_or(Money::ZERO)
}

fn times(m: Money, n: u32) -> Money {
    Money(m.0.saturating_mul(i64::from(n)))
}

/// The figures of `route` for a person on the plan's effective date `on`. Errors only for
/// a missing or invalid contract term (`term_years`); every other problem makes the line
/// ineligible with its reason.
pub fn line_figures(
    f: &Facts,
    route: Route,
    on: NaiveDate,
    term_years: Option<u32>,
    p: &Policy,
) -> Result<Figures, FieldError> {
    let category = category_of(f.male, f.identity);
    let birth = YearMonth::of_date(f.birth);
    let retirement = statutory_retirement(birth, category);
    let annual_cost = f.cost.total();
    let monthly_wage = ratio(
        Money(f.cost.basic_pay.0.saturating_add(f.cost.allowances.0)),
        Decimal::ONE,
        Decimal::from(12),
    );
    let mut out = Figures {
        route,
        identity: f.identity,
        cut: route.cuts(),
        eligible: true,
        reasons: Vec::new(),
        retirement_month: retirement
            .map(|r| r.retirement_month.to_string())
            .unwrap_or_default(),
        annual_cost,
        monthly_wage,
        one_off: Money::ZERO,
        severance: None,
        leave_post_monthly: Money::ZERO,
        leave_post_months: 0,
        leave_post_total: Money::ZERO,
        annual_saving: if route.cuts() {
            annual_cost
        } else {
            Money::ZERO
        },
        contract: None,
    };
    if !routes_for(f.identity).contains(&route) {
        out.eligible = false;
        out.reasons.push("route_not_allowed".into());
    }
    match route {
        Route::Redeploy => {}
        Route::EarlyRetirement => match (staff_of(f.identity), f.work_start) {
            (None, _) => {
                out.eligible = false;
                out.reasons.push("art93_not_applicable".into());
            }
            (Some(_), None) => {
                out.eligible = false;
                out.reasons.push("work_start_missing".into());
            }
            (Some(staff), Some(ws)) => {
                match early_retirement(
                    birth,
                    category,
                    YearMonth::of_date(ws),
                    on,
                    staff,
                    p.institution_follows_civil_servant,
                ) {
                    Ok(er) if er.eligible => {
                        out.reasons
                            .extend(er.grounds.iter().map(|g| g.code().to_string()));
                    }
                    Ok(er) => {
                        out.eligible = false;
                        out.reasons.push(
                            if !er.rule_applies {
                                "art93_not_applicable"
                            } else if er.window == Window::Reached {
                                "retirement_age_reached"
                            } else {
                                "service_too_short"
                            }
                            .into(),
                        );
                    }
                    Err(e) => {
                        out.eligible = false;
                        out.reasons.push(e.code);
                    }
                }
            }
        },
        Route::LeavePost => match leave_post(birth, category, on, p.leave_post_years_before) {
            Ok(lp) if lp.eligible => {
                out.reasons.push("leave_post_window".into());
                let monthly = ratio(annual_cost, p.leave_post_pay_pct, Decimal::from(1200));
                out.leave_post_monthly = monthly;
                out.leave_post_months = lp.months_until_retirement;
                out.leave_post_total = times(monthly, lp.months_until_retirement);
                let first_year = times(monthly, lp.months_until_retirement.min(12));
                out.annual_saving = Money(annual_cost.0.saturating_sub(first_year.0));
            }
            Ok(lp) => {
                out.eligible = false;
                out.reasons.push(
                    if lp.window == Window::Reached {
                        "retirement_age_reached"
                    } else {
                        "leave_post_too_early"
                    }
                    .into(),
                );
            }
            Err(e) => {
                out.eligible = false;
                out.reasons.push(e.code);
            }
        },
        Route::Release => {
            let start = f.unit_join.or(f.work_start);
            let end = on.pred_opt();
            match (start, end) {
                (Some(start), Some(end)) => {
                    let input = SeveranceInput {
                        start,
                        end,
                        monthly_wage,
                        local_average: p.local_average,
                        minimum_wage: None,
                        unlawful: false,
                    };
                    match severance(&input, p.cap, p.formula) {
                        Ok(s) => {
                            out.one_off = s.amount;
                            out.severance = Some(SeveranceFigures {
                                formula: match p.formula {
                                    Formula::Art47 => "art47",
                                    Formula::Local(_) => "local",
                                }
                                .into(),
                                start,
                                end,
                                wage: s.wage,
                                local_average: p.local_average,
                                months_of_pay: s.months_of_pay,
                                capped: s.capped,
                                amount: s.amount,
                                parts: s.parts.iter().map(SeverancePart::from).collect(),
                            });
                        }
                        Err(e) => {
                            out.eligible = false;
                            out.reasons.push(e.code);
                        }
                    }
                }
                _ => {
                    out.eligible = false;
                    out.reasons.push("work_start_missing".into());
                }
            }
        }
        Route::NewContract => {
            let term = term_years.ok_or_else(|| FieldError::new("term_years", "required"))?;
            let end = contract_end(on, term)
                .ok_or_else(|| FieldError::new("term_years", "out_of_range"))?;
            out.contract = Some(Contract {
                start: on,
                term_years: term,
                end,
            });
        }
    }
    Ok(out)
}

/// The totals of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub lines: i64,
    /// People leaving the headcount.
    pub cut: i64,
    pub cut_by_identity: BTreeMap<Identity, i64>,
    /// Lines by route (new contracts included, though they are no cut).
    pub by_route: BTreeMap<Route, i64>,
    /// People of the unit on post or lent out (the denominator of the share).
    pub staff_base: i64,
    /// `cut ÷ staff_base` in percent, one decimal; `None` when the base is 0.
    pub share_pct: Option<Decimal>,
    pub one_off: Money,
    pub leave_post_total: Money,
    pub annual_saving: Money,
    /// ⌈one-off ÷ monthly saving⌉; `None` when the saving is not positive.
    pub break_even_months: Option<i64>,
}

/// Sums the lines' figures.
pub fn totals<'a>(lines: impl IntoIterator<Item = &'a Figures>, staff_base: i64) -> Totals {
    let mut t = Totals {
        lines: 0,
        cut: 0,
        cut_by_identity: BTreeMap::new(),
        by_route: BTreeMap::new(),
        staff_base,
        share_pct: None,
        one_off: Money::ZERO,
        leave_post_total: Money::ZERO,
        annual_saving: Money::ZERO,
        break_even_months: None,
    };
    for f in lines {
        t.lines += 1;
        *t.by_route.entry(f.route).or_default() += 1;
        if f.cut {
            t.cut += 1;
            *t.cut_by_identity.entry(f.identity).or_default() += 1;
        }
        t.one_off = Money(t.one_off.0.saturating_add(f.one_off.0));
        t.leave_post_total = Money(t.leave_post_total.0.saturating_add(f.leave_post_total.0));
        t.annual_saving = Money(t.annual_saving.0.saturating_add(f.annual_saving.0));
    }
    if staff_base > 0 {
        t.share_pct = Some(
            (Decimal::from(t.cut) * Decimal::from(100) / Decimal::from(staff_base)).round_dp(1),
        );
    }
    t.break_even_months = break_even(t.one_off, t.annual_saving);
    t
}

/// ⌈one-off × 12 ÷ annual saving⌉ in whole months; `None` when the saving is not positive.
pub fn break_even(one_off: Money, annual_saving: Money) -> Option<i64> {
    if annual_saving.0 <= 0 {
        return None;
    }
    let num = i128::from(one_off.0.max(0)) * 12;
    let den = i128::from(annual_saving.0);
    i64::try_from((num + den - 1) / den).ok()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::rules::early_retirement::Staff;
    use crate::rules::retirement::Category;
    use crate::rules::severance::{LocalBase, LocalFormula, PartialYear};

    fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, dd).unwrap()
    }

    fn yuan(y: i64) -> Money {
        Money(y * 100)
    }

    fn cost(basic: i64, allow: i64) -> Cost {
        Cost {
            basic_pay: yuan(basic),
            allowances: yuan(allow),
            social_insurance: yuan(12_000),
            housing_fund: yuan(9_000),
        }
    }

    fn policy() -> Policy {
        Policy::from_params(&Params::defaults()).unwrap()
    }

    #[test]
    fn policy_reads_the_parameters() {
        let p = policy();
        assert_eq!(p.local_average, yuan(9000));
        assert_eq!(p.leave_post_pay_pct, Decimal::from(80));
        assert_eq!(p.leave_post_years_before, 5);
        assert_eq!(p.formula, Formula::Art47);
        let q = Params::from_pairs([
            (keys::SEVERANCE_FORMULA, "local"),
            (keys::SEVERANCE_LOCAL_MONTHS_PER_YEAR, "1.5"),
            (keys::SEVERANCE_LOCAL_PARTIAL_YEAR, "full_year"),
            (keys::SEVERANCE_LOCAL_BASE, "local_average"),
        ])
        .unwrap();
        let p = Policy::from_params(&q).unwrap();
        assert_eq!(
            p.formula,
            Formula::Local(LocalFormula {
                months_per_year: Decimal::new(15, 1),
                partial_year: PartialYear::FullYear,
                base: LocalBase::LocalAverage,
                apply_cap: true,
            })
        );
    }

    /// Release: the severance equals a direct call of the rules with the same input, under
    /// art. 47 and under the local formula.
    #[test]
    fn release_goes_through_the_severance_rules() {
        let f = Facts {
            identity: Identity::Temporary,
            male: true,
            birth: d(1985, 5, 10),
            work_start: Some(d(2005, 7, 1)),
            unit_join: Some(d(2012, 3, 1)),
            cost: cost(48_000, 6_000),
        };
        let on = d(2027, 1, 1);
        for params in [
            Params::defaults(),
            Params::from_pairs([
                (keys::SEVERANCE_FORMULA, "local"),
                (keys::SEVERANCE_LOCAL_MONTHS_PER_YEAR, "1.5"),
                (keys::SEVERANCE_LOCAL_BASE, "local_average"),
            ])
            .unwrap(),
        ] {
            let p = Policy::from_params(&params).unwrap();
            let fig = line_figures(&f, Route::Release, on, None, &p).unwrap();
            let direct = severance(
                &SeveranceInput {
                    start: d(2012, 3, 1),
                    end: d(2026, 12, 31),
                    monthly_wage: yuan(4500),
                    local_average: yuan(9000),
                    minimum_wage: None,
                    unlawful: false,
                },
                p.cap,
                p.formula,
            )
            .unwrap();
            assert!(fig.eligible, "{:?}", fig.reasons);
            assert_eq!(fig.monthly_wage, yuan(4500));
            assert_eq!(fig.one_off, direct.amount);
            let s = fig.severance.unwrap();
            assert_eq!(s.parts.len(), direct.parts.len());
            assert_eq!(s.months_of_pay, direct.months_of_pay);
            assert_eq!(fig.annual_saving, f.cost.total());
            assert!(fig.cut);
        }
        // By hand, art. 47: 2012-03-01..2026-12-31 = 14 years 10 months → 15 months × 4500.
        let fig = line_figures(&f, Route::Release, on, None, &policy()).unwrap();
        assert_eq!(fig.one_off, yuan(15 * 4500));
        // Local: 1.5 months per counted year (15) × the local average 9000.
        let p = Policy::from_params(
            &Params::from_pairs([
                (keys::SEVERANCE_FORMULA, "local"),
                (keys::SEVERANCE_LOCAL_MONTHS_PER_YEAR, "1.5"),
                (keys::SEVERANCE_LOCAL_BASE, "local_average"),
            ])
            .unwrap(),
        )
        .unwrap();
        let fig = line_figures(&f, Route::Release, on, None, &p).unwrap();
        assert_eq!(fig.one_off, Money(15 * 15 * 9000 * 10));
    }

    /// 离岗退养: eligibility and months from the rules; pay 80 % of the monthly cost.
    #[test]
    fn leave_post_months_and_cost() {
        let f = Facts {
            identity: Identity::CivilServant,
            male: true,
            birth: d(1968, 6, 15),
            work_start: Some(d(1990, 8, 1)),
            unit_join: Some(d(2000, 1, 1)),
            cost: cost(96_000, 24_000),
        };
        let on = d(2027, 1, 1);
        let p = policy();
        let fig = line_figures(&f, Route::LeavePost, on, None, &p).unwrap();
        let lp = leave_post(YearMonth::of_date(f.birth), Category::Male, on, 5).unwrap();
        assert!(lp.eligible && fig.eligible);
        assert_eq!(fig.leave_post_months, lp.months_until_retirement);
        // Annual cost 120000 + 21000 = 141000; monthly 11750; 80 % = 9400.
        assert_eq!(fig.annual_cost, yuan(141_000));
        assert_eq!(fig.leave_post_monthly, yuan(9400));
        assert_eq!(
            fig.leave_post_total,
            Money(940_000 * i64::from(lp.months_until_retirement))
        );
        assert_eq!(fig.annual_saving, yuan(141_000 - 12 * 9400));
        assert_eq!(
            fig.retirement_month,
            lp.retirement.retirement_month.to_string()
        );
        // Far from retirement: refused, with the reason.
        let young = Facts {
            birth: d(1985, 1, 1),
            ..f
        };
        let fig = line_figures(&young, Route::LeavePost, on, None, &p).unwrap();
        assert!(!fig.eligible);
        assert_eq!(fig.reasons, vec!["leave_post_too_early".to_string()]);
    }

    /// Early retirement: eligible by art. 93 (1) with 30 years of service; refused with 20
    /// years far from retirement; not for temporary workers.
    #[test]
    fn early_retirement_eligibility_and_refusal() {
        let on = d(2027, 1, 1);
        let p = policy();
        let f = Facts {
            identity: Identity::CivilServant,
            male: false,
            birth: d(1978, 3, 1),
            work_start: Some(d(1994, 8, 1)),
            unit_join: None,
            cost: cost(80_000, 40_000),
        };
        let fig = line_figures(&f, Route::EarlyRetirement, on, None, &p).unwrap();
        let direct = early_retirement(
            YearMonth::of_date(f.birth),
            Category::FemaleCadre,
            YearMonth::of_date(d(1994, 8, 1)),
            on,
            Staff::CivilServant,
            true,
        )
        .unwrap();
        assert_eq!(fig.eligible, direct.eligible);
        assert!(fig.eligible);
        assert_eq!(fig.reasons, vec!["service_30_years".to_string()]);
        assert_eq!(fig.annual_saving, f.cost.total());
        let short = Facts {
            work_start: Some(d(2005, 8, 1)),
            ..f
        };
        let fig = line_figures(&short, Route::EarlyRetirement, on, None, &p).unwrap();
        assert!(!fig.eligible);
        assert_eq!(fig.reasons, vec!["service_too_short".to_string()]);
        let temp = Facts {
            identity: Identity::Temporary,
            ..f
        };
        let fig = line_figures(&temp, Route::EarlyRetirement, on, None, &p).unwrap();
        assert!(!fig.eligible);
        assert!(fig.reasons.contains(&"route_not_allowed".to_string()));
        // Institution cadres follow only when the parameter says so.
        let inst = Facts {
            identity: Identity::InstitutionCadre,
            ..f
        };
        let no = Policy {
            institution_follows_civil_servant: false,
            ..p
        };
        let fig = line_figures(&inst, Route::EarlyRetirement, on, None, &no).unwrap();
        assert_eq!(fig.reasons, vec!["art93_not_applicable".to_string()]);
    }

    #[test]
    fn new_contract_is_no_cut_and_needs_a_term() {
        let f = Facts {
            identity: Identity::EnterpriseHire,
            male: true,
            birth: d(1990, 1, 1),
            work_start: Some(d(2012, 7, 1)),
            unit_join: Some(d(2015, 1, 1)),
            cost: cost(50_000, 10_000),
        };
        let on = d(2027, 1, 1);
        let fig = line_figures(&f, Route::NewContract, on, Some(3), &policy()).unwrap();
        assert!(!fig.cut && fig.eligible);
        assert_eq!(fig.annual_saving, Money::ZERO);
        assert_eq!(
            fig.contract,
            Some(Contract {
                start: on,
                term_years: 3,
                end: d(2029, 12, 31)
            })
        );
        let e = line_figures(&f, Route::NewContract, on, None, &policy()).unwrap_err();
        assert_eq!(
            (e.field.as_str(), e.code.as_str()),
            ("term_years", "required")
        );
    }

    proptest::proptest! {
        /// Totals agree with their lines, and the break-even month is the first month in
        /// which the accumulated monthly saving covers the one-off cost.
        #[test]
        fn totals_are_consistent(lines in proptest::collection::vec(
            (0usize..5, 0usize..8, 0i64..10_000_000, 0i64..50_000_000), 0..40), base in 0i64..500) {
            let figs: Vec<Figures> = lines
                .iter()
                .map(|(r, i, one_off, saving)| {
                    let route = Route::ALL[*r];
                    Figures {
                        route,
                        identity: Identity::ALL[*i],
                        cut: route.cuts(),
                        eligible: true,
                        reasons: vec![],
                        retirement_month: String::new(),
                        annual_cost: Money(*saving),
                        monthly_wage: Money::ZERO,
                        one_off: Money(*one_off),
                        severance: None,
                        leave_post_monthly: Money::ZERO,
                        leave_post_months: 0,
                        leave_post_total: Money::ZERO,
                        annual_saving: if route.cuts() { Money(*saving) } else { Money::ZERO },
                        contract: None,
                    }
                })
                .collect();
            let t = totals(figs.iter(), base);
            proptest::prop_assert_eq!(t.by_route.values().sum::<i64>(), t.lines);
            proptest::prop_assert_eq!(t.cut_by_identity.values().sum::<i64>(), t.cut);
            proptest::prop_assert_eq!(t.cut, figs.iter().filter(|f| f.route != Route::NewContract).count() as i64);
            if let Some(m) = t.break_even_months {
                let covered = |m: i64| i128::from(t.annual_saving.0) * i128::from(m) >= i128::from(t.one_off.0) * 12;
                proptest::prop_assert!(covered(m));
                proptest::prop_assert!(m == 0 || !covered(m - 1));
            } else {
                proptest::prop_assert!(t.annual_saving.0 <= 0);
            }
            if base > 0 {
                proptest::prop_assert!(t.share_pct.is_some());
            }
        }
    }

    /// Totals by hand: three cuts of 100 staff, one new contract.
    #[test]
    fn totals_share_and_break_even_by_hand() {
        let mk = |route, identity, cut, one_off: i64, saving: i64, lp: i64| Figures {
            route,
            identity,
            cut,
            eligible: true,
            reasons: vec![],
            retirement_month: String::new(),
            annual_cost: yuan(saving),
            monthly_wage: Money::ZERO,
            one_off: yuan(one_off),
            severance: None,
            leave_post_monthly: Money::ZERO,
            leave_post_months: 0,
            leave_post_total: yuan(lp),
            annual_saving: yuan(saving),
            contract: None,
        };
        let lines = [
            mk(Route::Release, Identity::Temporary, true, 30_000, 48_000, 0),
            mk(Route::Release, Identity::Temporary, true, 20_000, 36_000, 0),
            mk(
                Route::LeavePost,
                Identity::CivilServant,
                true,
                0,
                12_000,
                90_000,
            ),
            mk(Route::NewContract, Identity::EnterpriseHire, false, 0, 0, 0),
        ];
        let t = totals(lines.iter(), 100);
        assert_eq!((t.lines, t.cut), (4, 3));
        assert_eq!(t.cut_by_identity.get(&Identity::Temporary), Some(&2));
        assert_eq!(t.cut_by_identity.get(&Identity::EnterpriseHire), None);
        assert_eq!(t.by_route.get(&Route::NewContract), Some(&1));
        assert_eq!(t.share_pct, Some(Decimal::from(3)));
        assert_eq!(t.one_off, yuan(50_000));
        assert_eq!(t.annual_saving, yuan(96_000));
        assert_eq!(t.leave_post_total, yuan(90_000));
        // 50000 ÷ (96000 ÷ 12 = 8000) = 6.25 → 7 months.
        assert_eq!(t.break_even_months, Some(7));
        assert_eq!(break_even(yuan(1), Money::ZERO), None);
        assert_eq!(break_even(Money::ZERO, yuan(12)), Some(0));
        assert_eq!(totals([].iter(), 0).share_pct, None);
        let t = totals(lines.iter().take(1), 21);
        assert_eq!(t.share_pct, Some(Decimal::new(48, 1)));
    }
}
