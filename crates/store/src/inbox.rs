//! The inbox (待办与通知): notices and their read marks, and the waiting records of every
//! workflow (to-dos are derived from those, not stored).

use std::collections::BTreeMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use jiguan_app::inbox::{FlowItem, InboxStore, NoticeRecord, Reader};
use jiguan_app::ports::{StoreError, StoreResult};
use jiguan_domain::auth::Role;
use jiguan_domain::inbox::{Audience, NewNotice, NoticeId, Recipient};
use jiguan_domain::tenancy::{DistrictId, UnitId, UserId};
use jiguan_domain::workflow::{Status, Workflow};

use crate::SqlStore;
use crate::db::{Row, Tx, Value};
use crate::workflow::table_of;

/// Writes notices inside the transaction of the change they report.
pub(crate) async fn notices_tx(
    tx: &mut Tx,
    d: DistrictId,
    notices: &[NewNotice],
) -> StoreResult<()> {
    for n in notices {
        let params = serde_json::to_string(&n.params)
            .map_err(|e| StoreError::Backend(format!("notice params: {e}")))?;
        tx.execute(
            "INSERT INTO notices (district_id, unit_id, audience, role, user_id, kind, object_type, object_id, link, params_json, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            &[
                d.0.into(),
                n.unit_id.0.into(),
                n.recipient.audience.code().into(),
                n.recipient.role.map_or("", Role::code).into(),
                n.recipient.user.map(|u| u.0).into(),
                n.kind.as_str().into(),
                n.object.code().into(),
                n.object_id.into(),
                n.link.as_str().into(),
                params.into(),
                n.at.into(),
            ],
        )
        .await?;
    }
    Ok(())
}

fn notice(r: &Row) -> StoreResult<NoticeRecord> {
    let audience: String = r.get(3)?;
    let role: String = r.get(4)?;
    let params: String = r.get(10)?;
    Ok(NoticeRecord {
        id: NoticeId(r.get(0)?),
        unit_id: UnitId(r.get(1)?),
        unit_name: r.get(2)?,
        recipient: Recipient {
            audience: Audience::from_code(&audience)
                .ok_or_else(|| StoreError::Backend(format!("notice audience {audience}")))?,
            role: if role.is_empty() {
                None
            } else {
                Some(
                    Role::from_code(&role)
                        .ok_or_else(|| StoreError::Backend(format!("notice role {role}")))?,
                )
            },
            user: r.get::<Option<i64>>(5)?.map(UserId),
        },
        kind: r.get(6)?,
        object: r.get(7)?,
        object_id: r.get(8)?,
        link: r.get(9)?,
        params: serde_json::from_str::<BTreeMap<String, String>>(&params)
            .map_err(|e| StoreError::Backend(format!("notice params: {e}")))?,
        created_at: r.get(11)?,
        read_at: r.get(12)?,
    })
}

#[async_trait]
impl InboxStore for SqlStore {
    async fn flow_items(
        &self,
        d: DistrictId,
        unit: Option<UnitId>,
        flow: &'static Workflow,
        statuses: &[Status],
    ) -> StoreResult<Vec<FlowItem>> {
        if statuses.is_empty() {
            return Ok(Vec::new());
        }
        let t = table_of(flow)?;
        let mut ps: Vec<Value> = vec![d.0.into()];
        let mut sql = format!(
            "SELECT p.id, p.unit_id, u.name, p.title, p.status, p.created_at FROM {} p \
             JOIN units u ON u.id = p.unit_id AND u.district_id = p.district_id \
             WHERE p.district_id = $1",
            t.table
        );
        if let Some(u) = unit {
            ps.push(u.0.into());
            sql.push_str(&format!(" AND p.unit_id = ${}", ps.len()));
        }
        let mut marks = Vec::new();
        for s in statuses {
            ps.push(s.code().into());
            marks.push(format!("${}", ps.len()));
        }
        sql.push_str(&format!(
            " AND p.status IN ({}) ORDER BY p.created_at, p.id",
            marks.join(", ")
        ));
        let rows = self.db.fetch_all(&sql, &ps).await?;
        rows.iter()
            .map(|r| {
                let status: String = r.get(4)?;
                Ok(FlowItem {
                    id: r.get(0)?,
                    unit_id: UnitId(r.get(1)?),
                    unit_name: r.get(2)?,
                    title: r.get(3)?,
                    status: Status::from_code(&status)
                        .ok_or_else(|| StoreError::Backend(format!("status {status}")))?,
                    created_at: r.get(5)?,
                })
            })
            .collect()
    }

    async fn notices_for(
        &self,
        d: DistrictId,
        reader: &Reader,
        limit: i64,
    ) -> StoreResult<Vec<NoticeRecord>> {
        let (audience, place) = match reader.unit {
            Some(_) => (Audience::Unit, "n.unit_id = $4"),
            None => (Audience::District, "$4 IS NULL"),
        };
        let mut ps: Vec<Value> = vec![
            d.0.into(),
            reader.user.0.into(),
            audience.code().into(),
            reader.unit.map(|u| u.0).into(),
            limit.into(),
            "".into(),
        ];
        let mut roles = vec!["$6".to_string()];
        for r in &reader.roles {
            ps.push(r.code().into());
            roles.push(format!("${}", ps.len()));
        }
        let sql = format!(
            "SELECT n.id, n.unit_id, u.name, n.audience, n.role, n.user_id, n.kind, n.object_type, n.object_id, n.link, n.params_json, n.created_at, r.read_at \
             FROM notices n JOIN units u ON u.id = n.unit_id AND u.district_id = n.district_id \
             LEFT JOIN notice_reads r ON r.notice_id = n.id AND r.user_id = $2 \
             WHERE n.district_id = $1 AND (n.user_id = $2 OR (n.user_id IS NULL AND n.audience = $3 AND {place} AND n.role IN ({}))) \
             ORDER BY n.created_at DESC, n.id DESC LIMIT $5",
            roles.join(", ")
        );
        let rows = self.db.fetch_all(&sql, &ps).await?;
        rows.iter().map(notice).collect()
    }

    async fn mark_read(
        &self,
        d: DistrictId,
        user: UserId,
        notices: &[(NoticeId, UnitId)],
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut tx = self.db.begin().await?;
        for (id, unit) in notices {
            tx.execute(
                "INSERT INTO notice_reads (notice_id, district_id, unit_id, user_id, read_at) \
                 SELECT n.id, n.district_id, n.unit_id, $2, $3 FROM notices n \
                 WHERE n.id = $1 AND n.district_id = $4 AND n.unit_id = $5 \
                 ON CONFLICT (notice_id, user_id) DO NOTHING",
                &[
                    id.0.into(),
                    user.0.into(),
                    at.into(),
                    d.0.into(),
                    unit.0.into(),
                ],
            )
            .await?;
        }
        tx.commit().await
    }
}
