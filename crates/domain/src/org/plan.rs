//! Reorganisation plans (机构改革方案): a list of operations and the one pure function
//! [`apply`] that turns a structure into the structure after them. The preview and the real
//! application both call it, so what a user previews is what gets applied.
//!
//! Bodies a plan creates get negative ids (`-1`, `-2` …); later operations refer to them by
//! those ids, and the store gives them real ids when the plan is applied.

use serde::{Deserialize, Serialize};

use super::kinds::{BodyKind, BodyStatus};
use super::structure::{Body, BodyInput, NAME_MAX, NameplateRecord, SHORT_MAX, Structure};
use super::{BodyId, FunctionId};
use crate::FieldError;

/// The status of a plan: the one approval life cycle ([`crate::workflow::ORG_PLANS`]).
pub use crate::workflow::Status as PlanStatus;

/// One operation of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "op")]
pub enum PlanOp {
    /// 新设: a new body with a negative `temp` id. `establishment` is what it is to use:
    /// bodies the plan merges into it cover that first, only the rest is new (see `Merge`).
    Create {
        temp: BodyId,
        name: String,
        #[serde(default)]
        short_name: String,
        kind: BodyKind,
        #[serde(default)]
        parent: Option<BodyId>,
        #[serde(default)]
        establishment: i64,
    },
    /// 更名.
    Rename {
        body: BodyId,
        name: String,
        #[serde(default)]
        short_name: String,
    },
    /// 撤并: the sources merge into `into` (their successor). Each source's nameplate,
    /// establishment, seal and archives are recorded on `into`, with every record the
    /// source held; its function items and hosted bodies move to `into`. The source keeps
    /// its establishment (held by the nameplate body, used by `into`), so the unit total
    /// does not change; when `into` is created by the same plan, its own establishment is
    /// reduced by what the sources bring (never below 0), so the total never rises.
    Merge { sources: Vec<BodyId>, into: BodyId },
    /// 撤销: its items lose this owner; hosted bodies move up to its parent.
    Abolish { body: BodyId },
    /// 转制: converted to an enterprise and leaves the agency; like abolish otherwise.
    Convert { body: BodyId },
    /// 职能划转: the item's owners become `to` (none: unowned).
    MoveFunction {
        item: FunctionId,
        #[serde(default)]
        to: Option<BodyId>,
    },
    /// 调整: every attribute of a body (direct edits of the register use it too).
    Edit { body: BodyId, input: BodyInput },
}

impl PlanOp {
    pub fn code(&self) -> &'static str {
        match self {
            PlanOp::Create { .. } => "create",
            PlanOp::Rename { .. } => "rename",
            PlanOp::Merge { .. } => "merge",
            PlanOp::Abolish { .. } => "abolish",
            PlanOp::Convert { .. } => "convert",
            PlanOp::MoveFunction { .. } => "move_function",
            PlanOp::Edit { .. } => "edit",
        }
    }
    pub fn label_key(&self) -> String {
        format!("org.op.{}", self.code())
    }
    /// Bodies the operation names (to check they belong to the unit).
    pub fn bodies(&self) -> Vec<BodyId> {
        match self {
            PlanOp::Create { parent, .. } => parent.iter().copied().collect(),
            PlanOp::Rename { body, .. }
            | PlanOp::Abolish { body }
            | PlanOp::Convert { body }
            | PlanOp::Edit { body, .. } => vec![*body],
            PlanOp::Merge { sources, into } => {
                let mut v = sources.clone();
                v.push(*into);
                v
            }
            PlanOp::MoveFunction { to, .. } => to.iter().copied().collect(),
        }
    }
}

/// Why an operation cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(rename_all = "snake_case", tag = "error")]
pub enum OpErrorKind {
    #[error("body {0} does not exist")]
    UnknownBody(BodyId),
    #[error("body {0} is not active")]
    BodyInactive(String),
    #[error("function item {0} does not exist")]
    UnknownFunction(FunctionId),
    #[error("an active body is already named {0}")]
    NameTaken(String),
    #[error("the name is empty or too long")]
    NameInvalid,
    #[error("a merge needs at least one source other than the absorbing body")]
    MergeSources,
    #[error("temporary id {0} is not negative or already used")]
    TempId(BodyId),
    #[error("a body cannot be hosted by itself or by a body it hosts")]
    ParentCycle,
}

impl OpErrorKind {
    pub fn code(&self) -> &'static str {
        match self {
            OpErrorKind::UnknownBody(_) => "op_unknown_body",
            OpErrorKind::BodyInactive(_) => "op_body_inactive",
            OpErrorKind::UnknownFunction(_) => "op_unknown_function",
            OpErrorKind::NameTaken(_) => "op_name_taken",
            OpErrorKind::NameInvalid => "op_name_invalid",
            OpErrorKind::MergeSources => "op_merge_sources",
            OpErrorKind::TempId(_) => "op_temp_id",
            OpErrorKind::ParentCycle => "op_parent_cycle",
        }
    }
}

/// An operation that failed, with its position in the plan (from 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("operation {number}: {kind}")]
pub struct OpError {
    pub number: usize,
    pub kind: OpErrorKind,
}

impl OpError {
    /// As a field error on `ops` (`err.op_*` in the locale files, with `{n}` and `{name}`).
    pub fn field_error(&self) -> FieldError {
        let name = match &self.kind {
            OpErrorKind::UnknownBody(b) | OpErrorKind::TempId(b) => b.to_string(),
            OpErrorKind::BodyInactive(n) | OpErrorKind::NameTaken(n) => n.clone(),
            OpErrorKind::UnknownFunction(f) => f.to_string(),
            _ => String::new(),
        };
        FieldError::new("ops", self.kind.code())
            .with("n", self.number)
            .with("name", name)
    }
}

fn active_body(s: &Structure, id: BodyId) -> Result<&Body, OpErrorKind> {
    match s.body(id) {
        None => Err(OpErrorKind::UnknownBody(id)),
        Some(b) if !b.is_active() => Err(OpErrorKind::BodyInactive(b.name.clone())),
        Some(b) => Ok(b),
    }
}

fn check_name(s: &Structure, name: &str, except: Option<BodyId>) -> Result<(), OpErrorKind> {
    let n = name.trim();
    if n.is_empty() || n.chars().count() > NAME_MAX {
        return Err(OpErrorKind::NameInvalid);
    }
    if s.active().any(|b| b.name == n && Some(b.id) != except) {
        return Err(OpErrorKind::NameTaken(n.to_string()));
    }
    Ok(())
}

fn short(v: &str) -> String {
    v.trim().chars().take(SHORT_MAX).collect()
}

/// Whether `ancestor` hosts `id` (directly or further up).
fn hosts(s: &Structure, ancestor: BodyId, id: BodyId) -> bool {
    let mut cur = s.body(id).and_then(|b| b.parent);
    let mut steps = 0;
    while let Some(p) = cur {
        if p == ancestor {
            return true;
        }
        steps += 1;
        if steps > s.bodies.len() {
            return true; // a cycle already: refuse
        }
        cur = s.body(p).and_then(|b| b.parent);
    }
    false
}

/// Takes `gone` out of the structure's active life: hosted bodies move to `heir` (or to
/// gone's parent), items lose it as owner (or pass to `heir`).
fn retire(s: &mut Structure, gone: BodyId, heir: Option<BodyId>, status: BodyStatus) {
    let parent = s.body(gone).and_then(|b| b.parent);
    for b in s.bodies.iter_mut().filter(|b| b.parent == Some(gone)) {
        b.parent = match heir {
            Some(h) if h != b.id => Some(h),
            _ => parent,
        };
    }
    for f in &mut s.functions {
        if f.owners.contains(&gone) {
            f.owners.retain(|o| *o != gone);
            if let Some(h) = heir {
                f.owners.push(h);
            }
            f.owners.sort();
            f.owners.dedup();
        }
    }
    if let Some(b) = s.body_mut(gone) {
        b.status = status;
        b.parent = parent.filter(|p| Some(*p) != heir || heir.is_none());
    }
}

/// Applies one operation.
pub fn apply_op(s: &mut Structure, op: &PlanOp, doc_no: &str) -> Result<(), OpErrorKind> {
    match op {
        PlanOp::Create {
            temp,
            name,
            short_name,
            kind,
            parent,
            establishment,
        } => {
            if temp.0 >= 0 || s.body(*temp).is_some() {
                return Err(OpErrorKind::TempId(*temp));
            }
            check_name(s, name, None)?;
            if let Some(p) = parent {
                active_body(s, *p)?;
            }
            s.bodies.push(Body {
                id: *temp,
                name: name.trim().to_string(),
                short_name: short(short_name),
                kind: *kind,
                parent: *parent,
                status: BodyStatus::Active,
                establishment: (*establishment).max(0),
                head: String::new(),
                doc_no: doc_no.to_string(),
                records: vec![],
            });
        }
        PlanOp::Rename {
            body,
            name,
            short_name,
        } => {
            active_body(s, *body)?;
            check_name(s, name, Some(*body))?;
            if let Some(b) = s.body_mut(*body) {
                b.name = name.trim().to_string();
                b.short_name = short(short_name);
                b.doc_no = doc_no.to_string();
            }
        }
        PlanOp::Edit { body, input } => {
            active_body(s, *body)?;
            check_name(s, &input.name, Some(*body))?;
            if let Some(p) = input.parent {
                if p == *body || hosts(s, *body, p) {
                    return Err(OpErrorKind::ParentCycle);
                }
                active_body(s, p)?;
            }
            if let Some(b) = s.body_mut(*body) {
                b.name = input.name.trim().to_string();
                b.short_name = short(&input.short_name);
                b.kind = input.kind;
                b.parent = input.parent;
                b.establishment = input.establishment.max(0);
                b.head = input.head.clone();
                b.doc_no = doc_no.to_string();
            }
        }
        PlanOp::Merge { sources, into } => {
            active_body(s, *into)?;
            let mut srcs: Vec<BodyId> = Vec::new();
            for src in sources {
                if *src == *into || srcs.contains(src) {
                    return Err(OpErrorKind::MergeSources);
                }
                active_body(s, *src)?;
                srcs.push(*src);
            }
            if srcs.is_empty() {
                return Err(OpErrorKind::MergeSources);
            }
            for src in srcs {
                let Some(b) = s.body(src).cloned() else {
                    return Err(OpErrorKind::UnknownBody(src));
                };
                retire(s, src, Some(*into), BodyStatus::Merged(*into));
                if let Some(b2) = s.body_mut(src) {
                    b2.records.clear();
                    b2.doc_no = doc_no.to_string();
                }
                // The source's establishment stays on its books (the nameplate record)
                // and the absorbing body uses it. A body this plan creates was given the
                // establishment it is to use: what merges into it covers that first, so
                // the same establishment is not counted twice; only the rest is new.
                let brought = b.used_establishment();
                let created = into.0 < 0;
                if let Some(t) = s.body_mut(*into) {
                    if created {
                        t.establishment = (t.establishment - brought).max(0);
                    }
                    t.records.extend(b.records);
                    t.records.push(NameplateRecord {
                        source: b.id,
                        name: b.name,
                        kind: b.kind,
                        establishment: b.establishment,
                        doc_no: doc_no.to_string(),
                    });
                    t.doc_no = doc_no.to_string();
                }
            }
        }
        PlanOp::Abolish { body } | PlanOp::Convert { body } => {
            active_body(s, *body)?;
            let status = if matches!(op, PlanOp::Abolish { .. }) {
                BodyStatus::Abolished
            } else {
                BodyStatus::Converted
            };
            retire(s, *body, None, status);
            if let Some(b) = s.body_mut(*body) {
                b.doc_no = doc_no.to_string();
            }
        }
        PlanOp::MoveFunction { item, to } => {
            if let Some(t) = to {
                active_body(s, *t)?;
            }
            let f = s
                .functions
                .iter_mut()
                .find(|f| f.id == *item)
                .ok_or(OpErrorKind::UnknownFunction(*item))?;
            f.owners = to.iter().copied().collect();
        }
    }
    Ok(())
}

/// The structure after every operation, in order, or the first operation that fails.
/// `doc_no` is the approval document recorded on every body the plan changes.
pub fn apply(s: &Structure, ops: &[PlanOp], doc_no: &str) -> Result<Structure, OpError> {
    let mut out = s.clone();
    for (i, op) in ops.iter().enumerate() {
        apply_op(&mut out, op, doc_no).map_err(|kind| OpError {
            number: i + 1,
            kind,
        })?;
    }
    Ok(out)
}

/// The unit's establishment total (编制总数: bodies' own and what nameplate bodies hold)
/// before and after a plan. A merge never raises it; creating a body with establishment
/// beyond what merges into it does, and that needs the establishment authority's
/// document (文号).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EstablishmentChange {
    pub before: i64,
    pub after: i64,
}

impl EstablishmentChange {
    pub fn of(before: &Structure, after: &Structure) -> Self {
        EstablishmentChange {
            before: before.counts().establishment,
            after: after.counts().establishment,
        }
    }

    /// By how much the plan raises the total (0 when it keeps or lowers it).
    pub fn rise(&self) -> i64 {
        (self.after - self.before).max(0)
    }

    pub fn raises(&self) -> bool {
        self.rise() > 0
    }

    /// A plan that raises the total needs a 文号: refused on `doc_no`
    /// (`establishment_rise_doc`, with `before`, `after` and `n`) when there is none.
    pub fn check_doc(&self, doc_no: &str) -> Result<(), FieldError> {
        if self.raises() && doc_no.trim().is_empty() {
            return Err(FieldError::new("doc_no", "establishment_rise_doc")
                .with("before", self.before)
                .with("after", self.after)
                .with("n", self.rise()));
        }
        Ok(())
    }
}

/// Where the staff of a body go when a plan takes the body out of active life: the
/// successor it was merged into (following merges of merges until an active body), or
/// the town's redeployment pool (统一调剂, `None`) when it was abolished or converted or
/// its successor was. Only bodies active before and inactive after appear, by id.
pub fn staff_destinations(before: &Structure, after: &Structure) -> Vec<(BodyId, Option<BodyId>)> {
    let mut out = Vec::new();
    for b in before.active() {
        if after.is_active(b.id) {
            continue;
        }
        let mut cur = after.body(b.id);
        let mut to = None;
        let mut steps = 0;
        while let Some(x) = cur {
            match x.status {
                BodyStatus::Merged(next) if steps <= after.bodies.len() => {
                    steps += 1;
                    if after.is_active(next) {
                        to = Some(next);
                        break;
                    }
                    cur = after.body(next);
                }
                _ => break,
            }
        }
        out.push((b.id, to));
    }
    out.sort_by_key(|(b, _)| *b);
    out
}

/// One person a plan moves: from a body it takes out of active life to its successor,
/// or to the redeployment pool (`to` `None`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffMove {
    pub person_id: i64,
    pub name: String,
    pub from: BodyId,
    pub to: Option<BodyId>,
    /// The person's establishment kind code (people module), for the establishment check.
    pub establishment: String,
}

/// History note of a staff move (人员变动 note).
pub fn staff_note(to: Option<BodyId>) -> &'static str {
    if to.is_some() {
        "随机构撤并转入 (plan: follow body)"
    } else {
        "统一调剂 (plan: redeploy)"
    }
}

/// The next free temporary id for a new body of a plan.
pub fn next_temp(ops: &[PlanOp]) -> BodyId {
    let min = ops
        .iter()
        .filter_map(|o| match o {
            PlanOp::Create { temp, .. } => Some(temp.0),
            _ => None,
        })
        .min()
        .unwrap_or(0);
    BodyId(min.min(0) - 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::org::kinds::{FunctionCategory, ReviewDecision};
    use crate::org::structure::{FunctionInput, FunctionItem};
    use proptest::prelude::*;

    fn body(id: i64, name: &str, kind: BodyKind, parent: Option<i64>) -> Body {
        Body {
            parent: parent.map(BodyId),
            establishment: id,
            ..Body::new(BodyId(id), name, kind)
        }
    }

    fn item(id: i64, owners: &[i64]) -> FunctionItem {
        FunctionItem {
            id: FunctionId(id),
            input: FunctionInput {
                code: format!("F{id}"),
                title: format!("事项{id}"),
                category: FunctionCategory::PublicService,
                legal_basis: String::new(),
                owners: owners.iter().map(|o| BodyId(*o)).collect(),
                decision: Some(ReviewDecision::Keep),
                reason: String::new(),
            },
        }
    }

    fn luotuo() -> Structure {
        Structure {
            bodies: vec![
                body(1, "党政办", BodyKind::Office, None),
                body(2, "农机站", BodyKind::PublicInstitution, None),
                body(3, "农科站", BodyKind::PublicInstitution, None),
                body(4, "环卫所", BodyKind::PublicInstitution, None),
                body(5, "自来水厂", BodyKind::EnterpriseUnit, None),
            ],
            functions: vec![
                item(10, &[2]),
                item(11, &[3]),
                item(12, &[4]),
                item(13, &[1]),
            ],
            ..Structure::default()
        }
    }

    #[test]
    fn create_then_merge_into_the_new_centre() {
        let ops = vec![
            PlanOp::Create {
                temp: BodyId(-1),
                name: "经济发展服务中心".into(),
                short_name: "经发中心".into(),
                kind: BodyKind::Centre,
                parent: None,
                establishment: 8,
            },
            PlanOp::Merge {
                sources: vec![BodyId(2), BodyId(3)],
                into: BodyId(-1),
            },
            PlanOp::Convert { body: BodyId(5) },
            PlanOp::Rename {
                body: BodyId(1),
                name: "党政综合办公室".into(),
                short_name: String::new(),
            },
        ];
        let after = apply(&luotuo(), &ops, "镇海编〔2019〕3号").unwrap_or_default();
        let centre = after.body(BodyId(-1)).cloned();
        let recs: Vec<(String, i64)> = centre
            .as_ref()
            .map(|c| {
                c.records
                    .iter()
                    .map(|r| (r.name.clone(), r.establishment))
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(recs, vec![("农机站".into(), 2), ("农科站".into(), 3)]);
        assert_eq!(
            after.body(BodyId(2)).map(|b| b.status),
            Some(BodyStatus::Merged(BodyId(-1)))
        );
        assert_eq!(
            after.function(FunctionId(10)).map(|f| f.owners.clone()),
            Some(vec![BodyId(-1)])
        );
        assert_eq!(
            after.body(BodyId(5)).map(|b| b.status),
            Some(BodyStatus::Converted)
        );
        assert_eq!(after.counts().active, 3);
        assert_eq!(after.name_of(BodyId(1)), "党政综合办公室");
        assert_eq!(
            centre.map(|c| c.doc_no),
            Some("镇海编〔2019〕3号".to_string())
        );
    }

    /// 骆驼街道's stations as the issue describes them: 文化站 (3) and 广播站 (2).
    fn stations() -> Structure {
        let mut s = luotuo();
        s.bodies.push(Body {
            establishment: 3,
            ..Body::new(BodyId(6), "文化站", BodyKind::PublicInstitution)
        });
        s.bodies.push(Body {
            establishment: 2,
            ..Body::new(BodyId(7), "广播站", BodyKind::PublicInstitution)
        });
        s
    }

    fn centre_of(establishment: i64) -> Vec<PlanOp> {
        vec![
            PlanOp::Create {
                temp: BodyId(-1),
                name: "文化广电服务中心".into(),
                short_name: String::new(),
                kind: BodyKind::Centre,
                parent: None,
                establishment,
            },
            PlanOp::Merge {
                sources: vec![BodyId(6), BodyId(7)],
                into: BodyId(-1),
            },
        ]
    }

    #[test]
    fn a_merge_into_a_new_centre_keeps_the_unit_total() {
        let before = stations();
        let after = apply(&before, &centre_of(5), "").unwrap_or_default();
        let change = EstablishmentChange::of(&before, &after);
        assert_eq!(
            (change.before, change.after),
            (before.counts().establishment, before.counts().establishment)
        );
        assert!(!change.raises());
        assert_eq!(change.check_doc(""), Ok(()));
        // The establishment stays with the nameplate bodies; the centre uses it.
        let c = after
            .body(BodyId(-1))
            .cloned()
            .unwrap_or_else(|| Body::new(BodyId(0), "", BodyKind::Centre));
        assert_eq!(
            (
                c.establishment,
                c.held_establishment(),
                c.used_establishment()
            ),
            (0, 5, 5)
        );
        assert_eq!(after.counts().held, 5);
        // A centre declared smaller than what merges into it adds nothing either.
        let small = apply(&before, &centre_of(0), "").unwrap_or_default();
        assert_eq!(small.counts().establishment, before.counts().establishment);
    }

    #[test]
    fn a_plan_that_creates_establishment_raises_the_total_and_needs_a_doc() {
        let before = stations();
        // A centre of 7 over stations of 3 and 2: 2 new.
        let after = apply(&before, &centre_of(7), "").unwrap_or_default();
        let change = EstablishmentChange::of(&before, &after);
        assert_eq!(change.rise(), 2);
        assert_eq!(
            after
                .body(BodyId(-1))
                .map(|c| (c.establishment, c.used_establishment())),
            Some((2, 7))
        );
        let err = change.check_doc(" ").err();
        assert_eq!(
            err.as_ref().map(|e| (e.field.as_str(), e.code.as_str())),
            Some(("doc_no", "establishment_rise_doc"))
        );
        assert_eq!(change.check_doc("镇海编〔2026〕1号"), Ok(()));
        // A new body with no merge: all its establishment is new.
        let office = vec![PlanOp::Create {
            temp: BodyId(-1),
            name: "应急管理办公室".into(),
            short_name: String::new(),
            kind: BodyKind::Office,
            parent: None,
            establishment: 4,
        }];
        let after = apply(&before, &office, "").unwrap_or_default();
        assert_eq!(EstablishmentChange::of(&before, &after).rise(), 4);
        // Merging existing bodies never raises it.
        let merge = vec![PlanOp::Merge {
            sources: vec![BodyId(6), BodyId(7)],
            into: BodyId(1),
        }];
        let after = apply(&before, &merge, "").unwrap_or_default();
        assert_eq!(EstablishmentChange::of(&before, &after).rise(), 0);
        assert_eq!(after.counts().establishment, before.counts().establishment);
    }

    #[test]
    fn errors_name_the_operation() {
        let bad = vec![
            PlanOp::Abolish { body: BodyId(4) },
            PlanOp::Merge {
                sources: vec![BodyId(4)],
                into: BodyId(1),
            },
        ];
        assert_eq!(
            apply(&luotuo(), &bad, ""),
            Err(OpError {
                number: 2,
                kind: OpErrorKind::BodyInactive("环卫所".into())
            })
        );
        let dup = vec![PlanOp::Rename {
            body: BodyId(2),
            name: "党政办".into(),
            short_name: String::new(),
        }];
        assert_eq!(
            apply(&luotuo(), &dup, "").map_err(|e| e.kind.code()),
            Err("op_name_taken")
        );
        let self_merge = vec![PlanOp::Merge {
            sources: vec![BodyId(1)],
            into: BodyId(1),
        }];
        assert_eq!(
            apply(&luotuo(), &self_merge, "").map_err(|e| e.field_error().code),
            Err("op_merge_sources".to_string())
        );
        assert_eq!(
            apply(
                &luotuo(),
                &[PlanOp::MoveFunction {
                    item: FunctionId(99),
                    to: None
                }],
                ""
            )
            .map_err(|e| e.kind.code()),
            Err("op_unknown_function")
        );
    }

    #[test]
    fn hosted_bodies_follow_the_merge_and_cycles_are_refused() {
        let mut s = luotuo();
        s.bodies
            .push(body(6, "绿化所", BodyKind::PublicInstitution, Some(4)));
        let ops = vec![PlanOp::Merge {
            sources: vec![BodyId(4)],
            into: BodyId(6),
        }];
        let after = apply(&s, &ops, "").unwrap_or_default();
        // The absorbing body was hosted by the source: it takes the source's place.
        assert_eq!(after.body(BodyId(6)).and_then(|b| b.parent), None);
        let cyc = PlanOp::Edit {
            body: BodyId(4),
            input: BodyInput {
                name: "环卫所".into(),
                short_name: String::new(),
                kind: BodyKind::PublicInstitution,
                parent: Some(BodyId(6)),
                establishment: 0,
                head: String::new(),
            },
        };
        assert_eq!(
            apply(&s, &[cyc], "").map_err(|e| e.kind),
            Err(OpErrorKind::ParentCycle)
        );
    }

    #[test]
    fn staff_follow_merges_and_abolished_go_to_the_pool() {
        let ops = vec![
            PlanOp::Merge {
                sources: vec![BodyId(2)],
                into: BodyId(3),
            },
            PlanOp::Merge {
                sources: vec![BodyId(3)],
                into: BodyId(1),
            },
            PlanOp::Abolish { body: BodyId(4) },
            PlanOp::Convert { body: BodyId(5) },
        ];
        let before = luotuo();
        let after = apply(&before, &ops, "").unwrap_or_default();
        assert_eq!(
            staff_destinations(&before, &after),
            vec![
                (BodyId(2), Some(BodyId(1))),
                (BodyId(3), Some(BodyId(1))),
                (BodyId(4), None),
                (BodyId(5), None)
            ]
        );
    }

    #[test]
    fn next_temp_of_nothing() {
        assert_eq!(next_temp(&[]), BodyId(-1));
    }

    /// Random operations over a random structure of `n` bodies and `m` items.
    fn arb_case() -> impl Strategy<Value = (Structure, Vec<PlanOp>)> {
        (2usize..8, 0usize..10)
            .prop_flat_map(|(n, m)| {
                let bodies: Vec<Body> = (1..=n as i64)
                    .map(|i| {
                        let kind = BodyKind::ALL[(i as usize) % BodyKind::ALL.len()];
                        let mut b = body(i, &format!("机构{i}"), kind, None);
                        if i > 2 && i % 2 == 1 {
                            b.parent = Some(BodyId(i - 1));
                        }
                        b
                    })
                    .collect();
                let owners =
                    proptest::collection::vec(proptest::collection::vec(1i64..=n as i64, 0..3), m);
                let ops = proptest::collection::vec(
                    prop_oneof![
                        (1i64..=n as i64).prop_map(|b| PlanOp::Abolish { body: BodyId(b) }),
                        (1i64..=n as i64).prop_map(|b| PlanOp::Convert { body: BodyId(b) }),
                        (
                            proptest::collection::vec(-3i64..=n as i64, 1..4),
                            -3i64..=n as i64
                        )
                            .prop_map(|(s, i)| PlanOp::Merge {
                                sources: s.into_iter().map(BodyId).collect(),
                                into: BodyId(i)
                            }),
                        (0i64..12, proptest::option::of(-3i64..=n as i64)).prop_map(|(f, t)| {
                            PlanOp::MoveFunction {
                                item: FunctionId(f),
                                to: t.map(BodyId),
                            }
                        }),
                        (1i64..4).prop_map(|t| PlanOp::Create {
                            temp: BodyId(-t),
                            name: format!("新中心{t}"),
                            short_name: String::new(),
                            kind: BodyKind::Centre,
                            parent: None,
                            establishment: 1,
                        }),
                    ],
                    0..12,
                );
                (Just(bodies), owners, ops)
            })
            .prop_map(|(bodies, owners, ops)| {
                let functions = owners
                    .iter()
                    .enumerate()
                    .map(|(i, o)| {
                        let mut it = item(i as i64, o);
                        it.owners.sort();
                        it.owners.dedup();
                        it
                    })
                    .collect();
                (
                    Structure {
                        bodies,
                        functions,
                        ..Structure::default()
                    },
                    ops,
                )
            })
    }

    /// Every record a body holds, its own included, as (source, establishment).
    fn records_of(s: &Structure, id: BodyId) -> Vec<(BodyId, i64)> {
        s.body(id)
            .map(|b| {
                b.records
                    .iter()
                    .map(|r| (r.source, r.establishment))
                    .collect()
            })
            .unwrap_or_default()
    }

    proptest! {
        #[test]
        fn apply_never_loses_a_function_item((s, ops) in arb_case()) {
            if let Ok(after) = apply(&s, &ops, "doc") {
                let ids = |x: &Structure| x.functions.iter().map(|f| (f.id, f.code.clone())).collect::<Vec<_>>();
                prop_assert_eq!(ids(&s), ids(&after));
                prop_assert_eq!(s.bodies.len() + ops.iter().filter(|o| matches!(o, PlanOp::Create { .. })).count(), after.bodies.len());
                for f in &after.functions {
                    for o in &f.owners {
                        prop_assert!(after.is_active(*o), "item {} owned by inactive {}", f.id, o);
                    }
                }
                // No active body is hosted by an inactive one.
                for b in after.active() {
                    if let Some(p) = b.parent {
                        prop_assert!(after.is_active(p));
                    }
                }
            }
        }

        #[test]
        fn merge_keeps_the_absorbed_records_on_the_absorbing_body((s, ops) in arb_case()) {
            let mut cur = s.clone();
            for op in &ops {
                let before = cur.clone();
                if apply_op(&mut cur, op, "doc").is_err() {
                    cur = before;
                    continue;
                }
                if let PlanOp::Merge { sources, into } = op {
                    let held = records_of(&cur, *into);
                    for src in sources {
                        let b = before.body(*src).cloned();
                        prop_assert!(b.is_some());
                        if let Some(b) = b {
                            prop_assert!(held.contains(&(b.id, b.establishment)));
                            for r in &b.records {
                                prop_assert!(held.contains(&(r.source, r.establishment)));
                            }
                        }
                        prop_assert_eq!(cur.body(*src).map(|b| b.status), Some(BodyStatus::Merged(*into)));
                    }
                    // Establishment on the books is conserved by a merge into an existing
                    // body; a merge into a body the plan creates uses up what that body was
                    // given. A merge never raises the total.
                    if into.0 > 0 {
                        prop_assert_eq!(before.counts().establishment, cur.counts().establishment);
                    } else {
                        prop_assert!(cur.counts().establishment <= before.counts().establishment);
                    }
                }
            }
        }
    }
}
