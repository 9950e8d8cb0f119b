//! 个人中心 (`/me`): the signed-in user's own person, as the use case
//! [`jiguan_app::App::my_center`] gives it, turned into text for the template.

use askama::Template;
use axum::extract::State;

use jiguan_app::selfsvc::{MyNotice, MyRecord};
use jiguan_domain::auth::Action;
use jiguan_domain::posts::workload::show as fmt2;

use crate::AppState;
use crate::downsizing::pages::line_row;
use crate::error::WebResult;
use crate::guard::Ctx;
use crate::html::{Layout, page};
use crate::i18n::Tr;
use crate::people::pages::label;

/// A notice as a card: what any source module's notice needs to show.
pub struct NoticeCard {
    /// Element id (`notice-down-<plan>`).
    pub id: String,
    /// The kind of notice (分流通知书 …).
    pub kind: String,
    pub title: String,
    pub doc_no: String,
    pub body: String,
    /// (label, value) lines.
    pub rows: Vec<(String, String)>,
    /// Where the full notice is, when the user may open it.
    pub link: Option<String>,
}

/// One assignment of the person.
pub struct PostLine {
    pub title: String,
    pub share: String,
    pub main: String,
    pub since: String,
    pub until: String,
    pub open: bool,
}

/// One dated history row.
pub struct HistoryLine {
    pub on: String,
    pub event: String,
    pub unit: String,
    pub status: String,
    pub body_post: String,
}

/// The record's facts as (label, value, element id).
pub type Fact = (String, String, &'static str);

#[derive(Template)]
#[template(path = "me.html")]
pub struct MePage {
    pub l: Layout,
    pub linked: bool,
    pub name: String,
    pub facts: Vec<Fact>,
    pub id_full: bool,
    /// Load: hours, FTE, share of the standard year (None: no post).
    pub load: Option<(String, String, String)>,
    pub posts: Vec<PostLine>,
    /// Retirement: month, age, category, months to go.
    pub retirement: Option<(String, String, String, String)>,
    pub notices: Vec<NoticeCard>,
    pub history: Vec<HistoryLine>,
    /// 我的考核与绩效 (the appraisal and pay modules).
    pub apr: Option<crate::appraisal::mine::MeAppraisal>,
}

fn opt_date(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

fn facts(tr: Tr, r: &MyRecord) -> Vec<Fact> {
    let p = &r.person;
    let t = |k: &str| tr.t(k).to_string();
    let mut v = vec![
        (t("field.person_name"), p.name.clone(), "me-name"),
        (t("field.id_number"), r.id_shown.clone(), "me-id-number"),
        (
            t("field.gender"),
            label(&tr, "gender", &p.gender),
            "me-gender",
        ),
        (t("field.birth_date"), p.birth_date.to_string(), "me-birth"),
        (t("field.ethnicity"), p.ethnicity.clone(), "me-ethnicity"),
        (t("field.party"), p.party.clone(), "me-party"),
        (t("field.education"), p.education.clone(), "me-education"),
        (
            t("field.work_start"),
            opt_date(p.work_start),
            "me-work-start",
        ),
        (t("field.unit_join"), opt_date(p.unit_join), "me-unit-join"),
        (t("people.home_unit"), r.unit_name.clone(), "me-unit"),
    ];
    if let Some(h) = &r.host_unit_name {
        v.push((t("people.host_unit"), h.clone(), "me-host"));
    }
    v.extend([
        (
            t("field.status"),
            format!(
                "{}（{} {}）",
                label(&tr, "status", p.status.code()),
                t("people.since"),
                p.status_since
            ),
            "me-status",
        ),
        (
            t("field.identity"),
            label(&tr, "identity", p.identity.code()),
            "me-identity",
        ),
        (
            t("field.establishment"),
            label(&tr, "kind", p.establishment.code()),
            "me-establishment",
        ),
        (
            t("field.body"),
            r.body_name.clone().unwrap_or_default(),
            "me-body",
        ),
        (t("field.post"), p.post.clone(), "me-post"),
        (t("field.rank"), p.rank.clone(), "me-rank"),
        (t("field.phone"), p.phone.clone(), "me-phone"),
    ]);
    v
}

/// A notice as a card; `open` gives the full notice's address when the user may open it.
fn notice_card(tr: Tr, n: &MyNotice, may_open: bool) -> NoticeCard {
    match n {
        MyNotice::Downsizing {
            plan,
            unit_name,
            line,
        } => {
            let row = line_row(tr, line);
            let body = tr.f(
                "down.notice_body",
                &[
                    ("name".into(), row.name.clone()),
                    ("unit".into(), unit_name.clone()),
                    ("title".into(), plan.title.clone()),
                    ("route".into(), row.route.clone()),
                    ("effective".into(), plan.effective.to_string()),
                ],
            );
            let t = |k: &str| tr.t(k).to_string();
            let mut rows = vec![
                (t("down.col.route"), row.route.clone()),
                (t("down.col.effective"), plan.effective.to_string()),
            ];
            for (k, v) in [
                ("down.col.one_off", &row.severance),
                ("down.col.leave_post_total", &row.leave_post),
                ("down.col.contract", &row.contract),
                ("down.col.retirement_month", &row.retirement_month),
            ] {
                if !v.is_empty() {
                    rows.push((t(k), v.clone()));
                }
            }
            rows.push((
                t("me.notice_status"),
                t(&format!("me.plan_status.{}", plan.status.code())),
            ));
            NoticeCard {
                id: format!("notice-down-{}", plan.id),
                kind: t("down.notice_title"),
                title: plan.title.clone(),
                doc_no: plan.doc_no.clone(),
                body,
                rows,
                link: may_open.then(|| {
                    format!(
                        "/units/{}/downsizing/{}/notices?person={}",
                        plan.unit_id, plan.id, line.line.person_id
                    )
                }),
            }
        }
    }
}

/// 个人中心: the signed-in user's own record (any role; only the linked person).
pub async fn show(State(st): State<AppState>, ctx: Ctx) -> WebResult {
    let c = st.app.my_center(&ctx.actor).await?;
    let tr = ctx.tr;
    let l = Layout::new(&ctx, "menu.me").here();
    let Some(r) = c.record else {
        return Ok(page(&MePage {
            l,
            linked: false,
            name: String::new(),
            facts: Vec::new(),
            id_full: false,
            load: None,
            posts: Vec::new(),
            retirement: None,
            notices: Vec::new(),
            history: Vec::new(),
            apr: None,
        }));
    };
    let apr = st
        .app
        .my_appraisal(&ctx.actor)
        .await?
        .map(|m| crate::appraisal::mine::MeAppraisal::of(tr, &l, &m));
    let load = r
        .posts
        .as_ref()
        .and_then(|p| p.load.as_ref())
        .map(|ld| (fmt2(ld.hours), fmt2(ld.fte), format!("{}%", ld.share)));
    let posts = r
        .posts
        .as_ref()
        .map(|p| {
            p.history
                .iter()
                .map(|(a, title)| PostLine {
                    title: title.clone(),
                    share: format!("{}%", a.share_pct),
                    main: tr
                        .t(if a.main {
                            "posts.main"
                        } else {
                            "posts.concurrent"
                        })
                        .to_string(),
                    since: a.start_date.to_string(),
                    until: opt_date(a.end_date),
                    open: a.end_date.is_none(),
                })
                .collect()
        })
        .unwrap_or_default();
    let retirement = r.retirement.map(|x| {
        let age = tr.f(
            "me.age",
            &[
                ("years".into(), x.retirement_age.years.to_string()),
                ("months".into(), x.retirement_age.months.to_string()),
            ],
        );
        let left = match r.months_to_retirement {
            Some(m) if m > 0 => tr.f(
                "me.months_left",
                &[
                    ("years".into(), (m / 12).to_string()),
                    ("months".into(), (m % 12).to_string()),
                ],
            ),
            Some(_) => tr.t("me.retirement_reached").to_string(),
            None => String::new(),
        };
        (
            x.retirement_month.to_string(),
            age,
            tr.t(&x.category.label_key()).to_string(),
            left,
        )
    });
    let body_name = |id: Option<i64>| {
        id.and_then(|b| r.bodies.iter().find(|x| x.id == b))
            .map(|b| b.name.clone())
            .unwrap_or_default()
    };
    let history = r
        .history
        .iter()
        .rev()
        .map(|e| HistoryLine {
            on: e.on_date.to_string(),
            event: label(&tr, "event", e.kind.code()),
            unit: match &e.host_unit_name {
                Some(h) => format!("{} → {h}", e.unit_name),
                None => e.unit_name.clone(),
            },
            status: label(&tr, "status", e.status.code()),
            body_post: [body_name(e.body_id), e.post.clone()]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" · "),
        })
        .collect();
    Ok(page(&MePage {
        l,
        linked: true,
        name: r.person.name.clone(),
        facts: facts(tr, &r),
        id_full: r.id_full,
        load,
        posts,
        retirement,
        notices: r
            .notices
            .iter()
            .map(|n| notice_card(tr, n, ctx.actor.can(Action::DownsizingView)))
            .collect(),
        history,
        apr,
    }))
}
