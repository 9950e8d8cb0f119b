//! Competitive-selection workbooks (竞争上岗): the written exam's results and its import
//! template (报名编号, 姓名, 竞聘岗位, 笔试成绩), the exam import read from an xlsx/csv table,
//! and the campaign's results (stage scores, composite, rank, shortlist, inspection), for
//! the web and the CLI alike.

use jiguan_app::selection::results::ResultsView;
use jiguan_app::selection::scoring::{EXAM_COLUMNS, ExamEntry, ExamView};
use jiguan_domain::FieldError;

use super::Labels;
use crate::import::{Table, cell, missing_column};
use crate::{Cell, Sheet};

fn dec(v: Option<rust_decimal::Decimal>) -> Cell {
    v.map_or(Cell::Empty, Cell::Decimal)
}

/// The exam sheet: one row per candidate with the columns of the import first, so that the
/// file filled in imports back. With `template`, the score and result columns are left out
/// of the rows' values (the score column stays, empty).
pub fn exam_workbook(l: &dyn Labels, unit: &str, v: &ExamView, template: bool) -> Vec<Sheet> {
    let mut rows = Vec::new();
    for p in &v.posts {
        for r in &p.rows {
            let mut row = vec![
                Cell::Text(r.candidate.application_id.0.to_string()),
                Cell::Text(r.candidate.name.clone()),
                Cell::Text(p.label.clone()),
            ];
            if template {
                row.push(Cell::Empty);
            } else {
                row.push(dec(r.score));
                row.push(Cell::Text(l.t(&r.outcome.label_key())));
            }
            rows.push(row);
        }
    }
    let mut headers: Vec<String> = EXAM_COLUMNS.iter().map(|s| (*s).to_string()).collect();
    if !template {
        headers.push(l.t("sc.col.outcome"));
    }
    vec![Sheet {
        name: l.t("sc.exam"),
        title: if template {
            None
        } else {
            Some(format!(
                "{unit} {}（v{}）",
                v.campaign.title, v.campaign.version
            ))
        },
        headers,
        rows,
        totals: Vec::new(),
    }]
}

/// The entries of an exam import: the columns 报名编号 and 笔试成绩 by their headers (姓名
/// and 竞聘岗位 are read by people, not by the import); each entry carries its file row for
/// the messages. Error: `file`/`import_column_missing` (arg `column`).
pub fn exam_entries(t: &Table) -> Result<Vec<ExamEntry>, FieldError> {
    let col = |name: &str| t.column(&[name]).ok_or_else(|| missing_column(name));
    let id = Some(col(EXAM_COLUMNS[0])?);
    let score = Some(col(EXAM_COLUMNS[3])?);
    Ok(t.rows
        .iter()
        .enumerate()
        .filter(|(_, r)| r.iter().any(|c| !c.trim().is_empty()))
        .map(|(i, r)| ExamEntry {
            row: Some(t.first_row + i),
            application_id: cell(r, id),
            score: cell(r, score),
        })
        .collect())
}

/// The results sheet: per post and candidate, the stage scores, the composite, the rank,
/// the shortlist and the inspection's conclusion; the title cites the plan version.
pub fn results_workbook(l: &dyn Labels, unit: &str, v: &ResultsView) -> Vec<Sheet> {
    let mut rows = Vec::new();
    for p in &v.posts {
        for x in &p.lines {
            let note: Vec<String> = x
                .stops
                .iter()
                .map(|s| l.t(&format!("sc.stop.{s}")))
                .chain(
                    x.missing
                        .iter()
                        .map(|s| format!("{}{}", l.t("sc.missing"), l.t(&s.label_key()))),
                )
                .collect();
            rows.push(vec![
                Cell::Text(p.label.clone()),
                Cell::Text(x.candidate.name.clone()),
                dec(x.scores.written),
                dec(x.scores.interview),
                dec(x.scores.evaluation),
                x.approval_pct.map_or(Cell::Empty, Cell::Percent),
                dec(x.composite),
                x.rank.map_or(Cell::Empty, |r| Cell::Int(i64::from(r))),
                Cell::Text(if x.shortlisted {
                    l.t("sc.yes")
                } else {
                    String::new()
                }),
                Cell::Text(
                    x.inspection
                        .as_ref()
                        .map(|i| l.t(&i.conclusion.label_key()))
                        .unwrap_or_default(),
                ),
                Cell::Text(note.join("；")),
            ]);
        }
    }
    vec![Sheet {
        name: l.t("sc.results"),
        title: Some(format!(
            "{unit} {}（{}）",
            v.campaign.title,
            l.f(
                "sc.cite",
                &[
                    ("id".into(), v.campaign_id.0.to_string()),
                    ("version".into(), v.plan_version.to_string()),
                ]
            )
        )),
        headers: [
            "sc.col.post",
            "sc.col.name",
            "sc.col.written",
            "sc.col.interview",
            "sc.col.evaluation",
            "sc.col.approval",
            "sc.col.composite",
            "sc.col.rank",
            "sc.col.shortlisted",
            "sc.col.conclusion",
            "sc.col.note",
        ]
        .iter()
        .map(|k| l.t(k))
        .collect(),
        rows,
        totals: Vec::new(),
    }]
}
