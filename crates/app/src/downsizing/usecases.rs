//! The downsizing use cases: plans, lines, candidates, figures, workflow, apply and the
//! district summary.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use jiguan_domain::FieldError;
use jiguan_domain::audit::{AuditAction, ObjectKind};
use jiguan_domain::auth::{Action, Actor};
use jiguan_domain::downsizing::figures::{Facts, Figures, Policy, Totals, line_figures, totals};
use jiguan_domain::downsizing::{
    CandidateReason, LineId, NOTE_MAX, PlanId, PlanStatus, Route, TITLE_MAX, parse_term, routes_for,
};
use jiguan_domain::error::{Errors, required_text};
use jiguan_domain::money::Money;
use jiguan_domain::people::person::optional_text;
use jiguan_domain::people::{Identity, PersonId, Status, parse_date};
use jiguan_domain::tenancy::{DistrictId, UnitId};
use jiguan_domain::workflow::{DOWNSIZING_PLANS, Move, Step, StepInput, Workflow};

use super::{ApplyItem, ApplyWrite, LineRecord, LineWrite, PlanEvent, PlanRecord};
use crate::people::{OccupancyCount, PersonRecord};
use crate::ports::{Conflict, ListQuery, Page, StoreError, Unit};
use crate::workflow::{PlanRef, status_err};
use crate::{App, AppError, AppResult};

/// A new plan, as audited.
#[derive(Serialize)]
struct NewPlan<'a> {
    title: &'a str,
    effective: NaiveDate,
}

/// A line saved, as audited.
#[derive(Serialize)]
struct LineSaved<'a> {
    person: i64,
    name: &'a str,
    route: Route,
    term_years: Option<u32>,
    note: &'a str,
}

/// A line removed, as audited.
#[derive(Serialize)]
struct LineRemoved {
    line: LineId,
}

/// What a workflow step of a plan records in the audit.
#[derive(Serialize)]
pub struct StepAfter {
    status: PlanStatus,
    comment: String,
    doc_no: Option<String>,
}

impl From<&Move> for StepAfter {
    fn from(m: &Move) -> Self {
        StepAfter {
            status: m.to,
            comment: m.comment().to_string(),
            doc_no: m.doc_no.clone(),
        }
    }
}

/// What applying a plan did, as audited.
#[derive(Serialize)]
struct Applied<'a> {
    status: PlanStatus,
    effective: NaiveDate,
    cut: i64,
    one_off: Money,
    annual_saving: Money,
    people: &'a [i64],
}

// A line as entered: the web form and the JSON body (`DownLineBody`; no description in
// the OpenAPI document).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = DownLineBody))]
#[serde(default)]
pub struct LineForm {
    /// The person's id.
    pub person: String,
    /// redeploy, early_retirement, leave_post, release, new_contract.
    pub route: String,
    /// Contract term in years (new_contract).
    pub term_years: String,
    pub note: String,
}

/// A line with its person and its figures.
#[derive(Debug, Clone, Serialize)]
pub struct LineView {
    pub line: LineRecord,
    pub person: Option<PersonRecord>,
    /// The figures: recomputed (not applied) or the snapshot (applied). `None` when the
    /// person or a figure cannot be computed any more.
    pub figures: Option<Figures>,
}

/// A plan with its lines, totals and history.
#[derive(Debug, Clone, Serialize)]
pub struct PlanView {
    pub plan: PlanRecord,
    pub unit_name: String,
    pub lines: Vec<LineView>,
    pub totals: Totals,
    pub events: Vec<PlanEvent>,
}

/// A candidate for a plan with the routes open to them.
#[derive(Debug, Clone, Serialize)]
pub struct Candidate {
    pub person: PersonRecord,
    pub reasons: Vec<CandidateReason>,
    /// Every route of the identity with its eligibility (figures on the effective date).
    pub routes: Vec<Figures>,
}

/// One unit of the district summary: cuts of approved and applied plans.
#[derive(Debug, Clone, Serialize)]
pub struct UnitDownsizing {
    pub unit: Unit,
    pub plans: usize,
    /// Status of the newest plan.
    pub status: Option<PlanStatus>,
    pub totals: Totals,
}

/// The district summary: per unit and in all.
#[derive(Debug, Clone, Serialize)]
pub struct DistrictDownsizing {
    pub units: Vec<UnitDownsizing>,
    pub cut: i64,
    pub units_with_cuts: usize,
    pub one_off: Money,
    pub annual_saving: Money,
}

fn from_json(s: &str) -> Option<Figures> {
    serde_json::from_str(s).ok()
}

fn to_json(f: &Figures) -> AppResult<String> {
    serde_json::to_string(f).map_err(|e| AppError::Internal(e.to_string()))
}

/// The facts the figures need from a person record.
pub fn facts_of(p: &PersonRecord) -> Facts {
    Facts {
        identity: p.identity,
        male: p.gender == "male",
        birth: p.birth_date,
        work_start: p.work_start,
        unit_join: p.unit_join,
        cost: p.cost,
    }
}

/// Whether a person can still be put on a plan of `unit`: home unit, on post or lent out.
fn in_unit(p: &PersonRecord, unit: UnitId) -> bool {
    p.unit_id == unit && matches!(p.status, Status::OnPost | Status::LentOut)
}

impl PlanRef for PlanId {
    const FLOW: &'static Workflow = &DOWNSIZING_PLANS;
    type After = StepAfter;
    async fn head(self, app: &App, actor: &Actor, unit: UnitId) -> AppResult<(PlanStatus, String)> {
        let p = app.down_plan_of(actor, unit, self).await?;
        Ok((p.status, p.title))
    }
}

impl App {
    /// Today in China (the default effective date).
    pub fn down_today(&self) -> NaiveDate {
        self.people_today()
    }

    /// The policy values in force for a unit.
    pub async fn down_policy(&self, d: DistrictId, unit: UnitId) -> AppResult<Policy> {
        let params = self.calc_params(d, Some(unit)).await?;
        Ok(Policy::from_params(&params)?)
    }

    async fn down_plan_of(&self, actor: &Actor, unit: UnitId, id: PlanId) -> AppResult<PlanRecord> {
        self.store
            .down_plan(actor.district_id, unit, id)
            .await?
            .ok_or(AppError::NotFound)
    }

    /// People on the unit's other plans still under way (draft, submitted, approved), with
    /// the plan's title: a person is on one such plan at a time.
    async fn on_open_plans(
        &self,
        actor: &Actor,
        unit: UnitId,
        except: PlanId,
    ) -> AppResult<BTreeMap<i64, String>> {
        let d = actor.district_id;
        let mut out = BTreeMap::new();
        for p in self.store.down_plans(d, Some(unit)).await? {
            if p.id == except || !p.status.is_open() {
                continue;
            }
            for l in self.store.down_lines(d, unit, p.id).await? {
                out.insert(l.person_id, p.title.clone());
            }
        }
        Ok(out)
    }

    /// The plans of a unit, newest first (DownsizingView).
    pub async fn down_plans(&self, actor: &Actor, unit: UnitId) -> AppResult<Vec<PlanRecord>> {
        self.require_unit(actor, Action::DownsizingView, unit)
            .await?;
        Ok(self.store.down_plans(actor.district_id, Some(unit)).await?)
    }

    /// Starts a draft plan (DownsizingManage). Errors: `title`, `effective`.
    pub async fn down_create_plan(
        &self,
        actor: &Actor,
        unit: UnitId,
        title: &str,
        effective: &str,
    ) -> AppResult<PlanId> {
        self.require_unit(actor, Action::DownsizingManage, unit)
            .await?;
        let mut errs = Errors::new();
        let title = errs.take(required_text("title", title, TITLE_MAX));
        let on = errs.take(parse_date("effective", effective));
        errs.into_result()?;
        let (Some(title), Some(on)) = (title, on) else {
            return Err(AppError::Internal("unreachable".into()));
        };
        let audit = self
            .audit(actor)
            .unit(unit)
            .did(AuditAction::DownsizingPlanCreate)
            .on(ObjectKind::DownsizingPlan, "")
            .after(&NewPlan {
                title: &title,
                effective: on,
            });
        Ok(self
            .store
            .down_create_plan(actor.district_id, unit, &title, on, audit)
            .await?)
    }

    /// A plan's lines with their people (home at the unit; only the people of the lines
    /// are read) and figures: recomputed by the rules unless applied, the snapshot if so.
    async fn plan_lines(
        &self,
        actor: &Actor,
        unit: UnitId,
        plan: &PlanRecord,
    ) -> AppResult<Vec<LineView>> {
        let d = actor.district_id;
        let lines = self.store.down_lines(d, unit, plan.id).await?;
        let ids: Vec<PersonId> = lines
            .iter()
            .map(|l| l.person_id)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .map(PersonId)
            .collect();
        let people: BTreeMap<i64, PersonRecord> = self
            .store
            .people_by_ids(d, &ids)
            .await?
            .into_iter()
            .filter(|p| p.unit_id == unit)
            .map(|p| (p.id, p))
            .collect();
        let policy = if plan.status == PlanStatus::Applied {
            None
        } else {
            Some(self.down_policy(d, unit).await?)
        };
        let mut out = Vec::with_capacity(lines.len());
        for l in lines {
            let person = people.get(&l.person_id).cloned();
            let figures = match (&policy, &person) {
                (Some(pol), Some(p)) => {
                    line_figures(&facts_of(p), l.route, plan.effective, l.term_years, pol).ok()
                }
                _ => from_json(&l.figures_json),
            };
            out.push(LineView {
                line: l,
                person,
                figures,
            });
        }
        Ok(out)
    }

    /// The share's denominator: people of `unit` (home unit) on post or lent out, every
    /// establishment kind, from the occupancy counters (not the unit's roster).
    async fn staff_base(&self, d: DistrictId, unit: UnitId) -> AppResult<i64> {
        Ok(occupied(&self.store.occupancy(d, Some(unit)).await?, unit))
    }

    pub(crate) async fn view_of(
        &self,
        actor: &Actor,
        unit: UnitId,
        plan: PlanRecord,
    ) -> AppResult<PlanView> {
        let d = actor.district_id;
        let out = self.plan_lines(actor, unit, &plan).await?;
        let base = match plan.staff_base {
            Some(b) => b,
            None => self.staff_base(d, unit).await?,
        };
        let t = totals(out.iter().filter_map(|l| l.figures.as_ref()), base);
        let events = self.store.down_events(d, unit, plan.id).await?;
        let unit_name = self
            .store
            .get_unit(d, unit)
            .await?
            .map(|u| u.name)
            .unwrap_or_default();
        Ok(PlanView {
            plan,
            unit_name,
            lines: out,
            totals: t,
            events,
        })
    }

    /// A plan with its lines, figures (through the rules code), totals and history
    /// (DownsizingView).
    pub async fn down_plan(&self, actor: &Actor, unit: UnitId, id: PlanId) -> AppResult<PlanView> {
        self.require_unit(actor, Action::DownsizingView, unit)
            .await?;
        let plan = self.down_plan_of(actor, unit, id).await?;
        self.view_of(actor, unit, plan).await
    }

    /// One page of the candidates for a plan (DownsizingView): people of the unit on post
    /// or lent out who hold no post, whose body was abolished or merged, or whose identity
    /// is in `identities`; people already on the plan or on another plan under way are left
    /// out. `q`: the search text (in the name or post) and the page; in name order, with
    /// the total. Read by the store's one query of the candidates, never the unit's roster;
    /// the routes' figures are computed for the page's people only.
    pub async fn down_candidates(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: PlanId,
        identities: &[Identity],
        q: &ListQuery,
    ) -> AppResult<Page<Candidate>> {
        self.require_unit(actor, Action::DownsizingView, unit)
            .await?;
        let d = actor.district_id;
        let plan = self.down_plan_of(actor, unit, id).await?;
        let page = self
            .store
            .down_candidates(d, unit, id, identities, q)
            .await?;
        let policy = self.down_policy(d, unit).await?;
        let items = page
            .items
            .into_iter()
            .map(|c| {
                let facts = facts_of(&c.person);
                let routes = routes_for(c.person.identity)
                    .iter()
                    .filter_map(|r| line_figures(&facts, *r, plan.effective, Some(3), &policy).ok())
                    .collect();
                Candidate {
                    person: c.person,
                    reasons: c.reasons,
                    routes,
                }
            })
            .collect();
        Ok(Page {
            items,
            total: page.total,
            page: page.page,
            per_page: page.per_page,
        })
    }

    /// Adds a line, or replaces the person's line (DownsizingManage; draft plans only).
    /// Every error at once: `person` (required, number_invalid, not_found,
    /// down_person_not_on_post), `route` (required, choice_invalid, route_not_allowed,
    /// not_eligible with the rules' reasons), `term_years`, `note`.
    pub async fn down_save_line(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: PlanId,
        f: &LineForm,
    ) -> AppResult<LineId> {
        self.require_unit(actor, Action::DownsizingManage, unit)
            .await?;
        let d = actor.district_id;
        let plan = self.down_plan_of(actor, unit, id).await?;
        DOWNSIZING_PLANS.check_editable(plan.status)?;
        let mut errs = Errors::new();
        let person = match f.person.trim() {
            "" => {
                errs.push(FieldError::new("person", "required"));
                None
            }
            s => match s.parse::<i64>() {
                Ok(pid) => match self
                    .store
                    .get_person(d, jiguan_domain::people::PersonId(pid))
                    .await?
                {
                    Some(p) if p.unit_id == unit => {
                        let elsewhere = self.on_open_plans(actor, unit, plan.id).await?;
                        if let Some(title) = elsewhere.get(&p.id) {
                            errs.push(
                                FieldError::new("person", "down_person_on_other_plan")
                                    .with("plan", title),
                            );
                            None
                        } else if in_unit(&p, unit) {
                            Some(p)
                        } else {
                            errs.push(FieldError::new("person", "down_person_not_on_post"));
                            None
                        }
                    }
                    _ => {
                        errs.push(FieldError::new("person", "not_found"));
                        None
                    }
                },
                Err(_) => {
                    errs.push(FieldError::new("person", "number_invalid"));
                    None
                }
            },
        };
        let route = errs.take(Route::parse("route", &f.route));
        let term = if route == Some(Route::NewContract) {
            errs.take(parse_term("term_years", &f.term_years))
        } else {
            None
        };
        let note = errs.take(optional_text("note", &f.note, NOTE_MAX));
        let mut figures = None;
        if let (Some(p), Some(r)) = (&person, route) {
            if !routes_for(p.identity).contains(&r) {
                errs.push(
                    FieldError::new("route", "route_not_allowed")
                        .with("identity", p.identity.zh())
                        .with("route", r.zh()),
                );
            } else if r != Route::NewContract || term.is_some() {
                let policy = self.down_policy(d, unit).await?;
                match line_figures(&facts_of(p), r, plan.effective, term, &policy) {
                    Ok(fig) if fig.eligible => figures = Some(fig),
                    Ok(fig) => errs.push(
                        FieldError::new("route", "not_eligible")
                            .with("route", r.zh())
                            .with("reasons", fig.reasons.join(", ")),
                    ),
                    Err(e) => errs.push(e),
                }
            }
        }
        errs.into_result()?;
        let (Some(p), Some(r), Some(note), Some(fig)) = (person, route, note, figures) else {
            return Err(AppError::Internal("unreachable".into()));
        };
        let w = LineWrite {
            person_id: p.id,
            route: r,
            note,
            term_years: term,
            figures_json: to_json(&fig)?,
        };
        let audit = self
            .audit(actor)
            .unit(unit)
            .did(AuditAction::DownsizingLineSave)
            .on(ObjectKind::DownsizingPlan, plan.id)
            .after(&LineSaved {
                person: p.id,
                name: &p.name,
                route: r,
                term_years: term,
                note: &w.note,
            });
        self.store
            .down_save_line(d, unit, plan.id, &w, audit.at, audit)
            .await
            .map_err(|e| status_err(e, plan.status))
    }

    /// Removes a line (DownsizingManage; draft plans only).
    pub async fn down_remove_line(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: PlanId,
        line: LineId,
    ) -> AppResult<()> {
        self.require_unit(actor, Action::DownsizingManage, unit)
            .await?;
        let plan = self.down_plan_of(actor, unit, id).await?;
        DOWNSIZING_PLANS.check_editable(plan.status)?;
        let audit = self
            .audit(actor)
            .unit(unit)
            .did(AuditAction::DownsizingLineRemove)
            .on(ObjectKind::DownsizingPlan, plan.id)
            .before(&LineRemoved { line });
        self.store
            .down_remove_line(actor.district_id, unit, plan.id, line, audit)
            .await
            .map_err(|e| status_err(e, plan.status))
    }

    /// Submits a draft to the district (DownsizingManage): it needs a line, and every line
    /// must still be eligible today.
    pub async fn down_submit(&self, actor: &Actor, unit: UnitId, id: PlanId) -> AppResult<()> {
        self.require_step(actor, &DOWNSIZING_PLANS, Step::Submit, unit)
            .await?;
        let plan = self.down_plan_of(actor, unit, id).await?;
        DOWNSIZING_PLANS.check(Step::Submit, plan.status)?;
        let v = self.view_of(actor, unit, plan.clone()).await?;
        if v.lines.is_empty() {
            return Err(FieldError::new("lines", "plan_empty").into());
        }
        let bad: Vec<FieldError> = v
            .lines
            .iter()
            .filter(|l| !l.figures.as_ref().is_some_and(|f| f.eligible))
            .map(|l| {
                FieldError::new("lines", "down_line_invalid").with(
                    "name",
                    l.person
                        .as_ref()
                        .map(|p| p.name.clone())
                        .unwrap_or_default(),
                )
            })
            .collect();
        if !bad.is_empty() {
            return Err(AppError::Invalid(bad));
        }
        let key = (id, plan.status, plan.title.as_str());
        self.record_step(actor, unit, key, Step::Submit, StepInput::default())
            .await
    }

    /// Applies an approved plan (DownsizingManage) in one transaction: statuses, history,
    /// post assignments ended, contracts, frozen figures, plan status and audit. Errors:
    /// `status`/`plan_status_invalid`, `person`/`down_person_changed` (nothing changes).
    pub async fn down_apply(&self, actor: &Actor, unit: UnitId, id: PlanId) -> AppResult<()> {
        self.require_step(actor, &DOWNSIZING_PLANS, Step::Apply, unit)
            .await?;
        let plan = self.down_plan_of(actor, unit, id).await?;
        DOWNSIZING_PLANS.check(Step::Apply, plan.status)?;
        let v = self.view_of(actor, unit, plan.clone()).await?;
        let mut errs = Vec::new();
        let mut items = Vec::new();
        for l in &v.lines {
            let name = l
                .person
                .as_ref()
                .map(|p| p.name.clone())
                .unwrap_or_default();
            match (&l.person, &l.figures) {
                (Some(p), _) if in_unit(p, unit) && p.status_since > plan.effective => {
                    // The history stays in date order (as in the people module).
                    errs.push(
                        FieldError::new("effective", "date_before_last")
                            .with("date", p.status_since)
                            .with("name", name),
                    );
                }
                (Some(p), Some(fig)) if in_unit(p, unit) && fig.eligible => {
                    items.push(ApplyItem {
                        line_id: l.line.id,
                        person_id: p.id,
                        new_status: fig.route.new_status(),
                        cut: fig.cut,
                        contract: fig.contract,
                        figures_json: to_json(fig)?,
                        note: format!("{}：{}", plan.title, fig.route.zh()),
                    });
                }
                (Some(p), _) if !in_unit(p, unit) => {
                    errs.push(FieldError::new("person", "down_person_changed").with("name", name));
                }
                _ => errs.push(FieldError::new("lines", "down_line_invalid").with("name", name)),
            }
        }
        if !errs.is_empty() {
            return Err(AppError::Invalid(errs));
        }
        let step = self.start_step(
            actor,
            &DOWNSIZING_PLANS,
            Step::Apply,
            plan.id.0,
            plan.status,
            StepInput::default(),
        )?;
        let people_cut: Vec<i64> = items.iter().map(|i| i.person_id).collect();
        let audit = self
            .step_audit(
                actor,
                unit,
                &DOWNSIZING_PLANS,
                ObjectKind::DownsizingPlan,
                &step,
            )
            .after(&Applied {
                status: step.to,
                effective: plan.effective,
                cut: v.totals.cut,
                one_off: v.totals.one_off,
                annual_saving: v.totals.annual_saving,
                people: &people_cut,
            });
        let w = ApplyWrite {
            step,
            effective: plan.effective,
            staff_base: v.totals.staff_base,
            doc_no: plan.doc_no.clone(),
            items,
        };
        let people: BTreeMap<i64, String> = v
            .lines
            .iter()
            .filter_map(|l| l.person.as_ref().map(|p| (p.id, p.name.clone())))
            .collect();
        self.store
            .down_apply(actor.district_id, unit, &w, audit)
            .await
            .map_err(|e| match e {
                StoreError::Conflict(Conflict::Person(id)) => {
                    let name = people.get(&id).cloned().unwrap_or_default();
                    FieldError::new("person", "down_person_changed")
                        .with("name", name)
                        .into()
                }
                other => status_err(other, plan.status),
            })
    }

    /// Labour contracts signed by the unit's plans (重新签订劳动合同), newest first, with the
    /// person's name (DownsizingView).
    pub async fn down_contracts(
        &self,
        actor: &Actor,
        unit: UnitId,
    ) -> AppResult<Vec<(super::ContractRecord, String)>> {
        self.require_unit(actor, Action::DownsizingView, unit)
            .await?;
        // The names of the contracts' people only (not the unit's whole roster).
        let contracts = self
            .store
            .down_contracts(actor.district_id, unit, None)
            .await?;
        let ids: BTreeSet<PersonId> = contracts.iter().map(|c| PersonId(c.person_id)).collect();
        let ids: Vec<PersonId> = ids.into_iter().collect();
        let names: BTreeMap<i64, String> = self
            .store
            .people_by_ids(actor.district_id, &ids)
            .await?
            .into_iter()
            .map(|p| (p.id, p.name))
            .collect();
        Ok(contracts
            .into_iter()
            .map(|c| {
                let n = names.get(&c.person_id).cloned().unwrap_or_default();
                (c, n)
            })
            .collect())
    }

    /// The district summary (DownsizingView): per unit the cuts of its approved and
    /// applied plans; unit accounts see their own unit only.
    pub async fn down_district(&self, actor: &Actor) -> AppResult<DistrictDownsizing> {
        self.require(actor, Action::DownsizingView)?;
        let units = self.visible_units(actor).await?;
        let plans = self.store.down_plans(actor.district_id, None).await?;
        let occupancy = self
            .store
            .occupancy(actor.district_id, actor.unit_id)
            .await?;
        self.down_units(actor, units, &plans, &occupancy).await
    }

    /// The district summary of `units` from the district's `plans` and the `occupancy`
    /// of the actor's scope (the staff bases): per approved or applied plan its lines and
    /// their people only are read.
    pub(crate) async fn down_units(
        &self,
        actor: &Actor,
        units: Vec<Unit>,
        plans: &[PlanRecord],
        occupancy: &[OccupancyCount],
    ) -> AppResult<DistrictDownsizing> {
        let mut out = Vec::new();
        for u in units {
            if !actor.sees_unit(u.district_id, u.id) {
                continue;
            }
            let mine: Vec<&PlanRecord> = plans.iter().filter(|p| p.unit_id == u.id).collect();
            let counted = mine
                .iter()
                .filter(|p| matches!(p.status, PlanStatus::Approved | PlanStatus::Applied));
            let mut figs = Vec::new();
            for p in counted.clone() {
                let lines = self.plan_lines(actor, u.id, p).await?;
                figs.extend(lines.into_iter().filter_map(|l| l.figures));
            }
            // The first counted plan's base, else the people on post or lent out today.
            let base = counted
                .clone()
                .next()
                .and_then(|p| p.staff_base)
                .unwrap_or_else(|| occupied(occupancy, u.id));
            out.push(UnitDownsizing {
                plans: mine.len(),
                status: mine.first().map(|p| p.status),
                totals: totals(figs.iter(), base),
                unit: u,
            });
        }
        let cut = out.iter().map(|u| u.totals.cut).sum();
        Ok(DistrictDownsizing {
            cut,
            units_with_cuts: out.iter().filter(|u| u.totals.cut > 0).count(),
            one_off: Money(out.iter().map(|u| u.totals.one_off.0).sum()),
            annual_saving: Money(out.iter().map(|u| u.totals.annual_saving.0).sum()),
            units: out,
        })
    }
}

/// The share's denominator from the `occupancy` counters: people of `unit` (home unit) on
/// post or lent out, every establishment kind.
fn occupied(occupancy: &[OccupancyCount], unit: UnitId) -> i64 {
    occupancy
        .iter()
        .filter(|c| c.unit_id == unit)
        .map(|c| c.count)
        .sum()
}
