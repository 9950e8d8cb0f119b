//! Campaign plan versions (竞争上岗方案) in storage: the plan round-trips as JSON, an edit
//! is guarded by the status it was read in, a new version keeps the family, and every
//! query is scoped by district and unit.

use jiguan_app::ports::{Conflict, StoreError, UnitAt};
use jiguan_app::selection::campaign::{CampaignAt, CampaignStore, CampaignWrite};
use jiguan_domain::audit::AuditEntry;
use jiguan_domain::auth::Role;
use jiguan_domain::org::BodyId;
use jiguan_domain::posts::PostLevel;
use jiguan_domain::selection::plan::{OfferedPost, Plan, PlanVersion};
use jiguan_domain::workflow::Status;
use jiguan_store::SqlStore;

use crate::helpers::*;

fn plan(title: &str) -> Plan {
    Plan::with_defaults(
        title,
        chrono::NaiveDate::from_ymd_opt(2026, 4, 30).unwrap(),
        vec![OfferedPost {
            body_id: BodyId(7),
            body_name: "党政综合办公室".into(),
            level: PostLevel::Deputy,
            seats: 2,
            sensitive: false,
        }],
    )
}

both!(campaign_versions_round_trip_and_stay_in_their_unit);

/// Version 1 of `plan` in `status`, as a store update takes it.
fn version(status: Status, plan: &Plan) -> PlanVersion {
    PlanVersion {
        version: 1,
        status,
        reason: String::new(),
        plan: plan.clone(),
    }
}

async fn campaign_versions_round_trip_and_stay_in_their_unit(pg: bool) {
    let t = fresh(pg).await;
    let s = SqlStore::open(&t.url).await.unwrap();
    let (d, u, sib, d2, u2) = two_districts(&s).await;
    let a = actor(d, Some(u), Role::UnitAdmin);
    let at = chrono::Utc::now();
    let audit = || AuditEntry::by(&a, at).unit(u);
    let w = CampaignWrite {
        family_id: None,
        version: 1,
        revision_reason: String::new(),
        plan: plan("2026年竞争上岗"),
    };
    let id = s
        .camp_create(UnitAt::unit(d, u), &w, audit())
        .await
        .unwrap();
    let c = s
        .camp_get(CampaignAt::new(d, u, id))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((c.family_id, c.version, c.status), (id.0, 1, Status::Draft));
    assert_eq!(c.plan, w.plan);
    // Other tenants see nothing.
    assert!(
        s.camp_get(CampaignAt::new(d, sib, id))
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        s.camp_get(CampaignAt::new(d2, u2, id))
            .await
            .unwrap()
            .is_none()
    );
    assert!(s.camp_list(d2, u2).await.unwrap().is_empty());
    // An edit read in another status is refused.
    let e = s
        .camp_update(
            CampaignAt::new(d, u, id),
            &version(Status::Submitted, &plan("改")),
            audit(),
        )
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Conflict(Conflict::Status)), "{e:?}");
    s.camp_update(
        CampaignAt::new(d, u, id),
        &version(Status::Draft, &plan("改名")),
        audit(),
    )
    .await
    .unwrap();
    assert_eq!(
        s.camp_get(CampaignAt::new(d, u, id))
            .await
            .unwrap()
            .unwrap()
            .title,
        "改名"
    );
    // A second version in the same family; a family of another unit is refused.
    let v2 = CampaignWrite {
        family_id: Some(id.0),
        version: 2,
        revision_reason: "任期调整".into(),
        plan: plan("改名 v2"),
    };
    let id2 = s
        .camp_create(UnitAt::unit(d, u), &v2, audit())
        .await
        .unwrap();
    let all = s.camp_list(d, u).await.unwrap();
    assert_eq!(all.len(), 2);
    assert!(all.iter().all(|c| c.family_id == id.0));
    assert_eq!(
        s.camp_get(CampaignAt::new(d, u, id2))
            .await
            .unwrap()
            .unwrap()
            .revision_reason,
        "任期调整"
    );
    assert!(matches!(
        s.camp_create(UnitAt::unit(d, sib), &v2, audit()).await,
        Err(StoreError::NotFound)
    ));
}
