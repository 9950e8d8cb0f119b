//! One SQL code path for SQLite and PostgreSQL.
//!
//! Queries are written once, with PostgreSQL-style `$1, $2 …` placeholders; on SQLite they
//! are rewritten to `?1, ?2 …` (which SQLite binds by number, exactly). Parameters are
//! [`Value`]s that carry their type even when null, as PostgreSQL requires. Rows decode to
//! any type both drivers can decode. Integers are always BIGINT, timestamps TIMESTAMPTZ on
//! PostgreSQL and ISO text on SQLite, dates DATE / ISO text.

use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::postgres::{PgPool, PgPoolOptions, PgRow};
use sqlx::query::Query;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use sqlx::{Database, Decode, Encode, Executor, IntoArguments, Postgres, Row as _, Sqlite, Type};
use std::borrow::Cow;

use jiguan_app::ports::{Conflict, StoreError, UniqueKey};

/// Statements run by every [`Db`] and [`Tx`] of this process (benchmarks divide it by the
/// requests served).
static STATEMENTS: AtomicU64 = AtomicU64::new(0);

/// Writes committed by every [`Db`] and [`Tx`] of this process: bumped *after* each
/// committed transaction and each statement outside one that may change data. A reader
/// that notes it before reading and finds it unchanged later knows no write of this
/// process committed in between (see [`write_mark`]).
static WRITES: AtomicU64 = AtomicU64::new(0);

thread_local! {
    /// Statements started on this thread: what a test on a current-thread runtime (the
    /// default of `#[tokio::test]`) runs, not counting the other tests of its binary.
    static HERE: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// How many statements this process has run (all databases).
pub fn statements_run() -> u64 {
    STATEMENTS.load(Ordering::Relaxed)
}

/// How many statements were started on this thread (all databases): a test counts the
/// statements of one request with it while other tests run.
pub fn statements_run_here() -> u64 {
    HERE.with(|h| h.get())
}

/// Statements as [`recording`] returns them: each one's SQL and parameters.
pub type Statements = Vec<(String, Vec<Value>)>;

thread_local! {
    /// The statements started on this thread while [`recording`] runs (else `None`).
    static RECORDED: std::cell::RefCell<Option<Statements>> =
        const { std::cell::RefCell::new(None) };
}

/// Counts one statement, for the process and for this thread.
fn counted(sql: &str, params: &[Value]) {
    STATEMENTS.fetch_add(1, Ordering::Relaxed);
    HERE.with(|h| h.set(h.get() + 1));
    RECORDED.with(|r| {
        if let Some(v) = r.borrow_mut().as_mut() {
            v.push((sql.to_string(), params.to_vec()));
        }
    });
}

/// Runs `f` and returns, beside its output, the statements (SQL and parameters) it
/// started on this thread: a test reads the query plans of everything a call runs (on a
/// current-thread runtime, as `#[tokio::test]`'s default).
pub async fn recording<F: std::future::Future>(f: F) -> (F::Output, Statements) {
    let before = RECORDED.with(|r| r.borrow_mut().replace(Vec::new()));
    let out = f.await;
    let seen = RECORDED.with(|r| std::mem::replace(&mut *r.borrow_mut(), before));
    (out, seen.unwrap_or_default())
}

/// The count of writes this process has committed (all databases). It only grows; a
/// cache of derived figures keyed by it is exact for the writes of this process.
pub fn write_mark() -> u64 {
    WRITES.load(Ordering::Acquire)
}

fn wrote() {
    WRITES.fetch_add(1, Ordering::Release);
}

/// Whether a statement run outside a transaction may change data: anything but a plain
/// `SELECT` or `EXPLAIN` (a `WITH` may hold a data-changing part on
/// PostgreSQL, so it counts as a write).
fn may_write(sql: &str) -> bool {
    let head = sql.trim_start().as_bytes();
    let starts = |w: &[u8]| {
        head.get(..w.len())
            .is_some_and(|h| h.eq_ignore_ascii_case(w))
    };
    !(starts(b"select") || starts(b"explain"))
}

/// Which database a [`Db`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A connection pool to either backend.
#[derive(Debug, Clone)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// A query parameter that keeps its SQL type when null.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Value {
    I64(Option<i64>),
    Text(Option<String>),
    Bool(Option<bool>),
    Date(Option<NaiveDate>),
    Ts(Option<DateTime<Utc>>),
}

macro_rules! value_from {
    ($t:ty, $v:ident, $conv:expr) => {
        impl From<$t> for Value {
            fn from(x: $t) -> Self {
                let f = $conv;
                Value::$v(Some(f(x)))
            }
        }
        impl From<Option<$t>> for Value {
            fn from(x: Option<$t>) -> Self {
                let f = $conv;
                Value::$v(x.map(f))
            }
        }
    };
}
value_from!(i64, I64, |x| x);
value_from!(i32, I64, i64::from);
value_from!(String, Text, |x| x);
value_from!(&str, Text, |x: &str| x.to_string());
value_from!(&String, Text, |x: &String| x.clone());
value_from!(bool, Bool, |x| x);
value_from!(NaiveDate, Date, |x| x);
value_from!(DateTime<Utc>, Ts, |x| x);

/// Builds a parameter list: `params![a, b, c]`.
#[macro_export]
macro_rules! params {
    ($($v:expr),* $(,)?) => { vec![$($crate::db::Value::from($v)),*] };
}

/// A result row of either backend.
pub enum Row {
    Sqlite(SqliteRow),
    Postgres(PgRow),
}

/// Types both drivers decode.
pub trait Col:
    for<'r> Decode<'r, Sqlite> + Type<Sqlite> + for<'r> Decode<'r, Postgres> + Type<Postgres>
{
}
impl<T> Col for T where
    T: for<'r> Decode<'r, Sqlite> + Type<Sqlite> + for<'r> Decode<'r, Postgres> + Type<Postgres>
{
}

impl Row {
    /// Column `i` (0-based) decoded as `T`.
    pub fn get<T: Col>(&self, i: usize) -> Result<T, StoreError> {
        match self {
            Row::Sqlite(r) => r.try_get(i),
            Row::Postgres(r) => r.try_get(i),
        }
        .map_err(backend)
    }
}

/// Maps a driver error to a [`StoreError`] without leaking the driver's type. Unique
/// violations become conflicts on the field named by the constraint's column.
pub fn backend(e: sqlx::Error) -> StoreError {
    if let sqlx::Error::Database(d) = &e
        && d.is_unique_violation()
    {
        let msg = d.message().to_string();
        return StoreError::Conflict(Conflict::Unique(unique_key(&msg, d.constraint())));
    }
    if let sqlx::Error::RowNotFound = e {
        return StoreError::NotFound;
    }
    StoreError::Backend(e.to_string())
}

/// Guesses the input field from a unique-violation message or constraint name.
fn unique_key(msg: &str, constraint: Option<&str>) -> UniqueKey {
    // SQLite: "UNIQUE constraint failed: users.username"; PostgreSQL: constraint
    // "users_username_key" or "units_district_id_code_key".
    let src = constraint.unwrap_or(msg);
    UniqueKey::ALL
        .into_iter()
        .find(|k| *k != UniqueKey::Id && src.contains(k.code()))
        .unwrap_or(UniqueKey::Id)
}

/// Rewrites `$n` placeholders to SQLite's `?n`.
fn to_sqlite(sql: &str) -> String {
    map_placeholders(sql, |out, n| {
        out.push('?');
        out.push_str(n);
    })
}

/// `sql` with each placeholder `$n` outside quoted literals replaced by what `write`
/// appends for its digits `n`.
pub(crate) fn map_placeholders(sql: &str, write: impl Fn(&mut String, &str)) -> String {
    let mut out = String::with_capacity(sql.len() + sql.len() / 8);
    let mut chars = sql.char_indices().peekable();
    let mut in_str = false;
    while let Some((i, c)) = chars.next() {
        if c == '\'' {
            in_str = !in_str;
        }
        if c != '$' || in_str || !chars.peek().is_some_and(|(_, d)| d.is_ascii_digit()) {
            out.push(c);
            continue;
        }
        let mut end = i + 1;
        while let Some((j, d)) = chars.next_if(|(_, d)| d.is_ascii_digit()) {
            end = j + d.len_utf8();
        }
        write(&mut out, &sql[i + 1..end]);
    }
    out
}

/// Binds `params` in order on either backend, each with its SQL type even when null.
fn bind<'q, DB>(
    mut q: Query<'q, DB, <DB as Database>::Arguments<'q>>,
    params: &'q [Value],
) -> Query<'q, DB, <DB as Database>::Arguments<'q>>
where
    DB: Database,
    Option<i64>: Encode<'q, DB> + Type<DB>,
    Option<&'q str>: Encode<'q, DB> + Type<DB>,
    Option<bool>: Encode<'q, DB> + Type<DB>,
    Option<NaiveDate>: Encode<'q, DB> + Type<DB>,
    Option<DateTime<Utc>>: Encode<'q, DB> + Type<DB>,
{
    for p in params {
        q = match p {
            Value::I64(v) => q.bind(*v),
            Value::Text(v) => q.bind(v.as_deref()),
            Value::Bool(v) => q.bind(*v),
            Value::Date(v) => q.bind(*v),
            Value::Ts(v) => q.bind(*v),
        };
    }
    q
}

/// What a statement needs to know about its backend: how placeholders are written and
/// how its rows and results are read.
trait Dialect: Database {
    type Args<'q>: IntoArguments<'q, Self> + Send;
    fn placeholders(sql: &str) -> Cow<'_, str>;
    /// `sql` (already in this backend's placeholders) with `params` bound.
    fn query<'q>(sql: &'q str, params: &'q [Value]) -> Query<'q, Self, Self::Args<'q>>;
    fn row(r: Self::Row) -> Row;
    fn rows_affected(r: &Self::QueryResult) -> u64;
}

impl Dialect for Sqlite {
    type Args<'q> = sqlx::sqlite::SqliteArguments<'q>;
    fn query<'q>(sql: &'q str, params: &'q [Value]) -> Query<'q, Sqlite, Self::Args<'q>> {
        bind(sqlx::query(sql), params)
    }
    fn placeholders(sql: &str) -> Cow<'_, str> {
        // A statement with anonymous `?` only (a large fixed-shape INSERT) is used as is.
        if sql.contains('$') {
            Cow::Owned(to_sqlite(sql))
        } else {
            Cow::Borrowed(sql)
        }
    }
    fn row(r: SqliteRow) -> Row {
        Row::Sqlite(r)
    }
    fn rows_affected(r: &sqlx::sqlite::SqliteQueryResult) -> u64 {
        r.rows_affected()
    }
}

impl Dialect for Postgres {
    type Args<'q> = sqlx::postgres::PgArguments;
    fn query<'q>(sql: &'q str, params: &'q [Value]) -> Query<'q, Postgres, Self::Args<'q>> {
        bind(sqlx::query(sql), params)
    }
    fn placeholders(sql: &str) -> Cow<'_, str> {
        Cow::Borrowed(sql)
    }
    fn row(r: PgRow) -> Row {
        Row::Postgres(r)
    }
    fn rows_affected(r: &sqlx::postgres::PgQueryResult) -> u64 {
        r.rows_affected()
    }
}

/// Runs one statement on `e` (a pool or a transaction of either backend); returns the
/// number of rows it changed.
async fn execute_on<'c, DB: Dialect>(
    e: impl Executor<'c, Database = DB>,
    sql: &str,
    params: &[Value],
) -> Result<u64, StoreError> {
    counted(sql, params);
    DB::query(&DB::placeholders(sql), params)
        .execute(e)
        .await
        .map(|r| DB::rows_affected(&r))
        .map_err(backend)
}

/// Runs one query on `e` and returns all its rows.
async fn fetch_all_on<'c, DB: Dialect>(
    e: impl Executor<'c, Database = DB>,
    sql: &str,
    params: &[Value],
) -> Result<Vec<Row>, StoreError> {
    counted(sql, params);
    DB::query(&DB::placeholders(sql), params)
        .fetch_all(e)
        .await
        .map(|v| v.into_iter().map(DB::row).collect())
        .map_err(backend)
}

/// Runs one query on `e` and returns its first row, if any.
async fn fetch_optional_on<'c, DB: Dialect>(
    e: impl Executor<'c, Database = DB>,
    sql: &str,
    params: &[Value],
) -> Result<Option<Row>, StoreError> {
    counted(sql, params);
    DB::query(&DB::placeholders(sql), params)
        .fetch_optional(e)
        .await
        .map(|r| r.map(DB::row))
        .map_err(backend)
}

/// SQLite connection settings: WAL, foreign keys on, busy timeout, normal sync.
fn sqlite_options(path: &str) -> Result<SqliteConnectOptions, StoreError> {
    let url = if path.starts_with("sqlite:") {
        path.to_string()
    } else {
        format!("sqlite://{path}")
    };
    Ok(SqliteConnectOptions::from_str(&url)
        .map_err(backend)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10))
        // `ORDER BY name COLLATE pinyin` (PostgreSQL has an ICU collation of that name).
        .collation("pinyin", jiguan_domain::text::pinyin_cmp))
}

impl Db {
    /// Opens `postgres://…` URLs on PostgreSQL and anything else as a SQLite file path
    /// (or `sqlite://path` URL).
    pub async fn connect(url: &str) -> Result<Db, StoreError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect(url)
                .await
                .map_err(backend)?;
            Ok(Db::Postgres(pool))
        } else {
            // An in-memory database lives only while a connection holds it: never renew.
            let in_memory = url.contains(":memory:") || url.contains("mode=memory");
            let pool = SqlitePoolOptions::new()
                .max_connections(8)
                .before_acquire(move |_, meta| {
                    Box::pin(async move { Ok(in_memory || !stale(meta.age)) })
                })
                .connect_with(sqlite_options(url)?)
                .await
                .map_err(backend)?;
            Ok(Db::Sqlite(pool))
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    pub async fn execute(&self, sql: &str, params: &[Value]) -> Result<u64, StoreError> {
        let r = match self {
            Db::Sqlite(p) => execute_on(p, sql, params).await,
            Db::Postgres(p) => execute_on(p, sql, params).await,
        };
        if may_write(sql) {
            wrote();
        }
        r
    }

    pub async fn fetch_all(&self, sql: &str, params: &[Value]) -> Result<Vec<Row>, StoreError> {
        let r = match self {
            Db::Sqlite(p) => fetch_all_on(p, sql, params).await,
            Db::Postgres(p) => fetch_all_on(p, sql, params).await,
        };
        if may_write(sql) {
            wrote();
        }
        r
    }

    pub async fn fetch_optional(
        &self,
        sql: &str,
        params: &[Value],
    ) -> Result<Option<Row>, StoreError> {
        let r = match self {
            Db::Sqlite(p) => fetch_optional_on(p, sql, params).await,
            Db::Postgres(p) => fetch_optional_on(p, sql, params).await,
        };
        if may_write(sql) {
            wrote();
        }
        r
    }

    pub async fn fetch_one(&self, sql: &str, params: &[Value]) -> Result<Row, StoreError> {
        self.fetch_optional(sql, params)
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// Starts a write transaction. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`), so a transaction that reads then writes cannot fail on upgrade.
    pub async fn begin(&self) -> Result<Tx, StoreError> {
        match self {
            Db::Sqlite(p) => p.begin_with("BEGIN IMMEDIATE").await.map(Tx::Sqlite),
            Db::Postgres(p) => p.begin().await.map(Tx::Postgres),
        }
        .map_err(backend)
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite(p) => p.close().await,
            Db::Postgres(p) => p.close().await,
        }
    }
}

/// A transaction on either backend. Dropped without `commit`, it rolls back.
pub enum Tx {
    Sqlite(sqlx::Transaction<'static, Sqlite>),
    Postgres(sqlx::Transaction<'static, Postgres>),
}

impl Db {
    /// Refreshes the planner's statistics of `tables` (after a large write), in one
    /// transaction. On SQLite the per-index averages of `sqlite_stat1` are kept and the
    /// `sqlite_stat4` samples only for the history: see [`drop_samples`].
    pub async fn analyze(&self, tables: &[&str]) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        for t in tables {
            tx.execute(&format!("ANALYZE {t}"), &[]).await?;
        }
        drop_samples(&mut tx).await?;
        tx.commit().await?;
        if self.backend() == Backend::Sqlite {
            ANALYZED.store(since_start(), Ordering::Release);
        }
        Ok(())
    }
}

/// When an `ANALYZE` of this process last committed on SQLite ([`since_start`]; 0:
/// none). A SQLite connection loads the planner's statistics when it opens and keeps
/// them: the pooled connections opened before an `ANALYZE` (an import's, the demo data's)
/// would plan with the old figures, or none, until the process restarts. The pool hands
/// such a connection out no more ([`stale`]): it is closed and a new one opened, once
/// each. Process-wide: one store's `ANALYZE` renews the other stores' connections too,
/// which costs them a reconnection and nothing else.
static ANALYZED: AtomicU64 = AtomicU64::new(0);

/// Microseconds since this process first asked, plus one (never 0).
fn since_start() -> u64 {
    static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    let us = START
        .get_or_init(std::time::Instant::now)
        .elapsed()
        .as_micros();
    u64::try_from(us).unwrap_or(u64::MAX - 1) + 1
}

/// Whether a SQLite connection of this `age` opened before the last `ANALYZE`.
fn stale(age: Duration) -> bool {
    let analyzed = ANALYZED.load(Ordering::Acquire);
    let age = u64::try_from(age.as_micros()).unwrap_or(u64::MAX);
    analyzed != 0 && since_start().saturating_sub(age) < analyzed
}

/// Whether SQLite has a `sqlite_stat4` table (an `ANALYZE` ran with samples).
const STAT4_TABLE: &str =
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat4'";

/// At store open: [`drop_samples`], in a write transaction only when an earlier `ANALYZE`
/// left samples to drop (a plain read otherwise, so that opening does not wait for the
/// write lock).
pub(crate) async fn drop_old_samples(db: &Db) -> Result<(), StoreError> {
    if db.backend() != Backend::Sqlite || db.fetch_optional(STAT4_TABLE, &[]).await?.is_none() {
        return Ok(());
    }
    let stray = db
        .fetch_optional(
            &format!("SELECT 1 FROM sqlite_stat4 WHERE tbl NOT IN ({KEEP_SAMPLES}) LIMIT 1"),
            &[],
        )
        .await?
        .is_some();
    if stray {
        let mut tx = db.begin().await?;
        drop_samples(&mut tx).await?;
        tx.commit().await?;
    }
    Ok(())
}

/// The tables whose `sqlite_stat4` samples [`drop_samples`] keeps: the history that the
/// cost report reads, whose best index depends on the date and unit bound (a unit's
/// people against the district's people changed since the date). Without the samples
/// SQLite read the stress unit's 100,000 latest rows for each cost page (540 ms instead of
/// 2 ms of CPU). Its statements are prepared again at each execution, as before.
const KEEP_SAMPLES: &str = "'person_events', 'person_latest'";

/// Deletes SQLite's `sqlite_stat4` samples but those of [`KEEP_SAMPLES`], and has the
/// connection read its statistics again (nothing on PostgreSQL). libsqlite3-sys builds
/// SQLite with `SQLITE_ENABLE_STAT4`: once `ANALYZE` has written samples, every statement
/// whose parameter the planner compared with them (`district_id = $1` on the people's
/// indexes: the roster, the search) expires whenever a value is bound to that parameter,
/// and is parsed and planned again at each execution (issue 17: the parser and planner in
/// a profile of the roster page; the roster page's CPU halved without them). The averages
/// of `sqlite_stat1` stay; the roster and the search choose their path explicitly (the
/// roster's two parts, the search's `CROSS JOIN`).
pub(crate) async fn drop_samples(tx: &mut Tx) -> Result<(), StoreError> {
    if tx.backend() != Backend::Sqlite {
        return Ok(());
    }
    let present = tx.fetch_optional(STAT4_TABLE, &[]).await?.is_some();
    if present {
        tx.execute(
            &format!("DELETE FROM sqlite_stat4 WHERE tbl NOT IN ({KEEP_SAMPLES})"),
            &[],
        )
        .await?;
        tx.execute("ANALYZE sqlite_schema", &[]).await?;
    }
    Ok(())
}

impl Tx {
    pub fn backend(&self) -> Backend {
        match self {
            Tx::Sqlite(_) => Backend::Sqlite,
            Tx::Postgres(_) => Backend::Postgres,
        }
    }

    pub async fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, StoreError> {
        match self {
            Tx::Sqlite(t) => execute_on(&mut **t, sql, params).await,
            Tx::Postgres(t) => execute_on(&mut **t, sql, params).await,
        }
    }

    /// Takes the district's people lock until the end of the transaction on PostgreSQL
    /// (SQLite's `BEGIN IMMEDIATE` already lets one writer in at a time): people writes and
    /// the writes that move people (applies, appointments, probation reviews) take it, so
    /// none races another.
    pub async fn lock_people(&mut self, district: i64) -> Result<(), StoreError> {
        if self.backend() == Backend::Postgres {
            self.execute(
                "SELECT pg_advisory_xact_lock($1)",
                &[Value::from(7_345_005_000_000i64 + district)],
            )
            .await?;
        }
        Ok(())
    }

    /// [`Tx::execute`] for a change to rows that must exist: none changed is `NotFound`.
    pub async fn execute_found(&mut self, sql: &str, params: &[Value]) -> Result<(), StoreError> {
        match self.execute(sql, params).await? {
            0 => Err(StoreError::NotFound),
            _ => Ok(()),
        }
    }

    pub async fn fetch_all(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, StoreError> {
        match self {
            Tx::Sqlite(t) => fetch_all_on(&mut **t, sql, params).await,
            Tx::Postgres(t) => fetch_all_on(&mut **t, sql, params).await,
        }
    }

    pub async fn fetch_optional(
        &mut self,
        sql: &str,
        params: &[Value],
    ) -> Result<Option<Row>, StoreError> {
        match self {
            Tx::Sqlite(t) => fetch_optional_on(&mut **t, sql, params).await,
            Tx::Postgres(t) => fetch_optional_on(&mut **t, sql, params).await,
        }
    }

    pub async fn fetch_one(&mut self, sql: &str, params: &[Value]) -> Result<Row, StoreError> {
        self.fetch_optional(sql, params)
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// Runs several statements separated by `;` (DDL in migrations).
    pub async fn execute_script(&mut self, script: &str) -> Result<(), StoreError> {
        for stmt in script.split(';').map(str::trim).filter(|s| !s.is_empty()) {
            self.execute(stmt, &[]).await?;
        }
        Ok(())
    }

    pub async fn commit(self) -> Result<(), StoreError> {
        let r = match self {
            Tx::Sqlite(t) => t.commit().await,
            Tx::Postgres(t) => t.commit().await,
        }
        .map_err(backend);
        // Also after a failed commit: whether it reached the database is unknown.
        wrote();
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// After an `ANALYZE`, no pooled SQLite connection opened before it is handed out
    /// again (each would plan with the statistics it loaded when it opened). A TEMP table
    /// marks a connection: it lives and dies with it.
    #[allow(clippy::unwrap_used, clippy::panic)]
    #[tokio::test]
    async fn connections_opened_before_an_analyze_are_renewed() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::connect(&dir.path().join("a.db").to_string_lossy())
            .await
            .unwrap();
        db.execute("CREATE TABLE t (a INTEGER)", &[]).await.unwrap();
        let Db::Sqlite(pool) = &db else {
            unreachable!("a file path opens SQLite")
        };
        let marked = async || {
            let mut c = pool.acquire().await.unwrap();
            let n: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM temp.sqlite_master WHERE name = 'mark'")
                    .fetch_one(&mut *c)
                    .await
                    .unwrap();
            n == 1
        };
        // Every connection of the pool, held at once, marked.
        let mut held = Vec::new();
        for _ in 0..8 {
            let mut c = pool.acquire().await.unwrap();
            sqlx::query("CREATE TEMP TABLE mark (x INTEGER)")
                .execute(&mut *c)
                .await
                .unwrap();
            held.push(c);
        }
        drop(held);
        assert!(marked().await, "the pool hands out its connections again");
        db.analyze(&["t"]).await.unwrap();
        for _ in 0..10 {
            assert!(!marked().await, "a connection from before the ANALYZE");
        }
    }

    #[test]
    fn placeholders_are_rewritten_outside_strings() {
        assert_eq!(to_sqlite("SELECT $1, '$2', $10"), "SELECT ?1, '$2', ?10");
    }

    #[test]
    fn reads_and_writes_told_apart() {
        assert!(!may_write("  SELECT 1"));
        assert!(!may_write("select x from t"));
        assert!(!may_write("EXPLAIN QUERY PLAN SELECT 1"));
        assert!(may_write("INSERT INTO t VALUES (1) RETURNING id"));
        assert!(may_write(
            "WITH x AS (DELETE FROM t RETURNING id) SELECT * FROM x"
        ));
        assert!(may_write("VACUUM INTO $1"));
        assert!(may_write("sel"));
    }

    #[test]
    fn conflict_fields() {
        assert_eq!(
            unique_key("UNIQUE constraint failed: users.username", None),
            UniqueKey::Username
        );
        assert_eq!(
            unique_key("x", Some("units_district_id_code_key")),
            UniqueKey::Code
        );
        assert_eq!(unique_key("x", Some("people_pkey")), UniqueKey::Key);
        assert_eq!(
            unique_key("UNIQUE constraint failed: t.a", None),
            UniqueKey::Id
        );
    }
}
