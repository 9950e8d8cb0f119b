//! The inbox (待办与通知) use cases: one person's to-dos (derived from the state of every
//! workflow in [`jiguan_domain::inbox::FLOWS`]) and notices (stored, read per reader), the
//! count the menu and the dashboard show, marking notices read.
//!
//! A module whose waiting items are not workflow statuses (a ballot to cast, a publicity
//! period ending) adds a source: a method that returns its [`Todo`]s for an actor, called
//! from [`App::todos`]. A module that tells someone something writes a
//! [`NewNotice`](jiguan_domain::inbox::NewNotice) in the transaction of the change.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Serialize;

use jiguan_domain::auth::{Action, Actor, Role};
use jiguan_domain::inbox::{self, NoticeId, Recipient};
use jiguan_domain::tenancy::{DistrictId, UnitId, UserId};
use jiguan_domain::workflow::{Status, Workflow};

use crate::ports::StoreResult;
use crate::selection::MeetingAt;
use crate::{App, AppError, AppResult};

/// A workflow record in a waiting status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FlowItem {
    pub id: i64,
    pub unit_id: UnitId,
    pub unit_name: String,
    pub title: String,
    pub status: Status,
    pub created_at: DateTime<Utc>,
}

/// A stored notice as one reader sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NoticeRecord {
    pub id: NoticeId,
    pub unit_id: UnitId,
    pub unit_name: String,
    pub recipient: Recipient,
    pub kind: String,
    /// The object kind's code (`reorg_plan`).
    pub object: String,
    pub object_id: i64,
    pub link: String,
    pub params: BTreeMap<String, String>,
    pub created_at: DateTime<Utc>,
    /// When this reader opened it (`None`: unread).
    pub read_at: Option<DateTime<Utc>>,
}

/// Who reads: the store returns the notices addressed to the reader, their place
/// (unit or district) and their roles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reader {
    pub user: UserId,
    pub unit: Option<UnitId>,
    pub roles: Vec<Role>,
}

impl Reader {
    pub fn of(actor: &Actor) -> Self {
        Reader {
            user: actor.user_id,
            unit: actor.unit_id,
            roles: actor.roles.clone(),
        }
    }
}

/// Storage of notices, and the waiting records of the workflows.
#[async_trait]
pub trait InboxStore: Send + Sync {
    /// Records of `flow` in any of `statuses`, of one unit or (`None`) of the whole
    /// district, oldest first.
    async fn flow_items(
        &self,
        district: DistrictId,
        unit: Option<UnitId>,
        flow: &'static Workflow,
        statuses: &[Status],
    ) -> StoreResult<Vec<FlowItem>>;
    /// The newest `limit` notices addressed to the reader, with the reader's read time.
    async fn notices_for(
        &self,
        district: DistrictId,
        reader: &Reader,
        limit: i64,
    ) -> StoreResult<Vec<NoticeRecord>>;
    /// Marks notices read by `user` at `at` (already read ones keep their time).
    async fn mark_read(
        &self,
        district: DistrictId,
        user: UserId,
        notices: &[(NoticeId, UnitId)],
        at: DateTime<Utc>,
    ) -> StoreResult<()>;
}

/// Something waiting for the actor (待办).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Todo {
    /// `<workflow>.<step>` (`org.plan.approve`): the text is `inbox.todo.<code>`.
    pub code: String,
    pub unit_id: UnitId,
    pub unit_name: String,
    pub object_id: i64,
    pub title: String,
    pub link: String,
    pub since: DateTime<Utc>,
}

/// One person's inbox.
#[derive(Debug, Clone, Serialize)]
pub struct Inbox {
    pub todos: Vec<Todo>,
    pub notices: Vec<NoticeRecord>,
    pub unread: usize,
}

impl Inbox {
    /// The figure of the menu badge: to-dos and unread notices.
    pub fn count(&self) -> usize {
        self.todos.len() + self.unread
    }
}

/// How many notices the inbox lists (the newest).
pub const NOTICE_LIMIT: i64 = 200;

/// How long a kept inbox may serve when the store's write mark has not moved: the bound on
/// how late a change written by *another* process (the CLI, a second server on the same
/// PostgreSQL database) reaches the badge. Writes of this process are seen at once.
pub const INBOX_KEEP: Duration = crate::kept::KEEP;

/// Accounts whose inbox is kept at most; past it, the stale ones are dropped first.
pub(crate) const INBOX_KEPT_MAX: usize = 4096;

/// The inboxes last read, per account (see [`App::inbox_shared`]), under the account's
/// roles and the day.
pub(crate) type InboxCache = crate::kept::Kept<UserId, (Actor, chrono::NaiveDate), Inbox>;

impl App {
    /// The actor's to-dos: every waiting workflow record of a unit the actor sees whose
    /// next step the actor may take.
    pub async fn todos(&self, actor: &Actor) -> AppResult<Vec<Todo>> {
        self.require(actor, Action::Dashboard)?;
        let mut out = Vec::new();
        for (flow, object) in inbox::FLOWS {
            let waits: Vec<_> = inbox::waiting(flow)
                .into_iter()
                .filter(|(_, e)| actor.can(e.action))
                .collect();
            if waits.is_empty() {
                continue;
            }
            let statuses: Vec<Status> = waits.iter().map(|(s, _)| *s).collect();
            let items = self
                .store
                .flow_items(actor.district_id, actor.unit_id, flow, &statuses)
                .await?;
            for it in items {
                if !actor.sees_unit(actor.district_id, it.unit_id) {
                    continue;
                }
                let Some((_, edge)) = waits.iter().find(|(s, _)| *s == it.status) else {
                    continue;
                };
                out.push(Todo {
                    code: inbox::code(flow, edge.step),
                    link: inbox::link(*object, it.unit_id, it.id)
                        .unwrap_or_else(|| format!("/units/{}", it.unit_id)),
                    unit_id: it.unit_id,
                    unit_name: it.unit_name,
                    object_id: it.id,
                    title: it.title,
                    since: it.created_at,
                });
            }
        }
        out.extend(self.ballots_to_cast(actor).await?);
        out.extend(self.selection_reminders(actor).await?);
        out.extend(self.tw_todos(actor).await?);
        out.sort_by(|a, b| a.since.cmp(&b.since).then(a.object_id.cmp(&b.object_id)));
        Ok(out)
    }

    /// A ballot to cast (党委会票决): for a committee member recorded present at a meeting
    /// of their unit whose vote is open. It stays until the vote closes, also after the
    /// member has voted: nothing records who voted, and the inbox must not either.
    async fn ballots_to_cast(&self, actor: &Actor) -> AppResult<Vec<Todo>> {
        use crate::selection::MeetingStatus;
        let (Some(unit), true) = (actor.unit_id, actor.can(Action::SelectionVote)) else {
            return Ok(Vec::new());
        };
        let d = actor.district_id;
        let mut out = Vec::new();
        for m in self.store.sel_meetings(d, unit).await? {
            if m.status != MeetingStatus::Open {
                continue;
            }
            let present = self
                .store
                .sel_attendance(MeetingAt::new(d, unit, m.id))
                .await?
                .iter()
                .any(|a| a.present && a.user_id == actor.user_id);
            if !present {
                continue;
            }
            let unit_name = match self.store.get_unit(d, unit).await? {
                Some(u) => u.name,
                None => continue,
            };
            out.push(Todo {
                code: "selection.ballot.cast".to_string(),
                unit_id: unit,
                unit_name,
                object_id: m.id.0,
                title: m.title,
                link: format!("/units/{unit}/selection/meetings/{}/vote", m.id),
                since: m.created_at,
            });
        }
        Ok(out)
    }

    /// The notices addressed to the actor, newest first (checked again against the
    /// actor's place and roles).
    pub async fn notices(&self, actor: &Actor) -> AppResult<Vec<NoticeRecord>> {
        self.require(actor, Action::Dashboard)?;
        let rows = self
            .store
            .notices_for(actor.district_id, &Reader::of(actor), NOTICE_LIMIT)
            .await?;
        Ok(rows
            .into_iter()
            .filter(|n| n.recipient.reaches(actor, n.unit_id))
            .collect())
    }

    /// The actor's inbox.
    pub async fn inbox(&self, actor: &Actor) -> AppResult<Inbox> {
        Ok((*self.inbox_shared(actor).await?).clone())
    }

    /// The actor's inbox, shared: the menu badge asks for it on every page, the dashboard
    /// for its to-dos. It is read from the store (every workflow's waiting records, the
    /// other to-do sources, the notices) and kept per account while the store's
    /// [write mark](crate::ports::Store::write_mark) and the day (reminders count days)
    /// stay the same, at most [`INBOX_KEEP`]: exact for every write of this process (a
    /// write moves the mark after it commits, and the mark is noted before reading), at
    /// most that late for another process's. A store without a mark: read every time.
    pub async fn inbox_shared(&self, actor: &Actor) -> AppResult<Arc<Inbox>> {
        let day = crate::calc::china_today(self.clock.now());
        let mark = self.store.write_mark();
        if let Some(m) = mark
            && let Some(i) = self.inboxes.get(&actor.user_id, &(actor.clone(), day), m)
        {
            return Ok(i);
        }
        let todos = self.todos(actor).await?;
        let notices = self.notices(actor).await?;
        let unread = notices.iter().filter(|n| n.read_at.is_none()).count();
        let inbox = Arc::new(Inbox {
            todos,
            notices,
            unread,
        });
        if let Some(m) = mark {
            self.inboxes
                .put(actor.user_id, (actor.clone(), day), m, inbox.clone());
        }
        Ok(inbox)
    }

    /// Opens a notice: marks it read for the actor and returns where it leads. A notice
    /// not addressed to the actor is not found.
    pub async fn open_notice(&self, actor: &Actor, id: NoticeId) -> AppResult<String> {
        let n = self
            .notices(actor)
            .await?
            .into_iter()
            .find(|n| n.id == id)
            .ok_or(AppError::NotFound)?;
        if n.read_at.is_none() {
            self.store
                .mark_read(
                    actor.district_id,
                    actor.user_id,
                    &[(n.id, n.unit_id)],
                    self.clock.now(),
                )
                .await?;
        }
        Ok(n.link)
    }

    /// Marks every notice of the actor read; returns how many were unread.
    pub async fn mark_all_read(&self, actor: &Actor) -> AppResult<usize> {
        let unread: Vec<(NoticeId, UnitId)> = self
            .notices(actor)
            .await?
            .into_iter()
            .filter(|n| n.read_at.is_none())
            .map(|n| (n.id, n.unit_id))
            .collect();
        if !unread.is_empty() {
            self.store
                .mark_read(actor.district_id, actor.user_id, &unread, self.clock.now())
                .await?;
        }
        Ok(unread.len())
    }
}
