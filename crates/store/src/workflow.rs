//! The one implementation of a status move ([`jiguan_domain::workflow::Move`]) for every
//! module's plans: a guarded `UPDATE … SET status … WHERE id … AND unit_id … AND status =
//! <from>` that records who, when and what the step records, the module's history row if
//! it keeps one, and the audit row, in one transaction. A module with plans adds a
//! [`FlowTable`] and a line in [`table_of`].

use async_trait::async_trait;

use jiguan_app::ports::{Conflict, StoreError, StoreResult};
use jiguan_app::workflow::WorkflowStore;
use jiguan_domain::audit::AuditEntry;
use jiguan_domain::inbox::NewNotice;
use jiguan_domain::tenancy::{DistrictId, UnitId};
use jiguan_domain::workflow::{
    DOWNSIZING_PLANS, Move, ORG_PLANS, SELECTION_CAMPAIGNS, Status, TWOWAY_ROUNDS, Workflow,
};

use crate::SqlStore;
use crate::audit::commit_audited;
use crate::db::{Db, Tx, Value};

/// Where a workflow's records live. Every table has `id`, `district_id`, `unit_id`,
/// `status`, `reason`, `doc_no`, `effective` and `applied_at`.
#[derive(Debug)]
pub(crate) struct FlowTable {
    pub table: &'static str,
    /// The table has `decided_by`/`decided_at`, set by an approval or rejection.
    pub decided: bool,
    /// The history table (`plan_id, district_id, unit_id, from_status, to_status,
    /// comment, created_by, created_at`), if the module keeps one.
    pub events: Option<&'static str>,
}

pub(crate) static REORG_PLANS: FlowTable = FlowTable {
    table: "reorg_plans",
    decided: true,
    events: None,
};

pub(crate) static DOWNSIZING: FlowTable = FlowTable {
    table: "downsizing_plans",
    decided: false,
    events: Some("downsizing_events"),
};

pub(crate) static SELECTION: FlowTable = FlowTable {
    table: "selection_campaigns",
    decided: true,
    events: None,
};

pub(crate) static PAY_RUNS: FlowTable = FlowTable {
    table: "pay_runs",
    decided: false,
    events: None,
};

pub(crate) static TWOWAY: FlowTable = FlowTable {
    table: "twoway_rounds",
    decided: false,
    events: Some("twoway_events"),
};

pub(crate) static APPRAISAL: FlowTable = FlowTable {
    table: "appraisal_cycles",
    decided: true,
    events: Some("appraisal_events"),
};

/// The table of a workflow.
pub(crate) fn table_of(flow: &Workflow) -> StoreResult<&'static FlowTable> {
    if *flow == ORG_PLANS {
        Ok(&REORG_PLANS)
    } else if *flow == DOWNSIZING_PLANS {
        Ok(&DOWNSIZING)
    } else if *flow == SELECTION_CAMPAIGNS {
        Ok(&SELECTION)
    } else if *flow == jiguan_domain::workflow::PAY_RUNS {
        Ok(&PAY_RUNS)
    } else if *flow == TWOWAY_ROUNDS {
        Ok(&TWOWAY)
    } else if *flow == jiguan_domain::workflow::APPRAISAL_CYCLES {
        Ok(&APPRAISAL)
    } else {
        Err(StoreError::Backend(format!(
            "no table for workflow {}",
            flow.name
        )))
    }
}

/// Writes a history row of a plan (also used for its creation, from no status).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn event_tx(
    tx: &mut Tx,
    t: &FlowTable,
    d: DistrictId,
    u: UnitId,
    id: i64,
    (from, to): (Option<Status>, Status),
    comment: &str,
    (by, at): (&str, chrono::DateTime<chrono::Utc>),
) -> StoreResult<()> {
    let Some(events) = t.events else {
        return Ok(());
    };
    tx.execute(
        &format!(
            "INSERT INTO {events} (plan_id, district_id, unit_id, from_status, to_status, comment, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        ),
        &[
            id.into(),
            d.0.into(),
            u.0.into(),
            from.map_or("", Status::code).into(),
            to.code().into(),
            comment.into(),
            by.into(),
            at.into(),
        ],
    )
    .await?;
    Ok(())
}

/// Moves the record from `m.from` to `m.to` inside a transaction, with `extra` columns set
/// in the same statement (`id_map_json`, `staff_base` …). Fails with `Conflict(Status)`
/// when the record is not (any more) in `m.from`.
pub(crate) async fn move_tx(
    tx: &mut Tx,
    t: &FlowTable,
    d: DistrictId,
    u: UnitId,
    m: &Move,
    extra: &[(&'static str, Value)],
) -> StoreResult<()> {
    let mut set = String::from(
        "status = $1, reason = COALESCE($2, reason), doc_no = COALESCE($3, doc_no), \
         effective = COALESCE($4, effective), applied_at = CASE WHEN $5 THEN $6 ELSE applied_at END",
    );
    let mut ps: Vec<Value> = vec![
        m.to.code().into(),
        m.reason.clone().into(),
        m.doc_no.clone().into(),
        m.effective.into(),
        (m.to == Status::Applied).into(),
        m.at.into(),
    ];
    if t.decided {
        ps.push(m.to.is_decision().into());
        ps.push(m.by.as_str().into());
        let (w, by) = (ps.len() - 1, ps.len());
        set.push_str(&format!(
            ", decided_by = CASE WHEN ${w} THEN ${by} ELSE decided_by END, \
             decided_at = CASE WHEN ${w} THEN $6 ELSE decided_at END"
        ));
    }
    for (col, v) in extra {
        ps.push(v.clone());
        set.push_str(&format!(", {col} = ${}", ps.len()));
    }
    let n = ps.len();
    ps.extend([m.id.into(), d.0.into(), u.0.into(), m.from.code().into()]);
    let sql = format!(
        "UPDATE {} SET {set} WHERE id = ${} AND district_id = ${} AND unit_id = ${} AND status = ${}",
        t.table,
        n + 1,
        n + 2,
        n + 3,
        n + 4
    );
    if tx.execute(&sql, &ps).await? == 0 {
        return Err(StoreError::Conflict(Conflict::Status));
    }
    event_tx(
        tx,
        t,
        d,
        u,
        m.id,
        (Some(m.from), m.to),
        m.comment(),
        (&m.by, m.at),
    )
    .await
}

/// Opens the transaction of an apply that moves people: first the same lock as people
/// writes (no hire, move or status change races the apply), then the record's step
/// ([`move_tx`]).
pub(crate) async fn begin_apply(
    db: &Db,
    t: &FlowTable,
    (d, u): (DistrictId, UnitId),
    m: &Move,
    extra: &[(&'static str, Value)],
) -> StoreResult<Tx> {
    let mut tx = db.begin().await?;
    tx.lock_people(d.0).await?;
    move_tx(&mut tx, t, d, u, m, extra).await?;
    Ok(tx)
}

/// Whether a person an apply moves is still on post (or lent out) in the unit.
pub(crate) async fn on_post_tx(
    tx: &mut Tx,
    d: DistrictId,
    u: UnitId,
    person: i64,
) -> StoreResult<bool> {
    Ok(tx
        .fetch_optional(
            "SELECT id FROM people WHERE district_id = $1 AND unit_id = $2 AND id = $3 AND status IN ('on_post', 'lent_out')",
            &[d.0.into(), u.0.into(), person.into()],
        )
        .await?
        .is_some())
}

#[async_trait]
impl WorkflowStore for SqlStore {
    async fn move_status(
        &self,
        flow: &'static Workflow,
        d: DistrictId,
        u: UnitId,
        m: &Move,
        notices: &[NewNotice],
        audit: AuditEntry,
    ) -> StoreResult<()> {
        let t = table_of(flow)?;
        let mut tx = self.db.begin().await?;
        move_tx(&mut tx, t, d, u, m, &[]).await?;
        crate::inbox::notices_tx(&mut tx, d, notices).await?;
        commit_audited(tx, &audit).await
    }
}
