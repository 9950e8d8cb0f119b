//! The platform ports: districts and units, and the audit entries writes were given, are
//! kept; users, sessions, tokens, parameters and calculations are not faked (parameters
//! and calendar years read as none stored, so every parameter has its default).

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use jiguan_domain::audit::{AuditEntry, AuditRecord};
use jiguan_domain::auth::Role;
use jiguan_domain::tenancy::{DistrictId, UnitId, UnitInput, UserId};

use super::{FakeStore, not_in_fake};
use crate::ports::*;

#[async_trait]
impl TenancyStore for FakeStore {
    async fn create_district(
        &self,
        code: &str,
        name: &str,
        _at: chrono::DateTime<chrono::Utc>,
    ) -> StoreResult<DistrictId> {
        self.with_state(|s| s.add_district(code, name))
    }

    async fn list_districts(&self) -> StoreResult<Vec<District>> {
        Err(not_in_fake())
    }

    async fn get_district(&self, id: DistrictId) -> StoreResult<Option<District>> {
        self.with_state(|s| s.platform.districts.iter().find(|d| d.id == id).cloned())
    }

    async fn find_district(&self, code: &str) -> StoreResult<Option<District>> {
        self.with_state(|s| {
            s.platform
                .districts
                .iter()
                .find(|d| d.code == code)
                .cloned()
        })
    }

    async fn create_unit(
        &self,
        district: DistrictId,
        input: &UnitInput,
        audit: AuditEntry,
    ) -> StoreResult<UnitId> {
        self.with_state(|s| {
            let id = s.add_unit(district, &input.code, &input.name);
            if let Some(u) = s.platform.units.iter_mut().find(|u| u.id == id) {
                u.kind = input.kind;
            }
            s.platform.audit.push(audit);
            id
        })
    }

    async fn update_unit(
        &self,
        _district: DistrictId,
        _unit: UnitId,
        _input: &UnitInput,
        _active: bool,
        _audit: AuditEntry,
    ) -> StoreResult<()> {
        Err(not_in_fake())
    }

    async fn get_unit(&self, district: DistrictId, unit: UnitId) -> StoreResult<Option<Unit>> {
        self.with_state(|s| {
            s.platform
                .units
                .iter()
                .find(|u| u.district_id == district && u.id == unit)
                .cloned()
        })
    }

    async fn find_unit(&self, district: DistrictId, code: &str) -> StoreResult<Option<Unit>> {
        self.with_state(|s| {
            s.platform
                .units
                .iter()
                .find(|u| u.district_id == district && u.code == code)
                .cloned()
        })
    }

    async fn list_units(
        &self,
        _district: DistrictId,
        _q: &ListQuery,
    ) -> StoreResult<Page<UnitSummary>> {
        Err(not_in_fake())
    }
}

#[async_trait]
impl UserStore for FakeStore {
    async fn create_user(&self, _user: &NewUser, _audit: AuditEntry) -> StoreResult<UserId> {
        Err(not_in_fake())
    }

    async fn find_user_by_name(&self, _username: &str) -> StoreResult<Option<UserRecord>> {
        Err(not_in_fake())
    }

    async fn get_user_any(&self, _id: UserId) -> StoreResult<Option<UserRecord>> {
        Err(not_in_fake())
    }

    async fn get_user(
        &self,
        _district: DistrictId,
        _id: UserId,
    ) -> StoreResult<Option<UserRecord>> {
        Err(not_in_fake())
    }

    async fn list_users(
        &self,
        _district: DistrictId,
        _filter: &UserFilter,
        _q: &ListQuery,
    ) -> StoreResult<Page<UserView>> {
        Err(not_in_fake())
    }

    #[allow(clippy::too_many_arguments)]
    async fn update_user(
        &self,
        _district: DistrictId,
        _id: UserId,
        _display_name: &str,
        _roles: &[Role],
        _active: bool,
        _audit: AuditEntry,
    ) -> StoreResult<()> {
        Err(not_in_fake())
    }

    async fn set_password(
        &self,
        _id: UserId,
        _pw: NewPassword,
        _audit: AuditEntry,
    ) -> StoreResult<()> {
        Err(not_in_fake())
    }

    async fn set_user_person(
        &self,
        _district: DistrictId,
        _id: UserId,
        _person: Option<jiguan_domain::people::PersonId>,
        _audit: AuditEntry,
    ) -> StoreResult<()> {
        Err(not_in_fake())
    }

    async fn find_user_by_person(
        &self,
        _district: DistrictId,
        _person: jiguan_domain::people::PersonId,
    ) -> StoreResult<Option<UserRecord>> {
        Err(not_in_fake())
    }
}

#[async_trait]
impl SessionStore for FakeStore {
    async fn create_session(&self, _s: &SessionRecord) -> StoreResult<()> {
        Err(not_in_fake())
    }

    async fn get_session(&self, _token_hash: &str) -> StoreResult<Option<SessionRecord>> {
        Err(not_in_fake())
    }

    async fn touch_session(&self, _token_hash: &str, _at: DateTime<Utc>) -> StoreResult<()> {
        Err(not_in_fake())
    }

    async fn delete_session(&self, _token_hash: &str) -> StoreResult<()> {
        Err(not_in_fake())
    }

    async fn purge_sessions(
        &self,
        _idle_before: DateTime<Utc>,
        _created_before: DateTime<Utc>,
    ) -> StoreResult<u64> {
        Err(not_in_fake())
    }

    async fn create_api_token(
        &self,
        _user: UserId,
        _name: &str,
        _hash: &str,
        _audit: AuditEntry,
    ) -> StoreResult<i64> {
        Err(not_in_fake())
    }

    async fn find_api_token(&self, _token_hash: &str) -> StoreResult<Option<ApiToken>> {
        Err(not_in_fake())
    }

    async fn touch_api_token(&self, _id: i64, _at: DateTime<Utc>) -> StoreResult<()> {
        Err(not_in_fake())
    }

    async fn list_api_tokens(&self, _user: UserId) -> StoreResult<Vec<ApiToken>> {
        Err(not_in_fake())
    }

    async fn delete_api_token(
        &self,
        _user: UserId,
        _id: i64,
        _audit: AuditEntry,
    ) -> StoreResult<bool> {
        Err(not_in_fake())
    }
}

#[async_trait]
impl AuditStore for FakeStore {
    async fn append_audit(&self, entry: AuditEntry) -> StoreResult<()> {
        self.with_state(|s| s.platform.audit.push(entry))
    }

    async fn list_audit(
        &self,
        _district: DistrictId,
        _filter: &AuditFilter,
        _q: &ListQuery,
    ) -> StoreResult<Page<AuditRecord>> {
        Err(not_in_fake())
    }

    async fn audit_heads(&self) -> StoreResult<Vec<AuditHead>> {
        Err(not_in_fake())
    }

    async fn append_login(&self, rec: &jiguan_domain::audit::LoginRecord) -> StoreResult<()> {
        self.with_state(|s| s.platform.logins.push(rec.clone()))
    }

    async fn list_logins(
        &self,
        _district: DistrictId,
        _filter: &crate::ports::LoginFilter,
        _q: &ListQuery,
    ) -> StoreResult<Page<jiguan_domain::audit::LoginRecord>> {
        Err(not_in_fake())
    }

    async fn audit_chunk(
        &self,
        _district: DistrictId,
        _after_seq: i64,
        _limit: i64,
    ) -> StoreResult<Vec<AuditRecord>> {
        Err(not_in_fake())
    }

    async fn audit_count(&self) -> StoreResult<i64> {
        Err(not_in_fake())
    }
}

#[async_trait]
impl SettingsStore for FakeStore {
    async fn list_params(
        &self,
        _district: DistrictId,
        _unit: Option<UnitId>,
    ) -> StoreResult<Vec<ParamValue>> {
        // No stored value: every parameter has its default.
        Ok(Vec::new())
    }

    async fn set_param(
        &self,
        _district: DistrictId,
        _unit: Option<UnitId>,
        _key: &str,
        _value: &str,
        _at: DateTime<Utc>,
        _audit: AuditEntry,
    ) -> StoreResult<()> {
        Err(not_in_fake())
    }

    async fn list_dict_items(
        &self,
        _district: DistrictId,
    ) -> StoreResult<Vec<jiguan_domain::dict::StoredItem>> {
        // No stored row: every list is the built-in one.
        Ok(Vec::new())
    }

    async fn save_dict_item(
        &self,
        _district: DistrictId,
        _item: &jiguan_domain::dict::StoredItem,
        _at: DateTime<Utc>,
        _audit: AuditEntry,
    ) -> StoreResult<()> {
        Err(not_in_fake())
    }
}

#[async_trait]
impl CalcStore for FakeStore {
    async fn list_calendar_years(
        &self,
        _district: DistrictId,
    ) -> StoreResult<Vec<CalendarYearRecord>> {
        Ok(Vec::new())
    }

    async fn put_calendar_year(
        &self,
        _rec: &CalendarYearRecord,
        _audit: AuditEntry,
    ) -> StoreResult<()> {
        Err(not_in_fake())
    }

    async fn save_calc(
        &self,
        _rec: &NewCalcRecord,
        _audit: AuditEntry,
    ) -> StoreResult<jiguan_domain::rules::calc::SavedCalcId> {
        Err(not_in_fake())
    }

    async fn get_calc(
        &self,
        _district: DistrictId,
        _id: jiguan_domain::rules::calc::SavedCalcId,
    ) -> StoreResult<Option<CalcRecord>> {
        Err(not_in_fake())
    }

    async fn list_calcs(
        &self,
        _district: DistrictId,
        _filter: &CalcFilter,
        _q: &ListQuery,
    ) -> StoreResult<Page<CalcRecord>> {
        Err(not_in_fake())
    }
}
