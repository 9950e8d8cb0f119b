//! The officials of a campaign in storage (考察组成员, 计票人, 监票人; RULES-SELECTION-APPRAISAL
//! §1.9.3–§1.9.5): registered with or without a detected recusal, a recusal recorded once,
//! every write with its audit row, scoped by district and unit; and no column anywhere but
//! in `ballots` and `ballot_tokens` refers to a ballot or a token (a counter is linked to
//! the meeting only).

use jiguan_app::ports::{AuditStore, Conflict, Scoped, StoreError, UnitAt};
use jiguan_app::selection::officials::{OfficialRecord, OfficialRecusal, OfficialStore};
use jiguan_domain::audit::AuditEntry;
use jiguan_domain::selection::recusal::{OfficialRole, RecusalCategory, RecusalSource};
use jiguan_store::db::Backend;

use crate::helpers::selection_support::{OneCandidate, one_candidate};
use crate::helpers::*;
use crate::posts::posts_support;

both!(selection_officials_and_their_recusals);

async fn selection_officials_and_their_recusals(pg: bool) {
    let u = posts_support::setup(pg).await;
    let (s, a, dist) = (&u.store, u.a, u.d);
    let at = chrono::Utc::now();
    let audit = || AuditEntry::by(&u.ua, at).unit(a);
    let OneCandidate {
        camp,
        app_id,
        meeting: m,
        ..
    } = one_candidate(&u, audit, 0).await;

    // An inspector who serves, and a counter recused at registration (detected kinship).
    let rec = |role, person_id, application_id, meeting_id, recusal| OfficialRecord {
        id: 0,
        campaign_id: camp,
        family_id: camp.0,
        role,
        person_id,
        application_id,
        meeting_id,
        recusal,
        created_by: "ua".into(),
        created_at: at,
    };
    let detected = OfficialRecusal {
        category: RecusalCategory::Kin,
        kinship: "spouse".into(),
        source: RecusalSource::Detected,
        reason: String::new(),
        by: "ua".into(),
        at,
    };
    let audits = s.audit_count().await.unwrap();
    let add = |r: OfficialRecord| async move {
        s.sel_official_add(UnitAt::unit(dist, a), &r, audit())
            .await
            .unwrap()
    };
    let inspector = add(rec(
        OfficialRole::Inspector,
        u.people[1],
        Some(app_id),
        None,
        None,
    ))
    .await;
    let counter = add(rec(
        OfficialRole::Counter,
        u.people[2],
        None,
        Some(m),
        Some(detected.clone()),
    ))
    .await;
    assert_eq!(s.audit_count().await.unwrap(), audits + 2);
    let list = s.sel_officials(dist, a, camp.0).await.unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].id, inspector);
    assert_eq!(
        (list[0].role, list[0].application_id, list[0].meeting_id),
        (OfficialRole::Inspector, Some(app_id), None)
    );
    assert!(list[0].recusal.is_none());
    assert_eq!(list[1].id, counter);
    assert_eq!(list[1].meeting_id, Some(m));
    let got = list[1].recusal.clone().unwrap();
    assert_eq!(
        (got.category, got.kinship.as_str(), got.source),
        (RecusalCategory::Kin, "spouse", RecusalSource::Detected)
    );
    // Other tenants see nothing and cannot recuse.
    assert!(s.sel_officials(dist, u.b, camp.0).await.unwrap().is_empty());
    assert!(s.sel_officials(u.d2, a, camp.0).await.unwrap().is_empty());
    let declared = OfficialRecusal {
        category: RecusalCategory::Other,
        kinship: String::new(),
        source: RecusalSource::Declared,
        reason: "本人申请".into(),
        by: "ua".into(),
        at,
    };
    assert!(matches!(
        s.sel_official_recuse(Scoped::new(dist, u.b, inspector), &declared, audit())
            .await,
        Err(StoreError::NotFound)
    ));
    // A recusal is recorded once.
    s.sel_official_recuse(Scoped::new(dist, a, inspector), &declared, audit())
        .await
        .unwrap();
    assert_eq!(s.audit_count().await.unwrap(), audits + 3);
    let e = s
        .sel_official_recuse(Scoped::new(dist, a, inspector), &declared, audit())
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Conflict(Conflict::Status)), "{e:?}");
    assert!(matches!(
        s.sel_official_recuse(Scoped::new(dist, a, counter), &declared, audit())
            .await,
        Err(StoreError::Conflict(Conflict::Status))
    ));
    assert_eq!(s.audit_count().await.unwrap(), audits + 3);
    let got = s.sel_officials(dist, a, camp.0).await.unwrap()[0]
        .recusal
        .clone()
        .unwrap();
    assert_eq!(
        (got.category, got.source, got.reason.as_str()),
        (RecusalCategory::Other, RecusalSource::Declared, "本人申请")
    );

    // No column outside the ballot tables refers to a ballot or a token: the officials
    // link a person to the meeting, never to a ballot.
    let cols: Vec<(String, String)> = match s.db.backend() {
        Backend::Sqlite => {
            let tables: Vec<String> = s
                .db
                .fetch_all(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
                    &[],
                )
                .await
                .unwrap()
                .iter()
                .map(|r| r.get::<String>(0).unwrap())
                .collect();
            let mut out = Vec::new();
            for t in tables {
                for r in s
                    .db
                    .fetch_all(&format!("SELECT name FROM pragma_table_info('{t}')"), &[])
                    .await
                    .unwrap()
                {
                    out.push((t.clone(), r.get::<String>(0).unwrap()));
                }
            }
            out
        }
        Backend::Postgres => s
            .db
            .fetch_all(
                "SELECT table_name::TEXT, column_name::TEXT FROM information_schema.columns WHERE table_schema = current_schema()",
                &[],
            )
            .await
            .unwrap()
            .iter()
            .map(|r| (r.get::<String>(0).unwrap(), r.get::<String>(1).unwrap()))
            .collect(),
    };
    let officials: Vec<&String> = cols
        .iter()
        .filter(|(t, _)| t == "selection_officials")
        .map(|(_, c)| c)
        .collect();
    assert!(officials.len() >= 10, "{officials:?}");
    assert!(officials.iter().any(|c| *c == "unit_id"));
    // Every table that refers to a meeting, but the ballot tables themselves: nothing that
    // names a ballot, a token or the marks.
    let with_meeting: Vec<&String> = cols
        .iter()
        .filter(|(t, c)| c == "meeting_id" && t != "ballots" && t != "ballot_tokens")
        .map(|(t, _)| t)
        .collect();
    assert!(with_meeting.iter().any(|t| *t == "selection_officials"));
    for (t, c) in cols.iter().filter(|(t, _)| with_meeting.contains(&t)) {
        let c = c.to_lowercase();
        for word in ["ballot", "token", "marks"] {
            assert!(!c.contains(word), "{t}.{c}");
        }
    }
}
