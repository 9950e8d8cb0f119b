//! Demo committee vote: 骆驼街道's 党工委 (7 members: the demo account `luotuo_committee`
//! and six more) met, 6 present, on four appointments of the 2019 middle-post campaign; the
//! vote is closed, so a newcomer sees a tally sheet with its digest and can recount it.
//!
//! Demo campaigns ([`seed_campaigns`]): 骆驼街道's 2019 plan for the deputy middle posts of
//! its split, approved by the district and published (the chief posts are not offered: the
//! demo posts give every body a chief, more than the district's chief cap, so the quota
//! check refuses any chief seat — a finding about the demo data, not worked around); 招宝山街道's plan published with its
//! registration open (deadline four weeks from the seeding day) and three people
//! recommended by the HR office.

use std::collections::BTreeMap;

use jiguan_domain::auth::Role;
use jiguan_domain::tenancy::DistrictId;

use super::campaign::{CampaignForm, PostLine};
use super::registration::RegisterForm;
use super::{ItemForm, MeetingForm};
use crate::demo::{DEMO_PASSWORD, system};
use crate::people::PeopleFilter;
use crate::workflow::SimpleStep;
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
    seed_campaigns(app, district).await
}

/// A published plan of `code` offering the deputy seats of its middle-post split, with
/// `deadline` as the registration deadline; returns the unit and the campaign.
async fn published_plan(
    app: &App,
    district: DistrictId,
    code: &str,
    title: &str,
    deadline: &str,
    doc_no: &str,
) -> AppResult<(
    jiguan_domain::tenancy::UnitId,
    jiguan_domain::selection::CampaignId,
)> {
    let unit = app
        .store
        .find_unit(district, code)
        .await?
        .ok_or(AppError::NotFound)?;
    let ua = system(district, Some(unit.id), Role::UnitAdmin);
    let da = system(district, None, Role::DistrictAdmin);
    let s = app
        .store
        .load_structure(district, unit.id, app.sel_today())
        .await?;
    let mut posts = Vec::new();
    for l in s.split.map(|x| x.lines).unwrap_or_default() {
        if l.deputies > 0 {
            posts.push(PostLine {
                body_id: l.body.0.to_string(),
                level: "deputy".into(),
                seats: l.deputies.to_string(),
            });
        }
    }
    let form = CampaignForm {
        title: title.into(),
        registration_deadline: deadline.into(),
        posts,
        max_choices: "2".into(),
        ..CampaignForm::default()
    };
    let id = app.camp_create(&ua, unit.id, &form).await?;
    app.camp_submit(&ua, unit.id, id).await?;
    app.step_plan(&da, unit.id, id, SimpleStep::Approve(doc_no))
        .await?;
    app.camp_publish(&ua, unit.id, id).await?;
    Ok((unit.id, id))
}

/// Seeds the demo campaigns (after the people, posts and the committee meeting).
pub async fn seed_campaigns(app: &App, district: DistrictId) -> AppResult<()> {
    published_plan(
        app,
        district,
        "luotuo",
        "骆驼街道2019年中层干部竞争上岗实施方案",
        "2019-06-20",
        "镇海组〔2019〕12号",
    )
    .await?;
    let deadline = app.camp_default_deadline().to_string();
    let (unit, id) = published_plan(
        app,
        district,
        "zhaobaoshan",
        "招宝山街道中层干部竞争上岗实施方案",
        &deadline,
        "镇海组〔2026〕3号",
    )
    .await?;
    let ua = system(district, Some(unit), Role::UnitAdmin);
    let c = app.camp_get(&ua, unit, id).await?.campaign;
    let filter = PeopleFilter {
        unit_id: Some(unit),
        home_only: true,
        ..PeopleFilter::default()
    };
    let people = app.store.export_people(district, &filter).await?;
    let choices: Vec<String> = c
        .plan
        .posts
        .iter()
        .map(|p| format!("{}:{}", p.body_id.0, p.level.code()))
        .collect();
    for (p, choice) in people
        .iter()
        .filter(|p| !p.leader)
        .take(3)
        .zip(choices.iter().cycle())
    {
        let f = RegisterForm {
            choices: vec![choice.clone()],
            person_id: p.id.to_string(),
            ..RegisterForm::default()
        };
        app.camp_recommend(&ua, unit, id, &f).await?;
    }
    Ok(())
}
