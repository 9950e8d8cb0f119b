//! The officials of a campaign besides the judges and the committee members (issue 13,
//! RULES-SELECTION-APPRAISAL §1.9.3–§1.9.5, §1.10.6): the inspection team of each
//! shortlisted candidate (考察组成员) and the vote counters and scrutineers (计票人 / 监票人)
//! of a committee meeting created from the campaign, with their recusal (回避).
//!
//! - **Registering** (`SelectionManage`, published version): a person of the unit in a role
//!   and for a matter — an inspector for one shortlisted (or back-filled) candidate, a
//!   counter or scrutineer for one meeting of the campaign. A candidate of the campaign
//!   cannot be a counter or scrutineer (§1.9.4 [S3], [`check_official`]:
//!   `person_id`/`selection_candidate_as_official`).
//! - **Detected recusal** (§1.9.3 (a), (b)): the official's own application and the
//!   relations recorded in the people module (亲属关系) are checked with [`conflicts`]
//!   against the candidates the official deals with — the inspected candidate, or every
//!   candidate voted in the meeting. A conflict is recorded at once as a recusal decided by
//!   the organiser from the record (source `detected`): the official is kept on the list,
//!   marked recused, and does not serve.
//! - **Declared recusal** (§1.9.3, 公务员法 art. 77): the HR office records a recusal the
//!   official declared (本人申请), an interested party requested (利害关系人申请) or the
//!   organiser decided (组织决定), with its category (own / kin / other) and reason.
//! - **The log** (§1.9.5): every recusal is an audit entry naming who (official, person,
//!   role), what (the candidate or the meeting and its candidates), the category and
//!   kinship, declared or detected (and whether the record shows it), and who decided (the
//!   entry's actor, also stored as `recused_by`).
//! - **Ballot secrecy**: a counter or scrutineer is linked to the meeting only, never to a
//!   token or a ballot.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use jiguan_domain::FieldError;
use jiguan_domain::audit::{AuditAction, AuditEntry, ObjectKind};
use jiguan_domain::auth::{Action, Actor};
use jiguan_domain::error::Errors;
use jiguan_domain::people::PersonId;
use jiguan_domain::selection::plan::PostKey;
use jiguan_domain::selection::recusal::{
    Conflict, OfficialRole, RecusalCategory, RecusalSource, check_official, conflicts,
};
use jiguan_domain::selection::{ApplicationId, CampaignId, MeetingId};
use jiguan_domain::tenancy::{DistrictId, UnitId};

use super::MeetingAt;
use super::campaign::{CampaignAt, CampaignRecord};
use crate::ports::{Scoped, StoreResult, UnitAt};
use crate::{App, AppError, AppResult};

/// Longest recusal reason.
pub const REASON_MAX: usize = 500;

/// A recusal as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OfficialRecusal {
    pub category: RecusalCategory,
    /// The kinship category code (§1.9.1) when `category` is `kin` and the record shows it.
    pub kinship: String,
    pub source: RecusalSource,
    pub reason: String,
    /// Who decided (recorded) it.
    pub by: String,
    pub at: DateTime<Utc>,
}

/// An official as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OfficialRecord {
    pub id: i64,
    /// The plan version the official was registered on.
    pub campaign_id: CampaignId,
    pub family_id: i64,
    pub role: OfficialRole,
    pub person_id: i64,
    /// The inspected candidate (inspector).
    pub application_id: Option<ApplicationId>,
    /// The meeting (counter, scrutineer).
    pub meeting_id: Option<MeetingId>,
    /// `None` while the official serves.
    pub recusal: Option<OfficialRecusal>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

/// Storage of the officials.
#[async_trait]
pub trait OfficialStore: Send + Sync {
    /// The officials of a campaign (every version), by id.
    async fn sel_officials(
        &self,
        d: DistrictId,
        u: UnitId,
        family: i64,
    ) -> StoreResult<Vec<OfficialRecord>>;
    /// Inserts an official (with its detected recusal, if any) in one transaction with the
    /// audit row; returns the id.
    async fn sel_official_add(
        &self,
        at: UnitAt,
        o: &OfficialRecord,
        audit: AuditEntry,
    ) -> StoreResult<i64>;
    /// Records the recusal of a serving official (`Conflict(Status)` when already recused,
    /// `NotFound` when not the unit's).
    async fn sel_official_recuse(
        &self,
        at: Scoped<i64>,
        r: &OfficialRecusal,
        audit: AuditEntry,
    ) -> StoreResult<()>;
}

/// An official as the HR office registers one.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct OfficialForm {
    /// `inspector`, `counter` or `scrutineer` (or 考察组成员 / 计票人 / 监票人).
    pub role: String,
    pub person_id: String,
    /// For an inspector: the inspected candidate's application.
    pub application_id: String,
    /// For a counter or scrutineer: the meeting.
    pub meeting_id: String,
}

/// A recusal to record.
// (The officials page's form and the JSON body `OfficialRecusalBody`: named apart from
// the judge's `RecusalBody`, which hid it in the OpenAPI document.)
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema),
    schema(as = OfficialRecusalBody)
)]
#[serde(default)]
pub struct RecusalForm {
    /// `own`, `kin` or `other`.
    pub recusal_category: String,
    /// `declared` (本人申请), `requested` (利害关系人申请) or `decided` (组织决定).
    pub recusal_source: String,
    pub reason: String,
}

/// One official with what the page shows.
#[derive(Debug, Clone, Serialize)]
pub struct OfficialView {
    pub official: OfficialRecord,
    pub name: String,
    /// The candidate inspected, or the meeting's title.
    pub matter: String,
    /// The names of the candidates the official deals with.
    pub candidates: Vec<String>,
}

/// A candidate an inspection team may be registered for.
#[derive(Debug, Clone, Serialize)]
pub struct Inspectable {
    pub application_id: ApplicationId,
    pub person_id: i64,
    pub name: String,
    pub post: PostKey,
    pub post_label: String,
}

/// A campaign's officials, and what may be chosen when registering one.
#[derive(Debug, Clone, Serialize)]
pub struct OfficialsView {
    pub campaign: CampaignRecord,
    pub officials: Vec<OfficialView>,
    pub inspectable: Vec<Inspectable>,
    /// The meetings created from the campaign: (id, title, the candidates' person ids).
    pub meetings: Vec<(MeetingId, String, Vec<i64>)>,
    /// The unit's people: (id, name).
    pub people: Vec<(i64, String)>,
}

/// The roles registered here (judges and committee members have their own pages).
pub const ROLES: [OfficialRole; 3] = [
    OfficialRole::Inspector,
    OfficialRole::Counter,
    OfficialRole::Scrutineer,
];

/// The sources a recusal may be entered with (`detected` is the system's own).
pub const SOURCES: [RecusalSource; 3] = [
    RecusalSource::Declared,
    RecusalSource::Requested,
    RecusalSource::Decided,
];

/// The log entry of one recusal (§1.9.5).
fn log_entry(
    o: &OfficialRecord,
    candidates: &[i64],
    r: &OfficialRecusal,
    found: &[Conflict],
) -> serde_json::Value {
    serde_json::json!({
        "official": o.id,
        "person": o.person_id,
        "role": o.role.code(),
        "application": o.application_id.map(|a| a.0),
        "meeting": o.meeting_id.map(|m| m.0),
        "candidates": candidates,
        "category": r.category.code(),
        "kinship": if r.kinship.is_empty() { None } else { Some(r.kinship.as_str()) },
        "source": r.source.code(),
        "declared": r.source != RecusalSource::Detected,
        "detected": !found.is_empty(),
        "decided_by": r.by,
    })
}

impl App {
    /// The campaign's officials and the choices of the registration form (SelectionView).
    pub async fn sel_officials(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: CampaignId,
    ) -> AppResult<OfficialsView> {
        let d = actor.district_id;
        let c = self
            .camp_for(actor, Action::SelectionView, unit, id)
            .await?;
        let inspectable = self.off_inspectable(actor, unit, id).await?;
        let meetings = self.off_meetings(d, unit, c.family_id).await?;
        let people: Vec<(i64, String)> = self
            .store
            .export_people(
                d,
                &crate::people::PeopleFilter {
                    unit_id: Some(unit),
                    home_only: true,
                    ..crate::people::PeopleFilter::default()
                },
            )
            .await?
            .into_iter()
            .map(|p| (p.id, p.name))
            .collect();
        let names = |pid: i64| {
            people
                .iter()
                .find(|(i, _)| *i == pid)
                .map(|(_, n)| n.clone())
                .unwrap_or_else(|| pid.to_string())
        };
        let mut officials = Vec::new();
        for o in self.store.sel_officials(d, unit, c.family_id).await? {
            let (matter, cands) = match (o.application_id, o.meeting_id) {
                (Some(a), _) => {
                    let x = inspectable.iter().find(|x| x.application_id == a);
                    (
                        x.map(|x| format!("{}（{}）", x.name, x.post_label))
                            .unwrap_or_else(|| a.0.to_string()),
                        x.map(|x| vec![x.name.clone()]).unwrap_or_default(),
                    )
                }
                (None, Some(m)) => {
                    let x = meetings.iter().find(|x| x.0 == m);
                    (
                        x.map(|x| x.1.clone()).unwrap_or_else(|| m.0.to_string()),
                        x.map(|x| x.2.iter().map(|p| names(*p)).collect())
                            .unwrap_or_default(),
                    )
                }
                _ => (String::new(), Vec::new()),
            };
            officials.push(OfficialView {
                name: names(o.person_id),
                matter,
                candidates: cands,
                official: o,
            });
        }
        Ok(OfficialsView {
            campaign: c,
            officials,
            inspectable,
            meetings,
            people,
        })
    }

    /// The shortlisted (or back-filled) candidates of the campaign version.
    async fn off_inspectable(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: CampaignId,
    ) -> AppResult<Vec<Inspectable>> {
        let v = self.sel_results(actor, unit, id).await?;
        let mut out = Vec::new();
        for p in &v.posts {
            for l in &p.lines {
                let a = l.candidate.application_id;
                let listed = p
                    .shortlist
                    .as_ref()
                    .is_some_and(|s| s.included.contains(&a))
                    || p.after.as_ref().is_some_and(|x| x.backfill.contains(&a));
                if listed {
                    out.push(Inspectable {
                        application_id: a,
                        person_id: l.candidate.person_id,
                        name: l.candidate.name.clone(),
                        post: p.key,
                        post_label: p.label.clone(),
                    });
                }
            }
        }
        Ok(out)
    }

    /// The meetings created from the campaign, each with its candidates' person ids.
    async fn off_meetings(
        &self,
        d: DistrictId,
        unit: UnitId,
        family: i64,
    ) -> AppResult<Vec<(MeetingId, String, Vec<i64>)>> {
        let cands = self.store.dec_candidates(d, unit, Some(family)).await?;
        let mut ids: Vec<MeetingId> = cands.iter().map(|c| c.meeting_id).collect();
        ids.sort();
        ids.dedup();
        let mut out = Vec::new();
        for m in ids {
            if let Some(rec) = self.store.sel_meeting(MeetingAt::new(d, unit, m)).await? {
                let people = cands
                    .iter()
                    .filter(|c| c.meeting_id == m)
                    .map(|c| c.person_id)
                    .collect();
                out.push((m, rec.title, people));
            }
        }
        Ok(out)
    }

    /// Registers an official (SelectionManage, published version). Errors: `role`
    /// (`required`, `choice_invalid`), `person_id` (`required`, `selection_not_unit_person`,
    /// `selection_candidate_as_official`, `duplicate`), `application_id` (`required`,
    /// `selection_not_shortlisted`), `meeting_id` (`required`, `choice_invalid`), `campaign`
    /// (`selection_not_published`). A conflict found in the record (own application,
    /// recorded kinship with a candidate dealt with) is recorded as a detected recusal; the
    /// answer carries it.
    pub async fn sel_official_add(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: CampaignId,
        f: &OfficialForm,
    ) -> AppResult<(i64, Option<OfficialRecusal>)> {
        let c = self
            .published_for(actor, Action::SelectionManage, unit, id)
            .await?;
        let d = actor.district_id;
        let mut errs = Errors::new();
        let role = errs
            .take(OfficialRole::parse("role", &f.role))
            .and_then(|r| {
                if ROLES.contains(&r) {
                    Some(r)
                } else {
                    errs.push(FieldError::new("role", "choice_invalid"));
                    None
                }
            });
        let person = match f.person_id.trim() {
            "" => {
                errs.push(FieldError::new("person_id", "required"));
                None
            }
            s => {
                let p = match s.parse::<i64>() {
                    Ok(x) => self.store.get_person(d, PersonId(x)).await?,
                    Err(_) => None,
                };
                match p {
                    Some(p) if p.unit_id == unit => Some(p),
                    _ => {
                        errs.push(FieldError::new("person_id", "selection_not_unit_person"));
                        None
                    }
                }
            }
        };
        // The candidates of the campaign (every applicant, §1.9.4) and those dealt with.
        let review = self.camp_review_view(actor, unit, id).await?;
        let applicants: Vec<PersonId> = review
            .applications
            .iter()
            .map(|a| PersonId(a.application.person_id))
            .collect();
        let mut application = None;
        let mut meeting = None;
        let mut dealt: Vec<i64> = Vec::new();
        match role {
            Some(OfficialRole::Inspector) => match f.application_id.trim() {
                "" => errs.push(FieldError::new("application_id", "required")),
                s => {
                    let list = self.off_inspectable(actor, unit, id).await?;
                    match list
                        .iter()
                        .find(|x| s.parse::<i64>().is_ok_and(|n| n == x.application_id.0))
                    {
                        Some(x) => {
                            application = Some(x.application_id);
                            dealt.push(x.person_id);
                        }
                        None => errs.push(FieldError::new(
                            "application_id",
                            "selection_not_shortlisted",
                        )),
                    }
                }
            },
            Some(_) => match f.meeting_id.trim() {
                "" => errs.push(FieldError::new("meeting_id", "required")),
                s => {
                    let list = self.off_meetings(d, unit, c.family_id).await?;
                    match list
                        .iter()
                        .find(|x| s.parse::<i64>().is_ok_and(|n| n == x.0.0))
                    {
                        Some(x) => {
                            meeting = Some(x.0);
                            dealt.extend(x.2.iter().copied());
                        }
                        None => errs.push(FieldError::new("meeting_id", "choice_invalid")),
                    }
                }
            },
            None => {}
        }
        if let (Some(r), Some(p)) = (role, &person) {
            if let Err(mut e) = check_official(r, PersonId(p.id), &applicants) {
                e.field = "person_id".into();
                errs.push(e);
            }
            let existing = self.store.sel_officials(d, unit, c.family_id).await?;
            if existing.iter().any(|o| {
                o.role == r
                    && o.person_id == p.id
                    && o.application_id == application
                    && o.meeting_id == meeting
            }) {
                errs.push(FieldError::new("person_id", "duplicate"));
            }
        }
        errs.into_result()?;
        let (Some(role), Some(person)) = (role, person) else {
            return Err(AppError::Internal("unreachable".into()));
        };
        let pid = PersonId(person.id);
        let dealt_ids: Vec<PersonId> = dealt.iter().map(|x| PersonId(*x)).collect();
        let kin = self.kin_relations(d, pid, &dealt_ids).await?;
        let found = conflicts(pid, &dealt_ids, &kin);
        let now = self.clock.now();
        let recusal = found.first().map(|x| {
            let (category, kinship) = x.ground.category();
            OfficialRecusal {
                category,
                kinship: kinship.map(|k| k.code().to_string()).unwrap_or_default(),
                source: RecusalSource::Detected,
                reason: String::new(),
                by: actor.username.clone(),
                at: now,
            }
        });
        let rec = OfficialRecord {
            id: 0,
            campaign_id: c.id,
            family_id: c.family_id,
            role,
            person_id: person.id,
            application_id: application,
            meeting_id: meeting,
            recusal: recusal.clone(),
            created_by: actor.username.clone(),
            created_at: now,
        };
        let audit = self
            .audit(actor)
            .unit(unit)
            .did(AuditAction::SelectionOfficialAdd)
            .on(ObjectKind::SelectionCampaign, c.id.0)
            .after(&serde_json::json!({
                "role": role.code(),
                "person": person.id,
                "application": application.map(|a| a.0),
                "meeting": meeting.map(|m| m.0),
                "plan_version": c.version,
                "recusal": recusal.as_ref().map(|r| log_entry(&rec, &dealt, r, &found)),
            }));
        let id = self
            .store
            .sel_official_add(UnitAt::unit(d, unit), &rec, audit)
            .await?;
        Ok((id, recusal))
    }

    /// Records the recusal of a serving official (SelectionManage): declared by the
    /// official, requested by an interested party or decided by the organiser. Errors:
    /// `recusal_category`, `recusal_source` (`required`, `choice_invalid`), `reason` (`required`,
    /// `too_long`), `official` (`selection_official_recused`: already recused).
    pub async fn sel_official_recuse(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: CampaignId,
        official: i64,
        f: &RecusalForm,
    ) -> AppResult<OfficialRecusal> {
        let d = actor.district_id;
        let c = self
            .camp_for(actor, Action::SelectionManage, unit, id)
            .await?;
        let o = self
            .store
            .sel_officials(d, unit, c.family_id)
            .await?
            .into_iter()
            .find(|o| o.id == official)
            .ok_or(AppError::NotFound)?;
        let mut errs = Errors::new();
        let category = errs.take(RecusalCategory::parse(
            "recusal_category",
            &f.recusal_category,
        ));
        let source = errs
            .take(RecusalSource::parse("recusal_source", &f.recusal_source))
            .and_then(|s| {
                if SOURCES.contains(&s) {
                    Some(s)
                } else {
                    errs.push(FieldError::new("recusal_source", "choice_invalid"));
                    None
                }
            });
        let reason = f.reason.trim();
        if reason.is_empty() {
            errs.push(FieldError::new("reason", "required"));
        } else if reason.chars().count() > REASON_MAX {
            errs.push(FieldError::new("reason", "too_long").with("max", REASON_MAX));
        }
        if o.recusal.is_some() {
            errs.push(FieldError::new("official", "selection_official_recused"));
        }
        errs.into_result()?;
        let (Some(category), Some(source)) = (category, source) else {
            return Err(AppError::Internal("unreachable".into()));
        };
        // What the record shows about the candidates the official deals with.
        let dealt: Vec<i64> = match (o.application_id, o.meeting_id) {
            (Some(a), _) => self
                .store
                .app_list(CampaignAt::new(d, unit, o.campaign_id))
                .await?
                .iter()
                .filter(|x| x.id == a)
                .map(|x| x.person_id)
                .collect(),
            (None, Some(m)) => self
                .off_meetings(d, unit, c.family_id)
                .await?
                .into_iter()
                .filter(|x| x.0 == m)
                .flat_map(|x| x.2)
                .collect(),
            _ => Vec::new(),
        };
        let pid = PersonId(o.person_id);
        let dealt_ids: Vec<PersonId> = dealt.iter().map(|x| PersonId(*x)).collect();
        let kin = self.kin_relations(d, pid, &dealt_ids).await?;
        let found = conflicts(pid, &dealt_ids, &kin);
        let kinship = found
            .iter()
            .find_map(|x| x.ground.category().1)
            .filter(|_| category == RecusalCategory::Kin)
            .map(|k| k.code().to_string())
            .unwrap_or_default();
        let r = OfficialRecusal {
            category,
            kinship,
            source,
            reason: reason.to_string(),
            by: actor.username.clone(),
            at: self.clock.now(),
        };
        let audit = self
            .audit(actor)
            .unit(unit)
            .did(AuditAction::SelectionOfficialRecusal)
            .on(ObjectKind::SelectionCampaign, c.id.0)
            .after(&serde_json::json!({
                "log": log_entry(&o, &dealt, &r, &found),
                "reason": r.reason,
            }));
        self.store
            .sel_official_recuse(Scoped::new(d, unit, o.id), &r, audit)
            .await
            .map_err(AppError::on_conflict(
                "official",
                "selection_official_recused",
            ))?;
        Ok(r)
    }
}
