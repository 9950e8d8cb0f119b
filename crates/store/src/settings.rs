//! Policy parameter values per district and unit (unit id 0 = district-wide).

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use jiguan_app::ports::{ParamValue, SettingsStore, StoreResult};
use jiguan_domain::audit::AuditEntry;
use jiguan_domain::dict::{DictKind, StoredItem};
use jiguan_domain::tenancy::{DistrictId, UnitId};

use crate::SqlStore;
use crate::audit::commit_audited;

#[async_trait]
impl SettingsStore for SqlStore {
    async fn list_params(
        &self,
        d: DistrictId,
        unit: Option<UnitId>,
    ) -> StoreResult<Vec<ParamValue>> {
        let rows = self
            .db
            .fetch_all(
                "SELECT key, unit_id, value, updated_at, updated_by FROM policy_params WHERE district_id = $1 AND (unit_id = 0 OR unit_id = $2) ORDER BY key, unit_id",
                &[d.0.into(), unit.map(|u| u.0).unwrap_or(0).into()],
            )
            .await?;
        rows.iter()
            .map(|r| {
                let u: i64 = r.get(1)?;
                Ok(ParamValue {
                    key: r.get(0)?,
                    unit_id: (u != 0).then_some(UnitId(u)),
                    value: r.get(2)?,
                    updated_at: r.get(3)?,
                    updated_by: r.get(4)?,
                })
            })
            .collect()
    }

    async fn set_param(
        &self,
        d: DistrictId,
        unit: Option<UnitId>,
        key: &str,
        value: &str,
        at: DateTime<Utc>,
        audit: AuditEntry,
    ) -> StoreResult<()> {
        let mut tx = self.db.begin().await?;
        tx.execute(
            "INSERT INTO policy_params (district_id, unit_id, key, value, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (district_id, unit_id, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by",
            &[d.0.into(), unit.map(|u| u.0).unwrap_or(0).into(), key.into(), value.into(), at.into(), audit.username.as_str().into()],
        )
        .await?;
        commit_audited(tx, &audit).await
    }

    async fn list_dict_items(&self, d: DistrictId) -> StoreResult<Vec<StoredItem>> {
        let rows = self
            .db
            .fetch_all(
                "SELECT kind, code, name, sort, enabled FROM dict_items WHERE district_id = $1 ORDER BY kind, sort, code",
                &[d.0.into()],
            )
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let kind: String = r.get(0)?;
            // A list the code no longer knows is skipped, not an error.
            let Some(kind) = DictKind::from_code(&kind) else {
                continue;
            };
            out.push(StoredItem {
                kind,
                code: r.get(1)?,
                name: r.get(2)?,
                sort: r.get(3)?,
                enabled: r.get(4)?,
            });
        }
        Ok(out)
    }

    async fn save_dict_item(
        &self,
        d: DistrictId,
        item: &StoredItem,
        at: DateTime<Utc>,
        audit: AuditEntry,
    ) -> StoreResult<()> {
        let mut tx = self.db.begin().await?;
        tx.execute(
            "INSERT INTO dict_items (district_id, kind, code, name, sort, enabled, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (district_id, kind, code) DO UPDATE SET sort = excluded.sort, enabled = excluded.enabled, updated_at = excluded.updated_at, updated_by = excluded.updated_by",
            &[
                d.0.into(),
                item.kind.code().into(),
                item.code.as_str().into(),
                item.name.as_str().into(),
                item.sort.into(),
                item.enabled.into(),
                at.into(),
                audit.username.as_str().into(),
            ],
        )
        .await?;
        commit_audited(tx, &audit).await
    }
}
