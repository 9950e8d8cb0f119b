//! Declared relations (亲属关系) of a unit: the export and the import template, in the
//! same five columns (人员身份证号, 姓名, 亲属关系, 亲属身份证号, 亲属姓名), so that an
//! export imports back as it is. The relation is written by its Chinese name.

use jiguan_app::people::RelationExportRow;
use jiguan_domain::people::relation::RelationKind;
use jiguan_domain::people::relation_template::{RELATION_COLUMNS, relation_headers};

use crate::import::ColumnList;
use crate::{Cell, ExcelError, Sheet};

/// The sheet's name, in the export and the template alike.
pub const SHEET: &str = "亲属关系";

/// The relations sheet (亲属关系), one row per recorded relation.
pub fn relations_sheet(rows: &[RelationExportRow]) -> Sheet {
    Sheet {
        name: SHEET.into(),
        headers: relation_headers(),
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    Cell::from(r.person_id_number.as_str()),
                    r.person_name.as_str().into(),
                    r.relation.as_str().into(),
                    r.relative_id_number.as_str().into(),
                    r.relative_name.as_str().into(),
                ]
            })
            .collect(),
        ..Default::default()
    }
}

fn help(field: &str) -> &'static str {
    match field {
        "person_id_number" => "本单位人员的 18 位身份证号（以文本格式填写）",
        "person_name" => "须与该身份证号登记的姓名一致",
        "relation" => {
            "亲属是该人员的什么人：从下拉列表中选择（夫妻、直系血亲、三代以内旁系血亲、近姻亲共 19 种）"
        }
        "relative_id_number" => "亲属的 18 位身份证号；亲属须是本区登记的人员（可在其他单位）",
        "relative_name" => "须与亲属身份证号登记的姓名一致",
        _ => "",
    }
}

/// The import template: the five columns (all required, text-formatted), a sheet
/// explaining them, and a drop-down of the 19 relations (by Chinese name) on 亲属关系.
pub fn relations_template() -> Result<Vec<u8>, ExcelError> {
    let cols: Vec<(&str, bool, &str, &str)> = RELATION_COLUMNS
        .iter()
        .map(|c| (c.header, true, c.example, help(c.field)))
        .collect();
    let relation_col = RELATION_COLUMNS
        .iter()
        .position(|c| c.field == "relation")
        .unwrap_or(2);
    let lists = [ColumnList {
        column: relation_col,
        values: RelationKind::ALL
            .iter()
            .map(|k| k.zh().to_string())
            .collect(),
    }];
    crate::import::template_xlsx(
        SHEET,
        "填写说明",
        &["列名", "必填", "示例", "说明"],
        &cols,
        &lists,
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::import::{Limits, read_table};

    #[test]
    fn export_reads_back_in_the_template_layout() {
        let rows = vec![RelationExportRow {
            person_id_number: "330211198503120017".into(),
            person_name: "张伟".into(),
            relation: "配偶".into(),
            relative_id_number: "33021119870615002X".into(),
            relative_name: "李娜".into(),
        }];
        let bytes = crate::write_workbook(&[relations_sheet(&rows)]).unwrap();
        let t = read_table(&bytes, &Limits::default()).unwrap();
        assert_eq!(t.headers, relation_headers());
        assert_eq!(
            t.rows,
            vec![vec![
                "330211198503120017",
                "张伟",
                "配偶",
                "33021119870615002X",
                "李娜"
            ]]
        );
        // The template's header row is the same, and its drop-down lists the 19 relations.
        let tpl = read_table(&relations_template().unwrap(), &Limits::default()).unwrap();
        assert_eq!(tpl.headers, relation_headers());
        let sheets = crate::inspect::read(&relations_template().unwrap()).unwrap();
        assert_eq!(sheets.len(), 3);
    }
}
