//! The storage story, run against SQLite (always) and PostgreSQL (when
//! `JIGUAN_TEST_PG` names a server, e.g. `postgres://postgres@127.0.0.1:5432/postgres`;
//! CI runs these with `--ignored`). Each test gets a fresh database.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use jiguan_app::ports::{
    AuditFilter, AuditStore, Conflict, ListQuery, NewUser, SessionRecord, SessionStore,
    SettingsStore, StoreError, TenancyStore, UniqueKey, UserFilter, UserStore,
};
use jiguan_app::users::system_entry;
use jiguan_app::{App, AppConfig, Store, SystemClock};
use jiguan_domain::audit::BreakReason;
use jiguan_domain::auth::Role;
use jiguan_domain::tenancy::{DistrictId, UnitId, UnitInput, UnitKind, UserId};
use jiguan_store::migrate::{latest, migrate_to, schema_fingerprint};
use jiguan_store::{Db, SqlStore, Value};

/// A fresh database: a temp SQLite file, or a new PostgreSQL database.
struct TestDb {
    url: String,
    _dir: Option<tempfile::TempDir>,
}

async fn fresh(pg: bool) -> TestDb {
    if pg {
        let admin =
            std::env::var("JIGUAN_TEST_PG").expect("set JIGUAN_TEST_PG to run PostgreSQL tests");
        let name = format!("jiguan_test_{}", rand::random::<u64>());
        let db = Db::connect(&admin).await.expect("connect to PostgreSQL");
        db.execute(&format!("CREATE DATABASE {name}"), &[])
            .await
            .unwrap();
        db.close().await;
        let base = admin
            .rsplit_once('/')
            .map(|(b, _)| b.to_string())
            .unwrap_or(admin);
        TestDb {
            url: format!("{base}/{name}"),
            _dir: None,
        }
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

both!(story);
both!(tenant_scoping);
both!(audit_tamper_is_found);
both!(migrations_from_every_version);
both!(failed_write_leaves_nothing);

fn unit_input(code: &str, name: &str, kind: UnitKind) -> UnitInput {
    UnitInput {
        code: code.into(),
        name: name.into(),
        kind,
    }
}

async fn two_districts(s: &SqlStore) -> (DistrictId, UnitId, UnitId, DistrictId, UnitId) {
    let d1 = s
        .create_district("zhenhai", "镇海区", chrono::Utc::now())
        .await
        .unwrap();
    let a = s
        .create_unit(
            d1,
            &unit_input("luotuo", "骆驼街道", UnitKind::Subdistrict),
            system_entry(d1, None, "unit.create", "unit", "luotuo", None),
        )
        .await
        .unwrap();
    let b = s
        .create_unit(
            d1,
            &unit_input("xiepu", "澥浦镇", UnitKind::Town),
            system_entry(d1, None, "unit.create", "unit", "xiepu", None),
        )
        .await
        .unwrap();
    let d2 = s
        .create_district("beilun", "北仑区", chrono::Utc::now())
        .await
        .unwrap();
    let c = s
        .create_unit(
            d2,
            &unit_input("luotuo", "另一个骆驼", UnitKind::Subdistrict),
            system_entry(d2, None, "unit.create", "unit", "luotuo", None),
        )
        .await
        .unwrap();
    (d1, a, b, d2, c)
}

fn new_user(d: DistrictId, unit: Option<UnitId>, name: &str, roles: Vec<Role>) -> NewUser {
    NewUser {
        district_id: d,
        unit_id: unit,
        username: name.into(),
        display_name: format!("显示{name}"),
        password_hash: "$argon2id$fake".into(),
        must_change_password: true,
        roles,
    }
}

async fn story(pg: bool) {
    let t = fresh(pg).await;
    let s = SqlStore::open(&t.url).await.unwrap();
    s.ping().await.unwrap();
    let (d1, a, b, _d2, _c) = two_districts(&s).await;

    // Units: list, search, sort, page, rename.
    let all = s.list_units(d1, &ListQuery::default()).await.unwrap();
    assert_eq!(all.total, 2);
    let q = ListQuery {
        q: Some("骆驼".into()),
        ..Default::default()
    };
    assert_eq!(
        s.list_units(d1, &q).await.unwrap().items[0].unit.code,
        "luotuo"
    );
    let q = ListQuery {
        sort: Some("name".into()),
        desc: true,
        per_page: Some(1),
        page: Some(2),
        ..Default::default()
    };
    let p = s.list_units(d1, &q).await.unwrap();
    assert_eq!((p.total, p.items.len(), p.pages()), (2, 1, 2));
    s.update_unit(
        d1,
        b,
        &unit_input("xiepu", "澥浦镇（新）", UnitKind::Town),
        false,
        system_entry(d1, Some(b), "unit.update", "unit", b, None),
    )
    .await
    .unwrap();
    let u = s.get_unit(d1, b).await.unwrap().unwrap();
    assert_eq!((u.name.as_str(), u.active), ("澥浦镇（新）", false));
    // Duplicate codes in one district are a conflict on `code`.
    let dup = s
        .create_unit(
            d1,
            &unit_input("luotuo", "重复", UnitKind::Town),
            system_entry(d1, None, "unit.create", "unit", "x", None),
        )
        .await;
    assert_eq!(
        dup,
        Err(StoreError::Conflict(Conflict::Unique(UniqueKey::Code)))
    );

    // Users with roles; filters; unique user names.
    let admin = s
        .create_user(
            &new_user(d1, None, "admin", vec![Role::DistrictAdmin]),
            system_entry(d1, None, "user.create", "user", "admin", None),
        )
        .await
        .unwrap();
    let staff = s
        .create_user(
            &new_user(d1, Some(a), "staff_a", vec![Role::Staff, Role::BodyHead]),
            system_entry(d1, Some(a), "user.create", "user", "staff_a", None),
        )
        .await
        .unwrap();
    let dup = s
        .create_user(
            &new_user(d1, Some(a), "staff_a", vec![Role::Staff]),
            system_entry(d1, Some(a), "user.create", "user", "x", None),
        )
        .await;
    assert_eq!(
        dup,
        Err(StoreError::Conflict(Conflict::Unique(UniqueKey::Username)))
    );
    let rec = s.find_user_by_name("staff_a").await.unwrap().unwrap();
    assert_eq!(rec.roles, vec![Role::BodyHead, Role::Staff]);
    assert!(rec.must_change_password);
    let f = UserFilter {
        unit_id: Some(a),
        ..Default::default()
    };
    let p = s.list_users(d1, &f, &ListQuery::default()).await.unwrap();
    assert_eq!(p.items.len(), 1);
    assert_eq!(p.items[0].unit_name.as_deref(), Some("骆驼街道"));
    let f = UserFilter {
        role: Some(Role::DistrictAdmin),
        ..Default::default()
    };
    assert_eq!(
        s.list_users(d1, &f, &ListQuery::default())
            .await
            .unwrap()
            .items[0]
            .id,
        admin
    );
    s.update_user(
        d1,
        staff,
        "新名字",
        &[Role::Staff],
        true,
        system_entry(d1, Some(a), "user.update", "user", staff, None),
    )
    .await
    .unwrap();
    assert_eq!(
        s.get_user(d1, staff).await.unwrap().unwrap().roles,
        vec![Role::Staff]
    );

    // Sessions: create, read, touch; a password reset ends them.
    let now = chrono::Utc::now();
    let sess = SessionRecord {
        token_hash: "h1".into(),
        user_id: staff,
        csrf_token: "c".into(),
        created_at: now,
        last_seen_at: now,
    };
    s.create_session(&sess).await.unwrap();
    assert_eq!(
        s.get_session("h1").await.unwrap().map(|x| x.user_id),
        Some(staff)
    );
    s.touch_session("h1", now + chrono::Duration::minutes(5))
        .await
        .unwrap();
    s.set_password(
        staff,
        "$argon2id$new",
        false,
        true,
        system_entry(d1, Some(a), "user.password_reset", "user", staff, None),
    )
    .await
    .unwrap();
    assert!(s.get_session("h1").await.unwrap().is_none());
    assert!(
        !s.get_user_any(staff)
            .await
            .unwrap()
            .unwrap()
            .must_change_password
    );

    // API tokens.
    let tid = s
        .create_api_token(
            staff,
            "脚本",
            "th",
            now,
            system_entry(d1, Some(a), "api_token.create", "api_token", "x", None),
        )
        .await
        .unwrap();
    assert_eq!(
        s.find_api_token("th").await.unwrap().map(|t| t.id),
        Some(tid)
    );
    assert_eq!(s.list_api_tokens(staff).await.unwrap().len(), 1);
    assert!(
        !s.delete_api_token(admin, tid, system_entry(d1, None, "x", "x", "x", None))
            .await
            .unwrap(),
        "another user's token"
    );
    assert!(
        s.delete_api_token(
            staff,
            tid,
            system_entry(d1, None, "api_token.delete", "api_token", tid, None)
        )
        .await
        .unwrap()
    );

    // Policy parameters: district-wide and per unit, upserted.
    s.set_param(
        d1,
        None,
        "k",
        "1",
        now,
        system_entry(d1, None, "param.set", "param", "k", None),
    )
    .await
    .unwrap();
    s.set_param(
        d1,
        None,
        "k",
        "2",
        now,
        system_entry(d1, None, "param.set", "param", "k", None),
    )
    .await
    .unwrap();
    s.set_param(
        d1,
        Some(a),
        "k",
        "3",
        now,
        system_entry(d1, Some(a), "param.set", "param", "k", None),
    )
    .await
    .unwrap();
    let vals = s.list_params(d1, Some(a)).await.unwrap();
    assert_eq!(
        vals.iter()
            .map(|v| (v.unit_id, v.value.as_str()))
            .collect::<Vec<_>>(),
        vec![(None, "2"), (Some(a), "3")]
    );
    assert_eq!(s.list_params(d1, Some(b)).await.unwrap().len(), 1);

    // Every change above is in the audit trail, filterable, and the chain verifies.
    let f = AuditFilter {
        unit_id: Some(a),
        ..Default::default()
    };
    let p = s.list_audit(d1, &f, &ListQuery::default()).await.unwrap();
    assert!(p.items.iter().all(|r| r.unit_id == Some(a)));
    assert!(p.items.iter().any(|r| r.action == "user.password_reset"));
    let f = AuditFilter {
        object_type: Some("param".into()),
        ..Default::default()
    };
    assert_eq!(
        s.list_audit(d1, &f, &ListQuery::default())
            .await
            .unwrap()
            .total,
        3
    );
    let today = chrono::Utc::now()
        .with_timezone(&jiguan_domain::time::china())
        .date_naive();
    let f = AuditFilter {
        from: Some(today),
        to: Some(today),
        ..Default::default()
    };
    assert!(
        s.list_audit(d1, &f, &ListQuery::default())
            .await
            .unwrap()
            .total
            > 5
    );
    let f = AuditFilter {
        to: Some(today - chrono::Duration::days(1)),
        ..Default::default()
    };
    assert_eq!(
        s.list_audit(d1, &f, &ListQuery::default())
            .await
            .unwrap()
            .total,
        0
    );
    let app = App::new(Arc::new(s), AppConfig::for_tests(), Arc::new(SystemClock));
    let report = app.verify_audit(|_| {}).await.unwrap();
    assert!(report.breaks.is_empty(), "{:?}", report.breaks);
    assert_eq!(report.districts, 2);
}

async fn tenant_scoping(pg: bool) {
    let t = fresh(pg).await;
    let s = SqlStore::open(&t.url).await.unwrap();
    let (d1, a, _b, d2, c) = two_districts(&s).await;
    // A unit of another district is invisible, even by id.
    assert!(s.get_unit(d1, c).await.unwrap().is_none());
    assert!(s.get_unit(d2, a).await.unwrap().is_none());
    assert_eq!(
        s.list_units(d2, &ListQuery::default()).await.unwrap().total,
        1
    );
    let u = s
        .create_user(
            &new_user(d2, Some(c), "other", vec![Role::Staff]),
            system_entry(d2, Some(c), "user.create", "user", "other", None),
        )
        .await
        .unwrap();
    assert!(s.get_user(d1, u).await.unwrap().is_none());
    assert_eq!(
        s.list_users(d1, &UserFilter::default(), &ListQuery::default())
            .await
            .unwrap()
            .total,
        0
    );
    assert!(
        s.update_user(
            d1,
            u,
            "x",
            &[Role::Staff],
            true,
            system_entry(d1, None, "x", "x", "x", None)
        )
        .await
        .is_err()
    );
    assert!(
        s.list_audit(d1, &AuditFilter::default(), &ListQuery::default())
            .await
            .unwrap()
            .items
            .iter()
            .all(|r| r.district_id == d1)
    );
    assert!(s.list_params(d1, None).await.unwrap().is_empty());
    s.set_param(
        d2,
        None,
        "k",
        "9",
        chrono::Utc::now(),
        system_entry(d2, None, "param.set", "param", "k", None),
    )
    .await
    .unwrap();
    assert!(s.list_params(d1, None).await.unwrap().is_empty());
}

async fn audit_tamper_is_found(pg: bool) {
    let t = fresh(pg).await;
    let s = SqlStore::open(&t.url).await.unwrap();
    let (d1, a, _b, _d2, _c) = two_districts(&s).await;
    for i in 0..5 {
        s.create_user(
            &new_user(d1, Some(a), &format!("u{i}"), vec![Role::Staff]),
            system_entry(d1, Some(a), "user.create", "user", i, None),
        )
        .await
        .unwrap();
    }
    let db = s.db.clone();
    let app = App::new(Arc::new(s), AppConfig::for_tests(), Arc::new(SystemClock));
    assert!(app.verify_audit(|_| {}).await.unwrap().breaks.is_empty());

    // Alter one row's content: that row is named.
    let id: i64 = db
        .fetch_one(
            "SELECT id FROM audit_log WHERE district_id = $1 AND seq = 4",
            &[Value::from(d1.0)],
        )
        .await
        .unwrap()
        .get(0)
        .unwrap();
    db.execute(
        "UPDATE audit_log SET username = 'mallory' WHERE id = $1",
        &[Value::from(id)],
    )
    .await
    .unwrap();
    let r = app.verify_audit(|_| {}).await.unwrap();
    assert_eq!(r.breaks.len(), 1);
    assert_eq!(
        (
            r.breaks[0].district_id,
            r.breaks[0].seq,
            r.breaks[0].id,
            r.breaks[0].reason
        ),
        (d1, 4, Some(id), BreakReason::Altered)
    );

    // Put it back, then remove a row in the middle: the gap is named.
    db.execute(
        "UPDATE audit_log SET username = 'system' WHERE id = $1",
        &[Value::from(id)],
    )
    .await
    .unwrap();
    assert!(app.verify_audit(|_| {}).await.unwrap().breaks.is_empty());
    db.execute(
        "DELETE FROM audit_log WHERE district_id = $1 AND seq = 6",
        &[Value::from(d1.0)],
    )
    .await
    .unwrap();
    let r = app.verify_audit(|_| {}).await.unwrap();
    assert_eq!(
        (r.breaks[0].seq, r.breaks[0].reason),
        (6, BreakReason::Removed)
    );

    // Removing the newest row is caught by the head.
    let t2 = fresh(pg).await;
    let s2 = SqlStore::open(&t2.url).await.unwrap();
    let (d, ..) = two_districts(&s2).await;
    let db2 = s2.db.clone();
    let app2 = App::new(Arc::new(s2), AppConfig::for_tests(), Arc::new(SystemClock));
    let last: i64 = db2
        .fetch_one(
            "SELECT CAST(MAX(seq) AS BIGINT) FROM audit_log WHERE district_id = $1",
            &[Value::from(d.0)],
        )
        .await
        .unwrap()
        .get(0)
        .unwrap();
    db2.execute(
        "DELETE FROM audit_log WHERE district_id = $1 AND seq = $2",
        &[Value::from(d.0), Value::from(last)],
    )
    .await
    .unwrap();
    let r = app2.verify_audit(|_| {}).await.unwrap();
    assert_eq!(
        (r.breaks[0].seq, r.breaks[0].reason),
        (last, BreakReason::Removed)
    );
}

async fn migrations_from_every_version(pg: bool) {
    let t = fresh(pg).await;
    let db = Db::connect(&t.url).await.unwrap();
    migrate_to(&db, latest()).await.unwrap();
    let want = schema_fingerprint(&db).await.unwrap();
    assert!(want.iter().any(|c| c.starts_with("users.username")));
    // Running again applies nothing.
    assert!(migrate_to(&db, latest()).await.unwrap().is_empty());
    for from in 0..latest() {
        let t = fresh(pg).await;
        let db = Db::connect(&t.url).await.unwrap();
        migrate_to(&db, from).await.unwrap();
        if from >= 1 {
            // Data written under the old schema survives the upgrade.
            db.execute(
                "INSERT INTO districts (code, name, created_at) VALUES ('old', '旧区', $1)",
                &[Value::from(chrono::Utc::now())],
            )
            .await
            .unwrap();
        }
        let applied = migrate_to(&db, latest()).await.unwrap();
        assert_eq!(applied.len() as i64, latest() - from);
        assert_eq!(
            schema_fingerprint(&db).await.unwrap(),
            want,
            "upgrading from version {from}"
        );
        if from >= 1 {
            let n: i64 = db
                .fetch_one(
                    "SELECT CAST(COUNT(*) AS BIGINT) FROM districts WHERE code = 'old'",
                    &[],
                )
                .await
                .unwrap()
                .get(0)
                .unwrap();
            assert_eq!(n, 1);
        }
    }
}

async fn failed_write_leaves_nothing(pg: bool) {
    let t = fresh(pg).await;
    let s = SqlStore::open(&t.url).await.unwrap();
    let (d1, a, ..) = two_districts(&s).await;
    let before = s.audit_count().await.unwrap();
    // The user row is written, then the roles fail (a role longer than any code would be
    // fine for TEXT, so break the audit instead: an entry for a district that does not
    // exist violates the foreign key and must roll back the user too).
    let bad = system_entry(
        DistrictId(999_999),
        Some(a),
        "user.create",
        "user",
        "x",
        None,
    );
    let r = s
        .create_user(&new_user(d1, Some(a), "ghost", vec![Role::Staff]), bad)
        .await;
    assert!(r.is_err());
    assert!(s.find_user_by_name("ghost").await.unwrap().is_none());
    assert_eq!(s.audit_count().await.unwrap(), before);
    let _ = UserId(0);
}

// ---- Establishment and people (编制与实名制) ----

both!(people_story);
both!(people_guard_and_import);

/// A valid ID number of 镇海区 born on `birth` (YYYYMMDD) with sequence `seq`.
fn people_id(birth: &str, seq: u32) -> String {
    let body = format!("330211{birth}{seq:03}");
    let c = jiguan_domain::rules::id_number::check_char(&body).unwrap();
    format!("{body}{c}")
}

fn people_actor(d: DistrictId, unit: Option<UnitId>, role: Role) -> jiguan_domain::auth::Actor {
    jiguan_domain::auth::Actor {
        user_id: UserId(1),
        username: "tester".into(),
        display_name: "测试".into(),
        district_id: d,
        unit_id: unit,
        roles: vec![role],
    }
}

fn people_form(
    name: &str,
    id: &str,
    identity: &str,
    kind: &str,
) -> jiguan_domain::people::PersonForm {
    jiguan_domain::people::PersonForm {
        name: name.into(),
        id_number: id.into(),
        identity: identity.into(),
        establishment: kind.into(),
        basic_pay: "60000".into(),
        allowances: "30000.50".into(),
        ..Default::default()
    }
}

fn people_on(on: &str) -> jiguan_app::people::ChangeOpts {
    jiguan_app::people::ChangeOpts {
        on: on.into(),
        ..Default::default()
    }
}

async fn people_story(pg: bool) {
    use jiguan_app::people::{ChangeForm, CostGroup, PeopleFilter, PeopleStore, StatusFilter};
    use jiguan_domain::people::establishment::QuotaKind;
    use jiguan_domain::people::{EventKind, Identity, Status};
    let t = fresh(pg).await;
    let s = SqlStore::open(&t.url).await.unwrap();
    let (d1, a, b, d2, _c) = two_districts(&s).await;
    let app = App::new(
        Arc::new(s.clone()),
        AppConfig::for_tests(),
        Arc::new(SystemClock),
    );
    let admin = people_actor(d1, None, Role::DistrictAdmin);
    let ua = people_actor(d1, Some(a), Role::UnitAdmin);
    let ub = people_actor(d1, Some(b), Role::UnitAdmin);
    let q = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    app.set_quotas(
        &admin,
        a,
        &q(&[("q_administrative", "2"), ("q_institution", "1")]),
    )
    .await
    .unwrap();
    // Unit administrators cannot set quotas.
    assert!(matches!(
        app.set_quotas(&ua, a, &q(&[("q_administrative", "9")]))
            .await,
        Err(jiguan_app::AppError::Forbidden)
    ));

    let on = people_on("2020-01-01");
    let p1 = app
        .create_person(
            &ua,
            a,
            &people_form("王一", &people_id("19800101", 11), "公务员", "行政编制"),
            &on,
        )
        .await
        .unwrap();
    let p2 = app
        .create_person(
            &ua,
            a,
            &people_form(
                "王二",
                &people_id("19810101", 12),
                "civil_servant",
                "administrative",
            ),
            &on,
        )
        .await
        .unwrap();
    // The third civil servant exceeds 2 approved administrative slots: refused with numbers.
    let f3 = people_form("王三", &people_id("19820101", 13), "公务员", "行政编制");
    let e = app.create_person(&ua, a, &f3, &on).await.err().unwrap();
    let jiguan_app::AppError::Invalid(list) = e else {
        panic!("{e:?}")
    };
    assert_eq!(list[0].code, "establishment_over");
    let args: std::collections::BTreeMap<_, _> = list[0].args.iter().cloned().collect();
    assert_eq!(
        (
            args["approved"].as_str(),
            args["occupied"].as_str(),
            args["after"].as_str()
        ),
        ("2", "2", "3")
    );
    // The same ID number twice is refused.
    let dup = app
        .create_person(
            &ua,
            a,
            &people_form("重复", &people_id("19800101", 11), "临时工", "编外"),
            &on,
        )
        .await;
    assert!(
        matches!(dup, Err(jiguan_app::AppError::Invalid(ref e)) if e[0].code == "person_exists")
    );
    // With an approved exception it goes through and is listed.
    let mut with_doc = on.clone();
    with_doc.exception_doc = "镇编办〔2020〕1号".into();
    let p3 = app.create_person(&ua, a, &f3, &with_doc).await.unwrap();
    let ex = s.list_exceptions(d1, Some(a)).await.unwrap();
    assert_eq!(ex.len(), 1);
    assert_eq!(
        (
            ex[0].person_id,
            ex[0].doc_no.as_str(),
            ex[0].approved,
            ex[0].occupied_after
        ),
        (Some(p3), "镇编办〔2020〕1号", 2, 3)
    );
    app.create_person(
        &ua,
        a,
        &people_form("李四", &people_id("19900505", 22), "事业干部", "事业编制"),
        &on,
    )
    .await
    .unwrap();
    app.create_person(
        &ua,
        a,
        &people_form("赵五", &people_id("19950505", 31), "临时工", "编外"),
        &on,
    )
    .await
    .unwrap();
    let est = app.unit_establishment(&ua, a).await.unwrap();
    let adm = est
        .uses
        .iter()
        .find(|u| u.kind == QuotaKind::Administrative)
        .unwrap();
    assert_eq!(
        (adm.approved, adm.occupied, adm.over(), adm.vacancy()),
        (2, 3, 1, 0)
    );
    assert_eq!(est.off_establishment, 1);

    // Roster: search, filter, sort, page.
    let all = jiguan_app::ports::ListQuery::default();
    let r = app
        .list_people(&ua, a, PeopleFilter::default(), &all)
        .await
        .unwrap();
    assert_eq!(r.total, 5);
    let by_name = jiguan_app::ports::ListQuery {
        q: Some("王".into()),
        sort: Some("name".into()),
        desc: true,
        per_page: Some(2),
        page: Some(1),
    };
    let r = app
        .list_people(&ua, a, PeopleFilter::default(), &by_name)
        .await
        .unwrap();
    assert_eq!(
        (r.total, r.items.len(), r.items[0].person.name.as_str()),
        (3, 2, "王二")
    );
    let f = PeopleFilter {
        identity: Some(Identity::InstitutionCadre),
        ..Default::default()
    };
    assert_eq!(app.list_people(&ua, a, f, &all).await.unwrap().total, 1);
    // The unit administrator sees full numbers; a body head masked ones.
    let head = people_actor(d1, Some(a), Role::BodyHead);
    let r = app
        .list_people(&head, a, PeopleFilter::default(), &by_name)
        .await
        .unwrap();
    assert!(r.items.iter().all(|x| x.id_shown.contains("********")));
    let id_q = jiguan_app::ports::ListQuery {
        q: Some(people_id("19800101", 11)),
        ..Default::default()
    };
    assert_eq!(
        app.list_people(&ua, a, PeopleFilter::default(), &id_q)
            .await
            .unwrap()
            .total,
        1
    );
    assert_eq!(
        app.list_people(&head, a, PeopleFilter::default(), &id_q)
            .await
            .unwrap()
            .total,
        0
    );

    // Secondment: shown at home (借出) and at the host (借入), holding the home slot.
    let lend = ChangeForm {
        action: "lend".into(),
        to_unit: b.to_string(),
        opts: people_on("2022-01-01"),
        ..Default::default()
    };
    app.change_person(&ua, a, p1, &lend).await.unwrap();
    let home = app.person_page(&ua, a, p1).await.unwrap();
    assert_eq!(home.row.status_here, Status::LentOut);
    let host = app
        .list_people(&ub, b, PeopleFilter::default(), &all)
        .await
        .unwrap();
    assert_eq!(host.total, 1);
    assert_eq!(
        (host.items[0].person.id, host.items[0].status_here),
        (p1, Status::BorrowedIn)
    );
    let hp = app.person_page(&ub, b, p1).await.unwrap();
    assert!(!hp.can_manage);
    assert!(matches!(
        app.change_person(&ub, b, p1, &lend).await,
        Err(jiguan_app::AppError::Forbidden)
    ));
    let adm = app.unit_establishment(&ua, a).await.unwrap().uses[0];
    assert_eq!(adm.occupied, 3);
    let borrowed = PeopleFilter {
        status: Some(StatusFilter::One(Status::BorrowedIn)),
        ..Default::default()
    };
    assert_eq!(
        app.list_people(&ub, b, borrowed, &all).await.unwrap().total,
        1
    );

    // Retirement frees a slot; the history keeps the roster of earlier dates.
    let retire = ChangeForm {
        action: "status".into(),
        status: "retired".into(),
        opts: people_on("2023-01-01"),
        ..Default::default()
    };
    app.change_person(&ua, a, p2, &retire).await.unwrap();
    let early = ChangeForm {
        action: "status".into(),
        status: "left".into(),
        opts: people_on("2022-12-31"),
        ..Default::default()
    };
    let e = app.change_person(&ua, a, p2, &early).await.err().unwrap();
    assert!(matches!(e, jiguan_app::AppError::Invalid(ref l) if l[0].code == "date_before_last"));
    assert_eq!(
        app.unit_establishment(&ua, a).await.unwrap().uses[0].occupied,
        2
    );
    let then = PeopleFilter {
        on: chrono::NaiveDate::from_ymd_opt(2021, 6, 1),
        ..Default::default()
    };
    let r = app.list_people(&ua, a, then, &all).await.unwrap();
    assert_eq!(r.total, 5);
    assert!(r.items.iter().all(|x| x.person.status == Status::OnPost));
    let before_hire = PeopleFilter {
        on: chrono::NaiveDate::from_ymd_opt(2019, 6, 1),
        ..Default::default()
    };
    assert_eq!(
        app.list_people(&ua, a, before_hire, &all)
            .await
            .unwrap()
            .total,
        0
    );
    let now = app
        .list_people(&ua, a, PeopleFilter::default(), &all)
        .await
        .unwrap();
    assert_eq!(now.total, 4);
    let hist = app.person_page(&ua, a, p1).await.unwrap().history;
    assert_eq!(
        hist.iter().map(|e| e.kind).collect::<Vec<_>>(),
        vec![EventKind::Hire, EventKind::Lend]
    );
    assert_eq!(hist[1].host_unit_id, Some(b));

    // Cost on two dates: 5 people in 2021, 4 now (王二 retired).
    let r = app
        .cost_report(
            &ua,
            Some(a),
            chrono::NaiveDate::from_ymd_opt(2021, 1, 1).unwrap(),
            chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
            CostGroup::Identity,
        )
        .await
        .unwrap();
    assert_eq!((r.total.a.headcount, r.total.b.headcount), (5, 4));
    assert_eq!(r.total.a.cost.total().0, 5 * 9_000_050);
    assert_eq!(r.total.cost_change.0, -9_000_050);
    let civil = r.lines.iter().find(|l| l.key == "civil_servant").unwrap();
    assert_eq!((civil.a.headcount, civil.b.headcount), (3, 2));

    // Tenancy: another district sees nothing; sibling units are refused.
    assert!(s.get_person(d2, p1).await.unwrap().is_none());
    let other = people_actor(d2, None, Role::DistrictAdmin);
    assert!(app.person_page(&other, a, p1).await.is_err());
    assert!(matches!(
        app.person_page(&ub, b, p2).await,
        Err(jiguan_app::AppError::NotFound)
    ));
    assert!(
        app.list_people(&ub, a, PeopleFilter::default(), &all)
            .await
            .is_err()
    );
    let ids: Vec<String> = vec![people_id("19800101", 11)];
    assert!(s.people_by_id_numbers(d2, &ids).await.unwrap().is_empty());
    // Audit rows hold masked numbers only.
    let audit = s
        .list_audit(
            d1,
            &AuditFilter::default(),
            &jiguan_app::ports::ListQuery {
                per_page: Some(200),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let full = people_id("19800101", 11);
    assert!(
        audit
            .items
            .iter()
            .all(|r| !r.after.clone().unwrap_or_default().contains(&full))
    );
    assert!(audit.items.iter().any(|r| r.action == "person.create"));
}

async fn people_guard_and_import(pg: bool) {
    use jiguan_app::people::{ImportMode, ImportOptions, ImportTable, PeopleBatch, PeopleStore};
    let t = fresh(pg).await;
    let s = SqlStore::open(&t.url).await.unwrap();
    let (d1, a, b, ..) = two_districts(&s).await;
    let app = App::new(
        Arc::new(s.clone()),
        AppConfig::for_tests(),
        Arc::new(SystemClock),
    );
    let admin = people_actor(d1, None, Role::DistrictAdmin);
    let ua = people_actor(d1, Some(a), Role::UnitAdmin);
    app.set_quotas(&admin, a, &[("q_administrative".into(), "1".into())])
        .await
        .unwrap();
    let row = |name: &str, id: &str, identity: &str, kind: &str| -> Vec<String> {
        vec![name.into(), id.into(), identity.into(), kind.into()]
    };
    let table = ImportTable {
        headers: vec![
            "姓名".into(),
            "身份证号".into(),
            "身份".into(),
            "编制类型".into(),
        ],
        rows: vec![
            row("甲", &people_id("19800101", 11), "公务员", "行政编制"),
            row("乙", &people_id("19800102", 12), "临时工", "编外"),
            row("丙", "330211198001010000", "临时工", "编外"),
            row("丁", &people_id("19800103", 13), "公务员", "行政编制"),
        ],
        first_row: 2,
    };
    let opts = ImportOptions::default();
    let audit0 = s.audit_count().await.unwrap();
    let r = app
        .import_roster(&ua, a, &table, &opts, None)
        .await
        .unwrap();
    assert!(!r.written);
    let errs: Vec<(usize, &str)> = r
        .errors
        .iter()
        .map(|e| (e.row, e.error.code.as_str()))
        .collect();
    assert_eq!(errs, vec![(4, "id_checksum"), (5, "establishment_over")]);
    assert_eq!(s.audit_count().await.unwrap(), audit0);
    let all = jiguan_app::ports::ListQuery::default();
    assert_eq!(
        app.list_people(&ua, a, Default::default(), &all)
            .await
            .unwrap()
            .total,
        0
    );
    let valid = ImportOptions {
        mode: ImportMode::ValidOnly,
        ..Default::default()
    };
    let r = app
        .import_roster(&ua, a, &table, &valid, None)
        .await
        .unwrap();
    assert!(r.written);
    assert_eq!((r.created, r.updated, r.invalid_rows), (2, 0, 2));
    let audit1 = s.audit_count().await.unwrap();
    assert_eq!(audit1, audit0 + 1);
    // Again: nothing changes, nothing is written.
    let r = app
        .import_roster(&ua, a, &table, &valid, None)
        .await
        .unwrap();
    assert_eq!(
        (r.created, r.updated, r.unchanged, r.written),
        (0, 0, 2, false)
    );
    assert_eq!(s.audit_count().await.unwrap(), audit1);
    // A changed row updates; the history records it.
    let mut t2 = table.clone();
    t2.rows.truncate(2);
    t2.rows[1][0] = "乙改".into();
    let r = app.import_roster(&ua, a, &t2, &opts, None).await.unwrap();
    assert_eq!(
        (r.created, r.updated, r.unchanged, r.written),
        (0, 1, 1, true)
    );
    // The same people cannot be imported into another unit.
    let ub = people_actor(d1, Some(b), Role::UnitAdmin);
    let r = app.import_roster(&ub, b, &t2, &opts, None).await.unwrap();
    assert_eq!(r.errors.len(), 2);
    assert_eq!(r.errors[0].error.code, "person_in_other_unit");

    // A guard broken inside the write rolls everything back.
    let before = app
        .list_people(&ua, a, Default::default(), &all)
        .await
        .unwrap()
        .total;
    let p = app
        .list_people(&ua, a, Default::default(), &all)
        .await
        .unwrap()
        .items[0]
        .person
        .clone();
    let mut newp = p.clone();
    newp.id_number = people_id("19700101", 55);
    newp.establishment = jiguan_domain::people::EstablishmentKind::Administrative;
    newp.identity = jiguan_domain::people::Identity::CivilServant;
    let batch = PeopleBatch {
        writes: vec![jiguan_app::people::PersonWrite {
            create: true,
            person: newp,
            on: chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
            kind: jiguan_domain::people::EventKind::Hire,
            doc_no: String::new(),
            note: String::new(),
        }],
        guards: vec![jiguan_app::people::Guard {
            unit_id: a,
            body_id: None,
            kind: jiguan_domain::people::EstablishmentKind::Administrative,
            limit: 1,
        }],
        audits: vec![system_entry(
            d1,
            Some(a),
            "person.create",
            "person",
            "",
            None,
        )],
        by: "t".into(),
        ..Default::default()
    };
    assert_eq!(
        s.apply_people(d1, batch).await,
        Err(StoreError::Conflict(Conflict::Establishment))
    );
    assert_eq!(
        app.list_people(&ua, a, Default::default(), &all)
            .await
            .unwrap()
            .total,
        before
    );
    assert_eq!(s.audit_count().await.unwrap(), audit1 + 1);
}

// ---- Organisation design (机构设置): bodies, dated history, plans, atomic apply. ----

both!(org_story);
both!(org_apply_is_atomic);

mod org_support {
    use super::*;
    use jiguan_app::org::{BodyForm, CapsForm, FunctionForm, SplitForm};
    use jiguan_domain::auth::Actor;
    use jiguan_domain::org::plan::PlanOp;
    use jiguan_domain::org::{BodyId, BodyKind, PlanId};

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

    pub fn date(s: &str) -> chrono::NaiveDate {
        chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    pub async fn body(app: &App, a: &Actor, unit: UnitId, name: &str, kind: BodyKind) -> BodyId {
        app.org_create_body(
            a,
            unit,
            &BodyForm {
                name: name.into(),
                kind: kind.code().into(),
                establishment: "3".into(),
                valid_from: "2018-01-01".into(),
                doc_no: "编〔2018〕1号".into(),
                ..BodyForm::default()
            },
        )
        .await
        .unwrap()
    }

    pub async fn item(app: &App, a: &Actor, unit: UnitId, code: &str, owners: &[BodyId]) {
        app.org_create_function(
            a,
            unit,
            &FunctionForm {
                code: code.into(),
                title: format!("事项{code}"),
                category: "public_service".into(),
                owners: owners.iter().map(|o| o.to_string()).collect(),
                decision: "keep".into(),
                valid_from: "2018-01-01".into(),
                ..FunctionForm::default()
            },
        )
        .await
        .unwrap();
    }

    pub fn caps(b: i64, c: i64, d: i64) -> CapsForm {
        CapsForm {
            max_bodies: b.to_string(),
            max_chiefs: c.to_string(),
            max_deputies: d.to_string(),
            doc_no: "编〔2018〕2号".into(),
            valid_from: "2018-01-01".into(),
        }
    }

    pub fn split(lines: &[(BodyId, i64, i64)]) -> SplitForm {
        SplitForm {
            phase: "2018年度".into(),
            effective: "2018-01-01".into(),
            lines: lines
                .iter()
                .map(|(b, c, d)| (b.to_string(), c.to_string(), d.to_string()))
                .collect(),
        }
    }

    /// A plan with the given operations, submitted and approved.
    pub async fn approved_plan(
        app: &App,
        ua: &Actor,
        da: &Actor,
        unit: UnitId,
        ops: Vec<PlanOp>,
    ) -> PlanId {
        let p = app.org_create_plan(ua, unit, "方案").await.unwrap();
        for op in ops {
            app.org_push_op(ua, unit, p, op).await.unwrap();
        }
        app.org_submit_plan(ua, unit, p).await.unwrap();
        app.org_approve_plan(da, unit, p, "镇海编〔2019〕12号")
            .await
            .unwrap();
        p
    }
}

async fn org_app(pg: bool) -> (TestDb, App, DistrictId, UnitId, UnitId, DistrictId, UnitId) {
    let t = fresh(pg).await;
    let s = SqlStore::open(&t.url).await.unwrap();
    let (d1, a, b, d2, c) = two_districts(&s).await;
    let app = App::new(Arc::new(s), AppConfig::for_tests(), Arc::new(SystemClock));
    (t, app, d1, a, b, d2, c)
}

async fn org_story(pg: bool) {
    use jiguan_app::AppError;
    use jiguan_domain::org::plan::{PlanOp, apply};
    use jiguan_domain::org::{BodyId, BodyKind, BodyStatus, PlanStatus};
    use org_support::*;

    let (_t, app, d1, a, b, d2, c) = org_app(pg).await;
    let ua = actor(d1, Some(a), Role::UnitAdmin);
    let da = actor(d1, None, Role::DistrictAdmin);
    let office = body(&app, &ua, a, "党政办", BodyKind::Office).await;
    let njz = body(&app, &ua, a, "农机站", BodyKind::PublicInstitution).await;
    let nkz = body(&app, &ua, a, "农科站", BodyKind::PublicInstitution).await;
    let zls = body(&app, &ua, a, "自来水厂", BodyKind::EnterpriseUnit).await;
    item(&app, &ua, a, "F1", &[njz]).await;
    item(&app, &ua, a, "F2", &[nkz, njz]).await;
    item(&app, &ua, a, "F3", &[]).await;
    // A body of another unit cannot own an item here.
    let other = body(
        &app,
        &actor(d1, Some(b), Role::UnitAdmin),
        b,
        "别的办",
        BodyKind::Office,
    )
    .await;
    let r = app
        .org_create_function(
            &ua,
            a,
            &jiguan_app::org::FunctionForm {
                code: "F9".into(),
                title: "x".into(),
                category: "economic".into(),
                owners: vec![other.to_string()],
                ..Default::default()
            },
        )
        .await;
    assert!(
        matches!(r, Err(AppError::Invalid(ref e)) if e[0].field == "owners"),
        "{r:?}"
    );

    // Totals: the district sets caps; a split over a cap is refused with its numbers.
    assert!(matches!(
        app.org_set_caps(&ua, a, &caps(3, 2, 2)).await,
        Err(AppError::Forbidden)
    ));
    app.org_set_caps(&da, a, &caps(3, 2, 2)).await.unwrap();
    let e = app
        .org_save_split(&ua, a, &split(&[(office, 2, 1), (njz, 1, 1)]))
        .await
        .err();
    match e {
        Some(AppError::Invalid(errs)) => {
            assert_eq!(errs[0].field, "chiefs");
            assert_eq!(errs[0].code, "split_over_cap");
            assert_eq!(
                errs[0].args,
                vec![("sum".into(), "3".into()), ("cap".into(), "2".into())]
            );
        }
        other => panic!("{other:?}"),
    }
    app.org_save_split(&ua, a, &split(&[(office, 1, 1), (njz, 1, 1)]))
        .await
        .unwrap();
    // Re-splitting the phase replaces it.
    app.org_save_split(&ua, a, &split(&[(office, 1, 1), (njz, 1, 0)]))
        .await
        .unwrap();
    let splits = app.store.list_splits(d1, a).await.unwrap();
    assert_eq!(splits.len(), 1);
    assert_eq!(splits[0].split.chiefs(), 2);

    // Analysis: F2 has two owners, F3 none.
    let (_, issues, _) = app
        .org_analysis(&ua, a, Some(date("2018-06-01")))
        .await
        .unwrap();
    let kinds: Vec<&str> = issues.iter().map(|i| i.kind.code()).collect();
    assert_eq!(kinds, vec!["misplacement", "gap"]);

    // A plan: new centre absorbs both stations, the waterworks is converted, F3 is placed.
    let f3 = app
        .store
        .load_structure(d1, a, date("2018-06-01"))
        .await
        .unwrap()
        .functions[2]
        .id;
    let ops = vec![
        PlanOp::Create {
            temp: BodyId(-1),
            name: "农业服务中心".into(),
            short_name: "农服中心".into(),
            kind: BodyKind::Centre,
            parent: None,
            establishment: 4,
        },
        PlanOp::Merge {
            sources: vec![njz, nkz],
            into: BodyId(-1),
        },
        PlanOp::Convert { body: zls },
        PlanOp::MoveFunction {
            item: f3,
            to: Some(office),
        },
    ];
    let p = app.org_create_plan(&ua, a, "改革方案").await.unwrap();
    // Only the district approves, and only a submitted plan.
    for op in ops.clone() {
        app.org_push_op(&ua, a, p, op).await.unwrap();
    }
    assert!(matches!(
        app.org_approve_plan(&da, a, p, "编〔2019〕1号").await,
        Err(AppError::Invalid(_))
    ));
    app.org_submit_plan(&ua, a, p).await.unwrap();
    assert!(matches!(
        app.org_approve_plan(&ua, a, p, "编〔2019〕1号").await,
        Err(AppError::Forbidden)
    ));
    // A district of elsewhere does not see the plan.
    let foreign = actor(d2, None, Role::DistrictAdmin);
    assert!(matches!(
        app.org_approve_plan(&foreign, a, p, "x").await,
        Err(AppError::NotFound)
    ));
    // Rejected with a reason, edited, resubmitted, approved.
    assert!(app.org_reject_plan(&da, a, p, " ").await.is_err());
    app.org_reject_plan(&da, a, p, "文号缺失").await.unwrap();
    let v = app.org_plan(&ua, a, p).await.unwrap();
    assert_eq!(
        (v.plan.status, v.plan.reason.as_str()),
        (PlanStatus::Rejected, "文号缺失")
    );
    app.org_submit_plan(&ua, a, p).await.unwrap();
    app.org_approve_plan(&da, a, p, "镇海编〔2019〕3号")
        .await
        .unwrap();
    assert!(matches!(
        app.org_apply_plan(&ua, a, p, "2019-07-01").await,
        Err(AppError::Forbidden)
    ));

    // Preview equals the applied result.
    let on = date("2019-07-01");
    let before = app.store.load_structure(d1, a, on).await.unwrap();
    let preview = apply(&before, &ops, "镇海编〔2019〕3号").unwrap();
    let ids = app.org_apply_plan(&da, a, p, "2019-07-01").await.unwrap();
    let applied = app.store.load_structure(d1, a, on).await.unwrap();
    assert_eq!(applied.canonical(), preview.canonical());
    let centre = BodyId(ids.iter().find(|(t, _)| *t == -1).unwrap().1);
    let c_body = applied.body(centre).unwrap();
    assert_eq!(c_body.records.len(), 2, "nameplates of both stations kept");
    assert_eq!(c_body.doc_no, "镇海编〔2019〕3号");
    assert_eq!(
        applied.body(njz).unwrap().status,
        BodyStatus::Merged(centre)
    );
    let v = app.org_plan(&ua, a, p).await.unwrap();
    assert_eq!(
        (v.plan.status, v.plan.effective),
        (PlanStatus::Applied, Some(on))
    );
    // Applying twice is refused.
    assert!(app.org_apply_plan(&da, a, p, "2019-07-02").await.is_err());

    // As of a date: before, the day before, and after.
    let old = app
        .store
        .load_structure(d1, a, date("2019-06-30"))
        .await
        .unwrap();
    assert_eq!(old.counts().active, 4);
    assert_eq!(applied.counts().active, 2);
    assert!(
        app.store
            .load_structure(d1, a, date("2017-12-31"))
            .await
            .unwrap()
            .bodies
            .is_empty()
    );
    let on_date = app
        .store
        .list_bodies(d1, a, Some(date("2019-06-30")))
        .await
        .unwrap();
    assert!(on_date.iter().all(|b| b.status == BodyStatus::Active));
    let now = app.store.list_bodies(d1, a, None).await.unwrap();
    assert_eq!(now.len(), 5);
    assert_eq!(
        now.iter()
            .filter(|b| b.status == BodyStatus::Active)
            .count(),
        2
    );
    let (_, _, cmp) = app
        .org_compare(&ua, a, date("2019-06-30"), on)
        .await
        .unwrap();
    assert_eq!(cmp.removed.len(), 3);
    assert_eq!(cmp.added.len(), 1);
    // The body's history has both versions; the split in force names merged bodies.
    let (_, hist) = app.org_body(&ua, a, njz).await.unwrap();
    assert_eq!(hist.len(), 2);
    assert_eq!(hist[0].valid_to, Some(on));
    assert!(
        jiguan_domain::org::totals::cap_breaches(&applied)
            .iter()
            .any(|b| b.code() == "split_on_inactive")
    );
    // A change dated before the last change is refused.
    let r = app
        .org_edit_body(
            &ua,
            a,
            office,
            &jiguan_app::org::BodyForm {
                name: "党政综合办".into(),
                kind: "office".into(),
                valid_from: "2019-01-01".into(),
                ..Default::default()
            },
        )
        .await;
    assert!(matches!(r, Err(AppError::Invalid(ref e)) if e[0].code == "org_before_last_change"));

    // Tenant scoping: unit b and district 2 see nothing of unit a.
    assert!(app.store.list_bodies(d1, b, None).await.unwrap().len() == 1);
    assert!(app.store.list_bodies(d2, a, None).await.unwrap().is_empty());
    assert!(app.store.body_history(d1, b, njz).await.unwrap().is_empty());
    assert!(app.store.get_plan(d1, b, p).await.unwrap().is_none());
    assert!(app.store.get_plan(d2, a, p).await.unwrap().is_none());
    let ub = actor(d1, Some(b), Role::UnitAdmin);
    assert!(matches!(
        app.org_body(&ub, a, njz).await,
        Err(AppError::NotFound)
    ));
    assert!(matches!(
        app.org_body(&ub, b, njz).await,
        Err(AppError::NotFound)
    ));
    assert!(
        app.store
            .load_structure(d2, c, on)
            .await
            .unwrap()
            .bodies
            .is_empty()
    );
    // Every change is in the audit trail.
    let n = app
        .store
        .list_audit(
            d1,
            &AuditFilter {
                object_type: Some("reorg_plan".into()),
                ..Default::default()
            },
            &ListQuery::default(),
        )
        .await
        .unwrap()
        .total;
    assert!(n >= 9, "{n}");
}

async fn org_apply_is_atomic(pg: bool) {
    use jiguan_domain::org::plan::PlanOp;
    use jiguan_domain::org::{BodyId, BodyKind, PlanStatus};
    use org_support::*;

    let (_t, app, d1, a, ..) = org_app(pg).await;
    let ua = actor(d1, Some(a), Role::UnitAdmin);
    let da = actor(d1, None, Role::DistrictAdmin);
    let x = body(&app, &ua, a, "甲站", BodyKind::PublicInstitution).await;
    let y = body(&app, &ua, a, "乙站", BodyKind::PublicInstitution).await;
    let z = body(&app, &ua, a, "丙厂", BodyKind::EnterpriseUnit).await;
    item(&app, &ua, a, "F1", &[x]).await;
    // Inject a failure: writing a body version named BOOM fails inside the database.
    let plan = approved_plan(
        &app,
        &ua,
        &da,
        a,
        vec![
            PlanOp::Convert { body: z },
            PlanOp::Merge {
                sources: vec![x],
                into: y,
            },
            PlanOp::Create {
                temp: BodyId(-1),
                name: "BOOM".into(),
                short_name: String::new(),
                kind: BodyKind::Centre,
                parent: None,
                establishment: 0,
            },
        ],
    )
    .await;
    let db = Db::connect(&_t.url).await.unwrap();
    if pg {
        db.execute(
            "CREATE FUNCTION boom() RETURNS trigger AS $$ BEGIN IF NEW.name = 'BOOM' THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql",
            &[],
        )
        .await
        .unwrap();
        db.execute(
            "CREATE TRIGGER boom BEFORE INSERT ON body_versions FOR EACH ROW EXECUTE FUNCTION boom()",
            &[],
        )
        .await
        .unwrap();
    } else {
        db.execute(
            "CREATE TRIGGER boom BEFORE INSERT ON body_versions WHEN NEW.name = 'BOOM' BEGIN SELECT RAISE(ABORT, 'injected failure'); END",
            &[],
        )
        .await
        .unwrap();
    }
    let on = date("2019-07-01");
    let before = app
        .store
        .load_structure(d1, a, on)
        .await
        .unwrap()
        .canonical();
    let audit_before = app.store.audit_count().await.unwrap();
    let rev_before = app.store.revision(d1, a).await.unwrap();
    let r = app.org_apply_plan(&da, a, plan, "2019-07-01").await;
    assert!(r.is_err(), "the injected failure must surface");
    // Nothing was applied: bodies, versions, items, plan status, revision, audit.
    assert_eq!(
        app.store
            .load_structure(d1, a, on)
            .await
            .unwrap()
            .canonical(),
        before
    );
    assert_eq!(app.store.list_bodies(d1, a, None).await.unwrap().len(), 3);
    assert_eq!(app.store.audit_count().await.unwrap(), audit_before);
    assert_eq!(app.store.revision(d1, a).await.unwrap(), rev_before);
    let p = app.store.get_plan(d1, a, plan).await.unwrap().unwrap();
    assert_eq!((p.status, p.effective), (PlanStatus::Approved, None));
    // Without the fault the same plan applies.
    db.execute("DROP TRIGGER boom", &[]).await.ok();
    db.execute("DROP TRIGGER boom ON body_versions", &[])
        .await
        .ok();
    app.org_apply_plan(&da, a, plan, "2019-07-01")
        .await
        .unwrap();
    assert_eq!(
        app.store
            .load_structure(d1, a, on)
            .await
            .unwrap()
            .counts()
            .active,
        2
    );
}

both!(org_demo_matches_the_seed);

async fn org_demo_matches_the_seed(pg: bool) {
    use jiguan_domain::org::BodyKind;
    let t = fresh(pg).await;
    let s = SqlStore::open(&t.url).await.unwrap();
    let app = App::new(Arc::new(s), AppConfig::for_tests(), Arc::new(SystemClock));
    let d = jiguan_app::demo::seed(&app, |_, _| {}).await.unwrap();
    let admin = org_support::actor(d, None, Role::DistrictAdmin);
    let mut cut = 0;
    for u in app.visible_units(&admin).await.unwrap() {
        let plans = app.org_plans(&admin, u.id).await.unwrap();
        let v = app.org_plan(&admin, u.id, plans[0].id).await.unwrap();
        let c = v.comparison.unwrap();
        cut += c.a.counts.active - c.b.counts.active;
        if u.code == "luotuo" {
            // 1 office, 1 institute, 5 sections, 12 stations, 2 enterprises: 21 bodies.
            let k = |k| c.a.kind_count(k);
            assert_eq!(c.a.counts.active, 21);
            assert_eq!((k(BodyKind::Office), k(BodyKind::Institute)), (6, 1));
            assert!(k(BodyKind::PublicInstitution) >= 10);
            // The after is built on centres and fixes every function issue.
            assert_eq!(c.b.kind_count(BodyKind::Centre), 4);
            assert!(c.a.issues.iter().map(|(_, n)| n).sum::<i64>() >= 6);
            assert!(v.issues_after.is_empty(), "{:?}", v.issues_after);
            assert_eq!(v.plan.status, jiguan_domain::org::PlanStatus::Draft);
            assert!(c.a.breaches.iter().any(|b| b.code() == "bodies"));
            assert!(!c.b.breaches.iter().any(|b| b.code() == "bodies"));
        } else {
            assert_eq!(v.plan.status, jiguan_domain::org::PlanStatus::Applied);
        }
    }
    assert_eq!(cut, jiguan_app::org::demo::CUT);
}

both!(org_plan_moves_staff);

/// A plan's staff moves: people of a merged body follow its successor, people of an
/// abolished body go to the redeployment pool (统一调剂), each with a dated history row;
/// what the preview lists is what the apply writes, and the chart's headcount follows.
async fn org_plan_moves_staff(pg: bool) {
    use jiguan_domain::org::BodyKind;
    use jiguan_domain::org::plan::PlanOp;
    use jiguan_domain::people::EventKind;
    use org_support::*;

    let (_t, app, d1, a, _b, _d2, _c) = org_app(pg).await;
    let ua = actor(d1, Some(a), Role::UnitAdmin);
    let da = actor(d1, None, Role::DistrictAdmin);
    let nj = body(&app, &ua, a, "农机站", BodyKind::PublicInstitution).await;
    let nk = body(&app, &ua, a, "农科站", BodyKind::PublicInstitution).await;
    let hw = body(&app, &ua, a, "环卫所", BodyKind::PublicInstitution).await;
    let centre = body(&app, &ua, a, "农业服务中心", BodyKind::Centre).await;
    let on = people_on("2020-01-01");
    let mut ids = Vec::new();
    for (i, (name, b)) in [("张一", nj), ("张二", nk), ("张三", hw)]
        .iter()
        .enumerate()
    {
        let mut f = people_form(
            name,
            &people_id("19800101", 40 + i as u32),
            "临时工",
            "编外",
        );
        f.body = b.to_string();
        ids.push(app.create_person(&ua, a, &f, &on).await.unwrap());
    }
    let plan = approved_plan(
        &app,
        &ua,
        &da,
        a,
        vec![
            PlanOp::Merge {
                sources: vec![nj, nk],
                into: centre,
            },
            PlanOp::Abolish { body: hw },
        ],
    )
    .await;
    let v = app.org_plan(&ua, a, plan).await.unwrap();
    assert!(v.staff_problems.is_empty(), "{:?}", v.staff_problems);
    let preview: Vec<(i64, Option<i64>)> = v
        .staff
        .iter()
        .map(|m| (m.person_id, m.to.map(|b| b.0)))
        .collect();
    assert_eq!(
        preview,
        vec![
            (ids[0], Some(centre.0)),
            (ids[1], Some(centre.0)),
            (ids[2], None)
        ]
    );
    let count = |b: Option<i64>| {
        v.staff_counts
            .iter()
            .find(|c| c.body.map(|x| x.0) == b)
            .map(|c| (c.before, c.after))
    };
    assert_eq!(count(Some(centre.0)), Some((0, 2)));
    assert_eq!(count(Some(hw.0)), Some((1, 0)));
    assert_eq!(count(None), Some((0, 1)));

    app.org_apply_plan(&da, a, plan, "2020-06-01")
        .await
        .unwrap();
    // Preview == applied.
    for (id, to) in &preview {
        let p = app.store.get_person(d1, *id).await.unwrap().unwrap();
        assert_eq!(p.body_id, *to, "{}", p.name);
        let h = app.store.person_history(d1, *id).await.unwrap();
        let last = h.last().unwrap();
        assert_eq!(last.kind, EventKind::Move);
        assert_eq!(last.on_date, date("2020-06-01"));
        assert_eq!(last.body_id, *to);
        if to.is_none() {
            assert!(last.note.contains("统一调剂"), "{}", last.note);
        }
        assert_eq!(last.doc_no, "镇海编〔2019〕12号");
    }
    // The chart's headcount on either side of the effective date.
    let before = app.org_headcount(&ua, a, date("2020-05-31")).await.unwrap();
    assert!(before.contains(&(nj, 1)) && before.contains(&(hw, 1)));
    assert!(!before.iter().any(|(b, _)| *b == centre));
    let after = app.org_headcount(&ua, a, date("2020-06-01")).await.unwrap();
    assert_eq!(after, vec![(centre, 2)]);
    // The apply is audited with its staff moves.
    let f = AuditFilter {
        object_type: Some("reorg_plan".into()),
        ..Default::default()
    };
    let log = app
        .store
        .list_audit(d1, &f, &ListQuery::default())
        .await
        .unwrap();
    let applied = log
        .items
        .iter()
        .find(|r| r.action == "org.plan.apply")
        .unwrap();
    assert!(applied.after.as_deref().unwrap_or("").contains("张三"));
}

// ---- Roster import as a background job: progress, and all or nothing. ----

both!(people_import_progress);

async fn people_import_progress(pg: bool) {
    use jiguan_app::people::{ImportOptions, ImportTable, Progress};
    use std::sync::Mutex;
    let t = fresh(pg).await;
    let s = SqlStore::open(&t.url).await.unwrap();
    let (d1, a, ..) = two_districts(&s).await;
    let app = App::new(
        Arc::new(s.clone()),
        AppConfig::for_tests(),
        Arc::new(SystemClock),
    );
    let admin = people_actor(d1, None, Role::DistrictAdmin);
    let ua = people_actor(d1, Some(a), Role::UnitAdmin);
    app.set_quotas(&admin, a, &[("q_administrative".into(), "1".into())])
        .await
        .unwrap();
    let headers: Vec<String> = ["姓名", "身份证号", "身份", "编制类型"]
        .iter()
        .map(|h| h.to_string())
        .collect();
    let big = |prefix: &str| ImportTable {
        headers: headers.clone(),
        rows: (0..130u32)
            .map(|i| {
                vec![
                    format!("{prefix}{i}"),
                    people_id("19900101", 100 + i),
                    "临时工".into(),
                    "编外".into(),
                ]
            })
            .collect(),
        first_row: 2,
    };
    let opts = ImportOptions::default();
    let all = jiguan_app::ports::ListQuery::default();
    let count = || async {
        app.list_people(&ua, a, Default::default(), &all)
            .await
            .unwrap()
            .total
    };
    let recorder = || {
        let seen: Arc<Mutex<Vec<(u64, u64)>>> = Arc::default();
        let s2 = seen.clone();
        let p: Progress = Arc::new(move |done, total| s2.lock().unwrap().push((done, total)));
        (seen, p)
    };
    let check = |seen: &[(u64, u64)]| {
        assert!(!seen.is_empty());
        assert!(seen.windows(2).all(|w| w[0].0 <= w[1].0), "{seen:?}");
        assert!(seen.iter().all(|(d, t)| *t == 130 && *d <= 130), "{seen:?}");
        assert_eq!(seen.last(), Some(&(130, 130)));
    };

    // Inserts: validated first (nothing written), then written with progress.
    let prepared = app
        .prepare_roster_import(&ua, a, &big("临"), &opts)
        .await
        .unwrap();
    assert_eq!(prepared.pending(), 130);
    assert!(!prepared.report.written);
    assert_eq!(count().await, 0);
    let (seen, p) = recorder();
    let r = app.write_roster_import(prepared, Some(p)).await.unwrap();
    assert!(r.written);
    assert_eq!((r.rows, r.created), (130, 130));
    check(&seen.lock().unwrap());
    assert_eq!(count().await, 130);

    // Updates report progress too.
    let prepared = app
        .prepare_roster_import(&ua, a, &big("改"), &opts)
        .await
        .unwrap();
    let (seen, p) = recorder();
    let r = app.write_roster_import(prepared, Some(p)).await.unwrap();
    assert_eq!((r.created, r.updated), (0, 130));
    let seen = seen.lock().unwrap().clone();
    check(&seen);
    assert!(seen.len() >= 2, "{seen:?}");

    // Two imports validated against the same free slot: the second write is refused
    // whole, whatever progress it made.
    let one = |name: &str, seq: u32| ImportTable {
        headers: headers.clone(),
        rows: vec![vec![
            name.into(),
            people_id("19800101", seq),
            "公务员".into(),
            "行政编制".into(),
        ]],
        first_row: 2,
    };
    let first = app
        .prepare_roster_import(&ua, a, &one("甲", 11), &opts)
        .await
        .unwrap();
    let second = app
        .prepare_roster_import(&ua, a, &one("乙", 12), &opts)
        .await
        .unwrap();
    assert_eq!((first.pending(), second.pending()), (1, 1));
    app.write_roster_import(first, None).await.unwrap();
    let audit = s.audit_count().await.unwrap();
    let err = app.write_roster_import(second, None).await.unwrap_err();
    match err {
        jiguan_app::AppError::Invalid(e) => assert_eq!(e[0].code, "establishment_changed"),
        other => panic!("{other:?}"),
    }
    assert_eq!(count().await, 131);
    assert_eq!(s.audit_count().await.unwrap(), audit);
    // Someone without the right cannot even prepare.
    let staff = people_actor(d1, Some(a), Role::Staff);
    assert!(
        app.prepare_roster_import(&staff, a, &big("x"), &opts)
            .await
            .is_err()
    );
}

// ---- downsizing ----

mod down_support {
    use super::*;
    use jiguan_domain::auth::Actor;

    pub async fn demo(pg: bool) -> (TestDb, App, SqlStore, DistrictId) {
        let t = fresh(pg).await;
        let s = SqlStore::open(&t.url).await.unwrap();
        let app = App::new(
            Arc::new(s.clone()),
            AppConfig::for_tests(),
            Arc::new(SystemClock),
        );
        let d = jiguan_app::demo::seed(&app, |_, _| {}).await.unwrap();
        (t, app, s, d)
    }

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

    pub async fn count(s: &SqlStore, sql: &str, params: &[Value]) -> i64 {
        s.db.fetch_one(sql, params).await.unwrap().get(0).unwrap()
    }
}

both!(downsizing_demo_matches_the_seed);

/// The seed: 骆驼街道 cuts 21 of 100 = 21 % (approved, not applied); 50 across six units.
async fn downsizing_demo_matches_the_seed(pg: bool) {
    use down_support::*;
    use jiguan_domain::downsizing::{PlanStatus, Route};
    let (_t, app, _s, d) = demo(pg).await;
    let admin = actor(d, None, Role::DistrictAdmin);
    let sum = app.down_district(&admin).await.unwrap();
    assert_eq!(sum.cut, jiguan_app::downsizing::demo::TOTAL_CUT);
    assert_eq!(sum.cut, 50);
    assert_eq!(sum.units.len(), 6);
    assert_eq!(sum.units_with_cuts, 6);
    let luotuo = app.store.find_unit(d, "luotuo").await.unwrap().unwrap();
    let row = sum.units.iter().find(|u| u.unit.id == luotuo.id).unwrap();
    assert_eq!(row.totals.cut, 21);
    assert_eq!(row.totals.staff_base, 100);
    assert_eq!(
        row.totals.share_pct.map(|p| p.to_string()),
        Some("21".to_string())
    );
    assert_eq!(row.status, Some(PlanStatus::Approved));
    for u in sum.units.iter().filter(|u| u.unit.id != luotuo.id) {
        assert_eq!(u.status, Some(PlanStatus::Applied), "{}", u.unit.name);
    }
    // 骆驼街道's plan: all five routes, everyone eligible by the rules.
    let plans = app.down_plans(&admin, luotuo.id).await.unwrap();
    let v = app.down_plan(&admin, luotuo.id, plans[0].id).await.unwrap();
    for r in Route::ALL {
        assert!(v.totals.by_route.contains_key(r), "{r:?} missing");
    }
    assert!(v.lines.iter().all(|l| l.figures.as_ref().unwrap().eligible));
    assert!(v.totals.one_off.0 > 0 && v.totals.annual_saving.0 > 0);
    assert!(v.totals.break_even_months.is_some());
}

both!(downsizing_apply_is_atomic);

/// Applying changes statuses, history, post assignments and contracts in one transaction;
/// a person changed meanwhile fails everything and nothing changes.
async fn downsizing_apply_is_atomic(pg: bool) {
    use down_support::*;
    use jiguan_app::downsizing::{ApplyItem, ApplyWrite, DownsizingStore};
    use jiguan_app::people::PeopleStore;
    use jiguan_domain::downsizing::{PlanStatus, Route};
    use jiguan_domain::people::Status;
    let (_t, app, s, d) = demo(pg).await;
    let luotuo = app.store.find_unit(d, "luotuo").await.unwrap().unwrap();
    let u = luotuo.id;
    let ua = actor(d, Some(u), Role::UnitAdmin);
    let plan = app.down_plans(&ua, u).await.unwrap()[0].clone();
    assert_eq!(plan.status, PlanStatus::Approved);
    let v = app.down_plan(&ua, u, plan.id).await.unwrap();
    let first = v.lines[0].line.person_id;
    let last = v.lines.last().unwrap().line.person_id;
    // An open post assignment of a person on the plan.
    let body: i64 = count(
        &s,
        "SELECT MIN(id) FROM bodies WHERE district_id = $1 AND unit_id = $2",
        &[d.0.into(), u.0.into()],
    )
    .await;
    let now = chrono::Utc::now();
    let post: i64 = s
        .db
        .fetch_one(
            "INSERT INTO posts (district_id, unit_id, body_id, title, level, establishment, min_education, min_service_years, other_requirements, active, created_at, updated_at) \
             VALUES ($1, $2, $3, '综合', 'general', 'any', '', 0, '', TRUE, $4, $4) RETURNING id",
            &[d.0.into(), u.0.into(), body.into(), now.into()],
        )
        .await
        .unwrap()
        .get(0)
        .unwrap();
    s.db.execute(
        "INSERT INTO post_assignments (district_id, unit_id, post_id, person_id, share_pct, main, overtime, start_date, end_date, end_reason, created_at, created_by) \
         VALUES ($1, $2, $3, $4, 100, TRUE, FALSE, $5, NULL, '', $6, 'x')",
        &[d.0.into(), u.0.into(), post.into(), first.into(), plan.effective.into(), now.into()],
    )
    .await
    .unwrap();
    let events = |p: i64| {
        let s = s.clone();
        async move {
            count(
                &s,
                "SELECT CAST(COUNT(*) AS BIGINT) FROM person_events WHERE district_id = $1 AND person_id = $2",
                &[d.0.into(), p.into()],
            )
            .await
        }
    };
    let events_before = events(first).await;
    let audit_before = s.audit_count().await.unwrap();

    // 1. The store refuses the whole write when the last person changed meanwhile.
    s.db.execute(
        "UPDATE people SET status = 'left' WHERE district_id = $1 AND id = $2",
        &[d.0.into(), last.into()],
    )
    .await
    .unwrap();
    let items: Vec<ApplyItem> = v
        .lines
        .iter()
        .map(|l| {
            let f = l.figures.clone().unwrap();
            ApplyItem {
                line_id: l.line.id,
                person_id: l.line.person_id,
                new_status: f.route.new_status(),
                cut: f.cut,
                contract: f.contract,
                figures_json: serde_json::to_string(&f).unwrap(),
                note: "x".into(),
            }
        })
        .collect();
    let w = ApplyWrite {
        step: jiguan_domain::workflow::DOWNSIZING_PLANS
            .start(
                jiguan_domain::workflow::Step::Apply,
                plan.id,
                PlanStatus::Approved,
                "t",
                now,
                Default::default(),
            )
            .unwrap(),
        effective: plan.effective,
        staff_base: 100,
        doc_no: plan.doc_no.clone(),
        items,
    };
    let audit = jiguan_app::users::system_entry(d, Some(u), "x", "x", "x", None);
    let err = s.down_apply(d, u, &w, audit).await.unwrap_err();
    assert_eq!(err, StoreError::Conflict(Conflict::Person(last)));
    // Nothing changed: the plan, the first person, the history, the assignment, contracts.
    let p1 = s.get_person(d, first).await.unwrap().unwrap();
    assert!(matches!(p1.status, Status::OnPost | Status::LentOut));
    assert_eq!(events(first).await, events_before);
    assert_eq!(
        app.down_plans(&ua, u).await.unwrap()[0].status,
        PlanStatus::Approved
    );
    let open = || async {
        count(
            &s,
            "SELECT CAST(COUNT(*) AS BIGINT) FROM post_assignments WHERE district_id = $1 AND person_id = $2 AND end_date IS NULL",
            &[d.0.into(), first.into()],
        )
        .await
    };
    assert_eq!(open().await, 1);
    assert_eq!(
        count(
            &s,
            "SELECT CAST(COUNT(*) AS BIGINT) FROM labour_contracts WHERE district_id = $1 AND unit_id = $2",
            &[d.0.into(), u.0.into()]
        )
        .await,
        0
    );
    assert_eq!(s.audit_count().await.unwrap(), audit_before);
    // The use case names the person and changes nothing either.
    match app.down_apply(&ua, u, plan.id).await.unwrap_err() {
        jiguan_app::AppError::Invalid(e) => {
            assert_eq!(
                (e[0].field.as_str(), e[0].code.as_str()),
                ("person", "down_person_changed")
            )
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(s.audit_count().await.unwrap(), audit_before);

    // 2. Put the person back: the apply goes through, everything at once.
    s.db.execute(
        "UPDATE people SET status = 'on_post' WHERE district_id = $1 AND id = $2",
        &[d.0.into(), last.into()],
    )
    .await
    .unwrap();
    app.down_apply(&ua, u, plan.id).await.unwrap();
    let after = app.down_plan(&ua, u, plan.id).await.unwrap();
    assert_eq!(after.plan.status, PlanStatus::Applied);
    assert_eq!(after.plan.staff_base, Some(100));
    assert_eq!(after.totals.cut, 21);
    assert_eq!(after.events.last().unwrap().to, PlanStatus::Applied);
    for l in &v.lines {
        let f = l.figures.as_ref().unwrap();
        let p = s.get_person(d, l.line.person_id).await.unwrap().unwrap();
        match f.route.new_status() {
            Some(st) => {
                assert_eq!(p.status, st, "{:?}", f.route);
                assert_eq!(p.status_since, plan.effective);
                let h = s.person_history(d, p.id).await.unwrap();
                let e = h.last().unwrap();
                assert_eq!((e.status, e.on_date), (st, plan.effective));
            }
            None => assert!(matches!(p.status, Status::OnPost | Status::LentOut)),
        }
    }
    assert_eq!(open().await, 0);
    let ended: String =
        s.db.fetch_one(
            "SELECT end_reason FROM post_assignments WHERE district_id = $1 AND person_id = $2",
            &[d.0.into(), first.into()],
        )
        .await
        .unwrap()
        .get(0)
        .unwrap();
    assert_eq!(ended, "downsizing");
    let contracts = s.down_contracts(d, u, None).await.unwrap();
    let renewed = v
        .lines
        .iter()
        .filter(|l| l.line.route == Route::NewContract)
        .count();
    assert_eq!(contracts.len(), renewed);
    assert!(renewed > 0);
    assert_eq!(contracts[0].start, plan.effective);
    assert_eq!(s.audit_count().await.unwrap(), audit_before + 1);
    // Applied twice: refused.
    assert!(app.down_apply(&ua, u, plan.id).await.is_err());
    // Now 50 cuts, all applied, and 骆驼街道 still shows 21 % (base frozen at 100).
    let sum = app
        .down_district(&actor(d, None, Role::DistrictAdmin))
        .await
        .unwrap();
    assert_eq!(sum.cut, 50);
}

both!(downsizing_workflow_and_validation);

/// Lines are validated all at once; the workflow follows its table; other units' plans are
/// not found.
async fn downsizing_workflow_and_validation(pg: bool) {
    use down_support::*;
    use jiguan_app::downsizing::LineForm;
    use jiguan_domain::downsizing::PlanStatus;
    use jiguan_domain::people::Identity;
    let (_t, app, _s, d) = demo(pg).await;
    let u = app.store.find_unit(d, "luotuo").await.unwrap().unwrap().id;
    let other = app.store.find_unit(d, "xiepu").await.unwrap().unwrap().id;
    let ua = actor(d, Some(u), Role::UnitAdmin);
    let admin = actor(d, None, Role::DistrictAdmin);
    let staff = actor(d, Some(u), Role::Staff);
    assert!(app.down_plans(&staff, u).await.is_err());
    let id = app
        .down_create_plan(&ua, u, "第二批分流", "2027-03-01")
        .await
        .unwrap();
    let e = app.down_create_plan(&ua, u, " ", "2027-02-30").await;
    match e.unwrap_err() {
        jiguan_app::AppError::Invalid(e) => assert_eq!(e.len(), 2),
        other => panic!("{other:?}"),
    }
    // Every error at once.
    let bad = LineForm {
        person: "x".into(),
        route: "飞走".into(),
        term_years: String::new(),
        note: "长".repeat(300),
    };
    match app.down_save_line(&ua, u, id, &bad).await.unwrap_err() {
        jiguan_app::AppError::Invalid(e) => {
            let fields: Vec<&str> = e.iter().map(|x| x.field.as_str()).collect();
            assert_eq!(fields, vec!["person", "route", "note"]);
        }
        other => panic!("{other:?}"),
    }
    // Candidates: temporary staff and civil servants picked by identity (the demo's no-post
    // people included).
    let cands = app
        .down_candidates(&ua, u, id, &[Identity::Temporary, Identity::CivilServant])
        .await
        .unwrap();
    let civil = cands
        .iter()
        .find(|c| c.person.identity == Identity::CivilServant && !c.person.leader)
        .unwrap();
    // A civil servant cannot be released; a new contract needs a term.
    let f = |route: &str| LineForm {
        person: civil.person.id.to_string(),
        route: route.into(),
        ..LineForm::default()
    };
    match app
        .down_save_line(&ua, u, id, &f("release"))
        .await
        .unwrap_err()
    {
        jiguan_app::AppError::Invalid(e) => assert_eq!(e[0].code, "route_not_allowed"),
        other => panic!("{other:?}"),
    }
    let ok = app
        .down_save_line(&ua, u, id, &f("redeploy"))
        .await
        .unwrap();
    // Replacing the person's line keeps one line.
    let again = app.down_save_line(&ua, u, id, &f("调剂")).await.unwrap();
    assert_eq!(ok, again);
    assert_eq!(app.down_plan(&ua, u, id).await.unwrap().lines.len(), 1);
    // Workflow: apply before approval refused; unit cannot approve; reject, reopen, submit.
    assert!(app.down_apply(&ua, u, id).await.is_err());
    app.down_submit(&ua, u, id).await.unwrap();
    assert!(
        app.down_save_line(&ua, u, id, &f("redeploy"))
            .await
            .is_err()
    );
    assert!(app.down_approve(&ua, u, id, "文号").await.is_err());
    app.down_reject(&admin, u, id, "材料不全").await.unwrap();
    assert!(app.down_submit(&ua, u, id).await.is_err());
    app.down_reopen(&ua, u, id).await.unwrap();
    app.down_remove_line(&ua, u, id, ok).await.unwrap();
    match app.down_submit(&ua, u, id).await.unwrap_err() {
        jiguan_app::AppError::Invalid(e) => assert_eq!(e[0].code, "plan_empty"),
        other => panic!("{other:?}"),
    }
    app.down_save_line(&ua, u, id, &f("redeploy"))
        .await
        .unwrap();
    app.down_submit(&ua, u, id).await.unwrap();
    assert!(app.down_approve(&admin, u, id, " ").await.is_err());
    app.down_approve(&admin, u, id, "镇海编〔2027〕1号")
        .await
        .unwrap();
    let v = app.down_plan(&ua, u, id).await.unwrap();
    assert_eq!(v.plan.status, PlanStatus::Approved);
    assert_eq!(v.plan.doc_no, "镇海编〔2027〕1号");
    let trail: Vec<PlanStatus> = v.events.iter().map(|e| e.to).collect();
    assert_eq!(
        trail,
        vec![
            PlanStatus::Draft,
            PlanStatus::Submitted,
            PlanStatus::Rejected,
            PlanStatus::Draft,
            PlanStatus::Submitted,
            PlanStatus::Approved
        ]
    );
    // A plan dated before a person's last recorded change cannot be applied (the history
    // stays in date order), and nothing changes.
    let early = app
        .down_create_plan(&ua, u, "倒签方案", "2000-01-01")
        .await
        .unwrap();
    let other_civil = app
        .down_candidates(&ua, u, early, &[Identity::CivilServant])
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.person.identity == Identity::CivilServant && !c.person.leader)
        .unwrap();
    app.down_save_line(
        &ua,
        u,
        early,
        &LineForm {
            person: other_civil.person.id.to_string(),
            route: "redeploy".into(),
            ..LineForm::default()
        },
    )
    .await
    .unwrap();
    app.down_submit(&ua, u, early).await.unwrap();
    app.down_approve(&admin, u, early, "文号").await.unwrap();
    match app.down_apply(&ua, u, early).await.unwrap_err() {
        jiguan_app::AppError::Invalid(e) => assert_eq!(e[0].code, "date_before_last"),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        app.down_plan(&ua, u, early).await.unwrap().plan.status,
        PlanStatus::Approved
    );
    // Another unit's plan id is not found through this unit, and the unit admin of
    // 骆驼 cannot reach 澥浦.
    let xp = app.down_plans(&admin, other).await.unwrap()[0].id;
    assert!(matches!(
        app.down_plan(&ua, u, xp).await,
        Err(jiguan_app::AppError::NotFound)
    ));
    assert!(app.down_plans(&ua, other).await.is_err());
}

// ---- posts ----

both!(posts_story);
both!(posts_accept_is_atomic_and_refuses_stale);

mod posts_support {
    use super::*;
    use jiguan_domain::auth::Actor;
    use jiguan_domain::posts::PostForm;

    pub struct Unit1 {
        pub app: App,
        pub store: SqlStore,
        pub d: DistrictId,
        pub a: UnitId,
        pub b: UnitId,
        pub d2: DistrictId,
        pub ua: Actor,
        pub body: i64,
        pub body2: i64,
        pub items: Vec<i64>,
        /// 甲 乙 丙 (civil servants), 丁 (institution cadre), 戊 (contract worker, 编外).
        pub people: Vec<i64>,
        pub _t: TestDb,
    }

    pub fn post(body: i64, title: &str, level: &str, kind: &str, items: &[(i64, i64)]) -> PostForm {
        PostForm {
            body: body.to_string(),
            title: title.into(),
            level: level.into(),
            establishment: kind.into(),
            functions: items
                .iter()
                .map(|(f, h)| (f.to_string(), h.to_string()))
                .collect(),
            ..PostForm::default()
        }
    }

    pub async fn setup(pg: bool) -> Unit1 {
        use jiguan_domain::org::BodyKind;
        let t = fresh(pg).await;
        let s = SqlStore::open(&t.url).await.unwrap();
        let (d, a, b, d2, _c) = two_districts(&s).await;
        let app = App::new(
            Arc::new(s.clone()),
            AppConfig::for_tests(),
            Arc::new(SystemClock),
        );
        let admin = people_actor(d, None, Role::DistrictAdmin);
        let ua = people_actor(d, Some(a), Role::UnitAdmin);
        let oa = org_support::actor(d, Some(a), Role::UnitAdmin);
        let body = org_support::body(&app, &oa, a, "党政办公室", BodyKind::Office).await;
        let body2 = org_support::body(&app, &oa, a, "社会事务服务中心", BodyKind::Centre).await;
        org_support::item(&app, &oa, a, "F1", &[body]).await;
        org_support::item(&app, &oa, a, "F2", &[body]).await;
        org_support::item(&app, &oa, a, "F3", &[body2]).await;
        let data = app.post_form_data(&ua, a).await.unwrap();
        let items: Vec<i64> = data.functions.iter().map(|f| f.id.0).collect();
        assert_eq!(items.len(), 3);
        let q = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        app.set_quotas(
            &admin,
            a,
            &q(&[("q_administrative", "5"), ("q_institution", "5")]),
        )
        .await
        .unwrap();
        let mut people = Vec::new();
        for (i, (name, identity, kind)) in [
            ("甲", "公务员", "行政编制"),
            ("乙", "公务员", "行政编制"),
            ("丙", "公务员", "行政编制"),
            ("丁", "事业干部", "事业编制"),
            ("戊", "劳动合同制工人", "编外"),
        ]
        .iter()
        .enumerate()
        {
            let mut f = people_form(name, &people_id("19800101", 20 + i as u32), identity, kind);
            f.education = "大学本科".into();
            f.work_start = "2005-07-01".into();
            people.push(app.create_person(&ua, a, &f, &people_on("")).await.unwrap());
        }
        Unit1 {
            app,
            store: s,
            d,
            a,
            b,
            d2,
            ua,
            body: body.0,
            body2: body2.0,
            items,
            people,
            _t: t,
        }
    }

    pub fn assign(post: i64, person: i64, share: i64, main: bool) -> jiguan_app::posts::AssignForm {
        jiguan_app::posts::AssignForm {
            post: post.to_string(),
            person: person.to_string(),
            share_pct: share.to_string(),
            main: if main { "1" } else { "0" }.into(),
            ..Default::default()
        }
    }

    pub fn codes(e: jiguan_app::AppError) -> Vec<String> {
        match e {
            jiguan_app::AppError::Invalid(v) => v.into_iter().map(|e| e.code).collect(),
            other => panic!("{other:?}"),
        }
    }
}

/// Posts end to end: the form, workloads and FTE, need versus establishment, every
/// assignment rule through the use case, coverage, balance, history, the district report,
/// audit rows and tenant scoping.
async fn posts_story(pg: bool) {
    use jiguan_app::AppError;
    use jiguan_app::posts::{EndForm, PostsStore};
    use jiguan_domain::posts::workload::Staffing;
    use posts_support::*;
    use rust_decimal::Decimal;
    let u = setup(pg).await;
    let (app, ua, a) = (&u.app, &u.ua, u.a);
    let i = &u.items;
    // Every field error at once.
    let bad = jiguan_domain::posts::PostForm {
        body: "999999".into(),
        functions: vec![("999999".into(), "x".into())],
        ..Default::default()
    };
    let e = codes(app.create_post(ua, a, &bad).await.unwrap_err());
    assert!(e.len() >= 4, "{e:?}");
    let audit0 = u.store.audit_count().await.unwrap();
    // 因事定岗: chief 1984 h (F1), general 992 + 992 h (F1, F2), a general "any" post
    // 2976 h (F2), and an institution post in the centre 496 h (F3).
    let chief = app
        .create_post(
            ua,
            a,
            &post(u.body, "主任", "chief", "administrative", &[(i[0], 1984)]),
        )
        .await
        .unwrap();
    let general = app
        .create_post(
            ua,
            a,
            &post(
                u.body,
                "综合文字",
                "general",
                "administrative",
                &[(i[0], 992), (i[1], 992)],
            ),
        )
        .await
        .unwrap();
    let any = app
        .create_post(
            ua,
            a,
            &post(u.body, "档案管理", "general", "any", &[(i[1], 2976)]),
        )
        .await
        .unwrap();
    let centre = app
        .create_post(
            ua,
            a,
            &post(u.body2, "社会救助", "deputy", "institution", &[(i[2], 496)]),
        )
        .await
        .unwrap();
    assert_eq!(u.store.audit_count().await.unwrap(), audit0 + 4);
    let o = app.posts_overview(ua, a).await.unwrap();
    // Σ hours 1984 + 1984 + 2976 + 496 = 7440 h = 3.75 FTE at 1984 h.
    assert_eq!(o.total_hours, 7440);
    assert_eq!(o.total_need, Decimal::new(375, 2));
    let office = o.bodies.iter().find(|b| b.body_id == u.body).unwrap();
    assert_eq!(office.need.need, Decimal::new(35, 1));
    assert_eq!(office.need.establishment, Some(3));
    assert_eq!(office.need.staffing, Staffing::Understaffed);
    assert_eq!(o.vacant, 4);

    let [jia, yi, bing, ding, wu] = u.people[..] else {
        panic!()
    };
    // Valid assignments: 甲 chief 70 % main + 30 % concurrent 综合文字; 乙 综合文字 main
    // 100 %; 戊 (编外) the "any" post.
    app.assign_post(ua, a, &assign(chief, jia, 70, true))
        .await
        .unwrap();
    app.assign_post(ua, a, &assign(general, jia, 30, false))
        .await
        .unwrap();
    app.assign_post(ua, a, &assign(general, yi, 100, true))
        .await
        .unwrap();
    let wu_any = app
        .assign_post(ua, a, &assign(any, wu, 100, true))
        .await
        .unwrap();
    // Rules, all at once: 丙 would exceed 100 % and take a second main post … first a main.
    app.assign_post(ua, a, &assign(any, bing, 60, true))
        .await
        .unwrap();
    let e = codes(
        app.assign_post(ua, a, &assign(general, bing, 50, true))
            .await
            .unwrap_err(),
    );
    assert_eq!(e, vec!["post_shares_over", "post_main_taken"]);
    // Overtime lifts the 100 % limit.
    let mut f = assign(general, bing, 50, false);
    f.overtime = "1".into();
    app.assign_post(ua, a, &f).await.unwrap();
    // Kind: an institution cadre on an administrative post; 编外 on an institution post.
    assert_eq!(
        codes(
            app.assign_post(ua, a, &assign(general, ding, 10, false))
                .await
                .unwrap_err()
        ),
        vec!["post_kind_mismatch"]
    );
    assert_eq!(
        codes(
            app.assign_post(ua, a, &assign(centre, wu, 10, false))
                .await
                .unwrap_err()
        ),
        vec!["post_shares_over", "post_kind_mismatch"]
    );
    // One chief per body; duplicates.
    assert_eq!(
        codes(
            app.assign_post(ua, a, &assign(chief, yi, 10, false))
                .await
                .unwrap_err()
        ),
        vec!["post_shares_over", "post_chief_taken"]
    );
    assert_eq!(
        codes(
            app.assign_post(ua, a, &assign(chief, jia, 10, false))
                .await
                .unwrap_err()
        ),
        vec!["post_duplicate", "post_shares_over"]
    );
    // Qualifications: the centre post asks for a master's degree and 30 years.
    let mut pf = post(u.body2, "社会救助", "deputy", "institution", &[(i[2], 496)]);
    pf.min_education = "硕士".into();
    pf.min_service_years = "30".into();
    app.update_post(ua, a, centre, &pf).await.unwrap();
    assert_eq!(
        codes(
            app.assign_post(ua, a, &assign(centre, ding, 50, true))
                .await
                .unwrap_err()
        ),
        vec!["post_education_low", "post_service_short"]
    );
    pf.min_education = "本科".into();
    pf.min_service_years = "10".into();
    app.update_post(ua, a, centre, &pf).await.unwrap();
    app.assign_post(ua, a, &assign(centre, ding, 50, true))
        .await
        .unwrap();
    // Parse errors all at once.
    let e = codes(
        app.assign_post(
            ua,
            a,
            &jiguan_app::posts::AssignForm {
                post: "x".into(),
                share_pct: "".into(),
                main: "maybe".into(),
                on: "2999-01-01".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap_err(),
    );
    assert_eq!(
        e,
        vec![
            "integer_invalid",
            "required",
            "required",
            "choice_invalid",
            "date_future"
        ]
    );

    // Coverage: every post held now; nobody idle.
    let c = app.posts_coverage(ua, a).await.unwrap();
    assert!(c.vacant.is_empty());
    assert!(c.idle.is_empty());
    // End 戊's assignment: 戊 idle, the "any" post still held by 丙.
    app.end_assignment(
        ua,
        a,
        wu_any,
        &EndForm {
            on: String::new(),
            reason: "调整".into(),
        },
    )
    .await
    .unwrap();
    let c = app.posts_coverage(ua, a).await.unwrap();
    assert_eq!(c.idle.iter().map(|p| p.id).collect::<Vec<_>>(), vec![wu]);
    assert!(
        app.end_assignment(ua, a, wu_any, &EndForm::default())
            .await
            .is_err()
    );
    // Deactivating the centre post ends 丁's assignment: the post leaves the vacant list
    // (inactive), 丁 becomes idle.
    app.set_post_active(ua, a, centre, false).await.unwrap();
    let c = app.posts_coverage(ua, a).await.unwrap();
    assert_eq!(
        c.idle.iter().map(|p| p.id).collect::<Vec<_>>(),
        vec![ding, wu]
    );
    assert!(c.vacant.is_empty());
    let page = app.post_page(ua, a, centre).await.unwrap();
    assert!(page.row.holders.is_empty());
    assert_eq!(page.history.len(), 1);
    assert!(page.history[0].0.end_date.is_some());

    // Balance: 甲 1984×70/70 + 1984×30/(30+100+50) = 1984 + 330.67; 乙 1984×100/180
    // = 1102.2; 丙 2976 + 1984×50/180 = 3527.1 h.
    let b = app.posts_balance(ua, a).await.unwrap();
    let load = |p: i64| {
        b.rows
            .iter()
            .find(|r| r.load.person_id == p)
            .unwrap()
            .load
            .hours
    };
    assert_eq!(load(jia).round_dp(2), Decimal::new(231467, 2));
    assert_eq!(load(yi).round_dp(2), Decimal::new(110222, 2));
    assert_eq!(load(bing).round_dp(2), Decimal::new(352711, 2));
    assert_eq!(b.balance.figures.n, 3);
    // 丙 at 3527.1 ÷ 1984 = 1.78 FTE is overloaded; 乙 at 1102.2 ÷ 1984 = 0.56 underloaded.
    assert_eq!(b.balance.overloaded, vec![bing]);
    assert_eq!(b.balance.underloaded, vec![yi]);
    // 乙 already gives 100 % of their time to posts: no share can move to them.
    assert!(b.proposals.is_empty());

    // Person page and history.
    let pp = app.person_posts(ua, a, jia).await.unwrap();
    assert_eq!(pp.history.len(), 2);
    assert!(pp.load.is_some());

    // District report: unit a has 3 active posts, 6944 h.
    let admin = people_actor(u.d, None, Role::DistrictAdmin);
    let r = app.posts_district(&admin).await.unwrap();
    let la = r.lines.iter().find(|l| l.unit.id == a).unwrap();
    assert_eq!(
        (la.posts, la.hours, la.staff, la.establishment),
        (3, 6944, 5, 10)
    );
    assert_eq!(la.assigned, Decimal::new(310, 2));
    assert!(la.cost.0 > 0);
    assert_eq!(r.total.hours, 6944);

    // Tenant scoping: unit b's administrator, another district's, a staff member.
    let ub = people_actor(u.d, Some(u.b), Role::UnitAdmin);
    assert!(matches!(
        app.posts_overview(&ub, a).await,
        Err(AppError::NotFound)
    ));
    assert!(matches!(
        app.post_page(&ub, u.b, chief).await,
        Err(AppError::NotFound)
    ));
    let other = people_actor(u.d2, None, Role::DistrictAdmin);
    assert!(matches!(
        app.posts_overview(&other, a).await,
        Err(AppError::NotFound)
    ));
    assert!(
        app.posts_district(&other)
            .await
            .unwrap()
            .lines
            .iter()
            .all(|l| l.posts == 0)
    );
    let staff = people_actor(u.d, Some(a), Role::Staff);
    assert!(matches!(
        app.assign_post(&staff, a, &assign(general, wu, 10, false))
            .await,
        Err(AppError::Forbidden)
    ));
    // The store itself never crosses units.
    assert!(u.store.get_post(u.d, u.b, chief).await.unwrap().is_none());
    assert!(
        u.store
            .open_assignments(u.d2, None)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(u.store.list_posts(u.d, u.b).await.unwrap().is_empty());
}

/// Accepting proposals writes every change in one transaction; a stale proposal is
/// refused and nothing changes.
async fn posts_accept_is_atomic_and_refuses_stale(pg: bool) {
    use jiguan_app::posts::PostsStore;
    use posts_support::*;
    let u = setup(pg).await;
    let (app, ua, a) = (&u.app, &u.ua, u.a);
    let i = &u.items;
    // 甲 holds two heavy posts (3968 h main + 1984 h concurrent), 乙 a light one (496 h).
    let heavy = app
        .create_post(
            ua,
            a,
            &post(u.body, "重岗", "general", "any", &[(i[0], 3968)]),
        )
        .await
        .unwrap();
    let side = app
        .create_post(
            ua,
            a,
            &post(u.body, "兼岗", "general", "any", &[(i[1], 1984)]),
        )
        .await
        .unwrap();
    let light = app
        .create_post(
            ua,
            a,
            &post(u.body, "轻岗", "general", "any", &[(i[1], 496)]),
        )
        .await
        .unwrap();
    let [jia, yi, ..] = u.people[..] else {
        panic!()
    };
    app.assign_post(ua, a, &assign(heavy, jia, 60, true))
        .await
        .unwrap();
    app.assign_post(ua, a, &assign(side, jia, 40, false))
        .await
        .unwrap();
    app.assign_post(ua, a, &assign(light, yi, 50, true))
        .await
        .unwrap();
    let b = app.posts_balance(ua, a).await.unwrap();
    assert!(!b.proposals.is_empty());
    let before_var = b.balance.figures.variance;
    let open_before = u.store.open_assignments(u.d, Some(a)).await.unwrap();
    let audit = u.store.audit_count().await.unwrap();
    // A forged or changed key is refused: nothing written.
    let mut stale = b.keys[0].clone();
    stale = stale.replacen(":", ":9", 1);
    assert!(app.accept_proposals(ua, a, &stale).await.is_err());
    let e = codes(
        app.accept_proposals(ua, a, &format!("{};{}", b.keys[0], b.keys[0]))
            .await
            .unwrap_err(),
    );
    assert_eq!(e, vec!["post_proposal_stale"]);
    assert_eq!(
        u.store.open_assignments(u.d, Some(a)).await.unwrap(),
        open_before
    );
    assert_eq!(u.store.audit_count().await.unwrap(), audit);
    // Accept all: the variance falls, every proposal has its audit row.
    let n = app.accept_proposals(ua, a, &b.all_keys).await.unwrap();
    assert_eq!(n, b.proposals.len());
    assert_eq!(u.store.audit_count().await.unwrap(), audit + n as i64);
    let after = app.posts_balance(ua, a).await.unwrap();
    assert!(after.balance.figures.variance < before_var);
    // The accepted keys are now stale.
    let e = codes(app.accept_proposals(ua, a, &b.keys[0]).await.unwrap_err());
    assert_eq!(e, vec!["post_proposal_stale"]);
    // History kept: ended rows remain.
    let hist = u
        .store
        .assignment_history(u.d, a, None, Some(jia))
        .await
        .unwrap();
    assert!(hist.iter().any(|h| h.end_date.is_some()));
}

both!(posts_demo_matches_the_seed);

/// The demo: 骆驼街道's posts need exactly 79 FTE; every body has posts and one chief;
/// concurrent posts exist; temporary workers and enterprise hires (and only they) have no
/// post; the balance shows spread and a useful suggestion; no rule is broken.
async fn posts_demo_matches_the_seed(pg: bool) {
    use jiguan_app::people::{PeopleFilter, PeopleStore};
    use jiguan_app::posts::PostsStore;
    use jiguan_domain::people::Identity;
    use jiguan_domain::posts::PostLevel;
    use rust_decimal::Decimal;
    let t = fresh(pg).await;
    let s = SqlStore::open(&t.url).await.unwrap();
    let app = App::new(
        Arc::new(s.clone()),
        AppConfig::for_tests(),
        Arc::new(SystemClock),
    );
    let d = jiguan_app::demo::seed(&app, |_, _| {}).await.unwrap();
    let admin = org_support::actor(d, None, Role::DistrictAdmin);
    let luotuo = app
        .visible_units(&admin)
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.code == "luotuo")
        .unwrap();
    let o = app.posts_overview(&admin, luotuo.id).await.unwrap();
    assert_eq!(o.total_hours, 79 * 1984);
    assert_eq!(o.total_need, Decimal::from(79));
    let active: Vec<_> = o.bodies.iter().filter(|b| b.active).collect();
    assert_eq!(active.len(), 21);
    for b in &active {
        assert!(!b.posts.is_empty(), "{} has no post", b.name);
        let chiefs: Vec<_> = b
            .posts
            .iter()
            .filter(|p| p.post.level == PostLevel::Chief)
            .collect();
        assert_eq!(chiefs.len(), 1, "{}", b.name);
        assert_eq!(chiefs[0].holders.len(), 1, "{}", b.name);
    }
    let concurrent = o
        .bodies
        .iter()
        .flat_map(|b| &b.posts)
        .flat_map(|p| &p.holders)
        .filter(|h| !h.assignment.main)
        .count();
    assert!(concurrent >= 5, "{concurrent}");
    // 人人有事做: the 6 temporary workers and 4 enterprise hires, nobody else.
    let c = app.posts_coverage(&admin, luotuo.id).await.unwrap();
    assert_eq!(c.idle.len(), 10);
    assert!(
        c.idle
            .iter()
            .all(|p| matches!(p.identity, Identity::Temporary | Identity::EnterpriseHire))
    );
    assert!(c.vacant.is_empty());
    // 苦乐不均: spread, both lists, and a suggestion that lowers the variance.
    let b = app.posts_balance(&admin, luotuo.id).await.unwrap();
    assert!(!b.balance.overloaded.is_empty() && !b.balance.underloaded.is_empty());
    assert!(
        b.balance.figures.cv.unwrap() > Decimal::new(15, 2),
        "{:?}",
        b.balance.figures
    );
    assert!(!b.proposals.is_empty());
    let p = &b.proposals[0];
    assert!(p.after.figures.variance < p.before.figures.variance);
    // No rule broken in the demo state.
    let posts = s.list_posts(d, luotuo.id).await.unwrap();
    let people = s
        .export_people(
            d,
            &PeopleFilter {
                unit_id: Some(luotuo.id),
                ..PeopleFilter::default()
            },
        )
        .await
        .unwrap();
    let open = s.open_assignments(d, Some(luotuo.id)).await.unwrap();
    let state = jiguan_app::posts::state_of(
        luotuo.id,
        &posts,
        &people,
        &open,
        chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
    );
    assert!(state.violations().is_empty(), "{:?}", state.violations());
    // The district report sees the unit's 79 FTE.
    let r = app.posts_district(&admin).await.unwrap();
    let line = r.lines.iter().find(|l| l.unit.id == luotuo.id).unwrap();
    assert_eq!(line.need, Decimal::from(79));
    assert_eq!(line.staff, 100);
}

// ---------------------------------------------------------------------------------------
// Issue 11 (module kit), build points 3 and 4: the app's clock is the time of every stored
// write and of its audit row; the store never reads the wall clock.
// ---------------------------------------------------------------------------------------

both!(stored_times_come_from_the_app_clock);

/// A clock set to 2030: the plan's created/decided/applied times, the body a change
/// creates and every audit row carry the clock's times.
async fn stored_times_come_from_the_app_clock(pg: bool) {
    use chrono::{DateTime, Duration, Utc};
    use jiguan_app::ManualClock;
    use jiguan_domain::org::BodyKind;
    use jiguan_domain::org::plan::PlanOp;
    use org_support::*;

    let t = fresh(pg).await;
    let s = SqlStore::open(&t.url).await.unwrap();
    let (d1, a, _b, _d2, _c) = two_districts(&s).await;
    let start = DateTime::parse_from_rfc3339("2030-06-01T08:00:00Z")
        .unwrap()
        .with_timezone(&Utc);
    let h = |n: i64| start + Duration::hours(n);
    let clock = Arc::new(ManualClock::new(start));
    let app = App::new(Arc::new(s.clone()), AppConfig::for_tests(), clock.clone());
    let ua = actor(d1, Some(a), Role::UnitAdmin);
    let da = actor(d1, None, Role::DistrictAdmin);
    let last: i64 =
        s.db.fetch_one("SELECT COALESCE(MAX(id), 0) FROM audit_log", &[])
            .await
            .unwrap()
            .get(0)
            .unwrap();

    let office = body(&app, &ua, a, "党政办", BodyKind::Office).await;
    clock.advance(Duration::hours(1));
    let p = app.org_create_plan(&ua, a, "方案").await.unwrap();
    let op = PlanOp::Rename {
        body: office,
        name: "党政综合办".into(),
        short_name: String::new(),
    };
    app.org_push_op(&ua, a, p, op).await.unwrap();
    clock.advance(Duration::hours(1));
    app.org_submit_plan(&ua, a, p).await.unwrap();
    clock.advance(Duration::hours(1));
    app.org_approve_plan(&da, a, p, "编〔2030〕1号")
        .await
        .unwrap();
    clock.advance(Duration::hours(1));
    app.org_apply_plan(&da, a, p, "2030-07-01").await.unwrap();

    let plan = app.org_plan(&ua, a, p).await.unwrap().plan;
    assert_eq!(plan.created_at, h(1));
    assert_eq!(plan.decided_at, Some(h(3)));
    assert_eq!(plan.applied_at, Some(h(4)));
    let created: DateTime<Utc> =
        s.db.fetch_one(
            "SELECT created_at FROM bodies WHERE id = $1",
            &[office.0.into()],
        )
        .await
        .unwrap()
        .get(0)
        .unwrap();
    assert_eq!(created, start);
    let rows =
        s.db.fetch_all(
            "SELECT action, at_ms FROM audit_log WHERE district_id = $1 AND id > $2 ORDER BY id",
            &[d1.0.into(), last.into()],
        )
        .await
        .unwrap();
    let got: Vec<(String, i64)> = rows
        .iter()
        .map(|r| (r.get(0).unwrap(), r.get(1).unwrap()))
        .collect();
    let want: Vec<(String, i64)> = [
        ("org.body.create", 0),
        ("org.plan.create", 1),
        ("org.plan.op_add", 1),
        ("org.plan.submit", 2),
        ("org.plan.approve", 3),
        ("org.plan.apply", 4),
    ]
    .iter()
    .map(|(a, n)| (a.to_string(), h(*n).timestamp_millis()))
    .collect();
    assert_eq!(got, want);
    assert!(app.verify_audit(|_| {}).await.unwrap().breaks.is_empty());
}
