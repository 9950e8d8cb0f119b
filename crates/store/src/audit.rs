//! The audit chain: append within the caller's transaction; read and verify.

use async_trait::async_trait;
use chrono::{Duration, NaiveTime};

use jiguan_app::ports::{
    AuditFilter, AuditHead, AuditStore, ListQuery, LogScope, LoginFilter, Page, StoreError,
    StoreResult,
};
use jiguan_domain::audit::{
    AuditEntry, AuditRecord, GENESIS, LoginOutcome, LoginRecord, chain_hash,
};
use jiguan_domain::tenancy::{DistrictId, UnitId, UserId};

use crate::SqlStore;
use crate::db::{Backend, Row, Tx, Value};
use crate::sql::{Sql, count_rows, fetch_page};

/// Appends `e` as the record of the row `id` that `tx` has just created (its
/// `object_id` is set to `id`), then commits `tx`.
pub(crate) async fn commit_created(
    tx: Tx,
    mut e: AuditEntry,
    id: impl std::fmt::Display,
) -> StoreResult<()> {
    e.object_id = id.to_string();
    commit_audited(tx, &e).await
}

/// Appends `e` inside `tx`, then commits `tx`.
pub(crate) async fn commit_audited(mut tx: Tx, e: &AuditEntry) -> StoreResult<()> {
    append(&mut tx, e).await?;
    tx.commit().await
}

/// Appends `e` to its district's chain inside `tx`. The head row is locked (PostgreSQL
/// `FOR UPDATE`; SQLite write transactions are exclusive), so concurrent changes chain
/// one after the other.
pub(crate) async fn append(tx: &mut Tx, e: &AuditEntry) -> StoreResult<()> {
    let lock = if tx.backend() == Backend::Postgres {
        " FOR UPDATE"
    } else {
        ""
    };
    let head = tx
        .fetch_optional(
            &format!("SELECT last_seq, last_hash FROM audit_heads WHERE district_id = $1{lock}"),
            &[e.district_id.0.into()],
        )
        .await?;
    let (seq, prev) = match head {
        Some(r) => (r.get::<i64>(0)? + 1, r.get::<String>(1)?),
        None => {
            tx.execute(
                "INSERT INTO audit_heads (district_id, last_seq, last_hash) VALUES ($1, 0, $2)",
                &[e.district_id.0.into(), GENESIS.into()],
            )
            .await?;
            (1, GENESIS.to_string())
        }
    };
    let at_ms = e.at.timestamp_millis();
    let (before, after) = (e.before_text(), e.after_text());
    let hash = chain_hash(
        &prev,
        e.district_id,
        seq,
        at_ms,
        e.unit_id,
        e.user_id,
        &e.username,
        &e.action,
        &e.object_type,
        &e.object_id,
        before.as_deref(),
        after.as_deref(),
        e.addr.as_deref(),
    );
    tx.execute(
        "INSERT INTO audit_log (district_id, seq, at_ms, unit_id, user_id, username, action, object_type, object_id, before_json, after_json, prev_hash, hash, addr) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        &[
            e.district_id.0.into(),
            seq.into(),
            at_ms.into(),
            e.unit_id.map(|u| u.0).into(),
            e.user_id.map(|u| u.0).into(),
            e.username.as_str().into(),
            e.action.as_str().into(),
            e.object_type.as_str().into(),
            e.object_id.as_str().into(),
            before.into(),
            after.into(),
            prev.into(),
            hash.as_str().into(),
            e.addr.clone().into(),
        ],
    )
    .await?;
    tx.execute(
        "UPDATE audit_heads SET last_seq = $1, last_hash = $2 WHERE district_id = $3",
        &[seq.into(), hash.into(), e.district_id.0.into()],
    )
    .await?;
    Ok(())
}

const COLS: &str = "id, district_id, seq, at_ms, unit_id, user_id, username, action, object_type, object_id, before_json, after_json, prev_hash, hash, addr";

fn record(r: &Row) -> StoreResult<AuditRecord> {
    Ok(AuditRecord {
        id: r.get(0)?,
        district_id: DistrictId(r.get(1)?),
        seq: r.get(2)?,
        at_ms: r.get(3)?,
        unit_id: r.get::<Option<i64>>(4)?.map(UnitId),
        user_id: r.get::<Option<i64>>(5)?.map(UserId),
        username: r.get(6)?,
        action: r.get(7)?,
        object_type: r.get(8)?,
        object_id: r.get(9)?,
        before: r.get(10)?,
        after: r.get(11)?,
        prev_hash: r.get(12)?,
        hash: r.get(13)?,
        addr: r.get(14)?,
    })
}

const LOGIN_COLS: &str =
    "id, at_ms, district_id, unit_id, user_id, username, outcome, addr, user_agent";

fn login_record(r: &Row) -> StoreResult<LoginRecord> {
    let outcome: String = r.get(6)?;
    Ok(LoginRecord {
        id: r.get(0)?,
        at_ms: r.get(1)?,
        district_id: r.get::<Option<i64>>(2)?.map(DistrictId),
        unit_id: r.get::<Option<i64>>(3)?.map(UnitId),
        user_id: r.get::<Option<i64>>(4)?.map(UserId),
        username: r.get(5)?,
        outcome: LoginOutcome::from_code(&outcome)
            .ok_or_else(|| StoreError::Backend(format!("unknown sign-in outcome {outcome}")))?,
        addr: r.get(7)?,
        user_agent: r.get(8)?,
    })
}

/// Milliseconds at 00:00 China time (UTC+8) of `d`.
fn china_midnight_ms(d: chrono::NaiveDate) -> i64 {
    (d.and_time(NaiveTime::MIN) - Duration::hours(8))
        .and_utc()
        .timestamp_millis()
}

/// The conditions both logs share: the district, the unit (or the district level alone),
/// the username (in any case) and the days (in China time, `from` and `to` both included).
fn log_scope(district: DistrictId, f: &LogScope) -> Sql {
    let mut w = Sql::with(" WHERE district_id = $1", district.0);
    if let Some(u) = f.unit_id {
        w.and("unit_id = {}", u.0);
    } else if f.district_level_only {
        w.push(" AND unit_id IS NULL");
    }
    if let Some(u) = &f.username {
        w.and("username = {}", u.to_lowercase());
    }
    if let Some(d) = f.from {
        w.and("at_ms >= {}", china_midnight_ms(d));
    }
    if let Some(d) = f.to {
        w.and("at_ms < {}", china_midnight_ms(d) + 86_400_000);
    }
    w
}

/// A log's order: newest first, unless the list is sorted by time ascending.
fn time_order(q: &ListQuery) -> &'static str {
    if q.sort.as_deref() == Some("at") && !q.desc {
        "ASC"
    } else {
        "DESC"
    }
}

/// The heads `filter` selects (all, or one district's by its key), by district.
async fn heads(db: &crate::Db, filter: &str, params: &[Value]) -> StoreResult<Vec<AuditHead>> {
    let sql = format!(
        "SELECT district_id, last_seq, last_hash FROM audit_heads{filter} ORDER BY district_id"
    );
    db.fetch_all(&sql, params).await?.iter().map(head).collect()
}

fn head(r: &Row) -> StoreResult<AuditHead> {
    Ok(AuditHead {
        district_id: DistrictId(r.get(0)?),
        last_seq: r.get(1)?,
        last_hash: r.get(2)?,
    })
}

#[async_trait]
impl AuditStore for SqlStore {
    async fn append_audit(&self, entry: AuditEntry) -> StoreResult<()> {
        let tx = self.db.begin().await?;
        commit_audited(tx, &entry).await
    }

    async fn list_audit(
        &self,
        district: DistrictId,
        f: &AuditFilter,
        q: &ListQuery,
    ) -> StoreResult<Page<AuditRecord>> {
        let w = audit_scope(district, f, q);
        let dir = time_order(q);
        fetch_page(
            &self.db,
            " FROM audit_log",
            &format!("SELECT {COLS} FROM audit_log"),
            w,
            &format!(" ORDER BY seq {dir}"),
            q,
            record,
        )
        .await
    }

    async fn append_login(&self, rec: &LoginRecord) -> StoreResult<()> {
        self.db
            .execute(
                "INSERT INTO login_log (at_ms, district_id, unit_id, user_id, username, outcome, addr, user_agent) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                &[
                    rec.at_ms.into(),
                    rec.district_id.map(|d| d.0).into(),
                    rec.unit_id.map(|u| u.0).into(),
                    rec.user_id.map(|u| u.0).into(),
                    rec.username.as_str().into(),
                    rec.outcome.code().into(),
                    rec.addr.as_str().into(),
                    rec.user_agent.as_str().into(),
                ],
            )
            .await?;
        Ok(())
    }

    async fn list_logins(
        &self,
        district: DistrictId,
        f: &LoginFilter,
        q: &ListQuery,
    ) -> StoreResult<Page<LoginRecord>> {
        let mut w = log_scope(district, &f.scope);
        match f.success {
            Some(true) => w.push(" AND outcome = 'ok'"),
            Some(false) => w.push(" AND outcome <> 'ok'"),
            None => {}
        }
        w.search(q, &["username", "addr"]);
        let dir = time_order(q);
        fetch_page(
            &self.db,
            " FROM login_log",
            &format!("SELECT {LOGIN_COLS} FROM login_log"),
            w,
            &format!(" ORDER BY at_ms {dir}, id {dir}"),
            q,
            login_record,
        )
        .await
    }

    async fn count_audit(&self, district: DistrictId, f: &AuditFilter) -> StoreResult<i64> {
        let w = audit_scope(district, f, &ListQuery::default());
        count_rows(&self.db, " FROM audit_log", &w).await
    }

    async fn audit_heads(&self) -> StoreResult<Vec<AuditHead>> {
        heads(&self.db, "", &[]).await
    }

    async fn audit_head(&self, district: DistrictId) -> StoreResult<Option<AuditHead>> {
        Ok(
            heads(&self.db, " WHERE district_id = $1", &[district.0.into()])
                .await?
                .pop(),
        )
    }

    async fn audit_chunk(
        &self,
        district: DistrictId,
        after_seq: i64,
        limit: i64,
    ) -> StoreResult<Vec<AuditRecord>> {
        let rows = self
            .db
            .fetch_all(
                &format!("SELECT {COLS} FROM audit_log WHERE district_id = $1 AND seq > $2 ORDER BY seq LIMIT $3"),
                &[Value::from(district.0), after_seq.into(), limit.into()],
            )
            .await?;
        rows.iter().map(record).collect()
    }

    async fn audit_count(&self) -> StoreResult<i64> {
        self.db
            .fetch_one("SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log", &[])
            .await?
            .get(0)
    }
}

/// The entries `f` and the search of `q` select: `WHERE …` over `audit_log`.
fn audit_scope(district: DistrictId, f: &AuditFilter, q: &ListQuery) -> Sql {
    let mut w = log_scope(district, &f.scope);
    if let Some(t) = &f.object_type {
        w.and("object_type = {}", t.as_str());
    }
    if let Some(o) = &f.object_id {
        w.and("object_id = {}", o.as_str());
    }
    if let Some(a) = &f.action {
        w.and("action = {}", a.as_str());
    }
    w.search(
        q,
        &[
            "action",
            "object_id",
            "username",
            "before_json",
            "after_json",
        ],
    );
    w
}
