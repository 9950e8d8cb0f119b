//! The audit trail (审计日志): every change appends who, when, which unit, what, and the
//! state before and after. Rows are hash-chained per district: each row's hash covers its
//! content and the previous row's hash, so altering or removing a row breaks the chain at
//! that row. A per-district head (last sequence number and hash) catches removal of the
//! newest rows.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::auth::Actor;
use crate::tenancy::{DistrictId, UnitId, UserId};
use crate::workflow::{Step, Workflow};

/// The hash that precedes the first row of every chain.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// A change to record, before it is chained. Built with [`AuditEntry::by`] (or
/// [`AuditEntry::system`]) and the builder methods:
/// `AuditEntry::by(actor, now).unit(u).did(AuditAction::PostUpdate).on(ObjectKind::Post, id)
/// .before(&old).after(&new)`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    /// When it happened: the application's clock, also the time of the change it records.
    pub at: DateTime<Utc>,
    pub district_id: DistrictId,
    pub unit_id: Option<UnitId>,
    pub user_id: Option<UserId>,
    /// The acting user's login name at the time (kept even if the account is renamed).
    pub username: String,
    /// What happened, such as `user.create` or `unit.update`.
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

impl AuditEntry {
    /// A change made by `actor` at `at` (the application's clock) in the actor's district.
    pub fn by(actor: &Actor, at: DateTime<Utc>) -> Self {
        AuditEntry {
            at,
            district_id: actor.district_id,
            unit_id: None,
            user_id: Some(actor.user_id),
            username: actor.username.clone(),
            action: String::new(),
            object_type: String::new(),
            object_id: String::new(),
            before: None,
            after: None,
        }
    }
    /// A change made by the command line or the system itself (user `system`).
    pub fn system(district: DistrictId, at: DateTime<Utc>) -> Self {
        AuditEntry {
            at,
            district_id: district,
            unit_id: None,
            user_id: None,
            username: "system".into(),
            action: String::new(),
            object_type: String::new(),
            object_id: String::new(),
            before: None,
            after: None,
        }
    }
    /// The unit concerned (`None`: district level).
    pub fn unit(mut self, unit: impl Into<Option<UnitId>>) -> Self {
        self.unit_id = unit.into();
        self
    }
    pub fn did(mut self, action: AuditAction) -> Self {
        self.action = action.code();
        self
    }
    /// The object changed; an id not known yet (a row being created) is `""` and is filled
    /// in by the store.
    pub fn on(mut self, kind: ObjectKind, id: impl ToString) -> Self {
        self.object_type = kind.code().to_string();
        self.object_id = id.to_string();
        self
    }
    /// The state before, as a typed value (`None` or a value that serialises to null:
    /// nothing before).
    pub fn before<T: Serialize + ?Sized>(mut self, v: &T) -> Self {
        self.before = serde_json::to_value(v).ok().filter(|v| !v.is_null());
        self
    }
    /// The state after, as a typed value (null: nothing after).
    pub fn after<T: Serialize + ?Sized>(mut self, v: &T) -> Self {
        self.after = serde_json::to_value(v).ok().filter(|v| !v.is_null());
        self
    }

    /// The canonical text of `before`/`after`: serde_json's maps are sorted, so the same
    /// value always gives the same text.
    pub fn before_text(&self) -> Option<String> {
        self.before.as_ref().map(|v| v.to_string())
    }
    pub fn after_text(&self) -> Option<String> {
        self.after.as_ref().map(|v| v.to_string())
    }
}

/// What an audit row records was done. The codes are the stored `action` strings; the
/// audit page and its filters read them, so they never change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    AuthLogin,
    AuthLogout,
    ApiTokenCreate,
    ApiTokenDelete,
    UserCreate,
    UserUpdate,
    UserPasswordChange,
    UserPasswordReset,
    DistrictCreate,
    UnitCreate,
    UnitUpdate,
    ParamSet,
    CalcSave,
    CalendarLoad,
    EstablishmentSet,
    PersonCreate,
    PersonUpdate,
    PersonChange,
    PeopleImport,
    PostCreate,
    PostUpdate,
    PostActivate,
    PostDeactivate,
    PostAssign,
    PostUnassign,
    PostProposalAccept,
    OrgBodyCreate,
    OrgBodyUpdate,
    OrgFunctionCreate,
    OrgFunctionUpdate,
    OrgRulesSet,
    OrgCapsSet,
    OrgSplitSave,
    OrgPlanCreate,
    OrgPlanOpAdd,
    OrgPlanOpRemove,
    DownsizingPlanCreate,
    DownsizingLineSave,
    DownsizingLineRemove,
    /// Committee secret ballot (党委会票决): meeting events only, never a ballot.
    CommitteeMeetingCreate,
    CommitteeItemAdd,
    CommitteeRollCall,
    CommitteeTokensIssue,
    CommitteeMeetingClose,
    CommitteeTally,
    /// A step of a workflow: `<workflow name>.<step>` (`org.plan.approve`).
    Step(&'static Workflow, Step),
}

impl AuditAction {
    pub fn code(self) -> String {
        use AuditAction as A;
        let s = match self {
            A::AuthLogin => "auth.login",
            A::AuthLogout => "auth.logout",
            A::ApiTokenCreate => "api_token.create",
            A::ApiTokenDelete => "api_token.delete",
            A::UserCreate => "user.create",
            A::UserUpdate => "user.update",
            A::UserPasswordChange => "user.password_change",
            A::UserPasswordReset => "user.password_reset",
            A::DistrictCreate => "district.create",
            A::UnitCreate => "unit.create",
            A::UnitUpdate => "unit.update",
            A::ParamSet => "param.set",
            A::CalcSave => "calc.save",
            A::CalendarLoad => "calendar.load",
            A::EstablishmentSet => "establishment.set",
            A::PersonCreate => "person.create",
            A::PersonUpdate => "person.update",
            A::PersonChange => "person.change",
            A::PeopleImport => "people.import",
            A::PostCreate => "post.create",
            A::PostUpdate => "post.update",
            A::PostActivate => "post.activate",
            A::PostDeactivate => "post.deactivate",
            A::PostAssign => "post.assign",
            A::PostUnassign => "post.unassign",
            A::PostProposalAccept => "post.proposal.accept",
            A::OrgBodyCreate => "org.body.create",
            A::OrgBodyUpdate => "org.body.update",
            A::OrgFunctionCreate => "org.function.create",
            A::OrgFunctionUpdate => "org.function.update",
            A::OrgRulesSet => "org.rules.set",
            A::OrgCapsSet => "org.caps.set",
            A::OrgSplitSave => "org.split.save",
            A::OrgPlanCreate => "org.plan.create",
            A::OrgPlanOpAdd => "org.plan.op_add",
            A::OrgPlanOpRemove => "org.plan.op_remove",
            A::DownsizingPlanCreate => "downsizing.plan.create",
            A::DownsizingLineSave => "downsizing.line.save",
            A::DownsizingLineRemove => "downsizing.line.remove",
            A::CommitteeMeetingCreate => "committee.meeting.create",
            A::CommitteeItemAdd => "committee.item.add",
            A::CommitteeRollCall => "committee.roll_call",
            A::CommitteeTokensIssue => "committee.tokens.issue",
            A::CommitteeMeetingClose => "committee.meeting.close",
            A::CommitteeTally => "committee.tally",
            A::Step(flow, step) => return format!("{}.{}", flow.name, step.code()),
        };
        s.to_string()
    }
}

/// The kind of object an audit row is about (stored `object_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectKind {
    District,
    Unit,
    User,
    ApiToken,
    Param,
    Calc,
    CalendarYear,
    Person,
    Post,
    PostAssignment,
    Body,
    FunctionItem,
    OrgKindRules,
    OrgCaps,
    OrgSplit,
    ReorgPlan,
    DownsizingPlan,
    CommitteeMeeting,
}

impl ObjectKind {
    pub fn code(self) -> &'static str {
        use ObjectKind as K;
        match self {
            K::District => "district",
            K::Unit => "unit",
            K::User => "user",
            K::ApiToken => "api_token",
            K::Param => "param",
            K::Calc => "calc",
            K::CalendarYear => "calendar_year",
            K::Person => "person",
            K::Post => "post",
            K::PostAssignment => "post_assignment",
            K::Body => "body",
            K::FunctionItem => "function_item",
            K::OrgKindRules => "org_kind_rules",
            K::OrgCaps => "org_caps",
            K::OrgSplit => "org_split",
            K::ReorgPlan => "reorg_plan",
            K::DownsizingPlan => "downsizing_plan",
            K::CommitteeMeeting => "committee_meeting",
        }
    }
}

/// A stored audit row, exactly as read back from the database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditRecord {
    pub id: i64,
    pub district_id: DistrictId,
    pub seq: i64,
    /// Milliseconds since the Unix epoch, UTC.
    pub at_ms: i64,
    pub unit_id: Option<UnitId>,
    pub user_id: Option<UserId>,
    pub username: String,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

/// The fields a row's hash covers, in a fixed order.
#[allow(clippy::too_many_arguments)]
pub fn chain_hash(
    prev_hash: &str,
    district_id: DistrictId,
    seq: i64,
    at_ms: i64,
    unit_id: Option<UnitId>,
    user_id: Option<UserId>,
    username: &str,
    action: &str,
    object_type: &str,
    object_id: &str,
    before: Option<&str>,
    after: Option<&str>,
) -> String {
    let canonical = serde_json::json!([
        prev_hash,
        district_id.0,
        seq,
        at_ms,
        unit_id.map(|u| u.0),
        user_id.map(|u| u.0),
        username,
        action,
        object_type,
        object_id,
        before,
        after
    ]);
    hex::encode(Sha256::digest(canonical.to_string().as_bytes()))
}

impl AuditRecord {
    pub fn computed_hash(&self) -> String {
        chain_hash(
            &self.prev_hash,
            self.district_id,
            self.seq,
            self.at_ms,
            self.unit_id,
            self.user_id,
            &self.username,
            &self.action,
            &self.object_type,
            &self.object_id,
            self.before.as_deref(),
            self.after.as_deref(),
        )
    }
}

/// Where a chain was found broken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainBreak {
    pub district_id: DistrictId,
    /// The sequence number of the first row that was altered, or that is missing.
    pub seq: i64,
    /// The database id of the row found at that place, if any.
    pub id: Option<i64>,
    pub reason: BreakReason,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BreakReason {
    /// The row's content no longer matches its hash.
    Altered,
    /// The row does not link to the row before it (that row was altered or replaced).
    Relinked,
    /// A row is missing at this sequence number.
    Removed,
}

/// Checks one district's chain, fed in sequence order.
#[derive(Debug)]
pub struct Verifier {
    district_id: DistrictId,
    next_seq: i64,
    last_hash: String,
}

impl Verifier {
    pub fn new(district_id: DistrictId) -> Self {
        Self {
            district_id,
            next_seq: 1,
            last_hash: GENESIS.to_string(),
        }
    }

    pub fn feed(&mut self, r: &AuditRecord) -> Result<(), ChainBreak> {
        let brk = |seq, id, reason| ChainBreak {
            district_id: self.district_id,
            seq,
            id,
            reason,
        };
        if r.seq != self.next_seq {
            return Err(brk(self.next_seq, None, BreakReason::Removed));
        }
        if r.computed_hash() != r.hash {
            return Err(brk(r.seq, Some(r.id), BreakReason::Altered));
        }
        if r.prev_hash != self.last_hash {
            return Err(brk(r.seq, Some(r.id), BreakReason::Relinked));
        }
        self.next_seq += 1;
        self.last_hash = r.hash.clone();
        Ok(())
    }

    /// Compares the end of the chain with the recorded head (last sequence and hash).
    pub fn finish(self, head_seq: i64, head_hash: &str) -> Result<i64, ChainBreak> {
        let count = self.next_seq - 1;
        if head_seq > count {
            return Err(ChainBreak {
                district_id: self.district_id,
                seq: self.next_seq,
                id: None,
                reason: BreakReason::Removed,
            });
        }
        if head_seq < count || head_hash != self.last_hash {
            return Err(ChainBreak {
                district_id: self.district_id,
                seq: head_seq.max(1),
                id: None,
                reason: BreakReason::Relinked,
            });
        }
        Ok(count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<AuditRecord> {
        let mut prev = GENESIS.to_string();
        (1..=n)
            .map(|seq| {
                let mut r = AuditRecord {
                    id: seq * 10,
                    district_id: DistrictId(1),
                    seq,
                    at_ms: 1_700_000_000_000 + seq,
                    unit_id: Some(UnitId(2)),
                    user_id: Some(UserId(3)),
                    username: "admin".into(),
                    action: "user.create".into(),
                    object_type: "user".into(),
                    object_id: seq.to_string(),
                    before: None,
                    after: Some(format!("{{\"n\":{seq}}}")),
                    prev_hash: prev.clone(),
                    hash: String::new(),
                };
                r.hash = r.computed_hash();
                prev = r.hash.clone();
                r
            })
            .collect()
    }

    fn verify(rows: &[AuditRecord], head: (i64, &str)) -> Result<i64, ChainBreak> {
        let mut v = Verifier::new(DistrictId(1));
        for r in rows {
            v.feed(r)?;
        }
        v.finish(head.0, head.1)
    }

    #[test]
    fn intact_chain_verifies() {
        let rows = chain(5);
        let last = rows.last().map(|r| r.hash.clone()).unwrap_or_default();
        assert_eq!(verify(&rows, (5, &last)), Ok(5));
    }

    #[test]
    fn altered_row_is_named() {
        let mut rows = chain(5);
        let last = rows.last().map(|r| r.hash.clone()).unwrap_or_default();
        rows[2].after = Some("{\"n\":99}".into());
        let e = verify(&rows, (5, &last)).err();
        assert_eq!(
            e.map(|e| (e.seq, e.id, e.reason)),
            Some((3, Some(30), BreakReason::Altered))
        );
    }

    #[test]
    fn rehashed_row_breaks_the_link() {
        let mut rows = chain(5);
        let last = rows.last().map(|r| r.hash.clone()).unwrap_or_default();
        rows[1].username = "mallory".into();
        rows[1].hash = rows[1].computed_hash();
        let e = verify(&rows, (5, &last)).err();
        assert_eq!(
            e.map(|e| (e.seq, e.reason)),
            Some((3, BreakReason::Relinked))
        );
    }

    #[test]
    fn removed_rows_are_found() {
        let rows = chain(5);
        let last = rows.last().map(|r| r.hash.clone()).unwrap_or_default();
        let mut middle = rows.clone();
        middle.remove(1);
        assert_eq!(
            verify(&middle, (5, &last)).err().map(|e| (e.seq, e.reason)),
            Some((2, BreakReason::Removed))
        );
        let tail = &rows[..4];
        assert_eq!(
            verify(tail, (5, &last)).err().map(|e| (e.seq, e.reason)),
            Some((5, BreakReason::Removed))
        );
    }
}
