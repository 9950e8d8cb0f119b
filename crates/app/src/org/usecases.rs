//! Use cases of the register: bodies, function items, the analysis, kind rules, totals and
//! their split, the district view and comparisons by date.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use jiguan_domain::FieldError;
use jiguan_domain::auth::{Action, Actor};
use jiguan_domain::error::Errors;
use jiguan_domain::org::analysis::{FunctionIssue, KindRule, analyse, default_rules};
use jiguan_domain::org::compare::{Comparison, compare};
use jiguan_domain::org::plan::{PlanOp, apply};
use jiguan_domain::org::structure::{BodyInput, DOC_MAX, FunctionInput, optional_text, parse_date};
use jiguan_domain::org::totals::{parse_phase, validate_split};
use jiguan_domain::org::{
    Body, BodyId, BodyKind, Caps, FunctionCategory, FunctionId, FunctionItem, Split, SplitLine,
    Structure,
};
use jiguan_domain::tenancy::{DistrictId, UnitId};

use super::{BodySummary, BodyVersion, CapRecord, FunctionVersion, SplitRecord, StructureWrite};
use crate::ports::Unit;
use crate::{App, AppError, AppResult};
use jiguan_domain::audit::{AuditAction, AuditEntry, ObjectKind};

/// A direct change of the register, as audited: the input and its date (and the
/// approval document of a body's change).
#[derive(Serialize)]
struct Change<'a, T> {
    input: &'a T,
    valid_from: NaiveDate,
    #[serde(skip_serializing_if = "Option::is_none")]
    doc_no: Option<&'a str>,
}

impl<'a, T> Change<'a, T> {
    fn of(input: &'a T, valid_from: NaiveDate, doc_no: Option<&'a str>) -> Self {
        Change {
            input,
            valid_from,
            doc_no,
        }
    }
}

/// Caps set from a date, as audited.
#[derive(Serialize)]
struct CapsSet<'a> {
    caps: &'a Caps,
    valid_from: NaiveDate,
}

/// The body form: attributes, the date they take effect and the document behind them.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct BodyForm {
    pub name: String,
    pub short_name: String,
    pub kind: String,
    /// Hosting body id; empty for top level.
    pub parent: String,
    pub establishment: String,
    pub head: String,
    /// YYYY-MM-DD; empty: today.
    pub valid_from: String,
    pub doc_no: String,
}

/// The function item form (catalogue entry and its review).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct FunctionForm {
    pub code: String,
    pub title: String,
    pub category: String,
    pub legal_basis: String,
    /// Owning body ids.
    pub owners: Vec<String>,
    /// keep / strengthen / weaken / remove / transfer, or empty while not reviewed.
    pub decision: String,
    pub reason: String,
    pub valid_from: String,
}

/// The caps form (district).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct CapsForm {
    pub max_bodies: String,
    pub max_chiefs: String,
    pub max_deputies: String,
    pub doc_no: String,
    pub valid_from: String,
}

/// The split form (unit): a phase, its effective date, and posts per body.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct SplitForm {
    pub phase: String,
    pub effective: String,
    /// (body id, chiefs, deputies) as entered.
    pub lines: Vec<(String, String, String)>,
}

/// One unit's use of its totals, for the district.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitTotals {
    pub unit: Unit,
    pub caps: Option<Caps>,
    pub active_bodies: i64,
    pub chiefs: i64,
    pub deputies: i64,
    /// Phase of the split in force.
    pub phase: Option<String>,
    pub breaches: i64,
}

/// The totals page: caps over time, splits by phase, the structure today.
#[derive(Debug, Clone, Serialize)]
pub struct TotalsView {
    pub caps: Vec<CapRecord>,
    pub splits: Vec<SplitRecord>,
    pub now: Structure,
}

/// A record as it stands now (its latest version; not found without one), with its history.
fn with_current<V, T: Clone>(history: Vec<V>, of: impl Fn(&V) -> &T) -> AppResult<(T, Vec<V>)> {
    let cur = history.last().map(|v| of(v).clone());
    Ok((cur.ok_or(AppError::NotFound)?, history))
}

/// The id the store gave the row written with the temporary id -1.
fn created_id(ids: &[(i64, i64)], what: &str) -> AppResult<i64> {
    ids.iter()
        .find(|(t, _)| *t == -1)
        .map(|(_, r)| *r)
        .ok_or_else(|| AppError::Internal(format!("new {what} without id")))
}

/// A catalogue item with the form's attributes.
fn function_item(id: FunctionId, input: &FunctionInput) -> FunctionItem {
    FunctionItem {
        id,
        input: input.clone(),
    }
}

fn date_or(field: &str, v: &str, default: NaiveDate) -> Result<NaiveDate, FieldError> {
    if v.trim().is_empty() {
        Ok(default)
    } else {
        parse_date(field, v)
    }
}

impl App {
    /// Today in China time.
    pub fn org_today(&self) -> NaiveDate {
        self.clock
            .now()
            .with_timezone(&jiguan_domain::time::china())
            .date_naive()
    }

    /// The district's kind rules (the defaults when it never set any).
    pub(crate) async fn rules_of(&self, actor: &Actor) -> AppResult<Vec<KindRule>> {
        Ok(self
            .store
            .kind_rules(actor.district_id)
            .await?
            .unwrap_or_else(default_rules))
    }

    /// The bodies of a unit on a date (`None`: as they stand now).
    pub async fn org_bodies(
        &self,
        actor: &Actor,
        unit: UnitId,
        on: Option<NaiveDate>,
    ) -> AppResult<Vec<BodySummary>> {
        self.require_unit(actor, Action::OrgView, unit).await?;
        Ok(self.store.list_bodies(actor.district_id, unit, on).await?)
    }

    /// The structure of a unit on a date (`None`: today).
    pub async fn org_structure(
        &self,
        actor: &Actor,
        unit: UnitId,
        on: Option<NaiveDate>,
    ) -> AppResult<Structure> {
        self.require_unit(actor, Action::OrgView, unit).await?;
        let on = on.unwrap_or_else(|| self.org_today());
        Ok(self
            .store
            .load_structure(actor.district_id, unit, on)
            .await?)
    }

    /// Headcount per body on a date (people module history: on post or lent out, counted
    /// at their home unit), for the chart and the 机构设置一览表. Bodies without staff are
    /// absent.
    pub async fn org_headcount(
        &self,
        actor: &Actor,
        unit: UnitId,
        on: NaiveDate,
    ) -> AppResult<Vec<(BodyId, i64)>> {
        self.require_unit(actor, Action::OrgView, unit).await?;
        let rows = self
            .store
            .cost_totals(
                actor.district_id,
                Some(unit),
                on,
                crate::people::CostGroup::Body,
            )
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(k, t)| k.parse::<i64>().ok().map(|b| (BodyId(b), t.headcount)))
            .collect())
    }

    /// A body as it stands now, with its history.
    pub async fn org_body(
        &self,
        actor: &Actor,
        unit: UnitId,
        body: BodyId,
    ) -> AppResult<(Body, Vec<BodyVersion>)> {
        self.require_unit(actor, Action::OrgView, unit).await?;
        let h = self.store.body_history(actor.district_id, unit, body);
        with_current(h.await?, |v| &v.body)
    }

    /// A function item as it stands now, with its history.
    pub async fn org_function(
        &self,
        actor: &Actor,
        unit: UnitId,
        item: FunctionId,
    ) -> AppResult<(FunctionItem, Vec<FunctionVersion>)> {
        self.require_unit(actor, Action::OrgView, unit).await?;
        let h = self.store.function_history(actor.district_id, unit, item);
        with_current(h.await?, |v| &v.item)
    }

    /// Checks a change date against the unit's latest change, and loads the structure.
    pub(crate) async fn change_base(
        &self,
        actor: &Actor,
        unit: UnitId,
        on: NaiveDate,
        field: &str,
    ) -> AppResult<(Structure, i64)> {
        let rev = self.store.revision(actor.district_id, unit).await?;
        if let Some(last) = rev.last_change.filter(|l| on < *l) {
            return Err(FieldError::new(field, "org_before_last_change")
                .with("date", last)
                .into());
        }
        let s = self
            .store
            .load_structure(actor.district_id, unit, on)
            .await?;
        Ok((s, rev.stamp))
    }

    /// The audit entry of `action` on the object `kind` `id` (the unit is the change's).
    fn org_audit(
        &self,
        actor: &Actor,
        action: AuditAction,
        kind: ObjectKind,
        id: impl ToString,
    ) -> AuditEntry {
        self.audit(actor).did(action).on(kind, id)
    }

    /// Writes a direct change of the register from `on`: `before` (read at `stamp`) becomes
    /// `after`, audited as `audit` with `change` (what the form set) after.
    #[allow(clippy::too_many_arguments)]
    async fn write_change<C: Serialize>(
        &self,
        actor: &Actor,
        unit: UnitId,
        (before, stamp): (Structure, i64),
        after: Structure,
        audit: AuditEntry,
        change: Change<'_, C>,
    ) -> AppResult<Vec<(i64, i64)>> {
        let w = StructureWrite {
            staff: vec![],
            on: change.valid_from,
            stamp,
            before,
            after,
            plan: None,
        };
        let audit = audit.unit(unit).after(&change);
        Ok(self
            .store
            .write_structure(actor.district_id, unit, &w, audit)
            .await?)
    }

    fn parse_body_form(&self, f: &BodyForm) -> Result<(BodyInput, NaiveDate, String), AppError> {
        let mut errs = Errors::new();
        let input = errs.take_all(BodyInput::parse(
            &f.name,
            &f.short_name,
            &f.kind,
            &f.parent,
            &f.establishment,
            &f.head,
        ));
        let on = errs.take(date_or("valid_from", &f.valid_from, self.org_today()));
        let doc = errs.take(optional_text("doc_no", &f.doc_no, DOC_MAX));
        match (input, on, doc) {
            (Some(i), Some(on), Some(doc)) if errs.is_empty() => Ok((i, on, doc)),
            _ => Err(AppError::Invalid(errs.0)),
        }
    }

    fn op_error(e: jiguan_domain::org::OpError) -> AppError {
        // Name the form field when the operation was the form's own.
        let fe = e.field_error();
        let field = match e.kind {
            jiguan_domain::org::plan::OpErrorKind::NameTaken(_)
            | jiguan_domain::org::plan::OpErrorKind::NameInvalid => "name",
            jiguan_domain::org::plan::OpErrorKind::ParentCycle => "parent",
            _ => "parent",
        };
        AppError::Invalid(vec![FieldError {
            field: field.into(),
            ..fe
        }])
    }

    /// Records a body in the register (OrgManage).
    pub async fn org_create_body(
        &self,
        actor: &Actor,
        unit: UnitId,
        f: &BodyForm,
    ) -> AppResult<BodyId> {
        self.require_unit(actor, Action::OrgManage, unit).await?;
        let (input, on, doc) = self.parse_body_form(f)?;
        let base = self.change_base(actor, unit, on, "valid_from").await?;
        let op = PlanOp::Create {
            temp: BodyId(-1),
            name: input.name.clone(),
            short_name: input.short_name.clone(),
            kind: input.kind,
            parent: input.parent,
            establishment: input.establishment,
        };
        let mut after = apply(&base.0, &[op], &doc).map_err(Self::op_error)?;
        if let Some(b) = after.body_mut(BodyId(-1)) {
            b.head = input.head.clone();
        }
        let audit = self.org_audit(actor, AuditAction::OrgBodyCreate, ObjectKind::Body, "");
        let change = Change::of(&input, on, Some(doc.as_str()));
        let ids = self
            .write_change(actor, unit, base, after, audit, change)
            .await?;
        created_id(&ids, "body").map(BodyId)
    }

    /// Changes a body's attributes from a date (OrgManage).
    pub async fn org_edit_body(
        &self,
        actor: &Actor,
        unit: UnitId,
        body: BodyId,
        f: &BodyForm,
    ) -> AppResult<()> {
        self.require_unit(actor, Action::OrgManage, unit).await?;
        // The body must be this unit's (else not found, before any validation).
        self.org_body(actor, unit, body).await?;
        let (input, on, doc) = self.parse_body_form(f)?;
        let base = self.change_base(actor, unit, on, "valid_from").await?;
        let old = base.0.body(body).cloned();
        let op = PlanOp::Edit {
            body,
            input: input.clone(),
        };
        let after = apply(&base.0, &[op], &doc).map_err(Self::op_error)?;
        let audit = self.org_audit(actor, AuditAction::OrgBodyUpdate, ObjectKind::Body, body);
        let change = Change::of(&input, on, Some(doc.as_str()));
        self.write_change(actor, unit, base, after, audit.before(&old), change)
            .await
            .map(|_| ())
    }

    fn parse_function_form(
        &self,
        f: &FunctionForm,
        s: &Structure,
    ) -> Result<(FunctionInput, NaiveDate), AppError> {
        let mut errs = Errors::new();
        let input = errs.take_all(FunctionInput::parse(
            &f.code,
            &f.title,
            &f.category,
            &f.legal_basis,
            &f.owners,
            &f.decision,
            &f.reason,
        ));
        let on = errs.take(date_or("valid_from", &f.valid_from, self.org_today()));
        if let Some(i) = &input
            && i.owners.iter().any(|o| !s.is_active(*o))
        {
            errs.push(FieldError::new("owners", "choice_invalid"));
        }
        match (input, on) {
            (Some(i), Some(on)) if errs.is_empty() => Ok((i, on)),
            _ => Err(AppError::Invalid(errs.0)),
        }
    }

    /// The structure an item's change applies to (dated by the form) with its stamp, and
    /// the form parsed against it; refused when another item (not `item`) has the code.
    async fn function_change(
        &self,
        actor: &Actor,
        unit: UnitId,
        f: &FunctionForm,
        item: Option<FunctionId>,
    ) -> AppResult<((Structure, i64), FunctionInput, NaiveDate)> {
        let today = self.org_today();
        let on = date_or("valid_from", &f.valid_from, today).unwrap_or(today);
        let base = self.change_base(actor, unit, on, "valid_from").await?;
        let (input, on) = self.parse_function_form(f, &base.0)?;
        if base
            .0
            .functions
            .iter()
            .any(|x| x.code == input.code && Some(x.id) != item)
        {
            return Err(FieldError::new("code", "taken").into());
        }
        Ok((base, input, on))
    }

    /// Adds an item to the catalogue (OrgManage).
    pub async fn org_create_function(
        &self,
        actor: &Actor,
        unit: UnitId,
        f: &FunctionForm,
    ) -> AppResult<FunctionId> {
        self.require_unit(actor, Action::OrgManage, unit).await?;
        let (base, input, on) = self.function_change(actor, unit, f, None).await?;
        let mut after = base.0.clone();
        after.functions.push(function_item(FunctionId(-1), &input));
        let (action, kind) = (AuditAction::OrgFunctionCreate, ObjectKind::FunctionItem);
        let audit = self.org_audit(actor, action, kind, &input.code);
        let change = Change::of(&input, on, None);
        let ids = self
            .write_change(actor, unit, base, after, audit, change)
            .await?;
        created_id(&ids, "item").map(FunctionId)
    }

    /// Changes an item: its text, owners, or its review decision and reason (OrgManage).
    pub async fn org_edit_function(
        &self,
        actor: &Actor,
        unit: UnitId,
        item: FunctionId,
        f: &FunctionForm,
    ) -> AppResult<()> {
        self.require_unit(actor, Action::OrgManage, unit).await?;
        self.org_function(actor, unit, item).await?;
        let (base, input, on) = self.function_change(actor, unit, f, Some(item)).await?;
        let old = base.0.function(item).cloned().ok_or(AppError::NotFound)?;
        let mut after = base.0.clone();
        if let Some(x) = after.functions.iter_mut().find(|x| x.id == item) {
            *x = function_item(item, &input);
        }
        let (action, kind) = (AuditAction::OrgFunctionUpdate, ObjectKind::FunctionItem);
        let audit = self.org_audit(actor, action, kind, item).before(&old);
        let change = Change::of(&input, on, None);
        self.write_change(actor, unit, base, after, audit, change)
            .await
            .map(|_| ())
    }

    /// The catalogue's gaps, overreach and misplacement on a date, with the rules used.
    pub async fn org_analysis(
        &self,
        actor: &Actor,
        unit: UnitId,
        on: Option<NaiveDate>,
    ) -> AppResult<(Structure, Vec<FunctionIssue>, Vec<KindRule>)> {
        let s = self.org_structure(actor, unit, on).await?;
        let rules = self.rules_of(actor).await?;
        let issues = analyse(&s, &rules);
        Ok((s, issues, rules))
    }

    /// The district's kind rules (everyone who may see organisation data).
    pub async fn org_rules(&self, actor: &Actor) -> AppResult<Vec<KindRule>> {
        self.require(actor, Action::OrgView)?;
        self.rules_of(actor).await
    }

    /// Replaces the district's kind rules; each is `kind:category` (OrgApprove).
    pub async fn org_set_rules(&self, actor: &Actor, codes: &[String]) -> AppResult<()> {
        self.require(actor, Action::OrgApprove)?;
        let mut rules = Vec::new();
        for c in codes.iter().filter(|c| !c.trim().is_empty()) {
            let (k, cat) = c.split_once(':').unwrap_or((c, ""));
            match (BodyKind::from_code(k), FunctionCategory::from_code(cat)) {
                (Some(kind), Some(category)) => rules.push(KindRule { kind, category }),
                _ => return Err(FieldError::new("rules", "choice_invalid").into()),
            }
        }
        rules.sort();
        rules.dedup();
        let old = self.rules_of(actor).await?;
        let audit = self
            .audit(actor)
            .did(AuditAction::OrgRulesSet)
            .on(ObjectKind::OrgKindRules, actor.district_id)
            .before(&old)
            .after(&rules);
        Ok(self
            .store
            .set_kind_rules(actor.district_id, &rules, audit)
            .await?)
    }

    /// Sets a unit's approved totals from a date (OrgApprove, district).
    pub async fn org_set_caps(&self, actor: &Actor, unit: UnitId, f: &CapsForm) -> AppResult<()> {
        self.require_unit(actor, Action::OrgApprove, unit).await?;
        let mut errs = Errors::new();
        let caps = errs.take_all(Caps::parse(
            &f.max_bodies,
            &f.max_chiefs,
            &f.max_deputies,
            &f.doc_no,
        ));
        let from = errs.take(date_or("valid_from", &f.valid_from, self.org_today()));
        let (Some(caps), Some(from)) = (caps, from) else {
            return Err(AppError::Invalid(errs.0));
        };
        if let Some(last) = self
            .store
            .cap_history(actor.district_id, unit)
            .await?
            .first()
            .filter(|c| c.valid_from > from)
        {
            return Err(FieldError::new("valid_from", "org_before_last_change")
                .with("date", last.valid_from)
                .into());
        }
        let audit = self
            .audit(actor)
            .unit(unit)
            .did(AuditAction::OrgCapsSet)
            .on(ObjectKind::OrgCaps, unit)
            .after(&CapsSet {
                caps: &caps,
                valid_from: from,
            });
        Ok(self
            .store
            .set_caps(actor.district_id, unit, &caps, from, &actor.username, audit)
            .await?)
    }

    /// The totals of a unit: caps over time, splits, the structure today.
    pub async fn org_totals(&self, actor: &Actor, unit: UnitId) -> AppResult<TotalsView> {
        let now = self.org_structure(actor, unit, None).await?;
        Ok(TotalsView {
            caps: self.store.cap_history(actor.district_id, unit).await?,
            splits: self.store.list_splits(actor.district_id, unit).await?,
            now,
        })
    }

    /// Splits the middle posts among the bodies for a phase (OrgManage). Refused when the
    /// sum exceeds a cap in force on the effective date.
    pub async fn org_save_split(
        &self,
        actor: &Actor,
        unit: UnitId,
        f: &SplitForm,
    ) -> AppResult<()> {
        self.require_unit(actor, Action::OrgManage, unit).await?;
        let mut errs = Errors::new();
        let phase = errs.take(parse_phase(&f.phase));
        let eff = errs.take(date_or("effective", &f.effective, self.org_today()));
        let mut lines = Vec::new();
        for (b, c, d) in &f.lines {
            let body = b.trim().parse::<i64>().map(BodyId);
            let n = |field: &str, v: &str| {
                jiguan_domain::org::structure::count_field(
                    field,
                    v,
                    jiguan_domain::org::totals::CAP_MAX,
                    0,
                )
            };
            match (body, errs.take(n("lines", c)), errs.take(n("lines", d))) {
                (Ok(body), Some(chiefs), Some(deputies)) if chiefs > 0 || deputies > 0 => {
                    lines.push(SplitLine {
                        body,
                        chiefs,
                        deputies,
                    });
                }
                (Err(_), _, _) => errs.push(FieldError::new("lines", "choice_invalid")),
                _ => {}
            }
        }
        let (Some(phase), Some(eff)) = (phase, eff) else {
            return Err(AppError::Invalid(errs.0));
        };
        if !errs.is_empty() {
            return Err(AppError::Invalid(errs.0));
        }
        let s = self
            .store
            .load_structure(actor.district_id, unit, eff)
            .await?;
        validate_split(&s, s.caps.as_ref(), &lines)?;
        let split = Split {
            phase,
            effective: eff,
            lines,
        };
        let audit = self
            .audit(actor)
            .unit(unit)
            .did(AuditAction::OrgSplitSave)
            .on(ObjectKind::OrgSplit, &split.phase)
            .after(&split);
        Ok(self
            .store
            .save_split(
                actor.district_id,
                unit,
                &split,
                &actor.username,
                audit.at,
                audit,
            )
            .await?)
    }

    /// Each visible unit's use of its totals today (district view; a unit account sees its
    /// own unit only).
    pub async fn org_district(&self, actor: &Actor) -> AppResult<Vec<UnitTotals>> {
        self.require(actor, Action::OrgView)?;
        let units = self.visible_units(actor).await?;
        self.units_totals(actor.district_id, units).await
    }

    /// The use of their totals today of `units`, their structures read together.
    pub(crate) async fn units_totals(
        &self,
        d: DistrictId,
        units: Vec<Unit>,
    ) -> AppResult<Vec<UnitTotals>> {
        let ids: Vec<UnitId> = units.iter().map(|u| u.id).collect();
        let structures = self
            .store
            .load_structures(d, &ids, self.org_today())
            .await?;
        Ok(units
            .into_iter()
            .zip(structures)
            .map(|(unit, (_, s))| {
                let c = s.counts();
                UnitTotals {
                    caps: s.caps.clone(),
                    active_bodies: c.active,
                    chiefs: c.chiefs,
                    deputies: c.deputies,
                    phase: s.split.as_ref().map(|p| p.phase.clone()),
                    breaches: jiguan_domain::org::totals::cap_breaches(&s).len() as i64,
                    unit,
                }
            })
            .collect())
    }

    /// The structure on two dates side by side.
    pub async fn org_compare(
        &self,
        actor: &Actor,
        unit: UnitId,
        a: NaiveDate,
        b: NaiveDate,
    ) -> AppResult<(Structure, Structure, Comparison)> {
        let sa = self.org_structure(actor, unit, Some(a)).await?;
        let sb = self.org_structure(actor, unit, Some(b)).await?;
        let rules = self.rules_of(actor).await?;
        let c = compare(&sa, &sb, &rules);
        Ok((sa, sb, c))
    }
}
