//! Two-way selection (双向择岗) pages of the people taking part, on the demo's open round of
//! 骆驼街道: a staff member lists posts in order on the phone page (`…/mine`) and sees them;
//! an ineligible or repeated choice comes back naming the choice; a body head ranks a
//! post's applicants with 不接受 (`…/rank`); another unit's staff are kept out.

use axum::http::StatusCode;
use serde_json::json;

use jiguan_app::twoway::{PrefRow, RoundAt};
use jiguan_domain::audit::{AuditAction, ObjectKind};
use jiguan_domain::auth::{Actor, Role};
use jiguan_domain::people::PersonId;
use jiguan_domain::tenancy::UnitId;
use jiguan_domain::twoway::RoundId;
use jiguan_domain::workflow::Status;

use crate::helpers::*;
use crate::people::{add_temp_fields, person_of};
use jiguan_testkit::fixtures::id_number;

/// The demo behind the real router (骆驼街道 and 九龙湖镇 listed), with 骆驼街道's open
/// round and a unit administrator of it for the use cases.
struct Demo {
    t: T,
    round: RoundId,
    lu: UnitId,
    ua: Actor,
}

async fn demo() -> Demo {
    let t = crate::helpers::demo(&["luotuo", "jiulonghu"]).await;
    let lu = t.unit("luotuo");
    let ua = unit_admin(t.d_a, lu);
    let round = t
        .app
        .tw_rounds(&ua, lu)
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.status == Status::Open)
        .expect("the demo's open round")
        .id;
    Demo { t, round, lu, ua }
}

/// A temporary worker `name` (ID number `id`) of `body`, added by `who` on the people form
/// to be a body head, in service since `work_start`.
async fn add_head(
    t: &T,
    who: &Who,
    unit: UnitId,
    (name, id): (&str, &str),
    work_start: &str,
    body: &str,
) -> Resp {
    let fields = [
        ("work_start", work_start),
        ("unit_join", "2010-03-01"),
        ("basic_pay", "60000"),
        ("allowances", "6000"),
        ("body", body),
    ];
    add_temp_fields(t, who, unit, name, id, &fields).await
}

/// Asserts that a refused request named each field of `want` among its errors.
fn assert_fields_named(r: &Resp, want: &[&str]) {
    let v = r.json();
    let named: Vec<&str> = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    for f in want {
        assert!(named.contains(f), "{f}: {named:?}");
    }
}

/// A new account of `unit` with `role`, linked to `person` when given, signed in.
async fn account(t: &T, name: &str, unit: &str, role: Role, person: Option<i64>) -> Who {
    let d = t.d_a;
    let id = t
        .app
        .system_create_user(d, Some(t.unit(unit)), name, name, &[role], PW, false)
        .await
        .unwrap();
    if let Some(p) = person {
        let audit = t
            .app
            .system_audit(d)
            .unit(Some(t.unit(unit)))
            .did(AuditAction::UserLinkPerson)
            .on(ObjectKind::User, id);
        t.app
            .store
            .set_user_person(d, id, Some(PersonId(p)), audit)
            .await
            .unwrap();
    }
    login(t, name).await
}

#[tokio::test]
async fn staff_list_choices_on_the_phone_page_and_bad_choices_name_the_field() {
    let Demo { t, round, lu, .. } = demo().await;
    let v = t
        .app
        .tw_view(&unit_admin(t.d_a, lu), lu, round)
        .await
        .unwrap();
    let me = v.participants[0].person_id;
    let staff = account(&t, "tw_staff", "luotuo", Role::Staff, Some(me)).await;
    let path = format!("/units/{lu}/twoway/{round}/mine");
    let r = get(&t, &staff, &path).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("id=\"twoway-choose\""), "{}", r.body);
    // As many choices as the round allows (3), each post with its workload.
    for f in ["pref_0", "pref_1", "pref_2"] {
        assert!(r.body.contains(&format!("name=\"{f}\"")), "{f}");
    }
    assert!(!r.body.contains("name=\"pref_3\""));
    let p0 = &v.posts[0];
    assert!(
        r.body
            .contains(&format!("id=\"twoway-post-{}\"", p0.post_id))
    );
    assert!(
        r.body.contains(&format!("{} 小时/年", p0.hours)),
        "{}",
        r.body
    );
    // Find an eligible and an ineligible post for this person.
    let (mut good, mut bad) = (None, None);
    for p in &v.posts {
        let id = p.post_id.to_string();
        let r = post_form(&t, &staff, &path, &[("pref_0", &id)]).await;
        match r.status {
            StatusCode::SEE_OTHER if good.is_none() => good = Some(id),
            StatusCode::UNPROCESSABLE_ENTITY if bad.is_none() => bad = Some((id, r.body)),
            StatusCode::SEE_OTHER | StatusCode::UNPROCESSABLE_ENTITY => {}
            s => panic!("{s}: {}", r.body),
        }
        if good.is_some() && bad.is_some() {
            break;
        }
    }
    let good = good.expect("an eligible post");
    let (bad, body) = bad.expect("an ineligible post");
    assert!(body.contains("id=\"err-prefs-0\""), "{body}");
    assert!(body.contains("志愿 1："), "{body}");
    // What was entered comes back selected.
    assert!(
        body.contains(&format!("<option value=\"{bad}\" selected>")),
        "{body}"
    );
    // The same post twice: the second choice is named.
    let r = post_form(&t, &staff, &path, &[("pref_0", &good), ("pref_1", &good)]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("id=\"err-prefs-1\""), "{}", r.body);
    assert!(r.body.contains("同一岗位不能重复填报"), "{}", r.body);
    // In English too.
    let mut en = staff.clone();
    en.lang = Some("en");
    let r = post_form(&t, &en, &path, &[("pref_0", &good), ("pref_1", &good)]).await;
    assert!(r.body.contains("Choice 2"), "{}", r.body);
    // Saved with 服从调剂 and shown again.
    let r = post_form_ok(
        &t,
        &staff,
        &path,
        &[("pref_0", &good), ("accept_adjust", "1")],
    )
    .await;
    assert!(r.location().ends_with("/mine?ok=twoway_prefs_saved"));
    let r = get(&t, &staff, &path).await;
    assert!(
        r.body
            .contains(&format!("<option value=\"{good}\" selected>")),
        "{}",
        r.body
    );
    assert!(
        r.body.contains("id=\"accept_adjust\" checked"),
        "{}",
        r.body
    );
    let v = t
        .app
        .tw_view(&unit_admin(t.d_a, lu), lu, round)
        .await
        .unwrap();
    let mine = v.prefs.iter().find(|p| p.person_id == me).unwrap();
    assert_eq!(mine.posts, vec![good.parse::<i64>().unwrap()]);
    assert!(mine.accept_adjust);
    // The demo's staff account is on the downsizing plan, not in the round: told so.
    let demo_staff = {
        let ok = t
            .app
            .login("luotuo_staff", jiguan_app::demo::DEMO_PASSWORD, "10.0.0.1")
            .await
            .unwrap();
        Who {
            cookie: Some(format!("jiguan_session={}", ok.token)),
            csrf: Some(ok.session.csrf_token),
            ..Who::default()
        }
    };
    let r = get(&t, &demo_staff, &path).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("id=\"twoway-not-mine\""), "{}", r.body);
    assert!(!r.body.contains("id=\"twoway-choose\""));
    // Another unit's staff: not found.
    let other = account(&t, "jl_staff", "jiulonghu", Role::Staff, None).await;
    let r = get(&t, &other, &path).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    let r = post_form(&t, &other, &path, &[("pref_0", &good)]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
}

#[tokio::test]
async fn a_body_head_ranks_the_applicants_with_not_accepted() {
    let Demo { t, round, lu, ua } = demo().await;
    let v = t.app.tw_view(&ua, lu, round).await.unwrap();
    // Two people apply to one post (the office enters their choices).
    let mut post = None;
    let mut apps = Vec::new();
    'posts: for p in &v.posts {
        apps.clear();
        for x in &v.participants {
            let row = PrefRow {
                person: x.person_id.to_string(),
                prefs: vec![p.post_id.to_string()],
                accept_adjust: false,
            };
            if t.app.tw_import_prefs(&ua, lu, round, &[row]).await.is_ok() {
                apps.push(x.person_id);
            }
            if apps.len() == 2 {
                post = Some(p);
                break 'posts;
            }
        }
    }
    let post = post.expect("a post two people may take");
    let pid = post.post_id;
    // The head: an account linked to a person of the post's body (the office adds them).
    let hr = account(&t, "tw_admin", "luotuo", Role::UnitAdmin, None).await;
    let body = post.body_id.to_string();
    let id_no = id_number("19800101", 7);
    let r = add_head(
        &t,
        &hr,
        lu,
        ("排序主任", &id_no),
        "2005-07-01",
        body.as_str(),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let who = person_of(&r);
    let head = account(&t, "tw_head", "luotuo", Role::BodyHead, Some(who)).await;
    let path = format!("/units/{lu}/twoway/{round}/rank");
    let r = get(&t, &head, &format!("/units/{lu}/twoway/{round}")).await;
    assert!(r.body.contains("id=\"twoway-rank-link\""), "{}", r.body);
    let r = get(&t, &head, &path).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        r.body.contains(&format!("id=\"twoway-rank-{pid}\"")),
        "{}",
        r.body
    );
    for a in &apps {
        let name = &v.person(*a).unwrap().name;
        assert!(r.body.contains(name.as_str()), "{name}");
        assert!(r.body.contains(&format!("name=\"rank_{a}\"")));
    }
    let (a, b) = (apps[0].to_string(), apps[1].to_string());
    let (ra, rb, xb) = (format!("rank_{a}"), format!("rank_{b}"), format!("x_{b}"));
    let id = pid.to_string();
    // A tie is refused naming the applicant.
    let r = post_form(&t, &head, &path, &[("post", &id), (&ra, "1"), (&rb, "1")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("排序名次 1 重复"), "{}", r.body);
    // Ranked first, and 不接受.
    let r = post_form(
        &t,
        &head,
        &path,
        &[("post", &id), (&ra, "1"), (&rb, ""), (&xb, "1")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let v = t.app.tw_view(&ua, lu, round).await.unwrap();
    let rk = &v
        .rankings
        .iter()
        .find(|r| r.post_id == pid)
        .unwrap()
        .ranking;
    assert_eq!(rk.ranked, vec![apps[0]]);
    assert_eq!(rk.unacceptable, vec![apps[1]]);
    let r = get(&t, &head, &path).await;
    assert!(
        r.body.contains(&format!("id=\"x_{pid}_{b}\" checked")),
        "{}",
        r.body
    );
    // Staff may not rank; the head may not choose.
    let staff = account(&t, "tw_staff2", "luotuo", Role::Staff, None).await;
    let r = get(&t, &staff, &path).await;
    assert!(
        r.status == StatusCode::NOT_FOUND || r.status == StatusCode::FORBIDDEN,
        "{}",
        r.status
    );
}

#[tokio::test]
async fn the_choice_page_shows_duties_and_why_a_post_is_not_open_to_the_person() {
    let Demo { t, round, lu, ua } = demo().await;
    let v = t.app.tw_view(&ua, lu, round).await.unwrap();
    // A participant who does not qualify for at least one offered post.
    let (me, inelig) = {
        let mut found = None;
        for x in &v.participants {
            let m = t
                .app
                .tw_ineligible(&ua, lu, round, x.person_id)
                .await
                .unwrap();
            if !m.is_empty() && m.len() < v.posts.len() {
                found = Some((x.person_id, m));
                break;
            }
        }
        found.expect("a participant with an ineligible post")
    };
    let before = v.prefs.iter().find(|p| p.person_id == me).cloned();
    let staff = account(&t, "tw_duty", "luotuo", Role::Staff, Some(me)).await;
    let path = format!("/units/{lu}/twoway/{round}/mine");
    let r = get(&t, &staff, &path).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // Every offered post with its duties (function items and their hours).
    let with_duties = v.posts.iter().find(|p| !p.duties.is_empty()).unwrap();
    let (title, hours) = &with_duties.duties[0];
    assert!(
        r.body
            .contains(&format!("id=\"twoway-duties-{}\"", with_duties.post_id)),
        "{}",
        r.body
    );
    assert!(
        r.body.contains(&format!("{title}（{hours}）")),
        "{}",
        r.body
    );
    // The posts the person does not qualify for are marked with the reason before choosing,
    // the others are not.
    for p in &v.posts {
        let marked = r
            .body
            .contains(&format!("id=\"twoway-inelig-{}\"", p.post_id));
        assert_eq!(
            marked,
            inelig.contains_key(&p.post_id),
            "post {}",
            p.post_id
        );
    }
    // Choosing one anyway is refused with the same reason, naming the choice.
    let (bad, _) = inelig.iter().next().unwrap();
    let r = post_form(&t, &staff, &path, &[("pref_0", &bad.to_string())]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let card = r
        .body
        .split(&format!("id=\"twoway-inelig-{bad}\">"))
        .nth(1)
        .unwrap()
        .split("</div>")
        .next()
        .unwrap()
        .to_string();
    let reason = card.split('：').nth(1).unwrap().split('；').next().unwrap();
    let err = r
        .body
        .split("id=\"err-prefs-0\">")
        .nth(1)
        .unwrap()
        .split("</p>")
        .next()
        .unwrap();
    assert!(err.contains(reason), "{err} / {reason}");
    // Nothing was saved.
    let v = t.app.tw_view(&ua, lu, round).await.unwrap();
    assert_eq!(v.prefs.iter().find(|p| p.person_id == me).cloned(), before);
}

/// Signs in `name` and gives it an API token (bearer).
async fn api_who(t: &T, name: &str) -> Who {
    let actor = t
        .app
        .login(name, PW, "10.0.0.1")
        .await
        .unwrap()
        .session
        .actor;
    let token = t.app.create_api_token(&actor, "twoway").await.unwrap().1;
    Who {
        bearer: Some(token),
        ..Who::default()
    }
}

/// Two participants and, for each, an offered post they qualify for (the same post).
async fn two_and_a_post(t: &T, round: RoundId) -> (i64, i64, i64, i64) {
    let lu = t.unit("luotuo");
    let ua = unit_admin(t.d_a, lu);
    let v = t.app.tw_view(&ua, lu, round).await.unwrap();
    for p in &v.posts {
        let mut who = Vec::new();
        for x in &v.participants {
            let bad = t
                .app
                .tw_ineligible(&ua, lu, round, x.person_id)
                .await
                .unwrap();
            if !bad.contains_key(&p.post_id) {
                who.push(x.person_id);
            }
            if who.len() == 2 {
                let other = v
                    .posts
                    .iter()
                    .find(|q| q.post_id != p.post_id && !bad.contains_key(&q.post_id))
                    .map_or(p.post_id, |q| q.post_id);
                return (who[0], who[1], p.post_id, other);
            }
        }
    }
    panic!("no post two people qualify for");
}

#[tokio::test]
async fn the_office_imports_choices_from_a_file_and_every_error_names_row_and_column() {
    let Demo { t, round, lu, ua } = demo().await;
    let hr = account(&t, "tw_hr", "luotuo", Role::UnitAdmin, None).await;
    let (a, b, post, other) = two_and_a_post(&t, round).await;
    let v = t.app.tw_view(&ua, lu, round).await.unwrap();
    let label = jiguan_excel::reports::twoway::post_label(v.post(post).unwrap());
    // The round page offers the import and the template.
    let page = get(&t, &hr, &format!("/units/{lu}/twoway/{round}")).await;
    assert!(page.body.contains("id=\"twoway-import\""), "{}", page.body);
    let r = get(
        &t,
        &hr,
        &format!("/units/{lu}/twoway/{round}/prefs/template"),
    )
    .await;
    assert_xlsx(&r);
    // Row 3 names a post that is not offered in 志愿2, row 4 a person not in the round.
    let csrf = hr.csrf.clone().unwrap();
    let path = format!("/units/{lu}/twoway/{round}/prefs/import?_csrf={csrf}");
    let bad = format!(
        "编号,姓名,志愿1,志愿2,志愿3,服从调剂\n{a},,{label},,,是\n{b},,{post},不存在的岗位,,否\n999999,,{post},,,\n"
    );
    let r = crate::people::multipart(&t, &hr, &path, &[], "prefs.csv", &bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(
        r.body.contains("第 3 行“志愿2”：不是可选的值"),
        "{}",
        r.body
    );
    assert!(r.body.contains("第 4 行“编号”：不是可选的值"), "{}", r.body);
    // All or nothing: the valid row was not saved either.
    let v = t.app.tw_view(&ua, lu, round).await.unwrap();
    assert!(!v.chose(a) && !v.chose(b));
    // A bad 服从调剂 value is named too; a file without a choice column is refused.
    let r = crate::people::multipart(
        &t,
        &hr,
        &path,
        &[],
        "prefs.csv",
        &format!("编号,志愿1,服从调剂\n{a},{post},也许\n"),
    )
    .await;
    assert!(r.body.contains("第 2 行“服从调剂”"), "{}", r.body);
    let r = crate::people::multipart(&t, &hr, &path, &[], "p.csv", &format!("编号\n{a}\n")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("志愿1"), "{}", r.body);
    // In English, the row and column are named as well.
    let mut en = hr.clone();
    en.lang = Some("en");
    let r = crate::people::multipart(&t, &en, &path, &[], "prefs.csv", &bad).await;
    assert!(r.body.contains("Row 3, “志愿2”"), "{}", r.body);
    // The good file is saved: the template's post label, a bare post number, 服从调剂.
    let good =
        format!("编号,姓名,志愿1,志愿2,服从调剂\n{a},,{label},{other},是\n{b},,{post},,否\n");
    let r = crate::people::multipart(&t, &hr, &path, &[], "prefs.csv", &good).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(r.location().ends_with("?ok=twoway_prefs_imported"));
    let v = t.app.tw_view(&ua, lu, round).await.unwrap();
    let pa = v.prefs.iter().find(|p| p.person_id == a).unwrap();
    let want = if other == post {
        vec![post]
    } else {
        vec![post, other]
    };
    assert_eq!(pa.posts, want);
    assert!(pa.accept_adjust);
    let pb = v.prefs.iter().find(|p| p.person_id == b).unwrap();
    assert_eq!(pb.posts, vec![post]);
    assert!(!pb.accept_adjust);
    // Staff may not import.
    let staff = account(&t, "tw_imp_staff", "luotuo", Role::Staff, None).await;
    let r = crate::people::multipart(&t, &staff, &path, &[], "prefs.csv", &good).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_api_runs_a_round_from_creation_to_apply() {
    let Demo { t, round, lu, ua } = demo().await;
    account(&t, "tw_api_hr", "luotuo", Role::UnitAdmin, None).await;
    account(&t, "tw_api_cm", "luotuo", Role::CommitteeMember, None).await;
    let hr = api_who(&t, "tw_api_hr").await;
    let cm = api_who(&t, "tw_api_cm").await;
    let base = format!("/api/v1/units/{lu}/twoway");
    // Creating a round: every bad field at once; then a draft with one post.
    let r = api_post(
        &t,
        &hr,
        &base,
        json!({"title": "", "choose_by": "2026-13-01"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_fields_named(&r, &["title", "choose_by", "rank_by", "offers"]);
    let v = t.app.tw_view(&ua, lu, round).await.unwrap();
    let p0 = v.posts[0].post_id;
    let r = api_post(
        &t,
        &hr,
        &base,
        json!({"title": "API 轮次", "choose_by": "2026-10-01", "rank_by": "2026-10-05",
            "offers": [{"post_id": p0, "seats": 1}]}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let draft = r.json()["id"].as_i64().unwrap();
    let r = api_post(&t, &hr, &format!("{base}/{draft}/open"), json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = get(&t, &hr, &base).await;
    let list = r.json();
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|x| x["id"] == draft && x["status"] == "open"),
        "{list}"
    );
    // Choices on the demo's open round: a bad row is named, nothing is written.
    let (a, b, post, _) = two_and_a_post(&t, round).await;
    let at = format!("{base}/{round}");
    let r = api_post(
        &t,
        &hr,
        &format!("{at}/prefs"),
        json!([{"person": a.to_string(), "prefs": [post.to_string()]},
                           {"person": b.to_string(), "prefs": ["0"]}]),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["errors"][0]["field"], "rows.1.prefs.0");
    assert!(!t.app.tw_view(&ua, lu, round).await.unwrap().chose(a));
    let r = api_post(
        &t,
        &hr,
        &format!("{at}/prefs"),
        json!([{"person": a.to_string(), "prefs": [post.to_string()]},
                           {"person": b.to_string(), "prefs": [post.to_string()], "accept_adjust": true}]),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["count"], 2);
    // The office ranks b first; the heads' ranking route is not the office's.
    let r = api_post(
        &t,
        &hr,
        &format!("{at}/office/rankings/{post}"),
        json!([[b, "1"], [a, "2"]]),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = api_post(&t, &hr, &format!("{at}/rankings/{post}"), json!([[b, "1"]])).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Remind: how many have not chosen.
    let r = api_post(&t, &hr, &format!("{at}/remind"), json!({"who": "staff"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        r.json()["count"].as_u64().unwrap() as usize,
        v.participants.len() - 2
    );
    let r = api_post(&t, &hr, &format!("{at}/remind"), json!({"who": "all"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Match: b is placed on the post (ranked first); submitting needs every route.
    let r = api_post(&t, &hr, &format!("{at}/match"), json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["outcome"]["blocking_pairs"], 0);
    let r = api_post(&t, &hr, &format!("{at}/submit"), json!({})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["field"], "routes");
    let view = get(&t, &hr, &at).await.json();
    for line in view["lines"].as_array().unwrap() {
        if line["post_id"].is_null() {
            let person = line["person"]["person_id"].as_i64().unwrap();
            let r = api_post(
                &t,
                &hr,
                &format!("{at}/routes"),
                json!({"person": person, "route": "training"}),
            )
            .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        }
    }
    let r = api_post(
        &t,
        &hr,
        &format!("{at}/routes"),
        json!({"person": b, "route": "training"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "b is placed");
    let r = api_post(&t, &hr, &format!("{at}/submit"), json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // The office may not approve; the committee does, with its 文号.
    let r = api_post(&t, &hr, &format!("{at}/approve"), json!({"doc_no": "x"})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = api_post(
        &t,
        &cm,
        &format!("{at}/approve"),
        json!({"doc_no": "骆党工委〔2026〕30号"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = api_post(&t, &hr, &format!("{at}/apply"), json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v = t.app.tw_view(&ua, lu, round).await.unwrap();
    assert_eq!(v.round.status, Status::Applied);
    assert_eq!(
        v.lines
            .iter()
            .find(|l| l.person.person_id == b)
            .unwrap()
            .post_id,
        Some(post)
    );
    // The OpenAPI document lists the write side.
    let doc = get(&t, &hr, "/api/openapi.json").await.json();
    for p in [
        "/api/v1/units/{unit}/twoway",
        "/api/v1/units/{unit}/twoway/{round}/prefs/import",
        "/api/v1/units/{unit}/twoway/{round}/rankings/{post}",
        "/api/v1/units/{unit}/twoway/{round}/match",
        "/api/v1/units/{unit}/twoway/{round}/apply",
    ] {
        assert!(doc["paths"][p].is_object(), "{p}");
    }
}

/// Labels that are their keys.
struct Keys;
impl jiguan_excel::reports::Labels for Keys {
    fn t(&self, key: &str) -> String {
        key.to_string()
    }
    fn f(&self, key: &str, _: &[(String, String)]) -> String {
        key.to_string()
    }
}

#[tokio::test]
async fn notices_print_one_page_per_person_and_the_workbook_has_people_and_bodies() {
    let Demo { t, round, lu, ua } = demo().await;
    let hr = account(&t, "tw_note_hr", "luotuo", Role::UnitAdmin, None).await;
    let (a, b, post, _) = two_and_a_post(&t, round).await;
    let rows = [a, b].map(|p| PrefRow {
        person: p.to_string(),
        prefs: vec![post.to_string()],
        accept_adjust: false,
    });
    t.app.tw_import_prefs(&ua, lu, round, &rows).await.unwrap();
    // Not matched yet: no notices.
    let path = format!("/units/{lu}/twoway/{round}/notices");
    let r = get(&t, &hr, &path).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    t.app.tw_match(&ua, lu, round).await.unwrap();
    let v = t.app.tw_view(&ua, lu, round).await.unwrap();
    let unplaced = v.lines.iter().find(|l| l.post_id.is_none()).unwrap();
    t.app
        .tw_set_route(&ua, lu, round, unplaced.person.person_id, "redeploy")
        .await
        .unwrap();
    let r = get(&t, &hr, &path).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        r.body.matches("class=\"card notice tw-notice\"").count(),
        v.participants.len()
    );
    let placed = v.lines.iter().find(|l| l.post_id == Some(post)).unwrap();
    let one = r
        .body
        .split(&format!("id=\"twoway-notice-{}\"", placed.person.person_id))
        .nth(1)
        .unwrap()
        .split("</article>")
        .next()
        .unwrap();
    let p = v.post(post).unwrap();
    assert!(
        one.contains(&format!("{}·{}", p.body_name, p.title)),
        "{one}"
    );
    let other = r
        .body
        .split(&format!(
            "id=\"twoway-notice-{}\"",
            unplaced.person.person_id
        ))
        .nth(1)
        .unwrap()
        .split("</article>")
        .next()
        .unwrap();
    assert!(other.contains("class=\"tw-notice-route\">调剂<"), "{other}");
    // A4, one per page when printed.
    let css = get(&t, &hr, "/assets/app.css").await.body;
    assert!(css.contains("size: A4"));
    // Staff may not print others' notices; anyone who sees the round gets the workbook.
    let staff = account(&t, "tw_note_staff", "luotuo", Role::Staff, None).await;
    assert_eq!(get(&t, &staff, &path).await.status, StatusCode::FORBIDDEN);
    let r = get(&t, &hr, &format!("/units/{lu}/twoway/{round}/result.xlsx")).await;
    assert_xlsx(&r);
    let sheets = jiguan_excel::reports::twoway::result_workbook(&Keys, "骆驼街道", &v);
    assert_eq!(sheets.len(), 2);
    assert_eq!(sheets[0].rows.len(), v.lines.len());
    assert_eq!(sheets[1].rows.len(), v.by_body.len());
    let placed_total = match sheets[1].totals[0][5] {
        jiguan_excel::Cell::Int(n) => n,
        _ => panic!(),
    };
    assert_eq!(
        placed_total as usize,
        v.result.as_ref().unwrap().placements().len()
    );
}

#[tokio::test]
async fn staff_and_heads_get_to_dos_until_they_choose_and_rank_and_the_office_reminds() {
    let Demo { t, round, lu, ua } = demo().await;
    let (a, b, post, _) = two_and_a_post(&t, round).await;
    let staff = account(&t, "tw_todo_staff", "luotuo", Role::Staff, Some(a)).await;
    let todos = |v: serde_json::Value| -> Vec<String> {
        v["todos"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["code"].as_str().unwrap().to_string())
            .collect()
    };
    let inbox = |who: Who| {
        let t = &t;
        async move { get(t, &who, "/api/v1/inbox").await.json() }
    };
    assert!(todos(inbox(staff.clone()).await).contains(&"twoway.choose".to_string()));
    let page = get(&t, &staff, "/inbox").await;
    assert!(page.body.contains("请填报双向选择志愿"), "{}", page.body);
    // The office sees who has not chosen and reminds them (an inbox notice).
    let hr = account(&t, "tw_todo_hr", "luotuo", Role::UnitAdmin, None).await;
    let r = get(&t, &hr, &format!("/units/{lu}/twoway/{round}")).await;
    let v = t.app.tw_view(&ua, lu, round).await.unwrap();
    assert!(
        r.body.contains(&format!(
            "id=\"twoway-waiting-staff\">{}<",
            v.participants.len()
        )),
        "{}",
        r.body
    );
    let r = post_form(
        &t,
        &hr,
        &format!("/units/{lu}/twoway/{round}/remind"),
        &[("who", "staff")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let notices: Vec<String> = inbox(staff.clone()).await["notices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["kind"].as_str().unwrap().to_string())
        .collect();
    assert!(
        notices.contains(&"twoway.remind.staff".to_string()),
        "{notices:?}"
    );
    // Choosing ends the to-do.
    let r = post_form(
        &t,
        &staff,
        &format!("/units/{lu}/twoway/{round}/mine"),
        &[("pref_0", &post.to_string())],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(!todos(inbox(staff.clone()).await).contains(&"twoway.choose".to_string()));
    // A head of the post's body: a to-do while its applicants are not ranked.
    let body = v.post(post).unwrap().body_id;
    let hrw = account(&t, "tw_todo_hr2", "luotuo", Role::UnitAdmin, None).await;
    let id_no = id_number("19790101", 9);
    let r = add_head(
        &t,
        &hrw,
        lu,
        ("待办主任", &id_no),
        "2004-07-01",
        body.to_string().as_str(),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let head = account(
        &t,
        "tw_todo_head",
        "luotuo",
        Role::BodyHead,
        Some(person_of(&r)),
    )
    .await;
    let codes = todos(inbox(head.clone()).await);
    assert!(codes.contains(&"twoway.rank".to_string()), "{codes:?}");
    // Every post of the body with applicants ranked: no to-do.
    let mine = t
        .app
        .tw_rankable(&ua, lu, round)
        .await
        .unwrap()
        .into_iter()
        .filter(|p| v.post(*p).is_some_and(|x| x.body_id == body));
    let v2 = t.app.tw_view(&ua, lu, round).await.unwrap();
    for p in mine {
        let apps = v2.applicants.get(&p).cloned().unwrap_or_default();
        if apps.is_empty() {
            continue;
        }
        let mut fields: Vec<(String, String)> = vec![("post".into(), p.to_string())];
        for (i, x) in apps.iter().enumerate() {
            fields.push((format!("rank_{x}"), (i + 1).to_string()));
        }
        let f: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let r = post_form(&t, &head, &format!("/units/{lu}/twoway/{round}/rank"), &f).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    let codes = todos(inbox(head.clone()).await);
    assert!(!codes.contains(&"twoway.rank".to_string()), "{codes:?}");
    let _ = b;
}

/// The HR office's round form: every post with its prefilled seats, as the fields the
/// page posts (title and deadlines as given).
fn round_fields(
    data: &jiguan_app::twoway::RoundFormData,
    title: &str,
    mode: &str,
) -> Vec<(String, String)> {
    let mut f: Vec<(String, String)> = vec![
        ("title".into(), title.into()),
        ("choose_by".into(), "2026-10-01".into()),
        ("rank_by".into(), "2026-10-08".into()),
        ("max_choices".into(), "3".into()),
        ("mode".into(), mode.into()),
    ];
    for p in &data.posts {
        let v = if p.seats > 0 {
            p.seats.to_string()
        } else {
            String::new()
        };
        f.push((format!("seats_{}", p.post_id), v));
    }
    f
}

/// A round of 骆驼街道 as stored.
async fn stored(t: &T, id: RoundId) -> jiguan_app::twoway::RoundRecord {
    t.app
        .store
        .tw_round(RoundAt::new(t.d_a, t.unit("luotuo"), id))
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn the_office_creates_a_round_on_the_page_and_sees_it_in_the_list() {
    let Demo { t, lu, ua, .. } = demo().await;
    let hr = account(&t, "tw_form_hr", "luotuo", Role::UnitAdmin, None).await;
    let list = format!("/units/{lu}/twoway");
    let r = get(&t, &hr, &list).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("id=\"twoway-new\""), "{}", r.body);
    assert!(r.body.contains("新建轮次"));
    // The form: every post with the seats establishment and workload allow, 3 choices,
    // deferred acceptance.
    let data = t.app.tw_form(&ua, lu, None).await.unwrap();
    assert!(data.posts.iter().any(|p| p.seats > 0));
    let r = get(&t, &hr, &format!("{list}/new")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    for p in &data.posts {
        assert!(p.seats <= p.max_seats);
        let want = if p.seats > 0 {
            p.seats.to_string()
        } else {
            String::new()
        };
        assert!(
            r.body
                .contains(&format!("name=\"seats_{}\" value=\"{want}\"", p.post_id)),
            "post {}: {}",
            p.post_id,
            r.body
        );
    }
    assert!(r.body.contains("name=\"max_choices\" value=\"3\""));
    assert!(r.body.contains("value=\"deferred_acceptance\" selected"));
    // Created with the prefilled seats, 志愿轮次 and one person excluded with the reason.
    let out = &data.candidates[0];
    let mut f = round_fields(&data, "页面新建轮次", "rounds");
    f.push((format!("exclude_{}", out.person_id), "1".into()));
    f.push((format!("reason_{}", out.person_id), "借调外单位".into()));
    let r = post_form(&t, &hr, &list, &pairs(&f)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(
        r.location().ends_with("?ok=twoway_created"),
        "{}",
        r.location()
    );
    let r = get(&t, &hr, &list).await;
    assert!(r.body.contains("页面新建轮次"), "{}", r.body);
    let made = t
        .app
        .tw_rounds(&ua, lu)
        .await
        .unwrap()
        .into_iter()
        .find(|x| x.title == "页面新建轮次")
        .unwrap();
    assert_eq!(made.status, Status::Draft);
    assert_eq!(made.mode, jiguan_domain::twoway::Mode::Rounds);
    assert_eq!(made.max_choices, 3);
    let offered: Vec<(i64, i64)> = data
        .posts
        .iter()
        .filter(|p| p.seats > 0)
        .map(|p| (p.post_id, p.seats))
        .collect();
    let mut got: Vec<(i64, i64)> = made.offers.iter().map(|o| (o.post_id, o.seats)).collect();
    got.sort_unstable();
    let mut want = offered.clone();
    want.sort_unstable();
    assert_eq!(got, want);
    assert_eq!(made.exclusions.len(), 1);
    assert_eq!(made.exclusions[0].person_id, out.person_id);
    assert_eq!(made.exclusions[0].reason, "借调外单位");
    // A staff member has no form.
    let staff = account(&t, "tw_form_staff", "luotuo", Role::Staff, None).await;
    let r = get(&t, &staff, &format!("{list}/new")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn seats_above_the_workload_are_refused_naming_the_post_and_nothing_is_written() {
    let Demo { t, lu, ua, .. } = demo().await;
    let hr = account(&t, "tw_form_hr2", "luotuo", Role::UnitAdmin, None).await;
    let list = format!("/units/{lu}/twoway");
    let before = t.app.tw_rounds(&ua, lu).await.unwrap().len();
    let data = t.app.tw_form(&ua, lu, None).await.unwrap();
    let p = &data.posts[0];
    let mut f = round_fields(&data, "", "");
    let over = (p.max_seats + 1).to_string();
    for (k, v) in f.iter_mut() {
        if *k == format!("seats_{}", p.post_id) {
            *v = over.clone();
        }
    }
    // A person excluded without a reason.
    let out = &data.candidates[0];
    f.push((format!("exclude_{}", out.person_id), "1".into()));
    f.push(("rank_by".into(), String::new()));
    let r = post_form(&t, &hr, &list, &pairs(&f)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    // Every error at once, each by its field, in Chinese; the values entered are kept.
    let seat_err = format!("id=\"err-seats_{}\"", p.post_id);
    assert!(r.body.contains(&seat_err), "{}", r.body);
    let want = format!("岗位{}的名额超过工作量允许的 {} 个", p.title, p.max_seats);
    assert!(r.body.contains(&want), "{want}: {}", r.body);
    assert!(r.body.contains("id=\"err-title\""));
    assert!(r.body.contains("轮次名称"));
    assert!(
        r.body
            .contains(&format!("id=\"err-exclude_{}\"", out.person_id)),
        "{}",
        r.body
    );
    assert!(r.body.contains(&format!("{}的不参加理由", out.name)));
    assert!(
        r.body
            .contains(&format!("name=\"seats_{}\" value=\"{over}\"", p.post_id))
    );
    assert_eq!(t.app.tw_rounds(&ua, lu).await.unwrap().len(), before);
    // In English through the locale.
    let mut en = hr.clone();
    en.lang = Some("en");
    let r = post_form(&t, &en, &list, &pairs(&f)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let want = format!(
        "Post {} may offer at most {} seats (its workload)",
        p.title, p.max_seats
    );
    assert!(r.body.contains(&want), "{want}: {}", r.body);
    assert!(r.body.contains("Round title"), "{}", r.body);
    // Not a number: out of range, named by body and post.
    let mut f = round_fields(&data, "名额非数字", "");
    for (k, v) in f.iter_mut() {
        if *k == format!("seats_{}", p.post_id) {
            *v = "两个".into();
        }
    }
    let r = post_form(&t, &hr, &list, &pairs(&f)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains(&seat_err));
    assert!(
        r.body.contains(&format!(
            "{}·{}的名额：须在 1 到 {} 之间",
            p.body_name, p.title, p.max_seats
        )),
        "{}",
        r.body
    );
    assert_eq!(t.app.tw_rounds(&ua, lu).await.unwrap().len(), before);
}

#[tokio::test]
async fn a_draft_is_edited_on_the_page_and_an_opened_round_is_not() {
    let Demo {
        t,
        round: open,
        lu,
        ua,
    } = demo().await;
    let hr = account(&t, "tw_form_hr3", "luotuo", Role::UnitAdmin, None).await;
    let list = format!("/units/{lu}/twoway");
    let data = t.app.tw_form(&ua, lu, None).await.unwrap();
    let r = post_form(
        &t,
        &hr,
        &list,
        &pairs(&round_fields(&data, "待修改轮次", "")),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let draft = t
        .app
        .tw_rounds(&ua, lu)
        .await
        .unwrap()
        .into_iter()
        .find(|x| x.title == "待修改轮次")
        .unwrap();
    // The round page links to the form, which comes prefilled.
    let at = format!("{list}/{}", draft.id);
    let r = get(&t, &hr, &at).await;
    assert!(r.body.contains("id=\"twoway-edit\""), "{}", r.body);
    let r = get(&t, &hr, &format!("{at}/edit")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("value=\"待修改轮次\""));
    assert!(r.body.contains("value=\"2026-10-01\""));
    let first = draft.offers[0];
    assert!(r.body.contains(&format!(
        "name=\"seats_{}\" value=\"{}\"",
        first.post_id, first.seats
    )));
    // Only the first post, one seat, 4 choices.
    let f = [
        ("title", "已修改轮次"),
        ("choose_by", "2026-11-01"),
        ("rank_by", "2026-11-05"),
        ("max_choices", "4"),
        ("mode", "deferred_acceptance"),
    ];
    let seats_key = format!("seats_{}", first.post_id);
    let mut f = f.to_vec();
    f.push((&seats_key, "1"));
    let r = post_form(&t, &hr, &format!("{at}/edit"), &f).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(r.location().ends_with("?ok=twoway_updated"));
    let r2 = stored(&t, draft.id).await;
    assert_eq!(r2.title, "已修改轮次");
    assert_eq!(r2.max_choices, 4);
    assert_eq!(r2.offers.len(), 1);
    assert_eq!(
        (r2.offers[0].post_id, r2.offers[0].seats),
        (first.post_id, 1)
    );
    // Bad input on the edit form: 422 with the field, nothing changed.
    let mut bad = f.clone();
    bad.retain(|(k, _)| *k != "title");
    let r = post_form(&t, &hr, &format!("{at}/edit"), &bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("id=\"err-title\""));
    assert_eq!(stored(&t, draft.id).await.title, "已修改轮次");
    // The demo's open round: no edit link, the form refused, the round unchanged.
    let before = stored(&t, open).await;
    let at = format!("{list}/{open}");
    let r = get(&t, &hr, &at).await;
    assert!(!r.body.contains("id=\"twoway-edit\""));
    let r = get(&t, &hr, &format!("{at}/edit")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("不允许此操作"), "{}", r.body);
    assert!(!r.body.contains("id=\"twoway-form\""));
    let r = post_form(&t, &hr, &format!("{at}/edit"), &f).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("不允许此操作"), "{}", r.body);
    let after = stored(&t, open).await;
    assert_eq!(after.title, before.title);
    assert_eq!(after.offers, before.offers);
    assert_eq!(after.status, Status::Open);
}

/// The people routed to 分流 become a draft downsizing plan from the round page; with
/// nobody on that route the page says so and no plan is made.
#[tokio::test]
async fn the_office_drafts_a_downsizing_plan_from_the_unplaced() {
    let Demo { t, round, lu, ua } = demo().await;
    account(&t, "tw_dp_api", "luotuo", Role::UnitAdmin, None).await;
    let page = account(&t, "tw_dp_hr", "luotuo", Role::UnitAdmin, None).await;
    let hr = api_who(&t, "tw_dp_api").await;
    let at = format!("/api/v1/units/{lu}/twoway/{round}");
    let (a, b, post, _) = two_and_a_post(&t, round).await;
    let r = api_post(
        &t,
        &hr,
        &format!("{at}/prefs"),
        json!([{"person": a.to_string(), "prefs": [post.to_string()]},
                           {"person": b.to_string(), "prefs": [post.to_string()]}]),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = api_post(&t, &hr, &format!("{at}/match"), json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let path = format!("/units/{lu}/twoway/{round}/downsizing");
    let plans_before = t.app.down_plans(&ua, lu).await.unwrap().len();
    // Nobody on the 分流 route yet: refused on the round page, no plan.
    let r = post_form(&t, &page, &path, &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(
        r.body.contains("id=\"twoway-downsizing-form\""),
        "{}",
        r.body
    );
    assert_eq!(t.app.down_plans(&ua, lu).await.unwrap().len(), plans_before);
    // The first unplaced person goes to 分流, the others to training.
    let v = t.app.tw_view(&ua, lu, round).await.unwrap();
    let unplaced: Vec<i64> = v
        .lines
        .iter()
        .filter(|l| l.post_id.is_none())
        .map(|l| l.person.person_id)
        .collect();
    assert!(!unplaced.is_empty());
    for (i, person) in unplaced.iter().enumerate() {
        let route = if i == 0 { "downsizing" } else { "training" };
        let r = api_post(
            &t,
            &hr,
            &format!("{at}/routes"),
            json!({"person": person, "route": route}),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    let r = post_form(&t, &page, &path, &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let loc = r.location();
    let plan: i64 = loc
        .strip_prefix(&format!("/units/{lu}/downsizing/"))
        .and_then(|x| x.split('?').next())
        .and_then(|x| x.parse().ok())
        .unwrap_or_else(|| panic!("{loc}"));
    let pv = t
        .app
        .down_plan(&ua, lu, jiguan_domain::downsizing::PlanId(plan))
        .await
        .unwrap();
    let people: Vec<i64> = pv.lines.iter().map(|l| l.line.person_id).collect();
    assert_eq!(people, vec![unplaced[0]]);
    assert_eq!(pv.plan.status, Status::Draft);
    // The plan page opens with the notice.
    let r = get(&t, &page, &loc).await;
    assert_eq!(r.status, StatusCode::OK);
}

/// The API edits a draft round (`PUT /api/v1/units/{unit}/twoway/{round}`, the use case of
/// the page's 修改轮次): the office only, every bad field named and nothing changed,
/// another unit's office not let in, a round no longer in draft refused naming its
/// status; the change is audited.
#[tokio::test]
async fn the_api_edits_a_draft_round_and_refuses_an_opened_one() {
    use axum::http::Method;
    let Demo {
        t,
        round: open,
        lu,
        ua,
    } = demo().await;
    let jl = t.unit("jiulonghu");
    account(&t, "tw_put_hr", "luotuo", Role::UnitAdmin, None).await;
    account(&t, "tw_put_staff", "luotuo", Role::Staff, None).await;
    account(&t, "tw_put_jl", "jiulonghu", Role::UnitAdmin, None).await;
    let hr = api_who(&t, "tw_put_hr").await;
    let staff = api_who(&t, "tw_put_staff").await;
    let jl_hr = api_who(&t, "tw_put_jl").await;
    let base = format!("/api/v1/units/{lu}/twoway");
    let v = t.app.tw_view(&ua, lu, open).await.unwrap();
    let (p0, p1) = (v.posts[0].post_id, v.posts[1].post_id);
    let r = api_post(
        &t,
        &hr,
        &base,
        json!({"title": "API 草稿", "choose_by": "2026-10-01", "rank_by": "2026-10-05",
            "offers": [{"post_id": p0, "seats": 1}]}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let draft = RoundId(r.json()["id"].as_i64().unwrap());
    let put = |who: &Who, path: String, body: serde_json::Value| {
        let who = who.clone();
        let t = &t;
        async move {
            send(
                t,
                &who,
                Method::PUT,
                &path,
                Some(("application/json", body.to_string())),
            )
            .await
        }
    };
    let changed = json!({"title": "API 已修改", "choose_by": "2026-11-01",
        "rank_by": "2026-11-05", "max_choices": "4", "mode": "rounds",
        "offers": [{"post_id": p1, "seats": 1}]});
    let at = format!("{base}/{draft}");
    // Staff may not; another unit's office does not see the unit, nor the round under
    // its own unit.
    let r = put(&staff, at.clone(), changed.clone()).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = put(&jl_hr, at.clone(), changed.clone()).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    let r = put(
        &jl_hr,
        format!("/api/v1/units/{jl}/twoway/{draft}"),
        changed.clone(),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    assert_eq!(stored(&t, draft).await.title, "API 草稿");
    // Bad fields: each named, nothing changed.
    let r = put(
        &hr,
        at.clone(),
        json!({"title": "", "choose_by": "2026-11-01", "rank_by": "2026-10-01",
            "max_choices": "11", "offers": [{"post_id": p1, "seats": 999}]}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let seats = format!("offers.{p1}");
    assert_fields_named(&r, &["title", "rank_by", "max_choices", &seats]);
    let r2 = stored(&t, draft).await;
    assert_eq!(r2.title, "API 草稿");
    assert_eq!(r2.offers.len(), 1);
    assert_eq!(r2.offers[0].post_id, p0);
    // A good edit replaces the definition, and is audited.
    let r = put(&hr, at.clone(), changed.clone()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["id"], draft.0);
    let r2 = stored(&t, draft).await;
    assert_eq!(r2.title, "API 已修改");
    assert_eq!(r2.max_choices, 4);
    assert_eq!(r2.mode.code(), "rounds");
    assert_eq!(r2.choose_by.to_string(), "2026-11-01");
    assert_eq!(
        r2.offers
            .iter()
            .map(|o| (o.post_id, o.seats))
            .collect::<Vec<_>>(),
        [(p1, 1)]
    );
    let (filter, page) = (Default::default(), Default::default());
    let trail = t.app.store.list_audit(t.d_a, &filter, &page).await.unwrap();
    let audited = trail.items.into_iter().any(|e| {
        e.action == "twoway.round.update"
            && e.object_id == draft.0.to_string()
            && e.username == "tw_put_hr"
    });
    assert!(audited, "the edit is audited");
    // Once opened, the round is refused naming its status; nothing changes.
    let r = api_post(&t, &hr, &format!("{at}/open"), json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    for round in [draft, open] {
        let before = stored(&t, round).await;
        let r = put(&hr, format!("{base}/{round}"), changed.clone()).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        let e = r.json();
        assert_eq!(e["field"], "status", "{e}");
        assert_eq!(e["errors"][0]["code"], "plan_status_invalid", "{e}");
        let m = e["message"].as_str().unwrap();
        assert!(m.contains("open") && m.contains("不允许此操作"), "{e}");
        let after = stored(&t, round).await;
        assert_eq!(after.title, before.title);
        assert_eq!(after.offers, before.offers);
        assert_eq!(after.status, Status::Open);
    }
    // The OpenAPI document has the route with its body.
    let doc = get(&t, &hr, "/api/openapi.json").await.json();
    let op = &doc["paths"]["/api/v1/units/{unit}/twoway/{round}"]["put"];
    assert!(op["requestBody"].is_object(), "{op}");
    for code in ["200", "404", "422"] {
        assert!(op["responses"][code].is_object(), "{code}: {op}");
    }
}
