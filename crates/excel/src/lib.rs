//! Excel (xlsx) export and, in [`import`] (people module), guarded import of tables.
//!
//! Export: [`Sheet`]s of typed cells become one workbook with a bold, frozen header row
//! and sensible column widths. Money is written as a number in yuan with two decimals;
//! dates as real Excel dates.

pub mod import;
pub mod reports;

use chrono::NaiveDate;
use jiguan_domain::money::Money;
use rust_xlsxwriter::{Format, Workbook};

/// A cell of an exported sheet.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Int(i64),
    /// Yuan with two decimals, written as a number.
    Money(Money),
    Date(NaiveDate),
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

/// One worksheet: a title row of headers, then rows.
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    pub name: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
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

/// Writes the sheets into one xlsx workbook.
pub fn write_workbook(sheets: &[Sheet]) -> Result<Vec<u8>, ExcelError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold().set_background_color("#E8F0FA");
    let money = Format::new().set_num_format("#,##0.00");
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for sheet in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(&sheet.name).map_err(xe)?;
        let mut widths: Vec<f64> = sheet.headers.iter().map(|h| width(h)).collect();
        for (c, h) in sheet.headers.iter().enumerate() {
            let col = u16::try_from(c).map_err(|_| ExcelError::Xlsx("too many columns".into()))?;
            ws.write_string_with_format(0, col, h, &bold).map_err(xe)?;
        }
        for (r, row) in sheet.rows.iter().enumerate() {
            let rr = u32::try_from(r + 1).map_err(|_| ExcelError::Xlsx("too many rows".into()))?;
            for (c, cell) in row.iter().enumerate() {
                let col =
                    u16::try_from(c).map_err(|_| ExcelError::Xlsx("too many columns".into()))?;
                let w = match cell {
                    Cell::Empty => 0.0,
                    Cell::Text(s) => {
                        ws.write_string(rr, col, s).map_err(xe)?;
                        width(s)
                    }
                    Cell::Int(n) => {
                        ws.write_number(rr, col, *n as f64).map_err(xe)?;
                        n.to_string().len() as f64
                    }
                    Cell::Money(m) => {
                        // Exact: fen → yuan as decimal text, parsed by Excel as a number.
                        let v: f64 = m.to_string().parse().unwrap_or(0.0);
                        ws.write_number_with_format(rr, col, v, &money)
                            .map_err(xe)?;
                        m.to_string().len() as f64 + 2.0
                    }
                    Cell::Date(d) => {
                        let dt = rust_xlsxwriter::ExcelDateTime::parse_from_str(
                            &d.format("%Y-%m-%d").to_string(),
                        )
                        .map_err(xe)?;
                        ws.write_datetime_with_format(rr, col, &dt, &date)
                            .map_err(xe)?;
                        10.0
                    }
                };
                if let Some(slot) = widths.get_mut(c) {
                    *slot = slot.max(w);
                } else {
                    widths.push(w);
                }
            }
        }
        for (c, w) in widths.iter().enumerate() {
            if let Ok(col) = u16::try_from(c) {
                ws.set_column_width(col, (w + 2.0).min(60.0)).map_err(xe)?;
            }
        }
        ws.set_freeze_panes(1, 0).map_err(xe)?;
    }
    wb.save_to_buffer().map_err(xe)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use calamine::{Reader, Xlsx};

    #[test]
    fn writes_a_workbook_that_reads_back() {
        let sheet = Sheet {
            name: "机构设置一览表".into(),
            headers: vec!["名称".into(), "编制".into(), "经费".into(), "日期".into()],
            rows: vec![vec![
                "社会事务服务中心".into(),
                Cell::Int(12),
                Cell::Money(Money(123_456)),
                Cell::Date(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()),
            ]],
        };
        let bytes = write_workbook(&[sheet]).unwrap();
        let mut x: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let range = x.worksheet_range("机构设置一览表").unwrap();
        let rows: Vec<Vec<String>> = range
            .rows()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect();
        assert_eq!(rows[0], vec!["名称", "编制", "经费", "日期"]);
        assert_eq!(rows[1][0], "社会事务服务中心");
        assert_eq!(rows[1][1], "12");
        assert_eq!(rows[1][2], "1234.56");
    }
}
