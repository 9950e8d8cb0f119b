//! Jiguan's use cases. Every use case takes the acting user ([`Actor`]) and checks the
//! role × action matrix and the unit scope itself, so the web layer's checks are a
//! second line, not the only one. Storage is reached only through the ports in [`ports`].

pub mod appraisal;
pub mod audit;
pub mod auth;
pub mod calc;
pub mod cell_section;
pub mod clock;
pub mod dashboard;
pub mod demo;
pub mod dict;
pub mod downsizing;
pub mod error;
#[cfg(any(test, feature = "fakes"))]
pub mod fakes;
pub mod inbox;
pub mod kept;
pub mod org;
pub mod pay;
pub mod people;
pub mod ports;
pub mod posts;
pub mod report;
pub mod selection;
pub mod selfsvc;
pub mod settings;
pub mod tenancy;
pub mod twoway;
pub mod users;
pub mod workflow;

use std::sync::Arc;

pub use clock::{Clock, ManualClock, SystemClock};
pub use error::{AppError, AppResult};
use jiguan_domain::auth::Action;
pub use jiguan_domain::auth::Actor;
use jiguan_domain::tenancy::{DistrictId, UnitId};
pub use ports::Store;

tokio::task_local! {
    /// The unit named in the path of the request being served, as the web guard read it
    /// (`get_unit`), with the store's write mark noted before that read.
    static REQUEST_UNIT: (ports::Unit, u64);
}

/// Runs `f` (a request's handler) with `unit`, read by the caller from the store after
/// noting `mark` ([`Store::write_mark`]), as the record [`App::require_unit_record`] gives
/// for that unit instead of reading it again, as long as the mark has not moved (a write
/// of this process since may have changed it). Without a mark, `f` runs as it is.
pub async fn with_request_unit<F: std::future::Future>(
    unit: ports::Unit,
    mark: Option<u64>,
    f: F,
) -> F::Output {
    match mark {
        Some(m) => REQUEST_UNIT.scope((unit, m), f).await,
        None => f.await,
    }
}

/// Tunables of the application layer.
#[derive(Debug, Clone)]
pub struct AppConfig {
    /// argon2id memory cost in KiB.
    pub argon_m_kib: u32,
    /// argon2id iterations.
    pub argon_t: u32,
    /// A session idle for longer than this ends (minutes).
    pub session_idle_minutes: i64,
    /// A session ends this long after sign-in whatever happens (hours).
    pub session_max_hours: i64,
    /// Failed logins allowed per user name or per address in the window.
    pub login_max_failures: u32,
    /// The rate-limit window (seconds).
    pub login_window_secs: i64,
}

impl Default for AppConfig {
    fn default() -> Self {
        Self {
            argon_m_kib: 19 * 1024,
            argon_t: 2,
            session_idle_minutes: 30,
            session_max_hours: 12,
            login_max_failures: 5,
            login_window_secs: 15 * 60,
        }
    }
}

impl AppConfig {
    /// Cheap hashing for tests only.
    pub fn for_tests() -> Self {
        Self {
            argon_m_kib: 64,
            argon_t: 1,
            ..Self::default()
        }
    }
}

/// The application: use cases over a store.
#[derive(Clone)]
pub struct App {
    pub store: Arc<dyn Store>,
    pub config: AppConfig,
    pub clock: Arc<dyn Clock>,
    limiter: Arc<auth::LoginLimiter>,
    inboxes: Arc<inbox::InboxCache>,
    /// The active bodies of each unit, as roster pages name them (see [`kept`]).
    bodies: Arc<people::BodiesCache>,
    dashes: Arc<dashboard::DashCache>,
}

impl App {
    pub fn new(store: Arc<dyn Store>, config: AppConfig, clock: Arc<dyn Clock>) -> Self {
        Self {
            store,
            config,
            clock,
            limiter: Arc::new(auth::LoginLimiter::default()),
            inboxes: Arc::new(kept::Kept::new(inbox::INBOX_KEPT_MAX)),
            bodies: Arc::new(kept::Kept::new(people::BODIES_KEPT_MAX)),
            dashes: Arc::default(),
        }
    }

    /// Refuses unless the actor's roles grant `action`.
    pub fn require(&self, actor: &Actor, action: Action) -> AppResult<()> {
        if actor.can(action) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// Refuses unless the actor may take `action` in `unit` (same district; unit accounts
    /// only their own unit). A unit of another district is reported as not found.
    pub async fn require_unit(
        &self,
        actor: &Actor,
        action: Action,
        unit: UnitId,
    ) -> AppResult<jiguan_domain::tenancy::UnitKind> {
        Ok(self.require_unit_record(actor, action, unit).await?.kind)
    }

    /// [`App::require_unit`], giving the unit's record (read once).
    pub async fn require_unit_record(
        &self,
        actor: &Actor,
        action: Action,
        unit: UnitId,
    ) -> AppResult<ports::Unit> {
        self.require(actor, action)?;
        let u = match self.request_unit(actor.district_id, unit) {
            Some(u) => u,
            None => self
                .store
                .get_unit(actor.district_id, unit)
                .await?
                .ok_or(AppError::NotFound)?,
        };
        if !actor.sees_unit(u.district_id, u.id) {
            return Err(AppError::NotFound);
        }
        Ok(u)
    }

    /// The unit [`with_request_unit`] holds for the request being served, when it is
    /// `unit` of district `d` and nothing was written since it was read.
    fn request_unit(&self, d: DistrictId, unit: UnitId) -> Option<ports::Unit> {
        let now = self.store.write_mark()?;
        REQUEST_UNIT
            .try_with(|(u, mark)| {
                (*mark == now && u.district_id == d && u.id == unit).then(|| u.clone())
            })
            .ok()
            .flatten()
    }

    pub fn district_of(actor: &Actor) -> DistrictId {
        actor.district_id
    }
}
