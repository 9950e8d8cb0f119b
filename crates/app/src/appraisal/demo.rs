//! Demo appraisal: 骆驼街道's 2019 annual appraisal, scored by the body heads and the
//! leadership, graded within the 优秀 quota (the best scores up to the quota are 优秀,
//! scores under 70 基本称职 with a reason), confirmed by the 考核委员会, published from
//! 2020-01-06 and closed; 九龙湖镇's 2020 annual appraisal in scoring, with rating codes
//! issued.

use rust_decimal::Decimal;

use jiguan_domain::appraisal::Grade;
use jiguan_domain::appraisal::cycle::CycleForm;
use jiguan_domain::appraisal::scores::Source;
use jiguan_domain::auth::Role;
use jiguan_domain::tenancy::{DistrictId, UnitId};
use jiguan_domain::workflow::{Status, Step, StepInput};

use super::{GradeForm, ScoreForm};
use crate::demo::system;
use crate::workflow::SimpleStep;
use crate::{App, AppError, AppResult};

/// A deterministic score 62–97 for the `i`-th participant and rater `salt`.
fn demo_score(i: usize, salt: usize) -> String {
    (62 + (i * 37 + salt * 11) % 36).to_string()
}

async fn scored_cycle(
    app: &App,
    district: DistrictId,
    unit: UnitId,
    year: &str,
) -> AppResult<jiguan_domain::appraisal::CycleId> {
    let hr = system(district, Some(unit), Role::UnitAdmin);
    let form = CycleForm {
        title: format!("{year}年度考核"),
        kind: "annual".into(),
        year: year.into(),
        ..CycleForm::default()
    };
    let id = app.apr_create_cycle(&hr, unit, &form).await?;
    app.apr_step(&hr, unit, id, Step::Open).await?;
    app.apr_step(&hr, unit, id, Step::Score).await?;
    let ps = app.apr_participants(&hr, unit, id).await?;
    let mut rows = Vec::new();
    for (i, p) in ps.iter().filter(|p| p.ungraded.is_none()).enumerate() {
        for (salt, (kind, rater)) in [
            ("head", "机构负责人"),
            ("leaders", "分管领导"),
            ("self", "本人"),
        ]
        .into_iter()
        .enumerate()
        {
            rows.push(ScoreForm {
                participant_id: p.id.to_string(),
                kind: kind.into(),
                rater: rater.into(),
                overall: demo_score(i, salt),
                indicators: Default::default(),
            });
        }
    }
    if !rows.is_empty() {
        app.apr_add_scores(&hr, unit, id, &rows, Source::Import)
            .await?;
    }
    Ok(id)
}

/// Seeds the demo appraisal (after people).
pub async fn seed(app: &App, district: DistrictId) -> AppResult<()> {
    let find = |code: &'static str| async move {
        app.store
            .find_unit(district, code)
            .await?
            .ok_or(AppError::NotFound)
    };
    let luotuo = find("luotuo").await?;
    let u = luotuo.id;
    let hr = system(district, Some(u), Role::UnitAdmin);
    let id = scored_cycle(app, district, u, "2019").await?;
    app.apr_step(&hr, u, id, Step::Grade).await?;
    let v = app.apr_grading(&hr, u, id).await?;
    let max = v.quotas.last().map(|q| q.max).unwrap_or(0);
    let group_max = |g: &str| {
        v.quotas
            .iter()
            .find(|q| q.group == g)
            .map(|q| q.max)
            .unwrap_or(max)
    };
    let mut used: std::collections::BTreeMap<String, u32> = Default::default();
    let mut total = 0u32;
    let mut graded: Vec<_> = v
        .rows
        .iter()
        .filter(|r| r.participant.ungraded.is_none())
        .collect();
    graded.sort_by_key(|r| std::cmp::Reverse(r.explained.score));
    let grades: Vec<GradeForm> = graded
        .iter()
        .map(|r| {
            let s = r.explained.score.unwrap_or_default();
            let group = r.participant.group.clone();
            let in_group = used.get(&group).copied().unwrap_or(0);
            let g = if total < max && in_group < group_max(&group) && s >= Decimal::from(80) {
                total += 1;
                used.insert(group, in_group + 1);
                Grade::Excellent
            } else if s >= Decimal::from(70) {
                Grade::Competent
            } else {
                Grade::Basic
            };
            GradeForm {
                participant_id: r.participant.id.to_string(),
                grade: g.code().into(),
                reason: if g == Grade::Basic {
                    "年度工作任务完成不足，群众评价较低".into()
                } else {
                    String::new()
                },
            }
        })
        .collect();
    app.apr_save_grades(&hr, u, id, &grades).await?;
    let committee = system(district, Some(u), Role::CommitteeMember);
    app.step_plan(&committee, u, id, SimpleStep::Approve("骆考委〔2020〕1号"))
        .await?;
    let c = app.apr_cycle(&hr, u, id).await?;
    // Historical data: the publicity ran from 2020-01-06, so it is recorded as such.
    let input = StepInput {
        effective: chrono::NaiveDate::from_ymd_opt(2020, 1, 6),
        ..StepInput::default()
    };
    app.record_step(
        &hr,
        u,
        (id, Status::Confirmed, &c.title),
        Step::Publish,
        input,
    )
    .await?;
    app.record_step(
        &hr,
        u,
        (id, Status::Publicity, &c.title),
        Step::Close,
        StepInput::default(),
    )
    .await?;

    let jiulonghu = find("jiulonghu").await?;
    let j = jiulonghu.id;
    let jid = scored_cycle(app, district, j, "2020").await?;
    let jhr = system(district, Some(j), Role::UnitAdmin);
    app.apr_issue_codes(&jhr, j, jid, "10").await?;
    Ok(())
}
