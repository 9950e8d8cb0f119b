//! Benchmark (not a timed test): the district reform results report (`App::report_district`:
//! bodies by kind on two dates, body changes, caps, middle posts, staff and cost by identity
//! and establishment on two dates, leaders in middle posts, quotas, downsizing lines, pending
//! plans, posts, committee meetings) over 2,000 generated units and 100,000 staff. The data
//! is generated in SQL here (no dependency on any demo-data command): per unit 10 bodies
//! (2 merged in the period), approved totals, 50 people hired in 2015 (5 of whom left in
//! 2019), a downsizing plan applied in 2019 with 2 lines. SQLite always (a temp file);
//! PostgreSQL too when `JIGUAN_BENCH_PG_URL` names a server. Run with
//! `cargo bench -p jiguan-store --bench report` (`JIGUAN_BENCH_UNITS` changes the units;
//! staff = 50 × units); figures go to docs/PERFORMANCE.md.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::{Duration, Instant};

use jiguan_app::App;
use jiguan_app::report::{DistrictReport, ReportForm};
use jiguan_domain::auth::{Actor, Role};
use jiguan_domain::tenancy::DistrictId;
use jiguan_store::SqlStore;

/// `WITH RECURSIVE n(i) AS (1 … count)` then `body` (an INSERT … SELECT … FROM n).
async fn fill(s: &SqlStore, count: i64, body: &str, d: DistrictId) {
    let sql = format!(
        "WITH RECURSIVE n(i) AS (SELECT CAST(1 AS BIGINT) UNION ALL SELECT i + 1 FROM n WHERE i < {count}) {body}"
    );
    let mut tx = s.db.begin().await.unwrap();
    tx.execute(&sql, &[d.0.into(), chrono::Utc::now().into()])
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

async fn seed(s: &SqlStore, d: DistrictId, units: i64) {
    // Units, with ids from the sequence: read them back by code.
    fill(
        s,
        units,
        "INSERT INTO units (district_id, code, name, kind, active, created_at) \
        SELECT $1, 'u' || CAST(i AS TEXT), '单位' || CAST(i AS TEXT), 'town', TRUE, $2 FROM n",
        d,
    )
    .await;
    let first = common::min_id(s, "units", d).await;
    let u = |expr: &str| format!("({first} + ({expr}))");
    // 10 bodies a unit: body k of unit j is i = j * 10 + k; k 8 and 9 are merged on 2019-07-01.
    let bodies = units * 10;
    fill(s, bodies, &format!(
        "INSERT INTO bodies (district_id, unit_id, name, short_name, kind, parent_id, status, successor_id, establishment, head, doc_no, records_json, valid_from, created_at) \
         SELECT $1, {}, '机构' || CAST(i AS TEXT), '', CASE WHEN i % 10 < 3 THEN 'office' WHEN i % 10 < 5 THEN 'centre' ELSE 'public_institution' END, \
         NULL, CASE WHEN i % 10 >= 8 THEN 'merged' ELSE 'active' END, NULL, 5, '', '', '[]', '2018-01-01', $2 FROM n",
        u("(i - 1) / 10")
    ), d).await;
    let b0 = common::min_id(s, "bodies", d).await;
    let ver = |status: &str, from: &str, to: &str, cond: &str| {
        format!(
            "INSERT INTO body_versions (district_id, unit_id, body_id, valid_from, valid_to, name, short_name, kind, parent_id, status, successor_id, establishment, head, doc_no, records_json) \
             SELECT $1, b.unit_id, b.id, '{from}', {to}, b.name, '', b.kind, NULL, '{status}', NULL, 5, '', '', '[]' FROM bodies b, n \
             WHERE b.id = {b0} + n.i - 1 AND b.district_id = $1 AND $2 IS NOT NULL{cond}"
        )
    };
    fill(
        s,
        bodies,
        &ver("active", "2018-01-01", "NULL", " AND b.status = 'active'"),
        d,
    )
    .await;
    fill(
        s,
        bodies,
        &ver(
            "active",
            "2018-01-01",
            "'2019-07-01'",
            " AND b.status = 'merged'",
        ),
        d,
    )
    .await;
    fill(
        s,
        bodies,
        &ver("merged", "2019-07-01", "NULL", " AND b.status = 'merged'"),
        d,
    )
    .await;
    fill(s, units, &format!(
        "INSERT INTO org_caps (district_id, unit_id, max_bodies, max_chiefs, max_deputies, doc_no, valid_from, valid_to, set_by, set_at) \
         SELECT $1, {}, 8, 8, 10, '', '2018-01-01', NULL, 'bench', $2 FROM n", u("i - 1")
    ), d).await;
    // 50 people a unit, hired 2015-01-01; every tenth left on 2019-03-01.
    let people = units * 50;
    fill(s, people, &format!(
        "INSERT INTO people (district_id, unit_id, host_unit_id, body_id, name, gender, id_number, birth_date, ethnicity, party, education, work_start, unit_join, identity, establishment, post, rank, leader, leader_role, phone, funding, basic_pay, allowances, social_insurance, housing_fund, status, status_since, created_at, updated_at) \
         SELECT $1, {}, NULL, NULL, '职工' || CAST(i AS TEXT), 'male', 'B' || CAST(i AS TEXT), '1980-01-01', '汉族', '群众', '', NULL, NULL, \
         CASE WHEN i % 8 = 0 THEN 'temporary' WHEN i % 2 = 0 THEN 'civil_servant' ELSE 'institution_cadre' END, \
         CASE WHEN i % 8 = 0 THEN 'none' WHEN i % 2 = 0 THEN 'administrative' ELSE 'institution' END, '', '', FALSE, '', '', 'full', \
         6000000 + (i % 1000) * 100, 4000000, 1600000, 1200000, CASE WHEN i % 10 = 0 THEN 'left' ELSE 'on_post' END, '2015-01-01', $2, $2 FROM n",
        u("(i - 1) / 50")
    ), d).await;
    let p0 = common::min_id(s, "people", d).await;
    let ev = |on: &str, status: &str, cond: &str| {
        format!(
            "INSERT INTO person_events (district_id, person_id, on_date, kind, unit_id, host_unit_id, body_id, identity, establishment, post, rank, leader, funding, basic_pay, allowances, social_insurance, housing_fund, status, doc_no, note, created_at, created_by) \
             SELECT $1, p.id, '{on}', 'hire', p.unit_id, NULL, NULL, p.identity, p.establishment, '', '', FALSE, 'full', p.basic_pay, p.allowances, p.social_insurance, p.housing_fund, '{status}', '', '', $2, 'bench' \
             FROM people p, n WHERE p.id = {p0} + n.i - 1 AND p.district_id = $1{cond}"
        )
    };
    fill(s, people, &ev("2015-01-01", "on_post", ""), d).await;
    fill(
        s,
        people,
        &ev("2019-03-01", "left", " AND p.status = 'left'"),
        d,
    )
    .await;
    fill(s, units, &format!(
        "INSERT INTO downsizing_plans (district_id, unit_id, title, effective, status, doc_no, reason, staff_base, created_by, created_at, applied_at) \
         SELECT $1, {}, '分流方案', '2019-03-01', 'applied', '', '', 50, 'bench', $2, $2 FROM n", u("i - 1")
    ), d).await;
    fill(s, people, &format!(
        "INSERT INTO downsizing_lines (plan_id, district_id, unit_id, person_id, route, note, term_years, figures_json, created_at) \
         SELECT dp.id, $1, p.unit_id, p.id, 'release', '', NULL, '{{}}', $2 FROM people p JOIN downsizing_plans dp ON dp.unit_id = p.unit_id AND dp.district_id = $1, n \
         WHERE p.id = {p0} + n.i - 1 AND p.district_id = $1 AND p.status = 'left'"
    ), d).await;
}

async fn run(url: &str, label: &str, units: i64) {
    let (s, app, d) = common::bench_app(url).await;
    let t = Instant::now();
    seed(&s, d, units).await;
    if label == "PostgreSQL" {
        s.db.execute("ANALYZE", &[]).await.unwrap();
    }
    let seeded = t.elapsed();
    let admin = common::actor(d, None, Role::DistrictAdmin);
    let form = ReportForm {
        from: "2018-01-01".into(),
        to: "2019-12-31".into(),
    };
    let (times, staff) = five_runs(&app, &admin, &form, |r| {
        let h = &r.total.headline;
        (r.units.len() as i64, h.staff_before, h.staff_after, h.cut())
    })
    .await;
    profile(&app, d, &form).await;
    assert_eq!(staff.0, units);
    assert_eq!(staff.1, units * 50);
    assert_eq!(staff.2, units * 45);
    assert_eq!(staff.3, units * 5);
    let unit = app.store.find_unit(d, "u1").await.unwrap().unwrap();
    let t = Instant::now();
    app.report_unit(&admin, unit.id, &form).await.unwrap();
    let one = t.elapsed();
    println!(
        "{label}: {units} units, {} staff (seeded in {:.1} s): district report median {:.0} ms (min {:.0}, max {:.0}, 5 runs); one unit {:.0} ms",
        units * 50,
        seeded.as_secs_f64(),
        times[2].as_secs_f64() * 1e3,
        times[0].as_secs_f64() * 1e3,
        times[4].as_secs_f64() * 1e3,
        one.as_secs_f64() * 1e3,
    );
}

/// Five district reports: their times, sorted, and what `seen` reads from the last one.
async fn five_runs<T>(
    app: &App,
    admin: &Actor,
    form: &ReportForm,
    seen: impl Fn(&DistrictReport) -> T,
) -> (Vec<Duration>, T) {
    let mut times: Vec<Duration> = Vec::new();
    let mut last = None;
    for _ in 0..5 {
        let t = Instant::now();
        let r = app.report_district(admin, form).await.unwrap();
        times.push(t.elapsed());
        last = Some(seen(&r));
    }
    times.sort();
    (times, last.unwrap())
}

/// The time of each query family and each section provider of the district report, one
/// run each (the profile of where the report's time goes).
async fn profile(app: &App, d: DistrictId, form: &ReportForm) {
    use jiguan_app::report::{PROVIDERS, SectionQuery};
    use jiguan_domain::report::Family;
    let p = app.report_period(d, None, form).await.unwrap();
    let units: Vec<_> = app
        .store
        .report_units(d)
        .await
        .unwrap()
        .iter()
        .map(|u| u.id)
        .collect();
    let mut parts = Vec::new();
    for f in Family::ALL {
        let t = Instant::now();
        let n = app.store.report_cells(d, None, *f, p).await.unwrap().len();
        parts.push(format!(
            "{} {:.0} ms ({n})",
            f.code(),
            t.elapsed().as_secs_f64() * 1e3
        ));
    }
    for prov in PROVIDERS.iter() {
        let t = Instant::now();
        prov.sections(SectionQuery {
            app,
            d,
            units: &units,
            p,
        })
        .await
        .unwrap();
        parts.push(format!(
            "{} {:.0} ms",
            prov.id(),
            t.elapsed().as_secs_f64() * 1e3
        ));
    }
    println!("  profile: {}", parts.join(", "));
}

/// The same report over the data `jiguan demo-data --scale province --districts 1 --units
/// 2000 --staff 50` writes (`SqlStore::write_scale`): one district of 2,000 units and
/// 100,000 staff, each with a post, a main assignment, function items with hours and a
/// hire row of history — so the work figures (posts, FTE, 人浮于事/有事无人干, CV and
/// Gini) and the cost trend run over real volumes.
async fn run_scale(url: &str, label: &str, units: u32) {
    use jiguan_store::scale::Scale;
    let (s, app) = common::app_over(url).await;
    let t = Instant::now();
    let scale = Scale {
        districts: 1,
        units,
        staff: 50,
    };
    s.write_scale(scale, "rb", "x", chrono::Utc::now(), |_, _| {})
        .await
        .unwrap();
    if label == "PostgreSQL" {
        s.db.execute("ANALYZE", &[]).await.unwrap();
    }
    let seeded = t.elapsed();
    let d = app.store.find_district("rb001").await.unwrap().unwrap().id;
    let admin = common::actor(d, None, Role::DistrictAdmin);
    // Defaults: from the reform's start (the generated history) to today.
    let form = ReportForm::default();
    let (times, seen) = five_runs(&app, &admin, &form, |r| {
        let after = |section: &str, line: &str| {
            r.total
                .section(section)
                .and_then(|s| s.line(line))
                .and_then(|l| l.after)
                .unwrap_or(0)
        };
        let need = after("work.fte", "report.work.need");
        let holders = after("work.spread", "report.work.holders");
        (
            r.units.len() as i64,
            r.total.headline.staff_after,
            need,
            holders,
        )
    })
    .await;
    profile(&app, d, &form).await;
    assert_eq!(seen.0, i64::from(units));
    assert_eq!(seen.1, i64::from(units) * 50);
    assert!(seen.2 > 0);
    assert_eq!(seen.3, i64::from(units) * 50);
    let unit = app.store.find_unit(d, "u001").await.unwrap();
    let one = match unit {
        Some(u) => {
            let t = Instant::now();
            app.report_unit(&admin, u.id, &form).await.unwrap();
            format!("{:.0} ms", t.elapsed().as_secs_f64() * 1e3)
        }
        None => "—".into(),
    };
    println!(
        "{label} (demo-data scale): 1 district, {units} units, {} staff (written in {:.1} s): district report median {:.0} ms (min {:.0}, max {:.0}, 5 runs); one unit {one}",
        u64::from(units) * 50,
        seeded.as_secs_f64(),
        times[2].as_secs_f64() * 1e3,
        times[0].as_secs_f64() * 1e3,
        times[4].as_secs_f64() * 1e3,
    );
}

fn main() {
    let units: i64 = std::env::var("JIGUAN_BENCH_UNITS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    // The generated report on each backend, then the demo-data scale one on each.
    rt.block_on(async {
        common::on_each_backend("bench.db", "jiguan_bench", |url, label| async move {
            run(&url, label, units).await
        })
        .await;
        common::on_each_backend("scale.db", "jiguan_bench", |url, label| async move {
            run_scale(&url, label, units as u32).await
        })
        .await;
    });
}
