//! Workload balance (苦乐不均). A post's hours are split among its open holders in
//! proportion to their shares; a person's load is the sum of their portions, and their FTE
//! the load ÷ the standard annual hours. The population is the people holding at least one
//! open assignment (people with none are listed by coverage, 人人有事做, not counted here
//! as zero loads).
//!
//! Spread figures, all over the FTE of that population:
//! - mean; population variance σ² = Σ (xᵢ − mean)² ÷ n;
//! - coefficient of variation CV = σ ÷ mean (σ needs a square root: it is computed in
//!   floating point and rounded to 4 places, everything else is exact decimal arithmetic);
//! - Gini = Σᵢ Σⱼ |xᵢ − xⱼ| ÷ (2 n² mean), computed as 2 Σ i·x₍ᵢ₎ ÷ (n Σx) − (n + 1) ÷ n
//!   over the loads sorted ascending (i from 1);
//! - max ÷ min (none when min is 0: shown "—");
//! - overloaded: FTE > `posts.overload_fte`; underloaded: FTE < `posts.underload_fte`.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::Serialize;

use super::assign::State;
use super::workload::fte;

/// One open assignment as the loads read it: its holder, its post's hours (0 for a post
/// not known), its share, and the share sum of its post's open assignments. Four integers:
/// the store reads them for the dashboard instead of the unit's posts and assignments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadPart {
    pub person_id: i64,
    pub hours: i64,
    pub share_pct: i64,
    pub post_shares: i64,
}

/// The parts of a state's open assignments, in the state's order.
pub fn parts(state: &State) -> Vec<LoadPart> {
    let mut sums: BTreeMap<i64, i64> = BTreeMap::new();
    for a in &state.assignments {
        *sums.entry(a.post_id).or_default() += a.share_pct;
    }
    state
        .assignments
        .iter()
        .map(|a| LoadPart {
            person_id: a.person_id,
            hours: state.posts.get(&a.post_id).map_or(0, |p| p.hours),
            share_pct: a.share_pct,
            post_shares: sums.get(&a.post_id).copied().unwrap_or(0),
        })
        .collect()
}

/// Each holder's load in hours (exact): the parts added up per person in their order.
pub fn loads_of(parts: &[LoadPart]) -> BTreeMap<i64, Decimal> {
    let mut out: BTreeMap<i64, Decimal> = BTreeMap::new();
    for a in parts {
        let part = if a.post_shares > 0 {
            Decimal::from(a.hours) * Decimal::from(a.share_pct) / Decimal::from(a.post_shares)
        } else {
            Decimal::ZERO
        };
        *out.entry(a.person_id).or_default() += part;
    }
    out
}

/// Each holder's load in hours (exact).
pub fn loads(state: &State) -> BTreeMap<i64, Decimal> {
    loads_of(&parts(state))
}

/// The hours of post `post` that fall to a holder with share `share`.
pub fn portion(state: &State, post: i64, share: i64) -> Decimal {
    let sum: i64 = state.of_post(post).map(|a| a.share_pct).sum();
    let hours = state.posts.get(&post).map_or(0, |p| p.hours);
    if sum == 0 {
        return Decimal::ZERO;
    }
    Decimal::from(hours) * Decimal::from(share) / Decimal::from(sum)
}

/// The spread figures of a set of values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Figures {
    pub n: i64,
    pub mean: Decimal,
    pub variance: Decimal,
    /// None when the mean is 0.
    pub cv: Option<Decimal>,
    pub gini: Decimal,
    pub max: Decimal,
    pub min: Decimal,
    /// None when min is 0 (infinite; shown "—").
    pub max_min: Option<Decimal>,
}

/// The figures of `xs`.
pub fn figures(xs: &[Decimal]) -> Figures {
    let n = xs.len() as i64;
    if n == 0 {
        return Figures::default();
    }
    let dn = Decimal::from(n);
    let sum: Decimal = xs.iter().copied().sum();
    let mean = sum / dn;
    let variance = xs
        .iter()
        .map(|x| (*x - mean) * (*x - mean))
        .sum::<Decimal>()
        / dn;
    let cv = if mean > Decimal::ZERO {
        let sd = variance.to_f64().unwrap_or(0.0).sqrt();
        let m = mean.to_f64().unwrap_or(1.0);
        Decimal::from_f64_retain(sd / m).map(|d| d.round_dp(4))
    } else {
        None
    };
    let mut sorted = xs.to_vec();
    sorted.sort();
    let gini = if sum > Decimal::ZERO {
        let weighted: Decimal = sorted
            .iter()
            .enumerate()
            .map(|(i, x)| Decimal::from(i as i64 + 1) * *x)
            .sum();
        Decimal::from(2) * weighted / (dn * sum) - (dn + Decimal::ONE) / dn
    } else {
        Decimal::ZERO
    };
    let min = sorted.first().copied().unwrap_or_default();
    let max = sorted.last().copied().unwrap_or_default();
    Figures {
        n,
        mean,
        variance,
        cv,
        gini,
        max,
        min,
        max_min: (min > Decimal::ZERO).then(|| max / min),
    }
}

/// One person's load.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PersonLoad {
    pub person_id: i64,
    pub hours: Decimal,
    pub fte: Decimal,
    pub posts: i64,
    pub share: i64,
}

/// One bar of the distribution chart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Bin {
    /// Lower edge (FTE), inclusive.
    pub from: Decimal,
    /// Upper edge, exclusive; none for the last, open bin.
    pub to: Option<Decimal>,
    pub count: i64,
    /// `under`, `normal` or `over`: the bin lies wholly below the underload threshold,
    /// wholly above the overload threshold, or neither.
    pub class: &'static str,
}

/// The workload balance of a unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Balance {
    pub loads: Vec<PersonLoad>,
    pub figures: Figures,
    pub overloaded: Vec<i64>,
    pub underloaded: Vec<i64>,
    pub bins: Vec<Bin>,
    pub standard: i64,
    pub overload: Decimal,
    pub underload: Decimal,
}

/// Bins of 0.1 FTE from 0 to 2.0, then one open bin.
pub const BIN_WIDTH_TENTHS: i64 = 1;
pub const BIN_COUNT: i64 = 20;

/// The histogram of `ftes`.
pub fn histogram(ftes: &[Decimal], underload: Decimal, overload: Decimal) -> Vec<Bin> {
    let w = Decimal::new(BIN_WIDTH_TENTHS, 1);
    (0..=BIN_COUNT)
        .map(|i| {
            let from = w * Decimal::from(i);
            let to = (i < BIN_COUNT).then(|| from + w);
            let count = ftes
                .iter()
                .filter(|x| **x >= from && to.is_none_or(|t| **x < t))
                .count() as i64;
            let class = if to.is_some_and(|t| t <= underload) {
                "under"
            } else if from >= overload {
                "over"
            } else {
                "normal"
            };
            Bin {
                from,
                to,
                count,
                class,
            }
        })
        .collect()
}

/// The balance of a state.
pub fn balance(state: &State, standard: i64, underload: Decimal, overload: Decimal) -> Balance {
    balance_of(&parts(state), standard, underload, overload)
}

/// The balance of the open assignments' parts (the same figures as [`balance`] of their
/// state when each person's parts come in the state's order).
pub fn balance_of(
    parts: &[LoadPart],
    standard: i64,
    underload: Decimal,
    overload: Decimal,
) -> Balance {
    let l = loads_of(parts);
    let std = fte(1, standard);
    // Each person's posts and open shares, in one pass (not one pass per person).
    let mut held: BTreeMap<i64, (i64, i64)> = BTreeMap::new();
    for a in parts {
        let e = held.entry(a.person_id).or_default();
        e.0 += 1;
        e.1 += a.share_pct;
    }
    let loads: Vec<PersonLoad> = l
        .iter()
        .map(|(p, h)| {
            let (posts, share) = held.get(p).copied().unwrap_or_default();
            PersonLoad {
                person_id: *p,
                hours: *h,
                fte: *h * std,
                posts,
                share,
            }
        })
        .collect();
    let ftes: Vec<Decimal> = loads.iter().map(|x| x.fte).collect();
    Balance {
        figures: figures(&ftes),
        overloaded: loads
            .iter()
            .filter(|x| x.fte > overload)
            .map(|x| x.person_id)
            .collect(),
        underloaded: loads
            .iter()
            .filter(|x| x.fte < underload)
            .map(|x| x.person_id)
            .collect(),
        bins: histogram(&ftes, underload, overload),
        loads,
        standard,
        overload,
        underload,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
pub(crate) mod tests {
    use super::*;
    use crate::people::EstablishmentKind as K;
    use crate::posts::assign::Assignment;
    use crate::posts::assign::tests::{person, post};
    use crate::posts::{PostKind, PostLevel};
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    /// Posts: P1 1500 h held by A (100 %); P2 600 h held by B (50 %) and C (50 %): 300 h
    /// each; P3 400 h held by C (50 %); P4 900 h held by D (100 %).
    /// Loads: A 1500, B 300, C 300 + 400 = 700, D 900 h; at 1000 h per FTE:
    /// 1.5, 0.3, 0.7, 0.9 FTE.
    pub(crate) fn fixture() -> State {
        let mut s = State::default();
        for (id, h) in [(1, 1500), (2, 600), (3, 400), (4, 900)] {
            s.posts
                .insert(id, post(id, 1, PostLevel::General, PostKind::Any, h));
        }
        for id in [1, 2, 3, 4] {
            s.people.insert(id, person(id, K::Administrative));
        }
        for (n, (post_id, person_id, share_pct)) in
            [(1, 1, 100), (2, 2, 50), (2, 3, 50), (3, 3, 50), (4, 4, 100)]
                .into_iter()
                .enumerate()
        {
            s.assignments.push(Assignment {
                id: n as i64 + 1,
                post_id,
                person_id,
                share_pct,
                main: post_id != 3,
                overtime: false,
            });
        }
        s
    }

    #[test]
    fn loads_split_posts_by_share() {
        let s = fixture();
        let l = loads(&s);
        assert_eq!(l[&1], dec("1500"));
        assert_eq!(l[&2], dec("300"));
        assert_eq!(l[&3], dec("700"));
        assert_eq!(l[&4], dec("900"));
        // Uneven shares: 600 h at 30 % and 70 % → 180 h and 420 h.
        let mut s = s;
        s.assignments[1].share_pct = 30;
        s.assignments[2].share_pct = 70;
        let l = loads(&s);
        assert_eq!(l[&2], dec("180"));
        assert_eq!(l[&3], dec("820"));
    }

    #[test]
    fn figures_match_hand_computation() {
        let b = balance(&fixture(), 1000, dec("0.7"), dec("1.2"));
        let f = &b.figures;
        // n = 4, Σ = 3.4, mean = 0.85.
        assert_eq!(f.n, 4);
        assert_eq!(f.mean, dec("0.85"));
        // Deviations 0.65, −0.55, −0.15, 0.05; squares 0.4225 + 0.3025 + 0.0225 + 0.0025
        // = 0.75; σ² = 0.75 ÷ 4 = 0.1875.
        assert_eq!(f.variance, dec("0.1875"));
        // σ = √0.1875 = 0.4330127; CV = 0.4330127 ÷ 0.85 = 0.5094267 → 0.5094.
        assert_eq!(f.cv, Some(dec("0.5094")));
        // Pairwise |differences|: 0.4 0.6 1.2 0.2 0.8 0.6 = 3.8, both orders 7.6;
        // Gini = 7.6 ÷ (2 × 16 × 0.85) = 7.6 ÷ 27.2 = 19/68 = 0.279412.
        assert_eq!(f.gini.round_dp(6), dec("0.279412"));
        // max ÷ min = 1.5 ÷ 0.3 = 5.
        assert_eq!((f.max, f.min), (dec("1.5"), dec("0.3")));
        assert_eq!(f.max_min, Some(dec("5")));
        // Overloaded > 1.2: A; underloaded < 0.7: B (C at exactly 0.7 is not).
        assert_eq!(b.overloaded, vec![1]);
        assert_eq!(b.underloaded, vec![2]);
        // Bins of 0.1: 0.3 → bin 3, 0.7 → bin 7, 0.9 → bin 9, 1.5 → bin 15.
        let counts: Vec<i64> = b.bins.iter().map(|x| x.count).collect();
        let mut want = vec![0; 21];
        for i in [3, 7, 9, 15] {
            want[i] = 1;
        }
        assert_eq!(counts, want);
        assert_eq!(b.bins[6].class, "under");
        assert_eq!(b.bins[7].class, "normal");
        assert_eq!(b.bins[12].class, "over");
        assert_eq!(b.bins[20].to, None);
    }

    #[test]
    fn zero_minimum_has_no_ratio() {
        let f = figures(&[dec("0"), dec("1")]);
        assert_eq!(f.max_min, None);
        // Gini of (0, 1): |0 − 1| × 2 ÷ (2 × 4 × 0.5) = 0.5.
        assert_eq!(f.gini, dec("0.5"));
        let f = figures(&[dec("1"), dec("1")]);
        assert_eq!(
            (f.gini, f.variance, f.cv),
            (dec("0"), dec("0"), Some(dec("0")))
        );
        assert_eq!(figures(&[]).n, 0);
    }
}
