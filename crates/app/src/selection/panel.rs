//! The interview panel (面试评委, issue 13 point 3; RULES-SELECTION-APPRAISAL §1.5, §1.9).
//!
//! - The HR office (`SelectionManage`) registers the judges of a published campaign
//!   version: a user account of the unit, or a name with a one-time code (shown once, kept
//!   as SHA-256). A candidate of the campaign cannot be a judge ([`check_official`]).
//! - Each judge declares their recusals (回避) before scoring; the declaration is checked
//!   against the conflicts found in the record ([`conflicts`], [`undeclared`]: the judge's
//!   own application (本人) and the relations declared in the people module between the
//!   judge and a candidate (亲属, §1.9.3 (b))). The audit entry logs each recusal (§1.9.5):
//!   the candidate, the category (`own`, `kin` with the kinship, or `other` for a ground
//!   not in the record), declared and/or detected, and who recorded it. The scope is `post_group` (§1.5.4 default): a judge recused
//!   for one candidate scores no candidate of that post.
//! - A judge scores on their own device: the sheet shows the candidates who advanced from
//!   the written exam (all candidates when the plan has no written exam), and the judge's own
//!   scores only; one submission, all-or-nothing, locked afterwards. The panel of each post
//!   must be ready ([`panel_ready`]) before a sheet is accepted.
//! - The HR office may enter a paper sheet on a judge's behalf (recorded as such).
//! - Every sheet is kept; the panel result is [`panel_score`] with the plan's `trim_over`.
//!   A judge who has not submitted sees no one's scores, on any page, even with
//!   `SelectionView`.

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use jiguan_domain::FieldError;
use jiguan_domain::audit::{AuditAction, AuditEntry, ObjectKind};
use jiguan_domain::auth::{Action, Actor};
use jiguan_domain::error::Errors;
use jiguan_domain::people::PersonId;
use jiguan_domain::rules::selection::InterviewScore;
use jiguan_domain::selection::ballot::TokenHash;
use jiguan_domain::selection::plan::{PostKey, Stage};
use jiguan_domain::selection::recusal::{OfficialRole, check_official, conflicts, undeclared};
use jiguan_domain::selection::scores::{JudgeScore, panel_ready, panel_score, parse_score};
use jiguan_domain::selection::{ApplicationId, CampaignId};
use jiguan_domain::tenancy::{DistrictId, UnitId, UserId};

use super::campaign::{CampaignAt, CampaignRecord};
use super::scoring::{
    Candidate, ExamOutcome, ExamView, JudgeRecord, JudgeWrite, PostCandidates, SheetWrite,
};
use super::{new_token, normalise_token, print_token};
use crate::ports::Scoped;
use crate::{App, AppError, AppResult};

/// A judge as the HR office registers one: an account (`user_id`) or a name.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct JudgeForm {
    pub user_id: String,
    pub name: String,
}

/// Who is acting on a sheet.
#[derive(Debug, Clone)]
pub enum JudgeAccess<'a> {
    /// A judge signed in with their account (`SelectionJudge`).
    Account(&'a Actor, UnitId, CampaignId),
    /// A judge without an account, with the one-time code.
    Code(&'a str),
}

/// One line of a sheet: a candidate and the judge's own score.
#[derive(Debug, Clone, Serialize)]
pub struct SheetLine {
    pub candidate: Candidate,
    pub score: Option<Decimal>,
}

/// One post of a sheet.
#[derive(Debug, Clone, Serialize)]
pub struct SheetPost {
    pub key: PostKey,
    pub label: String,
    /// The judge recused for a candidate of this post: they score none of them.
    pub recused: bool,
    pub lines: Vec<SheetLine>,
}

/// A judge's own sheet.
#[derive(Debug, Clone, Serialize)]
pub struct JudgeSheet {
    pub campaign_id: CampaignId,
    pub plan_version: i64,
    pub title: String,
    pub unit_id: UnitId,
    pub judge: JudgeRecord,
    pub posts: Vec<SheetPost>,
}

/// One candidate's line on the panel page.
#[derive(Debug, Clone, Serialize)]
pub struct PanelRow {
    pub candidate: Candidate,
    /// Per judge (in the order of [`PanelView::judges`]): the score, `None` when not scored
    /// (recused or not submitted).
    pub scores: Vec<Option<Decimal>>,
    /// The panel result from the submitted sheets.
    pub result: Option<InterviewScore>,
}

/// One post on the panel page.
#[derive(Debug, Clone, Serialize)]
pub struct PanelPost {
    pub key: PostKey,
    pub label: String,
    pub seats: u32,
    /// Judges who score this post (not recused).
    pub judges: u32,
    /// Why the panel may not sit (too small, even).
    pub not_ready: Option<FieldError>,
    pub rows: Vec<PanelRow>,
}

/// The interview of a campaign version.
#[derive(Debug, Clone, Serialize)]
pub struct PanelView {
    pub campaign: CampaignRecord,
    pub judges: Vec<JudgeRecord>,
    pub posts: Vec<PanelPost>,
    /// The viewer is a judge whose sheet is not submitted: every score is hidden.
    pub hidden: bool,
}

/// The candidates who sit the interview: those `exam` advanced when the plan has a
/// written exam, otherwise all of `posts`.
pub(crate) fn advanced_only(
    c: &CampaignRecord,
    mut posts: Vec<PostCandidates>,
    exam: &ExamView,
) -> Vec<PostCandidates> {
    if c.plan.weight(Stage::Written).is_zero() {
        return posts;
    }
    let advanced: BTreeSet<ApplicationId> = exam
        .posts
        .iter()
        .flat_map(|p| p.rows.iter())
        .filter(|r| r.outcome == ExamOutcome::Advanced)
        .map(|r| r.candidate.application_id)
        .collect();
    for p in &mut posts {
        p.candidates
            .retain(|c| advanced.contains(&c.application_id));
    }
    posts
}

/// Whether a judge is recused for a post (post-group scope).
fn recused_on(j: &JudgeRecord, p: &PostCandidates) -> bool {
    p.candidates
        .iter()
        .any(|c| j.recused.contains(&c.application_id))
}

impl App {
    /// The candidates who sit the interview, per post: those advanced from the written
    /// exam when the plan has one, otherwise every candidate.
    pub(crate) async fn sc_interviewees(
        &self,
        d: DistrictId,
        unit: UnitId,
        c: &CampaignRecord,
    ) -> AppResult<Vec<PostCandidates>> {
        let posts = self.sc_candidates(d, unit, c).await?;
        self.sc_interviewees_of(d, unit, c, posts).await
    }

    /// [`App::sc_interviewees`] of the candidates `posts` (named or not).
    pub(crate) async fn sc_interviewees_of(
        &self,
        d: DistrictId,
        unit: UnitId,
        c: &CampaignRecord,
        posts: Vec<PostCandidates>,
    ) -> AppResult<Vec<PostCandidates>> {
        if c.plan.weight(Stage::Written).is_zero() {
            return Ok(posts);
        }
        let exam = self.sc_exam_of(d, unit, c.clone(), posts.clone()).await?;
        Ok(advanced_only(c, posts, &exam))
    }

    /// The interview of a campaign version (SelectionView): judges, each post's panel and
    /// readiness, every judge's score and the panel result. A viewer who is a judge of the
    /// campaign and has not submitted sees no scores.
    pub async fn sel_panel(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: CampaignId,
    ) -> AppResult<PanelView> {
        let c = self
            .camp_for(actor, Action::SelectionView, unit, id)
            .await?;
        let judges = self
            .store
            .sc_judges(CampaignAt::of(actor, unit, id))
            .await?;
        let hidden = judges
            .iter()
            .any(|j| j.user_id == Some(actor.user_id) && j.submitted_at.is_none());
        let interviewees = self.sc_interviewees(actor.district_id, unit, &c).await?;
        self.sc_panel_of(actor.district_id, unit, c, judges, hidden, interviewees)
            .await
    }

    /// The panel page of `interviewees` (from [`App::sc_interviewees`]).
    pub(crate) async fn sc_panel_of(
        &self,
        d: DistrictId,
        unit: UnitId,
        c: CampaignRecord,
        judges: Vec<JudgeRecord>,
        hidden: bool,
        interviewees: Vec<PostCandidates>,
    ) -> AppResult<PanelView> {
        let sheets = if hidden {
            Vec::new()
        } else {
            self.store.sc_sheets(CampaignAt::new(d, unit, c.id)).await?
        };
        let by: BTreeMap<(i64, ApplicationId), Decimal> = sheets
            .iter()
            .map(|s| ((s.judge_id, s.application_id), s.score))
            .collect();
        let mut posts = Vec::new();
        for p in interviewees {
            let sitting: Vec<&JudgeRecord> = judges.iter().filter(|j| !recused_on(j, &p)).collect();
            let n = u32::try_from(sitting.len()).unwrap_or(u32::MAX);
            let not_ready = if p.candidates.is_empty() {
                None
            } else {
                panel_ready(&c.plan, n).err()
            };
            let rows = p
                .candidates
                .iter()
                .map(|cand| {
                    let scores: Vec<Option<Decimal>> = judges
                        .iter()
                        .map(|j| by.get(&(j.id, cand.application_id)).copied())
                        .collect();
                    let js: Vec<JudgeScore> = judges
                        .iter()
                        .filter_map(|j| {
                            by.get(&(j.id, cand.application_id)).map(|s| JudgeScore {
                                judge: j.id,
                                score: *s,
                                recused: recused_on(j, &p),
                            })
                        })
                        .collect();
                    PanelRow {
                        candidate: cand.clone(),
                        scores,
                        result: panel_score(&js, c.plan.trim_over),
                    }
                })
                .collect();
            posts.push(PanelPost {
                key: p.key,
                label: p.label,
                seats: p.seats,
                judges: n,
                not_ready,
                rows,
            });
        }
        Ok(PanelView {
            campaign: c,
            judges,
            posts,
            hidden,
        })
    }

    /// Registers a judge (SelectionManage) for a published campaign version: an account of
    /// the unit (`user_id`; a candidate of the campaign is refused:
    /// `official`/`selection_candidate_as_official`; twice: `user_id`/`selection_judge_duplicate`) or a name
    /// (`name`/`required`), who gets a one-time code returned once. Returns the judge's id
    /// and the code.
    pub async fn sel_judge_add(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: CampaignId,
        f: &JudgeForm,
    ) -> AppResult<(i64, Option<String>)> {
        let c = self
            .published_for(actor, Action::SelectionManage, unit, id)
            .await?;
        let d = actor.district_id;
        let existing = self.store.sc_judges(CampaignAt::new(d, unit, id)).await?;
        let (w, code) = if f.user_id.trim().is_empty() {
            let name = f.name.trim();
            if name.is_empty() {
                return Err(FieldError::new("name", "required").into());
            }
            if name.chars().count() > 50 {
                return Err(FieldError::new("name", "too_long").with("max", 50).into());
            }
            let code = new_token();
            (
                JudgeWrite {
                    user_id: None,
                    name: name.to_string(),
                    code_hash: TokenHash::of(&code).to_hex(),
                },
                Some(print_token(&code)),
            )
        } else {
            let uid = f
                .user_id
                .trim()
                .parse::<i64>()
                .map_err(|_| FieldError::new("user_id", "not_found"))?;
            let user = self
                .store
                .get_user(d, UserId(uid))
                .await?
                .filter(|u| u.unit_id == Some(unit) && u.active)
                .ok_or_else(|| FieldError::new("user_id", "not_found"))?;
            if existing.iter().any(|j| j.user_id == Some(user.id)) {
                return Err(FieldError::new("user_id", "selection_judge_duplicate").into());
            }
            if let Some(pid) = user.person_id {
                let candidates: Vec<PersonId> = self
                    .sc_candidate_ids(d, unit, &c)
                    .await?
                    .iter()
                    .flat_map(|p| p.candidates.iter().map(|x| PersonId(x.person_id)))
                    .collect();
                check_official(OfficialRole::Judge, pid, &candidates)?;
            }
            (
                JudgeWrite {
                    user_id: Some(user.id),
                    name: user.display_name.clone(),
                    code_hash: String::new(),
                },
                None,
            )
        };
        #[derive(Serialize)]
        struct After<'a> {
            name: &'a str,
            user_id: Option<i64>,
            with_code: bool,
        }
        let audit = self
            .audit(actor)
            .unit(unit)
            .did(AuditAction::SelectionJudgeAdd)
            .on(ObjectKind::SelectionCampaign, id.0)
            .after(&After {
                name: &w.name,
                user_id: w.user_id.map(|u| u.0),
                with_code: code.is_some(),
            });
        let jid = self
            .store
            .sc_judge_add(CampaignAt::new(d, unit, id), &w, audit)
            .await?;
        Ok((jid, code))
    }

    /// The judge record an access names: the signed-in account's (SelectionJudge) or the
    /// code's. Not a judge: `NotFound`; a wrong code: `code`/`selection_code_invalid`.
    async fn sc_judge_of(&self, a: &JudgeAccess<'_>) -> AppResult<JudgeRecord> {
        match a {
            JudgeAccess::Account(actor, unit, id) => {
                self.require_unit(actor, Action::SelectionJudge, *unit)
                    .await?;
                self.store
                    .sc_judges(CampaignAt::of(actor, *unit, *id))
                    .await?
                    .into_iter()
                    .find(|j| j.user_id == Some(actor.user_id))
                    .ok_or(AppError::NotFound)
            }
            JudgeAccess::Code(code) => {
                let code = normalise_token(code);
                if code.is_empty() {
                    return Err(FieldError::new("code", "required").into());
                }
                self.store
                    .sc_judge_by_code(&TokenHash::of(&code).to_hex())
                    .await?
                    .ok_or_else(|| FieldError::new("code", "selection_code_invalid").into())
            }
        }
    }

    /// The audit entry of a judge's own act: their account, or the code judge by name.
    fn judge_audit(&self, a: &JudgeAccess<'_>, j: &JudgeRecord) -> AuditEntry {
        match a {
            JudgeAccess::Account(actor, ..) => self.audit(actor),
            JudgeAccess::Code(_) => {
                let mut e = self.system_audit(j.district_id);
                e.username = format!("judge#{}", j.id);
                e.addr = crate::audit::client_addr();
                e
            }
        }
    }

    async fn sc_sheet_of(&self, j: JudgeRecord) -> AppResult<JudgeSheet> {
        let c = self
            .store
            .camp_get(CampaignAt::new(j.district_id, j.unit_id, j.campaign_id))
            .await?
            .ok_or(AppError::NotFound)?;
        let own: BTreeMap<ApplicationId, Decimal> = if j.submitted_at.is_some() {
            self.store
                .sc_sheets(CampaignAt::new(j.district_id, j.unit_id, j.campaign_id))
                .await?
                .into_iter()
                .filter(|s| s.judge_id == j.id)
                .map(|s| (s.application_id, s.score))
                .collect()
        } else {
            BTreeMap::new()
        };
        let posts = self
            .sc_interviewees(j.district_id, j.unit_id, &c)
            .await?
            .into_iter()
            .filter(|p| !p.candidates.is_empty())
            .map(|p| SheetPost {
                key: p.key,
                recused: recused_on(&j, &p),
                lines: p
                    .candidates
                    .iter()
                    .map(|x| SheetLine {
                        candidate: x.clone(),
                        score: own.get(&x.application_id).copied(),
                    })
                    .collect(),
                label: p.label,
            })
            .collect();
        Ok(JudgeSheet {
            campaign_id: c.id,
            plan_version: c.version,
            title: c.title,
            unit_id: j.unit_id,
            judge: j,
            posts,
        })
    }

    /// A judge's own sheet (their scores only, once submitted).
    pub async fn sel_sheet(&self, a: &JudgeAccess<'_>) -> AppResult<JudgeSheet> {
        let j = self.sc_judge_of(a).await?;
        self.sc_sheet_of(j).await
    }

    /// A judge declares their recusals (回避声明) before scoring: `recused` lists application
    /// ids (none: no conflict). Refused when a conflict found in the record is left out
    /// (`recused`/`selection_recusal_undeclared`, arg `name`), an id is not a candidate
    /// (`recused`/`selection_not_candidate`), or the sheet is submitted
    /// (`sheet`/`selection_sheet_submitted`).
    pub async fn sel_declare_recusal(
        &self,
        a: &JudgeAccess<'_>,
        recused: &[String],
    ) -> AppResult<()> {
        let j = self.sc_judge_of(a).await?;
        self.sc_declare(j, a, recused).await
    }

    /// The HR office records a judge's paper recusal declaration (SelectionManage); the same
    /// checks as [`App::sel_declare_recusal`].
    pub async fn sel_recusal_on_behalf(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: CampaignId,
        judge: i64,
        recused: &[String],
    ) -> AppResult<()> {
        let j = self.managed_judge(actor, unit, id, judge).await?;
        self.sc_declare(j, &JudgeAccess::Account(actor, unit, id), recused)
            .await
    }

    /// Judge `judge` of a published campaign version, for the HR office (SelectionManage).
    async fn managed_judge(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: CampaignId,
        judge: i64,
    ) -> AppResult<JudgeRecord> {
        self.published_for(actor, Action::SelectionManage, unit, id)
            .await?;
        self.store
            .sc_judges(CampaignAt::of(actor, unit, id))
            .await?
            .into_iter()
            .find(|j| j.id == judge)
            .ok_or(AppError::NotFound)
    }

    async fn sc_declare(
        &self,
        j: JudgeRecord,
        a: &JudgeAccess<'_>,
        recused: &[String],
    ) -> AppResult<()> {
        if j.submitted_at.is_some() {
            return Err(FieldError::new("sheet", "selection_sheet_submitted").into());
        }
        let c = self
            .store
            .camp_get(CampaignAt::new(j.district_id, j.unit_id, j.campaign_id))
            .await?
            .ok_or(AppError::NotFound)?;
        let cands: Vec<Candidate> = self
            .sc_candidates(j.district_id, j.unit_id, &c)
            .await?
            .into_iter()
            .flat_map(|p| p.candidates)
            .collect();
        let mut ids = Vec::new();
        for r in recused.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
            match r
                .parse::<i64>()
                .ok()
                .and_then(|x| cands.iter().find(|c| c.application_id.0 == x))
            {
                Some(c) => ids.push(c.application_id),
                None => {
                    return Err(FieldError::new("recused", "selection_not_candidate")
                        .with("value", r)
                        .into());
                }
            }
        }
        ids.sort();
        ids.dedup();
        // The conflicts in the record: the judge's own application and the declared
        // relations with a candidate.
        let mut found = Vec::new();
        if let Some(uid) = j.user_id
            && let Some(pid) = self
                .store
                .get_user(j.district_id, uid)
                .await?
                .and_then(|u| u.person_id)
        {
            let people: Vec<PersonId> = cands.iter().map(|c| PersonId(c.person_id)).collect();
            let kin = self.kin_relations(j.district_id, pid, &people).await?;
            found = conflicts(pid, &people, &kin);
            let declared: Vec<(PersonId, PersonId)> = cands
                .iter()
                .filter(|c| ids.contains(&c.application_id))
                .map(|c| (pid, PersonId(c.person_id)))
                .collect();
            if let Some(x) = undeclared(&found, &declared).first() {
                let name = cands
                    .iter()
                    .find(|c| PersonId(c.person_id) == x.candidate)
                    .map(|c| c.name.clone())
                    .unwrap_or_default();
                return Err(FieldError::new("recused", "selection_recusal_undeclared")
                    .with("name", name)
                    .into());
            }
        }
        let audit = self
            .judge_audit(a, &j)
            .unit(j.unit_id)
            .did(AuditAction::SelectionJudgeRecusal)
            .on(ObjectKind::SelectionCampaign, j.campaign_id.0)
            .after(&serde_json::json!({
                "judge": j.id,
                "recused": ids.iter().map(|x| x.0).collect::<Vec<_>>(),
                "log": recusal_log(&cands, &ids, &found),
            }));
        self.store
            .sc_judge_recusal(Scoped::new(j.district_id, j.unit_id, j.id), &ids, audit)
            .await
            .map_err(AppError::on_conflict("sheet", "selection_sheet_submitted"))
    }

    /// A judge submits their sheet (once): a score 0–100 for every candidate they score
    /// (`score_<application id>`: `required`, `score_invalid`, `out_of_range`), after their
    /// recusal declaration (`recused`/`selection_recusal_required`), with every post's
    /// panel ready (`judges`/`selection_panel_too_small`|`selection_panel_even`).
    pub async fn sel_submit_sheet(
        &self,
        a: &JudgeAccess<'_>,
        values: &BTreeMap<String, String>,
    ) -> AppResult<usize> {
        let j = self.sc_judge_of(a).await?;
        self.sc_submit(j, values, a, false).await
    }

    /// The HR office enters a judge's paper sheet (SelectionManage), recorded as entered on
    /// the judge's behalf; the same checks as [`App::sel_submit_sheet`].
    pub async fn sel_sheet_on_behalf(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: CampaignId,
        judge: i64,
        values: &BTreeMap<String, String>,
    ) -> AppResult<usize> {
        let j = self.managed_judge(actor, unit, id, judge).await?;
        let a = JudgeAccess::Account(actor, unit, id);
        self.sc_submit(j, values, &a, true).await
    }

    async fn sc_submit(
        &self,
        j: JudgeRecord,
        values: &BTreeMap<String, String>,
        a: &JudgeAccess<'_>,
        on_behalf: bool,
    ) -> AppResult<usize> {
        if j.submitted_at.is_some() {
            return Err(FieldError::new("sheet", "selection_sheet_submitted").into());
        }
        if !j.recusal_declared {
            return Err(FieldError::new("recused", "selection_recusal_required").into());
        }
        // What the sheet checks, loaded once: the campaign, its judges, who sits the
        // interview (no names).
        let c = self
            .store
            .camp_get(CampaignAt::new(j.district_id, j.unit_id, j.campaign_id))
            .await?
            .ok_or(AppError::NotFound)?;
        let judges = self
            .store
            .sc_judges(CampaignAt::new(j.district_id, j.unit_id, j.campaign_id))
            .await?;
        let cands = self.sc_candidate_ids(j.district_id, j.unit_id, &c).await?;
        let scored: Vec<PostCandidates> = self
            .sc_interviewees_of(j.district_id, j.unit_id, &c, cands)
            .await?
            .into_iter()
            .filter(|p| !p.candidates.is_empty() && !recused_on(&j, p))
            .collect();
        let mut errs = Errors::new();
        let mut out = Vec::new();
        for p in &scored {
            let n = judges.iter().filter(|x| !recused_on(x, p)).count();
            if let Err(e) = panel_ready(&c.plan, u32::try_from(n).unwrap_or(u32::MAX)) {
                errs.push(e.with("post", &p.label));
            }
        }
        for p in &scored {
            for l in &p.candidates {
                let id = l.application_id;
                let field = format!("score_{}", id.0);
                let v = values.get(&field).map(String::as_str).unwrap_or("");
                if let Some(s) = errs.take(parse_score(&field, v)) {
                    out.push((id, s));
                }
            }
        }
        errs.into_result()?;
        if out.is_empty() {
            return Err(FieldError::new("sheet", "selection_no_scores").into());
        }
        let by = match a {
            JudgeAccess::Account(actor, ..) => actor.username.clone(),
            JudgeAccess::Code(_) => format!("judge#{}", j.id),
        };
        let audit = self
            .judge_audit(a, &j)
            .unit(j.unit_id)
            .did(AuditAction::SelectionSheetSubmit)
            .on(ObjectKind::SelectionCampaign, j.campaign_id.0)
            .after(&serde_json::json!({
                "judge": j.id,
                "on_behalf": on_behalf,
                "scores": out.iter().map(|(a, s)| (a.0, *s)).collect::<Vec<_>>(),
            }));
        self.store
            .sc_sheet_submit(
                Scoped::new(j.district_id, j.unit_id, j.id),
                &SheetWrite {
                    scores: &out,
                    on_behalf,
                    by: &by,
                },
                audit,
            )
            .await
            .map_err(AppError::on_conflict("sheet", "selection_sheet_submitted"))?;
        Ok(out.len())
    }
}

/// The recusal log of one declaration (§1.9.5): per recused application, the candidate,
/// the category found in the record (`own`, `kin` with the kinship category, or `other`:
/// a ground the record does not show, §1.9.3 (c)), declared (always: it is in the
/// declaration) and detected (the record shows it). Who decided is the audit entry's actor.
fn recusal_log(
    cands: &[Candidate],
    ids: &[ApplicationId],
    found: &[jiguan_domain::selection::recusal::Conflict],
) -> Vec<serde_json::Value> {
    use jiguan_domain::selection::recusal::Ground;
    cands
        .iter()
        .filter(|c| ids.contains(&c.application_id))
        .map(|c| {
            let hit = found.iter().find(|x| x.candidate == PersonId(c.person_id));
            let (category, kinship) = match hit.map(|x| x.ground) {
                Some(Ground::Own) => ("own", None),
                Some(Ground::Kin { kind }) => ("kin", Some(kind.code())),
                None => ("other", None),
            };
            serde_json::json!({
                "application": c.application_id.0,
                "candidate": c.person_id,
                "category": category,
                "kinship": kinship,
                "declared": true,
                "detected": hit.is_some(),
            })
        })
        .collect()
}
