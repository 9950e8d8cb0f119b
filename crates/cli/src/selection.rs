//! `jiguan selection …`: competitive-selection campaigns (竞争上岗) from the command line: a
//! unit's campaigns, written-exam scores imported from an xlsx/csv file on behalf of a
//! named HR account (audited under it; all rows or none), and a campaign's results
//! (ranking, shortlist) as a table or JSON, citing the plan version.

use std::io::Write as _;

use anyhow::{Context, bail};
use clap::{Args, Subcommand};

use jiguan_domain::selection::CampaignId;

use crate::config::Config;
use crate::ops::{UnitArgs, acting_user, app_err_detail, open_app};

#[derive(Subcommand)]
pub enum SelectionCommand {
    /// List the campaign versions of a unit (tab-separated: id, version, status, title).
    Campaigns(UnitArgs),
    /// Import written-exam scores from an xlsx or csv file (columns 报名编号 and 笔试成绩):
    /// every row checked, nothing written unless all are valid.
    ImportExam {
        /// The user name the import is audited under (the unit's HR account).
        #[arg(long = "as")]
        user: String,
        #[arg(long)]
        campaign: CampaignId,
        file: String,
    },
    /// A campaign's results: per post, each candidate's stage scores, composite, rank and
    /// whether shortlisted.
    Results(ResultsArgs),
}

#[derive(Args)]
pub struct ResultsArgs {
    #[command(flatten)]
    at: UnitArgs,
    #[arg(long)]
    campaign: CampaignId,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

fn num(v: Option<impl std::fmt::Display>) -> String {
    v.map(|d| d.to_string()).unwrap_or_else(|| "-".into())
}

pub async fn selection(cfg: &Config, c: SelectionCommand) -> anyhow::Result<u8> {
    let app = open_app(cfg).await?;
    let mut out = std::io::stdout().lock();
    match c {
        SelectionCommand::Campaigns(at) => {
            let (a, u) = at.read(&app).await?;
            for c in app.camp_list(&a, u.id).await.map_err(app_err_detail)? {
                writeln!(
                    out,
                    "{}\tv{}\t{}\t{}",
                    c.id,
                    c.version,
                    c.status.code(),
                    c.title
                )?;
            }
        }
        SelectionCommand::ImportExam {
            user,
            campaign,
            file,
        } => {
            let actor = acting_user(&app, &user).await?;
            let Some(unit) = actor.unit_id else {
                bail!("user {user} is not a unit account");
            };
            let bytes = std::fs::read(&file).with_context(|| format!("cannot read {file}"))?;
            let table =
                jiguan_excel::import::read_table(&bytes, &jiguan_excel::import::Limits::default())
                    .map_err(|e| app_err_detail(e.into()))?;
            let entries = jiguan_excel::reports::selection::exam_entries(&table)
                .map_err(|e| app_err_detail(e.into()))?;
            let n = app
                .sel_exam_save(&actor, unit, campaign, &entries)
                .await
                .map_err(app_err_detail)?;
            writeln!(out, "imported {n} written-exam scores")?;
        }
        SelectionCommand::Results(r) => {
            let (a, u) = r.at.read(&app).await?;
            let v = app
                .sel_results(&a, u.id, r.campaign)
                .await
                .map_err(app_err_detail)?;
            if r.json {
                writeln!(
                    out,
                    "{}",
                    serde_json::to_string(&serde_json::json!({
                        "campaign_id": v.campaign_id.0,
                        "plan_version": v.plan_version,
                        "posts": v.posts,
                    }))?
                )?;
                return Ok(0);
            }
            writeln!(
                out,
                "{} (campaign {}, plan version {})",
                v.campaign.title, v.campaign_id, v.plan_version
            )?;
            for p in &v.posts {
                let short = p
                    .shortlist
                    .as_ref()
                    .map(|s| format!("shortlist {} of target {}", s.included.len(), s.target))
                    .unwrap_or_else(|| "no shortlist yet".into());
                writeln!(out, "\n{} — {} seat(s), {}", p.label, p.seats, short)?;
                writeln!(
                    out,
                    "rank\tname\twritten\tinterview\tevaluation\tcomposite\tshortlisted\tnote"
                )?;
                for l in &p.lines {
                    let note: Vec<String> = l
                        .stops
                        .iter()
                        .map(|s| (*s).to_string())
                        .chain(l.missing.iter().map(|s| format!("missing {}", s.code())))
                        .collect();
                    writeln!(
                        out,
                        "{}{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                        l.rank.map(|r| r.to_string()).unwrap_or_else(|| "-".into()),
                        if l.tied { "=" } else { "" },
                        l.candidate.name,
                        num(l.scores.written),
                        num(l.scores.interview),
                        num(l.scores.evaluation),
                        num(l.composite),
                        if l.shortlisted { "yes" } else { "" },
                        note.join(", ")
                    )?;
                }
            }
        }
    }
    Ok(0)
}
