//! The dashboard (工作台) reads with a fixed number of statements: the same for a district
//! of one small unit as for one of several larger units (issue 17: its figures come from
//! one statement per table for all the visible units, counters and aggregates, never a
//! statement per unit or a read of every person).

use std::sync::Arc;

use jiguan_app::{App, ManualClock};
use jiguan_domain::auth::{Actor, Role};
use jiguan_domain::tenancy::{DistrictId, UnitId};
use jiguan_store::SqlStore;
use jiguan_store::db::statements_run_here;
use jiguan_store::scale::Scale;

use crate::helpers::*;

both!(dashboard_statements_do_not_grow_with_units_or_people);

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
    let app = App::new(
        Arc::new(s.clone()),
        jiguan_app::AppConfig::for_tests(),
        Arc::new(ManualClock::new(chrono::Utc::now())),
    );
    let mut counts = Vec::new();
    for (d, u) in [small, large, small, large] {
        let da = statements(&app, &actor(d, None, Role::DistrictAdmin)).await;
        let ua = statements(&app, &actor(d, Some(u), Role::UnitAdmin)).await;
        counts.push((da, ua));
    }
    eprintln!("dashboard statements (district admin, unit admin): {counts:?}");
    assert_eq!(
        counts[0], counts[1],
        "a district with more units and people"
    );
    assert_eq!(counts[2], counts[3], "the same, read again");
    // The page's two calls read the unit list once (`App::dashboard` hands its visible
    // units to `dashboard_figures`): one statement more if the second read came back. The
    // unit's workload balance is one statement (`load_parts`), not the posts, their items
    // and the open assignments (three).
    assert_eq!(
        counts[0],
        (20, 25),
        "statements per dashboard (district admin, unit admin)"
    );
}
