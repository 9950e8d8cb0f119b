//! Appraisal (年度考核 / 平时考核): the HR office's pages (cycles, participants with their
//! not-graded reasons, indicator sets, rater weights, score entry and Excel import, codes
//! for 民主测评, grading with the quota shown and enforced, committee confirmation,
//! publicity, appeals, results export, A4 grade list), the colleague's phone rating page,
//! and the JSON API (`api.rs`).
//!
//! A colleague's rating is anonymous: the code travels in the request body, never in a URL,
//! and the rating handler logs nothing.

pub mod api;
pub mod mine;
pub mod pages;

use axum::http::Method;
use utoipa::OpenApi;

use jiguan_domain::auth::Action;

use crate::guard::Access;
use crate::module::{MenuEntry, WebModule};
use crate::routes::{RouteSpec, r};

pub const MODULE: WebModule = WebModule {
    id: "appraisal",
    menu: &[MenuEntry::unit(
        "menu.appraisal",
        "/appraisal",
        Action::AppraisalView,
    )],
    locales: crate::locales!("appraisal"),
    routes,
    openapi: api::Doc::openapi,
};

/// What the routes of one appraisal cycle extract: `AtId(st, ctx, u, id): AtCycle`.
pub type AtCycle = crate::extract::AtId<jiguan_domain::appraisal::CycleId>;

fn routes() -> Vec<RouteSpec> {
    use Access::Signed;
    use Action::*;
    vec![
        r(
            Method::GET,
            "/units/{unit}/appraisal",
            Signed(AppraisalView),
            pages::cycles,
        ),
        r(
            Method::POST,
            "/units/{unit}/appraisal",
            Signed(AppraisalManage),
            pages::create,
        ),
        r(
            Method::GET,
            "/units/{unit}/appraisal/{cycle}",
            Signed(AppraisalView),
            pages::show,
        ),
        r(
            Method::POST,
            "/units/{unit}/appraisal/{cycle}/step",
            Signed(AppraisalManage),
            pages::step,
        ),
        r(
            Method::POST,
            "/units/{unit}/appraisal/{cycle}/confirm",
            Signed(AppraisalConfirm),
            pages::confirm,
        ),
        r(
            Method::POST,
            "/units/{unit}/appraisal/{cycle}/send-back",
            Signed(AppraisalConfirm),
            pages::send_back,
        ),
        r(
            Method::POST,
            "/units/{unit}/appraisal/{cycle}/facts",
            Signed(AppraisalManage),
            pages::facts,
        ),
        r(
            Method::POST,
            "/units/{unit}/appraisal/{cycle}/weights",
            Signed(AppraisalManage),
            pages::weights,
        ),
        r(
            Method::POST,
            "/units/{unit}/appraisal/{cycle}/indicators",
            Signed(AppraisalManage),
            pages::indicators,
        ),
        r(
            Method::POST,
            "/units/{unit}/appraisal/{cycle}/scores",
            Signed(AppraisalManage),
            pages::score,
        ),
        r(
            Method::POST,
            "/units/{unit}/appraisal/{cycle}/scores/import",
            Signed(AppraisalManage),
            pages::import,
        ),
        r(
            Method::POST,
            "/units/{unit}/appraisal/{cycle}/codes",
            Signed(AppraisalManage),
            pages::codes,
        ),
        r(
            Method::GET,
            "/units/{unit}/appraisal/{cycle}/grading",
            Signed(AppraisalView),
            pages::grading,
        ),
        r(
            Method::POST,
            "/units/{unit}/appraisal/{cycle}/grading",
            Signed(AppraisalManage),
            pages::save_grades,
        ),
        r(
            Method::POST,
            "/units/{unit}/appraisal/{cycle}/quota",
            Signed(AppraisalManage),
            pages::quota,
        ),
        r(
            Method::POST,
            "/units/{unit}/appraisal/{cycle}/appeals",
            Signed(AppraisalManage),
            pages::appeal,
        ),
        r(
            Method::POST,
            "/units/{unit}/appraisal/{cycle}/appeals/{appeal}",
            Signed(AppraisalManage),
            pages::resolve,
        ),
        r(
            Method::GET,
            "/units/{unit}/appraisal/{cycle}/print",
            Signed(AppraisalView),
            pages::print,
        ),
        r(
            Method::GET,
            "/units/{unit}/appraisal/{cycle}/export.xlsx",
            Signed(AppraisalView),
            pages::export,
        ),
        r(
            Method::GET,
            "/units/{unit}/appraisal/{cycle}/rate",
            Signed(AppraisalRate),
            pages::rate_form,
        ),
        r(
            Method::POST,
            "/units/{unit}/appraisal/{cycle}/rate",
            Signed(AppraisalRate),
            pages::rate,
        ),
        r(
            Method::GET,
            "/api/v1/units/{unit}/appraisal/cycles",
            Signed(AppraisalView),
            api::list,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/appraisal/cycles",
            Signed(AppraisalManage),
            api::create,
        ),
        r(
            Method::GET,
            "/api/v1/units/{unit}/appraisal/cycles/{cycle}/grading",
            Signed(AppraisalView),
            api::grading,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/appraisal/cycles/{cycle}/scores",
            Signed(AppraisalManage),
            api::scores,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/appraisal/cycles/{cycle}/grades",
            Signed(AppraisalManage),
            api::grades,
        ),
        r(
            Method::GET,
            "/api/v1/units/{unit}/appraisal/final-grades/{year}",
            Signed(AppraisalView),
            api::final_grades,
        ),
    ]
}
