//! The committee's secret ballot (党委会 无记名投票): meetings, items, roll call, tokens,
//! casting, close and tally, recount. The rules are the domain's
//! (`jiguan_domain::selection::ballot`): quorum, token batch, ballot completion, tally,
//! digest, recount; this file only loads, checks who may act, and stores.

use std::collections::{BTreeMap, BTreeSet};

use rand::Rng;
use rand::rngs::OsRng;
use serde::{Deserialize, Serialize};

use jiguan_domain::FieldError;
use jiguan_domain::audit::{AuditAction, ObjectKind};
use jiguan_domain::auth::{Action, Actor, Role};
use jiguan_domain::error::{Errors, required_text};
use jiguan_domain::people::parse_date;
use jiguan_domain::selection::MeetingId;
use jiguan_domain::selection::ballot::{
    Ballot, Item, Mark, Meeting, Quorum, Recount, Tally, TokenHash, quorum, recount, tally,
    token_batch, validate_casts,
};
use jiguan_domain::tenancy::{UnitId, UserId};

use super::{
    AttendanceRecord, CastBallot, ItemRecord, ItemWrite, MeetingAt, MeetingRecord, MeetingStatus,
    MeetingWrite, TallyWrite,
};
use crate::ports::UnitAt;
use crate::ports::{ListQuery, StoreError, UserFilter};
use crate::{App, AppError, AppResult};

/// Longest meeting title and item text.
pub const TITLE_MAX: usize = 100;
pub const ITEM_MAX: usize = 200;
/// Most items on one ballot.
pub const ITEMS_MAX: usize = 50;

/// The token alphabet (Crockford base32: no I, L, O, U), 26 characters = 130 bits.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const TOKEN_CHARS: usize = 26;

/// A token as the voter types it, normalised: blanks and dashes dropped, upper case,
/// O read as 0 and I/L as 1. The hash is taken of this form.
pub fn normalise_token(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            u => u,
        })
        .collect()
}

/// A token as printed on a slip: groups of five separated by dashes.
pub fn print_token(t: &str) -> String {
    t.as_bytes()
        .chunks(5)
        .map(|c| String::from_utf8_lossy(c).to_string())
        .collect::<Vec<_>>()
        .join("-")
}

/// A fresh one-time token (130 bits); also the appraisal's 民主测评 codes.
pub fn new_token() -> String {
    let mut rng = OsRng;
    (0..TOKEN_CHARS)
        .map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]))
        .collect()
}

/// A random ballot key (128 bits, hex): not sequential, not derived from time or voter.
pub fn ballot_key() -> String {
    let b: [u8; 16] = OsRng.r#gen();
    hex::encode(b)
}

/// An item as entered (web form or JSON body).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ItemForm {
    pub text: String,
    /// A person of the unit (optional).
    pub person_id: String,
    /// A post of the unit (optional).
    pub post_id: String,
}

/// A new meeting as entered.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct MeetingForm {
    pub title: String,
    /// YYYY-MM-DD.
    pub held_on: String,
    pub items: Vec<ItemForm>,
}

/// A meeting with what may be shown of it: the tally only once closed.
#[derive(Debug, Clone, Serialize)]
pub struct MeetingView {
    pub meeting: MeetingRecord,
    pub items: Vec<ItemRecord>,
    pub attendance: Vec<AttendanceRecord>,
    /// Present on the roll call as it stands.
    pub present_now: i64,
    /// The quorum for the roll call as it stands.
    pub quorum: Option<Quorum>,
    /// (tokens used, tokens issued): all that is shown while the vote is open.
    pub used: i64,
    pub issued: i64,
    /// The recorded tally: `None` until the vote is closed.
    pub tally: Option<Tally>,
}

/// Audit payloads: meeting events only, never a ballot or a token.
#[derive(Serialize)]
struct Created<'a> {
    title: &'a str,
    held_on: chrono::NaiveDate,
    members: usize,
    items: usize,
}

#[derive(Serialize)]
struct RollCall {
    members: i64,
    present: usize,
}

#[derive(Serialize)]
struct Issued {
    members: i64,
    present: u32,
    quorum_needed: u32,
    tokens: usize,
}

#[derive(Serialize)]
struct Closed {
    tokens_issued: u32,
    ballots_cast: u32,
    tokens_void: u32,
}

#[derive(Serialize)]
struct TallyAudit<'a> {
    digest: &'a str,
    members: u32,
    present: u32,
    ballots_cast: u32,
    /// (item, 同意, 不同意, 缓议, 弃权, decision)
    items: Vec<(u32, u32, u32, u32, u32, &'static str)>,
}

fn to_u32(v: i64) -> u32 {
    u32::try_from(v).unwrap_or(0)
}

fn meeting_of(m: &MeetingRecord) -> Meeting {
    Meeting {
        members: to_u32(m.members),
        present: to_u32(m.present),
        recused_count_in_n: true,
    }
}

fn items_of(items: &[ItemRecord]) -> Vec<Item> {
    items
        .iter()
        .map(|i| Item {
            no: to_u32(i.no),
            recused: to_u32(i.recused),
        })
        .collect()
}

/// A stored ballot line (`1=agree;2=defer`) back into a ballot.
fn parse_ballot(line: &str) -> AppResult<Ballot> {
    let mut marks = BTreeMap::new();
    for part in line.split(';').filter(|p| !p.is_empty()) {
        let (no, code) = part
            .split_once('=')
            .ok_or_else(|| AppError::Internal("bad ballot line".into()))?;
        let no: u32 = no
            .parse()
            .map_err(|_| AppError::Internal("bad ballot item".into()))?;
        let mark =
            Mark::from_code(code).ok_or_else(|| AppError::Internal("bad ballot mark".into()))?;
        marks.insert(no, mark);
    }
    Ok(Ballot { marks })
}

fn opt_id(field: &str, s: &str) -> Result<Option<i64>, FieldError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    match s.parse::<i64>() {
        Ok(v) if v > 0 => Ok(Some(v)),
        _ => Err(FieldError::new(field, "number_invalid")),
    }
}

/// A meeting no longer in the status the step starts from.
fn status_conflict(e: StoreError) -> AppError {
    AppError::on_conflict("status", "selection_meeting_status")(e)
}

impl App {
    /// Today in China (the default meeting date).
    pub fn sel_today(&self) -> chrono::NaiveDate {
        self.people_today()
    }

    async fn sel_meeting_of(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: MeetingId,
    ) -> AppResult<MeetingRecord> {
        self.store
            .sel_meeting(MeetingAt::new(actor.district_id, unit, id))
            .await?
            .ok_or(AppError::NotFound)
    }

    /// Checks an item and that its person and post belong to the unit.
    async fn sel_item(
        &self,
        actor: &Actor,
        unit: UnitId,
        f: &ItemForm,
        prefix: &str,
        errs: &mut Errors,
    ) -> AppResult<Option<ItemWrite>> {
        let d = actor.district_id;
        let text = errs.take(required_text(&format!("{prefix}text"), &f.text, ITEM_MAX));
        let person = errs.take(opt_id(&format!("{prefix}person_id"), &f.person_id));
        let post = errs.take(opt_id(&format!("{prefix}post_id"), &f.post_id));
        if let Some(Some(p)) = person {
            let found = self
                .store
                .get_person(d, jiguan_domain::people::PersonId(p))
                .await?;
            if found.is_none_or(|r| r.unit_id != unit) {
                errs.push(FieldError::new(format!("{prefix}person_id"), "not_found"));
            }
        }
        if let Some(Some(p)) = post {
            let found = self
                .store
                .get_post(d, unit, jiguan_domain::posts::PostId(p))
                .await?;
            if found.is_none() {
                errs.push(FieldError::new(format!("{prefix}post_id"), "not_found"));
            }
        }
        Ok(match (text, person, post) {
            (Some(text), Some(person_id), Some(post_id)) => Some(ItemWrite {
                text,
                person_id,
                post_id,
            }),
            _ => None,
        })
    }

    /// The unit's committee: active accounts of the unit with the committee_member role.
    pub async fn sel_committee(&self, actor: &Actor, unit: UnitId) -> AppResult<Vec<UserId>> {
        let filter = UserFilter {
            unit_id: Some(unit),
            district_level_only: false,
            role: Some(Role::CommitteeMember),
            active: Some(true),
        };
        let q = ListQuery {
            per_page: Some(ListQuery::MAX_PER_PAGE),
            ..ListQuery::default()
        };
        let page = self
            .store
            .list_users(actor.district_id, &filter, &q)
            .await?;
        Ok(page
            .items
            .into_iter()
            .filter(|u| u.unit_id == Some(unit))
            .map(|u| u.id)
            .collect())
    }

    /// A new meeting of `unit` without items: its committee (a `members` error when the
    /// unit has none), then every error of the form at once (`errs`), then the title and
    /// date (valid once there is no error).
    pub(crate) async fn new_meeting(
        &self,
        actor: &Actor,
        unit: UnitId,
        mut errs: Errors,
        title: Option<String>,
        held_on: Option<chrono::NaiveDate>,
    ) -> AppResult<MeetingWrite> {
        let members = self.sel_committee(actor, unit).await?;
        if members.is_empty() {
            errs.push(FieldError::new("members", "selection_no_members"));
        }
        errs.into_result()?;
        let (Some(title), Some(held_on)) = (title, held_on) else {
            return Err(AppError::Internal("unreachable".into()));
        };
        Ok(MeetingWrite {
            title,
            held_on,
            members,
            items: Vec::new(),
        })
    }

    /// The meetings of a unit, newest first (SelectionView).
    pub async fn sel_meetings(&self, actor: &Actor, unit: UnitId) -> AppResult<Vec<MeetingRecord>> {
        self.require_unit(actor, Action::SelectionView, unit)
            .await?;
        Ok(self.store.sel_meetings(actor.district_id, unit).await?)
    }

    /// Creates a draft meeting (SelectionManage): title, date, items; the committee is the
    /// unit's committee-member accounts, and N is their number. Errors: `title`,
    /// `held_on`, `items[i].text|person_id|post_id`, `items` (over 50), `members`
    /// (`selection_no_members`).
    pub async fn sel_create_meeting(
        &self,
        actor: &Actor,
        unit: UnitId,
        f: &MeetingForm,
    ) -> AppResult<MeetingId> {
        self.require_unit(actor, Action::SelectionManage, unit)
            .await?;
        let mut errs = Errors::new();
        let title = errs.take(required_text("title", &f.title, TITLE_MAX));
        let held_on = errs.take(parse_date("held_on", &f.held_on));
        if f.items.len() > ITEMS_MAX {
            errs.push(FieldError::new("items", "out_of_range").with("max", ITEMS_MAX));
        }
        let mut items = Vec::new();
        for (i, it) in f.items.iter().enumerate() {
            if let Some(w) = self
                .sel_item(actor, unit, it, &format!("items[{i}]."), &mut errs)
                .await?
            {
                items.push(w);
            }
        }
        let mut w = self.new_meeting(actor, unit, errs, title, held_on).await?;
        let audit = self
            .audit(actor)
            .unit(unit)
            .did(AuditAction::CommitteeMeetingCreate)
            .on(ObjectKind::CommitteeMeeting, "")
            .after(&Created {
                title: &w.title,
                held_on: w.held_on,
                members: w.members.len(),
                items: items.len(),
            });
        w.items = items;
        Ok(self
            .store
            .sel_create_meeting(UnitAt::unit(actor.district_id, unit), &w, audit)
            .await?)
    }

    /// Adds an item to a draft meeting (SelectionManage). Errors: `text`, `person_id`,
    /// `post_id`, `status` (`selection_meeting_status`: no longer a draft).
    pub async fn sel_add_item(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: MeetingId,
        f: &ItemForm,
    ) -> AppResult<i64> {
        self.require_unit(actor, Action::SelectionManage, unit)
            .await?;
        let m = self.sel_meeting_of(actor, unit, id).await?;
        if m.status != MeetingStatus::Draft {
            return Err(AppError::field("status", "selection_meeting_status"));
        }
        let mut errs = Errors::new();
        let w = self.sel_item(actor, unit, f, "", &mut errs).await?;
        let existing = self
            .store
            .sel_items(MeetingAt::new(actor.district_id, unit, id))
            .await?;
        if existing.len() >= ITEMS_MAX {
            errs.push(FieldError::new("items", "out_of_range").with("max", ITEMS_MAX));
        }
        errs.into_result()?;
        let Some(w) = w else {
            return Err(AppError::Internal("unreachable".into()));
        };
        let audit = self
            .audit(actor)
            .unit(unit)
            .did(AuditAction::CommitteeItemAdd)
            .on(ObjectKind::CommitteeMeeting, id)
            .after(&w);
        self.store
            .sel_add_item(MeetingAt::new(actor.district_id, unit, id), &w, audit)
            .await
            .map_err(status_conflict)
    }

    /// A meeting with its items and roll call; the tally only once closed (SelectionView).
    pub async fn sel_meeting(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: MeetingId,
    ) -> AppResult<MeetingView> {
        self.require_unit(actor, Action::SelectionView, unit)
            .await?;
        let d = actor.district_id;
        let meeting = self.sel_meeting_of(actor, unit, id).await?;
        let items = self.store.sel_items(MeetingAt::new(d, unit, id)).await?;
        let attendance = self
            .store
            .sel_attendance(MeetingAt::new(d, unit, id))
            .await?;
        let present_now = attendance.iter().filter(|a| a.present).count() as i64;
        let quorum = quorum(Meeting {
            members: to_u32(meeting.members),
            present: to_u32(present_now),
            recused_count_in_n: true,
        })
        .ok();
        let (used, issued) = self.store.sel_progress(MeetingAt::new(d, unit, id)).await?;
        let tally = match (&meeting.status, &meeting.tally_json) {
            (MeetingStatus::Closed, Some(j)) => Some(
                serde_json::from_str::<Tally>(j).map_err(|e| AppError::Internal(e.to_string()))?,
            ),
            _ => None,
        };
        Ok(MeetingView {
            meeting,
            items,
            attendance,
            present_now,
            quorum,
            used,
            issued,
            tally,
        })
    }

    /// Records the roll call (SelectionManage; draft only): the members present, every
    /// other member absent. Errors: `present` (`selection_not_member`), `status`.
    pub async fn sel_roll_call(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: MeetingId,
        present: &[UserId],
    ) -> AppResult<()> {
        self.require_unit(actor, Action::SelectionManage, unit)
            .await?;
        let m = self.sel_meeting_of(actor, unit, id).await?;
        if m.status != MeetingStatus::Draft {
            return Err(AppError::field("status", "selection_meeting_status"));
        }
        let roll: BTreeSet<UserId> = self
            .store
            .sel_attendance(MeetingAt::new(actor.district_id, unit, id))
            .await?
            .iter()
            .map(|a| a.user_id)
            .collect();
        let present: BTreeSet<UserId> = present.iter().copied().collect();
        if !present.is_subset(&roll) {
            return Err(AppError::field("present", "selection_not_member"));
        }
        let list: Vec<UserId> = present.iter().copied().collect();
        let audit = self
            .audit(actor)
            .unit(unit)
            .did(AuditAction::CommitteeRollCall)
            .on(ObjectKind::CommitteeMeeting, id)
            .after(&RollCall {
                members: m.members,
                present: list.len(),
            });
        self.store
            .sel_roll_call(MeetingAt::new(actor.district_id, unit, id), &list, audit)
            .await
            .map_err(status_conflict)
    }

    /// Checks quorum on the recorded roll call and issues one token per member present
    /// (SelectionManage). Returns the tokens as printed — the only time they exist outside
    /// the voters' hands: the store keeps their SHA-256 only. Errors: `present`
    /// (`selection_no_quorum` with `present` and `needed`: no token is issued), `items`
    /// (`required`), `status`.
    pub async fn sel_issue_tokens(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: MeetingId,
    ) -> AppResult<Vec<String>> {
        self.require_unit(actor, Action::SelectionManage, unit)
            .await?;
        let d = actor.district_id;
        let m = self.sel_meeting_of(actor, unit, id).await?;
        if m.status != MeetingStatus::Draft {
            return Err(AppError::field("status", "selection_meeting_status"));
        }
        let present = self
            .store
            .sel_attendance(MeetingAt::new(d, unit, id))
            .await?
            .iter()
            .filter(|a| a.present)
            .count();
        let meeting = Meeting {
            members: to_u32(m.members),
            present: u32::try_from(present).unwrap_or(u32::MAX),
            recused_count_in_n: true,
        };
        let q = quorum(meeting)?;
        if !q.met {
            return Err(AppError::Invalid(vec![
                FieldError::new("present", "selection_no_quorum")
                    .with("present", meeting.present)
                    .with("needed", q.needed)
                    .with("members", meeting.members),
            ]));
        }
        if self
            .store
            .sel_items(MeetingAt::new(d, unit, id))
            .await?
            .is_empty()
        {
            return Err(AppError::field("items", "required"));
        }
        let tokens: Vec<String> = (0..present).map(|_| new_token()).collect();
        let hashes: Vec<String> = token_batch(meeting.present, &tokens)?
            .iter()
            .map(TokenHash::to_hex)
            .collect();
        let audit = self
            .audit(actor)
            .unit(unit)
            .did(AuditAction::CommitteeTokensIssue)
            .on(ObjectKind::CommitteeMeeting, id)
            .after(&Issued {
                members: m.members,
                present: meeting.present,
                quorum_needed: q.needed,
                tokens: hashes.len(),
            });
        self.store
            .sel_issue_tokens(MeetingAt::new(d, unit, id), &hashes, audit)
            .await
            .map_err(status_conflict)?;
        Ok(tokens.iter().map(|t| print_token(t)).collect())
    }

    /// The ballot page's meeting (SelectionVote): open, and the voter on the roll call as
    /// present. Errors: `status` (`selection_vote_closed`: not open), `token`
    /// (`selection_not_present`).
    pub async fn sel_ballot_form(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: MeetingId,
    ) -> AppResult<(MeetingRecord, Vec<ItemRecord>)> {
        self.require_unit(actor, Action::SelectionVote, unit)
            .await?;
        let d = actor.district_id;
        let m = self.sel_meeting_of(actor, unit, id).await?;
        if m.status != MeetingStatus::Open {
            return Err(AppError::field("status", "selection_vote_closed"));
        }
        let here = self
            .store
            .sel_attendance(MeetingAt::new(d, unit, id))
            .await?
            .iter()
            .any(|a| a.present && a.user_id == actor.user_id);
        if !here {
            return Err(AppError::field("token", "selection_not_present"));
        }
        let items = self.store.sel_items(MeetingAt::new(d, unit, id)).await?;
        Ok((m, items))
    }

    /// Casts one ballot (SelectionVote): the voter must be a committee member of the unit
    /// recorded present, and hold an unused token of this meeting. `marks` maps item
    /// numbers to `agree`/`disagree`/`defer` (同意/不同意/缓议; an item left out is 弃权).
    /// Marking the token used and storing the ballot are one transaction; nothing links
    /// the voter to either, and no audit entry is written. Errors: `token`
    /// (`required`, `selection_token_unknown`, `selection_token_used`,
    /// `selection_not_present`), `status` (`selection_vote_closed`), `marks`
    /// (`selection_item_unknown`, `choice_invalid`).
    pub async fn sel_cast(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: MeetingId,
        token: &str,
        marks: &BTreeMap<String, String>,
    ) -> AppResult<()> {
        let (_, items) = self.sel_ballot_form(actor, unit, id).await?;
        let d = actor.district_id;
        let token = normalise_token(token);
        if token.is_empty() {
            return Err(AppError::field("token", "required"));
        }
        let hash = TokenHash::of(&token);
        match self
            .store
            .sel_token(MeetingAt::new(d, unit, id), &hash.to_hex())
            .await?
        {
            None => return Err(AppError::field("token", "selection_token_unknown")),
            Some(true) => return Err(AppError::field("token", "selection_token_used")),
            Some(false) => {}
        }
        let mut parsed = BTreeMap::new();
        for (k, v) in marks {
            let no: u32 = k
                .trim()
                .parse()
                .map_err(|_| AppError::field("marks", "selection_item_unknown"))?;
            if v.trim().is_empty() {
                continue;
            }
            let mark = Mark::parse("marks", v)?;
            if !matches!(
                mark,
                Mark::Agree | Mark::Disagree | Mark::Defer | Mark::Abstain
            ) {
                return Err(AppError::field("marks", "choice_invalid"));
            }
            parsed.insert(no, mark);
        }
        // 差额票决 (§1.10.5): a meeting created from a campaign votes on contests; a ballot
        // approving more candidates of a post than its seats is refused (VOTE-6).
        let contests = self.dec_contests(actor, unit, id).await?;
        let mut probe = Ballot {
            marks: parsed.clone(),
        };
        if jiguan_domain::selection::ballot::invalidate_over_selection(&mut probe, &contests) {
            return Err(AppError::field("marks", "selection_over_selection"));
        }
        let issued: BTreeSet<TokenHash> = [hash].into_iter().collect();
        let check = validate_casts(&items_of(&items), &issued, &[(hash, parsed)]);
        if let Some((_, e)) = check.refused.into_iter().next() {
            return Err(AppError::Invalid(vec![e]));
        }
        let Some(ballot) = check.accepted.first() else {
            return Err(AppError::Internal("no ballot".into()));
        };
        let written = self
            .store
            .sel_cast(
                MeetingAt::new(d, unit, id),
                CastBallot {
                    token_hash: &hash.to_hex(),
                    key: &ballot_key(),
                    marks: &ballot.canonical(),
                },
            )
            .await?;
        if written {
            Ok(())
        } else {
            Err(AppError::field("token", "selection_token_used"))
        }
    }

    /// The stored ballots of a meeting as domain ballots.
    async fn sel_stored_ballots(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: MeetingId,
    ) -> AppResult<Vec<Ballot>> {
        self.store
            .sel_ballots(MeetingAt::new(actor.district_id, unit, id))
            .await?
            .iter()
            .map(|l| parse_ballot(l))
            .collect()
    }

    /// Closes the vote and records the tally and digest (SelectionManage: the unit's HR
    /// office acting for the chair). Unused tokens are void from then on. Errors:
    /// `status`, `ballots` (`selection_vote_void`: more ballots than tokens).
    pub async fn sel_close(&self, actor: &Actor, unit: UnitId, id: MeetingId) -> AppResult<Tally> {
        self.require_unit(actor, Action::SelectionManage, unit)
            .await?;
        let d = actor.district_id;
        let m = self.sel_meeting_of(actor, unit, id).await?;
        if m.status != MeetingStatus::Open {
            return Err(AppError::field("status", "selection_meeting_status"));
        }
        let items = self.store.sel_items(MeetingAt::new(d, unit, id)).await?;
        let ballots = self.sel_stored_ballots(actor, unit, id).await?;
        let t = tally(
            meeting_of(&m),
            &items_of(&items),
            to_u32(m.tokens_issued),
            &ballots,
        )?;
        let json = serde_json::to_string(&t).map_err(|e| AppError::Internal(e.to_string()))?;
        let close = self
            .audit(actor)
            .unit(unit)
            .did(AuditAction::CommitteeMeetingClose)
            .on(ObjectKind::CommitteeMeeting, id)
            .after(&Closed {
                tokens_issued: t.tokens_issued,
                ballots_cast: t.ballots_cast,
                tokens_void: t.tokens_issued.saturating_sub(t.ballots_cast),
            });
        let tally_audit = self
            .audit(actor)
            .unit(unit)
            .did(AuditAction::CommitteeTally)
            .on(ObjectKind::CommitteeMeeting, id)
            .after(&TallyAudit {
                digest: &t.digest,
                members: t.members,
                present: t.present,
                ballots_cast: t.ballots_cast,
                items: t
                    .items
                    .iter()
                    .map(|i| {
                        (
                            i.item,
                            i.agree,
                            i.disagree,
                            i.defer,
                            i.abstain,
                            i.decision.code(),
                        )
                    })
                    .collect(),
            });
        self.store
            .sel_close(
                MeetingAt::new(d, unit, id),
                &TallyWrite {
                    ballots: i64::from(t.ballots_cast),
                    tally_json: &json,
                    digest: &t.digest,
                    closed_at: self.clock.now(),
                },
                vec![close, tally_audit],
            )
            .await
            .map_err(status_conflict)?;
        Ok(t)
    }

    /// Recounts a closed vote from the stored ballots (SelectionView): the tally and the
    /// digest recomputed and compared with those recorded at close. Errors: `status`
    /// (`selection_not_closed`).
    pub async fn sel_recount(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: MeetingId,
    ) -> AppResult<(MeetingView, Recount)> {
        let view = self.sel_meeting(actor, unit, id).await?;
        let Some(recorded) = &view.tally else {
            return Err(AppError::field("status", "selection_not_closed"));
        };
        let ballots = self.sel_stored_ballots(actor, unit, id).await?;
        let r = recount(
            meeting_of(&view.meeting),
            &items_of(&view.items),
            to_u32(view.meeting.tokens_issued),
            &ballots,
            recorded,
        )?;
        Ok((view, r))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_typed_back_the_same() {
        let a = new_token();
        let b = new_token();
        assert_ne!(a, b);
        assert_eq!(a.len(), TOKEN_CHARS);
        let printed = print_token(&a);
        assert_eq!(normalise_token(&printed.to_lowercase()), a);
        assert_eq!(normalise_token(" ab-cO iL "), "ABC0 11".replace(' ', ""));
        assert!(token_batch(2, &[a, b]).is_ok());
    }

    #[test]
    fn stored_lines_parse_back() {
        let b = parse_ballot("1=agree;2=defer").unwrap_or(Ballot {
            marks: BTreeMap::new(),
        });
        assert_eq!(b.canonical(), "1=agree;2=defer");
        assert!(parse_ballot("1=maybe").is_err());
    }
}
