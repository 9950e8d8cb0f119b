//! `jiguan report`: the reform results (改革成效) of a unit (`--unit CODE`) or of the whole
//! district (without `--unit`), between `--from` and `--to` (default: the reform's start and
//! today, as on the page): the headline figures on stdout (tab-separated) and, with
//! `--xlsx FILE`, the workbook the page exports.

use anyhow::{Context as _, bail};
use clap::Args;

use jiguan_app::App;
use jiguan_app::report::ReportForm;
use jiguan_domain::report::{Headline, Period};
use jiguan_web::i18n::{Lang, Tr};

use crate::config::Config;
use crate::ops::{app_err_detail, district_reader, open_app, write_out};

#[derive(Args)]
pub struct ReportArgs {
    /// The district's code (may be left out when the database holds one district).
    #[arg(long)]
    pub district: Option<String>,
    /// One unit's report; without it, the district's (every unit and the total).
    #[arg(long)]
    pub unit: Option<String>,
    /// "Before" date, YYYY-MM-DD (default: the reform's start).
    #[arg(long)]
    pub from: Option<String>,
    /// "After" date, YYYY-MM-DD (default: today).
    #[arg(long)]
    pub to: Option<String>,
    /// Write the Excel workbook (one sheet per section, 合计 rows) to FILE.
    #[arg(long)]
    pub xlsx: Option<String>,
}

async fn district_code(app: &App, given: Option<String>) -> anyhow::Result<String> {
    if let Some(d) = given {
        return Ok(d);
    }
    let all = app.store.list_districts().await?;
    match all.as_slice() {
        [one] => Ok(one.code.clone()),
        [] => bail!("no district in the database"),
        _ => bail!("several districts: name one with --district CODE"),
    }
}

fn line(out: &mut impl std::io::Write, name: &str, h: &Headline) -> std::io::Result<()> {
    writeln!(
        out,
        "{name}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{:.2}\t{:.2}",
        h.bodies_before,
        h.bodies_after,
        h.bodies_cut(),
        h.staff_before,
        h.staff_after,
        h.cut(),
        h.cut_share().map(|s| format!("{s}%")).unwrap_or_default(),
        h.cost_before as f64 / 100.0,
        h.cost_after as f64 / 100.0,
    )
}

fn header(out: &mut impl std::io::Write, p: Period) -> std::io::Result<()> {
    writeln!(out, "# {} — {}", p.from, p.to)?;
    writeln!(
        out,
        "unit\tbodies_before\tbodies_after\tbodies_cut\tstaff_before\tstaff_after\tstaff_cut\tshare\tcost_before\tcost_after"
    )
}

pub async fn report(cfg: &Config, a: ReportArgs) -> anyhow::Result<u8> {
    let app = open_app(cfg).await?;
    let tr = Tr::new(Lang::Zh);
    let district = district_code(&app, a.district).await?;
    let actor = district_reader(&app, &district).await?;
    let form = ReportForm {
        from: a.from.unwrap_or_default(),
        to: a.to.unwrap_or_default(),
    };
    let mut out = std::io::stdout().lock();
    let sheets = match a.unit {
        Some(code) => {
            let u = app
                .store
                .find_unit(actor.district_id, &code)
                .await?
                .with_context(|| format!("no unit {code} in {district}"))?;
            let r = app
                .report_unit(&actor, u.id, &form)
                .await
                .map_err(app_err_detail)?;
            header(&mut out, r.period)?;
            line(&mut out, &u.code, &r.figures.headline)?;
            jiguan_excel::reports::report::unit_workbook(&tr, &r)
        }
        None => {
            let r = app
                .report_district(&actor, &form)
                .await
                .map_err(app_err_detail)?;
            header(&mut out, r.period)?;
            for u in &r.units {
                line(&mut out, &u.unit.code, &u.figures.headline)?;
            }
            line(&mut out, "total", &r.total.headline)?;
            jiguan_excel::reports::report::district_workbook(&tr, &r)
        }
    };
    drop(out);
    if let Some(file) = a.xlsx {
        write_out(&file, jiguan_excel::write_workbook(&sheets)?)?;
    }
    Ok(0)
}
