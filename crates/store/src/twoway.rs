//! Two-way selection rounds (双向择岗): rounds with their offers and exclusions, choices,
//! rankings, the result, and the atomic apply (status move with its history row, post
//! assignments through the posts module's write, people's history rows through the people
//! module's helper, notices, audit) in one transaction. Every query is scoped by
//! district and unit.

use async_trait::async_trait;

use jiguan_app::ports::{Conflict, StoreError, StoreResult};
use jiguan_app::twoway::{
    ApplyWrite, PrefRecord, RankingRecord, RoundAt, RoundChange, RoundRecord, RoundWrite,
    TwowayStore,
};
use jiguan_domain::audit::AuditEntry;
use jiguan_domain::inbox::NewNotice;
use jiguan_domain::tenancy::{DistrictId, UnitId};
use jiguan_domain::twoway::{Exclusion, Mode, Offer, Ranking, RoundId};
use jiguan_domain::workflow::Status;

use crate::SqlStore;
use crate::audit::{commit_audited, commit_created};
use crate::db::{Row, Tx};
use crate::sql::{row_in, rows_in, scope, scoped};
use crate::workflow::{TWOWAY, begin_apply, event_tx, on_post_tx};

const COLS: &str = "id, district_id, unit_id, title, choose_by, rank_by, max_choices, mode, status, doc_no, reason, created_by, created_at, applied_at, result_json";

fn bad(what: &str, v: &str) -> StoreError {
    StoreError::Backend(format!("unknown {what} code in database: {v}"))
}

fn ids(s: &str) -> Vec<i64> {
    s.split(',').filter_map(|x| x.trim().parse().ok()).collect()
}

fn join(v: &[i64]) -> String {
    v.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

fn round(r: &Row) -> StoreResult<RoundRecord> {
    let mode: String = r.get(7)?;
    let status: String = r.get(8)?;
    let max: i64 = r.get(6)?;
    Ok(RoundRecord {
        id: RoundId(r.get(0)?),
        district_id: DistrictId(r.get(1)?),
        unit_id: UnitId(r.get(2)?),
        title: r.get(3)?,
        choose_by: r.get(4)?,
        rank_by: r.get(5)?,
        max_choices: u32::try_from(max).unwrap_or(0),
        mode: Mode::from_code(&mode).ok_or_else(|| bad("mode", &mode))?,
        status: Status::from_code(&status).ok_or_else(|| bad("status", &status))?,
        doc_no: r.get(9)?,
        reason: r.get(10)?,
        created_by: r.get(11)?,
        created_at: r.get(12)?,
        applied_at: r.get(13)?,
        result_json: r.get(14)?,
        offers: Vec::new(),
        exclusions: Vec::new(),
    })
}

impl SqlStore {
    async fn tw_fill(&self, mut r: RoundRecord) -> StoreResult<RoundRecord> {
        let ps = [r.id.0.into(), r.district_id.0.into(), r.unit_id.0.into()];
        r.offers = self
            .db
            .fetch_all(
                "SELECT post_id, seats FROM twoway_offers WHERE round_id = $1 AND district_id = $2 AND unit_id = $3 ORDER BY post_id",
                &ps,
            )
            .await?
            .iter()
            .map(|x| {
                Ok(Offer {
                    post_id: x.get(0)?,
                    seats: x.get(1)?,
                })
            })
            .collect::<StoreResult<_>>()?;
        r.exclusions = self
            .db
            .fetch_all(
                "SELECT person_id, reason FROM twoway_exclusions WHERE round_id = $1 AND district_id = $2 AND unit_id = $3 ORDER BY person_id",
                &ps,
            )
            .await?
            .iter()
            .map(|x| {
                Ok(Exclusion {
                    person_id: x.get(0)?,
                    reason: x.get(1)?,
                })
            })
            .collect::<StoreResult<_>>()?;
        Ok(r)
    }
}

/// Writes a round's offers and exclusions (replacing any).
async fn definition_tx(
    tx: &mut Tx,
    d: DistrictId,
    u: UnitId,
    id: i64,
    w: &RoundWrite,
) -> StoreResult<()> {
    for t in ["twoway_offers", "twoway_exclusions"] {
        tx.execute(
            &format!("DELETE FROM {t} WHERE round_id = $1 AND district_id = $2 AND unit_id = $3"),
            &[id.into(), d.0.into(), u.0.into()],
        )
        .await?;
    }
    for o in &w.offers {
        tx.execute(
            "INSERT INTO twoway_offers (round_id, district_id, unit_id, post_id, seats) \
             SELECT $1, $2, $3, p.id, $4 FROM posts p WHERE p.id = $5 AND p.district_id = $2 AND p.unit_id = $3",
            &[id.into(), d.0.into(), u.0.into(), o.seats.into(), o.post_id.into()],
        )
        .await
        .and_then(|n| if n == 1 { Ok(()) } else { Err(StoreError::NotFound) })?;
    }
    for e in &w.exclusions {
        tx.execute(
            "INSERT INTO twoway_exclusions (round_id, district_id, unit_id, person_id, reason) \
             SELECT $1, $2, $3, x.id, $4 FROM people x WHERE x.id = $5 AND x.district_id = $2 AND x.unit_id = $3",
            &[id.into(), d.0.into(), u.0.into(), e.reason.as_str().into(), e.person_id.into()],
        )
        .await
        .and_then(|n| if n == 1 { Ok(()) } else { Err(StoreError::NotFound) })?;
    }
    Ok(())
}

/// The round must be in `status`; with `clear`, its result is emptied (choices or
/// rankings changed). `Conflict(Status)` otherwise.
async fn guard_tx(tx: &mut Tx, at: RoundAt, status: Status, clear: bool) -> StoreResult<()> {
    let set = if clear {
        "result_json = ''"
    } else {
        "result_json = result_json"
    };
    let n = tx
        .execute(
            &format!(
                "UPDATE twoway_rounds SET {set} WHERE id = $1 AND district_id = $2 AND unit_id = $3 AND status = $4"
            ),
            &[
                at.id.0.into(),
                at.district.0.into(),
                at.unit.0.into(),
                status.code().into(),
            ],
        )
        .await?;
    if n == 0 {
        return Err(StoreError::Conflict(Conflict::Status));
    }
    Ok(())
}

#[async_trait]
impl TwowayStore for SqlStore {
    async fn tw_rounds(
        &self,
        d: DistrictId,
        unit: Option<UnitId>,
    ) -> StoreResult<Vec<RoundRecord>> {
        let select = format!("SELECT {COLS} FROM twoway_rounds");
        let rows = rows_in(&self.db, &select, d, unit, " ORDER BY id DESC").await?;
        let mut out = Vec::new();
        for r in &rows {
            out.push(self.tw_fill(round(r)?).await?);
        }
        Ok(out)
    }

    async fn tw_round(&self, at: RoundAt) -> StoreResult<Option<RoundRecord>> {
        let select = format!("SELECT {COLS} FROM twoway_rounds");
        match row_in(&self.db, &select, at, round).await? {
            Some(r) => Ok(Some(self.tw_fill(r).await?)),
            None => Ok(None),
        }
    }

    async fn tw_create_round(
        &self,
        d: DistrictId,
        u: UnitId,
        w: &RoundWrite,
        audit: AuditEntry,
    ) -> StoreResult<RoundId> {
        let (by, at) = (audit.username.clone(), audit.at);
        let mut tx = self.db.begin().await?;
        let id: i64 = tx
            .fetch_one(
                "INSERT INTO twoway_rounds (district_id, unit_id, title, choose_by, rank_by, max_choices, mode, status, doc_no, reason, effective, result_json, created_by, created_at, applied_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, 'draft', '', '', NULL, '', $8, $9, NULL) RETURNING id",
                &[
                    d.0.into(),
                    u.0.into(),
                    w.input.title.as_str().into(),
                    w.input.choose_by.into(),
                    w.input.rank_by.into(),
                    i64::from(w.input.max_choices).into(),
                    w.input.mode.code().into(),
                    by.as_str().into(),
                    at.into(),
                ],
            )
            .await?
            .get(0)?;
        definition_tx(&mut tx, d, u, id, w).await?;
        event_tx(
            &mut tx,
            &TWOWAY,
            d,
            u,
            id,
            (None, Status::Draft),
            "",
            (&by, at),
        )
        .await?;
        commit_created(tx, audit, id).await?;
        Ok(RoundId(id))
    }

    async fn tw_change(
        &self,
        at: RoundAt,
        change: &RoundChange,
        audit: AuditEntry,
    ) -> StoreResult<()> {
        let mut tx = self.db.begin().await?;
        let (status, clear) = change.guard();
        guard_tx(&mut tx, at, status, clear).await?;
        match change {
            RoundChange::Definition(w) => {
                tx.execute(
                    "UPDATE twoway_rounds SET title = $4, choose_by = $5, rank_by = $6, max_choices = $7, mode = $8 \
                     WHERE id = $1 AND district_id = $2 AND unit_id = $3",
                    &scoped(
                        at,
                        [
                            w.input.title.as_str().into(),
                            w.input.choose_by.into(),
                            w.input.rank_by.into(),
                            i64::from(w.input.max_choices).into(),
                            w.input.mode.code().into(),
                        ],
                    ),
                )
                .await?;
                definition_tx(&mut tx, at.district, at.unit, at.id.0, w).await?;
            }
            RoundChange::Prefs(prefs) => {
                for p in prefs {
                    tx.execute(
                        "DELETE FROM twoway_prefs WHERE round_id = $1 AND district_id = $2 AND unit_id = $3 AND person_id = $4",
                        &scoped(at, [p.person_id.into()]),
                    )
                    .await?;
                    tx.execute(
                        "INSERT INTO twoway_prefs (round_id, district_id, unit_id, person_id, posts, accept_adjust, updated_at) \
                         SELECT $1, $2, $3, x.id, $4, $5, $6 FROM people x WHERE x.id = $7 AND x.district_id = $2 AND x.unit_id = $3",
                        &scoped(at, [join(&p.posts).into(),
                            p.accept_adjust.into(),
                            p.at.into(),
                            p.person_id.into()]),
                    )
                    .await
                    .and_then(|n| if n == 1 { Ok(()) } else { Err(StoreError::NotFound) })?;
                }
            }
            RoundChange::Ranking(rec) => {
                tx.execute(
                    "DELETE FROM twoway_rankings WHERE round_id = $1 AND district_id = $2 AND unit_id = $3 AND post_id = $4",
                    &scoped(at, [rec.post_id.into()]),
                )
                .await?;
                tx.execute(
                    "INSERT INTO twoway_rankings (round_id, district_id, unit_id, post_id, ranked, unacceptable, updated_by, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    &scoped(at, [rec.post_id.into(),
                        join(&rec.ranking.ranked).into(),
                        join(&rec.ranking.unacceptable).into(),
                        rec.by.as_str().into(),
                        rec.at.into()]),
                )
                .await?;
            }
            RoundChange::Result(json) => {
                tx.execute(
                    "UPDATE twoway_rounds SET result_json = $4 WHERE id = $1 AND district_id = $2 AND unit_id = $3",
                    &scoped(at, [json.as_str().into()]),
                )
                .await?;
            }
        }
        commit_audited(tx, &audit).await
    }

    async fn tw_prefs(&self, at: RoundAt) -> StoreResult<Vec<PrefRecord>> {
        self.db
            .fetch_all(
                "SELECT person_id, posts, accept_adjust, updated_at FROM twoway_prefs \
                 WHERE round_id = $1 AND district_id = $2 AND unit_id = $3 ORDER BY person_id",
                &scope(at),
            )
            .await?
            .iter()
            .map(|r| {
                let posts: String = r.get(1)?;
                Ok(PrefRecord {
                    person_id: r.get(0)?,
                    posts: ids(&posts),
                    accept_adjust: r.get(2)?,
                    at: r.get(3)?,
                })
            })
            .collect()
    }

    async fn tw_rankings(&self, at: RoundAt) -> StoreResult<Vec<RankingRecord>> {
        self.db
            .fetch_all(
                "SELECT post_id, ranked, unacceptable, updated_by, updated_at FROM twoway_rankings \
                 WHERE round_id = $1 AND district_id = $2 AND unit_id = $3 ORDER BY post_id",
                &scope(at),
            )
            .await?
            .iter()
            .map(|r| {
                let ranked: String = r.get(1)?;
                let un: String = r.get(2)?;
                Ok(RankingRecord {
                    post_id: r.get(0)?,
                    ranking: Ranking {
                        ranked: ids(&ranked),
                        unacceptable: ids(&un),
                    },
                    by: r.get(3)?,
                    at: r.get(4)?,
                })
            })
            .collect()
    }

    async fn tw_notify(
        &self,
        d: DistrictId,
        notices: &[NewNotice],
        audit: AuditEntry,
    ) -> StoreResult<()> {
        let mut tx = self.db.begin().await?;
        crate::inbox::notices_tx(&mut tx, d, notices).await?;
        commit_audited(tx, &audit).await
    }

    async fn tw_apply(&self, at: RoundAt, w: &ApplyWrite, audit: AuditEntry) -> StoreResult<()> {
        let (d, u) = (at.district, at.unit);
        let mut tx = begin_apply(&self.db, &TWOWAY, (d, u), &w.step, &[]).await?;
        crate::posts::write_assignments_tx(&mut tx, d, u, &w.assignments).await?;
        let on = w.assignments.on.ok_or(StoreError::NotFound)?;
        for (person, note) in &w.moves {
            // The person must still be on post (or lent out) in the unit.
            if !on_post_tx(&mut tx, d, u, *person).await? {
                return Err(StoreError::Conflict(Conflict::Person(*person)));
            }
            crate::people::move_event_tx(
                &mut tx,
                d,
                *person,
                on,
                &w.doc_no,
                note,
                (w.step.at, &w.step.by),
            )
            .await?;
        }
        crate::inbox::notices_tx(&mut tx, d, &w.notices).await?;
        commit_audited(tx, &audit).await
    }
}
