//! Declared relations (亲属关系) from and to Excel through the pages and the JSON API, and
//! the roster export carrying the probation end (试用期满日期) back into the import.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use tower::ServiceExt;

use jiguan_domain::people::relation_template::relation_headers;
use jiguan_domain::tenancy::{DistrictId, UnitId};

use crate::helpers::*;
use crate::people::add_person;
use jiguan_testkit::fixtures::id_number;

/// A GET whose answer is kept as bytes (an xlsx download).
async fn get_bytes(t: &T, who: &Who, path: &str) -> (StatusCode, Vec<u8>) {
    let req = Request::builder()
        .uri(path)
        .header(header::COOKIE, who.cookie.clone().unwrap())
        .body(Body::empty())
        .unwrap();
    let resp = t.router.clone().oneshot(with_addr(req)).await.unwrap();
    let status = resp.status();
    let bytes = axum::body::to_bytes(resp.into_body(), 10 << 20)
        .await
        .unwrap();
    (status, bytes.to_vec())
}

fn with_addr(mut req: Request<Body>) -> Request<Body> {
    req.extensions_mut()
        .insert(axum::extract::ConnectInfo(std::net::SocketAddr::from((
            [10, 0, 0, 9],
            4000,
        ))));
    req
}

/// A multipart POST of `file` (bytes, named `name`) to `path`, with the session's CSRF
/// token as the form field `_csrf` when `csrf`, in `lang`.
async fn upload_bytes(
    t: &T,
    who: &Who,
    path: &str,
    name: &str,
    file: &[u8],
    csrf: bool,
    lang: &str,
) -> Resp {
    let b = "----jiguanrelations";
    let mut body: Vec<u8> = Vec::new();
    if csrf {
        body.extend_from_slice(
            format!(
                "--{b}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{}\r\n",
                who.csrf.clone().unwrap()
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!("--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{b}--\r\n").as_bytes());
    let req = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::COOKIE, who.cookie.clone().unwrap())
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={b}"),
        )
        .header(header::ACCEPT_LANGUAGE, lang)
        .body(Body::from(body))
        .unwrap();
    oneshot(t, req).await
}

fn count(body: &str, id: &str) -> String {
    body.split(&format!("<dd id=\"{id}\">"))
        .nth(1)
        .and_then(|s| s.split("</dd>").next())
        .unwrap_or("")
        .to_string()
}

/// Adds a temporary worker to `unit` as that unit's administrator; (id, ID number).
async fn worker(t: &T, d: DistrictId, u: UnitId, name: &str, seq: u32) -> (i64, String) {
    let a = hr_of(t, d, u);
    let id = id_number("19880315", seq);
    let f = jiguan_domain::people::PersonForm {
        name: name.into(),
        id_number: id.clone(),
        identity: "临时工".into(),
        establishment: "编外".into(),
        ..Default::default()
    };
    let p = t
        .app
        .create_person(&a, u, &f, &Default::default())
        .await
        .unwrap();
    (p.0, id)
}

fn csv(rows: &[[&str; 5]]) -> Vec<u8> {
    let mut out = relation_headers().join(",") + "\n";
    for r in rows {
        out.push_str(&r.join(","));
        out.push('\n');
    }
    out.into_bytes()
}

#[tokio::test]
async fn relations_import_export_pages_api_and_roles() {
    let t = setup().await;
    let (lu, jl, dg) = (t.unit("luotuo"), t.unit("jiulonghu"), t.unit("dagang"));
    let db = district_b(&t).await;
    let (_, n1) = worker(&t, t.d_a, lu, "骆驼甲", 501).await;
    let (_, n2) = worker(&t, t.d_a, lu, "骆驼乙", 503).await;
    let (_, n3) = worker(&t, t.d_a, jl, "九龙丙", 505).await;
    let (_, n4) = worker(&t, db, dg, "北仑丁", 507).await;
    let hr = login(&t, "u_admin").await;
    let page = format!("/units/{lu}/people/relations/import");
    let api = format!("/api/v1/units/{lu}/people/relations/import");

    // The roster links to the import and the export; the form and the template.
    let r = get(&t, &hr, &format!("/units/{lu}/people")).await;
    r.assert_has(&["id=\"relations-import\"", "id=\"relations-export\""]);
    let r = get(&t, &hr, &page).await;
    assert_eq!(r.status, StatusCode::OK);
    r.assert_has(&["id=\"relations-import-form\"", "name=\"_csrf\""]);
    let (st, tpl) = get_bytes(
        &t,
        &hr,
        &format!("/units/{lu}/people/relations/template.xlsx"),
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    let tt = jiguan_excel::import::read_table(&tpl, &Default::default());
    assert_eq!(tt.map(|x| x.headers).ok(), Some(relation_headers()));

    // Every bad row named (row, column, reason in Chinese); nothing written.
    let bad = csv(&[
        [&n1, "骆驼甲", "配偶", &n2, "骆驼乙"],
        [&n3, "九龙丙", "父母", &n2, "骆驼乙"],
        [&n1, "骆驼甲", "父母", &n4, "北仑丁"],
        [&n2, "骆驼乙", "同事", &n3, "九龙丙"],
        [&n2, "骆驼乙", "配偶", &n2, "骆驼乙"],
        [&n2, "骆驼乙", "配偶", &n1, "骆驼甲"],
        [&n1, "骆驼甲", "兄弟姐妹", &n3, "九龙乙"],
    ]);
    let r = upload_bytes(&t, &hr, &page, "亲属.csv", &bad, true, "zh-CN").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    r.assert_has(&["id=\"import-refused\""]);
    assert_error_rows(
        &r.body,
        &[
            ("3", "人员身份证号", "应由其所在单位导入"),
            ("4", "亲属身份证号", "本区没有登记此身份证号的人员"),
            ("5", "亲属关系", "不是可选的值"),
            ("6", "亲属身份证号", "不能登记本人"),
            ("7", "亲属身份证号", "与文件第 2 行重复"),
            ("8", "亲属姓名", "与身份证号登记的姓名不符"),
        ],
    );
    let list = get(&t, &hr, &format!("/api/v1/units/{lu}/people/relations")).await;
    assert_eq!(list.json().as_array().unwrap().len(), 0);
    let audit = t.app.store.audit_count().await.unwrap();

    // Without the CSRF token: refused, nothing written.
    let good = csv(&[
        [&n1, "骆驼甲", "配偶", &n2, "骆驼乙"],
        [&n1, "骆驼甲", "兄弟姐妹", &n3, "九龙丙"],
    ]);
    let r = upload_bytes(&t, &hr, &page, "亲属.csv", &good, false, "zh-CN").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(t.app.store.audit_count().await.unwrap(), audit);

    // A clean file: written and audited (one entry per relation).
    let r = upload_bytes(&t, &hr, &page, "亲属.csv", &good, true, "zh-CN").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.assert_has(&["id=\"import-written\""]);
    assert_eq!(count(&r.body, "count-created"), "2");
    assert_eq!(t.app.store.audit_count().await.unwrap(), audit + 2);
    // The same file again: nothing changes, nothing audited.
    let r = upload_bytes(&t, &hr, &page, "亲属.csv", &good, true, "zh-CN").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(count(&r.body, "count-created"), "0");
    assert_eq!(count(&r.body, "count-unchanged"), "2");
    assert_eq!(t.app.store.audit_count().await.unwrap(), audit + 2);

    // The export (xlsx) imports back through the API as it is.
    let (st, xlsx) = get_bytes(
        &t,
        &hr,
        &format!("/units/{lu}/people/relations/export.xlsx"),
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    let back = jiguan_excel::import::read_table(&xlsx, &Default::default()).unwrap();
    assert_eq!(back.headers, relation_headers());
    assert_eq!(back.rows.len(), 2);
    assert!(
        back.rows
            .iter()
            .any(|r| r[0] == n1 && r[2] == "兄弟姐妹" && r[3] == n3)
    );
    let audit = t.app.store.audit_count().await.unwrap();
    let r = upload_bytes(&t, &hr, &api, "export.xlsx", &xlsx, true, "zh-CN").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["created"], 0);
    assert_eq!(r.json()["unchanged"], 2);
    assert_eq!(r.json()["written"], false);
    assert_eq!(t.app.store.audit_count().await.unwrap(), audit);

    // The API: a refused file is a 422 naming each cell.
    let r = upload_bytes(&t, &hr, &api, "x.csv", &bad, true, "en").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let v = r.json();
    assert_eq!(v["errors"][2]["field"], "rows.5.relation");
    assert_eq!(v["errors"][2]["code"], "choice_invalid");
    let r = upload_bytes(&t, &hr, &api, "x.csv", &bad, true, "zh-CN").await;
    assert!(
        r.json()["errors"][2]["message"]
            .as_str()
            .unwrap()
            .starts_with("第 5 行“亲属关系”"),
        "{}",
        r.body
    );
    // The JSON export: full numbers for the HR office, masked for a body head.
    let list = get(&t, &hr, &format!("/api/v1/units/{lu}/people/relations")).await;
    assert_eq!(
        list.json()[0]["person_id_number"].as_str().unwrap().len(),
        18
    );
    let head = login(&t, "u_head").await;
    let list = get(&t, &head, &format!("/api/v1/units/{lu}/people/relations")).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("********") && !list.body.contains(&n1));

    // Roles: a body head and staff may not import; another district never reaches the unit.
    let staff = login(&t, "u_staff").await;
    let b = login(&t, "b_unit_admin").await;
    let audit = t.app.store.audit_count().await.unwrap();
    let r = upload_bytes(&t, &head, &api, "x.csv", &good, true, "zh-CN").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = upload_bytes(&t, &staff, &page, "x.csv", &good, true, "zh-CN").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    for path in [
        format!("/units/{lu}/people/relations/export.xlsx"),
        format!("/api/v1/units/{lu}/people/relations"),
        page.clone(),
    ] {
        let r = get(&t, &b, &path).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        assert!(!r.body.contains("骆驼甲"));
    }
    let r = upload_bytes(&t, &b, &api, "x.csv", &good, true, "zh-CN").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(t.app.store.audit_count().await.unwrap(), audit);
}

/// The roster export carries 试用期满日期 in the import's column: an export imports back
/// unchanged, and restores a probation end cleared in between.
#[tokio::test]
async fn roster_export_round_trips_the_probation_end() {
    let t = setup().await;
    let u = t.unit("luotuo");
    let hr = login(&t, "u_admin").await;
    let id = id_number("19900315", 611);
    let fields = [
        ("name", "试用甲"),
        ("id_number", id.as_str()),
        ("identity", "temporary"),
        ("establishment", "none"),
        ("work_start", "2020-07-01"),
        ("unit_join", "2020-07-01"),
        ("basic_pay", "48000"),
    ];
    let mut with_probation = fields.to_vec();
    with_probation.push(("probation_end", "2021-07-01"));
    let r = add_person(&t, &hr, u, &with_probation).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let person = crate::people::person_of(&r);

    let (st, xlsx) = get_bytes(&t, &hr, &format!("/units/{u}/people/export/roster.xlsx")).await;
    assert_eq!(st, StatusCode::OK);
    let table = jiguan_excel::import::read_table(&xlsx, &Default::default()).unwrap();
    let col = table
        .headers
        .iter()
        .position(|h| h == "试用期满日期")
        .unwrap();
    assert_eq!(table.rows[0][col], "2021-07-01", "{:?}", table.headers);
    assert_eq!(table.headers.len(), table.rows[0].len());

    // The export imports back as it is: nothing to change, no error.
    let import = format!("/units/{u}/people/import");
    let r = upload_bytes(&t, &hr, &import, "花名册.xlsx", &xlsx, true, "zh-CN").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(!r.body.contains("import-errors"), "{}", r.body);
    assert_eq!(count(&r.body, "count-unchanged"), "1", "{}", r.body);

    // Cleared on the edit form, then restored by importing the export.
    let r = post_form(
        &t,
        &hr,
        &format!("/units/{u}/people/{person}/edit"),
        &fields,
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let p = get(&t, &hr, &format!("/api/v1/units/{u}/people/{person}")).await;
    assert!(p.json()["person"]["probation_end"].is_null(), "{}", p.body);
    let r = upload_bytes(&t, &hr, &import, "花名册.xlsx", &xlsx, true, "zh-CN").await;
    let r = crate::people::finish_import(&t, &hr, r).await;
    assert_eq!(count(&r.body, "count-updated"), "1", "{}", r.body);
    let p = get(&t, &hr, &format!("/api/v1/units/{u}/people/{person}")).await;
    assert_eq!(
        p.json()["person"]["probation_end"],
        "2021-07-01",
        "{}",
        p.body
    );
}
