//! Personnel cost (人头费用): the annual cost of one person (basic pay, allowances, social
//! insurance, housing fund; integer fen), totals by a key (identity, body, funding source)
//! and the comparison between two dates that the reform report needs.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::money::Money;

/// One person's annual cost, by item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Cost {
    /// 基本工资.
    pub basic_pay: Money,
    /// 津贴补贴.
    pub allowances: Money,
    /// 社会保险 (employer share).
    pub social_insurance: Money,
    /// 住房公积金 (employer share).
    pub housing_fund: Money,
}

impl Cost {
    /// The sum of the items (saturating: amounts are bounded far below `i64::MAX`).
    pub fn total(&self) -> Money {
        Money(
            self.basic_pay
                .0
                .saturating_add(self.allowances.0)
                .saturating_add(self.social_insurance.0)
                .saturating_add(self.housing_fund.0),
        )
    }

    pub fn add(&self, o: &Cost) -> Cost {
        Cost {
            basic_pay: Money(self.basic_pay.0.saturating_add(o.basic_pay.0)),
            allowances: Money(self.allowances.0.saturating_add(o.allowances.0)),
            social_insurance: Money(self.social_insurance.0.saturating_add(o.social_insurance.0)),
            housing_fund: Money(self.housing_fund.0.saturating_add(o.housing_fund.0)),
        }
    }
}

/// Headcount and cost of one group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Total {
    pub headcount: i64,
    pub cost: Cost,
}

impl Total {
    pub fn add(&self, o: &Total) -> Total {
        Total {
            headcount: self.headcount + o.headcount,
            cost: self.cost.add(&o.cost),
        }
    }
}

/// Sums `(key, cost)` per key.
pub fn totals_by<K: Ord>(items: impl IntoIterator<Item = (K, Cost)>) -> BTreeMap<K, Total> {
    let mut out: BTreeMap<K, Total> = BTreeMap::new();
    for (k, c) in items {
        let t = out.entry(k).or_default();
        t.headcount += 1;
        t.cost = t.cost.add(&c);
    }
    out
}

/// The grand total of grouped totals.
pub fn grand_total<'a>(totals: impl IntoIterator<Item = &'a Total>) -> Total {
    totals
        .into_iter()
        .fold(Total::default(), |acc, t| acc.add(t))
}

/// One line of a two-date comparison.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CompareLine<K> {
    pub key: K,
    pub a: Total,
    pub b: Total,
    pub headcount_change: i64,
    pub cost_change: Money,
    /// Change of the total cost in percent of `a`, two decimals; `None` when `a` is zero.
    pub cost_change_pct: Option<Decimal>,
}

/// Compares grouped totals at date A with those at date B, key by key (a key present on one
/// side only counts as zero on the other).
pub fn compare<K: Ord + Clone>(
    a: &BTreeMap<K, Total>,
    b: &BTreeMap<K, Total>,
) -> Vec<CompareLine<K>> {
    let mut keys: Vec<&K> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .map(|k| {
            let ta = a.get(k).copied().unwrap_or_default();
            let tb = b.get(k).copied().unwrap_or_default();
            line(k.clone(), ta, tb)
        })
        .collect()
}

/// One comparison line.
pub fn line<K>(key: K, a: Total, b: Total) -> CompareLine<K> {
    let (ca, cb) = (a.cost.total().0, b.cost.total().0);
    let change = cb.saturating_sub(ca);
    let pct = (ca != 0)
        .then(|| (Decimal::from(change) * Decimal::from(100) / Decimal::from(ca)).round_dp(2));
    CompareLine {
        key,
        a,
        b,
        headcount_change: b.headcount - a.headcount,
        cost_change: Money(change),
        cost_change_pct: pct,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn c(b: i64) -> Cost {
        Cost {
            basic_pay: Money(b),
            allowances: Money(100),
            social_insurance: Money(10),
            housing_fund: Money(1),
        }
    }

    #[test]
    fn totals_and_comparison() {
        let a = totals_by(vec![
            ("civil", c(1000)),
            ("civil", c(2000)),
            ("temp", c(500)),
        ]);
        assert_eq!(a["civil"].headcount, 2);
        assert_eq!(a["civil"].cost.total(), Money(3000 + 222));
        let b = totals_by(vec![("civil", c(1000))]);
        let cmp = compare(&a, &b);
        assert_eq!(cmp.len(), 2);
        assert_eq!(cmp[0].key, "civil");
        assert_eq!(cmp[0].headcount_change, -1);
        assert_eq!(cmp[0].cost_change, Money(-2111));
        assert_eq!(cmp[0].cost_change_pct, Some(Decimal::new(-6552, 2)));
        assert_eq!(cmp[1].b, Total::default());
        assert_eq!(cmp[1].cost_change_pct, Some(Decimal::new(-10000, 2)));
        let g = grand_total(a.values());
        assert_eq!((g.headcount, g.cost.total()), (3, Money(3500 + 333)));
    }

    proptest! {
        #[test]
        fn grand_total_is_the_sum_of_groups(items in prop::collection::vec((0u8..5, 0i64..10_000_000), 0..50)) {
            let costs: Vec<(u8, Cost)> = items.iter().map(|(k, b)| (*k, c(*b))).collect();
            let by = totals_by(costs.clone());
            let g = grand_total(by.values());
            let direct: i64 = costs.iter().map(|(_, c)| c.total().0).sum();
            prop_assert_eq!(g.cost.total().0, direct);
            prop_assert_eq!(g.headcount, costs.len() as i64);
        }
    }
}
