//! Posts (岗位): posts by body with need versus establishment (因岗定编), the post form
//! (因事定岗), the post and person pages with the assign form (因编定人, 一人多岗),
//! coverage (事事有人做、人人有事做), balance with its chart and suggestions (苦乐不均),
//! Excel export and the district FTE and cost report.

use askama::Template;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use rust_decimal::Decimal;
use serde::Deserialize;

use jiguan_app::AppError;
use jiguan_app::ports::Unit;
use jiguan_app::posts::{
    AssignForm, BalanceView, CoverageView, DistrictFte, EndForm, PersonPosts, PostFormData,
    PostPage, PostsOverview,
};
use jiguan_domain::FieldError;
use jiguan_domain::auth::Action;
use jiguan_domain::posts::balance::Bin;
use jiguan_domain::posts::workload::show as fmt2;
use jiguan_domain::posts::{Education, PostForm, PostKind, PostLevel};
use jiguan_domain::tenancy::UnitId;
use jiguan_excel::{Cell, Sheet};

use crate::AppState;
use crate::error::page_error;
use crate::guard::Ctx;
use crate::html::{FormErrors, Layout, page, page_status};
use crate::i18n::Tr;

fn base(unit: i64) -> String {
    format!("/units/{unit}/posts")
}

fn id_of(raw: &str) -> Result<i64, AppError> {
    raw.parse::<i64>().map_err(|_| AppError::NotFound)
}

async fn unit_of(st: &AppState, ctx: &Ctx, unit: i64) -> Result<Unit, AppError> {
    st.app.get_unit(&ctx.actor, UnitId(unit)).await
}

fn layout(ctx: &Ctx, u: &Unit, title_key: &str) -> Layout {
    Layout::new(ctx, title_key)
        .crumb(u.name.clone(), format!("/units/{}", u.id))
        .crumb(ctx.tr.t("posts.title"), base(u.id.0))
        .here()
}

/// Label helpers shared by the templates.
pub struct Lbl {
    pub tr: Tr,
}

impl Lbl {
    pub fn lv(&self, code: &str) -> String {
        self.tr.t(&format!("posts.level.{code}")).to_string()
    }
    pub fn kd(&self, code: &str) -> String {
        self.tr.t(&format!("posts.kind.{code}")).to_string()
    }
    pub fn ed(&self, code: &str) -> String {
        if code.is_empty() {
            self.tr.t("posts.none").to_string()
        } else {
            self.tr.t(&format!("posts.edu.{code}")).to_string()
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
        self.tr.t(&format!("posts.staffing.{code}")).to_string()
    }
    /// The people module's label of an establishment kind.
    pub fn pk(&self, code: &str) -> String {
        self.tr.t(&format!("people.kind.{code}")).to_string()
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
}

#[derive(Template)]
#[template(path = "posts_index.html")]
pub struct IndexPage {
    pub l: Layout,
    pub x: Lbl,
    pub unit: Unit,
    pub o: PostsOverview,
    pub q: String,
    pub can_manage: bool,
}

impl IndexPage {
    /// Whether a post matches the search (title, body, holder names).
    pub fn shown(&self, r: &jiguan_app::posts::PostRow) -> bool {
        let q = self.q.trim();
        q.is_empty()
            || r.post.title.contains(q)
            || r.body_name.contains(q)
            || r.holders.iter().any(|h| h.person_name.contains(q))
    }
}

pub async fn index(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(unit): Path<i64>,
    Query(p): Query<IndexParams>,
) -> Response {
    let r = async {
        let u = unit_of(&st, &ctx, unit).await?;
        let o = st.app.posts_overview(&ctx.actor, UnitId(unit)).await?;
        Ok::<_, AppError>((u, o))
    }
    .await;
    match r {
        Ok((u, o)) => {
            let l = Layout::new(&ctx, "posts.title")
                .titled(format!("{} · {}", u.name, ctx.tr.t("posts.title")))
                .crumb(u.name.clone(), format!("/units/{unit}"))
                .here()
                .flash(p.ok.as_deref());
            page(&IndexPage {
                l,
                x: Lbl { tr: ctx.tr },
                unit: u,
                o,
                q: p.q.unwrap_or_default(),
                can_manage: ctx.actor.can(Action::PostsManage),
            })
        }
        Err(e) => page_error(ctx.tr, e),
    }
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
fn post_form(body: &str) -> PostForm {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(body).unwrap_or_default();
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(a, _)| a == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let mut functions = Vec::new();
    for i in 0..200 {
        let (f, h) = (get(&format!("fn_{i}")), get(&format!("hours_{i}")));
        if pairs.iter().any(|(k, _)| *k == format!("fn_{i}")) {
            functions.push((f, h));
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
    editing: Option<i64>,
) -> Response {
    let data = match st.app.post_form_data(&ctx.actor, u.id).await {
        Ok(d) => d,
        Err(e) => return page_error(ctx.tr, e),
    };
    let (key, action) = match editing {
        Some(id) => ("posts.edit", format!("{}/{id}/edit", base(u.id.0))),
        None => ("posts.new", format!("{}/new", base(u.id.0))),
    };
    let mut rows: Vec<(usize, String, String)> = f
        .functions
        .iter()
        .enumerate()
        .map(|(i, (a, b))| (i, a.clone(), b.clone()))
        .collect();
    let n = rows.len();
    for i in n..n + 3 {
        rows.push((i, String::new(), String::new()));
    }
    let p = FormPage {
        l: layout(ctx, &u, key),
        x: Lbl { tr: ctx.tr },
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
    };
    if errs.is_empty() {
        page(&p)
    } else {
        page_status(StatusCode::UNPROCESSABLE_ENTITY, &p)
    }
}

pub async fn new_form(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(unit): Path<i64>,
) -> Response {
    match unit_of(&st, &ctx, unit).await {
        Ok(u) => {
            let f = PostForm {
                level: PostLevel::General.code().into(),
                establishment: PostKind::Any.code().into(),
                ..PostForm::default()
            };
            form_page(&st, &ctx, u, f, &[], None).await
        }
        Err(e) => page_error(ctx.tr, e),
    }
}

pub async fn create(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(unit): Path<i64>,
    body: String,
) -> Response {
    let u = match unit_of(&st, &ctx, unit).await {
        Ok(u) => u,
        Err(e) => return page_error(ctx.tr, e),
    };
    let f = post_form(&body);
    match st.app.create_post(&ctx.actor, UnitId(unit), &f).await {
        Ok(id) => Redirect::to(&format!("{}/{id}?ok=post_saved", base(unit))).into_response(),
        Err(AppError::Invalid(e)) => form_page(&st, &ctx, u, f, &e, None).await,
        Err(e) => page_error(ctx.tr, e),
    }
}

pub async fn edit_form(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((unit, post)): Path<(i64, String)>,
) -> Response {
    let r = async {
        let id = id_of(&post)?;
        let u = unit_of(&st, &ctx, unit).await?;
        let f = st.app.post_form(&ctx.actor, UnitId(unit), id).await?;
        Ok::<_, AppError>((id, u, f))
    }
    .await;
    match r {
        Ok((id, u, f)) => form_page(&st, &ctx, u, f, &[], Some(id)).await,
        Err(e) => page_error(ctx.tr, e),
    }
}

pub async fn update(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((unit, post)): Path<(i64, String)>,
    body: String,
) -> Response {
    let r = async {
        let id = id_of(&post)?;
        Ok::<_, AppError>((id, unit_of(&st, &ctx, unit).await?))
    }
    .await;
    let (id, u) = match r {
        Ok(x) => x,
        Err(e) => return page_error(ctx.tr, e),
    };
    let f = post_form(&body);
    match st.app.update_post(&ctx.actor, UnitId(unit), id, &f).await {
        Ok(()) => Redirect::to(&format!("{}/{id}?ok=post_saved", base(unit))).into_response(),
        Err(AppError::Invalid(e)) => form_page(&st, &ctx, u, f, &e, Some(id)).await,
        Err(e) => page_error(ctx.tr, e),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ActiveBody {
    #[serde(default)]
    pub active: String,
}

pub async fn set_active(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((unit, post)): Path<(i64, String)>,
    body: String,
) -> Response {
    let b: ActiveBody = serde_urlencoded::from_str(&body).unwrap_or_default();
    let r = async {
        let id = id_of(&post)?;
        st.app
            .set_post_active(&ctx.actor, UnitId(unit), id, b.active == "1")
            .await?;
        Ok::<_, AppError>(id)
    }
    .await;
    match r {
        Ok(id) => Redirect::to(&format!("{}/{id}?ok=post_saved", base(unit))).into_response(),
        Err(e) => page_error(ctx.tr, e),
    }
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
    unit: i64,
    id: i64,
    a: AssignForm,
    errs: &[FieldError],
    ok: Option<&str>,
) -> Response {
    let r = async {
        let u = unit_of(st, ctx, unit).await?;
        let p = st.app.post_page(&ctx.actor, UnitId(unit), id).await?;
        Ok::<_, AppError>((u, p))
    }
    .await;
    match r {
        Ok((u, p)) => {
            let l = Layout::new(ctx, "posts.post")
                .titled(p.row.post.title.clone())
                .crumb(u.name.clone(), format!("/units/{unit}"))
                .crumb(ctx.tr.t("posts.title"), base(unit))
                .here()
                .flash(ok);
            let page_ = ShowPage {
                l,
                x: Lbl { tr: ctx.tr },
                unit: u,
                p,
                can_manage: ctx.actor.can(Action::PostsManage),
                errs: FormErrors::new(ctx.tr, errs),
                a,
            };
            if errs.is_empty() {
                page(&page_)
            } else {
                page_status(StatusCode::UNPROCESSABLE_ENTITY, &page_)
            }
        }
        Err(e) => page_error(ctx.tr, e),
    }
}

pub async fn show(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((unit, post)): Path<(i64, String)>,
    Query(p): Query<IndexParams>,
) -> Response {
    match id_of(&post) {
        Ok(id) => {
            let a = AssignForm {
                share_pct: "100".into(),
                ..AssignForm::default()
            };
            show_page(&st, &ctx, unit, id, a, &[], p.ok.as_deref()).await
        }
        Err(e) => page_error(ctx.tr, e),
    }
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
    unit: i64,
    id: i64,
    a: AssignForm,
    errs: &[FieldError],
    ok: Option<&str>,
) -> Response {
    let r = async {
        let u = unit_of(st, ctx, unit).await?;
        let p = st.app.person_posts(&ctx.actor, UnitId(unit), id).await?;
        Ok::<_, AppError>((u, p))
    }
    .await;
    match r {
        Ok((u, p)) => {
            let l = Layout::new(ctx, "posts.person")
                .titled(format!("{} · {}", p.person.name, ctx.tr.t("posts.person")))
                .crumb(u.name.clone(), format!("/units/{unit}"))
                .crumb(ctx.tr.t("posts.title"), base(unit))
                .here()
                .flash(ok);
            let page_ = PersonPage {
                l,
                x: Lbl { tr: ctx.tr },
                unit: u,
                p,
                can_manage: ctx.actor.can(Action::PostsManage),
                errs: FormErrors::new(ctx.tr, errs),
                a,
            };
            if errs.is_empty() {
                page(&page_)
            } else {
                page_status(StatusCode::UNPROCESSABLE_ENTITY, &page_)
            }
        }
        Err(e) => page_error(ctx.tr, e),
    }
}

pub async fn person(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((unit, person)): Path<(i64, String)>,
    Query(p): Query<IndexParams>,
) -> Response {
    match id_of(&person) {
        Ok(id) => {
            let a = AssignForm {
                person: id.to_string(),
                share_pct: "20".into(),
                ..AssignForm::default()
            };
            person_page(&st, &ctx, unit, id, a, &[], p.ok.as_deref()).await
        }
        Err(e) => page_error(ctx.tr, e),
    }
}

/// The assign form with where it came from (`back` = `post` or `person`).
#[derive(Debug, Default, Deserialize)]
pub struct AssignBody {
    #[serde(flatten)]
    pub a: AssignForm,
    #[serde(default)]
    pub back: String,
}

pub async fn assign(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(unit): Path<i64>,
    body: String,
) -> Response {
    let b: AssignBody = serde_urlencoded::from_str(&body).unwrap_or_default();
    let r = st.app.assign_post(&ctx.actor, UnitId(unit), &b.a).await;
    let post = b.a.post.trim().parse::<i64>().ok();
    let person = b.a.person.trim().parse::<i64>().ok();
    match (r, b.back.as_str()) {
        (Ok(_), "person") if person.is_some() => Redirect::to(&format!(
            "{}/people/{}?ok=assigned",
            base(unit),
            person.unwrap_or_default()
        ))
        .into_response(),
        (Ok(_), _) if post.is_some() => Redirect::to(&format!(
            "{}/{}?ok=assigned",
            base(unit),
            post.unwrap_or_default()
        ))
        .into_response(),
        (Ok(_), _) => Redirect::to(&base(unit)).into_response(),
        (Err(AppError::Invalid(e)), "person") if person.is_some() => {
            person_page(&st, &ctx, unit, person.unwrap_or_default(), b.a, &e, None).await
        }
        (Err(AppError::Invalid(e)), _) if post.is_some() => {
            show_page(&st, &ctx, unit, post.unwrap_or_default(), b.a, &e, None).await
        }
        (Err(e), _) => page_error(ctx.tr, e),
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
    Extension(ctx): Extension<Ctx>,
    Path((unit, assignment)): Path<(i64, String)>,
    body: String,
) -> Response {
    let b: EndBody = serde_urlencoded::from_str(&body).unwrap_or_default();
    let r = async {
        let id = id_of(&assignment)?;
        st.app
            .end_assignment(&ctx.actor, UnitId(unit), id, &b.f)
            .await
    }
    .await;
    match r {
        Ok(()) => {
            // Back to the page the form was on (a path of this unit's posts only).
            let back = if b.back.starts_with(&format!("{}/", base(unit)))
                && !b.back.contains("//")
                && !b.back.contains('?')
            {
                b.back
            } else {
                base(unit)
            };
            Redirect::to(&format!("{back}?ok=unassigned")).into_response()
        }
        Err(e) => page_error(ctx.tr, e),
    }
}

#[derive(Template)]
#[template(path = "posts_coverage.html")]
pub struct CoveragePage {
    pub l: Layout,
    pub x: Lbl,
    pub unit: Unit,
    pub c: CoverageView,
}

impl CoveragePage {
    pub fn identity(&self, code: &str) -> String {
        self.l.tr.t(&format!("people.identity.{code}")).to_string()
    }
}

pub async fn coverage(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(unit): Path<i64>,
) -> Response {
    let r = async {
        let u = unit_of(&st, &ctx, unit).await?;
        let c = st.app.posts_coverage(&ctx.actor, UnitId(unit)).await?;
        Ok::<_, AppError>((u, c))
    }
    .await;
    match r {
        Ok((u, c)) => page(&CoveragePage {
            l: layout(&ctx, &u, "posts.coverage"),
            x: Lbl { tr: ctx.tr },
            unit: u,
            c,
        }),
        Err(e) => page_error(ctx.tr, e),
    }
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
        "<svg id=\"balance-chart\" class=\"chart\" viewBox=\"0 0 {w} {h}\" width=\"100%\" role=\"img\" aria-labelledby=\"balance-chart-title\" xmlns=\"http://www.w3.org/2000/svg\" style=\"max-width:{w}px;background:#fff\"><title id=\"balance-chart-title\">{}</title>",
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
    unit: i64,
    errs: &[FieldError],
    ok: Option<&str>,
) -> Response {
    let r = async {
        let u = unit_of(st, ctx, unit).await?;
        let b = st.app.posts_balance(&ctx.actor, UnitId(unit)).await?;
        Ok::<_, AppError>((u, b))
    }
    .await;
    match r {
        Ok((u, b)) => {
            let p = BalancePage {
                l: layout(ctx, &u, "posts.balance").flash(ok),
                x: Lbl { tr: ctx.tr },
                chart: chart_svg(&ctx.tr, &b.balance.bins),
                unit: u,
                b,
                can_manage: ctx.actor.can(Action::PostsManage),
                errs: FormErrors::new(ctx.tr, errs),
            };
            if errs.is_empty() {
                page(&p)
            } else {
                page_status(StatusCode::UNPROCESSABLE_ENTITY, &p)
            }
        }
        Err(e) => page_error(ctx.tr, e),
    }
}

pub async fn balance(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(unit): Path<i64>,
    Query(p): Query<IndexParams>,
) -> Response {
    balance_page(&st, &ctx, unit, &[], p.ok.as_deref()).await
}

#[derive(Debug, Default, Deserialize)]
pub struct AcceptBody {
    /// One proposal's key, or several separated by `;`.
    #[serde(default)]
    pub keys: String,
}

pub async fn accept(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(unit): Path<i64>,
    body: String,
) -> Response {
    let b: AcceptBody = serde_urlencoded::from_str(&body).unwrap_or_default();
    match st
        .app
        .accept_proposals(&ctx.actor, UnitId(unit), &b.keys)
        .await
    {
        Ok(_) => Redirect::to(&format!("{}/balance?ok=accepted", base(unit))).into_response(),
        Err(AppError::Invalid(e)) => balance_page(&st, &ctx, unit, &e, None).await,
        Err(e) => page_error(ctx.tr, e),
    }
}

fn xlsx(name: &str, bytes: Vec<u8>) -> Response {
    let enc: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    (
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"export.xlsx\"; filename*=UTF-8''{enc}.xlsx"),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// The posts workbook: 岗位一览 (one row per post) and 岗位人员 (one row per holder).
pub fn posts_sheets(o: &PostsOverview) -> Vec<Sheet> {
    let mut posts = Vec::new();
    let mut holders = Vec::new();
    for b in &o.bodies {
        for r in &b.posts {
            let p = &r.post;
            posts.push(vec![
                Cell::from(b.name.as_str()),
                Cell::from(p.title.as_str()),
                Cell::from(p.level.zh()),
                Cell::from(p.establishment.zh()),
                Cell::from(p.min_education.map_or("", |e| e.zh())),
                Cell::Int(p.min_service_years),
                Cell::from(p.other_requirements.as_str()),
                Cell::Int(r.hours),
                Cell::Text(fmt2(r.fte)),
                Cell::Int(r.holders.len() as i64),
                Cell::Text(
                    r.holders
                        .iter()
                        .map(|h| format!("{}（{}%）", h.person_name, h.assignment.share_pct))
                        .collect::<Vec<_>>()
                        .join("、"),
                ),
                Cell::from(if p.active { "在用" } else { "已撤销" }),
            ]);
            for h in &r.holders {
                let a = &h.assignment;
                holders.push(vec![
                    Cell::from(b.name.as_str()),
                    Cell::from(p.title.as_str()),
                    Cell::from(h.person_name.as_str()),
                    Cell::Int(a.share_pct),
                    Cell::from(if a.main { "主岗" } else { "兼岗" }),
                    Cell::from(if a.overtime { "是" } else { "否" }),
                    Cell::Text(fmt2(h.hours)),
                    Cell::Date(a.start_date),
                ]);
            }
        }
    }
    vec![
        Sheet {
            name: "岗位一览".into(),
            headers: [
                "内设机构",
                "岗位名称",
                "岗位层级",
                "编制要求",
                "最低学历",
                "最低工作年限",
                "其他条件",
                "年工作量（小时）",
                "所需人力（FTE）",
                "在岗人数",
                "在岗人员",
                "状态",
            ]
            .map(String::from)
            .to_vec(),
            rows: posts,
        },
        Sheet {
            name: "岗位人员".into(),
            headers: [
                "内设机构",
                "岗位名称",
                "姓名",
                "时间份额（%）",
                "主岗/兼岗",
                "加班",
                "分担工作量（小时）",
                "起始日期",
            ]
            .map(String::from)
            .to_vec(),
            rows: holders,
        },
    ]
}

pub async fn export(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(unit): Path<i64>,
) -> Response {
    match st.app.posts_overview(&ctx.actor, UnitId(unit)).await {
        Ok(o) => match jiguan_excel::write_workbook(&posts_sheets(&o)) {
            Ok(b) => xlsx(&format!("{}岗位一览", o.unit.name), b),
            Err(e) => page_error(ctx.tr, AppError::Internal(e.to_string())),
        },
        Err(e) => page_error(ctx.tr, e),
    }
}

#[derive(Template)]
#[template(path = "posts_district.html")]
pub struct DistrictPage {
    pub l: Layout,
    pub x: Lbl,
    pub r: DistrictFte,
}

pub async fn district(State(st): State<AppState>, Extension(ctx): Extension<Ctx>) -> Response {
    match st.app.posts_district(&ctx.actor).await {
        Ok(r) => page(&DistrictPage {
            l: Layout::new(&ctx, "posts.district").here(),
            x: Lbl { tr: ctx.tr },
            r,
        }),
        Err(e) => page_error(ctx.tr, e),
    }
}

pub async fn district_export(
    State(st): State<AppState>,
    Extension(ctx): Extension<Ctx>,
) -> Response {
    match st.app.posts_district(&ctx.actor).await {
        Ok(r) => {
            let mut rows: Vec<Vec<Cell>> = Vec::new();
            for l in r.lines.iter().chain(std::iter::once(&r.total)) {
                rows.push(vec![
                    Cell::Text(if l.unit.name.is_empty() {
                        "合计".into()
                    } else {
                        l.unit.name.clone()
                    }),
                    Cell::Int(l.posts),
                    Cell::Int(l.hours),
                    Cell::Text(fmt2(l.need)),
                    Cell::Int(l.establishment),
                    Cell::Int(l.staff),
                    Cell::Text(fmt2(l.assigned)),
                    Cell::Money(l.cost),
                ]);
            }
            let sheet = Sheet {
                name: "岗位人力与人头费用".into(),
                headers: [
                    "单位",
                    "岗位数",
                    "年工作量（小时）",
                    "所需人力（FTE）",
                    "核定编制",
                    "在岗人数",
                    "在岗人力（FTE）",
                    "人头费用（元/年）",
                ]
                .map(String::from)
                .to_vec(),
                rows,
            };
            match jiguan_excel::write_workbook(&[sheet]) {
                Ok(b) => xlsx("岗位人力与人头费用", b),
                Err(e) => page_error(ctx.tr, AppError::Internal(e.to_string())),
            }
        }
        Err(e) => page_error(ctx.tr, e),
    }
}
