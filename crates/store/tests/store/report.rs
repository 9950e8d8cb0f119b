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

/// A fresh database and its store.
async fn store(pg: bool) -> (crate::helpers::TestDb, SqlStore) {
    let t = fresh(pg).await;
    let s = SqlStore::open(&t.url).await.unwrap();
    (t, s)
}

/// A body's versions: active from `from` until `on`, then `status` (merged, abolished,
/// converted) from `on`.
fn ended<'a>(from: &'a str, status: &'a str, on: &'a str) -> Versions<'a> {
    vec![("active", from, Some(on)), (status, on, None)]
}

/// A body's versions: (status, from, to).
type Versions<'a> = Vec<(&'a str, &'a str, Option<&'a str>)>;

/// Where a fixture's rows go: the store, a district and one of its units.
#[derive(Clone, Copy)]
struct In<'a> {
    s: &'a SqlStore,
    d: DistrictId,
    u: UnitId,
}

impl<'a> In<'a> {
    /// The units of [`two_districts`]: `a` and `b` of the first district, `c` of the second.
    fn three(
        s: &'a SqlStore,
        (d, a, b, d2, c): (DistrictId, UnitId, UnitId, DistrictId, UnitId),
    ) -> [Self; 3] {
        [In { s, d, u: a }, In { s, d, u: b }, In { s, d: d2, u: c }]
    }

    /// A body with its versions: (status, from, to).
    async fn body(&self, name: &str, kind: &str, versions: &[(&str, &str, Option<&str>)]) -> i64 {
        let (s, d, u) = (self.s, self.d, self.u);
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

    /// A downsizing plan with one line per (person, route).
    async fn plan(&self, status: &str, effective: &str, lines: &[(i64, &str)]) {
        let (s, d, u) = (self.s, self.d, self.u);
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

    /// A post of `hours` (one function item) in a body, created and last changed when given.
    #[allow(clippy::too_many_arguments)]
    async fn post(
        &self,
        body: i64,
        level: &str,
        hours: i64,
        created: &str,
        active: bool,
        updated: &str,
    ) -> i64 {
        let (s, d, u) = (self.s, self.d, self.u);
        let p = id(
            s,
            "INSERT INTO posts (district_id, unit_id, body_id, title, level, establishment, min_education, min_service_years, other_requirements, active, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, 'any', '', 0, '', $6, $7, $8) RETURNING id",
            vec![d.0.into(), u.0.into(), body.into(), format!("岗位{level}{hours}").into(), level.into(), active.into(), at(created).into(), at(updated).into()],
        )
        .await;
        let f = id(
            s,
            "INSERT INTO function_items (district_id, unit_id, code, title, category, legal_basis, owners_json, decision, reason, valid_from, created_at) \
             VALUES ($1, $2, $3, '职责', 'general', '', '[]', NULL, '', $4, $5) RETURNING id",
            vec![d.0.into(), u.0.into(), format!("F{p}").into(), day("2020-01-01").into(), Utc::now().into()],
        )
        .await;
        s.db.execute(
            "INSERT INTO post_functions (post_id, district_id, unit_id, function_id, annual_hours) VALUES ($1, $2, $3, $4, $5)",
            &[p.into(), d.0.into(), u.0.into(), f.into(), hours.into()],
        )
        .await
        .unwrap();
        p
    }

    /// An assignment of a person to a post from `start` (to `end`, if given).
    #[allow(clippy::too_many_arguments)]
    async fn assign(&self, post: i64, person: i64, share: i64, start: &str, end: Option<&str>) {
        let (s, d, u) = (self.s, self.d, self.u);
        s.db.execute(
            "INSERT INTO post_assignments (district_id, unit_id, post_id, person_id, share_pct, main, overtime, start_date, end_date, end_reason, created_at, created_by) \
             VALUES ($1, $2, $3, $4, $5, TRUE, FALSE, $6, $7, '', $8, 'test')",
            &[d.0.into(), u.0.into(), post.into(), person.into(), share.into(), day(start).into(), end.map(day).into(), Utc::now().into()],
        )
        .await
        .unwrap();
    }

    /// A campaign version with `seats` (chief 1, the rest deputies) published (applied) at
    /// `applied` or in another status.
    #[allow(clippy::too_many_arguments)]
    async fn campaign(
        &self,
        family: i64,
        version: i64,
        body: i64,
        seats: u32,
        status: &str,
        applied: &str,
    ) -> i64 {
        let (s, d, u) = (self.s, self.d, self.u);
        use jiguan_domain::org::BodyId;
        use jiguan_domain::posts::PostLevel;
        use jiguan_domain::selection::plan::{OfferedPost, Plan};
        let offered = |level, seats| OfferedPost {
            body_id: BodyId(body),
            body_name: "党政办".into(),
            level,
            seats,
            sensitive: false,
        };
        let plan = Plan::with_defaults(
            "竞争上岗",
            day("2024-12-01"),
            vec![
                offered(PostLevel::Chief, 1),
                offered(PostLevel::Deputy, seats - 1),
            ],
        );
        let id_ = id(
            s,
            "INSERT INTO selection_campaigns (district_id, unit_id, family_id, version, title, plan_json, revision_reason, status, reason, doc_no, effective, created_by, created_at, decided_by, decided_at, applied_at) \
             VALUES ($1, $2, $3, $4, $5, $6, '', $7, '', '', NULL, 'test', $8, '', NULL, $8) RETURNING id",
            vec![d.0.into(), u.0.into(), family.into(), version.into(), format!("方案{family}v{version}").into(), serde_json::to_string(&plan).unwrap().into(), status.into(), at(applied).into()],
        )
        .await;
        if family == 0 {
            s.db.execute(
                "UPDATE selection_campaigns SET family_id = id WHERE id = $1",
                &[id_.into()],
            )
            .await
            .unwrap();
        }
        id_
    }

    async fn apply_to(&self, campaign: i64, person: i64, status: &str) {
        let (s, d, u) = (self.s, self.d, self.u);
        s.db.execute(
            "INSERT INTO selection_applications (district_id, unit_id, campaign_id, person_id, choices_json, obey_adjustment, nomination, signers, status, review_json, note, created_by, created_at, reviewed_by, reviewed_at) \
             VALUES ($1, $2, $3, $4, '[]', TRUE, 'self', 0, $5, '{}', '', 'test', $6, '', NULL)",
            &[d.0.into(), u.0.into(), campaign.into(), person.into(), status.into(), Utc::now().into()],
        )
        .await
        .unwrap();
    }

    /// A committee meeting (status, held on) with items on the given posts (None: no post).
    async fn meeting(&self, status: &str, held: &str, posts: &[Option<i64>]) {
        let (s, d, u) = (self.s, self.d, self.u);
        let m = id(
            s,
            "INSERT INTO committee_meetings (district_id, unit_id, title, held_on, members, status, present, tokens_issued, tally_json, digest, created_by, created_at, closed_at) \
             VALUES ($1, $2, '党委会', $3, 9, $4, 9, 9, NULL, '', 'test', $5, NULL) RETURNING id",
            vec![d.0.into(), u.0.into(), day(held).into(), status.into(), Utc::now().into()],
        )
        .await;
        for (i, p) in posts.iter().enumerate() {
            s.db.execute(
                "INSERT INTO committee_items (meeting_id, district_id, unit_id, item_no, text, person_id, post_id, recused) \
                 VALUES ($1, $2, $3, $4, $5, NULL, $6, 0)",
                &[m.into(), d.0.into(), u.0.into(), (i as i64 + 1).into(), format!("事项{}", i + 1).into(), (*p).into()],
            )
            .await
            .unwrap();
        }
    }
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
    let (_t, s) = store(pg).await;
    let ids @ (d, a, b, d2, c) = two_districts(&s).await;
    let [fa, fb, fc] = In::three(&s, ids);
    fa.body("党政办", "office", &[("active", "2017-01-01", None)])
        .await;
    fa.body(
        "农机站",
        "public_institution",
        &ended("2017-01-01", "merged", "2019-07-01"),
    )
    .await;
    fa.body(
        "水利站",
        "public_institution",
        &ended("2017-01-01", "abolished", "2019-08-01"),
    )
    .await;
    fa.body("农业中心", "centre", &[("active", "2019-07-01", None)])
        .await;
    fa.body(
        "自来水厂",
        "enterprise_unit",
        &ended("2017-01-01", "converted", "2018-06-01"),
    )
    .await;
    fb.body("澥浦党政办", "office", &[("active", "2017-01-01", None)])
        .await;
    fc.body("北仑党政办", "office", &[("active", "2017-01-01", None)])
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
    fa.plan("applied", "2019-06-01", &[(yi, "release")]).await;
    fa.plan("approved", "2019-07-01", &[(jia, "early_retirement")])
        .await;
    fa.plan("applied", "2019-08-01", &[(jia, "release")]).await;

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
    let (_t, s) = store(pg).await;
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
    // Every unit's row of the district (one query set for the district) is exactly that
    // unit's own report (queries narrowed to the unit): every section, line and trace.
    for u in &dr.units {
        let own = app
            .report_unit(&admin, u.unit.id, &ReportForm::default())
            .await
            .unwrap();
        assert_eq!(own.figures, u.figures, "{}", u.unit.code);
    }
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

/// A timestamp at 10:00 China time on `s`.
fn at(s: &str) -> chrono::DateTime<Utc> {
    day(s).and_hms_opt(2, 0, 0).unwrap().and_utc()
}

both!(report_work_selection_and_trend);

/// From 2024-01-01 to 2025-06-30 (standard 1,984 hours, tolerance 15 %), hand-computed.
///
/// 骆驼街道: body 党政办 with a chief post P1 (1,984 h) and a general post P2 (1,984 h),
/// both since 2023; body 中心 with a service post P4 (992 h, since 2023, deactivated
/// 2024-06-01) and a general post P3 (3,968 h, created 2024-03-01); a post P5 created
/// 2025-08-01 (after "to") is never counted.
/// Before: posts chief 1, general 1, service 1; need (1984+1984+992)/1984 = 2.50 FTE; staff
/// X on P1, Y and Z on P2 = 3.00 FTE. 党政办: 3.00 > 2.00 × 1.15: 人浮于事; 中心: 0 < 0.5
/// × 0.85: 有事无人干. Loads: X 1984 h, Y and Z 992 h each → FTE 1, 0.5, 0.5: mean 0.67,
/// σ² = 1/18, CV = 0.2357/0.6667 = 0.3536, Gini = 2·4.5/(3·2) − 4/3 = 0.1667.
/// After: Z left on 2024-09-01; W and V on P3 (W from 2024-03-01, V from 2025-01-01);
/// posts chief 1, general 2; need (1984+1984+3968)/1984 = 4.00, staff 4.00; both bodies
/// balanced; loads all 1 FTE: mean 1.00, CV 0, Gini 0.
/// 澥浦镇: U on a 1,984 h post throughout. The district before: FTE 1, 1, 0.5, 0.5: mean
/// 0.75, CV 0.25/0.75 = 0.3333, Gini 2·8.5/(4·3) − 5/4 = 0.1667 — not the units' sum.
/// Campaigns: family 1 published 2024-03-01 (2 seats) and revised 2024-05-01 (3 seats):
/// the revision counts (3 seats); applicants X, Y, Z on v1 and W on v2 = 4, confirmed X
/// and W = 2; 4/3 = 1.33 per post. Family 2 published 2025-08-01 (after) and family 3
/// only approved: not counted. Ballot: a meeting closed 2024-06-01 with items on P1 (a
/// chief post: counts), P2 (general) and none; a meeting closed 2025-07-15 (after) and an
/// open one: not counted → 1 post, 1/3 = 33.33 %.
/// Cost: X 1000, Y 2000, Z 3000 (left 2024-09-01), W 4000 (from 2024-03-01), V 5000
/// (from 2025-01-01); U 700. Points 2024-01-01, 2024-12-31, 2025-06-30: 骆驼 6000, 7000,
/// 12000 (3, 3, 4 staff); the district 6700, 7700, 12700.
async fn report_work_selection_and_trend(pg: bool) {
    let (_t, s) = store(pg).await;
    let ids @ (d, a, b, d2, c) = two_districts(&s).await;
    let [fa, fb, fc] = In::three(&s, ids);
    let office = fa
        .body("党政办", "office", &[("active", "2017-01-01", None)])
        .await;
    let centre = fa
        .body("中心", "centre", &[("active", "2017-01-01", None)])
        .await;
    let xiepu = fb
        .body("澥浦办", "office", &[("active", "2017-01-01", None)])
        .await;
    let other = fc
        .body("北仑办", "office", &[("active", "2017-01-01", None)])
        .await;
    let p1 = fa
        .post(office, "chief", 1984, "2023-01-01", true, "2023-01-01")
        .await;
    let p2 = fa
        .post(office, "general", 1984, "2023-01-01", true, "2023-01-01")
        .await;
    let p3 = fa
        .post(centre, "general", 3968, "2024-03-01", true, "2024-03-01")
        .await;
    fa.post(centre, "service", 992, "2023-01-01", false, "2024-06-01")
        .await;
    let p5 = fa
        .post(office, "deputy", 1984, "2025-08-01", true, "2025-08-01")
        .await;
    let p6 = fb
        .post(xiepu, "general", 1984, "2023-01-01", true, "2023-01-01")
        .await;
    let p7 = fc
        .post(other, "general", 1984, "2023-01-01", true, "2023-01-01")
        .await;
    let on = |_name: &'static str, from: &'static str, u: UnitId, pay: i64| {
        vec![(from, u, "civil_servant", "administrative", "on_post", pay)]
    };
    let x = person(&s, d, "X", &on("X", "2023-01-01", a, 1000)).await;
    let y = person(&s, d, "Y", &on("Y", "2023-01-01", a, 2000)).await;
    let z = person(
        &s,
        d,
        "Z",
        &[
            (
                "2023-01-01",
                a,
                "civil_servant",
                "administrative",
                "on_post",
                3000,
            ),
            (
                "2024-09-01",
                a,
                "civil_servant",
                "administrative",
                "left",
                3000,
            ),
        ],
    )
    .await;
    let w = person(&s, d, "W", &on("W", "2024-03-01", a, 4000)).await;
    let v = person(&s, d, "V", &on("V", "2025-01-01", a, 5000)).await;
    let u_ = person(&s, d, "U", &on("U", "2023-01-01", b, 700)).await;
    let o = person(&s, d2, "O", &on("O", "2023-01-01", c, 999)).await;
    // X and Y are leadership members (班子成员): X holds the chief post P1 (counted), Y a
    // general post (not counted).
    s.db.execute(
        "UPDATE person_events SET leader = TRUE WHERE person_id IN ($1, $2)",
        &[x.into(), y.into()],
    )
    .await
    .unwrap();
    fa.assign(p1, x, 100, "2023-07-01", None).await;
    fa.assign(p2, y, 100, "2023-07-01", None).await;
    fa.assign(p2, z, 100, "2023-07-01", Some("2024-09-01"))
        .await;
    fa.assign(p3, w, 100, "2024-03-01", None).await;
    fa.assign(p3, v, 100, "2025-01-01", None).await;
    fa.assign(p5, x, 50, "2025-08-01", None).await;
    fb.assign(p6, u_, 100, "2023-01-01", None).await;
    fc.assign(p7, o, 100, "2023-01-01", None).await;

    let v1 = fa.campaign(0, 1, office, 2, "applied", "2024-03-01").await;
    let fam: i64 = id(
        &s,
        "SELECT family_id FROM selection_campaigns WHERE id = $1",
        vec![v1.into()],
    )
    .await;
    let v2 = fa
        .campaign(fam, 2, office, 3, "applied", "2024-05-01")
        .await;
    fa.campaign(0, 1, office, 2, "applied", "2025-08-01").await;
    fa.campaign(0, 1, office, 2, "approved", "2024-05-01").await;
    let other_c = fc.campaign(0, 1, other, 2, "applied", "2024-05-01").await;
    fa.apply_to(v1, x, "confirmed").await;
    fa.apply_to(v1, y, "pending").await;
    fa.apply_to(v1, z, "rejected").await;
    fa.apply_to(v2, w, "confirmed").await;
    fc.apply_to(other_c, o, "confirmed").await;
    fa.meeting("closed", "2024-06-01", &[Some(p1), Some(p2), None])
        .await;
    fa.meeting("closed", "2025-07-15", &[Some(p1)]).await;
    fa.meeting("open", "2024-06-02", &[Some(p1)]).await;
    fc.meeting("closed", "2024-06-01", &[Some(p7)]).await;

    let app = fixtures::app(s.clone());
    let admin = actor(d, None, Role::DistrictAdmin);
    let f = ReportForm {
        from: "2024-01-01".into(),
        to: "2025-06-30".into(),
    };
    let r = app.report_unit(&admin, a, &f).await.unwrap();
    let fig = &r.figures;
    let ba = |sec: &str, label: &str| {
        let l = fig.section(sec).unwrap().line(label).unwrap();
        (l.before, l.after)
    };
    assert_eq!(
        ba("people.leaders", "report.leaders_in_middle"),
        (Some(1), Some(1))
    );
    assert_eq!(ba("work.posts", "report.post.chief"), (Some(1), Some(1)));
    assert_eq!(ba("work.posts", "report.post.deputy"), (Some(0), Some(0)));
    assert_eq!(ba("work.posts", "report.post.general"), (Some(1), Some(2)));
    assert_eq!(ba("work.posts", "report.post.service"), (Some(1), Some(0)));
    let posts_total = fig.section("work.posts").unwrap().total.clone().unwrap();
    assert_eq!((posts_total.before, posts_total.after), (Some(3), Some(3)));
    assert_eq!(ba("work.fte", "report.work.need"), (Some(250), Some(400)));
    assert_eq!(ba("work.fte", "report.work.staff"), (Some(300), Some(400)));
    assert_eq!(ba("work.fte", "report.work.bodies"), (Some(2), Some(2)));
    assert_eq!(
        ba("work.fte", "report.work.overstaffed"),
        (Some(1), Some(0))
    );
    assert_eq!(
        ba("work.fte", "report.work.understaffed"),
        (Some(1), Some(0))
    );
    assert_eq!(ba("work.spread", "report.work.holders"), (Some(3), Some(4)));
    assert_eq!(ba("work.spread", "report.work.mean"), (Some(67), Some(100)));
    assert_eq!(ba("work.spread", "report.work.cv"), (Some(3536), Some(0)));
    assert_eq!(ba("work.spread", "report.work.gini"), (Some(1667), Some(0)));

    // The traces name the bodies the posts module's rule classifies.
    let names = |rows: Vec<jiguan_app::report::TraceRow>| {
        rows.into_iter().map(|r| r.name).collect::<Vec<_>>()
    };
    let (_, _, rows) = app
        .report_trace(&admin, a, "work_bodies", "overstaffed", "before", &f)
        .await
        .unwrap();
    assert_eq!(rows[0].detail, "2.00 / 3.00");
    assert_eq!(names(rows), ["党政办"]);
    let (_, _, rows) = app
        .report_trace(&admin, a, "work_bodies", "understaffed", "before", &f)
        .await
        .unwrap();
    assert_eq!(names(rows), ["中心"]);
    let (_, _, rows) = app
        .report_trace(&admin, a, "work_bodies", "overstaffed", "after", &f)
        .await
        .unwrap();
    assert!(rows.is_empty());

    // Selection.
    let sel = fig.section("selection.campaigns").unwrap();
    assert!(sel.available);
    let after = |k: &str| {
        sel.line(&format!("report.line.selection.{k}"))
            .unwrap()
            .after
    };
    assert_eq!(
        [
            after("campaigns"),
            after("seats"),
            after("applicants"),
            after("confirmed"),
            after("per_post"),
            after("by_ballot"),
            after("ballot_share"),
            after("terms_soon"),
        ],
        [
            Some(1),
            Some(3),
            Some(4),
            Some(2),
            Some(133),
            Some(1),
            Some(3333),
            Some(0)
        ]
    );
    let (_, _, rows) = app
        .report_trace(&admin, a, "campaigns", "campaign", "period", &f)
        .await
        .unwrap();
    assert_eq!(
        (rows.len(), rows[0].id, rows[0].detail.as_str()),
        (1, v2, "v2")
    );
    let (_, _, rows) = app
        .report_trace(&admin, a, "campaigns", "ballot_posts", "period", &f)
        .await
        .unwrap();
    assert_eq!(names(rows), ["事项1"]);

    // The cost trend: the two dates and the year-end between; its ends are the cost
    // before and after.
    let trend: Vec<(String, i64, i64)> = fig
        .trend
        .iter()
        .map(|t| (t.on.to_string(), t.staff, t.cost))
        .collect();
    assert_eq!(
        trend,
        [
            ("2024-01-01".to_string(), 3, 6000),
            ("2024-12-31".to_string(), 3, 7000),
            ("2025-06-30".to_string(), 4, 12000),
        ]
    );
    assert_eq!(fig.headline.cost_before, 6000);
    assert_eq!(fig.headline.cost_after, 12000);

    // The district: the units' rows equal their own reports, the additive lines are sums,
    // the spread is over every person of the district, the ratios are recomputed.
    let dr = app.report_district(&admin, &f).await.unwrap();
    let mine = dr.units.iter().find(|u| u.unit.id == a).unwrap();
    assert_eq!(mine.figures, r.figures);
    let dt = |sec: &str, label: &str| {
        let l = dr.total.section(sec).unwrap().line(label).unwrap();
        (l.before, l.after)
    };
    assert_eq!(dt("work.fte", "report.work.need"), (Some(350), Some(500)));
    assert_eq!(dt("work.spread", "report.work.holders"), (Some(4), Some(5)));
    assert_eq!(dt("work.spread", "report.work.mean"), (Some(75), Some(100)));
    assert_eq!(dt("work.spread", "report.work.cv"), (Some(3333), Some(0)));
    assert_eq!(dt("work.spread", "report.work.gini"), (Some(1667), Some(0)));
    let sel = dr.total.section("selection.campaigns").unwrap();
    assert_eq!(
        sel.line("report.line.selection.per_post").unwrap().after,
        Some(133)
    );
    let xp = dr.units.iter().find(|u| u.unit.id == b).unwrap();
    let xsel = xp.figures.section("selection.campaigns").unwrap();
    assert!(xsel.available);
    assert_eq!(
        xsel.line("report.line.selection.seats").unwrap().after,
        Some(0)
    );
    assert_eq!(
        xsel.line("report.line.selection.per_post").unwrap().after,
        None
    );
    let costs: Vec<i64> = dr.total.trend.iter().map(|t| t.cost).collect();
    assert_eq!(costs, [6700, 7700, 12700]);
    // Every additive line of the district is the sum of the units' lines.
    for (i, sec) in dr.total.sections.iter().enumerate() {
        if matches!(
            sec.id.as_str(),
            "work.spread" | "selection.campaigns" | "down.cost"
        ) {
            continue;
        }
        for (j, l) in sec.lines.iter().enumerate() {
            let sum = |f: fn(&jiguan_domain::report::Line) -> Option<i64>| {
                dr.units
                    .iter()
                    .filter_map(|u| u.figures.sections[i].lines.get(j).and_then(f))
                    .reduce(|x, y| x + y)
            };
            assert_eq!(l.after, sum(|l| l.after), "{} {}", sec.id, l.label);
            assert_eq!(l.before, sum(|l| l.before), "{} {}", sec.id, l.label);
        }
    }
}

/// The demo with a second, half-time holder on some posts (shared posts and loads that
/// differ), for the tests against the old queries.
async fn demo_shared(
    pg: bool,
) -> (
    crate::helpers::TestDb,
    SqlStore,
    jiguan_app::App,
    DistrictId,
) {
    let (t, s) = store(pg).await;
    let (app, d) = fixtures::demo(s.clone()).await.unwrap();
    s.db.execute(
        "INSERT INTO post_assignments (district_id, unit_id, post_id, person_id, share_pct, main, overtime, start_date, end_date, end_reason, created_at, created_by) \
         SELECT a.district_id, a.unit_id, a.post_id, b.person_id, 50, FALSE, FALSE, '2019-06-01', NULL, '', a.created_at, 'test' \
         FROM post_assignments a JOIN post_assignments b ON b.district_id = a.district_id AND b.unit_id = a.unit_id \
         AND b.post_id <> a.post_id AND b.id = a.id + 1 WHERE a.district_id = $1 AND a.id % 3 = 0",
        &[d.0.into()],
    )
    .await
    .unwrap();
    (t, s, app, d)
}

/// The periods the old queries are compared over: the default one (the reform's start to
/// today), a long one, and one day.
async fn three_periods(app: &jiguan_app::App, d: DistrictId) -> [jiguan_domain::report::Period; 3] {
    use jiguan_domain::report::Period;
    [
        app.report_period(d, None, &ReportForm::default())
            .await
            .unwrap(),
        Period {
            from: day("2019-01-01"),
            to: day("2024-06-30"),
        },
        Period {
            from: day("2024-06-30"),
            to: day("2024-06-30"),
        },
    ]
}

both!(report_one_pass_queries_match_the_old_ones);

/// The staff and cost trend (one row per person and point before, now each history row
/// once with the span of points it is the latest on) and the workload spread (one query
/// per date ranking every load before, now both dates in one query ranking the distinct
/// loads) give the figures the old queries gave — kept here as the reference — on the
/// demo (posts of different hours, shared posts, people leaving) and over three periods,
/// for the district and for each unit.
async fn report_one_pass_queries_match_the_old_ones(pg: bool) {
    use jiguan_app::report::ReportStore;
    use jiguan_domain::report::Family;
    use jiguan_domain::report::work::{Moments, trend_dates};
    use std::collections::BTreeMap;

    const OLD_STAFF: &str = "SELECT ev.unit_id, dts.i, CAST(COUNT(*) AS BIGINT), CAST(SUM(ev.cost) AS BIGINT), ev.identity, ev.establishment \
        FROM (SELECT e.person_id, e.unit_id, e.identity, e.establishment, e.status, e.on_date, \
        e.basic_pay + e.allowances + e.social_insurance + e.housing_fund AS cost, \
        LEAD(e.on_date) OVER (PARTITION BY e.person_id ORDER BY e.on_date, e.id) AS nxt \
        FROM person_events e WHERE e.district_id = $1) ev JOIN ({POINTS}) dts ON ev.on_date <= dts.t AND (ev.nxt IS NULL OR ev.nxt > dts.t) \
        WHERE ev.status IN ('on_post', 'lent_out') GROUP BY ev.unit_id, dts.i, ev.identity, ev.establishment";
    const OLD_SPREAD: &str = "WITH a AS (SELECT unit_id, person_id, post_id, share_pct FROM post_assignments \
        WHERE district_id = $1 AND start_date <= $2 AND (end_date IS NULL OR end_date > $2)), \
        s AS (SELECT post_id, CAST(SUM(share_pct) AS DOUBLE PRECISION) AS tot FROM a GROUP BY post_id), \
        h AS (SELECT f.post_id, SUM(f.annual_hours) AS hours FROM post_functions f WHERE f.district_id = $1 GROUP BY f.post_id), \
        l AS (SELECT a.unit_id, a.person_id, SUM(CAST(COALESCE(h.hours, 0) AS DOUBLE PRECISION) * a.share_pct / s.tot) AS x \
        FROM a JOIN s ON s.post_id = a.post_id LEFT JOIN h ON h.post_id = a.post_id GROUP BY a.unit_id, a.person_id) \
        SELECT unit_id, CAST(COUNT(*) AS BIGINT), CAST(SUM(x) AS DOUBLE PRECISION), CAST(SUM(x * x) AS DOUBLE PRECISION), \
        CAST(SUM(i * x) AS DOUBLE PRECISION) FROM (SELECT unit_id, x, ROW_NUMBER() OVER (PARTITION BY unit_id ORDER BY x) AS i FROM l) r \
        GROUP BY unit_id UNION ALL SELECT 0, CAST(COUNT(*) AS BIGINT), CAST(SUM(x) AS DOUBLE PRECISION), CAST(SUM(x * x) AS DOUBLE PRECISION), \
        CAST(SUM(i * x) AS DOUBLE PRECISION) FROM (SELECT x, ROW_NUMBER() OVER (ORDER BY x) AS i FROM l) r0 HAVING COUNT(*) > 0";

    let (_t, s, app, d) = demo_shared(pg).await;
    let units = app.store.report_units(d).await.unwrap();
    let periods = three_periods(&app, d).await;
    for p in periods {
        // Staff and the cost trend: (unit, point) → (n, Σ cost); (unit, moment, identity,
        // establishment) → (n, Σ cost).
        let dates = trend_dates(p);
        let last = dates.len() - 1;
        let points: Vec<String> = (0..dates.len())
            .map(|i| format!("SELECT CAST({i} AS BIGINT) AS i, ${} AS t", i + 2))
            .collect();
        let mut params: Vec<Value> = vec![d.0.into()];
        params.extend(dates.iter().map(|x| Value::from(*x)));
        let mut old_trend: BTreeMap<(i64, i64), (i64, i64)> = BTreeMap::new();
        let mut old_ends: BTreeMap<(i64, &str, String, String), (i64, i64)> = BTreeMap::new();
        for r in
            s.db.fetch_all(
                &OLD_STAFF.replace("{POINTS}", &points.join(" UNION ALL ")),
                &params,
            )
            .await
            .unwrap()
        {
            let (u, i, n, sum): (i64, i64, i64, i64) = (
                r.get(0).unwrap(),
                r.get(1).unwrap(),
                r.get(2).unwrap(),
                r.get(3).unwrap(),
            );
            let e = old_trend.entry((u, i)).or_default();
            *e = (e.0 + n, e.1 + sum);
            for (at, on) in [("before", 0), ("after", last)] {
                if i as usize == on {
                    let k = (u, at, r.get(4).unwrap(), r.get(5).unwrap());
                    let e = old_ends.entry(k).or_default();
                    *e = (e.0 + n, e.1 + sum);
                }
            }
        }
        let mut new_trend = BTreeMap::new();
        let mut new_ends = BTreeMap::new();
        for c in s.report_cells(d, None, Family::Staff, p).await.unwrap() {
            if c.family == Family::CostTrend {
                let e = new_trend
                    .entry((c.unit.0, c.a.parse::<i64>().unwrap()))
                    .or_insert((0, 0));
                *e = (e.0 + c.n, e.1 + c.sum);
            } else {
                let at = if c.at == Moment::Before {
                    "before"
                } else {
                    "after"
                };
                let e = new_ends
                    .entry((c.unit.0, at, c.a.clone(), c.b.clone()))
                    .or_insert((0, 0));
                *e = (e.0 + c.n, e.1 + c.sum);
            }
        }
        assert!(!old_trend.is_empty());
        assert_eq!(new_trend, old_trend, "{p:?}");
        assert_eq!(new_ends, old_ends, "{p:?}");
        // The spread, per unit and for the district (unit 0), on each date.
        let mut old = BTreeMap::new();
        for (at, on) in [(Moment::Before, p.from), (Moment::After, p.to)] {
            for r in
                s.db.fetch_all(OLD_SPREAD, &[d.0.into(), on.into()])
                    .await
                    .unwrap()
            {
                let m = Moments {
                    n: r.get(1).unwrap(),
                    sum: r.get(2).unwrap(),
                    sum_sq: r.get(3).unwrap(),
                    weighted: r.get(4).unwrap(),
                };
                old.insert((r.get::<i64>(0).unwrap(), at), m);
            }
        }
        let mut new = BTreeMap::new();
        for c in s
            .report_cells(d, None, Family::WorkSpread, p)
            .await
            .unwrap()
        {
            new.insert((c.unit.0, c.at), Moments::parse(c.n, &c.detail).unwrap());
        }
        assert!(old.len() > 1, "{p:?}");
        assert_eq!(
            new.keys().collect::<Vec<_>>(),
            old.keys().collect::<Vec<_>>()
        );
        for (k, o) in &old {
            let n = new[k];
            let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * a.abs().max(1.0);
            assert!(
                n.n == o.n
                    && close(n.sum, o.sum)
                    && close(n.sum_sq, o.sum_sq)
                    && close(n.weighted, o.weighted),
                "{k:?}: {n:?} vs {o:?}"
            );
            assert_eq!(
                (n.mean().map(|x| (x * 100.0).round()), n.cv(), n.gini()),
                (o.mean().map(|x| (x * 100.0).round()), o.cv(), o.gini()),
                "{k:?}"
            );
        }
        // A unit's own report reads the same figures as its row of the district.
        for u in &units {
            let own = s
                .report_cells(d, Some(u.id), Family::WorkSpread, p)
                .await
                .unwrap();
            for c in own {
                assert_eq!(
                    Moments::parse(c.n, &c.detail).unwrap().n,
                    new[&(u.id.0, c.at)].n
                );
            }
        }
    }
}

both!(report_pay_spread_of_the_district_is_its_own);

/// 十六、绩效分配差距 of the district on the demo with a second applied run (谢浦镇's, a copy
/// of 骆驼街道's a year later, with every share and the pool halved): the district's pool is the sum of
/// the units' pools, its highest and lowest share are anyone's (not sums of the units'),
/// and each grade's mean is Σ shares ÷ people over the district.
async fn report_pay_spread_of_the_district_is_its_own(pg: bool) {
    let (_t, s) = store(pg).await;
    let (app, d) = fixtures::demo(s.clone()).await.unwrap();
    let admin = actor(d, None, Role::DistrictAdmin);
    let unit_of =
        |code: &str| format!("(SELECT id FROM units WHERE district_id = $1 AND code = '{code}')");
    s.db.execute(
        &format!(
            "INSERT INTO pay_runs (district_id, unit_id, year, status, doc_no, reason, effective, pool_fen, computed_at, created_by, created_at, applied_at) \
             SELECT district_id, {}, year + 1, status, doc_no, reason, effective, pool_fen / 2, computed_at, created_by, created_at, applied_at \
             FROM pay_runs WHERE district_id = $1 AND unit_id = {} AND status = 'applied'",
            unit_of("xiepu"),
            unit_of("luotuo")
        ),
        &[d.0.into()],
    )
    .await
    .unwrap();
    s.db.execute(
        &format!(
            "INSERT INTO pay_lines (run_id, district_id, unit_id, person_id, name, grade, source, post_coef, post_source, months, basic_salary_fen, grade_coef, weight, share_fen, remainder_fen, bonus_fen) \
             SELECT x.id, l.district_id, x.unit_id, l.person_id, l.name, l.grade, l.source, l.post_coef, l.post_source, l.months, l.basic_salary_fen, \
             l.grade_coef, l.weight, l.share_fen / 2, l.remainder_fen, l.bonus_fen FROM pay_lines l \
             JOIN pay_runs r ON r.id = l.run_id AND r.status = 'applied' AND r.unit_id = {} \
             JOIN pay_runs x ON x.district_id = r.district_id AND x.year = r.year + 1 AND x.unit_id = {} WHERE l.district_id = $1",
            unit_of("luotuo"),
            unit_of("xiepu")
        ),
        &[d.0.into()],
    )
    .await
    .unwrap();
    let dr = app
        .report_district(&admin, &ReportForm::default())
        .await
        .unwrap();
    let lines = |f: &jiguan_domain::report::ReportFigures| {
        f.section("pay.spread")
            .unwrap()
            .lines
            .iter()
            .map(|l| l.after)
            .collect::<Vec<_>>()
    };
    let unit = |code: &str| {
        &dr.units
            .iter()
            .find(|u| u.unit.code == code)
            .unwrap()
            .figures
    };
    let (l, x, total) = (
        lines(unit("luotuo")),
        lines(unit("xiepu")),
        lines(&dr.total),
    );
    assert!(l[0].unwrap() > 0 && x[0].unwrap() > 0);
    assert_eq!(total[0], Some(l[0].unwrap() + x[0].unwrap()), "pool");
    assert_eq!(total[1], l[1].max(x[1]), "highest share");
    assert_eq!(
        total[2],
        Some(l[2].unwrap().min(x[2].unwrap())),
        "lowest share"
    );
    assert!(total[1] < Some(l[1].unwrap() + x[1].unwrap()), "not a sum");
    // Each grade's mean over the district's people of that grade.
    for (i, g) in ["excellent", "competent", "basic", "incompetent"]
        .iter()
        .enumerate()
    {
        let r = s
            .db
            .fetch_one(
                "SELECT CAST(COUNT(l.share_fen) AS BIGINT), CAST(COALESCE(SUM(l.share_fen), 0) AS BIGINT) FROM pay_lines l \
                 JOIN pay_runs r ON r.id = l.run_id WHERE l.district_id = $1 AND r.status = 'applied' AND l.grade = $2",
                &[d.0.into(), (*g).into()],
            )
            .await
            .unwrap();
        let (n, sum): (i64, i64) = (r.get(0).unwrap(), r.get(1).unwrap());
        assert_eq!(total[3 + i], (n > 0).then(|| sum / n), "{g}");
    }
    let sec = dr.total.section("pay.spread").unwrap();
    assert_eq!(sec.note.as_deref(), Some("report.note.pay.spread.district"));
}

both!(report_two_date_queries_match_the_old_ones);

/// The posts and the work-by-body families (one query per date before, now both dates in
/// one query) and the leadership members in middle posts (the history of every person
/// before, now only of the people ever in the leadership) give the figures the old
/// queries gave — kept here as the reference — on the demo with posts deactivated
/// between the dates, shared assignments and leaders who hold a middle post for part of
/// the time, over three periods, for the district and for each unit.
async fn report_two_date_queries_match_the_old_ones(pg: bool) {
    use chrono::{NaiveTime, TimeZone};
    use jiguan_app::report::ReportStore;
    use jiguan_domain::report::Family;
    use std::collections::BTreeMap;

    const HOURS: &str = "SELECT f.post_id, SUM(f.annual_hours) AS hours FROM post_functions f WHERE f.district_id = $1 GROUP BY f.post_id";
    let old_posts = format!(
        "SELECT p.unit_id, p.level, CAST(COUNT(*) AS BIGINT), CAST(COALESCE(SUM(h.hours), 0) AS BIGINT) \
         FROM posts p LEFT JOIN ({HOURS}) h ON h.post_id = p.id \
         WHERE p.district_id = $1 AND p.created_at < $2 AND (p.active OR p.updated_at >= $2) GROUP BY p.unit_id, p.level"
    );
    let old_bodies = format!(
        "SELECT x.unit_id, x.body_id, CAST(SUM(x.hours) AS BIGINT), CAST(SUM(x.shares) AS BIGINT) FROM ( \
         SELECT p.unit_id, p.body_id, COALESCE(h.hours, 0) AS hours, 0 AS shares FROM posts p \
         LEFT JOIN ({HOURS}) h ON h.post_id = p.id WHERE p.district_id = $1 AND p.created_at < $3 AND (p.active OR p.updated_at >= $3) \
         UNION ALL \
         SELECT p.unit_id, p.body_id, 0, a.share_pct FROM post_assignments a \
         JOIN posts p ON p.id = a.post_id AND p.district_id = a.district_id \
         WHERE a.district_id = $1 AND a.start_date <= $2 AND (a.end_date IS NULL OR a.end_date > $2)) x GROUP BY x.unit_id, x.body_id"
    );
    const OLD_LEADERS: &str = "SELECT ev.unit_id, dts.i, CAST(COUNT(DISTINCT ev.person_id) AS BIGINT) FROM \
        (SELECT e.person_id, e.unit_id, e.status, e.leader, e.on_date, \
        LEAD(e.on_date) OVER (PARTITION BY e.person_id ORDER BY e.on_date, e.id) AS nxt FROM person_events e WHERE e.district_id = $1) ev \
        JOIN (SELECT CAST(0 AS BIGINT) AS i, $2 AS t UNION ALL SELECT CAST(1 AS BIGINT), $3) dts ON ev.on_date <= dts.t AND (ev.nxt IS NULL OR ev.nxt > dts.t) \
        JOIN post_assignments a ON a.district_id = $1 AND a.person_id = ev.person_id \
        AND a.start_date <= dts.t AND (a.end_date IS NULL OR a.end_date > dts.t) \
        JOIN posts p ON p.id = a.post_id AND p.level IN ('chief', 'deputy') \
        WHERE ev.leader AND ev.status IN ('on_post', 'lent_out') GROUP BY ev.unit_id, dts.i";
    // The start of the next day in China time (a timestamp "on or before" the date).
    let day_end = |on: NaiveDate| {
        let next = on.succ_opt().unwrap().and_time(NaiveTime::MIN);
        jiguan_domain::time::china()
            .from_local_datetime(&next)
            .single()
            .unwrap()
            .with_timezone(&Utc)
    };

    let (_t, s, app, d) = demo_shared(pg).await;
    // Every fifth post deactivated on 2021-06-01 (it counts on the dates before).
    s.db.execute(
        "UPDATE posts SET active = FALSE, updated_at = $2 WHERE district_id = $1 AND id % 5 = 0",
        &[d.0.into(), day_end(day("2021-05-31")).into()],
    )
    .await
    .unwrap();
    // The holders of every other middle post are in the leadership (班子成员) from their
    // first row on; a third of them leave it on 2022-03-01 (a later row, not a leader).
    s.db.execute(
        "UPDATE person_events SET leader = TRUE WHERE district_id = $1 AND person_id IN \
         (SELECT a.person_id FROM post_assignments a JOIN posts p ON p.id = a.post_id \
         WHERE a.district_id = $1 AND p.level IN ('chief', 'deputy') AND a.id % 2 = 0)",
        &[d.0.into()],
    )
    .await
    .unwrap();
    s.db.execute(
        "INSERT INTO person_events (district_id, person_id, on_date, kind, unit_id, host_unit_id, body_id, identity, establishment, post, rank, leader, funding, basic_pay, allowances, social_insurance, housing_fund, status, doc_no, note, created_at, created_by) \
         SELECT e.district_id, e.person_id, '2022-03-01', 'change', e.unit_id, e.host_unit_id, e.body_id, e.identity, e.establishment, e.post, e.rank, FALSE, e.funding, \
         e.basic_pay, e.allowances, e.social_insurance, e.housing_fund, e.status, '', '', e.created_at, 'test' FROM person_events e \
         WHERE e.district_id = $1 AND e.leader AND e.person_id % 3 = 0 AND e.on_date < '2022-03-01' AND NOT EXISTS (SELECT 1 FROM person_events f \
         WHERE f.person_id = e.person_id AND (f.on_date > e.on_date OR (f.on_date = e.on_date AND f.id > e.id)))",
        &[d.0.into()],
    )
    .await
    .unwrap();
    let units = app.store.report_units(d).await.unwrap();
    let periods = three_periods(&app, d).await;
    type Key = (i64, &'static str, String);
    let at_code = |at: Moment| {
        if at == Moment::Before {
            "before"
        } else {
            "after"
        }
    };
    let mut seen = (0, 0, 0);
    for p in periods {
        let mut old: BTreeMap<(Family, Key), (i64, i64)> = BTreeMap::new();
        for (at, on) in [("before", p.from), ("after", p.to)] {
            for r in
                s.db.fetch_all(&old_posts, &[d.0.into(), day_end(on).into()])
                    .await
                    .unwrap()
            {
                let k = (r.get::<i64>(0).unwrap(), at, r.get::<String>(1).unwrap());
                old.insert((Family::Posts, k), (r.get(2).unwrap(), r.get(3).unwrap()));
            }
            for r in
                s.db.fetch_all(&old_bodies, &[d.0.into(), on.into(), day_end(on).into()])
                    .await
                    .unwrap()
            {
                let k = (
                    r.get::<i64>(0).unwrap(),
                    at,
                    r.get::<i64>(1).unwrap().to_string(),
                );
                old.insert(
                    (Family::WorkBodies, k),
                    (r.get(2).unwrap(), r.get(3).unwrap()),
                );
            }
        }
        for r in
            s.db.fetch_all(OLD_LEADERS, &[d.0.into(), p.from.into(), p.to.into()])
                .await
                .unwrap()
        {
            let at = if r.get::<i64>(1).unwrap() == 0 {
                "before"
            } else {
                "after"
            };
            let k = (r.get::<i64>(0).unwrap(), at, String::new());
            old.insert((Family::LeadersInMiddle, k), (r.get(2).unwrap(), 0));
        }
        let cells = |unit: Option<UnitId>| {
            let s = s.clone();
            async move {
                let mut new: BTreeMap<(Family, Key), (i64, i64)> = BTreeMap::new();
                for f in [Family::Posts, Family::WorkBodies, Family::LeadersInMiddle] {
                    for c in s.report_cells(d, unit, f, p).await.unwrap() {
                        new.insert((f, (c.unit.0, at_code(c.at), c.a.clone())), (c.n, c.sum));
                    }
                }
                new
            }
        };
        let new = cells(None).await;
        assert_eq!(new, old, "{p:?}");
        let count = |f: Family| old.keys().filter(|k| k.0 == f).count();
        seen = (
            seen.0 + count(Family::Posts),
            seen.1 + count(Family::WorkBodies),
            seen.2 + count(Family::LeadersInMiddle),
        );
        // A unit's own report reads the same figures as its rows of the district.
        for u in &units {
            let own = cells(Some(u.id)).await;
            let mine: BTreeMap<_, _> = old
                .iter()
                .filter(|(k, _)| k.1.0 == u.id.0)
                .map(|(k, v)| (k.clone(), *v))
                .collect();
            assert_eq!(own, mine, "{p:?} {}", u.name);
        }
    }
    // The fixture is not empty: posts, bodies and leaders in middle posts on some dates.
    assert!(seen.0 > 0 && seen.1 > 0 && seen.2 > 0, "{seen:?}");
}
