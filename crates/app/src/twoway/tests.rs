//! The two-way selection use cases against the in-memory [`FakeStore`](crate::fakes::FakeStore).
//! The SQL side is tested in `crates/store/tests/store/twoway.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use jiguan_domain::auth::{Actor, Role};
use jiguan_domain::org::BodyKind;
use jiguan_domain::people::Identity;
use jiguan_domain::posts::{PostId, PostLevel};
use jiguan_domain::tenancy::{DistrictId, UnitId};
use jiguan_domain::twoway::outcome::Why;
use jiguan_domain::twoway::{Offer, RoundForm, RoundId};
use jiguan_domain::workflow::Status;

use super::PrefRow;
use crate::fakes::org::{body, function_item};
use crate::fakes::people::person;
use crate::fakes::{FakeStore, actor, fake_app};
use crate::workflow::SimpleStep;
use crate::{App, AppError};

/// 骆驼街道 with one body (establishment 6): a chief post held by 甲, and TV-T1's posts
/// X (1 seat of work), Y (2), Z (1) and W (1); TV-T1's staff A–E (civil servants) and F
/// (a contract worker); a unit of another district.
struct Fx {
    app: App,
    store: Arc<FakeStore>,
    d: DistrictId,
    a: UnitId,
    c: UnitId,
    /// X, Y, Z, W.
    posts: [i64; 4],
    /// A, B, C, D, E, F.
    staff: [i64; 6],
}

fn fx() -> Fx {
    let (app, store) = fake_app();
    let at = app.clock.now();
    let (d, a, c, posts, staff) = store
        .with_state(|s| {
            let (d, a) = s.add_luotuo();
            let (_, c) = s.add_beilun();
            let body_id = s.next_id();
            let item = s.next_id();
            let st = s.org.structure_mut(a);
            let mut b = body(body_id, "党政办", BodyKind::Office);
            b.establishment = 6;
            st.bodies.push(b);
            st.functions.push(function_item(item, "F1", body_id));
            let mut post = |title: &str, level, hours| {
                s.add_post(a, body_id, title, level, vec![(item, hours)], at)
                    .0
            };
            let chief = post("主任", PostLevel::Chief, 1984);
            let posts = [
                post("X", PostLevel::General, 1984),
                post("Y", PostLevel::General, 3968),
                post("Z", PostLevel::General, 1984),
                post("W", PostLevel::General, 1984),
            ];
            let jia = s.next_id();
            let mut p = person(jia, d, a, "甲", Identity::CivilServant);
            p.body_id = Some(body_id);
            s.people.people.push(p);
            let mut staff = [0; 6];
            for (i, n) in ["A", "B", "C", "D", "E", "F"].iter().enumerate() {
                let id = s.next_id();
                let identity = if i == 5 {
                    Identity::ContractWorker
                } else {
                    Identity::CivilServant
                };
                let mut p = person(id, d, a, n, identity);
                p.body_id = Some(body_id);
                s.people.people.push(p);
                staff[i] = id;
            }
            s.add_main_assignment(a, PostId(chief), jia, at.date_naive(), at);
            (d, a, c, posts, staff)
        })
        .unwrap();
    Fx {
        app,
        store,
        d,
        a,
        c,
        posts,
        staff,
    }
}

impl Fx {
    fn hr(&self) -> Actor {
        actor(self.d, Some(self.a), Role::UnitAdmin)
    }
    fn form(&self) -> RoundForm {
        RoundForm {
            title: "2027年双向选择".into(),
            choose_by: "2027-03-10".into(),
            rank_by: "2027-03-15".into(),
            ..RoundForm::default()
        }
    }
    /// X 1, Y 2, Z 1 (TV-T1), and W 1 when `w`.
    fn offers(&self, w: bool) -> Vec<Offer> {
        let [x, y, z, ww] = self.posts;
        let mut v = vec![
            Offer {
                post_id: x,
                seats: 1,
            },
            Offer {
                post_id: y,
                seats: 2,
            },
            Offer {
                post_id: z,
                seats: 1,
            },
        ];
        if w {
            v.push(Offer {
                post_id: ww,
                seats: 1,
            });
        }
        v
    }
    fn audits(&self) -> usize {
        self.store.with_state(|s| s.platform.audit.len()).unwrap()
    }
    fn open_assignments(&self) -> Vec<(i64, i64)> {
        let mut v: Vec<(i64, i64)> = self
            .store
            .with_state(|s| {
                s.posts
                    .assignments
                    .iter()
                    .filter(|a| a.end_date.is_none())
                    .map(|a| (a.person_id, a.post_id.0))
                    .collect()
            })
            .unwrap();
        v.sort_unstable();
        v
    }

    /// TV-T1 entered: a round opened, F excluded, choices imported (C and D accept
    /// reassignment), heads' rankings saved.
    async fn tv_t1(&self, w: bool) -> RoundId {
        let hr = self.hr();
        let [a, b, c, dd, e, f] = self.staff;
        let [x, y, z, _] = self.posts;
        let id = self
            .app
            .tw_create_round(
                &hr,
                self.a,
                &self.form(),
                &self.offers(w),
                &[(f, "借调在外".into())],
            )
            .await
            .unwrap();
        self.app.tw_open(&hr, self.a, id).await.unwrap();
        let row = |p: i64, l: &[i64], adj: bool| PrefRow {
            person: p.to_string(),
            prefs: l.iter().map(i64::to_string).collect(),
            accept_adjust: adj,
        };
        let rows = [
            row(a, &[x, y], false),
            row(b, &[x, z], false),
            row(c, &[y, x], true),
            row(dd, &[x, y, z], true),
            row(e, &[z], false),
        ];
        assert_eq!(
            self.app
                .tw_import_prefs(&hr, self.a, id, &rows)
                .await
                .unwrap(),
            5
        );
        let rank = |l: &[i64]| -> Vec<(i64, String)> {
            l.iter()
                .enumerate()
                .map(|(i, p)| (*p, (i + 1).to_string()))
                .collect()
        };
        for (post, order) in [
            (x, rank(&[b, dd, a, c])),
            (y, rank(&[a, dd, c])),
            (z, rank(&[e, b, dd])),
        ] {
            self.app
                .tw_save_ranking(&hr, self.a, id, post, &order)
                .await
                .unwrap();
        }
        id
    }
}

fn codes(e: AppError) -> Vec<(String, String)> {
    match e {
        AppError::Invalid(v) => v.into_iter().map(|e| (e.field, e.code)).collect(),
        other => panic!("{other:?}"),
    }
}

/// TV-T1 through the use cases: deferred acceptance places B on X, A and D on Y, E on Z;
/// C is unplaced and told why; C gets a route; the committee approves; apply writes the
/// four assignments (甲 keeps the chief post) with one audit row.
#[tokio::test]
async fn a_round_is_matched_routed_approved_and_applied() {
    let f = fx();
    let hr = f.hr();
    let id = f.tv_t1(false).await;
    let [a, b, c, dd, e, _] = f.staff;
    let [x, y, z, _] = f.posts;
    let res = f.app.tw_match(&hr, f.a, id).await.unwrap();
    assert_eq!(res.outcome.blocking_pairs, 0);
    let got = |p: i64| res.outcome.of(p).unwrap().post_id;
    assert_eq!(
        [got(a), got(b), got(c), got(dd), got(e)],
        [Some(y), Some(x), None, Some(y), Some(z)]
    );
    assert_eq!(
        res.outcome.of(c).unwrap().why,
        [(y, Why::FilledByHigher), (x, Why::FilledByHigher)]
    );
    assert_eq!(res.outcome.placement_rate().to_string(), "80");
    // No seat left: no 调剂 proposal for C.
    assert!(res.proposals.is_empty());
    let e1 = f.app.tw_submit(&hr, f.a, id).await.unwrap_err();
    assert_eq!(
        codes(e1),
        [("routes".into(), "twoway_route_missing".into())]
    );
    f.app
        .tw_set_route(&hr, f.a, id, c, "待岗培训")
        .await
        .unwrap();
    let e2 = f
        .app
        .tw_set_route(&hr, f.a, id, a, "training")
        .await
        .unwrap_err();
    assert_eq!(codes(e2), [("person".into(), "choice_invalid".into())]);
    f.app.tw_submit(&hr, f.a, id).await.unwrap();
    // Staff may not approve; the unit's committee may.
    let staff = actor(f.d, Some(f.a), Role::Staff);
    assert!(matches!(
        f.app
            .step_plan(&staff, f.a, id, SimpleStep::Approve("骆党〔2027〕1号"))
            .await,
        Err(AppError::Forbidden)
    ));
    let committee = actor(f.d, Some(f.a), Role::CommitteeMember);
    f.app
        .step_plan(&committee, f.a, id, SimpleStep::Approve("骆党〔2027〕1号"))
        .await
        .unwrap();
    let before = f.audits();
    f.app.tw_apply(&hr, f.a, id).await.unwrap();
    assert_eq!(f.audits(), before + 1);
    let jia = f.staff[0] - 1;
    let mut want = vec![(a, y), (b, x), (dd, y), (e, z), (jia, f.posts[0] - 1)];
    want.sort_unstable();
    assert_eq!(f.open_assignments(), want);
    let r = f.app.tw_round_of(&hr, f.a, id).await.unwrap();
    assert_eq!(r.status, Status::Applied);
}

/// 志愿 rounds mode: TV-T1 places C on Y and leaves D unplaced, with one blocking pair.
#[tokio::test]
async fn rounds_mode_is_used_when_chosen() {
    let f = fx();
    let hr = f.hr();
    let id = f.tv_t1(false).await;
    f.store
        .with_state(|s| s.twoway.rounds[0].mode = jiguan_domain::twoway::Mode::Rounds)
        .unwrap();
    let res = f.app.tw_match(&hr, f.a, id).await.unwrap();
    let [_, _, c, dd, _, _] = f.staff;
    assert_eq!(res.outcome.of(c).unwrap().post_id, Some(f.posts[1]));
    assert_eq!(res.outcome.of(dd).unwrap().post_id, None);
    assert_eq!(res.outcome.blocking_pairs, 1);
}

/// 服从调剂: C accepted reassignment and W has a seat nobody chose: the system proposes W
/// to C; the office confirms; C is then placed and needs no route.
#[tokio::test]
async fn a_willing_person_is_proposed_the_seat_left() {
    let f = fx();
    let hr = f.hr();
    let id = f.tv_t1(true).await;
    let [_, _, c, _, _, _] = f.staff;
    let w = f.posts[3];
    let res = f.app.tw_match(&hr, f.a, id).await.unwrap();
    assert_eq!(res.proposals, [(c, w)]);
    let e = f
        .app
        .tw_confirm_adjust(&hr, f.a, id, &[f.staff[0]])
        .await
        .unwrap_err();
    assert_eq!(codes(e), [("adjust.0".into(), "choice_invalid".into())]);
    f.app.tw_confirm_adjust(&hr, f.a, id, &[c]).await.unwrap();
    let r = f
        .app
        .tw_round_of(&hr, f.a, id)
        .await
        .unwrap()
        .result()
        .unwrap();
    assert!(r.unplaced().is_empty());
    assert!(r.placements().contains(&(c, w)));
    f.app.tw_submit(&hr, f.a, id).await.unwrap();
}

/// Seats beyond the workload or the body's establishment are refused; nothing written.
#[tokio::test]
async fn seats_beyond_workload_and_establishment_are_refused() {
    let f = fx();
    let hr = f.hr();
    let [x, y, ..] = f.posts;
    let before = f.audits();
    let too_many = [
        Offer {
            post_id: x,
            seats: 2,
        },
        Offer {
            post_id: y,
            seats: 2,
        },
    ];
    let e = f
        .app
        .tw_create_round(&hr, f.a, &f.form(), &too_many, &[])
        .await
        .unwrap_err();
    assert_eq!(
        codes(e),
        [(format!("offers.{x}"), "twoway_seats_over_workload".into())]
    );
    // X 1, Y 2, Z 1, W 1: 5 seats, as many as the body's establishment 6 − 1 chief;
    // once the establishment is 5, one too many.
    let over = f.offers(true);
    assert!(
        f.app
            .tw_create_round(&hr, f.a, &f.form(), &over, &[])
            .await
            .is_ok()
    );
    f.store
        .with_state(|s| s.org.structure_mut(f.a).bodies[0].establishment = 5)
        .unwrap();
    let e = f
        .app
        .tw_create_round(&hr, f.a, &f.form(), &over, &[])
        .await
        .unwrap_err();
    assert_eq!(codes(e)[0].1, "twoway_seats_over_establishment");
    assert_eq!(f.audits(), before + 1);
    assert_eq!(f.store.with_state(|s| s.twoway.rounds.len()).unwrap(), 1);
}

/// Eligibility is checked when choosing: a contract worker (no establishment) may not
/// list an administrative post; duplicates and posts not offered are refused; nothing is
/// written.
#[tokio::test]
async fn choices_are_checked_for_eligibility() {
    let f = fx();
    let hr = f.hr();
    let [a, _, _, _, _, fw] = f.staff;
    let [x, y, _, w] = f.posts;
    let id = f
        .app
        .tw_create_round(&hr, f.a, &f.form(), &f.offers(false), &[])
        .await
        .unwrap();
    // Not open yet.
    let row = |p: i64, l: &[i64]| PrefRow {
        person: p.to_string(),
        prefs: l.iter().map(i64::to_string).collect(),
        accept_adjust: false,
    };
    let e = f
        .app
        .tw_import_prefs(&hr, f.a, id, &[row(a, &[x])])
        .await
        .unwrap_err();
    assert_eq!(codes(e), [("status".into(), "plan_status_invalid".into())]);
    f.app.tw_open(&hr, f.a, id).await.unwrap();
    let before = f.audits();
    let e = f
        .app
        .tw_import_prefs(
            &hr,
            f.a,
            id,
            &[row(fw, &[x]), row(a, &[y, y, w]), row(9999, &[x])],
        )
        .await
        .unwrap_err();
    assert_eq!(
        codes(e),
        [
            ("rows.0.prefs.0".into(), "post_kind_mismatch".into()),
            ("rows.1.prefs.1".into(), "twoway_pref_duplicate".into()),
            ("rows.1.prefs.2".into(), "choice_invalid".into()),
            ("rows.2.person".into(), "choice_invalid".into()),
        ]
    );
    assert_eq!(f.audits(), before);
    assert!(f.store.with_state(|s| s.twoway.prefs.is_empty()).unwrap());
}

/// Applying is all or nothing: a post deactivated after approval breaks the posts
/// module's rules for its holders; nothing is written and the round stays approved.
#[tokio::test]
async fn apply_is_atomic() {
    let f = fx();
    let hr = f.hr();
    let id = f.tv_t1(false).await;
    f.app.tw_match(&hr, f.a, id).await.unwrap();
    f.app
        .tw_set_route(&hr, f.a, id, f.staff[2], "next_round")
        .await
        .unwrap();
    f.app.tw_submit(&hr, f.a, id).await.unwrap();
    let district = actor(f.d, None, Role::DistrictAdmin);
    f.app
        .step_plan(&district, f.a, id, SimpleStep::Approve("镇编〔2027〕2号"))
        .await
        .unwrap();
    let y = f.posts[1];
    f.store
        .with_state(|s| {
            s.posts
                .posts
                .iter_mut()
                .find(|p| p.id.0 == y)
                .unwrap()
                .active = false
        })
        .unwrap();
    let (before, open) = (f.audits(), f.open_assignments());
    let e = f.app.tw_apply(&hr, f.a, id).await.unwrap_err();
    assert!(codes(e).iter().all(|(_, c)| c == "post_inactive"));
    assert_eq!((f.audits(), f.open_assignments()), (before, open));
    let r = f.app.tw_round_of(&hr, f.a, id).await.unwrap();
    assert_eq!(r.status, Status::Approved);
}

/// Roles and tenancy: staff may not set up a round, a body head may not match, a unit of
/// another district is not found, and nothing is written.
#[tokio::test]
async fn roles_and_tenancy() {
    let f = fx();
    let staff = actor(f.d, Some(f.a), Role::Staff);
    let head = actor(f.d, Some(f.a), Role::BodyHead);
    assert!(matches!(
        f.app
            .tw_create_round(&staff, f.a, &f.form(), &f.offers(false), &[])
            .await,
        Err(AppError::Forbidden)
    ));
    let id = f.tv_t1(false).await;
    assert!(matches!(
        f.app.tw_match(&head, f.a, id).await,
        Err(AppError::Forbidden)
    ));
    let hr = f.hr();
    assert!(matches!(
        f.app
            .tw_create_round(&hr, f.c, &f.form(), &f.offers(false), &[])
            .await,
        Err(AppError::NotFound | AppError::Forbidden)
    ));
}

/// The to-dos (asked for on every page, for the menu badge) cost one listing of the unit's
/// open rounds when none is open, and load no round; a matched round gives no to-do.
#[tokio::test]
async fn to_dos_cost_one_listing_when_no_round_is_open() {
    let f = fx();
    let hr = f.hr();
    let staff = actor(f.d, Some(f.a), Role::Staff);
    let head = actor(f.d, Some(f.a), Role::BodyHead);
    let reads = |f: &Fx| {
        f.store
            .with_state(|s| std::mem::take(&mut s.twoway.reads))
            .unwrap()
    };
    f.app
        .tw_create_round(&hr, f.a, &f.form(), &f.offers(false), &[])
        .await
        .unwrap();
    reads(&f);
    for who in [&staff, &head] {
        assert!(f.app.tw_todos(who).await.unwrap().is_empty());
        assert_eq!(reads(&f), ["flow_items"], "{:?}", who.roles);
    }
    // An account that neither chooses nor ranks asks nothing.
    let committee = actor(f.d, Some(f.a), Role::CommitteeMember);
    assert!(f.app.tw_todos(&committee).await.unwrap().is_empty());
    assert!(reads(&f).is_empty());
    // An open round already matched: listed and loaded, no to-do.
    let id = f.tv_t1(false).await;
    f.app.tw_match(&hr, f.a, id).await.unwrap();
    reads(&f);
    assert!(f.app.tw_todos(&staff).await.unwrap().is_empty());
    assert_eq!(reads(&f), ["flow_items", "tw_round"]);
}
