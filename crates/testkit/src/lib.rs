//! Jiguan's test kit: the real application on `127.0.0.1:0` with a fresh database
//! ([`spawn_app`]), an HTTP client that signs in the way a browser does ([`login`]), and a
//! headless Chromium driven through Debian's chromedriver ([`Browser`]).
//!
//! Nothing here sleeps to wait: the listener is bound before the server task starts, so the
//! returned address accepts connections at once, and chromedriver is ready when it says so on
//! its standard output.

pub mod fixtures;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::ops::Deref;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, anyhow, bail};
use tempfile::TempDir;
use thirtyfour::{ChromiumLikeCapabilities, DesiredCapabilities, WebDriver};

use jiguan_app::{App, AppConfig, SystemClock};
use jiguan_domain::tenancy::UnitId;
use jiguan_store::SqlStore;
use jiguan_web::{AppState, WebConfig};

pub use thirtyfour;

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = jiguan_app::demo::DEMO_PASSWORD;

/// How to start the application.
#[derive(Debug, Clone)]
pub struct SpawnOptions {
    /// Seed the demo district 镇海区 and its accounts.
    pub demo: bool,
    /// Application tunables; cheap password hashing by default.
    pub config: AppConfig,
    /// `None`: a fresh SQLite file in a temporary folder. `Some(url)`: that database (for
    /// instance a fresh PostgreSQL database), which should be empty.
    pub database_url: Option<String>,
    /// Web settings; `demo` follows [`SpawnOptions::demo`].
    pub web: WebConfig,
}

impl Default for SpawnOptions {
    fn default() -> Self {
        Self {
            demo: false,
            config: AppConfig::for_tests(),
            database_url: None,
            web: WebConfig::default(),
        }
    }
}

impl SpawnOptions {
    /// A fresh SQLite database with the demo seeded.
    pub fn demo() -> Self {
        Self {
            demo: true,
            ..Self::default()
        }
    }
}

/// A running application. The server task stops and the temporary folder is removed when
/// this is dropped.
pub struct TestApp {
    /// `http://127.0.0.1:PORT` (no trailing slash).
    pub base: String,
    pub addr: SocketAddr,
    /// The application behind the server, to arrange data or look it up.
    pub app: App,
    /// The folder holding the SQLite file.
    pub dir: TempDir,
    server: tokio::task::JoinHandle<()>,
}

impl TestApp {
    /// The absolute URL of `path` (which starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The id of a unit, by district code and unit code.
    pub async fn unit_id(&self, district: &str, unit: &str) -> anyhow::Result<UnitId> {
        let d = self
            .app
            .store
            .find_district(district)
            .await
            .map_err(|e| anyhow!("find district {district}: {e}"))?
            .ok_or_else(|| anyhow!("no district {district}"))?;
        let u = self
            .app
            .store
            .find_unit(d.id, unit)
            .await
            .map_err(|e| anyhow!("find unit {unit}: {e}"))?
            .ok_or_else(|| anyhow!("no unit {unit} in {district}"))?;
        Ok(u.id)
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// Starts the real router (the one `jiguan serve` runs) on `127.0.0.1:0` in a tokio task.
pub async fn spawn_app(opts: SpawnOptions) -> anyhow::Result<TestApp> {
    let dir = tempfile::Builder::new()
        .prefix("jiguan-test-")
        .tempdir()
        .context("temporary folder")?;
    let url = match &opts.database_url {
        Some(u) => u.clone(),
        None => dir.path().join("jiguan.db").to_string_lossy().into_owned(),
    };
    let store = SqlStore::open(&url)
        .await
        .map_err(|e| anyhow!("open database: {e}"))?;
    let app = App::new(Arc::new(store), opts.config, Arc::new(SystemClock));
    if opts.demo {
        jiguan_app::demo::seed(&app, |_, _| {})
            .await
            .map_err(|e| anyhow!("seed demo: {e}"))?;
    }
    let state = AppState {
        app: app.clone(),
        web: WebConfig {
            demo: opts.demo,
            ..opts.web
        },
        jobs: Default::default(),
    };
    let router = jiguan_web::router(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .context("bind 127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    let server = tokio::spawn(async move {
        let svc = router.into_make_service_with_connect_info::<SocketAddr>();
        if let Err(e) = axum::serve(listener, svc).await {
            eprintln!("test server stopped: {e}");
        }
    });
    Ok(TestApp {
        base: format!("http://{addr}"),
        addr,
        app,
        dir,
        server,
    })
}

/// An HTTP client like a browser's: cookies kept, no proxy, redirects not followed (so a
/// caller sees each 303).
pub fn http_client() -> anyhow::Result<reqwest::Client> {
    reqwest::Client::builder()
        .cookie_store(true)
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .context("HTTP client")
}

/// The hidden `_csrf` value of the first form in `html`.
pub fn csrf_of(html: &str) -> Option<String> {
    let at = html.find("name=\"_csrf\"")?;
    let rest = html.get(at..)?;
    let v = rest.find("value=\"")? + "value=\"".len();
    let tail = rest.get(v..)?;
    let end = tail.find('"')?;
    tail.get(..end).map(str::to_string)
}

/// Signs `client` in: `GET /login` (sets the `jiguan_pre` cookie, gives the hidden
/// `_csrf`), then `POST /login`. The client must keep cookies and not follow redirects
/// (see [`http_client`]).
pub async fn login(
    client: &reqwest::Client,
    base: &str,
    username: &str,
    password: &str,
) -> anyhow::Result<()> {
    let page = client
        .get(format!("{base}/login"))
        .send()
        .await?
        .error_for_status()?
        .text()
        .await?;
    let csrf = csrf_of(&page).ok_or_else(|| anyhow!("no _csrf on the sign-in page"))?;
    let resp = client
        .post(format!("{base}/login"))
        .form(&[
            ("username", username),
            ("password", password),
            ("_csrf", csrf.as_str()),
        ])
        .send()
        .await?;
    let status = resp.status();
    let to = resp
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    if !status.is_redirection() || to.starts_with("/login") {
        bail!("sign-in as {username} failed: {status} {to}");
    }
    Ok(())
}

/// Where Debian puts the browser and its driver.
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Whether Chromium and chromedriver are installed here.
pub fn browser_available() -> bool {
    PathBuf::from(CHROMIUM).exists() && PathBuf::from(CHROMEDRIVER).exists()
}

/// How to open the browser.
#[derive(Debug, Clone, Copy)]
pub struct BrowserOptions {
    pub width: u32,
    pub height: u32,
    /// Emulate a phone (touch, `mobile` viewport that honours `<meta name=viewport>`).
    pub mobile: bool,
}

impl Default for BrowserOptions {
    fn default() -> Self {
        Self {
            width: 1280,
            height: 900,
            mobile: false,
        }
    }
}

impl BrowserOptions {
    /// A phone of 390×844 CSS pixels.
    pub fn phone() -> Self {
        Self {
            width: 390,
            height: 844,
            mobile: true,
        }
    }
}

/// A headless Chromium session. Call [`Browser::quit`] at the end; if it is dropped
/// instead (a failed test), the session is torn down and chromedriver with its browser
/// processes is killed.
pub struct Browser {
    /// Fields drop in order: the session first, then the driver process.
    pub driver: WebDriver,
    process: DriverProcess,
}

impl Deref for Browser {
    type Target = WebDriver;
    fn deref(&self) -> &WebDriver {
        &self.driver
    }
}

impl Browser {
    /// Starts chromedriver on a free port and opens a session with a fresh profile.
    pub async fn start(opts: BrowserOptions) -> anyhow::Result<Browser> {
        let process = DriverProcess::start().await?;
        let mut caps = DesiredCapabilities::chrome();
        caps.set_binary(CHROMIUM)?;
        let window = format!("--window-size={},{}", opts.width, opts.height);
        let profile = format!("--user-data-dir={}", process.profile.path().display());
        for arg in [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
            window.as_str(),
            profile.as_str(),
        ] {
            caps.add_arg(arg)?;
        }
        if opts.mobile {
            caps.add_experimental_option(
                "mobileEmulation",
                serde_json::json!({
                    "deviceMetrics": {
                        "width": opts.width,
                        "height": opts.height,
                        "pixelRatio": 2,
                        "mobile": true,
                        "touch": true,
                    }
                }),
            )?;
        }
        let driver = WebDriver::new(format!("http://127.0.0.1:{}", process.port), caps)
            .await
            .context("open a chromedriver session")?;
        let b = Browser { driver, process };
        if !opts.mobile {
            b.set_viewport(opts.width, opts.height).await?;
        }
        Ok(b)
    }

    /// Resizes the window so that the page itself (the viewport, which screenshots show)
    /// is `width`×`height`: `--window-size` counts the window's frame too.
    pub async fn set_viewport(&self, width: u32, height: u32) -> anyhow::Result<()> {
        let frame = self
            .eval("return [window.outerWidth - window.innerWidth, window.outerHeight - window.innerHeight];")
            .await?;
        let dx = frame[0].as_u64().unwrap_or(0) as u32;
        let dy = frame[1].as_u64().unwrap_or(0) as u32;
        self.driver
            .set_window_rect(0, 0, width + dx, height + dy)
            .await
            .context("resize the window")?;
        Ok(())
    }

    /// Ends the session, then chromedriver.
    pub async fn quit(self) -> anyhow::Result<()> {
        let Browser { driver, process } = self;
        let r = driver.quit().await;
        drop(process);
        r.context("quit the browser session")
    }

    /// Runs a script and returns its value as JSON.
    pub async fn eval(&self, script: &str) -> anyhow::Result<serde_json::Value> {
        let r = self.driver.execute(script, Vec::new()).await?;
        Ok(r.json().clone())
    }
}

/// chromedriver, in a process group of its own so that the browser it starts goes with
/// it, plus the browser's throw-away profile folder.
struct DriverProcess {
    child: Child,
    port: u16,
    profile: TempDir,
}

impl DriverProcess {
    async fn start() -> anyhow::Result<DriverProcess> {
        let mut last = None;
        // A free port is picked by binding :0 and letting go; another process may take it
        // first, so try again a few times.
        for _ in 0..3 {
            match Self::try_start().await {
                Ok(p) => return Ok(p),
                Err(e) => last = Some(e),
            }
        }
        Err(last.unwrap_or_else(|| anyhow!("chromedriver did not start")))
    }

    async fn try_start() -> anyhow::Result<DriverProcess> {
        use std::os::unix::process::CommandExt;
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let profile = tempfile::Builder::new()
            .prefix("jiguan-chromium-")
            .tempdir()
            .context("browser profile folder")?;
        let mut child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .with_context(|| format!("start {CHROMEDRIVER}"))?;
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| anyhow!("chromedriver without stdout"))?;
        let (tx, rx) = tokio::sync::oneshot::channel::<bool>();
        // Reads until chromedriver says it is ready, then keeps draining its output.
        std::thread::spawn(move || {
            let mut tx = Some(tx);
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if line.contains("started successfully")
                    && let Some(tx) = tx.take()
                {
                    let _ = tx.send(true);
                }
            }
            if let Some(tx) = tx.take() {
                let _ = tx.send(false);
            }
        });
        let proc = DriverProcess {
            child,
            port,
            profile,
        };
        match tokio::time::timeout(Duration::from_secs(30), rx).await {
            Ok(Ok(true)) => Ok(proc),
            Ok(_) => bail!("chromedriver exited before it was ready (port {port})"),
            Err(_) => bail!("chromedriver not ready after 30 s"),
        }
    }
}

impl Drop for DriverProcess {
    fn drop(&mut self) {
        // The whole group: chromedriver and the browser processes it started.
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill")
            .args(["-KILL", "--", group.as_str()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
