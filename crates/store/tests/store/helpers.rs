//! Shared setup: a fresh database on either backend, the `both!` macro that runs a story
//! on SQLite and (ignored unless asked) on PostgreSQL, and two districts with units.

use jiguan_app::ports::NewUser;
use jiguan_domain::auth::{Actor, Role};
use jiguan_domain::tenancy::{DistrictId, UnitId, UnitInput, UnitKind, UserId};
use jiguan_store::{Db, SqlStore, Value};
use jiguan_testkit::fixtures::{district, pg_database};

/// A fresh database: a temp SQLite file, or a new PostgreSQL database.
pub struct TestDb {
    pub url: String,
    pub _dir: Option<tempfile::TempDir>,
}

pub async fn fresh(pg: bool) -> TestDb {
    if pg {
        let admin =
            std::env::var("JIGUAN_TEST_PG").expect("set JIGUAN_TEST_PG to run PostgreSQL tests");
        let (url, _) = pg_database(&admin, "jiguan_test")
            .await
            .expect("create a PostgreSQL database");
        TestDb { url, _dir: None }
    } else {
        let dir = tempfile::tempdir().unwrap();
        let url = dir.path().join("t.db").to_string_lossy().to_string();
        TestDb {
            url,
            _dir: Some(dir),
        }
    }
}

macro_rules! both {
    ($name:ident) => {
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                super::$name(false).await;
            }
            #[tokio::test]
            #[ignore = "needs PostgreSQL: set JIGUAN_TEST_PG (CI runs it with --ignored)"]
            async fn postgres() {
                super::$name(true).await;
            }
        }
    };
}
pub(crate) use both;

pub fn unit_input(code: &str, name: &str, kind: UnitKind) -> UnitInput {
    UnitInput {
        code: code.into(),
        name: name.into(),
        kind,
    }
}

pub async fn two_districts(s: &SqlStore) -> (DistrictId, UnitId, UnitId, DistrictId, UnitId) {
    let (d1, u1) = district(
        s,
        "zhenhai",
        "镇海区",
        &[
            ("luotuo", "骆驼街道", UnitKind::Subdistrict),
            ("xiepu", "澥浦镇", UnitKind::Town),
        ],
    )
    .await
    .unwrap();
    let (d2, u2) = district(
        s,
        "beilun",
        "北仑区",
        &[("luotuo", "另一个骆驼", UnitKind::Subdistrict)],
    )
    .await
    .unwrap();
    (d1, u1[0], u1[1], d2, u2[0])
}

/// An actor with one role, of a unit (`Some`) or of the whole district.
pub fn actor(d: DistrictId, unit: Option<UnitId>, role: Role) -> Actor {
    Actor {
        user_id: UserId(1),
        username: format!("{}_{}", role.code(), unit.map(|u| u.0).unwrap_or(0)),
        display_name: String::new(),
        district_id: d,
        unit_id: unit,
        roles: vec![role],
    }
}

/// Owned (key, value) pairs, as form posts arrive.
pub fn pairs(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

pub fn new_user(d: DistrictId, unit: Option<UnitId>, name: &str, roles: Vec<Role>) -> NewUser {
    NewUser {
        district_id: d,
        unit_id: unit,
        username: name.into(),
        display_name: format!("显示{name}"),
        password_hash: "$argon2id$fake".into(),
        must_change_password: true,
        roles,
        person_id: None,
    }
}

/// The first column of the one row `sql` returns, as an integer.
pub async fn fetch_i64(db: &Db, sql: &str, params: &[Value]) -> i64 {
    db.fetch_one(sql, params).await.unwrap().get(0).unwrap()
}

/// [`two_districts`] on a fresh database, with an app over the store and the unit
/// administrator of each of the three units.
pub struct ThreeUnits {
    pub t: TestDb,
    pub s: SqlStore,
    pub app: jiguan_app::App,
    pub d1: DistrictId,
    pub a: UnitId,
    pub b: UnitId,
    pub d2: DistrictId,
    pub c: UnitId,
    pub ua: Actor,
    pub ub: Actor,
    pub uc: Actor,
}

pub async fn three_units(pg: bool) -> ThreeUnits {
    let t = fresh(pg).await;
    let s = SqlStore::open(&t.url).await.unwrap();
    let (d1, a, b, d2, c) = two_districts(&s).await;
    ThreeUnits {
        app: jiguan_testkit::fixtures::app(s.clone()),
        ua: actor(d1, Some(a), Role::UnitAdmin),
        ub: actor(d1, Some(b), Role::UnitAdmin),
        uc: actor(d2, Some(c), Role::UnitAdmin),
        t,
        s,
        d1,
        a,
        b,
        d2,
        c,
    }
}
