//! Benchmark (not a timed test): `jiguan calc match`'s work without the process around it —
//! the JSON text of an instance (`bench/match/gen.py`) to the result text, through the
//! calculator's fast path (`matching::fast`) and through the general path (serde into
//! `MatchInput`, `parse`, `solve`, `serde_json`), checking that both print the same bytes.
//! Run with `cargo bench -p jiguan-domain --bench match_json -- FILE [RUNS]`; figures go to
//! docs/PERFORMANCE.md.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, Instant};

use jiguan_domain::rules::matching::{self, Id, MatchInput, Mechanism};

fn general(text: &str) -> String {
    let input: MatchInput<Id> = serde_json::from_str(text).unwrap();
    let inst = input.parse().unwrap();
    serde_json::to_string(&matching::solve(&inst, Mechanism::DeferredAcceptance)).unwrap()
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let Some(file) = args.first() else {
        eprintln!("usage: match_json FILE [RUNS]");
        return;
    };
    let runs: usize = args.get(1).map_or(20, |r| r.parse().unwrap());
    let text = std::fs::read_to_string(file).unwrap();
    let fast = matching::fast::deferred_acceptance_json(&text).expect("the plain case");
    assert_eq!(fast, general(&text), "the two paths differ");
    let time = |f: &dyn Fn() -> usize| {
        let v: Vec<Duration> = (0..runs)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(f());
                t.elapsed()
            })
            .collect();
        let min = *v.iter().min().unwrap();
        (median(v), min)
    };
    let (fm, fmin) = time(&|| {
        matching::fast::deferred_acceptance_json(&text)
            .unwrap()
            .len()
    });
    let (gm, gmin) = time(&|| general(&text).len());
    println!(
        "{file}: {} KB, result {} KB (identical); fast path median {fm:?} (min {fmin:?}); \
         general path median {gm:?} (min {gmin:?}); {runs} runs each",
        text.len() / 1024,
        fast.len() / 1024
    );
}
