//! The committee's secret ballot (党委会票决) in storage: one token one ballot, the cast's
//! atomicity, and what the tables hold after a vote (no column, key, order or audit row
//! that links a member to a token or a ballot).

use std::collections::BTreeMap;

use jiguan_app::App;
use jiguan_app::selection::{CastBallot, ItemForm, MeetingAt, MeetingForm, SelectionStore};
use jiguan_domain::auth::{Actor, Role};
use jiguan_domain::selection::MeetingId;
use jiguan_domain::selection::ballot::TokenHash;
use jiguan_domain::tenancy::{DistrictId, UnitId, UserId};
use jiguan_store::{Backend, SqlStore, Value};

use crate::helpers::*;
use jiguan_testkit::fixtures;

struct Vote {
    _t: TestDb,
    app: App,
    s: SqlStore,
    d: DistrictId,
    u: UnitId,
    id: MeetingId,
    voters: Vec<Actor>,
    tokens: Vec<String>,
}

fn unit_admin(d: DistrictId, u: UnitId) -> Actor {
    actor(d, Some(u), Role::UnitAdmin)
}

/// A meeting of 骆驼街道 with `n` members all present and `items` items, its tokens issued.
async fn open_vote(pg: bool, n: usize, items: usize) -> Vote {
    let t = fresh(pg).await;
    let s = SqlStore::open(&t.url).await.unwrap();
    let app = fixtures::app(s.clone());
    let (d, u, _, _, _) = two_districts(&s).await;
    let mut voters = Vec::new();
    for i in 0..n {
        let name = format!("cm{i}");
        let id: UserId = app
            .system_create_user(
                d,
                Some(u),
                &name,
                &format!("委员{i}"),
                &[Role::CommitteeMember],
                "secret123",
                false,
            )
            .await
            .unwrap();
        let mut a = actor(d, Some(u), Role::CommitteeMember);
        a.user_id = id;
        a.username = name;
        voters.push(a);
    }
    let ua = unit_admin(d, u);
    let form = MeetingForm {
        title: "党工委会议".into(),
        held_on: "2026-03-02".into(),
        items: (1..=items)
            .map(|i| ItemForm {
                text: format!("拟任 人选{i}"),
                ..ItemForm::default()
            })
            .collect(),
    };
    let id = app.sel_create_meeting(&ua, u, &form).await.unwrap();
    let present: Vec<UserId> = voters.iter().map(|v| v.user_id).collect();
    app.sel_roll_call(&ua, u, id, &present).await.unwrap();
    let tokens = app.sel_issue_tokens(&ua, u, id).await.unwrap();
    Vote {
        _t: t,
        app,
        s,
        d,
        u,
        id,
        voters,
        tokens,
    }
}

fn marks(m: &[&str]) -> BTreeMap<String, String> {
    m.iter()
        .enumerate()
        .map(|(i, c)| ((i + 1).to_string(), (*c).to_string()))
        .collect()
}

async fn count(s: &SqlStore, sql: &str, id: MeetingId) -> i64 {
    fetch_i64(&s.db, sql, &[Value::from(id.0)]).await
}

both!(ballot_one_token_one_ballot_and_atomic_cast);

async fn ballot_one_token_one_ballot_and_atomic_cast(pg: bool) {
    let v = open_vote(pg, 3, 2).await;
    let (app, d, u, id) = (&v.app, v.d, v.u, v.id);
    let ballots = "SELECT CAST(COUNT(*) AS BIGINT) FROM ballots WHERE meeting_id = $1";
    let used =
        "SELECT CAST(COUNT(*) AS BIGINT) FROM ballot_tokens WHERE meeting_id = $1 AND used = TRUE";
    app.sel_cast(
        &v.voters[0],
        u,
        id,
        &v.tokens[0],
        &marks(&["agree", "defer"]),
    )
    .await
    .unwrap();
    assert_eq!(
        (count(&v.s, ballots, id).await, count(&v.s, used, id).await),
        (1, 1)
    );
    // The same token again, by anyone: refused, nothing written.
    for voter in &v.voters {
        let e = app
            .sel_cast(
                voter,
                u,
                id,
                &v.tokens[0],
                &marks(&["disagree", "disagree"]),
            )
            .await
            .unwrap_err();
        assert!(format!("{e:?}").contains("selection_token_used"), "{e:?}");
    }
    assert_eq!(
        (count(&v.s, ballots, id).await, count(&v.s, used, id).await),
        (1, 1)
    );
    // The store refuses a used token on its own (a race past the app's check).
    let h0 = TokenHash::of(&jiguan_app::selection::normalise_token(&v.tokens[0])).to_hex();
    assert!(
        !v.s.sel_cast(
            MeetingAt::new(d, u, id),
            CastBallot {
                token_hash: &h0,
                key: "k-race",
                marks: "1=agree;2=agree"
            }
        )
        .await
        .unwrap()
    );
    assert_eq!(count(&v.s, ballots, id).await, 1);
    // Atomicity: a ballot that cannot be stored (its key taken) leaves the token unused.
    let key: String =
        v.s.db
            .fetch_one(
                "SELECT ballot_key FROM ballots WHERE meeting_id = $1",
                &[Value::from(id.0)],
            )
            .await
            .unwrap()
            .get(0)
            .unwrap();
    let h1 = TokenHash::of(&jiguan_app::selection::normalise_token(&v.tokens[1])).to_hex();
    assert!(
        v.s.sel_cast(
            MeetingAt::new(d, u, id),
            CastBallot {
                token_hash: &h1,
                key: &key,
                marks: "1=agree;2=agree"
            }
        )
        .await
        .is_err()
    );
    assert_eq!(
        (count(&v.s, ballots, id).await, count(&v.s, used, id).await),
        (1, 1)
    );
    assert_eq!(
        v.s.sel_token(MeetingAt::new(d, u, id), &h1).await.unwrap(),
        Some(false)
    );
    // The token still works afterwards.
    app.sel_cast(&v.voters[1], u, id, &v.tokens[1], &marks(&["agree"]))
        .await
        .unwrap();
    assert_eq!(
        (count(&v.s, ballots, id).await, count(&v.s, used, id).await),
        (2, 2)
    );
    // Another unit's scope sees no token; a closed vote takes no ballot.
    let other = UnitId(u.0 + 1);
    let h2 = TokenHash::of(&jiguan_app::selection::normalise_token(&v.tokens[2])).to_hex();
    assert_eq!(
        v.s.sel_token(MeetingAt::new(d, other, id), &h2)
            .await
            .unwrap(),
        None
    );
    assert!(
        !v.s.sel_cast(
            MeetingAt::new(d, other, id),
            CastBallot {
                token_hash: &h2,
                key: "k-other",
                marks: "1=agree;2=agree"
            }
        )
        .await
        .unwrap()
    );
    app.sel_close(&unit_admin(d, u), u, id).await.unwrap();
    assert!(
        !v.s.sel_cast(
            MeetingAt::new(d, u, id),
            CastBallot {
                token_hash: &h2,
                key: "k-late",
                marks: "1=agree;2=agree"
            }
        )
        .await
        .unwrap()
    );
    assert_eq!(count(&v.s, ballots, id).await, 2);
    let (view, rc) = app.sel_recount(&unit_admin(d, u), u, id).await.unwrap();
    assert!(rc.digest_matches && rc.counts_match);
    assert_eq!(view.meeting.digest, rc.tally.digest);
}

both!(ballot_tables_hold_no_link_to_members);

/// After a vote: the columns of `ballots` and `ballot_tokens`, SQLite's WITHOUT ROWID,
/// the stored order against the order of casting, the keys, and the audit rows.
async fn ballot_tables_hold_no_link_to_members(pg: bool) {
    let n = 12;
    let v = open_vote(pg, n, 3).await;
    let (app, d, u, id) = (&v.app, v.d, v.u, v.id);
    // 12 different ballots, cast in a known order.
    let codes = ["agree", "disagree", "defer"];
    let mut cast_order = Vec::new();
    for i in 0..n {
        let m = [codes[i % 3], codes[(i / 3) % 3], codes[(i / 9) % 3]];
        app.sel_cast(&v.voters[i], u, id, &v.tokens[i], &marks(&m))
            .await
            .unwrap();
        cast_order.push(format!("1={};2={};3={}", m[0], m[1], m[2]));
    }
    // Column names.
    let forbidden = [
        "user", "member", "session", "ip", "addr", "address", "time", "created", "at", "ts", "seq",
        "agent", "id",
    ];
    for table in ["ballots", "ballot_tokens"] {
        let cols: Vec<String> = match v.s.db.backend() {
            Backend::Sqlite => v
                .s
                .db
                .fetch_all(&format!("SELECT name FROM pragma_table_info('{table}')"), &[])
                .await
                .unwrap(),
            Backend::Postgres => v
                .s
                .db
                .fetch_all(
                    "SELECT column_name::TEXT FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1",
                    &[Value::from(table)],
                )
                .await
                .unwrap(),
        }
        .iter()
        .map(|r| r.get::<String>(0).unwrap())
        .collect();
        assert!(cols.len() >= 5, "{table}: {cols:?}");
        for c in &cols {
            let lower = c.to_lowercase();
            // The tenant and meeting references are the only ids.
            if ["district_id", "unit_id", "meeting_id"].contains(&lower.as_str()) {
                continue;
            }
            for part in lower.split('_') {
                assert!(!forbidden.contains(&part), "{table}.{c}");
            }
            for word in ["user", "member", "session", "time", "addr", "created"] {
                assert!(!lower.contains(word), "{table}.{c}");
            }
        }
        if pg {
            // No serial or identity column.
            let serial = fetch_i64(
                &v.s.db,
                "SELECT CAST(COUNT(*) AS BIGINT) FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 AND (is_identity = 'YES' OR column_default IS NOT NULL)",
                &[Value::from(table)],
            )
            .await;
            assert_eq!(serial, 0, "{table}");
        } else {
            let sql: String =
                v.s.db
                    .fetch_one(
                        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = $1",
                        &[Value::from(table)],
                    )
                    .await
                    .unwrap()
                    .get(0)
                    .unwrap();
            assert!(sql.to_uppercase().contains("WITHOUT ROWID"), "{sql}");
        }
    }
    // The rows: keys are random 128-bit hex, not numbers; the key order and the stored order
    // are not the order of casting.
    let rows = v
        .s
        .db
        .fetch_all("SELECT ballot_key, marks FROM ballots WHERE meeting_id = $1 ORDER BY meeting_id, ballot_key", &[Value::from(id.0)])
        .await
        .unwrap();
    let keys: Vec<String> = rows.iter().map(|r| r.get::<String>(0).unwrap()).collect();
    let by_key: Vec<String> = rows.iter().map(|r| r.get::<String>(1).unwrap()).collect();
    assert_eq!(by_key.len(), n);
    assert_ne!(by_key, cast_order, "key order is the order of casting");
    for k in &keys {
        assert_eq!(k.len(), 32);
        assert!(k.chars().all(|c| c.is_ascii_hexdigit()));
        assert!(k.parse::<i64>().is_err() || k.starts_with('0'));
    }
    if !pg {
        let stored: Vec<String> =
            v.s.db
                .fetch_all("SELECT marks FROM ballots", &[])
                .await
                .unwrap()
                .iter()
                .map(|r| r.get::<String>(0).unwrap())
                .collect();
        assert_ne!(stored, cast_order, "storage order is the order of casting");
    }
    // Tokens: the hash and the flag, nothing else; every token used.
    let tok =
        v.s.db
            .fetch_all(
                "SELECT token_hash, used FROM ballot_tokens WHERE meeting_id = $1",
                &[Value::from(id.0)],
            )
            .await
            .unwrap();
    assert_eq!(tok.len(), n);
    for r in &tok {
        let h: String = r.get(0).unwrap();
        assert_eq!(h.len(), 64);
        assert!(r.get::<bool>(1).unwrap());
        for t in &v.tokens {
            assert!(!h.contains(&jiguan_app::selection::normalise_token(t)));
        }
    }
    // The audit rows: meeting events only; no token, no hash, no ballot.
    app.sel_close(&unit_admin(d, u), u, id).await.unwrap();
    let audit = v
        .s
        .db
        .fetch_all(
            "SELECT action, object_id, COALESCE(before_json, ''), COALESCE(after_json, '') FROM audit_log WHERE district_id = $1 ORDER BY seq",
            &[Value::from(d.0)],
        )
        .await
        .unwrap();
    let mut actions = Vec::new();
    for r in &audit {
        let row = format!(
            "{} {} {} {}",
            r.get::<String>(0).unwrap(),
            r.get::<String>(1).unwrap(),
            r.get::<String>(2).unwrap(),
            r.get::<String>(3).unwrap()
        );
        for t in &v.tokens {
            let norm = jiguan_app::selection::normalise_token(t);
            assert!(!row.contains(&norm) && !row.contains(t.as_str()), "{row}");
            assert!(!row.contains(&TokenHash::of(&norm).to_hex()), "{row}");
        }
        for c in &cast_order {
            assert!(!row.contains(c.as_str()), "{row}");
        }
        for k in &keys {
            assert!(!row.contains(k.as_str()), "{row}");
        }
        actions.push(r.get::<String>(0).unwrap());
    }
    let committee: Vec<&String> = actions
        .iter()
        .filter(|a| a.starts_with("committee."))
        .collect();
    assert_eq!(
        committee,
        [
            "committee.meeting.create",
            "committee.roll_call",
            "committee.tokens.issue",
            "committee.meeting.close",
            "committee.tally"
        ]
    );
}
