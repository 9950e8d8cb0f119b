//! Organisation design (机构设置): bodies, dated history, plans, atomic apply.

use jiguan_app::App;
use jiguan_app::ports::{AuditFilter, ListQuery};
use jiguan_domain::auth::Role;
use jiguan_domain::tenancy::{DistrictId, UnitId};
use jiguan_store::{Db, SqlStore};

use crate::helpers::*;
use crate::people::{people_form, people_on};
use jiguan_app::workflow::SimpleStep;
use jiguan_testkit::fixtures;
use jiguan_testkit::fixtures::id_number;

// ---- Organisation design (机构设置): bodies, dated history, plans, atomic apply. ----

both!(org_story);
both!(org_apply_is_atomic);

pub mod org_support {
    use super::*;
    use jiguan_app::org::{BodyForm, CapsForm, FunctionForm, SplitForm};
    use jiguan_domain::auth::Actor;
    use jiguan_domain::org::plan::PlanOp;
    use jiguan_domain::org::{BodyId, BodyKind, PlanId};

    pub fn date(s: &str) -> chrono::NaiveDate {
        chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    pub async fn body(app: &App, a: &Actor, unit: UnitId, name: &str, kind: BodyKind) -> BodyId {
        app.org_create_body(
            a,
            unit,
            &BodyForm {
                name: name.into(),
                kind: kind.code().into(),
                establishment: "3".into(),
                valid_from: "2018-01-01".into(),
                doc_no: "编〔2018〕1号".into(),
                ..BodyForm::default()
            },
        )
        .await
        .unwrap()
    }

    pub async fn item(app: &App, a: &Actor, unit: UnitId, code: &str, owners: &[BodyId]) {
        app.org_create_function(
            a,
            unit,
            &FunctionForm {
                code: code.into(),
                title: format!("事项{code}"),
                category: "public_service".into(),
                owners: owners.iter().map(|o| o.to_string()).collect(),
                decision: "keep".into(),
                valid_from: "2018-01-01".into(),
                ..FunctionForm::default()
            },
        )
        .await
        .unwrap();
    }

    pub fn caps(b: i64, c: i64, d: i64) -> CapsForm {
        CapsForm {
            max_bodies: b.to_string(),
            max_chiefs: c.to_string(),
            max_deputies: d.to_string(),
            doc_no: "编〔2018〕2号".into(),
            valid_from: "2018-01-01".into(),
        }
    }

    pub fn split(lines: &[(BodyId, i64, i64)]) -> SplitForm {
        SplitForm {
            phase: "2018年度".into(),
            effective: "2018-01-01".into(),
            lines: lines
                .iter()
                .map(|(b, c, d)| (b.to_string(), c.to_string(), d.to_string()))
                .collect(),
        }
    }

    /// A plan with the given operations, submitted and approved.
    pub async fn approved_plan(
        app: &App,
        ua: &Actor,
        da: &Actor,
        unit: UnitId,
        ops: Vec<PlanOp>,
    ) -> PlanId {
        let p = app.org_create_plan(ua, unit, "方案").await.unwrap();
        for op in ops {
            app.org_push_op(ua, unit, p, op).await.unwrap();
        }
        app.org_submit_plan(ua, unit, p).await.unwrap();
        app.step_plan(da, unit, p, SimpleStep::Approve("镇海编〔2019〕12号"))
            .await
            .unwrap();
        p
    }
}

async fn org_app(pg: bool) -> (TestDb, App, DistrictId, UnitId, UnitId, DistrictId, UnitId) {
    let t = fresh(pg).await;
    let s = SqlStore::open(&t.url).await.unwrap();
    let (d1, a, b, d2, c) = two_districts(&s).await;
    let app = fixtures::app(s);
    (t, app, d1, a, b, d2, c)
}

async fn org_story(pg: bool) {
    use jiguan_app::AppError;
    use jiguan_domain::org::plan::{PlanOp, apply};
    use jiguan_domain::org::{BodyId, BodyKind, BodyStatus, PlanStatus};
    use org_support::*;

    let (_t, app, d1, a, b, d2, c) = org_app(pg).await;
    let ua = actor(d1, Some(a), Role::UnitAdmin);
    let da = actor(d1, None, Role::DistrictAdmin);
    let office = body(&app, &ua, a, "党政办", BodyKind::Office).await;
    let njz = body(&app, &ua, a, "农机站", BodyKind::PublicInstitution).await;
    let nkz = body(&app, &ua, a, "农科站", BodyKind::PublicInstitution).await;
    let zls = body(&app, &ua, a, "自来水厂", BodyKind::EnterpriseUnit).await;
    item(&app, &ua, a, "F1", &[njz]).await;
    item(&app, &ua, a, "F2", &[nkz, njz]).await;
    item(&app, &ua, a, "F3", &[]).await;
    // A body of another unit cannot own an item here.
    let other = body(
        &app,
        &actor(d1, Some(b), Role::UnitAdmin),
        b,
        "别的办",
        BodyKind::Office,
    )
    .await;
    let r = app
        .org_create_function(
            &ua,
            a,
            &jiguan_app::org::FunctionForm {
                code: "F9".into(),
                title: "x".into(),
                category: "economic".into(),
                owners: vec![other.to_string()],
                ..Default::default()
            },
        )
        .await;
    assert!(
        matches!(r, Err(AppError::Invalid(ref e)) if e[0].field == "owners"),
        "{r:?}"
    );

    // Totals: the district sets caps; a split over a cap is refused with its numbers.
    assert!(matches!(
        app.org_set_caps(&ua, a, &caps(3, 2, 2)).await,
        Err(AppError::Forbidden)
    ));
    app.org_set_caps(&da, a, &caps(3, 2, 2)).await.unwrap();
    let e = app
        .org_save_split(&ua, a, &split(&[(office, 2, 1), (njz, 1, 1)]))
        .await
        .err();
    match e {
        Some(AppError::Invalid(errs)) => {
            assert_eq!(errs[0].field, "chiefs");
            assert_eq!(errs[0].code, "split_over_cap");
            assert_eq!(
                errs[0].args,
                vec![("sum".into(), "3".into()), ("cap".into(), "2".into())]
            );
        }
        other => panic!("{other:?}"),
    }
    app.org_save_split(&ua, a, &split(&[(office, 1, 1), (njz, 1, 1)]))
        .await
        .unwrap();
    // Re-splitting the phase replaces it.
    app.org_save_split(&ua, a, &split(&[(office, 1, 1), (njz, 1, 0)]))
        .await
        .unwrap();
    let splits = app.store.list_splits(d1, a).await.unwrap();
    assert_eq!(splits.len(), 1);
    assert_eq!(splits[0].split.chiefs(), 2);

    // Analysis: F2 has two owners, F3 none.
    let (_, issues, _) = app
        .org_analysis(&ua, a, Some(date("2018-06-01")))
        .await
        .unwrap();
    let kinds: Vec<&str> = issues.iter().map(|i| i.kind.code()).collect();
    assert_eq!(kinds, vec!["misplacement", "gap"]);

    // A plan: new centre absorbs both stations, the waterworks is converted, F3 is placed.
    let f3 = app
        .store
        .load_structure(d1, a, date("2018-06-01"))
        .await
        .unwrap()
        .functions[2]
        .id;
    let ops = vec![
        PlanOp::Create {
            temp: BodyId(-1),
            name: "农业服务中心".into(),
            short_name: "农服中心".into(),
            kind: BodyKind::Centre,
            parent: None,
            establishment: 4,
        },
        PlanOp::Merge {
            sources: vec![njz, nkz],
            into: BodyId(-1),
        },
        PlanOp::Convert { body: zls },
        PlanOp::MoveFunction {
            item: f3,
            to: Some(office),
        },
    ];
    let p = app.org_create_plan(&ua, a, "改革方案").await.unwrap();
    // Only the district approves, and only a submitted plan.
    for op in ops.clone() {
        app.org_push_op(&ua, a, p, op).await.unwrap();
    }
    assert!(matches!(
        app.step_plan(&da, a, p, SimpleStep::Approve("编〔2019〕1号"))
            .await,
        Err(AppError::Invalid(_))
    ));
    app.org_submit_plan(&ua, a, p).await.unwrap();
    assert!(matches!(
        app.step_plan(&ua, a, p, SimpleStep::Approve("编〔2019〕1号"))
            .await,
        Err(AppError::Forbidden)
    ));
    // A district of elsewhere does not see the plan.
    let foreign = actor(d2, None, Role::DistrictAdmin);
    assert!(matches!(
        app.step_plan(&foreign, a, p, SimpleStep::Approve("x"))
            .await,
        Err(AppError::NotFound)
    ));
    // Rejected with a reason, edited, resubmitted, approved.
    assert!(
        app.step_plan(&da, a, p, SimpleStep::Reject(" "))
            .await
            .is_err()
    );
    app.step_plan(&da, a, p, SimpleStep::Reject("文号缺失"))
        .await
        .unwrap();
    let v = app.org_plan(&ua, a, p).await.unwrap();
    assert_eq!(
        (v.plan.status, v.plan.reason.as_str()),
        (PlanStatus::Rejected, "文号缺失")
    );
    app.org_submit_plan(&ua, a, p).await.unwrap();
    app.step_plan(&da, a, p, SimpleStep::Approve("镇海编〔2019〕3号"))
        .await
        .unwrap();
    assert!(matches!(
        app.org_apply_plan(&ua, a, p, "2019-07-01").await,
        Err(AppError::Forbidden)
    ));

    // Preview equals the applied result.
    let on = date("2019-07-01");
    let before = app.store.load_structure(d1, a, on).await.unwrap();
    let preview = apply(&before, &ops, "镇海编〔2019〕3号").unwrap();
    let ids = app.org_apply_plan(&da, a, p, "2019-07-01").await.unwrap();
    let applied = app.store.load_structure(d1, a, on).await.unwrap();
    assert_eq!(applied.canonical(), preview.canonical());
    let centre = BodyId(ids.iter().find(|(t, _)| *t == -1).unwrap().1);
    let c_body = applied.body(centre).unwrap();
    assert_eq!(c_body.records.len(), 2, "nameplates of both stations kept");
    assert_eq!(c_body.doc_no, "镇海编〔2019〕3号");
    assert_eq!(
        applied.body(njz).unwrap().status,
        BodyStatus::Merged(centre)
    );
    let v = app.org_plan(&ua, a, p).await.unwrap();
    assert_eq!(
        (v.plan.status, v.plan.effective),
        (PlanStatus::Applied, Some(on))
    );
    // Applying twice is refused.
    assert!(app.org_apply_plan(&da, a, p, "2019-07-02").await.is_err());

    // As of a date: before, the day before, and after.
    let old = app
        .store
        .load_structure(d1, a, date("2019-06-30"))
        .await
        .unwrap();
    assert_eq!(old.counts().active, 4);
    assert_eq!(applied.counts().active, 2);
    assert!(
        app.store
            .load_structure(d1, a, date("2017-12-31"))
            .await
            .unwrap()
            .bodies
            .is_empty()
    );
    let on_date = app
        .store
        .list_bodies(d1, a, Some(date("2019-06-30")))
        .await
        .unwrap();
    assert!(on_date.iter().all(|b| b.status == BodyStatus::Active));
    let now = app.store.list_bodies(d1, a, None).await.unwrap();
    assert_eq!(now.len(), 5);
    assert_eq!(
        now.iter()
            .filter(|b| b.status == BodyStatus::Active)
            .count(),
        2
    );
    let (_, _, cmp) = app
        .org_compare(&ua, a, date("2019-06-30"), on)
        .await
        .unwrap();
    assert_eq!(cmp.removed.len(), 3);
    assert_eq!(cmp.added.len(), 1);
    // The body's history has both versions; the split in force names merged bodies.
    let (_, hist) = app.org_body(&ua, a, njz).await.unwrap();
    assert_eq!(hist.len(), 2);
    assert_eq!(hist[0].valid_to, Some(on));
    assert!(
        jiguan_domain::org::totals::cap_breaches(&applied)
            .iter()
            .any(|b| b.code() == "split_on_inactive")
    );
    // A change dated before the last change is refused.
    let r = app
        .org_edit_body(
            &ua,
            a,
            office,
            &jiguan_app::org::BodyForm {
                name: "党政综合办".into(),
                kind: "office".into(),
                valid_from: "2019-01-01".into(),
                ..Default::default()
            },
        )
        .await;
    assert!(matches!(r, Err(AppError::Invalid(ref e)) if e[0].code == "org_before_last_change"));

    // Tenant scoping: unit b and district 2 see nothing of unit a.
    assert!(app.store.list_bodies(d1, b, None).await.unwrap().len() == 1);
    assert!(app.store.list_bodies(d2, a, None).await.unwrap().is_empty());
    assert!(app.store.body_history(d1, b, njz).await.unwrap().is_empty());
    assert!(app.store.get_plan(d1, b, p).await.unwrap().is_none());
    assert!(app.store.get_plan(d2, a, p).await.unwrap().is_none());
    let ub = actor(d1, Some(b), Role::UnitAdmin);
    assert!(matches!(
        app.org_body(&ub, a, njz).await,
        Err(AppError::NotFound)
    ));
    assert!(matches!(
        app.org_body(&ub, b, njz).await,
        Err(AppError::NotFound)
    ));
    assert!(
        app.store
            .load_structure(d2, c, on)
            .await
            .unwrap()
            .bodies
            .is_empty()
    );
    // Every change is in the audit trail.
    let n = app
        .store
        .list_audit(
            d1,
            &AuditFilter {
                object_type: Some("reorg_plan".into()),
                ..Default::default()
            },
            &ListQuery::default(),
        )
        .await
        .unwrap()
        .total;
    assert!(n >= 9, "{n}");
}

async fn org_apply_is_atomic(pg: bool) {
    use jiguan_domain::org::plan::PlanOp;
    use jiguan_domain::org::{BodyId, BodyKind, PlanStatus};
    use org_support::*;

    let (_t, app, d1, a, ..) = org_app(pg).await;
    let ua = actor(d1, Some(a), Role::UnitAdmin);
    let da = actor(d1, None, Role::DistrictAdmin);
    let x = body(&app, &ua, a, "甲站", BodyKind::PublicInstitution).await;
    let y = body(&app, &ua, a, "乙站", BodyKind::PublicInstitution).await;
    let z = body(&app, &ua, a, "丙厂", BodyKind::EnterpriseUnit).await;
    item(&app, &ua, a, "F1", &[x]).await;
    // Inject a failure: writing a body version named BOOM fails inside the database.
    let plan = approved_plan(
        &app,
        &ua,
        &da,
        a,
        vec![
            PlanOp::Convert { body: z },
            PlanOp::Merge {
                sources: vec![x],
                into: y,
            },
            PlanOp::Create {
                temp: BodyId(-1),
                name: "BOOM".into(),
                short_name: String::new(),
                kind: BodyKind::Centre,
                parent: None,
                establishment: 0,
            },
        ],
    )
    .await;
    let db = Db::connect(&_t.url).await.unwrap();
    if pg {
        db.execute(
            "CREATE FUNCTION boom() RETURNS trigger AS $$ BEGIN IF NEW.name = 'BOOM' THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql",
            &[],
        )
        .await
        .unwrap();
        db.execute(
            "CREATE TRIGGER boom BEFORE INSERT ON body_versions FOR EACH ROW EXECUTE FUNCTION boom()",
            &[],
        )
        .await
        .unwrap();
    } else {
        db.execute(
            "CREATE TRIGGER boom BEFORE INSERT ON body_versions WHEN NEW.name = 'BOOM' BEGIN SELECT RAISE(ABORT, 'injected failure'); END",
            &[],
        )
        .await
        .unwrap();
    }
    let on = date("2019-07-01");
    let before = app
        .store
        .load_structure(d1, a, on)
        .await
        .unwrap()
        .canonical();
    let audit_before = app.store.audit_count().await.unwrap();
    let rev_before = app.store.revision(d1, a).await.unwrap();
    let r = app.org_apply_plan(&da, a, plan, "2019-07-01").await;
    assert!(r.is_err(), "the injected failure must surface");
    // Nothing was applied: bodies, versions, items, plan status, revision, audit.
    assert_eq!(
        app.store
            .load_structure(d1, a, on)
            .await
            .unwrap()
            .canonical(),
        before
    );
    assert_eq!(app.store.list_bodies(d1, a, None).await.unwrap().len(), 3);
    assert_eq!(app.store.audit_count().await.unwrap(), audit_before);
    assert_eq!(app.store.revision(d1, a).await.unwrap(), rev_before);
    let p = app.store.get_plan(d1, a, plan).await.unwrap().unwrap();
    assert_eq!((p.status, p.effective), (PlanStatus::Approved, None));
    // Without the fault the same plan applies.
    db.execute("DROP TRIGGER boom", &[]).await.ok();
    db.execute("DROP TRIGGER boom ON body_versions", &[])
        .await
        .ok();
    app.org_apply_plan(&da, a, plan, "2019-07-01")
        .await
        .unwrap();
    assert_eq!(
        app.store
            .load_structure(d1, a, on)
            .await
            .unwrap()
            .counts()
            .active,
        2
    );
}

both!(org_demo_matches_the_seed);

async fn org_demo_matches_the_seed(pg: bool) {
    use jiguan_domain::org::BodyKind;
    let t = fresh(pg).await;
    let s = SqlStore::open(&t.url).await.unwrap();
    let (app, d) = fixtures::demo(s).await.unwrap();
    let admin = actor(d, None, Role::DistrictAdmin);
    let mut cut = 0;
    for u in app.visible_units(&admin).await.unwrap() {
        let plans = app.org_plans(&admin, u.id).await.unwrap();
        let v = app.org_plan(&admin, u.id, plans[0].id).await.unwrap();
        let c = v.comparison.unwrap();
        cut += c.a.counts.active - c.b.counts.active;
        if u.code == "luotuo" {
            // 1 office, 1 institute, 5 sections, 12 stations, 2 enterprises: 21 bodies.
            let k = |k| c.a.kind_count(k);
            assert_eq!(c.a.counts.active, 21);
            assert_eq!((k(BodyKind::Office), k(BodyKind::Institute)), (6, 1));
            assert!(k(BodyKind::PublicInstitution) >= 10);
            // The after is built on centres and fixes every function issue.
            assert_eq!(c.b.kind_count(BodyKind::Centre), 4);
            assert!(c.a.issues.iter().map(|(_, n)| n).sum::<i64>() >= 6);
            assert!(v.issues_after.is_empty(), "{:?}", v.issues_after);
            assert_eq!(v.plan.status, jiguan_domain::org::PlanStatus::Draft);
            assert!(c.a.breaches.iter().any(|b| b.code() == "bodies"));
            assert!(!c.b.breaches.iter().any(|b| b.code() == "bodies"));
        } else {
            assert_eq!(v.plan.status, jiguan_domain::org::PlanStatus::Applied);
        }
    }
    assert_eq!(cut, jiguan_app::org::demo::CUT);
}

both!(org_plan_moves_staff);

/// A plan's staff moves: people of a merged body follow its successor, people of an
/// abolished body go to the redeployment pool (统一调剂), each with a dated history row;
/// what the preview lists is what the apply writes, and the chart's headcount follows.
async fn org_plan_moves_staff(pg: bool) {
    use jiguan_domain::org::BodyKind;
    use jiguan_domain::org::plan::PlanOp;
    use jiguan_domain::people::EventKind;
    use org_support::*;

    let (_t, app, d1, a, _b, _d2, _c) = org_app(pg).await;
    let ua = actor(d1, Some(a), Role::UnitAdmin);
    let da = actor(d1, None, Role::DistrictAdmin);
    let nj = body(&app, &ua, a, "农机站", BodyKind::PublicInstitution).await;
    let nk = body(&app, &ua, a, "农科站", BodyKind::PublicInstitution).await;
    let hw = body(&app, &ua, a, "环卫所", BodyKind::PublicInstitution).await;
    let centre = body(&app, &ua, a, "农业服务中心", BodyKind::Centre).await;
    let on = people_on("2020-01-01");
    let mut ids = Vec::new();
    for (i, (name, b)) in [("张一", nj), ("张二", nk), ("张三", hw)]
        .iter()
        .enumerate()
    {
        let mut f = people_form(
            name,
            &id_number("19800101", 40 + i as u32),
            "临时工",
            "编外",
        );
        f.body = b.to_string();
        ids.push(app.create_person(&ua, a, &f, &on).await.unwrap());
    }
    let plan = approved_plan(
        &app,
        &ua,
        &da,
        a,
        vec![
            PlanOp::Merge {
                sources: vec![nj, nk],
                into: centre,
            },
            PlanOp::Abolish { body: hw },
        ],
    )
    .await;
    let v = app.org_plan(&ua, a, plan).await.unwrap();
    assert!(v.staff_problems.is_empty(), "{:?}", v.staff_problems);
    let preview: Vec<(i64, Option<i64>)> = v
        .staff
        .iter()
        .map(|m| (m.person_id, m.to.map(|b| b.0)))
        .collect();
    assert_eq!(
        preview,
        vec![
            (i64::from(ids[0]), Some(centre.0)),
            (i64::from(ids[1]), Some(centre.0)),
            (i64::from(ids[2]), None)
        ]
    );
    let count = |b: Option<i64>| {
        v.staff_counts
            .iter()
            .find(|c| c.body.map(|x| x.0) == b)
            .map(|c| (c.before, c.after))
    };
    assert_eq!(count(Some(centre.0)), Some((0, 2)));
    assert_eq!(count(Some(hw.0)), Some((1, 0)));
    assert_eq!(count(None), Some((0, 1)));

    app.org_apply_plan(&da, a, plan, "2020-06-01")
        .await
        .unwrap();
    // Preview == applied.
    for (id, to) in &preview {
        let p = app
            .store
            .get_person(d1, jiguan_domain::people::PersonId(*id))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(p.body_id, *to, "{}", p.name);
        let h = app
            .store
            .person_history(d1, jiguan_domain::people::PersonId(*id))
            .await
            .unwrap();
        let last = h.last().unwrap();
        assert_eq!(last.kind, EventKind::Move);
        assert_eq!(last.on_date, date("2020-06-01"));
        assert_eq!(last.body_id, *to);
        if to.is_none() {
            assert!(last.note.contains("统一调剂"), "{}", last.note);
        }
        assert_eq!(last.doc_no, "镇海编〔2019〕12号");
    }
    // The chart's headcount on either side of the effective date.
    let before = app.org_headcount(&ua, a, date("2020-05-31")).await.unwrap();
    assert!(before.contains(&(nj, 1)) && before.contains(&(hw, 1)));
    assert!(!before.iter().any(|(b, _)| *b == centre));
    let after = app.org_headcount(&ua, a, date("2020-06-01")).await.unwrap();
    assert_eq!(after, vec![(centre, 2)]);
    // The apply is audited with its staff moves.
    let f = AuditFilter {
        object_type: Some("reorg_plan".into()),
        ..Default::default()
    };
    let log = app
        .store
        .list_audit(d1, &f, &ListQuery::default())
        .await
        .unwrap();
    let applied = log
        .items
        .iter()
        .find(|r| r.action == "org.plan.apply")
        .unwrap();
    assert!(applied.after.as_deref().unwrap_or("").contains("张三"));
}

// ---------------------------------------------------------------------------------------
// Issue 11 (module kit), build points 3 and 4: the app's clock is the time of every stored
// write and of its audit row; the store never reads the wall clock.
// ---------------------------------------------------------------------------------------

both!(stored_times_come_from_the_app_clock);

/// A clock set to 2030: the plan's created/decided/applied times, the body a change
/// creates and every audit row carry the clock's times.
async fn stored_times_come_from_the_app_clock(pg: bool) {
    use chrono::{DateTime, Duration, Utc};
    use jiguan_app::ManualClock;
    use jiguan_domain::org::BodyKind;
    use jiguan_domain::org::plan::PlanOp;
    use org_support::*;

    let t = fresh(pg).await;
    let s = SqlStore::open(&t.url).await.unwrap();
    let (d1, a, _b, _d2, _c) = two_districts(&s).await;
    let start = DateTime::parse_from_rfc3339("2030-06-01T08:00:00Z")
        .unwrap()
        .with_timezone(&Utc);
    let h = |n: i64| start + Duration::hours(n);
    let clock = std::sync::Arc::new(ManualClock::new(start));
    let app = App::new(
        std::sync::Arc::new(s.clone()),
        jiguan_app::AppConfig::for_tests(),
        clock.clone(),
    );
    let ua = actor(d1, Some(a), Role::UnitAdmin);
    let da = actor(d1, None, Role::DistrictAdmin);
    let last: i64 =
        s.db.fetch_one("SELECT COALESCE(MAX(id), 0) FROM audit_log", &[])
            .await
            .unwrap()
            .get(0)
            .unwrap();

    let office = body(&app, &ua, a, "党政办", BodyKind::Office).await;
    clock.advance(Duration::hours(1));
    let p = app.org_create_plan(&ua, a, "方案").await.unwrap();
    let op = PlanOp::Rename {
        body: office,
        name: "党政综合办".into(),
        short_name: String::new(),
    };
    app.org_push_op(&ua, a, p, op).await.unwrap();
    clock.advance(Duration::hours(1));
    app.org_submit_plan(&ua, a, p).await.unwrap();
    clock.advance(Duration::hours(1));
    app.step_plan(&da, a, p, SimpleStep::Approve("编〔2030〕1号"))
        .await
        .unwrap();
    clock.advance(Duration::hours(1));
    app.org_apply_plan(&da, a, p, "2030-07-01").await.unwrap();

    let plan = app.org_plan(&ua, a, p).await.unwrap().plan;
    assert_eq!(plan.created_at, h(1));
    assert_eq!(plan.decided_at, Some(h(3)));
    assert_eq!(plan.applied_at, Some(h(4)));
    let created: DateTime<Utc> =
        s.db.fetch_one(
            "SELECT created_at FROM bodies WHERE id = $1",
            &[office.0.into()],
        )
        .await
        .unwrap()
        .get(0)
        .unwrap();
    assert_eq!(created, start);
    let rows =
        s.db.fetch_all(
            "SELECT action, at_ms FROM audit_log WHERE district_id = $1 AND id > $2 ORDER BY id",
            &[d1.0.into(), last.into()],
        )
        .await
        .unwrap();
    let got: Vec<(String, i64)> = rows
        .iter()
        .map(|r| (r.get(0).unwrap(), r.get(1).unwrap()))
        .collect();
    let want: Vec<(String, i64)> = [
        ("org.body.create", 0),
        ("org.plan.create", 1),
        ("org.plan.op_add", 1),
        ("org.plan.submit", 2),
        ("org.plan.approve", 3),
        ("org.plan.apply", 4),
    ]
    .iter()
    .map(|(a, n)| (a.to_string(), h(*n).timestamp_millis()))
    .collect();
    assert_eq!(got, want);
    assert!(app.verify_audit(|_| {}).await.unwrap().breaks.is_empty());
}
