//! The scoring stages of a campaign on both backends, through the use cases: written
//! exam (entry, an import refused whole with row errors, who advances with ties), the
//! interview panel (code judges, sheets once, the trim rule: TV 88.40), the anonymous
//! evaluation (codes once, no link, no audit per ballot, results only after close), the
//! composite (TV-S1 87.11), the ranking with a tie and the shortlist (TV-S5: 3 inspected),
//! inspection records, and tenant isolation.

use std::collections::BTreeMap;

use jiguan_app::AppError;
use jiguan_app::selection::panel::{JudgeAccess, JudgeForm};
use jiguan_app::selection::results::InspectionForm;
use jiguan_app::selection::scoring::{ExamEntry, ExamOutcome};
use jiguan_domain::auth::Role;
use jiguan_domain::selection::scores::Conclusion;
use jiguan_store::SqlStore;
use jiguan_testkit::fixtures;

use crate::helpers::*;

fn dec(s: &str) -> rust_decimal::Decimal {
    s.parse().unwrap()
}

fn codes(e: &AppError) -> Vec<String> {
    match e {
        AppError::Invalid(v) => v
            .iter()
            .map(|f| format!("{}:{}", f.field, f.code))
            .collect(),
        other => vec![format!("{other:?}")],
    }
}

both!(scoring_story);

async fn scoring_story(pg: bool) {
    let t = fresh(pg).await;
    let s = SqlStore::open(&t.url).await.unwrap();
    let app = fixtures::app(s.clone());
    let (d, u, sib, _d2, _u2) = two_districts(&s).await;
    let ua = actor(d, Some(u), Role::UnitAdmin);
    let other = actor(d, Some(sib), Role::UnitAdmin);
    let sc = fixtures::selection_campaign(&app, d, u, 100).await.unwrap();
    let id = sc.campaign;
    let audits = |action: &'static str| {
        let db = s.db.clone();
        async move {
            fetch_i64(
                &db,
                "SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log WHERE action = $1",
                &[action.into()],
            )
            .await
        }
    };

    // ---- written exam: a file with errors writes nothing and names row and column.
    let row = |r: usize, a: &str, s: &str| ExamEntry {
        row: Some(r),
        application_id: a.into(),
        score: s.into(),
    };
    let a = |n: &str| sc.app(n).0.to_string();
    let bad = vec![
        row(2, &a("甲"), "88"),
        row(3, &a("乙"), "101"),
        row(4, "999999", "80"),
        row(5, &a("甲"), "70"),
        row(6, &a("丙"), "八十"),
    ];
    let e = app.sel_exam_save(&ua, u, id, &bad).await.unwrap_err();
    let AppError::Invalid(errs) = &e else {
        panic!("{e:?}")
    };
    let got: Vec<(String, String, String)> = errs
        .iter()
        .map(|f| {
            let arg = |k: &str| {
                f.args
                    .iter()
                    .find(|(n, _)| n == k)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default()
            };
            (f.code.clone(), arg("row"), arg("column"))
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "selection_import_out_of_range".into(),
                "3".into(),
                "笔试成绩".into()
            ),
            (
                "selection_import_selection_not_candidate".into(),
                "4".into(),
                "报名编号".into()
            ),
            (
                "selection_import_duplicate".into(),
                "5".into(),
                "报名编号".into()
            ),
            (
                "selection_import_score_invalid".into(),
                "6".into(),
                "笔试成绩".into()
            ),
        ]
    );
    assert!(errs.iter().all(|f| f.field == "file"));
    assert_eq!(audits("selection.exam.import").await, 0);
    let v = app.sel_exam(&ua, u, id).await.unwrap();
    assert!(
        v.posts
            .iter()
            .all(|p| p.rows.iter().all(|r| r.score.is_none()))
    );

    // The page: a blank is skipped, a bad score names its field.
    let page = |n: &str, s: &str| ExamEntry {
        row: None,
        application_id: a(n),
        score: s.into(),
    };
    let e = app
        .sel_exam_save(&ua, u, id, &[page("甲", "-1"), page("乙", "")])
        .await
        .unwrap_err();
    assert_eq!(codes(&e), vec![format!("score_{}:out_of_range", a("甲"))]);
    // Another unit cannot write or read this campaign.
    assert!(matches!(
        app.sel_exam_save(&other, sib, id, &[page("甲", "80")])
            .await,
        Err(AppError::NotFound)
    ));
    assert!(matches!(
        app.sel_exam(&other, sib, id).await,
        Err(AppError::NotFound)
    ));
    let n = app
        .sel_exam_save(
            &ua,
            u,
            id,
            &[
                page("甲", "88"),
                page("乙", "85"),
                page("丙", "85"),
                page("丁", "84.995"),
                page("戊", "50"),
                page("己", "82.5"),
                page("庚", "70"),
            ],
        )
        .await
        .unwrap();
    assert_eq!(n, 7);
    assert_eq!(audits("selection.exam.save").await, 1);
    let v = app.sel_exam(&ua, u, id).await.unwrap();
    assert!(v.complete);
    let post_a = &v.posts[0];
    // 84.995 is published as 85.00; target 3, the tie at 85 advances all three; 戊 < 60.
    assert_eq!(post_a.target, 3);
    let outcome = |n: &str| {
        v.posts
            .iter()
            .flat_map(|p| p.rows.iter())
            .find(|r| r.candidate.name == n)
            .map(|r| (r.score.unwrap(), r.outcome))
            .unwrap()
    };
    assert_eq!(outcome("丁"), (dec("85"), ExamOutcome::Advanced));
    assert_eq!(outcome("乙").1, ExamOutcome::Advanced);
    assert_eq!(outcome("戊").1, ExamOutcome::BelowPass);
    assert_eq!(outcome("己").0, dec("82.5"));

    // ---- interview: seven judges with codes.
    let mut judges = Vec::new();
    for i in 1..=7 {
        let (jid, code) = app
            .sel_judge_add(
                &ua,
                u,
                id,
                &JudgeForm {
                    name: format!("评委{i}"),
                    ..JudgeForm::default()
                },
            )
            .await
            .unwrap();
        judges.push((jid, code.unwrap()));
    }
    let e = app
        .sel_judge_add(&ua, u, id, &JudgeForm::default())
        .await
        .unwrap_err();
    assert_eq!(codes(&e), vec!["name:required"]);
    assert_eq!(audits("selection.judge.add").await, 7);
    let wrong = app
        .sel_sheet(&JudgeAccess::Code("AAAAA-BBBBB"))
        .await
        .unwrap_err();
    assert_eq!(codes(&wrong), vec!["code:selection_code_invalid"]);
    let vector = ["85", "88", "90", "92", "79", "95", "87"];
    for (i, (_, code)) in judges.iter().enumerate() {
        let j = JudgeAccess::Code(code);
        let mut sheet = BTreeMap::new();
        sheet.insert(format!("score_{}", a("甲")), "88".to_string());
        sheet.insert(format!("score_{}", a("乙")), "85".to_string());
        sheet.insert(format!("score_{}", a("丙")), "85".to_string());
        sheet.insert(format!("score_{}", a("丁")), "76.25".to_string());
        sheet.insert(format!("score_{}", a("己")), vector[i].to_string());
        sheet.insert(format!("score_{}", a("庚")), "80".to_string());
        // Scoring before the recusal declaration is refused.
        if i == 0 {
            let e = app.sel_submit_sheet(&j, &sheet).await.unwrap_err();
            assert_eq!(codes(&e), vec!["recused:selection_recusal_required"]);
        }
        app.sel_declare_recusal(&j, &[]).await.unwrap();
        // The sheet lists the interviewees only (not 戊), and no score before submitting.
        let own = app.sel_sheet(&j).await.unwrap();
        let names: Vec<&str> = own
            .posts
            .iter()
            .flat_map(|p| p.lines.iter().map(|l| l.candidate.name.as_str()))
            .collect();
        assert_eq!(names, vec!["甲", "乙", "丙", "丁", "己", "庚"]);
        assert!(
            own.posts
                .iter()
                .flat_map(|p| &p.lines)
                .all(|l| l.score.is_none())
        );
        if i == 1 {
            // A missing score refuses the whole sheet.
            let mut short = sheet.clone();
            short.remove(&format!("score_{}", a("庚")));
            let e = app.sel_submit_sheet(&j, &short).await.unwrap_err();
            assert_eq!(codes(&e), vec![format!("score_{}:required", a("庚"))]);
        }
        assert_eq!(app.sel_submit_sheet(&j, &sheet).await.unwrap(), 6);
        if i == 0 {
            let e = app.sel_submit_sheet(&j, &sheet).await.unwrap_err();
            assert_eq!(codes(&e), vec!["sheet:selection_sheet_submitted"]);
        }
    }
    assert_eq!(audits("selection.sheet.submit").await, 7);
    let panel = app.sel_panel(&ua, u, id).await.unwrap();
    assert!(!panel.hidden);
    let result = |n: &str| {
        panel
            .posts
            .iter()
            .flat_map(|p| p.rows.iter())
            .find(|r| r.candidate.name == n)
            .and_then(|r| r.result.as_ref().map(|x| x.score))
            .unwrap()
    };
    // TV 1.5.2: 7 judges 85 88 90 92 79 95 87 → drop 95 and 79 → 88.40.
    assert_eq!(result("己"), dec("88.40"));
    assert_eq!(result("丁"), dec("76.25"));
    assert!(panel.posts.iter().all(|p| p.not_ready.is_none()));

    // ---- democratic evaluation: five codes, five ballots.
    let ev_codes = app.sel_eval_codes(&ua, u, id, "5").await.unwrap();
    assert_eq!(ev_codes.len(), 5);
    let e = app.sel_eval_codes(&ua, u, id, "0").await.unwrap_err();
    assert_eq!(codes(&e), vec!["count:out_of_range"]);
    let staff = actor(d, Some(u), Role::Staff);
    // Per ballot: 甲 88 (2 优秀 3 称职), 乙 丙 85 (1 优秀 3 称职 1 blank), 丁 80, 己 90 (2 优秀
    // 2 称职 1 blank), 庚 80.
    let marks = |k: usize| {
        let mut m = BTreeMap::new();
        let g = |x: bool| if x { "excellent" } else { "competent" };
        m.insert(format!("mark_{}", a("甲")), g(k < 2).to_string());
        for n in ["乙", "丙"] {
            let v = match k {
                0 => "excellent",
                4 => "",
                _ => "competent",
            };
            m.insert(format!("mark_{}", a(n)), v.to_string());
        }
        m.insert(format!("mark_{}", a("丁")), "competent".into());
        let v = match k {
            0 | 1 => "excellent",
            4 => "",
            _ => "competent",
        };
        m.insert(format!("mark_{}", a("己")), v.to_string());
        m.insert(format!("mark_{}", a("庚")), "competent".into());
        m
    };
    let before = fetch_i64(&s.db, "SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log", &[]).await;
    let e = app
        .sel_eval_cast(&staff, u, id, &ev_codes[0], &{
            let mut m = marks(0);
            m.insert(format!("mark_{}", a("甲")), "great".into());
            m
        })
        .await
        .unwrap_err();
    assert_eq!(
        codes(&e),
        vec![format!("mark_{}:selection_mark_invalid", a("甲"))]
    );
    for (k, c) in ev_codes.iter().enumerate() {
        app.sel_eval_cast(&staff, u, id, c, &marks(k))
            .await
            .unwrap();
    }
    let e = app
        .sel_eval_cast(&staff, u, id, &ev_codes[0], &marks(0))
        .await
        .unwrap_err();
    assert_eq!(codes(&e), vec!["code:selection_code_invalid"]);
    // No audit entry for a ballot; nothing shown before close.
    assert_eq!(
        fetch_i64(&s.db, "SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log", &[]).await,
        before
    );
    let ev = app.sel_evaluation(&ua, u, id).await.unwrap();
    assert_eq!((ev.issued, ev.used, ev.closed), (5, 5, false));
    assert!(ev.lines.is_empty());
    // The ballots hold the marks only.
    let cols = if pg {
        fetch_i64(&s.db, "SELECT CAST(COUNT(*) AS BIGINT) FROM information_schema.columns WHERE table_name = 'selection_eval_ballots'", &[]).await
    } else {
        fetch_i64(
            &s.db,
            "SELECT COUNT(*) FROM pragma_table_info('selection_eval_ballots')",
            &[],
        )
        .await
    };
    assert_eq!(
        cols, 5,
        "campaign_id, district_id, unit_id, ballot_key, marks_json"
    );
    app.sel_eval_close(&ua, u, id).await.unwrap();
    let e = app
        .sel_eval_cast(&staff, u, id, &ev_codes[1], &marks(1))
        .await
        .unwrap_err();
    assert_eq!(codes(&e), vec!["campaign:selection_evaluation_closed"]);
    assert_eq!(audits("selection.evaluation.close").await, 1);
    let ev = app.sel_evaluation(&ua, u, id).await.unwrap();
    let line = |n: &str| {
        ev.lines
            .iter()
            .find(|l| l.name == n)
            .unwrap()
            .result
            .unwrap()
    };
    assert_eq!(line("己").score, dec("90"));
    assert_eq!(line("己").approval_pct, dec("80"));
    assert_eq!(line("甲").score, dec("88"));

    // ---- results: TV-S1 87.11; TV-S5 shortlist of 3 with the tie at the cut.
    let r = app.sel_results(&ua, u, id).await.unwrap();
    assert_eq!((r.campaign_id, r.plan_version), (id, 1));
    let post_b = &r.posts[1];
    assert_eq!(post_b.lines[0].candidate.name, "己");
    assert_eq!(post_b.lines[0].composite.unwrap().to_string(), "87.11");
    assert_eq!(post_b.shortlist.as_ref().unwrap().included.len(), 2);
    let post_a = &r.posts[0];
    let placed: Vec<(String, rust_decimal::Decimal, u32, bool)> = post_a
        .lines
        .iter()
        .filter(|l| l.rank.is_some())
        .map(|l| {
            (
                l.candidate.name.clone(),
                l.composite.unwrap(),
                l.rank.unwrap(),
                l.tied,
            )
        })
        .collect();
    assert_eq!(
        placed,
        vec![
            ("甲".into(), dec("88.00"), 1, false),
            ("乙".into(), dec("85.00"), 2, true),
            ("丙".into(), dec("85.00"), 2, true),
            ("丁".into(), dec("80.00"), 4, false),
        ]
    );
    let wu = post_a
        .lines
        .iter()
        .find(|l| l.candidate.name == "戊")
        .unwrap();
    assert_eq!(wu.stops, vec!["selection_written_below_pass"]);
    let short = post_a.shortlist.as_ref().unwrap();
    assert_eq!(
        (short.target, short.included.len(), short.tie_at_cut),
        (2, 3, true)
    );
    assert_eq!(short.plan_version, 1);

    // ---- inspection records.
    let f = InspectionForm {
        team: "王组长".into(),
        material: String::new(),
        conclusion: "maybe".into(),
    };
    let e = app
        .sel_inspection_save(&ua, u, id, sc.app("乙"), &f)
        .await
        .unwrap_err();
    assert_eq!(
        codes(&e),
        vec![
            "team:selection_team_too_small",
            "material:required",
            "conclusion:selection_conclusion_invalid"
        ]
    );
    let e = app
        .sel_inspection_save(
            &ua,
            u,
            id,
            sc.app("丁"),
            &InspectionForm {
                team: "王组长、李组员".into(),
                material: "考察材料".into(),
                conclusion: "recommend".into(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(codes(&e), vec!["application:selection_not_shortlisted"]);
    for (n, c) in [("甲", "建议任用"), ("乙", "not_recommend")] {
        app.sel_inspection_save(
            &ua,
            u,
            id,
            sc.app(n),
            &InspectionForm {
                team: "王组长、李组员".into(),
                material: format!("{n}的考察材料"),
                conclusion: c.into(),
            },
        )
        .await
        .unwrap();
    }
    assert_eq!(audits("selection.inspection.save").await, 2);
    let r = app.sel_results(&ua, u, id).await.unwrap();
    let after = r.posts[0].after.as_ref().unwrap();
    assert_eq!(after.recommended, vec![sc.app("甲")]);
    assert_eq!(after.dropped, vec![sc.app("乙")]);
    assert_eq!(after.pending, vec![sc.app("丙")]);
    let jia = r.posts[0]
        .lines
        .iter()
        .find(|l| l.candidate.name == "甲")
        .unwrap();
    assert_eq!(
        jia.inspection.as_ref().unwrap().conclusion,
        Conclusion::Recommend
    );
    // The committee decides among the shortlist only, less those the inspection dropped
    // (甲 recommended, 丙 pending; 乙 not recommended; 丁 and 戊 not shortlisted).
    let v = app.dec_view(&ua, u, id).await.unwrap();
    let mut pool: Vec<_> = v.posts[0].pool.iter().map(|(a, _, _)| *a).collect();
    pool.sort();
    let mut want = vec![sc.app("甲"), sc.app("丙")];
    want.sort();
    assert_eq!(pool, want);
    // ---- 加试 (§1.7.5): only for candidates tied on every other key; it breaks the tie.
    let extra = |n: &str, s: &str| ExamEntry {
        row: None,
        application_id: sc.app(n).0.to_string(),
        score: s.into(),
    };
    let e = app
        .sel_extra_test_save(&ua, u, id, &[extra("甲", "90")])
        .await
        .unwrap_err();
    assert_eq!(
        codes(&e),
        vec![format!(
            "extra_{}:selection_extra_test_not_tied",
            sc.app("甲").0
        )]
    );
    let e = app
        .sel_extra_test_save(&ua, u, id, &[extra("乙", "101")])
        .await
        .unwrap_err();
    assert_eq!(
        codes(&e),
        vec![format!("extra_{}:out_of_range", sc.app("乙").0)]
    );
    assert_eq!(
        app.sel_extra_test_save(&ua, u, id, &[extra("乙", "80"), extra("丙", "90.5")])
            .await
            .unwrap(),
        2
    );
    assert_eq!(audits("selection.extra_test.save").await, 1);
    let r = app.sel_results(&ua, u, id).await.unwrap();
    let placed: Vec<(String, u32, bool)> = r.posts[0]
        .lines
        .iter()
        .filter(|l| l.rank.is_some())
        .map(|l| (l.candidate.name.clone(), l.rank.unwrap(), l.tied))
        .collect();
    assert_eq!(
        placed,
        vec![
            ("甲".into(), 1, false),
            ("丙".into(), 2, false),
            ("乙".into(), 3, false),
            ("丁".into(), 4, false),
        ]
    );
    let short = r.posts[0].shortlist.as_ref().unwrap();
    assert_eq!((short.included.len(), short.tie_at_cut), (2, false));
    // A result once entered may be corrected (the pair is no longer tied).
    app.sel_extra_test_save(&ua, u, id, &[extra("乙", "95")])
        .await
        .unwrap();
    let r = app.sel_results(&ua, u, id).await.unwrap();
    assert_eq!(r.posts[0].lines[1].candidate.name, "乙");
    assert!(matches!(
        app.sel_extra_test_save(&other, sib, id, &[extra("乙", "70")])
            .await,
        Err(AppError::NotFound)
    ));
    // Another unit sees none of it.
    assert!(matches!(
        app.sel_results(&other, sib, id).await,
        Err(AppError::NotFound)
    ));
    assert!(matches!(
        app.sel_panel(&other, sib, id).await,
        Err(AppError::NotFound)
    ));
}
