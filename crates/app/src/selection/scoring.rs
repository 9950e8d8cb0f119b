//! The scoring stages of a campaign (issue 13 points 3–5; RULES-SELECTION-APPRAISAL
//! §1.4–§1.8) as use cases, and the [`ScoreStore`] port. The rules are the domain's
//! ([`jiguan_domain::selection::scores`]); nothing here restates them.
//!
//! - Candidates: the *confirmed* applications of a published campaign version, each on its
//!   first choice (the post it competes for; 调剂 is a later decision of the committee).
//! - Written exam (笔试): the HR office (`SelectionManage`) enters scores on a page or the
//!   API, or imports an xlsx/csv file (all-or-nothing; a row error names the row and the
//!   column); [`parse_score`] rounds half-up to 2 places; who advances to the interview is
//!   [`advance_to_interview`] per post.
//! - Interview panel (面试): see [`super::panel`].
//! - Results: see [`super::results`].

use std::collections::{BTreeMap, BTreeSet};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use jiguan_domain::FieldError;
use jiguan_domain::audit::{AuditAction, AuditEntry, ObjectKind};
use jiguan_domain::auth::{Action, Actor};
use jiguan_domain::error::Errors;
use jiguan_domain::people::PersonId;
use jiguan_domain::selection::plan::PostKey;
use jiguan_domain::selection::scores::{advance_to_interview, parse_score};
use jiguan_domain::selection::{ApplicationId, CampaignId};
use jiguan_domain::tenancy::{DistrictId, UnitId, UserId};

use super::campaign::{CampaignAt, CampaignRecord};
use super::registration::{ApplicationRecord, ApplicationStatus, post_label};
use crate::ports::{Scoped, StoreResult};
use crate::{App, AppResult};

/// A written-exam score as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExamScoreRecord {
    pub application_id: ApplicationId,
    pub score: Decimal,
    /// `manual` (page or API) or `import` (a file).
    pub source: String,
    pub entered_by: String,
    pub entered_at: DateTime<Utc>,
}

/// An interview judge as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JudgeRecord {
    pub id: i64,
    pub district_id: DistrictId,
    pub unit_id: UnitId,
    pub campaign_id: CampaignId,
    /// A user account of the unit, or `None` for a judge who signs in with a one-time code.
    pub user_id: Option<UserId>,
    pub name: String,
    /// The judge declared their recusals (回避声明), possibly none.
    pub recusal_declared: bool,
    /// The candidates the judge recused for.
    pub recused: Vec<ApplicationId>,
    pub submitted_at: Option<DateTime<Utc>>,
    /// The account that submitted the sheet.
    pub submitted_by: String,
    /// The HR office entered a paper sheet on the judge's behalf.
    pub on_behalf: bool,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

/// A new judge as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JudgeWrite {
    pub user_id: Option<UserId>,
    pub name: String,
    /// SHA-256 (hex) of the one-time code; "" for a judge with an account.
    pub code_hash: String,
}

/// One judge's score of one candidate as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SheetScore {
    pub judge_id: i64,
    pub application_id: ApplicationId,
    pub score: Decimal,
}

/// Storage of the scoring stages.
#[async_trait]
pub trait ScoreStore: Send + Sync {
    /// The written-exam scores of a campaign version, by application.
    async fn sc_exam_scores(&self, at: CampaignAt) -> StoreResult<Vec<ExamScoreRecord>>;
    /// Inserts or replaces the scores in one transaction with the audit row.
    async fn sc_exam_save(
        &self,
        at: CampaignAt,
        w: &ScoresWrite<'_>,
        audit: AuditEntry,
    ) -> StoreResult<()>;
    /// The judges of a campaign version, by id.
    async fn sc_judges(&self, at: CampaignAt) -> StoreResult<Vec<JudgeRecord>>;
    /// Adds a judge; returns its id.
    async fn sc_judge_add(
        &self,
        at: CampaignAt,
        w: &JudgeWrite,
        audit: AuditEntry,
    ) -> StoreResult<i64>;
    /// The judge holding a one-time code (by its hash), in whatever district and unit: a
    /// judge without an account has only the code (128 random bits) to say who they are.
    async fn sc_judge_by_code(&self, hash: &str) -> StoreResult<Option<JudgeRecord>>;
    /// Records a judge's recusal declaration; only before the sheet is submitted
    /// (`Conflict(Status)` otherwise).
    async fn sc_judge_recusal(
        &self,
        at: Scoped<i64>,
        recused: &[ApplicationId],
        audit: AuditEntry,
    ) -> StoreResult<()>;
    /// Stores a judge's whole sheet and marks it submitted, once (`Conflict(Status)` when it
    /// already is).
    async fn sc_sheet_submit(
        &self,
        at: Scoped<i64>,
        w: &SheetWrite<'_>,
        audit: AuditEntry,
    ) -> StoreResult<()>;
    /// Every score of every submitted sheet of a campaign version.
    async fn sc_sheets(&self, at: CampaignAt) -> StoreResult<Vec<SheetScore>>;
    /// The inspection records (考察材料) of a campaign version.
    async fn sc_inspections(&self, at: CampaignAt) -> StoreResult<Vec<InspectionRecord>>;
    /// Inserts or replaces the inspection record of an application of the campaign.
    async fn sc_inspection_save(
        &self,
        at: CampaignAt,
        r: &InspectionRecord,
        audit: AuditEntry,
    ) -> StoreResult<()>;
}

/// The inspection record (考察材料) of a shortlisted candidate.
/// Written-exam scores as entered: each application's score and where they came from
/// (`manual` or `import`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScoresWrite<'a> {
    pub scores: &'a [(ApplicationId, Decimal)],
    pub source: &'a str,
}

/// A judge's sheet as submitted: the scores, whether the HR office entered it for the
/// judge, and by whom.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SheetWrite<'a> {
    pub scores: &'a [(ApplicationId, Decimal)],
    pub on_behalf: bool,
    pub by: &'a str,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InspectionRecord {
    pub application_id: ApplicationId,
    /// The team's members, separated by 、.
    pub team: String,
    /// The written material (考察材料).
    pub material: String,
    pub conclusion: jiguan_domain::selection::scores::Conclusion,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

/// A candidate: a confirmed application on the post it competes for (its first choice).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Candidate {
    pub application_id: ApplicationId,
    pub person_id: i64,
    pub name: String,
    pub post: PostKey,
}

/// The candidates of one offered post.
#[derive(Debug, Clone, Serialize)]
pub struct PostCandidates {
    pub key: PostKey,
    pub label: String,
    pub seats: u32,
    pub candidates: Vec<Candidate>,
}

pub use jiguan_domain::selection::ExamOutcome;

/// One candidate's written exam.
#[derive(Debug, Clone, Serialize)]
pub struct ExamRow {
    pub candidate: Candidate,
    pub score: Option<Decimal>,
    pub outcome: ExamOutcome,
    /// `manual` / `import` and who entered it.
    pub source: String,
    pub entered_by: String,
}

/// One post's written exam.
#[derive(Debug, Clone, Serialize)]
pub struct ExamPost {
    pub key: PostKey,
    pub label: String,
    pub seats: u32,
    /// `seats × interview_ratio`.
    pub target: u32,
    pub rows: Vec<ExamRow>,
}

/// A campaign's written exam: every post, every candidate, who advances.
#[derive(Debug, Clone, Serialize)]
pub struct ExamView {
    pub campaign: CampaignRecord,
    pub posts: Vec<ExamPost>,
    /// Every candidate has a score.
    pub complete: bool,
}

/// A score as entered: on the page or the API (`row: None`), or a row of a file (`row`:
/// the file's row number, for the message).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default)]
pub struct ExamEntry {
    #[serde(skip)]
    pub row: Option<usize>,
    pub application_id: String,
    pub score: String,
}

/// The candidates per offered post (plan order): the confirmed `apps`, each on its first
/// choice, named from `names` (by person id; "" when absent).
pub(crate) fn candidates_of(
    c: &CampaignRecord,
    apps: &[ApplicationRecord],
    names: &BTreeMap<i64, String>,
) -> Vec<PostCandidates> {
    let mut posts: Vec<PostCandidates> = c
        .plan
        .posts
        .iter()
        .map(|p| PostCandidates {
            key: p.key(),
            label: post_label(c, p.key()),
            seats: p.seats,
            candidates: Vec::new(),
        })
        .collect();
    let mut at: BTreeMap<PostKey, usize> = BTreeMap::new();
    for (i, p) in posts.iter().enumerate() {
        at.entry(p.key).or_insert(i);
    }
    for a in apps {
        if a.status != ApplicationStatus::Confirmed {
            continue;
        }
        let Some(key) = a.choices.first().copied() else {
            continue;
        };
        let Some(i) = at.get(&key) else {
            continue;
        };
        posts[*i].candidates.push(Candidate {
            application_id: a.id,
            person_id: a.person_id,
            name: names.get(&a.person_id).cloned().unwrap_or_default(),
            post: key,
        });
    }
    posts
}

/// The columns of the exam import (and its template): 报名编号, 姓名, 竞聘岗位, 笔试成绩.
pub const EXAM_COLUMNS: [&str; 4] = ["报名编号", "姓名", "竞聘岗位", "笔试成绩"];

/// An error of row `row` of a file, naming the column: `file`/`selection_import_<code>` with
/// the inner error's arguments plus `row` and `column`.
pub fn row_error(row: usize, column: &str, e: &FieldError) -> FieldError {
    let mut out = FieldError::new("file", format!("selection_import_{}", e.code))
        .with("row", row)
        .with("column", column);
    for (k, v) in &e.args {
        out = out.with(k, v);
    }
    out
}

impl App {
    /// The candidates of a campaign version per offered post (plan order), with their
    /// names, unchecked: callers check the action first. Two queries: the applications and
    /// their people.
    pub(crate) async fn sc_candidates(
        &self,
        d: DistrictId,
        unit: UnitId,
        c: &CampaignRecord,
    ) -> AppResult<Vec<PostCandidates>> {
        let mut posts = self.sc_candidate_ids(d, unit, c).await?;
        let mut ids: Vec<PersonId> = posts
            .iter()
            .flat_map(|p| &p.candidates)
            .map(|x| PersonId(x.person_id))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        let names: BTreeMap<i64, String> = self
            .store
            .people_by_ids(d, &ids)
            .await?
            .into_iter()
            .map(|p| (p.id, p.name))
            .collect();
        for x in posts.iter_mut().flat_map(|p| &mut p.candidates) {
            x.name = names.get(&x.person_id).cloned().unwrap_or_default();
        }
        Ok(posts)
    }

    /// The candidates without their names (`name` empty), for a write that checks only
    /// which applications compete: one query.
    pub(crate) async fn sc_candidate_ids(
        &self,
        d: DistrictId,
        unit: UnitId,
        c: &CampaignRecord,
    ) -> AppResult<Vec<PostCandidates>> {
        let apps = self.store.app_list(CampaignAt::new(d, unit, c.id)).await?;
        Ok(candidates_of(c, &apps, &BTreeMap::new()))
    }

    /// The written exam of a campaign version (SelectionView): every candidate per post
    /// with the score and who advances (ties at the cut all advance).
    pub async fn sel_exam(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: CampaignId,
    ) -> AppResult<ExamView> {
        let c = self
            .camp_for(actor, Action::SelectionView, unit, id)
            .await?;
        let posts = self.sc_candidates(actor.district_id, unit, &c).await?;
        self.sc_exam_of(actor.district_id, unit, c, posts).await
    }

    /// The written exam of the candidates `posts` (from [`App::sc_candidates`]).
    pub(crate) async fn sc_exam_of(
        &self,
        d: DistrictId,
        unit: UnitId,
        c: CampaignRecord,
        candidates: Vec<PostCandidates>,
    ) -> AppResult<ExamView> {
        let scores: BTreeMap<ApplicationId, ExamScoreRecord> = self
            .store
            .sc_exam_scores(CampaignAt::new(d, unit, c.id))
            .await?
            .into_iter()
            .map(|s| (s.application_id, s))
            .collect();
        let mut complete = true;
        let mut posts = Vec::new();
        for p in candidates {
            let written: Vec<(ApplicationId, Decimal)> = p
                .candidates
                .iter()
                .filter_map(|x| {
                    scores
                        .get(&x.application_id)
                        .map(|s| (x.application_id, s.score))
                })
                .collect();
            let adv = advance_to_interview(&c.plan, p.seats, &written);
            let mut rows: Vec<ExamRow> = p
                .candidates
                .into_iter()
                .map(|x| {
                    let s = scores.get(&x.application_id);
                    let outcome = if s.is_none() {
                        complete = false;
                        ExamOutcome::Pending
                    } else if adv.advanced.contains(&x.application_id) {
                        ExamOutcome::Advanced
                    } else if adv.below_pass.contains(&x.application_id) {
                        ExamOutcome::BelowPass
                    } else {
                        ExamOutcome::NotAdvanced
                    };
                    ExamRow {
                        candidate: x,
                        score: s.map(|s| s.score),
                        outcome,
                        source: s.map(|s| s.source.clone()).unwrap_or_default(),
                        entered_by: s.map(|s| s.entered_by.clone()).unwrap_or_default(),
                    }
                })
                .collect();
            // Best first; the unscored last.
            rows.sort_by(|a, b| {
                b.score
                    .cmp(&a.score)
                    .then(a.candidate.application_id.cmp(&b.candidate.application_id))
            });
            posts.push(ExamPost {
                key: p.key,
                label: p.label,
                seats: p.seats,
                target: adv.target,
                rows,
            });
        }
        Ok(ExamView {
            campaign: c,
            posts,
            complete,
        })
    }

    /// Enters written-exam scores (SelectionManage) for a published campaign version:
    /// every entry checked, every error at once, nothing written unless all are valid.
    /// On the page a blank score is skipped (`score_<application id>` names a bad one); in a
    /// file (`row` set) a blank score is an error and every error names the row and the
    /// column (`file`/`selection_import_<code>`, args `row`, `column`). An entry must be a
    /// confirmed application of the campaign (`selection_not_candidate`); a file may list
    /// an application once (`selection_import_duplicate`, arg `first`). Returns how many
    /// scores were written.
    pub async fn sel_exam_save(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: CampaignId,
        entries: &[ExamEntry],
    ) -> AppResult<usize> {
        let c = self
            .published_for(actor, Action::SelectionManage, unit, id)
            .await?;
        let known: BTreeSet<ApplicationId> = self
            .sc_candidate_ids(actor.district_id, unit, &c)
            .await?
            .into_iter()
            .flat_map(|p| p.candidates.into_iter().map(|x| x.application_id))
            .collect();
        let import = entries.iter().any(|e| e.row.is_some());
        let mut errs = Errors::new();
        let mut out: Vec<(ApplicationId, Decimal)> = Vec::new();
        let mut seen: BTreeMap<ApplicationId, usize> = BTreeMap::new();
        for (i, e) in entries.iter().enumerate() {
            let app = e
                .application_id
                .trim()
                .parse::<i64>()
                .ok()
                .map(ApplicationId)
                .filter(|a| known.contains(a));
            let field = match app {
                Some(a) => format!("score_{}", a.0),
                None => format!("scores[{i}].application_id"),
            };
            let Some(app) = app else {
                let err = if e.application_id.trim().is_empty() {
                    FieldError::new(&field, "required")
                } else {
                    FieldError::new(&field, "selection_not_candidate")
                        .with("value", e.application_id.trim())
                };
                errs.push(match e.row {
                    Some(r) => row_error(r, EXAM_COLUMNS[0], &err),
                    None => err,
                });
                continue;
            };
            if let Some(r) = e.row {
                if let Some(first) = seen.get(&app) {
                    errs.push(row_error(
                        r,
                        EXAM_COLUMNS[0],
                        &FieldError::new("file", "duplicate").with("first", *first),
                    ));
                    continue;
                }
                seen.insert(app, r);
            }
            if e.row.is_none() && e.score.trim().is_empty() {
                continue;
            }
            match parse_score(&field, &e.score) {
                Ok(s) => out.push((app, s)),
                Err(err) => errs.push(match e.row {
                    Some(r) => row_error(r, EXAM_COLUMNS[3], &err),
                    None => err,
                }),
            }
        }
        errs.into_result()?;
        if out.is_empty() {
            return Err(FieldError::new("scores", "selection_no_scores").into());
        }
        #[derive(Serialize)]
        struct Line {
            application_id: i64,
            score: Decimal,
        }
        let lines: Vec<Line> = out
            .iter()
            .map(|(a, s)| Line {
                application_id: a.0,
                score: *s,
            })
            .collect();
        let (act, source) = if import {
            (AuditAction::SelectionExamImport, "import")
        } else {
            (AuditAction::SelectionExamSave, "manual")
        };
        let audit = self
            .audit(actor)
            .unit(unit)
            .did(act)
            .on(ObjectKind::SelectionCampaign, c.id.0)
            .after(&lines);
        self.store
            .sc_exam_save(
                CampaignAt::of(actor, unit, c.id),
                &ScoresWrite {
                    scores: &out,
                    source,
                },
                audit,
            )
            .await?;
        Ok(out.len())
    }
}
