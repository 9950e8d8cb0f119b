//! Roster import (花名册导入): a table already read from xlsx or csv (by `jiguan-excel`)
//! is validated row by row; every error is listed at once with its row, column, value and
//! reason. Nothing is written unless every row is valid, or the user chose to import only
//! the valid rows. Rows are keyed by ID number: a person already in the unit is updated
//! when the row differs and left alone when it does not, so importing the same file twice
//! changes nothing (and writes no audit entry the second time).

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use serde::Serialize;

use jiguan_domain::FieldError;
use jiguan_domain::auth::{Action, Actor};
use jiguan_domain::people::EventKind;
use jiguan_domain::people::template::{HeaderMap, header_of};
use jiguan_domain::tenancy::{DistrictId, UnitId};

use super::{PeopleBatch, PersonRecord, PersonWrite, Progress};
use crate::ports::{Conflict, StoreError};
use crate::{App, AppError, AppResult};
use jiguan_domain::audit::{AuditAction, ObjectKind};

/// An import, as audited.
#[derive(Serialize)]
struct Imported<'a> {
    file: &'a str,
    rows: usize,
    created: usize,
    updated: usize,
    unchanged: usize,
    invalid_rows: usize,
    mode: ImportMode,
    exception_doc: &'a str,
}

/// A table read from a file: the header row and the data rows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportTable {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// The file's row number of `rows[0]` (2 when the header is row 1).
    pub first_row: usize,
}

/// All or nothing (default), or only the valid rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportMode {
    #[default]
    AllOrNothing,
    ValidOnly,
}

#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    pub mode: ImportMode,
    /// Document number approving the over-establishment rows (超编审批文号), if any.
    pub exception_doc: String,
    /// Effective date of new people (default today).
    pub on: Option<NaiveDate>,
    /// The file name, for the audit trail.
    pub file_name: String,
}

/// One invalid cell or row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    /// The file's row number (1 = header row).
    pub row: usize,
    /// The column's Chinese header ("" for the whole file).
    pub column: String,
    pub value: String,
    pub error: FieldError,
}

impl RowError {
    /// The header row's problems (row 1), each under the column its error names.
    pub(crate) fn of_header(errors: Vec<FieldError>) -> Vec<RowError> {
        errors
            .into_iter()
            .map(|error| RowError {
                row: 1,
                column: error
                    .args
                    .iter()
                    .find(|(k, _)| k == "column")
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default(),
                value: String::new(),
                error,
            })
            .collect()
    }
}

impl RowError {
    /// The error of one cell: its column is the header of the error's field.
    fn in_cell(row: usize, value: impl Into<String>, error: FieldError) -> Self {
        RowError {
            row,
            column: header_of(&error.field).into(),
            value: value.into(),
            error,
        }
    }
}

/// What an import did, or would have done.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    /// Data rows read (blank rows skipped).
    pub rows: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Rows with at least one error.
    pub invalid_rows: usize,
    pub errors: Vec<RowError>,
    /// Columns the template does not know (ignored).
    pub unknown_columns: Vec<String>,
    /// Whether anything was written.
    pub written: bool,
    pub mode: ImportMode,
}

/// A validated import, not written yet: `report` is final except `written`.
pub struct PreparedImport {
    pub report: ImportReport,
    district: DistrictId,
    batch: Option<PeopleBatch>,
}

impl PreparedImport {
    /// Rows the write will add or update (0: nothing to write, the report is final).
    pub fn pending(&self) -> usize {
        self.batch.as_ref().map_or(0, |b| b.writes.len())
    }
}

/// Who imports: a signed-in user (PeopleManage, audited under them), or the command line
/// or a benchmark for a district (audited as `system`).
#[derive(Debug, Clone, Copy)]
pub enum Importer<'a> {
    User(&'a Actor),
    System(DistrictId),
}

const CHUNK: usize = 500;

impl App {
    /// Imports a roster into `unit`: validates every row, then writes them when the import
    /// is clean (or the valid ones, as `opts` says) in one transaction.
    pub async fn import_roster(
        &self,
        who: Importer<'_>,
        unit: UnitId,
        table: &ImportTable,
        opts: &ImportOptions,
        progress: Option<Progress>,
    ) -> AppResult<ImportReport> {
        let prepared = match who {
            Importer::User(actor) => {
                self.prepare_as(actor, unit, table, opts, progress.as_ref())
                    .await?
            }
            Importer::System(district) => {
                self.store
                    .get_unit(district, unit)
                    .await?
                    .ok_or(AppError::NotFound)?;
                self.prepare_inner(who, district, unit, table, opts, progress.as_ref())
                    .await?
            }
        };
        self.write_roster_import(prepared, progress).await
    }

    /// Validates a roster import into `unit` (PeopleManage) without writing anything: the
    /// report lists every error; the write, if any, is done by
    /// [`App::write_roster_import`] (the browser runs it as a background job).
    pub async fn prepare_roster_import(
        &self,
        actor: &Actor,
        unit: UnitId,
        table: &ImportTable,
        opts: &ImportOptions,
    ) -> AppResult<PreparedImport> {
        self.prepare_as(actor, unit, table, opts, None).await
    }

    /// Checks that `actor` may import into `unit` (PeopleManage), then validates the import.
    async fn prepare_as(
        &self,
        actor: &Actor,
        unit: UnitId,
        table: &ImportTable,
        opts: &ImportOptions,
        progress: Option<&Progress>,
    ) -> AppResult<PreparedImport> {
        self.require_unit(actor, Action::PeopleManage, unit).await?;
        let who = Importer::User(actor);
        self.prepare_inner(who, actor.district_id, unit, table, opts, progress)
            .await
    }

    /// Writes a prepared import in one transaction (all or nothing); `progress` is told
    /// (rows written, rows to write) as the write goes on.
    pub async fn write_roster_import(
        &self,
        prepared: PreparedImport,
        progress: Option<Progress>,
    ) -> AppResult<ImportReport> {
        let PreparedImport {
            mut report,
            district,
            batch,
        } = prepared;
        let Some(mut batch) = batch else {
            return Ok(report);
        };
        batch.progress = progress;
        self.store
            .apply_people(district, batch)
            .await
            .map_err(|e| match e {
                StoreError::Conflict(Conflict::Establishment) => {
                    AppError::field("establishment", "establishment_changed")
                }
                other => other.into(),
            })?;
        report.written = true;
        Ok(report)
    }

    async fn prepare_inner(
        &self,
        who: Importer<'_>,
        d: DistrictId,
        unit: UnitId,
        table: &ImportTable,
        opts: &ImportOptions,
        progress: Option<&Progress>,
    ) -> AppResult<PreparedImport> {
        let done = |report: ImportReport| PreparedImport {
            report,
            district: d,
            batch: None,
        };
        let mut report = ImportReport {
            mode: opts.mode,
            ..ImportReport::default()
        };
        let map = match HeaderMap::parse(&table.headers) {
            Ok(m) => m,
            Err(e) => {
                report.errors = RowError::of_header(e);
                return Ok(done(report));
            }
        };
        report.unknown_columns = map.unknown.clone();
        let today = self.people_today();
        let on = opts.on.unwrap_or(today);
        if on > today {
            return Err(AppError::field("effective_on", "date_future"));
        }
        let has_column = |field: &str| {
            map.index
                .iter()
                .zip(jiguan_domain::people::template::COLUMNS)
                .any(|(i, c)| c.field == field && i.is_some())
        };
        let has_body_column = has_column("body");
        // Files of the template before 试用期满日期 keep the recorded probation end.
        let has_probation_column = has_column("probation_end");
        let bodies = self.bodies_for(d, unit).await;
        let dict = self.dict_of(d).await?;
        let total = table.rows.len() as u64;

        // 1. Every row on its own.
        let mut valid: Vec<(usize, PersonRecord)> = Vec::new();
        let mut bad_rows: BTreeMap<usize, ()> = BTreeMap::new();
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (i, row) in table.rows.iter().enumerate() {
            let rowno = table.first_row + i;
            if row.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            report.rows += 1;
            let form = map.form(row);
            match self.record_of(&form, d, unit, &bodies, on, &dict, None) {
                Ok(r) => {
                    if let Some(first) = seen.get(&r.id_number) {
                        report.errors.push(RowError::in_cell(
                            rowno,
                            &r.id_number,
                            FieldError::new("id_number", "duplicate_in_file").with("row", first),
                        ));
                        bad_rows.insert(rowno, ());
                    } else {
                        seen.insert(r.id_number.clone(), rowno);
                        valid.push((rowno, r));
                    }
                }
                Err(errs) => {
                    bad_rows.insert(rowno, ());
                    for e in errs {
                        let value: String =
                            map.cell(row, &e.field).trim().chars().take(100).collect();
                        report.errors.push(RowError::in_cell(rowno, value, e));
                    }
                }
            }
            if let Some(p) = progress
                && i % 1000 == 0
            {
                p(i as u64, total * 2);
            }
        }

        // 2. Against the database: keyed by ID number.
        let mut existing: HashMap<String, PersonRecord> = HashMap::new();
        let numbers: Vec<String> = valid.iter().map(|(_, r)| r.id_number.clone()).collect();
        for chunk in numbers.chunks(CHUNK) {
            for p in self.store.people_by_id_numbers(d, chunk).await? {
                existing.insert(p.id_number.clone(), p);
            }
        }
        let mut unit_names: BTreeMap<UnitId, String> = BTreeMap::new();
        let mut changes: Vec<(usize, Option<PersonRecord>, PersonRecord, EventKind)> = Vec::new();
        for (rowno, mut r) in valid {
            match existing.remove(&r.id_number) {
                Some(old) if old.unit_id != unit => {
                    let name = match unit_names.get(&old.unit_id) {
                        Some(n) => n.clone(),
                        None => {
                            let n = self
                                .store
                                .get_unit(d, old.unit_id)
                                .await?
                                .map(|u| u.name)
                                .unwrap_or_default();
                            unit_names.insert(old.unit_id, n.clone());
                            n
                        }
                    };
                    report.errors.push(RowError::in_cell(
                        rowno,
                        &r.id_number,
                        FieldError::new("id_number", "person_in_other_unit").with("unit", name),
                    ));
                    bad_rows.insert(rowno, ());
                }
                Some(old) => {
                    r.id = old.id;
                    r.host_unit_id = old.host_unit_id;
                    r.status = old.status;
                    r.status_since = old.status_since;
                    if !has_body_column {
                        r.body_id = old.body_id;
                    }
                    if !has_probation_column {
                        r.probation_end = old.probation_end;
                    }
                    if r == old {
                        report.unchanged += 1;
                    } else {
                        let moved = r.identity != old.identity
                            || r.establishment != old.establishment
                            || r.body_id != old.body_id
                            || r.post != old.post;
                        let kind = if moved {
                            EventKind::Move
                        } else {
                            EventKind::Update
                        };
                        changes.push((rowno, Some(old), r, kind));
                    }
                }
                None => changes.push((rowno, None, r, EventKind::Hire)),
            }
        }

        // 3. The establishment, in file order.
        let room = self.room(d, &[unit]).await?;
        let mut names = BTreeMap::new();
        if let Some(u) = self.store.get_unit(d, unit).await? {
            names.insert(unit, u.name);
        }
        let pairs: Vec<(Option<&PersonRecord>, &PersonRecord)> =
            changes.iter().map(|(_, b, a, _)| (b.as_ref(), a)).collect();
        let checked = self.check_room(&room, &pairs, &opts.exception_doc, "", on, &names);
        let mut refused: BTreeMap<usize, ()> = BTreeMap::new();
        for (i, e) in checked.errors {
            if let Some((rowno, _, r, _)) = changes.get(i) {
                report.errors.push(RowError {
                    row: *rowno,
                    column: header_of("establishment").into(),
                    value: r.establishment.zh().into(),
                    error: e,
                });
                bad_rows.insert(*rowno, ());
                refused.insert(i, ());
            }
        }
        report.errors.sort_by_key(|e| e.row);
        report.invalid_rows = bad_rows.len();
        if !report.errors.is_empty() && opts.mode == ImportMode::AllOrNothing {
            return Ok(done(report));
        }
        let exceptions: Vec<_> = checked
            .exceptions
            .into_iter()
            .filter(|(i, _)| !refused.contains_key(i))
            .map(|(_, e)| e)
            .collect();
        let writes: Vec<PersonWrite> = changes
            .into_iter()
            .enumerate()
            .filter(|(i, _)| !refused.contains_key(i))
            .map(|(_, (_, before, person, kind))| PersonWrite {
                create: before.is_none(),
                person,
                on,
                kind,
                doc_no: String::new(),
                note: "import".into(),
            })
            .collect();
        report.created = writes.iter().filter(|w| w.create).count();
        report.updated = writes.len() - report.created;
        if writes.is_empty() {
            return Ok(done(report));
        }
        // The guards were computed for every change; with rows refused they only loosen.
        let after = Imported {
            file: &opts.file_name,
            rows: report.rows,
            created: report.created,
            updated: report.updated,
            unchanged: report.unchanged,
            invalid_rows: report.invalid_rows,
            mode: opts.mode,
            exception_doc: &opts.exception_doc,
        };
        let (base, by) = match who {
            Importer::User(a) => (self.audit(a), a.username.clone()),
            Importer::System(_) => (self.system_audit(d), "system".to_string()),
        };
        let audit = base
            .unit(unit)
            .did(AuditAction::PeopleImport)
            .on(ObjectKind::Unit, unit)
            .after(&after);
        let batch = PeopleBatch {
            writes,
            exceptions,
            guards: checked.guards,
            audits: vec![audit],
            by,
            at: self.clock.now(),
            progress: None,
        };
        Ok(PreparedImport {
            report,
            district: d,
            batch: Some(batch),
        })
    }
}
