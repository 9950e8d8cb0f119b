//! Registration and eligibility (报名 + 资格审查, RULES-SELECTION-APPRAISAL §1.3): a
//! [`PersonSnapshot`] checked against every rule of the plan for one offered post, every
//! reason returned (not only the first) as an [`Ineligibility`] with a stable code and its
//! parameters for the translated message; applications (choices, 服从调剂, nomination
//! modes); and the no-competition policy (形不成竞争, §1.3.2).
//!
//! | rule (§1.3.4) | code | source |
//! |---|---|---|
//! | a basic conditions | `selection_basic_conditions_unattested` | 条例 art. 7 [S3] |
//! | b identity, establishment, on post | `selection_identity_out_of_scope`, `selection_establishment_out_of_scope`, `selection_not_on_post`, `selection_subordinate_institution` | 暂行规定 art. 3 [S3] |
//! | 班子成员 | `selection_leadership_member` | seed; §1.2.3 |
//! | c/d max age | `selection_age_over` | [L] wnwk (正职 45); [K] (副职 40) |
//! | e education | `selection_education_low` | 条例 2019 art. 8(4) [S3] |
//! | f 正职 from 副职 | `selection_chief_requires_deputy`, `selection_deputy_years_short` | [L] wnwk; 条例 art. 8(3) [S3] |
//! | g service years | `selection_service_short` | [K] |
//! | h appraisals | `selection_appraisal_low`, `selection_appraisal_missing` | [L] |
//! | i sanction period | `selection_sanction_period` | 公务员法 art. 64 [S]; 事业单位人事管理条例 art. 29 [S] |
//! | j organisational handling | `selection_handling_period` | [K] — verify |
//! | k under investigation | `selection_under_investigation` | [K] |
//! | l probation | `selection_in_probation` | 公务员法 art. 34 [S] |
//! | m kinship post bar | `selection_kinship_sensitive_post`, `selection_kinship_same_body` | 公务员法 art. 74 [S] |

use std::collections::BTreeMap;

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use super::plan::{EligibilityRules, NoCompetitionPolicy, OfferedPost, Plan, PostKey};
use crate::FieldError;
use crate::error::Errors;
use crate::people::{EstablishmentKind, Identity, PersonId};
use crate::posts::{Education, PostLevel, service_years};

closed_lists!("selection/eligibility.toml");

impl AppraisalGrade {
    /// 称职/合格 or better (rule h).
    pub fn at_least_competent(self) -> bool {
        matches!(self, AppraisalGrade::Excellent | AppraisalGrade::Competent)
    }
}

impl MeasureKind {
    /// The influence period in months.
    pub fn months(self) -> u32 {
        match self {
            MeasureKind::Warning | MeasureKind::Admonition => 6,
            MeasureKind::Demerit | MeasureKind::PostAdjusted => 12,
            MeasureKind::MajorDemerit => 18,
            MeasureKind::Demotion | MeasureKind::Removal | MeasureKind::Demoted => 24,
        }
    }
    /// A disciplinary sanction (rule i), not an organisational handling (rule j).
    pub fn is_sanction(self) -> bool {
        !matches!(
            self,
            MeasureKind::Admonition | MeasureKind::PostAdjusted | MeasureKind::Demoted
        )
    }
}

/// A person's middle post now held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeldPost {
    pub key: PostKey,
    /// In this post level since (for the years as 中层副职, rule f).
    pub since: NaiveDate,
}

/// A sanction or handling and its start date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Measure {
    pub kind: MeasureKind,
    pub from: NaiveDate,
}

impl Measure {
    /// The first day after the influence period (`from` + months; chrono clamps to the end of
    /// a shorter month).
    pub fn until(self) -> Option<NaiveDate> {
        self.from
            .checked_add_months(Months::new(self.kind.months()))
    }
}

/// A relative of the person in the same unit (declared relation, §1.9.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Relative {
    pub person_id: PersonId,
    pub name: String,
    pub relation: Kinship,
    /// The relative is a 班子成员 (holds a 领导职务 in the agency).
    pub leader: bool,
    /// The middle post the relative holds, if any.
    pub middle_post: Option<PostKey>,
}

/// What the eligibility rules need to know of a person on the reference date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonSnapshot {
    pub person_id: PersonId,
    pub name: String,
    pub identity: Identity,
    pub establishment: EstablishmentKind,
    /// 在岗 (on post in this unit).
    pub on_post: bool,
    /// False for staff of a subordinate public institution (§1.1.4).
    pub in_agency: bool,
    pub birth: NaiveDate,
    pub work_start: Option<NaiveDate>,
    pub education: Education,
    /// 班子成员.
    pub leader: bool,
    pub held: Option<HeldPost>,
    /// (a) the 组织委员/HR attested the basic conditions (political, integrity, health).
    pub basic_conditions_attested: bool,
    /// Annual appraisals by year.
    pub appraisals: BTreeMap<i32, AppraisalGrade>,
    pub measures: Vec<Measure>,
    /// (k) 立案审查调查 not concluded.
    pub under_investigation: bool,
    /// (l) End of a new civil servant's probation (公务员法 art. 34: one year), if in it.
    pub probation_until: Option<NaiveDate>,
    pub relatives: Vec<Relative>,
}

/// Waivers recorded for one candidate (a reason and the approver are kept by the caller).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Waivers {
    /// "具有相关管理工作经验的，年龄可适当放宽" [L wnwk]: rules c/d are not applied.
    pub age: bool,
}

/// One reason a person is ineligible for a post.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ineligibility {
    /// The row of §1.3.4 (`a` … `m`), or `leader` for the 班子成员 exclusion.
    pub rule: &'static str,
    /// Stable code, translated as `err.<code>`.
    pub code: &'static str,
    pub args: Vec<(String, String)>,
}

impl Ineligibility {
    fn new(rule: &'static str, code: &'static str) -> Self {
        Self {
            rule,
            code,
            args: Vec::new(),
        }
    }
    fn with(mut self, k: &str, v: impl ToString) -> Self {
        self.args.push((k.to_string(), v.to_string()));
        self
    }
    /// As a form error on field `person`.
    pub fn to_field_error(&self) -> FieldError {
        let mut e = FieldError::new("person", self.code);
        e.args = self.args.clone();
        e
    }
}

/// Age in full years on `on` (the birthday itself counts: born 1981-02-28 is 45 on
/// 2026-02-28; born on 29 February, the birthday of a common year is 1 March).
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> i64 {
    service_years(Some(birth), on)
}

/// Every reason `p` may not apply for `post` on `on` (the registration deadline), in the
/// order of §1.3.4. Empty: eligible.
pub fn check(
    rules: &EligibilityRules,
    post: &OfferedPost,
    p: &PersonSnapshot,
    on: NaiveDate,
    waivers: Waivers,
) -> Vec<Ineligibility> {
    let mut out = Vec::new();
    // a
    if !p.basic_conditions_attested {
        out.push(Ineligibility::new(
            "a",
            "selection_basic_conditions_unattested",
        ));
    }
    // b
    if !rules.identities.contains(&p.identity) {
        out.push(
            Ineligibility::new("b", "selection_identity_out_of_scope")
                .with("identity", p.identity.code()),
        );
    }
    if !rules.establishment_kinds.contains(&p.establishment) {
        out.push(
            Ineligibility::new("b", "selection_establishment_out_of_scope")
                .with("kind", p.establishment.code()),
        );
    }
    if !p.on_post {
        out.push(Ineligibility::new("b", "selection_not_on_post"));
    }
    if !p.in_agency && !rules.admit_subordinate_institutions {
        out.push(Ineligibility::new("b", "selection_subordinate_institution"));
    }
    // 班子成员 (seed; §1.2.3)
    if p.leader {
        out.push(Ineligibility::new("leader", "selection_leadership_member"));
    }
    // c / d
    let max_age = match post.level {
        PostLevel::Chief => rules.max_age_chief,
        _ => rules.max_age_deputy,
    };
    if let Some(max) = max_age
        && !waivers.age
    {
        let age = age_on(p.birth, on);
        let over = if rules.age_limit_inclusive {
            age > i64::from(max)
        } else {
            age >= i64::from(max)
        };
        if over {
            out.push(
                Ineligibility::new(
                    if post.level == PostLevel::Chief {
                        "c"
                    } else {
                        "d"
                    },
                    "selection_age_over",
                )
                .with("age", age)
                .with("max", max),
            );
        }
    }
    // e
    if p.education < rules.min_education {
        out.push(
            Ineligibility::new("e", "selection_education_low")
                .with("education", p.education.code())
                .with("min", rules.min_education.code()),
        );
    }
    // f / g
    let years = service_years(p.work_start, on);
    let held_level = p.held.map(|h| h.key.level);
    if post.level == PostLevel::Chief {
        match (held_level, p.held) {
            (Some(PostLevel::Chief), _) => {}
            (Some(PostLevel::Deputy), Some(h)) => {
                let as_deputy = service_years(Some(h.since), on);
                if as_deputy < i64::from(rules.min_deputy_years_for_chief) {
                    out.push(
                        Ineligibility::new("f", "selection_deputy_years_short")
                            .with("years", as_deputy)
                            .with("min", rules.min_deputy_years_for_chief),
                    );
                }
            }
            _ if rules.chief_requires_deputy => {
                out.push(Ineligibility::new("f", "selection_chief_requires_deputy"));
            }
            _ => {
                if years < i64::from(rules.min_service_years_chief) {
                    out.push(
                        Ineligibility::new("g", "selection_service_short")
                            .with("years", years)
                            .with("min", rules.min_service_years_chief),
                    );
                }
            }
        }
    } else if years < i64::from(rules.min_service_years_deputy) {
        out.push(
            Ineligibility::new("g", "selection_service_short")
                .with("years", years)
                .with("min", rules.min_service_years_deputy),
        );
    }
    // h: the last N full years before the reference year.
    for y in (on.year() - rules.appraisal_years as i32)..on.year() {
        match p.appraisals.get(&y) {
            None => {
                out.push(Ineligibility::new("h", "selection_appraisal_missing").with("year", y))
            }
            Some(g) if !g.at_least_competent() => out.push(
                Ineligibility::new("h", "selection_appraisal_low")
                    .with("year", y)
                    .with("grade", g.code()),
            ),
            Some(_) => {}
        }
    }
    // i / j: within the influence period on the reference date.
    for m in &p.measures {
        let until = m.until();
        if m.from <= on && until.is_none_or(|u| on < u) {
            let (rule, code) = if m.kind.is_sanction() {
                ("i", "selection_sanction_period")
            } else {
                ("j", "selection_handling_period")
            };
            let mut r = Ineligibility::new(rule, code).with("kind", m.kind.code());
            if let Some(u) = until {
                r = r.with("until", u);
            }
            out.push(r);
        }
    }
    // k
    if p.under_investigation {
        out.push(Ineligibility::new("k", "selection_under_investigation"));
    }
    // l
    if let Some(u) = p.probation_until
        && on < u
    {
        out.push(Ineligibility::new("l", "selection_in_probation").with("until", u));
    }
    // m
    out.extend(post_bar(post, &p.relatives));
    out
}

/// Rule (m), 任职回避 (§1.9.2; 公务员法 art. 74 [S]): no post directly under or over a
/// relative in the same body; no 组织/人事/纪检/监察/审计/财务 post (`post.sensitive`)
/// where a relative holds a 领导职务 (班子成员) in the agency. `relatives`: those of the
/// same agency. Also checked at appointment.
pub fn post_bar(post: &OfferedPost, relatives: &[Relative]) -> Vec<Ineligibility> {
    let mut out = Vec::new();
    for r in relatives {
        if post.sensitive && r.leader {
            out.push(
                Ineligibility::new("m", "selection_kinship_sensitive_post")
                    .with("relative", &r.name)
                    .with("relation", r.relation.code()),
            );
        }
        if r.middle_post.is_some_and(|k| k.body_id == post.body_id) {
            out.push(
                Ineligibility::new("m", "selection_kinship_same_body")
                    .with("relative", &r.name)
                    .with("relation", r.relation.code()),
            );
        }
    }
    out
}

/// An application (报名): posts in priority order, the 服从调剂 flag, the nomination.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Application {
    pub person_id: PersonId,
    pub choices: Vec<PostKey>,
    /// "服从组织安排/服从调剂".
    pub obey_adjustment: bool,
    pub nomination: Nomination,
    /// Signers of a joint nomination.
    pub signers: u32,
}

/// Checks an application against the plan. Errors: `choices`/`required`|`too_many` (arg
/// `max`), `choices[i]`/`choice_invalid`|`duplicate`, `obey_adjustment`/
/// `selection_adjustment_not_allowed`, `signers`/`selection_joint_signers_short` (arg `min`).
pub fn validate_application(plan: &Plan, a: &Application) -> Result<(), Vec<FieldError>> {
    let mut errs = Errors::new();
    if a.choices.is_empty() {
        errs.push(FieldError::new("choices", "required"));
    }
    if a.choices.len() > plan.max_choices as usize {
        errs.push(FieldError::new("choices", "too_many").with("max", plan.max_choices));
    }
    for (i, c) in a.choices.iter().enumerate() {
        if plan.post(*c).is_none() {
            errs.push(FieldError::new(format!("choices[{i}]"), "choice_invalid"));
        }
        if a.choices[..i].contains(c) {
            errs.push(FieldError::new(format!("choices[{i}]"), "duplicate"));
        }
    }
    if a.obey_adjustment && !plan.obey_adjustment_allowed {
        errs.push(FieldError::new(
            "obey_adjustment",
            "selection_adjustment_not_allowed",
        ));
    }
    if a.nomination == Nomination::Joint && a.signers < plan.min_joint_signers {
        errs.push(
            FieldError::new("signers", "selection_joint_signers_short")
                .with("min", plan.min_joint_signers),
        );
    }
    errs.into_result()
}

/// One post after the review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PostCompetition {
    pub key: PostKey,
    pub seats: u32,
    pub eligible: u32,
    pub outcome: CompetitionOutcome,
}

/// The outcome of every offered post, given the number of eligible applicants who list it
/// (at any rank of their choices). A post competes with at least `seats + 1` eligible
/// applicants; below that, the plan's [`NoCompetitionPolicy`] applies; with none, the post
/// is vacant.
pub fn competition(plan: &Plan, eligible: &BTreeMap<PostKey, u32>) -> Vec<PostCompetition> {
    plan.posts
        .iter()
        .map(|p| {
            let n = eligible.get(&p.key()).copied().unwrap_or(0);
            let outcome = if n > p.seats {
                CompetitionOutcome::Competitive
            } else if n == 0 {
                CompetitionOutcome::Vacant
            } else {
                match plan.no_competition {
                    NoCompetitionPolicy::DropAndReopen => CompetitionOutcome::Dropped,
                    NoCompetitionPolicy::ProceedWithFloor => CompetitionOutcome::ProceedWithFloor,
                }
            };
            PostCompetition {
                key: p.key(),
                seats: p.seats,
                eligible: n,
                outcome,
            }
        })
        .collect()
}

/// Counts, per offered post, the applicants eligible for it (each application's choices;
/// `eligible(person, post)` is the caller's result of [`check`]).
pub fn eligible_counts(
    applications: &[Application],
    mut eligible: impl FnMut(PersonId, PostKey) -> bool,
) -> BTreeMap<PostKey, u32> {
    let mut out = BTreeMap::new();
    for a in applications {
        for c in &a.choices {
            if eligible(a.person_id, *c) {
                *out.entry(*c).or_insert(0) += 1;
            }
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::org::BodyId;
    use crate::selection::plan::tests::{plan, post};
    use crate::selection::test_util::date;

    fn person() -> PersonSnapshot {
        PersonSnapshot {
            person_id: PersonId(1),
            name: "张三".into(),
            identity: Identity::CivilServant,
            establishment: EstablishmentKind::Administrative,
            on_post: true,
            in_agency: true,
            birth: date("1990-06-01"),
            work_start: Some(date("2008-07-01")),
            education: Education::Bachelor,
            leader: false,
            held: None,
            basic_conditions_attested: true,
            appraisals: [
                (2023, AppraisalGrade::Competent),
                (2024, AppraisalGrade::Excellent),
                (2025, AppraisalGrade::Competent),
            ]
            .into_iter()
            .collect(),
            measures: vec![],
            under_investigation: false,
            probation_until: None,
            relatives: vec![],
        }
    }

    const ON: &str = "2026-02-28";

    /// Every reason of `p` for `post` under the default rules on the reference date.
    fn found(p: &PersonSnapshot, post: &OfferedPost) -> Vec<Ineligibility> {
        check(
            &EligibilityRules::default(),
            post,
            p,
            date(ON),
            Waivers::default(),
        )
    }

    fn reasons(p: &PersonSnapshot, post: &OfferedPost) -> Vec<&'static str> {
        found(p, post).into_iter().map(|r| r.code).collect()
    }

    /// The eligible person with one sanction or handling from `from`.
    fn measured(kind: MeasureKind, from: &str) -> PersonSnapshot {
        PersonSnapshot {
            measures: vec![Measure {
                kind,
                from: date(from),
            }],
            ..person()
        }
    }

    fn chief() -> OfferedPost {
        post(1, PostLevel::Chief, 1)
    }
    fn deputy() -> OfferedPost {
        post(1, PostLevel::Deputy, 1)
    }

    #[test]
    fn eligible_person_has_no_reason() {
        assert!(reasons(&person(), &chief()).is_empty());
        assert!(reasons(&person(), &deputy()).is_empty());
    }

    #[test]
    fn rule_a_basic_conditions() {
        let p = PersonSnapshot {
            basic_conditions_attested: false,
            ..person()
        };
        assert_eq!(
            reasons(&p, &deputy()),
            ["selection_basic_conditions_unattested"]
        );
    }

    #[test]
    fn rule_b_identity_establishment_on_post_agency() {
        let p = PersonSnapshot {
            identity: Identity::ContractWorker,
            establishment: EstablishmentKind::None,
            on_post: false,
            in_agency: false,
            ..person()
        };
        assert_eq!(
            reasons(&p, &deputy()),
            [
                "selection_identity_out_of_scope",
                "selection_establishment_out_of_scope",
                "selection_not_on_post",
                "selection_subordinate_institution"
            ]
        );
        // §1.1.4: a plan may admit subordinate institutions.
        let rules = EligibilityRules {
            admit_subordinate_institutions: true,
            ..EligibilityRules::default()
        };
        let p = PersonSnapshot {
            identity: Identity::InstitutionCadre,
            establishment: EstablishmentKind::Institution,
            in_agency: false,
            ..person()
        };
        assert!(check(&rules, &deputy(), &p, date(ON), Waivers::default()).is_empty());
    }

    #[test]
    fn leadership_members_are_excluded() {
        let p = PersonSnapshot {
            leader: true,
            ..person()
        };
        let r = found(&p, &chief());
        assert_eq!(r.len(), 1);
        assert_eq!(
            (r[0].rule, r[0].code),
            ("leader", "selection_leadership_member")
        );
    }

    /// §1.3.4 vectors: born 1981-03-01, reference 2026-02-28 → 44 → eligible; born
    /// 1981-02-28 → 45 → ineligible (`age_limit_inclusive = false`).
    #[test]
    fn vector_1_3_4_rule_c_age() {
        assert_eq!(age_on(date("1981-03-01"), date(ON)), 44);
        assert_eq!(age_on(date("1981-02-28"), date(ON)), 45);
        let young = PersonSnapshot {
            birth: date("1981-03-01"),
            ..person()
        };
        assert!(reasons(&young, &chief()).is_empty());
        let old = PersonSnapshot {
            birth: date("1981-02-28"),
            ..person()
        };
        let r = found(&old, &chief());
        assert_eq!((r[0].rule, r[0].code), ("c", "selection_age_over"));
        assert_eq!(
            r[0].args,
            vec![("age".into(), "45".into()), ("max".into(), "45".into())]
        );
        // Inclusive reading admits 45; a waiver skips the rule.
        let incl = EligibilityRules {
            age_limit_inclusive: true,
            ..EligibilityRules::default()
        };
        assert!(check(&incl, &chief(), &old, date(ON), Waivers::default()).is_empty());
        assert!(
            check(
                &EligibilityRules::default(),
                &chief(),
                &old,
                date(ON),
                Waivers { age: true }
            )
            .is_empty()
        );
        // 29 February: 45 on 1 March of a common year.
        assert_eq!(age_on(date("1980-02-29"), date("2025-02-28")), 44);
        assert_eq!(age_on(date("1980-02-29"), date("2025-03-01")), 45);
    }

    #[test]
    fn rule_d_deputy_age() {
        let p = PersonSnapshot {
            birth: date("1986-02-28"), // 40 on the reference date
            ..person()
        };
        assert_eq!(reasons(&p, &deputy()), ["selection_age_over"]);
        assert!(reasons(&p, &chief()).is_empty());
    }

    #[test]
    fn rule_e_education() {
        let p = PersonSnapshot {
            education: Education::Secondary,
            ..person()
        };
        assert_eq!(reasons(&p, &deputy()), ["selection_education_low"]);
        let p = PersonSnapshot {
            education: Education::College,
            ..person()
        };
        assert!(reasons(&p, &deputy()).is_empty());
    }

    fn held(level: PostLevel, since: &str) -> Option<HeldPost> {
        Some(HeldPost {
            key: PostKey {
                body_id: BodyId(9),
                level,
            },
            since: date(since),
        })
    }

    #[test]
    fn rule_f_chief_from_deputy() {
        // Two full years as deputy on the reference date: eligible; one day short: not.
        let p = PersonSnapshot {
            held: held(PostLevel::Deputy, "2024-02-28"),
            ..person()
        };
        assert!(reasons(&p, &chief()).is_empty());
        let p = PersonSnapshot {
            held: held(PostLevel::Deputy, "2024-02-29"),
            ..person()
        };
        assert_eq!(reasons(&p, &chief()), ["selection_deputy_years_short"]);
        // A plan that opens 正职 posts only to 副职.
        let rules = EligibilityRules {
            chief_requires_deputy: true,
            ..EligibilityRules::default()
        };
        let r = check(&rules, &chief(), &person(), date(ON), Waivers::default());
        assert_eq!(r[0].code, "selection_chief_requires_deputy");
        let p = PersonSnapshot {
            held: held(PostLevel::Chief, "2025-01-01"),
            ..person()
        };
        assert!(check(&rules, &chief(), &p, date(ON), Waivers::default()).is_empty());
    }

    #[test]
    fn rule_g_service_years() {
        // 4 years of work: enough for a deputy post (3), not for a chief post (5).
        let p = PersonSnapshot {
            work_start: Some(date("2022-01-01")),
            ..person()
        };
        assert!(reasons(&p, &deputy()).is_empty());
        assert_eq!(reasons(&p, &chief()), ["selection_service_short"]);
        let p = PersonSnapshot {
            work_start: Some(date("2023-03-01")), // 2 years 11 months
            ..person()
        };
        assert_eq!(reasons(&p, &deputy()), ["selection_service_short"]);
        let p = PersonSnapshot {
            work_start: None,
            ..person()
        };
        assert_eq!(reasons(&p, &deputy()), ["selection_service_short"]);
    }

    #[test]
    fn rule_h_appraisals() {
        let mut p = person();
        p.appraisals.insert(2024, AppraisalGrade::Basic);
        p.appraisals.remove(&2025);
        let r = found(&p, &deputy());
        let got: Vec<_> = r.iter().map(|x| (x.code, x.args.clone())).collect();
        assert_eq!(
            got,
            vec![
                (
                    "selection_appraisal_low",
                    vec![
                        ("year".into(), "2024".into()),
                        ("grade".into(), "basic".into())
                    ]
                ),
                (
                    "selection_appraisal_missing",
                    vec![("year".into(), "2025".into())]
                ),
            ]
        );
        // 2022 is outside the last three years.
        let mut p = person();
        p.appraisals.insert(2022, AppraisalGrade::Incompetent);
        assert!(reasons(&p, &deputy()).is_empty());
    }

    #[test]
    fn rule_i_sanction_period() {
        // 记过 from 2025-03-01: 12 months → until 2026-03-01, still running on 2026-02-28.
        let p = measured(MeasureKind::Demerit, "2025-03-01");
        let r = found(&p, &deputy());
        assert_eq!((r[0].rule, r[0].code), ("i", "selection_sanction_period"));
        assert!(r[0].args.contains(&("until".into(), "2026-03-01".into())));
        // 警告 from 2025-08-28: 6 months end 2026-02-28, the reference date → over.
        let p = measured(MeasureKind::Warning, "2025-08-28");
        assert!(reasons(&p, &deputy()).is_empty());
        assert_eq!(MeasureKind::MajorDemerit.months(), 18);
        assert_eq!(MeasureKind::Removal.months(), 24);
    }

    #[test]
    fn rule_j_organisational_handling() {
        let p = measured(MeasureKind::Admonition, "2025-12-01");
        let r = found(&p, &deputy());
        assert_eq!((r[0].rule, r[0].code), ("j", "selection_handling_period"));
        // A handling decided after the reference date does not count.
        let p = measured(MeasureKind::Demoted, "2026-03-01");
        assert!(reasons(&p, &deputy()).is_empty());
    }

    #[test]
    fn rule_k_investigation() {
        let p = PersonSnapshot {
            under_investigation: true,
            ..person()
        };
        assert_eq!(reasons(&p, &deputy()), ["selection_under_investigation"]);
    }

    #[test]
    fn rule_l_probation() {
        let p = PersonSnapshot {
            probation_until: Some(date("2026-03-01")),
            ..person()
        };
        assert_eq!(reasons(&p, &deputy()), ["selection_in_probation"]);
        let p = PersonSnapshot {
            probation_until: Some(date(ON)),
            ..person()
        };
        assert!(reasons(&p, &deputy()).is_empty());
    }

    /// §1.9.2 test: a candidate whose spouse is a 班子成员 cannot head 财政所 (finance).
    #[test]
    fn rule_m_kinship_post_bar() {
        let spouse_leader = Relative {
            person_id: PersonId(2),
            name: "李四".into(),
            relation: Kinship::Spouse,
            leader: true,
            middle_post: None,
        };
        let p = PersonSnapshot {
            relatives: vec![spouse_leader],
            ..person()
        };
        let finance = OfferedPost {
            sensitive: true,
            ..chief()
        };
        assert_eq!(reasons(&p, &finance), ["selection_kinship_sensitive_post"]);
        assert!(reasons(&p, &chief()).is_empty());
        // A brother heading the same body: no deputy post under him.
        let brother = Relative {
            person_id: PersonId(3),
            name: "张五".into(),
            relation: Kinship::Collateral,
            leader: false,
            middle_post: Some(PostKey {
                body_id: BodyId(1),
                level: PostLevel::Chief,
            }),
        };
        let p = PersonSnapshot {
            relatives: vec![brother],
            ..person()
        };
        assert_eq!(reasons(&p, &deputy()), ["selection_kinship_same_body"]);
        assert!(reasons(&p, &post(2, PostLevel::Deputy, 1)).is_empty());
    }

    #[test]
    fn every_reason_is_returned_at_once() {
        let p = PersonSnapshot {
            leader: true,
            education: Education::Junior,
            under_investigation: true,
            birth: date("1970-01-01"),
            ..person()
        };
        assert_eq!(
            reasons(&p, &chief()),
            [
                "selection_leadership_member",
                "selection_age_over",
                "selection_education_low",
                "selection_under_investigation"
            ]
        );
        let e = found(&p, &chief())[1].to_field_error();
        assert_eq!(
            (e.field.as_str(), e.code.as_str()),
            ("person", "selection_age_over")
        );
    }

    #[test]
    fn applications_are_validated() {
        let pl = plan();
        let key = pl.posts[0].key();
        let ok = Application {
            person_id: PersonId(1),
            choices: vec![key],
            obey_adjustment: true,
            nomination: Nomination::SelfNominated,
            signers: 0,
        };
        assert_eq!(validate_application(&pl, &ok), Ok(()));
        let bad = Application {
            choices: vec![
                key,
                key,
                PostKey {
                    body_id: BodyId(99),
                    level: PostLevel::Chief,
                },
            ],
            nomination: Nomination::Joint,
            signers: 4,
            ..ok.clone()
        };
        let mut no_adjust = pl.clone();
        no_adjust.obey_adjustment_allowed = false;
        let e: Vec<_> = validate_application(&no_adjust, &bad)
            .unwrap_err()
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect();
        let want = [
            ("choices", "too_many"),
            ("choices[1]", "duplicate"),
            ("choices[2]", "choice_invalid"),
            ("obey_adjustment", "selection_adjustment_not_allowed"),
            ("signers", "selection_joint_signers_short"),
        ];
        for (f, c) in want {
            assert!(e.contains(&(f.into(), c.into())), "{f} {c}: {e:?}");
        }
        let empty = Application {
            choices: vec![],
            ..ok
        };
        assert_eq!(
            validate_application(&pl, &empty).unwrap_err()[0].code,
            "required"
        );
    }

    /// §1.3.2: fewer eligible applicants than seats + 1 → the plan's policy.
    #[test]
    fn no_competition_policy() {
        let mut pl = plan(); // chief 1 seat, deputy 2 seats, chief of body 2 (1 seat)
        let k: Vec<PostKey> = pl.posts.iter().map(|p| p.key()).collect();
        let apps: Vec<Application> = (1..=6)
            .map(|i| Application {
                person_id: PersonId(i),
                choices: match i {
                    1 | 2 => vec![k[0]],
                    3..=5 => vec![k[1]],
                    _ => vec![k[1], k[0]],
                },
                obey_adjustment: false,
                nomination: Nomination::SelfNominated,
                signers: 0,
            })
            .collect();
        // Person 5 is ineligible everywhere.
        let counts = eligible_counts(&apps, |p, _| p != PersonId(5));
        assert_eq!(counts.get(&k[0]), Some(&3));
        assert_eq!(counts.get(&k[1]), Some(&3)); // 3, 4, 6: seats 2 + 1 → competitive
        let out = competition(&pl, &counts);
        assert_eq!(out[0].outcome, CompetitionOutcome::Competitive);
        assert_eq!(out[1].outcome, CompetitionOutcome::Competitive);
        assert_eq!(out[2].outcome, CompetitionOutcome::Vacant);
        // Two eligible for two deputy seats: no competition.
        let counts = eligible_counts(&apps, |p, _| p != PersonId(5) && p != PersonId(6));
        let out = competition(&pl, &counts);
        assert_eq!(
            (out[1].eligible, out[1].outcome),
            (2, CompetitionOutcome::Dropped)
        );
        pl.no_competition = NoCompetitionPolicy::ProceedWithFloor;
        let out = competition(&pl, &counts);
        assert_eq!(out[1].outcome, CompetitionOutcome::ProceedWithFloor);
        // Exactly seats + 1 competes (chief: 1 seat, 2 eligible).
        let counts: BTreeMap<PostKey, u32> = [(k[0], 2)].into_iter().collect();
        assert_eq!(
            competition(&pl, &counts)[0].outcome,
            CompetitionOutcome::Competitive
        );
        let counts: BTreeMap<PostKey, u32> = [(k[0], 1)].into_iter().collect();
        assert_eq!(
            competition(&pl, &counts)[0].outcome,
            CompetitionOutcome::ProceedWithFloor
        );
    }
}
