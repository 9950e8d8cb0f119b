//! `/api/v1/units/{unit}/posts…`, `/api/v1/units/{unit}/post-assignments…` and
//! `/api/v1/posts-district`: posts with need versus establishment, the post form,
//! assignments, coverage, balance with suggestions and their acceptance, the district
//! FTE and cost report. Decimal figures are strings with two places (FTE, hours) or four
//! (CV, Gini).

use axum::extract::State;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use jiguan_app::posts::{
    AssignForm, BalanceView, CoverageView, DistrictFte, EndForm, PostRow, PostsOverview,
};
use jiguan_domain::posts::workload::show;
use jiguan_domain::posts::{AssignmentId, PostForm, PostId};
use jiguan_domain::tenancy::UnitId;

use crate::AppState;
use crate::error::WebResult;
use crate::extract::{At, Created, Json, Path};
use crate::guard::Ctx;

fn d4(x: Decimal) -> String {
    format!("{:.4}", x.round_dp(4))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HolderDto {
    pub assignment_id: i64,
    pub person_id: i64,
    pub name: String,
    pub share_pct: i64,
    pub main: bool,
    pub overtime: bool,
    pub start_date: String,
    /// Hours of the post that fall to this holder.
    pub hours: String,
}

/// A function item carried by a post, with its yearly hours.
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemDto {
    pub function_id: i64,
    pub annual_hours: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PostDto {
    pub id: i64,
    pub body_id: i64,
    pub body_name: String,
    pub title: String,
    /// chief, deputy, general, service.
    pub level: String,
    /// administrative, institution, service, any.
    pub establishment: String,
    /// junior, secondary, college, bachelor, master, doctor; blank: none.
    pub min_education: String,
    pub min_service_years: i64,
    pub other_requirements: String,
    pub active: bool,
    pub functions: Vec<ItemDto>,
    pub hours: i64,
    pub fte: String,
    pub holders: Vec<HolderDto>,
}

impl From<&PostRow> for PostDto {
    fn from(r: &PostRow) -> Self {
        let p = &r.post;
        PostDto {
            id: p.id.0,
            body_id: p.body_id,
            body_name: r.body_name.clone(),
            title: p.title.clone(),
            level: p.level.code().into(),
            establishment: p.establishment.code().into(),
            min_education: p
                .min_education
                .map(|e| e.code().to_string())
                .unwrap_or_default(),
            min_service_years: p.min_service_years,
            other_requirements: p.other_requirements.clone(),
            active: p.active,
            functions: p
                .functions
                .iter()
                .map(|(f, h)| ItemDto {
                    function_id: *f,
                    annual_hours: *h,
                })
                .collect(),
            hours: r.hours,
            fte: show(r.fte),
            holders: r
                .holders
                .iter()
                .map(|h| HolderDto {
                    assignment_id: h.assignment.id.0,
                    person_id: h.assignment.person_id,
                    name: h.person_name.clone(),
                    share_pct: h.assignment.share_pct,
                    main: h.assignment.main,
                    overtime: h.assignment.overtime,
                    start_date: h.assignment.start_date.to_string(),
                    hours: show(h.hours),
                })
                .collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BodyNeedDto {
    pub body_id: i64,
    pub name: String,
    pub hours: i64,
    pub need_fte: String,
    pub establishment: Option<i64>,
    pub staff_fte: String,
    pub holders: i64,
    /// balanced, overstaffed (人浮于事), understaffed (有事无人干).
    pub staffing: String,
    pub posts: Vec<PostDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OverviewDto {
    pub unit_id: i64,
    pub standard_hours: i64,
    pub total_hours: i64,
    pub need_fte: String,
    pub staff_fte: String,
    pub establishment: i64,
    pub bodies: Vec<BodyNeedDto>,
}

impl From<PostsOverview> for OverviewDto {
    fn from(o: PostsOverview) -> Self {
        OverviewDto {
            unit_id: o.unit.id.0,
            standard_hours: o.params.standard,
            total_hours: o.total_hours,
            need_fte: show(o.total_need),
            staff_fte: show(o.total_staff),
            establishment: o.total_establishment,
            bodies: o
                .bodies
                .iter()
                .map(|b| BodyNeedDto {
                    body_id: b.body_id,
                    name: b.name.clone(),
                    hours: b.need.hours,
                    need_fte: show(b.need.need),
                    establishment: b.need.establishment,
                    staff_fte: show(b.need.staff),
                    holders: b.need.holders,
                    staffing: b.need.staffing.code().into(),
                    posts: b.posts.iter().map(PostDto::from).collect(),
                })
                .collect(),
        }
    }
}

#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct AcceptBody {
    /// Proposal keys from the balance, separated by `;`, applied in order.
    pub keys: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IdDto {
    pub id: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CountDto {
    pub applied: usize,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IdlePersonDto {
    pub id: i64,
    pub name: String,
    pub identity: String,
    pub establishment: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CoverageDto {
    pub vacant_posts: Vec<PostDto>,
    pub idle_people: Vec<IdlePersonDto>,
}

impl From<CoverageView> for CoverageDto {
    fn from(c: CoverageView) -> Self {
        CoverageDto {
            vacant_posts: c.vacant.iter().map(PostDto::from).collect(),
            idle_people: c
                .idle
                .iter()
                .map(|p| IdlePersonDto {
                    id: p.id,
                    name: p.name.clone(),
                    identity: p.identity.code().into(),
                    establishment: p.establishment.code().into(),
                })
                .collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FiguresDto {
    pub n: i64,
    pub mean: String,
    pub variance: String,
    pub cv: Option<String>,
    pub gini: String,
    pub max: String,
    pub min: String,
    /// None when the minimum is 0.
    pub max_min: Option<String>,
}

fn figures(f: &jiguan_domain::posts::balance::Figures) -> FiguresDto {
    FiguresDto {
        n: f.n,
        mean: show(f.mean),
        variance: d4(f.variance),
        cv: f.cv.map(d4),
        gini: d4(f.gini),
        max: show(f.max),
        min: show(f.min),
        max_min: f.max_min.map(show),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LoadDto {
    pub person_id: i64,
    pub name: String,
    pub hours: String,
    pub fte: String,
    pub posts: i64,
    pub share_pct: i64,
    /// over, under, normal.
    pub class: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BinDto {
    pub from: String,
    pub to: Option<String>,
    pub count: i64,
    pub class: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProposalDto {
    /// Pass to the accept endpoint.
    pub key: String,
    /// share, move.
    pub kind: String,
    pub post_id: i64,
    pub from_person: i64,
    pub to_person: i64,
    pub moved_share: i64,
    pub hours: String,
    pub reason_zh: String,
    pub reason_en: String,
    pub before: FiguresDto,
    pub after: FiguresDto,
    pub from_fte_before: String,
    pub from_fte_after: String,
    pub to_fte_before: String,
    pub to_fte_after: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BalanceDto {
    pub figures: FiguresDto,
    pub loads: Vec<LoadDto>,
    pub bins: Vec<BinDto>,
    pub proposals: Vec<ProposalDto>,
    /// Every proposal's key, to accept them all.
    pub all_keys: String,
}

impl From<BalanceView> for BalanceDto {
    fn from(b: BalanceView) -> Self {
        BalanceDto {
            figures: figures(&b.balance.figures),
            loads: b
                .rows
                .iter()
                .map(|r| LoadDto {
                    person_id: r.load.person_id,
                    name: r.name.clone(),
                    hours: show(r.load.hours),
                    fte: show(r.load.fte),
                    posts: r.load.posts,
                    share_pct: r.load.share,
                    class: r.class.into(),
                })
                .collect(),
            bins: b
                .balance
                .bins
                .iter()
                .map(|x| BinDto {
                    from: x.from.to_string(),
                    to: x.to.map(|t| t.to_string()),
                    count: x.count,
                    class: x.class.into(),
                })
                .collect(),
            proposals: b
                .proposals
                .iter()
                .zip(&b.keys)
                .map(|(p, k)| ProposalDto {
                    key: k.clone(),
                    kind: p.kind.code().into(),
                    post_id: p.post_id,
                    from_person: p.from_person,
                    to_person: p.to_person,
                    moved_share: p.moved_share,
                    hours: show(p.hours),
                    reason_zh: p.reason_zh.clone(),
                    reason_en: p.reason_en.clone(),
                    before: figures(&p.before.figures),
                    after: figures(&p.after.figures),
                    from_fte_before: show(p.before.from_fte),
                    from_fte_after: show(p.after.from_fte),
                    to_fte_before: show(p.before.to_fte),
                    to_fte_after: show(p.after.to_fte),
                })
                .collect(),
            all_keys: b.all_keys,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UnitFteDto {
    pub unit_id: i64,
    pub unit_name: String,
    pub posts: i64,
    pub hours: i64,
    pub need_fte: String,
    pub establishment: i64,
    pub staff: i64,
    pub assigned_fte: String,
    /// Annual personnel cost, yuan with two decimals.
    pub cost: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DistrictDto {
    pub standard_hours: i64,
    pub units: Vec<UnitFteDto>,
    pub total: UnitFteDto,
}

impl From<DistrictFte> for DistrictDto {
    fn from(r: DistrictFte) -> Self {
        let line = |l: &jiguan_app::posts::UnitFteLine| UnitFteDto {
            unit_id: l.unit.id.0,
            unit_name: l.unit.name.clone(),
            posts: l.posts,
            hours: l.hours,
            need_fte: show(l.need),
            establishment: l.establishment,
            staff: l.staff,
            assigned_fte: show(l.assigned),
            cost: l.cost.to_string(),
        };
        DistrictDto {
            standard_hours: r.standard,
            units: r.lines.iter().map(line).collect(),
            total: line(&r.total),
        }
    }
}

/// Posts by body with need versus establishment and staff (因岗定编).
#[utoipa::path(get, path = "/api/v1/units/{unit}/posts", tag = "posts",
    params(("unit" = i64, Path, description = "Unit id")),
    responses((status = 200, body = OverviewDto), (status = 404, body = crate::error::ApiError)),
    security(("token" = []), ("session" = [])))]
pub async fn list_posts(At(st, ctx, u): At) -> WebResult<Json<OverviewDto>> {
    Ok(Json(st.app.posts_overview(&ctx.actor, u.id).await?.into()))
}

/// Creates a post with its function items and hours (因事定岗).
#[utoipa::path(post, path = "/api/v1/units/{unit}/posts", tag = "posts",
    params(("unit" = i64, Path, description = "Unit id")), request_body = PostForm,
    responses((status = 201, body = IdDto), (status = 422, body = crate::error::ApiError)),
    security(("token" = []), ("session" = [])))]
pub async fn create_post(At(st, ctx, u): At, Json(b): Json<PostForm>) -> WebResult<Created<IdDto>> {
    let id = st.app.create_post(&ctx.actor, u.id, &b).await?;
    Ok(Created(IdDto { id: id.0 }))
}

/// One post with its holders.
#[utoipa::path(get, path = "/api/v1/units/{unit}/posts/{post}", tag = "posts",
    params(("unit" = i64, Path, description = "Unit id"), ("post" = i64, Path, description = "Post id")),
    responses((status = 200, body = PostDto), (status = 404, body = crate::error::ApiError)),
    security(("token" = []), ("session" = [])))]
pub async fn get_post(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((unit, id)): Path<(UnitId, PostId)>,
) -> WebResult<Json<PostDto>> {
    let p = st.app.post_page(&ctx.actor, unit, id).await?;
    Ok(Json(PostDto::from(&p.row)))
}

/// Replaces a post's definition and items.
#[utoipa::path(put, path = "/api/v1/units/{unit}/posts/{post}", tag = "posts",
    params(("unit" = i64, Path, description = "Unit id"), ("post" = i64, Path, description = "Post id")),
    request_body = PostForm,
    responses((status = 200, body = IdDto), (status = 422, body = crate::error::ApiError)),
    security(("token" = []), ("session" = [])))]
pub async fn update_post(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((unit, id)): Path<(UnitId, PostId)>,
    Json(b): Json<PostForm>,
) -> WebResult<Json<IdDto>> {
    st.app.update_post(&ctx.actor, unit, id, &b).await?;
    Ok(Json(IdDto { id: id.0 }))
}

/// Assigns a person to a post (因编定人); every rule broken is listed.
#[utoipa::path(post, path = "/api/v1/units/{unit}/post-assignments", tag = "posts",
    params(("unit" = i64, Path, description = "Unit id")), request_body = AssignForm,
    responses((status = 201, body = IdDto), (status = 422, body = crate::error::ApiError)),
    security(("token" = []), ("session" = [])))]
pub async fn assign(At(st, ctx, u): At, Json(f): Json<AssignForm>) -> WebResult<Created<IdDto>> {
    let id = st.app.assign_post(&ctx.actor, u.id, &f).await?;
    Ok(Created(IdDto { id: id.0 }))
}

/// Ends an open assignment.
#[utoipa::path(post, path = "/api/v1/units/{unit}/post-assignments/{assignment}/end", tag = "posts",
    params(("unit" = i64, Path, description = "Unit id"), ("assignment" = i64, Path, description = "Assignment id")),
    request_body = EndForm,
    responses((status = 200, body = IdDto), (status = 404, body = crate::error::ApiError)),
    security(("token" = []), ("session" = [])))]
pub async fn end_assignment(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((unit, id)): Path<(UnitId, AssignmentId)>,
    Json(f): Json<EndForm>,
) -> WebResult<Json<IdDto>> {
    st.app.end_assignment(&ctx.actor, unit, id, &f).await?;
    Ok(Json(IdDto { id: id.0 }))
}

/// Coverage: posts without a holder, people on post without a post.
#[utoipa::path(get, path = "/api/v1/units/{unit}/posts-coverage", tag = "posts",
    params(("unit" = i64, Path, description = "Unit id")),
    responses((status = 200, body = CoverageDto), (status = 404, body = crate::error::ApiError)),
    security(("token" = []), ("session" = [])))]
pub async fn coverage(At(st, ctx, u): At) -> WebResult<Json<CoverageDto>> {
    Ok(Json(st.app.posts_coverage(&ctx.actor, u.id).await?.into()))
}

/// Workload balance: loads, spread figures, histogram bins and suggestions.
#[utoipa::path(get, path = "/api/v1/units/{unit}/posts-balance", tag = "posts",
    params(("unit" = i64, Path, description = "Unit id")),
    responses((status = 200, body = BalanceDto), (status = 404, body = crate::error::ApiError)),
    security(("token" = []), ("session" = [])))]
pub async fn balance(At(st, ctx, u): At) -> WebResult<Json<BalanceDto>> {
    Ok(Json(st.app.posts_balance(&ctx.actor, u.id).await?.into()))
}

/// Accepts suggestions by key, in order, re-validated against the current data.
#[utoipa::path(post, path = "/api/v1/units/{unit}/posts-balance/accept", tag = "posts",
    params(("unit" = i64, Path, description = "Unit id")), request_body = AcceptBody,
    responses((status = 200, body = CountDto), (status = 422, body = crate::error::ApiError)),
    security(("token" = []), ("session" = [])))]
pub async fn accept(At(st, ctx, u): At, Json(b): Json<AcceptBody>) -> WebResult<Json<CountDto>> {
    let applied = st.app.accept_proposals(&ctx.actor, u.id, &b.keys).await?;
    Ok(Json(CountDto { applied }))
}

/// The district FTE and cost report.
#[utoipa::path(get, path = "/api/v1/posts-district", tag = "posts",
    responses((status = 200, body = DistrictDto)),
    security(("token" = []), ("session" = [])))]
pub async fn district(State(st): State<AppState>, ctx: Ctx) -> WebResult<Json<DistrictDto>> {
    Ok(Json(st.app.posts_district(&ctx.actor).await?.into()))
}

/// This module's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    list_posts,
    create_post,
    get_post,
    update_post,
    assign,
    end_assignment,
    coverage,
    balance,
    accept,
    district
))]
pub struct Doc;
