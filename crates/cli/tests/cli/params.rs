//! With a database: the calendar import, district parameters, and saved calculations that
//! keep the parameter values they were computed with.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use jiguan_app::AppError;
use jiguan_app::ports::{CalcFilter, TenancyStore};
use jiguan_domain::auth::{Actor, Role};
use jiguan_domain::rules::calc::CalcKind;
use jiguan_store::SqlStore;

use crate::helpers::*;
use jiguan_testkit::fixtures;

// ---------------------------------------------------------------- with a database

/// A schedule that lists a day twice.
const SCHEDULE_2027_DUPLICATE: &str = "\
# 2027 (test schedule)
year 2027
2027-01-01 off
2027-02-05..2027-02-11 off
2027-02-06 off                # already in the range above: refused
";

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
    let r = with_db(&["calendar", "import", bad.to_str().unwrap()]);
    let e = r.error();
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("schedule_line_invalid"), Some("schedule"))
    );
    std::fs::write(&bad, SCHEDULE_2027_DUPLICATE).unwrap();
    let e = with_db(&["calendar", "import", bad.to_str().unwrap()]).error();
    assert_eq!(e["code"], "schedule_duplicate_day");

    let good = d.join("2027.txt");
    std::fs::write(
        &good,
        "# 2027\nyear 2027\n2027-01-01 off\n2027-02-05..2027-02-11 off\n2027-02-13 work\n",
    )
    .unwrap();
    let r = with_db(&["calendar", "import", good.to_str().unwrap()]);
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

    let r = with_db(&["calendar", "list"]);
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
    let missing = d.join("missing.db");
    let missing_db = missing.to_str().unwrap();
    for (target, code, field) in [
        (&["--database", db.as_str()][..], "required", "district"),
        (
            &["--database", db.as_str(), "--district", "nope"],
            "not_found",
            "district",
        ),
        (
            &["--database", missing_db, "--district", "testd"],
            "not_found",
            "database",
        ),
    ] {
        let mut args = vec!["calc", "excellent-quota", "--count", "23"];
        args.extend_from_slice(target);
        let e = run_in(d, &args).error();
        assert_eq!(
            (e["code"].as_str(), e["field"].as_str()),
            (Some(code), Some(field)),
            "{target:?}"
        );
    }
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
        let app = fixtures::app(SqlStore::open(&db).await.unwrap());
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
