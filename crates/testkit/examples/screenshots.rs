//! Writes the README's screenshots (1280×900 PNG) from the demo: the sign-in page, the
//! dashboard, the unit list and the user list, signed in as the district admin.
//!
//! `cargo run -p jiguan-testkit --example screenshots [-- OUT_DIR]` (default `docs/img`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::Path;

use jiguan_testkit::thirtyfour::prelude::*;
use jiguan_testkit::{Browser, TestApp};

use common::{save, submit_sign_in};

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    common::run(shoot).await
}

async fn shoot(b: &Browser, app: &TestApp, out: &Path) -> anyhow::Result<()> {
    b.goto(app.url("/login")).await?;
    b.query(By::Id("login-submit")).first().await?;
    save(b, out, "login.png").await?;

    submit_sign_in(b, "admin").await?;
    b.query(By::Id("unit-count")).first().await?;
    save(b, out, "dashboard.png").await?;

    for (path, file) in [("/units", "units.png"), ("/users", "users.png")] {
        b.goto(app.url(path)).await?;
        b.query(By::Id("who")).first().await?;
        save(b, out, file).await?;
    }
    Ok(())
}
