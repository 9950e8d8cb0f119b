//! A unit's performance-pay pool (绩效奖金 / 奖励性绩效工资) split among its staff by their
//! appraisal grade, post and months served.
//!
//! Source: ../shared/domain/RULES-SELECTION-APPRAISAL.md §4.6 (PAY-5, PAY-6; local practice,
//! defaults pending the district's scheme): the weight of a person is
//! `grade_coef(grade) × post_coef × months / 12`, and the pool is shared by those weights to
//! the fen with the project's allocation rule ([`super::allocation`]: largest remainder; ties
//! to the larger weight, then input order), so the shares sum exactly to the pool. The common
//! factor 1/12 does not change the shares, so the exact weight used is
//! `grade_coef × post_coef × months`.

use std::collections::{BTreeMap, HashSet};
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::FieldError;
use crate::money::Money;
use crate::rules::allocation::{AllocError, allocate_detailed};

/// A decimal given as a JSON string ("1.3") or number (1.3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Num {
    Text(String),
    Int(i64),
    Float(f64),
}

impl Num {
    fn text(&self) -> String {
        match self {
            Num::Text(s) => s.trim().to_string(),
            Num::Int(i) => i.to_string(),
            Num::Float(f) => f.to_string(),
        }
    }
}

/// One person in the pay run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PayPerson {
    pub id: String,
    /// A key of the grade coefficients: excellent, competent, basic, incompetent (or the
    /// unit's own).
    pub grade: String,
    /// The post coefficient (中层正职 1.3, 中层副职 1.15, 一般 1.0 …); 1 when absent.
    #[serde(default)]
    pub post_coef: Option<Num>,
    /// Months served in the year, 1–12; 12 when absent.
    #[serde(default)]
    pub months: Option<i64>,
}

/// The pay run as sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PayPoolInput {
    /// Yuan, at most two decimals.
    pub pool: Num,
    /// Grade → coefficient; the defaults of PAY-5 when absent.
    #[serde(default)]
    pub grade_coef: Option<BTreeMap<String, Num>>,
    pub people: Vec<PayPerson>,
}

/// The default grade coefficients (PAY-5): 优秀 1.2, 称职 1.0, 基本称职 0.8, 不称职 0.
pub fn default_grade_coef() -> BTreeMap<String, Decimal> {
    [
        ("excellent", Decimal::new(12, 1)),
        ("competent", Decimal::ONE),
        ("basic", Decimal::new(8, 1)),
        ("incompetent", Decimal::ZERO),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

/// One person's share with its factors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Share {
    pub id: String,
    /// Yuan with two places.
    pub amount: String,
    #[serde(skip)]
    pub fen: Money,
    pub grade: String,
    pub grade_coef: String,
    pub post_coef: String,
    pub months: i64,
    /// grade_coef × post_coef × months / 12.
    pub weight: String,
    /// Whether one of the fen left after the floors went to this share.
    pub remainder_fen: bool,
}

/// The split of a pool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PayPoolResult {
    pub shares: Vec<Share>,
    /// Equals the pool.
    pub total: String,
    /// Σ weights.
    pub total_weight: String,
    /// Fen handed out by largest remainder.
    pub remainder_fen: u32,
}

fn decimal(field: &str, n: &Num) -> Result<Decimal, FieldError> {
    let t = n.text();
    if t.is_empty() {
        return Err(FieldError::new(field, "required"));
    }
    let d = Decimal::from_str(&t).map_err(|_| FieldError::new(field, "number_invalid"))?;
    if d.is_sign_negative() && !d.is_zero() {
        return Err(FieldError::new(field, "must_not_be_negative"));
    }
    Ok(d.normalize())
}

/// Checks the run and splits the pool. The first problem is reported with its field.
pub fn split(input: &PayPoolInput) -> Result<PayPoolResult, FieldError> {
    let pool_text = input.pool.text();
    if pool_text.starts_with('-') {
        return Err(FieldError::new("pool", "must_not_be_negative"));
    }
    let pool = Money::parse_yuan("pool", &pool_text)?;
    if pool.fen() < 0 {
        return Err(FieldError::new("pool", "must_not_be_negative"));
    }
    let coefs = match &input.grade_coef {
        None => default_grade_coef(),
        Some(m) => m
            .iter()
            .map(|(k, v)| Ok((k.clone(), decimal(&format!("grade_coef.{k}"), v)?)))
            .collect::<Result<_, FieldError>>()?,
    };
    if input.people.is_empty() {
        return Err(FieldError::new("people", "required"));
    }
    let mut seen = HashSet::with_capacity(input.people.len());
    let mut rows = Vec::with_capacity(input.people.len());
    let mut weights = Vec::with_capacity(input.people.len());
    for (i, p) in input.people.iter().enumerate() {
        let f = |name: &str| format!("people[{i}].{name}");
        if p.id.trim().is_empty() {
            return Err(FieldError::new(f("id"), "required"));
        }
        if !seen.insert(p.id.as_str()) {
            return Err(FieldError::new(f("id"), "duplicate_id").with("id", &p.id));
        }
        let g = coefs
            .get(p.grade.trim())
            .copied()
            .ok_or_else(|| FieldError::new(f("grade"), "choice_invalid").with("value", &p.grade))?;
        let post = match &p.post_coef {
            None => Decimal::ONE,
            Some(n) => decimal(&f("post_coef"), n)?,
        };
        let months = p.months.unwrap_or(12);
        if !(1..=12).contains(&months) {
            return Err(FieldError::new(f("months"), "out_of_range")
                .with("min", 1)
                .with("max", 12));
        }
        let w = g
            .checked_mul(post)
            .and_then(|x| x.checked_mul(Decimal::from(months)))
            .ok_or_else(|| FieldError::new(f("post_coef"), "too_large"))?;
        weights.push(w);
        rows.push((p, g, post, months, w));
    }
    let a = allocate_detailed(pool, &weights).map_err(|e| match e {
        AllocError::AllZero => FieldError::new("people", "weights_zero"),
        AllocError::NegativePool => FieldError::new("pool", "must_not_be_negative"),
        other => FieldError::new("people", other.code()),
    })?;
    let twelve = Decimal::from(12);
    let shares = rows
        .into_iter()
        .zip(a.shares.iter().zip(&a.got_extra))
        .map(|((p, g, post, months, w), (fen, extra))| Share {
            id: p.id.clone(),
            amount: fen.to_string(),
            fen: *fen,
            grade: p.grade.trim().to_string(),
            grade_coef: g.to_string(),
            post_coef: post.to_string(),
            months,
            weight: (w / twelve).round_dp(6).normalize().to_string(),
            remainder_fen: *extra,
        })
        .collect();
    let total_weight: Decimal = weights.iter().sum();
    Ok(PayPoolResult {
        shares,
        total: pool.to_string(),
        total_weight: (total_weight / twelve).round_dp(6).normalize().to_string(),
        remainder_fen: a.remainder_fen,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn person(id: &str, grade: &str, post: &str, months: i64) -> PayPerson {
        PayPerson {
            id: id.into(),
            grade: grade.into(),
            post_coef: Some(Num::Text(post.into())),
            months: Some(months),
        }
    }

    fn run(pool: &str, people: Vec<PayPerson>) -> Result<PayPoolResult, FieldError> {
        split(&PayPoolInput {
            pool: Num::Text(pool.into()),
            grade_coef: None,
            people,
        })
    }

    /// Everyone for the whole year, named a, b, c … in order, by (grade, post coefficient).
    fn full_year(lines: &[(&str, &str)]) -> Vec<PayPerson> {
        lines
            .iter()
            .zip('a'..)
            .map(|((grade, post), id)| person(&id.to_string(), grade, post, 12))
            .collect()
    }

    fn amounts(r: &PayPoolResult) -> Vec<&str> {
        r.shares.iter().map(|s| s.amount.as_str()).collect()
    }

    /// PAY-6 vector: 50,000.00 by 1.2×1.3, 1.0×1.3, 1.0, 0.8, 0.
    #[test]
    fn pay6_vector() {
        let people = full_year(&[
            ("excellent", "1.3"),
            ("competent", "1.3"),
            ("competent", "1.0"),
            ("basic", "1.0"),
            ("incompetent", "1.0"),
        ]);
        let r = run("50000.00", people).unwrap();
        assert_eq!(
            amounts(&r),
            ["16738.20", "13948.50", "10729.61", "8583.69", "0.00"]
        );
        assert_eq!(r.total, "50000.00");
    }

    /// PAY-6 vector: 10,000.00 by 1 : 1 : 1.
    #[test]
    fn equal_thirds() {
        let r = run("10000", full_year(&[("competent", "1"); 3])).unwrap();
        assert_eq!(amounts(&r), ["3333.34", "3333.33", "3333.33"]);
    }

    /// Months served weigh in: 6 months is half the weight of 12.
    #[test]
    fn months_weigh() {
        let r = run(
            "300.00",
            vec![
                person("a", "competent", "1", 12),
                person("b", "competent", "1", 6),
            ],
        )
        .unwrap();
        assert_eq!(r.shares[0].amount, "200.00");
        assert_eq!(r.shares[1].amount, "100.00");
        assert_eq!(r.shares[1].weight, "0.5");
    }

    #[test]
    fn bad_input_names_the_field() {
        let refused = |pool: &str, people| {
            let e = run(pool, people).unwrap_err();
            format!("{} {}", e.field, e.code)
        };
        let one = |grade: &str, post: &str, months| vec![person("a", grade, post, months)];
        for (pool, code) in [
            ("-1", "must_not_be_negative"),
            ("1.005", "money_too_precise"),
        ] {
            assert_eq!(
                refused(pool, one("competent", "1", 12)),
                format!("pool {code}")
            );
        }
        for (grade, post, months, want) in [
            ("great", "1", 12, "people[0].grade choice_invalid"),
            ("competent", "1", 13, "people[0].months out_of_range"),
            ("competent", "1", 0, "people[0].months out_of_range"),
            (
                "competent",
                "-1",
                12,
                "people[0].post_coef must_not_be_negative",
            ),
            ("incompetent", "1", 12, "people weights_zero"),
        ] {
            assert_eq!(refused("10", one(grade, post, months)), want);
        }
        let twins = vec![
            person("a", "competent", "1", 12),
            person("a", "basic", "1", 12),
        ];
        assert_eq!(refused("10", twins), "people[1].id duplicate_id");
        assert_eq!(refused("10", vec![]), "people required");
    }

    proptest! {
        /// The shares sum exactly to the pool, whatever the grades, posts and months.
        #[test]
        fn shares_sum_to_the_pool(
            pool in 0i64..100_000_000,
            people in proptest::collection::vec((0usize..4, 80u32..200, 1i64..=12), 1..60)
        ) {
            let grades = ["excellent", "competent", "basic", "incompetent"];
            let ps: Vec<PayPerson> = people
                .iter()
                .enumerate()
                .map(|(i, (g, c, m))| person(&format!("p{i}"), grades[*g], &format!("{}.{:02}", c / 100, c % 100), *m))
                .collect();
            let yuan = Money(pool).to_string();
            match run(&yuan, ps) {
                Ok(r) => {
                    let sum: i64 = r.shares.iter().map(|s| s.fen.fen()).sum();
                    prop_assert_eq!(sum, pool);
                    prop_assert_eq!(r.total, yuan);
                }
                Err(e) => prop_assert_eq!(e.code.as_str(), "weights_zero"),
            }
        }
    }
}
