//! The posts use cases: posts by body with need versus establishment, the post form, the
//! post and person pages, assignments, coverage, balance, suggestions and their
//! acceptance, and the district FTE and cost report.

use std::collections::BTreeMap;
use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use jiguan_domain::FieldError;
use jiguan_domain::auth::{Action, Actor};
use jiguan_domain::error::Errors;
use jiguan_domain::money::Money;
use jiguan_domain::org::FunctionItem;
use jiguan_domain::people::establishment::QuotaKind;
use jiguan_domain::people::person::parse_flag;
use jiguan_domain::people::{PersonId, Status, parse_opt_date};
use jiguan_domain::posts::assign::{
    Assignment, PersonFacts, PostFacts, Proposed, State, check_assignment, coverage,
};
use jiguan_domain::posts::balance::{Balance, PersonLoad, balance, loads};
use jiguan_domain::posts::suggest::{
    MoveKind, Proposal, ProposalError, Settings, Snapshot, apply_proposal, suggest,
};
use jiguan_domain::posts::workload::{BodyLoad, BodyNeed, body_needs, fte};
use jiguan_domain::posts::{AssignmentId, Education, ItemHours, PostForm, PostId, PostInput};
use jiguan_domain::rules::keys;
use jiguan_domain::tenancy::{DistrictId, UnitId};

use super::{AssignmentRecord, AssignmentWrite, HistoryOf, NewAssignment, PostRecord};
use crate::people::{CostGroup, PeopleFilter, PersonRecord, StatusFilter};
use crate::ports::{Conflict, StoreError, Unit};
use crate::{App, AppError, AppResult};
use jiguan_domain::audit::{AuditAction, ObjectKind};

/// A post's state of activity, as audited.
#[derive(Serialize)]
struct Active {
    active: bool,
}

/// An assignment ended, as audited.
#[derive(Serialize)]
struct Ended<'a> {
    end_date: NaiveDate,
    reason: &'a str,
}

/// A suggestion accepted, as audited.
#[derive(Serialize)]
struct Accepted {
    proposal: String,
}

/// Most steps of the suggestion engine per request.
pub const MAX_STEPS: usize = 20;
/// Longest end reason, in characters.
pub const REASON_MAX: usize = 200;

/// The policy parameters the module uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PostsParams {
    pub standard: i64,
    pub tolerance_pct: Decimal,
    pub overload: Decimal,
    pub underload: Decimal,
}

/// A holder of a post as shown.
#[derive(Debug, Clone, Serialize)]
pub struct HolderRow {
    pub assignment: AssignmentRecord,
    pub person_name: String,
    /// The hours of the post that fall to this holder.
    pub hours: Decimal,
}

/// A post as shown.
#[derive(Debug, Clone, Serialize)]
pub struct PostRow {
    pub post: PostRecord,
    pub body_name: String,
    pub hours: i64,
    pub fte: Decimal,
    pub holders: Vec<HolderRow>,
}

/// One body's line: need versus establishment and staff, and its posts.
#[derive(Debug, Clone, Serialize)]
pub struct BodyLine {
    pub body_id: i64,
    pub name: String,
    pub active: bool,
    pub need: BodyNeed,
    pub posts: Vec<PostRow>,
}

/// The posts of a unit by body (因岗定编).
#[derive(Debug, Clone, Serialize)]
pub struct PostsOverview {
    pub unit: Unit,
    pub params: PostsParams,
    pub bodies: Vec<BodyLine>,
    pub total_hours: i64,
    pub total_need: Decimal,
    pub total_staff: Decimal,
    pub total_establishment: i64,
    pub posts: i64,
    pub vacant: i64,
}

/// What the post form needs: the unit's active bodies and performed function items.
#[derive(Debug, Clone, Serialize)]
pub struct PostFormData {
    pub bodies: Vec<(i64, String)>,
    pub functions: Vec<FunctionItem>,
}

/// The post page.
#[derive(Debug, Clone, Serialize)]
pub struct PostPage {
    pub row: PostRow,
    /// (item id, code, title, hours).
    pub functions: Vec<(i64, String, String, i64)>,
    pub history: Vec<(AssignmentRecord, String)>,
    /// People on post who could be assigned: (id, name, open share total).
    pub candidates: Vec<(i64, String, i64)>,
}

/// A person's posts.
#[derive(Debug, Clone, Serialize)]
pub struct PersonPosts {
    pub person: PersonRecord,
    pub on_post: bool,
    pub load: Option<PersonLoad>,
    /// Open and ended assignments with the post title.
    pub history: Vec<(AssignmentRecord, String)>,
    /// Active posts: (id, title, body name).
    pub posts: Vec<(PostId, String, String)>,
    pub params: PostsParams,
}

/// Coverage (事事有人做、人人有事做).
#[derive(Debug, Clone, Serialize)]
pub struct CoverageView {
    pub vacant: Vec<PostRow>,
    pub idle: Vec<PersonRecord>,
    pub posts: i64,
    pub people: i64,
}

/// A load as shown.
#[derive(Debug, Clone, Serialize)]
pub struct LoadRow {
    pub load: PersonLoad,
    pub name: String,
    /// `over`, `under` or `normal`.
    pub class: &'static str,
}

/// The balance page: loads, figures, chart bins and proposals.
#[derive(Debug, Clone, Serialize)]
pub struct BalanceView {
    pub balance: Balance,
    pub rows: Vec<LoadRow>,
    pub proposals: Vec<Proposal>,
    /// The key of each proposal (to accept it) and of them all.
    pub keys: Vec<String>,
    pub all_keys: String,
    pub params: PostsParams,
}

/// One unit's line of the district FTE and cost report.
#[derive(Debug, Clone, Serialize)]
pub struct UnitFteLine {
    pub unit: Unit,
    pub posts: i64,
    pub hours: i64,
    pub need: Decimal,
    /// Approved establishment (administrative + institution + service).
    pub establishment: i64,
    /// Staff on post or lent out (headcount, people module).
    pub staff: i64,
    /// FTE deployed on posts (Σ open shares).
    pub assigned: Decimal,
    pub holders: i64,
    /// Annual personnel cost of the staff (people module's cost).
    pub cost: Money,
}

/// The district FTE and cost report.
#[derive(Debug, Clone, Serialize)]
pub struct DistrictFte {
    pub lines: Vec<UnitFteLine>,
    pub total: UnitFteLine,
    pub standard: i64,
}

/// An assignment as sent.
// (The assign form and the JSON body `AssignBody`.)
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = AssignBody))]
#[serde(default)]
pub struct AssignForm {
    pub post: String,
    pub person: String,
    pub share_pct: String,
    /// `1`/`true` for the main post.
    pub main: String,
    /// `1`/`true` when approved overtime lets shares exceed 100 %.
    pub overtime: String,
    /// Start date YYYY-MM-DD (blank: today).
    pub on: String,
}

// The end-of-assignment form and JSON body (`EndBody`; no description in the OpenAPI
// document).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = EndBody))]
#[serde(default)]
pub struct EndForm {
    pub on: String,
    pub reason: String,
}

/// The text key of a proposal: `kind:post:from:to:from_share:moved:hours:from_load:to_load`.
pub fn proposal_key(p: &Proposal) -> String {
    format!(
        "{}:{}:{}:{}:{}:{}:{}:{}:{}",
        p.kind.code(),
        p.post_id,
        p.from_person,
        p.to_person,
        p.from_share,
        p.moved_share,
        p.hours.round_dp(6),
        p.from_load.round_dp(6),
        p.to_load.round_dp(6)
    )
}

/// Parses a key back into a proposal (names and figures blank: only what
/// [`apply_proposal`] checks). Error: `proposal` `proposal_invalid`.
pub fn parse_proposal_key(key: &str) -> Result<Proposal, FieldError> {
    let bad = || FieldError::new("proposal", "proposal_invalid");
    let parts: Vec<&str> = key.trim().split(':').collect();
    let [kind, post, from, to, fs, ms, h, fl, tl] = parts.as_slice() else {
        return Err(bad());
    };
    let kind = match *kind {
        "share" => MoveKind::Share,
        "move" => MoveKind::Move,
        _ => return Err(bad()),
    };
    let int = |s: &str| s.parse::<i64>().map_err(|_| bad());
    let dec = |s: &str| Decimal::from_str(s).map_err(|_| bad());
    let blank = Snapshot {
        figures: Default::default(),
        from_fte: Decimal::ZERO,
        to_fte: Decimal::ZERO,
    };
    Ok(Proposal {
        kind,
        post_id: int(post)?,
        post_title: String::new(),
        from_person: int(from)?,
        from_name: String::new(),
        to_person: int(to)?,
        to_name: String::new(),
        from_share: int(fs)?,
        moved_share: int(ms)?,
        hours: dec(h)?,
        from_load: dec(fl)?,
        to_load: dec(tl)?,
        before: blank.clone(),
        after: blank,
        reason_zh: String::new(),
        reason_en: String::new(),
    })
}

fn store_err(e: StoreError) -> AppError {
    match e {
        StoreError::Conflict(Conflict::Assignment) => {
            AppError::field("assignment", "post_assignment_changed")
        }
        other => other.into(),
    }
}

fn violations(v: Vec<jiguan_domain::posts::assign::Violation>) -> AppError {
    AppError::Invalid(v.iter().map(|x| x.to_field_error()).collect())
}

/// Everything about a unit's posts the use cases read.
pub(crate) struct Loaded {
    pub state: State,
    pub posts: Vec<PostRecord>,
    pub people: Vec<PersonRecord>,
    pub open: Vec<AssignmentRecord>,
    pub bodies: BTreeMap<i64, (String, bool, i64)>,
}

impl Loaded {
    fn person_name(&self, id: i64) -> String {
        self.people
            .iter()
            .find(|p| p.id == id)
            .map(|p| p.name.clone())
            .unwrap_or_else(|| format!("#{id}"))
    }
    fn body_name(&self, id: i64) -> String {
        self.bodies
            .get(&id)
            .map(|b| b.0.clone())
            .unwrap_or_else(|| format!("#{id}"))
    }
    fn post_row(&self, p: &PostRecord, standard: i64) -> PostRow {
        let holders = self
            .open
            .iter()
            .filter(|a| a.post_id == p.id)
            .map(|a| HolderRow {
                assignment: a.clone(),
                person_name: self.person_name(a.person_id),
                hours: jiguan_domain::posts::balance::portion(&self.state, p.id.0, a.share_pct),
            })
            .collect();
        PostRow {
            post: p.clone(),
            body_name: self.body_name(p.body_id),
            hours: p.hours(),
            fte: fte(p.hours(), standard),
            holders,
        }
    }
}

/// The state the rules check, from stored rows.
pub fn state_of(
    unit: UnitId,
    posts: &[PostRecord],
    people: &[PersonRecord],
    open: &[AssignmentRecord],
    on: NaiveDate,
) -> State {
    State {
        posts: posts
            .iter()
            .map(|p| {
                (
                    p.id.0,
                    PostFacts {
                        id: p.id.0,
                        body_id: p.body_id,
                        title: p.title.clone(),
                        level: p.level,
                        kind: p.establishment,
                        min_education: p.min_education,
                        min_service_years: p.min_service_years,
                        active: p.active,
                        hours: p.hours(),
                    },
                )
            })
            .collect(),
        people: people
            .iter()
            .map(|p| {
                (
                    p.id,
                    PersonFacts {
                        id: p.id,
                        name: p.name.clone(),
                        establishment: p.establishment,
                        education: Education::of_text(&p.education),
                        work_start: p.work_start,
                        leader: p.leader,
                        on_post: matches!(p.status_at(unit), Status::OnPost | Status::BorrowedIn),
                    },
                )
            })
            .collect(),
        assignments: open
            .iter()
            .map(|a| Assignment {
                id: a.id.0,
                post_id: a.post_id.0,
                person_id: a.person_id,
                share_pct: a.share_pct,
                main: a.main,
                overtime: a.overtime,
            })
            .collect(),
        on,
    }
}

impl App {
    pub(crate) fn posts_today(&self) -> NaiveDate {
        crate::calc::china_today(self.clock.now())
    }

    /// The module's parameters in force for a unit.
    pub async fn posts_params(
        &self,
        district: DistrictId,
        unit: Option<UnitId>,
    ) -> AppResult<PostsParams> {
        let p = self.calc_params(district, unit).await?;
        Ok(PostsParams {
            standard: p.int(keys::STANDARD_ANNUAL_HOURS)?,
            tolerance_pct: p.decimal(keys::STAFFING_TOLERANCE_PCT)?,
            overload: p.decimal(keys::OVERLOAD_FTE)?,
            underload: p.decimal(keys::UNDERLOAD_FTE)?,
        })
    }

    pub(crate) async fn posts_load(&self, d: DistrictId, unit: UnitId) -> AppResult<Loaded> {
        let today = self.posts_today();
        let posts = self.store.list_posts(d, unit).await?;
        let people = self
            .store
            .export_people(
                d,
                &PeopleFilter {
                    unit_id: Some(unit),
                    status: Some(StatusFilter::All),
                    ..PeopleFilter::default()
                },
            )
            .await?;
        let open = self.store.open_assignments(d, Some(unit)).await?;
        let structure = self.store.load_structure(d, unit, today).await?;
        let quotas = self.store.list_quotas(d, Some(unit)).await?;
        let mut bodies: BTreeMap<i64, (String, bool, i64)> = BTreeMap::new();
        for b in self.store.list_bodies(d, unit, None).await? {
            bodies.insert(b.id.0, (b.name, b.status.is_active(), 0));
        }
        for b in &structure.bodies {
            let quota: i64 = quotas
                .iter()
                .filter(|q| q.body_id == Some(b.id.0) && q.kind != QuotaKind::Leadership)
                .map(|q| q.approved)
                .sum();
            if let Some(e) = bodies.get_mut(&b.id.0) {
                e.2 = if b.establishment > 0 {
                    b.establishment
                } else {
                    quota
                };
            }
        }
        let state = state_of(unit, &posts, &people, &open, today);
        Ok(Loaded {
            state,
            posts,
            people,
            open,
            bodies,
        })
    }

    /// Posts by body with need versus establishment and staff (因岗定编).
    pub async fn posts_overview(&self, actor: &Actor, unit: UnitId) -> AppResult<PostsOverview> {
        let u = self
            .require_unit_record(actor, Action::PostsView, unit)
            .await?;
        let d = actor.district_id;
        let params = self.posts_params(d, Some(unit)).await?;
        let l = self.posts_load(d, unit).await?;
        let mut ids: Vec<i64> = l
            .bodies
            .iter()
            .filter(|(_, b)| b.1)
            .map(|(id, _)| *id)
            .collect();
        for p in &l.posts {
            if !ids.contains(&p.body_id) {
                ids.push(p.body_id);
            }
        }
        let loads: Vec<BodyLoad> = ids
            .iter()
            .map(|b| BodyLoad {
                body_id: *b,
                establishment: l.bodies.get(b).map(|x| x.2).filter(|e| *e > 0),
                post_hours: l
                    .posts
                    .iter()
                    .filter(|p| p.body_id == *b && p.active)
                    .map(PostRecord::hours)
                    .collect(),
                shares: l
                    .open
                    .iter()
                    .filter(|a| {
                        l.state
                            .posts
                            .get(&a.post_id.0)
                            .is_some_and(|p| p.body_id == *b)
                    })
                    .map(|a| (a.person_id, a.share_pct))
                    .collect(),
            })
            .collect();
        let needs = body_needs(&loads, params.standard, params.tolerance_pct);
        let bodies: Vec<BodyLine> = needs
            .into_iter()
            .map(|n| BodyLine {
                body_id: n.body_id,
                name: l.body_name(n.body_id),
                active: l.bodies.get(&n.body_id).is_some_and(|b| b.1),
                posts: l
                    .posts
                    .iter()
                    .filter(|p| p.body_id == n.body_id)
                    .map(|p| l.post_row(p, params.standard))
                    .collect(),
                need: n,
            })
            .collect();
        let active: Vec<&PostRecord> = l.posts.iter().filter(|p| p.active).collect();
        let total_hours: i64 = active.iter().map(|p| p.hours()).sum();
        Ok(PostsOverview {
            unit: u,
            total_need: fte(total_hours, params.standard),
            total_staff: bodies.iter().map(|b| b.need.staff).sum(),
            total_establishment: bodies.iter().filter_map(|b| b.need.establishment).sum(),
            posts: active.len() as i64,
            vacant: coverage(&l.state).vacant_posts.len() as i64,
            total_hours,
            bodies,
            params,
        })
    }

    /// The bodies and function items the post form offers.
    pub async fn post_form_data(&self, actor: &Actor, unit: UnitId) -> AppResult<PostFormData> {
        self.require_unit(actor, Action::PostsView, unit).await?;
        let d = actor.district_id;
        let s = self
            .store
            .load_structure(d, unit, self.posts_today())
            .await?;
        Ok(PostFormData {
            bodies: s
                .bodies
                .iter()
                .filter(|b| b.is_active())
                .map(|b| (b.id.0, b.name.clone()))
                .collect(),
            functions: s
                .functions
                .into_iter()
                .filter(FunctionItem::performed)
                .collect(),
        })
    }

    async fn parse_post(&self, actor: &Actor, unit: UnitId, f: &PostForm) -> AppResult<PostInput> {
        let data = self.post_form_data(actor, unit).await?;
        let bodies: Vec<i64> = data.bodies.iter().map(|b| b.0).collect();
        let functions: Vec<i64> = data.functions.iter().map(|f| f.id.0).collect();
        Ok(PostInput::parse(f, &bodies, &functions)?)
    }

    /// Creates a post (因事定岗).
    pub async fn create_post(
        &self,
        actor: &Actor,
        unit: UnitId,
        f: &PostForm,
    ) -> AppResult<PostId> {
        self.require_unit(actor, Action::PostsManage, unit).await?;
        let input = self.parse_post(actor, unit, f).await?;
        let audit = self
            .audit(actor)
            .unit(unit)
            .did(AuditAction::PostCreate)
            .on(ObjectKind::Post, "")
            .after(&input);
        Ok(self
            .store
            .create_post(actor.district_id, unit, &input, audit.at, audit)
            .await?)
    }

    /// Replaces a post's definition and items (its workload).
    pub async fn update_post(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: PostId,
        f: &PostForm,
    ) -> AppResult<()> {
        self.require_unit(actor, Action::PostsManage, unit).await?;
        let d = actor.district_id;
        let before = self
            .store
            .get_post(d, unit, id)
            .await?
            .ok_or(AppError::NotFound)?;
        let input = self.parse_post(actor, unit, f).await?;
        let audit = self
            .audit(actor)
            .unit(unit)
            .did(AuditAction::PostUpdate)
            .on(ObjectKind::Post, id)
            .before(&before)
            .after(&input);
        Ok(self
            .store
            .update_post(d, unit, id, &input, audit.at, audit)
            .await?)
    }

    /// The form of an existing post.
    pub async fn post_form(&self, actor: &Actor, unit: UnitId, id: PostId) -> AppResult<PostForm> {
        self.require_unit(actor, Action::PostsView, unit).await?;
        let p = self
            .store
            .get_post(actor.district_id, unit, id)
            .await?
            .ok_or(AppError::NotFound)?
            .def;
        Ok(PostForm {
            body: p.body_id.to_string(),
            title: p.title,
            level: p.level.code().into(),
            establishment: p.establishment.code().into(),
            min_education: p
                .min_education
                .map(|e| e.code().to_string())
                .unwrap_or_default(),
            min_service_years: p.min_service_years.to_string(),
            other_requirements: p.other_requirements,
            functions: p
                .functions
                .iter()
                .map(|(f, h)| ItemHours::new(f.to_string(), h.to_string()))
                .collect(),
        })
    }

    /// Deactivates (ending its open assignments today) or reactivates a post.
    pub async fn set_post_active(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: PostId,
        active: bool,
    ) -> AppResult<()> {
        self.require_unit(actor, Action::PostsManage, unit).await?;
        let d = actor.district_id;
        let p = self
            .store
            .get_post(d, unit, id)
            .await?
            .ok_or(AppError::NotFound)?;
        let audit = self
            .audit(actor)
            .unit(unit)
            .did(if active {
                AuditAction::PostActivate
            } else {
                AuditAction::PostDeactivate
            })
            .on(ObjectKind::Post, id)
            .before(&Active { active: p.active })
            .after(&Active { active });
        self.store
            .set_post_active(
                d,
                unit,
                id,
                active,
                self.posts_today(),
                &actor.username,
                self.clock.now(),
                audit,
            )
            .await
            .map_err(store_err)
    }

    /// The post page: definition, items, holders, history and who could be assigned.
    pub async fn post_page(&self, actor: &Actor, unit: UnitId, id: PostId) -> AppResult<PostPage> {
        self.require_unit(actor, Action::PostsView, unit).await?;
        let d = actor.district_id;
        let params = self.posts_params(d, Some(unit)).await?;
        let l = self.posts_load(d, unit).await?;
        let post = l
            .posts
            .iter()
            .find(|p| p.id == id)
            .ok_or(AppError::NotFound)?;
        let s = self
            .store
            .load_structure(d, unit, self.posts_today())
            .await?;
        let functions = post
            .functions
            .iter()
            .map(|(f, h)| {
                let item = s.functions.iter().find(|x| x.id.0 == *f);
                (
                    *f,
                    item.map(|x| x.code.clone()).unwrap_or_default(),
                    item.map(|x| x.title.clone())
                        .unwrap_or_else(|| format!("#{f}")),
                    *h,
                )
            })
            .collect();
        let history = self
            .store
            .assignment_history(d, unit, HistoryOf::Post(id))
            .await?
            .into_iter()
            .map(|a| {
                let n = l.person_name(a.person_id);
                (a, n)
            })
            .collect();
        let candidates = l
            .state
            .people
            .values()
            .filter(|p| p.on_post)
            .map(|p| (p.id, p.name.clone(), l.state.total_share(p.id)))
            .collect();
        Ok(PostPage {
            row: l.post_row(post, params.standard),
            functions,
            history,
            candidates,
        })
    }

    /// A person's posts and load, with the posts they could be given.
    pub async fn person_posts(
        &self,
        actor: &Actor,
        unit: UnitId,
        person: PersonId,
    ) -> AppResult<PersonPosts> {
        self.require_unit(actor, Action::PostsView, unit).await?;
        self.person_posts_of(actor.district_id, unit, person).await
    }

    /// A person's posts and load without the role check: for [`App::person_posts`] and the
    /// person's own page (个人中心), which check access themselves.
    pub(crate) async fn person_posts_of(
        &self,
        d: jiguan_domain::tenancy::DistrictId,
        unit: UnitId,
        person: PersonId,
    ) -> AppResult<PersonPosts> {
        let params = self.posts_params(d, Some(unit)).await?;
        let l = self.posts_load(d, unit).await?;
        let p = l
            .people
            .iter()
            .find(|p| p.id == person.0)
            .cloned()
            .ok_or(AppError::NotFound)?;
        let b = balance(&l.state, params.standard, params.underload, params.overload);
        let title = |id: PostId| {
            l.posts
                .iter()
                .find(|p| p.id == id)
                .map(|p| p.title.clone())
                .unwrap_or_default()
        };
        let history = self
            .store
            .assignment_history(d, unit, HistoryOf::Person(person.0))
            .await?
            .into_iter()
            .map(|a| {
                let t = title(a.post_id);
                (a, t)
            })
            .collect();
        Ok(PersonPosts {
            on_post: l.state.people.get(&person.0).is_some_and(|x| x.on_post),
            load: b.loads.into_iter().find(|x| x.person_id == person.0),
            history,
            posts: l
                .posts
                .iter()
                .filter(|p| p.active)
                .map(|x| (x.id, x.title.clone(), l.body_name(x.body_id)))
                .collect(),
            person: p,
            params,
        })
    }

    /// Assigns a person to a post (因编定人), checking every rule against the current
    /// state and reporting all violations at once. Returns the assignment id.
    pub async fn assign_post(
        &self,
        actor: &Actor,
        unit: UnitId,
        f: &AssignForm,
    ) -> AppResult<AssignmentId> {
        self.require_unit(actor, Action::PostsManage, unit).await?;
        let d = actor.district_id;
        let mut errs = Errors::new();
        let int = |field: &str, s: &str| {
            s.trim().parse::<i64>().map_err(|_| {
                FieldError::new(
                    field,
                    if s.trim().is_empty() {
                        "required"
                    } else {
                        "integer_invalid"
                    },
                )
            })
        };
        let post = errs.take(int("post", &f.post));
        let person = errs.take(int("person", &f.person));
        let share = errs.take(int("share_pct", &f.share_pct));
        let main = errs.take(parse_flag("main", &f.main));
        let overtime = errs.take(parse_flag("overtime", &f.overtime));
        let on = errs.take(parse_opt_date("on", &f.on));
        let today = self.posts_today();
        if let Some(Some(on)) = on
            && on > today
        {
            errs.push(FieldError::new("on", "date_future"));
        }
        errs.into_result()?;
        let (Some(post), Some(person), Some(share), Some(main), Some(overtime), Some(on)) =
            (post, person, share, main, overtime, on)
        else {
            return Err(AppError::field("post", "required"));
        };
        let l = self.posts_load(d, unit).await?;
        let p = Proposed {
            post_id: post,
            person_id: person,
            share_pct: share,
            main,
            overtime,
        };
        let v = check_assignment(&l.state, &p);
        if !v.is_empty() {
            return Err(violations(v));
        }
        let new = NewAssignment {
            post_id: PostId(post),
            person_id: person,
            share_pct: share,
            main,
            overtime,
        };
        let audit = self
            .audit(actor)
            .unit(unit)
            .did(AuditAction::PostAssign)
            .on(ObjectKind::PostAssignment, "")
            .after(&new);
        let ids = self
            .store
            .write_assignments(
                d,
                unit,
                &AssignmentWrite {
                    end: Vec::new(),
                    create: vec![new],
                    on: Some(on.unwrap_or(today)),
                    reason: String::new(),
                    by: actor.username.clone(),
                    at: self.clock.now(),
                },
                vec![audit],
            )
            .await
            .map_err(store_err)?;
        ids.first().copied().ok_or(AppError::NotFound)
    }

    /// Ends an open assignment.
    pub async fn end_assignment(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: AssignmentId,
        f: &EndForm,
    ) -> AppResult<()> {
        self.require_unit(actor, Action::PostsManage, unit).await?;
        let d = actor.district_id;
        let mut errs = Errors::new();
        let on = errs.take(parse_opt_date("on", &f.on)).flatten();
        let reason = f.reason.trim().to_string();
        if reason.chars().count() > REASON_MAX {
            errs.push(FieldError::new("reason", "too_long").with("max", REASON_MAX));
        }
        errs.into_result()?;
        let open = self.store.open_assignments(d, Some(unit)).await?;
        let a = open.iter().find(|a| a.id == id).ok_or(AppError::NotFound)?;
        let on = on.unwrap_or_else(|| self.posts_today());
        if on < a.start_date {
            return Err(AppError::field("on", "post_end_before_start"));
        }
        let audit = self
            .audit(actor)
            .unit(unit)
            .did(AuditAction::PostUnassign)
            .on(ObjectKind::PostAssignment, id)
            .before(a)
            .after(&Ended {
                end_date: on,
                reason: &reason,
            });
        self.store
            .write_assignments(
                d,
                unit,
                &AssignmentWrite {
                    end: vec![id],
                    create: Vec::new(),
                    on: Some(on),
                    reason,
                    by: actor.username.clone(),
                    at: self.clock.now(),
                },
                vec![audit],
            )
            .await
            .map_err(store_err)?;
        Ok(())
    }

    /// Coverage: active posts without a holder, people on post without a post.
    pub async fn posts_coverage(&self, actor: &Actor, unit: UnitId) -> AppResult<CoverageView> {
        self.require_unit(actor, Action::PostsView, unit).await?;
        let d = actor.district_id;
        let params = self.posts_params(d, Some(unit)).await?;
        let l = self.posts_load(d, unit).await?;
        let c = coverage(&l.state);
        Ok(CoverageView {
            vacant: l
                .posts
                .iter()
                .filter(|p| c.vacant_posts.contains(&p.id.0))
                .map(|p| l.post_row(p, params.standard))
                .collect(),
            idle: l
                .people
                .iter()
                .filter(|p| c.idle_people.contains(&p.id))
                .cloned()
                .collect(),
            posts: l.posts.iter().filter(|p| p.active).count() as i64,
            people: l.state.people.values().filter(|p| p.on_post).count() as i64,
        })
    }

    /// Workload balance with the suggestions (苦乐不均).
    /// The unit's workload balance alone (the dashboard's figures): from four integers per
    /// open assignment ([`crate::posts::PostsStore::load_parts`]: holder, post hours, share, the post's
    /// share sum), not the unit's posts and assignments; each person's load added up in
    /// Rust in assignment order (exact decimals, as the domain's `balance`; SQLite has no
    /// decimal type), so the same [`Balance`] as [`App::posts_balance`]'s.
    pub async fn posts_balance_figures(&self, actor: &Actor, unit: UnitId) -> AppResult<Balance> {
        self.require_unit(actor, Action::PostsView, unit).await?;
        let d = actor.district_id;
        let params = self.posts_params(d, Some(unit)).await?;
        let parts = self.store.load_parts(d, unit).await?;
        Ok(jiguan_domain::posts::balance::balance_of(
            &parts,
            params.standard,
            params.underload,
            params.overload,
        ))
    }

    pub async fn posts_balance(&self, actor: &Actor, unit: UnitId) -> AppResult<BalanceView> {
        self.require_unit(actor, Action::PostsView, unit).await?;
        let d = actor.district_id;
        let params = self.posts_params(d, Some(unit)).await?;
        let l = self.posts_load(d, unit).await?;
        let b = balance(&l.state, params.standard, params.underload, params.overload);
        let rows = b
            .loads
            .iter()
            .map(|x| LoadRow {
                load: x.clone(),
                name: l.person_name(x.person_id),
                class: if b.overloaded.contains(&x.person_id) {
                    "over"
                } else if b.underloaded.contains(&x.person_id) {
                    "under"
                } else {
                    "normal"
                },
            })
            .collect();
        let proposals = suggest(
            &l.state,
            &Settings {
                standard: params.standard,
                underload: params.underload,
                overload: params.overload,
                max_steps: MAX_STEPS,
            },
        );
        let keys: Vec<String> = proposals.iter().map(proposal_key).collect();
        Ok(BalanceView {
            balance: b,
            rows,
            all_keys: keys.join(";"),
            keys,
            proposals,
            params,
        })
    }

    /// Accepts proposals (one key, or several separated by `;`, applied in order). Each is
    /// re-validated against the current state; a stale one (the state changed since it was
    /// computed) refuses the whole request with `proposal` `post_proposal_stale` (`{n}`:
    /// its position), a rule broken with the violations. All changes and one audit row
    /// per proposal are written in one transaction. Returns how many were applied.
    pub async fn accept_proposals(
        &self,
        actor: &Actor,
        unit: UnitId,
        keys: &str,
    ) -> AppResult<usize> {
        self.require_unit(actor, Action::PostsManage, unit).await?;
        let d = actor.district_id;
        let parsed: Vec<Proposal> = keys
            .split(';')
            .filter(|k| !k.trim().is_empty())
            .map(parse_proposal_key)
            .collect::<Result<_, _>>()?;
        if parsed.is_empty() {
            return Err(AppError::field("proposal", "required"));
        }
        let l = self.posts_load(d, unit).await?;
        let mut cur = l.state.clone();
        let mut sim = -1;
        let mut audits = Vec::new();
        for (i, p) in parsed.iter().enumerate() {
            match apply_proposal(&cur, p, &mut sim) {
                Ok(next) => {
                    audits.push(
                        self.audit(actor)
                            .unit(unit)
                            .did(AuditAction::PostProposalAccept)
                            .on(ObjectKind::Post, p.post_id)
                            .after(&Accepted {
                                proposal: proposal_key(p),
                            }),
                    );
                    cur = next;
                }
                Err(ProposalError::Stale) => {
                    return Err(AppError::Invalid(vec![
                        FieldError::new("proposal", "post_proposal_stale").with("n", i + 1),
                    ]));
                }
                Err(ProposalError::Violations(v)) => return Err(violations(v)),
            }
        }
        let before: Vec<i64> = l.state.assignments.iter().map(|a| a.id).collect();
        let after: Vec<i64> = cur.assignments.iter().map(|a| a.id).collect();
        let end: Vec<AssignmentId> = before
            .iter()
            .copied()
            .filter(|id| !after.contains(id))
            .map(AssignmentId)
            .collect();
        let create: Vec<NewAssignment> = cur
            .assignments
            .iter()
            .filter(|a| a.id < 0)
            .map(|a| NewAssignment {
                post_id: PostId(a.post_id),
                person_id: a.person_id,
                share_pct: a.share_pct,
                main: a.main,
                overtime: a.overtime,
            })
            .collect();
        self.store
            .write_assignments(
                d,
                unit,
                &AssignmentWrite {
                    end,
                    create,
                    on: Some(self.posts_today()),
                    reason: "workload rebalance (岗位均衡调整)".into(),
                    by: actor.username.clone(),
                    at: self.clock.now(),
                },
                audits,
            )
            .await
            .map_err(store_err)?;
        Ok(parsed.len())
    }

    /// The district FTE and cost report: per unit the FTE need, establishment, staff,
    /// FTE deployed and personnel cost (the people module's cost on today's date).
    pub async fn posts_district(&self, actor: &Actor) -> AppResult<DistrictFte> {
        self.require(actor, Action::PostsView)?;
        let d = actor.district_id;
        let params = self.posts_params(d, None).await?;
        let units = self.visible_units(actor).await?;
        let totals = self.store.post_totals(d).await?;
        let unit_filter = actor.unit_id;
        let costs = self
            .store
            .cost_totals(d, unit_filter, self.posts_today(), CostGroup::Unit)
            .await?;
        let quotas = self.store.list_quotas(d, unit_filter).await?;
        let mut lines = Vec::new();
        for u in units {
            let t = totals
                .iter()
                .find(|t| t.unit_id == u.id)
                .cloned()
                .unwrap_or(super::UnitPostTotals {
                    unit_id: u.id,
                    posts: 0,
                    hours: 0,
                    share_sum: 0,
                    holders: 0,
                });
            let c = costs
                .iter()
                .find(|(k, _)| *k == u.id.0.to_string())
                .map(|(_, t)| *t)
                .unwrap_or_default();
            let establishment = quotas
                .iter()
                .filter(|q| {
                    q.unit_id == u.id && q.body_id.is_none() && q.kind != QuotaKind::Leadership
                })
                .map(|q| q.approved)
                .sum();
            lines.push(UnitFteLine {
                posts: t.posts,
                hours: t.hours,
                need: fte(t.hours, params.standard),
                establishment,
                staff: c.headcount,
                assigned: Decimal::from(t.share_sum) / Decimal::from(100),
                holders: t.holders,
                cost: c.cost.total(),
                unit: u,
            });
        }
        let total = UnitFteLine {
            unit: Unit {
                id: UnitId(0),
                district_id: d,
                code: String::new(),
                name: String::new(),
                kind: jiguan_domain::tenancy::UnitKind::Town,
                active: true,
            },
            posts: lines.iter().map(|l| l.posts).sum(),
            hours: lines.iter().map(|l| l.hours).sum(),
            need: fte(lines.iter().map(|l| l.hours).sum(), params.standard),
            establishment: lines.iter().map(|l| l.establishment).sum(),
            staff: lines.iter().map(|l| l.staff).sum(),
            assigned: lines.iter().map(|l| l.assigned).sum(),
            holders: lines.iter().map(|l| l.holders).sum(),
            cost: Money(lines.iter().map(|l| l.cost.0).sum()),
        };
        Ok(DistrictFte {
            lines,
            total,
            standard: params.standard,
        })
    }
}

/// Loads in hours of a state (re-exported for reports).
pub fn state_loads(s: &State) -> BTreeMap<i64, Decimal> {
    loads(s)
}
