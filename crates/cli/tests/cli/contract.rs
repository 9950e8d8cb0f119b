//! The `jiguan calc` contract of issue 5, no database.

use serde_json::json;

use crate::helpers::*;

// ---------------------------------------------------------------- the contract, no database

#[test]
fn retirement_example() {
    let v = calc(&["retirement", "--birth", "1970-05", "--category", "male"]).json();
    assert_eq!(
        v,
        json!({
            "birth": "1970-05", "category": "male", "delay_months": 17,
            "original_age": {"years": 60, "months": 0}, "retirement_age": {"years": 61, "months": 5},
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
            "eligible": true, "grounds": ["service_30_years", "near_retirement_20_years"],
            "service": {"years": 40, "months": 0}, "retirement_month": "2031-10",
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

/// The flags of a severance calculation.
fn severance<'a>(start: &'a str, end: &'a str, wage: &'a str, average: &'a str) -> Vec<&'a str> {
    vec![
        "severance",
        "--start",
        start,
        "--end",
        end,
        "--monthly-wage",
        wage,
        "--local-average",
        average,
    ]
}

#[test]
fn severance_example() {
    let args = severance("2015-03-01", "2026-06-30", "12000", "9000");
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
    let v = calc(&severance("2000-03-01", "2026-06-30", "10000", "9000")).json();
    assert_eq!(v["parts"][0]["rule"], "labour_1994");
    assert_eq!(v["parts"][0]["to"], "2007-12-31");
    assert_eq!(v["parts"][1]["rule"], "art47");
    assert_eq!(v["parts"][1]["from"], "2008-01-01");
    assert_eq!(v["amount"], "270000.00");
    // The high-wage cap: 3 × average and at most 12 years.
    let v = calc(&severance("2008-01-01", "2027-12-31", "30000", "9000")).json();
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
