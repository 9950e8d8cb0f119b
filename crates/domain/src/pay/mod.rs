//! Performance pay (绩效奖金 / 奖励性绩效工资): the district's pool per unit, the unit's pay
//! run splitting it among its staff, the year-end bonus beside it, and the spread statistics
//! the district compares units by.
//!
//! Sources: ../shared/domain/RULES-SELECTION-APPRAISAL.md §4.5–4.6.
//! - PAY-4: two levels. The district sets each unit's pool from its headcount and the unit's
//!   own appraisal (`unit_coefficient`), or a fixed amount ([`PoolBasis`]).
//! - PAY-5: `w = grade_coef × post_coef × months / 12`; the district caps the post
//!   coefficient ([`Scheme::max_post_coef`]).
//! - PAY-6: shares to the fen summing exactly to the pool, largest remainder. The split is
//!   [`crate::rules::pay_pool::split`], the same function as `jiguan calc pay-pool`.
//! - PAY-8: the ratio of the highest to the lowest non-zero share is reported; the district
//!   may cap it (`max_spread`, [`Scheme::max_spread`]).
//! - PAY-1/2/3: the year-end bonus, one month's basic salary (`bonus_months = 1`) for 优秀
//!   and 称职 (事业: 合格), prorated by months served / 12, rounded half-up at the fen.

pub mod stats;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::FieldError;
use crate::money::Money;
use crate::rules::pay_pool::{self, Num, PayPerson, PayPoolInput, PayPoolResult};

pub use stats::{GradeStat, Spread, grade_stats, spread};

id_type! {
    /// A unit's pay run (绩效分配表) for one year.
    PayRunId;
}

/// The appraisal grade a share is computed from: the appraisal's own four grades (APR-5:
/// 公务员 and 事业 grades map to the same four), whose codes are the grade keys of the
/// calculator contract.
pub use crate::appraisal::Grade;

impl Grade {
    /// PAY-1: 优秀 and 称职 earn the year-end bonus; 基本称职 and 不称职 do not.
    pub fn earns_bonus(self) -> bool {
        self.competent_or_better()
    }
}

/// How the district sets a unit's pool (PAY-4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "basis", rename_all = "snake_case")]
pub enum PoolBasis {
    /// Per head × headcount × the unit coefficient from the unit's own appraisal.
    PerHead {
        per_head: Money,
        headcount: u32,
        unit_coef: Decimal,
    },
    /// A fixed amount.
    Fixed { amount: Money },
}

impl PoolBasis {
    /// The pool in fen: per head × headcount × unit coefficient, rounded half-up at the fen.
    pub fn amount(&self) -> Money {
        match *self {
            PoolBasis::Fixed { amount } => amount,
            PoolBasis::PerHead {
                per_head,
                headcount,
                unit_coef,
            } => Money::from_decimal_yuan(
                per_head.to_decimal() * Decimal::from(headcount) * unit_coef,
            )
            .unwrap_or(Money::ZERO),
        }
    }
}

/// The pool form as the page, the API and the CLI send it.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct PoolForm {
    /// `per_head` or `fixed`.
    pub basis: String,
    #[serde(default)]
    pub per_head: String,
    #[serde(default)]
    pub headcount: String,
    #[serde(default)]
    pub unit_coef: String,
    #[serde(default)]
    pub amount: String,
}

/// The largest unit coefficient accepted (a sanity bound, not a rule).
const UNIT_COEF_MAX: i64 = 5;

fn non_negative_money(field: &str, s: &str, errs: &mut Vec<FieldError>) -> Money {
    if s.trim().is_empty() {
        errs.push(FieldError::new(field, "required"));
        return Money::ZERO;
    }
    match Money::parse_yuan(field, s) {
        Ok(m) if m.fen() < 0 => {
            errs.push(FieldError::new(field, "must_not_be_negative"));
            Money::ZERO
        }
        Ok(m) => m,
        Err(e) => {
            errs.push(e);
            Money::ZERO
        }
    }
}

/// A coefficient: a non-negative decimal up to `max`.
pub fn coefficient(field: &str, s: &str, max: Decimal) -> Result<Decimal, FieldError> {
    let t = s.trim();
    if t.is_empty() {
        return Err(FieldError::new(field, "required"));
    }
    let d: Decimal = t
        .parse()
        .map_err(|_| FieldError::new(field, "number_invalid"))?;
    if d.is_sign_negative() && !d.is_zero() {
        return Err(FieldError::new(field, "must_not_be_negative"));
    }
    if d > max {
        return Err(FieldError::new(field, "out_of_range")
            .with("min", 0)
            .with("max", max.to_string()));
    }
    Ok(d.normalize())
}

impl PoolForm {
    /// Every invalid field at once.
    pub fn parse(&self) -> Result<PoolBasis, Vec<FieldError>> {
        let mut errs = Vec::new();
        let basis = match self.basis.trim() {
            "fixed" => PoolBasis::Fixed {
                amount: non_negative_money("amount", &self.amount, &mut errs),
            },
            "per_head" | "" => {
                let per_head = non_negative_money("per_head", &self.per_head, &mut errs);
                let headcount = match self.headcount.trim().parse::<u32>() {
                    Ok(n) if n <= 100_000 => n,
                    _ => {
                        errs.push(
                            FieldError::new("headcount", "out_of_range")
                                .with("min", 0)
                                .with("max", 100_000),
                        );
                        0
                    }
                };
                let unit_coef =
                    coefficient("unit_coef", &self.unit_coef, Decimal::from(UNIT_COEF_MAX))
                        .unwrap_or_else(|e| {
                            errs.push(e);
                            Decimal::ZERO
                        });
                PoolBasis::PerHead {
                    per_head,
                    headcount,
                    unit_coef,
                }
            }
            _ => {
                errs.push(FieldError::new("basis", "choice_invalid").with("value", &self.basis));
                PoolBasis::Fixed {
                    amount: Money::ZERO,
                }
            }
        };
        if errs.is_empty() {
            Ok(basis)
        } else {
            Err(errs)
        }
    }
}

/// The district's scheme for unit splits (defaults: PAY-5, PAY-8, PAY-2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Scheme {
    /// Grade coefficients in [`Grade::ALL`] order: 优秀 1.2, 称职 1.0, 基本称职 0.8, 不称职 0.
    pub grade_coef: [Decimal; 4],
    /// The largest post coefficient a unit may use (PAY-5 "the district caps its maximum").
    pub max_post_coef: Decimal,
    /// The largest ratio of the highest to the lowest non-zero weight (PAY-8 `max_spread`);
    /// `None`: no cap.
    pub max_spread: Option<Decimal>,
    /// Months of basic salary paid as the year-end bonus (PAY-2 `bonus_months = 1`).
    pub bonus_months: Decimal,
}

impl Default for Scheme {
    fn default() -> Self {
        let d = pay_pool::default_grade_coef();
        let c = |g: Grade| d.get(g.code()).copied().unwrap_or(Decimal::ZERO);
        Scheme {
            grade_coef: [
                c(Grade::Excellent),
                c(Grade::Competent),
                c(Grade::Basic),
                c(Grade::Incompetent),
            ],
            max_post_coef: Decimal::new(15, 1),
            max_spread: None,
            bonus_months: Decimal::ONE,
        }
    }
}

impl Scheme {
    pub fn coef(&self, g: Grade) -> Decimal {
        let i = Grade::ALL.iter().position(|x| *x == g).unwrap_or(0);
        self.grade_coef[i]
    }
}

/// The default post coefficient of a post level (PAY-5 examples: 中层正职 1.3, 中层副职 1.15,
/// 一般 1.0; 工勤 1.0). A unit may enter another on the line, up to the district's cap.
pub fn post_coef_of(level: crate::posts::PostLevel) -> Decimal {
    use crate::posts::PostLevel as L;
    match level {
        L::Chief => Decimal::new(13, 1),
        L::Deputy => Decimal::new(115, 2),
        L::General | L::Service => Decimal::ONE,
    }
}

/// One person of a pay run, as entered or imported (grade snapshotted from its source).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PayLine {
    pub person_id: i64,
    pub name: String,
    pub grade: Grade,
    pub post_coef: Decimal,
    /// Months served in the year, 1–12.
    pub months: u32,
    /// The person's December basic salary (PAY-2: 职务/职级工资 + 级别工资; 事业: 岗位 + 薪级).
    pub basic_salary: Money,
}

/// One computed line: the share, the bonus and every factor (PAY-7).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineResult {
    pub person_id: i64,
    pub name: String,
    pub grade: Grade,
    pub grade_coef: Decimal,
    pub post_coef: Decimal,
    pub months: u32,
    /// grade_coef × post_coef × months / 12.
    pub weight: String,
    pub share: Money,
    /// Whether one of the fen left over after the floors went to this share.
    pub remainder_fen: bool,
    pub basic_salary: Money,
    pub bonus: Money,
}

/// A computed pay run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunResult {
    pub pool: Money,
    /// Σ weights.
    pub total_weight: String,
    /// Fen handed out by largest remainder.
    pub remainder_fen: u32,
    pub lines: Vec<LineResult>,
    pub bonus_total: Money,
    pub spread: Spread,
}

/// PAY-1–3: the year-end bonus of one person: `bonus_months` × basic salary × months / 12
/// for 优秀 and 称职, rounded half-up at the fen; nothing for 基本称职 and 不称职.
pub fn year_end_bonus(scheme: &Scheme, grade: Grade, basic: Money, months: u32) -> Money {
    if !grade.earns_bonus() {
        return Money::ZERO;
    }
    let d = basic.to_decimal() * scheme.bonus_months * Decimal::from(months.min(12))
        / Decimal::from(12);
    Money::from_decimal_yuan(d).unwrap_or(Money::ZERO)
}

/// The field of line `i`.
fn lf(i: usize, name: &str) -> String {
    format!("lines[{i}].{name}")
}

/// Checks the lines against the scheme and splits the pool with
/// [`crate::rules::pay_pool::split`] (the calculator's function), then adds the bonus and the
/// spread. Errors name the field: `lines[i].post_coef` over the district cap, `lines`
/// `spread_over_cap` when the highest/lowest non-zero weight ratio exceeds `max_spread`, and
/// the split's own errors (`pool`, `lines[i].months`, `lines` `weights_zero`).
pub fn compute(pool: Money, scheme: &Scheme, lines: &[PayLine]) -> Result<RunResult, FieldError> {
    if lines.is_empty() {
        return Err(FieldError::new("lines", "required"));
    }
    for (i, l) in lines.iter().enumerate() {
        if l.post_coef > scheme.max_post_coef {
            return Err(FieldError::new(lf(i, "post_coef"), "out_of_range")
                .with("min", 0)
                .with("max", scheme.max_post_coef.to_string()));
        }
    }
    if let Some(cap) = scheme.max_spread {
        let ws: Vec<Decimal> = lines
            .iter()
            .map(|l| scheme.coef(l.grade) * l.post_coef * Decimal::from(l.months))
            .filter(|w| !w.is_zero())
            .collect();
        if let (Some(hi), Some(lo)) = (ws.iter().max(), ws.iter().min()) {
            let ratio = *hi / *lo;
            if ratio > cap {
                return Err(FieldError::new("lines", "spread_over_cap")
                    .with("ratio", ratio.round_dp(2).to_string())
                    .with("max", cap.to_string()));
            }
        }
    }
    let input = PayPoolInput {
        pool: Num::Text(pool.to_string()),
        grade_coef: Some(
            Grade::ALL
                .iter()
                .map(|g| (g.code().to_string(), Num::Text(scheme.coef(*g).to_string())))
                .collect(),
        ),
        people: lines
            .iter()
            .map(|l| PayPerson {
                id: l.person_id.to_string(),
                grade: l.grade.code().to_string(),
                post_coef: Some(Num::Text(l.post_coef.to_string())),
                months: Some(i64::from(l.months)),
            })
            .collect(),
    };
    let r: PayPoolResult = pay_pool::split(&input).map_err(|e| {
        let field = e
            .field
            .strip_prefix("people")
            .map(|rest| format!("lines{rest}"))
            .unwrap_or(e.field.clone());
        FieldError { field, ..e }
    })?;
    let out: Vec<LineResult> = lines
        .iter()
        .zip(r.shares)
        .map(|(l, s)| LineResult {
            person_id: l.person_id,
            name: l.name.clone(),
            grade: l.grade,
            grade_coef: scheme.coef(l.grade),
            post_coef: l.post_coef,
            months: l.months,
            weight: s.weight,
            share: s.fen,
            remainder_fen: s.remainder_fen,
            basic_salary: l.basic_salary,
            bonus: year_end_bonus(scheme, l.grade, l.basic_salary, l.months),
        })
        .collect();
    let bonus_total = Money(out.iter().map(|l| l.bonus.fen()).sum());
    let amounts: Vec<Money> = out.iter().map(|l| l.share).collect();
    Ok(RunResult {
        pool,
        total_weight: r.total_weight,
        remainder_fen: r.remainder_fen,
        bonus_total,
        spread: spread(&amounts),
        lines: out,
    })
}

/// A line as the run's page, the API and the import send it.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct LineForm {
    pub person_id: String,
    pub grade: String,
    #[serde(default)]
    pub post_coef: String,
    #[serde(default)]
    pub months: String,
    #[serde(default)]
    pub basic_salary: String,
}

/// A line that passed every check, before the person's name is looked up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineInput {
    pub person_id: i64,
    pub grade: Grade,
    /// `None`: taken from the person's post level, else 1.
    pub post_coef: Option<Decimal>,
    pub months: u32,
    pub basic_salary: Money,
}

impl LineForm {
    /// Every invalid field at once (grade code or Chinese label; months 1–12, 12 when empty).
    pub fn parse(&self, scheme: &Scheme) -> Result<LineInput, Vec<FieldError>> {
        let mut errs = Vec::new();
        let person_id = match self.person_id.trim().parse::<i64>() {
            Ok(n) if n > 0 => n,
            _ => {
                errs.push(FieldError::new("person_id", "required"));
                0
            }
        };
        let grade = Grade::parse("grade", &self.grade).unwrap_or_else(|e| {
            errs.push(e);
            Grade::Competent
        });
        let post_coef = if self.post_coef.trim().is_empty() {
            None
        } else {
            coefficient("post_coef", &self.post_coef, scheme.max_post_coef)
                .map_err(|e| errs.push(e))
                .ok()
        };
        let months = if self.months.trim().is_empty() {
            12
        } else {
            match self.months.trim().parse::<u32>() {
                Ok(m) if (1..=12).contains(&m) => m,
                _ => {
                    errs.push(
                        FieldError::new("months", "out_of_range")
                            .with("min", 1)
                            .with("max", 12),
                    );
                    12
                }
            }
        };
        let basic_salary = if self.basic_salary.trim().is_empty() {
            Money::ZERO
        } else {
            non_negative_money("basic_salary", &self.basic_salary, &mut errs)
        };
        if errs.is_empty() {
            Ok(LineInput {
                person_id,
                grade,
                post_coef,
                months,
                basic_salary,
            })
        } else {
            Err(errs)
        }
    }
}

#[cfg(test)]
mod tests;
