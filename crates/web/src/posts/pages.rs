//! Posts (岗位): posts by body with need versus establishment (因岗定编), the post form
//! (因事定岗), the post and person pages with the assign form (因编定人, 一人多岗),
//! coverage (事事有人做、人人有事做), balance with its chart and suggestions (苦乐不均),
//! Excel export and the district FTE and cost report.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use rust_decimal::Decimal;
use serde::Deserialize;

use jiguan_app::ports::Unit;
use jiguan_app::posts::{
    AssignForm, BalanceView, CoverageView, DistrictFte, EndForm, PersonPosts, PostFormData,
    PostPage, PostsOverview,
};
use jiguan_domain::FieldError;
use jiguan_domain::auth::Action;
use jiguan_domain::people::PersonId;
use jiguan_domain::posts::balance::Bin;
use jiguan_domain::posts::workload::show as fmt2;
use jiguan_domain::posts::{
    AssignmentId, Education, ItemHours, PostForm, PostId, PostKind, PostLevel,
};
use jiguan_domain::tenancy::UnitId;
use jiguan_excel::reports::posts as report;

use crate::AppState;
use crate::error::{FieldErrors, WebResult};
use crate::extract::{At, Form, FormPairs, Path, Query};
use crate::guard::Ctx;
use crate::html::audit::xlsx;
use crate::html::{FormErrors, Layout, page, page_status};
use crate::i18n::Tr;

fn base(unit: UnitId) -> String {
    format!("/units/{unit}/posts")
}

fn to(url: String) -> Response {
    Redirect::to(&url).into_response()
}

/// A page of a unit's posts: dashboard › unit › posts › its title (`title`, else the
/// text of `title_key`).
fn layout(ctx: &Ctx, u: &Unit, title_key: &str, title: Option<String>) -> Layout {
    let l = Layout::new(ctx, title_key);
    let l = match title {
        Some(t) => l.titled(t),
        None => l,
    };
    l.crumb(u.name.clone(), format!("/units/{}", u.id))
        .crumb(ctx.tr.t("posts.title"), base(u.id))
        .here()
}

/// A page, or the same page with 422 when it shows a form's errors.
fn render<T: Template>(errs: &[FieldError], p: &T) -> Response {
    if errs.is_empty() {
        page(p)
    } else {
        page_status(StatusCode::UNPROCESSABLE_ENTITY, p)
    }
}

/// Label helpers shared by the templates.
pub struct Lbl {
    pub tr: Tr,
}

impl Lbl {
    pub fn new(ctx: &Ctx) -> Self {
        Lbl { tr: ctx.tr }
    }
    /// The label of a coded value: the text of `<prefix>.<code>`.
    fn coded(&self, prefix: &str, code: &str) -> String {
        self.tr.t(&format!("{prefix}.{code}")).to_string()
    }
    pub fn lv(&self, code: &str) -> String {
        self.coded("posts.level", code)
    }
    pub fn kd(&self, code: &str) -> String {
        self.coded("posts.kind", code)
    }
    pub fn ed(&self, code: &str) -> String {
        if code.is_empty() {
            self.tr.t("posts.none").to_string()
        } else {
            self.coded("posts.edu", code)
        }
    }
    pub fn edu(&self, e: &Option<Education>) -> String {
        self.ed(e.map_or("", |e| e.code()))
    }
    pub fn d(&self, x: &Decimal) -> String {
        fmt2(*x)
    }
    pub fn opt(&self, x: &Option<Decimal>) -> String {
        x.map(fmt2).unwrap_or_else(|| "—".into())
    }
    pub fn staffing(&self, code: &str) -> String {
        self.coded("posts.staffing", code)
    }
    /// The people module's label of an establishment kind.
    pub fn pk(&self, code: &str) -> String {
        self.coded("people.kind", code)
    }
    /// The people module's label of a staff identity.
    pub fn identity(&self, code: &str) -> String {
        self.coded("people.identity", code)
    }
    pub fn f1(&self, key: &str, name: &str, v: impl std::fmt::Display) -> String {
        self.tr.f(key, &[(name.to_string(), v.to_string())])
    }
    pub fn f2(
        &self,
        key: &str,
        n1: &str,
        v1: impl std::fmt::Display,
        n2: &str,
        v2: impl std::fmt::Display,
    ) -> String {
        self.tr.f(
            key,
            &[
                (n1.to_string(), v1.to_string()),
                (n2.to_string(), v2.to_string()),
            ],
        )
    }
}

/// Query of the posts list: search text and flash.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct IndexParams {
    pub q: Option<String>,
    pub ok: Option<String>,
    /// Only this body's posts (a body id; empty: all).
    pub body: Option<String>,
}

#[derive(Template)]
#[template(path = "posts_index.html")]
pub struct IndexPage {
    pub l: Layout,
    pub x: Lbl,
    pub unit: Unit,
    pub o: PostsOverview,
    pub q: String,
    /// The body filter (a body id as text, empty for all).
    pub body: String,
    pub can_manage: bool,
}

impl IndexPage {
    /// Whether a body's posts are listed (the body filter).
    pub fn body_shown<T: ToString>(&self, body_id: T) -> bool {
        self.body.is_empty() || self.body == body_id.to_string()
    }

    /// Whether a post matches the search (title, body, holder names).
    pub fn shown(&self, r: &jiguan_app::posts::PostRow) -> bool {
        let q = self.q.trim();
        q.is_empty()
            || r.post.title.contains(q)
            || r.body_name.contains(q)
            || r.holders.iter().any(|h| h.person_name.contains(q))
    }
}

pub async fn index(At(st, ctx, u): At, Query(p): Query<IndexParams>) -> WebResult {
    let o = st.app.posts_overview(&ctx.actor, u.id).await?;
    let l = Layout::new(&ctx, "posts.title")
        .titled(format!("{} · {}", u.name, ctx.tr.t("posts.title")))
        .crumb(u.name.clone(), format!("/units/{}", u.id))
        .here()
        .flash(p.ok.as_deref());
    Ok(page(&IndexPage {
        l,
        x: Lbl::new(&ctx),
        unit: u,
        o,
        q: p.q.unwrap_or_default(),
        body: p.body.unwrap_or_default().trim().to_string(),
        can_manage: ctx.actor.can(Action::PostsManage),
    }))
}

#[derive(Template)]
#[template(path = "posts_form.html")]
pub struct FormPage {
    pub l: Layout,
    pub x: Lbl,
    pub unit: Unit,
    pub f: PostForm,
    pub data: PostFormData,
    pub errs: FormErrors,
    pub action: String,
    pub editing: bool,
    pub levels: &'static [PostLevel],
    pub kinds: &'static [PostKind],
    pub edus: &'static [Education],
    /// Item rows to show: the form's items plus blank rows.
    pub rows: Vec<(usize, String, String)>,
}

impl FormPage {
    pub fn item_error(&self, i: &usize) -> Option<&String> {
        self.errs.get(&format!("functions.{i}"))
    }
}

/// The post form from a urlencoded body: items come as `fn_<n>` / `hours_<n>` pairs.
fn post_form(b: &FormPairs) -> PostForm {
    let get = |k: &str| b.get(k).to_string();
    let mut functions = Vec::new();
    for i in 0..200 {
        let key = format!("fn_{i}");
        if b.0.iter().any(|(k, _)| *k == key) {
            functions.push(ItemHours::new(get(&key), get(&format!("hours_{i}"))));
        }
    }
    PostForm {
        body: get("body"),
        title: get("title"),
        level: get("level"),
        establishment: get("establishment"),
        min_education: get("min_education"),
        min_service_years: get("min_service_years"),
        other_requirements: get("other_requirements"),
        functions,
    }
}

async fn form_page(
    st: &AppState,
    ctx: &Ctx,
    u: Unit,
    f: PostForm,
    errs: &[FieldError],
    editing: Option<PostId>,
) -> WebResult {
    let data = st.app.post_form_data(&ctx.actor, u.id).await?;
    let (key, action) = match editing {
        Some(id) => ("posts.edit", format!("{}/{id}/edit", base(u.id))),
        None => ("posts.new", format!("{}/new", base(u.id))),
    };
    let mut rows: Vec<(usize, String, String)> = f
        .functions
        .iter()
        .enumerate()
        .map(|(i, x)| (i, x.function_id.clone(), x.annual_hours.clone()))
        .collect();
    let n = rows.len();
    for i in n..n + 3 {
        rows.push((i, String::new(), String::new()));
    }
    Ok(render(
        errs,
        &FormPage {
            l: layout(ctx, &u, key, None),
            x: Lbl::new(ctx),
            unit: u,
            f,
            data,
            errs: FormErrors::new(ctx.tr, errs),
            action,
            editing: editing.is_some(),
            levels: PostLevel::ALL,
            kinds: PostKind::ALL,
            edus: Education::ALL,
            rows,
        },
    ))
}

/// After a post was saved: its page with the flash.
fn saved(unit: UnitId, id: PostId) -> Response {
    to(format!("{}/{id}?ok=post_saved", base(unit)))
}

pub async fn new_form(At(st, ctx, u): At) -> WebResult {
    let f = PostForm {
        level: PostLevel::General.code().into(),
        establishment: PostKind::Any.code().into(),
        ..PostForm::default()
    };
    form_page(&st, &ctx, u, f, &[], None).await
}

pub async fn create(At(st, ctx, u): At, b: FormPairs) -> WebResult {
    let f = post_form(&b);
    match st.app.create_post(&ctx.actor, u.id, &f).await.fields()? {
        Ok(id) => Ok(saved(u.id, id)),
        Err(e) => form_page(&st, &ctx, u, f, &e, None).await,
    }
}

pub async fn edit_form(At(st, ctx, u): At, Path((_, id)): Path<(UnitId, PostId)>) -> WebResult {
    let f = st.app.post_form(&ctx.actor, u.id, id).await?;
    form_page(&st, &ctx, u, f, &[], Some(id)).await
}

pub async fn update(
    At(st, ctx, u): At,
    Path((_, id)): Path<(UnitId, PostId)>,
    b: FormPairs,
) -> WebResult {
    let f = post_form(&b);
    match st
        .app
        .update_post(&ctx.actor, u.id, id, &f)
        .await
        .fields()?
    {
        Ok(()) => Ok(saved(u.id, id)),
        Err(e) => form_page(&st, &ctx, u, f, &e, Some(id)).await,
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ActiveBody {
    pub active: String,
}

pub async fn set_active(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((unit, id)): Path<(UnitId, PostId)>,
    Form(b): Form<ActiveBody>,
) -> WebResult {
    st.app
        .set_post_active(&ctx.actor, unit, id, b.active == "1")
        .await?;
    Ok(saved(unit, id))
}

#[derive(Template)]
#[template(path = "posts_show.html")]
pub struct ShowPage {
    pub l: Layout,
    pub x: Lbl,
    pub unit: Unit,
    pub p: PostPage,
    pub can_manage: bool,
    pub errs: FormErrors,
    pub a: AssignForm,
}

async fn show_page(
    st: &AppState,
    ctx: &Ctx,
    u: Unit,
    id: PostId,
    a: AssignForm,
    errs: &[FieldError],
    ok: Option<&str>,
) -> WebResult {
    let p = st.app.post_page(&ctx.actor, u.id, id).await?;
    let l = layout(ctx, &u, "posts.post", Some(p.row.post.title.clone())).flash(ok);
    Ok(render(
        errs,
        &ShowPage {
            l,
            x: Lbl::new(ctx),
            unit: u,
            p,
            can_manage: ctx.actor.can(Action::PostsManage),
            errs: FormErrors::new(ctx.tr, errs),
            a,
        },
    ))
}

pub async fn show(
    At(st, ctx, u): At,
    Path((_, id)): Path<(UnitId, PostId)>,
    Query(p): Query<IndexParams>,
) -> WebResult {
    let a = AssignForm {
        share_pct: "100".into(),
        ..AssignForm::default()
    };
    show_page(&st, &ctx, u, id, a, &[], p.ok.as_deref()).await
}

#[derive(Template)]
#[template(path = "posts_person.html")]
pub struct PersonPage {
    pub l: Layout,
    pub x: Lbl,
    pub unit: Unit,
    pub p: PersonPosts,
    pub can_manage: bool,
    pub errs: FormErrors,
    pub a: AssignForm,
}

async fn person_page(
    st: &AppState,
    ctx: &Ctx,
    u: Unit,
    id: PersonId,
    a: AssignForm,
    errs: &[FieldError],
    ok: Option<&str>,
) -> WebResult {
    let p = st.app.person_posts(&ctx.actor, u.id, id).await?;
    let title = format!("{} · {}", p.person.name, ctx.tr.t("posts.person"));
    let l = layout(ctx, &u, "posts.person", Some(title)).flash(ok);
    Ok(render(
        errs,
        &PersonPage {
            l,
            x: Lbl::new(ctx),
            unit: u,
            p,
            can_manage: ctx.actor.can(Action::PostsManage),
            errs: FormErrors::new(ctx.tr, errs),
            a,
        },
    ))
}

pub async fn person(
    At(st, ctx, u): At,
    Path((_, id)): Path<(UnitId, PersonId)>,
    Query(p): Query<IndexParams>,
) -> WebResult {
    let a = AssignForm {
        person: id.to_string(),
        share_pct: "20".into(),
        ..AssignForm::default()
    };
    person_page(&st, &ctx, u, id, a, &[], p.ok.as_deref()).await
}

/// The assign form with where it came from (`back` = `post` or `person`).
#[derive(Debug, Default, Deserialize)]
pub struct AssignBody {
    #[serde(flatten)]
    pub a: AssignForm,
    #[serde(default)]
    pub back: String,
}

pub async fn assign(At(st, ctx, u): At, Form(b): Form<AssignBody>) -> WebResult {
    // Where to go back: the person's page when the form was there, else the post's.
    let person = b.a.person.trim().parse::<i64>().ok().map(PersonId);
    let person = person.filter(|_| b.back == "person");
    let post = b.a.post.trim().parse::<i64>().ok().map(PostId);
    let r = st.app.assign_post(&ctx.actor, u.id, &b.a).await.fields()?;
    match (r, person, post) {
        (Ok(_), Some(p), _) => Ok(to(format!("{}/people/{p}?ok=assigned", base(u.id)))),
        (Ok(_), None, Some(p)) => Ok(to(format!("{}/{p}?ok=assigned", base(u.id)))),
        (Ok(_), None, None) => Ok(to(base(u.id))),
        (Err(e), Some(p), _) => person_page(&st, &ctx, u, p, b.a, &e, None).await,
        (Err(e), None, Some(p)) => show_page(&st, &ctx, u, p, b.a, &e, None).await,
        (Err(e), None, None) => Err(e.into()),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct EndBody {
    #[serde(flatten)]
    pub f: EndForm,
    #[serde(default)]
    pub back: String,
}

pub async fn end(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((unit, id)): Path<(UnitId, AssignmentId)>,
    Form(b): Form<EndBody>,
) -> WebResult {
    st.app.end_assignment(&ctx.actor, unit, id, &b.f).await?;
    // Back to the page the form was on (a path of this unit's posts only).
    let back = if b.back.starts_with(&format!("{}/", base(unit)))
        && !b.back.contains("//")
        && !b.back.contains('?')
    {
        b.back
    } else {
        base(unit)
    };
    Ok(to(format!("{back}?ok=unassigned")))
}

#[derive(Template)]
#[template(path = "posts_coverage.html")]
pub struct CoveragePage {
    pub l: Layout,
    pub x: Lbl,
    pub unit: Unit,
    pub c: CoverageView,
}

pub async fn coverage(At(st, ctx, u): At) -> WebResult {
    let c = st.app.posts_coverage(&ctx.actor, u.id).await?;
    Ok(page(&CoveragePage {
        l: layout(&ctx, &u, "posts.coverage", None),
        x: Lbl::new(&ctx),
        unit: u,
        c,
    }))
}

#[derive(Template)]
#[template(path = "posts_balance.html")]
pub struct BalancePage {
    pub l: Layout,
    pub x: Lbl,
    pub unit: Unit,
    pub b: BalanceView,
    pub chart: String,
    pub can_manage: bool,
    pub errs: FormErrors,
}

impl BalancePage {
    /// The key of the proposal at `i`.
    pub fn key(&self, i: impl std::borrow::Borrow<usize>) -> String {
        self.b.keys.get(*i.borrow()).cloned().unwrap_or_default()
    }
    pub fn reason(&self, p: &jiguan_domain::posts::suggest::Proposal) -> String {
        if self.l.tr.is_en() {
            p.reason_en.clone()
        } else {
            p.reason_zh.clone()
        }
    }
}

/// The distribution chart: an inline SVG histogram of FTE in bins of 0.1, bars coloured
/// by class (underloaded amber, normal blue, overloaded red). Server-rendered, no script.
pub fn chart_svg(tr: &Tr, bins: &[Bin]) -> String {
    let (w, h, left, bottom, top) = (640.0_f64, 240.0_f64, 34.0_f64, 30.0_f64, 16.0_f64);
    let n = bins.len().max(1) as f64;
    let max = bins.iter().map(|b| b.count).max().unwrap_or(0).max(1) as f64;
    let bw = (w - left - 8.0) / n;
    let plot = h - bottom - top;
    let mut s = format!(
        "<svg id=\"balance-chart\" class=\"chart\" viewBox=\"0 0 {w} {h}\" width=\"100%\" role=\"img\" aria-labelledby=\"balance-chart-title\" xmlns=\"http://www.w3.org/2000/svg\"><title id=\"balance-chart-title\">{}</title>",
        esc(tr.t("posts.chart_title"))
    );
    s.push_str(&format!(
        "<line x1=\"{left}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#555\"/>",
        h - bottom,
        w - 8.0,
        h - bottom
    ));
    for (i, b) in bins.iter().enumerate() {
        let x = left + bw * i as f64;
        let bh = plot * b.count as f64 / max;
        let y = h - bottom - bh;
        let fill = match b.class {
            "under" => "#d99a00",
            "over" => "#c0392b",
            _ => "#2f6fb5",
        };
        let range = match b.to {
            Some(t) => format!("{}–{}", b.from, t),
            None => format!("≥ {}", b.from),
        };
        s.push_str(&format!(
            "<rect class=\"bar {}\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{fill}\" data-from=\"{}\" data-count=\"{}\"><title>{range} FTE: {}</title></rect>",
            b.class,
            x + 1.0,
            y,
            (bw - 2.0).max(1.0),
            bh,
            b.from,
            b.count,
            b.count
        ));
        if b.count > 0 {
            s.push_str(&format!(
                "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" text-anchor=\"middle\">{}</text>",
                x + bw / 2.0,
                y - 3.0,
                b.count
            ));
        }
        if i % 5 == 0 {
            s.push_str(&format!(
                "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" text-anchor=\"middle\">{}</text>",
                x,
                h - bottom + 14.0,
                b.from
            ));
        }
    }
    s.push_str(&format!(
        "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\">FTE</text><text x=\"4\" y=\"{top}\" font-size=\"11\">{}</text></svg>",
        w - 8.0,
        h - 4.0,
        esc(tr.t("posts.people_count"))
    ));
    s
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

async fn balance_page(
    st: &AppState,
    ctx: &Ctx,
    u: Unit,
    errs: &[FieldError],
    ok: Option<&str>,
) -> WebResult {
    let b = st.app.posts_balance(&ctx.actor, u.id).await?;
    Ok(render(
        errs,
        &BalancePage {
            l: layout(ctx, &u, "posts.balance", None).flash(ok),
            x: Lbl::new(ctx),
            chart: chart_svg(&ctx.tr, &b.balance.bins),
            unit: u,
            b,
            can_manage: ctx.actor.can(Action::PostsManage),
            errs: FormErrors::new(ctx.tr, errs),
        },
    ))
}

pub async fn balance(At(st, ctx, u): At, Query(p): Query<IndexParams>) -> WebResult {
    balance_page(&st, &ctx, u, &[], p.ok.as_deref()).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AcceptBody {
    /// One proposal's key, or several separated by `;`.
    pub keys: String,
}

pub async fn accept(At(st, ctx, u): At, Form(b): Form<AcceptBody>) -> WebResult {
    let r = st.app.accept_proposals(&ctx.actor, u.id, &b.keys).await;
    match r.fields()? {
        Ok(_) => Ok(to(format!("{}/balance?ok=accepted", base(u.id)))),
        Err(e) => balance_page(&st, &ctx, u, &e, None).await,
    }
}

pub async fn export(At(st, ctx, u): At) -> WebResult {
    let o = st.app.posts_overview(&ctx.actor, u.id).await?;
    xlsx(&report::posts_file_name(&o), &report::posts_sheets(&o))
}

#[derive(Template)]
#[template(path = "posts_district.html")]
pub struct DistrictPage {
    pub l: Layout,
    pub x: Lbl,
    pub r: DistrictFte,
}

pub async fn district(State(st): State<AppState>, ctx: Ctx) -> WebResult {
    let r = st.app.posts_district(&ctx.actor).await?;
    Ok(page(&DistrictPage {
        l: Layout::new(&ctx, "posts.district").here(),
        x: Lbl::new(&ctx),
        r,
    }))
}

pub async fn district_export(State(st): State<AppState>, ctx: Ctx) -> WebResult {
    let r = st.app.posts_district(&ctx.actor).await?;
    xlsx(report::DISTRICT_FILE_NAME, &report::district_sheets(&r))
}
