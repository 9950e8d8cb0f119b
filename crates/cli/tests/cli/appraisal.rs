//! The appraisal commands (`jiguan appraisal …`) on the demo database: the cycles are
//! listed, a 2021 annual cycle is created, opened and scored from an xlsx file, graded with
//! the proposal kept within the 优秀 quota (grades beyond it refused with the arithmetic),
//! confirmed and published; bad input exits 2 naming the field, with nothing written.

use serde_json::Value;

use jiguan_store::SqlStore;
use jiguan_testkit::fixtures;

use crate::helpers::*;

fn demo_db(dir: &std::path::Path) -> String {
    let db = dir.join("d.db").to_string_lossy().into_owned();
    rt().block_on(async {
        let store = SqlStore::open(&db).await.unwrap();
        fixtures::demo(store.clone()).await.unwrap();
        store.db.close().await;
    });
    db
}

/// An xlsx of scores: 编号, 评分类别, 评分人, 总分.
fn score_xlsx(path: &std::path::Path, rows: &[(String, &str, &str, &str)]) {
    let bytes = jiguan_excel::write_workbook(&[jiguan_excel::Sheet {
        name: "评分".into(),
        headers: ["编号", "评分类别", "评分人", "总分"]
            .map(String::from)
            .to_vec(),
        rows: rows
            .iter()
            .map(|(id, kind, rater, score)| {
                vec![
                    jiguan_excel::Cell::from(id.as_str()),
                    jiguan_excel::Cell::from(*kind),
                    jiguan_excel::Cell::from(*rater),
                    jiguan_excel::Cell::from(*score),
                ]
            })
            .collect(),
        ..Default::default()
    }])
    .unwrap();
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn appraisal_cycle_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let run = |args: &[&str]| {
        let mut all = vec!["--database", db.as_str(), "appraisal"];
        all.extend_from_slice(args);
        run_in(dir.path(), &all)
    };
    fn with<'a>(a: &[&'a str]) -> Vec<&'a str> {
        let mut v = a.to_vec();
        v.extend_from_slice(&["--as", "luotuo_admin"]);
        v
    }

    // The demo's closed 2019 annual cycle is listed.
    let r = run(&with(&["cycles"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("\tannual\t2019\t\tclosed\t"),
        "{}",
        r.stdout
    );

    // Bad input: exit 2, the field named, nothing on stdout.
    let r = run(&with(&["create", "--year", "20x1"]));
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stdout.is_empty());
    assert!(r.stderr.starts_with("year: "), "{}", r.stderr);
    let r = run(&with(&[
        "create",
        "--year",
        "2021",
        "--kind",
        "periodic",
        "--quarter",
        "7",
    ]));
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("quarter"), "{}", r.stderr);
    // The same in English.
    let r = run(&with(&["create", "--year", "2019", "--lang", "en"]));
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr.starts_with("year: ") && r.stderr.contains("[appraisal_cycle_exists]"),
        "{}",
        r.stderr
    );
    // Staff may not create a cycle.
    let r = run(&["create", "--year", "2021", "--as", "luotuo_staff"]);
    assert_ne!(r.code, 0);
    assert_ne!(r.code, 2, "not an input error: {r:?}");

    // Create, open, start scoring.
    let r = run(&with(&["create", "--year", "2021"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let id = r.stdout.trim().to_string();
    for step in ["open", "score"] {
        let r = run(&with(&["step", "--cycle", &id, step]));
        assert_eq!(r.code, 0, "{step}: {}", r.stderr);
    }
    let r = run(&with(&["show", "--cycle", &id, "--json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: Value = serde_json::from_str(r.stdout.trim()).unwrap();
    // (participant id, quota group) of the graded.
    let graded: Vec<(String, String)> = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["participant"]["ungraded"].is_null())
        .map(|r| {
            (
                r["participant"]["id"].to_string(),
                r["participant"]["group"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let leaders: Vec<String> = graded
        .iter()
        .filter(|g| g.1 == "leaders")
        .map(|g| g.0.clone())
        .collect();
    let staff: Vec<String> = graded
        .iter()
        .filter(|g| g.1 == "staff")
        .map(|g| g.0.clone())
        .collect();
    assert!(leaders.len() >= 2 && staff.len() >= 10, "{v}");

    // A file with one bad row: refused naming the row and the field; nothing imported.
    let xlsx = dir.path().join("scores.xlsx");
    // Every leader and the first four staff score 95 (优秀 by the bands), the rest 82.
    let mut rows: Vec<(String, &str, &str, &str)> = leaders
        .iter()
        .chain(staff.iter())
        .enumerate()
        .map(|(i, p)| {
            let top = i < leaders.len() + 4;
            (
                p.clone(),
                "机构负责人",
                "王主任",
                if top { "95" } else { "82" },
            )
        })
        .collect();
    rows[1].3 = "105";
    score_xlsx(&xlsx, &rows);
    let x = xlsx.to_str().unwrap();
    let r = run(&with(&["import", "--cycle", &id, x]));
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("rows[1].overall"), "{}", r.stderr);
    let r = run(&with(&["show", "--cycle", &id, "--json"]));
    let v: Value = serde_json::from_str(r.stdout.trim()).unwrap();
    assert!(
        v["rows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["explained"]["score"].is_null()),
        "nothing imported: {v}"
    );
    // A file that is not a spreadsheet: the file named.
    let junk = dir.path().join("junk.xlsx");
    std::fs::write(&junk, b"PK\x03\x04 not a zip").unwrap();
    let r = run(&with(&["import", "--cycle", &id, junk.to_str().unwrap()]));
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.starts_with("file: "), "{}", r.stderr);
    // The good file.
    rows[1].3 = "95";
    score_xlsx(&xlsx, &rows);
    let r = run(&with(&["import", "--cycle", &id, x]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains(&format!("{} scores imported", graded.len()))
    );

    // Grading: not before the step.
    let r = run(&with(&["grade", "--cycle", &id, "--save"]));
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.starts_with("status: "), "{}", r.stderr);
    let r = run(&with(&["step", "--cycle", &id, "grade"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    // The proposal: the banded 优秀 kept within each group's places by score.
    let r = run(&with(&["grade", "--cycle", &id, "--json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: Value = serde_json::from_str(r.stdout.trim()).unwrap();
    let quota = |group: &str| {
        v["quotas"]
            .as_array()
            .unwrap()
            .iter()
            .find(|q| q["group"] == group)
            .unwrap()["max"]
            .as_u64()
            .unwrap() as usize
    };
    let max_leaders = quota("leaders");
    assert!(max_leaders < leaders.len() && quota("staff") >= 4, "{v}");
    let rows_v = v["rows"].as_array().unwrap();
    let count = |key: &str, group: &str| {
        rows_v
            .iter()
            .filter(|r| r[key] == "excellent" && r["group"] == group)
            .count()
    };
    assert_eq!(count("banded", "leaders"), leaders.len(), "{v}");
    assert_eq!(count("proposed", "leaders"), max_leaders, "{v}");
    assert_eq!(count("proposed", "staff"), 4, "{v}");
    // Beyond the quota: refused with the arithmetic; nothing saved.
    let mut args = with(&["grade", "--cycle", &id, "--save"]);
    let sets: Vec<String> = leaders[..=max_leaders]
        .iter()
        .map(|p| format!("{p}=优秀"))
        .collect();
    for s in &sets {
        args.extend_from_slice(&["--set", s]);
    }
    let r = run(&args);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stdout.is_empty());
    assert!(
        r.stderr
            .starts_with("grades: 优秀人数超出名额：考核组 leaders")
            && r.stderr.contains(&format!("最多 {max_leaders} 名"))
            && r.stderr.contains("[appraisal_quota_exceeded]"),
        "{}",
        r.stderr
    );
    // 基本称职 needs a reason.
    let basic = format!("{}=basic", staff[9]);
    let r = run(&with(&["grade", "--cycle", &id, "--save", "--set", &basic]));
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains(".reason: "), "{}", r.stderr);
    let r = run(&with(&["results", "--cycle", &id, "--json"]));
    let v: Value = serde_json::from_str(r.stdout.trim()).unwrap();
    assert!(
        v["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["grade"].is_null()),
        "nothing saved: {v}"
    );
    // The proposal with one 基本称职 and its reason: saved.
    let basic = format!("{}=基本称职:全年两次未完成工作任务", staff[9]);
    let r = run(&with(&["grade", "--cycle", &id, "--save", "--set", &basic]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("saved"), "{}", r.stdout);

    // The committee: a 文号 is required; HR may not confirm.
    let committee = ["--as", "luotuo_committee"];
    let mut args = vec!["step", "--cycle", &id, "confirm"];
    args.extend_from_slice(&committee);
    let r = run(&args);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.starts_with("doc_no: "), "{}", r.stderr);
    let r = run(&with(&["step", "--cycle", &id, "confirm", "--doc-no", "X"]));
    assert_ne!(r.code, 0);
    args.extend_from_slice(&["--doc-no", "骆考委〔2022〕1号"]);
    let r = run(&args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with("confirmed"), "{}", r.stdout);
    // Publish; closing is refused while the publicity runs.
    let r = run(&with(&["step", "--cycle", &id, "publish"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(&with(&["step", "--cycle", &id, "close"]));
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.starts_with("status: "), "{}", r.stderr);

    // The results: as a table and as JSON.
    let r = run(&with(&["results", "--cycle", &id]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.starts_with("编号\t姓名\t得分\t等次"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("基本称职"), "{}", r.stdout);
    let r = run(&with(&["results", "--cycle", &id, "--json"]));
    let v: Value = serde_json::from_str(r.stdout.trim()).unwrap();
    let res = v["results"].as_array().unwrap();
    let excellent = res.iter().filter(|r| r["grade"] == "excellent").count();
    assert_eq!(excellent, max_leaders + 4, "{v}");
    assert!(
        res.iter()
            .any(|r| r["grade"] == "basic" && r["reason"] == "全年两次未完成工作任务")
    );
    assert_eq!(v["cycle"]["status"], "publicity");
}
