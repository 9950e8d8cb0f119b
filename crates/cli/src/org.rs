//! `jiguan org …`: the organisation module from the command line: bodies and the
//! structure on a date, plans, the org chart (SVG), the Excel register, and applying an
//! approved plan on behalf of a district administrator (audited under that account).

use std::io::Write as _;

use anyhow::Context;
use chrono::NaiveDate;
use clap::{Args, Subcommand};

use jiguan_app::App;
use jiguan_domain::org::PlanId;
use jiguan_web::i18n::{Lang, Tr};

use crate::config::Config;
use crate::ops::{UnitArgs, acting_user, app_err_detail, open_app, write_out};

#[derive(Subcommand)]
pub enum OrgCommand {
    /// List the bodies of a unit on a date (tab-separated).
    Bodies {
        #[command(flatten)]
        at: UnitArgs,
        /// YYYY-MM-DD (default today).
        #[arg(long)]
        on: Option<String>,
    },
    /// The structure on a date as JSON: bodies, items, caps, split, issues, caps broken.
    Structure {
        #[command(flatten)]
        at: UnitArgs,
        #[arg(long)]
        on: Option<String>,
    },
    /// List the reorganisation plans of a unit.
    Plans(UnitArgs),
    /// Write the org chart of a unit on a date as SVG.
    Chart(UnitFileArgs),
    /// Write the Excel register (机构设置一览表, 职能清单, 总量核定) of a unit.
    Export(UnitFileArgs),
    /// Apply an approved plan from its effective date, as the named district administrator.
    Apply {
        /// The district administrator's user name (the change is audited under it).
        #[arg(long = "as")]
        user: String,
        #[arg(long)]
        unit: String,
        #[arg(long)]
        plan: i64,
        /// YYYY-MM-DD.
        #[arg(long)]
        effective: String,
    },
}

/// A unit on a date and the file to write (`chart`, `export`).
#[derive(Args)]
pub struct UnitFileArgs {
    #[command(flatten)]
    at: UnitArgs,
    #[arg(long)]
    on: Option<String>,
    #[arg(long)]
    out: String,
}

fn date(on: Option<&str>, app: &App) -> anyhow::Result<NaiveDate> {
    match on {
        None => Ok(app.org_today()),
        Some(s) => {
            NaiveDate::parse_from_str(s, "%Y-%m-%d").with_context(|| format!("bad date {s}"))
        }
    }
}

/// What the chart and the register are drawn from.
struct Register {
    unit: jiguan_app::ports::Unit,
    on: NaiveDate,
    structure: jiguan_domain::org::Structure,
    issues: Vec<jiguan_domain::org::FunctionIssue>,
    /// Headcount per body on the date.
    heads: Vec<(jiguan_domain::org::BodyId, i64)>,
}

impl UnitFileArgs {
    /// The unit's structure on the date, its issues and its headcount per body.
    async fn load(&self, app: &App) -> anyhow::Result<Register> {
        let (a, unit) = self.at.read(app).await?;
        let on = date(self.on.as_deref(), app)?;
        let (structure, issues, _) = app
            .org_analysis(&a, unit.id, Some(on))
            .await
            .map_err(app_err_detail)?;
        let heads = app
            .org_headcount(&a, unit.id, on)
            .await
            .map_err(app_err_detail)?;
        Ok(Register {
            unit,
            on,
            structure,
            issues,
            heads,
        })
    }
}

pub async fn org(cfg: &Config, c: OrgCommand) -> anyhow::Result<u8> {
    let app = open_app(cfg).await?;
    let tr = Tr::new(Lang::Zh);
    match c {
        OrgCommand::Bodies { at, on } => {
            let (a, u) = at.read(&app).await?;
            let on = date(on.as_deref(), &app)?;
            let s = app
                .org_structure(&a, u.id, Some(on))
                .await
                .map_err(app_err_detail)?;
            let mut out = std::io::stdout().lock();
            for b in &s.bodies {
                writeln!(
                    out,
                    "{}\t{}\t{}\t{}\t{}\t{}",
                    b.id,
                    b.name,
                    b.kind.code(),
                    b.status.code(),
                    b.parent.map(|p| s.name_of(p)).unwrap_or_default(),
                    b.records
                        .iter()
                        .map(|r| r.name.clone())
                        .collect::<Vec<_>>()
                        .join(",")
                )?;
            }
        }
        OrgCommand::Structure { at, on } => {
            let (a, u) = at.read(&app).await?;
            let on = date(on.as_deref(), &app)?;
            let (s, issues, _) = app
                .org_analysis(&a, u.id, Some(on))
                .await
                .map_err(app_err_detail)?;
            let out = serde_json::json!({
                "unit": u.code, "on": on, "structure": s, "counts": s.counts(),
                "issues": issues, "breaches": jiguan_domain::org::totals::cap_breaches(&s),
            });
            println!("{}", serde_json::to_string_pretty(&out)?);
        }
        OrgCommand::Plans(at) => {
            let (a, u) = at.read(&app).await?;
            let mut out = std::io::stdout().lock();
            for p in app.org_plans(&a, u.id).await.map_err(app_err_detail)? {
                writeln!(
                    out,
                    "{}\t{}\t{}\t{} ops\t{}",
                    p.id,
                    p.status.code(),
                    p.title,
                    p.ops.len(),
                    p.effective.map(|d| d.to_string()).unwrap_or_default()
                )?;
            }
        }
        OrgCommand::Chart(args) => {
            let r = args.load(&app).await?;
            let title = format!("{} {}", r.unit.name, r.on);
            let svg = jiguan_web::org::pages::chart_svg(tr, &r.structure, &title, true, &r.heads);
            write_out(&args.out, svg)?;
        }
        OrgCommand::Export(args) => {
            let r = args.load(&app).await?;
            let sheets = jiguan_excel::reports::org::workbook(
                &tr,
                &r.unit,
                r.on,
                &r.structure,
                &r.issues,
                &r.heads,
            );
            write_out(&args.out, jiguan_excel::write_workbook(&sheets)?)?;
        }
        OrgCommand::Apply {
            user,
            unit,
            plan,
            effective,
        } => {
            let actor = acting_user(&app, &user).await?;
            let u = app
                .store
                .find_unit(actor.district_id, &unit)
                .await?
                .with_context(|| format!("no unit {unit}"))?;
            let ids = app
                .org_apply_plan(&actor, u.id, PlanId(plan), &effective)
                .await
                .map_err(app_err_detail)?;
            println!(
                "plan {plan} applied from {effective}; {} new ids",
                ids.len()
            );
        }
    }
    Ok(0)
}
