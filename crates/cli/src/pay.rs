//! `jiguan pay …`: performance pay (绩效分配) from the command line, on behalf of a named
//! account (audited under it): the district sets a unit's pool; the unit lists, creates and
//! shows its pay runs, imports lines from a JSON file, takes the grades of its confirmed
//! annual appraisal, and computes the shares (the same use cases as the pages).

use std::io::Write as _;

use anyhow::{Context, bail};
use clap::{Args, Subcommand};

use jiguan_app::App;
use jiguan_domain::auth::Actor;
use jiguan_domain::pay::{LineForm, PayRunId, PoolForm};
use jiguan_domain::tenancy::UnitId;

use crate::config::Config;
use crate::ops::{acting_user, app_err_detail, open_app, read_input};

#[derive(Subcommand)]
pub enum PayCommand {
    /// Set a unit's pool for a year as a fixed amount in yuan (区 accounts).
    Pool {
        #[command(flatten)]
        by: As,
        #[arg(long)]
        unit: String,
        #[arg(long)]
        year: i32,
        /// The pool in yuan, e.g. 50000.00.
        #[arg(long)]
        amount: String,
    },
    /// List the unit's pay runs (tab-separated: id, year, status, pool).
    Runs(As),
    /// Create the unit's pay run for a year; prints its id.
    Create {
        #[command(flatten)]
        by: As,
        #[arg(long)]
        year: i32,
    },
    /// Import lines from a JSON file (`-`: standard input):
    /// `[{"person_id":"12","grade":"excellent","post_coef":"1.3","months":"12"}, …]`.
    /// All rows are checked; nothing is written unless every row is valid.
    Lines {
        #[command(flatten)]
        by: As,
        #[arg(long)]
        run: PayRunId,
        file: String,
    },
    /// Fill the lines from the unit's confirmed annual appraisal of the run's year.
    FromAppraisal {
        #[command(flatten)]
        by: As,
        #[arg(long)]
        run: PayRunId,
    },
    /// Compute the shares; prints the result as JSON.
    Compute {
        #[command(flatten)]
        by: As,
        #[arg(long)]
        run: PayRunId,
    },
    /// A run with its lines and result as JSON.
    Show {
        #[command(flatten)]
        by: As,
        #[arg(long)]
        run: PayRunId,
    },
    /// The district's report for a year as JSON (区 accounts): each unit's spread (max/min,
    /// Gini) and pay by grade.
    Report {
        #[command(flatten)]
        by: As,
        #[arg(long)]
        year: i32,
    },
}

/// `--as USER`: the account the command acts for.
#[derive(Args)]
pub struct As {
    #[arg(long = "as")]
    user: String,
}

impl As {
    async fn actor(&self, app: &App) -> anyhow::Result<Actor> {
        acting_user(app, &self.user).await
    }
    async fn unit_actor(&self, app: &App) -> anyhow::Result<(Actor, UnitId)> {
        let actor = self.actor(app).await?;
        let Some(unit) = actor.unit_id else {
            bail!("user {} is not a unit account", self.user);
        };
        Ok((actor, unit))
    }
}

pub async fn pay(cfg: &Config, c: PayCommand) -> anyhow::Result<u8> {
    let app = open_app(cfg).await?;
    match c {
        PayCommand::Pool {
            by,
            unit,
            year,
            amount,
        } => {
            let a = by.actor(&app).await?;
            let u = app
                .store
                .find_unit(a.district_id, &unit)
                .await?
                .with_context(|| format!("no unit {unit}"))?;
            let f = PoolForm {
                basis: "fixed".into(),
                amount,
                ..PoolForm::default()
            };
            app.set_pay_pool(&a, u.id, year, &f)
                .await
                .map_err(app_err_detail)?;
            println!("pool of {unit} for {year} set");
        }
        PayCommand::Runs(by) => {
            let (a, u) = by.unit_actor(&app).await?;
            let mut out = std::io::stdout().lock();
            for r in app.pay_runs(&a, u).await.map_err(app_err_detail)? {
                let pool = r.pool.map(|m| m.to_string()).unwrap_or_default();
                writeln!(out, "{}\t{}\t{}\t{pool}", r.id, r.year, r.status.code())?;
            }
        }
        PayCommand::Create { by, year } => {
            let (a, u) = by.unit_actor(&app).await?;
            let id = app
                .create_pay_run(&a, u, year)
                .await
                .map_err(app_err_detail)?;
            println!("{id}");
        }
        PayCommand::Lines { by, run, file } => {
            let (a, u) = by.unit_actor(&app).await?;
            let rows: Vec<LineForm> = serde_json::from_str(&read_input(&file)?)
                .context("lines: a JSON array expected")?;
            app.import_pay_lines(&a, u, run, &rows)
                .await
                .map_err(app_err_detail)?;
            println!("{} lines saved", rows.len());
        }
        PayCommand::FromAppraisal { by, run } => {
            let (a, u) = by.unit_actor(&app).await?;
            let n = app
                .pay_lines_from_appraisal(&a, u, run)
                .await
                .map_err(app_err_detail)?;
            println!("{n} lines from the appraisal");
        }
        PayCommand::Compute { by, run } => {
            let (a, u) = by.unit_actor(&app).await?;
            let r = app
                .compute_pay_run(&a, u, run)
                .await
                .map_err(app_err_detail)?;
            println!("{}", serde_json::to_string(&r)?);
        }
        PayCommand::Show { by, run } => {
            let (a, u) = by.unit_actor(&app).await?;
            let v = app.pay_run(&a, u, run).await.map_err(app_err_detail)?;
            println!("{}", serde_json::to_string(&v)?);
        }
        PayCommand::Report { by, year } => {
            let a = by.actor(&app).await?;
            let r = app.pay_report(&a, year).await.map_err(app_err_detail)?;
            let dto = jiguan_web::pay::api::report_dto(&r);
            println!("{}", serde_json::to_string(&dto)?);
        }
    }
    Ok(0)
}
