//! The `jiguan` binary: the `jiguan calc` contract of issue 5 run on the real binary, the
//! calendar import, the same results through the page, the API and the command line, and
//! saved calculations that keep the parameter values they were computed with.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use jiguan_app::ports::{CalcFilter, TenancyStore};
use jiguan_app::{App, AppConfig, AppError, SystemClock};
use jiguan_domain::auth::{Actor, Role};
use jiguan_domain::rules::calc::CalcKind;
use jiguan_store::SqlStore;

const BIN: &str = env!("CARGO_BIN_EXE_jiguan");

/// What one run of the binary gave.
#[derive(Debug)]
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    /// The one JSON object on stdout of a successful run.
    fn json(&self) -> Value {
        assert_eq!(self.code, 0, "exit code; stderr: {}", self.stderr);
        let line = self.stdout.trim_end();
        assert!(!line.contains('\n'), "one line expected: {line}");
        serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"))
    }

    /// The JSON error on stderr of a run refused for bad input.
    fn error(&self) -> Value {
        assert_eq!(self.code, 2, "exit code; stdout: {}", self.stdout);
        assert!(self.stdout.is_empty(), "nothing on stdout: {}", self.stdout);
        let v: Value = serde_json::from_str(self.stderr.trim())
            .unwrap_or_else(|e| panic!("{e}: {}", self.stderr));
        let o = v.as_object().unwrap();
        let mut keys: Vec<&str> = o.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(keys, ["code", "field", "message"]);
        assert!(!v["message"].as_str().unwrap().is_empty());
        v
    }
}

/// Runs the binary in `dir` with no configuration from the environment.
fn run_in(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env_remove("JIGUAN_DATABASE_URL")
        .env_remove("JIGUAN_CONFIG")
        .env_remove("JIGUAN_BIND")
        .env_remove("JIGUAN_LOG")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

/// `jiguan calc …` in an empty folder; checks that no database file appears.
fn calc(args: &[&str]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let mut all = vec!["calc"];
    all.extend_from_slice(args);
    let r = run_in(dir.path(), &all);
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert!(left.is_empty(), "calc without a database wrote files");
    r
}

// ---------------------------------------------------------------- the contract, no database

#[test]
fn retirement_example() {
    let v = calc(&["retirement", "--birth", "1970-05", "--category", "male"]).json();
    assert_eq!(
        v,
        json!({
            "birth": "1970-05", "category": "male",
            "original_age": {"years": 60, "months": 0},
            "delay_months": 17,
            "retirement_age": {"years": 61, "months": 5},
            "retirement_month": "2031-10",
        })
    );
    let v = calc(&[
        "retirement",
        "--birth",
        "1971-04",
        "--category",
        "female-cadre",
    ])
    .json();
    assert_eq!(v["retirement_month"], "2026-08");
    assert_eq!(v["retirement_age"], json!({"years": 55, "months": 4}));
    let v = calc(&[
        "retirement",
        "--birth",
        "1995-12",
        "--category",
        "female-worker",
    ])
    .json();
    assert_eq!(v["retirement_month"], "2050-12");
    // A missing flag is reported in the contract's error shape, not by clap.
    let e = calc(&["retirement", "--birth", "1970-05"]).error();
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("required"), Some("category"))
    );
    let e = calc(&["retirement", "--birth", "1970-13", "--category", "male"]).error();
    assert_eq!(e["code"], "month_invalid");
    let e = calc(&["retirement", "--birth", "1970-05", "--category", "boy"]).error();
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("choice_invalid"), Some("category"))
    );
}

#[test]
fn early_retirement_example() {
    let v = calc(&[
        "early-retirement",
        "--birth",
        "1970-05",
        "--category",
        "male",
        "--work-start",
        "1990-01",
        "--on",
        "2030-01-01",
    ])
    .json();
    assert_eq!(
        v,
        json!({
            "eligible": true,
            "grounds": ["service_30_years", "near_retirement_20_years"],
            "service": {"years": 40, "months": 0},
            "retirement_month": "2031-10",
        })
    );
    let v = calc(&[
        "early-retirement",
        "--birth",
        "1975-03",
        "--category",
        "male",
        "--work-start",
        "2000-07",
        "--on",
        "2026-06-15",
    ])
    .json();
    assert_eq!(v["eligible"], false);
    assert_eq!(v["grounds"], json!([]));
}

#[test]
fn severance_example() {
    let args = [
        "severance",
        "--start",
        "2015-03-01",
        "--end",
        "2026-06-30",
        "--monthly-wage",
        "12000",
        "--local-average",
        "9000",
    ];
    let v = calc(&args).json();
    assert_eq!(v["service"], json!({"years": 11, "months": 4, "days": 0}));
    assert_eq!(v["months_of_pay"], "11.5");
    assert_eq!(v["base"], "12000.00");
    assert_eq!(v["capped"], false);
    assert_eq!(v["amount"], "138000.00");
    assert_eq!(v["parts"][0]["rule"], "art47");
    // --unlawful is a flag: art. 87 doubles.
    let mut unlawful = args.to_vec();
    unlawful.push("--unlawful");
    let v = calc(&unlawful).json();
    assert_eq!(v["amount"], "276000.00");
    assert_eq!(v["parts"][0]["rule"], "art87");
    // Service before 2008 follows art. 97; the output says which part followed which rule.
    let v = calc(&[
        "severance",
        "--start",
        "2000-03-01",
        "--end",
        "2026-06-30",
        "--monthly-wage",
        "10000",
        "--local-average",
        "9000",
    ])
    .json();
    assert_eq!(v["parts"][0]["rule"], "labour_1994");
    assert_eq!(v["parts"][0]["to"], "2007-12-31");
    assert_eq!(v["parts"][1]["rule"], "art47");
    assert_eq!(v["parts"][1]["from"], "2008-01-01");
    assert_eq!(v["amount"], "270000.00");
    // The high-wage cap: 3 × average and at most 12 years.
    let v = calc(&[
        "severance",
        "--start",
        "2008-01-01",
        "--end",
        "2027-12-31",
        "--monthly-wage",
        "30000",
        "--local-average",
        "9000",
    ])
    .json();
    assert_eq!(
        (v["capped"].clone(), v["base"].clone()),
        (json!(true), json!("27000.00"))
    );
    assert_eq!(v["months_of_pay"], "12");
    // Bad input.
    let mut bad = args.to_vec();
    bad[6] = "12000.123";
    let e = calc(&bad).error();
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("money_too_precise"), Some("monthly-wage"))
    );
    let mut bad = args.to_vec();
    bad[4] = "2014-06-30";
    let e = calc(&bad).error();
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("date_order"), Some("end"))
    );
}

#[test]
fn working_days() {
    let v = calc(&["workdays", "--from", "2026-09-30", "--count", "5"]).json();
    assert_eq!(
        v,
        json!({
            "from": "2026-09-30", "count": 5,
            "days": ["2026-09-30", "2026-10-08", "2026-10-09", "2026-10-10", "2026-10-12"],
            "last": "2026-10-12",
        })
    );
    // Without --count: the publicity period (5 working days by default).
    let v = calc(&["workdays", "--from", "2026-09-30"]).json();
    assert_eq!(v["count"], 5);
    assert_eq!(v["last"], "2026-10-12");
    assert_eq!(
        calc(&["workday", "--date", "2026-10-10"]).json(),
        json!({"date": "2026-10-10", "workday": true, "reason": "swapped_workday"})
    );
    assert_eq!(
        calc(&["workday", "--date", "2025-10-08"]).json(),
        json!({"date": "2025-10-08", "workday": false, "reason": "holiday"})
    );
    assert_eq!(
        calc(&["workday", "--date", "2026-10-11"]).json()["reason"],
        "weekend"
    );
    // A year not loaded is an error, never a guess.
    let e = calc(&["workday", "--date", "2027-03-01"]).error();
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("calendar_missing"), Some("date"))
    );
    assert!(e["message"].as_str().unwrap().contains("2027"));
    let e = calc(&["workdays", "--from", "2026-12-20", "--count", "20"]).error();
    assert_eq!(e["code"], "calendar_missing");
    let e = calc(&["workdays", "--from", "2026-12-20", "--count", "0"]).error();
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("out_of_range"), Some("count"))
    );
}

#[test]
fn id_numbers_exit_0_valid_or_not() {
    assert_eq!(
        calc(&["id", "11010519491231002X"]).json(),
        json!({"valid": true, "area": "110105", "birth": "1949-12-31", "gender": "female"})
    );
    assert_eq!(
        calc(&["id", "440524188001010014"]).json(),
        json!({"valid": true, "area": "440524", "birth": "1880-01-01", "gender": "male"})
    );
    assert_eq!(
        calc(&["id", "110105194912310021"]).json(),
        json!({"valid": false, "reason": "id_checksum"})
    );
    assert_eq!(
        calc(&["id", "12345"]).json(),
        json!({"valid": false, "reason": "id_length"})
    );
    // Born after "today".
    assert_eq!(
        calc(&["id", "11010519491231002X", "--today", "1949-01-01"]).json(),
        json!({"valid": false, "reason": "id_birth_future"})
    );
    let e = calc(&["id"]).error();
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("required"), Some("number"))
    );
}

#[test]
fn interview_committee_quota() {
    assert_eq!(
        calc(&["interview", "--scores", "85,90.5,88"]).json(),
        json!({"method": "plain_average", "kept": ["85", "90.5", "88"], "score": "87.83"})
    );
    assert_eq!(
        calc(&["interview", "--scores", "80,90,70,85,95,88"]).json(),
        json!({"method": "trimmed_average", "kept": ["80", "90", "85", "88"], "score": "85.75"})
    );
    let e = calc(&["interview", "--scores", "85,abc"]).error();
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("number_invalid"), Some("scores"))
    );

    let committee = |m: &str, p: &str, y: &str, n: &str, d: &str| {
        calc(&[
            "committee",
            "--members",
            m,
            "--present",
            p,
            "--yes",
            y,
            "--no",
            n,
            "--defer",
            d,
        ])
    };
    assert_eq!(
        committee("9", "6", "5", "1", "0").json(),
        json!({"quorum": true, "needed": 5, "approved": true})
    );
    // Approval needs more than half of ALL members, not of those present.
    assert_eq!(
        committee("9", "6", "4", "2", "0").json(),
        json!({"quorum": true, "needed": 5, "approved": false})
    );
    // Two thirds must be present.
    assert_eq!(
        committee("9", "5", "5", "0", "0").json(),
        json!({"quorum": false, "needed": 5, "approved": false})
    );
    let e = committee("5", "6", "1", "0", "0").error();
    assert_eq!(e["code"], "present_exceeds_members");

    assert_eq!(
        calc(&["excellent-quota", "--count", "23"]).json(),
        json!({"max_excellent": 4})
    );
    assert_eq!(
        calc(&["excellent-quota", "--count", "23", "--rate", "25"]).json(),
        json!({"max_excellent": 5})
    );
    let e = calc(&["excellent-quota", "--count", "23", "--rate", "30"]).error();
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("out_of_range"), Some("rate"))
    );
}

fn fen(s: &str) -> i64 {
    let (y, f) = s.split_once('.').unwrap();
    assert_eq!(f.len(), 2, "{s}");
    y.parse::<i64>().unwrap() * 100 + f.parse::<i64>().unwrap()
}

#[test]
fn allocate_sums_to_the_pool() {
    let v = calc(&["allocate", "--pool", "1000", "--weights", "a=1.2,b=1,c=0.8"]).json();
    assert_eq!(
        v,
        json!({"pool": "1000.00", "shares": [
            {"id": "a", "amount": "400.00"},
            {"id": "b", "amount": "333.33"},
            {"id": "c", "amount": "266.67"},
        ]})
    );
    for (pool, weights) in [
        ("100", "x=1,y=1,z=1"),
        ("0.05", "a=1,b=1,c=1,d=1,e=1,f=1"),
        ("98765.43", "p=3.3,q=2.2,r=1.1,s=0.7"),
    ] {
        let v = calc(&["allocate", "--pool", pool, "--weights", weights]).json();
        let sum: i64 = v["shares"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| fen(s["amount"].as_str().unwrap()))
            .sum();
        assert_eq!(sum, fen(v["pool"].as_str().unwrap()), "{pool} {weights}");
    }
    // Ties: one remainder fen each, in input order.
    let v = calc(&["allocate", "--pool", "100", "--weights", "x=1,y=1,z=1"]).json();
    assert_eq!(v["shares"][0]["amount"], "33.34");
    assert_eq!(v["shares"][2]["amount"], "33.33");
    let e = calc(&["allocate", "--pool", "-1", "--weights", "a=1"]).error();
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("must_not_be_negative"), Some("pool"))
    );
    let e = calc(&["allocate", "--pool", "10", "--weights", "a=1,a=2"]).error();
    assert_eq!(e["code"], "duplicate_id");
}

// ---------------------------------------------------------------- with a database

/// A schedule that lists a day twice.
const SCHEDULE_2027_DUPLICATE: &str = "\
# 2027 (test schedule)
year 2027
2027-01-01 off
2027-02-05..2027-02-11 off
2027-02-06 off                # already in the range above: refused
";

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn test_app(store: SqlStore) -> App {
    App::new(
        Arc::new(store),
        AppConfig::for_tests(),
        Arc::new(SystemClock),
    )
}

/// A fresh SQLite database with one district `testd`.
fn district_db(dir: &Path) -> String {
    let db = dir.join("t.db").to_string_lossy().into_owned();
    rt().block_on(async {
        let store = SqlStore::open(&db).await.unwrap();
        store
            .create_district("testd", "测试区", chrono::Utc::now())
            .await
            .unwrap();
        store.db.close().await;
    });
    db
}

#[test]
fn calendar_import_and_district_parameters() {
    let dir = tempfile::tempdir().unwrap();
    let db = district_db(dir.path());
    let d = dir.path();
    let with_db = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend_from_slice(&["--database", &db, "--district", "testd"]);
        run_in(d, &all)
    };

    // 2027 is not loaded yet, with or without the district.
    let e = with_db(&["calc", "workday", "--date", "2027-01-01"]).error();
    assert_eq!(e["code"], "calendar_missing");

    // A bad schedule is refused with its line.
    let bad = d.join("bad.txt");
    std::fs::write(&bad, "year 2027\n2027-01-01 holiday\n").unwrap();
    let r = run_in(
        d,
        &[
            "calendar",
            "import",
            bad.to_str().unwrap(),
            "--database",
            &db,
            "--district",
            "testd",
        ],
    );
    let e = r.error();
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("schedule_line_invalid"), Some("schedule"))
    );
    std::fs::write(&bad, SCHEDULE_2027_DUPLICATE).unwrap();
    let e = run_in(
        d,
        &[
            "calendar",
            "import",
            bad.to_str().unwrap(),
            "--database",
            &db,
            "--district",
            "testd",
        ],
    )
    .error();
    assert_eq!(e["code"], "schedule_duplicate_day");

    let good = d.join("2027.txt");
    std::fs::write(
        &good,
        "# 2027\nyear 2027\n2027-01-01 off\n2027-02-05..2027-02-11 off\n2027-02-13 work\n",
    )
    .unwrap();
    let r = run_in(
        d,
        &[
            "calendar",
            "import",
            good.to_str().unwrap(),
            "--database",
            &db,
            "--district",
            "testd",
        ],
    );
    let v = r.json();
    assert_eq!(v["year"], 2027);
    assert_eq!(v["days_off"], 8);
    assert_eq!(v["swapped_workdays"], 1);
    assert_eq!(v["origin"], "loaded");

    // The district's calendar now knows 2027; the national defaults still do not.
    assert_eq!(
        with_db(&["calc", "workday", "--date", "2027-01-01"]).json(),
        json!({"date": "2027-01-01", "workday": false, "reason": "holiday"})
    );
    assert_eq!(
        with_db(&["calc", "workday", "--date", "2027-02-13"]).json()["reason"],
        "swapped_workday"
    );
    assert_eq!(
        calc(&["workday", "--date", "2027-01-01"]).error()["code"],
        "calendar_missing"
    );
    let v = with_db(&["calc", "workdays", "--from", "2026-12-31", "--count", "3"]).json();
    assert_eq!(v["days"], json!(["2026-12-31", "2027-01-04", "2027-01-05"]));

    let r = run_in(
        d,
        &["calendar", "list", "--database", &db, "--district", "testd"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let years: Vec<(i64, String)> = r
        .stdout
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            (
                v["year"].as_i64().unwrap(),
                v["origin"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        years,
        [
            (2025, "builtin".into()),
            (2026, "builtin".into()),
            (2027, "loaded".into())
        ]
    );

    // District parameters: the excellent rate raised to 25 %.
    rt().block_on(async {
        let store = SqlStore::open(&db).await.unwrap();
        let d = store.find_district("testd").await.unwrap().unwrap();
        let entry = jiguan_app::users::system_entry(d.id, None, "param.set", "param", "x", None);
        use jiguan_app::ports::SettingsStore;
        store
            .set_param(
                d.id,
                None,
                "appraisal.excellent_rate_pct",
                "25",
                chrono::Utc::now(),
                entry,
            )
            .await
            .unwrap();
        store.db.close().await;
    });
    assert_eq!(
        with_db(&["calc", "excellent-quota", "--count", "23"]).json(),
        json!({"max_excellent": 5})
    );
    assert_eq!(
        calc(&["excellent-quota", "--count", "23"]).json(),
        json!({"max_excellent": 4})
    );

    // --database without --district, an unknown district, a database that does not exist.
    let e = run_in(
        d,
        &[
            "calc",
            "excellent-quota",
            "--count",
            "23",
            "--database",
            &db,
        ],
    )
    .error();
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("required"), Some("district"))
    );
    let e = run_in(
        d,
        &[
            "calc",
            "excellent-quota",
            "--count",
            "23",
            "--database",
            &db,
            "--district",
            "nope",
        ],
    )
    .error();
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("not_found"), Some("district"))
    );
    let missing = d.join("missing.db");
    let e = run_in(
        d,
        &[
            "calc",
            "excellent-quota",
            "--count",
            "23",
            "--database",
            missing.to_str().unwrap(),
            "--district",
            "testd",
        ],
    )
    .error();
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("not_found"), Some("database"))
    );
    assert!(!missing.exists());
}

// ---------------------------------------------------------------- past results keep their parameters

fn input(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
        .collect()
}

#[test]
fn changing_a_parameter_changes_later_results_not_saved_ones() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.db").to_string_lossy().into_owned();
    rt().block_on(async {
        let app = test_app(SqlStore::open(&db).await.unwrap());
        let d = app
            .store
            .create_district("testd", "测试区", chrono::Utc::now())
            .await
            .unwrap();
        let uid = app
            .system_create_user(
                d,
                None,
                "chief",
                "区管理员",
                &[Role::DistrictAdmin],
                "chief12345",
                false,
            )
            .await
            .unwrap();
        let admin = Actor {
            user_id: uid,
            username: "chief".into(),
            display_name: "区管理员".into(),
            district_id: d,
            unit_id: None,
            roles: vec![Role::DistrictAdmin],
        };
        let quota = input(&[("count", "23")]);
        let scores = input(&[("scores", "80,90,70,85,95,88")]);

        let q1 = app
            .save_calculation(&admin, CalcKind::ExcellentQuota, &quota, "2026 年度考核")
            .await
            .unwrap();
        assert_eq!(q1.calc.result, json!({"max_excellent": 4}));
        assert_eq!(
            q1.calc.params_used,
            vec![("appraisal.excellent_rate_pct".to_string(), "20".to_string())]
        );
        let i1 = app
            .save_calculation(&admin, CalcKind::Interview, &scores, "")
            .await
            .unwrap();
        assert_eq!(i1.calc.result["score"], "85.75");
        assert_eq!(i1.calc.result["method"], "trimmed_average");

        app.set_param(&admin, None, "appraisal.excellent_rate_pct", "25")
            .await
            .unwrap();
        app.set_param(&admin, None, "selection.interview_trim_threshold", "6")
            .await
            .unwrap();

        // Later results follow the new values.
        let q2 = app
            .calculate(&admin, CalcKind::ExcellentQuota, &quota)
            .await
            .unwrap();
        assert_eq!(q2.result, json!({"max_excellent": 5}));
        assert_eq!(
            q2.params_used,
            vec![("appraisal.excellent_rate_pct".to_string(), "25".to_string())]
        );
        let i2 = app
            .calculate(&admin, CalcKind::Interview, &scores)
            .await
            .unwrap();
        assert_eq!(i2.result["method"], "plain_average");
        assert_eq!(i2.result["score"], "84.67");

        // Saved ones are read back exactly as computed, with the values they used.
        let q1b = app.get_calculation(&admin, q1.id).await.unwrap();
        assert_eq!(q1b.calc, q1.calc);
        assert_eq!(q1b.note, "2026 年度考核");
        let i1b = app.get_calculation(&admin, i1.id).await.unwrap();
        assert_eq!(i1b.calc, i1.calc);
        assert_eq!(i1b.calc.result["score"], "85.75");
        assert_eq!(
            i1b.calc.params_used,
            vec![(
                "selection.interview_trim_threshold".to_string(),
                "5".to_string()
            )]
        );

        // Listing: newest first; a filter by calculator.
        let all = app
            .list_calculations(&admin, CalcFilter::default(), &Default::default())
            .await
            .unwrap();
        assert_eq!(all.total, 2);
        assert_eq!(all.items[0].id, i1.id);
        let only = app
            .list_calculations(
                &admin,
                CalcFilter {
                    kind: Some("excellent-quota".into()),
                    ..CalcFilter::default()
                },
                &Default::default(),
            )
            .await
            .unwrap();
        assert_eq!(only.items.len(), 1);
        assert_eq!(only.items[0].calc, q1.calc);

        // Saving is audited.
        let audit = app
            .list_audit(&admin, Default::default(), &Default::default())
            .await
            .unwrap();
        let actions: Vec<&str> = audit.items.iter().map(|r| r.action.as_str()).collect();
        assert_eq!(actions.iter().filter(|a| **a == "calc.save").count(), 2);
        let saved_row = audit
            .items
            .iter()
            .find(|r| r.action == "calc.save" && r.object_id == q1.id.to_string())
            .unwrap();
        assert!(
            saved_row
                .after
                .as_deref()
                .unwrap()
                .contains("max_excellent")
        );

        // Scope: a unit's staff see neither the district's calculations nor each other's.
        let unit = app
            .create_unit(&admin, "town1", "一号镇", "town")
            .await
            .unwrap();
        let sid = app
            .system_create_user(
                d,
                Some(unit),
                "staff1",
                "职员",
                &[Role::Staff],
                "staff12345",
                false,
            )
            .await
            .unwrap();
        let staff = Actor {
            user_id: sid,
            username: "staff1".into(),
            display_name: "职员".into(),
            district_id: d,
            unit_id: Some(unit),
            roles: vec![Role::Staff],
        };
        assert!(matches!(
            app.get_calculation(&staff, q1.id).await,
            Err(AppError::NotFound)
        ));
        let mine = app
            .save_calculation(
                &staff,
                CalcKind::Id,
                &input(&[("number", "11010519491231002X")]),
                "",
            )
            .await
            .unwrap();
        assert_eq!(mine.unit_id, Some(unit));
        assert!(mine.calc.input.contains_key("today"));
        let seen = app
            .list_calculations(&staff, CalcFilter::default(), &Default::default())
            .await
            .unwrap();
        assert_eq!(
            seen.items.iter().map(|s| s.id).collect::<Vec<_>>(),
            vec![mine.id]
        );
        // The district sees it.
        assert!(app.get_calculation(&admin, mine.id).await.is_ok());
        // Staff may not load a calendar; an auditor-only account may not save.
        assert!(matches!(
            app.load_calendar_year(&staff, "year 2027\n2027-01-01 off\n")
                .await,
            Err(AppError::Forbidden)
        ));
        let auditor = Actor {
            roles: vec![Role::Auditor],
            ..admin.clone()
        };
        assert!(matches!(
            app.save_calculation(&auditor, CalcKind::ExcellentQuota, &quota, "")
                .await,
            Err(AppError::Forbidden)
        ));
        assert!(
            app.calculate(&auditor, CalcKind::ExcellentQuota, &quota)
                .await
                .is_ok()
        );

        // A loaded year may replace a built-in one; the audit keeps what it replaced.
        let y = app
            .load_calendar_year(&admin, "year 2026\n2026-01-01 off\n")
            .await
            .unwrap();
        assert!(y.replaces_builtin);
        let holiday = input(&[("date", "2026-10-01")]);
        let r = app
            .calculate(&admin, CalcKind::Workday, &holiday)
            .await
            .unwrap();
        assert_eq!(r.result["reason"], "weekday");
        let audit = app
            .list_audit(&admin, Default::default(), &Default::default())
            .await
            .unwrap();
        let row = audit
            .items
            .iter()
            .find(|r| r.action == "calendar.load")
            .unwrap();
        assert_eq!(row.object_id, "2026");
        assert!(row.before.as_deref().unwrap().contains("builtin"));
    });
}

// ---------------------------------------------------------------- page, API and CLI agree

/// The server, stopped when dropped.
struct Server {
    child: Child,
    base: String,
    db: String,
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

async fn start_server() -> Server {
    let dir = tempfile::tempdir().unwrap();
    let db: PathBuf = dir.path().join("web.db");
    let db = db.to_string_lossy().into_owned();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let child = Command::new(BIN)
        .args([
            "serve",
            "--demo",
            "--database",
            &db,
            "--bind",
            &format!("127.0.0.1:{port}"),
        ])
        .current_dir(dir.path())
        .env_remove("JIGUAN_DATABASE_URL")
        .env_remove("JIGUAN_CONFIG")
        .env("JIGUAN_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let server = Server {
        child,
        base,
        db,
        _dir: dir,
    };
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(180);
    loop {
        if let Ok(r) = client.get(format!("{}/healthz", server.base)).send().await
            && r.status().is_success()
        {
            break;
        }
        assert!(Instant::now() < deadline, "server did not start");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    server
}

/// The value of the first `name="_csrf" value="…"` in a page.
fn csrf_of(html: &str) -> String {
    let at = html.find("name=\"_csrf\" value=\"").unwrap() + "name=\"_csrf\" value=\"".len();
    html[at..].split('"').next().unwrap().to_string()
}

fn unescape(s: &str) -> String {
    s.replace("&#34;", "\"")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#60;", "<")
        .replace("&lt;", "<")
        .replace("&#62;", ">")
        .replace("&gt;", ">")
        .replace("&#38;", "&")
        .replace("&amp;", "&")
}

/// The result JSON a calculator page shows.
fn page_json(html: &str) -> Value {
    let start = html
        .find("<pre id=\"calc-json\">")
        .unwrap_or_else(|| panic!("no result: {html}"))
        + "<pre id=\"calc-json\">".len();
    let end = start + html[start..].find("</pre>").unwrap();
    serde_json::from_str(&unescape(&html[start..end])).unwrap()
}

async fn login(base: &str) -> (reqwest::Client, String) {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = client
        .get(format!("{base}/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let pre = csrf_of(&page);
    let r = client
        .post(format!("{base}/login"))
        .form(&[
            ("username", "admin"),
            ("password", "demo12345"),
            ("_csrf", pre.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert!(r.status().is_redirection(), "login: {}", r.status());
    let home = client.get(format!("{base}/")).send().await.unwrap();
    assert_eq!(home.status(), 200);
    let csrf = csrf_of(&home.text().await.unwrap());
    (client, csrf)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn page_api_and_cli_agree() {
    let srv = start_server().await;
    let base = srv.base.clone();
    let (client, csrf) = login(&base).await;
    let cli_dir = tempfile::tempdir().unwrap();
    let cli = |args: &[&str]| {
        let mut all = vec!["calc"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--database", &srv.db, "--district", "zhenhai"]);
        run_in(cli_dir.path(), &all)
    };

    let cases: Vec<(&str, Vec<(&str, &str)>)> = vec![
        (
            "retirement",
            vec![("birth", "1970-05"), ("category", "male")],
        ),
        (
            "severance",
            vec![
                ("start", "2015-03-01"),
                ("end", "2026-06-30"),
                ("monthly-wage", "12000"),
                ("local-average", "9000"),
            ],
        ),
        (
            "severance",
            vec![
                ("start", "2000-03-01"),
                ("end", "2026-06-30"),
                ("monthly-wage", "10000"),
                ("local-average", "9000"),
                ("unlawful", "true"),
            ],
        ),
        ("workdays", vec![("from", "2026-09-30")]),
        ("workday", vec![("date", "2026-10-10")]),
        ("id", vec![("number", "11010519491231002X")]),
        ("interview", vec![("scores", "80,90,70,85,95,88")]),
        (
            "committee",
            vec![
                ("members", "9"),
                ("present", "6"),
                ("yes", "5"),
                ("no", "1"),
            ],
        ),
        ("excellent-quota", vec![("count", "23")]),
        (
            "allocate",
            vec![("pool", "1000"), ("weights", "a=1.2,b=1,c=0.8")],
        ),
    ];
    for (kind, inputs) in &cases {
        // CLI
        let mut args = vec![*kind];
        let flags: Vec<String> = inputs.iter().map(|(k, _)| format!("--{k}")).collect();
        for ((k, v), flag) in inputs.iter().zip(&flags) {
            if *kind == "id" && *k == "number" {
                args.push(v);
            } else if *k == "unlawful" {
                args.push(flag);
            } else {
                args.push(flag);
                args.push(v);
            }
        }
        let from_cli = cli(&args).json();
        // API
        let body: BTreeMap<&str, &str> = inputs.iter().copied().collect();
        let r = client
            .post(format!("{base}/api/v1/calc/{kind}"))
            .header("x-csrf-token", &csrf)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{kind}");
        let api: Value = r.json().await.unwrap();
        assert_eq!(api["result"], from_cli, "API vs CLI: {kind}");
        assert!(!api["steps"].as_array().unwrap().is_empty());
        assert!(
            api["steps"][0]["text"]
                .as_str()
                .is_some_and(|t| !t.contains('{'))
        );
        assert!(!api["sources"].as_array().unwrap().is_empty());
        assert!(api["params_used"].is_object());
        // Page
        let mut form: Vec<(&str, &str)> = inputs.clone();
        form.push(("_csrf", &csrf));
        let r = client
            .post(format!("{base}/calc/{kind}"))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{kind}");
        let html = r.text().await.unwrap();
        assert_eq!(page_json(&html), from_cli, "page vs CLI: {kind}");
        assert!(html.contains("id=\"calc-steps\""));
        assert!(html.contains("js-print"));
    }

    // Bad input: 422 with the field, on the API and on the page.
    let r = client
        .post(format!("{base}/api/v1/calc/severance"))
        .header("x-csrf-token", &csrf)
        .json(&json!({"start": "2015-03-01", "end": "2026-06-30", "monthly-wage": "12000.123", "local-average": 9000}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["code"], "invalid");
    assert_eq!(e["field"], "monthly-wage");
    assert_eq!(e["errors"][0]["code"], "money_too_precise");
    let r = client
        .post(format!("{base}/calc/workday"))
        .form(&[("date", "2027-03-01"), ("_csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("id=\"err-date\""));
    let r = client
        .post(format!("{base}/api/v1/calc/nope"))
        .header("x-csrf-token", &csrf)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);

    // Save from the page; the saved page shows the stored result.
    let r = client
        .post(format!("{base}/calc/excellent-quota"))
        .form(&[
            ("count", "23"),
            ("_save", "1"),
            ("note", "年度考核"),
            ("_csrf", csrf.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert!(r.status().is_redirection(), "{}", r.status());
    let loc = r.headers()["location"].to_str().unwrap().to_string();
    assert!(loc.starts_with("/calc/saved/"), "{loc}");
    let html = client
        .get(format!("{base}{loc}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(
        page_json(&html),
        cli(&["excellent-quota", "--count", "23"]).json()
    );
    assert!(html.contains("年度考核"));
    let list: Value = client
        .get(format!("{base}/api/v1/calc/saved"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["note"], "年度考核");
    let r = client
        .post(format!("{base}/api/v1/calc/saved"))
        .header("x-csrf-token", &csrf)
        .json(&json!({"kind": "retirement", "input": {"birth": "1970-05", "category": "male"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let saved: Value = r.json().await.unwrap();
    assert_eq!(saved["result"]["retirement_month"], "2031-10");
    let r = client
        .get(format!("{base}/api/v1/calc/saved/{}", saved["id"]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["result"], saved["result"]);
    assert_eq!(
        client
            .get(format!("{base}/calc/saved"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );

    // The calendar: load 2027 through the API (text body); the page, the API and the
    // CLI on the same database then agree on 2027.
    let r = client
        .put(format!("{base}/api/v1/calendar/2028"))
        .header("x-csrf-token", &csrf)
        .header("content-type", "text/plain")
        .body("year 2027\n2027-01-01 off\n")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert_eq!(
        r.json::<Value>().await.unwrap()["errors"][0]["code"],
        "calendar_year_mismatch"
    );
    let r = client
        .put(format!("{base}/api/v1/calendar/2027"))
        .header("x-csrf-token", &csrf)
        .header("content-type", "text/plain")
        .body("year 2027\n2027-01-01 off\n2027-02-05..2027-02-11 off\n")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let years: Value = client
        .get(format!("{base}/api/v1/calendar"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        years
            .as_array()
            .unwrap()
            .iter()
            .any(|y| y["year"] == 2027 && y["origin"] == "loaded")
    );
    let from_cli = cli(&["workday", "--date", "2027-02-08"]).json();
    assert_eq!(from_cli["reason"], "holiday");
    let api: Value = client
        .post(format!("{base}/api/v1/calc/workday"))
        .header("x-csrf-token", &csrf)
        .json(&json!({"date": "2027-02-08"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(api["result"], from_cli);
    // The calendar page takes a form upload too.
    let r = client
        .post(format!("{base}/settings/calendar"))
        .form(&[
            ("schedule", "year 2028\n2028-01-01 off\n"),
            ("_csrf", csrf.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert!(r.status().is_redirection(), "{}", r.status());
    let html = client
        .get(format!("{base}/settings/calendar"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("id=\"calendar-2028\""));
    assert!(html.contains("enctype=\"multipart/form-data\""));
    assert_eq!(
        cli(&["workday", "--date", "2028-01-03"]).json()["reason"],
        "weekday"
    );

    // Every calculator page renders, in both languages.
    for k in CalcKind::ALL {
        let r = client
            .get(format!("{base}/calc/{}", k.code()))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{}", k.code());
    }
    assert_eq!(
        client
            .get(format!("{base}/calc"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
}

// ---------------------------------------------------------------- platform commands

#[test]
fn migrate_user_backup_restore_and_audit_verify() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // migrate: from empty to the latest version, then nothing to do.
    let r = run_in(d, &["--database", "j.db", "migrate"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let latest = jiguan_store::migrate::latest();
    assert!(
        r.stdout
            .contains(&format!("schema at version {latest} (was 0")),
        "{}",
        r.stdout
    );
    let r = run_in(d, &["--database", "j.db", "migrate"]);
    assert!(r.stdout.contains("applied none"), "{}", r.stdout);

    // user create / list; bad input is refused naming the field.
    rt().block_on(async {
        let store = SqlStore::open(&d.join("j.db").to_string_lossy())
            .await
            .unwrap();
        store
            .create_district("testd", "测试区", chrono::Utc::now())
            .await
            .unwrap();
        store.db.close().await;
    });
    let r = run_in(
        d,
        &[
            "--database",
            "j.db",
            "user",
            "create",
            "--username",
            "li_min",
            "--name",
            "李敏",
            "--district",
            "testd",
            "--role",
            "district_admin",
            "--password",
            "Initial123",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run_in(
        d,
        &[
            "--database",
            "j.db",
            "user",
            "create",
            "--username",
            "x",
            "--name",
            "短",
            "--district",
            "testd",
            "--role",
            "staff",
            "--password",
            "short",
        ],
    );
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("username: username_invalid"),
        "{}",
        r.stderr
    );
    let r = run_in(d, &["--database", "j.db", "user", "list"]);
    assert!(
        r.stdout.contains("li_min\t李敏\t-\tdistrict_admin\tactive"),
        "{}",
        r.stdout
    );
    let r = run_in(
        d,
        &[
            "--database",
            "j.db",
            "user",
            "reset-password",
            "li_min",
            "--password",
            "Temp12345",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);

    // audit verify: intact, exit 0.
    let r = run_in(d, &["--database", "j.db", "audit", "verify"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let report: Value = serde_json::from_str(&r.stdout).unwrap();
    assert!(report["rows_checked"].as_i64().unwrap() >= 3);
    assert!(report["breaks"].as_array().unwrap().is_empty());

    // backup while "running", then restore refuses to overwrite without --force.
    let r = run_in(d, &["--database", "j.db", "backup", "copy.db"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        std::fs::read(d.join("copy.db"))
            .unwrap()
            .starts_with(b"SQLite format 3\0")
    );
    let r = run_in(d, &["--database", "j.db", "backup", "copy.db"]);
    assert_eq!(r.code, 1, "an existing backup is never overwritten");

    // Tamper with one audit row: verify exits 3 and names it.
    rt().block_on(async {
        let db = jiguan_store::Db::connect(&d.join("j.db").to_string_lossy())
            .await
            .unwrap();
        db.execute(
            "UPDATE audit_log SET username = 'mallory' WHERE seq = 2",
            &[],
        )
        .await
        .unwrap();
        db.close().await;
    });
    let r = run_in(d, &["--database", "j.db", "audit", "verify"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr.contains("at seq 2") && r.stderr.contains("Altered"),
        "{}",
        r.stderr
    );

    // Restore the backup over it: the chain is intact again.
    let r = run_in(d, &["--database", "j.db", "restore", "copy.db"]);
    assert_eq!(r.code, 1, "refuses without --force: {}", r.stderr);
    let r = run_in(d, &["--database", "j.db", "restore", "copy.db", "--force"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run_in(d, &["--database", "j.db", "audit", "verify"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    std::fs::write(d.join("junk.db"), b"not a database at all").unwrap();
    let r = run_in(d, &["--database", "j.db", "restore", "junk.db", "--force"]);
    assert!(
        r.code != 0 && r.stderr.contains("not a SQLite database"),
        "{}",
        r.stderr
    );

    // PostgreSQL backups point to pg_dump.
    let r = run_in(
        d,
        &[
            "--database",
            "postgres://nobody@127.0.0.1:1/none",
            "backup",
            "x.dump",
        ],
    );
    assert!(r.code != 0 && r.stderr.contains("pg_dump"), "{}", r.stderr);
}

#[test]
fn openapi_and_healthcheck() {
    let dir = tempfile::tempdir().unwrap();
    let r = run_in(dir.path(), &["openapi"]);
    assert_eq!(r.code, 0);
    let doc: Value = serde_json::from_str(&r.stdout).unwrap();
    assert!(doc["paths"]["/api/v1/units"]["get"].is_object());
    // Nothing listens on port 1: not ready, exit 1.
    let r = run_in(dir.path(), &["healthcheck", "--url", "http://127.0.0.1:1"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
}

// ---- downsizing ----

#[test]
fn downsizing_summary_export_and_apply() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("d.db").to_string_lossy().into_owned();
    rt().block_on(async {
        let store = SqlStore::open(&db).await.unwrap();
        let app = test_app(store.clone());
        jiguan_app::demo::seed(&app, |_, _| {}).await.unwrap();
        store.db.close().await;
    });
    let run = |args: &[&str]| {
        let mut all = vec!["--database", db.as_str()];
        all.extend_from_slice(args);
        run_in(dir.path(), &all)
    };
    // The seed: 骆驼街道 21 of 100 = 21 %, 50 in all.
    let r = run(&["downsizing", "summary", "--district", "zhenhai"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let luotuo = r
        .stdout
        .lines()
        .find(|l| l.starts_with("luotuo\t"))
        .unwrap();
    let cols: Vec<&str> = luotuo.split('\t').collect();
    assert_eq!(
        (cols[2], cols[3], cols[4], cols[5]),
        ("approved", "21", "100", "21%")
    );
    let total = r.stdout.lines().last().unwrap();
    assert!(total.starts_with("total\t\t\t50\t"), "{total}");
    // The approved plan: listed, exported, applied as the unit administrator.
    let r = run(&[
        "downsizing",
        "plans",
        "--district",
        "zhenhai",
        "--unit",
        "luotuo",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let plan = r
        .stdout
        .lines()
        .next()
        .unwrap()
        .split('\t')
        .next()
        .unwrap()
        .to_string();
    let out = dir.path().join("s.xlsx").to_string_lossy().into_owned();
    let r = run(&[
        "downsizing",
        "export",
        "--district",
        "zhenhai",
        "--unit",
        "luotuo",
        "--plan",
        &plan,
        "--out",
        &out,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(std::fs::metadata(&out).unwrap().len() > 1000);
    let r = run(&[
        "downsizing",
        "apply",
        "--as",
        "luotuo_admin",
        "--plan",
        &plan,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(&[
        "downsizing",
        "show",
        "--district",
        "zhenhai",
        "--unit",
        "luotuo",
        "--plan",
        &plan,
    ]);
    let v: Value = serde_json::from_str(r.stdout.trim()).unwrap();
    assert_eq!(v["plan"]["status"], "applied");
    assert_eq!(v["totals"]["cut"], 21);
    // Applying twice is refused.
    let r = run(&[
        "downsizing",
        "apply",
        "--as",
        "luotuo_admin",
        "--plan",
        &plan,
    ]);
    assert_ne!(r.code, 0);
}
