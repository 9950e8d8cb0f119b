//! Two-way selection (双向择岗) pages of the people taking part, on the demo's open round of
//! 骆驼街道: a staff member lists posts in order on the phone page (`…/mine`) and sees them;
//! an ineligible or repeated choice comes back naming the choice; a body head ranks a
//! post's applicants with 不接受 (`…/rank`); another unit's staff are kept out.

use std::sync::Arc;

use axum::http::StatusCode;

use jiguan_app::twoway::PrefRow;
use jiguan_app::{App, AppConfig, ManualClock};
use jiguan_domain::audit::{AuditAction, ObjectKind};
use jiguan_domain::auth::{Actor, Role};
use jiguan_domain::people::PersonId;
use jiguan_domain::tenancy::{DistrictId, UnitId, UserId};
use jiguan_domain::twoway::RoundId;
use jiguan_domain::workflow::Status;
use jiguan_web::{AppState, WebConfig};

use crate::helpers::*;
use crate::people::{add_person, person_of};
use jiguan_testkit::fixtures::id_number;

fn admin(d: DistrictId, u: UnitId) -> Actor {
    Actor {
        user_id: UserId(0),
        username: "system".into(),
        display_name: String::new(),
        district_id: d,
        unit_id: Some(u),
        roles: vec![Role::UnitAdmin],
    }
}

/// The demo behind the real router, with 骆驼街道's open round.
async fn demo() -> (T, RoundId) {
    let dir = tempfile::tempdir().unwrap();
    let url = dir.path().join("demo.db").to_string_lossy().to_string();
    let store = jiguan_store::SqlStore::open(&url).await.unwrap();
    let clock = Arc::new(ManualClock::new(chrono::Utc::now()));
    let app = App::new(Arc::new(store), AppConfig::for_tests(), clock.clone());
    let d = jiguan_app::demo::seed(&app, |_, _| {}).await.unwrap();
    let mut units = Vec::new();
    for code in ["luotuo", "jiulonghu"] {
        units.push((
            code,
            app.store.find_unit(d, code).await.unwrap().unwrap().id,
        ));
    }
    let lu = units[0].1;
    let open = app
        .tw_rounds(&admin(d, lu), lu)
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.status == Status::Open)
        .expect("the demo's open round")
        .id;
    let state = AppState {
        app: app.clone(),
        web: WebConfig::default(),
        jobs: Default::default(),
    };
    let t = T {
        router: jiguan_web::router(state),
        app,
        clock,
        d_a: d,
        units,
        users: Vec::new(),
        _dir: dir,
    };
    (t, open)
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
    let (t, round) = demo().await;
    let lu = t.unit("luotuo");
    let v = t.app.tw_view(&admin(t.d_a, lu), lu, round).await.unwrap();
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
    let v = t.app.tw_view(&admin(t.d_a, lu), lu, round).await.unwrap();
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
    let (t, round) = demo().await;
    let lu = t.unit("luotuo");
    let ua = admin(t.d_a, lu);
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
    let r = add_person(
        &t,
        &hr,
        lu,
        &[
            ("name", "排序主任"),
            ("id_number", id_no.as_str()),
            ("identity", "temporary"),
            ("establishment", "none"),
            ("work_start", "2005-07-01"),
            ("unit_join", "2010-03-01"),
            ("basic_pay", "60000"),
            ("allowances", "6000"),
            ("body", body.as_str()),
        ],
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
