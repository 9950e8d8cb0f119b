//! The suggestion engine (苦乐不均 → 均衡): **greedy steepest-descent local search** on
//! the sum of squared loads (equivalently the variance of FTE: moves shift hours between
//! two people, so the total and the mean stay fixed).
//!
//! At each step, for every overloaded person O (FTE > `posts.overload_fte`), every open
//! assignment of O on a post P, and every underloaded person U (FTE <
//! `posts.underload_fte`) who does not hold P, two moves are tried:
//! - **share** (分担): O keeps part of P and U takes a concurrent share x of it; x is the
//!   share that moves the hours closest to (load O − load U) ÷ 2, at least 1 %, leaving O at
//!   least 1 %, and within U's free time (U's shares stay ≤ 100 %);
//! - **move** (调整兼任): a concurrent (not main) post of O goes to U whole, with O's share.
//!
//! Either move keeps the sum of shares on P, so only O's and U's loads change, by
//! t = hours(P) × x ÷ Σ shares(P), and Σ load² changes by 2t(t − load O + load U). The
//! candidates are ranked by that change (ties by O, P, U, kind); the best one that lowers
//! Σ load² by at least 1 h² and passes [`check_assignment`] is taken. The search stops when
//! no move improves or after `max_steps` steps. Everything is exact decimal arithmetic
//! and iterates over ordered maps, so the result is deterministic.
//!
//! A proposal names the open assignment by (person, post) – there is at most one – and
//! records the loads it was computed on; [`apply_proposal`] refuses it as stale when the
//! state no longer matches, and re-runs [`check_assignment`].

use rust_decimal::Decimal;
use serde::Serialize;

use super::assign::{Assignment, Proposed, State, Violation, check_assignment};
use super::balance::{Figures, figures, loads};
use super::workload::{fte, show};

closed_lists!("posts/suggest.toml");

/// Figures before or after a proposal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Snapshot {
    pub figures: Figures,
    pub from_fte: Decimal,
    pub to_fte: Decimal,
}

/// One proposal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Proposal {
    pub kind: MoveKind,
    pub post_id: i64,
    pub post_title: String,
    /// The overloaded person (O) and the underloaded one (U).
    pub from_person: i64,
    pub from_name: String,
    pub to_person: i64,
    pub to_name: String,
    /// O's share on the post before; after: `from_share − moved_share` (0: ended).
    pub from_share: i64,
    /// U's new concurrent share.
    pub moved_share: i64,
    /// Hours a year moved from O to U.
    pub hours: Decimal,
    /// Loads (hours) the proposal was computed on.
    pub from_load: Decimal,
    pub to_load: Decimal,
    pub before: Snapshot,
    pub after: Snapshot,
    pub reason_zh: String,
    pub reason_en: String,
}

/// Why a proposal cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProposalError {
    /// The state changed since the proposal was computed.
    Stale,
    /// The change would break a rule.
    Violations(Vec<Violation>),
}

/// Thresholds and limits of the engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    pub standard: i64,
    pub underload: Decimal,
    pub overload: Decimal,
    pub max_steps: usize,
}

fn same(a: Decimal, b: Decimal) -> bool {
    a.round_dp(6) == b.round_dp(6)
}

/// Applies a proposal to the state (new assignments take ids from `next_id` downwards
/// when simulated; the store gives real ids). Refuses stale proposals and violations.
pub fn apply_proposal(
    state: &State,
    p: &Proposal,
    next_id: &mut i64,
) -> Result<State, ProposalError> {
    let Some(a) = state
        .assignments
        .iter()
        .find(|a| a.person_id == p.from_person && a.post_id == p.post_id)
        .copied()
    else {
        return Err(ProposalError::Stale);
    };
    if a.share_pct != p.from_share
        || (p.kind == MoveKind::Move && (a.main || p.moved_share != a.share_pct))
        || (p.kind == MoveKind::Share && p.moved_share >= a.share_pct)
    {
        return Err(ProposalError::Stale);
    }
    let l = loads(state);
    let lo = l.get(&p.from_person).copied().unwrap_or_default();
    let lu = l.get(&p.to_person).copied().unwrap_or_default();
    let t = super::balance::portion(state, p.post_id, p.moved_share);
    if !same(lo, p.from_load) || !same(lu, p.to_load) || !same(t, p.hours) {
        return Err(ProposalError::Stale);
    }
    let mut next = state.without(a.id);
    if p.kind == MoveKind::Share {
        next.assignments.push(Assignment {
            id: take(next_id),
            share_pct: a.share_pct - p.moved_share,
            ..a
        });
    }
    let proposed = Proposed {
        post_id: p.post_id,
        person_id: p.to_person,
        share_pct: p.moved_share,
        main: false,
        overtime: false,
    };
    let v = check_assignment(&next, &proposed);
    if !v.is_empty() {
        return Err(ProposalError::Violations(v));
    }
    next.assignments.push(Assignment {
        id: take(next_id),
        post_id: p.post_id,
        person_id: p.to_person,
        share_pct: p.moved_share,
        main: false,
        overtime: false,
    });
    Ok(next)
}

fn take(next_id: &mut i64) -> i64 {
    let id = *next_id;
    *next_id -= 1;
    id
}

/// One candidate move before validation.
struct Candidate {
    delta: Decimal,
    from: i64,
    post: i64,
    to: i64,
    kind: MoveKind,
    from_share: i64,
    moved: i64,
    hours: Decimal,
}

/// The proposals for a state, in the order they are meant to be applied.
pub fn suggest(state: &State, s: &Settings) -> Vec<Proposal> {
    let mut out = Vec::new();
    let mut cur = state.clone();
    let mut next_id = -1_000_000_000;
    let one = fte(1, s.standard);
    for _ in 0..s.max_steps {
        let l = loads(&cur);
        let over: Vec<(i64, Decimal)> = l
            .iter()
            .filter(|(_, h)| **h * one > s.overload)
            .map(|(p, h)| (*p, *h))
            .collect();
        let under: Vec<(i64, Decimal)> = l
            .iter()
            .filter(|(_, h)| **h * one < s.underload)
            .map(|(p, h)| (*p, *h))
            .collect();
        if over.is_empty() || under.is_empty() {
            break;
        }
        let mut sums: std::collections::BTreeMap<i64, i64> = std::collections::BTreeMap::new();
        for a in &cur.assignments {
            *sums.entry(a.post_id).or_default() += a.share_pct;
        }
        let free: std::collections::BTreeMap<i64, i64> = under
            .iter()
            .map(|(u, _)| (*u, 100 - cur.total_share(*u)))
            .collect();
        let mut cands: Vec<Candidate> = Vec::new();
        for (o, lo) in &over {
            for a in cur.of_person(*o) {
                let hours = cur.posts.get(&a.post_id).map_or(0, |p| p.hours);
                let sum = sums.get(&a.post_id).copied().unwrap_or(0);
                if hours == 0 || sum == 0 {
                    continue;
                }
                let per = Decimal::from(hours) / Decimal::from(sum);
                for (u, lu) in &under {
                    let room = free.get(u).copied().unwrap_or(0);
                    if room < 1 || cur.of_post(a.post_id).any(|b| b.person_id == *u) {
                        continue;
                    }
                    let mut push = |kind: MoveKind, x: i64| {
                        let t = Decimal::from(hours) * Decimal::from(x) / Decimal::from(sum);
                        let delta = Decimal::from(2) * t * (t - *lo + *lu);
                        if delta <= -Decimal::ONE {
                            cands.push(Candidate {
                                delta,
                                from: *o,
                                post: a.post_id,
                                to: *u,
                                kind,
                                from_share: a.share_pct,
                                moved: x,
                                hours: t,
                            });
                        }
                    };
                    if !a.main && a.share_pct <= room {
                        push(MoveKind::Move, a.share_pct);
                    }
                    if a.share_pct >= 2 {
                        let ideal = (*lo - *lu) / Decimal::from(2) / per;
                        let x = ideal.round().to_string().parse::<i64>().unwrap_or(1);
                        let x = x.clamp(1, a.share_pct - 1).min(room);
                        if x >= 1 {
                            push(MoveKind::Share, x);
                        }
                    }
                }
            }
        }
        cands.sort_by(|a, b| {
            (a.delta, a.from, a.post, a.to, a.kind).cmp(&(b.delta, b.from, b.post, b.to, b.kind))
        });
        let mut taken = None;
        for c in &cands {
            let p = proposal(&cur, c, s);
            let mut id = next_id;
            if let Ok(next) = apply_proposal(&cur, &p, &mut id) {
                next_id = id;
                taken = Some((p, next));
                break;
            }
        }
        let Some((mut p, next)) = taken else { break };
        let after = loads(&next);
        let ftes: Vec<Decimal> = after.values().map(|h| *h * one).collect();
        p.after = Snapshot {
            figures: figures(&ftes),
            from_fte: after.get(&p.from_person).copied().unwrap_or_default() * one,
            to_fte: after.get(&p.to_person).copied().unwrap_or_default() * one,
        };
        out.push(p);
        cur = next;
    }
    out
}

fn proposal(cur: &State, c: &Candidate, s: &Settings) -> Proposal {
    let one = fte(1, s.standard);
    let l = loads(cur);
    let ftes: Vec<Decimal> = l.values().map(|h| *h * one).collect();
    let lo = l.get(&c.from).copied().unwrap_or_default();
    let lu = l.get(&c.to).copied().unwrap_or_default();
    let name = |p: i64| {
        cur.people
            .get(&p)
            .map(|x| x.name.clone())
            .unwrap_or_default()
    };
    let title = cur
        .posts
        .get(&c.post)
        .map(|x| x.title.clone())
        .unwrap_or_default();
    let (fo, fu) = (show(lo * one), show(lu * one));
    let (fo2, fu2) = (show((lo - c.hours) * one), show((lu + c.hours) * one));
    let h = show(c.hours);
    let (from_name, to_name) = (name(c.from), name(c.to));
    let (ov, un) = (&s.overload, &s.underload);
    let (what_zh, what_en) = match c.kind {
        MoveKind::Share => (
            format!(
                "由{to_name}兼任「{title}」{}% 的时间，每年约 {h} 小时转给{to_name}",
                c.moved
            ),
            format!(
                "{to_name} takes a concurrent {}% share of \"{title}\": about {h} hours a year move",
                c.moved
            ),
        ),
        MoveKind::Move => (
            format!(
                "将{from_name}兼任的「{title}」整体调给{to_name}兼任（{}%），每年约 {h} 小时",
                c.moved
            ),
            format!(
                "The concurrent post \"{title}\" moves from {from_name} to {to_name} ({}%): about {h} hours a year",
                c.moved
            ),
        ),
    };
    let reason_zh = format!(
        "{from_name}负荷 {fo} FTE，超过 {ov} FTE；{to_name}负荷 {fu} FTE，低于 {un} FTE。{what_zh}：{from_name} {fo} → {fo2}，{to_name} {fu} → {fu2} FTE。"
    );
    let reason_en = format!(
        "{from_name} carries {fo} FTE, above {ov}; {to_name} carries {fu} FTE, below {un}. {what_en}, {from_name} {fo} → {fo2}, {to_name} {fu} → {fu2} FTE."
    );
    let snap = Snapshot {
        figures: figures(&ftes),
        from_fte: lo * one,
        to_fte: lu * one,
    };
    Proposal {
        kind: c.kind,
        post_id: c.post,
        post_title: title,
        from_person: c.from,
        from_name,
        to_person: c.to,
        to_name,
        from_share: c.from_share,
        moved_share: c.moved,
        hours: c.hours,
        from_load: lo,
        to_load: lu,
        before: snap.clone(),
        after: snap,
        reason_zh,
        reason_en,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::people::EstablishmentKind as K;
    use crate::posts::assign::tests::{person, post};
    use crate::posts::assign::{PersonFacts, PostFacts};
    use crate::posts::{Education, PostKind, PostLevel};
    use proptest::prelude::*;
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn settings(standard: i64) -> Settings {
        Settings {
            standard,
            underload: dec("0.7"),
            overload: dec("1.2"),
            max_steps: 20,
        }
    }

    #[test]
    fn the_hand_fixture_gets_a_share_proposal() {
        // Loads A 1500, B 300, C 700, D 900 h at 1000 h/FTE (see balance.rs). A is
        // overloaded, B underloaded (C at exactly 0.7 is not). A's only post P1 is the
        // main one (no whole move); the ideal transfer is (1500 − 300) ÷ 2 = 600 h =
        // 40 % of P1 (15 h per %): B takes 40 %, A keeps 60 %. Σ load² changes by
        // 2 × 600 × (600 − 1500 + 300) = −720 000 h².
        let s = crate::posts::balance::tests::fixture();
        let ps = suggest(&s, &settings(1000));
        assert_eq!(ps.len(), 1, "{ps:?}");
        let p = &ps[0];
        assert_eq!(
            (p.kind, p.from_person, p.to_person, p.post_id),
            (MoveKind::Share, 1, 2, 1)
        );
        assert_eq!((p.from_share, p.moved_share), (100, 40));
        assert_eq!(p.hours, dec("600"));
        assert_eq!(
            (p.before.from_fte, p.before.to_fte),
            (dec("1.5"), dec("0.3"))
        );
        assert_eq!((p.after.from_fte, p.after.to_fte), (dec("0.9"), dec("0.9")));
        // After: 0.9, 0.9, 0.7, 0.9: mean 0.85, σ² = (3 × 0.0025 + 0.0225) ÷ 4 = 0.0075.
        assert_eq!(p.before.figures.variance, dec("0.1875"));
        assert_eq!(p.after.figures.variance, dec("0.0075"));
        assert!(p.reason_zh.contains("兼任"));
        assert!(p.reason_en.contains("40%"));
        // Applying it twice: the second time it is stale.
        let mut id = -1;
        let next = apply_proposal(&s, p, &mut id).unwrap();
        assert_eq!(apply_proposal(&next, p, &mut id), Err(ProposalError::Stale));
        assert!(next.violations().is_empty());
    }

    #[test]
    fn a_concurrent_post_moves_whole_and_rules_are_respected() {
        let mut s = crate::posts::balance::tests::fixture();
        // A also holds P5 (600 h) as a concurrent post at 20 %: A 2100 h. P1 becomes a
        // chief post: B cannot share it (one chief per body), so the engine moves P5.
        s.posts
            .insert(5, post(5, 1, PostLevel::General, PostKind::Any, 600));
        if let Some(p) = s.posts.get_mut(&1) {
            p.level = PostLevel::Chief;
        }
        s.assignments.push(Assignment {
            id: 9,
            post_id: 5,
            person_id: 1,
            share_pct: 20,
            main: false,
            overtime: false,
        });
        let ps = suggest(&s, &settings(1000));
        assert!(!ps.is_empty());
        assert_eq!(
            (ps[0].kind, ps[0].post_id, ps[0].to_person),
            (MoveKind::Move, 5, 2)
        );
        assert!(
            ps.iter()
                .all(|p| p.post_id != 1 || p.kind == MoveKind::Move)
        );
        // A leadership-team member is never given a middle post; an off-establishment
        // person never an administrative post.
        let mut s2 = s.clone();
        if let Some(p) = s2.people.get_mut(&2) {
            p.leader = true;
        }
        for p in suggest(&s2, &settings(1000)) {
            assert!(!(p.to_person == 2 && s2.posts[&p.post_id].level.is_middle()));
        }
    }

    #[test]
    fn deterministic() {
        let s = crate::posts::balance::tests::fixture();
        assert_eq!(suggest(&s, &settings(1000)), suggest(&s, &settings(1000)));
    }

    fn variance(s: &State, standard: i64) -> Decimal {
        let one = fte(1, standard);
        let x: Vec<Decimal> = loads(s).values().map(|h| *h * one).collect();
        figures(&x).variance
    }

    /// A random unit: posts and people, with assignments kept only when valid.
    fn unit() -> impl Strategy<Value = State> {
        let posts = prop::collection::vec((0..4u8, 0..4u8, 0..4u8, 100..3000i64, 0..3u8), 3..25);
        let people = prop::collection::vec((0..4u8, 0..6u8, any::<bool>(), 0..20i64), 2..16);
        let tries =
            prop::collection::vec((0..25usize, 0..16usize, 1..=100i64, any::<bool>()), 0..60);
        (posts, people, tries).prop_map(|(posts, people, tries)| {
            let levels = PostLevel::ALL;
            let kinds = PostKind::ALL;
            let eks = [K::Administrative, K::Institution, K::Service, K::None];
            let mut s = State {
                on: chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap_or_default(),
                ..State::default()
            };
            for (i, (lv, kd, body, hours, edu)) in posts.iter().enumerate() {
                let id = i as i64 + 1;
                s.posts.insert(
                    id,
                    PostFacts {
                        min_education: (*edu == 1).then_some(Education::Bachelor),
                        min_service_years: i64::from(*edu) * 3,
                        ..post(
                            id,
                            i64::from(*body),
                            levels[usize::from(*lv) % levels.len()],
                            // Mostly "any" so that assignments happen.
                            if *kd == 0 {
                                kinds[i % kinds.len()]
                            } else {
                                PostKind::Any
                            },
                            *hours,
                        )
                    },
                );
            }
            for (i, (ek, edu, leader, years)) in people.iter().enumerate() {
                let id = 100 + i as i64;
                s.people.insert(
                    id,
                    PersonFacts {
                        establishment: eks[usize::from(*ek)],
                        education: Education::ALL[usize::from(*edu)],
                        leader: *leader && i % 3 == 0,
                        work_start: chrono::NaiveDate::from_ymd_opt(2023 - *years as i32, 3, 1),
                        ..person(id, K::None)
                    },
                );
            }
            let mut n = 0;
            for (pi, qi, share, main) in tries {
                let post_id = (pi % s.posts.len()) as i64 + 1;
                let person_id = 100 + (qi % s.people.len()) as i64;
                let p = Proposed {
                    post_id,
                    person_id,
                    share_pct: share,
                    main,
                    overtime: false,
                };
                if check_assignment(&s, &p).is_empty() {
                    n += 1;
                    s.assignments.push(Assignment {
                        id: n,
                        post_id,
                        person_id,
                        share_pct: share,
                        main,
                        overtime: false,
                    });
                }
            }
            s
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// Applying the proposals in order: every one applies, leaves no violation and
        /// never raises the variance.
        #[test]
        fn proposals_in_order_never_break_rules_nor_raise_variance(
            s in unit(),
            standard in prop::sample::select(vec![1000i64, 1984, 2500]),
        ) {
            prop_assume!(s.violations().is_empty());
            let cfg = settings(standard);
            let ps = suggest(&s, &cfg);
            let mut cur = s.clone();
            let mut id = -1;
            for p in &ps {
                let before = variance(&cur, standard);
                let next = apply_proposal(&cur, p, &mut id);
                prop_assert!(next.is_ok(), "{:?}", next);
                let next = next.unwrap_or_default();
                prop_assert!(next.violations().is_empty());
                prop_assert!(variance(&next, standard) < before);
                cur = next;
            }
        }

        /// Applying any sequence of the proposals (any subset, any order): each either
        /// is refused (stale or a violation) and changes nothing, or applies without a
        /// violation and without raising the variance.
        #[test]
        fn any_sequence_of_proposals_is_safe(
            s in unit(),
            order in prop::collection::vec(0..20usize, 0..12),
        ) {
            prop_assume!(s.violations().is_empty());
            let ps = suggest(&s, &settings(1000));
            prop_assume!(!ps.is_empty());
            let mut cur = s.clone();
            let mut id = -1;
            for i in order {
                let p = &ps[i % ps.len()];
                let before = variance(&cur, 1000);
                if let Ok(next) = apply_proposal(&cur, p, &mut id) {
                    prop_assert!(next.violations().is_empty());
                    prop_assert!(variance(&next, 1000) <= before);
                    cur = next;
                }
            }
        }
    }
}
