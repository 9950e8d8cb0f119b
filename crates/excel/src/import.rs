//! Guarded reading of a table (xlsx or csv) for imports.
//!
//! Hostile files get a clear error, never a crash or a hang:
//! - the file size is capped ([`Limits::max_bytes`]);
//! - an xlsx file (a zip) is read by [`crate::stream`]: the number of entries and the
//!   declared sizes are checked first, and every entry read is counted as it inflates
//!   (refused past [`Limits::max_inflated`]), so a zip bomb is refused whatever its
//!   headers claim;
//! - the shared strings are counted and capped in number and bytes before they are held
//!   ([`Limits::max_shared_strings`], [`Limits::max_shared_bytes`]; a declared
//!   `uniqueCount` over the cap is refused at once), held compactly (one buffer);
//! - the worksheet is streamed cell by cell (no dense range, not the sheet's XML), so
//!   a far-away cell such as `XFD1048576` cannot make it allocate;
//! - rows, columns and characters per cell are capped;
//! - formulas are never evaluated: a formula cell gives the value Excel cached in the file
//!   (an error value such as a cached `#REF!` is refused, naming the cell);
//! - the quote an export puts before text starting with = + - @ is taken off again;
//! - CSV may be UTF-8 (with or without BOM) or GBK/GB18030 (what Chinese Excel writes);
//!   comma- or tab-separated; rows may have different lengths.
//!
//! Errors are [`FieldError`]s on the field `file` with codes `import_*` and arguments, so
//! the web layer and the command line show them in the user's language.

use jiguan_domain::FieldError;
use rust_xlsxwriter::{DataValidation, Format, Formula, Workbook};

/// Hard limits of a table import.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest file accepted, in bytes.
    pub max_bytes: usize,
    /// Largest total of inflated zip entries, in bytes.
    pub max_inflated: u64,
    /// Most entries in an xlsx zip.
    pub max_entries: usize,
    /// Most data rows (after the header row).
    pub max_rows: usize,
    /// Most columns.
    pub max_cols: usize,
    /// Most characters in one cell.
    pub max_cell_chars: usize,
    /// Most shared strings an xlsx file may declare or hold.
    pub max_shared_strings: usize,
    /// Most bytes of shared-string text held.
    pub max_shared_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 32 * 1024 * 1024,
            max_inflated: 400 * 1024 * 1024,
            max_entries: 2_000,
            max_rows: 200_000,
            max_cols: 100,
            max_cell_chars: 1_000,
            max_shared_strings: 2_000_000,
            max_shared_bytes: 64 * 1024 * 1024,
        }
    }
}

/// A table read from a file: the first non-empty row is the header; trailing rows whose
/// first filled cell starts with 合计 (the total row of an export) are left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// The file's row number (1-based) of `rows[0]`.
    pub first_row: usize,
    /// Which format the file was read as: `xlsx` or `csv`.
    pub format: &'static str,
}

impl Table {
    /// The first column whose header (trimmed) is one of `names`.
    pub fn column(&self, names: &[&str]) -> Option<usize> {
        self.headers.iter().position(|h| names.contains(&h.trim()))
    }
}

/// The trimmed text of a row's cell in column `i`; empty where there is none.
pub fn cell(row: &[String], i: Option<usize>) -> String {
    i.and_then(|i| row.get(i))
        .map(|s| s.trim().to_string())
        .unwrap_or_default()
}

/// A required column left out of a table: `file`/`import_column_missing` (arg `column`).
pub fn missing_column(col: &str) -> FieldError {
    FieldError::new("file", "import_column_missing").with("column", col)
}

/// The label that starts the total row of an exported table (合计).
pub const TOTAL_LABEL: &str = "合计";

fn err(code: &str) -> FieldError {
    FieldError::new("file", code)
}

/// Reads a table from the bytes of an xlsx or csv file.
pub fn read_table(bytes: &[u8], limits: &Limits) -> Result<Table, FieldError> {
    if bytes.len() > limits.max_bytes {
        return Err(err("import_too_large").with("max_mb", limits.max_bytes / (1024 * 1024)));
    }
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(err("import_empty"));
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        read_xlsx(bytes, limits)
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        Err(err("import_xls"))
    } else {
        read_csv(bytes, limits)
    }
}

/// Builds rows while enforcing the row, column and cell limits.
struct Builder<'a> {
    limits: &'a Limits,
    rows: Vec<Vec<String>>,
    /// File row number (1-based) of `rows[0]`.
    base: Option<usize>,
}

impl Builder<'_> {
    fn put(&mut self, row: usize, col: usize, value: String) -> Result<(), FieldError> {
        let v = value.trim();
        // The quote an export puts before text that a spreadsheet would take for a
        // formula ([`crate::inert`]) is taken off again: an export imports back as it is.
        let v = match v.strip_prefix('\'') {
            Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
            _ => v,
        };
        // The cell's own text when nothing was taken off (most cells): no second copy.
        let v = if v.len() == value.len() {
            value
        } else {
            v.to_string()
        };
        if v.is_empty() {
            return Ok(());
        }
        if col >= self.limits.max_cols {
            return Err(err("import_too_many_columns").with("max", self.limits.max_cols));
        }
        if v.chars().count() > self.limits.max_cell_chars {
            return Err(err("import_cell_too_long")
                .with("row", row)
                .with("column", col + 1)
                .with("max", self.limits.max_cell_chars));
        }
        let base = *self.base.get_or_insert(row);
        if row < base {
            // Cells come in row order; an earlier row after a later one is ignored.
            return Ok(());
        }
        let idx = row - base;
        if idx > self.limits.max_rows {
            return Err(err("import_too_many_rows").with("max", self.limits.max_rows));
        }
        if self.rows.len() <= idx {
            self.rows.resize_with(idx + 1, Vec::new);
        }
        if let Some(r) = self.rows.get_mut(idx) {
            if r.len() <= col {
                r.resize(col + 1, String::new());
            }
            if let Some(c) = r.get_mut(col) {
                *c = v;
            }
        }
        Ok(())
    }

    fn finish(mut self, format: &'static str) -> Result<Table, FieldError> {
        if self.rows.is_empty() {
            return Err(err("import_empty"));
        }
        let headers = self.rows.remove(0);
        // The total row (合计) under an exported table is not data: an export imports
        // back as it is.
        while self.rows.last().is_some_and(|r| {
            r.iter()
                .find(|c| !c.is_empty())
                .is_some_and(|c| c.starts_with(TOTAL_LABEL))
        }) {
            self.rows.pop();
        }
        let base = self.base.unwrap_or(1);
        Ok(Table {
            headers,
            rows: self.rows,
            first_row: base + 1,
            format,
        })
    }
}

fn read_xlsx(bytes: &[u8], limits: &Limits) -> Result<Table, FieldError> {
    let mut b = Builder {
        limits,
        rows: Vec::new(),
        base: None,
    };
    crate::stream::read_cells(bytes, limits, |r, c, text| b.put(r, c, text))?;
    b.finish("xlsx")
}

/// Decodes CSV bytes: UTF-8 (BOM optional), else GB18030 (a superset of GBK).
pub fn decode_text(bytes: &[u8]) -> Result<String, FieldError> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(s) = std::str::from_utf8(body) {
        return Ok(s.to_string());
    }
    let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    if had_errors {
        return Err(err("import_encoding"));
    }
    Ok(text.into_owned())
}

fn read_csv(bytes: &[u8], limits: &Limits) -> Result<Table, FieldError> {
    let text = decode_text(bytes)?;
    if text.contains('\0') {
        return Err(err("import_unreadable"));
    }
    let first_line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let delim = if !first_line.contains(',') && first_line.contains('\t') {
        b'\t'
    } else {
        b','
    };
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delim)
        .from_reader(text.as_bytes());
    let mut b = Builder {
        limits,
        rows: Vec::new(),
        base: None,
    };
    let mut record = csv::StringRecord::new();
    let mut line = 0usize;
    let (mut newlines, mut counted_to) = (0usize, 0usize);
    loop {
        match rdr.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(_) => return Err(err("import_unreadable")),
        }
        // The file line where the record starts: newlines counted up to its byte offset.
        let mut start = record
            .position()
            .map(|p| p.byte() as usize)
            .unwrap_or(counted_to);
        // The reader's position includes the blank lines it skipped.
        while matches!(text.as_bytes().get(start), Some(b'\n' | b'\r')) {
            start += 1;
        }
        if let Some(chunk) = text.as_bytes().get(counted_to..start.max(counted_to)) {
            newlines += chunk.iter().filter(|b| **b == b'\n').count();
        }
        counted_to = start.max(counted_to);
        line = (newlines + 1).max(line + 1);
        if line > limits.max_rows + 2 && b.base.is_none_or(|base| line - base > limits.max_rows) {
            return Err(err("import_too_many_rows").with("max", limits.max_rows));
        }
        if record.len() > limits.max_cols
            && record
                .iter()
                .skip(limits.max_cols)
                .any(|c| !c.trim().is_empty())
        {
            return Err(err("import_too_many_columns").with("max", limits.max_cols));
        }
        for (c, v) in record.iter().enumerate() {
            b.put(line, c, v.to_string())?;
        }
    }
    b.finish("csv")
}

/// Rows of the template that carry the drop-down lists (below the header row).
pub const TEMPLATE_ROWS: u32 = 5000;

/// The sheet that holds the allowed values of the drop-down lists (hidden).
pub const LISTS_SHEET: &str = "数据字典";

/// A drop-down list of one template column: the column's index in `columns`, and its
/// allowed values (数据字典).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnList {
    pub column: usize,
    pub values: Vec<String>,
}

/// The import template: the header row (every column text-formatted so that ID numbers
/// and codes stay text), a second sheet explaining each column, and, for each of `lists`,
/// a data-validation drop-down on the column's first [`TEMPLATE_ROWS`] data rows whose
/// values sit on the hidden sheet [`LISTS_SHEET`] (a range, as inline lists are limited to
/// 255 characters). `columns`: (header, required, example, note).
pub fn template_xlsx(
    sheet: &str,
    help_sheet: &str,
    help_headers: &[&str; 4],
    columns: &[(&str, bool, &str, &str)],
    lists: &[ColumnList],
) -> Result<Vec<u8>, crate::ExcelError> {
    let xe = |e: rust_xlsxwriter::XlsxError| crate::ExcelError::Xlsx(e.to_string());
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold().set_background_color("#E8F0FA");
    let required = Format::new().set_bold().set_background_color("#FDE7E7");
    let text = Format::new().set_num_format("@");
    let ws = wb.add_worksheet();
    ws.set_name(sheet).map_err(xe)?;
    for (c, (h, req, _, _)) in columns.iter().enumerate() {
        let col = u16::try_from(c).map_err(|_| crate::ExcelError::Xlsx("columns".into()))?;
        let f = if *req { &required } else { &bold };
        ws.write_string_with_format(0, col, *h, f).map_err(xe)?;
        ws.set_column_width(col, (h.chars().count() as f64 * 2.2 + 2.0).max(12.0))
            .map_err(xe)?;
        ws.set_column_format(col, &text).map_err(xe)?;
    }
    ws.set_freeze_panes(1, 0).map_err(xe)?;
    for (i, l) in lists.iter().enumerate() {
        let Some((header, ..)) = columns.get(l.column) else {
            continue;
        };
        if l.values.is_empty() {
            continue;
        }
        let col = u16::try_from(l.column).map_err(|_| crate::ExcelError::Xlsx("columns".into()))?;
        let letter = column_letter(i);
        let last = l.values.len() + 1;
        let dv = DataValidation::new()
            .allow_list_formula(Formula::new(format!(
                "'{LISTS_SHEET}'!${letter}$2:${letter}${last}"
            )))
            .set_error_title(header.to_string())
            .map_err(xe)?
            .set_error_message(format!("请从下拉列表中选择{header}"))
            .map_err(xe)?;
        ws.add_data_validation(1, col, TEMPLATE_ROWS, col, &dv)
            .map_err(xe)?;
    }
    let help = wb.add_worksheet();
    help.set_name(help_sheet).map_err(xe)?;
    for (c, h) in help_headers.iter().enumerate() {
        let col = u16::try_from(c).map_err(|_| crate::ExcelError::Xlsx("columns".into()))?;
        help.write_string_with_format(0, col, *h, &bold)
            .map_err(xe)?;
    }
    for (r, (h, req, ex, note)) in columns.iter().enumerate() {
        let row = u32::try_from(r + 1).map_err(|_| crate::ExcelError::Xlsx("rows".into()))?;
        help.write_string(row, 0, *h).map_err(xe)?;
        help.write_string(row, 1, if *req { "是" } else { "" })
            .map_err(xe)?;
        help.write_string(row, 2, *ex).map_err(xe)?;
        help.write_string(row, 3, *note).map_err(xe)?;
    }
    help.set_column_width(0, 22).map_err(xe)?;
    help.set_column_width(2, 24).map_err(xe)?;
    help.set_column_width(3, 60).map_err(xe)?;
    if !lists.is_empty() {
        let ls = wb.add_worksheet();
        ls.set_name(LISTS_SHEET).map_err(xe)?;
        for (i, l) in lists.iter().enumerate() {
            let col = u16::try_from(i).map_err(|_| crate::ExcelError::Xlsx("columns".into()))?;
            let header = columns.get(l.column).map_or("", |c| c.0);
            ls.write_string_with_format(0, col, header, &bold)
                .map_err(xe)?;
            for (r, v) in l.values.iter().enumerate() {
                let row =
                    u32::try_from(r + 1).map_err(|_| crate::ExcelError::Xlsx("rows".into()))?;
                ls.write_string(row, col, v).map_err(xe)?;
            }
            ls.set_column_width(col, 16).map_err(xe)?;
        }
        ls.set_hidden(true);
    }
    wb.save_to_buffer().map_err(xe)
}

/// The letter of a column (0 → A, 25 → Z, 26 → AA).
fn column_letter(mut i: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(char::from(b'A' + (i % 26) as u8));
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    out.iter().rev().collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::{Cell, Sheet, write_workbook};
    use proptest::prelude::*;
    use std::io::{Cursor, Read};

    fn sheet(rows: Vec<Vec<Cell>>) -> Vec<u8> {
        write_workbook(&[Sheet {
            name: "花名册".into(),
            headers: vec![
                "姓名".into(),
                "身份证号".into(),
                "基本工资".into(),
                "出生日期".into(),
            ],
            rows,
            ..Default::default()
        }])
        .unwrap()
    }

    #[test]
    fn reads_xlsx_with_types() {
        let d = chrono::NaiveDate::from_ymd_opt(1985, 3, 12).unwrap();
        let bytes = sheet(vec![
            vec![
                "张伟".into(),
                "330211198503120017".into(),
                Cell::Int(60000),
                Cell::Date(d),
            ],
            vec![],
            vec![
                "李娜".into(),
                Cell::Empty,
                Cell::Money(jiguan_domain::money::Money(123_456)),
            ],
        ]);
        let t = read_table(&bytes, &Limits::default()).unwrap();
        assert_eq!(t.format, "xlsx");
        assert_eq!(t.headers, vec!["姓名", "身份证号", "基本工资", "出生日期"]);
        assert_eq!(t.first_row, 2);
        assert_eq!(
            t.rows[0],
            vec!["张伟", "330211198503120017", "60000", "1985-03-12"]
        );
        assert_eq!(t.rows[2], vec!["李娜", "", "1234.56"]);
    }

    #[test]
    fn leaves_out_the_total_row_of_an_export() {
        let bytes = write_workbook(&[Sheet {
            name: "花名册".into(),
            headers: vec!["单位".into(), "姓名".into(), "基本工资".into()],
            rows: vec![vec![
                "骆驼街道".into(),
                "张伟".into(),
                Cell::Money(jiguan_domain::money::Money(100)),
            ]],
            totals: vec![vec![
                "合计（1 人）".into(),
                Cell::Empty,
                Cell::Money(jiguan_domain::money::Money(100)),
            ]],
            ..Default::default()
        }])
        .unwrap();
        let t = read_table(&bytes, &Limits::default()).unwrap();
        assert_eq!(t.rows, vec![vec!["骆驼街道", "张伟", "1"]]);
        // In CSV too; a 合计 inside the table stays.
        let t = read_table(
            "姓名,数\n合计,1\n张伟,2\n合计,3\n".as_bytes(),
            &Limits::default(),
        )
        .unwrap();
        assert_eq!(t.rows, vec![vec!["合计", "1"], vec!["张伟", "2"]]);
    }

    #[test]
    fn reads_csv_in_utf8_bom_and_gbk() {
        let text = "姓名,身份证号\n张伟,330211198503120017\n\n李娜,\"1,2\"\n";
        for bytes in [
            text.as_bytes().to_vec(),
            [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
            encoding_rs::GBK.encode(text).0.into_owned(),
        ] {
            let t = read_table(&bytes, &Limits::default()).unwrap();
            assert_eq!(t.format, "csv");
            assert_eq!(t.headers, vec!["姓名", "身份证号"]);
            assert_eq!(t.rows[0], vec!["张伟", "330211198503120017"]);
            assert_eq!(t.rows[1], Vec::<String>::new());
            assert_eq!(t.rows[2], vec!["李娜", "1,2"]);
        }
        let tsv = "姓名\t身份证号\n张伟\t1\n";
        let t = read_table(tsv.as_bytes(), &Limits::default()).unwrap();
        assert_eq!(t.rows[0], vec!["张伟", "1"]);
    }

    #[test]
    fn limits_give_clear_errors() {
        let code = |r: Result<Table, FieldError>| r.err().map(|e| e.code);
        let small = Limits {
            max_bytes: 1000,
            max_rows: 3,
            max_cols: 3,
            max_cell_chars: 5,
            ..Limits::default()
        };
        assert_eq!(
            code(read_table(&[b'a'; 2000], &small)),
            Some("import_too_large".into())
        );
        assert_eq!(
            code(read_table(b"  \n ", &small)),
            Some("import_empty".into())
        );
        assert_eq!(
            code(read_table(b"a\n1\n2\n3\n4\n", &small)),
            Some("import_too_many_rows".into())
        );
        assert!(read_table(b"a\n1\n2\n3\n", &small).is_ok());
        assert_eq!(
            code(read_table(b"a,b,c,d\n", &small)),
            Some("import_too_many_columns".into())
        );
        assert_eq!(
            code(read_table(b"abcdef\n", &small)),
            Some("import_cell_too_long".into())
        );
        assert_eq!(
            code(read_table(&[0xD0, 0xCF, 0x11, 0xE0, 1, 2], &small)),
            Some("import_xls".into())
        );
        assert_eq!(
            code(read_table(b"PK\x03\x04garbage", &small)),
            Some("import_unreadable".into())
        );
        assert_eq!(
            code(read_table(&[0xff, 0xfe, 0x80, 0x00, 0x81], &small)),
            Some("import_encoding".into())
        );
        let wide = sheet(vec![vec!["a".into(), "b".into(), "c".into(), "d".into()]]);
        assert_eq!(
            code(read_table(
                &wide,
                &Limits {
                    max_cols: 3,
                    ..Limits::default()
                }
            )),
            Some("import_too_many_columns".into())
        );
    }

    #[test]
    fn zip_bomb_is_refused_before_parsing() {
        // A real workbook whose inflated size exceeds a small cap.
        let rows: Vec<Vec<Cell>> = (0..2000)
            .map(|i| vec![format!("名字{i}").into(), "0".repeat(18).into()])
            .collect();
        let bytes = sheet(rows);
        let limits = Limits {
            max_inflated: 50_000,
            ..Limits::default()
        };
        assert_eq!(
            read_table(&bytes, &limits).err().map(|e| e.code),
            Some("import_zip_bomb".into())
        );
        assert!(read_table(&bytes, &Limits::default()).is_ok());
    }

    #[test]
    fn template_reads_back() {
        let bytes = template_xlsx(
            "花名册",
            "填写说明",
            &["列", "必填", "示例", "说明"],
            &[
                ("姓名", true, "张伟", ""),
                ("身份证号", true, "330211198503120017", "文本"),
                ("民族", false, "汉族", ""),
            ],
            &[ColumnList {
                column: 2,
                values: vec!["汉族".into(), "蒙古族".into(), "回族".into()],
            }],
        )
        .unwrap();
        let t = read_table(&bytes, &Limits::default()).unwrap();
        assert_eq!(t.headers, vec!["姓名", "身份证号", "民族"]);
        assert!(t.rows.is_empty());
        // The drop-down on 民族 (column C) reads the hidden list sheet.
        let mut zip = zip::ZipArchive::new(Cursor::new(&bytes)).unwrap();
        let mut xml = String::new();
        zip.by_name("xl/worksheets/sheet1.xml")
            .unwrap()
            .read_to_string(&mut xml)
            .unwrap();
        assert!(xml.contains("<dataValidation "), "{xml}");
        assert!(xml.contains("sqref=\"C2:C5001\""), "{xml}");
        assert!(
            xml.contains("<formula1>'数据字典'!$A$2:$A$4</formula1>"),
            "{xml}"
        );
    }

    #[test]
    fn column_letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
    }

    /// A workbook zip of the given parts (deflated), with the usual workbook parts around.
    fn zip_with(sheet_xml: &str, sst_xml: Option<&str>) -> Vec<u8> {
        crate::inspect::one_sheet_zip("S", sheet_xml, sst_xml).unwrap()
    }

    #[test]
    fn hostile_shared_strings_are_refused_before_they_are_held() {
        let sheet = r#"<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>"#;
        // Millions of tiny strings in a small file: refused at the cap, however many the
        // file holds (it declares none).
        let n = 3_000_000;
        let mut sst = String::with_capacity(n * 12 + 64);
        sst.push_str("<sst>");
        for _ in 0..n {
            sst.push_str("<si><t>a</t></si>");
        }
        sst.push_str("</sst>");
        let bytes = zip_with(sheet, Some(&sst));
        assert!(bytes.len() < 1_000_000, "{}", bytes.len());
        drop(sst);
        let e = read_table(&bytes, &Limits::default()).unwrap_err();
        assert_eq!(e.code, "import_too_many_strings");
        // A declared count over the cap is refused before any string is read.
        let small = Limits {
            max_shared_strings: 10,
            ..Limits::default()
        };
        let declared = zip_with(
            sheet,
            Some(r#"<sst uniqueCount="22000000"><si><t>a</t></si></sst>"#),
        );
        assert_eq!(
            read_table(&declared, &small).unwrap_err().code,
            "import_too_many_strings"
        );
        // The bytes of text are capped too.
        let big = Limits {
            max_shared_bytes: 1024 * 1024,
            ..Limits::default()
        };
        let mut sst = String::from("<sst>");
        for _ in 0..3000 {
            sst.push_str(&format!("<si><t>{}</t></si>", "字".repeat(200)));
        }
        sst.push_str("</sst>");
        assert_eq!(
            read_table(&zip_with(sheet, Some(&sst)), &big)
                .unwrap_err()
                .code,
            "import_strings_too_large"
        );
        // Under the caps it reads.
        let ok = zip_with(
            sheet,
            Some(
                r#"<sst count="1" uniqueCount="1"><si><r><t>张</t></r><r><t xml:space="preserve">伟 &amp; 1</t></r><rPh><t>zhang</t></rPh></si></sst>"#,
            ),
        );
        assert_eq!(
            read_table(&ok, &Limits::default()).unwrap().headers,
            vec!["张伟 & 1"]
        );
    }

    #[test]
    fn error_values_are_refused_naming_the_cell() {
        let sheet = r#"<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c><c r="B1" t="inlineStr"><is><t>单位</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>张伟</t></is></c><c r="B2" t="e"><f>Sheet2!#REF!</f><v>#REF!</v></c></row></sheetData></worksheet>"#;
        let e = read_table(&zip_with(sheet, None), &Limits::default()).unwrap_err();
        assert_eq!(e.code, "import_cell_error");
        assert_eq!(
            e.args,
            vec![
                ("cell".to_string(), "B2".to_string()),
                ("value".to_string(), "#REF!".to_string())
            ]
        );
        // Typed as text, "#REF!" is text.
        let text = sheet.replace(
            r#"t="e"><f>Sheet2!#REF!</f><v>#REF!</v>"#,
            r#"t="str"><v>#REF!</v>"#,
        );
        assert_eq!(
            read_table(&zip_with(&text, None), &Limits::default())
                .unwrap()
                .rows[0],
            vec!["张伟", "#REF!"]
        );
    }

    #[test]
    fn exported_formula_guards_import_back_as_the_original_text() {
        let texts = ["=1+1", "+86 138", "-2+3", "@SUM(A1)", "'plain", "a=b"];
        let bytes = sheet(texts.iter().map(|t| vec![Cell::from(*t)]).collect());
        let t = read_table(&bytes, &Limits::default()).unwrap();
        let got: Vec<&str> = t.rows.iter().map(|r| r[0].as_str()).collect();
        assert_eq!(got, texts);
        let csv = "姓名\n'=1+1\n'-5\n";
        let t = read_table(csv.as_bytes(), &Limits::default()).unwrap();
        assert_eq!(t.rows, vec![vec!["=1+1"], vec!["-5"]]);
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        #[test]
        fn never_panics_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
            let _ = read_table(&bytes, &Limits::default());
        }

        #[test]
        fn never_panics_on_zip_like_bytes(tail in prop::collection::vec(any::<u8>(), 0..4096)) {
            let bytes = [b"PK\x03\x04".as_slice(), &tail].concat();
            let _ = read_table(&bytes, &Limits::default());
        }

        #[test]
        fn never_panics_on_a_damaged_workbook(pos in 0usize..100_000, val in any::<u8>(), cut in 0usize..100_000) {
            let mut bytes = sheet(vec![vec!["张伟".into(), "330211198503120017".into(), Cell::Int(1)]]);
            let n = bytes.len();
            if let Some(b) = bytes.get_mut(pos % n) {
                *b = val;
            }
            bytes.truncate(n - cut % (n / 2));
            let _ = read_table(&bytes, &Limits::default());
        }
    }
}
