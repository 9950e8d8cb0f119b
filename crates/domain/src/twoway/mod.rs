//! Two-way selection of posts (双向择岗 / 双向选择): after the middle managers are chosen,
//! the unit opens a round; staff list the offered posts in order (志愿) and may accept
//! reassignment (服从调剂); each body head ranks the applicants to the body's posts (and
//! may mark one 不接受); the match places people; 服从调剂 people are proposed for the
//! seats left; everyone still unplaced gets a route.
//!
//! Source: ../shared/domain/RULES-SELECTION-APPRAISAL.md §3 (TWS-1 … TWS-7, TV-T1).
//!
//! - This file: the round (form and parse, [`Mode`]), seats offered and their limits
//!   ([`check_offer`]: a post's seats ≤ its workload in full-time people, a body's seats ≤
//!   its establishment less the middle managers it keeps), who takes part
//!   ([`participants`]), eligibility when choosing ([`eligibility`], the posts module's
//!   [`check_assignment`] rules), preferences and rankings ([`parse_prefs`],
//!   [`parse_ranking`]), the routes of the unplaced ([`Route`]).
//! - [`outcome`]: the match (through [`crate::rules::matching`]: deferred acceptance or
//!   志愿 rounds, never restated here), explanations per person, rates, figures by body,
//!   服从调剂 proposals.
//!
//! The round follows [`crate::workflow::TWOWAY_ROUNDS`]: draft (HR sets it up) → open
//! (staff choose, heads rank, HR matches) → submitted → approved → applied.

pub mod outcome;

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::FieldError;
use crate::error::{Errors, required_text};
use crate::posts::assign::{Proposed, State, Violation, check_assignment};
use crate::posts::workload::fte;
use crate::rules::matching::Mechanism;

pub use outcome::{Outcome, Why, adjust_proposals, solve_round};

id_type! {
    /// A two-way selection round (双向选择轮次).
    RoundId;
}

closed_lists!("twoway/mod.toml");

impl Mode {
    /// The matching mechanism of the rules code.
    pub fn mechanism(self) -> Mechanism {
        match self {
            Mode::DeferredAcceptance => Mechanism::DeferredAcceptance,
            Mode::Rounds => Mechanism::Rounds,
        }
    }
}

/// Longest round title and exclusion reason, in characters.
pub const TITLE_MAX: usize = 80;
pub const REASON_MAX: usize = 200;
/// Choices per person: default (TWS-2) and the most a round may allow.
pub const CHOICES_DEFAULT: u32 = 3;
pub const CHOICES_MAX: u32 = 10;

/// The round form as entered (page, API, CLI).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RoundForm {
    pub title: String,
    /// Last day for staff to choose (YYYY-MM-DD).
    pub choose_by: String,
    /// Last day for heads to rank.
    pub rank_by: String,
    /// Choices per person (blank: 3).
    pub max_choices: String,
    /// `deferred_acceptance` (blank) or `rounds`.
    pub mode: String,
}

/// A valid round definition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundInput {
    pub title: String,
    pub choose_by: NaiveDate,
    pub rank_by: NaiveDate,
    pub max_choices: u32,
    pub mode: Mode,
}

impl RoundForm {
    /// Every invalid field at once: `title` required/too_long, `choose_by`/`rank_by`
    /// required/date_invalid, `rank_by` `twoway_rank_before_choose` (heads rank after staff
    /// choose), `max_choices` integer_invalid/out_of_range, `mode` choice_invalid.
    pub fn parse(&self) -> Result<RoundInput, Vec<FieldError>> {
        let mut errs = Errors::new();
        let title = errs.take(required_text("title", &self.title, TITLE_MAX));
        let choose_by = errs.take(crate::people::parse_date("choose_by", &self.choose_by));
        let rank_by = errs.take(crate::people::parse_date("rank_by", &self.rank_by));
        if let (Some(c), Some(r)) = (choose_by, rank_by)
            && r < c
        {
            errs.push(FieldError::new("rank_by", "twoway_rank_before_choose"));
        }
        let n = self.max_choices.trim();
        let max_choices = if n.is_empty() {
            Some(CHOICES_DEFAULT)
        } else {
            match n.parse::<u32>() {
                Ok(k) if (1..=CHOICES_MAX).contains(&k) => Some(k),
                Ok(_) => {
                    errs.push(
                        FieldError::new("max_choices", "out_of_range")
                            .with("min", 1)
                            .with("max", CHOICES_MAX),
                    );
                    None
                }
                Err(_) => {
                    errs.push(FieldError::new("max_choices", "integer_invalid"));
                    None
                }
            }
        };
        let mode = if self.mode.trim().is_empty() {
            Some(Mode::DeferredAcceptance)
        } else {
            errs.take(Mode::parse("mode", &self.mode))
        };
        match (title, choose_by, rank_by, max_choices, mode) {
            (Some(title), Some(choose_by), Some(rank_by), Some(max_choices), Some(mode))
                if errs.is_empty() =>
            {
                Ok(RoundInput {
                    title,
                    choose_by,
                    rank_by,
                    max_choices,
                    mode,
                })
            }
            _ => Err(errs.0),
        }
    }
}

/// One post offered in a round with its seats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Offer {
    pub post_id: i64,
    pub seats: i64,
}

/// The most seats a post's workload allows: its FTE (hours ÷ standard annual hours)
/// rounded up, at least 1 (因岗定编, posts::workload).
pub fn workload_seats(hours: i64, standard: i64) -> i64 {
    use rust_decimal::prelude::ToPrimitive;
    fte(hours, standard)
        .ceil()
        .to_i64()
        .unwrap_or(i64::MAX)
        .max(1)
}

/// Checks the posts offered against the unit's posts (`state`), their workload and each
/// body's establishment (`establishment`: body id → approved headcount, 0 or missing:
/// not recorded, no limit). A body's seats may not exceed its establishment less the
/// middle managers (chief and deputy holders) it keeps. Errors, all at once, on field
/// `offers.<post id>`: `choice_invalid` (not a post of the unit), `post_inactive`,
/// `twoway_post_middle` (middle posts are filled by competitive selection, TWS-1),
/// `out_of_range` (seats < 1), `twoway_seats_over_workload` (`{max}`), `duplicate`;
/// on `offers.body.<body id>`: `twoway_seats_over_establishment` (`{max}`, `{seats}`).
pub fn check_offer(
    state: &State,
    offers: &[Offer],
    standard: i64,
    establishment: &BTreeMap<i64, i64>,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let mut seen = BTreeSet::new();
    let mut by_body: BTreeMap<i64, i64> = BTreeMap::new();
    for o in offers {
        let field = format!("offers.{}", o.post_id);
        if !seen.insert(o.post_id) {
            errs.push(FieldError::new(field, "duplicate"));
            continue;
        }
        let Some(p) = state.posts.get(&o.post_id) else {
            errs.push(FieldError::new(field, "choice_invalid"));
            continue;
        };
        if !p.active {
            errs.push(FieldError::new(field.clone(), "post_inactive").with("post", &p.title));
        }
        if p.level.is_middle() {
            errs.push(FieldError::new(field.clone(), "twoway_post_middle").with("post", &p.title));
        }
        let max = workload_seats(p.hours, standard);
        if o.seats < 1 {
            errs.push(
                FieldError::new(field, "out_of_range")
                    .with("min", 1)
                    .with("max", max),
            );
        } else if o.seats > max {
            errs.push(
                FieldError::new(field, "twoway_seats_over_workload")
                    .with("post", &p.title)
                    .with("max", max),
            );
        }
        *by_body.entry(p.body_id).or_default() += o.seats.max(0);
    }
    for (body, seats) in by_body {
        let Some(est) = establishment.get(&body).copied().filter(|e| *e > 0) else {
            continue;
        };
        let kept = middle_holders(state, body);
        let max = (est - kept).max(0);
        if seats > max {
            errs.push(
                FieldError::new(
                    format!("offers.body.{body}"),
                    "twoway_seats_over_establishment",
                )
                .with("max", max)
                .with("seats", seats),
            );
        }
    }
    errs
}

/// People holding an open middle-post (chief or deputy) assignment in a body.
fn middle_holders(state: &State, body: i64) -> i64 {
    let holders: BTreeSet<i64> = state
        .assignments
        .iter()
        .filter(|a| {
            state
                .posts
                .get(&a.post_id)
                .is_some_and(|p| p.body_id == body && p.level.is_middle())
        })
        .map(|a| a.person_id)
        .collect();
    holders.len() as i64
}

/// Seats for every active general or service post that [`check_offer`] accepts: each
/// post its workload's seats, cut so that no body exceeds its establishment less the
/// middle managers it keeps (posts left with no seat are not offered). The HR office's
/// starting point.
pub fn fit_offers(state: &State, standard: i64, establishment: &BTreeMap<i64, i64>) -> Vec<Offer> {
    let mut left: BTreeMap<i64, i64> = BTreeMap::new();
    let mut out = Vec::new();
    for p in state.posts.values() {
        if !p.active || p.level.is_middle() {
            continue;
        }
        let cap = left.entry(p.body_id).or_insert_with(|| {
            match establishment.get(&p.body_id).copied().filter(|e| *e > 0) {
                Some(e) => (e - middle_holders(state, p.body_id)).max(0),
                None => i64::MAX,
            }
        });
        let seats = workload_seats(p.hours, standard).min(*cap);
        if seats >= 1 {
            *cap -= seats;
            out.push(Offer {
                post_id: p.id,
                seats,
            });
        }
    }
    out
}

/// Whether a person holds an open middle-post assignment.
pub fn holds_middle_post(state: &State, person: i64) -> bool {
    state.of_person(person).any(|a| {
        state
            .posts
            .get(&a.post_id)
            .is_some_and(|p| p.level.is_middle())
    })
}

/// One person left out of a round, with the reason (required).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exclusion {
    pub person_id: i64,
    pub reason: String,
}

/// Parses exclusions: `exclusions.<i>` `choice_invalid` (not a participant candidate),
/// `required`/`too_long` (reason), `duplicate`.
pub fn parse_exclusions(
    raw: &[(i64, String)],
    candidates: &[i64],
) -> Result<Vec<Exclusion>, Vec<FieldError>> {
    let mut errs = Errors::new();
    let mut out: Vec<Exclusion> = Vec::new();
    for (i, (p, reason)) in raw.iter().enumerate() {
        let field = format!("exclusions.{i}");
        if !candidates.contains(p) {
            errs.push(FieldError::new(field, "choice_invalid"));
            continue;
        }
        if out.iter().any(|e| e.person_id == *p) {
            errs.push(FieldError::new(field, "duplicate"));
            continue;
        }
        if let Some(r) = errs.take(required_text(&field, reason, REASON_MAX)) {
            out.push(Exclusion {
                person_id: *p,
                reason: r,
            });
        }
    }
    if errs.is_empty() {
        Ok(out)
    } else {
        Err(errs.0)
    }
}

/// Who takes part (TWS-1): people on post in the unit who are not leadership-team members
/// (班子成员) and hold no middle post, less the exclusions. In person-id order.
pub fn participants(state: &State, exclusions: &[Exclusion]) -> Vec<i64> {
    candidates(state)
        .into_iter()
        .filter(|p| !exclusions.iter().any(|e| e.person_id == *p))
        .collect()
}

/// Everyone who could take part before exclusions.
pub fn candidates(state: &State) -> Vec<i64> {
    state
        .people
        .values()
        .filter(|p| p.on_post && !p.leader && !holds_middle_post(state, p.id))
        .map(|p| p.id)
        .collect()
}

/// The posts module's rules that decide whether a person may hold a post at all, whatever
/// they hold now: establishment kind, education, years of service, post active.
pub const ELIGIBILITY_CODES: &[&str] = &[
    "post_kind_mismatch",
    "post_education_low",
    "post_service_short",
    "post_inactive",
    "post_leader_middle",
    "not_found",
];

/// Why `person` may not take `post` (empty: eligible), by the posts module's
/// [`check_assignment`] on the state without the person's current assignments (the round
/// replaces them): only the rules in [`ELIGIBILITY_CODES`].
pub fn eligibility(state: &State, person: i64, post: i64) -> Vec<Violation> {
    let mut s = state.clone();
    s.assignments.retain(|a| a.person_id != person);
    check_assignment(
        &s,
        &Proposed {
            post_id: post,
            person_id: person,
            share_pct: 100,
            main: true,
            overtime: false,
        },
    )
    .into_iter()
    .filter(|v| ELIGIBILITY_CODES.contains(&v.code))
    .collect()
}

/// A person's choices as entered: post ids in order (blank entries skipped).
/// Errors: `prefs.<i>` `choice_invalid` (not offered), `twoway_pref_duplicate`, the
/// eligibility violations (`post_kind_mismatch` …, checked by `eligible`);
/// `prefs` `twoway_too_many_choices` (`{max}`).
pub fn parse_prefs(
    raw: &[String],
    offered: &[i64],
    max: u32,
    eligible: impl Fn(i64) -> Vec<Violation>,
) -> Result<Vec<i64>, Vec<FieldError>> {
    let mut errs = Errors::new();
    let mut out: Vec<i64> = Vec::new();
    let mut n = 0usize;
    for (i, s) in raw.iter().enumerate() {
        if s.trim().is_empty() {
            continue;
        }
        n += 1;
        let field = format!("prefs.{i}");
        let Some(p) = s.trim().parse::<i64>().ok().filter(|p| offered.contains(p)) else {
            errs.push(FieldError::new(field, "choice_invalid"));
            continue;
        };
        if out.contains(&p) {
            errs.push(FieldError::new(field, "twoway_pref_duplicate"));
            continue;
        }
        let bad = eligible(p);
        if bad.is_empty() {
            out.push(p);
        }
        for v in bad {
            let mut e = v.to_field_error();
            e.field = field.clone();
            errs.push(e);
        }
    }
    if n > max as usize {
        errs.push(FieldError::new("prefs", "twoway_too_many_choices").with("max", max));
    }
    if errs.is_empty() {
        Ok(out)
    } else {
        Err(errs.0)
    }
}

/// A head's ranking of one post's applicants: ranked in order (best first), and those
/// marked 不接受.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ranking {
    pub ranked: Vec<i64>,
    pub unacceptable: Vec<i64>,
}

/// Parses a ranking of `applicants` (the people who listed the post: the head sees only
/// them, TWS-3). `order[i]` is the applicant's position (1 = best) or `x` for 不接受;
/// blank: not ranked yet. Errors on `rank.<person>`: `choice_invalid` (not an applicant),
/// `integer_invalid`, `out_of_range`, `twoway_rank_tie` (two applicants share a
/// position: rankings are strict).
pub fn parse_ranking(
    order: &[(i64, String)],
    applicants: &[i64],
) -> Result<Ranking, Vec<FieldError>> {
    let mut errs = Errors::new();
    let mut pos: Vec<(u32, i64)> = Vec::new();
    let mut unacceptable = Vec::new();
    let max = applicants.len().max(1);
    for (person, v) in order {
        let field = format!("rank.{person}");
        if !applicants.contains(person) {
            errs.push(FieldError::new(field, "choice_invalid"));
            continue;
        }
        let t = v.trim();
        if t.is_empty() {
            continue;
        }
        if t.eq_ignore_ascii_case("x") || t == "不接受" {
            unacceptable.push(*person);
            continue;
        }
        match t.parse::<u32>() {
            Ok(k) if k >= 1 && (k as usize) <= max => {
                if pos.iter().any(|(q, _)| *q == k) {
                    errs.push(FieldError::new(field, "twoway_rank_tie").with("rank", k));
                } else {
                    pos.push((k, *person));
                }
            }
            Ok(_) => errs.push(
                FieldError::new(field, "out_of_range")
                    .with("min", 1)
                    .with("max", max),
            ),
            Err(_) => errs.push(FieldError::new(field, "integer_invalid")),
        }
    }
    if !errs.is_empty() {
        return Err(errs.0);
    }
    pos.sort_unstable();
    Ok(Ranking {
        ranked: pos.into_iter().map(|(_, p)| p).collect(),
        unacceptable,
    })
}

impl Ranking {
    /// The strict order the match uses: the ranked applicants, then the applicants not
    /// ranked and not marked 不接受 in the tie-break order `tie` (TWS-3:
    /// service years, then id), dropping anyone who is no longer an applicant.
    pub fn full_order(&self, applicants: &[i64], tie: &[i64]) -> Vec<i64> {
        let mut out: Vec<i64> = self
            .ranked
            .iter()
            .copied()
            .filter(|p| applicants.contains(p))
            .collect();
        for p in tie {
            if applicants.contains(p) && !out.contains(p) && !self.unacceptable.contains(p) {
                out.push(*p);
            }
        }
        for p in applicants {
            if !out.contains(p) && !self.unacceptable.contains(p) {
                out.push(*p);
            }
        }
        out
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::people::EstablishmentKind as K;
    use crate::posts::assign::PersonFacts;
    use crate::posts::assign::tests::{person, post, state_of};
    use crate::posts::{Education, PostKind, PostLevel};

    pub(crate) fn state() -> State {
        let posts = [
            post(1, 10, PostLevel::Chief, PostKind::Any, 1800),
            post(2, 10, PostLevel::General, PostKind::Administrative, 3000),
            post(3, 10, PostLevel::General, PostKind::Any, 1700),
            post(4, 20, PostLevel::General, PostKind::Institution, 1700),
        ];
        let person = |id, kind| PersonFacts {
            work_start: NaiveDate::from_ymd_opt(2015, 7, 1),
            ..person(id, kind)
        };
        let lead = PersonFacts {
            leader: true,
            ..person(104, K::Administrative)
        };
        let people = [
            person(100, K::Administrative),
            person(101, K::Administrative),
            person(102, K::Institution),
            person(103, K::None),
            lead,
        ];
        let on = NaiveDate::from_ymd_opt(2027, 3, 1).unwrap();
        state_of(on, posts, people, &[(1, 100, 100), (3, 101, 100)])
    }

    fn codes(e: &[FieldError]) -> Vec<(String, String)> {
        e.iter()
            .map(|e| (e.field.clone(), e.code.clone()))
            .collect()
    }

    #[test]
    fn round_form_defaults_and_errors() {
        let f = RoundForm {
            title: "2027年双向选择".into(),
            choose_by: "2027-03-10".into(),
            rank_by: "2027-03-15".into(),
            ..RoundForm::default()
        };
        let r = f.parse().unwrap();
        assert_eq!((r.max_choices, r.mode), (3, Mode::DeferredAcceptance));
        let bad = RoundForm {
            title: " ".into(),
            choose_by: "2027-03-10".into(),
            rank_by: "2027-03-01".into(),
            max_choices: "11".into(),
            mode: "lottery".into(),
        };
        let e = bad.parse().unwrap_err();
        assert_eq!(
            codes(&e),
            [
                ("title".into(), "required".into()),
                ("rank_by".into(), "twoway_rank_before_choose".into()),
                ("max_choices".into(), "out_of_range".into()),
                ("mode".into(), "choice_invalid".into()),
            ]
        );
        let r = RoundForm {
            mode: "志愿轮次".into(),
            max_choices: "5".into(),
            ..f
        }
        .parse()
        .unwrap();
        assert_eq!((r.max_choices, r.mode), (5, Mode::Rounds));
    }

    #[test]
    fn seats_are_capped_by_workload_and_establishment() {
        let s = state();
        assert_eq!(workload_seats(3000, 1700), 2);
        assert_eq!(workload_seats(1700, 1700), 1);
        assert_eq!(workload_seats(0, 1700), 1);
        let ok = [
            Offer {
                post_id: 2,
                seats: 2,
            },
            Offer {
                post_id: 3,
                seats: 1,
            },
        ];
        // Body 10 keeps its chief: an establishment of 4 leaves 3 seats.
        let est = BTreeMap::from([(10, 4)]);
        assert!(check_offer(&s, &ok, 1700, &est).is_empty());
        assert!(check_offer(&s, &ok, 1700, &BTreeMap::new()).is_empty());
        let est = BTreeMap::from([(10, 3)]);
        let e = check_offer(&s, &ok, 1700, &est);
        assert_eq!(
            e[0].args,
            [
                ("max".to_string(), "2".to_string()),
                ("seats".to_string(), "3".to_string())
            ]
        );
        assert_eq!(
            codes(&e),
            [(
                "offers.body.10".into(),
                "twoway_seats_over_establishment".into()
            )]
        );
        let bad = [
            Offer {
                post_id: 2,
                seats: 3,
            },
            Offer {
                post_id: 1,
                seats: 1,
            },
            Offer {
                post_id: 4,
                seats: 0,
            },
            Offer {
                post_id: 99,
                seats: 1,
            },
            Offer {
                post_id: 2,
                seats: 1,
            },
        ];
        let e = check_offer(&s, &bad, 1700, &BTreeMap::new());
        assert_eq!(
            codes(&e),
            [
                ("offers.2".into(), "twoway_seats_over_workload".into()),
                ("offers.1".into(), "twoway_post_middle".into()),
                ("offers.4".into(), "out_of_range".into()),
                ("offers.99".into(), "choice_invalid".into()),
                ("offers.2".into(), "duplicate".into()),
            ]
        );
    }

    #[test]
    fn fitted_offers_pass_the_check() {
        let s = state();
        let est = BTreeMap::from([(10, 3)]);
        let o = fit_offers(&s, 1700, &est);
        // Body 10: 3 − 1 chief = 2 seats, all to post 2 (workload 2); post 3 gets none.
        assert_eq!(
            o,
            [
                Offer {
                    post_id: 2,
                    seats: 2
                },
                Offer {
                    post_id: 4,
                    seats: 1
                }
            ]
        );
        assert!(check_offer(&s, &o, 1700, &est).is_empty());
    }

    #[test]
    fn participants_are_staff_without_a_middle_post() {
        let s = state();
        // 100 holds the chief post, 104 is a leadership-team member.
        assert_eq!(candidates(&s), [101, 102, 103]);
        let ex = parse_exclusions(&[(103, "借调在外".into())], &candidates(&s)).unwrap();
        assert_eq!(participants(&s, &ex), [101, 102]);
        let e = parse_exclusions(
            &[
                (100, "x".into()),
                (101, " ".into()),
                (102, "a".into()),
                (102, "b".into()),
            ],
            &candidates(&s),
        )
        .unwrap_err();
        assert_eq!(
            codes(&e),
            [
                ("exclusions.0".into(), "choice_invalid".into()),
                ("exclusions.1".into(), "required".into()),
                ("exclusions.3".into(), "duplicate".into()),
            ]
        );
    }

    #[test]
    fn eligibility_checks_kind_and_qualifications() {
        let mut s = state();
        // 101 already holds post 3: holding it now does not make it ineligible.
        assert!(eligibility(&s, 101, 3).is_empty());
        assert!(eligibility(&s, 101, 2).is_empty());
        let v = eligibility(&s, 102, 2);
        assert_eq!(
            v.iter().map(|v| v.code).collect::<Vec<_>>(),
            ["post_kind_mismatch"]
        );
        assert!(eligibility(&s, 103, 3).is_empty());
        s.posts.get_mut(&3).unwrap().min_education = Some(Education::Master);
        s.posts.get_mut(&3).unwrap().min_service_years = 20;
        let v = eligibility(&s, 103, 3);
        assert_eq!(
            v.iter().map(|v| v.code).collect::<Vec<_>>(),
            ["post_education_low", "post_service_short"]
        );
    }

    #[test]
    fn preferences_are_checked_when_choosing() {
        let s = state();
        let offered = [2, 3, 4];
        let el = |p| eligibility(&s, 101, p);
        let ok = parse_prefs(&["3".into(), "".into(), "2".into()], &offered, 3, el).unwrap();
        assert_eq!(ok, [3, 2]);
        let e = parse_prefs(
            &["2".into(), "2".into(), "1".into(), "4".into()],
            &offered,
            3,
            |p| eligibility(&s, 101, p),
        )
        .unwrap_err();
        assert_eq!(
            codes(&e),
            [
                ("prefs.1".into(), "twoway_pref_duplicate".into()),
                ("prefs.2".into(), "choice_invalid".into()),
                ("prefs.3".into(), "post_kind_mismatch".into()),
                ("prefs".into(), "twoway_too_many_choices".into()),
            ]
        );
    }

    #[test]
    fn rankings_are_strict_and_may_refuse() {
        let apps = [1, 2, 3, 4];
        let r = parse_ranking(
            &[
                (3, "1".into()),
                (1, "2".into()),
                (2, "x".into()),
                (4, "".into()),
            ],
            &apps,
        )
        .unwrap();
        assert_eq!(r.ranked, [3, 1]);
        assert_eq!(r.unacceptable, [2]);
        // Unranked applicants follow in the tie-break order; 不接受 never appears.
        assert_eq!(r.full_order(&apps, &[4, 2, 1, 3]), [3, 1, 4]);
        let e = parse_ranking(
            &[
                (1, "1".into()),
                (2, "1".into()),
                (9, "2".into()),
                (3, "a".into()),
                (4, "9".into()),
            ],
            &apps,
        )
        .unwrap_err();
        assert_eq!(
            codes(&e),
            [
                ("rank.2".into(), "twoway_rank_tie".into()),
                ("rank.9".into(), "choice_invalid".into()),
                ("rank.3".into(), "integer_invalid".into()),
                ("rank.4".into(), "out_of_range".into()),
            ]
        );
    }
}
