//! Province-scale synthetic data (`jiguan demo-data`, issue 17) on a tiny scale, and the
//! roster's indexed search and paging giving the same answers on both backends.

use jiguan_app::people::{CostGroup, PeopleFilter, PeopleStore};
use jiguan_app::ports::{ListQuery, TenancyStore};
use jiguan_domain::tenancy::{DistrictId, UnitId, UnitKind};
use jiguan_store::SqlStore;
use jiguan_store::scale::{Scale, ScaleCounts};

use crate::helpers::*;
use jiguan_testkit::fixtures;

both!(scale_demo_data_counts);

async fn count(s: &SqlStore, sql: &str) -> i64 {
    s.db.fetch_one(sql, &[]).await.unwrap().get(0).unwrap()
}

/// Writes 2 districts × 3 units × 7 staff beside existing data and returns the store
/// and the first new district.
pub async fn tiny(pg: bool) -> (TestDb, SqlStore, DistrictId) {
    let db = fresh(pg).await;
    let s = SqlStore::open(&db.url).await.unwrap();
    two_districts(&s).await;
    let scale = Scale {
        districts: 2,
        units: 3,
        staff: 7,
    };
    let mut seen = Vec::new();
    let counts = s
        .write_scale(scale, "t", "hash", chrono::Utc::now(), |n, t| {
            seen.push((n, t))
        })
        .await
        .unwrap();
    assert_eq!(
        counts,
        ScaleCounts {
            districts: 2,
            units: 6,
            people: 42
        }
    );
    assert_eq!(seen.last(), Some(&(42, 42)));
    assert_eq!(seen.len(), 6, "one progress report per unit");
    let d: i64 =
        s.db.fetch_one("SELECT id FROM districts WHERE code = 't001'", &[])
            .await
            .unwrap()
            .get(0)
            .unwrap();
    (db, s, DistrictId(d))
}

async fn scale_demo_data_counts(pg: bool) {
    let (tdb, s, d) = tiny(pg).await;
    // The planners' statistics are fresh after the bulk write, the latest rows and the
    // search grams included (PostgreSQL planned the cost probe blind without them).
    for t in ["people", "person_events", "person_latest", "people_grams"] {
        let sql = if pg {
            format!(
                "SELECT CAST(COUNT(*) AS BIGINT) FROM pg_stat_user_tables \
                 WHERE relname = '{t}' AND last_analyze IS NOT NULL"
            )
        } else {
            format!("SELECT CAST(COUNT(*) AS BIGINT) FROM sqlite_stat1 WHERE tbl = '{t}'")
        };
        assert!(
            count(&s, &sql).await > 0,
            "{t} analysed after the bulk write"
        );
    }
    if !pg {
        // Averages kept, samples dropped but the history's (`db::drop_samples`): with
        // them, every statement whose parameter the planner compared with a sample was
        // parsed and planned again at each execution (issue 17).
        let samples = "SELECT CAST(COUNT(*) AS BIGINT) FROM sqlite_stat4 \
                       WHERE tbl NOT IN ('person_events', 'person_latest')";
        let kept = "SELECT CAST(COUNT(*) AS BIGINT) FROM sqlite_stat4 WHERE tbl = 'person_latest'";
        assert_eq!(
            count(&s, samples).await,
            0,
            "no samples after the bulk write"
        );
        assert!(count(&s, kept).await > 0, "the history's samples stay");
        // An ANALYZE of an earlier version left samples: opening the store drops them.
        s.db.execute("ANALYZE", &[]).await.unwrap();
        assert!(count(&s, samples).await > 0, "ANALYZE writes samples");
        let again = SqlStore::open(&tdb.url).await.unwrap();
        assert_eq!(count(&again, samples).await, 0, "opening drops the samples");
        assert!(count(&again, kept).await > 0, "the history's samples stay");
        let averages = "SELECT CAST(COUNT(*) AS BIGINT) FROM sqlite_stat1";
        assert!(count(&again, averages).await > 0, "the averages stay");
    }
    for (sql, want) in [
        ("SELECT CAST(COUNT(*) AS BIGINT) FROM districts", 4),
        ("SELECT CAST(COUNT(*) AS BIGINT) FROM units", 3 + 6),
        ("SELECT CAST(COUNT(*) AS BIGINT) FROM people", 42),
        ("SELECT CAST(COUNT(*) AS BIGINT) FROM person_events", 42),
        ("SELECT CAST(COUNT(*) AS BIGINT) FROM bodies", 6 * 5),
        ("SELECT CAST(COUNT(*) AS BIGINT) FROM body_versions", 6 * 5),
        (
            "SELECT CAST(COUNT(*) AS BIGINT) FROM function_items",
            6 * 10,
        ),
        (
            "SELECT CAST(COUNT(*) AS BIGINT) FROM function_versions",
            6 * 10,
        ),
        ("SELECT CAST(COUNT(*) AS BIGINT) FROM posts", 42),
        ("SELECT CAST(COUNT(*) AS BIGINT) FROM post_functions", 42),
        (
            "SELECT CAST(COUNT(*) AS BIGINT) FROM post_assignments WHERE end_date IS NULL",
            42,
        ),
        (
            "SELECT CAST(COUNT(*) AS BIGINT) FROM reorg_plans WHERE status = 'applied'",
            6,
        ),
        (
            "SELECT CAST(COUNT(*) AS BIGINT) FROM establishment_quotas",
            6 * 4,
        ),
        (
            "SELECT CAST(COUNT(*) AS BIGINT) FROM users u JOIN user_roles r ON r.user_id = u.id \
             WHERE u.username IN ('t001_admin', 't002_admin', 't001_u001_admin', 't002_u001_admin')",
            4,
        ),
        // each account audited (the dashboard counts accounts and is kept on the head)
        (
            "SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log a JOIN users u ON CAST(u.id AS TEXT) = a.object_id \
             WHERE a.action = 'user.create' AND a.object_type = 'user' AND a.district_id = u.district_id \
             AND u.username IN ('t001_admin', 't002_admin', 't001_u001_admin', 't002_u001_admin')",
            4,
        ),
        (
            "SELECT CAST(COUNT(DISTINCT id_number) AS BIGINT) FROM people",
            42,
        ),
        // every assignment links a person and a post of the same unit
        (
            "SELECT CAST(COUNT(*) AS BIGINT) FROM post_assignments a JOIN people p ON p.id = a.person_id \
             JOIN posts o ON o.id = a.post_id WHERE p.unit_id = a.unit_id AND o.unit_id = a.unit_id",
            42,
        ),
    ] {
        assert_eq!(count(&s, sql).await, want, "{sql}");
    }
    // The roster and the cost report read the generated rows through the ports.
    let units = s.list_units(d, &ListQuery::default()).await.unwrap();
    assert_eq!(units.total, 3);
    let u = UnitId(units.items[0].unit.id.0);
    let f = PeopleFilter {
        unit_id: Some(u),
        ..Default::default()
    };
    let page = s.list_people(d, &f, &ListQuery::default()).await.unwrap();
    assert_eq!(page.total, 7);
    for p in &page.items {
        let id = jiguan_domain::rules::id_number::IdNumber::parse(&p.id_number, None).unwrap();
        assert_eq!(id.birth(), p.birth_date);
        assert_eq!(id.gender().code(), p.gender);
    }
    let today = chrono::Utc::now().date_naive();
    let cost = s
        .cost_totals(d, None, today, CostGroup::Unit)
        .await
        .unwrap();
    assert_eq!(cost.iter().map(|(_, t)| t.headcount).sum::<i64>(), 21);
    // Every generated ID number is valid and the audit chain holds.
    let app = fixtures::app(s.clone());
    let report = app.verify_audit(|_| {}).await.unwrap();
    assert!(report.breaks.is_empty(), "{:?}", report.breaks);
    // The sequences moved past the explicit ids: ordinary writes still work.
    let more = s
        .create_unit(
            d,
            &unit_input("extra", "新增镇", UnitKind::Town),
            jiguan_app::users::system_entry(d, None, "unit.create", "unit", "extra", None),
        )
        .await
        .unwrap();
    assert!(more.0 > 0);
    let next = s
        .db
        .fetch_one(
            "INSERT INTO reorg_plans (district_id, unit_id, title, status, doc_no, reason, id_map_json, created_by, created_at, decided_by) \
             VALUES ($1, $2, 'x', 'draft', '', '', '[]', 'x', $3, '') RETURNING id",
            &[d.0.into(), more.0.into(), chrono::Utc::now().into()],
        )
        .await
        .unwrap()
        .get::<i64>(0)
        .unwrap();
    assert_eq!(next, 7);
}

both!(scale_roster_pages_in_halves);

/// The roster read as two index-walked halves (own people, borrowed-in people) pages
/// exactly like one sorted list: every page in order, the borrowed-in person in place,
/// the total exact, with search and a sort key.
async fn scale_roster_pages_in_halves(pg: bool) {
    let (_db, s, d) = tiny(pg).await;
    let units = s.list_units(d, &ListQuery::default()).await.unwrap();
    let (a, b) = (units.items[0].unit.id, units.items[1].unit.id);
    // Lend one person of unit b to unit a; retire one of unit a.
    s.db.execute(
        "UPDATE people SET status = 'lent_out', host_unit_id = $1 WHERE id = (SELECT MIN(id) FROM people WHERE unit_id = $2)",
        &[a.0.into(), b.0.into()],
    )
    .await
    .unwrap();
    s.db.execute(
        "UPDATE people SET status = 'retired' WHERE id = (SELECT MAX(id) FROM people WHERE unit_id = $1)",
        &[a.0.into()],
    )
    .await
    .unwrap();
    // Raw SQL bypasses the store's writes: recount what they keep.
    jiguan_store::people_index::recount_people(&s.db)
        .await
        .unwrap();
    let f = PeopleFilter {
        unit_id: Some(a),
        ..Default::default()
    };
    for (sort, desc, search) in [
        (None, false, None),
        (Some("name"), true, None),
        (Some("birth"), false, None),
        (None, false, Some("王")),
    ] {
        let q = |page: u32, per: u32| ListQuery {
            q: search.map(String::from),
            sort: sort.map(String::from),
            desc,
            page: Some(page),
            per_page: Some(per),
        };
        let all = s.list_people(d, &f, &q(1, 200)).await.unwrap();
        // 7 own - 1 retired + 1 borrowed (unfiltered)
        if search.is_none() {
            assert_eq!(all.total, 7, "{sort:?}");
            assert!(
                all.items.iter().any(|p| p.unit_id == b),
                "borrowed-in shown"
            );
        } else {
            let want = all
                .items
                .iter()
                .filter(|p| p.name.contains('王') || p.post.contains('王'))
                .count();
            assert_eq!(all.total as usize, want);
            assert_eq!(all.items.len(), want);
        }
        assert_eq!(all.items.len() as i64, all.total);
        let mut paged = Vec::new();
        for page in 1..=4 {
            let p = s.list_people(d, &f, &q(page, 2)).await.unwrap();
            assert_eq!(p.total, all.total);
            paged.extend(p.items.into_iter().map(|p| p.id));
        }
        let whole: Vec<_> = all.items.iter().map(|p| p.id).collect();
        assert_eq!(paged, whole, "{sort:?} {desc} {search:?}");
    }
}

/// A skewed database, as a province's is (issue 17): district `s001` whose one unit holds
/// 5,000 staff beside 10 districts (`q001`…`q010`) of 20 one-person units, analysed.
/// Returns the big unit and the first unit of the last small district, each with its
/// district.
async fn skewed(pg: bool) -> (TestDb, SqlStore, (DistrictId, UnitId), (DistrictId, UnitId)) {
    let db = fresh(pg).await;
    let s = SqlStore::open(&db.url).await.unwrap();
    let hash = "hash";
    let now = chrono::Utc::now();
    let big = Scale {
        districts: 1,
        units: 1,
        staff: 5000,
    };
    s.write_scale(big, "s", hash, now, |_, _| {}).await.unwrap();
    let many = Scale {
        districts: 10,
        units: 20,
        staff: 1,
    };
    s.write_scale(many, "q", hash, now, |_, _| {})
        .await
        .unwrap();
    if pg {
        // Every table's statistics, as autovacuum keeps them (the bulk write analyses
        // the people's tables only).
        s.db.execute("ANALYZE", &[]).await.unwrap();
    }
    let mut first = Vec::new();
    for code in ["s001", "q010"] {
        let row =
            s.db.fetch_one(
                "SELECT u.district_id, MIN(u.id) FROM units u JOIN districts d ON d.id = u.district_id \
                 WHERE d.code = $1 GROUP BY u.district_id",
                &[code.into()],
            )
            .await
            .unwrap();
        first.push((DistrictId(row.get(0).unwrap()), UnitId(row.get(1).unwrap())));
    }
    (db, s, first[0], first[1])
}

both!(scale_search_plan_starts_from_the_grams);

/// A literal for `EXECUTE` (this test's own data), and its type for `PREPARE`.
fn literal(v: &jiguan_store::Value) -> (String, &'static str) {
    use jiguan_store::Value as V;
    let quoted = |t: String| format!("'{}'", t.replace('\'', "''"));
    match v {
        V::I64(i) => (i.map_or("NULL".into(), |i| i.to_string()), "bigint"),
        V::Text(t) => (t.clone().map_or("NULL".into(), quoted), "text"),
        V::Bool(b) => (b.map_or("NULL".into(), |b| b.to_string()), "boolean"),
        V::Date(d) => (d.map_or("NULL".into(), |d| quoted(d.to_string())), "date"),
        V::Ts(t) => (
            t.map_or("NULL".into(), |t| quoted(t.to_rfc3339())),
            "timestamptz",
        ),
    }
}

/// The plan of one statement: on PostgreSQL `EXPLAIN ANALYZE` of the prepared
/// statement's generic plan (`plan_cache_mode = force_generic_plan`: planned without the
/// parameters' values, as PostgreSQL may choose after five runs on a connection), on
/// SQLite `EXPLAIN QUERY PLAN`.
async fn generic_plan(s: &SqlStore, pg: bool, sql: &str, params: &[jiguan_store::Value]) -> String {
    if !pg {
        return s
            .db
            .fetch_all(&format!("EXPLAIN QUERY PLAN {sql}"), params)
            .await
            .unwrap()
            .iter()
            .map(|r| r.get::<String>(3).unwrap())
            .collect::<Vec<_>>()
            .join("\n");
    }
    let (args, types): (Vec<String>, Vec<&str>) = params.iter().map(literal).unzip();
    let types = if types.is_empty() {
        String::new()
    } else {
        format!("({})", types.join(", "))
    };
    let mut tx = s.db.begin().await.unwrap();
    tx.execute("SET LOCAL plan_cache_mode = force_generic_plan", &[])
        .await
        .unwrap();
    tx.execute_script(&format!("PREPARE planned{types} AS {sql}"))
        .await
        .unwrap();
    let args = if args.is_empty() {
        String::new()
    } else {
        format!("({})", args.join(", "))
    };
    let rows = tx
        .fetch_all(
            &format!("EXPLAIN (ANALYZE, BUFFERS) EXECUTE planned{args}"),
            &[],
        )
        .await
        .unwrap();
    tx.execute_script("DEALLOCATE planned").await.unwrap();
    drop(tx);
    rows.iter()
        .map(|r| r.get::<String>(0).unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The roster's name search starts from the gram index whatever the planner estimates
/// (issue 17): a district whose one unit holds most people beside 200 one-person units
/// (skewed statistics, as a province database has), and PostgreSQL's generic plan of the
/// prepared statement, which knows no parameter's value. As a join, that plan walked the
/// big unit by a bitmap of all its people (154 ms a search at 100,000 staff); SQLite
/// reads the grams first because of its CROSS JOIN. The answer is the LIKE scan's.
async fn scale_search_plan_starts_from_the_grams(pg: bool) {
    let (_db, s, (d, u), _) = skewed(pg).await;
    let (sql, params) = s.roster_search_sql(d, u, "王伟").await.unwrap();
    let plan = generic_plan(&s, pg, &sql, &params).await;
    // The people are read by id from the candidates, never by a scan of the unit.
    let (by_id, not) = if pg {
        (
            vec![
                "Index Scan using people_pkey on people",
                "on people_grams g",
            ],
            vec!["Heap Scan on people", "Seq Scan on people", "people_body"],
        )
    } else {
        (
            vec!["SEARCH p USING INTEGER PRIMARY KEY", "SEARCH g USING"],
            vec![
                "SCAN p",
                "SEARCH p USING INDEX",
                "SEARCH p USING COVERING INDEX",
            ],
        )
    };
    for s in by_id {
        assert!(plan.contains(s), "{s:?} missing from the plan:\n{plan}");
    }
    for s in not {
        assert!(!plan.contains(s), "{s:?} in the plan:\n{plan}");
    }
    // The same answer as the plain scan.
    let q = ListQuery {
        q: Some("王伟".into()),
        per_page: Some(200),
        ..Default::default()
    };
    let f = PeopleFilter {
        unit_id: Some(u),
        ..Default::default()
    };
    let found = s.list_people(d, &f, &q).await.unwrap();
    let want = count(
        &s,
        &format!(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM people WHERE unit_id = {} \
             AND status IN ('on_post', 'lent_out') AND (name LIKE '%王伟%' OR post LIKE '%王伟%')",
            u.0
        ),
    )
    .await;
    assert!(want > 0, "the data holds a 王伟");
    assert_eq!(found.total, want);
    assert_eq!(found.items.len() as i64, want);
}

both!(scale_roster_is_planned_once);

/// The roster's page and its name search are planned once per connection, not at every
/// run (issue 17). On SQLite a statement is not prepared again at each binding
/// (`sqlite_stmt.reprep`: the search's `LIKE` with a bare parameter made SQLite parse and
/// plan it anew every time). On PostgreSQL every parameter of those statements is hidden
/// from the planner, so that after five runs it keeps the generic plan (which
/// `scale_search_plan_starts_from_the_grams` and `scale_generic_plans_of_the_lists`
/// check) instead of planning each run for the values.
async fn scale_roster_is_planned_once(pg: bool) {
    let (_db, s, (d, u), _) = skewed(pg).await;
    let f = PeopleFilter {
        unit_id: Some(u),
        search_id_number: true,
        ..Default::default()
    };
    let page = ListQuery::default();
    let search = ListQuery {
        q: Some("王伟".into()),
        ..Default::default()
    };
    for (q, marker) in [(&page, "people_counters"), (&search, "people_grams")] {
        let (found, seen) = jiguan_store::db::recording(s.list_people(d, &f, q)).await;
        assert!(!found.unwrap().items.is_empty());
        let (sql, params) = seen.last().unwrap();
        assert!(sql.contains(marker), "{sql}");
        let mut tx = s.db.begin().await.unwrap();
        for _ in 0..7 {
            assert!(!tx.fetch_all(sql, params).await.unwrap().is_empty());
        }
        if pg {
            let bare = sql
                .match_indices('$')
                .filter(|(i, _)| !sql[..*i].ends_with("(SELECT "))
                .count();
            assert_eq!(bare, 0, "a placeholder the planner sees: {sql}");
            let r = tx
                .fetch_one(
                    &format!(
                        "SELECT generic_plans, custom_plans FROM pg_prepared_statements \
                         WHERE statement LIKE '%{marker}%' AND statement NOT LIKE '%pg_prepared%'"
                    ),
                    &[],
                )
                .await
                .unwrap();
            let (generic, custom): (i64, i64) = (r.get(0).unwrap(), r.get(1).unwrap());
            assert!(
                generic >= 1 && custom <= 5,
                "{marker}: generic {generic}, custom {custom}"
            );
        } else {
            let rows = tx
                .fetch_all(
                    &format!(
                        "SELECT reprep, run FROM sqlite_stmt WHERE sql LIKE '%{marker}%' \
                         AND sql NOT LIKE '%sqlite_stmt%' AND run >= 7"
                    ),
                    &[],
                )
                .await
                .unwrap();
            assert_eq!(rows.len(), 1, "{marker}: the statement, prepared once");
            let reprep: i64 = rows[0].get(0).unwrap();
            assert_eq!(reprep, 0, "{marker}: prepared again at a new binding");
        }
    }
}

both!(scale_generic_plans_of_the_lists);

/// The most rows one node of a PostgreSQL plan touched (`EXPLAIN ANALYZE`): rows out
/// plus rows removed by a filter or recheck, times its loops.
fn rows_touched(plan: &str) -> i64 {
    let num = |s: &str, key: &str| -> Option<i64> {
        let at = s.find(key)? + key.len();
        s[at..]
            .split(|c: char| !c.is_ascii_digit())
            .next()?
            .parse()
            .ok()
    };
    let (mut most, mut node, mut loops) = (0, 0, 1);
    for line in plan.lines() {
        if let (Some(r), Some(l)) = (num(line, " rows="), num(line, " loops=")) {
            // " rows=" first matches the estimate; the actual is after "actual".
            let r = line
                .find("(actual")
                .and_then(|a| num(&line[a..], " rows="))
                .unwrap_or(r);
            loops = l;
            node = r * l;
        } else if let Some(n) = num(line, "Rows Removed by Filter: ")
            .or_else(|| num(line, "Rows Removed by Index Recheck: "))
        {
            node += n * loops;
        }
        most = most.max(node);
    }
    most
}

/// What a page of a SMALL unit (and of its district) reads, on skewed data: PostgreSQL's
/// generic plan of every statement the roster (pages, sort, status, identity, body and
/// leader filters, search), the personnel-cost report and its probe, the posts list, the
/// downsizing plans, the audit log, the accounts, the units and the dashboard with its
/// inbox and workload balance run, touches no more rows in any node than the small
/// district holds — never the 5,000 people of the big unit (issue 17). The roster of the
/// big unit filtered by a status it has nobody in reads no more than the small ones. On
/// SQLite, `EXPLAIN QUERY PLAN` of the statements fixed for PostgreSQL reads by key.
async fn scale_generic_plans_of_the_lists(pg: bool) {
    use jiguan_app::downsizing::DownsizingStore;
    use jiguan_app::people::StatusFilter;
    use jiguan_app::ports::{AuditFilter, AuditStore, LogScope, UserFilter, UserStore};
    use jiguan_app::posts::PostsStore;
    use jiguan_domain::auth::Role;
    use jiguan_domain::people::{Identity, Status};
    use jiguan_store::db::recording;

    let (_db, s, (bd, bu), (d, u)) = skewed(pg).await;
    let body = count(
        &s,
        &format!("SELECT MIN(id) FROM bodies WHERE unit_id = {}", u.0),
    )
    .await;
    let app = jiguan_app::App::new(
        std::sync::Arc::new(s.clone()),
        jiguan_app::AppConfig::for_tests(),
        std::sync::Arc::new(jiguan_app::ManualClock::new(chrono::Utc::now())),
    );
    let today = chrono::Utc::now().date_naive();
    let past = chrono::NaiveDate::from_ymd_opt(2020, 6, 30).unwrap();
    let unit = |f: PeopleFilter| PeopleFilter {
        unit_id: Some(u),
        ..f
    };
    let q = |page: u32, sort: Option<&str>, text: Option<&str>| ListQuery {
        q: text.map(String::from),
        sort: sort.map(String::from),
        desc: sort.is_some(),
        page: Some(page),
        ..Default::default()
    };
    let mut small = Vec::new();
    let mut run = |seen: jiguan_store::db::Statements| small.extend(seen);
    for (f, lq) in [
        (unit(PeopleFilter::default()), q(1, None, None)),
        (unit(PeopleFilter::default()), q(2, None, None)),
        (unit(PeopleFilter::default()), q(1, Some("name"), None)),
        (unit(PeopleFilter::default()), q(1, None, Some("王"))),
        (
            unit(PeopleFilter {
                status: Some(StatusFilter::All),
                ..Default::default()
            }),
            q(1, None, None),
        ),
        (
            unit(PeopleFilter {
                status: Some(StatusFilter::One(Status::Retired)),
                ..Default::default()
            }),
            q(2, Some("name"), None),
        ),
        (
            unit(PeopleFilter {
                identity: Some(Identity::CivilServant),
                ..Default::default()
            }),
            q(1, None, None),
        ),
        (
            unit(PeopleFilter {
                body_id: Some(body),
                ..Default::default()
            }),
            q(2, None, None),
        ),
        (
            unit(PeopleFilter {
                leader: Some(true),
                ..Default::default()
            }),
            q(1, None, None),
        ),
        (PeopleFilter::default(), q(1, None, None)),
    ] {
        run(recording(s.list_people(d, &f, &lq)).await.1);
    }
    for (on, group, scope) in [
        (today, CostGroup::Unit, Some(u)),
        (past, CostGroup::Identity, Some(u)),
        (today, CostGroup::Body, None),
    ] {
        run(recording(s.cost_totals(d, scope, on, group)).await.1);
    }
    run(recording(s.list_posts(d, u)).await.1);
    run(recording(s.list_units(d, &ListQuery::default())).await.1);
    run(recording(s.down_plans(d, Some(u))).await.1);
    run(recording(s.down_plans(d, None)).await.1);
    let audit = AuditFilter {
        scope: LogScope::unit(u),
        ..Default::default()
    };
    run(recording(s.list_audit(d, &audit, &ListQuery::default()))
        .await
        .1);
    run(
        recording(s.list_audit(d, &AuditFilter::default(), &q(2, None, None)))
            .await
            .1,
    );
    run(
        recording(s.list_users(d, &UserFilter::default(), &ListQuery::default()))
            .await
            .1,
    );
    for a in [
        actor(d, Some(u), Role::UnitAdmin),
        actor(d, None, Role::DistrictAdmin),
    ] {
        let (dash, seen) = recording(async {
            let dash = app.dashboard(&a).await.unwrap();
            app.dashboard_figures(&a, &dash).await.unwrap().unwrap()
        })
        .await;
        assert!(!dash.units.is_empty());
        run(seen);
        run(recording(app.inbox(&a)).await.1);
    }
    // The big unit's roster filtered by a status nobody there has.
    let retired = PeopleFilter {
        unit_id: Some(bu),
        status: Some(StatusFilter::One(Status::Retired)),
        ..Default::default()
    };
    let (page, big) = recording(s.list_people(bd, &retired, &q(1, None, None))).await;
    assert_eq!(page.unwrap().total, 0);

    let reads = |sql: &str| {
        let head = sql.trim_start().to_ascii_uppercase();
        head.starts_with("SELECT") || head.starts_with("WITH")
    };
    let mut checked = 0;
    let mut bad = Vec::new();
    for (sql, params) in small.iter().chain(&big).filter(|(sql, _)| reads(sql)) {
        let plan = generic_plan(&s, pg, sql, params).await;
        checked += 1;
        let mut fails = |what: &str, yes: bool| {
            if yes {
                bad.push(format!("{what}:\n{sql}\n{plan}"));
            }
        };
        if pg {
            let n = rows_touched(&plan);
            fails(&format!("{n} rows touched in one node"), n > 1000);
            // The cost query's history rows are read by district and unit, never by a
            // skip over the leading column of `person_events_unit` (all districts).
            fails(
                "person_events_unit without its district",
                sql.contains("FROM cost_counters") && plan.contains("Index Cond: ((unit_id ="),
            );
            // The units of one district, not a walk of every district's units.
            fails(
                "every district's units walked",
                sql.contains("AS user_count") && plan.contains("units_pkey"),
            );
        } else if sql.contains("FROM post_functions") {
            fails("post_functions scanned", !plan.contains("SEARCH f USING"));
        } else if sql.contains("AS user_count") {
            fails(
                "units or accounts scanned",
                !plan.contains("SEARCH u USING") || !plan.contains("SEARCH x USING"),
            );
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n\n"));
    assert!(checked > 40, "{checked} statements");
}

/// The bundled SQLite is built as `.cargo/config.toml` asks (issue 17): without
/// `SQLITE_ENABLE_MEMORY_MANAGEMENT` (one page cache shared by every connection behind
/// one process-wide mutex) and without memory statistics (a process-wide mutex on every
/// allocation). With both, the connections' threads queued on those mutexes and the
/// search served half as many requests.
#[tokio::test]
async fn scale_sqlite_is_built_without_process_wide_mutexes() {
    let db = fresh(false).await;
    let s = SqlStore::open(&db.url).await.unwrap();
    let options: Vec<String> =
        s.db.fetch_all("PRAGMA compile_options", &[])
            .await
            .unwrap()
            .iter()
            .map(|r| r.get::<String>(0).unwrap())
            .collect();
    assert!(
        !options.iter().any(|o| o == "ENABLE_MEMORY_MANAGEMENT"),
        "{options:?}"
    );
    assert!(
        options.iter().any(|o| o == "DEFAULT_MEMSTATUS=0"),
        "{options:?}"
    );
    // STAT4 stays: the cost query's plan needs the history's samples.
    assert!(options.iter().any(|o| o == "ENABLE_STAT4"), "{options:?}");
}
