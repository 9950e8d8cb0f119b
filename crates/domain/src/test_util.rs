//! Helpers the domain's unit tests share.

use rust_decimal::Decimal;
use std::str::FromStr;

/// A decimal from its text (zero when it does not parse).
pub fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap_or_default()
}

/// A date from `YYYY-MM-DD` (the default date when it does not parse).
pub fn date(s: &str) -> chrono::NaiveDate {
    chrono::NaiveDate::from_str(s).unwrap_or_default()
}
