//! The posts module's workbooks: the unit's posts (岗位一览, 岗位人员) and the district FTE
//! and cost report (岗位人力与人头费用). Their headers and values are the fixed Chinese
//! labels of the filing templates, whatever the reader's language, so they take no
//! [`Labels`](super::Labels). Hours, FTE, shares and money are numbers; the 合计 rows carry
//! the figures the pages show (the overview's totals of the posts in use, the district
//! report's total line).

use jiguan_app::posts::{DistrictFte, PostsOverview};
use rust_decimal::Decimal;

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
    let mut holders_on_active = 0i64;
    let mut holder_hours = Decimal::ZERO;
    for b in &o.bodies {
        for r in &b.posts {
            let p = &r.post;
            if p.active {
                holders_on_active += r.holders.len() as i64;
            }
            posts.push(vec![
                Cell::from(b.name.as_str()),
                Cell::from(p.title.as_str()),
                Cell::from(p.level.zh()),
                Cell::from(p.establishment.zh()),
                Cell::from(p.min_education.map_or("", |e| e.zh())),
                Cell::Int(p.min_service_years),
                Cell::from(p.other_requirements.as_str()),
                Cell::Int(r.hours),
                Cell::Fte(r.fte),
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
                holder_hours += h.hours;
                holders.push(vec![
                    Cell::from(b.name.as_str()),
                    Cell::from(p.title.as_str()),
                    Cell::from(h.person_name.as_str()),
                    Cell::Percent(Decimal::from(a.share_pct)),
                    Cell::from(if a.main { "主岗" } else { "兼岗" }),
                    Cell::from(if a.overtime { "是" } else { "否" }),
                    Cell::Decimal(h.hours),
                    Cell::Date(a.start_date),
                ]);
            }
        }
    }
    // The posts in use, as the page's figures count them (a withdrawn post keeps its row).
    let posts_total = vec![
        Cell::Text(format!("合计（在用岗位 {} 个）", o.posts)),
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        Cell::Int(o.total_hours),
        Cell::Fte(o.total_need),
        Cell::Int(holders_on_active),
        Cell::Empty,
        Cell::Empty,
    ];
    let holders_total = vec![
        Cell::Text(format!("合计（{} 人次）", holders.len())),
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        Cell::Decimal(holder_hours),
        Cell::Empty,
    ];
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
            totals: vec![posts_total],
            ..Default::default()
        },
        Sheet {
            name: "岗位人员".into(),
            headers: headers(&[
                "内设机构",
                "岗位名称",
                "姓名",
                "时间份额",
                "主岗/兼岗",
                "加班",
                "分担工作量（小时）",
                "起始日期",
            ]),
            rows: holders,
            totals: vec![holders_total],
            ..Default::default()
        },
    ]
}

/// The district report: one row per unit, then the total (合计) the page shows.
pub fn district_sheets(r: &DistrictFte) -> Vec<Sheet> {
    let line = |name: String, l: &jiguan_app::posts::UnitFteLine| {
        vec![
            Cell::Text(name),
            Cell::Int(l.posts),
            Cell::Int(l.hours),
            Cell::Fte(l.need),
            Cell::Int(l.establishment),
            Cell::Int(l.staff),
            Cell::Fte(l.assigned),
            Cell::Money(l.cost),
        ]
    };
    let rows = r
        .lines
        .iter()
        .map(|l| line(l.unit.name.clone(), l))
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
        totals: vec![line("合计".into(), &r.total)],
        ..Default::default()
    }]
}
