//! Saved calculations (政策计算结果) and the working-day calendar years of each district.

use async_trait::async_trait;

use jiguan_app::ports::{
    CalcFilter, CalcRecord, CalcStore, CalendarYearRecord, ListQuery, NewCalcRecord, Page,
    StoreResult,
};
use jiguan_domain::audit::AuditEntry;
use jiguan_domain::rules::calc::SavedCalcId;
use jiguan_domain::tenancy::{DistrictId, UnitId, UserId};

use crate::SqlStore;
use crate::audit::{commit_audited, commit_created};
use crate::db::Row;
use crate::sql::{Sql, fetch_page, order_by};

const CALC_COLS: &str = "c.id, c.district_id, c.unit_id, c.user_id, c.username, c.kind, c.input_json, c.result_json, c.steps_json, c.sources_json, c.params_json, c.note, c.created_at";

fn calc(r: &Row) -> StoreResult<CalcRecord> {
    Ok(CalcRecord {
        id: SavedCalcId(r.get(0)?),
        saved: NewCalcRecord {
            district_id: DistrictId(r.get(1)?),
            unit_id: r.get::<Option<i64>>(2)?.map(UnitId),
            user_id: UserId(r.get(3)?),
            username: r.get(4)?,
            kind: r.get(5)?,
            input_json: r.get(6)?,
            result_json: r.get(7)?,
            steps_json: r.get(8)?,
            sources_json: r.get(9)?,
            params_json: r.get(10)?,
            note: r.get(11)?,
            created_at: r.get(12)?,
        },
    })
}

fn year(r: &Row) -> StoreResult<CalendarYearRecord> {
    Ok(CalendarYearRecord {
        district_id: DistrictId(r.get(0)?),
        year: r.get(1)?,
        schedule_text: r.get(2)?,
        loaded_at: r.get(3)?,
        loaded_by: r.get(4)?,
    })
}

#[async_trait]
impl CalcStore for SqlStore {
    async fn list_calendar_years(&self, d: DistrictId) -> StoreResult<Vec<CalendarYearRecord>> {
        let rows = self
            .db
            .fetch_all(
                "SELECT district_id, year, schedule_text, loaded_at, loaded_by FROM calendar_years WHERE district_id = $1 ORDER BY year",
                &[d.0.into()],
            )
            .await?;
        rows.iter().map(year).collect()
    }

    async fn put_calendar_year(
        &self,
        rec: &CalendarYearRecord,
        audit: AuditEntry,
    ) -> StoreResult<()> {
        let mut tx = self.db.begin().await?;
        tx.execute(
            "INSERT INTO calendar_years (district_id, year, schedule_text, loaded_at, loaded_by) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (district_id, year) DO UPDATE SET schedule_text = excluded.schedule_text, loaded_at = excluded.loaded_at, loaded_by = excluded.loaded_by",
            &[
                rec.district_id.0.into(),
                rec.year.into(),
                rec.schedule_text.as_str().into(),
                rec.loaded_at.into(),
                rec.loaded_by.as_str().into(),
            ],
        )
        .await?;
        commit_audited(tx, &audit).await
    }

    async fn save_calc(&self, rec: &NewCalcRecord, audit: AuditEntry) -> StoreResult<SavedCalcId> {
        let mut tx = self.db.begin().await?;
        let id: i64 = tx
            .fetch_one(
                "INSERT INTO calc_results (district_id, unit_id, user_id, username, kind, input_json, result_json, steps_json, sources_json, params_json, note, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
                &[
                    rec.district_id.0.into(),
                    rec.unit_id.map(|u| u.0).into(),
                    rec.user_id.0.into(),
                    rec.username.as_str().into(),
                    rec.kind.as_str().into(),
                    rec.input_json.as_str().into(),
                    rec.result_json.as_str().into(),
                    rec.steps_json.as_str().into(),
                    rec.sources_json.as_str().into(),
                    rec.params_json.as_str().into(),
                    rec.note.as_str().into(),
                    rec.created_at.into(),
                ],
            )
            .await?
            .get(0)?;
        commit_created(tx, audit, id).await?;
        Ok(SavedCalcId(id))
    }

    async fn get_calc(&self, d: DistrictId, id: SavedCalcId) -> StoreResult<Option<CalcRecord>> {
        let r = self
            .db
            .fetch_optional(
                &format!(
                    "SELECT {CALC_COLS} FROM calc_results c WHERE c.id = $1 AND c.district_id = $2"
                ),
                &[id.0.into(), d.0.into()],
            )
            .await?;
        r.as_ref().map(calc).transpose()
    }

    async fn list_calcs(
        &self,
        d: DistrictId,
        filter: &CalcFilter,
        q: &ListQuery,
    ) -> StoreResult<Page<CalcRecord>> {
        let mut w = Sql::with(" WHERE c.district_id = $1", d.0);
        if let Some(u) = filter.unit_id {
            w.and("c.unit_id = {}", u.0);
        }
        if let Some(u) = filter.user_id {
            w.and("c.user_id = {}", u.0);
        }
        if let Some(k) = &filter.kind {
            w.and("c.kind = {}", k.as_str());
        }
        w.search(q, &["c.note", "c.kind", "c.username"]);
        let order = order_by(
            q,
            &[("kind", "c.kind"), ("user", "c.username"), ("at", "c.id")],
            "c.id",
        );
        // Newest first unless a sort was asked for.
        let order = if q.sort.is_none() {
            " ORDER BY c.id DESC".to_string()
        } else {
            format!("{order}, c.id")
        };
        fetch_page(
            &self.db,
            " FROM calc_results c",
            &format!("SELECT {CALC_COLS} FROM calc_results c"),
            w,
            &order,
            q,
            calc,
        )
        .await
    }
}
