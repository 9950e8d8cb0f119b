//! Issue 17, the posts counters kept by every posts write (migration 26): the district
//! FTE report's and the dashboard's per-unit posts, hours, open shares and holders equal
//! the old `GROUP BY` queries after creating, editing, deactivating and reactivating
//! posts, and starting and ending assignments.

use chrono::NaiveDate;

use jiguan_app::posts::{AssignmentWrite, NewAssignment, PostsStore, UnitPostTotals};
use jiguan_app::users::system_entry;
use jiguan_domain::posts::{AssignmentId, PostId, PostInput, PostKind, PostLevel};
use jiguan_domain::tenancy::{DistrictId, UnitId};
use jiguan_store::SqlStore;

use crate::helpers::*;
use crate::scale::tiny;

both!(post_counters_match_queries);

/// The report's totals as the store computed them before migration 26.
async fn old_totals(s: &SqlStore, d: DistrictId) -> Vec<UnitPostTotals> {
    let posts = s
        .db
        .fetch_all(
            "SELECT p.unit_id, CAST(COUNT(DISTINCT p.id) AS BIGINT), CAST(COALESCE(SUM(f.annual_hours), 0) AS BIGINT) \
             FROM posts p LEFT JOIN post_functions f ON f.post_id = p.id AND f.district_id = p.district_id \
             WHERE p.district_id = $1 AND p.active = $2 GROUP BY p.unit_id ORDER BY p.unit_id",
            &[d.0.into(), true.into()],
        )
        .await
        .unwrap();
    let shares = s
        .db
        .fetch_all(
            "SELECT unit_id, CAST(COALESCE(SUM(share_pct), 0) AS BIGINT), CAST(COUNT(DISTINCT person_id) AS BIGINT) \
             FROM post_assignments WHERE district_id = $1 AND end_date IS NULL GROUP BY unit_id ORDER BY unit_id",
            &[d.0.into()],
        )
        .await
        .unwrap();
    let mut out: Vec<UnitPostTotals> = posts
        .iter()
        .map(|r| UnitPostTotals {
            unit_id: UnitId(r.get(0).unwrap()),
            posts: r.get(1).unwrap(),
            hours: r.get(2).unwrap(),
            share_sum: 0,
            holders: 0,
        })
        .collect();
    for r in &shares {
        let u = UnitId(r.get(0).unwrap());
        let (sh, h): (i64, i64) = (r.get(1).unwrap(), r.get(2).unwrap());
        match out.iter_mut().find(|t| t.unit_id == u) {
            Some(t) => {
                t.share_sum = sh;
                t.holders = h;
            }
            None => out.push(UnitPostTotals {
                unit_id: u,
                posts: 0,
                hours: 0,
                share_sum: sh,
                holders: h,
            }),
        }
    }
    out
}

async fn ids(s: &SqlStore, sql: &str, params: &[jiguan_store::Value]) -> Vec<i64> {
    s.db.fetch_all(sql, params)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0).unwrap())
        .collect()
}

async fn post_counters_match_queries(pg: bool) {
    let (_db, s, d) = tiny(pg).await;
    let check = |what: &'static str| {
        let s = s.clone();
        async move {
            let new = s.post_totals(d).await.unwrap();
            assert_eq!(new, old_totals(&s, d).await, "{what}");
            assert!(!new.is_empty());
        }
    };
    check("demo data").await;
    let units = ids(
        &s,
        "SELECT id FROM units WHERE district_id = $1 ORDER BY id",
        &[d.0.into()],
    )
    .await;
    let (a, b) = (UnitId(units[0]), UnitId(units[1]));
    let items = ids(
        &s,
        "SELECT id FROM function_items WHERE district_id = $1 AND unit_id = $2 ORDER BY id",
        &[d.0.into(), a.0.into()],
    )
    .await;
    let body = ids(
        &s,
        "SELECT id FROM bodies WHERE district_id = $1 AND unit_id = $2 ORDER BY id",
        &[d.0.into(), a.0.into()],
    )
    .await[0];
    let at = chrono::Utc::now();
    let audit = || system_entry(d, Some(a), "post.update", "post", 0, None);
    let mut input = PostInput {
        body_id: body,
        title: "新岗位".into(),
        level: PostLevel::General,
        establishment: PostKind::Any,
        min_education: None,
        min_service_years: 0,
        other_requirements: String::new(),
        functions: vec![(items[0], 300), (items[1], 200)],
    };
    let p1 = s.create_post(d, a, &input, at, audit()).await.unwrap();
    check("post created").await;
    input.functions = vec![(items[1], 1000)];
    s.update_post(d, a, p1, &input, at, audit()).await.unwrap();
    check("post's hours changed").await;
    input.functions = Vec::new();
    let p2 = s.create_post(d, a, &input, at, audit()).await.unwrap();
    check("post without functions").await;
    // Assignments: two people of unit a take the new posts, one of them ends an old one.
    let people = ids(
        &s,
        "SELECT id FROM people WHERE district_id = $1 AND unit_id = $2 ORDER BY id",
        &[d.0.into(), a.0.into()],
    )
    .await;
    let open = ids(
        &s,
        "SELECT id FROM post_assignments WHERE district_id = $1 AND unit_id = $2 AND person_id = $3 AND end_date IS NULL",
        &[d.0.into(), a.0.into(), people[0].into()],
    )
    .await;
    let on = NaiveDate::from_ymd_opt(2026, 1, 5);
    let new = |post: PostId, person: i64, share_pct: i64| NewAssignment {
        post_id: post,
        person_id: person,
        share_pct,
        main: false,
        overtime: false,
    };
    let w = AssignmentWrite {
        end: open.iter().map(|i| AssignmentId(*i)).collect(),
        create: vec![
            new(p1, people[0], 60),
            new(p2, people[0], 40),
            new(p1, people[1], 30),
        ],
        on,
        reason: "t".into(),
        by: "t".into(),
        at,
    };
    s.write_assignments(d, a, &w, vec![audit()]).await.unwrap();
    check("assignments changed").await;
    // Deactivating a held post ends its assignments; reactivating brings the post back.
    s.set_post_active(d, a, p1, false, on.unwrap(), "t", at, audit())
        .await
        .unwrap();
    check("post deactivated").await;
    s.set_post_active(d, a, p1, true, on.unwrap(), "t", at, audit())
        .await
        .unwrap();
    check("post reactivated").await;
    // Every open assignment of unit b ended: its posts still count, its shares do not.
    let open_b = ids(
        &s,
        "SELECT id FROM post_assignments WHERE district_id = $1 AND unit_id = $2 AND end_date IS NULL",
        &[d.0.into(), b.0.into()],
    )
    .await;
    let w = AssignmentWrite {
        end: open_b.iter().map(|i| AssignmentId(*i)).collect(),
        on,
        reason: "t".into(),
        by: "t".into(),
        at,
        ..Default::default()
    };
    s.write_assignments(d, b, &w, vec![audit()]).await.unwrap();
    check("unit b without assignments").await;
    let old = old_totals(&s, d).await;
    let tb = old.iter().find(|t| t.unit_id == b).unwrap();
    assert_eq!((tb.holders, tb.share_sum), (0, 0));
    assert!(tb.posts > 0);
    // Every post of unit b deactivated: the unit leaves the report.
    for p in ids(
        &s,
        "SELECT id FROM posts WHERE district_id = $1 AND unit_id = $2 AND active = $3",
        &[d.0.into(), b.0.into(), true.into()],
    )
    .await
    {
        s.set_post_active(d, b, PostId(p), false, on.unwrap(), "t", at, audit())
            .await
            .unwrap();
    }
    check("unit b without posts").await;
    assert!(
        s.post_totals(d)
            .await
            .unwrap()
            .iter()
            .all(|t| t.unit_id != b)
    );
    let kept: i64 =
        s.db.fetch_one(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM post_counters WHERE unit_id = $1",
            &[b.0.into()],
        )
        .await
        .unwrap()
        .get(0)
        .unwrap();
    assert_eq!(kept, 0, "an empty unit keeps no counter row");
}
