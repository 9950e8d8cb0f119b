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
