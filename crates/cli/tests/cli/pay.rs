//! The pay commands (`jiguan pay …`) on the demo database: the district sets a pool, the
//! unit creates a run, the appraisal of a year not confirmed is refused naming the year,
//! lines are imported and the shares sum to the pool; staff may not create a run.

use serde_json::Value;

use jiguan_store::SqlStore;

use crate::helpers::*;
use jiguan_testkit::fixtures;

#[test]
fn pay_pool_run_lines_and_compute() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("d.db").to_string_lossy().into_owned();
    let person = rt().block_on(async {
        let store = SqlStore::open(&db).await.unwrap();
        let (_, d) = fixtures::demo(store.clone()).await.unwrap();
        let u = jiguan_app::ports::TenancyStore::find_unit(&store, d, "luotuo")
            .await
            .unwrap()
            .unwrap()
            .id;
        let p = jiguan_app::people::PeopleStore::export_people(
            &store,
            d,
            &jiguan_app::people::PeopleFilter {
                unit_id: Some(u),
                home_only: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        store.db.close().await;
        p[0].id
    });
    let run = |args: &[&str]| {
        let mut all = vec!["--database", db.as_str()];
        all.extend_from_slice(args);
        run_in(dir.path(), &all)
    };
    // 骆驼街道's 2019 run is listed as paid out.
    let r = run(&["pay", "runs", "--as", "luotuo_admin"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("\t2019\tapplied\t"), "{}", r.stdout);
    // The district sets the 2020 pool; the unit creates its run.
    let r = run(&[
        "pay", "pool", "--as", "admin", "--unit", "luotuo", "--year", "2020", "--amount", "1000.00",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(&["pay", "create", "--as", "luotuo_admin", "--year", "2020"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let id = r.stdout.trim().to_string();
    // No confirmed 2020 appraisal: refused, naming the year.
    let r = run(&[
        "pay",
        "from-appraisal",
        "--as",
        "luotuo_admin",
        "--run",
        &id,
    ]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("year"), "{}", r.stderr);
    // Lines from a file, then the shares: they sum to the pool.
    let file = dir.path().join("lines.json");
    std::fs::write(
        &file,
        format!(r#"[{{"person_id":"{person}","grade":"excellent","months":"12"}}]"#),
    )
    .unwrap();
    let f = file.to_str().unwrap();
    let r = run(&["pay", "lines", "--as", "luotuo_admin", "--run", &id, f]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(&["pay", "compute", "--as", "luotuo_admin", "--run", &id]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: Value = serde_json::from_str(r.stdout.trim()).unwrap();
    let lines = v["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 1, "{v}");
    assert_eq!(lines[0]["share"], v["pool"], "{v}");
    // Staff may not create a run.
    let r = run(&["pay", "create", "--as", "luotuo_staff", "--year", "2021"]);
    assert_ne!(r.code, 0);
}

/// Load-test pay data and the district report from the command line: `demo-data
/// --pay-year` computes a run for every unit; `pay report` lists each unit's spread; a unit
/// account may not read the district report.
#[test]
fn demo_data_pay_year_and_the_district_report() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db").to_string_lossy().into_owned();
    let run = |args: &[&str]| {
        let mut all = vec!["--database", db.as_str()];
        all.extend_from_slice(args);
        run_in(dir.path(), &all)
    };
    let r = run(&[
        "demo-data",
        "--scale",
        "province",
        "--districts",
        "1",
        "--units",
        "3",
        "--staff",
        "10",
        "--pay-year",
        "2019",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("3 pay runs of 2019 computed"),
        "{}",
        r.stdout
    );
    let r = run(&["pay", "report", "--as", "p001_admin", "--year", "2019"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: Value = serde_json::from_str(r.stdout.trim()).unwrap();
    let units = v["units"].as_array().unwrap();
    assert_eq!(units.len(), 3, "{v}");
    // 10 people × 12,000 × 1.00 each, split to the fen.
    assert!(units.iter().all(|u| u["pool"] == "120000.00"), "{v}");
    let r = run(&["pay", "report", "--as", "p001_admin", "--year", "1800"]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("year"), "{}", r.stderr);
}
