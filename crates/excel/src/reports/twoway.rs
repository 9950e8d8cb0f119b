//! Two-way selection (双向择岗) workbooks: the choices import (志愿导入: template and
//! reader, with every error located at its file row and column) and the result of a round
//! (by person and by body), for the web, the API and the CLI alike.

use jiguan_app::twoway::{OfferPost, PrefRow, RoundView};
use jiguan_domain::FieldError;

use super::Labels;
use crate::import::{ColumnList, Table, cell, missing_column as missing, template_xlsx};
use crate::{Cell, ExcelError, Sheet};

/// Headers of the import (the English names are accepted too).
pub const COL_ID: &str = "编号";
pub const COL_NAME: &str = "姓名";
pub const COL_CHOICE: &str = "志愿";
pub const COL_ADJUST: &str = "服从调剂";

/// How a post is written in the template's drop-down: `机构·岗位（编号）`. The reader
/// takes this, the bare post number, or `机构·岗位` / the title when it names one post.
pub fn post_label(p: &OfferPost) -> String {
    format!("{}·{}（{}）", p.body_name, p.title, p.post_id)
}

/// The import template of a round: 编号, 姓名, 志愿1 … 志愿N (the round's choices per
/// person), 服从调剂; each choice column with a drop-down of the posts offered, 服从调剂
/// with 是/否; a second sheet explaining the columns.
pub fn prefs_template(v: &RoundView) -> Result<Vec<u8>, ExcelError> {
    let n = v.round.max_choices as usize;
    let heads: Vec<String> = (1..=n).map(|i| format!("{COL_CHOICE}{i}")).collect();
    let mut cols: Vec<(&str, bool, &str, &str)> = vec![
        (
            COL_ID,
            true,
            "12",
            "人员编号（系统中的人员编号；填了编号可不填姓名）",
        ),
        (
            COL_NAME,
            false,
            "张三",
            "姓名（未填编号时按姓名查找，须在参加人员中唯一）",
        ),
    ];
    for (i, h) in heads.iter().enumerate() {
        cols.push((
            h.as_str(),
            i == 0,
            "",
            "从下拉列表选择本轮开放的岗位；按意愿顺序填写，不可重复",
        ));
    }
    cols.push((COL_ADJUST, false, "是", "是 / 否（空白为否）"));
    let posts: Vec<String> = v.posts.iter().map(post_label).collect();
    let mut lists: Vec<ColumnList> = (0..n)
        .map(|i| ColumnList {
            column: 2 + i,
            values: posts.clone(),
        })
        .collect();
    lists.push(ColumnList {
        column: 2 + n,
        values: vec!["是".into(), "否".into()],
    });
    template_xlsx(
        "志愿",
        "填写说明",
        &["列名", "必填", "示例", "说明"],
        &cols,
        &lists,
    )
}

/// The choices read from a table, and where each value came from.
#[derive(Debug, Clone, Default)]
pub struct PrefsSheet {
    pub rows: Vec<PrefRow>,
    /// Problems found while reading (located like [`PrefsSheet::locate`] does).
    pub errors: Vec<FieldError>,
    first_row: usize,
    person_col: String,
    choice_cols: Vec<String>,
    adjust_col: String,
    /// For each row read, its index among the table's data rows (blank rows skipped).
    lines: Vec<usize>,
}

fn parse_bool(s: &str) -> Option<bool> {
    match s.trim().to_lowercase().as_str() {
        "" | "否" | "n" | "no" | "0" | "false" | "×" => Some(false),
        "是" | "y" | "yes" | "1" | "true" | "√" | "✓" => Some(true),
        _ => None,
    }
}

/// The post a cell names (see [`post_label`]); the text itself when it names none, so the
/// use case refuses it as `choice_invalid`.
fn post_of(v: &RoundView, cell: &str) -> String {
    let c = cell.trim();
    if c.is_empty() || c.parse::<i64>().is_ok() {
        return c.to_string();
    }
    for (open, close) in [("（", "）"), ("(", ")")] {
        if let Some(inner) = c
            .strip_suffix(close)
            .and_then(|x| x.rsplit_once(open))
            .map(|(_, n)| n.trim())
            && let Ok(id) = inner.parse::<i64>()
            && v.posts.iter().any(|p| p.post_id == id)
        {
            return id.to_string();
        }
    }
    let hits: Vec<i64> = v
        .posts
        .iter()
        .filter(|p| c == format!("{}·{}", p.body_name, p.title) || c == p.title)
        .map(|p| p.post_id)
        .collect();
    match hits.as_slice() {
        [one] => one.to_string(),
        _ => c.to_string(),
    }
}

/// Reads the choices of a round from a table. Missing columns are one error on `file`
/// (`import_column_missing`); a bad 服从调剂 value is `rows.N.accept_adjust`
/// `choice_invalid`, located. Every other check is the use case's
/// (`App::tw_import_prefs`), whose errors [`PrefsSheet::locate`] places in the file.
pub fn prefs_rows(t: &Table, v: &RoundView) -> Result<PrefsSheet, FieldError> {
    let col = |names: &[&str]| t.column(names);
    let id = col(&[COL_ID, "person", "person_id"]);
    let name = col(&[COL_NAME, "name"]);
    if id.is_none() && name.is_none() {
        return Err(missing(COL_ID));
    }
    let mut choices: Vec<(usize, usize)> = t
        .headers
        .iter()
        .enumerate()
        .filter_map(|(i, h)| {
            let h = h.trim();
            let n = h
                .strip_prefix(COL_CHOICE)
                .or_else(|| h.strip_prefix("choice"))
                .or_else(|| h.strip_prefix("Choice"))?;
            n.trim().parse::<usize>().ok().map(|n| (n, i))
        })
        .collect();
    choices.sort_unstable();
    if choices.is_empty() {
        return Err(missing(&format!("{COL_CHOICE}1")));
    }
    let adjust = col(&[COL_ADJUST, "accept_adjust"]);
    let header = |i: Option<usize>, dflt: &str| {
        i.and_then(|i| t.headers.get(i))
            .map_or(dflt.to_string(), |h| h.trim().to_string())
    };
    let mut sheet = PrefsSheet {
        first_row: t.first_row,
        person_col: header(id.or(name), COL_ID),
        choice_cols: choices
            .iter()
            .map(|(_, i)| header(Some(*i), COL_CHOICE))
            .collect(),
        adjust_col: header(adjust, COL_ADJUST),
        ..PrefsSheet::default()
    };
    let mut errors = Vec::new();
    for (n, r) in t.rows.iter().enumerate() {
        if r.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let person = match (cell(r, id), cell(r, name)) {
            (i, _) if !i.is_empty() => i,
            (_, nm) => {
                let hits: Vec<i64> = v
                    .participants
                    .iter()
                    .filter(|p| p.name == nm)
                    .map(|p| p.person_id)
                    .collect();
                match hits.as_slice() {
                    [one] => one.to_string(),
                    _ => nm,
                }
            }
        };
        let accept = cell(r, adjust);
        let accept_adjust = parse_bool(&accept).unwrap_or_else(|| {
            errors.push(FieldError::new(
                format!("rows.{}.accept_adjust", sheet.rows.len()),
                "choice_invalid",
            ));
            false
        });
        sheet.rows.push(PrefRow {
            person,
            prefs: choices
                .iter()
                .map(|(_, i)| post_of(v, &cell(r, Some(*i))))
                .collect(),
            accept_adjust,
        });
        sheet.lines.push(n);
    }
    sheet.errors = sheet.locate(errors);
    Ok(sheet)
}

impl PrefsSheet {
    /// Places errors on `rows.N…` at the file's row and column: adds the arguments `row`
    /// (the file's row number), `column` (its header) and `field` (「第 5 行“志愿1”」, which
    /// the message shows; the web and the API translate it with `twoway.import_cell`).
    pub fn locate(&self, errs: Vec<FieldError>) -> Vec<FieldError> {
        errs.into_iter()
            .map(|e| {
                let mut parts = e.field.split('.');
                let (Some("rows"), Some(n)) = (parts.next(), parts.next()) else {
                    return e;
                };
                let Ok(n) = n.parse::<usize>() else {
                    return e;
                };
                let column = match (parts.next(), parts.next()) {
                    (Some("person"), _) => self.person_col.clone(),
                    (Some("accept_adjust"), _) => self.adjust_col.clone(),
                    (Some("prefs"), Some(m)) => m
                        .parse::<usize>()
                        .ok()
                        .and_then(|m| self.choice_cols.get(m).cloned())
                        .unwrap_or_else(|| COL_CHOICE.into()),
                    _ => COL_CHOICE.into(),
                };
                let row = self.first_row + self.lines.get(n).copied().unwrap_or(n);
                let label = format!("第 {row} 行“{column}”");
                e.with("row", row)
                    .with("column", &column)
                    .with("field", label)
            })
            .collect()
    }
}

/// The result of a round: one sheet by person (body, choices, post and which choice, 调剂,
/// why earlier choices were not obtained, route) and one by body (posts, seats,
/// applicants, first-choice applicants, placed, seats left).
pub fn result_workbook(l: &dyn Labels, unit: &str, v: &RoundView) -> Vec<Sheet> {
    let post = |p: Option<i64>| {
        p.and_then(|p| v.post(p))
            .map(|x| format!("{}·{}", x.body_name, x.title))
            .unwrap_or_default()
    };
    let people = v
        .lines
        .iter()
        .map(|x| {
            vec![
                Cell::Int(x.person.person_id),
                Cell::Text(x.person.name.clone()),
                Cell::Text(
                    x.choices
                        .iter()
                        .map(|p| post(Some(*p)))
                        .collect::<Vec<_>>()
                        .join(" › "),
                ),
                Cell::Text(if x.accept_adjust { "是" } else { "" }.into()),
                Cell::Text(post(x.post_id)),
                x.choice.map_or(Cell::Empty, |c| Cell::Int(c as i64)),
                Cell::Text(if x.adjusted {
                    l.t("twoway.adjusted")
                } else {
                    String::new()
                }),
                Cell::Text(
                    x.why
                        .iter()
                        .map(|(p, k)| format!("{}：{}", post(Some(*p)), l.t(k)))
                        .collect::<Vec<_>>()
                        .join("；"),
                ),
                Cell::Text(x.route.map(|r| l.t(&r.label_key())).unwrap_or_default()),
            ]
        })
        .collect();
    let bodies: Vec<Vec<Cell>> = v
        .by_body
        .iter()
        .map(|(n, f)| {
            vec![
                Cell::Text(n.clone()),
                Cell::Int(f.posts as i64),
                Cell::Int(i64::from(f.seats)),
                Cell::Int(f.applicants as i64),
                Cell::Int(f.first_choice_applicants as i64),
                Cell::Int(f.placed as i64),
                Cell::Int(i64::from(f.vacancies)),
            ]
        })
        .collect();
    let sum = |k: usize| -> i64 {
        bodies
            .iter()
            .map(|r| match r.get(k) {
                Some(Cell::Int(n)) => *n,
                _ => 0,
            })
            .sum()
    };
    let totals = vec![vec![
        Cell::Text(crate::import::TOTAL_LABEL.into()),
        Cell::Int(sum(1)),
        Cell::Int(sum(2)),
        Cell::Empty,
        Cell::Empty,
        Cell::Int(sum(5)),
        Cell::Int(sum(6)),
    ]];
    let title = Some(format!(
        "{unit} {}（{} {}%，{} {}%）",
        v.round.title,
        l.t("twoway.placement_rate"),
        v.placement_rate,
        l.t("twoway.first_choice_rate"),
        v.first_choice_rate
    ));
    let h = |keys: &[&str]| keys.iter().map(|k| l.t(k)).collect::<Vec<_>>();
    vec![
        Sheet {
            name: l.t("twoway.sheet.people"),
            title: title.clone(),
            headers: h(&[
                "twoway.col.person_id",
                "twoway.col.name",
                "twoway.col.choices",
                "twoway.accept_adjust",
                "twoway.col.post",
                "twoway.col.choice",
                "twoway.adjusted",
                "twoway.col.why",
                "twoway.col.route",
            ]),
            rows: people,
            totals: Vec::new(),
        },
        Sheet {
            name: l.t("twoway.sheet.bodies"),
            title,
            headers: h(&[
                "twoway.col.body",
                "twoway.col.posts",
                "twoway.seats",
                "twoway.col.applicants",
                "twoway.col.first_applicants",
                "twoway.placed",
                "twoway.col.vacancies",
            ]),
            rows: bodies,
            totals,
        },
    ]
}
