//! `/api/v1/calc` (政策计算器) and `/api/v1/calendar` (working-day calendar).
//!
//! `POST /api/v1/calc/{kind}` takes a JSON object of inputs by field name (strings;
//! numbers and booleans are accepted and turned into text, arrays of scalars are joined with
//! commas) and answers `{"result", "steps": [{"key", "text", "args"}], "sources",
//! "params_used": {key: value}}`. `result` is exactly what `jiguan calc <kind>` prints.

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::{FromRequest, Request, State};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use jiguan_app::AppError;
use jiguan_app::calc::{Calculation, CalendarYear, SavedCalc};
use jiguan_app::ports::CalcFilter;
use jiguan_domain::FieldError;
use jiguan_domain::rules::calc::{CalcKind, SavedCalcId};
use jiguan_domain::rules::calendar::{SCHEDULE_FIELD, YearSchedule};

use crate::AppState;
use crate::api::PageDto;
use crate::api::tenancy::PageParams;
use crate::calc::pages::{content_type_is, kind_of, step_text};
use crate::error::{WebError, WebResult};
use crate::extract::{Created, Json, Path, Query};
use crate::guard::Ctx;
use crate::i18n::Tr;
use crate::list::ListParams;

/// The inputs of a calculator by field name, e.g. `{"birth": "1970-05", "category": "male"}`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CalcInputDoc(pub BTreeMap<String, String>);

#[derive(Debug, Serialize, ToSchema)]
pub struct StepDto {
    /// The translation key, e.g. `step.retirement.delay`.
    pub key: String,
    /// The step in the requested language.
    pub text: String,
    /// The values filled into the text.
    pub args: BTreeMap<String, String>,
}

/// A calculation: the result (as `jiguan calc` prints it), the steps, the legal sources and
/// the policy parameter values used.
#[derive(Debug, Serialize, ToSchema)]
pub struct CalcDto {
    #[schema(value_type = Object)]
    pub result: Value,
    pub steps: Vec<StepDto>,
    pub sources: Vec<String>,
    pub params_used: BTreeMap<String, String>,
}

impl CalcDto {
    pub fn of(tr: Tr, c: &Calculation) -> Self {
        CalcDto {
            result: c.result.clone(),
            steps: c
                .steps
                .iter()
                .map(|s| StepDto {
                    key: s.key.clone(),
                    text: step_text(tr, s),
                    args: s.args.iter().cloned().collect(),
                })
                .collect(),
            sources: c.sources.clone(),
            params_used: c.params_used.iter().cloned().collect(),
        }
    }
}

/// A saved calculation exactly as stored.
#[derive(Debug, Serialize, ToSchema)]
pub struct SavedDto {
    pub id: i64,
    pub kind: String,
    pub input: BTreeMap<String, String>,
    pub note: String,
    pub unit_id: Option<i64>,
    pub username: String,
    /// UTC, RFC 3339.
    pub created_at: String,
    #[schema(value_type = Object)]
    pub result: Value,
    pub steps: Vec<StepDto>,
    pub sources: Vec<String>,
    pub params_used: BTreeMap<String, String>,
}

impl SavedDto {
    pub fn of(tr: Tr, s: &SavedCalc) -> Self {
        let c = CalcDto::of(tr, &s.calc);
        SavedDto {
            id: s.id.0,
            kind: s.calc.kind.code().into(),
            input: s.calc.input.clone(),
            note: s.note.clone(),
            unit_id: s.unit_id.map(|u| u.0),
            username: s.username.clone(),
            created_at: s.created_at.to_rfc3339(),
            result: c.result,
            steps: c.steps,
            sources: c.sources,
            params_used: c.params_used,
        }
    }
}

/// A calculator and its inputs, for building forms.
#[derive(Debug, Serialize, ToSchema)]
pub struct CalcKindDto {
    pub kind: String,
    pub name: String,
    /// `[{"name", "kind": {"type", …bounds/options}, "required"}]`.
    #[schema(value_type = Vec<Object>)]
    pub fields: Value,
}

/// The calculators with their input fields.
#[utoipa::path(get, path = "/api/v1/calc", tag = "calc", responses((status = 200, body = Vec<CalcKindDto>)))]
pub async fn list_kinds(ctx: Ctx) -> Json<Vec<CalcKindDto>> {
    let v: Vec<CalcKindDto> = CalcKind::ALL
        .iter()
        .map(|k| CalcKindDto {
            kind: k.code().into(),
            name: ctx.tr.t(&format!("calc.kind.{}", k.code())).into(),
            fields: serde_json::to_value(k.fields()).unwrap_or(Value::Null),
        })
        .collect();
    Json(v)
}

/// JSON values as calculator inputs: text as is, numbers and booleans as text, arrays of
/// scalars joined with commas, null as absent.
fn inputs_of(raw: BTreeMap<String, Value>) -> Result<BTreeMap<String, String>, AppError> {
    fn scalar(v: &Value) -> Option<String> {
        match v {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }
    let mut out = BTreeMap::new();
    for (k, v) in raw {
        let text = match &v {
            Value::Null => continue,
            Value::Array(items) => items
                .iter()
                .map(scalar)
                .collect::<Option<Vec<_>>>()
                .map(|v| v.join(",")),
            other => scalar(other),
        };
        let text = text.ok_or_else(|| FieldError::new(k.as_str(), "not_text"))?;
        out.insert(k, text);
    }
    Ok(out)
}

/// Runs a calculator with the policy parameters of the caller's district and unit.
#[utoipa::path(post, path = "/api/v1/calc/{kind}", tag = "calc",
    params(("kind" = String, Path, description = "retirement, early-retirement, severance, workdays, workday, id, interview, committee, excellent-quota or allocate")),
    request_body = CalcInputDoc,
    responses((status = 200, body = CalcDto), (status = 404, body = crate::error::ApiError), (status = 422, body = crate::error::ApiError)))]
pub async fn calculate(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Json(body): Json<BTreeMap<String, Value>>,
) -> WebResult<Json<CalcDto>> {
    let kind = kind_of(&code)?;
    let c = st
        .app
        .calculate(&ctx.actor, kind, &inputs_of(body)?)
        .await?;
    Ok(Json(CalcDto::of(ctx.tr, &c)))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct SaveBody {
    /// The calculator, e.g. `severance`.
    pub kind: String,
    /// The inputs by field name.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub input: BTreeMap<String, Value>,
    /// Optional, at most 200 characters.
    #[serde(default)]
    pub note: String,
}

/// Computes and saves a calculation; the stored result is never recomputed.
#[utoipa::path(post, path = "/api/v1/calc/saved", tag = "calc", request_body = SaveBody,
    responses((status = 201, body = SavedDto), (status = 403, body = crate::error::ApiError), (status = 422, body = crate::error::ApiError)))]
pub async fn save(
    State(st): State<AppState>,
    ctx: Ctx,
    Json(b): Json<SaveBody>,
) -> WebResult<Created<SavedDto>> {
    let kind =
        CalcKind::from_code(&b.kind).ok_or_else(|| AppError::field("kind", "choice_invalid"))?;
    let input = inputs_of(b.input)?;
    let s = st
        .app
        .save_calculation(&ctx.actor, kind, &input, &b.note)
        .await?;
    Ok(Created(SavedDto::of(ctx.tr, &s)))
}

#[derive(Debug, Deserialize, IntoParams, Default)]
pub struct SavedParams {
    /// Only this calculator.
    pub kind: Option<String>,
}

/// Saved calculations the caller may see, newest first.
#[utoipa::path(get, path = "/api/v1/calc/saved", tag = "calc", params(PageParams, SavedParams),
    responses((status = 200, body = PageDto<SavedDto>)))]
pub async fn list_saved(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(lp): Query<ListParams>,
    Query(sp): Query<SavedParams>,
) -> WebResult<Json<PageDto<SavedDto>>> {
    let q = lp.query()?;
    let filter = CalcFilter {
        kind: sp.kind.filter(|k| !k.trim().is_empty()),
        ..CalcFilter::default()
    };
    let pg = st.app.list_calculations(&ctx.actor, filter, &q).await?;
    Ok(Json(PageDto::map(pg, |s| SavedDto::of(ctx.tr, &s))))
}

/// One saved calculation.
#[utoipa::path(get, path = "/api/v1/calc/saved/{calc}", tag = "calc",
    params(("calc" = i64, Path, description = "saved calculation id")),
    responses((status = 200, body = SavedDto), (status = 404, body = crate::error::ApiError)))]
pub async fn get_saved(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<SavedCalcId>,
) -> WebResult<Json<SavedDto>> {
    let s = st.app.get_calculation(&ctx.actor, id).await?;
    Ok(Json(SavedDto::of(ctx.tr, &s)))
}

/// One year of the working-day calendar.
#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarYearDto {
    pub year: i32,
    /// `builtin` or `loaded`.
    pub origin: String,
    pub replaces_builtin: bool,
    pub days_off: usize,
    pub swapped_workdays: usize,
    /// The schedule text (format: docs/modules/rules.md).
    pub schedule: String,
    pub loaded_at: Option<String>,
    pub loaded_by: Option<String>,
}

impl From<CalendarYear> for CalendarYearDto {
    fn from(y: CalendarYear) -> Self {
        CalendarYearDto {
            year: y.year,
            origin: y.origin.into(),
            replaces_builtin: y.replaces_builtin,
            days_off: y.days_off,
            swapped_workdays: y.swapped_workdays,
            schedule: y.text,
            loaded_at: y.loaded_at.map(|t| t.to_rfc3339()),
            loaded_by: y.loaded_by,
        }
    }
}

/// The years of the working-day calendar of the caller's district (built-in and loaded).
#[utoipa::path(get, path = "/api/v1/calendar", tag = "calc", responses((status = 200, body = Vec<CalendarYearDto>)))]
pub async fn list_calendar(
    State(st): State<AppState>,
    ctx: Ctx,
) -> WebResult<Json<Vec<CalendarYearDto>>> {
    let v = st.app.calendar_years(&ctx.actor).await?;
    Ok(Json(v.into_iter().map(CalendarYearDto::from).collect()))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ScheduleBody {
    /// The schedule text.
    pub schedule: String,
}

/// Loads or replaces one year's holiday schedule for the district. The body is the schedule
/// as `text/plain`, or JSON `{"schedule": "…"}`; the year in the path must be the year the
/// schedule states.
#[utoipa::path(put, path = "/api/v1/calendar/{year}", tag = "calc",
    params(("year" = i32, Path, description = "the year, e.g. 2027")),
    request_body(content = ScheduleBody, description = "JSON {\"schedule\": text}, or the text itself as text/plain"),
    responses((status = 200, body = CalendarYearDto), (status = 403, body = crate::error::ApiError), (status = 404, body = crate::error::ApiError), (status = 422, body = crate::error::ApiError)))]
pub async fn put_calendar(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(year): Path<i32>,
    req: Request,
) -> WebResult<Json<CalendarYearDto>> {
    let text = schedule_body(&st, req).await?;
    let parsed = YearSchedule::parse(&text)?;
    if parsed.year() != year {
        return Err(FieldError::new("year", "calendar_year_mismatch")
            .with("year", parsed.year())
            .into());
    }
    let y = st.app.load_calendar_year(&ctx.actor, &text).await?;
    Ok(Json(y.into()))
}

/// The schedule text of a `PUT`: JSON `{"schedule": …}` (malformed JSON is refused like
/// any other JSON body), else the body itself as text.
async fn schedule_body(st: &AppState, req: Request) -> WebResult<String> {
    if content_type_is(&req, "application/json") {
        let Json(b) = Json::<ScheduleBody>::from_request(req, st).await?;
        return Ok(b.schedule);
    }
    let body = Bytes::from_request(req, st)
        .await
        .map_err(|e| WebError::malformed(None, e.body_text()))?;
    String::from_utf8(body.to_vec())
        .map_err(|_| AppError::field(SCHEDULE_FIELD, "schedule_not_text").into())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn json_inputs_become_text() {
        let raw: BTreeMap<String, Value> = serde_json::from_value(serde_json::json!({
            "members": 9, "unlawful": true, "scores": [85, "90.5"], "no": null, "birth": "1970-05"
        }))
        .unwrap();
        let got = inputs_of(raw).unwrap();
        assert_eq!(got["members"], "9");
        assert_eq!(got["unlawful"], "true");
        assert_eq!(got["scores"], "85,90.5");
        assert_eq!(got["birth"], "1970-05");
        assert!(!got.contains_key("no"));
        let raw: BTreeMap<String, Value> =
            serde_json::from_value(serde_json::json!({"weights": {"a": 1}})).unwrap();
        match inputs_of(raw) {
            Err(AppError::Invalid(e)) => assert_eq!(e[0].code, "not_text"),
            other => panic!("{other:?}"),
        }
    }
}

/// This module's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    list_kinds,
    calculate,
    list_saved,
    save,
    get_saved,
    list_calendar,
    put_calendar
))]
pub struct Doc;
