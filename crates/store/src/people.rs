//! People, establishment quotas, history and exceptions (编制与实名制).
//!
//! Writes are batched: new people go in as multi-row INSERTs of [`CHUNK`] rows with their
//! history rows copied by one INSERT … SELECT per chunk, all in one transaction with the
//! audit entries. On PostgreSQL a per-district advisory lock serialises people writes, so
//! the establishment guards (re-counted inside the transaction) cannot race; SQLite write
//! transactions are exclusive already.

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};

use jiguan_app::people::{
    CostGroup, ExceptionRecord, OccupancyCount, PeopleBatch, PeopleFilter, PeopleStore,
    PersonEvent, PersonRecord, PersonWrite, QuotaRecord, RelationRecord, RelationWrite,
    StatusFilter,
};
use jiguan_app::ports::{Conflict, ListQuery, Page, StoreError, StoreResult, UniqueKey};
use jiguan_domain::audit::AuditEntry;
use jiguan_domain::money::Money;
use jiguan_domain::people::cost::Total;
use jiguan_domain::people::establishment::QuotaKind;
use jiguan_domain::people::{
    Cost, EstablishmentKind, EventKind, ExceptionId, Funding, Identity, PersonEventId, PersonId,
    Status,
};
use jiguan_domain::rules::id_number::IdNumber;
use jiguan_domain::tenancy::{DistrictId, UnitId};

use crate::SqlStore;
use crate::audit::{append, commit_audited};
use crate::db::{Backend, Row, Tx, Value};
use crate::people_index::{self, PostTexts, Who};
use crate::people_relations::{SELECT, insert_relation, relation_record};
use crate::sql::{
    Keyed, Sql, fetch_page, fetch_page_counted, keyed_sql, like, like_match, opaque_params,
    order_by,
};

/// Rows per multi-row INSERT (and ID numbers per lookup) on PostgreSQL.
const CHUNK: usize = 400;
/// Rows per multi-row INSERT on SQLite. SQLite looks numbered parameters (`?NNN`) up by a
/// linear scan (`sqlite3VListNumToName`) at every bind, so the people INSERT uses
/// anonymous `?` placeholders ([`people_index::values_sql`]), one fixed text per chunk
/// size, every value bound.
const SQLITE_CHUNK: usize = 100;
/// SQLite page cache of an import's connection for its transaction (KiB, as `PRAGMA
/// cache_size` takes a negative number): the default 2 MiB spilled dirty pages to the WAL
/// in the middle of a large import. Restored before the commit.
const IMPORT_CACHE_KIB: i64 = 65_536;
/// Written rows from which an import refreshes the planner statistics (`ANALYZE`).
const ANALYZE_AFTER: usize = 1000;
/// The tables a bulk write of people refreshes the statistics of: the people, their history,
/// the latest rows the cost report and its probe read, and the search grams. Without them
/// PostgreSQL guessed ~100 of 100,000 latest rows and built a bitmap of all of them for the
/// cost query's 256-row probe (4.4 ms instead of 0.15 ms per cost page and dashboard).
pub(crate) const PEOPLE_TABLES: [&str; 5] = [
    "people",
    "person_events",
    "person_latest",
    "people_grams",
    "people_post_grams",
];
/// Updated rows between two progress reports (inserts report once per chunk).
const PROGRESS_EVERY: u64 = 50;

/// Personal columns (never dated) and assignment columns (dated in person_events).
const PERSONAL: [&str; 12] = [
    "id",
    "district_id",
    "name",
    "gender",
    "id_number",
    "birth_date",
    "ethnicity",
    "party",
    "education",
    "work_start",
    "unit_join",
    "leader_role",
];
const ASSIGNMENT: [&str; 14] = [
    "unit_id",
    "host_unit_id",
    "body_id",
    "identity",
    "establishment",
    "post",
    "rank",
    "leader",
    "funding",
    "basic_pay",
    "allowances",
    "social_insurance",
    "housing_fund",
    "status",
];

/// The select list of a person: current (`p.`) or as of a history row (`e.`).
/// The number of columns [`cols`] selects (what [`person`] reads).
const PERSON_WIDTH: usize = PERSONAL.len() + ASSIGNMENT.len() + 3;

pub(crate) fn cols(dated: bool) -> String {
    let a = if dated { "e" } else { "p" };
    let mut v: Vec<String> = PERSONAL.iter().map(|c| format!("p.{c}")).collect();
    v.extend(ASSIGNMENT.iter().map(|c| format!("{a}.{c}")));
    v.push("p.phone".into());
    v.push(if dated { "e.on_date" } else { "p.status_since" }.into());
    v.push("p.probation_end".into());
    v.join(", ")
}

fn bad(what: &str, v: &str) -> StoreError {
    StoreError::Backend(format!("unknown {what} code in database: {v}"))
}

fn code<T>(what: &str, v: String, f: impl Fn(&str) -> Option<T>) -> StoreResult<T> {
    f(&v).ok_or_else(|| bad(what, &v))
}

pub(crate) fn person(r: &Row) -> StoreResult<PersonRecord> {
    Ok(PersonRecord {
        id: r.get(0)?,
        district_id: DistrictId(r.get(1)?),
        name: r.get(2)?,
        gender: r.get(3)?,
        id_number: r.get(4)?,
        birth_date: r.get(5)?,
        ethnicity: r.get(6)?,
        party: r.get(7)?,
        education: r.get(8)?,
        work_start: r.get(9)?,
        unit_join: r.get(10)?,
        leader_role: r.get(11)?,
        unit_id: UnitId(r.get(12)?),
        host_unit_id: r.get::<Option<i64>>(13)?.map(UnitId),
        body_id: r.get(14)?,
        identity: code("identity", r.get(15)?, Identity::from_code)?,
        establishment: code("establishment", r.get(16)?, EstablishmentKind::from_code)?,
        post: r.get(17)?,
        rank: r.get(18)?,
        leader: r.get(19)?,
        funding: code("funding", r.get(20)?, Funding::from_code)?,
        cost: Cost {
            basic_pay: Money(r.get(21)?),
            allowances: Money(r.get(22)?),
            social_insurance: Money(r.get(23)?),
            housing_fund: Money(r.get(24)?),
        },
        status: code("status", r.get(25)?, Status::from_code)?,
        phone: r.get(26)?,
        status_since: r.get(27)?,
        probation_end: r.get(28)?,
    })
}

/// Which people of a unit's roster a query reads: its own and those it borrows (the
/// roster), or one of the two (the two halves of an index-backed roster page).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    All,
    Home,
    Borrowed,
}

/// FROM and WHERE of a roster query.
fn roster_where(
    b: Backend,
    d: DistrictId,
    f: &PeopleFilter,
    q: Option<&ListQuery>,
    posts: &PostTexts,
) -> Sql {
    roster_part(b, Vec::new(), d, f, q, Part::All, posts)
}

/// FROM and WHERE of a roster query (or of one [`Part`] of it), its placeholders
/// numbered after `params`.
fn roster_part(
    b: Backend,
    params: Vec<Value>,
    d: DistrictId,
    f: &PeopleFilter,
    q: Option<&ListQuery>,
    part: Part,
    posts: &PostTexts,
) -> Sql {
    let dated = f.on.is_some();
    let a = if dated { "e" } else { "p" };
    let mut s = Sql {
        text: String::new(),
        params,
    };
    let dp = s.bind(d.0);
    // The search of the current roster: candidates from the gram index (and the ID
    // number's unique index), re-checked below with the old LIKE condition. SQLite: CROSS
    // JOIN keeps it from walking the unit's name index instead. PostgreSQL, a name's
    // candidates (no post text matched): a LATERAL subquery that cannot be flattened
    // (OFFSET 0) reads each one by its primary key, whatever the planner estimates. As a
    // plain join, the generic plan of the prepared statement (chosen after five runs,
    // planned without the parameters' values) took `unit_id = $n AND name LIKE $m` for one
    // person of an average unit and walked the whole of a 100,000-staff unit instead (154 ms
    // a search; an array of the candidates fared no better). When post texts matched, the
    // candidates can be most of a unit (科员: 99,995 of the stress unit), for which
    // PostgreSQL's hash join is three times cheaper than as many key lookups (0.2 s
    // against 0.6 s): the plain join.
    let indexed = !dated && q.and_then(ListQuery::search).is_some();
    // The search text as an ID number, when the actor may search by one and the text
    // could be one (no other text can equal a stored number).
    let by_id = q
        .and_then(ListQuery::search)
        .filter(|t| f.search_id_number && IdNumber::is_shaped(t))
        .map(|t| t.to_ascii_uppercase());
    if let Some(on) = f.on {
        s.push(&format!(
            " FROM person_events e JOIN people p ON p.id = e.person_id WHERE e.district_id = {dp}"
        ));
        let p = s.bind(on);
        s.push(&format!(
            " AND e.on_date <= {p} AND e.id = (SELECT MAX(e2.id) FROM person_events e2 \
             WHERE e2.person_id = e.person_id AND e2.on_date <= {p})"
        ));
    } else if let (true, Some(text)) = (indexed, q.and_then(ListQuery::search)) {
        let c = people_index::candidates(&mut s, &dp, &text, by_id.as_deref(), posts);
        s.push(&if by_lateral(b, posts) {
            format!(
                " FROM ({c}) c CROSS JOIN LATERAL (SELECT * FROM people y WHERE y.id = c.person_id \
                 AND y.district_id = {dp} OFFSET 0) p WHERE p.district_id = {dp}"
            )
        } else {
            format!(
                " FROM ({c}) c CROSS JOIN people p WHERE p.id = c.person_id AND p.district_id = {dp}"
            )
        });
    } else {
        s.push(&format!(" FROM people p WHERE p.district_id = {dp}"));
    }
    let active = format!("{a}.status IN ('on_post', 'lent_out')");
    match (f.unit_id, f.status) {
        (Some(u), Some(StatusFilter::One(Status::BorrowedIn))) => {
            let p = s.bind(u.0);
            s.push(&format!(
                " AND {a}.host_unit_id = {p} AND {a}.unit_id <> {p} AND {a}.status = 'lent_out'"
            ));
        }
        (Some(u), st) => {
            let p = s.bind(u.0);
            if f.home_only || matches!(st, Some(StatusFilter::One(_))) || part == Part::Home {
                s.push(&format!(" AND {a}.unit_id = {p}"));
            } else if part == Part::Borrowed {
                s.push(&format!(
                    " AND {a}.host_unit_id = {p} AND {a}.status = 'lent_out' AND {a}.unit_id <> {p}"
                ));
            } else {
                s.push(&format!(
                    " AND ({a}.unit_id = {p} OR ({a}.host_unit_id = {p} AND {a}.status = 'lent_out'))"
                ));
            }
            match st {
                None => s.push(&format!(" AND {active}")),
                Some(StatusFilter::All) => {}
                Some(StatusFilter::One(x)) => s.push(&status_is(a, x)),
            }
        }
        (None, st) => match st {
            None => s.push(&format!(" AND {active}")),
            Some(StatusFilter::All) => {}
            Some(StatusFilter::One(Status::BorrowedIn)) => {
                s.push(&format!(
                    " AND {a}.host_unit_id IS NOT NULL AND {a}.status = 'lent_out'"
                ));
            }
            Some(StatusFilter::One(x)) => s.push(&status_is(a, x)),
        },
    }
    if let Some(i) = f.identity {
        s.and(&format!("{a}.identity = {{}}"), i.code());
    }
    if let Some(k) = f.establishment {
        s.and(&format!("{a}.establishment = {{}}"), k.code());
    }
    if let Some(b) = f.body_id {
        s.and(&format!("{a}.body_id = {{}}"), b);
    }
    if let Some(l) = f.leader {
        s.and(&format!("{a}.leader = {{}}"), l);
    }
    if let Some(text) = q.and_then(ListQuery::search) {
        let p = s.bind(like(&text));
        let mut cond = format!(
            "{} OR {}",
            like_match("p.name", &p),
            like_match(&format!("{a}.post"), &p)
        );
        if let Some(n) = &by_id {
            let n = s.bind(n.as_str());
            cond.push_str(&format!(" OR p.id_number = {n}"));
        }
        s.push(&format!(" AND ({cond})"));
    }
    s
}

/// Whether a roster search on `b` reads its candidates through the `LATERAL` subquery
/// (PostgreSQL, no post text matched: a name's candidates), whose generic plan is right
/// whatever the parameters: such a statement is planned once per connection
/// ([`opaque_params`]). PostgreSQL, finding the plans made for the values cheaper on
/// paper, planned it at every run: 0.3 ms of planning against 0.5 ms of running for a name
/// in a unit of 100,000.
fn by_lateral(b: Backend, posts: &PostTexts) -> bool {
    b == Backend::Postgres && matches!(posts, PostTexts::Read(l) if l.is_empty())
}

/// `AND {a}.status = 'code'`: a status filter as a literal of the closed list, not a
/// parameter, so that PostgreSQL's generic plan of the prepared statement knows the
/// value (issue 17). As `$n` it planned for an average status and walked a unit's whole
/// name index for a rare one: 50,000 rows (278 ms) to find the retired people of a
/// 50,000-staff unit, against two index pages with the value known.
fn status_is(a: &str, x: Status) -> String {
    format!(" AND {a}.status = '{}'", x.code())
}

const EVENT_COLS: &str = "district_id, person_id, on_date, kind, unit_id, host_unit_id, body_id, identity, establishment, post, rank, leader, funding, basic_pay, allowances, social_insurance, housing_fund, status, doc_no, note, created_at, created_by";

/// Copies the current state of people `ids` into history rows.
async fn copy_events(
    tx: &mut Tx,
    d: DistrictId,
    ids: &[i64],
    w: &PersonWrite,
    at: DateTime<Utc>,
    by: &str,
) -> StoreResult<()> {
    let mut s = Sql::new("");
    let dp = s.bind(d.0);
    let on = s.bind(w.on);
    let kind = s.bind(w.kind.code());
    let doc = s.bind(w.doc_no.as_str());
    let note = s.bind(w.note.as_str());
    let atp = s.bind(at);
    let byp = s.bind(by);
    // Ids come from the database: inlined as literals when not a range.
    // `+p.district_id` keeps SQLite's planner on the primary key: without statistics it
    // preferred an index on district_id and scanned the whole district for every chunk,
    // which made large imports quadratic.
    // Consecutive ids (a chunk of new people) as a bound range: the same text for every
    // chunk, so one prepared statement serves an import.
    let which = match (ids.first(), ids.last()) {
        (Some(a), Some(b)) if ids.windows(2).all(|w| w[1] == w[0] + 1) => {
            let (a, b) = (s.bind(*a), s.bind(*b));
            format!("p.id >= {a} AND p.id <= {b}")
        }
        _ => {
            let list: Vec<String> = ids.iter().map(|i| i.to_string()).collect();
            format!("p.id IN ({})", list.join(", "))
        }
    };
    s.text = format!(
        "INSERT INTO person_events ({EVENT_COLS}) SELECT p.district_id, p.id, {on}, {kind}, p.unit_id, p.host_unit_id, p.body_id, \
         p.identity, p.establishment, p.post, p.rank, p.leader, p.funding, p.basic_pay, p.allowances, p.social_insurance, \
         p.housing_fund, p.status, {doc}, {note}, {atp}, {byp} FROM people p WHERE +p.district_id = {dp} AND {which}"
    );
    tx.execute(&s.text, &s.params).await?;
    Ok(())
}

/// Moves people a reorganisation plan takes out of their body (organisation module): each
/// person goes to `to` (`None`: the redeployment pool, 统一调剂) and gets a dated `move`
/// history row, inside the caller's transaction. A person no longer on post in `from` (changed
/// since the preview) makes the whole write fail with `Conflict { field: "staff" }`.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn move_staff_tx(
    tx: &mut Tx,
    d: DistrictId,
    moves: &[(i64, i64, Option<i64>, &str)],
    on: NaiveDate,
    doc_no: &str,
    at: DateTime<Utc>,
    by: &str,
) -> StoreResult<()> {
    for (person, from, to, note) in moves {
        let n = tx
            .execute(
                "UPDATE people SET body_id = $1, updated_at = $2 WHERE district_id = $3 AND id = $4 \
                 AND body_id = $5 AND status IN ('on_post', 'lent_out')",
                &[
                    (*to).into(),
                    at.into(),
                    d.0.into(),
                    (*person).into(),
                    (*from).into(),
                ],
            )
            .await?;
        if n == 0 {
            return Err(StoreError::Conflict(Conflict::Staff));
        }
        move_event_tx(tx, d, *person, on, doc_no, note, (at, by)).await?;
    }
    Ok(())
}

/// A dated `move` history row of a person (岗位调整): the person's current state, with the
/// document and note, inside the caller's transaction. Also used by two-way selection's
/// apply.
pub(crate) async fn move_event_tx(
    tx: &mut Tx,
    d: DistrictId,
    person: i64,
    on: NaiveDate,
    doc_no: &str,
    note: &str,
    (at, by): (DateTime<Utc>, &str),
) -> StoreResult<()> {
    tx.execute(
        &format!(
            "INSERT INTO person_events ({EVENT_COLS}) SELECT p.district_id, p.id, $1, $2, p.unit_id, p.host_unit_id, p.body_id, \
             p.identity, p.establishment, p.post, p.rank, p.leader, p.funding, p.basic_pay, p.allowances, p.social_insurance, \
             p.housing_fund, p.status, $3, $4, $5, $6 FROM people p WHERE p.district_id = $7 AND p.id = $8"
        ),
        &[
            on.into(),
            EventKind::Move.code().into(),
            doc_no.into(),
            note.into(),
            at.into(),
            by.into(),
            d.0.into(),
            person.into(),
        ],
    )
    .await?;
    people_index::refresh_latest(tx, d, Who::Ids(&[person])).await
}

const INSERT_COLS: &str = "district_id, unit_id, host_unit_id, body_id, name, gender, id_number, birth_date, ethnicity, party, education, work_start, unit_join, identity, establishment, post, rank, leader, leader_role, phone, funding, basic_pay, allowances, social_insurance, housing_fund, status, status_since, probation_end, created_at, updated_at";

fn person_values(p: &PersonRecord, d: DistrictId, at: DateTime<Utc>) -> Vec<Value> {
    vec![
        Value::from(d.0),
        Value::from(p.unit_id.0),
        Value::from(p.host_unit_id.map(|u| u.0)),
        Value::from(p.body_id),
        Value::from(p.name.as_str()),
        Value::from(p.gender.as_str()),
        Value::from(p.id_number.as_str()),
        Value::from(p.birth_date),
        Value::from(p.ethnicity.as_str()),
        Value::from(p.party.as_str()),
        Value::from(p.education.as_str()),
        Value::from(p.work_start),
        Value::from(p.unit_join),
        Value::from(p.identity.code()),
        Value::from(p.establishment.code()),
        Value::from(p.post.as_str()),
        Value::from(p.rank.as_str()),
        Value::from(p.leader),
        Value::from(p.leader_role.as_str()),
        Value::from(p.phone.as_str()),
        Value::from(p.funding.code()),
        Value::from(p.cost.basic_pay.0),
        Value::from(p.cost.allowances.0),
        Value::from(p.cost.social_insurance.0),
        Value::from(p.cost.housing_fund.0),
        Value::from(p.status.code()),
        Value::from(p.status_since),
        Value::from(p.probation_end),
        Value::from(at),
        Value::from(at),
    ]
}

/// Inserts new people (one multi-row INSERT) and their history rows; returns their ids in
/// the order given.
async fn insert_chunk(
    tx: &mut Tx,
    d: DistrictId,
    chunk: &[&PersonWrite],
    at: DateTime<Utc>,
    by: &str,
) -> StoreResult<Vec<i64>> {
    let Some(first) = chunk.first() else {
        return Ok(Vec::new());
    };
    // One statement text per chunk size (every full chunk of an import the same): one
    // prepared statement serves them all; every value bound.
    let cols = INSERT_COLS.split(", ").count();
    let sql = format!(
        "{} RETURNING id, id_number",
        people_index::values_sql(
            &format!("INSERT INTO people ({INSERT_COLS})"),
            tx.backend(),
            chunk.len(),
            cols
        )
    );
    let mut params = Vec::with_capacity(chunk.len() * cols);
    for w in chunk {
        params.extend(person_values(&w.person, d, at));
    }
    let back = tx.fetch_all(&sql, &params).await?;
    let mut by_number: HashMap<String, i64> = HashMap::with_capacity(back.len());
    for r in back {
        by_number.insert(r.get(1)?, r.get(0)?);
    }
    let ids: Vec<i64> = chunk
        .iter()
        .map(|w| by_number.get(&w.person.id_number).copied().unwrap_or(0))
        .collect();
    copy_events(tx, d, &ids, first, at, by).await?;
    Ok(ids)
}

async fn update_one(
    tx: &mut Tx,
    d: DistrictId,
    w: &PersonWrite,
    at: DateTime<Utc>,
    by: &str,
) -> StoreResult<()> {
    let p = &w.person;
    let mut params = person_values(p, d, at);
    // Drop district_id (first) and created_at (second to last) from the SET list.
    params.remove(0);
    params.remove(params.len() - 2);
    let set_cols: Vec<&str> = INSERT_COLS
        .split(", ")
        .filter(|c| *c != "district_id" && *c != "created_at")
        .collect();
    let set: Vec<String> = set_cols
        .iter()
        .enumerate()
        .map(|(i, c)| format!("{c} = ${}", i + 1))
        .collect();
    let n = params.len();
    // The old name: its grams are deleted by their key (migration 28).
    let old_name: String = tx
        .fetch_optional(
            "SELECT name FROM people WHERE id = $1 AND district_id = $2",
            &[p.id.into(), d.0.into()],
        )
        .await?
        .ok_or(StoreError::NotFound)?
        .get(0)?;
    params.push(Value::from(p.id));
    params.push(Value::from(d.0));
    let sql = format!(
        "UPDATE people SET {} WHERE id = ${} AND district_id = ${}",
        set.join(", "),
        n + 1,
        n + 2
    );
    if tx.execute(&sql, &params).await? == 0 {
        return Err(StoreError::NotFound);
    }
    copy_events(tx, d, &[p.id], w, at, by).await?;
    people_index::rewrite_grams(tx, d, p.id, &old_name, (p.name.as_str(), p.post.as_str())).await?;
    people_index::refresh_latest(tx, d, Who::Ids(&[p.id])).await
}

/// The writes of [`PeopleStore::apply_people`] inside its transaction; the ids of the
/// people written, in the order given.
async fn apply_people_tx(tx: &mut Tx, d: DistrictId, batch: PeopleBatch) -> StoreResult<Vec<i64>> {
    let at = batch.at;
    let by = batch.by.as_str();
    let chunk_rows = match tx.backend() {
        Backend::Sqlite => SQLITE_CHUNK,
        Backend::Postgres => CHUNK,
    };
    let total = batch.writes.len() as u64;
    let mut ids = vec![0i64; batch.writes.len()];
    let mut pending: Vec<usize> = Vec::new();
    let key = |w: &PersonWrite| (w.on, w.kind, w.doc_no.clone(), w.note.clone());
    let mut done = 0u64;
    let mut i = 0;
    while i <= batch.writes.len() {
        let w = batch.writes.get(i);
        let flush = match (w, pending.first().and_then(|p| batch.writes.get(*p))) {
            (None, _) => true,
            (Some(w), Some(f)) => !w.create || key(w) != key(f) || pending.len() >= chunk_rows,
            (Some(w), None) => !w.create,
        };
        if flush && !pending.is_empty() {
            let chunk: Vec<&PersonWrite> = pending
                .iter()
                .filter_map(|p| batch.writes.get(*p))
                .collect();
            let new = insert_chunk(tx, d, &chunk, at, by).await?;
            for (p, id) in pending.iter().zip(new) {
                if let Some(slot) = ids.get_mut(*p) {
                    *slot = id;
                }
            }
            done += pending.len() as u64;
            pending.clear();
            if let Some(pr) = &batch.progress {
                pr(done, total);
            }
        }
        match w {
            Some(w) if w.create => pending.push(i),
            Some(w) => {
                update_one(tx, d, w, at, by).await?;
                if let Some(slot) = ids.get_mut(i) {
                    *slot = w.person.id;
                }
                done += 1;
                if let Some(pr) = &batch.progress
                    && done.is_multiple_of(PROGRESS_EVERY)
                {
                    pr(done, total);
                }
            }
            None => {}
        }
        i += 1;
    }
    // The search grams and the latest rows (with the cost counters) of every person
    // created above, in bulk (issue 17): the same rows the per-chunk writes gave, in
    // a few large statements. Nothing in this transaction reads them before.
    let fresh: Vec<(i64, &str, &str)> = batch
        .writes
        .iter()
        .zip(&ids)
        .filter(|(w, _)| w.create)
        .map(|(w, id)| (*id, w.person.name.as_str(), w.person.post.as_str()))
        .collect();
    people_index::index_fresh(tx, d, &fresh).await?;
    if let Some(pr) = &batch.progress
        && total > 0
    {
        pr(done, total);
    }
    for x in &batch.exceptions {
        tx.execute(
            "INSERT INTO establishment_exceptions (district_id, unit_id, body_id, person_id, kind, doc_no, reason, approved, occupied_after, on_date, created_at, created_by) \
             VALUES ($1, $2, $3, (SELECT id FROM people WHERE district_id = $1 AND id_number = $4), $5, $6, $7, $8, $9, $10, $11, $12)",
            &[
                d.0.into(),
                x.unit_id.0.into(),
                x.body_id.into(),
                x.id_number.as_str().into(),
                x.kind.code().into(),
                x.doc_no.as_str().into(),
                x.reason.as_str().into(),
                x.approved.into(),
                x.occupied_after.into(),
                x.on_date.into(),
                at.into(),
                by.into(),
            ],
        )
        .await?;
    }
    for g in &batch.guards {
        let mut s = Sql::with(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM people WHERE district_id = $1 AND status IN ('on_post', 'lent_out')",
            d.0,
        );
        s.and("unit_id = {}", g.unit_id.0);
        s.and("establishment = {}", g.kind.code());
        if let Some(b) = g.body_id {
            s.and("body_id = {}", b);
        }
        let n: i64 = tx.fetch_one(&s.text, &s.params).await?.get(0)?;
        if n > g.limit {
            return Err(StoreError::Conflict(Conflict::Establishment));
        }
    }
    for (k, mut a) in batch.audits.into_iter().enumerate() {
        if a.object_id.is_empty() {
            a.object_id = ids.get(k).copied().unwrap_or(0).to_string();
        }
        append(tx, &a).await?;
    }
    Ok(ids)
}

fn quota(r: &Row) -> StoreResult<QuotaRecord> {
    let body: i64 = r.get(1)?;
    Ok(QuotaRecord {
        unit_id: UnitId(r.get(0)?),
        body_id: (body != 0).then_some(body),
        kind: code("quota kind", r.get(2)?, QuotaKind::from_code)?,
        approved: r.get(3)?,
        updated_at: r.get(4)?,
        updated_by: r.get(5)?,
    })
}

/// Whether a roster page is read as its two halves (the unit's own people, those it
/// borrows): the current roster of one unit with its borrowed-in people.
fn split_roster(f: &PeopleFilter) -> bool {
    f.on.is_none()
        && f.unit_id.is_some()
        && !f.home_only
        && !matches!(f.status, Some(StatusFilter::One(_)))
}

impl SqlStore {
    /// One page of a unit's current roster without sorting or counting the whole unit
    /// (issue 17): the unit's own people and the people it borrows are two disjoint
    /// queries: the own people walk `people_unit_name` in the page's (pinyin) order and
    /// stop after offset + page rows; the borrowed-in people (a unit borrows a handful) are
    /// found through `people_host` without an order of their own, so that the planner
    /// does not walk the whole district's name index for them; the page is the sorted
    /// merge of the two. The total is the own people's count from `people_counters`
    /// ([`people_index::home_count`]; with an identity or leader filter: an index-only count) plus the
    /// borrowed-in people's count.
    async fn roster_page(
        &self,
        d: DistrictId,
        f: &PeopleFilter,
        q: &ListQuery,
        order: &str,
        posts: &PostTexts,
    ) -> StoreResult<Page<PersonRecord>> {
        let b = self.db.backend();
        // The total as one scalar (own people + borrowed-in people), its placeholders
        // first: it rides on the page's rows as their last column, so that a page is one
        // statement (issue 17: each statement is a hand-off to the database's thread).
        let (mut terms, mut params) = match people_index::home_count(d, f) {
            Some(c) => (vec![c.text], c.params),
            None => (Vec::new(), Vec::new()),
        };
        let parts: &[Part] = if terms.is_empty() {
            &[Part::Home, Part::Borrowed]
        } else {
            &[Part::Borrowed]
        };
        for &part in parts {
            let w = roster_part(b, params, d, f, Some(q), part, posts);
            terms.push(format!("SELECT CAST(COUNT(*) AS BIGINT){}", w.text));
            params = w.params;
        }
        let total_sql = terms
            .iter()
            .map(|t| format!("({t})"))
            .collect::<Vec<_>>()
            .join(" + ");
        let total_params = params.len();
        let home = roster_part(b, params, d, f, Some(q), Part::Home, posts);
        let mut both = roster_part(b, home.params, d, f, Some(q), Part::Borrowed, posts);
        let upto = both.bind(q.offset() + i64::from(q.per_page()));
        let limit = both.bind(i64::from(q.per_page()));
        let offset = both.bind(q.offset());
        let select = format!("SELECT {}", cols(false));
        let outer = order.replace("p.", "r.");
        let sql = format!(
            "SELECT r.*, ({total_sql}) FROM (SELECT * FROM ({select}{}{order} LIMIT {upto}) h \
             UNION ALL SELECT * FROM ({select}{}) b) r{outer} LIMIT {limit} OFFSET {offset}",
            home.text, both.text
        );
        // PostgreSQL: planned once per connection ([`opaque_params`]). With the values in
        // view it planned every run, and planning cost three times the run (0.57 against
        // 0.17 ms on a unit of 100,000); the generic plan walks the unit's name index
        // with the limit whatever the unit's size (scale::scale_generic_plans_of_the_lists).
        let sql = match b {
            Backend::Postgres => opaque_params(&sql),
            Backend::Sqlite => sql,
        };
        let rows = self.db.fetch_all(&sql, &both.params).await?;
        let total = match rows.first() {
            Some(r) => r.get::<i64>(PERSON_WIDTH)?,
            // Past the end: the total alone.
            None => {
                both.params.truncate(total_params);
                self.db
                    .fetch_one(&format!("SELECT {total_sql}"), &both.params)
                    .await?
                    .get(0)?
            }
        };
        Ok(Page {
            items: rows.iter().map(person).collect::<StoreResult<_>>()?,
            total,
            page: q.page(),
            per_page: q.per_page(),
        })
    }
}

impl SqlStore {
    /// How the cost query of district `d` on `on` finds the people who straddle the date
    /// ([`people_index::Straddle`]): through the index that holds fewer of them, as a
    /// capped count of each tells.
    pub async fn straddle(
        &self,
        d: DistrictId,
        on: NaiveDate,
    ) -> StoreResult<people_index::Straddle> {
        let r = self
            .db
            .fetch_one(
                &people_index::straddle_probe_sql(),
                &[d.0.into(), on.into()],
            )
            .await?;
        let (latest, first): (i64, i64) = (r.get(0)?, r.get(1)?);
        Ok(if first < latest {
            people_index::Straddle::ByFirst
        } else {
            people_index::Straddle::ByLatest
        })
    }

    /// The first page of a unit roster's search for `text`, as `list_people` runs it for
    /// an administrator (who may search by ID number): its SQL and parameters, for the
    /// benchmark's query plans.
    pub async fn roster_search_sql(
        &self,
        d: DistrictId,
        unit: UnitId,
        text: &str,
    ) -> StoreResult<(String, Vec<Value>)> {
        let f = PeopleFilter {
            unit_id: Some(unit),
            search_id_number: true,
            ..Default::default()
        };
        let q = ListQuery {
            q: Some(text.into()),
            ..Default::default()
        };
        let posts = people_index::post_texts(&self.db, d, text).await?;
        let mut w = roster_where(self.db.backend(), d, &f, Some(&q), &posts);
        let page = (w.bind(20_i64), w.bind(0_i64));
        let select = cols(false);
        let order = " ORDER BY p.name COLLATE pinyin ASC, p.id";
        let key = person_keyed(&select, by_lateral(self.db.backend(), &posts));
        Ok((
            keyed_sql(&key, &w.text, order, (&page.0, &page.1)),
            w.params,
        ))
    }
}

/// A page of current people read by key (see [`fetch_page_counted`]): `select` is
/// [`cols`]`(false)`; `plan_once` for PostgreSQL's name search ([`by_lateral`]).
fn person_keyed(select: &str, plan_once: bool) -> Keyed<'_> {
    Keyed {
        select,
        width: PERSON_WIDTH,
        key: "p.id",
        table: "people p",
        plan_once,
    }
}

/// `1, 2, 3`: integer ids inlined into an `IN (…)` list (typed integers, never text).
pub(crate) fn in_list(ids: impl Iterator<Item = i64>) -> String {
    ids.map(|i| i.to_string()).collect::<Vec<_>>().join(", ")
}

fn unit_scope(s: &mut Sql, col: &str, unit: Option<UnitId>) {
    if let Some(u) = unit {
        s.and(&format!("{col} = {{}}"), u.0);
    }
}

#[async_trait]
impl PeopleStore for SqlStore {
    async fn list_people(
        &self,
        d: DistrictId,
        f: &PeopleFilter,
        q: &ListQuery,
    ) -> StoreResult<Page<PersonRecord>> {
        let posts = match (f.on, q.search()) {
            (None, Some(text)) => people_index::post_texts(&self.db, d, &text).await?,
            _ => PostTexts::NONE,
        };
        let w = roster_where(self.db.backend(), d, f, Some(q), &posts);
        let a = if f.on.is_some() { "e" } else { "p" };
        let order = order_by(
            q,
            &[
                ("name", "p.name COLLATE pinyin"),
                ("birth", "p.birth_date"),
                ("identity", &format!("{a}.identity")),
                ("establishment", &format!("{a}.establishment")),
                ("status", &format!("{a}.status")),
                ("post", &format!("{a}.post")),
                ("unit_join", "p.unit_join"),
                (
                    "since",
                    if f.on.is_some() {
                        "e.on_date"
                    } else {
                        "p.status_since"
                    },
                ),
            ],
            "p.name COLLATE pinyin",
        );
        let order = format!("{order}, p.id");
        if split_roster(f) && q.search().is_none() {
            return self.roster_page(d, f, q, &order, &posts).await;
        }
        if f.on.is_none() && q.search().is_some() {
            // The search's candidates are all read and sorted: the total rides on them.
            let select = cols(false);
            let key = person_keyed(&select, by_lateral(self.db.backend(), &posts));
            return fetch_page_counted(&self.db, key, w, &order, q, person).await;
        }
        fetch_page(
            &self.db,
            "",
            &format!("SELECT {}", cols(f.on.is_some())),
            w,
            &order,
            q,
            person,
        )
        .await
    }

    async fn export_people(
        &self,
        d: DistrictId,
        f: &PeopleFilter,
    ) -> StoreResult<Vec<PersonRecord>> {
        let w = roster_where(self.db.backend(), d, f, None, &PostTexts::NONE);
        let a = if f.on.is_some() { "e" } else { "p" };
        let rows = self
            .db
            .fetch_all(
                &format!(
                    "SELECT {}{} ORDER BY {a}.unit_id, p.name, p.id",
                    cols(f.on.is_some()),
                    w.text
                ),
                &w.params,
            )
            .await?;
        rows.iter().map(person).collect()
    }

    async fn get_person(&self, d: DistrictId, id: PersonId) -> StoreResult<Option<PersonRecord>> {
        let r = self
            .db
            .fetch_optional(
                &format!(
                    "SELECT {} FROM people p WHERE p.id = $1 AND p.district_id = $2",
                    cols(false)
                ),
                &[id.0.into(), d.0.into()],
            )
            .await?;
        r.as_ref().map(person).transpose()
    }

    async fn people_by_ids(
        &self,
        d: DistrictId,
        ids: &[PersonId],
    ) -> StoreResult<Vec<PersonRecord>> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(CHUNK) {
            // Ids are integers: inlined as literals (one plan, no parameter scan).
            let list = in_list(chunk.iter().map(|p| p.0));
            let rows = self
                .db
                .fetch_all(
                    &format!(
                        "SELECT {} FROM people p WHERE p.district_id = $1 AND p.id IN ({list})",
                        cols(false)
                    ),
                    &[d.0.into()],
                )
                .await?;
            for r in &rows {
                out.push(person(r)?);
            }
        }
        Ok(out)
    }

    async fn people_by_id_numbers(
        &self,
        d: DistrictId,
        numbers: &[String],
    ) -> StoreResult<Vec<PersonRecord>> {
        let mut out = Vec::new();
        for chunk in numbers.chunks(CHUNK) {
            let mut s = Sql::new("");
            let dp = s.bind(d.0);
            // Numbers of 17 digits and a digit or X cannot contain a quote: inlined as
            // literals (PostgreSQL plans long parameter lists slowly); anything else bound.
            let list: Vec<String> = chunk
                .iter()
                .map(|n| {
                    if n.len() == 18 && n.bytes().all(|b| b.is_ascii_digit() || b == b'X') {
                        format!("'{n}'")
                    } else {
                        s.bind(n.as_str())
                    }
                })
                .collect();
            s.text = format!(
                "SELECT {} FROM people p WHERE p.district_id = {dp} AND p.id_number IN ({})",
                cols(false),
                list.join(", ")
            );
            for r in self.db.fetch_all(&s.text, &s.params).await? {
                out.push(person(&r)?);
            }
        }
        Ok(out)
    }

    async fn person_history(&self, d: DistrictId, id: PersonId) -> StoreResult<Vec<PersonEvent>> {
        let rows = self
            .db
            .fetch_all(
                "SELECT e.id, e.person_id, e.on_date, e.kind, e.unit_id, u.name, e.host_unit_id, h.name, e.body_id, \
                 e.identity, e.establishment, e.post, e.rank, e.leader, e.funding, e.basic_pay, e.allowances, \
                 e.social_insurance, e.housing_fund, e.status, e.doc_no, e.note, e.created_at, e.created_by \
                 FROM person_events e JOIN units u ON u.id = e.unit_id LEFT JOIN units h ON h.id = e.host_unit_id \
                 WHERE e.district_id = $1 AND e.person_id = $2 ORDER BY e.on_date, e.id",
                &[d.0.into(), id.0.into()],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(PersonEvent {
                    id: PersonEventId(r.get(0)?),
                    person_id: PersonId(r.get(1)?),
                    on_date: r.get(2)?,
                    kind: code("event kind", r.get(3)?, EventKind::from_code)?,
                    unit_id: UnitId(r.get(4)?),
                    unit_name: r.get(5)?,
                    host_unit_id: r.get::<Option<i64>>(6)?.map(UnitId),
                    host_unit_name: r.get(7)?,
                    body_id: r.get(8)?,
                    identity: code("identity", r.get(9)?, Identity::from_code)?,
                    establishment: code("establishment", r.get(10)?, EstablishmentKind::from_code)?,
                    post: r.get(11)?,
                    rank: r.get(12)?,
                    leader: r.get(13)?,
                    funding: code("funding", r.get(14)?, Funding::from_code)?,
                    cost: Cost {
                        basic_pay: Money(r.get(15)?),
                        allowances: Money(r.get(16)?),
                        social_insurance: Money(r.get(17)?),
                        housing_fund: Money(r.get(18)?),
                    },
                    status: code("status", r.get(19)?, Status::from_code)?,
                    doc_no: r.get(20)?,
                    note: r.get(21)?,
                    created_at: r.get(22)?,
                    created_by: r.get(23)?,
                })
            })
            .collect()
    }

    async fn occupancy(
        &self,
        d: DistrictId,
        unit: Option<UnitId>,
    ) -> StoreResult<Vec<OccupancyCount>> {
        let s = people_index::occupancy_sql(d, unit);
        let rows = self.db.fetch_all(&s.text, &s.params).await?;
        rows.iter()
            .map(|r| {
                Ok(OccupancyCount {
                    unit_id: UnitId(r.get(0)?),
                    body_id: r.get(1)?,
                    kind: code("establishment", r.get(2)?, EstablishmentKind::from_code)?,
                    count: r.get(3)?,
                })
            })
            .collect()
    }

    async fn leader_counts(
        &self,
        d: DistrictId,
        unit: Option<UnitId>,
    ) -> StoreResult<Vec<(UnitId, i64)>> {
        let mut s = Sql::with(
            "SELECT unit_id, CAST(COUNT(*) AS BIGINT) FROM people WHERE district_id = $1 \
             AND status IN ('on_post', 'lent_out')",
            d.0,
        );
        s.and("leader = {}", true);
        match unit {
            Some(u) => s.and("unit_id = {}", u.0),
            // Each unit's few leaders through the index (district, unit, leader, status)
            // rather than the whole district's entries (the dashboard).
            None => s.push(" AND unit_id IN (SELECT id FROM units WHERE district_id = $1)"),
        }
        s.push(" GROUP BY unit_id ORDER BY unit_id");
        let rows = self.db.fetch_all(&s.text, &s.params).await?;
        rows.iter()
            .map(|r| Ok((UnitId(r.get(0)?), r.get(1)?)))
            .collect()
    }

    async fn list_quotas(
        &self,
        d: DistrictId,
        unit: Option<UnitId>,
    ) -> StoreResult<Vec<QuotaRecord>> {
        let mut s = Sql::with(
            "SELECT unit_id, body_id, kind, approved, updated_at, updated_by FROM establishment_quotas WHERE district_id = $1",
            d.0,
        );
        unit_scope(&mut s, "unit_id", unit);
        s.push(" ORDER BY unit_id, body_id, kind");
        let rows = self.db.fetch_all(&s.text, &s.params).await?;
        rows.iter().map(quota).collect()
    }

    async fn set_quotas(
        &self,
        d: DistrictId,
        unit: UnitId,
        quotas: &[(Option<i64>, QuotaKind, Option<i64>)],
        by: &str,
        at: DateTime<Utc>,
        audit: AuditEntry,
    ) -> StoreResult<()> {
        let mut tx = self.db.begin().await?;
        for (body, kind, n) in quotas {
            let b = body.unwrap_or(0);
            match n {
                Some(n) => {
                    tx.execute(
                        "INSERT INTO establishment_quotas (district_id, unit_id, body_id, kind, approved, updated_at, updated_by) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (district_id, unit_id, body_id, kind) \
                         DO UPDATE SET approved = excluded.approved, updated_at = excluded.updated_at, updated_by = excluded.updated_by",
                        &[d.0.into(), unit.0.into(), b.into(), kind.code().into(), (*n).into(), at.into(), by.into()],
                    )
                    .await?;
                }
                None => {
                    tx.execute(
                        "DELETE FROM establishment_quotas WHERE district_id = $1 AND unit_id = $2 AND body_id = $3 AND kind = $4",
                        &[d.0.into(), unit.0.into(), b.into(), kind.code().into()],
                    )
                    .await?;
                }
            }
        }
        commit_audited(tx, &audit).await
    }

    async fn list_exceptions(
        &self,
        d: DistrictId,
        unit: Option<UnitId>,
    ) -> StoreResult<Vec<ExceptionRecord>> {
        let mut s = Sql::with(
            "SELECT x.id, x.unit_id, x.body_id, x.person_id, p.name, x.kind, x.doc_no, x.reason, x.approved, \
             x.occupied_after, x.on_date, x.created_by FROM establishment_exceptions x \
             LEFT JOIN people p ON p.id = x.person_id WHERE x.district_id = $1",
            d.0,
        );
        unit_scope(&mut s, "x.unit_id", unit);
        s.push(" ORDER BY x.on_date DESC, x.id DESC");
        let rows = self.db.fetch_all(&s.text, &s.params).await?;
        rows.iter()
            .map(|r| {
                Ok(ExceptionRecord {
                    id: ExceptionId(r.get(0)?),
                    unit_id: UnitId(r.get(1)?),
                    body_id: r.get(2)?,
                    person_id: r.get::<Option<i64>>(3)?.map(PersonId),
                    person_name: r.get(4)?,
                    kind: code("quota kind", r.get(5)?, QuotaKind::from_code)?,
                    doc_no: r.get(6)?,
                    reason: r.get(7)?,
                    approved: r.get(8)?,
                    occupied_after: r.get(9)?,
                    on_date: r.get(10)?,
                    created_by: r.get(11)?,
                })
            })
            .collect()
    }

    async fn apply_people(&self, d: DistrictId, batch: PeopleBatch) -> StoreResult<Vec<PersonId>> {
        let mut tx = self.db.begin().await?;
        tx.lock_people(d.0).await?;
        // A large write on SQLite gets a larger page cache for its transaction.
        let cache = if tx.backend() == Backend::Sqlite && batch.writes.len() >= ANALYZE_AFTER {
            let old: i64 = tx.fetch_one("PRAGMA cache_size", &[]).await?.get(0)?;
            tx.execute(&format!("PRAGMA cache_size = -{IMPORT_CACHE_KIB}"), &[])
                .await?;
            Some(old)
        } else {
            None
        };
        let written = apply_people_tx(&mut tx, d, batch).await;
        if let Some(old) = cache {
            tx.execute(&format!("PRAGMA cache_size = {old}"), &[])
                .await?;
        }
        let ids = written?;
        tx.commit().await?;
        // After a large import the planners' statistics are stale or empty: PostgreSQL then
        // planned the cost report's history lookup as a scan per person (minutes at 100,000
        // people). Refresh them; on failure the import has landed anyway.
        if ids.len() >= ANALYZE_AFTER
            && let Err(e) = self.db.analyze(&PEOPLE_TABLES).await
        {
            tracing::warn!(error = %e, "ANALYZE after import failed");
        }
        Ok(ids.into_iter().map(PersonId).collect())
    }

    async fn cost_totals(
        &self,
        d: DistrictId,
        unit: Option<UnitId>,
        on: NaiveDate,
        group: CostGroup,
    ) -> StoreResult<Vec<(String, Total)>> {
        let straddle = self.straddle(d, on).await?;
        let s = people_index::cost_totals_sql(self.db.backend(), d, unit, on, group, straddle);
        let rows = self.db.fetch_all(&s.text, &s.params).await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.get::<String>(0)?,
                    Total {
                        headcount: r.get(1)?,
                        cost: Cost {
                            basic_pay: Money(r.get(2)?),
                            allowances: Money(r.get(3)?),
                            social_insurance: Money(r.get(4)?),
                            housing_fund: Money(r.get(5)?),
                        },
                    },
                ))
            })
            .collect()
    }

    async fn relations_of(
        &self,
        d: DistrictId,
        person: PersonId,
    ) -> StoreResult<Vec<RelationRecord>> {
        let rows = self
            .db
            .fetch_all(
                &format!(
                    "{SELECT} WHERE r.district_id = $1 AND (r.person_id = $2 OR r.relative_id = $2) ORDER BY r.id"
                ),
                &[d.0.into(), person.0.into()],
            )
            .await?;
        rows.iter().map(relation_record).collect()
    }

    async fn relations_of_people(
        &self,
        d: DistrictId,
        people: &[PersonId],
    ) -> StoreResult<Vec<RelationRecord>> {
        // Each relation once, read chunk by chunk of people; then oldest first.
        let mut out = self.relations_among_sql(d, people).await?;
        out.sort_by_key(|r| r.id);
        Ok(out)
    }

    async fn add_relation(
        &self,
        d: DistrictId,
        w: &RelationWrite,
        audit: AuditEntry,
    ) -> StoreResult<i64> {
        let mut tx = self.db.begin().await?;
        // Both people are the district's (a relation never crosses districts).
        let both = tx
            .fetch_one(
                "SELECT CAST(COUNT(*) AS BIGINT) FROM people WHERE district_id = $1 AND id IN ($2, $3)",
                &[d.0.into(), w.person_id.0.into(), w.relative_id.0.into()],
            )
            .await?
            .get::<i64>(0)?;
        if both != 2 {
            return Err(StoreError::NotFound);
        }
        let dup = tx
            .fetch_optional(
                "SELECT id FROM person_relations WHERE district_id = $1 AND \
                 ((person_id = $2 AND relative_id = $3) OR (person_id = $3 AND relative_id = $2))",
                &[d.0.into(), w.person_id.0.into(), w.relative_id.0.into()],
            )
            .await?;
        if dup.is_some() {
            return Err(StoreError::Conflict(Conflict::Unique(UniqueKey::Key)));
        }
        let id = insert_relation(&mut tx, d, w).await?;
        commit_audited(tx, &audit).await?;
        Ok(id)
    }

    async fn remove_relation(&self, d: DistrictId, id: i64, audit: AuditEntry) -> StoreResult<()> {
        let mut tx = self.db.begin().await?;
        tx.execute_found(
            "DELETE FROM person_relations WHERE district_id = $1 AND id = $2",
            &[d.0.into(), id.into()],
        )
        .await?;
        commit_audited(tx, &audit).await
    }

    async fn relations_among(
        &self,
        d: DistrictId,
        people: &[PersonId],
    ) -> StoreResult<Vec<RelationRecord>> {
        self.relations_among_sql(d, people).await
    }

    async fn add_relations(
        &self,
        d: DistrictId,
        writes: &[RelationWrite],
        audits: Vec<AuditEntry>,
    ) -> StoreResult<()> {
        self.add_relations_sql(d, writes, audits).await
    }

    async fn unit_relations(
        &self,
        d: DistrictId,
        unit: UnitId,
    ) -> StoreResult<Vec<jiguan_app::people::UnitRelation>> {
        self.unit_relations_sql(d, unit).await
    }
}
