//! The posts module's workbooks: the unit's posts (岗位一览, 岗位人员) and the district FTE
//! and cost report (岗位人力与人头费用). Their headers and values are the fixed Chinese
//! labels of the filing templates, whatever the reader's language, so they take no
//! [`Labels`](super::Labels).

use jiguan_app::posts::{DistrictFte, PostsOverview};
use jiguan_domain::posts::workload::show as fmt2;

use crate::{Cell, Sheet};

fn headers(h: &[&str]) -> Vec<String> {
    h.iter().map(|s| s.to_string()).collect()
}

/// The file name (without `.xlsx`) of a unit's posts workbook.
pub fn posts_file_name(o: &PostsOverview) -> String {
    format!("{}岗位一览", o.unit.name)
}

/// The file name (without `.xlsx`) of the district report.
pub const DISTRICT_FILE_NAME: &str = "岗位人力与人头费用";

/// The posts workbook: 岗位一览 (one row per post) and 岗位人员 (one row per holder).
pub fn posts_sheets(o: &PostsOverview) -> Vec<Sheet> {
    let mut posts = Vec::new();
    let mut holders = Vec::new();
    for b in &o.bodies {
        for r in &b.posts {
            let p = &r.post;
            posts.push(vec![
                Cell::from(b.name.as_str()),
                Cell::from(p.title.as_str()),
                Cell::from(p.level.zh()),
                Cell::from(p.establishment.zh()),
                Cell::from(p.min_education.map_or("", |e| e.zh())),
                Cell::Int(p.min_service_years),
                Cell::from(p.other_requirements.as_str()),
                Cell::Int(r.hours),
                Cell::Text(fmt2(r.fte)),
                Cell::Int(r.holders.len() as i64),
                Cell::Text(
                    r.holders
                        .iter()
                        .map(|h| format!("{}（{}%）", h.person_name, h.assignment.share_pct))
                        .collect::<Vec<_>>()
                        .join("、"),
                ),
                Cell::from(if p.active { "在用" } else { "已撤销" }),
            ]);
            for h in &r.holders {
                let a = &h.assignment;
                holders.push(vec![
                    Cell::from(b.name.as_str()),
                    Cell::from(p.title.as_str()),
                    Cell::from(h.person_name.as_str()),
                    Cell::Int(a.share_pct),
                    Cell::from(if a.main { "主岗" } else { "兼岗" }),
                    Cell::from(if a.overtime { "是" } else { "否" }),
                    Cell::Text(fmt2(h.hours)),
                    Cell::Date(a.start_date),
                ]);
            }
        }
    }
    vec![
        Sheet {
            name: "岗位一览".into(),
            headers: headers(&[
                "内设机构",
                "岗位名称",
                "岗位层级",
                "编制要求",
                "最低学历",
                "最低工作年限",
                "其他条件",
                "年工作量（小时）",
                "所需人力（FTE）",
                "在岗人数",
                "在岗人员",
                "状态",
            ]),
            rows: posts,
        },
        Sheet {
            name: "岗位人员".into(),
            headers: headers(&[
                "内设机构",
                "岗位名称",
                "姓名",
                "时间份额（%）",
                "主岗/兼岗",
                "加班",
                "分担工作量（小时）",
                "起始日期",
            ]),
            rows: holders,
        },
    ]
}

/// The district report: one row per unit, then the total (合计).
pub fn district_sheets(r: &DistrictFte) -> Vec<Sheet> {
    let rows = r
        .lines
        .iter()
        .chain(std::iter::once(&r.total))
        .map(|l| {
            vec![
                Cell::Text(if l.unit.name.is_empty() {
                    "合计".into()
                } else {
                    l.unit.name.clone()
                }),
                Cell::Int(l.posts),
                Cell::Int(l.hours),
                Cell::Text(fmt2(l.need)),
                Cell::Int(l.establishment),
                Cell::Int(l.staff),
                Cell::Text(fmt2(l.assigned)),
                Cell::Money(l.cost),
            ]
        })
        .collect();
    vec![Sheet {
        name: DISTRICT_FILE_NAME.into(),
        headers: headers(&[
            "单位",
            "岗位数",
            "年工作量（小时）",
            "所需人力（FTE）",
            "核定编制",
            "在岗人数",
            "在岗人力（FTE）",
            "人头费用（元/年）",
        ]),
        rows,
    }]
}
