//! Declared relations between people (亲属关系, RULES-SELECTION-APPRAISAL §1.9.1): recorded
//! on the person page by the HR office of the person's home unit (`PeopleManage`), shown on
//! both people's pages, read by the competitive selection for eligibility rule (m) (任职回避,
//! §1.9.2) and for recusal against kinship (§1.9.3 (b)).
//!
//! - The relative is any person of the same district (a relation never points to another
//!   district's person: `relative_id`/`choice_invalid`); the pair is recorded once, in either
//!   order (`relative_id`/`relation_exists`); not the person themself
//!   (`relative_id`/`relation_self`); the relation from the closed list
//!   ([`RelationKind`], `relation`/`required`|`choice_invalid`).
//! - Either person's home-unit HR office may remove it. Both writes are audited on the
//!   person (`person.relation.add`, `person.relation.remove`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use jiguan_domain::FieldError;
use jiguan_domain::audit::{AuditAction, ObjectKind};
use jiguan_domain::auth::Actor;
use jiguan_domain::people::PersonId;
use jiguan_domain::people::relation::{RelationKind, parse_relation};
use jiguan_domain::tenancy::{DistrictId, UnitId};

use crate::ports::{Conflict, StoreError};
use crate::{App, AppError, AppResult};

/// A relation as stored: `relative` is `relation` to `person`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RelationRecord {
    pub id: i64,
    /// The unit whose HR office recorded it.
    pub unit_id: UnitId,
    pub person_id: PersonId,
    pub person_name: String,
    pub relative_id: PersonId,
    pub relative_name: String,
    pub relation: RelationKind,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

impl RelationRecord {
    /// The other person of the relation seen from `me`, if `me` is one of the two.
    pub fn other(&self, me: PersonId) -> Option<PersonId> {
        if self.person_id == me {
            Some(self.relative_id)
        } else if self.relative_id == me {
            Some(self.person_id)
        } else {
            None
        }
    }
}

/// A relation to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelationWrite {
    pub unit_id: UnitId,
    pub person_id: PersonId,
    pub relative_id: PersonId,
    pub relation: RelationKind,
    pub by: String,
    pub at: DateTime<Utc>,
}

/// The relation form (person page, API).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct RelationForm {
    /// The relative: a person id, or the relative's resident ID number (身份证号); a person
    /// of the same district.
    pub relative_id: String,
    /// What the relative is to the person: a code of the closed list (`spouse`, `parent`,
    /// `sibling` …) or its Chinese name (配偶, 父母, 兄弟姐妹 …).
    pub relation: String,
}

/// A relation as shown on one person's page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RelationView {
    pub id: i64,
    /// The other person.
    pub other_id: i64,
    pub other_name: String,
    /// The code of the recorded relation (what the relative is to the person who recorded).
    pub relation: String,
    /// The §1.9.1 category: `spouse`, `lineal`, `collateral`, `in_law`.
    pub category: String,
    /// True: the other person is this person's `relation`; false: this person is the other
    /// person's `relation` (recorded from the other side).
    pub recorded_here: bool,
    pub created_by: String,
}

impl RelationView {
    fn of(r: &RelationRecord, me: PersonId) -> Self {
        let here = r.person_id == me;
        let (other_id, other_name) = if here {
            (r.relative_id, r.relative_name.clone())
        } else {
            (r.person_id, r.person_name.clone())
        };
        RelationView {
            id: r.id,
            other_id: other_id.0,
            other_name,
            relation: r.relation.code().into(),
            category: r.relation.kinship().code().into(),
            recorded_here: here,
            created_by: r.created_by.clone(),
        }
    }
}

impl App {
    /// The relations of a person the actor may see (PeopleView at the unit), both sides.
    pub async fn person_relations(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: PersonId,
    ) -> AppResult<Vec<RelationView>> {
        self.require_unit(actor, jiguan_domain::auth::Action::PeopleView, unit)
            .await?;
        self.person_in(actor, unit, id).await?;
        Ok(self
            .store
            .relations_of(actor.district_id, id)
            .await?
            .iter()
            .map(|r| RelationView::of(r, id))
            .collect())
    }

    /// Records a relation of a person of the actor's unit (PeopleManage at the home unit).
    pub async fn add_person_relation(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: PersonId,
        f: &RelationForm,
    ) -> AppResult<i64> {
        let p = self.person_home(actor, unit, id).await?;
        let d = actor.district_id;
        let rid = match f.relative_id.trim() {
            "" => Err(FieldError::new("relative_id", "required")),
            // A resident ID number (from the relative's declaration) or a person id.
            s if s.len() >= 15 => self
                .store
                .people_by_id_numbers(d, &[s.to_uppercase()])
                .await?
                .first()
                .map(|o| PersonId(o.id))
                .ok_or_else(|| FieldError::new("relative_id", "choice_invalid")),
            s => s
                .parse::<i64>()
                .map(PersonId)
                .map_err(|_| FieldError::new("relative_id", "choice_invalid")),
        };
        // PersonId(0) is nobody: only the relation is checked when the id is bad.
        let kind = parse_relation(id, rid.clone().unwrap_or(PersonId(0)), &f.relation);
        let (rid, kind) = match (rid, kind) {
            (Ok(r), Ok(k)) => (r, k),
            (r, k) => {
                let mut errs: Vec<FieldError> = r.err().into_iter().collect();
                errs.extend(k.err().unwrap_or_default());
                return Err(AppError::Invalid(errs));
            }
        };
        let other = match self.store.get_person(d, rid).await? {
            Some(o) if o.district_id == d => o,
            _ => return Err(AppError::field("relative_id", "choice_invalid")),
        };
        let audit = self
            .audit(actor)
            .unit(unit)
            .did(AuditAction::PersonRelationAdd)
            .on(ObjectKind::Person, p.id)
            .after(&serde_json::json!({
                "relative_id": other.id,
                "relative": other.name,
                "relation": kind.code(),
                "category": kind.kinship().code(),
            }));
        let w = RelationWrite {
            unit_id: unit,
            person_id: id,
            relative_id: rid,
            relation: kind,
            by: actor.username.clone(),
            at: self.clock.now(),
        };
        self.store
            .add_relation(d, &w, audit)
            .await
            .map_err(|e| match e {
                StoreError::Conflict(Conflict::Unique(_)) => {
                    AppError::field("relative_id", "relation_exists")
                }
                e => e.into(),
            })
    }

    /// Removes a relation of a person of the actor's unit (PeopleManage at the home unit of
    /// either person); another person's relation is not found.
    pub async fn remove_person_relation(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: PersonId,
        relation: i64,
    ) -> AppResult<()> {
        let p = self.person_home(actor, unit, id).await?;
        let d = actor.district_id;
        let r = self
            .store
            .relations_of(d, id)
            .await?
            .into_iter()
            .find(|r| r.id == relation)
            .ok_or(AppError::NotFound)?;
        let audit = self
            .audit(actor)
            .unit(unit)
            .did(AuditAction::PersonRelationRemove)
            .on(ObjectKind::Person, p.id)
            .before(&serde_json::json!({
                "relative_id": r.other(id).map(|x| x.0),
                "relation": r.relation.code(),
                "recorded_by_person": r.person_id.0,
            }));
        Ok(self.store.remove_relation(d, r.id, audit).await?)
    }

    /// The declared relations between `official` and any of `people`, as the domain's
    /// recusal relations (§1.9.3 (b)).
    pub(crate) async fn kin_relations(
        &self,
        d: DistrictId,
        official: PersonId,
        people: &[PersonId],
    ) -> AppResult<Vec<jiguan_domain::selection::recusal::Relation>> {
        Ok(self
            .store
            .relations_of(d, official)
            .await?
            .into_iter()
            .filter(|r| r.other(official).is_some_and(|o| people.contains(&o)))
            .map(|r| jiguan_domain::selection::recusal::Relation {
                a: r.person_id,
                b: r.relative_id,
                kind: r.relation.kinship(),
            })
            .collect())
    }
}
