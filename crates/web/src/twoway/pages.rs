//! Two-way selection (双向择岗) pages: the rounds of a unit; a round with its result — each
//! person's post and the reasons for the choices they did not get, blocking pairs, the
//! placement and first-choice rates, figures by body, routes — and the office's match, the
//! approval (文号) and the apply.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use jiguan_app::AppResult;
use jiguan_app::ports::Unit;
use jiguan_app::twoway::RoundView;
use jiguan_app::workflow::SimpleStep;
use jiguan_domain::FieldError;
use jiguan_domain::auth::Action;
use jiguan_domain::workflow::{Status, TWOWAY_ROUNDS};

use crate::AppState;
use crate::error::{FieldErrors, WebResult};
use crate::extract::{At, Form, Query};
use crate::guard::Ctx;
use crate::html::{FormErrors, Layout, form_page, page_status};

use super::InRound;

/// Query parameters of the pages (text only, so none can fail the request).
#[derive(Debug, Default, Clone, Deserialize)]
pub struct TwQuery {
    /// Flash message code.
    pub ok: Option<String>,
}

/// 单位 › the unit › 双向择岗.
fn crumbs(ctx: &Ctx, u: &Unit, key: &str) -> Layout {
    let mut l = Layout::new(ctx, key);
    if ctx.actor.can(Action::UnitsList) {
        l = l.crumb(ctx.tr.t("menu.units"), "/units");
    }
    l.crumb(u.name.clone(), format!("/units/{}", u.id))
}

pub struct RoundRow {
    pub id: i64,
    pub title: String,
    pub status: String,
    pub status_code: &'static str,
    pub mode: String,
    pub posts: usize,
    pub choose_by: String,
}

#[derive(Template)]
#[template(path = "twoway_rounds.html")]
pub struct RoundsPage {
    pub l: Layout,
    pub u: Unit,
    pub rows: Vec<RoundRow>,
    /// The HR office's 新建轮次 button.
    pub can_create: bool,
}

pub async fn rounds(At(st, ctx, u): At, Query(q): Query<TwQuery>) -> WebResult {
    let rs = st.app.tw_rounds(&ctx.actor, u.id).await?;
    let tr = ctx.tr;
    let rows = rs
        .iter()
        .map(|r| RoundRow {
            id: r.id.0,
            title: r.title.clone(),
            status: tr.t(&TWOWAY_ROUNDS.label_key(r.status)).to_string(),
            status_code: r.status.code(),
            mode: tr.t(&r.mode.label_key()).to_string(),
            posts: r.offers.len(),
            choose_by: r.choose_by.to_string(),
        })
        .collect();
    let l = crumbs(&ctx, &u, "twoway.rounds")
        .here()
        .flash(q.ok.as_deref());
    let can_create = ctx.actor.can(Action::TwowayManage);
    Ok(page_status(
        StatusCode::OK,
        &RoundsPage {
            l,
            u,
            rows,
            can_create,
        },
    ))
}

/// One person's line as the page shows it.
pub struct Line {
    pub person_id: i64,
    /// Neither matched nor placed by a confirmed 调剂 (needs a route).
    pub unplaced: bool,
    pub route_code: &'static str,
    /// The 调剂 proposal not yet confirmed: the post offered.
    pub proposal: String,
    pub name: String,
    pub body: String,
    pub choices: String,
    pub post: String,
    pub choice: String,
    pub why: Vec<String>,
    pub route: String,
    pub adjust: bool,
}

#[derive(Template)]
#[template(path = "twoway_round.html")]
pub struct RoundPage {
    pub l: Layout,
    pub u: Unit,
    pub id: i64,
    pub status: String,
    pub mode: String,
    pub matched: bool,
    pub participants: usize,
    pub posts: usize,
    pub seats: i64,
    pub chose: usize,
    pub ranked: usize,
    pub blocking: usize,
    pub placed: usize,
    pub placement_rate: String,
    pub first_choice_rate: String,
    /// (body, posts, seats, applicants, first-choice applicants, placed, vacancies).
    pub bodies: Vec<(String, usize, u32, usize, usize, usize, u32)>,
    pub lines: Vec<Line>,
    pub can_match: bool,
    pub can_approve: bool,
    pub can_apply: bool,
    /// A body head's link to the ranking page while the round is open.
    pub can_rank: bool,
    pub doc_no: String,
    pub errs: FormErrors,
    /// Every error message, one per line (an import's errors name row and column).
    pub messages: Vec<String>,
    /// The office's work while the round is open: import, remind; after the match:
    /// 调剂, routes, submit.
    pub can_manage: bool,
    /// Route choices (code, label).
    pub route_choices: Vec<(&'static str, String)>,
    /// People still waiting (have not chosen; posts not ranked).
    pub waiting_staff: usize,
    pub waiting_posts: usize,
    pub has_proposals: bool,
    pub has_unplaced: bool,
    pub status_code: &'static str,
    pub can_open: bool,
    /// The printable notices (the office).
    pub can_notices: bool,
}

fn round_page(ctx: &Ctx, u: Unit, v: RoundView, e: &[FieldError], ok: Option<&str>) -> Response {
    let errs = FormErrors::new(ctx.tr, e);
    let messages: Vec<String> = e.iter().map(|x| ctx.tr.error(x)).collect();
    let tr = ctx.tr;
    let post = |p: Option<i64>| {
        p.and_then(|p| v.post(p))
            .map(|x| format!("{}·{}", x.body_name, x.title))
            .unwrap_or_default()
    };
    let lines: Vec<Line> = v
        .lines
        .iter()
        .map(|x| Line {
            person_id: x.person.person_id,
            unplaced: x.post_id.is_none(),
            route_code: x.route.map_or("", |r| r.code()),
            proposal: if x.adjusted {
                String::new()
            } else {
                post(x.proposal)
            },
            name: x.person.name.clone(),
            body: x.person.body_name.clone(),
            choices: x
                .choices
                .iter()
                .filter_map(|p| v.post(*p).map(|q| q.title.clone()))
                .collect::<Vec<_>>()
                .join(" › "),
            post: post(x.post_id),
            choice: x.choice.map(|c| c.to_string()).unwrap_or_default(),
            why: x
                .why
                .iter()
                .map(|(p, k)| format!("{}：{}", post(Some(*p)), tr.t(k)))
                .collect(),
            route: x
                .route
                .map(|r| tr.t(&r.label_key()).to_string())
                .unwrap_or_default(),
            adjust: x.adjusted,
        })
        .collect();
    let res = v.result.as_ref();
    let status = v.round.status;
    let has_proposals = lines.iter().any(|x: &Line| !x.proposal.is_empty());
    let has_unplaced = lines.iter().any(|x: &Line| x.unplaced);
    let a = &ctx.actor;
    let page = RoundPage {
        id: v.round.id.0,
        status: tr.t(&TWOWAY_ROUNDS.label_key(status)).to_string(),
        mode: tr.t(&v.round.mode.label_key()).to_string(),
        matched: res.is_some(),
        participants: v.participants.len(),
        posts: v.posts.len(),
        seats: v.posts.iter().map(|p| p.seats).sum(),
        chose: v
            .participants
            .iter()
            .filter(|p| v.chose(p.person_id))
            .count(),
        ranked: v.posts.iter().filter(|p| v.ranked(p.post_id)).count(),
        blocking: res.map_or(0, |r| r.outcome.blocking_pairs),
        placed: res.map_or(0, |r| r.placements().len()),
        placement_rate: v.placement_rate.clone(),
        first_choice_rate: v.first_choice_rate.clone(),
        bodies: v
            .by_body
            .iter()
            .map(|(n, f)| {
                (
                    n.clone(),
                    f.posts,
                    f.seats,
                    f.applicants,
                    f.first_choice_applicants,
                    f.placed,
                    f.vacancies,
                )
            })
            .collect(),
        lines,
        can_match: a.can(Action::TwowayManage) && status == Status::Open,
        can_approve: a.can(Action::TwowayApprove) && status == Status::Submitted,
        can_apply: a.can(Action::TwowayManage) && status == Status::Approved,
        can_rank: a.can(Action::TwowayRank) && status == Status::Open,
        doc_no: v.round.doc_no.clone(),
        messages,
        can_manage: a.can(Action::TwowayManage) && status == Status::Open,
        route_choices: jiguan_domain::twoway::Route::ALL
            .iter()
            .map(|r| (r.code(), tr.t(&r.label_key()).to_string()))
            .collect(),
        waiting_staff: v
            .participants
            .iter()
            .filter(|p| !v.chose(p.person_id))
            .count(),
        waiting_posts: v.posts.iter().filter(|p| !v.ranked(p.post_id)).count(),
        has_proposals,
        has_unplaced,
        status_code: status.code(),
        can_open: a.can(Action::TwowayManage),
        can_notices: a.can(Action::TwowayManage),
        l: crumbs(ctx, &u, "twoway.rounds")
            .crumb(tr.t("twoway.rounds"), format!("/units/{}/twoway", u.id))
            .titled(v.round.title.clone())
            .here()
            .flash(ok),
        u,
        errs,
    };
    form_page(page.errs.is_empty(), &page)
}

pub async fn show(State(st): State<AppState>, p: InRound, Query(q): Query<TwQuery>) -> WebResult {
    let v = st.app.tw_view(&p.ctx.actor, p.u.id, p.round).await?;
    Ok(round_page(&p.ctx, p.u, v, &[], q.ok.as_deref()))
}

/// After a step: back to the round, or the round with the errors (422).
pub(super) async fn after(st: &AppState, p: InRound, r: AppResult<()>, ok: &str) -> WebResult {
    match r.fields()? {
        Ok(()) => Ok(
            Redirect::to(&format!("/units/{}/twoway/{}?ok={ok}", p.u.id, p.round)).into_response(),
        ),
        Err(e) => after_errors(st, p, e).await,
    }
}

/// The round page again with the errors of a step (422).
pub(super) async fn after_errors(st: &AppState, p: InRound, e: Vec<FieldError>) -> WebResult {
    let v = st.app.tw_view(&p.ctx.actor, p.u.id, p.round).await?;
    Ok(round_page(&p.ctx, p.u, v, &e, None))
}

pub async fn run_match(State(st): State<AppState>, p: InRound) -> WebResult {
    let r = st
        .app
        .tw_match(&p.ctx.actor, p.u.id, p.round)
        .await
        .map(|_| ());
    after(&st, p, r, "twoway_matched").await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ApproveForm {
    pub doc_no: String,
}

pub async fn approve(
    State(st): State<AppState>,
    p: InRound,
    Form(f): Form<ApproveForm>,
) -> WebResult {
    let r = st
        .app
        .step_plan(
            &p.ctx.actor,
            p.u.id,
            p.round,
            SimpleStep::Approve(&f.doc_no),
        )
        .await;
    after(&st, p, r, "twoway_approved").await
}

pub async fn apply(State(st): State<AppState>, p: InRound) -> WebResult {
    let r = st.app.tw_apply(&p.ctx.actor, p.u.id, p.round).await;
    after(&st, p, r, "twoway_applied").await
}
