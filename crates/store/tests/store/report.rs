//! The reform results report's SQL on both backends: a hand-computed fixture of dated
//! bodies, caps, people and downsizing lines (a change dated after "to" must not count,
//! another district's rows never), and the demo's seed figures.

use chrono::{NaiveDate, Utc};

use jiguan_app::report::ReportForm;
use jiguan_domain::auth::Role;
use jiguan_domain::report::{Flag, Moment, Trace};
use jiguan_domain::tenancy::{DistrictId, UnitId};
use jiguan_store::{SqlStore, Value};
use jiguan_testkit::fixtures;

use crate::helpers::{actor, both, fresh, two_districts};

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

async fn id(s: &SqlStore, sql: &str, params: Vec<Value>) -> i64 {
    s.db.fetch_one(sql, &params).await.unwrap().get(0).unwrap()
}

/// A body with its versions: (status, from, to).
async fn body(
    s: &SqlStore,
    d: DistrictId,
    u: UnitId,
    name: &str,
    kind: &str,
    versions: &[(&str, &str, Option<&str>)],
) -> i64 {
    let b = id(
        s,
        "INSERT INTO bodies (district_id, unit_id, name, short_name, kind, parent_id, status, successor_id, establishment, head, doc_no, records_json, valid_from, created_at) \
         VALUES ($1, $2, $3, '', $4, NULL, $5, NULL, 3, '', '', '[]', $6, $7) RETURNING id",
        vec![d.0.into(), u.0.into(), name.into(), kind.into(), versions.last().unwrap().0.into(), day(versions[0].1).into(), Utc::now().into()],
    )
    .await;
    for (status, from, to) in versions {
        s.db.execute(
            "INSERT INTO body_versions (district_id, unit_id, body_id, valid_from, valid_to, name, short_name, kind, parent_id, status, successor_id, establishment, head, doc_no, records_json) \
             VALUES ($1, $2, $3, $4, $5, $6, '', $7, NULL, $8, NULL, 3, '', '', '[]')",
            &[d.0.into(), u.0.into(), b.into(), day(from).into(), to.map(day).into(), name.into(), kind.into(), (*status).into()],
        )
        .await
        .unwrap();
    }
    b
}

/// A person with dated events: (date, unit, identity, establishment, status, basic pay).
async fn person(
    s: &SqlStore,
    d: DistrictId,
    name: &str,
    events: &[(&str, UnitId, &str, &str, &str, i64)],
) -> i64 {
    let last = events.last().unwrap();
    let p = id(
        s,
        "INSERT INTO people (district_id, unit_id, host_unit_id, body_id, name, gender, id_number, birth_date, ethnicity, party, education, work_start, unit_join, identity, establishment, post, rank, leader, leader_role, phone, funding, basic_pay, allowances, social_insurance, housing_fund, status, status_since, created_at, updated_at) \
         VALUES ($1, $2, NULL, NULL, $3, 'male', $4, $5, '汉族', '群众', '', NULL, NULL, $6, $7, '', '', FALSE, '', '', 'full', $8, 0, 0, 0, $9, $10, $11, $11) RETURNING id",
        vec![d.0.into(), last.1.0.into(), name.into(), format!("ID-{name}").into(), day("1980-01-01").into(), last.2.into(), last.3.into(), last.5.into(), last.4.into(), day(last.0).into(), Utc::now().into()],
    )
    .await;
    for (on, u, identity, est, status, pay) in events {
        s.db.execute(
            "INSERT INTO person_events (district_id, person_id, on_date, kind, unit_id, host_unit_id, body_id, identity, establishment, post, rank, leader, funding, basic_pay, allowances, social_insurance, housing_fund, status, doc_no, note, created_at, created_by) \
             VALUES ($1, $2, $3, 'hire', $4, NULL, NULL, $5, $6, '', '', FALSE, 'full', $7, 0, 0, 0, $8, '', '', $9, 'test')",
            &[d.0.into(), p.into(), day(on).into(), u.0.into(), (*identity).into(), (*est).into(), (*pay).into(), (*status).into(), Utc::now().into()],
        )
        .await
        .unwrap();
    }
    p
}

/// A downsizing plan with one line per (person, route).
async fn plan(
    s: &SqlStore,
    d: DistrictId,
    u: UnitId,
    status: &str,
    effective: &str,
    lines: &[(i64, &str)],
) {
    let p = id(
        s,
        "INSERT INTO downsizing_plans (district_id, unit_id, title, effective, status, doc_no, reason, staff_base, created_by, created_at, applied_at) \
         VALUES ($1, $2, '方案', $3, $4, '', '', NULL, 'test', $5, NULL) RETURNING id",
        vec![d.0.into(), u.0.into(), day(effective).into(), status.into(), Utc::now().into()],
    )
    .await;
    for (person, route) in lines {
        s.db.execute(
            "INSERT INTO downsizing_lines (plan_id, district_id, unit_id, person_id, route, note, term_years, figures_json, created_at) \
             VALUES ($1, $2, $3, $4, $5, '', NULL, '{}', $6)",
            &[p.into(), d.0.into(), u.0.into(), (*person).into(), (*route).into(), Utc::now().into()],
        )
        .await
        .unwrap();
    }
}

both!(report_figures_from_dated_history);

/// From 2018-01-01 to 2019-07-01 in 骆驼街道 (hand-computed):
/// bodies before: office 1, stations 2, enterprise 1 = 4; after: office 1, station 1
/// (abolished only on 2019-08-01, after "to"), centre 1 (created 2019-07-01) = 3 against
/// an approved 2: over. Changes: merged 1 (on the "to" date: counted), converted 1
/// (2018-06-01), abolished 0, created 1.
/// Staff before: 甲 (civil servant, 1000) and 乙 (temporary, 500) = 2, cost 1500; after:
/// 甲 and 丁 (moved in from 澥浦镇 on 2019-01-01, 900) = 2, cost 1900 (乙 left on
/// 2019-06-01; 丙 hired 2019-08-01 is after "to"). 澥浦镇: 丁 before (800), nobody after.
/// Cuts: 乙 released by a plan applied 2019-06-01 (done); 甲 early retirement by an
/// approved plan (pending); 甲 released by a plan applied 2019-08-01 (after: not counted).
async fn report_figures_from_dated_history(pg: bool) {
    let t = fresh(pg).await;
    let s = SqlStore::open(&t.url).await.unwrap();
    let (d, a, b, d2, c) = two_districts(&s).await;
    body(
        &s,
        d,
        a,
        "党政办",
        "office",
        &[("active", "2017-01-01", None)],
    )
    .await;
    body(
        &s,
        d,
        a,
        "农机站",
        "public_institution",
        &[
            ("active", "2017-01-01", Some("2019-07-01")),
            ("merged", "2019-07-01", None),
        ],
    )
    .await;
    body(
        &s,
        d,
        a,
        "水利站",
        "public_institution",
        &[
            ("active", "2017-01-01", Some("2019-08-01")),
            ("abolished", "2019-08-01", None),
        ],
    )
    .await;
    body(
        &s,
        d,
        a,
        "农业中心",
        "centre",
        &[("active", "2019-07-01", None)],
    )
    .await;
    body(
        &s,
        d,
        a,
        "自来水厂",
        "enterprise_unit",
        &[
            ("active", "2017-01-01", Some("2018-06-01")),
            ("converted", "2018-06-01", None),
        ],
    )
    .await;
    body(
        &s,
        d,
        b,
        "澥浦党政办",
        "office",
        &[("active", "2017-01-01", None)],
    )
    .await;
    body(
        &s,
        d2,
        c,
        "北仑党政办",
        "office",
        &[("active", "2017-01-01", None)],
    )
    .await;
    s.db.execute(
        "INSERT INTO org_caps (district_id, unit_id, max_bodies, max_chiefs, max_deputies, doc_no, valid_from, valid_to, set_by, set_at) \
         VALUES ($1, $2, 2, 1, 1, '', $3, NULL, 'test', $4)",
        &[d.0.into(), a.0.into(), day("2018-01-01").into(), Utc::now().into()],
    )
    .await
    .unwrap();
    let jia = person(
        &s,
        d,
        "甲",
        &[(
            "2017-01-01",
            a,
            "civil_servant",
            "administrative",
            "on_post",
            1000,
        )],
    )
    .await;
    let yi = person(
        &s,
        d,
        "乙",
        &[
            ("2017-01-01", a, "temporary", "none", "on_post", 500),
            ("2019-06-01", a, "temporary", "none", "left", 500),
        ],
    )
    .await;
    person(
        &s,
        d,
        "丙",
        &[(
            "2019-08-01",
            a,
            "civil_servant",
            "administrative",
            "on_post",
            700,
        )],
    )
    .await;
    person(
        &s,
        d,
        "丁",
        &[
            (
                "2016-01-01",
                b,
                "institution_cadre",
                "institution",
                "on_post",
                800,
            ),
            (
                "2019-01-01",
                a,
                "institution_cadre",
                "institution",
                "on_post",
                900,
            ),
        ],
    )
    .await;
    person(
        &s,
        d2,
        "戊",
        &[(
            "2017-01-01",
            c,
            "civil_servant",
            "administrative",
            "on_post",
            999,
        )],
    )
    .await;
    plan(&s, d, a, "applied", "2019-06-01", &[(yi, "release")]).await;
    plan(
        &s,
        d,
        a,
        "approved",
        "2019-07-01",
        &[(jia, "early_retirement")],
    )
    .await;
    plan(&s, d, a, "applied", "2019-08-01", &[(jia, "release")]).await;

    let app = fixtures::app(s.clone());
    let admin = actor(d, None, Role::DistrictAdmin);
    let f = ReportForm {
        from: "2018-01-01".into(),
        to: "2019-07-01".into(),
    };
    let r = app.report_unit(&admin, a, &f).await.unwrap();
    let fig = &r.figures;
    let bodies = fig.section("org.bodies").unwrap();
    let l = |k: &str| bodies.line(k).map(|l| (l.before, l.after)).unwrap();
    assert_eq!(l("org.kind.office"), (Some(1), Some(1)));
    assert_eq!(l("org.kind.public_institution"), (Some(2), Some(1)));
    assert_eq!(l("org.kind.centre"), (Some(0), Some(1)));
    assert_eq!(l("org.kind.enterprise_unit"), (Some(1), Some(0)));
    let t = bodies.total.as_ref().unwrap();
    assert_eq!((t.before, t.after, t.approved), (Some(4), Some(3), Some(2)));
    let ch = fig.section("org.changes").unwrap();
    let c = |k: &str| ch.line(&format!("report.change.{k}")).unwrap().after;
    assert_eq!(
        (c("merged"), c("abolished"), c("converted"), c("created")),
        (Some(1), Some(0), Some(1), Some(1))
    );
    let staff = fig.section("people.identity").unwrap();
    let s_ = |k: &str| {
        staff
            .line(&format!("people.identity.{k}"))
            .map(|l| (l.before, l.after))
            .unwrap()
    };
    assert_eq!(s_("civil_servant"), (Some(1), Some(1)));
    assert_eq!(s_("temporary"), (Some(1), Some(0)));
    assert_eq!(s_("institution_cadre"), (Some(0), Some(1)));
    let cost = fig.section("cost.identity").unwrap().total.clone().unwrap();
    assert_eq!((cost.before, cost.after), (Some(1500), Some(1900)));
    let h = &fig.headline;
    assert_eq!(
        (h.staff_before, h.staff_after, h.cut_done, h.cut_pending),
        (2, 2, 1, 1)
    );
    assert!(fig.flags.contains(&Flag::OverBodies) && fig.flags.contains(&Flag::CostRose));
    let routes = fig.section("down.route").unwrap();
    let rel = routes.line("down.route.release").unwrap();
    assert_eq!((rel.after, rel.pending), (Some(1), Some(0)));
    assert_eq!(
        routes.line("down.route.early_retirement").unwrap().pending,
        Some(1)
    );

    // Move "to" past 2019-08-01: the abolition, 丙 and the late plan now count.
    let later = ReportForm {
        from: "2018-01-01".into(),
        to: "2019-08-01".into(),
    };
    let r2 = app.report_unit(&admin, a, &later).await.unwrap();
    assert_eq!(r2.figures.headline.bodies_after, 2);
    // 甲 (the plan wrote no event here), 丙 hired on the "to" date, 丁.
    assert_eq!(r2.figures.headline.staff_after, 3);
    assert_eq!(
        r2.figures
            .section("down.route")
            .unwrap()
            .line("down.route.release")
            .unwrap()
            .after,
        Some(2)
    );

    // The district: its two units, never the other district's rows; the sum of units.
    let dr = app.report_district(&admin, &f).await.unwrap();
    assert_eq!(dr.units.len(), 2);
    assert_eq!(dr.total.headline.bodies_before, 5);
    assert_eq!(dr.total.headline.staff_before, 3);
    assert_eq!(dr.total.headline.staff_after, 2);
    assert_eq!(dr.total.headline.cost_before, 2300);
    let xiepu = dr.units.iter().find(|u| u.unit.id == b).unwrap();
    assert_eq!(
        (
            xiepu.figures.headline.staff_before,
            xiepu.figures.headline.staff_after
        ),
        (1, 0)
    );

    // Traces list exactly the records counted.
    let (_, _, rows) = app
        .report_trace(&admin, a, "bodies", "public_institution", "before", &f)
        .await
        .unwrap();
    let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["农机站", "水利站"]);
    let (_, _, rows) = app
        .report_trace(&admin, a, "staff", "institution_cadre", "after", &f)
        .await
        .unwrap();
    assert_eq!(
        rows.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(),
        ["丁"]
    );
    let (_, _, rows) = app
        .report_trace(&admin, a, "cuts", "release", "period", &f)
        .await
        .unwrap();
    assert_eq!(
        rows.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(),
        ["乙"]
    );
    let (_, _, rows) = app
        .report_trace(&admin, a, "body_changes", "created", "period", &f)
        .await
        .unwrap();
    assert_eq!(
        rows.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(),
        ["农业中心"]
    );
    let _ = Trace {
        family: jiguan_domain::report::Family::Bodies,
        key: String::new(),
        at: Moment::Before,
    };
    // Default dates: from the first approved total or body version, to today.
    let r3 = app
        .report_unit(&admin, a, &ReportForm::default())
        .await
        .unwrap();
    assert_eq!(r3.period.from, day("2017-01-01"));
}

both!(report_demo_matches_the_seed);

/// The demo: 16 bodies cut district-wide (5 by applied plans, 11 by 骆驼街道's draft
/// plan), 50 staff cut in six units, 骆驼街道 21 of 100 = 21 %.
async fn report_demo_matches_the_seed(pg: bool) {
    let t = fresh(pg).await;
    let s = SqlStore::open(&t.url).await.unwrap();
    let (app, d) = fixtures::demo(s).await.unwrap();
    let admin = actor(d, None, Role::DistrictAdmin);
    let dr = app
        .report_district(&admin, &ReportForm::default())
        .await
        .unwrap();
    assert_eq!(dr.units.len(), 6);
    assert_eq!(dr.total.headline.bodies_cut(), jiguan_app::org::demo::CUT);
    assert_eq!(dr.total.headline.bodies_cut(), 16);
    assert_eq!(dr.total.headline.cut(), 50);
    assert_eq!(
        dr.units
            .iter()
            .filter(|u| u.figures.headline.cut() > 0)
            .count(),
        6
    );
    let luotuo = dr.units.iter().find(|u| u.unit.code == "luotuo").unwrap();
    let h = &luotuo.figures.headline;
    assert_eq!(h.cut(), 21);
    assert_eq!(h.cut_share().map(|p| p.to_string()), Some("21".into()));
    assert_eq!((h.bodies_before, h.bodies_pending_cut), (21, 11));
    let unit = app
        .report_unit(&admin, luotuo.unit.id, &ReportForm::default())
        .await
        .unwrap();
    assert_eq!(unit.figures.headline, luotuo.figures.headline);
    // 十五、考核等次分布: 骆驼街道's confirmed 2019 annual appraisal, grade by grade, the
    // same people the appraisal module reports; a unit without one says 暂无数据.
    let sec = unit
        .figures
        .sections
        .iter()
        .find(|s| s.id == "appraisal.grades")
        .unwrap();
    assert!(sec.available);
    let hr = actor(d, Some(luotuo.unit.id), Role::UnitAdmin);
    let finals = app.final_grades(&hr, luotuo.unit.id, 2019).await.unwrap();
    let excellent = finals
        .iter()
        .filter(|g| g.grade.map(|x| x.code()) == Some("excellent"))
        .count() as i64;
    assert!(excellent > 0);
    assert_eq!(sec.lines[0].after, Some(excellent));
    assert_eq!(sec.total.as_ref().unwrap().after, Some(finals.len() as i64));
    let other = dr.units.iter().find(|u| u.unit.code == "xiepu").unwrap();
    let sec = other
        .figures
        .sections
        .iter()
        .find(|s| s.id == "appraisal.grades")
        .unwrap();
    assert!(!sec.available);
    // 十六、绩效分配差距: 骆驼街道's applied 2019 pay run (pool, highest, lowest share);
    // 谢浦's run is still a draft, so its section says 暂无数据.
    let pay = |f: &jiguan_domain::report::ReportFigures| {
        f.sections
            .iter()
            .find(|s| s.id == "pay.spread")
            .cloned()
            .unwrap()
    };
    let sec = pay(&unit.figures);
    assert!(sec.available && sec.total.is_none());
    let run = app.pay_runs(&hr, luotuo.unit.id).await.unwrap()[0].clone();
    assert_eq!(sec.lines[0].after, run.pool.map(|m| m.0));
    let (max, min) = (sec.lines[1].after.unwrap(), sec.lines[2].after.unwrap());
    assert!(max > min && min >= 0, "{max} {min}");
    assert!(!pay(&other.figures).available);
    // 十四、双向择岗: the demo's applied round of 骆驼街道 (the open one is not counted):
    // everyone took part is placed or unplaced, and every unplaced person has a route.
    let sec = unit
        .figures
        .sections
        .iter()
        .find(|s| s.id == "twoway.placement")
        .unwrap();
    assert!(sec.available);
    let v = |i: usize| sec.lines[i].after.unwrap();
    assert!(v(0) > 0);
    assert_eq!(v(1) + v(4), v(0));
    assert!(v(2) <= v(1) && v(3) <= v(1));
    assert_eq!((5..sec.lines.len()).map(v).sum::<i64>(), v(4));
    assert_eq!(sec.lines[0].before, Some(0));
}
