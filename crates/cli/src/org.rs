//! `jiguan org …`: the organisation module from the command line: bodies and the
//! structure on a date, plans, the org chart (SVG), the Excel register, and applying an
//! approved plan on behalf of a district administrator (audited under that account).

use std::io::Write as _;

use anyhow::{Context, bail};
use chrono::NaiveDate;
use clap::Subcommand;

use jiguan_app::App;
use jiguan_domain::auth::Actor;
use jiguan_domain::org::PlanId;
use jiguan_web::i18n::{Lang, Tr};

use crate::config::Config;
use crate::ops::{app_err_detail, district_reader, open_app};

#[derive(Subcommand)]
pub enum OrgCommand {
    /// List the bodies of a unit on a date (tab-separated).
    Bodies {
        #[arg(long)]
        district: String,
        #[arg(long)]
        unit: String,
        /// YYYY-MM-DD (default today).
        #[arg(long)]
        on: Option<String>,
    },
    /// The structure on a date as JSON: bodies, items, caps, split, issues, caps broken.
    Structure {
        #[arg(long)]
        district: String,
        #[arg(long)]
        unit: String,
        #[arg(long)]
        on: Option<String>,
    },
    /// List the reorganisation plans of a unit.
    Plans {
        #[arg(long)]
        district: String,
        #[arg(long)]
        unit: String,
    },
    /// Write the org chart of a unit on a date as SVG.
    Chart {
        #[arg(long)]
        district: String,
        #[arg(long)]
        unit: String,
        #[arg(long)]
        on: Option<String>,
        #[arg(long)]
        out: String,
    },
    /// Write the Excel register (机构设置一览表, 职能清单, 总量核定) of a unit.
    Export {
        #[arg(long)]
        district: String,
        #[arg(long)]
        unit: String,
        #[arg(long)]
        on: Option<String>,
        #[arg(long)]
        out: String,
    },
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

fn date(on: Option<&str>, app: &App) -> anyhow::Result<NaiveDate> {
    match on {
        None => Ok(app.org_today()),
        Some(s) => {
            NaiveDate::parse_from_str(s, "%Y-%m-%d").with_context(|| format!("bad date {s}"))
        }
    }
}

/// A read-only district-level actor for the command line, and the named unit.
async fn reader(
    app: &App,
    district: &str,
    unit: &str,
) -> anyhow::Result<(Actor, jiguan_app::ports::Unit)> {
    let a = district_reader(app, district).await?;
    let u = app
        .store
        .find_unit(a.district_id, unit)
        .await?
        .with_context(|| format!("no unit {unit} in {district}"))?;
    Ok((a, u))
}

pub async fn org(cfg: &Config, c: OrgCommand) -> anyhow::Result<u8> {
    let app = open_app(cfg).await?;
    let tr = Tr::new(Lang::Zh);
    match c {
        OrgCommand::Bodies { district, unit, on } => {
            let (a, u) = reader(&app, &district, &unit).await?;
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
        OrgCommand::Structure { district, unit, on } => {
            let (a, u) = reader(&app, &district, &unit).await?;
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
        OrgCommand::Plans { district, unit } => {
            let (a, u) = reader(&app, &district, &unit).await?;
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
        OrgCommand::Chart {
            district,
            unit,
            on,
            out,
        } => {
            let (a, u) = reader(&app, &district, &unit).await?;
            let on = date(on.as_deref(), &app)?;
            let s = app
                .org_structure(&a, u.id, Some(on))
                .await
                .map_err(app_err_detail)?;
            let heads = app
                .org_headcount(&a, u.id, on)
                .await
                .map_err(app_err_detail)?;
            let kind = |k: jiguan_domain::org::BodyKind| tr.t(&k.label_key()).to_string();
            let known = !heads.is_empty();
            let hc = |b: jiguan_domain::org::BodyId| {
                heads
                    .iter()
                    .find(|(x, _)| *x == b)
                    .map(|(_, n)| *n)
                    .or(known.then_some(0))
            };
            let svg = jiguan_app::org::chart::svg(
                &s,
                &format!("{} {on}", u.name),
                &jiguan_app::org::chart::ChartText {
                    kind: &kind,
                    head: tr.t("org.chart_head"),
                    on_post: tr.t("org.chart_on_post"),
                    est: tr.t("org.chart_est"),
                    plates: tr.t("org.chart_plates"),
                    headcount: &hc,
                    sized: true,
                },
            );
            crate::ops::write_private(&out, svg.as_bytes())?;
            println!("wrote {out}");
        }
        OrgCommand::Export {
            district,
            unit,
            on,
            out,
        } => {
            let (a, u) = reader(&app, &district, &unit).await?;
            let on = date(on.as_deref(), &app)?;
            let (s, issues, _) = app
                .org_analysis(&a, u.id, Some(on))
                .await
                .map_err(app_err_detail)?;
            let heads = app
                .org_headcount(&a, u.id, on)
                .await
                .map_err(app_err_detail)?;
            let sheets = jiguan_excel::reports::org::workbook(&tr, &u, on, &s, &issues, &heads);
            let bytes = jiguan_excel::write_workbook(&sheets)?;
            crate::ops::write_private(&out, &bytes)?;
            println!("wrote {out}");
        }
        OrgCommand::Apply {
            user,
            unit,
            plan,
            effective,
        } => {
            let rec = app
                .store
                .find_user_by_name(&user)
                .await?
                .with_context(|| format!("no user {user}"))?;
            if !rec.active {
                bail!("user {user} is inactive");
            }
            let actor = jiguan_app::auth::actor_of(&rec);
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
