//! Demo committee vote: 骆驼街道's 党工委 (7 members: the demo account `luotuo_committee`
//! and six more) met, 6 present, on four appointments of the 2019 middle-post campaign; the
//! vote is closed, so a newcomer sees a tally sheet with its digest and can recount it.

use std::collections::BTreeMap;

use jiguan_domain::auth::Role;
use jiguan_domain::tenancy::DistrictId;

use super::{ItemForm, MeetingForm};
use crate::demo::{DEMO_PASSWORD, system};
use crate::{App, AppError, AppResult};

/// The other six members of 骆驼街道's 党工委: (user name, display name).
pub const MEMBERS: [(&str, &str); 6] = [
    ("luotuo_cm2", "骆驼街道党工委书记·陈国强"),
    ("luotuo_cm3", "骆驼街道党工委副书记·林晓红"),
    ("luotuo_cm4", "骆驼街道党工委委员·何建平"),
    ("luotuo_cm5", "骆驼街道党工委委员·郑美玲"),
    ("luotuo_cm6", "骆驼街道党工委委员·吴海涛"),
    ("luotuo_cm7", "骆驼街道党工委委员·徐静"),
];

/// The items voted on.
pub const ITEMS: [&str; 4] = [
    "拟任 王磊 为 党政综合办公室主任",
    "拟任 周婷 为 经济发展办公室副主任",
    "拟任 钱坤 为 社会事务办公室副主任",
    "拟任 孙悦 为 综合行政执法队副队长",
];

/// The six ballots cast (同意 a, 不同意 d, 缓议 f per item).
const BALLOTS: [&str; 6] = ["aaaa", "aaad", "aadf", "aada", "adaf", "aafd"];

/// Seeds the demo meeting (after the accounts).
pub async fn seed(app: &App, district: DistrictId) -> AppResult<()> {
    let unit = app
        .store
        .find_unit(district, "luotuo")
        .await?
        .ok_or(AppError::NotFound)?;
    for (name, display) in MEMBERS {
        app.system_create_user(
            district,
            Some(unit.id),
            name,
            display,
            &[Role::CommitteeMember],
            DEMO_PASSWORD,
            false,
        )
        .await?;
    }
    let ua = system(district, Some(unit.id), Role::UnitAdmin);
    let form = MeetingForm {
        title: "骆驼街道党工委会议：2019年中层干部竞争上岗人选票决".into(),
        held_on: "2019-07-16".into(),
        items: ITEMS
            .iter()
            .map(|t| ItemForm {
                text: (*t).into(),
                ..ItemForm::default()
            })
            .collect(),
    };
    let id = app.sel_create_meeting(&ua, unit.id, &form).await?;
    let view = app.sel_meeting(&ua, unit.id, id).await?;
    // One member (the last on the roll) is absent.
    let present: Vec<_> = view
        .attendance
        .iter()
        .take(view.attendance.len().saturating_sub(1))
        .map(|a| a.user_id)
        .collect();
    app.sel_roll_call(&ua, unit.id, id, &present).await?;
    let tokens = app.sel_issue_tokens(&ua, unit.id, id).await?;
    for ((token, ballot), voter) in tokens.iter().zip(BALLOTS).zip(&present) {
        let mut cm = system(district, Some(unit.id), Role::CommitteeMember);
        cm.user_id = *voter;
        let marks: BTreeMap<String, String> = ballot
            .chars()
            .enumerate()
            .map(|(i, c)| {
                let code = match c {
                    'a' => "agree",
                    'd' => "disagree",
                    _ => "defer",
                };
                ((i + 1).to_string(), code.to_string())
            })
            .collect();
        app.sel_cast(&cm, unit.id, id, token, &marks).await?;
    }
    app.sel_close(&ua, unit.id, id).await?;
    Ok(())
}
