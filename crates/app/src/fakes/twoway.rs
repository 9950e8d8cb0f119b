//! Two-way selection rounds in memory: rounds, choices, rankings, results, the status
//! moves of [`TWOWAY_ROUNDS`](jiguan_domain::workflow::TWOWAY_ROUNDS) and the apply (the
//! posts fake's assignment write, then the status).

use async_trait::async_trait;

use jiguan_domain::audit::AuditEntry;
use jiguan_domain::inbox::NewNotice;
use jiguan_domain::tenancy::{DistrictId, UnitId};
use jiguan_domain::twoway::RoundId;
use jiguan_domain::workflow::{Move, Status};

use super::{Children, FakeState, FakeStore};
use crate::ports::{Conflict, StoreError, StoreResult};
use crate::twoway::*;

/// Rounds with their choices and rankings, and the notices written.
#[derive(Debug, Default)]
pub struct TwowayState {
    pub rounds: Vec<RoundRecord>,
    pub prefs: Vec<(RoundId, PrefRecord)>,
    pub rankings: Vec<(RoundId, RankingRecord)>,
    pub notices: Vec<NewNotice>,
    /// The reads of rounds made (`tw_rounds`, `tw_round`, `flow_items`), so that a test
    /// can show what a view costs.
    pub reads: Vec<&'static str>,
}

/// The rounds of `flow_items`: those of the unit (or district) in one of `statuses`.
pub(crate) fn flow_items(
    s: &mut FakeState,
    d: DistrictId,
    unit: Option<UnitId>,
    statuses: &[Status],
) -> Vec<crate::inbox::FlowItem> {
    s.twoway.reads.push("flow_items");
    let s = &*s;
    s.twoway
        .rounds
        .iter()
        .filter(|r| r.district_id == d && unit.is_none_or(|u| r.unit_id == u))
        .filter(|r| statuses.contains(&r.status))
        .map(|r| crate::inbox::FlowItem {
            id: r.id.0,
            unit_id: r.unit_id,
            unit_name: s
                .platform
                .units
                .iter()
                .find(|u| u.id == r.unit_id)
                .map(|u| u.name.clone())
                .unwrap_or_default(),
            title: r.title.clone(),
            status: r.status,
            created_at: r.created_at,
        })
        .collect()
}

fn round_mut(s: &mut FakeState, at: RoundAt) -> StoreResult<&mut RoundRecord> {
    s.twoway
        .rounds
        .iter_mut()
        .find(|r| r.id == at.id && r.unit_id == at.unit && r.district_id == at.district)
        .ok_or(StoreError::NotFound)
}

/// The round must be in `status` (else `Conflict(Status)`); its result is cleared when
/// `clear`.
fn guard(s: &mut FakeState, at: RoundAt, status: Status, clear: bool) -> StoreResult<()> {
    let r = round_mut(s, at)?;
    if r.status != status {
        return Err(StoreError::Conflict(Conflict::Status));
    }
    if clear {
        r.result_json.clear();
    }
    Ok(())
}

/// A status move `m` of the round `at` (the fake's part of the one workflow store).
pub(crate) fn move_round(
    s: &mut FakeState,
    at: RoundAt,
    m: &Move,
    notices: &[NewNotice],
    audit: AuditEntry,
) -> StoreResult<()> {
    let r = round_mut(s, at)?;
    if r.status != m.from {
        return Err(StoreError::Conflict(Conflict::Status));
    }
    r.status = m.to;
    if let Some(x) = &m.doc_no {
        r.doc_no = x.clone();
    }
    if let Some(x) = &m.reason {
        r.reason = x.clone();
    }
    if m.to == Status::Applied {
        r.applied_at = Some(m.at);
    }
    s.twoway.notices.extend(notices.iter().cloned());
    s.platform.audit.push(audit);
    Ok(())
}

#[async_trait]
impl TwowayStore for FakeStore {
    async fn tw_rounds(
        &self,
        d: DistrictId,
        unit: Option<UnitId>,
    ) -> StoreResult<Vec<RoundRecord>> {
        self.with_state(|s| {
            s.twoway.reads.push("tw_rounds");
            let mut v: Vec<RoundRecord> = s
                .twoway
                .rounds
                .iter()
                .filter(|r| r.district_id == d && unit.is_none_or(|u| r.unit_id == u))
                .cloned()
                .collect();
            v.reverse();
            v
        })
    }

    async fn tw_round(&self, at: RoundAt) -> StoreResult<Option<RoundRecord>> {
        self.with_state(|s| {
            s.twoway.reads.push("tw_round");
            round_mut(s, at).ok().map(|r| r.clone())
        })
    }

    async fn tw_create_round(
        &self,
        d: DistrictId,
        u: UnitId,
        w: &RoundWrite,
        audit: AuditEntry,
    ) -> StoreResult<RoundId> {
        write_state(self, |s| {
            if !s.unit_in(d, u) {
                return Err(StoreError::NotFound);
            }
            let id = RoundId(s.next_id());
            s.twoway.rounds.push(RoundRecord {
                id,
                district_id: d,
                unit_id: u,
                title: w.input.title.clone(),
                choose_by: w.input.choose_by,
                rank_by: w.input.rank_by,
                max_choices: w.input.max_choices,
                mode: w.input.mode,
                status: Status::Draft,
                doc_no: String::new(),
                reason: String::new(),
                created_by: audit.username.clone(),
                created_at: audit.at,
                applied_at: None,
                result_json: String::new(),
                offers: w.offers.clone(),
                exclusions: w.exclusions.clone(),
            });
            let mut audit = audit;
            audit.object_id = id.to_string();
            s.platform.audit.push(audit);
            Ok(id)
        })
    }

    async fn tw_change(
        &self,
        at: RoundAt,
        change: &RoundChange,
        audit: AuditEntry,
    ) -> StoreResult<()> {
        let id = at.id;
        write_state(self, |s| {
            let (status, clear) = change.guard();
            guard(s, at, status, clear)?;
            match change {
                RoundChange::Definition(w) => {
                    let r = round_mut(s, at)?;
                    r.title = w.input.title.clone();
                    r.choose_by = w.input.choose_by;
                    r.rank_by = w.input.rank_by;
                    r.max_choices = w.input.max_choices;
                    r.mode = w.input.mode;
                    r.offers = w.offers.clone();
                    r.exclusions = w.exclusions.clone();
                }
                RoundChange::Prefs(prefs) => {
                    for p in prefs {
                        let same = |a: &PrefRecord, b: &PrefRecord| a.person_id == b.person_id;
                        s.twoway.prefs.upsert(id, p.clone(), same);
                    }
                }
                RoundChange::Ranking(rec) => {
                    let same = |a: &RankingRecord, b: &RankingRecord| a.post_id == b.post_id;
                    s.twoway.rankings.upsert(id, rec.clone(), same);
                }
                RoundChange::Result(json) => round_mut(s, at)?.result_json = json.clone(),
            }
            s.platform.audit.push(audit);
            Ok(())
        })
    }

    async fn tw_prefs(&self, at: RoundAt) -> StoreResult<Vec<PrefRecord>> {
        let found = |s: &mut FakeState| round_mut(s, at).is_ok();
        self.with_state(|s| {
            if found(s) {
                s.twoway.prefs.of(at.id)
            } else {
                Vec::new()
            }
        })
    }

    async fn tw_rankings(&self, at: RoundAt) -> StoreResult<Vec<RankingRecord>> {
        let found = |s: &mut FakeState| round_mut(s, at).is_ok();
        self.with_state(|s| {
            if found(s) {
                s.twoway.rankings.of(at.id)
            } else {
                Vec::new()
            }
        })
    }

    async fn tw_notify(
        &self,
        _d: DistrictId,
        notices: &[NewNotice],
        audit: AuditEntry,
    ) -> StoreResult<()> {
        write_state(self, |s| {
            s.twoway.notices.extend(notices.iter().cloned());
            s.platform.audit.push(audit);
            Ok(())
        })
    }

    async fn tw_apply(&self, at: RoundAt, w: &ApplyWrite, audit: AuditEntry) -> StoreResult<()> {
        let u = at.unit;
        write_state(self, |s| {
            // All or nothing: check the status first, write on a copy of the posts state.
            guard(s, at, w.step.from, false)?;
            let saved = s.posts.assignments.clone();
            let last = s.last_id;
            if let Err(e) = super::posts::write(s, u, &w.assignments, Vec::new()) {
                s.posts.assignments = saved;
                s.last_id = last;
                return Err(e);
            }
            move_round(s, at, &w.step, &w.notices, audit)
        })
    }
}

/// A write over the state that may be refused.
fn write_state<T>(
    store: &FakeStore,
    f: impl FnOnce(&mut FakeState) -> StoreResult<T>,
) -> StoreResult<T> {
    store.with_state(f)?
}
