//! Two-way selection (双向择岗) pages of the people taking part: the staff phone page
//! (`…/mine`: list posts in order, 服从调剂, then the result and why) and the body head's
//! ranking page (`…/rank`: the applicants to the body's posts, ranked or 不接受).

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};

use jiguan_app::ports::Unit;
use jiguan_app::twoway::{RoundView, ranking_form};
use jiguan_domain::FieldError;
use jiguan_domain::posts::{Education, PostKind, PostLevel};
use jiguan_domain::workflow::Status;

use crate::AppState;
use crate::error::{FieldErrors, WebResult};
use crate::extract::{FormPairs, Query};
use crate::guard::Ctx;
use crate::html::{FormErrors, Layout, form_page};

use super::InRound;
use super::pages::TwQuery;

/// A post as a staff member sees it when choosing.
pub struct PostCard {
    pub id: i64,
    pub label: String,
    pub level: String,
    pub kind: String,
    pub needs: String,
    /// 职责: the post's function items with their hours.
    pub duties: String,
    pub hours: i64,
    pub seats: i64,
    /// Why the person may not choose it (empty: they qualify).
    pub ineligible: String,
}

/// One numbered choice (志愿) of the form.
pub struct ChoiceField {
    pub no: usize,
    pub name: String,
    pub selected: String,
    pub err: Option<String>,
}

/// The person's result after the match.
pub struct MyResult {
    pub post: String,
    pub choice: String,
    pub adjusted: bool,
    pub why: Vec<String>,
    pub route: String,
}

#[derive(Template)]
#[template(path = "twoway_mine.html")]
pub struct MinePage {
    pub l: Layout,
    pub u: Unit,
    pub id: i64,
    pub open: bool,
    pub person_ok: bool,
    pub posts: Vec<PostCard>,
    pub choices: Vec<ChoiceField>,
    pub accept_adjust: bool,
    pub result: Option<MyResult>,
    pub errs: FormErrors,
}

fn layout(ctx: &Ctx, v: &RoundView, key: &str) -> Layout {
    Layout::new(ctx, key).titled(v.round.title.clone())
}

fn post_label(v: &RoundView, p: i64) -> String {
    v.post(p)
        .map(|x| format!("{}·{}", x.body_name, x.title))
        .unwrap_or_default()
}

/// The person linked to the account, or why there is none.
type Mine = Result<i64, Vec<FieldError>>;
/// The offered posts the person does not qualify for, with the reasons.
type Ineligible = BTreeMap<i64, Vec<FieldError>>;

/// The page; `me` is the person linked to the account (or why there is none), `entered`
/// the choices as submitted (None: as saved).
fn mine_page(
    ctx: &Ctx,
    u: Unit,
    v: RoundView,
    (me, inelig): (Mine, &Ineligible),
    entered: Option<(Vec<String>, bool)>,
    mut errs: Vec<FieldError>,
    ok: Option<&str>,
) -> Response {
    let tr = ctx.tr;
    let person = match me {
        Ok(p) => Some(p),
        Err(e) => {
            errs.extend(e);
            None
        }
    };
    let errs = FormErrors::new(tr, &errs);
    let saved = person.and_then(|p| v.prefs.iter().find(|x| x.person_id == p));
    let (values, accept_adjust) = entered.unwrap_or_else(|| {
        saved.map_or((Vec::new(), false), |s| {
            (
                s.posts.iter().map(|p| p.to_string()).collect(),
                s.accept_adjust,
            )
        })
    });
    let max = v.round.max_choices as usize;
    let choices = (0..max)
        .map(|i| ChoiceField {
            no: i + 1,
            name: format!("pref_{i}"),
            selected: values.get(i).cloned().unwrap_or_default(),
            err: errs.get(&format!("prefs.{i}")).cloned(),
        })
        .collect();
    let posts = v
        .posts
        .iter()
        .map(|p| PostCard {
            id: p.post_id,
            label: format!("{}·{}", p.body_name, p.title),
            level: tr.label_or(
                PostLevel::from_code(&p.level).map(|x| x.label_key()),
                &p.level,
            ),
            kind: tr.label_or(PostKind::from_code(&p.kind).map(|x| x.label_key()), &p.kind),
            needs: [
                tr.label_or(
                    Education::from_code(&p.min_education).map(|x| x.label_key()),
                    &p.min_education,
                ),
                if p.min_service_years > 0 {
                    format!("{}{}", p.min_service_years, tr.t("twoway.years"))
                } else {
                    String::new()
                },
                p.other_requirements.clone(),
            ]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("；"),
            duties: p
                .duties
                .iter()
                .map(|(t, h)| format!("{t}（{h}）"))
                .collect::<Vec<_>>()
                .join("、"),
            hours: p.hours,
            seats: p.seats,
            ineligible: inelig
                .get(&p.post_id)
                .map(|es| {
                    es.iter()
                        .map(|e| tr.error(e))
                        .collect::<Vec<_>>()
                        .join("；")
                })
                .unwrap_or_default(),
        })
        .collect();
    let result = v.result.as_ref().and(person).and_then(|p| {
        v.lines
            .iter()
            .find(|x| x.person.person_id == p)
            .map(|x| MyResult {
                post: x.post_id.map(|q| post_label(&v, q)).unwrap_or_default(),
                choice: x.choice.map(|c| c.to_string()).unwrap_or_default(),
                adjusted: x.adjusted,
                why: x
                    .why
                    .iter()
                    .map(|(q, k)| format!("{}：{}", post_label(&v, *q), tr.t(k)))
                    .collect(),
                route: x
                    .route
                    .map(|r| tr.t(&r.label_key()).to_string())
                    .unwrap_or_default(),
            })
    });
    let page = MinePage {
        l: layout(ctx, &v, "twoway.mine").flash(ok),
        id: v.round.id.0,
        open: v.round.status == Status::Open && v.result.is_none(),
        person_ok: person.is_some(),
        posts,
        choices,
        accept_adjust,
        result,
        u,
        errs,
    };
    form_page(page.errs.is_empty() || !page.person_ok, &page)
}

/// The page as [`mine_page`] makes it, with the person linked to the account and the
/// offered posts they do not qualify for (and why) looked up.
async fn mine_of(
    st: &AppState,
    p: InRound,
    v: RoundView,
    entered: Option<(Vec<String>, bool)>,
    errs: Vec<FieldError>,
    ok: Option<&str>,
) -> WebResult {
    let me = st.app.tw_me(&p.ctx.actor, p.u.id, p.round).await.fields()?;
    let inelig = match &me {
        Ok(person) => {
            st.app
                .tw_ineligible(&p.ctx.actor, p.u.id, p.round, *person)
                .await?
        }
        Err(_) => BTreeMap::new(),
    };
    Ok(mine_page(&p.ctx, p.u, v, (me, &inelig), entered, errs, ok))
}

/// `GET …/mine`: the staff member's choices, or their result.
pub async fn mine(State(st): State<AppState>, p: InRound, Query(q): Query<TwQuery>) -> WebResult {
    let v = st.app.tw_view(&p.ctx.actor, p.u.id, p.round).await?;
    mine_of(&st, p, v, None, Vec::new(), q.ok.as_deref()).await
}

/// `POST …/mine`: saves the choices (`pref_0` … in order, `accept_adjust`).
pub async fn choose(State(st): State<AppState>, p: InRound, f: FormPairs) -> WebResult {
    let v = st.app.tw_view(&p.ctx.actor, p.u.id, p.round).await?;
    let raw: Vec<String> = (0..v.round.max_choices as usize)
        .map(|i| f.get(&format!("pref_{i}")).to_string())
        .collect();
    let adjust = !f.get("accept_adjust").is_empty();
    let r = st
        .app
        .tw_save_my_prefs(&p.ctx.actor, p.u.id, p.round, &raw, adjust)
        .await
        .fields()?;
    match r {
        Ok(()) => Ok(Redirect::to(&format!(
            "/units/{}/twoway/{}/mine?ok=twoway_prefs_saved",
            p.u.id, p.round
        ))
        .into_response()),
        Err(e) => mine_of(&st, p, v, Some((raw, adjust)), e, None).await,
    }
}

/// One applicant on the ranking form.
pub struct Applicant {
    pub id: i64,
    pub name: String,
    pub body: String,
    pub service_years: i64,
    pub choice: String,
    pub rank: String,
    pub refused: bool,
    pub err: Option<String>,
}

/// One post to rank.
pub struct RankPost {
    pub id: i64,
    pub label: String,
    pub seats: i64,
    pub applicants: Vec<Applicant>,
}

#[derive(Template)]
#[template(path = "twoway_rank.html")]
pub struct RankPage {
    pub l: Layout,
    pub u: Unit,
    pub id: i64,
    pub open: bool,
    pub posts: Vec<RankPost>,
    pub errs: FormErrors,
}

/// The ranking page; `entered` is the post whose form came back with errors and what was
/// entered.
fn rank_page(
    ctx: &Ctx,
    u: Unit,
    v: RoundView,
    mine: &[i64],
    entered: Option<(i64, Vec<(i64, String)>)>,
    errs: &[FieldError],
    ok: Option<&str>,
) -> Response {
    let errs = FormErrors::new(ctx.tr, errs);
    let posts = mine
        .iter()
        .filter_map(|p| v.post(*p))
        .map(|p| {
            let apps = v.applicants.get(&p.post_id).cloned().unwrap_or_default();
            let form = match &entered {
                Some((q, e)) if *q == p.post_id => e.clone(),
                _ => ranking_form(
                    v.rankings
                        .iter()
                        .find(|r| r.post_id == p.post_id)
                        .map(|r| &r.ranking),
                    &apps,
                ),
            };
            let applicants = form
                .into_iter()
                .filter_map(|(a, val)| {
                    let x = v.person(a)?;
                    let choice = v
                        .prefs
                        .iter()
                        .find(|r| r.person_id == a)
                        .and_then(|r| r.posts.iter().position(|q| *q == p.post_id))
                        .map_or(String::new(), |i| (i + 1).to_string());
                    let refused = val.eq_ignore_ascii_case("x");
                    Some(Applicant {
                        id: a,
                        name: x.name.clone(),
                        body: x.body_name.clone(),
                        service_years: x.service_years,
                        choice,
                        rank: if refused { String::new() } else { val },
                        refused,
                        err: errs.get(&format!("rank.{a}")).cloned(),
                    })
                })
                .collect();
            RankPost {
                id: p.post_id,
                label: format!("{}·{}", p.body_name, p.title),
                seats: p.seats,
                applicants,
            }
        })
        .collect();
    let page = RankPage {
        l: layout(ctx, &v, "twoway.rank").flash(ok),
        id: v.round.id.0,
        open: v.round.status == Status::Open,
        posts,
        u,
        errs,
    };
    form_page(page.errs.is_empty(), &page)
}

/// `GET …/rank`: the applicants to the posts the head may rank.
pub async fn rank(State(st): State<AppState>, p: InRound, Query(q): Query<TwQuery>) -> WebResult {
    let mine = st.app.tw_rankable(&p.ctx.actor, p.u.id, p.round).await?;
    let v = st.app.tw_view(&p.ctx.actor, p.u.id, p.round).await?;
    Ok(rank_page(&p.ctx, p.u, v, &mine, None, &[], q.ok.as_deref()))
}

/// `POST …/rank`: one post's ranking (`post`, `rank_<person>` positions, `x_<person>`
/// ticked for 不接受).
pub async fn save_rank(State(st): State<AppState>, p: InRound, f: FormPairs) -> WebResult {
    let post = f.get("post").trim().parse::<i64>().unwrap_or(0);
    let mut order: Vec<(i64, String)> = Vec::new();
    for (k, val) in &f.0 {
        if let Some(a) = k.strip_prefix("rank_").and_then(|a| a.parse::<i64>().ok()) {
            let refused = !f.get(&format!("x_{a}")).is_empty();
            order.push((a, if refused { "x".into() } else { val.clone() }));
        }
    }
    let r = st
        .app
        .tw_save_ranking(&p.ctx.actor, p.u.id, p.round, post, &order)
        .await
        .fields()?;
    match r {
        Ok(()) => Ok(Redirect::to(&format!(
            "/units/{}/twoway/{}/rank?ok=twoway_ranked",
            p.u.id, p.round
        ))
        .into_response()),
        Err(e) => {
            let mine = st.app.tw_rankable(&p.ctx.actor, p.u.id, p.round).await?;
            let v = st.app.tw_view(&p.ctx.actor, p.u.id, p.round).await?;
            Ok(rank_page(
                &p.ctx,
                p.u,
                v,
                &mine,
                Some((post, order)),
                &e,
                None,
            ))
        }
    }
}
