//! Districts and units (区, 镇/街道), and the dashboard figures.

use serde::Serialize;

use jiguan_domain::audit::{AuditAction, ObjectKind};
use jiguan_domain::auth::{Action, Actor};
use jiguan_domain::tenancy::{UnitId, UnitInput};

use crate::ports::{District, ListQuery, Page, Unit, UnitSummary, UserFilter};
use crate::{App, AppError, AppResult};

/// What the dashboard (工作台) shows.
#[derive(Debug, Clone, Serialize)]
pub struct Dashboard {
    pub district: District,
    /// The actor's own unit, for unit accounts.
    pub unit: Option<Unit>,
    pub unit_count: i64,
    pub town_count: i64,
    pub subdistrict_count: i64,
    pub user_count: i64,
    pub audit_count: i64,
    /// The units the actor sees, in the district's order: read once for the overview and
    /// handed to [`App::dashboard_figures`] (not shown as such).
    #[serde(skip)]
    pub units: Vec<Unit>,
    /// For whom and under which version of the district's data it was read, so that
    /// [`App::dashboard_figures`] keeps its figures under the same (`None`: not kept).
    #[serde(skip)]
    pub(crate) kept: Option<crate::dashboard::Stamp>,
}

impl App {
    /// The dashboard's overview for the actor. Kept with the figures
    /// ([`App::dashboard_figures`]) under the district's audit head: one statement
    /// reads the head, and while it and the day stay the same the overview kept for the
    /// actor's scope (district, unit, roles) is the answer (see [`crate::dashboard`]).
    pub async fn dashboard(&self, actor: &Actor) -> AppResult<Dashboard> {
        self.require(actor, Action::Dashboard)?;
        let stamp = self.dashboard_stamp(actor).await?;
        if let Some(d) = stamp.as_ref().and_then(|s| self.dashes.dashboard(s)) {
            return Ok(d);
        }
        let mut d = self.read_dashboard(actor).await?;
        d.kept = stamp;
        if let Some(s) = &d.kept {
            self.dashes.put_dashboard(s, &d);
        }
        Ok(d)
    }

    /// [`App::dashboard`] read from the store.
    async fn read_dashboard(&self, actor: &Actor) -> AppResult<Dashboard> {
        let district = self
            .store
            .get_district(actor.district_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let all = ListQuery {
            per_page: Some(ListQuery::MAX_PER_PAGE),
            ..ListQuery::default()
        };
        let units = self.store.list_units(actor.district_id, &all).await?;
        let visible: Vec<Unit> = units
            .items
            .iter()
            .map(|u| &u.unit)
            .filter(|u| actor.sees_unit(u.district_id, u.id))
            .cloned()
            .collect();
        let unit = match actor.unit_id {
            Some(id) => match units.items.iter().find(|u| u.unit.id == id) {
                Some(u) => Some(u.unit.clone()),
                None => self.store.get_unit(actor.district_id, id).await?,
            },
            None => None,
        };
        let kind_count = |k| visible.iter().filter(|u| u.kind == k).count() as i64;
        let filter = UserFilter {
            unit_id: actor.unit_id,
            ..UserFilter::default()
        };
        let user_count = self.store.count_users(actor.district_id, &filter).await?;
        let audit_count = if actor.can(Action::AuditView) {
            let f = crate::ports::AuditFilter {
                scope: crate::ports::LogScope {
                    unit_id: actor.unit_id,
                    ..Default::default()
                },
                ..Default::default()
            };
            self.store.count_audit(actor.district_id, &f).await?
        } else {
            0
        };
        Ok(Dashboard {
            district,
            unit,
            unit_count: visible.len() as i64,
            town_count: kind_count(jiguan_domain::tenancy::UnitKind::Town),
            subdistrict_count: kind_count(jiguan_domain::tenancy::UnitKind::Subdistrict),
            user_count,
            audit_count,
            units: visible,
            kept: None,
        })
    }

    /// The units of the actor's district (district view).
    pub async fn list_units(&self, actor: &Actor, q: &ListQuery) -> AppResult<Page<UnitSummary>> {
        self.require(actor, Action::UnitsList)?;
        Ok(self.store.list_units(actor.district_id, q).await?)
    }

    /// The units an actor may see, for menus and filters.
    pub async fn visible_units(&self, actor: &Actor) -> AppResult<Vec<Unit>> {
        let all = ListQuery {
            per_page: Some(ListQuery::MAX_PER_PAGE),
            ..ListQuery::default()
        };
        let units = self.store.list_units(actor.district_id, &all).await?;
        Ok(units
            .items
            .into_iter()
            .map(|s| s.unit)
            .filter(|u| actor.sees_unit(u.district_id, u.id))
            .collect())
    }

    /// How many accounts belong to a unit the actor may see (the figure the dashboard shows).
    pub async fn unit_user_count(&self, actor: &Actor, id: UnitId) -> AppResult<i64> {
        self.require_unit(actor, Action::UnitView, id).await?;
        let filter = UserFilter {
            unit_id: Some(id),
            ..UserFilter::default()
        };
        let one = ListQuery {
            per_page: Some(1),
            ..ListQuery::default()
        };
        Ok(self
            .store
            .list_users(actor.district_id, &filter, &one)
            .await?
            .total)
    }

    pub async fn get_unit(&self, actor: &Actor, id: UnitId) -> AppResult<Unit> {
        self.require_unit_record(actor, Action::UnitView, id).await
    }

    pub async fn create_unit(
        &self,
        actor: &Actor,
        code: &str,
        name: &str,
        kind: &str,
    ) -> AppResult<UnitId> {
        self.require(actor, Action::UnitManage)?;
        let input = UnitInput::parse(code, name, kind)?;
        let audit = self
            .audit(actor)
            .did(AuditAction::UnitCreate)
            .on(ObjectKind::Unit, &input.code)
            .after(&input);
        Ok(self
            .store
            .create_unit(actor.district_id, &input, audit)
            .await?)
    }

    pub async fn update_unit(
        &self,
        actor: &Actor,
        id: UnitId,
        code: &str,
        name: &str,
        kind: &str,
        active: bool,
    ) -> AppResult<()> {
        let old = self
            .require_unit_record(actor, Action::UnitManage, id)
            .await?;
        let input = UnitInput::parse(code, name, kind)?;
        let new = Unit {
            code: input.code.clone(),
            name: input.name.clone(),
            kind: input.kind,
            active,
            ..old.clone()
        };
        let audit = self
            .audit(actor)
            .unit(id)
            .did(AuditAction::UnitUpdate)
            .on(ObjectKind::Unit, id)
            .before(&old)
            .after(&new);
        Ok(self
            .store
            .update_unit(actor.district_id, id, &input, active, audit)
            .await?)
    }
}
