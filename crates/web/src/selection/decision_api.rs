//! JSON API of the end of competitive selection: decisions per campaign, the committee
//! meeting from the proposed candidates, publicity, objections, appointment, re-run and
//! the unit's terms. Errors are the usual `{code, message, errors: [{field, code,
//! message}]}`.

use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use jiguan_app::selection::appointment::{AppointForm, ObjectionForm, ResolveForm, TermRow};
use jiguan_app::selection::decision::{DecisionMeetingForm, DecisionsView, Proposal};

use crate::AppState;
use crate::error::WebResult;
use crate::extract::{Created, InUnit, Json};
use crate::guard::Ctx;

use super::api::EmptyBody;
use super::api::IdDto;
use super::campaign::InCampaign;
use super::decision::{InCandidate, InObjection};

type ApiErr = crate::error::ApiError;

/// One proposal: the offered post (`<body id>:<chief|deputy>`) and the person.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct ProposalBody {
    pub post: String,
    pub person_id: i64,
}

/// The committee meeting to create from the proposed candidates.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct DecisionMeetingBody {
    pub title: String,
    /// YYYY-MM-DD.
    pub held_on: String,
    pub proposals: Vec<ProposalBody>,
}

/// The first day of the publicity (YYYY-MM-DD).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct PublicityBody {
    pub publicity_start: String,
}

/// The period computed with the working-day calendar.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicityDto {
    pub days: Vec<String>,
    pub last: String,
    pub earliest_appointment: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OkDto {
    pub ok: bool,
}

/// The campaign's posts (pool of candidates, elected, vacant) and every candidate with
/// the meeting, the decision from the tally, publicity, objections and appointment.
#[utoipa::path(get, path = "/api/v1/units/{unit}/selection/campaigns/{campaign}/decisions", tag = "selection",
    params(("unit" = i64, Path), ("campaign" = i64, Path)),
    responses((status = 200, body = Object), (status = 404, body = ApiErr)))]
pub async fn get(State(st): State<AppState>, c: InCampaign) -> WebResult<Json<DecisionsView>> {
    Ok(Json(st.app.dec_view(&c.ctx.actor, c.u.id, c.id).await?))
}

/// Creates the committee meeting whose items are the proposed candidates.
#[utoipa::path(post, path = "/api/v1/units/{unit}/selection/campaigns/{campaign}/decisions/meeting", tag = "selection",
    params(("unit" = i64, Path), ("campaign" = i64, Path)), request_body = DecisionMeetingBody,
    responses((status = 201, body = IdDto), (status = 422, body = ApiErr)))]
pub async fn create_meeting(
    State(st): State<AppState>,
    c: InCampaign,
    Json(b): Json<DecisionMeetingBody>,
) -> WebResult<Created<IdDto>> {
    let f = DecisionMeetingForm {
        title: b.title,
        held_on: b.held_on,
        proposals: b
            .proposals
            .into_iter()
            .map(|p| Proposal {
                post: p.post,
                person_id: p.person_id.to_string(),
            })
            .collect(),
    };
    let id = st
        .app
        .dec_create_meeting(&c.ctx.actor, c.u.id, c.id, &f)
        .await?;
    Ok(Created(IdDto { id: id.0 }))
}

/// Starts the publicity (任前公示) of every elected candidate not yet publicised.
#[utoipa::path(post, path = "/api/v1/units/{unit}/selection/campaigns/{campaign}/decisions/publicity", tag = "selection",
    params(("unit" = i64, Path), ("campaign" = i64, Path)), request_body = PublicityBody,
    responses((status = 200, body = PublicityDto), (status = 422, body = ApiErr)))]
pub async fn publicity(
    State(st): State<AppState>,
    c: InCampaign,
    Json(b): Json<PublicityBody>,
) -> WebResult<Json<PublicityDto>> {
    let p = st
        .app
        .dec_start_publicity(&c.ctx.actor, c.u.id, c.id, &b.publicity_start)
        .await?;
    Ok(Json(PublicityDto {
        days: p.days.iter().map(|d| d.to_string()).collect(),
        last: p.last.to_string(),
        earliest_appointment: p.earliest_appointment.to_string(),
    }))
}

/// Records an objection to a publicised candidate.
#[utoipa::path(post, path = "/api/v1/units/{unit}/selection/campaigns/{campaign}/decisions/{candidate}/objections", tag = "selection",
    params(("unit" = i64, Path), ("campaign" = i64, Path), ("candidate" = i64, Path)), request_body = ObjectionForm,
    responses((status = 201, body = IdDto), (status = 422, body = ApiErr)))]
pub async fn object(
    State(st): State<AppState>,
    x: InCandidate,
    Json(f): Json<ObjectionForm>,
) -> WebResult<Created<IdDto>> {
    let id = st
        .app
        .dec_add_objection(&x.c.ctx.actor, x.c.u.id, x.c.id, x.id, &f)
        .await?;
    Ok(Created(IdDto { id }))
}

/// Resolves an objection with its outcome.
#[utoipa::path(post, path = "/api/v1/units/{unit}/selection/campaigns/{campaign}/objections/{objection}/resolve", tag = "selection",
    params(("unit" = i64, Path), ("campaign" = i64, Path), ("objection" = i64, Path)), request_body = ResolveForm,
    responses((status = 200, body = OkDto), (status = 422, body = ApiErr)))]
pub async fn resolve(
    State(st): State<AppState>,
    x: InObjection,
    Json(f): Json<ResolveForm>,
) -> WebResult<Json<OkDto>> {
    st.app
        .dec_resolve_objection(&x.c.ctx.actor, x.c.u.id, x.c.id, x.id, &f)
        .await?;
    Ok(Json(OkDto { ok: true }))
}

/// Appoints an elected candidate after the publicity: the post assignment, the person's
/// history, probation and term ends. Returns the new assignment's id.
#[utoipa::path(post, path = "/api/v1/units/{unit}/selection/campaigns/{campaign}/decisions/{candidate}/appoint", tag = "selection",
    params(("unit" = i64, Path), ("campaign" = i64, Path), ("candidate" = i64, Path)), request_body = AppointForm,
    responses((status = 201, body = IdDto), (status = 422, body = ApiErr)))]
pub async fn appoint(
    State(st): State<AppState>,
    x: InCandidate,
    Json(f): Json<AppointForm>,
) -> WebResult<Created<IdDto>> {
    let id = st
        .app
        .dec_appoint(&x.c.ctx.actor, x.c.u.id, x.c.id, x.id, &f)
        .await?;
    Ok(Created(IdDto { id: id.0 }))
}

/// A new campaign draft offering exactly the seats left vacant.
#[utoipa::path(post, path = "/api/v1/units/{unit}/selection/campaigns/{campaign}/rerun", tag = "selection",
    params(("unit" = i64, Path), ("campaign" = i64, Path)), request_body = EmptyBody,
    responses((status = 201, body = IdDto), (status = 422, body = ApiErr)))]
pub async fn rerun(
    State(st): State<AppState>,
    c: InCampaign,
    Json(_): Json<EmptyBody>,
) -> WebResult<Created<IdDto>> {
    let id = st.app.dec_rerun(&c.ctx.actor, c.u.id, c.id).await?;
    Ok(Created(IdDto { id: id.0 }))
}

/// The unit's appointed middle managers with probation and term ends (flags: within 90
/// days).
#[utoipa::path(get, path = "/api/v1/units/{unit}/selection/terms", tag = "selection",
    params(("unit" = i64, Path)),
    responses((status = 200, body = [Object]), (status = 404, body = ApiErr)))]
pub async fn terms(
    State(st): State<AppState>,
    ctx: Ctx,
    InUnit(u): InUnit,
) -> WebResult<Json<Vec<TermRow>>> {
    Ok(Json(st.app.dec_terms(&ctx.actor, u.id).await?))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(get, create_meeting, publicity, object, resolve, appoint, rerun, terms))]
pub struct Doc;
