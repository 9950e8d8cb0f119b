//! Background jobs of the browser: a roster import is validated within the request and
//! written by a tokio task, whose progress the job page shows. Jobs live in memory only
//! (a restart forgets them; the write itself is one transaction either way), keyed by a
//! random id and bound to their district and unit. Finished jobs are dropped after
//! [`KEEP_FINISHED`].
//!
//! At most [`MAX_RUNNING`] imports read, check and write at once (each holds its table
//! in memory); a further one waits in a first-come queue, its place shown on its job page.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use jiguan_app::people::ImportReport;
use jiguan_domain::FieldError;
use jiguan_domain::tenancy::{DistrictId, UnitId, UserId};

/// How many imports run at once by default (the rest wait in the queue).
pub const MAX_RUNNING: usize = 2;

/// How long a finished job stays visible.
pub const KEEP_FINISHED: Duration = Duration::from_secs(15 * 60);

/// The state of one import job.
#[derive(Debug, Clone)]
pub struct ImportJob {
    pub district: DistrictId,
    pub unit: UnitId,
    /// Who started it.
    pub user: UserId,
    /// The form's options, shown again with the result.
    pub mode: String,
    pub exception_doc: String,
    /// Rows written so far and rows to write.
    pub done: u64,
    pub total: u64,
    /// `None` while running.
    pub outcome: Option<Result<ImportReport, Vec<FieldError>>>,
    finished_at: Option<Instant>,
    /// While waiting for its turn: its ticket in the queue.
    queued: Option<u64>,
}

impl ImportJob {
    pub fn new(
        district: DistrictId,
        unit: UnitId,
        user: UserId,
        mode: &str,
        exception_doc: &str,
        total: u64,
    ) -> Self {
        Self {
            district,
            unit,
            user,
            mode: mode.into(),
            exception_doc: exception_doc.into(),
            done: 0,
            total,
            outcome: None,
            finished_at: None,
            queued: None,
        }
    }

    /// Whether the job waits for its turn.
    pub fn is_queued(&self) -> bool {
        self.queued.is_some()
    }

    /// Percent written (0–100).
    pub fn percent(&self) -> u64 {
        (self.done * 100).checked_div(self.total).unwrap_or(100)
    }
}

/// The registry of import jobs (cheap to clone: shared).
#[derive(Clone)]
pub struct ImportJobs {
    inner: Arc<Mutex<HashMap<String, ImportJob>>>,
    permits: Arc<tokio::sync::Semaphore>,
    tickets: Arc<AtomicU64>,
}

impl Default for ImportJobs {
    fn default() -> Self {
        Self::with_limit(MAX_RUNNING)
    }
}

/// The right to run one import; the next queued job starts when it is dropped.
pub type RunPermit = tokio::sync::OwnedSemaphorePermit;

impl ImportJobs {
    /// A registry letting `running` imports run at once.
    pub fn with_limit(running: usize) -> Self {
        Self {
            inner: Arc::default(),
            permits: Arc::new(tokio::sync::Semaphore::new(running.max(1))),
            tickets: Arc::default(),
        }
    }

    /// A turn to run now, if one is free.
    pub fn try_run(&self) -> Option<RunPermit> {
        self.permits.clone().try_acquire_owned().ok()
    }

    /// Registers a job that waits for its turn; returns its id.
    pub fn enqueue(&self, mut job: ImportJob) -> String {
        job.queued = Some(self.tickets.fetch_add(1, Ordering::SeqCst));
        self.start(job)
    }

    /// Waits for the turn of the queued job `id` (first come, first served), then marks
    /// it running.
    pub async fn wait_turn(&self, id: &str) -> Option<RunPermit> {
        let permit = self.permits.clone().acquire_owned().await.ok()?;
        if let Some(j) = self.lock().get_mut(id) {
            j.queued = None;
        }
        Some(permit)
    }

    /// The place (1 = next) of the queued job `id` in the queue.
    pub fn position(&self, id: &str) -> Option<usize> {
        let map = self.lock();
        let mine = map.get(id)?.queued?;
        Some(
            map.values()
                .filter(|j| j.queued.is_some_and(|t| t < mine))
                .count()
                + 1,
        )
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, ImportJob>> {
        // A panic while holding the lock leaves plain data behind: keep using it.
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Registers a job; returns its id. Drops old finished jobs.
    pub fn start(&self, job: ImportJob) -> String {
        let id = jiguan_app::auth::random_token();
        let mut map = self.lock();
        map.retain(|_, j| j.finished_at.is_none_or(|t| t.elapsed() < KEEP_FINISHED));
        map.insert(id.clone(), job);
        id
    }

    /// Records the rows written so far.
    pub fn progress(&self, id: &str, done: u64, total: u64) {
        if let Some(j) = self.lock().get_mut(id) {
            j.done = done.min(total);
            j.total = total;
        }
    }

    /// Records the outcome.
    pub fn finish(&self, id: &str, outcome: Result<ImportReport, Vec<FieldError>>) {
        if let Some(j) = self.lock().get_mut(id) {
            if outcome.is_ok() {
                j.done = j.total;
            }
            j.outcome = Some(outcome);
            j.finished_at = Some(Instant::now());
        }
    }

    /// The job `id` if it belongs to `unit` of `district` (and is not expired).
    pub fn get(&self, id: &str, district: DistrictId, unit: UnitId) -> Option<ImportJob> {
        let map = self.lock();
        map.get(id)
            .filter(|j| j.district == district && j.unit == unit)
            .filter(|j| j.finished_at.is_none_or(|t| t.elapsed() < KEEP_FINISHED))
            .cloned()
    }
}
