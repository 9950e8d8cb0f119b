//! The dashboard (工作台) reads with a fixed number of statements: the same for a district
//! of one small unit as for one of several larger units (issue 17: its figures come from
//! one statement per table for all the visible units, counters and aggregates, never a
//! statement per unit or a read of every person). And it is kept on the district's audit
//! head: asked again it reads the head alone, and any write (of this server, of another
//! process), another scope or another day reads it afresh.

use std::sync::Arc;

use chrono::{Duration, Utc};
use jiguan_app::dashboard::Figures;
use jiguan_app::org::CapsForm;
use jiguan_app::tenancy::Dashboard;
use jiguan_app::{App, ManualClock};
use jiguan_domain::auth::{Actor, Role};
use jiguan_domain::tenancy::{DistrictId, UnitId};
use jiguan_store::SqlStore;
use jiguan_store::db::{statements_run_here, write_mark};
use jiguan_store::scale::Scale;

use crate::helpers::*;

both!(dashboard_statements_do_not_grow_with_units_or_people);
both!(dashboard_kept_reads_the_audit_head_alone);
both!(dashboard_kept_follows_every_write_of_this_server_and_another);
both!(dashboard_kept_per_scope);
both!(dashboard_kept_per_day);

/// A new district of `units` × `staff` (codes `{prefix}001`) and its first unit.
async fn district_of(s: &SqlStore, prefix: &str, units: u32, staff: u32) -> (DistrictId, UnitId) {
    let scale = Scale {
        districts: 1,
        units,
        staff,
    };
    s.write_scale(scale, prefix, "hash", chrono::Utc::now(), |_, _| {})
        .await
        .unwrap();
    let r =
        s.db.fetch_one(
            "SELECT d.id, MIN(u.id) FROM districts d JOIN units u ON u.district_id = d.id \
             WHERE d.code = $1 GROUP BY d.id",
            &[format!("{prefix}001").into()],
        )
        .await
        .unwrap();
    (DistrictId(r.get(0).unwrap()), UnitId(r.get(1).unwrap()))
}

/// The statements of what the dashboard page asks for (the overview and the figures).
async fn statements(app: &App, a: &Actor) -> u64 {
    let before = statements_run_here();
    let d = app.dashboard(a).await.unwrap();
    let f = app.dashboard_figures(a, &d).await.unwrap().unwrap();
    assert!(!f.units.is_empty());
    statements_run_here() - before
}

async fn dashboard_statements_do_not_grow_with_units_or_people(pg: bool) {
    let db = fresh(pg).await;
    let s = SqlStore::open(&db.url).await.unwrap();
    let small = district_of(&s, "a", 1, 5).await;
    let large = district_of(&s, "b", 6, 40).await;
    let clock = Arc::new(ManualClock::new(Utc::now()));
    // Each request cold: a new application, which has kept nothing (the kept dashboard
    // answers with the head alone, `dashboard_kept_reads_the_audit_head_alone`).
    let mut counts = Vec::new();
    for (d, u) in [small, large, small, large] {
        let da = statements(&app_on(&s, &clock), &actor(d, None, Role::DistrictAdmin)).await;
        let ua = statements(&app_on(&s, &clock), &actor(d, Some(u), Role::UnitAdmin)).await;
        counts.push((da, ua));
    }
    eprintln!("dashboard statements (district admin, unit admin): {counts:?}");
    assert_eq!(
        counts[0], counts[1],
        "a district with more units and people"
    );
    assert_eq!(counts[2], counts[3], "the same, read again");
    // The page's two calls read the unit list once (`App::dashboard` hands its visible
    // units to `dashboard_figures`): one statement more if the second read came back. One
    // of them reads the district's audit head, the version the dashboard is kept under.
    // The unit's workload balance is one statement (`load_parts`), not the posts, their
    // items and the open assignments (three).
    assert_eq!(
        counts[0],
        (21, 26),
        "statements per cold dashboard (district admin, unit admin)"
    );
}

fn app_on(s: &SqlStore, clock: &Arc<ManualClock>) -> App {
    App::new(
        Arc::new(s.clone()),
        jiguan_app::AppConfig::for_tests(),
        clock.clone(),
    )
}

/// The overview and the figures as the dashboard page asks for them.
async fn page(app: &App, a: &Actor) -> (Dashboard, Option<Figures>) {
    let d = app.dashboard(a).await.unwrap();
    let f = app.dashboard_figures(a, &d).await.unwrap();
    (d, f)
}

/// What the page shows, comparable: the overview, its units and the figures.
async fn shown(app: &App, a: &Actor) -> String {
    let (d, f) = page(app, a).await;
    let units: Vec<i64> = d.units.iter().map(|u| u.id.0).collect();
    serde_json::json!({"dash": d, "units": units, "figures": f}).to_string()
}

/// Caps of `bodies` bodies (and 2 chiefs, 2 deputies) from `from`.
fn caps(bodies: i64, from: chrono::NaiveDate) -> CapsForm {
    CapsForm {
        max_bodies: bodies.to_string(),
        max_chiefs: "2".into(),
        max_deputies: "2".into(),
        doc_no: "编〔2026〕1号".into(),
        valid_from: from.to_string(),
    }
}

/// The approved bodies of `unit` on the actor's dashboard.
async fn approved_bodies(app: &App, a: &Actor, unit: UnitId) -> Option<i64> {
    let (_, f) = page(app, a).await;
    f.unwrap()
        .units
        .iter()
        .find(|u| u.unit.id == unit)
        .expect("the unit is on the dashboard")
        .bodies
        .approved
}

/// Two districts (the first of two units, the second of one) on a fresh database, a
/// manual clock and an application over them.
struct Setup {
    db: TestDb,
    s: SqlStore,
    clock: Arc<ManualClock>,
    app: App,
    ids: (DistrictId, UnitId, UnitId, DistrictId, UnitId),
    /// Today in China time.
    day: chrono::NaiveDate,
}

async fn setup(pg: bool) -> Setup {
    let db = fresh(pg).await;
    let s = SqlStore::open(&db.url).await.unwrap();
    let ids = two_districts(&s).await;
    let clock = Arc::new(ManualClock::new(Utc::now()));
    let app = app_on(&s, &clock);
    let day = app.org_today();
    Setup {
        db,
        s,
        clock,
        app,
        ids,
        day,
    }
}

/// Asked again, the dashboard reads the district's audit head and nothing else: one
/// statement for the overview, none for the figures beyond the inbox's (kept by its own
/// rule, `inbox_shared`: none while no write of this process moved the store's write
/// mark, else its cold read). The answer is the one a cold application gives.
async fn dashboard_kept_reads_the_audit_head_alone(pg: bool) {
    let db = fresh(pg).await;
    let s = SqlStore::open(&db.url).await.unwrap();
    let (d, u) = district_of(&s, "k", 2, 5).await;
    let clock = Arc::new(ManualClock::new(Utc::now()));
    for a in [
        actor(d, None, Role::DistrictAdmin),
        actor(d, Some(u), Role::UnitAdmin),
    ] {
        let app = app_on(&s, &clock);
        let cold = statements(&app, &a).await;
        assert!(cold > 20, "the first request reads the store: {cold}");
        // The inbox's own statements when it is read afresh.
        let before = statements_run_here();
        app.todos(&a).await.unwrap();
        app.notices(&a).await.unwrap();
        let inbox = statements_run_here() - before;
        let mut quiet = false;
        for _ in 0..20 {
            let mark = write_mark();
            app.inbox_shared(&a).await.unwrap();
            let t0 = statements_run_here();
            let dash = app.dashboard(&a).await.unwrap();
            let t1 = statements_run_here();
            let f = app.dashboard_figures(&a, &dash).await.unwrap();
            let t2 = statements_run_here();
            assert!(f.is_some());
            assert_eq!(
                t1 - t0,
                1,
                "{:?}: the overview reads the head alone",
                a.roles
            );
            let moved = write_mark() != mark;
            assert!(
                t2 - t1 == 0 || (moved && t2 - t1 == inbox),
                "{:?}: the figures read {} statements (the inbox's: {inbox})",
                a.roles,
                t2 - t1
            );
            if !moved {
                quiet = true;
                break;
            }
            // Another test of this binary wrote meanwhile: ask again.
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        assert!(quiet, "no quiet moment to measure in");
        assert_eq!(
            shown(&app, &a).await,
            shown(&app_on(&s, &clock), &a).await,
            "the kept dashboard is the one read afresh"
        );
    }
}

/// A write through a use case of this server shows on the next dashboard, and so does one
/// of another process (a second store and application on the same database: the head is
/// in the database, not in this process).
async fn dashboard_kept_follows_every_write_of_this_server_and_another(pg: bool) {
    let t = setup(pg).await;
    let (app, (d, a, _, _, _), day) = (&t.app, t.ids, t.day);
    let da = actor(d, None, Role::DistrictAdmin);
    assert_eq!(approved_bodies(app, &da, a).await, None);
    assert_eq!(approved_bodies(app, &da, a).await, None, "kept");
    // This server's use case.
    app.org_set_caps(&da, a, &caps(3, day)).await.unwrap();
    assert_eq!(approved_bodies(app, &da, a).await, Some(3));
    let units = app.dashboard(&da).await.unwrap().unit_count;
    // Another process: its own pool on the same database.
    let other = SqlStore::open(&t.db.url).await.unwrap();
    let app2 = app_on(&other, &t.clock);
    app2.org_set_caps(&da, a, &caps(5, day)).await.unwrap();
    assert_eq!(approved_bodies(app, &da, a).await, Some(5));
    app2.create_unit(&da, "xinzhen", "新镇", "town")
        .await
        .unwrap();
    assert_eq!(app.dashboard(&da).await.unwrap().unit_count, units + 1);
    assert_eq!(
        shown(app, &da).await,
        shown(&app_on(&t.s, &t.clock), &da).await
    );
}

/// Two actors never see each other's kept figures: other districts, other units, other
/// roles of the same unit and district, asked in turns on one application, each get what
/// a cold application gives them.
async fn dashboard_kept_per_scope(pg: bool) {
    let t = setup(pg).await;
    let (app, (d1, a, b, d2, c), day) = (&t.app, t.ids, t.day);
    app.org_set_caps(&actor(d1, None, Role::DistrictAdmin), a, &caps(3, day))
        .await
        .unwrap();
    app.org_set_caps(&actor(d1, None, Role::DistrictAdmin), b, &caps(4, day))
        .await
        .unwrap();
    let actors = [
        actor(d1, None, Role::DistrictAdmin),
        actor(d1, None, Role::Auditor),
        actor(d1, Some(a), Role::UnitAdmin),
        actor(d1, Some(a), Role::BodyHead),
        actor(d1, Some(b), Role::UnitAdmin),
        actor(d1, Some(a), Role::Staff),
        actor(d2, None, Role::DistrictAdmin),
        actor(d2, Some(c), Role::UnitAdmin),
    ];
    let mut fresh_views = Vec::new();
    for x in &actors {
        fresh_views.push(shown(&app_on(&t.s, &t.clock), x).await);
    }
    for round in 0..2 {
        for (x, want) in actors.iter().zip(&fresh_views) {
            assert_eq!(
                &shown(app, x).await,
                want,
                "round {round}: {:?} of unit {:?} in district {:?}",
                x.roles,
                x.unit_id,
                x.district_id
            );
        }
    }
    // The scopes differ in what they show.
    let (_, ua) = page(app, &actors[2]).await;
    let (_, bh) = page(app, &actors[3]).await;
    let (ua, bh) = (ua.unwrap(), bh.unwrap());
    assert!(
        ua.routes.is_some() && bh.routes.is_none(),
        "downsizing by role"
    );
    assert_eq!(ua.units.len(), 1);
    assert_eq!(ua.units[0].unit.id, a);
    let (_, ub) = page(app, &actors[4]).await;
    assert_eq!(ub.unwrap().units[0].unit.id, b);
    let (_, dist) = page(app, &actors[0]).await;
    assert_eq!(dist.unwrap().units.len(), 2);
}

/// The figures are of a day: a cap from tomorrow is not in force today, even asked again,
/// and is the next day, without any write in between.
async fn dashboard_kept_per_day(pg: bool) {
    let t = setup(pg).await;
    let (app, (d, a, _, _, _), day) = (&t.app, t.ids, t.day);
    let da = actor(d, None, Role::DistrictAdmin);
    app.org_set_caps(&da, a, &caps(3, day)).await.unwrap();
    app.org_set_caps(&da, a, &caps(7, day + Duration::days(1)))
        .await
        .unwrap();
    assert_eq!(approved_bodies(app, &da, a).await, Some(3));
    assert_eq!(approved_bodies(app, &da, a).await, Some(3), "kept");
    t.clock.advance(Duration::days(1));
    let before = statements_run_here();
    assert_eq!(approved_bodies(app, &da, a).await, Some(7), "the next day");
    assert!(
        statements_run_here() - before > 1,
        "a new day reads the figures afresh"
    );
}
