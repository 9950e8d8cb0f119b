//! Managed lists (数据字典): a district's own rows, on both backends, and the migration that
//! maps free-text roster values onto the list items.

use chrono::{NaiveDate, Utc};

use jiguan_app::ports::SettingsStore;
use jiguan_app::ports::{Conflict, StoreError, UniqueKey};
use jiguan_app::users::system_entry;
use jiguan_domain::dict::{Dict, DictKind, StoredItem};
use jiguan_store::{SqlStore, Value};

use crate::helpers::*;

both!(rows_overlay_the_built_in_lists_per_district);
both!(migration_maps_free_text_onto_the_lists);

fn item(kind: DictKind, code: &str, name: &str, sort: i64, enabled: bool) -> StoredItem {
    StoredItem {
        kind,
        code: code.into(),
        name: name.into(),
        sort,
        enabled,
    }
}

async fn rows_overlay_the_built_in_lists_per_district(pg: bool) {
    let t = fresh(pg).await;
    let s = SqlStore::open(&t.url).await.unwrap();
    let (d1, _a, _b, d2, _c) = two_districts(&s).await;
    let audit = || system_entry(d1, None, "dict.item.save", "dict_item", "party:14", None);
    let st = &s;
    let save =
        move |it: StoredItem| async move { st.save_dict_item(d1, &it, Utc::now(), audit()).await };
    save(item(DictKind::Party, "14", "港澳同胞", 140, true))
        .await
        .unwrap();
    // A built-in item disabled: a row with its code.
    save(item(DictKind::Ethnicity, "02", "蒙古族", 20, false))
        .await
        .unwrap();
    // Saving again replaces the row (order and state), not a second row.
    save(item(DictKind::Party, "14", "港澳同胞", 5, false))
        .await
        .unwrap();
    let rows = s.list_dict_items(d1).await.unwrap();
    assert_eq!(rows.len(), 2, "{rows:?}");
    let d = Dict::from_stored(&rows);
    let party = d.items(DictKind::Party);
    assert_eq!(
        (party[0].name.as_str(), party[0].enabled),
        ("港澳同胞", false)
    );
    assert!(!d.names(DictKind::Ethnicity).contains(&"蒙古族"));
    // Another name with a taken name in the same list is a conflict on `name`.
    let dup = save(item(DictKind::Party, "15", "港澳同胞", 1, true)).await;
    assert_eq!(
        dup,
        Err(StoreError::Conflict(Conflict::Unique(UniqueKey::Name)))
    );
    // District B has only the built-in lists.
    assert!(s.list_dict_items(d2).await.unwrap().is_empty());
    // Each save wrote its audit row; the refused one none.
    let n = fetch_i64(
        &s.db,
        "SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log WHERE district_id = $1 AND action = 'dict.item.save'",
        &[Value::from(d1.0)],
    )
    .await;
    assert_eq!(n, 3);
}

async fn migration_maps_free_text_onto_the_lists(pg: bool) {
    let t = fresh(pg).await;
    let s = SqlStore::open(&t.url).await.unwrap();
    let (d1, a, _b, _d2, _c) = two_districts(&s).await;
    let birth = NaiveDate::from_ymd_opt(1985, 3, 12).unwrap();
    let values = [
        ("汉", "党员", "大专"),
        ("回", "团员", "本科"),
        ("汉族", "群众", "高中"),
        ("火星族", "无党派", "中专"),
    ];
    for (i, (eth, party, edu)) in values.iter().enumerate() {
        s.db.execute(
            "INSERT INTO people (district_id, unit_id, name, gender, id_number, birth_date, ethnicity, party, education, identity, establishment, post, rank, leader, leader_role, phone, funding, basic_pay, allowances, social_insurance, housing_fund, status, status_since, created_at, updated_at) \
             VALUES ($1, $2, $3, 'male', $4, $5, $6, $7, $8, 'temporary', 'none', '', '', $9, '', '', 'full', 0, 0, 0, 0, 'on_post', $5, $10, $10)",
            &[
                Value::from(d1.0),
                Value::from(a.0),
                Value::from(format!("人{i}")),
                Value::from(format!("id{i}")),
                Value::from(birth),
                Value::from(*eth),
                Value::from(*party),
                Value::from(*edu),
                Value::from(false),
                Value::from(Utc::now()),
            ],
        )
        .await
        .unwrap();
    }
    // Run migration 0010 again over these rows.
    s.db.execute("DROP TABLE dict_items", &[]).await.unwrap();
    s.db.execute("DELETE FROM schema_migrations WHERE version = 10", &[])
        .await
        .unwrap();
    assert_eq!(
        jiguan_store::migrate::migrate(&s.db).await.unwrap(),
        vec![10]
    );
    let rows =
        s.db.fetch_all(
            "SELECT ethnicity, party, education FROM people ORDER BY name",
            &[],
        )
        .await
        .unwrap();
    let got: Vec<(String, String, String)> = rows
        .iter()
        .map(|r| (r.get(0).unwrap(), r.get(1).unwrap(), r.get(2).unwrap()))
        .collect();
    let want = [
        ("汉族", "中共党员", "大学专科"),
        ("回族", "共青团员", "大学本科"),
        ("汉族", "群众", "普通高中"),
        // No item to map to: kept as it was.
        ("火星族", "无党派人士", "中等专科"),
    ];
    let want: Vec<(String, String, String)> = want
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect();
    assert_eq!(got, want);
}
