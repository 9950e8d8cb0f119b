//! Proportional allocation of a pay pool (绩效工资分配) to the fen.
//!
//! Source: local policy (a pay pool shared by weights such as appraisal score × post
//! coefficient); the method is the largest-remainder (Hamilton) method so that the shares sum
//! exactly to the pool: each share first gets `⌊pool × wᵢ / Σw⌋` fen, then the remaining fen go
//! one each to the largest remainders; ties go to the larger weight, then to the earlier input.
//! The arithmetic is exact: weights are scaled to integers and the quotas computed in `u128`.

use rust_decimal::Decimal;

use crate::money::Money;

/// Why a pool cannot be allocated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AllocError {
    /// No weights at all.
    #[error("required")]
    Empty,
    /// A weight below zero.
    #[error("out_of_range")]
    Negative,
    /// Every weight is zero.
    #[error("weights_zero")]
    AllZero,
    /// A negative pool.
    #[error("must_not_be_negative")]
    NegativePool,
    /// Numbers too large for exact arithmetic.
    #[error("too_large")]
    TooLarge,
}

impl AllocError {
    pub fn code(self) -> &'static str {
        match self {
            AllocError::Empty => "required",
            AllocError::Negative => "out_of_range",
            AllocError::AllZero => "weights_zero",
            AllocError::NegativePool => "must_not_be_negative",
            AllocError::TooLarge => "too_large",
        }
    }
}

/// Shares of `pool`, in input order, summing exactly to `pool`.
pub fn allocate(pool: Money, weights: &[Decimal]) -> Result<Vec<Money>, AllocError> {
    allocate_detailed(pool, weights).map(|a| a.shares)
}

/// An allocation with its explanation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allocation {
    /// Shares in input order.
    pub shares: Vec<Money>,
    /// Fen left after the floors and handed out by largest remainder.
    pub remainder_fen: u32,
    /// For each share, whether it received one of those fen.
    pub got_extra: Vec<bool>,
}

/// [`allocate`] with the count of fen handed out by largest remainder.
pub fn allocate_detailed(pool: Money, weights: &[Decimal]) -> Result<Allocation, AllocError> {
    if weights.is_empty() {
        return Err(AllocError::Empty);
    }
    if weights.iter().any(|w| w.is_sign_negative() && !w.is_zero()) {
        return Err(AllocError::Negative);
    }
    let total_fen = u128::try_from(pool.fen()).map_err(|_| AllocError::NegativePool)?;
    // scale every weight to an integer at the largest scale
    let scale = weights.iter().map(|w| w.scale()).max().unwrap_or(0);
    let ints: Vec<u128> = weights
        .iter()
        .map(|w| {
            let m = w.mantissa().unsigned_abs();
            10u128
                .checked_pow(scale - w.scale())
                .and_then(|f| m.checked_mul(f))
                .ok_or(AllocError::TooLarge)
        })
        .collect::<Result<_, _>>()?;
    let sum = ints
        .iter()
        .try_fold(0u128, |a, w| a.checked_add(*w))
        .ok_or(AllocError::TooLarge)?;
    if sum == 0 {
        return Err(AllocError::AllZero);
    }
    let mut floors = Vec::with_capacity(ints.len());
    let mut rems = Vec::with_capacity(ints.len());
    for w in &ints {
        let p = total_fen.checked_mul(*w).ok_or(AllocError::TooLarge)?;
        floors.push(p / sum);
        rems.push(p % sum);
    }
    let given: u128 = floors.iter().sum();
    let left = usize::try_from(total_fen - given).map_err(|_| AllocError::TooLarge)?;
    let mut order: Vec<usize> = (0..ints.len()).collect();
    order.sort_by(|&a, &b| {
        rems.get(b)
            .cmp(&rems.get(a))
            .then(ints.get(b).cmp(&ints.get(a)))
            .then(a.cmp(&b))
    });
    let mut got_extra = vec![false; ints.len()];
    for &i in order.iter().take(left) {
        if let Some(f) = floors.get_mut(i) {
            *f += 1;
        }
        if let Some(g) = got_extra.get_mut(i) {
            *g = true;
        }
    }
    let shares = floors
        .into_iter()
        .map(|f| {
            i64::try_from(f)
                .map(Money)
                .map_err(|_| AllocError::TooLarge)
        })
        .collect::<Result<_, _>>()?;
    Ok(Allocation {
        shares,
        remainder_fen: u32::try_from(left).map_err(|_| AllocError::TooLarge)?,
        got_extra,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::str::FromStr;

    fn w(s: &[&str]) -> Vec<Decimal> {
        s.iter().map(|x| Decimal::from_str(x).unwrap()).collect()
    }
    fn fen(v: Vec<Money>) -> Vec<i64> {
        v.into_iter().map(|m| m.0).collect()
    }

    #[test]
    fn examples() {
        assert_eq!(
            fen(allocate(Money(100), &w(&["1", "1", "1"])).unwrap()),
            vec![34, 33, 33]
        );
        // 1000.00 by 1.2 : 1 : 0.8 → 400, 333.33, 266.67 (remainders .33 and .67)
        assert_eq!(
            fen(allocate(Money(100_000), &w(&["1.2", "1", "0.8"])).unwrap()),
            vec![40_000, 33_333, 26_667]
        );
        // tie on remainder (0.5 and 1.5): the larger weight wins
        assert_eq!(
            fen(allocate(Money(2), &w(&["1", "3"])).unwrap()),
            vec![0, 2]
        );
        // full tie: the earlier input wins
        assert_eq!(
            fen(allocate(Money(3), &w(&["2", "2", "0"])).unwrap()),
            vec![2, 1, 0]
        );
        assert_eq!(
            fen(allocate(Money(0), &w(&["1", "2"])).unwrap()),
            vec![0, 0]
        );
    }

    #[test]
    fn errors() {
        assert_eq!(allocate(Money(1), &[]), Err(AllocError::Empty));
        assert_eq!(
            allocate(Money(1), &w(&["0", "0"])),
            Err(AllocError::AllZero)
        );
        assert_eq!(
            allocate(Money(1), &w(&["1", "-1"])),
            Err(AllocError::Negative)
        );
        assert_eq!(
            allocate(Money(-1), &w(&["1"])),
            Err(AllocError::NegativePool)
        );
        assert_eq!(
            allocate(Money(1), &w(&["-0", "1"])),
            Ok(vec![Money(0), Money(1)])
        );
    }

    fn weights() -> impl Strategy<Value = Vec<Decimal>> {
        prop::collection::vec((0i64..100_000, 0u32..4), 1..20)
            .prop_map(|v| {
                v.into_iter()
                    .map(|(m, s)| Decimal::new(m, s))
                    .collect::<Vec<_>>()
            })
            .prop_filter("one positive", |v| v.iter().any(|w| !w.is_zero()))
    }

    proptest! {
        #[test]
        fn sums_exactly_within_a_fen_and_monotone(pool in 0i64..10_000_000_000, ws in weights()) {
            let shares = allocate(Money(pool), &ws).unwrap();
            prop_assert_eq!(shares.iter().map(|m| m.0).sum::<i64>(), pool);
            let total: Decimal = ws.iter().sum();
            for (s, wi) in shares.iter().zip(&ws) {
                let quota = Decimal::from(pool) * *wi / total;
                prop_assert!((Decimal::from(s.0) - quota).abs() < Decimal::ONE);
                if wi.is_zero() {
                    prop_assert_eq!(s.0, 0);
                }
            }
            for (i, a) in ws.iter().enumerate() {
                for (j, b) in ws.iter().enumerate() {
                    if a > b {
                        prop_assert!(shares[i] >= shares[j], "{} {} {:?}", i, j, shares);
                    }
                }
            }
        }
    }
}
