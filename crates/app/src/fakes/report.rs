//! The report port in the fake: cells as seeded, filtered by district, unit and family, and
//! the units of the platform state. Traces are not kept (tested through the real store).

use async_trait::async_trait;
use chrono::NaiveDate;

use jiguan_domain::report::{Cell, Family, Period, Trace};
use jiguan_domain::tenancy::{DistrictId, UnitId};

use super::{FakeStore, not_in_fake};
use crate::ports::{StoreResult, Unit};
use crate::report::{ReportStore, TraceRow};

/// The cells the fake's report port answers with, and the start date it reports.
#[derive(Debug, Default)]
pub struct ReportState {
    pub cells: Vec<Cell>,
    pub start: Option<NaiveDate>,
}

#[async_trait]
impl ReportStore for FakeStore {
    async fn report_cells(
        &self,
        d: DistrictId,
        unit: Option<UnitId>,
        family: Family,
        _: Period,
    ) -> StoreResult<Vec<Cell>> {
        self.with_state(|s| {
            s.report
                .cells
                .iter()
                .filter(|c| {
                    c.family == family && s.unit_in(d, c.unit) && unit.is_none_or(|u| u == c.unit)
                })
                .cloned()
                .collect()
        })
    }
    async fn report_trace(
        &self,
        _: DistrictId,
        _: UnitId,
        _: &Trace,
        _: Period,
    ) -> StoreResult<Vec<TraceRow>> {
        Err(not_in_fake())
    }
    async fn report_start(
        &self,
        _: DistrictId,
        _: Option<UnitId>,
    ) -> StoreResult<Option<NaiveDate>> {
        self.with_state(|s| s.report.start)
    }
    async fn report_units(&self, d: DistrictId) -> StoreResult<Vec<Unit>> {
        self.with_state(|s| {
            s.platform
                .units
                .iter()
                .filter(|u| u.district_id == d && u.active)
                .cloned()
                .collect()
        })
    }
}
