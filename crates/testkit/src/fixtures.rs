//! Fixtures shared by the test suites (web, store, cli, browser, benchmarks): valid ID
//! numbers, a district with its units, an application over a store, the demo seed.

use std::sync::Arc;

use jiguan_app::ports::{StoreResult, TenancyStore};
use jiguan_app::users::system_entry;
use jiguan_app::{App, AppConfig, AppResult, SystemClock};
use jiguan_domain::rules::id_number::check_char;
use jiguan_domain::tenancy::{DistrictId, UnitId, UnitInput, UnitKind};
use jiguan_store::SqlStore;

/// A valid ID number (GB 11643) of 镇海区 (area 330211) born on `birth` (`YYYYMMDD`) with
/// sequence `seq` (0–999; odd for men, even for women). The check character is the
/// domain's. A `birth` that is not eight digits gives a number without its check character,
/// which every parser refuses.
pub fn id_number(birth: &str, seq: u32) -> String {
    let body = format!("330211{birth}{seq:03}");
    match check_char(&body) {
        Some(c) => format!("{body}{c}"),
        None => body,
    }
}

/// Creates a district and its units (code, name, kind), each unit with its audit row as
/// the command line writes it; returns the district and the units in order.
pub async fn district<S: TenancyStore + ?Sized>(
    store: &S,
    code: &str,
    name: &str,
    units: &[(&str, &str, UnitKind)],
) -> StoreResult<(DistrictId, Vec<UnitId>)> {
    let d = store
        .create_district(code, name, chrono::Utc::now())
        .await?;
    let mut ids = Vec::new();
    for (code, name, kind) in units {
        let input = UnitInput {
            code: (*code).into(),
            name: (*name).into(),
            kind: *kind,
        };
        let audit = system_entry(d, None, "unit.create", "unit", code, None);
        ids.push(store.create_unit(d, &input, audit).await?);
    }
    Ok((d, ids))
}

/// The application over `store` with cheap password hashing and the system clock.
pub fn app(store: SqlStore) -> App {
    App::new(
        Arc::new(store),
        AppConfig::for_tests(),
        Arc::new(SystemClock),
    )
}

/// The application over `store` with the demo data seeded (`jiguan demo`); returns the
/// demo district (镇海区).
pub async fn demo(store: SqlStore) -> AppResult<(App, DistrictId)> {
    let app = app(store);
    let d = jiguan_app::demo::seed(&app, |_, _| {}).await?;
    Ok((app, d))
}

/// A function item `F1` titled `title`, a public service owned by `body` and kept, in
/// force from 2018-01-01: what a post needs to draw hours from.
pub fn kept_function(body: impl std::fmt::Display, title: &str) -> jiguan_app::org::FunctionForm {
    jiguan_app::org::FunctionForm {
        code: "F1".into(),
        title: title.into(),
        category: "public_service".into(),
        owners: vec![body.to_string()],
        decision: "keep".into(),
        valid_from: "2018-01-01".into(),
        ..Default::default()
    }
}

/// A new, empty PostgreSQL database named `{prefix}_{random}` on the server `admin` points
/// at (its user may create databases): the new database's URL and its name.
pub async fn pg_database(admin: &str, prefix: &str) -> StoreResult<(String, String)> {
    let name = format!("{prefix}_{}", rand::random::<u64>());
    let db = jiguan_store::Db::connect(admin).await?;
    db.execute(&format!("CREATE DATABASE {name}"), &[]).await?;
    db.close().await;
    let base = admin.rsplit_once('/').map_or(admin, |(b, _)| b);
    Ok((format!("{base}/{name}"), name))
}

/// Drops a database [`pg_database`] made (a benchmark's cleanup: errors are ignored).
pub async fn drop_pg_database(admin: &str, name: &str) {
    if let Ok(db) = jiguan_store::Db::connect(admin).await {
        let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        let _ = db.execute(&sql, &[]).await;
        db.close().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_numbers_are_valid() {
        let n = id_number("19850312", 1);
        assert_eq!(n.len(), 18);
        assert!(
            jiguan_domain::rules::id_number::IdNumber::parse(&n, None).is_ok(),
            "{n}"
        );
        assert_eq!(id_number("1985", 1).len(), 13);
    }
}

/// A scored competitive-selection campaign in the making (竞争上岗): what
/// [`selection_campaign`] built.
#[derive(Debug, Clone)]
pub struct SelectionScenario {
    pub campaign: jiguan_domain::selection::CampaignId,
    /// The two offered posts' bodies: 党政综合办公室 (post A) and 经济发展办公室 (post B),
    /// one deputy seat each.
    pub bodies: (i64, i64),
    /// The confirmed applications by name: 甲乙丙丁戊 on post A, 己庚 on post B.
    pub apps: Vec<(String, jiguan_domain::selection::ApplicationId)>,
    /// The person ids, in the same order.
    pub people: Vec<i64>,
}

impl SelectionScenario {
    /// The application of a candidate by name (an unknown name is a bug of the test).
    #[allow(clippy::panic)]
    pub fn app(&self, name: &str) -> jiguan_domain::selection::ApplicationId {
        self.apps
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, a)| *a)
            .unwrap_or_else(|| panic!("no application of {name}"))
    }
}

fn sys(
    d: DistrictId,
    unit: Option<UnitId>,
    role: jiguan_domain::auth::Role,
) -> jiguan_domain::auth::Actor {
    jiguan_domain::auth::Actor {
        user_id: jiguan_domain::tenancy::UserId(0),
        username: "system".into(),
        display_name: String::new(),
        district_id: d,
        unit_id: unit,
        roles: vec![role],
    }
}

/// The middle posts a selection campaign of `unit` offers from: two new offices,
/// 党政综合办公室 and 经济发展办公室; the district allows 5 bodies, 2 chiefs and 3 deputies;
/// the split (2018年度) gives each office 1 chief and `deputies[i]` deputies; quotas of 30
/// administrative and 30 institution places. Returns the two body ids.
pub async fn selection_bodies(
    app: &App,
    d: DistrictId,
    unit: UnitId,
    deputies: [&str; 2],
) -> AppResult<[i64; 2]> {
    use jiguan_app::org::{BodyForm, CapsForm, SplitForm};
    use jiguan_domain::auth::Role;
    let ua = sys(d, Some(unit), Role::UnitAdmin);
    let da = sys(d, None, Role::DistrictAdmin);
    let mut bodies = [0; 2];
    for (slot, name) in bodies.iter_mut().zip(["党政综合办公室", "经济发展办公室"]) {
        *slot = app
            .org_create_body(
                &ua,
                unit,
                &BodyForm {
                    name: name.into(),
                    kind: "office".into(),
                    establishment: "10".into(),
                    valid_from: "2018-01-01".into(),
                    ..BodyForm::default()
                },
            )
            .await?
            .0;
    }
    app.org_set_caps(
        &da,
        unit,
        &CapsForm {
            max_bodies: "5".into(),
            max_chiefs: "2".into(),
            max_deputies: "3".into(),
            doc_no: "镇海编〔2018〕2号".into(),
            valid_from: "2018-01-01".into(),
        },
    )
    .await?;
    let split = SplitForm {
        phase: "2018年度".into(),
        effective: "2018-01-01".into(),
        lines: vec![
            (bodies[0].to_string(), "1".into(), deputies[0].into()),
            (bodies[1].to_string(), "1".into(), deputies[1].into()),
        ],
    };
    app.org_save_split(&ua, unit, &split).await?;
    app.set_quotas(
        &da,
        unit,
        &[
            ("q_administrative".to_string(), "30".to_string()),
            ("q_institution".to_string(), "30".to_string()),
        ],
    )
    .await?;
    Ok(bodies)
}

/// A published campaign of `unit` (plan 笔试 30 / 面试 40 / 民主测评 30, the defaults) offering
/// one deputy seat in each of two new offices, with seven confirmed candidates: 甲乙丙丁戊 on
/// post A, 己庚 on post B (`seq0` offsets their ID numbers so two calls do not collide).
pub async fn selection_campaign(
    app: &App,
    d: DistrictId,
    unit: UnitId,
    seq0: u32,
) -> AppResult<SelectionScenario> {
    use jiguan_app::selection::campaign::{CampaignForm, PostLine};
    use jiguan_app::selection::registration::{RegisterForm, ReviewForm};
    use jiguan_app::workflow::SimpleStep;
    use jiguan_domain::auth::Role;
    let ua = sys(d, Some(unit), Role::UnitAdmin);
    let da = sys(d, None, Role::DistrictAdmin);
    let bodies = selection_bodies(app, d, unit, ["1", "1"]).await?;
    let deadline = app.camp_default_deadline();
    let posts = bodies.map(|b| PostLine {
        body_id: b.to_string(),
        level: "deputy".into(),
        seats: "1".into(),
    });
    let form = CampaignForm {
        title: format!("中层干部竞争上岗（评分{seq0}）"),
        registration_deadline: deadline.to_string(),
        posts: posts.to_vec(),
        ..CampaignForm::default()
    };
    let id = app.camp_create(&ua, unit, &form).await?;
    app.camp_submit(&ua, unit, id).await?;
    app.step_plan(&da, unit, id, SimpleStep::Approve("镇海组〔2026〕9号"))
        .await?;
    app.camp_publish(&ua, unit, id).await?;
    use chrono::Datelike;
    let y = deadline.year();
    let appraisals = format!("{}:称职,{}:称职,{}:称职", y - 3, y - 2, y - 1);
    let mut apps = Vec::new();
    let mut people = Vec::new();
    for (i, name) in ["甲", "乙", "丙", "丁", "戊", "己", "庚"]
        .iter()
        .enumerate()
    {
        let seq = seq0 + u32::try_from(i).unwrap_or(0);
        let birth = format!("{}0501", y - 30);
        let p = app
            .create_person(
                &ua,
                unit,
                &jiguan_domain::people::PersonForm {
                    name: (*name).into(),
                    gender: "男".into(),
                    id_number: id_number(&birth, seq * 2 + 1),
                    education: "大学本科".into(),
                    work_start: "2012-07-01".into(),
                    identity: "公务员".into(),
                    establishment: "行政编制".into(),
                    ..Default::default()
                },
                &Default::default(),
            )
            .await?
            .0;
        let body = if i < 5 { bodies[0] } else { bodies[1] };
        let a = app
            .camp_recommend(
                &ua,
                unit,
                id,
                &RegisterForm {
                    choices: vec![format!("{body}:deputy")],
                    person_id: p.to_string(),
                    ..RegisterForm::default()
                },
            )
            .await?;
        app.camp_review(
            &ua,
            unit,
            id,
            a,
            &ReviewForm {
                decision: "confirm".into(),
                basic_conditions_attested: "on".into(),
                appraisals: appraisals.clone(),
                ..ReviewForm::default()
            },
        )
        .await?;
        apps.push(((*name).to_string(), a));
        people.push(p);
    }
    Ok(SelectionScenario {
        campaign: id,
        bodies: (bodies[0], bodies[1]),
        apps,
        people,
    })
}

/// The first `n` people of the officials page's unit who did not apply to the campaign
/// (`review`), as the officials tests and screenshots choose them.
pub fn non_applicants(
    officials: &jiguan_app::selection::officials::OfficialsView,
    review: &jiguan_app::selection::registration::ReviewView,
    n: usize,
) -> Vec<i64> {
    let applicants: Vec<i64> = review
        .applications
        .iter()
        .map(|x| x.application.person_id)
        .collect();
    officials
        .people
        .iter()
        .map(|p| p.0)
        .filter(|p| !applicants.contains(p))
        .take(n)
        .collect()
}
