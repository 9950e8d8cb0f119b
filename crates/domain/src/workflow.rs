//! The approval life cycle (审批流程) every module's plans share: draft → submitted →
//! approved or rejected → applied. One [`Status`] and one [`Step`] type; each module
//! declares its [`Workflow`]: a table of [`Edge`]s (the statuses a step starts from, the
//! status it leads to, the [`Action`] it needs, what it records) and the statuses in which
//! the plan may still be edited. Reorganisation plans ([`ORG_PLANS`]) and downsizing plans
//! ([`DOWNSIZING_PLANS`]) and selection campaigns ([`SELECTION_CAMPAIGNS`]) run on it;
//! appraisal cycles add a table.
//!
//! A step taken becomes a [`Move`]: who, when, from which status to which, and the reason,
//! approval document (文号) or effective date it records. The store writes a move only if
//! the record is still in `from`, together with the audit row.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::FieldError;
use crate::audit::ObjectKind;
use crate::auth::Action;

closed_lists!("workflow.toml");

impl Status {
    /// Whether the district decided (approved or rejected): the decision's author and time
    /// are recorded.
    pub fn is_decision(self) -> bool {
        matches!(self, Status::Approved | Status::Rejected)
    }
    /// Whether the plan is still under way (not rejected, not applied).
    pub fn is_open(self) -> bool {
        matches!(
            self,
            Status::Draft | Status::Submitted | Status::Approved | Status::Open
        )
    }
}

/// What a step does with one recorded value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rec {
    /// Left as it is.
    Keep,
    /// Must be given; written.
    Required,
    /// Emptied (submitting again clears the last rejection's reason).
    Clear,
}

/// One row of a workflow's table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edge {
    pub step: Step,
    /// The statuses the step may start from.
    pub from: &'static [Status],
    pub to: Status,
    /// The action (role × action matrix) the actor needs.
    pub action: Action,
    /// The rejection reason.
    pub reason: Rec,
    /// The approval document number (文号).
    pub doc_no: Rec,
    /// The effective date.
    pub effective: Rec,
}

impl Edge {
    const fn new(step: Step, from: &'static [Status], to: Status, action: Action) -> Self {
        Edge {
            step,
            from,
            to,
            action,
            reason: Rec::Keep,
            doc_no: Rec::Keep,
            effective: Rec::Keep,
        }
    }
    const fn reason(mut self, r: Rec) -> Self {
        self.reason = r;
        self
    }
    const fn doc_no(mut self, r: Rec) -> Self {
        self.doc_no = r;
        self
    }
    const fn effective(mut self, r: Rec) -> Self {
        self.effective = r;
        self
    }
}

/// One module's life cycle.
#[derive(Debug, PartialEq, Eq)]
pub struct Workflow {
    /// The audit action prefix (`org.plan`); a step is audited as `<name>.<step>`.
    pub name: &'static str,
    /// The locale key prefix of the statuses (`org.plan_status` → `org.plan_status.draft`).
    pub labels: &'static str,
    /// What the audit log calls a record that follows this life cycle.
    pub object: ObjectKind,
    pub edges: &'static [Edge],
    /// Statuses in which the plan's content may still change.
    pub editable: &'static [Status],
}

/// Values a step records, as entered (already validated by the use case).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StepInput {
    pub reason: Option<String>,
    pub doc_no: Option<String>,
    pub effective: Option<NaiveDate>,
}

/// The longest reason a rejection may give, in characters.
pub const REASON_MAX: usize = 500;

/// The longest approval document number (文号), in characters.
pub const DOC_MAX: usize = 60;

impl StepInput {
    /// An approval: the approval document number, required (at most `doc_max` characters).
    pub fn approval(doc_no: &str, doc_max: usize) -> Result<Self, FieldError> {
        Ok(Self {
            doc_no: Some(crate::error::required_text("doc_no", doc_no, doc_max)?),
            ..Self::default()
        })
    }

    /// A rejection: the reason, required.
    pub fn rejection(reason: &str) -> Result<Self, FieldError> {
        Ok(Self {
            reason: Some(crate::error::required_text("reason", reason, REASON_MAX)?),
            ..Self::default()
        })
    }
}

/// A step taken: written only if the record is still in `from`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Move {
    pub id: i64,
    pub step: Step,
    pub from: Status,
    pub to: Status,
    pub by: String,
    pub at: DateTime<Utc>,
    /// `Some`: written (`Some("")` clears it); `None`: kept.
    pub reason: Option<String>,
    pub doc_no: Option<String>,
    pub effective: Option<NaiveDate>,
}

impl Move {
    /// The history comment: the reason of a rejection, the document of an approval.
    pub fn comment(&self) -> &str {
        self.reason
            .as_deref()
            .filter(|r| !r.is_empty())
            .or(self.doc_no.as_deref())
            .unwrap_or("")
    }
    /// The audit action code, `<workflow>.<step>`.
    pub fn action(&self, flow: &Workflow) -> String {
        format!("{}.{}", flow.name, self.step.code())
    }
}

/// The error when a plan is not in a status the step starts from.
pub fn status_invalid(current: Status) -> FieldError {
    FieldError::new("status", "plan_status_invalid").with("status", current.code())
}

impl Workflow {
    /// The row of `step`, if this workflow has it.
    pub fn edge(&self, step: Step) -> Option<&Edge> {
        self.edges.iter().find(|e| e.step == step)
    }

    /// The action `step` needs (`None`: not a step of this workflow).
    pub fn action(&self, step: Step) -> Option<Action> {
        self.edge(step).map(|e| e.action)
    }

    /// The status `step` leads to from `from`, or `status`/`plan_status_invalid`.
    pub fn check(&self, step: Step, from: Status) -> Result<Status, FieldError> {
        match self.edge(step) {
            Some(e) if e.from.contains(&from) => Ok(e.to),
            _ => Err(status_invalid(from)),
        }
    }

    /// Whether the plan's content may change in `status`.
    pub fn editable(&self, status: Status) -> bool {
        self.editable.contains(&status)
    }

    /// Fails with `status`/`plan_status_invalid` unless the plan may be edited.
    pub fn check_editable(&self, status: Status) -> Result<(), FieldError> {
        if self.editable(status) {
            Ok(())
        } else {
            Err(status_invalid(status))
        }
    }

    /// The locale key of a status in this module.
    pub fn label_key(&self, status: Status) -> String {
        format!("{}.{}", self.labels, status.code())
    }

    /// Takes `step` on record `id` now in `from`: checks the edge and that the values it
    /// requires are given, and keeps only what it records. Errors: `status`/
    /// `plan_status_invalid`, `reason`/`doc_no`/`effective` `required`.
    pub fn start(
        &self,
        step: Step,
        id: i64,
        from: Status,
        by: &str,
        at: DateTime<Utc>,
        input: StepInput,
    ) -> Result<Move, FieldError> {
        let to = self.check(step, from)?;
        let edge = self.edge(step).ok_or_else(|| status_invalid(from))?;
        fn take<T>(field: &str, rec: Rec, v: Option<T>, empty: T) -> Result<Option<T>, FieldError> {
            match (rec, v) {
                (Rec::Keep, _) => Ok(None),
                (Rec::Clear, _) => Ok(Some(empty)),
                (Rec::Required, Some(v)) => Ok(Some(v)),
                (Rec::Required, None) => Err(FieldError::new(field, "required")),
            }
        }
        Ok(Move {
            id,
            step,
            from,
            to,
            by: by.to_string(),
            at,
            reason: take("reason", edge.reason, input.reason, String::new())?,
            doc_no: take("doc_no", edge.doc_no, input.doc_no, String::new())?,
            effective: match (edge.effective, input.effective) {
                (Rec::Required, None) => return Err(FieldError::new("effective", "required")),
                (Rec::Required, v) => v,
                _ => None,
            },
        })
    }
}

use Action as A;
use Status as S;

/// Reorganisation plans (机构改革方案): the unit drafts and submits (a rejected plan is
/// edited and submitted again); the district approves with its 文号, rejects with a reason,
/// and applies from an effective date.
pub static ORG_PLANS: Workflow = Workflow {
    name: "org.plan",
    labels: "org.plan_status",
    object: ObjectKind::ReorgPlan,
    edges: &[
        Edge::new(
            Step::Submit,
            &[S::Draft, S::Rejected],
            S::Submitted,
            A::OrgManage,
        )
        .reason(Rec::Clear),
        Edge::new(Step::Approve, &[S::Submitted], S::Approved, A::OrgApprove).doc_no(Rec::Required),
        Edge::new(Step::Reject, &[S::Submitted], S::Rejected, A::OrgApprove).reason(Rec::Required),
        Edge::new(Step::Apply, &[S::Approved], S::Applied, A::OrgApprove).effective(Rec::Required),
    ],
    editable: &[S::Draft, S::Rejected],
};

/// The table of a plan the unit runs from start to end (`manage`: submit, reopen a
/// rejected plan, apply an approved one) while another decides (`approve`: approve, with
/// its 文号 as `doc_no` says, or reject with a reason). Downsizing plans, selection
/// campaigns and pay runs share it.
const fn unit_runs(manage: Action, approve: Action, doc_no: Rec) -> [Edge; 5] {
    [
        Edge::new(Step::Submit, &[S::Draft], S::Submitted, manage),
        Edge::new(Step::Approve, &[S::Submitted], S::Approved, approve).doc_no(doc_no),
        Edge::new(Step::Reject, &[S::Submitted], S::Rejected, approve).reason(Rec::Required),
        Edge::new(Step::Reopen, &[S::Rejected], S::Draft, manage),
        Edge::new(Step::Apply, &[S::Approved], S::Applied, manage),
    ]
}

/// Downsizing plans (分流方案): the unit drafts, submits, takes a rejected plan back to
/// draft and applies an approved one (on the effective date fixed at creation); the
/// district approves with its 文号 or rejects with a reason.
pub static DOWNSIZING_PLANS: Workflow = Workflow {
    name: "downsizing.plan",
    labels: "down.status",
    object: ObjectKind::DownsizingPlan,
    edges: &unit_runs(A::DownsizingManage, A::DownsizingApprove, Rec::Required),
    editable: &[S::Draft],
};

/// Competitive-selection campaign plans (竞争上岗方案, RULES-SELECTION-APPRAISAL §1.2): the
/// unit (组织/人事) drafts and submits; the district approves with its 文号 or rejects with a
/// reason; the unit takes a rejected plan back to draft and publishes (`apply`, 发布) an
/// approved one. A published plan is immutable: a change is a new version
/// ([`crate::selection::plan::PlanVersion::revise`]) that runs this table again.
pub static SELECTION_CAMPAIGNS: Workflow = Workflow {
    name: "selection.campaign",
    labels: "selection.campaign_status",
    object: ObjectKind::SelectionCampaign,
    edges: &unit_runs(A::SelectionManage, A::SelectionApprove, Rec::Required),
    editable: &[S::Draft],
};

/// A unit's pay run (绩效分配表, RULES-SELECTION-APPRAISAL §4.6): the unit's HR office
/// (组织/人事) computes and submits; the unit's leadership (党委委员) approves or rejects with a
/// reason; HR takes a rejected run back to draft and applies (发放) an approved one. The
/// lines are frozen once submitted.
pub static PAY_RUNS: Workflow = Workflow {
    name: "pay.run",
    labels: "pay.status",
    object: ObjectKind::PayRun,
    // The leadership approves without a 文号.
    edges: &unit_runs(A::PayRun, A::PayApprove, Rec::Keep),
    editable: &[S::Draft],
};

/// Two-way selection rounds (双向选择轮次, RULES-SELECTION-APPRAISAL §3): the unit's HR
/// office sets a round up (draft) and opens it (staff choose, heads rank, the office
/// matches, confirms 调剂 and routes); it submits the result; the district or the unit's
/// committee (党委) approves it with its 文号 or rejects it with a reason (the office takes a
/// rejected result back to open and matches again); the office applies an approved result
/// (every post assignment in one transaction).
pub static TWOWAY_ROUNDS: Workflow = Workflow {
    name: "twoway.round",
    labels: "twoway.status",
    object: ObjectKind::TwowayRound,
    edges: &[
        Edge::new(Step::Open, &[S::Draft], S::Open, A::TwowayManage),
        Edge::new(Step::Submit, &[S::Open], S::Submitted, A::TwowayManage).reason(Rec::Clear),
        Edge::new(
            Step::Approve,
            &[S::Submitted],
            S::Approved,
            A::TwowayApprove,
        )
        .doc_no(Rec::Required),
        Edge::new(Step::Reject, &[S::Submitted], S::Rejected, A::TwowayApprove)
            .reason(Rec::Required),
        Edge::new(Step::Reopen, &[S::Rejected], S::Open, A::TwowayManage),
        Edge::new(Step::Apply, &[S::Approved], S::Applied, A::TwowayManage),
    ],
    editable: &[S::Draft],
};

/// Appraisal cycles (考核周期, RULES-SELECTION-APPRAISAL APR-1, APR-13, APR-14): the unit's
/// HR office opens the cycle (participants, indicators, raters), starts scoring, then
/// grading; the 考核委员会 confirms the grades with the number of its decision (批准, 文号
/// required) or sends them back to scoring with a reason (退回); the HR office publishes
/// the 优秀 list (公示) and closes the cycle (a periodic cycle may close without publicity).
/// A closed cycle is read-only.
pub static APPRAISAL_CYCLES: Workflow = Workflow {
    name: "appraisal.cycle",
    labels: "appraisal.status",
    object: ObjectKind::AppraisalCycle,
    edges: &[
        Edge::new(Step::Open, &[S::Draft], S::Open, A::AppraisalManage),
        Edge::new(Step::Score, &[S::Open], S::Scoring, A::AppraisalManage),
        Edge::new(Step::Grade, &[S::Scoring], S::Grading, A::AppraisalManage),
        Edge::new(
            Step::Approve,
            &[S::Grading],
            S::Confirmed,
            A::AppraisalConfirm,
        )
        .doc_no(Rec::Required),
        Edge::new(Step::Reject, &[S::Grading], S::Scoring, A::AppraisalConfirm)
            .reason(Rec::Required),
        // The publicity's first day is the step's effective date.
        Edge::new(
            Step::Publish,
            &[S::Confirmed],
            S::Publicity,
            A::AppraisalManage,
        )
        .effective(Rec::Required),
        Edge::new(
            Step::Close,
            &[S::Confirmed, S::Publicity],
            S::Closed,
            A::AppraisalManage,
        ),
    ],
    editable: &[S::Draft, S::Open],
};

/// Every workflow, for tests and documentation.
pub static ALL: [&Workflow; 6] = [
    &ORG_PLANS,
    &DOWNSIZING_PLANS,
    &SELECTION_CAMPAIGNS,
    &PAY_RUNS,
    &TWOWAY_ROUNDS,
    &APPRAISAL_CYCLES,
];

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn at() -> DateTime<Utc> {
        DateTime::from_timestamp(1_900_000_000, 0).unwrap()
    }

    /// The (step, from, to) moves of a plan the unit runs and the district decides.
    const UNIT_RUNS: [(Step, S, S); 5] = [
        (Step::Submit, S::Draft, S::Submitted),
        (Step::Approve, S::Submitted, S::Approved),
        (Step::Reject, S::Submitted, S::Rejected),
        (Step::Reopen, S::Rejected, S::Draft),
        (Step::Apply, S::Approved, S::Applied),
    ];

    /// Every (step, status) pair: exactly the listed moves are allowed.
    fn assert_allows_exactly(f: &Workflow, allowed: &[(Step, S, S)]) {
        for t in Step::ALL {
            for s in S::ALL {
                let want = allowed
                    .iter()
                    .find(|(tt, from, _)| tt == t && from == s)
                    .map(|(_, _, to)| *to);
                assert_eq!(f.check(*t, *s).ok(), want, "{t:?} from {s:?}");
            }
        }
    }

    #[test]
    fn org_table() {
        let f = &ORG_PLANS;
        assert_eq!(f.check(Step::Submit, S::Draft), Ok(S::Submitted));
        assert_eq!(f.check(Step::Submit, S::Rejected), Ok(S::Submitted));
        assert!(f.check(Step::Apply, S::Submitted).is_err());
        assert!(f.check(Step::Approve, S::Applied).is_err());
        assert_eq!(f.check(Step::Reject, S::Submitted), Ok(S::Rejected));
        assert!(
            f.check(Step::Reopen, S::Rejected).is_err(),
            "no reopen in org"
        );
        assert!(f.editable(S::Draft) && f.editable(S::Rejected));
        assert!(!f.editable(S::Submitted));
        assert_eq!(f.label_key(S::Draft), "org.plan_status.draft");
        assert_eq!(f.action(Step::Apply), Some(A::OrgApprove));
        assert_eq!(f.action(Step::Submit), Some(A::OrgManage));
    }

    #[test]
    fn downsizing_table() {
        let f = &DOWNSIZING_PLANS;
        assert_allows_exactly(f, &UNIT_RUNS);
        let e = f.check(Step::Apply, S::Draft).unwrap_err();
        assert_eq!(
            (e.field.as_str(), e.code.as_str()),
            ("status", "plan_status_invalid")
        );
        assert!(f.editable(S::Draft));
        assert!(!f.editable(S::Rejected) && !f.editable(S::Submitted) && !f.editable(S::Applied));
        assert_eq!(f.label_key(S::Applied), "down.status.applied");
        assert_eq!(f.action(Step::Apply), Some(A::DownsizingManage));
    }

    #[test]
    fn selection_table() {
        let f = &SELECTION_CAMPAIGNS;
        assert_allows_exactly(f, &UNIT_RUNS);
        assert!(f.editable(S::Draft) && !f.editable(S::Applied) && !f.editable(S::Submitted));
        assert_eq!(f.action(Step::Approve), Some(A::SelectionApprove));
        assert_eq!(f.action(Step::Apply), Some(A::SelectionManage));
        assert!(A::SelectionApprove.district_only());
        assert_eq!(f.edge(Step::Approve).map(|e| e.doc_no), Some(Rec::Required));
        assert_eq!(f.edge(Step::Reject).map(|e| e.reason), Some(Rec::Required));
    }

    #[test]
    fn pay_run_table() {
        let f = &PAY_RUNS;
        assert_allows_exactly(f, &UNIT_RUNS);
        assert!(f.editable(S::Draft) && !f.editable(S::Submitted) && !f.editable(S::Approved));
        assert_eq!(f.action(Step::Approve), Some(A::PayApprove));
        assert_eq!(f.action(Step::Submit), Some(A::PayRun));
        assert_eq!(f.action(Step::Apply), Some(A::PayRun));
        assert_eq!(f.edge(Step::Reject).map(|e| e.reason), Some(Rec::Required));
        assert!(!A::PayApprove.district_only());
    }

    #[test]
    fn twoway_table() {
        let f = &TWOWAY_ROUNDS;
        let allowed = [
            (Step::Open, S::Draft, S::Open),
            (Step::Submit, S::Open, S::Submitted),
            (Step::Approve, S::Submitted, S::Approved),
            (Step::Reject, S::Submitted, S::Rejected),
            (Step::Reopen, S::Rejected, S::Open),
            (Step::Apply, S::Approved, S::Applied),
        ];
        assert_allows_exactly(f, &allowed);
        assert!(f.editable(S::Draft) && !f.editable(S::Open));
        assert_eq!(f.action(Step::Approve), Some(A::TwowayApprove));
        assert!(!A::TwowayApprove.district_only());
        assert_eq!(f.edge(Step::Approve).map(|e| e.doc_no), Some(Rec::Required));
        assert!(S::Open.is_open());
    }

    #[test]
    fn appraisal_table() {
        let f = &APPRAISAL_CYCLES;
        let allowed = [
            (Step::Open, S::Draft, S::Open),
            (Step::Score, S::Open, S::Scoring),
            (Step::Grade, S::Scoring, S::Grading),
            (Step::Approve, S::Grading, S::Confirmed),
            (Step::Reject, S::Grading, S::Scoring),
            (Step::Publish, S::Confirmed, S::Publicity),
            (Step::Close, S::Confirmed, S::Closed),
            (Step::Close, S::Publicity, S::Closed),
        ];
        assert_allows_exactly(f, &allowed);
        assert!(f.editable(S::Draft) && f.editable(S::Open) && !f.editable(S::Closed));
        assert_eq!(f.action(Step::Approve), Some(A::AppraisalConfirm));
        assert_eq!(f.action(Step::Close), Some(A::AppraisalManage));
        assert_eq!(f.edge(Step::Approve).map(|e| e.doc_no), Some(Rec::Required));
        assert_eq!(f.edge(Step::Reject).map(|e| e.reason), Some(Rec::Required));
        // the existing codes did not move
        assert_eq!(
            S::ALL[..5].iter().map(|s| s.code()).collect::<Vec<_>>(),
            ["draft", "submitted", "approved", "rejected", "applied"]
        );
    }

    #[test]
    fn moves_record_what_the_step_records() {
        let input = StepInput {
            reason: Some("r".into()),
            doc_no: Some("镇编〔2027〕1号".into()),
            effective: NaiveDate::from_ymd_opt(2027, 1, 1),
        };
        let m = ORG_PLANS
            .start(Step::Approve, 7, S::Submitted, "qu", at(), input.clone())
            .unwrap();
        assert_eq!((m.from, m.to), (S::Submitted, S::Approved));
        assert_eq!(
            (m.reason.as_deref(), m.doc_no.as_deref(), m.effective),
            (None, Some("镇编〔2027〕1号"), None)
        );
        assert_eq!(m.comment(), "镇编〔2027〕1号");
        assert_eq!(m.action(&ORG_PLANS), "org.plan.approve");
        let s = ORG_PLANS
            .start(Step::Submit, 7, S::Rejected, "u", at(), input.clone())
            .unwrap();
        assert_eq!(s.reason.as_deref(), Some(""));
        assert_eq!(s.comment(), "");
        let e = ORG_PLANS
            .start(
                Step::Reject,
                7,
                S::Submitted,
                "qu",
                at(),
                StepInput::default(),
            )
            .unwrap_err();
        assert_eq!((e.field.as_str(), e.code.as_str()), ("reason", "required"));
        let e = ORG_PLANS
            .start(
                Step::Apply,
                7,
                S::Approved,
                "qu",
                at(),
                StepInput::default(),
            )
            .unwrap_err();
        assert_eq!(e.field, "effective");
        let a = DOWNSIZING_PLANS
            .start(Step::Apply, 7, S::Approved, "u", at(), input)
            .unwrap();
        assert_eq!((a.effective, a.at), (None, at()));
    }

    #[test]
    fn every_edge_leads_somewhere_new_and_steps_are_unique() {
        for f in ALL {
            for (i, e) in f.edges.iter().enumerate() {
                assert!(!e.from.contains(&e.to), "{} {:?}", f.name, e.step);
                assert!(f.edges[i + 1..].iter().all(|x| x.step != e.step));
            }
            assert!(!f.editable.contains(&S::Applied));
        }
    }
}
