//! Counters of the posts module kept by every posts write (issue 17, migration 26): the
//! district FTE report and the dashboard read per unit the active posts, their function
//! hours, the open assignments' share sum and their distinct holders. Each was a `GROUP
//! BY` over the unit's 100,000 posts or assignments; now they are one row per unit:
//!
//! - `post_counted`: each active post with its function hours;
//! - `assignment_holders`: per unit and person, the share sum of their open assignments
//!   (a row only while they hold one);
//! - `post_counters`: the sums of both per unit.
//!
//! Each write of `posts`, `post_functions` or `post_assignments` in the store calls
//! [`refresh_posts`] / [`refresh_holders`] for what it touched, inside its transaction;
//! the store story `posts_index::*` checks the counters against the old queries.

use jiguan_app::ports::StoreResult;
use jiguan_domain::tenancy::{DistrictId, UnitId};

use crate::db::{Tx, Value};

/// Which rows a refresh rewrites: these ids of the unit, or the whole unit.
#[derive(Clone, Copy)]
pub(crate) enum Scope<'a> {
    Ids(UnitId, &'a [i64]),
    Unit(UnitId),
}

impl Scope<'_> {
    /// The condition on `unit_id` and `id_col` (the district is `$1`).
    fn cond(&self, id_col: &str) -> String {
        match self {
            Scope::Ids(u, ids) => {
                let l: Vec<String> = ids.iter().map(i64::to_string).collect();
                format!(" AND unit_id = {} AND {id_col} IN ({})", u.0, l.join(", "))
            }
            Scope::Unit(u) => format!(" AND unit_id = {}", u.0),
        }
    }
    fn is_empty(&self) -> bool {
        matches!(self, Scope::Ids(_, ids) if ids.is_empty())
    }
}

/// Adds the sums of `select` (rows `district_id, unit_id, posts, hours, share_sum,
/// holders`, already signed) to the counters.
async fn add(tx: &mut Tx, select: &str, params: &[Value]) -> StoreResult<()> {
    tx.execute(
        &format!(
            "INSERT INTO post_counters (district_id, unit_id, posts, hours, share_sum, holders) {select} \
             ON CONFLICT (district_id, unit_id) DO UPDATE SET posts = post_counters.posts + excluded.posts, \
             hours = post_counters.hours + excluded.hours, share_sum = post_counters.share_sum + excluded.share_sum, \
             holders = post_counters.holders + excluded.holders"
        ),
        params,
    )
    .await?;
    Ok(())
}

async fn drop_empty(tx: &mut Tx, d: DistrictId) -> StoreResult<()> {
    tx.execute(
        "DELETE FROM post_counters WHERE district_id = $1 AND posts = 0 AND hours = 0 AND share_sum = 0 AND holders = 0",
        &[d.0.into()],
    )
    .await?;
    Ok(())
}

/// Rewrites the `post_counted` rows of the posts in `scope` (ids: post ids) from `posts`
/// and `post_functions`, and the counters with them.
pub(crate) async fn refresh_posts(tx: &mut Tx, d: DistrictId, scope: Scope<'_>) -> StoreResult<()> {
    if scope.is_empty() {
        return Ok(());
    }
    let c = scope.cond("post_id");
    let sum = |m: &str| {
        format!(
            "SELECT district_id, unit_id, {m}CAST(COUNT(*) AS BIGINT), {m}CAST(SUM(hours) AS BIGINT), CAST(0 AS BIGINT), \
             CAST(0 AS BIGINT) FROM post_counted WHERE district_id = $1{c} GROUP BY district_id, unit_id"
        )
    };
    add(tx, &sum("-"), &[d.0.into()]).await?;
    tx.execute(
        &format!("DELETE FROM post_counted WHERE district_id = $1{c}"),
        &[d.0.into()],
    )
    .await?;
    tx.execute(
        &format!(
            "INSERT INTO post_counted (post_id, district_id, unit_id, hours) SELECT id, district_id, unit_id, \
             CAST(COALESCE((SELECT SUM(f.annual_hours) FROM post_functions f WHERE f.post_id = posts.id \
             AND f.district_id = posts.district_id), 0) AS BIGINT) FROM posts WHERE district_id = $1 AND active = $2{}",
            scope.cond("id")
        ),
        &[d.0.into(), true.into()],
    )
    .await?;
    add(tx, &sum(""), &[d.0.into()]).await?;
    drop_empty(tx, d).await
}

/// Rewrites the `assignment_holders` rows of the people in `scope` (ids: person ids)
/// from their open assignments, and the counters with them.
pub(crate) async fn refresh_holders(
    tx: &mut Tx,
    d: DistrictId,
    scope: Scope<'_>,
) -> StoreResult<()> {
    if scope.is_empty() {
        return Ok(());
    }
    let c = scope.cond("person_id");
    let sum = |m: &str| {
        format!(
            "SELECT district_id, unit_id, CAST(0 AS BIGINT), CAST(0 AS BIGINT), {m}CAST(SUM(share_sum) AS BIGINT), \
             {m}CAST(COUNT(*) AS BIGINT) FROM assignment_holders WHERE district_id = $1{c} GROUP BY district_id, unit_id"
        )
    };
    add(tx, &sum("-"), &[d.0.into()]).await?;
    tx.execute(
        &format!("DELETE FROM assignment_holders WHERE district_id = $1{c}"),
        &[d.0.into()],
    )
    .await?;
    tx.execute(
        &format!(
            "INSERT INTO assignment_holders (district_id, unit_id, person_id, share_sum) \
             SELECT district_id, unit_id, person_id, CAST(SUM(share_pct) AS BIGINT) FROM post_assignments \
             WHERE district_id = $1{c} AND end_date IS NULL GROUP BY district_id, unit_id, person_id"
        ),
        &[d.0.into()],
    )
    .await?;
    add(tx, &sum(""), &[d.0.into()]).await?;
    drop_empty(tx, d).await
}

/// The per-unit totals of the posts report from the counters, in the order and shape of
/// the old two queries: units with active posts (`unit, posts, hours`), then units with
/// open assignments (`unit, share_sum, holders`). `$1` district.
pub const TOTALS_SQL: &str = "SELECT unit_id, posts, hours, share_sum, holders FROM post_counters WHERE district_id = $1 ORDER BY unit_id";
