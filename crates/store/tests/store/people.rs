//! Establishment and people (编制与实名制), and the roster import as a background job.

use std::sync::Arc;

use jiguan_app::people::Importer;
use jiguan_app::ports::{AuditFilter, AuditStore, StoreError};
use jiguan_app::users::system_entry;
use jiguan_domain::auth::Role;
use jiguan_store::SqlStore;

use crate::helpers::*;
use jiguan_testkit::fixtures;
use jiguan_testkit::fixtures::id_number;

// ---- Establishment and people (编制与实名制) ----

both!(people_story);
both!(people_guard_and_import);

pub fn people_form(
    name: &str,
    id: &str,
    identity: &str,
    kind: &str,
) -> jiguan_domain::people::PersonForm {
    jiguan_domain::people::PersonForm {
        name: name.into(),
        id_number: id.into(),
        identity: identity.into(),
        establishment: kind.into(),
        basic_pay: "60000".into(),
        allowances: "30000.50".into(),
        ..Default::default()
    }
}

/// How many people `who` finds in `unit` with no filter, for the query `q`.
async fn people_total(
    app: &jiguan_app::App,
    who: &jiguan_domain::auth::Actor,
    unit: jiguan_domain::tenancy::UnitId,
    q: &jiguan_app::ports::ListQuery,
) -> i64 {
    app.list_people(who, unit, Default::default(), q)
        .await
        .unwrap()
        .total
}

pub fn people_on(on: &str) -> jiguan_app::people::ChangeOpts {
    jiguan_app::people::ChangeOpts {
        on: on.into(),
        ..Default::default()
    }
}

async fn people_story(pg: bool) {
    use jiguan_app::people::{ChangeForm, CostGroup, PeopleFilter, PeopleStore, StatusFilter};
    use jiguan_domain::people::establishment::QuotaKind;
    use jiguan_domain::people::{EventKind, Identity, Status};
    let t = fresh(pg).await;
    let s = SqlStore::open(&t.url).await.unwrap();
    let (d1, a, b, d2, _c) = two_districts(&s).await;
    let app = fixtures::app(s.clone());
    let admin = actor(d1, None, Role::DistrictAdmin);
    let ua = actor(d1, Some(a), Role::UnitAdmin);
    let ub = actor(d1, Some(b), Role::UnitAdmin);
    app.set_quotas(
        &admin,
        a,
        &pairs(&[("q_administrative", "2"), ("q_institution", "1")]),
    )
    .await
    .unwrap();
    // Unit administrators cannot set quotas.
    assert!(matches!(
        app.set_quotas(&ua, a, &pairs(&[("q_administrative", "9")]))
            .await,
        Err(jiguan_app::AppError::Forbidden)
    ));

    let on = people_on("2020-01-01");
    let p1 = app
        .create_person(
            &ua,
            a,
            &people_form("王一", &id_number("19800101", 11), "公务员", "行政编制"),
            &on,
        )
        .await
        .unwrap();
    let p2 = app
        .create_person(
            &ua,
            a,
            &people_form(
                "王二",
                &id_number("19810101", 12),
                "civil_servant",
                "administrative",
            ),
            &on,
        )
        .await
        .unwrap();
    // The third civil servant exceeds 2 approved administrative slots: refused with numbers.
    let f3 = people_form("王三", &id_number("19820101", 13), "公务员", "行政编制");
    let e = app.create_person(&ua, a, &f3, &on).await.err().unwrap();
    let jiguan_app::AppError::Invalid(list) = e else {
        panic!("{e:?}")
    };
    assert_eq!(list[0].code, "establishment_over");
    let args: std::collections::BTreeMap<_, _> = list[0].args.iter().cloned().collect();
    assert_eq!(
        (
            args["approved"].as_str(),
            args["occupied"].as_str(),
            args["after"].as_str()
        ),
        ("2", "2", "3")
    );
    // The same ID number twice is refused.
    let dup = app
        .create_person(
            &ua,
            a,
            &people_form("重复", &id_number("19800101", 11), "临时工", "编外"),
            &on,
        )
        .await;
    assert!(
        matches!(dup, Err(jiguan_app::AppError::Invalid(ref e)) if e[0].code == "person_exists")
    );
    // With an approved exception it goes through and is listed.
    let mut with_doc = on.clone();
    with_doc.exception_doc = "镇编办〔2020〕1号".into();
    let p3 = app.create_person(&ua, a, &f3, &with_doc).await.unwrap();
    let ex = s.list_exceptions(d1, Some(a)).await.unwrap();
    assert_eq!(ex.len(), 1);
    assert_eq!(
        (
            ex[0].person_id,
            ex[0].doc_no.as_str(),
            ex[0].approved,
            ex[0].occupied_after
        ),
        (Some(p3), "镇编办〔2020〕1号", 2, 3)
    );
    for (name, id, identity, establishment) in [
        ("李四", id_number("19900505", 22), "事业干部", "事业编制"),
        ("赵五", id_number("19950505", 31), "临时工", "编外"),
    ] {
        app.create_person(
            &ua,
            a,
            &people_form(name, &id, identity, establishment),
            &on,
        )
        .await
        .unwrap();
    }
    let est = app.unit_establishment(&ua, a).await.unwrap();
    let adm = est
        .uses
        .iter()
        .find(|u| u.kind == QuotaKind::Administrative)
        .unwrap();
    assert_eq!(
        (adm.approved, adm.occupied, adm.over(), adm.vacancy()),
        (2, 3, 1, 0)
    );
    assert_eq!(est.off_establishment, 1);

    // Roster: search, filter, sort, page.
    let all = jiguan_app::ports::ListQuery::default();
    let r = app
        .list_people(&ua, a, PeopleFilter::default(), &all)
        .await
        .unwrap();
    assert_eq!(r.total, 5);
    let by_name = jiguan_app::ports::ListQuery {
        q: Some("王".into()),
        sort: Some("name".into()),
        desc: true,
        per_page: Some(2),
        page: Some(1),
    };
    let r = app
        .list_people(&ua, a, PeopleFilter::default(), &by_name)
        .await
        .unwrap();
    assert_eq!(
        (r.total, r.items.len(), r.items[0].person.name.as_str()),
        // Names sort in pinyin order: wang yi > wang san > wang er, descending.
        (3, 2, "王一")
    );
    let f = PeopleFilter {
        identity: Some(Identity::InstitutionCadre),
        ..Default::default()
    };
    assert_eq!(app.list_people(&ua, a, f, &all).await.unwrap().total, 1);
    // The unit administrator sees full numbers; a body head masked ones.
    let head = actor(d1, Some(a), Role::BodyHead);
    let r = app
        .list_people(&head, a, PeopleFilter::default(), &by_name)
        .await
        .unwrap();
    assert!(r.items.iter().all(|x| x.id_shown.contains("********")));
    let id_q = jiguan_app::ports::ListQuery {
        q: Some(id_number("19800101", 11)),
        ..Default::default()
    };
    assert_eq!(people_total(&app, &ua, a, &id_q).await, 1);
    assert_eq!(people_total(&app, &head, a, &id_q).await, 0);

    // Secondment: shown at home (借出) and at the host (借入), holding the home slot.
    let lend = ChangeForm {
        action: "lend".into(),
        to_unit: b.to_string(),
        opts: people_on("2022-01-01"),
        ..Default::default()
    };
    app.change_person(&ua, a, p1, &lend).await.unwrap();
    let home = app.person_page(&ua, a, p1).await.unwrap();
    assert_eq!(home.row.status_here, Status::LentOut);
    let host = app
        .list_people(&ub, b, PeopleFilter::default(), &all)
        .await
        .unwrap();
    assert_eq!(host.total, 1);
    assert_eq!(
        (host.items[0].person.id, host.items[0].status_here),
        (p1.0, Status::BorrowedIn)
    );
    let hp = app.person_page(&ub, b, p1).await.unwrap();
    assert!(!hp.can_manage);
    assert!(matches!(
        app.change_person(&ub, b, p1, &lend).await,
        Err(jiguan_app::AppError::Forbidden)
    ));
    let adm = app.unit_establishment(&ua, a).await.unwrap().uses[0];
    assert_eq!(adm.occupied, 3);
    let borrowed = PeopleFilter {
        status: Some(StatusFilter::One(Status::BorrowedIn)),
        ..Default::default()
    };
    assert_eq!(
        app.list_people(&ub, b, borrowed, &all).await.unwrap().total,
        1
    );

    // Retirement frees a slot; the history keeps the roster of earlier dates.
    let retire = ChangeForm {
        action: "status".into(),
        status: "retired".into(),
        opts: people_on("2023-01-01"),
        ..Default::default()
    };
    app.change_person(&ua, a, p2, &retire).await.unwrap();
    let early = ChangeForm {
        action: "status".into(),
        status: "left".into(),
        opts: people_on("2022-12-31"),
        ..Default::default()
    };
    let e = app.change_person(&ua, a, p2, &early).await.err().unwrap();
    assert!(matches!(e, jiguan_app::AppError::Invalid(ref l) if l[0].code == "date_before_last"));
    assert_eq!(
        app.unit_establishment(&ua, a).await.unwrap().uses[0].occupied,
        2
    );
    let then = PeopleFilter {
        on: chrono::NaiveDate::from_ymd_opt(2021, 6, 1),
        ..Default::default()
    };
    let r = app.list_people(&ua, a, then, &all).await.unwrap();
    assert_eq!(r.total, 5);
    assert!(r.items.iter().all(|x| x.person.status == Status::OnPost));
    let before_hire = PeopleFilter {
        on: chrono::NaiveDate::from_ymd_opt(2019, 6, 1),
        ..Default::default()
    };
    assert_eq!(
        app.list_people(&ua, a, before_hire, &all)
            .await
            .unwrap()
            .total,
        0
    );
    let now = app
        .list_people(&ua, a, PeopleFilter::default(), &all)
        .await
        .unwrap();
    assert_eq!(now.total, 4);
    let hist = app.person_page(&ua, a, p1).await.unwrap().history;
    assert_eq!(
        hist.iter().map(|e| e.kind).collect::<Vec<_>>(),
        vec![EventKind::Hire, EventKind::Lend]
    );
    assert_eq!(hist[1].host_unit_id, Some(b));

    // Cost on two dates: 5 people in 2021, 4 now (王二 retired).
    let r = app
        .cost_report(
            &ua,
            Some(a),
            chrono::NaiveDate::from_ymd_opt(2021, 1, 1).unwrap(),
            chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
            CostGroup::Identity,
        )
        .await
        .unwrap();
    assert_eq!((r.total.a.headcount, r.total.b.headcount), (5, 4));
    assert_eq!(r.total.a.cost.total().0, 5 * 9_000_050);
    assert_eq!(r.total.cost_change.0, -9_000_050);
    let civil = r.lines.iter().find(|l| l.key == "civil_servant").unwrap();
    assert_eq!((civil.a.headcount, civil.b.headcount), (3, 2));

    // Tenancy: another district sees nothing; sibling units are refused.
    assert!(s.get_person(d2, p1).await.unwrap().is_none());
    let other = actor(d2, None, Role::DistrictAdmin);
    assert!(app.person_page(&other, a, p1).await.is_err());
    assert!(matches!(
        app.person_page(&ub, b, p2).await,
        Err(jiguan_app::AppError::NotFound)
    ));
    assert!(
        app.list_people(&ub, a, PeopleFilter::default(), &all)
            .await
            .is_err()
    );
    let ids: Vec<String> = vec![id_number("19800101", 11)];
    assert!(s.people_by_id_numbers(d2, &ids).await.unwrap().is_empty());
    // Audit rows hold masked numbers only.
    let audit = s
        .list_audit(
            d1,
            &AuditFilter::default(),
            &jiguan_app::ports::ListQuery {
                per_page: Some(200),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let full = id_number("19800101", 11);
    assert!(
        audit
            .items
            .iter()
            .all(|r| !r.after.clone().unwrap_or_default().contains(&full))
    );
    assert!(audit.items.iter().any(|r| r.action == "person.create"));
}

/// A fresh store with two districts in which the district administrator gave unit A one
/// administrative slot: the database (kept alive), the store, the app, district 1, its
/// units A and B, and unit A's administrator.
type OneSlot = (
    TestDb,
    SqlStore,
    jiguan_app::App,
    jiguan_domain::tenancy::DistrictId,
    jiguan_domain::tenancy::UnitId,
    jiguan_domain::tenancy::UnitId,
    jiguan_domain::auth::Actor,
);

async fn one_slot(pg: bool) -> OneSlot {
    let t = fresh(pg).await;
    let s = SqlStore::open(&t.url).await.unwrap();
    let (d1, a, b, ..) = two_districts(&s).await;
    let app = fixtures::app(s.clone());
    let admin = actor(d1, None, Role::DistrictAdmin);
    let ua = actor(d1, Some(a), Role::UnitAdmin);
    app.set_quotas(&admin, a, &[("q_administrative".into(), "1".into())])
        .await
        .unwrap();
    (t, s, app, d1, a, b, ua)
}

async fn people_guard_and_import(pg: bool) {
    use jiguan_app::people::{ImportMode, ImportOptions, ImportTable, PeopleBatch, PeopleStore};
    let (_t, s, app, d1, a, b, ua) = one_slot(pg).await;
    let row = |name: &str, id: &str, identity: &str, kind: &str| -> Vec<String> {
        vec![name.into(), id.into(), identity.into(), kind.into()]
    };
    let table = ImportTable {
        headers: vec![
            "姓名".into(),
            "身份证号".into(),
            "身份".into(),
            "编制类型".into(),
        ],
        rows: vec![
            row("甲", &id_number("19800101", 11), "公务员", "行政编制"),
            row("乙", &id_number("19800102", 12), "临时工", "编外"),
            row("丙", "330211198001010000", "临时工", "编外"),
            row("丁", &id_number("19800103", 13), "公务员", "行政编制"),
        ],
        first_row: 2,
    };
    let opts = ImportOptions::default();
    let audit0 = s.audit_count().await.unwrap();
    let r = app
        .import_roster(Importer::User(&ua), a, &table, &opts, None)
        .await
        .unwrap();
    assert!(!r.written);
    let errs: Vec<(usize, &str)> = r
        .errors
        .iter()
        .map(|e| (e.row, e.error.code.as_str()))
        .collect();
    assert_eq!(errs, vec![(4, "id_checksum"), (5, "establishment_over")]);
    assert_eq!(s.audit_count().await.unwrap(), audit0);
    let all = jiguan_app::ports::ListQuery::default();
    assert_eq!(people_total(&app, &ua, a, &all).await, 0);
    let valid = ImportOptions {
        mode: ImportMode::ValidOnly,
        ..Default::default()
    };
    let r = app
        .import_roster(Importer::User(&ua), a, &table, &valid, None)
        .await
        .unwrap();
    assert!(r.written);
    assert_eq!((r.created, r.updated, r.invalid_rows), (2, 0, 2));
    let audit1 = s.audit_count().await.unwrap();
    assert_eq!(audit1, audit0 + 1);
    // Again: nothing changes, nothing is written.
    let r = app
        .import_roster(Importer::User(&ua), a, &table, &valid, None)
        .await
        .unwrap();
    assert_eq!(
        (r.created, r.updated, r.unchanged, r.written),
        (0, 0, 2, false)
    );
    assert_eq!(s.audit_count().await.unwrap(), audit1);
    // A changed row updates; the history records it.
    let mut t2 = table.clone();
    t2.rows.truncate(2);
    t2.rows[1][0] = "乙改".into();
    let r = app
        .import_roster(Importer::User(&ua), a, &t2, &opts, None)
        .await
        .unwrap();
    assert_eq!(
        (r.created, r.updated, r.unchanged, r.written),
        (0, 1, 1, true)
    );
    // The same people cannot be imported into another unit.
    let ub = actor(d1, Some(b), Role::UnitAdmin);
    let r = app
        .import_roster(Importer::User(&ub), b, &t2, &opts, None)
        .await
        .unwrap();
    assert_eq!(r.errors.len(), 2);
    assert_eq!(r.errors[0].error.code, "person_in_other_unit");

    // A guard broken inside the write rolls everything back.
    let before = people_total(&app, &ua, a, &all).await;
    let p = app
        .list_people(&ua, a, Default::default(), &all)
        .await
        .unwrap()
        .items[0]
        .person
        .clone();
    let mut newp = p.clone();
    newp.id_number = id_number("19700101", 55);
    newp.establishment = jiguan_domain::people::EstablishmentKind::Administrative;
    newp.identity = jiguan_domain::people::Identity::CivilServant;
    let batch = PeopleBatch {
        writes: vec![jiguan_app::people::PersonWrite {
            create: true,
            person: newp,
            on: chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
            kind: jiguan_domain::people::EventKind::Hire,
            doc_no: String::new(),
            note: String::new(),
        }],
        guards: vec![jiguan_app::people::Guard {
            unit_id: a,
            body_id: None,
            kind: jiguan_domain::people::EstablishmentKind::Administrative,
            limit: 1,
        }],
        audits: vec![system_entry(
            d1,
            Some(a),
            "person.create",
            "person",
            "",
            None,
        )],
        by: "t".into(),
        ..Default::default()
    };
    assert_eq!(
        s.apply_people(d1, batch).await,
        Err(StoreError::Conflict(
            jiguan_app::ports::Conflict::Establishment
        ))
    );
    assert_eq!(people_total(&app, &ua, a, &all).await, before);
    assert_eq!(s.audit_count().await.unwrap(), audit1 + 1);
}

// ---- Roster import as a background job: progress, and all or nothing. ----

both!(people_import_progress);

async fn people_import_progress(pg: bool) {
    use jiguan_app::people::{ImportOptions, ImportTable, Progress};
    use std::sync::Mutex;
    let (_t, s, app, d1, a, _, ua) = one_slot(pg).await;
    let headers: Vec<String> = ["姓名", "身份证号", "身份", "编制类型"]
        .iter()
        .map(|h| h.to_string())
        .collect();
    let big = |prefix: &str| ImportTable {
        headers: headers.clone(),
        rows: (0..130u32)
            .map(|i| {
                vec![
                    format!("{prefix}{i}"),
                    id_number("19900101", 100 + i),
                    "临时工".into(),
                    "编外".into(),
                ]
            })
            .collect(),
        first_row: 2,
    };
    let opts = ImportOptions::default();
    let all = jiguan_app::ports::ListQuery::default();
    let count = || async { people_total(&app, &ua, a, &all).await };
    let recorder = || {
        let seen: Arc<Mutex<Vec<(u64, u64)>>> = Arc::default();
        let s2 = seen.clone();
        let p: Progress = Arc::new(move |done, total| s2.lock().unwrap().push((done, total)));
        (seen, p)
    };
    let check = |seen: &[(u64, u64)]| {
        assert!(!seen.is_empty());
        assert!(seen.windows(2).all(|w| w[0].0 <= w[1].0), "{seen:?}");
        assert!(seen.iter().all(|(d, t)| *t == 130 && *d <= 130), "{seen:?}");
        assert_eq!(seen.last(), Some(&(130, 130)));
    };

    // Inserts: validated first (nothing written), then written with progress.
    let prepared = app
        .prepare_roster_import(&ua, a, &big("临"), &opts)
        .await
        .unwrap();
    assert_eq!(prepared.pending(), 130);
    assert!(!prepared.report.written);
    assert_eq!(count().await, 0);
    let (seen, p) = recorder();
    let r = app.write_roster_import(prepared, Some(p)).await.unwrap();
    assert!(r.written);
    assert_eq!((r.rows, r.created), (130, 130));
    check(&seen.lock().unwrap());
    assert_eq!(count().await, 130);

    // Updates report progress too.
    let prepared = app
        .prepare_roster_import(&ua, a, &big("改"), &opts)
        .await
        .unwrap();
    let (seen, p) = recorder();
    let r = app.write_roster_import(prepared, Some(p)).await.unwrap();
    assert_eq!((r.created, r.updated), (0, 130));
    let seen = seen.lock().unwrap().clone();
    check(&seen);
    assert!(seen.len() >= 2, "{seen:?}");

    // Two imports validated against the same free slot: the second write is refused
    // whole, whatever progress it made.
    let one = |name: &str, seq: u32| ImportTable {
        headers: headers.clone(),
        rows: vec![vec![
            name.into(),
            id_number("19800101", seq),
            "公务员".into(),
            "行政编制".into(),
        ]],
        first_row: 2,
    };
    let first = app
        .prepare_roster_import(&ua, a, &one("甲", 11), &opts)
        .await
        .unwrap();
    let second = app
        .prepare_roster_import(&ua, a, &one("乙", 12), &opts)
        .await
        .unwrap();
    assert_eq!((first.pending(), second.pending()), (1, 1));
    app.write_roster_import(first, None).await.unwrap();
    let audit = s.audit_count().await.unwrap();
    let err = app.write_roster_import(second, None).await.unwrap_err();
    match err {
        jiguan_app::AppError::Invalid(e) => assert_eq!(e[0].code, "establishment_changed"),
        other => panic!("{other:?}"),
    }
    assert_eq!(count().await, 131);
    assert_eq!(s.audit_count().await.unwrap(), audit);
    // Someone without the right cannot even prepare.
    let staff = actor(d1, Some(a), Role::Staff);
    assert!(
        app.prepare_roster_import(&staff, a, &big("x"), &opts)
            .await
            .is_err()
    );
}
