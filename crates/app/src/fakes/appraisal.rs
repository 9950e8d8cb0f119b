//! The appraisal port in the fake: cycles, participants, sets, scores, codes, ratings,
//! grades and appeals kept in memory, with the same status guards as the store. Workflow
//! moves are not kept by the fake (tests set `status` directly).

use async_trait::async_trait;
use chrono::NaiveDate;
use rust_decimal::Decimal;

use jiguan_domain::appraisal::cycle::CycleInput;
use jiguan_domain::appraisal::scores::{IndicatorSet, RaterKind};
use jiguan_domain::appraisal::{AppealId, CycleId, Grade, IndicatorSetId, ParticipantId};
use jiguan_domain::audit::AuditEntry;
use jiguan_domain::tenancy::{DistrictId, UnitId};
use jiguan_domain::workflow::Status;

use super::{FakeState, FakeStore};
use crate::appraisal::{
    AppealRecord, AppraisalStore, CycleRecord, FactsWrite, GradeWrite, IndicatorSetRecord,
    ParticipantRecord, ParticipantWrite, RESULT_STATUSES, ScoreRecord, YearRecord,
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
    fn apr_cycle_mut(
        &mut self,
        d: DistrictId,
        u: UnitId,
        id: CycleId,
    ) -> StoreResult<&mut CycleRecord> {
        self.appraisal
            .cycles
            .iter_mut()
            .find(|c| c.id == id && c.district_id == d && c.unit_id == u)
            .ok_or(StoreError::NotFound)
    }

    /// The cycle's status must be one of `ok` (`Conflict(Status)` otherwise).
    fn apr_guard(
        &mut self,
        d: DistrictId,
        u: UnitId,
        id: CycleId,
        ok: &[Status],
    ) -> StoreResult<()> {
        let c = self.apr_cycle_mut(d, u, id)?;
        if ok.contains(&c.status) {
            Ok(())
        } else {
            Err(StoreError::Conflict(Conflict::Status))
        }
    }
}

const EDITABLE: &[Status] = &[Status::Draft, Status::Open];

#[allow(clippy::too_many_arguments)]
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

    async fn apr_cycle(
        &self,
        d: DistrictId,
        u: UnitId,
        id: CycleId,
    ) -> StoreResult<Option<CycleRecord>> {
        self.with_state(|s| s.apr_cycle_mut(d, u, id).ok().cloned())
    }

    async fn apr_create_cycle(
        &self,
        d: DistrictId,
        u: UnitId,
        c: &CycleInput,
        weights: &[(RaterKind, Decimal)],
        people: &[ParticipantWrite],
        set: &IndicatorSet,
        audit: AuditEntry,
    ) -> StoreResult<CycleId> {
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
        d: DistrictId,
        u: UnitId,
        id: CycleId,
        weights: &[(RaterKind, Decimal)],
        audit: AuditEntry,
    ) -> StoreResult<()> {
        self.with_state(|s| {
            s.apr_guard(d, u, id, EDITABLE)?;
            s.apr_cycle_mut(d, u, id)?.rater_weights = weights.to_vec();
            s.platform.audit.push(audit);
            Ok(())
        })?
    }

    async fn apr_set_quota(
        &self,
        d: DistrictId,
        u: UnitId,
        id: CycleId,
        rate: Decimal,
        doc: &str,
        audit: AuditEntry,
    ) -> StoreResult<()> {
        self.with_state(|s| {
            s.apr_guard(
                d,
                u,
                id,
                &[
                    Status::Draft,
                    Status::Open,
                    Status::Scoring,
                    Status::Grading,
                ],
            )?;
            let c = s.apr_cycle_mut(d, u, id)?;
            c.quota_rate = Some(rate);
            c.quota_doc = doc.to_string();
            s.platform.audit.push(audit);
            Ok(())
        })?
    }

    async fn apr_participants(
        &self,
        d: DistrictId,
        u: UnitId,
        id: CycleId,
    ) -> StoreResult<Vec<ParticipantRecord>> {
        self.with_state(|s| {
            if s.apr_cycle_mut(d, u, id).is_err() {
                return Vec::new();
            }
            s.appraisal
                .participants
                .iter()
                .filter(|p| p.cycle_id == id)
                .cloned()
                .collect()
        })
    }

    async fn apr_set_facts(
        &self,
        d: DistrictId,
        u: UnitId,
        id: CycleId,
        p: ParticipantId,
        f: &FactsWrite,
        audit: AuditEntry,
    ) -> StoreResult<()> {
        self.with_state(|s| {
            s.apr_guard(d, u, id, EDITABLE)?;
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

    async fn apr_indicator_sets(
        &self,
        d: DistrictId,
        u: UnitId,
        id: CycleId,
    ) -> StoreResult<Vec<IndicatorSetRecord>> {
        self.with_state(|s| {
            if s.apr_cycle_mut(d, u, id).is_err() {
                return Vec::new();
            }
            s.appraisal
                .sets
                .iter()
                .filter(|(c, _)| *c == id)
                .map(|(_, r)| r.clone())
                .collect()
        })
    }

    async fn apr_save_indicator_set(
        &self,
        d: DistrictId,
        u: UnitId,
        id: CycleId,
        set: &IndicatorSet,
        audit: AuditEntry,
    ) -> StoreResult<IndicatorSetId> {
        self.with_state(|s| {
            s.apr_guard(d, u, id, EDITABLE)?;
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

    async fn apr_scores(
        &self,
        d: DistrictId,
        u: UnitId,
        id: CycleId,
    ) -> StoreResult<Vec<ScoreRecord>> {
        self.with_state(|s| {
            if s.apr_cycle_mut(d, u, id).is_err() {
                return Vec::new();
            }
            let mut v: Vec<ScoreRecord> = s
                .appraisal
                .scores
                .iter()
                .filter(|(c, _)| *c == id)
                .map(|(_, r)| r.clone())
                .collect();
            let mut rs: Vec<&RatingRow> = s
                .appraisal
                .ratings
                .iter()
                .filter(|r| r.cycle == id)
                .collect();
            rs.sort_by(|a, b| a.key.cmp(&b.key));
            v.extend(
                rs.into_iter()
                    .map(|r| ScoreRecord::colleague(r.participant, r.value)),
            );
            v
        })
    }

    async fn apr_add_scores(
        &self,
        d: DistrictId,
        u: UnitId,
        id: CycleId,
        scores: &[ScoreRecord],
        audit: AuditEntry,
    ) -> StoreResult<()> {
        self.with_state(|s| {
            s.apr_guard(d, u, id, &[Status::Scoring])?;
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
        d: DistrictId,
        u: UnitId,
        id: CycleId,
        hashes: &[String],
        audit: AuditEntry,
    ) -> StoreResult<()> {
        self.with_state(|s| {
            s.apr_guard(d, u, id, &[Status::Scoring])?;
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

    async fn apr_code_progress(
        &self,
        d: DistrictId,
        u: UnitId,
        id: CycleId,
    ) -> StoreResult<(i64, i64)> {
        self.with_state(|s| {
            if s.apr_cycle_mut(d, u, id).is_err() {
                return (0, 0);
            }
            let mine: Vec<_> = s.appraisal.codes.iter().filter(|c| c.cycle == id).collect();
            (
                mine.iter().filter(|c| c.used).count() as i64,
                mine.len() as i64,
            )
        })
    }

    async fn apr_rate(
        &self,
        d: DistrictId,
        u: UnitId,
        id: CycleId,
        hash: &str,
        ratings: &[(ParticipantId, String, Decimal)],
    ) -> StoreResult<bool> {
        self.with_state(|s| {
            if s.apr_guard(d, u, id, &[Status::Scoring]).is_err() {
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
        d: DistrictId,
        u: UnitId,
        id: CycleId,
        grades: &[GradeWrite],
        audit: AuditEntry,
    ) -> StoreResult<()> {
        self.with_state(|s| {
            s.apr_guard(d, u, id, &[Status::Grading])?;
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

    async fn apr_appeals(
        &self,
        d: DistrictId,
        u: UnitId,
        id: CycleId,
    ) -> StoreResult<Vec<AppealRecord>> {
        self.with_state(|s| {
            if s.apr_cycle_mut(d, u, id).is_err() {
                return Vec::new();
            }
            s.appraisal
                .appeals
                .iter()
                .filter(|a| a.cycle_id == id)
                .cloned()
                .collect()
        })
    }

    async fn apr_file_appeal(
        &self,
        d: DistrictId,
        u: UnitId,
        id: CycleId,
        p: ParticipantId,
        filed_on: NaiveDate,
        reason: &str,
        audit: AuditEntry,
    ) -> StoreResult<AppealId> {
        self.with_state(|s| {
            s.apr_guard(d, u, id, RESULT_STATUSES)?;
            let aid = AppealId(s.next_id());
            s.appraisal.appeals.push(AppealRecord {
                id: aid,
                cycle_id: id,
                participant_id: p,
                filed_on,
                reason: reason.to_string(),
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
        d: DistrictId,
        u: UnitId,
        id: CycleId,
        appeal: AppealId,
        decision: &str,
        new_grade: Option<Grade>,
        on: NaiveDate,
        audit: AuditEntry,
    ) -> StoreResult<()> {
        self.with_state(|s| {
            s.apr_cycle_mut(d, u, id)?;
            let a = s
                .appraisal
                .appeals
                .iter_mut()
                .find(|a| a.id == appeal && a.cycle_id == id && a.decision.is_none())
                .ok_or(StoreError::Conflict(Conflict::Status))?;
            a.decision = Some(decision.to_string());
            a.new_grade = new_grade;
            a.resolved_on = Some(on);
            let pid = a.participant_id;
            if let Some(g) = new_grade
                && let Some(p) = s.appraisal.participants.iter_mut().find(|p| p.id == pid)
            {
                p.grade = Some(g);
                p.reason = decision.to_string();
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
