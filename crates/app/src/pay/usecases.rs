//! The pay use cases: pools, runs, lines, the grade source, computing, the workflow and the
//! district report.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;

use jiguan_domain::FieldError;
use jiguan_domain::audit::{AuditAction, ObjectKind};
use jiguan_domain::auth::{Action, Actor};
use jiguan_domain::money::Money;
use jiguan_domain::pay::{
    self, Grade, GradeStat, LineForm, PayLine, PayRunId, PoolForm, RunResult, Scheme, Spread,
    grade_stats, post_coef_of, spread,
};
use jiguan_domain::people::PersonId;
use jiguan_domain::tenancy::UnitId;
use jiguan_domain::workflow::{Move, PAY_RUNS, Status, Step, StepInput, Workflow};

use super::{
    LineWrite, PoolRecord, RunAt, RunLineRecord, RunRecord, SOURCE_APPRAISAL, SOURCE_IMPORT,
    SOURCE_MANUAL, YearAt,
};
use crate::people::PeopleFilter;
use crate::ports::{Conflict, StoreError};
use crate::workflow::{PlanRef, status_err};
use crate::{App, AppError, AppResult};

/// The first and last year a pool or run may be for.
const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

fn check_year(year: i32) -> AppResult<()> {
    if YEARS.contains(&year) {
        Ok(())
    } else {
        Err(FieldError::new("year", "out_of_range")
            .with("min", YEARS.start())
            .with("max", YEARS.end())
            .into())
    }
}

/// What a step of a run records in the audit.
#[derive(Serialize)]
pub struct RunStepAfter {
    status: Status,
    comment: String,
}

impl From<&Move> for RunStepAfter {
    fn from(m: &Move) -> Self {
        RunStepAfter {
            status: m.to,
            comment: m.comment().to_string(),
        }
    }
}

impl PlanRef for PayRunId {
    const FLOW: &'static Workflow = &PAY_RUNS;
    type After = RunStepAfter;
    async fn head(self, app: &App, actor: &Actor, unit: UnitId) -> AppResult<(Status, String)> {
        let r = app.run_of(actor, unit, self).await?;
        Ok((r.status, format!("{} 年度绩效分配", r.year)))
    }
}

/// A person's grade as the run's grade source gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PersonGrade {
    pub person_id: i64,
    pub grade: Grade,
}

/// A run with its lines, its result and its statistics.
#[derive(Debug, Clone, Serialize)]
pub struct RunView {
    pub run: RunRecord,
    pub unit_name: String,
    /// The district's pool for the unit and year (`None`: not set yet).
    pub pool: Option<PoolRecord>,
    pub lines: Vec<RunLineRecord>,
    /// Whether every line is computed from the pool now set (the run may be submitted).
    pub computed: bool,
    pub spread: Option<Spread>,
    pub by_grade: Vec<GradeStat>,
    pub bonus_total: Money,
}

/// One unit of the district's report.
#[derive(Debug, Clone, Serialize)]
pub struct UnitReport {
    pub unit_id: UnitId,
    pub unit_name: String,
    pub pool: Money,
    pub spread: Spread,
    pub by_grade: Vec<GradeStat>,
}

/// The district's report for a year: each unit's spread and pay by grade, and the district
/// by grade. "Before" (大锅饭) every share of a unit was the same: ratio 1, Gini 0.
#[derive(Debug, Clone, Serialize)]
pub struct DistrictReport {
    pub year: i32,
    pub units: Vec<UnitReport>,
    pub by_grade: Vec<GradeStat>,
    /// The mean share of each grade relative to the mean share of 称职 (1 = no difference,
    /// the 大锅饭 picture), to two places.
    pub grade_index: Vec<(Grade, Decimal)>,
}

/// A pool set, as audited.
#[derive(Serialize)]
struct PoolSet<'a> {
    year: i32,
    basis: &'a pay::PoolBasis,
    amount: Money,
}

/// Lines saved, as audited.
#[derive(Serialize)]
struct LinesSaved<'a> {
    source: &'a str,
    lines: &'a [LineWrite],
}

/// A run computed, as audited.
#[derive(Serialize)]
struct Computed {
    pool: Money,
    people: usize,
    remainder_fen: u32,
    ratio: Option<Decimal>,
    gini: Decimal,
    bonus_total: Money,
}

impl App {
    /// The district's split scheme (PAY-5 and PAY-8 defaults; a district parameter later).
    pub fn pay_scheme(&self) -> Scheme {
        Scheme::default()
    }

    /// Sets a unit's pool for a year (district).
    pub async fn set_pay_pool(
        &self,
        actor: &Actor,
        unit: UnitId,
        year: i32,
        f: &PoolForm,
    ) -> AppResult<Money> {
        self.require_unit(actor, Action::PayPoolSet, unit).await?;
        check_year(year)?;
        let basis = f.parse()?;
        let amount = basis.amount();
        let audit = self
            .audit(actor)
            .unit(unit)
            .did(AuditAction::PayPoolSet)
            .on(ObjectKind::PayPool, format!("{unit}/{year}"))
            .after(&PoolSet {
                year,
                basis: &basis,
                amount,
            });
        self.store
            .pay_set_pool(YearAt::of(actor, unit, year), &basis, audit)
            .await?;
        Ok(amount)
    }

    /// The pools of every unit of the district for a year (district view).
    pub async fn pay_pools(&self, actor: &Actor, year: i32) -> AppResult<Vec<PoolRecord>> {
        self.require(actor, Action::PayView)?;
        self.require(actor, Action::UnitsList)?;
        Ok(self.store.pay_pools(actor.district_id, year).await?)
    }

    async fn pool_of(
        &self,
        actor: &Actor,
        unit: UnitId,
        year: i32,
    ) -> AppResult<Option<PoolRecord>> {
        Ok(self
            .store
            .pay_pools(actor.district_id, year)
            .await?
            .into_iter()
            .find(|p| p.unit_id == unit))
    }

    /// Every active unit of the district (id, name), for the pool form (district).
    pub async fn district_units(&self, actor: &Actor) -> AppResult<Vec<(i64, String)>> {
        self.require(actor, Action::UnitsList)?;
        let mut out = Vec::new();
        for page in 1..=50 {
            let q = crate::ports::ListQuery {
                per_page: Some(200),
                page: Some(page),
                ..Default::default()
            };
            let p = self.store.list_units(actor.district_id, &q).await?;
            let n = p.items.len();
            out.extend(
                p.items
                    .into_iter()
                    .filter(|u| u.unit.active)
                    .map(|u| (u.unit.id.0, u.unit.name)),
            );
            if n < 200 {
                break;
            }
        }
        Ok(out)
    }

    /// The runs of a unit.
    pub async fn pay_runs(&self, actor: &Actor, unit: UnitId) -> AppResult<Vec<RunRecord>> {
        self.require_unit(actor, Action::PayView, unit).await?;
        Ok(self.store.pay_runs(actor.district_id, Some(unit)).await?)
    }

    pub(crate) async fn run_of(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: PayRunId,
    ) -> AppResult<RunRecord> {
        self.store
            .pay_run(RunAt::of(actor, unit, id))
            .await?
            .ok_or(AppError::NotFound)
    }

    /// Creates the unit's run for a year (one per unit and year).
    pub async fn create_pay_run(
        &self,
        actor: &Actor,
        unit: UnitId,
        year: i32,
    ) -> AppResult<PayRunId> {
        self.require_unit(actor, Action::PayRun, unit).await?;
        check_year(year)?;
        let audit = self
            .audit(actor)
            .unit(unit)
            .did(AuditAction::PayRunCreate)
            .after(&serde_json::json!({ "year": year }));
        self.store
            .pay_create_run(YearAt::of(actor, unit, year), audit)
            .await
            .map_err(|e| match e {
                StoreError::Conflict(Conflict::Unique(_)) => {
                    FieldError::new("year", "pay_run_exists")
                        .with("year", year)
                        .into()
                }
                other => other.into(),
            })
    }

    /// A run with its lines, pool, result and statistics.
    pub async fn pay_run(&self, actor: &Actor, unit: UnitId, id: PayRunId) -> AppResult<RunView> {
        let u = self
            .require_unit_record(actor, Action::PayView, unit)
            .await?;
        self.run_view_unchecked(actor, u, id).await
    }

    /// The run view without the role check: for self-service, whose caller checked that
    /// only the signed-in person's own line is shown ([`App::my_pay_slip`]).
    pub(crate) async fn run_view_unchecked(
        &self,
        actor: &Actor,
        u: crate::ports::Unit,
        id: PayRunId,
    ) -> AppResult<RunView> {
        let unit = u.id;
        let run = self.run_of(actor, unit, id).await?;
        let pool = self.pool_of(actor, unit, run.year).await?;
        let lines = self.store.pay_lines(RunAt::of(actor, unit, id)).await?;
        let computed = !lines.is_empty()
            && lines.iter().all(|l| l.result.is_some())
            && run.pool.is_some()
            && run.pool == pool.as_ref().map(|p| p.amount);
        let results: Vec<&pay::LineResult> =
            lines.iter().filter_map(|l| l.result.as_ref()).collect();
        let (spread_, by_grade, bonus_total) = if results.is_empty() {
            (None, Vec::new(), Money::ZERO)
        } else {
            let shares: Vec<Money> = results.iter().map(|r| r.share).collect();
            let g: Vec<(Grade, Money)> = results.iter().map(|r| (r.grade, r.share)).collect();
            (
                Some(spread(&shares)),
                grade_stats(&g),
                Money(results.iter().map(|r| r.bonus.fen()).sum()),
            )
        };
        Ok(RunView {
            run,
            unit_name: u.name,
            pool,
            lines,
            computed,
            spread: spread_,
            by_grade,
            bonus_total,
        })
    }

    /// Enters (or corrects) one person's line by hand.
    pub async fn save_pay_line(
        &self,
        actor: &Actor,
        unit: UnitId,
        run: PayRunId,
        f: &LineForm,
    ) -> AppResult<()> {
        self.save_pay_lines(actor, unit, run, std::slice::from_ref(f), SOURCE_MANUAL)
            .await
    }

    /// Imports lines (the Excel import, or the API's list): every row is checked and all
    /// problems are reported with the row (`rows[i].field`); nothing is written unless every
    /// row is valid.
    pub async fn import_pay_lines(
        &self,
        actor: &Actor,
        unit: UnitId,
        run: PayRunId,
        rows: &[LineForm],
    ) -> AppResult<()> {
        if rows.is_empty() {
            return Err(AppError::field("rows", "required"));
        }
        self.save_pay_lines(actor, unit, run, rows, SOURCE_IMPORT)
            .await
    }

    /// Fills the run's lines from the unit's confirmed annual appraisal of the run's year
    /// (年度考核结果, [`App::final_grades`]): one line per graded person, their grade taken
    /// as it was confirmed; a post coefficient, months or basic salary already on the run
    /// for that person is kept. People not graded (new staff, long leave, under
    /// investigation) are left out, with the reason on the appraisal page. Refused, naming
    /// `year`, when the unit has no confirmed annual appraisal for that year.
    pub async fn pay_lines_from_appraisal(
        &self,
        actor: &Actor,
        unit: UnitId,
        run: PayRunId,
    ) -> AppResult<usize> {
        self.require_unit(actor, Action::PayRun, unit).await?;
        let r = self.run_of(actor, unit, run).await?;
        PAY_RUNS.check_editable(r.status)?;
        let old: BTreeMap<i64, RunLineRecord> = self
            .store
            .pay_lines(RunAt::of(actor, unit, run))
            .await?
            .into_iter()
            .map(|l| (l.person_id, l))
            .collect();
        let rows: Vec<LineForm> = self
            .final_grades(actor, unit, r.year)
            .await?
            .into_iter()
            .filter_map(|g| {
                let grade = g.grade?;
                let keep = old.get(&g.person_id);
                Some(LineForm {
                    person_id: g.person_id.to_string(),
                    grade: grade.code().into(),
                    post_coef: keep
                        .filter(|l| l.post_source == "entered")
                        .map(|l| l.post_coef.to_string())
                        .unwrap_or_default(),
                    months: keep.map(|l| l.months.to_string()).unwrap_or_default(),
                    basic_salary: keep.map(|l| l.basic_salary.to_string()).unwrap_or_default(),
                })
            })
            .collect();
        if rows.is_empty() {
            return Err(FieldError::new("year", "pay_no_appraisal")
                .with("year", r.year)
                .into());
        }
        self.save_pay_lines(actor, unit, run, &rows, SOURCE_APPRAISAL)
            .await?;
        Ok(rows.len())
    }

    async fn save_pay_lines(
        &self,
        actor: &Actor,
        unit: UnitId,
        run: PayRunId,
        rows: &[LineForm],
        source: &str,
    ) -> AppResult<()> {
        self.require_unit(actor, Action::PayRun, unit).await?;
        let r = self.run_of(actor, unit, run).await?;
        PAY_RUNS.check_editable(r.status)?;
        let scheme = self.pay_scheme();
        let many = rows.len() > 1;
        let at = |i: usize, e: FieldError| {
            if many {
                FieldError {
                    field: format!("rows[{i}].{}", e.field),
                    ..e
                }
            } else {
                e
            }
        };
        let people = self
            .store
            .export_people(
                actor.district_id,
                &PeopleFilter {
                    unit_id: Some(unit),
                    home_only: true,
                    ..PeopleFilter::default()
                },
            )
            .await?;
        let people: BTreeMap<i64, &crate::people::PersonRecord> = people
            .iter()
            .filter(|p| p.unit_id == unit)
            .map(|p| (p.id, p))
            .collect();
        let levels = self.post_levels(actor, unit).await?;
        let mut errs = Vec::new();
        let mut writes = Vec::with_capacity(rows.len());
        let mut seen = std::collections::HashSet::new();
        for (i, f) in rows.iter().enumerate() {
            let l = match f.parse(&scheme) {
                Ok(l) => l,
                Err(es) => {
                    errs.extend(es.into_iter().map(|e| at(i, e)));
                    continue;
                }
            };
            let Some(p) = people.get(&l.person_id) else {
                errs.push(at(
                    i,
                    FieldError::new("person_id", "person_not_in_unit").with("id", l.person_id),
                ));
                continue;
            };
            if !seen.insert(l.person_id) {
                errs.push(at(
                    i,
                    FieldError::new("person_id", "duplicate_id").with("id", l.person_id),
                ));
                continue;
            }
            let (post_coef, post_source) = match (l.post_coef, levels.get(&l.person_id)) {
                (Some(c), _) => (c, "entered"),
                (None, Some(level)) => (post_coef_of(*level), "post"),
                (None, None) => (Decimal::ONE, "default"),
            };
            // PAY-2: the December basic salary; the roster keeps the annual basic pay.
            let basic_salary = if l.basic_salary == Money::ZERO {
                Money::from_decimal_yuan(p.cost.basic_pay.to_decimal() / Decimal::from(12))
                    .unwrap_or(Money::ZERO)
            } else {
                l.basic_salary
            };
            writes.push(LineWrite {
                person_id: l.person_id,
                name: p.name.clone(),
                grade: l.grade,
                source: source.to_string(),
                post_coef,
                post_source: post_source.to_string(),
                months: l.months,
                basic_salary,
            });
        }
        if !errs.is_empty() {
            return Err(AppError::Invalid(errs));
        }
        let audit = self
            .audit(actor)
            .unit(unit)
            .did(AuditAction::PayLinesSave)
            .on(ObjectKind::PayRun, run)
            .after(&LinesSaved {
                source,
                lines: &writes,
            });
        self.store
            .pay_save_lines(RunAt::of(actor, unit, run), &writes, audit)
            .await
            .map_err(|e| status_err(e, r.status))
    }

    /// The post level of each person with an open main assignment in the unit.
    async fn post_levels(
        &self,
        actor: &Actor,
        unit: UnitId,
    ) -> AppResult<BTreeMap<i64, jiguan_domain::posts::PostLevel>> {
        let posts = self.store.list_posts(actor.district_id, unit).await?;
        let level: BTreeMap<_, _> = posts.iter().map(|p| (p.id, p.level)).collect();
        let mut out = BTreeMap::new();
        for a in self
            .store
            .open_assignments(actor.district_id, Some(unit))
            .await?
        {
            if let Some(l) = level.get(&a.post_id) {
                let e = out.entry(a.person_id).or_insert(*l);
                if a.main {
                    *e = *l;
                }
            }
        }
        Ok(out)
    }

    /// THE grade source of a pay run (person id + grade). Today: the grades entered or
    /// imported on the run's lines. After the appraisal module is merged, this is the one
    /// place to switch to `App::final_grades(actor, unit, year)`; the lines then snapshot
    /// those grades when computed.
    pub async fn grades_for_run(
        &self,
        actor: &Actor,
        unit: UnitId,
        run: &RunRecord,
    ) -> AppResult<Vec<PersonGrade>> {
        Ok(self
            .store
            .pay_lines(RunAt::of(actor, unit, run.id))
            .await?
            .into_iter()
            .map(|l| PersonGrade {
                person_id: l.person_id,
                grade: l.grade,
            })
            .collect())
    }

    /// Computes the run from the district's pool and the grades of [`Self::grades_for_run`]
    /// with [`jiguan_domain::pay::compute`], and stores the shares on the lines.
    pub async fn compute_pay_run(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: PayRunId,
    ) -> AppResult<RunResult> {
        self.require_unit(actor, Action::PayRun, unit).await?;
        let run = self.run_of(actor, unit, id).await?;
        PAY_RUNS.check_editable(run.status)?;
        let pool = self
            .pool_of(actor, unit, run.year)
            .await?
            .ok_or_else(|| FieldError::new("pool", "pay_pool_missing").with("year", run.year))?;
        let grades: BTreeMap<i64, Grade> = self
            .grades_for_run(actor, unit, &run)
            .await?
            .into_iter()
            .map(|g| (g.person_id, g.grade))
            .collect();
        let lines: Vec<PayLine> = self
            .store
            .pay_lines(RunAt::of(actor, unit, id))
            .await?
            .into_iter()
            .filter_map(|RunLineRecord { line: l, .. }| {
                grades.get(&l.person_id).map(|g| PayLine {
                    person_id: l.person_id,
                    name: l.name,
                    grade: *g,
                    post_coef: l.post_coef,
                    months: l.months,
                    basic_salary: l.basic_salary,
                })
            })
            .collect();
        let result = pay::compute(pool.amount, &self.pay_scheme(), &lines)?;
        let audit = self
            .audit(actor)
            .unit(unit)
            .did(AuditAction::PayRunCompute)
            .on(ObjectKind::PayRun, id)
            .after(&Computed {
                pool: result.pool,
                people: result.lines.len(),
                remainder_fen: result.remainder_fen,
                ratio: result.spread.ratio,
                gini: result.spread.gini,
                bonus_total: result.bonus_total,
            });
        self.store
            .pay_save_result(RunAt::of(actor, unit, id), &result, audit)
            .await
            .map_err(|e| status_err(e, run.status))?;
        Ok(result)
    }

    /// Submits a computed run to the unit's leadership.
    pub async fn submit_pay_run(&self, actor: &Actor, unit: UnitId, id: PayRunId) -> AppResult<()> {
        self.require_step(actor, &PAY_RUNS, Step::Submit, unit)
            .await?;
        let v = self.pay_run(actor, unit, id).await?;
        PAY_RUNS.check(Step::Submit, v.run.status)?;
        if !v.computed {
            return Err(AppError::field("lines", "pay_not_computed"));
        }
        let title = format!("{} 年度绩效分配", v.run.year);
        self.record_step(
            actor,
            unit,
            (id, v.run.status, &title),
            Step::Submit,
            StepInput::default(),
        )
        .await
    }

    /// Approves a submitted run (unit leadership). Rejecting and reopening go through
    /// [`App::step_plan`].
    pub async fn approve_pay_run(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: PayRunId,
    ) -> AppResult<()> {
        self.pay_step(actor, unit, id, Step::Approve).await
    }

    /// Applies (发放) an approved run: its lines are final.
    pub async fn apply_pay_run(&self, actor: &Actor, unit: UnitId, id: PayRunId) -> AppResult<()> {
        self.pay_step(actor, unit, id, Step::Apply).await
    }

    async fn pay_step(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: PayRunId,
        step: Step,
    ) -> AppResult<()> {
        self.require_step(actor, &PAY_RUNS, step, unit).await?;
        let (from, title) = id.head(self, actor, unit).await?;
        self.record_step(actor, unit, (id, from, &title), step, StepInput::default())
            .await
    }

    /// One person's slip: the line with every factor and the run's totals.
    pub async fn pay_slip(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: PayRunId,
        person: PersonId,
    ) -> AppResult<(RunView, RunLineRecord)> {
        let v = self.pay_run(actor, unit, id).await?;
        let line = v
            .lines
            .iter()
            .find(|l| l.person_id == person.0 && l.result.is_some())
            .cloned()
            .ok_or(AppError::NotFound)?;
        Ok((v, line))
    }

    /// The district's report for a year over every unit's computed run.
    pub async fn pay_report(&self, actor: &Actor, year: i32) -> AppResult<DistrictReport> {
        self.require(actor, Action::PayView)?;
        self.require(actor, Action::UnitsList)?;
        check_year(year)?;
        let pools = self.store.pay_pools(actor.district_id, year).await?;
        let rows = self
            .store
            .pay_district_shares(actor.district_id, year)
            .await?;
        Ok(district_report(year, &pools, &rows))
    }
}

/// Builds the district report from the pools and the computed shares (pure; benchmarked
/// over 2,000 units).
pub fn district_report(
    year: i32,
    pools: &[PoolRecord],
    rows: &[super::ShareRow],
) -> DistrictReport {
    let mut by_unit: BTreeMap<UnitId, Vec<(Grade, Money)>> = BTreeMap::new();
    for r in rows {
        by_unit
            .entry(r.unit_id)
            .or_default()
            .push((r.grade, r.share));
    }
    let units = pools
        .iter()
        .filter_map(|p| {
            let g = by_unit.get(&p.unit_id)?;
            let shares: Vec<Money> = g.iter().map(|(_, m)| *m).collect();
            Some(UnitReport {
                unit_id: p.unit_id,
                unit_name: p.unit_name.clone(),
                pool: p.amount,
                spread: spread(&shares),
                by_grade: grade_stats(g),
            })
        })
        .collect();
    let all: Vec<(Grade, Money)> = rows.iter().map(|r| (r.grade, r.share)).collect();
    let by_grade = grade_stats(&all);
    let base = by_grade
        .iter()
        .find(|g| g.grade == Grade::Competent)
        .map(|g| g.mean)
        .filter(|m| m.fen() > 0);
    let grade_index = match base {
        Some(b) => by_grade
            .iter()
            .map(|g| {
                (
                    g.grade,
                    (Decimal::from(g.mean.fen()) / Decimal::from(b.fen())).round_dp(2),
                )
            })
            .collect(),
        None => Vec::new(),
    };
    DistrictReport {
        year,
        units,
        by_grade,
        grade_index,
    }
}
