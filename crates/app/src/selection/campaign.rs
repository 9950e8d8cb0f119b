//! Campaign plans (竞争上岗方案, issue 13 point 1; RULES-SELECTION-APPRAISAL §1.2) as use
//! cases, and the [`CampaignStore`] port.
//!
//! - Who: `SelectionManage` (the unit's HR office, 单位管理员) drafts, edits, submits,
//!   publishes and revises; `SelectionApprove` (the district) approves or rejects through
//!   the generic [`App::step_plan`] ([`SELECTION_CAMPAIGNS`]); `SelectionView` reads.
//! - A plan is built from the district's policy parameters ([`Plan::with_params`]) and the
//!   fields the form sets, then validated whole ([`Plan::validate`]) and checked against the
//!   vacant middle posts approved by the district ([`check_quota`], §1.1.3 [S3], 暂行规定
//!   art. 5 "必须在核定的编制和领导职数限额内进行") on draft, edit and submit.
//! - Each stored row is one *version* of a campaign (`family_id` ties the versions
//!   together). A published version is immutable (§1.2.1): a change is a new draft version
//!   with a reason ([`PlanVersion::revise`]) that runs the approval again. Everything
//!   computed later cites the version row it was computed under ([`CampaignRecord::cite`]).

use std::collections::BTreeSet;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use jiguan_domain::FieldError;
use jiguan_domain::audit::{AuditAction, AuditEntry, ObjectKind};
use jiguan_domain::auth::{Action, Actor};
use jiguan_domain::error::Errors;
use jiguan_domain::org::BodyId;
use jiguan_domain::people::parse_date;
use jiguan_domain::posts::{Education, PostLevel};
use jiguan_domain::selection::plan::{
    EvaluationRule, Holders, NoCompetitionPolicy, OfferedPost, Plan, PlanVersion, Stage,
    StageWeight, check_quota,
};
use jiguan_domain::selection::{ApplicationId, CampaignId};
use jiguan_domain::tenancy::{DistrictId, UnitId};
use jiguan_domain::workflow::{Move, SELECTION_CAMPAIGNS, Status, Step, StepInput, Workflow};

use super::registration::{ApplicationRecord, ApplicationWrite, ReviewWrite};
use crate::ports::{Scoped, StoreResult, UnitAt};
use crate::workflow::PlanRef;
use crate::{App, AppError, AppResult};

/// A campaign version of a unit, as the store is asked about it.
pub type CampaignAt = Scoped<CampaignId>;

/// One version of a campaign as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CampaignRecord {
    pub id: CampaignId,
    pub district_id: DistrictId,
    pub unit_id: UnitId,
    /// The id of the campaign's first version (the same for every version).
    pub family_id: i64,
    /// 1, 2, …
    pub version: i64,
    pub title: String,
    pub status: Status,
    /// Why this version replaces the previous one ("" for version 1).
    pub revision_reason: String,
    /// The reason of the last rejection.
    pub reason: String,
    /// The district's approval document (批准文号).
    pub doc_no: String,
    pub plan: Plan,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub decided_by: String,
    pub decided_at: Option<DateTime<Utc>>,
    /// When this version was published.
    pub applied_at: Option<DateTime<Utc>>,
}

impl CampaignRecord {
    /// What every computed result cites: "campaign 12, plan version 2".
    pub fn cite(&self) -> (CampaignId, i64) {
        (self.id, self.version)
    }

    fn version(&self) -> PlanVersion {
        PlanVersion {
            version: u32::try_from(self.version).unwrap_or(u32::MAX),
            status: self.status,
            reason: self.revision_reason.clone(),
            plan: self.plan.clone(),
        }
    }
}

/// A version as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CampaignWrite {
    /// `None` for a new campaign (version 1): the store sets the family to the new id.
    pub family_id: Option<i64>,
    pub version: i64,
    pub revision_reason: String,
    pub plan: Plan,
}

/// Storage of campaign plan versions.
#[async_trait]
pub trait CampaignStore: Send + Sync {
    /// Every version of every campaign of a unit, newest campaign first, versions in order.
    async fn camp_list(&self, d: DistrictId, u: UnitId) -> StoreResult<Vec<CampaignRecord>>;
    async fn camp_get(&self, at: CampaignAt) -> StoreResult<Option<CampaignRecord>>;
    /// Inserts a draft version with its audit row (created by the audit entry's user);
    /// returns its id.
    async fn camp_create(
        &self,
        at: UnitAt,
        w: &CampaignWrite,
        audit: AuditEntry,
    ) -> StoreResult<CampaignId>;
    /// Replaces the plan of a version still in `v.status` with `v.plan`
    /// (`Conflict(Status)` otherwise).
    async fn camp_update(
        &self,
        at: CampaignAt,
        v: &PlanVersion,
        audit: AuditEntry,
    ) -> StoreResult<()>;
    /// The applications to a campaign version, by id.
    async fn app_list(&self, at: CampaignAt) -> StoreResult<Vec<ApplicationRecord>>;
    /// One application of a campaign version (`None`: not the campaign's). The SQL store
    /// reads that one row; the default looks it up in [`CampaignStore::app_list`].
    async fn app_get(
        &self,
        at: CampaignAt,
        id: ApplicationId,
    ) -> StoreResult<Option<ApplicationRecord>> {
        Ok(self.app_list(at).await?.into_iter().find(|a| a.id == id))
    }
    /// Inserts the person's application (created by the audit entry's user), or replaces
    /// it while it is still pending (`Conflict(Status)` once reviewed); returns its id.
    async fn app_save(
        &self,
        at: CampaignAt,
        w: &ApplicationWrite,
        audit: AuditEntry,
    ) -> StoreResult<ApplicationId>;
    /// Records the review of an application (reviewed by the audit entry's user).
    async fn app_review(
        &self,
        at: Scoped<ApplicationId>,
        r: &ReviewWrite,
        audit: AuditEntry,
    ) -> StoreResult<()>;
}

/// One offered post as entered.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(default)]
pub struct PostLine {
    pub body_id: String,
    /// `chief` / `deputy` (or 正职 / 副职).
    pub level: String,
    pub seats: String,
}

/// A plan as the page, the API and the CLI send it. An empty field keeps the district's
/// default ([`Plan::with_params`]).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(default)]
pub struct CampaignForm {
    pub title: String,
    /// YYYY-MM-DD: the reference date of eligibility (§1.3.4).
    pub registration_deadline: String,
    pub posts: Vec<PostLine>,
    pub max_choices: String,
    /// `true` / `false`: applicants may tick 服从调剂.
    pub obey_adjustment_allowed: String,
    pub weight_written: String,
    pub weight_interview: String,
    pub weight_evaluation: String,
    pub inspection_ratio: String,
    /// `drop_and_reopen` / `proceed_with_floor`.
    pub no_competition: String,
    /// `approval_le_half` / `approval_lt_two_thirds` / `incompetent_gt_third`.
    pub evaluation_rule: String,
    pub max_age_chief: String,
    pub max_age_deputy: String,
    /// An education code (`college` …).
    pub min_education: String,
    pub publicity_workdays: String,
    pub term_years: String,
    pub probation_months: String,
}

impl CampaignForm {
    /// The form of a stored plan (what an edit page starts from).
    pub fn of(p: &Plan) -> Self {
        let n = |v: u32| v.to_string();
        Self {
            title: p.title.clone(),
            registration_deadline: p.registration_deadline.to_string(),
            posts: p
                .posts
                .iter()
                .map(|o| PostLine {
                    body_id: o.body_id.0.to_string(),
                    level: o.level.code().into(),
                    seats: n(o.seats),
                })
                .collect(),
            max_choices: n(p.max_choices),
            obey_adjustment_allowed: p.obey_adjustment_allowed.to_string(),
            weight_written: p.weight(Stage::Written).to_string(),
            weight_interview: p.weight(Stage::Interview).to_string(),
            weight_evaluation: p.weight(Stage::Evaluation).to_string(),
            inspection_ratio: p.inspection_ratio.to_string(),
            no_competition: p.no_competition.code().into(),
            evaluation_rule: p.evaluation.rule.code().into(),
            max_age_chief: p.eligibility.max_age_chief.map(n).unwrap_or_default(),
            max_age_deputy: p.eligibility.max_age_deputy.map(n).unwrap_or_default(),
            min_education: p.eligibility.min_education.code().into(),
            publicity_workdays: n(p.publicity_workdays),
            term_years: n(p.term_years),
            probation_months: n(p.probation_months),
        }
    }
}

/// Bodies whose work is 组织、人事、纪检、监察、审计 or 财务 (公务员法 art. 74 [S]): a
/// relative of a 班子成员 may not take their posts (§1.9.2). Recognised by the body's name.
pub fn sensitive_body(name: &str) -> bool {
    [
        "组织",
        "人事",
        "纪检",
        "纪工委",
        "监察",
        "审计",
        "财务",
        "财政",
        "党建",
    ]
    .iter()
    .any(|k| name.contains(k))
}

/// A count or a decimal: empty keeps the default.
fn number<T: std::str::FromStr>(errs: &mut Errors, field: &str, v: &str, into: &mut T) {
    let v = v.trim();
    if v.is_empty() {
        return;
    }
    match v.parse::<T>() {
        Ok(n) => *into = n,
        Err(_) => errs.push(FieldError::new(field, "number_invalid")),
    }
}

/// A coded choice: empty keeps the default.
fn choice<T>(
    errs: &mut Errors,
    field: &str,
    v: &str,
    parse: fn(&str, &str) -> Result<T, FieldError>,
    into: &mut T,
) {
    if !v.trim().is_empty()
        && let Some(x) = errs.take(parse(field, v))
    {
        *into = x;
    }
}

/// An optional age limit: empty keeps the default, `0` or `none`/`不限` removes it.
fn age(errs: &mut Errors, field: &str, v: &str, into: &mut Option<u32>) {
    let v = v.trim();
    match v {
        "" => {}
        "0" | "none" | "不限" => *into = None,
        _ => match v.parse::<u32>() {
            Ok(n) if (18..=65).contains(&n) => *into = Some(n),
            _ => errs.push(
                FieldError::new(field, "out_of_range")
                    .with("min", 18)
                    .with("max", 65),
            ),
        },
    }
}

/// What the audit records of a step of a campaign.
#[derive(Debug, Serialize)]
pub struct CampaignStepAfter {
    status: Status,
    reason: Option<String>,
    doc_no: Option<String>,
}

impl From<&Move> for CampaignStepAfter {
    fn from(m: &Move) -> Self {
        Self {
            status: m.to,
            reason: m.reason.clone(),
            doc_no: m.doc_no.clone(),
        }
    }
}

impl PlanRef for CampaignId {
    const FLOW: &'static Workflow = &SELECTION_CAMPAIGNS;
    type After = CampaignStepAfter;
    async fn head(self, app: &App, actor: &Actor, unit: UnitId) -> AppResult<(Status, String)> {
        let c = app.camp_of(actor, unit, self).await?;
        Ok((c.status, c.title))
    }
}

/// A campaign version with its siblings, as a page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct CampaignView {
    pub campaign: CampaignRecord,
    /// Every version of the campaign, in order.
    pub versions: Vec<CampaignRecord>,
    /// The version in force: the highest published one.
    pub in_force: Option<i64>,
    /// Why the offered posts do not fit the vacant middle posts today (empty: they fit).
    pub quota: Vec<FieldError>,
}

#[derive(Serialize)]
struct Revised<'a> {
    from_version: i64,
    version: i64,
    reason: &'a str,
    plan: &'a Plan,
}

/// `c` if it is published (else `campaign`/`selection_not_published`).
fn published(c: CampaignRecord) -> AppResult<CampaignRecord> {
    if c.status != Status::Applied {
        return Err(FieldError::new("campaign", "selection_not_published").into());
    }
    Ok(c)
}

impl App {
    /// The campaign version `id` of the unit (else not found).
    pub(crate) async fn camp_of(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: CampaignId,
    ) -> AppResult<CampaignRecord> {
        self.store
            .camp_get(CampaignAt::of(actor, unit, id))
            .await?
            .ok_or(AppError::NotFound)
    }

    /// [`App::camp_of`] for an actor who may take `action` in the unit.
    pub(crate) async fn camp_for(
        &self,
        actor: &Actor,
        action: Action,
        unit: UnitId,
        id: CampaignId,
    ) -> AppResult<CampaignRecord> {
        self.require_unit(actor, action, unit).await?;
        self.camp_of(actor, unit, id).await
    }

    /// [`Self::camp_for`], published (else `campaign`/`selection_not_published`).
    pub(crate) async fn published_for(
        &self,
        actor: &Actor,
        action: Action,
        unit: UnitId,
        id: CampaignId,
    ) -> AppResult<CampaignRecord> {
        self.camp_for(actor, action, unit, id)
            .await
            .and_then(published)
    }

    /// Every version of every campaign of the unit (SelectionView).
    pub async fn camp_list(&self, actor: &Actor, unit: UnitId) -> AppResult<Vec<CampaignRecord>> {
        self.require_unit(actor, Action::SelectionView, unit)
            .await?;
        Ok(self.store.camp_list(actor.district_id, unit).await?)
    }

    /// One version with its siblings and today's quota check (SelectionView).
    pub async fn camp_get(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: CampaignId,
    ) -> AppResult<CampaignView> {
        self.require_unit(actor, Action::SelectionView, unit)
            .await?;
        let campaign = self.camp_of(actor, unit, id).await?;
        let versions: Vec<CampaignRecord> = self
            .store
            .camp_list(actor.district_id, unit)
            .await?
            .into_iter()
            .filter(|c| c.family_id == campaign.family_id)
            .collect();
        let in_force = versions
            .iter()
            .filter(|c| c.status == Status::Applied)
            .map(|c| c.version)
            .max();
        let quota = match self
            .camp_quota(actor.district_id, unit, &campaign.plan)
            .await
        {
            Ok(()) => Vec::new(),
            Err(AppError::Invalid(e)) => e,
            Err(e) => return Err(e),
        };
        Ok(CampaignView {
            campaign,
            versions,
            in_force,
            quota,
        })
    }

    /// The offered seats against the vacant middle posts today (§1.1.3): the district's caps
    /// and split in force, minus the people who hold a middle post that the plan does not
    /// offer (the holders of offered posts compete again).
    async fn camp_quota(&self, d: DistrictId, unit: UnitId, plan: &Plan) -> AppResult<()> {
        let s = self.store.load_structure(d, unit, self.sel_today()).await?;
        let posts = self.store.list_posts(d, unit).await?;
        let offered: BTreeSet<(BodyId, PostLevel)> =
            plan.posts.iter().map(|p| (p.body_id, p.level)).collect();
        let mut holders: Vec<Holders> = Vec::new();
        for a in self.store.open_assignments(d, Some(unit)).await? {
            let Some(p) = posts.iter().find(|p| p.id == a.post_id) else {
                continue;
            };
            let key = (BodyId(p.body_id), p.level);
            if !p.level.is_middle() || offered.contains(&key) {
                continue;
            }
            match holders
                .iter_mut()
                .find(|h| h.body_id == key.0 && h.level == key.1)
            {
                Some(h) => h.count += 1,
                None => holders.push(Holders {
                    body_id: key.0,
                    level: key.1,
                    count: 1,
                }),
            }
        }
        let split = s.split.map(|x| x.lines).unwrap_or_default();
        check_quota(&plan.posts, s.caps.as_ref(), &split, &holders)?;
        Ok(())
    }

    /// The plan a form describes: the district's defaults, the form's fields, every error
    /// at once (field names are the plan's field paths, `posts[1].seats` …).
    pub async fn camp_plan(
        &self,
        actor: &Actor,
        unit: UnitId,
        f: &CampaignForm,
    ) -> AppResult<Plan> {
        let d = actor.district_id;
        let mut errs = Errors::new();
        let deadline = errs.take(parse_date(
            "registration_deadline",
            &f.registration_deadline,
        ));
        let s = self.store.load_structure(d, unit, self.sel_today()).await?;
        let mut posts = Vec::new();
        for (i, l) in f.posts.iter().enumerate() {
            let body = l
                .body_id
                .trim()
                .parse::<i64>()
                .ok()
                .map(BodyId)
                .and_then(|b| s.active().find(|x| x.id == b));
            let Some(body) = body else {
                errs.push(FieldError::new(
                    format!("posts[{i}].body_id"),
                    "choice_invalid",
                ));
                continue;
            };
            let level = errs.take(PostLevel::parse(&format!("posts[{i}].level"), &l.level));
            let seats = match l.seats.trim().parse::<u32>() {
                Ok(n) => Some(n),
                Err(_) => {
                    errs.push(FieldError::new(
                        format!("posts[{i}].seats"),
                        "number_invalid",
                    ));
                    None
                }
            };
            if let (Some(level), Some(seats)) = (level, seats) {
                posts.push(OfferedPost {
                    body_id: body.id,
                    body_name: body.name.clone(),
                    level,
                    seats,
                    sensitive: sensitive_body(&body.name),
                });
            }
        }
        let params = self.calc_params(d, Some(unit)).await?;
        let on = deadline.unwrap_or_else(|| self.sel_today());
        let mut p = Plan::with_params(&f.title, on, posts, &params)?;
        number(&mut errs, "max_choices", &f.max_choices, &mut p.max_choices);
        match f.obey_adjustment_allowed.trim() {
            "" => {}
            "true" | "on" | "是" => p.obey_adjustment_allowed = true,
            "false" | "off" | "否" => p.obey_adjustment_allowed = false,
            _ => errs.push(FieldError::new("obey_adjustment_allowed", "choice_invalid")),
        }
        for (stage, v, field) in [
            (Stage::Written, &f.weight_written, "weight_written"),
            (Stage::Interview, &f.weight_interview, "weight_interview"),
            (Stage::Evaluation, &f.weight_evaluation, "weight_evaluation"),
        ] {
            let mut w = p.weight(stage);
            number(&mut errs, field, v, &mut w);
            match p.stages.iter_mut().find(|s| s.stage == stage) {
                Some(s) => s.weight = w,
                None => p.stages.push(StageWeight { stage, weight: w }),
            }
        }
        number(
            &mut errs,
            "inspection_ratio",
            &f.inspection_ratio,
            &mut p.inspection_ratio,
        );
        choice(
            &mut errs,
            "no_competition",
            &f.no_competition,
            NoCompetitionPolicy::parse,
            &mut p.no_competition,
        );
        choice(
            &mut errs,
            "evaluation_rule",
            &f.evaluation_rule,
            EvaluationRule::parse,
            &mut p.evaluation.rule,
        );
        age(
            &mut errs,
            "max_age_chief",
            &f.max_age_chief,
            &mut p.eligibility.max_age_chief,
        );
        age(
            &mut errs,
            "max_age_deputy",
            &f.max_age_deputy,
            &mut p.eligibility.max_age_deputy,
        );
        choice(
            &mut errs,
            "min_education",
            &f.min_education,
            Education::parse,
            &mut p.eligibility.min_education,
        );
        number(
            &mut errs,
            "publicity_workdays",
            &f.publicity_workdays,
            &mut p.publicity_workdays,
        );
        number(&mut errs, "term_years", &f.term_years, &mut p.term_years);
        number(
            &mut errs,
            "probation_months",
            &f.probation_months,
            &mut p.probation_months,
        );
        errs.take_all(p.validate());
        errs.into_result()?;
        Ok(p)
    }

    /// Drafts version 1 of a campaign (SelectionManage). Errors: every field of the plan,
    /// and the quota (`posts[i].seats`/`selection_seats_over_vacancy`,
    /// `posts`/`selection_seats_over_total`, `posts`/`no_caps`).
    pub async fn camp_create(
        &self,
        actor: &Actor,
        unit: UnitId,
        f: &CampaignForm,
    ) -> AppResult<CampaignId> {
        self.require_unit(actor, Action::SelectionManage, unit)
            .await?;
        let plan = self.camp_plan(actor, unit, f).await?;
        self.camp_quota(actor.district_id, unit, &plan).await?;
        let v = PlanVersion::first(plan)?;
        let audit = self
            .audit(actor)
            .unit(unit)
            .did(AuditAction::SelectionCampaignCreate)
            .on(ObjectKind::SelectionCampaign, "")
            .after(&v.plan);
        let w = CampaignWrite {
            family_id: None,
            version: 1,
            revision_reason: String::new(),
            plan: v.plan,
        };
        Ok(self
            .store
            .camp_create(UnitAt::unit(actor.district_id, unit), &w, audit)
            .await?)
    }

    /// Replaces the plan of a draft version (SelectionManage). A submitted, approved or
    /// published version is refused (`status`/`plan_status_invalid`).
    pub async fn camp_update(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: CampaignId,
        f: &CampaignForm,
    ) -> AppResult<()> {
        self.require_unit(actor, Action::SelectionManage, unit)
            .await?;
        let c = self.camp_of(actor, unit, id).await?;
        let mut v = c.version();
        SELECTION_CAMPAIGNS.check_editable(v.status)?;
        let plan = self.camp_plan(actor, unit, f).await?;
        self.camp_quota(actor.district_id, unit, &plan).await?;
        v.edit(plan)?;
        let audit = self
            .audit(actor)
            .unit(unit)
            .did(AuditAction::SelectionCampaignUpdate)
            .on(ObjectKind::SelectionCampaign, id.0)
            .before(&c.plan)
            .after(&v.plan);
        self.store
            .camp_update(CampaignAt::of(actor, unit, id), &v, audit)
            .await
            .map_err(|e| crate::workflow::status_err(e, c.status))
    }

    /// Submits a draft to the district (SelectionManage), after checking the quota again.
    pub async fn camp_submit(&self, actor: &Actor, unit: UnitId, id: CampaignId) -> AppResult<()> {
        self.camp_step(actor, unit, id, Step::Submit).await
    }

    /// Publishes an approved version (发布, SelectionManage): from now on it is immutable.
    pub async fn camp_publish(&self, actor: &Actor, unit: UnitId, id: CampaignId) -> AppResult<()> {
        self.camp_step(actor, unit, id, Step::Apply).await
    }

    /// The unit's step `step` on the campaign version `id` (a submission checks the plan
    /// and the quota again).
    async fn camp_step(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: CampaignId,
        step: Step,
    ) -> AppResult<()> {
        self.require_step(actor, &SELECTION_CAMPAIGNS, step, unit)
            .await?;
        let c = self.camp_of(actor, unit, id).await?;
        SELECTION_CAMPAIGNS.check(step, c.status)?;
        if step == Step::Submit {
            c.plan.validate()?;
            self.camp_quota(actor.district_id, unit, &c.plan).await?;
        }
        self.record_step(
            actor,
            unit,
            (id, c.status, &c.title),
            step,
            StepInput::default(),
        )
        .await
    }

    /// A change to a published version (SelectionManage): a new draft version numbered on,
    /// with a required reason, that runs the approval again (§1.2.1). Refused while the
    /// campaign already has a newer version. Errors: `reason`/`required`,
    /// `plan`/`selection_plan_unchanged`, `status`/`plan_status_invalid`, every plan field,
    /// the quota.
    pub async fn camp_revise(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: CampaignId,
        f: &CampaignForm,
        reason: &str,
    ) -> AppResult<CampaignId> {
        self.require_unit(actor, Action::SelectionManage, unit)
            .await?;
        let c = self.camp_of(actor, unit, id).await?;
        let newest = self
            .store
            .camp_list(actor.district_id, unit)
            .await?
            .iter()
            .filter(|x| x.family_id == c.family_id)
            .map(|x| x.version)
            .max()
            .unwrap_or(c.version);
        if newest > c.version {
            return Err(FieldError::new("version", "selection_newer_version")
                .with("version", newest)
                .into());
        }
        let plan = self.camp_plan(actor, unit, f).await?;
        let next = c.version().revise(plan, reason)?;
        self.camp_quota(actor.district_id, unit, &next.plan).await?;
        let version = i64::from(next.version);
        let audit = self
            .audit(actor)
            .unit(unit)
            .did(AuditAction::SelectionCampaignRevise)
            .on(ObjectKind::SelectionCampaign, "")
            .before(&c.plan)
            .after(&Revised {
                from_version: c.version,
                version,
                reason: &next.reason,
                plan: &next.plan,
            });
        let w = CampaignWrite {
            family_id: Some(c.family_id),
            version,
            revision_reason: next.reason,
            plan: next.plan,
        };
        Ok(self
            .store
            .camp_create(UnitAt::unit(actor.district_id, unit), &w, audit)
            .await?)
    }

    /// The dates a plan's registration deadline defaults to: four weeks from today.
    pub fn camp_default_deadline(&self) -> NaiveDate {
        self.sel_today() + chrono::Days::new(28)
    }
}

#[cfg(test)]
mod sensitive_tests {
    use super::sensitive_body;

    /// §1.9.2 vector: 财政所 (finance) and the office handling personnel are sensitive;
    /// an economic office is not.
    #[test]
    fn finance_and_personnel_bodies_are_sensitive_by_name() {
        for name in [
            "财政所",
            "组织人事办公室",
            "党建工作办公室",
            "纪工委",
            "审计办",
        ] {
            assert!(sensitive_body(name), "{name}");
        }
        for name in ["经济发展办公室", "党政综合办公室", "城市管理办公室"] {
            assert!(!sensitive_body(name), "{name}");
        }
    }
}
