//! HTTP load on the real server (not a test; no timing assertions).
//!
//! Starts the application with the demo and 100 extra accounts per unit on a fresh SQLite
//! database (and on a fresh PostgreSQL database when `JIGUAN_BENCH_PG_URL` is set), signs
//! in `JIGUAN_BENCH_CLIENTS` clients at once (production argon2id parameters), then has each
//! client loop `GET /` (dashboard) and `GET /users?page=1` (list page) for
//! `JIGUAN_BENCH_SECS` seconds. Prints p50/p99 per kind, throughput and the peak RSS of this
//! process (server and clients together). Loopback only.
//!
//! `cargo bench -p jiguan-testkit --bench http_load`
//!
//! With `JIGUAN_BENCH_SCALE=1` it runs the province-scale benchmark instead (issue 17,
//! `scale.rs`): province and stress data, the roster, search, cost page and dashboard at
//! `JIGUAN_BENCH_CLIENTS` (default 64) connections, the query plans, and the soak.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow, bail};
use jiguan_app::{App, AppConfig, SystemClock};
use jiguan_domain::auth::Role;
use jiguan_testkit::{DEMO_PASSWORD, SpawnOptions, TestApp, http_client, login, spawn_app};

/// The same allocator as the `jiguan` binary.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "http_load/scale.rs"]
mod scale;

const EXTRA_USERS_PER_UNIT: usize = 100;
const WARM_UP: Duration = Duration::from_secs(1);

pub(crate) fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() -> anyhow::Result<()> {
    // `cargo bench` passes `--bench`; nothing else to parse.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(run())
}

async fn run() -> anyhow::Result<()> {
    let secs = env_num("JIGUAN_BENCH_SECS", 20);
    if std::env::var("JIGUAN_BENCH_SCALE").is_ok() {
        return scale::run(secs).await;
    }
    let clients = env_num("JIGUAN_BENCH_CLIENTS", 16) as usize;
    println!(
        "http_load: {clients} clients, {secs} s per backend (+{} s warm-up), {} tokio workers, {} extra users per unit",
        WARM_UP.as_secs(),
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        EXTRA_USERS_PER_UNIT
    );
    bench_backend("sqlite", None, secs, clients).await?;
    if let Ok(admin_url) = std::env::var("JIGUAN_BENCH_PG_URL") {
        let name = format!(
            "jiguan_bench_{}_{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)?
                .as_secs()
        );
        scratch_pg(&admin_url, &name, async |url| {
            bench_backend("postgres", Some(url), secs, clients).await
        })
        .await?;
    } else {
        println!("(set JIGUAN_BENCH_PG_URL=postgres://… to measure PostgreSQL too)");
    }
    Ok(())
}

/// Runs `f` on a scratch database `name` created on the PostgreSQL server of `admin_url`,
/// and drops it (FORCE) afterwards whatever `f` gave.
pub(crate) async fn scratch_pg<T>(
    admin_url: &str,
    name: &str,
    f: impl AsyncFnOnce(String) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    let admin = jiguan_store::Db::connect(admin_url)
        .await
        .map_err(|e| anyhow!("connect {admin_url}: {e}"))?;
    admin
        .execute(&format!("CREATE DATABASE {name}"), &[])
        .await
        .map_err(|e| anyhow!("create database {name}: {e}"))?;
    let r = f(with_database(admin_url, name)?).await;
    if let Err(e) = admin
        .execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"), &[])
        .await
    {
        eprintln!("drop database {name}: {e}");
    }
    r
}

/// The same server URL with another database name.
pub(crate) fn with_database(url: &str, name: &str) -> anyhow::Result<String> {
    let scheme_end = url.find("://").context("database URL without scheme")? + 3;
    let (head, rest) = url.split_at(scheme_end);
    let (authority, query) = match rest.find('/') {
        Some(i) => {
            let (a, path) = rest.split_at(i);
            (a, path.find('?').map_or("", |q| &path[q..]))
        }
        None => match rest.find('?') {
            Some(q) => (&rest[..q], &rest[q..]),
            None => (rest, ""),
        },
    };
    Ok(format!("{head}{authority}/{name}{query}"))
}

/// Peak and current resident set of this process, in KiB.
pub(crate) fn rss_kib() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |k: &str| {
        status
            .lines()
            .find(|l| l.starts_with(k))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

/// Resets the peak RSS counter (Linux: `5` into `/proc/self/clear_refs`).
pub(crate) fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

pub(crate) fn pct(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

pub(crate) fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// Extra accounts so that the list page pages through a realistic table. Hashed cheaply
/// (their passwords are never used here); the sign-ins use the demo accounts' real hashes.
async fn more_users(t: &TestApp) -> anyhow::Result<usize> {
    let cheap = App::new(
        t.app.store.clone(),
        AppConfig::for_tests(),
        Arc::new(SystemClock),
    );
    let d = t
        .app
        .store
        .find_district("zhenhai")
        .await
        .map_err(|e| anyhow!("{e}"))?
        .context("no demo district")?;
    let surnames = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴"];
    let given = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋"];
    let mut n = 0;
    for (code, name, _) in jiguan_app::demo::UNITS {
        let unit = t.unit_id("zhenhai", code).await?;
        for i in 0..EXTRA_USERS_PER_UNIT {
            let display = format!(
                "{name}工作人员·{}{}",
                surnames[i % surnames.len()],
                given[(i / surnames.len()) % given.len()]
            );
            cheap
                .system_create_user(
                    d.id,
                    Some(unit),
                    &format!("{code}_s{i:03}"),
                    &display,
                    &[Role::Staff],
                    DEMO_PASSWORD,
                    false,
                )
                .await
                .map_err(|e| anyhow!("create user: {e}"))?;
            n += 1;
        }
    }
    Ok(n)
}

#[derive(Default)]
struct Samples {
    dashboard: Vec<Duration>,
    list: Vec<Duration>,
    errors: u64,
}

async fn bench_backend(
    label: &str,
    database_url: Option<String>,
    secs: u64,
    clients: usize,
) -> anyhow::Result<()> {
    reset_peak_rss();
    let setup = Instant::now();
    let t = spawn_app(SpawnOptions {
        demo: true,
        config: AppConfig::default(),
        database_url,
        ..SpawnOptions::default()
    })
    .await?;
    let extra = more_users(&t).await?;
    println!(
        "\n== {label} ({}) — set-up {:.1} s (demo + {extra} users)",
        t.app.store.backend(),
        setup.elapsed().as_secs_f64()
    );

    let (_, rss_setup) = rss_kib();

    // Every client signs in at the same moment: production argon2id, contended.
    let base = Arc::new(t.base.clone());
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let base = base.clone();
        tasks.push(tokio::spawn(async move {
            let c = http_client()?;
            let t0 = Instant::now();
            login(&c, &base, "admin", DEMO_PASSWORD).await?;
            Ok::<_, anyhow::Error>((c, t0.elapsed()))
        }));
    }
    let mut logged = Vec::new();
    let mut login_lat = Vec::new();
    for task in tasks {
        let (c, d) = task.await??;
        logged.push(c);
        login_lat.push(d);
    }
    let login_wall = start.elapsed();
    login_lat.sort();
    let (peak_login, _) = rss_kib();

    // One more sign-in alone, for the uncontended cost.
    let solo = http_client()?;
    let t0 = Instant::now();
    login(&solo, &base, "auditor", DEMO_PASSWORD).await?;
    let solo_login = t0.elapsed();

    // Load: each client alternates the dashboard and the first page of the user list.
    let warm_until = Instant::now() + WARM_UP;
    let until = warm_until + Duration::from_secs(secs);
    let mut tasks = Vec::new();
    for c in logged {
        let base = base.clone();
        tasks.push(tokio::spawn(async move {
            let mut s = Samples::default();
            let mut i = 0u64;
            loop {
                let now = Instant::now();
                if now >= until {
                    break;
                }
                let (path, dash) = if i.is_multiple_of(2) {
                    ("/", true)
                } else {
                    ("/users?page=1", false)
                };
                i += 1;
                let t0 = Instant::now();
                let ok = match c.get(format!("{base}{path}")).send().await {
                    Ok(r) if r.status().is_success() => r.bytes().await.is_ok(),
                    _ => false,
                };
                let d = t0.elapsed();
                if t0 < warm_until {
                    continue;
                }
                if !ok {
                    s.errors += 1;
                } else if dash {
                    s.dashboard.push(d);
                } else {
                    s.list.push(d);
                }
            }
            s
        }));
    }
    let mut all = Samples::default();
    for task in tasks {
        let s = task.await?;
        all.dashboard.extend(s.dashboard);
        all.list.extend(s.list);
        all.errors += s.errors;
    }
    let window = secs as f64;
    all.dashboard.sort();
    all.list.sort();
    let (peak, now) = rss_kib();

    println!(
        "login  (GET /login + POST /login, {clients} at once): p50 {} p99 {} max {}; all {clients} in {} ({:.1}/s); alone {}",
        ms(pct(&login_lat, 0.50)),
        ms(pct(&login_lat, 0.99)),
        ms(pct(&login_lat, 1.0)),
        ms(login_wall),
        clients as f64 / login_wall.as_secs_f64(),
        ms(solo_login),
    );
    for (kind, v) in [
        ("GET /             ", &all.dashboard),
        ("GET /users?page=1 ", &all.list),
    ] {
        println!(
            "{kind} n={:<7} p50 {:>9} p99 {:>9} {:>8.0} req/s",
            v.len(),
            ms(pct(v, 0.50)),
            ms(pct(v, 0.99)),
            v.len() as f64 / window
        );
    }
    println!(
        "total {:.0} req/s over {secs} s, {} errors",
        (all.dashboard.len() + all.list.len()) as f64 / window,
        all.errors,
    );
    let mib = |k: u64| k as f64 / 1024.0;
    println!(
        "RSS: {:.1} MiB after set-up; peak {:.1} MiB after the sign-ins; peak {:.1} MiB at the end (now {:.1} MiB)",
        mib(rss_setup),
        mib(peak_login),
        mib(peak),
        mib(now)
    );
    if all.errors > 0 {
        bail!("{} requests failed", all.errors);
    }
    Ok(())
}
