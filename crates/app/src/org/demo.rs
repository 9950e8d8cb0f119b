//! Demo organisation data, modelled on the seed: 骆驼街道 "before" (1 office, 1 institute,
//! 5 sections, 12 stations and 2 enterprise-managed units: 21 bodies), its function
//! catalogue with the gaps, overreach and misplacement the seed complains of, approved
//! totals, and a draft plan that builds the "after" on centres (21 → 10 bodies). The other
//! five units have a smaller register and an applied plan each; across the district the
//! plans cut 16 bodies, as the seed reports.

use jiguan_domain::auth::{Actor, Role};
use jiguan_domain::org::plan::PlanOp;
use jiguan_domain::org::{BodyId, BodyKind, FunctionId, PlanId};
use jiguan_domain::tenancy::{DistrictId, UnitId};

use super::{BodyForm, CapsForm, FunctionForm, SplitForm};
use crate::demo::system;
use crate::{App, AppError, AppResult};

/// The date the demo register starts.
pub const BEFORE: &str = "2018-01-01";
/// The date the applied demo plans take effect.
pub const AFTER: &str = "2019-07-01";
/// Bodies cut by the demo plans across the district (the seed: 精简了有关机构16个).
pub const CUT: i64 = 16;

use crate::workflow::SimpleStep;
use BodyKind::{
    Centre as C, EnterpriseUnit as E, Institute as I, Office as O, PublicInstitution as P,
};

/// A body: (key, name, kind, establishment, head).
type B = (&'static str, &'static str, BodyKind, i64, &'static str);
/// A function item: (code, title, category, owner keys, decision, reason).
type F = (
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static str,
    &'static str,
);

/// A plan operation over keys.
enum D {
    Create(&'static str, &'static str, BodyKind, i64),
    Merge(&'static [&'static str], &'static str),
    Convert(&'static str),
    Abolish(&'static str),
    Rename(&'static str, &'static str),
    Move(&'static str, Option<&'static str>),
}

struct UnitOrg {
    code: &'static str,
    bodies: &'static [B],
    functions: &'static [F],
    /// (max bodies, chiefs, deputies)
    caps: (i64, i64, i64),
    /// (body key, chiefs, deputies) of the 2018 split.
    split: &'static [(&'static str, i64, i64)],
    plan: &'static str,
    ops: &'static [D],
    /// Applied on [`AFTER`] (else left in draft for the user to walk).
    applied: bool,
}

const LUOTUO_BODIES: &[B] = &[
    ("dzb", "党政办公室", O, 8, "李敏"),
    ("jjk", "经济发展科", O, 5, "王强"),
    ("czk", "村镇建设科", O, 4, ""),
    ("shk", "社会事务科", O, 4, "张伟"),
    ("nck", "农村工作科", O, 3, ""),
    ("zzk", "综治信访科", O, 3, ""),
    ("czs", "财政所", I, 6, "陈芳"),
    ("njz", "农机站", P, 3, ""),
    ("nkz", "农科站", P, 3, ""),
    ("hws", "环卫所", P, 6, ""),
    ("lhs", "绿化所", P, 4, ""),
    ("slz", "水利站", P, 3, ""),
    ("whz", "文化站", P, 3, ""),
    ("gbz", "广播站", P, 2, ""),
    ("xmz", "畜牧兽医站", P, 2, ""),
    ("ldbz", "劳动保障所", P, 3, ""),
    ("jsz", "计生服务站", P, 3, ""),
    ("cjz", "村镇建设管理站", P, 3, ""),
    ("jly", "敬老院", P, 2, ""),
    ("fdc", "房地产开发公司", E, 5, ""),
    ("zls", "自来水厂", E, 8, ""),
];

const LUOTUO_FUNCTIONS: &[F] = &[
    ("F01", "招商引资服务", "economic", &["jjk"], "keep", ""),
    (
        "F02",
        "企业生产计划下达",
        "micro_management",
        &["jjk"],
        "remove",
        "不适应市场经济，予以剔除",
    ),
    (
        "F03",
        "农机推广与安全监管",
        "social_management",
        &["njz"],
        "keep",
        "",
    ),
    (
        "F04",
        "农业技术推广",
        "public_service",
        &["nkz"],
        "strengthen",
        "强化为农服务",
    ),
    (
        "F05",
        "环境卫生保洁",
        "public_service",
        &["hws"],
        "keep",
        "",
    ),
    (
        "F06",
        "园林绿化养护",
        "public_service",
        &["lhs"],
        "keep",
        "",
    ),
    (
        "F07",
        "村镇规划建设管理",
        "social_management",
        &["czk", "cjz"],
        "keep",
        "",
    ),
    (
        "F08",
        "社会救助",
        "public_service",
        &["shk"],
        "strengthen",
        "强化公共服务",
    ),
    (
        "F09",
        "劳动就业与社会保障",
        "public_service",
        &["ldbz"],
        "strengthen",
        "强化公共服务",
    ),
    (
        "F10",
        "计划生育服务",
        "public_service",
        &["jsz"],
        "keep",
        "",
    ),
    (
        "F11",
        "综治维稳与信访",
        "social_management",
        &["zzk"],
        "strengthen",
        "强化社会管理",
    ),
    (
        "F12",
        "财政预算与资金管理",
        "internal",
        &["czs"],
        "keep",
        "",
    ),
    (
        "F13",
        "文化体育活动组织",
        "public_service",
        &["whz"],
        "keep",
        "",
    ),
    (
        "F14",
        "防汛抗旱与水利设施管理",
        "social_management",
        &["slz"],
        "keep",
        "",
    ),
    (
        "F15",
        "安全生产监督管理",
        "social_management",
        &[],
        "strengthen",
        "有事无人干，须补位",
    ),
    (
        "F16",
        "自来水供应经营",
        "economic",
        &["zls"],
        "transfer",
        "转制后由企业经营",
    ),
    (
        "F17",
        "房地产开发经营",
        "economic",
        &["fdc"],
        "remove",
        "政企分开",
    ),
    ("F18", "畜禽防疫", "social_management", &["xmz"], "keep", ""),
    (
        "F19",
        "党建与群团工作",
        "party_affairs",
        &["dzb"],
        "keep",
        "",
    ),
    (
        "F20",
        "机关后勤保障",
        "routine_affairs",
        &["dzb"],
        "weaken",
        "推行购买服务",
    ),
];

/// The centres are given the establishment they are to use, which is what the bodies
/// merged into them hold (社会事务科 4 + 劳动保障所 3 + 计生服务站 3 = 10, …): the
/// establishment stays with those nameplate bodies and the centres use it, so the plan
/// adds none; the two converted enterprises take theirs with them (83 → 70).
const LUOTUO_OPS: &[D] = &[
    D::Create("shzx", "社会事务服务中心", C, 10),
    D::Create("jjzx", "经济发展服务中心", C, 5),
    D::Create("cgzx", "城市管理服务中心", C, 17),
    D::Create("nyzx", "农业农村服务中心", C, 14),
    D::Merge(&["shk", "ldbz", "jsz"], "shzx"),
    D::Merge(&["jjk"], "jjzx"),
    D::Merge(&["czk", "hws", "lhs", "cjz"], "cgzx"),
    D::Merge(&["nck", "njz", "nkz", "slz", "xmz"], "nyzx"),
    D::Convert("fdc"),
    D::Convert("zls"),
    D::Rename("zzk", "综治工作办公室"),
    D::Move("F02", None),
    D::Move("F15", Some("cgzx")),
];

/// A smaller unit: an office, an institute, a centre, four stations, an enterprise.
macro_rules! small_unit {
    ($code:literal, $town:literal, $ops:expr, $plan:literal) => {
        UnitOrg {
            code: $code,
            bodies: &[
                ("dzb", "党政办公室", O, 6, ""),
                ("czs", "财政所", I, 4, ""),
                ("shzx", "社会事务服务中心", C, 8, ""),
                ("njz", "农机站", P, 2, ""),
                ("whz", "文化站", P, 2, ""),
                ("hws", "环卫所", P, 4, ""),
                ("slz", "水利站", P, 2, ""),
                ("zls", $town, E, 6, ""),
            ],
            functions: &[
                ("F01", "社会救助", "public_service", &["shzx"], "keep", ""),
                (
                    "F02",
                    "环境卫生保洁",
                    "public_service",
                    &["hws"],
                    "keep",
                    "",
                ),
                (
                    "F03",
                    "农机安全监管",
                    "social_management",
                    &["njz"],
                    "keep",
                    "",
                ),
            ],
            caps: (8, 6, 8),
            split: &[("dzb", 1, 1), ("czs", 1, 1), ("shzx", 1, 2)],
            plan: $plan,
            ops: $ops,
            applied: true,
        }
    };
}

fn units() -> Vec<UnitOrg> {
    vec![
        UnitOrg {
            code: "luotuo",
            bodies: LUOTUO_BODIES,
            functions: LUOTUO_FUNCTIONS,
            caps: (12, 10, 12),
            split: &[
                ("dzb", 1, 2),
                ("jjk", 1, 1),
                ("czk", 1, 1),
                ("shk", 1, 1),
                ("nck", 1, 0),
                ("zzk", 1, 1),
                ("czs", 1, 1),
            ],
            plan: "骆驼街道机构设置改革方案（推行“中心”管理）",
            ops: LUOTUO_OPS,
            applied: false,
        },
        small_unit!(
            "zhaobaoshan",
            "物业管理公司",
            &[D::Convert("zls")],
            "招宝山街道企业化管理单位转制方案"
        ),
        small_unit!(
            "jiaochuan",
            "自来水厂",
            &[D::Merge(&["hws"], "shzx")],
            "蛟川街道事业站所归并方案"
        ),
        small_unit!(
            "zhuangshi",
            "房地产开发公司",
            &[D::Abolish("slz"), D::Move("F03", Some("shzx"))],
            "庄市街道机构精简方案"
        ),
        small_unit!(
            "jiulonghu",
            "自来水厂",
            &[
                D::Create("nyzx", "农业服务中心", C, 4),
                D::Merge(&["njz", "slz"], "nyzx"),
            ],
            "九龙湖镇农业服务中心组建方案"
        ),
        small_unit!(
            "xiepu",
            "水产养殖场",
            &[D::Merge(&["whz"], "shzx")],
            "澥浦镇文化站归并方案"
        ),
    ]
}

/// Seeds the organisation data of the demo district.
pub async fn seed(app: &App, district: DistrictId) -> AppResult<()> {
    let admin = system(district, None, Role::DistrictAdmin);
    let rules: Vec<String> = jiguan_domain::org::analysis::default_rules()
        .iter()
        .map(|r| format!("{}:{}", r.kind.code(), r.category.code()))
        .collect();
    app.org_set_rules(&admin, &rules).await?;
    for u in units() {
        let unit = crate::demo::unit(app, district, u.code).await?;
        seed_unit(app, &admin, unit.id, &u).await?;
    }
    Ok(())
}

async fn seed_unit(app: &App, admin: &Actor, unit: UnitId, u: &UnitOrg) -> AppResult<()> {
    let ua = system(admin.district_id, Some(unit), Role::UnitAdmin);
    let mut keys: Vec<(&str, BodyId)> = Vec::new();
    for (key, name, kind, est, head) in u.bodies {
        let id = app
            .org_create_body(
                &ua,
                unit,
                &BodyForm {
                    name: (*name).into(),
                    kind: kind.code().into(),
                    establishment: est.to_string(),
                    head: (*head).into(),
                    valid_from: BEFORE.into(),
                    doc_no: "镇海编〔2016〕8号".into(),
                    ..BodyForm::default()
                },
            )
            .await?;
        keys.push((key, id));
    }
    let key = |k: &str, keys: &[(&str, BodyId)]| {
        keys.iter()
            .find(|(x, _)| *x == k)
            .map(|(_, id)| *id)
            .ok_or(AppError::NotFound)
    };
    let mut items: Vec<(&str, FunctionId)> = Vec::new();
    for (code, title, cat, owners, decision, reason) in u.functions {
        let mut os = Vec::new();
        for o in owners.iter() {
            os.push(key(o, &keys)?.to_string());
        }
        let id = app
            .org_create_function(
                &ua,
                unit,
                &FunctionForm {
                    code: (*code).into(),
                    title: (*title).into(),
                    category: (*cat).into(),
                    legal_basis: String::new(),
                    owners: os,
                    decision: (*decision).into(),
                    reason: (*reason).into(),
                    valid_from: BEFORE.into(),
                },
            )
            .await?;
        items.push((code, id));
    }
    let (b, c, d) = u.caps;
    app.org_set_caps(
        admin,
        unit,
        &CapsForm {
            max_bodies: b.to_string(),
            max_chiefs: c.to_string(),
            max_deputies: d.to_string(),
            doc_no: "镇海编〔2018〕2号".into(),
            valid_from: BEFORE.into(),
        },
    )
    .await?;
    let mut lines = Vec::new();
    for (k, c, d) in u.split {
        lines.push((key(k, &keys)?.to_string(), c.to_string(), d.to_string()));
    }
    app.org_save_split(
        &ua,
        unit,
        &SplitForm {
            phase: "2018年度".into(),
            effective: BEFORE.into(),
            lines,
        },
    )
    .await?;
    let plan = app.org_create_plan(&ua, unit, u.plan).await?;
    let mut temp = 0;
    for op in u.ops {
        let op = match op {
            D::Create(k, name, kind, est) => {
                temp -= 1;
                keys.push((k, BodyId(temp)));
                PlanOp::Create {
                    temp: BodyId(temp),
                    name: (*name).into(),
                    short_name: String::new(),
                    kind: *kind,
                    parent: None,
                    establishment: *est,
                }
            }
            D::Merge(src, into) => {
                let mut sources = Vec::new();
                for s in src.iter() {
                    sources.push(key(s, &keys)?);
                }
                PlanOp::Merge {
                    sources,
                    into: key(into, &keys)?,
                }
            }
            D::Convert(k) => PlanOp::Convert {
                body: key(k, &keys)?,
            },
            D::Abolish(k) => PlanOp::Abolish {
                body: key(k, &keys)?,
            },
            D::Rename(k, name) => PlanOp::Rename {
                body: key(k, &keys)?,
                name: (*name).into(),
                short_name: String::new(),
            },
            D::Move(code, to) => PlanOp::MoveFunction {
                item: items
                    .iter()
                    .find(|(c, _)| c == code)
                    .map(|(_, id)| *id)
                    .ok_or(AppError::NotFound)?,
                to: match to {
                    Some(k) => Some(key(k, &keys)?),
                    None => None,
                },
            },
        };
        app.org_push_op(&ua, unit, plan, op).await?;
    }
    if u.applied {
        walk(app, admin, &ua, unit, plan).await?;
    }
    Ok(())
}

/// Submits, approves and applies a demo plan.
async fn walk(app: &App, admin: &Actor, ua: &Actor, unit: UnitId, plan: PlanId) -> AppResult<()> {
    app.org_submit_plan(ua, unit, plan).await?;
    app.step_plan(admin, unit, plan, SimpleStep::Approve("镇海编〔2019〕12号"))
        .await?;
    app.org_apply_plan(admin, unit, plan, AFTER).await?;
    Ok(())
}
