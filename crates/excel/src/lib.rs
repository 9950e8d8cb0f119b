//! Excel (xlsx) export and, in [`import`] (people module), guarded import of tables.
//!
//! Export: [`Sheet`]s of typed cells become one workbook. Every sheet is one table: an
//! optional title row (the unit and the date the figures are for, written once), a bold
//! header row that is frozen and repeated on every printed page, the data rows under an
//! autofilter, then the total rows (合计) in bold below the filtered range, so sorting or
//! filtering never moves them. Columns are as wide as their content (CJK counted double).
//!
//! Numbers are numbers, never text, each with its number format: counts `#,##0`, money
//! (yuan) `#,##0.00`, FTE `0.00`, hours and other measured quantities `#,##0.00`,
//! percentages `0.0%` (stored as the fraction, so 12.5 % is 0.125); dates are real Excel
//! dates (`yyyy-mm-dd`).
//!
//! Totals are computed values, not formulas: the reports fill them with the figures the
//! pages show (the use cases' totals where there are any, exact sums in fen for money), so
//! a total row always agrees with the page even where the rows are rounded for display.

pub mod import;
pub mod reports;
pub mod stream;

use chrono::NaiveDate;
use jiguan_domain::money::Money;
use rust_decimal::Decimal;
use rust_xlsxwriter::{Format, FormatBorder, Workbook, Worksheet};

/// A cell of an exported sheet.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    /// A count, written as a number with thousands separators (`#,##0`).
    Int(i64),
    /// Yuan with two decimals, written as a number (`#,##0.00`).
    Money(Money),
    Date(NaiveDate),
    /// Full-time equivalents, rounded to two places as the pages show them (`0.00`).
    Fte(Decimal),
    /// Hours or another measured quantity, rounded to two places (`#,##0.00`).
    Decimal(Decimal),
    /// A percentage given in percent points (`12.5` is 12.5 %), written as the fraction
    /// with the format `0.0%`.
    Percent(Decimal),
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Text(s.to_string())
    }
}
impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}
impl From<i64> for Cell {
    fn from(n: i64) -> Self {
        Cell::Int(n)
    }
}
impl From<Money> for Cell {
    fn from(m: Money) -> Self {
        Cell::Money(m)
    }
}
impl From<NaiveDate> for Cell {
    fn from(d: NaiveDate) -> Self {
        Cell::Date(d)
    }
}

/// One worksheet: a table of headers and rows, with an optional title row above it and
/// total rows below it.
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    pub name: String,
    /// A line above the table (which unit, which date): the place for a query date, so no
    /// column repeats it.
    pub title: Option<String>,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    /// Rows under the table (合计), bold, outside the autofilter.
    pub totals: Vec<Vec<Cell>>,
}

#[derive(Debug, thiserror::Error)]
pub enum ExcelError {
    #[error("xlsx: {0}")]
    Xlsx(String),
}

fn xe(e: rust_xlsxwriter::XlsxError) -> ExcelError {
    ExcelError::Xlsx(e.to_string())
}

/// Display width of a text, counting CJK characters as two.
fn width(s: &str) -> f64 {
    s.chars()
        .map(|c| if c.is_ascii() { 1.0 } else { 2.0 })
        .sum()
}

/// A decimal as the nearest `f64` (through its decimal text, which Rust parses exactly
/// rounded), rounded to `dp` places first.
fn float(d: Decimal, dp: u32) -> f64 {
    d.round_dp(dp).to_string().parse().unwrap_or(0.0)
}

/// Width of a number shown with thousands separators and `decimals` places.
fn num_width(v: f64, decimals: usize) -> f64 {
    let int = format!("{:.0}", v.abs().trunc());
    let digits = int.len();
    let seps = digits.saturating_sub(1) / 3;
    let frac = if decimals > 0 { decimals + 1 } else { 0 };
    (digits + seps + frac + usize::from(v < 0.0)) as f64
}

/// The number formats of the cells, plain (data rows) or bold with a rule above (totals).
struct Formats {
    int: Format,
    money: Format,
    fte: Format,
    decimal: Format,
    percent: Format,
    date: Format,
    text: Format,
    total: bool,
}

impl Formats {
    fn new(total: bool) -> Formats {
        let base = || {
            if total {
                Format::new().set_bold().set_border_top(FormatBorder::Thin)
            } else {
                Format::new()
            }
        };
        Formats {
            int: base().set_num_format("#,##0"),
            money: base().set_num_format("#,##0.00"),
            fte: base().set_num_format("0.00"),
            decimal: base().set_num_format("#,##0.00"),
            percent: base().set_num_format("0.0%"),
            date: base().set_num_format("yyyy-mm-dd"),
            text: base(),
            total,
        }
    }
}

fn col_of(c: usize) -> Result<u16, ExcelError> {
    u16::try_from(c).map_err(|_| ExcelError::Xlsx("too many columns".into()))
}

fn row_of(r: usize) -> Result<u32, ExcelError> {
    u32::try_from(r).map_err(|_| ExcelError::Xlsx("too many rows".into()))
}

/// Text that a spreadsheet would take for a formula when the cell is edited or the sheet
/// saved as CSV and opened again — starting with `=`, `+`, `-`, `@`, a tab or a carriage
/// return — gets a leading single quote (OWASP, "CSV injection"), so it stays text. Other
/// text is unchanged. Numbers are written as numbers, never through here.
pub fn inert(s: &str) -> std::borrow::Cow<'_, str> {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{s}"))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// Writes one cell; returns the width its text takes.
fn put(ws: &mut Worksheet, r: u32, c: u16, cell: &Cell, f: &Formats) -> Result<f64, ExcelError> {
    let w = match cell {
        Cell::Empty => {
            if f.total {
                // The rule above the total row runs under every column.
                ws.write_blank(r, c, &f.text).map_err(xe)?;
            }
            0.0
        }
        Cell::Text(s) => {
            let s = inert(s);
            ws.write_string_with_format(r, c, s.as_ref(), &f.text)
                .map_err(xe)?;
            width(&s)
        }
        Cell::Int(n) => {
            let v = *n as f64;
            ws.write_number_with_format(r, c, v, &f.int).map_err(xe)?;
            num_width(v, 0)
        }
        Cell::Money(m) => {
            // Fen → yuan: the quotient of two exact integers, so the nearest double.
            let v = m.0 as f64 / 100.0;
            ws.write_number_with_format(r, c, v, &f.money).map_err(xe)?;
            num_width(v, 2)
        }
        Cell::Fte(d) => {
            let v = float(*d, 2);
            ws.write_number_with_format(r, c, v, &f.fte).map_err(xe)?;
            num_width(v, 2)
        }
        Cell::Decimal(d) => {
            let v = float(*d, 2);
            ws.write_number_with_format(r, c, v, &f.decimal)
                .map_err(xe)?;
            num_width(v, 2)
        }
        Cell::Percent(p) => {
            let v = float(*p / Decimal::from(100), 6);
            ws.write_number_with_format(r, c, v, &f.percent)
                .map_err(xe)?;
            num_width(v * 100.0, 1) + 1.0
        }
        Cell::Date(d) => {
            let dt =
                rust_xlsxwriter::ExcelDateTime::parse_from_str(&d.format("%Y-%m-%d").to_string())
                    .map_err(xe)?;
            ws.write_datetime_with_format(r, c, &dt, &f.date)
                .map_err(xe)?;
            10.0
        }
    };
    Ok(w)
}

/// Writes the sheets into one xlsx workbook.
pub fn write_workbook(sheets: &[Sheet]) -> Result<Vec<u8>, ExcelError> {
    let mut wb = Workbook::new();
    let head = Format::new()
        .set_bold()
        .set_background_color("#E8F0FA")
        .set_border_bottom(FormatBorder::Thin);
    let title = Format::new().set_bold().set_font_size(13);
    let plain = Formats::new(false);
    let total = Formats::new(true);
    for sheet in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(&sheet.name).map_err(xe)?;
        let header_row: u32 = match &sheet.title {
            Some(t) => {
                ws.write_string_with_format(0, 0, inert(t).as_ref(), &title)
                    .map_err(xe)?;
                1
            }
            None => 0,
        };
        let cols = sheet
            .rows
            .iter()
            .chain(&sheet.totals)
            .map(Vec::len)
            .chain(std::iter::once(sheet.headers.len()))
            .max()
            .unwrap_or(0);
        let mut widths: Vec<f64> = vec![0.0; cols];
        for (c, h) in sheet.headers.iter().enumerate() {
            ws.write_string_with_format(header_row, col_of(c)?, inert(h).as_ref(), &head)
                .map_err(xe)?;
            if let Some(w) = widths.get_mut(c) {
                // Room for the filter button.
                *w = width(h) + 2.0;
            }
        }
        let first_data = header_row as usize + 1;
        for (i, row) in sheet.rows.iter().chain(&sheet.totals).enumerate() {
            let r = row_of(first_data + i)?;
            let f = if i < sheet.rows.len() { &plain } else { &total };
            for (c, cell) in row.iter().enumerate() {
                let w = put(ws, r, col_of(c)?, cell, f)?;
                if let Some(slot) = widths.get_mut(c) {
                    *slot = slot.max(w);
                }
            }
        }
        for (c, w) in widths.iter().enumerate() {
            ws.set_column_width(col_of(c)?, (w + 2.0).clamp(6.0, 60.0))
                .map_err(xe)?;
        }
        if cols > 0 {
            let last_data = row_of(header_row as usize + sheet.rows.len())?;
            ws.autofilter(header_row, 0, last_data, col_of(cols - 1)?)
                .map_err(xe)?;
        }
        ws.set_freeze_panes(header_row + 1, 0).map_err(xe)?;
        ws.set_repeat_rows(0, header_row).map_err(xe)?;
    }
    wb.save_to_buffer().map_err(xe)
}

/// A workbook read back, for tests and checks: each sheet's cells and its autofilter.
pub mod inspect {
    use std::io::{Cursor, Read};

    pub use calamine::Data;
    use calamine::{Reader, Xlsx};

    /// One sheet read back: its name, its cells from A1 (row by row), the range of its
    /// autofilter (`A2:H9`) if it has one, and its frozen rows.
    #[derive(Debug, Clone)]
    pub struct ReadSheet {
        pub name: String,
        pub cells: Vec<Vec<Data>>,
        pub autofilter: Option<String>,
        pub frozen_rows: u32,
    }

    impl ReadSheet {
        /// The cell at (row, col), 0-based from A1 (`Data::Empty` outside).
        pub fn at(&self, row: usize, col: usize) -> &Data {
            static EMPTY: Data = Data::Empty;
            self.cells
                .get(row)
                .and_then(|r| r.get(col))
                .unwrap_or(&EMPTY)
        }

        /// The row whose first cell is a text starting with `label`.
        pub fn row_starting(&self, label: &str) -> Option<&Vec<Data>> {
            self.cells
                .iter()
                .find(|r| matches!(r.first(), Some(Data::String(s)) if s.starts_with(label)))
        }

        /// How many cells hold `text` somewhere in their text.
        pub fn count_text(&self, text: &str) -> usize {
            self.cells
                .iter()
                .flatten()
                .filter(|c| matches!(c, Data::String(s) if s.contains(text)))
                .count()
        }
    }

    fn attr(xml: &str, tag: &str, name: &str) -> Option<String> {
        let at = xml.find(&format!("<{tag} "))?;
        let rest = xml.get(at..)?;
        let end = rest.find('>')?;
        let el = rest.get(..end)?;
        let key = format!("{name}=\"");
        let from = el.find(&key)? + key.len();
        let v = el.get(from..)?;
        Some(v.get(..v.find('"')?)?.to_string())
    }

    /// Reads every sheet of an xlsx workbook.
    pub fn read(bytes: &[u8]) -> Result<Vec<ReadSheet>, String> {
        let mut x: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| e.to_string())?;
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| e.to_string())?;
        let mut out = Vec::new();
        for (i, name) in x.sheet_names().into_iter().enumerate() {
            let range = x.worksheet_range(&name).map_err(|e| e.to_string())?;
            let (r0, c0) = range.start().unwrap_or((0, 0));
            let mut cells: Vec<Vec<Data>> = vec![Vec::new(); r0 as usize];
            for row in range.rows() {
                let mut v = vec![Data::Empty; c0 as usize];
                v.extend(row.iter().cloned());
                cells.push(v);
            }
            let mut xml = String::new();
            zip.by_name(&format!("xl/worksheets/sheet{}.xml", i + 1))
                .map_err(|e| e.to_string())?
                .read_to_string(&mut xml)
                .map_err(|e| e.to_string())?;
            out.push(ReadSheet {
                name,
                cells,
                autofilter: attr(&xml, "autoFilter", "ref"),
                frozen_rows: attr(&xml, "pane", "ySplit")
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0),
            });
        }
        Ok(out)
    }

    /// A hand-written workbook zip (deflated) around one sheet part: the workbook and its
    /// relations name one sheet `sheet_name` at `xl/worksheets/sheet1.xml`, holding
    /// `sheet_xml`, with `shared_strings` as `xl/sharedStrings.xml` when given. For tests
    /// of the reader with cells no writer makes (formulas with cached errors, hostile
    /// string tables).
    pub fn one_sheet_zip(
        sheet_name: &str,
        sheet_xml: &str,
        shared_strings: Option<&str>,
    ) -> zip::result::ZipResult<Vec<u8>> {
        use std::io::Write;
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let o = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        let workbook = format!(
            r#"<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="{sheet_name}" sheetId="1" r:id="rId1"/></sheets></workbook>"#
        );
        let rels = r#"<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>"#;
        let parts = [
            ("xl/workbook.xml", Some(workbook.as_str())),
            ("xl/_rels/workbook.xml.rels", Some(rels)),
            ("xl/worksheets/sheet1.xml", Some(sheet_xml)),
            ("xl/sharedStrings.xml", shared_strings),
        ];
        for (name, body) in parts {
            if let Some(body) = body {
                w.start_file(name, o)?;
                w.write_all(body.as_bytes())?;
            }
        }
        Ok(w.finish()?.into_inner())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::inspect::{Data, read};
    use super::*;

    fn sheet() -> Sheet {
        Sheet {
            name: "机构设置一览表".into(),
            title: Some("骆驼街道 机构设置一览表（2026-01-01）".into()),
            headers: vec![
                "名称".into(),
                "编制".into(),
                "经费".into(),
                "日期".into(),
                "所需人力".into(),
                "工作量".into(),
                "占比".into(),
            ],
            rows: vec![
                vec![
                    "社会事务服务中心".into(),
                    Cell::Int(12),
                    Cell::Money(Money(123_456)),
                    Cell::Date(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()),
                    Cell::Fte(Decimal::new(1_234_567, 6)),
                    Cell::Decimal(Decimal::new(1_250_006, 3)),
                    Cell::Percent(Decimal::new(125, 1)),
                ],
                vec!["综合办公室".into(), Cell::Int(3)],
            ],
            totals: vec![vec![
                "合计".into(),
                Cell::Int(15),
                Cell::Money(Money(123_456)),
            ]],
        }
    }

    #[test]
    fn numbers_are_numbers_with_their_formats() {
        let bytes = write_workbook(&[sheet()]).unwrap();
        let s = &read(&bytes).unwrap()[0];
        assert_eq!(s.name, "机构设置一览表");
        assert_eq!(
            s.at(0, 0),
            &Data::String("骆驼街道 机构设置一览表（2026-01-01）".into())
        );
        assert_eq!(s.at(1, 0), &Data::String("名称".into()));
        assert_eq!(s.at(2, 0), &Data::String("社会事务服务中心".into()));
        assert_eq!(s.at(2, 1), &Data::Float(12.0));
        assert_eq!(s.at(2, 2), &Data::Float(1234.56));
        assert!(matches!(s.at(2, 3), Data::DateTime(_)));
        // Rounded as the pages show them.
        assert_eq!(s.at(2, 4), &Data::Float(1.23));
        assert_eq!(s.at(2, 5), &Data::Float(1250.01));
        assert_eq!(s.at(2, 6), &Data::Float(0.125));
        // The total row sits under the table, outside the filter; the header is frozen.
        assert_eq!(s.at(4, 0), &Data::String("合计".into()));
        assert_eq!(s.at(4, 1), &Data::Float(15.0));
        assert_eq!(s.autofilter.as_deref(), Some("A2:G4"));
        assert_eq!(s.frozen_rows, 2);
        // The number formats, in the styles.
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut styles = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("xl/styles.xml").unwrap(), &mut styles)
            .unwrap();
        // (#,##0, #,##0.00 and 0.00 are Excel's built-in formats 3, 4 and 2.)
        for f in ["0.0%", "yyyy-mm-dd"] {
            assert!(
                styles.contains(&format!("formatCode=\"{f}\"")),
                "{f}: {styles}"
            );
        }
    }

    #[test]
    fn a_sheet_without_title_or_rows_still_has_its_filter() {
        let s = Sheet {
            name: "空表".into(),
            headers: vec!["单位".into(), "人数".into()],
            ..Default::default()
        };
        let r = &read(&write_workbook(&[s]).unwrap()).unwrap()[0];
        assert_eq!(r.autofilter.as_deref(), Some("A1:B1"));
        assert_eq!(r.frozen_rows, 1);
        assert_eq!(r.at(0, 1), &Data::String("人数".into()));
    }
}

#[cfg(test)]
mod formula_tests {
    #![allow(clippy::unwrap_used)]
    use super::inspect::{Data, read};
    use super::*;

    #[test]
    fn text_that_looks_like_a_formula_is_prefixed_with_a_quote() {
        let cells = [
            "=HYPERLINK(\"http://x\",\"y\")",
            "+86 138",
            "-2+3",
            "@SUM(A1)",
            "\tx",
            "\rx",
            "张三",
            "a=b",
        ];
        let s = Sheet {
            name: "表".into(),
            title: Some("=cmd|' /C calc'!A0".into()),
            headers: vec!["姓名".into(), "=1+1".into()],
            rows: cells.iter().map(|c| vec![Cell::from(*c)]).collect(),
            totals: vec![vec![Cell::Int(-5)]],
        };
        let r = &read(&write_workbook(&[s]).unwrap()).unwrap()[0];
        assert_eq!(r.at(0, 0), &Data::String("'=cmd|' /C calc'!A0".into()));
        assert_eq!(r.at(1, 1), &Data::String("'=1+1".into()));
        for (i, c) in cells.iter().enumerate() {
            let want = if i < 6 {
                format!("'{c}")
            } else {
                (*c).to_string()
            };
            assert_eq!(r.at(2 + i, 0), &Data::String(want), "{c:?}");
        }
        // Numbers stay numbers, negative ones too.
        assert_eq!(r.at(2 + cells.len(), 0), &Data::Float(-5.0));
    }
}
