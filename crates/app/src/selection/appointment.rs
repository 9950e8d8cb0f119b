//! Publicity, appointment, probation and term (任前公示, 任职, 试用期, 聘任期; issue 13
//! point 7, RULES-SELECTION-APPRAISAL §1.11), after the committee's decision
//! (`decision.rs`). The rules are the domain's (`selection::dates`): this file loads,
//! checks who may act and stores.
//!
//! - **Publicity** (`SelectionManage`): from a start date, at least the plan's
//!   `publicity_workdays` working days of the district's calendar (holidays and 调休
//!   make-up days); the start is no earlier than the committee's decision. Every elected
//!   candidate of the campaign not yet publicised gets the same period.
//! - **Objections** (异议) are recorded during or after the publicity and resolved with an
//!   outcome: 反映问题不影响任职 or 反映问题查实 (with the finding).
//! - **Appointment** (任职): only after the publicity ends (no earlier than the first working
//!   day after it), with no open objection and none verified. One transaction writes the
//!   post assignment through the posts module's rules (`check_assignment`: one chief per
//!   body, 班子成员 excluded, …): the person's main post ends and the new post opens as main
//!   post; a dated history row (岗位调整) of the person; the appointment date, the probation
//!   end (from the decision date, `plan.probation_months`) and the term end (from the
//!   appointment date, `plan.term_years`).
//! - **任职回避** (§1.9.2, 公务员法 art. 74): the appointment is refused when the post bar
//!   forbids it on the day (the domain's `eligibility::post_bar` over the relations
//!   declared in the people module, with their 班子成员 flag and middle post now held):
//!   `candidate`/`selection_kinship_sensitive_post` or `selection_kinship_same_body`.
//! - **Terms**: the unit's appointed middle managers with probation and term ends, flagged
//!   within 90 days; the same flags are to-dos of the unit's HR office (dashboard and inbox).
//! - **Re-run**: a new campaign draft offering exactly the seats left vacant, from the old
//!   plan.

use chrono::{NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use jiguan_domain::FieldError;
use jiguan_domain::audit::{AuditAction, ObjectKind};
use jiguan_domain::auth::{Action, Actor};
use jiguan_domain::error::{Errors, required_text};
use jiguan_domain::people::parse_date;
use jiguan_domain::posts::assign::{Assignment, Proposed, check_assignment};
use jiguan_domain::posts::{AssignmentId, PostId};
use jiguan_domain::rules::selection::Publicity;
use jiguan_domain::selection::CampaignId;
use jiguan_domain::selection::dates::{
    PublicityOutcome, TERM_REMINDER_DAYS, check_appointment, ends_within, probation_end, publicity,
    term_end,
};
use jiguan_domain::selection::eligibility::post_bar;
use jiguan_domain::selection::probation::ProbationResult;
use jiguan_domain::tenancy::UnitId;
use jiguan_domain::workflow::Status;

use super::campaign::{CampaignAt, CampaignForm, PostLine};
use super::decision::{
    AppointWrite, CandidateView, DecisionsView, ObjectionWrite, Outcome, PublicityWrite,
    ResolutionWrite, publicity_outcome,
};
use crate::inbox::Todo;
use crate::ports::{Conflict, Scoped, StoreError, UnitAt};
use crate::posts::{AssignmentWrite, NewAssignment};
use crate::{App, AppError, AppResult};

/// Longest objection text and resolution.
pub const OBJECTION_MAX: usize = 500;

/// An objection (异议).
// (The objection form and the JSON body `ObjectionBody`.)
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = ObjectionBody))]
#[serde(default)]
pub struct ObjectionForm {
    /// YYYY-MM-DD (default today).
    pub received_on: String,
    pub content: String,
}

/// An objection's resolution: `issue_not_affecting` or `issue_verified`.
// (The resolve form and the JSON body `ResolveBody`.)
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = ResolveBody))]
#[serde(default)]
pub struct ResolveForm {
    pub outcome: String,
    pub resolution: String,
}

/// The appointment.
// (The appointment form and the JSON body `AppointBody`.)
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = AppointBody))]
#[serde(default)]
pub struct AppointForm {
    /// YYYY-MM-DD.
    pub appointed_on: String,
    // The appointment document (任职文号), optional (no description in the OpenAPI
    // document).
    pub doc_no: String,
}

/// One appointed middle manager.
#[derive(Debug, Clone, Serialize)]
pub struct TermRow {
    pub campaign_id: CampaignId,
    pub candidate_id: i64,
    pub person_id: i64,
    pub name: String,
    pub post_label: String,
    pub appointed_on: NaiveDate,
    pub probation_end: Option<NaiveDate>,
    pub term_end: Option<NaiveDate>,
    /// The probation ends within the next 90 days (today included).
    pub probation_due: bool,
    /// The term ends within the next 90 days (today included).
    pub term_due: bool,
    /// The probation is over (before today) and its evaluation not yet recorded: shown as
    /// 已到期 rather than "ends within 90 days".
    pub probation_overdue: bool,
    /// The probation-end evaluation (试用期满考核), once recorded: no probation reminder
    /// after it, and no term reminder after a dismissal (免去试任职务).
    pub probation_review: Option<super::extra::ProbationReviewRecord>,
}

#[derive(Serialize)]
struct PublicityAudit {
    candidates: Vec<i64>,
    start: NaiveDate,
    last: NaiveDate,
    earliest_appointment: NaiveDate,
    workdays: u32,
}

#[derive(Serialize)]
struct ObjectionAudit<'a> {
    candidate_id: i64,
    received_on: NaiveDate,
    content: &'a str,
}

#[derive(Serialize)]
struct ResolveAudit<'a> {
    objection_id: i64,
    outcome: &'static str,
    resolution: &'a str,
}

#[derive(Serialize)]
struct AppointAudit {
    candidate_id: i64,
    campaign_id: i64,
    plan_version: i64,
    person_id: i64,
    post_id: i64,
    appointed_on: NaiveDate,
    decided_on: NaiveDate,
    probation_end: Option<NaiveDate>,
    term_end: NaiveDate,
    publicity_outcome: &'static str,
    ended_assignments: Vec<i64>,
}

impl App {
    fn dec_candidate(v: &DecisionsView, id: i64) -> AppResult<&CandidateView> {
        v.candidates
            .iter()
            .find(|c| c.candidate.id == id)
            .ok_or(AppError::NotFound)
    }

    /// Starts the publicity (任前公示) of every elected candidate of the campaign not yet
    /// publicised, from `start` (SelectionManage). Errors: `publicity_start` (`date_invalid`,
    /// `calendar_missing` with the year, `selection_publicity_before_decision` with the
    /// decision date), `candidates` (`selection_nothing_to_publicise`).
    pub async fn dec_start_publicity(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: CampaignId,
        start: &str,
    ) -> AppResult<Publicity> {
        self.require_unit(actor, Action::SelectionManage, unit)
            .await?;
        let v = self.dec_view(actor, unit, id).await?;
        let start = parse_date("publicity_start", start)?;
        let due: Vec<&CandidateView> = v
            .candidates
            .iter()
            .filter(|c| c.outcome == Outcome::Elected && c.candidate.publicity_start.is_none())
            .collect();
        if due.is_empty() {
            return Err(AppError::field(
                "candidates",
                "selection_nothing_to_publicise",
            ));
        }
        if let Some(decided) = due.iter().filter_map(|c| c.decided_on).max()
            && start < decided
        {
            return Err(
                FieldError::new("publicity_start", "selection_publicity_before_decision")
                    .with("decided", decided)
                    .into(),
            );
        }
        let cal = self.calendar_of(actor.district_id).await?;
        let p = publicity(&cal, &v.campaign.plan, start).map_err(|mut e| {
            if e.field == "start" {
                e.field = "publicity_start".into();
            }
            e
        })?;
        let ids: Vec<i64> = due.iter().map(|c| c.candidate.id).collect();
        let audit = self
            .audit(actor)
            .unit(unit)
            .did(AuditAction::SelectionPublicityStart)
            .on(ObjectKind::SelectionCampaign, id.0)
            .after(&PublicityAudit {
                candidates: ids.clone(),
                start,
                last: p.last,
                earliest_appointment: p.earliest_appointment,
                workdays: v.campaign.plan.publicity_workdays,
            });
        self.store
            .dec_start_publicity(
                UnitAt::unit(actor.district_id, unit),
                &PublicityWrite {
                    ids: &ids,
                    period: (start, p.last, p.earliest_appointment),
                },
                audit,
            )
            .await
            .map_err(AppError::on_conflict(
                "candidates",
                "selection_nothing_to_publicise",
            ))?;
        Ok(p)
    }

    /// Records an objection (异议) to a publicised candidate not yet appointed
    /// (SelectionManage). Errors: `received_on` (`date_invalid`,
    /// `selection_objection_before_publicity`), `content` (`required`, `too_long`),
    /// `candidate` (`selection_publicity_not_started`, `selection_already_appointed`).
    pub async fn dec_add_objection(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: CampaignId,
        candidate: i64,
        f: &ObjectionForm,
    ) -> AppResult<i64> {
        self.require_unit(actor, Action::SelectionManage, unit)
            .await?;
        let v = self.dec_view(actor, unit, id).await?;
        let c = Self::dec_candidate(&v, candidate)?;
        let Some(start) = c.candidate.publicity_start else {
            return Err(AppError::field(
                "candidate",
                "selection_publicity_not_started",
            ));
        };
        if c.candidate.appointed_on.is_some() {
            return Err(AppError::field("candidate", "selection_already_appointed"));
        }
        let mut errs = Errors::new();
        let received = if f.received_on.trim().is_empty() {
            Some(self.sel_today())
        } else {
            errs.take(parse_date("received_on", &f.received_on))
        };
        if let Some(r) = received
            && r < start
        {
            errs.push(
                FieldError::new("received_on", "selection_objection_before_publicity")
                    .with("start", start),
            );
        }
        let content = errs.take(required_text("content", &f.content, OBJECTION_MAX));
        errs.into_result()?;
        let (Some(received), Some(content)) = (received, content) else {
            return Err(AppError::Internal("unreachable".into()));
        };
        let audit = self
            .audit(actor)
            .unit(unit)
            .did(AuditAction::SelectionObjectionRecord)
            .on(ObjectKind::SelectionCampaign, id.0)
            .after(&ObjectionAudit {
                candidate_id: candidate,
                received_on: received,
                content: &content,
            });
        Ok(self
            .store
            .dec_add_objection(
                Scoped::of(actor, unit, candidate),
                &ObjectionWrite {
                    received_on: received,
                    content: &content,
                },
                audit,
            )
            .await?)
    }

    /// Resolves an open objection with its outcome and finding (SelectionManage). Errors:
    /// `outcome` (`choice_invalid`: only 反映问题不影响任职 or 反映问题查实), `resolution`
    /// (`required`), `status` (`selection_objection_resolved`).
    pub async fn dec_resolve_objection(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: CampaignId,
        objection: i64,
        f: &ResolveForm,
    ) -> AppResult<()> {
        self.require_unit(actor, Action::SelectionManage, unit)
            .await?;
        let v = self.dec_view(actor, unit, id).await?;
        let o = v
            .candidates
            .iter()
            .flat_map(|c| c.objections.iter())
            .find(|o| o.id == objection)
            .ok_or(AppError::NotFound)?;
        if o.outcome.is_some() {
            return Err(AppError::field("status", "selection_objection_resolved"));
        }
        let mut errs = Errors::new();
        let outcome = match errs.take(PublicityOutcome::parse("outcome", &f.outcome)) {
            Some(PublicityOutcome::NoIssue) => {
                errs.push(FieldError::new("outcome", "choice_invalid"));
                None
            }
            o => o,
        };
        let resolution = errs.take(required_text("resolution", &f.resolution, OBJECTION_MAX));
        errs.into_result()?;
        let (Some(outcome), Some(resolution)) = (outcome, resolution) else {
            return Err(AppError::Internal("unreachable".into()));
        };
        let audit = self
            .audit(actor)
            .unit(unit)
            .did(AuditAction::SelectionObjectionResolve)
            .on(ObjectKind::SelectionCampaign, id.0)
            .after(&ResolveAudit {
                objection_id: objection,
                outcome: outcome.code(),
                resolution: &resolution,
            });
        self.store
            .dec_resolve_objection(
                Scoped::of(actor, unit, objection),
                &ResolutionWrite {
                    outcome,
                    resolution: &resolution,
                },
                audit,
            )
            .await
            .map_err(AppError::on_conflict(
                "status",
                "selection_objection_resolved",
            ))
    }

    /// Appoints an elected candidate after the publicity (SelectionManage). Errors:
    /// `candidate` (`selection_not_elected`, `selection_publicity_not_started`,
    /// `selection_already_appointed`), `appointed_on` (`date_invalid`, `date_future`,
    /// `selection_appointment_too_early` with the earliest date), `objections`
    /// (`selection_objection_open`), `outcome` (`selection_publicity_blocks`), and every
    /// rule of the posts module (`post_chief_taken`, `post_leader_middle`, …).
    pub async fn dec_appoint(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: CampaignId,
        candidate: i64,
        f: &AppointForm,
    ) -> AppResult<AssignmentId> {
        self.require_unit(actor, Action::SelectionManage, unit)
            .await?;
        let d = actor.district_id;
        let v = self.dec_view(actor, unit, id).await?;
        let c = Self::dec_candidate(&v, candidate)?;
        let cand = &c.candidate;
        if c.outcome != Outcome::Elected {
            return Err(AppError::field("candidate", "selection_not_elected"));
        }
        if cand.appointed_on.is_some() {
            return Err(AppError::field("candidate", "selection_already_appointed"));
        }
        let (Some(start), Some(last), Some(earliest), Some(decided)) = (
            cand.publicity_start,
            cand.publicity_last,
            cand.earliest_appointment,
            c.decided_on,
        ) else {
            return Err(AppError::field(
                "candidate",
                "selection_publicity_not_started",
            ));
        };
        let mut errs = Errors::new();
        let on = errs.take(parse_date("appointed_on", &f.appointed_on));
        if let Some(on) = on
            && on > self.sel_today()
        {
            errs.push(FieldError::new("appointed_on", "date_future"));
        }
        let refs: Vec<_> = c.objections.iter().collect();
        let outcome = errs.take(publicity_outcome(&refs));
        let doc_no = f.doc_no.trim().to_string();
        if doc_no.chars().count() > 100 {
            errs.push(FieldError::new("doc_no", "too_long").with("max", 100));
        }
        if let (Some(on), Some(outcome)) = (on, outcome) {
            let p = Publicity {
                days: vec![start],
                last,
                earliest_appointment: earliest,
            };
            errs.take_all(check_appointment(&p, outcome, on));
        }
        errs.into_result()?;
        let (Some(on), Some(outcome)) = (on, outcome) else {
            return Err(AppError::Internal("unreachable".into()));
        };
        // 任职回避 (§1.9.2) with the relatives' posts of today (one appointed earlier in the
        // same campaign included).
        if let Some(post) = v.campaign.plan.post(cand.post) {
            let held = self.held_posts(actor, unit).await?;
            let kin = self.kin_for_rules(d, unit, cand.person_id, &held).await?;
            let bar = post_bar(post, &kin);
            if !bar.is_empty() {
                return Err(AppError::Invalid(
                    bar.iter()
                        .map(|i| FieldError {
                            field: "candidate".into(),
                            ..i.to_field_error()
                        })
                        .collect(),
                ));
            }
        }
        // The post assignment through the posts module's rules, on the state of `on`.
        let l = self.posts_load(d, unit).await?;
        let mut cur = l.state.clone();
        cur.on = on;
        let ends: Vec<Assignment> = cur
            .of_person(cand.person_id)
            .filter(|a| a.main || a.post_id == cand.post_id)
            .copied()
            .collect();
        cur.assignments
            .retain(|a| !ends.iter().any(|e| e.id == a.id));
        let share = (100 - cur.total_share(cand.person_id)).clamp(1, 100);
        let proposed = Proposed {
            post_id: cand.post_id,
            person_id: cand.person_id,
            share_pct: share,
            main: true,
            overtime: false,
        };
        let violations = check_assignment(&cur, &proposed);
        if !violations.is_empty() {
            return Err(AppError::Invalid(
                violations.iter().map(|x| x.to_field_error()).collect(),
            ));
        }
        let term = term_end(&v.campaign.plan, on)
            .ok_or_else(|| AppError::field("appointed_on", "out_of_range"))?;
        let probation = probation_end(&v.campaign.plan, decided);
        let audit = self
            .audit(actor)
            .unit(unit)
            .did(AuditAction::SelectionAppoint)
            .on(ObjectKind::SelectionCampaign, id.0)
            .after(&AppointAudit {
                candidate_id: candidate,
                campaign_id: cand.campaign_id.0,
                plan_version: cand.plan_version,
                person_id: cand.person_id,
                post_id: cand.post_id,
                appointed_on: on,
                decided_on: decided,
                probation_end: probation,
                term_end: term,
                publicity_outcome: outcome.code(),
                ended_assignments: ends.iter().map(|a| a.id).collect(),
            });
        let w = AppointWrite {
            candidate_id: candidate,
            person_id: cand.person_id,
            on,
            probation_end: probation,
            term_end: term,
            assignments: AssignmentWrite {
                end: ends.iter().map(|a| AssignmentId(a.id)).collect(),
                create: vec![NewAssignment {
                    post_id: PostId(cand.post_id),
                    person_id: cand.person_id,
                    share_pct: share,
                    main: true,
                    overtime: false,
                }],
                on: Some(on),
                reason: format!("竞争上岗任职：{}", c.post_label),
                by: actor.username.clone(),
                at: self.clock.now(),
            },
            doc_no,
            note: format!(
                "竞争上岗任职：{}（{} 第{}版）",
                c.post_label, v.campaign.title, cand.plan_version
            ),
        };
        self.store
            .dec_appoint(UnitAt::unit(d, unit), &w, audit)
            .await
            .map_err(|e| match e {
                StoreError::Conflict(Conflict::Status) => {
                    AppError::field("candidate", "selection_already_appointed")
                }
                StoreError::Conflict(Conflict::Assignment) => {
                    AppError::field("assignment", "post_assignment_changed")
                }
                StoreError::Conflict(Conflict::Person(_)) => {
                    AppError::field("person", "post_person_not_on_post")
                }
                other => other.into(),
            })
    }

    /// The unit's appointed middle managers with their probation and term ends
    /// (SelectionView), by term end.
    pub async fn dec_terms(&self, actor: &Actor, unit: UnitId) -> AppResult<Vec<TermRow>> {
        self.require_unit(actor, Action::SelectionView, unit)
            .await?;
        self.dec_terms_of(actor, unit).await
    }

    async fn dec_terms_of(&self, actor: &Actor, unit: UnitId) -> AppResult<Vec<TermRow>> {
        let d = actor.district_id;
        let today = self.sel_today();
        let mut out = Vec::new();
        let mut plans: std::collections::BTreeMap<CampaignId, super::campaign::CampaignRecord> =
            Default::default();
        let mut reviews: std::collections::BTreeMap<i64, super::extra::ProbationReviewRecord> =
            self.store
                .dec_probation_reviews(d, unit)
                .await?
                .into_iter()
                .map(|r| (r.candidate_id, r))
                .collect();
        for c in self.store.dec_candidates(d, unit, None).await? {
            let Some(on) = c.appointed_on else { continue };
            if !plans.contains_key(&c.campaign_id)
                && let Some(r) = self
                    .store
                    .camp_get(CampaignAt::new(d, unit, c.campaign_id))
                    .await?
            {
                plans.insert(c.campaign_id, r);
            }
            let label = plans
                .get(&c.campaign_id)
                .map(|r| super::registration::post_label(r, c.post))
                .unwrap_or_default();
            let name = self
                .store
                .get_person(d, jiguan_domain::people::PersonId(c.person_id))
                .await?
                .map(|p| p.name)
                .unwrap_or_default();
            let review = reviews.remove(&c.id);
            let dismissed = review
                .as_ref()
                .is_some_and(|r| r.result == ProbationResult::Dismissed);
            out.push(TermRow {
                campaign_id: c.campaign_id,
                candidate_id: c.id,
                person_id: c.person_id,
                name,
                post_label: label,
                appointed_on: on,
                // Until the evaluation is recorded, also once the probation is over.
                probation_due: review.is_none()
                    && c.probation_end
                        .is_some_and(|e| e < today || ends_within(e, today, TERM_REMINDER_DAYS)),
                term_due: !dismissed
                    && c.term_end
                        .is_some_and(|e| ends_within(e, today, TERM_REMINDER_DAYS)),
                probation_overdue: review.is_none() && c.probation_end.is_some_and(|e| e < today),
                probation_review: review,
                probation_end: c.probation_end,
                term_end: c.term_end,
            });
        }
        out.sort_by_key(|r| (r.term_end, r.candidate_id));
        Ok(out)
    }

    /// Reminders of the unit's HR office (`SelectionManage`, a unit account): a term or a
    /// probation ending within the next 90 days, as to-dos (dashboard and inbox).
    pub(crate) async fn selection_reminders(&self, actor: &Actor) -> AppResult<Vec<Todo>> {
        let (Some(unit), true) = (actor.unit_id, actor.can(Action::SelectionManage)) else {
            return Ok(Vec::new());
        };
        let unit_name = self
            .store
            .get_unit(actor.district_id, unit)
            .await?
            .map(|u| u.name)
            .unwrap_or_default();
        let mut out = Vec::new();
        for r in self.dec_terms_of(actor, unit).await? {
            let probation_code = if r.probation_overdue {
                "selection.probation.overdue"
            } else {
                "selection.probation.due"
            };
            for (due, code, end) in [
                (r.probation_due, probation_code, r.probation_end),
                (r.term_due, "selection.term.due", r.term_end),
            ] {
                let (true, Some(end)) = (due, end) else {
                    continue;
                };
                out.push(Todo {
                    code: code.into(),
                    unit_id: unit,
                    unit_name: unit_name.clone(),
                    object_id: r.candidate_id,
                    title: format!("{} {}（{end}）", r.name, r.post_label),
                    link: format!("/units/{unit}/selection/terms"),
                    since: Utc.from_utc_datetime(&end.and_hms_opt(0, 0, 0).unwrap_or_default()),
                });
            }
        }
        Ok(out)
    }

    /// A re-run (重新组织) for the posts that stay vacant: a new campaign draft offering
    /// exactly the vacant seats, the rest of the plan taken from this one, the registration
    /// deadline four weeks from today (SelectionManage; the quota is checked as for any
    /// draft). Errors: `posts` (`selection_no_vacant_post`), `campaign`
    /// (`selection_not_published`), and those of [`App::camp_create`].
    pub async fn dec_rerun(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: CampaignId,
    ) -> AppResult<CampaignId> {
        self.require_unit(actor, Action::SelectionManage, unit)
            .await?;
        let v = self.dec_view(actor, unit, id).await?;
        if v.campaign.status != Status::Applied {
            return Err(AppError::field("campaign", "selection_not_published"));
        }
        let mut f = CampaignForm::of(&v.campaign.plan);
        f.posts = v
            .posts
            .iter()
            .filter(|p| p.vacant > 0)
            .map(|p| PostLine {
                body_id: p.post.body_id.0.to_string(),
                level: p.post.level.code().into(),
                seats: p.vacant.to_string(),
            })
            .collect();
        if f.posts.is_empty() {
            return Err(AppError::field("posts", "selection_no_vacant_post"));
        }
        let base = v
            .campaign
            .title
            .trim_end_matches("（重新组织）")
            .to_string();
        f.title = format!("{base}（重新组织）");
        f.registration_deadline = self.camp_default_deadline().to_string();
        self.camp_create(actor, unit, &f).await
    }
}
