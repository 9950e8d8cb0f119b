//! What the store benches share (each bench declares `mod common;` and uses what it
//! needs): the app over a fresh store with one district, an actor of a role, the lowest id
//! a bulk `INSERT … SELECT` gave, a batch of hires through the store, and the run over a
//! temporary SQLite file then, when `JIGUAN_BENCH_PG_URL` names a server, a fresh
//! PostgreSQL database.
#![allow(dead_code, clippy::unwrap_used)]

use std::future::Future;
use std::sync::Arc;

use jiguan_app::people::{PeopleBatch, PersonRecord, PersonWrite};
use jiguan_app::users::system_entry;
use jiguan_app::{App, AppConfig, SystemClock};
use jiguan_domain::auth::{Actor, Role};
use jiguan_domain::people::PersonId;
use jiguan_domain::tenancy::{DistrictId, UnitId, UserId};
use jiguan_store::SqlStore;
use jiguan_testkit::fixtures::{drop_pg_database, pg_database};

/// The store at `url` and the app over it (test configuration, system clock).
pub async fn app_over(url: &str) -> (SqlStore, App) {
    let s = SqlStore::open(url).await.unwrap();
    let app = App::new(
        Arc::new(s.clone()),
        AppConfig::for_tests(),
        Arc::new(SystemClock),
    );
    (s, app)
}

/// [`app_over`] and a new district `bench`.
pub async fn bench_app(url: &str) -> (SqlStore, App, DistrictId) {
    let (s, app) = app_over(url).await;
    let d = app
        .store
        .create_district("bench", "基准区", chrono::Utc::now())
        .await
        .unwrap();
    (s, app, d)
}

/// The user `bench` with one role, at a unit or (None) at the district.
pub fn actor(d: DistrictId, unit: Option<UnitId>, role: Role) -> Actor {
    Actor {
        user_id: UserId(1),
        username: "bench".into(),
        display_name: String::new(),
        district_id: d,
        unit_id: unit,
        roles: vec![role],
    }
}

/// The lowest id of `table` in the district (the first row a bulk insert wrote).
pub async fn min_id(s: &SqlStore, table: &str, d: DistrictId) -> i64 {
    s.db.fetch_one(
        &format!("SELECT MIN(id) FROM {table} WHERE district_id = $1"),
        &[d.0.into()],
    )
    .await
    .unwrap()
    .get(0)
    .unwrap()
}

/// Hires the people into the unit in one store batch (one `people.import` audit row).
pub async fn hire_all(
    app: &App,
    d: DistrictId,
    unit: UnitId,
    people: Vec<PersonRecord>,
) -> Vec<PersonId> {
    let writes = people
        .into_iter()
        .map(|p| PersonWrite::hire(p, "bench"))
        .collect();
    app.store
        .apply_people(
            d,
            PeopleBatch {
                writes,
                audits: vec![system_entry(
                    d,
                    Some(unit),
                    "people.import",
                    "unit",
                    unit,
                    None,
                )],
                by: "bench".into(),
                at: chrono::Utc::now(),
                ..PeopleBatch::default()
            },
        )
        .await
        .unwrap()
}

/// Runs `run(url, label)` on a temporary SQLite file named `file` (label `SQLite`), then
/// on a fresh PostgreSQL database named after `db` when `JIGUAN_BENCH_PG_URL` is set
/// (label `PostgreSQL`; dropped afterwards).
pub async fn on_each_backend<F, Fut>(file: &str, db: &str, run: F)
where
    F: Fn(String, &'static str) -> Fut,
    Fut: Future<Output = ()>,
{
    let dir = tempfile::tempdir().unwrap();
    let url = dir.path().join(file).to_string_lossy().to_string();
    run(url, "SQLite").await;
    if let Ok(admin) = std::env::var("JIGUAN_BENCH_PG_URL") {
        let (url, name) = pg_database(&admin, db).await.unwrap();
        run(url, "PostgreSQL").await;
        drop_pg_database(&admin, &name).await;
    }
}
