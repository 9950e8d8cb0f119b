//! Two-way selection (双向择岗): staff list posts in order, each post's body ranks the staff
//! who listed it, and posts have seats.
//!
//! Source: ../shared/domain/RULES-SELECTION-APPRAISAL.md §3 (TWS-1…TWS-7, test vector TV-T1).
//!
//! - [`deferred_acceptance`] (default): the staff-proposing deferred-acceptance algorithm
//!   with capacities (Gale & Shapley 1962; Gusfield & Irving 1989, the resident-optimal
//!   hospitals/residents algorithm). Its result is stable — no staff member and post would
//!   both rather have each other than what they got — and the best stable result for every
//!   staff member, so listing one's true preferences is safe.
//! - [`rounds`]: the classic 志愿 rounds (immediate acceptance): in round k every unplaced
//!   person applies to their k-th choice and each post fills its remaining seats from that
//!   round's applicants in its ranking order; placements are final. Favours first choices,
//!   not stable.
//!
//! A pair counts only when each side lists the other (mutual acceptability): a post that did
//! not rank a person (its head marked them 不接受) never takes them.

pub mod fast;

use std::collections::HashMap;

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::FieldError;

/// A person's ordered choices (第一、第二…志愿). `S` is how an id is held: an owned
/// `String` (the pages and the API), or an [`Id`] borrowed from the JSON text (the
/// calculator, which then allocates nothing per id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffPrefs<S = String> {
    pub id: S,
    #[serde(default = "Vec::new")]
    pub prefs: Vec<S>,
}

/// A post with its seats and its body's strict ranking of the people who listed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostRanking<S = String> {
    pub id: S,
    pub seats: i64,
    #[serde(default = "Vec::new")]
    pub ranking: Vec<S>,
}

/// The whole instance as sent (the calculator's JSON, the page, the API).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchInput<S = String> {
    pub staff: Vec<StaffPrefs<S>>,
    pub posts: Vec<PostRanking<S>>,
}

impl<S> Default for MatchInput<S> {
    fn default() -> Self {
        MatchInput {
            staff: Vec::new(),
            posts: Vec::new(),
        }
    }
}

/// An id as it stands in the JSON text: borrowed from it unless it has escapes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Id<'a>(#[serde(borrow)] pub Cow<'a, str>);

impl AsRef<str> for Id<'_> {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// An instance that passed every check, with indices instead of names.
#[derive(Debug, Clone)]
pub struct Instance {
    pub staff: Vec<String>,
    pub posts: Vec<String>,
    pub seats: Vec<u32>,
    /// Each person's acceptable choices in order: (post, the rank the post gives them).
    prefs: Vec<Vec<(u32, u32)>>,
    /// Each person's choices as listed (acceptable or not), for the rounds mechanism.
    listed: Vec<Vec<u32>>,
}

/// Which mechanism produced a result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mechanism {
    DeferredAcceptance,
    Rounds,
}

/// A matching: for each person the post they got (index), if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matching {
    pub post_of: Vec<Option<u32>>,
}

/// Strings copied end to end into one buffer, each found by its index.
struct Interned {
    text: String,
    ends: Vec<usize>,
}

impl Interned {
    fn new<'a>(items: impl Iterator<Item = &'a str>) -> Self {
        let mut text = String::new();
        let mut ends = Vec::new();
        for s in items {
            text.push_str(s);
            ends.push(text.len());
        }
        Interned { text, ends }
    }
    fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.text[start..self.ends[i]]
    }
}

impl<S: AsRef<str>> MatchInput<S> {
    /// Checks the instance: ids unique and non-blank, every post named in a preference list
    /// exists and is listed once, every person in a ranking exists and is ranked once, seats
    /// not negative. The first problem is reported, with the path of the field.
    pub fn parse(&self) -> Result<Instance, FieldError> {
        // The ids copied into one buffer, so that the maps' keys lie together in memory
        // (looking up two million names is the bulk of the work on a large instance).
        let staff_ids = Interned::new(self.staff.iter().map(|s| s.id.as_ref()));
        let post_ids = Interned::new(self.posts.iter().map(|p| p.id.as_ref()));
        let mut staff_ix: HashMap<&str, u32> = HashMap::with_capacity(self.staff.len());
        for (i, s) in self.staff.iter().enumerate() {
            let field = || format!("staff[{i}].id");
            if s.id.as_ref().trim().is_empty() {
                return Err(FieldError::new(field(), "required"));
            }
            let ix = u32::try_from(i).map_err(|_| FieldError::new("staff", "too_large"))?;
            if staff_ix.insert(staff_ids.get(i), ix).is_some() {
                return Err(FieldError::new(field(), "duplicate_id").with("id", s.id.as_ref()));
            }
        }
        let mut post_ix: HashMap<&str, u32> = HashMap::with_capacity(self.posts.len());
        let mut seats = Vec::with_capacity(self.posts.len());
        for (i, p) in self.posts.iter().enumerate() {
            let field = || format!("posts[{i}].id");
            if p.id.as_ref().trim().is_empty() {
                return Err(FieldError::new(field(), "required"));
            }
            let ix = u32::try_from(i).map_err(|_| FieldError::new("posts", "too_large"))?;
            if post_ix.insert(post_ids.get(i), ix).is_some() {
                return Err(FieldError::new(field(), "duplicate_id").with("id", p.id.as_ref()));
            }
            let n = u32::try_from(p.seats).map_err(|_| {
                FieldError::new(format!("posts[{i}].seats"), "out_of_range")
                    .with("min", "0")
                    .with("max", u32::MAX)
            })?;
            seats.push(n);
        }
        // Each post's ranking, turned around: for each person the (post, rank) pairs of the
        // rankings that list them, in one flat array grouped by person (no hash map per
        // post: 40,000 posts would mean 40,000 maps and a million hashed inserts).
        let total: usize = self.posts.iter().map(|p| p.ranking.len()).sum();
        let mut listed_by: Vec<u32> = vec![u32::MAX; self.staff.len()];
        let mut count: Vec<usize> = vec![0; self.staff.len() + 1];
        let mut triples: Vec<(u32, u32, u32)> = Vec::with_capacity(total);
        for (i, p) in self.posts.iter().enumerate() {
            let pi = i as u32; // fits: checked above
            for (k, sid) in p.ranking.iter().enumerate() {
                let field = || format!("posts[{i}].ranking[{k}]");
                let s = *staff_ix.get(sid.as_ref()).ok_or_else(|| {
                    FieldError::new(field(), "unknown_staff").with("value", sid.as_ref())
                })?;
                let r = u32::try_from(k).map_err(|_| FieldError::new(field(), "too_large"))?;
                let seen = &mut listed_by[s as usize];
                if *seen == pi {
                    return Err(
                        FieldError::new(field(), "listed_twice").with("value", sid.as_ref())
                    );
                }
                *seen = pi;
                count[s as usize] += 1;
                triples.push((s, pi, r));
            }
        }
        let mut begin: Vec<usize> = Vec::with_capacity(self.staff.len() + 1);
        let mut acc = 0usize;
        for c in &count {
            begin.push(acc);
            acc += c;
        }
        let mut fill = begin.clone();
        let mut ranked_by: Vec<(u32, u32)> = vec![(0, 0); total];
        for (s, p, r) in triples {
            let at = &mut fill[s as usize];
            ranked_by[*at] = (p, r);
            *at += 1;
        }
        let mut prefs = Vec::with_capacity(self.staff.len());
        let mut listed = Vec::with_capacity(self.staff.len());
        let mut chosen_by: Vec<u32> = vec![u32::MAX; self.posts.len()];
        for (i, s) in self.staff.iter().enumerate() {
            let me = u32::try_from(i).map_err(|_| FieldError::new("staff", "too_large"))?;
            let mine = &mut ranked_by[begin[i]..begin[i + 1]];
            // Sorted by post: a binary search finds the rank whatever the list's length.
            mine.sort_unstable();
            let mut ok = Vec::with_capacity(s.prefs.len());
            let mut all = Vec::with_capacity(s.prefs.len());
            for (k, pid) in s.prefs.iter().enumerate() {
                let field = || format!("staff[{i}].prefs[{k}]");
                let p = *post_ix.get(pid.as_ref()).ok_or_else(|| {
                    FieldError::new(field(), "unknown_post").with("value", pid.as_ref())
                })?;
                let seen = &mut chosen_by[p as usize];
                if *seen == me {
                    return Err(
                        FieldError::new(field(), "listed_twice").with("value", pid.as_ref())
                    );
                }
                *seen = me;
                all.push(p);
                if let Ok(j) = mine.binary_search_by_key(&p, |(q, _)| *q) {
                    ok.push((p, mine[j].1));
                }
            }
            prefs.push(ok);
            listed.push(all);
        }
        Ok(Instance {
            staff: self
                .staff
                .iter()
                .map(|s| s.id.as_ref().to_string())
                .collect(),
            posts: self
                .posts
                .iter()
                .map(|p| p.id.as_ref().to_string())
                .collect(),
            seats,
            prefs,
            listed,
        })
    }
}

impl Instance {
    /// The rank post `p` gives person `s`, when the pair is mutually acceptable.
    fn rank(&self, s: usize, p: u32) -> Option<u32> {
        self.prefs
            .get(s)?
            .iter()
            .find(|(q, _)| *q == p)
            .map(|(_, r)| *r)
    }

    /// Seats of each post left empty by a matching.
    pub fn vacancies(&self, m: &Matching) -> Vec<u32> {
        let mut left = self.seats.clone();
        for p in m.post_of.iter().flatten() {
            if let Some(n) = left.get_mut(*p as usize) {
                *n = n.saturating_sub(1);
            }
        }
        left
    }

    /// The blocking pairs of a matching: (person, post) that would both rather have each
    /// other — mutually acceptable, the person unplaced or preferring the post, and the post
    /// with a free seat or holding someone it ranks lower. Empty for a stable matching.
    pub fn blocking_pairs(&self, m: &Matching) -> Vec<(usize, u32)> {
        // For each post, the rank of the lowest-ranked person it holds and how many.
        let mut held = vec![0u32; self.posts.len()];
        let mut worst: Vec<Option<u32>> = vec![None; self.posts.len()];
        for (s, p) in m.post_of.iter().enumerate() {
            if let Some(p) = p {
                let pi = *p as usize;
                if let Some(h) = held.get_mut(pi) {
                    *h += 1;
                }
                let r = self.rank(s, *p);
                if let Some(w) = worst.get_mut(pi) {
                    *w = match (*w, r) {
                        (Some(a), Some(b)) => Some(a.max(b)),
                        (None, r) => r,
                        (a, None) => a,
                    };
                }
            }
        }
        let mut out = Vec::new();
        for (s, prefs) in self.prefs.iter().enumerate() {
            let current = m.post_of.get(s).copied().flatten();
            for &(p, r) in prefs {
                if Some(p) == current {
                    break; // every later choice is worse than what the person has
                }
                let pi = p as usize;
                let free =
                    held.get(pi).copied().unwrap_or(0) < self.seats.get(pi).copied().unwrap_or(0);
                let prefers_me = worst.get(pi).copied().flatten().is_some_and(|w| r < w);
                if free || prefers_me {
                    out.push((s, p));
                }
            }
        }
        out
    }
}

/// Staff-optimal stable matching with capacities (staff propose): the instance laid out
/// flat and solved by [`fast::deferred_acceptance_flat`], the same code as the calculator's
/// fast path, so the pages, the API and `jiguan calc match` run one implementation.
pub fn deferred_acceptance(inst: &Instance) -> Matching {
    let n = inst.staff.len();
    let total: usize = inst.prefs.iter().map(Vec::len).sum();
    let mut pref_start = Vec::with_capacity(n + 1);
    let mut prefs = Vec::with_capacity(total);
    let mut rank = Vec::with_capacity(total);
    let mut room = vec![0u32; inst.seats.len()];
    pref_start.push(0u32);
    for s in 0..n {
        for &(p, r) in inst.prefs.get(s).map(Vec::as_slice).unwrap_or_default() {
            let Some(x) = room.get_mut(p as usize) else {
                continue; // not a post of the instance (parse never builds one)
            };
            *x += 1;
            prefs.push(p);
            rank.push(r);
        }
        pref_start.push(prefs.len() as u32);
    }
    for (x, seats) in room.iter_mut().zip(&inst.seats) {
        *x = (*x).min(*seats);
    }
    let got = fast::deferred_acceptance_flat(&pref_start, &prefs, &rank, &room);
    Matching {
        post_of: got
            .iter()
            .map(|&q| (q != fast::NONE).then(|| prefs[q as usize]))
            .collect(),
    }
}

/// The classic 志愿 rounds (immediate acceptance).
pub fn rounds(inst: &Instance) -> Matching {
    let n = inst.staff.len();
    let mut post_of: Vec<Option<u32>> = vec![None; n];
    let mut left: Vec<u32> = inst.seats.clone();
    let longest = inst.listed.iter().map(Vec::len).max().unwrap_or(0);
    for k in 0..longest {
        // This round's acceptable applicants per post, with their rank.
        let mut applicants: HashMap<u32, Vec<(u32, usize)>> = HashMap::new();
        for (s, placed) in post_of.iter().enumerate() {
            if placed.is_some() {
                continue;
            }
            let Some(&p) = inst.listed.get(s).and_then(|l| l.get(k)) else {
                continue;
            };
            if let Some(r) = inst.rank(s, p) {
                applicants.entry(p).or_default().push((r, s));
            }
        }
        for (p, mut list) in applicants {
            list.sort_unstable();
            let Some(seats) = left.get_mut(p as usize) else {
                continue;
            };
            for (_, s) in list.into_iter().take(*seats as usize) {
                post_of[s] = Some(p);
                *seats -= 1;
            }
        }
    }
    Matching { post_of }
}

/// One placement in a result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Placement {
    pub staff: String,
    pub post: String,
    /// Which of the person's choices it was (1 = 第一志愿).
    pub choice: usize,
}

/// A result as the calculator prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MatchResult {
    pub mechanism: Mechanism,
    pub matches: Vec<Placement>,
    pub unplaced: Vec<String>,
    pub vacancies: std::collections::BTreeMap<String, u32>,
    /// Pairs that would both rather have each other (0 for deferred acceptance).
    pub blocking_pairs: usize,
    /// Placed people who got their first choice.
    pub first_choice: usize,
}

/// Runs a mechanism and describes the result with the instance's ids.
pub fn solve(inst: &Instance, mech: Mechanism) -> MatchResult {
    let m = match mech {
        Mechanism::DeferredAcceptance => deferred_acceptance(inst),
        Mechanism::Rounds => rounds(inst),
    };
    let mut matches = Vec::new();
    let mut unplaced = Vec::new();
    let mut first_choice = 0;
    for (s, p) in m.post_of.iter().enumerate() {
        let name = inst.staff.get(s).cloned().unwrap_or_default();
        match p {
            Some(p) => {
                let choice = inst
                    .listed
                    .get(s)
                    .and_then(|l| l.iter().position(|q| q == p))
                    .map_or(0, |i| i + 1);
                if choice == 1 {
                    first_choice += 1;
                }
                matches.push(Placement {
                    staff: name,
                    post: inst.posts.get(*p as usize).cloned().unwrap_or_default(),
                    choice,
                });
            }
            None => unplaced.push(name),
        }
    }
    let vacancies = inst.posts.iter().cloned().zip(inst.vacancies(&m)).collect();
    MatchResult {
        mechanism: mech,
        blocking_pairs: inst.blocking_pairs(&m).len(),
        matches,
        unplaced,
        vacancies,
        first_choice,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn input(staff: &[(&str, &[&str])], posts: &[(&str, i64, &[&str])]) -> MatchInput {
        MatchInput {
            staff: staff
                .iter()
                .map(|(id, p)| StaffPrefs {
                    id: id.to_string(),
                    prefs: p.iter().map(|x| x.to_string()).collect(),
                })
                .collect(),
            posts: posts
                .iter()
                .map(|(id, seats, r)| PostRanking {
                    id: id.to_string(),
                    seats: *seats,
                    ranking: r.iter().map(|x| x.to_string()).collect(),
                })
                .collect(),
        }
    }

    fn by_post(r: &MatchResult) -> Vec<(String, Vec<String>)> {
        let mut m: std::collections::BTreeMap<String, Vec<String>> = Default::default();
        for p in &r.matches {
            m.entry(p.post.clone()).or_default().push(p.staff.clone());
        }
        m.into_iter()
            .map(|(k, mut v)| {
                v.sort();
                (k, v)
            })
            .collect()
    }

    fn tv_t1() -> MatchInput {
        input(
            &[
                ("A", &["X", "Y"]),
                ("B", &["X", "Z"]),
                ("C", &["Y", "X"]),
                ("D", &["X", "Y", "Z"]),
                ("E", &["Z"]),
            ],
            &[
                ("X", 1, &["B", "D", "A", "C"]),
                ("Y", 2, &["A", "D", "C"]),
                ("Z", 1, &["E", "B", "D"]),
            ],
        )
    }

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    /// TV-T1 (RULES-SELECTION-APPRAISAL.md §3.2), verified there with `matching` 1.4.3.
    #[test]
    fn tv_t1_deferred_acceptance() {
        let inst = tv_t1().parse().unwrap();
        let r = solve(&inst, Mechanism::DeferredAcceptance);
        assert_eq!(
            by_post(&r),
            vec![
                ("X".into(), s(&["B"])),
                ("Y".into(), s(&["A", "D"])),
                ("Z".into(), s(&["E"]))
            ]
        );
        assert_eq!(r.unplaced, s(&["C"]));
        assert_eq!(r.blocking_pairs, 0);
        assert_eq!(r.vacancies.values().sum::<u32>(), 0);
    }

    #[test]
    fn tv_t1_rounds() {
        let inst = tv_t1().parse().unwrap();
        let m = rounds(&inst);
        let r = solve(&inst, Mechanism::Rounds);
        assert_eq!(
            by_post(&r),
            vec![
                ("X".into(), s(&["B"])),
                ("Y".into(), s(&["A", "C"])),
                ("Z".into(), s(&["E"]))
            ]
        );
        assert_eq!(r.unplaced, s(&["D"]));
        // The blocking pair (D, Y).
        assert_eq!(inst.blocking_pairs(&m), vec![(3, 1)]);
    }

    /// A pair counts only when both list each other; a post's unranked applicant stays out.
    #[test]
    fn mutual_acceptability_and_capacity() {
        let inst = input(
            &[("a", &["p"]), ("b", &["p"]), ("c", &["p", "q"])],
            &[("p", 2, &["b", "c"]), ("q", 0, &["c"])],
        )
        .parse()
        .unwrap();
        let r = solve(&inst, Mechanism::DeferredAcceptance);
        assert_eq!(by_post(&r), vec![("p".into(), s(&["b", "c"]))]);
        assert_eq!(r.unplaced, s(&["a"]));
        assert_eq!(r.vacancies.get("q"), Some(&0));
    }

    #[test]
    fn bad_input_names_the_field() {
        let cases: Vec<(MatchInput, &str, &str)> = vec![
            (
                input(&[("a", &["zz"])], &[("p", 1, &[])]),
                "staff[0].prefs[0]",
                "unknown_post",
            ),
            (
                input(&[("a", &["p"])], &[("p", 1, &["b"])]),
                "posts[0].ranking[0]",
                "unknown_staff",
            ),
            (
                input(&[("a", &[]), ("a", &[])], &[]),
                "staff[1].id",
                "duplicate_id",
            ),
            (
                input(&[], &[("p", 1, &[]), ("p", 1, &[])]),
                "posts[1].id",
                "duplicate_id",
            ),
            (
                input(&[("a", &["p", "p"])], &[("p", 1, &["a"])]),
                "staff[0].prefs[1]",
                "listed_twice",
            ),
            (
                input(&[("a", &["p"])], &[("p", 1, &["a", "a"])]),
                "posts[0].ranking[1]",
                "listed_twice",
            ),
            (
                input(&[], &[("p", -1, &[])]),
                "posts[0].seats",
                "out_of_range",
            ),
            (input(&[(" ", &[])], &[]), "staff[0].id", "required"),
        ];
        for (inp, field, code) in cases {
            let e = inp.parse().unwrap_err();
            assert_eq!((e.field.as_str(), e.code.as_str()), (field, code));
        }
    }

    /// Random instances: a person lists up to 4 of the posts; each post ranks a random
    /// subset of those who listed it (the others are 不接受).
    fn instance() -> impl Strategy<Value = MatchInput> {
        random_input(1..25, 1..8, 4, |i| format!("s{i}"))
    }

    /// Random instances of `staff` people and `posts` posts (shared with the fast path's
    /// tests): a person lists up to `most_prefs` of the posts, each post has 0–3 seats and
    /// ranks a random subset of those who listed it; person `i` is called `sid(i)`.
    pub(super) fn random_input(
        staff: std::ops::Range<usize>,
        posts: std::ops::Range<usize>,
        most_prefs: usize,
        sid: fn(usize) -> String,
    ) -> impl Strategy<Value = MatchInput> {
        (staff, posts).prop_flat_map(move |(ns, np)| {
            let prefs = proptest::collection::vec(
                proptest::sample::subsequence((0..np).collect::<Vec<_>>(), 0..=np.min(most_prefs))
                    .prop_shuffle(),
                ns,
            );
            let seats = proptest::collection::vec(0i64..4, np);
            let keep = proptest::collection::vec(proptest::bool::weighted(0.85), ns * np);
            let order = proptest::collection::vec(any::<u32>(), ns);
            (prefs, seats, keep, order).prop_map(move |(prefs, seats, keep, order)| {
                let staff: Vec<StaffPrefs> = prefs
                    .iter()
                    .enumerate()
                    .map(|(i, ps)| StaffPrefs {
                        id: sid(i),
                        prefs: ps.iter().map(|p| format!("p{p}")).collect(),
                    })
                    .collect();
                let posts = (0..np)
                    .map(|p| {
                        let mut who: Vec<usize> = (0..ns)
                            .filter(|s| prefs[*s].contains(&p) && keep[s * np + p])
                            .collect();
                        who.sort_by_key(|s| (order[*s].wrapping_mul(p as u32 + 7), *s));
                        PostRanking {
                            id: format!("p{p}"),
                            seats: seats[p],
                            ranking: who.iter().map(|s| sid(*s)).collect(),
                        }
                    })
                    .collect();
                MatchInput { staff, posts }
            })
        })
    }

    /// Every stable matching, by brute force over small instances.
    fn stable_matchings(inst: &Instance) -> Vec<Matching> {
        let n = inst.staff.len();
        let mut out = Vec::new();
        let mut cur: Vec<Option<u32>> = vec![None; n];
        fn go(inst: &Instance, s: usize, cur: &mut Vec<Option<u32>>, out: &mut Vec<Matching>) {
            if s == cur.len() {
                let m = Matching {
                    post_of: cur.clone(),
                };
                let fits = inst.seats.iter().enumerate().all(|(p, c)| {
                    cur.iter().filter(|x| **x == Some(p as u32)).count() <= *c as usize
                });
                if fits && inst.blocking_pairs(&m).is_empty() {
                    out.push(m);
                }
                return;
            }
            cur[s] = None;
            go(inst, s + 1, cur, out);
            for &(p, _) in inst.prefs[s].clone().iter() {
                cur[s] = Some(p);
                go(inst, s + 1, cur, out);
            }
            cur[s] = None;
        }
        go(inst, 0, &mut cur, &mut out);
        out
    }

    /// No post holds more people than its seats, and every placed pair is mutually
    /// acceptable.
    fn within_seats_and_acceptable(inst: &Instance, m: &Matching) -> Result<(), TestCaseError> {
        for (p, c) in inst.seats.iter().enumerate() {
            let held = m.post_of.iter().filter(|x| **x == Some(p as u32)).count();
            prop_assert!(held <= *c as usize);
        }
        for (s, p) in m.post_of.iter().enumerate() {
            if let Some(p) = p {
                prop_assert!(inst.rank(s, *p).is_some());
            }
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// Deferred acceptance never exceeds a post's seats, only places mutually
        /// acceptable pairs, and leaves no blocking pair.
        #[test]
        fn deferred_acceptance_is_stable(inp in instance()) {
            let inst = inp.parse().unwrap();
            let m = deferred_acceptance(&inst);
            within_seats_and_acceptable(&inst, &m)?;
            prop_assert!(inst.blocking_pairs(&m).is_empty());
        }

        /// Rounds never exceed seats and only place mutually acceptable pairs.
        #[test]
        fn rounds_respect_seats_and_acceptability(inp in instance()) {
            let inst = inp.parse().unwrap();
            let m = rounds(&inst);
            within_seats_and_acceptable(&inst, &m)?;
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(120))]

        /// Staff-optimal: on small instances, every person likes their deferred-acceptance
        /// post at least as much as their post in any other stable matching.
        #[test]
        fn deferred_acceptance_is_staff_optimal(inp in instance().prop_filter("small", |i| i.staff.len() <= 6 && i.posts.len() <= 4)) {
            let inst = inp.parse().unwrap();
            let da = deferred_acceptance(&inst);
            let pos = |s: usize, p: Option<u32>| p.map_or(usize::MAX, |p| {
                inst.prefs[s].iter().position(|(q, _)| *q == p).unwrap_or(usize::MAX)
            });
            for other in stable_matchings(&inst) {
                for s in 0..inst.staff.len() {
                    prop_assert!(pos(s, da.post_of[s]) <= pos(s, other.post_of[s]));
                }
            }
        }
    }
}
