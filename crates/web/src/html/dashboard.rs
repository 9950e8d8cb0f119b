//! The dashboard (工作台): the overview cards, the inbox's count and items, and the
//! figures drawn as bars (inline SVG with classes: the CSP allows no inline style).

use askama::Template;
use axum::extract::State;

use jiguan_app::dashboard::{Bar, Figures};
use jiguan_app::tenancy::Dashboard;

use crate::AppState;
use crate::error::WebResult;
use crate::extract::Query;
use crate::guard::Ctx;
use crate::html::{Layout, page};
use crate::i18n::Tr;
use crate::inbox::pages::{NoticeRow, TodoRow, rows};

/// One horizontal bar: the actual figure against the approved one, widths in percent of
/// the scale (the largest figure of the chart).
pub struct HBar {
    pub actual: i64,
    pub approved: Option<i64>,
    /// Width of the actual figure's bar, 0–100.
    pub w: String,
    /// Where the approved figure's mark sits, 0–100.
    pub mark: Option<String>,
    pub over: bool,
}

fn pct(n: i64, scale: i64) -> f64 {
    if scale <= 0 {
        0.0
    } else {
        (n.max(0) as f64 * 100.0 / scale as f64).min(100.0)
    }
}

fn num(x: f64) -> String {
    format!("{x:.1}")
}

impl HBar {
    fn of(b: Bar, scale: i64) -> Self {
        HBar {
            actual: b.actual,
            approved: b.approved,
            w: num(pct(b.actual, scale)),
            mark: b.approved.map(|a| num(pct(a, scale))),
            over: b.over(),
        }
    }
}

/// A unit's line of the bars chart and of the progress table.
pub struct UnitRow {
    pub id: i64,
    pub name: String,
    pub bodies: HBar,
    pub middle: HBar,
    pub establishment: HBar,
    /// Each step: (label, done).
    pub steps: Vec<(String, bool)>,
    pub done: usize,
    pub done_w: String,
    pub pending: usize,
}

/// A labelled count with its bar width (identities) or share (routes).
pub struct Share {
    pub code: &'static str,
    pub label: String,
    pub n: i64,
    pub w: String,
    /// Where the segment starts in a stacked bar, 0–100.
    pub x: String,
    pub pct: String,
}

fn shares(items: Vec<(&'static str, String, i64)>, stacked: bool) -> Vec<Share> {
    let total: i64 = items.iter().map(|(_, _, n)| n).sum();
    let max = items.iter().map(|(_, _, n)| *n).max().unwrap_or(0);
    let mut x = 0.0;
    items
        .into_iter()
        .map(|(code, label, n)| {
            let w = if stacked { pct(n, total) } else { pct(n, max) };
            let s = Share {
                code,
                label,
                n,
                w: num(w),
                x: num(x),
                pct: num(pct(n, total)),
            };
            if stacked {
                x += w;
            }
            s
        })
        .collect()
}

/// What the figures part of the page shows.
pub struct FigView {
    pub units: Vec<UnitRow>,
    pub steps: Vec<String>,
    pub identities: Vec<Share>,
    pub staff: i64,
    pub routes: Option<Vec<Share>>,
    pub route_lines: i64,
    pub cut_text: String,
    /// The balance's shares and its figures in words.
    pub balance: Option<(Vec<Share>, String)>,
}

impl FigView {
    fn of(tr: Tr, f: &Figures) -> Self {
        let scale = |g: fn(&jiguan_app::dashboard::UnitFigures) -> Bar| {
            f.units
                .iter()
                .map(|u| {
                    let b = g(u);
                    b.actual.max(b.approved.unwrap_or(0))
                })
                .max()
                .unwrap_or(0)
        };
        let (sb, sm, se) = (
            scale(|u| u.bodies),
            scale(|u| u.middle),
            scale(|u| u.establishment),
        );
        let steps = jiguan_app::dashboard::Progress::ALL
            .iter()
            .map(|p| tr.t(&format!("dash.step.{}", p.code())).to_string())
            .collect();
        let units = f
            .units
            .iter()
            .map(|u| UnitRow {
                id: u.unit.id.0,
                name: u.unit.name.clone(),
                bodies: HBar::of(u.bodies, sb),
                middle: HBar::of(u.middle, sm),
                establishment: HBar::of(u.establishment, se),
                steps: u
                    .progress
                    .iter()
                    .map(|(p, d)| (tr.t(&format!("dash.step.{}", p.code())).to_string(), *d))
                    .collect(),
                done: u.done(),
                done_w: num(pct(u.done() as i64, u.progress.len() as i64)),
                pending: u.pending,
            })
            .collect();
        let ids = f.identities.clone().unwrap_or_default();
        let staff = ids.iter().map(|(_, n)| n).sum();
        let identities = shares(
            ids.iter()
                .map(|(i, n)| (i.code(), tr.t(&i.label_key()).to_string(), *n))
                .collect(),
            false,
        );
        let route_lines = f
            .routes
            .as_ref()
            .map(|r| r.iter().map(|(_, n)| n).sum())
            .unwrap_or(0);
        let routes = f.routes.as_ref().map(|r| {
            shares(
                r.iter()
                    .map(|(r, n)| (r.code(), tr.t(&r.label_key()).to_string(), *n))
                    .collect(),
                true,
            )
        });
        let balance = f.balance.as_ref().map(|b| {
            (
                shares(
                    vec![
                        ("under", tr.t("dash.balance.under").to_string(), b.under),
                        ("normal", tr.t("dash.balance.normal").to_string(), b.normal),
                        ("over", tr.t("dash.balance.over").to_string(), b.over),
                    ],
                    true,
                ),
                tr.f(
                    "dash.balance_figures",
                    &[
                        ("mean".into(), b.mean_fte.round_dp(2).to_string()),
                        (
                            "cv".into(),
                            b.cv.map_or("—".to_string(), |c| c.round_dp(2).to_string()),
                        ),
                        ("people".into(), b.people.to_string()),
                    ],
                ),
            )
        });
        FigView {
            units,
            steps,
            identities,
            staff,
            routes,
            route_lines,
            cut_text: tr.f(
                "dash.cut",
                &[
                    ("cut".into(), f.cut.to_string()),
                    ("base".into(), f.staff_base.to_string()),
                ],
            ),
            balance,
        }
    }
}

#[derive(Template)]
#[template(path = "dashboard.html")]
pub struct DashboardPage {
    pub l: Layout,
    pub d: Dashboard,
    pub committee: String,
    pub inbox_count: usize,
    pub todos: Vec<TodoRow>,
    pub notices: Vec<NoticeRow>,
    pub unread: usize,
    pub fig: Option<FigView>,
    pub unit_id: i64,
}

#[derive(serde::Deserialize, Default)]
pub struct OkQ {
    pub ok: Option<String>,
}

/// How many inbox items the dashboard lists (the inbox has them all).
const DASH_ITEMS: usize = 8;

pub async fn show(State(st): State<AppState>, ctx: Ctx, Query(q): Query<OkQ>) -> WebResult {
    let d = st.app.dashboard(&ctx.actor).await?;
    let committee = d
        .unit
        .as_ref()
        .map(|u| {
            ctx.tr
                .t(&format!("committee.{}", u.kind.committee().code()))
                .to_string()
        })
        .unwrap_or_default();
    let inbox = st.app.inbox_shared(&ctx.actor).await?;
    let (mut todos, mut notices) = rows(ctx.tr, &inbox);
    todos.truncate(DASH_ITEMS);
    notices.truncate(DASH_ITEMS);
    let fig = st
        .app
        .dashboard_figures(&ctx.actor, &d)
        .await?
        .map(|f| FigView::of(ctx.tr, &f));
    let l = Layout::new(&ctx, "menu.dashboard").flash(q.ok.as_deref());
    Ok(page(&DashboardPage {
        l,
        committee,
        inbox_count: inbox.count(),
        todos,
        notices,
        unread: inbox.unread,
        fig,
        unit_id: ctx.actor.unit_id.map_or(0, |u| u.0),
        d,
    }))
}
