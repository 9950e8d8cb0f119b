//! Managed lists (数据字典): every account that sees the settings reads its district's lists;
//! the district administrator adds items, reorders and disables them (`SettingsManage`).
//! See `jiguan_domain::dict`.

use serde::Serialize;

use jiguan_domain::FieldError;
use jiguan_domain::audit::{AuditAction, ObjectKind};
use jiguan_domain::auth::{Action, Actor};
use jiguan_domain::dict::{Dict, DictItem, DictKind, ItemForm, StoredItem};
use jiguan_domain::tenancy::DistrictId;

use crate::ports::{Conflict, StoreError, UniqueKey};
use crate::{App, AppError, AppResult};

/// An item as audited.
#[derive(Serialize)]
struct Audited<'a> {
    kind: &'static str,
    code: &'a str,
    name: &'a str,
    sort: i64,
    enabled: bool,
}

impl<'a> Audited<'a> {
    fn of(kind: DictKind, code: &'a str, name: &'a str, sort: i64, enabled: bool) -> Self {
        Audited {
            kind: kind.code(),
            code,
            name,
            sort,
            enabled,
        }
    }
}

impl App {
    /// A district's lists (no permission check: the person forms and the import use them).
    pub async fn dict_of(&self, district: DistrictId) -> AppResult<Dict> {
        Ok(Dict::from_stored(
            &self.store.list_dict_items(district).await?,
        ))
    }

    /// The lists for the dictionary page (`SettingsView`).
    pub async fn dictionary(&self, actor: &Actor) -> AppResult<Dict> {
        self.require(actor, Action::SettingsView)?;
        self.dict_of(actor.district_id).await
    }

    /// Adds an item to a managed list (`SettingsManage`).
    pub async fn add_dict_item(
        &self,
        actor: &Actor,
        kind: DictKind,
        form: &ItemForm,
    ) -> AppResult<DictItem> {
        self.require(actor, Action::SettingsManage)?;
        if kind.fixed() {
            return Err(AppError::field("kind", "dict_fixed"));
        }
        let dict = self.dict_of(actor.district_id).await?;
        let item = form
            .parse_new(kind, dict.items(kind))
            .map_err(AppError::Invalid)?;
        self.save_item(actor, &item, None).await?;
        Ok(DictItem {
            code: item.code,
            name: item.name,
            sort: item.sort,
            enabled: item.enabled,
            builtin: false,
        })
    }

    /// Changes an item's order and whether it is enabled (`SettingsManage`).
    pub async fn change_dict_item(
        &self,
        actor: &Actor,
        kind: DictKind,
        code: &str,
        form: &ItemForm,
    ) -> AppResult<()> {
        self.require(actor, Action::SettingsManage)?;
        if kind.fixed() {
            return Err(AppError::field("kind", "dict_fixed"));
        }
        let dict = self.dict_of(actor.district_id).await?;
        let old = dict
            .items(kind)
            .iter()
            .find(|i| i.code == code)
            .ok_or(AppError::NotFound)?;
        let item = form.parse_change(kind, old).map_err(AppError::Invalid)?;
        if item.sort == old.sort && item.enabled == old.enabled {
            return Ok(());
        }
        let before = Audited::of(kind, &old.code, &old.name, old.sort, old.enabled);
        self.save_item(actor, &item, Some(before)).await
    }

    async fn save_item(
        &self,
        actor: &Actor,
        item: &StoredItem,
        before: Option<Audited<'_>>,
    ) -> AppResult<()> {
        let audit = self
            .audit(actor)
            .did(AuditAction::DictItemSave)
            .on(
                ObjectKind::DictItem,
                format!("{}:{}", item.kind.code(), item.code),
            )
            .before(&before)
            .after(&Audited::of(
                item.kind,
                &item.code,
                &item.name,
                item.sort,
                item.enabled,
            ));
        self.store
            .save_dict_item(actor.district_id, item, self.clock.now(), audit)
            .await
            .map_err(|e| match e {
                StoreError::Conflict(Conflict::Unique(UniqueKey::Name)) => AppError::Invalid(vec![
                    FieldError::new("name", "dict_name_taken").with("name", &item.name),
                ]),
                StoreError::Conflict(Conflict::Unique(_)) => AppError::Invalid(vec![
                    FieldError::new("code", "dict_code_taken").with("code", &item.code),
                ]),
                other => other.into(),
            })
    }
}
