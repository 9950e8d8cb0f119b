//! Benchmark (not a timed test): the district-wide posts FTE and cost report
//! (`App::posts_district`: per unit the FTE need of its posts, the approved establishment,
//! the staff on post, the FTE deployed and the personnel cost) over 100,000 generated people
//! in 50 units, each with 200 posts and every person on one post. SQLite always (a temp
//! file); PostgreSQL too when `JIGUAN_BENCH_PG_URL` names a server. Run with
//! `cargo bench -p jiguan-store --bench posts_report` (`JIGUAN_BENCH_PEOPLE` changes the
//! headcount); figures go to docs/PERFORMANCE.md. On PostgreSQL the tables are analysed
//! after seeding (see PERFORMANCE.md: without statistics the people module's cost query
//! takes minutes).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::actor;

use std::time::{Duration, Instant};

use chrono::NaiveDate;

use jiguan_app::org::BodyForm;
use jiguan_app::people::PersonRecord;
use jiguan_app::posts::{AssignmentWrite, NewAssignment};
use jiguan_app::users::system_entry;
use jiguan_domain::auth::Role;
use jiguan_domain::money::Money;
use jiguan_domain::people::{Cost, Identity};
use jiguan_domain::posts::{PostInput, PostKind, PostLevel};
use jiguan_domain::tenancy::{UnitId, UnitInput, UnitKind};
use jiguan_testkit::fixtures;

const UNITS: i64 = 50;
const POSTS_PER_UNIT: i64 = 200;

fn person(d: jiguan_domain::tenancy::DistrictId, unit: UnitId, i: i64) -> PersonRecord {
    let start = NaiveDate::from_ymd_opt(1962, 1, 1).unwrap();
    let birth = start + chrono::Duration::days(i / 400);
    let seq = (i % 400) * 2 + (i % 2);
    let id_number = fixtures::id_number(&birth.format("%Y%m%d").to_string(), seq as u32);
    let on = NaiveDate::from_ymd_opt(2015, 1, 1).unwrap();
    PersonRecord {
        name: format!("职工{i}"),
        gender: if seq % 2 == 1 { "male" } else { "female" }.into(),
        id_number,
        birth_date: birth,
        ethnicity: "汉族".into(),
        party: "群众".into(),
        education: "大学本科".into(),
        work_start: Some(birth + chrono::Duration::days(22 * 366)),
        unit_join: Some(on),
        cost: Cost {
            basic_pay: Money(4_000_000 + (i % 30_000) * 100),
            allowances: Money(3_600_000),
            social_insurance: Money(1_800_050),
            housing_fund: Money(1_200_000),
        },
        ..PersonRecord::new(d, unit, Identity::ContractWorker, on)
    }
}

async fn run(url: &str, label: &str, people: i64) {
    let (s, app, district) = common::bench_app(url).await;
    let per_unit = people / UNITS;
    let t_seed = Instant::now();
    for u in 0..UNITS {
        let code = format!("u{u:02}");
        let unit = app
            .store
            .create_unit(
                district,
                &UnitInput {
                    code: code.clone(),
                    name: format!("单位{u:02}"),
                    kind: UnitKind::Town,
                },
                system_entry(district, None, "unit.create", "unit", &code, None),
            )
            .await
            .unwrap();
        let ua = actor(district, Some(unit), Role::UnitAdmin);
        let body = app
            .org_create_body(
                &ua,
                unit,
                &BodyForm {
                    name: "综合办".into(),
                    kind: "office".into(),
                    establishment: per_unit.to_string(),
                    valid_from: "2018-01-01".into(),
                    ..BodyForm::default()
                },
            )
            .await
            .unwrap();
        app.org_create_function(&ua, unit, &fixtures::kept_function(body, "综合事务"))
            .await
            .unwrap();
        let item = app.post_form_data(&ua, unit).await.unwrap().functions[0]
            .id
            .0;
        let hires = (0..per_unit)
            .map(|k| person(district, unit, u * per_unit + k))
            .collect();
        let ids = common::hire_all(&app, district, unit, hires).await;
        let mut posts = Vec::new();
        for j in 0..POSTS_PER_UNIT {
            let input = PostInput {
                body_id: body.0,
                title: format!("岗位{j}"),
                level: if j == 0 {
                    PostLevel::Chief
                } else {
                    PostLevel::General
                },
                establishment: PostKind::Any,
                min_education: None,
                min_service_years: 0,
                other_requirements: String::new(),
                functions: vec![(item, 1000 + (j * 37) % 2000)],
            };
            posts.push(
                app.store
                    .create_post(
                        district,
                        unit,
                        &input,
                        chrono::Utc::now(),
                        system_entry(district, Some(unit), "post.create", "post", "", None),
                    )
                    .await
                    .unwrap(),
            );
        }
        let create = ids
            .iter()
            .enumerate()
            .map(|(k, person_id)| NewAssignment {
                post_id: posts[k % posts.len()],
                person_id: (*person_id).into(),
                share_pct: 100,
                main: true,
                overtime: false,
            })
            .collect();
        app.store
            .write_assignments(
                district,
                unit,
                &AssignmentWrite {
                    end: Vec::new(),
                    create,
                    on: NaiveDate::from_ymd_opt(2024, 1, 1),
                    reason: String::new(),
                    by: "bench".into(),
                    at: chrono::Utc::now(),
                },
                vec![system_entry(
                    district,
                    Some(unit),
                    "post.assign",
                    "unit",
                    unit,
                    None,
                )],
            )
            .await
            .unwrap();
    }
    let seed = t_seed.elapsed();
    // After a bulk load PostgreSQL plans with empty statistics until autovacuum analyses
    // the tables; a production load would have them, so the bench analyses once.
    if url.starts_with("postgres") {
        s.db.execute("ANALYZE", &[]).await.unwrap();
    }
    let admin = actor(district, None, Role::DistrictAdmin);
    let mut times: Vec<Duration> = Vec::new();
    let mut staff = 0;
    for _ in 0..5 {
        let t = Instant::now();
        let r = app.posts_district(&admin).await.unwrap();
        times.push(t.elapsed());
        staff = r.total.staff;
        assert_eq!(r.lines.len() as i64, UNITS);
    }
    times.sort();
    let ua = actor(district, None, Role::DistrictAdmin);
    let first = app.visible_units(&ua).await.unwrap()[0].id;
    let mut unit_times = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let _ = app.posts_overview(&ua, first).await.unwrap();
        unit_times.push(t.elapsed());
    }
    unit_times.sort();
    println!(
        "{label}: {people} people ({staff} on post), {UNITS} units × {POSTS_PER_UNIT} posts; seeding {:.1} s",
        seed.as_secs_f64()
    );
    println!(
        "  district FTE and cost report: median {:.1} ms (min {:.1}, max {:.1}) of 5",
        times[2].as_secs_f64() * 1000.0,
        times[0].as_secs_f64() * 1000.0,
        times[4].as_secs_f64() * 1000.0
    );
    println!(
        "  one unit's posts page data ({} people, {POSTS_PER_UNIT} posts): median {:.1} ms",
        per_unit,
        unit_times[2].as_secs_f64() * 1000.0
    );
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let people: i64 = std::env::var("JIGUAN_BENCH_PEOPLE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    common::on_each_backend("bench.db", "jiguan_bench", |url, label| async move {
        run(&url, label, people).await
    })
    .await;
}
