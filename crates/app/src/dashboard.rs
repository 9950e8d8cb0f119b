//! The dashboard's figures (工作台): per unit the approved against the actual bodies,
//! middle posts and establishment, staff by identity, downsizing routes, each unit's
//! reform progress and what waits in the inbox; for a unit account also its workload
//! balance. Every figure comes from the use case of the module that owns it (the same
//! numbers as the module's own pages), and each part only when the actor may see it.

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;
use serde::Serialize;

use jiguan_domain::auth::{Action, Actor};
use jiguan_domain::downsizing::Route;
use jiguan_domain::people::{Identity, QuotaKind};
use jiguan_domain::tenancy::UnitId;
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

impl App {
    /// The dashboard's figures for the actor: their district's units (a unit account: its
    /// own unit), the visible units of the overview `dash` ([`App::dashboard`]) so that the
    /// page reads the unit list once. `None` for an account that sees no unit figures
    /// (工作人员: their inbox).
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
                pending: todos.iter().filter(|x| x.unit_id == t.unit.id).count(),
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
        Ok(Some(Figures {
            units,
            identities: Some(identities),
            routes,
            cut,
            staff_base,
            balance,
            todos,
        }))
    }
}
