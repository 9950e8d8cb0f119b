//! The audit log (审计日志 / 操作日志) and the sign-in log (登录日志), as RuoYi shows
//! them: operations in words, the object by kind and name, each changed field as
//! `before → after` (money in yuan), the client address; filters by operation, user,
//! unit and date; pages; Excel export of what the filters select.

use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use jiguan_app::AppError;
use jiguan_app::ports::{AuditFilter, ListQuery, LogScope, LoginFilter, Unit};
use jiguan_domain::audit::{
    AuditAction, AuditRecord, LoginOutcome, LoginRecord, ObjectKind, field_changes, object_name,
    short_agent,
};
use jiguan_domain::tenancy::UnitId;
use jiguan_excel::{Cell, Sheet};

use crate::AppState;
use crate::error::WebResult;
use crate::extract::Query;
use crate::guard::Ctx;
use crate::html::{Layout, ListParams, ListView, page};
use crate::i18n::Tr;

/// The translation of `key`, or `fallback` when there is none.
fn label(tr: Tr, key: &str, fallback: &str) -> String {
    if tr.has(key) {
        tr.t(key).to_string()
    } else {
        fallback.to_string()
    }
}

/// The operation in words (操作类型): `audit.op.<code>`, else the code.
pub fn op_label(tr: Tr, code: &str) -> String {
    label(tr, &format!("audit.op.{code}"), code)
}

/// The object's kind in words: `audit.kind.<code>`, else the code.
pub fn kind_label(tr: Tr, code: &str) -> String {
    label(tr, &format!("audit.kind.{code}"), code)
}

/// A field's name in words: the form label `field.<name>`, else `audit.field.<name>`,
/// else the name itself.
fn field_label(tr: Tr, name: &str) -> String {
    let f = format!("field.{name}");
    if tr.has(&f) {
        return tr.t(&f).to_string();
    }
    label(tr, &format!("audit.field.{name}"), name)
}

/// A recorded value shown: `true`/`false` in words, a code (`approved`, `on_post`) by the
/// label the modules give it where one is found (`audit.value.<field>.<code>`,
/// `workflow.<field>.<code>`, `people.<field>.<code>`, `down.<field>.<code>`,
/// `posts.<field>.<code>`, `org.<field>.<code>`), anything else as it is.
fn value_shown(tr: Tr, field: &str, v: &Option<String>) -> String {
    match v.as_deref() {
        None => "—".to_string(),
        Some("true") => tr.t("audit.yes").to_string(),
        Some("false") => tr.t("audit.no").to_string(),
        Some(s) if !field.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') => {
            ["audit.value", "workflow", "people", "down", "posts", "org"]
                .iter()
                .map(|p| format!("{p}.{field}.{s}"))
                .find(|k| tr.has(k))
                .map(|k| tr.t(&k).to_string())
                .unwrap_or_else(|| s.to_string())
        }
        Some(s) => s.to_string(),
    }
}

/// One changed field, ready to show.
pub struct ChangeLine {
    pub field: String,
    pub before: String,
    pub after: String,
    /// Only a value after (a creation): shown without the arrow.
    pub created: bool,
}

pub struct Row {
    pub r: AuditRecord,
    pub at: String,
    pub unit_name: String,
    pub op: String,
    pub object: String,
    pub changes: Vec<ChangeLine>,
}

fn china_time(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(jiguan_domain::time::show_china)
        .unwrap_or_default()
}

fn unit_name(units: &[Unit], id: Option<UnitId>) -> String {
    id.and_then(|u| units.iter().find(|x| x.id == u))
        .map(|u| u.name.clone())
        .unwrap_or_default()
}

impl Row {
    pub fn new(tr: Tr, r: AuditRecord, units: &[Unit]) -> Row {
        let changes = field_changes(r.before.as_deref(), r.after.as_deref())
            .into_iter()
            .map(|c| ChangeLine {
                field: if c.field.is_empty() {
                    String::new()
                } else {
                    field_label(tr, c.leaf())
                },
                created: c.before.is_none(),
                before: value_shown(tr, c.leaf(), &c.before),
                after: value_shown(tr, c.leaf(), &c.after),
            })
            .collect();
        let name = object_name(r.before.as_deref(), r.after.as_deref());
        let mut object = kind_label(tr, &r.object_type);
        if let Some(n) = name {
            object.push_str(" · ");
            object.push_str(&n);
        }
        if !r.object_id.is_empty() && r.object_type != ObjectKind::Param.code() {
            object.push_str(&format!(" #{}", r.object_id));
        } else if r.object_type == ObjectKind::Param.code() {
            object.push_str(&format!(
                " · {}",
                label(tr, &format!("param.{}", r.object_id), &r.object_id)
            ));
        }
        Row {
            at: china_time(r.at_ms),
            unit_name: unit_name(units, r.unit_id),
            op: op_label(tr, &r.action),
            object,
            changes,
            r,
        }
    }

    /// The changes as one line of text (for the Excel export).
    pub fn changes_text(&self) -> String {
        self.changes
            .iter()
            .map(|c| {
                let head = if c.field.is_empty() {
                    String::new()
                } else {
                    format!("{}：", c.field)
                };
                if c.created {
                    format!("{head}{}", c.after)
                } else {
                    format!("{head}{} → {}", c.before, c.after)
                }
            })
            .collect::<Vec<_>>()
            .join("；")
    }
}

#[derive(Template)]
#[template(path = "audit.html")]
pub struct AuditPage {
    pub l: Layout,
    pub list: ListView,
    pub rows: Vec<Row>,
    pub units: Vec<Unit>,
    /// (code, label) of every operation, for the filter.
    pub ops: Vec<(String, String)>,
    /// (code, label) of every object kind, for the filter.
    pub kinds: Vec<(String, String)>,
    pub unit_filter: bool,
    pub date_error: bool,
    pub export_href: String,
}

fn nonempty(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// What both logs are filtered by, from query parameters (`unit` an id or `district`),
/// and whether a date could not be read (reported, not guessed).
fn scope_of(p: &ListParams) -> (LogScope, bool) {
    let date =
        |s: &Option<String>| nonempty(s).map(|d| chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d"));
    let (from, to) = (date(&p.from), date(&p.to));
    let bad = matches!(from, Some(Err(_))) || matches!(to, Some(Err(_)));
    let unit = nonempty(&p.unit);
    let scope = LogScope {
        unit_id: unit.as_deref().and_then(|u| u.parse().ok()).map(UnitId),
        district_level_only: unit.as_deref() == Some("district"),
        username: nonempty(&p.user),
        from: from.and_then(Result::ok),
        to: to.and_then(Result::ok),
    };
    (scope, bad)
}

/// Builds the audit trail's filter from query parameters.
pub fn filter_of(p: &ListParams) -> (AuditFilter, bool) {
    let (scope, bad) = scope_of(p);
    let f = AuditFilter {
        scope,
        object_type: nonempty(&p.object_type),
        object_id: nonempty(&p.object_id),
        action: nonempty(&p.op),
    };
    (f, bad)
}

/// The sign-in log's filter from query parameters.
pub fn login_filter_of(p: &ListParams) -> (LoginFilter, bool) {
    let (scope, bad) = scope_of(p);
    let success = match nonempty(&p.outcome).as_deref() {
        Some("ok") => Some(true),
        Some("failed") => Some(false),
        _ => None,
    };
    (LoginFilter { scope, success }, bad)
}

fn filters(p: &ListParams, keys: &[&str]) -> Vec<(String, String)> {
    keys.iter().map(|k| (k.to_string(), p.get(k))).collect()
}

const AUDIT_KEYS: &[&str] = &[
    "unit",
    "user",
    "op",
    "object_type",
    "object_id",
    "from",
    "to",
];
const LOGIN_KEYS: &[&str] = &["unit", "user", "outcome", "from", "to"];

/// The export link of a list: its filters and search, no paging.
fn export_href(base: &str, p: &ListParams, keys: &[&str]) -> String {
    let mut v: Vec<(String, String)> = filters(p, keys)
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .collect();
    if let Some(q) = nonempty(&p.q) {
        v.push(("q".into(), q));
    }
    let qs = serde_urlencoded::to_string(&v).unwrap_or_default();
    if qs.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{qs}")
    }
}

pub async fn list(State(st): State<AppState>, ctx: Ctx, Query(p): Query<ListParams>) -> WebResult {
    let (filter, date_error) = filter_of(&p);
    let units = st.app.visible_units(&ctx.actor).await?;
    let q = p.page_query()?;
    let pg = st.app.list_audit(&ctx.actor, filter, &q).await?;
    let list = ListView::new("/audit", filters(&p, AUDIT_KEYS), &q, &pg);
    let tr = ctx.tr;
    let rows = pg
        .items
        .into_iter()
        .map(|r| Row::new(tr, r, &units))
        .collect();
    let l = Layout::new(&ctx, "menu.audit").here();
    Ok(page(&AuditPage {
        l,
        list,
        rows,
        units,
        ops: AuditAction::all_codes()
            .into_iter()
            .map(|c| {
                let l = op_label(tr, &c);
                (c, l)
            })
            .collect(),
        kinds: ObjectKind::ALL
            .iter()
            .map(|k| (k.code().to_string(), kind_label(tr, k.code())))
            .collect(),
        unit_filter: ctx.actor.unit_id.is_none(),
        date_error,
        export_href: export_href("/audit/export.xlsx", &p, AUDIT_KEYS),
    }))
}

/// At most this many rows go into one export.
const EXPORT_MAX_PAGES: u32 = 50;

/// A workbook download named `name`.xlsx.
pub fn xlsx(name: &str, sheets: &[Sheet]) -> WebResult {
    let bytes =
        jiguan_excel::write_workbook(sheets).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(xlsx_file("export", name, bytes))
}

/// The workbook `bytes` as a download named `name`.xlsx (percent-encoded, RFC 5987),
/// `fallback`.xlsx for clients that read only the plain ASCII name.
pub fn xlsx_file(fallback: &str, name: &str, bytes: Vec<u8>) -> Response {
    let enc: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    (
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{fallback}.xlsx\"; filename*=UTF-8''{enc}.xlsx"),
            ),
        ],
        bytes,
    )
        .into_response()
}

fn export_query(p: &ListParams, page: u32) -> ListQuery {
    ListQuery {
        q: p.q.clone(),
        sort: p.sort.clone(),
        desc: matches!(p.desc.as_deref(), Some("true" | "1" | "on")),
        page: Some(page),
        per_page: Some(ListQuery::MAX_PER_PAGE),
    }
}

/// Every row a list query selects, page by page (at most [`EXPORT_MAX_PAGES`] pages of
/// the largest size), for an export.
async fn all_pages<R, F, Fut>(p: &ListParams, mut page: F) -> WebResult<Vec<R>>
where
    F: FnMut(ListQuery) -> Fut,
    Fut: std::future::Future<Output = Result<jiguan_app::ports::Page<R>, AppError>>,
{
    let mut rows = Vec::new();
    for n in 1..=EXPORT_MAX_PAGES {
        let pg = page(export_query(p, n)).await?;
        let last = n >= pg.pages();
        rows.extend(pg.items);
        if last {
            break;
        }
    }
    Ok(rows)
}

/// A one-sheet workbook titled by the menu entry `title_key`, with the columns `header_keys`.
fn sheet_xlsx(tr: Tr, title_key: &str, header_keys: &[&str], rows: Vec<Vec<Cell>>) -> WebResult {
    let headers = header_keys.iter().map(|k| tr.t(k).to_string()).collect();
    let title = tr.t(title_key).to_string();
    let sheet = Sheet {
        name: title.clone(),
        headers,
        rows,
        ..Sheet::default()
    };
    xlsx(&title, &[sheet])
}

/// A filter whose dates did not parse is refused, naming the `from` field.
fn dated<F>((filter, date_error): (F, bool)) -> WebResult<F> {
    if date_error {
        return Err(AppError::field("from", "date_invalid").into());
    }
    Ok(filter)
}

/// The audit log as a workbook: the rows the filters select (at most 10,000), with the
/// same columns as the page.
pub async fn export(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(p): Query<ListParams>,
) -> WebResult {
    let filter = dated(filter_of(&p))?;
    let (app, actor, tr) = (&st.app, &ctx.actor, ctx.tr);
    let units = app.visible_units(actor).await?;
    let records = all_pages(&p, |q| {
        let f = filter.clone();
        async move { app.list_audit(actor, f, &q).await }
    })
    .await?;
    let rows = records
        .into_iter()
        .map(|r| {
            let row = Row::new(tr, r, &units);
            vec![
                Cell::Int(row.r.seq),
                Cell::Text(row.at.clone()),
                Cell::Text(row.unit_name.clone()),
                Cell::Text(row.r.username.clone()),
                Cell::Text(row.op.clone()),
                Cell::Text(row.object.clone()),
                Cell::Text(row.changes_text()),
                Cell::Text(row.r.addr.clone().unwrap_or_default()),
            ]
        })
        .collect();
    let headers = [
        "audit.seq",
        "audit.at",
        "field.unit",
        "field.username",
        "audit.op_type",
        "audit.object",
        "audit.values",
        "audit.ip",
    ];
    sheet_xlsx(tr, "menu.audit", &headers, rows)
}

/// One sign-in attempt, ready to show.
pub struct LoginRow {
    pub r: LoginRecord,
    pub at: String,
    pub unit_name: String,
    pub outcome: String,
    pub ok: bool,
    pub agent: String,
}

impl LoginRow {
    fn new(tr: Tr, r: LoginRecord, units: &[Unit]) -> LoginRow {
        LoginRow {
            at: china_time(r.at_ms),
            unit_name: unit_name(units, r.unit_id),
            outcome: tr
                .t(&format!("logins.outcome.{}", r.outcome.code()))
                .to_string(),
            ok: r.outcome.success(),
            agent: short_agent(&r.user_agent),
            r,
        }
    }
}

#[derive(Template)]
#[template(path = "audit_logins.html")]
pub struct LoginsPage {
    pub l: Layout,
    pub list: ListView,
    pub rows: Vec<LoginRow>,
    pub units: Vec<Unit>,
    pub unit_filter: bool,
    pub date_error: bool,
    pub export_href: String,
}

/// The sign-in log (登录日志): the district's attempts for a district account, the
/// unit's accounts' attempts for a unit account.
pub async fn logins(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(p): Query<ListParams>,
) -> WebResult {
    let (filter, date_error) = login_filter_of(&p);
    let units = st.app.visible_units(&ctx.actor).await?;
    let q = p.page_query()?;
    let pg = st.app.list_logins(&ctx.actor, filter, &q).await?;
    let list = ListView::new("/audit/logins", filters(&p, LOGIN_KEYS), &q, &pg);
    let rows = pg
        .items
        .into_iter()
        .map(|r| LoginRow::new(ctx.tr, r, &units))
        .collect();
    let l = Layout::new(&ctx, "menu.logins").here();
    Ok(page(&LoginsPage {
        l,
        list,
        rows,
        units,
        unit_filter: ctx.actor.unit_id.is_none(),
        date_error,
        export_href: export_href("/audit/logins/export.xlsx", &p, LOGIN_KEYS),
    }))
}

/// The sign-in log as a workbook (at most 10,000 rows).
pub async fn logins_export(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(p): Query<ListParams>,
) -> WebResult {
    let tr = ctx.tr;
    let filter = dated(login_filter_of(&p))?;
    let attempts = all_pages(&p, |q| {
        let f = filter.clone();
        let (app, actor) = (&st.app, &ctx.actor);
        async move { app.list_logins(actor, f, &q).await }
    })
    .await?;
    let units = st.app.visible_units(&ctx.actor).await?;
    let mut rows = Vec::new();
    for r in attempts {
        let row = LoginRow::new(tr, r, &units);
        rows.push(vec![
            Cell::Text(row.at.clone()),
            Cell::Text(row.r.username.clone()),
            Cell::Text(row.unit_name.clone()),
            Cell::Text(row.outcome.clone()),
            Cell::Text(row.r.addr.clone()),
            Cell::Text(row.agent.clone()),
            Cell::Text(row.r.user_agent.clone()),
        ]);
    }
    let headers = [
        "audit.at",
        "logins.username",
        "field.unit",
        "logins.outcome",
        "audit.ip",
        "logins.agent",
        "logins.agent_full",
    ];
    sheet_xlsx(tr, "menu.logins", &headers, rows)
}

/// Every outcome code, for the filter and the labels test.
pub fn outcomes() -> &'static [LoginOutcome] {
    LoginOutcome::ALL
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    /// Every operation, object kind and sign-in outcome has its words in both languages: a
    /// new `AuditAction` (listed in `SIMPLE`), workflow step or `ObjectKind` adds its
    /// `audit.op.*` / `audit.kind.*` line to `locales/*/logs.txt`.
    #[test]
    fn every_operation_kind_and_outcome_has_a_label() {
        for lang in [Lang::Zh, Lang::En] {
            let tr = Tr::new(lang);
            for code in AuditAction::all_codes() {
                assert!(
                    tr.has(&format!("audit.op.{code}")),
                    "{lang:?}: audit.op.{code}"
                );
            }
            for k in ObjectKind::ALL {
                let key = format!("audit.kind.{}", k.code());
                assert!(tr.has(&key), "{lang:?}: {key}");
            }
            for o in outcomes() {
                let key = format!("logins.outcome.{}", o.code());
                assert!(tr.has(&key), "{lang:?}: {key}");
            }
        }
    }

    #[test]
    fn codes_read_as_words() {
        let tr = Tr::new(Lang::Zh);
        assert_eq!(
            value_shown(tr, "status", &Some("approved".into())),
            "已批准"
        );
        assert_eq!(
            value_shown(tr, "route", &Some("early_retirement".into())),
            "提前退休"
        );
        assert_eq!(value_shown(tr, "name", &Some("abc".into())), "abc");
        assert_eq!(value_shown(tr, "leader", &Some("true".into())), "是");
        assert_eq!(value_shown(tr, "x", &None), "—");
    }
}
