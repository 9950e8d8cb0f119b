//! `jiguan calc …` (政策计算器) and `jiguan calendar …` (working-day calendar).
//!
//! The contract (docs/modules/rules.md): each calculator prints ONE JSON object — the
//! result — on stdout and exits 0; bad input exits 2 with `{"code","message","field"}` on
//! stderr. Without `--district` no database is opened and the national defaults and the
//! built-in calendar apply; with `--district CODE` (and `--database URL` or
//! `JIGUAN_DATABASE_URL`) that district's policy parameters and loaded calendar years apply.

use std::collections::BTreeMap;
use std::io::Read;

use anyhow::Context;
use clap::{Args, Subcommand};

use jiguan_app::calc::{Calculation, CalendarYear, china_today, compute, prepare_input};
use jiguan_app::{App, AppError};
use jiguan_domain::FieldError;
use jiguan_domain::rules::calc::CalcKind;
use jiguan_domain::rules::{Calendar, Params};
use jiguan_web::i18n::{Lang, Tr};

use crate::config::Config;
use crate::ops::open_app;

#[derive(Args)]
pub struct CalcArgs {
    /// District code: use its policy parameters and loaded calendar years (needs the
    /// database: --database or JIGUAN_DATABASE_URL). Without it: national defaults.
    #[arg(long, global = true)]
    district: Option<String>,
    /// Unit code in that district (unit-level parameters such as the excellent rate).
    #[arg(long, global = true)]
    unit: Option<String>,
    #[command(subcommand)]
    kind: CalcCommand,
}

/// One calculator. Every value is checked by the calculator itself, so that a missing or
/// bad value is reported in the JSON error shape.
#[derive(Subcommand)]
pub enum CalcCommand {
    /// Statutory retirement age (2024 reform): --birth YYYY-MM --category male|female-cadre|female-worker.
    Retirement {
        #[arg(long, allow_hyphen_values = true)]
        birth: Option<String>,
        #[arg(long, allow_hyphen_values = true)]
        category: Option<String>,
    },
    /// Voluntary early retirement (公务员法 art. 93).
    EarlyRetirement {
        #[arg(long, allow_hyphen_values = true)]
        birth: Option<String>,
        #[arg(long, allow_hyphen_values = true)]
        category: Option<String>,
        /// YYYY-MM.
        #[arg(long, allow_hyphen_values = true)]
        work_start: Option<String>,
        /// YYYY-MM-DD: the day the conditions are checked.
        #[arg(long, allow_hyphen_values = true)]
        on: Option<String>,
        /// civil-servant (default) or institution.
        #[arg(long, allow_hyphen_values = true)]
        staff: Option<String>,
    },
    /// Severance (劳动合同法 arts. 47, 87, 97): service from --start through --end.
    Severance {
        #[arg(long, allow_hyphen_values = true)]
        start: Option<String>,
        #[arg(long, allow_hyphen_values = true)]
        end: Option<String>,
        /// Yuan, at most 2 decimals.
        #[arg(long, allow_hyphen_values = true)]
        monthly_wage: Option<String>,
        /// The local average monthly wage of the previous year, yuan.
        #[arg(long, allow_hyphen_values = true)]
        local_average: Option<String>,
        /// Unlawful termination (art. 87: twice the amount).
        #[arg(long)]
        unlawful: bool,
        /// The local minimum wage, yuan.
        #[arg(long, allow_hyphen_values = true)]
        minimum_wage: Option<String>,
    },
    /// The first N working days counting from --from inclusive.
    Workdays {
        #[arg(long, allow_hyphen_values = true)]
        from: Option<String>,
        /// Default: the publicity period (selection.publicity_workdays).
        #[arg(long, allow_hyphen_values = true)]
        count: Option<String>,
    },
    /// Whether --date is a working day, and why.
    Workday {
        #[arg(long, allow_hyphen_values = true)]
        date: Option<String>,
    },
    /// Checks a resident ID number (GB 11643); exit 0 whether valid or not.
    Id {
        #[arg(allow_hyphen_values = true)]
        number: Option<String>,
        /// YYYY-MM-DD; default today (a birth date after it is invalid).
        #[arg(long, allow_hyphen_values = true)]
        today: Option<String>,
    },
    /// Interview score from the judges' scores (--scores 85,90.5,88).
    Interview {
        #[arg(long, allow_hyphen_values = true)]
        scores: Option<String>,
    },
    /// Committee decision: quorum and approval.
    Committee {
        #[arg(long, allow_hyphen_values = true)]
        members: Option<String>,
        #[arg(long, allow_hyphen_values = true)]
        present: Option<String>,
        #[arg(long, allow_hyphen_values = true)]
        yes: Option<String>,
        #[arg(long, allow_hyphen_values = true)]
        no: Option<String>,
        #[arg(long, allow_hyphen_values = true)]
        defer: Option<String>,
    },
    /// The most 优秀 grades allowed among --count people.
    ExcellentQuota {
        #[arg(long, allow_hyphen_values = true)]
        count: Option<String>,
        /// Percent; default the parameter appraisal.excellent_rate_pct.
        #[arg(long, allow_hyphen_values = true)]
        rate: Option<String>,
    },
    /// A pool shared by weights to the fen (--weights id=w,id=w,…).
    Allocate {
        #[arg(long, allow_hyphen_values = true)]
        pool: Option<String>,
        #[arg(long, allow_hyphen_values = true)]
        weights: Option<String>,
    },
    /// Two-way selection (双向择岗): the staff-optimal stable matching of FILE (JSON, "-":
    /// stdin) `{"staff":[{"id","prefs":[post…]}],"posts":[{"id","seats","ranking":[staff…]}]}`.
    /// Prints `{"matches":[{"staff","post","choice"}],"unplaced":[…],"vacancies":{post:n},…}`.
    Match {
        #[arg(allow_hyphen_values = true)]
        file: Option<String>,
        /// deferred-acceptance (default: stable, staff-optimal) or rounds (志愿 rounds).
        #[arg(long, allow_hyphen_values = true)]
        mechanism: Option<String>,
    },
    /// Performance-pay pool (绩效奖金) split to the fen: FILE (JSON, "-": stdin)
    /// `{"pool":"50000.00","grade_coef":{grade:coef},"people":[{"id","grade","post_coef","months"}]}`.
    /// Prints `{"shares":[{"id","amount",…}],"total":…}`.
    PayPool {
        #[arg(allow_hyphen_values = true)]
        file: Option<String>,
    },
}

impl CalcCommand {
    /// The calculator and its inputs by field name; `Err` for the calculators that read a
    /// JSON file (`match`, `pay-pool`), which [`json_calc`] runs.
    pub fn input(self) -> Result<(CalcKind, BTreeMap<String, String>), CalcCommand> {
        use CalcCommand as C;
        let flag = |b: bool| b.then(|| "true".to_string());
        let (kind, pairs): (CalcKind, Vec<(&str, Option<String>)>) = match self {
            C::Retirement { birth, category } => (
                CalcKind::Retirement,
                vec![("birth", birth), ("category", category)],
            ),
            C::EarlyRetirement {
                birth,
                category,
                work_start,
                on,
                staff,
            } => (
                CalcKind::EarlyRetirement,
                vec![
                    ("birth", birth),
                    ("category", category),
                    ("work-start", work_start),
                    ("on", on),
                    ("staff", staff),
                ],
            ),
            C::Severance {
                start,
                end,
                monthly_wage,
                local_average,
                unlawful,
                minimum_wage,
            } => (
                CalcKind::Severance,
                vec![
                    ("start", start),
                    ("end", end),
                    ("monthly-wage", monthly_wage),
                    ("local-average", local_average),
                    ("unlawful", flag(unlawful)),
                    ("minimum-wage", minimum_wage),
                ],
            ),
            C::Workdays { from, count } => {
                (CalcKind::Workdays, vec![("from", from), ("count", count)])
            }
            C::Workday { date } => (CalcKind::Workday, vec![("date", date)]),
            C::Id { number, today } => (CalcKind::Id, vec![("number", number), ("today", today)]),
            C::Interview { scores } => (CalcKind::Interview, vec![("scores", scores)]),
            C::Committee {
                members,
                present,
                yes,
                no,
                defer,
            } => (
                CalcKind::Committee,
                vec![
                    ("members", members),
                    ("present", present),
                    ("yes", yes),
                    ("no", no),
                    ("defer", defer),
                ],
            ),
            C::ExcellentQuota { count, rate } => (
                CalcKind::ExcellentQuota,
                vec![("count", count), ("rate", rate)],
            ),
            C::Allocate { pool, weights } => (
                CalcKind::Allocate,
                vec![("pool", pool), ("weights", weights)],
            ),
            json @ (C::Match { .. } | C::PayPool { .. }) => return Err(json),
        };
        let input = pairs
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| (k.to_string(), v)))
            .collect();
        Ok((kind, input))
    }
}

/// The error object of the contract, with an English message.
pub fn error_json(e: &FieldError) -> serde_json::Value {
    serde_json::json!({
        "code": e.code,
        "message": Tr::new(Lang::En).error(e),
        "field": e.field,
    })
}

/// Reports bad input: the first field error as JSON on stderr, exit code 2.
fn bad_input(e: &FieldError) -> u8 {
    eprintln!("{}", error_json(e));
    2
}

/// Bad input is exit 2 with the JSON error; anything else is a failure (exit 1).
fn outcome<T>(r: Result<T, AppError>) -> anyhow::Result<Result<T, u8>> {
    match r {
        Ok(v) => Ok(Ok(v)),
        Err(AppError::Invalid(list)) => match list.first() {
            Some(e) => Ok(Err(bad_input(e))),
            None => Ok(Err(2)),
        },
        Err(e) => Err(anyhow::anyhow!("{e}")),
    }
}

/// A SQLite database that does not exist is reported, not created.
fn database_exists(url: &str) -> bool {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return true;
    }
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    let path = path.split('?').next().unwrap_or(path);
    std::path::Path::new(path).exists()
}

async fn district_calc(
    cfg: &Config,
    district: &str,
    unit: Option<&str>,
    kind: CalcKind,
    input: &BTreeMap<String, String>,
) -> anyhow::Result<Result<Calculation, u8>> {
    if !database_exists(&cfg.database) {
        return Ok(Err(bad_input(&FieldError::new("database", "not_found"))));
    }
    let app = open_app(cfg).await?;
    let (d, u) = match scope(&app, district, unit).await? {
        Ok(x) => x,
        Err(code) => return Ok(Err(code)),
    };
    outcome(app.system_calculate(d, u, kind, input).await)
}

type Scope = (
    jiguan_domain::tenancy::DistrictId,
    Option<jiguan_domain::tenancy::UnitId>,
);

async fn scope(app: &App, district: &str, unit: Option<&str>) -> anyhow::Result<Result<Scope, u8>> {
    let Some(d) = app.store.find_district(district).await? else {
        return Ok(Err(bad_input(&FieldError::new("district", "not_found"))));
    };
    let u = match unit {
        Some(code) => match app.store.find_unit(d.id, code).await? {
            Some(u) => Some(u.id),
            None => return Ok(Err(bad_input(&FieldError::new("unit", "not_found")))),
        },
        None => None,
    };
    Ok(Ok((d.id, u)))
}

/// `jiguan calc …`. `explicit_database` tells whether `--database` was given.
/// Reads a calculator's JSON input from a file or standard input ("-"); a file that is
/// missing or JSON of the wrong shape is a field error naming where.
fn read_json<T: serde::de::DeserializeOwned>(file: Option<&str>) -> Result<T, FieldError> {
    parse_json(&read_text(file)?)
}

/// The calculator's input file (`-`: standard input).
fn read_text(file: Option<&str>) -> Result<String, FieldError> {
    let Some(file) = file.filter(|f| !f.trim().is_empty()) else {
        return Err(FieldError::new("file", "required"));
    };
    let mut text = String::new();
    let read = if file == "-" {
        std::io::stdin().read_to_string(&mut text).map(|_| ())
    } else {
        std::fs::read_to_string(file).map(|t| text = t)
    };
    read.map_err(|e| FieldError::new("file", "file_unreadable").with("detail", e))?;
    Ok(text)
}

/// Parses `text`; what it borrows (ids without escapes) points into `text`.
fn parse_json<'a, T: serde::Deserialize<'a>>(text: &'a str) -> Result<T, FieldError> {
    // The fast path: a plain parse. Only a file that does not fit is parsed again, tracking
    // the path, to name the field at fault (tracking it on every value costs time).
    if let Ok(v) = serde_json::from_str(text) {
        return Ok(v);
    }
    let de = &mut serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let field = if path.is_empty() || path == "." {
            "file".to_string()
        } else {
            path
        };
        FieldError::new(field, "invalid_json_field").with("detail", e.inner())
    })
}

/// `calc match` and `calc pay-pool`: JSON in, one JSON object out (the same functions the
/// pages and the API use).
fn json_calc(kind: &CalcCommand) -> Result<String, FieldError> {
    use jiguan_domain::rules::{matching, pay_pool};
    match kind {
        CalcCommand::Match { file, mechanism } => (|| {
            let mech = match mechanism.as_deref().map(str::trim) {
                None | Some("deferred-acceptance" | "deferred_acceptance") => {
                    matching::Mechanism::DeferredAcceptance
                }
                Some("rounds") => matching::Mechanism::Rounds,
                Some(_) => return Err(FieldError::new("mechanism", "choice_invalid")),
            };
            let text = read_text(file.as_deref())?;
            // The plain valid case of the default mechanism: read straight into flat arrays
            // and solved there (`matching::fast`, the same result to the byte). Anything
            // else — bad input included — goes the general way below, which names the field.
            if mech == matching::Mechanism::DeferredAcceptance
                && let Some(out) = matching::fast::deferred_acceptance_json(&text)
            {
                std::mem::forget(text);
                return Ok(out);
            }
            // The ids borrowed from the text: no allocation per id (60,000 on 5,000 staff).
            let input: matching::MatchInput<matching::Id> = parse_json(&text)?;
            let inst = input.parse()?;
            // The calculator runs once in a process that ends after printing: the input's
            // tens of thousands of small strings and the instance are left to the exit
            // instead of being freed one by one (about a tenth of a 5,000-staff run).
            std::mem::forget(input);
            // Written straight to text (no JSON tree of 100,000 objects in between).
            let out = serde_json::to_string(&matching::solve(&inst, mech));
            std::mem::forget(inst);
            out.map_err(|_| FieldError::new("file", "too_large"))
        })(),
        CalcCommand::PayPool { file } => (|| {
            let input: pay_pool::PayPoolInput = read_json(file.as_deref())?;
            serde_json::to_string(&pay_pool::split(&input)?)
                .map_err(|_| FieldError::new("file", "too_large"))
        })(),
        _ => Err(FieldError::new("calculator", "choice_invalid")),
    }
}

/// Prints a JSON calculator's result, or its error with the field as a path into the file.
fn print_json_calc(r: Result<String, FieldError>) -> u8 {
    match r {
        Ok(v) => {
            println!("{v}");
            0
        }
        Err(e) => {
            // The field is a path into the file (`staff[2].prefs[0]`): shown as it is.
            let mut args = e.args.clone();
            args.push(("field".into(), e.field.clone()));
            let tr = Tr::new(Lang::En);
            let key = format!("err.{}", e.code);
            let message = if tr.has(&key) {
                tr.f(&key, &args)
            } else {
                tr.f("err.generic", &args)
            };
            eprintln!(
                "{}",
                serde_json::json!({"code": e.code, "message": message, "field": e.field})
            );
            2
        }
    }
}

/// The JSON calculators in their plain forms — `calc match FILE [--mechanism M]` and
/// `calc pay-pool FILE` (FILE a path or `-`) — recognised from the raw arguments, so that
/// they run without building the whole command tree, reading the configuration, opening
/// logs or starting the async runtime: for a 5,000-person match the process start is most
/// of the time (docs/PERFORMANCE.md). `None` for every other form (help, `--district`, the
/// global flags, `--`, a flag-like value, a repeated or unknown argument): those go through
/// clap as before. The recognised forms mean exactly what clap makes of them (the test
/// `light_forms_parse_as_clap_does`), and run the same [`json_calc`].
pub fn light(args: &[std::ffi::OsString]) -> Option<u8> {
    light_command(args).map(|c| print_json_calc(json_calc(&c)))
}

fn light_command(args: &[std::ffi::OsString]) -> Option<CalcCommand> {
    let args: Vec<&str> = args
        .iter()
        .skip(1)
        .map(|a| a.to_str())
        .collect::<Option<_>>()?;
    let (kind, rest) = match args.as_slice() {
        ["calc", kind @ ("match" | "pay-pool"), rest @ ..] => (*kind, rest),
        _ => return None,
    };
    let plain = |v: &str| !v.is_empty() && (v == "-" || !v.starts_with('-'));
    let (mut file, mut mechanism) = (None, None);
    let mut it = rest.iter();
    while let Some(&a) = it.next() {
        let value = match a.strip_prefix("--mechanism") {
            Some("") if kind == "match" => it.next().copied(),
            Some(v) if kind == "match" => v.strip_prefix('='),
            _ => None,
        };
        match value {
            Some(v) if plain(v) && mechanism.is_none() => mechanism = Some(v.to_string()),
            Some(_) => return None,
            None if plain(a) && file.is_none() => file = Some(a.to_string()),
            None => return None,
        }
    }
    Some(match kind {
        "match" => CalcCommand::Match { file, mechanism },
        _ => CalcCommand::PayPool { file },
    })
}

pub fn calc(
    cfg: &Config,
    explicit_database: bool,
    args: CalcArgs,
    rt: &tokio::runtime::Runtime,
) -> anyhow::Result<u8> {
    let (kind, raw) = match args.kind.input() {
        Ok(form) => form,
        Err(json) => return Ok(print_json_calc(json_calc(&json))),
    };
    let calc = match args.district.as_deref() {
        None if explicit_database => {
            return Ok(bad_input(&FieldError::new("district", "required")));
        }
        None if args.unit.is_some() => {
            return Ok(bad_input(&FieldError::new("district", "required")));
        }
        // No database: the national defaults and the built-in calendar.
        None => {
            let today = china_today(chrono::Utc::now());
            let r = prepare_input(kind, &raw, today)
                .and_then(|input| compute(kind, input, &Params::defaults(), &Calendar::builtin()));
            match r {
                Ok(c) => c,
                Err(e) => return Ok(bad_input(&e)),
            }
        }
        Some(d) => match rt.block_on(district_calc(cfg, d, args.unit.as_deref(), kind, &raw))? {
            Ok(c) => c,
            Err(code) => return Ok(code),
        },
    };
    println!("{}", serde_json::to_string(&calc.result)?);
    Ok(0)
}

#[derive(Subcommand)]
pub enum CalendarCommand {
    /// Load (or replace) one year's holiday schedule for a district from FILE ("-": stdin).
    /// Format: docs/modules/rules.md ("year 2027", "2027-01-01 off", "2027-02-14 work").
    Import {
        file: String,
        /// District code.
        #[arg(long)]
        district: String,
    },
    /// List the calendar years (built-in and loaded) of a district, or of every district.
    List {
        /// District code (default: every district).
        #[arg(long)]
        district: Option<String>,
    },
}

fn year_json(district: &str, y: &CalendarYear) -> serde_json::Value {
    serde_json::json!({
        "district": district,
        "year": y.year,
        "origin": y.origin,
        "replaces_builtin": y.replaces_builtin,
        "days_off": y.days_off,
        "swapped_workdays": y.swapped_workdays,
        "loaded_at": y.loaded_at.map(|t| t.to_rfc3339()),
        "loaded_by": y.loaded_by,
    })
}

/// `jiguan calendar …`.
pub async fn calendar(cfg: &Config, c: CalendarCommand) -> anyhow::Result<u8> {
    match c {
        CalendarCommand::Import { file, district } => {
            let mut bytes = Vec::new();
            if file == "-" {
                std::io::stdin()
                    .read_to_end(&mut bytes)
                    .context("read stdin")?;
            } else {
                bytes = std::fs::read(&file).with_context(|| format!("read {file}"))?;
            }
            let Ok(text) = String::from_utf8(bytes) else {
                return Ok(bad_input(&FieldError::new("schedule", "schedule_not_text")));
            };
            let text = text.trim_start_matches('\u{feff}');
            if !database_exists(&cfg.database) {
                return Ok(bad_input(&FieldError::new("database", "not_found")));
            }
            let app = open_app(cfg).await?;
            let Some(d) = app.store.find_district(&district).await? else {
                return Ok(bad_input(&FieldError::new("district", "not_found")));
            };
            match outcome(app.system_load_calendar_year(d.id, text).await)? {
                Ok(y) => {
                    println!("{}", year_json(&d.code, &y));
                    Ok(0)
                }
                Err(code) => Ok(code),
            }
        }
        CalendarCommand::List { district } => {
            let app = open_app(cfg).await?;
            let all = app.store.list_districts().await?;
            if let Some(code) = &district
                && !all.iter().any(|d| d.code == *code)
            {
                return Ok(bad_input(&FieldError::new("district", "not_found")));
            }
            for d in all
                .iter()
                .filter(|d| district.as_ref().is_none_or(|c| *c == d.code))
            {
                let years = app
                    .system_calendar_years(d.id)
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
                for y in &years {
                    println!("{}", year_json(&d.code, y));
                }
            }
            Ok(0)
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use clap::{CommandFactory, Parser};

    #[derive(Parser)]
    struct T {
        #[command(subcommand)]
        c: CalcCommand,
    }

    /// Every input field of every calculator has its flag (or, for `id`, its position).
    #[test]
    fn flags_cover_every_field() {
        let cmd = T::command();
        for &k in CalcKind::ALL {
            let sub = cmd
                .find_subcommand(k.code())
                .unwrap_or_else(|| panic!("no subcommand {}", k.code()));
            for f in k.fields() {
                let arg = sub
                    .get_arguments()
                    .find(|a| a.get_long() == Some(f.name) || a.get_id() == f.name)
                    .unwrap_or_else(|| panic!("{} has no --{}", k.code(), f.name));
                if k != CalcKind::Id || f.name != "number" {
                    assert_eq!(arg.get_long(), Some(f.name));
                }
            }
        }
    }

    #[test]
    fn parsed_flags_become_inputs() {
        let t = T::try_parse_from([
            "t",
            "severance",
            "--start",
            "2015-03-01",
            "--end",
            "2026-06-30",
            "--monthly-wage",
            "12000",
            "--local-average",
            "9000",
            "--unlawful",
        ])
        .unwrap();
        let (kind, input) = t.c.input().ok().unwrap();
        assert_eq!(kind, CalcKind::Severance);
        assert_eq!(input["monthly-wage"], "12000");
        assert_eq!(input["unlawful"], "true");
        assert!(!input.contains_key("minimum-wage"));
        let t = T::try_parse_from(["t", "allocate", "--pool", "-1", "--weights", "a=1"]).unwrap();
        assert_eq!(t.c.input().ok().unwrap().1["pool"], "-1");
    }

    /// What a command line means: (calculator, file, mechanism).
    fn meaning(c: &CalcCommand) -> (&'static str, Option<String>, Option<String>) {
        match c {
            CalcCommand::Match { file, mechanism } => ("match", file.clone(), mechanism.clone()),
            CalcCommand::PayPool { file } => ("pay-pool", file.clone(), None),
            _ => ("other", None, None),
        }
    }

    /// The light path takes only forms clap parses the same way, and leaves the rest to
    /// clap.
    #[test]
    fn light_forms_parse_as_clap_does() {
        let os = |a: &[&str]| -> Vec<std::ffi::OsString> {
            ["jiguan", "calc"].iter().chain(a).map(Into::into).collect()
        };
        let taken: &[&[&str]] = &[
            &["match", "round.json"],
            &["match", "-"],
            &["match"],
            &["match", "-", "--mechanism", "rounds"],
            &["match", "--mechanism", "lottery", "a.json"],
            &["match", "--mechanism=rounds", "-"],
            &["match", "--mechanism", "rounds"],
            &["pay-pool", "-"],
            &["pay-pool", "pool.json"],
            &["pay-pool"],
        ];
        for a in taken {
            let light = light_command(&os(a)).unwrap_or_else(|| panic!("{a:?} not taken"));
            let clap = T::try_parse_from(std::iter::once("t").chain(a.iter().copied()))
                .unwrap_or_else(|e| panic!("{a:?}: {e}"));
            assert_eq!(meaning(&light), meaning(&clap.c), "{a:?}");
        }
        let left: &[&[&str]] = &[
            &["match", "--help"],
            &["match", "-h"],
            &["match", "a.json", "b.json"],
            &["match", "--mechanism"],
            &["match", "--mechanism", "-x", "a.json"],
            &["match", "--mechanism", "a", "--mechanism", "b"],
            &["match", "--mechanism="],
            &["match", "--district", "d", "a.json"],
            &["match", "--config", "c.toml", "a.json"],
            &["match", "--", "a.json"],
            &["match", "-x"],
            &["match", ""],
            &["pay-pool", "--mechanism", "rounds", "-"],
            &["retirement", "--birth", "1970-01"],
            &["--district", "d", "match", "-"],
        ];
        for a in left {
            assert!(light_command(&os(a)).is_none(), "{a:?} taken");
        }
        assert!(light_command(&["jiguan".into(), "match".into(), "-".into()]).is_none());
        assert!(light_command(&["jiguan".into()]).is_none());
    }

    #[test]
    fn errors_have_the_contract_shape() {
        let e = FieldError::new("date", "calendar_missing").with("year", 2027);
        let v = error_json(&e);
        assert_eq!(v["code"], "calendar_missing");
        assert_eq!(v["field"], "date");
        assert!(v["message"].as_str().unwrap().contains("2027"));
        assert_eq!(v.as_object().unwrap().len(), 3);
    }
}
