//! Competitive selection (竞争上岗), so far the committee decision by secret ballot
//! (党委会 无记名投票): meetings, roll call, tokens (slip sheet), the phone ballot, close,
//! tally sheet and recount — pages (`pages.rs`) and JSON API (`api.rs`).
//!
//! Nothing about the marks is shown before the vote is closed, on any page or endpoint:
//! only "k of n tokens used". The cast handlers log nothing; the token travels in the
//! request body, never in a URL.

pub mod api;
pub mod pages;

pub mod campaign;
pub mod campaign_api;
pub mod campaign_apply;

pub mod decision;
pub mod decision_api;
pub mod extra;
pub mod officials;
pub mod scores;
pub mod scores_api;
pub mod scores_judge;

use axum::extract::FromRequestParts;
use axum::http::Method;
use axum::http::request::Parts;
use serde::Deserialize;
use utoipa::OpenApi;

use jiguan_app::ports::Unit;
use jiguan_domain::auth::Action;
use jiguan_domain::selection::MeetingId;

use crate::error::WebError;
use crate::extract::{InUnit, Path};
use crate::guard::{Access, Ctx};
use crate::module::{MenuEntry, WebModule};
use crate::routes::{RouteSpec, r};

pub const MODULE: WebModule = WebModule {
    id: "selection",
    menu: &[MenuEntry::unit(
        "menu.committee",
        "/selection/meetings",
        Action::SelectionView,
    )],
    locales: crate::locales!("selection"),
    routes,
    openapi: api::Doc::openapi,
};

/// What every route of one meeting extracts: the context, the unit the guard checked and
/// the meeting id (not a number: 400 naming `meeting`).
pub struct InMeeting {
    pub ctx: Ctx,
    pub u: Unit,
    pub id: MeetingId,
}

#[derive(Deserialize)]
struct MeetingParam {
    meeting: MeetingId,
}

impl<S: Send + Sync> FromRequestParts<S> for InMeeting {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let ctx = Ctx::from_request_parts(parts, state).await?;
        let InUnit(u) = InUnit::from_request_parts(parts, state).await?;
        let Path(MeetingParam { meeting }) = Path::from_request_parts(parts, state).await?;
        Ok(InMeeting {
            ctx,
            u,
            id: meeting,
        })
    }
}

fn routes() -> Vec<RouteSpec> {
    use Access::Signed;
    use Action::*;
    vec![
        r(
            Method::GET,
            "/units/{unit}/selection/meetings",
            Signed(SelectionView),
            pages::meetings,
        ),
        r(
            Method::POST,
            "/units/{unit}/selection/meetings",
            Signed(SelectionManage),
            pages::create,
        ),
        r(
            Method::GET,
            "/units/{unit}/selection/meetings/{meeting}",
            Signed(SelectionView),
            pages::show,
        ),
        r(
            Method::POST,
            "/units/{unit}/selection/meetings/{meeting}/items",
            Signed(SelectionManage),
            pages::add_item,
        ),
        r(
            Method::POST,
            "/units/{unit}/selection/meetings/{meeting}/roll-call",
            Signed(SelectionManage),
            pages::roll_call,
        ),
        r(
            Method::POST,
            "/units/{unit}/selection/meetings/{meeting}/tokens",
            Signed(SelectionManage),
            pages::tokens,
        ),
        r(
            Method::GET,
            "/units/{unit}/selection/meetings/{meeting}/vote",
            Signed(SelectionVote),
            pages::vote_form,
        ),
        r(
            Method::POST,
            "/units/{unit}/selection/meetings/{meeting}/vote",
            Signed(SelectionVote),
            pages::vote,
        ),
        r(
            Method::POST,
            "/units/{unit}/selection/meetings/{meeting}/close",
            Signed(SelectionManage),
            pages::close,
        ),
        r(
            Method::GET,
            "/units/{unit}/selection/meetings/{meeting}/tally",
            Signed(SelectionView),
            pages::tally,
        ),
        r(
            Method::GET,
            "/units/{unit}/selection/meetings/{meeting}/recount",
            Signed(SelectionView),
            pages::recount,
        ),
        r(
            Method::GET,
            "/api/v1/units/{unit}/selection/meetings",
            Signed(SelectionView),
            api::list,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/selection/meetings",
            Signed(SelectionManage),
            api::create,
        ),
        r(
            Method::GET,
            "/api/v1/units/{unit}/selection/meetings/{meeting}",
            Signed(SelectionView),
            api::get,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/selection/meetings/{meeting}/items",
            Signed(SelectionManage),
            api::add_item,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/selection/meetings/{meeting}/roll-call",
            Signed(SelectionManage),
            api::roll_call,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/selection/meetings/{meeting}/tokens",
            Signed(SelectionManage),
            api::tokens,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/selection/meetings/{meeting}/ballots",
            Signed(SelectionVote),
            api::cast,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/selection/meetings/{meeting}/close",
            Signed(SelectionManage),
            api::close,
        ),
        r(
            Method::GET,
            "/api/v1/units/{unit}/selection/meetings/{meeting}/recount",
            Signed(SelectionView),
            api::recount,
        ),
    ]
}

/// A competed post's label in the page's language: the app's "{body} {level}" (its
/// records keep the Chinese) with the level in the reader's language.
pub fn post_label(
    tr: crate::i18n::Tr,
    label: &str,
    level: jiguan_domain::posts::PostLevel,
) -> String {
    match label.strip_suffix(level.zh()) {
        Some(body) => format!("{body}{}", tr.t(&level.label_key())),
        None => label.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use jiguan_domain::posts::PostLevel;

    use crate::i18n::{Lang, Tr};

    #[test]
    fn a_post_label_takes_the_readers_language_for_its_level_only() {
        let label = "党政办公室 中层副职";
        let en = Tr::new(Lang::En);
        assert_eq!(
            super::post_label(en, label, PostLevel::Deputy),
            "党政办公室 Middle deputy"
        );
        assert_eq!(
            super::post_label(Tr::new(Lang::Zh), label, PostLevel::Deputy),
            label
        );
        // A label that does not end in the level is left as it is.
        assert_eq!(super::post_label(en, label, PostLevel::Chief), label);
    }
}
