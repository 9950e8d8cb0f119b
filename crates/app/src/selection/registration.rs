//! Registration and eligibility review (报名, 资格审查; issue 13 point 2,
//! RULES-SELECTION-APPRAISAL §1.3).
//!
//! - Staff register themselves (`SelectionRegister`, a phone page) for a *published*
//!   campaign version until its registration deadline, with their choices in priority order
//!   and 服从调剂 if the plan allows it (§1.3.1); the HR office (`SelectionManage`)
//!   recommends people (组织推荐, 群众联名推荐 with the plan's minimum signers, §1.6.7).
//! - Every rule of §1.3.4 is checked by the domain's [`eligibility::check`] against a
//!   snapshot taken from the roster (identity, establishment kind, status, birth date, work
//!   start, education, 班子成员, the middle post held and since when) and from the facts the
//!   HR office records at review (basic conditions attested (a), the last annual appraisals
//!   (h), sanctions and handling (i, j), investigation (k)); each reason is shown. For (h)
//!   the grades of the appraisal module's closed annual cycles win over the HR office's
//!   entry of the same year ([`App::with_appraisal_results`]); its entries stay the
//!   fallback for the other years.
//! - The HR office confirms (an application with no choice eligible is refused with its
//!   reasons) or rejects with a reason. The posts' outcome after the review follows the
//!   plan's no-competition policy ([`eligibility::competition`], §1.3.2).
//! - Rule (l): a civil servant's probation end (试用期满日期, recorded on the person) after
//!   the reference date. Rule (m): the relations declared on the person page (亲属关系,
//!   people module) with people of the same unit, each with their 班子成员 flag and the
//!   middle post they hold ([`App::kin_for_rules`]); the domain bars a sensitive post
//!   (组织/人事/纪检/监察/审计/财务, [`super::campaign::sensitive_body`]) when a relative
//!   is a 班子成员 and any post of a body where a relative holds a middle post.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use jiguan_domain::FieldError;
use jiguan_domain::appraisal::CycleId;
use jiguan_domain::audit::{AuditAction, ObjectKind};
use jiguan_domain::auth::{Action, Actor};
use jiguan_domain::error::Errors;
use jiguan_domain::org::BodyId;
use jiguan_domain::people::{PersonId, Status as PersonStatus};
use jiguan_domain::posts::{Education, PostLevel};
use jiguan_domain::selection::eligibility::{
    self, Application, AppraisalGrade, HeldPost, Ineligibility, Measure, MeasureKind, Nomination,
    PersonSnapshot, PostCompetition, Waivers,
};
use jiguan_domain::selection::plan::PostKey;
use jiguan_domain::selection::{ApplicationId, CampaignId};
use jiguan_domain::tenancy::UnitId;
use jiguan_domain::workflow::Status;

use super::campaign::{CampaignAt, CampaignRecord};
use super::scoring::{PostCandidates, candidates_of};
use crate::appraisal::YearRecord;
use crate::people::PersonRecord;
use crate::ports::Scoped;
use crate::{App, AppError, AppResult};

pub use jiguan_domain::selection::ApplicationStatus;

/// A review as recorded: the decision, the facts and the note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewWrite {
    pub status: ApplicationStatus,
    pub facts: ReviewFacts,
    pub note: String,
}

/// What the HR office records at review: the facts the roster does not hold.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewFacts {
    /// (a) basic conditions (political, integrity, health) attested by the 组织委员/HR.
    pub basic_conditions_attested: bool,
    /// (h) annual appraisals by year.
    pub appraisals: BTreeMap<i32, AppraisalGrade>,
    /// (i, j) sanctions and organisational handling with their start dates.
    pub measures: Vec<Measure>,
    /// (k) 立案审查调查 not concluded.
    pub under_investigation: bool,
}

/// An application as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApplicationRecord {
    pub id: ApplicationId,
    /// The published plan version applied to (what the review cites).
    pub campaign_id: CampaignId,
    pub person_id: i64,
    pub choices: Vec<PostKey>,
    pub obey_adjustment: bool,
    pub nomination: Nomination,
    pub signers: u32,
    pub status: ApplicationStatus,
    pub review: ReviewFacts,
    /// The rejection reason.
    pub note: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub reviewed_by: String,
    pub reviewed_at: Option<DateTime<Utc>>,
}

/// An application as written (inserted, or replacing the person's pending one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationWrite {
    pub person_id: i64,
    pub choices: Vec<PostKey>,
    pub obey_adjustment: bool,
    pub nomination: Nomination,
    pub signers: u32,
}

/// A registration as the phone page, the API or the HR office sends it.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct RegisterForm {
    /// Choices in priority order, each `<body id>:<chief|deputy>`; empty ones are skipped.
    pub choices: Vec<String>,
    /// `true` / `on`: 服从调剂.
    pub obey_adjustment: String,
    /// HR only: the person recommended.
    pub person_id: String,
    /// HR only: `organisation` (default) or `joint`.
    pub nomination: String,
    /// HR only: signers of a joint nomination.
    pub signers: String,
}

/// The review as the HR office sends it.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ReviewForm {
    /// `confirm` or `reject`.
    pub decision: String,
    /// `true` / `on`: basic conditions attested (a).
    pub basic_conditions_attested: String,
    /// Appraisals as `2023:称职,2024:优秀,2025:称职` (h).
    pub appraisals: String,
    /// Measures as `记过:2025-06-01` (i, j), comma separated.
    pub measures: String,
    /// `true` / `on`: under investigation (k).
    pub under_investigation: String,
    /// The reason of a rejection.
    pub note: String,
}

/// One application with its person and the reasons per choice.
#[derive(Debug, Clone, Serialize)]
pub struct ApplicationView {
    pub application: ApplicationRecord,
    pub name: String,
    /// Per choice: the post's key, its label, and every reason it is refused (empty: eligible).
    pub checks: Vec<(PostKey, String, Vec<Ineligibility>)>,
}

/// A campaign's applications after the review, with each post's outcome.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewView {
    pub campaign: CampaignRecord,
    pub applications: Vec<ApplicationView>,
    /// Counted on the eligible choices of applications not rejected (pending ones on the
    /// roster rules only).
    pub posts: Vec<PostCompetition>,
}

fn on(v: &str) -> bool {
    matches!(v.trim(), "true" | "on" | "1" | "是")
}

/// The post label `党政综合办公室 中层正职`.
pub fn post_label(c: &CampaignRecord, k: PostKey) -> String {
    let body = c
        .plan
        .post(k)
        .map(|p| p.body_name.clone())
        .unwrap_or_else(|| k.body_id.0.to_string());
    format!("{body} {}", k.level.zh())
}

fn parse_choices(errs: &mut Errors, raw: &[String]) -> Vec<PostKey> {
    let mut out = Vec::new();
    for (i, c) in raw
        .iter()
        .map(|c| c.trim())
        .filter(|c| !c.is_empty())
        .enumerate()
    {
        let key = c.split_once(':').and_then(|(b, l)| {
            Some(PostKey {
                body_id: BodyId(b.trim().parse().ok()?),
                level: PostLevel::from_code(l.trim())?,
            })
        });
        match key {
            Some(k) => out.push(k),
            None => errs.push(FieldError::new(format!("choices[{i}]"), "choice_invalid")),
        }
    }
    out
}

fn parse_review(f: &ReviewForm) -> Result<ReviewFacts, Vec<FieldError>> {
    let mut errs = Errors::new();
    let mut appraisals = BTreeMap::new();
    for part in f.appraisals.split([',', '，', ';', '；']).map(str::trim) {
        if part.is_empty() {
            continue;
        }
        let parsed = part.split_once([':', '：']).and_then(|(y, g)| {
            Some((
                y.trim().parse::<i32>().ok()?,
                AppraisalGrade::from_code(g.trim())?,
            ))
        });
        match parsed {
            Some((y, g)) => {
                appraisals.insert(y, g);
            }
            None => errs.push(FieldError::new("appraisals", "selection_appraisal_format")),
        }
    }
    let mut measures = Vec::new();
    for part in f.measures.split([',', '，', ';', '；']).map(str::trim) {
        if part.is_empty() {
            continue;
        }
        let parsed = part.split_once([':', '：']).and_then(|(k, d)| {
            Some(Measure {
                kind: MeasureKind::from_code(k.trim())?,
                from: d.trim().parse::<NaiveDate>().ok()?,
            })
        });
        match parsed {
            Some(m) => measures.push(m),
            None => errs.push(FieldError::new("measures", "selection_measure_format")),
        }
    }
    errs.into_result()?;
    Ok(ReviewFacts {
        basic_conditions_attested: on(&f.basic_conditions_attested),
        appraisals,
        measures,
        under_investigation: on(&f.under_investigation),
    })
}

impl App {
    /// The published campaigns of the unit whose registration is still open (a staff
    /// member's list; SelectionRegister or SelectionManage).
    pub async fn camp_open(&self, actor: &Actor, unit: UnitId) -> AppResult<Vec<CampaignRecord>> {
        if !actor.can(Action::SelectionRegister) {
            self.require_unit(actor, Action::SelectionManage, unit)
                .await?;
        } else {
            self.require_unit(actor, Action::SelectionRegister, unit)
                .await?;
        }
        let today = self.sel_today();
        Ok(self
            .store
            .camp_list(actor.district_id, unit)
            .await?
            .into_iter()
            .filter(|c| c.status == Status::Applied && c.plan.registration_deadline >= today)
            .collect())
    }

    /// The person an account registers as: linked to the account, in the actor's unit.
    async fn registrant(&self, actor: &Actor, unit: UnitId) -> AppResult<PersonRecord> {
        let user = self
            .store
            .get_user(actor.district_id, actor.user_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let pid = user
            .person_id
            .ok_or_else(|| FieldError::new("person", "selection_no_person"))?;
        self.store
            .get_person(actor.district_id, pid)
            .await?
            .filter(|p| p.unit_id == unit)
            .ok_or_else(|| FieldError::new("person", "selection_no_person").into())
    }

    async fn save_application(
        &self,
        actor: &Actor,
        unit: UnitId,
        c: &CampaignRecord,
        w: ApplicationWrite,
    ) -> AppResult<ApplicationId> {
        if self.sel_today() > c.plan.registration_deadline {
            return Err(FieldError::new("campaign", "selection_registration_closed")
                .with("date", c.plan.registration_deadline)
                .into());
        }
        let a = Application {
            person_id: PersonId(w.person_id),
            choices: w.choices.clone(),
            obey_adjustment: w.obey_adjustment,
            nomination: w.nomination,
            signers: w.signers,
        };
        eligibility::validate_application(&c.plan, &a)?;
        let audit = self
            .audit(actor)
            .unit(unit)
            .did(AuditAction::SelectionApplicationSave)
            .on(ObjectKind::SelectionCampaign, c.id.0)
            .after(&a);
        Ok(self
            .store
            .app_save(CampaignAt::of(actor, unit, c.id), &w, audit)
            .await?)
    }

    /// A staff member registers for a published campaign (SelectionRegister): as the person
    /// linked to the account, until the registration deadline; replaces a pending
    /// application of the same person. Errors: `choices…`, `obey_adjustment`,
    /// `campaign`/`selection_registration_closed`|`selection_not_published`,
    /// `person`/`selection_no_person`|`selection_application_reviewed`.
    pub async fn camp_register(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: CampaignId,
        f: &RegisterForm,
    ) -> AppResult<ApplicationId> {
        let c = self
            .published_for(actor, Action::SelectionRegister, unit, id)
            .await?;
        let p = self.registrant(actor, unit).await?;
        let mut errs = Errors::new();
        let choices = parse_choices(&mut errs, &f.choices);
        errs.into_result()?;
        let w = ApplicationWrite {
            person_id: p.id,
            choices,
            obey_adjustment: on(&f.obey_adjustment),
            nomination: Nomination::SelfNominated,
            signers: 0,
        };
        self.save_application(actor, unit, &c, w).await
    }

    /// The HR office recommends a person of the unit (SelectionManage): 组织推荐, or 群众联名
    ///推荐 with the plan's minimum signers.
    pub async fn camp_recommend(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: CampaignId,
        f: &RegisterForm,
    ) -> AppResult<ApplicationId> {
        let c = self
            .published_for(actor, Action::SelectionManage, unit, id)
            .await?;
        let mut errs = Errors::new();
        let person = f
            .person_id
            .trim()
            .parse::<i64>()
            .map_err(|_| FieldError::new("person_id", "choice_invalid"));
        let person = errs.take(person);
        let nomination = if f.nomination.trim().is_empty() {
            Some(Nomination::Organisation)
        } else {
            errs.take(Nomination::parse("nomination", &f.nomination))
        };
        let signers = if f.signers.trim().is_empty() {
            0
        } else {
            errs.take(
                f.signers
                    .trim()
                    .parse::<u32>()
                    .map_err(|_| FieldError::new("signers", "number_invalid")),
            )
            .unwrap_or(0)
        };
        let choices = parse_choices(&mut errs, &f.choices);
        let (Some(person), Some(nomination)) = (person, nomination) else {
            return Err(AppError::Invalid(errs.0));
        };
        errs.into_result()?;
        self.store
            .get_person(actor.district_id, PersonId(person))
            .await?
            .filter(|p| p.unit_id == unit)
            .ok_or_else(|| FieldError::new("person_id", "choice_invalid"))?;
        let w = ApplicationWrite {
            person_id: person,
            choices,
            obey_adjustment: on(&f.obey_adjustment),
            nomination,
            signers,
        };
        self.save_application(actor, unit, &c, w).await
    }

    /// The snapshot of a person the rules need, from the roster and the review facts.
    fn snapshot(
        p: &PersonRecord,
        held: Option<HeldPost>,
        r: &ReviewFacts,
        relatives: Vec<eligibility::Relative>,
    ) -> PersonSnapshot {
        PersonSnapshot {
            person_id: PersonId(p.id),
            name: p.name.clone(),
            identity: p.identity,
            establishment: p.establishment,
            on_post: matches!(p.status, PersonStatus::OnPost | PersonStatus::LentOut),
            in_agency: true,
            birth: p.birth_date,
            work_start: p.work_start,
            education: Education::of_text(&p.education),
            leader: p.leader,
            held,
            basic_conditions_attested: r.basic_conditions_attested,
            appraisals: r.appraisals.clone(),
            measures: r.measures.clone(),
            under_investigation: r.under_investigation,
            // 公务员法 art. 34: the probation of a newly recruited civil servant.
            probation_until: p
                .probation_end
                .filter(|_| p.identity == jiguan_domain::people::Identity::CivilServant),
            relatives,
        }
    }

    /// The relatives of a person in the same unit as rule (m) reads them (§1.9.2: 同一机关):
    /// declared relations with people of `unit` on post, each with the 班子成员 flag and the
    /// middle post held (from `held`, [`App::held_posts`]).
    pub(crate) async fn kin_for_rules(
        &self,
        d: jiguan_domain::tenancy::DistrictId,
        unit: UnitId,
        person: i64,
        held: &BTreeMap<i64, HeldPost>,
    ) -> AppResult<Vec<eligibility::Relative>> {
        Ok(self
            .kin_for_rules_of(d, unit, &[PersonId(person)], held, &BTreeMap::new())
            .await?
            .remove(&person)
            .unwrap_or_default())
    }

    /// [`App::kin_for_rules`] of each of `people` (keyed by person id; none: no entry), from
    /// one read of their relations and one of the relatives not in `known` (people already
    /// loaded, by id).
    pub(crate) async fn kin_for_rules_of(
        &self,
        d: jiguan_domain::tenancy::DistrictId,
        unit: UnitId,
        people: &[PersonId],
        held: &BTreeMap<i64, HeldPost>,
        known: &BTreeMap<i64, PersonRecord>,
    ) -> AppResult<BTreeMap<i64, Vec<eligibility::Relative>>> {
        let rels = self.store.relations_of_people(d, people).await?;
        let mut missing: Vec<PersonId> = rels
            .iter()
            .flat_map(|r| [r.person_id, r.relative_id])
            .filter(|p| !known.contains_key(&p.0))
            .collect();
        missing.sort_unstable();
        missing.dedup();
        let loaded: BTreeMap<i64, PersonRecord> = self
            .store
            .people_by_ids(d, &missing)
            .await?
            .into_iter()
            .map(|p| (p.id, p))
            .collect();
        let wanted: BTreeSet<PersonId> = people.iter().copied().collect();
        let mut out: BTreeMap<i64, Vec<eligibility::Relative>> = BTreeMap::new();
        // Oldest relation first, as each person's own list.
        for r in &rels {
            let sides = if r.person_id == r.relative_id {
                vec![r.person_id]
            } else {
                vec![r.person_id, r.relative_id]
            };
            for me in sides.into_iter().filter(|p| wanted.contains(p)) {
                let Some(other) = r.other(me) else { continue };
                let Some(person) = known.get(&other.0).or_else(|| loaded.get(&other.0)) else {
                    continue;
                };
                if person.unit_id != unit
                    || !matches!(person.status, PersonStatus::OnPost | PersonStatus::LentOut)
                {
                    continue;
                }
                out.entry(me.0).or_default().push(eligibility::Relative {
                    person_id: PersonId(person.id),
                    middle_post: held.get(&person.id).map(|h| h.key),
                    name: person.name.clone(),
                    relation: r.relation.kinship(),
                    leader: person.leader,
                });
            }
        }
        Ok(out)
    }

    /// The review facts with rule (h) taken from the appraisal module where it has the
    /// result: the person's grade of each year whose annual cycle (年度考核) in the district
    /// is closed (已结束: confirmed, published, past any appeal window the unit kept open)
    /// replaces what the HR office entered for that year; 不定等次 counts as such. Years
    /// without a closed cycle (before the module was used, another employer, a cycle still
    /// in publicity) keep the HR office's entry — the fallback.
    pub(crate) async fn with_appraisal_results(
        &self,
        actor: &Actor,
        person: i64,
        facts: &ReviewFacts,
    ) -> AppResult<ReviewFacts> {
        let years = self
            .closed_years_of(actor.district_id, &[PersonId(person)])
            .await?;
        Ok(merge_years(facts, years.get(&person)))
    }

    /// The annual results of each of `people` in closed cycles (year, then cycle order),
    /// by person: one read of the results, one of each cycle met.
    async fn closed_years_of(
        &self,
        d: jiguan_domain::tenancy::DistrictId,
        people: &[PersonId],
    ) -> AppResult<BTreeMap<i64, Vec<YearRecord>>> {
        let ids: Vec<i64> = people.iter().map(|p| p.0).collect();
        let mut closed: BTreeMap<(UnitId, CycleId), bool> = BTreeMap::new();
        let mut out: BTreeMap<i64, Vec<YearRecord>> = BTreeMap::new();
        for (p, y) in self.store.apr_people_years(d, &ids).await? {
            let key = (y.unit_id, y.cycle_id);
            let is_closed = match closed.get(&key) {
                Some(c) => *c,
                None => {
                    let c = self
                        .store
                        .apr_cycle(crate::appraisal::CycleAt::new(d, y.unit_id, y.cycle_id))
                        .await?
                        .is_some_and(|c| c.status == Status::Closed);
                    closed.insert(key, c);
                    c
                }
            };
            if is_closed {
                out.entry(p).or_default().push(y);
            }
        }
        Ok(out)
    }

    /// The middle post each person of the unit holds now, and since when.
    pub(crate) async fn held_posts(
        &self,
        actor: &Actor,
        unit: UnitId,
    ) -> AppResult<BTreeMap<i64, HeldPost>> {
        let d = actor.district_id;
        let posts = self.store.list_posts(d, unit).await?;
        let mut out = BTreeMap::new();
        for a in self.store.open_assignments(d, Some(unit)).await? {
            if let Some(p) = posts
                .iter()
                .find(|p| p.id == a.post_id && p.level.is_middle())
            {
                out.insert(
                    a.person_id,
                    HeldPost {
                        key: PostKey {
                            body_id: BodyId(p.body_id),
                            level: p.level,
                        },
                        since: a.start_date,
                    },
                );
            }
        }
        Ok(out)
    }

    /// The applications of a campaign version with every reason per choice, and each
    /// post's outcome under the plan's no-competition policy (SelectionView).
    pub async fn camp_review_view(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: CampaignId,
    ) -> AppResult<ReviewView> {
        Ok(self.camp_review_full(actor, unit, id).await?.0)
    }

    /// [`App::camp_review_view`] and the candidates (named, [`App::sc_candidates`]) from
    /// one load of the campaign, its applications and their people; each applicant's
    /// snapshot (roster, appraisal results, relatives) is built once, from set reads.
    pub(crate) async fn camp_review_full(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: CampaignId,
    ) -> AppResult<(ReviewView, Vec<PostCandidates>)> {
        let d = actor.district_id;
        let c = self
            .camp_for(actor, Action::SelectionView, unit, id)
            .await?;
        let apps = self.store.app_list(CampaignAt::new(d, unit, id)).await?;
        let mut ids: Vec<PersonId> = apps.iter().map(|a| PersonId(a.person_id)).collect();
        ids.sort_unstable();
        ids.dedup();
        let people: BTreeMap<i64, PersonRecord> = self
            .store
            .people_by_ids(d, &ids)
            .await?
            .into_iter()
            .map(|p| (p.id, p))
            .collect();
        let names: BTreeMap<i64, String> =
            people.iter().map(|(k, p)| (*k, p.name.clone())).collect();
        let candidates = candidates_of(&c, &apps, &names);
        let held = self.held_posts(actor, unit).await?;
        let years = self.closed_years_of(d, &ids).await?;
        let kin = self.kin_for_rules_of(d, unit, &ids, &held, &people).await?;
        let mut applications = Vec::new();
        for a in apps {
            let Some(p) = people.get(&a.person_id) else {
                continue;
            };
            let facts = merge_years(&a.review, years.get(&p.id));
            let relatives = kin.get(&p.id).cloned().unwrap_or_default();
            let snap = Self::snapshot(p, held.get(&p.id).copied(), &facts, relatives);
            let checks = a
                .choices
                .iter()
                .map(|k| {
                    let reasons = c.plan.post(*k).map_or_else(Vec::new, |post| {
                        eligibility::check(
                            &c.plan.eligibility,
                            post,
                            &snap,
                            c.plan.registration_deadline,
                            Waivers::default(),
                        )
                    });
                    (*k, post_label(&c, *k), reasons)
                })
                .collect();
            applications.push(ApplicationView {
                application: a,
                name: p.name.clone(),
                checks,
            });
        }
        let counted: Vec<Application> = applications
            .iter()
            .filter(|v| v.application.status != ApplicationStatus::Rejected)
            .map(|v| Application {
                person_id: PersonId(v.application.person_id),
                // A pending application counts on the roster rules: the HR office has
                // not recorded the facts of the others yet.
                choices: v
                    .checks
                    .iter()
                    .filter(|(_, _, r)| {
                        r.iter().all(|i| {
                            v.application.status == ApplicationStatus::Pending
                                && REVIEWED_RULES.contains(&i.rule)
                        })
                    })
                    .map(|(k, _, _)| *k)
                    .collect(),
                obey_adjustment: v.application.obey_adjustment,
                nomination: v.application.nomination,
                signers: v.application.signers,
            })
            .collect();
        let eligible = eligibility::eligible_counts(&counted, |_, _| true);
        let posts = eligibility::competition(&c.plan, &eligible);
        Ok((
            ReviewView {
                campaign: c,
                applications,
                posts,
            },
            candidates,
        ))
    }

    /// The HR office's review of one application (SelectionManage): records the facts,
    /// then confirms (refused with every reason when no choice is eligible) or rejects with
    /// a reason (`note`/`required`).
    pub async fn camp_review(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: CampaignId,
        app: ApplicationId,
        f: &ReviewForm,
    ) -> AppResult<ApplicationStatus> {
        let c = self
            .published_for(actor, Action::SelectionManage, unit, id)
            .await?;
        let facts = parse_review(f)?;
        let a = self
            .store
            .app_get(CampaignAt::of(actor, unit, id), app)
            .await?
            .ok_or(AppError::NotFound)?;
        let status = match f.decision.trim() {
            "confirm" => ApplicationStatus::Confirmed,
            "reject" => ApplicationStatus::Rejected,
            _ => return Err(FieldError::new("decision", "choice_invalid").into()),
        };
        let note = f.note.trim().to_string();
        if status == ApplicationStatus::Rejected && note.is_empty() {
            return Err(FieldError::new("note", "required").into());
        }
        if status == ApplicationStatus::Confirmed {
            let p = self
                .store
                .get_person(actor.district_id, PersonId(a.person_id))
                .await?
                .ok_or(AppError::NotFound)?;
            let held = self.held_posts(actor, unit).await?;
            let merged = self.with_appraisal_results(actor, p.id, &facts).await?;
            let kin = self
                .kin_for_rules(actor.district_id, unit, p.id, &held)
                .await?;
            let snap = Self::snapshot(&p, held.get(&p.id).copied(), &merged, kin);
            let mut all = Vec::new();
            let mut any = false;
            for k in &a.choices {
                if let Some(post) = c.plan.post(*k) {
                    let r = eligibility::check(
                        &c.plan.eligibility,
                        post,
                        &snap,
                        c.plan.registration_deadline,
                        Waivers::default(),
                    );
                    any |= r.is_empty();
                    all.extend(r.iter().map(Ineligibility::to_field_error));
                }
            }
            if !any {
                return Err(AppError::Invalid(all));
            }
        }
        let audit = self
            .audit(actor)
            .unit(unit)
            .did(AuditAction::SelectionApplicationReview)
            .on(ObjectKind::SelectionCampaign, id.0)
            .after(&(status, &facts, &note));
        let r = ReviewWrite {
            status,
            facts,
            note,
        };
        self.store
            .app_review(Scoped::of(actor, unit, app), &r, audit)
            .await?;
        Ok(status)
    }
}

/// `facts` with the grades of `years` (closed annual cycles, year then cycle order; a
/// later cycle of the same year wins), see [`App::with_appraisal_results`].
fn merge_years(facts: &ReviewFacts, years: Option<&Vec<YearRecord>>) -> ReviewFacts {
    let mut out = facts.clone();
    for y in years.into_iter().flatten() {
        let g = match (y.ungraded, y.grade) {
            (None, Some(g)) => AppraisalGrade::from_code(g.code()),
            (Some(_), _) => Some(AppraisalGrade::Ungraded),
            (None, None) => None,
        };
        if let Some(g) = g {
            out.appraisals.insert(y.year, g);
        }
    }
    out
}

/// The rules the HR office decides at review (basic conditions, appraisals, sanctions,
/// handling, investigation): not shown to a registrant before the review.
const REVIEWED_RULES: [&str; 5] = ["a", "h", "i", "j", "k"];

/// A registrant's view of one open campaign.
#[derive(Debug, Clone, Serialize)]
pub struct MyCampaign {
    pub campaign: CampaignRecord,
    pub application: Option<ApplicationRecord>,
    /// Per offered post: its key, label and the roster rules it fails for this person.
    pub posts: Vec<(PostKey, String, Vec<Ineligibility>)>,
}

impl App {
    /// The open campaigns for the signed-in staff member, with their own application and,
    /// for every offered post, the roster rules they fail (SelectionRegister).
    pub async fn camp_mine(&self, actor: &Actor, unit: UnitId) -> AppResult<Vec<MyCampaign>> {
        self.require_unit(actor, Action::SelectionRegister, unit)
            .await?;
        let open = self.camp_open(actor, unit).await?;
        let p = self.registrant(actor, unit).await?;
        let held = self.held_posts(actor, unit).await?;
        let kin = self
            .kin_for_rules(actor.district_id, unit, p.id, &held)
            .await?;
        let mut out = Vec::new();
        for c in open {
            let application = self
                .store
                .app_list(CampaignAt::of(actor, unit, c.id))
                .await?
                .into_iter()
                .find(|a| a.person_id == p.id);
            let facts = application
                .as_ref()
                .map(|a| a.review.clone())
                .unwrap_or_default();
            let snap = Self::snapshot(&p, held.get(&p.id).copied(), &facts, kin.clone());
            let posts = c
                .plan
                .posts
                .iter()
                .map(|post| {
                    let r: Vec<Ineligibility> = eligibility::check(
                        &c.plan.eligibility,
                        post,
                        &snap,
                        c.plan.registration_deadline,
                        Waivers::default(),
                    )
                    .into_iter()
                    .filter(|i| !REVIEWED_RULES.contains(&i.rule))
                    .collect();
                    (post.key(), post_label(&c, post.key()), r)
                })
                .collect();
            out.push(MyCampaign {
                campaign: c,
                application,
                posts,
            });
        }
        Ok(out)
    }
}
