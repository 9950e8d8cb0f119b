//! The same results through the page, the API and the command line.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use jiguan_domain::rules::calc::CalcKind;

use crate::helpers::*;

// ---------------------------------------------------------------- page, API and CLI agree

/// The server, stopped when dropped.
struct Server {
    child: Child,
    base: String,
    db: String,
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `serve --demo` on `db` at 127.0.0.1:`port`, in `dir`, with no settings from the
/// environment and its output dropped.
fn spawn_demo(dir: &std::path::Path, db: &str, port: u16) -> Child {
    Command::new(BIN)
        .args([
            "serve",
            "--demo",
            "--database",
            db,
            "--bind",
            &format!("127.0.0.1:{port}"),
        ])
        .current_dir(dir)
        .env_remove("JIGUAN_DATABASE_URL")
        .env_remove("JIGUAN_CONFIG")
        .env_remove("JIGUAN_BIND")
        .env("JIGUAN_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

async fn start_server() -> Server {
    let dir = tempfile::tempdir().unwrap();
    let db: PathBuf = dir.path().join("web.db");
    let db = db.to_string_lossy().into_owned();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let child = spawn_demo(dir.path(), &db, port);
    let server = Server {
        child,
        base,
        db,
        _dir: dir,
    };
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(180);
    loop {
        if let Ok(r) = client.get(format!("{}/healthz", server.base)).send().await
            && r.status().is_success()
        {
            break;
        }
        assert!(Instant::now() < deadline, "server did not start");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    server
}

/// The value of the first `name="_csrf" value="…"` in a page.
fn csrf_of(html: &str) -> String {
    let at = html.find("name=\"_csrf\" value=\"").unwrap() + "name=\"_csrf\" value=\"".len();
    html[at..].split('"').next().unwrap().to_string()
}

fn unescape(s: &str) -> String {
    s.replace("&#34;", "\"")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#60;", "<")
        .replace("&lt;", "<")
        .replace("&#62;", ">")
        .replace("&gt;", ">")
        .replace("&#38;", "&")
        .replace("&amp;", "&")
}

/// The result JSON a calculator page shows.
fn page_json(html: &str) -> Value {
    let start = html
        .find("<pre id=\"calc-json\">")
        .unwrap_or_else(|| panic!("no result: {html}"))
        + "<pre id=\"calc-json\">".len();
    let end = start + html[start..].find("</pre>").unwrap();
    serde_json::from_str(&unescape(&html[start..end])).unwrap()
}

/// The demo admin's session with the server; paths are relative to its base.
struct Web {
    client: reqwest::Client,
    base: String,
    csrf: String,
}

impl Web {
    async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap()
    }

    async fn get_text(&self, path: &str) -> String {
        self.get(path).await.text().await.unwrap()
    }

    async fn get_json(&self, path: &str) -> Value {
        self.get(path).await.json().await.unwrap()
    }

    /// POSTs a form with the CSRF field added last.
    async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let mut form = fields.to_vec();
        form.push(("_csrf", &self.csrf));
        self.client
            .post(format!("{}{path}", self.base))
            .form(&form)
            .send()
            .await
            .unwrap()
    }

    /// POSTs JSON with the CSRF header.
    async fn post_json(&self, path: &str, body: &impl serde::Serialize) -> reqwest::Response {
        self.client
            .post(format!("{}{path}", self.base))
            .header("x-csrf-token", &self.csrf)
            .json(body)
            .send()
            .await
            .unwrap()
    }

    /// PUTs a plain-text body with the CSRF header.
    async fn put_text(&self, path: &str, body: &'static str) -> reqwest::Response {
        self.client
            .put(format!("{}{path}", self.base))
            .header("x-csrf-token", &self.csrf)
            .header("content-type", "text/plain")
            .body(body)
            .send()
            .await
            .unwrap()
    }
}

/// Signs in as the demo admin through the form.
async fn login(base: &str) -> Web {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut web = Web {
        client,
        base: base.to_string(),
        csrf: String::new(),
    };
    web.csrf = csrf_of(&web.get_text("/login").await);
    let r = web
        .post_form(
            "/login",
            &[("username", "admin"), ("password", "demo12345")],
        )
        .await;
    assert!(r.status().is_redirection(), "login: {}", r.status());
    let home = web.get("/").await;
    assert_eq!(home.status(), 200);
    web.csrf = csrf_of(&home.text().await.unwrap());
    web
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn page_api_and_cli_agree() {
    let srv = start_server().await;
    let web = login(&srv.base).await;
    let cli_dir = tempfile::tempdir().unwrap();
    let cli = |args: &[&str]| {
        let mut all = vec!["calc"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--database", &srv.db, "--district", "zhenhai"]);
        run_in(cli_dir.path(), &all)
    };

    let cases: Vec<(&str, Vec<(&str, &str)>)> = vec![
        (
            "retirement",
            vec![("birth", "1970-05"), ("category", "male")],
        ),
        (
            "severance",
            vec![
                ("start", "2015-03-01"),
                ("end", "2026-06-30"),
                ("monthly-wage", "12000"),
                ("local-average", "9000"),
            ],
        ),
        (
            "severance",
            vec![
                ("start", "2000-03-01"),
                ("end", "2026-06-30"),
                ("monthly-wage", "10000"),
                ("local-average", "9000"),
                ("unlawful", "true"),
            ],
        ),
        ("workdays", vec![("from", "2026-09-30")]),
        ("workday", vec![("date", "2026-10-10")]),
        ("id", vec![("number", "11010519491231002X")]),
        ("interview", vec![("scores", "80,90,70,85,95,88")]),
        (
            "committee",
            vec![
                ("members", "9"),
                ("present", "6"),
                ("yes", "5"),
                ("no", "1"),
            ],
        ),
        ("excellent-quota", vec![("count", "23")]),
        (
            "allocate",
            vec![("pool", "1000"), ("weights", "a=1.2,b=1,c=0.8")],
        ),
    ];
    for (kind, inputs) in &cases {
        // CLI
        let mut args = vec![*kind];
        let flags: Vec<String> = inputs.iter().map(|(k, _)| format!("--{k}")).collect();
        for ((k, v), flag) in inputs.iter().zip(&flags) {
            if *kind == "id" && *k == "number" {
                args.push(v);
            } else if *k == "unlawful" {
                args.push(flag);
            } else {
                args.push(flag);
                args.push(v);
            }
        }
        let from_cli = cli(&args).json();
        // API
        let body: BTreeMap<&str, &str> = inputs.iter().copied().collect();
        let r = web.post_json(&format!("/api/v1/calc/{kind}"), &body).await;
        assert_eq!(r.status(), 200, "{kind}");
        let api: Value = r.json().await.unwrap();
        assert_eq!(api["result"], from_cli, "API vs CLI: {kind}");
        assert!(!api["steps"].as_array().unwrap().is_empty());
        assert!(
            api["steps"][0]["text"]
                .as_str()
                .is_some_and(|t| !t.contains('{'))
        );
        assert!(!api["sources"].as_array().unwrap().is_empty());
        assert!(api["params_used"].is_object());
        // Page
        let r = web.post_form(&format!("/calc/{kind}"), inputs).await;
        assert_eq!(r.status(), 200, "{kind}");
        let html = r.text().await.unwrap();
        assert_eq!(page_json(&html), from_cli, "page vs CLI: {kind}");
        assert!(html.contains("id=\"calc-steps\""));
        assert!(html.contains("js-print"));
    }

    // Bad input: 422 with the field, on the API and on the page.
    let r = web.post_json("/api/v1/calc/severance", &json!({"start": "2015-03-01", "end": "2026-06-30", "monthly-wage": "12000.123", "local-average": 9000})).await;
    assert_eq!(r.status(), 422);
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["code"], "invalid");
    assert_eq!(e["field"], "monthly-wage");
    assert_eq!(e["errors"][0]["code"], "money_too_precise");
    let r = web
        .post_form("/calc/workday", &[("date", "2027-03-01")])
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("id=\"err-date\""));
    let r = web.post_json("/api/v1/calc/nope", &json!({})).await;
    assert_eq!(r.status(), 404);

    // Save from the page; the saved page shows the stored result.
    let r = web
        .post_form(
            "/calc/excellent-quota",
            &[("count", "23"), ("_save", "1"), ("note", "年度考核")],
        )
        .await;
    assert!(r.status().is_redirection(), "{}", r.status());
    let loc = r.headers()["location"].to_str().unwrap().to_string();
    assert!(loc.starts_with("/calc/saved/"), "{loc}");
    let html = web.get_text(&loc).await;
    assert_eq!(
        page_json(&html),
        cli(&["excellent-quota", "--count", "23"]).json()
    );
    assert!(html.contains("年度考核"));
    let list: Value = web.get_json("/api/v1/calc/saved").await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["note"], "年度考核");
    let r = web
        .post_json(
            "/api/v1/calc/saved",
            &json!({"kind": "retirement", "input": {"birth": "1970-05", "category": "male"}}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let saved: Value = r.json().await.unwrap();
    assert_eq!(saved["result"]["retirement_month"], "2031-10");
    let r = web
        .get(&format!("/api/v1/calc/saved/{}", saved["id"]))
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["result"], saved["result"]);
    assert_eq!(web.get("/calc/saved").await.status(), 200);

    // The calendar: load 2027 through the API (text body); the page, the API and the
    // CLI on the same database then agree on 2027.
    let r = web
        .put_text("/api/v1/calendar/2028", "year 2027\n2027-01-01 off\n")
        .await;
    assert_eq!(r.status(), 422);
    assert_eq!(
        r.json::<Value>().await.unwrap()["errors"][0]["code"],
        "calendar_year_mismatch"
    );
    let r = web
        .put_text(
            "/api/v1/calendar/2027",
            "year 2027\n2027-01-01 off\n2027-02-05..2027-02-11 off\n",
        )
        .await;
    assert_eq!(r.status(), 200);
    let years: Value = web.get_json("/api/v1/calendar").await;
    assert!(
        years
            .as_array()
            .unwrap()
            .iter()
            .any(|y| y["year"] == 2027 && y["origin"] == "loaded")
    );
    let from_cli = cli(&["workday", "--date", "2027-02-08"]).json();
    assert_eq!(from_cli["reason"], "holiday");
    let api: Value = web
        .post_json("/api/v1/calc/workday", &json!({"date": "2027-02-08"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(api["result"], from_cli);
    // The calendar page takes a form upload too.
    let r = web
        .post_form(
            "/settings/calendar",
            &[("schedule", "year 2028\n2028-01-01 off\n")],
        )
        .await;
    assert!(r.status().is_redirection(), "{}", r.status());
    let html = web.get_text("/settings/calendar").await;
    assert!(html.contains("id=\"calendar-2028\""));
    assert!(html.contains("enctype=\"multipart/form-data\""));
    assert_eq!(
        cli(&["workday", "--date", "2028-01-03"]).json()["reason"],
        "weekday"
    );

    // Every calculator page renders, in both languages.
    for k in CalcKind::ALL {
        let r = web.get(&format!("/calc/{}", k.code())).await;
        assert_eq!(r.status(), 200, "{}", k.code());
    }
    assert_eq!(web.get("/calc").await.status(), 200);
}

// ---------------------------------------------------------------- Excel exports

use jiguan_excel::inspect::{Data, ReadSheet};

/// The number in a cell (`None` for anything but a number).
fn num(d: &Data) -> Option<f64> {
    match d {
        Data::Float(f) => Some(*f),
        Data::Int(i) => Some(*i as f64),
        _ => None,
    }
}

/// Every sheet is one table: header row `header` (0-based), frozen, under an autofilter
/// that runs from the header to the last data row (the rows before the 合计 rows); the
/// given columns hold numbers (or nothing) in every data and total row, and no other cell
/// holds a number as text. Returns the data rows and the total rows.
fn table<'a>(
    s: &'a ReadSheet,
    header: usize,
    numeric: &[usize],
    total_label: &str,
) -> (&'a [Vec<Data>], &'a [Vec<Data>]) {
    let body = s.cells.get(header + 1..).unwrap_or(&[]);
    let n_data = body
        .iter()
        .position(|r| matches!(r.first(), Some(Data::String(t)) if t.starts_with(total_label)))
        .unwrap_or(body.len());
    let (data, totals) = body.split_at(n_data);
    let last_col = char::from(b'A' + (s.cells[header].len() as u8 - 1));
    assert_eq!(
        s.autofilter.as_deref(),
        Some(format!("A{}:{last_col}{}", header + 1, header + 1 + n_data).as_str()),
        "{}: autofilter",
        s.name
    );
    assert_eq!(
        s.frozen_rows as usize,
        header + 1,
        "{}: frozen header",
        s.name
    );
    for (i, row) in data.iter().chain(totals).enumerate() {
        for (c, cell) in row.iter().enumerate() {
            if numeric.contains(&c) {
                assert!(
                    matches!(cell, Data::Float(_) | Data::Int(_) | Data::Empty),
                    "{}: row {i} column {c} is not a number: {cell:?}",
                    s.name
                );
            } else if let Data::String(t) = cell {
                // (Identifiers of 11 digits or more — phone, ID numbers — stay text.)
                let digits = t.trim_end_matches('%').replace(',', "");
                assert!(
                    digits.len() >= 11 || digits.parse::<f64>().is_err(),
                    "{}: row {i} column {c} holds a number as text: {t}",
                    s.name
                );
            }
        }
    }
    (data, totals)
}

/// The sum of column `c` over `rows`, to the cent.
fn col_sum(rows: &[Vec<Data>], c: usize) -> f64 {
    let s: f64 = rows.iter().filter_map(|r| r.get(c).and_then(num)).sum();
    (s * 100.0).round() / 100.0
}

fn cents(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// The cells of every sheet, for comparing two workbooks.
fn cells_of(bytes: &[u8]) -> Vec<(String, Vec<Vec<Data>>)> {
    jiguan_excel::inspect::read(bytes)
        .unwrap()
        .into_iter()
        .map(|s| (s.name, s.cells))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn excel_exports_hold_numbers_filters_and_totals() {
    let srv = start_server().await;
    let web = login(&srv.base).await;
    let dir = tempfile::tempdir().unwrap();
    let cli = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend_from_slice(&["--database", &srv.db]);
        let r = run_in(dir.path(), &all);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        r
    };
    let cli_file = |args: &[&str], name: &str| {
        let out = dir.path().join(name).to_string_lossy().into_owned();
        let mut all = args.to_vec();
        all.extend_from_slice(&["--out", &out]);
        cli(&all);
        std::fs::read(&out).unwrap()
    };
    let xlsx = |path: String| {
        let web = &web;
        async move {
            let r = web.get(&path).await;
            assert_eq!(r.status(), 200, "{path}");
            r.bytes().await.unwrap().to_vec()
        }
    };
    let units: Value = web.get_json("/api/v1/units?per_page=100").await;
    let luotuo = units["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["code"] == "luotuo")
        .unwrap()["id"]
        .as_i64()
        .unwrap();

    // Organisation: the date once per sheet in its title row, no date column; the bodies
    // in place total their establishment and headcount. CLI and web write the same cells.
    let on = "2026-06-30";
    let bytes = xlsx(format!("/units/{luotuo}/org/export.xlsx?on={on}")).await;
    let from_cli = cli_file(&at_luotuo(&["org", "export"], &["--on", on]), "org.xlsx");
    assert_eq!(cells_of(&bytes), cells_of(&from_cli), "org: web vs CLI");
    let sheets = jiguan_excel::inspect::read(&bytes).unwrap();
    assert_eq!(sheets.len(), 3);
    for s in &sheets {
        assert_eq!(s.count_text(on), 1, "{}: the date once", s.name);
        assert!(matches!(s.at(0, 0), Data::String(t) if t.contains("骆驼街道") && t.contains(on)));
        assert!(
            !s.cells
                .iter()
                .flatten()
                .any(|c| matches!(c, Data::DateTime(_))),
            "{}: no date column",
            s.name
        );
    }
    let (data, totals) = table(&sheets[0], 1, &[5, 6], "合计");
    assert!(!data.is_empty());
    assert_eq!(totals.len(), 1);
    let structure: Value = web
        .get_json(&format!("/api/v1/units/{luotuo}/org/structure?on={on}"))
        .await;
    let active: Vec<&Value> = structure["bodies"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["status"] == "active")
        .collect();
    let est: i64 = active
        .iter()
        .map(|b| b["establishment"].as_i64().unwrap())
        .sum();
    assert_eq!(num(&totals[0][5]), Some(est as f64));
    assert!(
        matches!(&totals[0][0], Data::String(t) if t.contains(&active.len().to_string())),
        "{:?}",
        totals[0][0]
    );
    table(&sheets[1], 1, &[], "合计");
    let (rows, _) = table(&sheets[2], 1, &[1, 2], "合计");
    assert!(rows.iter().all(|r| num(&r[2]).is_some()));

    // Roster: money as numbers; the 合计 row counts the people and sums their cost; the
    // export imports back without it.
    let bytes = xlsx(format!("/units/{luotuo}/people/export/roster.xlsx")).await;
    let from_cli = cli_file(&at_luotuo(&["export", "roster"], &[]), "roster.xlsx");
    assert_eq!(cells_of(&bytes), cells_of(&from_cli), "roster: web vs CLI");
    let sheets = jiguan_excel::inspect::read(&bytes).unwrap();
    // Money in 19..=22 and the total in 24 (23 is 试用期满日期, a date).
    let (data, totals) = table(&sheets[0], 0, &[19, 20, 21, 22, 24], "合计");
    assert!(data.len() > 5);
    assert_eq!(
        totals[0][0],
        Data::String(format!("合计（{} 人）", data.len()))
    );
    for c in [19, 20, 21, 22, 24] {
        assert!(
            data.iter().all(|r| num(&r[c]).is_some()),
            "roster column {c}"
        );
        assert_eq!(
            num(&totals[0][c]).map(cents),
            Some(col_sum(data, c)),
            "roster {c}"
        );
    }
    let back = jiguan_excel::import::read_table(&bytes, &Default::default()).unwrap();
    assert_eq!(back.rows.len(), data.len());

    // Establishment use of the district: counts, and the 合计 of every column.
    let bytes = xlsx("/people/export/establishment.xlsx".into()).await;
    let from_cli = cli_file(
        &["export", "establishment", "--district", "zhenhai"],
        "establishment.xlsx",
    );
    assert_eq!(
        cells_of(&bytes),
        cells_of(&from_cli),
        "establishment: web vs CLI"
    );
    let sheets = jiguan_excel::inspect::read(&bytes).unwrap();
    let cols: Vec<usize> = (1..=16).collect();
    let (data, totals) = table(&sheets[0], 0, &cols, "合计");
    assert!(data.len() > 1);
    for c in cols {
        assert_eq!(
            num(&totals[0][c]),
            Some(col_sum(data, c)),
            "establishment {c}"
        );
    }

    // Posts of 骆驼街道: hours, FTE, shares as numbers; the 合计 row is the page's.
    let bytes = xlsx(format!("/units/{luotuo}/posts/export.xlsx")).await;
    let sheets = jiguan_excel::inspect::read(&bytes).unwrap();
    let (data, totals) = table(&sheets[0], 0, &[5, 7, 8, 9], "合计");
    assert!(!data.is_empty());
    let o: Value = web.get_json(&format!("/api/v1/units/{luotuo}/posts")).await;
    assert_eq!(num(&totals[0][7]), o["total_hours"].as_f64());
    let need: f64 = o["need_fte"].as_str().unwrap().parse().unwrap();
    assert_eq!(num(&totals[0][8]), Some(need));
    let (data, totals) = table(&sheets[1], 0, &[3, 6], "合计");
    assert!(!data.is_empty());
    assert!(
        data.iter()
            .all(|r| num(&r[3]).is_some_and(|p| p > 0.0 && p <= 1.0))
    );
    assert!(matches!(data[0][7], Data::DateTime(_)));
    assert!((num(&totals[0][6]).unwrap() - col_sum(data, 6)).abs() < 0.01 * data.len() as f64);

    // The district FTE and cost report.
    let bytes = xlsx("/posts/report.xlsx".into()).await;
    let sheets = jiguan_excel::inspect::read(&bytes).unwrap();
    let (data, totals) = table(&sheets[0], 0, &[1, 2, 3, 4, 5, 6, 7], "合计");
    assert!(data.len() > 1);
    for c in [1, 2, 4, 5, 7] {
        assert_eq!(
            num(&totals[0][c]),
            Some(col_sum(data, c)),
            "district report {c}"
        );
    }

    // Downsizing: the approved plan of 骆驼街道 (21 of 100 = 21 %) and the district (50).
    let plans = cli(&at_luotuo(&["downsizing", "plans"], &[]));
    let plan = plans.stdout.split('\t').next().unwrap().to_string();
    let bytes = xlsx(format!("/units/{luotuo}/downsizing/{plan}/export")).await;
    let from_cli = cli_file(
        &at_luotuo(&["downsizing", "export"], &["--plan", &plan]),
        "plan.xlsx",
    );
    assert_eq!(cells_of(&bytes), cells_of(&from_cli), "plan: web vs CLI");
    let sheets = jiguan_excel::inspect::read(&bytes).unwrap();
    let (data, totals) = table(&sheets[0], 0, &[8, 9, 10, 11, 12, 13], "合计");
    assert!(data.len() >= 21, "{}", data.len());
    for c in [8, 9, 11, 12, 13] {
        assert_eq!(
            num(&totals[0][c]).map(cents),
            Some(col_sum(data, c)),
            "plan {c}"
        );
    }
    let (items, _) = table(&sheets[1], 0, &[], "\u{0}");
    let value = |label: &str| {
        items
            .iter()
            .find(|r| matches!(&r[0], Data::String(t) if t == label))
            .map(|r| r[1].clone())
            .unwrap_or_else(|| panic!("no {label}"))
    };
    assert_eq!(value("减少人数"), Data::Float(21.0));
    assert_eq!(value("机关人员数"), Data::Float(100.0));
    assert_eq!(value("占比"), Data::Float(0.21));
    assert_eq!(
        num(&value("一次性补偿合计（元）")).map(cents),
        num(&totals[0][8]).map(cents)
    );
    let bytes = xlsx("/downsizing/export".into()).await;
    let sheets = jiguan_excel::inspect::read(&bytes).unwrap();
    let (data, totals) = table(&sheets[0], 0, &[2, 3, 4, 5, 6, 7], "全区合计");
    assert!(data.len() > 1);
    assert_eq!(num(&totals[0][3]), Some(50.0));
    for c in [2, 3, 4, 6, 7] {
        assert_eq!(
            num(&totals[0][c]).map(cents),
            Some(col_sum(data, c)),
            "district {c}"
        );
    }
    let luotuo_row = data
        .iter()
        .find(|r| r[0] == Data::String("骆驼街道".into()))
        .unwrap();
    assert_eq!(num(&luotuo_row[5]), Some(0.21));
}

// ---------------------------------------------------------------- rerunning the demo

/// Runs `serve --demo` on `db` until it answers, then stops it.
async fn serve_demo_once(dir: &std::path::Path, db: &str) {
    let port = free_port();
    let mut child = spawn_demo(dir, db, port);
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(180);
    loop {
        if let Ok(r) = client
            .get(format!("http://127.0.0.1:{port}/healthz"))
            .send()
            .await
            && r.status().is_success()
        {
            break;
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "the server stopped before it answered"
        );
        assert!(Instant::now() < deadline, "server did not start");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    child.kill().unwrap();
    child.wait().unwrap();
}

/// What the README promises: a second `serve --demo` on the same file keeps it as it is
/// (no second seed, no reset).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_demo_again_keeps_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("jiguan.db").to_string_lossy().into_owned();
    let cli = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend_from_slice(&["--database", &db]);
        run_in(dir.path(), &all)
    };
    let plans = || {
        let r = cli(&at_luotuo(&["downsizing", "plans"], &[]));
        assert_eq!(r.code, 0, "{}", r.stderr);
        r.stdout
    };
    serve_demo_once(dir.path(), &db).await;
    let before = plans();
    let cols: Vec<&str> = before.split('\t').collect();
    assert_eq!(cols[1], "approved", "{before}");
    let r = cli(&[
        "downsizing",
        "apply",
        "--as",
        "luotuo_admin",
        "--plan",
        cols[0],
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    serve_demo_once(dir.path(), &db).await;
    // The same plans, the applied one still applied: nothing was seeded again.
    assert_eq!(plans(), before.replacen("\tapproved\t", "\tapplied\t", 1));
}
