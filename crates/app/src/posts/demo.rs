//! Demo posts (演示岗位) for 骆驼街道 (unit code `luotuo`): posts from the unit's function
//! catalogue for every body, one chief per body, concurrent posts (一人多岗), a total FTE
//! need of exactly 79 (the seed's 100 staff → 79 after cutting 21), and a visible spread
//! of loads with suggestions to make.
//!
//! Who gets what (deterministic, in the people demo's order):
//! - each office/institute gets a chief (中层正职) civil servant, each centre/public
//!   institution a chief institution cadre, each enterprise-managed body a chief contract
//!   worker on an "any" post;
//! - the other civil servants and institution cadres get general posts in bodies of the
//!   matching kind; every fourth of them holds a concurrent post (70 % + 30 %);
//! - leadership-team members (班子成员) hold a general contact post at 40 % of their time;
//!   seconded staff (借用人员) a general post at 50 %;
//! - service workers hold service posts, contract workers and collective staff "any" posts;
//! - temporary workers (临时工) and enterprise hires (企业聘用) get no post: they show in
//!   人人有事做 and are the downsizing module's candidates.

use chrono::NaiveDate;

use jiguan_domain::org::BodyKind;
use jiguan_domain::people::{EstablishmentKind, Identity};
use jiguan_domain::posts::assign::{Assignment, Proposed, check_assignment};
use jiguan_domain::posts::{PostInput, PostKind, PostLevel};
use jiguan_domain::tenancy::{DistrictId, UnitId};

use super::{AssignmentWrite, NewAssignment, state_of};
use crate::people::{PeopleFilter, PersonRecord};
use crate::{App, AppResult};
use jiguan_domain::audit::{AuditAction, ObjectKind};

/// 骆驼街道's FTE need after the seed's cut: 100 − 21.
pub const LUOTUO_NEED_FTE: i64 = 79;
/// The standard annual hours the demo is built on (the parameter's default).
pub const STANDARD_HOURS: i64 = 1984;
/// When the demo assignments start.
pub fn start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 1, 1).unwrap_or_default()
}

const GENERAL: &[&str] = &[
    "综合文字",
    "党建工作",
    "财务管理",
    "城建管理",
    "社会事务",
    "经济发展",
    "综合治理",
    "信访接待",
    "统计调查",
    "农业农村",
    "环境卫生",
    "安全生产",
    "民政救助",
    "档案管理",
    "政务服务",
    "社区指导",
];
/// Load targets of general posts, in hundredths of FTE, cycled.
const GENERAL_FTE: &[i64] = &[100, 90, 85, 95, 80, 75, 105, 65, 90, 70, 110, 88];

struct PlannedPost {
    body: i64,
    title: String,
    level: PostLevel,
    kind: PostKind,
    /// Target load in hundredths of FTE (before scaling to the unit's total).
    fte: i64,
    /// (person index, share %, main).
    holder: (usize, i64, bool),
}

/// Seeds the posts of 骆驼街道; other units get none.
pub async fn seed_posts(app: &App, d: DistrictId, units: &[(&str, UnitId)]) -> AppResult<()> {
    let Some(unit) = units.iter().find(|(c, _)| *c == "luotuo").map(|(_, u)| *u) else {
        return Ok(());
    };
    let today = app.posts_today();
    let s = app.store.load_structure(d, unit, today).await?;
    let people: Vec<PersonRecord> = app
        .store
        .export_people(
            d,
            &PeopleFilter {
                unit_id: Some(unit),
                home_only: true,
                ..PeopleFilter::default()
            },
        )
        .await?;
    let mut bodies: Vec<(i64, BodyKind)> = s.active().map(|b| (b.id.0, b.kind)).collect();
    bodies.sort();
    let admin: Vec<i64> = bodies
        .iter()
        .filter(|(_, k)| matches!(k, BodyKind::Office | BodyKind::Institute))
        .map(|(b, _)| *b)
        .collect();
    let inst: Vec<i64> = bodies
        .iter()
        .filter(|(_, k)| matches!(k, BodyKind::Centre | BodyKind::PublicInstitution))
        .map(|(b, _)| *b)
        .collect();
    let ent: Vec<i64> = bodies
        .iter()
        .filter(|(_, k)| {
            !matches!(
                k,
                BodyKind::Office
                    | BodyKind::Institute
                    | BodyKind::Centre
                    | BodyKind::PublicInstitution
            )
        })
        .map(|(b, _)| *b)
        .collect();
    let pick = |f: &dyn Fn(&PersonRecord) -> bool| -> Vec<usize> {
        people
            .iter()
            .enumerate()
            .filter(|(_, p)| f(p))
            .map(|(i, _)| i)
            .collect()
    };
    let mut cs = pick(&|p| p.identity == Identity::CivilServant && !p.leader);
    let mut ic = pick(&|p| p.identity == Identity::InstitutionCadre && !p.leader);
    let leaders = pick(&|p| p.leader);
    let service = pick(&|p| p.identity == Identity::ServiceWorker);
    let mut contract = pick(&|p| {
        matches!(
            p.identity,
            Identity::ContractWorker | Identity::CollectiveStaff
        )
    });
    let seconded = pick(&|p| p.identity == Identity::Seconded);

    let mut plan: Vec<PlannedPost> = Vec::new();
    let mut concurrent: Vec<PlannedPost> = Vec::new();
    // Chiefs: one per body.
    for (n, b) in admin.iter().enumerate() {
        if cs.is_empty() {
            break;
        }
        let p = cs.remove(0);
        plan.push(chief(*b, "主任", PostKind::Administrative, p, n));
    }
    for (n, b) in inst.iter().enumerate() {
        if ic.is_empty() {
            break;
        }
        let p = ic.remove(0);
        plan.push(chief(*b, "站长（主任）", PostKind::Institution, p, n));
    }
    for (n, b) in ent.iter().enumerate() {
        if contract.is_empty() {
            break;
        }
        let p = contract.remove(0);
        plan.push(chief(*b, "负责人", PostKind::Any, p, n));
    }
    // General posts, round robin over bodies of the matching kind.
    let mut k = 0;
    let mut general = |pool: &[usize],
                       over: &[i64],
                       kind: PostKind,
                       plan: &mut Vec<PlannedPost>,
                       concurrent: &mut Vec<PlannedPost>,
                       with_concurrent: bool| {
        for (n, p) in pool.iter().enumerate() {
            let Some(b) = over.get(n % over.len().max(1)) else {
                return;
            };
            let fte = GENERAL_FTE[k % GENERAL_FTE.len()];
            let title = format!("{}岗", GENERAL[k % GENERAL.len()]);
            k += 1;
            let twice = with_concurrent && n % 4 == 1;
            plan.push(PlannedPost {
                body: *b,
                title,
                level: PostLevel::General,
                kind,
                fte,
                holder: (*p, if twice { 70 } else { 100 }, true),
            });
            if twice {
                concurrent.push(PlannedPost {
                    body: *b,
                    title: format!("{}（兼）", GENERAL[(k + 7) % GENERAL.len()]),
                    level: PostLevel::General,
                    kind,
                    fte: 40,
                    holder: (*p, 30, false),
                });
            }
        }
    };
    general(
        &cs,
        &admin,
        PostKind::Administrative,
        &mut plan,
        &mut concurrent,
        true,
    );
    general(
        &ic,
        &inst,
        PostKind::Institution,
        &mut plan,
        &mut concurrent,
        true,
    );
    let mixed: Vec<i64> = ent.iter().chain(inst.iter()).copied().collect();
    general(
        &contract,
        &mixed,
        PostKind::Any,
        &mut plan,
        &mut concurrent,
        false,
    );
    for (n, p) in service.iter().enumerate() {
        if let Some(b) = admin.get(n % admin.len().max(1)) {
            plan.push(PlannedPost {
                body: *b,
                title: ["后勤保障岗", "驾驶员岗", "文印岗", "安保岗", "食堂岗"][n % 5].into(),
                level: PostLevel::Service,
                kind: PostKind::Service,
                fte: 90,
                holder: (*p, 100, true),
            });
        }
    }
    for (n, p) in leaders.iter().enumerate() {
        let kind = match people[*p].establishment {
            EstablishmentKind::Administrative => PostKind::Administrative,
            EstablishmentKind::Institution => PostKind::Institution,
            _ => PostKind::Any,
        };
        let over = if kind == PostKind::Institution {
            &inst
        } else {
            &admin
        };
        if let Some(b) = over.get(n % over.len().max(1)) {
            plan.push(PlannedPost {
                body: *b,
                title: format!("联系指导岗（{}）", n + 1),
                level: PostLevel::General,
                kind,
                fte: 45,
                holder: (*p, 40, true),
            });
        }
    }
    for (n, p) in seconded.iter().enumerate() {
        if let Some(b) = mixed.get(n % mixed.len().max(1)) {
            plan.push(PlannedPost {
                body: *b,
                title: format!("借用协助岗（{}）", n + 1),
                level: PostLevel::General,
                kind: PostKind::Any,
                fte: 45,
                holder: (*p, 50, true),
            });
        }
    }
    plan.extend(concurrent);

    // Hours: targets scaled so that the unit's total is exactly 79 FTE.
    let total_target: i64 = plan.iter().map(|p| p.fte).sum::<i64>().max(1);
    let want = LUOTUO_NEED_FTE * STANDARD_HOURS;
    let mut hours: Vec<i64> = plan.iter().map(|p| p.fte * want / total_target).collect();
    let diff = want - hours.iter().sum::<i64>();
    if let Some(h) = hours.first_mut() {
        *h += diff;
    }

    // Function items: those the body owns, else any item the unit performs.
    let performed: Vec<&jiguan_domain::org::FunctionItem> =
        s.functions.iter().filter(|f| f.performed()).collect();
    let Some(fallback) = performed.first().map(|f| f.id.0) else {
        return Ok(());
    };
    let mut ids = Vec::new();
    let mut used_titles: Vec<(i64, String)> = Vec::new();
    for (i, (p, h)) in plan.iter().zip(&hours).enumerate() {
        let own: Vec<i64> = performed
            .iter()
            .filter(|f| f.owners.iter().any(|o| o.0 == p.body))
            .map(|f| f.id.0)
            .collect();
        let functions = match own.as_slice() {
            [] => vec![(fallback, *h)],
            [one] => vec![(*one, *h)],
            many => {
                let a = many[i % many.len()];
                let b = many[(i + 1) % many.len()];
                let first = *h * 6 / 10;
                vec![(a, first), (b, *h - first)]
            }
        };
        let mut title = p.title.clone();
        let mut n = 2;
        while used_titles.iter().any(|(b, t)| *b == p.body && *t == title) {
            title = format!("{}{n}", p.title);
            n += 1;
        }
        used_titles.push((p.body, title.clone()));
        let input = PostInput {
            body_id: p.body,
            title,
            level: p.level,
            establishment: p.kind,
            min_education: None,
            min_service_years: 0,
            other_requirements: String::new(),
            functions,
        };
        let audit = app
            .system_audit(d)
            .unit(unit)
            .did(AuditAction::PostCreate)
            .on(ObjectKind::Post, "")
            .after(&input);
        ids.push(
            app.store
                .create_post(d, unit, &input, audit.at, audit)
                .await?,
        );
    }

    // Assignments, each checked against the rules as they are added.
    let posts = app.store.list_posts(d, unit).await?;
    let mut state = state_of(unit, &posts, &people, &[], start());
    let mut create = Vec::new();
    for (p, id) in plan.iter().zip(&ids) {
        let (who, share, main) = p.holder;
        let Some(person) = people.get(who) else {
            continue;
        };
        let proposed = Proposed {
            post_id: id.0,
            person_id: person.id,
            share_pct: share,
            main,
            overtime: false,
        };
        if !check_assignment(&state, &proposed).is_empty() {
            continue;
        }
        state.assignments.push(Assignment {
            id: -(create.len() as i64) - 1,
            post_id: id.0,
            person_id: person.id,
            share_pct: share,
            main,
            overtime: false,
        });
        create.push(NewAssignment {
            post_id: *id,
            person_id: person.id,
            share_pct: share,
            main,
            overtime: false,
        });
    }
    let audit = app
        .system_audit(d)
        .unit(unit)
        .did(AuditAction::PostAssign)
        .on(ObjectKind::Unit, unit)
        .after(&serde_json::json!({"demo": true, "assignments": create.len()}));
    app.store
        .write_assignments(
            d,
            unit,
            &AssignmentWrite {
                end: Vec::new(),
                create,
                on: Some(start()),
                reason: String::new(),
                by: "system".into(),
                at: app.clock.now(),
            },
            vec![audit],
        )
        .await?;
    Ok(())
}

fn chief(body: i64, title: &str, kind: PostKind, person: usize, n: usize) -> PlannedPost {
    PlannedPost {
        body,
        title: title.into(),
        level: PostLevel::Chief,
        kind,
        // Alternately heavy (overloaded) and normal chiefs.
        fte: if n.is_multiple_of(2) { 132 } else { 110 },
        holder: (person, 100, true),
    }
}
