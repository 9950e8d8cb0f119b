//! `jiguan twoway …`: two-way selection rounds (双向择岗) from the command line: a unit's
//! rounds, a round as JSON, and — on behalf of a named account (audited under it) —
//! opening a round, importing choices, a post's ranking, the match and the apply.

use std::io::Write as _;

use anyhow::{Context, bail};
use clap::{Args, Subcommand};

use jiguan_app::App;
use jiguan_app::twoway::PrefRow;
use jiguan_domain::auth::Actor;
use jiguan_domain::tenancy::UnitId;
use jiguan_domain::twoway::RoundId;

use crate::config::Config;
use crate::ops::{UnitArgs, acting_user, app_err_detail, open_app, read_input};

#[derive(Subcommand)]
pub enum TwowayCommand {
    /// List the rounds of a unit (tab-separated).
    Rounds(UnitArgs),
    /// A round with its posts, people, choices, rankings and result as JSON.
    Show {
        #[command(flatten)]
        at: UnitArgs,
        #[arg(long)]
        round: RoundId,
    },
    /// Open a draft round to staff and heads.
    Open(Acting),
    /// Import choices from an Excel (.xlsx) or CSV file laid out as the page's template
    /// (编号 or 姓名, 志愿1 …, 服从调剂), or from a JSON file (`-`: standard input):
    /// `[{"person":"12","prefs":["31","32"],"accept_adjust":true}, …]`. All rows are
    /// checked (a spreadsheet's errors name the file's row and column); nothing is
    /// written unless every row is valid.
    ImportPrefs {
        #[command(flatten)]
        by: Acting,
        file: String,
    },
    /// Save a post's ranking from a JSON file: `[[person, "1"], [person, "x"], …]`
    /// (position, or `x` for 不接受).
    Rank {
        #[command(flatten)]
        by: Acting,
        #[arg(long)]
        post: i64,
        file: String,
    },
    /// Run the match; prints the result as JSON.
    Match(Acting),
    /// Apply an approved round.
    Apply(Acting),
}

/// `--as USER --round ID`: a step taken on behalf of a unit account.
#[derive(Args)]
pub struct Acting {
    /// The user name the change is audited under.
    #[arg(long = "as")]
    user: String,
    #[arg(long)]
    round: RoundId,
}

impl Acting {
    async fn actor(&self, app: &App) -> anyhow::Result<(Actor, UnitId)> {
        let actor = acting_user(app, &self.user).await?;
        let Some(unit) = actor.unit_id else {
            bail!("user {} is not a unit account", self.user);
        };
        Ok((actor, unit))
    }
}

/// Whether the file is a spreadsheet (by its name, or an xlsx zip by its first bytes).
fn is_table(file: &str) -> bool {
    let f = file.to_ascii_lowercase();
    f.ends_with(".xlsx")
        || f.ends_with(".csv")
        || (file != "-"
            && std::fs::read(file)
                .map(|b| b.starts_with(b"PK\x03\x04"))
                .unwrap_or(false))
}

/// Imports choices from an xlsx/csv file; errors are located at the file's row and
/// column (`rows.N.prefs.M: choice_invalid row=5 column=志愿1 …`).
async fn import_table(
    app: &App,
    a: &Actor,
    u: UnitId,
    round: RoundId,
    file: &str,
) -> anyhow::Result<usize> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {file}"))?;
    let v = app.tw_view(a, u, round).await.map_err(app_err_detail)?;
    let t = jiguan_excel::import::read_table(&bytes, &jiguan_excel::import::Limits::default())
        .map_err(|e| app_err_detail(e.into()))?;
    let sheet =
        jiguan_excel::reports::twoway::prefs_rows(&t, &v).map_err(|e| app_err_detail(e.into()))?;
    if !sheet.errors.is_empty() {
        return Err(app_err_detail(jiguan_app::AppError::Invalid(
            sheet.errors.clone(),
        )));
    }
    match app.tw_import_prefs(a, u, round, &sheet.rows).await {
        Ok(n) => Ok(n),
        Err(jiguan_app::AppError::Invalid(e)) => Err(app_err_detail(
            jiguan_app::AppError::Invalid(sheet.locate(e)),
        )),
        Err(e) => Err(app_err_detail(e)),
    }
}

pub async fn twoway(cfg: &Config, c: TwowayCommand) -> anyhow::Result<u8> {
    let app = open_app(cfg).await?;
    match c {
        TwowayCommand::Rounds(at) => {
            let (a, u) = at.read(&app).await?;
            let mut out = std::io::stdout().lock();
            for r in app.tw_rounds(&a, u.id).await.map_err(app_err_detail)? {
                writeln!(
                    out,
                    "{}\t{}\t{}\t{}\t{} posts",
                    r.id,
                    r.status.code(),
                    r.mode.code(),
                    r.title,
                    r.offers.len()
                )?;
            }
        }
        TwowayCommand::Show { at, round } => {
            let (a, u) = at.read(&app).await?;
            let v = app.tw_view(&a, u.id, round).await.map_err(app_err_detail)?;
            println!("{}", serde_json::to_string(&v)?);
        }
        TwowayCommand::Open(by) => {
            let (a, u) = by.actor(&app).await?;
            app.tw_open(&a, u, by.round).await.map_err(app_err_detail)?;
            println!("round {} open", by.round);
        }
        TwowayCommand::ImportPrefs { by, file } => {
            let (a, u) = by.actor(&app).await?;
            let n = if is_table(&file) {
                import_table(&app, &a, u, by.round, &file).await?
            } else {
                let rows: Vec<PrefRow> = serde_json::from_str(&read_input(&file)?)
                    .context("choices: a JSON array expected")?;
                app.tw_import_prefs(&a, u, by.round, &rows)
                    .await
                    .map_err(app_err_detail)?
            };
            println!("{n} people's choices saved");
        }
        TwowayCommand::Rank { by, post, file } => {
            let (a, u) = by.actor(&app).await?;
            let order: Vec<(i64, String)> = serde_json::from_str(&read_input(&file)?)
                .context("ranking: a JSON array of [person, position] expected")?;
            app.tw_save_ranking(&a, u, by.round, post, &order)
                .await
                .map_err(app_err_detail)?;
            println!("ranking of post {post} saved");
        }
        TwowayCommand::Match(by) => {
            let (a, u) = by.actor(&app).await?;
            let r = app
                .tw_match(&a, u, by.round)
                .await
                .map_err(app_err_detail)?;
            println!("{}", serde_json::to_string(&r)?);
        }
        TwowayCommand::Apply(by) => {
            let (a, u) = by.actor(&app).await?;
            app.tw_apply(&a, u, by.round)
                .await
                .map_err(app_err_detail)?;
            println!("round {} applied", by.round);
        }
    }
    Ok(0)
}
