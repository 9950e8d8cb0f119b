//! Posts from work (以事定岗) through the pages.

use axum::http::StatusCode;

use crate::helpers::*;
use crate::org::{id_in, org_body};
use jiguan_domain::tenancy::UnitId;
use jiguan_testkit::fixtures::{self, id_number};

// ---- posts ----

/// Through the form, a post (`post` = title, yearly hours) in `body` of `unit` that carries
/// one new kept function (`fun` = code, title) in full; the post's id.
pub async fn add_post(
    t: &T,
    ua: &Who,
    actor: &jiguan_app::Actor,
    unit: UnitId,
    body: i64,
    fun: (&str, &str),
    post: (&str, &str),
) -> i64 {
    let (code, fn_title) = fun;
    let form = jiguan_app::org::FunctionForm {
        code: code.into(),
        ..fixtures::kept_function(body, fn_title)
    };
    t.app.org_create_function(actor, unit, &form).await.unwrap();
    let data = t.app.post_form_data(actor, unit).await.unwrap();
    let item = data.functions.iter().find(|f| f.code == code).unwrap();
    let item = item.id.0.to_string();
    let body_s = body.to_string();
    let fields = [
        ("body", body_s.as_str()),
        ("title", post.0),
        ("level", "general"),
        ("establishment", "any"),
        ("fn_0", item.as_str()),
        ("hours_0", post.1),
    ];
    let r = post_form_ok(t, ua, &format!("/units/{unit}/posts/new"), &fields).await;
    id_in(&r.location(), "/posts/")
}

/// The posts pages end to end: the form (every error named), the list with FTE, the assign
/// form and its refusal, the balance chart, the Excel export and the API; and luotuo's
/// post ids do not exist through another unit's paths.
#[tokio::test]
async fn posts_pages_work_and_foreign_ids_are_not_found() {
    let t = setup().await;
    let luotuo = t.unit("luotuo");
    let jiulonghu = t.unit("jiulonghu");
    let ua = login(&t, "u_admin").await;
    let actor = actor_of(&t, &accounts()[2]);
    let body = org_body(&t, &ua, luotuo, "党政办", "office").await;
    t.app
        .org_create_function(&actor, luotuo, &fixtures::kept_function(body, "公文处理"))
        .await
        .unwrap();
    let item = t
        .app
        .post_form_data(&actor, luotuo)
        .await
        .unwrap()
        .functions[0]
        .id
        .0;
    let person = t
        .app
        .create_person(
            &actor,
            luotuo,
            &jiguan_domain::people::PersonForm {
                name: "钱多多".into(),
                id_number: id_number("19850101", 31),
                identity: "劳动合同制工人".into(),
                establishment: "编外".into(),
                ..Default::default()
            },
            &Default::default(),
        )
        .await
        .unwrap();
    // Every field error at once, named in Chinese.
    let r = post_form(
        &t,
        &ua,
        &format!("/units/{luotuo}/posts/new"),
        &[
            ("body", ""),
            ("title", ""),
            ("level", "x"),
            ("fn_0", "999"),
            ("hours_0", "0"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_has(&[
        "内设机构：必填",
        "名称：必填",
        "岗位层级：不是可选的值",
        "职能事项第 1 行",
    ]);
    let item_s = item.to_string();
    let body_s = body.to_string();
    let r = post_form_ok(
        &t,
        &ua,
        &format!("/units/{luotuo}/posts/new"),
        &[
            ("body", body_s.as_str()),
            ("title", "公文岗"),
            ("level", "general"),
            ("establishment", "any"),
            ("fn_0", item_s.as_str()),
            ("hours_0", "2976"),
        ],
    )
    .await;
    let post = id_in(&r.location(), "/posts/");
    let r = get(&t, &ua, &format!("/units/{luotuo}/posts")).await;
    assert_eq!(r.status, StatusCode::OK);
    // 2976 h ÷ 1984 h = 1.50 FTE.
    r.assert_has(&["公文岗", "1.50"]);
    let person_s = person.to_string();
    let post_s = post.to_string();
    let assign = [
        ("post", post_s.as_str()),
        ("person", person_s.as_str()),
        ("share_pct", "100"),
        ("main", "1"),
        ("back", "post"),
    ];
    post_form_ok(&t, &ua, &format!("/units/{luotuo}/posts/assign"), &assign).await;
    let r = post_form(&t, &ua, &format!("/units/{luotuo}/posts/assign"), &assign).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_has(&["已在岗位", "已有主岗"]);
    // The balance chart: one person at 1.5 FTE, in the overloaded bin.
    let r = get(&t, &ua, &format!("/units/{luotuo}/posts/balance")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("<svg id=\"balance-chart\""));
    assert!(
        r.body.contains("class=\"bar over\" x=")
            && r.body.contains("data-from=\"1.5\" data-count=\"1\"")
    );
    // A forged or stale proposal key is refused on the balance page, naming the reason.
    let r = post_form(
        &t,
        &ua,
        &format!("/units/{luotuo}/posts/balance/accept"),
        &[("keys", "share:1:2")],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("均衡建议：无法识别"), "{}", r.body);
    let stale = format!("move:{post}:{person}:{person}:100:100:1:1:1");
    let r = post_form(
        &t,
        &ua,
        &format!("/units/{luotuo}/posts/balance/accept"),
        &[("keys", stale.as_str())],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("第 1 条建议已过时"), "{}", r.body);
    let r = get(&t, &ua, &format!("/units/{luotuo}/posts/export.xlsx")).await;
    assert_xlsx(&r);
    let r = get(&t, &ua, &format!("/api/v1/units/{luotuo}/posts")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["need_fte"], "1.50");
    let r = get(&t, &ua, &format!("/api/v1/units/{luotuo}/posts-coverage")).await;
    assert_eq!(r.json()["vacant_posts"].as_array().unwrap().len(), 0);
    // Through the sibling unit, luotuo's ids do not exist.
    let da = login(&t, "d_admin").await;
    for path in [
        format!("/units/{jiulonghu}/posts/{post}"),
        format!("/units/{jiulonghu}/posts/people/{person}"),
        format!("/api/v1/units/{jiulonghu}/posts/{post}"),
    ] {
        let r = get(&t, &da, &path).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        assert!(!r.body.contains("公文岗") && !r.body.contains("钱多多"));
    }
    let ja = [
        ("post", post_s.as_str()),
        ("person", person_s.as_str()),
        ("share_pct", "10"),
        ("back", "post"),
    ];
    let r = post_form(&t, &da, &format!("/units/{jiulonghu}/posts/assign"), &ja).await;
    assert_ne!(r.status, StatusCode::SEE_OTHER);
    assert!(!r.body.contains("公文岗") && !r.body.contains("钱多多"));
    // The sibling unit's staff cannot open luotuo's posts.
    let sib = login(&t, "sibling_staff").await;
    let r = get(&t, &sib, &format!("/units/{luotuo}/posts/{post}")).await;
    assert!(matches!(
        r.status,
        StatusCode::NOT_FOUND | StatusCode::FORBIDDEN
    ));
}

/// Defect 4 (issue 12): the balance chart and its legend carry no inline `style=` (the
/// content security policy blocks them); the legend's three items carry distinct classes
/// that app.css defines, each with its own colour.
#[tokio::test]
async fn balance_legend_uses_classes_with_distinct_colours() {
    let t = setup().await;
    let luotuo = t.unit("luotuo");
    let ua = login(&t, "u_admin").await;
    let r = get(&t, &ua, &format!("/units/{luotuo}/posts/balance")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.body.contains("style=\""), "{}", r.body);
    let anon = Who::default();
    let css = get(&t, &anon, "/assets/app.css").await.body;
    let mut colours = Vec::new();
    for class in ["legend-under", "legend-normal", "legend-over"] {
        assert!(
            r.body.contains(&format!("class=\"swatch {class}\"")),
            "{class}: {}",
            r.body
        );
        let rule = css
            .split(&format!(".{class}"))
            .nth(1)
            .and_then(|s| s.split('}').next())
            .unwrap_or_default();
        let colour = rule
            .split("color:")
            .nth(1)
            .map(|c| c.trim().trim_end_matches(';').trim().to_string())
            .unwrap_or_default();
        assert!(!colour.is_empty(), "app.css defines no colour for .{class}");
        colours.push(colour);
    }
    colours.sort();
    colours.dedup();
    assert_eq!(colours.len(), 3, "{colours:?}");
}

/// Defect 6 (issue 12): 岗位 means a post of the posts module; the roster's free-text field
/// is 职务, in the roster and in the coverage page's table of people without a post.
#[tokio::test]
async fn coverage_names_the_roster_free_text_zhiwu_not_gangwei() {
    let t = setup().await;
    let luotuo = t.unit("luotuo");
    let ua = login(&t, "u_admin").await;
    let r = get(&t, &ua, &format!("/units/{luotuo}/posts/coverage")).await;
    assert_eq!(r.status, StatusCode::OK);
    let idle = r
        .body
        .split("id=\"idle-people\"")
        .nth(1)
        .and_then(|s| s.split("</thead>").next())
        .unwrap_or_default()
        .to_string();
    assert!(idle.contains("<th>职务</th>"), "{}", r.body);
    assert!(!idle.contains("岗位"), "{idle}");
    let r = get(&t, &ua, &format!("/units/{luotuo}/people")).await;
    assert!(r.body.contains("职务"), "{}", r.body);
}
