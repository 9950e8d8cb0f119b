//! Two-way selection (双向择岗): the HR office's work on a round beyond the match — open
//! it, import choices from Excel (template, every error at its row and column, all or
//! nothing), remind those who have not chosen or ranked, confirm 调剂 proposals, give every
//! unplaced person a route, submit; the printable notices (one A4 page per person) and the
//! result workbook (by person and by body).

use askama::Template;
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};

use jiguan_app::AppError;
use jiguan_app::ports::Unit;
use jiguan_app::twoway::{Remind, RoundView};
use jiguan_domain::FieldError;

use crate::AppState;
use crate::error::{FieldErrors, WebError, WebResult};
use crate::extract::FormPairs;
use crate::html::{Layout, XLSX, attachment, page};
use crate::i18n::Tr;

use super::InRound;
use super::pages::{after, after_errors};

fn back(p: &InRound, ok: &str) -> WebResult {
    Ok(Redirect::to(&format!("/units/{}/twoway/{}?ok={ok}", p.u.id, p.round)).into_response())
}

/// The round for the HR office's outputs (TwowayManage checked first).
async fn office_view(st: &AppState, p: &InRound) -> WebResult<RoundView> {
    st.app
        .require_unit(
            &p.ctx.actor,
            jiguan_domain::auth::Action::TwowayManage,
            p.u.id,
        )
        .await?;
    Ok(st.app.tw_view(&p.ctx.actor, p.u.id, p.round).await?)
}

/// The outputs of a round exist only once it is matched.
fn matched(v: &RoundView) -> WebResult<()> {
    if v.result.is_none() {
        return Err(AppError::field("result", "twoway_not_matched").into());
    }
    Ok(())
}

/// `POST …/open`: opens a draft round to staff and heads.
pub async fn open(State(st): State<AppState>, p: InRound) -> WebResult {
    let r = st.app.tw_open(&p.ctx.actor, p.u.id, p.round).await;
    after(&st, p, r, "twoway_opened").await
}

/// `GET …/prefs/template`: the choices import template of the round (xlsx).
pub async fn template(State(st): State<AppState>, p: InRound) -> WebResult {
    let v = office_view(&st, &p).await?;
    let bytes = jiguan_excel::reports::twoway::prefs_template(&v)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(attachment(
        "twoway-prefs",
        &format!("{}志愿导入模板", v.round.title),
        "xlsx",
        XLSX,
        bytes,
    ))
}

/// Translates the `field` argument of located import errors (「第 5 行“志愿1”」) into the
/// reader's language.
pub fn relabel(tr: Tr, errs: Vec<FieldError>) -> Vec<FieldError> {
    errs.into_iter()
        .map(|mut e| {
            let row = e.args.iter().find(|(k, _)| k == "row").map(|x| x.1.clone());
            let col = e
                .args
                .iter()
                .find(|(k, _)| k == "column")
                .map(|x| x.1.clone());
            if let (Some(row), Some(column)) = (row, col) {
                let label = tr.f(
                    "twoway.import_cell",
                    &[("row".into(), row), ("column".into(), column)],
                );
                for (k, v) in e.args.iter_mut() {
                    if k == "field" {
                        *v = label.clone();
                    }
                }
            }
            e
        })
        .collect()
}

/// Reads an upload's `file` field.
pub async fn upload(st: &AppState, req: Request) -> Result<Vec<u8>, WebError> {
    if !crate::calc::pages::content_type_is(&req, "multipart/form-data") {
        return Err(WebError::Malformed {
            status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
            code: "unsupported_media_type",
            field: None,
            detail: "multipart/form-data".into(),
        });
    }
    let mut bytes = Vec::new();
    if let Ok(mut mp) = Multipart::from_request(req, st).await {
        while let Ok(Some(field)) = mp.next_field().await {
            if field.name() == Some("file") {
                bytes = field.bytes().await.map(|b| b.to_vec()).unwrap_or_default();
            }
        }
    }
    Ok(bytes)
}

/// Reads a choices file and imports it: every row checked, every error located at its row
/// and column, nothing written unless all are valid. `Ok(Ok(n))`: n people's choices.
pub async fn import_file(
    st: &AppState,
    actor: &jiguan_domain::auth::Actor,
    unit: jiguan_domain::tenancy::UnitId,
    round: jiguan_domain::twoway::RoundId,
    bytes: Vec<u8>,
) -> WebResult<Result<usize, Vec<FieldError>>> {
    let v = st.app.tw_view(actor, unit, round).await?;
    let table = tokio::task::spawn_blocking(move || {
        jiguan_excel::import::read_table(&bytes, &jiguan_excel::import::Limits::default())
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?;
    let sheet = match table.and_then(|t| jiguan_excel::reports::twoway::prefs_rows(&t, &v)) {
        Ok(s) => s,
        Err(e) => return Ok(Err(vec![e])),
    };
    if !sheet.errors.is_empty() {
        return Ok(Err(sheet.errors.clone()));
    }
    Ok(
        match st
            .app
            .tw_import_prefs(actor, unit, round, &sheet.rows)
            .await
            .fields()?
        {
            Ok(n) => Ok(n),
            Err(e) => Err(sheet.locate(e)),
        },
    )
}

/// `POST …/prefs/import` (multipart, field `file`: xlsx or csv).
pub async fn import(State(st): State<AppState>, p: InRound, req: Request) -> WebResult {
    let bytes = upload(&st, req).await?;
    match import_file(&st, &p.ctx.actor, p.u.id, p.round, bytes).await? {
        Ok(_) => back(&p, "twoway_prefs_imported"),
        Err(e) => {
            let e = relabel(p.ctx.tr, e);
            after_errors(&st, p, e).await
        }
    }
}

/// `POST …/remind` (`who`: `staff` or `heads`).
pub async fn remind(State(st): State<AppState>, p: InRound, f: FormPairs) -> WebResult {
    let r = match Remind::parse(f.get("who")).fields()? {
        Ok(who) => st
            .app
            .tw_remind(&p.ctx.actor, p.u.id, p.round, who)
            .await
            .fields()?
            .map(|_| ()),
        Err(e) => Err(e),
    };
    match r {
        Ok(_) => back(&p, "twoway_reminded"),
        Err(e) => after_errors(&st, p, e).await,
    }
}

/// `POST …/adjust`: confirms the 调剂 proposals ticked (`adjust` = person id, repeated).
pub async fn adjust(State(st): State<AppState>, p: InRound, f: FormPairs) -> WebResult {
    let picks: Vec<i64> =
        f.0.iter()
            .filter(|(k, _)| k == "adjust")
            .filter_map(|(_, v)| v.trim().parse().ok())
            .collect();
    let r = st
        .app
        .tw_confirm_adjust(&p.ctx.actor, p.u.id, p.round, &picks)
        .await;
    after(&st, p, r, "twoway_adjusted").await
}

/// `POST …/routes`: the route of each unplaced person (`route_<person>` = route code;
/// blank: unchanged).
pub async fn routes(State(st): State<AppState>, p: InRound, f: FormPairs) -> WebResult {
    let mut errs = Vec::new();
    for (k, v) in &f.0 {
        let Some(person) = k.strip_prefix("route_").and_then(|x| x.parse::<i64>().ok()) else {
            continue;
        };
        if v.trim().is_empty() {
            continue;
        }
        if let Err(e) = st
            .app
            .tw_set_route(&p.ctx.actor, p.u.id, p.round, person, v)
            .await
            .fields()?
        {
            errs.extend(e.into_iter().map(|mut x| {
                x.field = format!("route_{person}");
                x
            }));
        }
    }
    if errs.is_empty() {
        back(&p, "twoway_routed")
    } else {
        after_errors(&st, p, errs).await
    }
}

/// `POST …/submit`: submits the matched round for approval.
pub async fn submit(State(st): State<AppState>, p: InRound) -> WebResult {
    let r = st.app.tw_submit(&p.ctx.actor, p.u.id, p.round).await;
    after(&st, p, r, "twoway_submitted").await
}

/// `POST …/downsizing`: drafts a downsizing plan (分流方案) of the people whose route is
/// 分流, one line each (调剂 where their identity allows it), and opens it.
pub async fn downsizing(State(st): State<AppState>, p: InRound) -> WebResult {
    match st
        .app
        .tw_downsizing_plan(&p.ctx.actor, p.u.id, p.round)
        .await
        .fields()?
    {
        Ok(plan) => Ok(Redirect::to(&format!(
            "/units/{}/downsizing/{}?ok=twoway_downsizing_drafted",
            p.u.id, plan.0
        ))
        .into_response()),
        Err(e) => after_errors(&st, p, e).await,
    }
}

/// One person's notice (双向选择结果通知书).
pub struct Notice {
    pub person_id: i64,
    pub name: String,
    pub body: String,
    pub post: String,
    pub choice: String,
    pub adjusted: bool,
    pub route: String,
    pub why: Vec<String>,
}

#[derive(Template)]
#[template(path = "twoway_notices.html")]
pub struct NoticesPage {
    pub l: Layout,
    pub u: Unit,
    pub id: i64,
    pub doc_no: String,
    pub notices: Vec<Notice>,
}

fn post_label(v: &RoundView, p: Option<i64>) -> String {
    p.and_then(|p| v.post(p))
        .map(|x| format!("{}·{}", x.body_name, x.title))
        .unwrap_or_default()
}

/// `GET …/notices`: one A4 page per person: the post assigned (and which choice), or the
/// route when unplaced.
pub async fn notices(State(st): State<AppState>, p: InRound) -> WebResult {
    let v = office_view(&st, &p).await?;
    matched(&v)?;
    let tr = p.ctx.tr;
    let notices = v
        .lines
        .iter()
        .map(|x| {
            let post = post_label(&v, x.post_id);
            let body = if post.is_empty() {
                tr.f(
                    "twoway.notice_unplaced",
                    &[
                        ("name".into(), x.person.name.clone()),
                        ("unit".into(), p.u.name.clone()),
                        ("title".into(), v.round.title.clone()),
                    ],
                )
            } else {
                tr.f(
                    "twoway.notice_placed",
                    &[
                        ("name".into(), x.person.name.clone()),
                        ("unit".into(), p.u.name.clone()),
                        ("title".into(), v.round.title.clone()),
                        ("post".into(), post.clone()),
                    ],
                )
            };
            Notice {
                person_id: x.person.person_id,
                name: x.person.name.clone(),
                body,
                post,
                choice: x.choice.map(|c| c.to_string()).unwrap_or_default(),
                adjusted: x.adjusted,
                route: x
                    .route
                    .map(|r| tr.t(&r.label_key()).to_string())
                    .unwrap_or_default(),
                why: x
                    .why
                    .iter()
                    .map(|(q, k)| format!("{}：{}", post_label(&v, Some(*q)), tr.t(k)))
                    .collect(),
            }
        })
        .collect();
    let l = Layout::new(&p.ctx, "twoway.notices")
        .crumb(p.u.name.clone(), format!("/units/{}", p.u.id))
        .crumb(
            v.round.title.clone(),
            format!("/units/{}/twoway/{}", p.u.id, p.round),
        )
        .here();
    Ok(page(&NoticesPage {
        l,
        id: v.round.id.0,
        doc_no: v.round.doc_no.clone(),
        notices,
        u: p.u,
    }))
}

/// `GET …/result.xlsx`: the result by person and by body.
pub async fn export(State(st): State<AppState>, p: InRound) -> WebResult {
    let v = st.app.tw_view(&p.ctx.actor, p.u.id, p.round).await?;
    matched(&v)?;
    let sheets = jiguan_excel::reports::twoway::result_workbook(&p.ctx.tr, &p.u.name, &v);
    let bytes =
        jiguan_excel::write_workbook(&sheets).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(attachment(
        "twoway-result",
        &format!("{}{}结果", p.u.name, v.round.title),
        "xlsx",
        XLSX,
        bytes,
    ))
}
