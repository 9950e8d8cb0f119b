//! The import template of declared relations (亲属关系导入模板): five columns with Chinese
//! headers, the layout of the relations export too (an export imports back as it is).
//!
//! A file's header may use the Chinese header or the field code; a `*` after a header and
//! surrounding spaces are ignored; columns may come in any order; unknown columns are
//! ignored and reported; every column is required (the names guard against a mistyped ID
//! number that happens to be another person's).

use serde::Serialize;

use crate::FieldError;

use super::template::{HeaderMap, map_headers};

/// One column: field code, Chinese header, example value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RelationColumn {
    pub field: &'static str,
    pub header: &'static str,
    pub example: &'static str,
}

/// The template's columns, in order.
pub const RELATION_COLUMNS: &[RelationColumn] = &[
    RelationColumn {
        field: "person_id_number",
        header: "人员身份证号",
        example: "330211198503120017",
    },
    RelationColumn {
        field: "person_name",
        header: "姓名",
        example: "张伟",
    },
    RelationColumn {
        field: "relation",
        header: "亲属关系",
        example: "配偶",
    },
    RelationColumn {
        field: "relative_id_number",
        header: "亲属身份证号",
        example: "330211198706150026",
    },
    RelationColumn {
        field: "relative_name",
        header: "亲属姓名",
        example: "李娜",
    },
];

/// The Chinese header of a field of the template (or the field itself).
pub fn relation_header_of(field: &str) -> &str {
    RELATION_COLUMNS
        .iter()
        .find(|c| c.field == field)
        .map(|c| c.header)
        .unwrap_or(field)
}

/// The template's header row.
pub fn relation_headers() -> Vec<String> {
    RELATION_COLUMNS
        .iter()
        .map(|c| c.header.to_string())
        .collect()
}

fn normalise(h: &str) -> String {
    h.trim().trim_end_matches(['*', '＊']).trim().to_string()
}

/// One row in the template's layout: a data row read through a [`RelationHeaderMap`], and
/// a row of the relations export (`RelationExportRow` in the API).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema),
    schema(
        as = RelationExportRow,
        description = "One row of the relations export, in the template's layout."
    )
)]
pub struct RelationRow {
    /// The person's ID number: full for `PeopleSensitive`, else masked.
    pub person_id_number: String,
    pub person_name: String,
    /// The relation's Chinese name (配偶, 父母 …).
    pub relation: String,
    pub relative_id_number: String,
    pub relative_name: String,
}

/// How a file's header row maps onto the template's columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelationHeaderMap {
    /// For each column of [`RELATION_COLUMNS`] (same order), the file's column index.
    pub index: Vec<usize>,
    /// Headers that name no column (ignored).
    pub unknown: Vec<String>,
}

impl RelationHeaderMap {
    /// Maps a header row. Errors (field `file`): `header_missing` (with `column`) for each
    /// column absent, `header_duplicate` for a column given twice.
    pub fn parse(headers: &[String]) -> Result<Self, Vec<FieldError>> {
        let HeaderMap { index, unknown } = map_headers(
            headers,
            RELATION_COLUMNS.len(),
            normalise,
            |n| {
                RELATION_COLUMNS
                    .iter()
                    .position(|c| c.header == n || c.field == n)
            },
            |ci| RELATION_COLUMNS.get(ci).map(|c| c.header),
        )?;
        Ok(RelationHeaderMap {
            index: index.into_iter().flatten().collect(),
            unknown,
        })
    }

    fn cell(&self, row: &[String], col: usize) -> String {
        self.index
            .get(col)
            .and_then(|i| row.get(*i))
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    }

    /// A data row's five cells (trimmed; blank when the file's row is short).
    pub fn row(&self, row: &[String]) -> RelationRow {
        RelationRow {
            person_id_number: self.cell(row, 0).to_uppercase(),
            person_name: self.cell(row, 1),
            relation: self.cell(row, 2),
            relative_id_number: self.cell(row, 3).to_uppercase(),
            relative_name: self.cell(row, 4),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::people::template::tests::s;

    #[test]
    fn headers_in_any_order_with_stars_and_codes() {
        let m = RelationHeaderMap::parse(&s(&[
            "亲属姓名",
            "备注",
            "relation",
            "人员身份证号*",
            "亲属身份证号",
            "姓名",
        ]));
        let Ok(m) = m else {
            unreachable!("headers should map")
        };
        assert_eq!(m.unknown, vec!["备注".to_string()]);
        let r = m.row(&s(&[
            "李娜",
            "x",
            "配偶",
            "33021119850312001x",
            " 330211 ",
            "张伟",
        ]));
        assert_eq!(r.person_id_number, "33021119850312001X");
        assert_eq!(r.relative_id_number, "330211");
        assert_eq!(
            (r.person_name.as_str(), r.relative_name.as_str()),
            ("张伟", "李娜")
        );
        assert_eq!(r.relation, "配偶");
        assert!(RelationHeaderMap::parse(&relation_headers()).is_ok());
    }

    #[test]
    fn missing_and_duplicate_columns_are_named() {
        let e = RelationHeaderMap::parse(&s(&["姓名", "姓名", "亲属关系", "人员身份证号"]))
            .err()
            .unwrap_or_default();
        let got: Vec<(String, String)> = e
            .into_iter()
            .map(|e| {
                (
                    e.code,
                    e.args.first().map(|a| a.1.clone()).unwrap_or_default(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("header_duplicate".into(), "姓名".into()),
                ("header_missing".into(), "亲属身份证号".into()),
                ("header_missing".into(), "亲属姓名".into()),
            ]
        );
    }
}
