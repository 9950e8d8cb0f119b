//! `jiguan`: the server and the command line of Jiguan (机关).

mod anchor;
mod appraisal;
mod calc;
mod config;
mod downsizing;
mod ops;
mod org;
mod pay;
mod people;
mod people_relations;
mod report;
mod selection;
mod twoway;

use clap::{Parser, Subcommand};

/// mimalloc instead of glibc's malloc: a page's many small allocations across the tokio
/// workers and the database threads (issue 17; docs/PERFORMANCE.md).
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

use crate::config::Config;

#[derive(Parser)]
#[command(
    name = "jiguan",
    version,
    about = "Jiguan (机关): township agency reform management"
)]
struct Cli {
    /// Config file (default: ./jiguan.toml if present; env JIGUAN_CONFIG).
    #[arg(long, global = true)]
    config: Option<String>,
    /// Database: a SQLite file path or a postgres:// URL (env JIGUAN_DATABASE_URL).
    #[arg(long, global = true)]
    database: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web application.
    Serve {
        /// Seed the demo district (镇海区) if the database is empty, and list its accounts.
        #[arg(long)]
        demo: bool,
        /// Address to listen on (env JIGUAN_BIND; default 127.0.0.1:8080).
        #[arg(long)]
        bind: Option<String>,
        /// A reverse proxy whose X-Forwarded-For names the client: an address or CIDR
        /// range (repeatable; adds to `trusted_proxies` of the config).
        #[arg(long = "trusted-proxy")]
        trusted_proxy: Vec<String>,
    },
    /// Apply pending database migrations.
    Migrate,
    /// Manage accounts.
    #[command(subcommand)]
    User(ops::UserCommand),
    /// Write a consistent copy of the (SQLite) database to FILE while it runs.
    Backup { file: String },
    /// Replace the (SQLite) database with FILE; refused while a server has it open.
    Restore {
        file: String,
        /// Overwrite an existing database.
        #[arg(long)]
        force: bool,
    },
    /// The audit trail.
    #[command(subcommand)]
    Audit(ops::AuditCommand),
    /// Policy calculators (政策计算器): one JSON result on stdout; no database needed
    /// (with --district CODE: that district's policy parameters and calendar).
    Calc(calc::CalcArgs),
    /// The working-day calendar: load a year's holiday schedule, list the years.
    #[command(subcommand)]
    Calendar(calc::CalendarCommand),
    /// Import data: `import roster FILE --unit CODE` (花名册, xlsx or csv), `import
    /// relations FILE --unit CODE` (亲属关系).
    #[command(subcommand)]
    Import(people::ImportCommand),
    /// Export Excel tables: `export roster|establishment --out FILE [--unit CODE]`,
    /// `export relations --out FILE --unit CODE`.
    #[command(subcommand)]
    Export(people::ExportCommand),
    /// Organisation design (机构设置): bodies, structure on a date, plans, chart, export, apply.
    #[command(subcommand)]
    Org(org::OrgCommand),
    /// Downsizing plans (分流方案): district summary, plans, plan as JSON, Excel, apply.
    #[command(subcommand)]
    Downsizing(downsizing::DownsizingCommand),
    /// Print the OpenAPI document of the JSON API.
    Openapi,
    /// Check that a running server is ready (exit 0) or not (exit 1).
    Healthcheck {
        /// Base URL of the server.
        #[arg(long, default_value = "http://127.0.0.1:8080")]
        url: String,
    },
    /// Two-way selection of posts (双向择岗): rounds, open, choices, rankings, match, apply.
    #[command(subcommand)]
    Twoway(twoway::TwowayCommand),
    /// Reform results (改革成效): `report [--unit CODE] [--from DATE] [--to DATE] [--xlsx FILE]`
    /// (without --unit: the district; dates default to the reform's start and today).
    Report(report::ReportArgs),
    /// Write synthetic data for load tests: `--scale province` (100 districts × 20 units
    /// × 50 staff) or `--scale stress` (100,000 staff in one unit).
    DemoData(ops::DemoDataArgs),
    /// Performance pay (绩效分配): pools, pay runs, lines, grades from the appraisal, compute.
    #[command(subcommand)]
    Pay(pay::PayCommand),
    /// Competitive selection (竞争上岗): campaigns, exam score import, results.
    #[command(subcommand)]
    Selection(selection::SelectionCommand),
    /// Appraisal (考核): cycles, create, score import, grading within the quota, steps, results.
    #[command(subcommand)]
    Appraisal(appraisal::AppraisalCommand),
}

fn init_logs(format: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("JIGUAN_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let b = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if format == "json" {
        b.json().init();
    } else {
        b.init();
    }
}

fn main() -> std::process::ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // `calc match` / `calc pay-pool` start light: no command tree, configuration, logs or
    // runtime (see `calc::light`).
    if let Some(code) = calc::light(&args) {
        return std::process::ExitCode::from(code);
    }
    let cli = Cli::parse_from(args);
    let code = match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            1
        }
    };
    std::process::ExitCode::from(code)
}

fn run(cli: Cli) -> anyhow::Result<u8> {
    let mut cfg = Config::load(cli.config.as_deref())?;
    cfg.apply_time_zone()?;
    let explicit_database = cli.database.is_some();
    if let Some(db) = cli.database {
        cfg.database = db;
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    match cli.command {
        Command::Openapi => {
            println!("{}", jiguan_web::api::openapi_json());
            Ok(0)
        }
        Command::Healthcheck { url } => rt.block_on(ops::healthcheck(&url)),
        Command::Serve {
            demo,
            bind,
            trusted_proxy,
        } => {
            init_logs(&cfg.log_format);
            if let Some(b) = bind {
                cfg.bind = b;
            }
            cfg.trusted_proxies.extend(trusted_proxy);
            rt.block_on(ops::serve(cfg, demo)).map(|_| 0)
        }
        Command::Migrate => {
            init_logs(&cfg.log_format);
            rt.block_on(ops::migrate(&cfg)).map(|_| 0)
        }
        Command::User(c) => rt.block_on(ops::user(&cfg, c)),
        Command::Backup { file } => rt.block_on(ops::backup(&cfg, &file)).map(|_| 0),
        Command::Restore { file, force } => ops::restore(&cfg, &file, force).map(|_| 0),
        Command::Audit(c) => rt.block_on(ops::audit(&cfg, c)),
        Command::Calc(a) => calc::calc(&cfg, explicit_database, a, &rt),
        Command::Calendar(c) => rt.block_on(calc::calendar(&cfg, c)),
        Command::Import(c) => rt.block_on(people::import(&cfg, c)),
        Command::Export(c) => rt.block_on(people::export(&cfg, c)),
        Command::Org(c) => rt.block_on(org::org(&cfg, c)),
        Command::Downsizing(c) => rt.block_on(downsizing::downsizing(&cfg, c)),
        Command::Twoway(c) => rt.block_on(twoway::twoway(&cfg, c)),
        Command::Report(a) => rt.block_on(report::report(&cfg, a)),
        Command::DemoData(a) => rt.block_on(ops::demo_data(&cfg, a)).map(|_| 0),
        Command::Pay(c) => rt.block_on(pay::pay(&cfg, c)),
        Command::Selection(c) => rt.block_on(selection::selection(&cfg, c)),
        Command::Appraisal(c) => rt.block_on(appraisal::appraisal(&cfg, c)),
    }
}
