//! What the screenshot examples share: the output folder, the demo app and a browser,
//! the sign-in form and saving a picture.

use std::path::{Path, PathBuf};

use anyhow::Context;
use jiguan_testkit::thirtyfour::prelude::*;
use jiguan_testkit::{Browser, BrowserOptions, DEMO_PASSWORD, SpawnOptions, TestApp, spawn_app};

/// Starts the demo and a browser and runs `shoot` with the output folder (the first
/// argument, default `docs/img`); the browser is closed whatever `shoot` returns.
pub async fn run(
    shoot: impl AsyncFnOnce(&Browser, &TestApp, &Path) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let out = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/img"));
    std::fs::create_dir_all(&out).with_context(|| format!("create {}", out.display()))?;
    let out = out.canonicalize()?;
    let app = spawn_app(SpawnOptions::demo()).await?;
    let b = Browser::start(BrowserOptions::default()).await?;
    let r = shoot(&b, &app, &out).await;
    b.quit().await?;
    r
}

/// Fills the open sign-in form for `user` (the demo password) and submits it.
pub async fn submit_sign_in(b: &Browser, user: &str) -> anyhow::Result<()> {
    b.find(By::Id("username")).await?.send_keys(user).await?;
    b.find(By::Id("password"))
        .await?
        .send_keys(DEMO_PASSWORD)
        .await?;
    b.find(By::Id("login-submit")).await?.click().await?;
    Ok(())
}

/// Signs `user` in from a clean session (no cookies) and waits for the page.
#[allow(dead_code)] // not every example signs in this way
pub async fn sign_in(b: &Browser, app: &TestApp, user: &str) -> anyhow::Result<()> {
    b.delete_all_cookies().await?;
    b.goto(app.url("/login")).await?;
    submit_sign_in(b, user).await?;
    b.query(By::Id("who")).first().await?;
    Ok(())
}

/// Saves a screenshot of the page as `file` in `out`.
pub async fn save(b: &Browser, out: &Path, file: &str) -> anyhow::Result<()> {
    let path = out.join(file);
    b.screenshot(&path)
        .await
        .with_context(|| format!("screenshot {}", path.display()))?;
    println!("wrote {}", path.display());
    Ok(())
}
