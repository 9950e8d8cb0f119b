//! `/api/v1/units/{unit}/twoway…`: two-way selection rounds as JSON — read a round (its
//! posts, people, choices, rankings, result with explanations, rates and figures by body),
//! list a unit's rounds, and the write side: create, update a draft, open, choices (JSON
//! rows or an xlsx/csv file), rankings, match, 调剂, routes, submit, approve/reject, apply,
//! remind.

use axum::extract::{Request, State};
use axum::http::Method;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use jiguan_app::AppError;
use jiguan_app::twoway::{PrefRow, Remind, RoundRecord};
use jiguan_app::workflow::SimpleStep;
use jiguan_domain::auth::Action;
use jiguan_domain::twoway::{Offer, RoundForm};

use crate::AppState;
use crate::error::WebResult;
use crate::extract::{At, Created, Json, Path};
use crate::guard::Access;
use crate::routes::{RouteSpec, r};

use super::InRound;

type ApiErr = crate::error::ApiError;

fn json_of<T: Serialize>(v: &T) -> WebResult<serde_json::Value> {
    Ok(serde_json::to_value(v).map_err(|e| AppError::Internal(e.to_string()))?)
}

/// A round with everything its pages show.
#[utoipa::path(get, path = "/api/v1/units/{unit}/twoway/{round}", tag = "twoway", params(("unit" = i64, Path, description = "unit id"), ("round" = i64, Path, description = "round id")), responses((status = 200, body = Object), (status = 404, body = ApiErr)))]
pub async fn get_round(
    State(st): State<AppState>,
    InRound { ctx, u, round }: InRound,
) -> WebResult<Json<serde_json::Value>> {
    let v = st.app.tw_view(&ctx.actor, u.id, round).await?;
    Ok(Json(json_of(&v)?))
}

/// A round in a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct TwRoundDto {
    pub id: i64,
    pub title: String,
    /// draft, open, submitted, approved, rejected, applied.
    pub status: String,
    /// deferred_acceptance or rounds.
    pub mode: String,
    pub choose_by: String,
    pub rank_by: String,
    pub max_choices: u32,
    pub posts: usize,
    pub matched: bool,
    pub doc_no: String,
}

impl TwRoundDto {
    fn of(r: &RoundRecord) -> Self {
        TwRoundDto {
            id: r.id.0,
            title: r.title.clone(),
            status: r.status.code().into(),
            mode: r.mode.code().into(),
            choose_by: r.choose_by.to_string(),
            rank_by: r.rank_by.to_string(),
            max_choices: r.max_choices,
            posts: r.offers.len(),
            matched: !r.result_json.is_empty(),
            doc_no: r.doc_no.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TwIdDto {
    pub id: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TwCountDto {
    /// People whose choices were saved, or people/posts still waiting (remind).
    pub count: usize,
}

/// The rounds of a unit, newest first.
#[utoipa::path(get, path = "/api/v1/units/{unit}/twoway", tag = "twoway", params(("unit" = i64, Path, description = "unit id")), responses((status = 200, body = Vec<TwRoundDto>), (status = 404, body = ApiErr)))]
pub async fn list_rounds(At(st, ctx, u): At) -> WebResult<Json<Vec<TwRoundDto>>> {
    let rs = st.app.tw_rounds(&ctx.actor, u.id).await?;
    Ok(Json(rs.iter().map(TwRoundDto::of).collect()))
}

#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct TwOfferBody {
    pub post_id: i64,
    pub seats: i64,
}

#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct TwExclusionBody {
    pub person_id: i64,
    pub reason: String,
}

/// A round's definition.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct TwRoundBody {
    pub title: String,
    /// YYYY-MM-DD.
    pub choose_by: String,
    /// YYYY-MM-DD, not before `choose_by`.
    pub rank_by: String,
    /// 1–10; blank: 3.
    pub max_choices: String,
    /// `deferred_acceptance` (blank) or `rounds`.
    pub mode: String,
    /// The posts offered with their seats (general and service posts; seats within the
    /// workload and the body's establishment).
    pub offers: Vec<TwOfferBody>,
    /// People left out, with a reason.
    pub exclusions: Vec<TwExclusionBody>,
}

impl TwRoundBody {
    /// The form, the offers and the exclusions the use cases take.
    fn parts(self) -> (RoundForm, Vec<Offer>, Vec<(i64, String)>) {
        let form = RoundForm {
            title: self.title,
            choose_by: self.choose_by,
            rank_by: self.rank_by,
            max_choices: self.max_choices,
            mode: self.mode,
        };
        let offers = self
            .offers
            .iter()
            .map(|o| Offer {
                post_id: o.post_id,
                seats: o.seats,
            })
            .collect();
        let ex = self
            .exclusions
            .into_iter()
            .map(|e| (e.person_id, e.reason))
            .collect();
        (form, offers, ex)
    }
}

/// Creates a draft round (the unit's HR office).
#[utoipa::path(post, path = "/api/v1/units/{unit}/twoway", tag = "twoway", params(("unit" = i64, Path, description = "unit id")), request_body = TwRoundBody, responses((status = 201, body = TwIdDto), (status = 422, body = ApiErr)))]
pub async fn create_round(
    At(st, ctx, u): At,
    Json(b): Json<TwRoundBody>,
) -> WebResult<Created<TwIdDto>> {
    let (form, offers, ex) = b.parts();
    let id = st
        .app
        .tw_create_round(&ctx.actor, u.id, &form, &offers, &ex)
        .await?;
    Ok(Created(TwIdDto { id: id.0 }))
}

/// Replaces the definition of a round still in draft (the unit's HR office; the same
/// checks as creating). A round no longer in draft is refused with 422 on `status`
/// (`plan_status_invalid`, naming its status); nothing is changed.
#[utoipa::path(put, path = "/api/v1/units/{unit}/twoway/{round}", tag = "twoway", params(("unit" = i64, Path, description = "unit id"), ("round" = i64, Path, description = "round id")), request_body = TwRoundBody, responses((status = 200, body = TwIdDto), (status = 404, body = ApiErr), (status = 422, body = ApiErr)))]
pub async fn update_round(
    State(st): State<AppState>,
    InRound { ctx, u, round }: InRound,
    Json(b): Json<TwRoundBody>,
) -> WebResult<Json<TwIdDto>> {
    let (form, offers, ex) = b.parts();
    st.app
        .tw_update_round(&ctx.actor, u.id, round, &form, &offers, &ex)
        .await?;
    Ok(Json(TwIdDto { id: round.0 }))
}

/// Opens a draft round to staff and heads.
#[utoipa::path(post, path = "/api/v1/units/{unit}/twoway/{round}/open", tag = "twoway", params(("unit" = i64, Path, description = "unit id"), ("round" = i64, Path, description = "round id")), responses((status = 200, body = TwIdDto), (status = 422, body = ApiErr)))]
pub async fn open(
    State(st): State<AppState>,
    InRound { ctx, u, round }: InRound,
) -> WebResult<Json<TwIdDto>> {
    st.app.tw_open(&ctx.actor, u.id, round).await?;
    Ok(Json(TwIdDto { id: round.0 }))
}

/// One person's choices.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct TwPrefBody {
    /// The person's id.
    pub person: String,
    /// Post ids in order (第一志愿 first).
    pub prefs: Vec<String>,
    /// 服从调剂.
    pub accept_adjust: bool,
}

/// Enters choices for people of an open round (the office): every row checked
/// (`rows.N.person`, `rows.N.prefs.M` …), nothing written unless all are valid.
#[utoipa::path(post, path = "/api/v1/units/{unit}/twoway/{round}/prefs", tag = "twoway", params(("unit" = i64, Path, description = "unit id"), ("round" = i64, Path, description = "round id")), request_body = Vec<TwPrefBody>, responses((status = 200, body = TwCountDto), (status = 422, body = ApiErr)))]
pub async fn save_prefs(
    State(st): State<AppState>,
    InRound { ctx, u, round }: InRound,
    Json(rows): Json<Vec<TwPrefBody>>,
) -> WebResult<Json<TwCountDto>> {
    let rows: Vec<PrefRow> = rows
        .into_iter()
        .map(|r| PrefRow {
            person: r.person,
            prefs: r.prefs,
            accept_adjust: r.accept_adjust,
        })
        .collect();
    let count = st
        .app
        .tw_import_prefs(&ctx.actor, u.id, round, &rows)
        .await?;
    Ok(Json(TwCountDto { count }))
}

/// Imports choices from an xlsx or csv file (multipart field `file`, the template of
/// `…/prefs/template`): every error names the file's row and column (`errors[].field`
/// `rows.N.prefs.M`, the message 「第 5 行“志愿1”：…」), nothing written unless all rows
/// are valid.
#[utoipa::path(post, path = "/api/v1/units/{unit}/twoway/{round}/prefs/import", tag = "twoway", params(("unit" = i64, Path, description = "unit id"), ("round" = i64, Path, description = "round id")), request_body(content_type = "multipart/form-data", content = Object), responses((status = 200, body = TwCountDto), (status = 422, body = ApiErr)))]
pub async fn import_prefs(
    State(st): State<AppState>,
    InRound { ctx, u, round }: InRound,
    req: Request,
) -> WebResult<Json<TwCountDto>> {
    // A body that is not multipart carries no file: 422 on `file`, like a missing file.
    if !crate::calc::pages::content_type_is(&req, "multipart/form-data") {
        return Err(AppError::field("file", "required").into());
    }
    let bytes = super::office::upload(&st, req).await?;
    match super::office::import_file(&st, &ctx.actor, u.id, round, bytes).await? {
        Ok(count) => Ok(Json(TwCountDto { count })),
        Err(e) => Err(AppError::Invalid(super::office::relabel(ctx.tr, e)).into()),
    }
}

#[derive(Deserialize)]
pub struct PostParam {
    post: i64,
}

/// A post's ranking: `[[person, "1"], [person, "2"], [person, "x"]]` (position, or `x` for
/// 不接受; only the post's applicants).
#[utoipa::path(post, path = "/api/v1/units/{unit}/twoway/{round}/rankings/{post}", tag = "twoway", params(("unit" = i64, Path, description = "unit id"), ("round" = i64, Path, description = "round id"), ("post" = i64, Path, description = "post id")), request_body = Vec<Object>, responses((status = 200, body = TwIdDto), (status = 422, body = ApiErr)))]
pub async fn save_ranking(
    State(st): State<AppState>,
    InRound { ctx, u, round }: InRound,
    Path(PostParam { post }): Path<PostParam>,
    Json(order): Json<Vec<(i64, String)>>,
) -> WebResult<Json<TwIdDto>> {
    st.app
        .tw_save_ranking(&ctx.actor, u.id, round, post, &order)
        .await?;
    Ok(Json(TwIdDto { id: post }))
}

/// The same, entered by the HR office for any offered post.
#[utoipa::path(post, path = "/api/v1/units/{unit}/twoway/{round}/office/rankings/{post}", tag = "twoway", params(("unit" = i64, Path, description = "unit id"), ("round" = i64, Path, description = "round id"), ("post" = i64, Path, description = "post id")), request_body = Vec<Object>, responses((status = 200, body = TwIdDto), (status = 422, body = ApiErr)))]
pub async fn office_ranking(
    st: State<AppState>,
    p: InRound,
    post: Path<PostParam>,
    order: Json<Vec<(i64, String)>>,
) -> WebResult<Json<TwIdDto>> {
    save_ranking(st, p, post, order).await
}

/// Runs the match (the round's mechanism) and proposes the seats left to the 服从调剂
/// people; returns the result.
#[utoipa::path(post, path = "/api/v1/units/{unit}/twoway/{round}/match", tag = "twoway", params(("unit" = i64, Path, description = "unit id"), ("round" = i64, Path, description = "round id")), responses((status = 200, body = Object), (status = 422, body = ApiErr)))]
pub async fn run_match(
    State(st): State<AppState>,
    InRound { ctx, u, round }: InRound,
) -> WebResult<Json<serde_json::Value>> {
    let r = st.app.tw_match(&ctx.actor, u.id, round).await?;
    Ok(Json(json_of(&r)?))
}

#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct TwAdjustBody {
    /// People whose 调剂 proposal the office confirms.
    pub people: Vec<i64>,
}

/// Confirms 调剂 proposals.
#[utoipa::path(post, path = "/api/v1/units/{unit}/twoway/{round}/adjust", tag = "twoway", params(("unit" = i64, Path, description = "unit id"), ("round" = i64, Path, description = "round id")), request_body = TwAdjustBody, responses((status = 200, body = TwIdDto), (status = 422, body = ApiErr)))]
pub async fn adjust(
    State(st): State<AppState>,
    InRound { ctx, u, round }: InRound,
    Json(b): Json<TwAdjustBody>,
) -> WebResult<Json<TwIdDto>> {
    st.app
        .tw_confirm_adjust(&ctx.actor, u.id, round, &b.people)
        .await?;
    Ok(Json(TwIdDto { id: round.0 }))
}

#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct TwRouteBody {
    pub person: i64,
    /// next_round, training, redeploy or downsizing.
    pub route: String,
}

/// Sets the route of a person still unplaced.
#[utoipa::path(post, path = "/api/v1/units/{unit}/twoway/{round}/routes", tag = "twoway", params(("unit" = i64, Path, description = "unit id"), ("round" = i64, Path, description = "round id")), request_body = TwRouteBody, responses((status = 200, body = TwIdDto), (status = 422, body = ApiErr)))]
pub async fn set_route(
    State(st): State<AppState>,
    InRound { ctx, u, round }: InRound,
    Json(b): Json<TwRouteBody>,
) -> WebResult<Json<TwIdDto>> {
    st.app
        .tw_set_route(&ctx.actor, u.id, round, b.person, &b.route)
        .await?;
    Ok(Json(TwIdDto { id: round.0 }))
}

/// Submits a matched round for approval (every unplaced person needs a route).
#[utoipa::path(post, path = "/api/v1/units/{unit}/twoway/{round}/submit", tag = "twoway", params(("unit" = i64, Path, description = "unit id"), ("round" = i64, Path, description = "round id")), responses((status = 200, body = TwIdDto), (status = 422, body = ApiErr)))]
pub async fn submit(
    State(st): State<AppState>,
    InRound { ctx, u, round }: InRound,
) -> WebResult<Json<TwIdDto>> {
    st.app.tw_submit(&ctx.actor, u.id, round).await?;
    Ok(Json(TwIdDto { id: round.0 }))
}

#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct TwStepBody {
    /// The approval document number (approve).
    pub doc_no: String,
    /// The reason (reject).
    pub reason: String,
}

/// Approves a submitted round with its document number (the district or the unit's
/// committee).
#[utoipa::path(post, path = "/api/v1/units/{unit}/twoway/{round}/approve", tag = "twoway", params(("unit" = i64, Path, description = "unit id"), ("round" = i64, Path, description = "round id")), request_body = TwStepBody, responses((status = 200, body = TwIdDto), (status = 422, body = ApiErr)))]
pub async fn approve(
    State(st): State<AppState>,
    InRound { ctx, u, round }: InRound,
    Json(b): Json<TwStepBody>,
) -> WebResult<Json<TwIdDto>> {
    st.app
        .step_plan(&ctx.actor, u.id, round, SimpleStep::Approve(&b.doc_no))
        .await?;
    Ok(Json(TwIdDto { id: round.0 }))
}

/// Rejects a submitted round with a reason.
#[utoipa::path(post, path = "/api/v1/units/{unit}/twoway/{round}/reject", tag = "twoway", params(("unit" = i64, Path, description = "unit id"), ("round" = i64, Path, description = "round id")), request_body = TwStepBody, responses((status = 200, body = TwIdDto), (status = 422, body = ApiErr)))]
pub async fn reject(
    State(st): State<AppState>,
    InRound { ctx, u, round }: InRound,
    Json(b): Json<TwStepBody>,
) -> WebResult<Json<TwIdDto>> {
    st.app
        .step_plan(&ctx.actor, u.id, round, SimpleStep::Reject(&b.reason))
        .await?;
    Ok(Json(TwIdDto { id: round.0 }))
}

/// Applies an approved round in one transaction (post assignments, history, notices).
#[utoipa::path(post, path = "/api/v1/units/{unit}/twoway/{round}/apply", tag = "twoway", params(("unit" = i64, Path, description = "unit id"), ("round" = i64, Path, description = "round id")), responses((status = 200, body = TwIdDto), (status = 422, body = ApiErr)))]
pub async fn apply(
    State(st): State<AppState>,
    InRound { ctx, u, round }: InRound,
) -> WebResult<Json<TwIdDto>> {
    st.app.tw_apply(&ctx.actor, u.id, round).await?;
    Ok(Json(TwIdDto { id: round.0 }))
}

#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct TwRemindBody {
    /// `staff` (who have not chosen) or `heads` (who have not ranked).
    pub who: String,
}

/// Reminds the staff who have not chosen or the heads who have not ranked (an inbox
/// notice); returns how many are still waiting.
#[utoipa::path(post, path = "/api/v1/units/{unit}/twoway/{round}/remind", tag = "twoway", params(("unit" = i64, Path, description = "unit id"), ("round" = i64, Path, description = "round id")), request_body = TwRemindBody, responses((status = 200, body = TwCountDto), (status = 422, body = ApiErr)))]
pub async fn remind(
    State(st): State<AppState>,
    InRound { ctx, u, round }: InRound,
    Json(b): Json<TwRemindBody>,
) -> WebResult<Json<TwCountDto>> {
    let who = Remind::parse(&b.who)?;
    let count = st.app.tw_remind(&ctx.actor, u.id, round, who).await?;
    Ok(Json(TwCountDto { count }))
}

/// The API's write routes (and the list), each with its action.
pub fn write_routes() -> Vec<RouteSpec> {
    use Access::Signed;
    use Action::*;
    vec![
        r(
            Method::GET,
            "/api/v1/units/{unit}/twoway",
            Signed(TwowayView),
            list_rounds,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/twoway",
            Signed(TwowayManage),
            create_round,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/twoway/{round}/open",
            Signed(TwowayManage),
            open,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/twoway/{round}/prefs",
            Signed(TwowayManage),
            save_prefs,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/twoway/{round}/prefs/import",
            Signed(TwowayManage),
            import_prefs,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/twoway/{round}/rankings/{post}",
            Signed(TwowayRank),
            save_ranking,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/twoway/{round}/office/rankings/{post}",
            Signed(TwowayManage),
            office_ranking,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/twoway/{round}/match",
            Signed(TwowayManage),
            run_match,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/twoway/{round}/adjust",
            Signed(TwowayManage),
            adjust,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/twoway/{round}/routes",
            Signed(TwowayManage),
            set_route,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/twoway/{round}/submit",
            Signed(TwowayManage),
            submit,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/twoway/{round}/approve",
            Signed(TwowayApprove),
            approve,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/twoway/{round}/reject",
            Signed(TwowayApprove),
            reject,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/twoway/{round}/apply",
            Signed(TwowayManage),
            apply,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/twoway/{round}/remind",
            Signed(TwowayManage),
            remind,
        ),
        r(
            Method::PUT,
            "/api/v1/units/{unit}/twoway/{round}",
            Signed(TwowayManage),
            update_round,
        ),
    ]
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        get_round,
        list_rounds,
        create_round,
        open,
        save_prefs,
        import_prefs,
        save_ranking,
        office_ranking,
        run_match,
        adjust,
        set_route,
        submit,
        approve,
        reject,
        apply,
        remind,
        update_round
    ),
    components(schemas(
        TwRoundDto,
        TwIdDto,
        TwCountDto,
        TwRoundBody,
        TwOfferBody,
        TwExclusionBody,
        TwPrefBody,
        TwAdjustBody,
        TwRouteBody,
        TwStepBody,
        TwRemindBody
    ))
)]
pub struct Doc;
