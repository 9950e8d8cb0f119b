//! The selection commands (`jiguan selection …`) against the real binary: campaigns
//! listed, written-exam scores imported from a file (a bad row refused whole, naming the
//! row and column), and the results as a table and as JSON citing the plan version.

use serde_json::Value;

use jiguan_domain::auth::Role;
use jiguan_domain::tenancy::UnitKind;
use jiguan_store::SqlStore;
use jiguan_testkit::fixtures;

use crate::helpers::*;

#[test]
fn selection_campaigns_exam_import_and_results() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db").to_string_lossy().into_owned();
    let sc = rt().block_on(async {
        let store = SqlStore::open(&db).await.unwrap();
        let (d, units) = fixtures::district(
            &store,
            "zhenhai",
            "镇海区",
            &[("luotuo", "骆驼街道", UnitKind::Subdistrict)],
        )
        .await
        .unwrap();
        let app = fixtures::app(store.clone());
        app.system_create_user(
            d,
            Some(units[0]),
            "luotuo_hr",
            "组织人事办",
            &[Role::UnitAdmin],
            "Passw0rd!Passw0rd",
            false,
        )
        .await
        .unwrap();
        let sc = fixtures::selection_campaign(&app, d, units[0], 100)
            .await
            .unwrap();
        store.db.close().await;
        sc
    });
    let run = |args: &[&str]| {
        let mut all = vec!["--database", db.as_str()];
        all.extend_from_slice(args);
        run_in(dir.path(), &all)
    };
    let r = run(&at_luotuo(&["selection", "campaigns"], &[]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .starts_with(&format!("{}\tv1\tapplied\t", sc.campaign)),
        "{}",
        r.stdout
    );
    let id = sc.campaign.to_string();
    // A bad row: nothing imported, the row and the column named.
    let file = dir.path().join("exam.csv");
    let jia = sc.app("甲").0;
    let yi = sc.app("乙").0;
    std::fs::write(
        &file,
        format!("报名编号,姓名,竞聘岗位,笔试成绩\n{jia},甲,,88\n{yi},乙,,一百\n"),
    )
    .unwrap();
    let f = file.to_string_lossy().into_owned();
    let r = run(&[
        "selection",
        "import-exam",
        "--as",
        "luotuo_hr",
        "--campaign",
        &id,
        &f,
    ]);
    assert_ne!(r.code, 0);
    assert!(
        r.stderr
            .contains("selection_import_score_invalid row=3 column=笔试成绩"),
        "{}",
        r.stderr
    );
    let r = run(&at_luotuo(
        &["selection", "results"],
        &["--campaign", &id, "--json"],
    ));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: Value = serde_json::from_str(r.stdout.trim()).unwrap();
    assert!(v["posts"][0]["lines"][0]["scores"]["written"].is_null());
    // A good file.
    std::fs::write(
        &file,
        format!("报名编号,姓名,竞聘岗位,笔试成绩\n{jia},甲,,88\n{yi},乙,,84.995\n"),
    )
    .unwrap();
    let r = run(&[
        "selection",
        "import-exam",
        "--as",
        "luotuo_hr",
        "--campaign",
        &id,
        &f,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("imported 2"), "{}", r.stdout);
    // The results, JSON: cited, the written scores in, interview still missing.
    let r = run(&at_luotuo(
        &["selection", "results"],
        &["--campaign", &id, "--json"],
    ));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: Value = serde_json::from_str(r.stdout.trim()).unwrap();
    assert_eq!(v["campaign_id"], sc.campaign.0);
    assert_eq!(v["plan_version"], 1);
    let lines = v["posts"][0]["lines"].as_array().unwrap();
    let yi_line = lines
        .iter()
        .find(|l| l["candidate"]["name"] == "乙")
        .unwrap();
    assert_eq!(yi_line["scores"]["written"], "85.00");
    assert!(
        yi_line["missing"]
            .as_array()
            .unwrap()
            .contains(&Value::from("interview"))
    );
    // The table.
    let r = run(&at_luotuo(&["selection", "results"], &["--campaign", &id]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("plan version 1"), "{}", r.stdout);
    assert!(r.stdout.contains("乙\t85.00\t-\t-\t-"), "{}", r.stdout);
    assert!(r.stdout.contains("missing interview"), "{}", r.stdout);
}
