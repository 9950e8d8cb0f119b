//! Establishment and people (编制与实名制) through the pages.

use axum::http::{Method, StatusCode, header};

use jiguan_domain::auth::Role;
use jiguan_domain::tenancy::UnitId;

use crate::helpers::*;
use jiguan_testkit::fixtures::id_number;

// ---- Establishment and people (编制与实名制) ----

async fn set_quota(t: &T, unit: UnitId, pairs: &[(&str, &str)]) {
    let who = login(t, "d_admin").await;
    post_form_ok(
        t,
        &who,
        &format!("/units/{unit}/people/establishment"),
        pairs,
    )
    .await;
}

pub async fn add_person(t: &T, who: &Who, unit: UnitId, fields: &[(&str, &str)]) -> Resp {
    post_form(t, who, &format!("/units/{unit}/people/new"), fields).await
}

/// A temporary worker (临时人员, no establishment) named `name` with ID number `id` added
/// to `unit` through the people form, with `extra` fields after those.
pub async fn add_temp_fields(
    t: &T,
    who: &Who,
    unit: UnitId,
    name: &str,
    id: &str,
    extra: &[(&str, &str)],
) -> Resp {
    let mut fields = vec![
        ("name", name),
        ("id_number", id),
        ("identity", "temporary"),
        ("establishment", "none"),
    ];
    fields.extend_from_slice(extra);
    add_person(t, who, unit, &fields).await
}

/// A temporary worker (no establishment, born 1988-03-15, ID sequence `seq`) added to
/// `unit` through the people form; its id.
pub async fn add_temp(t: &T, who: &Who, unit: UnitId, name: &str, seq: u32) -> i64 {
    add_temp_with_id(t, who, unit, name, seq).await.0
}

/// [`add_temp`], with the worker's ID number too.
pub async fn add_temp_with_id(
    t: &T,
    who: &Who,
    unit: UnitId,
    name: &str,
    seq: u32,
) -> (i64, String) {
    let id = id_number("19880315", seq);
    let service = [("work_start", "2010-07-01"), ("unit_join", "2015-03-01")];
    let pay = [("basic_pay", "48000"), ("allowances", "6000")];
    let r = add_temp_fields(t, who, unit, name, &id, &[service, pay].concat()).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    (person_of(&r), id)
}

pub fn person_of(r: &Resp) -> i64 {
    let location = r.location();
    let (_, last) = location.rsplit_once('/').unwrap_or(("", &location));
    last.split('?').next().unwrap().parse().unwrap()
}

/// A multipart POST to `path`: the `fields` first, then `file` as a CSV named `name`.
pub async fn multipart(
    t: &T,
    who: &Who,
    path: &str,
    fields: &[(&str, &str)],
    name: &str,
    file: &str,
) -> Resp {
    let b = "----jiguanboundary7";
    let mut body = String::new();
    for (k, v) in fields {
        body.push_str(&format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
        ));
    }
    body.push_str(&format!(
        "--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: text/csv\r\n\r\n{file}\r\n--{b}--\r\n"
    ));
    let ct = format!("multipart/form-data; boundary={b}");
    send(t, who, Method::POST, path, Some((&ct, body))).await
}

/// A multipart upload of `file` with the CSRF token in the query string.
async fn upload(
    t: &T,
    who: &Who,
    unit: UnitId,
    name: &str,
    file: &str,
    fields: &[(&str, &str)],
) -> Resp {
    let csrf = who.csrf.clone().unwrap();
    let path = format!("/units/{unit}/people/import?_csrf={csrf}");
    multipart(t, who, &path, fields, name, file).await
}

#[tokio::test]
async fn people_form_names_every_invalid_field() {
    let t = setup().await;
    let u = t.unit("luotuo");
    let who = login(&t, "u_admin").await;
    let r = add_person(
        &t,
        &who,
        u,
        &[
            ("name", ""),
            ("id_number", "330211198503120018"),
            ("gender", "female"),
            ("identity", "civil_servant"),
            ("establishment", "institution"),
            ("basic_pay", "12.345"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("id=\"err-name\""));
    assert!(r.body.contains("id=\"err-id_number\"") && r.body.contains("校验码不正确"));
    assert!(r.body.contains("id=\"err-establishment\"") && r.body.contains("不得混用"));
    assert!(r.body.contains("id=\"err-basic_pay\""));
    // Valid number, gender that disagrees with it.
    let r = add_temp_fields(
        &t,
        &who,
        u,
        "张伟",
        &id_number("19850312", 1),
        &[("gender", "female")],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("id=\"err-gender\"") && r.body.contains("与身份证号不符"));
    // The API names the fields too.
    let (path, body) = (
        format!("/api/v1/units/{u}/people"),
        format!(
            r#"{{"name":"张伟","id_number":"{}","birth_date":"1985-03-13","identity":"temporary","establishment":"none"}}"#,
            id_number("19850312", 1)
        ),
    );
    let r = api_post(&t, &who, &path, &body).await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "session writes need the header"
    );
    let mut w = who.clone();
    w.bearer = Some(
        t.app
            .create_api_token(&actor_of(&t, &accounts()[2]), "t")
            .await
            .unwrap()
            .1,
    );
    w.cookie = None;
    let r = api_post(&t, &w, &path, &body).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["errors"][0]["field"], "birth_date");
    assert_eq!(r.json()["errors"][0]["code"], "birth_mismatch");
    // A value of the wrong type is named as well, in the person and in the change's
    // options (one body read as two parts), and nothing is written.
    let before = get(&t, &w, &path).await.json()["total"].clone();
    for (bad, field) in [
        (r#"{"name":5}"#.to_string(), "name"),
        (
            r#"{"name":"张伟","exception_doc":[1]}"#.to_string(),
            "exception_doc",
        ),
        (
            body.replace("\"identity\"", "\"on\":false,\"identity\""),
            "on",
        ),
    ] {
        let r = api_post(&t, &w, &path, &bad).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{bad}: {}",
            r.body
        );
        assert_eq!(
            (r.json()["code"].as_str(), r.json()["field"].as_str()),
            (Some("invalid_json"), Some(field)),
            "{bad}"
        );
    }
    let change = format!("/api/v1/units/{u}/people/999999/changes");
    let r = api_post(&t, &w, &change, r#"{"action":"status","doc_no":7}"#).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["field"], "doc_no");
    assert_eq!(get(&t, &w, &path).await.json()["total"], before);
}

#[tokio::test]
async fn people_over_establishment_is_refused_unless_approved() {
    let t = setup().await;
    let u = t.unit("luotuo");
    set_quota(&t, u, &[("q_administrative", "1"), ("q_institution", "0")]).await;
    let who = login(&t, "u_admin").await;
    let civil = |name: &'static str, id: String| {
        vec![
            ("name", name.to_string()),
            ("id_number", id),
            ("identity", "civil_servant".into()),
            ("establishment", "administrative".into()),
        ]
    };
    let f1 = civil("甲", id_number("19800101", 11));
    let f1: Vec<(&str, &str)> = f1.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = add_person(&t, &who, u, &f1).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let f2 = civil("乙", id_number("19800102", 13));
    let mut f2: Vec<(&str, &str)> = f2.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = add_person(&t, &who, u, &f2).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body
            .contains("超编——骆驼街道行政编制核定 1 名，现有 1 名，办理后将有 2 名"),
        "{}",
        r.body
    );
    f2.push(("exception_doc", "镇编办〔2026〕3号"));
    let r = add_person(&t, &who, u, &f2).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = get(&t, &who, &format!("/units/{u}/people/establishment")).await;
    assert!(r.body.contains("镇编办〔2026〕3号") && r.body.contains("乙"));
    assert!(
        r.body
            .contains("<strong class=\"tag warn\">超编 1</strong>"),
        "{}",
        r.body
    );
    // The district table shows it too, and only the unit administrator may not set quotas.
    let d = login(&t, "d_admin").await;
    let r = get(&t, &d, "/people").await;
    assert!(r.body.contains("骆驼街道") && !r.body.contains("北仑"));
    let r = get(&t, &who, &format!("/api/v1/units/{u}/establishment")).await;
    assert_eq!(r.json()["uses"][0]["over"], 1);
    assert_eq!(r.json()["exceptions"][0]["doc_no"], "镇编办〔2026〕3号");
}

/// A CSV with many kinds of error; only row 2 is valid (row 9 repeats its ID number).
/// A multipart upload of `csv` with `token` as its first field, nothing in the query.
async fn upload_with_field(t: &T, who: &Who, unit: UnitId, token: &str, csv: &str) -> Resp {
    let path = format!("/units/{unit}/people/import");
    multipart(t, who, &path, &[("_csrf", token)], "p.csv", csv).await
}

fn import_fixture() -> String {
    let lines = [
        "姓名,性别,身份证号,出生日期,身份,编制类型,基本工资（元/年）,参加工作时间".to_string(),
        format!(
            "张伟,男,{},1985-03-12,公务员,行政编制,60000,2007-08-01",
            id_number("19850312", 17)
        ),
        format!(",男,{},,临时工,编外,,", id_number("19900101", 21)),
        "李娜,女,330211198503120018,,临时工,编外,,".to_string(),
        format!("王芳,男,{},,临时工,编外,,", id_number("19900102", 22)),
        format!(
            "赵丽,,{},1990-01-04,外星人,编外,abc,2030-01-01",
            id_number("19900103", 24)
        ),
        format!("孙强,,{},,临时工,编外,1.234,", id_number("19900105", 25)),
        format!("周芳,,{},,事业干部,行政编制,,", id_number("19900106", 26)),
        format!("重复,,{},,临时工,编外,,", id_number("19850312", 17)),
    ];
    lines.join("\n") + "\n"
}

#[tokio::test]
async fn people_import_lists_every_error_and_is_idempotent() {
    let t = setup().await;
    let u = t.unit("luotuo");
    set_quota(&t, u, &[("q_administrative", "5")]).await;
    let who = login(&t, "u_admin").await;
    let r = get(&t, &who, &format!("/units/{u}/people/import/template.xlsx")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.headers
            .get(header::CONTENT_TYPE)
            .unwrap()
            .to_str()
            .unwrap()
            .contains("spreadsheetml")
    );

    let csv = import_fixture();
    let r = upload(&t, &who, u, "花名册.csv", &csv, &[("mode", "all")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("id=\"import-refused\""));
    assert_error_rows(
        &r.body,
        &[
            ("3", "姓名", "必填"),
            ("4", "身份证号", "校验码不正确"),
            ("5", "性别", "与身份证号不符"),
            ("6", "出生日期", "与身份证号中的出生日期 1990-01-03 不符"),
            ("6", "参加工作时间", "不能晚于今天"),
            ("6", "身份", "不是可选的值"),
            ("6", "基本工资（元/年）", "金额格式不正确"),
            ("7", "基本工资（元/年）", "最多两位小数"),
            ("8", "编制类型", "不得混用"),
            ("9", "身份证号", "与文件第 2 行重复"),
        ],
    );
    // Nothing was written.
    let roster = get(&t, &who, &format!("/api/v1/units/{u}/people")).await;
    assert_eq!(roster.json()["total"], 0);

    // Only the valid rows, when asked: written by a background job.
    let r = upload(&t, &who, u, "花名册.csv", &csv, &[("mode", "valid")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = finish_import(&t, &who, r).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        r.body.contains("<dd id=\"count-created\">1</dd>"),
        "{}",
        r.body
    );
    assert!(r.body.contains("<dd id=\"count-invalid\">7</dd>"));
    let roster = get(&t, &who, &format!("/api/v1/units/{u}/people")).await;
    assert_eq!(roster.json()["total"], 1);
    let audit = t.app.store.audit_count().await.unwrap();
    // The same file again changes nothing.
    let r = upload(&t, &who, u, "花名册.csv", &csv, &[("mode", "valid")]).await;
    assert!(
        r.body.contains("<dd id=\"count-created\">0</dd>")
            && r.body.contains("<dd id=\"count-unchanged\">1</dd>"),
        "{}",
        r.body
    );
    assert!(r.body.contains("<dd id=\"count-updated\">0</dd>"));
    assert_eq!(t.app.store.audit_count().await.unwrap(), audit);
    // Hostile files get a clear message.
    let r = upload(&t, &who, u, "x.xlsx", "PK\u{3}\u{4}not a zip", &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("无法读取文件"));
}

#[tokio::test]
async fn people_secondment_history_and_masking() {
    let t = setup().await;
    let (u, sib) = (t.unit("luotuo"), t.unit("jiulonghu"));
    let who = login(&t, "u_admin").await;
    let id = id_number("19880808", 35);
    let r = add_temp_fields(&t, &who, u, "钱七", &id, &[("on", "2024-01-02")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let p = person_of(&r);
    let sib_s = sib.to_string();
    post_form_ok(
        &t,
        &who,
        &format!("/units/{u}/people/{p}/change"),
        &[
            ("action", "lend"),
            ("to_unit", sib_s.as_str()),
            ("on", "2025-03-01"),
            ("doc_no", "骆街〔2025〕5号"),
        ],
    )
    .await;
    // Home unit: lent out; the unit administrator sees the full number.
    let r = get(&t, &who, &format!("/units/{u}/people/{p}")).await;
    assert!(r.body.contains(&id), "unit admin sees the full number");
    assert!(r.body.contains("id=\"person-status\">借出"));
    assert!(r.body.contains("九龙湖镇") && r.body.contains("骆街〔2025〕5号"));
    let history = r.body.split("id=\"history-table\"").nth(1).unwrap();
    assert!(history.contains("2024-01-02") && history.contains("新进"));
    assert!(history.contains("2025-03-01") && history.contains("借出"));
    // A body head sees the number masked, on the roster and the person page.
    let head = login(&t, "u_head").await;
    let masked = format!("{}********{}", &id[..6], &id[14..]);
    for path in [
        format!("/units/{u}/people"),
        format!("/units/{u}/people/{p}"),
        format!("/api/v1/units/{u}/people/{p}"),
    ] {
        let r = get(&t, &head, &path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert!(!r.body.contains(&id) && r.body.contains(&masked), "{path}");
    }
    // Host unit: borrowed in (district view), not editable there.
    let d = login(&t, "d_admin").await;
    let r = get(&t, &d, &format!("/units/{sib}/people")).await;
    assert!(
        r.body.contains("钱七") && r.body.contains("借入"),
        "{}",
        r.body
    );
    let r = get(&t, &d, &format!("/api/v1/units/{sib}/people/{p}")).await;
    assert_eq!(r.json()["person"]["status"], "borrowed_in");
    // Foreign ids: another unit's person through this unit, or another district.
    let r = get(&t, &head, &format!("/units/{sib}/people/{p}")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let other = add_temp_fields(&t, &who, u, "孙八", &id_number("19880809", 37), &[]).await;
    let q = person_of(&other);
    let r = get(&t, &d, &format!("/units/{sib}/people/{q}")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let b = login(&t, "b_admin").await;
    for path in [
        format!("/units/{u}/people/{q}"),
        format!("/api/v1/units/{u}/people/{q}"),
    ] {
        let r = get(&t, &b, &path).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        assert!(!r.body.contains("孙八"));
    }
    // Back from secondment.
    post_form_ok(
        &t,
        &who,
        &format!("/units/{u}/people/{p}/change"),
        &[("action", "lend_end"), ("on", "2025-09-01")],
    )
    .await;
    let r = get(&t, &d, &format!("/units/{sib}/people")).await;
    assert!(!r.body.contains("钱七"));
    // Roster exports: masked for the body head.
    let r = get(&t, &head, &format!("/units/{u}/people/export/roster.xlsx")).await;
    assert_eq!(r.status, StatusCode::OK);
}

/// Follows an import's redirect to its job page and polls it (a bounded number of times)
/// until the job has finished; returns the last page.
pub async fn finish_import(t: &T, who: &Who, r: Resp) -> Resp {
    if r.status != StatusCode::SEE_OTHER {
        return r;
    }
    let job = r.location();
    assert!(job.contains("/people/import/jobs/"), "{job}");
    let mut last = get(t, who, &job).await;
    for _ in 0..500 {
        if !last.body.contains("id=\"import-job\"") {
            break;
        }
        assert_eq!(last.status, StatusCode::OK);
        assert!(last.body.contains("<progress id=\"import-progress\""));
        assert!(last.body.contains("http-equiv=\"refresh\""));
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        last = get(t, who, &job).await;
    }
    assert!(
        !last.body.contains("id=\"import-job\""),
        "the import job never finished"
    );
    last
}

#[tokio::test]
async fn people_import_runs_as_a_job_with_progress() {
    let t = setup().await;
    let (u, sib) = (t.unit("luotuo"), t.unit("jiulonghu"));
    let who = login(&t, "u_admin").await;
    let mut lines = vec!["姓名,身份证号,身份,编制类型".to_string()];
    for i in 0..120u32 {
        lines.push(format!(
            "临时{i},{},临时工,编外",
            id_number("19900101", 100 + i)
        ));
    }
    let csv = lines.join("\n") + "\n";
    let r = upload(&t, &who, u, "大名册.csv", &csv, &[("mode", "all")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let job = r.location();
    let prefix = format!("/units/{u}/people/import/jobs/");
    assert!(job.starts_with(&prefix), "{job}");
    let id = job[prefix.len()..].to_string();
    let done = finish_import(&t, &who, r).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(done.body.contains("id=\"import-written\""), "{}", done.body);
    assert!(done.body.contains("<dd id=\"count-rows\">120</dd>"));
    assert!(done.body.contains("<dd id=\"count-created\">120</dd>"));
    assert!(done.body.contains("<dd id=\"count-invalid\">0</dd>"));
    let roster = get(&t, &who, &format!("/api/v1/units/{u}/people")).await;
    assert_eq!(roster.json()["total"], 120);
    // The finished job stays readable for its unit.
    let again = get(&t, &who, &job).await;
    assert_eq!(again.status, StatusCode::OK);
    assert!(again.body.contains("<dd id=\"count-created\">120</dd>"));

    // Another unit's admin (same district) gets 404 under its own unit, and no page
    // under ours; district B's unit admin gets 404 too.
    t.app
        .system_create_user(
            t.d_a,
            Some(sib),
            "sib_admin",
            "甲sib_admin",
            &[Role::UnitAdmin],
            PW,
            false,
        )
        .await
        .unwrap();
    let other = login(&t, "sib_admin").await;
    let r = get(&t, &other, &format!("/units/{sib}/people/import/jobs/{id}")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(!r.body.contains("count-created"));
    let r = get(&t, &other, &job).await;
    assert!(
        r.status == StatusCode::NOT_FOUND || r.status == StatusCode::FORBIDDEN,
        "{}",
        r.status
    );
    let foreign = login(&t, "b_unit_admin").await;
    let dagang = t.unit("dagang");
    let foreign_job = format!("/units/{dagang}/people/import/jobs/{id}");
    let r = get(&t, &foreign, &foreign_job).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // Users of the unit without the right are refused; unknown jobs are 404.
    let staff = login(&t, "u_staff").await;
    let r = get(&t, &staff, &job).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = get(&t, &who, &format!("{prefix}no-such-job")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // A refused file is still answered at once, without a job.
    let bad = format!("{}\n坏,330211198503120018,临时工,编外\n", lines[0]);
    let r = upload(&t, &who, u, "坏.csv", &bad, &[("mode", "all")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("id=\"import-errors\""));
}

/// Defect 6 (issue 12): a person's name is labelled 姓名 (not 名称, which names bodies and
/// units) on the person pages: the record, the form, and the posts person page.
#[tokio::test]
async fn person_name_is_labelled_xingming() {
    let t = setup().await;
    let u = t.unit("luotuo");
    let who = login(&t, "u_admin").await;
    let r = get(&t, &who, &format!("/units/{u}/people/new")).await;
    assert!(
        r.body.contains("<label for=\"name\">姓名</label>"),
        "{}",
        r.body
    );
    let person = add_temp(&t, &who, u, "王名", 41).await;
    for path in [
        format!("/units/{u}/people/{person}"),
        format!("/units/{u}/posts/people/{person}"),
    ] {
        let r = get(&t, &who, &path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert!(
            r.body.contains("<dt>姓名</dt><dd id=\"person-name\">"),
            "{path}: {}",
            r.body
        );
        assert!(!r.body.contains("<dt>名称</dt>"), "{path}");
    }
}

/// Defect 6 (issue 12): the import form carries the CSRF token as a form field, not in its
/// URL; the guard reads `_csrf` from the multipart body.
#[tokio::test]
async fn import_form_sends_the_csrf_token_as_a_field_not_in_the_url() {
    let t = setup().await;
    let u = t.unit("luotuo");
    let who = login(&t, "u_admin").await;
    let r = get(&t, &who, &format!("/units/{u}/people/import")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.body.contains("_csrf="), "{}", r.body);
    let form = r
        .body
        .split("id=\"import-form\"")
        .nth(1)
        .and_then(|s| s.split("</form>").next())
        .unwrap_or_default();
    assert!(form.contains("name=\"_csrf\""), "{form}");
    // The token as the first multipart field, nothing in the query: accepted.
    let r = upload_with_field(&t, &who, u, &who.csrf.clone().unwrap(), &import_fixture()).await;
    assert_ne!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    // A wrong token in the field is still refused.
    let r = upload_with_field(&t, &who, u, "forged", "a,b").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
}

/// Issue 17, point 3: at most a few imports run at once; a further one waits in a queue,
/// its place shown on its job page, and runs (all or nothing) when a turn is free.
#[tokio::test]
async fn concurrent_imports_wait_in_a_queue_with_their_place_shown() {
    let mut t = setup().await;
    let jobs = jiguan_web::jobs::ImportJobs::with_limit(1);
    t.router = jiguan_web::router(jiguan_web::AppState {
        app: t.app.clone(),
        web: jiguan_web::WebConfig::default(),
        jobs: jobs.clone(),
    });
    let u = t.unit("luotuo");
    let who = login(&t, "u_admin").await;
    // Another import holds the only turn.
    let running = jobs.try_run().expect("a free turn");
    assert!(jobs.try_run().is_none());
    let file = |base: u32| {
        let mut lines = vec!["姓名,身份证号,身份,编制类型".to_string()];
        for i in 0..5u32 {
            lines.push(format!(
                "排队{base}_{i},{},临时工,编外",
                id_number("19900101", base + i)
            ));
        }
        lines.join("\n") + "\n"
    };
    let first = upload(&t, &who, u, "一.csv", &file(300), &[("mode", "all")]).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    let second = upload(&t, &who, u, "二.csv", &file(400), &[("mode", "all")]).await;
    assert_eq!(second.status, StatusCode::SEE_OTHER, "{}", second.body);
    // A bad file queued behind them is checked in its turn and refused whole.
    let bad = "姓名,身份证号,身份,编制类型\n坏,330211198503120018,临时工,编外\n";
    let third = upload(&t, &who, u, "坏.csv", bad, &[("mode", "all")]).await;
    assert_eq!(third.status, StatusCode::SEE_OTHER, "{}", third.body);
    for (r, place) in [(&first, 1), (&second, 2), (&third, 3)] {
        let page = get(&t, &who, &r.location()).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("id=\"import-queued\""), "{}", page.body);
        assert!(
            page.body.contains(&format!("当前排在第 {place} 位")),
            "{place}: {}",
            page.body
        );
    }
    // Nothing is written while they wait.
    let roster = get(&t, &who, &format!("/api/v1/units/{u}/people")).await;
    assert_eq!(roster.json()["total"], 0);
    drop(running);
    let done = finish_import(&t, &who, second).await;
    assert!(
        done.body.contains("<dd id=\"count-created\">5</dd>"),
        "{}",
        done.body
    );
    let done = finish_import(&t, &who, first).await;
    assert!(
        done.body.contains("<dd id=\"count-created\">5</dd>"),
        "{}",
        done.body
    );
    let refused = finish_import(&t, &who, third).await;
    assert!(
        refused.body.contains("id=\"import-errors\""),
        "{}",
        refused.body
    );
    let roster = get(&t, &who, &format!("/api/v1/units/{u}/people")).await;
    assert_eq!(roster.json()["total"], 10);
    // The turn is free again: the next import runs at once.
    assert!(jobs.try_run().is_some());
}

/// Declared relations (亲属关系) through the person page and the API: both sides shown,
/// bad input named in the user's language, a relative of another district refused, and
/// roles and tenants on every new route with real ids.
#[tokio::test]
async fn relations_both_sides_bad_input_roles_and_tenants() {
    use jiguan_app::people::RelationForm;
    use jiguan_domain::people::PersonId;
    let t = setup().await;
    let (lu, jl, dg) = (t.unit("luotuo"), t.unit("jiulonghu"), t.unit("dagang"));
    let db = district_b(&t).await;
    let admin_of = |d, u| hr_of(&t, d, u);
    // Two temporary workers (编外, no quota needed) per unit, related as spouses.
    let mut pairs_of = Vec::new();
    for (i, (d, u, names)) in [
        (t.d_a, lu, ["骆驼甲", "骆驼乙"]),
        (t.d_a, jl, ["九龙甲", "九龙乙"]),
        (db, dg, ["北仑甲", "北仑乙"]),
    ]
    .into_iter()
    .enumerate()
    {
        let a = admin_of(d, u);
        let mut ids = Vec::new();
        for (k, name) in names.iter().enumerate() {
            let f = jiguan_domain::people::PersonForm {
                name: (*name).into(),
                id_number: id_number("19880315", (i * 2 + k) as u32 * 2 + 101),
                identity: "临时工".into(),
                establishment: "编外".into(),
                ..Default::default()
            };
            ids.push(
                t.app
                    .create_person(&a, u, &f, &Default::default())
                    .await
                    .unwrap(),
            );
        }
        t.app
            .add_person_relation(
                &a,
                u,
                ids[0],
                &RelationForm {
                    relative_id: ids[1].0.to_string(),
                    relation: "spouse".into(),
                },
            )
            .await
            .unwrap();
        let rel = t.app.person_relations(&a, u, ids[0]).await.unwrap()[0].id;
        pairs_of.push((ids[0], ids[1], rel));
    }
    let (own_a, own_b, _) = pairs_of[0];
    let hr = login(&t, "u_admin").await;
    // Both sides on the person pages.
    let page = get(&t, &hr, &format!("/units/{lu}/people/{}", own_b.0)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("person-relations") && page.body.contains("骆驼甲"));
    assert!(page.body.contains("配偶") && page.body.contains("夫妻"));
    // A parent, recorded from the child's side, reads as a child on the parent's page.
    let r = post_form(
        &t,
        &hr,
        &format!("/units/{lu}/people/{}/relations", own_a.0),
        &[
            ("relative_id", &id_number("19880315", 103)), // 骆驼乙
            ("relation", "parent"),
        ],
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "already spouses"
    );
    assert!(r.body.contains("两人之间已登记亲属关系"), "{}", r.body);
    // Bad input: named fields, in Chinese and in English.
    let r = post_form(
        &t,
        &hr,
        &format!("/units/{lu}/people/{}/relations", own_a.0),
        &[("relative_id", "abc"), ("relation", "同事")],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("err-relative_id") && r.body.contains("err-relation"));
    assert!(r.body.contains("亲属关系：不是可选的值"), "{}", r.body);
    let api = format!("/api/v1/units/{lu}/people/{}/relations", own_a.0);
    let send_json = |who: &Who, json: &str| {
        let b = axum::http::Request::builder()
            .method(Method::POST)
            .uri(&api)
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::COOKIE, who.cookie.clone().unwrap())
            .header("x-csrf-token", who.csrf.clone().unwrap())
            .header(header::ACCEPT_LANGUAGE, "en");
        oneshot(
            &t,
            b.body(axum::body::Body::from(json.to_string())).unwrap(),
        )
    };
    let r = send_json(
        &hr,
        &format!(r#"{{"relative_id":"{}","relation":"sibling"}}"#, own_a.0),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["errors"][0]["field"], "relative_id");
    assert_eq!(r.json()["errors"][0]["code"], "relation_self");
    // Another district's person (by id): refused as not a choice.
    let (foreign_a, _, foreign_rel) = pairs_of[2];
    let r = send_json(
        &hr,
        &format!(
            r#"{{"relative_id":"{}","relation":"sibling"}}"#,
            foreign_a.0
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["errors"][0]["code"], "choice_invalid");
    // A person of the sibling unit of the same district may be a relative.
    let (sib_a, _, _) = pairs_of[1];
    let r = send_json(
        &hr,
        &format!(r#"{{"relative_id":"{}","relation":"兄弟姐妹"}}"#, sib_a.0),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json().as_array().unwrap().len(), 2);
    // Staff may not record relations.
    let staff = login(&t, "u_staff").await;
    let r = send_json(&staff, r#"{"relative_id":"1","relation":"spouse"}"#).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Roles and tenants on every relation route, with real ids.
    let recs: Vec<(PersonId, i64)> = pairs_of.iter().map(|(a, _, r)| (*a, *r)).collect();
    let _ = foreign_rel;
    walk_routes_with_records(
        &t,
        &routes_containing("/relations"),
        &Records {
            own: recs[0],
            sib: recs[1],
            foreign: recs[2],
            param: "{person}",
            hidden: &["九龙乙", "北仑乙"],
        },
        |path, unit, (person, rel)| {
            path.replace("{unit}", &unit.to_string())
                .replace("{person}", &person.0.to_string())
                .replace("{relation}", &rel.to_string())
        },
    )
    .await;
}

/// A roster page costs two statements once its unit's bodies are kept (issue 17): the
/// session with its account and the page's unit, the page's rows with the total. It was six
/// (the unit, the two halves of the total and the bodies each on their own). A search on
/// SQLite costs two as well: the post texts that hold its grams are a subquery of the page
/// (PostgreSQL reads them first). Page 2 and a page past the end show the same total as
/// page 1.
#[tokio::test]
async fn a_roster_page_is_two_statements_with_the_total() {
    use jiguan_store::db::{recording, write_mark};
    let t = demo_t("luotuo").await;
    let u = t.unit("luotuo");
    let who = login(&t, "demo_unit").await;
    let path = format!("/units/{}/people", u.0);
    // A write anywhere in this process (other tests run alongside) makes the inbox badge
    // and the unit be read again: measure a request that follows one (which filled the
    // badge's cache) with nothing written since.
    let measured = async |path: &str| loop {
        let mark = write_mark();
        get(&t, &who, path).await;
        let (r, seen) = recording(get(&t, &who, path)).await;
        if write_mark() == mark {
            assert_eq!(r.status, StatusCode::OK);
            break (r, seen);
        }
    };
    let heads = |seen: &[(String, Vec<jiguan_store::Value>)]| -> Vec<String> {
        seen.iter()
            .map(|(s, _)| s.chars().take(60).collect())
            .collect()
    };
    let (r, seen) = measured(&path).await;
    assert_eq!(
        seen.len(),
        2,
        "statements of a roster page: {:#?}",
        heads(&seen)
    );
    assert!(seen[0].0.contains("FROM sessions") && seen[0].0.contains("JOIN units"));
    assert!(seen[1].0.contains("people_counters") && seen[1].0.contains("UNION ALL"));
    // A search: the page with its total, the post texts a subquery of it.
    let (found, seen) = measured(&format!("{path}?q=%E7%8E%8B")).await;
    assert_eq!(
        seen.len(),
        2,
        "statements of a roster search: {:#?}",
        heads(&seen)
    );
    assert!(
        seen[1].0.contains("COUNT(*) OVER ()") && seen[1].0.contains("people_post_grams"),
        "{:#?}",
        heads(&seen)
    );
    // A name is never looked up as an ID number: no branch for it.
    assert!(!seen[1].0.contains("id_number ="), "{:#?}", heads(&seen));
    assert!(found.body.contains("王"));
    let (_, seen) = measured(&format!("{path}?q=11010519491231002X")).await;
    assert!(seen[1].0.contains("id_number ="), "{:#?}", heads(&seen));
    let total = |body: &str| {
        let at = body
            .find("class=\"total\"")
            .expect("the pager shows the total");
        body[at..]
            .split("</span>")
            .next()
            .unwrap_or_default()
            .to_string()
    };
    let first = total(&r.body);
    let second = get(&t, &who, &format!("{path}?per_page=20&page=2")).await;
    assert_eq!(second.status, StatusCode::OK);
    assert_eq!(total(&second.body), first);
    let past = get(&t, &who, &format!("{path}?per_page=20&page=999")).await;
    assert_eq!(past.status, StatusCode::OK);
    assert_eq!(total(&past.body), first);
}

/// The bodies a roster page names are kept between pages (issue 17), but a write of this
/// process is seen at once: a renamed body shows renamed on the next page.
#[tokio::test]
async fn a_roster_names_a_renamed_body_at_once() {
    use crate::org::org_body;
    let t = setup().await;
    let unit = t.unit("luotuo");
    let ua = login(&t, "u_admin").await;
    let b = org_body(&t, &ua, unit, "农机站", "public_institution").await;
    let id = id_number("19880315", 7);
    let r = add_temp_fields(&t, &ua, unit, "张三", &id, &[("body", &b.to_string())]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let roster = format!("/units/{unit}/people");
    let before = get(&t, &ua, &roster).await;
    assert!(before.body.contains("农机站"), "{}", before.body);
    // Kept: the same page again names it too.
    assert!(get(&t, &ua, &roster).await.body.contains("农机站"));
    post_form_ok(
        &t,
        &ua,
        &format!("/units/{unit}/org/bodies/{b}/edit"),
        &[
            ("name", "农业服务站"),
            ("kind", "public_institution"),
            ("establishment", "3"),
        ],
    )
    .await;
    let after = get(&t, &ua, &roster).await;
    assert!(after.body.contains("农业服务站"), "{}", after.body);
    assert!(!after.body.contains("农机站"), "{}", after.body);
}
