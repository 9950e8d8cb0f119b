//! The appraisal port in the fake: cycles, participants, sets, scores, codes, ratings,
//! grades and appeals kept in memory, with the same status guards as the store. Workflow
//! moves are not kept by the fake (tests set `status` directly).

use async_trait::async_trait;
use rust_decimal::Decimal;

use jiguan_domain::appraisal::{AppealId, CycleId, IndicatorSetId, ParticipantId};
use jiguan_domain::audit::AuditEntry;
use jiguan_domain::tenancy::{DistrictId, UnitId};
use jiguan_domain::workflow::Status;

use super::{Children, FakeState, FakeStore};
use crate::appraisal::{
    AppealRecord, AppraisalStore, CycleAt, CycleChange, CycleRecord, IndicatorSetRecord, NewCycle,
    ParticipantRecord, RESULT_STATUSES, ScoreRecord, YearRecord,
};
use crate::ports::{Conflict, StoreError, StoreResult};

/// A stored code: its hash and whether it was used.
#[derive(Debug, Clone)]
pub struct CodeRow {
    pub cycle: CycleId,
    pub hash: String,
    pub used: bool,
}

/// A stored anonymous rating: cycle, participant, random key, value. Nothing else.
#[derive(Debug, Clone)]
pub struct RatingRow {
    pub cycle: CycleId,
    pub participant: ParticipantId,
    pub key: String,
    pub value: Decimal,
}

#[derive(Debug, Default)]
pub struct AppraisalState {
    pub cycles: Vec<CycleRecord>,
    pub participants: Vec<ParticipantRecord>,
    pub sets: Vec<(CycleId, IndicatorSetRecord)>,
    pub scores: Vec<(CycleId, ScoreRecord)>,
    pub codes: Vec<CodeRow>,
    pub ratings: Vec<RatingRow>,
    pub appeals: Vec<AppealRecord>,
}

impl FakeState {
    fn apr_cycle_mut(&mut self, at: CycleAt) -> StoreResult<&mut CycleRecord> {
        self.appraisal
            .cycles
            .iter_mut()
            .find(|c| c.id == at.id && c.district_id == at.district && c.unit_id == at.unit)
            .ok_or(StoreError::NotFound)
    }

    /// What `rows` picks from the state for cycle `id`, when the cycle is the unit's
    /// (nothing otherwise).
    fn apr_rows<T: Default>(&mut self, at: CycleAt, rows: impl FnOnce(&AppraisalState) -> T) -> T {
        if self.apr_cycle_mut(at).is_err() {
            return T::default();
        }
        rows(&self.appraisal)
    }

    /// The cycle's status must be one of `ok` (`Conflict(Status)` otherwise).
    fn apr_guard(&mut self, at: CycleAt, ok: &[Status]) -> StoreResult<()> {
        if ok.contains(&self.apr_cycle_mut(at)?.status) {
            Ok(())
        } else {
            Err(StoreError::Conflict(Conflict::Status))
        }
    }

    /// Makes `change` to the cycle (its guard passed); the id of a record it adds.
    fn apr_apply(&mut self, at: CycleAt, change: &CycleChange) -> StoreResult<Option<i64>> {
        let id = at.id;
        let a = &mut self.appraisal;
        match change {
            CycleChange::Weights(weights) => {
                self.apr_cycle_mut(at)?.rater_weights = weights.clone()
            }
            CycleChange::Quota { rate, doc } => {
                let c = self.apr_cycle_mut(at)?;
                c.quota_rate = Some(*rate);
                c.quota_doc = doc.clone();
            }
            CycleChange::Facts(p, f) => {
                let x = a
                    .participants
                    .iter_mut()
                    .find(|x| x.id == *p && x.cycle_id == id)
                    .ok_or(StoreError::NotFound)?;
                x.who.group = f.group.clone();
                x.who.post_level = f.post_level.clone();
                x.leave_days = f.leave_days;
                x.investigation = f.investigation;
                x.sanction = f.sanction;
                x.warned = f.warned;
                x.who.ungraded = f.ungraded;
            }
            CycleChange::IndicatorSet(set) => {
                let sid = IndicatorSetId(self.next_id());
                let rec = IndicatorSetRecord {
                    id: sid,
                    set: set.clone(),
                };
                let same = |a: &IndicatorSetRecord, b: &IndicatorSetRecord| {
                    a.set.post_level == b.set.post_level
                };
                self.appraisal.sets.upsert(id, rec, same);
                return Ok(Some(sid.0));
            }
            CycleChange::Scores(scores) => {
                let same = |a: &ScoreRecord, b: &ScoreRecord| {
                    a.participant_id == b.participant_id
                        && a.score.kind == b.score.kind
                        && a.score.rater == b.score.rater
                };
                for x in scores {
                    a.scores.upsert(id, x.clone(), same);
                }
            }
            CycleChange::Codes(hashes) => {
                for h in hashes {
                    a.codes.push(CodeRow {
                        cycle: id,
                        hash: h.clone(),
                        used: false,
                    });
                }
            }
            CycleChange::Grades(grades) => {
                for g in grades {
                    if let Some(p) = a
                        .participants
                        .iter_mut()
                        .find(|p| p.id == g.participant_id && p.cycle_id == id)
                    {
                        p.grade = Some(g.grade);
                        p.score = g.score;
                        p.reason = g.reason.clone();
                    }
                }
            }
            CycleChange::Appeal(w) => {
                let aid = AppealId(self.next_id());
                self.appraisal.appeals.push(AppealRecord {
                    id: aid,
                    cycle_id: id,
                    participant_id: w.participant_id,
                    filed_on: w.filed_on,
                    reason: w.reason.clone(),
                    decision: None,
                    new_grade: None,
                    resolved_on: None,
                });
                return Ok(Some(aid.0));
            }
            CycleChange::Resolve(r) => {
                let x = a
                    .appeals
                    .iter_mut()
                    .find(|x| x.id == r.appeal && x.cycle_id == id && x.decision.is_none())
                    .ok_or(StoreError::Conflict(Conflict::Status))?;
                x.decision = Some(r.decision.clone());
                x.new_grade = r.new_grade;
                x.resolved_on = Some(r.on);
                let pid = x.participant_id;
                if let Some(g) = r.new_grade
                    && let Some(p) = a.participants.iter_mut().find(|p| p.id == pid)
                {
                    p.grade = Some(g);
                    p.reason.clone_from(&r.decision);
                }
            }
        }
        Ok(None)
    }
}

#[async_trait]
impl AppraisalStore for FakeStore {
    async fn apr_cycles(&self, d: DistrictId, u: UnitId) -> StoreResult<Vec<CycleRecord>> {
        self.with_state(|s| {
            let mut v: Vec<_> = s
                .appraisal
                .cycles
                .iter()
                .filter(|c| c.district_id == d && c.unit_id == u)
                .cloned()
                .collect();
            v.sort_by_key(|c| std::cmp::Reverse((c.year, c.quarter, c.id)));
            v
        })
    }

    async fn apr_cycle(&self, at: CycleAt) -> StoreResult<Option<CycleRecord>> {
        self.with_state(|s| s.apr_cycle_mut(at).ok().cloned())
    }

    async fn apr_create_cycle(
        &self,
        d: DistrictId,
        u: UnitId,
        w: &NewCycle,
        audit: AuditEntry,
    ) -> StoreResult<CycleId> {
        let (c, weights, people, set) = (&w.input, &w.weights, &w.people, &w.set);
        self.with_state(|s| {
            if !s.unit_in(d, u) {
                return Err(StoreError::NotFound);
            }
            let id = CycleId(s.next_id());
            s.appraisal.cycles.push(CycleRecord {
                id,
                district_id: d,
                unit_id: u,
                title: c.title.clone(),
                kind: c.kind,
                year: c.year,
                quarter: c.quarter,
                due_on: c.due_on,
                status: Status::Draft,
                reason: String::new(),
                doc_no: String::new(),
                publicity_from: None,
                rater_weights: weights.to_vec(),
                quota_rate: None,
                quota_doc: String::new(),
                created_by: audit.username.clone(),
                created_at: audit.at,
                decided_at: None,
            });
            for p in people {
                let pid = ParticipantId(s.next_id());
                s.appraisal.participants.push(ParticipantRecord {
                    id: pid,
                    cycle_id: id,
                    who: p.clone(),
                    leave_days: 0,
                    investigation: false,
                    sanction: false,
                    warned: false,
                    score: None,
                    grade: None,
                    reason: String::new(),
                });
            }
            let sid = IndicatorSetId(s.next_id());
            s.appraisal.sets.push((
                id,
                IndicatorSetRecord {
                    id: sid,
                    set: set.clone(),
                },
            ));
            s.platform.audit.push(audit);
            Ok(id)
        })?
    }

    async fn apr_change(
        &self,
        at: CycleAt,
        change: &CycleChange,
        audit: AuditEntry,
    ) -> StoreResult<Option<i64>> {
        self.with_state(|s| {
            match change.statuses() {
                Some(ok) => s.apr_guard(at, ok)?,
                None => {
                    s.apr_cycle_mut(at)?;
                }
            }
            let added = s.apr_apply(at, change)?;
            s.platform.audit.push(audit);
            Ok(added)
        })?
    }

    async fn apr_participants(&self, at: CycleAt) -> StoreResult<Vec<ParticipantRecord>> {
        self.with_state(|s| {
            s.apr_rows(at, |a| {
                a.participants
                    .iter()
                    .filter(|p| p.cycle_id == at.id)
                    .cloned()
                    .collect()
            })
        })
    }

    async fn apr_indicator_sets(&self, at: CycleAt) -> StoreResult<Vec<IndicatorSetRecord>> {
        self.with_state(|s| s.apr_rows(at, |a| a.sets.of(at.id)))
    }

    async fn apr_scores(&self, at: CycleAt) -> StoreResult<Vec<ScoreRecord>> {
        self.with_state(|s| {
            s.apr_rows(at, |a| {
                let mut v = a.scores.of(at.id);
                let mut rs: Vec<&RatingRow> =
                    a.ratings.iter().filter(|r| r.cycle == at.id).collect();
                rs.sort_by(|a, b| a.key.cmp(&b.key));
                v.extend(
                    rs.into_iter()
                        .map(|r| ScoreRecord::colleague(r.participant, r.value)),
                );
                v
            })
        })
    }

    async fn apr_code_progress(&self, at: CycleAt) -> StoreResult<(i64, i64)> {
        self.with_state(|s| {
            s.apr_rows(at, |a| {
                let mine: Vec<_> = a.codes.iter().filter(|c| c.cycle == at.id).collect();
                (
                    mine.iter().filter(|c| c.used).count() as i64,
                    mine.len() as i64,
                )
            })
        })
    }

    async fn apr_rate(
        &self,
        at: CycleAt,
        hash: &str,
        ratings: &[(ParticipantId, String, Decimal)],
    ) -> StoreResult<bool> {
        let id = at.id;
        self.with_state(|s| {
            if s.apr_guard(at, &[Status::Scoring]).is_err() {
                return Ok(false);
            }
            let Some(code) = s
                .appraisal
                .codes
                .iter_mut()
                .find(|c| c.cycle == id && c.hash == hash && !c.used)
            else {
                return Ok(false);
            };
            code.used = true;
            for (p, key, v) in ratings {
                s.appraisal.ratings.push(RatingRow {
                    cycle: id,
                    participant: *p,
                    key: key.clone(),
                    value: *v,
                });
            }
            Ok(true)
        })?
    }

    async fn apr_appeals(&self, at: CycleAt) -> StoreResult<Vec<AppealRecord>> {
        self.with_state(|s| {
            s.apr_rows(at, |a| {
                a.appeals
                    .iter()
                    .filter(|x| x.cycle_id == at.id)
                    .cloned()
                    .collect()
            })
        })
    }

    async fn apr_person_years(&self, d: DistrictId, person: i64) -> StoreResult<Vec<YearRecord>> {
        self.with_state(|s| {
            let mut v: Vec<YearRecord> = s
                .appraisal
                .cycles
                .iter()
                .filter(|c| {
                    c.district_id == d
                        && c.kind == jiguan_domain::appraisal::cycle::Kind::Annual
                        && RESULT_STATUSES.contains(&c.status)
                })
                .flat_map(|c| {
                    s.appraisal
                        .participants
                        .iter()
                        .filter(|p| p.cycle_id == c.id && p.person_id == person)
                        .map(|p| YearRecord {
                            year: c.year,
                            unit_id: c.unit_id,
                            cycle_id: c.id,
                            grade: p.grade,
                            ungraded: p.ungraded,
                        })
                })
                .collect();
            v.sort_by_key(|y| y.year);
            v
        })
    }

    async fn apr_periodic_scores(
        &self,
        d: DistrictId,
        u: UnitId,
        year: i32,
    ) -> StoreResult<Vec<(i64, Decimal)>> {
        self.with_state(|s| {
            s.appraisal
                .cycles
                .iter()
                .filter(|c| {
                    c.district_id == d
                        && c.unit_id == u
                        && c.year == year
                        && c.kind == jiguan_domain::appraisal::cycle::Kind::Periodic
                        && RESULT_STATUSES.contains(&c.status)
                })
                .flat_map(|c| {
                    s.appraisal
                        .participants
                        .iter()
                        .filter(|p| p.cycle_id == c.id)
                        .filter_map(|p| p.score.map(|x| (p.person_id, x)))
                })
                .collect()
        })
    }
}
