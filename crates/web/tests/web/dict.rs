//! Managed lists (数据字典) and the settings page (政策参数): who reads and who edits, the
//! person form and the roster import checked against the lists, the template's drop-downs,
//! and each parameter's own validation message.

use std::io::Read;
use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, StatusCode, header};
use tower::ServiceExt;

use jiguan_domain::tenancy::UnitId;

use crate::helpers::*;
use jiguan_testkit::fixtures::id_number;

/// A CSV upload to the roster import (the CSRF token as a form field).
async fn upload(t: &T, who: &Who, unit: UnitId, file: &str) -> Resp {
    let csrf = who.csrf.clone().unwrap();
    let fields = [("_csrf", csrf.as_str()), ("mode", "all")];
    let path = format!("/units/{unit}/people/import");
    crate::people::multipart(t, who, &path, &fields, "r.csv", file).await
}

/// The raw bytes of a GET (a download).
async fn get_bytes(t: &T, who: &Who, path: &str) -> (StatusCode, Vec<u8>) {
    let mut req = Request::builder()
        .method(Method::GET)
        .uri(path)
        .header(header::COOKIE, who.cookie.clone().unwrap())
        .body(Body::empty())
        .unwrap();
    req.extensions_mut()
        .insert(ConnectInfo(SocketAddr::from(([10, 0, 0, 9], 4000))));
    let resp = t.router.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let bytes = axum::body::to_bytes(resp.into_body(), 10 << 20)
        .await
        .unwrap();
    (status, bytes.to_vec())
}

fn zip_text(bytes: &[u8], name: &str) -> String {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut s = String::new();
    z.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

/// Asserts a write was saved (answered with a redirect).
fn saved(r: Resp) {
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

/// Adds an item to the list `kind` as `who`.
async fn add_item(t: &T, who: &Who, kind: &str, code: &str, name: &str) -> Resp {
    let path = format!("/dict/{kind}/items");
    post_form(t, who, &path, &[("code", code), ("name", name)]).await
}

/// Saves one parameter as `who`; `None` is a switch turned off (no value sent).
async fn set_param(t: &T, who: &Who, key: &str, value: Option<&str>) -> Resp {
    let mut f = vec![("key", key)];
    f.extend(value.map(|v| ("value", v)));
    post_form(t, who, "/settings", &f).await
}

/// The new-person form of `unit` for 巴特尔 (a temporary worker off establishment) with
/// the given 民族 and 学历, and `more` fields.
async fn new_temp(
    t: &T,
    who: &Who,
    unit: UnitId,
    ethnicity: &str,
    education: &str,
    more: &[(&str, &str)],
) -> Resp {
    let id_no = id_number("19850312", 17);
    let mut f = vec![
        ("name", "巴特尔"),
        ("id_number", id_no.as_str()),
        ("identity", "temporary"),
        ("establishment", "none"),
        ("ethnicity", ethnicity),
        ("education", education),
    ];
    f.extend_from_slice(more);
    crate::people::add_person(t, who, unit, &f).await
}

#[tokio::test]
async fn dictionary_is_read_by_units_and_edited_by_the_district_admin_only() {
    let t = setup().await;
    let admin = login(&t, "d_admin").await;
    let r = get(&t, &admin, "/dict").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("汉族") && r.body.contains("基诺族"));
    assert!(r.body.contains("共 56 项"), "{}", r.body);
    assert!(r.body.contains("id=\"dict-add\""));
    let r = get(&t, &admin, "/dict/party").await;
    assert!(r.body.contains("民革会员") && r.body.contains("群众"));
    assert_eq!(
        get(&t, &admin, "/dict/nosuch").await.status,
        StatusCode::NOT_FOUND
    );
    // The fixed lists are shown, not edited.
    let r = get(&t, &admin, "/dict/identity").await;
    assert!(r.body.contains("公务员") && !r.body.contains("id=\"dict-add\""));
    let r = add_item(&t, &admin, "identity", "x1", "新身份").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    // A unit administrator reads the lists (page and JSON) but cannot change them.
    let unit = login(&t, "u_admin").await;
    let r = get(&t, &unit, "/dict/rank").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("一级主任科员") && !r.body.contains("id=\"dict-add\""));
    let j = get(&t, &unit, "/api/v1/dict").await.json();
    assert_eq!(j[0]["kind"], "ethnicity");
    assert_eq!(j[0]["items"].as_array().unwrap().len(), 56);
    assert_eq!(j[0]["items"][55]["code"], "56");
    assert_eq!(j[0]["items"][55]["name"], "基诺族");
    let r = add_item(&t, &unit, "party", "14", "港澳同胞").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = post_form(&t, &unit, "/dict/ethnicity/items/02", &[("sort", "20")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Staff do not see the settings.
    let staff = login(&t, "u_staff").await;
    assert_eq!(get(&t, &staff, "/dict").await.status, StatusCode::FORBIDDEN);

    // The district administrator adds an item; a taken code or name is refused by name.
    saved(add_item(&t, &admin, "party", "14", "港澳同胞").await);
    let r = get(&t, &admin, "/dict/party").await;
    assert!(r.body.contains("港澳同胞") && r.body.contains("本区新增"));
    let r = add_item(&t, &admin, "party", "14", "群众").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("代码“14”已在本字典中"), "{}", r.body);
    assert!(r.body.contains("名称“群众”已在本字典中"), "{}", r.body);
    // District B does not see district A's item.
    let b = login(&t, "b_admin").await;
    assert!(!get(&t, &b, "/dict/party").await.body.contains("港澳同胞"));

    // Disabling 蒙古族: the form refuses it for a new person, naming the allowed values.
    post_form_ok(&t, &admin, "/dict/ethnicity/items/02", &[("sort", "20")]).await;
    let r = get(&t, &admin, "/dict/ethnicity").await;
    assert!(r.body.contains("启用 55 项"), "{}", r.body);
    let u = t.unit("luotuo");
    let r = new_temp(&t, &unit, u, "蒙古族", "大专", &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body
            .contains("民族：“蒙古族”不在数据字典中，允许的值：汉族、回族、藏族"),
        "{}",
        r.body
    );
    assert!(r.body.contains("共 55 项"));
    assert!(r.body.contains(
        "学历：“大专”不在数据字典中，允许的值：博士研究生、硕士研究生、大学本科、大学专科"
    ));
    // Re-enabled, and a code is accepted for the name.
    post_form_ok(
        &t,
        &admin,
        "/dict/ethnicity/items/02",
        &[("sort", "20"), ("enabled", "on")],
    )
    .await;
    let more = [("party", "群众"), ("rank", "")];
    let r = new_temp(&t, &unit, u, "02", "大学专科", &more).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let roster = get(&t, &unit, &format!("/api/v1/units/{u}/people"))
        .await
        .json();
    assert_eq!(roster["items"][0]["ethnicity"], "蒙古族");
}

#[tokio::test]
async fn person_form_offers_the_lists_as_selects() {
    let t = setup().await;
    let u = t.unit("luotuo");
    let who = login(&t, "u_admin").await;
    let r = get(&t, &who, &format!("/units/{u}/people/new")).await;
    assert_eq!(r.status, StatusCode::OK);
    // 民族 is long: a select with a filter box (data-search); 政治面貌 is short.
    assert!(
        r.body
            .contains("<select id=\"ethnicity\" name=\"ethnicity\" data-search="),
        "{}",
        r.body
    );
    assert!(r.body.contains("<option value=\"基诺族\">基诺族</option>"));
    assert!(r.body.contains("<select id=\"party\" name=\"party\">"));
    assert!(
        r.body
            .contains("<select id=\"rank\" name=\"rank\" data-search=")
    );
    assert!(r.body.contains("<option value=\"四级主任科员\">"));
}

#[tokio::test]
async fn import_refuses_a_value_not_in_the_list_and_names_the_allowed_values() {
    let t = setup().await;
    let u = t.unit("luotuo");
    let who = login(&t, "u_admin").await;
    let csv = format!(
        "姓名,身份证号,身份,编制类型,民族,政治面貌,学历,职级\n\
         张伟,{},临时工,编外,汉,群众,大学本科,\n\
         李娜,{},临时工,编外,汉族,党员,大学本科,科员\n",
        id_number("19850312", 17),
        id_number("19900101", 21),
    );
    let r = upload(&t, &who, u, &csv).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(
        r.body
            .contains("民族：“汉”不在数据字典中，允许的值：汉族、蒙古族、回族、藏族"),
        "{}",
        r.body
    );
    assert!(r.body.contains("……共 56 项"), "{}", r.body);
    assert!(r.body.contains(
        "政治面貌：“党员”不在数据字典中，允许的值：中共党员、中共预备党员、共青团员、民革会员、民盟盟员、民建会员、民进会员、农工党党员、致公党党员、九三学社社员、台盟盟员、无党派人士……共 13 项"
    ), "{}", r.body);
    assert!(r.body.contains("职级：“科员”不在数据字典中"), "{}", r.body);
    let roster = get(&t, &who, &format!("/api/v1/units/{u}/people")).await;
    assert_eq!(roster.json()["total"], 0);
    // In English the message names the field and the allowed values too.
    let en = Who {
        lang: Some("en"),
        ..who.clone()
    };
    let r = upload(&t, &en, u, &csv).await;
    assert!(
        r.body
            .contains("&#39;汉&#39; is not in the managed list; allowed values: 汉族、蒙古族"),
        "{}",
        r.body
    );
}

#[tokio::test]
async fn template_carries_drop_downs_and_a_text_id_column() {
    let t = setup().await;
    let u = t.unit("luotuo");
    let admin = login(&t, "d_admin").await;
    saved(add_item(&t, &admin, "party", "14", "港澳同胞").await);
    let who = login(&t, "u_admin").await;
    let (status, bytes) =
        get_bytes(&t, &who, &format!("/units/{u}/people/import/template.xlsx")).await;
    assert_eq!(status, StatusCode::OK);
    let sheet = zip_text(&bytes, "xl/worksheets/sheet1.xml");
    let validations = sheet.matches("<dataValidation ").count();
    // 性别, 民族, 政治面貌, 学历, 身份, 编制类型, 职级, 班子成员, 经费来源.
    assert_eq!(validations, 9, "{sheet}");
    // 民族 is column E: its list is column B of the hidden 数据字典 sheet (性别 is A).
    assert!(sheet.contains("sqref=\"E2:E5001\""), "{sheet}");
    assert!(sheet.contains("'数据字典'!$B$2:$B$57"), "{sheet}");
    // The ID number column (C) is text-formatted: its column style has the number format @.
    let styles = zip_text(&bytes, "xl/styles.xml");
    assert!(styles.contains("formatCode=\"@\""), "{styles}");
    let wb = zip_text(&bytes, "xl/workbook.xml");
    assert!(
        wb.contains("name=\"数据字典\"") && wb.contains("state=\"hidden\""),
        "{wb}"
    );
    // The lists sheet holds the district's items, its own included.
    let shared = zip_text(&bytes, "xl/sharedStrings.xml");
    assert!(
        shared.contains("基诺族") && shared.contains("港澳同胞") && shared.contains("专技十三级")
    );
}

#[tokio::test]
async fn settings_validate_each_parameter_with_its_name_and_reason() {
    let t = setup().await;
    let admin = login(&t, "d_admin").await;
    let r = get(&t, &admin, "/settings").await;
    assert_eq!(r.status, StatusCode::OK);
    // A yes/no parameter is a switch, a choice a select, money in yuan.
    assert!(r.body.contains("type=\"checkbox\" role=\"switch\" id=\"p-early_retirement.institution_follows_civil_servant\""), "{}", r.body);
    assert!(
        r.body
            .contains("<select id=\"p-severance.formula\" name=\"value\">")
    );
    assert!(r.body.contains("劳动合同法第四十七条（art47）"));
    assert!(
        r.body.contains(
            "id=\"p-downsizing.local_average_monthly_wage\" name=\"value\" value=\"9000.00\""
        ),
        "{}",
        r.body
    );
    assert!(r.body.contains("9,000.00 元"));
    // The basis in the page's language.
    assert!(r.body.contains("《劳动合同法》第四十七条第二款"));
    let en = Who {
        lang: Some("en"),
        ..admin.clone()
    };
    assert!(
        get(&t, &en, "/settings")
            .await
            .body
            .contains("劳动合同法 art. 47 para. 2")
    );

    let cases: &[(&str, &str, &str, &str)] = &[
        (
            "severance.cap_years",
            "99",
            "经济补偿封顶：最高年限：须在 1 到 50 之间",
            "Severance cap: most years",
        ),
        (
            "severance.cap_years",
            "abc",
            "经济补偿封顶：最高年限：须为整数",
            "Severance cap: most years",
        ),
        (
            "severance.cap_multiple",
            "2.345",
            "经济补偿封顶：当地月平均工资倍数：最多 2 位小数",
            "Severance cap: multiple",
        ),
        (
            "severance.formula",
            "xyz",
            "经济补偿计算办法",
            "Severance formula",
        ),
        (
            "downsizing.local_average_monthly_wage",
            "1.234",
            "当地上年度职工月平均工资（元）：金额最多两位小数",
            "Local average monthly wage",
        ),
        (
            "downsizing.local_average_monthly_wage",
            "0.5",
            "当地上年度职工月平均工资（元）：须在 1 到 100000 之间",
            "Local average monthly wage",
        ),
        (
            "selection.publicity_workdays",
            "",
            "任前公示工作日数：必填",
            "publicity",
        ),
    ];
    for (key, value, zh, en_name) in cases {
        let r = set_param(&t, &admin, key, Some(value)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{key}={value}");
        assert!(r.body.contains(zh), "{key}={value}: {}", r.body);
        assert!(
            r.body.contains(&format!("id=\"err-{key}\"")),
            "{key}: error not on its row"
        );
        let r = set_param(&t, &en, key, Some(value)).await;
        assert!(r.body.contains(en_name), "{key}={value} (en): {}", r.body);
    }
    // Nothing was stored.
    let p = t.app.calc_params(t.d_a, None).await.unwrap();
    assert_eq!(p.int("severance.cap_years"), Ok(12));

    // A switch turned off sends no value: false.
    saved(
        set_param(
            &t,
            &admin,
            "early_retirement.institution_follows_civil_servant",
            None,
        )
        .await,
    );
    let p = t.app.calc_params(t.d_a, None).await.unwrap();
    assert_eq!(
        p.bool("early_retirement.institution_follows_civil_servant"),
        Ok(false)
    );
    saved(
        set_param(
            &t,
            &admin,
            "early_retirement.institution_follows_civil_servant",
            Some("true"),
        )
        .await,
    );
    let p = t.app.calc_params(t.d_a, None).await.unwrap();
    assert_eq!(
        p.bool("early_retirement.institution_follows_civil_servant"),
        Ok(true)
    );
    // A unit administrator reads the settings but cannot change them.
    let unit = login(&t, "u_admin").await;
    let r = get(&t, &unit, "/settings").await;
    assert!(r.status == StatusCode::OK && !r.body.contains("name=\"value\""));
    let r = set_param(&t, &unit, "severance.cap_years", Some("10")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn money_parameters_round_trip_in_yuan() {
    let t = setup().await;
    let admin = login(&t, "d_admin").await;
    let key = "downsizing.local_average_monthly_wage";
    saved(set_param(&t, &admin, key, Some("10,500.50 元")).await);
    let r = get(&t, &admin, "/settings").await;
    assert!(
        r.body
            .contains(&format!("id=\"p-{key}\" name=\"value\" value=\"10500.50\"")),
        "{}",
        r.body
    );
    // Read-only (a unit administrator): in yuan with thousands separators.
    let unit = login(&t, "u_admin").await;
    assert!(
        get(&t, &unit, "/settings")
            .await
            .body
            .contains("10,500.50 元")
    );
    let p = t.app.calc_params(t.d_a, None).await.unwrap();
    assert_eq!(p.decimal(key).unwrap().to_string(), "10500.5");
    // Saving the shown value again changes nothing.
    saved(set_param(&t, &admin, key, Some("10500.50")).await);
    let p = t.app.calc_params(t.d_a, None).await.unwrap();
    assert_eq!(p.decimal(key).unwrap().to_string(), "10500.5");
    let j = get(&t, &admin, "/api/v1/settings").await.json();
    let row = j
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == key)
        .cloned();
    assert!(row.is_some(), "{j}");
}

/// A record holding a value from before the lists (or a disabled item) shows it as an
/// extra option and can be saved unchanged; another value outside the list is refused.
#[tokio::test]
async fn an_edit_keeps_a_value_from_before_the_lists() {
    let t = setup().await;
    let u = t.unit("luotuo");
    let who = login(&t, "u_admin").await;
    let id_no = id_number("19850312", 17);
    let base = [
        ("name", "张伟"),
        ("id_number", id_no.as_str()),
        ("identity", "temporary"),
        ("establishment", "none"),
        ("education", "大学专科"),
    ];
    let r = post_form(&t, &who, &format!("/units/{u}/people/new"), &base).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id = crate::people::person_of(&r);
    // The value as typed before the lists existed (and not mapped by the migration).
    let db = jiguan_store::SqlStore::open(&t._dir.path().join("w.db").to_string_lossy())
        .await
        .unwrap();
    db.db
        .execute(
            "UPDATE people SET education = '大专（函授）' WHERE id = $1",
            &[jiguan_store::Value::from(id)],
        )
        .await
        .unwrap();
    let edit = format!("/units/{u}/people/{id}/edit");
    let r = get(&t, &who, &edit).await;
    assert!(
        r.body.contains(
            "<option value=\"大专（函授）\" selected>大专（函授）（不在数据字典中）</option>"
        ),
        "{}",
        r.body
    );
    let mut f = base.to_vec();
    f[4] = ("education", "大专（函授）");
    f.push(("phone", "0574-86000000"));
    let r = post_form(&t, &who, &edit, &f).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    f[4] = ("education", "函授");
    let r = post_form(&t, &who, &edit, &f).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("学历：“函授”不在数据字典中"), "{}", r.body);
}
