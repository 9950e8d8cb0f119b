//! Staff self-service (个人中心): the signed-in user's own record, posts and workload,
//! notices, statutory retirement and history, and the link between an account and the
//! person it belongs to.
//!
//! - The link: `users.person_id`, a person of the account's own unit, at most one account
//!   per person. Set by an account manager (`UsersManage`: the unit administrator for their
//!   unit, the district administrator for any unit) on the account form, or when an
//!   account is created from a roster row. District-level accounts are not linked.
//! - Who sees what: every role may open its own page (`Profile`); the page shows only the
//!   person linked to the signed-in account — it takes no person id, so nobody can open
//!   someone else's record through it. The ID number is masked unless the account's roles
//!   grant `PeopleSensitive` (the same rule as the roster; a person sees their own number
//!   masked, as on any screen that can be overlooked — they know it).
//! - A link that no longer fits (the person was transferred to another unit) shows as not
//!   linked, with the same message, until an administrator links the account again.
//! - Notices (我的通知) are gathered per source: today the downsizing notice (分流通知书) of
//!   an approved or applied plan that names the person; appointment (任职) and appraisal
//!   (考核结果) notices are further variants of [`MyNotice`] that their modules add, each
//!   with one function called from [`App::my_notices`].

pub mod demo;

use serde::Serialize;

use jiguan_domain::FieldError;
use jiguan_domain::audit::{AuditAction, ObjectKind};
use jiguan_domain::auth::{Action, Actor};
use jiguan_domain::downsizing::{PlanStatus, category_of};
use jiguan_domain::people::PersonId;
use jiguan_domain::people::mask::shown;
use jiguan_domain::rules::retirement::{Retirement, YearMonth, statutory_retirement};
use jiguan_domain::tenancy::{UnitId, UserId};

use crate::downsizing::{LineView, PlanRecord};
use crate::people::{BodyRef, PersonEvent, PersonRecord};
use crate::ports::{Conflict, StoreError, UniqueKey};
use crate::posts::PersonPosts;
use crate::{App, AppError, AppResult};

/// The 个人中心 page: the linked person's record, or nothing when the account is not linked.
#[derive(Debug, Clone, Serialize)]
pub struct MyCenter {
    pub record: Option<MyRecord>,
}

/// Everything the page shows about the signed-in user's own person.
#[derive(Debug, Clone, Serialize)]
pub struct MyRecord {
    pub person: PersonRecord,
    /// The ID number as shown: masked unless the account may see personal data.
    pub id_shown: String,
    /// Whether `id_shown` is the full number.
    pub id_full: bool,
    pub unit_name: String,
    pub host_unit_name: Option<String>,
    pub body_name: Option<String>,
    /// Posts and workload (the posts module); `None` when the posts module does not count
    /// the person (not on post in the unit).
    pub posts: Option<PersonPosts>,
    /// Statutory retirement (国务院关于渐进式延迟法定退休年龄的办法); `None` only when it
    /// cannot be computed.
    pub retirement: Option<Retirement>,
    /// Months from this month to the retirement month (negative: already past).
    pub months_to_retirement: Option<i64>,
    pub notices: Vec<MyNotice>,
    /// Dated history of the person (status, unit, body, post), oldest first.
    pub history: Vec<PersonEvent>,
    /// The unit's bodies (names of the history's bodies).
    pub bodies: Vec<BodyRef>,
}

/// A notice addressed to the person. Each source module adds its variant.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MyNotice {
    /// 分流通知书: the person is on an approved or applied downsizing plan.
    Downsizing {
        plan: PlanRecord,
        unit_name: String,
        line: Box<LineView>,
    },
}

/// Parsed person field of an account form: `Ok(None)` for empty.
type PersonField = Result<Option<PersonId>, FieldError>;

impl App {
    /// The person field of an account form: a person of `unit` not linked to another
    /// account than `except`.
    pub(crate) async fn parse_person_field(
        &self,
        actor: &Actor,
        unit: UnitId,
        raw: &str,
        except: Option<UserId>,
    ) -> PersonField {
        let raw = raw.trim();
        if raw.is_empty() {
            return Ok(None);
        }
        let bad = || FieldError::new("person_id", "choice_invalid");
        let id = raw
            .parse::<i64>()
            .ok()
            .filter(|i| *i > 0)
            .map(PersonId)
            .ok_or_else(bad)?;
        let p = self
            .store
            .get_person(actor.district_id, id)
            .await
            .ok()
            .flatten()
            .ok_or_else(bad)?;
        if p.unit_id != unit || !actor.sees_unit(p.district_id, unit) {
            return Err(bad());
        }
        let other = self
            .store
            .find_user_by_person(actor.district_id, id)
            .await
            .ok()
            .flatten();
        if other.is_some_and(|u| Some(u.id) != except) {
            return Err(FieldError::new("person_id", "person_linked"));
        }
        Ok(Some(id))
    }

    /// Links an account to its person, or unlinks it with an empty `person` (UsersManage,
    /// accounts the actor may see). District-level accounts cannot be linked.
    pub async fn link_user_person(&self, actor: &Actor, id: UserId, person: &str) -> AppResult<()> {
        self.require(actor, Action::UsersManage)?;
        let old = self.get_user(actor, id).await?;
        let new = match old.unit_id {
            Some(unit) => {
                self.parse_person_field(actor, unit, person, Some(id))
                    .await?
            }
            None if person.trim().is_empty() => None,
            None => return Err(AppError::field("person_id", "person_needs_unit")),
        };
        #[derive(Serialize)]
        struct Link {
            person_id: Option<PersonId>,
        }
        let audit = self
            .audit(actor)
            .unit(old.unit_id)
            .did(AuditAction::UserLinkPerson)
            .on(ObjectKind::User, id)
            .before(&Link {
                person_id: old.person_id,
            })
            .after(&Link { person_id: new });
        match self
            .store
            .set_user_person(actor.district_id, id, new, audit)
            .await
        {
            Err(StoreError::Conflict(Conflict::Unique(UniqueKey::Id))) => {
                Err(AppError::field("person_id", "person_linked"))
            }
            r => Ok(r?),
        }
    }

    /// The people an account of `unit` may be linked to, by name: (id, name, body or post).
    pub async fn linkable_people(
        &self,
        actor: &Actor,
        unit: UnitId,
    ) -> AppResult<Vec<(i64, String, String)>> {
        self.require_unit(actor, Action::UsersManage, unit).await?;
        let filter = crate::people::PeopleFilter {
            unit_id: Some(unit),
            home_only: true,
            ..Default::default()
        };
        let bodies = self.bodies_for(actor.district_id, unit).await;
        let mut out: Vec<(i64, String, String)> = self
            .store
            .export_people(actor.district_id, &filter)
            .await?
            .into_iter()
            .map(|p| {
                let body = p
                    .body_id
                    .and_then(|b| bodies.iter().find(|x| x.id == b))
                    .map(|b| b.name.clone())
                    .unwrap_or_default();
                let what = [body, p.post.clone()]
                    .into_iter()
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(" · ");
                (p.id, p.name, what)
            })
            .collect();
        out.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
        Ok(out)
    }

    /// The person an account is linked to, if it still fits (same unit).
    pub(crate) async fn linked_person(&self, actor: &Actor) -> AppResult<Option<PersonRecord>> {
        let Some(unit) = actor.unit_id else {
            return Ok(None);
        };
        let Some(user) = self
            .store
            .get_user(actor.district_id, actor.user_id)
            .await?
        else {
            return Ok(None);
        };
        let Some(pid) = user.person_id else {
            return Ok(None);
        };
        Ok(self
            .store
            .get_person(actor.district_id, pid)
            .await?
            .filter(|p| p.unit_id == unit && p.district_id == actor.district_id))
    }

    /// The signed-in user's own page (个人中心). Every role may open it (`Profile`); it
    /// shows only the person linked to the account.
    pub async fn my_center(&self, actor: &Actor) -> AppResult<MyCenter> {
        self.require(actor, Action::Profile)?;
        let Some(p) = self.linked_person(actor).await? else {
            return Ok(MyCenter { record: None });
        };
        let d = actor.district_id;
        let pid = PersonId(p.id);
        let sensitive = actor.can(Action::PeopleSensitive);
        let bodies = self.bodies_for(d, p.unit_id).await;
        let unit_name = self
            .store
            .get_unit(d, p.unit_id)
            .await?
            .map(|u| u.name)
            .unwrap_or_default();
        let host_unit_name = match p.host_unit_id {
            Some(h) => self.store.get_unit(d, h).await?.map(|u| u.name),
            None => None,
        };
        let posts = match self.person_posts_of(d, p.unit_id, pid).await {
            Ok(x) => Some(x),
            Err(AppError::NotFound) => None,
            Err(e) => return Err(e),
        };
        let retirement = statutory_retirement(
            YearMonth::of_date(p.birth_date),
            category_of(p.gender == "male", p.identity),
        );
        let now = YearMonth::of_date(self.people_today());
        let months_to_retirement = retirement.map(|r| now.months_until(r.retirement_month));
        let notices = self.my_notices(actor, &p).await?;
        let history = self.store.person_history(d, pid).await?;
        Ok(MyCenter {
            record: Some(MyRecord {
                id_shown: shown(&p.id_number, sensitive),
                id_full: sensitive,
                body_name: p
                    .body_id
                    .and_then(|b| bodies.iter().find(|x| x.id == b))
                    .map(|b| b.name.clone()),
                unit_name,
                host_unit_name,
                posts,
                retirement,
                months_to_retirement,
                notices,
                history,
                bodies,
                person: p,
            }),
        })
    }

    /// The notices addressed to a person, from every module that issues them, newest first.
    async fn my_notices(&self, actor: &Actor, p: &PersonRecord) -> AppResult<Vec<MyNotice>> {
        let mut out = self.downsizing_notices(actor, p).await?;
        // Appointment (任职) and appraisal-result (考核结果) notices: added here by the
        // selection and appraisal modules.
        out.sort_by_key(|n| match n {
            MyNotice::Downsizing { plan, .. } => std::cmp::Reverse(plan.effective),
        });
        Ok(out)
    }

    /// 分流通知书: approved or applied plans of the person's unit with a line for them.
    async fn downsizing_notices(
        &self,
        actor: &Actor,
        p: &PersonRecord,
    ) -> AppResult<Vec<MyNotice>> {
        let d = actor.district_id;
        let mut out = Vec::new();
        for plan in self.store.down_plans(d, Some(p.unit_id)).await? {
            if !matches!(plan.status, PlanStatus::Approved | PlanStatus::Applied) {
                continue;
            }
            let lines = self.store.down_lines(d, p.unit_id, plan.id).await?;
            if !lines.iter().any(|l| l.person_id == p.id) {
                continue;
            }
            let view = self.view_of(actor, p.unit_id, plan).await?;
            if let Some(line) = view.lines.into_iter().find(|l| l.line.person_id == p.id) {
                out.push(MyNotice::Downsizing {
                    plan: view.plan,
                    unit_name: view.unit_name,
                    line: Box::new(line),
                });
            }
        }
        Ok(out)
    }
}
