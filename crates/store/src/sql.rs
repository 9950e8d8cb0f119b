//! A small builder for queries with optional filters.

use jiguan_app::ports::{ListQuery, Page, Scoped, StoreResult};
use jiguan_domain::tenancy::{DistrictId, UnitId};

use crate::db::{Db, Row, Tx, Value};

#[derive(Debug, Default, Clone)]
pub struct Sql {
    pub text: String,
    pub params: Vec<Value>,
}

impl Sql {
    pub fn new(base: &str) -> Self {
        Sql {
            text: base.to_string(),
            params: Vec::new(),
        }
    }

    /// Starts with `base`, whose `$1` is `first`.
    pub fn with(base: &str, first: impl Into<Value>) -> Self {
        Sql {
            text: base.to_string(),
            params: vec![first.into()],
        }
    }

    /// Adds a parameter and returns its placeholder (`$n`).
    pub fn bind(&mut self, v: impl Into<Value>) -> String {
        self.params.push(v.into());
        format!("${}", self.params.len())
    }

    /// Appends ` AND <cond>` where each `{}` in `cond` is the placeholder of `v`.
    pub fn and(&mut self, cond: &str, v: impl Into<Value>) {
        let p = self.bind(v);
        self.text.push_str(" AND ");
        self.text.push_str(&cond.replace("{}", &p));
    }

    pub fn push(&mut self, s: &str) {
        self.text.push_str(s);
    }

    /// When `q` has search text, appends ` AND (LOWER(c) LIKE p ESCAPE '\' OR …)` over
    /// `cols`, all matching the one bound [`like`] pattern `p`.
    pub fn search(&mut self, q: &ListQuery, cols: &[&str]) {
        if let Some(s) = q.search() {
            let p = self.bind(like(&s));
            let any: Vec<String> = cols.iter().map(|c| like_match(c, &p)).collect();
            self.push(&format!(" AND ({})", any.join(" OR ")));
        }
    }
}

/// `$1`, `$2`, `$3`: a record's id, district and unit, the way a module's queries of one
/// record (an appraisal cycle, a two-way round) are written.
pub(crate) fn scope<I: Into<i64>>(at: Scoped<I>) -> [Value; 3] {
    [at.id.into().into(), at.district.0.into(), at.unit.0.into()]
}

/// The rows of `sql` whose `$1`, `$2`, `$3` are a record's id, district and unit
/// ([`scope`]), each mapped with `map`: the children of one record (a plan's lines, a
/// meeting's items).
pub(crate) async fn rows_under<I: Into<i64>, T>(
    db: &Db,
    sql: &str,
    at: Scoped<I>,
    map: impl Fn(&Row) -> StoreResult<T>,
) -> StoreResult<Vec<T>> {
    db.fetch_all(sql, &scope(at))
        .await?
        .iter()
        .map(map)
        .collect()
}

/// [`scope`], then `more` from `$4` on.
pub(crate) fn scoped<I: Into<i64>, const N: usize>(at: Scoped<I>, more: [Value; N]) -> Vec<Value> {
    scope(at).into_iter().chain(more).collect()
}

/// The rows of `select` (`SELECT … FROM <table>`, one table) in district `d` and, when
/// given, unit `u`, then `order` (` ORDER BY …`): a module's list of a unit, or of the
/// whole district.
pub(crate) async fn rows_in(
    db: &Db,
    select: &str,
    d: DistrictId,
    u: Option<UnitId>,
    order: &str,
) -> StoreResult<Vec<Row>> {
    let mut w = Sql::with(&format!("{select} WHERE district_id = $1"), d.0);
    if let Some(u) = u {
        w.and("unit_id = {}", u.0);
    }
    w.push(order);
    db.fetch_all(&w.text, &w.params).await
}

/// The row `at` of `select` (`SELECT … FROM <table>`, one table), mapped: a module's record read by its id (another unit's is not found).
pub(crate) async fn row_in<I: Into<i64>, T>(
    db: &Db,
    select: &str,
    at: Scoped<I>,
    map: impl Fn(&Row) -> StoreResult<T>,
) -> StoreResult<Option<T>> {
    db.fetch_optional(
        &format!("{select} WHERE id = $1 AND district_id = $2 AND unit_id = $3"),
        &scope(at),
    )
    .await?
    .as_ref()
    .map(map)
    .transpose()
}

/// One page of a filtered list: fetches `select` + `w.text` + `order` for the page `q`
/// asks for and maps each row with `map`; the total from `SELECT COUNT(*)` + `count_from`
/// + `w.text`, unless the page is the last (fewer rows than a page: the total is known).
pub(crate) async fn fetch_page<T>(
    db: &Db,
    count_from: &str,
    select: &str,
    w: Sql,
    order: &str,
    q: &ListQuery,
    map: impl Fn(&Row) -> StoreResult<T>,
) -> StoreResult<Page<T>> {
    page_of(db, Total::Counted(count_from, select), w, order, q, map).await
}

/// How [`fetch_page_counted`] reads a page: its rows' keys first, then the rows in full.
pub(crate) struct Keyed<'a> {
    /// The select list of a full row (`p.id, p.name, …`), on the alias that the filter and
    /// the order use.
    pub select: &'a str,
    /// The number of columns of `select` (the total comes after them).
    pub width: usize,
    /// The key of a row (`p.id`).
    pub key: &'a str,
    /// The table of the full rows, under the same alias (`people p`).
    pub table: &'a str,
    /// Planned once per connection on PostgreSQL ([`opaque_params`]).
    pub plan_once: bool,
}

/// [`fetch_page`] for a query that reads every matching row anyway (a search, whose
/// candidates are sorted after they are found), in one statement (issue 17): the page's
/// keys are chosen first, with the total beside them as `COUNT(*) OVER ()`, and only the
/// page's rows are then read in full (`key.table` joined on `key.key`) and put in the same
/// order again. Windowing and sorting the candidates' full rows cost twice as much as the
/// keys alone (SQLite: 0.52 against 0.29 ms for the 139 candidates of a name in a unit of
/// 100,000). A page past the end counts on its own.
pub(crate) async fn fetch_page_counted<T>(
    db: &Db,
    key: Keyed<'_>,
    w: Sql,
    order: &str,
    q: &ListQuery,
    map: impl Fn(&Row) -> StoreResult<T>,
) -> StoreResult<Page<T>> {
    page_of(db, Total::Windowed(key), w, order, q, map).await
}

/// The statement of a [`fetch_page_counted`] page: `from` (FROM and WHERE) and `order`
/// (` ORDER BY …`) of the query, `limit` and `offset` its placeholders; its parameters
/// hidden when `k.plan_once` ([`opaque_params`]).
pub(crate) fn keyed_sql(
    k: &Keyed,
    from: &str,
    order: &str,
    (limit, offset): (&str, &str),
) -> String {
    let sql = format!(
        "SELECT {}, k.n FROM (SELECT {} AS k_id, CAST(COUNT(*) OVER () AS BIGINT) AS n{from}{order} \
         LIMIT {limit} OFFSET {offset}) k CROSS JOIN {} WHERE {} = k.k_id{order}",
        k.select, k.key, k.table, k.key
    );
    if k.plan_once {
        opaque_params(&sql)
    } else {
        sql
    }
}

/// Where [`page_of`] takes the total from.
enum Total<'a> {
    /// `SELECT COUNT(*)` + this FROM + the filter, when the page does not tell it; the
    /// select list of a row.
    Counted(&'a str, &'a str),
    /// The page's rows (see [`fetch_page_counted`]).
    Windowed(Keyed<'a>),
}

/// [`fetch_page`] and [`fetch_page_counted`].
async fn page_of<T>(
    db: &Db,
    total: Total<'_>,
    w: Sql,
    order: &str,
    q: &ListQuery,
    map: impl Fn(&Row) -> StoreResult<T>,
) -> StoreResult<Page<T>> {
    let mut paged = w.clone();
    let limit = paged.bind(i64::from(q.per_page()));
    let offset = paged.bind(q.offset());
    let sql = match &total {
        Total::Counted(_, select) => {
            format!(
                "{select}{}{order} LIMIT {limit} OFFSET {offset}",
                paged.text
            )
        }
        Total::Windowed(k) => keyed_sql(k, &paged.text, order, (&limit, &offset)),
    };
    let rows = db.fetch_all(&sql, &paged.params).await?;
    // A page that is not full (and not past the end) is the last: the total is known
    // without counting (a district's unit list, most first pages).
    let last = rows.len() < q.per_page() as usize && (!rows.is_empty() || q.offset() == 0);
    let total: i64 = match (total, rows.first()) {
        (Total::Windowed(k), Some(r)) => r.get(k.width)?,
        _ if last => q.offset() + rows.len() as i64,
        (Total::Counted(from, _), _) => count_rows(db, from, &w).await?,
        (Total::Windowed(_), None) => count_rows(db, "", &w).await?,
    };
    Ok(Page {
        items: rows.iter().map(map).collect::<StoreResult<_>>()?,
        total,
        page: q.page(),
        per_page: q.per_page(),
    })
}

/// The rows of `SELECT COUNT(*)` + `count_from` + `w.text`.
pub(crate) async fn count_rows(db: &Db, count_from: &str, w: &Sql) -> StoreResult<i64> {
    db.fetch_one(
        &format!("SELECT CAST(COUNT(*) AS BIGINT){count_from}{}", w.text),
        &w.params,
    )
    .await?
    .get(0)
}

/// `LOWER(col) LIKE p ESCAPE '\'` for the [`like`] pattern bound as `p`, the pattern
/// written as an expression (`p || ''`). SQLite marks a statement whose `LIKE` has a bare
/// parameter on its right as depending on that parameter's value (for its prefix
/// optimisation, which a `%…%` pattern never uses) and prepares it again — parses and
/// plans it — at every new binding (issue 17, docs/PERFORMANCE.md). An expression is not
/// looked into; the answers are the same.
pub(crate) fn like_match(col: &str, p: &str) -> String {
    format!("LOWER({col}) LIKE ({p} || '') ESCAPE '\\'")
}

/// `sql` with each placeholder `$n` (outside quoted literals) written `(SELECT $n)`: on
/// PostgreSQL a statement whose planner cannot see its parameters' values costs the same
/// in every plan, so that after five runs on a connection PostgreSQL keeps its generic
/// plan instead of planning each run again. Only for a statement whose generic plan is
/// right whatever the values: the roster page and the roster's name search, whose
/// generic plans the store's scale stories check.
pub(crate) fn opaque_params(sql: &str) -> String {
    crate::db::map_placeholders(sql, |out, n| {
        out.push_str("(SELECT $");
        out.push_str(n);
        out.push(')');
    })
}

/// A `LIKE` pattern that matches `s` anywhere, with `%`, `_` and `\` escaped
/// (use with `ESCAPE '\'`).
pub fn like(s: &str) -> String {
    let mut out = String::from("%");
    for c in s.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// Picks the sort column `q` asks for from an allow-list; unknown keys give the default.
pub fn order_by(q: &ListQuery, allowed: &[(&str, &str)], default: &str) -> String {
    let col = q
        .sort
        .as_deref()
        .and_then(|s| allowed.iter().find(|(k, _)| *k == s))
        .map(|(_, c)| *c)
        .unwrap_or(default);
    format!(" ORDER BY {col} {}", if q.desc { "DESC" } else { "ASC" })
}

/// Saves one row of a keyed child table in `tx`: when `found` (the row looked up by its
/// key, its id the first column) the statement `update` makes for that id runs; else
/// `insert` (ending `RETURNING id`). The row's id: a plan's line of a person, a campaign's
/// application of a person.
pub(crate) async fn update_or_insert(
    tx: &mut Tx,
    found: Option<Row>,
    update: impl FnOnce(i64) -> (&'static str, Vec<Value>),
    insert: (&str, Vec<Value>),
) -> StoreResult<i64> {
    match found {
        Some(r) => {
            let id: i64 = r.get(0)?;
            let (sql, params) = update(id);
            tx.execute(sql, &params).await?;
            Ok(id)
        }
        None => tx.fetch_one(insert.0, &insert.1).await?.get(0),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn opaque_params_hides_every_placeholder_and_nothing_else() {
        assert_eq!(
            opaque_params(
                "SELECT a FROM t WHERE d = $1 AND s = 'x$2' AND n LIKE ($12 || '') LIMIT $3"
            ),
            "SELECT a FROM t WHERE d = (SELECT $1) AND s = 'x$2' AND n LIKE ((SELECT $12) || '') \
             LIMIT (SELECT $3)"
        );
        assert_eq!(
            opaque_params("SELECT '$' || $1, 1"),
            "SELECT '$' || (SELECT $1), 1"
        );
    }

    #[test]
    fn like_match_writes_the_pattern_as_an_expression() {
        assert_eq!(
            like_match("p.name", "$4"),
            "LOWER(p.name) LIKE ($4 || '') ESCAPE '\\'"
        );
    }
}
