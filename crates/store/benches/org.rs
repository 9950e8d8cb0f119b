//! Organisation benchmarks (not timed tests): applying a 100-operation plan to a 50-body
//! unit, and drawing the org charts of a district of 50 units. Run with
//! `cargo bench -p jiguan-store --bench org`; figures go to docs/PERFORMANCE.md.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use jiguan_app::org::StructureWrite;
use jiguan_app::org::chart::{ChartText, district_svg, svg};
use jiguan_app::workflow::SimpleStep;
use jiguan_app::{App, AppConfig, SystemClock};
use jiguan_domain::auth::{Actor, Role};
use jiguan_domain::org::plan::{PlanOp, apply};
use jiguan_domain::org::{
    Body, BodyId, BodyKind, BodyStatus, FunctionCategory, FunctionId, FunctionInput, FunctionItem,
    ReviewDecision, Structure,
};
use jiguan_domain::tenancy::{DistrictId, UnitId, UnitInput, UnitKind, UserId};
use jiguan_store::SqlStore;

/// A unit of `n` bodies (a few hosting others) and `n` function items, all new.
fn unit_structure(n: i64) -> Structure {
    let bodies = (1..=n)
        .map(|i| Body {
            id: BodyId(-i),
            name: format!("机构{i:03}"),
            short_name: String::new(),
            kind: BodyKind::ALL[(i as usize) % BodyKind::ALL.len()],
            parent: (i > 10).then(|| BodyId(-(1 + i % 10))),
            status: BodyStatus::Active,
            establishment: 3 + i % 5,
            head: format!("负责人{i}"),
            doc_no: "编〔2018〕1号".into(),
            records: vec![],
        })
        .collect();
    let functions = (1..=n)
        .map(|i| FunctionItem {
            id: FunctionId(-i),
            input: FunctionInput {
                code: format!("F{i:03}"),
                title: format!("职能事项{i}"),
                category: FunctionCategory::ALL[(i as usize) % FunctionCategory::ALL.len()],
                legal_basis: String::new(),
                owners: vec![BodyId(-(1 + i % n))],
                decision: Some(ReviewDecision::Keep),
                reason: String::new(),
            },
        })
        .collect();
    Structure {
        bodies,
        functions,
        ..Structure::default()
    }
}

/// 100 operations over a 50-body unit whose bodies have ids `ids` and items `items`:
/// 15 creates, 25 renames, 10 merges (2 sources each), 5 abolitions, 5 conversions,
/// 40 function moves.
fn hundred_ops(ids: &[BodyId], items: &[FunctionId]) -> Vec<PlanOp> {
    let mut ops = Vec::new();
    for t in 1..=15 {
        ops.push(PlanOp::Create {
            temp: BodyId(-t),
            name: format!("新中心{t}"),
            short_name: String::new(),
            kind: BodyKind::Centre,
            parent: None,
            establishment: 5,
        });
    }
    for (i, b) in ids.iter().take(25).enumerate() {
        ops.push(PlanOp::Rename {
            body: *b,
            name: format!("更名机构{i}"),
            short_name: String::new(),
        });
    }
    // Bodies 25..45 merge pairwise into the new centres; 45..50 are converted; 40 items move.
    for k in 0..10 {
        ops.push(PlanOp::Merge {
            sources: vec![ids[25 + 2 * k], ids[26 + 2 * k]],
            into: BodyId(-(1 + k as i64)),
        });
    }
    for k in 0..5 {
        ops.push(PlanOp::Abolish { body: ids[k] });
        ops.push(PlanOp::Convert { body: ids[45 + k] });
    }
    for (i, f) in items.iter().take(40).enumerate() {
        ops.push(PlanOp::MoveFunction {
            item: *f,
            to: Some(BodyId(-(1 + (i as i64 % 15)))),
        });
    }
    assert_eq!(ops.len(), 100);
    ops
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

async fn setup_units(
    s: &SqlStore,
    d: DistrictId,
    prefix: &str,
    n: usize,
    bodies: i64,
) -> Vec<UnitId> {
    use jiguan_app::org::OrgStore;
    use jiguan_app::ports::TenancyStore;
    let mut out = Vec::new();
    for i in 0..n {
        let code = format!("{prefix}{i:03}");
        let u = s
            .create_unit(
                d,
                &UnitInput {
                    code: code.clone(),
                    name: format!("单位{i}"),
                    kind: UnitKind::Town,
                },
                jiguan_app::users::system_entry(d, None, "unit.create", "unit", &code, None),
            )
            .await
            .unwrap();
        let w = StructureWrite {
            staff: vec![],
            on: chrono::NaiveDate::from_ymd_opt(2018, 1, 1).unwrap(),
            stamp: 0,
            before: Structure::default(),
            after: unit_structure(bodies),
            plan: None,
        };
        let audit = jiguan_app::users::system_entry(
            d,
            Some(u),
            "org.seed",
            "unit",
            u,
            Some(serde_json::json!({})),
        );
        s.write_structure(d, u, &w, audit).await.unwrap();
        out.push(u);
    }
    out
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let url = dir.path().join("bench.db").to_string_lossy().to_string();
    let store = SqlStore::open(&url).await.unwrap();
    let d = {
        use jiguan_app::ports::TenancyStore;
        store
            .create_district("bench", "基准区", chrono::Utc::now())
            .await
            .unwrap()
    };
    let app = App::new(
        Arc::new(store.clone()),
        AppConfig::for_tests(),
        Arc::new(SystemClock),
    );
    let admin = Actor {
        user_id: UserId(0),
        username: "bench".into(),
        display_name: String::new(),
        district_id: d,
        unit_id: None,
        roles: vec![Role::DistrictAdmin],
    };

    // 1. A 100-operation plan on a 50-body unit: pure apply, preview, and the stored apply.
    let runs = 7;
    let units = setup_units(&store, d, "a", runs, 50).await;
    let mut pure = Vec::new();
    let mut stored = Vec::new();
    for u in &units {
        let ua = Actor {
            unit_id: Some(*u),
            roles: vec![Role::UnitAdmin],
            ..admin.clone()
        };
        let s = app.org_structure(&ua, *u, None).await.unwrap();
        let ids: Vec<BodyId> = s.bodies.iter().map(|b| b.id).collect();
        let items: Vec<FunctionId> = s.functions.iter().map(|f| f.id).collect();
        let ops = hundred_ops(&ids, &items);
        let t = Instant::now();
        let after = apply(&s, &ops, "编〔2019〕1号").unwrap();
        pure.push(t.elapsed());
        assert_eq!(after.counts().active, 50 + 15 - 20 - 10);
        let p = app.org_create_plan(&ua, *u, "基准方案").await.unwrap();
        {
            use jiguan_app::org::OrgStore;
            let audit =
                jiguan_app::users::system_entry(d, Some(*u), "bench", "reorg_plan", p, None);
            store.save_plan_ops(d, *u, p, &ops, audit).await.unwrap();
        }
        app.org_submit_plan(&ua, *u, p).await.unwrap();
        app.step_plan(&admin, *u, p, SimpleStep::Approve("编〔2019〕1号"))
            .await
            .unwrap();
        let t = Instant::now();
        app.org_apply_plan(&admin, *u, p, "2019-07-01")
            .await
            .unwrap();
        stored.push(t.elapsed());
    }
    println!("apply 100 operations to a 50-body unit (median of {runs}):");
    println!("  pure apply (preview)        {}", ms(median(pure)));
    println!(
        "  stored apply (load, apply, write versions, audit, one transaction, SQLite)  {}",
        ms(median(stored))
    );

    // 2. The charts of a district of 50 units of 50 bodies: render only, and load + render.
    let district_units = setup_units(&store, d, "c", 50, 50).await;
    let hc = |_b: BodyId| Some(7);
    let text = ChartText::zh(&hc);
    let mut loaded = Vec::new();
    let t = Instant::now();
    for u in &district_units {
        loaded.push((
            format!("单位{u}"),
            app.org_structure(&admin, *u, None).await.unwrap(),
        ));
    }
    let load = t.elapsed();
    let mut render = Vec::new();
    let mut bytes = 0;
    for _ in 0..5 {
        let t = Instant::now();
        let all = district_svg(&loaded, &text);
        render.push(t.elapsed());
        bytes = all.len();
    }
    let one = {
        let t = Instant::now();
        let s = svg(&loaded[0].1, "one", &text);
        let e = t.elapsed();
        assert!(s.len() > 1000);
        e
    };
    println!("charts of a district of 50 units × 50 bodies:");
    println!("  load 50 structures from SQLite  {}", ms(load));
    println!(
        "  render 50 charts (one SVG, {} KiB), median of 5  {}",
        bytes / 1024,
        ms(median(render))
    );
    println!("  render one unit's chart  {}", ms(one));
}
