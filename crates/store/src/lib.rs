//! Jiguan's storage: the ports of `jiguan-app` implemented once for SQLite and
//! PostgreSQL (see [`db`]), with versioned migrations ([`migrate`]).
//!
//! Every tenant-owned row carries its district and, where it belongs to one, its unit;
//! every query here is scoped by them. A new module adds a migration, a file beside
//! `tenancy.rs`, and its trait impl.

mod appraisal;
pub mod audit;
mod calc;
pub mod db;
mod downsizing;
mod inbox;
pub mod migrate;
mod org;
mod pay;
mod people;
pub mod people_index;
mod people_relations;
mod posts;
pub mod posts_index;
mod report;
pub mod scale;
mod selection;
mod selection_campaign;
mod selection_scores;
mod sessions;
mod settings;
mod sql;
mod tenancy;
mod twoway;
mod users;
mod workflow;

mod selection_decision;
mod selection_extra;
mod selection_officials;

use async_trait::async_trait;

use jiguan_app::ports::{SessionRecord, Store, StoreResult, Unit, UserRecord};
use jiguan_domain::tenancy::UnitId;

pub use db::{Backend, Db, Value};

/// The store over one database.
#[derive(Debug, Clone)]
pub struct SqlStore {
    pub db: Db,
}

impl SqlStore {
    /// Connects and brings the schema up to date.
    pub async fn open(url: &str) -> StoreResult<SqlStore> {
        let db = Db::connect(url).await?;
        migrate::migrate(&db).await?;
        Ok(SqlStore { db })
    }

    /// Connects without migrating (`jiguan migrate` reports what it applies).
    pub async fn connect(url: &str) -> StoreResult<SqlStore> {
        Ok(SqlStore {
            db: Db::connect(url).await?,
        })
    }
}

#[async_trait]
impl Store for SqlStore {
    /// A cheap query that reads the database itself (the schema version), not just the
    /// connection: a database replaced, truncated or dropped under the server fails it.
    async fn ping(&self) -> StoreResult<()> {
        self.db
            .fetch_one("SELECT MAX(version) FROM schema_migrations", &[])
            .await
            .map(|_| ())
    }

    fn backend(&self) -> &'static str {
        match self.db.backend() {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }

    /// [`db::write_mark`]: the writes this process committed, to any database.
    fn write_mark(&self) -> Option<u64> {
        Some(db::write_mark())
    }

    async fn get_session_user(
        &self,
        token_hash: &str,
    ) -> StoreResult<Option<(SessionRecord, UserRecord)>> {
        Ok(users::session_user(&self.db, token_hash, None)
            .await?
            .map(|(s, u, _)| (s, u)))
    }

    async fn get_session_user_unit(
        &self,
        token_hash: &str,
        unit: Option<UnitId>,
    ) -> StoreResult<Option<(SessionRecord, UserRecord, Option<Unit>)>> {
        users::session_user(&self.db, token_hash, unit).await
    }
}

/// Writes a consistent copy of a live SQLite database to `dest` (`VACUUM INTO`).
pub async fn backup_sqlite(db: &Db, dest: &str) -> StoreResult<()> {
    match db {
        Db::Sqlite(_) => {
            db.execute("VACUUM INTO $1", &[Value::from(dest)]).await?;
            Ok(())
        }
        Db::Postgres(_) => Err(jiguan_app::ports::StoreError::Backend(
            "backup of PostgreSQL: use pg_dump (see docs/OPERATIONS.md)".into(),
        )),
    }
}
