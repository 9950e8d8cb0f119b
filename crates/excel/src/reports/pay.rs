//! The pay run workbook in the layout finance offices use (绩效奖金发放表): Chinese headers,
//! one row per person with every factor, the 合计 row, money as `#,##0.00`.

use jiguan_app::pay::RunView;
use jiguan_domain::money::Money;

use crate::import::{cell, missing_column as missing};
use crate::{Cell, Sheet};

/// The run's sheet for unit `unit`.
pub fn run_sheet(unit: &str, v: &RunView) -> Sheet {
    let headers = [
        "序号",
        "姓名",
        "考核等次",
        "等次系数",
        "岗位系数",
        "任职月数",
        "分配权重",
        "绩效奖金（元）",
        "12月基本工资（元）",
        "年终一次性奖金（元）",
        "应发合计（元）",
        "签名",
    ];
    let mut rows = Vec::new();
    let (mut share, mut bonus) = (0i64, 0i64);
    for (i, l) in v.lines.iter().enumerate() {
        let Some(r) = &l.result else { continue };
        share += r.share.fen();
        bonus += r.bonus.fen();
        rows.push(vec![
            Cell::Int(i as i64 + 1),
            Cell::Text(l.name.clone()),
            Cell::Text(l.grade.zh().into()),
            Cell::Decimal(r.grade_coef),
            Cell::Decimal(r.post_coef),
            Cell::Int(i64::from(r.months)),
            Cell::Text(r.weight.clone()),
            Cell::Money(r.share),
            Cell::Money(r.basic_salary),
            Cell::Money(r.bonus),
            Cell::Money(Money(r.share.fen() + r.bonus.fen())),
            Cell::Empty,
        ]);
    }
    let mut total = vec![Cell::Text("合计".into())];
    total.extend(std::iter::repeat_n(Cell::Empty, 6));
    total.extend([
        Cell::Money(Money(share)),
        Cell::Empty,
        Cell::Money(Money(bonus)),
        Cell::Money(Money(share + bonus)),
        Cell::Empty,
    ]);
    Sheet {
        name: "绩效奖金发放表".into(),
        title: Some(format!(
            "{unit} {} 年度绩效奖金发放表（总额 {} 元）",
            v.run.year,
            v.run.pool.unwrap_or(Money::ZERO)
        )),
        headers: headers.iter().map(|h| h.to_string()).collect(),
        rows,
        totals: vec![total],
    }
}

/// The columns of the line upload (导入等次与分配要素): the person's number and name (the
/// name is for the reader; the number decides), the grade (label or code), the post
/// coefficient (blank: from the post level), the months served (blank: 12) and the
/// December basic salary (blank: the roster's annual basic pay ÷ 12).
pub const LINE_HEADERS: [&str; 6] = [
    "人员编号",
    "姓名",
    "考核等次",
    "岗位系数",
    "任职月数",
    "12月基本工资（元）",
];

/// One prefilled row of the template: person id, name, grade label, post coefficient,
/// months, basic salary (each may be blank).
pub type TemplateRow = (i64, String, String, String, String, String);

/// The upload template: [`LINE_HEADERS`] with one row per person given; the sheet is
/// named after the unit and year.
pub fn lines_template(unit: &str, year: i32, rows: &[TemplateRow]) -> Sheet {
    Sheet {
        name: format!("{unit}{year}绩效分配要素")
            .chars()
            .take(31)
            .collect(),
        // No title row: the first row is the header the upload reads.
        title: None,
        headers: LINE_HEADERS.iter().map(|h| h.to_string()).collect(),
        rows: rows
            .iter()
            .map(|(id, name, grade, coef, months, basic)| {
                vec![
                    Cell::Int(*id),
                    Cell::Text(name.clone()),
                    Cell::Text(grade.clone()),
                    Cell::Text(coef.clone()),
                    Cell::Text(months.clone()),
                    Cell::Text(basic.clone()),
                ]
            })
            .collect(),
        totals: Vec::new(),
    }
}

/// The lines of an uploaded table (xlsx or csv, [`crate::import::read_table`]): one
/// [`jiguan_domain::pay::LineForm`] per row, in file order (row `i` of the result is file
/// row `t.first_row + i`). The number (人员编号) and grade (考核等次) columns are required
/// (`file`/`import_column_missing`); the other columns may be left out. The values are
/// checked by the pay use case (all rows, all or nothing).
pub fn line_forms(
    t: &crate::import::Table,
) -> Result<Vec<jiguan_domain::pay::LineForm>, jiguan_domain::FieldError> {
    let col = |names: &[&str]| t.column(names);
    let id = col(&["人员编号", "编号", "person_id"]).ok_or_else(|| missing("人员编号"))?;
    let grade = col(&["考核等次", "等次", "grade"]).ok_or_else(|| missing("考核等次"))?;
    let coef = col(&["岗位系数", "post_coef"]);
    let months = col(&["任职月数", "months"]);
    let basic = col(&["12月基本工资（元）", "12月基本工资", "basic_salary"]);
    Ok(t.rows
        .iter()
        .map(|r| jiguan_domain::pay::LineForm {
            person_id: cell(r, Some(id)),
            grade: cell(r, Some(grade)),
            post_coef: cell(r, coef),
            months: cell(r, months),
            basic_salary: cell(r, basic),
        })
        .collect())
}

#[cfg(test)]
mod upload_tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_template_reads_back_as_lines() {
        let rows = vec![
            (
                7,
                "张三".to_string(),
                "优秀".to_string(),
                String::new(),
                "12".to_string(),
                "5000.00".to_string(),
            ),
            (
                8,
                "李四".to_string(),
                "称职".to_string(),
                "1.3".to_string(),
                String::new(),
                String::new(),
            ),
        ];
        let bytes = crate::write_workbook(&[lines_template("骆驼街道", 2020, &rows)]).unwrap();
        let t = crate::import::read_table(&bytes, &crate::import::Limits::default()).unwrap();
        let f = line_forms(&t).unwrap();
        assert_eq!(f.len(), 2);
        assert_eq!(
            (f[0].person_id.as_str(), f[0].grade.as_str()),
            ("7", "优秀")
        );
        assert_eq!(
            (f[0].months.as_str(), f[0].basic_salary.as_str()),
            ("12", "5000.00")
        );
        assert_eq!((f[1].post_coef.as_str(), f[1].months.as_str()), ("1.3", ""));
        // Without the grade column: refused naming the column.
        let e = line_forms(&crate::import::Table {
            headers: vec!["人员编号".into()],
            rows: vec![vec!["7".into()]],
            first_row: 2,
            format: "csv",
        })
        .unwrap_err();
        assert_eq!(
            (e.field.as_str(), e.code.as_str()),
            ("file", "import_column_missing")
        );
    }
}
