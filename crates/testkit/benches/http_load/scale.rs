//! Province scale (issue 17): `jiguan demo-data`'s province data (100 districts × 20 units
//! × 50 staff) and stress unit (100,000 staff) written into a fresh database per backend,
//! then at `JIGUAN_BENCH_CLIENTS` (default 64) keep-alive connections for
//! `JIGUAN_BENCH_SECS` each: the stress unit's roster (first page and page 50), a name
//! search on it, its personnel-cost page and the dashboard; the query plan of each list and
//! report query; and the soak (`JIGUAN_BENCH_SOAK_SECS`, default 120): mixed reads and
//! writes (one in ten creates a person through the JSON API) by 64 district
//! administrators on the province data, with latency percentiles, errors and peak RSS.
//! `JIGUAN_BENCH_DISTRICTS` (default 100) and `JIGUAN_BENCH_STRESS_STAFF` (default
//! 100,000) shrink the data for a quick run; `JIGUAN_BENCH_SOAK_ONLY=1` writes the province
//! data only and runs the soak alone (no stress unit, plans or per-page runs).

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow, bail};
use jiguan_app::{App, AppConfig, SystemClock};
use jiguan_store::scale::Scale;
use jiguan_store::{Backend, SqlStore};
use jiguan_testkit::{DEMO_PASSWORD, SpawnOptions, csrf_of, http_client, login, spawn_app};

use super::{env_num, ms, pct, reset_peak_rss, rss_kib, scratch_pg};

pub async fn run(secs: u64) -> anyhow::Result<()> {
    let clients = env_num("JIGUAN_BENCH_CLIENTS", 64) as usize;
    let soak = env_num("JIGUAN_BENCH_SOAK_SECS", 120);
    let districts = env_num("JIGUAN_BENCH_DISTRICTS", 100) as u32;
    let soak_only = env_num("JIGUAN_BENCH_SOAK_ONLY", 0) == 1;
    println!(
        "scale: {clients} connections, {secs} s per page, soak {soak} s, province {districts} × 20 × 50{}",
        if soak_only { ", soak only" } else { "" }
    );
    let dir = tempfile::tempdir()?;
    let sqlite = dir.path().join("scale.db").to_string_lossy().into_owned();
    one("sqlite", sqlite, secs, soak, clients, districts, soak_only).await?;
    if let Ok(admin_url) = std::env::var("JIGUAN_BENCH_PG_URL") {
        let name = format!("jiguan_scale_{}", std::process::id());
        scratch_pg(&admin_url, &name, async |url| {
            one("postgres", url, secs, soak, clients, districts, soak_only).await
        })
        .await?;
    }
    Ok(())
}

async fn one(
    label: &str,
    url: String,
    secs: u64,
    soak: u64,
    clients: usize,
    districts: u32,
    soak_only: bool,
) -> anyhow::Result<()> {
    reset_peak_rss();
    let store = SqlStore::open(&url).await.map_err(|e| anyhow!("{e}"))?;
    let hasher = App::new(
        Arc::new(store.clone()),
        AppConfig::default(),
        Arc::new(SystemClock),
    );
    let hash = hasher
        .hash_password(DEMO_PASSWORD)
        .await
        .map_err(|e| anyhow!("{e}"))?;
    let now = chrono::Utc::now();
    let t0 = Instant::now();
    let stress = Scale {
        staff: env_num("JIGUAN_BENCH_STRESS_STAFF", 100_000) as u32,
        ..Scale::STRESS
    };
    if !soak_only {
        store
            .write_scale(stress, "s", &hash, now, |_, _| {})
            .await
            .map_err(|e| anyhow!("{e}"))?;
    }
    let stress_secs = t0.elapsed().as_secs_f64();
    let t0 = Instant::now();
    let province = Scale {
        districts,
        ..Scale::PROVINCE
    };
    store
        .write_scale(province, "p", &hash, now, |_, _| {})
        .await
        .map_err(|e| anyhow!("{e}"))?;
    println!(
        "\n== {label}: demo-data stress ({} staff in one unit) {stress_secs:.1} s; province ({} staff) {:.1} s",
        if soak_only { 0 } else { stress.people() },
        province.people(),
        t0.elapsed().as_secs_f64()
    );
    let t = spawn_app(SpawnOptions {
        demo: false,
        config: AppConfig::default(),
        database_url: Some(url),
        ..SpawnOptions::default()
    })
    .await?;
    if soak_only {
        let (peak, _) = rss_kib();
        println!(
            "RSS after writing the data: peak {:.0} MiB (reset for the soak)",
            peak as f64 / 1024.0
        );
        reset_peak_rss();
        return soak_and_rss(&t.base, &store, clients.min(districts as usize), soak).await;
    }
    let unit: i64 = store
        .db
        .fetch_one(
            "SELECT u.id FROM units u JOIN districts d ON d.id = u.district_id WHERE d.code = 's001'",
            &[],
        )
        .await
        .map_err(|e| anyhow!("{e}"))?
        .get(0)
        .map_err(|e| anyhow!("{e}"))?;
    explain(&store, unit).await?;

    // The stress unit's pages, one kind at a time, all connections signed in as its
    // district's administrator.
    let base = Arc::new(t.base.clone());
    let mut cs = Vec::new();
    for _ in 0..clients {
        let c = http_client()?;
        login(&c, &base, "s001_admin", DEMO_PASSWORD).await?;
        cs.push(c);
    }
    let cs = Arc::new(cs);
    for (kind, path) in [
        ("roster, page 1", format!("/units/{unit}/people")),
        ("roster, page 50", format!("/units/{unit}/people?page=50")),
        (
            "roster search (a name)",
            format!("/units/{unit}/people?q=%E7%8E%8B%E4%BC%9F"),
        ),
        ("personnel cost", format!("/units/{unit}/people/cost")),
        ("dashboard", "/".to_string()),
    ] {
        let paths = Arc::new(vec![path]);
        let before = Cost::now(&store).await;
        let (lat, errors) = hammer(&cs, &base, &paths, Duration::from_secs(secs), None).await;
        let cost = Cost::now(&store).await.since(&before);
        report(kind, &lat, errors, secs);
        cost.report(lat.len() as u64 + errors);
    }
    drop(cs);

    soak_and_rss(&t.base, &store, clients.min(districts as usize), soak).await
}

/// Soak: 64 district administrators on the province data, reads and writes mixed; then
/// the process's peak and current RSS.
async fn soak_and_rss(
    base: &str,
    store: &SqlStore,
    admins: usize,
    secs: u64,
) -> anyhow::Result<()> {
    let load = || std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!("load average before the soak: {}", load().trim());
    let r = soak_run(base, store, admins, secs).await;
    println!("load average after the soak: {}", load().trim());
    let (peak, now) = rss_kib();
    println!(
        "RSS of the process (server + clients): peak {:.0} MiB, now {:.0} MiB",
        peak as f64 / 1024.0,
        now as f64 / 1024.0
    );
    r
}

/// CPU and statements used so far: this process (server and load generator), the
/// PostgreSQL backends serving this database (none on SQLite), statements run.
#[derive(Debug, Clone, Default)]
struct Cost {
    process_ticks: u64,
    pg_ticks: std::collections::BTreeMap<i64, u64>,
    statements: u64,
}

/// Clock ticks per second of `/proc/*/stat` (`getconf CLK_TCK`, 100 on Linux).
const TICKS: f64 = 100.0;

/// utime + stime of a process, in clock ticks.
fn ticks_of(pid: &str) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = s.get(s.rfind(')')? + 1..)?;
    let f: Vec<&str> = rest.split_whitespace().collect();
    Some(f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?)
}

impl Cost {
    async fn now(store: &SqlStore) -> Cost {
        let mut pg_ticks = std::collections::BTreeMap::new();
        if store.db.backend() == Backend::Postgres
            && let Ok(rows) = store
                .db
                .fetch_all(
                    "SELECT pid::bigint FROM pg_stat_activity WHERE datname = current_database()",
                    &[],
                )
                .await
        {
            for r in rows {
                if let Ok(pid) = r.get::<i64>(0)
                    && let Some(t) = ticks_of(&pid.to_string())
                {
                    pg_ticks.insert(pid, t);
                }
            }
        }
        Cost {
            process_ticks: ticks_of("self").unwrap_or(0),
            pg_ticks,
            statements: jiguan_store::db::statements_run(),
        }
    }

    /// What was used between `before` and `self` (a backend that started since counts
    /// from zero).
    fn since(&self, before: &Cost) -> Cost {
        let pg = self
            .pg_ticks
            .iter()
            .map(|(pid, t)| {
                (
                    *pid,
                    t - before.pg_ticks.get(pid).copied().unwrap_or(0).min(*t),
                )
            })
            .collect();
        Cost {
            process_ticks: self.process_ticks - before.process_ticks.min(self.process_ticks),
            pg_ticks: pg,
            statements: self.statements - before.statements.min(self.statements),
        }
    }

    /// CPU per request: this process (server + clients), the PostgreSQL backends, and the
    /// statements run per request (the bench's own probes included: two per run).
    fn report(&self, requests: u64) {
        let n = requests.max(1) as f64;
        let pg: u64 = self.pg_ticks.values().sum();
        let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
        let load: String = load
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ");
        println!(
            "{:<24} cpu/req: process {:.3} ms{}, {:.1} statements/req; load {load}",
            "",
            self.process_ticks as f64 / TICKS * 1000.0 / n,
            if self.pg_ticks.is_empty() {
                String::new()
            } else {
                format!(
                    ", postgres backends {:.3} ms",
                    pg as f64 / TICKS * 1000.0 / n
                )
            },
            self.statements as f64 / n,
        );
    }
}

fn report(kind: &str, lat: &[Duration], errors: u64, secs: u64) {
    println!(
        "{kind:<24} n={:<7} p50 {:>10} p90 {:>10} p99 {:>10} max {:>10} {:>7.0} req/s, {errors} errors",
        lat.len(),
        ms(pct(lat, 0.50)),
        ms(pct(lat, 0.90)),
        ms(pct(lat, 0.99)),
        ms(pct(lat, 1.0)),
        lat.len() as f64 / secs as f64
    );
}

/// Each client loops over `paths` (GET) for `dur`; with `write`, every tenth request is
/// instead the write it returns for (client, i). Returns sorted latencies and errors.
async fn hammer(
    cs: &Arc<Vec<reqwest::Client>>,
    base: &Arc<String>,
    paths: &Arc<Vec<String>>,
    dur: Duration,
    write: Option<Arc<Vec<(String, String)>>>,
) -> (Vec<Duration>, u64) {
    let until = Instant::now() + dur;
    let mut tasks = Vec::new();
    for k in 0..cs.len() {
        let (cs, base, paths, write) = (cs.clone(), base.clone(), paths.clone(), write.clone());
        tasks.push(tokio::spawn(async move {
            let c = &cs[k];
            let mut lat = Vec::new();
            let mut errors = 0u64;
            let mut i = k;
            while Instant::now() < until {
                let t0 = Instant::now();
                let ok = match &write {
                    Some(w) if i % 10 == 9 => {
                        let (path, csrf) = &w[k];
                        let body = new_person(k, i);
                        match c
                            .post(format!("{base}{path}"))
                            .header("X-CSRF-Token", csrf)
                            .json(&body)
                            .send()
                            .await
                        {
                            Ok(r) if r.status().is_success() => r.bytes().await.is_ok(),
                            Ok(r) => {
                                let s = r.status();
                                eprintln!("write {s}: {}", r.text().await.unwrap_or_default());
                                false
                            }
                            Err(_) => false,
                        }
                    }
                    _ => {
                        let p = &paths[(i * 7 + k) % paths.len()];
                        match c.get(format!("{base}{p}")).send().await {
                            Ok(r) if r.status().is_success() => r.bytes().await.is_ok(),
                            _ => false,
                        }
                    }
                };
                i += 1;
                if ok {
                    lat.push(t0.elapsed());
                } else {
                    errors += 1;
                }
            }
            (lat, errors)
        }));
    }
    let mut all = Vec::new();
    let mut errors = 0;
    for t in tasks {
        if let Ok((l, e)) = t.await {
            all.extend(l);
            errors += e;
        } else {
            errors += 1;
        }
    }
    all.sort();
    (all, errors)
}

/// A new contract worker (编外) with an ID number no generated person has (born 2000 on).
fn new_person(k: usize, i: usize) -> serde_json::Value {
    let birth = chrono::NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default()
        + chrono::Duration::days((i / 1000) as i64);
    let body = format!("330211{}{:03}", birth.format("%Y%m%d"), i % 1000);
    let id = format!(
        "{body}{}",
        jiguan_domain::rules::id_number::check_char(&body).unwrap_or('X')
    );
    serde_json::json!({
        "name": format!("压测{k}号{i}"),
        "id_number": id,
        "identity": "contract_worker",
        "establishment": "none",
        "basic_pay": "3000",
    })
}

async fn soak_run(base: &str, store: &SqlStore, admins: usize, secs: u64) -> anyhow::Result<()> {
    let rows = store
        .db
        .fetch_all(
            "SELECT d.code, u.id FROM units u JOIN districts d ON d.id = u.district_id WHERE d.code LIKE 'p%' ORDER BY d.code, u.id",
            &[],
        )
        .await
        .map_err(|e| anyhow!("{e}"))?;
    let mut by_district: Vec<(String, Vec<i64>)> = Vec::new();
    for r in rows {
        let code: String = r.get(0).map_err(|e| anyhow!("{e}"))?;
        let u: i64 = r.get(1).map_err(|e| anyhow!("{e}"))?;
        match by_district.last_mut() {
            Some((c, v)) if *c == code => v.push(u),
            _ => by_district.push((code, vec![u])),
        }
    }
    let base = Arc::new(base.to_string());
    // Alternately a district administrator (reads across the district's units and the
    // district dashboard) and a unit administrator (reads the unit, and one request in
    // ten creates a person there through the JSON API).
    let mut handles = Vec::new();
    let before = Cost::now(store).await;
    let started = Instant::now();
    for (j, (code, units)) in by_district.iter().take(admins).enumerate() {
        let c = http_client()?;
        let writer = j % 2 == 1;
        let user = if writer {
            format!("{code}_u001_admin")
        } else {
            format!("{code}_admin")
        };
        login(&c, &base, &user, DEMO_PASSWORD).await?;
        let mine: Vec<i64> = if writer {
            units[..1].to_vec()
        } else {
            units.iter().take(5).copied().collect()
        };
        let mut paths = vec!["/".to_string()];
        for u in &mine {
            paths.push(format!("/units/{u}/people"));
            paths.push(format!("/units/{u}/people?page=2"));
            paths.push(format!("/units/{u}/people/cost"));
            paths.push(format!("/units/{u}/people?q=%E6%9D%8E"));
        }
        let w = if writer {
            let u = units[0];
            let page = c
                .get(format!("{base}/units/{u}/people/new"))
                .send()
                .await?
                .text()
                .await?;
            let csrf = csrf_of(&page).context("no _csrf on the new-person page")?;
            Some(Arc::new(vec![(format!("/api/v1/units/{u}/people"), csrf)]))
        } else {
            None
        };
        let one = Arc::new(vec![c]);
        let paths = Arc::new(paths);
        let b = base.clone();
        handles.push(tokio::spawn(async move {
            hammer(&one, &b, &paths, Duration::from_secs(secs), w).await
        }));
    }
    let n = handles.len();
    let mut lat = Vec::new();
    let mut errors = 0;
    for h in handles {
        let (l, e) = h.await?;
        lat.extend(l);
        errors += e;
    }
    lat.sort();
    let cost = Cost::now(store).await.since(&before);
    report(
        &format!("soak, {n} conns, writes"),
        &lat,
        errors,
        started.elapsed().as_secs().max(1),
    );
    cost.report(lat.len() as u64 + errors);
    if errors > 0 {
        bail!("soak: {errors} requests failed");
    }
    Ok(())
}

/// The query plan of each list and report query (the roster's two halves and counts, the
/// search, the dated roster, the cost report, bodies, posts, plans, the audit list), with
/// the stress unit's ids.
async fn explain(store: &SqlStore, unit: i64) -> anyhow::Result<()> {
    let d: i64 = store
        .db
        .fetch_one(
            "SELECT district_id FROM units WHERE id = $1",
            &[unit.into()],
        )
        .await
        .map_err(|e| anyhow!("{e}"))?
        .get(0)
        .map_err(|e| anyhow!("{e}"))?;
    let today = chrono::Utc::now().date_naive();
    let act = "p.status IN ('on_post', 'lent_out')";
    let queries = [
        (
            "roster page, own people (pinyin order)",
            format!(
                "SELECT p.id, p.name FROM people p WHERE p.district_id = {d} AND p.unit_id = {unit} AND {act} ORDER BY p.name COLLATE pinyin ASC, p.id LIMIT 20"
            ),
        ),
        (
            "roster page, borrowed-in people",
            format!(
                "SELECT p.id, p.name FROM people p WHERE p.district_id = {d} AND p.host_unit_id = {unit} AND p.status = 'lent_out' AND p.unit_id <> {unit} AND {act} ORDER BY p.name COLLATE pinyin ASC, p.id LIMIT 20"
            ),
        ),
        (
            "roster count, own people",
            format!(
                "SELECT COUNT(*) FROM people p WHERE p.district_id = {d} AND p.unit_id = {unit} AND {act}"
            ),
        ),
        (
            "roster search (name or post)",
            format!(
                "SELECT p.id FROM people p WHERE p.district_id = {d} AND p.unit_id = {unit} AND {act} AND (LOWER(p.name) LIKE '%王伟%' OR LOWER(p.post) LIKE '%王伟%') ORDER BY p.name COLLATE pinyin ASC, p.id LIMIT 20"
            ),
        ),
        (
            "roster on a date (history)",
            format!(
                "SELECT e.person_id FROM person_events e JOIN people p ON p.id = e.person_id WHERE e.district_id = {d} AND e.on_date <= '{today}' AND e.id = (SELECT MAX(e2.id) FROM person_events e2 WHERE e2.person_id = e.person_id AND e2.on_date <= '{today}') AND e.unit_id = {unit} ORDER BY p.name COLLATE pinyin ASC, p.id LIMIT 20"
            ),
        ),
        (
            "personnel cost (cost_totals)",
            format!(
                "SELECT e.identity, COUNT(*), SUM(e.basic_pay) FROM person_events e WHERE e.district_id = {d} AND e.on_date <= '{today}' AND e.id = (SELECT MAX(e2.id) FROM person_events e2 WHERE e2.person_id = e.person_id AND e2.on_date <= '{today}') AND e.status IN ('on_post', 'lent_out') AND e.unit_id = {unit} GROUP BY e.identity ORDER BY 1"
            ),
        ),
        (
            "occupancy (establishment page)",
            format!(
                "SELECT unit_id, body_id, establishment, COUNT(*) FROM people WHERE district_id = {d} AND unit_id = {unit} AND status IN ('on_post', 'lent_out') GROUP BY unit_id, body_id, establishment ORDER BY unit_id, body_id, establishment"
            ),
        ),
        (
            "bodies of a unit",
            format!(
                "SELECT id, name FROM bodies WHERE district_id = {d} AND unit_id = {unit} ORDER BY id"
            ),
        ),
        (
            "posts of a unit",
            format!(
                "SELECT id, title FROM posts WHERE district_id = {d} AND unit_id = {unit} ORDER BY body_id, title, id"
            ),
        ),
        (
            "plans of a unit",
            format!(
                "SELECT id, title FROM reorg_plans WHERE district_id = {d} AND unit_id = {unit} ORDER BY id DESC"
            ),
        ),
        (
            "audit list of a district (newest first)",
            format!("SELECT id FROM audit_log WHERE district_id = {d} ORDER BY seq DESC LIMIT 50"),
        ),
    ];
    let pg = store.db.backend() == Backend::Postgres;
    println!(
        "-- query plans ({}):",
        if pg { "EXPLAIN" } else { "EXPLAIN QUERY PLAN" }
    );
    for (what, sql) in queries {
        let q = if pg {
            format!("EXPLAIN {sql}")
        } else {
            format!("EXPLAIN QUERY PLAN {sql}")
        };
        let rows = store
            .db
            .fetch_all(&q, &[])
            .await
            .map_err(|e| anyhow!("{what}: {e}"))?;
        println!("{what}:");
        for r in rows {
            let line: String = if pg {
                r.get(0).map_err(|e| anyhow!("{e}"))?
            } else {
                r.get(3).map_err(|e| anyhow!("{e}"))?
            };
            println!("    {line}");
        }
    }
    // The queries issue 17's second part changed, as the store runs them (with parameters).
    let dd = jiguan_domain::tenancy::DistrictId(d);
    let uu = jiguan_domain::tenancy::UnitId(unit);
    let mut changed: Vec<(&str, String, Vec<jiguan_store::Value>)> = Vec::new();
    for (what, text) in [
        ("roster search through the gram index (王伟)", "王伟"),
        ("roster search, one character (王)", "王"),
    ] {
        let (sql, params) = store
            .roster_search_sql(dd, uu, text)
            .await
            .map_err(|e| anyhow!("{e}"))?;
        changed.push((what, sql, params));
    }
    use jiguan_app::people::CostGroup;
    let past = chrono::NaiveDate::from_ymd_opt(2019, 1, 1).expect("a date");
    for (what, unit, group, on) in [
        (
            "personnel cost of the unit from counters (by identity)",
            Some(uu),
            CostGroup::Identity,
            today,
        ),
        (
            "cost by unit of the district from counters (dashboard, posts report)",
            None,
            CostGroup::Unit,
            today,
        ),
        (
            "personnel cost of the unit on 2019-01-01 (the cost page's default comparison date)",
            Some(uu),
            CostGroup::Identity,
            past,
        ),
    ] {
        let straddle = store.straddle(dd, on).await.map_err(|e| anyhow!("{e}"))?;
        let s = jiguan_store::people_index::cost_totals_sql(
            store.db.backend(),
            dd,
            unit,
            on,
            group,
            straddle,
        );
        changed.push((what, s.text, s.params));
    }
    changed.push((
        "leaders of a unit (establishment, dashboard)",
        format!(
            "SELECT unit_id, COUNT(*) FROM people WHERE district_id = {d} AND status IN ('on_post', 'lent_out') AND leader = TRUE AND unit_id = {unit} GROUP BY unit_id ORDER BY unit_id"
        ),
        Vec::new(),
    ));
    // Issue 17, third part (migration 26): the counters kept by every write.
    changed.push((
        "posts, hours, open shares and holders per unit from counters (dashboard, posts report)",
        jiguan_store::posts_index::TOTALS_SQL.to_string(),
        vec![d.into()],
    ));
    let occ = jiguan_store::people_index::occupancy_sql(dd, None);
    changed.push((
        "occupancy from counters (establishment page, dashboard, staff base)",
        occ.text,
        occ.params,
    ));
    let roster = jiguan_app::people::PeopleFilter {
        unit_id: Some(uu),
        ..Default::default()
    };
    if let Some(c) = jiguan_store::people_index::home_count(dd, &roster) {
        changed.push(("roster count, own people, from counters", c.text, c.params));
    }
    for (what, sql, params) in changed {
        let q = if pg {
            format!("EXPLAIN {sql}")
        } else {
            format!("EXPLAIN QUERY PLAN {sql}")
        };
        let t0 = Instant::now();
        let rows = store
            .db
            .fetch_all(&sql, &params)
            .await
            .map_err(|e| anyhow!("{what}: {e}"))?;
        let took = t0.elapsed();
        let plan = store
            .db
            .fetch_all(&q, &params)
            .await
            .map_err(|e| anyhow!("{what}: {e}"))?;
        println!(
            "{what}: {} rows in {} (one run, warm)",
            rows.len(),
            ms(took)
        );
        for r in plan {
            let line: String = if pg {
                r.get(0).map_err(|e| anyhow!("{e}"))?
            } else {
                r.get(3).map_err(|e| anyhow!("{e}"))?
            };
            println!("    {line}");
        }
    }
    Ok(())
}
