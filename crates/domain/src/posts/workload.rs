//! Workload and need (因事定岗、因岗定编): a post's hours are the sum of the annual hours of
//! the function items it carries; FTE = hours ÷ the standard annual hours of one full-time
//! person (`posts.standard_annual_hours`). Arithmetic is exact ([`Decimal`] quotients of
//! integer hours); only display rounds (two places).
//!
//! Per body: the FTE needed (Σ hours of its active posts ÷ standard hours) against the
//! approved establishment and the staff deployed there. Staff deployed = Σ share of the
//! open assignments on the body's posts (a person with 60 % on a post of body A and 40 %
//! on a post of body B counts 0.6 in A and 0.4 in B), so need and staff are in the same
//! unit (FTE). A body is overstaffed (人浮于事) when staff > need × (1 + tolerance) and
//! understaffed (有事无人干) when staff < need × (1 − tolerance), tolerance =
//! `posts.staffing_tolerance_pct` %.

use rust_decimal::Decimal;
use serde::Serialize;

/// FTE of `hours` at `standard` hours per full-time person (0 when `standard` ≤ 0).
pub fn fte(hours: i64, standard: i64) -> Decimal {
    if standard <= 0 {
        return Decimal::ZERO;
    }
    Decimal::from(hours) / Decimal::from(standard)
}

/// A figure rounded to two places for display.
pub fn show(d: Decimal) -> String {
    format!("{:.2}", d.round_dp(2))
}

closed_lists!("posts/workload.toml");

/// Classifies `staff` (FTE) against `need` (FTE) with a tolerance in percent.
pub fn staffing(need: Decimal, staff: Decimal, tolerance_pct: Decimal) -> Staffing {
    let t = tolerance_pct / Decimal::from(100);
    if staff > need * (Decimal::ONE + t) {
        Staffing::Overstaffed
    } else if staff < need * (Decimal::ONE - t) {
        Staffing::Understaffed
    } else {
        Staffing::Balanced
    }
}

/// One body's line of the need-versus-establishment table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BodyNeed {
    pub body_id: i64,
    /// Σ hours of the body's active posts.
    pub hours: i64,
    pub posts: i64,
    /// FTE needed.
    pub need: Decimal,
    /// Approved establishment (headcount), when recorded.
    pub establishment: Option<i64>,
    /// Staff deployed (FTE, Σ shares of open assignments).
    pub staff: Decimal,
    /// People holding at least one open assignment on the body's posts.
    pub holders: i64,
    pub staffing: Staffing,
}

/// Input of [`body_needs`] for one body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyLoad {
    pub body_id: i64,
    pub establishment: Option<i64>,
    /// Hours of each active post.
    pub post_hours: Vec<i64>,
    /// Share (percent) of each open assignment on the body's posts, with the person.
    pub shares: Vec<(i64, i64)>,
}

/// The need-versus-establishment lines of a unit's bodies.
pub fn body_needs(bodies: &[BodyLoad], standard: i64, tolerance_pct: Decimal) -> Vec<BodyNeed> {
    bodies
        .iter()
        .map(|b| {
            let hours: i64 = b.post_hours.iter().sum();
            let need = fte(hours, standard);
            let staff = b
                .shares
                .iter()
                .map(|(_, s)| Decimal::from(*s) / Decimal::from(100))
                .sum::<Decimal>();
            let mut people: Vec<i64> = b.shares.iter().map(|(p, _)| *p).collect();
            people.sort_unstable();
            people.dedup();
            BodyNeed {
                body_id: b.body_id,
                hours,
                posts: b.post_hours.len() as i64,
                need,
                establishment: b.establishment,
                staff,
                holders: people.len() as i64,
                staffing: staffing(need, staff, tolerance_pct),
            }
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn fte_is_exact_and_rounds_only_for_display() {
        // 2976 h ÷ 1984 h = 1.5 exactly.
        assert_eq!(fte(2976, 1984), dec("1.5"));
        // 1000 ÷ 1984 = 0.504032…; three posts of 1000 h sum to 3000 ÷ 1984 = 1.512096…,
        // the same as the sum of the three unrounded FTE (display rounding would give 1.50).
        let one = fte(1000, 1984);
        assert_eq!(show(one), "0.50");
        assert_eq!(show(one + one + one), "1.51");
        assert_eq!(fte(3000, 1984), fte(1000, 1984) * Decimal::from(3));
        assert_eq!(fte(5, 0), Decimal::ZERO);
    }

    #[test]
    fn staffing_flags_with_tolerance() {
        let t = dec("15");
        // need 4: balanced between 3.4 and 4.6 inclusive.
        assert_eq!(staffing(dec("4"), dec("4.6"), t), Staffing::Balanced);
        assert_eq!(staffing(dec("4"), dec("4.61"), t), Staffing::Overstaffed);
        assert_eq!(staffing(dec("4"), dec("3.4"), t), Staffing::Balanced);
        assert_eq!(staffing(dec("4"), dec("3.39"), t), Staffing::Understaffed);
        assert_eq!(
            staffing(Decimal::ZERO, Decimal::ZERO, t),
            Staffing::Balanced
        );
        assert_eq!(
            staffing(Decimal::ZERO, dec("0.5"), t),
            Staffing::Overstaffed
        );
    }

    #[test]
    fn body_needs_sum_posts_and_shares() {
        // Body 1: posts of 1984 + 992 h = 2976 h = 1.5 FTE; staff: person 7 at 100 % and
        // person 8 at 60 % + 40 % (two posts) = 2.0 FTE > 1.5 × 1.15 = 1.725: overstaffed.
        // Body 2: one post of 3968 h = 2 FTE, one person at 100 %: 1 < 2 × 0.85: under.
        let b = vec![
            BodyLoad {
                body_id: 1,
                establishment: Some(2),
                post_hours: vec![1984, 992],
                shares: vec![(7, 100), (8, 60), (8, 40)],
            },
            BodyLoad {
                body_id: 2,
                establishment: None,
                post_hours: vec![3968],
                shares: vec![(9, 100)],
            },
        ];
        let n = body_needs(&b, 1984, dec("15"));
        assert_eq!(n[0].hours, 2976);
        assert_eq!(n[0].need, dec("1.5"));
        assert_eq!(n[0].staff, dec("2"));
        assert_eq!(n[0].holders, 2);
        assert_eq!(n[0].staffing, Staffing::Overstaffed);
        assert_eq!(n[1].need, dec("2"));
        assert_eq!(n[1].staffing, Staffing::Understaffed);
    }
}
