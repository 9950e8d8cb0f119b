//! Two-way selection of posts (双向择岗): the rounds of a unit and a round's result (match,
//! explanations, rates, figures by body, routes) with the office's match, the approval and
//! the apply; the round as JSON. The module's web part: pages (`pages.rs`), JSON API
//! (`api.rs`), and its registration.

pub mod api;
pub mod form;
pub mod office;
pub mod pages;
pub mod staff;

use axum::extract::FromRequestParts;
use axum::http::Method;
use axum::http::request::Parts;
use serde::Deserialize;
use utoipa::OpenApi;

use jiguan_app::ports::Unit;
use jiguan_domain::auth::Action;
use jiguan_domain::twoway::RoundId;

use crate::error::WebError;
use crate::extract::{InUnit, Path};
use crate::guard::{Access, Ctx};
use crate::module::{MenuEntry, WebModule};
use crate::routes::{RouteSpec, r};

pub const MODULE: WebModule = WebModule {
    id: "twoway",
    menu: &[MenuEntry::unit(
        "menu.twoway",
        "/twoway",
        Action::TwowayView,
    )],
    locales: crate::locales!("twoway"),
    routes,
    openapi: api::Doc::openapi,
};

/// What every route of one round (`…/units/{unit}/twoway/{round}…`) extracts: the
/// signed-in context, the unit the guard checked and the round id (not a number: 400
/// naming `round`).
pub struct InRound {
    pub ctx: Ctx,
    pub u: Unit,
    pub round: RoundId,
}

#[derive(Deserialize)]
struct RoundParam {
    round: RoundId,
}

impl<S: Send + Sync> FromRequestParts<S> for InRound {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let ctx = Ctx::from_request_parts(parts, state).await?;
        let InUnit(u) = InUnit::from_request_parts(parts, state).await?;
        let Path(RoundParam { round }) = Path::from_request_parts(parts, state).await?;
        Ok(InRound { ctx, u, round })
    }
}

fn routes() -> Vec<RouteSpec> {
    use Access::Signed;
    use Action::*;
    vec![
        r(
            Method::GET,
            "/units/{unit}/twoway",
            Signed(TwowayView),
            pages::rounds,
        ),
        r(
            Method::GET,
            "/units/{unit}/twoway/{round}",
            Signed(TwowayView),
            pages::show,
        ),
        r(
            Method::POST,
            "/units/{unit}/twoway/{round}/match",
            Signed(TwowayManage),
            pages::run_match,
        ),
        r(
            Method::POST,
            "/units/{unit}/twoway/{round}/approve",
            Signed(TwowayApprove),
            pages::approve,
        ),
        r(
            Method::POST,
            "/units/{unit}/twoway/{round}/apply",
            Signed(TwowayManage),
            pages::apply,
        ),
        r(
            Method::GET,
            "/api/v1/units/{unit}/twoway/{round}",
            Signed(TwowayView),
            api::get_round,
        ),
        r(
            Method::GET,
            "/units/{unit}/twoway/{round}/mine",
            Signed(TwowayChoose),
            staff::mine,
        ),
        r(
            Method::POST,
            "/units/{unit}/twoway/{round}/mine",
            Signed(TwowayChoose),
            staff::choose,
        ),
        r(
            Method::GET,
            "/units/{unit}/twoway/{round}/rank",
            Signed(TwowayRank),
            staff::rank,
        ),
        r(
            Method::POST,
            "/units/{unit}/twoway/{round}/rank",
            Signed(TwowayRank),
            staff::save_rank,
        ),
        r(
            Method::POST,
            "/units/{unit}/twoway/{round}/open",
            Signed(TwowayManage),
            office::open,
        ),
        r(
            Method::GET,
            "/units/{unit}/twoway/{round}/prefs/template",
            Signed(TwowayManage),
            office::template,
        ),
        r(
            Method::POST,
            "/units/{unit}/twoway/{round}/prefs/import",
            Signed(TwowayManage),
            office::import,
        ),
        r(
            Method::POST,
            "/units/{unit}/twoway/{round}/remind",
            Signed(TwowayManage),
            office::remind,
        ),
        r(
            Method::POST,
            "/units/{unit}/twoway/{round}/adjust",
            Signed(TwowayManage),
            office::adjust,
        ),
        r(
            Method::POST,
            "/units/{unit}/twoway/{round}/routes",
            Signed(TwowayManage),
            office::routes,
        ),
        r(
            Method::POST,
            "/units/{unit}/twoway/{round}/submit",
            Signed(TwowayManage),
            office::submit,
        ),
        r(
            Method::POST,
            "/units/{unit}/twoway/{round}/downsizing",
            Signed(TwowayManage),
            office::downsizing,
        ),
        r(
            Method::GET,
            "/units/{unit}/twoway/{round}/notices",
            Signed(TwowayManage),
            office::notices,
        ),
        r(
            Method::GET,
            "/units/{unit}/twoway/{round}/result.xlsx",
            Signed(TwowayView),
            office::export,
        ),
        r(
            Method::GET,
            "/units/{unit}/twoway/new",
            Signed(TwowayManage),
            form::new_round,
        ),
        r(
            Method::POST,
            "/units/{unit}/twoway",
            Signed(TwowayManage),
            form::create,
        ),
        r(
            Method::GET,
            "/units/{unit}/twoway/{round}/edit",
            Signed(TwowayManage),
            form::edit_round,
        ),
        r(
            Method::POST,
            "/units/{unit}/twoway/{round}/edit",
            Signed(TwowayManage),
            form::update,
        ),
    ]
    .into_iter()
    .chain(api::write_routes())
    .collect()
}
