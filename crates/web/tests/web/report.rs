//! Reform results (改革成效) through the pages, the API and the workbook: roles and scope
//! (a unit sees its own report, the district all), the dashboard's sort and drill-down, the
//! print view, the trace of a figure, bad dates naming the field.

use axum::http::StatusCode;

use jiguan_domain::auth::{Actor, Role};
use jiguan_domain::tenancy::UserId;

use crate::helpers::*;

/// Two offices in 骆驼街道 from 2018-01-01, one in 九龙湖镇.
async fn seed(t: &T) {
    for (code, name) in [
        ("luotuo", "党政办公室"),
        ("luotuo", "经济发展办公室"),
        ("jiulonghu", "九龙湖党政办"),
    ] {
        let u = t.unit(code);
        let ua = Actor {
            user_id: UserId(1),
            username: "fixture".into(),
            display_name: String::new(),
            district_id: t.d_a,
            unit_id: Some(u),
            roles: vec![Role::UnitAdmin],
        };
        t.app
            .org_create_body(
                &ua,
                u,
                &jiguan_app::org::BodyForm {
                    name: name.into(),
                    kind: "office".into(),
                    establishment: "3".into(),
                    valid_from: "2018-01-01".into(),
                    doc_no: "镇海编〔2018〕1号".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn dashboard_drills_down_and_sorts() {
    let t = setup().await;
    seed(&t).await;
    let admin = login(&t, "d_admin").await;
    let r = get(&t, &admin, "/report").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let (lt, jl) = (t.unit("luotuo"), t.unit("jiulonghu"));
    assert!(
        r.body
            .contains(&format!("href=\"/units/{lt}/report?from=2018-01-01"))
    );
    assert!(r.body.contains("report-bars-bodies") && r.body.contains("report-waterfall"));
    assert!(!r.body.contains("北仑大碶街道"));
    // Sorted by bodies after, descending: 骆驼 (2) before 九龙湖 (1); ascending the reverse.
    let desc = get(&t, &admin, "/report?sort=bodies_after&dir=desc")
        .await
        .body;
    let pos = |b: &str, u| b.find(&format!("id=\"unit-{u}\"")).unwrap();
    assert!(pos(&desc, lt) < pos(&desc, jl));
    let asc = get(&t, &admin, "/report?sort=bodies_after&dir=asc")
        .await
        .body;
    assert!(pos(&asc, lt) > pos(&asc, jl));
    // The unit report: org charts side by side, the sections with 合计, the 暂无数据 ones.
    let u = get(&t, &admin, &format!("/units/{lt}/report")).await;
    assert_eq!(u.status, StatusCode::OK);
    assert!(u.body.contains("report-org-before") && u.body.contains("report-org-after"));
    assert!(u.body.contains("合计") && u.body.contains("暂无数据"));
    assert!(u.body.contains("党政办公室"));
    // A figure links to the records it counts.
    let trace = format!(
        "/units/{lt}/report/trace?f=bodies&k=office&at=after&from=2018-01-01&to=2019-01-01"
    );
    let link = format!("/units/{lt}/report/trace?f=bodies&#38;k=office&#38;at=after");
    assert!(u.body.contains(&link), "{}", u.body);
    let tr = get(&t, &admin, &trace).await;
    assert_eq!(tr.status, StatusCode::OK);
    assert!(tr.body.contains("党政办公室") && tr.body.contains("经济发展办公室"));
    assert!(!tr.body.contains("九龙湖党政办"));
    // The print view: 标题, 文号, tables with 合计.
    let p = get(
        &t,
        &admin,
        &format!("/units/{lt}/report/print?doc_no=镇海编〔2026〕1号"),
    )
    .await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.body.contains("official-title") && p.body.contains("镇海编〔2026〕1号"));
    // The work sections, the selection section (with the terms ending within 90 days) and
    // the cost trend, on the page and on paper.
    for body in [&u.body, &p.body] {
        assert!(body.contains("十一（二）、人岗匹配") && body.contains("十一（三）、工作量均衡"));
        assert!(body.contains("人浮于事机构") && body.contains("基尼系数"));
        assert!(body.contains("任期即将届满人数（90 日内）"));
        assert!(body.contains("id=\"report-trend\"") && body.contains("<polyline"));
    }
    let wt = get(
        &t,
        &admin,
        &format!("/units/{lt}/report/trace?f=work_bodies&k=overstaffed&at=after"),
    )
    .await;
    assert_eq!(wt.status, StatusCode::OK);
    assert!(wt.body.contains("人浮于事机构"), "{}", wt.body);
    // Excel and JSON.
    assert_xlsx(&get(&t, &admin, &format!("/units/{lt}/report/export")).await);
    assert_xlsx(&get(&t, &admin, "/report/export").await);
    let j = get(&t, &admin, "/api/v1/report?from=2018-01-01&to=2019-01-01")
        .await
        .json();
    assert_eq!(j["total"]["headline"]["bodies_after"], 3);
    assert_eq!(j["units"].as_array().unwrap().len(), 2);
    // The trend's points (from, the year-end between, to) and the work sections.
    let pts: Vec<&str> = j["total"]["trend"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["on"].as_str().unwrap())
        .collect();
    assert_eq!(pts, ["2018-01-01", "2018-12-31", "2019-01-01"]);
    let ids: Vec<&str> = j["total"]["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"work.fte") && ids.contains(&"work.spread"));
}

#[tokio::test]
async fn a_unit_sees_its_own_report_only() {
    let t = setup().await;
    seed(&t).await;
    let (lt, jl, dg) = (t.unit("luotuo"), t.unit("jiulonghu"), t.unit("dagang"));
    let ua = login(&t, "u_admin").await;
    assert_eq!(
        get(&t, &ua, &format!("/units/{lt}/report")).await.status,
        StatusCode::OK
    );
    let j = get(&t, &ua, &format!("/api/v1/units/{lt}/report?to=2019-01-01"))
        .await
        .json();
    assert_eq!(j["figures"]["headline"]["bodies_after"], 2);
    assert_eq!(
        get(&t, &ua, &format!("/units/{jl}/report")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(get(&t, &ua, "/report").await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        get(&t, &ua, "/api/v1/report").await.status,
        StatusCode::FORBIDDEN
    );
    let staff = login(&t, "u_staff").await;
    assert_eq!(
        get(&t, &staff, &format!("/units/{lt}/report")).await.status,
        StatusCode::FORBIDDEN
    );
    let other = login(&t, "b_admin").await;
    assert_eq!(
        get(&t, &other, &format!("/units/{lt}/report")).await.status,
        StatusCode::NOT_FOUND
    );
    let b = get(&t, &other, "/api/v1/report").await.json();
    assert_eq!(b["total"]["headline"]["bodies_after"], 0);
    assert_eq!(b["units"][0]["unit"]["id"], dg.0);
    let auditor = login(&t, "d_auditor").await;
    assert_eq!(get(&t, &auditor, "/report").await.status, StatusCode::OK);
}

#[tokio::test]
async fn bad_dates_name_the_field() {
    let t = setup().await;
    let admin = login(&t, "d_admin").await;
    let r = get(&t, &admin, "/api/v1/report?from=2019-02-30").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("\"from\""), "{}", r.body);
    let r = get(&t, &admin, "/api/v1/report?from=2020-01-01&to=2019-01-01").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("开始日期"), "{}", r.body);
    let p = get(&t, &admin, "/report?to=nonsense").await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains("截止日期"), "{}", p.body);
}
