//! Policy parameters (政策参数) per district and unit: see `jiguan_domain::settings`.

use serde::Serialize;

use jiguan_domain::auth::{Action, Actor};
use jiguan_domain::settings::{ParamDef, ParamScope, registry};
use jiguan_domain::tenancy::{DistrictId, UnitId};

use jiguan_domain::audit::{AuditAction, ObjectKind};

/// A parameter's value in force before it is set, as audited.
#[derive(Serialize)]
struct ParamBefore<'a> {
    key: &'a str,
    value: String,
    origin: &'static str,
}

/// A parameter set, as audited.
#[derive(Serialize)]
struct ParamSet<'a, V> {
    key: &'a str,
    value: &'a V,
    unit_id: Option<UnitId>,
}
use crate::{App, AppError, AppResult};

/// A parameter with its effective value and where that value comes from.
#[derive(Debug, Clone, Serialize)]
pub struct ParamRow {
    pub def: ParamDef,
    pub value: String,
    /// "default", "district" or "unit".
    pub origin: &'static str,
    pub updated_at: Option<chrono::DateTime<chrono::Utc>>,
    pub updated_by: Option<String>,
}

impl App {
    /// Effective values for a district (and unit): unit value, else district, else default.
    pub async fn effective_params(
        &self,
        district: DistrictId,
        unit: Option<UnitId>,
    ) -> AppResult<Vec<ParamRow>> {
        let stored = self.store.list_params(district, unit).await?;
        Ok(registry()
            .iter()
            .map(|def| {
                let unit_v = stored
                    .iter()
                    .find(|p| p.key == def.key && p.unit_id.is_some());
                let dist_v = stored
                    .iter()
                    .find(|p| p.key == def.key && p.unit_id.is_none());
                match (unit_v, dist_v) {
                    (Some(p), _) => row(def, &p.value, "unit", p),
                    (None, Some(p)) => row(def, &p.value, "district", p),
                    _ => ParamRow {
                        def: *def,
                        value: def.default.to_string(),
                        origin: "default",
                        updated_at: None,
                        updated_by: None,
                    },
                }
            })
            .collect())
    }

    pub async fn list_params(
        &self,
        actor: &Actor,
        unit: Option<UnitId>,
    ) -> AppResult<Vec<ParamRow>> {
        self.require(actor, Action::SettingsView)?;
        let unit = match (actor.unit_id, unit) {
            (Some(own), _) => Some(own),
            (None, Some(u)) => {
                self.require_unit(actor, Action::SettingsView, u).await?;
                Some(u)
            }
            (None, None) => None,
        };
        self.effective_params(actor.district_id, unit).await
    }

    /// Sets a parameter for the district (unit `None`) or, for unit-scoped parameters, for
    /// one unit.
    pub async fn set_param(
        &self,
        actor: &Actor,
        unit: Option<UnitId>,
        key: &str,
        raw: &str,
    ) -> AppResult<()> {
        self.require(actor, Action::SettingsManage)?;
        let def = jiguan_domain::settings::find(key)
            .ok_or_else(|| AppError::field("key", "not_found"))?;
        if let Some(u) = unit {
            if def.scope != ParamScope::Unit {
                return Err(AppError::field(key, "param_not_unit_scoped"));
            }
            self.require_unit(actor, Action::SettingsManage, u).await?;
        }
        let value = def.parse(raw)?;
        let before = self
            .effective_params(actor.district_id, unit)
            .await?
            .into_iter()
            .find(|r| r.def.key == key)
            .map(|r| ParamBefore {
                key,
                value: r.value,
                origin: r.origin,
            });
        let audit = self
            .audit(actor)
            .unit(unit)
            .did(AuditAction::ParamSet)
            .on(ObjectKind::Param, key)
            .before(&before)
            .after(&ParamSet {
                key,
                value: &value,
                unit_id: unit,
            });
        self.store
            .set_param(
                actor.district_id,
                unit,
                key,
                &value,
                self.clock.now(),
                audit,
            )
            .await?;
        Ok(())
    }
}

fn row(
    def: &ParamDef,
    value: &str,
    origin: &'static str,
    p: &crate::ports::ParamValue,
) -> ParamRow {
    ParamRow {
        def: *def,
        value: value.to_string(),
        origin,
        updated_at: Some(p.updated_at),
        updated_by: Some(p.updated_by.clone()),
    }
}
