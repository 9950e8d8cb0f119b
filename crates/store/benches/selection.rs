//! Benchmark (not a timed test): competitive selection (竞争上岗, issue 13) through the use
//! cases over the SQL store — a published campaign of 200 deputy posts (one seat each, in
//! 200 offices) with 2,000 confirmed applicants (10 per post) scored: the written exam
//! saved in one batch, 7 judges' sheets over the ~600 who advance, 60 four-grade
//! evaluation ballots cast and closed; then composited, ranked and shortlisted
//! (`App::sel_results`, which reads every stage back from the store). And a committee of
//! 15 members voting on 50 items: meeting created, roll call, 15 tokens, 15 secret
//! ballots, close (tally + SHA-256 digest), recount from the stored ballots. SQLite always
//! (a temp file); PostgreSQL too when `JIGUAN_BENCH_PG_URL` names a server. Run with
//! `cargo bench -p jiguan-store --bench selection`; figures go to docs/PERFORMANCE.md
//! ("Selection through the store"). The domain-only figures are
//! `crates/domain/benches/selection.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::actor;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use chrono::NaiveDate;

use jiguan_app::org::{BodyForm, CapsForm, SplitForm};
use jiguan_app::people::PersonRecord;
use jiguan_app::ports::Scoped;
use jiguan_app::selection::campaign::{CampaignAt, CampaignForm, PostLine};
use jiguan_app::selection::panel::JudgeForm;
use jiguan_app::selection::registration::{
    ApplicationStatus, ApplicationWrite, ReviewFacts, ReviewWrite,
};
use jiguan_app::selection::scoring::ExamEntry;
use jiguan_app::selection::{ItemForm, MeetingForm};
use jiguan_app::users::system_entry;
use jiguan_app::workflow::SimpleStep;
use jiguan_domain::auth::Role;
use jiguan_domain::people::{EstablishmentKind, Identity};
use jiguan_domain::selection::eligibility::Nomination;
use jiguan_domain::selection::plan::PostKey;
use jiguan_domain::tenancy::{DistrictId, UnitId, UnitInput, UnitKind, UserId};
use jiguan_testkit::fixtures;

const POSTS: usize = 200;
const PER_POST: usize = 10;
const JUDGES: usize = 7;
const VOTERS: usize = 60;
const MEMBERS: usize = 15;
const ITEMS: usize = 50;
const VOTES: usize = 5;

/// A deterministic pseudo-random number below `n`.
fn rnd(seed: u64, n: u64) -> u64 {
    (seed
        .wrapping_mul(6_364_136_223_846_793_005)
        .wrapping_add(1_442_695_040_888_963_407)
        >> 33)
        % n
}

fn person(d: DistrictId, unit: UnitId, i: usize) -> PersonRecord {
    let birth = NaiveDate::from_ymd_opt(1988, 1, 1).unwrap() + chrono::Duration::days(i as i64);
    let seq = (i % 400) as u32 * 2 + 1;
    let on = NaiveDate::from_ymd_opt(2012, 7, 1).unwrap();
    PersonRecord {
        name: format!("干部{i}"),
        gender: "male".into(),
        id_number: fixtures::id_number(&birth.format("%Y%m%d").to_string(), seq),
        birth_date: birth,
        ethnicity: "汉族".into(),
        party: "中共党员".into(),
        education: "大学本科".into(),
        work_start: Some(on),
        unit_join: Some(on),
        establishment: EstablishmentKind::Administrative,
        ..PersonRecord::new(d, unit, Identity::CivilServant, on)
    }
}

/// This process's CPU time (user + system) so far, from `/proc/self/stat` (Linux, 100
/// ticks a second); zero elsewhere. The database server's own CPU is not in it.
fn cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<u64> = after
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|x| x.parse().ok())
        .collect();
    Duration::from_millis(f.iter().sum::<u64>() * 10)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// (median, min, max) in ms.
fn spread(mut t: Vec<Duration>) -> (f64, f64, f64) {
    t.sort();
    (ms(t[t.len() / 2]), ms(t[0]), ms(t[t.len() - 1]))
}

async fn run(url: &str, label: &str) {
    let (s, app, d) = common::bench_app(url).await;
    let unit = app
        .store
        .create_unit(
            d,
            &UnitInput {
                code: "u1".into(),
                name: "基准街道".into(),
                kind: UnitKind::Town,
            },
            system_entry(d, None, "unit.create", "unit", "u1", None),
        )
        .await
        .unwrap();
    let ua = actor(d, Some(unit), Role::UnitAdmin);
    let da = actor(d, None, Role::DistrictAdmin);

    // ---- set-up (timed as a whole): 200 offices with one deputy seat each, the plan
    // published, 2,000 people, their applications confirmed (store writes).
    let t_seed = Instant::now();
    let mut bodies = Vec::new();
    for i in 0..POSTS {
        let b = app
            .org_create_body(
                &ua,
                unit,
                &BodyForm {
                    name: format!("办公室{i:03}"),
                    kind: "office".into(),
                    establishment: "20".into(),
                    valid_from: "2018-01-01".into(),
                    ..BodyForm::default()
                },
            )
            .await
            .unwrap();
        bodies.push(b.0);
    }
    app.org_set_caps(
        &da,
        unit,
        &CapsForm {
            max_bodies: (POSTS + 10).to_string(),
            max_chiefs: POSTS.to_string(),
            max_deputies: POSTS.to_string(),
            doc_no: "基准编〔2018〕1号".into(),
            valid_from: "2018-01-01".into(),
        },
    )
    .await
    .unwrap();
    app.org_save_split(
        &ua,
        unit,
        &SplitForm {
            phase: "2018年度".into(),
            effective: "2018-01-01".into(),
            lines: bodies
                .iter()
                .map(|b| (b.to_string(), "1".into(), "1".into()))
                .collect(),
        },
    )
    .await
    .unwrap();
    let form = CampaignForm {
        title: "基准竞争上岗".into(),
        registration_deadline: app.camp_default_deadline().to_string(),
        posts: bodies
            .iter()
            .map(|b| PostLine {
                body_id: b.to_string(),
                level: "deputy".into(),
                seats: "1".into(),
            })
            .collect(),
        ..CampaignForm::default()
    };
    let id = app.camp_create(&ua, unit, &form).await.unwrap();
    app.camp_submit(&ua, unit, id).await.unwrap();
    app.step_plan(&da, unit, id, SimpleStep::Approve("基准组〔2026〕1号"))
        .await
        .unwrap();
    app.camp_publish(&ua, unit, id).await.unwrap();
    let hires = (0..POSTS * PER_POST).map(|i| person(d, unit, i)).collect();
    let people = common::hire_all(&app, d, unit, hires).await;
    let deadline = app.camp_default_deadline();
    let mut facts = ReviewFacts {
        basic_conditions_attested: true,
        ..ReviewFacts::default()
    };
    for k in 1..=3 {
        facts.appraisals.insert(
            chrono::Datelike::year(&deadline) - k,
            jiguan_domain::selection::eligibility::AppraisalGrade::Competent,
        );
    }
    for (i, person_id) in people.iter().enumerate() {
        let key = PostKey {
            body_id: jiguan_domain::org::BodyId(bodies[i / PER_POST]),
            level: jiguan_domain::posts::PostLevel::Deputy,
        };
        let w = ApplicationWrite {
            person_id: (*person_id).into(),
            choices: vec![key],
            obey_adjustment: false,
            nomination: Nomination::Organisation,
            signers: 0,
        };
        let audit = system_entry(
            d,
            Some(unit),
            "selection.application.save",
            "campaign",
            id.0,
            None,
        );
        let a = app
            .store
            .app_save(CampaignAt::new(d, unit, id), &w, audit)
            .await
            .unwrap();
        let audit = system_entry(
            d,
            Some(unit),
            "selection.application.review",
            "campaign",
            id.0,
            None,
        );
        app.store
            .app_review(
                Scoped::new(d, unit, a),
                &ReviewWrite {
                    status: ApplicationStatus::Confirmed,
                    facts: facts.clone(),
                    note: String::new(),
                },
                audit,
            )
            .await
            .unwrap();
    }
    let seed = t_seed.elapsed();
    if url.starts_with("postgres") {
        s.db.execute("ANALYZE", &[]).await.unwrap();
    }

    // ---- scoring through the use cases.
    let exam = app.sel_exam(&ua, unit, id).await.unwrap();
    let entries: Vec<ExamEntry> = exam
        .posts
        .iter()
        .flat_map(|p| &p.rows)
        .map(|r| {
            let a = r.candidate.application_id.0;
            ExamEntry {
                row: None,
                application_id: a.to_string(),
                score: format!("{}.{:02}", 60 + rnd(a as u64, 40), rnd(a as u64 + 7, 100)),
            }
        })
        .collect();
    assert_eq!(
        entries.len(),
        POSTS * PER_POST,
        "every applicant sits the exam"
    );
    let (t, c) = (Instant::now(), cpu());
    app.sel_exam_save(&ua, unit, id, &entries).await.unwrap();
    let (t_exam, c_exam) = (t.elapsed(), cpu() - c);

    let (t, c) = (Instant::now(), cpu());
    let mut judges = Vec::new();
    for j in 0..JUDGES {
        let (jid, _) = app
            .sel_judge_add(
                &ua,
                unit,
                id,
                &JudgeForm {
                    name: format!("评委{j}"),
                    ..JudgeForm::default()
                },
            )
            .await
            .unwrap();
        judges.push(jid);
    }
    let panel = app.sel_panel(&ua, unit, id).await.unwrap();
    let interviewees: Vec<i64> = panel
        .posts
        .iter()
        .flat_map(|p| &p.rows)
        .map(|r| r.candidate.application_id.0)
        .collect();
    for (j, jid) in judges.iter().enumerate() {
        app.sel_recusal_on_behalf(&ua, unit, id, *jid, &[])
            .await
            .unwrap();
        let sheet: BTreeMap<String, String> = interviewees
            .iter()
            .map(|a| {
                let s = 70 + rnd(*a as u64 * 31 + j as u64, 30);
                (format!("score_{a}"), s.to_string())
            })
            .collect();
        app.sel_sheet_on_behalf(&ua, unit, id, *jid, &sheet)
            .await
            .unwrap();
    }
    let (t_panel, c_panel) = (t.elapsed(), cpu() - c);

    let (t, c) = (Instant::now(), cpu());
    let codes = app
        .sel_eval_codes(&ua, unit, id, &VOTERS.to_string())
        .await
        .unwrap();
    let staff = actor(d, Some(unit), Role::Staff);
    for (b, code) in codes.iter().enumerate() {
        let marks: BTreeMap<String, String> = interviewees
            .iter()
            .map(|a| {
                let mark = match rnd(*a as u64 * 101 + b as u64, 20) {
                    0..=7 => "excellent",
                    8..=16 => "competent",
                    17 | 18 => "basic",
                    _ => "",
                };
                (format!("mark_{a}"), mark.to_string())
            })
            .collect();
        app.sel_eval_cast(&staff, unit, id, code, &marks)
            .await
            .unwrap();
    }
    app.sel_eval_close(&ua, unit, id).await.unwrap();
    let (t_eval, c_eval) = (t.elapsed(), cpu() - c);

    let mut results = Vec::new();
    let mut results_cpu = Vec::new();
    let mut shortlisted = 0;
    for _ in 0..5 {
        let (t, c) = (Instant::now(), cpu());
        let r = app.sel_results(&ua, unit, id).await.unwrap();
        results.push(t.elapsed());
        results_cpu.push(cpu() - c);
        assert_eq!(r.posts.len(), POSTS);
        assert!(r.posts.iter().all(|p| p.complete && p.shortlist.is_some()));
        shortlisted = r
            .posts
            .iter()
            .filter_map(|p| p.shortlist.as_ref())
            .map(|s| s.included.len())
            .sum::<usize>();
    }
    let (r_med, r_min, r_max) = spread(results);
    let (rc_med, _, _) = spread(results_cpu);

    // ---- the committee: 15 members, 50 items, VOTES meetings.
    let mut members = Vec::new();
    for m in 0..MEMBERS {
        let u = app
            .system_create_user(
                d,
                Some(unit),
                &format!("cm{m:02}"),
                &format!("委员{m}"),
                &[Role::CommitteeMember],
                "bench-password-1",
                false,
            )
            .await
            .unwrap();
        members.push(u);
    }
    let (mut create, mut open, mut cast, mut close, mut recount) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let c_committee = cpu();
    let mut digest = String::new();
    for v in 0..VOTES {
        let t = Instant::now();
        let meeting = app
            .sel_create_meeting(
                &ua,
                unit,
                &MeetingForm {
                    title: format!("党委会议{v}"),
                    held_on: "2026-03-02".into(),
                    items: (0..ITEMS)
                        .map(|i| ItemForm {
                            text: format!("拟任 干部{i} 为 办公室{i:03}副主任"),
                            ..ItemForm::default()
                        })
                        .collect(),
                },
            )
            .await
            .unwrap();
        create.push(t.elapsed());
        let t = Instant::now();
        let view = app.sel_meeting(&ua, unit, meeting).await.unwrap();
        let present: Vec<UserId> = view.attendance.iter().map(|a| a.user_id).collect();
        assert_eq!(present.len(), MEMBERS);
        app.sel_roll_call(&ua, unit, meeting, &present)
            .await
            .unwrap();
        let tokens = app.sel_issue_tokens(&ua, unit, meeting).await.unwrap();
        open.push(t.elapsed());
        let t = Instant::now();
        for (k, (token, voter)) in tokens.iter().zip(&present).enumerate() {
            let mut cm = actor(d, Some(unit), Role::CommitteeMember);
            cm.user_id = *voter;
            let marks: BTreeMap<String, String> = (1..=ITEMS)
                .map(|i| {
                    let m = match rnd((k * ITEMS + i) as u64, 10) {
                        0..=6 => "agree",
                        7 | 8 => "disagree",
                        _ => "defer",
                    };
                    (i.to_string(), m.to_string())
                })
                .collect();
            app.sel_cast(&cm, unit, meeting, token, &marks)
                .await
                .unwrap();
        }
        cast.push(t.elapsed());
        let t = Instant::now();
        let tally = app.sel_close(&ua, unit, meeting).await.unwrap();
        close.push(t.elapsed());
        assert_eq!(tally.ballots_cast as usize, MEMBERS);
        assert_eq!(tally.items.len(), ITEMS);
        let t = Instant::now();
        let (_, r) = app.sel_recount(&ua, unit, meeting).await.unwrap();
        recount.push(t.elapsed());
        assert!(r.digest_matches && r.counts_match);
        digest = tally.digest;
    }
    let c_committee = cpu() - c_committee;

    println!(
        "{label}: {POSTS} posts × {PER_POST} applicants; set-up (bodies, plan, people, applications) {:.1} s",
        seed.as_secs_f64()
    );
    println!(
        "  written exam, {} scores in one save: {:.0} ms (CPU {:.0} ms)",
        entries.len(),
        ms(t_exam),
        ms(c_exam)
    );
    println!(
        "  interview, {JUDGES} judges' sheets over {} interviewees: {:.0} ms (CPU {:.0} ms)",
        interviewees.len(),
        ms(t_panel),
        ms(c_panel)
    );
    println!(
        "  evaluation, {VOTERS} codes, {VOTERS} ballots over {} candidates, close: {:.0} ms (CPU {:.0} ms)",
        interviewees.len(),
        ms(t_eval),
        ms(c_eval)
    );
    println!(
        "  results (composite, ranking, shortlist of {shortlisted}): median {r_med:.0} ms (min {r_min:.0}, max {r_max:.0}) of 5, CPU median {rc_med:.0} ms"
    );
    for (what, t) in [
        ("create the meeting", create),
        ("roll call + 15 tokens", open),
        ("15 ballots cast", cast),
        ("close (tally + digest)", close),
        ("recount", recount),
    ] {
        let (m, lo, hi) = spread(t);
        println!(
            "  committee {MEMBERS} × {ITEMS}, {what}: median {m:.1} ms (min {lo:.1}, max {hi:.1}) of {VOTES}"
        );
    }
    println!(
        "  committee, all {VOTES} votes: CPU {:.0} ms",
        ms(c_committee)
    );
    println!("  last digest {digest}");
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    common::on_each_backend("bench.db", "jiguan_bench_sel", |url, label| async move {
        run(&url, label).await
    })
    .await;
}
