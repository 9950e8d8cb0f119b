//! Downsizing: the plans and lines a test seeds, read back, and the candidates from the
//! seeded people, assignments and bodies; writes are not faked.

use std::collections::BTreeSet;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};

use jiguan_domain::audit::AuditEntry;
use jiguan_domain::downsizing::{CandidateReason, PlanId};
use jiguan_domain::org::BodyStatus;
use jiguan_domain::people::{Identity, Status};
use jiguan_domain::tenancy::{DistrictId, UnitId};

use super::{FakeStore, not_in_fake};
use crate::downsizing::*;
use crate::ports::{ListQuery, Page, StoreResult};

/// Plans and their lines.
#[derive(Debug, Default)]
pub struct DownsizingState {
    pub plans: Vec<PlanRecord>,
    pub lines: Vec<LineRecord>,
}

#[async_trait]
impl DownsizingStore for FakeStore {
    async fn down_plans(
        &self,
        district: DistrictId,
        unit: Option<UnitId>,
    ) -> StoreResult<Vec<PlanRecord>> {
        self.with_state(|s| {
            s.downsizing
                .plans
                .iter()
                .filter(|p| p.district_id == district && unit.is_none_or(|u| p.unit_id == u))
                .cloned()
                .collect()
        })
    }

    async fn down_plan(
        &self,
        district: DistrictId,
        unit: UnitId,
        id: jiguan_domain::downsizing::PlanId,
    ) -> StoreResult<Option<PlanRecord>> {
        self.with_state(|s| {
            s.downsizing
                .plans
                .iter()
                .find(|p| p.district_id == district && p.unit_id == unit && p.id == id)
                .cloned()
        })
    }

    async fn down_create_plan(
        &self,
        _district: DistrictId,
        _unit: UnitId,
        _title: &str,
        _effective: NaiveDate,
        _audit: AuditEntry,
    ) -> StoreResult<jiguan_domain::downsizing::PlanId> {
        Err(not_in_fake())
    }

    async fn down_lines(
        &self,
        district: DistrictId,
        unit: UnitId,
        plan: jiguan_domain::downsizing::PlanId,
    ) -> StoreResult<Vec<LineRecord>> {
        self.with_state(|s| {
            let ours = s
                .downsizing
                .plans
                .iter()
                .any(|p| p.district_id == district && p.unit_id == unit && p.id == plan);
            s.downsizing
                .lines
                .iter()
                .filter(|l| ours && l.plan_id == plan)
                .cloned()
                .collect()
        })
    }

    async fn down_save_line(
        &self,
        _district: DistrictId,
        _unit: UnitId,
        _plan: jiguan_domain::downsizing::PlanId,
        _w: &LineWrite,
        _at: DateTime<Utc>,
        _audit: AuditEntry,
    ) -> StoreResult<jiguan_domain::downsizing::LineId> {
        Err(not_in_fake())
    }

    async fn down_remove_line(
        &self,
        _district: DistrictId,
        _unit: UnitId,
        _plan: jiguan_domain::downsizing::PlanId,
        _line: jiguan_domain::downsizing::LineId,
        _audit: AuditEntry,
    ) -> StoreResult<()> {
        Err(not_in_fake())
    }

    async fn down_apply(
        &self,
        _district: DistrictId,
        _unit: UnitId,
        _w: &ApplyWrite,
        _audit: AuditEntry,
    ) -> StoreResult<()> {
        Err(not_in_fake())
    }

    async fn down_events(
        &self,
        _district: DistrictId,
        _unit: UnitId,
        _plan: jiguan_domain::downsizing::PlanId,
    ) -> StoreResult<Vec<PlanEvent>> {
        // The fake keeps no history.
        Ok(Vec::new())
    }

    async fn down_candidates(
        &self,
        district: DistrictId,
        unit: UnitId,
        plan: PlanId,
        identities: &[Identity],
        q: &ListQuery,
    ) -> StoreResult<Page<CandidateRecord>> {
        self.with_state(|s| {
            let taken: BTreeSet<i64> = s
                .downsizing
                .lines
                .iter()
                .filter(|l| {
                    s.downsizing.plans.iter().any(|p| {
                        p.id == l.plan_id
                            && p.district_id == district
                            && p.unit_id == unit
                            && (p.id == plan || p.status.is_open())
                    })
                })
                .map(|l| l.person_id)
                .collect();
            let gone: BTreeSet<i64> = s
                .org
                .structures
                .iter()
                .filter(|(u, _)| *u == unit)
                .flat_map(|(_, st)| &st.bodies)
                .filter(|b| matches!(b.status, BodyStatus::Abolished | BodyStatus::Merged(_)))
                .map(|b| b.id.0)
                .collect();
            let search = q.search().map(|t| t.to_lowercase());
            let mut found: Vec<CandidateRecord> = s
                .people
                .people
                .iter()
                .filter(|p| p.district_id == district && p.unit_id == unit)
                .filter(|p| matches!(p.status, Status::OnPost | Status::LentOut))
                .filter(|p| !taken.contains(&p.id))
                .filter(|p| {
                    search.as_ref().is_none_or(|t| {
                        p.name.to_lowercase().contains(t) || p.post.to_lowercase().contains(t)
                    })
                })
                .filter_map(|p| {
                    let no_post = p.status == Status::OnPost
                        && !s.posts.assignments.iter().any(|a| {
                            a.unit_id == unit && a.person_id == p.id && a.end_date.is_none()
                        });
                    let reasons: Vec<CandidateReason> = [
                        (no_post, CandidateReason::NoPost),
                        (
                            p.body_id.is_some_and(|b| gone.contains(&b)),
                            CandidateReason::AbolishedBody,
                        ),
                        (identities.contains(&p.identity), CandidateReason::Identity),
                    ]
                    .into_iter()
                    .filter(|(yes, _)| *yes)
                    .map(|(_, r)| r)
                    .collect();
                    (!reasons.is_empty()).then(|| CandidateRecord {
                        person: p.clone(),
                        reasons,
                    })
                })
                .collect();
            found.sort_by(|a, b| (&a.person.name, a.person.id).cmp(&(&b.person.name, b.person.id)));
            let total = found.len() as i64;
            let items = found
                .into_iter()
                .skip(usize::try_from(q.offset()).unwrap_or(0))
                .take(q.per_page() as usize)
                .collect();
            Page {
                items,
                total,
                page: q.page(),
                per_page: q.per_page(),
            }
        })
    }

    async fn down_contracts(
        &self,
        _district: DistrictId,
        _unit: UnitId,
        _person: Option<i64>,
    ) -> StoreResult<Vec<ContractRecord>> {
        Err(not_in_fake())
    }
}
