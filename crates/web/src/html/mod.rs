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
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use jiguan_app::ports::{ListQuery, Page};
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
pub fn form_status<T: Template>(errs: &FormErrors, t: &T) -> Response {
    if errs.is_empty() {
        page(t)
    } else {
        page_status(StatusCode::UNPROCESSABLE_ENTITY, t)
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

    /// (label, href, current) for the page links, with gaps kept short.
    pub fn page_links(&self) -> Vec<(String, String, bool)> {
        let cur = self.q.page();
        let sort = self.q.sort.as_deref();
        (1..=self.pages)
            .filter(|p| *p == 1 || *p == self.pages || p.abs_diff(cur) <= 2)
            .map(|p| (p.to_string(), self.href(p, sort, self.q.desc), p == cur))
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
