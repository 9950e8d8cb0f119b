//! The reform results workbooks (改革成效): a unit's (a headline sheet, then one sheet per
//! section) and the district's (the summary of every unit, then one sheet per section with
//! the district's sums). Chinese headers through [`Labels`], 合计 rows, numbers as numbers.

use jiguan_app::report::{DistrictReport, UnitReport};
use jiguan_domain::money::Money;
use jiguan_domain::report::{Headline, Line, ReportFigures, Unit};

use super::Labels;
use crate::{Cell, Sheet};

fn num(unit: Unit, v: Option<i64>) -> Cell {
    match (unit, v) {
        (_, None) => Cell::Empty,
        (Unit::Money, Some(v)) => Cell::Money(Money(v)),
        (Unit::Hundredths, Some(v)) => Cell::Fte(rust_decimal::Decimal::new(v, 2)),
        // CV and Gini: the value with the two places the number format shows.
        (Unit::Ratio, Some(v)) => Cell::Fte(rust_decimal::Decimal::new(v, 4)),
        (_, Some(v)) => Cell::Int(v),
    }
}

fn line_row(label: String, line: &Line) -> Vec<Cell> {
    vec![
        Cell::Text(label),
        num(line.unit, line.before),
        num(line.unit, line.after),
        num(line.unit, line.diff()),
        line.change_pct().map_or(Cell::Empty, Cell::Percent),
        num(line.unit, line.approved),
        num(line.unit, line.pending),
    ]
}

const LINE_HEADERS: [&str; 7] = [
    "report.col.item",
    "report.col.before",
    "report.col.after",
    "report.col.diff",
    "report.col.change",
    "report.col.approved",
    "report.col.pending",
];

/// A sheet name Excel accepts (≤ 31 characters, none of `[]:*?/\`).
fn sheet_name(s: &str) -> String {
    s.chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(31)
        .collect()
}

/// One sheet per section of `f` (a 暂无数据 section is a sheet that says so).
pub fn section_sheets(l: &dyn Labels, title: &str, f: &ReportFigures) -> Vec<Sheet> {
    f.sections
        .iter()
        .map(|s| {
            let name = l.t(&format!("report.section.{}", s.id));
            let rows: Vec<Vec<Cell>> = if s.available {
                s.lines
                    .iter()
                    .map(|line| line_row(l.t(&line.label), line))
                    .collect()
            } else {
                vec![vec![Cell::Text(l.t("report.no_data"))]]
            };
            let totals = s
                .total
                .iter()
                .map(|t| line_row(l.t("report.total"), t))
                .collect();
            Sheet {
                name: sheet_name(&name),
                title: Some(format!("{title} · {name}")),
                headers: LINE_HEADERS.iter().map(|k| l.t(k)).collect(),
                rows,
                totals,
            }
        })
        .collect()
}

const SUMMARY_HEADERS: [&str; 11] = [
    "report.col.unit",
    "report.h.bodies_before",
    "report.h.bodies_after",
    "report.h.bodies_cut",
    "report.h.staff_before",
    "report.h.staff_after",
    "report.h.cut",
    "report.h.cut_share",
    "report.h.cost_before",
    "report.h.cost_after",
    "report.col.flags",
];

fn summary_row(name: String, h: &Headline, flags: String) -> Vec<Cell> {
    vec![
        Cell::Text(name),
        Cell::Int(h.bodies_before),
        Cell::Int(h.bodies_after),
        Cell::Int(h.bodies_cut()),
        Cell::Int(h.staff_before),
        Cell::Int(h.staff_after),
        Cell::Int(h.cut()),
        h.cut_share().map_or(Cell::Empty, Cell::Percent),
        Cell::Money(Money(h.cost_before)),
        Cell::Money(Money(h.cost_after)),
        Cell::Text(flags),
    ]
}

fn flags(l: &dyn Labels, f: &ReportFigures) -> String {
    f.flags
        .iter()
        .map(|x| l.t(x.label_key()))
        .collect::<Vec<_>>()
        .join("；")
}

fn period(l: &dyn Labels, r_from: chrono::NaiveDate, r_to: chrono::NaiveDate) -> String {
    format!("{} {r_from} — {r_to}", l.t("report.period"))
}

/// A unit's workbook: the headline, then every section.
pub fn unit_workbook(l: &dyn Labels, r: &UnitReport) -> Vec<Sheet> {
    let title = format!(
        "{}{} · {}",
        r.unit.name,
        l.t("report.title"),
        period(l, r.period.from, r.period.to)
    );
    let mut sheets = vec![Sheet {
        name: sheet_name(&l.t("report.headline")),
        title: Some(title.clone()),
        headers: SUMMARY_HEADERS.iter().map(|k| l.t(k)).collect(),
        rows: vec![summary_row(
            r.unit.name.clone(),
            &r.figures.headline,
            flags(l, &r.figures),
        )],
        totals: Vec::new(),
    }];
    sheets.extend(section_sheets(l, &title, &r.figures));
    sheets.push(trend_sheet(l, &title, &r.figures));
    sheets
}

/// The cost trend: staff and personnel cost at each point (the dates, the year-ends
/// between them).
fn trend_sheet(l: &dyn Labels, title: &str, f: &ReportFigures) -> Sheet {
    let name = l.t("report.section.cost.trend");
    Sheet {
        name: sheet_name(&name),
        title: Some(format!("{title} · {name}")),
        headers: ["report.col.date", "report.h.staff", "report.h.cost_year"]
            .iter()
            .map(|k| l.t(k))
            .collect(),
        rows: f
            .trend
            .iter()
            .map(|t| {
                vec![
                    Cell::Date(t.on),
                    Cell::Int(t.staff),
                    Cell::Money(Money(t.cost)),
                ]
            })
            .collect(),
        totals: Vec::new(),
    }
}

/// The district's workbook: every unit's headline with the 合计 row, then the sections
/// summed over the units.
pub fn district_workbook(l: &dyn Labels, r: &DistrictReport) -> Vec<Sheet> {
    let title = format!(
        "{} · {}",
        l.t("report.district_title"),
        period(l, r.period.from, r.period.to)
    );
    let rows = r
        .units
        .iter()
        .map(|u| {
            summary_row(
                u.unit.name.clone(),
                &u.figures.headline,
                flags(l, &u.figures),
            )
        })
        .collect();
    let mut sheets = vec![Sheet {
        name: sheet_name(&l.t("report.district_summary")),
        title: Some(title.clone()),
        headers: SUMMARY_HEADERS.iter().map(|k| l.t(k)).collect(),
        rows,
        totals: vec![summary_row(
            l.t("report.total"),
            &r.total.headline,
            String::new(),
        )],
    }];
    sheets.extend(section_sheets(l, &title, &r.total));
    sheets.push(trend_sheet(l, &title, &r.total));
    sheets
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use chrono::NaiveDate;
    use rust_decimal::Decimal;

    use jiguan_domain::report::work::TrendPoint;
    use jiguan_domain::report::{Cell as RCell, Family, Moment, unit_figures};
    use jiguan_domain::tenancy::UnitId;

    use super::*;

    struct Keys;
    impl Labels for Keys {
        fn t(&self, key: &str) -> String {
            key.into()
        }
        fn f(&self, key: &str, _: &[(String, String)]) -> String {
            key.into()
        }
    }

    #[test]
    fn work_lines_and_the_trend_are_numbers() {
        let u = UnitId(1);
        let mut c = RCell::new(u, Family::WorkFte, Moment::After, "need", 250);
        let cv = RCell::new(u, Family::WorkFte, Moment::After, "cv", 3536);
        c.b = String::new();
        let mut f = unit_figures(u, &[c, cv]);
        f.trend = vec![TrendPoint {
            on: NaiveDate::from_ymd_opt(2024, 12, 31).unwrap(),
            staff: 3,
            cost: 700_000,
        }];
        let sheets = section_sheets(&Keys, "t", &f);
        let fte = sheets
            .iter()
            .find(|s| s.name == "report.section.work.fte")
            .unwrap();
        assert!(matches!(fte.rows[0][2], Cell::Fte(d) if d == Decimal::new(250, 2)));
        let spread = sheets
            .iter()
            .find(|s| s.name == "report.section.work.spread")
            .unwrap();
        assert!(matches!(spread.rows[2][2], Cell::Fte(d) if d == Decimal::new(3536, 4)));
        let t = trend_sheet(&Keys, "t", &f);
        assert_eq!(t.rows.len(), 1);
        assert!(matches!(t.rows[0][2], Cell::Money(Money(700_000))));
        assert!(matches!(t.rows[0][0], Cell::Date(_)));
    }
}
