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
    let child = Command::new(BIN)
        .args([
            "serve",
            "--demo",
            "--database",
            &db,
            "--bind",
            &format!("127.0.0.1:{port}"),
        ])
        .current_dir(dir.path())
        .env_remove("JIGUAN_DATABASE_URL")
        .env_remove("JIGUAN_CONFIG")
        .env("JIGUAN_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
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

async fn login(base: &str) -> (reqwest::Client, String) {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = client
        .get(format!("{base}/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let pre = csrf_of(&page);
    let r = client
        .post(format!("{base}/login"))
        .form(&[
            ("username", "admin"),
            ("password", "demo12345"),
            ("_csrf", pre.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert!(r.status().is_redirection(), "login: {}", r.status());
    let home = client.get(format!("{base}/")).send().await.unwrap();
    assert_eq!(home.status(), 200);
    let csrf = csrf_of(&home.text().await.unwrap());
    (client, csrf)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn page_api_and_cli_agree() {
    let srv = start_server().await;
    let base = srv.base.clone();
    let (client, csrf) = login(&base).await;
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
        let r = client
            .post(format!("{base}/api/v1/calc/{kind}"))
            .header("x-csrf-token", &csrf)
            .json(&body)
            .send()
            .await
            .unwrap();
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
        let mut form: Vec<(&str, &str)> = inputs.clone();
        form.push(("_csrf", &csrf));
        let r = client
            .post(format!("{base}/calc/{kind}"))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{kind}");
        let html = r.text().await.unwrap();
        assert_eq!(page_json(&html), from_cli, "page vs CLI: {kind}");
        assert!(html.contains("id=\"calc-steps\""));
        assert!(html.contains("js-print"));
    }

    // Bad input: 422 with the field, on the API and on the page.
    let r = client
        .post(format!("{base}/api/v1/calc/severance"))
        .header("x-csrf-token", &csrf)
        .json(&json!({"start": "2015-03-01", "end": "2026-06-30", "monthly-wage": "12000.123", "local-average": 9000}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["code"], "invalid");
    assert_eq!(e["field"], "monthly-wage");
    assert_eq!(e["errors"][0]["code"], "money_too_precise");
    let r = client
        .post(format!("{base}/calc/workday"))
        .form(&[("date", "2027-03-01"), ("_csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("id=\"err-date\""));
    let r = client
        .post(format!("{base}/api/v1/calc/nope"))
        .header("x-csrf-token", &csrf)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);

    // Save from the page; the saved page shows the stored result.
    let r = client
        .post(format!("{base}/calc/excellent-quota"))
        .form(&[
            ("count", "23"),
            ("_save", "1"),
            ("note", "年度考核"),
            ("_csrf", csrf.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert!(r.status().is_redirection(), "{}", r.status());
    let loc = r.headers()["location"].to_str().unwrap().to_string();
    assert!(loc.starts_with("/calc/saved/"), "{loc}");
    let html = client
        .get(format!("{base}{loc}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(
        page_json(&html),
        cli(&["excellent-quota", "--count", "23"]).json()
    );
    assert!(html.contains("年度考核"));
    let list: Value = client
        .get(format!("{base}/api/v1/calc/saved"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["note"], "年度考核");
    let r = client
        .post(format!("{base}/api/v1/calc/saved"))
        .header("x-csrf-token", &csrf)
        .json(&json!({"kind": "retirement", "input": {"birth": "1970-05", "category": "male"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let saved: Value = r.json().await.unwrap();
    assert_eq!(saved["result"]["retirement_month"], "2031-10");
    let r = client
        .get(format!("{base}/api/v1/calc/saved/{}", saved["id"]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["result"], saved["result"]);
    assert_eq!(
        client
            .get(format!("{base}/calc/saved"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );

    // The calendar: load 2027 through the API (text body); the page, the API and the
    // CLI on the same database then agree on 2027.
    let r = client
        .put(format!("{base}/api/v1/calendar/2028"))
        .header("x-csrf-token", &csrf)
        .header("content-type", "text/plain")
        .body("year 2027\n2027-01-01 off\n")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert_eq!(
        r.json::<Value>().await.unwrap()["errors"][0]["code"],
        "calendar_year_mismatch"
    );
    let r = client
        .put(format!("{base}/api/v1/calendar/2027"))
        .header("x-csrf-token", &csrf)
        .header("content-type", "text/plain")
        .body("year 2027\n2027-01-01 off\n2027-02-05..2027-02-11 off\n")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let years: Value = client
        .get(format!("{base}/api/v1/calendar"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        years
            .as_array()
            .unwrap()
            .iter()
            .any(|y| y["year"] == 2027 && y["origin"] == "loaded")
    );
    let from_cli = cli(&["workday", "--date", "2027-02-08"]).json();
    assert_eq!(from_cli["reason"], "holiday");
    let api: Value = client
        .post(format!("{base}/api/v1/calc/workday"))
        .header("x-csrf-token", &csrf)
        .json(&json!({"date": "2027-02-08"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(api["result"], from_cli);
    // The calendar page takes a form upload too.
    let r = client
        .post(format!("{base}/settings/calendar"))
        .form(&[
            ("schedule", "year 2028\n2028-01-01 off\n"),
            ("_csrf", csrf.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert!(r.status().is_redirection(), "{}", r.status());
    let html = client
        .get(format!("{base}/settings/calendar"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("id=\"calendar-2028\""));
    assert!(html.contains("enctype=\"multipart/form-data\""));
    assert_eq!(
        cli(&["workday", "--date", "2028-01-03"]).json()["reason"],
        "weekday"
    );

    // Every calculator page renders, in both languages.
    for k in CalcKind::ALL {
        let r = client
            .get(format!("{base}/calc/{}", k.code()))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{}", k.code());
    }
    assert_eq!(
        client
            .get(format!("{base}/calc"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
}
