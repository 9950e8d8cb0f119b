//! An in-memory [`Store`] for fast use-case tests without a database.
//!
//! [`FakeStore`] keeps one small state struct per module ([`FakeState`]) behind one
//! `Mutex`. A port method a module's tests need is implemented over that state in the
//! module's file (`fakes/posts.rs` implements `PostsStore`); every other method answers
//! `StoreError::Backend("not in fake")`, so a use case that reaches an unfaked method fails
//! its test with that message instead of panicking.
//!
//! Writes keep the audit entry they were given in `FakeState::audit`, so a test can check
//! that a refused change wrote neither data nor audit.
//!
//! To fake another module: add its state struct as a field of [`FakeState`], implement
//! the methods its use cases call in `fakes/<module>.rs`, and seed the state in tests
//! through [`FakeStore::with_state`].
//!
//! Available to this crate's tests and, with the `fakes` feature, to other crates' tests.

pub mod appraisal;
pub mod downsizing;
pub mod org;
pub mod pay;
pub mod people;
pub mod platform;
pub mod posts;
pub mod report;
pub mod selection;
pub mod selection_campaign;
pub mod selection_scores;
pub mod twoway;

pub mod selection_decision;
pub mod selection_extra;

pub mod selection_officials;

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use chrono::{DateTime, TimeZone, Utc};

use jiguan_domain::audit::AuditEntry;
use jiguan_domain::auth::{Actor, Role};
use jiguan_domain::tenancy::{DistrictId, UnitId, UnitKind, UserId};

use crate::ports::{District, Store, StoreError, StoreResult, Unit};
use crate::{App, AppConfig, ManualClock};

pub use org::OrgState;
pub use people::PeopleState;
pub use posts::PostsState;

/// What a port method outside the fake answers.
pub fn not_in_fake() -> StoreError {
    StoreError::Backend("not in fake".into())
}

/// Districts and units, and every audit entry a write was given.
#[derive(Debug, Default)]
pub struct PlatformState {
    pub districts: Vec<District>,
    pub units: Vec<Unit>,
    pub audit: Vec<AuditEntry>,
    /// Sign-in attempts recorded.
    pub logins: Vec<jiguan_domain::audit::LoginRecord>,
}

/// The fake's whole state: one part per module.
#[derive(Debug, Default)]
pub struct FakeState {
    pub platform: PlatformState,
    pub people: PeopleState,
    pub org: OrgState,
    pub posts: PostsState,
    pub pay: pay::PayState,
    pub twoway: twoway::TwowayState,
    pub appraisal: appraisal::AppraisalState,
    pub report: report::ReportState,
    pub downsizing: downsizing::DownsizingState,
    /// The last id handed out (ids are unique across tables, like a sequence).
    pub last_id: i64,
}

impl FakeState {
    /// A fresh id.
    pub fn next_id(&mut self) -> i64 {
        self.last_id += 1;
        self.last_id
    }

    /// Whether the unit exists in the district (the tenancy check every store query makes).
    pub fn unit_in(&self, district: DistrictId, unit: UnitId) -> bool {
        self.platform
            .units
            .iter()
            .any(|u| u.id == unit && u.district_id == district)
    }

    /// Adds a district; returns its id.
    pub fn add_district(&mut self, code: &str, name: &str) -> DistrictId {
        let id = DistrictId(self.next_id());
        self.platform.districts.push(District {
            id,
            code: code.into(),
            name: name.into(),
        });
        id
    }

    /// The usual seed: district 镇海区 with the unit 骆驼街道 (district, unit).
    pub fn add_luotuo(&mut self) -> (DistrictId, UnitId) {
        let d = self.add_district("zhenhai", "镇海区");
        (d, self.add_unit(d, "luotuo", "骆驼街道"))
    }

    /// A unit of another district (北仑区, 大碶街道), for tenant isolation (district, unit).
    pub fn add_beilun(&mut self) -> (DistrictId, UnitId) {
        let d = self.add_district("beilun", "北仑区");
        (d, self.add_unit(d, "dagang", "大碶街道"))
    }

    /// Adds an active unit to a district; returns its id.
    pub fn add_unit(&mut self, district: DistrictId, code: &str, name: &str) -> UnitId {
        let id = UnitId(self.next_id());
        self.platform.units.push(Unit {
            id,
            district_id: district,
            code: code.into(),
            name: name.into(),
            kind: UnitKind::Subdistrict,
            active: true,
        });
        id
    }
}

/// The in-memory store.
#[derive(Debug, Default)]
pub struct FakeStore {
    state: Mutex<FakeState>,
}

impl FakeStore {
    /// Runs `f` on the state (to seed it or read it back).
    pub fn with_state<R>(&self, f: impl FnOnce(&mut FakeState) -> R) -> StoreResult<R> {
        let mut s = self
            .state
            .lock()
            .map_err(|_| StoreError::Backend("fake state poisoned".into()))?;
        Ok(f(&mut s))
    }
}

/// Records kept with the id of what they belong to (a cycle's scores, a round's choices
/// …): a child table in memory.
pub(crate) trait Children<K, T> {
    /// The records of `id`, in the order kept.
    fn of(&self, id: K) -> Vec<T>;
    /// Adds `rec` to `id`, replacing the records of `id` that `same` matches with it.
    fn upsert(&mut self, id: K, rec: T, same: impl Fn(&T, &T) -> bool);
}

impl<K: PartialEq + Copy, T: Clone> Children<K, T> for Vec<(K, T)> {
    fn of(&self, id: K) -> Vec<T> {
        self.iter()
            .filter(|(k, _)| *k == id)
            .map(|(_, r)| r.clone())
            .collect()
    }

    fn upsert(&mut self, id: K, rec: T, same: impl Fn(&T, &T) -> bool) {
        self.retain(|(k, r)| !(*k == id && same(r, &rec)));
        self.push((id, rec));
    }
}

/// An [`App`] over a fresh [`FakeStore`] with cheap hashing and a clock fixed at
/// 2026-03-02 09:00 UTC; returns both so a test can seed and inspect the store.
pub fn fake_app() -> (App, Arc<FakeStore>) {
    let store = Arc::new(FakeStore::default());
    let now: DateTime<Utc> = Utc
        .with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
        .single()
        .unwrap_or_default();
    let app = App::new(
        store.clone(),
        AppConfig::for_tests(),
        Arc::new(ManualClock::new(now)),
    );
    (app, store)
}

/// The setting of a module's use-case tests: an [`App`] over a fresh fake ([`fake_app`])
/// with the district 镇海区, its unit 骆驼街道 (`a`) and a second unit (`b`).
pub struct TwoUnits {
    pub app: App,
    pub store: Arc<FakeStore>,
    pub d: DistrictId,
    pub a: UnitId,
    pub b: UnitId,
}

// A test fixture: a poisoned fake fails the test that uses it.
#[allow(clippy::panic)]
impl TwoUnits {
    /// The fixture, the second unit named `b_code`/`b_name`.
    pub fn new(b_code: &str, b_name: &str) -> TwoUnits {
        let (app, store) = fake_app();
        let ((d, a), b) = store
            .with_state(|s| {
                let da = s.add_luotuo();
                let b = s.add_unit(da.0, b_code, b_name);
                (da, b)
            })
            .unwrap_or_else(|e| panic!("{e}"));
        TwoUnits {
            app,
            store,
            d,
            a,
            b,
        }
    }

    /// Runs `f` on the fake's state (to seed it or read it back).
    pub fn state<R>(&self, f: impl FnOnce(&mut FakeState) -> R) -> R {
        self.store.with_state(f).unwrap_or_else(|e| panic!("{e}"))
    }

    /// How many audit entries were written.
    pub fn audits(&self) -> usize {
        self.state(|s| s.platform.audit.len())
    }
}

/// The (field, code) pairs of a validation error (any other error fails the test).
#[allow(clippy::panic)]
pub fn field_codes(e: crate::AppError) -> Vec<(String, String)> {
    match e {
        crate::AppError::Invalid(v) => v.into_iter().map(|e| (e.field, e.code)).collect(),
        other => panic!("{other:?}"),
    }
}

/// An actor with one role: of a unit (`Some`) or of the whole district.
pub fn actor(district: DistrictId, unit: Option<UnitId>, role: Role) -> Actor {
    Actor {
        user_id: UserId(1),
        username: format!("{}_{}", role.code(), unit.map(|u| u.0).unwrap_or(0)),
        display_name: String::new(),
        district_id: district,
        unit_id: unit,
        roles: vec![role],
    }
}

#[async_trait]
impl Store for FakeStore {
    async fn ping(&self) -> StoreResult<()> {
        Ok(())
    }

    fn backend(&self) -> &'static str {
        "fake"
    }
}

#[async_trait::async_trait]
impl crate::workflow::WorkflowStore for FakeStore {
    async fn move_status(
        &self,
        flow: &'static jiguan_domain::workflow::Workflow,
        district: jiguan_domain::tenancy::DistrictId,
        unit: jiguan_domain::tenancy::UnitId,
        m: &jiguan_domain::workflow::Move,
        notices: &[jiguan_domain::inbox::NewNotice],
        audit: jiguan_domain::audit::AuditEntry,
    ) -> crate::ports::StoreResult<()> {
        // Only pay runs and two-way rounds are moved in the fake.
        if *flow == jiguan_domain::workflow::PAY_RUNS {
            return self.with_state(|s| pay::move_run(s, district, unit, m, audit))?;
        }
        if *flow == jiguan_domain::workflow::TWOWAY_ROUNDS {
            let at =
                crate::twoway::RoundAt::new(district, unit, jiguan_domain::twoway::RoundId(m.id));
            return self.with_state(|s| twoway::move_round(s, at, m, notices, audit))?;
        }
        Err(not_in_fake())
    }
}

#[async_trait::async_trait]
impl crate::inbox::InboxStore for FakeStore {
    async fn flow_items(
        &self,
        district: DistrictId,
        unit: Option<UnitId>,
        flow: &'static jiguan_domain::workflow::Workflow,
        statuses: &[jiguan_domain::workflow::Status],
    ) -> StoreResult<Vec<crate::inbox::FlowItem>> {
        // Only two-way rounds are listed in the fake.
        if *flow == jiguan_domain::workflow::TWOWAY_ROUNDS {
            return self.with_state(|s| twoway::flow_items(s, district, unit, statuses));
        }
        Err(not_in_fake())
    }
    async fn notices_for(
        &self,
        _district: DistrictId,
        _reader: &crate::inbox::Reader,
        _limit: i64,
    ) -> StoreResult<Vec<crate::inbox::NoticeRecord>> {
        Err(not_in_fake())
    }
    async fn mark_read(
        &self,
        _district: DistrictId,
        _user: UserId,
        _notices: &[(jiguan_domain::inbox::NoticeId, UnitId)],
        _at: DateTime<Utc>,
    ) -> StoreResult<()> {
        Err(not_in_fake())
    }
}
