//! Spread statistics of a pay run (PAY-8): how far pay now differs, per unit and by grade —
//! the "before/after 大锅饭" picture. Before, everyone got the same (ratio 1, Gini 0).

use rust_decimal::Decimal;
use serde::Serialize;

use super::Grade;
use crate::money::Money;

/// The spread of a set of shares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Spread {
    pub count: u32,
    pub total: Money,
    pub max: Money,
    /// The lowest non-zero share.
    pub min_nonzero: Money,
    /// max / min_nonzero to two places (PAY-8); `None` when no share is above zero.
    pub ratio: Option<Decimal>,
    /// The Gini coefficient of the shares (0 = everyone the same), to four places.
    pub gini: Decimal,
}

/// PAY-8 ratio and the Gini coefficient
/// `G = Σ_i (2i − n − 1) x_(i) / (n Σ x)` over the shares sorted ascending (i from 1),
/// exact in integers, rounded to four places.
pub fn spread(amounts: &[Money]) -> Spread {
    let n = amounts.len();
    let mut v: Vec<i64> = amounts.iter().map(|m| m.fen()).collect();
    v.sort_unstable();
    let total: i128 = v.iter().map(|x| i128::from(*x)).sum();
    let max = v.last().copied().unwrap_or(0);
    let min_nonzero = v.iter().copied().find(|x| *x > 0).unwrap_or(0);
    let ratio =
        (min_nonzero > 0).then(|| (Decimal::from(max) / Decimal::from(min_nonzero)).round_dp(2));
    let gini = if total > 0 && n > 0 {
        let n_i = n as i128;
        let num: i128 = v
            .iter()
            .enumerate()
            .map(|(i, x)| (2 * (i as i128 + 1) - n_i - 1) * i128::from(*x))
            .sum();
        let den = n_i * total;
        match (
            Decimal::try_from_i128_with_scale(num, 0),
            Decimal::try_from_i128_with_scale(den, 0),
        ) {
            (Ok(a), Ok(b)) => (a / b).round_dp(4),
            _ => Decimal::ZERO,
        }
    } else {
        Decimal::ZERO
    };
    Spread {
        count: u32::try_from(n).unwrap_or(u32::MAX),
        total: Money(i64::try_from(total).unwrap_or(i64::MAX)),
        max: Money(max),
        min_nonzero: Money(min_nonzero),
        ratio,
        gini,
    }
}

/// Pay by grade: how many, the mean, lowest and highest share.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GradeStat {
    pub grade: Grade,
    pub count: u32,
    /// Mean share, rounded half-up at the fen.
    pub mean: Money,
    pub min: Money,
    pub max: Money,
}

/// One [`GradeStat`] per grade present, in [`Grade::ALL`] order.
pub fn grade_stats(lines: &[(Grade, Money)]) -> Vec<GradeStat> {
    Grade::ALL
        .iter()
        .filter_map(|g| {
            let xs: Vec<i64> = lines
                .iter()
                .filter(|(lg, _)| lg == g)
                .map(|(_, m)| m.fen())
                .collect();
            if xs.is_empty() {
                return None;
            }
            let sum: i64 = xs.iter().sum();
            let count = xs.len();
            let mean = Money::from_decimal_yuan(Decimal::new(sum, 2) / Decimal::from(count as u64))
                .unwrap_or(Money::ZERO);
            Some(GradeStat {
                grade: *g,
                count: u32::try_from(count).unwrap_or(u32::MAX),
                mean,
                min: Money(xs.iter().copied().min().unwrap_or(0)),
                max: Money(xs.iter().copied().max().unwrap_or(0)),
            })
        })
        .collect()
}
