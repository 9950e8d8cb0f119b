//! Shared setup: a fresh database on either backend, the `both!` macro that runs a story
//! on SQLite and (ignored unless asked) on PostgreSQL, and two districts with units.

use jiguan_app::ports::NewUser;
use jiguan_domain::auth::{Actor, Role};
use jiguan_domain::tenancy::{DistrictId, UnitId, UnitInput, UnitKind, UserId};
use jiguan_store::{Db, SqlStore, Value};
use jiguan_testkit::fixtures::{district, pg_database};

/// A fresh database: a temp SQLite file, or a new PostgreSQL database.
pub struct TestDb {
    pub url: String,
    pub _dir: Option<tempfile::TempDir>,
}

pub async fn fresh(pg: bool) -> TestDb {
    if pg {
        let admin =
            std::env::var("JIGUAN_TEST_PG").expect("set JIGUAN_TEST_PG to run PostgreSQL tests");
        let (url, _) = pg_database(&admin, "jiguan_test")
            .await
            .expect("create a PostgreSQL database");
        TestDb { url, _dir: None }
    } else {
        let dir = tempfile::tempdir().unwrap();
        let url = dir.path().join("t.db").to_string_lossy().to_string();
        TestDb {
            url,
            _dir: Some(dir),
        }
    }
}

macro_rules! both {
    ($name:ident) => {
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                super::$name(false).await;
            }
            #[tokio::test]
            #[ignore = "needs PostgreSQL: set JIGUAN_TEST_PG (CI runs it with --ignored)"]
            async fn postgres() {
                super::$name(true).await;
            }
        }
    };
}
pub(crate) use both;

pub fn unit_input(code: &str, name: &str, kind: UnitKind) -> UnitInput {
    UnitInput {
        code: code.into(),
        name: name.into(),
        kind,
    }
}

pub async fn two_districts(s: &SqlStore) -> (DistrictId, UnitId, UnitId, DistrictId, UnitId) {
    let (d1, u1) = district(
        s,
        "zhenhai",
        "镇海区",
        &[
            ("luotuo", "骆驼街道", UnitKind::Subdistrict),
            ("xiepu", "澥浦镇", UnitKind::Town),
        ],
    )
    .await
    .unwrap();
    let (d2, u2) = district(
        s,
        "beilun",
        "北仑区",
        &[("luotuo", "另一个骆驼", UnitKind::Subdistrict)],
    )
    .await
    .unwrap();
    (d1, u1[0], u1[1], d2, u2[0])
}

/// An actor with one role, of a unit (`Some`) or of the whole district.
pub fn actor(d: DistrictId, unit: Option<UnitId>, role: Role) -> Actor {
    Actor {
        user_id: UserId(1),
        username: format!("{}_{}", role.code(), unit.map(|u| u.0).unwrap_or(0)),
        display_name: String::new(),
        district_id: d,
        unit_id: unit,
        roles: vec![role],
    }
}

/// Owned (key, value) pairs, as form posts arrive.
pub fn pairs(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

pub fn new_user(d: DistrictId, unit: Option<UnitId>, name: &str, roles: Vec<Role>) -> NewUser {
    NewUser {
        district_id: d,
        unit_id: unit,
        username: name.into(),
        display_name: format!("显示{name}"),
        password_hash: "$argon2id$fake".into(),
        must_change_password: true,
        roles,
        person_id: None,
    }
}

/// The first column of the one row `sql` returns, as an integer.
pub async fn fetch_i64(db: &Db, sql: &str, params: &[Value]) -> i64 {
    db.fetch_one(sql, params).await.unwrap().get(0).unwrap()
}

/// [`two_districts`] on a fresh database, with an app over the store and the unit
/// administrator of each of the three units.
pub struct ThreeUnits {
    pub t: TestDb,
    pub s: SqlStore,
    pub app: jiguan_app::App,
    pub d1: DistrictId,
    pub a: UnitId,
    pub b: UnitId,
    pub d2: DistrictId,
    pub c: UnitId,
    pub ua: Actor,
    pub ub: Actor,
    pub uc: Actor,
}

pub async fn three_units(pg: bool) -> ThreeUnits {
    let t = fresh(pg).await;
    let s = SqlStore::open(&t.url).await.unwrap();
    let (d1, a, b, d2, c) = two_districts(&s).await;
    ThreeUnits {
        app: jiguan_testkit::fixtures::app(s.clone()),
        ua: actor(d1, Some(a), Role::UnitAdmin),
        ub: actor(d1, Some(b), Role::UnitAdmin),
        uc: actor(d2, Some(c), Role::UnitAdmin),
        t,
        s,
        d1,
        a,
        b,
        d2,
        c,
    }
}

/// The arrangement the selection decision and officials stories share.
pub mod selection_support {
    use jiguan_app::ports::{AuditStore, UnitAt};
    use jiguan_app::selection::campaign::{CampaignAt, CampaignStore, CampaignWrite};
    use jiguan_app::selection::decision::{
        CandidateWrite, DecisionStore, ProposalsWrite, Proposed,
    };
    use jiguan_app::selection::registration::ApplicationWrite;
    use jiguan_app::selection::{ItemWrite, MeetingWrite};
    use jiguan_domain::audit::AuditEntry;
    use jiguan_domain::org::BodyId;
    use jiguan_domain::posts::PostLevel;
    use jiguan_domain::selection::MeetingId;
    use jiguan_domain::selection::eligibility::Nomination;
    use jiguan_domain::selection::plan::{OfferedPost, Plan, PostKey};

    use crate::posts::posts_support;

    fn day(s: &str) -> chrono::NaiveDate {
        s.parse().unwrap()
    }

    /// On `u`'s unit, a 党政办 deputy post, a campaign offering it, an application of
    /// `u.people[0]` for it, and the decision meeting (`meeting`, from the meeting write
    /// `mw`) proposing that person for the post (the candidate write `cand`).
    pub(crate) struct OneCandidate {
        pub post: jiguan_domain::posts::PostId,
        pub key: PostKey,
        pub camp: jiguan_domain::selection::CampaignId,
        pub person: i64,
        pub app_id: jiguan_domain::selection::ApplicationId,
        pub mw: MeetingWrite,
        pub cand: CandidateWrite,
        pub meeting: MeetingId,
    }

    /// Writes the post, the campaign, the application and the meeting of [`OneCandidate`]
    /// (checking that the meeting and its candidate write one audit row); the candidate
    /// carries `recused` detected recusals.
    pub(crate) async fn one_candidate(
        u: &posts_support::Unit1,
        audit: impl Fn() -> AuditEntry,
        recused: i64,
    ) -> OneCandidate {
        let (s, a, dist) = (&u.store, u.a, u.d);
        let post = u
            .app
            .create_post(
                &u.ua,
                a,
                &posts_support::post(
                    u.body,
                    "党政办副主任",
                    "deputy",
                    "any",
                    &[(u.items[0], 992)],
                ),
            )
            .await
            .unwrap();
        let key = PostKey {
            body_id: BodyId(u.body),
            level: PostLevel::Deputy,
        };
        let plan = Plan::with_defaults(
            "2026年竞争上岗",
            day("2026-04-30"),
            vec![OfferedPost {
                body_id: key.body_id,
                body_name: "党政办公室".into(),
                level: key.level,
                seats: 1,
                sensitive: false,
            }],
        );
        let cw = CampaignWrite {
            family_id: None,
            version: 1,
            revision_reason: String::new(),
            plan,
        };
        let camp = s
            .camp_create(UnitAt::unit(dist, a), &cw, audit())
            .await
            .unwrap();
        let person = u.people[0];
        let app_id = s
            .app_save(
                CampaignAt::new(dist, a, camp),
                &ApplicationWrite {
                    person_id: person,
                    choices: vec![key],
                    obey_adjustment: false,
                    nomination: Nomination::Organisation,
                    signers: 0,
                },
                audit(),
            )
            .await
            .unwrap();
        let mw = MeetingWrite {
            title: "党工委会议".into(),
            held_on: day("2026-09-20"),
            members: Vec::new(),
            items: vec![ItemWrite {
                text: "拟任 甲 为 党政办公室 中层副职".into(),
                person_id: Some(person),
                post_id: Some(post.0),
            }],
        };
        let cand = CandidateWrite {
            proposal: Proposed {
                campaign_id: camp,
                family_id: camp.0,
                plan_version: 1,
                post: key,
                post_id: post.0,
                person_id: person,
                application_id: app_id,
            },
            item_no: 1,
            recused,
        };
        let audits = s.audit_count().await.unwrap();
        let meeting = s
            .dec_create_meeting(
                UnitAt::unit(dist, a),
                &ProposalsWrite {
                    meeting: &mw,
                    candidates: std::slice::from_ref(&cand),
                },
                audit(),
            )
            .await
            .unwrap();
        assert_eq!(s.audit_count().await.unwrap(), audits + 1);
        OneCandidate {
            post,
            key,
            camp,
            person,
            app_id,
            mw,
            cand,
            meeting,
        }
    }
}
