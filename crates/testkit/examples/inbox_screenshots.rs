//! Writes the dashboard and inbox screenshots (docs/modules/inbox.md, and the README's
//! docs/img/dashboard.png) from the demo, at 1280 and 390 px wide: the district
//! dashboard and inbox with 骆驼街道's plan submitted, the unit dashboard and inbox after
//! the district approved it.
//!
//! `cargo run -p jiguan-testkit --example inbox_screenshots [-- OUT_DIR]` (default `docs/img`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::Path;

use anyhow::Context;
use jiguan_app::workflow::SimpleStep;
use jiguan_testkit::thirtyfour::prelude::*;
use jiguan_testkit::{Browser, DEMO_PASSWORD, TestApp};

use common::{save, sign_in};

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    common::run(shoot).await
}

/// Both widths of the page at `path`: `<name>.png` (1280) and `<name>-phone.png` (390).
async fn both(
    b: &Browser,
    app: &TestApp,
    out: &Path,
    path: &str,
    name: &str,
) -> anyhow::Result<()> {
    // The dashboards are long; the inbox fits a screen.
    let (desk, phone) = if path == "/" {
        (1500, 1700)
    } else {
        (800, 1000)
    };
    for (w, h, file) in [
        (1280, desk, format!("{name}.png")),
        (390, phone, format!("{name}-phone.png")),
    ] {
        // From a phone-sized window the frame is measured wrong (the window has a least
        // width): resize until the page is the width asked for.
        for _ in 0..3 {
            b.set_viewport(w, h).await?;
            if b.eval("return window.innerWidth;").await?.as_u64() == Some(u64::from(w)) {
                break;
            }
        }
        b.goto(app.url(path)).await?;
        b.query(By::Id("who")).first().await?;
        save(b, out, &file).await?;
    }
    Ok(())
}

async fn shoot(b: &Browser, app: &TestApp, out: &Path) -> anyhow::Result<()> {
    let a = &app.app;
    let u = app.unit_id("zhenhai", "luotuo").await?;
    let ua = a
        .login("luotuo_admin", DEMO_PASSWORD, "127.0.0.1")
        .await?
        .session
        .actor;
    let admin = a
        .login("admin", DEMO_PASSWORD, "127.0.0.1")
        .await?
        .session
        .actor;
    let plans = a.org_plans(&ua, u).await?;
    let plan = plans
        .iter()
        .find(|p| p.status == jiguan_domain::workflow::Status::Draft)
        .context("the demo has a draft plan in 骆驼街道")?
        .id;
    a.org_submit_plan(&ua, u, plan).await?;

    sign_in(b, app, "admin").await?;
    // The README's picture: the district dashboard at 1280×900.
    b.set_viewport(1280, 900).await?;
    b.goto(app.url("/")).await?;
    b.query(By::Id("unit-count")).first().await?;
    save(b, out, "dashboard.png").await?;
    both(b, app, out, "/", "dashboard-district").await?;
    both(b, app, out, "/inbox", "inbox-district").await?;

    a.step_plan(&admin, u, plan, SimpleStep::Approve("镇海编〔2026〕21号"))
        .await?;
    sign_in(b, app, "luotuo_admin").await?;
    both(b, app, out, "/", "dashboard-unit").await?;
    both(b, app, out, "/inbox", "inbox-unit").await?;
    b.set_viewport(1280, 900).await?;
    Ok(())
}
