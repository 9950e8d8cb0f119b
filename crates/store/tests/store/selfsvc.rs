//! Staff self-service (个人中心): the account ↔ person link on both backends.

use jiguan_app::ports::{AuditStore, StoreError, UserStore};
use jiguan_domain::audit::{AuditAction, ObjectKind};
use jiguan_domain::auth::Role;
use jiguan_domain::people::{PersonForm, PersonId};
use jiguan_store::SqlStore;
use jiguan_testkit::fixtures::{self, id_number};

use crate::helpers::*;

both!(user_person_link);

async fn user_person_link(pg: bool) {
    let t = fresh(pg).await;
    let s = SqlStore::open(&t.url).await.unwrap();
    let (d1, a, _b, d2, _c) = two_districts(&s).await;
    let app = fixtures::app(s.clone());
    let ua = actor(d1, Some(a), Role::UnitAdmin);
    let form = |name: &str, seq| PersonForm {
        name: name.into(),
        id_number: id_number("19880315", seq),
        identity: "临时工".into(),
        establishment: "编外".into(),
        ..Default::default()
    };
    let p1 = app
        .create_person(&ua, a, &form("甲", 11), &Default::default())
        .await
        .unwrap();
    let p2 = app
        .create_person(&ua, a, &form("乙", 13), &Default::default())
        .await
        .unwrap();
    let mut nu = new_user(d1, Some(a), "staff_a", vec![Role::Staff]);
    nu.person_id = Some(p1);
    let audit = || {
        app.system_audit(d1)
            .did(AuditAction::UserLinkPerson)
            .on(ObjectKind::User, 0)
    };
    let u1 = s.create_user(&nu, audit()).await.unwrap();
    let u2 = s
        .create_user(
            &new_user(d1, Some(a), "staff_b", vec![Role::Staff]),
            audit(),
        )
        .await
        .unwrap();
    assert_eq!(
        s.get_user(d1, u1).await.unwrap().unwrap().person_id,
        Some(p1)
    );
    assert_eq!(
        s.find_user_by_person(d1, p1).await.unwrap().map(|u| u.id),
        Some(u1)
    );
    // A person already linked is refused, and nothing (not even the audit row) is written.
    let before = s.audit_count().await.unwrap();
    assert_eq!(
        s.set_user_person(d1, u2, Some(p1), audit()).await,
        Err(StoreError::Conflict(jiguan_app::ports::Conflict::Unique(
            jiguan_app::ports::UniqueKey::Id
        )))
    );
    assert_eq!(s.audit_count().await.unwrap(), before);
    // Relinking the same account to another person, and unlinking.
    s.set_user_person(d1, u1, Some(p2), audit()).await.unwrap();
    s.set_user_person(d1, u2, Some(p1), audit()).await.unwrap();
    assert_eq!(
        s.find_user_by_person(d1, p1).await.unwrap().map(|u| u.id),
        Some(u2)
    );
    s.set_user_person(d1, u2, None, audit()).await.unwrap();
    assert!(s.find_user_by_person(d1, p1).await.unwrap().is_none());
    // Another district's id is not found.
    assert_eq!(
        s.set_user_person(d2, u1, None, audit()).await,
        Err(StoreError::NotFound)
    );
    assert!(
        s.find_user_by_person(d2, PersonId(p2.0))
            .await
            .unwrap()
            .is_none()
    );
}
