//! Reform results report (改革成效): counts and sums over the dated history, one SQL text
//! per family for both backends, grouped by unit. Nothing here loads a roster: the staff on
//! a date are the latest `person_events` row of each person on or before that date
//! (`ROW_NUMBER() OVER (PARTITION BY person_id …)`), counted and summed in the database.
//! Downsizing lines and pending plan operations come back one row each (their JSON is
//! summed by the domain's rules); they are a few per unit.

use std::collections::BTreeMap;

use async_trait::async_trait;
use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, TimeZone, Utc};

use jiguan_app::ports::{StoreResult, Unit};
use jiguan_app::report::{ReportStore, TraceRow};
use jiguan_domain::report::work::{Moments, trend_dates};
use jiguan_domain::report::{Cell, Family, Moment, Period, Trace};
use jiguan_domain::tenancy::{DistrictId, UnitId};
use jiguan_domain::time::china;

use crate::SqlStore;
use crate::db::{Row, Value};
use crate::tenancy::{UNIT_COLS, unit};

/// People counted on a date: on post or lent out (the downsizing share's base too).
const COUNTED: &str = "('on_post', 'lent_out')";

/// The state of each person on `$2`: the latest event on or before it. `{scope}` narrows
/// the people read (to those who ever were in the unit) before the window runs.
fn state_on(scope: &str) -> String {
    format!(
        "SELECT e.person_id, e.unit_id, e.identity, e.establishment, e.status, e.leader, \
         e.basic_pay + e.allowances + e.social_insurance + e.housing_fund AS cost, \
         ROW_NUMBER() OVER (PARTITION BY e.person_id ORDER BY e.on_date DESC, e.id DESC) AS rn \
         FROM person_events e WHERE e.district_id = $1 AND e.on_date <= $2 {scope}"
    )
}

/// Narrows the people read to those who ever were in the unit `$3`.
const PERSON_SCOPE: &str = "AND e.person_id IN (SELECT x.person_id FROM person_events x WHERE x.district_id = $1 AND x.unit_id = $3)";

/// The annual hours of each post (Σ of its function items).
const HOURS: &str = "SELECT f.post_id, SUM(f.annual_hours) AS hours FROM post_functions f WHERE f.district_id = $1 GROUP BY f.post_id";

/// A post counts on a date from its creation until it is deactivated (`$3` = the start of
/// the next day in China time): posts keep no versions, so a deactivated post's last
/// change (`updated_at`) is taken as its end. (The report's families join the same
/// condition to both dates.)
const POST_ON3: &str = "p.created_at < $3 AND (p.active OR p.updated_at >= $3)";
/// An assignment open on the date `$2`.
const ASSIGN_ON: &str = "a.start_date <= $2 AND (a.end_date IS NULL OR a.end_date > $2)";

/// The start of the day after `on` in China time: "on or before `on`" for a timestamp.
fn day_end(on: NaiveDate) -> DateTime<Utc> {
    let next = on.succ_opt().unwrap_or(on).and_time(NaiveTime::MIN);
    china()
        .from_local_datetime(&next)
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| next.and_utc())
}

/// The moments of each person's workload on the dates `$2` (index 0) and `$3` (index 1)
/// (hours: a post's hours split among its holders by share, as the posts module's balance
/// does), per unit and, for the district, over every unit (unit 0); `$4` = the unit if
/// any. Rows: date index, unit, n, Σx, Σx², Σ i·x₍ᵢ₎. The loads are computed once for both
/// dates and grouped by value before they are ranked: a run of k equal loads x after p
/// smaller ones adds x·(k·p + k(k+1)/2) to Σ i·x₍ᵢ₎, so only the distinct loads are sorted.
fn spread_sql(one_unit: bool) -> String {
    let u = if one_unit { " AND a.unit_id = $4" } else { "" };
    let fu = if one_unit { " AND f.unit_id = $4" } else { "" };
    let moments = |of: &str, by: &str| {
        format!(
            "SELECT i, {by}, CAST(SUM(k) AS BIGINT), CAST(SUM(k * x) AS DOUBLE PRECISION), \
             CAST(SUM(k * x * x) AS DOUBLE PRECISION), CAST(SUM(x * CAST(k * p + k * (k + 1) / 2 AS DOUBLE PRECISION)) AS DOUBLE PRECISION) \
             FROM {of} GROUP BY i{}",
            if by == "unit_id" { ", unit_id" } else { "" }
        )
    };
    let ranked = |of: &str, part: &str| {
        format!(
            "(SELECT i, {part}x, k, CAST(COALESCE(SUM(k) OVER (PARTITION BY i{} ORDER BY x \
             ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS BIGINT) AS p FROM {of}) r",
            if part.is_empty() { "" } else { ", unit_id" }
        )
    };
    let district = if one_unit {
        String::new()
    } else {
        format!(
            " UNION ALL {}",
            moments(
                &ranked(
                    "(SELECT i, x, CAST(SUM(k) AS BIGINT) AS k FROM v GROUP BY i, x) dv",
                    ""
                ),
                "CAST(0 AS BIGINT)"
            )
        )
    };
    format!(
        "WITH dts AS (SELECT CAST(0 AS BIGINT) AS i, $2 AS t UNION ALL SELECT CAST(1 AS BIGINT), $3), \
         a AS MATERIALIZED (SELECT dts.i, a.unit_id, a.person_id, a.post_id, a.share_pct FROM post_assignments a \
         JOIN dts ON a.start_date <= dts.t AND (a.end_date IS NULL OR a.end_date > dts.t) WHERE a.district_id = $1{u}), \
         s AS (SELECT a.i, a.post_id, CAST(SUM(a.share_pct) AS DOUBLE PRECISION) AS tot FROM a GROUP BY a.i, a.post_id), \
         h AS (SELECT f.post_id, SUM(f.annual_hours) AS hours FROM post_functions f WHERE f.district_id = $1{fu} GROUP BY f.post_id), \
         l AS (SELECT a.i, a.unit_id, a.person_id, SUM(CAST(COALESCE(h.hours, 0) AS DOUBLE PRECISION) * a.share_pct / s.tot) AS x \
         FROM a JOIN s ON s.i = a.i AND s.post_id = a.post_id LEFT JOIN h ON h.post_id = a.post_id GROUP BY a.i, a.unit_id, a.person_id), \
         v AS MATERIALIZED (SELECT i, unit_id, x, CAST(COUNT(*) AS BIGINT) AS k FROM l GROUP BY i, unit_id, x) \
         {}{district}",
        moments(&ranked("v", "unit_id, "), "unit_id")
    )
}

/// Each person's history rows with the date each stops being the latest (`nxt`, from
/// `LEAD(on_date)`: same ordering as [`state_on`]), as the subquery `ev` (`ev.*`: person,
/// unit, identity, establishment, status, leader, on_date, cost, nxt). `$1` = district,
/// `$2` = the unit if any.
fn history(unit: Option<UnitId>) -> String {
    history_of(unit, "")
}

/// [`history`] of the people with a row that `cond` (on `x`) holds for: every row of each
/// such person (so `nxt` is the same), none of the others.
fn history_of(unit: Option<UnitId>, cond: &str) -> String {
    let mut scope = if unit.is_some() {
        " AND e.person_id IN (SELECT x.person_id FROM person_events x WHERE x.district_id = $1 AND x.unit_id = $2)"
    } else {
        ""
    }
    .to_string();
    if !cond.is_empty() {
        scope.push_str(&format!(
            " AND e.person_id IN (SELECT x.person_id FROM person_events x WHERE x.district_id = $1 AND {cond})"
        ));
    }
    format!(
        "(SELECT e.person_id, e.unit_id, e.identity, e.establishment, e.status, e.leader, e.on_date, \
         e.basic_pay + e.allowances + e.social_insurance + e.housing_fund AS cost, \
         LEAD(e.on_date) OVER (PARTITION BY e.person_id ORDER BY e.on_date, e.id) AS nxt \
         FROM person_events e WHERE e.district_id = $1{scope}) ev"
    )
}

/// The parameters of [`points_sql`] and [`spans_sql`]: district, the unit if any, then
/// the dates (from `$2`, or `$3` with a unit).
fn dated_params(d: DistrictId, unit: Option<UnitId>, dates: &[NaiveDate]) -> (usize, Vec<Value>) {
    let base = if unit.is_some() { 3 } else { 2 };
    let mut params = with_unit(vec![d.0.into()], unit);
    params.extend(dates.iter().map(|x| Value::from(*x)));
    (base, params)
}

/// A query over each person's history row that is the latest on each of `dates`: `{ev}`
/// in `select` becomes the rows joined to the dates (`ev.*` as in [`history`]; `dts.i` the
/// date's index, `dts.t` the date), in one pass over the history of the people `people`
/// names (a condition on a history row `x`, see [`history_of`]; empty: everyone).
fn points_sql(
    d: DistrictId,
    unit: Option<UnitId>,
    dates: &[NaiveDate],
    people: &str,
    select: &str,
) -> (String, Vec<Value>) {
    let (base, params) = dated_params(d, unit, dates);
    let points: Vec<String> = (0..dates.len())
        .map(|i| format!("SELECT CAST({i} AS BIGINT) AS i, ${} AS t", base + i))
        .collect();
    let ev = format!(
        "{} JOIN ({}) dts ON ev.on_date <= dts.t AND (ev.nxt IS NULL OR ev.nxt > dts.t)",
        history_of(unit, people),
        points.join(" UNION ALL ")
    );
    (select.replace("{ev}", &ev), params)
}

/// Like [`points_sql`] without the join: each history row once, with `{lo}` and `{hi}`
/// the first and last index of the `dates` (ascending) on which it is the latest (it is
/// on none when `{lo}` > `{hi}`), so that rows can be grouped before they are spread over
/// the dates (100,000 rows grouped instead of 100,000 × the dates).
fn spans_sql(
    d: DistrictId,
    unit: Option<UnitId>,
    dates: &[NaiveDate],
    select: &str,
) -> (String, Vec<Value>) {
    let (base, params) = dated_params(d, unit, dates);
    let n = dates.len();
    let lo: String = (0..n)
        .map(|i| format!(" WHEN ev.on_date <= ${} THEN {i}", base + i))
        .collect();
    let hi: String = (0..n)
        .rev()
        .map(|i| format!(" WHEN ev.nxt > ${} THEN {i}", base + i))
        .collect();
    let sql = select
        .replace("{ev}", &history(unit))
        .replace("{lo}", &format!("CAST(CASE{lo} ELSE {n} END AS BIGINT)"))
        .replace(
            "{hi}",
            &format!(
                "CAST(CASE WHEN ev.nxt IS NULL THEN {} {hi} ELSE -1 END AS BIGINT)",
                n - 1
            ),
        );
    (sql, params)
}

/// `AND <col> = $n` when a unit is given.
fn unit_cond(col: &str, unit: Option<UnitId>, n: usize) -> String {
    unit.map(|_| format!(" AND {col} = ${n}"))
        .unwrap_or_default()
}

fn with_unit(mut v: Vec<Value>, unit: Option<UnitId>) -> Vec<Value> {
    if let Some(u) = unit {
        v.push(u.0.into());
    }
    v
}

/// The moment of a date index of a two-date query (0: the "from" date, 1: the "to" date).
fn both_at(i: i64) -> Moment {
    if i == 0 {
        Moment::Before
    } else {
        Moment::After
    }
}

fn cell(r: &Row, family: Family, at: Moment) -> StoreResult<Cell> {
    Ok(Cell::new(
        UnitId(r.get(0)?),
        family,
        at,
        &r.get::<String>(1)?,
        r.get(2)?,
    ))
}

/// The memory PostgreSQL may give each sort and hash of the report's largest queries (the
/// per-person workloads, the window over the history): at the default 4 MB their hash
/// aggregates spill to disk over 100,000 people.
const REPORT_WORK_MEM: &str = "SET LOCAL work_mem = '64MB'";

impl SqlStore {
    /// Rows of a large read: on PostgreSQL in a transaction of its own with a larger
    /// `work_mem` ([`REPORT_WORK_MEM`]), on SQLite as it is.
    async fn fetch_large(&self, sql: &str, params: &[Value]) -> StoreResult<Vec<Row>> {
        if self.db.backend() != crate::db::Backend::Postgres {
            return self.db.fetch_all(sql, params).await;
        }
        let mut tx = self.db.begin().await?;
        tx.execute(REPORT_WORK_MEM, &[]).await?;
        let rows = tx.fetch_all(sql, params).await?;
        tx.commit().await?;
        Ok(rows)
    }

    /// Rows of `sql` with `$1`… = `params` and, after them, the unit (if any): with
    /// [`in_period`] the changes of a period, with only the district the current state.
    async fn rows(
        &self,
        sql: &str,
        params: Vec<Value>,
        unit: Option<UnitId>,
    ) -> StoreResult<Vec<Row>> {
        self.db.fetch_all(sql, &with_unit(params, unit)).await
    }

    /// Rows of `sql` at each end of the period (`Before` at `from`, `After` at `to`), given
    /// to `f`: `$1` = district, `$2` = `second` of the date ([`date_of`] or [`year_of`]),
    /// `$3` = the unit (if any).
    async fn at_both<F>(
        &self,
        sql: &str,
        (d, p, unit): (DistrictId, Period, Option<UnitId>),
        second: fn(NaiveDate) -> Value,
        mut f: F,
    ) -> StoreResult<Vec<Cell>>
    where
        F: FnMut(&Row, Moment, &mut Vec<Cell>) -> StoreResult<()>,
    {
        let mut out = Vec::new();
        for (at, on) in [(Moment::Before, p.from), (Moment::After, p.to)] {
            for r in self.rows(sql, vec![d.0.into(), second(on)], unit).await? {
                f(&r, at, &mut out)?;
            }
        }
        Ok(out)
    }
}

/// `$1` = district, `$2` = from, `$3` = to.
fn in_period(d: DistrictId, p: Period) -> Vec<Value> {
    vec![d.0.into(), p.from.into(), p.to.into()]
}

/// The date itself, for [`SqlStore::at_both`].
fn date_of(on: NaiveDate) -> Value {
    on.into()
}

/// The year of the date, for [`SqlStore::at_both`].
fn year_of(on: NaiveDate) -> Value {
    i64::from(on.year()).into()
}

#[async_trait]
impl ReportStore for SqlStore {
    async fn report_cells(
        &self,
        d: DistrictId,
        unit: Option<UnitId>,
        family: Family,
        p: Period,
    ) -> StoreResult<Vec<Cell>> {
        let u3 = |col: &str| unit_cond(col, unit, 3);
        let u4 = |col: &str| unit_cond(col, unit, 4);
        match family {
            Family::Bodies => {
                let sql = format!(
                    "SELECT v.unit_id, v.kind, CAST(COUNT(*) AS BIGINT) FROM body_versions v \
                     WHERE v.district_id = $1 AND v.valid_from <= $2 AND (v.valid_to IS NULL OR v.valid_to > $2) \
                     AND v.status = 'active'{} GROUP BY v.unit_id, v.kind",
                    u3("v.unit_id")
                );
                self.at_both(&sql, (d, p, unit), date_of, |r, at, out| {
                    out.push(cell(r, family, at)?);
                    Ok(())
                })
                .await
            }
            Family::BodyChanges => {
                let sql = format!(
                    "SELECT v.unit_id, v.status, CAST(COUNT(*) AS BIGINT) FROM body_versions v \
                     WHERE v.district_id = $1 AND v.valid_from > $2 AND v.valid_from <= $3 AND v.status <> 'active' \
                     AND EXISTS (SELECT 1 FROM body_versions b WHERE b.district_id = v.district_id AND b.body_id = v.body_id \
                     AND b.valid_to = v.valid_from AND b.status = 'active'){u} GROUP BY v.unit_id, v.status \
                     UNION ALL \
                     SELECT v.unit_id, 'created', CAST(COUNT(*) AS BIGINT) FROM body_versions v \
                     WHERE v.district_id = $1 AND v.valid_from > $2 AND v.valid_from <= $3 AND v.status = 'active' \
                     AND NOT EXISTS (SELECT 1 FROM body_versions b WHERE b.district_id = v.district_id AND b.body_id = v.body_id \
                     AND b.valid_from < v.valid_from){u} GROUP BY v.unit_id",
                    u = u4("v.unit_id")
                );
                self.rows(&sql, in_period(d, p), unit)
                    .await?
                    .iter()
                    .map(|r| cell(r, family, Moment::Period))
                    .collect()
            }
            Family::Caps => {
                let sql = format!(
                    "SELECT unit_id, max_bodies, max_chiefs, max_deputies FROM org_caps \
                     WHERE district_id = $1 AND valid_from <= $2 AND (valid_to IS NULL OR valid_to > $2){} \
                     ORDER BY unit_id, valid_from DESC, id DESC",
                    u3("unit_id")
                );
                let mut seen = std::collections::BTreeSet::new();
                self.at_both(&sql, (d, p, unit), date_of, |r, at, out| {
                    let u = UnitId(r.get(0)?);
                    if seen.insert((u, at.code())) {
                        for (i, k) in ["bodies", "chiefs", "deputies"].iter().enumerate() {
                            out.push(Cell::new(u, family, at, k, r.get(i + 1)?));
                        }
                    }
                    Ok(())
                })
                .await
            }
            Family::Middle => {
                let sql = format!(
                    "SELECT s.unit_id, CAST(SUM(l.chiefs) AS BIGINT), CAST(SUM(l.deputies) AS BIGINT) \
                     FROM org_splits s JOIN org_split_lines l ON l.split_id = s.id \
                     WHERE s.district_id = $1 AND s.effective <= $2{} AND NOT EXISTS (SELECT 1 FROM org_splits s2 \
                     WHERE s2.district_id = s.district_id AND s2.unit_id = s.unit_id AND s2.effective <= $2 \
                     AND (s2.effective > s.effective OR (s2.effective = s.effective AND s2.id > s.id))) \
                     GROUP BY s.unit_id",
                    u3("s.unit_id")
                );
                self.at_both(&sql, (d, p, unit), date_of, |r, at, out| {
                    let u = UnitId(r.get(0)?);
                    out.push(Cell::new(u, family, at, "chief", r.get(1)?));
                    out.push(Cell::new(u, family, at, "deputy", r.get(2)?));
                    Ok(())
                })
                .await
            }
            Family::Staff => {
                // One pass over the history for both dates and every point of the cost
                // trend: each row grouped with the span of points it is the latest on, then
                // spread over them here; by identity and establishment on the two dates.
                let dates = trend_dates(p);
                let last = dates.len() - 1;
                let (sql, params) = spans_sql(
                    d,
                    unit,
                    &dates,
                    &format!(
                        "SELECT ev.unit_id, {{lo}} AS lo, {{hi}} AS hi, ev.identity, ev.establishment, \
                         CAST(COUNT(*) AS BIGINT), CAST(SUM(ev.cost) AS BIGINT) FROM {{ev}} \
                         WHERE ev.status IN {COUNTED}{u} GROUP BY ev.unit_id, 2, 3, ev.identity, ev.establishment",
                        u = unit_cond("ev.unit_id", unit, 2),
                    ),
                );
                type Key = (UnitId, usize);
                let mut trend: BTreeMap<Key, (i64, i64)> = BTreeMap::new();
                let mut ends: BTreeMap<(Key, String, String), (i64, i64)> = BTreeMap::new();
                for r in self.fetch_large(&sql, &params).await? {
                    let u = UnitId(r.get(0)?);
                    let (lo, hi): (i64, i64) = (r.get(1)?, r.get(2)?);
                    let (n, sum): (i64, i64) = (r.get(5)?, r.get(6)?);
                    let (Ok(lo), Ok(hi)) = (usize::try_from(lo), usize::try_from(hi)) else {
                        continue;
                    };
                    for i in lo..=hi.min(last) {
                        let t = trend.entry((u, i)).or_default();
                        *t = (t.0 + n, t.1 + sum);
                        if i == 0 || i == last {
                            let e = ends.entry(((u, i), r.get(3)?, r.get(4)?)).or_default();
                            *e = (e.0 + n, e.1 + sum);
                        }
                    }
                }
                let mut out = Vec::new();
                for ((u, i), (n, sum)) in trend {
                    let mut c = Cell::new(u, Family::CostTrend, Moment::Period, &i.to_string(), n);
                    c.sum = sum;
                    out.push(c);
                }
                for (((u, i), identity, establishment), (n, sum)) in ends {
                    let mut at = Vec::new();
                    if i == 0 {
                        at.push(Moment::Before);
                    }
                    if i == last {
                        at.push(Moment::After);
                    }
                    for at in at {
                        let mut c = Cell::new(u, family, at, &identity, n);
                        c.b = establishment.clone();
                        c.sum = sum;
                        out.push(c);
                    }
                }
                Ok(out)
            }
            Family::LeadersInMiddle => {
                let dates = [p.from, p.to];
                // Every person's history (narrowing it to the people ever in the leadership,
                // `"x.leader"`, took 29.5 s on SQLite over 100,000 people: see
                // docs/PERFORMANCE.md, issue 16 fourth round).
                let (sql, params) = points_sql(
                    d,
                    unit,
                    &dates,
                    "",
                    &format!(
                        "SELECT ev.unit_id, dts.i, CAST(COUNT(DISTINCT ev.person_id) AS BIGINT) FROM {{ev}} \
                         JOIN post_assignments a ON a.district_id = $1 AND a.person_id = ev.person_id \
                         AND a.start_date <= dts.t AND (a.end_date IS NULL OR a.end_date > dts.t) \
                         JOIN posts p ON p.id = a.post_id AND p.level IN ('chief', 'deputy') \
                         WHERE ev.leader AND ev.status IN {COUNTED}{u} GROUP BY ev.unit_id, dts.i",
                        u = unit_cond("ev.unit_id", unit, 2),
                    ),
                );
                self.db
                    .fetch_all(&sql, &params)
                    .await?
                    .iter()
                    .map(|r| {
                        let at = if r.get::<i64>(1)? == 0 {
                            Moment::Before
                        } else {
                            Moment::After
                        };
                        Ok(Cell::new(UnitId(r.get(0)?), family, at, "", r.get(2)?))
                    })
                    .collect()
            }
            Family::Quotas => {
                let sql = format!(
                    "SELECT unit_id, kind, CAST(SUM(approved) AS BIGINT) FROM establishment_quotas \
                     WHERE district_id = $1 AND kind IN ('administrative', 'institution', 'service'){} \
                     GROUP BY unit_id, kind",
                    unit_cond("unit_id", unit, 2)
                );
                let rows = self.rows(&sql, vec![d.0.into()], unit).await?;
                rows.iter()
                    .map(|r| cell(r, family, Moment::After))
                    .collect()
            }
            Family::Cuts => {
                let sql = format!(
                    "SELECT p.unit_id, l.route, p.status, pe.identity, l.figures_json \
                     FROM downsizing_lines l JOIN downsizing_plans p ON p.id = l.plan_id AND p.district_id = l.district_id \
                     JOIN people pe ON pe.id = l.person_id AND pe.district_id = l.district_id \
                     WHERE l.district_id = $1 AND ((p.status = 'applied' AND p.effective > $2 AND p.effective <= $3) \
                     OR (p.status IN ('submitted', 'approved') AND p.effective <= $3)){}",
                    u4("p.unit_id")
                );
                self.rows(&sql, in_period(d, p), unit)
                    .await?
                    .iter()
                    .map(|r| {
                        let status: String = r.get(2)?;
                        let at = if status == "applied" {
                            Moment::Period
                        } else {
                            Moment::Pending
                        };
                        let mut c =
                            Cell::new(UnitId(r.get(0)?), family, at, &r.get::<String>(1)?, 1);
                        c.b = r.get(3)?;
                        c.detail = r.get(4)?;
                        Ok(c)
                    })
                    .collect()
            }
            Family::PendingOps => {
                let sql = format!(
                    "SELECT p.unit_id, o.op_json FROM reorg_ops o JOIN reorg_plans p ON p.id = o.plan_id \
                     AND p.district_id = o.district_id WHERE p.district_id = $1 \
                     AND p.status IN ('draft', 'submitted', 'approved'){} ORDER BY p.unit_id, o.plan_id, o.seq",
                    unit_cond("p.unit_id", unit, 2)
                );
                let rows = self.rows(&sql, vec![d.0.into()], unit).await?;
                rows.iter()
                    .map(|r| {
                        let mut c = Cell::new(UnitId(r.get(0)?), family, Moment::Pending, "", 1);
                        c.detail = r.get(1)?;
                        Ok(c)
                    })
                    .collect()
            }
            Family::Posts => {
                // Both dates in one query (the post hours summed once).
                let sql = format!(
                    "WITH dts AS (SELECT CAST(0 AS BIGINT) AS i, $2 AS t UNION ALL SELECT CAST(1 AS BIGINT), $3) \
                     SELECT dts.i, p.unit_id, p.level, CAST(COUNT(*) AS BIGINT), CAST(COALESCE(SUM(h.hours), 0) AS BIGINT) \
                     FROM posts p JOIN dts ON p.created_at < dts.t AND (p.active OR p.updated_at >= dts.t) \
                     LEFT JOIN ({HOURS}) h ON h.post_id = p.id \
                     WHERE p.district_id = $1{} GROUP BY dts.i, p.unit_id, p.level",
                    u4("p.unit_id")
                );
                let params = with_unit(
                    vec![d.0.into(), day_end(p.from).into(), day_end(p.to).into()],
                    unit,
                );
                let mut out = Vec::new();
                for r in self.db.fetch_all(&sql, &params).await? {
                    let at = both_at(r.get(0)?);
                    let mut c = Cell::new(
                        UnitId(r.get(1)?),
                        family,
                        at,
                        &r.get::<String>(2)?,
                        r.get(3)?,
                    );
                    c.sum = r.get(4)?;
                    out.push(c);
                }
                Ok(out)
            }
            Family::WorkBodies => {
                // Both dates in one query: `dts.d` the date (assignments), `dts.t` the start
                // of the next day (posts).
                let u = unit_cond("p.unit_id", unit, 6);
                let sql = format!(
                    "WITH dts AS (SELECT CAST(0 AS BIGINT) AS i, $2 AS d, $4 AS t UNION ALL SELECT CAST(1 AS BIGINT), $3, $5) \
                     SELECT x.i, x.unit_id, x.body_id, CAST(SUM(x.hours) AS BIGINT), CAST(SUM(x.shares) AS BIGINT) FROM ( \
                     SELECT dts.i, p.unit_id, p.body_id, COALESCE(h.hours, 0) AS hours, 0 AS shares FROM posts p \
                     JOIN dts ON p.created_at < dts.t AND (p.active OR p.updated_at >= dts.t) \
                     LEFT JOIN ({HOURS}) h ON h.post_id = p.id WHERE p.district_id = $1{u} \
                     UNION ALL \
                     SELECT dts.i, p.unit_id, p.body_id, 0, a.share_pct FROM post_assignments a \
                     JOIN dts ON a.start_date <= dts.d AND (a.end_date IS NULL OR a.end_date > dts.d) \
                     JOIN posts p ON p.id = a.post_id AND p.district_id = a.district_id \
                     WHERE a.district_id = $1{u}) x GROUP BY x.i, x.unit_id, x.body_id"
                );
                let params = with_unit(
                    vec![
                        d.0.into(),
                        p.from.into(),
                        p.to.into(),
                        day_end(p.from).into(),
                        day_end(p.to).into(),
                    ],
                    unit,
                );
                let mut out = Vec::new();
                for r in self.db.fetch_all(&sql, &params).await? {
                    let mut c = Cell::new(
                        UnitId(r.get(1)?),
                        family,
                        both_at(r.get(0)?),
                        &r.get::<i64>(2)?.to_string(),
                        r.get(3)?,
                    );
                    c.sum = r.get(4)?;
                    out.push(c);
                }
                Ok(out)
            }
            Family::WorkSpread => {
                let sql = spread_sql(unit.is_some());
                let params = with_unit(in_period(d, p), unit);
                let mut out = Vec::new();
                for r in self.fetch_large(&sql, &params).await? {
                    let at = if r.get::<i64>(0)? == 0 {
                        Moment::Before
                    } else {
                        Moment::After
                    };
                    let m = Moments {
                        n: r.get(2)?,
                        sum: r.get(3)?,
                        sum_sq: r.get(4)?,
                        weighted: r.get(5)?,
                    };
                    let mut c = Cell::new(UnitId(r.get(1)?), family, at, "", m.n);
                    c.detail = m.text();
                    out.push(c);
                }
                Ok(out)
            }
            Family::WorkFte => Ok(Vec::new()),
            // Read in the same pass as the staff (see [`Family::Staff`]).
            Family::CostTrend => Ok(Vec::new()),
            Family::Campaigns => {
                let u = unit_cond("c.unit_id", unit, 6);
                let um = unit_cond("m.unit_id", unit, 6);
                let sql = format!(
                    "SELECT c.unit_id, c.plan_json, \
                     (SELECT CAST(COUNT(DISTINCT a.person_id) AS BIGINT) FROM selection_applications a JOIN selection_campaigns v \
                      ON v.id = a.campaign_id AND v.district_id = a.district_id WHERE a.district_id = $1 AND v.unit_id = c.unit_id AND v.family_id = c.family_id), \
                     (SELECT CAST(COUNT(DISTINCT a.person_id) AS BIGINT) FROM selection_applications a JOIN selection_campaigns v \
                      ON v.id = a.campaign_id AND v.district_id = a.district_id WHERE a.district_id = $1 AND v.unit_id = c.unit_id AND v.family_id = c.family_id \
                      AND a.status = 'confirmed') \
                     FROM selection_campaigns c WHERE c.district_id = $1 AND c.status = 'applied' AND c.applied_at >= $2 AND c.applied_at < $3{u} \
                     AND NOT EXISTS (SELECT 1 FROM selection_campaigns c2 WHERE c2.district_id = c.district_id AND c2.unit_id = c.unit_id \
                     AND c2.family_id = c.family_id AND c2.status = 'applied' AND c2.applied_at < $3 AND c2.version > c.version) \
                     AND $4 <= $5"
                );
                let ballots = format!(
                    "SELECT m.unit_id, CAST(COUNT(*) AS BIGINT) FROM committee_items i \
                     JOIN committee_meetings m ON m.id = i.meeting_id AND m.district_id = i.district_id \
                     JOIN posts p ON p.id = i.post_id AND p.district_id = i.district_id AND p.level IN ('chief', 'deputy') \
                     WHERE m.district_id = $1 AND m.status = 'closed' AND m.held_on > $4 AND m.held_on <= $5{um} \
                     AND $2 <= $3 GROUP BY m.unit_id"
                );
                let params = with_unit(
                    vec![
                        d.0.into(),
                        day_end(p.from).into(),
                        day_end(p.to).into(),
                        p.from.into(),
                        p.to.into(),
                    ],
                    unit,
                );
                // Middle managers appointed by the "to" date whose term ends within the 90
                // days after it (任期即将届满, the same window as the terms page's flag).
                let ut = unit_cond("s.unit_id", unit, 4);
                let terms = format!(
                    "SELECT s.unit_id, CAST(COUNT(*) AS BIGINT) FROM selection_candidates s \
                     WHERE s.district_id = $1 AND s.appointed_on IS NOT NULL AND s.appointed_on <= $2 \
                     AND s.term_end > $2 AND s.term_end <= $3{ut} GROUP BY s.unit_id"
                );
                let tparams = with_unit(
                    vec![
                        d.0.into(),
                        p.to.into(),
                        (p.to + chrono::Days::new(90)).into(),
                    ],
                    unit,
                );
                let mut out = Vec::new();
                for r in self.db.fetch_all(&terms, &tparams).await? {
                    out.push(Cell::new(
                        UnitId(r.get(0)?),
                        family,
                        Moment::Period,
                        "terms_soon",
                        r.get(1)?,
                    ));
                }
                for r in self.db.fetch_all(&sql, &params).await? {
                    let mut c = Cell::new(
                        UnitId(r.get(0)?),
                        family,
                        Moment::Period,
                        "campaign",
                        r.get(2)?,
                    );
                    c.detail = r.get(1)?;
                    c.sum = r.get(3)?;
                    out.push(c);
                }
                for r in self.db.fetch_all(&ballots, &params).await? {
                    out.push(Cell::new(
                        UnitId(r.get(0)?),
                        family,
                        Moment::Period,
                        "ballot_posts",
                        r.get(1)?,
                    ));
                }
                Ok(out)
            }
            Family::Grades => {
                let statuses = "('confirmed', 'publicity', 'closed')";
                let sql = format!(
                    "SELECT c.unit_id, CASE WHEN p.id IS NULL THEN '' WHEN p.grade IS NOT NULL AND p.ungraded IS NULL \
                     THEN p.grade ELSE 'ungraded' END AS g, CAST(COUNT(p.id) AS BIGINT) \
                     FROM appraisal_cycles c LEFT JOIN appraisal_participants p ON p.cycle_id = c.id AND p.district_id = c.district_id \
                     WHERE c.district_id = $1 AND c.kind = 'annual' AND c.status IN {statuses} AND c.year <= $2{} \
                     AND NOT EXISTS (SELECT 1 FROM appraisal_cycles c2 WHERE c2.district_id = c.district_id AND c2.unit_id = c.unit_id \
                     AND c2.kind = 'annual' AND c2.status IN {statuses} AND c2.year <= $2 \
                     AND (c2.year > c.year OR (c2.year = c.year AND c2.id < c.id))) \
                     GROUP BY c.unit_id, CASE WHEN p.id IS NULL THEN '' WHEN p.grade IS NOT NULL AND p.ungraded IS NULL \
                     THEN p.grade ELSE 'ungraded' END",
                    u3("c.unit_id")
                );
                self.at_both(&sql, (d, p, unit), year_of, |r, at, out| {
                    out.push(cell(r, family, at)?);
                    Ok(())
                })
                .await
            }
            Family::PayShares => {
                let sql = format!(
                    "SELECT r.unit_id, COALESCE(l.grade, ''), CAST(COUNT(l.share_fen) AS BIGINT), CAST(SUM(l.share_fen) AS BIGINT), \
                     r.pool_fen, MAX(l.share_fen), MIN(l.share_fen) \
                     FROM pay_runs r LEFT JOIN pay_lines l ON l.run_id = r.id AND l.district_id = r.district_id AND l.share_fen IS NOT NULL \
                     WHERE r.district_id = $1 AND r.status = 'applied' AND r.year <= $2{} \
                     AND NOT EXISTS (SELECT 1 FROM pay_runs r2 WHERE r2.district_id = r.district_id AND r2.unit_id = r.unit_id \
                     AND r2.status = 'applied' AND r2.year <= $2 AND r2.year > r.year) \
                     GROUP BY r.unit_id, l.grade, r.pool_fen",
                    u3("r.unit_id")
                );
                self.at_both(&sql, (d, p, unit), year_of, |r, at, out| {
                    let mut c = cell(r, family, at)?;
                    c.sum = r.get::<Option<i64>>(3)?.unwrap_or(0);
                    let opt =
                        |v: Option<i64>| v.map(|x| x.to_string()).unwrap_or_else(|| "-".into());
                    c.detail = format!("{} {} {}", opt(r.get(4)?), opt(r.get(5)?), opt(r.get(6)?));
                    out.push(c);
                    Ok(())
                })
                .await
            }
            Family::Meetings => {
                let sql = format!(
                    "SELECT m.unit_id, 'meetings', CAST(COUNT(*) AS BIGINT) FROM committee_meetings m \
                     WHERE m.district_id = $1 AND m.status = 'closed' AND m.held_on > $2 AND m.held_on <= $3{u} \
                     GROUP BY m.unit_id \
                     UNION ALL \
                     SELECT m.unit_id, 'items', CAST(COUNT(*) AS BIGINT) FROM committee_items i \
                     JOIN committee_meetings m ON m.id = i.meeting_id AND m.district_id = i.district_id \
                     WHERE m.district_id = $1 AND m.status = 'closed' AND m.held_on > $2 AND m.held_on <= $3{u} \
                     GROUP BY m.unit_id",
                    u = u4("m.unit_id")
                );
                self.rows(&sql, in_period(d, p), unit)
                    .await?
                    .iter()
                    .map(|r| cell(r, family, Moment::Period))
                    .collect()
            }
        }
    }

    async fn report_trace(
        &self,
        d: DistrictId,
        unit: UnitId,
        t: &Trace,
        p: Period,
    ) -> StoreResult<Vec<TraceRow>> {
        let on = if t.at == Moment::Before { p.from } else { p.to };
        let key = t.key.clone();
        let (sql, params): (String, Vec<Value>) = match t.family {
            Family::Bodies => (
                "SELECT v.body_id, v.name, v.kind FROM body_versions v WHERE v.district_id = $1 AND v.valid_from <= $2 \
                 AND (v.valid_to IS NULL OR v.valid_to > $2) AND v.status = 'active' AND v.unit_id = $3 AND v.kind = $4 \
                 ORDER BY v.body_id"
                    .into(),
                vec![d.0.into(), on.into(), unit.0.into(), key.into()],
            ),
            Family::BodyChanges if key == "created" => (
                "SELECT v.body_id, v.name, v.kind FROM body_versions v WHERE v.district_id = $1 AND v.valid_from > $2 \
                 AND v.valid_from <= $3 AND v.status = 'active' AND v.unit_id = $4 AND NOT EXISTS (SELECT 1 FROM body_versions b \
                 WHERE b.district_id = v.district_id AND b.body_id = v.body_id AND b.valid_from < v.valid_from) ORDER BY v.body_id"
                    .into(),
                vec![d.0.into(), p.from.into(), p.to.into(), unit.0.into()],
            ),
            Family::BodyChanges => (
                "SELECT v.body_id, v.name, v.status FROM body_versions v WHERE v.district_id = $1 AND v.valid_from > $2 \
                 AND v.valid_from <= $3 AND v.status = $5 AND v.unit_id = $4 AND EXISTS (SELECT 1 FROM body_versions b \
                 WHERE b.district_id = v.district_id AND b.body_id = v.body_id AND b.valid_to = v.valid_from AND b.status = 'active') \
                 ORDER BY v.body_id"
                    .into(),
                vec![d.0.into(), p.from.into(), p.to.into(), unit.0.into(), key.into()],
            ),
            Family::Staff => (
                format!(
                    "SELECT t.person_id, pe.name, t.establishment FROM ({}) t JOIN people pe ON pe.id = t.person_id \
                     WHERE t.rn = 1 AND t.status IN {COUNTED} AND t.unit_id = $3 AND t.identity = $4 ORDER BY pe.name, t.person_id",
                    state_on(PERSON_SCOPE)
                ),
                vec![d.0.into(), on.into(), unit.0.into(), key.into()],
            ),
            Family::LeadersInMiddle => (
                format!(
                    "SELECT DISTINCT t.person_id, pe.name, p.title FROM ({}) t JOIN people pe ON pe.id = t.person_id \
                     JOIN post_assignments a ON a.district_id = $1 AND a.person_id = t.person_id \
                     AND a.start_date <= $2 AND (a.end_date IS NULL OR a.end_date > $2) \
                     JOIN posts p ON p.id = a.post_id AND p.level IN ('chief', 'deputy') \
                     WHERE t.rn = 1 AND t.leader AND t.status IN {COUNTED} AND t.unit_id = $3 ORDER BY t.person_id",
                    state_on(PERSON_SCOPE)
                ),
                vec![d.0.into(), on.into(), unit.0.into()],
            ),
            Family::Cuts => (
                "SELECT l.person_id, pe.name, p.title FROM downsizing_lines l \
                 JOIN downsizing_plans p ON p.id = l.plan_id AND p.district_id = l.district_id \
                 JOIN people pe ON pe.id = l.person_id AND pe.district_id = l.district_id \
                 WHERE l.district_id = $1 AND p.unit_id = $4 AND l.route = $5 AND ((p.status = 'applied' AND p.effective > $2 \
                 AND p.effective <= $3 AND $6) OR (p.status IN ('submitted', 'approved') AND p.effective <= $3 AND NOT $6)) \
                 ORDER BY pe.name, l.person_id"
                    .into(),
                vec![
                    d.0.into(),
                    p.from.into(),
                    p.to.into(),
                    unit.0.into(),
                    key.into(),
                    (t.at == Moment::Period).into(),
                ],
            ),
            Family::Meetings => (
                "SELECT m.id, m.title, m.held_on FROM committee_meetings m WHERE m.district_id = $1 AND m.status = 'closed' \
                 AND m.held_on > $2 AND m.held_on <= $3 AND m.unit_id = $4 ORDER BY m.held_on, m.id"
                    .into(),
                vec![d.0.into(), p.from.into(), p.to.into(), unit.0.into()],
            ),
            Family::WorkBodies => (
                format!(
                    "SELECT x.body_id, b.name, CAST(SUM(x.hours) AS BIGINT), CAST(SUM(x.shares) AS BIGINT) FROM ( \
                     SELECT p.body_id, COALESCE(h.hours, 0) AS hours, 0 AS shares FROM posts p \
                     LEFT JOIN ({HOURS}) h ON h.post_id = p.id WHERE p.district_id = $1 AND {POST_ON3} AND p.unit_id = $4 \
                     UNION ALL \
                     SELECT p.body_id, 0, a.share_pct FROM post_assignments a \
                     JOIN posts p ON p.id = a.post_id AND p.district_id = a.district_id \
                     WHERE a.district_id = $1 AND {ASSIGN_ON} AND p.unit_id = $4) x \
                     JOIN bodies b ON b.id = x.body_id AND b.district_id = $1 GROUP BY x.body_id, b.name ORDER BY x.body_id"
                ),
                vec![d.0.into(), on.into(), day_end(on).into(), unit.0.into()],
            ),
            Family::Campaigns if key == "ballot_posts" => (
                "SELECT i.id, i.text, m.title FROM committee_items i \
                 JOIN committee_meetings m ON m.id = i.meeting_id AND m.district_id = i.district_id \
                 JOIN posts p ON p.id = i.post_id AND p.district_id = i.district_id AND p.level IN ('chief', 'deputy') \
                 WHERE m.district_id = $1 AND m.status = 'closed' AND m.held_on > $2 AND m.held_on <= $3 AND m.unit_id = $4 \
                 ORDER BY m.held_on, i.meeting_id, i.item_no"
                    .into(),
                vec![d.0.into(), p.from.into(), p.to.into(), unit.0.into()],
            ),
            Family::Campaigns => (
                "SELECT c.id, c.title, 'v' || CAST(c.version AS TEXT) FROM selection_campaigns c WHERE c.district_id = $1 AND c.status = 'applied' \
                 AND c.applied_at >= $2 AND c.applied_at < $3 AND c.unit_id = $4 \
                 AND NOT EXISTS (SELECT 1 FROM selection_campaigns c2 WHERE c2.district_id = c.district_id AND c2.unit_id = c.unit_id \
                 AND c2.family_id = c.family_id AND c2.status = 'applied' AND c2.applied_at < $3 AND c2.version > c.version) \
                 ORDER BY c.applied_at, c.id"
                    .into(),
                vec![d.0.into(), day_end(p.from).into(), day_end(p.to).into(), unit.0.into()],
            ),
            _ => return Ok(Vec::new()),
        };
        let rows = self.db.fetch_all(&sql, &params).await?;
        rows.iter()
            .map(|r| {
                let detail = if t.family == Family::Meetings {
                    r.get::<NaiveDate>(2)?.to_string()
                } else if t.family == Family::WorkBodies {
                    format!("{} {}", r.get::<i64>(2)?, r.get::<i64>(3)?)
                } else {
                    r.get::<String>(2)?
                };
                Ok(TraceRow {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    detail,
                })
            })
            .collect()
    }

    async fn report_start(
        &self,
        d: DistrictId,
        unit: Option<UnitId>,
    ) -> StoreResult<Option<NaiveDate>> {
        let mut first: Option<NaiveDate> = None;
        for table in ["org_caps", "body_versions"] {
            let sql = format!(
                "SELECT valid_from FROM {table} WHERE district_id = $1{} ORDER BY valid_from LIMIT 1",
                unit_cond("unit_id", unit, 2)
            );
            if let Some(r) = self.rows(&sql, vec![d.0.into()], unit).await?.first() {
                let v: NaiveDate = r.get(0)?;
                first = Some(first.map_or(v, |f| f.min(v)));
            }
        }
        Ok(first)
    }

    async fn report_units(&self, d: DistrictId) -> StoreResult<Vec<Unit>> {
        let rows = self
            .db
            .fetch_all(
                &format!("SELECT {UNIT_COLS} FROM units u WHERE u.district_id = $1 AND u.active ORDER BY u.code"),
                &[d.0.into()],
            )
            .await?;
        rows.iter().map(unit).collect()
    }
}
