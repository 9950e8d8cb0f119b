//! How a module plugs into the web layer. Each module folder (`org/`, `people/`, `posts/`,
//! `downsizing/`, `calc/`) holds its pages (`pages.rs`), its JSON API (`api.rs`) and, in
//! `mod.rs`, one [`WebModule`]: its routes, its OpenAPI fragment, its menu entries and its
//! locale files. [`MODULES`] lists them; the route table, the OpenAPI document, the left
//! menu, the unit page and the translations are assembled from that list, so adding a
//! module is one folder and one line here.

use jiguan_domain::auth::Action;

use crate::routes::RouteSpec;

/// Where a menu entry appears.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MenuScope {
    /// In a unit: the path is under `/units/{unit}`; the unit page links it and unit
    /// accounts find it in the left menu.
    Unit,
    /// District accounts' left menu (district-wide view), absolute path.
    District,
    /// Everyone's left menu (after 用户), absolute path.
    Everyone,
}

/// A left-menu entry; shown only to actors whose roles grant `action`.
#[derive(Debug, Clone, Copy)]
pub struct MenuEntry {
    pub scope: MenuScope,
    /// Locale key of the label.
    pub key: &'static str,
    pub path: &'static str,
    pub action: Action,
}

impl MenuEntry {
    pub const fn unit(key: &'static str, path: &'static str, action: Action) -> Self {
        MenuEntry {
            scope: MenuScope::Unit,
            key,
            path,
            action,
        }
    }
    pub const fn district(key: &'static str, path: &'static str, action: Action) -> Self {
        MenuEntry {
            scope: MenuScope::District,
            key,
            path,
            action,
        }
    }
    pub const fn everyone(key: &'static str, path: &'static str, action: Action) -> Self {
        MenuEntry {
            scope: MenuScope::Everyone,
            key,
            path,
            action,
        }
    }
}

/// A module's translations: `locales/zh-CN/<id>.txt` and `locales/en/<id>.txt`.
#[derive(Debug, Clone, Copy)]
pub struct Locales {
    pub zh: &'static str,
    pub en: &'static str,
}

/// `locales!("posts")` includes a module's two locale files.
#[macro_export]
macro_rules! locales {
    ($id:literal) => {
        $crate::module::Locales {
            zh: include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/locales/zh-CN/",
                $id,
                ".txt"
            )),
            en: include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/locales/en/",
                $id,
                ".txt"
            )),
        }
    };
}

/// One module's web part.
pub struct WebModule {
    /// Stable id (menu id, locale file name).
    pub id: &'static str,
    pub menu: &'static [MenuEntry],
    pub locales: Locales,
    /// Its pages and endpoints, each with the action it needs.
    pub routes: fn() -> Vec<RouteSpec>,
    /// Its part of the OpenAPI document.
    pub openapi: fn() -> utoipa::openapi::OpenApi,
}

/// Every module, in menu order.
pub const MODULES: &[&WebModule] = &[
    &crate::people::MODULE,
    &crate::org::MODULE,
    &crate::posts::MODULE,
    &crate::downsizing::MODULE,
    &crate::calc::MODULE,
    &crate::inbox::MODULE,
    &crate::dict::MODULE,
    &crate::selfsvc::MODULE,
    &crate::selection::MODULE,
    &crate::selection::campaign::MODULE,
    &crate::pay::MODULE,
    &crate::twoway::MODULE,
    &crate::appraisal::MODULE,
    &crate::report::MODULE,
    &crate::selection::scores::MODULE,
    &crate::selection::decision::MODULE,
    &crate::selection::extra::MODULE,
    &crate::selection::officials::MODULE,
];

/// The menu entries of one scope, in module order.
pub fn menu_entries(scope: MenuScope) -> impl Iterator<Item = (&'static str, &'static MenuEntry)> {
    MODULES.iter().flat_map(move |m| {
        m.menu
            .iter()
            .filter(move |e| e.scope == scope)
            .map(move |e| (m.id, e))
    })
}
