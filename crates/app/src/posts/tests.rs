//! The posts use cases against the in-memory [`FakeStore`](crate::fakes::FakeStore): no
//! database, milliseconds per test. The SQL side of the same rules is tested in
//! `crates/store/tests/store/posts.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use chrono::NaiveDate;

use jiguan_domain::auth::{Actor, Role};
use jiguan_domain::org::BodyKind;
use jiguan_domain::people::Identity;
use jiguan_domain::posts::{PostForm, PostId, PostLevel};
use jiguan_domain::tenancy::{DistrictId, UnitId};

use super::{AssignForm, AssignmentRecord};
use crate::fakes::org::{body, function_item};
use crate::fakes::people::person;
use crate::fakes::{FakeStore, actor, fake_app};
use crate::{App, AppError};

/// One unit (luotuo) of district 镇海区 with a body 党政办 and its function item F1, two
/// chief posts and a general post there, and two civil servants 甲 and 乙 on post; a unit
/// of another district. Nobody holds a post yet.
struct Unit {
    app: App,
    store: Arc<FakeStore>,
    d: DistrictId,
    a: UnitId,
    d2: DistrictId,
    c: UnitId,
    body: i64,
    item: i64,
    chief1: PostId,
    chief2: PostId,
    general: PostId,
    jia: i64,
    yi: i64,
}

fn unit() -> Unit {
    let (app, store) = fake_app();
    let u = store
        .with_state(|s| {
            let (d, a) = s.add_luotuo();
            let (d2, c) = s.add_beilun();
            let body_id = s.next_id();
            let item = s.next_id();
            let st = s.org.structure_mut(a);
            st.bodies.push(body(body_id, "党政办", BodyKind::Office));
            st.functions.push(function_item(item, "F1", body_id));
            let at = app.clock.now();
            let mut post =
                |title: &str, level| s.add_post(a, body_id, title, level, vec![(item, 992)], at);
            let chief1 = post("主任", PostLevel::Chief);
            let chief2 = post("第二主任", PostLevel::Chief);
            let general = post("综合文字", PostLevel::General);
            let jia = s.next_id();
            let yi = s.next_id();
            s.people
                .people
                .push(person(jia, d, a, "甲", Identity::CivilServant));
            s.people
                .people
                .push(person(yi, d, a, "乙", Identity::CivilServant));
            (d, a, d2, c, body_id, item, chief1, chief2, general, jia, yi)
        })
        .unwrap();
    let (d, a, d2, c, body, item, chief1, chief2, general, jia, yi) = u;
    Unit {
        app,
        store,
        d,
        a,
        d2,
        c,
        body,
        item,
        chief1,
        chief2,
        general,
        jia,
        yi,
    }
}

fn assign(post: PostId, person: i64, share: i64, main: bool) -> AssignForm {
    AssignForm {
        post: post.to_string(),
        person: person.to_string(),
        share_pct: share.to_string(),
        main: if main { "1" } else { "0" }.into(),
        ..AssignForm::default()
    }
}

fn codes(e: AppError) -> Vec<String> {
    match e {
        AppError::Invalid(v) => v.into_iter().map(|e| e.code).collect(),
        other => panic!("{other:?}"),
    }
}

fn admin(u: &Unit) -> Actor {
    actor(u.d, Some(u.a), Role::UnitAdmin)
}

/// (open assignments, audit entries) in the fake.
fn written(u: &Unit) -> (Vec<AssignmentRecord>, usize) {
    u.store
        .with_state(|s| (s.posts.assignments.clone(), s.platform.audit.len()))
        .unwrap()
}

#[tokio::test]
async fn an_assignment_is_written_with_its_audit_row() {
    let u = unit();
    let id = u
        .app
        .assign_post(&admin(&u), u.a, &assign(u.general, u.jia, 100, true))
        .await
        .unwrap();
    let (rows, audits) = written(&u);
    assert_eq!(rows.len(), 1);
    let r = &rows[0];
    assert_eq!((r.id, r.post_id, r.person_id), (id, u.general, u.jia));
    assert_eq!((r.share_pct, r.main, r.end_date), (100, true, None));
    // Today in China by the app's clock, not the store's.
    assert_eq!(r.start_date, NaiveDate::from_ymd_opt(2026, 3, 2).unwrap());
    assert_eq!(audits, 1);
    let action = u
        .store
        .with_state(|s| s.platform.audit[0].action.clone())
        .unwrap();
    assert_eq!(action, "post.assign");
}

/// 一人多岗: a second post may be held, but shares stay within 100 % and only one post is
/// the main one; a refused assignment writes nothing, not even an audit row.
#[tokio::test]
async fn shares_over_100_and_a_second_main_post_are_refused() {
    let u = unit();
    let ua = admin(&u);
    u.app
        .assign_post(&ua, u.a, &assign(u.general, u.jia, 100, true))
        .await
        .unwrap();
    let before = written(&u);
    let e = u
        .app
        .assign_post(&ua, u.a, &assign(u.chief1, u.jia, 50, true))
        .await
        .unwrap_err();
    let c = codes(e);
    assert!(c.contains(&"post_shares_over".to_string()), "{c:?}");
    assert!(c.contains(&"post_main_taken".to_string()), "{c:?}");
    assert_eq!(written(&u), before);
    // The same second post as a concurrent one within 100 % is fine.
    u.app
        .assign_post(&ua, u.a, &assign(u.general, u.yi, 60, true))
        .await
        .unwrap();
    u.app
        .assign_post(&ua, u.a, &assign(u.chief1, u.yi, 40, false))
        .await
        .unwrap();
    assert_eq!(written(&u).0.len(), 3);
}

/// One holder of a chief (中层正职) post per body, even across two chief posts.
#[tokio::test]
async fn one_chief_per_body() {
    let u = unit();
    let ua = admin(&u);
    u.app
        .assign_post(&ua, u.a, &assign(u.chief1, u.jia, 100, true))
        .await
        .unwrap();
    let e = u
        .app
        .assign_post(&ua, u.a, &assign(u.chief2, u.yi, 100, true))
        .await
        .unwrap_err();
    assert_eq!(codes(e), ["post_chief_taken"]);
    assert_eq!(written(&u).0.len(), 1);
}

/// Managing posts needs PostsManage (the unit administrator's); staff are refused before
/// anything is read or written.
#[tokio::test]
async fn a_role_without_posts_manage_is_forbidden() {
    let u = unit();
    for role in [Role::Staff, Role::BodyHead, Role::Auditor] {
        let who = actor(u.d, Some(u.a), role);
        assert!(!who.can(jiguan_domain::auth::Action::PostsManage));
        let r = u
            .app
            .assign_post(&who, u.a, &assign(u.general, u.jia, 100, true))
            .await;
        assert!(matches!(r, Err(AppError::Forbidden)), "{role:?}: {r:?}");
        let r = u.app.create_post(&who, u.a, &PostForm::default()).await;
        assert!(matches!(r, Err(AppError::Forbidden)), "{role:?}: {r:?}");
    }
    assert_eq!(written(&u), (Vec::new(), 0));
}

/// A unit of another district does not exist for an actor, whatever the role; nor does
/// another unit of the same district for a unit account.
#[tokio::test]
async fn a_foreign_unit_is_not_found() {
    let u = unit();
    let foreign_admin = actor(u.d2, Some(u.c), Role::UnitAdmin);
    let r = u
        .app
        .assign_post(&foreign_admin, u.a, &assign(u.general, u.jia, 100, true))
        .await;
    assert!(matches!(r, Err(AppError::NotFound)), "{r:?}");
    let foreign_district = actor(u.d2, None, Role::DistrictAdmin);
    let r = u.app.post_form_data(&foreign_district, u.a).await;
    assert!(matches!(r, Err(AppError::NotFound)), "{r:?}");
    // The own district's administrator sees the unit.
    let own = actor(u.d, None, Role::DistrictAdmin);
    let data = u.app.post_form_data(&own, u.a).await.unwrap();
    assert_eq!(data.bodies, vec![(u.body, "党政办".to_string())]);
    assert_eq!(written(&u), (Vec::new(), 0));
}

/// A post is created from the form against the unit's structure: its body and items must
/// be the unit's.
#[tokio::test]
async fn a_post_is_created_from_the_form() {
    let u = unit();
    let ua = admin(&u);
    let form = |body: i64| PostForm {
        body: body.to_string(),
        title: "档案管理".into(),
        level: "general".into(),
        establishment: "administrative".into(),
        functions: vec![jiguan_domain::posts::ItemHours::new(
            u.item.to_string(),
            "496",
        )],
        ..PostForm::default()
    };
    let id = u.app.create_post(&ua, u.a, &form(u.body)).await.unwrap();
    let p = u
        .store
        .with_state(|s| s.posts.posts.iter().find(|p| p.id == id).cloned())
        .unwrap()
        .unwrap();
    assert_eq!((p.title.as_str(), p.hours()), ("档案管理", 496));
    let e = u.app.create_post(&ua, u.a, &form(u.body + 1000)).await;
    assert!(matches!(e, Err(AppError::Invalid(_))), "{e:?}");
}

/// The dashboard's workload balance reads four integers per open assignment
/// (`load_parts`), never the unit's posts or assignments whole (issue 17), and gives the
/// balance of the old computation: 甲 holds the general post (992 h) at 100 % and the first
/// chief post at 50 %, 乙 the first chief post at 50 % and the second at 33 % (alone: all its
/// hours); an ended assignment counts for nothing.
#[tokio::test]
async fn the_balance_figures_read_no_posts_or_assignments_whole() {
    use jiguan_domain::posts::balance::balance;
    let u = unit();
    let start = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
    u.store
        .with_state(|s| {
            let at = u.app.clock.now();
            for (post, person, share) in [
                (u.general, u.jia, 100),
                (u.chief1, u.jia, 50),
                (u.chief1, u.yi, 50),
                (u.chief2, u.yi, 33),
                (u.chief2, u.jia, 10),
            ] {
                s.add_main_assignment(u.a, post, person, start, at);
                s.posts.assignments.last_mut().unwrap().share_pct = share;
            }
            s.posts.assignments.last_mut().unwrap().end_date = Some(start);
        })
        .unwrap();
    // The old computation, from the unit's posts and open assignments.
    let (posts, open) = u
        .store
        .with_state(|s| {
            let open: Vec<AssignmentRecord> = s
                .posts
                .assignments
                .iter()
                .filter(|a| a.end_date.is_none())
                .cloned()
                .collect();
            (s.posts.posts.clone(), open)
        })
        .unwrap();
    let params = u.app.posts_params(u.d, Some(u.a)).await.unwrap();
    let state = super::state_of(u.a, &posts, &[], &open, start);
    let want = balance(&state, params.standard, params.underload, params.overload);
    let got = u.app.posts_balance_figures(&admin(&u), u.a).await.unwrap();
    assert_eq!(got, want);
    assert_eq!(got.loads.len(), 2);
    // 甲: 992 + 496 = 1488 h; 乙: 496 + 992 = 1488 h.
    assert_eq!(got.loads[0].hours, rust_decimal::Decimal::from(1488));
    let reads = u.store.with_state(|s| s.posts.unit_reads).unwrap();
    assert_eq!(reads, 0, "the unit's posts or assignments were read whole");
}
