//! The sign-in log, the client address in the audit chain, and pinyin order, on both
//! backends.

use jiguan_app::ports::{
    AuditFilter, AuditStore, ListQuery, LogScope, LoginFilter, UserFilter, UserStore,
};
use jiguan_app::users::system_entry;
use jiguan_domain::audit::{LoginOutcome, LoginRecord};
use jiguan_domain::auth::Role;
use jiguan_domain::tenancy::{DistrictId, UnitId};
use jiguan_store::SqlStore;

use crate::helpers::*;
use jiguan_testkit::fixtures;

both!(sign_in_log_is_scoped);
both!(addresses_are_chained);
both!(names_sort_by_pinyin);

fn attempt(
    at_ms: i64,
    d: Option<DistrictId>,
    u: Option<UnitId>,
    name: &str,
    outcome: LoginOutcome,
) -> LoginRecord {
    LoginRecord {
        id: 0,
        at_ms,
        district_id: d,
        unit_id: u,
        user_id: None,
        username: name.into(),
        outcome,
        addr: "192.0.2.7".into(),
        user_agent: "curl/8.5.0".into(),
    }
}

async fn sign_in_log_is_scoped(pg: bool) {
    let t = fresh(pg).await;
    let s = SqlStore::open(&t.url).await.unwrap();
    let (d1, a, b, d2, c) = two_districts(&s).await;
    // 2026-11-28 12:00 China time.
    let noon = 1_795_838_400_000;
    for r in [
        attempt(noon, Some(d1), Some(a), "a_ok", LoginOutcome::Ok),
        attempt(
            noon + 1,
            Some(d1),
            Some(a),
            "a_bad",
            LoginOutcome::BadPassword,
        ),
        attempt(noon + 2, Some(d1), Some(b), "b_bad", LoginOutcome::Inactive),
        attempt(noon + 3, Some(d1), None, "dist", LoginOutcome::RateLimited),
        attempt(noon + 4, None, None, "nobody", LoginOutcome::UnknownUser),
        attempt(noon + 5, Some(d2), Some(c), "other", LoginOutcome::Ok),
    ] {
        s.append_login(&r).await.unwrap();
    }
    let names = |f: LoginFilter, q: ListQuery| {
        let s = &s;
        async move {
            s.list_logins(d1, &f, &q)
                .await
                .unwrap()
                .items
                .into_iter()
                .map(|r| r.username)
                .collect::<Vec<_>>()
        }
    };
    let user = |name: &str| LoginFilter {
        scope: LogScope {
            username: Some(name.into()),
            ..LogScope::default()
        },
        ..LoginFilter::default()
    };
    assert_eq!(
        names(user("A_Ok"), ListQuery::default()).await,
        vec!["a_ok"]
    );
    let all = names(LoginFilter::default(), ListQuery::default()).await;
    assert_eq!(
        all,
        vec!["dist", "b_bad", "a_bad", "a_ok"],
        "newest first, district 1 only"
    );
    let unit_a = LoginFilter {
        scope: LogScope::unit(a),
        ..LoginFilter::default()
    };
    assert_eq!(
        names(unit_a.clone(), ListQuery::default()).await,
        vec!["a_bad", "a_ok"]
    );
    let failed_a = LoginFilter {
        success: Some(false),
        ..unit_a
    };
    assert_eq!(names(failed_a, ListQuery::default()).await, vec!["a_bad"]);
    let district_level = LoginFilter {
        scope: LogScope {
            district_level_only: true,
            ..LogScope::default()
        },
        ..LoginFilter::default()
    };
    assert_eq!(
        names(district_level, ListQuery::default()).await,
        vec!["dist"]
    );
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
    let next = day.succ_opt().unwrap();
    let on = |from, to| LoginFilter {
        scope: LogScope {
            from: Some(from),
            to: Some(to),
            ..LogScope::default()
        },
        ..LoginFilter::default()
    };
    assert_eq!(names(on(day, day), ListQuery::default()).await.len(), 4);
    assert!(names(on(next, next), ListQuery::default()).await.is_empty());
    let search = ListQuery {
        q: Some("192.0.2".into()),
        ..ListQuery::default()
    };
    assert_eq!(names(LoginFilter::default(), search).await.len(), 4);
    let rec = &s
        .list_logins(d1, &LoginFilter::default(), &ListQuery::default())
        .await
        .unwrap()
        .items[0];
    assert_eq!(
        (rec.outcome, rec.addr.as_str(), rec.user_agent.as_str()),
        (LoginOutcome::RateLimited, "192.0.2.7", "curl/8.5.0")
    );
}

async fn addresses_are_chained(pg: bool) {
    let t = fresh(pg).await;
    let s = SqlStore::open(&t.url).await.unwrap();
    let (d1, a, ..) = two_districts(&s).await;
    let e = system_entry(d1, Some(a), "unit.update", "unit", a.0, None)
        .from_addr(Some("198.51.100.4".into()));
    s.append_audit(e).await.unwrap();
    let f = AuditFilter {
        action: Some("unit.update".into()),
        ..AuditFilter::default()
    };
    let page = s.list_audit(d1, &f, &ListQuery::default()).await.unwrap();
    assert_eq!(page.items[0].addr.as_deref(), Some("198.51.100.4"));
    // Both logs take a user name in any case (login names are stored in lower case).
    let by = |user: &str| AuditFilter {
        scope: LogScope {
            username: Some(user.into()),
            ..LogScope::default()
        },
        ..f.clone()
    };
    for user in ["system", "SYSTEM"] {
        assert_eq!(
            s.list_audit(d1, &by(user), &ListQuery::default())
                .await
                .unwrap()
                .total,
            1
        );
    }
    assert_eq!(
        s.list_audit(d1, &by("admin"), &ListQuery::default())
            .await
            .unwrap()
            .total,
        0
    );
    let db = s.db.clone();
    let app = fixtures::app(s);
    assert!(app.verify_audit(|_| {}).await.unwrap().breaks.is_empty());
    // Changing the recorded address breaks the chain at that row.
    db.execute(
        "UPDATE audit_log SET addr = '10.0.0.1' WHERE action = 'unit.update'",
        &[],
    )
    .await
    .unwrap();
    assert_eq!(app.verify_audit(|_| {}).await.unwrap().breaks.len(), 1);
}

async fn names_sort_by_pinyin(pg: bool) {
    let t = fresh(pg).await;
    let s = SqlStore::open(&t.url).await.unwrap();
    let (d1, a, ..) = two_districts(&s).await;
    for (login, name) in [("z", "张三"), ("l", "李四"), ("b", "白云"), ("n", "安然")] {
        let mut u = new_user(d1, Some(a), login, vec![Role::Staff]);
        u.display_name = name.into();
        s.create_user(
            &u,
            system_entry(d1, Some(a), "user.create", "user", login, None),
        )
        .await
        .unwrap();
    }
    let q = ListQuery {
        sort: Some("display_name".into()),
        ..ListQuery::default()
    };
    let names: Vec<String> = s
        .list_users(d1, &UserFilter::default(), &q)
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|u| u.display_name)
        .collect();
    assert_eq!(names, vec!["安然", "白云", "李四", "张三"]);
}
