//! Appraisal workbooks: the results of a cycle (for the HR office and the pay module), and
//! the score import (评分导入) read from an xlsx/csv table, for the web and the CLI alike.

use std::collections::BTreeMap;

use jiguan_app::appraisal::{GradingView, ParticipantRecord, ScoreForm};
use jiguan_domain::FieldError;

use super::Labels;
use crate::import::{Table, cell, missing_column as missing};
use crate::{Cell, Sheet};

/// The results sheet: name, group, not-graded reason, score, proposed and decided grade,
/// reason.
pub fn results_workbook(l: &dyn Labels, unit: &str, v: &GradingView) -> Vec<Sheet> {
    let label = |k: String| l.t(&k);
    let rows = v
        .rows
        .iter()
        .map(|r| {
            let p = &r.participant;
            vec![
                Cell::Text(p.name.clone()),
                Cell::Text(p.group.clone()),
                Cell::Text(p.ungraded.map(|u| label(u.label_key())).unwrap_or_default()),
                r.explained.score.map_or(Cell::Empty, Cell::Decimal),
                Cell::Text(r.proposed.map(|g| label(g.label_key())).unwrap_or_default()),
                Cell::Text(p.grade.map(|g| label(g.label_key())).unwrap_or_default()),
                Cell::Text(p.reason.clone()),
            ]
        })
        .collect();
    vec![Sheet {
        name: l.t("apr.results"),
        title: Some(format!("{unit} {}", v.cycle.title)),
        headers: [
            "apr.col.name",
            "apr.col.group",
            "apr.col.ungraded",
            "apr.col.score",
            "apr.col.proposed",
            "apr.col.grade",
            "apr.col.reason",
        ]
        .iter()
        .map(|k| l.t(k))
        .collect(),
        rows,
        totals: Vec::new(),
    }]
}

/// The columns of the score import: 编号 (participant id) or 姓名, 评分类别, 评分人, 总分,
/// and one column per indicator (德, 能 …). Unknown names are left for the use case to
/// refuse (`rows[i].participant_id` `not_found`).
pub fn score_forms(t: &Table, ps: &[ParticipantRecord]) -> Result<Vec<ScoreForm>, FieldError> {
    let col = |names: &[&str]| t.column(names);
    let id = col(&["编号", "participant_id"]);
    let name = col(&["姓名", "name"]);
    let kind = col(&["评分类别", "kind"]).ok_or_else(|| missing("评分类别"))?;
    let rater = col(&["评分人", "rater"]).ok_or_else(|| missing("评分人"))?;
    let overall = col(&["总分", "overall"]);
    if id.is_none() && name.is_none() {
        return Err(missing("姓名"));
    }
    let known: Vec<usize> = [id, name, Some(kind), Some(rater), overall]
        .into_iter()
        .flatten()
        .collect();
    Ok(t.rows
        .iter()
        .map(|r| {
            let pid = match (cell(r, id), cell(r, name)) {
                (i, _) if !i.is_empty() => i,
                (_, n) => ps
                    .iter()
                    .find(|p| p.name == n)
                    .map(|p| p.id.to_string())
                    .unwrap_or(n),
            };
            let indicators: BTreeMap<String, String> = t
                .headers
                .iter()
                .enumerate()
                .filter(|(i, h)| !known.contains(i) && !h.trim().is_empty())
                .map(|(i, h)| (h.trim().to_string(), cell(r, Some(i))))
                .collect();
            ScoreForm {
                participant_id: pid,
                kind: cell(r, Some(kind)),
                rater: cell(r, Some(rater)),
                overall: cell(r, overall),
                indicators,
            }
        })
        .collect())
}
