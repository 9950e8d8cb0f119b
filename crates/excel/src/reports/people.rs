//! The people module's reports: the roster (花名册) and establishment use (编制使用情况表),
//! for the web's download buttons and `jiguan people export` alike.
//!
//! Their headers and values are the Chinese of the import template (a roster export
//! imports back as it is: the import leaves out the 合计 row), whatever the reader's
//! language: the labels are not used yet. Money is in yuan as numbers; the totals are
//! exact sums in fen.

use jiguan_app::people::{RosterRow, UnitEstablishment};
use jiguan_domain::people::establishment::{KindUse, QuotaKind};

use crate::reports::Labels;
use crate::{Cell, Sheet};

/// The roster sheet (花名册).
pub fn roster_sheet(_l: &dyn Labels, rows: &[(RosterRow, String)]) -> Sheet {
    let mut headers = vec!["单位".to_string()];
    headers.extend(
        jiguan_domain::people::template::COLUMNS
            .iter()
            .map(|c| c.header.to_string()),
    );
    headers.push("合计（元/年）".into());
    headers.push("状态".into());
    let d = |x: Option<chrono::NaiveDate>| x.map(Cell::Date).unwrap_or(Cell::Empty);
    let out: Vec<Vec<Cell>> = rows
        .iter()
        .map(|(r, unit)| {
            let p = &r.person;
            vec![
                Cell::from(unit.as_str()),
                p.name.as_str().into(),
                if p.gender == "male" { "男" } else { "女" }.into(),
                r.id_shown.as_str().into(),
                Cell::Date(p.birth_date),
                p.ethnicity.as_str().into(),
                p.party.as_str().into(),
                p.education.as_str().into(),
                d(p.work_start),
                d(p.unit_join),
                p.identity.zh().into(),
                p.establishment.zh().into(),
                r.body_name.clone().unwrap_or_default().into(),
                p.post.as_str().into(),
                p.rank.as_str().into(),
                if p.leader { "是" } else { "否" }.into(),
                p.leader_role.as_str().into(),
                p.phone.as_str().into(),
                p.funding.zh().into(),
                Cell::Money(p.cost.basic_pay),
                Cell::Money(p.cost.allowances),
                Cell::Money(p.cost.social_insurance),
                Cell::Money(p.cost.housing_fund),
                // 试用期满日期: the template's last column, so that it imports back.
                d(p.probation_end),
                Cell::Money(p.cost.total()),
                r.status_here.zh().into(),
            ]
        })
        .collect();
    // 合计: the people counted and their annual cost, summed exactly in fen.
    let total = super::money_total(format!("合计（{} 人）", rows.len()), &out);
    Sheet {
        name: "花名册".into(),
        headers,
        rows: out,
        totals: vec![total],
        ..Default::default()
    }
}

/// The establishment-use sheet (编制使用情况表).
pub fn establishment_sheet(_l: &dyn Labels, units: &[UnitEstablishment]) -> Sheet {
    let mut headers = vec!["单位".to_string()];
    for k in ["行政编制", "事业编制", "工勤编制"] {
        for c in ["核定", "实有", "空编", "超编"] {
            headers.push(format!("{k}{c}"));
        }
    }
    headers
        .extend(["领导职数核定", "领导职数实有", "编外人员", "超编例外（条）"].map(String::from));
    let mut rows = Vec::new();
    let mut tot = [0i64; 16];
    for e in units {
        let mut row = vec![Cell::from(e.unit.name.as_str())];
        let mut nums = Vec::new();
        for k in [
            QuotaKind::Administrative,
            QuotaKind::Institution,
            QuotaKind::Service,
        ] {
            let u = e
                .uses
                .iter()
                .find(|u| u.kind == k)
                .copied()
                .unwrap_or(KindUse {
                    kind: k,
                    approved: 0,
                    occupied: 0,
                });
            nums.extend([u.approved, u.occupied, u.vacancy(), u.over()]);
        }
        let lead = e
            .uses
            .iter()
            .find(|u| u.kind == QuotaKind::Leadership)
            .map(|u| (u.approved, u.occupied))
            .unwrap_or((0, 0));
        nums.extend([
            lead.0,
            lead.1,
            e.off_establishment,
            e.exceptions.len() as i64,
        ]);
        for (i, n) in nums.iter().enumerate() {
            if let Some(t) = tot.get_mut(i) {
                *t += n;
            }
            row.push(Cell::Int(*n));
        }
        rows.push(row);
    }
    let mut totals = Vec::new();
    if units.len() > 1 {
        let mut row = vec![Cell::from("合计")];
        row.extend(tot.iter().map(|n| Cell::Int(*n)));
        totals.push(row);
    }
    Sheet {
        name: "编制使用情况表".into(),
        headers,
        rows,
        totals,
        ..Default::default()
    }
}
