//! The match of a round and what it tells each person and the HR office.
//!
//! [`solve_round`] turns the round's data (seats, each participant's choices, each post's
//! strict order of the applicants it accepts) into the calculator's [`MatchInput`] and
//! runs [`crate::rules::matching::solve`] — the same function `jiguan calc match` runs —
//! with the round's mechanism. A pair counts only when each side lists the other: a
//! post's order holds only applicants its head did not mark 不接受.
//!
//! Then, per person, why each choice better than the one they got went to others
//! ([`Why`]); rates; figures by body; and the 服从调剂 proposals for the seats left
//! ([`adjust_proposals`], TWS-5 ①: the system proposes, the HR office confirms).

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::FieldError;
use crate::rules::matching::{MatchInput, PostRanking, StaffPrefs, solve};

use super::Mode;

/// What the match needs of a round.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundData {
    /// Seats per offered post.
    pub seats: BTreeMap<i64, u32>,
    /// Each participant's choices in order (empty: chose nothing).
    pub prefs: BTreeMap<i64, Vec<i64>>,
    /// Each post's strict order of the applicants it accepts (best first).
    pub order: BTreeMap<i64, Vec<i64>>,
}

/// Why a choice better than the one a person got went to others.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Why {
    /// The body's head marked the person 不接受 (or did not accept them).
    Unacceptable,
    /// Every seat went to people the body ranked higher.
    FilledByHigher,
    /// 志愿 rounds only: the seats were filled in an earlier round.
    FilledEarlier,
}

impl Why {
    /// The locale key of the explanation.
    pub fn label_key(self) -> &'static str {
        match self {
            Why::Unacceptable => "twoway.why.unacceptable",
            Why::FilledByHigher => "twoway.why.filled_by_higher",
            Why::FilledEarlier => "twoway.why.filled_earlier",
        }
    }
}

/// One person's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonResult {
    pub person_id: i64,
    pub post_id: Option<i64>,
    /// Which choice it was (1 = 第一志愿).
    pub choice: Option<usize>,
    /// The choices before the one obtained (all of them when unplaced), with the reason.
    pub why: Vec<(i64, Why)>,
}

/// The result of a round's match.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    pub mode: Mode,
    pub people: Vec<PersonResult>,
    /// Seats left per post.
    pub vacancies: BTreeMap<i64, u32>,
    /// Pairs that would both rather have each other (0 under deferred acceptance).
    pub blocking_pairs: usize,
}

/// Runs the round's mechanism through the calculator's function. Errors as
/// [`MatchInput::parse`] (an inconsistent round: a choice of a post not offered …).
pub fn solve_round(data: &RoundData, mode: Mode) -> Result<Outcome, FieldError> {
    let input = MatchInput {
        staff: data
            .prefs
            .iter()
            .map(|(s, ps)| StaffPrefs {
                id: s.to_string(),
                prefs: ps.iter().map(i64::to_string).collect(),
            })
            .collect(),
        posts: data
            .seats
            .iter()
            .map(|(p, n)| PostRanking {
                id: p.to_string(),
                seats: i64::from(*n),
                // Mutual acceptability: only applicants who listed the post.
                ranking: data
                    .order
                    .get(p)
                    .into_iter()
                    .flatten()
                    .filter(|s| data.prefs.get(s).is_some_and(|l| l.contains(p)))
                    .map(i64::to_string)
                    .collect(),
            })
            .collect(),
    };
    let inst = input.parse()?;
    let r = solve(&inst, mode.mechanism());
    let id = |s: &str| s.parse::<i64>().unwrap_or_default();
    let placed: BTreeMap<i64, (i64, usize)> = r
        .matches
        .iter()
        .map(|m| (id(&m.staff), (id(&m.post), m.choice)))
        .collect();
    let mut holders: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for (s, (p, _)) in &placed {
        holders.entry(*p).or_default().push(*s);
    }
    let rank = |p: i64, s: i64| {
        data.order
            .get(&p)
            .and_then(|o| o.iter().position(|x| *x == s))
    };
    let people = data
        .prefs
        .iter()
        .map(|(s, prefs)| {
            let got = placed.get(s).copied();
            let before = got.map_or(prefs.len(), |(_, c)| c.saturating_sub(1));
            let why = prefs
                .iter()
                .take(before)
                .map(|p| {
                    let w = match rank(*p, *s) {
                        None => Why::Unacceptable,
                        Some(mine) => {
                            let h = holders.get(p).map(Vec::as_slice).unwrap_or(&[]);
                            let full = h.len() >= data.seats.get(p).copied().unwrap_or(0) as usize;
                            let higher = h.iter().all(|x| rank(*p, *x).is_some_and(|r| r < mine));
                            if full && higher {
                                Why::FilledByHigher
                            } else {
                                Why::FilledEarlier
                            }
                        }
                    };
                    (*p, w)
                })
                .collect();
            PersonResult {
                person_id: *s,
                post_id: got.map(|(p, _)| p),
                choice: got.map(|(_, c)| c),
                why,
            }
        })
        .collect();
    Ok(Outcome {
        mode,
        people,
        vacancies: r.vacancies.iter().map(|(p, n)| (id(p), *n)).collect(),
        blocking_pairs: r.blocking_pairs,
    })
}

/// A share in percent with one decimal (0 when the base is 0).
pub fn pct(n: usize, base: usize) -> Decimal {
    if base == 0 {
        return Decimal::ZERO;
    }
    (Decimal::from(n as u64) * Decimal::from(100) / Decimal::from(base as u64)).round_dp(1)
}

/// One body's figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BodyFigures {
    pub body_id: i64,
    pub posts: usize,
    pub seats: u32,
    /// People who listed at least one of the body's posts.
    pub applicants: usize,
    /// People whose first choice is one of the body's posts.
    pub first_choice_applicants: usize,
    pub placed: usize,
    pub vacancies: u32,
}

impl Outcome {
    pub fn participants(&self) -> usize {
        self.people.len()
    }
    pub fn placed(&self) -> usize {
        self.people.iter().filter(|p| p.post_id.is_some()).count()
    }
    pub fn first_choice(&self) -> usize {
        self.people.iter().filter(|p| p.choice == Some(1)).count()
    }
    pub fn unplaced(&self) -> Vec<i64> {
        self.people
            .iter()
            .filter(|p| p.post_id.is_none())
            .map(|p| p.person_id)
            .collect()
    }
    /// 落实率: placed ÷ participants, percent.
    pub fn placement_rate(&self) -> Decimal {
        pct(self.placed(), self.participants())
    }
    /// 第一志愿满足率: first choices ÷ participants, percent.
    pub fn first_choice_rate(&self) -> Decimal {
        pct(self.first_choice(), self.participants())
    }
    /// The result of a person.
    pub fn of(&self, person: i64) -> Option<&PersonResult> {
        self.people.iter().find(|p| p.person_id == person)
    }

    /// Figures per body (`body_of`: post → body), in body order.
    pub fn by_body(&self, data: &RoundData, body_of: &BTreeMap<i64, i64>) -> Vec<BodyFigures> {
        let mut out: BTreeMap<i64, BodyFigures> = BTreeMap::new();
        for (p, n) in &data.seats {
            let Some(b) = body_of.get(p) else { continue };
            let f = out.entry(*b).or_insert(BodyFigures {
                body_id: *b,
                posts: 0,
                seats: 0,
                applicants: 0,
                first_choice_applicants: 0,
                placed: 0,
                vacancies: 0,
            });
            f.posts += 1;
            f.seats += n;
            f.vacancies += self.vacancies.get(p).copied().unwrap_or(0);
        }
        for f in out.values_mut() {
            let mine = |p: &i64| body_of.get(p) == Some(&f.body_id);
            f.applicants = data.prefs.values().filter(|l| l.iter().any(mine)).count();
            f.first_choice_applicants = data
                .prefs
                .values()
                .filter(|l| l.first().is_some_and(mine))
                .count();
            f.placed = self
                .people
                .iter()
                .filter(|r| r.post_id.as_ref().is_some_and(mine))
                .count();
        }
        out.into_values().collect()
    }
}

/// The 服从调剂 proposals (TWS-5 ①): each unplaced person who accepted reassignment, in
/// the order given (the tie-break order), is proposed for a post with a seat left that
/// they may hold (`eligible`) and whose head did not mark them 不接受 (`refused`) — first
/// among their own choices, then the other posts in id order. The HR office confirms.
pub fn adjust_proposals(
    outcome: &Outcome,
    data: &RoundData,
    willing: &[i64],
    eligible: impl Fn(i64, i64) -> bool,
    refused: impl Fn(i64, i64) -> bool,
) -> Vec<(i64, i64)> {
    let unplaced: BTreeSet<i64> = outcome.unplaced().into_iter().collect();
    let mut left = outcome.vacancies.clone();
    let mut out = Vec::new();
    for s in willing.iter().filter(|s| unplaced.contains(s)) {
        let own = data.prefs.get(s).cloned().unwrap_or_default();
        let others = left.keys().copied().filter(|p| !own.contains(p));
        let pick = own
            .iter()
            .copied()
            .chain(others.collect::<Vec<_>>())
            .find(|p| left.get(p).is_some_and(|n| *n > 0) && eligible(*s, *p) && !refused(*s, *p));
        if let Some(p) = pick {
            if let Some(n) = left.get_mut(&p) {
                *n -= 1;
            }
            out.push((*s, p));
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// TV-T1 (RULES-SELECTION-APPRAISAL.md §3.2) with ids: staff A..E = 1..5, posts
    /// X, Y, Z = 10, 20, 30.
    fn tv_t1() -> RoundData {
        RoundData {
            seats: BTreeMap::from([(10, 1), (20, 2), (30, 1)]),
            prefs: BTreeMap::from([
                (1, vec![10, 20]),
                (2, vec![10, 30]),
                (3, vec![20, 10]),
                (4, vec![10, 20, 30]),
                (5, vec![30]),
            ]),
            order: BTreeMap::from([
                (10, vec![2, 4, 1, 3]),
                (20, vec![1, 4, 3]),
                (30, vec![5, 2, 4]),
            ]),
        }
    }

    fn got(o: &Outcome) -> Vec<(i64, Option<i64>)> {
        o.people.iter().map(|p| (p.person_id, p.post_id)).collect()
    }

    #[test]
    fn deferred_acceptance_explains_each_choice() {
        let d = tv_t1();
        let o = solve_round(&d, Mode::DeferredAcceptance).unwrap();
        assert_eq!(
            got(&o),
            [
                (1, Some(20)),
                (2, Some(10)),
                (3, None),
                (4, Some(20)),
                (5, Some(30))
            ]
        );
        assert_eq!(o.blocking_pairs, 0);
        // C (3): Y went to A and D, X to B — all ranked higher.
        assert_eq!(
            o.of(3).unwrap().why,
            [(20, Why::FilledByHigher), (10, Why::FilledByHigher)]
        );
        // A (1) got the second choice: X went to B, ranked higher.
        assert_eq!(o.of(1).unwrap().why, [(10, Why::FilledByHigher)]);
        assert_eq!(o.of(1).unwrap().choice, Some(2));
        assert_eq!((o.placed(), o.first_choice()), (4, 2));
        assert_eq!(o.placement_rate(), Decimal::new(800, 1));
        assert_eq!(o.first_choice_rate(), Decimal::new(400, 1));
    }

    /// 志愿 rounds, computed by hand (§3.2): round 1 — X: A, B, D apply, X takes B; Y: C
    /// applies and is taken; Z: E. Round 2 — A and D apply to Y's last seat, Y prefers A.
    /// Round 3 — D's third choice Z is full. D unplaced; (D, Y) blocks.
    #[test]
    fn rounds_mode_on_the_hand_computed_fixture() {
        let d = tv_t1();
        let o = solve_round(&d, Mode::Rounds).unwrap();
        assert_eq!(
            got(&o),
            [
                (1, Some(20)),
                (2, Some(10)),
                (3, Some(20)),
                (4, None),
                (5, Some(30))
            ]
        );
        assert_eq!(o.blocking_pairs, 1);
        // D: X went to B (ranked higher); Y took C in round 1 though D ranks higher;
        // Z went to E (ranked higher).
        assert_eq!(
            o.of(4).unwrap().why,
            [
                (10, Why::FilledByHigher),
                (20, Why::FilledEarlier),
                (30, Why::FilledByHigher)
            ]
        );
        assert_eq!(o.first_choice(), 3);
    }

    /// A second hand-computed rounds fixture: two seats, first choices win over better-
    /// ranked second choices.
    #[test]
    fn rounds_mode_first_choices_first() {
        let d = RoundData {
            seats: BTreeMap::from([(1, 1), (2, 1)]),
            prefs: BTreeMap::from([(10, vec![1, 2]), (11, vec![2, 1]), (12, vec![2])]),
            order: BTreeMap::from([(1, vec![11, 10]), (2, vec![10, 12, 11])]),
        };
        // Round 1: post 1 ← 10 (alone); post 2 ← {11, 12}, takes 12. 11 in round 2 → 1 full.
        let r = solve_round(&d, Mode::Rounds).unwrap();
        assert_eq!(got(&r), [(10, Some(1)), (11, None), (12, Some(2))]);
        // Deferred acceptance: 11 displaces 10 at post 1; 10 goes to 2 and displaces 12.
        let da = solve_round(&d, Mode::DeferredAcceptance).unwrap();
        assert_eq!(got(&da), [(10, Some(2)), (11, Some(1)), (12, None)]);
    }

    /// A pair counts only when each side lists the other.
    #[test]
    fn unacceptable_and_unlisted_pairs_never_match() {
        let d = RoundData {
            seats: BTreeMap::from([(1, 2)]),
            prefs: BTreeMap::from([(10, vec![1]), (11, vec![1]), (12, vec![])]),
            // 11 marked 不接受; 12 ranked without applying.
            order: BTreeMap::from([(1, vec![12, 10])]),
        };
        let o = solve_round(&d, Mode::DeferredAcceptance).unwrap();
        assert_eq!(got(&o), [(10, Some(1)), (11, None), (12, None)]);
        assert_eq!(o.of(11).unwrap().why, [(1, Why::Unacceptable)]);
        assert_eq!(o.vacancies.get(&1), Some(&1));
    }

    #[test]
    fn adjustment_proposes_seats_left_to_the_willing() {
        let d = RoundData {
            seats: BTreeMap::from([(1, 1), (2, 1), (3, 1)]),
            prefs: BTreeMap::from([
                (10, vec![1]),
                (11, vec![1]),
                (12, vec![1, 3]),
                (13, vec![1]),
            ]),
            order: BTreeMap::from([(1, vec![10, 11, 12, 13]), (3, vec![])]),
        };
        let o = solve_round(&d, Mode::DeferredAcceptance).unwrap();
        assert_eq!(o.unplaced(), [11, 12, 13]);
        // 11 did not accept reassignment; 12 is refused by post 3 (its head marked 12),
        // so 12 takes post 2; 13 may not hold post 3 (ineligible): no seat left for 13.
        let p = adjust_proposals(
            &o,
            &d,
            &[12, 13],
            |s, p| !(s == 13 && p == 3),
            |s, p| s == 12 && p == 3,
        );
        assert_eq!(p, [(12, 2)]);
        let p = adjust_proposals(&o, &d, &[13, 12], |_, _| true, |_, _| false);
        assert_eq!(p, [(13, 2), (12, 3)]);
    }

    #[test]
    fn figures_by_body() {
        let d = tv_t1();
        let o = solve_round(&d, Mode::DeferredAcceptance).unwrap();
        let body_of = BTreeMap::from([(10, 100), (20, 100), (30, 200)]);
        let f = o.by_body(&d, &body_of);
        assert_eq!(f.len(), 2);
        assert_eq!(
            (
                f[0].posts,
                f[0].seats,
                f[0].applicants,
                f[0].first_choice_applicants,
                f[0].placed
            ),
            (2, 3, 4, 4, 3)
        );
        assert_eq!(
            (
                f[1].posts,
                f[1].seats,
                f[1].applicants,
                f[1].first_choice_applicants,
                f[1].placed
            ),
            (1, 1, 3, 1, 1)
        );
    }

    /// Random rounds: up to 30 staff list up to 4 of up to 8 posts; each post's head
    /// orders the applicants randomly and marks some 不接受.
    fn round() -> impl Strategy<Value = RoundData> {
        (1usize..30, 1usize..8).prop_flat_map(|(ns, np)| {
            (
                proptest::collection::vec(
                    proptest::sample::subsequence(
                        (0..np as i64).collect::<Vec<_>>(),
                        0..=np.min(4),
                    )
                    .prop_shuffle(),
                    ns,
                ),
                proptest::collection::vec(1u32..4, np),
                proptest::collection::vec(any::<u32>(), ns * np),
            )
                .prop_map(move |(prefs, seats, keys)| {
                    let prefs: BTreeMap<i64, Vec<i64>> = (0..ns as i64).zip(prefs).collect();
                    let order = (0..np as i64)
                        .map(|p| {
                            let mut who: Vec<i64> = prefs
                                .iter()
                                .filter(|(_, l)| l.contains(&p))
                                .map(|(s, _)| *s)
                                .filter(|s| keys[(*s as usize) * np + p as usize] % 7 != 0)
                                .collect();
                            who.sort_by_key(|s| keys[(*s as usize) * np + p as usize]);
                            (p, who)
                        })
                        .collect();
                    RoundData {
                        seats: (0..np as i64).zip(seats).collect(),
                        prefs,
                        order,
                    }
                })
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// Deferred acceptance on random rounds: no blocking pair, seats respected, only
        /// mutually acceptable pairs, and every explanation is "unacceptable" or "filled
        /// by people ranked higher" (never "filled earlier", which would be a blocking
        /// pair).
        #[test]
        fn deferred_acceptance_rounds_are_stable_and_explained(d in round()) {
            let o = solve_round(&d, Mode::DeferredAcceptance).unwrap();
            prop_assert_eq!(o.blocking_pairs, 0);
            for (p, n) in &d.seats {
                let held = o.people.iter().filter(|r| r.post_id == Some(*p)).count();
                prop_assert!(held <= *n as usize);
            }
            for r in &o.people {
                if let Some(p) = r.post_id {
                    prop_assert!(d.order[&p].contains(&r.person_id));
                    prop_assert!(d.prefs[&r.person_id].contains(&p));
                }
                prop_assert!(r.why.iter().all(|(_, w)| *w != Why::FilledEarlier));
            }
        }

        /// Staff-optimal: no participant prefers their 志愿-rounds post to their deferred-
        /// acceptance post unless the rounds result is unstable for someone; concretely,
        /// every person placed by rounds at a stable pair gets at least as good a post
        /// under deferred acceptance when rounds happens to be stable.
        #[test]
        fn deferred_acceptance_beats_any_stable_rounds_result(d in round()) {
            let da = solve_round(&d, Mode::DeferredAcceptance).unwrap();
            let ro = solve_round(&d, Mode::Rounds).unwrap();
            if ro.blocking_pairs == 0 {
                for (a, b) in da.people.iter().zip(&ro.people) {
                    let pos = |r: &PersonResult| r.choice.unwrap_or(usize::MAX);
                    prop_assert!(pos(a) <= pos(b));
                }
            }
        }
    }
}
