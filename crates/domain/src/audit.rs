//! The audit trail (审计日志): every change appends who, when, which unit, what, and the
//! state before and after. Rows are hash-chained per district: each row's hash covers its
//! content and the previous row's hash, so altering or removing a row breaks the chain at
//! that row. A per-district head (last sequence number and hash) catches removal of the
//! newest rows.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::auth::Actor;
use crate::tenancy::{DistrictId, UnitId, UserId};
use crate::workflow::{Step, Workflow};

/// The hash that precedes the first row of every chain.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// A change to record, before it is chained. Built with [`AuditEntry::by`] (or
/// [`AuditEntry::system`]) and the builder methods:
/// `AuditEntry::by(actor, now).unit(u).did(AuditAction::PostUpdate).on(ObjectKind::Post, id)
/// .before(&old).after(&new)`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    /// When it happened: the application's clock, also the time of the change it records.
    pub at: DateTime<Utc>,
    pub district_id: DistrictId,
    pub unit_id: Option<UnitId>,
    pub user_id: Option<UserId>,
    /// The acting user's login name at the time (kept even if the account is renamed).
    pub username: String,
    /// What happened, such as `user.create` or `unit.update`.
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    /// The client's network address (IP) of the request that made the change; `None` for
    /// the command line and the system. Part of the hashed content when present.
    pub addr: Option<String>,
}

impl AuditEntry {
    /// A change made by `actor` at `at` (the application's clock) in the actor's district.
    pub fn by(actor: &Actor, at: DateTime<Utc>) -> Self {
        Self::blank(
            at,
            actor.district_id,
            Some(actor.user_id),
            actor.username.clone(),
        )
    }
    /// A change made by the command line or the system itself (user `system`).
    pub fn system(district: DistrictId, at: DateTime<Utc>) -> Self {
        Self::blank(at, district, None, "system".into())
    }
    /// A change by this user, nothing else filled in yet.
    fn blank(
        at: DateTime<Utc>,
        district_id: DistrictId,
        user_id: Option<UserId>,
        username: String,
    ) -> Self {
        AuditEntry {
            at,
            district_id,
            unit_id: None,
            user_id,
            username,
            action: String::new(),
            object_type: String::new(),
            object_id: String::new(),
            before: None,
            after: None,
            addr: None,
        }
    }
    /// The unit concerned (`None`: district level).
    pub fn unit(mut self, unit: impl Into<Option<UnitId>>) -> Self {
        self.unit_id = unit.into();
        self
    }
    pub fn did(mut self, action: AuditAction) -> Self {
        self.action = action.code();
        self
    }
    /// The object changed; an id not known yet (a row being created) is `""` and is filled
    /// in by the store.
    pub fn on(mut self, kind: ObjectKind, id: impl ToString) -> Self {
        self.object_type = kind.code().to_string();
        self.object_id = id.to_string();
        self
    }
    /// The client address of the request (see [`AuditEntry::addr`]).
    pub fn from_addr(mut self, addr: Option<String>) -> Self {
        self.addr = addr.filter(|a| !a.is_empty());
        self
    }
    /// The state before, as a typed value (`None` or a value that serialises to null:
    /// nothing before).
    pub fn before<T: Serialize + ?Sized>(mut self, v: &T) -> Self {
        self.before = serde_json::to_value(v).ok().filter(|v| !v.is_null());
        self
    }
    /// The state after, as a typed value (null: nothing after).
    pub fn after<T: Serialize + ?Sized>(mut self, v: &T) -> Self {
        self.after = serde_json::to_value(v).ok().filter(|v| !v.is_null());
        self
    }

    /// The canonical text of `before`/`after`: serde_json's maps are sorted, so the same
    /// value always gives the same text.
    pub fn before_text(&self) -> Option<String> {
        self.before.as_ref().map(|v| v.to_string())
    }
    pub fn after_text(&self) -> Option<String> {
        self.after.as_ref().map(|v| v.to_string())
    }
}

/// What an audit row records was done. The codes are the stored `action` strings; the
/// audit page and its filters read them, so they never change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    AuthLogin,
    AuthLogout,
    ApiTokenCreate,
    ApiTokenDelete,
    UserCreate,
    UserUpdate,
    UserPasswordChange,
    UserPasswordReset,
    DistrictCreate,
    UnitCreate,
    UnitUpdate,
    ParamSet,
    CalcSave,
    CalendarLoad,
    EstablishmentSet,
    PersonCreate,
    PersonUpdate,
    PersonChange,
    PeopleImport,
    PostCreate,
    PostUpdate,
    PostActivate,
    PostDeactivate,
    PostAssign,
    PostUnassign,
    PostProposalAccept,
    OrgBodyCreate,
    OrgBodyUpdate,
    OrgFunctionCreate,
    OrgFunctionUpdate,
    OrgRulesSet,
    OrgCapsSet,
    OrgSplitSave,
    OrgPlanCreate,
    OrgPlanOpAdd,
    OrgPlanOpRemove,
    DownsizingPlanCreate,
    DownsizingLineSave,
    DownsizingLineRemove,
    DictItemSave,
    /// An account linked to (or unlinked from) its person (个人中心).
    UserLinkPerson,
    /// Committee secret ballot (党委会票决): meeting events only, never a ballot.
    CommitteeMeetingCreate,
    CommitteeItemAdd,
    CommitteeRollCall,
    CommitteeTokensIssue,
    CommitteeMeetingClose,
    CommitteeTally,
    /// Selection campaign plans (竞争上岗方案): drafted, edited, revised after publication.
    SelectionCampaignCreate,
    SelectionCampaignUpdate,
    SelectionCampaignRevise,
    /// Applications to a campaign (报名) and their eligibility review (资格审查).
    SelectionApplicationSave,
    SelectionApplicationReview,
    /// Performance pay (绩效分配).
    PayPoolSet,
    PayRunCreate,
    PayLinesSave,
    PayRunCompute,
    /// Two-way selection (双向择岗): a round created or edited, preferences, rankings,
    /// the match, 调剂 confirmed, routes, a reminder.
    TwowayRoundCreate,
    TwowayRoundUpdate,
    TwowayPrefsSave,
    TwowayRankingSave,
    TwowayMatch,
    TwowayAdjustConfirm,
    TwowayRouteSet,
    TwowayRemind,
    /// Appraisal (考核): cycle content; a colleague's rating writes no audit entry.
    AppraisalCycleCreate,
    AppraisalParticipantsSet,
    AppraisalIndicatorSetSave,
    AppraisalRatersSet,
    AppraisalScoreSave,
    AppraisalScoreImport,
    AppraisalCodesIssue,
    AppraisalGradeSave,
    AppraisalQuotaRaise,
    AppraisalAppealFile,
    AppraisalAppealResolve,
    /// Selection scoring (竞争上岗 笔试、面试、民主测评、考察): scores entered or imported, judges,
    /// recusals, judges' sheets, evaluation codes, inspection records; never an evaluation ballot.
    SelectionExamSave,
    SelectionExamImport,
    SelectionJudgeAdd,
    SelectionJudgeRecusal,
    SelectionSheetSubmit,
    SelectionEvaluationCodes,
    SelectionEvaluationClose,
    SelectionInspectionSave,
    /// The end of competitive selection (竞争上岗): the committee meeting created from a
    /// campaign, the publicity (任前公示) started, objections recorded and resolved, the
    /// appointment (任职).
    SelectionDecisionMeeting,
    SelectionPublicityStart,
    SelectionObjectionRecord,
    SelectionObjectionResolve,
    SelectionAppoint,
    /// A declared relation (亲属关系) between two people recorded or removed.
    PersonRelationAdd,
    PersonRelationRemove,
    /// A 加试 (extra test) result entered for tied candidates; the probation-end
    /// evaluation (试用期满考核) recorded.
    SelectionExtraTestSave,
    SelectionProbationReview,
    /// An official of a campaign (考察组成员, 计票人, 监票人) registered; an official's
    /// recusal (回避) declared, requested or decided.
    SelectionOfficialAdd,
    SelectionOfficialRecusal,
    /// A step of a workflow: `<workflow name>.<step>` (`org.plan.approve`).
    Step(&'static Workflow, Step),
}

impl AuditAction {
    pub fn code(self) -> String {
        use AuditAction as A;
        let s = match self {
            A::AuthLogin => "auth.login",
            A::AuthLogout => "auth.logout",
            A::ApiTokenCreate => "api_token.create",
            A::ApiTokenDelete => "api_token.delete",
            A::UserCreate => "user.create",
            A::UserUpdate => "user.update",
            A::UserPasswordChange => "user.password_change",
            A::UserPasswordReset => "user.password_reset",
            A::DistrictCreate => "district.create",
            A::UnitCreate => "unit.create",
            A::UnitUpdate => "unit.update",
            A::ParamSet => "param.set",
            A::CalcSave => "calc.save",
            A::CalendarLoad => "calendar.load",
            A::EstablishmentSet => "establishment.set",
            A::PersonCreate => "person.create",
            A::PersonUpdate => "person.update",
            A::PersonChange => "person.change",
            A::PeopleImport => "people.import",
            A::PostCreate => "post.create",
            A::PostUpdate => "post.update",
            A::PostActivate => "post.activate",
            A::PostDeactivate => "post.deactivate",
            A::PostAssign => "post.assign",
            A::PostUnassign => "post.unassign",
            A::PostProposalAccept => "post.proposal.accept",
            A::OrgBodyCreate => "org.body.create",
            A::OrgBodyUpdate => "org.body.update",
            A::OrgFunctionCreate => "org.function.create",
            A::OrgFunctionUpdate => "org.function.update",
            A::OrgRulesSet => "org.rules.set",
            A::OrgCapsSet => "org.caps.set",
            A::OrgSplitSave => "org.split.save",
            A::OrgPlanCreate => "org.plan.create",
            A::OrgPlanOpAdd => "org.plan.op_add",
            A::OrgPlanOpRemove => "org.plan.op_remove",
            A::DownsizingPlanCreate => "downsizing.plan.create",
            A::DownsizingLineSave => "downsizing.line.save",
            A::DownsizingLineRemove => "downsizing.line.remove",
            A::DictItemSave => "dict.item.save",
            A::UserLinkPerson => "user.link_person",
            A::CommitteeMeetingCreate => "committee.meeting.create",
            A::CommitteeItemAdd => "committee.item.add",
            A::CommitteeRollCall => "committee.roll_call",
            A::CommitteeTokensIssue => "committee.tokens.issue",
            A::CommitteeMeetingClose => "committee.meeting.close",
            A::CommitteeTally => "committee.tally",
            A::SelectionCampaignCreate => "selection.campaign.create",
            A::SelectionCampaignUpdate => "selection.campaign.update",
            A::SelectionCampaignRevise => "selection.campaign.revise",
            A::SelectionApplicationSave => "selection.application.save",
            A::SelectionApplicationReview => "selection.application.review",
            A::PayPoolSet => "pay.pool.set",
            A::PayRunCreate => "pay.run.create",
            A::PayLinesSave => "pay.lines.save",
            A::PayRunCompute => "pay.run.compute",
            A::TwowayRoundCreate => "twoway.round.create",
            A::TwowayRoundUpdate => "twoway.round.update",
            A::TwowayPrefsSave => "twoway.prefs.save",
            A::TwowayRankingSave => "twoway.ranking.save",
            A::TwowayMatch => "twoway.match",
            A::TwowayAdjustConfirm => "twoway.adjust.confirm",
            A::TwowayRouteSet => "twoway.route.set",
            A::TwowayRemind => "twoway.remind",
            A::AppraisalCycleCreate => "appraisal.cycle.create",
            A::AppraisalParticipantsSet => "appraisal.participants.set",
            A::AppraisalIndicatorSetSave => "appraisal.indicator_set.save",
            A::AppraisalRatersSet => "appraisal.raters.set",
            A::AppraisalScoreSave => "appraisal.score.save",
            A::AppraisalScoreImport => "appraisal.score.import",
            A::AppraisalCodesIssue => "appraisal.codes.issue",
            A::AppraisalGradeSave => "appraisal.grade.save",
            A::AppraisalQuotaRaise => "appraisal.quota.raise",
            A::AppraisalAppealFile => "appraisal.appeal.file",
            A::AppraisalAppealResolve => "appraisal.appeal.resolve",
            A::SelectionExamSave => "selection.exam.save",
            A::SelectionExamImport => "selection.exam.import",
            A::SelectionJudgeAdd => "selection.judge.add",
            A::SelectionJudgeRecusal => "selection.judge.recusal",
            A::SelectionSheetSubmit => "selection.sheet.submit",
            A::SelectionEvaluationCodes => "selection.evaluation.codes",
            A::SelectionEvaluationClose => "selection.evaluation.close",
            A::SelectionInspectionSave => "selection.inspection.save",
            A::SelectionDecisionMeeting => "selection.decision.meeting",
            A::SelectionPublicityStart => "selection.publicity.start",
            A::SelectionObjectionRecord => "selection.objection.record",
            A::SelectionObjectionResolve => "selection.objection.resolve",
            A::SelectionAppoint => "selection.appoint",
            A::PersonRelationAdd => "person.relation.add",
            A::PersonRelationRemove => "person.relation.remove",
            A::SelectionExtraTestSave => "selection.extra_test.save",
            A::SelectionProbationReview => "selection.probation.review",
            A::SelectionOfficialAdd => "selection.official.add",
            A::SelectionOfficialRecusal => "selection.official.recusal",
            A::Step(flow, step) => return format!("{}.{}", flow.name, step.code()),
        };
        s.to_string()
    }
}

impl AuditAction {
    /// Every action that is not a workflow step, in the order the audit page's operation
    /// filter lists them. A new variant is added here too (the test
    /// `every_simple_action_is_listed` matches on every variant).
    pub const SIMPLE: &'static [AuditAction] = &[
        AuditAction::AuthLogin,
        AuditAction::AuthLogout,
        AuditAction::ApiTokenCreate,
        AuditAction::ApiTokenDelete,
        AuditAction::UserCreate,
        AuditAction::UserUpdate,
        AuditAction::UserPasswordChange,
        AuditAction::UserPasswordReset,
        AuditAction::DistrictCreate,
        AuditAction::UnitCreate,
        AuditAction::UnitUpdate,
        AuditAction::ParamSet,
        AuditAction::CalcSave,
        AuditAction::CalendarLoad,
        AuditAction::EstablishmentSet,
        AuditAction::PersonCreate,
        AuditAction::PersonUpdate,
        AuditAction::PersonChange,
        AuditAction::PeopleImport,
        AuditAction::PostCreate,
        AuditAction::PostUpdate,
        AuditAction::PostActivate,
        AuditAction::PostDeactivate,
        AuditAction::PostAssign,
        AuditAction::PostUnassign,
        AuditAction::PostProposalAccept,
        AuditAction::OrgBodyCreate,
        AuditAction::OrgBodyUpdate,
        AuditAction::OrgFunctionCreate,
        AuditAction::OrgFunctionUpdate,
        AuditAction::OrgRulesSet,
        AuditAction::OrgCapsSet,
        AuditAction::OrgSplitSave,
        AuditAction::OrgPlanCreate,
        AuditAction::OrgPlanOpAdd,
        AuditAction::OrgPlanOpRemove,
        AuditAction::DownsizingPlanCreate,
        AuditAction::DownsizingLineSave,
        AuditAction::DownsizingLineRemove,
        AuditAction::DictItemSave,
        AuditAction::UserLinkPerson,
        AuditAction::CommitteeMeetingCreate,
        AuditAction::CommitteeItemAdd,
        AuditAction::CommitteeRollCall,
        AuditAction::CommitteeTokensIssue,
        AuditAction::CommitteeMeetingClose,
        AuditAction::CommitteeTally,
        AuditAction::SelectionCampaignCreate,
        AuditAction::SelectionCampaignUpdate,
        AuditAction::SelectionCampaignRevise,
        AuditAction::SelectionApplicationSave,
        AuditAction::SelectionApplicationReview,
        AuditAction::PayPoolSet,
        AuditAction::PayRunCreate,
        AuditAction::PayLinesSave,
        AuditAction::PayRunCompute,
        AuditAction::TwowayRoundCreate,
        AuditAction::TwowayRoundUpdate,
        AuditAction::TwowayPrefsSave,
        AuditAction::TwowayRankingSave,
        AuditAction::TwowayMatch,
        AuditAction::TwowayAdjustConfirm,
        AuditAction::TwowayRouteSet,
        AuditAction::TwowayRemind,
        AuditAction::AppraisalCycleCreate,
        AuditAction::AppraisalParticipantsSet,
        AuditAction::AppraisalIndicatorSetSave,
        AuditAction::AppraisalRatersSet,
        AuditAction::AppraisalScoreSave,
        AuditAction::AppraisalScoreImport,
        AuditAction::AppraisalCodesIssue,
        AuditAction::AppraisalGradeSave,
        AuditAction::AppraisalQuotaRaise,
        AuditAction::AppraisalAppealFile,
        AuditAction::AppraisalAppealResolve,
        AuditAction::SelectionExamSave,
        AuditAction::SelectionExamImport,
        AuditAction::SelectionJudgeAdd,
        AuditAction::SelectionJudgeRecusal,
        AuditAction::SelectionSheetSubmit,
        AuditAction::SelectionEvaluationCodes,
        AuditAction::SelectionEvaluationClose,
        AuditAction::SelectionInspectionSave,
        AuditAction::SelectionDecisionMeeting,
        AuditAction::SelectionPublicityStart,
        AuditAction::SelectionObjectionRecord,
        AuditAction::SelectionObjectionResolve,
        AuditAction::SelectionAppoint,
        AuditAction::PersonRelationAdd,
        AuditAction::PersonRelationRemove,
        AuditAction::SelectionExtraTestSave,
        AuditAction::SelectionProbationReview,
        AuditAction::SelectionOfficialAdd,
        AuditAction::SelectionOfficialRecusal,
    ];

    /// The stored codes of every action: the simple ones, then each workflow's steps.
    pub fn all_codes() -> Vec<String> {
        let mut out: Vec<String> = Self::SIMPLE.iter().map(|a| a.code()).collect();
        for flow in crate::workflow::ALL {
            for e in flow.edges {
                let c = AuditAction::Step(flow, e.step).code();
                if !out.contains(&c) {
                    out.push(c);
                }
            }
        }
        out
    }
}

/// The kind of object an audit row is about (stored `object_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectKind {
    District,
    Unit,
    User,
    ApiToken,
    Param,
    Calc,
    CalendarYear,
    Person,
    Post,
    PostAssignment,
    Body,
    FunctionItem,
    OrgKindRules,
    OrgCaps,
    OrgSplit,
    ReorgPlan,
    DownsizingPlan,
    DictItem,
    SelectionCampaign,
    CommitteeMeeting,
    PayPool,
    PayRun,
    TwowayRound,
    AppraisalCycle,
}

impl ObjectKind {
    pub fn code(self) -> &'static str {
        use ObjectKind as K;
        match self {
            K::District => "district",
            K::Unit => "unit",
            K::User => "user",
            K::ApiToken => "api_token",
            K::Param => "param",
            K::Calc => "calc",
            K::CalendarYear => "calendar_year",
            K::Person => "person",
            K::Post => "post",
            K::PostAssignment => "post_assignment",
            K::Body => "body",
            K::FunctionItem => "function_item",
            K::OrgKindRules => "org_kind_rules",
            K::OrgCaps => "org_caps",
            K::OrgSplit => "org_split",
            K::ReorgPlan => "reorg_plan",
            K::DownsizingPlan => "downsizing_plan",
            K::DictItem => "dict_item",
            K::SelectionCampaign => "selection_campaign",
            K::CommitteeMeeting => "committee_meeting",
            K::PayPool => "pay_pool",
            K::PayRun => "pay_run",
            K::TwowayRound => "twoway_round",
            K::AppraisalCycle => "appraisal_cycle",
        }
    }
}

impl ObjectKind {
    /// Every kind, for the audit page's labels.
    pub const ALL: &'static [ObjectKind] = &[
        ObjectKind::District,
        ObjectKind::Unit,
        ObjectKind::User,
        ObjectKind::ApiToken,
        ObjectKind::Param,
        ObjectKind::Calc,
        ObjectKind::CalendarYear,
        ObjectKind::Person,
        ObjectKind::Post,
        ObjectKind::PostAssignment,
        ObjectKind::Body,
        ObjectKind::FunctionItem,
        ObjectKind::OrgKindRules,
        ObjectKind::OrgCaps,
        ObjectKind::OrgSplit,
        ObjectKind::ReorgPlan,
        ObjectKind::DownsizingPlan,
        ObjectKind::PayPool,
        ObjectKind::PayRun,
    ];
}

/// A stored audit row, exactly as read back from the database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditRecord {
    pub id: i64,
    pub district_id: DistrictId,
    pub seq: i64,
    /// Milliseconds since the Unix epoch, UTC.
    pub at_ms: i64,
    pub unit_id: Option<UnitId>,
    pub user_id: Option<UserId>,
    pub username: String,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    pub before: Option<String>,
    pub after: Option<String>,
    /// The client address (IP) recorded with the change, if any.
    pub addr: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

/// The fields a row's hash covers, in a fixed order. The client address is appended
/// only when the row has one: rows written before addresses were recorded (and rows of
/// the command line, which have none) hash exactly as they always did, and an address,
/// once recorded, cannot be altered or removed without breaking the chain.
#[allow(clippy::too_many_arguments)]
pub fn chain_hash(
    prev_hash: &str,
    district_id: DistrictId,
    seq: i64,
    at_ms: i64,
    unit_id: Option<UnitId>,
    user_id: Option<UserId>,
    username: &str,
    action: &str,
    object_type: &str,
    object_id: &str,
    before: Option<&str>,
    after: Option<&str>,
    addr: Option<&str>,
) -> String {
    let mut canonical = serde_json::json!([
        prev_hash,
        district_id.0,
        seq,
        at_ms,
        unit_id.map(|u| u.0),
        user_id.map(|u| u.0),
        username,
        action,
        object_type,
        object_id,
        before,
        after
    ]);
    if let (Some(a), Some(list)) = (addr, canonical.as_array_mut()) {
        list.push(serde_json::Value::from(a));
    }
    hex::encode(Sha256::digest(canonical.to_string().as_bytes()))
}

impl AuditRecord {
    pub fn computed_hash(&self) -> String {
        chain_hash(
            &self.prev_hash,
            self.district_id,
            self.seq,
            self.at_ms,
            self.unit_id,
            self.user_id,
            &self.username,
            &self.action,
            &self.object_type,
            &self.object_id,
            self.before.as_deref(),
            self.after.as_deref(),
            self.addr.as_deref(),
        )
    }
}

/// Fields that hold [`Money`](crate::money::Money), which is recorded as whole fen: the
/// audit page shows them in yuan with two decimals. A new money field of an audited
/// value is added here.
pub const MONEY_FIELDS: &[&str] = &[
    "allowances",
    "amount",
    "annual_cost",
    "annual_saving",
    "base",
    "basic_pay",
    "cap_amount",
    "cost",
    "cost_change",
    "housing_fund",
    "leave_post_monthly",
    "leave_post_total",
    "local_average",
    "minimum_wage",
    "monthly_wage",
    "one_off",
    "social_insurance",
    "wage",
];

/// Fields that name the object a row is about, in order of preference.
const NAME_FIELDS: &[&str] = &["name", "display_name", "title", "username", "short_name"];

/// One field of a change, ready to show: `field: before → after`. The field is a dotted
/// path for nested values (`value.wage`) and empty when the whole value is a scalar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

impl FieldChange {
    /// The last segment of the field path (the name to translate).
    pub fn leaf(&self) -> &str {
        self.field.rsplit('.').next().unwrap_or(&self.field)
    }
}

/// Whole-number text with thousands separators: `1234567` → `1,234,567`.
pub fn group_digits(digits: &str) -> String {
    let (sign, d) = match digits.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", digits),
    };
    let mut out = String::new();
    for (i, c) in d.chars().enumerate() {
        if i > 0 && (d.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{sign}{out}")
}

/// An amount of fen as yuan with two decimals and thousands separators: `1234567` →
/// `12,345.67`.
pub fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let a = fen.unsigned_abs();
    format!(
        "{sign}{}.{:02}",
        group_digits(&(a / 100).to_string()),
        a % 100
    )
}

fn shown(field: &str, v: &serde_json::Value) -> Option<String> {
    use serde_json::Value as J;
    let leaf = field.rsplit('.').next().unwrap_or(field);
    match v {
        J::Null => None,
        J::String(s) if s.is_empty() => None,
        J::String(s) => Some(s.clone()),
        J::Number(n) if MONEY_FIELDS.contains(&leaf) && n.as_i64().is_some() => {
            n.as_i64().map(yuan)
        }
        J::Number(n) => Some(n.to_string()),
        J::Bool(b) => Some(b.to_string()),
        J::Array(items) => {
            let parts: Vec<String> = items.iter().filter_map(|x| shown(field, x)).collect();
            Some(parts.join("、"))
        }
        J::Object(_) => Some(v.to_string()),
    }
}

/// Flattens nested objects into dotted paths (one entry per scalar or list).
fn flatten(prefix: &str, v: &serde_json::Value, out: &mut Vec<(String, serde_json::Value)>) {
    match v {
        serde_json::Value::Object(map) => {
            for (k, x) in map {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, x, out);
            }
        }
        other => out.push((prefix.to_string(), other.clone())),
    }
}

fn parse(text: Option<&str>) -> Option<serde_json::Value> {
    text.and_then(|t| serde_json::from_str(t).ok())
}

/// The fields that differ between the recorded `before` and `after` texts, readable:
/// money in yuan, lists joined, unchanged fields left out. A creation (nothing before)
/// lists every field it set; a removal every field it had.
pub fn field_changes(before: Option<&str>, after: Option<&str>) -> Vec<FieldChange> {
    let (mut b, mut a) = (Vec::new(), Vec::new());
    if let Some(v) = parse(before) {
        flatten("", &v, &mut b);
    }
    if let Some(v) = parse(after) {
        flatten("", &v, &mut a);
    }
    let mut keys: Vec<String> = b.iter().map(|(k, _)| k.clone()).collect();
    for (k, _) in &a {
        if !keys.contains(k) {
            keys.push(k.clone());
        }
    }
    let find = |list: &[(String, serde_json::Value)], k: &str| {
        list.iter()
            .find(|(x, _)| x == k)
            .and_then(|(_, v)| shown(k, v))
    };
    keys.into_iter()
        .filter_map(|k| {
            let (x, y) = (find(&b, &k), find(&a, &k));
            (x != y).then_some(FieldChange {
                field: k,
                before: x,
                after: y,
            })
        })
        .collect()
}

/// The name of the object a row is about, where the recorded values carry one (`name`,
/// `display_name`, `title`, `username`): the state after, else before.
pub fn object_name(before: Option<&str>, after: Option<&str>) -> Option<String> {
    [after, before].into_iter().find_map(|t| {
        let v = parse(t)?;
        NAME_FIELDS.iter().find_map(|f| {
            v.get(*f)
                .and_then(|x| x.as_str())
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        })
    })
}

/// How a sign-in attempt ended (stored `reason` codes of the sign-in log, 登录日志).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LoginOutcome {
    /// Signed in.
    Ok,
    /// No account has that user name.
    UnknownUser,
    /// The password was wrong.
    BadPassword,
    /// The account is disabled.
    Inactive,
    /// Too many failures: refused without checking the password.
    RateLimited,
}

impl LoginOutcome {
    pub const ALL: &'static [LoginOutcome] = &[
        LoginOutcome::Ok,
        LoginOutcome::UnknownUser,
        LoginOutcome::BadPassword,
        LoginOutcome::Inactive,
        LoginOutcome::RateLimited,
    ];
    pub fn code(self) -> &'static str {
        match self {
            LoginOutcome::Ok => "ok",
            LoginOutcome::UnknownUser => "unknown_user",
            LoginOutcome::BadPassword => "bad_password",
            LoginOutcome::Inactive => "inactive",
            LoginOutcome::RateLimited => "rate_limited",
        }
    }
    pub fn from_code(c: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|o| o.code() == c)
    }
    pub fn success(self) -> bool {
        self == LoginOutcome::Ok
    }
}

/// One sign-in attempt (登录日志). Not part of the audit chain: it records attempts by
/// anyone, signed in or not. An attempt with an unknown user name has no district.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoginRecord {
    pub id: i64,
    /// Milliseconds since the Unix epoch, UTC.
    pub at_ms: i64,
    pub district_id: Option<DistrictId>,
    pub unit_id: Option<UnitId>,
    pub user_id: Option<UserId>,
    /// The user name as typed (trimmed, lower case, at most 64 characters).
    pub username: String,
    pub outcome: LoginOutcome,
    pub addr: String,
    /// The browser's User-Agent, at most 200 characters.
    pub user_agent: String,
}

/// A short name of the browser and system for a User-Agent text: `Chrome 120 · Windows`.
pub fn short_agent(ua: &str) -> String {
    let browser = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Version/", "Safari"),
        ("curl/", "curl"),
    ]
    .iter()
    .find_map(|(tag, name)| {
        ua.find(tag).map(|i| {
            let ver: String = ua[i + tag.len()..]
                .chars()
                .take_while(|c| c.is_ascii_digit())
                .collect();
            if ver.is_empty() {
                name.to_string()
            } else {
                format!("{name} {ver}")
            }
        })
    });
    let os = [
        ("Windows", "Windows"),
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iOS"),
        ("Mac OS X", "macOS"),
        ("Linux", "Linux"),
    ]
    .iter()
    .find(|(tag, _)| ua.contains(tag))
    .map(|(_, n)| *n);
    match (browser, os) {
        (Some(b), Some(o)) => format!("{b} · {o}"),
        (Some(b), None) => b,
        (None, Some(o)) => o.to_string(),
        (None, None) => ua.chars().take(40).collect(),
    }
}

/// Where a chain was found broken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainBreak {
    pub district_id: DistrictId,
    /// The sequence number of the first row that was altered, or that is missing.
    pub seq: i64,
    /// The database id of the row found at that place, if any.
    pub id: Option<i64>,
    pub reason: BreakReason,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BreakReason {
    /// The row's content no longer matches its hash.
    Altered,
    /// The row does not link to the row before it (that row was altered or replaced).
    Relinked,
    /// A row is missing at this sequence number.
    Removed,
}

/// Checks one district's chain, fed in sequence order.
#[derive(Debug)]
pub struct Verifier {
    district_id: DistrictId,
    next_seq: i64,
    last_hash: String,
}

impl Verifier {
    pub fn new(district_id: DistrictId) -> Self {
        Self {
            district_id,
            next_seq: 1,
            last_hash: GENESIS.to_string(),
        }
    }

    pub fn feed(&mut self, r: &AuditRecord) -> Result<(), ChainBreak> {
        let brk = |seq, id, reason| ChainBreak {
            district_id: self.district_id,
            seq,
            id,
            reason,
        };
        if r.seq != self.next_seq {
            return Err(brk(self.next_seq, None, BreakReason::Removed));
        }
        if r.computed_hash() != r.hash {
            return Err(brk(r.seq, Some(r.id), BreakReason::Altered));
        }
        if r.prev_hash != self.last_hash {
            return Err(brk(r.seq, Some(r.id), BreakReason::Relinked));
        }
        self.next_seq += 1;
        self.last_hash = r.hash.clone();
        Ok(())
    }

    /// Compares the end of the chain with the recorded head (last sequence and hash).
    pub fn finish(self, head_seq: i64, head_hash: &str) -> Result<i64, ChainBreak> {
        let count = self.next_seq - 1;
        if head_seq > count {
            return Err(ChainBreak {
                district_id: self.district_id,
                seq: self.next_seq,
                id: None,
                reason: BreakReason::Removed,
            });
        }
        if head_seq < count || head_hash != self.last_hash {
            return Err(ChainBreak {
                district_id: self.district_id,
                seq: head_seq.max(1),
                id: None,
                reason: BreakReason::Relinked,
            });
        }
        Ok(count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<AuditRecord> {
        let mut prev = GENESIS.to_string();
        (1..=n)
            .map(|seq| {
                let mut r = AuditRecord {
                    id: seq * 10,
                    district_id: DistrictId(1),
                    seq,
                    at_ms: 1_700_000_000_000 + seq,
                    unit_id: Some(UnitId(2)),
                    user_id: Some(UserId(3)),
                    username: "admin".into(),
                    action: "user.create".into(),
                    object_type: "user".into(),
                    object_id: seq.to_string(),
                    before: None,
                    after: Some(format!("{{\"n\":{seq}}}")),
                    addr: (seq % 2 == 0).then(|| "10.0.0.9".to_string()),
                    prev_hash: prev.clone(),
                    hash: String::new(),
                };
                r.hash = r.computed_hash();
                prev = r.hash.clone();
                r
            })
            .collect()
    }

    fn verify(rows: &[AuditRecord], head: (i64, &str)) -> Result<i64, ChainBreak> {
        let mut v = Verifier::new(DistrictId(1));
        for r in rows {
            v.feed(r)?;
        }
        v.finish(head.0, head.1)
    }

    #[test]
    fn intact_chain_verifies() {
        let rows = chain(5);
        let last = rows.last().map(|r| r.hash.clone()).unwrap_or_default();
        assert_eq!(verify(&rows, (5, &last)), Ok(5));
    }

    #[test]
    fn altered_row_is_named() {
        let mut rows = chain(5);
        let last = rows.last().map(|r| r.hash.clone()).unwrap_or_default();
        rows[2].after = Some("{\"n\":99}".into());
        let e = verify(&rows, (5, &last)).err();
        assert_eq!(
            e.map(|e| (e.seq, e.id, e.reason)),
            Some((3, Some(30), BreakReason::Altered))
        );
    }

    #[test]
    fn rehashed_row_breaks_the_link() {
        let mut rows = chain(5);
        let last = rows.last().map(|r| r.hash.clone()).unwrap_or_default();
        rows[1].username = "mallory".into();
        rows[1].hash = rows[1].computed_hash();
        let e = verify(&rows, (5, &last)).err();
        assert_eq!(
            e.map(|e| (e.seq, e.reason)),
            Some((3, BreakReason::Relinked))
        );
    }

    #[test]
    fn the_address_is_hashed_when_present() {
        let mut rows = chain(4);
        let last = rows.last().map(|r| r.hash.clone()).unwrap_or_default();
        assert_eq!(verify(&rows, (4, &last)), Ok(4));
        rows[1].addr = Some("192.0.2.1".into());
        assert_eq!(
            verify(&rows, (4, &last)).err().map(|e| (e.seq, e.reason)),
            Some((2, BreakReason::Altered))
        );
        rows[1].addr = None;
        assert_eq!(
            verify(&rows, (4, &last)).err().map(|e| (e.seq, e.reason)),
            Some((2, BreakReason::Altered))
        );
    }

    #[test]
    fn a_row_without_address_hashes_as_before() {
        // The canonical text of a row without an address is the twelve fields of the
        // first version of the chain.
        let h = chain_hash(
            GENESIS,
            DistrictId(1),
            1,
            5,
            None,
            None,
            "system",
            "unit.create",
            "unit",
            "3",
            None,
            None,
            None,
        );
        let old = serde_json::json!([
            GENESIS,
            1,
            1,
            5,
            null,
            null,
            "system",
            "unit.create",
            "unit",
            "3",
            null,
            null
        ]);
        assert_eq!(h, hex::encode(Sha256::digest(old.to_string().as_bytes())));
    }

    #[test]
    fn every_simple_action_is_listed() {
        use AuditAction as A;
        for a in AuditAction::SIMPLE {
            // Adding a variant breaks this match: add it to SIMPLE as well.
            match a {
                A::AuthLogin
                | A::AuthLogout
                | A::ApiTokenCreate
                | A::ApiTokenDelete
                | A::UserCreate
                | A::UserUpdate
                | A::UserPasswordChange
                | A::UserPasswordReset
                | A::DistrictCreate
                | A::UnitCreate
                | A::UnitUpdate
                | A::ParamSet
                | A::CalcSave
                | A::CalendarLoad
                | A::EstablishmentSet
                | A::PersonCreate
                | A::PersonUpdate
                | A::PersonChange
                | A::PeopleImport
                | A::PostCreate
                | A::PostUpdate
                | A::PostActivate
                | A::PostDeactivate
                | A::PostAssign
                | A::PostUnassign
                | A::PostProposalAccept
                | A::OrgBodyCreate
                | A::OrgBodyUpdate
                | A::OrgFunctionCreate
                | A::OrgFunctionUpdate
                | A::OrgRulesSet
                | A::OrgCapsSet
                | A::OrgSplitSave
                | A::OrgPlanCreate
                | A::OrgPlanOpAdd
                | A::OrgPlanOpRemove
                | A::DownsizingPlanCreate
                | A::DownsizingLineSave
                | A::DownsizingLineRemove
                | A::DictItemSave
                | A::UserLinkPerson
                | A::CommitteeMeetingCreate
                | A::CommitteeItemAdd
                | A::CommitteeRollCall
                | A::CommitteeTokensIssue
                | A::CommitteeMeetingClose
                | A::CommitteeTally
                | A::SelectionCampaignCreate
                | A::SelectionCampaignUpdate
                | A::SelectionCampaignRevise
                | A::SelectionApplicationSave
                | A::SelectionApplicationReview
                | A::PayPoolSet
                | A::PayRunCreate
                | A::PayLinesSave
                | A::PayRunCompute
                | A::TwowayRoundCreate
                | A::TwowayRoundUpdate
                | A::TwowayPrefsSave
                | A::TwowayRankingSave
                | A::TwowayMatch
                | A::TwowayAdjustConfirm
                | A::TwowayRouteSet
                | A::TwowayRemind
                | A::AppraisalCycleCreate
                | A::AppraisalParticipantsSet
                | A::AppraisalIndicatorSetSave
                | A::AppraisalRatersSet
                | A::AppraisalScoreSave
                | A::AppraisalScoreImport
                | A::AppraisalCodesIssue
                | A::AppraisalGradeSave
                | A::AppraisalQuotaRaise
                | A::AppraisalAppealFile
                | A::AppraisalAppealResolve
                | A::SelectionExamSave
                | A::SelectionExamImport
                | A::SelectionJudgeAdd
                | A::SelectionJudgeRecusal
                | A::SelectionSheetSubmit
                | A::SelectionEvaluationCodes
                | A::SelectionEvaluationClose
                | A::SelectionInspectionSave
                | A::SelectionDecisionMeeting
                | A::SelectionPublicityStart
                | A::SelectionObjectionRecord
                | A::SelectionObjectionResolve
                | A::SelectionAppoint
                | A::PersonRelationAdd
                | A::PersonRelationRemove
                | A::SelectionExtraTestSave
                | A::SelectionProbationReview
                | A::SelectionOfficialAdd
                | A::SelectionOfficialRecusal => {}
                A::Step(..) => assert!(!matches!(a, A::Step(..)), "steps are not simple"),
            }
        }
        assert_eq!(AuditAction::SIMPLE.len(), 94);
        let codes = AuditAction::all_codes();
        assert!(codes.contains(&"org.plan.approve".to_string()));
        assert!(codes.contains(&"downsizing.plan.reopen".to_string()));
    }

    #[test]
    fn changes_are_readable() {
        let before = r#"{"name":"王五","basic_pay":1234567,"roles":["unit_admin"],"active":true}"#;
        let after = r#"{"name":"王五","basic_pay":1250000,"roles":["unit_admin","viewer"],"active":true,"post":{"title":"科员"}}"#;
        let c = field_changes(Some(before), Some(after));
        assert_eq!(
            c,
            vec![
                FieldChange {
                    field: "basic_pay".into(),
                    before: Some("12,345.67".into()),
                    after: Some("12,500.00".into())
                },
                FieldChange {
                    field: "roles".into(),
                    before: Some("unit_admin".into()),
                    after: Some("unit_admin、viewer".into())
                },
                FieldChange {
                    field: "post.title".into(),
                    before: None,
                    after: Some("科员".into())
                },
            ]
        );
        assert_eq!(c[2].leaf(), "title");
        assert_eq!(object_name(Some(before), None).as_deref(), Some("王五"));
        assert_eq!(yuan(-5), "-0.05");
        assert_eq!(group_digits("1234567"), "1,234,567");
        assert_eq!(group_digits("-100"), "-100");
        assert_eq!(
            short_agent(
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"
            ),
            "Chrome 120 · Windows"
        );
    }

    #[test]
    fn removed_rows_are_found() {
        let rows = chain(5);
        let last = rows.last().map(|r| r.hash.clone()).unwrap_or_default();
        let mut middle = rows.clone();
        middle.remove(1);
        assert_eq!(
            verify(&middle, (5, &last)).err().map(|e| (e.seq, e.reason)),
            Some((2, BreakReason::Removed))
        );
        let tail = &rows[..4];
        assert_eq!(
            verify(tail, (5, &last)).err().map(|e| (e.seq, e.reason)),
            Some((5, BreakReason::Removed))
        );
    }
}
