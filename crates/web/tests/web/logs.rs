//! The audit log (操作日志) and the sign-in log (登录日志), and list pages as users expect
//! them: pager, page sizes, pinyin order.

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, StatusCode, header};
use tower::ServiceExt;

use jiguan_app::users::system_entry;
use jiguan_domain::audit::AuditEntry;
use jiguan_domain::auth::Role;
use jiguan_web::{AppState, WebConfig};

use crate::helpers::*;

/// The part of a page from the table with `id` to its end.
fn table<'a>(body: &'a str, id: &str) -> &'a str {
    let start = body
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no table {id}"));
    let rest = &body[start..];
    &rest[..rest.find("</table>").unwrap()]
}

/// Body rows of a table.
fn rows(body: &str, id: &str) -> usize {
    let t = table(body, id);
    t[t.find("<tbody>").unwrap()..].matches("<tr").count()
}

async fn edit_unit(t: &T, who: &Who, name: &str) {
    let id = t.unit("luotuo");
    post_form_ok(
        t,
        who,
        &format!("/units/{id}/edit"),
        &[
            ("code", "luotuo"),
            ("name", name),
            ("kind", "subdistrict"),
            ("active", "on"),
        ],
    )
    .await;
}

/// Today in China (UTC+8) by the test clock, as YYYY-MM-DD.
fn china_today(t: &T) -> chrono::NaiveDate {
    use jiguan_app::Clock;
    (t.clock.now() + chrono::Duration::hours(8)).date_naive()
}

#[tokio::test]
async fn audit_filters_by_operation_user_and_date() {
    let t = setup().await;
    let admin = login(&t, "d_admin").await;
    let _unit_admin = login(&t, "u_admin").await;
    edit_unit(&t, &admin, "骆驼街道办事处").await;

    // By operation: only the unit's change, in words.
    let r = get(&t, &admin, "/audit?op=unit.update").await;
    assert_eq!(r.status, StatusCode::OK);
    let tb = table(&r.body, "audit-table");
    assert!(tb.contains("data-code=\"unit.update\"") && tb.contains("修改单位"));
    assert!(!tb.contains("data-code=\"auth.login\""), "{tb}");
    // The operation filter lists operations in words.
    assert!(
        r.body
            .contains("<option value=\"org.plan.approve\">批准改革方案</option>")
    );

    // By user: u_admin's sign-in only.
    let r = get(&t, &admin, "/audit?user=u_admin").await;
    let tb = table(&r.body, "audit-table");
    assert!(tb.contains("<td>u_admin</td>") && tb.contains("data-code=\"auth.login\""));
    assert!(!tb.contains("<td>d_admin</td>"));

    // By date (China time): today has rows, tomorrow none.
    let today = china_today(&t);
    let r = get(&t, &admin, &format!("/audit?from={today}&to={today}")).await;
    assert!(rows(&r.body, "audit-table") >= 3);
    let tomorrow = today.succ_opt().unwrap();
    let r = get(&t, &admin, &format!("/audit?from={tomorrow}")).await;
    let tb = table(&r.body, "audit-table");
    assert!(tb.contains("暂无操作日志"), "{tb}");

    // A unit account sees its unit's rows only, whatever it asks for.
    let unit_admin = login(&t, "u_admin").await;
    let r = get(
        &t,
        &unit_admin,
        "/audit?op=auth.login&user=d_admin&unit=district",
    )
    .await;
    assert!(table(&r.body, "audit-table").contains("暂无操作日志"));
    let r = get(&t, &unit_admin, "/audit?op=unit.update").await;
    assert!(table(&r.body, "audit-table").contains("data-code=\"unit.update\""));
}

#[tokio::test]
async fn audit_shows_changes_readably_with_money_in_yuan() {
    let t = setup().await;
    let admin = login(&t, "d_admin").await;
    edit_unit(&t, &admin, "骆驼街道办事处").await;
    let entry = AuditEntry {
        before: Some(serde_json::json!({"name": "张三", "basic_pay": 1_234_567, "leader": false})),
        after: Some(serde_json::json!({"name": "张三", "basic_pay": 1_250_000, "leader": true})),
        ..system_entry(
            t.d_a,
            Some(t.unit("luotuo")),
            "person.update",
            "person",
            7,
            None,
        )
    };
    t.app.store.append_audit(entry).await.unwrap();

    let r = get(&t, &admin, "/audit?op=person.update").await;
    let tb = table(&r.body, "audit-table");
    // 操作类型 and 对象 in words, with the object's name.
    assert!(tb.contains("修改人员信息"), "{tb}");
    assert!(tb.contains("人员 · 张三 #7"), "{tb}");
    // 前后值: field label, before → after, money in yuan with two decimals.
    assert!(tb.contains("基本工资"), "{tb}");
    assert!(
        tb.contains(
            "<span class=\"before\">12,345.67</span> → <span class=\"after\">12,500.00</span>"
        ),
        "{tb}"
    );
    assert!(tb.contains("<span class=\"before\">否</span> → <span class=\"after\">是</span>"));
    // Unchanged fields are left out of the change list.
    assert!(!tb.contains("<span class=\"before\">张三</span>"));

    // The unit's own change reads as its name, before → after.
    let r = get(&t, &admin, "/audit?op=unit.update").await;
    let tb = table(&r.body, "audit-table");
    assert!(tb.contains("单位 · 骆驼街道办事处"), "{tb}");
    assert!(
        tb.contains(
            "<span class=\"before\">骆驼街道</span> → <span class=\"after\">骆驼街道办事处</span>"
        ),
        "{tb}"
    );

    // The export carries the same filters and is a workbook.
    let r = get(&t, &admin, "/audit/export.xlsx?op=person.update").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_xlsx(&r);
}

#[tokio::test]
async fn audit_records_the_client_address_and_the_chain_verifies() {
    let t = setup().await;
    let admin = login(&t, "d_admin").await;
    // Requests come from 10.0.0.9 (see `oneshot`).
    edit_unit(&t, &admin, "骆驼街道办事处").await;
    let r = get(&t, &admin, "/audit?op=unit.update").await;
    let tb = table(&r.body, "audit-table");
    assert!(tb.contains("<td class=\"ip\">10.0.0.9</td>"), "{tb}");
    let r = get(&t, &admin, "/api/v1/audit?object_type=unit").await;
    let items = r.json()["items"].as_array().cloned().unwrap();
    let upd = items.iter().find(|i| i["action"] == "unit.update").unwrap();
    assert_eq!(upd["addr"], "10.0.0.9");

    // From a trusted proxy, the last X-Forwarded-For entry is the client (earlier ones
    // are whatever the client claimed).
    let proxied = jiguan_web::router(AppState {
        app: t.app.clone(),
        web: WebConfig {
            trusted_proxies: vec!["10.0.0.0/8".parse().unwrap()],
            ..WebConfig::default()
        },
        jobs: Default::default(),
    });
    let id = t.unit("luotuo");
    let body = serde_urlencoded::to_string([
        ("code", "luotuo"),
        ("name", "骆驼街道"),
        ("kind", "subdistrict"),
        ("active", "on"),
        ("_csrf", admin.csrf.as_deref().unwrap()),
    ])
    .unwrap();
    let mut req = Request::builder()
        .method(Method::POST)
        .uri(format!("/units/{id}/edit"))
        .header(header::COOKIE, admin.cookie.clone().unwrap())
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("x-forwarded-for", "1.2.3.4, 203.0.113.7")
        .body(Body::from(body))
        .unwrap();
    req.extensions_mut()
        .insert(ConnectInfo(std::net::SocketAddr::from(([10, 0, 0, 1], 80))));
    let resp = proxied.oneshot(req).await.unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let r = get(&t, &admin, "/audit?op=unit.update").await;
    let tb = table(&r.body, "audit-table");
    assert!(tb.contains("<td class=\"ip\">203.0.113.7</td>"), "{tb}");
    assert!(!tb.contains("1.2.3.4"));

    // The address is hashed with the row: the chain still verifies.
    let report = t.app.verify_audit(|_| {}).await.unwrap();
    assert!(report.breaks.is_empty(), "{:?}", report.breaks);
}

/// Signs in through the form, from 10.0.0.9, with a browser's User-Agent.
async fn form_login(t: &T, name: &str, pw: &str) -> Resp {
    let ua = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
    form_login_with(t, name, pw, &[("user-agent", ua)]).await
}

#[tokio::test]
async fn the_sign_in_log_records_success_and_failure_per_unit() {
    let t = setup().await;
    assert_eq!(
        form_login(&t, "u_staff", PW).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        form_login(&t, "u_head", "wrong-pass1").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        form_login(&t, "sibling_staff", "wrong-pass1").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        form_login(&t, "nobody", "wrong-pass1").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        form_login(&t, "b_unit_admin", "wrong-pass1").await.status,
        StatusCode::UNAUTHORIZED
    );

    // The district administrator sees the district's attempts, with the reason, the
    // address and the browser.
    let admin = login(&t, "d_admin").await;
    let r = get(&t, &admin, "/audit/logins").await;
    assert_eq!(r.status, StatusCode::OK);
    let tb = table(&r.body, "logins-table");
    assert!(tb.contains("<td class=\"username\">u_staff</td>"), "{tb}");
    assert!(
        tb.contains("登录成功") && tb.contains("失败：密码错误"),
        "{tb}"
    );
    assert!(tb.contains("<td class=\"ip\">10.0.0.9</td>"));
    assert!(tb.contains("Chrome 120 · Windows"));
    assert!(tb.contains("sibling_staff"));
    // Another district's attempts, and unknown user names, are nobody's district's.
    assert!(
        !tb.contains("b_unit_admin") && !tb.contains("nobody"),
        "{tb}"
    );
    // Failures only.
    let r = get(&t, &admin, "/audit/logins?outcome=failed").await;
    let tb = table(&r.body, "logins-table");
    assert!(!tb.contains("<td class=\"username\">u_staff</td>") && tb.contains("u_head"));

    // A unit administrator sees their unit's accounts only.
    let unit_admin = login(&t, "u_admin").await;
    let r = get(&t, &unit_admin, "/audit/logins?unit=").await;
    let tb = table(&r.body, "logins-table");
    assert!(tb.contains("u_staff") && tb.contains("u_head"), "{tb}");
    assert!(
        !tb.contains("sibling_staff") && !tb.contains("d_admin"),
        "{tb}"
    );
    // Asking for another unit changes nothing.
    let r = get(
        &t,
        &unit_admin,
        &format!("/audit/logins?unit={}", t.unit("jiulonghu")),
    )
    .await;
    assert!(!table(&r.body, "logins-table").contains("sibling_staff"));
    // Staff may not read it.
    let staff = login(&t, "u_staff").await;
    assert_eq!(
        get(&t, &staff, "/audit/logins").await.status,
        StatusCode::FORBIDDEN
    );
    // The export is a workbook.
    let r = get(&t, &admin, "/audit/logins/export.xlsx?outcome=failed").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_xlsx(&r);
}

#[tokio::test]
async fn the_pager_has_gaps_sizes_and_refuses_other_sizes() {
    let t = setup().await;
    for n in 0..230 {
        t.app
            .store
            .append_audit(system_entry(t.d_a, None, "param.set", "param", n, None))
            .await
            .unwrap();
    }
    let admin = login(&t, "d_admin").await;
    let r = get(&t, &admin, "/audit?op=param.set").await;
    assert_eq!(rows(&r.body, "audit-table"), 20);
    let pager = &r.body[r.body.find("class=\"pager\"").unwrap()..];
    // 12 pages: 1 2 3 … 11 12, with previous (disabled here) and next.
    assert!(pager.contains("<span class=\"gap\" aria-hidden=\"true\">…</span>"));
    assert!(
        pager.contains("rel=\"next\" href=\"/audit?op=param.set&#38;page=2\""),
        "{pager}"
    );
    assert!(pager.contains("<span class=\"prev disabled\""));
    assert!(
        pager.contains("<a href=\"/audit?op=param.set&#38;page=12\">12</a>"),
        "{pager}"
    );
    assert!(pager.contains(">3</a>") && pager.contains(">11</a>"));
    assert!(
        !pager.contains(">6</a>"),
        "pages far from here are left out"
    );
    assert!(pager.contains("共230条"), "{pager}");
    // A chosen size is honoured and kept in the links.
    let r = get(&t, &admin, "/audit?op=param.set&per_page=50&page=2").await;
    assert_eq!(rows(&r.body, "audit-table"), 50);
    assert!(
        r.body
            .contains("href=\"/audit?op=param.set&#38;page=3&#38;per_page=50\""),
        "keeps the size"
    );
    assert!(r.body.contains("rel=\"prev\""));
    assert!(
        r.body
            .contains("<span class=\"current-size\" aria-current=\"true\">50</span>")
    );
    // Any other size is refused, naming the field.
    let r = get(&t, &admin, "/audit?per_page=30").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("每页条数") && r.body.contains("20/50/100"),
        "{}",
        r.body
    );
    let r = get(&t, &admin, "/users?per_page=abc").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("每页条数"));
    let mut en = admin.clone();
    en.lang = Some("en");
    let r = get(&t, &en, "/units?per_page=7").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("must be one of 20/50/100"), "{}", r.body);
}

#[tokio::test]
async fn names_sort_in_pinyin_order() {
    let t = setup().await;
    let unit = Some(t.unit("jiulonghu"));
    for (login_name, name) in [
        ("p_zhang", "张三"),
        ("p_li", "李四"),
        ("p_bai", "白云"),
        ("p_an", "安然"),
    ] {
        t.app
            .system_create_user(t.d_a, unit, login_name, name, &[Role::Staff], PW, false)
            .await
            .unwrap();
    }
    let admin = login(&t, "d_admin").await;
    let r = get(
        &t,
        &admin,
        &format!("/users?unit={}&sort=display_name", t.unit("jiulonghu")),
    )
    .await;
    let tb = table(&r.body, "users-table");
    let at = |s: &str| tb.find(s).unwrap_or_else(|| panic!("{s} missing"));
    assert!(at("安然") < at("白云"), "安 before 白");
    assert!(at("白云") < at("李四"));
    assert!(at("李四") < at("张三"), "张三 after 李四");
    // Each row has its actions, and the empty state says what is missing.
    assert!(tb.contains("class=\"row-actions\""));
    let r = get(&t, &admin, "/users?q=no-such-user").await;
    assert!(table(&r.body, "users-table").contains("暂无用户"));
}

/// The posts list filters by body, groups hours by thousands, gives each row its actions,
/// and says when a unit has no posts.
#[tokio::test]
async fn posts_list_filters_by_body_with_row_actions() {
    use crate::org::org_body;
    use crate::posts::add_post;
    let t = setup().await;
    let luotuo = t.unit("luotuo");
    let ua = login(&t, "u_admin").await;
    let actor = actor_of(&t, &accounts()[2]);
    let mut posts = Vec::new();
    for (i, (body_name, title)) in [("党政办", "公文岗"), ("财政所", "会计岗")]
        .iter()
        .enumerate()
    {
        let body = org_body(&t, &ua, luotuo, body_name, "office").await;
        let code = format!("F{i}");
        let fun = (code.as_str(), &*format!("{title}事项"));
        let post = add_post(&t, &ua, &actor, luotuo, body, fun, (title, "2976")).await;
        posts.push((body, post));
    }
    let r = get(
        &t,
        &ua,
        &format!("/units/{luotuo}/posts?body={}", posts[0].0),
    )
    .await;
    let tb = table(&r.body, "posts-table");
    assert!(tb.contains("公文岗") && !tb.contains("会计岗"), "{tb}");
    assert!(
        tb.contains("2,976"),
        "hours with thousands separators: {tb}"
    );
    assert!(tb.contains(&format!(
        "href=\"/units/{luotuo}/posts/{}/edit\"",
        posts[0].1
    )));
    let r = get(&t, &ua, &format!("/units/{luotuo}/posts")).await;
    let tb = table(&r.body, "posts-table");
    assert!(tb.contains("公文岗") && tb.contains("会计岗"));
    // A unit without posts says so.
    let admin = login(&t, "d_admin").await;
    let r = get(&t, &admin, &format!("/units/{}/posts", t.unit("jiulonghu"))).await;
    assert!(table(&r.body, "posts-table").contains("暂无岗位"));
}
