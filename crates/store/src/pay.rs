//! Performance pay (绩效分配): pools, runs and their lines. Every query is scoped by district
//! (and unit); line writes check in the same transaction that the run is still a draft.

use std::str::FromStr;

use async_trait::async_trait;
use rust_decimal::Decimal;

use jiguan_app::pay::{
    LineWrite, PayStore, PoolRecord, RunAt, RunLineRecord, RunRecord, ShareRow, YearAt,
};
use jiguan_app::ports::{Conflict, StoreError, StoreResult};
use jiguan_domain::audit::AuditEntry;
use jiguan_domain::money::Money;
use jiguan_domain::pay::{Grade, LineResult, PayRunId, PoolBasis, RunResult};
use jiguan_domain::tenancy::{DistrictId, UnitId};
use jiguan_domain::workflow::{PAY_RUNS, Status};

use crate::SqlStore;
use crate::audit::{commit_audited, commit_created};
use crate::db::{Row, Tx, Value};
use crate::sql::{row_in, rows_in};

fn bad(what: &str, v: &str) -> StoreError {
    StoreError::Backend(format!("unknown {what} in database: {v}"))
}

fn dec(what: &str, s: &str) -> StoreResult<Decimal> {
    Decimal::from_str(s).map_err(|_| bad(what, s))
}

fn grade(s: &str) -> StoreResult<Grade> {
    Grade::from_code(s).ok_or_else(|| bad("grade", s))
}

const POOL_COLS: &str = "p.unit_id, u.name, p.year, p.basis, p.per_head_fen, p.headcount, p.unit_coef, p.amount_fen, p.set_by, p.set_at";

fn pool(r: &Row) -> StoreResult<PoolRecord> {
    let basis: String = r.get(3)?;
    let headcount: i64 = r.get(5)?;
    let coef: String = r.get(6)?;
    let amount = Money(r.get(7)?);
    let basis = match basis.as_str() {
        "fixed" => PoolBasis::Fixed { amount },
        "per_head" => PoolBasis::PerHead {
            per_head: Money(r.get(4)?),
            headcount: u32::try_from(headcount).map_err(|_| bad("headcount", &coef))?,
            unit_coef: dec("unit coefficient", &coef)?,
        },
        other => return Err(bad("pool basis", other)),
    };
    let year: i64 = r.get(2)?;
    Ok(PoolRecord {
        unit_id: UnitId(r.get(0)?),
        unit_name: r.get(1)?,
        year: i32::try_from(year).unwrap_or_default(),
        basis,
        amount,
        set_by: r.get(8)?,
        set_at: r.get(9)?,
    })
}

const RUN_COLS: &str = "id, district_id, unit_id, year, status, reason, doc_no, pool_fen, computed_at, created_by, created_at, applied_at";

fn run(r: &Row) -> StoreResult<RunRecord> {
    let status: String = r.get(4)?;
    let year: i64 = r.get(3)?;
    let pool: Option<i64> = r.get(7)?;
    Ok(RunRecord {
        id: PayRunId(r.get(0)?),
        district_id: DistrictId(r.get(1)?),
        unit_id: UnitId(r.get(2)?),
        year: i32::try_from(year).unwrap_or_default(),
        status: Status::from_code(&status).ok_or_else(|| bad("run status", &status))?,
        reason: r.get(5)?,
        doc_no: r.get(6)?,
        pool: pool.map(Money),
        computed_at: r.get(8)?,
        created_by: r.get(9)?,
        created_at: r.get(10)?,
        applied_at: r.get(11)?,
    })
}

const LINE_COLS: &str = "person_id, name, grade, source, post_coef, post_source, months, basic_salary_fen, grade_coef, weight, share_fen, remainder_fen, bonus_fen";

fn line(r: &Row) -> StoreResult<RunLineRecord> {
    let g = grade(&r.get::<String>(2)?)?;
    let post: String = r.get(4)?;
    let post_coef = dec("post coefficient", &post)?;
    let months: i64 = r.get(6)?;
    let months = u32::try_from(months).map_err(|_| bad("months", &months.to_string()))?;
    let basic_salary = Money(r.get(7)?);
    let person_id: i64 = r.get(0)?;
    let name: String = r.get(1)?;
    let share: Option<i64> = r.get(10)?;
    let result = match share {
        None => None,
        Some(share) => {
            let gc: Option<String> = r.get(8)?;
            let remainder: Option<bool> = r.get(11)?;
            let bonus: Option<i64> = r.get(12)?;
            Some(LineResult {
                person_id,
                name: name.clone(),
                grade: g,
                grade_coef: dec("grade coefficient", gc.as_deref().unwrap_or("0"))?,
                post_coef,
                months,
                weight: r.get::<Option<String>>(9)?.unwrap_or_default(),
                share: Money(share),
                remainder_fen: remainder.unwrap_or(false),
                basic_salary,
                bonus: Money(bonus.unwrap_or(0)),
            })
        }
    };
    Ok(RunLineRecord {
        line: LineWrite {
            person_id,
            name,
            grade: g,
            source: r.get(3)?,
            post_coef,
            post_source: r.get(5)?,
            months,
            basic_salary,
        },
        result,
    })
}

/// Fails unless the run of the unit is still a draft.
async fn require_draft(tx: &mut Tx, d: DistrictId, u: UnitId, id: PayRunId) -> StoreResult<()> {
    let r = tx
        .fetch_optional(
            "SELECT status FROM pay_runs WHERE id = $1 AND district_id = $2 AND unit_id = $3",
            &[id.0.into(), d.0.into(), u.0.into()],
        )
        .await?;
    match r {
        None => Err(StoreError::NotFound),
        Some(r) => {
            let s: String = r.get(0)?;
            if Status::from_code(&s).is_some_and(|s| PAY_RUNS.editable(s)) {
                Ok(())
            } else {
                Err(StoreError::Conflict(Conflict::Status))
            }
        }
    }
}

#[async_trait]
impl PayStore for SqlStore {
    async fn pay_pools(&self, d: DistrictId, year: i32) -> StoreResult<Vec<PoolRecord>> {
        let rows = self
            .db
            .fetch_all(
                &format!(
                    "SELECT {POOL_COLS} FROM pay_pools p JOIN units u ON u.id = p.unit_id AND u.district_id = p.district_id \
                     WHERE p.district_id = $1 AND p.year = $2 ORDER BY u.code, p.unit_id"
                ),
                &[d.0.into(), year.into()],
            )
            .await?;
        rows.iter().map(pool).collect()
    }

    async fn pay_set_pool(
        &self,
        at: YearAt,
        basis: &PoolBasis,
        audit: AuditEntry,
    ) -> StoreResult<()> {
        let (d, u, year) = (at.district, at.unit, at.id);
        let (kind, per_head, headcount, coef) = match *basis {
            PoolBasis::Fixed { .. } => ("fixed", 0, 0, "1".to_string()),
            PoolBasis::PerHead {
                per_head,
                headcount,
                unit_coef,
            } => (
                "per_head",
                per_head.fen(),
                i64::from(headcount),
                unit_coef.to_string(),
            ),
        };
        let mut tx = self.db.begin().await?;
        tx.execute(
            "DELETE FROM pay_pools WHERE district_id = $1 AND unit_id = $2 AND year = $3",
            &[d.0.into(), u.0.into(), year.into()],
        )
        .await?;
        tx.execute(
            "INSERT INTO pay_pools (district_id, unit_id, year, basis, per_head_fen, headcount, unit_coef, amount_fen, set_by, set_at) \
             SELECT $1, id, $3, $4, $5, $6, $7, $8, $9, $10 FROM units WHERE id = $2 AND district_id = $1",
            &[
                d.0.into(),
                u.0.into(),
                year.into(),
                kind.into(),
                per_head.into(),
                headcount.into(),
                coef.into(),
                basis.amount().fen().into(),
                audit.username.as_str().into(),
                audit.at.into(),
            ],
        )
        .await?;
        commit_audited(tx, &audit).await
    }

    async fn pay_runs(&self, d: DistrictId, u: Option<UnitId>) -> StoreResult<Vec<RunRecord>> {
        let select = format!("SELECT {RUN_COLS} FROM pay_runs");
        rows_in(&self.db, &select, d, u, " ORDER BY year DESC, id DESC")
            .await?
            .iter()
            .map(run)
            .collect()
    }

    async fn pay_run(&self, at: RunAt) -> StoreResult<Option<RunRecord>> {
        let select = format!("SELECT {RUN_COLS} FROM pay_runs");
        row_in(&self.db, &select, at, run).await
    }

    async fn pay_create_run(&self, at: YearAt, audit: AuditEntry) -> StoreResult<PayRunId> {
        let (d, u, year) = (at.district, at.unit, at.id);
        let mut tx = self.db.begin().await?;
        let id: i64 = tx
            .fetch_one(
                "INSERT INTO pay_runs (district_id, unit_id, year, status, doc_no, reason, effective, pool_fen, computed_at, created_by, created_at, applied_at) \
                 VALUES ($1, $2, $3, 'draft', '', '', NULL, NULL, NULL, $4, $5, NULL) RETURNING id",
                &[
                    d.0.into(),
                    u.0.into(),
                    year.into(),
                    audit.username.as_str().into(),
                    audit.at.into(),
                ],
            )
            .await?
            .get(0)?;
        commit_created(tx, audit, id).await?;
        Ok(PayRunId(id))
    }

    async fn pay_lines(&self, at: RunAt) -> StoreResult<Vec<RunLineRecord>> {
        let (d, u, id) = (at.district, at.unit, at.id);
        let rows = self
            .db
            .fetch_all(
                &format!("SELECT {LINE_COLS} FROM pay_lines WHERE run_id = $1 AND district_id = $2 AND unit_id = $3 ORDER BY id"),
                &[id.0.into(), d.0.into(), u.0.into()],
            )
            .await?;
        rows.iter().map(line).collect()
    }

    async fn pay_save_lines(
        &self,
        at: RunAt,
        lines: &[LineWrite],
        audit: AuditEntry,
    ) -> StoreResult<()> {
        let (d, u, id) = (at.district, at.unit, at.id);
        let mut tx = self.db.begin().await?;
        require_draft(&mut tx, d, u, id).await?;
        for w in lines {
            let vals: Vec<Value> = vec![
                id.0.into(),
                d.0.into(),
                u.0.into(),
                w.person_id.into(),
                w.name.as_str().into(),
                w.grade.code().into(),
                w.source.as_str().into(),
                w.post_coef.to_string().into(),
                w.post_source.as_str().into(),
                i64::from(w.months).into(),
                w.basic_salary.fen().into(),
            ];
            let n = tx
                .execute(
                    "UPDATE pay_lines SET name = $5, grade = $6, source = $7, post_coef = $8, post_source = $9, months = $10, basic_salary_fen = $11 \
                     WHERE run_id = $1 AND district_id = $2 AND unit_id = $3 AND person_id = $4",
                    &vals,
                )
                .await?;
            if n == 0 {
                tx.execute(
                    "INSERT INTO pay_lines (run_id, district_id, unit_id, person_id, name, grade, source, post_coef, post_source, months, basic_salary_fen) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                    &vals,
                )
                .await?;
            }
        }
        tx.execute(
            "UPDATE pay_lines SET grade_coef = NULL, weight = NULL, share_fen = NULL, remainder_fen = NULL, bonus_fen = NULL \
             WHERE run_id = $1 AND district_id = $2 AND unit_id = $3",
            &[id.0.into(), d.0.into(), u.0.into()],
        )
        .await?;
        tx.execute(
            "UPDATE pay_runs SET pool_fen = NULL, computed_at = NULL WHERE id = $1 AND district_id = $2 AND unit_id = $3",
            &[id.0.into(), d.0.into(), u.0.into()],
        )
        .await?;
        commit_audited(tx, &audit).await
    }

    async fn pay_save_result(
        &self,
        at: RunAt,
        r: &RunResult,
        audit: AuditEntry,
    ) -> StoreResult<()> {
        let (d, u, id, pool) = (at.district, at.unit, at.id, r.pool);
        let mut tx = self.db.begin().await?;
        require_draft(&mut tx, d, u, id).await?;
        for l in &r.lines {
            tx.execute(
                "UPDATE pay_lines SET grade_coef = $5, weight = $6, share_fen = $7, remainder_fen = $8, bonus_fen = $9 \
                 WHERE run_id = $1 AND district_id = $2 AND unit_id = $3 AND person_id = $4",
                &[
                    id.0.into(),
                    d.0.into(),
                    u.0.into(),
                    l.person_id.into(),
                    l.grade_coef.to_string().into(),
                    l.weight.as_str().into(),
                    l.share.fen().into(),
                    l.remainder_fen.into(),
                    l.bonus.fen().into(),
                ],
            )
            .await?;
        }
        tx.execute(
            "UPDATE pay_runs SET pool_fen = $4, computed_at = $5 WHERE id = $1 AND district_id = $2 AND unit_id = $3",
            &[id.0.into(), d.0.into(), u.0.into(), pool.fen().into(), audit.at.into()],
        )
        .await?;
        commit_audited(tx, &audit).await
    }

    async fn pay_district_shares(&self, d: DistrictId, year: i32) -> StoreResult<Vec<ShareRow>> {
        let rows = self
            .db
            .fetch_all(
                "SELECT l.unit_id, l.grade, l.share_fen FROM pay_lines l JOIN pay_runs r ON r.id = l.run_id AND r.district_id = l.district_id \
                 WHERE r.district_id = $1 AND r.year = $2 AND l.share_fen IS NOT NULL ORDER BY l.unit_id, l.id",
                &[d.0.into(), year.into()],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(ShareRow {
                    unit_id: UnitId(r.get(0)?),
                    grade: grade(&r.get::<String>(1)?)?,
                    share: Money(r.get(2)?),
                })
            })
            .collect()
    }
}
