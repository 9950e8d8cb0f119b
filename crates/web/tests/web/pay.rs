//! Performance pay (绩效分配) through the real router: the district sets the pool on its page,
//! the unit's HR enters the PAY-6 people, computes, submits; the committee member approves;
//! the slip explains the factors; the export is a workbook; the district page draws the chart.

use axum::http::{Method, StatusCode};

use crate::helpers::*;
use crate::people::add_temp;

#[tokio::test]
async fn pay_run_from_pool_to_slip() {
    let t = setup().await;
    let u = t.unit("luotuo");
    let da = login(&t, "d_admin").await;
    let ua = login(&t, "u_admin").await;
    let uc = login(&t, "u_committee").await;
    // The district sets a fixed pool of 50,000.00 for 2019; a bad one names the field.
    let r = post_form(
        &t,
        &da,
        &format!("/units/{u}/pay/pool"),
        &[
            ("year", "2019"),
            ("basis", "per_head"),
            ("per_head", "-1"),
            ("headcount", "5"),
            ("unit_coef", "1"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("不能为负数"), "{}", r.body);
    let r = post_form(
        &t,
        &da,
        &format!("/units/{u}/pay/pool"),
        &[("year", "2019"), ("basis", "fixed"), ("amount", "50000")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // The unit may not set its own pool.
    let r = post_form(
        &t,
        &ua,
        &format!("/units/{u}/pay/pool"),
        &[("year", "2019"), ("basis", "fixed"), ("amount", "90000")],
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // HR creates the run and enters five people (PAY-6 vector).
    let r = post_form_ok(&t, &ua, &format!("/units/{u}/pay"), &[("year", "2019")]).await;
    let base = r.location();
    let base = base.split('?').next().unwrap().to_string();
    let mut ids = Vec::new();
    for (i, (g, c)) in [
        ("excellent", "1.3"),
        ("competent", "1.3"),
        ("competent", "1"),
        ("basic", "1"),
        ("incompetent", "1"),
    ]
    .iter()
    .enumerate()
    {
        let p = add_temp(&t, &ua, u, &format!("绩效{i}"), 40 + i as u32).await;
        let ps = p.to_string();
        post_form_ok(
            &t,
            &ua,
            &format!("{base}/lines"),
            &[("person_id", ps.as_str()), ("grade", g), ("post_coef", c)],
        )
        .await;
        ids.push(p);
    }
    // A bad line names the field and writes nothing.
    let r = post_form(
        &t,
        &ua,
        &format!("{base}/lines"),
        &[("person_id", "1"), ("grade", "great"), ("months", "13")],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Submitting before computing is refused; compute, then submit.
    let r = post_form(&t, &ua, &format!("{base}/submit"), &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("重新计算"), "{}", r.body);
    post_form_ok(&t, &ua, &format!("{base}/compute"), &[]).await;
    let r = get(&t, &ua, &base).await;
    r.assert_has(&["16,738.20", "8,583.69"]);
    post_form_ok(&t, &ua, &format!("{base}/submit"), &[]).await;
    // HR cannot approve; the committee member can.
    let r = post_form(&t, &ua, &format!("{base}/approve"), &[]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    post_form_ok(&t, &uc, &format!("{base}/approve"), &[]).await;
    post_form_ok(&t, &ua, &format!("{base}/apply"), &[]).await;
    let r = get(&t, &ua, &base).await;
    assert!(r.body.contains("已发放"), "{}", r.body);
    // The slip explains every factor.
    let r = get(&t, &ua, &format!("{base}/slip/{}", ids[0])).await;
    assert_eq!(r.status, StatusCode::OK);
    for want in ["16,738.20", "1.56", "1.2", "1.3", "最大余数", "50,000.00"] {
        assert!(r.body.contains(want), "slip lacks {want}: {}", r.body);
    }
    // The finance workbook.
    let r = get(&t, &ua, &format!("{base}/export")).await;
    assert_xlsx(&r);
    // The district page: spread, Gini and the chart.
    let r = get(&t, &da, "/pay?year=2019").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("<svg id=\"pay-chart\""), "{}", r.body);
    assert!(
        r.body.contains("1.95"),
        "ratio 16738.20/8583.69: {}",
        r.body
    );
    // The API shows yuan strings with two places.
    let id = base.rsplit('/').next().unwrap();
    let r = send(
        &t,
        &ua,
        Method::GET,
        &format!("/api/v1/units/{u}/pay/{id}"),
        None,
    )
    .await;
    let j = r.json();
    assert_eq!(j["lines"][0]["share"], "16738.20");
    assert_eq!(j["status"], "applied");
    let r = send(&t, &da, Method::GET, "/api/v1/pay/2019", None).await;
    assert_eq!(r.json()["units"][0]["pool"], "50000.00");
}

/// The upload of a run's lines (导入等次与分配要素): the template is a workbook; a file
/// with a bad row is refused whole, naming the file's row and the column; a good file
/// fills the lines; staff may not upload (tenant isolation: the guard walkers).
#[tokio::test]
async fn pay_lines_upload_all_or_nothing() {
    let t = setup().await;
    let u = t.unit("luotuo");
    let ua = login(&t, "u_admin").await;
    let r = post_form_ok(&t, &ua, &format!("/units/{u}/pay"), &[("year", "2020")]).await;
    let base = r.location().split('?').next().unwrap().to_string();
    let a = add_temp(&t, &ua, u, "导入甲", 61).await;
    let b = add_temp(&t, &ua, u, "导入乙", 62).await;
    // The template lists the unit's people.
    let r = get(&t, &ua, &format!("{base}/template")).await;
    assert_xlsx(&r);
    let page = get(&t, &ua, &base).await;
    assert!(page.body.contains("id=\"pay-upload\""), "{}", page.body);
    let csrf = ua.csrf.clone().unwrap();
    let upload = format!("{base}/upload?_csrf={csrf}");
    // Row 3 has an unknown grade and 13 months: nothing imported, row and column named.
    let bad = format!(
        "人员编号,姓名,考核等次,岗位系数,任职月数,12月基本工资（元）\n{a},导入甲,优秀,1.3,12,6000.00\n{b},导入乙,很好,,13,\n"
    );
    let r = crate::people::multipart(&t, &ua, &upload, &[], "lines.csv", &bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("第 3 行「考核等次」"), "{}", r.body);
    assert!(r.body.contains("第 3 行「任职月数」"), "{}", r.body);
    assert!(!r.body.contains("第 2 行"), "{}", r.body);
    let id = base.rsplit('/').next().unwrap();
    let api = format!("/api/v1/units/{u}/pay/{id}");
    let j = get(&t, &ua, &api).await.json();
    assert_eq!(
        j["lines"].as_array().unwrap().len(),
        0,
        "nothing written: {j}"
    );
    // Without the grade column: the column is named.
    let r = crate::people::multipart(&t, &ua, &upload, &[], "l.csv", "人员编号\n1\n").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("考核等次"), "{}", r.body);
    // The good file.
    let good = format!(
        "人员编号,姓名,考核等次,岗位系数,任职月数,12月基本工资（元）\n{a},导入甲,优秀,1.3,12,6000.00\n{b},导入乙,称职,,6,\n"
    );
    let r = crate::people::multipart(&t, &ua, &upload, &[], "lines.csv", &good).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let j = get(&t, &ua, &api).await.json();
    let lines = j["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 2, "{j}");
    let of = |p: i64| lines.iter().find(|l| l["person_id"] == p).unwrap();
    assert_eq!(of(a)["grade"], "excellent");
    assert_eq!(of(a)["post_coef"], "1.3");
    assert_eq!(of(b)["grade"], "competent");
    assert_eq!(of(b)["months"], 6);
    // Staff may not upload; another unit's HR cannot reach the run.
    let us = login(&t, "u_staff").await;
    let up = format!("{base}/upload?_csrf={}", us.csrf.clone().unwrap());
    let r = crate::people::multipart(&t, &us, &up, &[], "lines.csv", &good).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}
