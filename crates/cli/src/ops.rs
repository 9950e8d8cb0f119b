//! The subcommands' work.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::Subcommand;
use indicatif::{ProgressBar, ProgressStyle};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use jiguan_app::{App, AppError, SystemClock};
use jiguan_domain::auth::{Actor, Role};
use jiguan_domain::tenancy::UserId;
use jiguan_store::{SqlStore, migrate as mig};
use jiguan_web::{AppState, WebConfig};

use crate::config::Config;

#[derive(Subcommand)]
pub enum UserCommand {
    /// Create an account (it must change its password at first sign-in).
    Create {
        #[arg(long)]
        username: String,
        /// Display name.
        #[arg(long)]
        name: String,
        /// District code, e.g. zhenhai.
        #[arg(long)]
        district: String,
        /// Unit code; omit for a district-level account.
        #[arg(long)]
        unit: Option<String>,
        /// Role code (repeatable): district_admin, unit_admin, body_head, committee_member, staff, auditor.
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
        /// Initial password.
        #[arg(long)]
        password: String,
    },
    /// Set a temporary password (to be changed at next sign-in); ends the user's sessions.
    ResetPassword {
        username: String,
        #[arg(long)]
        password: String,
    },
    /// List accounts.
    List {
        /// District code (default: every district).
        #[arg(long)]
        district: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Check every district's hash chain; name the first row altered or removed. With
    /// `--anchor FILE` (a checkpoint), also fail when a chain is shorter than the
    /// checkpoint or differs from it (newest rows deleted and the head rewound).
    Verify {
        /// A checkpoint written by `jiguan audit checkpoint`.
        #[arg(long)]
        anchor: Option<String>,
    },
    /// Write a checkpoint of every district's chain head (district, seq, head hash, time)
    /// to FILE, to be kept outside the database (see docs/OPERATIONS.md). Signed with an
    /// HMAC when `audit_key` is configured. Refused when a chain is already broken.
    Checkpoint {
        /// Where to write it (`-`: standard output); an existing file is not overwritten.
        #[arg(long)]
        out: String,
    },
}

pub fn bar(len: u64, msg: &'static str) -> ProgressBar {
    let pb = ProgressBar::new(len);
    if let Ok(style) = ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len}") {
        pb.set_style(style.progress_chars("=> "));
    }
    pb.set_message(msg);
    pb
}

/// The file of a SQLite database setting (`None` for PostgreSQL or in-memory).
pub fn sqlite_file(database: &str) -> Option<std::path::PathBuf> {
    if database.starts_with("postgres://") || database.starts_with("postgresql://") {
        return None;
    }
    let p = database
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    let p = p.split('?').next().unwrap_or(p);
    (!p.is_empty() && !p.contains(":memory:")).then(|| std::path::PathBuf::from(p))
}

/// The text of an input file named on the command line (`-`: standard input): the JSON
/// files of `jiguan pay lines`, `jiguan twoway import-prefs|rank`, `jiguan appraisal grade`.
pub(crate) fn read_input(file: &str) -> anyhow::Result<String> {
    if file == "-" {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)?;
        Ok(s)
    } else {
        std::fs::read_to_string(file).with_context(|| format!("cannot read {file}"))
    }
}

/// The bytes of an input file named on the command line (`-`: standard input): the xlsx
/// or csv of `jiguan appraisal import`.
pub(crate) fn read_input_bytes(file: &str) -> anyhow::Result<Vec<u8>> {
    if file == "-" {
        let mut b = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut b)?;
        Ok(b)
    } else {
        std::fs::read(file).with_context(|| format!("cannot read {file}"))
    }
}

/// Creates (or truncates) `path` readable by its owner only (mode 0600) and writes `bytes`:
/// databases, backups and exports hold personal data.
pub fn write_private(path: &str, bytes: &[u8]) -> anyhow::Result<()> {
    use std::io::Write;
    let mut f = private_file(path, true)?;
    f.write_all(bytes)
        .with_context(|| format!("write {path}"))?;
    Ok(())
}

/// Opens `path` for writing with mode 0600 (tightening an existing file's mode too).
fn private_file(path: &str, truncate: bool) -> anyhow::Result<std::fs::File> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create(true).truncate(truncate);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    let f = o.open(path).with_context(|| format!("create {path}"))?;
    make_private(path)?;
    Ok(f)
}

/// Sets mode 0600 on a file we wrote.
fn make_private(path: impl AsRef<std::path::Path>) -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let p = path.as_ref();
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o600))
            .with_context(|| format!("chmod 600 {}", p.display()))?;
    }
    Ok(())
}

/// A new SQLite database file is created mode 0600 before SQLite opens it (SQLite gives
/// its -wal and -shm files the database file's mode).
fn create_private_db(database: &str) -> anyhow::Result<()> {
    if let Some(p) = sqlite_file(database)
        && !p.exists()
    {
        private_file(&p.to_string_lossy(), false)?;
    }
    Ok(())
}

/// The lock file of a SQLite database, held by `serve` while it runs.
fn lock_path(db: &std::path::Path) -> std::path::PathBuf {
    let mut s = db.as_os_str().to_owned();
    s.push(".lock");
    std::path::PathBuf::from(s)
}

/// Takes the lock file next to a SQLite database (`jiguan.db.lock`), held while the
/// returned file is open: by `serve` for its whole run, by `restore` while it copies.
/// Fails when another process holds it.
fn lock_db(database: &str, what: &str) -> anyhow::Result<Option<std::fs::File>> {
    let Some(db) = sqlite_file(database) else {
        return Ok(None);
    };
    let lock = lock_path(&db);
    let f = private_file(&lock.to_string_lossy(), false)?;
    #[cfg(unix)]
    {
        use rustix::fs::{FlockOperation, flock};
        match flock(&f, FlockOperation::NonBlockingLockExclusive) {
            Ok(()) => {}
            Err(e) if e == rustix::io::Errno::WOULDBLOCK => bail!(
                "{} is open by a running server (lock {} is held); stop the server before {what}",
                db.display(),
                lock.display()
            ),
            Err(e) => {
                return Err(anyhow::anyhow!(std::io::Error::from(e))
                    .context(format!("lock {}", lock.display())));
            }
        }
    }
    Ok(Some(f))
}

pub async fn open_app(cfg: &Config) -> anyhow::Result<App> {
    create_private_db(&cfg.database)?;
    let store = SqlStore::open(&cfg.database)
        .await
        .map_err(|e| anyhow::anyhow!("database {}: {e}", cfg.database))?;
    Ok(App::new(
        Arc::new(store),
        cfg.app_config(),
        Arc::new(SystemClock),
    ))
}

fn app_err(e: AppError) -> anyhow::Error {
    match e {
        AppError::Invalid(list) => {
            let s: Vec<String> = list
                .iter()
                .map(|f| format!("{}: {}", f.field, f.code))
                .collect();
            anyhow::anyhow!("invalid input: {}", s.join(", "))
        }
        other => anyhow::anyhow!("{other}"),
    }
}

/// An application error for the operator: each invalid field with its code and values.
pub(crate) fn app_err_detail(e: AppError) -> anyhow::Error {
    match e {
        AppError::Invalid(list) => {
            let s: Vec<String> = list
                .iter()
                .map(|f| {
                    let args: Vec<String> =
                        f.args.iter().map(|(k, v)| format!("{k}={v}")).collect();
                    format!("{}: {} {}", f.field, f.code, args.join(" "))
                })
                .collect();
            anyhow::anyhow!("invalid: {}", s.join("; "))
        }
        other => anyhow::anyhow!("{other}"),
    }
}

/// A read-only district-level actor for the command line (the operator has the database).
pub(crate) async fn district_reader(app: &App, district: &str) -> anyhow::Result<Actor> {
    let d = app
        .store
        .find_district(district)
        .await?
        .with_context(|| format!("no district {district}"))?;
    Ok(Actor {
        user_id: UserId(0),
        username: "system".into(),
        display_name: "cli".into(),
        district_id: d.id,
        unit_id: None,
        roles: vec![Role::Auditor],
    })
}

/// `--district CODE --unit CODE`: a unit, as the district's read-only actor sees it.
#[derive(clap::Args)]
pub struct UnitArgs {
    #[arg(long)]
    pub district: String,
    #[arg(long)]
    pub unit: String,
}

impl UnitArgs {
    /// The read-only district-level actor and the named unit.
    pub(crate) async fn read(&self, app: &App) -> anyhow::Result<(Actor, jiguan_app::ports::Unit)> {
        let a = district_reader(app, &self.district).await?;
        let u = app
            .store
            .find_unit(a.district_id, &self.unit)
            .await?
            .with_context(|| format!("no unit {} in {}", self.unit, self.district))?;
        Ok((a, u))
    }
}

/// Writes a file the command made and says so.
pub(crate) fn write_out(out: &str, bytes: impl AsRef<[u8]>) -> anyhow::Result<()> {
    write_private(out, bytes.as_ref())?;
    println!("wrote {out}");
    Ok(())
}

/// The active account named with `--as`, acting on the command line (audited under it).
pub(crate) async fn acting_user(app: &App, user: &str) -> anyhow::Result<Actor> {
    let rec = app
        .store
        .find_user_by_name(user)
        .await?
        .with_context(|| format!("no user {user}"))?;
    if !rec.active {
        bail!("user {user} is inactive");
    }
    Ok(jiguan_app::auth::actor_of(&rec))
}

pub async fn serve(cfg: Config, demo: bool) -> anyhow::Result<()> {
    let trusted_proxies = cfg.proxies()?;
    // Held until the server stops: `restore` refuses while it is.
    let _lock = lock_db(&cfg.database, "starting another server")?;
    let app = open_app(&cfg).await?;
    if demo && !jiguan_app::demo::has_data(&app).await.map_err(app_err)? {
        let pb = bar(1, "seeding demo");
        jiguan_app::demo::seed(&app, |done, total| {
            pb.set_length(total);
            pb.set_position(done);
        })
        .await
        .map_err(app_err)?;
        pb.finish_and_clear();
    }
    let state = AppState {
        app: app.clone(),
        web: WebConfig {
            secure_cookies: cfg.secure_cookies,
            demo,
            trusted_proxies,
            ..WebConfig::default()
        },
        jobs: Default::default(),
    };
    let router = jiguan_web::router(state);
    let listener = tokio::net::TcpListener::bind(&cfg.bind)
        .await
        .with_context(|| format!("bind {}", cfg.bind))?;
    let addr = listener.local_addr()?;
    println!(
        "Jiguan 机关 is running at http://{addr}/  (database: {}, {})",
        cfg.database,
        app.store.backend()
    );
    if demo {
        println!(
            "Demo accounts (password: {}):",
            jiguan_app::demo::DEMO_PASSWORD
        );
        for (u, name, unit, role) in jiguan_app::demo::ACCOUNTS {
            let unit = if unit.is_empty() { "镇海区" } else { unit };
            println!("  {u:<18} {:<17} {unit:<12} {name}", role.code());
        }
    }
    tracing::info!(%addr, "listening");
    // Expired sessions are purged every ten minutes.
    let purge = app.clone();
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_secs(600)).await;
            let now = chrono::Utc::now();
            let idle = now - chrono::Duration::minutes(purge.config.session_idle_minutes);
            let max = now - chrono::Duration::hours(purge.config.session_max_hours);
            if let Err(e) = purge.store.purge_sessions(idle, max).await {
                tracing::warn!(error = %e, "session purge failed");
            }
        }
    });
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown())
    .await?;
    tracing::info!("stopped");
    Ok(())
}

/// Ctrl-C or SIGTERM: stop accepting, finish requests in flight.
async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}

pub async fn migrate(cfg: &Config) -> anyhow::Result<()> {
    create_private_db(&cfg.database)?;
    let store = SqlStore::connect(&cfg.database)
        .await
        .map_err(|e| anyhow::anyhow!("database {}: {e}", cfg.database))?;
    let before = mig::current_version(&store.db)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let pending = mig::MIGRATIONS
        .iter()
        .filter(|m| m.version > before)
        .count() as u64;
    let pb = bar(pending, "migrating");
    let applied = mig::migrate(&store.db)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    pb.finish_and_clear();
    println!(
        "schema at version {} (was {before}; applied {})",
        mig::latest(),
        if applied.is_empty() {
            "none".to_string()
        } else {
            format!("{applied:?}")
        }
    );
    Ok(())
}

pub async fn user(cfg: &Config, c: UserCommand) -> anyhow::Result<u8> {
    let app = open_app(cfg).await?;
    match c {
        UserCommand::Create {
            username,
            name,
            district,
            unit,
            roles,
            password,
        } => {
            let d = app
                .store
                .find_district(&district)
                .await?
                .with_context(|| format!("no district {district}"))?;
            let unit_id = match unit {
                Some(code) => Some(
                    app.store
                        .find_unit(d.id, &code)
                        .await?
                        .with_context(|| format!("no unit {code} in {district}"))?
                        .id,
                ),
                None => None,
            };
            let mut rs = Vec::new();
            for r in &roles {
                rs.push(Role::from_code(r).with_context(|| format!("unknown role {r}"))?);
            }
            let id = app
                .system_create_user(d.id, unit_id, &username, &name, &rs, &password, true)
                .await
                .map_err(app_err)?;
            println!("created user {username} (id {id})");
        }
        UserCommand::ResetPassword { username, password } => {
            app.system_reset_password(&username, &password)
                .await
                .map_err(app_err)?;
            println!("password of {username} reset; it must be changed at next sign-in");
        }
        UserCommand::List { district } => {
            let districts = app.store.list_districts().await?;
            for d in districts
                .iter()
                .filter(|d| district.as_ref().is_none_or(|c| *c == d.code))
            {
                let q = jiguan_app::ports::ListQuery {
                    per_page: Some(200),
                    ..Default::default()
                };
                let mut page = 1;
                loop {
                    let q = jiguan_app::ports::ListQuery {
                        page: Some(page),
                        ..q.clone()
                    };
                    let p = app.store.list_users(d.id, &Default::default(), &q).await?;
                    for u in &p.items {
                        let roles: Vec<&str> = u.roles.iter().map(|r| r.code()).collect();
                        println!(
                            "{}\t{}\t{}\t{}\t{}\t{}",
                            d.code,
                            u.username,
                            u.display_name,
                            u.unit_name.as_deref().unwrap_or("-"),
                            roles.join(","),
                            if u.active { "active" } else { "inactive" }
                        );
                    }
                    if page >= p.pages() {
                        break;
                    }
                    page += 1;
                }
            }
        }
    }
    Ok(0)
}

pub async fn backup(cfg: &Config, file: &str) -> anyhow::Result<()> {
    if cfg.database.starts_with("postgres") {
        bail!(
            "backup of PostgreSQL: use pg_dump, e.g. `pg_dump --format=custom --file={file} \"$JIGUAN_DATABASE_URL\"` (see docs/OPERATIONS.md)"
        );
    }
    if std::path::Path::new(file).exists() {
        bail!("{file} exists; choose a new file name");
    }
    let store = SqlStore::connect(&cfg.database)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let pb = ProgressBar::new_spinner();
    pb.set_message(format!("backing up {} to {file}", cfg.database));
    pb.enable_steady_tick(Duration::from_millis(120));
    // VACUUM INTO accepts an empty file: create it owner-only first.
    private_file(file, false)?;
    if let Err(e) = jiguan_store::backup_sqlite(&store.db, file).await {
        let _ = std::fs::remove_file(file);
        bail!("{e}");
    }
    pb.finish_and_clear();
    println!("backup written to {file}");
    Ok(())
}

pub fn restore(cfg: &Config, file: &str, force: bool) -> anyhow::Result<()> {
    if cfg.database.starts_with("postgres") {
        bail!(
            "restore of PostgreSQL: use pg_restore, e.g. `pg_restore --clean --dbname=\"$JIGUAN_DATABASE_URL\" {file}` (see docs/OPERATIONS.md)"
        );
    }
    let mut head = [0u8; 16];
    let mut f = std::fs::File::open(file).with_context(|| format!("open {file}"))?;
    std::io::Read::read_exact(&mut f, &mut head).context("read backup")?;
    if &head != b"SQLite format 3\0" {
        bail!("{file} is not a SQLite database");
    }
    let target = cfg
        .database
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    // Refused while a server has the database open; held while copying so that none
    // starts meanwhile.
    let _lock = lock_db(&cfg.database, "restoring")?;
    if std::path::Path::new(target).exists() && !force {
        bail!("{target} exists; stop the server and add --force to replace it");
    }
    for ext in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{target}{ext}"));
    }
    std::fs::copy(file, target).with_context(|| format!("copy to {target}"))?;
    make_private(target)?;
    println!("restored {target} from {file}; start the server to migrate it if needed");
    Ok(())
}

pub async fn audit(cfg: &Config, c: AuditCommand) -> anyhow::Result<u8> {
    match c {
        AuditCommand::Checkpoint { out } => checkpoint(cfg, &out).await,
        AuditCommand::Verify { anchor } => {
            let anchor = match anchor {
                Some(f) => Some(crate::anchor::read(cfg, &f)?),
                None => None,
            };
            let app = open_app(cfg).await?;
            let total = app.store.audit_count().await?;
            let pb = bar(u64::try_from(total).unwrap_or(0), "verifying");
            let report = app
                .verify_audit(|n| pb.set_position(u64::try_from(n).unwrap_or(0)))
                .await
                .map_err(app_err)?;
            pb.finish_and_clear();
            println!("{}", serde_json::to_string_pretty(&report)?);
            if let Some(a) = &anchor {
                let problems = crate::anchor::check(&app, a).await?;
                for p in &problems {
                    eprintln!(
                        "audit chain does NOT match the checkpoint of {}: {p}",
                        a.created_at
                    );
                }
                if !problems.is_empty() {
                    return Ok(3);
                }
                eprintln!(
                    "audit chain matches the checkpoint of {} ({} districts)",
                    a.created_at,
                    a.heads.len()
                );
            }
            if report.breaks.is_empty() {
                eprintln!(
                    "audit chain intact: {} rows in {} districts",
                    report.rows_checked, report.districts
                );
                Ok(0)
            } else {
                for b in &report.breaks {
                    eprintln!(
                        "audit chain BROKEN in district {} at seq {}{}: {:?}",
                        b.district_id,
                        b.seq,
                        b.id.map(|i| format!(" (row id {i})")).unwrap_or_default(),
                        b.reason
                    );
                }
                Ok(3)
            }
        }
    }
}

/// `audit checkpoint`: verifies the chains, then writes their heads to `out`.
async fn checkpoint(cfg: &Config, out: &str) -> anyhow::Result<u8> {
    if out != "-" && std::path::Path::new(out).exists() {
        bail!("{out} exists; choose a new file name (keep every checkpoint)");
    }
    let app = open_app(cfg).await?;
    let report = app.verify_audit(|_| {}).await.map_err(app_err)?;
    if !report.breaks.is_empty() {
        eprintln!("audit chain is broken; run `jiguan audit verify` (no checkpoint written)");
        return Ok(3);
    }
    let cp = crate::anchor::make(cfg, &app).await?;
    let text = serde_json::to_string_pretty(&cp)? + "\n";
    if out == "-" {
        print!("{text}");
    } else {
        write_private(out, text.as_bytes())?;
        eprintln!(
            "checkpoint of {} districts written to {out}{}",
            cp.heads.len(),
            if cp.mac.is_some() { " (signed)" } else { "" }
        );
    }
    Ok(0)
}

/// GET /readyz over plain HTTP/1.1.
pub async fn healthcheck(url: &str) -> anyhow::Result<u8> {
    let rest = url
        .strip_prefix("http://")
        .context("only http:// URLs are supported")?;
    let host = rest.split('/').next().unwrap_or(rest);
    let fut = async {
        let mut s = tokio::net::TcpStream::connect(host).await?;
        s.write_all(
            format!("GET /readyz HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").as_bytes(),
        )
        .await?;
        let mut buf = Vec::new();
        s.read_to_end(&mut buf).await?;
        Ok::<_, std::io::Error>(buf)
    };
    match tokio::time::timeout(Duration::from_secs(5), fut).await {
        Ok(Ok(buf)) => {
            let text = String::from_utf8_lossy(&buf);
            if text.starts_with("HTTP/1.1 200") {
                println!("ready");
                Ok(0)
            } else {
                println!("not ready: {}", text.lines().next().unwrap_or(""));
                Ok(1)
            }
        }
        Ok(Err(e)) => {
            println!("not reachable: {e}");
            Ok(1)
        }
        Err(_) => {
            println!("timed out");
            Ok(1)
        }
    }
}

/// How much synthetic data `jiguan demo-data` writes.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum ScaleName {
    /// 100 districts × 20 units × 50 staff (100,000 people).
    Province,
    /// 100,000 staff in one unit of one district.
    Stress,
}

#[derive(clap::Args)]
pub struct DemoDataArgs {
    /// The preset.
    #[arg(long, value_enum)]
    scale: ScaleName,
    /// District codes start with this (`p001`, `p002`, …; accounts `p001_admin`).
    #[arg(long, default_value = "p")]
    prefix: String,
    /// Override the preset's number of districts.
    #[arg(long)]
    districts: Option<u32>,
    /// Override the preset's units per district.
    #[arg(long)]
    units: Option<u32>,
    /// Override the preset's staff per unit.
    #[arg(long)]
    staff: Option<u32>,
    /// Also the performance pay of this year: every unit's pool set, run filled from its
    /// roster and computed (the data of the district pay report; issue 15).
    #[arg(long)]
    pay_year: Option<i32>,
}

/// `jiguan demo-data`: synthetic districts for benchmarks and load tests (issue 17). Every
/// district gets an account `<code>_admin` with the demo password.
pub async fn demo_data(cfg: &Config, a: DemoDataArgs) -> anyhow::Result<()> {
    use jiguan_store::scale::Scale;
    let base = match a.scale {
        ScaleName::Province => Scale::PROVINCE,
        ScaleName::Stress => Scale::STRESS,
    };
    let scale = Scale {
        districts: a.districts.unwrap_or(base.districts),
        units: a.units.unwrap_or(base.units),
        staff: a.staff.unwrap_or(base.staff),
    };
    let app = open_app(cfg).await?;
    let hash = app.hash_password(jiguan_app::demo::DEMO_PASSWORD).await?;
    let store = SqlStore::open(&cfg.database)
        .await
        .map_err(|e| anyhow::anyhow!("database {}: {e}", cfg.database))?;
    let started = std::time::Instant::now();
    let pb = bar(scale.people(), "staff");
    let counts = store
        .write_scale(scale, &a.prefix, &hash, chrono::Utc::now(), |n, _| {
            pb.set_position(n)
        })
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    pb.finish_and_clear();
    println!(
        "{} districts, {} units, {} staff in {:.1} s; accounts {}001_admin … (password {})",
        counts.districts,
        counts.units,
        counts.people,
        started.elapsed().as_secs_f64(),
        a.prefix,
        jiguan_app::demo::DEMO_PASSWORD
    );
    if let Some(year) = a.pay_year {
        let started = std::time::Instant::now();
        let pb = bar(u64::from(scale.districts * scale.units), "pay runs");
        let mut runs = 0;
        for di in 1..=scale.districts {
            let code = format!("{}{di:03}", a.prefix);
            let d = app
                .store
                .find_district(&code)
                .await?
                .with_context(|| format!("no district {code}"))?;
            let base = u64::from((di - 1) * scale.units);
            runs += jiguan_app::pay::demo::seed_scale(&app, d.id, scale.units, year, |u| {
                pb.set_position(base + u64::from(u))
            })
            .await
            .map_err(app_err)?;
        }
        pb.finish_and_clear();
        println!(
            "{runs} pay runs of {year} computed in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}
