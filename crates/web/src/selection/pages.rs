//! The committee ballot's pages: meetings of a unit, a meeting (items, roll call, tokens,
//! progress, close), the token slip sheet (A4, printed once), the phone ballot, the tally
//! sheet (计票单, A4) and the recount.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use jiguan_app::ports::Unit;
use jiguan_app::selection::{ItemForm, MeetingForm, MeetingStatus, MeetingView};
use jiguan_domain::FieldError;
use jiguan_domain::auth::Action;
use jiguan_domain::selection::MeetingId;
use jiguan_domain::selection::ballot::{Recount, Tally};
use jiguan_domain::tenancy::UserId;

use crate::AppState;
use crate::error::{FieldErrors, WebResult};
use crate::extract::{Form, FormPairs, InUnit, Query};
use crate::guard::Ctx;
use crate::html::{FormErrors, Layout, page, page_status};
use crate::i18n::Tr;

use super::InMeeting;

#[derive(Debug, Default, Deserialize)]
pub struct OkQuery {
    pub ok: Option<String>,
}

fn crumbs(ctx: &Ctx, u: &Unit, key: &str) -> Layout {
    Layout::in_unit(ctx, u, key).crumb(
        ctx.tr.t("menu.committee"),
        format!("/units/{}/selection/meetings", u.id),
    )
}

fn status_label(tr: Tr, s: MeetingStatus) -> String {
    tr.t(&s.label_key()).to_string()
}

fn see_other(to: String) -> Response {
    Redirect::to(&to).into_response()
}

fn status_of(clean: bool) -> StatusCode {
    if clean {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    }
}

// ---------------------------------------------------------------- meetings

pub struct MeetingRow {
    pub id: MeetingId,
    pub title: String,
    pub held_on: String,
    pub status: String,
    pub status_code: &'static str,
    pub members: i64,
    pub present: i64,
}

#[derive(Template)]
#[template(path = "sel_meetings.html")]
pub struct MeetingsPage {
    pub l: Layout,
    pub u: Unit,
    pub rows: Vec<MeetingRow>,
    pub can_manage: bool,
    pub title: String,
    pub held_on: String,
    pub items: String,
    pub errs: FormErrors,
}

/// The create form as the page sends it: items one per line.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CreateForm {
    pub title: String,
    pub held_on: String,
    pub items: String,
}

async fn meetings_page(
    st: &AppState,
    ctx: &Ctx,
    u: Unit,
    f: CreateForm,
    errs: FormErrors,
    ok: Option<&str>,
) -> WebResult {
    let ms = st.app.sel_meetings(&ctx.actor, u.id).await?;
    let rows = ms
        .iter()
        .map(|m| MeetingRow {
            id: m.id,
            title: m.title.clone(),
            held_on: m.held_on.to_string(),
            status: status_label(ctx.tr, m.status),
            status_code: m.status.code(),
            members: m.members,
            present: m.present,
        })
        .collect();
    let l = Layout::in_unit(ctx, &u, "sel.meetings").here().flash(ok);
    Ok(page_status(
        status_of(errs.is_empty()),
        &MeetingsPage {
            l,
            rows,
            can_manage: ctx.actor.can(Action::SelectionManage),
            held_on: if f.held_on.is_empty() {
                st.app.sel_today().to_string()
            } else {
                f.held_on
            },
            title: f.title,
            items: f.items,
            errs,
            u,
        },
    ))
}

pub async fn meetings(
    State(st): State<AppState>,
    ctx: Ctx,
    InUnit(u): InUnit,
    Query(q): Query<OkQuery>,
) -> WebResult {
    meetings_page(
        &st,
        &ctx,
        u,
        CreateForm::default(),
        FormErrors::default(),
        q.ok.as_deref(),
    )
    .await
}

/// Item errors (`items[2].text`) are shown on the one items field.
fn item_errors(errs: Vec<FieldError>) -> Vec<FieldError> {
    errs.into_iter()
        .map(|mut e| {
            if e.field.starts_with("items[") {
                e.field = "items".into();
            }
            e
        })
        .collect()
}

pub async fn create(
    State(st): State<AppState>,
    ctx: Ctx,
    InUnit(u): InUnit,
    Form(f): Form<CreateForm>,
) -> WebResult {
    let form = MeetingForm {
        title: f.title.clone(),
        held_on: f.held_on.clone(),
        items: f
            .items
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(|t| ItemForm {
                text: t.into(),
                ..ItemForm::default()
            })
            .collect(),
    };
    match st
        .app
        .sel_create_meeting(&ctx.actor, u.id, &form)
        .await
        .fields()?
    {
        Ok(id) => Ok(see_other(format!(
            "/units/{}/selection/meetings/{id}?ok=meeting_created",
            u.id
        ))),
        Err(errs) => {
            let errs = FormErrors::new(ctx.tr, &item_errors(errs));
            meetings_page(&st, &ctx, u, f, errs, None).await
        }
    }
}

// ---------------------------------------------------------------- one meeting

pub struct ItemRow {
    pub no: i64,
    pub text: String,
    pub person_id: String,
    pub post_id: String,
}

pub struct MemberRow {
    pub id: UserId,
    pub name: String,
    pub present: bool,
}

#[derive(Template)]
#[template(path = "sel_meeting.html")]
pub struct MeetingPage {
    pub l: Layout,
    pub u: Unit,
    pub id: MeetingId,
    pub held_on: String,
    pub status: String,
    pub status_code: &'static str,
    pub members: i64,
    pub present_now: i64,
    pub needed: u32,
    pub quorum_met: bool,
    pub items: Vec<ItemRow>,
    pub roll: Vec<MemberRow>,
    pub used: i64,
    pub issued: i64,
    pub draft: bool,
    pub open: bool,
    pub closed: bool,
    pub can_manage: bool,
    pub can_vote: bool,
    pub errs: FormErrors,
    pub item: ItemForm,
}

fn meeting_page(
    ctx: &Ctx,
    u: Unit,
    v: MeetingView,
    errs: FormErrors,
    item: ItemForm,
    ok: Option<&str>,
) -> Response {
    let m = &v.meeting;
    let l = crumbs(ctx, &u, "sel.meeting")
        .titled(m.title.clone())
        .here()
        .flash(ok);
    let clean = errs.is_empty();
    page_status(
        status_of(clean),
        &MeetingPage {
            l,
            id: m.id,
            held_on: m.held_on.to_string(),
            status: status_label(ctx.tr, m.status),
            status_code: m.status.code(),
            members: m.members,
            present_now: v.present_now,
            needed: v.quorum.map(|q| q.needed).unwrap_or(0),
            quorum_met: v.quorum.is_some_and(|q| q.met),
            items: v
                .items
                .iter()
                .map(|i| ItemRow {
                    no: i.no,
                    text: i.text.clone(),
                    person_id: i.person_id.map(|p| p.to_string()).unwrap_or_default(),
                    post_id: i.post_id.map(|p| p.to_string()).unwrap_or_default(),
                })
                .collect(),
            roll: v
                .attendance
                .iter()
                .map(|a| MemberRow {
                    id: a.user_id,
                    name: a.display_name.clone(),
                    present: a.present,
                })
                .collect(),
            used: v.used,
            issued: v.issued,
            draft: m.status == MeetingStatus::Draft,
            open: m.status == MeetingStatus::Open,
            closed: m.status == MeetingStatus::Closed,
            can_manage: ctx.actor.can(Action::SelectionManage),
            can_vote: ctx.actor.can(Action::SelectionVote),
            errs,
            item,
            u,
        },
    )
}

pub async fn show(
    State(st): State<AppState>,
    InMeeting { ctx, u, id }: InMeeting,
    Query(q): Query<OkQuery>,
) -> WebResult {
    let v = st.app.sel_meeting(&ctx.actor, u.id, id).await?;
    Ok(meeting_page(
        &ctx,
        u,
        v,
        FormErrors::default(),
        ItemForm::default(),
        q.ok.as_deref(),
    ))
}

/// Re-renders the meeting with errors (422), or redirects with a flash.
async fn after(
    st: &AppState,
    InMeeting { ctx, u, id }: InMeeting,
    r: Result<(), Vec<FieldError>>,
    ok: &str,
    item: ItemForm,
) -> WebResult {
    match r {
        Ok(()) => Ok(see_other(format!(
            "/units/{}/selection/meetings/{id}?ok={ok}",
            u.id
        ))),
        Err(errs) => {
            let v = st.app.sel_meeting(&ctx.actor, u.id, id).await?;
            let errs = FormErrors::new(ctx.tr, &errs);
            Ok(meeting_page(&ctx, u, v, errs, item, None))
        }
    }
}

pub async fn add_item(
    State(st): State<AppState>,
    m: InMeeting,
    Form(f): Form<ItemForm>,
) -> WebResult {
    let r = st
        .app
        .sel_add_item(&m.ctx.actor, m.u.id, m.id, &f)
        .await
        .fields()?
        .map(|_| ());
    after(&st, m, r, "item_added", f).await
}

pub async fn roll_call(State(st): State<AppState>, m: InMeeting, f: FormPairs) -> WebResult {
    let mut present = Vec::new();
    for v in f.all("present") {
        match v.trim().parse::<i64>() {
            Ok(id) if id > 0 => present.push(UserId(id)),
            _ => {
                return after(
                    &st,
                    m,
                    Err(vec![FieldError::new("present", "number_invalid")]),
                    "",
                    ItemForm::default(),
                )
                .await;
            }
        }
    }
    let r = st
        .app
        .sel_roll_call(&m.ctx.actor, m.u.id, m.id, &present)
        .await
        .fields()?;
    after(&st, m, r, "roll_call", ItemForm::default()).await
}

#[derive(Template)]
#[template(path = "sel_slips.html")]
pub struct SlipsPage {
    pub l: Layout,
    pub u: Unit,
    pub id: MeetingId,
    pub title: String,
    pub held_on: String,
    pub tokens: Vec<String>,
}

/// Checks quorum and issues the tokens; the answer is the slip sheet itself (the tokens
/// exist nowhere else: reloading cannot show them again).
pub async fn tokens(State(st): State<AppState>, m: InMeeting, _f: FormPairs) -> WebResult {
    match st
        .app
        .sel_issue_tokens(&m.ctx.actor, m.u.id, m.id)
        .await
        .fields()?
    {
        Ok(tokens) => {
            let v = st.app.sel_meeting(&m.ctx.actor, m.u.id, m.id).await?;
            let l = crumbs(&m.ctx, &m.u, "sel.slips").here();
            let mut resp = page(&SlipsPage {
                l,
                id: m.id,
                title: v.meeting.title.clone(),
                held_on: v.meeting.held_on.to_string(),
                tokens,
                u: m.u,
            });
            resp.headers_mut().insert(
                axum::http::header::CACHE_CONTROL,
                axum::http::HeaderValue::from_static("no-store"),
            );
            Ok(resp)
        }
        Err(errs) => after(&st, m, Err(errs), "", ItemForm::default()).await,
    }
}

// ---------------------------------------------------------------- voting

pub struct VoteItem {
    pub no: i64,
    pub text: String,
    pub mark: String,
}

#[derive(Template)]
#[template(path = "sel_vote.html")]
pub struct VotePage {
    pub l: Layout,
    pub u: Unit,
    pub id: MeetingId,
    pub title: String,
    pub items: Vec<VoteItem>,
    pub errs: FormErrors,
    pub done: bool,
}

/// The marks of the ballot form: `m<item>=<code>`.
fn marks_of(f: &FormPairs) -> BTreeMap<String, String> {
    f.0.iter()
        .filter_map(|(k, v)| {
            k.strip_prefix('m')
                .filter(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
                .map(|n| (n.to_string(), v.clone()))
        })
        .collect()
}

async fn vote_page(
    st: &AppState,
    ctx: &Ctx,
    u: Unit,
    id: MeetingId,
    marks: &BTreeMap<String, String>,
    errs: FormErrors,
    done: bool,
) -> WebResult {
    let clean = errs.is_empty();
    let (title, items) = if done {
        (String::new(), Vec::new())
    } else {
        let (m, items) = st.app.sel_ballot_form(&ctx.actor, u.id, id).await?;
        (m.title, items)
    };
    let l = crumbs(ctx, &u, "sel.vote").here();
    Ok(page_status(
        status_of(clean),
        &VotePage {
            l,
            id,
            title,
            items: items
                .into_iter()
                .map(|i| VoteItem {
                    mark: marks.get(&i.no.to_string()).cloned().unwrap_or_default(),
                    no: i.no,
                    text: i.text,
                })
                .collect(),
            errs,
            done,
            u,
        },
    ))
}

pub async fn vote_form(
    State(st): State<AppState>,
    InMeeting { ctx, u, id }: InMeeting,
    Query(q): Query<OkQuery>,
) -> WebResult {
    let done = q.ok.as_deref() == Some("cast");
    vote_page(
        &st,
        &ctx,
        u,
        id,
        &BTreeMap::new(),
        FormErrors::default(),
        done,
    )
    .await
}

/// Casts a ballot. Nothing of the request (token, marks) is logged or echoed back.
pub async fn vote(
    State(st): State<AppState>,
    InMeeting { ctx, u, id }: InMeeting,
    f: FormPairs,
) -> WebResult {
    let marks = marks_of(&f);
    match st
        .app
        .sel_cast(&ctx.actor, u.id, id, f.get("token"), &marks)
        .await
        .fields()?
    {
        Ok(()) => Ok(see_other(format!(
            "/units/{}/selection/meetings/{id}/vote?ok=cast",
            u.id
        ))),
        Err(errs) => {
            let errs = FormErrors::new(ctx.tr, &errs);
            vote_page(&st, &ctx, u, id, &marks, errs, false).await
        }
    }
}

pub async fn close(State(st): State<AppState>, m: InMeeting, _f: FormPairs) -> WebResult {
    match st
        .app
        .sel_close(&m.ctx.actor, m.u.id, m.id)
        .await
        .fields()?
    {
        Ok(_) => Ok(see_other(format!(
            "/units/{}/selection/meetings/{}/tally",
            m.u.id, m.id
        ))),
        Err(errs) => after(&st, m, Err(errs), "", ItemForm::default()).await,
    }
}

// ---------------------------------------------------------------- tally

pub struct TallyRow {
    pub no: u32,
    pub text: String,
    pub members: u32,
    pub agree: u32,
    pub disagree: u32,
    pub defer: u32,
    pub abstain: u32,
    pub needed: u32,
    pub decision: String,
    pub decision_code: &'static str,
}

#[derive(Template)]
#[template(path = "sel_tally.html")]
pub struct TallyPage {
    pub l: Layout,
    pub u: Unit,
    pub id: MeetingId,
    pub title: String,
    pub held_on: String,
    pub members: u32,
    pub present: u32,
    pub tokens_issued: u32,
    pub ballots_cast: u32,
    pub rows: Vec<TallyRow>,
    pub digest: String,
    pub low_secrecy: bool,
    /// A recount: (digest matches, counts match).
    pub recount: Option<(bool, bool)>,
}

fn tally_page(
    ctx: &Ctx,
    u: Unit,
    v: &MeetingView,
    t: &Tally,
    recount: Option<&Recount>,
) -> Response {
    let key = if recount.is_some() {
        "sel.recount"
    } else {
        "sel.tally"
    };
    let l = crumbs(ctx, &u, key)
        .crumb(
            v.meeting.title.clone(),
            format!("/units/{}/selection/meetings/{}", u.id, v.meeting.id),
        )
        .here();
    let text = |no: u32| {
        v.items
            .iter()
            .find(|i| i.no == i64::from(no))
            .map(|i| i.text.clone())
            .unwrap_or_default()
    };
    page(&TallyPage {
        l,
        id: v.meeting.id,
        title: v.meeting.title.clone(),
        held_on: v.meeting.held_on.to_string(),
        members: t.members,
        present: t.present,
        tokens_issued: t.tokens_issued,
        ballots_cast: t.ballots_cast,
        rows: t
            .items
            .iter()
            .map(|i| TallyRow {
                no: i.item,
                text: text(i.item),
                members: i.members,
                agree: i.agree,
                disagree: i.disagree,
                defer: i.defer,
                abstain: i.abstain,
                needed: i.needed,
                decision: ctx.tr.t(&i.decision.label_key()).to_string(),
                decision_code: i.decision.code(),
            })
            .collect(),
        digest: t.digest.clone(),
        low_secrecy: t.low_secrecy,
        recount: recount.map(|r| (r.digest_matches, r.counts_match)),
        u,
    })
}

/// The tally sheet (计票单): only once the vote is closed (409-like 422 before).
pub async fn tally(State(st): State<AppState>, InMeeting { ctx, u, id }: InMeeting) -> WebResult {
    let v = st.app.sel_meeting(&ctx.actor, u.id, id).await?;
    let Some(t) = v.tally.clone() else {
        return Err(jiguan_app::AppError::field("status", "selection_not_closed").into());
    };
    Ok(tally_page(&ctx, u, &v, &t, None))
}

/// The recount: tally and digest recomputed from the stored ballots.
pub async fn recount(State(st): State<AppState>, InMeeting { ctx, u, id }: InMeeting) -> WebResult {
    let (v, r) = st.app.sel_recount(&ctx.actor, u.id, id).await?;
    Ok(tally_page(&ctx, u, &v, &r.tally, Some(&r)))
}
