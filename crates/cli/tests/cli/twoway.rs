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
    let db = demo_db(dir.path(), "d.db");
    let run = |args: &[&str]| run_db(dir.path(), &db, args);
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

/// `jiguan twoway import-prefs` reads an Excel workbook laid out as the page's template:
/// errors name the file's row and column and nothing is written; a valid file is saved.
#[test]
fn twoway_import_prefs_reads_xlsx_with_row_and_column_errors() {
    use jiguan_app::demo::system;
    use jiguan_domain::auth::Role;
    use jiguan_domain::workflow::Status;
    use jiguan_excel::{Cell, Sheet};

    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("d.db").to_string_lossy().into_owned();
    // The open round, a participant and a post they qualify for.
    let (round, person, post) = rt().block_on(async {
        let store = SqlStore::open(&db).await.unwrap();
        let (app, d) = fixtures::demo(store.clone()).await.unwrap();
        let lu = app.store.find_unit(d, "luotuo").await.unwrap().unwrap().id;
        let a = system(d, Some(lu), Role::UnitAdmin);
        let r = app
            .tw_rounds(&a, lu)
            .await
            .unwrap()
            .into_iter()
            .find(|r| r.status == Status::Open)
            .unwrap();
        let v = app.tw_view(&a, lu, r.id).await.unwrap();
        let mut found = None;
        'p: for x in &v.participants {
            let bad = app.tw_ineligible(&a, lu, r.id, x.person_id).await.unwrap();
            for p in &v.posts {
                if !bad.contains_key(&p.post_id) {
                    found = Some((x.person_id, p.post_id));
                    break 'p;
                }
            }
        }
        let (person, post) = found.unwrap();
        store.db.close().await;
        (r.id.0, person, post)
    });
    let run = |args: &[&str]| run_db(dir.path(), &db, args);
    let book = |rows: Vec<Vec<Cell>>| {
        jiguan_excel::write_workbook(&[Sheet {
            name: "志愿".into(),
            title: None,
            headers: vec!["编号".into(), "志愿1".into(), "服从调剂".into()],
            rows,
            totals: Vec::new(),
        }])
        .unwrap()
    };
    let text = |s: String| Cell::Text(s);
    let file = dir.path().join("prefs.xlsx");
    let round = round.to_string();
    let import = |f: &std::path::Path| {
        run(&[
            "twoway",
            "import-prefs",
            "--as",
            "luotuo_admin",
            "--round",
            &round,
            f.to_str().unwrap(),
        ])
    };
    // The round's choices as `twoway show` gives them.
    let shown = || -> Value {
        let r = run(&at_luotuo(&["twoway", "show"], &["--round", &round]));
        serde_json::from_str(r.stdout.trim()).unwrap()
    };
    let valid_row = || {
        vec![
            text(person.to_string()),
            text(post.to_string()),
            text("是".into()),
        ]
    };
    // Row 3: a person not in the round; row 2 is valid but not written either.
    std::fs::write(
        &file,
        book(vec![
            valid_row(),
            vec![
                text("999999".into()),
                text(post.to_string()),
                text(String::new()),
            ],
        ]),
    )
    .unwrap();
    let r = import(&file);
    assert_ne!(r.code, 0, "{}", r.stdout);
    assert!(r.stderr.contains("rows.1.person"), "{}", r.stderr);
    assert!(r.stderr.contains("row=3"), "{}", r.stderr);
    assert!(r.stderr.contains("column=编号"), "{}", r.stderr);
    let v = shown();
    assert_eq!(v["prefs"].as_array().unwrap().len(), 0, "all or nothing");
    // The valid row alone is saved, with 服从调剂.
    std::fs::write(&file, book(vec![valid_row()])).unwrap();
    let r = import(&file);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("1 people"), "{}", r.stdout);
    let v = shown();
    assert_eq!(v["prefs"][0]["person_id"], person);
    assert_eq!(v["prefs"][0]["posts"][0], post);
    assert_eq!(v["prefs"][0]["accept_adjust"], true);
}
