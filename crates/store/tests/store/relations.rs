//! Declared relations between people (亲属关系, migration 24) and the probation end
//! (试用期满日期) of a person: stored on both backends, read both ways, district-scoped,
//! audited.

use jiguan_app::AppError;
use jiguan_app::people::{PeopleStore, RelationForm};
use jiguan_app::ports::{AuditFilter, AuditStore, ListQuery};
use jiguan_domain::auth::Role;
use jiguan_domain::people::PersonId;

use crate::helpers::*;
use crate::people::{people_form, people_on};
use jiguan_testkit::fixtures::id_number;

both!(relations_story);

fn rel(relative: &str, relation: &str) -> RelationForm {
    RelationForm {
        relative_id: relative.into(),
        relation: relation.into(),
    }
}

fn codes(e: AppError) -> Vec<(String, String)> {
    match e {
        AppError::Invalid(l) => l.into_iter().map(|e| (e.field, e.code)).collect(),
        e => panic!("{e:?}"),
    }
}

async fn relations_story(pg: bool) {
    let ThreeUnits {
        t: _t,
        s,
        app,
        d1,
        a,
        b,
        d2,
        c,
        ua,
        ub,
        uc,
    } = three_units(pg).await;
    for (d, u) in [(d1, a), (d1, b), (d2, c)] {
        app.set_quotas(
            &actor(d, None, Role::DistrictAdmin),
            u,
            &pairs(&[("q_administrative", "5"), ("q_institution", "5")]),
        )
        .await
        .unwrap();
    }
    let on = people_on("2020-01-01");
    // A new recruit with a probation end; the value is stored and read back.
    let mut f = people_form("张三", &id_number("19900101", 11), "公务员", "行政编制");
    f.work_start = "2025-08-01".into();
    f.probation_end = "2026-08-01".into();
    let p1 = app.create_person(&ua, a, &f, &on).await.unwrap();
    let got = s.get_person(d1, p1).await.unwrap().unwrap();
    assert_eq!(
        got.probation_end.map(|d| d.to_string()).as_deref(),
        Some("2026-08-01")
    );
    let spouse_no = id_number("19910101", 12);
    let p2 = app
        .create_person(
            &ua,
            a,
            &people_form("李四", &spouse_no, "公务员", "行政编制"),
            &on,
        )
        .await
        .unwrap();
    let p3 = app
        .create_person(
            &ub,
            b,
            &people_form("张五", &id_number("19880101", 13), "事业干部", "事业编制"),
            &on,
        )
        .await
        .unwrap();
    let other_district = app
        .create_person(
            &uc,
            c,
            &people_form("王六", &id_number("19870101", 14), "公务员", "行政编制"),
            &on,
        )
        .await
        .unwrap();

    // By ID number: the spouse; by person id: a brother in another unit of the district.
    app.add_person_relation(&ua, a, p1, &rel(&spouse_no, "配偶"))
        .await
        .unwrap();
    app.add_person_relation(&ua, a, p1, &rel(&p3.0.to_string(), "sibling"))
        .await
        .unwrap();
    let mine = app.person_relations(&ua, a, p1).await.unwrap();
    assert_eq!(
        mine.iter()
            .map(|r| (
                r.other_name.as_str(),
                r.relation.as_str(),
                r.category.as_str(),
                r.recorded_here
            ))
            .collect::<Vec<_>>(),
        [
            ("李四", "spouse", "spouse", true),
            ("张五", "sibling", "collateral", true)
        ]
    );
    // The other side sees the same record, read the other way.
    let theirs = app.person_relations(&ua, a, p2).await.unwrap();
    assert_eq!((theirs[0].other_id, theirs[0].recorded_here), (p1.0, false));
    assert_eq!(s.relations_of(d1, p3).await.unwrap().len(), 1);

    // Bad input names the field; duplicates in either order are refused.
    assert_eq!(
        codes(
            app.add_person_relation(&ua, a, p2, &rel(&p1.0.to_string(), "parent"))
                .await
                .unwrap_err()
        ),
        [("relative_id".into(), "relation_exists".into())]
    );
    assert_eq!(
        codes(
            app.add_person_relation(&ua, a, p1, &rel(&p1.0.to_string(), "同事"))
                .await
                .unwrap_err()
        ),
        [
            ("relative_id".into(), "relation_self".into()),
            ("relation".into(), "choice_invalid".into())
        ]
    );
    assert_eq!(
        codes(
            app.add_person_relation(&ua, a, p1, &rel("", ""))
                .await
                .unwrap_err()
        ),
        [
            ("relative_id".into(), "required".into()),
            ("relation".into(), "required".into())
        ]
    );
    // Another district's person cannot be a relative (by id or by ID number).
    assert_eq!(
        codes(
            app.add_person_relation(&ua, a, p1, &rel(&other_district.0.to_string(), "sibling"))
                .await
                .unwrap_err()
        ),
        [("relative_id".into(), "choice_invalid".into())]
    );
    assert_eq!(
        codes(
            app.add_person_relation(&ua, a, p1, &rel(&id_number("19870101", 14), "sibling"))
                .await
                .unwrap_err()
        ),
        [("relative_id".into(), "choice_invalid".into())]
    );
    // The store refuses a pair across districts even when asked directly.
    let w = jiguan_app::people::RelationWrite {
        unit_id: a,
        person_id: p1,
        relative_id: other_district,
        relation: jiguan_domain::people::relation::RelationKind::Sibling,
        by: "x".into(),
        at: chrono::Utc::now(),
    };
    let audit = app.audit(&ua);
    assert!(matches!(
        s.add_relation(d1, &w, audit).await,
        Err(jiguan_app::ports::StoreError::NotFound)
    ));
    // Roles and tenants: another unit's administrator, another district, a viewer.
    assert!(
        app.add_person_relation(&ub, a, p1, &rel(&p2.0.to_string(), "parent"))
            .await
            .is_err()
    );
    assert!(matches!(
        app.person_relations(&uc, a, p1).await,
        Err(AppError::NotFound)
    ));
    assert!(matches!(
        app.add_person_relation(&uc, c, PersonId(p1.0), &rel("1", "parent"))
            .await,
        Err(AppError::NotFound)
    ));
    let viewer = actor(d1, Some(a), Role::Auditor);
    assert_eq!(app.person_relations(&viewer, a, p1).await.unwrap().len(), 2);
    assert!(matches!(
        app.remove_person_relation(&viewer, a, p1, mine[0].id).await,
        Err(AppError::Forbidden)
    ));
    // Removed from the person's page: gone on both sides; an unknown id is not found.
    app.remove_person_relation(&ua, a, p2, mine[0].id)
        .await
        .unwrap();
    assert!(app.person_relations(&ua, a, p2).await.unwrap().is_empty());
    assert!(matches!(
        app.remove_person_relation(&ua, a, p2, mine[0].id).await,
        Err(AppError::NotFound)
    ));
    // Audited on the person.
    let log = s
        .list_audit(
            d1,
            &AuditFilter {
                object_type: Some("person".into()),
                ..Default::default()
            },
            &ListQuery::default(),
        )
        .await
        .unwrap();
    let actions: Vec<&str> = log.items.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions
            .iter()
            .filter(|a| **a == "person.relation.add")
            .count(),
        2
    );
    assert!(actions.contains(&"person.relation.remove"));
}
