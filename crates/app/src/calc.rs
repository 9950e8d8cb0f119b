//! The policy calculators (政策计算器) as use cases, over the one facade
//! [`jiguan_domain::rules::calc::run`], and the working-day calendar a district loads.
//!
//! - A calculation uses the policy parameters in force for the actor's district (and unit:
//!   unit value, else district value, else the national default) and the calendar of the
//!   district: the built-in years plus the years its administrator loaded.
//! - A saved calculation stores its inputs, result, steps, sources and the parameter values
//!   it used, with who saved it and when. It is never recomputed: "past results keep the
//!   parameter values they were computed with".
//! - Who sees saved calculations: the actor's scope (a district account its district, a
//!   unit account its unit); among them, accounts that may read the audit trail
//!   (administrators, auditors) see all, everyone else only their own. Auditor-only
//!   accounts are read-only and cannot save.
//! - Loading a year's schedule is a district administrator's change (`SettingsManage`),
//!   audited. A loaded year may replace a built-in year (the State Council has corrected
//!   schedules before); the audit entry records what it replaced.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use serde_json::Value;

use jiguan_domain::FieldError;
use jiguan_domain::auth::{Action, Actor, Role};
use jiguan_domain::rules::calc::{CalcKind, CalcOutput, SavedCalcId, run};
use jiguan_domain::rules::calendar::{Calendar, SCHEDULE_FIELD, YearSchedule};
use jiguan_domain::rules::params::Params;
use jiguan_domain::tenancy::{DistrictId, UnitId, UserId};

use crate::ports::{CalcFilter, CalcRecord, CalendarYearRecord, ListQuery, NewCalcRecord, Page};
use crate::{App, AppError, AppResult};
use jiguan_domain::audit::{AuditAction, AuditEntry, ObjectKind};

/// A saved calculation, as audited.
#[derive(Serialize)]
struct CalcSaved<'a, I> {
    kind: &'a str,
    input: &'a I,
    result: &'a Value,
    params_used: &'a [(String, String)],
    note: &'a str,
}

/// The schedule of a year before a load, as audited.
#[derive(Serialize)]
struct YearBefore {
    year: i32,
    /// `loaded` or `builtin`.
    origin: &'static str,
    schedule: String,
}

/// A year's schedule loaded, as audited.
#[derive(Serialize)]
struct YearLoaded {
    year: i32,
    days_off: usize,
    swapped_workdays: usize,
    schedule: String,
}

/// Longest note on a saved calculation, in characters.
pub const NOTE_MAX: usize = 200;
/// Longest input value, in characters.
pub const VALUE_MAX: usize = 4000;
/// Largest schedule text, in bytes.
pub const SCHEDULE_MAX: usize = 64 * 1024;

/// One explanation line as stored and shown: a translation key and its values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct StepLine {
    pub key: String,
    pub args: Vec<(String, String)>,
}

/// A calculation: what went in and everything that came out.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Calculation {
    pub kind: CalcKind,
    /// The inputs used (trimmed, blanks and unknown fields dropped).
    pub input: BTreeMap<String, String>,
    /// The CLI contract's JSON object.
    pub result: Value,
    pub steps: Vec<StepLine>,
    pub sources: Vec<String>,
    /// The policy parameters read, with the values in force at the time.
    pub params_used: Vec<(String, String)>,
}

impl Calculation {
    fn of(kind: CalcKind, input: BTreeMap<String, String>, out: CalcOutput) -> Self {
        Calculation {
            kind,
            input,
            result: out.result,
            steps: out
                .steps
                .into_iter()
                .map(|s| StepLine {
                    key: s.key.to_string(),
                    args: s.args,
                })
                .collect(),
            sources: out.sources.into_iter().map(str::to_string).collect(),
            params_used: out
                .params_used
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        }
    }
}

/// A saved calculation, exactly as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SavedCalc {
    pub id: SavedCalcId,
    pub unit_id: Option<UnitId>,
    pub user_id: UserId,
    pub username: String,
    pub note: String,
    pub created_at: DateTime<Utc>,
    #[serde(flatten)]
    pub calc: Calculation,
}

/// One year of the working-day calendar of a district.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CalendarYear {
    pub year: i32,
    /// `builtin` (2025, 2026 as published) or `loaded` (by an administrator).
    pub origin: &'static str,
    /// A loaded year that replaces a built-in one.
    pub replaces_builtin: bool,
    pub days_off: usize,
    pub swapped_workdays: usize,
    /// The schedule text (as loaded; built-in years in the normalised format).
    pub text: String,
    pub loaded_at: Option<DateTime<Utc>>,
    pub loaded_by: Option<String>,
}

/// Today's date in China.
pub fn china_today(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&jiguan_domain::time::china())
        .date_naive()
}

/// Prepares raw inputs for a calculator: values trimmed, blanks and fields the calculator
/// does not have dropped, over-long values refused; for `id` without `today`, today's date
/// is filled in so that a birth date in the future is caught the same way everywhere.
pub fn prepare_input(
    kind: CalcKind,
    raw: &BTreeMap<String, String>,
    today: NaiveDate,
) -> Result<BTreeMap<String, String>, FieldError> {
    let mut out = BTreeMap::new();
    for f in kind.fields() {
        let Some(v) = raw.get(f.name).map(|v| v.trim()).filter(|v| !v.is_empty()) else {
            continue;
        };
        if v.chars().count() > VALUE_MAX {
            return Err(FieldError::new(f.name, "too_long").with("max", VALUE_MAX));
        }
        out.insert(f.name.to_string(), v.to_string());
    }
    if kind == CalcKind::Id && !out.contains_key("today") {
        out.insert("today".into(), today.to_string());
    }
    Ok(out)
}

/// Runs a calculator on prepared inputs.
pub fn compute(
    kind: CalcKind,
    input: BTreeMap<String, String>,
    params: &Params,
    calendar: &Calendar,
) -> Result<Calculation, FieldError> {
    let out = run(kind, &input, params, calendar)?;
    Ok(Calculation::of(kind, input, out))
}

fn year_of(rec: &CalendarYearRecord) -> AppResult<YearSchedule> {
    YearSchedule::parse(&rec.schedule_text).map_err(|e| {
        AppError::Internal(format!(
            "stored calendar year {} of district {} does not parse: {e}",
            rec.year, rec.district_id
        ))
    })
}

fn json_text<T: Serialize>(v: &T) -> AppResult<String> {
    serde_json::to_string(v).map_err(|e| AppError::Internal(e.to_string()))
}

fn from_json<T: serde::de::DeserializeOwned>(s: &str) -> AppResult<T> {
    serde_json::from_str(s).map_err(|e| AppError::Internal(format!("stored calculation: {e}")))
}

fn saved_of(CalcRecord { id, saved: r }: CalcRecord) -> AppResult<SavedCalc> {
    let kind = CalcKind::from_code(&r.kind)
        .ok_or_else(|| AppError::Internal(format!("stored calculation kind {}", r.kind)))?;
    Ok(SavedCalc {
        id,
        unit_id: r.unit_id,
        user_id: r.user_id,
        username: r.username,
        note: r.note,
        created_at: r.created_at,
        calc: Calculation {
            kind,
            input: from_json(&r.input_json)?,
            result: from_json(&r.result_json)?,
            steps: from_json(&r.steps_json)?,
            sources: from_json(&r.sources_json)?,
            params_used: from_json(&r.params_json)?,
        },
    })
}

/// Whether the actor sees every saved calculation of its scope, not only its own.
fn sees_all_saved(actor: &Actor) -> bool {
    actor.can(Action::AuditView)
}

impl App {
    /// The parameter values in force for a district (and unit).
    pub async fn calc_params(
        &self,
        district: DistrictId,
        unit: Option<UnitId>,
    ) -> AppResult<Params> {
        let rows = self.effective_params(district, unit).await?;
        Ok(Params::from_pairs(
            rows.iter().map(|r| (r.def.key, r.value.as_str())),
        )?)
    }

    /// The calendar of a district: the built-in years, replaced or extended by the years
    /// its administrator loaded.
    pub async fn calendar_of(&self, district: DistrictId) -> AppResult<Calendar> {
        let mut cal = Calendar::builtin();
        for rec in self.store.list_calendar_years(district).await? {
            cal.add_year(year_of(&rec)?);
        }
        Ok(cal)
    }

    /// Runs a calculator for a district (and unit) without a signed-in actor: the command
    /// line (`jiguan calc --database … --district …`).
    pub async fn system_calculate(
        &self,
        district: DistrictId,
        unit: Option<UnitId>,
        kind: CalcKind,
        input: &BTreeMap<String, String>,
    ) -> AppResult<Calculation> {
        let input = prepare_input(kind, input, china_today(self.clock.now()))?;
        let params = self.calc_params(district, unit).await?;
        let calendar = self.calendar_of(district).await?;
        Ok(compute(kind, input, &params, &calendar)?)
    }

    /// Runs a calculator with the parameters of the actor's district and unit.
    pub async fn calculate(
        &self,
        actor: &Actor,
        kind: CalcKind,
        input: &BTreeMap<String, String>,
    ) -> AppResult<Calculation> {
        self.require(actor, Action::CalcUse)?;
        self.system_calculate(actor.district_id, actor.unit_id, kind, input)
            .await
    }

    /// Computes and saves a calculation with an optional note; audited.
    pub async fn save_calculation(
        &self,
        actor: &Actor,
        kind: CalcKind,
        input: &BTreeMap<String, String>,
        note: &str,
    ) -> AppResult<SavedCalc> {
        self.require(actor, Action::CalcUse)?;
        if actor.roles.iter().all(|r| *r == Role::Auditor) {
            return Err(AppError::Forbidden);
        }
        let note = note.trim().to_string();
        if note.chars().count() > NOTE_MAX {
            return Err(FieldError::new("note", "too_long")
                .with("max", NOTE_MAX)
                .into());
        }
        let calc = self.calculate(actor, kind, input).await?;
        let now = self.clock.now();
        let rec = NewCalcRecord {
            district_id: actor.district_id,
            unit_id: actor.unit_id,
            user_id: actor.user_id,
            username: actor.username.clone(),
            kind: kind.code().to_string(),
            input_json: json_text(&calc.input)?,
            result_json: json_text(&calc.result)?,
            steps_json: json_text(&calc.steps)?,
            sources_json: json_text(&calc.sources)?,
            params_json: json_text(&calc.params_used)?,
            note: note.clone(),
            created_at: now,
        };
        let audit = self
            .audit(actor)
            .unit(actor.unit_id)
            .did(AuditAction::CalcSave)
            .on(ObjectKind::Calc, "")
            .after(&CalcSaved {
                kind: kind.code(),
                input: &calc.input,
                result: &calc.result,
                params_used: &calc.params_used,
                note: &note,
            });
        let id = self.store.save_calc(&rec, audit).await?;
        Ok(SavedCalc {
            id,
            unit_id: actor.unit_id,
            user_id: actor.user_id,
            username: actor.username.clone(),
            note,
            created_at: now,
            calc,
        })
    }

    /// Saved calculations the actor may see, newest first.
    pub async fn list_calculations(
        &self,
        actor: &Actor,
        mut filter: CalcFilter,
        q: &ListQuery,
    ) -> AppResult<Page<SavedCalc>> {
        self.require(actor, Action::CalcUse)?;
        if let Some(own) = actor.unit_id {
            filter.unit_id = Some(own);
        }
        if !sees_all_saved(actor) {
            filter.user_id = Some(actor.user_id);
        }
        let p = self.store.list_calcs(actor.district_id, &filter, q).await?;
        let mut items = Vec::with_capacity(p.items.len());
        for r in p.items {
            items.push(saved_of(r)?);
        }
        Ok(Page {
            items,
            total: p.total,
            page: p.page,
            per_page: p.per_page,
        })
    }

    /// One saved calculation, as stored, or not found.
    pub async fn get_calculation(&self, actor: &Actor, id: SavedCalcId) -> AppResult<SavedCalc> {
        self.require(actor, Action::CalcUse)?;
        let r = self
            .store
            .get_calc(actor.district_id, id)
            .await?
            .ok_or(AppError::NotFound)?;
        if actor.unit_id.is_some() && r.saved.unit_id != actor.unit_id {
            return Err(AppError::NotFound);
        }
        if !sees_all_saved(actor) && r.saved.user_id != actor.user_id {
            return Err(AppError::NotFound);
        }
        saved_of(r)
    }

    /// The calendar years of a district: built-in and loaded, in year order.
    pub async fn system_calendar_years(
        &self,
        district: DistrictId,
    ) -> AppResult<Vec<CalendarYear>> {
        let loaded = self.store.list_calendar_years(district).await?;
        let builtin = Calendar::builtin();
        let mut out: Vec<CalendarYear> = Vec::new();
        for y in builtin.years() {
            if loaded.iter().any(|r| r.year == i64::from(y)) {
                continue;
            }
            if let Some(s) = builtin.schedule(y) {
                out.push(CalendarYear {
                    year: y,
                    origin: "builtin",
                    replaces_builtin: false,
                    days_off: s.days_off().len(),
                    swapped_workdays: s.swapped_workdays().len(),
                    text: s.to_text(),
                    loaded_at: None,
                    loaded_by: None,
                });
            }
        }
        for rec in &loaded {
            let s = year_of(rec)?;
            out.push(CalendarYear {
                year: s.year(),
                origin: "loaded",
                replaces_builtin: builtin.schedule(s.year()).is_some(),
                days_off: s.days_off().len(),
                swapped_workdays: s.swapped_workdays().len(),
                text: rec.schedule_text.clone(),
                loaded_at: Some(rec.loaded_at),
                loaded_by: Some(rec.loaded_by.clone()),
            });
        }
        out.sort_by_key(|y| y.year);
        Ok(out)
    }

    /// The calendar years of the actor's district.
    pub async fn calendar_years(&self, actor: &Actor) -> AppResult<Vec<CalendarYear>> {
        self.require(actor, Action::CalcUse)?;
        self.system_calendar_years(actor.district_id).await
    }

    /// Loads (or replaces) one year's schedule for the actor's district; audited.
    pub async fn load_calendar_year(&self, actor: &Actor, text: &str) -> AppResult<CalendarYear> {
        self.require(actor, Action::SettingsManage)?;
        self.put_year(actor.district_id, &actor.username, text, self.audit(actor))
            .await
    }

    /// Loads a year's schedule from the command line (`jiguan calendar import`); audited
    /// as `system`.
    pub async fn system_load_calendar_year(
        &self,
        district: DistrictId,
        text: &str,
    ) -> AppResult<CalendarYear> {
        if self.store.get_district(district).await?.is_none() {
            return Err(AppError::field("district", "not_found"));
        }
        self.put_year(district, "system", text, self.system_audit(district))
            .await
    }

    async fn put_year(
        &self,
        district: DistrictId,
        by: &str,
        text: &str,
        by_whom: AuditEntry,
    ) -> AppResult<CalendarYear> {
        if text.len() > SCHEDULE_MAX {
            return Err(FieldError::new(SCHEDULE_FIELD, "too_long")
                .with("max", SCHEDULE_MAX)
                .into());
        }
        let s = YearSchedule::parse(text)?;
        let year = s.year();
        let loaded = self.store.list_calendar_years(district).await?;
        let before = match loaded.iter().find(|r| r.year == i64::from(year)) {
            Some(r) => Some(YearBefore {
                year,
                origin: "loaded",
                schedule: year_of(r)?.to_text(),
            }),
            None => Calendar::builtin().schedule(year).map(|b| YearBefore {
                year,
                origin: "builtin",
                schedule: b.to_text(),
            }),
        };
        let after = YearLoaded {
            year,
            days_off: s.days_off().len(),
            swapped_workdays: s.swapped_workdays().len(),
            schedule: s.to_text(),
        };
        let audit = by_whom
            .did(AuditAction::CalendarLoad)
            .on(ObjectKind::CalendarYear, year)
            .before(&before)
            .after(&after);
        let rec = CalendarYearRecord {
            district_id: district,
            year: i64::from(year),
            schedule_text: text.to_string(),
            loaded_at: audit.at,
            loaded_by: by.to_string(),
        };
        self.store.put_calendar_year(&rec, audit).await?;
        Ok(CalendarYear {
            year,
            origin: "loaded",
            replaces_builtin: Calendar::builtin().schedule(year).is_some(),
            days_off: s.days_off().len(),
            swapped_workdays: s.swapped_workdays().len(),
            text: rec.schedule_text,
            loaded_at: Some(rec.loaded_at),
            loaded_by: Some(rec.loaded_by),
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn raw(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect()
    }

    #[test]
    fn prepare_drops_blanks_and_unknown_fields() {
        let today = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        let got = prepare_input(
            CalcKind::Retirement,
            &raw(&[("birth", " 1970-05 "), ("category", ""), ("x", "y")]),
            today,
        )
        .unwrap();
        assert_eq!(got, raw(&[("birth", "1970-05")]));
        let got = prepare_input(CalcKind::Id, &raw(&[("number", "1")]), today).unwrap();
        assert_eq!(got, raw(&[("number", "1"), ("today", "2026-03-01")]));
        let long = "9".repeat(VALUE_MAX + 1);
        let e = prepare_input(CalcKind::Interview, &raw(&[("scores", &long)]), today).unwrap_err();
        assert_eq!((e.field.as_str(), e.code.as_str()), ("scores", "too_long"));
    }

    #[test]
    fn compute_detaches_static_strings() {
        let c = compute(
            CalcKind::Retirement,
            raw(&[("birth", "1970-05"), ("category", "male")]),
            &Params::defaults(),
            &Calendar::builtin(),
        )
        .unwrap();
        assert_eq!(c.result["retirement_month"], "2031-10");
        assert_eq!(c.steps[0].key, "step.retirement.original_age");
        assert!(!c.sources.is_empty());
        let text = serde_json::to_string(&c.steps).unwrap();
        let back: Vec<StepLine> = serde_json::from_str(&text).unwrap();
        assert_eq!(back, c.steps);
    }

    #[test]
    fn china_today_is_utc_plus_8() {
        let t = DateTime::parse_from_rfc3339("2026-02-28T17:30:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(china_today(t).to_string(), "2026-03-01");
    }
}
