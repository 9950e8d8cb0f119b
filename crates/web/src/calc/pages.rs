//! The policy calculators (政策计算器): one form per calculator built from
//! [`CalcKind::fields`], the result with its steps, sources and the parameters used
//! (printable, and savable); saved calculations as stored; and the working-day calendar
//! page where a district administrator loads a new year's holiday schedule.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::Value;

use jiguan_app::AppError;
use jiguan_app::calc::{Calculation, CalendarYear, NOTE_MAX, SavedCalc, StepLine};
use jiguan_app::ports::CalcFilter;
use jiguan_domain::FieldError;
use jiguan_domain::auth::{Action, Actor, Role};
use jiguan_domain::rules::calc::{CalcKind, Field, FieldKind, SavedCalcId};
use jiguan_domain::rules::calendar::SCHEDULE_FIELD;

use crate::AppState;
use crate::error::{FieldErrors, WebError, WebResult};
use crate::extract::{Form, FormPairs, Path, Query};
use crate::guard::Ctx;
use crate::html::{FormErrors, Layout, ListParams, ListView, form_status, page};
use crate::i18n::Tr;

// ---------------------------------------------------------------- showing results

/// The order in which result items are shown (the CLI contract's order).
const ORDER: &[&str] = &[
    "valid",
    "birth",
    "category",
    "area",
    "gender",
    "reason",
    "original_age",
    "delay_months",
    "retirement_age",
    "retirement_month",
    "eligible",
    "grounds",
    "rule",
    "id",
    "from",
    "to",
    "service",
    "months_of_pay",
    "base",
    "capped",
    "factor",
    "amount",
    "count",
    "days",
    "last",
    "date",
    "workday",
    "method",
    "kept",
    "score",
    "quorum",
    "needed",
    "approved",
    "max_excellent",
    "pool",
    "shares",
    "parts",
];

/// Result items whose text values are codes to translate (`calc.val.<code>`).
const CODED: &[&str] = &[
    "category", "gender", "reason", "method", "rule", "grounds", "staff",
];

/// The items a saved-calculation list shows as the headline, first found wins.
const HEADLINE: &[&str] = &[
    "retirement_month",
    "eligible",
    "amount",
    "last",
    "workday",
    "valid",
    "score",
    "approved",
    "max_excellent",
    "shares",
];

fn rank(key: &str) -> usize {
    ORDER.iter().position(|k| *k == key).unwrap_or(ORDER.len())
}

fn sorted_keys(m: &serde_json::Map<String, Value>) -> Vec<&String> {
    let mut keys: Vec<&String> = m.keys().collect();
    keys.sort_by_key(|k| rank(k));
    keys
}

fn list_sep(tr: Tr) -> &'static str {
    if tr.is_en() { ", " } else { "、" }
}

/// The text of the first of `keys` that has one, else `fallback`.
fn text_or(tr: Tr, keys: &[String], fallback: &str) -> String {
    keys.iter()
        .find(|k| tr.has(k))
        .map_or_else(|| fallback.to_string(), |k| tr.t(k).to_string())
}

/// A translated code, or the code itself.
fn code_text(tr: Tr, code: &str) -> String {
    text_or(tr, &[format!("calc.val.{code}")], code)
}

/// One value of a result as text.
pub fn show_value(tr: Tr, key: &str, v: &Value) -> String {
    match v {
        Value::Bool(b) => tr
            .t(if *b {
                "calc.bool.true"
            } else {
                "calc.bool.false"
            })
            .to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) if CODED.contains(&key) => code_text(tr, s),
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        Value::Array(a) if a.is_empty() => tr.t("calc.none").to_string(),
        Value::Array(a) => a
            .iter()
            .map(|x| show_value(tr, key, x))
            .collect::<Vec<_>>()
            .join(list_sep(tr)),
        Value::Object(o) if o.contains_key("years") && o.contains_key("months") => {
            let arg = |k: &str| {
                (
                    k.to_string(),
                    o.get(k).map(|x| x.to_string()).unwrap_or_default(),
                )
            };
            let args = [arg("years"), arg("months"), arg("days")];
            if key.ends_with("_age") {
                tr.f("calc.age_ym", &args)
            } else if o.contains_key("days") {
                tr.f("calc.span_ymd", &args)
            } else {
                tr.f("calc.span_ym", &args)
            }
        }
        Value::Object(o) => o
            .iter()
            .map(|(k, x)| format!("{k}: {}", show_value(tr, k, x)))
            .collect::<Vec<_>>()
            .join(list_sep(tr)),
    }
}

fn out_label(tr: Tr, key: &str) -> String {
    text_or(tr, &[format!("calc.out.{key}")], key)
}

/// The text of one step in the request's language. A `reason` argument is a code and is
/// translated too.
pub fn step_text(tr: Tr, s: &StepLine) -> String {
    let args: Vec<(String, String)> = s
        .args
        .iter()
        .map(|(k, v)| {
            if k == "reason" {
                (k.clone(), code_text(tr, v))
            } else {
                (k.clone(), v.clone())
            }
        })
        .collect();
    tr.f(&s.key, &args)
}

/// A label of an input field: a calculator's own label, else the shared `field.<name>`.
fn field_label(tr: Tr, kind: CalcKind, name: &str) -> String {
    let keys = [
        format!("calc.label.{}.{name}", kind.code()),
        format!("field.{name}"),
    ];
    text_or(tr, &keys, name)
}

fn field_help(tr: Tr, kind: CalcKind, name: &str) -> String {
    let shared = format!("calc.help.{name}");
    let own = format!("calc.help.{}.{name}", kind.code());
    text_or(tr, &[own], tr.t(&shared))
}

/// A nested table (severance parts, allocation shares).
pub struct SubTable {
    pub heads: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

pub struct OutRow {
    pub key: String,
    pub label: String,
    pub value: String,
    pub sub: Option<SubTable>,
}

/// A calculation ready for the page.
pub struct Shown {
    pub kind_name: String,
    pub inputs: Vec<(String, String)>,
    pub rows: Vec<OutRow>,
    pub steps: Vec<String>,
    pub sources: Vec<String>,
    /// (label, key, value)
    pub params: Vec<(String, String, String)>,
    /// The result as compact JSON (what the API and the CLI print).
    pub json: String,
}

fn sub_table(tr: Tr, items: &[Value]) -> Option<SubTable> {
    let first = items.first()?.as_object()?;
    let keys: Vec<String> = sorted_keys(first).into_iter().cloned().collect();
    let rows = items
        .iter()
        .map(|it| {
            keys.iter()
                .map(|k| {
                    it.get(k.as_str())
                        .map(|v| show_value(tr, k, v))
                        .unwrap_or_default()
                })
                .collect()
        })
        .collect();
    Some(SubTable {
        heads: keys.iter().map(|k| out_label(tr, k)).collect(),
        rows,
    })
}

impl Shown {
    pub fn of(tr: Tr, c: &Calculation) -> Self {
        let kind = c.kind;
        let inputs = kind
            .fields()
            .iter()
            .filter_map(|f| {
                let v = c.input.get(f.name)?;
                let shown = match f.kind {
                    FieldKind::Choice { .. } => code_text(tr, v),
                    FieldKind::Bool => show_value(tr, f.name, &Value::Bool(v == "true")),
                    _ => v.clone(),
                };
                Some((field_label(tr, kind, f.name), shown))
            })
            .collect();
        let mut rows = Vec::new();
        if let Some(obj) = c.result.as_object() {
            for k in sorted_keys(obj) {
                let Some(v) = obj.get(k) else { continue };
                let sub = match v {
                    Value::Array(items) if items.iter().all(Value::is_object) => {
                        sub_table(tr, items)
                    }
                    _ => None,
                };
                rows.push(OutRow {
                    key: k.clone(),
                    label: out_label(tr, k),
                    value: if sub.is_some() {
                        String::new()
                    } else {
                        show_value(tr, k, v)
                    },
                    sub,
                });
            }
        }
        Shown {
            kind_name: tr.t(&format!("calc.kind.{}", kind.code())).to_string(),
            inputs,
            rows,
            steps: c.steps.iter().map(|s| step_text(tr, s)).collect(),
            sources: c.sources.clone(),
            params: c
                .params_used
                .iter()
                .map(|(k, v)| {
                    (
                        text_or(tr, &[format!("param.{k}")], k),
                        k.clone(),
                        v.clone(),
                    )
                })
                .collect(),
            json: c.result.to_string(),
        }
    }
}

/// The headline of a saved calculation in lists.
fn headline(tr: Tr, result: &Value) -> String {
    let Some(obj) = result.as_object() else {
        return String::new();
    };
    for k in HEADLINE {
        if let Some(v) = obj.get(*k) {
            let text = match v {
                Value::Array(items) => items
                    .iter()
                    .filter_map(|it| {
                        Some(format!(
                            "{} {}",
                            it.get("id")?.as_str()?,
                            it.get("amount")?.as_str()?
                        ))
                    })
                    .collect::<Vec<_>>()
                    .join(list_sep(tr)),
                _ => show_value(tr, k, v),
            };
            let colon = if tr.is_en() { ": " } else { "：" };
            return format!("{}{colon}{text}", out_label(tr, k));
        }
    }
    String::new()
}

// ---------------------------------------------------------------- pages

/// The calculator named by `{kind}`; an unknown one is not found.
pub(crate) fn kind_of(code: &str) -> Result<CalcKind, AppError> {
    CalcKind::from_code(code).ok_or(AppError::NotFound)
}

fn kind_name(tr: Tr, kind: CalcKind) -> String {
    tr.t(&format!("calc.kind.{}", kind.code())).to_string()
}

fn kind_desc(tr: Tr, kind: CalcKind) -> String {
    tr.t(&format!("calc.desc.{}", kind.code())).to_string()
}

/// A page under 政策计算器 (the crumb back to `/calc`).
fn calc_layout(ctx: &Ctx, title_key: &str) -> Layout {
    Layout::new(ctx, title_key).crumb(ctx.tr.t("menu.calc"), "/calc")
}

/// Auditor-only accounts are read-only: they calculate but do not save.
pub fn can_save(actor: &Actor) -> bool {
    actor.roles.iter().any(|r| *r != Role::Auditor)
}

pub struct KindCard {
    pub code: &'static str,
    pub name: String,
    pub desc: String,
}

#[derive(Template)]
#[template(path = "calc_index.html")]
pub struct IndexPage {
    pub l: Layout,
    pub kinds: Vec<KindCard>,
    pub can_calendar: bool,
}

pub async fn index(ctx: Ctx) -> Response {
    let tr = ctx.tr;
    let kinds = CalcKind::ALL
        .iter()
        .map(|k| KindCard {
            code: k.code(),
            name: kind_name(tr, *k),
            desc: kind_desc(tr, *k),
        })
        .collect();
    let l = Layout::new(&ctx, "menu.calc").here();
    page(&IndexPage {
        l,
        kinds,
        can_calendar: ctx.actor.can(Action::SettingsView),
    })
}

/// One input of a calculator form.
pub struct FormField {
    pub name: &'static str,
    pub label: String,
    pub help: String,
    pub required: bool,
    /// `text`, `date`, `number`, `select`, `checkbox` or `textarea`.
    pub control: &'static str,
    pub value: String,
    pub options: Vec<(String, String)>,
    pub min: String,
    pub max: String,
    pub inputmode: &'static str,
    pub placeholder: &'static str,
    pub error: Option<String>,
}

fn form_field(
    tr: Tr,
    kind: CalcKind,
    f: &Field,
    values: &BTreeMap<String, String>,
    errs: &FormErrors,
) -> FormField {
    let mut ff = FormField {
        name: f.name,
        label: field_label(tr, kind, f.name),
        help: field_help(tr, kind, f.name),
        required: f.required,
        control: "text",
        value: values.get(f.name).cloned().unwrap_or_default(),
        options: Vec::new(),
        min: String::new(),
        max: String::new(),
        inputmode: "",
        placeholder: "",
        error: errs.get(f.name).cloned(),
    };
    match f.kind {
        FieldKind::YearMonth => {
            ff.placeholder = "YYYY-MM";
            ff.inputmode = "numeric";
        }
        FieldKind::Date => ff.control = "date",
        FieldKind::Choice { options } => {
            ff.control = "select";
            ff.options = options
                .iter()
                .map(|o| ((*o).to_string(), code_text(tr, o)))
                .collect();
        }
        FieldKind::Money | FieldKind::Decimal { .. } => ff.inputmode = "decimal",
        FieldKind::Integer { min, max } => {
            ff.control = "number";
            ff.min = min.to_string();
            ff.max = max.to_string();
        }
        FieldKind::DecimalList => ff.placeholder = "85,90.5,88",
        FieldKind::Bool => ff.control = "checkbox",
        FieldKind::Text => {}
        FieldKind::WeightList => {
            ff.control = "textarea";
            ff.placeholder = "a=1.2,b=1,c=0.8";
        }
    }
    ff
}

#[derive(Template)]
#[template(path = "calc_form.html")]
pub struct FormPage {
    pub l: Layout,
    pub code: &'static str,
    pub desc: String,
    pub fields: Vec<FormField>,
    pub errs: FormErrors,
    pub shown: Option<Shown>,
    /// The inputs, carried by the save form.
    pub keep: Vec<(String, String)>,
    pub can_save: bool,
    pub note: String,
    pub note_max: usize,
}

/// A calculator's form page (200, or 422 with field errors): its inputs, the errors, the
/// calculation when there is one, and the note of the save form.
fn form_page(
    ctx: &Ctx,
    kind: CalcKind,
    values: &BTreeMap<String, String>,
    errs: &[FieldError],
    calc: Option<&Calculation>,
    note: &str,
) -> Response {
    let tr = ctx.tr;
    let l = calc_layout(ctx, "menu.calc")
        .titled(kind_name(tr, kind))
        .here();
    let errs = FormErrors::new(tr, errs);
    let fields = kind
        .fields()
        .iter()
        .map(|f| form_field(tr, kind, f, values, &errs))
        .collect();
    let p = FormPage {
        l,
        code: kind.code(),
        desc: kind_desc(tr, kind),
        fields,
        errs,
        shown: calc.map(|c| Shown::of(tr, c)),
        keep: calc
            .map(|c| {
                c.input
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect()
            })
            .unwrap_or_default(),
        can_save: can_save(&ctx.actor),
        note: note.to_string(),
        note_max: NOTE_MAX,
    };
    form_status(&p.errs, &p)
}

/// The calculator's inputs among submitted pairs (the first value of each name).
fn values_of(kind: CalcKind, pairs: &FormPairs) -> BTreeMap<String, String> {
    let mut m = BTreeMap::new();
    for f in kind.fields() {
        if let Some((_, v)) = pairs.0.iter().find(|(k, _)| k == f.name) {
            m.insert(f.name.to_string(), v.clone());
        }
    }
    m
}

/// Whether a field was submitted at all (even empty).
fn has(pairs: &FormPairs, name: &str) -> bool {
    pairs.0.iter().any(|(k, _)| k == name)
}

/// GET `/calc/{kind}`: the form, prefilled from the query string; with `run=1` in the
/// query the calculation is done too (links from saved calculations).
pub async fn form(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Query(q): Query<Vec<(String, String)>>,
) -> WebResult {
    let kind = kind_of(&code)?;
    let q = FormPairs(q);
    let values = values_of(kind, &q);
    if !has(&q, "run") {
        return Ok(form_page(&ctx, kind, &values, &[], None, ""));
    }
    compute_page(&st, &ctx, kind, &values).await
}

async fn compute_page(
    st: &AppState,
    ctx: &Ctx,
    kind: CalcKind,
    values: &BTreeMap<String, String>,
) -> WebResult {
    Ok(
        match st.app.calculate(&ctx.actor, kind, values).await.fields()? {
            Ok(c) => form_page(ctx, kind, values, &[], Some(&c), ""),
            Err(e) => form_page(ctx, kind, values, &e, None, ""),
        },
    )
}

/// POST `/calc/{kind}`: calculates; with `_save` it saves and shows the saved result.
pub async fn submit(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    pairs: FormPairs,
) -> WebResult {
    let kind = kind_of(&code)?;
    let values = values_of(kind, &pairs);
    if !has(&pairs, "_save") {
        return compute_page(&st, &ctx, kind, &values).await;
    }
    let note = pairs.get("note");
    let r = st.app.save_calculation(&ctx.actor, kind, &values, note);
    Ok(match r.await.fields()? {
        Ok(saved) => {
            Redirect::to(&format!("/calc/saved/{}?ok=calc_saved", saved.id)).into_response()
        }
        Err(e) => {
            let calc = st.app.calculate(&ctx.actor, kind, &values).await.ok();
            form_page(&ctx, kind, &values, &e, calc.as_ref(), note)
        }
    })
}

// ---------------------------------------------------------------- saved calculations

#[derive(Deserialize, Default)]
pub struct SavedQ {
    pub kind: Option<String>,
    pub ok: Option<String>,
}

pub struct SavedRow {
    pub id: SavedCalcId,
    pub kind_name: String,
    pub headline: String,
    pub note: String,
    pub username: String,
    pub at: String,
}

#[derive(Template)]
#[template(path = "calc_saved.html")]
pub struct SavedListPage {
    pub l: Layout,
    pub list: ListView,
    pub rows: Vec<SavedRow>,
    /// (code, name) of every calculator, for the filter.
    pub kinds: Vec<(&'static str, String)>,
}

pub async fn saved_list(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(p): Query<ListParams>,
    Query(f): Query<SavedQ>,
) -> WebResult {
    let tr = ctx.tr;
    let q = p.page_query()?;
    let kind = f
        .kind
        .as_deref()
        .and_then(CalcKind::from_code)
        .map(|k| k.code().to_string());
    let filter = CalcFilter {
        kind: kind.clone(),
        ..CalcFilter::default()
    };
    let pg = st.app.list_calculations(&ctx.actor, filter, &q).await?;
    let list = ListView::new(
        "/calc/saved",
        vec![("kind".to_string(), kind.unwrap_or_default())],
        &q,
        &pg,
    );
    let rows = pg
        .items
        .iter()
        .map(|s| SavedRow {
            id: s.id,
            kind_name: kind_name(tr, s.calc.kind),
            headline: headline(tr, &s.calc.result),
            note: s.note.clone(),
            username: s.username.clone(),
            at: jiguan_domain::time::show_china(s.created_at),
        })
        .collect();
    let l = calc_layout(&ctx, "calc.saved")
        .here()
        .flash(f.ok.as_deref());
    Ok(page(&SavedListPage {
        l,
        list,
        rows,
        kinds: CalcKind::ALL
            .iter()
            .map(|k| (k.code(), kind_name(tr, *k)))
            .collect(),
    }))
}

#[derive(Template)]
#[template(path = "calc_saved_show.html")]
pub struct SavedShowPage {
    pub l: Layout,
    pub s: Shown,
    pub id: SavedCalcId,
    pub username: String,
    pub at: String,
    pub note: String,
    pub recompute: String,
}

/// The link that recomputes a saved calculation's inputs with today's parameters.
fn recompute_href(saved: &SavedCalc) -> String {
    let mut p: Vec<(&str, &str)> = saved
        .calc
        .input
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    p.push(("run", "1"));
    format!(
        "/calc/{}?{}",
        saved.calc.kind.code(),
        serde_urlencoded::to_string(&p).unwrap_or_default()
    )
}

pub async fn saved_show(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<SavedCalcId>,
    Query(f): Query<SavedQ>,
) -> WebResult {
    let tr = ctx.tr;
    let saved = st.app.get_calculation(&ctx.actor, id).await?;
    let title = format!("{} #{}", kind_name(tr, saved.calc.kind), saved.id);
    let l = calc_layout(&ctx, "calc.saved")
        .crumb(tr.t("calc.saved"), "/calc/saved")
        .titled(title)
        .here()
        .flash(f.ok.as_deref());
    Ok(page(&SavedShowPage {
        l,
        s: Shown::of(tr, &saved.calc),
        id: saved.id,
        username: saved.username.clone(),
        at: jiguan_domain::time::show_china(saved.created_at),
        note: saved.note.clone(),
        recompute: recompute_href(&saved),
    }))
}

// ---------------------------------------------------------------- working-day calendar

pub struct YearRow {
    pub y: CalendarYear,
    pub origin: String,
    pub at: String,
    pub by: String,
}

#[derive(Template)]
#[template(path = "calc_calendar.html")]
pub struct CalendarPage {
    pub l: Layout,
    pub years: Vec<YearRow>,
    pub can_manage: bool,
    pub errs: FormErrors,
    pub text: String,
}

/// The calendar page (200, or 422 with the upload's field errors and its text kept).
async fn calendar_view(
    st: &AppState,
    ctx: &Ctx,
    errs: &[FieldError],
    text: String,
    ok: Option<&str>,
) -> WebResult {
    let tr = ctx.tr;
    let years = st
        .app
        .calendar_years(&ctx.actor)
        .await?
        .into_iter()
        .map(|y| YearRow {
            origin: tr.t(&format!("calendar.origin.{}", y.origin)).to_string(),
            at: y
                .loaded_at
                .map(jiguan_domain::time::show_china)
                .unwrap_or_default(),
            by: y.loaded_by.clone().unwrap_or_default(),
            y,
        })
        .collect();
    let l = Layout::new(ctx, "calc.calendar")
        .crumb(tr.t("menu.settings"), "/settings")
        .here()
        .flash(ok);
    let p = CalendarPage {
        l,
        years,
        can_manage: ctx.actor.can(Action::SettingsManage),
        errs: FormErrors::new(tr, errs),
        text,
    };
    Ok(form_status(&p.errs, &p))
}

#[derive(Deserialize, Default)]
pub struct OkQ {
    pub ok: Option<String>,
}

/// GET `/settings/calendar`.
pub async fn calendar_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<OkQ>,
) -> WebResult {
    calendar_view(&st, &ctx, &[], String::new(), q.ok.as_deref()).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ScheduleForm {
    pub schedule: String,
}

fn not_text() -> FieldError {
    FieldError::new(SCHEDULE_FIELD, "schedule_not_text")
}

fn text_of(bytes: Vec<u8>) -> Result<String, FieldError> {
    let s = String::from_utf8(bytes).map_err(|_| not_text())?;
    Ok(s.trim_start_matches('\u{feff}').to_string())
}

/// Whether a request's body is of this media type.
pub(crate) fn content_type_is(req: &Request, media_type: &str) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with(media_type))
}

/// The schedule text of an upload: the file when one was chosen, else the text box.
/// Multipart forms carry the CSRF token in the query string (see the guard). A body that
/// is neither a form nor multipart, or that cannot be read, is refused (415/400); a file
/// that is not UTF-8 text is the field error `schedule_not_text` (`Ok(Err(_))`).
pub async fn schedule_text(st: &AppState, req: Request) -> WebResult<Result<String, FieldError>> {
    if !content_type_is(&req, "multipart/form-data") {
        let Form(f) = Form::<ScheduleForm>::from_request(req, st).await?;
        return Ok(Ok(f.schedule));
    }
    let malformed = |e: axum::extract::multipart::MultipartError| WebError::Malformed {
        status: e.status(),
        code: "bad_request",
        field: None,
        detail: e.body_text(),
    };
    let mut mp = Multipart::from_request(req, st)
        .await
        .map_err(|e| WebError::malformed(None, e.body_text()))?;
    let (mut file, mut text) = (Vec::new(), Vec::new());
    while let Some(field) = mp.next_field().await.map_err(malformed)? {
        let name = field.name().unwrap_or("").to_string();
        let bytes = field.bytes().await.map_err(malformed)?;
        match name.as_str() {
            "file" => file = bytes.to_vec(),
            "schedule" => text = bytes.to_vec(),
            _ => {}
        }
    }
    Ok(if file.iter().any(|b| !b.is_ascii_whitespace()) {
        text_of(file)
    } else {
        text_of(text)
    })
}

/// POST `/settings/calendar`: loads one year's schedule.
pub async fn calendar_load(State(st): State<AppState>, ctx: Ctx, req: Request) -> WebResult {
    let text = match schedule_text(&st, req).await? {
        Ok(t) => t,
        Err(e) => return calendar_view(&st, &ctx, &[e], String::new(), None).await,
    };
    if text.trim().is_empty() {
        let e = FieldError::new(SCHEDULE_FIELD, "required");
        return calendar_view(&st, &ctx, &[e], text, None).await;
    }
    match st
        .app
        .load_calendar_year(&ctx.actor, &text)
        .await
        .fields()?
    {
        Ok(_) => Ok(Redirect::to("/settings/calendar?ok=calendar_loaded").into_response()),
        Err(e) => calendar_view(&st, &ctx, &e, text, None).await,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use jiguan_domain::rules::calc::{ERROR_CODES, ID_REASONS, STEP_KEYS};

    #[test]
    fn every_calc_text_exists_in_both_languages() {
        for lang in [Lang::Zh, Lang::En] {
            let tr = Tr::new(lang);
            for k in STEP_KEYS {
                assert!(tr.has(k), "{k} {lang:?}");
            }
            for c in ERROR_CODES {
                assert!(tr.has(&format!("err.{c}")), "err.{c} {lang:?}");
            }
            for r in ID_REASONS {
                assert!(tr.has(&format!("calc.val.{r}")), "calc.val.{r} {lang:?}");
            }
            for &k in CalcKind::ALL {
                assert!(tr.has(&format!("calc.kind.{}", k.code())));
                assert!(tr.has(&format!("calc.desc.{}", k.code())));
                for f in k.fields() {
                    assert!(tr.has(&format!("field.{}", f.name)), "field.{}", f.name);
                    let help = field_help(tr, k, f.name);
                    assert!(!help.starts_with("calc.help."), "{help}");
                    if let FieldKind::Choice { options } = f.kind {
                        for o in options {
                            assert!(tr.has(&format!("calc.val.{o}")), "calc.val.{o}");
                        }
                    }
                }
            }
            for d in jiguan_domain::settings::registry() {
                assert!(tr.has(&format!("param.{}", d.key)), "param.{}", d.key);
            }
        }
    }

    #[test]
    fn step_args_fill_every_placeholder() {
        // Every placeholder of a step text is an argument the facade gives.
        let c = jiguan_app::calc::compute(
            CalcKind::Severance,
            [
                ("start", "2000-03-01"),
                ("end", "2026-06-30"),
                ("monthly-wage", "10000"),
                ("local-average", "9000"),
            ]
            .iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect(),
            &jiguan_domain::rules::Params::defaults(),
            &jiguan_domain::rules::Calendar::builtin(),
        )
        .unwrap();
        for lang in [Lang::Zh, Lang::En] {
            for s in &c.steps {
                let t = step_text(Tr::new(lang), s);
                assert!(!t.contains('{'), "{t}");
            }
        }
        let shown = Shown::of(Tr::new(Lang::Zh), &c);
        let parts = shown.rows.iter().find(|r| r.key == "parts").unwrap();
        assert_eq!(parts.sub.as_ref().unwrap().rows.len(), 2);
        let amount = shown.rows.iter().find(|r| r.key == "amount").unwrap();
        assert_eq!(amount.value, "270000.00");
        assert_eq!(
            headline(Tr::new(Lang::En), &c.result),
            "Amount (yuan): 270000.00"
        );
    }

    #[test]
    fn values_are_shown_in_words() {
        let tr = Tr::new(Lang::Zh);
        let v = serde_json::json!({"years": 61, "months": 5});
        assert_eq!(show_value(tr, "retirement_age", &v), "61 岁 5 个月");
        let v = serde_json::json!({"years": 11, "months": 4, "days": 0});
        assert_eq!(show_value(tr, "service", &v), "11 年 4 个月 0 天");
        assert_eq!(show_value(tr, "capped", &Value::Bool(false)), "否");
        assert_eq!(
            show_value(tr, "reason", &Value::String("swapped_workday".into())),
            "调休上班日"
        );
        assert_eq!(show_value(tr, "grounds", &serde_json::json!([])), "无");
    }
}
