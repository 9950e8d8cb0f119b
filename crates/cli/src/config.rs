//! Configuration: built-in defaults, then the config file (`jiguan.toml` in the working
//! directory, or `--config FILE` / `JIGUAN_CONFIG`), then environment variables
//! (`JIGUAN_DATABASE_URL`, `JIGUAN_BIND`, `JIGUAN_LOG_FORMAT`, `JIGUAN_SECURE_COOKIES`, `JIGUAN_BEHIND_PROXY`),
//! then command-line flags. See docs/OPERATIONS.md.

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// SQLite file path or `postgres://…` URL.
    pub database: String,
    /// Address to listen on.
    pub bind: String,
    /// `text` or `json`.
    pub log_format: String,
    /// Mark cookies Secure (when served over HTTPS).
    pub secure_cookies: bool,
    /// Served behind a reverse proxy: take the client address for the audit and sign-in
    /// logs from the last `X-Forwarded-For` entry.
    pub behind_proxy: bool,
    pub session_idle_minutes: i64,
    pub session_max_hours: i64,
    pub login_max_failures: u32,
    pub login_window_secs: i64,
}

impl Default for Config {
    fn default() -> Self {
        let app = jiguan_app::AppConfig::default();
        Config {
            database: "jiguan.db".into(),
            bind: "127.0.0.1:8080".into(),
            log_format: "text".into(),
            secure_cookies: false,
            behind_proxy: false,
            session_idle_minutes: app.session_idle_minutes,
            session_max_hours: app.session_max_hours,
            login_max_failures: app.login_max_failures,
            login_window_secs: app.login_window_secs,
        }
    }
}

impl Config {
    /// Loads the file (if any) and the environment.
    pub fn load(path: Option<&str>) -> anyhow::Result<Config> {
        let explicit = path
            .map(str::to_string)
            .or_else(|| std::env::var("JIGUAN_CONFIG").ok());
        let file = explicit.clone().unwrap_or_else(|| "jiguan.toml".into());
        let mut cfg = match std::fs::read_to_string(&file) {
            Ok(text) => toml::from_str::<Config>(&text)
                .map_err(|e| anyhow::anyhow!("config file {file}: {e}"))?,
            Err(e) if explicit.is_some() => anyhow::bail!("config file {file}: {e}"),
            Err(_) => Config::default(),
        };
        if let Ok(v) = std::env::var("JIGUAN_DATABASE_URL") {
            cfg.database = v;
        }
        if let Ok(v) = std::env::var("JIGUAN_BIND") {
            cfg.bind = v;
        }
        if let Ok(v) = std::env::var("JIGUAN_LOG_FORMAT") {
            cfg.log_format = v;
        }
        if let Ok(v) = std::env::var("JIGUAN_SECURE_COOKIES") {
            cfg.secure_cookies = matches!(v.as_str(), "1" | "true" | "yes");
        }
        if let Ok(v) = std::env::var("JIGUAN_BEHIND_PROXY") {
            cfg.behind_proxy = matches!(v.as_str(), "1" | "true" | "yes");
        }
        Ok(cfg)
    }

    pub fn app_config(&self) -> jiguan_app::AppConfig {
        jiguan_app::AppConfig {
            session_idle_minutes: self.session_idle_minutes,
            session_max_hours: self.session_max_hours,
            login_max_failures: self.login_max_failures,
            login_window_secs: self.login_window_secs,
            ..jiguan_app::AppConfig::default()
        }
    }
}
