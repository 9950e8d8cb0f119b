//! Committee meetings and their secret ballot (党委会 无记名投票). `ballot_tokens` holds a
//! token's SHA-256 and a used flag; `ballots` a random key and the marks — neither has a
//! user, time or sequential column. A cast marks its token used and stores its ballot in
//! one transaction and writes no audit row. Every query is scoped by district and unit.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use jiguan_app::ports::UnitAt;
use jiguan_app::ports::{Conflict, StoreError, StoreResult};
use jiguan_app::selection::{
    AttendanceRecord, CastBallot, ItemRecord, ItemWrite, MeetingAt, MeetingRecord, MeetingStatus,
    MeetingWrite, SelectionStore, TallyWrite,
};
use jiguan_domain::audit::AuditEntry;
use jiguan_domain::selection::MeetingId;
use jiguan_domain::tenancy::{DistrictId, UnitId, UserId};

use crate::SqlStore;
use crate::audit::{append, commit_audited, commit_created};
use crate::db::{Backend, Row, Tx};
use crate::sql::rows_under;

const MEETING_COLS: &str = "id, district_id, unit_id, title, held_on, members, status, present, tokens_issued, tally_json, digest, created_by, created_at, closed_at";

fn meeting(r: &Row) -> StoreResult<MeetingRecord> {
    let status: String = r.get(6)?;
    Ok(MeetingRecord {
        id: MeetingId(r.get(0)?),
        district_id: DistrictId(r.get(1)?),
        unit_id: UnitId(r.get(2)?),
        title: r.get(3)?,
        held_on: r.get(4)?,
        members: r.get(5)?,
        status: MeetingStatus::from_code(&status).ok_or_else(|| {
            StoreError::Backend(format!("unknown meeting status in database: {status}"))
        })?,
        present: r.get(7)?,
        tokens_issued: r.get(8)?,
        tally_json: r.get(9)?,
        digest: r.get(10)?,
        created_by: r.get(11)?,
        created_at: r.get(12)?,
        closed_at: r.get(13)?,
    })
}

/// The meeting's status inside `tx` (NotFound for another unit's meeting).
async fn status_tx(tx: &mut Tx, d: DistrictId, u: UnitId, id: MeetingId) -> StoreResult<String> {
    tx.fetch_optional(
        "SELECT status FROM committee_meetings WHERE id = $1 AND district_id = $2 AND unit_id = $3",
        &[id.0.into(), d.0.into(), u.0.into()],
    )
    .await?
    .ok_or(StoreError::NotFound)?
    .get(0)
}

async fn insert_item(
    tx: &mut Tx,
    d: DistrictId,
    u: UnitId,
    id: i64,
    no: i64,
    it: &ItemWrite,
) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO committee_items (meeting_id, district_id, unit_id, item_no, text, person_id, post_id, recused) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 0)",
        &[
            id.into(),
            d.0.into(),
            u.0.into(),
            no.into(),
            it.text.as_str().into(),
            it.person_id.into(),
            it.post_id.into(),
        ],
    )
    .await?;
    Ok(())
}

/// Inserts a draft meeting with its roll call rows (all absent) and items inside `tx`;
/// returns its id. Also used by the campaign's decision meeting (`selection_decision`).
pub(crate) async fn create_meeting_tx(
    tx: &mut Tx,
    d: DistrictId,
    u: UnitId,
    w: &MeetingWrite,
    by: &str,
    at: DateTime<Utc>,
) -> StoreResult<i64> {
    let members = i64::try_from(w.members.len()).unwrap_or(i64::MAX);
    let id: i64 = tx
            .fetch_one(
                "INSERT INTO committee_meetings (district_id, unit_id, title, held_on, members, status, present, tokens_issued, tally_json, digest, created_by, created_at, closed_at) \
                 VALUES ($1, $2, $3, $4, $5, 'draft', 0, 0, NULL, '', $6, $7, NULL) RETURNING id",
                &[
                    d.0.into(),
                    u.0.into(),
                    w.title.as_str().into(),
                    w.held_on.into(),
                    members.into(),
                    by.into(),
                    at.into(),
                ],
            )
            .await?
            .get(0)?;
    for m in &w.members {
        tx.execute(
                "INSERT INTO committee_attendance (meeting_id, district_id, unit_id, user_id, present) VALUES ($1, $2, $3, $4, $5)",
                &[id.into(), d.0.into(), u.0.into(), m.0.into(), false.into()],
            )
            .await?;
    }
    for (i, it) in w.items.iter().enumerate() {
        insert_item(tx, d, u, id, i as i64 + 1, it).await?;
    }
    Ok(id)
}

#[async_trait]
impl SelectionStore for SqlStore {
    async fn sel_meetings(&self, d: DistrictId, u: UnitId) -> StoreResult<Vec<MeetingRecord>> {
        self.db
            .fetch_all(
                &format!("SELECT {MEETING_COLS} FROM committee_meetings WHERE district_id = $1 AND unit_id = $2 ORDER BY held_on DESC, id DESC"),
                &[d.0.into(), u.0.into()],
            )
            .await?
            .iter()
            .map(meeting)
            .collect()
    }

    async fn sel_meeting(&self, at: MeetingAt) -> StoreResult<Option<MeetingRecord>> {
        let (d, u, id) = (at.district, at.unit, at.id);
        self.db
            .fetch_optional(
                &format!("SELECT {MEETING_COLS} FROM committee_meetings WHERE id = $1 AND district_id = $2 AND unit_id = $3"),
                &[id.0.into(), d.0.into(), u.0.into()],
            )
            .await?
            .as_ref()
            .map(meeting)
            .transpose()
    }

    async fn sel_create_meeting(
        &self,
        at: UnitAt,
        w: &MeetingWrite,
        audit: AuditEntry,
    ) -> StoreResult<MeetingId> {
        let mut tx = self.db.begin().await?;
        let id =
            create_meeting_tx(&mut tx, at.district, at.unit, w, &audit.username, audit.at).await?;
        commit_created(tx, audit, id).await?;
        Ok(MeetingId(id))
    }

    async fn sel_add_item(
        &self,
        at: MeetingAt,
        item: &ItemWrite,
        audit: AuditEntry,
    ) -> StoreResult<i64> {
        let (d, u, id) = (at.district, at.unit, at.id);
        let mut tx = self.db.begin().await?;
        if status_tx(&mut tx, d, u, id).await? != MeetingStatus::Draft.code() {
            return Err(StoreError::Conflict(Conflict::Status));
        }
        let no: i64 = tx
            .fetch_one(
                "SELECT CAST(COALESCE(MAX(item_no), 0) + 1 AS BIGINT) FROM committee_items WHERE meeting_id = $1 AND district_id = $2 AND unit_id = $3",
                &[id.0.into(), d.0.into(), u.0.into()],
            )
            .await?
            .get(0)?;
        insert_item(&mut tx, d, u, id.0, no, item).await?;
        commit_audited(tx, &audit).await?;
        Ok(no)
    }

    async fn sel_items(&self, at: MeetingAt) -> StoreResult<Vec<ItemRecord>> {
        let sql = "SELECT item_no, text, person_id, post_id, recused FROM committee_items \
                   WHERE meeting_id = $1 AND district_id = $2 AND unit_id = $3 ORDER BY item_no";
        rows_under(&self.db, sql, at, |r| {
            Ok(ItemRecord {
                no: r.get(0)?,
                text: r.get(1)?,
                person_id: r.get(2)?,
                post_id: r.get(3)?,
                recused: r.get(4)?,
            })
        })
        .await
    }

    async fn sel_attendance(&self, at: MeetingAt) -> StoreResult<Vec<AttendanceRecord>> {
        let (d, u, id) = (at.district, at.unit, at.id);
        let rows = self
            .db
            .fetch_all(
                "SELECT a.user_id, s.display_name, a.present FROM committee_attendance a JOIN users s ON s.id = a.user_id \
                 WHERE a.meeting_id = $1 AND a.district_id = $2 AND a.unit_id = $3 ORDER BY s.display_name, a.user_id",
                &[id.0.into(), d.0.into(), u.0.into()],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(AttendanceRecord {
                    user_id: UserId(r.get(0)?),
                    display_name: r.get(1)?,
                    present: r.get(2)?,
                })
            })
            .collect()
    }

    async fn sel_roll_call(
        &self,
        at: MeetingAt,
        present: &[UserId],
        audit: AuditEntry,
    ) -> StoreResult<()> {
        let (d, u, id) = (at.district, at.unit, at.id);
        let mut tx = self.db.begin().await?;
        if status_tx(&mut tx, d, u, id).await? != MeetingStatus::Draft.code() {
            return Err(StoreError::Conflict(Conflict::Status));
        }
        tx.execute(
            "UPDATE committee_attendance SET present = $1 WHERE meeting_id = $2 AND district_id = $3 AND unit_id = $4",
            &[false.into(), id.0.into(), d.0.into(), u.0.into()],
        )
        .await?;
        for p in present {
            tx.execute(
                "UPDATE committee_attendance SET present = $1 WHERE meeting_id = $2 AND district_id = $3 AND unit_id = $4 AND user_id = $5",
                &[true.into(), id.0.into(), d.0.into(), u.0.into(), p.0.into()],
            )
            .await?;
        }
        commit_audited(tx, &audit).await
    }

    async fn sel_issue_tokens(
        &self,
        at: MeetingAt,
        hashes: &[String],
        audit: AuditEntry,
    ) -> StoreResult<()> {
        let (d, u, id) = (at.district, at.unit, at.id);
        let mut tx = self.db.begin().await?;
        let n = i64::try_from(hashes.len()).unwrap_or(i64::MAX);
        let changed = tx
            .execute(
                "UPDATE committee_meetings SET status = 'open', present = $1, tokens_issued = $1 \
                 WHERE id = $2 AND district_id = $3 AND unit_id = $4 AND status = 'draft' \
                 AND (SELECT CAST(COUNT(*) AS BIGINT) FROM committee_attendance a WHERE a.meeting_id = $2 AND a.present) = $1",
                &[n.into(), id.0.into(), d.0.into(), u.0.into()],
            )
            .await?;
        if changed != 1 {
            return Err(StoreError::Conflict(Conflict::Status));
        }
        for h in hashes {
            tx.execute(
                "INSERT INTO ballot_tokens (meeting_id, district_id, unit_id, token_hash, used) VALUES ($1, $2, $3, $4, $5)",
                &[id.0.into(), d.0.into(), u.0.into(), h.as_str().into(), false.into()],
            )
            .await?;
        }
        commit_audited(tx, &audit).await
    }

    async fn sel_token(&self, at: MeetingAt, hash: &str) -> StoreResult<Option<bool>> {
        let (d, u, id) = (at.district, at.unit, at.id);
        self.db
            .fetch_optional(
                "SELECT used FROM ballot_tokens WHERE meeting_id = $1 AND district_id = $2 AND unit_id = $3 AND token_hash = $4",
                &[id.0.into(), d.0.into(), u.0.into(), hash.into()],
            )
            .await?
            .map(|r| r.get(0))
            .transpose()
    }

    async fn sel_progress(&self, at: MeetingAt) -> StoreResult<(i64, i64)> {
        let (d, u, id) = (at.district, at.unit, at.id);
        let r = self
            .db
            .fetch_one(
                "SELECT CAST(COALESCE(SUM(CASE WHEN used THEN 1 ELSE 0 END), 0) AS BIGINT), CAST(COUNT(*) AS BIGINT) \
                 FROM ballot_tokens WHERE meeting_id = $1 AND district_id = $2 AND unit_id = $3",
                &[id.0.into(), d.0.into(), u.0.into()],
            )
            .await?;
        Ok((r.get(0)?, r.get(1)?))
    }

    async fn sel_cast(&self, at: MeetingAt, b: CastBallot<'_>) -> StoreResult<bool> {
        let (d, u, id) = (at.district, at.unit, at.id);
        let (hash, key, marks) = (b.token_hash, b.key, b.marks);
        let mut tx = self.db.begin().await?;
        // Hold the meeting row (PostgreSQL) so that a close waits for this cast; SQLite's
        // write transactions are exclusive already.
        let lock = if tx.backend() == Backend::Postgres {
            " FOR SHARE"
        } else {
            ""
        };
        let open = tx
            .fetch_optional(
                &format!("SELECT status FROM committee_meetings WHERE id = $1 AND district_id = $2 AND unit_id = $3{lock}"),
                &[id.0.into(), d.0.into(), u.0.into()],
            )
            .await?
            .map(|r| r.get::<String>(0))
            .transpose()?;
        if open.as_deref() != Some(MeetingStatus::Open.code()) {
            return Ok(false);
        }
        // Only an unused token of an open meeting of this unit is consumed.
        let changed = tx
            .execute(
                "UPDATE ballot_tokens SET used = $1 WHERE meeting_id = $2 AND district_id = $3 AND unit_id = $4 AND token_hash = $5 AND used = $6 \
                 AND EXISTS (SELECT 1 FROM committee_meetings m WHERE m.id = $2 AND m.district_id = $3 AND m.unit_id = $4 AND m.status = 'open')",
                &[true.into(), id.0.into(), d.0.into(), u.0.into(), hash.into(), false.into()],
            )
            .await?;
        if changed != 1 {
            // Dropped without commit: nothing written.
            return Ok(false);
        }
        tx.execute(
            "INSERT INTO ballots (meeting_id, district_id, unit_id, ballot_key, marks) VALUES ($1, $2, $3, $4, $5)",
            &[id.0.into(), d.0.into(), u.0.into(), key.into(), marks.into()],
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn sel_ballots(&self, at: MeetingAt) -> StoreResult<Vec<String>> {
        let (d, u, id) = (at.district, at.unit, at.id);
        let rows = self
            .db
            .fetch_all(
                "SELECT marks FROM ballots WHERE meeting_id = $1 AND district_id = $2 AND unit_id = $3 ORDER BY ballot_key",
                &[id.0.into(), d.0.into(), u.0.into()],
            )
            .await?;
        rows.iter().map(|r| r.get(0)).collect()
    }

    async fn sel_close(
        &self,
        at: MeetingAt,
        t: &TallyWrite<'_>,
        audits: Vec<AuditEntry>,
    ) -> StoreResult<()> {
        let (d, u, id) = (at.district, at.unit, at.id);
        let mut tx = self.db.begin().await?;
        let changed = tx
            .execute(
                "UPDATE committee_meetings SET status = 'closed', tally_json = $1, digest = $2, closed_at = $3 \
                 WHERE id = $4 AND district_id = $5 AND unit_id = $6 AND status = 'open'",
                &[t.tally_json.into(), t.digest.into(), t.closed_at.into(), id.0.into(), d.0.into(), u.0.into()],
            )
            .await?;
        if changed != 1 {
            return Err(StoreError::Conflict(Conflict::Status));
        }
        // The update waited for casts holding the meeting row; the ballots now stored must
        // be the ones tallied.
        let stored: i64 = tx
            .fetch_one(
                "SELECT CAST(COUNT(*) AS BIGINT) FROM ballots WHERE meeting_id = $1 AND district_id = $2 AND unit_id = $3",
                &[id.0.into(), d.0.into(), u.0.into()],
            )
            .await?
            .get(0)?;
        if stored != t.ballots {
            return Err(StoreError::Conflict(Conflict::Status));
        }
        for a in &audits {
            append(&mut tx, a).await?;
        }
        tx.commit().await
    }
}
