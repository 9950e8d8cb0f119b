//! `jiguan downsizing …`: downsizing plans (分流方案) from the command line: the district
//! summary, a unit's plans, a plan's lines and totals as JSON, the Excel summary, and
//! applying an approved plan on behalf of the unit administrator (audited under that account).

use std::io::Write as _;

use anyhow::bail;
use clap::{Args, Subcommand};

use jiguan_app::App;
use jiguan_domain::downsizing::PlanId;
use jiguan_web::i18n::{Lang, Tr};

use crate::config::Config;
use crate::ops::{UnitArgs, acting_user, app_err_detail, district_reader, open_app, write_out};

#[derive(Subcommand)]
pub enum DownsizingCommand {
    /// The district summary: per unit the headcount cut, share, one-off cost and saving
    /// (tab-separated; money in yuan).
    Summary {
        #[arg(long)]
        district: String,
    },
    /// List the downsizing plans of a unit (tab-separated).
    Plans(UnitArgs),
    /// A plan with its lines, figures, totals and history as JSON.
    Show(PlanArgs),
    /// Write the Excel summary (分流人员, 合计) of a plan.
    Export {
        #[command(flatten)]
        of: PlanArgs,
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

/// `--district CODE --unit CODE --plan ID`: one plan of a unit.
#[derive(Args)]
pub struct PlanArgs {
    #[command(flatten)]
    at: UnitArgs,
    #[arg(long)]
    plan: PlanId,
}

impl PlanArgs {
    /// The plan as the read-only district actor sees it, with the unit.
    async fn view(
        &self,
        app: &App,
    ) -> anyhow::Result<(jiguan_app::ports::Unit, jiguan_app::downsizing::PlanView)> {
        let (a, u) = self.at.read(app).await?;
        let v = app
            .down_plan(&a, u.id, self.plan)
            .await
            .map_err(app_err_detail)?;
        Ok((u, v))
    }
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
        DownsizingCommand::Plans(at) => {
            let (a, u) = at.read(&app).await?;
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
        DownsizingCommand::Show(of) => {
            let (_, v) = of.view(&app).await?;
            println!("{}", serde_json::to_string(&v)?);
        }
        DownsizingCommand::Export { of, out } => {
            let (u, v) = of.view(&app).await?;
            let sheets = jiguan_excel::reports::downsizing::plan_workbook(&tr, &u.name, &v);
            write_out(&out, jiguan_excel::write_workbook(&sheets)?)?;
        }
        DownsizingCommand::Apply { user, plan } => {
            let actor = acting_user(&app, &user).await?;
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
