//! The campaign plan (竞争上岗方案, RULES-SELECTION-APPRAISAL §1.2): what must be fixed before
//! registration opens, its validation, its versions, and the quota check.
//!
//! - [`Plan::validate`] returns every [`FieldError`] at once; field names are the plan's
//!   field paths (`posts[0].seats`, `weights`, `tie_break`, `eligibility.max_age_chief`).
//! - [`PlanVersion`]: a plan is edited only while its version is a draft (or rejected,
//!   following [`SELECTION_CAMPAIGNS`]); once published (`applied`) it is immutable
//!   (§1.2.1 [K]) and a change is [`PlanVersion::revise`]: a new version, numbered on, with
//!   a required reason, that runs the approval again. Every computed result carries the
//!   version it was computed under ([`crate::selection::scores::Ranking::plan_version`]).
//! - [`check_quota`]: offered seats within the vacant middle posts (§1.1.3 [S3], 暂行规定
//!   art. 5 "必须在核定的编制和领导职数限额内进行"; RULES.md §7).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::FieldError;
use crate::error::{Errors, required_text};
use crate::org::{BodyId, Caps, SplitLine};
use crate::people::{EstablishmentKind, Identity};
use crate::posts::{Education, PostLevel};
use crate::rules::keys;
use crate::rules::params::Params;
use crate::rules::selection::composite_score;
use crate::workflow::{SELECTION_CAMPAIGNS, Status, status_invalid};

closed_lists!("selection/plan.toml");

/// A middle post offered in the campaign: a body's 正职 or 副职, with its number of seats.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferedPost {
    pub body_id: BodyId,
    /// The body's name, for messages.
    pub body_name: String,
    /// [`PostLevel::Chief`] or [`PostLevel::Deputy`].
    pub level: PostLevel,
    pub seats: u32,
    /// The body does 组织、人事、纪检、监察、审计 or 财务 work (公务员法 art. 74 [S]): a
    /// relative of a 班子成员 may not take it (§1.9.2).
    pub sensitive: bool,
}

impl OfferedPost {
    /// The post's key within a plan: body and level.
    pub fn key(&self) -> PostKey {
        PostKey {
            body_id: self.body_id,
            level: self.level,
        }
    }
}

/// A post of a plan: one body's chief or deputy posts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct PostKey {
    pub body_id: BodyId,
    pub level: PostLevel,
}

/// The eligibility conditions of a plan (§1.3.4, evaluated at the registration deadline).
/// The letters are the rows of the table in §1.3.4.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EligibilityRules {
    /// (b) Identities in scope (暂行规定 art. 3 [S3]): default 公务员 and 事业干部.
    pub identities: Vec<Identity>,
    /// (b) Establishment kinds in scope (在编): default 行政编制 and 事业编制.
    pub establishment_kinds: Vec<EstablishmentKind>,
    /// §1.1.4: staff of subordinate public institutions may apply (default false).
    pub admit_subordinate_institutions: bool,
    /// (c) 正职: under this age on the reference date ("45周岁以下" [L]); `None`: no limit.
    pub max_age_chief: Option<u32>,
    /// (d) 副职: default 40 [K].
    pub max_age_deputy: Option<u32>,
    /// `age_limit_inclusive = false`: "45周岁以下" read as "not yet 45" [K]; true admits 45.
    pub age_limit_inclusive: bool,
    /// (e) Minimum education: default 大专 (条例 2019 art. 8(4) [S3]).
    pub min_education: Education,
    /// (f) Years as 中层副职 to apply for a 正职 post: default 2 ([L]; 条例 art. 8(3) [S3]).
    pub min_deputy_years_for_chief: u32,
    /// (f) Only current 中层副职 may apply for 正职 posts (default false: others may, under
    /// `min_service_years_chief`).
    pub chief_requires_deputy: bool,
    /// (g) Years of work for a 副职 post: default 3 [K].
    pub min_service_years_deputy: u32,
    /// (g) Years of work for a 正职 post by someone who is not a 中层副职: default 5 [K].
    pub min_service_years_chief: u32,
    /// (h) The last N annual appraisals must all be 称职/合格 or better: default 3 [L].
    pub appraisal_years: u32,
}

impl Default for EligibilityRules {
    fn default() -> Self {
        Self {
            identities: vec![Identity::CivilServant, Identity::InstitutionCadre],
            establishment_kinds: vec![
                EstablishmentKind::Administrative,
                EstablishmentKind::Institution,
            ],
            admit_subordinate_institutions: false,
            max_age_chief: Some(45),
            max_age_deputy: Some(40),
            age_limit_inclusive: false,
            min_education: Education::College,
            min_deputy_years_for_chief: 2,
            chief_requires_deputy: false,
            min_service_years_deputy: 3,
            min_service_years_chief: 5,
            appraisal_years: 3,
        }
    }
}

/// The democratic-evaluation parameters (§1.6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvaluationParams {
    pub electorate: Electorate,
    pub format: BallotFormat,
    pub rule: EvaluationRule,
    /// `abstain_in_denominator = true` (§1.6.4): blank lines count in the approval's
    /// denominator (conservative).
    pub abstain_in_denominator: bool,
    /// The percentage at or below which `approval_le_half` disqualifies (default 50).
    pub approval_floor_pct: Decimal,
    /// Points of 优秀, 称职, 基本称职, 不称职 for the evaluation score (§1.6.6 [K]: 100, 80,
    /// 60, 0). A 同意/不同意 ballot scores the first and the last.
    pub points: [Decimal; 4],
}

impl Default for EvaluationParams {
    fn default() -> Self {
        Self {
            electorate: Electorate::AllStaffInPost,
            format: BallotFormat::FourGrade,
            rule: EvaluationRule::ApprovalLeHalf,
            abstain_in_denominator: true,
            approval_floor_pct: Decimal::from(50),
            points: [
                Decimal::ONE_HUNDRED,
                Decimal::from(80),
                Decimal::from(60),
                Decimal::ZERO,
            ],
        }
    }
}

/// A stage and its weight in the composite (a Decimal percentage; 0: not scored).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageWeight {
    pub stage: Stage,
    pub weight: Decimal,
}

/// Everything a campaign fixes before registration opens (§1.2.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    pub title: String,
    /// The reference date of eligibility (§1.3.4: `reference_date = registration_deadline`).
    pub registration_deadline: NaiveDate,
    pub posts: Vec<OfferedPost>,
    pub eligibility: EligibilityRules,
    /// Posts an applicant may list, in priority order (§1.3.1: default 1; a district may set 2).
    pub max_choices: u32,
    /// Applicants may tick "服从组织安排/服从调剂" (§1.3.1).
    pub obey_adjustment_allowed: bool,
    /// Signers a joint nomination (群众联名推荐) needs (§1.6.7 [K]: 5).
    pub min_joint_signers: u32,
    /// The stages in the order they are held, with their weights (§1.7.1: summing to 100).
    pub stages: Vec<StageWeight>,
    /// §1.4.2 [S3]: below it, no interview.
    pub written_pass_mark: Decimal,
    /// §1.4.3 [S3]: candidates advanced to interview per seat, by written score (default 3).
    pub interview_ratio: u32,
    /// §1.5.6 [S3].
    pub interview_pass_mark: Decimal,
    /// §1.5.1: the smallest panel (default 5 [L]) and whether it must be odd.
    pub judges_min: u32,
    pub judges_odd: bool,
    /// §1.5.2: with more valid judge scores than this, drop one highest and one lowest.
    pub trim_over: u32,
    pub evaluation: EvaluationParams,
    /// §1.8.1: candidates inspected per post = max(seats + 1, ⌈seats × ratio⌉) (default 2).
    pub inspection_ratio: Decimal,
    /// §1.8.2 [K]: the inspection team has at least this many members (default 2).
    pub inspection_team_min: u32,
    /// §1.8.3 [S3]: a candidate dropped at inspection is replaced by the next ranked
    /// (依次递补); default false (no automatic back-fill).
    pub backfill_after_inspection: bool,
    /// §1.7.5: the ranking order; starts with the composite.
    pub tie_break: Vec<TieKey>,
    pub no_competition: NoCompetitionPolicy,
    /// §1.3.2 [S3]: the interview floor under `proceed_with_floor` (default 60).
    pub interview_floor_no_competition: Decimal,
    /// 任前公示 in working days (§1.11.1 [S3], 条例 2019 art. 42: at least 5).
    pub publicity_workdays: u32,
    /// 聘任期 (seed: 3 years).
    pub term_years: u32,
    /// 试用期 (§1.11.3 [S3]: 12 months).
    pub probation_months: u32,
}

impl Plan {
    /// A plan with the defaults of RULES-SELECTION-APPRAISAL (stages 笔试 30 / 面试 40 /
    /// 民主测评 30, the common example of §1.7.1 [K]).
    pub fn with_defaults(
        title: &str,
        registration_deadline: NaiveDate,
        posts: Vec<OfferedPost>,
    ) -> Self {
        Self {
            title: title.to_string(),
            registration_deadline,
            posts,
            eligibility: EligibilityRules::default(),
            max_choices: 1,
            obey_adjustment_allowed: true,
            min_joint_signers: 5,
            stages: vec![
                StageWeight {
                    stage: Stage::Written,
                    weight: Decimal::from(30),
                },
                StageWeight {
                    stage: Stage::Interview,
                    weight: Decimal::from(40),
                },
                StageWeight {
                    stage: Stage::Evaluation,
                    weight: Decimal::from(30),
                },
            ],
            written_pass_mark: Decimal::from(60),
            interview_ratio: 3,
            interview_pass_mark: Decimal::from(60),
            judges_min: 5,
            judges_odd: true,
            trim_over: 5,
            evaluation: EvaluationParams::default(),
            inspection_ratio: Decimal::TWO,
            inspection_team_min: 2,
            backfill_after_inspection: false,
            tie_break: vec![
                TieKey::Composite,
                TieKey::Written,
                TieKey::Interview,
                TieKey::EvaluationApproval,
                TieKey::ExtraTest,
            ],
            no_competition: NoCompetitionPolicy::DropAndReopen,
            interview_floor_no_competition: Decimal::from(60),
            publicity_workdays: 5,
            term_years: 3,
            probation_months: 12,
        }
    }

    /// [`Plan::with_defaults`] with the district's policy parameters in force
    /// (`rules::params`): `selection.interview_trim_threshold` → `trim_over`,
    /// `selection.evaluation_min_approval_pct` → the evaluation's approval floor,
    /// `selection.shortlist_extra_per_post` (n) → `inspection_ratio = 1 + n` (n = 1: 2:1),
    /// `selection.publicity_workdays`, and `selection.exam_before_evaluation` → the stage
    /// order (民主测评 first when false). Errors: the parameters' own.
    pub fn with_params(
        title: &str,
        registration_deadline: NaiveDate,
        posts: Vec<OfferedPost>,
        params: &Params,
    ) -> Result<Self, FieldError> {
        let mut p = Self::with_defaults(title, registration_deadline, posts);
        let count = |key: &str| -> Result<u32, FieldError> {
            u32::try_from(params.int(key)?).map_err(|_| FieldError::new(key, "out_of_range"))
        };
        p.trim_over = count(keys::INTERVIEW_TRIM_THRESHOLD)?;
        p.evaluation.approval_floor_pct = params.decimal(keys::EVALUATION_MIN_APPROVAL_PCT)?;
        p.inspection_ratio = Decimal::from(count(keys::SHORTLIST_EXTRA_PER_POST)?) + Decimal::ONE;
        p.publicity_workdays = count(keys::PUBLICITY_WORKDAYS)?;
        if !params.bool(keys::EXAM_BEFORE_EVALUATION)? {
            p.stages.rotate_right(1);
        }
        Ok(p)
    }

    /// The weight of a stage (0 when the plan does not list it).
    pub fn weight(&self, stage: Stage) -> Decimal {
        self.stages
            .iter()
            .find(|s| s.stage == stage)
            .map_or(Decimal::ZERO, |s| s.weight)
    }

    /// The offered post with this key.
    pub fn post(&self, key: PostKey) -> Option<&OfferedPost> {
        self.posts.iter().find(|p| p.key() == key)
    }

    /// Every error of the plan at once (field names are the plan's field paths).
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errs = Errors::new();
        errs.take(required_text("title", &self.title, TITLE_MAX));
        self.validate_posts(&mut errs);
        range(&mut errs, "max_choices", self.max_choices, 1, MAX_CHOICES);
        range(
            &mut errs,
            "min_joint_signers",
            self.min_joint_signers,
            1,
            1000,
        );
        self.validate_stages(&mut errs);
        for (f, v) in [
            ("written_pass_mark", self.written_pass_mark),
            ("interview_pass_mark", self.interview_pass_mark),
            (
                "interview_floor_no_competition",
                self.interview_floor_no_competition,
            ),
        ] {
            score_range(&mut errs, f, v);
        }
        range(&mut errs, "interview_ratio", self.interview_ratio, 1, 10);
        range(&mut errs, "judges_min", self.judges_min, 3, 99);
        if self.judges_odd && self.judges_min.is_multiple_of(2) {
            errs.push(FieldError::new("judges_min", "selection_judges_even"));
        }
        range(&mut errs, "trim_over", self.trim_over, 2, 99);
        if self.inspection_ratio < Decimal::ONE || self.inspection_ratio > Decimal::from(5) {
            errs.push(
                FieldError::new("inspection_ratio", "out_of_range")
                    .with("min", 1)
                    .with("max", 5),
            );
        }
        range(
            &mut errs,
            "inspection_team_min",
            self.inspection_team_min,
            2,
            20,
        );
        self.validate_tie_break(&mut errs);
        self.validate_evaluation(&mut errs);
        // 条例 art. 42 [S3]: at least five working days.
        range(
            &mut errs,
            "publicity_workdays",
            self.publicity_workdays,
            5,
            30,
        );
        range(&mut errs, "term_years", self.term_years, 1, 10);
        range(&mut errs, "probation_months", self.probation_months, 0, 24);
        self.validate_eligibility(&mut errs);
        errs.into_result()
    }

    fn validate_posts(&self, errs: &mut Errors) {
        if self.posts.is_empty() {
            errs.push(FieldError::new("posts", "required"));
        }
        if self.posts.len() > POSTS_MAX {
            errs.push(FieldError::new("posts", "too_many").with("max", POSTS_MAX));
        }
        let mut seen = BTreeMap::new();
        for (i, p) in self.posts.iter().enumerate() {
            if !p.level.is_middle() {
                errs.push(FieldError::new(
                    format!("posts[{i}].level"),
                    "selection_level_not_middle",
                ));
            }
            if p.seats == 0 || p.seats > SEATS_MAX {
                errs.push(
                    FieldError::new(format!("posts[{i}].seats"), "out_of_range")
                        .with("min", 1)
                        .with("max", SEATS_MAX),
                );
            }
            if p.level == PostLevel::Chief && p.seats > 1 {
                // One chief per body (posts module, `post_chief_taken`).
                errs.push(FieldError::new(
                    format!("posts[{i}].seats"),
                    "selection_one_chief_per_body",
                ));
            }
            if seen.insert(p.key(), i).is_some() {
                errs.push(
                    FieldError::new(format!("posts[{i}]"), "duplicate")
                        .with("body", &p.body_name)
                        .with("level", p.level.code()),
                );
            }
        }
    }

    fn validate_stages(&self, errs: &mut Errors) {
        if self.stages.is_empty() {
            errs.push(FieldError::new("stages", "required"));
            return;
        }
        for (i, s) in self.stages.iter().enumerate() {
            if self.stages[..i].iter().any(|x| x.stage == s.stage) {
                errs.push(FieldError::new("stages", "duplicate").with("stage", s.stage.code()));
            }
        }
        // §1.7.1: weights are Decimal percentages summing to exactly 100 — the composite
        // rule's own check.
        let parts: Vec<(Decimal, Decimal)> = self
            .stages
            .iter()
            .map(|s| (Decimal::ZERO, s.weight))
            .collect();
        if let Err(e) = composite_score(&parts) {
            errs.push(e);
        }
    }

    fn validate_tie_break(&self, errs: &mut Errors) {
        let t = &self.tie_break;
        if t.first() != Some(&TieKey::Composite) {
            errs.push(FieldError::new(
                "tie_break",
                "selection_tie_break_composite_first",
            ));
        }
        for (i, k) in t.iter().enumerate() {
            if t[..i].contains(k) {
                errs.push(FieldError::new("tie_break", "duplicate").with("key", k.code()));
            }
        }
        if let Some(p) = t.iter().position(|k| *k == TieKey::ExtraTest)
            && p + 1 != t.len()
        {
            errs.push(FieldError::new(
                "tie_break",
                "selection_tie_break_extra_test_last",
            ));
        }
        let stage_of = |k: TieKey| match k {
            TieKey::Written => Some(Stage::Written),
            TieKey::Interview => Some(Stage::Interview),
            TieKey::EvaluationApproval => Some(Stage::Evaluation),
            TieKey::Composite | TieKey::ExtraTest => None,
        };
        for k in t {
            if let Some(s) = stage_of(*k)
                && !self.stages.iter().any(|x| x.stage == s)
            {
                errs.push(
                    FieldError::new("tie_break", "selection_tie_break_stage_missing")
                        .with("key", k.code()),
                );
            }
        }
    }

    fn validate_evaluation(&self, errs: &mut Errors) {
        let p = &self.evaluation.points;
        if p.iter()
            .any(|x| *x < Decimal::ZERO || *x > Decimal::ONE_HUNDRED)
        {
            errs.push(
                FieldError::new("evaluation.points", "out_of_range")
                    .with("min", 0)
                    .with("max", 100),
            );
        }
        let floor = self.evaluation.approval_floor_pct;
        if floor < Decimal::ZERO || floor > Decimal::ONE_HUNDRED {
            errs.push(
                FieldError::new("evaluation.approval_floor_pct", "out_of_range")
                    .with("min", 0)
                    .with("max", 100),
            );
        }
        if p.windows(2).any(|w| w[0] < w[1]) {
            errs.push(FieldError::new(
                "evaluation.points",
                "selection_points_not_descending",
            ));
        }
    }

    fn validate_eligibility(&self, errs: &mut Errors) {
        let e = &self.eligibility;
        if e.identities.is_empty() {
            errs.push(FieldError::new("eligibility.identities", "required"));
        }
        if e.establishment_kinds.is_empty() {
            errs.push(FieldError::new(
                "eligibility.establishment_kinds",
                "required",
            ));
        }
        for (f, v) in [
            ("eligibility.max_age_chief", e.max_age_chief),
            ("eligibility.max_age_deputy", e.max_age_deputy),
        ] {
            if let Some(v) = v {
                range(errs, f, v, 18, 65);
            }
        }
        for (f, v) in [
            (
                "eligibility.min_deputy_years_for_chief",
                e.min_deputy_years_for_chief,
            ),
            (
                "eligibility.min_service_years_deputy",
                e.min_service_years_deputy,
            ),
            (
                "eligibility.min_service_years_chief",
                e.min_service_years_chief,
            ),
        ] {
            range(errs, f, v, 0, 40);
        }
        range(errs, "eligibility.appraisal_years", e.appraisal_years, 0, 5);
    }
}

/// Longest plan title, in characters.
pub const TITLE_MAX: usize = 100;
/// Most posts one campaign offers (the benchmark runs 200).
pub const POSTS_MAX: usize = 1000;
/// Most seats of one offered post.
pub const SEATS_MAX: u32 = 20;
/// Most choices an applicant may list.
pub const MAX_CHOICES: u32 = 5;

fn range(errs: &mut Errors, field: &str, v: u32, min: u32, max: u32) {
    if v < min || v > max {
        errs.push(
            FieldError::new(field, "out_of_range")
                .with("min", min)
                .with("max", max),
        );
    }
}

fn score_range(errs: &mut Errors, field: &str, v: Decimal) {
    if v < Decimal::ZERO || v > Decimal::ONE_HUNDRED {
        errs.push(
            FieldError::new(field, "out_of_range")
                .with("min", 0)
                .with("max", 100),
        );
    }
}

/// One version of a campaign's plan and where it stands in [`SELECTION_CAMPAIGNS`].
/// `Status::Applied` is "published" (已发布).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanVersion {
    /// 1, 2, …
    pub version: u32,
    pub status: Status,
    /// Why this version replaces the previous one (empty for version 1).
    pub reason: String,
    pub plan: Plan,
}

/// Longest revision reason, in characters.
pub const REASON_MAX: usize = 500;

impl PlanVersion {
    /// Version 1, a draft. Errors: every error of [`Plan::validate`].
    pub fn first(plan: Plan) -> Result<Self, Vec<FieldError>> {
        plan.validate()?;
        Ok(Self {
            version: 1,
            status: Status::Draft,
            reason: String::new(),
            plan,
        })
    }

    /// Whether this version is published (immutable).
    pub fn published(&self) -> bool {
        self.status == Status::Applied
    }

    /// Replaces the plan of a version that may still be edited. A published (or submitted,
    /// approved) version is refused: `status`/`plan_status_invalid` — a published plan
    /// changes only through [`PlanVersion::revise`].
    pub fn edit(&mut self, plan: Plan) -> Result<(), Vec<FieldError>> {
        SELECTION_CAMPAIGNS
            .check_editable(self.status)
            .map_err(|e| vec![e])?;
        plan.validate()?;
        self.plan = plan;
        Ok(())
    }

    /// A change to a published plan: a new draft version (numbered on) with a required
    /// reason, which runs the approval again; the published version stays as it is until the
    /// new one is published. Errors: `status`/`plan_status_invalid` (this version is not
    /// published), `reason`/`required`|`too_long`, `plan`/`selection_plan_unchanged`, and
    /// every error of [`Plan::validate`].
    pub fn revise(&self, plan: Plan, reason: &str) -> Result<PlanVersion, Vec<FieldError>> {
        let mut errs = Errors::new();
        if !self.published() {
            errs.push(status_invalid(self.status));
        }
        let reason = errs.take(required_text("reason", reason, REASON_MAX));
        if plan == self.plan {
            errs.push(FieldError::new("plan", "selection_plan_unchanged"));
        }
        errs.take_all(plan.validate());
        errs.into_result()?;
        Ok(PlanVersion {
            version: self.version.saturating_add(1),
            status: Status::Draft,
            reason: reason.unwrap_or_default(),
            plan,
        })
    }
}

/// Current holders of middle posts who keep them through the campaign: per body and level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holders {
    pub body_id: BodyId,
    pub level: PostLevel,
    pub count: u32,
}

/// Offered seats must fit the vacant middle posts (§1.1.3 [S3]): per body and level, the
/// approved split line (总量核定后的分解) minus the holders; per level, the unit's cap minus
/// all holders. A body absent from the split has no approved post. `holders` lists the
/// people who keep their post through the campaign (a campaign that re-competes every post
/// passes only those whose post is not offered). Errors: `posts[i].seats`/
/// `selection_seats_over_vacancy` (args `body`, `level`, `seats`, `vacant`) and
/// `posts`/`selection_seats_over_total` (args `level`, `seats`, `vacant`); `posts`/`no_caps`
/// without approved caps.
pub fn check_quota(
    posts: &[OfferedPost],
    caps: Option<&Caps>,
    split: &[SplitLine],
    holders: &[Holders],
) -> Result<(), Vec<FieldError>> {
    let Some(caps) = caps else {
        return Err(vec![FieldError::new("posts", "no_caps")]);
    };
    let mut errs = Errors::new();
    let approved = |body: BodyId, level: PostLevel| -> i64 {
        split
            .iter()
            .filter(|l| l.body == body)
            .map(|l| match level {
                PostLevel::Chief => l.chiefs,
                _ => l.deputies,
            })
            .sum()
    };
    let held = |body: Option<BodyId>, level: PostLevel| -> i64 {
        holders
            .iter()
            .filter(|h| h.level == level && body.is_none_or(|b| b == h.body_id))
            .map(|h| i64::from(h.count))
            .sum()
    };
    for (i, p) in posts.iter().enumerate() {
        let vacant = (approved(p.body_id, p.level) - held(Some(p.body_id), p.level)).max(0);
        if i64::from(p.seats) > vacant {
            errs.push(
                FieldError::new(format!("posts[{i}].seats"), "selection_seats_over_vacancy")
                    .with("body", &p.body_name)
                    .with("level", p.level.code())
                    .with("seats", p.seats)
                    .with("vacant", vacant),
            );
        }
    }
    for (level, cap) in [
        (PostLevel::Chief, caps.max_chiefs),
        (PostLevel::Deputy, caps.max_deputies),
    ] {
        let seats: i64 = posts
            .iter()
            .filter(|p| p.level == level)
            .map(|p| i64::from(p.seats))
            .sum();
        let vacant = (cap - held(None, level)).max(0);
        if seats > vacant {
            errs.push(
                FieldError::new("posts", "selection_seats_over_total")
                    .with("level", level.code())
                    .with("seats", seats)
                    .with("vacant", vacant),
            );
        }
    }
    errs.into_result()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
pub(crate) mod tests {
    use super::*;
    use crate::selection::test_util::{date, dec, weights};
    use crate::workflow::Step;

    pub fn post(body: i64, level: PostLevel, seats: u32) -> OfferedPost {
        OfferedPost {
            body_id: BodyId(body),
            body_name: format!("机构{body}"),
            level,
            seats,
            sensitive: false,
        }
    }

    pub fn plan() -> Plan {
        Plan::with_defaults(
            "2026年中层干部竞争上岗",
            date("2026-02-28"),
            vec![
                post(1, PostLevel::Chief, 1),
                post(1, PostLevel::Deputy, 2),
                post(2, PostLevel::Chief, 1),
            ],
        )
    }

    fn codes(r: Result<(), Vec<FieldError>>) -> Vec<(String, String)> {
        r.err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect()
    }

    fn has(r: &[(String, String)], f: &str, c: &str) -> bool {
        r.iter().any(|(a, b)| a == f && b == c)
    }

    #[test]
    fn default_plan_is_valid() {
        assert_eq!(plan().validate(), Ok(()));
        assert_eq!(plan().weight(Stage::Interview), dec("40"));
    }

    #[test]
    fn plan_defaults_follow_the_district_parameters() {
        let p = Plan::with_params(
            &plan().title,
            date("2026-02-28"),
            plan().posts,
            &Params::default(),
        )
        .unwrap();
        assert_eq!(p, plan());
        let params = Params::from_pairs([
            (keys::INTERVIEW_TRIM_THRESHOLD, "7"),
            (keys::EVALUATION_MIN_APPROVAL_PCT, "60"),
            (keys::SHORTLIST_EXTRA_PER_POST, "2"),
            (keys::PUBLICITY_WORKDAYS, "7"),
            (keys::EXAM_BEFORE_EVALUATION, "false"),
        ])
        .unwrap();
        let p = Plan::with_params("t", date("2026-02-28"), plan().posts, &params).unwrap();
        assert_eq!(p.trim_over, 7);
        assert_eq!(p.evaluation.approval_floor_pct, dec("60"));
        assert_eq!(p.inspection_ratio, dec("3"));
        assert_eq!(p.publicity_workdays, 7);
        let order: Vec<Stage> = p.stages.iter().map(|s| s.stage).collect();
        assert_eq!(order, [Stage::Evaluation, Stage::Written, Stage::Interview]);
        assert_eq!(p.validate(), Ok(()));
    }

    #[test]
    fn validation_names_every_field_at_once() {
        let mut p = plan();
        p.title = " ".into();
        p.posts.push(post(1, PostLevel::Chief, 1)); // duplicate of posts[0]
        p.posts.push(post(3, PostLevel::General, 1));
        p.posts.push(post(4, PostLevel::Deputy, 0));
        p.posts.push(post(5, PostLevel::Chief, 2));
        p.max_choices = 0;
        p.stages[0].weight = dec("31");
        p.tie_break = vec![TieKey::Written, TieKey::ExtraTest, TieKey::Composite];
        p.judges_min = 6;
        p.inspection_ratio = dec("0.5");
        p.publicity_workdays = 4;
        p.written_pass_mark = dec("101");
        p.eligibility.identities.clear();
        p.eligibility.max_age_chief = Some(70);
        p.evaluation.points = [dec("60"), dec("80"), dec("60"), dec("0")];
        let r = codes(p.validate());
        for (f, c) in [
            ("title", "required"),
            ("posts[3]", "duplicate"),
            ("posts[4].level", "selection_level_not_middle"),
            ("posts[5].seats", "out_of_range"),
            ("posts[6].seats", "selection_one_chief_per_body"),
            ("max_choices", "out_of_range"),
            ("weights", "weights_sum"),
            ("tie_break", "selection_tie_break_composite_first"),
            ("tie_break", "selection_tie_break_extra_test_last"),
            ("judges_min", "selection_judges_even"),
            ("inspection_ratio", "out_of_range"),
            ("publicity_workdays", "out_of_range"),
            ("written_pass_mark", "out_of_range"),
            ("eligibility.identities", "required"),
            ("eligibility.max_age_chief", "out_of_range"),
            ("evaluation.points", "selection_points_not_descending"),
        ] {
            assert!(has(&r, f, c), "{f} {c} missing in {r:?}");
        }
    }

    #[test]
    fn stages_weights_and_tie_break_consistency() {
        let mut p = plan();
        // 笔试 50 / 面试 50 (上饶 [S3]): the evaluation is not scored, so it cannot break ties.
        p.stages = weights(&[(Stage::Written, "50"), (Stage::Interview, "50")]);
        let r = codes(p.validate());
        assert!(has(&r, "tie_break", "selection_tie_break_stage_missing"));
        p.tie_break = vec![TieKey::Composite, TieKey::Written, TieKey::Interview];
        assert_eq!(p.validate(), Ok(()));
        p.stages.push(p.stages[0]);
        assert!(has(&codes(p.validate()), "stages", "duplicate"));
    }

    #[test]
    fn a_published_plan_is_immutable_and_a_change_is_a_new_version() {
        let mut v1 = PlanVersion::first(plan()).unwrap();
        assert_eq!((v1.version, v1.status), (1, Status::Draft));
        let mut p = plan();
        p.max_choices = 2;
        v1.edit(p.clone()).unwrap();
        assert_eq!(v1.plan.max_choices, 2);
        // Through the workflow: submit, approve, publish (apply).
        for step in [Step::Submit, Step::Approve, Step::Apply] {
            v1.status = SELECTION_CAMPAIGNS.check(step, v1.status).unwrap();
        }
        assert!(v1.published());
        let e = v1.edit(plan()).unwrap_err();
        assert_eq!(
            (e[0].field.as_str(), e[0].code.as_str()),
            ("status", "plan_status_invalid")
        );
        // Unchanged, no reason.
        let r = codes(v1.revise(v1.plan.clone(), " ").map(|_| ()));
        assert!(has(&r, "reason", "required"));
        assert!(has(&r, "plan", "selection_plan_unchanged"));
        let mut p3 = v1.plan.clone();
        p3.posts[1].seats = 1;
        let v2 = v1.revise(p3.clone(), "副职职数调整").unwrap();
        assert_eq!(
            (v2.version, v2.status, v2.reason.as_str()),
            (2, Status::Draft, "副职职数调整")
        );
        // v1 is untouched, and a draft cannot be revised (it is edited instead).
        assert_eq!(v1.plan.posts[1].seats, 2);
        let r = codes(v2.revise(plan(), "x").map(|_| ()));
        assert!(has(&r, "status", "plan_status_invalid"));
        // An invalid revision is refused with the plan's errors.
        let mut bad = p3;
        bad.term_years = 0;
        assert!(has(
            &codes(v1.revise(bad, "x").map(|_| ())),
            "term_years",
            "out_of_range"
        ));
    }

    fn caps(chiefs: i64, deputies: i64) -> Caps {
        Caps {
            max_bodies: 10,
            max_chiefs: chiefs,
            max_deputies: deputies,
            doc_no: "镇编〔2026〕1号".into(),
        }
    }

    fn line(body: i64, chiefs: i64, deputies: i64) -> SplitLine {
        SplitLine {
            body: BodyId(body),
            chiefs,
            deputies,
        }
    }

    #[test]
    fn quota_refuses_seats_beyond_the_vacant_middle_posts() {
        let posts = plan().posts; // body 1: chief 1, deputy 2; body 2: chief 1
        let split = [line(1, 1, 2), line(2, 1, 1)];
        assert_eq!(check_quota(&posts, Some(&caps(2, 3)), &split, &[]), Ok(()));
        // One deputy of body 1 keeps the post: only 1 deputy seat is vacant there.
        let held = [Holders {
            body_id: BodyId(1),
            level: PostLevel::Deputy,
            count: 1,
        }];
        let e = check_quota(&posts, Some(&caps(2, 3)), &split, &held).unwrap_err();
        assert_eq!(e.len(), 1);
        assert_eq!(
            (e[0].field.as_str(), e[0].code.as_str()),
            ("posts[1].seats", "selection_seats_over_vacancy")
        );
        assert!(e[0].args.contains(&("vacant".into(), "1".into())));
        // The unit's cap: 2 chiefs approved, one held elsewhere (body 3) → 1 vacant, 2 offered.
        let held = [Holders {
            body_id: BodyId(3),
            level: PostLevel::Chief,
            count: 1,
        }];
        let e = check_quota(&posts, Some(&caps(2, 3)), &split, &held).unwrap_err();
        assert_eq!(
            (e[0].field.as_str(), e[0].code.as_str()),
            ("posts", "selection_seats_over_total")
        );
        assert!(e[0].args.contains(&("seats".into(), "2".into())));
        // A body without an approved split line has nothing vacant.
        let e = check_quota(&posts, Some(&caps(2, 3)), &[line(1, 1, 2)], &[]).unwrap_err();
        assert_eq!(e[0].field, "posts[2].seats");
        assert_eq!(
            check_quota(&posts, None, &split, &[]).unwrap_err()[0].code,
            "no_caps"
        );
    }
}
