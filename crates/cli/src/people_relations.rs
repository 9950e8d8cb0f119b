//! `jiguan import relations FILE --unit CODE` and `jiguan export relations --unit CODE
//! --out FILE`: declared relations (亲属关系) of a unit from and to Excel, in the five
//! columns of the template (audited as `system`; full ID numbers in the export).

use clap::Args;

use jiguan_app::people::Importer;
use jiguan_web::i18n::{Lang, Tr};

use crate::config::Config;
use crate::ops::open_app;
use crate::people::{app_err, district_of, print_row_errors, read_import_table, unit_of};

/// `import relations`: the file and where it goes.
#[derive(Args)]
pub struct RelationsImport {
    /// The file (xlsx or csv in the template's columns: 人员身份证号, 姓名, 亲属关系,
    /// 亲属身份证号, 亲属姓名).
    file: String,
    /// Unit code, e.g. luotuo: the unit of the people in the first column.
    #[arg(long)]
    unit: String,
    /// District code (default: the only district).
    #[arg(long)]
    district: Option<String>,
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
    /// Unit code, e.g. luotuo.
    #[arg(long)]
    unit: String,
    #[arg(long)]
    district: Option<String>,
}

/// Imports the relations of a file, all or nothing: every error on standard error (row,
/// column, value, reason), exit 2 when refused.
pub async fn import(cfg: &Config, a: RelationsImport) -> anyhow::Result<u8> {
    let tr = Tr::new(if a.en { Lang::En } else { Lang::Zh });
    let app = open_app(cfg).await?;
    let d = district_of(&app, a.district.as_deref()).await?;
    let u = unit_of(&app, &d, &a.unit).await?;
    let t = read_import_table(&a.file, tr)?;
    let r = app
        .import_relations(Importer::System(d.id), u.id, &t, &a.file)
        .await
        .map_err(|e| app_err(e, tr))?;
    print_row_errors(tr, &r.errors, &r.unknown_columns);
    println!(
        "{}: {}  {}: {}  {}: {}  {}: {}  ({})",
        tr.t("people.rows"),
        r.rows,
        tr.t("people.created"),
        r.created,
        tr.t("people.unchanged"),
        r.unchanged,
        tr.t("people.invalid_rows"),
        r.invalid_rows,
        if r.written {
            tr.t("people.import_written")
        } else if r.errors.is_empty() {
            tr.t("people.import_nothing")
        } else {
            tr.t("people.import_refused")
        }
    );
    Ok(if r.errors.is_empty() { 0 } else { 2 })
}

/// Writes the unit's relations in the template's layout (full ID numbers).
pub async fn export(cfg: &Config, a: RelationsExport) -> anyhow::Result<u8> {
    let tr = Tr::new(Lang::Zh);
    let app = open_app(cfg).await?;
    let d = district_of(&app, a.district.as_deref()).await?;
    let u = unit_of(&app, &d, &a.unit).await?;
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
