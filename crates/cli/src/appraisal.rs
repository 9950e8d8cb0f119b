//! `jiguan appraisal …`: annual and periodic appraisal (年度考核 / 平时考核) from the command
//! line, on behalf of a named account (audited under it), through the same use cases as the
//! pages: list and show cycles, create one, import scores from an xlsx/csv file, grade (the
//! proposal from the score bands kept within the 优秀 quota; grades beyond it are refused
//! with the quota arithmetic), take the workflow steps, print the results as a table or JSON.
//!
//! Invalid input exits 2 with one line per field on stderr: the field, the message (Chinese
//! by default, `--lang en`) and the code; nothing is written.

use std::collections::BTreeMap;
use std::io::Write as _;

use anyhow::bail;
use clap::{Args, Subcommand, ValueEnum};
use rust_decimal::Decimal;
use serde::Serialize;

use jiguan_app::appraisal::{GradeForm, GradingView};
use jiguan_app::workflow::SimpleStep;
use jiguan_app::{App, AppError};
use jiguan_domain::FieldError;
use jiguan_domain::appraisal::cycle::CycleForm;
use jiguan_domain::appraisal::grading::Quota;
use jiguan_domain::appraisal::scores::Source;
use jiguan_domain::appraisal::{CycleId, Grade, ParticipantId};
use jiguan_domain::auth::Actor;
use jiguan_domain::tenancy::UnitId;
use jiguan_domain::workflow::Step;
use jiguan_web::i18n::{Lang, Tr};

use crate::config::Config;
use crate::ops::{acting_user, open_app, read_input, read_input_bytes};

#[derive(Subcommand)]
pub enum AppraisalCommand {
    /// The unit's cycles (tab-separated: id, kind, year, quarter, status, title).
    Cycles {
        #[command(flatten)]
        by: As,
        /// Print JSON instead of the table.
        #[arg(long)]
        json: bool,
    },
    /// A cycle: every participant with the score, the proposed and the saved grade, and
    /// the 优秀 quota of each group and of the unit.
    Show(CycleRead),
    /// Create a draft cycle of the unit; prints its id.
    Create {
        #[command(flatten)]
        by: As,
        #[arg(long)]
        year: String,
        /// `annual` (年度考核) or `periodic` (平时考核, with --quarter).
        #[arg(long, default_value = "annual")]
        kind: String,
        #[arg(long, default_value = "")]
        quarter: String,
        /// Default: `<year>年度考核` or `<year>年第<q>季度平时考核`.
        #[arg(long)]
        title: Option<String>,
        /// The day scoring ends (YYYY-MM-DD).
        #[arg(long, default_value = "")]
        due: String,
    },
    /// Import named scores from an xlsx or csv file (`-`: standard input) while the cycle is
    /// scoring: 姓名 or 编号, 评分类别, 评分人, 总分 or one column per indicator. One bad
    /// row and nothing is imported.
    Import {
        #[command(flatten)]
        by: As,
        #[arg(long)]
        cycle: CycleId,
        file: String,
    },
    /// Grade a cycle in grading. Without --save: print the proposal (score bands, 优秀
    /// kept within each group's and the unit's quota by score). With --save: save it, with
    /// the grades of --set and of --file replacing the proposal. Grades beyond the quota,
    /// or 基本称职/不称职 without a reason, are refused and nothing is saved.
    Grade {
        #[command(flatten)]
        by: As,
        #[arg(long)]
        cycle: CycleId,
        /// `PARTICIPANT=GRADE` or `PARTICIPANT=GRADE:REASON` (grade by code or label);
        /// repeatable.
        #[arg(long = "set")]
        set: Vec<String>,
        /// A JSON file `[{"participant_id":"3","grade":"excellent","reason":""}, …]`.
        #[arg(long)]
        file: Option<String>,
        /// Save (otherwise only print).
        #[arg(long)]
        save: bool,
        #[arg(long)]
        json: bool,
    },
    /// A step of the workflow: open, score, grade, publish, close (the HR office);
    /// confirm --doc-no (the 考核委员会) or send-back --reason.
    Step {
        #[command(flatten)]
        by: As,
        #[arg(long)]
        cycle: CycleId,
        step: StepArg,
        /// The committee's decision number (confirm).
        #[arg(long, default_value = "")]
        doc_no: String,
        /// Why the grades go back to scoring (send-back).
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// The results of a cycle: name, score, grade or the reason not graded.
    Results(CycleRead),
}

// What reading one cycle takes: who, which cycle, and JSON or the table.
#[derive(Args)]
pub struct CycleRead {
    #[command(flatten)]
    by: As,
    #[arg(long)]
    cycle: CycleId,
    #[arg(long)]
    json: bool,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum StepArg {
    Open,
    Score,
    Grade,
    Confirm,
    SendBack,
    Publish,
    Close,
}

/// `--as USER [--lang zh|en]`: the unit account the command acts for.
#[derive(Args)]
pub struct As {
    #[arg(long = "as")]
    user: String,
    /// Language of the error messages: zh (default) or en.
    #[arg(long, default_value = "zh")]
    lang: String,
}

impl As {
    async fn actor(&self, app: &App) -> anyhow::Result<(Actor, UnitId)> {
        let actor = acting_user(app, &self.user).await?;
        let Some(unit) = actor.unit_id else {
            bail!("user {} is not a unit account", self.user);
        };
        Ok((actor, unit))
    }
    fn tr(&self) -> Tr {
        Tr::new(Lang::from_code(&self.lang).unwrap_or(Lang::Zh))
    }
}

/// What went wrong: invalid input (exit 2, every field) or anything else (exit 1).
enum Failure {
    Invalid(Vec<FieldError>),
    Other(anyhow::Error),
}

impl From<AppError> for Failure {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Invalid(list) => Failure::Invalid(list),
            other => Failure::Other(anyhow::anyhow!("{other}")),
        }
    }
}

impl From<FieldError> for Failure {
    fn from(e: FieldError) -> Self {
        Failure::Invalid(vec![e])
    }
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Self {
        Failure::Other(e)
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Failure::Other(e.into())
    }
}

impl From<serde_json::Error> for Failure {
    fn from(e: serde_json::Error) -> Self {
        Failure::Other(e.into())
    }
}

fn by_of(c: &AppraisalCommand) -> &As {
    match c {
        AppraisalCommand::Cycles { by, .. }
        | AppraisalCommand::Show(CycleRead { by, .. })
        | AppraisalCommand::Create { by, .. }
        | AppraisalCommand::Import { by, .. }
        | AppraisalCommand::Grade { by, .. }
        | AppraisalCommand::Step { by, .. }
        | AppraisalCommand::Results(CycleRead { by, .. }) => by,
    }
}

pub async fn appraisal(cfg: &Config, c: AppraisalCommand) -> anyhow::Result<u8> {
    let tr = by_of(&c).tr();
    let app = open_app(cfg).await?;
    match run(&app, c).await {
        Ok(()) => Ok(0),
        Err(Failure::Other(e)) => Err(e),
        Err(Failure::Invalid(list)) => {
            let mut err = std::io::stderr().lock();
            for e in &list {
                writeln!(err, "{}: {} [{}]", e.field, tr.error(e), e.code)?;
            }
            Ok(2)
        }
    }
}

fn dec(d: Option<Decimal>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

fn grade_zh(g: Option<Grade>) -> &'static str {
    g.map(Grade::zh).unwrap_or("")
}

fn quota_line(q: &Quota) -> String {
    let group = if q.group.is_empty() {
        "全单位"
    } else {
        &q.group
    };
    format!(
        "{group}\t定等 {} 人\t比例 {}%\t优秀最多 {} 名\t现 {} 名{}",
        q.base,
        q.rate_pct,
        q.max,
        q.excellent,
        if q.exceeded() { "\t超出" } else { "" }
    )
}

/// One participant of a proposal.
#[derive(Debug, Clone, Serialize)]
struct Proposed {
    participant_id: ParticipantId,
    name: String,
    group: String,
    score: Option<Decimal>,
    /// From the score bands.
    banded: Option<Grade>,
    /// Within the quota.
    proposed: Option<Grade>,
    /// The grade saved or set.
    grade: Option<Grade>,
    reason: String,
}

/// The proposal from the score bands with 优秀 kept within the quota: in each group, and
/// then in the unit, the 优秀 proposals beyond the places go to 称职, lowest score first
/// (ties: the later participant). Not-graded and unscored participants get no proposal.
fn propose(v: &GradingView) -> Vec<Proposed> {
    let mut out: Vec<Proposed> = v
        .rows
        .iter()
        .map(|r| Proposed {
            participant_id: r.participant.id,
            name: r.participant.name.clone(),
            group: r.participant.group.clone(),
            score: r.explained.score,
            banded: r.proposed,
            proposed: r.proposed,
            grade: r.participant.grade,
            reason: r.participant.reason.clone(),
        })
        .collect();
    let unit_max = v.quotas.iter().find(|q| q.group.is_empty()).map(|q| q.max);
    let mut clip = |filter: &dyn Fn(&Proposed) -> bool, max: u32| {
        let mut idx: Vec<usize> = (0..out.len())
            .filter(|&i| filter(&out[i]) && out[i].proposed == Some(Grade::Excellent))
            .collect();
        // Best first: higher score, then earlier.
        idx.sort_by(|&a, &b| out[b].score.cmp(&out[a].score).then(a.cmp(&b)));
        for &i in idx.iter().skip(max as usize) {
            out[i].proposed = Some(Grade::Competent);
        }
    };
    for q in v.quotas.iter().filter(|q| !q.group.is_empty()) {
        let g = q.group.clone();
        clip(&move |p: &Proposed| p.group == g, q.max);
    }
    if let Some(max) = unit_max {
        clip(&|_| true, max);
    }
    out
}

/// `PARTICIPANT=GRADE[:REASON]`.
fn parse_set(i: usize, s: &str) -> Result<GradeForm, FieldError> {
    let Some((pid, rest)) = s.split_once('=') else {
        return Err(FieldError::new(format!("set[{i}]"), "choice_invalid"));
    };
    let (grade, reason) = rest.split_once([':', '：']).unwrap_or((rest, ""));
    Ok(GradeForm {
        participant_id: pid.trim().into(),
        grade: grade.trim().into(),
        reason: reason.trim().into(),
    })
}

async fn run(app: &App, c: AppraisalCommand) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    match c {
        AppraisalCommand::Cycles { by, json } => {
            let (a, u) = by.actor(app).await?;
            let cs = app.apr_cycles(&a, u).await?;
            if json {
                writeln!(out, "{}", serde_json::to_string(&cs)?)?;
            } else {
                for c in cs {
                    writeln!(
                        out,
                        "{}\t{}\t{}\t{}\t{}\t{}",
                        c.id,
                        c.kind.code(),
                        c.year,
                        c.quarter.map(|q| q.to_string()).unwrap_or_default(),
                        c.status.code(),
                        c.title
                    )?;
                }
            }
        }
        AppraisalCommand::Show(CycleRead { by, cycle, json }) => {
            let (a, u) = by.actor(app).await?;
            let v = app.apr_grading(&a, u, cycle).await?;
            if json {
                writeln!(out, "{}", serde_json::to_string(&v)?)?;
            } else {
                let c = &v.cycle;
                writeln!(out, "{}\t{}\t{}", c.id, c.title, c.status.zh())?;
                writeln!(
                    out,
                    "编号\t姓名\t考核组\t得分\t建议等次\t等次\t不定等次原因"
                )?;
                for r in &v.rows {
                    let p = &r.participant;
                    writeln!(
                        out,
                        "{}\t{}\t{}\t{}\t{}\t{}\t{}",
                        p.id,
                        p.name,
                        p.group,
                        dec(r.explained.score),
                        grade_zh(r.proposed),
                        grade_zh(p.grade),
                        p.ungraded.map(|x| x.zh()).unwrap_or("")
                    )?;
                }
                for q in &v.quotas {
                    writeln!(out, "{}", quota_line(q))?;
                }
            }
        }
        AppraisalCommand::Create {
            by,
            year,
            kind,
            quarter,
            title,
            due,
        } => {
            let (a, u) = by.actor(app).await?;
            let title = title.unwrap_or_else(|| {
                if quarter.trim().is_empty() {
                    format!("{year}年度考核")
                } else {
                    format!("{year}年第{quarter}季度平时考核")
                }
            });
            let f = CycleForm {
                title,
                kind,
                year,
                quarter,
                due_on: due,
            };
            let id = app.apr_create_cycle(&a, u, &f).await?;
            writeln!(out, "{id}")?;
        }
        AppraisalCommand::Import { by, cycle, file } => {
            let (a, u) = by.actor(app).await?;
            let bytes = read_input_bytes(&file)?;
            let ps = app.apr_participants(&a, u, cycle).await?;
            let t =
                jiguan_excel::import::read_table(&bytes, &jiguan_excel::import::Limits::default())?;
            let forms = jiguan_excel::reports::appraisal::score_forms(&t, &ps)?;
            let n = app
                .apr_add_scores(&a, u, cycle, &forms, Source::Import)
                .await?;
            writeln!(out, "{n} scores imported")?;
        }
        AppraisalCommand::Grade {
            by,
            cycle,
            set,
            file,
            save,
            json,
        } => {
            let (a, u) = by.actor(app).await?;
            let v = app.apr_grading(&a, u, cycle).await?;
            let mut props = propose(&v);
            // The grades given replace the proposal.
            let mut given: Vec<GradeForm> = Vec::new();
            if let Some(f) = file {
                let rows: Vec<GradeForm> = serde_json::from_str(&read_input(&f)?)
                    .map_err(|_| FieldError::new("file", "json_invalid"))?;
                given.extend(rows);
            }
            for (i, s) in set.iter().enumerate() {
                given.push(parse_set(i, s)?);
            }
            let mut forms: BTreeMap<String, GradeForm> = props
                .iter()
                .filter_map(|p| {
                    p.proposed.map(|g| {
                        (
                            p.participant_id.to_string(),
                            GradeForm {
                                participant_id: p.participant_id.to_string(),
                                grade: g.code().into(),
                                reason: p.reason.clone(),
                            },
                        )
                    })
                })
                .collect();
            for g in given {
                forms.insert(g.participant_id.trim().to_string(), g);
            }
            for p in &mut props {
                if let Some(f) = forms.get(&p.participant_id.to_string()) {
                    p.grade = Grade::from_code(f.grade.trim())
                        .or_else(|| Grade::parse("grade", &f.grade).ok());
                    p.reason = f.reason.clone();
                }
            }
            if save {
                let list: Vec<GradeForm> = forms.into_values().collect();
                app.apr_save_grades(&a, u, cycle, &list).await?;
            }
            if json {
                writeln!(
                    out,
                    "{}",
                    serde_json::json!({"saved": save, "rows": props, "quotas": v.quotas})
                )?;
            } else {
                writeln!(
                    out,
                    "编号\t姓名\t考核组\t得分\t分档等次\t建议等次\t拟定等次\t理由"
                )?;
                for p in &props {
                    writeln!(
                        out,
                        "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                        p.participant_id,
                        p.name,
                        p.group,
                        dec(p.score),
                        grade_zh(p.banded),
                        grade_zh(p.proposed),
                        grade_zh(p.grade),
                        p.reason
                    )?;
                }
                if save {
                    let v = app.apr_grading(&a, u, cycle).await?;
                    for q in &v.quotas {
                        writeln!(out, "{}", quota_line(q))?;
                    }
                    writeln!(out, "saved")?;
                }
            }
        }
        AppraisalCommand::Step {
            by,
            cycle,
            step,
            doc_no,
            reason,
        } => {
            let (a, u) = by.actor(app).await?;
            match step {
                StepArg::Confirm => {
                    app.step_plan(&a, u, cycle, SimpleStep::Approve(&doc_no))
                        .await?
                }
                StepArg::SendBack => {
                    app.step_plan(&a, u, cycle, SimpleStep::Reject(&reason))
                        .await?
                }
                other => {
                    let s = match other {
                        StepArg::Open => Step::Open,
                        StepArg::Score => Step::Score,
                        StepArg::Grade => Step::Grade,
                        StepArg::Publish => Step::Publish,
                        _ => Step::Close,
                    };
                    app.apr_step(&a, u, cycle, s).await?
                }
            }
            let c = app.apr_cycle(&a, u, cycle).await?;
            writeln!(out, "{}\t{}", c.status.code(), c.status.zh())?;
        }
        AppraisalCommand::Results(CycleRead { by, cycle, json }) => {
            let (a, u) = by.actor(app).await?;
            let v = app.apr_grading(&a, u, cycle).await?;
            #[derive(Serialize)]
            struct Row<'a> {
                participant_id: ParticipantId,
                person_id: i64,
                name: &'a str,
                group: &'a str,
                score: Option<Decimal>,
                grade: Option<Grade>,
                grade_label: &'a str,
                ungraded: Option<&'a str>,
                reason: &'a str,
            }
            let rows: Vec<Row> = v
                .rows
                .iter()
                .map(|r| {
                    let p = &r.participant;
                    Row {
                        participant_id: p.id,
                        person_id: p.person_id,
                        name: &p.name,
                        group: &p.group,
                        score: p.score.or(r.explained.score),
                        grade: p.grade.filter(|_| p.ungraded.is_none()),
                        grade_label: grade_zh(p.grade.filter(|_| p.ungraded.is_none())),
                        ungraded: p.ungraded.map(|x| x.code()),
                        reason: &p.reason,
                    }
                })
                .collect();
            if json {
                writeln!(
                    out,
                    "{}",
                    serde_json::json!({
                        "cycle": v.cycle,
                        "results": rows,
                        "quotas": v.quotas,
                    })
                )?;
            } else {
                writeln!(out, "编号\t姓名\t得分\t等次\t不定等次原因\t理由")?;
                for (r, row) in rows.iter().zip(&v.rows) {
                    writeln!(
                        out,
                        "{}\t{}\t{}\t{}\t{}\t{}",
                        r.participant_id,
                        r.name,
                        dec(r.score),
                        r.grade_label,
                        row.participant.ungraded.map(|x| x.zh()).unwrap_or(""),
                        r.reason
                    )?;
                }
            }
        }
    }
    Ok(())
}
