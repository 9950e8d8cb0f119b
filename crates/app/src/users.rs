//! Accounts and roles (用户与角色). District administrators manage every account of their
//! district; unit administrators only the accounts of their own unit, and never grant a
//! district role.

use jiguan_domain::FieldError;
use jiguan_domain::auth::{
    Action, Actor, Level, Role, check_password, parse_roles, parse_username,
};
use jiguan_domain::error::{Errors, required_text};
use jiguan_domain::tenancy::{DistrictId, UnitId, UserId};

use jiguan_domain::audit::{AuditAction, AuditEntry, ObjectKind};

use crate::clock::Clock;
use crate::ports::{
    ListQuery, NewPassword, NewUser, Page, UnitChoice, UserFilter, UserRecord, UserView,
};
use crate::{App, AppError, AppResult};

/// The create-account form, as entered.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct NewUserForm {
    pub username: String,
    pub display_name: String,
    /// Unit id as text; empty for a district-level account.
    #[serde(default)]
    pub unit_id: String,
    #[serde(default)]
    pub roles: Vec<String>,
    pub password: String,
    /// The person the account belongs to (person id as text; empty: none). Only for a
    /// unit-level account, a person of that unit not linked to another account.
    #[serde(default)]
    pub person_id: String,
}

/// The edit-account form.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct EditUserForm {
    pub display_name: String,
    #[serde(default)]
    pub roles: Vec<String>,
    #[serde(default)]
    pub active: bool,
}

/// An account as audited (fields not known are left out).
#[derive(serde::Serialize)]
struct UserAudit<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<UserId>,
    username: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    display_name: Option<&'a str>,
    unit_id: Option<UnitId>,
    roles: &'a [Role],
    #[serde(skip_serializing_if = "Option::is_none")]
    active: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    person_id: Option<jiguan_domain::people::PersonId>,
}

impl<'a> UserAudit<'a> {
    /// The audit entry of a new account: in full for an administrator's change, name,
    /// unit and roles for the command line's.
    fn created(e: AuditEntry, u: &NewUser, full: bool) -> AuditEntry {
        e.unit(u.unit_id)
            .did(AuditAction::UserCreate)
            .after(&UserAudit {
                id: None,
                username: &u.username,
                display_name: full.then_some(u.display_name.as_str()),
                unit_id: u.unit_id,
                roles: &u.roles,
                active: full.then_some(true),
                person_id: u.person_id,
            })
    }
    fn of(u: &'a UserRecord) -> Self {
        UserAudit {
            id: Some(u.id),
            username: &u.username,
            display_name: Some(&u.display_name),
            unit_id: u.unit_id,
            roles: &u.roles,
            active: Some(u.active),
            person_id: u.person_id,
        }
    }
}

impl App {
    /// An audit entry by the command line or the system itself, stamped with the app's
    /// clock.
    pub fn system_audit(&self, district: DistrictId) -> AuditEntry {
        AuditEntry::system(district, self.clock.now())
    }
}

impl App {
    pub async fn list_users(
        &self,
        actor: &Actor,
        mut filter: UserFilter,
        q: &ListQuery,
    ) -> AppResult<Page<UserView>> {
        self.require(actor, Action::UsersView)?;
        filter.limit_to(actor.unit_id);
        Ok(self.store.list_users(actor.district_id, &filter, q).await?)
    }

    /// One account the actor may see, or not found.
    pub async fn get_user(&self, actor: &Actor, id: UserId) -> AppResult<UserRecord> {
        self.require(actor, Action::UsersView)?;
        let u = self
            .store
            .get_user(actor.district_id, id)
            .await?
            .ok_or(AppError::NotFound)?;
        if actor.unit_id.is_some() && u.unit_id != actor.unit_id {
            return Err(AppError::NotFound);
        }
        Ok(u)
    }

    async fn parse_unit_field(
        &self,
        actor: &Actor,
        raw: &str,
    ) -> Result<Option<UnitId>, FieldError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return match actor.unit_id {
                Some(own) => Ok(Some(own)),
                None => Ok(None),
            };
        }
        let id = raw
            .parse::<i64>()
            .map(UnitId)
            .map_err(|_| FieldError::new("unit_id", "choice_invalid"))?;
        let found = self
            .store
            .get_unit(actor.district_id, id)
            .await
            .ok()
            .flatten();
        match found {
            Some(u) if actor.sees_unit(u.district_id, u.id) => Ok(Some(id)),
            _ => Err(FieldError::new("unit_id", "choice_invalid")),
        }
    }

    pub async fn create_user(&self, actor: &Actor, form: &NewUserForm) -> AppResult<UserId> {
        self.require(actor, Action::UsersManage)?;
        let mut errs = Errors::new();
        let username = errs.take(parse_username("username", &form.username));
        let display = errs.take(required_text("display_name", &form.display_name, 40));
        let unit = errs.take(self.parse_unit_field(actor, &form.unit_id).await);
        let level = match unit {
            Some(Some(_)) => Level::Unit,
            _ => Level::District,
        };
        let roles = errs.take(parse_roles("roles", &form.roles, level));
        if let Some(u) = &username {
            errs.take(check_password("password", &form.password, u));
        }
        let person = match unit {
            Some(Some(u)) => errs.take(
                self.parse_person_field(actor, u, &form.person_id, None)
                    .await,
            ),
            _ if form.person_id.trim().is_empty() => Some(None),
            Some(None) => {
                errs.push(FieldError::new("person_id", "person_needs_unit"));
                None
            }
            None => Some(None),
        };
        let (Some(username), Some(display), Some(unit), Some(roles), Some(person)) =
            (username, display, unit, roles, person)
        else {
            return Err(AppError::Invalid(errs.0));
        };
        errs.into_result()?;
        let hash = self.hash_password(&form.password).await?;
        let new = NewUser {
            district_id: actor.district_id,
            unit_id: unit,
            username: username.clone(),
            display_name: display.clone(),
            password_hash: hash,
            must_change_password: true,
            roles: roles.clone(),
            person_id: person,
        };
        let audit = self.audit(actor).on(ObjectKind::User, &username);
        let audit = UserAudit::created(audit, &new, true);
        Ok(self.store.create_user(&new, audit).await?)
    }

    pub async fn update_user(
        &self,
        actor: &Actor,
        id: UserId,
        form: &EditUserForm,
    ) -> AppResult<()> {
        self.require(actor, Action::UsersManage)?;
        let old = self.get_user(actor, id).await?;
        let level = if old.unit_id.is_some() {
            Level::Unit
        } else {
            Level::District
        };
        let mut errs = Errors::new();
        let display = errs.take(required_text("display_name", &form.display_name, 40));
        let roles = errs.take(parse_roles("roles", &form.roles, level));
        if old.id == actor.user_id && !form.active {
            errs.push(FieldError::new("active", "cannot_disable_self"));
        }
        if old.id == actor.user_id
            && roles.as_ref().is_some_and(|r| {
                !r.iter()
                    .any(|r| actor.roles.contains(r) && r.grants(Action::UsersManage))
            })
        {
            errs.push(FieldError::new("roles", "cannot_drop_own_admin"));
        }
        let (Some(display), Some(roles)) = (display, roles) else {
            return Err(AppError::Invalid(errs.0));
        };
        errs.into_result()?;
        let audit = self
            .audit(actor)
            .unit(old.unit_id)
            .did(AuditAction::UserUpdate)
            .on(ObjectKind::User, id)
            .before(&UserAudit::of(&old))
            .after(&UserAudit {
                display_name: Some(&display),
                roles: &roles,
                active: Some(form.active),
                ..UserAudit::of(&old)
            });
        Ok(self
            .store
            .update_user(actor.district_id, id, &display, &roles, form.active, audit)
            .await?)
    }

    /// Sets a temporary password that must be changed at next sign-in, and ends the
    /// account's sessions.
    pub async fn reset_password(&self, actor: &Actor, id: UserId, password: &str) -> AppResult<()> {
        self.require(actor, Action::UsersManage)?;
        let u = self.get_user(actor, id).await?;
        check_password("password", password, &u.username)?;
        let hash = self.hash_password(password).await?;
        let audit = self
            .audit(actor)
            .unit(u.unit_id)
            .did(AuditAction::UserPasswordReset)
            .on(ObjectKind::User, id);
        Ok(self
            .store
            .set_password(id, NewPassword::reset(hash), audit)
            .await?)
    }

    /// Creates an account without a signed-in actor: the command line (`jiguan user
    /// create`) and the demo, which have the database in hand anyway. Audited as `system`.
    #[allow(clippy::too_many_arguments)]
    pub async fn system_create_user(
        &self,
        district: DistrictId,
        unit: Option<UnitId>,
        username: &str,
        display_name: &str,
        roles: &[Role],
        password: &str,
        must_change: bool,
    ) -> AppResult<UserId> {
        let mut errs = Errors::new();
        let username = errs.take(parse_username("username", username));
        let display = errs.take(required_text("display_name", display_name, 40));
        let level = if unit.is_some() {
            Level::Unit
        } else {
            Level::District
        };
        let codes: Vec<String> = roles.iter().map(|r| r.code().to_string()).collect();
        let roles = errs.take(parse_roles("roles", &codes, level));
        if let Some(u) = &username {
            errs.take(check_password("password", password, u));
        }
        if let Some(u) = unit
            && self.store.get_unit(district, u).await?.is_none()
        {
            errs.push(FieldError::new("unit", "not_found"));
        }
        let (Some(username), Some(display), Some(roles)) = (username, display, roles) else {
            return Err(AppError::Invalid(errs.0));
        };
        errs.into_result()?;
        let hash = self.hash_password(password).await?;
        let new = NewUser {
            district_id: district,
            unit_id: unit,
            username: username.clone(),
            display_name: display,
            password_hash: hash,
            must_change_password: must_change,
            roles: roles.clone(),
            person_id: None,
        };
        let audit = self.system_audit(district).on(ObjectKind::User, &username);
        let audit = UserAudit::created(audit, &new, false);
        Ok(self.store.create_user(&new, audit).await?)
    }

    /// Resets a password from the command line; the user must change it at next sign-in.
    pub async fn system_reset_password(&self, username: &str, password: &str) -> AppResult<()> {
        let u = self
            .store
            .find_user_by_name(&username.trim().to_ascii_lowercase())
            .await?
            .ok_or_else(|| AppError::field("username", "not_found"))?;
        check_password("password", password, &u.username)?;
        let hash = self.hash_password(password).await?;
        let audit = self
            .system_audit(u.district_id)
            .unit(u.unit_id)
            .did(AuditAction::UserPasswordReset)
            .on(ObjectKind::User, u.id);
        Ok(self
            .store
            .set_password(u.id, NewPassword::reset(hash), audit)
            .await?)
    }
}

/// An audit entry for a change made by a tool outside the application (tests, benches),
/// stamped by the wall clock. Use cases use [`App::system_audit`] (the app's clock) and the
/// typed builder.
pub fn system_entry(
    district: DistrictId,
    unit: Option<UnitId>,
    action: &str,
    object_type: &str,
    object_id: impl ToString,
    after: Option<serde_json::Value>,
) -> AuditEntry {
    AuditEntry {
        unit_id: unit,
        action: action.into(),
        object_type: object_type.into(),
        object_id: object_id.to_string(),
        after,
        ..AuditEntry::system(district, crate::clock::SystemClock.now())
    }
}
