//! Across modules: field errors, audit, languages and print styles, lists, OpenAPI,
//! translations and the left menu.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use tower::ServiceExt;

use jiguan_domain::auth::Role;
use jiguan_web::routes;

use crate::helpers::*;

/// POSTs `body` to the users API as `who` (session cookie and CSRF token), with the
/// language cookie `lang` and the `Accept-Language` header `accept` when given.
async fn post_users_api(
    t: &T,
    who: &Who,
    body: &'static str,
    lang: Option<&str>,
    accept: Option<&str>,
) -> (StatusCode, serde_json::Value) {
    let mut cookies = vec![who.cookie.clone().unwrap()];
    if let Some(l) = lang {
        cookies.push(format!("jiguan_lang={l}"));
    }
    let mut b = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/users")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::COOKIE, cookies.join("; "))
        .header("x-csrf-token", who.csrf.clone().unwrap());
    if let Some(a) = accept {
        b = b.header(header::ACCEPT_LANGUAGE, a);
    }
    let resp = t
        .router
        .clone()
        .oneshot(b.body(Body::from(body)).unwrap())
        .await
        .unwrap();
    let status = resp.status();
    let bytes = axum::body::to_bytes(resp.into_body(), 1 << 20)
        .await
        .unwrap();
    (status, serde_json::from_slice(&bytes).unwrap())
}

/// How many users district A has.
async fn user_count(t: &T) -> i64 {
    t.app
        .store
        .list_users(t.d_a, &Default::default(), &Default::default())
        .await
        .unwrap()
        .total
}

#[tokio::test]
async fn bad_input_names_the_field_and_writes_nothing() {
    let t = setup().await;
    let who = login(&t, "u_admin").await;
    let before = user_count(&t).await;
    let r = post_form(
        &t,
        &who,
        "/users/new",
        &[
            ("username", "X!"),
            ("display_name", ""),
            ("password", "abc"),
            ("roles", "district_admin"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for msg in [
        "用户名：只能用",
        "姓名：必填",
        "角色：该账号级别不能担任此角色",
    ] {
        assert!(r.body.contains(msg), "missing {msg}");
    }
    let r = post_form(
        &t,
        &who,
        "/users/new",
        &[
            ("username", "u_staff"),
            ("display_name", "重名"),
            ("password", "abc12345"),
            ("roles", "staff"),
        ],
    )
    .await;
    assert!(r.body.contains("用户名：已被使用"), "{}", r.body);
    assert_eq!(user_count(&t).await, before);

    // The API: one error shape, in the user's language.
    let api =
        |body: &'static str, lang: Option<&'static str>| post_users_api(&t, &who, body, lang, None);
    let (s, j) = api(
        r#"{"username":"ok_name","display_name":"","roles":["staff"],"password":"abc12345"}"#,
        None,
    )
    .await;
    assert_eq!(
        (
            s,
            j["code"].as_str(),
            j["field"].as_str(),
            j["message"].as_str()
        ),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("invalid"),
            Some("display_name"),
            Some("姓名：必填")
        )
    );
    let (_, j) = api(
        r#"{"username":"ok_name","display_name":"","roles":["staff"],"password":"abc12345"}"#,
        Some("en"),
    )
    .await;
    assert_eq!(j["message"], "Name: required");
    let (s, j) = api(r#"{"username": 5}"#, None).await;
    assert_eq!(
        (s, j["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_json"))
    );
    assert_eq!(user_count(&t).await, before);
}

/// An API client without the language cookie is answered in its `Accept-Language`
/// (by q-value); the cookie, the switch of the pages, still wins; Chinese by default.
/// Pages keep to the cookie: a browser set to English opens in Chinese.
#[tokio::test]
async fn api_errors_follow_accept_language() {
    let t = setup().await;
    let who = login(&t, "d_admin").await;
    let call = |body: &'static str, accept: Option<&'static str>, lang: Option<&'static str>| {
        let (t, who) = (&t, &who);
        async move {
            let (_, j) = post_users_api(t, who, body, lang, accept).await;
            j["message"].as_str().unwrap().to_string()
        }
    };
    let invalid =
        r#"{"username":"ok_name","display_name":"","roles":["staff"],"password":"abc12345"}"#;
    for (accept, lang, want) in [
        (None, None, "姓名：必填"),
        (Some("en"), None, "Name: required"),
        (Some("en-US,en;q=0.9"), None, "Name: required"),
        (Some("zh-CN,zh;q=0.9,en;q=0.8"), None, "姓名：必填"),
        (Some("fr-FR, en;q=0.5, zh;q=0.4"), None, "Name: required"),
        (Some("zh;q=0.3, en;q=0.7"), None, "Name: required"),
        (Some("en;q=0, zh"), None, "姓名：必填"),
        (Some("fr, de"), None, "姓名：必填"),
        (Some("en;q=oops"), None, "姓名：必填"),
        (Some("en"), Some("zh-CN"), "姓名：必填"),
        (Some("zh-CN"), Some("en"), "Name: required"),
    ] {
        assert_eq!(
            call(invalid, accept, lang).await,
            want,
            "{accept:?} {lang:?}"
        );
    }
    // A body that is not the shape asked for, refused before the handler.
    let m = call(r#"{"username": 5}"#, Some("en-GB"), None).await;
    assert!(m.starts_with("The request body is not valid JSON"), "{m}");
    // Pages keep to the cookie.
    let page = t
        .router
        .clone()
        .oneshot(
            Request::builder()
                .uri("/")
                .header(header::COOKIE, who.cookie.clone().unwrap())
                .header(header::ACCEPT_LANGUAGE, "en-US,en;q=0.9")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let bytes = axum::body::to_bytes(page.into_body(), 1 << 22)
        .await
        .unwrap();
    let html = String::from_utf8_lossy(&bytes);
    assert!(
        html.contains("lang=\"zh-CN\""),
        "{}",
        &html[..html.len().min(300)]
    );
}

#[tokio::test]
async fn changes_are_audited_with_before_and_after() {
    let t = setup().await;
    let who = login(&t, "d_admin").await;
    let id = t.unit("luotuo");
    let r = post_form(
        &t,
        &who,
        &format!("/units/{id}/edit"),
        &[
            ("code", "luotuo"),
            ("name", "骆驼街道办事处"),
            ("kind", "subdistrict"),
            ("active", "on"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = get(
        &t,
        &who,
        &format!("/api/v1/audit?object_type=unit&object_id={id}"),
    )
    .await;
    let items = r.json()["items"].as_array().cloned().unwrap();
    let upd = items.iter().find(|i| i["action"] == "unit.update").unwrap();
    assert!(upd["before"].as_str().unwrap().contains("骆驼街道\""));
    assert!(upd["after"].as_str().unwrap().contains("骆驼街道办事处"));
    assert_eq!(upd["username"], "d_admin");
    // The page filters by unit and shows it.
    let r = get(&t, &who, &format!("/audit?unit={id}&object_type=unit")).await;
    assert!(r.body.contains("unit.update"));
    let report = t.app.verify_audit(|_| {}).await.unwrap();
    assert!(report.breaks.is_empty());
}

#[tokio::test]
async fn english_switch_and_print_styles() {
    let t = setup().await;
    let anon = Who::default();
    let r = get(&t, &anon, "/lang/en?next=/units").await;
    assert_eq!(r.location(), "/units");
    assert_eq!(r.cookie("jiguan_lang").as_deref(), Some("en"));
    let r = get(&t, &anon, "/lang/en?next=//evil.example").await;
    assert_eq!(r.location(), "/", "no open redirect");
    let mut who = login(&t, "d_admin").await;
    who.lang = Some("en");
    let r = get(&t, &who, "/units").await;
    assert!(r.body.contains("Users and roles") && r.body.contains("Subdistrict (街道)"));
    assert!(!r.body.contains("用户与角色"));
    let css = get(&t, &anon, "/assets/app.css").await;
    assert!(css.body.contains("@media print") && css.body.contains("@media (max-width"));
}

#[tokio::test]
async fn lists_search_sort_and_page() {
    let t = setup().await;
    let who = login(&t, "d_admin").await;
    let r = get(&t, &who, "/api/v1/users?per_page=3&page=2&sort=username").await;
    let j = r.json();
    assert_eq!(
        (
            j["total"].as_i64(),
            j["page"].as_i64(),
            j["items"].as_array().map(Vec::len)
        ),
        (Some(8), Some(2), Some(3))
    );
    let names: Vec<&str> = j["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["u_admin", "u_auditor", "u_committee"]);
    let r = get(&t, &who, "/users?q=u_he").await;
    assert!(r.body.contains("u_head") && !r.body.contains("u_staff"));
    let r = get(&t, &who, &format!("/users?unit={}", t.unit("jiulonghu"))).await;
    assert!(r.body.contains("sibling_staff") && !r.body.contains("u_admin"));
    let r = get(&t, &who, "/units?sort=name&desc=true").await;
    let a = r.body.find("骆驼街道").unwrap();
    let b = r.body.find("九龙湖镇").unwrap();
    assert!(a < b, "骆 sorts after 九 descending by code point");
}

#[test]
fn openapi_lists_every_api_route() {
    let doc: serde_json::Value = serde_json::from_str(&jiguan_web::api::openapi_json()).unwrap();
    let paths = doc["paths"].as_object().unwrap();
    let mut api_routes = 0;
    for (method, path, _) in routes::specs() {
        if !path.starts_with("/api/v1/") {
            continue;
        }
        api_routes += 1;
        let m = method.as_str().to_lowercase();
        assert!(
            paths.get(path).and_then(|p| p.get(&m)).is_some(),
            "{method} {path} missing from OpenAPI"
        );
    }
    let documented: usize = paths
        .values()
        .map(|p| p.as_object().map(|o| o.len()).unwrap_or(0))
        .sum();
    assert_eq!(
        documented, api_routes,
        "OpenAPI documents routes that do not exist"
    );
}

/// Two request bodies of the same name hid one another in the document: the officials'
/// recusal (`recusal_category`, …) was documented as the judge's (`recused`).
#[test]
fn openapi_documents_each_recusal_body_apart() {
    let doc: serde_json::Value = serde_json::from_str(&jiguan_web::api::openapi_json()).unwrap();
    let body_of = |path: &str| {
        let r = doc["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]
            ["$ref"]
            .as_str()
            .unwrap_or_else(|| panic!("{path}: a JSON body by reference"))
            .rsplit('/')
            .next()
            .unwrap()
            .to_string();
        doc["components"]["schemas"][&r]["properties"].clone()
    };
    let official =
        body_of("/api/v1/units/{unit}/selection/campaigns/{campaign}/officials/{official}/recusal");
    assert!(official.get("recusal_category").is_some(), "{official}");
    let judge = body_of("/api/v1/units/{unit}/selection/campaigns/{campaign}/judge/recusal");
    assert!(judge.get("recused").is_some(), "{judge}");
}

/// A key is defined in one locale file only: the tables are merged, so a second module
/// defining `field.person_id` silently relabelled the first one's errors.
#[test]
fn no_locale_key_is_defined_by_two_files() {
    use jiguan_web::i18n::{parse, sources};
    for lang in 0..2 {
        let mut seen: std::collections::BTreeMap<String, &str> = Default::default();
        for (name, zh, en) in sources() {
            let text = if lang == 0 { zh } else { en };
            for key in parse(text).into_keys() {
                if let Some(first) = seen.insert(key.clone(), name) {
                    panic!("{key} is defined in both {first} and {name}");
                }
            }
        }
    }
}

#[test]
fn every_string_is_translated_in_both_languages() {
    use jiguan_web::i18n::{parse, sources};
    let zh: std::collections::BTreeSet<String> = sources()
        .iter()
        .flat_map(|(_, z, _)| parse(z).into_keys())
        .collect();
    let en: std::collections::BTreeSet<String> = sources()
        .iter()
        .flat_map(|(_, _, e)| parse(e).into_keys())
        .collect();
    assert_eq!(
        zh.difference(&en).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "missing in English"
    );
    assert_eq!(
        en.difference(&zh).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "missing in Chinese"
    );
    // Every literal key used in a template exists.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        for part in text.split(".t(\"").skip(1) {
            let key = part.split('"').next().unwrap();
            assert!(
                zh.contains(key),
                "{}: key {key} not in the locale files",
                path.display()
            );
        }
    }
    // Every role and error code the domain can produce has a text.
    for r in Role::ALL {
        assert!(zh.contains(r.code()), "role {}", r.code());
    }
    // Every value of every closed list (固定代码表) has a text in both languages; only the
    // permissions (Action), which no page shows by name, have none.
    let mut missing = Vec::new();
    for (list, key, _) in jiguan_domain::closed_list_labels() {
        let shown = !list.ends_with("auth::Action");
        if shown && !(zh.contains(&key) && en.contains(&key)) {
            missing.push(format!("{list}: {key}"));
        }
    }
    // Every decision of every workflow sends a notice (inbox::decision_notice): each has
    // its text.
    for flow in jiguan_domain::workflow::ALL {
        for e in flow.edges.iter().filter(|e| e.to.is_decision()) {
            let key = format!("inbox.notice.{}", jiguan_domain::inbox::code(flow, e.step));
            if !(zh.contains(&key) && en.contains(&key)) {
                missing.push(key);
            }
        }
    }
    assert!(missing.is_empty(), "no text for:\n{}", missing.join("\n"));
}
// ---- menu ----

/// Unit accounts find their unit's modules in the left menu (only those their roles allow),
/// with the module, not 本单位, marked active; district accounts get the district views.
#[tokio::test]
async fn left_menu_lists_the_modules_an_account_may_use() {
    let t = setup().await;
    let u = t.unit("luotuo");
    let ua = login(&t, "u_admin").await;
    let r = get(&t, &ua, &format!("/units/{u}/posts")).await;
    assert_eq!(r.status, StatusCode::OK);
    for m in ["people", "org", "posts", "downsizing"] {
        let item = format!("id=\"menu-{m}\"");
        assert!(r.body.contains(&item), "{m}: {}", r.body);
    }
    assert!(
        r.body.contains(&format!(
            "href=\"/units/{u}/posts\" id=\"menu-posts\" class=\"active\""
        )),
        "{}",
        r.body
    );
    assert!(!r.body.contains("id=\"menu-my-unit\" class=\"active\""));
    assert!(!r.body.contains("href=\"/downsizing\""));
    let da = login(&t, "d_admin").await;
    let r = get(&t, &da, "/downsizing").await;
    assert!(
        r.body
            .contains("href=\"/downsizing\" id=\"menu-downsizing\" class=\"active\""),
        "{}",
        r.body
    );
    assert!(r.body.contains("href=\"/posts\" id=\"menu-posts\""));
    assert!(
        !r.body
            .contains(&format!("href=\"/units/{u}/posts\" id=\"menu-posts\""))
    );
}

/// Defect 6 (issue 12): the unit page counts the unit's users for everyone who may see the
/// unit, as the dashboard does (luotuo has five accounts), not 0 for those who may not
/// manage accounts.
#[tokio::test]
async fn unit_page_counts_the_units_users_like_the_dashboard() {
    let t = setup().await;
    let u = t.unit("luotuo");
    for name in ["u_admin", "u_staff", "u_head"] {
        let who = login(&t, name).await;
        let r = get(&t, &who, &format!("/units/{u}")).await;
        assert_eq!(r.status, StatusCode::OK, "{name}");
        assert!(
            r.body.contains("<dt>用户数</dt><dd>5</dd>"),
            "{name}: {}",
            r.body
        );
        let r = get(&t, &who, "/").await;
        assert!(
            r.body.contains("<span class=\"n\">5</span>"),
            "{name}: {}",
            r.body
        );
    }
}

/// Defect 6 (issue 12): the unit page shows its state as 状态 / 启用, not the checkbox's
/// label "状态：启用" as a heading.
#[tokio::test]
async fn unit_page_shows_status_naturally() {
    let t = setup().await;
    let u = t.unit("luotuo");
    let who = login(&t, "d_admin").await;
    let r = get(&t, &who, &format!("/units/{u}")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.body.contains("状态：启用"), "{}", r.body);
    assert!(r.body.contains("<dt>状态</dt><dd>启用</dd>"), "{}", r.body);
}

/// The holiday-calendar upload sends its CSRF token as a form field, never in the URL
/// (issue 12, defect 6); a forged field is refused.
#[tokio::test]
async fn calendar_upload_sends_the_csrf_token_as_a_field_not_in_the_url() {
    let t = setup().await;
    let who = login(&t, "d_admin").await;
    let r = get(&t, &who, "/settings/calendar").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.body.contains("_csrf="), "{}", r.body);
    let b = "----jiguancal";
    let upload = |token: &str| {
        format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{token}\r\n--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"2031.txt\"\r\nContent-Type: text/plain\r\n\r\nyear 2031\r\n2031-01-01 off\r\n\r\n--{b}--\r\n"
        )
    };
    let ct = format!("multipart/form-data; boundary={b}");
    let csrf = who.csrf.clone().unwrap();
    let r = send(
        &t,
        &who,
        Method::POST,
        "/settings/calendar",
        Some((&ct, upload(&csrf))),
    )
    .await;
    assert_ne!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = send(
        &t,
        &who,
        Method::POST,
        "/settings/calendar",
        Some((&ct, upload("forged"))),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
}

fn header<'a>(r: &'a Resp, name: &str) -> &'a str {
    r.headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

#[tokio::test]
async fn nothing_personal_is_cached_and_https_is_pinned_with_secure_cookies() {
    let t = setup().await;
    let admin = login(&t, "u_admin").await;
    let u = t.unit("luotuo").0;
    for path in [
        "/".to_string(),
        "/api/v1/me".to_string(),
        format!("/units/{u}/people/export/roster.xlsx"),
        "/login".to_string(),
    ] {
        let r = get(&t, &admin, &path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert_eq!(header(&r, "cache-control"), "no-store", "{path}");
        assert_eq!(header(&r, "strict-transport-security"), "", "{path}");
    }
    // Our own CSS may be cached.
    let r = get(&t, &Who::default(), "/assets/app.css").await;
    assert!(header(&r, "cache-control").starts_with("public"));
    // Without secure cookies the pre-sign-in cookie is not Secure (plain HTTP works).
    let r = get(&t, &Who::default(), "/login").await;
    assert!(!header(&r, "set-cookie").contains("Secure"));

    // With secure cookies (HTTPS): HSTS everywhere, the pre-sign-in cookie Secure too.
    let mut t = t;
    t.router = jiguan_web::router(jiguan_web::AppState {
        app: t.app.clone(),
        web: jiguan_web::WebConfig {
            secure_cookies: true,
            ..Default::default()
        },
        jobs: Default::default(),
    });
    let r = get(&t, &Who::default(), "/login").await;
    assert!(
        header(&r, "strict-transport-security").starts_with("max-age="),
        "{:?}",
        r.headers
    );
    let pre = header(&r, "set-cookie");
    assert!(
        pre.starts_with("jiguan_pre=") && pre.contains("; Secure"),
        "{pre}"
    );
    let r = get(&t, &admin, "/api/v1/me").await;
    assert!(header(&r, "strict-transport-security").starts_with("max-age="));
    assert_eq!(header(&r, "cache-control"), "no-store");
}

#[tokio::test]
async fn readyz_fails_when_the_database_is_broken() {
    let t = setup().await;
    let r = get(&t, &Who::default(), "/readyz").await;
    assert_eq!(r.status, StatusCode::OK);
    // The database is replaced or damaged under the running server.
    let db = jiguan_store::Db::connect(&t._dir.path().join("w.db").to_string_lossy())
        .await
        .unwrap();
    db.execute("DROP TABLE schema_migrations", &[])
        .await
        .unwrap();
    db.close().await;
    let r = get(&t, &Who::default(), "/readyz").await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{}", r.body);
}

/// Issue 17, point 6: a page size beyond the maximum (or a page below 1, or a `desc` that
/// is not a boolean) is refused with a JSON 422 naming the field, not clamped; a path id
/// that is not a number is a JSON 400, not plain text.
#[tokio::test]
async fn api_list_paging_out_of_range_is_refused_naming_the_field() {
    let t = setup().await;
    let who = login(&t, "d_admin").await;
    for (query, field) in [
        ("per_page=201", "per_page"),
        ("per_page=0", "per_page"),
        ("page=0", "page"),
        ("desc=maybe", "desc"),
    ] {
        let r = get(&t, &who, &format!("/api/v1/users?{query}")).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        assert_eq!(r.json()["field"], field, "{query}: {}", r.body);
    }
    let r = get(&t, &who, "/api/v1/users?per_page=200&desc=false").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["per_page"], 200);
    let r = get(&t, &who, "/api/v1/units/abc").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.json()["code"].is_string(), "{}", r.body);
    // Every operation documents the error answers, in the one error shape.
    let doc: serde_json::Value = serde_json::from_str(&jiguan_web::api::openapi_json()).unwrap();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            for code in ["400", "401", "403", "404", "422"] {
                assert!(
                    op["responses"][code].is_object(),
                    "{method} {path}: no {code}"
                );
            }
        }
    }
}
