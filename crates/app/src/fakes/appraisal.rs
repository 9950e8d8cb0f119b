//! The appraisal port in the fake: cycles, participants, sets, scores, codes, ratings,
//! grades and appeals kept in memory, with the same status guards as the store. Workflow
//! moves are not kept by the fake (tests set `status` directly).

use async_trait::async_trait;
use rust_decimal::Decimal;

use jiguan_domain::appraisal::scores::{IndicatorSet, RaterKind};
use jiguan_domain::appraisal::{AppealId, CycleId, IndicatorSetId, ParticipantId};
use jiguan_domain::audit::AuditEntry;
use jiguan_domain::tenancy::{DistrictId, UnitId};
use jiguan_domain::workflow::Status;

use super::{FakeState, FakeStore};
use crate::appraisal::{
    AppealRecord, AppealWrite, AppraisalStore, CycleAt, CycleRecord, FactsWrite, GradeWrite,
    IndicatorSetRecord, NewCycle, ParticipantRecord, RESULT_STATUSES, ResolveWrite, ScoreRecord,
    YearRecord,
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
}

/// The records kept with their cycle's id, of cycle `id`.
fn of_cycle<T: Clone>(rows: &[(CycleId, T)], id: CycleId) -> Vec<T> {
    rows.iter()
        .filter(|(c, _)| *c == id)
        .map(|(_, r)| r.clone())
        .collect()
}

const EDITABLE: &[Status] = &[Status::Draft, Status::Open];

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
                    person_id: p.person_id,
                    name: p.name.clone(),
                    identity: p.identity,
                    group: p.group.clone(),
                    post_level: p.post_level.clone(),
                    ungraded: p.ungraded,
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

    async fn apr_set_weights(
        &self,
        at: CycleAt,
        weights: &[(RaterKind, Decimal)],
        audit: AuditEntry,
    ) -> StoreResult<()> {
        self.with_state(|s| {
            s.apr_guard(at, EDITABLE)?;
            s.apr_cycle_mut(at)?.rater_weights = weights.to_vec();
            s.platform.audit.push(audit);
            Ok(())
        })?
    }

    async fn apr_set_quota(
        &self,
        at: CycleAt,
        rate: Decimal,
        doc: &str,
        audit: AuditEntry,
    ) -> StoreResult<()> {
        self.with_state(|s| {
            s.apr_guard(
                at,
                &[
                    Status::Draft,
                    Status::Open,
                    Status::Scoring,
                    Status::Grading,
                ],
            )?;
            let c = s.apr_cycle_mut(at)?;
            c.quota_rate = Some(rate);
            c.quota_doc = doc.to_string();
            s.platform.audit.push(audit);
            Ok(())
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

    async fn apr_set_facts(
        &self,
        at: CycleAt,
        p: ParticipantId,
        f: &FactsWrite,
        audit: AuditEntry,
    ) -> StoreResult<()> {
        let id = at.id;
        self.with_state(|s| {
            s.apr_guard(at, EDITABLE)?;
            let x = s
                .appraisal
                .participants
                .iter_mut()
                .find(|x| x.id == p && x.cycle_id == id)
                .ok_or(StoreError::NotFound)?;
            x.group = f.group.clone();
            x.post_level = f.post_level.clone();
            x.leave_days = f.leave_days;
            x.investigation = f.investigation;
            x.sanction = f.sanction;
            x.warned = f.warned;
            x.ungraded = f.ungraded;
            s.platform.audit.push(audit);
            Ok(())
        })?
    }

    async fn apr_indicator_sets(&self, at: CycleAt) -> StoreResult<Vec<IndicatorSetRecord>> {
        self.with_state(|s| s.apr_rows(at, |a| of_cycle(&a.sets, at.id)))
    }

    async fn apr_save_indicator_set(
        &self,
        at: CycleAt,
        set: &IndicatorSet,
        audit: AuditEntry,
    ) -> StoreResult<IndicatorSetId> {
        let id = at.id;
        self.with_state(|s| {
            s.apr_guard(at, EDITABLE)?;
            s.appraisal
                .sets
                .retain(|(c, r)| !(*c == id && r.set.post_level == set.post_level));
            let sid = IndicatorSetId(s.next_id());
            s.appraisal.sets.push((
                id,
                IndicatorSetRecord {
                    id: sid,
                    set: set.clone(),
                },
            ));
            s.platform.audit.push(audit);
            Ok(sid)
        })?
    }

    async fn apr_scores(&self, at: CycleAt) -> StoreResult<Vec<ScoreRecord>> {
        self.with_state(|s| {
            s.apr_rows(at, |a| {
                let mut v = of_cycle(&a.scores, at.id);
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

    async fn apr_add_scores(
        &self,
        at: CycleAt,
        scores: &[ScoreRecord],
        audit: AuditEntry,
    ) -> StoreResult<()> {
        let id = at.id;
        self.with_state(|s| {
            s.apr_guard(at, &[Status::Scoring])?;
            for x in scores {
                s.appraisal.scores.retain(|(c, r)| {
                    !(*c == id
                        && r.participant_id == x.participant_id
                        && r.score.kind == x.score.kind
                        && r.score.rater == x.score.rater)
                });
                s.appraisal.scores.push((id, x.clone()));
            }
            s.platform.audit.push(audit);
            Ok(())
        })?
    }

    async fn apr_issue_codes(
        &self,
        at: CycleAt,
        hashes: &[String],
        audit: AuditEntry,
    ) -> StoreResult<()> {
        let id = at.id;
        self.with_state(|s| {
            s.apr_guard(at, &[Status::Scoring])?;
            for h in hashes {
                s.appraisal.codes.push(CodeRow {
                    cycle: id,
                    hash: h.clone(),
                    used: false,
                });
            }
            s.platform.audit.push(audit);
            Ok(())
        })?
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

    async fn apr_save_grades(
        &self,
        at: CycleAt,
        grades: &[GradeWrite],
        audit: AuditEntry,
    ) -> StoreResult<()> {
        let id = at.id;
        self.with_state(|s| {
            s.apr_guard(at, &[Status::Grading])?;
            for g in grades {
                if let Some(p) = s
                    .appraisal
                    .participants
                    .iter_mut()
                    .find(|p| p.id == g.participant_id && p.cycle_id == id)
                {
                    p.grade = Some(g.grade);
                    p.score = g.score;
                    p.reason = g.reason.clone();
                }
            }
            s.platform.audit.push(audit);
            Ok(())
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

    async fn apr_file_appeal(
        &self,
        at: CycleAt,
        w: &AppealWrite,
        audit: AuditEntry,
    ) -> StoreResult<AppealId> {
        let id = at.id;
        self.with_state(|s| {
            s.apr_guard(at, RESULT_STATUSES)?;
            let aid = AppealId(s.next_id());
            s.appraisal.appeals.push(AppealRecord {
                id: aid,
                cycle_id: id,
                participant_id: w.participant_id,
                filed_on: w.filed_on,
                reason: w.reason.clone(),
                decision: None,
                new_grade: None,
                resolved_on: None,
            });
            s.platform.audit.push(audit);
            Ok(aid)
        })?
    }

    async fn apr_resolve_appeal(
        &self,
        at: CycleAt,
        r: &ResolveWrite,
        audit: AuditEntry,
    ) -> StoreResult<()> {
        let id = at.id;
        self.with_state(|s| {
            s.apr_cycle_mut(at)?;
            let a = s
                .appraisal
                .appeals
                .iter_mut()
                .find(|a| a.id == r.appeal && a.cycle_id == id && a.decision.is_none())
                .ok_or(StoreError::Conflict(Conflict::Status))?;
            a.decision = Some(r.decision.clone());
            a.new_grade = r.new_grade;
            a.resolved_on = Some(r.on);
            let pid = a.participant_id;
            if let Some(g) = r.new_grade
                && let Some(p) = s.appraisal.participants.iter_mut().find(|p| p.id == pid)
            {
                p.grade = Some(g);
                p.reason.clone_from(&r.decision);
            }
            s.platform.audit.push(audit);
            Ok(())
        })?
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
