//! `/api/v1/units/{unit}/selection/meetings…`: the committee ballot's JSON API. A meeting
//! answers `tally: null` until it is closed; while open only `tokens_used` of
//! `tokens_issued` is given.

use std::collections::BTreeMap;

use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use jiguan_app::AppError;
use jiguan_app::selection::{ItemForm, MeetingForm, MeetingView};
use jiguan_domain::tenancy::UserId;

use crate::AppState;
use crate::error::WebResult;
use crate::extract::{Created, InUnit, Json};
use crate::guard::Ctx;

use super::InMeeting;

type ApiErr = crate::error::ApiError;

/// A meeting (党委会) as listed.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeetingDto {
    pub id: i64,
    pub unit_id: i64,
    pub title: String,
    pub held_on: String,
    /// draft, open, closed.
    pub status: String,
    /// 应到会 N.
    pub members: i64,
    /// 实到会 (fixed when the tokens are issued).
    pub present: i64,
    pub tokens_issued: i64,
    /// The digest recorded at close ("" before).
    pub digest: String,
}

/// A meeting with its items, roll call, progress and — once closed — its tally.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeetingDetailDto {
    pub meeting: MeetingDto,
    #[schema(value_type = Vec<Object>)]
    pub items: serde_json::Value,
    #[schema(value_type = Vec<Object>)]
    pub attendance: serde_json::Value,
    pub tokens_used: i64,
    pub tokens_issued: i64,
    /// `null` until the vote is closed.
    #[schema(value_type = Object)]
    pub tally: serde_json::Value,
}

fn dto(m: &jiguan_app::selection::MeetingRecord) -> MeetingDto {
    MeetingDto {
        id: m.id.0,
        unit_id: m.unit_id.0,
        title: m.title.clone(),
        held_on: m.held_on.to_string(),
        status: m.status.code().into(),
        members: m.members,
        present: m.present,
        tokens_issued: m.tokens_issued,
        digest: m.digest.clone(),
    }
}

fn json_of<T: Serialize>(v: &T) -> WebResult<serde_json::Value> {
    Ok(serde_json::to_value(v).map_err(|e| AppError::Internal(e.to_string()))?)
}

fn detail(v: &MeetingView) -> WebResult<MeetingDetailDto> {
    Ok(MeetingDetailDto {
        meeting: dto(&v.meeting),
        items: json_of(&v.items)?,
        attendance: json_of(&v.attendance)?,
        tokens_used: v.used,
        tokens_issued: v.issued,
        tally: json_of(&v.tally)?,
    })
}

#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct ItemBody {
    pub text: String,
    /// A person of the unit (optional).
    pub person_id: Option<i64>,
    /// A post of the unit (optional).
    pub post_id: Option<i64>,
}

impl ItemBody {
    fn form(&self) -> ItemForm {
        ItemForm {
            text: self.text.clone(),
            person_id: self.person_id.map(|p| p.to_string()).unwrap_or_default(),
            post_id: self.post_id.map(|p| p.to_string()).unwrap_or_default(),
        }
    }
}

#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct MeetingBody {
    pub title: String,
    /// YYYY-MM-DD.
    pub held_on: String,
    pub items: Vec<ItemBody>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct RollCallBody {
    /// User ids of the members present.
    pub present: Vec<i64>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct BallotBody {
    /// The one-time token drawn.
    pub token: String,
    /// Item number → agree, disagree or defer (同意/不同意/缓议); an item left out is 弃权.
    pub marks: BTreeMap<String, String>,
}

/// A body with no field (`{}`): steps that take no input.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct EmptyBody {}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokensDto {
    /// The tokens, shown this once: print them as slips for the random draw.
    pub tokens: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IdDto {
    pub id: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OkDto {
    pub ok: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RecountDto {
    pub digest_matches: bool,
    pub counts_match: bool,
    #[schema(value_type = Object)]
    pub tally: serde_json::Value,
}

/// The meetings of a unit, newest first.
#[utoipa::path(get, path = "/api/v1/units/{unit}/selection/meetings", tag = "selection",
    params(("unit" = i64, Path)), responses((status = 200, body = [MeetingDto])))]
pub async fn list(
    State(st): State<AppState>,
    ctx: Ctx,
    InUnit(u): InUnit,
) -> WebResult<Json<Vec<MeetingDto>>> {
    Ok(Json(
        st.app
            .sel_meetings(&ctx.actor, u.id)
            .await?
            .iter()
            .map(dto)
            .collect(),
    ))
}

/// Creates a draft meeting with its items; the committee is the unit's committee-member accounts.
#[utoipa::path(post, path = "/api/v1/units/{unit}/selection/meetings", tag = "selection",
    params(("unit" = i64, Path)), request_body = MeetingBody,
    responses((status = 201, body = IdDto), (status = 422, body = ApiErr)))]
pub async fn create(
    State(st): State<AppState>,
    ctx: Ctx,
    InUnit(u): InUnit,
    Json(b): Json<MeetingBody>,
) -> WebResult<Created<IdDto>> {
    let f = MeetingForm {
        title: b.title,
        held_on: b.held_on,
        items: b.items.iter().map(ItemBody::form).collect(),
    };
    let id = st.app.sel_create_meeting(&ctx.actor, u.id, &f).await?;
    Ok(Created(IdDto { id: id.0 }))
}

/// A meeting: items, roll call, tokens used of issued, and the tally once closed.
#[utoipa::path(get, path = "/api/v1/units/{unit}/selection/meetings/{meeting}", tag = "selection",
    params(("unit" = i64, Path), ("meeting" = i64, Path)),
    responses((status = 200, body = MeetingDetailDto), (status = 404, body = ApiErr)))]
pub async fn get(State(st): State<AppState>, m: InMeeting) -> WebResult<Json<MeetingDetailDto>> {
    let v = st.app.sel_meeting(&m.ctx.actor, m.u.id, m.id).await?;
    Ok(Json(detail(&v)?))
}

/// Adds an item to a draft meeting.
#[utoipa::path(post, path = "/api/v1/units/{unit}/selection/meetings/{meeting}/items", tag = "selection",
    params(("unit" = i64, Path), ("meeting" = i64, Path)), request_body = ItemBody,
    responses((status = 201, body = IdDto), (status = 422, body = ApiErr)))]
pub async fn add_item(
    State(st): State<AppState>,
    m: InMeeting,
    Json(b): Json<ItemBody>,
) -> WebResult<Created<IdDto>> {
    let no = st
        .app
        .sel_add_item(&m.ctx.actor, m.u.id, m.id, &b.form())
        .await?;
    Ok(Created(IdDto { id: no }))
}

/// Records the roll call (draft meetings).
#[utoipa::path(post, path = "/api/v1/units/{unit}/selection/meetings/{meeting}/roll-call", tag = "selection",
    params(("unit" = i64, Path), ("meeting" = i64, Path)), request_body = RollCallBody,
    responses((status = 200, body = OkDto), (status = 422, body = ApiErr)))]
pub async fn roll_call(
    State(st): State<AppState>,
    m: InMeeting,
    Json(b): Json<RollCallBody>,
) -> WebResult<Json<OkDto>> {
    let present: Vec<UserId> = b.present.into_iter().map(UserId).collect();
    st.app
        .sel_roll_call(&m.ctx.actor, m.u.id, m.id, &present)
        .await?;
    Ok(Json(OkDto { ok: true }))
}

/// Checks quorum and issues one token per member present (answered this once).
#[utoipa::path(post, path = "/api/v1/units/{unit}/selection/meetings/{meeting}/tokens", tag = "selection",
    params(("unit" = i64, Path), ("meeting" = i64, Path)), request_body = EmptyBody,
    responses((status = 200, body = TokensDto), (status = 422, body = ApiErr)))]
pub async fn tokens(
    State(st): State<AppState>,
    m: InMeeting,
    Json(_): Json<EmptyBody>,
) -> WebResult<Json<TokensDto>> {
    let tokens = st.app.sel_issue_tokens(&m.ctx.actor, m.u.id, m.id).await?;
    Ok(Json(TokensDto { tokens }))
}

/// Casts one ballot with a token (committee members recorded present).
#[utoipa::path(post, path = "/api/v1/units/{unit}/selection/meetings/{meeting}/ballots", tag = "selection",
    params(("unit" = i64, Path), ("meeting" = i64, Path)), request_body = BallotBody,
    responses((status = 201, body = OkDto), (status = 422, body = ApiErr)))]
pub async fn cast(
    State(st): State<AppState>,
    m: InMeeting,
    Json(b): Json<BallotBody>,
) -> WebResult<Created<OkDto>> {
    st.app
        .sel_cast(&m.ctx.actor, m.u.id, m.id, &b.token, &b.marks)
        .await?;
    Ok(Created(OkDto { ok: true }))
}

/// Closes the vote and returns the tally with its digest.
#[utoipa::path(post, path = "/api/v1/units/{unit}/selection/meetings/{meeting}/close", tag = "selection",
    params(("unit" = i64, Path), ("meeting" = i64, Path)), request_body = EmptyBody,
    responses((status = 200, body = Object), (status = 422, body = ApiErr)))]
pub async fn close(
    State(st): State<AppState>,
    m: InMeeting,
    Json(_): Json<EmptyBody>,
) -> WebResult<Json<serde_json::Value>> {
    let t = st.app.sel_close(&m.ctx.actor, m.u.id, m.id).await?;
    Ok(Json(json_of(&t)?))
}

/// Recounts a closed vote from the stored ballots.
#[utoipa::path(get, path = "/api/v1/units/{unit}/selection/meetings/{meeting}/recount", tag = "selection",
    params(("unit" = i64, Path), ("meeting" = i64, Path)),
    responses((status = 200, body = RecountDto), (status = 422, body = ApiErr)))]
pub async fn recount(State(st): State<AppState>, m: InMeeting) -> WebResult<Json<RecountDto>> {
    let (_, r) = st.app.sel_recount(&m.ctx.actor, m.u.id, m.id).await?;
    Ok(Json(RecountDto {
        digest_matches: r.digest_matches,
        counts_match: r.counts_match,
        tally: json_of(&r.tally)?,
    }))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(list, create, get, add_item, roll_call, tokens, cast, close, recount))]
pub struct Doc;
