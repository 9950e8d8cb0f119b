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

// ---------------------------------------------------------------- hardening (issue 17)

#[cfg(unix)]
fn mode(p: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[test]
fn restore_is_refused_while_a_server_runs() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert_eq!(run_in(d, &["--database", "j.db", "migrate"]).code, 0);
    assert_eq!(
        run_in(d, &["--database", "j.db", "backup", "copy.db"]).code,
        0
    );
    let mut server = std::process::Command::new(BIN)
        .args(["--database", "j.db", "serve", "--bind", "127.0.0.1:0"])
        .current_dir(d)
        .env_remove("JIGUAN_DATABASE_URL")
        .env_remove("JIGUAN_CONFIG")
        .env_remove("JIGUAN_BIND")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(server.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert!(line.contains("is running at"), "{line}");
    let r = run_in(d, &["--database", "j.db", "restore", "copy.db", "--force"]);
    // A second server on the same database is refused as well.
    let second = run_in(d, &["--database", "j.db", "serve", "--bind", "127.0.0.1:0"]);
    server.kill().unwrap();
    server.wait().unwrap();
    assert_eq!(r.code, 1, "restore under a running server: {}", r.stdout);
    assert!(r.stderr.contains("running server"), "{}", r.stderr);
    assert_eq!(second.code, 1, "{}", second.stderr);
    // Once it has stopped, restore goes ahead.
    let r = run_in(d, &["--database", "j.db", "restore", "copy.db", "--force"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[cfg(unix)]
#[test]
fn database_backups_and_exports_are_private_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert_eq!(run_in(d, &["--database", "j.db", "migrate"]).code, 0);
    assert_eq!(mode(&d.join("j.db")), 0o600, "database");
    assert_eq!(
        run_in(d, &["--database", "j.db", "backup", "copy.db"]).code,
        0
    );
    assert_eq!(mode(&d.join("copy.db")), 0o600, "backup");
    // A backup readable by others, restored: the database is private again.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(d.join("copy.db"), std::fs::Permissions::from_mode(0o644)).unwrap();
    let r = run_in(d, &["--database", "j.db", "restore", "copy.db", "--force"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(mode(&d.join("j.db")), 0o600, "restored database");
    // Exports.
    let db = district_db(d);
    let r = run_in(
        d,
        &[
            "--database",
            &db,
            "export",
            "roster",
            "--out",
            "roster.xlsx",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(mode(&d.join("roster.xlsx")), 0o600, "export");
}

#[test]
fn an_audit_checkpoint_catches_a_truncated_chain() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = district_db(d);
    let reset = |pw: &str| {
        let r = run_in(
            d,
            &[
                "--database",
                &db,
                "user",
                "reset-password",
                "li_min",
                "--password",
                pw,
            ],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
    };
    let r = run_in(
        d,
        &[
            "--database",
            &db,
            "user",
            "create",
            "--username",
            "li_min",
            "--name",
            "李敏",
            "--district",
            "testd",
            "--role",
            "district_admin",
            "--password",
            "Initial123",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    reset("Temp12345");
    reset("Temp23456");
    let r = run_in(
        d,
        &["--database", &db, "audit", "checkpoint", "--out", "cp.json"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let cp: Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("cp.json")).unwrap()).unwrap();
    assert_eq!(cp["heads"][0]["district"], "testd");
    let seq = cp["heads"][0]["seq"].as_i64().unwrap();
    assert!(seq >= 3, "{cp}");
    // A checkpoint is never overwritten.
    let r = run_in(
        d,
        &["--database", &db, "audit", "checkpoint", "--out", "cp.json"],
    );
    assert_eq!(r.code, 1);
    let r = run_in(
        d,
        &["--database", &db, "audit", "verify", "--anchor", "cp.json"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);

    // Delete the newest row and rewind the head: the chain alone still verifies…
    rt().block_on(async {
        let db = jiguan_store::Db::connect(&db).await.unwrap();
        db.execute(&format!("DELETE FROM audit_log WHERE seq = {seq}"), &[])
            .await
            .unwrap();
        db.execute(
            &format!(
                "UPDATE audit_heads SET last_seq = {}, last_hash = \
                 (SELECT hash FROM audit_log WHERE seq = {})",
                seq - 1,
                seq - 1
            ),
            &[],
        )
        .await
        .unwrap();
        db.close().await;
    });
    let r = run_in(d, &["--database", &db, "audit", "verify"]);
    assert_eq!(r.code, 0, "truncation alone is invisible: {}", r.stderr);
    // …but not against the checkpoint.
    let r = run_in(
        d,
        &["--database", &db, "audit", "verify", "--anchor", "cp.json"],
    );
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("rows deleted"), "{}", r.stderr);
    // New rows in place of the deleted one do not hide it.
    reset("Temp34567");
    let r = run_in(
        d,
        &["--database", &db, "audit", "verify", "--anchor", "cp.json"],
    );
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("rows replaced"), "{}", r.stderr);

    // Signed checkpoints: an edited one is refused.
    std::fs::write(d.join("k.toml"), "audit_key = \"s3cret-key\"\n").unwrap();
    let signed_audit = |args: &[&str]| {
        let head = ["--config", "k.toml", "--database", db.as_str(), "audit"];
        run_in(d, &[&head[..], args].concat())
    };
    let r = signed_audit(&["checkpoint", "--out", "signed.json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = signed_audit(&["verify", "--anchor", "signed.json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = std::fs::read_to_string(d.join("signed.json")).unwrap();
    assert!(text.contains("\"mac\""));
    let forged = text.replacen("\"created_at\": \"2", "\"created_at\": \"1", 1);
    assert_ne!(forged, text);
    std::fs::write(d.join("forged.json"), forged).unwrap();
    let r = signed_audit(&["verify", "--anchor", "forged.json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("signature"), "{}", r.stderr);
}

/// One time zone setting (issue 12, defect 3): `time_zone` in jiguan.toml (or
/// `JIGUAN_TIME_ZONE`) is read at start-up; a value that is not a zone stops every command
/// with a message naming the setting, and the accepted forms start normally.
#[test]
fn the_time_zone_setting_is_checked_at_start() {
    for (value, ok) in [
        ("Asia/Shanghai", true),
        ("UTC", true),
        ("+05:30", true),
        ("Mars/Olympus", false),
        ("+8", false),
    ] {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("jiguan.toml"),
            format!("time_zone = \"{value}\"\n"),
        )
        .unwrap();
        let r = run_in(dir.path(), &["openapi"]);
        if ok {
            assert_eq!(r.code, 0, "{value}: {}", r.stderr);
        } else {
            assert_eq!(r.code, 1, "{value}");
            assert!(r.stderr.contains("time_zone"), "{value}: {}", r.stderr);
            assert!(r.stderr.contains(value), "{value}: {}", r.stderr);
        }
    }
}
