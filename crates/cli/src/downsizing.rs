//! `jiguan downsizing …`: downsizing plans (分流方案) from the command line: the district
//! summary, a unit's plans, a plan's lines and totals as JSON, the Excel summary, and
//! applying an approved plan on behalf of the unit administrator (audited under that account).

use std::io::Write as _;

use anyhow::{Context, bail};
use clap::Subcommand;

use jiguan_app::App;
use jiguan_domain::auth::Actor;
use jiguan_domain::downsizing::PlanId;
use jiguan_web::i18n::{Lang, Tr};

use crate::config::Config;
use crate::ops::{app_err_detail, district_reader, open_app};

#[derive(Subcommand)]
pub enum DownsizingCommand {
    /// The district summary: per unit the headcount cut, share, one-off cost and saving
    /// (tab-separated; money in yuan).
    Summary {
        #[arg(long)]
        district: String,
    },
    /// List the downsizing plans of a unit (tab-separated).
    Plans {
        #[arg(long)]
        district: String,
        #[arg(long)]
        unit: String,
    },
    /// A plan with its lines, figures, totals and history as JSON.
    Show {
        #[arg(long)]
        district: String,
        #[arg(long)]
        unit: String,
        #[arg(long)]
        plan: PlanId,
    },
    /// Write the Excel summary (分流人员, 合计) of a plan.
    Export {
        #[arg(long)]
        district: String,
        #[arg(long)]
        unit: String,
        #[arg(long)]
        plan: PlanId,
        #[arg(long)]
        out: String,
    },
    /// Apply an approved plan, as the named unit administrator.
    Apply {
        /// The unit administrator's user name (the change is audited under it).
        #[arg(long = "as")]
        user: String,
        #[arg(long)]
        plan: PlanId,
    },
}

async fn unit_of(app: &App, a: &Actor, unit: &str) -> anyhow::Result<jiguan_app::ports::Unit> {
    app.store
        .find_unit(a.district_id, unit)
        .await?
        .with_context(|| format!("no unit {unit}"))
}

/// A unit's plan as the read-only district actor sees it, with the unit.
async fn plan_view(
    app: &App,
    district: &str,
    unit: &str,
    plan: PlanId,
) -> anyhow::Result<(jiguan_app::ports::Unit, jiguan_app::downsizing::PlanView)> {
    let a = district_reader(app, district).await?;
    let u = unit_of(app, &a, unit).await?;
    let v = app
        .down_plan(&a, u.id, plan)
        .await
        .map_err(app_err_detail)?;
    Ok((u, v))
}

pub async fn downsizing(cfg: &Config, c: DownsizingCommand) -> anyhow::Result<u8> {
    let app = open_app(cfg).await?;
    let tr = Tr::new(Lang::Zh);
    match c {
        DownsizingCommand::Summary { district } => {
            let a = district_reader(&app, &district).await?;
            let s = app.down_district(&a).await.map_err(app_err_detail)?;
            let mut out = std::io::stdout().lock();
            for u in &s.units {
                writeln!(
                    out,
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    u.unit.code,
                    u.unit.name,
                    u.status.map(|s| s.code()).unwrap_or(""),
                    u.totals.cut,
                    u.totals.staff_base,
                    jiguan_excel::reports::downsizing::pct(&u.totals),
                    u.totals.one_off,
                    u.totals.annual_saving
                )?;
            }
            writeln!(
                out,
                "total\t\t\t{}\t\t\t{}\t{}",
                s.cut, s.one_off, s.annual_saving
            )?;
        }
        DownsizingCommand::Plans { district, unit } => {
            let a = district_reader(&app, &district).await?;
            let u = unit_of(&app, &a, &unit).await?;
            let mut out = std::io::stdout().lock();
            for p in app.down_plans(&a, u.id).await.map_err(app_err_detail)? {
                writeln!(
                    out,
                    "{}\t{}\t{}\t{}\t{} lines",
                    p.id,
                    p.status.code(),
                    p.effective,
                    p.title,
                    p.lines
                )?;
            }
        }
        DownsizingCommand::Show {
            district,
            unit,
            plan,
        } => {
            let (_, v) = plan_view(&app, &district, &unit, plan).await?;
            println!("{}", serde_json::to_string(&v)?);
        }
        DownsizingCommand::Export {
            district,
            unit,
            plan,
            out,
        } => {
            let (u, v) = plan_view(&app, &district, &unit, plan).await?;
            let sheets = jiguan_excel::reports::downsizing::plan_workbook(&tr, &u.name, &v);
            let bytes = jiguan_excel::write_workbook(&sheets)?;
            crate::ops::write_private(&out, &bytes)?;
            println!("wrote {out}");
        }
        DownsizingCommand::Apply { user, plan } => {
            let rec = app
                .store
                .find_user_by_name(&user)
                .await?
                .with_context(|| format!("no user {user}"))?;
            if !rec.active {
                bail!("user {user} is inactive");
            }
            let actor = jiguan_app::auth::actor_of(&rec);
            let Some(unit) = actor.unit_id else {
                bail!("user {user} is not a unit account");
            };
            app.down_apply(&actor, unit, plan)
                .await
                .map_err(app_err_detail)?;
            println!("plan {plan} applied");
        }
    }
    Ok(0)
}
