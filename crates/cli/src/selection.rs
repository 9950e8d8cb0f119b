//! `jiguan selection …`: competitive-selection campaigns (竞争上岗) from the command line: a
//! unit's campaigns, written-exam scores imported from an xlsx/csv file on behalf of a
//! named HR account (audited under it; all rows or none), and a campaign's results
//! (ranking, shortlist) as a table or JSON, citing the plan version.

use std::io::Write as _;

use anyhow::{Context, bail};
use clap::{Args, Subcommand};

use jiguan_domain::selection::CampaignId;

use jiguan_app::selection::appointment::{AppointForm, ObjectionForm, ResolveForm};
use jiguan_app::selection::extra::ProbationForm;
use jiguan_app::selection::registration::ReviewForm;
use jiguan_app::selection::scoring::ExamEntry;
use jiguan_domain::auth::Actor;
use jiguan_domain::selection::ApplicationId;
use jiguan_domain::selection::dates::ends_within;
use jiguan_domain::tenancy::UnitId;

use jiguan_app::{App, AppResult};

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
    /// A campaign's applications after the eligibility review (tab-separated: id, name,
    /// status, per choice the post and "eligible" or the reasons).
    Applications(ResultsArgs),
    /// Confirm or reject an application at the eligibility review (资格审查).
    Review(ReviewArgs),
    /// Enter 加试 (extra test) results for candidates tied on every other key:
    /// `APPLICATION=SCORE` pairs.
    ExtraTest {
        #[command(flatten)]
        at: OnCampaign,
        #[arg(required = true)]
        scores: Vec<String>,
    },
    /// The committee's decisions of a campaign: per candidate the post, decision, date,
    /// publicity, objections and appointment.
    Decisions(ResultsArgs),
    /// Start the pre-appointment publicity (任前公示) of every adopted candidate not yet
    /// publicised; prints the working days and the earliest appointment date.
    Publicity {
        #[command(flatten)]
        at: OnCampaign,
        /// The first day (YYYY-MM-DD).
        #[arg(long)]
        start: String,
    },
    /// Record an objection (异议) to a publicised candidate.
    Objection {
        #[command(flatten)]
        at: OnCampaign,
        #[arg(long)]
        candidate: i64,
        /// YYYY-MM-DD (default today).
        #[arg(long, default_value = "")]
        received_on: String,
        #[arg(long)]
        content: String,
    },
    /// Resolve an objection: `issue_not_affecting` (反映问题不影响任职) or `issue_verified`
    /// (反映问题查实).
    Resolve {
        #[command(flatten)]
        at: OnCampaign,
        #[arg(long)]
        objection: i64,
        #[arg(long)]
        outcome: String,
        #[arg(long)]
        resolution: String,
    },
    /// Appoint an adopted candidate after the publicity (任职): the post assignment, the
    /// history row, probation and term ends.
    Appoint {
        #[command(flatten)]
        at: OnCampaign,
        #[arg(long)]
        candidate: i64,
        /// YYYY-MM-DD.
        #[arg(long)]
        on: String,
        /// The appointment document (任职文号).
        #[arg(long, default_value = "")]
        doc_no: String,
    },
    /// The unit's appointed middle managers with probation and term ends (tab-separated),
    /// optionally only those whose probation or term ends within N days.
    Terms(TermsArgs),
    /// Record the probation-end evaluation (试用期满考核) of an appointed candidate:
    /// `confirmed` (正式任职) or `dismissed` (免去试任职务, the post assignment ends).
    Probation(ProbationArgs),
}

#[derive(Args)]
pub struct ReviewArgs {
    #[command(flatten)]
    at: OnCampaign,
    #[arg(long)]
    application: i64,
    /// `confirm` or `reject`.
    #[arg(long)]
    decision: String,
    /// The basic conditions (a) are attested by the HR office.
    #[arg(long)]
    attested: bool,
    /// Appraisals as `2023:称职,2024:优秀,2025:称职`.
    #[arg(long, default_value = "")]
    appraisals: String,
    /// Measures as `记过:2025-06-01`, comma separated.
    #[arg(long, default_value = "")]
    measures: String,
    /// The person is under investigation (k).
    #[arg(long)]
    under_investigation: bool,
    /// The reason of a rejection.
    #[arg(long, default_value = "")]
    note: String,
}

#[derive(Args)]
pub struct TermsArgs {
    #[command(flatten)]
    at: UnitArgs,
    /// Only probations or terms ending within this many days (today included; a probation
    /// over without an evaluation counts).
    #[arg(long)]
    within: Option<u64>,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct ProbationArgs {
    #[arg(long = "as")]
    user: String,
    #[arg(long)]
    candidate: i64,
    /// YYYY-MM-DD, no earlier than the probation's last day.
    #[arg(long)]
    decided_on: String,
    #[arg(long, default_value = "")]
    excellent: String,
    #[arg(long, default_value = "")]
    competent: String,
    #[arg(long, default_value = "")]
    basic: String,
    #[arg(long, default_value = "")]
    incompetent: String,
    /// `confirmed` or `dismissed`.
    #[arg(long)]
    result: String,
    #[arg(long, default_value = "")]
    doc_no: String,
    #[arg(long, default_value = "")]
    note: String,
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

impl ResultsArgs {
    /// `f`'s view of the campaign, as the district's read-only actor sees it.
    async fn view<T>(
        &self,
        app: &App,
        f: impl AsyncFnOnce(&App, &Actor, UnitId, CampaignId) -> AppResult<T>,
    ) -> anyhow::Result<T> {
        let (a, u) = self.at.read(app).await?;
        f(app, &a, u.id, self.campaign)
            .await
            .map_err(app_err_detail)
    }
}

/// `--as USER --campaign ID`: a unit account acting (audited under it) on a campaign of
/// its unit.
#[derive(Args)]
pub struct OnCampaign {
    #[arg(long = "as")]
    user: String,
    #[arg(long)]
    campaign: CampaignId,
}

impl OnCampaign {
    /// Runs `f` as the named unit account on the campaign.
    async fn run<T>(
        &self,
        app: &App,
        f: impl AsyncFnOnce(&App, &Actor, UnitId, CampaignId) -> AppResult<T>,
    ) -> anyhow::Result<T> {
        let (actor, unit) = unit_actor(app, &self.user).await?;
        f(app, &actor, unit, self.campaign)
            .await
            .map_err(app_err_detail)
    }
}

fn num(v: Option<impl std::fmt::Display>) -> String {
    v.map(|d| d.to_string()).unwrap_or_else(|| "-".into())
}

/// The named unit account acting (audited under it) and its unit.
async fn unit_actor(app: &App, user: &str) -> anyhow::Result<(Actor, UnitId)> {
    let actor = acting_user(app, user).await?;
    let Some(unit) = actor.unit_id else {
        bail!("user {user} is not a unit account");
    };
    Ok((actor, unit))
}

fn json_line(out: &mut impl std::io::Write, v: &impl serde::Serialize) -> anyhow::Result<()> {
    writeln!(out, "{}", serde_json::to_string(v)?)?;
    Ok(())
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
            let (actor, unit) = unit_actor(&app, &user).await?;
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
            let v = r.view(&app, App::sel_results).await?;
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
        SelectionCommand::Applications(r) => {
            let v = r.view(&app, App::camp_review_view).await?;
            if r.json {
                json_line(&mut out, &v.applications)?;
                return Ok(0);
            }
            writeln!(out, "id\tname\tstatus\tchoices")?;
            for x in &v.applications {
                let choices: Vec<String> = x
                    .checks
                    .iter()
                    .map(|(_, label, why)| {
                        if why.is_empty() {
                            format!("{label}: eligible")
                        } else {
                            let codes: Vec<String> = why
                                .iter()
                                .map(|w| w.to_field_error().code.clone())
                                .collect();
                            format!("{label}: {}", codes.join(" "))
                        }
                    })
                    .collect();
                writeln!(
                    out,
                    "{}\t{}\t{}\t{}",
                    x.application.id,
                    x.name,
                    x.application.status.code(),
                    choices.join("; ")
                )?;
            }
        }
        SelectionCommand::Review(r) => {
            let flag = |b: bool| if b { "on" } else { "" }.to_string();
            let f = ReviewForm {
                decision: r.decision,
                basic_conditions_attested: flag(r.attested),
                appraisals: r.appraisals,
                measures: r.measures,
                under_investigation: flag(r.under_investigation),
                note: r.note,
            };
            let id = ApplicationId(r.application);
            let status =
                r.at.run(&app, async |app, a, u, c| {
                    app.camp_review(a, u, c, id, &f).await
                })
                .await?;
            writeln!(out, "application {} {}", r.application, status.code())?;
        }
        SelectionCommand::ExtraTest { at, scores } => {
            let (actor, unit) = unit_actor(&app, &at.user).await?;
            let mut entries = Vec::new();
            for s in &scores {
                let Some((a, v)) = s.split_once('=') else {
                    bail!("{s}: expected APPLICATION=SCORE");
                };
                entries.push(ExamEntry {
                    row: None,
                    application_id: a.trim().to_string(),
                    score: v.trim().to_string(),
                });
            }
            let n = app
                .sel_extra_test_save(&actor, unit, at.campaign, &entries)
                .await
                .map_err(app_err_detail)?;
            writeln!(out, "saved {n} extra-test results")?;
        }
        SelectionCommand::Decisions(r) => {
            let v = r.view(&app, App::dec_view).await?;
            if r.json {
                json_line(&mut out, &v.candidates)?;
                return Ok(0);
            }
            writeln!(
                out,
                "candidate\tname\tpost\tdecision\tdecided_on\tpublicity\tobjections\tappointed_on"
            )?;
            for c in &v.candidates {
                let x = &c.candidate;
                let open = c.objections.iter().filter(|o| o.outcome.is_none()).count();
                writeln!(
                    out,
                    "{}\t{}\t{}\t{}\t{}\t{}\t{} ({} open)\t{}",
                    x.id,
                    c.name,
                    c.post_label,
                    c.outcome.code(),
                    num(c.decided_on),
                    match (x.publicity_start, x.publicity_last) {
                        (Some(s), Some(l)) => format!("{s}..{l}"),
                        _ => "-".into(),
                    },
                    c.objections.len(),
                    open,
                    num(x.appointed_on)
                )?;
            }
        }
        SelectionCommand::Publicity { at, start } => {
            let p = at
                .run(&app, async |app, a, u, c| {
                    app.dec_start_publicity(a, u, c, &start).await
                })
                .await?;
            let days: Vec<String> = p.days.iter().map(|d| d.to_string()).collect();
            writeln!(
                out,
                "publicity {} (last {}), earliest appointment {}",
                days.join(" "),
                p.last,
                p.earliest_appointment
            )?;
        }
        SelectionCommand::Objection {
            at,
            candidate,
            received_on,
            content,
        } => {
            let f = ObjectionForm {
                received_on,
                content,
            };
            let id = at
                .run(&app, async |app, a, u, c| {
                    app.dec_add_objection(a, u, c, candidate, &f).await
                })
                .await?;
            writeln!(out, "objection {id} recorded")?;
        }
        SelectionCommand::Resolve {
            at,
            objection,
            outcome,
            resolution,
        } => {
            let f = ResolveForm {
                outcome,
                resolution,
            };
            at.run(&app, async |app, a, u, c| {
                app.dec_resolve_objection(a, u, c, objection, &f).await
            })
            .await?;
            writeln!(out, "objection {objection} resolved")?;
        }
        SelectionCommand::Appoint {
            at,
            candidate,
            on,
            doc_no,
        } => {
            let f = AppointForm {
                appointed_on: on,
                doc_no,
            };
            let id = at
                .run(&app, async |app, a, u, c| {
                    app.dec_appoint(a, u, c, candidate, &f).await
                })
                .await?;
            writeln!(out, "candidate {candidate} appointed (assignment {id})")?;
        }
        SelectionCommand::Terms(t) => {
            let (a, u) = t.at.read(&app).await?;
            let today = app.sel_today();
            let rows: Vec<_> = app
                .dec_terms(&a, u.id)
                .await
                .map_err(app_err_detail)?
                .into_iter()
                .filter(|r| {
                    let Some(n) = t.within else { return true };
                    let soon =
                        |e: Option<chrono::NaiveDate>| e.is_some_and(|e| ends_within(e, today, n));
                    let overdue =
                        r.probation_review.is_none() && r.probation_end.is_some_and(|e| e < today);
                    soon(r.term_end)
                        || (r.probation_review.is_none() && soon(r.probation_end))
                        || overdue
                })
                .collect();
            if t.json {
                json_line(&mut out, &rows)?;
                return Ok(0);
            }
            writeln!(
                out,
                "candidate\tname\tpost\tappointed_on\tprobation_end\tterm_end\tprobation\tdue"
            )?;
            for r in &rows {
                let due: Vec<&str> = [(r.probation_due, "probation"), (r.term_due, "term")]
                    .iter()
                    .filter(|x| x.0)
                    .map(|x| x.1)
                    .collect();
                writeln!(
                    out,
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    r.candidate_id,
                    r.name,
                    r.post_label,
                    r.appointed_on,
                    num(r.probation_end),
                    num(r.term_end),
                    r.probation_review
                        .as_ref()
                        .map(|x| format!("{} {}", x.result.code(), x.decided_on))
                        .unwrap_or_else(|| "-".into()),
                    due.join(",")
                )?;
            }
        }
        SelectionCommand::Probation(p) => {
            let (actor, unit) = unit_actor(&app, &p.user).await?;
            let f = ProbationForm {
                decided_on: p.decided_on,
                excellent: p.excellent,
                competent: p.competent,
                basic: p.basic,
                incompetent: p.incompetent,
                result: p.result,
                doc_no: p.doc_no,
                note: p.note,
            };
            let r = app
                .dec_probation_review(&actor, unit, p.candidate, &f)
                .await
                .map_err(app_err_detail)?;
            writeln!(out, "candidate {} probation {}", p.candidate, r.code())?;
        }
    }
    Ok(0)
}
