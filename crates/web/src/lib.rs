//! Jiguan's web layer: server-rendered HTML pages ([`html`]) and the JSON API ([`api`]),
//! both declared in one route table ([`routes`]) where every route names the action it
//! needs. The guard ([`guard`]) signs the request in, checks CSRF, the forced password
//! change, the role × action matrix and the unit in the path, before any handler runs.

pub mod api;
pub mod assets;
pub mod client;
pub mod error;
pub mod extract;
pub mod guard;
pub mod html;
pub mod i18n;
pub mod jobs;
pub mod list;
pub mod module;
pub mod routes;

// The modules, each with its pages, API and registration (see `module`).
pub mod appraisal;
pub mod calc;
pub mod dict;
pub mod downsizing;
pub mod inbox;
pub mod org;
pub mod pay;
pub mod people;
pub mod posts;
pub mod report;
pub mod selection;
pub mod selfsvc;
pub mod twoway;

use axum::Router;
use jiguan_app::App;

/// Settings of the web layer.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Mark cookies `Secure` (behind HTTPS).
    pub secure_cookies: bool,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Running with the demo data (the sign-in page lists the demo accounts).
    pub demo: bool,
    /// Reverse proxies whose `X-Forwarded-For` is believed (addresses or CIDR ranges;
    /// none by default): see [`client::client_ip`].
    pub trusted_proxies: Vec<ipnet::IpNet>,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            secure_cookies: false,
            max_body_bytes: 16 * 1024 * 1024,
            demo: false,
            trusted_proxies: Vec::new(),
        }
    }
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub web: WebConfig,
    /// Background jobs of the browser (roster imports).
    pub jobs: jobs::ImportJobs,
}

impl AppState {
    pub fn demo(&self) -> bool {
        self.web.demo
    }
}

/// The whole application as an axum router.
pub fn router(state: AppState) -> Router {
    routes::build(state)
}
