//! Indexes of the people module kept by every people write (issue 17, migration 23):
//!
//! - **Search grams** (`people_grams`, `people_post_grams`): the characters and character
//!   pairs, lower-cased per character, of each person's name, and of each post text of
//!   the district (once per distinct text, migration 28: a district has few). A roster
//!   search reads its candidates from them (one index range per gram of the search text,
//!   intersected; the people of the matching post texts through `people_post`) and
//!   re-checks the old `LIKE '%…%'` condition on the candidates only, so the answers are
//!   the old ones: every person the old condition matches holds every gram of the search
//!   text in its name or post (see [`grams`]).
//! - **Latest history row** (`person_latest`) and **cost counters** (`cost_counters`):
//!   each person's highest-id history row with its cost columns, and their sums per unit,
//!   status, grouping key and month of the latest row's date (migration 26). The cost
//!   report of a date reads the counters of the months before it, the latest rows of its
//!   month up to it, and the people whose first and latest rows straddle it
//!   ([`cost_totals_sql`]), which gives the figures of the old correlated query to the fen.
//! - **People counters** (`people_counters`, migration 26): head count per unit, status,
//!   body and establishment kind of the latest rows (which copy the people rows), for the
//!   occupancy counts and the roster total.
//!
//! Every write path of `people` and `person_events` in the store calls [`write_grams`] /
//! [`refresh_latest`] inside its own transaction; the store story
//! `people_index::*` checks both against a recomputation from scratch.

use std::collections::{BTreeSet, HashMap};

use jiguan_app::people::{CostGroup, PeopleFilter, StatusFilter};
use jiguan_app::ports::StoreResult;
use jiguan_domain::tenancy::{DistrictId, UnitId};

use crate::db::{Backend, Db, Tx, Value};
use crate::sql::Sql;

/// Grams per multi-row INSERT.
const GRAM_ROWS: usize = 500;

/// `s` lower-cased character by character (no context rules such as the final sigma), so
/// that the lower-casing of a text is the concatenation of its characters' lower-casings.
pub fn fold(s: &str) -> Vec<char> {
    s.chars().flat_map(char::to_lowercase).collect()
}

/// The grams a text is indexed under: each character and each pair of adjacent
/// characters of its [`fold`].
pub fn grams(s: &str) -> BTreeSet<String> {
    let c = fold(s);
    let mut out: BTreeSet<String> = c.iter().map(|x| x.to_string()).collect();
    for w in c.windows(2) {
        out.insert(w.iter().collect());
    }
    out
}

/// The grams a search text is looked up by: its pairs, or its one character. A person
/// the old `LOWER(col) LIKE '%text%'` matches has a run of characters whose fold equals
/// the fold of the text (SQLite's LOWER and LIKE fold ASCII only, and the pattern is
/// lower-cased already; PostgreSQL's LOWER folds like Rust for everything but a few
/// locale-specific letters such as the Turkish dotted İ), so it holds every one of these.
pub fn query_grams(text: &str) -> Vec<String> {
    let c = fold(&text.to_lowercase());
    if c.len() == 1 {
        return vec![c[0].to_string()];
    }
    let set: BTreeSet<String> = c.windows(2).map(|w| w.iter().collect()).collect();
    set.into_iter().collect()
}

/// A multi-row INSERT head followed by `rows` rows of `cols` placeholders: SQLite's
/// anonymous `?` (bound in order; numbered `?NNN` are looked up by a linear scan at every
/// bind, see `people::SQLITE_CHUNK`), PostgreSQL's `$n`. Every full chunk of an import has
/// the same text, so one prepared (cached) statement serves them all.
pub(crate) fn values_sql(head: &str, b: Backend, rows: usize, cols: usize) -> String {
    let mut out = String::with_capacity(head.len() + rows * cols * 6 + 8);
    out.push_str(head);
    out.push_str(" VALUES ");
    let mut n = 0;
    for r in 0..rows {
        if r > 0 {
            out.push_str(", ");
        }
        out.push('(');
        for c in 0..cols {
            if c > 0 {
                out.push_str(", ");
            }
            n += 1;
            match b {
                Backend::Sqlite => out.push('?'),
                Backend::Postgres => {
                    out.push('$');
                    out.push_str(&n.to_string());
                }
            }
        }
        out.push(')');
    }
    out
}

/// Writes the search grams of new people `(id, name, post)` of district `d`: each
/// person's name grams, and the grams of the post texts not indexed yet.
pub(crate) async fn write_grams(
    tx: &mut Tx,
    d: DistrictId,
    people: &[(i64, &str, &str)],
) -> StoreResult<()> {
    if people.is_empty() {
        return Ok(());
    }
    let mut rows: Vec<(String, i64)> = Vec::with_capacity(people.len() * 6);
    for (id, name, _) in people {
        for g in grams(name) {
            rows.push((g, *id));
        }
    }
    insert_name_grams(tx, d, rows).await?;
    let posts: BTreeSet<&str> = people.iter().map(|p| p.2).collect();
    write_post_grams(tx, d, posts).await
}

/// Inserts name grams `(gram, person)` of district `d`.
async fn insert_name_grams(
    tx: &mut Tx,
    d: DistrictId,
    mut rows: Vec<(String, i64)>,
) -> StoreResult<()> {
    // In the primary key's order: each statement then writes a few runs of adjacent
    // index entries instead of entries all over the index.
    rows.sort_unstable();
    let b = tx.backend();
    let mut full: Option<String> = None;
    for chunk in rows.chunks(GRAM_ROWS) {
        let text = if chunk.len() == GRAM_ROWS {
            full.get_or_insert_with(|| gram_sql(d, b, GRAM_ROWS))
                .clone()
        } else {
            gram_sql(d, b, chunk.len())
        };
        let mut params = Vec::with_capacity(chunk.len() * 2);
        for (g, id) in chunk {
            params.push(Value::from(g.as_str()));
            params.push(Value::from(*id));
        }
        tx.execute(&text, &params).await?;
    }
    Ok(())
}

/// The INSERT of `rows` name grams `(gram, person)` of district `d` (inlined: a typed
/// integer, the same for a whole import).
fn gram_sql(d: DistrictId, b: Backend, rows: usize) -> String {
    let mut out = String::with_capacity(64 + rows * 24);
    out.push_str("INSERT INTO people_grams (gram, person_id, district_id) VALUES ");
    for r in 0..rows {
        if r > 0 {
            out.push_str(", ");
        }
        match b {
            Backend::Sqlite => out.push_str("(?, ?, "),
            Backend::Postgres => out.push_str(&format!("(${}, ${}, ", 2 * r + 1, 2 * r + 2)),
        }
        out.push_str(&d.0.to_string());
        out.push(')');
    }
    out
}

/// Indexes post texts `posts` of district `d` (those already indexed are left as they are).
async fn write_post_grams(tx: &mut Tx, d: DistrictId, posts: BTreeSet<&str>) -> StoreResult<()> {
    let mut rows: BTreeSet<(String, &str)> = BTreeSet::new();
    for p in posts {
        for g in grams(p) {
            rows.insert((g, p));
        }
    }
    let rows: Vec<(String, &str)> = rows.into_iter().collect();
    for chunk in rows.chunks(GRAM_ROWS) {
        let mut s = Sql::new("");
        let mut vals = Vec::with_capacity(chunk.len());
        for (g, p) in chunk {
            let gp = s.bind(g.as_str());
            let pp = s.bind(*p);
            vals.push(format!("({}, {gp}, {pp})", d.0));
        }
        s.text = format!(
            "INSERT INTO people_post_grams (district_id, gram, post) VALUES {} ON CONFLICT DO NOTHING",
            vals.join(", ")
        );
        tx.execute(&s.text, &s.params).await?;
    }
    Ok(())
}

/// Rewrites the search grams of person `id` of district `d`, renamed from `old_name` (a
/// post text is indexed once and stays).
pub(crate) async fn rewrite_grams(
    tx: &mut Tx,
    d: DistrictId,
    id: i64,
    old_name: &str,
    (name, post): (&str, &str),
) -> StoreResult<()> {
    if old_name != name {
        let old = grams(old_name);
        if !old.is_empty() {
            let mut s = Sql::with("", d.0);
            let list: Vec<String> = old.iter().map(|g| s.bind(g.as_str())).collect();
            let ip = s.bind(id);
            s.text = format!(
                "DELETE FROM people_grams WHERE district_id = $1 AND gram IN ({}) AND person_id = {ip}",
                list.join(", ")
            );
            tx.execute(&s.text, &s.params).await?;
        }
        insert_name_grams(tx, d, grams(name).into_iter().map(|g| (g, id)).collect()).await?;
    }
    write_post_grams(tx, d, BTreeSet::from([post])).await
}

/// Which people a [`refresh_latest`] rewrites.
#[derive(Clone, Copy)]
pub(crate) enum Who<'a> {
    /// These ids.
    Ids(&'a [i64]),
    /// Ids from `.0` (inclusive) to `.1` (exclusive).
    Range(i64, i64),
}

impl Who<'_> {
    fn cond(&self, col: &str) -> String {
        match self {
            Who::Ids(ids) => {
                let l: Vec<String> = ids.iter().map(i64::to_string).collect();
                format!("{col} IN ({})", l.join(", "))
            }
            Who::Range(a, b) => format!("{col} >= {a} AND {col} < {b}"),
        }
    }
    fn is_empty(&self) -> bool {
        match self {
            Who::Ids(ids) => ids.is_empty(),
            Who::Range(a, b) => a >= b,
        }
    }
}

/// The month (yyyymm) of a date column, the same on both backends (dates are ISO text
/// on SQLite; PostgreSQL casts a DATE to ISO text).
pub(crate) fn month_of(col: &str) -> String {
    format!(
        "CAST(SUBSTR(CAST({col} AS TEXT), 1, 4) || SUBSTR(CAST({col} AS TEXT), 6, 2) AS BIGINT)"
    )
}

/// The month (yyyymm) of a date, as [`month_of`] gives it.
pub fn month(on: chrono::NaiveDate) -> i64 {
    use chrono::Datelike;
    i64::from(on.year()) * 100 + i64::from(on.month())
}

const COUNTER_KEY: &str = "district_id, unit_id, status, identity, funding, body_key, month";
const PEOPLE_KEY: &str = "district_id, unit_id, status, body_key, establishment";

/// Adds (`sign` 1) or takes away (-1) the `person_latest` rows of `who` in the cost
/// counters and the people counters.
async fn count_latest(tx: &mut Tx, who: Who<'_>, sign: i64) -> StoreResult<()> {
    let m = if sign < 0 { "-" } else { "" };
    let sum = |c: &str| format!("{m}CAST(SUM({c}) AS BIGINT)");
    let month = month_of("on_date");
    let sql = format!(
        "INSERT INTO cost_counters ({COUNTER_KEY}, headcount, basic_pay, allowances, social_insurance, housing_fund) \
         SELECT district_id, unit_id, status, identity, funding, body_key, {month}, {m}CAST(COUNT(*) AS BIGINT), {}, {}, {}, {} \
         FROM person_latest WHERE {} GROUP BY district_id, unit_id, status, identity, funding, body_key, {month} \
         ON CONFLICT ({COUNTER_KEY}) DO UPDATE SET headcount = cost_counters.headcount + excluded.headcount, \
         basic_pay = cost_counters.basic_pay + excluded.basic_pay, allowances = cost_counters.allowances + excluded.allowances, \
         social_insurance = cost_counters.social_insurance + excluded.social_insurance, \
         housing_fund = cost_counters.housing_fund + excluded.housing_fund",
        sum("basic_pay"),
        sum("allowances"),
        sum("social_insurance"),
        sum("housing_fund"),
        who.cond("person_id"),
    );
    tx.execute(&sql, &[]).await?;
    let sql = format!(
        "INSERT INTO people_counters ({PEOPLE_KEY}, headcount) \
         SELECT {PEOPLE_KEY}, {m}CAST(COUNT(*) AS BIGINT) FROM person_latest WHERE {} GROUP BY {PEOPLE_KEY} \
         ON CONFLICT ({PEOPLE_KEY}) DO UPDATE SET headcount = people_counters.headcount + excluded.headcount",
        who.cond("person_id"),
    );
    tx.execute(&sql, &[]).await?;
    Ok(())
}

/// Rewrites the `person_latest` rows of `who` (district `d`) from their history, and the
/// counters with them: to be called after writing history rows, in the same transaction.
pub(crate) async fn refresh_latest(tx: &mut Tx, d: DistrictId, who: Who<'_>) -> StoreResult<()> {
    if who.is_empty() {
        return Ok(());
    }
    count_latest(tx, who, -1).await?;
    insert_latest(tx, who).await?;
    count_latest(tx, who, 1).await?;
    for t in ["cost_counters", "people_counters"] {
        tx.execute(
            &format!("DELETE FROM {t} WHERE district_id = $1 AND headcount = 0"),
            &[d.0.into()],
        )
        .await?;
    }
    Ok(())
}

/// People per statement of [`index_fresh`]'s latest rows.
const FRESH_IDS: usize = 2_000;

/// The search grams and the latest rows (with the counters) of people `(id, name, post)`
/// created in this transaction, each with its history written: the rows [`write_grams`]
/// and [`refresh_latest`] give them, in a few large statements for a whole import
/// (nothing of theirs to take away first).
pub(crate) async fn index_fresh(
    tx: &mut Tx,
    d: DistrictId,
    people: &[(i64, &str, &str)],
) -> StoreResult<()> {
    write_grams(tx, d, people).await?;
    let ids: Vec<i64> = people.iter().map(|p| p.0).collect();
    for chunk in ids.chunks(FRESH_IDS) {
        // Consecutive ids (an import's new people) as a range: a few index ranges
        // instead of thousands of lookups.
        let who = match (chunk.first(), chunk.last()) {
            (Some(a), Some(b)) if chunk.windows(2).all(|w| w[1] == w[0] + 1) => {
                Who::Range(*a, b + 1)
            }
            _ => Who::Ids(chunk),
        };
        insert_latest(tx, who).await?;
        count_latest(tx, who, 1).await?;
    }
    Ok(())
}

/// Writes (or rewrites) the `person_latest` rows of `who` from their history.
async fn insert_latest(tx: &mut Tx, who: Who<'_>) -> StoreResult<()> {
    tx.execute(
        &format!(
            "INSERT INTO person_latest (person_id, district_id, unit_id, event_id, on_date, status, identity, funding, body_key, \
             basic_pay, allowances, social_insurance, housing_fund, first_date, establishment) \
             SELECT e.person_id, e.district_id, e.unit_id, e.id, e.on_date, e.status, e.identity, e.funding, COALESCE(e.body_id, 0), \
             e.basic_pay, e.allowances, e.social_insurance, e.housing_fund, m.first_date, e.establishment FROM person_events e \
             JOIN (SELECT MAX(x.id) AS id, MIN(x.on_date) AS first_date FROM person_events x WHERE {} GROUP BY x.person_id) m ON e.id = m.id \
             ON CONFLICT (person_id) DO UPDATE SET district_id = excluded.district_id, unit_id = excluded.unit_id, \
             event_id = excluded.event_id, on_date = excluded.on_date, status = excluded.status, identity = excluded.identity, \
             funding = excluded.funding, body_key = excluded.body_key, basic_pay = excluded.basic_pay, \
             allowances = excluded.allowances, social_insurance = excluded.social_insurance, housing_fund = excluded.housing_fund, \
             first_date = excluded.first_date, establishment = excluded.establishment",
            who.cond("x.person_id")
        ),
        &[],
    )
    .await?;
    Ok(())
}

/// The statuses the cost report counts.
const ACTIVE: &str = "('on_post', 'lent_out')";

/// How the cost query finds the people whose latest row is dated after the date but who
/// had a row on it ([`cost_totals_sql`]): through the index of the latest rows' dates
/// (few people changed after the date: today) or of the first dates (few people existed
/// on the date: a date in the past).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Straddle {
    ByLatest,
    ByFirst,
}

/// Which [`Straddle`] reads fewer index entries for district `$1` and date `$2`: each
/// side counts at most this many.
const PROBE: i64 = 256;

/// The probe choosing the [`Straddle`] of a cost query: `$1` district, `$2` date; one
/// row, the two (capped) counts.
pub fn straddle_probe_sql() -> String {
    format!(
        "SELECT (SELECT CAST(COUNT(*) AS BIGINT) FROM (SELECT 1 FROM person_latest WHERE district_id = $1 AND on_date > $2 LIMIT {PROBE}) a), \
         (SELECT CAST(COUNT(*) AS BIGINT) FROM (SELECT 1 FROM person_latest WHERE district_id = $1 AND first_date <= $2 LIMIT {PROBE}) b)"
    )
}

/// The cost report's query (`PeopleStore::cost_totals`): the counters of the months
/// before the date's month, the latest rows dated in that month up to the date, and for
/// the people whose first row is on or before the date and latest row after it, the row
/// they had on the date (the old correlated lookup, for them only). `$1` district, then
/// the date, its month, its month's first day, the unit.
pub fn cost_totals_sql(
    b: Backend,
    d: DistrictId,
    unit: Option<UnitId>,
    on: chrono::NaiveDate,
    group: CostGroup,
    straddle: Straddle,
) -> Sql {
    use chrono::Datelike;
    let key = |a: &str| match group {
        CostGroup::Identity => format!("{a}.identity"),
        CostGroup::Funding => format!("{a}.funding"),
        CostGroup::Body => {
            format!("CASE WHEN {a}.body_key = 0 THEN '' ELSE CAST({a}.body_key AS TEXT) END")
        }
        CostGroup::Unit => format!("CAST({a}.unit_id AS TEXT)"),
    };
    let ekey = match group {
        CostGroup::Identity => "e.identity".to_string(),
        CostGroup::Funding => "e.funding".to_string(),
        CostGroup::Body => "COALESCE(CAST(e.body_id AS TEXT), '')".to_string(),
        CostGroup::Unit => "CAST(e.unit_id AS TEXT)".to_string(),
    };
    let mut s = Sql::with("", d.0);
    let p = s.bind(on);
    let mp = s.bind(month(on));
    let first = s.bind(on.with_day(1).unwrap_or(on));
    let (uc, ul, ue) = match unit {
        Some(u) => {
            let x = s.bind(u.0);
            (
                format!(" AND c.unit_id = {x}"),
                format!(" AND l.unit_id = {x}"),
                format!(" AND e.unit_id = {x}"),
            )
        }
        None => Default::default(),
    };
    // The side not driving the lookup is wrapped so that no index is used for it.
    let straddle = match straddle {
        Straddle::ByLatest => {
            format!("l.on_date > {p} AND COALESCE(l.first_date, l.first_date) <= {p}")
        }
        Straddle::ByFirst => {
            format!("l.first_date <= {p} AND COALESCE(l.on_date, l.on_date) > {p}")
        }
    };
    // PostgreSQL: the history rows of a unit's straddlers also by their district. The
    // generic plan of the prepared statement (issue 17) hash-joins them read by
    // `e.unit_id` alone, which skipped over the leading column of `person_events_unit`:
    // every district's index entries for one small unit. SQLite drives from the
    // straddlers whatever and would read the unit's history by that index instead.
    let ed = match (b, unit) {
        (Backend::Postgres, Some(_)) => " e.district_id = $1 AND",
        _ => "",
    };
    s.text = format!(
        "SELECT t.k, CAST(SUM(t.n) AS BIGINT), CAST(SUM(t.b) AS BIGINT), CAST(SUM(t.a) AS BIGINT), \
         CAST(SUM(t.s) AS BIGINT), CAST(SUM(t.h) AS BIGINT) FROM ( \
         SELECT {kc} AS k, c.headcount AS n, c.basic_pay AS b, c.allowances AS a, c.social_insurance AS s, c.housing_fund AS h \
         FROM cost_counters c WHERE c.district_id = $1 AND c.status IN {ACTIVE} AND c.month < {mp}{uc} \
         UNION ALL SELECT {kl}, CAST(1 AS BIGINT), l.basic_pay, l.allowances, l.social_insurance, l.housing_fund \
         FROM person_latest l WHERE l.district_id = $1 AND l.on_date >= {first} AND l.on_date <= {p} AND l.status IN {ACTIVE}{ul} \
         UNION ALL SELECT {ekey}, CAST(1 AS BIGINT), e.basic_pay, e.allowances, e.social_insurance, e.housing_fund \
         FROM person_latest l JOIN person_events e ON e.person_id = l.person_id WHERE l.district_id = $1 AND {straddle} \
         AND{ed} e.on_date <= {p} AND e.id = (SELECT MAX(e2.id) FROM person_events e2 WHERE e2.person_id = l.person_id AND e2.on_date <= {p}) \
         AND e.status IN {ACTIVE}{ue}) t GROUP BY t.k HAVING SUM(t.n) > 0 ORDER BY 1",
        kc = key("c"),
        kl = key("l"),
    );
    s
}

/// The cost report's query before migration 23 (a correlated "latest row on or before
/// the date" per history row): kept for the tests and the benchmark's comparison.
pub fn cost_totals_scan_sql(
    d: DistrictId,
    unit: Option<UnitId>,
    on: chrono::NaiveDate,
    group: CostGroup,
) -> Sql {
    let key = match group {
        CostGroup::Identity => "e.identity",
        CostGroup::Funding => "e.funding",
        CostGroup::Body => "COALESCE(CAST(e.body_id AS TEXT), '')",
        CostGroup::Unit => "CAST(e.unit_id AS TEXT)",
    };
    let mut s = Sql::with("", d.0);
    let p = s.bind(on);
    s.text = format!(
        "SELECT {key}, CAST(COUNT(*) AS BIGINT), CAST(COALESCE(SUM(e.basic_pay), 0) AS BIGINT), \
         CAST(COALESCE(SUM(e.allowances), 0) AS BIGINT), CAST(COALESCE(SUM(e.social_insurance), 0) AS BIGINT), \
         CAST(COALESCE(SUM(e.housing_fund), 0) AS BIGINT) FROM person_events e WHERE e.district_id = $1 \
         AND e.on_date <= {p} AND e.id = (SELECT MAX(e2.id) FROM person_events e2 WHERE e2.person_id = e.person_id AND e2.on_date <= {p}) \
         AND e.status IN {ACTIVE}"
    );
    if let Some(u) = unit {
        s.and("e.unit_id = {}", u.0);
    }
    s.push(&format!(" GROUP BY {key} ORDER BY 1"));
    s
}

/// The count of a unit's own people on its current roster from the kept-exact
/// `people_counters` (migration 26), when the filter is one they can answer (unit,
/// status, establishment kind, body; not identity or leader).
pub fn home_count(d: DistrictId, f: &PeopleFilter) -> Option<Sql> {
    let u = f.unit_id?;
    if f.identity.is_some() || f.leader.is_some() || f.on.is_some() {
        return None;
    }
    let mut s = Sql::with(
        "SELECT CAST(COALESCE(SUM(headcount), 0) AS BIGINT) FROM people_counters WHERE district_id = $1",
        d.0,
    );
    s.and("unit_id = {}", u.0);
    match f.status {
        None => s.push(" AND status IN ('on_post', 'lent_out')"),
        Some(StatusFilter::All) => {}
        Some(StatusFilter::One(_)) => return None,
    }
    if let Some(k) = f.establishment {
        s.and("establishment = {}", k.code());
    }
    if let Some(b) = f.body_id {
        s.and("body_key = {}", b);
    }
    Some(s)
}

/// The occupancy counts (`PeopleStore::occupancy`) from the kept-exact `people_counters`
/// (migration 26): a few rows per unit, not its people.
pub fn occupancy_sql(d: DistrictId, unit: Option<UnitId>) -> Sql {
    let mut s = Sql::with(
        "SELECT unit_id, CASE WHEN body_key = 0 THEN NULL ELSE body_key END, establishment, \
         CAST(SUM(headcount) AS BIGINT) FROM people_counters WHERE district_id = $1 \
         AND status IN ('on_post', 'lent_out')",
        d.0,
    );
    if let Some(u) = unit {
        s.and("unit_id = {}", u.0);
    }
    s.push(" GROUP BY unit_id, body_key, establishment ORDER BY 1, 2, 3");
    s
}

/// Recounts `people_counters` from the `people` rows themselves: for a write made with
/// raw SQL outside the store's paths (a test's shortcut, a repair), which the counters
/// kept from the history rows cannot see.
pub async fn recount_people(db: &Db) -> StoreResult<()> {
    let mut tx = db.begin().await?;
    tx.execute("DELETE FROM people_counters", &[]).await?;
    tx.execute(
        &format!(
            "INSERT INTO people_counters ({PEOPLE_KEY}, headcount) SELECT district_id, unit_id, status, \
             COALESCE(body_id, 0), establishment, CAST(COUNT(*) AS BIGINT) FROM people \
             GROUP BY district_id, unit_id, status, COALESCE(body_id, 0), establishment"
        ),
        &[],
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// How a roster search reaches the people whose post holds its text.
pub(crate) enum PostTexts {
    /// The district's post texts that hold every gram of the text, read before the search
    /// ([`post_texts`] on PostgreSQL); empty for no search, or no text that matched.
    Read(Vec<String>),
    /// The same texts as a subquery of the search statement itself (SQLite).
    Inline,
}

impl PostTexts {
    /// No post branch.
    pub(crate) const NONE: PostTexts = PostTexts::Read(Vec::new());
}

/// The texts of `people_post_grams` holding every gram of `text` (a superset of the
/// texts that contain it), as a compound SELECT with its parameters bound to `s`; `None`
/// for a text without grams.
fn texts_sql(s: &mut Sql, dp: &str, text: &str) -> Option<String> {
    let ps: Vec<String> = query_grams(text).into_iter().map(|g| s.bind(g)).collect();
    (!ps.is_empty()).then(|| {
        ps.iter()
            .map(|p| {
                format!(
                    "SELECT t.post FROM people_post_grams t WHERE t.district_id = {dp} AND t.gram = {p}"
                )
            })
            .collect::<Vec<_>>()
            .join(" INTERSECT ")
    })
}

/// How the roster search of `text` reaches the post texts (see [`PostTexts`]).
///
/// PostgreSQL reads the texts before the roster query, so that its post branch is a list
/// of texts through `people_post`, planned on what it really holds: a subquery left it to
/// guess the holders of each text (50,000 on the stress unit, whose people share two
/// texts) and walk the whole unit. SQLite reads the subquery once, as a list, and walks
/// `people_post` for its values whatever it holds: there the statement it saves (a hop to
/// the connection's thread and back) is what counts.
pub(crate) async fn post_texts(db: &Db, d: DistrictId, text: &str) -> StoreResult<PostTexts> {
    if db.backend() == Backend::Sqlite {
        return Ok(PostTexts::Inline);
    }
    let mut s = Sql::new("");
    let dp = s.bind(d.0);
    let Some(sql) = texts_sql(&mut s, &dp, text) else {
        return Ok(PostTexts::NONE);
    };
    let texts = db
        .fetch_all(&sql, &s.params)
        .await?
        .iter()
        .map(|r| r.get::<String>(0))
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(PostTexts::Read(texts))
}

/// The candidate people of a roster search (a subquery of person ids): those whose name
/// holds every gram of `text`, those holding one of the post texts of `posts` (through
/// `people_post`), in district `$dp`, and with `id_number` the one person of that ID
/// number (through `UNIQUE (district_id, id_number)`).
pub(crate) fn candidates(
    s: &mut Sql,
    dp: &str,
    text: &str,
    id_number: Option<&str>,
    posts: &PostTexts,
) -> String {
    let ps: Vec<String> = query_grams(text).into_iter().map(|g| s.bind(g)).collect();
    let names: Vec<String> = ps
        .iter()
        .map(|p| {
            format!(
                "SELECT g.person_id FROM people_grams g WHERE g.district_id = {dp} AND g.gram = {p}"
            )
        })
        .collect();
    // Compound SELECTs: SQLite reads them left to right, PostgreSQL binds INTERSECT
    // first; both read this as (names) UNION (posts) UNION (ID number).
    let mut sql = names.join(" INTERSECT ");
    let texts = match posts {
        PostTexts::Read(list) if !list.is_empty() => Some(
            list.iter()
                .map(|t| s.bind(t.as_str()))
                .collect::<Vec<_>>()
                .join(", "),
        ),
        PostTexts::Read(_) => None,
        PostTexts::Inline => texts_sql(s, dp, text),
    };
    if let Some(texts) = texts {
        sql.push_str(&format!(
            " UNION SELECT x.id FROM people x WHERE x.district_id = {dp} AND x.post IN ({texts})"
        ));
    }
    if let Some(n) = id_number {
        let p = s.bind(n);
        sql.push_str(&format!(
            " UNION SELECT x.id FROM people x WHERE x.district_id = {dp} AND x.id_number = {p}"
        ));
    }
    sql
}

/// Builds the search grams of every person when migration 23 asked for it
/// (`store_backfill`), in one transaction.
pub(crate) async fn backfill(db: &Db) -> StoreResult<()> {
    let pending = db
        .fetch_optional(
            "SELECT name FROM store_backfill WHERE name = 'people_grams'",
            &[],
        )
        .await?
        .is_some();
    if !pending {
        return Ok(());
    }
    let mut tx = db.begin().await?;
    tx.execute("DELETE FROM people_grams", &[]).await?;
    tx.execute("DELETE FROM people_post_grams", &[]).await?;
    let mut last = 0i64;
    loop {
        let rows = tx
            .fetch_all(
                "SELECT id, district_id, name, post FROM people WHERE id > $1 ORDER BY id LIMIT 2000",
                &[Value::from(last)],
            )
            .await?;
        if rows.is_empty() {
            break;
        }
        let mut by_d: HashMap<i64, Vec<(i64, String, String)>> = HashMap::new();
        for r in &rows {
            let id: i64 = r.get(0)?;
            last = last.max(id);
            by_d.entry(r.get(1)?)
                .or_default()
                .push((id, r.get(2)?, r.get(3)?));
        }
        for (d, people) in by_d {
            let refs: Vec<(i64, &str, &str)> = people
                .iter()
                .map(|(i, n, p)| (*i, n.as_str(), p.as_str()))
                .collect();
            write_grams(&mut tx, DistrictId(d), &refs).await?;
        }
    }
    tx.execute(
        "DELETE FROM store_backfill WHERE name = 'people_grams'",
        &[],
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grams_are_characters_and_pairs() {
        let g: Vec<String> = grams("王伟").into_iter().collect();
        assert_eq!(g, vec!["伟", "王", "王伟"]);
        assert!(grams("Wang Wei").contains("g "));
        assert_eq!(query_grams("王"), vec!["王"]);
        assert_eq!(query_grams("欧阳娜娜"), vec!["娜娜", "欧阳", "阳娜"]);
        assert_eq!(query_grams("WaN"), vec!["an", "wa"]);
    }
}
