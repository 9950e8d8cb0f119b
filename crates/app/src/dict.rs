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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use jiguan_domain::auth::Role;
    use jiguan_domain::dict::{DictKind, ItemForm};

    use crate::AppError;
    use crate::fakes::{actor, fake_app};

    fn codes(e: AppError) -> Vec<(String, String)> {
        match e {
            AppError::Invalid(v) => v.into_iter().map(|e| (e.field, e.code)).collect(),
            other => panic!("not a field error: {other:?}"),
        }
    }

    #[tokio::test]
    async fn only_the_district_admin_edits_and_only_the_managed_lists() {
        let (app, store) = fake_app();
        let (d, u) = store
            .with_state(|s| {
                let d = s.add_district("zhenhai", "镇海区");
                (d, s.add_unit(d, "luotuo", "骆驼街道"))
            })
            .unwrap();
        let form = ItemForm {
            code: "14".into(),
            name: "港澳同胞".into(),
            ..ItemForm::default()
        };
        // Units read the lists, and may not change them.
        let unit_admin = actor(d, Some(u), Role::UnitAdmin);
        assert_eq!(
            app.dictionary(&unit_admin)
                .await
                .unwrap()
                .names(DictKind::Ethnicity)
                .len(),
            56
        );
        assert!(matches!(
            app.add_dict_item(&unit_admin, DictKind::Party, &form).await,
            Err(AppError::Forbidden)
        ));
        assert!(matches!(
            app.dictionary(&actor(d, Some(u), Role::Staff)).await,
            Err(AppError::Forbidden)
        ));
        let admin = actor(d, None, Role::DistrictAdmin);
        assert_eq!(
            codes(
                app.add_dict_item(&admin, DictKind::Identity, &form)
                    .await
                    .unwrap_err()
            ),
            vec![("kind".to_string(), "dict_fixed".to_string())]
        );
        let bad = ItemForm {
            code: "一四".into(),
            name: String::new(),
            ..ItemForm::default()
        };
        assert_eq!(
            codes(
                app.add_dict_item(&admin, DictKind::Party, &bad)
                    .await
                    .unwrap_err()
            ),
            vec![
                ("code".to_string(), "dict_code_invalid".to_string()),
                ("name".to_string(), "required".to_string())
            ]
        );
        assert!(matches!(
            app.change_dict_item(&admin, DictKind::Party, "99", &ItemForm::default())
                .await,
            Err(AppError::NotFound)
        ));
        // Nothing was audited.
        assert!(store.with_state(|s| s.platform.audit.is_empty()).unwrap());
    }
}
