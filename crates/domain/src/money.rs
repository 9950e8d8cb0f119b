//! Money as integer fen (分). Never floating point.

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

use crate::FieldError;

/// An amount of renminbi in fen (1 元 = 100 分).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Money(pub i64);

impl Money {
    pub const ZERO: Money = Money(0);

    pub fn fen(self) -> i64 {
        self.0
    }

    /// Parses an amount in yuan such as `12000`, `12000.5` or `12000.50`.
    /// More than two decimals, signs other than a leading minus, or garbage are refused.
    pub fn parse_yuan(field: &str, s: &str) -> Result<Money, FieldError> {
        let t = s.trim().replace([',', '，'], "");
        let d = Decimal::from_str(&t).map_err(|_| FieldError::new(field, "money_invalid"))?;
        if d.scale() > 2 {
            return Err(FieldError::new(field, "money_too_precise"));
        }
        let fen = (d * Decimal::from(100)).trunc();
        i64::try_from(fen)
            .map(Money)
            .map_err(|_| FieldError::new(field, "money_invalid"))
    }

    /// The amount in yuan as an exact decimal.
    pub fn to_decimal(self) -> Decimal {
        Decimal::new(self.0, 2)
    }

    /// Rounds a decimal amount of yuan to the fen, half away from zero.
    pub fn from_decimal_yuan(d: Decimal) -> Option<Money> {
        let r = d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
        i64::try_from((r * Decimal::from(100)).trunc())
            .ok()
            .map(Money)
    }

    pub fn checked_add(self, o: Money) -> Option<Money> {
        self.0.checked_add(o.0).map(Money)
    }
}

impl fmt::Display for Money {
    /// `12000.00`: yuan with exactly two decimals.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let a = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", a / 100, a % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_and_prints_yuan() {
        assert_eq!(Money::parse_yuan("w", "12000"), Ok(Money(1_200_000)));
        assert_eq!(Money::parse_yuan("w", "0.5"), Ok(Money(50)));
        assert_eq!(Money::parse_yuan("w", "1,234.56"), Ok(Money(123_456)));
        assert_eq!(Money(123_456).to_string(), "1234.56");
        assert_eq!(Money(-5).to_string(), "-0.05");
        assert!(Money::parse_yuan("w", "1.234").is_err());
        assert!(Money::parse_yuan("w", "abc").is_err());
    }

    #[test]
    fn rounds_half_away_from_zero() {
        let d = |s: &str| Decimal::from_str(s).unwrap_or_default();
        assert_eq!(Money::from_decimal_yuan(d("1.005")), Some(Money(101)));
        assert_eq!(Money::from_decimal_yuan(d("-1.005")), Some(Money(-101)));
        assert_eq!(Money::from_decimal_yuan(d("1.004")), Some(Money(100)));
    }

    proptest! {
        #[test]
        fn display_parse_roundtrip(fen in -10_000_000_000i64..10_000_000_000i64) {
            let m = Money(fen);
            prop_assert_eq!(Money::parse_yuan("x", &m.to_string()), Ok(m));
        }
    }
}
