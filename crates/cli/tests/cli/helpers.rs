//! Shared helpers: the binary run in a temp folder, its JSON answers, and a fresh SQLite
//! database with one district.

use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::Value;

use jiguan_app::ports::TenancyStore;
use jiguan_store::SqlStore;

pub const BIN: &str = env!("CARGO_BIN_EXE_jiguan");

/// What one run of the binary gave.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// The one JSON object on stdout of a successful run.
    pub fn json(&self) -> Value {
        assert_eq!(self.code, 0, "exit code; stderr: {}", self.stderr);
        let line = self.stdout.trim_end();
        assert!(!line.contains('\n'), "one line expected: {line}");
        serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"))
    }

    /// The JSON error on stderr of a run refused for bad input.
    pub fn error(&self) -> Value {
        assert_eq!(self.code, 2, "exit code; stdout: {}", self.stdout);
        assert!(self.stdout.is_empty(), "nothing on stdout: {}", self.stdout);
        let v: Value = serde_json::from_str(self.stderr.trim())
            .unwrap_or_else(|e| panic!("{e}: {}", self.stderr));
        let o = v.as_object().unwrap();
        let mut keys: Vec<&str> = o.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(keys, ["code", "field", "message"]);
        assert!(!v["message"].as_str().unwrap().is_empty());
        v
    }
}

/// The run failed and its stderr names `what`.
pub fn assert_refused(r: &Run, what: &str) {
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains(what), "{}", r.stderr);
}

/// Runs the binary in `dir` with no configuration from the environment.
pub fn run_in(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env_remove("JIGUAN_DATABASE_URL")
        .env_remove("JIGUAN_CONFIG")
        .env_remove("JIGUAN_BIND")
        .env_remove("JIGUAN_LOG")
        .env_remove("JIGUAN_TIME_ZONE")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

/// `jiguan calc …` in an empty folder; checks that no database file appears.
pub fn calc(args: &[&str]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let mut all = vec!["calc"];
    all.extend_from_slice(args);
    let r = run_in(dir.path(), &all);
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert!(left.is_empty(), "calc without a database wrote files");
    r
}

pub fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// A fresh SQLite database with one district `testd`.
pub fn district_db(dir: &Path) -> String {
    let db = dir.join("t.db").to_string_lossy().into_owned();
    rt().block_on(async {
        let store = SqlStore::open(&db).await.unwrap();
        store
            .create_district("testd", "测试区", chrono::Utc::now())
            .await
            .unwrap();
        store.db.close().await;
    });
    db
}

/// `args`, then `--district zhenhai --unit luotuo` (the seed's first unit), then `extra`.
pub fn at_luotuo<'a>(args: &[&'a str], extra: &[&'a str]) -> Vec<&'a str> {
    let mut all = args.to_vec();
    all.extend_from_slice(&["--district", "zhenhai", "--unit", "luotuo"]);
    all.extend_from_slice(extra);
    all
}

/// A SQLite database `name` in `dir`, seeded with the demo (district `zhenhai`).
pub fn demo_db(dir: &Path, name: &str) -> String {
    let db = dir.join(name).to_string_lossy().into_owned();
    rt().block_on(async {
        let store = SqlStore::open(&db).await.unwrap();
        jiguan_testkit::fixtures::demo(store.clone()).await.unwrap();
        store.db.close().await;
    });
    db
}

/// Runs the binary in `dir` with `--database db` before `args`.
pub fn run_db(dir: &Path, db: &str, args: &[&str]) -> Run {
    let mut all = vec!["--database", db];
    all.extend_from_slice(args);
    run_in(dir, &all)
}
