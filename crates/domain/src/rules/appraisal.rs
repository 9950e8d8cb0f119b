//! Annual appraisal (年度考核), RULES.md §6.
//!
//! Source: 公务员法 (2018) arts. 36–39 and 公务员考核规定: the share of 优秀 (excellent) is
//! generally at most 20 % of those appraised and may reach 25 % with approval. The rate is the
//! policy parameter `appraisal.excellent_rate_pct` (default 20, bounded at 25).

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

/// The general rate (公务员考核规定).
pub const DEFAULT_RATE_PCT: u32 = 20;
/// The highest rate allowed, with approval.
pub const MAX_RATE_PCT: u32 = 25;

/// `⌊count × rate / 100⌋`: the most people who may be graded excellent. The rate is clamped to
/// 0–25 % so that no input can exceed the statutory ceiling.
pub fn max_excellent(count: u32, rate_pct: Decimal) -> u32 {
    let rate = rate_pct.clamp(Decimal::ZERO, Decimal::from(MAX_RATE_PCT));
    (Decimal::from(count) * rate / Decimal::ONE_HUNDRED)
        .floor()
        .to_u32()
        .unwrap_or(0)
}

/// Whether `excellent` grades among `count` appraised respect the quota.
pub fn within_quota(count: u32, excellent: u32, rate_pct: Decimal) -> bool {
    excellent <= max_excellent(count, rate_pct)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn floors_the_quota() {
        let r = Decimal::from(20);
        assert_eq!(max_excellent(0, r), 0);
        assert_eq!(max_excellent(4, r), 0);
        assert_eq!(max_excellent(5, r), 1);
        assert_eq!(max_excellent(23, r), 4);
        assert_eq!(max_excellent(23, Decimal::from(25)), 5);
        assert_eq!(max_excellent(100, Decimal::new(225, 1)), 22);
        // above the ceiling is clamped to 25 %
        assert_eq!(max_excellent(100, Decimal::from(40)), 25);
        assert!(within_quota(23, 4, r));
        assert!(!within_quota(23, 5, r));
    }

    proptest! {
        #[test]
        fn quota_never_exceeds_rate(count in 0u32..100_000, tenths in 0i64..=250) {
            let rate = Decimal::new(tenths, 1);
            let q = max_excellent(count, rate);
            prop_assert!(Decimal::from(q) * Decimal::ONE_HUNDRED <= Decimal::from(count) * rate);
            prop_assert!(Decimal::from(q + 1) * Decimal::ONE_HUNDRED > Decimal::from(count) * rate);
            prop_assert!(q * 4 <= count);
        }
    }
}
