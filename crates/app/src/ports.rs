//! Ports: what the use cases need from storage. `jiguan-store` implements them for SQLite
//! and PostgreSQL with one code path. Every write that changes data takes the
//! [`AuditEntry`] that describes it and appends it to the audit chain in the same
//! transaction, so a change and its audit row land together or not at all.
//!
//! A new module adds its own trait here (or in its own file) and a bound on [`Store`].

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use jiguan_domain::audit::{AuditEntry, AuditRecord};
use jiguan_domain::auth::Role;
use jiguan_domain::rules::calc::SavedCalcId;
use jiguan_domain::tenancy::{DistrictId, UnitId, UnitInput, UnitKind, UserId};

/// Storage failures, free of any driver type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// The write lost a race or broke a uniqueness rule; nothing was written.
    #[error("conflict on {}", .0.field())]
    Conflict(Conflict),
    #[error("database: {0}")]
    Backend(String),
}

/// What a refused write conflicted with. [`Conflict::field`] is the input field a user is
/// shown the error on (unchanged names: `status`, `assignment`, `username` …).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conflict {
    /// The record is no longer in the status the step starts from (workflows), or no
    /// longer editable.
    Status,
    /// A post assignment ended meanwhile, or the new one duplicates an open one.
    Assignment,
    /// An establishment guard (编制 headroom) no longer holds.
    Establishment,
    /// A person a reorganisation moves is no longer where the plan found them.
    Staff,
    /// The unit's organisation changed since the change was computed.
    Structure,
    /// The change is dated before the unit's latest change.
    EffectiveDate,
    /// Caps starting before the caps in force.
    ValidFrom,
    /// A person on a downsizing plan is no longer on post in the unit.
    Person(i64),
    /// A uniqueness rule of the database.
    Unique(UniqueKey),
}

/// The column of a broken uniqueness rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UniqueKey {
    Username,
    Code,
    Name,
    TokenHash,
    /// A natural key (a person's ID number …).
    Key,
    Id,
}

impl UniqueKey {
    pub const ALL: [UniqueKey; 6] = [
        UniqueKey::Username,
        UniqueKey::Code,
        UniqueKey::Name,
        UniqueKey::TokenHash,
        UniqueKey::Key,
        UniqueKey::Id,
    ];
    pub fn code(self) -> &'static str {
        match self {
            UniqueKey::Username => "username",
            UniqueKey::Code => "code",
            UniqueKey::Name => "name",
            UniqueKey::TokenHash => "token_hash",
            UniqueKey::Key => "key",
            UniqueKey::Id => "id",
        }
    }
}

impl Conflict {
    /// The input field the conflict is reported on.
    pub fn field(self) -> String {
        match self {
            Conflict::Status => "status".into(),
            Conflict::Assignment => "assignment".into(),
            Conflict::Establishment => "establishment".into(),
            Conflict::Staff => "staff".into(),
            Conflict::Structure => "structure".into(),
            Conflict::EffectiveDate => "effective_date".into(),
            Conflict::ValidFrom => "valid_from".into(),
            Conflict::Person(id) => format!("person:{id}"),
            Conflict::Unique(k) => k.code().into(),
        }
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// One record of a unit as every store query scopes it: the district, the unit, and the
/// record's id. A port method about one record (an appraisal cycle, a two-way round) takes
/// it instead of three positional arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Scoped<I> {
    pub district: DistrictId,
    pub unit: UnitId,
    pub id: I,
}

impl<I> Scoped<I> {
    pub fn new(district: DistrictId, unit: UnitId, id: I) -> Self {
        Scoped { district, unit, id }
    }

    /// The record `id` of `unit` in the actor's district.
    pub fn of(actor: &jiguan_domain::auth::Actor, unit: UnitId, id: I) -> Self {
        Scoped::new(actor.district_id, unit, id)
    }
}

/// A unit of a district, where a port method adds a record: a [`Scoped`] without a record.
pub type UnitAt = Scoped<()>;

impl UnitAt {
    /// `unit` in district `district`.
    pub fn unit(district: DistrictId, unit: UnitId) -> Self {
        Scoped::new(district, unit, ())
    }
}

/// Paging, search and sort for list pages and endpoints. `sort` is checked against each
/// list's own allow-list; an unknown key falls back to the default order.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct ListQuery {
    /// Search text.
    pub q: Option<String>,
    /// Sort key (per list).
    pub sort: Option<String>,
    /// Descending.
    #[serde(default)]
    pub desc: bool,
    /// Page, from 1.
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 2147483647))]
    pub page: Option<u32>,
    /// Rows per page, 1 to 200 (more is refused with a 422 naming `per_page`).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub per_page: Option<u32>,
}

impl ListQuery {
    pub const MAX_PER_PAGE: u32 = 200;
    pub fn page(&self) -> u32 {
        self.page.unwrap_or(1).max(1)
    }
    pub fn per_page(&self) -> u32 {
        self.per_page.unwrap_or(20).clamp(1, Self::MAX_PER_PAGE)
    }
    pub fn offset(&self) -> i64 {
        i64::from(self.page() - 1) * i64::from(self.per_page())
    }
    /// The first row only: what a default `count_*` asks of its list for the total.
    pub fn first_row() -> Self {
        ListQuery {
            per_page: Some(1),
            ..ListQuery::default()
        }
    }
    /// The search text, trimmed, or `None` when empty.
    pub fn search(&self) -> Option<String> {
        self.q
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    }
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

impl<T> Page<T> {
    pub fn pages(&self) -> u32 {
        let pp = i64::from(self.per_page.max(1));
        u32::try_from((self.total + pp - 1) / pp)
            .unwrap_or(u32::MAX)
            .max(1)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct District {
    pub id: DistrictId,
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unit {
    pub id: UnitId,
    pub district_id: DistrictId,
    pub code: String,
    pub name: String,
    pub kind: UnitKind,
    pub active: bool,
}

/// A unit with the figures the district view shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitSummary {
    #[serde(flatten)]
    pub unit: Unit,
    pub user_count: i64,
}

/// An account as stored (the hash never leaves the app layer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    pub id: UserId,
    pub district_id: DistrictId,
    pub unit_id: Option<UnitId>,
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub must_change_password: bool,
    pub active: bool,
    pub roles: Vec<Role>,
    pub created_at: DateTime<Utc>,
    /// The person (roster record of the same unit) the account belongs to (个人中心).
    pub person_id: Option<jiguan_domain::people::PersonId>,
}

/// An account as lists and pages show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserView {
    pub id: UserId,
    pub district_id: DistrictId,
    pub unit_id: Option<UnitId>,
    pub unit_name: Option<String>,
    pub username: String,
    pub display_name: String,
    pub must_change_password: bool,
    pub active: bool,
    pub roles: Vec<Role>,
}

impl From<&UserRecord> for UserView {
    fn from(u: &UserRecord) -> Self {
        UserView {
            id: u.id,
            district_id: u.district_id,
            unit_id: u.unit_id,
            unit_name: None,
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            must_change_password: u.must_change_password,
            active: u.active,
            roles: u.roles.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    pub district_id: DistrictId,
    pub unit_id: Option<UnitId>,
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub must_change_password: bool,
    pub roles: Vec<Role>,
    /// The person the account belongs to (same unit), if any.
    pub person_id: Option<jiguan_domain::people::PersonId>,
}

/// Filters of user lists: a unit account is always limited to its unit.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UserFilter {
    pub unit_id: Option<UnitId>,
    /// Only district-level accounts.
    pub district_level_only: bool,
    pub role: Option<Role>,
    pub active: Option<bool>,
}

/// A list filter that chooses a unit (`unit_id`) or district-level rows only
/// ([`UserFilter`], and the [`LogScope`] of [`AuditFilter`] and [`LoginFilter`]).
pub trait UnitChoice {
    /// The filter's unit and its district-level-only flag.
    fn unit_choice(&mut self) -> (&mut Option<UnitId>, &mut bool);

    /// Limits the choice for an account of unit `own`: such an account sees its own unit
    /// only. A district account (`None`) keeps the filter's choice.
    fn limit_to(&mut self, own: Option<UnitId>) {
        if let Some(own) = own {
            let (unit_id, district_level_only) = self.unit_choice();
            *unit_id = Some(own);
            *district_level_only = false;
        }
    }
}

macro_rules! unit_choice {
    ($($filter:ty),*) => {$(
        impl UnitChoice for $filter {
            fn unit_choice(&mut self) -> (&mut Option<UnitId>, &mut bool) {
                (&mut self.unit_id, &mut self.district_level_only)
            }
        }
    )*};
}
unit_choice!(UserFilter, LogScope);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub token_hash: String,
    pub user_id: UserId,
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiToken {
    pub id: i64,
    pub user_id: UserId,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

/// What both logs, the audit trail and the sign-ins (登录日志), are filtered by.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LogScope {
    pub unit_id: Option<UnitId>,
    /// Only rows without a unit: district-level changes, attempts on district-level accounts.
    pub district_level_only: bool,
    /// A login name, in any case.
    pub username: Option<String>,
    /// The first and the last day (China time), both included.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

impl LogScope {
    /// One unit's rows.
    pub fn unit(unit: UnitId) -> Self {
        LogScope {
            unit_id: Some(unit),
            ..LogScope::default()
        }
    }
}

/// Filters of the audit page.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AuditFilter {
    pub scope: LogScope,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    pub action: Option<String>,
}

/// Which sign-in attempts to list (登录日志).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoginFilter {
    pub scope: LogScope,
    /// `Some(true)`: successful sign-ins only; `Some(false)`: failures only.
    pub success: Option<bool>,
}

/// The recorded end of one district's audit chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditHead {
    pub district_id: DistrictId,
    pub last_seq: i64,
    pub last_hash: String,
}

/// A stored policy parameter value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParamValue {
    pub key: String,
    pub unit_id: Option<UnitId>,
    pub value: String,
    pub updated_at: DateTime<Utc>,
    pub updated_by: String,
}

#[async_trait]
pub trait TenancyStore: Send + Sync {
    /// Creates a district with its audit chain, audited as `system` at `at`.
    async fn create_district(
        &self,
        code: &str,
        name: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<DistrictId>;
    async fn list_districts(&self) -> StoreResult<Vec<District>>;
    async fn get_district(&self, id: DistrictId) -> StoreResult<Option<District>>;
    async fn find_district(&self, code: &str) -> StoreResult<Option<District>>;
    async fn create_unit(
        &self,
        district: DistrictId,
        input: &UnitInput,
        audit: AuditEntry,
    ) -> StoreResult<UnitId>;
    async fn update_unit(
        &self,
        district: DistrictId,
        unit: UnitId,
        input: &UnitInput,
        active: bool,
        audit: AuditEntry,
    ) -> StoreResult<()>;
    /// A unit of this district, or `None` (also when it belongs to another district).
    async fn get_unit(&self, district: DistrictId, unit: UnitId) -> StoreResult<Option<Unit>>;
    async fn find_unit(&self, district: DistrictId, code: &str) -> StoreResult<Option<Unit>>;
    async fn list_units(
        &self,
        district: DistrictId,
        q: &ListQuery,
    ) -> StoreResult<Page<UnitSummary>>;
}

#[async_trait]
pub trait UserStore: Send + Sync {
    async fn create_user(&self, user: &NewUser, audit: AuditEntry) -> StoreResult<UserId>;
    async fn find_user_by_name(&self, username: &str) -> StoreResult<Option<UserRecord>>;
    /// Any account by id (sign-in and sessions only; use cases use `get_user`).
    async fn get_user_any(&self, id: UserId) -> StoreResult<Option<UserRecord>>;
    async fn get_user(&self, district: DistrictId, id: UserId) -> StoreResult<Option<UserRecord>>;
    async fn list_users(
        &self,
        district: DistrictId,
        filter: &UserFilter,
        q: &ListQuery,
    ) -> StoreResult<Page<UserView>>;
    /// How many accounts `filter` selects (the SQL store counts without a page).
    async fn count_users(&self, district: DistrictId, filter: &UserFilter) -> StoreResult<i64> {
        let first = ListQuery::first_row();
        Ok(self.list_users(district, filter, &first).await?.total)
    }
    #[allow(clippy::too_many_arguments)]
    async fn update_user(
        &self,
        district: DistrictId,
        id: UserId,
        display_name: &str,
        roles: &[Role],
        active: bool,
        audit: AuditEntry,
    ) -> StoreResult<()>;
    /// Sets a new password hash, as `pw` says.
    async fn set_password(&self, id: UserId, pw: NewPassword, audit: AuditEntry)
    -> StoreResult<()>;
    /// Links an account to its person (`None`: unlinks). A person already linked to
    /// another account is a `Conflict(Unique(Id))`.
    async fn set_user_person(
        &self,
        district: DistrictId,
        id: UserId,
        person: Option<jiguan_domain::people::PersonId>,
        audit: AuditEntry,
    ) -> StoreResult<()>;
    /// The account linked to a person, if any.
    async fn find_user_by_person(
        &self,
        district: DistrictId,
        person: jiguan_domain::people::PersonId,
    ) -> StoreResult<Option<UserRecord>>;
}

/// A new password hash and how it is set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPassword {
    pub hash: String,
    /// The user must change it at the next sign-in.
    pub must_change: bool,
    /// Every session and API token of the user ends.
    pub end_sessions: bool,
}

impl NewPassword {
    /// The user changed their own password: nothing else changes.
    pub fn own(hash: String) -> Self {
        NewPassword {
            hash,
            must_change: false,
            end_sessions: false,
        }
    }

    /// An administrator (or the command line) reset it: a temporary password that must be
    /// changed, and the user is signed out everywhere.
    pub fn reset(hash: String) -> Self {
        NewPassword {
            hash,
            must_change: true,
            end_sessions: true,
        }
    }
}

#[async_trait]
pub trait SessionStore: Send + Sync {
    async fn create_session(&self, s: &SessionRecord) -> StoreResult<()>;
    async fn get_session(&self, token_hash: &str) -> StoreResult<Option<SessionRecord>>;
    async fn touch_session(&self, token_hash: &str, at: DateTime<Utc>) -> StoreResult<()>;
    async fn delete_session(&self, token_hash: &str) -> StoreResult<()>;
    /// Removes sessions idle since before `idle_before` or created before `created_before`.
    async fn purge_sessions(
        &self,
        idle_before: DateTime<Utc>,
        created_before: DateTime<Utc>,
    ) -> StoreResult<u64>;
    /// Keeps a new token's hash, created at the audit entry's time.
    async fn create_api_token(
        &self,
        user: UserId,
        name: &str,
        hash: &str,
        audit: AuditEntry,
    ) -> StoreResult<i64>;
    async fn find_api_token(&self, token_hash: &str) -> StoreResult<Option<ApiToken>>;
    async fn touch_api_token(&self, id: i64, at: DateTime<Utc>) -> StoreResult<()>;
    async fn list_api_tokens(&self, user: UserId) -> StoreResult<Vec<ApiToken>>;
    async fn delete_api_token(&self, user: UserId, id: i64, audit: AuditEntry)
    -> StoreResult<bool>;
}

#[async_trait]
pub trait AuditStore: Send + Sync {
    /// Appends an entry on its own (sign-ins and other events that change no row).
    async fn append_audit(&self, entry: AuditEntry) -> StoreResult<()>;
    async fn list_audit(
        &self,
        district: DistrictId,
        filter: &AuditFilter,
        q: &ListQuery,
    ) -> StoreResult<Page<AuditRecord>>;
    /// How many entries `filter` selects (the SQL store counts without a page).
    async fn count_audit(&self, district: DistrictId, filter: &AuditFilter) -> StoreResult<i64> {
        let first = ListQuery::first_row();
        Ok(self.list_audit(district, filter, &first).await?.total)
    }
    async fn audit_heads(&self) -> StoreResult<Vec<AuditHead>>;
    /// One district's head (one indexed read): a version of all the district's data,
    /// since every write appends to its chain in the write's transaction (the dashboard's
    /// figures are kept under it, [`crate::App::dashboard`]). `None`: no head row yet, or
    /// a store that keeps none (the fake): nothing is kept under it.
    async fn audit_head(&self, _district: DistrictId) -> StoreResult<Option<AuditHead>> {
        Ok(None)
    }
    /// Records one sign-in attempt (`rec.id` is ignored).
    async fn append_login(&self, rec: &jiguan_domain::audit::LoginRecord) -> StoreResult<()>;
    /// One district's sign-in attempts, newest first.
    async fn list_logins(
        &self,
        district: DistrictId,
        filter: &LoginFilter,
        q: &ListQuery,
    ) -> StoreResult<Page<jiguan_domain::audit::LoginRecord>>;
    /// Rows of one district's chain with `seq > after_seq`, in order, at most `limit`.
    async fn audit_chunk(
        &self,
        district: DistrictId,
        after_seq: i64,
        limit: i64,
    ) -> StoreResult<Vec<AuditRecord>>;
    async fn audit_count(&self) -> StoreResult<i64>;
}

#[async_trait]
pub trait SettingsStore: Send + Sync {
    /// District-wide values (unit `None`) and, when `unit` is given, that unit's own.
    async fn list_params(
        &self,
        district: DistrictId,
        unit: Option<UnitId>,
    ) -> StoreResult<Vec<ParamValue>>;
    async fn set_param(
        &self,
        district: DistrictId,
        unit: Option<UnitId>,
        key: &str,
        value: &str,
        at: DateTime<Utc>,
        audit: AuditEntry,
    ) -> StoreResult<()>;
    /// The district's stored dictionary rows (数据字典): added items and built-in items it
    /// reordered or disabled.
    async fn list_dict_items(
        &self,
        district: DistrictId,
    ) -> StoreResult<Vec<jiguan_domain::dict::StoredItem>>;
    /// Inserts or replaces the district's row of one item (by list and code); a name
    /// already used in the list is `Conflict::Unique(UniqueKey::Name)`.
    async fn save_dict_item(
        &self,
        district: DistrictId,
        item: &jiguan_domain::dict::StoredItem,
        at: DateTime<Utc>,
        audit: AuditEntry,
    ) -> StoreResult<()>;
}

/// Everything the application needs from storage.
#[async_trait]
pub trait Store:
    TenancyStore
    + UserStore
    + SessionStore
    + AuditStore
    + SettingsStore
    + CalcStore
    + crate::people::PeopleStore
    + crate::org::OrgStore
    + crate::downsizing::DownsizingStore
    + crate::posts::PostsStore
    + crate::selection::SelectionStore
    + crate::workflow::WorkflowStore
    + crate::inbox::InboxStore
    + crate::selection::campaign::CampaignStore
    + crate::pay::PayStore
    + crate::twoway::TwowayStore
    + crate::appraisal::AppraisalStore
    + crate::report::ReportStore
    + crate::selection::scoring::ScoreStore
    + crate::selection::evaluation::EvaluationStore
    + crate::selection::decision::DecisionStore
    + crate::selection::extra::ExtraStore
    + crate::selection::officials::OfficialStore
{
    /// Checks that the database answers (for /readyz).
    async fn ping(&self) -> StoreResult<()>;
    /// "sqlite" or "postgres".
    fn backend(&self) -> &'static str;
    /// A number that grows whenever this process commits a write to storage (any
    /// database), so that figures derived from stored data can be kept while it does not
    /// change (the inbox badge, [`crate::App::inbox_shared`]). `None`: the store keeps no
    /// such number and nothing is kept.
    fn write_mark(&self) -> Option<u64> {
        None
    }
    /// A session with its account (roles included), read together: every signed-in
    /// request asks for both. `None`: no such session (or no such account).
    async fn get_session_user(
        &self,
        token_hash: &str,
    ) -> StoreResult<Option<(SessionRecord, UserRecord)>> {
        let Some(s) = self.get_session(token_hash).await? else {
            return Ok(None);
        };
        Ok(self.get_user_any(s.user_id).await?.map(|u| (s, u)))
    }
    /// [`Store::get_session_user`] and, when `unit` is given, that unit if it is of the
    /// account's district: every page under a unit asks for all three, so the store may
    /// read them together. The unit is only read, not checked against the account's scope.
    async fn get_session_user_unit(
        &self,
        token_hash: &str,
        unit: Option<UnitId>,
    ) -> StoreResult<Option<(SessionRecord, UserRecord, Option<Unit>)>> {
        let Some((s, user)) = self.get_session_user(token_hash).await? else {
            return Ok(None);
        };
        let unit = match unit {
            Some(id) => self.get_unit(user.district_id, id).await?,
            None => None,
        };
        Ok(Some((s, user, unit)))
    }
}

/// One year's working-day schedule loaded by an administrator for a district.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CalendarYearRecord {
    pub district_id: DistrictId,
    pub year: i64,
    /// The schedule in the text format of `jiguan_domain::rules::calendar`.
    pub schedule_text: String,
    pub loaded_at: DateTime<Utc>,
    /// The login name of who loaded it (`system` from the command line).
    pub loaded_by: String,
}

/// A calculation to save, exactly as computed. JSON columns are stored as text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewCalcRecord {
    pub district_id: DistrictId,
    pub unit_id: Option<UnitId>,
    pub user_id: UserId,
    pub username: String,
    pub kind: String,
    pub input_json: String,
    pub result_json: String,
    pub steps_json: String,
    pub sources_json: String,
    pub params_json: String,
    pub note: String,
    pub created_at: DateTime<Utc>,
}

/// A saved calculation as stored: never recomputed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CalcRecord {
    pub id: SavedCalcId,
    /// What was saved, as saved.
    #[serde(flatten)]
    pub saved: NewCalcRecord,
}

/// Filters of the saved-calculation list.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CalcFilter {
    pub unit_id: Option<UnitId>,
    /// Only calculations saved by this user.
    pub user_id: Option<UserId>,
    pub kind: Option<String>,
}

/// Saved calculations (政策计算结果) and the working-day calendar years of a district.
#[async_trait]
pub trait CalcStore: Send + Sync {
    /// The years loaded for a district, in year order.
    async fn list_calendar_years(
        &self,
        district: DistrictId,
    ) -> StoreResult<Vec<CalendarYearRecord>>;
    /// Loads or replaces one year of a district.
    async fn put_calendar_year(
        &self,
        rec: &CalendarYearRecord,
        audit: AuditEntry,
    ) -> StoreResult<()>;
    /// Saves a calculation; returns its id (the audit entry's object id is set to it).
    async fn save_calc(&self, rec: &NewCalcRecord, audit: AuditEntry) -> StoreResult<SavedCalcId>;
    /// A saved calculation of this district, or `None`.
    async fn get_calc(
        &self,
        district: DistrictId,
        id: SavedCalcId,
    ) -> StoreResult<Option<CalcRecord>>;
    /// Saved calculations, newest first; `q` searches the note and the kind.
    async fn list_calcs(
        &self,
        district: DistrictId,
        filter: &CalcFilter,
        q: &ListQuery,
    ) -> StoreResult<Page<CalcRecord>>;
}
