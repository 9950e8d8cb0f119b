//! Server-rendered pages. Each page is an askama template that extends `base.html` and
//! gets a [`Layout`]: the left menu, breadcrumbs, title, flash message and CSRF token.

pub mod audit;
pub mod dashboard;
pub mod login;
pub mod profile;
pub mod settings;
pub mod units;
pub mod users;

use std::collections::BTreeMap;

use askama::Template;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use jiguan_app::ports::{ListQuery, Page, Unit};
use jiguan_domain::FieldError;
use jiguan_domain::auth::Action;

use crate::guard::Ctx;
use crate::i18n::Tr;
pub use crate::list::ListParams;
use crate::module::MenuScope;

/// Renders a template; a rendering failure is logged and shown as a plain error.
pub fn render<T: Template>(t: &T) -> String {
    t.render().unwrap_or_else(|e| {
        tracing::error!(error = %e, "template failed");
        "<!DOCTYPE html><title>Error</title><h1>500</h1>".to_string()
    })
}

/// A page as a response.
pub fn page<T: Template>(t: &T) -> Response {
    Html(render(t)).into_response()
}

/// A page with a status (forms with errors are 422).
pub fn page_status<T: Template>(status: StatusCode, t: &T) -> Response {
    (status, Html(render(t))).into_response()
}

/// A form page: 200, or 422 when it shows field errors.
pub fn form_status<E: ShownErrors + ?Sized, T: Template>(errs: &E, t: &T) -> Response {
    form_page(errs.none(), t)
}

/// A page that may show a form's errors: 200 when `clean`, else 422.
pub fn form_page<T: Template>(clean: bool, t: &T) -> Response {
    page_status(ok_or_422(clean), t)
}

/// 200 when `clean`, else 422 (the status of a page that shows a form's errors).
pub fn ok_or_422(clean: bool) -> StatusCode {
    if clean {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    }
}

/// What a form page holds its errors in ([`FormErrors`], the use case's field errors, or
/// their translated messages): [`form_status`] asks only whether there are any.
pub trait ShownErrors {
    fn none(&self) -> bool;
}

impl ShownErrors for FormErrors {
    fn none(&self) -> bool {
        self.is_empty()
    }
}

impl<E> ShownErrors for [E] {
    fn none(&self) -> bool {
        self.is_empty()
    }
}

impl<E> ShownErrors for Vec<E> {
    fn none(&self) -> bool {
        self.is_empty()
    }
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub tr: Tr,
    pub status: u16,
    pub title: String,
    pub detail: String,
}

pub struct MenuItem {
    pub id: &'static str,
    pub key: &'static str,
    pub href: String,
    pub active: bool,
    /// A count shown beside the label (the inbox's).
    pub badge: Option<usize>,
}

/// The module pages of a unit: (menu id, locale key, path under `/units/{unit}`, action),
/// from the modules' registrations. The unit page lists them; unit accounts also get them
/// in the left menu.
pub fn unit_modules() -> impl Iterator<Item = (&'static str, &'static str, &'static str, Action)> {
    crate::module::menu_entries(MenuScope::Unit).map(|(id, e)| (id, e.key, e.path, e.action))
}

/// What `base.html` needs.
pub struct Layout {
    pub tr: Tr,
    pub title: String,
    pub who: Option<String>,
    pub csrf: String,
    pub path: String,
    pub menu: Vec<MenuItem>,
    pub crumbs: Vec<(String, String)>,
    pub flash: Option<String>,
}

/// The left menu: only what the actor's roles allow.
fn menu(ctx: &Ctx) -> Vec<MenuItem> {
    let a = &ctx.actor;
    let mut items: Vec<(&'static str, &'static str, String, Action)> = vec![
        ("dashboard", "menu.dashboard", "/".into(), Action::Dashboard),
        ("inbox", "menu.inbox", "/inbox".into(), Action::Dashboard),
        ("units", "menu.units", "/units".into(), Action::UnitsList),
    ];
    if a.unit_id.is_none() {
        // District-wide views of unit modules.
        for (id, e) in crate::module::menu_entries(MenuScope::District) {
            items.push((id, e.key, e.path.into(), e.action));
        }
    }
    if let Some(u) = a.unit_id {
        items.push((
            "my-unit",
            "menu.my_unit",
            format!("/units/{u}"),
            Action::UnitView,
        ));
        // A unit account works in its own unit: its modules are in the menu.
        for (id, key, path, act) in unit_modules() {
            items.push((id, key, format!("/units/{u}{path}"), act));
        }
    }
    items.push((
        "users",
        "menu.users",
        "/users".to_string(),
        Action::UsersView,
    ));
    for (id, e) in crate::module::menu_entries(MenuScope::Everyone) {
        items.push((id, e.key, e.path.into(), e.action));
    }
    items.extend([
        (
            "audit",
            "menu.audit",
            "/audit".to_string(),
            Action::AuditView,
        ),
        (
            "logins",
            "menu.logins",
            "/audit/logins".to_string(),
            Action::AuditView,
        ),
        (
            "settings",
            "menu.settings",
            "/settings".to_string(),
            Action::SettingsView,
        ),
        (
            "profile",
            "menu.profile",
            "/profile".to_string(),
            Action::Profile,
        ),
    ]);
    let items: Vec<_> = items
        .into_iter()
        .filter(|(_, _, _, act)| a.can(*act))
        .collect();
    // The active item is the longest href the path lies under (`/units/3/posts` is the
    // posts item, not 本单位).
    let under = |href: &str| {
        if href == "/" {
            ctx.path == "/"
        } else {
            ctx.path == href || ctx.path.starts_with(&format!("{href}/"))
        }
    };
    let active = items
        .iter()
        .filter(|(_, _, href, _)| under(href))
        .map(|(_, _, href, _)| href.len())
        .max();
    items
        .into_iter()
        .map(|(id, key, href, _)| MenuItem {
            id,
            key,
            active: under(&href) && Some(href.len()) == active,
            badge: if id == "inbox" {
                ctx.inbox.filter(|n| *n > 0)
            } else {
                None
            },
            href,
        })
        .collect()
}

impl Layout {
    pub fn new(ctx: &Ctx, title_key: &str) -> Self {
        let title = ctx.tr.t(title_key).to_string();
        Layout {
            tr: ctx.tr,
            who: Some(format!(
                "{}（{}）",
                ctx.actor.display_name, ctx.actor.username
            )),
            csrf: ctx.csrf.clone(),
            path: ctx.path.clone(),
            menu: if ctx.must_change_password {
                Vec::new()
            } else {
                menu(ctx)
            },
            crumbs: vec![(ctx.tr.t("menu.dashboard").to_string(), "/".into())],
            flash: None,
            title,
        }
    }

    /// The layout of a unit's page: the crumbs 单位 (for those who list units) › the unit.
    pub fn in_unit(ctx: &Ctx, u: &Unit, title_key: &str) -> Self {
        let mut l = Layout::new(ctx, title_key);
        if ctx.actor.can(Action::UnitsList) {
            l = l.crumb(ctx.tr.t("menu.units"), "/units");
        }
        l.crumb(u.name.clone(), format!("/units/{}", u.id))
    }

    /// Sets a literal title (a unit's name, say).
    pub fn titled(mut self, title: impl Into<String>) -> Self {
        self.title = title.into();
        self
    }

    /// Adds a breadcrumb (empty href: the current page).
    pub fn crumb(mut self, label: impl Into<String>, href: impl Into<String>) -> Self {
        self.crumbs.push((label.into(), href.into()));
        self
    }

    /// Ends the breadcrumbs with the page title.
    pub fn here(mut self) -> Self {
        let t = self.title.clone();
        self.crumbs.push((t, String::new()));
        self
    }

    /// A number with thousands separators (`12,345`; `1,234.5`): for every count, amount
    /// and total shown in a table.
    pub fn num<T: std::fmt::Display>(&self, n: T) -> String {
        group(&n.to_string())
    }

    /// Shows `flash.<code>` when the query string carries `ok=<code>`.
    pub fn flash(mut self, ok: Option<&str>) -> Self {
        if let Some(code) =
            ok.filter(|c| c.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_'))
        {
            let key = format!("flash.{code}");
            if self.tr.has(&key) {
                self.flash = Some(self.tr.t(&key).to_string());
            }
        }
        self
    }
}

/// The fields of a plan's workflow step forms (approve: 文号, reject: reason, apply:
/// effective date), shared by the plan modules; a step reads the ones it records.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct StepForm {
    pub doc_no: String,
    pub reason: String,
    pub effective: String,
}

/// The content type of an Excel workbook (.xlsx).
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A file download named `name.ext` (UTF-8, RFC 5987), `fallback.ext` for clients that
/// only read the plain ASCII file name.
pub fn attachment(fallback: &str, name: &str, ext: &str, ctype: &str, bytes: Vec<u8>) -> Response {
    let enc: String = serde_urlencoded::to_string([("n", name)])
        .unwrap_or_default()
        .trim_start_matches("n=")
        .replace('+', "%20");
    let disp = format!("attachment; filename=\"{fallback}.{ext}\"; filename*=UTF-8''{enc}.{ext}");
    (
        [
            (header::CONTENT_TYPE, ctype.to_string()),
            (header::CONTENT_DISPOSITION, disp),
        ],
        bytes,
    )
        .into_response()
}

/// Groups the whole part of a decimal number's text by thousands; any other text is
/// left as it is.
pub fn group(text: &str) -> String {
    let (whole, frac) = match text.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (text, None),
    };
    let digits = whole.strip_prefix('-').unwrap_or(whole);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return text.to_string();
    }
    let g = jiguan_domain::audit::group_digits(whole);
    match frac {
        Some(f) => format!("{g}.{f}"),
        None => g,
    }
}

/// Field errors of a form, translated, by field name.
#[derive(Debug, Default)]
pub struct FormErrors {
    map: BTreeMap<String, String>,
}

impl FormErrors {
    pub fn new(tr: Tr, errs: &[FieldError]) -> Self {
        let mut map = BTreeMap::new();
        for e in errs {
            map.entry(e.field.clone()).or_insert_with(|| tr.error(e));
        }
        FormErrors { map }
    }
    pub fn get(&self, field: &str) -> Option<&String> {
        self.map.get(field)
    }
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
    pub fn summary(&self) -> String {
        self.map.values().cloned().collect::<Vec<_>>().join("；")
    }
}

/// Paging and sorting links of a list page that keep its filters.
pub struct ListView {
    pub base: String,
    pub filters: Vec<(String, String)>,
    pub q: ListQuery,
    pub total: i64,
    pub pages: u32,
}

impl ListView {
    pub fn new<T>(
        base: &str,
        filters: Vec<(String, String)>,
        q: &ListQuery,
        page: &Page<T>,
    ) -> Self {
        ListView {
            base: base.into(),
            filters,
            q: q.clone(),
            total: page.total,
            pages: page.pages(),
        }
    }

    fn href(&self, page: u32, sort: Option<&str>, desc: bool) -> String {
        let mut p: Vec<(String, String)> = self
            .filters
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .cloned()
            .collect();
        if let Some(q) = self.q.search() {
            p.push(("q".into(), q));
        }
        if let Some(s) = sort {
            p.push(("sort".into(), s.into()));
            if desc {
                p.push(("desc".into(), "true".into()));
            }
        }
        if page > 1 {
            p.push(("page".into(), page.to_string()));
        }
        if self.q.per_page.is_some() {
            p.push(("per_page".into(), self.q.per_page().to_string()));
        }
        let qs = serde_urlencoded::to_string(&p).unwrap_or_default();
        if qs.is_empty() {
            self.base.clone()
        } else {
            format!("{}?{qs}", self.base)
        }
    }

    /// Link for a column header: sorts by `key`, toggling the direction.
    pub fn sort_href(&self, key: &str) -> String {
        let desc = self.q.sort.as_deref() == Some(key) && !self.q.desc;
        self.href(1, Some(key), desc)
    }

    /// ▲/▼ beside the sorted column.
    pub fn sort_mark(&self, key: &str) -> &'static str {
        match (self.q.sort.as_deref() == Some(key), self.q.desc) {
            (true, false) => " ▲",
            (true, true) => " ▼",
            _ => "",
        }
    }

    pub fn aria_sort(&self, key: &str) -> &'static str {
        match (self.q.sort.as_deref() == Some(key), self.q.desc) {
            (true, false) => "ascending",
            (true, true) => "descending",
            _ => "none",
        }
    }

    /// (label, href, current) for the page links: the first and last two pages and two
    /// either side of the current one; a longer run left out is one `…` with an empty
    /// href (`1 2 3 … 9 10`).
    pub fn page_links(&self) -> Vec<(String, String, bool)> {
        let cur = self.q.page();
        let last = self.pages;
        let sort = self.q.sort.as_deref();
        let keep = |p: u32| p <= 2 || p + 2 > last || p.abs_diff(cur) <= 2;
        let mut out = Vec::new();
        let mut prev = 0u32;
        for p in (1..=last).filter(|p| keep(*p)) {
            if p > prev + 2 {
                out.push(("…".to_string(), String::new(), false));
            } else if p == prev + 2 {
                // A gap of one page: show the page rather than an ellipsis.
                out.push((
                    (p - 1).to_string(),
                    self.href(p - 1, sort, self.q.desc),
                    false,
                ));
            }
            out.push((p.to_string(), self.href(p, sort, self.q.desc), p == cur));
            prev = p;
        }
        out
    }

    /// The previous page's link, if there is one.
    pub fn prev_href(&self) -> Option<String> {
        let cur = self.q.page();
        (cur > 1).then(|| self.href(cur - 1, self.q.sort.as_deref(), self.q.desc))
    }

    /// The next page's link, if there is one.
    pub fn next_href(&self) -> Option<String> {
        let cur = self.q.page();
        (cur < self.pages).then(|| self.href(cur + 1, self.q.sort.as_deref(), self.q.desc))
    }

    /// (size, href, current) for the page-size choice (每页 20/50/100 条); a new size
    /// starts again at page 1.
    pub fn size_links(&self) -> Vec<(u32, String, bool)> {
        crate::list::PAGE_SIZES
            .iter()
            .map(|n| {
                let mut v = ListView {
                    base: self.base.clone(),
                    filters: self.filters.clone(),
                    q: self.q.clone(),
                    total: self.total,
                    pages: self.pages,
                };
                v.q.per_page = Some(*n);
                (
                    *n,
                    v.href(1, self.q.sort.as_deref(), self.q.desc),
                    self.q.per_page() == *n,
                )
            })
            .collect()
    }

    pub fn search(&self) -> String {
        self.q.search().unwrap_or_default()
    }

    pub fn filter(&self, key: &str) -> &str {
        self.filters
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::group;

    #[test]
    fn numbers_are_grouped_by_thousands() {
        assert_eq!(group("1234567"), "1,234,567");
        assert_eq!(group("-1234.50"), "-1,234.50");
        assert_eq!(group("999"), "999");
        assert_eq!(group("12.3456"), "12.3456");
        assert_eq!(group("n/a"), "n/a");
        assert_eq!(group(""), "");
    }
}
