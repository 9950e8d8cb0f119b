//! `jiguan import roster FILE --unit CODE` and `jiguan export roster|establishment`:
//! the people module's command line (audited as `system`; full ID numbers in exports, as
//! the command line has the database in hand anyway).

use std::sync::Arc;

use anyhow::{Context, bail};
use clap::{Args, Subcommand};

use jiguan_app::people::{ImportMode, ImportOptions, ImportTable, Importer, Progress, RowError};
use jiguan_app::ports::{District, Unit};
use jiguan_app::{App, AppError};
use jiguan_domain::auth::{Actor, Role};
use jiguan_domain::tenancy::UserId;
use jiguan_web::i18n::{Lang, Tr};

use crate::config::Config;
use crate::ops::{bar, open_app};

#[derive(Subcommand)]
pub enum ImportCommand {
    /// Import a roster (花名册, xlsx or csv in the template's columns) into a unit. Every
    /// error is listed (row, column, value, reason); nothing is written unless all rows are
    /// valid, or with --valid-only. Re-importing the same file changes nothing.
    Roster {
        file: String,
        #[command(flatten)]
        at: UnitArg,
        /// Import the valid rows and skip the others.
        #[arg(long)]
        valid_only: bool,
        /// Document number approving rows beyond the establishment (超编审批文号).
        #[arg(long)]
        exception_doc: Option<String>,
        /// Messages in English instead of Chinese.
        #[arg(long)]
        en: bool,
    },
    /// Import declared relations (亲属关系, xlsx or csv: 人员身份证号, 姓名, 亲属关系,
    /// 亲属身份证号, 亲属姓名) of a unit's people. All or nothing: every error is listed;
    /// re-importing the same file changes nothing.
    Relations(crate::people_relations::RelationsImport),
}

#[derive(Subcommand)]
pub enum ExportCommand {
    /// The roster (花名册) of a unit, or of the whole district without --unit.
    Roster(ExportArgs),
    /// The establishment-use table (编制使用情况表) of a unit or the district.
    Establishment(ExportArgs),
    /// The declared relations (亲属关系) of a unit's people, in the import template's layout.
    Relations(crate::people_relations::RelationsExport),
}

/// What an export writes and of which unit (or the whole district).
#[derive(Args)]
pub struct ExportArgs {
    /// Output file (.xlsx).
    #[arg(long, short)]
    out: String,
    #[arg(long)]
    unit: Option<String>,
    #[arg(long)]
    district: Option<String>,
}

pub(crate) fn app_err(e: AppError, tr: Tr) -> anyhow::Error {
    match e {
        AppError::Invalid(list) => {
            let s: Vec<String> = list.iter().map(|f| tr.error(f)).collect();
            anyhow::anyhow!("{}", s.join("; "))
        }
        other => anyhow::anyhow!("{other}"),
    }
}

pub(crate) async fn district_of(app: &App, code: Option<&str>) -> anyhow::Result<District> {
    let all = app.store.list_districts().await?;
    match code {
        Some(c) => all
            .into_iter()
            .find(|d| d.code == c)
            .with_context(|| format!("no district {c}")),
        None => {
            if all.len() != 1 {
                bail!("{} districts: choose one with --district", all.len());
            }
            all.into_iter().next().context("no district")
        }
    }
}

/// The unit a command acts on (`--unit`, `--district`).
#[derive(Args)]
pub struct UnitArg {
    /// Unit code, e.g. luotuo.
    #[arg(long)]
    pub unit: String,
    /// District code (default: the only district).
    #[arg(long)]
    pub district: Option<String>,
}

impl UnitArg {
    /// The district and the unit, or which of them does not exist.
    pub(crate) async fn resolve(&self, app: &App) -> anyhow::Result<(District, Unit)> {
        let d = district_of(app, self.district.as_deref()).await?;
        let u = unit_of(app, &d, &self.unit).await?;
        Ok((d, u))
    }
}

pub(crate) async fn unit_of(app: &App, d: &District, code: &str) -> anyhow::Result<Unit> {
    app.store
        .find_unit(d.id, code)
        .await?
        .with_context(|| format!("no unit {code} in {}", d.code))
}

/// The command line acts as the district administrator with personal-data rights.
fn system_actor(d: &District) -> Actor {
    Actor {
        user_id: UserId(0),
        username: "system".into(),
        display_name: "system".into(),
        district_id: d.id,
        unit_id: None,
        roles: vec![Role::DistrictAdmin],
    }
}

pub async fn import(cfg: &Config, c: ImportCommand) -> anyhow::Result<u8> {
    let (file, at, valid_only, exception_doc, en) = match c {
        ImportCommand::Roster {
            file,
            at,
            valid_only,
            exception_doc,
            en,
        } => (file, at, valid_only, exception_doc, en),
        ImportCommand::Relations(a) => return crate::people_relations::import(cfg, a).await,
    };
    let ImportStart { tr, app, d, u, t } = start_import(cfg, &file, &at, en).await?;
    let pb = bar(t.rows.len() as u64, "import");
    let pb2 = pb.clone();
    let progress: Progress = Arc::new(move |done, total| {
        pb2.set_length(total);
        pb2.set_position(done);
    });
    let opts = ImportOptions {
        mode: if valid_only {
            ImportMode::ValidOnly
        } else {
            ImportMode::AllOrNothing
        },
        exception_doc: exception_doc.unwrap_or_default(),
        on: None,
        file_name: file.clone(),
    };
    let r = app
        .import_roster(Importer::System(d.id), u.id, &t, &opts, Some(progress))
        .await
        .map_err(|e| app_err(e, tr))?;
    pb.finish_and_clear();
    print_row_errors(tr, &r.errors, &r.unknown_columns);
    print_summary(
        tr,
        &[
            ("people.rows", r.rows),
            ("people.created", r.created),
            ("people.updated", r.updated),
            ("people.unchanged", r.unchanged),
            ("people.invalid_rows", r.invalid_rows),
        ],
        r.written,
        !r.errors.is_empty() && !valid_only,
    );
    Ok(if r.errors.is_empty() || r.written {
        0
    } else {
        2
    })
}

/// What every import starts from: the messages' language, the application, the district
/// and unit named, and the file read.
pub(crate) struct ImportStart {
    pub tr: Tr,
    pub app: App,
    pub d: District,
    pub u: Unit,
    pub t: ImportTable,
}

pub(crate) async fn start_import(
    cfg: &Config,
    file: &str,
    at: &UnitArg,
    en: bool,
) -> anyhow::Result<ImportStart> {
    let tr = Tr::new(if en { Lang::En } else { Lang::Zh });
    let app = open_app(cfg).await?;
    let (d, u) = at.resolve(&app).await?;
    let t = read_import_table(file, tr)?;
    Ok(ImportStart { tr, app, d, u, t })
}

/// An import's summary line: the counts, then whether the file was written, refused
/// (`refused`: there were errors and nothing could be written) or changed nothing.
pub(crate) fn print_summary(tr: Tr, counts: &[(&str, usize)], written: bool, refused: bool) {
    let counts: Vec<String> = counts
        .iter()
        .map(|(key, n)| format!("{}: {n}", tr.t(key)))
        .collect();
    let outcome = if written {
        "people.import_written"
    } else if refused {
        "people.import_refused"
    } else {
        "people.import_nothing"
    };
    println!("{}  ({})", counts.join("  "), tr.t(outcome));
}

/// Reads an import file (xlsx or csv) as the import use cases take it.
pub(crate) fn read_import_table(file: &str, tr: Tr) -> anyhow::Result<ImportTable> {
    let bytes = std::fs::read(file).with_context(|| format!("read {file}"))?;
    let table = jiguan_excel::import::read_table(&bytes, &jiguan_excel::import::Limits::default())
        .map_err(|e| anyhow::anyhow!("{file}: {}", tr.error(&e)))?;
    Ok(ImportTable {
        headers: table.headers,
        rows: table.rows,
        first_row: table.first_row,
    })
}

/// Every row error of an import on standard error (row, column, value, reason), then the
/// columns the template does not know.
pub(crate) fn print_row_errors(tr: Tr, errors: &[RowError], unknown_columns: &[String]) {
    for e in errors {
        eprintln!(
            "{} {}\t{}\t{}\t{}",
            tr.t("people.row"),
            e.row,
            e.column,
            e.value,
            tr.error(&e.error)
        );
    }
    if !unknown_columns.is_empty() {
        eprintln!(
            "{} {}",
            tr.t("people.unknown_columns"),
            unknown_columns.join(", ")
        );
    }
}

pub async fn export(cfg: &Config, c: ExportCommand) -> anyhow::Result<u8> {
    let tr = Tr::new(Lang::Zh);
    let app = open_app(cfg).await?;
    let (
        ExportArgs {
            out,
            unit,
            district,
        },
        roster,
    ) = match c {
        ExportCommand::Roster(a) => (a, true),
        ExportCommand::Establishment(a) => (a, false),
        ExportCommand::Relations(a) => return crate::people_relations::export(cfg, a).await,
    };
    let d = district_of(&app, district.as_deref()).await?;
    let actor = system_actor(&d);
    let unit = match unit {
        Some(code) => Some(unit_of(&app, &d, &code).await?.id),
        None => None,
    };
    let sheet = if roster {
        let rows = app
            .export_people(&actor, unit)
            .await
            .map_err(|e| app_err(e, tr))?;
        jiguan_excel::reports::people::roster_sheet(&tr, &rows)
    } else {
        let units = match unit {
            Some(u) => vec![
                app.unit_establishment(&actor, u)
                    .await
                    .map_err(|e| app_err(e, tr))?,
            ],
            None => app
                .district_establishment(&actor)
                .await
                .map_err(|e| app_err(e, tr))?,
        };
        jiguan_excel::reports::people::establishment_sheet(&tr, &units)
    };
    let n = sheet.rows.len();
    let bytes = jiguan_excel::write_workbook(&[sheet])?;
    crate::ops::write_private(&out, &bytes)?;
    println!("{out}: {n} rows");
    Ok(0)
}
