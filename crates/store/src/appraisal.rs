//! Appraisal cycles, participants, indicator sets, scores, codes, anonymous ratings and
//! appeals. `appraisal_codes` holds a code's SHA-256 and a used flag; `appraisal_ratings`
//! a random key, the participant and the value — neither has a user, time or sequential
//! column. A rating marks its code used and stores its values in one transaction and
//! writes no audit row. Every query is scoped by district and unit; every write checks the
//! cycle's status inside its transaction.

use std::collections::BTreeMap;
use std::str::FromStr;

use async_trait::async_trait;
use rust_decimal::Decimal;

use jiguan_app::appraisal::{
    AppealRecord, AppraisalStore, CycleAt, CycleChange, CycleRecord, IndicatorSetRecord, NewCycle,
    ParticipantRecord, ParticipantWrite, ScoreRecord, YearRecord, distinct,
};
use jiguan_app::ports::{Conflict, Scoped, StoreError, StoreResult};
use jiguan_domain::appraisal::cycle::Kind;
use jiguan_domain::appraisal::scores::{
    IndicatorSet, IndicatorSetForm, RaterKind, RaterScore, Source,
};
use jiguan_domain::appraisal::{AppealId, CycleId, Grade, IndicatorSetId, ParticipantId, Ungraded};
use jiguan_domain::audit::AuditEntry;
use jiguan_domain::people::Identity;
use jiguan_domain::tenancy::{DistrictId, UnitId};
use jiguan_domain::workflow::Status;

use crate::SqlStore;
use crate::audit::{commit_audited, commit_created};
use crate::db::{Row, Tx};
use crate::sql::{scope, scoped};

const CYCLE_COLS: &str = "id, district_id, unit_id, title, kind, year, quarter, due_on, status, reason, doc_no, effective, rater_weights, quota_rate, quota_doc, created_by, created_at, decided_at";
const PART_COLS: &str = "id, cycle_id, person_id, name, identity, grp, post_level, ungraded, leave_days, investigation, sanction, warned, score, grade, reason";

fn bad(what: &str, v: &str) -> StoreError {
    StoreError::Backend(format!("unknown {what} in database: {v}"))
}

fn dec(s: &str) -> StoreResult<Decimal> {
    Decimal::from_str(s).map_err(|_| bad("decimal", s))
}

fn opt_dec(s: Option<String>) -> StoreResult<Option<Decimal>> {
    s.as_deref().map(dec).transpose()
}

fn code<T>(what: &str, s: &str, f: impl Fn(&str) -> Option<T>) -> StoreResult<T> {
    f(s).ok_or_else(|| bad(what, s))
}

fn opt_code<T>(
    what: &str,
    s: Option<String>,
    f: impl Fn(&str) -> Option<T>,
) -> StoreResult<Option<T>> {
    s.map(|s| code(what, &s, &f)).transpose()
}

/// `self=10;head=30` ↔ the weights.
fn weights_text(w: &[(RaterKind, Decimal)]) -> String {
    w.iter()
        .map(|(k, v)| format!("{}={}", k.code(), v.normalize()))
        .collect::<Vec<_>>()
        .join(";")
}

fn pairs(s: &str) -> impl Iterator<Item = (&str, &str)> {
    s.split(';')
        .filter(|p| !p.is_empty())
        .filter_map(|p| p.split_once('='))
}

fn parse_weights(s: &str) -> StoreResult<Vec<(RaterKind, Decimal)>> {
    pairs(s)
        .map(|(k, v)| Ok((code("rater kind", k, RaterKind::from_code)?, dec(v)?)))
        .collect()
}

fn by_indicator_text(m: &BTreeMap<String, Decimal>) -> String {
    m.iter()
        .map(|(k, v)| format!("{k}={}", v.normalize()))
        .collect::<Vec<_>>()
        .join(";")
}

fn cycle(r: &Row) -> StoreResult<CycleRecord> {
    let kind: String = r.get(4)?;
    let status: String = r.get(8)?;
    let weights: String = r.get(12)?;
    Ok(CycleRecord {
        id: CycleId(r.get(0)?),
        district_id: DistrictId(r.get(1)?),
        unit_id: UnitId(r.get(2)?),
        title: r.get(3)?,
        kind: code("cycle kind", &kind, Kind::from_code)?,
        year: i32::try_from(r.get::<i64>(5)?).map_err(|_| bad("year", "?"))?,
        quarter: r.get::<Option<i64>>(6)?.and_then(|q| u32::try_from(q).ok()),
        due_on: r.get(7)?,
        status: code("status", &status, Status::from_code)?,
        reason: r.get(9)?,
        doc_no: r.get(10)?,
        publicity_from: r.get(11)?,
        rater_weights: parse_weights(&weights)?,
        quota_rate: opt_dec(r.get(13)?)?,
        quota_doc: r.get(14)?,
        created_by: r.get(15)?,
        created_at: r.get(16)?,
        decided_at: r.get(17)?,
    })
}

fn participant(r: &Row) -> StoreResult<ParticipantRecord> {
    let identity: String = r.get(4)?;
    Ok(ParticipantRecord {
        id: ParticipantId(r.get(0)?),
        cycle_id: CycleId(r.get(1)?),
        who: ParticipantWrite {
            person_id: r.get(2)?,
            name: r.get(3)?,
            identity: code("identity", &identity, Identity::from_code)?,
            group: r.get(5)?,
            post_level: r.get(6)?,
            ungraded: opt_code("ungraded", r.get(7)?, Ungraded::from_code)?,
        },
        leave_days: u32::try_from(r.get::<i64>(8)?).unwrap_or(0),
        investigation: r.get(9)?,
        sanction: r.get(10)?,
        warned: r.get(11)?,
        score: opt_dec(r.get(12)?)?,
        grade: opt_code("grade", r.get(13)?, Grade::from_code)?,
        reason: r.get(14)?,
    })
}

/// Fails with `Conflict(Status)` unless the cycle is in one of `ok` (NotFound for another
/// unit's cycle).
async fn guard(tx: &mut Tx, at: CycleAt, ok: &[Status]) -> StoreResult<()> {
    let s: String = tx
        .fetch_optional(
            "SELECT status FROM appraisal_cycles WHERE id = $1 AND district_id = $2 AND unit_id = $3",
            &scope(at),
        )
        .await?
        .ok_or(StoreError::NotFound)?
        .get(0)?;
    if ok.iter().any(|x| x.code() == s) {
        Ok(())
    } else {
        Err(StoreError::Conflict(Conflict::Status))
    }
}

async fn insert_set(tx: &mut Tx, at: CycleAt, set: &IndicatorSet) -> StoreResult<i64> {
    let lines = set
        .indicators
        .iter()
        .map(|i| format!("{},{},{}", i.name, i.weight.normalize(), i.target))
        .collect::<Vec<_>>()
        .join("\n");
    tx.execute(
        "DELETE FROM appraisal_indicator_sets WHERE cycle_id = $1 AND district_id = $2 AND unit_id = $3 AND post_level = $4",
        &scoped(at, [set.post_level.as_str().into()]),
    )
    .await?;
    tx.fetch_one(
        "INSERT INTO appraisal_indicator_sets (cycle_id, district_id, unit_id, name, post_level, lines) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        &scoped(at, [set.name.as_str().into(),
            set.post_level.as_str().into(),
            lines.into()]),
    )
    .await?
    .get(0)
}

/// Makes `change` to the cycle in `tx` (its guard passed); the id of a record it adds.
async fn apply(
    tx: &mut Tx,
    at: CycleAt,
    change: &CycleChange,
    audit: &AuditEntry,
) -> StoreResult<Option<i64>> {
    match change {
        CycleChange::Weights(weights) => {
            tx.execute(
                "UPDATE appraisal_cycles SET rater_weights = $4 WHERE id = $1 AND district_id = $2 AND unit_id = $3",
                &scoped(at, [weights_text(weights).into()]),
            )
            .await?;
        }
        CycleChange::Quota { rate, doc } => {
            tx.execute(
                "UPDATE appraisal_cycles SET quota_rate = $4, quota_doc = $5 WHERE id = $1 AND district_id = $2 AND unit_id = $3",
                &scoped(at, [rate.normalize().to_string().into(), doc.as_str().into()]),
            )
            .await?;
        }
        CycleChange::Facts(p, f) => {
            tx.execute_found(
                "UPDATE appraisal_participants SET grp = $5, post_level = $6, leave_days = $7, investigation = $8, sanction = $9, warned = $10, ungraded = $11 \
                 WHERE cycle_id = $1 AND district_id = $2 AND unit_id = $3 AND id = $4",
                &scoped(at, [p.0.into(),
                    f.group.as_str().into(),
                    f.post_level.as_str().into(),
                    i64::from(f.leave_days).into(),
                    f.investigation.into(),
                    f.sanction.into(),
                    f.warned.into(),
                    f.ungraded.map(|x| x.code()).into()]),
            )
            .await?;
        }
        CycleChange::IndicatorSet(set) => return Ok(Some(insert_set(tx, at, set).await?)),
        CycleChange::Scores(scores) => {
            for ScoreRecord {
                participant_id,
                score: s,
            } in scores
            {
                let rater = s.rater.clone().unwrap_or_default();
                tx.execute(
                    "DELETE FROM appraisal_scores WHERE cycle_id = $1 AND district_id = $2 AND unit_id = $3 AND participant_id = $4 AND rater_kind = $5 AND rater = $6",
                    &scoped(at, [participant_id.0.into(),
                        s.kind.code().into(),
                        rater.as_str().into()]),
                )
                .await?;
                tx.execute(
                    "INSERT INTO appraisal_scores (cycle_id, district_id, unit_id, participant_id, rater_kind, rater, source, by_indicator, overall, created_by, created_at) \
                     SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11 FROM appraisal_participants p \
                     WHERE p.id = $4 AND p.cycle_id = $1 AND p.district_id = $2 AND p.unit_id = $3",
                    &scoped(at, [participant_id.0.into(),
                        s.kind.code().into(),
                        rater.into(),
                        s.source.code().into(),
                        by_indicator_text(&s.by_indicator).into(),
                        s.overall.map(|v| v.normalize().to_string()).into(),
                        audit.username.as_str().into(),
                        audit.at.into()]),
                )
                .await?;
            }
        }
        CycleChange::Codes(hashes) => {
            for h in hashes {
                tx.execute(
                    "INSERT INTO appraisal_codes (cycle_id, district_id, unit_id, code_hash, used) VALUES ($1, $2, $3, $4, $5)",
                    &scoped(at, [h.as_str().into(), false.into()]),
                )
                .await?;
            }
        }
        CycleChange::Grades(grades) => {
            for g in grades {
                tx.execute_found(
                    "UPDATE appraisal_participants SET grade = $5, score = $6, reason = $7 \
                     WHERE cycle_id = $1 AND district_id = $2 AND unit_id = $3 AND id = $4 AND ungraded IS NULL",
                    &scoped(at, [g.participant_id.0.into(),
                        g.grade.code().into(),
                        g.score.map(|v| v.normalize().to_string()).into(),
                        g.reason.as_str().into()]),
                )
                .await?;
            }
        }
        CycleChange::Appeal(a) => {
            let aid: i64 = tx
                .fetch_optional(
                    "INSERT INTO appraisal_appeals (cycle_id, district_id, unit_id, participant_id, filed_on, reason, decision, new_grade, resolved_on, created_by, created_at) \
                     SELECT $1, $2, $3, $4, $5, $6, NULL, NULL, NULL, $7, $8 FROM appraisal_participants p \
                     WHERE p.id = $4 AND p.cycle_id = $1 AND p.district_id = $2 AND p.unit_id = $3 RETURNING id",
                    &scoped(at, [a.participant_id.0.into(),
                        a.filed_on.into(),
                        a.reason.as_str().into(),
                        audit.username.as_str().into(),
                        audit.at.into()]),
                )
                .await?
                .ok_or(StoreError::NotFound)?
                .get(0)?;
            return Ok(Some(aid));
        }
        CycleChange::Resolve(r) => {
            let changed = tx
                .execute(
                    "UPDATE appraisal_appeals SET decision = $5, new_grade = $6, resolved_on = $7 \
                     WHERE cycle_id = $1 AND district_id = $2 AND unit_id = $3 AND id = $4 AND decision IS NULL",
                    &scoped(at, [r.appeal.0.into(),
                        r.decision.as_str().into(),
                        r.new_grade.map(|g| g.code()).into(),
                        r.on.into()]),
                )
                .await?;
            if changed != 1 {
                return Err(StoreError::Conflict(Conflict::Status));
            }
            if let Some(g) = r.new_grade {
                tx.execute(
                    "UPDATE appraisal_participants SET grade = $5, reason = $6 WHERE cycle_id = $1 AND district_id = $2 AND unit_id = $3 \
                     AND id = (SELECT a.participant_id FROM appraisal_appeals a WHERE a.id = $4 AND a.cycle_id = $1)",
                    &scoped(at, [r.appeal.0.into(),
                        g.code().into(),
                        r.decision.as_str().into()]),
                )
                .await?;
            }
        }
    }
    Ok(None)
}

/// A person's annual results (`apr_person_years`): the select, then the condition on the
/// cycles after the person's.
const PERSON_YEARS: &str = "SELECT c.year, c.unit_id, c.id, p.grade, p.ungraded, p.person_id FROM appraisal_participants p \
     JOIN appraisal_cycles c ON c.id = p.cycle_id AND c.district_id = p.district_id";
const PERSON_YEARS_WHERE: &str =
    "c.kind = 'annual' AND c.status IN ('confirmed', 'publicity', 'closed')";

fn year_record(r: &Row) -> StoreResult<YearRecord> {
    Ok(YearRecord {
        year: i32::try_from(r.get::<i64>(0)?).unwrap_or(0),
        unit_id: UnitId(r.get(1)?),
        cycle_id: CycleId(r.get(2)?),
        grade: opt_code("grade", r.get(3)?, Grade::from_code)?,
        ungraded: opt_code("ungraded", r.get(4)?, Ungraded::from_code)?,
    })
}

#[async_trait]
impl AppraisalStore for SqlStore {
    async fn apr_cycles(&self, d: DistrictId, u: UnitId) -> StoreResult<Vec<CycleRecord>> {
        self.db
            .fetch_all(
                &format!("SELECT {CYCLE_COLS} FROM appraisal_cycles WHERE district_id = $1 AND unit_id = $2 ORDER BY year DESC, quarter DESC, id DESC"),
                &[d.0.into(), u.0.into()],
            )
            .await?
            .iter()
            .map(cycle)
            .collect()
    }

    async fn apr_cycle(&self, at: CycleAt) -> StoreResult<Option<CycleRecord>> {
        self.db
            .fetch_optional(
                &format!("SELECT {CYCLE_COLS} FROM appraisal_cycles WHERE id = $1 AND district_id = $2 AND unit_id = $3"),
                &scope(at),
            )
            .await?
            .as_ref()
            .map(cycle)
            .transpose()
    }

    async fn apr_create_cycle(
        &self,
        d: DistrictId,
        u: UnitId,
        w: &NewCycle,
        audit: AuditEntry,
    ) -> StoreResult<CycleId> {
        let (c, weights, people, set) = (&w.input, &w.weights, &w.people, &w.set);
        let mut tx = self.db.begin().await?;
        let id: i64 = tx
            .fetch_one(
                "INSERT INTO appraisal_cycles (district_id, unit_id, title, kind, year, quarter, due_on, status, reason, doc_no, effective, rater_weights, quota_rate, quota_doc, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, 'draft', '', '', NULL, $8, NULL, '', $9, $10) RETURNING id",
                &[
                    d.0.into(),
                    u.0.into(),
                    c.title.as_str().into(),
                    c.kind.code().into(),
                    c.year.into(),
                    c.quarter.map(i64::from).into(),
                    c.due_on.into(),
                    weights_text(weights).into(),
                    audit.username.as_str().into(),
                    audit.at.into(),
                ],
            )
            .await?
            .get(0)?;
        for p in people {
            tx.execute(
                "INSERT INTO appraisal_participants (cycle_id, district_id, unit_id, person_id, name, identity, grp, post_level, ungraded, leave_days, investigation, sanction, warned, score, grade, reason) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, $10, $10, $10, NULL, NULL, '')",
                &[
                    id.into(),
                    d.0.into(),
                    u.0.into(),
                    p.person_id.into(),
                    p.name.as_str().into(),
                    p.identity.code().into(),
                    p.group.as_str().into(),
                    p.post_level.as_str().into(),
                    p.ungraded.map(|x| x.code()).into(),
                    false.into(),
                ],
            )
            .await?;
        }
        insert_set(&mut tx, Scoped::new(d, u, CycleId(id)), set).await?;
        commit_created(tx, audit, id).await?;
        Ok(CycleId(id))
    }

    async fn apr_change(
        &self,
        at: CycleAt,
        change: &CycleChange,
        audit: AuditEntry,
    ) -> StoreResult<Option<i64>> {
        let mut tx = self.db.begin().await?;
        if let Some(ok) = change.statuses() {
            guard(&mut tx, at, ok).await?;
        }
        let added = apply(&mut tx, at, change, &audit).await?;
        commit_audited(tx, &audit).await?;
        Ok(added)
    }

    async fn apr_participants(&self, at: CycleAt) -> StoreResult<Vec<ParticipantRecord>> {
        self.db
            .fetch_all(
                &format!("SELECT {PART_COLS} FROM appraisal_participants WHERE cycle_id = $1 AND district_id = $2 AND unit_id = $3 ORDER BY grp DESC, id"),
                &scope(at),
            )
            .await?
            .iter()
            .map(participant)
            .collect()
    }

    async fn apr_indicator_sets(&self, at: CycleAt) -> StoreResult<Vec<IndicatorSetRecord>> {
        let rows = self
            .db
            .fetch_all(
                "SELECT id, name, post_level, lines FROM appraisal_indicator_sets WHERE cycle_id = $1 AND district_id = $2 AND unit_id = $3 ORDER BY post_level, id",
                &scope(at),
            )
            .await?;
        rows.iter()
            .map(|r| {
                let form = IndicatorSetForm {
                    name: r.get(1)?,
                    post_level: r.get(2)?,
                    lines: r.get(3)?,
                };
                Ok(IndicatorSetRecord {
                    id: IndicatorSetId(r.get(0)?),
                    set: form.parse().map_err(|_| bad("indicator set", &form.name))?,
                })
            })
            .collect()
    }

    async fn apr_scores(&self, at: CycleAt) -> StoreResult<Vec<ScoreRecord>> {
        let named = self
            .db
            .fetch_all(
                "SELECT participant_id, rater_kind, rater, source, by_indicator, overall FROM appraisal_scores \
                 WHERE cycle_id = $1 AND district_id = $2 AND unit_id = $3 ORDER BY participant_id, rater_kind, rater",
                &scope(at),
            )
            .await?;
        let mut out = Vec::new();
        for r in &named {
            let kind: String = r.get(1)?;
            let source: String = r.get(3)?;
            let by: String = r.get(4)?;
            out.push(ScoreRecord {
                participant_id: ParticipantId(r.get(0)?),
                score: RaterScore {
                    kind: code("rater kind", &kind, RaterKind::from_code)?,
                    rater: Some(r.get(2)?),
                    source: code("source", &source, Source::from_code)?,
                    by_indicator: pairs(&by)
                        .map(|(k, v)| Ok((k.to_string(), dec(v)?)))
                        .collect::<StoreResult<_>>()?,
                    overall: opt_dec(r.get(5)?)?,
                },
            });
        }
        let anon = self
            .db
            .fetch_all(
                "SELECT participant_id, value FROM appraisal_ratings WHERE cycle_id = $1 AND district_id = $2 AND unit_id = $3 ORDER BY rating_key",
                &scope(at),
            )
            .await?;
        for r in &anon {
            let v: String = r.get(1)?;
            out.push(ScoreRecord::colleague(ParticipantId(r.get(0)?), dec(&v)?));
        }
        Ok(out)
    }

    async fn apr_code_progress(&self, at: CycleAt) -> StoreResult<(i64, i64)> {
        let r = self
            .db
            .fetch_one(
                "SELECT CAST(COALESCE(SUM(CASE WHEN used THEN 1 ELSE 0 END), 0) AS BIGINT), CAST(COUNT(*) AS BIGINT) \
                 FROM appraisal_codes WHERE cycle_id = $1 AND district_id = $2 AND unit_id = $3",
                &scope(at),
            )
            .await?;
        Ok((r.get(0)?, r.get(1)?))
    }

    async fn apr_rate(
        &self,
        at: CycleAt,
        hash: &str,
        ratings: &[(ParticipantId, String, Decimal)],
    ) -> StoreResult<bool> {
        let mut tx = self.db.begin().await?;
        // Only an unused code of a scoring cycle of this unit is consumed.
        let changed = tx
            .execute(
                "UPDATE appraisal_codes SET used = $5 WHERE cycle_id = $1 AND district_id = $2 AND unit_id = $3 AND code_hash = $4 AND used = $6 \
                 AND EXISTS (SELECT 1 FROM appraisal_cycles c WHERE c.id = $1 AND c.district_id = $2 AND c.unit_id = $3 AND c.status = 'scoring')",
                &scoped(at, [hash.into(), true.into(), false.into()]),
            )
            .await?;
        if changed != 1 {
            // Dropped without commit: nothing written.
            return Ok(false);
        }
        for (p, key, v) in ratings {
            let n = tx
                .execute(
                    "INSERT INTO appraisal_ratings (cycle_id, district_id, unit_id, rating_key, participant_id, value) \
                     SELECT $1, $2, $3, $4, $5, $6 FROM appraisal_participants p WHERE p.id = $5 AND p.cycle_id = $1 AND p.district_id = $2 AND p.unit_id = $3",
                    &scoped(at, [key.as_str().into(),
                        p.0.into(),
                        v.normalize().to_string().into()]),
                )
                .await?;
            if n != 1 {
                return Err(StoreError::NotFound);
            }
        }
        tx.commit().await?;
        Ok(true)
    }

    async fn apr_appeals(&self, at: CycleAt) -> StoreResult<Vec<AppealRecord>> {
        let rows = self
            .db
            .fetch_all(
                "SELECT id, cycle_id, participant_id, filed_on, reason, decision, new_grade, resolved_on FROM appraisal_appeals \
                 WHERE cycle_id = $1 AND district_id = $2 AND unit_id = $3 ORDER BY filed_on, id",
                &scope(at),
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(AppealRecord {
                    id: AppealId(r.get(0)?),
                    cycle_id: CycleId(r.get(1)?),
                    participant_id: ParticipantId(r.get(2)?),
                    filed_on: r.get(3)?,
                    reason: r.get(4)?,
                    decision: r.get(5)?,
                    new_grade: opt_code("grade", r.get(6)?, Grade::from_code)?,
                    resolved_on: r.get(7)?,
                })
            })
            .collect()
    }

    async fn apr_person_years(&self, d: DistrictId, person: i64) -> StoreResult<Vec<YearRecord>> {
        let rows = self
            .db
            .fetch_all(
                &format!(
                    "{PERSON_YEARS} WHERE p.district_id = $1 AND p.person_id = $2 AND {PERSON_YEARS_WHERE} ORDER BY c.year, c.id"
                ),
                &[d.0.into(), person.into()],
            )
            .await?;
        rows.iter().map(year_record).collect()
    }

    async fn apr_people_years(
        &self,
        d: DistrictId,
        people: &[i64],
    ) -> StoreResult<Vec<(i64, YearRecord)>> {
        let mut out = Vec::new();
        // Chunks in person order, each ordered by person: the whole is in person order.
        for chunk in distinct(people).chunks(400) {
            let list = crate::people::in_list(chunk.iter().copied());
            let rows = self
                .db
                .fetch_all(
                    &format!(
                        "{PERSON_YEARS} WHERE p.district_id = $1 AND p.person_id IN ({list}) AND {PERSON_YEARS_WHERE} \
                         ORDER BY p.person_id, c.year, c.id"
                    ),
                    &[d.0.into()],
                )
                .await?;
            for r in &rows {
                out.push((r.get(5)?, year_record(r)?));
            }
        }
        Ok(out)
    }

    async fn apr_periodic_scores(
        &self,
        d: DistrictId,
        u: UnitId,
        year: i32,
    ) -> StoreResult<Vec<(i64, Decimal)>> {
        let rows = self
            .db
            .fetch_all(
                "SELECT p.person_id, p.score FROM appraisal_participants p \
                 JOIN appraisal_cycles c ON c.id = p.cycle_id AND c.district_id = p.district_id AND c.unit_id = p.unit_id \
                 WHERE p.district_id = $1 AND p.unit_id = $2 AND c.year = $3 AND c.kind = 'periodic' \
                 AND c.status IN ('confirmed', 'publicity', 'closed') AND p.score IS NOT NULL ORDER BY p.person_id, c.quarter",
                &[d.0.into(), u.0.into(), year.into()],
            )
            .await?;
        rows.iter()
            .map(|r| {
                let s: String = r.get(1)?;
                Ok((r.get(0)?, dec(&s)?))
            })
            .collect()
    }
}
