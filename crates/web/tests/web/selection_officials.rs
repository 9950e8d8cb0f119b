//! The officials of a campaign through the routes (RULES-SELECTION-APPRAISAL §1.9.3–§1.9.5):
//! on the demo's 骆驼街道 2019 campaign (shortlists and a closed 党工委 meeting), an
//! inspection-team member married to the candidate they inspect is recused at once
//! (detected), a counter related to a candidate voted in the meeting likewise; an applicant
//! cannot count or scrutinise (§1.9.4); a serving official's declared recusal is recorded
//! once; each recusal is logged (who, what, category, declared/detected, who decided);
//! wrong input names its field; another unit sees nothing. And the decision page of a
//! filled post (point 2).

use axum::http::StatusCode;

use jiguan_app::people::RelationForm;
use jiguan_domain::auth::Role;
use jiguan_domain::people::PersonId;

use crate::helpers::*;

#[tokio::test]
async fn sel_officials_recuse_on_kinship_and_refuse_an_applicant_as_counter() {
    let t = demo_t("luotuo").await;
    let (app, d, lu) = (&t.app, t.d_a, t.unit("luotuo"));
    let a = unit_admin(d, lu);
    let c = app.camp_list(&a, lu).await.unwrap()[0].clone();
    let v = app.sel_officials(&a, lu, c.id).await.unwrap();
    assert!(v.officials.is_empty());
    assert!(!v.inspectable.is_empty(), "the demo has shortlists");
    assert_eq!(v.meetings.len(), 1, "the demo's 党工委 meeting");
    // Four people of the unit who did not apply.
    let review = app.camp_review_view(&a, lu, c.id).await.unwrap();
    let free = jiguan_testkit::fixtures::non_applicants(&v, &review, 4);
    let applicant = review.applications[0].application.person_id;
    assert_eq!(free.len(), 4);
    let inspected = &v.inspectable[0];
    let (meeting, voted) = (v.meetings[0].0, v.meetings[0].2.clone());
    // free[0] is the inspected candidate's spouse; free[2] a sibling of a voted candidate.
    for (p, rel, kind) in [
        (free[0], inspected.person_id, "spouse"),
        (free[2], voted[voted.len() - 1], "sibling"),
    ] {
        app.add_person_relation(
            &a,
            lu,
            PersonId(p),
            &RelationForm {
                relative_id: rel.to_string(),
                relation: kind.into(),
            },
        )
        .await
        .unwrap();
    }

    let hr = login(&t, "demo_unit").await;
    let page = format!("/units/{lu}/selection/campaigns/{}/officials", c.id);
    let api = format!("/api/v1{page}");
    let r = get(&t, &hr, &page).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("off-inspector-form") && r.body.contains(&inspected.name));

    // The spouse as inspector: registered, recused at once (detected from the record).
    let app_id = inspected.application_id.0.to_string();
    let r = post_form(
        &t,
        &hr,
        &page,
        &[
            ("role", "inspector"),
            ("application_id", &app_id),
            ("person_id", &free[0].to_string()),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(
        r.location().ends_with("ok=official_recused"),
        "{}",
        r.location()
    );
    // An unrelated inspector serves.
    let r = post_form_ok(
        &t,
        &hr,
        &page,
        &[
            ("role", "inspector"),
            ("application_id", &app_id),
            ("person_id", &free[1].to_string()),
        ],
    )
    .await;
    assert!(r.location().ends_with("ok=official_added"));
    // The sibling as counter of the meeting: recused (the API answers with the recusal).
    // An official of the meeting registered through the API (201): the answer's JSON.
    let at_meeting = async |role: &str, person: i64| {
        let body = format!(
            r#"{{"role":"{role}","person_id":{person},"meeting_id":{}}}"#,
            meeting.0
        );
        let r = post_json(&t, &hr, &api, &body).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        r.json()
    };
    let j = at_meeting("counter", free[2]).await;
    assert_eq!(j["recusal"]["category"], "kin");
    assert_eq!(j["recusal"]["kinship"], "collateral");
    assert_eq!(j["recusal"]["source"], "detected");
    // An unrelated scrutineer serves.
    let j = at_meeting("scrutineer", free[3]).await;
    assert!(j["recusal"].is_null());
    let scrutineer = j["id"].as_i64().unwrap();

    // §1.9.4: an applicant cannot count or scrutinise (page and API), nothing is written.
    for role in ["counter", "scrutineer"] {
        let r = post_form(
            &t,
            &hr,
            &page,
            &[
                ("role", role),
                ("meeting_id", &meeting.0.to_string()),
                ("person_id", &applicant.to_string()),
            ],
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{role}");
        assert!(
            r.body.contains("竞聘人员不能担任评委、计票人或监票人"),
            "{}",
            r.body
        );
        let r = post_json(
            &t,
            &hr,
            &api,
            &format!(
                r#"{{"role":"{role}","person_id":{},"meeting_id":{}}}"#,
                applicant, meeting.0
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.body.contains("selection_candidate_as_official"),
            "{}",
            r.body
        );
        assert!(r.body.contains("person_id"), "{}", r.body);
    }
    // Fields named: no matter, a candidate not on the shortlist, a role of another page.
    let off_list: Vec<i64> = app
        .camp_review_view(&a, lu, c.id)
        .await
        .unwrap()
        .applications
        .iter()
        .map(|x| x.application.id.0)
        .filter(|x| !v.inspectable.iter().any(|i| i.application_id.0 == *x))
        .collect();
    for (body, field, code) in [
        (
            format!(r#"{{"role":"inspector","person_id":{}}}"#, free[1]),
            "application_id",
            "required",
        ),
        (
            format!(
                r#"{{"role":"inspector","person_id":{},"application_id":{}}}"#,
                free[1],
                off_list.first().copied().unwrap_or(999_999)
            ),
            "application_id",
            "selection_not_shortlisted",
        ),
        (
            format!(
                r#"{{"role":"judge","person_id":{},"meeting_id":{}}}"#,
                free[1], meeting.0
            ),
            "role",
            "choice_invalid",
        ),
        (
            format!(
                r#"{{"role":"scrutineer","person_id":{},"meeting_id":{}}}"#,
                free[3], meeting.0
            ),
            "person_id",
            "duplicate",
        ),
    ] {
        let r = post_json(&t, &hr, &api, &body).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let errs = r.json()["errors"].clone();
        assert!(
            errs.as_array()
                .unwrap()
                .iter()
                .any(|e| e["field"] == field && e["code"] == code),
            "{body}: {errs}"
        );
    }
    let v = app.sel_officials(&a, lu, c.id).await.unwrap();
    assert_eq!(v.officials.len(), 4);

    // A declared recusal of the serving scrutineer (本人申请), once.
    let rec = format!("{page}/{scrutineer}/recusal");
    let r = post_form(&t, &hr, &rec, &[("recusal_category", "other")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("err-recusal_source") && r.body.contains("err-reason"));
    post_form_ok(
        &t,
        &hr,
        &rec,
        &[
            ("recusal_category", "other"),
            ("recusal_source", "declared"),
            ("reason", "与被表决人选系同一村小组邻居，本人申请回避"),
        ],
    )
    .await;
    let r = post_json(
        &t,
        &hr,
        &format!("{api}/{scrutineer}/recusal"),
        r#"{"recusal_category":"own","recusal_source":"decided","reason":"x"}"#,
    )
    .await;
    assert_refused(&r, "selection_official_recused");

    // The list: two serving, three recused, each with how and who.
    let l = get(&t, &hr, &api).await.json();
    let offs = l["officials"].as_array().unwrap().clone();
    let recused: Vec<&serde_json::Value> =
        offs.iter().filter(|o| !o["recusal"].is_null()).collect();
    assert_eq!(recused.len(), 3, "{offs:?}");
    let by_person = |p: i64| offs.iter().find(|o| o["person_id"] == p).unwrap().clone();
    assert_eq!(by_person(free[0])["recusal"]["kinship"], "spouse");
    assert_eq!(by_person(free[3])["recusal"]["source"], "declared");
    assert_eq!(by_person(free[3])["recusal"]["decided_by"], "demo_unit");
    assert!(by_person(free[1])["recusal"].is_null());
    let r = get(&t, &hr, &page).await;
    assert!(r.body.contains("系统检出") && r.body.contains("本人申请"));

    // The log (§1.9.5): three recusal entries — who, what, category, declared/detected.
    let audit = app
        .store
        .list_audit(d, &Default::default(), &Default::default())
        .await
        .unwrap()
        .items;
    let logs: Vec<serde_json::Value> = audit
        .iter()
        .filter(|e| {
            e.action == "selection.official.add" || e.action == "selection.official.recusal"
        })
        .map(|e| serde_json::from_str(e.after.as_deref().unwrap_or("null")).unwrap())
        .collect();
    assert_eq!(logs.len(), 5);
    let entries: Vec<serde_json::Value> = logs
        .iter()
        .filter_map(|j| {
            let x = if j["log"].is_object() {
                &j["log"]
            } else {
                &j["recusal"]
            };
            x.is_object().then(|| x.clone())
        })
        .collect();
    assert_eq!(entries.len(), 3, "{logs:?}");
    let spouse = entries.iter().find(|e| e["person"] == free[0]).unwrap();
    assert_eq!(spouse["role"], "inspector");
    assert_eq!(spouse["category"], "kin");
    assert_eq!(spouse["kinship"], "spouse");
    assert_eq!(spouse["detected"], true);
    assert_eq!(spouse["declared"], false);
    assert_eq!(spouse["candidates"][0], inspected.person_id);
    let declared = entries.iter().find(|e| e["person"] == free[3]).unwrap();
    assert_eq!(declared["role"], "scrutineer");
    assert_eq!(declared["declared"], true);
    assert_eq!(declared["detected"], false);
    assert_eq!(declared["source"], "declared");
    assert_eq!(declared["decided_by"], "demo_unit");
    assert_eq!(declared["meeting"], meeting.0);

    // Roles and tenants: a committee member reads, may not write; another unit sees nothing.
    let other = unit_id(&t.app, d, "jiulonghu").await;
    t.app
        .system_create_user(
            d,
            Some(other),
            "jl_admin",
            "jl",
            &[Role::UnitAdmin],
            PW,
            false,
        )
        .await
        .unwrap();
    t.app
        .system_create_user(
            d,
            Some(lu),
            "lu_viewer",
            "v",
            &[Role::CommitteeMember],
            PW,
            false,
        )
        .await
        .unwrap();
    let jl = login(&t, "jl_admin").await;
    assert_eq!(get(&t, &jl, &page).await.status, StatusCode::NOT_FOUND);
    let wrong = format!("/units/{other}/selection/campaigns/{}/officials", c.id);
    assert_eq!(get(&t, &jl, &wrong).await.status, StatusCode::NOT_FOUND);
    let viewer = login(&t, "lu_viewer").await;
    let r = get(&t, &viewer, &page).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.body.contains("off-inspector-form"));
    let r = post_form(&t, &viewer, &page, &[("role", "counter")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

/// Point 2: once a post's seats are decided, the decision page shows the outcome for it
/// and no check box of a losing candidate.
#[tokio::test]
async fn sel_a_filled_post_offers_no_losing_candidate() {
    use jiguan_app::selection::decision::Outcome;
    let t = demo_t("luotuo").await;
    let (app, d, lu) = (&t.app, t.d_a, t.unit("luotuo"));
    let a = unit_admin(d, lu);
    let c = app.camp_list(&a, lu).await.unwrap()[0].clone();
    let v = app.dec_view(&a, lu, c.id).await.unwrap();
    let losers: Vec<_> = v
        .candidates
        .iter()
        .filter(|x| x.outcome == Outcome::NotElected)
        .collect();
    assert!(!losers.is_empty());
    for p in &v.posts {
        if p.elected >= p.seats {
            assert!(p.pool.is_empty(), "{}: {:?}", p.label, p.pool);
        }
    }
    let hr = login(&t, "demo_unit").await;
    let r = get(
        &t,
        &hr,
        &format!("/units/{lu}/selection/campaigns/{}/decisions", c.id),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    for x in &losers {
        let value = format!(
            "{}:{}:{}",
            x.candidate.post.body_id.0,
            x.candidate.post.level.code(),
            x.candidate.person_id
        );
        assert!(
            !r.body.contains(&format!("id=\"prop-{value}\"")),
            "{} is offered again",
            x.name
        );
    }
    assert!(r.body.contains("post-filled-"));
    assert!(r.body.contains("已决定："));
}
