//! Demo committee (党工委) of 骆驼街道: the demo account `luotuo_committee` and six more
//! members ([`MEMBERS`]).
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
//!
//! Demo decision ([`seed_decision`]): the recommended candidates of that campaign proposed
//! to the 党工委 meeting of 2019-07-25 (6 of 7 present, one-time tokens, secret ballots,
//! closed and tallied), the decision per post read from that tally, and the 任前公示 of
//! the elected started on 2019-07-29 over the 2019 working-day calendar, with one objection
//! recorded and resolved; nobody is appointed yet, so a newcomer can 办理任职 themselves.

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

use super::campaign::{CampaignAt, CampaignForm, PostLine};
use super::panel::JudgeForm;
use super::registration::{ApplicationWrite, RegisterForm, ReviewForm};
use super::results::InspectionForm;
use super::scoring::ExamEntry;
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

/// Seeds the committee, the campaigns, their scores and the decision (after the accounts,
/// people and posts).
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
    seed_campaigns(app, district).await?;
    seed_scores(app, district).await?;
    seed_decision(app, district).await
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

/// 骆驼街道, its HR office (system) and its published 2019 campaign.
async fn luotuo_2019(
    app: &App,
    district: DistrictId,
) -> AppResult<(
    jiguan_domain::tenancy::UnitId,
    crate::Actor,
    super::campaign::CampaignRecord,
)> {
    let unit = crate::demo::unit(app, district, "luotuo").await?.id;
    let ua = system(district, Some(unit), Role::UnitAdmin);
    let c = app
        .camp_list(&ua, unit)
        .await?
        .into_iter()
        .find(|c| c.status == Status::Applied)
        .ok_or(AppError::NotFound)?;
    Ok((unit, ua, c))
}

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
    let (unit, ua, c) = luotuo_2019(app, district).await?;
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
            .app_save(CampaignAt::new(district, unit, id), &w, audit)
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

/// 2019's working-day schedule (国务院办公厅关于2019年部分节假日安排的通知, 国办发明电〔2018〕15号,
/// with the 劳动节 change of 2019-03-22): the publicity of the 2019 campaign is counted on it.
/// Only 2025 and 2026 are built in; the demo loads this year as a district would.
pub const SCHEDULE_2019: &str = "# 2019: 国务院办公厅关于2019年部分节假日安排的通知
year 2019
2019-01-01 off                 # 元旦
2019-02-04..2019-02-10 off     # 春节
2019-02-02 work
2019-02-03 work
2019-04-05..2019-04-07 off     # 清明节
2019-05-01..2019-05-04 off     # 劳动节
2019-04-28 work
2019-05-05 work
2019-06-07..2019-06-09 off     # 端午节
2019-09-13..2019-09-15 off     # 中秋节
2019-10-01..2019-10-07 off     # 国庆节
2019-09-29 work
2019-10-12 work
";

/// The title of the demo's decision meeting.
pub const DECISION_MEETING: &str = "骆驼街道党工委会议：2019年中层干部竞争上岗人选票决";
/// The meeting's date and the publicity's first day.
pub const DECISION_HELD_ON: &str = "2019-07-25";
pub const PUBLICITY_START: &str = "2019-07-29";

/// The title of a deputy post of a body, after the body's name (队 → 副队长, 所 → 副所长,
/// 站 → 副站长, else 副主任).
fn deputy_title(body: &str) -> &'static str {
    if body.ends_with('队') {
        "副队长"
    } else if body.ends_with('所') {
        "副所长"
    } else if body.ends_with('站') {
        "副站长"
    } else {
        "副主任"
    }
}

/// 骆驼街道's 2019 campaign decided (issue 13 points 6 and 7), through the use cases: the
/// HR office sets up in 岗位管理 a deputy post (no workload yet, no holder) for each offered
/// body that has none, so the appointment has a post to write; proposes per post the
/// candidates of the decision pool in the results' rank order (a person once only; more
/// candidates than seats make a 差额票决); the 党工委 meets on [`DECISION_HELD_ON`] with
/// one member absent, each present member casts a secret ballot with a one-time token —
/// the first-ranked candidates (as many as seats) approved by five of the six, the others
/// by one, one member disagreeing with one 等额 candidate —, the vote is closed and
/// tallied; the elected go to the 任前公示 from [`PUBLICITY_START`] on 2019's calendar
/// ([`SCHEDULE_2019`], loaded for the district); one objection is received and resolved as
/// not affecting the appointment. Nobody is appointed: the publicity's period and the
/// earliest appointment date are on the decisions page, and 办理任职 is the newcomer's.
pub async fn seed_decision(app: &App, district: DistrictId) -> AppResult<()> {
    use super::appointment::{ObjectionForm, ResolveForm};
    use super::decision::{DecisionMeetingForm, Proposal};
    use jiguan_domain::posts::PostForm;
    let (unit, ua, c) = luotuo_2019(app, district).await?;
    app.system_load_calendar_year(district, SCHEDULE_2019)
        .await?;

    // ---- 岗位管理: a deputy post per offered body without one.
    let view = app.dec_view(&ua, unit, c.id).await?;
    let s = app
        .store
        .load_structure(district, unit, app.sel_today())
        .await?;
    for p in view.posts.iter().filter(|p| p.post_id.is_none()) {
        let name = s.name_of(p.post.body_id);
        let f = PostForm {
            body: p.post.body_id.0.to_string(),
            title: deputy_title(&name).into(),
            level: p.post.level.code().into(),
            establishment: "any".into(),
            ..PostForm::default()
        };
        app.create_post(&ua, unit, &f).await?;
    }

    // ---- proposals: per post, the pool in rank order, a person once only.
    let view = app.dec_view(&ua, unit, c.id).await?;
    let results = app.sel_results(&ua, unit, c.id).await?;
    let mut taken: BTreeSet<i64> = BTreeSet::new();
    let mut proposals = Vec::new();
    // (seats, the proposal indexes of the post's candidates in rank order)
    let mut contests: Vec<(usize, Vec<usize>)> = Vec::new();
    for p in &view.posts {
        let rank_of = |person: i64| {
            results
                .posts
                .iter()
                .find(|r| r.key == p.post)
                .and_then(|r| r.lines.iter().position(|l| l.candidate.person_id == person))
                .unwrap_or(usize::MAX)
        };
        let mut pool: Vec<i64> = p
            .pool
            .iter()
            .map(|(_, person, _)| *person)
            .filter(|x| !taken.contains(x))
            .collect();
        pool.sort_by_key(|x| rank_of(*x));
        let mut mine = Vec::new();
        for person in pool {
            taken.insert(person);
            mine.push(proposals.len());
            proposals.push(Proposal {
                post: format!("{}:{}", p.post.body_id.0, p.post.level.code()),
                person_id: person.to_string(),
            });
        }
        contests.push((p.seats as usize, mine));
    }
    let form = DecisionMeetingForm {
        title: DECISION_MEETING.into(),
        held_on: DECISION_HELD_ON.into(),
        proposals,
    };
    let meeting = app.dec_create_meeting(&ua, unit, c.id, &form).await?;

    // ---- the meeting: roll call (the last member absent), tokens, ballots, close.
    let m = app.sel_meeting(&ua, unit, meeting).await?;
    let present: Vec<_> = m
        .attendance
        .iter()
        .take(m.attendance.len().saturating_sub(1))
        .map(|a| a.user_id)
        .collect();
    app.sel_roll_call(&ua, unit, meeting, &present).await?;
    let tokens = app.sel_issue_tokens(&ua, unit, meeting).await?;
    let mut disagreed = false;
    for (v, (token, voter)) in tokens.iter().zip(&present).enumerate() {
        let mut cm = system(district, Some(unit), Role::CommitteeMember);
        cm.user_id = *voter;
        let mut marks: BTreeMap<String, String> = BTreeMap::new();
        for (seats, items) in &contests {
            for (k, i) in items.iter().enumerate() {
                let first = k < *seats;
                // The last voter gives the runner-up the vote of the last seat.
                let agree = if v + 1 == present.len() && items.len() > *seats {
                    k + 1 != *seats && k <= *seats
                } else {
                    first
                };
                let mark = if agree { "agree" } else { "disagree" };
                marks.insert((i + 1).to_string(), mark.to_string());
            }
            // One member disagrees with the first 等额 candidate.
            if v == 1
                && !disagreed
                && items.len() == *seats
                && let Some(i) = items.first()
            {
                marks.insert((i + 1).to_string(), "disagree".to_string());
                disagreed = true;
            }
        }
        app.sel_cast(&cm, unit, meeting, token, &marks).await?;
    }
    app.sel_close(&ua, unit, meeting).await?;

    // ---- 任前公示 of the elected, one objection received and resolved.
    app.dec_start_publicity(&ua, unit, c.id, PUBLICITY_START)
        .await?;
    let v = app.dec_view(&ua, unit, c.id).await?;
    if let Some(first) = v
        .candidates
        .iter()
        .find(|x| x.candidate.publicity_start.is_some())
    {
        let obj = app
            .dec_add_objection(
                &ua,
                unit,
                c.id,
                first.candidate.id,
                &ObjectionForm {
                    received_on: "2019-07-31".into(),
                    content: format!(
                        "来电反映{}同志在社区工作期间对群众来访答复不够及时。",
                        first.name
                    ),
                },
            )
            .await?;
        app.dec_resolve_objection(
            &ua,
            unit,
            c.id,
            obj,
            &ResolveForm {
                outcome: "issue_not_affecting".into(),
                resolution:
                    "经组织人事办核查，所反映情况系个别来访答复延迟，已当面说明并改进，不影响任职。"
                        .into(),
            },
        )
        .await?;
    }
    Ok(())
}
