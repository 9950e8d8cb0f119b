//! Districts, units, users, sessions, settings, audit chain and migrations.

use jiguan_app::Store;
use jiguan_app::ports::{
    AuditFilter, AuditStore, ListQuery, LogScope, SessionRecord, SessionStore, SettingsStore,
    StoreError, TenancyStore, UserFilter, UserStore,
};
use jiguan_app::users::system_entry;
use jiguan_domain::audit::BreakReason;
use jiguan_domain::auth::Role;
use jiguan_domain::tenancy::{DistrictId, UnitKind, UserId};
use jiguan_store::migrate::{latest, migrate_to, schema_fingerprint};
use jiguan_store::{Db, SqlStore, Value};

use crate::helpers::*;
use jiguan_testkit::fixtures;

both!(story);
both!(tenant_scoping);
both!(audit_tamper_is_found);
both!(migrations_from_every_version);
both!(failed_write_leaves_nothing);
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
        Err(StoreError::Conflict(jiguan_app::ports::Conflict::Unique(
            jiguan_app::ports::UniqueKey::Code
        )))
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
        Err(StoreError::Conflict(jiguan_app::ports::Conflict::Unique(
            jiguan_app::ports::UniqueKey::Username
        )))
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
    // The session with its account in one read: the same as the two reads (roles too).
    let (one, user) = s.get_session_user("h1").await.unwrap().unwrap();
    assert_eq!(Some(&one), s.get_session("h1").await.unwrap().as_ref());
    assert_eq!(user, s.get_user_any(staff).await.unwrap().unwrap());
    assert_eq!(user.roles, vec![Role::Staff]);
    let (_, admin_user) = {
        let t = SessionRecord {
            token_hash: "h2".into(),
            user_id: admin,
            ..sess.clone()
        };
        s.create_session(&t).await.unwrap();
        s.get_session_user("h2").await.unwrap().unwrap()
    };
    assert_eq!(admin_user, s.get_user_any(admin).await.unwrap().unwrap());
    assert!(s.get_session_user("nope").await.unwrap().is_none());
    s.set_password(
        staff,
        jiguan_app::ports::NewPassword {
            hash: "$argon2id$new".into(),
            must_change: false,
            end_sessions: true,
        },
        system_entry(d1, Some(a), "user.password_reset", "user", staff, None),
    )
    .await
    .unwrap();
    assert!(s.get_session("h1").await.unwrap().is_none());
    assert!(s.get_session_user("h1").await.unwrap().is_none());
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
    for (unit, value) in [(None, "1"), (None, "2"), (Some(a), "3")] {
        s.set_param(
            d1,
            unit,
            "k",
            value,
            now,
            system_entry(d1, unit, "param.set", "param", "k", None),
        )
        .await
        .unwrap();
    }
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
        scope: LogScope::unit(a),
        ..Default::default()
    };
    let p = s.list_audit(d1, &f, &ListQuery::default()).await.unwrap();
    assert!(p.items.iter().all(|r| r.unit_id == Some(a)));
    assert!(p.items.iter().any(|r| r.action == "user.password_reset"));
    let total = async |f: &AuditFilter| {
        let p = s.list_audit(d1, f, &ListQuery::default()).await.unwrap();
        p.total
    };
    let f = AuditFilter {
        object_type: Some("param".into()),
        ..Default::default()
    };
    assert_eq!(total(&f).await, 3);
    let today = chrono::Utc::now()
        .with_timezone(&jiguan_domain::time::china())
        .date_naive();
    let f = AuditFilter {
        scope: LogScope {
            from: Some(today),
            to: Some(today),
            ..Default::default()
        },
        ..Default::default()
    };
    assert!(total(&f).await > 5);
    let f = AuditFilter {
        scope: LogScope {
            to: Some(today - chrono::Duration::days(1)),
            ..Default::default()
        },
        ..Default::default()
    };
    assert_eq!(total(&f).await, 0);
    let app = fixtures::app(s);
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
    let app = fixtures::app(s);
    assert!(app.verify_audit(|_| {}).await.unwrap().breaks.is_empty());

    // Alter one row's content: that row is named.
    let id: i64 = fetch_i64(
        &db,
        "SELECT id FROM audit_log WHERE district_id = $1 AND seq = 4",
        &[Value::from(d1.0)],
    )
    .await;
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
    let app2 = fixtures::app(s2);
    let last: i64 = fetch_i64(
        &db2,
        "SELECT CAST(MAX(seq) AS BIGINT) FROM audit_log WHERE district_id = $1",
        &[Value::from(d.0)],
    )
    .await;
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
        // Versions may have gaps (numbers are handed out to parallel branches).
        let pending = jiguan_store::migrate::MIGRATIONS
            .iter()
            .filter(|m| m.version > from)
            .count();
        assert_eq!(applied.len(), pending);
        assert_eq!(
            schema_fingerprint(&db).await.unwrap(),
            want,
            "upgrading from version {from}"
        );
        if from >= 1 {
            let n: i64 = fetch_i64(
                &db,
                "SELECT CAST(COUNT(*) AS BIGINT) FROM districts WHERE code = 'old'",
                &[],
            )
            .await;
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
