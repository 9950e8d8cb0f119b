//! Declared relations (亲属关系) imported from Excel for a unit, and exported in the same
//! layout (RULES-SELECTION-APPRAISAL §1.9.1; the columns are
//! [`jiguan_domain::people::relation_template`]).
//!
//! - All or nothing: every bad row is listed with its row, column, value and reason, and
//!   nothing is written if any row is bad.
//! - A row names a person of the unit (home unit, as the person page requires: another
//!   unit's person is refused naming the unit, another district's is unknown), the relation
//!   by its Chinese name (or code), and a relative of the same district, each by resident
//!   ID number with the name as registered (a name that does not match is refused: the
//!   number may be mistyped). Not the person themself; a pair at most once in the file
//!   (in either order).
//! - A pair already recorded with the same relation in the same direction is left alone
//!   (so re-importing a file, or an export, changes nothing and writes no audit entry); a
//!   pair recorded otherwise is refused naming what is recorded (a relation is changed by
//!   removing it on the person page).
//! - Each relation written is audited on its person as the person page does
//!   (`person.relation.add`), with the file name; all in one transaction.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use jiguan_domain::FieldError;
use jiguan_domain::audit::{AuditAction, AuditEntry, ObjectKind};
use jiguan_domain::auth::{Action, Actor};
use jiguan_domain::people::PersonId;
use jiguan_domain::people::mask::shown;
use jiguan_domain::people::relation::RelationKind;
use jiguan_domain::people::relation_template::{RelationHeaderMap, relation_header_of};
use jiguan_domain::rules::id_number::IdNumber;
use jiguan_domain::tenancy::{DistrictId, UnitId};

use super::{ImportTable, Importer, PersonRecord, RelationRecord, RelationWrite, RowError};
use crate::ports::{Conflict, StoreError};
use crate::{App, AppError, AppResult};

/// ID numbers per lookup.
const CHUNK: usize = 500;

/// What a relations import did, or would have done.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RelationImportReport {
    /// Data rows read (blank rows skipped).
    pub rows: usize,
    /// Relations recorded by this import.
    pub created: usize,
    /// Rows already recorded as they are (left alone).
    pub unchanged: usize,
    /// Rows with at least one error.
    pub invalid_rows: usize,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub errors: Vec<RowError>,
    /// Columns the template does not know (ignored).
    pub unknown_columns: Vec<String>,
    /// Whether anything was written.
    pub written: bool,
}

/// One row of the relations export, in the template's layout (the import reads it back).
pub type RelationExportRow = jiguan_domain::people::relation_template::RelationRow;

/// A relation of a unit as the store reads it for the export: the record and both
/// people's stored ID numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitRelation {
    pub record: RelationRecord,
    pub person_id_number: String,
    pub relative_id_number: String,
}

/// A row that passed the checks of its own cells.
struct Parsed {
    rowno: usize,
    cells: jiguan_domain::people::relation_template::RelationRow,
    kind: RelationKind,
}

fn cell_error(rowno: usize, value: &str, e: FieldError) -> RowError {
    RowError {
        row: rowno,
        column: relation_header_of(&e.field).into(),
        value: value.chars().take(100).collect(),
        error: e,
    }
}

impl App {
    /// Imports declared relations into `unit` from a table read from a file: all or
    /// nothing (see the module doc). A user needs `PeopleManage` on the unit; the command
    /// line imports as `system`.
    pub async fn import_relations(
        &self,
        who: Importer<'_>,
        unit: UnitId,
        table: &ImportTable,
        file_name: &str,
    ) -> AppResult<RelationImportReport> {
        let d = match who {
            Importer::User(actor) => {
                self.require_unit(actor, Action::PeopleManage, unit).await?;
                actor.district_id
            }
            Importer::System(d) => d,
        };
        self.store
            .get_unit(d, unit)
            .await?
            .ok_or(AppError::NotFound)?;
        let mut report = RelationImportReport::default();
        let map = match RelationHeaderMap::parse(&table.headers) {
            Ok(m) => m,
            Err(errs) => {
                report.errors = RowError::of_header(errs);
                return Ok(report);
            }
        };
        report.unknown_columns = map.unknown.clone();
        let today = self.people_today();
        let mut bad: BTreeMap<usize, ()> = BTreeMap::new();

        // 1. Every row on its own.
        let mut parsed: Vec<Parsed> = Vec::new();
        for (i, row) in table.rows.iter().enumerate() {
            let rowno = table.first_row + i;
            if row.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            report.rows += 1;
            let cells = map.row(row);
            let mut errs = Vec::new();
            for (field, v) in [
                ("person_id_number", &cells.person_id_number),
                ("relative_id_number", &cells.relative_id_number),
            ] {
                if let Err(e) = IdNumber::parse_field(field, v, Some(today)) {
                    errs.push(cell_error(rowno, v, e));
                }
            }
            for (field, v) in [
                ("person_name", &cells.person_name),
                ("relative_name", &cells.relative_name),
            ] {
                if v.is_empty() {
                    errs.push(cell_error(rowno, v, FieldError::new(field, "required")));
                }
            }
            let kind = RelationKind::parse("relation", &cells.relation)
                .map_err(|e| errs.push(cell_error(rowno, &cells.relation, e)))
                .ok();
            if errs.is_empty() && cells.person_id_number == cells.relative_id_number {
                errs.push(cell_error(
                    rowno,
                    &cells.relative_id_number,
                    FieldError::new("relative_id_number", "relation_self"),
                ));
            }
            match kind {
                Some(kind) if errs.is_empty() => parsed.push(Parsed { rowno, cells, kind }),
                _ => {
                    bad.insert(rowno, ());
                    report.errors.extend(errs);
                }
            }
        }

        // 2. The people, by ID number (the district's only).
        let mut numbers: Vec<String> = parsed
            .iter()
            .flat_map(|p| {
                [
                    p.cells.person_id_number.clone(),
                    p.cells.relative_id_number.clone(),
                ]
            })
            .collect();
        numbers.sort_unstable();
        numbers.dedup();
        let mut people: HashMap<String, PersonRecord> = HashMap::new();
        for chunk in numbers.chunks(CHUNK) {
            for p in self.store.people_by_id_numbers(d, chunk).await? {
                people.insert(p.id_number.clone(), p);
            }
        }
        let ids: Vec<PersonId> = people.values().map(|p| PersonId(p.id)).collect();
        let recorded = self.store.relations_among(d, &ids).await?;
        let recorded: HashMap<(PersonId, PersonId), RelationRecord> = recorded
            .into_iter()
            .map(|r| ((r.person_id, r.relative_id), r))
            .collect();
        let mut unit_names: BTreeMap<UnitId, String> = BTreeMap::new();
        let mut seen: HashMap<(PersonId, PersonId), usize> = HashMap::new();
        let mut writes: Vec<(RelationWrite, String)> = Vec::new();
        for p in parsed {
            let c = &p.cells;
            let mut errs = Vec::new();
            let person = people.get(&c.person_id_number);
            let relative = people.get(&c.relative_id_number);
            match person {
                None => errs.push(cell_error(
                    p.rowno,
                    &c.person_id_number,
                    FieldError::new("person_id_number", "person_unknown"),
                )),
                Some(x) if x.unit_id != unit => {
                    let name = match unit_names.get(&x.unit_id) {
                        Some(n) => n.clone(),
                        None => {
                            let n = self
                                .store
                                .get_unit(d, x.unit_id)
                                .await?
                                .map(|u| u.name)
                                .unwrap_or_default();
                            unit_names.insert(x.unit_id, n.clone());
                            n
                        }
                    };
                    errs.push(cell_error(
                        p.rowno,
                        &c.person_id_number,
                        FieldError::new("person_id_number", "relation_person_other_unit")
                            .with("unit", name),
                    ));
                }
                Some(x) if x.name != c.person_name => errs.push(cell_error(
                    p.rowno,
                    &c.person_name,
                    FieldError::new("person_name", "name_mismatch"),
                )),
                Some(_) => {}
            }
            match relative {
                None => errs.push(cell_error(
                    p.rowno,
                    &c.relative_id_number,
                    FieldError::new("relative_id_number", "person_unknown"),
                )),
                Some(x) if x.name != c.relative_name => errs.push(cell_error(
                    p.rowno,
                    &c.relative_name,
                    FieldError::new("relative_name", "name_mismatch"),
                )),
                Some(_) => {}
            }
            let (Some(a), Some(b)) = (person, relative) else {
                bad.insert(p.rowno, ());
                report.errors.extend(errs);
                continue;
            };
            let (a, b) = (PersonId(a.id), PersonId(b.id));
            let pair = if a < b { (a, b) } else { (b, a) };
            if let Some(first) = seen.get(&pair) {
                errs.push(cell_error(
                    p.rowno,
                    &c.relative_id_number,
                    FieldError::new("relative_id_number", "duplicate_in_file").with("row", first),
                ));
            } else {
                seen.insert(pair, p.rowno);
            }
            let same = recorded.get(&(a, b)).filter(|r| r.relation == p.kind);
            let other = recorded
                .get(&(a, b))
                .or_else(|| recorded.get(&(b, a)))
                .filter(|_| same.is_none());
            if let Some(r) = other {
                let what = if r.person_id == a {
                    r.relation.zh().to_string()
                } else {
                    format!("{}（由对方登记）", r.relation.zh())
                };
                errs.push(cell_error(
                    p.rowno,
                    &c.relation,
                    FieldError::new("relation", "relation_recorded").with("relation", what),
                ));
            }
            if !errs.is_empty() {
                bad.insert(p.rowno, ());
                report.errors.extend(errs);
            } else if same.is_some() {
                report.unchanged += 1;
            } else {
                let w = RelationWrite {
                    unit_id: unit,
                    person_id: a,
                    relative_id: b,
                    relation: p.kind,
                    by: String::new(),
                    at: self.clock.now(),
                };
                writes.push((w, c.relative_name.clone()));
            }
        }
        report.errors.sort_by_key(|e| e.row);
        report.invalid_rows = bad.len();
        if !report.errors.is_empty() || writes.is_empty() {
            return Ok(report);
        }

        // 3. Written in one transaction, each relation audited on its person.
        let by = match who {
            Importer::User(a) => a.username.clone(),
            Importer::System(_) => "system".to_string(),
        };
        let mut audits: Vec<AuditEntry> = Vec::with_capacity(writes.len());
        let mut rows: Vec<RelationWrite> = Vec::with_capacity(writes.len());
        for (mut w, relative_name) in writes {
            let base = match who {
                Importer::User(a) => self.audit(a),
                Importer::System(_) => self.system_audit(d),
            };
            audits.push(
                base.unit(unit)
                    .did(AuditAction::PersonRelationAdd)
                    .on(ObjectKind::Person, w.person_id.0)
                    .after(&serde_json::json!({
                        "relative_id": w.relative_id.0,
                        "relative": relative_name,
                        "relation": w.relation.code(),
                        "category": w.relation.kinship().code(),
                        "file": file_name,
                    })),
            );
            w.by = by.clone();
            rows.push(w);
        }
        self.store
            .add_relations(d, &rows, audits)
            .await
            .map_err(|e| match e {
                StoreError::Conflict(Conflict::Unique(_)) => {
                    AppError::field("relation", "relation_exists")
                }
                e => e.into(),
            })?;
        report.created = rows.len();
        report.written = true;
        Ok(report)
    }

    /// The relations recorded on the people of `unit` (their home unit), in the import
    /// template's layout (PeopleView; ID numbers in full for `PeopleSensitive`).
    pub async fn export_relations(
        &self,
        actor: &Actor,
        unit: UnitId,
    ) -> AppResult<Vec<RelationExportRow>> {
        self.require_unit(actor, Action::PeopleView, unit).await?;
        self.relation_rows(actor.district_id, unit, actor.can(Action::PeopleSensitive))
            .await
    }

    /// [`App::export_relations`] for the command line (full ID numbers).
    pub async fn system_export_relations(
        &self,
        d: DistrictId,
        unit: UnitId,
    ) -> AppResult<Vec<RelationExportRow>> {
        self.store
            .get_unit(d, unit)
            .await?
            .ok_or(AppError::NotFound)?;
        self.relation_rows(d, unit, true).await
    }

    async fn relation_rows(
        &self,
        d: DistrictId,
        unit: UnitId,
        sensitive: bool,
    ) -> AppResult<Vec<RelationExportRow>> {
        Ok(self
            .store
            .unit_relations(d, unit)
            .await?
            .into_iter()
            .map(|r| RelationExportRow {
                person_id_number: shown(&r.person_id_number, sensitive),
                person_name: r.record.person_name,
                relation: r.record.relation.zh().into(),
                relative_id_number: shown(&r.relative_id_number, sensitive),
                relative_name: r.record.relative_name,
            })
            .collect())
    }
}
