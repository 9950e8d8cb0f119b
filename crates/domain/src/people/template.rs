//! The roster import template (花名册导入模板): its columns with Chinese headers, and the
//! mapping of a file's header row onto person fields.
//!
//! A file's header may use the Chinese header or the field code (`id_number`); a `*` after a
//! header (Excel users mark required columns that way) and surrounding spaces are ignored.
//! Columns may come in any order; unknown columns are ignored and reported; required
//! columns that are missing make the whole file invalid.

use crate::FieldError;

use super::PersonForm;

/// One template column: field code, Chinese header, required, example value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub field: &'static str,
    pub header: &'static str,
    pub required: bool,
    pub example: &'static str,
}

const fn col(
    field: &'static str,
    header: &'static str,
    required: bool,
    example: &'static str,
) -> Column {
    Column {
        field,
        header,
        required,
        example,
    }
}

/// The template's columns, in order.
pub const COLUMNS: &[Column] = &[
    col("name", "姓名", true, "张伟"),
    col("gender", "性别", false, "男"),
    col("id_number", "身份证号", true, "330211198503120017"),
    col("birth_date", "出生日期", false, "1985-03-12"),
    col("ethnicity", "民族", false, "汉族"),
    col("party", "政治面貌", false, "中共党员"),
    col("education", "学历", false, "大学本科"),
    col("work_start", "参加工作时间", false, "2007-08-01"),
    col("unit_join", "进入本单位时间", false, "2015-03-01"),
    col("identity", "身份", true, "公务员"),
    col("establishment", "编制类型", true, "行政编制"),
    col("body", "内设机构", false, ""),
    col("post", "岗位", false, "综合文字"),
    col("rank", "职级", false, "一级科员"),
    col("leader", "班子成员", false, "否"),
    col("leader_role", "班子职务", false, ""),
    col("phone", "联系电话", false, "0574-86000000"),
    col("funding", "经费来源", false, "财政全额拨款"),
    col("basic_pay", "基本工资（元/年）", false, "60000"),
    col("allowances", "津贴补贴（元/年）", false, "36000"),
    col("social_insurance", "社会保险（元/年）", false, "18000"),
    col("housing_fund", "住房公积金（元/年）", false, "12000"),
    col("probation_end", "试用期满日期", false, ""),
];

/// The column of a field code.
pub fn column(field: &str) -> Option<&'static Column> {
    COLUMNS.iter().find(|c| c.field == field)
}

/// The Chinese header of a field (or the field itself).
pub fn header_of(field: &str) -> &str {
    column(field).map(|c| c.header).unwrap_or(field)
}

fn normalise(h: &str) -> String {
    h.trim()
        .trim_end_matches(['*', '＊'])
        .trim()
        .replace(['(', ')'], "")
        .replace(['（', '）'], "")
}

/// How a file's header row maps onto fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderMap {
    /// For each field of [`COLUMNS`] (same order), the file's column index, if present.
    pub index: Vec<Option<usize>>,
    /// Headers that name no field (ignored).
    pub unknown: Vec<String>,
}

impl HeaderMap {
    /// Maps a header row. Errors (field `file`): `header_missing` (with `column`) for each
    /// required column absent, `header_duplicate` for a column given twice.
    pub fn parse(headers: &[String]) -> Result<HeaderMap, Vec<FieldError>> {
        map_headers(
            headers,
            COLUMNS.len(),
            normalise,
            |n| {
                COLUMNS.iter().position(|c| {
                    normalise(c.header) == n || c.field == n || strip_unit(c.header) == n
                })
            },
            |ci| COLUMNS.get(ci).filter(|c| c.required).map(|c| c.header),
        )
    }

    /// The cell of `field` in `row` (blank when the column is absent).
    pub fn cell<'a>(&self, row: &'a [String], field: &str) -> &'a str {
        COLUMNS
            .iter()
            .position(|c| c.field == field)
            .and_then(|ci| self.index.get(ci).copied().flatten())
            .and_then(|i| row.get(i))
            .map(String::as_str)
            .unwrap_or("")
    }

    /// A row as a person form.
    pub fn form(&self, row: &[String]) -> PersonForm {
        let c = |f: &str| self.cell(row, f).to_string();
        PersonForm {
            name: c("name"),
            gender: c("gender"),
            id_number: c("id_number"),
            birth_date: c("birth_date"),
            ethnicity: c("ethnicity"),
            party: c("party"),
            education: c("education"),
            work_start: c("work_start"),
            unit_join: c("unit_join"),
            identity: c("identity"),
            establishment: c("establishment"),
            body: c("body"),
            post: c("post"),
            rank: c("rank"),
            leader: c("leader"),
            leader_role: c("leader_role"),
            phone: c("phone"),
            funding: c("funding"),
            basic_pay: c("basic_pay"),
            allowances: c("allowances"),
            social_insurance: c("social_insurance"),
            housing_fund: c("housing_fund"),
            probation_end: c("probation_end"),
        }
    }
}

/// Maps a file's header row onto a template's `columns` columns (the roster's and the
/// relations' templates): each header is normalised (a blank one skipped) and placed by
/// `position`; the result is, for each column, the file's column index, and the headers that
/// name no column.
/// Errors (field `file`): `header_duplicate` (with `column`) for a column given twice,
/// `header_missing` for each absent column that `required` names a header for.
pub(crate) fn map_headers(
    headers: &[String],
    columns: usize,
    normalise: fn(&str) -> String,
    position: impl Fn(&str) -> Option<usize>,
    required: impl Fn(usize) -> Option<&'static str>,
) -> Result<HeaderMap, Vec<FieldError>> {
    let mut index = vec![None; columns];
    let mut unknown = Vec::new();
    let mut errs = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        let n = normalise(h);
        if n.is_empty() {
            continue;
        }
        match position(&n).and_then(|ci| index.get_mut(ci)) {
            Some(slot @ None) => *slot = Some(i),
            Some(Some(_)) => {
                errs.push(FieldError::new("file", "header_duplicate").with("column", h.trim()))
            }
            None => unknown.push(h.trim().to_string()),
        }
    }
    for (ci, slot) in index.iter().enumerate() {
        if let (None, Some(header)) = (slot, required(ci)) {
            errs.push(FieldError::new("file", "header_missing").with("column", header));
        }
    }
    if errs.is_empty() {
        Ok(HeaderMap { index, unknown })
    } else {
        Err(errs)
    }
}

/// A header without its unit in brackets: `基本工资（元/年）` → `基本工资`.
fn strip_unit(h: &str) -> String {
    h.split(['（', '(']).next().unwrap_or(h).trim().to_string()
}

/// The template's header row.
pub fn headers() -> Vec<String> {
    COLUMNS.iter().map(|c| c.header.to_string()).collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A row of cells from string literals (the template tests' input).
    pub(crate) fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn template_headers_map_onto_themselves() {
        let m = HeaderMap::parse(&headers());
        assert!(m.as_ref().is_ok_and(|m| m.unknown.is_empty()));
        assert!(m.is_ok_and(|m| m.index.iter().all(Option::is_some)));
    }

    #[test]
    fn any_order_codes_stars_and_short_headers() {
        let m = HeaderMap::parse(&s(&[
            "身份证号*",
            "name",
            "备注",
            "身份",
            "编制类型",
            "基本工资",
        ]));
        let Ok(m) = m else {
            unreachable!("headers should map");
        };
        assert_eq!(m.unknown, vec!["备注".to_string()]);
        let row = s(&[
            "330211198503120017",
            "张伟",
            "x",
            "公务员",
            "行政编制",
            "100",
        ]);
        let f = m.form(&row);
        assert_eq!(f.name, "张伟");
        assert_eq!(f.id_number, "330211198503120017");
        assert_eq!(f.basic_pay, "100");
        assert_eq!(f.post, "");
    }

    #[test]
    fn missing_and_duplicate_headers() {
        let e = HeaderMap::parse(&s(&["姓名", "姓名", "身份"]))
            .err()
            .unwrap_or_default();
        let got: Vec<(String, Vec<(String, String)>)> =
            e.into_iter().map(|e| (e.code, e.args)).collect();
        assert_eq!(
            got,
            vec![
                (
                    "header_duplicate".into(),
                    vec![("column".into(), "姓名".into())]
                ),
                (
                    "header_missing".into(),
                    vec![("column".into(), "身份证号".into())]
                ),
                (
                    "header_missing".into(),
                    vec![("column".into(), "编制类型".into())]
                ),
            ]
        );
    }
}
