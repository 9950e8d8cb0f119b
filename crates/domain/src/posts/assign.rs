//! Assignments (因编定人, 一人多岗): a person holds a post with a share of their working
//! time, as the main post or a concurrent one, possibly flagged overtime.
//!
//! [`check_assignment`] is the one place the rules live; the use cases, the suggestion
//! engine and its property test all go through it. Rules, each a [`Violation`] with a
//! stable code (translated as `err.<code>`) and the field it concerns:
//!
//! | code | field | rule |
//! |---|---|---|
//! | `post_share_invalid` | share_pct | the share is 1–100 % |
//! | `post_inactive` | post | the post is active |
//! | `post_person_not_on_post` | person | the person is on post in this unit (在岗 or 借入) |
//! | `post_duplicate` | post | the person does not already hold the post |
//! | `post_shares_over` | share_pct | the person's open shares total at most 100 %, unless the new assignment or one of theirs is flagged overtime |
//! | `post_main_taken` | main | at most one main post per person |
//! | `post_kind_mismatch` | person | the post's required kind is "any" or the person's held kind |
//! | `post_education_low` | person | education at least the post's minimum |
//! | `post_service_short` | person | whole years of service at least the post's minimum |
//! | `post_chief_taken` | post | one holder of a chief (中层正职) post per body |
//! | `post_leader_middle` | person | leadership-team members (班子成员) hold no chief/deputy post |

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::FieldError;
use crate::people::EstablishmentKind;

use super::{Education, PostKind, PostLevel, service_years};

/// A post as the rules see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostFacts {
    pub id: i64,
    pub body_id: i64,
    pub title: String,
    pub level: PostLevel,
    pub kind: PostKind,
    pub min_education: Option<Education>,
    pub min_service_years: i64,
    pub active: bool,
    /// Σ annual hours of its function items.
    pub hours: i64,
}

impl PostFacts {
    /// An active post `岗位{id}` of `hours` a year with no minimum education or service.
    pub fn open(id: i64, body: i64, level: PostLevel, kind: PostKind, hours: i64) -> Self {
        PostFacts {
            id,
            body_id: body,
            title: format!("岗位{id}"),
            level,
            kind,
            min_education: None,
            min_service_years: 0,
            active: true,
            hours,
        }
    }
}

/// A person as the rules see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonFacts {
    pub id: i64,
    pub name: String,
    pub establishment: EstablishmentKind,
    pub education: Education,
    pub work_start: Option<NaiveDate>,
    /// 班子成员.
    pub leader: bool,
    /// On post in this unit (在岗 at home or 借入).
    pub on_post: bool,
}

/// An open assignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    pub id: i64,
    pub post_id: i64,
    pub person_id: i64,
    pub share_pct: i64,
    pub main: bool,
    pub overtime: bool,
}

/// A proposed new assignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proposed {
    pub post_id: i64,
    pub person_id: i64,
    pub share_pct: i64,
    pub main: bool,
    pub overtime: bool,
}

/// The posts, people and open assignments of one unit on a date.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct State {
    pub posts: BTreeMap<i64, PostFacts>,
    pub people: BTreeMap<i64, PersonFacts>,
    pub assignments: Vec<Assignment>,
    /// The date years of service are counted to.
    pub on: NaiveDate,
}

/// One broken rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Violation {
    pub code: &'static str,
    pub field: &'static str,
    pub args: Vec<(String, String)>,
}

impl Violation {
    fn new(code: &'static str, field: &'static str) -> Self {
        Self {
            code,
            field,
            args: Vec::new(),
        }
    }
    fn with(mut self, k: &str, v: impl ToString) -> Self {
        self.args.push((k.to_string(), v.to_string()));
        self
    }
    pub fn to_field_error(&self) -> FieldError {
        let mut e = FieldError::new(self.field, self.code);
        e.args = self.args.clone();
        e
    }
}

impl State {
    pub fn of_person(&self, person: i64) -> impl Iterator<Item = &Assignment> {
        self.assignments
            .iter()
            .filter(move |a| a.person_id == person)
    }
    pub fn of_post(&self, post: i64) -> impl Iterator<Item = &Assignment> {
        self.assignments.iter().filter(move |a| a.post_id == post)
    }
    /// Σ open shares of a person.
    pub fn total_share(&self, person: i64) -> i64 {
        self.of_person(person).map(|a| a.share_pct).sum()
    }
    /// The state without one assignment.
    pub fn without(&self, assignment: i64) -> State {
        let mut s = self.clone();
        s.assignments.retain(|a| a.id != assignment);
        s
    }
    /// Every violation of every open assignment (each checked against the others).
    pub fn violations(&self) -> Vec<(i64, Violation)> {
        let mut out = Vec::new();
        for a in &self.assignments {
            let rest = self.without(a.id);
            for v in check_assignment(
                &rest,
                &Proposed {
                    post_id: a.post_id,
                    person_id: a.person_id,
                    share_pct: a.share_pct,
                    main: a.main,
                    overtime: a.overtime,
                },
            ) {
                out.push((a.id, v));
            }
        }
        out
    }
}

/// Every rule the proposed assignment breaks against the state (empty: it may be made).
pub fn check_assignment(state: &State, p: &Proposed) -> Vec<Violation> {
    let mut v = Vec::new();
    if !(1..=100).contains(&p.share_pct) {
        v.push(Violation::new("post_share_invalid", "share_pct"));
    }
    let post = state.posts.get(&p.post_id);
    let person = state.people.get(&p.person_id);
    let Some(post) = post else {
        v.push(Violation::new("not_found", "post"));
        return v;
    };
    let Some(person) = person else {
        v.push(Violation::new("not_found", "person"));
        return v;
    };
    if !post.active {
        v.push(Violation::new("post_inactive", "post").with("post", &post.title));
    }
    if !person.on_post {
        v.push(Violation::new("post_person_not_on_post", "person").with("person", &person.name));
    }
    let mine: Vec<&Assignment> = state.of_person(p.person_id).collect();
    if mine.iter().any(|a| a.post_id == p.post_id) {
        v.push(
            Violation::new("post_duplicate", "post")
                .with("person", &person.name)
                .with("post", &post.title),
        );
    }
    let total: i64 = mine.iter().map(|a| a.share_pct).sum::<i64>() + p.share_pct;
    let overtime = p.overtime || mine.iter().any(|a| a.overtime);
    if total > 100 && !overtime {
        v.push(
            Violation::new("post_shares_over", "share_pct")
                .with("person", &person.name)
                .with("total", total),
        );
    }
    if p.main && mine.iter().any(|a| a.main) {
        v.push(Violation::new("post_main_taken", "main").with("person", &person.name));
    }
    if !post.kind.fits(person.establishment) {
        v.push(
            Violation::new("post_kind_mismatch", "person")
                .with("person", &person.name)
                .with("kind", person.establishment.zh())
                .with("required", post.kind.zh()),
        );
    }
    if let Some(min) = post.min_education
        && person.education < min
    {
        v.push(
            Violation::new("post_education_low", "person")
                .with("person", &person.name)
                .with("education", person.education.zh())
                .with("required", min.zh()),
        );
    }
    let years = service_years(person.work_start, state.on);
    if years < post.min_service_years {
        v.push(
            Violation::new("post_service_short", "person")
                .with("person", &person.name)
                .with("years", years)
                .with("required", post.min_service_years),
        );
    }
    if post.level == PostLevel::Chief {
        let taken = state.assignments.iter().any(|a| {
            a.person_id != p.person_id
                && state
                    .posts
                    .get(&a.post_id)
                    .is_some_and(|q| q.level == PostLevel::Chief && q.body_id == post.body_id)
        });
        if taken {
            v.push(Violation::new("post_chief_taken", "post").with("post", &post.title));
        }
    }
    if person.leader && post.level.is_middle() {
        v.push(
            Violation::new("post_leader_middle", "person")
                .with("person", &person.name)
                .with("level", post.level.zh()),
        );
    }
    v
}

/// Coverage (事事有人做、人人有事做).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Coverage {
    /// Active posts with no open assignment.
    pub vacant_posts: Vec<i64>,
    /// People on post with no open assignment.
    pub idle_people: Vec<i64>,
}

pub fn coverage(state: &State) -> Coverage {
    let vacant_posts = state
        .posts
        .values()
        .filter(|p| p.active && !state.assignments.iter().any(|a| a.post_id == p.id))
        .map(|p| p.id)
        .collect();
    let idle_people = state
        .people
        .values()
        .filter(|p| p.on_post && !state.assignments.iter().any(|a| a.person_id == p.id))
        .map(|p| p.id)
        .collect();
    Coverage {
        vacant_posts,
        idle_people,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn post(
        id: i64,
        body: i64,
        level: PostLevel,
        kind: PostKind,
        hours: i64,
    ) -> PostFacts {
        PostFacts::open(id, body, level, kind, hours)
    }

    pub(crate) fn person(id: i64, kind: EstablishmentKind) -> PersonFacts {
        PersonFacts {
            id,
            name: format!("人员{id}"),
            establishment: kind,
            education: Education::Bachelor,
            work_start: NaiveDate::from_ymd_opt(2010, 7, 1),
            leader: false,
            on_post: true,
        }
    }

    /// A state on `on` with these posts and people, and each (post, person, share %) of
    /// `main` held as a main post (assignment ids from 1).
    pub(crate) fn state_of(
        on: NaiveDate,
        posts: impl IntoIterator<Item = PostFacts>,
        people: impl IntoIterator<Item = PersonFacts>,
        main: &[(i64, i64, i64)],
    ) -> State {
        State {
            on,
            posts: posts.into_iter().map(|p| (p.id, p)).collect(),
            people: people.into_iter().map(|p| (p.id, p)).collect(),
            assignments: (1..)
                .zip(main)
                .map(|(id, &(post_id, person_id, share_pct))| Assignment {
                    id,
                    post_id,
                    person_id,
                    share_pct,
                    main: true,
                    overtime: false,
                })
                .collect(),
        }
    }

    fn state() -> State {
        use EstablishmentKind as K;
        let posts = [
            post(1, 10, PostLevel::Chief, PostKind::Administrative, 1984),
            post(2, 10, PostLevel::General, PostKind::Any, 1000),
            post(3, 10, PostLevel::Deputy, PostKind::Any, 1000),
            post(4, 20, PostLevel::Chief, PostKind::Institution, 1000),
        ];
        let people = [
            person(100, K::Administrative),
            person(101, K::Administrative),
            person(102, K::None),
            person(103, K::Institution),
        ];
        let on = NaiveDate::from_ymd_opt(2020, 7, 1).unwrap();
        state_of(on, posts, people, &[(1, 100, 80)])
    }

    fn prop(post: i64, person: i64, share: i64, main: bool) -> Proposed {
        Proposed {
            post_id: post,
            person_id: person,
            share_pct: share,
            main,
            overtime: false,
        }
    }

    fn codes(s: &State, p: &Proposed) -> Vec<&'static str> {
        check_assignment(s, p).into_iter().map(|v| v.code).collect()
    }

    #[test]
    fn a_valid_assignment_passes() {
        let s = state();
        assert!(codes(&s, &prop(2, 100, 20, false)).is_empty());
        assert!(codes(&s, &prop(2, 102, 100, true)).is_empty());
    }

    #[test]
    fn shares_over_100_unless_overtime() {
        let s = state();
        // 80 % + 30 % = 110 %.
        assert_eq!(
            codes(&s, &prop(2, 100, 30, false)),
            vec!["post_shares_over"]
        );
        let mut p = prop(2, 100, 30, false);
        p.overtime = true;
        assert!(codes(&s, &p).is_empty());
        assert_eq!(
            codes(&s, &prop(2, 101, 0, false)),
            vec!["post_share_invalid"]
        );
        assert_eq!(
            codes(&s, &prop(2, 101, 101, false)),
            vec!["post_share_invalid", "post_shares_over"]
        );
    }

    #[test]
    fn one_main_post_per_person() {
        let s = state();
        assert_eq!(codes(&s, &prop(2, 100, 20, true)), vec!["post_main_taken"]);
    }

    #[test]
    fn establishment_kind_must_fit() {
        let s = state();
        // An off-establishment person on an administrative post; an institution cadre on
        // an administrative one.
        assert_eq!(
            codes(&s, &prop(1, 102, 10, false)),
            vec!["post_kind_mismatch", "post_chief_taken"]
        );
        assert_eq!(
            codes(&s, &prop(4, 101, 10, false)),
            vec!["post_kind_mismatch"]
        );
        assert!(codes(&s, &prop(4, 103, 10, false)).is_empty());
    }

    #[test]
    fn qualifications_must_be_met() {
        let mut s = state();
        if let Some(p) = s.posts.get_mut(&2) {
            p.min_education = Some(Education::Master);
            p.min_service_years = 11;
        }
        // Bachelor < Master; 2010-07-01 → 2020-07-01 is 10 years < 11.
        assert_eq!(
            codes(&s, &prop(2, 101, 50, false)),
            vec!["post_education_low", "post_service_short"]
        );
        if let Some(p) = s.posts.get_mut(&2) {
            p.min_education = Some(Education::Bachelor);
            p.min_service_years = 10;
        }
        assert!(codes(&s, &prop(2, 101, 50, false)).is_empty());
    }

    #[test]
    fn one_chief_per_body() {
        let mut s = state();
        // A second chief post in body 10 cannot get a holder while post 1 has one.
        s.posts.insert(
            5,
            post(5, 10, PostLevel::Chief, PostKind::Administrative, 500),
        );
        assert_eq!(
            codes(&s, &prop(5, 101, 20, false)),
            vec!["post_chief_taken"]
        );
        assert_eq!(
            codes(&s, &prop(1, 101, 20, false)),
            vec!["post_chief_taken"]
        );
        // The same chief may hold the second chief post of the body (one chief).
        assert!(codes(&s, &prop(5, 100, 20, false)).is_empty());
        // Another body's chief post is free.
        assert!(codes(&s, &prop(4, 103, 20, false)).is_empty());
    }

    #[test]
    fn leaders_hold_no_middle_posts() {
        let mut s = state();
        if let Some(p) = s.people.get_mut(&101) {
            p.leader = true;
        }
        assert_eq!(
            codes(&s, &prop(3, 101, 20, false)),
            vec!["post_leader_middle"]
        );
        assert!(codes(&s, &prop(2, 101, 20, false)).is_empty());
    }

    #[test]
    fn person_on_post_post_active_and_no_duplicates() {
        let mut s = state();
        if let Some(p) = s.people.get_mut(&101) {
            p.on_post = false;
        }
        if let Some(p) = s.posts.get_mut(&2) {
            p.active = false;
        }
        assert_eq!(
            codes(&s, &prop(2, 101, 20, false)),
            vec!["post_inactive", "post_person_not_on_post"]
        );
        assert_eq!(codes(&s, &prop(1, 100, 10, false)), vec!["post_duplicate"]);
        assert_eq!(codes(&s, &prop(99, 100, 10, false)), vec!["not_found"]);
    }

    #[test]
    fn violations_name_field_and_args() {
        let s = state();
        let v = check_assignment(&s, &prop(2, 100, 30, false));
        let e = v[0].to_field_error();
        assert_eq!(e.field, "share_pct");
        assert!(e.args.contains(&("total".to_string(), "110".to_string())));
        assert!(s.violations().is_empty());
    }

    #[test]
    fn coverage_lists_vacant_posts_and_idle_people() {
        let mut s = state();
        if let Some(p) = s.posts.get_mut(&3) {
            p.active = false;
        }
        let c = coverage(&s);
        // Post 1 is held, post 3 inactive: 2 and 4 are vacant. Only 100 holds a post.
        assert_eq!(c.vacant_posts, vec![2, 4]);
        assert_eq!(c.idle_people, vec![101, 102, 103]);
        if let Some(p) = s.people.get_mut(&102) {
            p.on_post = false;
        }
        assert_eq!(coverage(&s).idle_people, vec![101, 103]);
    }
}
