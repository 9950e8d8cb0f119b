//! Organisation design (机构设置) through the pages.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use tower::ServiceExt;

use jiguan_domain::tenancy::UnitId;

use crate::helpers::*;
use crate::people::add_temp_fields;
use jiguan_testkit::fixtures::id_number;

// ---- Organisation design (机构设置) through the real router. ----

/// The id at the end of a redirect such as `/units/1/org/bodies/7?ok=saved`.
pub fn id_in(location: &str, after: &str) -> i64 {
    location
        .split(after)
        .nth(1)
        .and_then(|r| r.split(['?', '/', '#']).next())
        .and_then(|x| x.parse().ok())
        .unwrap_or_else(|| panic!("no id after {after} in {location}"))
}

pub async fn org_body(t: &T, who: &Who, unit: UnitId, name: &str, kind: &str) -> i64 {
    let r = post_form_ok(
        t,
        who,
        &format!("/units/{unit}/org/bodies/new"),
        &[
            ("name", name),
            ("kind", kind),
            ("valid_from", "2018-01-01"),
            ("establishment", "3"),
        ],
    )
    .await;
    id_in(&r.location(), "/bodies/")
}

#[tokio::test]
async fn org_plan_walks_from_draft_to_applied_through_the_pages() {
    let t = setup().await;
    let unit = t.unit("luotuo");
    let ua = login(&t, "u_admin").await;
    let da = login(&t, "d_admin").await;
    let njz = org_body(&t, &ua, unit, "农机站", "public_institution").await;
    let nkz = org_body(&t, &ua, unit, "农科站", "事业站所").await;
    let _office = org_body(&t, &ua, unit, "党政办", "office").await;
    // A duplicate name is refused on the form, naming the field.
    let r = post_form(
        &t,
        &ua,
        &format!("/units/{unit}/org/bodies/new"),
        &[
            ("name", "农机站"),
            ("kind", "centre"),
            ("valid_from", "2018-01-01"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("农机站"), "{}", r.body);
    // Function items: one held by two bodies (错位), one held by none (缺位).
    let n = njz.to_string();
    let k = nkz.to_string();
    post_form_ok(
        &t,
        &ua,
        &format!("/units/{unit}/org/functions/new"),
        &[
            ("code", "F1"),
            ("title", "农业技术推广"),
            ("category", "public_service"),
            ("owners", &n),
            ("owners", &k),
            ("decision", "keep"),
            ("valid_from", "2018-01-01"),
        ],
    )
    .await;
    post_form_ok(
        &t,
        &ua,
        &format!("/units/{unit}/org/functions/new"),
        &[
            ("code", "F2"),
            ("title", "安全生产监管"),
            ("category", "social_management"),
            ("decision", "strengthen"),
            ("reason", "补位"),
            ("valid_from", "2018-01-01"),
        ],
    )
    .await;
    let r = get(
        &t,
        &ua,
        &format!("/units/{unit}/org/functions?on=2018-06-01"),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    r.assert_has(&["issue-misplacement", "issue-gap"]);

    // A draft plan: a new centre absorbs both stations.
    let r = post_form_ok(
        &t,
        &ua,
        &format!("/units/{unit}/org/plans"),
        &[("title", "骆驼街道机构改革方案")],
    )
    .await;
    let plan = id_in(&r.location(), "/plans/");
    let base = format!("/units/{unit}/org/plans/{plan}");
    post_form_ok(
        &t,
        &ua,
        &format!("{base}/ops"),
        &[
            ("op", "create"),
            ("name", "农业农村服务中心"),
            ("kind", "centre"),
            ("establishment", "6"),
        ],
    )
    .await;
    // An operation naming a body that does not exist is refused with its number.
    let r = post_form(
        &t,
        &ua,
        &format!("{base}/ops"),
        &[("op", "abolish"), ("body", "999999")],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("第 2 项操作"), "{}", r.body);
    post_form_ok(
        &t,
        &ua,
        &format!("{base}/ops"),
        &[
            ("op", "merge"),
            ("sources", &n),
            ("sources", &k),
            ("into", "-1"),
        ],
    )
    .await;
    let r = get(&t, &ua, &base).await;
    r.assert_has(&["preview-counts", "农业农村服务中心"]);

    // District approval rules: the unit cannot approve; the district cannot approve a
    // draft; a rejection needs a reason; approval needs the document number.
    let r = post_form(&t, &ua, &format!("{base}/approve"), &[("doc_no", "x")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = post_form(
        &t,
        &da,
        &format!("{base}/approve"),
        &[("doc_no", "镇海编〔2019〕3号")],
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a draft cannot be approved"
    );
    post_form_ok(&t, &ua, &format!("{base}/submit"), &[]).await;
    let r = post_form(
        &t,
        &ua,
        &format!("{base}/ops"),
        &[("op", "abolish"), ("body", &n)],
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a submitted plan is frozen"
    );
    let r = post_form(&t, &da, &format!("{base}/reject"), &[("reason", "")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = post_form(&t, &da, &format!("{base}/approve"), &[("doc_no", "")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    post_form_ok(
        &t,
        &da,
        &format!("{base}/approve"),
        &[("doc_no", "镇海编〔2019〕3号")],
    )
    .await;
    // Only the district applies.
    let r = post_form(
        &t,
        &ua,
        &format!("{base}/apply"),
        &[("effective", "2019-07-01")],
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = post_form(
        &t,
        &da,
        &format!("{base}/apply"),
        &[("effective", "2017-01-01")],
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "before the last change"
    );
    post_form_ok(
        &t,
        &da,
        &format!("{base}/apply"),
        &[("effective", "2019-07-01")],
    )
    .await;
    let r = get(&t, &da, &base).await;
    r.assert_has(&["plan-applied", "2019-07-01"]);

    // The chart on each side of the date; the SVG download; the register export.
    let r = get(&t, &ua, &format!("/units/{unit}/org/chart?on=2019-07-01")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("<svg") && r.body.contains("农业农村服务中心"));
    assert!(!r.body.contains(">农机站<"), "merged bodies are not drawn");
    let r = get(&t, &ua, &format!("/units/{unit}/org/chart?on=2019-06-30")).await;
    assert!(r.body.contains("农机站") && !r.body.contains("农业农村服务中心"));
    let r = get(
        &t,
        &ua,
        &format!("/units/{unit}/org/chart.svg?on=2019-07-01"),
    )
    .await;
    assert!(
        r.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("image/svg+xml")
    );
    assert!(r.body.starts_with("<svg") && r.body.contains(" width=\""));
    let r = get(
        &t,
        &ua,
        &format!("/units/{unit}/org/export.xlsx?on=2019-07-01"),
    )
    .await;
    assert_xlsx(&r);
    // The absorbing body shows the nameplates it keeps; history compares two dates.
    let r = get(&t, &ua, &format!("/units/{unit}/org?on=2019-07-01")).await;
    r.assert_has(&["农机站（", "镇海编〔2019〕3号"]);
    let r = get(
        &t,
        &ua,
        &format!("/units/{unit}/org/history?a=2019-06-30&b=2019-07-01"),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("compare-table"));
    // The API shows the same structure.
    let r = get(
        &t,
        &ua,
        &format!("/api/v1/units/{unit}/org/structure?on=2019-07-01"),
    )
    .await;
    let j = r.json();
    let active: Vec<&str> = j["bodies"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["status"] == "active")
        .map(|b| b["name"].as_str().unwrap())
        .collect();
    assert_eq!(active.len(), 2, "{j}");
    assert!(active.contains(&"农业农村服务中心"));
}

#[tokio::test]
async fn org_split_over_cap_is_refused_with_the_numbers() {
    let t = setup().await;
    let unit = t.unit("luotuo");
    let ua = login(&t, "u_admin").await;
    let da = login(&t, "d_admin").await;
    let a = org_body(&t, &ua, unit, "党政办", "office").await;
    let b = org_body(&t, &ua, unit, "财政所", "institute").await;
    // Only the district sets caps.
    let caps = [
        ("max_bodies", "5"),
        ("max_chiefs", "2"),
        ("max_deputies", "3"),
        ("valid_from", "2018-01-01"),
    ];
    let r = post_form(&t, &ua, &format!("/units/{unit}/org/totals/caps"), &caps).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    post_form_ok(&t, &da, &format!("/units/{unit}/org/totals/caps"), &caps).await;
    let (ca, cb) = (format!("c_{a}"), format!("c_{b}"));
    let r = post_form(
        &t,
        &ua,
        &format!("/units/{unit}/org/totals/split"),
        &[
            ("phase", "2019年上半年"),
            ("effective", "2019-01-01"),
            (ca.as_str(), "2"),
            (cb.as_str(), "1"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("中层正职合计 3，超过核定数 2"),
        "{}",
        r.body
    );
    let r = get(&t, &ua, &format!("/units/{unit}/org/totals")).await;
    assert!(!r.body.contains("2019年上半年"), "nothing saved");
    post_form_ok(
        &t,
        &ua,
        &format!("/units/{unit}/org/totals/split"),
        &[
            ("phase", "2019年上半年"),
            ("effective", "2019-01-01"),
            (ca.as_str(), "1"),
            (cb.as_str(), "1"),
        ],
    )
    .await;
    // The API refuses the same way, in English when asked.
    let mut en = ua.clone();
    en.lang = Some("en");
    let body = format!(
        r#"{{"phase":"2019年下半年","effective":"2019-07-01","lines":[{{"body":{a},"chiefs":1,"deputies":4}}]}}"#
    );
    let mut b2 = Request::builder()
        .method(Method::PUT)
        .uri(format!("/api/v1/units/{unit}/org/split"))
        .header(header::CONTENT_TYPE, "application/json")
        .header(
            header::COOKIE,
            format!("{}; jiguan_lang=en", en.cookie.clone().unwrap()),
        );
    b2 = b2.header("x-csrf-token", en.csrf.clone().unwrap());
    let resp = t
        .router
        .clone()
        .oneshot(b2.body(Body::from(body)).unwrap())
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let bytes = axum::body::to_bytes(resp.into_body(), 1 << 20)
        .await
        .unwrap();
    let j: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(j["field"], "deputies");
    assert_eq!(j["message"], "Deputy posts total 4, over the approved 3");
    // The district page shows each unit's use; a unit account is sent to its own unit.
    let r = get(&t, &da, "/org").await;
    r.assert_has(&["5 / 2 / 3", "九龙湖镇"]);
    let r = get(&t, &ua, "/org").await;
    assert_eq!(r.location(), format!("/units/{unit}/org"));
}

#[tokio::test]
async fn org_ids_of_another_unit_are_not_found() {
    let t = setup().await;
    let luotuo = t.unit("luotuo");
    let jiulonghu = t.unit("jiulonghu");
    let ua = login(&t, "u_admin").await;
    let mine = org_body(&t, &ua, luotuo, "党政办", "office").await;
    let r = post_form(
        &t,
        &ua,
        &format!("/units/{luotuo}/org/plans"),
        &[("title", "方案")],
    )
    .await;
    let plan = id_in(&r.location(), "/plans/");
    let da = login(&t, "d_admin").await;
    // Through the sibling unit's path, the ids of luotuo do not exist.
    for path in [
        format!("/units/{jiulonghu}/org/bodies/{mine}"),
        format!("/units/{jiulonghu}/org/plans/{plan}"),
        format!("/api/v1/units/{jiulonghu}/bodies/{mine}"),
        format!("/api/v1/units/{jiulonghu}/plans/{plan}"),
    ] {
        let r = get(&t, &da, &path).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        assert!(!r.body.contains("党政办"));
    }
    let r = post_form(
        &t,
        &da,
        &format!("/units/{jiulonghu}/org/plans/{plan}/approve"),
        &[("doc_no", "x")],
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // A body of luotuo cannot be named in jiulonghu's items or plans.
    let r = post_form(
        &t,
        &da,
        &format!("/units/{jiulonghu}/org/totals/caps"),
        &[
            ("max_bodies", "5"),
            ("max_chiefs", "2"),
            ("max_deputies", "3"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let _ = t
        .app
        .org_bodies(&actor_of(&t, &accounts()[0]), jiulonghu, None)
        .await
        .unwrap();
}

/// The org chart (page and SVG download) shows each body's headcount on the chart's date:
/// people on post in that body, from the people module's history.
#[tokio::test]
async fn org_chart_shows_the_headcount_per_body() {
    let t = setup().await;
    let unit = t.unit("luotuo");
    let ua = login(&t, "u_admin").await;
    let body = org_body(&t, &ua, unit, "农机站", "public_institution").await;
    let body = body.to_string();
    for (i, name) in ["甲一", "甲二"].iter().enumerate() {
        let id = id_number("19800101", 60 + i as u32);
        let r = add_temp_fields(
            &t,
            &ua,
            unit,
            name,
            id.as_str(),
            &[("body", body.as_str()), ("on", "2024-01-02")],
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    for path in ["chart", "chart.svg"] {
        let r = get(&t, &ua, &format!("/units/{unit}/org/{path}?on=2024-06-01")).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.contains("在岗 2 / 编制 3"), "{}", r.body);
    }
    // Before anyone joined, no headcount is drawn: only the establishment.
    let r = get(
        &t,
        &ua,
        &format!("/units/{unit}/org/chart.svg?on=2023-06-01"),
    )
    .await;
    assert!(r.body.contains("农机站") && r.body.contains("编制 3"));
    assert!(!r.body.contains("在岗"), "{}", r.body);
}

// ---- The demo (骆驼街道): establishment in the plan preview, and the org chart. ----

/// The demo district over a fresh database, with a unit admin of 骆驼街道 (`demo_unit`) and
/// a district admin (`demo_district`) who sign in with [`PW`].
async fn demo_setup() -> T {
    use jiguan_domain::auth::Role;
    let mut t = demo(&["luotuo"]).await;
    let luotuo = t.unit("luotuo");
    for (name, unit, role) in [
        ("demo_unit", Some(luotuo), Role::UnitAdmin),
        ("demo_district", None, Role::DistrictAdmin),
    ] {
        let id = t
            .app
            .system_create_user(t.d_a, unit, name, name, &[role], PW, false)
            .await
            .unwrap();
        t.users.push((name, id));
    }
    t
}

/// The `<tr>` of a table in `html` whose text holds `needle`.
fn row_of<'a>(html: &'a str, needle: &str) -> &'a str {
    let at = html
        .find(needle)
        .unwrap_or_else(|| panic!("no {needle} in {html}"));
    let start = html[..at].rfind("<tr").unwrap_or(0);
    let end = html[at..].find("</tr>").map_or(html.len(), |e| at + e);
    &html[start..end]
}

/// Issue 12, defect 1: the demo plan of 骆驼街道 merges sections and stations into four new
/// centres. Their establishment stays with the nameplate bodies and the centres use it, so
/// the total does not rise (it fell only by the two converted enterprises: 83 → 70, not
/// 83 → 108). A plan that does raise the total is flagged and cannot be approved without
/// the document number, the message naming the field and the figures.
#[tokio::test]
async fn demo_plan_preview_keeps_the_establishment_and_a_rise_needs_a_doc_no() {
    let t = demo_setup().await;
    let unit = t.unit("luotuo");
    let ua = login(&t, "demo_unit").await;
    let da = login(&t, "demo_district").await;
    let r = get(&t, &ua, &format!("/units/{unit}/org/plans")).await;
    let prefix = format!("/units/{unit}/org/plans/");
    let plan: i64 = r
        .body
        .split(&prefix)
        .filter_map(|x| {
            x.split(|c: char| !c.is_ascii_digit())
                .next()
                .and_then(|n| n.parse().ok())
        })
        .next()
        .unwrap_or_else(|| panic!("no plan in {}", r.body));
    let base = format!("{prefix}{plan}");
    let r = get(&t, &ua, &base).await;
    assert_eq!(r.status, StatusCode::OK);
    let counts = row_of(&r.body, "<td>编制数</td>");
    assert!(
        counts.contains(r#"<td class="num">83</td><td class="num">70</td>"#),
        "{counts}"
    );
    let held = row_of(&r.body, "<td>其中保留在原机构（牌子）的编制</td>");
    assert!(
        held.contains(r#"<td class="num">0</td><td class="num">46</td>"#),
        "{held}"
    );
    // 社会事务服务中心: none of its own, uses the 10 of 社会事务科, 劳动保障所, 计生服务站.
    let centre = row_of(&r.body, "<td>社会事务服务中心</td>");
    assert!(
        centre.contains(r#"est-own">0<"#) && centre.contains(r#"est-used">10<"#),
        "{centre}"
    );
    assert!(r.body.contains("id=\"establishment-keep\""), "{}", r.body);
    assert!(!r.body.contains("id=\"establishment-rise\""));
    assert!(r.body.contains("编制保留在原机构"));

    // A new office of 20 raises the total to 90: warned, and approval needs the 文号.
    post_form_ok(
        &t,
        &ua,
        &format!("{base}/ops"),
        &[
            ("op", "create"),
            ("name", "应急管理办公室"),
            ("kind", "office"),
            ("establishment", "20"),
        ],
    )
    .await;
    let r = get(&t, &ua, &base).await;
    let rise = row_of(&r.body, "id=\"establishment-rise\"");
    assert!(rise.contains("由 83 增至 90（增加 7 名）"), "{rise}");
    post_form_ok(&t, &ua, &format!("{base}/submit"), &[]).await;
    let r = post_form(&t, &da, &format!("{base}/approve"), &[("doc_no", " ")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body
            .contains("文号：本方案使编制总数由 83 增至 90（增加 7 名）"),
        "{}",
        r.body
    );
    let en = Who {
        lang: Some("en"),
        ..da.clone()
    };
    let r = post_form(&t, &en, &format!("{base}/approve"), &[("doc_no", "")]).await;
    assert!(
        r.body
            .contains("Document number: this plan raises the establishment total from 83 to 90"),
        "{}",
        r.body
    );
    let r = get(&t, &da, &base).await;
    assert!(r.body.contains("plan-submitted"), "nothing was approved");
    post_form_ok(
        &t,
        &da,
        &format!("{base}/approve"),
        &[("doc_no", "镇海编〔2026〕5号")],
    )
    .await;
}

/// Issue 12, defect 5: the chart puts sibling bodies side by side in one row container
/// (not a vertical chain) and writes each box's headcount on post and establishment.
#[tokio::test]
async fn demo_chart_puts_siblings_in_rows_with_headcount_and_establishment() {
    let t = demo_setup().await;
    let unit = t.unit("luotuo");
    let ua = login(&t, "demo_unit").await;
    let today = t.app.org_today();
    let acc = Account {
        name: "demo_unit",
        unit: Some("luotuo"),
        roles: vec![jiguan_domain::auth::Role::UnitAdmin],
    };
    let s = t
        .app
        .org_structure(&actor_of(&t, &acc), unit, None)
        .await
        .unwrap();
    let id_of = |name: &str| {
        s.active()
            .find(|b| b.name == name)
            .map(|b| b.id)
            .unwrap_or_else(|| panic!("no {name}"))
    };
    // The demo's people belong to the unit, not yet to a body: place one in 党政办公室.
    let dzb = id_of("党政办公室").to_string();
    let id = id_number("19850101", 71);
    let today_s = today.to_string();
    let r = add_temp_fields(
        &t,
        &ua,
        unit,
        "甲乙",
        id.as_str(),
        &[("body", dzb.as_str()), ("on", today_s.as_str())],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let heads = t
        .app
        .org_headcount(&actor_of(&t, &acc), unit, today)
        .await
        .unwrap();
    let r = get(&t, &ua, &format!("/units/{unit}/org/chart")).await;
    assert_eq!(r.status, StatusCode::OK);
    // 党政办公室 and 经济发展科 (both 科室) in the same row container.
    let (a, b) = (id_of("党政办公室"), id_of("经济发展科"));
    let rows: Vec<&str> = r.body.split("<g class=\"org-row\"").skip(1).collect();
    assert!(rows.len() >= 3, "{}", r.body);
    let row = rows
        .iter()
        .find(|x| x.contains(&format!("data-id=\"{a}\"")))
        .unwrap_or_else(|| panic!("no row holds {a}: {}", r.body));
    assert!(row.contains(&format!("data-id=\"{b}\"")), "{row}");
    // Its box: headcount on post and the establishment (8 in the demo register).
    let n = heads.iter().find(|(x, _)| *x == a).map_or(0, |(_, n)| *n);
    assert!(n >= 1, "{heads:?}");
    let boxed = row
        .split(&format!("data-id=\"{a}\""))
        .nth(1)
        .and_then(|x| x.split("</g>").next())
        .unwrap_or("");
    assert!(boxed.contains(&format!("在岗 {n} / 编制 8")), "{boxed}");
    // A body nobody is placed in shows 0 on post once the unit's people have bodies.
    let jjk = row
        .split(&format!("data-id=\"{b}\""))
        .nth(1)
        .and_then(|x| x.split("</g>").next())
        .unwrap_or("");
    assert!(jjk.contains("在岗 0 / 编制 5"), "{jjk}");
    // The page draws it at its natural size (a phone scrolls it; CSS scales it to fit).
    assert!(r.body.contains("class=\"org-chart\" viewBox=") && r.body.contains(" width=\""));
}
