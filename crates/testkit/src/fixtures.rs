//! Fixtures shared by the test suites (web, store, cli, browser, benchmarks): valid ID
//! numbers, a district with its units, an application over a store, the demo seed.

use std::sync::Arc;

use jiguan_app::ports::{StoreResult, TenancyStore};
use jiguan_app::users::system_entry;
use jiguan_app::{App, AppConfig, AppResult, SystemClock};
use jiguan_domain::rules::id_number::check_char;
use jiguan_domain::tenancy::{DistrictId, UnitId, UnitInput, UnitKind};
use jiguan_store::SqlStore;

/// A valid ID number (GB 11643) of 镇海区 (area 330211) born on `birth` (`YYYYMMDD`) with
/// sequence `seq` (0–999; odd for men, even for women). The check character is the
/// domain's. A `birth` that is not eight digits gives a number without its check character,
/// which every parser refuses.
pub fn id_number(birth: &str, seq: u32) -> String {
    let body = format!("330211{birth}{seq:03}");
    match check_char(&body) {
        Some(c) => format!("{body}{c}"),
        None => body,
    }
}

/// Creates a district and its units (code, name, kind), each unit with its audit row as
/// the command line writes it; returns the district and the units in order.
pub async fn district<S: TenancyStore + ?Sized>(
    store: &S,
    code: &str,
    name: &str,
    units: &[(&str, &str, UnitKind)],
) -> StoreResult<(DistrictId, Vec<UnitId>)> {
    let d = store
        .create_district(code, name, chrono::Utc::now())
        .await?;
    let mut ids = Vec::new();
    for (code, name, kind) in units {
        let input = UnitInput {
            code: (*code).into(),
            name: (*name).into(),
            kind: *kind,
        };
        let audit = system_entry(d, None, "unit.create", "unit", code, None);
        ids.push(store.create_unit(d, &input, audit).await?);
    }
    Ok((d, ids))
}

/// The application over `store` with cheap password hashing and the system clock.
pub fn app(store: SqlStore) -> App {
    App::new(
        Arc::new(store),
        AppConfig::for_tests(),
        Arc::new(SystemClock),
    )
}

/// The application over `store` with the demo data seeded (`jiguan demo`); returns the
/// demo district (镇海区).
pub async fn demo(store: SqlStore) -> AppResult<(App, DistrictId)> {
    let app = app(store);
    let d = jiguan_app::demo::seed(&app, |_, _| {}).await?;
    Ok((app, d))
}

/// A function item `F1` titled `title`, a public service owned by `body` and kept, in
/// force from 2018-01-01: what a post needs to draw hours from.
pub fn kept_function(body: impl std::fmt::Display, title: &str) -> jiguan_app::org::FunctionForm {
    jiguan_app::org::FunctionForm {
        code: "F1".into(),
        title: title.into(),
        category: "public_service".into(),
        owners: vec![body.to_string()],
        decision: "keep".into(),
        valid_from: "2018-01-01".into(),
        ..Default::default()
    }
}

/// A new, empty PostgreSQL database named `{prefix}_{random}` on the server `admin` points
/// at (its user may create databases): the new database's URL and its name.
pub async fn pg_database(admin: &str, prefix: &str) -> StoreResult<(String, String)> {
    let name = format!("{prefix}_{}", rand::random::<u64>());
    let db = jiguan_store::Db::connect(admin).await?;
    db.execute(&format!("CREATE DATABASE {name}"), &[]).await?;
    db.close().await;
    let base = admin.rsplit_once('/').map_or(admin, |(b, _)| b);
    Ok((format!("{base}/{name}"), name))
}

/// Drops a database [`pg_database`] made (a benchmark's cleanup: errors are ignored).
pub async fn drop_pg_database(admin: &str, name: &str) {
    if let Ok(db) = jiguan_store::Db::connect(admin).await {
        let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        let _ = db.execute(&sql, &[]).await;
        db.close().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_numbers_are_valid() {
        let n = id_number("19850312", 1);
        assert_eq!(n.len(), 18);
        assert!(
            jiguan_domain::rules::id_number::IdNumber::parse(&n, None).is_ok(),
            "{n}"
        );
        assert_eq!(id_number("1985", 1).len(), 13);
    }
}
