//! The demo district, modelled on the seed document: 镇海区 with 2 towns and 4
//! subdistricts, 骆驼街道 among them, and one account per role. Names are synthetic and
//! the data is deterministic. Each module adds its own demo data in its own function,
//! called from [`seed`].

use jiguan_domain::auth::{Actor, Role};
use jiguan_domain::tenancy::{DistrictId, UnitId, UnitInput, UnitKind, UserId};

use crate::ports::Unit;
use crate::{App, AppError, AppResult};
use jiguan_domain::audit::{AuditAction, ObjectKind};

/// The actor the demo seeding acts as: `role` in the district, or in `unit`.
pub fn system(district: DistrictId, unit: Option<UnitId>, role: Role) -> Actor {
    Actor {
        user_id: UserId(0),
        username: "system".into(),
        display_name: "demo".into(),
        district_id: district,
        unit_id: unit,
        roles: vec![role],
    }
}

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "demo12345";

/// The demo district's units: (code, name, kind).
pub const UNITS: [(&str, &str, UnitKind); 6] = [
    ("zhaobaoshan", "招宝山街道", UnitKind::Subdistrict),
    ("jiaochuan", "蛟川街道", UnitKind::Subdistrict),
    ("luotuo", "骆驼街道", UnitKind::Subdistrict),
    ("zhuangshi", "庄市街道", UnitKind::Subdistrict),
    ("jiulonghu", "九龙湖镇", UnitKind::Town),
    ("xiepu", "澥浦镇", UnitKind::Town),
];

/// The demo accounts: (user name, display name, unit code or "" for district, role).
pub const ACCOUNTS: [(&str, &str, &str, Role); 8] = [
    ("admin", "区委组织部·王建国", "", Role::DistrictAdmin),
    ("auditor", "区审计·陈静", "", Role::Auditor),
    (
        "luotuo_admin",
        "骆驼街道组织人事办·李敏",
        "luotuo",
        Role::UnitAdmin,
    ),
    (
        "luotuo_head",
        "骆驼街道社会事务服务中心主任·张伟",
        "luotuo",
        Role::BodyHead,
    ),
    (
        "luotuo_committee",
        "骆驼街道党工委委员·刘洋",
        "luotuo",
        Role::CommitteeMember,
    ),
    (
        "luotuo_staff",
        "骆驼街道工作人员·赵丽",
        "luotuo",
        Role::Staff,
    ),
    (
        "luotuo_auditor",
        "骆驼街道纪工委·孙强",
        "luotuo",
        Role::Auditor,
    ),
    (
        "jiulonghu_admin",
        "九龙湖镇组织人事办·周芳",
        "jiulonghu",
        Role::UnitAdmin,
    ),
];

/// Whether the database already holds data (the demo is then left alone).
/// A demo unit by its code (`luotuo` …); `NotFound` before the units are seeded.
pub(crate) async fn unit(app: &App, district: DistrictId, code: &str) -> AppResult<Unit> {
    app.store
        .find_unit(district, code)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn has_data(app: &App) -> AppResult<bool> {
    Ok(!app.store.list_districts().await?.is_empty())
}

/// Seeds the demo district; `progress` is told each step done out of the total.
pub async fn seed(app: &App, mut progress: impl FnMut(u64, u64)) -> AppResult<DistrictId> {
    let total = (UNITS.len() + ACCOUNTS.len() + 1) as u64;
    let mut done = 0;
    let district = app
        .store
        .create_district("zhenhai", "镇海区", app.clock.now())
        .await?;
    done += 1;
    progress(done, total);
    let mut unit_ids: Vec<(&str, UnitId)> = Vec::new();
    for (code, name, kind) in UNITS {
        let input = UnitInput {
            code: code.into(),
            name: name.into(),
            kind,
        };
        let audit = app
            .system_audit(district)
            .did(AuditAction::UnitCreate)
            .on(ObjectKind::Unit, code)
            .after(&input);
        let id = app.store.create_unit(district, &input, audit).await?;
        unit_ids.push((code, id));
        done += 1;
        progress(done, total);
    }
    for (username, display, unit_code, role) in ACCOUNTS {
        let unit = if unit_code.is_empty() {
            None
        } else {
            Some(
                unit_ids
                    .iter()
                    .find(|(c, _)| *c == unit_code)
                    .map(|(_, id)| *id)
                    .ok_or(AppError::NotFound)?,
            )
        };
        app.system_create_user(
            district,
            unit,
            username,
            display,
            &[role],
            DEMO_PASSWORD,
            false,
        )
        .await?;
        done += 1;
        progress(done, total);
    }
    crate::org::demo::seed(app, district).await?;
    crate::people::demo::seed_people(app, district, &unit_ids).await?;
    crate::posts::demo::seed_posts(app, district, &unit_ids).await?;
    crate::downsizing::demo::seed(app, district).await?;
    crate::selfsvc::demo::seed(app, district).await?;
    crate::selection::demo::seed(app, district).await?;
    // The appraisal before pay: 骆驼街道's 2019 pay run takes its grades from the appraisal.
    crate::appraisal::demo::seed(app, district).await?;
    crate::pay::demo::seed(app, district).await?;
    crate::twoway::demo::seed(app, district).await?;
    Ok(district)
}
