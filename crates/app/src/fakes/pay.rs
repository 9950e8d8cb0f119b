//! Pay: pools, runs and lines kept in memory, and the status moves of runs.

use async_trait::async_trait;

use jiguan_domain::audit::AuditEntry;
use jiguan_domain::pay::{PayRunId, PoolBasis, RunResult};
use jiguan_domain::tenancy::{DistrictId, UnitId};
use jiguan_domain::workflow::{Move, Status};

use super::{Children, FakeState, FakeStore};
use crate::pay::{
    LineWrite, PayStore, PoolRecord, RunAt, RunLineRecord, RunRecord, ShareRow, YearAt,
};
use crate::ports::{Conflict, StoreError, StoreResult, UniqueKey};

/// Pools, runs and their lines.
#[derive(Debug, Default)]
pub struct PayState {
    pub pools: Vec<(DistrictId, PoolRecord)>,
    pub runs: Vec<RunRecord>,
    pub lines: Vec<(PayRunId, RunLineRecord)>,
}

/// Whether `r` is the run `at`.
fn run_at(r: &RunRecord, at: RunAt) -> bool {
    r.id == at.id && r.district_id == at.district && r.unit_id == at.unit
}

fn draft(s: &FakeState, at: RunAt) -> StoreResult<()> {
    match s.pay.runs.iter().find(|r| run_at(r, at)) {
        None => Err(StoreError::NotFound),
        Some(r) if r.status != Status::Draft => Err(StoreError::Conflict(Conflict::Status)),
        Some(_) => Ok(()),
    }
}

/// Moves a run (the fake's `WorkflowStore::move_status` for `PAY_RUNS`).
pub(crate) fn move_run(
    s: &mut FakeState,
    d: DistrictId,
    u: UnitId,
    m: &Move,
    audit: AuditEntry,
) -> StoreResult<()> {
    let r = s
        .pay
        .runs
        .iter_mut()
        .find(|r| r.id.0 == m.id && r.district_id == d && r.unit_id == u && r.status == m.from)
        .ok_or(StoreError::Conflict(Conflict::Status))?;
    r.status = m.to;
    if let Some(reason) = &m.reason {
        r.reason.clone_from(reason);
    }
    if m.to == Status::Applied {
        r.applied_at = Some(m.at);
    }
    s.platform.audit.push(audit);
    Ok(())
}

#[async_trait]
impl PayStore for FakeStore {
    async fn pay_pools(&self, district: DistrictId, year: i32) -> StoreResult<Vec<PoolRecord>> {
        self.with_state(|s| {
            s.pay
                .pools
                .iter()
                .filter(|(d, p)| *d == district && p.year == year)
                .map(|(_, p)| p.clone())
                .collect()
        })
    }
    async fn pay_set_pool(
        &self,
        at: YearAt,
        basis: &PoolBasis,
        audit: AuditEntry,
    ) -> StoreResult<()> {
        let (district, unit, year) = (at.district, at.unit, at.id);
        self.with_state(|s| {
            let name = s
                .platform
                .units
                .iter()
                .find(|x| x.id == unit && x.district_id == district)
                .map(|x| x.name.clone())
                .ok_or(StoreError::NotFound)?;
            let pool = PoolRecord {
                unit_id: unit,
                unit_name: name,
                year,
                basis: *basis,
                amount: basis.amount(),
                set_by: audit.username.clone(),
                set_at: audit.at,
            };
            let same = |a: &PoolRecord, b: &PoolRecord| a.unit_id == b.unit_id && a.year == b.year;
            s.pay.pools.upsert(district, pool, same);
            s.platform.audit.push(audit);
            Ok(())
        })?
    }
    async fn pay_runs(
        &self,
        district: DistrictId,
        unit: Option<UnitId>,
    ) -> StoreResult<Vec<RunRecord>> {
        self.with_state(|s| {
            let mut v: Vec<RunRecord> = s
                .pay
                .runs
                .iter()
                .filter(|r| r.district_id == district && unit.is_none_or(|u| r.unit_id == u))
                .cloned()
                .collect();
            v.sort_by_key(|r| std::cmp::Reverse(r.year));
            v
        })
    }
    async fn pay_run(&self, at: RunAt) -> StoreResult<Option<RunRecord>> {
        self.with_state(|s| s.pay.runs.iter().find(|r| run_at(r, at)).cloned())
    }
    async fn pay_create_run(&self, at: YearAt, audit: AuditEntry) -> StoreResult<PayRunId> {
        let (district, unit, year) = (at.district, at.unit, at.id);
        self.with_state(|s| {
            if s.pay
                .runs
                .iter()
                .any(|r| r.unit_id == unit && r.year == year)
            {
                return Err(StoreError::Conflict(Conflict::Unique(UniqueKey::Key)));
            }
            let id = PayRunId(s.next_id());
            s.pay.runs.push(RunRecord {
                id,
                district_id: district,
                unit_id: unit,
                year,
                status: Status::Draft,
                reason: String::new(),
                doc_no: String::new(),
                pool: None,
                computed_at: None,
                created_by: audit.username.clone(),
                created_at: audit.at,
                applied_at: None,
            });
            s.platform.audit.push(audit);
            Ok(id)
        })?
    }
    async fn pay_lines(&self, at: RunAt) -> StoreResult<Vec<RunLineRecord>> {
        let run = at.id;
        self.with_state(|s| {
            if !s.pay.runs.iter().any(|r| run_at(r, at)) {
                return Vec::new();
            }
            s.pay.lines.of(run)
        })
    }
    async fn pay_save_lines(
        &self,
        at: RunAt,
        lines: &[LineWrite],
        audit: AuditEntry,
    ) -> StoreResult<()> {
        let run = at.id;
        self.with_state(|s| {
            draft(s, at)?;
            for w in lines {
                let rec = RunLineRecord {
                    line: w.clone(),
                    result: None,
                };
                match s
                    .pay
                    .lines
                    .iter_mut()
                    .find(|(r, l)| *r == run && l.person_id == w.person_id)
                {
                    Some((_, l)) => *l = rec,
                    None => s.pay.lines.push((run, rec)),
                }
            }
            for (r, l) in s.pay.lines.iter_mut() {
                if *r == run {
                    l.result = None;
                }
            }
            if let Some(r) = s.pay.runs.iter_mut().find(|r| r.id == run) {
                r.pool = None;
            }
            s.platform.audit.push(audit);
            Ok(())
        })?
    }
    async fn pay_save_result(
        &self,
        at: RunAt,
        result: &RunResult,
        audit: AuditEntry,
    ) -> StoreResult<()> {
        let run = at.id;
        self.with_state(|s| {
            draft(s, at)?;
            for res in &result.lines {
                if let Some((_, l)) = s
                    .pay
                    .lines
                    .iter_mut()
                    .find(|(r, l)| *r == run && l.person_id == res.person_id)
                {
                    l.result = Some(res.clone());
                }
            }
            if let Some(r) = s.pay.runs.iter_mut().find(|r| r.id == run) {
                r.pool = Some(result.pool);
                r.computed_at = Some(audit.at);
            }
            s.platform.audit.push(audit);
            Ok(())
        })?
    }
    async fn pay_district_shares(
        &self,
        district: DistrictId,
        year: i32,
    ) -> StoreResult<Vec<ShareRow>> {
        self.with_state(|s| {
            s.pay
                .runs
                .iter()
                .filter(|r| r.district_id == district && r.year == year)
                .flat_map(|r| {
                    s.pay
                        .lines
                        .iter()
                        .filter(move |(id, _)| *id == r.id)
                        .filter_map(move |(_, l)| {
                            l.result.as_ref().map(|x| ShareRow {
                                unit_id: r.unit_id,
                                grade: x.grade,
                                share: x.share,
                            })
                        })
                })
                .collect()
        })
    }
}
