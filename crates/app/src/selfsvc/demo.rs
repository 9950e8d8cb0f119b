//! The demo's linked account: `luotuo_staff` (骆驼街道工作人员) belongs to a person of
//! 骆驼街道 who holds a post and is on the unit's approved downsizing plan, so the demo's
//! 个人中心 shows a record, posts and workload, a retirement date, a history and a
//! 分流通知书. The account's display name takes the person's name.

use jiguan_domain::audit::{AuditAction, ObjectKind};
use jiguan_domain::people::PersonId;
use jiguan_domain::tenancy::DistrictId;

use crate::{App, AppError, AppResult};

/// The demo account that is linked to a person.
pub const STAFF_ACCOUNT: &str = "luotuo_staff";

/// Links the demo staff account (after the people, posts and downsizing demos).
pub async fn seed(app: &App, district: DistrictId) -> AppResult<()> {
    let unit = crate::demo::unit(app, district, "luotuo").await?;
    let user = app
        .store
        .find_user_by_name(STAFF_ACCOUNT)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut on_plan = Vec::new();
    for plan in app.store.down_plans(district, Some(unit.id)).await? {
        for l in app.store.down_lines(district, unit.id, plan.id).await? {
            on_plan.push(l.person_id);
        }
    }
    let open = app.store.open_assignments(district, Some(unit.id)).await?;
    let Some(&pid) = on_plan
        .iter()
        .find(|p| open.iter().any(|a| a.person_id == **p))
        .or(on_plan.first())
    else {
        return Ok(());
    };
    let person = app
        .store
        .get_person(district, PersonId(pid))
        .await?
        .ok_or(AppError::NotFound)?;
    let display = format!("{}工作人员·{}", unit.name, person.name);
    let audit = app
        .system_audit(district)
        .unit(user.unit_id)
        .did(AuditAction::UserUpdate)
        .on(ObjectKind::User, user.id)
        .after(&serde_json::json!({ "display_name": display }));
    app.store
        .update_user(district, user.id, &display, &user.roles, true, audit)
        .await?;
    let audit = app
        .system_audit(district)
        .unit(user.unit_id)
        .did(AuditAction::UserLinkPerson)
        .on(ObjectKind::User, user.id)
        .after(&serde_json::json!({ "person_id": pid }));
    app.store
        .set_user_person(district, user.id, Some(PersonId(pid)), audit)
        .await?;
    Ok(())
}
