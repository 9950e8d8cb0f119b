//! Writes the organisation module's screenshots (docs/modules/organisation.md) from the
//! demo, signed in as the district admin: 骆驼街道's register, the function analysis, the
//! plan preview, two dates compared, the org chart before and after, the district view.
//!
//! `cargo run -p jiguan-testkit --example org_screenshots [-- OUT_DIR]` (default `docs/img`).

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
    let u = app.unit_id("zhenhai", "luotuo").await?;
    b.goto(app.url("/login")).await?;
    b.find(By::Id("username")).await?.send_keys("admin").await?;
    b.find(By::Id("password"))
        .await?
        .send_keys(DEMO_PASSWORD)
        .await?;
    b.find(By::Id("login-submit")).await?.click().await?;
    b.query(By::Id("who")).first().await?;
    let d = app
        .app
        .store
        .find_district("zhenhai")
        .await?
        .context("no demo district")?;
    let plan = app.app.store.list_plans(d.id, u).await?;
    let plan = plan.first().map(|p| p.id.0).unwrap_or(1);
    for (path, file) in [
        (format!("/units/{u}/org?on=2018-06-01"), "org-register.png"),
        (format!("/units/{u}/org/functions"), "org-functions.png"),
        (format!("/units/{u}/org/totals"), "org-totals.png"),
        (format!("/units/{u}/org/plans/{plan}"), "org-plan.png"),
        (
            format!("/units/{u}/org/chart?on=2018-06-01"),
            "org-chart-before.png",
        ),
        ("/org".to_string(), "org-district.png"),
    ] {
        b.goto(app.url(&path)).await?;
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
