//! Declared relations (亲属关系) imported from a table for a unit, and exported in the same
//! layout: all or nothing with every bad row named, idempotent, district- and unit-scoped,
//! each relation audited on its person; on both backends.

use jiguan_app::AppError;
use jiguan_app::people::{ImportTable, Importer, PeopleStore, RelationImportReport};
use jiguan_app::ports::{AuditFilter, AuditStore, ListQuery};
use jiguan_domain::auth::Role;
use jiguan_domain::people::relation_template::relation_headers;
use jiguan_domain::tenancy::DistrictId;
use jiguan_store::SqlStore;

use crate::helpers::*;
use crate::people::{people_form, people_on};
use jiguan_testkit::fixtures::id_number;

both!(people_relations_import_story);

fn table(rows: &[[&str; 5]]) -> ImportTable {
    ImportTable {
        headers: relation_headers(),
        rows: rows
            .iter()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect(),
        first_row: 2,
    }
}

/// (row, column, code) of every error.
fn errors(r: &RelationImportReport) -> Vec<(usize, String, String)> {
    r.errors
        .iter()
        .map(|e| (e.row, e.column.clone(), e.error.code.clone()))
        .collect()
}

async fn relation_adds(s: &SqlStore, d: DistrictId) -> usize {
    s.list_audit(
        d,
        &AuditFilter {
            object_type: Some("person".into()),
            ..Default::default()
        },
        &ListQuery {
            per_page: Some(200),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .items
    .iter()
    .filter(|e| e.action == "person.relation.add")
    .count()
}

async fn people_relations_import_story(pg: bool) {
    let ThreeUnits {
        t: _t,
        s,
        app,
        d1,
        a,
        b,
        d2: _,
        c,
        ua,
        ub,
        uc,
    } = three_units(pg).await;
    let on = people_on("2020-01-01");
    let mut n = 0;
    let mut person = |who: &jiguan_domain::auth::Actor, u, name: &str| {
        n += 1;
        let id = id_number("19880315", 300 + n);
        let f = people_form(name, &id, "临时工", "编外");
        let app = app.clone();
        let who = who.clone();
        let on = on.clone();
        async move {
            let p = app.create_person(&who, u, &f, &on).await.unwrap();
            (p, id)
        }
    };
    let (p1, n1) = person(&ua, a, "张三").await;
    let (p2, n2) = person(&ua, a, "李四").await;
    let (p3, n3) = person(&ua, a, "王五").await;
    let (_p4, n4) = person(&ub, b, "赵六").await;
    let (_p5, n5) = person(&uc, c, "孙七").await;

    // Every bad row named: row, column (the Chinese header), reason; nothing written.
    let wrong = if n1.ends_with('0') { '1' } else { '0' };
    let bad_checksum = format!("{}{wrong}", &n1[..17]);
    let bad = table(&[
        [&n1, "张三", "配偶", &n2, "李四"],
        [&n1, "张三", "兄弟姐妹", &n4, "赵六"],
        [&n4, "赵六", "父母", &n2, "李四"],
        [&n1, "张三", "父母", &n5, "孙七"],
        [&n2, "李四", "同事", &n3, "王五"],
        [&n3, "王五", "配偶", &n3, "王五"],
        [&n2, "李四", "配偶", &n1, "张三"],
        [&n3, "王错", "子女", &n2, "李肆"],
        [&bad_checksum, "张三", "子女", &n2, ""],
        ["", "", "", "", ""],
    ]);
    let r = app
        .import_relations(Importer::User(&ua), a, &bad, "亲属.xlsx")
        .await
        .unwrap();
    let want: Vec<(usize, &str, &str)> = vec![
        (4, "人员身份证号", "relation_person_other_unit"),
        (5, "亲属身份证号", "person_unknown"),
        (6, "亲属关系", "choice_invalid"),
        (7, "亲属身份证号", "relation_self"),
        (8, "亲属身份证号", "duplicate_in_file"),
        (9, "姓名", "name_mismatch"),
        (9, "亲属姓名", "name_mismatch"),
        (10, "人员身份证号", "id_checksum"),
        (10, "亲属姓名", "required"),
    ];
    let got = errors(&r);
    assert_eq!(
        got.iter()
            .map(|(r, c, e)| (*r, c.as_str(), e.as_str()))
            .collect::<Vec<_>>(),
        want,
        "{got:?}"
    );
    assert_eq!((r.rows, r.invalid_rows, r.written), (9, 7, false));
    assert_eq!(
        r.errors[0].error.args,
        [("unit".to_string(), "澥浦镇".to_string())]
    );
    assert!(s.relations_of(d1, p1).await.unwrap().is_empty());
    assert_eq!(relation_adds(&s, d1).await, 0);

    // A clean file: written in one go, each relation audited on its person.
    let good = table(&[
        [&n1, "张三", "配偶", &n2, "李四"],
        [&n1, "张三", "兄弟姐妹", &n4, "赵六"],
        [&n3, " 王五 ", "子女", &n2, "李四"],
    ]);
    let r = app
        .import_relations(Importer::User(&ua), a, &good, "亲属.xlsx")
        .await
        .unwrap();
    assert!(r.errors.is_empty(), "{:?}", errors(&r));
    assert_eq!((r.created, r.unchanged, r.written), (3, 0, true));
    assert_eq!(s.relations_of(d1, p1).await.unwrap().len(), 2);
    assert_eq!(s.relations_of(d1, p2).await.unwrap().len(), 2);
    let rec = &s.relations_of(d1, p3).await.unwrap()[0];
    assert_eq!(
        (
            rec.person_id,
            rec.relative_id,
            rec.relation.code(),
            rec.unit_id
        ),
        (p3, p2, "child", a)
    );
    assert_eq!(relation_adds(&s, d1).await, 3);

    // The same file again changes nothing and writes no audit entry.
    let r = app
        .import_relations(Importer::User(&ua), a, &good, "亲属.xlsx")
        .await
        .unwrap();
    assert_eq!((r.created, r.unchanged, r.written), (0, 3, false));
    assert_eq!(relation_adds(&s, d1).await, 3);

    // A pair recorded otherwise (another relation, or from the other side) is refused.
    let other = table(&[
        [&n1, "张三", "父母", &n2, "李四"],
        [&n2, "李四", "子女", &n3, "王五"],
    ]);
    let r = app
        .import_relations(Importer::User(&ua), a, &other, "x.csv")
        .await
        .unwrap();
    assert_eq!(
        errors(&r),
        [
            (2, "亲属关系".to_string(), "relation_recorded".to_string()),
            (3, "亲属关系".to_string(), "relation_recorded".to_string())
        ]
    );

    // Export in the same layout; it imports back as it is (nothing to change).
    let rows = app.export_relations(&ua, a).await.unwrap();
    assert_eq!(rows.len(), 3);
    assert!(rows.iter().any(|r| r.person_id_number == n1
        && r.relation == "配偶"
        && r.relative_id_number == n2
        && r.relative_name == "李四"));
    let back = ImportTable {
        headers: relation_headers(),
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    r.person_id_number.clone(),
                    r.person_name.clone(),
                    r.relation.clone(),
                    r.relative_id_number.clone(),
                    r.relative_name.clone(),
                ]
            })
            .collect(),
        first_row: 2,
    };
    let r = app
        .import_relations(Importer::User(&ua), a, &back, "export.xlsx")
        .await
        .unwrap();
    assert!(r.errors.is_empty(), "{:?}", errors(&r));
    assert_eq!((r.created, r.unchanged), (0, 3));
    // Unit b's export holds none of them (赵六 is only a relative there).
    assert!(app.export_relations(&ub, b).await.unwrap().is_empty());
    // Masked for a role without personal-data rights.
    let head = actor(d1, Some(a), Role::BodyHead);
    let masked = app.export_relations(&head, a).await.unwrap();
    assert!(
        masked
            .iter()
            .all(|r| r.person_id_number.contains("********"))
    );

    // Roles and tenants: another unit's office, another district, a reader.
    assert!(matches!(
        app.import_relations(Importer::User(&ub), a, &good, "x")
            .await,
        Err(AppError::Forbidden | AppError::NotFound)
    ));
    assert!(matches!(
        app.import_relations(Importer::User(&uc), a, &good, "x")
            .await,
        Err(AppError::Forbidden | AppError::NotFound)
    ));
    assert!(matches!(
        app.export_relations(&uc, a).await,
        Err(AppError::Forbidden | AppError::NotFound)
    ));
    assert!(matches!(
        app.import_relations(Importer::User(&head), a, &good, "x")
            .await,
        Err(AppError::Forbidden)
    ));
    // In another district the same numbers name nobody.
    let r = app
        .import_relations(Importer::User(&uc), c, &good, "x")
        .await
        .unwrap();
    assert!(
        r.errors
            .iter()
            .all(|e| e.error.code == "person_unknown"
                || e.error.code == "relation_person_other_unit")
    );
    assert!(!r.written);
}
