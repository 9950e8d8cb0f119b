//! Reform results report (改革成效): a unit's or the district's figures between two dates,
//! aggregated by the store through this module's own port ([`ReportStore`]: counts and sums
//! in SQL, never the whole roster), assembled by `jiguan_domain::report`.
//!
//! **Extension seam.** Sections other modules own (competitive-selection campaigns,
//! two-way selection, appraisal, pay) come from [`PROVIDERS`]: each entry is a
//! [`SectionProvider`] that computes the section for every unit of the report with one
//! query set for the whole district ([`scope`]); a module not landed yet would use the
//! [`NoDataYet`] placeholder (the section says 暂无数据).

pub mod campaigns;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use async_trait::async_trait;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use jiguan_domain::FieldError;
use jiguan_domain::auth::{Action, Actor};
use jiguan_domain::org::structure::parse_date;
use jiguan_domain::report::{
    Cell, Family, Moment, Period, ReportFigures, Section, Trace, district_figures, unit_figures,
    work,
};
use jiguan_domain::tenancy::{DistrictId, UnitId};

use crate::ports::{StoreResult, Unit};
use crate::{App, AppError, AppResult};

/// One record a figure counts (the trace of a figure).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TraceRow {
    /// The record's id (a body, a person, a plan line, a meeting).
    pub id: i64,
    pub name: String,
    /// What about it is counted (kind, identity, route, date).
    pub detail: String,
}

/// What the report needs from storage: aggregates, the records behind one, the units.
#[async_trait]
pub trait ReportStore: Send + Sync {
    /// The cells of one family for one unit or (None) every unit of the district.
    async fn report_cells(
        &self,
        d: DistrictId,
        unit: Option<UnitId>,
        family: Family,
        p: Period,
    ) -> StoreResult<Vec<Cell>>;
    /// The records one figure counts.
    async fn report_trace(
        &self,
        d: DistrictId,
        unit: UnitId,
        t: &Trace,
        p: Period,
    ) -> StoreResult<Vec<TraceRow>>;
    /// The date the reform's dated history starts (the earliest approved total or body
    /// version) for a unit or the district.
    async fn report_start(
        &self,
        d: DistrictId,
        unit: Option<UnitId>,
    ) -> StoreResult<Option<NaiveDate>>;
    /// Every active unit of the district, by code.
    async fn report_units(&self, d: DistrictId) -> StoreResult<Vec<Unit>>;
}

/// A section other modules fill.
#[async_trait]
pub trait SectionProvider: Send + Sync {
    /// The section's id (`report.section.<id>` is its title).
    fn id(&self) -> &'static str;
    /// The section of each unit; a unit left out gets 暂无数据. A section whose lines do
    /// not add up over the units may also give the district's own under `UnitId(0)`: the
    /// district report shows it instead of the units' sum.
    async fn sections(&self, q: SectionQuery<'_>) -> AppResult<BTreeMap<UnitId, Section>>;
}

/// What a section is asked for: the district, the units (one for a unit's report, every
/// unit for the district's) and the period.
#[derive(Clone, Copy)]
pub struct SectionQuery<'a> {
    pub app: &'a App,
    pub d: DistrictId,
    pub units: &'a [UnitId],
    pub p: Period,
}

impl SectionQuery<'_> {
    /// The cells of one family for the query's units, in one query ([`scope`]).
    pub async fn cells(&self, family: Family) -> AppResult<Vec<Cell>> {
        Ok(self
            .app
            .store
            .report_cells(self.d, scope(self.units), family, self.p)
            .await?)
    }
}

/// The placeholder of a module that has not landed yet.
pub struct NoDataYet(pub &'static str);

#[async_trait]
impl SectionProvider for NoDataYet {
    fn id(&self) -> &'static str {
        self.0
    }
    async fn sections(&self, _: SectionQuery<'_>) -> AppResult<BTreeMap<UnitId, Section>> {
        Ok(BTreeMap::new())
    }
}

/// The extension sections, in report order. A module replaces its placeholder here.
pub static PROVIDERS: [&dyn SectionProvider; 4] = [
    &campaigns::CampaignSection,
    &crate::twoway::report::PlacementSection,
    &crate::appraisal::report::GradeSection,
    &crate::pay::report::SpreadSection,
];

/// The dates as the page, the API and the command line send them (empty: the default).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct ReportForm {
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
}

/// One unit's report.
#[derive(Debug, Clone, Serialize)]
pub struct UnitReport {
    pub unit: Unit,
    pub period: Period,
    pub figures: ReportFigures,
}

/// The district's report: every unit and the sum.
#[derive(Debug, Clone, Serialize)]
pub struct DistrictReport {
    pub period: Period,
    pub units: Vec<UnitReport>,
    pub total: ReportFigures,
}

/// Every family the report reads, with the moments it is read at (the cost trend comes
/// with the staff, in the same pass over the history).
const FAMILIES: [Family; 13] = [
    Family::Bodies,
    Family::BodyChanges,
    Family::Caps,
    Family::Middle,
    Family::Staff,
    Family::LeadersInMiddle,
    Family::Quotas,
    Family::Cuts,
    Family::PendingOps,
    Family::Posts,
    Family::Meetings,
    Family::WorkBodies,
    Family::WorkSpread,
];

/// The unit a provider reads for `units`: the one unit of a unit report, else the whole
/// district in one query (a provider never queries unit by unit).
pub fn scope(units: &[UnitId]) -> Option<UnitId> {
    match units {
        [one] => Some(*one),
        _ => None,
    }
}

impl App {
    /// The report's period: the dates given, else the reform's start and today. Refuses a
    /// bad date or `from` after `to`, naming the field.
    pub async fn report_period(
        &self,
        d: DistrictId,
        unit: Option<UnitId>,
        f: &ReportForm,
    ) -> AppResult<Period> {
        let mut errors = Vec::new();
        let mut date = |field: &str, v: &str| {
            if v.trim().is_empty() {
                return None;
            }
            parse_date(field, v).map_err(|e| errors.push(e)).ok()
        };
        let from = date("from", &f.from);
        let to = date("to", &f.to);
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let to = to.unwrap_or_else(|| self.people_today());
        let from = match from {
            Some(f) => f,
            None => self
                .store
                .report_start(d, unit)
                .await?
                .unwrap_or(to)
                .min(to),
        };
        if from > to {
            return Err(AppError::Invalid(vec![FieldError::new(
                "from",
                "report_from_after_to",
            )]));
        }
        Ok(Period { from, to })
    }

    async fn report_cells(
        &self,
        d: DistrictId,
        unit: Option<UnitId>,
        p: Period,
    ) -> AppResult<Vec<Cell>> {
        // The families are independent reads: run them at once (each on its own pooled
        // connection), then keep them in family order.
        let mut set = tokio::task::JoinSet::new();
        for (i, f) in FAMILIES.into_iter().enumerate() {
            let store = self.store.clone();
            set.spawn(async move { (i, store.report_cells(d, unit, f, p).await) });
        }
        let mut parts: Vec<Vec<Cell>> = vec![Vec::new(); FAMILIES.len()];
        while let Some(done) = set.join_next().await {
            let (i, cells) = done.map_err(|e| AppError::Internal(e.to_string()))?;
            parts[i] = cells?;
        }
        let mut all: Vec<Cell> = parts.into_iter().flatten().collect();
        // The work figures with the posts module's parameters: the unit's on a unit report,
        // the district's on the dashboard (as the posts module's district report does).
        let params = self.posts_params(d, unit).await?;
        let derived = work::derive(&all, params.standard, params.tolerance_pct);
        all.extend(derived);
        Ok(all)
    }

    async fn report_extensions(
        &self,
        d: DistrictId,
        units: &[UnitId],
        p: Period,
    ) -> AppResult<Vec<BTreeMap<UnitId, Section>>> {
        // Independent reads too: every provider at once, kept in report order.
        let mut set = tokio::task::JoinSet::new();
        for (i, prov) in PROVIDERS.iter().enumerate() {
            let (app, units) = (self.clone(), units.to_vec());
            set.spawn(async move {
                let q = SectionQuery {
                    app: &app,
                    d,
                    units: &units,
                    p,
                };
                (i, prov.sections(q).await)
            });
        }
        let mut out = vec![BTreeMap::new(); PROVIDERS.len()];
        while let Some(done) = set.join_next().await {
            let (i, m) = done.map_err(|e| AppError::Internal(e.to_string()))?;
            out[i] = m?;
        }
        Ok(out)
    }

    fn report_assemble(
        unit: UnitId,
        cells: &[Cell],
        ext: &[BTreeMap<UnitId, Section>],
        p: Period,
    ) -> ReportFigures {
        let mut f = unit_figures(unit, cells);
        f.trend = work::trend(cells, p);
        for (prov, m) in PROVIDERS.iter().zip(ext) {
            f.sections.push(
                m.get(&unit)
                    .cloned()
                    .unwrap_or_else(|| Section::no_data(prov.id())),
            );
        }
        f
    }

    /// One unit's report (改革成效). A unit account sees its own unit only.
    pub async fn report_unit(
        &self,
        actor: &Actor,
        unit: UnitId,
        f: &ReportForm,
    ) -> AppResult<UnitReport> {
        let u = self
            .require_unit_record(actor, Action::ReportView, unit)
            .await?;
        let d = actor.district_id;
        let period = self.report_period(d, Some(unit), f).await?;
        let one = [unit];
        let (cells, ext) = tokio::try_join!(
            self.report_cells(d, Some(unit), period),
            self.report_extensions(d, &one, period)
        )?;
        Ok(UnitReport {
            unit: u,
            period,
            figures: Self::report_assemble(unit, &cells, &ext, period),
        })
    }

    /// The district's report: every unit in one table and their sum (区 only).
    pub async fn report_district(
        &self,
        actor: &Actor,
        f: &ReportForm,
    ) -> AppResult<DistrictReport> {
        self.require(actor, Action::ReportDistrict)?;
        if actor.unit_id.is_some() {
            return Err(AppError::Forbidden);
        }
        let d = actor.district_id;
        let period = self.report_period(d, None, f).await?;
        let units = self.store.report_units(d).await?;
        let ids: Vec<UnitId> = units.iter().map(|u| u.id).collect();
        let (cells, ext) = tokio::try_join!(
            self.report_cells(d, None, period),
            self.report_extensions(d, &ids, period)
        )?;
        let mut by_unit: BTreeMap<UnitId, Vec<Cell>> = BTreeMap::new();
        for c in cells {
            by_unit.entry(c.unit).or_default().push(c);
        }
        let units: Vec<UnitReport> = units
            .into_iter()
            .map(|u| {
                let cs = by_unit.get(&u.id).map(Vec::as_slice).unwrap_or(&[]);
                UnitReport {
                    figures: Self::report_assemble(u.id, cs, &ext, period),
                    unit: u,
                    period,
                }
            })
            .collect();
        let mut total = district_figures(units.iter().map(|u| &u.figures));
        if total.trend.is_empty() {
            total.trend = work::trend(&[], period);
        }
        let spread = work::district_spread(by_unit.get(&UnitId(0)).map_or(&[], Vec::as_slice));
        if let Some(s) = total.sections.iter_mut().find(|s| s.id == spread.id) {
            *s = spread;
        }
        // A provider whose lines do not add up gives the district's own section as unit 0.
        for own in ext.iter().filter_map(|m| m.get(&UnitId(0))) {
            if let Some(s) = total.sections.iter_mut().find(|s| s.id == own.id) {
                *s = own.clone();
            }
        }
        Ok(DistrictReport {
            period,
            units,
            total,
        })
    }

    /// The records one figure of a unit's report counts.
    pub async fn report_trace(
        &self,
        actor: &Actor,
        unit: UnitId,
        family: &str,
        key: &str,
        at: &str,
        f: &ReportForm,
    ) -> AppResult<(Period, Trace, Vec<TraceRow>)> {
        self.require_unit(actor, Action::ReportView, unit).await?;
        let d = actor.district_id;
        let mut errors = Vec::new();
        let family = Family::parse("f", family).map_err(|e| errors.push(e)).ok();
        let at = Moment::parse("at", at).map_err(|e| errors.push(e)).ok();
        let (Some(family), Some(at)) = (family, at) else {
            return Err(AppError::Invalid(errors));
        };
        let period = self.report_period(d, Some(unit), f).await?;
        let t = Trace {
            family,
            key: key.trim().into(),
            at,
        };
        let mut rows = self.store.report_trace(d, unit, &t, period).await?;
        if t.family == Family::WorkBodies {
            // The bodies the posts module's rule classifies as the figure's key, with their
            // need and staff in FTE.
            let params = self.posts_params(d, Some(unit)).await?;
            rows.retain_mut(|r| {
                let mut it = r.detail.split(' ').map(|x| x.parse::<i64>().unwrap_or(0));
                let (hours, shares) = (it.next().unwrap_or(0), it.next().unwrap_or(0));
                r.detail = format!(
                    "{:.2} / {:.2}",
                    work::fte_hundredths(hours, params.standard) as f64 / 100.0,
                    shares as f64 / 100.0
                );
                work::body_is(&t.key, hours, shares, params.standard, params.tolerance_pct)
            });
        }
        Ok((period, t, rows))
    }
}
