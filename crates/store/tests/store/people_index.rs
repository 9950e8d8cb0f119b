//! Issue 17, the indexes kept by every people write (migration 23): the roster search
//! through the gram index gives exactly the old `LIKE '%…%'` answers, and the cost report
//! from the kept-exact rows gives the old correlated query's figures to the fen.

use chrono::{Datelike, NaiveDate};

use jiguan_app::people::{
    CostGroup, PeopleBatch, PeopleFilter, PeopleStore, PersonRecord, PersonWrite, StatusFilter,
};
use jiguan_app::ports::ListQuery;
use jiguan_app::users::system_entry;
use jiguan_domain::money::Money;
use jiguan_domain::people::{EstablishmentKind, EventKind, Funding, Identity, Status};
use jiguan_domain::tenancy::{DistrictId, UnitId};
use jiguan_store::SqlStore;
use jiguan_store::Value;
use jiguan_store::people_index::{Straddle, cost_totals_scan_sql, cost_totals_sql};
use jiguan_testkit::fixtures::id_number;

use crate::helpers::*;
use crate::scale::tiny;

/// A change applied to a person's record.
type Change = Box<dyn Fn(&mut PersonRecord)>;

both!(index_search_matches_like);
both!(index_cost_matches_scan);
both!(index_bulk_writes_equal_one_by_one);
both!(index_post_search_matches_like);

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn write(person: PersonRecord, create: bool, on: &str, kind: EventKind) -> PersonWrite {
    PersonWrite {
        create,
        person,
        on: day(on),
        kind,
        doc_no: String::new(),
        note: String::new(),
    }
}

async fn apply(s: &SqlStore, d: DistrictId, writes: Vec<PersonWrite>) -> Vec<i64> {
    let audits = writes
        .iter()
        .map(|w| {
            system_entry(
                d,
                Some(w.person.unit_id),
                "person.update",
                "person",
                w.person.id,
                None,
            )
        })
        .collect();
    s.apply_people(
        d,
        PeopleBatch {
            writes,
            audits,
            by: "t".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .into_iter()
    .map(|p| p.0)
    .collect()
}

/// The three units of the tiny district and one of its people as a template.
async fn setup(pg: bool) -> (TestDb, SqlStore, DistrictId, [UnitId; 3], PersonRecord) {
    let (db, s, d) = tiny(pg).await;
    let units = s.list_units(d, &ListQuery::default()).await.unwrap();
    let u: Vec<UnitId> = units.items.iter().map(|x| x.unit.id).collect();
    let f = PeopleFilter {
        unit_id: Some(u[0]),
        ..Default::default()
    };
    let one = s
        .list_people(d, &f, &ListQuery::default())
        .await
        .unwrap()
        .items[0]
        .clone();
    (db, s, d, [u[0], u[1], u[2]], one)
}

use jiguan_app::ports::TenancyStore;

fn query(text: &str) -> ListQuery {
    ListQuery {
        q: Some(text.into()),
        per_page: Some(200),
        ..Default::default()
    }
}

/// The old pattern (`jiguan_store::sql::like`): lower-cased, `%`, `_`, `\` escaped.
fn like(s: &str) -> String {
    let escaped: String = s
        .to_lowercase()
        .chars()
        .flat_map(|c| {
            matches!(c, '%' | '_' | '\\')
                .then_some('\\')
                .into_iter()
                .chain([c])
        })
        .collect();
    format!("%{escaped}%")
}

/// The search texts of a test: `extra`, and every 1-, 2- and 3-character piece of `words`;
/// blank ones left out (the list trims its search text; blank searches are no search),
/// sorted, each once.
fn pieces<'a>(extra: &[&str], words: impl Iterator<Item = &'a &'a str>) -> Vec<String> {
    let mut texts: Vec<String> = extra.iter().map(|t| t.to_string()).collect();
    for n in words {
        let c: Vec<char> = n.chars().collect();
        for len in 1..=3 {
            for w in c.windows(len) {
                texts.push(w.iter().collect());
            }
        }
    }
    texts.retain(|t| !t.trim().is_empty());
    texts.sort();
    texts.dedup();
    texts
}

/// Every status, the whole district.
fn all_statuses() -> PeopleFilter {
    PeopleFilter {
        status: Some(StatusFilter::All),
        ..Default::default()
    }
}

/// The ids of the raw `LIKE` over the whole district, all statuses (the old search).
async fn like_ids(s: &SqlStore, d: DistrictId, text: &str) -> Vec<i64> {
    s.db.fetch_all(
        "SELECT id FROM people WHERE district_id = $1 AND (LOWER(name) LIKE $2 ESCAPE '\\' \
         OR LOWER(post) LIKE $2 ESCAPE '\\') ORDER BY id",
        &[d.0.into(), like(text.trim()).into()],
    )
    .await
    .unwrap()
    .iter()
    .map(|r| r.get(0).unwrap())
    .collect()
}

/// The people the search `text` finds in `f`.
async fn found(s: &SqlStore, d: DistrictId, f: &PeopleFilter, text: &str) -> Vec<PersonRecord> {
    s.list_people(d, f, &query(text)).await.unwrap().items
}

/// The page of `f` searched by `q`, checked equal (ids in order, total) to the old code path: the
/// roster as of a far date searches with the unchanged LIKE over the same (latest) rows.
async fn as_dated(
    s: &SqlStore,
    d: DistrictId,
    f: &PeopleFilter,
    q: &ListQuery,
    what: &str,
) -> jiguan_app::ports::Page<PersonRecord> {
    let new = s.list_people(d, f, q).await.unwrap();
    let old_f = PeopleFilter {
        on: Some(day("2999-12-31")),
        ..f.clone()
    };
    let old = s.list_people(d, &old_f, q).await.unwrap();
    let ids = |p: &jiguan_app::ports::Page<PersonRecord>| {
        p.items.iter().map(|x| x.id).collect::<Vec<_>>()
    };
    assert_eq!(ids(&new), ids(&old), "{what}");
    assert_eq!(new.total, old.total, "{what}");
    new
}

/// A roster of 1-, 2-, 3- and 4-character Chinese names and Latin names (mixed case,
/// LIKE's own wildcards), with posts, borrowed-in and retired people; every search of
/// every 1-, 2- and 3-character piece of them (and some that match nothing) through the
/// index equals the old LIKE, in order and total, for the unit roster, a unit's own
/// people, a status filter and the whole district; then after renames, and after the
/// index is rebuilt by the migration's backfill.
async fn index_search_matches_like(pg: bool) {
    let (_db, s, d, [a, b, _c], t) = setup(pg).await;
    let names = [
        "王",
        "李",
        "王伟",
        "伟王",
        "王伟伟",
        "欧阳娜娜",
        "张三丰",
        "司马相如",
        "王小伟",
        "Wang Wei",
        "WANG wei",
        "O'Brien",
        "Anna_Lena",
        "50%折扣",
        "Müller",
        "ÄRGER",
        "a\\b",
        "李 明",
    ];
    let posts = [
        "科员",
        "主任科员",
        "Clerk",
        "办公室主任",
        "王伟",
        "",
        "副主任",
    ];
    let mut writes = Vec::new();
    for (i, n) in names.iter().enumerate() {
        let mut p = t.clone();
        p.id = 0;
        p.name = n.to_string();
        p.post = posts[i % posts.len()].to_string();
        p.id_number = id_number("19800101", 100 + i as u32);
        p.unit_id = if i % 3 == 2 { b } else { a };
        if i % 5 == 4 {
            // lent out from b to a: a borrows them
            p.unit_id = b;
            p.host_unit_id = Some(a);
            p.status = Status::LentOut;
        }
        if i % 7 == 6 {
            p.status = Status::Retired;
        }
        writes.push(write(p, true, "2024-01-01", EventKind::Hire));
    }
    let ids = apply(&s, d, writes).await;
    let extra: Vec<&str> = "wang|WEI|g w|%|_|\\|ü|Ü|ärg|zz|王伟王|岗|科员|a_l|0%|'"
        .split('|')
        .collect();
    let texts = pieces(&extra, names.iter().chain(posts.iter()));
    let filters = |u: UnitId| {
        [
            PeopleFilter {
                unit_id: Some(u),
                ..Default::default()
            },
            PeopleFilter {
                unit_id: Some(u),
                home_only: true,
                ..Default::default()
            },
            PeopleFilter {
                unit_id: Some(u),
                status: Some(StatusFilter::One(Status::Retired)),
                ..Default::default()
            },
            all_statuses(),
        ]
    };
    let check = async |label: &str| {
        let mut hits = 0;
        for text in &texts {
            for u in [a, b] {
                for f in filters(u) {
                    let q = query(text);
                    let what = format!("{label} {text:?} {u:?}");
                    hits += as_dated(&s, d, &f, &q, &what).await.total;
                }
            }
            // And the raw LIKE over the whole district, all statuses.
            let want = like_ids(&s, d, text).await;
            let mut got: Vec<i64> = found(&s, d, &all_statuses(), text)
                .await
                .iter()
                .map(|p| p.id)
                .collect();
            got.sort();
            assert_eq!(got, want, "{label} raw LIKE {text:?}");
        }
        assert!(hits > 100, "the searches found people ({hits})");
    };
    check("new").await;
    // The roster and its search, page by page and one past the end (3 a page, both
    // sorts): the pages whose total rides on their rows (issue 17) equal the dated path,
    // which counts on its own.
    for u in [a, b] {
        let by_body = PeopleFilter {
            unit_id: Some(u),
            establishment: Some(EstablishmentKind::Administrative),
            ..Default::default()
        };
        for (f, text) in [
            (filters(u)[0].clone(), None),
            (by_body, None),
            // A search's total rides on its rows too (`COUNT(*) OVER ()`).
            (filters(u)[0].clone(), Some("王")),
            (all_statuses(), Some("伟")),
        ] {
            for desc in [false, true] {
                let mut page = 1;
                loop {
                    let q = ListQuery {
                        q: text.map(str::to_string),
                        page: Some(page),
                        per_page: Some(3),
                        desc,
                        ..Default::default()
                    };
                    let what = format!("roster page {page} {u:?} {desc} {text:?} {f:?}");
                    let got = as_dated(&s, d, &f, &q, &what).await;
                    if got.items.is_empty() {
                        assert!(page > 1 || got.total == 0, "{what}");
                        break;
                    }
                    page += 1;
                }
                assert!(page > 2, "several pages ({page})");
            }
        }
    }
    // Matches the search through the index found: a 2-character name, a 1-character one,
    // and mixed case.
    let f = all_statuses();
    let names_found = async |text: &str| -> Vec<String> {
        let people = found(&s, d, &f, text).await;
        people.into_iter().map(|p| p.name).collect()
    };
    assert!(names_found("王伟").await.contains(&"王伟".to_string()));
    assert!(
        names_found("Wang wEI")
            .await
            .contains(&"WANG wei".to_string())
    );
    assert_eq!(names_found("欧阳娜娜").await, vec!["欧阳娜娜".to_string()]);

    // ID numbers: matched exactly (lower-case x too) when allowed, never in part.
    let target = s
        .get_person(d, jiguan_domain::people::PersonId(ids[2]))
        .await
        .unwrap()
        .unwrap();
    let fid = PeopleFilter {
        unit_id: Some(target.unit_id),
        search_id_number: true,
        ..Default::default()
    };
    let by_id = s
        .list_people(d, &fid, &query(&target.id_number.to_lowercase()))
        .await
        .unwrap();
    assert_eq!(
        by_id.items.iter().map(|p| p.id).collect::<Vec<_>>(),
        vec![ids[2]]
    );
    let part = &target.id_number[..10];
    assert_eq!(s.list_people(d, &fid, &query(part)).await.unwrap().total, 0);
    let no_id = PeopleFilter {
        search_id_number: false,
        ..fid.clone()
    };
    assert_eq!(
        s.list_people(d, &no_id, &query(&target.id_number))
            .await
            .unwrap()
            .total,
        0
    );

    // A rename and a new post rewrite the grams in the same write.
    let mut p = target.clone();
    p.name = "诸葛亮".into();
    p.post = "军师".into();
    apply(
        &s,
        d,
        vec![write(p, false, "2024-06-01", EventKind::Update)],
    )
    .await;
    let fu = PeopleFilter {
        unit_id: Some(target.unit_id),
        status: Some(StatusFilter::All),
        ..Default::default()
    };
    let names_of = async |text: &str| -> Vec<i64> {
        let people = found(&s, d, &fu, text).await;
        people.into_iter().map(|p| p.id).collect()
    };
    assert_eq!(names_of("葛亮").await, vec![ids[2]]);
    assert_eq!(names_of("军师").await, vec![ids[2]]);
    assert_eq!(target.name, "王伟");
    assert!(
        !names_of("王伟").await.contains(&ids[2]),
        "the old name is gone"
    );
    check("after rename").await;

    // The migration's backfill rebuilds the same index from the people rows.
    let before: i64 = fetch_i64(
        &s.db,
        "SELECT CAST(COUNT(*) AS BIGINT) FROM people_grams",
        &[],
    )
    .await;
    s.db.execute("DELETE FROM people_grams", &[]).await.unwrap();
    s.db.execute("DELETE FROM people_post_grams", &[])
        .await
        .unwrap();
    s.db.execute(
        "INSERT INTO store_backfill (name) VALUES ('people_grams')",
        &[],
    )
    .await
    .unwrap();
    assert!(
        names_found("王伟").await.is_empty(),
        "the search reads the index"
    );
    jiguan_store::migrate::migrate(&s.db).await.unwrap();
    let after: i64 = fetch_i64(
        &s.db,
        "SELECT CAST(COUNT(*) AS BIGINT) FROM people_grams",
        &[],
    )
    .await;
    assert_eq!(after, before);
    check("after backfill").await;
}

/// `cost_totals` from the counters equals the old correlated query for every grouping,
/// unit and date, after hires, back-dated and future-dated changes of pay, identity,
/// funding, body, unit and status; and the kept rows equal a recomputation.
async fn index_cost_matches_scan(pg: bool) {
    let (_db, s, d, [a, b, c], t) = setup(pg).await;
    let bodies = |u: UnitId| {
        let s = s.clone();
        async move {
            s.db.fetch_all(
                "SELECT id FROM bodies WHERE district_id = $1 AND unit_id = $2 ORDER BY id",
                &[d.0.into(), u.0.into()],
            )
            .await
            .unwrap()
            .iter()
            .map(|r| r.get::<i64>(0).unwrap())
            .collect::<Vec<_>>()
        }
    };
    let (ba, bb) = (bodies(a).await, bodies(b).await);
    // New people, one hired in the future.
    let mut hires = Vec::new();
    for i in 0..6u32 {
        let mut p = t.clone();
        p.id = 0;
        p.name = format!("新人{i}");
        p.id_number = id_number("19900101", 200 + i);
        p.unit_id = [a, b, c][i as usize % 3];
        p.body_id = None;
        p.cost.basic_pay = Money(100_000 + i64::from(i) * 101);
        let on = if i == 5 { "2031-03-01" } else { "2023-05-01" };
        hires.push(write(p, true, on, EventKind::Hire));
    }
    let new_ids = apply(&s, d, hires).await;
    // Changes to existing people of unit a: each with its own date.
    let fa = PeopleFilter {
        unit_id: Some(a),
        ..Default::default()
    };
    let people = s
        .list_people(d, &fa, &ListQuery::default())
        .await
        .unwrap()
        .items;
    let changes: Vec<(&str, Change)> = vec![
        (
            "2025-01-01",
            Box::new(|p| p.cost.basic_pay = Money(777_777)),
        ),
        ("2001-01-01", Box::new(|p| p.identity = Identity::Temporary)), // back-dated
        ("2030-07-01", Box::new(|p| p.funding = Funding::SelfFunded)),  // future
        ("2024-02-02", {
            let bb = bb.clone();
            Box::new(move |p| {
                p.unit_id = b;
                p.body_id = bb.first().copied();
            })
        }),
        ("2024-03-03", Box::new(|p| p.status = Status::Retired)),
        ("2030-01-01", Box::new(|p| p.status = Status::Left)), // future
        ("2024-04-04", {
            let ba = ba.clone();
            Box::new(move |p| {
                p.body_id = ba.last().copied();
                p.cost.allowances = Money(12_345);
            })
        }),
    ];
    for (i, (on, f)) in changes.iter().enumerate() {
        let mut p = people[i].clone();
        f(&mut p);
        apply(&s, d, vec![write(p, false, on, EventKind::Update)]).await;
    }
    // Two changes to one person in one batch, the second back-dated.
    let mut p = people[0].clone();
    p.cost.housing_fund = Money(5_000);
    let mut q = p.clone();
    q.cost.social_insurance = Money(6_000);
    apply(
        &s,
        d,
        vec![
            write(p, false, "2026-01-01", EventKind::Update),
            write(q, false, "2020-01-01", EventKind::Update),
        ],
    )
    .await;
    // A future hire changed again before it starts.
    let mut late = s
        .get_person(d, jiguan_domain::people::PersonId(new_ids[5]))
        .await
        .unwrap()
        .unwrap();
    late.cost.basic_pay = Money(123_456);
    apply(
        &s,
        d,
        vec![write(late, false, "2031-04-01", EventKind::Update)],
    )
    .await;

    let today = chrono::Utc::now().date_naive().to_string();
    let mut dates: Vec<String> = [
        "1990-01-01",
        "2001-01-01",
        "2019-01-01",
        "2020-06-15",
        "2024-03-03",
        "2025-06-30",
        today.as_str(),
        "2030-01-01",
        "2030-12-31",
        "2031-03-15",
        "2999-01-01",
    ]
    .map(String::from)
    .to_vec();
    // Many more: the first, 15th and last day of every fourth month over the history's
    // span (hires, back-dated and future-dated rows), each change's own date and its
    // neighbours, so that every month bucket boundary is crossed.
    for y in 1975..=2032 {
        for m in [1, 3, 5, 7, 9, 11] {
            let first = NaiveDate::from_ymd_opt(y, m, 1).unwrap();
            let last = NaiveDate::from_ymd_opt(y, m + 1, 1)
                .unwrap()
                .pred_opt()
                .unwrap();
            for x in [first, first.with_day(15).unwrap(), last] {
                dates.push(x.to_string());
            }
        }
    }
    for (on, _) in &changes {
        let x = day(on);
        for x in [x.pred_opt().unwrap(), x, x.succ_opt().unwrap()] {
            dates.push(x.to_string());
        }
    }
    let rows = |(text, params): (String, Vec<Value>)| {
        let s = s.clone();
        async move {
            s.db.fetch_all(&text, &params)
                .await
                .unwrap()
                .iter()
                .map(|r| {
                    (
                        r.get::<String>(0).unwrap(),
                        [1, 2, 3, 4, 5].map(|i| r.get::<i64>(i).unwrap()),
                    )
                })
                .collect::<Vec<_>>()
        }
    };
    let mut compared = 0;
    for on in &dates {
        let on = on.as_str();
        for group in CostGroup::ALL {
            for unit in [None, Some(a), Some(b), Some(c)] {
                let new = s.cost_totals(d, unit, day(on), group).await.unwrap();
                let q = cost_totals_scan_sql(d, unit, day(on), group);
                let old = rows((q.text, q.params)).await;
                let new: Vec<(String, [i64; 5])> = new
                    .into_iter()
                    .map(|(k, t)| {
                        (
                            k,
                            [
                                t.headcount,
                                t.cost.basic_pay.0,
                                t.cost.allowances.0,
                                t.cost.social_insurance.0,
                                t.cost.housing_fund.0,
                            ],
                        )
                    })
                    .collect();
                assert_eq!(new, old, "{on} {group:?} {unit:?}");
                // Both ways of finding the people who straddle the date, whichever the
                // store's probe picks.
                for st in [Straddle::ByLatest, Straddle::ByFirst] {
                    let q = cost_totals_sql(s.db.backend(), d, unit, day(on), group, st);
                    let other = rows((q.text, q.params)).await;
                    assert_eq!(other, old, "{on} {group:?} {unit:?} {st:?}");
                }
                compared += old.len();
            }
        }
    }
    assert!(compared > 5_000, "groups compared: {compared}");
    // The kept rows equal a recomputation from the history.
    let latest = "SELECT e.person_id, e.id, e.unit_id, e.basic_pay FROM person_events e \
                  WHERE e.id IN (SELECT MAX(x.id) FROM person_events x GROUP BY x.person_id) ORDER BY 1";
    let kept = "SELECT person_id, event_id, unit_id, basic_pay FROM person_latest ORDER BY 1";
    let rows = |sql: &'static str| {
        let s = s.clone();
        async move {
            s.db.fetch_all(sql, &[])
                .await
                .unwrap()
                .iter()
                .map(|r| [0, 1, 2, 3].map(|i| r.get::<i64>(i).unwrap()))
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(rows(kept).await, rows(latest).await);
    let months = "SELECT c.unit_id, c.month, c.headcount, c.basic_pay FROM cost_counters c ORDER BY c.unit_id, c.status, c.identity, c.funding, c.body_key, c.month";
    // (unit, status, identity, funding, body, month) → (head count, basic pay)
    type Key = (i64, String, String, String, i64, i64);
    let mut expect: std::collections::BTreeMap<Key, [i64; 2]> = Default::default();
    for r in s
        .db
        .fetch_all(
            "SELECT unit_id, status, identity, funding, body_key, on_date, basic_pay FROM person_latest",
            &[],
        )
        .await
        .unwrap()
    {
        let on: NaiveDate = r.get(5).unwrap();
        let k = (
            r.get::<i64>(0).unwrap(),
            r.get::<String>(1).unwrap(),
            r.get::<String>(2).unwrap(),
            r.get::<String>(3).unwrap(),
            r.get::<i64>(4).unwrap(),
            jiguan_store::people_index::month(on),
        );
        let e = expect.entry(k).or_default();
        e[0] += 1;
        e[1] += r.get::<i64>(6).unwrap();
    }
    let expect: Vec<[i64; 4]> = expect
        .into_iter()
        .map(|((u, _, _, _, _, m), [n, p])| [u, m, n, p])
        .collect();
    assert_eq!(rows(months).await, expect, "cost counters per month");
    // The first dates and the people counters equal a recomputation.
    let first = "SELECT l.person_id, CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT) FROM person_latest l \
                 WHERE l.first_date = (SELECT MIN(e.on_date) FROM person_events e WHERE e.person_id = l.person_id) ORDER BY 1";
    let all = "SELECT person_id, CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT) FROM person_latest ORDER BY 1";
    assert_eq!(rows(first).await, rows(all).await, "first dates");
    let people = "SELECT unit_id, COALESCE(body_id, 0), CAST(COUNT(*) AS BIGINT), CAST(0 AS BIGINT) FROM people \
                  GROUP BY district_id, unit_id, status, COALESCE(body_id, 0), establishment ORDER BY district_id, unit_id, status, 2, establishment";
    let kept = "SELECT unit_id, body_key, headcount, CAST(0 AS BIGINT) FROM people_counters ORDER BY district_id, unit_id, status, body_key, establishment";
    assert_eq!(rows(kept).await, rows(people).await, "people counters");
    // What the counters answer equals the old queries: occupancy, and roster totals.
    for unit in [None, Some(a), Some(b), Some(c)] {
        let mut q = String::from(
            "SELECT unit_id, body_id, establishment, CAST(COUNT(*) AS BIGINT) FROM people WHERE district_id = $1 \
             AND status IN ('on_post', 'lent_out')",
        );
        let mut params: Vec<Value> = vec![d.0.into()];
        if let Some(u) = unit {
            q.push_str(" AND unit_id = $2");
            params.push(u.0.into());
        }
        q.push_str(
            " GROUP BY unit_id, body_id, establishment ORDER BY unit_id, body_id, establishment",
        );
        let old: Vec<(i64, Option<i64>, String, i64)> =
            s.db.fetch_all(&q, &params)
                .await
                .unwrap()
                .iter()
                .map(|r| {
                    (
                        r.get(0).unwrap(),
                        r.get(1).unwrap(),
                        r.get(2).unwrap(),
                        r.get(3).unwrap(),
                    )
                })
                .collect();
        let new: Vec<(i64, Option<i64>, String, i64)> = s
            .occupancy(d, unit)
            .await
            .unwrap()
            .into_iter()
            .map(|o| (o.unit_id.0, o.body_id, o.kind.code().to_string(), o.count))
            .collect();
        assert_eq!(new, old, "occupancy {unit:?}");
    }
    let all = ListQuery {
        per_page: Some(200),
        ..Default::default()
    };
    let mut filters = 0;
    for u in [a, b, c] {
        for status in [None, Some(StatusFilter::All)] {
            for establishment in [
                None,
                Some(EstablishmentKind::Administrative),
                Some(EstablishmentKind::Service),
            ] {
                for body in [None]
                    .into_iter()
                    .chain(ba.iter().chain(&bb).map(|x| Some(*x)))
                {
                    let f = PeopleFilter {
                        unit_id: Some(u),
                        status,
                        establishment,
                        body_id: body,
                        ..Default::default()
                    };
                    let page = s.list_people(d, &f, &all).await.unwrap();
                    assert_eq!(page.total, page.items.len() as i64, "roster total {f:?}");
                    filters += usize::from(page.total > 0);
                }
            }
        }
    }
    assert!(filters > 10, "non-empty rosters compared: {filters}");
}

/// The people of a write: 250 new people (names and posts of 1–5 characters, Latin and
/// Chinese, some sharing grams) in the three units with different pay, identities,
/// statuses and dates (one in the future), with updates of existing people between them.
fn bulk_writes(t: &PersonRecord, units: [UnitId; 3], old: &[PersonRecord]) -> Vec<PersonWrite> {
    let first = ["王", "李", "欧阳", "Wang", "司马", "张"];
    let second = ["伟", "娜娜", "Wei", "明", "相如", ""];
    let posts = ["科员", "主任科员", "Clerk", "", "办公室主任"];
    let mut out = Vec::new();
    for i in 0..250u32 {
        let k = i as usize;
        let mut p = t.clone();
        p.id = 0;
        p.name = format!("{}{}{}", first[k % 6], second[k / 6 % 6], k % 4);
        p.post = posts[k % 5].to_string();
        p.id_number = id_number("19850101", 300 + i);
        p.unit_id = units[k % 3];
        p.host_unit_id = None;
        p.body_id = None;
        p.identity = [Identity::Temporary, t.identity][k % 2];
        p.funding = [Funding::SelfFunded, t.funding][k / 2 % 2];
        p.status = [Status::OnPost, Status::Retired, Status::OnPost][k % 3];
        p.cost.basic_pay = Money(50_000 + i64::from(i) * 37);
        p.cost.allowances = Money(i64::from(i % 11) * 1_000);
        let on = if i == 7 { "2031-01-01" } else { "2024-05-01" };
        out.push(write(p, true, on, EventKind::Hire));
        // An update between the creates (the import's order: as the file comes).
        if i % 60 == 59 {
            let mut q = old[k / 60].clone();
            q.cost.basic_pay = Money(99_000 + i64::from(i));
            q.post = format!("调整{i}");
            out.push(write(q, false, "2024-06-01", EventKind::Update));
        }
    }
    out
}

/// The search grams, latest rows and cost counters of a district, keyed by ID number
/// (not by row ids), in a fixed order.
async fn index_rows(s: &SqlStore, d: DistrictId) -> Vec<String> {
    let mut out = Vec::new();
    for (sql, n) in [
        (
            "SELECT p.id_number, g.gram FROM people_grams g JOIN people p ON p.id = g.person_id \
         WHERE g.district_id = $1 ORDER BY 1, 2",
            2,
        ),
        (
            "SELECT p.id_number, CAST(l.unit_id AS TEXT), CAST(l.on_date AS TEXT), l.status, l.identity, l.funding, \
         CAST(l.body_key AS TEXT), CAST(l.basic_pay AS TEXT), CAST(l.allowances AS TEXT), \
         CAST(l.social_insurance AS TEXT), CAST(l.housing_fund AS TEXT), e.note \
         FROM person_latest l JOIN people p ON p.id = l.person_id JOIN person_events e ON e.id = l.event_id \
         WHERE l.district_id = $1 ORDER BY 1",
            12,
        ),
        (
            "SELECT CAST(unit_id AS TEXT), status, identity, funding, CAST(body_key AS TEXT), CAST(month AS TEXT), \
         CAST(headcount AS TEXT), CAST(basic_pay AS TEXT), CAST(allowances AS TEXT), CAST(social_insurance AS TEXT), \
         CAST(housing_fund AS TEXT) FROM cost_counters WHERE district_id = $1 ORDER BY 1, 2, 3, 4, 5, 6",
            11,
        ),
        (
            "SELECT post, gram FROM people_post_grams WHERE district_id = $1 ORDER BY 1, 2",
            2,
        ),
    ] {
        for r in s.db.fetch_all(sql, &[d.0.into()]).await.unwrap() {
            let cols: Vec<String> = (0..n).map(|i| r.get::<String>(i).unwrap()).collect();
            out.push(cols.join("|"));
        }
        out.push("--".into());
    }
    out
}

/// A whole import's writes in one batch (the new people's grams, latest rows and counters
/// written in bulk at the end) leave exactly the index rows that the same writes applied
/// one at a time leave, and both equal a recomputation from the people and their history.
async fn index_bulk_writes_equal_one_by_one(pg: bool) {
    let (_db1, bulk, d1, u1, t1) = setup(pg).await;
    let (_db2, single, d2, u2, t2) = setup(pg).await;
    assert_eq!(d1, d2);
    let old = |s: SqlStore, d: DistrictId, u: UnitId| async move {
        let f = PeopleFilter {
            unit_id: Some(u),
            ..Default::default()
        };
        s.list_people(d, &f, &ListQuery::default())
            .await
            .unwrap()
            .items
    };
    let old1 = old(bulk.clone(), d1, u1[0]).await;
    let old2 = old(single.clone(), d2, u2[0]).await;
    assert!(old1.len() >= 5);
    let writes1 = bulk_writes(&t1, u1, &old1);
    let n = writes1.len();
    let ids = apply(&bulk, d1, writes1).await;
    assert_eq!(ids.len(), n);
    for w in bulk_writes(&t2, u2, &old2) {
        apply(&single, d2, vec![w]).await;
    }
    let rows = index_rows(&bulk, d1).await;
    assert!(
        rows.len() > 2_000,
        "grams, latest rows, counters: {}",
        rows.len()
    );
    assert_eq!(rows, index_rows(&single, d2).await);
    // And a recomputation: every person's grams, latest history row and the sums.
    let people = bulk
        .db
        .fetch_all(
            "SELECT id_number, name, post FROM people WHERE district_id = $1",
            &[d1.0.into()],
        )
        .await
        .unwrap();
    let mut want: Vec<String> = people
        .iter()
        .flat_map(|r| {
            let (n, name): (String, String) = (r.get(0).unwrap(), r.get(1).unwrap());
            let g = jiguan_store::people_index::grams(&name);
            g.into_iter().map(move |g| format!("{n}|{g}"))
        })
        .collect();
    want.sort();
    let got: Vec<String> = rows.iter().take_while(|r| *r != "--").cloned().collect();
    assert_eq!(got, want);
    // Every current post text's grams are indexed (migration 28: once per distinct text;
    // texts no one holds any more may stay).
    let post_rows: Vec<String> = rows.split(|r| r == "--").nth(3).unwrap().to_vec();
    for r in &people {
        let post: String = r.get(2).unwrap();
        for g in jiguan_store::people_index::grams(&post) {
            assert!(
                post_rows.contains(&format!("{post}|{g}")),
                "post {post:?} gram {g:?}"
            );
        }
    }
    // The counters are kept per month of the latest row (migration 26).
    let month = "CAST(SUBSTR(CAST(on_date AS TEXT), 1, 4) || SUBSTR(CAST(on_date AS TEXT), 6, 2) AS BIGINT)";
    let recount = format!(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM (SELECT unit_id, status, identity, funding, body_key, {month} AS month, \
         CAST(COUNT(*) AS BIGINT) n, CAST(SUM(basic_pay) AS BIGINT) b FROM person_latest WHERE district_id = $1 \
         GROUP BY unit_id, status, identity, funding, body_key, {month}) x WHERE NOT EXISTS (SELECT 1 FROM cost_counters c \
         WHERE c.district_id = $1 AND c.unit_id = x.unit_id AND c.status = x.status AND c.identity = x.identity \
         AND c.funding = x.funding AND c.body_key = x.body_key AND c.month = x.month AND c.headcount = x.n AND c.basic_pay = x.b)"
    );
    let missing: i64 = bulk
        .db
        .fetch_one(&recount, &[d1.0.into()])
        .await
        .unwrap()
        .get(0)
        .unwrap();
    assert_eq!(
        missing, 0,
        "counters differ from a recount of the latest rows"
    );
    let stale: i64 = bulk
        .db
        .fetch_one(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM person_latest l WHERE l.district_id = $1 \
             AND l.event_id <> (SELECT MAX(e.id) FROM person_events e WHERE e.person_id = l.person_id)",
            &[d1.0.into()],
        )
        .await
        .unwrap()
        .get(0)
        .unwrap();
    assert_eq!(
        stale, 0,
        "a latest row is not the person's highest history row"
    );
}

/// Migration 28: a post text's grams are kept once per distinct text of the district
/// and its people found through `people_post`. Many people sharing a few post texts
/// (names and posts sharing characters, Latin in mixed case, LIKE's wildcards), created
/// in one import-sized batch and then moved to other posts (the old texts held by no
/// one): every search of every 1-, 2- and 3-character piece of the names and posts, old
/// and new, equals the old `LIKE` over the whole district, before and after the moves;
/// and on SQLite the search is served by the indexes (no scan of people or grams).
async fn index_post_search_matches_like(pg: bool) {
    let (_db, s, d, [a, b, _c], t) = setup(pg).await;
    let names = ["王", "科长", "李综合", "张主任", "Clerk", "赵", "岗"];
    // Seven post texts, one of them empty.
    let posts: Vec<&str> = "综合科科员|办公室主任|Clerk_A|综合岗|王科长||50%岗"
        .split('|')
        .collect();
    let mut writes = Vec::new();
    for i in 0..140usize {
        let mut p = t.clone();
        p.id = 0;
        p.name = format!("{}{}", names[i % names.len()], i % 3);
        p.post = posts[i / 3 % posts.len()].to_string();
        p.id_number = id_number("19790101", 500 + i as u32);
        p.unit_id = if i % 4 == 3 { b } else { a };
        if i % 9 == 8 {
            p.status = Status::Retired;
        }
        writes.push(write(p, true, "2024-01-01", EventKind::Hire));
    }
    let ids = apply(&s, d, writes).await;
    let new_posts = ["档案室科员", "Archive"];
    let texts = pieces(
        &["clerk", "CLERK_a", "%", "_", "zz"],
        names.iter().chain(posts.iter()).chain(new_posts.iter()),
    );
    let check = async |label: &str| {
        let mut hits = 0;
        for text in &texts {
            let want = like_ids(&s, d, text).await;
            let q = query(text);
            let page = s.list_people(d, &all_statuses(), &q).await.unwrap();
            let mut got: Vec<i64> = page.items.iter().map(|p| p.id).collect();
            got.sort();
            assert_eq!(got, want, "{label} {text:?}");
            assert_eq!(page.total, want.len() as i64, "{label} {text:?}");
            // A unit's roster: equal to the dated (unindexed) path.
            let fu = PeopleFilter {
                unit_id: Some(a),
                ..Default::default()
            };
            as_dated(&s, d, &fu, &q, &format!("{label} unit {text:?}")).await;
            hits += want.len();
        }
        assert!(hits > 1_000, "the searches found people ({hits})");
    };
    check("created").await;
    // Half the people move to new posts: "综合科科员" and "Clerk_A" are held by no one
    // any more (their grams stay), the new texts are indexed by the updates.
    let mut writes = Vec::new();
    for (k, id) in ids.iter().step_by(2).enumerate() {
        let mut p = s
            .get_person(d, jiguan_domain::people::PersonId(*id))
            .await
            .unwrap()
            .unwrap();
        p.post = if p.post == "综合科科员" || p.post == "Clerk_A" || k % 2 == 0 {
            new_posts[k % 2].to_string()
        } else {
            p.post.clone()
        };
        writes.push(write(p, false, "2024-06-01", EventKind::Update));
    }
    apply(&s, d, writes).await;
    let held: i64 = fetch_i64(
        &s.db,
        "SELECT CAST(COUNT(*) AS BIGINT) FROM people WHERE district_id = $1 AND post IN ('综合科科员', 'Clerk_A')",
        &[d.0.into()],
    )
    .await;
    assert!(held < 30, "most of the old texts' people moved ({held})");
    check("moved").await;
    if !pg {
        let (sql, params) = s.roster_search_sql(d, a, "科员").await.unwrap();
        let plan: Vec<String> =
            s.db.fetch_all(&format!("EXPLAIN QUERY PLAN {sql}"), &params)
                .await
                .unwrap()
                .iter()
                .map(|r| r.get::<String>(3).unwrap())
                .collect();
        let text = plan.join("\n");
        assert!(text.contains("INDEX people_post "), "{text}");
        for scan in ["SCAN p", "SCAN x", "SCAN g", "SCAN t"] {
            assert!(
                !plan
                    .iter()
                    .any(|l| l == scan || l.starts_with(&format!("{scan} "))),
                "{text}"
            );
        }
    }
}
