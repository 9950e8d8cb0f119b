//! The dashboard's figures (工作台): per unit the approved against the actual bodies,
//! middle posts and establishment, staff by identity, downsizing routes, each unit's
//! reform progress and what waits in the inbox; for a unit account also its workload
//! balance. Every figure comes from the use case of the module that owns it (the same
//! numbers as the module's own pages), and each part only when the actor may see it.
//!
//! **Kept on the audit head (issue 17).** The overview ([`App::dashboard`]) and the
//! figures ([`App::dashboard_figures`]) are kept per *scope* (district, unit, roles: all
//! of the actor they depend on) under a *version*: the district's audit head (`last_seq`
//! and `last_hash`, read with one statement per request) and the day in China time (the
//! structures, costs and loads are of today). The invariant that makes this exact:
//! **every write that changes a figure of the dashboard appends an audit row to its
//! district's chain in the same transaction** (the store's `commit_audited` / `append`),
//! so the head moves with every such write, by this process or another one (the command
//! line, a second server on the same database). The head is read *before* the figures, so
//! what is kept under a head is never older than the data that head stands for; with the
//! hash in the version, a rewound and re-written chain does not meet its old figures.
//! What the figures read and who writes it is listed in `docs/modules/inbox.md`
//! (section *Dashboard*): a new figure read from a table written without an audit row
//! must be read outside the kept part, or its version put into [`Stamp`].
//! Not kept: the actor's to-dos and each unit's count of them (the inbox's, read as
//! [`App::inbox_shared`] keeps them). At most [`DASH_KEPT_MAX`] scopes are kept; past it
//! the least recently used goes. A store without heads (the fake) keeps nothing.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use chrono::NaiveDate;

use rust_decimal::Decimal;
use serde::Serialize;

use jiguan_domain::auth::{Action, Actor, Role};
use jiguan_domain::downsizing::Route;
use jiguan_domain::people::{Identity, QuotaKind};
use jiguan_domain::tenancy::{DistrictId, UnitId};
use jiguan_domain::workflow::{ORG_PLANS, Status};

use crate::App;
use crate::AppResult;
use crate::inbox::Todo;
use crate::people::CostGroup;
use crate::ports::Unit;
use crate::tenancy::Dashboard;

/// An approved figure (`None`: not yet set) against the actual one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
pub struct Bar {
    pub approved: Option<i64>,
    pub actual: i64,
}

impl Bar {
    /// Whether the actual figure exceeds the approved one.
    pub fn over(&self) -> bool {
        self.approved.is_some_and(|a| self.actual > a)
    }
}

/// A step of a unit's reform (改革进度).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Progress {
    /// 机构限额已核定: the district set the unit's caps.
    Caps,
    /// 编制已核定: approved establishment set.
    Quotas,
    /// 机构改革方案已实施: a reorganisation plan applied.
    Structure,
    /// 中层职数已分配: the middle posts split over the bodies.
    Split,
    /// 岗位已设置: posts from work set up.
    Posts,
    /// 分流方案已实施: a downsizing plan applied.
    Downsizing,
}

impl Progress {
    pub const ALL: [Progress; 6] = [
        Progress::Caps,
        Progress::Quotas,
        Progress::Structure,
        Progress::Split,
        Progress::Posts,
        Progress::Downsizing,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Progress::Caps => "caps",
            Progress::Quotas => "quotas",
            Progress::Structure => "structure",
            Progress::Split => "split",
            Progress::Posts => "posts",
            Progress::Downsizing => "downsizing",
        }
    }
}

/// One unit's line.
#[derive(Debug, Clone, Serialize)]
pub struct UnitFigures {
    pub unit: Unit,
    /// Active bodies against the cap (机构数).
    pub bodies: Bar,
    /// Middle posts, chiefs and deputies, against their caps (中层职数).
    pub middle: Bar,
    /// Establishment held against approved (administrative, institution, service; 编制).
    pub establishment: Bar,
    /// Each reform step and whether it is done.
    pub progress: Vec<(Progress, bool)>,
    /// The actor's to-dos of this unit.
    pub pending: usize,
}

impl UnitFigures {
    pub fn done(&self) -> usize {
        self.progress.iter().filter(|(_, d)| *d).count()
    }
}

/// A unit's workload balance in short (工作量均衡).
#[derive(Debug, Clone, Serialize)]
pub struct BalanceFigures {
    pub people: i64,
    pub under: i64,
    pub normal: i64,
    pub over: i64,
    pub mean_fte: Decimal,
    pub cv: Option<Decimal>,
}

/// Everything the dashboard draws.
#[derive(Debug, Clone, Serialize)]
pub struct Figures {
    pub units: Vec<UnitFigures>,
    /// Staff on post or lent out by identity, counted at their home unit (`None`: the
    /// actor may not see people).
    pub identities: Option<Vec<(Identity, i64)>>,
    /// Downsizing lines of approved and applied plans by route, with the people cut and
    /// the staff base (`None`: the actor may not see downsizing).
    pub routes: Option<Vec<(Route, i64)>>,
    pub cut: i64,
    pub staff_base: i64,
    /// The unit account's workload balance.
    pub balance: Option<BalanceFigures>,
    /// The actor's to-dos (pending approvals for the district).
    pub todos: Vec<Todo>,
}

/// Scopes whose dashboard is kept at most.
pub const DASH_KEPT_MAX: usize = 1024;

/// Everything of the actor the overview and the figures depend on (not the account: the
/// to-dos, which are, are not kept here).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Scope {
    district: DistrictId,
    unit: Option<UnitId>,
    roles: Vec<Role>,
}

impl Scope {
    fn of(actor: &Actor) -> Self {
        let mut roles = actor.roles.clone();
        roles.sort();
        roles.dedup();
        Self {
            district: actor.district_id,
            unit: actor.unit_id,
            roles,
        }
    }
}

/// A version of a district's dashboard: its audit head and the day.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Version {
    seq: i64,
    hash: String,
    day: NaiveDate,
}

/// For whom and under which version a dashboard was read (see the module's text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Stamp {
    scope: Scope,
    version: Version,
}

/// One scope's dashboard as last read, under one version.
struct Kept {
    version: Version,
    used: u64,
    dashboard: Option<Dashboard>,
    /// Without to-dos (and each unit's `pending` 0).
    figures: Option<Arc<Figures>>,
}

/// The dashboards last read, per scope (see the module's text).
#[derive(Default)]
pub(crate) struct DashCache {
    /// A use counter (least recently used goes first) and the kept dashboards.
    kept: Mutex<(u64, HashMap<Scope, Kept>)>,
}

impl DashCache {
    /// `f` over the entry kept for `s` under its version, if any.
    fn read<T>(&self, s: &Stamp, f: impl FnOnce(&Kept) -> Option<T>) -> Option<T> {
        let mut g = self.kept.lock().ok()?;
        let (tick, map) = &mut *g;
        let k = map.get_mut(&s.scope).filter(|k| k.version == s.version)?;
        *tick += 1;
        k.used = *tick;
        f(k)
    }

    /// `f` over the entry of `s`'s scope, started afresh when it was of another version.
    fn write(&self, s: &Stamp, f: impl FnOnce(&mut Kept)) {
        let Ok(mut g) = self.kept.lock() else {
            return;
        };
        let (tick, map) = &mut *g;
        *tick += 1;
        if !map.contains_key(&s.scope)
            && map.len() >= DASH_KEPT_MAX
            && let Some(old) = map
                .iter()
                .min_by_key(|(_, k)| k.used)
                .map(|(scope, _)| scope.clone())
        {
            map.remove(&old);
        }
        let k = map.entry(s.scope.clone()).or_insert_with(|| Kept {
            version: s.version.clone(),
            used: 0,
            dashboard: None,
            figures: None,
        });
        if k.version != s.version {
            *k = Kept {
                version: s.version.clone(),
                used: 0,
                dashboard: None,
                figures: None,
            };
        }
        k.used = *tick;
        f(k);
    }

    pub(crate) fn dashboard(&self, s: &Stamp) -> Option<Dashboard> {
        self.read(s, |k| k.dashboard.clone())
    }

    pub(crate) fn put_dashboard(&self, s: &Stamp, d: &Dashboard) {
        self.write(s, |k| k.dashboard = Some(d.clone()));
    }

    fn figures(&self, s: &Stamp) -> Option<Arc<Figures>> {
        self.read(s, |k| k.figures.clone())
    }

    fn put_figures(&self, s: &Stamp, f: Arc<Figures>) {
        self.write(s, |k| k.figures = Some(f));
    }

    /// How many scopes are kept (tests).
    #[cfg(test)]
    fn len(&self) -> usize {
        self.kept.lock().map(|g| g.1.len()).unwrap_or(0)
    }
}

impl App {
    /// The stamp the actor's dashboard is kept under now: one statement (the district's
    /// audit head). `None` when the district has no head or the store keeps none.
    pub(crate) async fn dashboard_stamp(&self, actor: &Actor) -> AppResult<Option<Stamp>> {
        let day = self.org_today();
        Ok(self
            .store
            .audit_head(actor.district_id)
            .await?
            .map(|h| Stamp {
                scope: Scope::of(actor),
                version: Version {
                    seq: h.last_seq,
                    hash: h.last_hash,
                    day,
                },
            }))
    }

    /// The dashboard's figures for the actor: their district's units (a unit account: its
    /// own unit), the visible units of the overview `dash` ([`App::dashboard`]) so that the
    /// page reads the unit list once. `None` for an account that sees no unit figures
    /// (工作人员: their inbox). Kept with the overview under its stamp (the actor's
    /// scope and the district's audit head, see the module's text) when `dash` is the
    /// actor's own; the to-dos are the inbox's, read each time.
    pub async fn dashboard_figures(
        &self,
        actor: &Actor,
        dash: &Dashboard,
    ) -> AppResult<Option<Figures>> {
        self.require(actor, Action::Dashboard)?;
        let todos = self.inbox_shared(actor).await?.todos.clone();
        if !actor.can(Action::PeopleView) || !actor.can(Action::OrgView) {
            return Ok(None);
        }
        let me = Scope::of(actor);
        let stamp = dash.kept.as_ref().filter(|s| s.scope == me);
        let mut f = match stamp.and_then(|s| self.dashes.figures(s)) {
            Some(f) => (*f).clone(),
            None => {
                let f = self.read_figures(actor, dash).await?;
                // Kept only if the day did not turn while they were read.
                if let Some(s) = stamp
                    && s.version.day == self.org_today()
                {
                    self.dashes.put_figures(s, Arc::new(f.clone()));
                }
                f
            }
        };
        for u in &mut f.units {
            u.pending = todos.iter().filter(|x| x.unit_id == u.unit.id).count();
        }
        f.todos = todos;
        Ok(Some(f))
    }

    /// [`App::dashboard_figures`] read from the store, without the to-dos.
    async fn read_figures(&self, actor: &Actor, dash: &Dashboard) -> AppResult<Figures> {
        let d = actor.district_id;
        // The visible units once; each module's figures for all of them together, with a
        // fixed number of statements whatever the number of units and people.
        let visible: Vec<Unit> = dash
            .units
            .iter()
            .filter(|u| actor.sees_unit(u.district_id, u.id))
            .cloned()
            .collect();
        let org = self.units_totals(d, visible.clone()).await?;
        let est = self.establishment_counts(d, actor.unit_id).await?;
        let with_posts: BTreeSet<UnitId> = if actor.can(Action::PostsView) {
            self.store
                .post_totals(d)
                .await?
                .into_iter()
                .filter(|t| t.posts > 0)
                .map(|t| t.unit_id)
                .collect()
        } else {
            BTreeSet::new()
        };
        let plans = self.store.down_plans(d, None).await?;
        let down = if actor.can(Action::DownsizingView) {
            Some(
                self.down_units(actor, visible, &plans, est.occupancy())
                    .await?,
            )
        } else {
            None
        };
        let applied = |items: Vec<crate::inbox::FlowItem>| {
            items
                .into_iter()
                .map(|i| i.unit_id)
                .collect::<BTreeSet<_>>()
        };
        let org_applied = applied(
            self.store
                .flow_items(d, actor.unit_id, &ORG_PLANS, &[Status::Applied])
                .await?,
        );
        let down_applied: BTreeSet<UnitId> = plans
            .iter()
            .filter(|p| p.status == Status::Applied)
            .map(|p| p.unit_id)
            .collect();
        let mut units = Vec::new();
        for t in org {
            let (approved, held) = est
                .uses(t.unit.id)
                .iter()
                .filter(|k| k.kind != QuotaKind::Leadership)
                .fold((0, 0), |(a, o), k| (a + k.approved, o + k.occupied));
            let has_posts = with_posts.contains(&t.unit.id);
            let progress = vec![
                (Progress::Caps, t.caps.is_some()),
                (Progress::Quotas, approved > 0),
                (Progress::Structure, org_applied.contains(&t.unit.id)),
                (Progress::Split, t.phase.is_some()),
                (Progress::Posts, has_posts),
                (Progress::Downsizing, down_applied.contains(&t.unit.id)),
            ];
            units.push(UnitFigures {
                bodies: Bar {
                    approved: t.caps.as_ref().map(|c| c.max_bodies),
                    actual: t.active_bodies,
                },
                middle: Bar {
                    approved: t.caps.as_ref().map(|c| c.max_chiefs + c.max_deputies),
                    actual: t.chiefs + t.deputies,
                },
                establishment: Bar {
                    approved: (approved > 0).then_some(approved),
                    actual: held,
                },
                progress,
                pending: 0,
                unit: t.unit,
            });
        }
        let today = self.org_today();
        let mut identities: BTreeMap<Identity, i64> = BTreeMap::new();
        for (code, total) in self
            .store
            .cost_totals(d, actor.unit_id, today, CostGroup::Identity)
            .await?
        {
            if let Some(i) = Identity::from_code(&code) {
                *identities.entry(i).or_default() += total.headcount;
            }
        }
        let identities = Identity::ALL
            .iter()
            .copied()
            .map(|i| (i, identities.get(&i).copied().unwrap_or(0)))
            .collect();
        let (routes, cut, staff_base) = match &down {
            Some(dd) => {
                let mut by: BTreeMap<Route, i64> = BTreeMap::new();
                for u in &dd.units {
                    for (r, n) in &u.totals.by_route {
                        *by.entry(*r).or_default() += n;
                    }
                }
                (
                    Some(
                        Route::ALL
                            .iter()
                            .copied()
                            .map(|r| (r, by.get(&r).copied().unwrap_or(0)))
                            .collect(),
                    ),
                    dd.cut,
                    dd.units.iter().map(|u| u.totals.staff_base).sum(),
                )
            }
            None => (None, 0, 0),
        };
        let balance = match actor.unit_id {
            Some(u) if actor.can(Action::PostsView) => {
                let b = self.posts_balance_figures(actor, u).await?;
                let over = b.overloaded.len() as i64;
                let under = b.underloaded.len() as i64;
                let people = b.loads.len() as i64;
                Some(BalanceFigures {
                    people,
                    under,
                    over,
                    normal: people - under - over,
                    mean_fte: b.figures.mean,
                    cv: b.figures.cv,
                })
            }
            _ => None,
        };
        Ok(Figures {
            units,
            identities: Some(identities),
            routes,
            cut,
            staff_base,
            balance,
            todos: Vec::new(),
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    fn stamp(unit: i64, seq: i64) -> Stamp {
        Stamp {
            scope: Scope {
                district: DistrictId(1),
                unit: Some(UnitId(unit)),
                roles: vec![Role::UnitAdmin],
            },
            version: Version {
                seq,
                hash: format!("h{seq}"),
                day: NaiveDate::from_ymd_opt(2026, 12, 6).unwrap(),
            },
        }
    }

    fn figures(cut: i64) -> Arc<Figures> {
        Arc::new(Figures {
            units: Vec::new(),
            identities: None,
            routes: None,
            cut,
            staff_base: 0,
            balance: None,
            todos: Vec::new(),
        })
    }

    #[test]
    fn kept_under_one_version_per_scope_and_at_most_the_cap() {
        let c = DashCache::default();
        c.put_figures(&stamp(1, 5), figures(5));
        assert_eq!(c.figures(&stamp(1, 5)).map(|f| f.cut), Some(5));
        // Another version of the same scope: not the kept one, and replaces it.
        assert!(c.figures(&stamp(1, 6)).is_none());
        let mut other_hash = stamp(1, 5);
        other_hash.version.hash = "rewound".into();
        assert!(c.figures(&other_hash).is_none(), "same seq, other chain");
        let mut other_day = stamp(1, 5);
        other_day.version.day = other_day.version.day.succ_opt().unwrap();
        assert!(c.figures(&other_day).is_none(), "another day");
        c.put_figures(&stamp(1, 6), figures(6));
        assert!(c.figures(&stamp(1, 5)).is_none());
        assert_eq!(c.len(), 1);
        // Past the cap the least recently used scope goes.
        for u in 2..=DASH_KEPT_MAX as i64 {
            c.put_figures(&stamp(u, 1), figures(u));
        }
        assert_eq!(c.len(), DASH_KEPT_MAX);
        assert!(c.figures(&stamp(1, 6)).is_some(), "used: now the newest");
        c.put_figures(&stamp(0, 1), figures(0));
        assert_eq!(c.len(), DASH_KEPT_MAX);
        assert!(
            c.figures(&stamp(2, 1)).is_none(),
            "the least recently used went"
        );
        assert!(c.figures(&stamp(1, 6)).is_some());
        assert!(c.figures(&stamp(0, 1)).is_some());
    }
}
