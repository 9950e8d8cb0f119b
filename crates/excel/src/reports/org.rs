//! The organisation module's register (机构设置一览表, 职能清单, 总量核定), and the
//! labelled rows it is built from, which the web pages show as well.

use chrono::NaiveDate;

use jiguan_app::ports::Unit;
use jiguan_domain::org::analysis::{FunctionIssue, IssueReason};
use jiguan_domain::org::{BodyId, BodyKind, Caps, FunctionId, Structure};

use super::Labels;
use crate::{Cell, Sheet};

/// The label of a body kind.
pub fn kind_label(l: &dyn Labels, k: BodyKind) -> String {
    l.t(&k.label_key())
}

/// A body as a row of a page or a sheet.
pub struct BodyRow {
    pub id: BodyId,
    pub name: String,
    pub short_name: String,
    pub kind: String,
    pub kind_code: &'static str,
    pub parent: String,
    pub status: String,
    pub active: bool,
    pub establishment: i64,
    pub head: String,
    pub doc_no: String,
    /// Nameplate records kept: "农机站（事业站所，编制 3）".
    pub records: Vec<String>,
    pub functions: usize,
}

/// A body's status, with the body that absorbed it.
pub fn status_text(l: &dyn Labels, s: &Structure, b: &jiguan_domain::org::Body) -> String {
    let status = l.t(&b.status.label_key());
    match b.status.successor() {
        Some(succ) => format!("{status}：{}", s.name_of(succ)),
        None => status,
    }
}

/// The bodies of a structure (only the active ones, or all), active first, then by kind
/// and id.
pub fn body_rows(l: &dyn Labels, s: &Structure, only_active: bool) -> Vec<BodyRow> {
    let mut rows: Vec<BodyRow> = s
        .bodies
        .iter()
        .filter(|b| !only_active || b.is_active())
        .map(|b| BodyRow {
            id: b.id,
            name: b.name.clone(),
            short_name: b.short_name.clone(),
            kind: kind_label(l, b.kind),
            kind_code: b.kind.code(),
            parent: b.parent.map(|p| s.name_of(p)).unwrap_or_default(),
            status: status_text(l, s, b),
            active: b.is_active(),
            establishment: b.establishment,
            head: b.head.clone(),
            doc_no: b.doc_no.clone(),
            records: b
                .records
                .iter()
                .map(|r| {
                    l.f(
                        "org.record_line",
                        &[
                            ("name".into(), r.name.clone()),
                            ("kind".into(), kind_label(l, r.kind)),
                            ("est".into(), r.establishment.to_string()),
                            ("doc".into(), r.doc_no.clone()),
                        ],
                    )
                })
                .collect(),
            functions: s.functions_of(b.id).len(),
        })
        .collect();
    rows.sort_by_key(|r| {
        (
            !r.active,
            BodyKind::ALL
                .iter()
                .position(|k| k.code() == r.kind_code)
                .unwrap_or(0),
            r.id,
        )
    });
    rows
}

/// A function item as a row.
pub struct ItemRow {
    pub id: FunctionId,
    pub code: String,
    pub title: String,
    pub category: String,
    pub basis: String,
    pub owners: String,
    pub decision: String,
    pub reason: String,
}

/// The names of bodies, joined with 、.
pub fn names_of(s: &Structure, ids: &[BodyId]) -> String {
    ids.iter()
        .map(|o| s.name_of(*o))
        .collect::<Vec<_>>()
        .join("、")
}

pub fn item_rows(l: &dyn Labels, s: &Structure) -> Vec<ItemRow> {
    s.functions
        .iter()
        .map(|f| ItemRow {
            id: f.id,
            code: f.code.clone(),
            title: f.title.clone(),
            category: l.t(&f.category.label_key()),
            basis: f.legal_basis.clone(),
            owners: names_of(s, &f.owners),
            decision: f
                .decision
                .map(|d| l.t(&d.label_key()))
                .unwrap_or_else(|| l.t("org.decision.none")),
            reason: f.reason.clone(),
        })
        .collect()
}

/// An issue as shown: kind, item, what is wrong, what fixes it.
pub struct IssueRow {
    pub kind: String,
    pub kind_code: &'static str,
    pub item: FunctionId,
    pub code: String,
    pub title: String,
    pub text: String,
    pub fix: String,
}

pub fn issue_rows(l: &dyn Labels, s: &Structure, issues: &[FunctionIssue]) -> Vec<IssueRow> {
    issues
        .iter()
        .map(|i| {
            let mut args = vec![("bodies".to_string(), names_of(s, &i.bodies))];
            match &i.reason {
                IssueReason::NotPerformedButOwned { decision } => {
                    args.push(("decision".into(), l.t(&decision.label_key())));
                }
                IssueReason::KindMayNotHold { kind, category, .. } => {
                    args.push(("kind".into(), kind_label(l, *kind)));
                    args.push(("category".into(), l.t(&category.label_key())));
                }
                _ => {}
            }
            IssueRow {
                kind: l.t(&i.kind.label_key()),
                kind_code: i.kind.code(),
                item: i.item,
                code: i.code.clone(),
                title: i.title.clone(),
                text: l.f(&i.reason.text_key(), &args),
                fix: l.f(&i.reason.fix_key(), &args),
            }
        })
        .collect()
}

fn headers(l: &dyn Labels, keys: &[&str]) -> Vec<String> {
    keys.iter().map(|k| l.t(k)).collect()
}

/// The workbook: 机构设置一览表 (bodies with their nameplate records), 职能清单, 总量核定.
/// Each sheet's title row names the unit and the date the register is for (`on`), once;
/// the bodies sheet ends with the total of the bodies in place on that date.
pub fn workbook(
    l: &dyn Labels,
    u: &Unit,
    on: NaiveDate,
    s: &Structure,
    issues: &[FunctionIssue],
    heads: &[(BodyId, i64)],
) -> Vec<Sheet> {
    let title = |sheet: &str| {
        Some(format!(
            "{} · {} · {}：{}",
            u.name,
            l.t(sheet),
            l.t("org.on_date"),
            on.format("%Y-%m-%d")
        ))
    };
    let head_of = |id: BodyId| heads.iter().find(|(b, _)| *b == id).map_or(0, |(_, n)| *n);
    let body_rows = body_rows(l, s, false);
    let (mut est, mut people, mut active) = (0i64, 0i64, 0i64);
    for r in body_rows.iter().filter(|r| r.active) {
        active += 1;
        est += r.establishment;
        people += head_of(r.id);
    }
    let bodies = Sheet {
        name: l.t("org.sheet_bodies"),
        title: title("org.sheet_bodies"),
        headers: headers(
            l,
            &[
                "field.name",
                "org.col.short_name",
                "org.col.kind",
                "org.col.parent",
                "org.col.status",
                "org.col.establishment",
                "org.col.headcount",
                "org.col.head",
                "org.col.records",
                "org.col.doc_no",
            ],
        ),
        rows: body_rows
            .into_iter()
            .map(|r| {
                let head = head_of(r.id);
                vec![
                    Cell::from(r.name),
                    r.short_name.into(),
                    r.kind.into(),
                    r.parent.into(),
                    r.status.into(),
                    Cell::Int(r.establishment),
                    Cell::Int(head),
                    r.head.into(),
                    r.records.join("；").into(),
                    r.doc_no.into(),
                ]
            })
            .collect(),
        totals: vec![vec![
            Cell::from(l.f("org.total_row", &[("n".into(), active.to_string())])),
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Int(est),
            Cell::Int(people),
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
        ]],
    };
    let issue_rows = issue_rows(l, s, issues);
    let functions = Sheet {
        name: l.t("org.sheet_functions"),
        title: title("org.sheet_functions"),
        headers: headers(
            l,
            &[
                "org.col.code",
                "org.col.title",
                "org.col.category",
                "org.col.basis",
                "org.col.owners",
                "org.col.decision",
                "org.col.reason",
                "org.col.issues",
            ],
        ),
        rows: item_rows(l, s)
            .into_iter()
            .map(|r| {
                let iss: Vec<String> = issue_rows
                    .iter()
                    .filter(|i| i.item == r.id)
                    .map(|i| format!("{}：{}", i.kind, i.text))
                    .collect();
                vec![
                    Cell::from(r.code),
                    r.title.into(),
                    r.category.into(),
                    r.basis.into(),
                    r.owners.into(),
                    r.decision.into(),
                    r.reason.into(),
                    iss.join("；").into(),
                ]
            })
            .collect(),
        ..Default::default()
    };
    let c = s.counts();
    let cap = |f: fn(&Caps) -> i64| s.caps.as_ref().map_or(Cell::Empty, |x| Cell::Int(f(x)));
    let mut rows = vec![
        vec![
            Cell::from(l.t("org.count.active")),
            cap(|c| c.max_bodies),
            Cell::Int(c.active),
        ],
        vec![
            Cell::from(l.t("org.count.chiefs")),
            cap(|c| c.max_chiefs),
            Cell::Int(c.chiefs),
        ],
        vec![
            Cell::from(l.t("org.count.deputies")),
            cap(|c| c.max_deputies),
            Cell::Int(c.deputies),
        ],
    ];
    if let Some(sp) = &s.split {
        for line in &sp.lines {
            for (key, n) in [
                ("org.count.chiefs", line.chiefs),
                ("org.count.deputies", line.deputies),
            ] {
                rows.push(vec![
                    Cell::from(format!(
                        "{} · {} · {}",
                        sp.phase,
                        s.name_of(line.body),
                        l.t(key)
                    )),
                    Cell::Empty,
                    Cell::Int(n),
                ]);
            }
        }
    }
    let totals = Sheet {
        name: l.t("org.sheet_totals"),
        title: title("org.sheet_totals"),
        headers: headers(l, &["org.col.item", "org.col.cap", "org.col.used"]),
        rows,
        ..Default::default()
    };
    vec![bodies, functions, totals]
}
