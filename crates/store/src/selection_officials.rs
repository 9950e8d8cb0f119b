//! The officials of a campaign (`selection_officials`): inspection-team members per
//! shortlisted candidate, counters and scrutineers per committee meeting, with their
//! recusal. Every query is scoped by district and unit; each write lands with its audit row
//! in one transaction. Nothing here refers to a ballot or a token.

use async_trait::async_trait;

use jiguan_app::ports::{Conflict, Scoped, StoreError, StoreResult, UnitAt};
use jiguan_app::selection::officials::{OfficialRecord, OfficialRecusal, OfficialStore};
use jiguan_domain::audit::AuditEntry;
use jiguan_domain::selection::recusal::{OfficialRole, RecusalCategory, RecusalSource};
use jiguan_domain::selection::{ApplicationId, CampaignId, MeetingId};
use jiguan_domain::tenancy::{DistrictId, UnitId};

use crate::SqlStore;
use crate::audit::commit_audited;
use crate::db::Row;
use crate::sql::scope;

const COLS: &str = "id, campaign_id, family_id, role, person_id, application_id, meeting_id, \
    recusal_category, recusal_kinship, recusal_source, recusal_reason, recused_by, recused_at, \
    created_by, created_at";

fn bad(what: &str, v: &str) -> StoreError {
    StoreError::Backend(format!("unknown {what} in database: {v}"))
}

fn official(r: &Row) -> StoreResult<OfficialRecord> {
    let role: String = r.get(3)?;
    let category: String = r.get(7)?;
    let recusal = if category.is_empty() {
        None
    } else {
        let source: String = r.get(9)?;
        Some(OfficialRecusal {
            category: RecusalCategory::from_code(&category)
                .ok_or_else(|| bad("recusal category", &category))?,
            kinship: r.get(8)?,
            source: RecusalSource::from_code(&source)
                .ok_or_else(|| bad("recusal source", &source))?,
            reason: r.get(10)?,
            by: r.get(11)?,
            at: r
                .get::<Option<chrono::DateTime<chrono::Utc>>>(12)?
                .ok_or_else(|| bad("recusal time", "NULL"))?,
        })
    };
    Ok(OfficialRecord {
        id: r.get(0)?,
        campaign_id: CampaignId(r.get(1)?),
        family_id: r.get(2)?,
        role: OfficialRole::from_code(&role).ok_or_else(|| bad("official role", &role))?,
        person_id: r.get(4)?,
        application_id: r.get::<Option<i64>>(5)?.map(ApplicationId),
        meeting_id: r.get::<Option<i64>>(6)?.map(MeetingId),
        recusal,
        created_by: r.get(13)?,
        created_at: r.get(14)?,
    })
}

#[async_trait]
impl OfficialStore for SqlStore {
    async fn sel_officials(
        &self,
        d: DistrictId,
        u: UnitId,
        family: i64,
    ) -> StoreResult<Vec<OfficialRecord>> {
        self.db
            .fetch_all(
                &format!(
                    "SELECT {COLS} FROM selection_officials \
                     WHERE district_id = $1 AND unit_id = $2 AND family_id = $3 ORDER BY id"
                ),
                &[d.0.into(), u.0.into(), family.into()],
            )
            .await?
            .iter()
            .map(official)
            .collect()
    }

    async fn sel_official_add(
        &self,
        at: UnitAt,
        o: &OfficialRecord,
        audit: AuditEntry,
    ) -> StoreResult<i64> {
        let mut tx = self.db.begin().await?;
        let r = o.recusal.as_ref();
        let id: i64 = tx
            .fetch_one(
                "INSERT INTO selection_officials (district_id, unit_id, campaign_id, family_id, role, person_id, \
                 application_id, meeting_id, recusal_category, recusal_kinship, recusal_source, recusal_reason, \
                 recused_by, recused_at, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id",
                &[
                    at.district.0.into(),
                    at.unit.0.into(),
                    o.campaign_id.0.into(),
                    o.family_id.into(),
                    o.role.code().into(),
                    o.person_id.into(),
                    o.application_id.map(|a| a.0).into(),
                    o.meeting_id.map(|m| m.0).into(),
                    r.map_or("", |r| r.category.code()).into(),
                    r.map_or("", |r| r.kinship.as_str()).into(),
                    r.map_or("", |r| r.source.code()).into(),
                    r.map_or("", |r| r.reason.as_str()).into(),
                    r.map_or("", |r| r.by.as_str()).into(),
                    r.map(|r| r.at).into(),
                    o.created_by.as_str().into(),
                    o.created_at.into(),
                ],
            )
            .await?
            .get(0)?;
        commit_audited(tx, &audit).await?;
        Ok(id)
    }

    async fn sel_official_recuse(
        &self,
        at: Scoped<i64>,
        r: &OfficialRecusal,
        audit: AuditEntry,
    ) -> StoreResult<()> {
        let mut tx = self.db.begin().await?;
        let n = tx
            .execute(
                "UPDATE selection_officials SET recusal_category = $1, recusal_kinship = $2, recusal_source = $3, \
                 recusal_reason = $4, recused_by = $5, recused_at = $6 \
                 WHERE id = $7 AND district_id = $8 AND unit_id = $9 AND recusal_category = ''",
                &[
                    r.category.code().into(),
                    r.kinship.as_str().into(),
                    r.source.code().into(),
                    r.reason.as_str().into(),
                    r.by.as_str().into(),
                    r.at.into(),
                    at.id.into(),
                    at.district.0.into(),
                    at.unit.0.into(),
                ],
            )
            .await?;
        if n == 0 {
            let exists = tx
                .fetch_optional(
                    "SELECT id FROM selection_officials WHERE id = $1 AND district_id = $2 AND unit_id = $3",
                    &scope(at),
                )
                .await?;
            return Err(match exists {
                Some(_) => StoreError::Conflict(Conflict::Status),
                None => StoreError::NotFound,
            });
        }
        commit_audited(tx, &audit).await
    }
}
