//! Districts and units.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use jiguan_app::ports::{District, ListQuery, Page, StoreResult, TenancyStore, Unit, UnitSummary};
use jiguan_domain::audit::{AuditAction, AuditEntry, GENESIS, ObjectKind};
use jiguan_domain::tenancy::{DistrictId, UnitId, UnitInput, UnitKind};

use crate::SqlStore;
use crate::audit::{commit_audited, commit_created};
use crate::db::Row;
use crate::sql::{Sql, fetch_page, order_by};

pub(crate) const UNIT_COLS: &str = "u.id, u.district_id, u.code, u.name, u.kind, u.active";

pub(crate) fn unit(r: &Row) -> StoreResult<Unit> {
    unit_at(r, 0)
}

/// A unit read from the six columns of [`UNIT_COLS`] starting at column `at`.
pub(crate) fn unit_at(r: &Row, at: usize) -> StoreResult<Unit> {
    let kind: String = r.get(at + 4)?;
    Ok(Unit {
        id: UnitId(r.get(at)?),
        district_id: DistrictId(r.get(at + 1)?),
        code: r.get(at + 2)?,
        name: r.get(at + 3)?,
        kind: if kind == "town" {
            UnitKind::Town
        } else {
            UnitKind::Subdistrict
        },
        active: r.get(at + 5)?,
    })
}

fn district(r: &Row) -> StoreResult<District> {
    Ok(District {
        id: DistrictId(r.get(0)?),
        code: r.get(1)?,
        name: r.get(2)?,
    })
}

/// The sort keys of the list of units and the columns they order by.
const UNIT_SORTS: &[(&str, &str)] = &[
    ("code", "u.code"),
    ("name", "u.name COLLATE pinyin"),
    ("kind", "u.kind"),
    ("users", "user_count"),
];

#[async_trait]
impl TenancyStore for SqlStore {
    async fn create_district(
        &self,
        code: &str,
        name: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<DistrictId> {
        let mut tx = self.db.begin().await?;
        let id: i64 = tx
            .fetch_one(
                "INSERT INTO districts (code, name, created_at) VALUES ($1, $2, $3) RETURNING id",
                &[code.into(), name.into(), at.into()],
            )
            .await?
            .get(0)?;
        tx.execute(
            "INSERT INTO audit_heads (district_id, last_seq, last_hash) VALUES ($1, 0, $2)",
            &[id.into(), GENESIS.into()],
        )
        .await?;
        let entry = AuditEntry::system(DistrictId(id), at)
            .did(AuditAction::DistrictCreate)
            .on(ObjectKind::District, code)
            .after(&serde_json::json!({"code": code, "name": name}));
        commit_audited(tx, &entry).await?;
        Ok(DistrictId(id))
    }

    async fn list_districts(&self) -> StoreResult<Vec<District>> {
        let rows = self
            .db
            .fetch_all("SELECT id, code, name FROM districts ORDER BY id", &[])
            .await?;
        rows.iter().map(district).collect()
    }

    async fn get_district(&self, id: DistrictId) -> StoreResult<Option<District>> {
        let r = self
            .db
            .fetch_optional(
                "SELECT id, code, name FROM districts WHERE id = $1",
                &[id.0.into()],
            )
            .await?;
        r.as_ref().map(district).transpose()
    }

    async fn find_district(&self, code: &str) -> StoreResult<Option<District>> {
        let r = self
            .db
            .fetch_optional(
                "SELECT id, code, name FROM districts WHERE code = $1",
                &[code.into()],
            )
            .await?;
        r.as_ref().map(district).transpose()
    }

    async fn create_unit(
        &self,
        d: DistrictId,
        input: &UnitInput,
        audit: AuditEntry,
    ) -> StoreResult<UnitId> {
        let mut tx = self.db.begin().await?;
        let id: i64 = tx
            .fetch_one(
                "INSERT INTO units (district_id, code, name, kind, active, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                &[d.0.into(), input.code.as_str().into(), input.name.as_str().into(), input.kind.code().into(), true.into(), audit.at.into()],
            )
            .await?
            .get(0)?;
        let mut audit = audit;
        audit.unit_id = Some(UnitId(id));
        commit_created(tx, audit, id).await?;
        Ok(UnitId(id))
    }

    async fn update_unit(
        &self,
        d: DistrictId,
        id: UnitId,
        input: &UnitInput,
        active: bool,
        audit: AuditEntry,
    ) -> StoreResult<()> {
        let mut tx = self.db.begin().await?;
        tx.execute_found(
            "UPDATE units SET code = $1, name = $2, kind = $3, active = $4 WHERE id = $5 AND district_id = $6",
            &[input.code.as_str().into(), input.name.as_str().into(), input.kind.code().into(), active.into(), id.0.into(), d.0.into()],
        )
        .await?;
        commit_audited(tx, &audit).await
    }

    async fn get_unit(&self, d: DistrictId, id: UnitId) -> StoreResult<Option<Unit>> {
        let r = self
            .db
            .fetch_optional(
                &format!("SELECT {UNIT_COLS} FROM units u WHERE u.id = $1 AND u.district_id = $2"),
                &[id.0.into(), d.0.into()],
            )
            .await?;
        r.as_ref().map(unit).transpose()
    }

    async fn find_unit(&self, d: DistrictId, code: &str) -> StoreResult<Option<Unit>> {
        let r = self
            .db
            .fetch_optional(
                &format!(
                    "SELECT {UNIT_COLS} FROM units u WHERE u.code = $1 AND u.district_id = $2"
                ),
                &[code.into(), d.0.into()],
            )
            .await?;
        r.as_ref().map(unit).transpose()
    }

    async fn list_units(&self, d: DistrictId, q: &ListQuery) -> StoreResult<Page<UnitSummary>> {
        let mut w = Sql::with(" WHERE u.district_id = $1", d.0);
        w.search(q, &["u.name", "u.code"]);
        // By default in the order of creation, as `u.id + 0`: PostgreSQL's generic plan
        // of the prepared statement (issue 17) walked the primary key of every district's
        // units for `ORDER BY u.id` and kept this district's. The accounts are counted
        // through `users_scope` (district, unit), not a scan of all accounts per unit.
        let order = order_by(q, UNIT_SORTS, "u.id + 0");
        fetch_page(
            &self.db,
            " FROM units u",
            &format!(
                "SELECT {UNIT_COLS}, (SELECT CAST(COUNT(*) AS BIGINT) FROM users x WHERE x.district_id = u.district_id AND x.unit_id = u.id) AS user_count \
                 FROM units u"
            ),
            w,
            &format!("{order}, u.id"),
            q,
            |r| {
                Ok(UnitSummary {
                    unit: unit(r)?,
                    user_count: r.get(6)?,
                })
            },
        )
        .await
    }
}
