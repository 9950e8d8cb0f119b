//! `jiguan calc match FILE` (双向择岗, issue 14) and `jiguan calc pay-pool FILE` (绩效奖金,
//! issue 15): JSON in from a file or standard input, one JSON object out; bad input exits 2
//! with nothing on stdout and `{"code","message","field"}` on stderr.

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::{Value, json};

use crate::helpers::*;

/// Runs `jiguan calc <kind> -` with `input` on standard input.
fn piped(kind: &str, extra: &[&str], input: &str) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(BIN)
        .args(["calc", kind, "-"])
        .args(extra)
        .current_dir(dir.path())
        .env_remove("JIGUAN_DATABASE_URL")
        .env_remove("JIGUAN_CONFIG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn tv_t1() -> Value {
    json!({
        "staff": [
            {"id": "A", "prefs": ["X", "Y"]},
            {"id": "B", "prefs": ["X", "Z"]},
            {"id": "C", "prefs": ["Y", "X"]},
            {"id": "D", "prefs": ["X", "Y", "Z"]},
            {"id": "E", "prefs": ["Z"]}
        ],
        "posts": [
            {"id": "X", "seats": 1, "ranking": ["B", "D", "A", "C"]},
            {"id": "Y", "seats": 2, "ranking": ["A", "D", "C"]},
            {"id": "Z", "seats": 1, "ranking": ["E", "B", "D"]}
        ]
    })
}

fn pairs(v: &Value) -> Vec<(String, String)> {
    let mut p: Vec<(String, String)> = v["matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["staff"].as_str().unwrap().to_string(),
                m["post"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    p.sort();
    p
}

fn p(s: &str, post: &str) -> (String, String) {
    (s.to_string(), post.to_string())
}

/// TV-T1 (RULES-SELECTION-APPRAISAL.md §3.2) through the real binary, from a file and
/// from standard input, with both mechanisms.
#[test]
fn match_tv_t1_from_a_file_and_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("round.json");
    std::fs::write(&file, tv_t1().to_string()).unwrap();
    let v = run_in(dir.path(), &["calc", "match", file.to_str().unwrap()]).json();
    assert_eq!(
        pairs(&v),
        [p("A", "Y"), p("B", "X"), p("D", "Y"), p("E", "Z")]
    );
    assert_eq!(v["unplaced"], json!(["C"]));
    assert_eq!(v["vacancies"], json!({"X": 0, "Y": 0, "Z": 0}));
    assert_eq!(v["blocking_pairs"], 0);

    let v = piped("match", &[], &tv_t1().to_string()).json();
    assert_eq!(v["unplaced"], json!(["C"]));

    let v = piped("match", &["--mechanism", "rounds"], &tv_t1().to_string()).json();
    assert_eq!(
        pairs(&v),
        [p("A", "Y"), p("B", "X"), p("C", "Y"), p("E", "Z")]
    );
    assert_eq!(v["unplaced"], json!(["D"]));
    assert_eq!(v["blocking_pairs"], 1);
}

/// Seats left over are reported per post; a person nobody ranked stays unplaced.
#[test]
fn match_vacancies_and_unplaced() {
    let v = piped(
        "match",
        &[],
        r#"{"staff":[{"id":"s1","prefs":["p1","p2"]},{"id":"s2","prefs":["p1"]},{"id":"s3","prefs":[]}],
            "posts":[{"id":"p1","seats":2,"ranking":["s2","s1"]},{"id":"p2","seats":3,"ranking":[]}]}"#,
    )
    .json();
    assert_eq!(pairs(&v), [p("s1", "p1"), p("s2", "p1")]);
    assert_eq!(v["unplaced"], json!(["s3"]));
    assert_eq!(v["vacancies"], json!({"p1": 0, "p2": 3}));
}

#[test]
fn match_bad_input_exits_2_naming_the_field() {
    let cases: &[(&str, &str, &str)] = &[
        (
            r#"{"staff":[{"id":"s1","prefs":["nope"]}],"posts":[{"id":"p1","seats":1,"ranking":[]}]}"#,
            "unknown_post",
            "staff[0].prefs[0]",
        ),
        (
            r#"{"staff":[{"id":"s1","prefs":["p1"]}],"posts":[{"id":"p1","seats":1,"ranking":["s9"]}]}"#,
            "unknown_staff",
            "posts[0].ranking[0]",
        ),
        (
            r#"{"staff":[{"id":"s1","prefs":[]},{"id":"s1","prefs":[]}],"posts":[]}"#,
            "duplicate_id",
            "staff[1].id",
        ),
        (
            r#"{"staff":[],"posts":[{"id":"p1","seats":1,"ranking":[]},{"id":"p1","seats":1,"ranking":[]}]}"#,
            "duplicate_id",
            "posts[1].id",
        ),
        (
            r#"{"staff":[{"id":"s1","prefs":["p1","p1"]}],"posts":[{"id":"p1","seats":1,"ranking":["s1"]}]}"#,
            "listed_twice",
            "staff[0].prefs[1]",
        ),
        (
            r#"{"staff":[],"posts":[{"id":"p1","seats":-1,"ranking":[]}]}"#,
            "out_of_range",
            "posts[0].seats",
        ),
        (
            r#"{"staff":[{"id":"s1","prefs":["p1"]}],"posts":[{"id":"p1","seats":1,"ranking":["s1","s1"]}]}"#,
            "listed_twice",
            "posts[0].ranking[1]",
        ),
        (
            r#"{"staff":[{"id":"s1","prefs":["p1"]}],"posts":[{"id":"p1","seats":-3,"ranking":["s1"]}]}"#,
            "out_of_range",
            "posts[0].seats",
        ),
        (r#"{"staff":5,"posts":[]}"#, "invalid_json_field", "staff"),
        (
            r#"{"staff":[],"posts":[{"id":"p1","seats":"2","ranking":[]}]}"#,
            "invalid_json_field",
            "posts[0].seats",
        ),
        (
            r#"{"staff":[{"id":"s1","prefs":"p1"}],"posts":[]}"#,
            "invalid_json_field",
            "staff[0].prefs",
        ),
        (r#""text""#, "invalid_json_field", "file"),
        (r#"{"staff":[]}"#, "invalid_json_field", "file"),
        (r#"not json"#, "invalid_json_field", "file"),
    ];
    for (input, code, field) in cases {
        let e = piped("match", &[], input).error();
        assert_eq!(
            (e["code"].as_str(), e["field"].as_str()),
            (Some(*code), Some(*field)),
            "{input}"
        );
    }
    let e = calc(&["match", "/no/such/file.json"]).error();
    assert_eq!(e["code"], "file_unreadable");
    let e = piped("match", &["--mechanism", "lottery"], &tv_t1().to_string()).error();
    assert_eq!(e["field"], "mechanism");
}

fn pay_input() -> Value {
    json!({
        "pool": "50000.00",
        "grade_coef": {"excellent": "1.2", "competent": "1.0", "basic": "0.8", "incompetent": "0"},
        "people": [
            {"id": "a", "grade": "excellent", "post_coef": "1.3", "months": 12},
            {"id": "b", "grade": "competent", "post_coef": "1.3", "months": 12},
            {"id": "c", "grade": "competent", "post_coef": "1.0", "months": 12},
            {"id": "d", "grade": "basic", "post_coef": "1.0", "months": 12},
            {"id": "e", "grade": "incompetent", "post_coef": "1.0", "months": 12}
        ]
    })
}

/// PAY-6 (RULES-SELECTION-APPRAISAL.md §4.6): the shares to the fen, summing to the pool.
#[test]
fn pay_pool_vector() {
    let v = piped("pay-pool", &[], &pay_input().to_string()).json();
    let amounts: Vec<(&str, &str)> = v["shares"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["id"].as_str().unwrap(), s["amount"].as_str().unwrap()))
        .collect();
    assert_eq!(
        amounts,
        [
            ("a", "16738.20"),
            ("b", "13948.50"),
            ("c", "10729.61"),
            ("d", "8583.69"),
            ("e", "0.00")
        ]
    );
    assert_eq!(v["total"], "50000.00");
}

#[test]
fn pay_pool_bad_input_exits_2_naming_the_field() {
    let with = |f: &dyn Fn(&mut Value)| {
        let mut v = pay_input();
        f(&mut v);
        v.to_string()
    };
    let cases: Vec<(String, &str, &str)> = vec![
        (
            with(&|v| v["pool"] = json!("-1.00")),
            "must_not_be_negative",
            "pool",
        ),
        (
            with(&|v| v["pool"] = json!("0.001")),
            "money_too_precise",
            "pool",
        ),
        (
            with(&|v| v["people"][1]["grade"] = json!("great")),
            "choice_invalid",
            "people[1].grade",
        ),
        (
            with(&|v| v["people"][2]["months"] = json!(13)),
            "out_of_range",
            "people[2].months",
        ),
        (
            with(&|v| v["people"][2]["months"] = json!(0)),
            "out_of_range",
            "people[2].months",
        ),
        (
            with(&|v| v["people"][3]["id"] = json!("a")),
            "duplicate_id",
            "people[3].id",
        ),
        (
            with(&|v| {
                for p in v["people"].as_array_mut().unwrap() {
                    p["grade"] = json!("incompetent");
                }
            }),
            "weights_zero",
            "people",
        ),
        (
            with(&|v| v["people"] = json!({"a": 1})),
            "invalid_json_field",
            "people",
        ),
        (
            with(&|v| v["people"][0]["months"] = json!("twelve")),
            "invalid_json_field",
            "people[0].months",
        ),
        ("[]".to_string(), "invalid_json_field", "file"),
    ];
    for (input, code, field) in cases {
        let e = piped("pay-pool", &[], &input).error();
        assert_eq!(
            (e["code"].as_str(), e["field"].as_str()),
            (Some(code), Some(field)),
            "{input}"
        );
    }
}

/// Issue 15 point 6 from a file path (not only `-`): person a gets 16738.20 and the shares
/// sum to the pool.
#[test]
fn pay_pool_from_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("run.json");
    std::fs::write(&path, pay_input().to_string()).unwrap();
    let v = calc(&["pay-pool", path.to_str().unwrap()]).json();
    assert_eq!(v["shares"][0]["id"], "a");
    assert_eq!(v["shares"][0]["amount"], "16738.20");
    let sum: i64 = v["shares"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            jiguan_domain::money::Money::parse_yuan("x", s["amount"].as_str().unwrap())
                .unwrap()
                .fen()
        })
        .sum();
    assert_eq!(sum, 5_000_000);
    assert_eq!(v["total"], "50000.00");
}

/// The remaining bad-input cases of issue 15 point 6, each against the real binary: a
/// negative pool given as a number, a pool below the fen given as a number, a negative pool
/// below the fen, months below 1, and wrong shapes (a missing pool, people or grade: the
/// message names the missing field; not JSON at all).
#[test]
fn pay_pool_more_bad_inputs_exit_2() {
    let with = |f: &dyn Fn(&mut Value)| {
        let mut v = pay_input();
        f(&mut v);
        v.to_string()
    };
    // (input, field, a word the message must contain)
    let cases: Vec<(String, &str, &str)> = vec![
        (with(&|v| v["pool"] = json!(-5)), "pool", ""),
        (with(&|v| v["pool"] = json!(0.001)), "pool", ""),
        (with(&|v| v["pool"] = json!("-0.001")), "pool", ""),
        (
            with(&|v| v["people"][0]["months"] = json!(-1)),
            "people[0].months",
            "",
        ),
        (
            with(&|v| {
                v.as_object_mut().unwrap().remove("pool");
            }),
            "file",
            "pool",
        ),
        (
            with(&|v| {
                v.as_object_mut().unwrap().remove("people");
            }),
            "file",
            "people",
        ),
        (
            with(&|v| {
                v["people"][0].as_object_mut().unwrap().remove("grade");
            }),
            "people[0]",
            "grade",
        ),
        ("not json".to_string(), "file", ""),
    ];
    for (input, field, word) in cases {
        let e = piped("pay-pool", &[], &input).error();
        assert_eq!(e["field"].as_str(), Some(field), "{input}: {e}");
        assert!(
            e["message"].as_str().unwrap().contains(word),
            "{input}: {e}"
        );
    }
}

/// `calc match` and `calc pay-pool` start light: they read no configuration (a broken
/// `jiguan.toml` in the working directory, which stops every other command, is not
/// read), and give the same answer as before.
#[test]
fn json_calculators_start_without_reading_the_configuration() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("jiguan.toml"), "not = [valid").unwrap();
    let other = run_in(dir.path(), &["calc", "workday", "--date", "2027-03-01"]);
    assert_eq!(other.code, 1, "{other:?}");
    assert!(other.stderr.contains("jiguan.toml"), "{other:?}");
    let file = dir.path().join("round.json");
    std::fs::write(&file, tv_t1().to_string()).unwrap();
    let v = run_in(dir.path(), &["calc", "match", file.to_str().unwrap()]).json();
    assert_eq!(v["unplaced"], json!(["C"]));
    let v = run_in(
        dir.path(),
        &[
            "calc",
            "match",
            "--mechanism",
            "rounds",
            file.to_str().unwrap(),
        ],
    )
    .json();
    assert_eq!(v["unplaced"], json!(["D"]));
    let e = run_in(dir.path(), &["calc", "match", "/no/such/file.json"]).error();
    assert_eq!(e["field"], "file");
}
