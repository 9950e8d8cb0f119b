//! Platform commands: migrate, user, backup/restore, audit verify, openapi, healthcheck.

use serde_json::Value;

use jiguan_app::ports::TenancyStore;
use jiguan_store::SqlStore;

use crate::helpers::*;

// ---------------------------------------------------------------- platform commands

#[test]
fn migrate_user_backup_restore_and_audit_verify() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // migrate: from empty to the latest version, then nothing to do.
    let r = run_in(d, &["--database", "j.db", "migrate"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let latest = jiguan_store::migrate::latest();
    assert!(
        r.stdout
            .contains(&format!("schema at version {latest} (was 0")),
        "{}",
        r.stdout
    );
    let r = run_in(d, &["--database", "j.db", "migrate"]);
    assert!(r.stdout.contains("applied none"), "{}", r.stdout);

    // user create / list; bad input is refused naming the field.
    rt().block_on(async {
        let store = SqlStore::open(&d.join("j.db").to_string_lossy())
            .await
            .unwrap();
        store
            .create_district("testd", "测试区", chrono::Utc::now())
            .await
            .unwrap();
        store.db.close().await;
    });
    let create_user = |username: &str, name: &str, role: &str, password: &str| {
        run_in(
            d,
            &[
                "--database",
                "j.db",
                "user",
                "create",
                "--username",
                username,
                "--name",
                name,
                "--district",
                "testd",
                "--role",
                role,
                "--password",
                password,
            ],
        )
    };
    let r = create_user("li_min", "李敏", "district_admin", "Initial123");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = create_user("x", "短", "staff", "short");
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("username: username_invalid"),
        "{}",
        r.stderr
    );
    let r = run_in(d, &["--database", "j.db", "user", "list"]);
    assert!(
        r.stdout.contains("li_min\t李敏\t-\tdistrict_admin\tactive"),
        "{}",
        r.stdout
    );
    let r = run_in(
        d,
        &[
            "--database",
            "j.db",
            "user",
            "reset-password",
            "li_min",
            "--password",
            "Temp12345",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);

    // audit verify: intact, exit 0.
    let r = run_in(d, &["--database", "j.db", "audit", "verify"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let report: Value = serde_json::from_str(&r.stdout).unwrap();
    assert!(report["rows_checked"].as_i64().unwrap() >= 3);
    assert!(report["breaks"].as_array().unwrap().is_empty());

    // backup while "running", then restore refuses to overwrite without --force.
    let r = run_in(d, &["--database", "j.db", "backup", "copy.db"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        std::fs::read(d.join("copy.db"))
            .unwrap()
            .starts_with(b"SQLite format 3\0")
    );
    let r = run_in(d, &["--database", "j.db", "backup", "copy.db"]);
    assert_eq!(r.code, 1, "an existing backup is never overwritten");

    // Tamper with one audit row: verify exits 3 and names it.
    rt().block_on(async {
        let db = jiguan_store::Db::connect(&d.join("j.db").to_string_lossy())
            .await
            .unwrap();
        db.execute(
            "UPDATE audit_log SET username = 'mallory' WHERE seq = 2",
            &[],
        )
        .await
        .unwrap();
        db.close().await;
    });
    let r = run_in(d, &["--database", "j.db", "audit", "verify"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr.contains("at seq 2") && r.stderr.contains("Altered"),
        "{}",
        r.stderr
    );

    // Restore the backup over it: the chain is intact again.
    let r = run_in(d, &["--database", "j.db", "restore", "copy.db"]);
    assert_eq!(r.code, 1, "refuses without --force: {}", r.stderr);
    let r = run_in(d, &["--database", "j.db", "restore", "copy.db", "--force"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run_in(d, &["--database", "j.db", "audit", "verify"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    std::fs::write(d.join("junk.db"), b"not a database at all").unwrap();
    let r = run_in(d, &["--database", "j.db", "restore", "junk.db", "--force"]);
    assert!(
        r.code != 0 && r.stderr.contains("not a SQLite database"),
        "{}",
        r.stderr
    );

    // PostgreSQL backups point to pg_dump.
    let r = run_in(
        d,
        &[
            "--database",
            "postgres://nobody@127.0.0.1:1/none",
            "backup",
            "x.dump",
        ],
    );
    assert!(r.code != 0 && r.stderr.contains("pg_dump"), "{}", r.stderr);
}

#[test]
fn openapi_and_healthcheck() {
    let dir = tempfile::tempdir().unwrap();
    let r = run_in(dir.path(), &["openapi"]);
    assert_eq!(r.code, 0);
    let doc: Value = serde_json::from_str(&r.stdout).unwrap();
    assert!(doc["paths"]["/api/v1/units"]["get"].is_object());
    // Nothing listens on port 1: not ready, exit 1.
    let r = run_in(dir.path(), &["healthcheck", "--url", "http://127.0.0.1:1"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
}
