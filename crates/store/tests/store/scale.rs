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
    let (_db, s, d) = tiny(pg).await;
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

both!(scale_search_plan_starts_from_the_grams);

/// A literal for `EXECUTE` (this test's own data: integers and plain texts).
fn literal(v: &jiguan_store::Value) -> String {
    match v {
        jiguan_store::Value::I64(Some(i)) => i.to_string(),
        jiguan_store::Value::Text(Some(t)) => format!("'{}'", t.replace('\'', "''")),
        other => panic!("no literal for {other:?}"),
    }
}

/// The roster's name search starts from the gram index whatever the planner estimates
/// (issue 17): a district whose one unit holds most people beside 200 one-person units
/// (skewed statistics, as a province database has), and PostgreSQL's generic plan of the
/// prepared statement, which knows no parameter's value. As a join, that plan walked the
/// big unit by a bitmap of all its people (154 ms a search at 100,000 staff); SQLite
/// reads the grams first because of its CROSS JOIN. The answer is the LIKE scan's.
async fn scale_search_plan_starts_from_the_grams(pg: bool) {
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
    let row =
        s.db.fetch_one(
            "SELECT u.district_id, u.id FROM units u JOIN districts d ON d.id = u.district_id \
             WHERE d.code = 's001'",
            &[],
        )
        .await
        .unwrap();
    let (d, u) = (DistrictId(row.get(0).unwrap()), UnitId(row.get(1).unwrap()));
    let (sql, params) = s.roster_search_sql(d, u, "王伟").await.unwrap();
    let plan: Vec<String> = if pg {
        let mut tx = s.db.begin().await.unwrap();
        tx.execute("SET LOCAL plan_cache_mode = force_generic_plan", &[])
            .await
            .unwrap();
        tx.execute_script(&format!("PREPARE roster_search AS {sql}"))
            .await
            .unwrap();
        let args: Vec<String> = params.iter().map(literal).collect();
        let rows = tx
            .fetch_all(
                &format!("EXPLAIN EXECUTE roster_search({})", args.join(", ")),
                &[],
            )
            .await
            .unwrap();
        tx.execute_script("DEALLOCATE roster_search").await.unwrap();
        drop(tx);
        rows.iter().map(|r| r.get::<String>(0).unwrap()).collect()
    } else {
        s.db.fetch_all(&format!("EXPLAIN QUERY PLAN {sql}"), &params)
            .await
            .unwrap()
            .iter()
            .map(|r| r.get::<String>(3).unwrap())
            .collect()
    };
    let plan = plan.join("\n");
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
