//! The inbox (待办与通知): notices written with the decisions, read marks per reader, the
//! waiting records of the workflows — on both backends.

use jiguan_app::App;
use jiguan_app::inbox::{InboxStore, Reader};
use jiguan_app::workflow::{SimpleStep, WorkflowStore};
use jiguan_domain::audit::{AuditEntry, ObjectKind};
use jiguan_domain::auth::Actor;
use jiguan_domain::inbox::decision_notice;
use jiguan_domain::workflow::{ORG_PLANS, Status, Step, StepInput};
use jiguan_store::SqlStore;

use crate::helpers::*;
use jiguan_testkit::fixtures;

async fn actor(app: &App, user: &str) -> Actor {
    app.login(user, jiguan_app::demo::DEMO_PASSWORD, "10.0.0.1")
        .await
        .unwrap()
        .session
        .actor
}

async fn count(s: &SqlStore, table: &str) -> i64 {
    fetch_i64(&s.db, &format!("SELECT COUNT(*) FROM {table}"), &[]).await
}

both!(inbox_notices_flow_items_and_read_marks);

async fn inbox_notices_flow_items_and_read_marks(pg: bool) {
    let t = fresh(pg).await;
    let s = SqlStore::open(&t.url).await.unwrap();
    let (app, d) = fixtures::demo(s.clone()).await.unwrap();
    let ua = actor(&app, "luotuo_admin").await;
    let staff = actor(&app, "luotuo_staff").await;
    let admin = actor(&app, "admin").await;
    let luotuo = ua.unit_id.unwrap();

    // The demo's approvals told the units' admins: luotuo's own notices only.
    let mine = s.notices_for(d, &Reader::of(&ua), 200).await.unwrap();
    assert!(!mine.is_empty());
    assert!(
        mine.iter()
            .all(|n| n.unit_id == luotuo && n.read_at.is_none())
    );
    assert!(mine.iter().any(|n| n.kind == "downsizing.plan.approve"));
    // Staff hear only of the two-way round applied in their own unit.
    assert!(
        s.notices_for(d, &Reader::of(&staff), 200)
            .await
            .unwrap()
            .iter()
            .all(|n| n.unit_id == luotuo && n.kind.starts_with("twoway."))
    );
    assert!(
        s.notices_for(d, &Reader::of(&admin), 200)
            .await
            .unwrap()
            .is_empty()
    );
    // Newest first, limited.
    let one = s.notices_for(d, &Reader::of(&ua), 1).await.unwrap();
    assert_eq!(one.len(), 1);
    assert_eq!(one[0].id, mine[0].id);

    // Read marks: once per reader, the first time kept.
    let at = chrono::Utc::now();
    let ids: Vec<_> = mine.iter().map(|n| (n.id, n.unit_id)).collect();
    s.mark_read(d, ua.user_id, &ids[..1], at).await.unwrap();
    s.mark_read(d, ua.user_id, &ids, at + chrono::Duration::hours(1))
        .await
        .unwrap();
    let after = s.notices_for(d, &Reader::of(&ua), 200).await.unwrap();
    assert!(after.iter().all(|n| n.read_at.is_some()));
    assert_eq!(
        after[0].read_at.map(|t| t.timestamp()),
        Some(at.timestamp()),
        "a notice read again keeps its first read time"
    );
    // A mark for another district's id is not written.
    let marks = count(&s, "notice_reads").await;
    s.mark_read(
        jiguan_domain::tenancy::DistrictId(d.0 + 999),
        ua.user_id,
        &ids,
        at,
    )
    .await
    .unwrap();
    assert_eq!(count(&s, "notice_reads").await, marks);

    // The waiting records of a workflow, of one unit or all.
    let drafts = s
        .flow_items(d, Some(luotuo), &ORG_PLANS, &[Status::Draft])
        .await
        .unwrap();
    assert_eq!(drafts.len(), 1, "the demo's luotuo plan is a draft");
    assert_eq!(drafts[0].unit_name, "骆驼街道");
    let applied = s
        .flow_items(d, None, &ORG_PLANS, &[Status::Applied, Status::Approved])
        .await
        .unwrap();
    assert!(!applied.is_empty() && applied.iter().all(|i| i.unit_id != luotuo));
    assert!(
        s.flow_items(d, None, &ORG_PLANS, &[])
            .await
            .unwrap()
            .is_empty()
    );

    // A decision and its notice land together: a stale move writes neither.
    let plan = drafts[0].id;
    let before = count(&s, "notices").await;
    let m = ORG_PLANS
        .start(
            Step::Reject,
            plan,
            Status::Submitted,
            "admin",
            chrono::Utc::now(),
            StepInput::rejection("理由").unwrap(),
        )
        .unwrap();
    let notices = decision_notice(&ORG_PLANS, ObjectKind::ReorgPlan, luotuo, &m, "x");
    assert_eq!(notices.len(), 1);
    let audit = AuditEntry::by(&admin, m.at).unit(luotuo);
    let r = s
        .move_status(&ORG_PLANS, d, luotuo, &m, &notices, audit)
        .await;
    assert!(r.is_err(), "the plan is a draft, not submitted");
    assert_eq!(count(&s, "notices").await, before);
    // Through the use cases: submit, reject; the notice carries the reason.
    app.org_submit_plan(&ua, luotuo, jiguan_domain::org::PlanId(plan))
        .await
        .unwrap();
    assert_eq!(
        count(&s, "notices").await,
        before,
        "a submission tells nobody"
    );
    app.step_plan(
        &admin,
        luotuo,
        jiguan_domain::org::PlanId(plan),
        SimpleStep::Reject("缺少说明"),
    )
    .await
    .unwrap();
    let n = s.notices_for(d, &Reader::of(&ua), 1).await.unwrap();
    assert_eq!(n[0].kind, "org.plan.reject");
    assert_eq!(n[0].params["comment"], "缺少说明");
    assert_eq!(n[0].link, format!("/units/{luotuo}/org/plans/{plan}"));
    assert!(n[0].read_at.is_none());
}
