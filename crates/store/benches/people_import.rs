//! Benchmark (not a timed test): import 100,000 generated roster rows through the real
//! import path (CSV bytes → `jiguan_excel::import::read_table` → validation → batched
//! writes) into a fresh SQLite database, and into a fresh PostgreSQL database when
//! `JIGUAN_BENCH_PG_URL` names a server (e.g. `postgres://postgres@127.0.0.1:5432/postgres`).
//! Reports rows/s, the time of each phase (reading the file, validating, writing) and the
//! peak resident memory (VmHWM). Run:
//! `cargo bench -p jiguan-store --bench people_import` (env `JIGUAN_BENCH_ROWS` to change
//! the row count; `JIGUAN_BENCH_FORMAT=xlsx` imports the same rows as an xlsx workbook
//! written by the export code, dates and money as typed cells, instead of CSV;
//! `JIGUAN_BENCH_SAVE=PATH` also writes the generated file there, e.g. to time another
//! reader on the same bytes).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::Instant;

use jiguan_app::people::{ImportOptions, ImportTable, Importer};
use jiguan_app::users::system_entry;
use jiguan_domain::auth::{Actor, Role};
use jiguan_domain::money::Money;
use jiguan_domain::people::establishment::QuotaKind;
use jiguan_domain::tenancy::{UnitInput, UnitKind, UserId};
use jiguan_excel::{Cell, Sheet};
use jiguan_testkit::fixtures::id_number;

const IDENTITIES: [(&str, &str); 8] = [
    ("公务员", "行政编制"),
    ("事业干部", "事业编制"),
    ("劳动合同制工人", "编外"),
    ("集体人员", "编外"),
    ("借用人员", "编外"),
    ("临时工", "编外"),
    ("工勤人员", "工勤编制"),
    ("企业聘用人员", "编外"),
];

/// `n` rows in the template's columns, as CSV text; every ID number valid and unique.
fn csv(n: usize) -> String {
    let mut s = String::from(
        "姓名,性别,身份证号,出生日期,民族,政治面貌,学历,参加工作时间,进入本单位时间,身份,编制类型,岗位,职级,班子成员,联系电话,经费来源,基本工资（元/年）,津贴补贴（元/年）,社会保险（元/年）,住房公积金（元/年）\n",
    );
    let start = chrono::NaiveDate::from_ymd_opt(1962, 1, 1).unwrap();
    for i in 0..n {
        let birth = start + chrono::Duration::days((i / 400) as i64);
        let seq = (i % 400) * 2 + (i % 2);
        let id = id_number(&birth.format("%Y%m%d").to_string(), seq as u32);
        let (identity, kind) = IDENTITIES[i % 8];
        let work = birth + chrono::Duration::days(22 * 366);
        s.push_str(&format!(
            "职工{i},{},{id},{},汉族,群众,大学本科,{},{},{identity},{kind},综合{},,否,1350574{:04},财政全额拨款,{}.00,36000,18000.50,12000\n",
            if seq % 2 == 1 { "男" } else { "女" },
            birth,
            work,
            work,
            i % 15,
            i % 10_000,
            40_000 + (i % 30_000),
        ));
    }
    s
}

/// The rows of [`csv`] as an xlsx workbook through the export code: text as shared
/// strings, dates as date-formatted numbers, money as numbers (what a roster saved by
/// Excel holds).
fn xlsx(text: &str) -> Vec<u8> {
    let mut lines = text.lines();
    let headers: Vec<String> = lines
        .next()
        .unwrap()
        .split(',')
        .map(str::to_string)
        .collect();
    let rows = lines
        .map(|l| {
            l.split(',')
                .enumerate()
                .map(|(c, v)| match c {
                    3 | 7 | 8 => Cell::Date(v.parse().unwrap()),
                    16..=19 => {
                        Cell::Money(Money((v.parse::<f64>().unwrap() * 100.0).round() as i64))
                    }
                    _ if v.is_empty() => Cell::Empty,
                    _ => Cell::Text(v.to_string()),
                })
                .collect()
        })
        .collect();
    jiguan_excel::write_workbook(&[Sheet {
        name: "花名册".into(),
        headers,
        rows,
        ..Sheet::default()
    }])
    .unwrap()
}

fn peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// CPU time (user + system) of the whole process so far, in seconds (from
/// `/proc/self/stat`, in clock ticks of 1/100 s): a fairer measure than wall time on a
/// loaded machine.
fn cpu_s() -> f64 {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            // The fields after the command name (which may hold spaces) in parentheses.
            let rest = s.rsplit_once(')')?.1;
            let f: Vec<&str> = rest.split_whitespace().collect();
            let user: f64 = f.get(11)?.parse().ok()?;
            let sys: f64 = f.get(12)?.parse().ok()?;
            Some((user + sys) / 100.0)
        })
        .unwrap_or(0.0)
}

async fn run(label: &str, url: &str, bytes: &[u8], n: usize) {
    let (_, app, d) = common::bench_app(url).await;
    let input = UnitInput {
        code: "u1".into(),
        name: "基准街道".into(),
        kind: UnitKind::Subdistrict,
    };
    let u = app
        .store
        .create_unit(
            d,
            &input,
            system_entry(d, None, "unit.create", "unit", "u1", None),
        )
        .await
        .unwrap();
    let big = Some(1_000_000);
    app.store
        .set_quotas(
            d,
            u,
            &[
                (None, QuotaKind::Administrative, big),
                (None, QuotaKind::Institution, big),
                (None, QuotaKind::Service, big),
            ],
            "bench",
            chrono::Utc::now(),
            system_entry(d, Some(u), "establishment.set", "unit", u, None),
        )
        .await
        .unwrap();
    // The command line's path (`jiguan import roster`), in its two halves so that each
    // phase is timed: read the file, validate (prepare), write (as the unit's
    // administrator, who may import; the command line imports as `system`).
    let admin = Actor {
        user_id: UserId(0),
        username: "u1_admin".into(),
        display_name: "u1_admin".into(),
        district_id: d,
        unit_id: Some(u),
        roles: vec![Role::UnitAdmin],
    };
    let c0 = cpu_s();
    let t0 = Instant::now();
    let table =
        jiguan_excel::import::read_table(bytes, &jiguan_excel::import::Limits::default()).unwrap();
    let t_read = t0.elapsed();
    let c_read = cpu_s() - c0;
    let t = ImportTable {
        headers: table.headers,
        rows: table.rows,
        first_row: table.first_row,
    };
    let prepared = app
        .prepare_roster_import(&admin, u, &t, &ImportOptions::default())
        .await
        .unwrap();
    let t_check = t0.elapsed() - t_read;
    let c_check = cpu_s() - c0 - c_read;
    let r = app.write_roster_import(prepared, None).await.unwrap();
    let total = t0.elapsed();
    let t_write = total - t_read - t_check;
    let c_total = cpu_s() - c0;
    assert!(r.written && r.created == n, "{:?}", r.errors.first());
    // Re-import: validated and compared, nothing written.
    let t1 = Instant::now();
    let again = app
        .import_roster(Importer::System(d), u, &t, &ImportOptions::default(), None)
        .await
        .unwrap();
    assert_eq!((again.unchanged, again.written), (n, false));
    let reimport = t1.elapsed();
    println!(
        "{label}: {n} rows in {:.2} s (read {:.2} s, validate {:.2} s, write {:.2} s) = {:.0} rows/s; re-import (no change) {:.2} s = {:.0} rows/s; peak RSS so far {} MiB",
        total.as_secs_f64(),
        t_read.as_secs_f64(),
        t_check.as_secs_f64(),
        t_write.as_secs_f64(),
        n as f64 / total.as_secs_f64(),
        reimport.as_secs_f64(),
        n as f64 / reimport.as_secs_f64(),
        peak_kib() / 1024
    );
    println!(
        "{label}: CPU (user+sys, whole process) of the import {:.2} s (read {:.2} s, validate {:.2} s, write {:.2} s) = {:.0} rows per CPU-second",
        c_total,
        c_read,
        c_check,
        c_total - c_read - c_check,
        n as f64 / c_total.max(0.01),
    );
}

fn main() {
    let n: usize = std::env::var("JIGUAN_BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let text = csv(n);
    let format = std::env::var("JIGUAN_BENCH_FORMAT").unwrap_or_else(|_| "csv".into());
    let bytes = if format == "xlsx" {
        xlsx(&text)
    } else {
        text.into_bytes()
    };
    println!(
        "{format}: {n} rows, {:.1} MiB",
        bytes.len() as f64 / (1024.0 * 1024.0)
    );
    if let Ok(path) = std::env::var("JIGUAN_BENCH_SAVE") {
        std::fs::write(&path, &bytes).unwrap();
        println!("written to {path}");
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(common::on_each_backend(
        "bench.db",
        "jiguan_bench",
        |url, label| {
            let bytes = &bytes;
            async move { run(label, &url, bytes, n).await }
        },
    ));
}
