//! Reorganisation plans (机构改革方案): drafting operations, the preview, and the workflow
//! draft → submitted → approved / rejected → applied. Preview and application both run
//! [`jiguan_domain::org::plan::apply`] over the structure on the date concerned.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use jiguan_domain::FieldError;
use jiguan_domain::audit::{AuditAction, ObjectKind};
use jiguan_domain::auth::{Action, Actor};
use jiguan_domain::error::required_text;
use jiguan_domain::org::analysis::{FunctionIssue, analyse};
use jiguan_domain::org::compare::{Comparison, compare};
use jiguan_domain::org::plan::{
    EstablishmentChange, OpError, PlanOp, StaffMove, apply, next_temp, staff_destinations,
};
use jiguan_domain::org::structure::{
    Counts as StructureCounts, NAME_MAX, SHORT_MAX, count_field, optional_id, optional_text,
    parse_date,
};
use jiguan_domain::org::{BodyId, BodyKind, FunctionId, PlanId, PlanStatus, Structure};
use jiguan_domain::people::EstablishmentKind;
use jiguan_domain::people::establishment::{QuotaKind, body_allows};
use jiguan_domain::tenancy::UnitId;
use jiguan_domain::workflow::{Move, ORG_PLANS, Step, StepInput, Workflow};

use super::{PlanRecord, StructureWrite};
use crate::people::PeopleFilter;
use crate::ports::{Conflict, StoreError};
use crate::workflow::{PlanRef, SimpleStep, status_err};
use crate::{App, AppError, AppResult};

/// A plan's title, as audited when it is created.
#[derive(Serialize)]
struct Titled<'a> {
    title: &'a str,
}

/// What a workflow step of a plan records in the audit.
#[derive(Serialize)]
pub struct StepAfter {
    status: PlanStatus,
    reason: Option<String>,
    doc_no: Option<String>,
}

impl From<&Move> for StepAfter {
    fn from(m: &Move) -> Self {
        StepAfter {
            status: m.to,
            reason: m.reason.clone(),
            doc_no: m.doc_no.clone(),
        }
    }
}

/// The state of the unit before a plan is applied, as audited.
#[derive(Serialize)]
struct ApplyBefore {
    status: PlanStatus,
    counts: StructureCounts,
}

/// What applying a plan did, as audited (the store adds the ids given to new rows).
#[derive(Serialize)]
struct ApplyAfter<'a> {
    status: PlanStatus,
    effective: NaiveDate,
    doc_no: &'a str,
    ops: &'a [PlanOp],
    counts: StructureCounts,
    staff: &'a [StaffMove],
}

/// An operation as entered in the plan form.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct OpForm {
    /// create, rename, merge, abolish, convert, move_function.
    pub op: String,
    pub body: String,
    pub name: String,
    pub short_name: String,
    pub kind: String,
    pub parent: String,
    pub establishment: String,
    /// Bodies merged (merge).
    pub sources: Vec<String>,
    /// The absorbing body (merge).
    pub into: String,
    /// Function item (move_function).
    pub item: String,
    /// Receiving body (move_function); empty: none.
    pub to: String,
}

/// A plan with its preview: the structure before and after its operations on a date.
#[derive(Debug, Clone, Serialize)]
pub struct PlanView {
    pub plan: PlanRecord,
    /// The date previewed: today for a plan not yet applied, else its effective date.
    pub on: NaiveDate,
    pub before: Structure,
    /// The structure after the operations, unless one fails.
    pub after: Option<Structure>,
    pub error: Option<OpError>,
    pub comparison: Option<Comparison>,
    pub issues_after: Vec<FunctionIssue>,
    /// People the plan moves (follow the successor, or go to the redeployment pool).
    /// For an applied plan: the moves it recorded.
    pub staff: Vec<StaffMove>,
    /// Staff per body concerned, before and after the moves.
    pub staff_counts: Vec<StaffCount>,
    /// Moves that would exceed a receiving body's approved establishment (apply refuses).
    pub staff_problems: Vec<FieldError>,
    /// The unit's establishment total before and after (a rise needs a 文号).
    pub establishment: Option<EstablishmentChange>,
}

/// Staff (home roster: on post, lent out) of a body before and after a plan's moves.
/// `body` `None`: the redeployment pool (统一调剂).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StaffCount {
    pub body: Option<BodyId>,
    pub name: String,
    pub before: i64,
    pub after: i64,
}

/// The staff counts of the bodies a list of moves concerns.
pub fn staff_counts(
    before: &Structure,
    after: &Structure,
    roster: &[(Option<i64>, i64)],
    moves: &[StaffMove],
) -> Vec<StaffCount> {
    let mut keys: Vec<Option<BodyId>> = Vec::new();
    for m in moves {
        for k in [Some(m.from), m.to] {
            if !keys.contains(&k) {
                keys.push(k);
            }
        }
    }
    keys.sort();
    keys.into_iter()
        .map(|k| {
            let now = roster
                .iter()
                .filter(|(b, _)| *b == k.map(|x| x.0))
                .map(|(_, n)| *n)
                .sum::<i64>();
            let out = moves.iter().filter(|m| Some(m.from) == k).count() as i64;
            let inn = moves.iter().filter(|m| m.to == k).count() as i64;
            let name = match k {
                Some(b) if after.body(b).is_some() => after.name_of(b),
                Some(b) => before.name_of(b),
                None => "统一调剂".to_string(),
            };
            StaffCount {
                body: k,
                name,
                before: now,
                after: now - out + inn,
            }
        })
        .collect()
}

fn body_id(field: &str, v: &str) -> Result<BodyId, FieldError> {
    optional_id(field, v)?
        .map(BodyId)
        .ok_or_else(|| FieldError::new(field, "required"))
}

impl OpForm {
    /// The operation, with `temp` the id a created body gets.
    pub fn parse(&self, temp: BodyId) -> Result<PlanOp, FieldError> {
        Ok(match self.op.trim() {
            "create" => PlanOp::Create {
                temp,
                name: required_text("name", &self.name, NAME_MAX)?,
                short_name: optional_text("short_name", &self.short_name, SHORT_MAX)?,
                kind: BodyKind::parse("kind", &self.kind)?,
                parent: optional_id("parent", &self.parent)?.map(BodyId),
                establishment: count_field("establishment", &self.establishment, 10_000, 0)?,
            },
            "rename" => PlanOp::Rename {
                body: body_id("body", &self.body)?,
                name: required_text("name", &self.name, NAME_MAX)?,
                short_name: optional_text("short_name", &self.short_name, SHORT_MAX)?,
            },
            "merge" => {
                let mut sources = Vec::new();
                for s in self.sources.iter().filter(|s| !s.trim().is_empty()) {
                    sources.push(body_id("sources", s)?);
                }
                if sources.is_empty() {
                    return Err(FieldError::new("sources", "required"));
                }
                PlanOp::Merge {
                    sources,
                    into: body_id("into", &self.into)?,
                }
            }
            "abolish" => PlanOp::Abolish {
                body: body_id("body", &self.body)?,
            },
            "convert" => PlanOp::Convert {
                body: body_id("body", &self.body)?,
            },
            "move_function" => PlanOp::MoveFunction {
                item: optional_id("item", &self.item)?
                    .map(FunctionId)
                    .ok_or_else(|| FieldError::new("item", "required"))?,
                to: optional_id("to", &self.to)?.map(BodyId),
            },
            "" => return Err(FieldError::new("op", "required")),
            _ => return Err(FieldError::new("op", "choice_invalid")),
        })
    }
}

impl PlanRef for PlanId {
    const FLOW: &'static Workflow = &ORG_PLANS;
    type After = StepAfter;
    async fn head(self, app: &App, actor: &Actor, unit: UnitId) -> AppResult<(PlanStatus, String)> {
        let p = app.plan_of(actor, unit, self).await?;
        Ok((p.status, p.title))
    }

    /// Approving without a 文号 a plan that raises the unit's establishment total is
    /// refused with the figures (a rise needs the approving document).
    async fn check(
        self,
        app: &App,
        actor: &Actor,
        unit: UnitId,
        step: SimpleStep<'_>,
    ) -> AppResult<()> {
        let SimpleStep::Approve(doc_no) = step else {
            return Ok(());
        };
        if !doc_no.trim().is_empty() {
            return Ok(());
        }
        let plan = app.plan_of(actor, unit, self).await?;
        let now = app
            .store
            .load_structure(actor.district_id, unit, app.org_today())
            .await?;
        if let Ok(after) = apply(&now, &plan.ops, &plan.doc_no) {
            EstablishmentChange::of(&now, &after).check_doc(doc_no)?;
        }
        Ok(())
    }
}

impl App {
    pub async fn org_plans(&self, actor: &Actor, unit: UnitId) -> AppResult<Vec<PlanRecord>> {
        self.require_unit(actor, Action::OrgView, unit).await?;
        Ok(self.store.list_plans(actor.district_id, unit).await?)
    }

    async fn plan_of(&self, actor: &Actor, unit: UnitId, id: PlanId) -> AppResult<PlanRecord> {
        self.store
            .get_plan(actor.district_id, unit, id)
            .await?
            .ok_or(AppError::NotFound)
    }

    /// Starts a draft plan (OrgManage).
    pub async fn org_create_plan(
        &self,
        actor: &Actor,
        unit: UnitId,
        title: &str,
    ) -> AppResult<PlanId> {
        self.require_unit(actor, Action::OrgManage, unit).await?;
        let title = required_text("title", title, 80)?;
        let audit = self
            .audit(actor)
            .unit(unit)
            .did(AuditAction::OrgPlanCreate)
            .on(ObjectKind::ReorgPlan, "")
            .after(&Titled { title: &title });
        Ok(self
            .store
            .create_plan(actor.district_id, unit, &title, audit)
            .await?)
    }

    /// A plan and its preview.
    pub async fn org_plan(&self, actor: &Actor, unit: UnitId, id: PlanId) -> AppResult<PlanView> {
        self.require_unit(actor, Action::OrgView, unit).await?;
        let plan = self.plan_of(actor, unit, id).await?;
        let rules = self.rules_of(actor).await?;
        if let (PlanStatus::Applied, Some(eff)) = (plan.status, plan.effective) {
            // Applied: the recorded history on both sides of the effective date.
            let before = match eff.pred_opt() {
                Some(d) => {
                    self.store
                        .load_structure(actor.district_id, unit, d)
                        .await?
                }
                None => Structure::default(),
            };
            let after = self
                .store
                .load_structure(actor.district_id, unit, eff)
                .await?;
            let comparison = compare(&before, &after, &rules);
            let issues_after = analyse(&after, &rules);
            let establishment = Some(EstablishmentChange::of(&before, &after));
            // The moves it made are in the audit entry and the people's history.
            let staff = vec![];
            return Ok(PlanView {
                plan,
                on: eff,
                before,
                after: Some(after),
                error: None,
                comparison: Some(comparison),
                issues_after,
                staff,
                staff_counts: vec![],
                staff_problems: vec![],
                establishment,
            });
        }
        let on = self.org_today();
        let before = self
            .store
            .load_structure(actor.district_id, unit, on)
            .await?;
        let (after, error) = match apply(&before, &plan.ops, &plan.doc_no) {
            Ok(a) => (Some(a), None),
            Err(e) => (None, Some(e)),
        };
        let comparison = after.as_ref().map(|a| compare(&before, a, &rules));
        let establishment = after.as_ref().map(|a| EstablishmentChange::of(&before, a));
        let issues_after = after
            .as_ref()
            .map(|a| analyse(a, &rules))
            .unwrap_or_default();
        let (staff, staff_counts, staff_problems) = match &after {
            Some(a) => self.plan_staff(actor, unit, &before, a).await?,
            None => Default::default(),
        };
        Ok(PlanView {
            plan,
            on,
            before,
            after,
            error,
            comparison,
            issues_after,
            staff,
            staff_counts,
            staff_problems,
            establishment,
        })
    }

    async fn editable_plan(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: PlanId,
    ) -> AppResult<PlanRecord> {
        self.require_unit(actor, Action::OrgManage, unit).await?;
        let plan = self.plan_of(actor, unit, id).await?;
        ORG_PLANS.check_editable(plan.status)?;
        Ok(plan)
    }

    async fn save_ops(
        &self,
        actor: &Actor,
        unit: UnitId,
        plan: &PlanRecord,
        ops: Vec<PlanOp>,
        action: AuditAction,
    ) -> AppResult<()> {
        let audit = self
            .audit(actor)
            .unit(unit)
            .did(action)
            .on(ObjectKind::ReorgPlan, plan.id)
            .before(&plan.ops)
            .after(&ops);
        Ok(self
            .store
            .save_plan_ops(actor.district_id, unit, plan.id, &ops, audit)
            .await?)
    }

    /// Adds an operation to a draft (OrgManage). It must apply after the others on
    /// today's structure.
    pub async fn org_add_op(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: PlanId,
        f: &OpForm,
    ) -> AppResult<()> {
        let plan = self.editable_plan(actor, unit, id).await?;
        let op = f.parse(next_temp(&plan.ops))?;
        self.push_op(actor, unit, &plan, op).await
    }

    /// Adds an already built operation (API, demo).
    pub async fn org_push_op(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: PlanId,
        op: PlanOp,
    ) -> AppResult<()> {
        let plan = self.editable_plan(actor, unit, id).await?;
        self.push_op(actor, unit, &plan, op).await
    }

    async fn push_op(
        &self,
        actor: &Actor,
        unit: UnitId,
        plan: &PlanRecord,
        op: PlanOp,
    ) -> AppResult<()> {
        let mut ops = plan.ops.clone();
        ops.push(op);
        let now = self
            .store
            .load_structure(actor.district_id, unit, self.org_today())
            .await?;
        // A plan's bodies and items are the unit's own (ids of other units do not exist
        // in `now`, so apply refuses them).
        apply(&now, &ops, &plan.doc_no).map_err(|e| AppError::Invalid(vec![e.field_error()]))?;
        self.save_ops(actor, unit, plan, ops, AuditAction::OrgPlanOpAdd)
            .await
    }

    /// Removes operation `n` (from 1) of a draft (OrgManage). Later operations that
    /// depended on it make the preview fail until fixed.
    pub async fn org_remove_op(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: PlanId,
        n: usize,
    ) -> AppResult<()> {
        let plan = self.editable_plan(actor, unit, id).await?;
        if n == 0 || n > plan.ops.len() {
            return Err(AppError::NotFound);
        }
        let mut ops = plan.ops.clone();
        ops.remove(n - 1);
        self.save_ops(actor, unit, &plan, ops, AuditAction::OrgPlanOpRemove)
            .await
    }

    /// The people a plan moves, the counts per body concerned, and the moves that would
    /// exceed a receiving body's approved establishment (people module quotas).
    pub async fn plan_staff(
        &self,
        actor: &Actor,
        unit: UnitId,
        before: &Structure,
        after: &Structure,
    ) -> AppResult<(Vec<StaffMove>, Vec<StaffCount>, Vec<FieldError>)> {
        let dest = staff_destinations(before, after);
        if dest.is_empty() {
            return Ok(Default::default());
        }
        let d = actor.district_id;
        let filter = PeopleFilter {
            unit_id: Some(unit),
            home_only: true,
            ..PeopleFilter::default()
        };
        let people = self.store.export_people(d, &filter).await?;
        let mut moves = Vec::new();
        for p in people.iter().filter(|p| p.status.occupies()) {
            let Some(from) = p.body_id.map(BodyId) else {
                continue;
            };
            if let Some((_, to)) = dest.iter().find(|(b, _)| *b == from) {
                moves.push(StaffMove {
                    person_id: p.id,
                    name: p.name.clone(),
                    from,
                    to: *to,
                    establishment: p.establishment.code().to_string(),
                });
            }
        }
        moves.sort_by_key(|m| (m.from, m.person_id));
        let mut roster: Vec<(Option<i64>, i64)> = Vec::new();
        for p in people.iter().filter(|p| p.status.occupies()) {
            match roster.iter_mut().find(|(b, _)| *b == p.body_id) {
                Some(r) => r.1 += 1,
                None => roster.push((p.body_id, 1)),
            }
        }
        let counts = staff_counts(before, after, &roster, &moves);
        let mut problems = Vec::new();
        if !moves.is_empty() {
            let occ = self.store.occupancy(d, Some(unit)).await?;
            let quotas = self.store.list_quotas(d, Some(unit)).await?;
            for q in quotas.iter().filter(|q| q.unit_id == unit) {
                let (Some(b), Some(kind)) = (q.body_id, q.kind.establishment()) else {
                    continue;
                };
                let incoming = moves
                    .iter()
                    .filter(|m| m.to == Some(BodyId(b)) && m.establishment == kind.code())
                    .count() as i64;
                if incoming == 0 {
                    continue;
                }
                let held: i64 = occ
                    .iter()
                    .filter(|o| o.body_id == Some(b) && o.kind == kind)
                    .map(|o| o.count)
                    .sum();
                if held + incoming > q.approved {
                    problems.push(
                        FieldError::new("staff", "staff_over_establishment")
                            .with("name", after.name_of(BodyId(b)))
                            .with("kind", QuotaKind::of(kind).map(|k| k.zh()).unwrap_or(""))
                            .with("n", held + incoming)
                            .with("approved", q.approved),
                    );
                }
            }
        }
        // The people module's rule on which establishment a body kind may hold (art. 15).
        for m in &moves {
            let (Some(to), Some(kind)) = (m.to, EstablishmentKind::from_code(&m.establishment))
            else {
                continue;
            };
            if let Some(b) = after.body(to)
                && !body_allows(b.kind.code(), kind)
            {
                problems.push(
                    FieldError::new("staff", "staff_body_mismatch")
                        .with("name", &m.name)
                        .with("body", &b.name)
                        .with("kind", kind.zh()),
                );
            }
        }
        Ok((moves, counts, problems))
    }

    fn check_preview(&self, before: &Structure, plan: &PlanRecord) -> AppResult<Structure> {
        if plan.ops.is_empty() {
            return Err(FieldError::new("ops", "plan_empty").into());
        }
        apply(before, &plan.ops, &plan.doc_no).map_err(|e| AppError::Invalid(vec![e.field_error()]))
    }

    /// Submits a draft to the district (OrgManage). Its operations must apply today.
    pub async fn org_submit_plan(&self, actor: &Actor, unit: UnitId, id: PlanId) -> AppResult<()> {
        self.require_step(actor, &ORG_PLANS, Step::Submit, unit)
            .await?;
        let plan = self.plan_of(actor, unit, id).await?;
        ORG_PLANS.check(Step::Submit, plan.status)?;
        let now = self
            .store
            .load_structure(actor.district_id, unit, self.org_today())
            .await?;
        self.check_preview(&now, &plan)?;
        let key = (id, plan.status, plan.title.as_str());
        self.record_step(actor, unit, key, Step::Submit, StepInput::default())
            .await
    }

    /// Applies an approved plan from `effective` (OrgApprove): every change, the plan's
    /// status and the audit entry in one transaction.
    pub async fn org_apply_plan(
        &self,
        actor: &Actor,
        unit: UnitId,
        id: PlanId,
        effective: &str,
    ) -> AppResult<Vec<(i64, i64)>> {
        self.require_step(actor, &ORG_PLANS, Step::Apply, unit)
            .await?;
        let on = parse_date("effective", effective)?;
        let plan = self.plan_of(actor, unit, id).await?;
        ORG_PLANS.check(Step::Apply, plan.status)?;
        let (before, stamp) = self.change_base(actor, unit, on, "effective").await?;
        let after = self.check_preview(&before, &plan)?;
        EstablishmentChange::of(&before, &after).check_doc(&plan.doc_no)?;
        let (staff, _, problems) = self.plan_staff(actor, unit, &before, &after).await?;
        if !problems.is_empty() {
            return Err(AppError::Invalid(problems));
        }
        let input = StepInput {
            effective: Some(on),
            ..StepInput::default()
        };
        let m = self.start_step(
            actor,
            &ORG_PLANS,
            Step::Apply,
            plan.id.0,
            plan.status,
            input,
        )?;
        let audit = self
            .step_audit(actor, unit, &ORG_PLANS, ObjectKind::ReorgPlan, &m)
            .before(&ApplyBefore {
                status: m.from,
                counts: before.counts(),
            })
            .after(&ApplyAfter {
                status: m.to,
                effective: on,
                doc_no: &plan.doc_no,
                ops: &plan.ops,
                counts: after.counts(),
                staff: &staff,
            });
        let w = StructureWrite {
            on,
            stamp,
            before,
            after,
            plan: Some(m),
            staff,
        };
        self.store
            .write_structure(actor.district_id, unit, &w, audit)
            .await
            .map_err(|e| match e {
                StoreError::Conflict(Conflict::Status) => status_err(e, plan.status),
                StoreError::Conflict(c) => {
                    FieldError::new(c.field(), "org_changed_meanwhile").into()
                }
                other => other.into(),
            })
    }
}
