//! The HR office's round form (新建/修改双向选择轮次): title, deadlines, choices per person
//! (志愿数, default 3), the mode (延迟接受 by default, or 志愿轮次), the unit's posts each with
//! a seats input (prefilled with what establishment and workload allow; blank or 0: not
//! offered), and the people who take part with exclusions and their reasons. Bad input
//! comes back as the form (422) with each error next to its field; a round that is no
//! longer a draft cannot be edited.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect};

use jiguan_app::ports::Unit;
use jiguan_app::twoway::RoundFormData;
use jiguan_domain::FieldError;
use jiguan_domain::posts::PostLevel;
use jiguan_domain::twoway::{CHOICES_DEFAULT, Mode, Offer, RoundForm};

use crate::AppState;
use crate::error::{FieldErrors, WebResult};
use crate::extract::{At, FormPairs};
use crate::guard::Ctx;
use crate::html::{FormErrors, Layout, form_page};
use crate::i18n::Tr;

use super::InRound;
use super::pages::after_errors;

/// One post of the unit in the form.
pub struct PostRow {
    pub id: i64,
    pub body: String,
    pub title: String,
    pub level: String,
    pub hours: i64,
    /// The most seats its workload allows.
    pub max: i64,
    /// The seats entered ("" or "0": not offered).
    pub seats: String,
    pub err: Option<String>,
}

/// One person who may take part.
pub struct PersonRow {
    pub id: i64,
    pub name: String,
    pub body: String,
    pub years: i64,
    pub excluded: bool,
    pub reason: String,
    pub err: Option<String>,
}

#[derive(Template)]
#[template(path = "twoway_form.html")]
pub struct FormPage {
    pub l: Layout,
    pub u: Unit,
    /// Where the form posts.
    pub action: String,
    pub editing: bool,
    pub f: RoundForm,
    pub modes: Vec<(&'static str, String)>,
    pub posts: Vec<PostRow>,
    pub people: Vec<PersonRow>,
    pub errs: FormErrors,
    /// Errors of a body's total seats (机构名额合计), each naming the body.
    pub body_errors: Vec<String>,
}

/// What the form posted: the round's fields, the offers (posts with seats ≥ 1 or not a
/// number; a seats value that is not a number is offered as -1, refused as out of range),
/// the exclusions in the candidates' order.
struct Posted {
    form: RoundForm,
    offers: Vec<Offer>,
    exclusions: Vec<(i64, String)>,
    /// Person of each exclusion, by index (to put `exclusions.N` errors on the person).
    excluded: Vec<i64>,
}

fn posted(f: &FormPairs, data: &RoundFormData) -> Posted {
    let form = RoundForm {
        title: f.get("title").into(),
        choose_by: f.get("choose_by").into(),
        rank_by: f.get("rank_by").into(),
        max_choices: f.get("max_choices").into(),
        mode: f.get("mode").into(),
    };
    let mut offers = Vec::new();
    for p in &data.posts {
        let v = f.get(&format!("seats_{}", p.post_id)).trim();
        if v.is_empty() {
            continue;
        }
        let seats = v.parse::<i64>().unwrap_or(-1);
        if seats != 0 {
            offers.push(Offer {
                post_id: p.post_id,
                seats,
            });
        }
    }
    let mut exclusions = Vec::new();
    let mut excluded = Vec::new();
    for c in &data.candidates {
        if !f.get(&format!("exclude_{}", c.person_id)).is_empty() {
            exclusions.push((
                c.person_id,
                f.get(&format!("reason_{}", c.person_id)).to_string(),
            ));
            excluded.push(c.person_id);
        }
    }
    Posted {
        form,
        offers,
        exclusions,
        excluded,
    }
}

/// The form's values: posted (`Some`), or the draft's, or a new round's defaults.
fn page(
    ctx: &Ctx,
    u: Unit,
    data: RoundFormData,
    posted: Option<(&FormPairs, Posted)>,
    errs: Vec<FieldError>,
) -> axum::response::Response {
    let tr = ctx.tr;
    let editing = data.round.is_some();
    let (f, seats, ex): (RoundForm, Vec<String>, Vec<(bool, String)>) = match (&posted, &data.round)
    {
        (Some((pairs, p)), _) => (
            p.form.clone(),
            data.posts
                .iter()
                .map(|x| pairs.get(&format!("seats_{}", x.post_id)).to_string())
                .collect(),
            data.candidates
                .iter()
                .map(|c| {
                    (
                        !pairs.get(&format!("exclude_{}", c.person_id)).is_empty(),
                        pairs.get(&format!("reason_{}", c.person_id)).to_string(),
                    )
                })
                .collect(),
        ),
        (None, r) => (
            match r {
                Some(r) => RoundForm {
                    title: r.title.clone(),
                    choose_by: r.choose_by.to_string(),
                    rank_by: r.rank_by.to_string(),
                    max_choices: r.max_choices.to_string(),
                    mode: r.mode.code().into(),
                },
                None => RoundForm {
                    max_choices: CHOICES_DEFAULT.to_string(),
                    mode: Mode::DeferredAcceptance.code().into(),
                    ..RoundForm::default()
                },
            },
            data.posts
                .iter()
                .map(|x| {
                    if x.seats > 0 {
                        x.seats.to_string()
                    } else {
                        String::new()
                    }
                })
                .collect(),
            data.candidates
                .iter()
                .map(|c| {
                    r.as_ref()
                        .and_then(|r| r.exclusions.iter().find(|e| e.person_id == c.person_id))
                        .map_or((false, String::new()), |e| (true, e.reason.clone()))
                })
                .collect(),
        ),
    };
    let excluded = posted
        .as_ref()
        .map(|(_, p)| p.excluded.clone())
        .unwrap_or_default();
    let (errs, body_errors) = on_fields(tr, &data, &excluded, errs);
    let errs = FormErrors::new(tr, &errs);
    let posts = data
        .posts
        .iter()
        .zip(seats)
        .map(|(p, seats)| PostRow {
            id: p.post_id,
            body: p.body_name.clone(),
            title: p.title.clone(),
            level: tr.label_or(
                PostLevel::from_code(&p.level).map(|x| x.label_key()),
                &p.level,
            ),
            hours: p.hours,
            max: p.max_seats,
            seats,
            err: errs.get(&format!("offers.{}", p.post_id)).cloned(),
        })
        .collect();
    let people = data
        .candidates
        .iter()
        .zip(ex)
        .map(|(c, (excluded, reason))| PersonRow {
            id: c.person_id,
            name: c.name.clone(),
            body: c.body_name.clone(),
            years: c.service_years,
            excluded,
            reason,
            err: errs.get(&format!("exclude.{}", c.person_id)).cloned(),
        })
        .collect();
    let mut l = crumbs(ctx, &u).crumb(tr.t("twoway.rounds"), format!("/units/{}/twoway", u.id));
    let action = match &data.round {
        Some(r) => {
            l = l
                .crumb(r.title.clone(), format!("/units/{}/twoway/{}", u.id, r.id))
                .titled(tr.t("twoway.edit_round").to_string());
            format!("/units/{}/twoway/{}/edit", u.id, r.id)
        }
        None => {
            l = l.titled(tr.t("twoway.new_round").to_string());
            format!("/units/{}/twoway", u.id)
        }
    };
    let page = FormPage {
        l,
        u,
        action,
        editing,
        f,
        modes: Mode::ALL
            .iter()
            .map(|m| (m.code(), tr.t(&m.label_key()).to_string()))
            .collect(),
        posts,
        people,
        errs,
        body_errors,
    };
    form_page(page.errs.is_empty() && page.body_errors.is_empty(), &page)
}

/// 单位 › the unit.
fn crumbs(ctx: &Ctx, u: &Unit) -> Layout {
    let mut l = Layout::new(ctx, "twoway.rounds");
    if ctx.actor.can(jiguan_domain::auth::Action::UnitsList) {
        l = l.crumb(ctx.tr.t("menu.units"), "/units");
    }
    l.crumb(u.name.clone(), format!("/units/{}", u.id))
}

/// Puts each error on its field with a readable name: a post's seats (`offers.<post>`) on
/// its seats input named 机构·岗位, an exclusion (`exclusions.N`) on the person's reason
/// (`exclude.<person>`) named by the person; a body's total (`offers.body.<body>`) comes
/// back separately, prefixed with the body's name.
fn on_fields(
    tr: Tr,
    data: &RoundFormData,
    excluded: &[i64],
    errs: Vec<FieldError>,
) -> (Vec<FieldError>, Vec<String>) {
    let mut out = Vec::new();
    let mut bodies = Vec::new();
    for mut e in errs {
        let label = if let Some(b) = e.field.strip_prefix("offers.body.") {
            let name = b
                .parse::<i64>()
                .ok()
                .and_then(|b| data.posts.iter().find(|p| p.body_id == b))
                .map(|p| p.body_name.clone())
                .unwrap_or_default();
            bodies.push(format!("{name}：{}", tr.error(&e)));
            continue;
        } else if let Some(p) = e.field.strip_prefix("offers.") {
            let p = p.parse::<i64>().ok();
            let post = p.and_then(|p| data.posts.iter().find(|x| x.post_id == p));
            post.map(|x| {
                format!(
                    "{}·{}{}",
                    x.body_name,
                    x.title,
                    tr.t("twoway.f.seats_suffix")
                )
            })
        } else if let Some(i) = e.field.strip_prefix("exclusions.") {
            let person = i
                .parse::<usize>()
                .ok()
                .and_then(|i| excluded.get(i).copied());
            person.map(|id| {
                e.field = format!("exclude.{id}");
                let name = data
                    .candidates
                    .iter()
                    .find(|c| c.person_id == id)
                    .map(|c| c.name.clone())
                    .unwrap_or_default();
                format!("{name}{}", tr.t("twoway.f.reason_suffix"))
            })
        } else {
            let k = format!("twoway.f.{}", e.field);
            tr.has(&k).then(|| tr.t(&k).to_string())
        };
        if let Some(label) = label {
            e.args.insert(0, ("field".into(), label));
        }
        out.push(e);
    }
    (out, bodies)
}

/// `GET /units/{unit}/twoway/new`: the form of a new round.
pub async fn new_round(At(st, ctx, u): At) -> WebResult {
    let data = st.app.tw_form(&ctx.actor, u.id, None).await?;
    Ok(page(&ctx, u, data, None, Vec::new()))
}

/// `POST /units/{unit}/twoway`: creates a draft round; the round page, or the form with
/// the errors (422).
pub async fn create(At(st, ctx, u): At, f: FormPairs) -> WebResult {
    let data = st.app.tw_form(&ctx.actor, u.id, None).await?;
    let p = posted(&f, &data);
    match st
        .app
        .tw_create_round(&ctx.actor, u.id, &p.form, &p.offers, &p.exclusions)
        .await
        .fields()?
    {
        Ok(id) => Ok(
            Redirect::to(&format!("/units/{}/twoway/{id}?ok=twoway_created", u.id)).into_response(),
        ),
        Err(e) => Ok(page(&ctx, u, data, Some((&f, p)), e)),
    }
}

/// `GET …/{round}/edit`: the form of a draft round, prefilled; a round no longer a draft
/// shows the round with the refusal (422).
pub async fn edit_round(State(st): State<AppState>, p: InRound) -> WebResult {
    match st
        .app
        .tw_form(&p.ctx.actor, p.u.id, Some(p.round))
        .await
        .fields()?
    {
        Ok(data) => Ok(page(&p.ctx, p.u, data, None, Vec::new())),
        Err(e) => after_errors(&st, p, e).await,
    }
}

/// `POST …/{round}/edit`: replaces a draft round's definition.
pub async fn update(State(st): State<AppState>, p: InRound, f: FormPairs) -> WebResult {
    let data = match st
        .app
        .tw_form(&p.ctx.actor, p.u.id, Some(p.round))
        .await
        .fields()?
    {
        Ok(d) => d,
        Err(e) => return after_errors(&st, p, e).await,
    };
    let x = posted(&f, &data);
    match st
        .app
        .tw_update_round(
            &p.ctx.actor,
            p.u.id,
            p.round,
            &x.form,
            &x.offers,
            &x.exclusions,
        )
        .await
        .fields()?
    {
        Ok(()) => Ok(Redirect::to(&format!(
            "/units/{}/twoway/{}?ok=twoway_updated",
            p.u.id, p.round
        ))
        .into_response()),
        Err(e) if e.iter().any(|x| x.field == "status") => after_errors(&st, p, e).await,
        Err(e) => Ok(page(&p.ctx, p.u, data, Some((&f, x)), e)),
    }
}
