//! People: the roster export, one person and the quotas, over people and quotas a test
//! seeds; the rest of `PeopleStore` is not faked.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};

use jiguan_domain::audit::AuditEntry;
use jiguan_domain::people::cost::Total;
use jiguan_domain::people::{EstablishmentKind, Identity, QuotaKind};
use jiguan_domain::tenancy::{DistrictId, UnitId};

use super::{FakeStore, not_in_fake};
use crate::people::*;
use crate::ports::{ListQuery, Page, StoreResult};

/// A person on post at `unit`, born 1980-01-01, with a bachelor's degree, working since
/// 2005; civil servants get administrative establishment, institution cadres institution
/// establishment, everyone else none (编外).
pub fn person(
    id: i64,
    district: DistrictId,
    unit: UnitId,
    name: &str,
    identity: Identity,
) -> PersonRecord {
    let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default();
    let establishment = match identity {
        Identity::CivilServant => EstablishmentKind::Administrative,
        Identity::InstitutionCadre => EstablishmentKind::Institution,
        _ => EstablishmentKind::None,
    };
    let since = date(2005, 7, 1);
    PersonRecord {
        id,
        name: name.into(),
        gender: "male".into(),
        birth_date: date(1980, 1, 1),
        ethnicity: "汉族".into(),
        education: "大学本科".into(),
        work_start: Some(since),
        unit_join: Some(since),
        establishment,
        ..PersonRecord::new(district, unit, identity, since)
    }
}

/// People and approved counts.
#[derive(Debug, Default)]
pub struct PeopleState {
    pub people: Vec<PersonRecord>,
    pub quotas: Vec<QuotaRecord>,
    /// How many times a roster was exported (`export_people`): a page that costs what it
    /// shows exports none.
    pub exports: usize,
}

#[async_trait]
impl PeopleStore for FakeStore {
    async fn list_people(
        &self,
        _district: DistrictId,
        _filter: &PeopleFilter,
        _q: &ListQuery,
    ) -> StoreResult<Page<PersonRecord>> {
        Err(not_in_fake())
    }

    async fn export_people(
        &self,
        district: DistrictId,
        filter: &PeopleFilter,
    ) -> StoreResult<Vec<PersonRecord>> {
        // Only the unit is filtered on: the fake's people are whoever a test seeded.
        self.with_state(|s| {
            s.people.exports += 1;
            s.people
                .people
                .iter()
                .filter(|p| p.district_id == district)
                .filter(|p| {
                    filter
                        .unit_id
                        .is_none_or(|u| p.unit_id == u || p.host_unit_id == Some(u))
                })
                .cloned()
                .collect()
        })
    }

    async fn get_person(
        &self,
        district: DistrictId,
        id: jiguan_domain::people::PersonId,
    ) -> StoreResult<Option<PersonRecord>> {
        self.with_state(|s| {
            s.people
                .people
                .iter()
                .find(|p| p.district_id == district && p.id == id.0)
                .cloned()
        })
    }

    async fn people_by_id_numbers(
        &self,
        _district: DistrictId,
        _numbers: &[String],
    ) -> StoreResult<Vec<PersonRecord>> {
        Err(not_in_fake())
    }

    async fn person_history(
        &self,
        _district: DistrictId,
        _id: jiguan_domain::people::PersonId,
    ) -> StoreResult<Vec<PersonEvent>> {
        Err(not_in_fake())
    }

    async fn occupancy(
        &self,
        district: DistrictId,
        unit: Option<UnitId>,
    ) -> StoreResult<Vec<OccupancyCount>> {
        // One count per person is enough for the callers that sum it.
        self.with_state(|s| {
            s.people
                .people
                .iter()
                .filter(|p| p.district_id == district && p.status.occupies())
                .filter(|p| unit.is_none_or(|u| p.unit_id == u))
                .map(|p| OccupancyCount {
                    unit_id: p.unit_id,
                    body_id: p.body_id,
                    kind: p.establishment,
                    count: 1,
                })
                .collect()
        })
    }

    async fn leader_counts(
        &self,
        _district: DistrictId,
        _unit: Option<UnitId>,
    ) -> StoreResult<Vec<(UnitId, i64)>> {
        Err(not_in_fake())
    }

    async fn list_quotas(
        &self,
        district: DistrictId,
        unit: Option<UnitId>,
    ) -> StoreResult<Vec<QuotaRecord>> {
        self.with_state(|s| {
            s.people
                .quotas
                .iter()
                .filter(|q| unit.is_none_or(|u| q.unit_id == u))
                .filter(|q| s.unit_in(district, q.unit_id))
                .cloned()
                .collect()
        })
    }

    async fn set_quotas(
        &self,
        _district: DistrictId,
        _unit: UnitId,
        _quotas: &[(Option<i64>, QuotaKind, Option<i64>)],
        _by: &str,
        _at: DateTime<Utc>,
        _audit: AuditEntry,
    ) -> StoreResult<()> {
        Err(not_in_fake())
    }

    async fn list_exceptions(
        &self,
        _district: DistrictId,
        _unit: Option<UnitId>,
    ) -> StoreResult<Vec<ExceptionRecord>> {
        Err(not_in_fake())
    }

    async fn apply_people(
        &self,
        _district: DistrictId,
        _batch: PeopleBatch,
    ) -> StoreResult<Vec<jiguan_domain::people::PersonId>> {
        Err(not_in_fake())
    }

    async fn cost_totals(
        &self,
        _district: DistrictId,
        _unit: Option<UnitId>,
        _on: NaiveDate,
        _group: CostGroup,
    ) -> StoreResult<Vec<(String, Total)>> {
        Err(not_in_fake())
    }

    /// The fake records no relation: nobody is related.
    async fn relations_of(
        &self,
        _district: DistrictId,
        _person: jiguan_domain::people::PersonId,
    ) -> StoreResult<Vec<RelationRecord>> {
        Ok(Vec::new())
    }

    async fn add_relation(
        &self,
        _district: DistrictId,
        _w: &RelationWrite,
        _audit: AuditEntry,
    ) -> StoreResult<i64> {
        Err(not_in_fake())
    }

    async fn remove_relation(
        &self,
        _district: DistrictId,
        _id: i64,
        _audit: AuditEntry,
    ) -> StoreResult<()> {
        Err(not_in_fake())
    }

    /// The fake records no relation.
    async fn relations_among(
        &self,
        _district: DistrictId,
        _people: &[jiguan_domain::people::PersonId],
    ) -> StoreResult<Vec<RelationRecord>> {
        Ok(Vec::new())
    }

    async fn add_relations(
        &self,
        _district: DistrictId,
        _writes: &[RelationWrite],
        _audits: Vec<AuditEntry>,
    ) -> StoreResult<()> {
        Err(not_in_fake())
    }

    async fn unit_relations(
        &self,
        _district: DistrictId,
        _unit: UnitId,
    ) -> StoreResult<Vec<crate::people::UnitRelation>> {
        Err(not_in_fake())
    }
}
