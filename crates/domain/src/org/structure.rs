//! A unit's structure at one moment: its bodies (with the nameplate records they hold),
//! its function catalogue, the approved totals and the split of middle posts in force.
//! Everything the organisation module computes is a pure function over a [`Structure`].

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::kinds::{BodyKind, BodyStatus, FunctionCategory, ReviewDecision};
use super::{BodyId, FunctionId};
use crate::FieldError;
use crate::error::{Errors, required_text};

/// Longest body name, in characters.
pub const NAME_MAX: usize = 40;
/// Longest short name, in characters.
pub const SHORT_MAX: usize = 12;
/// Longest document number (文号).
pub const DOC_MAX: usize = 60;
/// Longest function title and legal basis.
pub const TITLE_MAX: usize = 120;
pub const BASIS_MAX: usize = 200;
pub const REASON_MAX: usize = 500;

/// What an absorbing body keeps of a body merged into it: its nameplate, establishment,
/// seal and archives (牌子、编制、印章、档案), recorded so that they stay visible and
/// reportable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NameplateRecord {
    /// The absorbed body.
    pub source: BodyId,
    pub name: String,
    pub kind: BodyKind,
    /// Its establishment (编制) in headcount, kept on the books.
    pub establishment: i64,
    /// The document (文号) behind the merger.
    pub doc_no: String,
}

/// A body (内设机构 or subordinate station) as of one date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Body {
    /// Stored bodies have positive ids; bodies a plan creates have negative ones until the
    /// plan is applied.
    pub id: BodyId,
    pub name: String,
    pub short_name: String,
    pub kind: BodyKind,
    /// The hosting body (a centre can host others), or none for a top-level body.
    pub parent: Option<BodyId>,
    pub status: BodyStatus,
    /// Establishment (编制) in headcount; 0 when not recorded.
    pub establishment: i64,
    /// The head's name when known (shown on the chart until the people module knows it).
    pub head: String,
    /// The approval document (文号) behind the latest change.
    pub doc_no: String,
    /// Nameplate records of bodies merged into this one.
    pub records: Vec<NameplateRecord>,
}

impl Body {
    /// An active top-level body with only its id, name and kind: no establishment, head,
    /// document or nameplates.
    pub fn new(id: BodyId, name: impl Into<String>, kind: BodyKind) -> Self {
        Body {
            id,
            name: name.into(),
            short_name: String::new(),
            kind,
            parent: None,
            status: BodyStatus::Active,
            establishment: 0,
            head: String::new(),
            doc_no: String::new(),
            records: vec![],
        }
    }

    pub fn is_active(&self) -> bool {
        self.status.is_active()
    }

    /// Establishment held by the nameplate bodies merged into this one (只保留牌子、编制):
    /// it stays on their books and this body uses it.
    pub fn held_establishment(&self) -> i64 {
        self.records.iter().map(|r| r.establishment).sum()
    }

    /// Establishment the body uses (使用编制): its own (核定编制) and what the nameplate
    /// bodies merged into it hold.
    pub fn used_establishment(&self) -> i64 {
        self.establishment + self.held_establishment()
    }
}

/// One function item (职能事项) of the unit's catalogue (职能清单).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FunctionItem {
    pub id: FunctionId,
    /// Its attributes, read through (`item.title`).
    #[serde(flatten)]
    pub input: FunctionInput,
}

impl std::ops::Deref for FunctionItem {
    type Target = FunctionInput;
    fn deref(&self) -> &FunctionInput {
        &self.input
    }
}

impl std::ops::DerefMut for FunctionItem {
    fn deref_mut(&mut self) -> &mut FunctionInput {
        &mut self.input
    }
}

impl FunctionItem {
    /// Whether the unit still performs the item (undecided items are).
    pub fn performed(&self) -> bool {
        self.decision.is_none_or(ReviewDecision::performed)
    }
}

/// The totals (总量核定) the district approved for a unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Caps {
    /// Most active bodies.
    pub max_bodies: i64,
    /// Most middle-manager chief posts (中层正职).
    pub max_chiefs: i64,
    /// Most middle-manager deputy posts (中层副职).
    pub max_deputies: i64,
    pub doc_no: String,
}

/// One body's share of the middle posts in a phase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SplitLine {
    pub body: BodyId,
    pub chiefs: i64,
    pub deputies: i64,
}

/// The unit's split of its middle posts among its bodies for a phase (阶段).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Split {
    pub phase: String,
    pub effective: NaiveDate,
    pub lines: Vec<SplitLine>,
}

impl Split {
    pub fn chiefs(&self) -> i64 {
        self.lines.iter().map(|l| l.chiefs).sum()
    }
    pub fn deputies(&self) -> i64 {
        self.lines.iter().map(|l| l.deputies).sum()
    }
}

/// A unit's structure as of one date.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Structure {
    /// Every body known on the date, active or not, in a stable order.
    pub bodies: Vec<Body>,
    pub functions: Vec<FunctionItem>,
    pub caps: Option<Caps>,
    pub split: Option<Split>,
}

impl Structure {
    pub fn body(&self, id: BodyId) -> Option<&Body> {
        self.bodies.iter().find(|b| b.id == id)
    }

    pub fn body_mut(&mut self, id: BodyId) -> Option<&mut Body> {
        self.bodies.iter_mut().find(|b| b.id == id)
    }

    pub fn function(&self, id: FunctionId) -> Option<&FunctionItem> {
        self.functions.iter().find(|f| f.id == id)
    }

    pub fn active(&self) -> impl Iterator<Item = &Body> {
        self.bodies.iter().filter(|b| b.is_active())
    }

    pub fn is_active(&self, id: BodyId) -> bool {
        self.body(id).is_some_and(Body::is_active)
    }

    /// The name of a body, or `#id` when unknown.
    pub fn name_of(&self, id: BodyId) -> String {
        self.body(id)
            .map(|b| b.name.clone())
            .unwrap_or_else(|| format!("#{id}"))
    }

    /// Active bodies whose parent is `parent` (top level for `None`; a body whose parent is
    /// not active counts as top level).
    pub fn children(&self, parent: Option<BodyId>) -> Vec<&Body> {
        self.active()
            .filter(|b| {
                let p = b.parent.filter(|p| self.is_active(*p));
                p == parent
            })
            .collect()
    }

    /// Function items an active body owns.
    pub fn functions_of(&self, id: BodyId) -> Vec<&FunctionItem> {
        self.functions
            .iter()
            .filter(|f| f.owners.contains(&id))
            .collect()
    }

    /// The figures shown before/after and on two dates side by side.
    pub fn counts(&self) -> Counts {
        let by_kind = BodyKind::ALL
            .iter()
            .map(|k| (*k, self.active().filter(|b| b.kind == *k).count() as i64))
            .collect();
        let active = self.active().count() as i64;
        Counts {
            active,
            by_kind,
            records: self.active().map(|b| b.records.len() as i64).sum(),
            establishment: self.active().map(Body::used_establishment).sum(),
            held: self.active().map(Body::held_establishment).sum(),
            functions: self.functions.len() as i64,
            performed: self.functions.iter().filter(|f| f.performed()).count() as i64,
            chiefs: self.split.as_ref().map(Split::chiefs).unwrap_or(0),
            deputies: self.split.as_ref().map(Split::deputies).unwrap_or(0),
        }
    }

    /// A description with names instead of ids, one line per fact, sorted: two structures
    /// with equal canonical forms are the same organisation whatever ids they were given.
    pub fn canonical(&self) -> Vec<String> {
        let name = |id: Option<BodyId>| id.map(|i| self.name_of(i)).unwrap_or_default();
        let mut out = Vec::new();
        for b in &self.bodies {
            let mut recs: Vec<String> = b
                .records
                .iter()
                .map(|r| {
                    format!(
                        "{}:{}:{}:{}",
                        r.name,
                        r.kind.code(),
                        r.establishment,
                        r.doc_no
                    )
                })
                .collect();
            recs.sort();
            out.push(format!(
                "body {}|{}|{}|parent={}|{}->{}|est={}|head={}|doc={}|records=[{}]",
                b.name,
                b.short_name,
                b.kind.code(),
                name(b.parent.filter(|_| b.is_active())),
                b.status.code(),
                name(b.status.successor()),
                b.establishment,
                b.head,
                b.doc_no,
                recs.join(",")
            ));
        }
        for f in &self.functions {
            let mut owners: Vec<String> = f.owners.iter().map(|o| self.name_of(*o)).collect();
            owners.sort();
            out.push(format!(
                "function {}|{}|{}|{}|owners=[{}]|{}|{}",
                f.code,
                f.title,
                f.category.code(),
                f.legal_basis,
                owners.join(","),
                f.decision.map(|d| d.code()).unwrap_or("-"),
                f.reason
            ));
        }
        if let Some(c) = &self.caps {
            out.push(format!(
                "caps {} {} {} {}",
                c.max_bodies, c.max_chiefs, c.max_deputies, c.doc_no
            ));
        }
        if let Some(s) = &self.split {
            for l in &s.lines {
                out.push(format!(
                    "split {} {} {}={}/{}",
                    s.phase,
                    s.effective,
                    self.name_of(l.body),
                    l.chiefs,
                    l.deputies
                ));
            }
        }
        out.sort();
        out
    }
}

/// Figures of a structure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Active bodies.
    pub active: i64,
    pub by_kind: Vec<(BodyKind, i64)>,
    /// Nameplate records held by active bodies.
    pub records: i64,
    /// Establishment of active bodies including the records they hold: the unit's total.
    pub establishment: i64,
    /// Of which held by nameplate bodies (kept on their books, used by their successor).
    pub held: i64,
    pub functions: i64,
    /// Items still performed (not removed or transferred).
    pub performed: i64,
    pub chiefs: i64,
    pub deputies: i64,
}

/// The attributes of a body as entered in a form, validated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BodyInput {
    pub name: String,
    pub short_name: String,
    pub kind: BodyKind,
    pub parent: Option<BodyId>,
    pub establishment: i64,
    pub head: String,
}

/// Parses an optional text field up to `max` characters.
pub fn optional_text(field: &str, v: &str, max: usize) -> Result<String, FieldError> {
    let t = v.trim();
    if t.chars().count() > max {
        return Err(FieldError::new(field, "too_long").with("max", max));
    }
    Ok(t.to_string())
}

/// Parses a whole number within bounds; empty gives `default`.
pub fn count_field(field: &str, v: &str, max: i64, default: i64) -> Result<i64, FieldError> {
    let t = v.trim();
    if t.is_empty() {
        return Ok(default);
    }
    let n: i64 = t
        .parse()
        .map_err(|_| FieldError::new(field, "integer_invalid"))?;
    if !(0..=max).contains(&n) {
        return Err(FieldError::new(field, "out_of_range")
            .with("min", 0)
            .with("max", max));
    }
    Ok(n)
}

/// Parses an optional id (empty: none).
pub fn optional_id(field: &str, v: &str) -> Result<Option<i64>, FieldError> {
    let t = v.trim();
    if t.is_empty() {
        return Ok(None);
    }
    t.parse()
        .map(Some)
        .map_err(|_| FieldError::new(field, "choice_invalid"))
}

/// Parses a date `YYYY-MM-DD`.
pub fn parse_date(field: &str, v: &str) -> Result<NaiveDate, FieldError> {
    let t = v.trim();
    if t.is_empty() {
        return Err(FieldError::new(field, "required"));
    }
    NaiveDate::parse_from_str(t, "%Y-%m-%d").map_err(|_| FieldError::new(field, "date_invalid"))
}

impl BodyInput {
    pub fn parse(
        name: &str,
        short_name: &str,
        kind: &str,
        parent: &str,
        establishment: &str,
        head: &str,
    ) -> Result<Self, Vec<FieldError>> {
        let mut errs = Errors::new();
        let name = errs.take(required_text("name", name, NAME_MAX));
        let short = errs.take(optional_text("short_name", short_name, SHORT_MAX));
        let kind = errs.take(BodyKind::parse("kind", kind));
        let parent = errs.take(optional_id("parent", parent));
        let est = errs.take(count_field("establishment", establishment, 10_000, 0));
        let head = errs.take(optional_text("head", head, 20));
        match (name, short, kind, parent, est, head) {
            (
                Some(name),
                Some(short_name),
                Some(kind),
                Some(parent),
                Some(establishment),
                Some(head),
            ) if errs.is_empty() => Ok(BodyInput {
                name,
                short_name,
                kind,
                parent: parent.map(BodyId),
                establishment,
                head,
            }),
            _ => Err(errs.0),
        }
    }
}

/// A function item's attributes (as entered, validated; owners and decision are set
/// separately), without its id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FunctionInput {
    pub code: String,
    pub title: String,
    pub category: FunctionCategory,
    pub legal_basis: String,
    /// Owning bodies, sorted; more than one is a misplacement (错位).
    pub owners: Vec<BodyId>,
    /// The review decision, or none while not yet reviewed (treated as kept).
    pub decision: Option<ReviewDecision>,
    pub reason: String,
}

impl FunctionInput {
    #[allow(clippy::too_many_arguments)]
    pub fn parse(
        code: &str,
        title: &str,
        category: &str,
        legal_basis: &str,
        owners: &[String],
        decision: &str,
        reason: &str,
    ) -> Result<Self, Vec<FieldError>> {
        let mut errs = Errors::new();
        let code = errs.take(required_text("code", code, 20));
        let title = errs.take(required_text("title", title, TITLE_MAX));
        let category = errs.take(FunctionCategory::parse("category", category));
        let basis = errs.take(optional_text("legal_basis", legal_basis, BASIS_MAX));
        let mut ids = Vec::new();
        for o in owners.iter().filter(|o| !o.trim().is_empty()) {
            match o.trim().parse::<i64>() {
                Ok(i) => ids.push(BodyId(i)),
                Err(_) => errs.push(FieldError::new("owners", "choice_invalid")),
            }
        }
        ids.sort();
        ids.dedup();
        let decision = if decision.trim().is_empty() {
            Some(None)
        } else {
            errs.take(ReviewDecision::parse("decision", decision).map(Some))
        };
        let reason = errs.take(optional_text("reason", reason, REASON_MAX));
        if let (Some(Some(d)), Some(r)) = (decision, &reason) {
            // A decision other than keep needs its reason (逐条梳理 records why).
            if d != ReviewDecision::Keep && r.is_empty() {
                errs.push(FieldError::new("reason", "required"));
            }
        }
        match (code, title, category, basis, decision, reason) {
            (
                Some(code),
                Some(title),
                Some(category),
                Some(legal_basis),
                Some(decision),
                Some(reason),
            ) if errs.is_empty() => Ok(FunctionInput {
                code,
                title,
                category,
                legal_basis,
                owners: ids,
                decision,
                reason,
            }),
            _ => Err(errs.0),
        }
    }
}

/// Index of the bodies by id (for layouts and lookups over large structures).
pub fn index(s: &Structure) -> BTreeMap<BodyId, &Body> {
    s.bodies.iter().map(|b| (b.id, b)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_input_names_every_bad_field() {
        let e = BodyInput::parse("", "一二三四五六七八九十一二三", "站", "x", "-1", "")
            .err()
            .unwrap_or_default();
        let got: Vec<(&str, &str)> = e
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("name", "required"),
                ("short_name", "too_long"),
                ("kind", "choice_invalid"),
                ("parent", "choice_invalid"),
                ("establishment", "out_of_range"),
            ]
        );
        let ok = BodyInput::parse("党政办", "党政办", "办", "", "", "王");
        assert_eq!(
            ok.map(|b| (b.kind, b.establishment)),
            Ok((BodyKind::Office, 0))
        );
    }

    #[test]
    fn a_decision_other_than_keep_needs_a_reason() {
        let e = FunctionInput::parse("F1", "农机推广", "micro_management", "", &[], "remove", "")
            .err()
            .unwrap_or_default();
        assert_eq!(e.first().map(|e| e.field.as_str()), Some("reason"));
        let ok = FunctionInput::parse(
            "F1",
            "农机推广",
            "微观管理",
            "",
            &["3".into(), "3".into(), "".into()],
            "keep",
            "",
        );
        assert_eq!(ok.map(|f| f.owners), Ok(vec![BodyId(3)]));
    }
}
