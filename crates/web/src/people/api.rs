//! `/api/v1/units/{unit}/people…` and `/api/v1/units/{unit}/establishment`: the roster,
//! people, their changes, establishment use and quotas, personnel cost.
//! ID numbers are masked unless the caller may see personal data.

use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use jiguan_app::people::{
    ChangeForm, ChangeOpts, CostGroup, RelationForm, RelationView, RosterRow, UnitEstablishment,
};
use jiguan_domain::people::{PersonForm, PersonId};
use jiguan_domain::tenancy::UnitId;

use crate::AppState;
use crate::api::PageDto;
use crate::api::tenancy::PageParams;
use crate::error::WebResult;
use crate::extract::{At, AtId, Created, Json, JsonParts, Path, Query};
use crate::guard::Ctx;
use crate::people::pages::RosterParams;
use crate::people::{AtPerson, PersonBody};

#[derive(Debug, Serialize, ToSchema)]
pub struct PersonDto {
    pub id: i64,
    pub unit_id: i64,
    pub host_unit_id: Option<i64>,
    pub body_id: Option<i64>,
    pub name: String,
    pub gender: String,
    /// Masked (`330211********0017`) unless the caller may see personal data.
    pub id_number: String,
    pub birth_date: String,
    pub ethnicity: String,
    pub party: String,
    pub education: String,
    pub work_start: Option<String>,
    pub unit_join: Option<String>,
    /// civil_servant, institution_cadre, contract_worker, collective_staff, seconded,
    /// temporary, service_worker, enterprise_hire.
    pub identity: String,
    /// administrative, institution, service, none.
    pub establishment: String,
    pub post: String,
    pub rank: String,
    pub leader: bool,
    pub leader_role: String,
    pub phone: String,
    /// full, partial, self_funded.
    pub funding: String,
    /// Annual amounts in yuan, two decimals.
    pub basic_pay: String,
    pub allowances: String,
    pub social_insurance: String,
    pub housing_fund: String,
    /// on_post, lent_out, borrowed_in (as seen from this unit), retired, diverted, left.
    pub status: String,
    pub status_since: String,
    /// 试用期满日期 (a new recruit's probation end), if recorded.
    pub probation_end: Option<String>,
}

impl From<RosterRow> for PersonDto {
    fn from(r: RosterRow) -> Self {
        let p = r.person;
        PersonDto {
            id: p.id,
            unit_id: p.unit_id.0,
            host_unit_id: p.host_unit_id.map(|u| u.0),
            body_id: p.body_id,
            name: p.name,
            gender: p.gender,
            id_number: r.id_shown,
            birth_date: p.birth_date.to_string(),
            ethnicity: p.ethnicity,
            party: p.party,
            education: p.education,
            work_start: p.work_start.map(|d| d.to_string()),
            unit_join: p.unit_join.map(|d| d.to_string()),
            identity: p.identity.code().into(),
            establishment: p.establishment.code().into(),
            post: p.post,
            rank: p.rank,
            leader: p.leader,
            leader_role: p.leader_role,
            phone: p.phone,
            funding: p.funding.code().into(),
            basic_pay: p.cost.basic_pay.to_string(),
            allowances: p.cost.allowances.to_string(),
            social_insurance: p.cost.social_insurance.to_string(),
            housing_fund: p.cost.housing_fund.to_string(),
            status: r.status_here.code().into(),
            status_since: p.status_since.to_string(),
            probation_end: p.probation_end.map(|d| d.to_string()),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EventDto {
    pub on_date: String,
    /// hire, update, move, status, lend, lend_end, transfer.
    pub kind: String,
    pub unit_id: i64,
    pub host_unit_id: Option<i64>,
    pub body_id: Option<i64>,
    pub identity: String,
    pub establishment: String,
    pub post: String,
    pub status: String,
    pub doc_no: String,
    pub created_by: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PersonDetailDto {
    pub person: PersonDto,
    pub history: Vec<EventDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct KindUseDto {
    /// administrative, institution, service, leadership.
    pub kind: String,
    pub approved: i64,
    pub occupied: i64,
    pub vacancy: i64,
    pub over: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ExceptionDto {
    pub person_id: Option<i64>,
    pub kind: String,
    pub doc_no: String,
    pub approved: i64,
    pub occupied_after: i64,
    pub on_date: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EstablishmentDto {
    pub unit_id: i64,
    pub uses: Vec<KindUseDto>,
    pub off_establishment: i64,
    pub exceptions: Vec<ExceptionDto>,
}

impl From<UnitEstablishment> for EstablishmentDto {
    fn from(e: UnitEstablishment) -> Self {
        EstablishmentDto {
            unit_id: e.unit.id.0,
            uses: e
                .uses
                .iter()
                .map(|u| KindUseDto {
                    kind: u.kind.code().into(),
                    approved: u.approved,
                    occupied: u.occupied,
                    vacancy: u.vacancy(),
                    over: u.over(),
                })
                .collect(),
            off_establishment: e.off_establishment,
            exceptions: e
                .exceptions
                .into_iter()
                .map(|x| ExceptionDto {
                    person_id: x.person_id.map(i64::from),
                    kind: x.kind.code().into(),
                    doc_no: x.doc_no,
                    approved: x.approved,
                    occupied_after: x.occupied_after,
                    on_date: x.on_date.to_string(),
                })
                .collect(),
        }
    }
}

/// Approved counts by kind; absent = unchanged, `null` = removed.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct QuotaBody {
    pub administrative: Option<Option<i64>>,
    pub institution: Option<Option<i64>>,
    pub service: Option<Option<i64>>,
    pub leadership: Option<Option<i64>>,
}

#[derive(Debug, Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct RosterFilterParams {
    /// Identity code.
    pub identity: Option<String>,
    /// Establishment kind code.
    pub establishment: Option<String>,
    /// Blank: the active roster; `all`; or a status code.
    pub status: Option<String>,
    /// The roster on this date (YYYY-MM-DD), from the history.
    pub on: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct CostQuery {
    /// First date (YYYY-MM-DD).
    pub a: Option<String>,
    /// Second date (YYYY-MM-DD).
    pub b: Option<String>,
    /// identity, body, funding, unit.
    pub group: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CostLineDto {
    pub key: String,
    pub headcount_a: i64,
    pub cost_a: String,
    pub headcount_b: i64,
    pub cost_b: String,
    pub cost_change: String,
    pub cost_change_pct: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CostDto {
    pub a: String,
    pub b: String,
    pub group: String,
    pub lines: Vec<CostLineDto>,
    pub total: CostLineDto,
}

/// The roster of a unit.
#[utoipa::path(get, path = "/api/v1/units/{unit}/people", tag = "people", params(("unit" = i64, Path, description = "unit id"), PageParams, RosterFilterParams), responses((status = 200, body = PageDto<PersonDto>), (status = 404, body = crate::error::ApiError)))]
pub async fn list_people(
    At(st, ctx, u): At,
    Query(p): Query<RosterParams>,
) -> WebResult<Json<PageDto<PersonDto>>> {
    let q = p.list.query()?;
    let pg = st.app.list_people(&ctx.actor, u.id, p.filter(), &q).await?;
    Ok(Json(PageDto::map(pg, PersonDto::from)))
}

/// Adds a person; refused over the establishment unless `exception_doc` is given.
#[utoipa::path(post, path = "/api/v1/units/{unit}/people", tag = "people", params(("unit" = i64, Path, description = "unit id")), request_body = PersonBody, responses((status = 201, body = PersonDetailDto), (status = 422, body = crate::error::ApiError)))]
pub async fn create_person(
    At(st, ctx, u): At,
    JsonParts(f, o): JsonParts<PersonForm, ChangeOpts>,
) -> WebResult<Created<PersonDetailDto>> {
    let id = st.app.create_person(&ctx.actor, u.id, &f, &o).await?;
    Ok(Created(detail(&st, &ctx, u.id, id).await?))
}

async fn detail(
    st: &AppState,
    ctx: &Ctx,
    unit: UnitId,
    id: PersonId,
) -> WebResult<PersonDetailDto> {
    let p = st.app.person_page(&ctx.actor, unit, id).await?;
    Ok(PersonDetailDto {
        person: p.row.into(),
        history: p
            .history
            .into_iter()
            .map(|e| EventDto {
                on_date: e.on_date.to_string(),
                kind: e.kind.code().into(),
                unit_id: e.unit_id.0,
                host_unit_id: e.host_unit_id.map(|u| u.0),
                body_id: e.body_id,
                identity: e.identity.code().into(),
                establishment: e.establishment.code().into(),
                post: e.post,
                status: e.status.code().into(),
                doc_no: e.doc_no,
                created_by: e.created_by,
            })
            .collect(),
    })
}

/// One person with the history.
#[utoipa::path(get, path = "/api/v1/units/{unit}/people/{person}", tag = "people", params(("unit" = i64, Path, description = "unit id"), ("person" = i64, Path, description = "person id")), responses((status = 200, body = PersonDetailDto), (status = 404, body = crate::error::ApiError)))]
pub async fn get_person(AtId(st, ctx, u, person): AtPerson) -> WebResult<Json<PersonDetailDto>> {
    Ok(Json(detail(&st, &ctx, u.id, person).await?))
}

/// Edits a person at the home unit.
#[utoipa::path(put, path = "/api/v1/units/{unit}/people/{person}", tag = "people", params(("unit" = i64, Path, description = "unit id"), ("person" = i64, Path, description = "person id")), request_body = PersonBody, responses((status = 200, body = PersonDetailDto), (status = 422, body = crate::error::ApiError)))]
pub async fn update_person(
    AtId(st, ctx, u, person): AtPerson,
    JsonParts(f, o): JsonParts<PersonForm, ChangeOpts>,
) -> WebResult<Json<PersonDetailDto>> {
    st.app
        .update_person(&ctx.actor, u.id, person, &f, &o)
        .await?;
    Ok(Json(detail(&st, &ctx, u.id, person).await?))
}

/// A move, status change, secondment or transfer.
#[utoipa::path(post, path = "/api/v1/units/{unit}/people/{person}/changes", tag = "people", params(("unit" = i64, Path, description = "unit id"), ("person" = i64, Path, description = "person id")), request_body = ChangeForm, responses((status = 200, body = PersonDetailDto), (status = 422, body = crate::error::ApiError)))]
pub async fn change_person(
    AtId(st, ctx, u, person): AtPerson,
    // The options first: read on their own, a type error in one of them names it.
    JsonParts(_, f): JsonParts<ChangeOpts, ChangeForm>,
) -> WebResult<Json<PersonDetailDto>> {
    st.app.change_person(&ctx.actor, u.id, person, &f).await?;
    Ok(Json(detail(&st, &ctx, u.id, person).await?))
}

/// Establishment use of a unit: approved, held, vacancies, over, exceptions.
#[utoipa::path(get, path = "/api/v1/units/{unit}/establishment", tag = "people", params(("unit" = i64, Path, description = "unit id")), responses((status = 200, body = EstablishmentDto), (status = 404, body = crate::error::ApiError)))]
pub async fn get_establishment(At(st, ctx, u): At) -> WebResult<Json<EstablishmentDto>> {
    let e = st.app.unit_establishment(&ctx.actor, u.id).await?;
    Ok(Json(e.into()))
}

/// Sets approved counts of a unit (district administrators).
#[utoipa::path(put, path = "/api/v1/units/{unit}/establishment", tag = "people", params(("unit" = i64, Path, description = "unit id")), request_body = QuotaBody, responses((status = 200, body = EstablishmentDto), (status = 422, body = crate::error::ApiError)))]
pub async fn set_establishment(
    At(st, ctx, u): At,
    Json(b): Json<QuotaBody>,
) -> WebResult<Json<EstablishmentDto>> {
    let mut fields = Vec::new();
    for (k, v) in [
        ("administrative", b.administrative),
        ("institution", b.institution),
        ("service", b.service),
        ("leadership", b.leadership),
    ] {
        if let Some(v) = v {
            fields.push((
                format!("q_{k}"),
                v.map(|n| n.to_string()).unwrap_or_default(),
            ));
        }
    }
    st.app.set_quotas(&ctx.actor, u.id, &fields).await?;
    let e = st.app.unit_establishment(&ctx.actor, u.id).await?;
    Ok(Json(e.into()))
}

/// Personnel cost on two dates, grouped, with the change.
#[utoipa::path(get, path = "/api/v1/units/{unit}/people-cost", tag = "people", params(("unit" = i64, Path, description = "unit id"), CostQuery), responses((status = 200, body = CostDto), (status = 404, body = crate::error::ApiError)))]
pub async fn cost(At(st, ctx, u): At, Query(q): Query<CostQuery>) -> WebResult<Json<CostDto>> {
    let today = jiguan_app::calc::china_today(st.app.clock.now());
    let date = |v: &Option<String>| {
        jiguan_domain::people::parse_opt_date("d", v.as_deref().unwrap_or(""))
            .map(|d| d.unwrap_or(today))
    };
    let (a, b) = (date(&q.a)?, date(&q.b)?);
    let group = q
        .group
        .as_deref()
        .and_then(CostGroup::from_code)
        .unwrap_or(CostGroup::Identity);
    let c = st
        .app
        .cost_report(&ctx.actor, Some(u.id), a, b, group)
        .await?;
    let line = |l: &jiguan_domain::people::cost::CompareLine<String>| CostLineDto {
        key: l.key.clone(),
        headcount_a: l.a.headcount,
        cost_a: l.a.cost.total().to_string(),
        headcount_b: l.b.headcount,
        cost_b: l.b.cost.total().to_string(),
        cost_change: l.cost_change.to_string(),
        cost_change_pct: l.cost_change_pct.map(|d| d.to_string()),
    };
    Ok(Json(CostDto {
        a: c.a.to_string(),
        b: c.b.to_string(),
        group: c.group.code().into(),
        lines: c.lines.iter().map(line).collect(),
        total: line(&c.total),
    }))
}

/// The declared relations (亲属关系) of a person, both sides.
#[utoipa::path(get, path = "/api/v1/units/{unit}/people/{person}/relations", tag = "people", params(("unit" = i64, Path, description = "unit id"), ("person" = i64, Path, description = "person id")), responses((status = 200, body = [RelationView]), (status = 404, body = crate::error::ApiError)))]
pub async fn list_relations(
    AtId(st, ctx, u, person): AtPerson,
) -> WebResult<Json<Vec<RelationView>>> {
    Ok(Json(
        st.app.person_relations(&ctx.actor, u.id, person).await?,
    ))
}

/// Records a relation of a person of the unit (HR office of the home unit); answers the
/// person's relations.
#[utoipa::path(post, path = "/api/v1/units/{unit}/people/{person}/relations", tag = "people", params(("unit" = i64, Path, description = "unit id"), ("person" = i64, Path, description = "person id")), request_body = RelationForm, responses((status = 201, body = [RelationView]), (status = 404, body = crate::error::ApiError), (status = 422, body = crate::error::ApiError)))]
pub async fn add_relation(
    AtId(st, ctx, u, person): AtPerson,
    Json(f): Json<RelationForm>,
) -> WebResult<Created<Vec<RelationView>>> {
    st.app
        .add_person_relation(&ctx.actor, u.id, person, &f)
        .await?;
    Ok(Created(
        st.app.person_relations(&ctx.actor, u.id, person).await?,
    ))
}

/// Removes a relation of a person of the unit; answers the relations left.
#[utoipa::path(delete, path = "/api/v1/units/{unit}/people/{person}/relations/{relation}", tag = "people", params(("unit" = i64, Path, description = "unit id"), ("person" = i64, Path, description = "person id"), ("relation" = i64, Path, description = "relation id")), responses((status = 200, body = [RelationView]), (status = 404, body = crate::error::ApiError)))]
pub async fn remove_relation(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((unit, person, relation)): Path<(UnitId, PersonId, i64)>,
) -> WebResult<Json<Vec<RelationView>>> {
    st.app
        .remove_person_relation(&ctx.actor, unit, person, relation)
        .await?;
    Ok(Json(
        st.app.person_relations(&ctx.actor, unit, person).await?,
    ))
}

/// This module's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    list_people,
    create_person,
    get_person,
    update_person,
    change_person,
    get_establishment,
    set_establishment,
    cost,
    list_relations,
    add_relation,
    remove_relation,
    super::relations_import::import_api,
    super::relations_import::export_api
))]
pub struct Doc;
