//! Writes the organisation module's screenshots (docs/modules/organisation.md) from the
//! demo, signed in as the district admin: 骆驼街道's register, the function analysis, the
//! plan preview, two dates compared, the org chart before and after, the district view.
//!
//! `cargo run -p jiguan-testkit --example org_screenshots [-- OUT_DIR]` (default `docs/img`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::Path;

use anyhow::Context;
use jiguan_testkit::thirtyfour::prelude::*;
use jiguan_testkit::{Browser, TestApp};

use common::{save, submit_sign_in};

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    common::run(shoot).await
}

async fn shoot(b: &Browser, app: &TestApp, out: &Path) -> anyhow::Result<()> {
    let u = app.unit_id("zhenhai", "luotuo").await?;
    b.goto(app.url("/login")).await?;
    submit_sign_in(b, "admin").await?;
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
    // The plan's resulting bodies with their own establishment and the establishment used.
    b.goto(app.url(&format!("/units/{u}/org/plans/{plan}")))
        .await?;
    b.query(By::Id("preview-bodies")).first().await?;
    b.eval("document.getElementById('preview-bodies').scrollIntoView(); return 0;")
        .await?;
    save(b, out, "org-plan-establishment.png").await?;
    Ok(())
}
