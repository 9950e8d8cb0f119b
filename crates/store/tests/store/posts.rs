//! Posts from work (以事定岗): the story, the atomic accept, the seed.

use jiguan_app::App;
use jiguan_app::ports::AuditStore;
use jiguan_domain::auth::Role;
use jiguan_domain::tenancy::{DistrictId, UnitId};
use jiguan_store::SqlStore;

use crate::helpers::*;
use crate::org::org_support;
use crate::people::{people_form, people_on};
use jiguan_testkit::fixtures;
use jiguan_testkit::fixtures::id_number;

// ---- posts ----

both!(posts_story);
both!(posts_accept_is_atomic_and_refuses_stale);

pub(crate) mod posts_support {
    use super::*;
    use jiguan_domain::auth::Actor;
    use jiguan_domain::posts::PostForm;

    pub struct Unit1 {
        pub app: App,
        pub store: SqlStore,
        pub d: DistrictId,
        pub a: UnitId,
        pub b: UnitId,
        pub d2: DistrictId,
        pub ua: Actor,
        pub body: i64,
        pub body2: i64,
        pub items: Vec<i64>,
        /// 甲 乙 丙 (civil servants), 丁 (institution cadre), 戊 (contract worker, 编外).
        pub people: Vec<i64>,
        pub _t: TestDb,
    }

    pub fn post(body: i64, title: &str, level: &str, kind: &str, items: &[(i64, i64)]) -> PostForm {
        PostForm {
            body: body.to_string(),
            title: title.into(),
            level: level.into(),
            establishment: kind.into(),
            functions: items
                .iter()
                .map(|(f, h)| jiguan_domain::posts::ItemHours::new(f.to_string(), h.to_string()))
                .collect(),
            ..PostForm::default()
        }
    }

    pub async fn setup(pg: bool) -> Unit1 {
        use jiguan_domain::org::BodyKind;
        let t = fresh(pg).await;
        let s = SqlStore::open(&t.url).await.unwrap();
        let (d, a, b, d2, _c) = two_districts(&s).await;
        let app = fixtures::app(s.clone());
        let admin = actor(d, None, Role::DistrictAdmin);
        let ua = actor(d, Some(a), Role::UnitAdmin);
        let oa = actor(d, Some(a), Role::UnitAdmin);
        let body = org_support::body(&app, &oa, a, "党政办公室", BodyKind::Office).await;
        let body2 = org_support::body(&app, &oa, a, "社会事务服务中心", BodyKind::Centre).await;
        org_support::item(&app, &oa, a, "F1", &[body]).await;
        org_support::item(&app, &oa, a, "F2", &[body]).await;
        org_support::item(&app, &oa, a, "F3", &[body2]).await;
        let data = app.post_form_data(&ua, a).await.unwrap();
        let items: Vec<i64> = data.functions.iter().map(|f| f.id.0).collect();
        assert_eq!(items.len(), 3);
        app.set_quotas(
            &admin,
            a,
            &pairs(&[("q_administrative", "5"), ("q_institution", "5")]),
        )
        .await
        .unwrap();
        let mut people = Vec::new();
        for (i, (name, identity, kind)) in [
            ("甲", "公务员", "行政编制"),
            ("乙", "公务员", "行政编制"),
            ("丙", "公务员", "行政编制"),
            ("丁", "事业干部", "事业编制"),
            ("戊", "劳动合同制工人", "编外"),
        ]
        .iter()
        .enumerate()
        {
            let mut f = people_form(name, &id_number("19800101", 20 + i as u32), identity, kind);
            f.education = "大学本科".into();
            f.work_start = "2005-07-01".into();
            people.push(
                app.create_person(&ua, a, &f, &people_on(""))
                    .await
                    .unwrap()
                    .0,
            );
        }
        Unit1 {
            app,
            store: s,
            d,
            a,
            b,
            d2,
            ua,
            body: body.0,
            body2: body2.0,
            items,
            people,
            _t: t,
        }
    }

    pub fn assign(
        post: jiguan_domain::posts::PostId,
        person: i64,
        share: i64,
        main: bool,
    ) -> jiguan_app::posts::AssignForm {
        jiguan_app::posts::AssignForm {
            post: post.to_string(),
            person: person.to_string(),
            share_pct: share.to_string(),
            main: if main { "1" } else { "0" }.into(),
            ..Default::default()
        }
    }

    pub fn codes(e: jiguan_app::AppError) -> Vec<String> {
        match e {
            jiguan_app::AppError::Invalid(v) => v.into_iter().map(|e| e.code).collect(),
            other => panic!("{other:?}"),
        }
    }
}

/// Posts end to end: the form, workloads and FTE, need versus establishment, every
/// assignment rule through the use case, coverage, balance, history, the district report,
/// audit rows and tenant scoping.
async fn posts_story(pg: bool) {
    use jiguan_app::AppError;
    use jiguan_app::posts::{EndForm, PostsStore};
    use jiguan_domain::posts::workload::Staffing;
    use posts_support::*;
    use rust_decimal::Decimal;
    let u = setup(pg).await;
    let (app, ua, a) = (&u.app, &u.ua, u.a);
    let i = &u.items;
    // Every field error at once.
    let bad = jiguan_domain::posts::PostForm {
        body: "999999".into(),
        functions: vec![jiguan_domain::posts::ItemHours::new("999999", "x")],
        ..Default::default()
    };
    let e = codes(app.create_post(ua, a, &bad).await.unwrap_err());
    assert!(e.len() >= 4, "{e:?}");
    let audit0 = u.store.audit_count().await.unwrap();
    // 因事定岗: chief 1984 h (F1), general 992 + 992 h (F1, F2), a general "any" post
    // 2976 h (F2), and an institution post in the centre 496 h (F3).
    let chief = app
        .create_post(
            ua,
            a,
            &post(u.body, "主任", "chief", "administrative", &[(i[0], 1984)]),
        )
        .await
        .unwrap();
    let general = app
        .create_post(
            ua,
            a,
            &post(
                u.body,
                "综合文字",
                "general",
                "administrative",
                &[(i[0], 992), (i[1], 992)],
            ),
        )
        .await
        .unwrap();
    let any = app
        .create_post(
            ua,
            a,
            &post(u.body, "档案管理", "general", "any", &[(i[1], 2976)]),
        )
        .await
        .unwrap();
    let centre = app
        .create_post(
            ua,
            a,
            &post(u.body2, "社会救助", "deputy", "institution", &[(i[2], 496)]),
        )
        .await
        .unwrap();
    assert_eq!(u.store.audit_count().await.unwrap(), audit0 + 4);
    let o = app.posts_overview(ua, a).await.unwrap();
    // Σ hours 1984 + 1984 + 2976 + 496 = 7440 h = 3.75 FTE at 1984 h.
    assert_eq!(o.total_hours, 7440);
    assert_eq!(o.total_need, Decimal::new(375, 2));
    let office = o.bodies.iter().find(|b| b.body_id == u.body).unwrap();
    assert_eq!(office.need.need, Decimal::new(35, 1));
    assert_eq!(office.need.establishment, Some(3));
    assert_eq!(office.need.staffing, Staffing::Understaffed);
    assert_eq!(o.vacant, 4);

    let [jia, yi, bing, ding, wu] = u.people[..] else {
        panic!()
    };
    // Valid assignments: 甲 chief 70 % main + 30 % concurrent 综合文字; 乙 综合文字 main
    // 100 %; 戊 (编外) the "any" post.
    app.assign_post(ua, a, &assign(chief, jia, 70, true))
        .await
        .unwrap();
    app.assign_post(ua, a, &assign(general, jia, 30, false))
        .await
        .unwrap();
    app.assign_post(ua, a, &assign(general, yi, 100, true))
        .await
        .unwrap();
    let wu_any = app
        .assign_post(ua, a, &assign(any, wu, 100, true))
        .await
        .unwrap();
    // Rules, all at once: 丙 would exceed 100 % and take a second main post … first a main.
    app.assign_post(ua, a, &assign(any, bing, 60, true))
        .await
        .unwrap();
    let e = codes(
        app.assign_post(ua, a, &assign(general, bing, 50, true))
            .await
            .unwrap_err(),
    );
    assert_eq!(e, vec!["post_shares_over", "post_main_taken"]);
    // Overtime lifts the 100 % limit.
    let mut f = assign(general, bing, 50, false);
    f.overtime = "1".into();
    app.assign_post(ua, a, &f).await.unwrap();
    // Kind: an institution cadre on an administrative post; 编外 on an institution post.
    assert_eq!(
        codes(
            app.assign_post(ua, a, &assign(general, ding, 10, false))
                .await
                .unwrap_err()
        ),
        vec!["post_kind_mismatch"]
    );
    assert_eq!(
        codes(
            app.assign_post(ua, a, &assign(centre, wu, 10, false))
                .await
                .unwrap_err()
        ),
        vec!["post_shares_over", "post_kind_mismatch"]
    );
    // One chief per body; duplicates.
    assert_eq!(
        codes(
            app.assign_post(ua, a, &assign(chief, yi, 10, false))
                .await
                .unwrap_err()
        ),
        vec!["post_shares_over", "post_chief_taken"]
    );
    assert_eq!(
        codes(
            app.assign_post(ua, a, &assign(chief, jia, 10, false))
                .await
                .unwrap_err()
        ),
        vec!["post_duplicate", "post_shares_over"]
    );
    // Qualifications: the centre post asks for a master's degree and 30 years.
    let mut pf = post(u.body2, "社会救助", "deputy", "institution", &[(i[2], 496)]);
    pf.min_education = "硕士".into();
    pf.min_service_years = "30".into();
    app.update_post(ua, a, centre, &pf).await.unwrap();
    assert_eq!(
        codes(
            app.assign_post(ua, a, &assign(centre, ding, 50, true))
                .await
                .unwrap_err()
        ),
        vec!["post_education_low", "post_service_short"]
    );
    pf.min_education = "本科".into();
    pf.min_service_years = "10".into();
    app.update_post(ua, a, centre, &pf).await.unwrap();
    app.assign_post(ua, a, &assign(centre, ding, 50, true))
        .await
        .unwrap();
    // Parse errors all at once.
    let e = codes(
        app.assign_post(
            ua,
            a,
            &jiguan_app::posts::AssignForm {
                post: "x".into(),
                share_pct: "".into(),
                main: "maybe".into(),
                on: "2999-01-01".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap_err(),
    );
    assert_eq!(
        e,
        vec![
            "integer_invalid",
            "required",
            "required",
            "choice_invalid",
            "date_future"
        ]
    );

    // Coverage: every post held now; nobody idle.
    let c = app.posts_coverage(ua, a).await.unwrap();
    assert!(c.vacant.is_empty());
    assert!(c.idle.is_empty());
    // End 戊's assignment: 戊 idle, the "any" post still held by 丙.
    app.end_assignment(
        ua,
        a,
        wu_any,
        &EndForm {
            on: String::new(),
            reason: "调整".into(),
        },
    )
    .await
    .unwrap();
    let c = app.posts_coverage(ua, a).await.unwrap();
    assert_eq!(c.idle.iter().map(|p| p.id).collect::<Vec<_>>(), vec![wu]);
    assert!(
        app.end_assignment(ua, a, wu_any, &EndForm::default())
            .await
            .is_err()
    );
    // Deactivating the centre post ends 丁's assignment: the post leaves the vacant list
    // (inactive), 丁 becomes idle.
    app.set_post_active(ua, a, centre, false).await.unwrap();
    let c = app.posts_coverage(ua, a).await.unwrap();
    assert_eq!(
        c.idle.iter().map(|p| p.id).collect::<Vec<_>>(),
        vec![ding, wu]
    );
    assert!(c.vacant.is_empty());
    let page = app.post_page(ua, a, centre).await.unwrap();
    assert!(page.row.holders.is_empty());
    assert_eq!(page.history.len(), 1);
    assert!(page.history[0].0.end_date.is_some());

    // Balance: 甲 1984×70/70 + 1984×30/(30+100+50) = 1984 + 330.67; 乙 1984×100/180
    // = 1102.2; 丙 2976 + 1984×50/180 = 3527.1 h.
    let b = app.posts_balance(ua, a).await.unwrap();
    let load = |p: i64| {
        b.rows
            .iter()
            .find(|r| r.load.person_id == p)
            .unwrap()
            .load
            .hours
    };
    assert_eq!(load(jia).round_dp(2), Decimal::new(231467, 2));
    assert_eq!(load(yi).round_dp(2), Decimal::new(110222, 2));
    assert_eq!(load(bing).round_dp(2), Decimal::new(352711, 2));
    assert_eq!(b.balance.figures.n, 3);
    // 丙 at 3527.1 ÷ 1984 = 1.78 FTE is overloaded; 乙 at 1102.2 ÷ 1984 = 0.56 underloaded.
    assert_eq!(b.balance.overloaded, vec![bing]);
    assert_eq!(b.balance.underloaded, vec![yi]);
    // 乙 already gives 100 % of their time to posts: no share can move to them.
    assert!(b.proposals.is_empty());

    // Person page and history.
    let pp = app
        .person_posts(ua, a, jiguan_domain::people::PersonId(jia))
        .await
        .unwrap();
    assert_eq!(pp.history.len(), 2);
    assert!(pp.load.is_some());

    // District report: unit a has 3 active posts, 6944 h.
    let admin = actor(u.d, None, Role::DistrictAdmin);
    let r = app.posts_district(&admin).await.unwrap();
    let la = r.lines.iter().find(|l| l.unit.id == a).unwrap();
    assert_eq!(
        (la.posts, la.hours, la.staff, la.establishment),
        (3, 6944, 5, 10)
    );
    assert_eq!(la.assigned, Decimal::new(310, 2));
    assert!(la.cost.0 > 0);
    assert_eq!(r.total.hours, 6944);

    // Tenant scoping: unit b's administrator, another district's, a staff member.
    let ub = actor(u.d, Some(u.b), Role::UnitAdmin);
    assert!(matches!(
        app.posts_overview(&ub, a).await,
        Err(AppError::NotFound)
    ));
    assert!(matches!(
        app.post_page(&ub, u.b, chief).await,
        Err(AppError::NotFound)
    ));
    let other = actor(u.d2, None, Role::DistrictAdmin);
    assert!(matches!(
        app.posts_overview(&other, a).await,
        Err(AppError::NotFound)
    ));
    assert!(
        app.posts_district(&other)
            .await
            .unwrap()
            .lines
            .iter()
            .all(|l| l.posts == 0)
    );
    let staff = actor(u.d, Some(a), Role::Staff);
    assert!(matches!(
        app.assign_post(&staff, a, &assign(general, wu, 10, false))
            .await,
        Err(AppError::Forbidden)
    ));
    // The store itself never crosses units.
    assert!(u.store.get_post(u.d, u.b, chief).await.unwrap().is_none());
    assert!(
        u.store
            .open_assignments(u.d2, None)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(u.store.list_posts(u.d, u.b).await.unwrap().is_empty());
}

/// Accepting proposals writes every change in one transaction; a stale proposal is
/// refused and nothing changes.
async fn posts_accept_is_atomic_and_refuses_stale(pg: bool) {
    use jiguan_app::posts::PostsStore;
    use posts_support::*;
    let u = setup(pg).await;
    let (app, ua, a) = (&u.app, &u.ua, u.a);
    let i = &u.items;
    // 甲 holds two heavy posts (3968 h main + 1984 h concurrent), 乙 a light one (496 h).
    let heavy = app
        .create_post(
            ua,
            a,
            &post(u.body, "重岗", "general", "any", &[(i[0], 3968)]),
        )
        .await
        .unwrap();
    let side = app
        .create_post(
            ua,
            a,
            &post(u.body, "兼岗", "general", "any", &[(i[1], 1984)]),
        )
        .await
        .unwrap();
    let light = app
        .create_post(
            ua,
            a,
            &post(u.body, "轻岗", "general", "any", &[(i[1], 496)]),
        )
        .await
        .unwrap();
    let [jia, yi, ..] = u.people[..] else {
        panic!()
    };
    app.assign_post(ua, a, &assign(heavy, jia, 60, true))
        .await
        .unwrap();
    app.assign_post(ua, a, &assign(side, jia, 40, false))
        .await
        .unwrap();
    app.assign_post(ua, a, &assign(light, yi, 50, true))
        .await
        .unwrap();
    let b = app.posts_balance(ua, a).await.unwrap();
    assert!(!b.proposals.is_empty());
    let before_var = b.balance.figures.variance;
    let open_before = u.store.open_assignments(u.d, Some(a)).await.unwrap();
    let audit = u.store.audit_count().await.unwrap();
    // A forged or changed key is refused: nothing written.
    let mut stale = b.keys[0].clone();
    stale = stale.replacen(":", ":9", 1);
    assert!(app.accept_proposals(ua, a, &stale).await.is_err());
    let e = codes(
        app.accept_proposals(ua, a, &format!("{};{}", b.keys[0], b.keys[0]))
            .await
            .unwrap_err(),
    );
    assert_eq!(e, vec!["post_proposal_stale"]);
    assert_eq!(
        u.store.open_assignments(u.d, Some(a)).await.unwrap(),
        open_before
    );
    assert_eq!(u.store.audit_count().await.unwrap(), audit);
    // Accept all: the variance falls, every proposal has its audit row.
    let n = app.accept_proposals(ua, a, &b.all_keys).await.unwrap();
    assert_eq!(n, b.proposals.len());
    assert_eq!(u.store.audit_count().await.unwrap(), audit + n as i64);
    let after = app.posts_balance(ua, a).await.unwrap();
    assert!(after.balance.figures.variance < before_var);
    // The accepted keys are now stale.
    let e = codes(app.accept_proposals(ua, a, &b.keys[0]).await.unwrap_err());
    assert_eq!(e, vec!["post_proposal_stale"]);
    // History kept: ended rows remain.
    let hist = u
        .store
        .assignment_history(u.d, a, jiguan_app::posts::HistoryOf::Person(jia))
        .await
        .unwrap();
    assert!(hist.iter().any(|h| h.end_date.is_some()));
}

both!(posts_demo_matches_the_seed);

/// The demo: 骆驼街道's posts need exactly 79 FTE; every body has posts and one chief;
/// concurrent posts exist; temporary workers and enterprise hires (and only they) have no
/// post; the balance shows spread and a useful suggestion; no rule is broken.
async fn posts_demo_matches_the_seed(pg: bool) {
    use jiguan_app::people::{PeopleFilter, PeopleStore};
    use jiguan_app::posts::PostsStore;
    use jiguan_domain::people::Identity;
    use jiguan_domain::posts::PostLevel;
    use rust_decimal::Decimal;
    let t = fresh(pg).await;
    let s = SqlStore::open(&t.url).await.unwrap();
    let (app, d) = fixtures::demo(s.clone()).await.unwrap();
    let admin = actor(d, None, Role::DistrictAdmin);
    let luotuo = app
        .visible_units(&admin)
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.code == "luotuo")
        .unwrap();
    let o = app.posts_overview(&admin, luotuo.id).await.unwrap();
    assert_eq!(o.total_hours, 79 * 1984);
    assert_eq!(o.total_need, Decimal::from(79));
    let active: Vec<_> = o.bodies.iter().filter(|b| b.active).collect();
    assert_eq!(active.len(), 21);
    for b in &active {
        assert!(!b.posts.is_empty(), "{} has no post", b.name);
        let chiefs: Vec<_> = b
            .posts
            .iter()
            .filter(|p| p.post.level == PostLevel::Chief)
            .collect();
        assert_eq!(chiefs.len(), 1, "{}", b.name);
        assert_eq!(chiefs[0].holders.len(), 1, "{}", b.name);
    }
    let concurrent = o
        .bodies
        .iter()
        .flat_map(|b| &b.posts)
        .flat_map(|p| &p.holders)
        .filter(|h| !h.assignment.main)
        .count();
    assert!(concurrent >= 5, "{concurrent}");
    // 人人有事做: the 6 temporary workers and 4 enterprise hires, and the people the
    // demo's two-way round left unplaced (each with a route), nobody else.
    let rounds = jiguan_app::twoway::TwowayStore::tw_rounds(&s, d, Some(luotuo.id))
        .await
        .unwrap();
    let done = rounds
        .iter()
        .find(|r| r.status == jiguan_domain::workflow::Status::Applied)
        .unwrap();
    let res = done.result().unwrap();
    let unplaced: std::collections::BTreeSet<i64> = res.unplaced().into_iter().collect();
    assert!(unplaced.iter().all(|p| res.routes.contains_key(p)));
    let c = app.posts_coverage(&admin, luotuo.id).await.unwrap();
    assert_eq!(c.idle.len(), 10 + unplaced.len());
    assert!(c.idle.iter().all(|p| {
        matches!(p.identity, Identity::Temporary | Identity::EnterpriseHire)
            || unplaced.contains(&p.id)
    }));
    // 苦乐不均: spread, both lists, and a suggestion that lowers the variance.
    let b = app.posts_balance(&admin, luotuo.id).await.unwrap();
    assert!(!b.balance.overloaded.is_empty() && !b.balance.underloaded.is_empty());
    assert!(
        b.balance.figures.cv.unwrap() > Decimal::new(15, 2),
        "{:?}",
        b.balance.figures
    );
    assert!(!b.proposals.is_empty());
    let p = &b.proposals[0];
    assert!(p.after.figures.variance < p.before.figures.variance);
    // No rule broken in the demo state.
    let posts = s.list_posts(d, luotuo.id).await.unwrap();
    let people = s
        .export_people(
            d,
            &PeopleFilter {
                unit_id: Some(luotuo.id),
                ..PeopleFilter::default()
            },
        )
        .await
        .unwrap();
    let open = s.open_assignments(d, Some(luotuo.id)).await.unwrap();
    let state = jiguan_app::posts::state_of(
        luotuo.id,
        &posts,
        &people,
        &open,
        chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
    );
    assert!(state.violations().is_empty(), "{:?}", state.violations());
    // The district report sees the unit's 79 FTE.
    let r = app.posts_district(&admin).await.unwrap();
    let line = r.lines.iter().find(|l| l.unit.id == luotuo.id).unwrap();
    assert_eq!(line.need, Decimal::from(79));
    assert_eq!(line.staff, 100);
}

both!(posts_balance_figures_from_sql_match_the_posts);

/// The dashboard's workload balance from four integers per open assignment (issue 17) is
/// the balance the domain computes from the unit's posts and open assignments, figure for
/// figure (exact decimals): every unit of the demo, plus shares that split a post's hours
/// into thirds, a post without items, an assignment ended and one on an inactive post.
async fn posts_balance_figures_from_sql_match_the_posts(pg: bool) {
    use jiguan_app::posts::{PostsStore, state_of};
    use jiguan_domain::posts::balance::balance;
    let t = fresh(pg).await;
    let s = SqlStore::open(&t.url).await.unwrap();
    let (app, d) = fixtures::demo(s.clone()).await.unwrap();
    let admin = actor(d, None, Role::DistrictAdmin);
    let units = app.visible_units(&admin).await.unwrap();
    let luotuo = units.iter().find(|u| u.code == "luotuo").unwrap().id;
    // Thirds: two more holders at 33 % on the first two posts held; an ended assignment;
    // a post with no items held at 50 %; an inactive post still held.
    let held: Vec<(i64, i64)> = s
        .db
        .fetch_all(
            "SELECT post_id, person_id FROM post_assignments WHERE district_id = $1 AND unit_id = $2 \
             AND end_date IS NULL ORDER BY id LIMIT 6",
            &[d.0.into(), luotuo.0.into()],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0).unwrap(), r.get(1).unwrap()))
        .collect();
    let add = |post: i64, person: i64, share: i64| {
        let s = s.clone();
        async move {
            s.db.execute(
                "INSERT INTO post_assignments (district_id, unit_id, post_id, person_id, share_pct, main, overtime, start_date, \
                 end_date, end_reason, created_at, created_by) VALUES ($1, $2, $3, $4, $5, FALSE, FALSE, '2026-01-01', NULL, '', $6, 'x')",
                &[d.0.into(), luotuo.0.into(), post.into(), person.into(), share.into(), chrono::Utc::now().into()],
            )
            .await
            .unwrap();
        }
    };
    add(held[0].0, held[2].1, 33).await;
    add(held[0].0, held[3].1, 33).await;
    add(held[1].0, held[4].1, 33).await;
    s.db.execute(
        "UPDATE post_assignments SET end_date = '2026-02-01' WHERE district_id = $1 AND post_id = $2 AND person_id = $3",
        &[d.0.into(), held[5].0.into(), held[5].1.into()],
    )
    .await
    .unwrap();
    s.db.execute(
        "UPDATE posts SET active = FALSE WHERE id = $1",
        &[held[1].0.into()],
    )
    .await
    .unwrap();
    s.db.execute(
        "DELETE FROM post_functions WHERE post_id = $1",
        &[held[2].0.into()],
    )
    .await
    .unwrap();
    for u in &units {
        let ua = actor(d, Some(u.id), Role::UnitAdmin);
        let params = app.posts_params(d, Some(u.id)).await.unwrap();
        let posts = s.list_posts(d, u.id).await.unwrap();
        let open = s.open_assignments(d, Some(u.id)).await.unwrap();
        let state = state_of(u.id, &posts, &[], &open, chrono::NaiveDate::MIN);
        let want = balance(&state, params.standard, params.underload, params.overload);
        let got = app.posts_balance_figures(&ua, u.id).await.unwrap();
        assert_eq!(got, want, "{}", u.name);
        if u.id == luotuo {
            // Non-terminating portions (a third of a post's hours) are in the figures.
            assert!(
                got.loads.iter().any(|l| l.hours.scale() > 10),
                "{:?}",
                got.loads
            );
            assert!(got.figures.n > 50);
        }
    }
}
