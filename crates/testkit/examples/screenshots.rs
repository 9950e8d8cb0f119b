//! Writes the README's screenshots (1280×900 PNG) from the demo: the sign-in page, the
//! dashboard, the unit list and the user list, signed in as the district admin.
//!
//! `cargo run -p jiguan-testkit --example screenshots [-- OUT_DIR]` (default `docs/img`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

use anyhow::Context;
use jiguan_testkit::thirtyfour::prelude::*;
use jiguan_testkit::{Browser, BrowserOptions, DEMO_PASSWORD, SpawnOptions, spawn_app};

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
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

async fn shoot(
    b: &Browser,
    app: &jiguan_testkit::TestApp,
    out: &std::path::Path,
) -> anyhow::Result<()> {
    b.goto(app.url("/login")).await?;
    b.query(By::Id("login-submit")).first().await?;
    save(b, out, "login.png").await?;

    b.find(By::Id("username")).await?.send_keys("admin").await?;
    b.find(By::Id("password"))
        .await?
        .send_keys(DEMO_PASSWORD)
        .await?;
    b.find(By::Id("login-submit")).await?.click().await?;
    b.query(By::Id("unit-count")).first().await?;
    save(b, out, "dashboard.png").await?;

    for (path, file) in [("/units", "units.png"), ("/users", "users.png")] {
        b.goto(app.url(path)).await?;
        b.query(By::Id("who")).first().await?;
        save(b, out, file).await?;
    }
    Ok(())
}

async fn save(b: &Browser, out: &std::path::Path, file: &str) -> anyhow::Result<()> {
    let path = out.join(file);
    b.screenshot(&path)
        .await
        .with_context(|| format!("screenshot {}", path.display()))?;
    println!("wrote {}", path.display());
    Ok(())
}
