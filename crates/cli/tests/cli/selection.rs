//! The selection commands (`jiguan selection …`) against the real binary: campaigns
//! listed, written-exam scores imported from a file (a bad row refused whole, naming the
//! row and column), and the results as a table and as JSON citing the plan version.

use serde_json::Value;

use jiguan_app::App;
use jiguan_domain::auth::Role;
use jiguan_domain::tenancy::{DistrictId, UnitId, UnitKind};
use jiguan_store::SqlStore;
use jiguan_testkit::fixtures;

use crate::helpers::*;

const PW: &str = "Passw0rd!Passw0rd";

/// The database at `db` with 镇海区 and its one unit 骆驼街道, whose HR account
/// `luotuo_hr` (password [`PW`]) is a unit administrator.
async fn hr_district(db: &str) -> (SqlStore, App, DistrictId, UnitId) {
    let store = SqlStore::open(db).await.unwrap();
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
        PW,
        false,
    )
    .await
    .unwrap();
    (store, app, d, units[0])
}

#[test]
fn selection_campaigns_exam_import_and_results() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db").to_string_lossy().into_owned();
    let sc = rt().block_on(async {
        let (store, app, d, u) = hr_district(&db).await;
        let sc = fixtures::selection_campaign(&app, d, u, 100).await.unwrap();
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
    let f = file.to_string_lossy().into_owned();
    let (jia, yi) = (sc.app("甲").0, sc.app("乙").0);
    // The exam file with 乙's score `yi_score`, imported by the HR account.
    let import = |yi_score: &str| {
        let text = format!("报名编号,姓名,竞聘岗位,笔试成绩\n{jia},甲,,88\n{yi},乙,,{yi_score}\n");
        std::fs::write(&file, text).unwrap();
        let hr = ["--as", "luotuo_hr", "--campaign", &id, &f];
        run(&[&["selection", "import-exam"][..], &hr[..]].concat())
    };
    // The results as JSON.
    let results = || {
        let r = run(&at_luotuo(
            &["selection", "results"],
            &["--campaign", &id, "--json"],
        ));
        assert_eq!(r.code, 0, "{}", r.stderr);
        serde_json::from_str::<Value>(r.stdout.trim()).unwrap()
    };
    let r = import("一百");
    assert_refused(&r, "selection_import_score_invalid row=3 column=笔试成绩");
    let v = results();
    assert!(v["posts"][0]["lines"][0]["scores"]["written"].is_null());
    // A good file.
    let r = import("84.995");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("imported 2"), "{}", r.stdout);
    // The results, JSON: cited, the written scores in, interview still missing.
    let v = results();
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

/// Every later stage from the command line, through the same use cases as the web: the
/// applications after review, 加试 refused for a candidate not tied, the decisions, the
/// publicity (refused before the decision), an objection recorded and resolved, the
/// appointment (refused too early), the terms with the probation reminder, and the
/// probation-end evaluation (refused at exactly two thirds, then 正式任职).
#[test]
fn selection_decision_steps_from_the_command_line() {
    use jiguan_app::selection::decision::{DecisionMeetingForm, Proposal};
    use jiguan_domain::auth::Actor;
    use jiguan_domain::tenancy::UserId;

    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db").to_string_lossy().into_owned();
    let sc = rt().block_on(async {
        let (store, app, d, u) = hr_district(&db).await;
        let sc = fixtures::selection_campaign(&app, d, u, 200).await.unwrap();
        let who = |user: UserId, role: Role| Actor {
            user_id: user,
            username: "system".into(),
            display_name: String::new(),
            district_id: d,
            unit_id: Some(u),
            roles: vec![role],
        };
        let ua = who(UserId(0), Role::UnitAdmin);
        app.create_post(
            &ua,
            u,
            &jiguan_domain::posts::PostForm {
                body: sc.bodies.0.to_string(),
                title: "党政办副主任".into(),
                level: "deputy".into(),
                establishment: "any".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let mut committee = Vec::new();
        for n in ["cm1", "cm2", "cm3"] {
            committee.push(
                app.system_create_user(d, Some(u), n, n, &[Role::CommitteeMember], PW, false)
                    .await
                    .unwrap(),
            );
        }
        let m = app
            .dec_create_meeting(
                &ua,
                u,
                sc.campaign,
                &DecisionMeetingForm {
                    title: "党工委会议".into(),
                    held_on: "2025-09-20".into(),
                    proposals: vec![Proposal {
                        post: format!("{}:deputy", sc.bodies.0),
                        person_id: sc.people[0].to_string(),
                    }],
                },
            )
            .await
            .unwrap();
        app.sel_roll_call(&ua, u, m, &committee).await.unwrap();
        let tokens = app.sel_issue_tokens(&ua, u, m).await.unwrap();
        for (tok, member) in tokens.iter().zip(&committee) {
            let marks = [("1".to_string(), "agree".to_string())]
                .into_iter()
                .collect();
            app.sel_cast(&who(*member, Role::CommitteeMember), u, m, tok, &marks)
                .await
                .unwrap();
        }
        app.sel_close(&ua, u, m).await.unwrap();
        store.db.close().await;
        sc
    });
    let run = |args: &[&str]| {
        let mut all = vec!["--database", db.as_str()];
        all.extend_from_slice(args);
        run_in(dir.path(), &all)
    };
    let id = sc.campaign.to_string();
    let hr = |args: &[&str]| {
        let mut all = vec!["selection"];
        all.extend_from_slice(&args[..1]);
        all.extend_from_slice(&["--as", "luotuo_hr", "--campaign", &id]);
        all.extend_from_slice(&args[1..]);
        run(&all)
    };
    // Registration: the applications after the review.
    let r = run(&at_luotuo(
        &["selection", "applications"],
        &["--campaign", &id],
    ));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains(&format!("{}\t甲\tconfirmed\t", sc.app("甲"))),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains(": eligible"), "{}", r.stdout);
    // 加试 only for candidates left tied (nothing is ranked yet).
    let jia = format!("{}=90", sc.app("甲"));
    let r = hr(&["extra-test", &jia]);
    assert_ne!(r.code, 0);
    assert!(
        r.stderr.contains(&format!(
            "extra_{}: selection_extra_test_not_tied",
            sc.app("甲")
        )),
        "{}",
        r.stderr
    );
    // The decisions: 甲 adopted by the committee on 2025-09-20.
    let r = run(&at_luotuo(
        &["selection", "decisions"],
        &["--campaign", &id],
    ));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let line = r
        .stdout
        .lines()
        .find(|l| l.contains("甲"))
        .unwrap_or_else(|| panic!("{}", r.stdout));
    assert!(line.contains("\telected\t2025-09-20\t-\t"), "{line}");
    let cand = line.split('\t').next().unwrap().to_string();
    // Publicity: not before the decision; then 5 working days over the National Day.
    let r = hr(&["publicity", "--start", "2025-09-19"]);
    assert_refused(&r, "selection_publicity_before_decision");
    let r = hr(&["publicity", "--start", "2025-09-25"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("2025-09-28") && r.stdout.contains("earliest appointment 2025-10-09"),
        "{}",
        r.stdout
    );
    // An objection, resolved without effect on the appointment.
    let r = hr(&[
        "objection",
        "--candidate",
        &cand,
        "--received-on",
        "2025-09-26",
        "--content",
        "反映工作作风问题",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let objection = r.stdout.split_whitespace().nth(1).unwrap().to_string();
    let r = hr(&["appoint", "--candidate", &cand, "--on", "2025-10-09"]);
    assert_refused(&r, "selection_objection_open");
    let r = hr(&[
        "resolve",
        "--objection",
        &objection,
        "--outcome",
        "issue_not_affecting",
        "--resolution",
        "经核查，不影响任职",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // The appointment: too early, then on the first working day after the publicity.
    let r = hr(&["appoint", "--candidate", &cand, "--on", "2025-10-08"]);
    assert_refused(&r, "selection_appointment_too_early");
    let r = hr(&[
        "appoint",
        "--candidate",
        &cand,
        "--on",
        "2025-10-09",
        "--doc-no",
        "骆党〔2025〕8号",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Terms: probation to 2026-09-19 (from the decision), term to 2028-10-08; the
    // probation is over without an evaluation, so it is due.
    let r = run(&at_luotuo(&["selection", "terms"], &[]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains(&format!(
            "{cand}\t甲\t党政综合办公室 中层副职\t2025-10-09\t2026-09-19\t2028-10-08\t-\tprobation"
        )),
        "{}",
        r.stdout
    );
    let r = run(&at_luotuo(
        &["selection", "terms"],
        &["--within", "30", "--json"],
    ));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: Value = serde_json::from_str(r.stdout.trim()).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1, "{v}");
    // The probation-end evaluation: exactly two thirds does not confirm.
    let probation = |competent: &str| {
        run(&[
            "selection",
            "probation",
            "--as",
            "luotuo_hr",
            "--candidate",
            &cand,
            "--decided-on",
            "2026-09-20",
            "--excellent",
            "10",
            "--competent",
            competent,
            "--basic",
            "10",
            "--result",
            "confirmed",
        ])
    };
    let r = probation("10");
    assert_refused(&r, "selection_probation_two_thirds");
    let r = probation("11");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("probation confirmed"), "{}", r.stdout);
    let r = run(&at_luotuo(&["selection", "terms"], &[]));
    assert!(
        r.stdout.contains("\tconfirmed 2026-09-20\t"),
        "{}",
        r.stdout
    );
    let r = run(&at_luotuo(
        &["selection", "terms"],
        &["--within", "30", "--json"],
    ));
    let v: Value = serde_json::from_str(r.stdout.trim()).unwrap();
    assert!(v.as_array().unwrap().is_empty(), "nothing due: {v}");
}
