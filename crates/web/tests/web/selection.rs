//! Committee decision by secret ballot (党委会票决): quorum before tokens, one token one
//! ballot, no results before close, tally edges, recount, and roles and tenants on every
//! route with real ids.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};

use jiguan_app::ports::{AuditFilter, ListQuery};
use jiguan_domain::auth::{Actor, Role};
use jiguan_domain::selection::MeetingId;
use jiguan_domain::tenancy::{DistrictId, UnitId, UserId};

use crate::helpers::*;

/// Adds committee members to 骆驼街道 so that it has `n` in all (u_committee is the
/// first); returns their names.
async fn committee(t: &T, n: usize) -> Vec<String> {
    let lu = t.unit("luotuo");
    let mut names = vec!["u_committee".to_string()];
    for i in 2..=n {
        let name = format!("cm{i}");
        t.app
            .system_create_user(
                t.d_a,
                Some(lu),
                &name,
                &format!("委员{i}"),
                &[Role::CommitteeMember],
                PW,
                false,
            )
            .await
            .unwrap();
        names.push(name);
    }
    names
}

/// JSON to the API with the session cookie and the CSRF header.
async fn api(t: &T, who: &Who, method: Method, path: &str, json: &str) -> Resp {
    let mut b = Request::builder()
        .method(method)
        .uri(path)
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(c) = &who.cookie {
        b = b.header(header::COOKIE, c);
    }
    if let Some(c) = &who.csrf {
        b = b.header("x-csrf-token", c);
    }
    oneshot(t, b.body(Body::from(json.to_string())).unwrap()).await
}

fn base(t: &T, id: i64) -> String {
    format!("/units/{}/selection/meetings/{id}", t.unit("luotuo"))
}

/// A meeting of 骆驼街道 created through the API with `items` items; returns its id.
async fn meeting(t: &T, ua: &Who, items: usize) -> i64 {
    let items: Vec<String> = (1..=items)
        .map(|i| format!(r#"{{"text":"拟任 人选{i} 为 中层正职"}}"#))
        .collect();
    let r = api(
        t,
        ua,
        Method::POST,
        &format!("/api/v1/units/{}/selection/meetings", t.unit("luotuo")),
        &format!(
            r#"{{"title":"党工委会议","held_on":"2026-03-02","items":[{}]}}"#,
            items.join(",")
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.json()["id"].as_i64().unwrap()
}

/// Issues the tokens through the API.
async fn tokens(t: &T, ua: &Who, id: i64) -> Resp {
    api(
        t,
        ua,
        Method::POST,
        &format!("/api/v1{}/tokens", base(t, id)),
        "{}",
    )
    .await
}

/// Casts a ballot through the phone page: `marks` per item in order (a/d/f/-).
async fn cast(t: &T, voter: &Who, id: i64, token: &str, marks: &str) -> Resp {
    let pairs: Vec<(String, String)> = marks
        .chars()
        .enumerate()
        .filter(|(_, c)| *c != '-')
        .map(|(i, c)| {
            let code = match c {
                'a' => "agree",
                'd' => "disagree",
                _ => "defer",
            };
            (format!("m{}", i + 1), code.to_string())
        })
        .collect();
    let mut f: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    f.push(("token", token));
    post_form(t, voter, &format!("{}/vote", base(t, id)), &f).await
}

/// Sets up N members (t.users gets no entry for cm*, so ids are looked up by name).
async fn member_ids(t: &T, names: &[String]) -> Vec<(String, UserId)> {
    let mut out = Vec::new();
    for n in names {
        let u = t.app.store.find_user_by_name(n).await.unwrap().unwrap();
        out.push((n.clone(), u.id));
    }
    out
}

/// The set-up of a vote: a committee of `n` members of 骆驼街道 (name, id) and a meeting
/// on `items` items created by the HR office `ua`.
struct Meeting {
    t: T,
    members: Vec<(String, UserId)>,
    ua: Who,
    id: i64,
}

async fn committee_meeting(n: usize, items: usize) -> Meeting {
    let t = setup().await;
    let names = committee(&t, n).await;
    let members = member_ids(&t, &names).await;
    let ua = login(&t, "u_admin").await;
    let id = meeting(&t, &ua, items).await;
    Meeting { t, members, ua, id }
}

/// Records `present` at the roll call of meeting `id` and issues their ballot tokens.
async fn present_and_tokens(
    t: &T,
    ua: &Who,
    id: i64,
    present: &[(String, UserId)],
) -> serde_json::Value {
    let ids: Vec<UserId> = present.iter().map(|m| m.1).collect();
    roll_call_ids(t, ua, id, &ids).await;
    tokens(t, ua, id).await.json()["tokens"].clone()
}

/// The JSON of meeting `id` (`tail`: a sub-resource, or "") through the API.
async fn meeting_api(t: &T, who: &Who, id: i64, tail: &str) -> Resp {
    let path = format!("/api/v1{}{tail}", base(t, id));
    api(t, who, Method::GET, &path, "").await
}

/// A committee member (user name, display name) of `unit` in district `d` and an empty
/// meeting `title` there; the meeting.
async fn meeting_of(
    t: &T,
    (d, unit): (DistrictId, UnitId),
    (user, name): (&str, &str),
    title: &str,
) -> MeetingId {
    t.app
        .system_create_user(
            d,
            Some(unit),
            user,
            name,
            &[Role::CommitteeMember],
            PW,
            false,
        )
        .await
        .unwrap();
    let form = jiguan_app::selection::MeetingForm {
        title: title.into(),
        held_on: "2026-03-02".into(),
        items: vec![],
    };
    t.app
        .sel_create_meeting(&unit_admin(d, unit), unit, &form)
        .await
        .unwrap()
}

async fn roll_call_ids(t: &T, ua: &Who, id: i64, ids: &[UserId]) -> Resp {
    let ids: Vec<String> = ids.iter().map(|i| i.0.to_string()).collect();
    let mut f: Vec<(&str, &str)> = ids.iter().map(|i| ("present", i.as_str())).collect();
    let csrf = ua.csrf.clone().unwrap();
    f.push(("_csrf", &csrf));
    send(
        t,
        ua,
        Method::POST,
        &format!("{}/roll-call", base(t, id)),
        form(&f),
    )
    .await
}

async fn audit_texts(t: &T) -> Vec<String> {
    let actor = Actor {
        user_id: UserId(0),
        username: "system".into(),
        display_name: String::new(),
        district_id: t.d_a,
        unit_id: None,
        roles: vec![Role::DistrictAdmin],
    };
    let q = ListQuery {
        per_page: Some(200),
        ..ListQuery::default()
    };
    t.app
        .list_audit(&actor, AuditFilter::default(), &q)
        .await
        .unwrap()
        .items
        .iter()
        // Signing in is audited (and happens before voting); everything else counts.
        .filter(|r| r.action != "auth.login")
        .map(|r| format!("{} {} {:?} {:?}", r.action, r.object_id, r.before, r.after))
        .collect()
}

#[tokio::test]
async fn quorum_below_two_thirds_issues_no_token() {
    let Meeting { t, members, ua, id } = committee_meeting(9, 2).await;
    // 5 of 9 present: below ⌈2·9/3⌉ = 6.
    let five: Vec<UserId> = members.iter().take(5).map(|m| m.1).collect();
    assert_eq!(
        roll_call_ids(&t, &ua, id, &five).await.status,
        StatusCode::SEE_OTHER
    );
    let r = tokens(&t, &ua, id).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["errors"][0]["field"], "present");
    assert_eq!(r.json()["errors"][0]["code"], "selection_no_quorum");
    // The page says why, and nothing was issued.
    let r = post_form(&t, &ua, &format!("{}/tokens", base(&t, id)), &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("不足应到会 9 人的三分之二（至少 6 人）"),
        "{}",
        r.body
    );
    let m = meeting_api(&t, &ua, id, "").await;
    assert_eq!(m.json()["tokens_issued"], 0);
    assert_eq!(m.json()["meeting"]["status"], "draft");
    // Exactly two thirds (6 of 9) opens the vote with 6 tokens.
    let six: Vec<UserId> = members.iter().take(6).map(|m| m.1).collect();
    assert_eq!(
        roll_call_ids(&t, &ua, id, &six).await.status,
        StatusCode::SEE_OTHER
    );
    let r = tokens(&t, &ua, id).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let toks = r.json()["tokens"].as_array().unwrap().clone();
    assert_eq!(toks.len(), 6);
    // Issued once: a second request is refused and shows no token.
    let again = tokens(&t, &ua, id).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!again.body.contains(toks[0].as_str().unwrap()));
    // The roll call is fixed once the vote is open.
    assert_eq!(
        roll_call_ids(&t, &ua, id, &five).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
}

#[tokio::test]
async fn the_whole_vote_one_token_one_ballot_no_results_before_close_tally_and_recount() {
    let Meeting { t, members, ua, id } = committee_meeting(9, 3).await;
    let toks: Vec<String> = present_and_tokens(&t, &ua, id, &members[..6])
        .await
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    let audit_before = audit_texts(&t).await.len();
    // Item 1: 5 同意 of N = 9 → adopted (5 > 4.5); item 2: 4 同意 → not adopted;
    // item 3: 4 缓议 of 6 present → deferred.
    let ballots = ["aaf", "aaf", "aaf", "aaf", "add", "dd-"];
    for (i, (tok, marks)) in toks.iter().zip(ballots).enumerate() {
        let voter = login(&t, &members[i].0).await;
        // Lower case and without dashes is the same token.
        let typed = if i == 0 {
            tok.replace('-', "").to_lowercase()
        } else {
            tok.clone()
        };
        let r = cast(&t, &voter, id, &typed, marks).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    // A token is used once: the second use is refused and nothing is added.
    let voter = login(&t, &members[0].0).await;
    let r = cast(&t, &voter, id, &toks[0], "ddd").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("该投票码已使用"), "{}", r.body);
    let r = api(
        &t,
        &voter,
        Method::POST,
        &format!("/api/v1{}/ballots", base(&t, id)),
        &format!(r#"{{"token":"{}","marks":{{"1":"agree"}}}}"#, toks[1]),
    )
    .await;
    assert_eq!(r.json()["errors"][0]["code"], "selection_token_used");
    // A wrong token, and a member not present (the 7th) are refused.
    let r = cast(&t, &voter, id, "ABCDE-FGHJK-MNPQR-STVWX-YZ012", "a").await;
    assert!(r.body.contains("投票码不正确"));
    let absent = login(&t, &members[6].0).await;
    let r = cast(&t, &absent, id, &toks[0], "a").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("您未在本次会议签到"), "{}", r.body);
    // Casting wrote no audit row.
    assert_eq!(audit_texts(&t).await.len(), audit_before);

    // No result anywhere before close: pages and API.
    let d_admin = login(&t, "d_admin").await;
    for who in [&ua, &voter, &d_admin] {
        let page = get(&t, who, &base(&t, id)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("6 / 6"), "{}", page.body);
        assert!(!page.body.contains("tally-table") && !page.body.contains("digest"));
        let j = meeting_api(&t, who, id, "").await;
        assert_eq!(j.json()["tally"], serde_json::Value::Null);
        assert_eq!(j.json()["tokens_used"], 6);
        assert_eq!(j.json()["meeting"]["digest"], "");
        for tail in ["/tally", "/recount"] {
            let r = get(&t, who, &format!("{}{tail}", base(&t, id))).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{tail}");
            assert!(!r.body.contains("tally-table"));
        }
        let r = meeting_api(&t, who, id, "/recount").await;
        assert_eq!(r.json()["errors"][0]["code"], "selection_not_closed");
    }

    // The chair closes; the tally sheet shows the counts and the digest.
    let r = post_form(&t, &ua, &format!("{}/close", base(&t, id)), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(r.location().ends_with("/tally"));
    let j = meeting_api(&t, &ua, id, "").await;
    let tally = j.json()["tally"].clone();
    assert_eq!(tally["members"], 9);
    assert_eq!(tally["present"], 6);
    assert_eq!(tally["ballots_cast"], 6);
    let items = tally["items"].as_array().unwrap();
    assert_eq!(
        (
            items[0]["agree"].as_i64(),
            items[0]["needed"].as_i64(),
            items[0]["decision"].as_str()
        ),
        (Some(5), Some(5), Some("adopted"))
    );
    assert_eq!(
        (items[1]["agree"].as_i64(), items[1]["decision"].as_str()),
        (Some(4), Some("not_adopted"))
    );
    assert_eq!(
        (
            items[2]["defer"].as_i64(),
            items[2]["abstain"].as_i64(),
            items[2]["decision"].as_str()
        ),
        (Some(4), Some(1), Some("deferred"))
    );
    // The digest is the domain's over the same ballots in any order.
    let expected = {
        use jiguan_domain::selection::ballot::{Ballot, Item, Mark, digest};
        let items: Vec<Item> = (1..=3).map(|no| Item { no, recused: 0 }).collect();
        let ballots: Vec<Ballot> = ballots
            .iter()
            .rev()
            .map(|b| Ballot {
                marks: b
                    .chars()
                    .enumerate()
                    .map(|(i, c)| {
                        let m = match c {
                            'a' => Mark::Agree,
                            'd' => Mark::Disagree,
                            'f' => Mark::Defer,
                            _ => Mark::Abstain,
                        };
                        (i as u32 + 1, m)
                    })
                    .collect(),
            })
            .collect();
        digest(&items, &ballots)
    };
    assert_eq!(tally["digest"], expected.as_str());
    let sheet = get(&t, &d_admin, &format!("{}/tally", base(&t, id))).await;
    assert_eq!(sheet.status, StatusCode::OK);
    assert!(sheet.body.contains(&expected) && sheet.body.contains("计票单"));
    assert!(sheet.body.contains("通过") && sheet.body.contains("暂缓"));
    // The recount reproduces tally and digest.
    let rc = meeting_api(&t, &d_admin, id, "/recount").await;
    assert_eq!(rc.json()["digest_matches"], true);
    assert_eq!(rc.json()["counts_match"], true);
    assert_eq!(rc.json()["tally"], tally);
    let page = get(&t, &voter, &format!("{}/recount", base(&t, id))).await;
    assert!(page.body.contains("复核一致") && page.body.contains(&expected));
    // A closed vote takes no more ballots (the 6th token was used; no token is left).
    let r = cast(&t, &voter, id, &toks[5], "a").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    // The audit trail has the meeting's events, never a token or a ballot.
    let audit = audit_texts(&t).await;
    for code in [
        "committee.meeting.create",
        "committee.roll_call",
        "committee.tokens.issue",
        "committee.meeting.close",
        "committee.tally",
    ] {
        assert!(audit.iter().any(|a| a.starts_with(code)), "no {code}");
    }
    for a in &audit {
        for tok in &toks {
            assert!(!a.contains(tok.as_str()) && !a.contains(&tok.replace('-', "")));
        }
        assert!(!a.contains("1=agree") && !a.contains("marks"), "{a}");
    }
}

#[tokio::test]
async fn more_than_half_of_all_members_not_of_those_present() {
    // N = 8, 6 present: 4 同意 is half of all members → not adopted; 5 → adopted.
    let Meeting { t, members, ua, id } = committee_meeting(8, 2).await;
    let toks = present_and_tokens(&t, &ua, id, &members[..6]).await;
    for (i, marks) in ["aa", "aa", "aa", "aa", "da", "dd"].iter().enumerate() {
        let voter = login(&t, &members[i].0).await;
        let r = cast(&t, &voter, id, toks[i].as_str().unwrap(), marks).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    let r = api(
        &t,
        &ua,
        Method::POST,
        &format!("/api/v1{}/close", base(&t, id)),
        "{}",
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let items = r.json()["items"].clone();
    assert_eq!(items[0]["needed"], 5);
    assert_eq!(
        (items[0]["agree"].as_i64(), items[0]["decision"].as_str()),
        (Some(4), Some("not_adopted"))
    );
    assert_eq!(
        (items[1]["agree"].as_i64(), items[1]["decision"].as_str()),
        (Some(5), Some("adopted"))
    );
}

#[tokio::test]
async fn selection_routes_with_real_ids_keep_roles_and_tenants() {
    let t = setup().await;
    let lu = t.unit("luotuo");
    let jl = t.unit("jiulonghu");
    let dg = t.unit("dagang");
    let names = committee(&t, 1).await;
    assert_eq!(names.len(), 1);
    let ua = login(&t, "u_admin").await;
    let own = meeting(&t, &ua, 1).await;
    // A meeting of the sibling unit (with a committee member of its own) and of district B.
    let sib = meeting_of(&t, (t.d_a, jl), ("jl_cm", "九龙湖委员"), "九龙湖党委会议").await;
    let d_b = district_b(&t).await;
    let foreign = meeting_of(&t, (d_b, dg), ("dg_cm", "北仑委员"), "北仑党委会议").await;
    let routes = routes_containing("/selection/meetings");
    assert_eq!(routes.len(), 20);
    let fill = |p: &str, unit: UnitId, m: MeetingId| {
        p.replace("{unit}", &unit.to_string())
            .replace("{meeting}", &m.to_string())
    };
    let mut ordered = routes.clone();
    ordered.sort_by_key(|(m, p, _)| (*m != Method::GET, p.contains("/close")));
    let records = Records {
        own: MeetingId(own),
        sib,
        foreign,
        param: "{meeting}",
        hidden: &["北仑", "九龙湖党委会议"],
    };
    walk_routes_with_records(&t, &ordered, &records, fill).await;
    // Staff cannot even see the list; a committee member cannot close; the unit admin
    // cannot vote.
    let staff = login(&t, "u_staff").await;
    assert_eq!(
        get(&t, &staff, &format!("/units/{lu}/selection/meetings"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let cm = login(&t, "u_committee").await;
    assert_eq!(
        post_form(&t, &cm, &format!("{}/close", base(&t, own)), &[])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        get(&t, &ua, &format!("{}/vote", base(&t, own)))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // CSRF on the ballot form.
    let r = send(
        &t,
        &cm,
        Method::POST,
        &format!("{}/vote", base(&t, own)),
        form(&[("token", "x")]),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

/// What the application logs while a ballot is cast, at every level.
#[derive(Clone, Default)]
struct LogBuf(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for LogBuf {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for LogBuf {
    type Writer = LogBuf;
    fn make_writer(&'a self) -> LogBuf {
        self.clone()
    }
}

#[tokio::test]
async fn casting_logs_neither_the_token_nor_the_ballot() {
    let Meeting { t, members, ua, id } = committee_meeting(3, 2).await;
    let toks = present_and_tokens(&t, &ua, id, &members).await;
    let voter = login(&t, &members[0].0).await;
    let buf = LogBuf::default();
    let sub = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(buf.clone())
        .finish();
    let tok = toks[0].as_str().unwrap();
    {
        let _g = tracing::subscriber::set_default(sub);
        assert_eq!(
            cast(&t, &voter, id, tok, "ad").await.status,
            StatusCode::SEE_OTHER
        );
        // A refused cast (used token) and a malformed API body are not logged with their input.
        assert_eq!(
            cast(&t, &voter, id, tok, "dd").await.status,
            StatusCode::UNPROCESSABLE_ENTITY
        );
        let r = api(
            &t,
            &voter,
            Method::POST,
            &format!("/api/v1{}/ballots", base(&t, id)),
            &format!(r#"{{"token":"{tok}","marks":{{"1":"agree"}}"#),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let log = String::from_utf8_lossy(&buf.0.lock().unwrap()).to_string();
    let norm = jiguan_app::selection::normalise_token(tok);
    assert!(!log.contains(tok) && !log.contains(&norm), "{log}");
    assert!(!log.contains("agree") && !log.contains("disagree"), "{log}");
}

/// A ballot to cast waits in the inbox (待办) of each member recorded present while the
/// vote is open — also after they voted, since nothing knows who voted — and is gone once
/// the vote closes; an absent member and the HR office never see it.
#[tokio::test]
async fn a_ballot_to_cast_waits_in_the_inbox_of_members_present_until_close() {
    let Meeting { t, members, ua, id } = committee_meeting(3, 1).await;
    let toks = present_and_tokens(&t, &ua, id, &members[..2]).await;
    let vote = format!("{}/vote", base(&t, id));
    let waiting = |r: &Resp| -> bool {
        r.json()["todos"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["code"] == "selection.ballot.cast" && x["link"] == vote.as_str())
    };
    let present = login(&t, &members[0].0).await;
    let absent = login(&t, &members[2].0).await;
    assert!(
        waiting(&api(&t, &present, Method::GET, "/api/v1/inbox", "").await),
        "present member"
    );
    assert!(
        !waiting(&api(&t, &absent, Method::GET, "/api/v1/inbox", "").await),
        "absent member"
    );
    assert!(
        !waiting(&api(&t, &ua, Method::GET, "/api/v1/inbox", "").await),
        "HR office"
    );
    let page = get(&t, &present, "/inbox").await;
    assert!(page.body.contains("党委会表决进行中"), "{}", page.body);
    let r = cast(&t, &present, id, toks[0].as_str().unwrap(), "a").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(
        waiting(&api(&t, &present, Method::GET, "/api/v1/inbox", "").await),
        "still there after voting"
    );
    let r = post_form(&t, &ua, &format!("{}/close", base(&t, id)), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(
        !waiting(&api(&t, &present, Method::GET, "/api/v1/inbox", "").await),
        "gone after close"
    );
}
