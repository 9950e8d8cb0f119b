//! The pay run workbook in the layout finance offices use (绩效奖金发放表): Chinese headers,
//! one row per person with every factor, the 合计 row, money as `#,##0.00`.

use jiguan_app::pay::RunView;
use jiguan_domain::money::Money;

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
