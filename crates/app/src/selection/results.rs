//! Composite score, ranking, shortlist and inspection (综合成绩、排名、差额考察; issue 13
//! point 5; RULES-SELECTION-APPRAISAL §1.7–§1.8).
//!
//! Per post: every candidate's published stage scores (written exam, the panel's interview
//! result, the closed evaluation's score and approval), the reasons a candidate may not go
//! forward ([`stops`]: below a pass mark, the no-competition floor, disqualified by the
//! evaluation; and not advanced from the written exam), the stages still missing; once no
//! candidate still in the running misses a score, the [`rank`] by the plan's tie-break
//! order and the [`shortlist`] at the plan's inspection ratio, both citing the plan
//! version (campaign id + version). Inspection records (考察材料) with their [`Conclusion`]
//! sort the shortlist ([`after_inspection`]). The ranking orders; it does not appoint.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use jiguan_domain::FieldError;
use jiguan_domain::audit::{AuditAction, ObjectKind};
use jiguan_domain::auth::{Action, Actor};
use jiguan_domain::error::Errors;
use jiguan_domain::selection::eligibility::CompetitionOutcome;
use jiguan_domain::selection::plan::{PostKey, Stage};
use jiguan_domain::selection::scores::{
    AfterInspection, Conclusion, Ranking, Ratio, Shortlist, StageScores, after_inspection,
    inspection_team_ready, rank, shortlist, stops,
};
use jiguan_domain::selection::{ApplicationId, CampaignId};
use jiguan_domain::tenancy::UnitId;

use super::campaign::{CampaignAt, CampaignRecord};
use super::panel::advanced_only;
use super::registration::ReviewView;
use super::scoring::{Candidate, ExamOutcome, InspectionRecord, PostCandidates};
use crate::{App, AppError, AppResult};

/// One candidate's line of the results.
#[derive(Debug, Clone, Serialize)]
pub struct ResultLine {
    pub candidate: Candidate,
    pub scores: StageScores,
    /// The evaluation's approval as a percentage (display).
    pub approval_pct: Option<Decimal>,
    pub composite: Option<Decimal>,
    pub rank: Option<u32>,
    pub tied: bool,
    /// Why the candidate does not go forward (message codes).
    pub stops: Vec<&'static str>,
    /// Stages with a weight whose score is still missing.
    pub missing: Vec<Stage>,
    pub shortlisted: bool,
    pub inspection: Option<InspectionRecord>,
}

/// One post's results.
#[derive(Debug, Clone, Serialize)]
pub struct ResultPost {
    pub key: PostKey,
    pub label: String,
    pub seats: u32,
    pub outcome: CompetitionOutcome,
    /// Ranked first (by rank), then the others.
    pub lines: Vec<ResultLine>,
    /// No candidate still in the running misses a score.
    pub complete: bool,
    pub ranking: Option<Ranking>,
    pub shortlist: Option<Shortlist>,
    pub after: Option<AfterInspection>,
}

/// The results of a campaign version, citing it.
#[derive(Debug, Clone, Serialize)]
pub struct ResultsView {
    pub campaign: CampaignRecord,
    pub campaign_id: CampaignId,
    pub plan_version: i64,
    pub posts: Vec<ResultPost>,
}

/// An inspection record as entered.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct InspectionForm {
    /// The team's members, separated by 、 , ; or new lines.
    pub team: String,
    pub material: String,
    /// `recommend` / `not_recommend` / `defer` (or 建议任用 / 不建议任用 / 暂缓).
    pub conclusion: String,
}

/// Most characters of inspection material.
pub const MATERIAL_MAX: usize = 5000;

impl App {
    /// The results of a campaign version (SelectionView).
    pub async fn sel_results(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: CampaignId,
    ) -> AppResult<ResultsView> {
        let (review, candidates) = self.camp_review_full(actor, unit, id).await?;
        self.sel_results_of(actor, unit, review, candidates).await
    }

    /// The results from a review and its candidates ([`App::camp_review_full`]): every
    /// stage computed on those candidates, nothing of the campaign read again.
    pub(crate) async fn sel_results_of(
        &self,
        actor: &Actor,
        unit: UnitId,
        review: ReviewView,
        candidates: Vec<PostCandidates>,
    ) -> AppResult<ResultsView> {
        let c = review.campaign;
        let id = c.id;
        let d = actor.district_id;
        let plan = &c.plan;
        let exam = self
            .sc_exam_of(d, unit, c.clone(), candidates.clone())
            .await?;
        let interviewees = advanced_only(&c, candidates.clone(), &exam);
        let exam_of: BTreeMap<ApplicationId, (Option<Decimal>, ExamOutcome)> = exam
            .posts
            .iter()
            .flat_map(|p| p.rows.iter())
            .map(|r| (r.candidate.application_id, (r.score, r.outcome)))
            .collect();
        let judges = self.store.sc_judges(CampaignAt::new(d, unit, id)).await?;
        // A judge who has not submitted sees no interview score here either.
        let hidden = judges
            .iter()
            .any(|j| j.user_id == Some(actor.user_id) && j.submitted_at.is_none());
        let panel = self
            .sc_panel_of(d, unit, c.clone(), judges, hidden, interviewees.clone())
            .await?;
        let interview_of: BTreeMap<ApplicationId, Decimal> = panel
            .posts
            .iter()
            .flat_map(|p| p.rows.iter())
            .filter_map(|r| {
                r.result
                    .as_ref()
                    .map(|x| (r.candidate.application_id, x.score))
            })
            .collect();
        let rec = self.store.ev_get(CampaignAt::new(d, unit, id)).await?;
        let ev = self
            .ev_view_of(d, unit, c.clone(), rec, interviewees)
            .await?;
        let eval_of: BTreeMap<ApplicationId, (Decimal, Ratio, bool)> = if ev.void.is_some() {
            BTreeMap::new()
        } else {
            ev.lines
                .iter()
                .filter_map(|l| {
                    l.result
                        .map(|r| (l.application_id, (r.score, r.approval, r.disqualified)))
                })
                .collect()
        };
        let inspections: BTreeMap<ApplicationId, InspectionRecord> = self
            .store
            .sc_inspections(CampaignAt::new(d, unit, id))
            .await?
            .into_iter()
            .map(|r| (r.application_id, r))
            .collect();
        let extra_of = self.sc_extra_of(d, unit, id).await?;
        let used = |st: Stage| !plan.weight(st).is_zero();
        let mut posts = Vec::new();
        for p in candidates {
            let outcome = review
                .posts
                .iter()
                .find(|x| x.key == p.key)
                .map_or(CompetitionOutcome::Competitive, |x| x.outcome);
            let mut lines = Vec::new();
            for x in p.candidates {
                let aid = x.application_id;
                let (written, exam_outcome) = exam_of
                    .get(&aid)
                    .copied()
                    .unwrap_or((None, ExamOutcome::Pending));
                let ev = eval_of.get(&aid).copied();
                let scores = StageScores {
                    id: aid,
                    written,
                    interview: interview_of.get(&aid).copied(),
                    evaluation: ev.map(|e| e.0),
                    approval: ev.map(|e| e.1),
                    extra_test: extra_of.get(&aid).copied(),
                };
                let mut st = stops(plan, outcome, &scores, ev.is_some_and(|e| e.2));
                if used(Stage::Written) && exam_outcome == ExamOutcome::NotAdvanced {
                    st.push("selection_not_advanced");
                }
                let interview_pending = used(Stage::Interview) && scores.interview.is_none();
                // The no-competition floor applies once the interview is scored.
                if interview_pending {
                    st.retain(|s| *s != "selection_interview_below_floor");
                }
                let missing: Vec<Stage> = plan
                    .stages
                    .iter()
                    .filter(|w| !w.weight.is_zero())
                    .map(|w| w.stage)
                    .filter(|s| match s {
                        Stage::Written => scores.written.is_none(),
                        Stage::Interview => scores.interview.is_none(),
                        Stage::Evaluation => scores.evaluation.is_none(),
                    })
                    .collect();
                lines.push(ResultLine {
                    candidate: x,
                    approval_pct: ev.map(|e| e.1.pct()),
                    scores,
                    composite: None,
                    rank: None,
                    tied: false,
                    stops: st,
                    missing,
                    shortlisted: false,
                    inspection: inspections.get(&aid).cloned(),
                });
            }
            let complete = lines
                .iter()
                .all(|l| !l.stops.is_empty() || l.missing.is_empty());
            let rankable: Vec<StageScores> = lines
                .iter()
                .filter(|l| l.stops.is_empty() && l.missing.is_empty())
                .map(|l| l.scores)
                .collect();
            let version = u32::try_from(c.version).unwrap_or(u32::MAX);
            let ranking = if rankable.is_empty() {
                None
            } else {
                Some(rank(plan, version, &rankable).map_err(AppError::Invalid)?)
            };
            let short = match (&ranking, complete) {
                (Some(r), true) => Some(shortlist(plan, p.seats, r)),
                _ => None,
            };
            if let Some(r) = &ranking {
                for l in &mut lines {
                    if let Some(x) = r.ranked.iter().find(|x| x.id == l.candidate.application_id) {
                        l.composite = Some(x.composite);
                        l.rank = Some(x.rank);
                        l.tied = x.tied;
                    }
                }
            }
            let after = match (&short, &ranking) {
                (Some(s), Some(r)) => {
                    for l in &mut lines {
                        l.shortlisted = s.included.contains(&l.candidate.application_id);
                    }
                    let conclusions: BTreeMap<ApplicationId, Conclusion> = inspections
                        .values()
                        .map(|i| (i.application_id, i.conclusion))
                        .collect();
                    Some(after_inspection(plan, s, r, &conclusions))
                }
                _ => None,
            };
            lines.sort_by(|a, b| {
                a.rank
                    .unwrap_or(u32::MAX)
                    .cmp(&b.rank.unwrap_or(u32::MAX))
                    .then(b.composite.cmp(&a.composite))
                    .then(a.candidate.application_id.cmp(&b.candidate.application_id))
            });
            posts.push(ResultPost {
                key: p.key,
                label: p.label,
                seats: p.seats,
                outcome,
                lines,
                complete,
                ranking,
                shortlist: short,
                after,
            });
        }
        Ok(ResultsView {
            campaign_id: c.id,
            plan_version: c.version,
            campaign: c,
            posts,
        })
    }

    /// Records the inspection (考察) of a shortlisted candidate (SelectionManage): the team
    /// (`team`/`selection_team_too_small`), the material (`material`/`required`|`too_long`)
    /// and the conclusion (`conclusion`/`required`|`selection_conclusion_invalid`). A
    /// candidate not on the shortlist (nor a back-fill) is refused
    /// (`application`/`selection_not_shortlisted`).
    pub async fn sel_inspection_save(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: CampaignId,
        application: ApplicationId,
        f: &InspectionForm,
    ) -> AppResult<()> {
        let c = self
            .published_for(actor, Action::SelectionManage, unit, id)
            .await?;
        let v = self.sel_results(actor, unit, id).await?;
        let listed = v.posts.iter().any(|p| {
            p.shortlist
                .as_ref()
                .is_some_and(|s| s.included.contains(&application))
                || p.after
                    .as_ref()
                    .is_some_and(|a| a.backfill.contains(&application))
        });
        let known = v.posts.iter().any(|p| {
            p.lines
                .iter()
                .any(|l| l.candidate.application_id == application)
        });
        if !known {
            return Err(AppError::NotFound);
        }
        let mut errs = Errors::new();
        if !listed {
            errs.push(FieldError::new("application", "selection_not_shortlisted"));
        }
        let members: Vec<&str> = f
            .team
            .split(['、', ',', '，', ';', '；', '\n'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        if let Err(mut e) =
            inspection_team_ready(&c.plan, u32::try_from(members.len()).unwrap_or(u32::MAX))
        {
            e.field = "team".into();
            errs.push(e);
        }
        let material = f.material.trim();
        if material.is_empty() {
            errs.push(FieldError::new("material", "required"));
        } else if material.chars().count() > MATERIAL_MAX {
            errs.push(FieldError::new("material", "too_long").with("max", MATERIAL_MAX));
        }
        let conclusion = match f.conclusion.trim() {
            "" => {
                errs.push(FieldError::new("conclusion", "required"));
                None
            }
            x => {
                let c = Conclusion::from_code(x);
                if c.is_none() {
                    errs.push(FieldError::new(
                        "conclusion",
                        "selection_conclusion_invalid",
                    ));
                }
                c
            }
        };
        errs.into_result()?;
        let Some(conclusion) = conclusion else {
            return Err(FieldError::new("conclusion", "required").into());
        };
        let r = InspectionRecord {
            application_id: application,
            team: members.join("、"),
            material: material.to_string(),
            conclusion,
            recorded_by: actor.username.clone(),
            recorded_at: self.clock.now(),
        };
        let audit = self
            .audit(actor)
            .unit(unit)
            .did(AuditAction::SelectionInspectionSave)
            .on(ObjectKind::SelectionCampaign, id.0)
            .after(&serde_json::json!({
                "application_id": application.0,
                "team": r.team,
                "conclusion": conclusion.code(),
                "plan_version": c.version,
            }));
        self.store
            .sc_inspection_save(CampaignAt::of(actor, unit, id), &r, audit)
            .await?;
        Ok(())
    }
}
