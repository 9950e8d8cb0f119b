//! Configuration: built-in defaults, then the config file (`jiguan.toml` in the working
//! directory, or `--config FILE` / `JIGUAN_CONFIG`), then environment variables
//! (`JIGUAN_DATABASE_URL`, `JIGUAN_BIND`, `JIGUAN_LOG_FORMAT`, `JIGUAN_SECURE_COOKIES`,
//! `JIGUAN_TRUSTED_PROXIES`, `JIGUAN_AUDIT_KEY`, `JIGUAN_TIME_ZONE`), then command-line flags. See docs/OPERATIONS.md.

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
    pub session_idle_minutes: i64,
    pub session_max_hours: i64,
    pub login_max_failures: u32,
    pub login_window_secs: i64,
    /// Reverse proxies (addresses or CIDR ranges) whose `X-Forwarded-For` names the client;
    /// none by default (the header is then ignored).
    pub trusted_proxies: Vec<String>,
    /// Key for the HMAC of audit checkpoints (`jiguan audit checkpoint`); none: unsigned.
    pub audit_key: Option<String>,
    /// The time zone every time is shown in and "today" is taken in: `Asia/Shanghai`
    /// (default), `UTC` or a fixed offset such as `+08:00`.
    pub time_zone: String,
}

impl Default for Config {
    fn default() -> Self {
        let app = jiguan_app::AppConfig::default();
        Config {
            database: "jiguan.db".into(),
            bind: "127.0.0.1:8080".into(),
            log_format: "text".into(),
            secure_cookies: false,
            session_idle_minutes: app.session_idle_minutes,
            session_max_hours: app.session_max_hours,
            login_max_failures: app.login_max_failures,
            login_window_secs: app.login_window_secs,
            trusted_proxies: Vec::new(),
            audit_key: None,
            time_zone: jiguan_domain::time::DEFAULT_ZONE.into(),
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
        if let Ok(v) = std::env::var("JIGUAN_TRUSTED_PROXIES") {
            cfg.trusted_proxies = v
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect();
        }
        if let Ok(v) = std::env::var("JIGUAN_TIME_ZONE") {
            cfg.time_zone = v;
        }
        if let Ok(v) = std::env::var("JIGUAN_AUDIT_KEY") {
            cfg.audit_key = Some(v).filter(|k| !k.is_empty());
        }
        Ok(cfg)
    }

    /// Applies the `time_zone` setting (once, before anything is shown).
    pub fn apply_time_zone(&self) -> anyhow::Result<()> {
        let zone = jiguan_domain::time::parse_zone(&self.time_zone).map_err(|_| {
            anyhow::anyhow!(
                "time_zone: '{}' is not a time zone this system accepts \
                 (Asia/Shanghai, UTC, or a fixed offset such as +08:00)",
                self.time_zone
            )
        })?;
        if !jiguan_domain::time::set_zone(zone) {
            anyhow::bail!("time_zone: already set to another zone");
        }
        Ok(())
    }

    /// The trusted proxies, parsed.
    pub fn proxies(&self) -> anyhow::Result<Vec<ipnet::IpNet>> {
        self.trusted_proxies
            .iter()
            .map(|p| {
                jiguan_web::client::parse_proxy(p)
                    .map_err(|e| anyhow::anyhow!("trusted_proxies: {e}"))
            })
            .collect()
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
