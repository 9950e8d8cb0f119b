//! The appraisal use cases. Each checks the matrix and the unit scope, validates every
//! field (all errors at once), applies the domain's rules and calls the store.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use jiguan_domain::FieldError;
use jiguan_domain::appraisal::consequences::{Effect, Year, effects};
use jiguan_domain::appraisal::cycle::{CycleForm, Kind, PersonFacts, REASON_MAX, ungraded_reason};
use jiguan_domain::appraisal::grading::{
    DEFAULT_BANDS, Graded, Quota, check_grade, check_quotas, quotas, rate,
};
use jiguan_domain::appraisal::scores::{
    DEFAULT_RATER_WEIGHTS, Explained, IndicatorSetForm, RaterKind, RaterScore, Source, check_sum,
    parse_score, parse_weight, score,
};
use jiguan_domain::appraisal::{AppealId, CycleId, Grade, ParticipantId, Ungraded};
use jiguan_domain::audit::{AuditAction, AuditEntry, ObjectKind};
use jiguan_domain::auth::{Action, Actor};
use jiguan_domain::error::{Errors, required_text};
use jiguan_domain::people::parse_date;
use jiguan_domain::rules::keys;
use jiguan_domain::rules::selection::{Publicity, publicity};
use jiguan_domain::selection::ballot::TokenHash;
use jiguan_domain::tenancy::UnitId;
use jiguan_domain::workflow::{APPRAISAL_CYCLES, Move, Status, Step, StepInput};

use super::{
    AppealRecord, AppealWrite, CycleAt, CycleChange, CycleRecord, FactsWrite, GradeWrite,
    IndicatorSetRecord, NewCycle, ParticipantRecord, ParticipantWrite, QUOTA_STATUSES,
    ResolveWrite, ScoreRecord,
};
use crate::people::PeopleFilter;
use crate::ports::StoreResult;
use crate::selection::{ballot_key, new_token, normalise_token, print_token};
use crate::workflow::{PlanRef, SimpleStep, status_err};
use crate::{App, AppError, AppResult};

/// Most one-time codes issued at once.
pub const CODES_MAX: u32 = 500;
/// Days after the result is known within which a 复核 may be filed (公务员法 art. 95(4)).
pub const APPEAL_DAYS: i64 = 30;
/// The default quota group and the leadership group (APR-12).
pub const GROUP_STAFF: &str = "staff";
pub const GROUP_LEADERS: &str = "leaders";

/// The rater weights as entered (percent; blank counts as 0; the four sum to 100).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct WeightsForm {
    #[serde(rename = "self")]
    pub self_summary: String,
    pub head: String,
    pub peers: String,
    pub leaders: String,
}

/// A participant's facts as entered.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct FactsForm {
    pub group: String,
    pub post_level: String,
    pub leave_days: String,
    /// "on"/"true" when checked.
    pub investigation: String,
    pub sanction: String,
    pub warned: String,
}

/// A named rater's score as entered (page, API, one import row).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ScoreForm {
    pub participant_id: String,
    /// `self`, `head`, `leaders` (or the Chinese label). Colleagues rate with codes.
    pub kind: String,
    pub rater: String,
    /// An overall score (0–100), or blank when scored per indicator.
    pub overall: String,
    /// Indicator name → score.
    pub indicators: BTreeMap<String, String>,
}

/// One grade decision as entered.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct GradeForm {
    pub participant_id: String,
    pub grade: String,
    pub reason: String,
}

/// A raised quota as entered: the rate (20–25) and the approval 文号.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct QuotaForm {
    pub rate: String,
    pub doc_no: String,
}

/// An appeal as entered.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct AppealForm {
    pub participant_id: String,
    pub filed_on: String,
    pub reason: String,
}

/// An appeal's resolution as entered.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ResolveForm {
    pub decision: String,
    /// Blank: the grade stands.
    pub new_grade: String,
}

/// One participant on the grading page.
#[derive(Debug, Clone, Serialize)]
pub struct GradingRow {
    pub participant: ParticipantRecord,
    pub explained: Explained,
    /// From the score bands; `None` for the not graded and the unscored.
    pub proposed: Option<Grade>,
}

/// The grading page: every participant's explained score and proposal, and the quota
/// arithmetic of each group and of the unit over the grades saved so far.
#[derive(Debug, Clone, Serialize)]
pub struct GradingView {
    pub cycle: CycleRecord,
    pub rows: Vec<GradingRow>,
    pub quotas: Vec<Quota>,
    /// The periodic weight applied (annual cycles with periodic results).
    pub periodic_weight: Decimal,
}

/// A final result for the pay module and the person page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FinalGrade {
    pub person_id: i64,
    pub name: String,
    /// `excellent` / `competent` / `basic` / `incompetent`; `None`: not graded.
    pub grade: Option<Grade>,
    pub ungraded: Option<Ungraded>,
    pub score: Option<Decimal>,
}

/// One year of a person's history with what it entails.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistoryRow {
    pub year: i32,
    pub unit_id: UnitId,
    pub cycle_id: CycleId,
    pub grade: Option<Grade>,
    pub ungraded: Option<Ungraded>,
    pub effects: Vec<Effect>,
}

/// What a step of the cycle records in the audit entry.
#[derive(Debug, Clone, Serialize)]
pub struct CycleStepAfter {
    pub status: Status,
    pub doc_no: Option<String>,
    pub reason: Option<String>,
    pub publicity_from: Option<NaiveDate>,
}

impl From<&Move> for CycleStepAfter {
    fn from(m: &Move) -> Self {
        CycleStepAfter {
            status: m.to,
            doc_no: m.doc_no.clone(),
            reason: m.reason.clone(),
            publicity_from: m.effective,
        }
    }
}

impl PlanRef for CycleId {
    const FLOW: &'static jiguan_domain::workflow::Workflow = &APPRAISAL_CYCLES;
    type After = CycleStepAfter;

    async fn head(self, app: &App, actor: &Actor, unit: UnitId) -> AppResult<(Status, String)> {
        let c = app.apr_cycle(actor, unit, self).await?;
        Ok((c.status, c.title))
    }

    /// Confirming (批准) needs every graded participant graded and every quota kept.
    async fn check(
        self,
        app: &App,
        actor: &Actor,
        unit: UnitId,
        step: SimpleStep<'_>,
    ) -> AppResult<()> {
        if step.step() != Step::Approve {
            return Ok(());
        }
        let c = app.apr_cycle(actor, unit, self).await?;
        let ps = app.apr_participants(actor, unit, self).await?;
        if ps.iter().any(|p| p.ungraded.is_none() && p.grade.is_none()) {
            return Err(AppError::field("grades", "appraisal_grades_missing"));
        }
        if c.kind == Kind::Annual {
            check_quotas(&app.apr_quotas(actor, &c, &ps, &BTreeMap::new()).await?)?;
        }
        Ok(())
    }
}

fn checked(s: &str) -> bool {
    matches!(s.trim(), "on" | "true" | "1" | "yes" | "是")
}

fn opt_participant(field: &str, s: &str) -> Result<ParticipantId, FieldError> {
    s.trim()
        .parse::<ParticipantId>()
        .map_err(|_| FieldError::new(field, "number_invalid"))
}

/// Refuses unless the cycle is in one of `statuses`.
fn require_status(c: &CycleRecord, statuses: &[Status]) -> AppResult<()> {
    if statuses.contains(&c.status) {
        Ok(())
    } else {
        Err(jiguan_domain::workflow::status_invalid(c.status).into())
    }
}

/// Statuses whose grades are known (confirmed by the committee).
pub const RESULT_STATUSES: &[Status] = &[Status::Confirmed, Status::Publicity, Status::Closed];

impl App {
    /// A cycle the actor manages: AppraisalManage, then [`App::apr_cycle`].
    async fn apr_managed(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: CycleId,
    ) -> AppResult<CycleRecord> {
        self.require_unit(actor, Action::AppraisalManage, unit)
            .await?;
        self.apr_cycle(actor, unit, id).await
    }

    /// The audit entry of `action` on cycle `c`.
    fn apr_audit(&self, actor: &Actor, c: &CycleRecord, action: AuditAction) -> AuditEntry {
        self.audit(actor)
            .unit(c.unit_id)
            .did(action)
            .on(ObjectKind::AppraisalCycle, c.id)
    }

    /// Makes `change` to cycle `c` with its audit entry; a conflict on the status names
    /// the status read.
    async fn apr_write(
        &self,
        c: &CycleRecord,
        change: CycleChange,
        audit: AuditEntry,
    ) -> AppResult<()> {
        self.store
            .apr_change(c.at(), &change, audit)
            .await
            .map(drop)
            .map_err(|e| status_err(e, c.status))
    }

    async fn apr_params(
        &self,
        actor: &Actor,
        unit: UnitId,
    ) -> AppResult<jiguan_domain::rules::Params> {
        self.calc_params(actor.district_id, Some(unit)).await
    }

    /// What `read` answers of a cycle, once the actor may view it (AppraisalView; another
    /// unit's cycle is not found).
    async fn apr_read<T>(
        &self,
        actor: &Actor,
        at: CycleAt,
        read: impl Future<Output = StoreResult<T>>,
    ) -> AppResult<T> {
        self.apr_cycle(actor, at.unit, at.id).await?;
        Ok(read.await?)
    }

    /// `appraisal.new_staff_months` of the unit (12 unless set): new staff under it are not
    /// graded (APR-6).
    async fn apr_new_staff_months(&self, actor: &Actor, unit: UnitId) -> AppResult<u32> {
        let months = self
            .apr_params(actor, unit)
            .await?
            .int(keys::APPRAISAL_NEW_STAFF_MONTHS)
            .unwrap_or(12);
        Ok(u32::try_from(months).unwrap_or(12))
    }

    /// The cycles of a unit (AppraisalView).
    pub async fn apr_cycles(&self, actor: &Actor, unit: UnitId) -> AppResult<Vec<CycleRecord>> {
        self.require_unit(actor, Action::AppraisalView, unit)
            .await?;
        Ok(self.store.apr_cycles(actor.district_id, unit).await?)
    }

    /// One cycle (AppraisalView; another unit's is not found).
    pub async fn apr_cycle(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: CycleId,
    ) -> AppResult<CycleRecord> {
        self.require_unit(actor, Action::AppraisalView, unit)
            .await?;
        self.store
            .apr_cycle(CycleAt::of(actor, unit, id))
            .await?
            .ok_or(AppError::NotFound)
    }

    /// Creates a draft cycle (AppraisalManage): the participants are the unit's active
    /// home roster, each with the reason they are not graded (APR-6: new staff under
    /// `appraisal.new_staff_months`, from the work start date); leaders go to the
    /// `leaders` quota group (APR-12); the default rater weights and the 德能勤绩廉 set.
    /// Errors: those of [`CycleForm::parse`], `year`/`appraisal_cycle_exists`.
    pub async fn apr_create_cycle(
        &self,
        actor: &Actor,
        unit: UnitId,
        f: &CycleForm,
    ) -> AppResult<CycleId> {
        self.require_unit(actor, Action::AppraisalManage, unit)
            .await?;
        let input = f.parse()?;
        let d = actor.district_id;
        let existing = self.store.apr_cycles(d, unit).await?;
        if existing
            .iter()
            .any(|c| c.kind == input.kind && c.year == input.year && c.quarter == input.quarter)
        {
            return Err(AppError::field("year", "appraisal_cycle_exists"));
        }
        let months = self.apr_new_staff_months(actor, unit).await?;
        let filter = PeopleFilter {
            unit_id: Some(unit),
            home_only: true,
            ..PeopleFilter::default()
        };
        let roster = self.store.export_people(d, &filter).await?;
        let period = input.period();
        let people: Vec<ParticipantWrite> = roster
            .iter()
            .filter(|p| p.unit_id == unit)
            .map(|p| {
                let facts = PersonFacts {
                    identity: p.identity,
                    hired_on: p.work_start,
                    leave_days: 0,
                    under_investigation: false,
                    sanction_running: false,
                };
                ParticipantWrite {
                    person_id: p.id,
                    name: p.name.clone(),
                    identity: p.identity,
                    group: if p.leader { GROUP_LEADERS } else { GROUP_STAFF }.into(),
                    post_level: if p.leader {
                        "领导班子".into()
                    } else {
                        String::new()
                    },
                    ungraded: ungraded_reason(&facts, period, months),
                }
            })
            .collect();
        let weights: Vec<(RaterKind, Decimal)> = DEFAULT_RATER_WEIGHTS
            .iter()
            .map(|(k, w)| (*k, Decimal::from(*w)))
            .collect();
        let set = IndicatorSetForm::default_set("").parse()?;
        let audit = self
            .audit(actor)
            .unit(unit)
            .did(AuditAction::AppraisalCycleCreate)
            .on(ObjectKind::AppraisalCycle, "")
            .after(&(&input, people.len()));
        let w = NewCycle {
            input,
            weights,
            people,
            set,
        };
        Ok(self.store.apr_create_cycle(d, unit, &w, audit).await?)
    }

    /// The participants (AppraisalView).
    pub async fn apr_participants(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: CycleId,
    ) -> AppResult<Vec<ParticipantRecord>> {
        let at = CycleAt::of(actor, unit, id);
        self.apr_read(actor, at, self.store.apr_participants(at))
            .await
    }

    /// Changes a participant's facts and recomputes whether they are graded (AppraisalManage;
    /// cycle `draft`/`open`). Errors: `leave_days` (`number_invalid`, 0–366), `group`,
    /// `post_level` (too long), `status`.
    pub async fn apr_set_facts(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: CycleId,
        p: ParticipantId,
        f: &FactsForm,
    ) -> AppResult<()> {
        let c = self.apr_managed(actor, unit, id).await?;
        let ps = self.store.apr_participants(c.at()).await?;
        let old = ps
            .into_iter()
            .find(|x| x.id == p)
            .ok_or(AppError::NotFound)?;
        APPRAISAL_CYCLES.check_editable(c.status)?;
        let mut errs = Errors::new();
        let leave_days = match f.leave_days.trim() {
            "" => Some(0),
            s => match s.parse::<u32>() {
                Ok(n) if n <= 366 => Some(n),
                _ => {
                    errs.push(
                        FieldError::new("leave_days", "out_of_range")
                            .with("min", 0)
                            .with("max", 366),
                    );
                    None
                }
            },
        };
        let group = errs.take(required_text("group", &f.group, 30));
        if f.post_level.trim().chars().count() > 50 {
            errs.push(FieldError::new("post_level", "too_long").with("max", 50));
        }
        errs.into_result()?;
        let (Some(leave_days), Some(group)) = (leave_days, group) else {
            return Err(AppError::Internal("unreachable".into()));
        };
        let months = self.apr_new_staff_months(actor, unit).await?;
        let person = self
            .store
            .get_person(
                actor.district_id,
                jiguan_domain::people::PersonId(old.person_id),
            )
            .await?;
        let facts = PersonFacts {
            identity: old.identity,
            hired_on: person.and_then(|x| x.work_start),
            leave_days,
            under_investigation: checked(&f.investigation),
            sanction_running: checked(&f.sanction),
        };
        let period = jiguan_domain::appraisal::cycle::period(c.year, c.quarter);
        let w = FactsWrite {
            group,
            post_level: f.post_level.trim().to_string(),
            leave_days,
            investigation: facts.under_investigation,
            sanction: facts.sanction_running,
            warned: checked(&f.warned),
            ungraded: ungraded_reason(&facts, period, months),
        };
        let audit = self.apr_audit(actor, &c, AuditAction::AppraisalParticipantsSet);
        let audit = audit.before(&old).after(&w);
        self.apr_write(&c, CycleChange::Facts(p, w), audit).await
    }

    /// The indicator sets (AppraisalView).
    pub async fn apr_indicator_sets(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: CycleId,
    ) -> AppResult<Vec<IndicatorSetRecord>> {
        let at = CycleAt::of(actor, unit, id);
        self.apr_read(actor, at, self.store.apr_indicator_sets(at))
            .await
    }

    /// Adds or replaces the indicator set of a post level (AppraisalManage; `draft`/`open`).
    pub async fn apr_save_indicator_set(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: CycleId,
        f: &IndicatorSetForm,
    ) -> AppResult<()> {
        let c = self.apr_managed(actor, unit, id).await?;
        let set = f.parse()?;
        APPRAISAL_CYCLES.check_editable(c.status)?;
        let audit = self.apr_audit(actor, &c, AuditAction::AppraisalIndicatorSetSave);
        let audit = audit.after(&set);
        self.apr_write(&c, CycleChange::IndicatorSet(set), audit)
            .await
    }

    /// Sets the rater weights (AppraisalManage; `draft`/`open`): each 0–100, summing to 100.
    pub async fn apr_set_weights(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: CycleId,
        f: &WeightsForm,
    ) -> AppResult<()> {
        let c = self.apr_managed(actor, unit, id).await?;
        let mut errs = Errors::new();
        let mut weights = Vec::new();
        for (kind, raw, field) in [
            (RaterKind::SelfSummary, &f.self_summary, "self"),
            (RaterKind::BodyHead, &f.head, "head"),
            (RaterKind::Colleagues, &f.peers, "peers"),
            (RaterKind::Leadership, &f.leaders, "leaders"),
        ] {
            let raw = if raw.trim().is_empty() { "0" } else { raw };
            if let Some(w) = errs.take(parse_weight(field, raw)) {
                weights.push((kind, w));
            }
        }
        if errs.is_empty() {
            errs.take(check_sum("weights", weights.iter().map(|w| w.1)));
        }
        errs.into_result()?;
        APPRAISAL_CYCLES.check_editable(c.status)?;
        let audit = self.apr_audit(actor, &c, AuditAction::AppraisalRatersSet);
        let audit = audit.before(&c.rater_weights).after(&weights);
        self.apr_write(&c, CycleChange::Weights(weights), audit)
            .await
    }

    /// Records a raised 优秀 rate with its approval 文号 (APR-9; AppraisalManage; before
    /// confirmation). Errors: `rate` (20–25, `out_of_range`), `doc_no` (required).
    pub async fn apr_raise_quota(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: CycleId,
        f: &QuotaForm,
    ) -> AppResult<()> {
        let c = self.apr_managed(actor, unit, id).await?;
        let mut errs = Errors::new();
        let r = errs.take(parse_weight("rate", &f.rate));
        if r.is_some_and(|r| r < Decimal::from(20) || r > Decimal::from(25)) {
            errs.push(
                FieldError::new("rate", "out_of_range")
                    .with("min", 20)
                    .with("max", 25),
            );
        }
        let doc = errs.take(required_text(
            "doc_no",
            &f.doc_no,
            jiguan_domain::workflow::DOC_MAX,
        ));
        errs.into_result()?;
        require_status(&c, QUOTA_STATUSES)?;
        let (Some(rate), Some(doc)) = (r, doc) else {
            return Err(AppError::Internal("unreachable".into()));
        };
        let audit = self.apr_audit(actor, &c, AuditAction::AppraisalQuotaRaise);
        let audit = audit.after(&(rate, &doc));
        self.apr_write(&c, CycleChange::Quota { rate, doc }, audit)
            .await
    }

    /// Checks one score form against the cycle's participants and indicator sets.
    fn apr_parse_score(
        prefix: &str,
        f: &ScoreForm,
        ps: &[ParticipantRecord],
        sets: &[IndicatorSetRecord],
        source: Source,
        errs: &mut Errors,
    ) -> Option<ScoreRecord> {
        let field = |n: &str| format!("{prefix}{n}");
        let pid = errs.take(opt_participant(&field("participant_id"), &f.participant_id));
        let participant = pid.and_then(|id| ps.iter().find(|p| p.id == id));
        if pid.is_some() && participant.is_none() {
            errs.push(FieldError::new(field("participant_id"), "not_found"));
        }
        let kind = errs.take(RaterKind::parse(&field("kind"), &f.kind));
        if matches!(kind, Some(RaterKind::Colleagues | RaterKind::Periodic)) {
            errs.push(FieldError::new(field("kind"), "appraisal_kind_by_code"));
        }
        let rater = errs.take(required_text(&field("rater"), &f.rater, 50));
        let overall = if f.overall.trim().is_empty() {
            None
        } else {
            errs.take(parse_score(&field("overall"), &f.overall))
        };
        let set = participant.map(|p| super::usecases::set_for(sets, &p.post_level));
        let mut by = BTreeMap::new();
        for (name, v) in &f.indicators {
            if v.trim().is_empty() {
                continue;
            }
            if set.is_some_and(|s| !s.iter().any(|i| &i.name == name)) {
                errs.push(FieldError::new(
                    field(&format!("indicators.{name}")),
                    "not_found",
                ));
                continue;
            }
            if let Some(x) = errs.take(parse_score(&field(&format!("indicators.{name}")), v)) {
                by.insert(name.clone(), x);
            }
        }
        if overall.is_none() && by.is_empty() && f.overall.trim().is_empty() {
            errs.push(FieldError::new(field("overall"), "required"));
        }
        Some(ScoreRecord {
            participant_id: participant?.id,
            score: RaterScore {
                kind: kind?,
                rater: Some(rater?),
                source,
                by_indicator: by,
                overall,
            },
        })
    }

    /// Enters named scores (AppraisalManage; cycle `scoring`): one form from the page or
    /// the API, many rows from an Excel import — all rows valid or nothing written; errors
    /// name the row (`rows[i].field`) when there are several.
    pub async fn apr_add_scores(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: CycleId,
        forms: &[ScoreForm],
        source: Source,
    ) -> AppResult<usize> {
        let c = self.apr_managed(actor, unit, id).await?;
        let ps = self.store.apr_participants(c.at()).await?;
        let sets = self.store.apr_indicator_sets(c.at()).await?;
        let mut errs = Errors::new();
        if forms.is_empty() {
            errs.push(FieldError::new("rows", "required"));
        }
        let mut out = Vec::new();
        for (i, f) in forms.iter().enumerate() {
            let prefix = if forms.len() > 1 {
                format!("rows[{i}].")
            } else {
                String::new()
            };
            if let Some(s) = Self::apr_parse_score(&prefix, f, &ps, &sets, source, &mut errs) {
                out.push(s);
            }
        }
        errs.into_result()?;
        require_status(&c, &[Status::Scoring])?;
        let action = if source == Source::Import {
            AuditAction::AppraisalScoreImport
        } else {
            AuditAction::AppraisalScoreSave
        };
        let audit = self.apr_audit(actor, &c, action).after(&out);
        let n = out.len();
        self.apr_write(&c, CycleChange::Scores(out), audit).await?;
        Ok(n)
    }

    /// Issues `count` one-time codes for 民主测评 (AppraisalManage; cycle `scoring`). The
    /// codes are returned once, to be printed on slips; only their hashes are kept.
    pub async fn apr_issue_codes(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: CycleId,
        count: &str,
    ) -> AppResult<Vec<String>> {
        let c = self.apr_managed(actor, unit, id).await?;
        let n = match count.trim().parse::<u32>() {
            Ok(n @ 1..=CODES_MAX) => n,
            _ => {
                return Err(FieldError::new("count", "out_of_range")
                    .with("min", 1)
                    .with("max", CODES_MAX)
                    .into());
            }
        };
        require_status(&c, &[Status::Scoring])?;
        let codes: Vec<String> = (0..n).map(|_| new_token()).collect();
        let hashes: Vec<String> = codes.iter().map(|t| TokenHash::of(t).to_hex()).collect();
        let audit = self.apr_audit(actor, &c, AuditAction::AppraisalCodesIssue);
        self.apr_write(&c, CycleChange::Codes(hashes), audit.after(&n))
            .await?;
        Ok(codes.iter().map(|t| print_token(t)).collect())
    }

    /// (codes used, codes issued) (AppraisalView).
    pub async fn apr_code_progress(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: CycleId,
    ) -> AppResult<(i64, i64)> {
        let at = CycleAt::of(actor, unit, id);
        self.apr_read(actor, at, self.store.apr_code_progress(at))
            .await
    }

    /// The people a colleague rates (AppraisalRate): the graded participants, names only.
    pub async fn apr_rating_sheet(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: CycleId,
    ) -> AppResult<(CycleRecord, Vec<(ParticipantId, String)>)> {
        self.require_unit(actor, Action::AppraisalRate, unit)
            .await?;
        let c = self
            .store
            .apr_cycle(CycleAt::of(actor, unit, id))
            .await?
            .ok_or(AppError::NotFound)?;
        let ps = self.store.apr_participants(c.at()).await?;
        Ok((
            c,
            ps.into_iter()
                .filter(|p| p.ungraded.is_none())
                .map(|p| (p.id, p.who.name))
                .collect(),
        ))
    }

    /// A colleague's anonymous rating with a one-time code (AppraisalRate; cycle
    /// `scoring`): a score 0–100 for each graded participant (blank: not rated). The code
    /// is used once; the ratings are stored with random keys and no link to the rater, the
    /// code or the time; no audit entry. Errors: `code` (`required`,
    /// `appraisal_code_invalid`: unknown or used), `scores.<id>` (score errors), `scores`
    /// (`required`: nothing rated), `status`.
    pub async fn apr_rate(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: CycleId,
        code: &str,
        values: &BTreeMap<String, String>,
    ) -> AppResult<usize> {
        let (c, people) = self.apr_rating_sheet(actor, unit, id).await?;
        let mut errs = Errors::new();
        let code = normalise_token(code);
        if code.is_empty() {
            errs.push(FieldError::new("code", "required"));
        }
        let mut ratings = Vec::new();
        for (k, v) in values {
            if v.trim().is_empty() {
                continue;
            }
            let field = format!("scores.{k}");
            let Some(pid) = k
                .parse::<ParticipantId>()
                .ok()
                .filter(|p| people.iter().any(|x| x.0 == *p))
            else {
                errs.push(FieldError::new(field, "not_found"));
                continue;
            };
            if let Some(x) = errs.take(parse_score(&field, v)) {
                ratings.push((pid, ballot_key(), x));
            }
        }
        if ratings.is_empty() && errs.is_empty() {
            errs.push(FieldError::new("scores", "required"));
        }
        errs.into_result()?;
        require_status(&c, &[Status::Scoring])?;
        let ok = self
            .store
            .apr_rate(c.at(), &TokenHash::of(&code).to_hex(), &ratings)
            .await?;
        if !ok {
            return Err(AppError::field("code", "appraisal_code_invalid"));
        }
        Ok(ratings.len())
    }

    /// The quotas over the saved grades with `overrides` applied (participant → grade).
    async fn apr_quotas(
        &self,
        actor: &Actor,
        c: &CycleRecord,
        ps: &[ParticipantRecord],
        overrides: &BTreeMap<ParticipantId, Grade>,
    ) -> AppResult<Vec<Quota>> {
        let param = self
            .apr_params(actor, c.unit_id)
            .await?
            .decimal(keys::EXCELLENT_RATE_PCT)
            .unwrap_or(Decimal::from(20));
        let r = rate(param, c.quota_rate.filter(|_| !c.quota_doc.is_empty()));
        let people: Vec<Graded> = ps
            .iter()
            .map(|p| Graded {
                group: p.group.clone(),
                // A graded participant not graded yet counts in the base (as 称职).
                grade: match p.ungraded {
                    Some(_) => None,
                    None => Some(
                        overrides
                            .get(&p.id)
                            .copied()
                            .or(p.grade)
                            .unwrap_or(Grade::Competent),
                    ),
                },
            })
            .collect();
        let doc = (r > Decimal::from(20)).then_some(c.quota_doc.as_str());
        Ok(quotas(&people, r, doc))
    }

    /// The grading view (AppraisalView): every participant's explained score and proposed
    /// grade, and the quota arithmetic over the grades saved so far.
    pub async fn apr_grading(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: CycleId,
    ) -> AppResult<GradingView> {
        let c = self.apr_cycle(actor, unit, id).await?;
        let ps = self.store.apr_participants(c.at()).await?;
        let sets = self.store.apr_indicator_sets(c.at()).await?;
        let scores = self.store.apr_scores(c.at()).await?;
        let params = self.apr_params(actor, unit).await?;
        let pw = params
            .decimal(keys::APPRAISAL_PERIODIC_WEIGHT_PCT)
            .unwrap_or(Decimal::from(30));
        let periodic: BTreeMap<i64, Vec<Decimal>> = if c.kind == Kind::Annual {
            let mut m: BTreeMap<i64, Vec<Decimal>> = BTreeMap::new();
            for (person, s) in self
                .store
                .apr_periodic_scores(c.district_id, unit, c.year)
                .await?
            {
                m.entry(person).or_default().push(s);
            }
            m
        } else {
            BTreeMap::new()
        };
        let rows = ps
            .iter()
            .map(|p| {
                let mine: Vec<_> = scores
                    .iter()
                    .filter(|s| s.participant_id == p.id)
                    .map(|s| s.score.clone())
                    .collect();
                let per = periodic
                    .get(&p.person_id)
                    .map(|v| (v.iter().sum::<Decimal>() / Decimal::from(v.len()), pw));
                let explained = score(set_for(&sets, &p.post_level), &c.rater_weights, &mine, per);
                let proposed = if p.ungraded.is_some() {
                    None
                } else {
                    explained.score.map(|s| DEFAULT_BANDS.propose(s))
                };
                GradingRow {
                    participant: p.clone(),
                    explained,
                    proposed,
                }
            })
            .collect();
        let quotas = self.apr_quotas(actor, &c, &ps, &BTreeMap::new()).await?;
        Ok(GradingView {
            cycle: c,
            rows,
            quotas,
            periodic_weight: pw,
        })
    }

    /// Saves grades (AppraisalManage; cycle `grading`). Refused, with nothing written:
    /// a grade for a not-graded participant (`rows[i].grade`/`appraisal_ungraded`), a
    /// missing reason for 基本称职/不称职, 优秀 after a 警告 (APR-7), and — for an annual
    /// cycle — any group or the unit over its 优秀 quota (`grades`/
    /// `appraisal_quota_exceeded` with the arithmetic, APR-14).
    pub async fn apr_save_grades(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: CycleId,
        forms: &[GradeForm],
    ) -> AppResult<()> {
        self.require_unit(actor, Action::AppraisalManage, unit)
            .await?;
        let view = self.apr_grading(actor, unit, id).await?;
        let c = &view.cycle;
        let mut errs = Errors::new();
        let mut writes = Vec::new();
        let mut overrides = BTreeMap::new();
        for (i, f) in forms.iter().enumerate() {
            let prefix = format!("rows[{i}].");
            let Some(pid) = errs.take(opt_participant(
                &format!("{prefix}participant_id"),
                &f.participant_id,
            )) else {
                continue;
            };
            let Some(row) = view.rows.iter().find(|r| r.participant.id == pid) else {
                errs.push(FieldError::new(
                    format!("{prefix}participant_id"),
                    "not_found",
                ));
                continue;
            };
            if f.grade.trim().is_empty() {
                continue;
            }
            if row.participant.ungraded.is_some() {
                errs.push(FieldError::new(
                    format!("{prefix}grade"),
                    "appraisal_ungraded",
                ));
                continue;
            }
            let Some(g) = errs.take(Grade::parse(&format!("{prefix}grade"), &f.grade)) else {
                continue;
            };
            if f.reason.trim().chars().count() > REASON_MAX {
                errs.push(
                    FieldError::new(format!("{prefix}reason"), "too_long").with("max", REASON_MAX),
                );
            }
            if errs
                .take(check_grade(&prefix, g, &f.reason, row.participant.warned))
                .is_some()
            {
                overrides.insert(pid, g);
                writes.push(GradeWrite {
                    participant_id: pid,
                    score: row.explained.score,
                    grade: g,
                    reason: f.reason.trim().to_string(),
                });
            }
        }
        errs.into_result()?;
        require_status(c, &[Status::Grading])?;
        if c.kind == Kind::Annual {
            let ps: Vec<ParticipantRecord> =
                view.rows.iter().map(|r| r.participant.clone()).collect();
            check_quotas(&self.apr_quotas(actor, c, &ps, &overrides).await?)?;
        }
        let audit = self.apr_audit(actor, c, AuditAction::AppraisalGradeSave);
        let audit = audit.after(&writes);
        self.apr_write(c, CycleChange::Grades(writes), audit).await
    }

    /// Takes a step of the HR office (AppraisalManage): open, start scoring, start grading,
    /// publish the 优秀 list (from today, `appraisal.publicity_workdays` working days of the
    /// calendar) and close (an annual cycle only after its publicity ended). Confirming and
    /// sending back are [`App::step_plan`] with [`SimpleStep`] (the 考核委员会).
    pub async fn apr_step(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: CycleId,
        step: Step,
    ) -> AppResult<()> {
        if !matches!(
            step,
            Step::Open | Step::Score | Step::Grade | Step::Publish | Step::Close
        ) {
            return Err(AppError::NotFound);
        }
        self.require_step(actor, &APPRAISAL_CYCLES, step, unit)
            .await?;
        let c = self.apr_cycle(actor, unit, id).await?;
        let mut input = StepInput::default();
        let today = self.people_today();
        match step {
            Step::Open | Step::Score => {
                let ps = self.store.apr_participants(c.at()).await?;
                if ps.is_empty() {
                    return Err(AppError::field("participants", "appraisal_no_participants"));
                }
            }
            Step::Publish => {
                if c.kind != Kind::Annual {
                    return Err(AppError::field("status", "appraisal_publicity_annual"));
                }
                input.effective = Some(today);
            }
            Step::Close if c.kind == Kind::Annual => {
                let p = self.apr_publicity(actor, &c).await?;
                if p.as_ref().is_none_or(|p| today <= p.last) {
                    return Err(AppError::field("status", "appraisal_publicity_running"));
                }
            }
            _ => {}
        }
        self.record_step(actor, unit, (id, c.status, &c.title), step, input)
            .await
    }

    /// The 优秀 publicity period of a cycle, once published (working days from the
    /// district's calendar).
    pub async fn apr_publicity(
        &self,
        actor: &Actor,
        c: &CycleRecord,
    ) -> AppResult<Option<Publicity>> {
        let Some(from) = c.publicity_from else {
            return Ok(None);
        };
        let days = self
            .calc_params(actor.district_id, Some(c.unit_id))
            .await?
            .int(keys::APPRAISAL_PUBLICITY_WORKDAYS)
            .unwrap_or(5);
        let cal = self.calendar_of(actor.district_id).await?;
        publicity(&cal, from, u32::try_from(days).unwrap_or(5))
            .map_err(|e| AppError::from(e.to_field_error("publicity_from")))
    }

    /// The appeals of a cycle (AppraisalView).
    pub async fn apr_appeals(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: CycleId,
    ) -> AppResult<Vec<AppealRecord>> {
        let at = CycleAt::of(actor, unit, id);
        self.apr_read(actor, at, self.store.apr_appeals(at)).await
    }

    /// Records a 复核 application (AppraisalManage; once the grades are confirmed): filed
    /// within 30 days of the confirmation (公务员法 art. 95(4)); the appraisal is executed
    /// while it is pending (art. 96). Errors: `participant_id`, `filed_on`
    /// (`appraisal_appeal_late`, `appraisal_appeal_early`), `reason`, `status`.
    pub async fn apr_file_appeal(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: CycleId,
        f: &AppealForm,
    ) -> AppResult<AppealId> {
        let c = self.apr_managed(actor, unit, id).await?;
        let ps = self.store.apr_participants(c.at()).await?;
        let mut errs = Errors::new();
        let pid = errs.take(opt_participant("participant_id", &f.participant_id));
        if pid.is_some_and(|p| !ps.iter().any(|x| x.id == p)) {
            errs.push(FieldError::new("participant_id", "not_found"));
        }
        let filed = errs.take(parse_date("filed_on", &f.filed_on));
        let reason = errs.take(required_text("reason", &f.reason, REASON_MAX));
        if let (Some(filed), Some(at)) = (filed, c.decided_at) {
            let known = crate::calc::china_today(at);
            if filed < known {
                errs.push(FieldError::new("filed_on", "appraisal_appeal_early"));
            } else if (filed - known).num_days() > APPEAL_DAYS {
                errs.push(
                    FieldError::new("filed_on", "appraisal_appeal_late").with("days", APPEAL_DAYS),
                );
            }
        }
        errs.into_result()?;
        require_status(&c, RESULT_STATUSES)?;
        let (Some(pid), Some(filed), Some(reason)) = (pid, filed, reason) else {
            return Err(AppError::Internal("unreachable".into()));
        };
        let audit = self.apr_audit(actor, &c, AuditAction::AppraisalAppealFile);
        let audit = audit.after(&(pid, filed, &reason));
        let w = AppealWrite {
            participant_id: pid,
            filed_on: filed,
            reason,
        };
        // The store's refusals as they are (`taken`): the status was checked above.
        let change = CycleChange::Appeal(w);
        let added = self.store.apr_change(c.at(), &change, audit).await?;
        Ok(AppealId(
            added.ok_or(AppError::Internal("no appeal id".into()))?,
        ))
    }

    /// Resolves a 复核 (AppraisalManage): the decision in writing; a changed grade is
    /// written to the participant (and must keep the quota and the reason rule).
    pub async fn apr_resolve_appeal(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: CycleId,
        appeal: AppealId,
        f: &ResolveForm,
    ) -> AppResult<()> {
        let c = self.apr_managed(actor, unit, id).await?;
        let appeals = self.store.apr_appeals(c.at()).await?;
        let a = appeals
            .into_iter()
            .find(|a| a.id == appeal)
            .ok_or(AppError::NotFound)?;
        if a.decision.is_some() {
            return Err(AppError::field("status", "appraisal_appeal_resolved"));
        }
        let mut errs = Errors::new();
        let decision = errs.take(required_text("decision", &f.decision, REASON_MAX));
        let new_grade = if f.new_grade.trim().is_empty() {
            None
        } else {
            errs.take(Grade::parse("new_grade", &f.new_grade))
        };
        let ps = self.store.apr_participants(c.at()).await?;
        let p = ps
            .iter()
            .find(|p| p.id == a.participant_id)
            .ok_or(AppError::NotFound)?;
        if let (Some(g), Some(d)) = (new_grade, decision.as_deref()) {
            errs.take(check_grade("new_", g, d, p.warned));
        }
        errs.into_result()?;
        if let Some(g) = new_grade
            && c.kind == Kind::Annual
        {
            let o = BTreeMap::from([(p.id, g)]);
            check_quotas(&self.apr_quotas(actor, &c, &ps, &o).await?)?;
        }
        let Some(decision) = decision else {
            return Err(AppError::Internal("unreachable".into()));
        };
        let audit = self.apr_audit(actor, &c, AuditAction::AppraisalAppealResolve);
        let audit = audit.before(&a).after(&(&decision, new_grade));
        let w = ResolveWrite {
            appeal,
            decision,
            new_grade,
            on: self.people_today(),
        };
        let change = CycleChange::Resolve(w);
        self.store.apr_change(c.at(), &change, audit).await?;
        Ok(())
    }

    /// The confirmed annual results of a unit for `year` (AppraisalView): for the pay
    /// module and the person page. Empty when no annual cycle of the year is confirmed.
    pub async fn final_grades(
        &self,
        actor: &Actor,
        unit: UnitId,
        year: i32,
    ) -> AppResult<Vec<FinalGrade>> {
        self.require_unit(actor, Action::AppraisalView, unit)
            .await?;
        let d = actor.district_id;
        let Some(c) = self.store.apr_cycles(d, unit).await?.into_iter().find(|c| {
            c.kind == Kind::Annual && c.year == year && RESULT_STATUSES.contains(&c.status)
        }) else {
            return Ok(Vec::new());
        };
        Ok(self
            .store
            .apr_participants(c.at())
            .await?
            .into_iter()
            .map(|p| FinalGrade {
                person_id: p.person_id,
                grade: p.grade.filter(|_| p.ungraded.is_none()),
                ungraded: p.ungraded,
                name: p.who.name,
                score: p.score,
            })
            .collect())
    }

    /// A person's annual results with what each year entails (AppraisalView on the
    /// person's unit): 嘉奖, 三等功 after three consecutive 优秀, bonus, warnings …
    pub async fn apr_person_history(
        &self,
        actor: &Actor,
        unit: UnitId,
        person: i64,
    ) -> AppResult<Vec<HistoryRow>> {
        self.require_unit(actor, Action::AppraisalView, unit)
            .await?;
        self.apr_history_unchecked(actor, person).await
    }

    /// The history without the unit check: for self-service (the caller checked that the
    /// person is the actor's own).
    pub async fn apr_history_unchecked(
        &self,
        actor: &Actor,
        person: i64,
    ) -> AppResult<Vec<HistoryRow>> {
        let years = self
            .store
            .apr_person_years(actor.district_id, person)
            .await?;
        let hist: Vec<Year> = years
            .iter()
            .map(|y| Year {
                year: y.year,
                grade: y.grade.filter(|_| y.ungraded.is_none()),
            })
            .collect();
        Ok(years
            .iter()
            .enumerate()
            .map(|(i, y)| HistoryRow {
                year: y.year,
                unit_id: y.unit_id,
                cycle_id: y.cycle_id,
                grade: hist[i].grade,
                ungraded: y.ungraded,
                effects: effects(&hist[..=i]),
            })
            .collect())
    }
}

/// The indicator set of a post level: the set of that level, else the general one (blank
/// level), else the first.
pub fn set_for<'a>(
    sets: &'a [IndicatorSetRecord],
    post_level: &str,
) -> &'a [jiguan_domain::appraisal::scores::Indicator] {
    sets.iter()
        .find(|s| s.set.post_level == post_level)
        .or_else(|| sets.iter().find(|s| s.set.post_level.is_empty()))
        .or_else(|| sets.first())
        .map(|s| s.set.indicators.as_slice())
        .unwrap_or(&[])
}
