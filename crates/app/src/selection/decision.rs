//! From a campaign to the committee's decision (竞争上岗 → 党委会票决, issue 13 point 6's
//! link; RULES-SELECTION-APPRAISAL §1.10), and the [`DecisionStore`] port of the whole end
//! of the pipeline (publicity, objections, appointment: `appointment.rs`).
//!
//! - **Proposing.** Per offered post of a *published* campaign version, the HR office
//!   (`SelectionManage`) proposes one or more candidates from [`candidates_for_decision`]:
//!   the applications confirmed at the eligibility review (资格审查通过) whose choice of
//!   that post is eligible, restricted to the post's shortlist (差额考察, `results.rs`)
//!   once the post's scoring is complete.
//! - **The meeting.** [`App::dec_create_meeting`] creates, in one transaction, a committee
//!   meeting (the existing secret ballot, `committee.rs`) whose agenda items are the
//!   proposed candidates — text `拟任 张三 为 党政综合办公室 中层副职（方案#12 第1版）`,
//!   `person_id`, `post_id` filled — and one `selection_candidates` row per item citing the
//!   campaign version. Recusal (回避, §1.9.3): each committee member's own record (the
//!   person linked to the account) is checked with the domain's `recusal::conflicts` against
//!   the item's candidate and the relations declared in the people module (亲属关系), so
//!   both the 本人 and the 亲属 grounds (§1.9.3 (a), (b)) are detected. The item's recusal
//!   count is stored, and the audit entry logs each recusal (§1.9.5): item, member,
//!   category (`own` or `kin` with the kinship), detected, decided by the actor.
//! - **The decision** is never copied: it is read from the meeting's recorded tally.
//!   Per post, when a meeting voted on more candidates than seats left, the domain's
//!   [`contest_result`] decides (差额票决: the highest passing 同意 counts within the seats;
//!   a tie at the boundary → 再次表决 among the tied; a shortfall → 再次表决 among the
//!   rest); otherwise each item's own decision (同意 > half of ALL members). See
//!   [`outcomes`].

use std::collections::{BTreeMap, BTreeSet};

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use jiguan_domain::FieldError;
use jiguan_domain::audit::{AuditAction, AuditEntry, ObjectKind};
use jiguan_domain::auth::{Action, Actor};
use jiguan_domain::error::{Errors, required_text};
use jiguan_domain::org::BodyId;
use jiguan_domain::people::{PersonId, parse_date};
use jiguan_domain::posts::{AssignmentId, PostLevel};
use jiguan_domain::selection::ballot::{Contest, Decision, ShortfallPolicy, Tally, contest_result};
use jiguan_domain::selection::dates::PublicityOutcome;
use jiguan_domain::selection::plan::PostKey;
use jiguan_domain::selection::recusal::{Ground, Relation, conflicts};
use jiguan_domain::selection::{ApplicationId, CampaignId, MeetingId};
use jiguan_domain::tenancy::{DistrictId, UnitId};
use jiguan_domain::workflow::Status;

use super::campaign::CampaignRecord;
use super::registration::{ApplicationStatus, ApplicationView, post_label};
use super::{ItemWrite, MeetingAt, MeetingRecord, MeetingStatus, MeetingWrite};
use crate::ports::{Scoped, StoreResult, UnitAt};
use crate::posts::AssignmentWrite;
use crate::{App, AppError, AppResult};

pub use jiguan_domain::selection::Outcome;

/// Who is proposed for which post, citing the plan version: what a candidate as written
/// and as stored share (their fields read through `Deref`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Proposed {
    /// The published plan version the proposal cites.
    pub campaign_id: CampaignId,
    pub family_id: i64,
    pub plan_version: i64,
    pub post: PostKey,
    /// The posts-module post the appointment writes.
    pub post_id: i64,
    pub person_id: i64,
    pub application_id: ApplicationId,
}

/// A candidate proposed for decision, as stored (one per meeting item).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CandidateRecord {
    pub id: i64,
    pub district_id: DistrictId,
    pub unit_id: UnitId,
    #[serde(flatten)]
    pub proposal: Proposed,
    pub meeting_id: MeetingId,
    pub item_no: i64,
    pub publicity_start: Option<NaiveDate>,
    pub publicity_last: Option<NaiveDate>,
    pub earliest_appointment: Option<NaiveDate>,
    pub publicity_by: String,
    pub appointed_on: Option<NaiveDate>,
    pub assignment_id: Option<i64>,
    pub probation_end: Option<NaiveDate>,
    pub term_end: Option<NaiveDate>,
    pub appointed_by: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

impl std::ops::Deref for CandidateRecord {
    type Target = Proposed;
    fn deref(&self) -> &Proposed {
        &self.proposal
    }
}

/// A candidate as written with its meeting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CandidateWrite {
    #[serde(flatten)]
    pub proposal: Proposed,
    /// The item number on the meeting's ballot.
    pub item_no: i64,
    /// 回避 detected for the item.
    pub recused: i64,
}

impl std::ops::Deref for CandidateWrite {
    type Target = Proposed;
    fn deref(&self) -> &Proposed {
        &self.proposal
    }
}

/// An objection (异议) received during the publicity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ObjectionRecord {
    pub id: i64,
    pub candidate_id: i64,
    pub received_on: NaiveDate,
    pub content: String,
    /// `None` while open; `issue_not_affecting` or `issue_verified` once resolved.
    pub outcome: Option<PublicityOutcome>,
    pub resolution: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub resolved_by: String,
    pub resolved_at: Option<DateTime<Utc>>,
}

/// The appointment as written in one transaction: the candidate's dates, the post
/// assignment change (the person's main post ended, the new one opened on `on`) and a
/// dated history row of the person (岗位调整) with the note and document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppointWrite {
    pub candidate_id: i64,
    pub person_id: i64,
    pub on: NaiveDate,
    pub probation_end: Option<NaiveDate>,
    pub term_end: NaiveDate,
    pub assignments: AssignmentWrite,
    pub doc_no: String,
    pub note: String,
}

/// A decision meeting as written: the meeting and the candidates its items propose. Who
/// writes a decision record is the audit entry's user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProposalsWrite<'a> {
    pub meeting: &'a MeetingWrite,
    pub candidates: &'a [CandidateWrite],
}

/// The publicity of candidates as started: their ids and (first day, last day, earliest
/// appointment).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicityWrite<'a> {
    pub ids: &'a [i64],
    pub period: (NaiveDate, NaiveDate, NaiveDate),
}

/// An objection as received.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ObjectionWrite<'a> {
    pub received_on: NaiveDate,
    pub content: &'a str,
}

/// An objection's resolution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResolutionWrite<'a> {
    pub outcome: PublicityOutcome,
    pub resolution: &'a str,
}

/// Storage of the candidates, their publicity, objections and appointment.
#[async_trait]
pub trait DecisionStore: Send + Sync {
    /// The candidates of a campaign (`Some(family)`) or of the whole unit, by id.
    async fn dec_candidates(
        &self,
        d: DistrictId,
        u: UnitId,
        family: Option<i64>,
    ) -> StoreResult<Vec<CandidateRecord>>;
    /// Creates the meeting (as `sel_create_meeting`), sets each item's recusal count and
    /// inserts the candidates, all in one transaction with the audit row (object: the
    /// meeting). Returns the meeting id.
    async fn dec_create_meeting(
        &self,
        at: UnitAt,
        w: &ProposalsWrite<'_>,
        audit: AuditEntry,
    ) -> StoreResult<MeetingId>;
    /// Starts the publicity of the candidates `ids` (`Conflict(Status)` when one of them
    /// already has one).
    async fn dec_start_publicity(
        &self,
        at: UnitAt,
        w: &PublicityWrite<'_>,
        audit: AuditEntry,
    ) -> StoreResult<()>;
    /// The objections to a campaign's candidates (`Some(family)`) or to the unit's, by id.
    async fn dec_objections(
        &self,
        d: DistrictId,
        u: UnitId,
        family: Option<i64>,
    ) -> StoreResult<Vec<ObjectionRecord>>;
    /// Records an objection to candidate `at.id`; returns its id.
    async fn dec_add_objection(
        &self,
        at: Scoped<i64>,
        w: &ObjectionWrite<'_>,
        audit: AuditEntry,
    ) -> StoreResult<i64>;
    /// Resolves open objection `at.id` (`Conflict(Status)` when already resolved).
    async fn dec_resolve_objection(
        &self,
        at: Scoped<i64>,
        w: &ResolutionWrite<'_>,
        audit: AuditEntry,
    ) -> StoreResult<()>;
    /// Writes the appointment (`Conflict(Status)` when the candidate is already appointed
    /// or has an open objection; the posts' conflicts as in `write_assignments`); returns
    /// the new assignment.
    async fn dec_appoint(
        &self,
        at: UnitAt,
        w: &AppointWrite,
        audit: AuditEntry,
    ) -> StoreResult<AssignmentId>;
}

// ---------------------------------------------------------------- pure rules

/// The candidates the HR office may propose for one offered post: applications confirmed
/// at the eligibility review whose choice of `post` is eligible and, once the post's
/// scoring is complete (综合成绩 and 差额考察 computed by `results.rs`), only those on the
/// shortlist (`shortlist`: the shortlisted applications, `None` while the post has no
/// shortlist yet — a campaign whose plan scores nothing, or whose scores are still being
/// entered, proposes from the confirmed applications as before).
pub fn candidates_for_decision<'a>(
    apps: &'a [ApplicationView],
    post: PostKey,
    shortlist: Option<&BTreeSet<ApplicationId>>,
) -> Vec<&'a ApplicationView> {
    apps.iter()
        .filter(|a| a.application.status == ApplicationStatus::Confirmed)
        .filter(|a| {
            a.checks
                .iter()
                .any(|(k, _, reasons)| *k == post && reasons.is_empty())
        })
        .filter(|a| shortlist.is_none_or(|s| s.contains(&a.application.id)))
        .collect()
}

/// The outcome of each item of one post voted in one meeting, with `seats` seats left for
/// the post. `None` tally: not closed yet (all pending). More items than seats: a 差额
/// contest decided by [`contest_result`] under `revote_among_remaining`; otherwise each
/// item's own decision.
pub fn outcomes(seats: u32, tally: Option<&Tally>, items: &[u32]) -> Vec<Outcome> {
    let Some(t) = tally else {
        return vec![Outcome::Pending; items.len()];
    };
    let own = |i: u32| {
        t.items
            .iter()
            .find(|x| x.item == i)
            .map_or(Outcome::Pending, |x| match x.decision {
                Decision::Adopted => Outcome::Elected,
                Decision::NotAdopted => Outcome::NotElected,
                Decision::Deferred => Outcome::Deferred,
            })
    };
    if seats == 0 {
        // The post is already filled by an earlier meeting: nobody more is elected.
        return items
            .iter()
            .map(|&i| match own(i) {
                Outcome::Elected => Outcome::NotElected,
                o => o,
            })
            .collect();
    }
    let contest = Contest {
        items: items.to_vec(),
        seats,
    };
    match contest_result(t, &contest, ShortfallPolicy::RevoteAmongRemaining) {
        Some(r) => items
            .iter()
            .map(|i| {
                if r.elected.contains(i) {
                    Outcome::Elected
                } else if r.revote.contains(i) {
                    Outcome::Revote
                } else {
                    match own(*i) {
                        Outcome::Deferred => Outcome::Deferred,
                        _ => Outcome::NotElected,
                    }
                }
            })
            .collect(),
        None => items.iter().map(|&i| own(i)).collect(),
    }
}

/// The publicity's outcome from its objections (§1.11.2): none → 无异议; all resolved
/// without a verified issue → 反映问题不影响任职; one verified → 反映问题查实. An open objection
/// is `objections`/`selection_objection_open`.
pub fn publicity_outcome(objs: &[&ObjectionRecord]) -> Result<PublicityOutcome, FieldError> {
    if objs.iter().any(|o| o.outcome.is_none()) {
        return Err(FieldError::new("objections", "selection_objection_open"));
    }
    if objs
        .iter()
        .any(|o| o.outcome == Some(PublicityOutcome::IssueVerified))
    {
        Ok(PublicityOutcome::IssueVerified)
    } else if objs.is_empty() {
        Ok(PublicityOutcome::NoIssue)
    } else {
        Ok(PublicityOutcome::IssueNotAffecting)
    }
}

// ---------------------------------------------------------------- views

/// One candidate with what the pages show.
#[derive(Debug, Clone, Serialize)]
pub struct CandidateView {
    pub candidate: CandidateRecord,
    pub name: String,
    pub post_label: String,
    pub outcome: Outcome,
    /// The committee's decision date (the meeting's date) once decided.
    pub decided_on: Option<NaiveDate>,
    pub meeting_title: String,
    pub digest: String,
    pub objections: Vec<ObjectionRecord>,
    /// The publicity's outcome so far (`None` while an objection is open or before it).
    pub publicity_outcome: Option<PublicityOutcome>,
}

/// One offered post: who may be proposed, who was, and what was decided.
#[derive(Debug, Clone, Serialize)]
pub struct PostDecision {
    pub post: PostKey,
    pub label: String,
    pub seats: u32,
    /// The posts-module post an appointment writes (`None`: the body has no post of that
    /// level — set one up in 岗位管理 first).
    pub post_id: Option<i64>,
    /// (application id, person id, name) that may be proposed now.
    pub pool: Vec<(ApplicationId, i64, String)>,
    /// Candidates elected (appointed or not), less those whose publicity found a
    /// verified issue.
    pub elected: u32,
    /// Seats neither elected nor awaiting a vote: what a re-run would offer.
    pub vacant: u32,
}

/// A campaign version with its decisions.
#[derive(Debug, Clone, Serialize)]
pub struct DecisionsView {
    pub campaign: CampaignRecord,
    pub posts: Vec<PostDecision>,
    pub candidates: Vec<CandidateView>,
}

/// A proposal as sent: one candidate for one post.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct Proposal {
    /// `<body id>:<chief|deputy>`.
    pub post: String,
    pub person_id: String,
}

/// The meeting to create from a campaign.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct DecisionMeetingForm {
    pub title: String,
    /// YYYY-MM-DD.
    pub held_on: String,
    pub proposals: Vec<Proposal>,
}

#[derive(Serialize)]
struct MeetingAudit<'a> {
    campaign_id: i64,
    plan_version: i64,
    title: &'a str,
    held_on: NaiveDate,
    members: usize,
    /// (item, person, post)
    items: Vec<(i64, i64, i64)>,
    recused: Vec<(i64, i64)>,
    /// Each recusal detected (§1.9.5).
    recusals: Vec<RecusalEntry>,
}

/// One committee member's recusal on an item, as logged (§1.9.5): who (the member's
/// account and person), what (the item and its candidate), the category, detected from the
/// record (the organiser decides it by creating the meeting: the audit entry's actor).
#[derive(Serialize)]
struct RecusalEntry {
    item: i64,
    member: i64,
    person: i64,
    candidate: i64,
    category: &'static str,
    kinship: Option<&'static str>,
    detected: bool,
}

fn parse_post(field: &str, s: &str) -> Result<PostKey, FieldError> {
    s.trim()
        .split_once(':')
        .and_then(|(b, l)| {
            Some(PostKey {
                body_id: BodyId(b.trim().parse().ok()?),
                level: PostLevel::from_code(l.trim())?,
            })
        })
        .ok_or_else(|| FieldError::new(field, "choice_invalid"))
}

impl App {
    /// The posts-module post of each offered post: the active post of the body at that
    /// level, the one with the fewest holders first (then the lowest id).
    async fn dec_post_ids(
        &self,
        d: DistrictId,
        unit: UnitId,
        keys: &[PostKey],
    ) -> AppResult<BTreeMap<PostKey, i64>> {
        let posts = self.store.list_posts(d, unit).await?;
        let open = self.store.open_assignments(d, Some(unit)).await?;
        let mut out = BTreeMap::new();
        for k in keys {
            let best = posts
                .iter()
                .filter(|p| p.active && p.body_id == k.body_id.0 && p.level == k.level)
                .min_by_key(|p| (open.iter().filter(|a| a.post_id == p.id).count(), p.id.0));
            if let Some(p) = best {
                out.insert(*k, p.id.0);
            }
        }
        Ok(out)
    }

    /// The campaign's posts, candidates and decisions (SelectionView).
    pub async fn dec_view(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: CampaignId,
    ) -> AppResult<DecisionsView> {
        self.require_unit(actor, Action::SelectionView, unit)
            .await?;
        let d = actor.district_id;
        let (review, post_cands) = self.camp_review_full(actor, unit, id).await?;
        let c = review.campaign.clone();
        let stored = self
            .store
            .dec_candidates(d, unit, Some(c.family_id))
            .await?;
        let objections = self
            .store
            .dec_objections(d, unit, Some(c.family_id))
            .await?;
        let mut meetings: BTreeMap<MeetingId, (MeetingRecord, Option<Tally>)> = BTreeMap::new();
        for cand in &stored {
            if meetings.contains_key(&cand.meeting_id) {
                continue;
            }
            if let Some(m) = self
                .store
                .sel_meeting(MeetingAt::new(d, unit, cand.meeting_id))
                .await?
            {
                let t = match (&m.status, &m.tally_json) {
                    (MeetingStatus::Closed, Some(j)) => Some(
                        serde_json::from_str::<Tally>(j)
                            .map_err(|e| AppError::Internal(e.to_string()))?,
                    ),
                    _ => None,
                };
                meetings.insert(cand.meeting_id, (m, t));
            }
        }
        // An elected candidate whose publicity found a verified issue (反映问题查实) holds
        // no seat: the seat is vacant again (a later meeting or a re-run fills it).
        let blocked: BTreeSet<i64> = objections
            .iter()
            .filter(|o| o.outcome == Some(PublicityOutcome::IssueVerified))
            .map(|o| o.candidate_id)
            .collect();
        // Outcomes meeting by meeting (in order of creation), post by post, with the seats
        // the earlier meetings left.
        let mut outcome: BTreeMap<i64, Outcome> = BTreeMap::new();
        let mut elected: BTreeMap<PostKey, u32> = BTreeMap::new();
        let order: Vec<MeetingId> = {
            let mut v: Vec<MeetingId> = meetings.keys().copied().collect();
            v.sort();
            v
        };
        for mid in order {
            let tally = meetings.get(&mid).and_then(|(_, t)| t.as_ref());
            let mut by_post: BTreeMap<PostKey, Vec<&CandidateRecord>> = BTreeMap::new();
            for cand in stored.iter().filter(|x| x.meeting_id == mid) {
                by_post.entry(cand.post).or_default().push(cand);
            }
            for (post, cands) in by_post {
                let seats = c.plan.post(post).map_or(0, |p| p.seats);
                let left = seats.saturating_sub(elected.get(&post).copied().unwrap_or(0));
                let items: Vec<u32> = cands
                    .iter()
                    .map(|x| u32::try_from(x.item_no).unwrap_or(0))
                    .collect();
                for (cand, o) in cands.iter().zip(outcomes(left, tally, &items)) {
                    if o == Outcome::Elected && !blocked.contains(&cand.id) {
                        *elected.entry(post).or_default() += 1;
                    }
                    outcome.insert(cand.id, o);
                }
            }
        }
        let names: BTreeMap<i64, String> = review
            .applications
            .iter()
            .map(|a| (a.application.person_id, a.name.clone()))
            .collect();
        let mut candidates = Vec::new();
        for cand in stored {
            let o = outcome.get(&cand.id).copied().unwrap_or(Outcome::Pending);
            let (title, digest, held_on) = meetings
                .get(&cand.meeting_id)
                .map(|(m, _)| (m.title.clone(), m.digest.clone(), Some(m.held_on)))
                .unwrap_or_default();
            let objs: Vec<ObjectionRecord> = objections
                .iter()
                .filter(|x| x.candidate_id == cand.id)
                .cloned()
                .collect();
            let refs: Vec<&ObjectionRecord> = objs.iter().collect();
            let publicity_outcome = cand
                .publicity_start
                .and_then(|_| publicity_outcome(&refs).ok());
            candidates.push(CandidateView {
                name: names
                    .get(&cand.person_id)
                    .cloned()
                    .unwrap_or_else(|| cand.person_id.to_string()),
                post_label: post_label(&c, cand.post),
                decided_on: if o == Outcome::Pending { None } else { held_on },
                outcome: o,
                meeting_title: title,
                digest,
                objections: objs,
                publicity_outcome,
                candidate: cand,
            });
        }
        let keys: Vec<PostKey> = c.plan.posts.iter().map(|p| p.key()).collect();
        let post_ids = self.dec_post_ids(d, unit, &keys).await?;
        // The shortlist (差额考察) of each post whose scoring is complete.
        let shortlists: BTreeMap<PostKey, BTreeSet<ApplicationId>> = self
            .sel_results_of(actor, unit, review.clone(), post_cands)
            .await?
            .posts
            .into_iter()
            .filter(|p| p.shortlist.is_some())
            .map(|p| {
                // Shortlisted, plus the back-filled, less those the inspection dropped.
                let mut ids: BTreeSet<ApplicationId> = p
                    .lines
                    .iter()
                    .filter(|l| l.shortlisted)
                    .map(|l| l.candidate.application_id)
                    .collect();
                if let Some(after) = &p.after {
                    ids.extend(after.backfill.iter().copied());
                    for x in &after.dropped {
                        ids.remove(x);
                    }
                }
                (p.key, ids)
            })
            .collect();
        let mut posts = Vec::new();
        for p in &c.plan.posts {
            let key = p.key();
            let busy: BTreeSet<i64> = candidates
                .iter()
                .filter(|v| v.candidate.post == key)
                .filter(|v| {
                    !matches!(
                        v.outcome,
                        Outcome::Revote | Outcome::Deferred | Outcome::NotElected
                    )
                })
                .map(|v| v.candidate.person_id)
                .collect();
            let waiting = candidates
                .iter()
                .filter(|v| v.candidate.post == key && v.outcome == Outcome::Pending)
                .count();
            let el = elected.get(&key).copied().unwrap_or(0);
            // A filled post offers nobody more (the losing candidates are not proposable).
            let pool = candidates_for_decision(&review.applications, key, shortlists.get(&key))
                .into_iter()
                .filter(|_| el < p.seats)
                .filter(|a| !busy.contains(&a.application.person_id))
                .map(|a| (a.application.id, a.application.person_id, a.name.clone()))
                .collect();
            posts.push(PostDecision {
                post: key,
                label: post_label(&c, key),
                seats: p.seats,
                post_id: post_ids.get(&key).copied(),
                pool,
                elected: el,
                vacant: p
                    .seats
                    .saturating_sub(el)
                    .saturating_sub(u32::try_from(waiting).unwrap_or(u32::MAX)),
            });
        }
        Ok(DecisionsView {
            campaign: c,
            posts,
            candidates,
        })
    }

    /// Creates the committee meeting that decides the proposed candidates of a published
    /// campaign version (SelectionManage). Errors: `title`, `held_on`, `proposals`
    /// (`required`), `proposals[i].post` (`choice_invalid`: not offered;
    /// `selection_no_post_record`: no post of that body and level in 岗位管理;
    /// `selection_post_filled`: no seat left), `proposals[i].person_id`
    /// (`selection_not_proposable`: not among [`candidates_for_decision`] or already
    /// proposed and not to be voted again; `duplicate`), `campaign`
    /// (`selection_not_published`), `members` (`selection_no_members`).
    pub async fn dec_create_meeting(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: CampaignId,
        f: &DecisionMeetingForm,
    ) -> AppResult<MeetingId> {
        self.require_unit(actor, Action::SelectionManage, unit)
            .await?;
        let d = actor.district_id;
        let view = self.dec_view(actor, unit, id).await?;
        let c = &view.campaign;
        if c.status != Status::Applied {
            return Err(AppError::field("campaign", "selection_not_published"));
        }
        let mut errs = Errors::new();
        let title = errs.take(required_text("title", &f.title, super::TITLE_MAX));
        let held_on = errs.take(parse_date("held_on", &f.held_on));
        let props: Vec<&Proposal> = f
            .proposals
            .iter()
            .filter(|p| !p.post.trim().is_empty() || !p.person_id.trim().is_empty())
            .collect();
        if props.is_empty() {
            errs.push(FieldError::new("proposals", "required"));
        }
        if props.len() > super::ITEMS_MAX {
            errs.push(FieldError::new("proposals", "out_of_range").with("max", super::ITEMS_MAX));
        }
        let mut chosen: Vec<(PostKey, i64, ApplicationId, String, i64)> = Vec::new();
        let mut per_post: BTreeMap<PostKey, u32> = BTreeMap::new();
        for (i, p) in props.iter().enumerate() {
            let Some(key) = errs.take(parse_post(&format!("proposals[{i}].post"), &p.post)) else {
                continue;
            };
            let Some(pd) = view.posts.iter().find(|x| x.post == key) else {
                errs.push(FieldError::new(
                    format!("proposals[{i}].post"),
                    "choice_invalid",
                ));
                continue;
            };
            let Some(post_id) = pd.post_id else {
                errs.push(
                    FieldError::new(format!("proposals[{i}].post"), "selection_no_post_record")
                        .with("post", &pd.label),
                );
                continue;
            };
            if pd.seats <= pd.elected {
                errs.push(
                    FieldError::new(format!("proposals[{i}].post"), "selection_post_filled")
                        .with("post", &pd.label),
                );
                continue;
            }
            let person: Option<i64> = p.person_id.trim().parse().ok();
            let Some((app, pid, name)) = person
                .and_then(|x| pd.pool.iter().find(|(_, pid, _)| *pid == x))
                .cloned()
            else {
                errs.push(FieldError::new(
                    format!("proposals[{i}].person_id"),
                    "selection_not_proposable",
                ));
                continue;
            };
            if chosen.iter().any(|(k, x, ..)| *k == key && *x == pid) {
                errs.push(FieldError::new(
                    format!("proposals[{i}].person_id"),
                    "duplicate",
                ));
                continue;
            }
            *per_post.entry(key).or_default() += 1;
            chosen.push((
                key,
                pid,
                app,
                format!("拟任 {name} 为 {}", pd.label),
                post_id,
            ));
        }
        let mut w = self.new_meeting(actor, unit, errs, title, held_on).await?;
        // Recusal (§1.9.3): a member whose own record is the candidate, or a relative of
        // it (relations declared in the people module).
        let proposed: Vec<PersonId> = chosen.iter().map(|c| PersonId(c.1)).collect();
        let mut officials: Vec<(i64, PersonId, Vec<Relation>)> = Vec::new();
        for m in &w.members {
            if let Some(p) = self.store.get_user(d, *m).await?.and_then(|u| u.person_id) {
                let kin = self.kin_relations(d, p, &proposed).await?;
                officials.push((m.0, p, kin));
            }
        }
        let mut items = Vec::new();
        let mut cands = Vec::new();
        let mut recused_log = Vec::new();
        let mut recusals = Vec::new();
        for (n, (key, pid, app, text, post_id)) in chosen.into_iter().enumerate() {
            let no = i64::try_from(n + 1).unwrap_or(i64::MAX);
            let mut recused = 0usize;
            for (m, o, kin) in &officials {
                if let Some(x) = conflicts(*o, &[PersonId(pid)], kin).first() {
                    recused += 1;
                    let (category, kinship) = match x.ground {
                        Ground::Own => ("own", None),
                        Ground::Kin { kind } => ("kin", Some(kind.code())),
                    };
                    recusals.push(RecusalEntry {
                        item: no,
                        member: *m,
                        person: o.0,
                        candidate: pid,
                        category,
                        kinship,
                        detected: true,
                    });
                }
            }
            let recused = i64::try_from(recused).unwrap_or(0);
            if recused > 0 {
                recused_log.push((no, recused));
            }
            items.push(ItemWrite {
                text: format!("{text}（方案#{} 第{}版）", c.id.0, c.version),
                person_id: Some(pid),
                post_id: Some(post_id),
            });
            cands.push(CandidateWrite {
                proposal: Proposed {
                    campaign_id: c.id,
                    family_id: c.family_id,
                    plan_version: c.version,
                    post: key,
                    post_id,
                    person_id: pid,
                    application_id: app,
                },
                item_no: no,
                recused,
            });
        }
        let audit = self
            .audit(actor)
            .unit(unit)
            .did(AuditAction::SelectionDecisionMeeting)
            .on(ObjectKind::CommitteeMeeting, "")
            .after(&MeetingAudit {
                campaign_id: c.id.0,
                plan_version: c.version,
                title: &w.title,
                held_on: w.held_on,
                members: w.members.len(),
                items: cands
                    .iter()
                    .map(|x| (x.item_no, x.person_id, x.post_id))
                    .collect(),
                recused: recused_log,
                recusals,
            });
        w.items = items;
        Ok(self
            .store
            .dec_create_meeting(
                UnitAt::unit(d, unit),
                &ProposalsWrite {
                    meeting: &w,
                    candidates: &cands,
                },
                audit,
            )
            .await?)
    }
}

impl App {
    /// The 差额 contests of a meeting created from a campaign (none for another meeting):
    /// per post, the meeting's candidate items when they outnumber the seats left by the
    /// earlier meetings (the actor needs `SelectionView`, as every voter has).
    pub(crate) async fn dec_contests(
        &self,
        actor: &Actor,
        unit: UnitId,
        meeting: MeetingId,
    ) -> AppResult<Vec<Contest>> {
        let mine: Vec<CandidateRecord> = self
            .store
            .dec_candidates(actor.district_id, unit, None)
            .await?
            .into_iter()
            .filter(|c| c.meeting_id == meeting)
            .collect();
        let Some(first) = mine.first() else {
            return Ok(Vec::new());
        };
        let v = self.dec_view(actor, unit, first.campaign_id).await?;
        let mut by_post: BTreeMap<PostKey, Vec<u32>> = BTreeMap::new();
        for x in &mine {
            by_post
                .entry(x.post)
                .or_default()
                .push(u32::try_from(x.item_no).unwrap_or(0));
        }
        Ok(by_post
            .into_iter()
            .filter_map(|(post, items)| {
                let seats = v
                    .posts
                    .iter()
                    .find(|p| p.post == post)
                    .map_or(0, |p| p.seats.saturating_sub(p.elected));
                (seats > 0 && items.len() > seats as usize).then_some(Contest { items, seats })
            })
            .collect())
    }
}

/// The publicity notice (公示通知): the campaign and each publicised candidate with the
/// person's record (name, sex, birth month, political status, education, current post).
#[derive(Debug, Clone, Serialize)]
pub struct PublicityNotice {
    pub campaign: CampaignRecord,
    pub rows: Vec<(CandidateView, crate::people::PersonRecord)>,
    /// The period shown: the earliest start and the latest last day of the rows.
    pub start: Option<NaiveDate>,
    pub last: Option<NaiveDate>,
}

impl App {
    /// The publicity notice of a campaign version (SelectionView): every candidate whose
    /// publicity has started.
    pub async fn dec_publicity_notice(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: CampaignId,
    ) -> AppResult<PublicityNotice> {
        let v = self.dec_view(actor, unit, id).await?;
        let mut rows = Vec::new();
        for c in v.candidates {
            if c.candidate.publicity_start.is_none() {
                continue;
            }
            if let Some(p) = self
                .store
                .get_person(actor.district_id, PersonId(c.candidate.person_id))
                .await?
            {
                rows.push((c, p));
            }
        }
        let start = rows
            .iter()
            .filter_map(|(c, _)| c.candidate.publicity_start)
            .min();
        let last = rows
            .iter()
            .filter_map(|(c, _)| c.candidate.publicity_last)
            .max();
        Ok(PublicityNotice {
            campaign: v.campaign,
            rows,
            start,
            last,
        })
    }

    /// One application with its person for the printed registration form (报名表,
    /// SelectionView).
    pub async fn dec_application_sheet(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: CampaignId,
        application: ApplicationId,
    ) -> AppResult<(CampaignRecord, ApplicationView, crate::people::PersonRecord)> {
        let r = self.camp_review_view(actor, unit, id).await?;
        let a = r
            .applications
            .into_iter()
            .find(|a| a.application.id == application)
            .ok_or(AppError::NotFound)?;
        let p = self
            .store
            .get_person(actor.district_id, PersonId(a.application.person_id))
            .await?
            .ok_or(AppError::NotFound)?;
        Ok((r.campaign, a, p))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use jiguan_domain::selection::ballot::ItemTally;

    fn row(item: u32, agree: u32, decision: Decision) -> ItemTally {
        ItemTally {
            item,
            members: 7,
            present: 6,
            agree,
            disagree: 6 - agree,
            defer: 0,
            abstain: 0,
            invalid: 0,
            recused_declared: 0,
            recused_marked: 0,
            needed: 4,
            decision,
        }
    }

    fn tally(items: Vec<ItemTally>) -> Tally {
        Tally {
            members: 7,
            present: 6,
            tokens_issued: 6,
            ballots_cast: 6,
            items,
            digest: String::new(),
            low_secrecy: false,
        }
    }

    #[test]
    fn one_candidate_per_seat_follows_the_item() {
        let t = tally(vec![
            row(1, 5, Decision::Adopted),
            row(2, 3, Decision::NotAdopted),
        ]);
        assert_eq!(
            outcomes(2, Some(&t), &[1, 2]),
            [Outcome::Elected, Outcome::NotElected]
        );
        assert_eq!(outcomes(1, None, &[1]), [Outcome::Pending]);
    }

    /// §1.10.5: N = 7, one seat, A 5 / B 4 both pass → the higher wins; A 4 / B 4 → a
    /// revote among the tied; A 3 / B 3 → nobody passes → revote among them.
    #[test]
    fn a_contest_elects_the_highest_within_the_seats() {
        use Decision::{Adopted, NotAdopted};
        use Outcome::{Elected, NotElected, Revote};
        // (votes and decision of A, of B) → the outcomes of A and B, for one seat.
        for ((a, da), (b, db), want) in [
            ((5, Adopted), (4, Adopted), [Elected, NotElected]),
            ((4, Adopted), (4, Adopted), [Revote, Revote]),
            ((3, NotAdopted), (3, NotAdopted), [Revote, Revote]),
        ] {
            let t = tally(vec![row(1, a, da), row(2, b, db)]);
            assert_eq!(outcomes(1, Some(&t), &[1, 2]), want, "{a} / {b}");
        }
        // A post filled by an earlier meeting elects nobody more.
        let t = tally(vec![row(1, 6, Adopted)]);
        assert_eq!(outcomes(0, Some(&t), &[1]), [NotElected]);
    }

    fn obj(outcome: Option<PublicityOutcome>) -> ObjectionRecord {
        ObjectionRecord {
            id: 1,
            candidate_id: 1,
            received_on: NaiveDate::from_ymd_opt(2025, 9, 26).unwrap(),
            content: "x".into(),
            outcome,
            resolution: String::new(),
            created_by: String::new(),
            created_at: Utc::now(),
            resolved_by: String::new(),
            resolved_at: None,
        }
    }

    #[test]
    fn the_publicity_outcome_follows_the_objections() {
        assert_eq!(publicity_outcome(&[]), Ok(PublicityOutcome::NoIssue));
        let open = obj(None);
        assert_eq!(
            publicity_outcome(&[&open]).unwrap_err().code,
            "selection_objection_open"
        );
        let fine = obj(Some(PublicityOutcome::IssueNotAffecting));
        let bad = obj(Some(PublicityOutcome::IssueVerified));
        assert_eq!(
            publicity_outcome(&[&fine]),
            Ok(PublicityOutcome::IssueNotAffecting)
        );
        assert_eq!(
            publicity_outcome(&[&fine, &bad]),
            Ok(PublicityOutcome::IssueVerified)
        );
    }
}
