//! Benchmark (not a timed test): the selection domain at the scale of issue 13 — a campaign
//! of 200 posts and 2,000 applicants scored (written exam, a 7-judge interview, a
//! 60-voter democratic evaluation), composited, ranked and shortlisted; and a committee vote
//! of 15 members on 50 items cast, closed (tally + SHA-256 digest) and recounted. Run with
//! `cargo bench -p jiguan-domain --bench selection`; figures go to docs/PERFORMANCE.md.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use rust_decimal::Decimal;

use jiguan_domain::org::BodyId;
use jiguan_domain::posts::PostLevel;
use jiguan_domain::selection::ApplicationId;
use jiguan_domain::selection::ballot::{BallotBox, Item, Mark, Meeting, recount, token_batch};
use jiguan_domain::selection::plan::{OfferedPost, Plan};
use jiguan_domain::selection::scores::{
    EvaluationCount, JudgeScore, StageScores, advance_to_interview, evaluate, panel_score, rank,
    shortlist,
};

const POSTS: usize = 200;
const PER_POST: usize = 10;

fn plan() -> Plan {
    let posts = (0..POSTS)
        .map(|i| OfferedPost {
            body_id: BodyId(i as i64 / 2 + 1),
            body_name: format!("机构{i}"),
            level: if i % 2 == 0 {
                PostLevel::Chief
            } else {
                PostLevel::Deputy
            },
            seats: 1,
            sensitive: false,
        })
        .collect();
    Plan::with_defaults("基准", NaiveDate::from_ymd_opt(2026, 2, 28).unwrap(), posts)
}

/// A deterministic pseudo-random score 60.00–99.99.
fn score(seed: u64) -> Decimal {
    let x = seed
        .wrapping_mul(6_364_136_223_846_793_005)
        .wrapping_add(1_442_695_040_888_963_407);
    Decimal::new(6000 + ((x >> 33) % 4000) as i64, 2)
}

fn campaign(plan: &Plan) -> usize {
    let mut inspected = 0;
    for post in 0..POSTS {
        let ids: Vec<ApplicationId> = (0..PER_POST)
            .map(|k| ApplicationId((post * PER_POST + k) as i64 + 1))
            .collect();
        let written: Vec<(ApplicationId, Decimal)> =
            ids.iter().map(|id| (*id, score(id.0 as u64))).collect();
        let adv = advance_to_interview(plan, 1, &written);
        let mut cands = Vec::with_capacity(PER_POST);
        for &(id, w) in &written {
            let judges: Vec<JudgeScore> = (0..7)
                .map(|j| JudgeScore {
                    judge: j,
                    score: score(id.0 as u64 * 31 + j as u64),
                    recused: false,
                })
                .collect();
            let interview = panel_score(&judges, plan.trim_over).unwrap().score;
            let e = id.0 as u32 % 20;
            let ev = evaluate(
                &plan.evaluation,
                EvaluationCount::FourGrade {
                    excellent: 20 + e,
                    competent: 25,
                    basic: 10,
                    incompetent: 5 - e % 5,
                    abstain: 0,
                },
            )
            .unwrap();
            cands.push(StageScores {
                written: Some(w),
                interview: Some(interview),
                evaluation: Some(ev.score),
                approval: Some(ev.approval),
                ..StageScores::new(id)
            });
        }
        std::hint::black_box(adv);
        let r = rank(plan, 1, &cands).unwrap();
        inspected += shortlist(plan, 1, &r).included.len();
    }
    inspected
}

fn vote() -> bool {
    let (members, n_items) = (15u32, 50u32);
    let tokens: Vec<String> = (0..members)
        .map(|i| format!("bench-token-{i:04}-abcdefghijklmnop"))
        .collect();
    let hashes = token_batch(members, &tokens).unwrap();
    let items: Vec<Item> = (1..=n_items).map(|no| Item { no, recused: 0 }).collect();
    let m = Meeting {
        members,
        present: members,
        recused_count_in_n: true,
    };
    let mut b = BallotBox::open(m, &items, hashes).unwrap();
    for (v, t) in tokens.iter().enumerate() {
        let marks: BTreeMap<u32, Mark> = (1..=n_items)
            .map(|i| {
                let k = (v as u32 + i) % 5;
                (
                    i,
                    match k {
                        0 => Mark::Disagree,
                        1 => Mark::Defer,
                        _ => Mark::Agree,
                    },
                )
            })
            .collect();
        b.cast(t, &marks).unwrap();
    }
    let t = b.close().unwrap();
    let r = recount(m, &items, members, b.ballots().unwrap(), &t).unwrap();
    r.digest_matches && r.counts_match
}

fn time<T>(name: &str, runs: usize, mut f: impl FnMut() -> T) {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t0 = Instant::now();
            std::hint::black_box(f());
            t0.elapsed()
        })
        .collect();
    times.sort();
    println!(
        "{name}: median {:.2} ms, min {:.2} ms, max {:.2} ms ({runs} runs)",
        times[runs / 2].as_secs_f64() * 1e3,
        times[0].as_secs_f64() * 1e3,
        times[runs - 1].as_secs_f64() * 1e3
    );
}

fn main() {
    let p = plan();
    assert!(p.validate().is_ok());
    println!(
        "inspected: {} of {} applicants",
        campaign(&p),
        POSTS * PER_POST
    );
    assert!(vote());
    time(
        "campaign 200 posts x 2,000 applicants: score, rank, shortlist",
        15,
        || campaign(&p),
    );
    time(
        "committee 15 members x 50 items: open, cast, close, recount",
        50,
        vote,
    );
}
