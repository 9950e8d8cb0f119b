//! The officials of a campaign (`selection_officials` web module): the inspection team of
//! each shortlisted candidate (考察组成员) and the counters and scrutineers (计票人 / 监票人)
//! of the committee meetings created from the campaign, with their recusal (回避,
//! RULES-SELECTION-APPRAISAL §1.9.3–§1.9.5). A page reached from the campaign's stage tabs,
//! and the JSON API; the use cases are `jiguan_app::selection::officials`.

use askama::Template;
use axum::extract::{FromRequestParts, State};
use axum::http::Method;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

use jiguan_app::ports::Unit;
use jiguan_app::selection::officials::{OfficialForm, OfficialsView, ROLES, RecusalForm, SOURCES};
use jiguan_domain::FieldError;
use jiguan_domain::auth::Action;
use jiguan_domain::selection::CampaignId;
use jiguan_domain::selection::recusal::RecusalCategory;

use crate::AppState;
use crate::error::{FieldErrors, WebError, WebResult};
use crate::extract::{Created, FormPairs, InUnit, Json, Path, Query};
use crate::guard::{Access, Ctx};
use crate::html::{FormErrors, Layout, form_status};
use crate::module::WebModule;
use crate::routes::{RouteSpec, r};

use super::campaign::{InCampaign, OkQuery};
use super::scores::Stages;

type ApiErr = crate::error::ApiError;

pub const MODULE: WebModule = WebModule {
    id: "selection_officials",
    menu: &[],
    locales: crate::locales!("selection_officials"),
    routes,
    openapi: Doc::openapi,
};

/// One official of one campaign version (not a number: 400 naming `official`).
pub struct InOfficial {
    pub ctx: Ctx,
    pub u: Unit,
    pub id: CampaignId,
    pub official: i64,
}

#[derive(Deserialize)]
struct OfficialParam {
    campaign: CampaignId,
    official: i64,
}

impl<S: Send + Sync> FromRequestParts<S> for InOfficial {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let ctx = Ctx::from_request_parts(parts, state).await?;
        let InUnit(u) = InUnit::from_request_parts(parts, state).await?;
        let Path(OfficialParam { campaign, official }) =
            Path::from_request_parts(parts, state).await?;
        Ok(InOfficial {
            ctx,
            u,
            id: campaign,
            official,
        })
    }
}

fn routes() -> Vec<RouteSpec> {
    use Access::Signed;
    use Action::*;
    vec![
        r(
            Method::GET,
            "/units/{unit}/selection/campaigns/{campaign}/officials",
            Signed(SelectionView),
            page,
        ),
        r(
            Method::POST,
            "/units/{unit}/selection/campaigns/{campaign}/officials",
            Signed(SelectionManage),
            add,
        ),
        r(
            Method::POST,
            "/units/{unit}/selection/campaigns/{campaign}/officials/{official}/recusal",
            Signed(SelectionManage),
            recuse,
        ),
        r(
            Method::GET,
            "/api/v1/units/{unit}/selection/campaigns/{campaign}/officials",
            Signed(SelectionView),
            api_list,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/selection/campaigns/{campaign}/officials",
            Signed(SelectionManage),
            api_add,
        ),
        r(
            Method::POST,
            "/api/v1/units/{unit}/selection/campaigns/{campaign}/officials/{official}/recusal",
            Signed(SelectionManage),
            api_recuse,
        ),
    ]
}

// ---------------------------------------------------------------- the page

pub struct OfficialRow {
    pub id: i64,
    pub role: String,
    pub name: String,
    pub matter: String,
    pub candidates: String,
    pub recused: bool,
    /// "亲属关系（配偶）· 系统检出 · 理由 · 记录人".
    pub recusal: String,
}

#[derive(Template)]
#[template(path = "sel_officials.html")]
pub struct OfficialsPage {
    pub l: Layout,
    pub s: Stages,
    pub u: Unit,
    pub id: i64,
    pub can_manage: bool,
    pub published: bool,
    pub rows: Vec<OfficialRow>,
    /// (application id, "name（post）").
    pub inspectable: Vec<(i64, String)>,
    /// (meeting id, title).
    pub meetings: Vec<(i64, String)>,
    pub people: Vec<(i64, String)>,
    /// (code, label) of counter and scrutineer.
    pub vote_roles: Vec<(&'static str, String)>,
    pub categories: Vec<(&'static str, String)>,
    pub sources: Vec<(&'static str, String)>,
    pub f: OfficialForm,
    /// The official whose recusal form failed, with its errors.
    pub recusal_of: i64,
    pub errs: FormErrors,
}

fn officials_page(
    ctx: &Ctx,
    u: Unit,
    v: OfficialsView,
    f: OfficialForm,
    recusal_of: i64,
    errs: &[FieldError],
    ok: Option<&str>,
) -> WebResult {
    let tr = ctx.tr;
    let c = &v.campaign;
    let l = super::campaign::campaign_layout(ctx, &u, c, "off.title").flash(ok);
    let rows = v
        .officials
        .iter()
        .map(|o| {
            let x = &o.official;
            let recusal = x
                .recusal
                .as_ref()
                .map(|r| {
                    let mut cat = tr.t(&r.category.label_key()).to_string();
                    if !r.kinship.is_empty() {
                        cat = format!(
                            "{cat}（{}）",
                            tr.t(&format!("people.kinship.{}", r.kinship))
                        );
                    }
                    let mut parts = vec![cat, tr.t(&r.source.label_key()).to_string()];
                    if !r.reason.is_empty() {
                        parts.push(r.reason.clone());
                    }
                    parts.push(format!("{} {}", tr.t("off.decided_by"), r.by));
                    parts.join(" · ")
                })
                .unwrap_or_default();
            OfficialRow {
                id: x.id,
                role: tr.t(&x.role.label_key()).to_string(),
                name: o.name.clone(),
                matter: o.matter.clone(),
                candidates: o.candidates.join("、"),
                recused: x.recusal.is_some(),
                recusal,
            }
        })
        .collect();
    let page = OfficialsPage {
        s: Stages {
            base: format!("/units/{}/selection/campaigns/{}", u.id, c.id),
            here: "officials",
        },
        id: c.id.0,
        can_manage: ctx.actor.can(Action::SelectionManage),
        published: c.status == jiguan_domain::workflow::Status::Applied,
        rows,
        inspectable: v
            .inspectable
            .iter()
            .map(|x| {
                (
                    x.application_id.0,
                    format!(
                        "{}（{}）",
                        x.name,
                        super::post_label(ctx.tr, &x.post_label, x.post.level)
                    ),
                )
            })
            .collect(),
        meetings: v.meetings.iter().map(|m| (m.0.0, m.1.clone())).collect(),
        people: v.people.clone(),
        vote_roles: ROLES[1..]
            .iter()
            .map(|r| (r.code(), tr.t(&r.label_key()).to_string()))
            .collect(),
        categories: RecusalCategory::ALL
            .iter()
            .map(|x| (x.code(), tr.t(&x.label_key()).to_string()))
            .collect(),
        sources: SOURCES
            .iter()
            .map(|x| (x.code(), tr.t(&x.label_key()).to_string()))
            .collect(),
        f,
        recusal_of,
        errs: FormErrors::new(tr, errs),
        l,
        u,
    };
    Ok(form_status(&page.errs, &page))
}

pub async fn page(
    State(st): State<AppState>,
    c: InCampaign,
    Query(q): Query<OkQuery>,
) -> WebResult {
    let v = st.app.sel_officials(&c.ctx.actor, c.u.id, c.id).await?;
    officials_page(
        &c.ctx,
        c.u,
        v,
        OfficialForm::default(),
        0,
        &[],
        q.ok.as_deref(),
    )
}

fn form_of(f: &FormPairs) -> OfficialForm {
    OfficialForm {
        role: f.get("role").into(),
        person_id: f.get("person_id").into(),
        application_id: f.get("application_id").into(),
        meeting_id: f.get("meeting_id").into(),
    }
}

pub async fn add(State(st): State<AppState>, c: InCampaign, f: FormPairs) -> WebResult {
    let form = form_of(&f);
    match st
        .app
        .sel_official_add(&c.ctx.actor, c.u.id, c.id, &form)
        .await
        .fields()?
    {
        Ok((_, detected)) => Ok(Redirect::to(&format!(
            "/units/{}/selection/campaigns/{}/officials?ok={}",
            c.u.id,
            c.id,
            if detected.is_some() {
                "official_recused"
            } else {
                "official_added"
            }
        ))
        .into_response()),
        Err(errs) => {
            let v = st.app.sel_officials(&c.ctx.actor, c.u.id, c.id).await?;
            officials_page(&c.ctx, c.u, v, form, 0, &errs, None)
        }
    }
}

pub async fn recuse(State(st): State<AppState>, o: InOfficial, f: FormPairs) -> WebResult {
    let form = RecusalForm {
        recusal_category: f.get("recusal_category").into(),
        recusal_source: f.get("recusal_source").into(),
        reason: f.get("reason").into(),
    };
    match st
        .app
        .sel_official_recuse(&o.ctx.actor, o.u.id, o.id, o.official, &form)
        .await
        .fields()?
    {
        Ok(_) => Ok(Redirect::to(&format!(
            "/units/{}/selection/campaigns/{}/officials?ok=official_recusal_recorded",
            o.u.id, o.id
        ))
        .into_response()),
        Err(errs) => {
            let v = st.app.sel_officials(&o.ctx.actor, o.u.id, o.id).await?;
            officials_page(
                &o.ctx,
                o.u,
                v,
                OfficialForm::default(),
                o.official,
                &errs,
                None,
            )
        }
    }
}

// ---------------------------------------------------------------- API

/// A recusal (回避) of an official.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecusalDto {
    /// `own`, `kin` or `other`.
    pub category: String,
    /// The kinship category (§1.9.1) when the record shows one.
    pub kinship: String,
    /// `detected`, `declared`, `requested` or `decided`.
    pub source: String,
    pub reason: String,
    /// Who decided (recorded) it.
    pub decided_by: String,
}

/// An official of a campaign.
#[derive(Debug, Serialize, ToSchema)]
pub struct OfficialDto {
    pub id: i64,
    /// `inspector`, `counter` or `scrutineer`.
    pub role: String,
    pub person_id: i64,
    pub name: String,
    /// The inspected candidate's application (inspector).
    pub application_id: Option<i64>,
    /// The meeting (counter, scrutineer).
    pub meeting_id: Option<i64>,
    /// The candidates the official deals with.
    pub candidates: Vec<String>,
    /// `null` while the official serves.
    pub recusal: Option<RecusalDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OfficialsDto {
    pub officials: Vec<OfficialDto>,
}

fn recusal_dto(r: &jiguan_app::selection::officials::OfficialRecusal) -> RecusalDto {
    RecusalDto {
        category: r.category.code().into(),
        kinship: r.kinship.clone(),
        source: r.source.code().into(),
        reason: r.reason.clone(),
        decided_by: r.by.clone(),
    }
}

/// The campaign's inspection-team members, counters and scrutineers with their recusals.
#[utoipa::path(get, path = "/api/v1/units/{unit}/selection/campaigns/{campaign}/officials", tag = "selection",
    params(("unit" = i64, Path), ("campaign" = i64, Path)),
    responses((status = 200, body = OfficialsDto), (status = 404, body = ApiErr)))]
pub async fn api_list(State(st): State<AppState>, c: InCampaign) -> WebResult<Json<OfficialsDto>> {
    let v = st.app.sel_officials(&c.ctx.actor, c.u.id, c.id).await?;
    Ok(Json(OfficialsDto {
        officials: v
            .officials
            .into_iter()
            .map(|o| OfficialDto {
                id: o.official.id,
                role: o.official.role.code().into(),
                person_id: o.official.person_id,
                name: o.name,
                application_id: o.official.application_id.map(|a| a.0),
                meeting_id: o.official.meeting_id.map(|m| m.0),
                candidates: o.candidates,
                recusal: o.official.recusal.as_ref().map(recusal_dto),
            })
            .collect(),
    }))
}

/// An official to register.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct OfficialBody {
    /// `inspector`, `counter` or `scrutineer`.
    pub role: String,
    pub person_id: i64,
    /// For an inspector: the shortlisted candidate's application.
    pub application_id: Option<i64>,
    /// For a counter or scrutineer: a committee meeting created from the campaign.
    pub meeting_id: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OfficialAddedDto {
    pub id: i64,
    /// The recusal detected from the record (the official's own application, recorded
    /// kinship with a candidate), `null` when none.
    pub recusal: Option<RecusalDto>,
}

/// Registers an inspection-team member (for one shortlisted candidate), a counter or a
/// scrutineer (for one meeting). A candidate of the campaign cannot count or scrutinise
/// (422 `selection_candidate_as_official`); a conflict in the record is recorded as a
/// detected recusal.
#[utoipa::path(post, path = "/api/v1/units/{unit}/selection/campaigns/{campaign}/officials", tag = "selection",
    params(("unit" = i64, Path), ("campaign" = i64, Path)), request_body = OfficialBody,
    responses((status = 201, body = OfficialAddedDto), (status = 422, body = ApiErr), (status = 404, body = ApiErr)))]
pub async fn api_add(
    State(st): State<AppState>,
    c: InCampaign,
    Json(b): Json<OfficialBody>,
) -> WebResult<Created<OfficialAddedDto>> {
    let f = OfficialForm {
        role: b.role,
        person_id: if b.person_id == 0 {
            String::new()
        } else {
            b.person_id.to_string()
        },
        application_id: b.application_id.map(|x| x.to_string()).unwrap_or_default(),
        meeting_id: b.meeting_id.map(|x| x.to_string()).unwrap_or_default(),
    };
    let (id, r) = st
        .app
        .sel_official_add(&c.ctx.actor, c.u.id, c.id, &f)
        .await?;
    Ok(Created(OfficialAddedDto {
        id,
        recusal: r.as_ref().map(recusal_dto),
    }))
}

/// Records the recusal (回避) of a serving official: declared by the official, requested by
/// an interested party or decided by the organiser.
#[utoipa::path(post, path = "/api/v1/units/{unit}/selection/campaigns/{campaign}/officials/{official}/recusal", tag = "selection",
    params(("unit" = i64, Path), ("campaign" = i64, Path), ("official" = i64, Path)), request_body = RecusalForm,
    responses((status = 201, body = RecusalDto), (status = 422, body = ApiErr), (status = 404, body = ApiErr)))]
pub async fn api_recuse(
    State(st): State<AppState>,
    o: InOfficial,
    Json(f): Json<RecusalForm>,
) -> WebResult<Created<RecusalDto>> {
    let r = st
        .app
        .sel_official_recuse(&o.ctx.actor, o.u.id, o.id, o.official, &f)
        .await?;
    Ok(Created(recusal_dto(&r)))
}

#[derive(OpenApi)]
#[openapi(paths(api_list, api_add, api_recuse))]
pub struct Doc;
