//! Posts, their function items and assignments (migration 0006). Every query is scoped by
//! district and unit; every write appends its audit rows in the same transaction.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};

use jiguan_app::ports::{Conflict, StoreError, StoreResult};
use jiguan_app::posts::{
    AssignmentRecord, AssignmentWrite, HistoryOf, PostRecord, PostsStore, UnitPostTotals,
};
use jiguan_domain::audit::AuditEntry;
use jiguan_domain::posts::{AssignmentId, Education, PostId, PostInput, PostKind, PostLevel};
use jiguan_domain::tenancy::{DistrictId, UnitId};

use crate::SqlStore;
use crate::audit::{append, commit_audited, commit_created};
use crate::db::{Row, Tx, Value};
use crate::posts_index::{self, Scope};

const POST_COLS: &str = "id, unit_id, body_id, title, level, establishment, min_education, min_service_years, other_requirements, active, created_at, updated_at";
const ASSIGN_COLS: &str = "id, unit_id, post_id, person_id, share_pct, main, overtime, start_date, end_date, end_reason, created_at, created_by";

fn bad(what: &str, v: &str) -> StoreError {
    StoreError::Backend(format!("invalid {what} in database: {v}"))
}

fn post(r: &Row) -> StoreResult<PostRecord> {
    let level: String = r.get(4)?;
    let kind: String = r.get(5)?;
    let edu: String = r.get(6)?;
    Ok(PostRecord {
        id: PostId(r.get(0)?),
        unit_id: UnitId(r.get(1)?),
        def: PostInput {
            body_id: r.get(2)?,
            title: r.get(3)?,
            level: PostLevel::from_code(&level).ok_or_else(|| bad("level", &level))?,
            establishment: PostKind::from_code(&kind).ok_or_else(|| bad("establishment", &kind))?,
            min_education: if edu.is_empty() {
                None
            } else {
                Some(Education::from_code(&edu).ok_or_else(|| bad("education", &edu))?)
            },
            min_service_years: r.get(7)?,
            other_requirements: r.get(8)?,
            functions: Vec::new(),
        },
        active: r.get(9)?,
        created_at: r.get(10)?,
        updated_at: r.get(11)?,
    })
}

fn assignment(r: &Row) -> StoreResult<AssignmentRecord> {
    Ok(AssignmentRecord {
        id: AssignmentId(r.get(0)?),
        unit_id: UnitId(r.get(1)?),
        post_id: PostId(r.get(2)?),
        person_id: r.get(3)?,
        share_pct: r.get(4)?,
        main: r.get(5)?,
        overtime: r.get(6)?,
        start_date: r.get(7)?,
        end_date: r.get(8)?,
        end_reason: r.get(9)?,
        created_at: r.get(10)?,
        created_by: r.get(11)?,
    })
}

async fn write_functions(
    tx: &mut Tx,
    d: DistrictId,
    unit: UnitId,
    id: PostId,
    input: &PostInput,
) -> StoreResult<()> {
    tx.execute(
        "DELETE FROM post_functions WHERE post_id = $1 AND district_id = $2 AND unit_id = $3",
        &[id.0.into(), d.0.into(), unit.0.into()],
    )
    .await?;
    for (f, h) in &input.functions {
        // The item must be of the same unit (the use case checked it against the
        // catalogue; this keeps a forged id from crossing units).
        let n = tx
            .execute(
                "INSERT INTO post_functions (post_id, district_id, unit_id, function_id, annual_hours) \
                 SELECT $1, $2, $3, f.id, $5 FROM function_items f WHERE f.id = $4 AND f.district_id = $2 AND f.unit_id = $3",
                &[id.0.into(), d.0.into(), unit.0.into(), (*f).into(), (*h).into()],
            )
            .await?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
    }
    posts_index::refresh_posts(tx, d, Scope::Ids(unit, &[id.0])).await
}

/// The columns a [`PostInput`] sets, in the order `body_id, title, level, establishment,
/// min_education, min_service_years, other_requirements`.
fn input_values(input: &PostInput) -> [Value; 7] {
    [
        input.body_id.into(),
        input.title.as_str().into(),
        input.level.code().into(),
        input.establishment.code().into(),
        input.min_education.map_or("", |e| e.code()).into(),
        input.min_service_years.into(),
        input.other_requirements.as_str().into(),
    ]
}

async fn body_in_unit(tx: &mut Tx, d: DistrictId, unit: UnitId, body: i64) -> StoreResult<()> {
    tx.fetch_optional(
        "SELECT id FROM bodies WHERE id = $1 AND district_id = $2 AND unit_id = $3",
        &[body.into(), d.0.into(), unit.0.into()],
    )
    .await?
    .map(|_| ())
    .ok_or(StoreError::NotFound)
}

#[async_trait]
impl PostsStore for SqlStore {
    async fn list_posts(&self, d: DistrictId, unit: UnitId) -> StoreResult<Vec<PostRecord>> {
        let rows = self
            .db
            .fetch_all(
                &format!(
                    "SELECT {POST_COLS} FROM posts WHERE district_id = $1 AND unit_id = $2 ORDER BY body_id, title, id"
                ),
                &[d.0.into(), unit.0.into()],
            )
            .await?;
        let mut posts = rows.iter().map(post).collect::<StoreResult<Vec<_>>>()?;
        let items = self
            .db
            .fetch_all(
                // Through the unit's posts and the key of their items: `post_functions` has
                // no index of units, and this was a scan of every unit's items (issue 17).
                "SELECT f.post_id, f.function_id, f.annual_hours FROM posts o JOIN post_functions f ON f.post_id = o.id \
                 WHERE o.district_id = $1 AND o.unit_id = $2 AND f.district_id = $1 AND f.unit_id = $2 \
                 ORDER BY f.post_id, f.function_id",
                &[d.0.into(), unit.0.into()],
            )
            .await?;
        let mut by_post: std::collections::BTreeMap<PostId, Vec<(i64, i64)>> = Default::default();
        for r in &items {
            by_post
                .entry(PostId(r.get(0)?))
                .or_default()
                .push((r.get(1)?, r.get(2)?));
        }
        for p in &mut posts {
            p.functions = by_post.remove(&p.id).unwrap_or_default();
        }
        Ok(posts)
    }

    async fn get_post(
        &self,
        d: DistrictId,
        unit: UnitId,
        id: PostId,
    ) -> StoreResult<Option<PostRecord>> {
        let Some(r) = self
            .db
            .fetch_optional(
                &format!("SELECT {POST_COLS} FROM posts WHERE id = $1 AND district_id = $2 AND unit_id = $3"),
                &[id.0.into(), d.0.into(), unit.0.into()],
            )
            .await?
        else {
            return Ok(None);
        };
        let mut p = post(&r)?;
        let items = self
            .db
            .fetch_all(
                "SELECT function_id, annual_hours FROM post_functions WHERE post_id = $1 AND district_id = $2 AND unit_id = $3 ORDER BY function_id",
                &[id.0.into(), d.0.into(), unit.0.into()],
            )
            .await?;
        p.functions = items
            .iter()
            .map(|r| Ok((r.get(0)?, r.get(1)?)))
            .collect::<StoreResult<_>>()?;
        Ok(Some(p))
    }

    async fn create_post(
        &self,
        d: DistrictId,
        unit: UnitId,
        input: &PostInput,
        at: DateTime<Utc>,
        audit: AuditEntry,
    ) -> StoreResult<PostId> {
        let mut tx = self.db.begin().await?;
        body_in_unit(&mut tx, d, unit, input.body_id).await?;
        let mut params = vec![d.0.into(), unit.0.into()];
        params.extend(input_values(input));
        params.extend([true.into(), at.into()]);
        let id: i64 = tx
            .fetch_one(
                "INSERT INTO posts (district_id, unit_id, body_id, title, level, establishment, min_education, min_service_years, other_requirements, active, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
                &params,
            )
            .await?
            .get(0)?;
        let id = PostId(id);
        write_functions(&mut tx, d, unit, id, input).await?;
        commit_created(tx, audit, id).await?;
        Ok(id)
    }

    async fn update_post(
        &self,
        d: DistrictId,
        unit: UnitId,
        id: PostId,
        input: &PostInput,
        at: DateTime<Utc>,
        audit: AuditEntry,
    ) -> StoreResult<()> {
        let mut tx = self.db.begin().await?;
        body_in_unit(&mut tx, d, unit, input.body_id).await?;
        let mut params = Vec::from(input_values(input));
        params.extend([at.into(), id.0.into(), d.0.into(), unit.0.into()]);
        let n = tx
            .execute(
                "UPDATE posts SET body_id = $1, title = $2, level = $3, establishment = $4, min_education = $5, min_service_years = $6, other_requirements = $7, updated_at = $8 \
                 WHERE id = $9 AND district_id = $10 AND unit_id = $11",
                &params,
            )
            .await?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        write_functions(&mut tx, d, unit, id, input).await?;
        commit_audited(tx, &audit).await
    }

    #[allow(clippy::too_many_arguments)]
    async fn set_post_active(
        &self,
        d: DistrictId,
        unit: UnitId,
        id: PostId,
        active: bool,
        on: NaiveDate,
        _by: &str,
        at: DateTime<Utc>,
        audit: AuditEntry,
    ) -> StoreResult<()> {
        let mut tx = self.db.begin().await?;
        let n = tx
            .execute(
                "UPDATE posts SET active = $1, updated_at = $2 WHERE id = $3 AND district_id = $4 AND unit_id = $5",
                &[active.into(), at.into(), id.0.into(), d.0.into(), unit.0.into()],
            )
            .await?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        posts_index::refresh_posts(&mut tx, d, Scope::Ids(unit, &[id.0])).await?;
        if !active {
            let holders: Vec<i64> = tx
                .fetch_all(
                    "SELECT person_id FROM post_assignments WHERE post_id = $1 AND district_id = $2 AND unit_id = $3 AND end_date IS NULL",
                    &[id.0.into(), d.0.into(), unit.0.into()],
                )
                .await?
                .iter()
                .map(|r| r.get(0))
                .collect::<StoreResult<_>>()?;
            tx.execute(
                "UPDATE post_assignments SET end_date = CASE WHEN start_date > $1 THEN start_date ELSE $1 END, end_reason = $2 \
                 WHERE post_id = $3 AND district_id = $4 AND unit_id = $5 AND end_date IS NULL",
                &[
                    on.into(),
                    "post deactivated (岗位撤销)".into(),
                    id.0.into(),
                    d.0.into(),
                    unit.0.into(),
                ],
            )
            .await?;
            posts_index::refresh_holders(&mut tx, d, Scope::Ids(unit, &holders)).await?;
        }
        commit_audited(tx, &audit).await
    }

    async fn load_parts(
        &self,
        d: DistrictId,
        unit: UnitId,
    ) -> StoreResult<Vec<jiguan_domain::posts::balance::LoadPart>> {
        // Per open assignment four integers; the hours and share sums by correlated lookups
        // (post_functions' key, the assignments' post index), never the unit's posts.
        let rows = self
            .db
            .fetch_all(
                "SELECT a.person_id, CAST(COALESCE((SELECT SUM(f.annual_hours) FROM post_functions f \
                 JOIN posts p ON p.id = f.post_id AND p.district_id = f.district_id AND p.unit_id = f.unit_id \
                 WHERE f.post_id = a.post_id AND f.district_id = $1 AND f.unit_id = $2), 0) AS BIGINT), a.share_pct, \
                 CAST((SELECT SUM(o.share_pct) FROM post_assignments o WHERE o.district_id = $1 AND o.unit_id = $2 \
                 AND o.post_id = a.post_id AND o.end_date IS NULL) AS BIGINT) \
                 FROM post_assignments a WHERE a.district_id = $1 AND a.unit_id = $2 AND a.end_date IS NULL \
                 ORDER BY a.person_id, a.id",
                &[d.0.into(), unit.0.into()],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(jiguan_domain::posts::balance::LoadPart {
                    person_id: r.get(0)?,
                    hours: r.get(1)?,
                    share_pct: r.get(2)?,
                    post_shares: r.get(3)?,
                })
            })
            .collect()
    }

    async fn open_assignments(
        &self,
        d: DistrictId,
        unit: Option<UnitId>,
    ) -> StoreResult<Vec<AssignmentRecord>> {
        let mut params: Vec<Value> = vec![d.0.into()];
        let mut sql = format!(
            "SELECT {ASSIGN_COLS} FROM post_assignments WHERE district_id = $1 AND end_date IS NULL"
        );
        if let Some(u) = unit {
            params.push(u.0.into());
            sql.push_str(" AND unit_id = $2");
        }
        sql.push_str(" ORDER BY id");
        let rows = self.db.fetch_all(&sql, &params).await?;
        rows.iter().map(assignment).collect()
    }

    async fn assignment_history(
        &self,
        d: DistrictId,
        unit: UnitId,
        of: HistoryOf,
    ) -> StoreResult<Vec<AssignmentRecord>> {
        let (post, person) = of.filters();
        let rows = self
            .db
            .fetch_all(
                &format!(
                    "SELECT {ASSIGN_COLS} FROM post_assignments WHERE district_id = $1 AND unit_id = $2 \
                     AND ($3 IS NULL OR post_id = $3) AND ($4 IS NULL OR person_id = $4) ORDER BY start_date DESC, id DESC"
                ),
                &[d.0.into(), unit.0.into(), post.map(|p| p.0).into(), person.into()],
            )
            .await?;
        rows.iter().map(assignment).collect()
    }

    async fn write_assignments(
        &self,
        d: DistrictId,
        unit: UnitId,
        w: &AssignmentWrite,
        audits: Vec<AuditEntry>,
    ) -> StoreResult<Vec<AssignmentId>> {
        let mut tx = self.db.begin().await?;
        let ids = write_assignments_tx(&mut tx, d, unit, w).await?;
        for (i, audit) in audits.into_iter().enumerate() {
            let mut audit = audit;
            if audit.object_id.is_empty()
                && let Some(id) = ids.get(i)
            {
                audit.object_id = id.to_string();
            }
            append(&mut tx, &audit).await?;
        }
        tx.commit().await?;
        Ok(ids)
    }

    async fn post_totals(&self, d: DistrictId) -> StoreResult<Vec<UnitPostTotals>> {
        // From the kept-exact counters (migration 26), in the shape of the old two
        // queries: units with active posts first, then the others with open assignments.
        let rows = self
            .db
            .fetch_all(posts_index::TOTALS_SQL, &[d.0.into()])
            .await?;
        let mut out: Vec<UnitPostTotals> = Vec::new();
        let mut rest: Vec<UnitPostTotals> = Vec::new();
        for r in &rows {
            let t = UnitPostTotals {
                unit_id: UnitId(r.get(0)?),
                posts: r.get(1)?,
                hours: r.get(2)?,
                share_sum: r.get(3)?,
                holders: r.get(4)?,
            };
            if t.posts > 0 {
                out.push(t);
            } else if t.holders > 0 {
                rest.push(UnitPostTotals { hours: 0, ..t });
            }
        }
        out.extend(rest);
        Ok(out)
    }
}

/// Writes assignment changes inside the caller's transaction (see
/// [`PostsStore::write_assignments`]): the open assignments in `w.end` are ended on `w.on`
/// (each must still be open, else `Conflict(Assignment)`), then the new ones start (the
/// post and the person must be of the unit, no duplicate open assignment). Returns the new
/// ids in order. Also used by two-way selection's apply.
pub(crate) async fn write_assignments_tx(
    tx: &mut Tx,
    d: DistrictId,
    unit: UnitId,
    w: &AssignmentWrite,
) -> StoreResult<Vec<AssignmentId>> {
    let on = w.on.ok_or(StoreError::NotFound)?;
    let at = w.at;
    // The people whose open assignments change, for the counters.
    let mut people: Vec<i64> = w.create.iter().map(|a| a.person_id).collect();
    for id in &w.end {
        let n = tx
            .fetch_optional(
                "UPDATE post_assignments SET end_date = $1, end_reason = $2 \
                 WHERE id = $3 AND district_id = $4 AND unit_id = $5 AND end_date IS NULL RETURNING person_id",
                &[
                    on.into(),
                    w.reason.as_str().into(),
                    id.0.into(),
                    d.0.into(),
                    unit.0.into(),
                ],
            )
            .await?;
        match n {
            Some(r) => people.push(r.get(0)?),
            None => return Err(StoreError::Conflict(Conflict::Assignment)),
        }
    }
    let mut ids = Vec::new();
    for a in &w.create {
        // Post and person must be of this unit (or the person lent to it), and the
        // person may not already hold the post.
        let ok = tx
            .fetch_optional(
                "SELECT p.id FROM posts p, people x WHERE p.id = $1 AND p.district_id = $2 AND p.unit_id = $3 \
                 AND x.id = $4 AND x.district_id = $2 AND (x.unit_id = $3 OR x.host_unit_id = $3)",
                &[a.post_id.0.into(), d.0.into(), unit.0.into(), a.person_id.into()],
            )
            .await?;
        if ok.is_none() {
            return Err(StoreError::NotFound);
        }
        let dup = tx
            .fetch_optional(
                "SELECT id FROM post_assignments WHERE district_id = $1 AND unit_id = $2 AND post_id = $3 AND person_id = $4 AND end_date IS NULL",
                &[d.0.into(), unit.0.into(), a.post_id.0.into(), a.person_id.into()],
            )
            .await?;
        if dup.is_some() {
            return Err(StoreError::Conflict(Conflict::Assignment));
        }
        let id: i64 = tx
            .fetch_one(
                "INSERT INTO post_assignments (district_id, unit_id, post_id, person_id, share_pct, main, overtime, start_date, end_date, end_reason, created_at, created_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, '', $9, $10) RETURNING id",
                &[
                    d.0.into(),
                    unit.0.into(),
                    a.post_id.0.into(),
                    a.person_id.into(),
                    a.share_pct.into(),
                    a.main.into(),
                    a.overtime.into(),
                    on.into(),
                    at.into(),
                    w.by.as_str().into(),
                ],
            )
            .await?
            .get(0)?;
        ids.push(AssignmentId(id));
    }
    people.sort_unstable();
    people.dedup();
    posts_index::refresh_holders(tx, d, Scope::Ids(unit, &people)).await?;
    Ok(ids)
}
