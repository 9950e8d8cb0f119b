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
use jiguan_domain::workflow::{Move, Status, Step, StepInput, Workflow, status_invalid};

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
