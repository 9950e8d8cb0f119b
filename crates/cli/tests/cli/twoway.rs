//! The two-way selection commands (`jiguan twoway …`) on the demo database: the rounds
//! listed, the open round matched by the unit administrator, choices refused with the
//! field named.

use serde_json::Value;

use jiguan_store::SqlStore;

use crate::helpers::*;
use jiguan_testkit::fixtures;

#[test]
fn twoway_rounds_match_and_refused_choices() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("d.db").to_string_lossy().into_owned();
    rt().block_on(async {
        let store = SqlStore::open(&db).await.unwrap();
        fixtures::demo(store.clone()).await.unwrap();
        store.db.close().await;
    });
    let run = |args: &[&str]| {
        let mut all = vec!["--database", db.as_str()];
        all.extend_from_slice(args);
        run_in(dir.path(), &all)
    };
    let r = run(&[
        "twoway",
        "rounds",
        "--district",
        "zhenhai",
        "--unit",
        "luotuo",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", r.stdout);
    assert!(lines[0].contains("\topen\t") && lines[1].contains("\tapplied\t"));
    let open = lines[0].split('\t').next().unwrap().to_string();
    // Nobody chose yet: everyone is unplaced, no blocking pair.
    let r = run(&["twoway", "match", "--as", "luotuo_admin", "--round", &open]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: Value = serde_json::from_str(r.stdout.trim()).unwrap();
    assert_eq!(v["outcome"]["blocking_pairs"], 0);
    assert!(
        v["outcome"]["people"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["post_id"].is_null())
    );
    // A choice of a post not offered is refused, naming the row.
    let file = dir.path().join("prefs.json");
    std::fs::write(&file, r#"[{"person":"999999","prefs":["1"]}]"#).unwrap();
    let r = run(&[
        "twoway",
        "import-prefs",
        "--as",
        "luotuo_admin",
        "--round",
        &open,
        file.to_str().unwrap(),
    ]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("rows.0.person"), "{}", r.stderr);
    // Staff may not match.
    let r = run(&["twoway", "match", "--as", "luotuo_staff", "--round", &open]);
    assert_ne!(r.code, 0);
}
