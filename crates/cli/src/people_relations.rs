//! `jiguan import relations FILE --unit CODE` and `jiguan export relations --unit CODE
//! --out FILE`: declared relations (亲属关系) of a unit from and to Excel, in the five
//! columns of the template (audited as `system`; full ID numbers in the export).

use clap::Args;

use jiguan_app::people::Importer;
use jiguan_web::i18n::{Lang, Tr};

use crate::config::Config;
use crate::ops::open_app;
use crate::people::{ImportStart, UnitArg, app_err, print_row_errors, print_summary, start_import};

/// `import relations`: the file and where it goes.
#[derive(Args)]
pub struct RelationsImport {
    /// The file (xlsx or csv in the template's columns: 人员身份证号, 姓名, 亲属关系,
    /// 亲属身份证号, 亲属姓名).
    file: String,
    // The unit of the people in the first column.
    #[command(flatten)]
    at: UnitArg,
    /// Messages in English instead of Chinese.
    #[arg(long)]
    en: bool,
}

/// `export relations`: the unit and the output file.
#[derive(Args)]
pub struct RelationsExport {
    /// Output file (.xlsx).
    #[arg(long, short)]
    out: String,
    #[command(flatten)]
    at: UnitArg,
}

/// Imports the relations of a file, all or nothing: every error on standard error (row,
/// column, value, reason), exit 2 when refused.
pub async fn import(cfg: &Config, a: RelationsImport) -> anyhow::Result<u8> {
    let ImportStart { tr, app, d, u, t } = start_import(cfg, &a.file, &a.at, a.en).await?;
    let r = app
        .import_relations(Importer::System(d.id), u.id, &t, &a.file)
        .await
        .map_err(|e| app_err(e, tr))?;
    print_row_errors(tr, &r.errors, &r.unknown_columns);
    print_summary(
        tr,
        &[
            ("people.rows", r.rows),
            ("people.created", r.created),
            ("people.unchanged", r.unchanged),
            ("people.invalid_rows", r.invalid_rows),
        ],
        r.written,
        !r.errors.is_empty(),
    );
    Ok(if r.errors.is_empty() { 0 } else { 2 })
}

/// Writes the unit's relations in the template's layout (full ID numbers).
pub async fn export(cfg: &Config, a: RelationsExport) -> anyhow::Result<u8> {
    let tr = Tr::new(Lang::Zh);
    let app = open_app(cfg).await?;
    let (d, u) = a.at.resolve(&app).await?;
    let rows = app
        .system_export_relations(d.id, u.id)
        .await
        .map_err(|e| app_err(e, tr))?;
    let sheet = jiguan_excel::reports::people_relations::relations_sheet(&rows);
    let bytes = jiguan_excel::write_workbook(&[sheet])?;
    crate::ops::write_private(&a.out, &bytes)?;
    println!("{}: {} rows", a.out, rows.len());
    Ok(0)
}
