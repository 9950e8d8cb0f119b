//! The approval life cycle as use-case plumbing shared by every module with plans
//! ([`jiguan_domain::workflow`]): who may take a step, building the [`Move`] with the app's
//! clock, and writing it through the one [`WorkflowStore`] port with the audit row.
//!
//! A module's use case reads its plan, checks what is its own (a submit needs lines …),
//! then calls [`App::take_step`]; or, when the move is part of a larger write (applying a
//! plan), builds it with [`App::start_step`] and hands it to its own store write.

use async_trait::async_trait;
use serde::Serialize;

use jiguan_domain::audit::{AuditAction, AuditEntry, ObjectKind};
use jiguan_domain::auth::Actor;
use jiguan_domain::inbox::{NewNotice, decision_notice};
use jiguan_domain::tenancy::{DistrictId, UnitId};
use jiguan_domain::workflow::{DOC_MAX, Move, Status, Step, StepInput, Workflow, status_invalid};

use crate::ports::{Conflict, StoreError, StoreResult};
use crate::{App, AppError, AppResult};

/// Storage of status moves: one implementation for every workflow.
#[async_trait]
pub trait WorkflowStore: Send + Sync {
    /// Writes `m` if the record of `unit` is still in `m.from` (else
    /// `Conflict(Status)`), records who, when and what the step records, writes the
    /// notices the move sends (the inbox) and appends `audit`, in one transaction.
    async fn move_status(
        &self,
        flow: &'static Workflow,
        district: DistrictId,
        unit: UnitId,
        m: &Move,
        notices: &[NewNotice],
        audit: AuditEntry,
    ) -> StoreResult<()>;
}

/// The plan id of a module whose plans follow a [`Workflow`]: the table (which also names
/// the audit object), what the audit records of a step, and how the plan's status is read.
/// Implemented by `org::PlanId` and `downsizing::PlanId`; a selection campaign or an
/// appraisal cycle adds its own.
pub trait PlanRef: Copy + Into<i64> + Send + Sync + 'static {
    /// The life cycle the plans follow.
    const FLOW: &'static Workflow;
    /// What a step records in the audit entry, after the move.
    type After: Serialize + for<'m> From<&'m Move>;
    /// The plan's status and title (what a decision's notice names), read as `actor` may
    /// see it in `unit` (`NotFound` otherwise).
    fn head(
        self,
        app: &App,
        actor: &Actor,
        unit: UnitId,
    ) -> impl Future<Output = AppResult<(Status, String)>> + Send;
    /// What the module checks of the plan's content before `step` (nothing by default).
    fn check(
        self,
        app: &App,
        actor: &Actor,
        unit: UnitId,
        step: SimpleStep<'_>,
    ) -> impl Future<Output = AppResult<()>> + Send {
        let _ = (app, actor, unit, step);
        async { Ok(()) }
    }
}

/// A step that checks nothing but the plan's status and its own input: the district's
/// decision and reopening a rejected plan. Submitting and applying check the plan's content
/// and are each module's own use cases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SimpleStep<'a> {
    /// 批准, with the approval document number (文号), required.
    Approve(&'a str),
    /// 退回, with the reason, required.
    Reject(&'a str),
    /// 重新编辑: a rejected plan goes back to draft.
    Reopen,
}

impl SimpleStep<'_> {
    /// The workflow step.
    pub fn step(self) -> Step {
        match self {
            SimpleStep::Approve(_) => Step::Approve,
            SimpleStep::Reject(_) => Step::Reject,
            SimpleStep::Reopen => Step::Reopen,
        }
    }

    /// What the step records, checked (`doc_no`, `reason`: required, not too long).
    fn input(self) -> AppResult<StepInput> {
        Ok(match self {
            SimpleStep::Approve(doc_no) => StepInput::approval(doc_no, DOC_MAX)?,
            SimpleStep::Reject(reason) => StepInput::rejection(reason)?,
            SimpleStep::Reopen => StepInput::default(),
        })
    }
}

/// The status before a step, as audited.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct StatusOnly {
    pub status: Status,
}

/// A lost race on a status becomes `status`/`plan_status_invalid` naming the status the
/// plan was read in.
pub fn status_err(e: StoreError, from: Status) -> AppError {
    match e {
        StoreError::Conflict(Conflict::Status) => status_invalid(from).into(),
        other => other.into(),
    }
}

impl App {
    /// Refuses unless the actor may take `step` of `flow` in `unit`.
    pub async fn require_step(
        &self,
        actor: &Actor,
        flow: &'static Workflow,
        step: Step,
        unit: UnitId,
    ) -> AppResult<()> {
        let action = flow.action(step).ok_or(AppError::Forbidden)?;
        self.require_unit(actor, action, unit).await.map(|_| ())
    }

    /// The move of `step` on record `id` (in `from`) by the actor, now by the app's clock.
    pub fn start_step(
        &self,
        actor: &Actor,
        flow: &'static Workflow,
        step: Step,
        id: i64,
        from: Status,
        input: StepInput,
    ) -> AppResult<Move> {
        Ok(flow.start(step, id, from, &actor.username, self.clock.now(), input)?)
    }

    /// The audit entry of a move: `<workflow>.<step>` on `object`, the status before.
    pub fn step_audit(
        &self,
        actor: &Actor,
        unit: UnitId,
        flow: &'static Workflow,
        object: ObjectKind,
        m: &Move,
    ) -> AuditEntry {
        AuditEntry::by(actor, m.at)
            .unit(unit)
            .did(AuditAction::Step(flow, m.step))
            .on(object, m.id)
            .before(&StatusOnly { status: m.from })
    }

    /// Takes a [`SimpleStep`] on `plan` of `unit` (the plan's workflow action): the plan
    /// must be the unit's (else not found, before the input is checked) and its status
    /// must allow the step; the move and its audit entry are written together.
    pub async fn step_plan<P: PlanRef>(
        &self,
        actor: &Actor,
        unit: UnitId,
        plan: P,
        step: SimpleStep<'_>,
    ) -> AppResult<()> {
        self.require_step(actor, P::FLOW, step.step(), unit).await?;
        let (from, title) = plan.head(self, actor, unit).await?;
        plan.check(self, actor, unit, step).await?;
        let input = step.input()?;
        self.record_step(actor, unit, (plan, from, &title), step.step(), input)
            .await
    }

    /// Writes `step` of `plan` (read in status `from`, titled `title`) with the module's
    /// audit record of it and the notice a decision sends.
    pub async fn record_step<P: PlanRef>(
        &self,
        actor: &Actor,
        unit: UnitId,
        (plan, from, title): (P, Status, &str),
        step: Step,
        input: StepInput,
    ) -> AppResult<()> {
        let flow = P::FLOW;
        let after = |m: &Move| P::After::from(m);
        let key = (plan.into(), from, title);
        self.take_step(actor, unit, flow, flow.object, step, key, input, after)
            .await
    }

    /// Takes `step` on record `id` (titled `title`) now in `from` and writes it with the
    /// audit entry (`after`: what the module records of the step) and the notice a decision
    /// sends to the unit (the inbox's 通知).
    #[allow(clippy::too_many_arguments)]
    pub async fn take_step<T: Serialize>(
        &self,
        actor: &Actor,
        unit: UnitId,
        flow: &'static Workflow,
        object: ObjectKind,
        step: Step,
        (id, from, title): (i64, Status, &str),
        input: StepInput,
        after: impl FnOnce(&Move) -> T,
    ) -> AppResult<()> {
        let m = self.start_step(actor, flow, step, id, from, input)?;
        let notices = decision_notice(flow, object, unit, &m, title);
        let audit = self
            .step_audit(actor, unit, flow, object, &m)
            .after(&after(&m));
        self.store
            .move_status(flow, actor.district_id, unit, &m, &notices, audit)
            .await
            .map_err(|e| status_err(e, from))
    }
}
