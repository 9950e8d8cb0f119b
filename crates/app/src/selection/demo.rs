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
//!
//! Demo scores ([`seed_scores`]): 骆驼街道's 2019 campaign with applications, the review,
//! the written exam, seven judges' paper sheets, the democratic evaluation closed, and the
//! inspection of the shortlisted.

use std::collections::{BTreeMap, BTreeSet};

use chrono::Datelike;
use rust_decimal::Decimal;

use jiguan_domain::audit::{AuditAction, ObjectKind};
use jiguan_domain::auth::Role;
use jiguan_domain::people::{PersonId, Status as PersonStatus};
use jiguan_domain::posts::Education;
use jiguan_domain::selection::ApplicationId;
use jiguan_domain::selection::eligibility::{self, Application, Nomination};
use jiguan_domain::selection::plan::{BallotFormat, PostKey};
use jiguan_domain::tenancy::DistrictId;
use jiguan_domain::workflow::Status;

use super::campaign::{CampaignForm, PostLine};
use super::panel::JudgeForm;
use super::registration::{ApplicationWrite, RegisterForm, ReviewForm};
use super::results::InspectionForm;
use super::scoring::ExamEntry;
use super::{ItemForm, MeetingForm};
use crate::demo::{DEMO_PASSWORD, system};
use crate::people::{PeopleFilter, PersonRecord};
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
    seed_campaigns(app, district).await?;
    seed_scores(app, district).await
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

/// The seven interview judges (names only: they score on paper and the HR office enters
/// their sheets; each is given a one-time code that the demo does not use).
pub const JUDGES: [&str; 7] = [
    "区委组织部·王志刚",
    "区委组织部·陈慧",
    "区人力社保局·朱建明",
    "街道党工委·何建平",
    "街道纪工委·孙强",
    "外聘专家·林文华",
    "外聘专家·郑晓燕",
];

/// Each judge's deviation from a candidate's base interview score (the 7-judge trim drops
/// the highest and the lowest).
const JUDGE_OFFSETS: [i64; 7] = [-3, 0, 2, 4, -9, 7, -1];

/// The inspection team (考察组, at least two members).
const INSPECTION_TEAM: &str = "区委组织部·王建国、区委组织部·陈慧、骆驼街道纪工委·孙强";

/// The evaluation codes issued and the ballots returned (民主测评大会).
const EVAL_ISSUED: usize = 40;
const EVAL_RETURNED: usize = 38;

/// 骆驼街道's 2019 campaign scored (issue 13 point 10): applications from June 2019
/// confirmed or refused at the eligibility review, the written exam, the interview panel
/// of seven judges with their paper sheets, the democratic evaluation closed, and the
/// inspection of the shortlisted, so the results page shows composite, ranking, shortlist
/// and conclusions. Deterministic: scores follow the candidates' order per post.
///
/// The registration deadline (2019-06-20) is past on the seeding day, so the use cases
/// (self-registration and the HR office's recommendation alike) refuse new applications;
/// the demo writes them through the store port with the same validation
/// ([`eligibility::validate_application`]) and the same audit action as a recommendation,
/// marked `demo`, as other demos write history. Everything after (review, exam, panel,
/// evaluation, inspection) goes through the ordinary use cases and rules.
pub async fn seed_scores(app: &App, district: DistrictId) -> AppResult<()> {
    let unit = crate::demo::unit(app, district, "luotuo").await?.id;
    let ua = system(district, Some(unit), Role::UnitAdmin);
    let Some(c) = app
        .camp_list(&ua, unit)
        .await?
        .into_iter()
        .find(|c| c.status == Status::Applied)
    else {
        return Err(AppError::NotFound);
    };
    let id = c.id;
    let deadline = c.plan.registration_deadline;

    // ---- who applies: in scope, not 班子成员, holding no middle post, by id.
    let posts = app.store.list_posts(district, unit).await?;
    let middle: BTreeSet<i64> = app
        .store
        .open_assignments(district, Some(unit))
        .await?
        .into_iter()
        .filter(|a| {
            posts
                .iter()
                .any(|p| p.id == a.post_id && p.level.is_middle())
        })
        .map(|a| a.person_id)
        .collect();
    let filter = PeopleFilter {
        unit_id: Some(unit),
        home_only: true,
        ..PeopleFilter::default()
    };
    let mut people = app.store.export_people(district, &filter).await?;
    people.sort_by_key(|p| p.id);
    let in_scope = |p: &&PersonRecord| {
        c.plan.eligibility.identities.contains(&p.identity)
            && !p.leader
            && p.status == PersonStatus::OnPost
            && !middle.contains(&p.id)
    };
    let young = |p: &PersonRecord| {
        let limit = deadline.with_year(deadline.year() - 40).unwrap_or(deadline);
        p.birth_date > limit
            && matches!(
                Education::of_text(&p.education),
                Education::College | Education::Bachelor | Education::Master | Education::Doctor
            )
            && p.work_start
                .is_some_and(|w| w.with_year(w.year() + 3).unwrap_or(w) <= deadline)
    };
    // Each post gets seats + 1 applicants (the least for a competition, §1.3.2); the rest of
    // the suitable people go round the posts from the first.
    let pool: Vec<&PersonRecord> = people
        .iter()
        .filter(in_scope)
        .filter(|p| young(p))
        .collect();
    let mut per_post: Vec<usize> = c.plan.posts.iter().map(|p| p.seats as usize + 1).collect();
    let left = pool.len().saturating_sub(per_post.iter().sum());
    let posts_n = per_post.len().max(1);
    for k in 0..left {
        if let Some(n) = per_post.get_mut(k % posts_n) {
            *n += 1;
        }
    }
    let mut applied: Vec<(&PersonRecord, PostKey)> = Vec::new();
    let mut next = pool.iter();
    for (post, n) in c.plan.posts.iter().zip(&per_post) {
        for p in next.by_ref().take(*n) {
            applied.push((p, post.key()));
        }
    }
    // One applicant over the 副职 age limit (otherwise suitable): refused at the review.
    let over_age = people.iter().filter(in_scope).find(|p| {
        !young(p)
            && p.birth_date.year() > deadline.year() - 45
            && matches!(
                Education::of_text(&p.education),
                Education::Bachelor | Education::Master
            )
    });

    // ---- applications (store port, see above), then the review through the use case.
    let appraisals = (1..=3)
        .map(|k| format!("{}:称职", deadline.year() - k))
        .collect::<Vec<_>>()
        .join(",");
    let mut order: Vec<(&PersonRecord, PostKey)> = applied.clone();
    if let (Some(p), Some(first)) = (over_age, c.plan.posts.first()) {
        order.push((p, first.key()));
    }
    for (i, (p, key)) in order.iter().enumerate() {
        // Every third applicant also lists the next post and 服从调剂.
        let mut choices = vec![*key];
        if i % 3 == 2
            && let Some(next) = c.plan.posts.iter().map(|x| x.key()).find(|k| k != key)
        {
            choices.push(next);
        }
        let a = Application {
            person_id: PersonId(p.id),
            choices: choices.clone(),
            obey_adjustment: choices.len() > 1 && c.plan.obey_adjustment_allowed,
            nomination: if i % 4 == 1 {
                Nomination::Organisation
            } else {
                Nomination::SelfNominated
            },
            signers: 0,
        };
        eligibility::validate_application(&c.plan, &a)?;
        let audit = app
            .audit(&ua)
            .unit(unit)
            .did(AuditAction::SelectionApplicationSave)
            .on(ObjectKind::SelectionCampaign, id.0)
            .after(&serde_json::json!({"demo": true, "application": &a}));
        let w = ApplicationWrite {
            person_id: p.id,
            choices,
            obey_adjustment: a.obey_adjustment,
            nomination: a.nomination,
            signers: 0,
        };
        let aid = app
            .store
            .app_save(district, unit, id, &w, &ua.username, audit)
            .await?;
        let confirm = ReviewForm {
            decision: "confirm".into(),
            basic_conditions_attested: "on".into(),
            appraisals: appraisals.clone(),
            ..ReviewForm::default()
        };
        match app.camp_review(&ua, unit, id, aid, &confirm).await {
            Ok(_) => {}
            Err(AppError::Invalid(errs)) => {
                let reasons: Vec<&str> = errs
                    .iter()
                    .map(|e| match e.code.as_str() {
                        "selection_age_over" => "年龄超过方案规定的副职报名年龄（未满40周岁）",
                        "selection_education_low" => "学历低于大专",
                        "selection_service_short" => "工作年限不足",
                        _ => "不符合方案规定的报名条件",
                    })
                    .collect();
                let note = format!("经资格审查：{}，不予通过", reasons.join("；"));
                let reject = ReviewForm {
                    decision: "reject".into(),
                    note,
                    ..confirm
                };
                app.camp_review(&ua, unit, id, aid, &reject).await?;
            }
            Err(e) => return Err(e),
        }
    }

    // ---- written exam: deterministic scores, the k-th candidate of a post lower.
    let exam = app.sel_exam(&ua, unit, id).await?;
    let mut entries = Vec::new();
    for p in &exam.posts {
        for (k, r) in p.rows.iter().enumerate() {
            let base = Decimal::new(8850, 2) - Decimal::new(450, 2) * Decimal::from(k as i64);
            let bump = Decimal::new((r.candidate.person_id % 7) * 25, 2);
            // The last candidate of the 2-seat post fails the pass mark (60).
            let score = if p.seats > 1 && k + 1 == p.rows.len() {
                Decimal::new(5650, 2)
            } else {
                base + bump
            };
            entries.push(ExamEntry {
                row: None,
                application_id: r.candidate.application_id.0.to_string(),
                score: score.to_string(),
            });
        }
    }
    app.sel_exam_save(&ua, unit, id, &entries).await?;

    // ---- interview: seven judges, paper sheets entered by the HR office.
    let mut judges = Vec::new();
    for name in JUDGES {
        let (jid, _code) = app
            .sel_judge_add(
                &ua,
                unit,
                id,
                &JudgeForm {
                    name: name.into(),
                    ..JudgeForm::default()
                },
            )
            .await?;
        judges.push(jid);
    }
    let panel = app.sel_panel(&ua, unit, id).await?;
    let interviewees: Vec<(ApplicationId, i64, usize)> = panel
        .posts
        .iter()
        .flat_map(|p| {
            p.rows
                .iter()
                .enumerate()
                .map(|(k, r)| (r.candidate.application_id, r.candidate.person_id, k))
        })
        .collect();
    for (j, jid) in judges.iter().enumerate() {
        app.sel_recusal_on_behalf(&ua, unit, id, *jid, &[]).await?;
        let sheet: BTreeMap<String, String> = interviewees
            .iter()
            .map(|(a, person, k)| {
                let base = 86 - 3 * (*k as i64) + (person % 5);
                let s = (base + JUDGE_OFFSETS[j]).clamp(0, 100);
                (format!("score_{}", a.0), s.to_string())
            })
            .collect();
        app.sel_sheet_on_behalf(&ua, unit, id, *jid, &sheet).await?;
    }

    // ---- democratic evaluation: codes issued, ballots cast, closed.
    let codes = app
        .sel_eval_codes(&ua, unit, id, &EVAL_ISSUED.to_string())
        .await?;
    let staff = system(district, Some(unit), Role::Staff);
    let format = c.plan.evaluation.format;
    for (b, code) in codes.iter().take(EVAL_RETURNED).enumerate() {
        let marks: BTreeMap<String, String> = interviewees
            .iter()
            .enumerate()
            .map(|(i, (a, _, k))| {
                // Mostly 优秀/称职; later-ranked candidates get fewer 优秀 and some 基本称职.
                let r = (b * 7 + i * 3) % 20;
                let good = 20 - 2 * (*k).min(4);
                let mark = match (format, r) {
                    (BallotFormat::FourGrade, r) if r < 8 + good / 4 => "excellent",
                    (BallotFormat::FourGrade, r) if r < good => "competent",
                    (BallotFormat::FourGrade, 19) => "",
                    (BallotFormat::FourGrade, _) => "basic",
                    (BallotFormat::ApproveDisapprove, r) if r < good => "approve",
                    (BallotFormat::ApproveDisapprove, 19) => "",
                    (BallotFormat::ApproveDisapprove, _) => "disapprove",
                };
                (format!("mark_{}", a.0), mark.to_string())
            })
            .collect();
        app.sel_eval_cast(&staff, unit, id, code, &marks).await?;
    }
    app.sel_eval_close(&ua, unit, id).await?;

    // ---- inspection of the shortlisted: most recommended, one deferred, one not.
    let results = app.sel_results(&ua, unit, id).await?;
    let mut n = 0usize;
    for p in &results.posts {
        let Some(short) = &p.shortlist else { continue };
        for aid in &short.included {
            let name = p
                .lines
                .iter()
                .find(|l| l.candidate.application_id == *aid)
                .map(|l| l.candidate.name.clone())
                .unwrap_or_default();
            let (conclusion, material) = match n {
                3 => (
                    "defer",
                    format!("{name}同志：群众反映其分管工作推进较慢，建议暂缓任用，待进一步了解。"),
                ),
                6 => (
                    "not_recommend",
                    format!(
                        "{name}同志：考察中反映其担当意识不够强，民主推荐得票较低，不建议任用。"
                    ),
                ),
                _ => (
                    "recommend",
                    format!("{name}同志：政治素质好，工作认真负责，群众公认度较高，建议任用。"),
                ),
            };
            app.sel_inspection_save(
                &ua,
                unit,
                id,
                *aid,
                &InspectionForm {
                    team: INSPECTION_TEAM.into(),
                    material,
                    conclusion: conclusion.into(),
                },
            )
            .await?;
            n += 1;
        }
    }
    Ok(())
}
