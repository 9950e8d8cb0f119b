//! Benchmark (not a timed test): the posts suggestion engine (greedy steepest-descent
//! local search, `jiguan_domain::posts::suggest`) on a generated unit of 300 people and
//! 600 posts, and the balance figures of that unit. Run with
//! `cargo bench -p jiguan-domain --bench posts_suggest`; figures go to docs/PERFORMANCE.md.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::str::FromStr;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use rust_decimal::Decimal;

use jiguan_domain::people::EstablishmentKind;
use jiguan_domain::posts::assign::{Assignment, PersonFacts, PostFacts, State};
use jiguan_domain::posts::balance::balance;
use jiguan_domain::posts::suggest::{Settings, suggest};
use jiguan_domain::posts::{Education, PostKind, PostLevel};

/// 300 people and 600 posts in 20 bodies. Person i holds post 2i as the main post; four
/// in five also hold post 2i + 1 as a concurrent post (70 % + 30 %); the fifth works 50 %
/// on the main post only (free time for proposals). Every 30th post is a chief post;
/// every 7th person is a leadership-team member; kinds alternate administrative and
/// institution, with a quarter of the posts open to any kind.
fn unit(people: i64) -> State {
    let mut s = State {
        on: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        ..State::default()
    };
    let kinds = [
        EstablishmentKind::Administrative,
        EstablishmentKind::Institution,
    ];
    for i in 0..people {
        s.people.insert(
            i,
            PersonFacts {
                id: i,
                name: format!("人员{i}"),
                establishment: kinds[(i % 2) as usize],
                education: Education::ALL[(i % 6) as usize],
                work_start: NaiveDate::from_ymd_opt(1990 + (i % 30) as i32, 7, 1),
                leader: i % 7 == 3,
                on_post: true,
            },
        );
    }
    for j in 0..people * 2 {
        let owner = j / 2;
        let main = j % 2 == 0;
        let level = if j % 30 == 0 && owner % 7 != 3 {
            PostLevel::Chief
        } else {
            PostLevel::General
        };
        let kind = if j % 4 == 3 {
            PostKind::Any
        } else if owner % 2 == 0 {
            PostKind::Administrative
        } else {
            PostKind::Institution
        };
        let hours = if main {
            600 + (owner * 37) % 1800
        } else {
            200 + (owner * 53) % 900
        };
        s.posts
            .insert(j, PostFacts::open(j, j / 30, level, kind, hours));
    }
    let mut n = 0;
    for i in 0..people {
        let part = i % 5 == 0;
        n += 1;
        s.assignments.push(Assignment {
            id: n,
            post_id: 2 * i,
            person_id: i,
            share_pct: if part { 50 } else { 70 },
            main: true,
            overtime: false,
        });
        if !part {
            n += 1;
            s.assignments.push(Assignment {
                id: n,
                post_id: 2 * i + 1,
                person_id: i,
                share_pct: 30,
                main: false,
                overtime: false,
            });
        }
    }
    s
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let people: i64 = std::env::var("JIGUAN_BENCH_PEOPLE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    let s = unit(people);
    assert!(s.violations().is_empty());
    let (under, over) = (
        Decimal::from_str("0.7").unwrap(),
        Decimal::from_str("1.2").unwrap(),
    );
    let b = balance(&s, 1984, under, over);
    println!(
        "unit: {} people, {} posts, {} open assignments; {} overloaded, {} underloaded, CV {:?}",
        people,
        s.posts.len(),
        s.assignments.len(),
        b.overloaded.len(),
        b.underloaded.len(),
        b.figures.cv
    );
    let mut t_bal = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let _ = balance(&s, 1984, under, over);
        t_bal.push(t.elapsed());
    }
    println!("  balance figures (median of 5)      {}", ms(median(t_bal)));
    for steps in [20usize, 100] {
        let cfg = Settings {
            standard: 1984,
            underload: under,
            overload: over,
            max_steps: steps,
        };
        let mut times = Vec::new();
        let mut found = 0;
        let mut last = None;
        for _ in 0..5 {
            let t = Instant::now();
            let ps = suggest(&s, &cfg);
            times.push(t.elapsed());
            found = ps.len();
            last = ps.last().map(|p| p.after.figures.cv);
        }
        println!(
            "  suggest, at most {steps} steps (median of 5)  {}  → {found} proposals, CV after {:?}",
            ms(median(times)),
            last.flatten()
        );
    }
}
