//! Pay pages: the district's pools and report with the before/after 大锅饭 chart (SVG), a
//! unit's runs, one run (lines, entry, compute, workflow), the A4 slip and the Excel export.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect};
use rust_decimal::Decimal;
use serde::Deserialize;

use jiguan_app::pay::{RunView, UnitReport};
use jiguan_app::ports::Unit;
use jiguan_app::workflow::SimpleStep;
use jiguan_domain::FieldError;
use jiguan_domain::auth::Action;
use jiguan_domain::pay::{Grade, LineForm, PayRunId, PoolForm};
use jiguan_domain::workflow::Status;

use super::{RunParam, SlipParam};
use crate::AppState;
use crate::error::{FieldErrors, WebResult};
use crate::extract::{At, Form, Path, Query, Upload};
use crate::guard::Ctx;
use crate::html::{FormErrors, Layout, form_page};
use crate::i18n::Tr;

/// Query parameters of the pay pages (text, so none can fail the request).
#[derive(Debug, Default, Deserialize)]
pub struct PayQuery {
    pub ok: Option<String>,
    pub year: Option<String>,
}

/// The default year: the demo's, until a year is picked.
const DEFAULT_YEAR: i32 = 2019;

fn year_of(q: &PayQuery) -> i32 {
    q.year
        .as_deref()
        .and_then(|y| y.trim().parse().ok())
        .unwrap_or(DEFAULT_YEAR)
}

fn status_label(tr: Tr, s: Status) -> String {
    tr.t(&jiguan_domain::workflow::PAY_RUNS.label_key(s))
        .to_string()
}

fn grade_label(tr: Tr, g: Grade) -> String {
    tr.t(&g.label_key()).to_string()
}

fn crumbs(ctx: &Ctx, u: &Unit, key: &str) -> Layout {
    let mut l = Layout::new(ctx, key);
    if ctx.actor.can(Action::UnitsList) {
        l = l.crumb(ctx.tr.t("menu.pay"), "/pay");
    }
    l.crumb(u.name.clone(), format!("/units/{}", u.id))
}

// ---------------------------------------------------------------- district

/// One bar of the chart: x, y, width, height, css class, title.
pub struct Bar {
    pub x: i64,
    pub y: i64,
    pub h: i64,
    pub class: &'static str,
    pub title: String,
}

pub struct UnitRow {
    pub id: i64,
    pub name: String,
    pub pool: String,
    pub people: u32,
    pub max: String,
    pub min: String,
    pub ratio: String,
    pub gini: String,
    /// Mean share per grade (优秀, 称职, 基本称职, 不称职), empty where nobody has it.
    pub means: Vec<String>,
}

/// The district's pay by grade: label, people, mean, lowest, highest, index to 称职.
pub struct GradeStatView {
    pub grade: &'static str,
    pub count: u32,
    pub mean: String,
    pub min: String,
    pub max: String,
    pub index: String,
}

impl GradeStatView {
    fn of(l: &Layout, g: &jiguan_domain::pay::GradeStat, idx: &[(Grade, Decimal)]) -> Self {
        GradeStatView {
            grade: g.grade.code(),
            count: g.count,
            mean: l.num(g.mean),
            min: l.num(g.min),
            max: l.num(g.max),
            index: idx
                .iter()
                .find(|(x, _)| *x == g.grade)
                .map(|(_, i)| i.to_string())
                .unwrap_or_default(),
        }
    }
}

pub struct PoolRow {
    pub id: i64,
    pub name: String,
    pub basis: String,
    pub amount: String,
}

#[derive(Template)]
#[template(path = "pay_district.html")]
pub struct DistrictPage {
    pub l: Layout,
    pub year: i32,
    pub pools: Vec<PoolRow>,
    pub units: Vec<UnitRow>,
    pub grades: Vec<String>,
    pub by_grade: Vec<GradeStatView>,
    pub bars: Vec<Bar>,
    /// Chart width and the y of index 1.0 (the 大锅饭 line).
    pub width: i64,
    pub base_y: i64,
    pub labels: Vec<(i64, String)>,
    pub can_set: bool,
    pub all_units: Vec<(i64, String)>,
    pub errs: FormErrors,
}

/// Chart geometry: index 1.0 is `UNIT_H` pixels high.
const UNIT_H: i64 = 80;
const CHART_H: i64 = 200;

/// The bars: for each unit, the mean share of each grade relative to the unit's 称职 mean;
/// 大锅饭 (before) is every bar at 1.0.
fn bars(tr: Tr, units: &[UnitReport]) -> (Vec<Bar>, Vec<(i64, String)>, i64) {
    let mut out = Vec::new();
    let mut labels = Vec::new();
    let group_w = 110;
    for (i, u) in units.iter().enumerate() {
        let x0 = 40 + i as i64 * group_w;
        labels.push((x0 + 40, u.unit_name.clone()));
        let base = u
            .by_grade
            .iter()
            .find(|g| g.grade == Grade::Competent)
            .map(|g| g.mean.fen())
            .filter(|m| *m > 0);
        for (j, g) in Grade::ALL.iter().enumerate() {
            let Some(s) = u.by_grade.iter().find(|s| s.grade == *g) else {
                continue;
            };
            let idx = base.map_or(Decimal::ZERO, |b| {
                Decimal::from(s.mean.fen()) / Decimal::from(b)
            });
            let h = (idx * Decimal::from(UNIT_H))
                .round()
                .try_into()
                .unwrap_or(0i64)
                .min(CHART_H);
            out.push(Bar {
                x: x0 + j as i64 * 20,
                y: CHART_H - h,
                h,
                class: g.code(),
                title: format!(
                    "{} {}: {} ({})",
                    u.unit_name,
                    grade_label(tr, *g),
                    s.mean,
                    idx.round_dp(2)
                ),
            });
        }
    }
    let width = 40 + units.len().max(1) as i64 * group_w;
    (out, labels, width)
}

async fn district_page(
    st: &AppState,
    ctx: &Ctx,
    year: i32,
    errs: FormErrors,
    ok: Option<&str>,
) -> WebResult {
    let tr = ctx.tr;
    let report = st.app.pay_report(&ctx.actor, year).await?;
    let pools = st.app.pay_pools(&ctx.actor, year).await?;
    let units = st.app.district_units(&ctx.actor).await?;
    let (bar_list, labels, width) = bars(tr, &report.units);
    let l = Layout::new(ctx, "pay.district").here().flash(ok);
    let rows = report
        .units
        .iter()
        .map(|u| UnitRow {
            id: u.unit_id.0,
            name: u.unit_name.clone(),
            pool: l.num(u.pool),
            people: u.spread.count,
            max: l.num(u.spread.max),
            min: l.num(u.spread.min_nonzero),
            ratio: u.spread.ratio.map(|r| r.to_string()).unwrap_or_default(),
            gini: u.spread.gini.to_string(),
            means: Grade::ALL
                .iter()
                .map(|g| {
                    u.by_grade
                        .iter()
                        .find(|s| s.grade == *g)
                        .map(|s| l.num(s.mean))
                        .unwrap_or_default()
                })
                .collect(),
        })
        .collect();
    let page = DistrictPage {
        year,
        pools: pools
            .iter()
            .map(|p| PoolRow {
                id: p.unit_id.0,
                name: p.unit_name.clone(),
                basis: match p.basis {
                    jiguan_domain::pay::PoolBasis::Fixed { .. } => {
                        tr.t("pay.basis.fixed").to_string()
                    }
                    jiguan_domain::pay::PoolBasis::PerHead {
                        per_head,
                        headcount,
                        unit_coef,
                    } => format!("{} × {} × {}", l.num(per_head), headcount, unit_coef),
                },
                amount: l.num(p.amount),
            })
            .collect(),
        units: rows,
        grades: Grade::ALL.iter().map(|g| grade_label(tr, *g)).collect(),
        by_grade: report
            .by_grade
            .iter()
            .map(|g| GradeStatView::of(&l, g, &report.grade_index))
            .collect(),
        bars: bar_list,
        width,
        base_y: CHART_H - UNIT_H,
        labels,
        can_set: ctx.actor.can(Action::PayPoolSet),
        all_units: units,
        errs,
        l,
    };
    Ok(form_page(page.errs.is_empty(), &page))
}

pub async fn district(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<PayQuery>,
) -> WebResult {
    district_page(
        &st,
        &ctx,
        year_of(&q),
        FormErrors::default(),
        q.ok.as_deref(),
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
pub struct PoolBody {
    #[serde(default)]
    pub year: String,
    #[serde(flatten)]
    pub pool: PoolForm,
}

pub async fn set_pool(At(st, ctx, u): At, Form(f): Form<PoolBody>) -> WebResult {
    let year: i32 = f.year.trim().parse().unwrap_or(0);
    match st
        .app
        .set_pay_pool(&ctx.actor, u.id, year, &f.pool)
        .await
        .fields()?
    {
        Ok(_) => Ok(Redirect::to(&format!("/pay?year={year}&ok=saved")).into_response()),
        Err(e) => {
            district_page(
                &st,
                &ctx,
                if year == 0 { DEFAULT_YEAR } else { year },
                FormErrors::new(ctx.tr, &e),
                None,
            )
            .await
        }
    }
}

// ---------------------------------------------------------------- runs of a unit

pub struct RunRow {
    pub id: PayRunId,
    pub year: i32,
    pub status: String,
    pub status_code: &'static str,
    pub pool: String,
}

#[derive(Template)]
#[template(path = "pay_runs.html")]
pub struct RunsPage {
    pub l: Layout,
    pub u: Unit,
    pub rows: Vec<RunRow>,
    pub year: String,
    pub can_run: bool,
    pub errs: FormErrors,
}

async fn runs_page(
    st: &AppState,
    ctx: &Ctx,
    u: Unit,
    year: String,
    errs: FormErrors,
    ok: Option<&str>,
) -> WebResult {
    let runs = st.app.pay_runs(&ctx.actor, u.id).await?;
    let l = crumbs(ctx, &u, "pay.runs").here().flash(ok);
    let page = RunsPage {
        rows: runs
            .iter()
            .map(|r| RunRow {
                id: r.id,
                year: r.year,
                status: status_label(ctx.tr, r.status),
                status_code: r.status.code(),
                pool: r.pool.map(|p| l.num(p)).unwrap_or_default(),
            })
            .collect(),
        year,
        can_run: ctx.actor.can(Action::PayRun),
        errs,
        l,
        u,
    };
    Ok(form_page(page.errs.is_empty(), &page))
}

pub async fn runs(At(st, ctx, u): At, Query(q): Query<PayQuery>) -> WebResult {
    runs_page(
        &st,
        &ctx,
        u,
        DEFAULT_YEAR.to_string(),
        FormErrors::default(),
        q.ok.as_deref(),
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct YearBody {
    pub year: String,
}

pub async fn create(At(st, ctx, u): At, Form(f): Form<YearBody>) -> WebResult {
    let year = match f.year.trim().parse::<i32>() {
        Ok(y) => Ok(y),
        Err(_) => Err(vec![FieldError::new("year", "required")]),
    };
    let r = match year {
        Ok(y) => st.app.create_pay_run(&ctx.actor, u.id, y).await.fields()?,
        Err(e) => Err(e),
    };
    match r {
        Ok(id) => Ok(Redirect::to(&format!("/units/{}/pay/{id}?ok=saved", u.id)).into_response()),
        Err(e) => runs_page(&st, &ctx, u, f.year, FormErrors::new(ctx.tr, &e), None).await,
    }
}

// ---------------------------------------------------------------- one run

pub struct LineRow {
    pub person_id: i64,
    pub name: String,
    pub grade: String,
    pub grade_code: &'static str,
    pub grade_coef: String,
    pub post_coef: String,
    pub post_source: String,
    pub months: u32,
    pub weight: String,
    pub share: String,
    pub remainder: bool,
    pub basic: String,
    pub bonus: String,
    pub computed: bool,
}

#[derive(Template)]
#[template(path = "pay_run.html")]
pub struct RunPage {
    pub l: Layout,
    pub u: Unit,
    pub v: RunView,
    pub status: String,
    pub rows: Vec<LineRow>,
    pub pool: String,
    pub total: String,
    pub bonus_total: String,
    pub ratio: String,
    pub gini: String,
    pub grades: Vec<(&'static str, String)>,
    pub form: LineForm,
    pub reason: String,
    pub errs: FormErrors,
    pub editable: bool,
    pub can_run: bool,
    pub can_approve: bool,
}

fn line_rows(tr: Tr, l: &Layout, v: &RunView) -> Vec<LineRow> {
    v.lines
        .iter()
        .map(|x| {
            let r = x.result.as_ref();
            LineRow {
                person_id: x.person_id,
                name: x.name.clone(),
                grade: grade_label(tr, x.grade),
                grade_code: x.grade.code(),
                grade_coef: r.map(|r| r.grade_coef.to_string()).unwrap_or_default(),
                post_coef: x.post_coef.to_string(),
                post_source: tr
                    .t(&format!("pay.post_source.{}", x.post_source))
                    .to_string(),
                months: x.months,
                weight: r.map(|r| r.weight.clone()).unwrap_or_default(),
                share: r.map(|r| l.num(r.share)).unwrap_or_default(),
                remainder: r.is_some_and(|r| r.remainder_fen),
                basic: l.num(x.basic_salary),
                bonus: r.map(|r| l.num(r.bonus)).unwrap_or_default(),
                computed: r.is_some(),
            }
        })
        .collect()
}

async fn run_page(
    st: &AppState,
    ctx: &Ctx,
    u: Unit,
    id: PayRunId,
    (form, reason): (LineForm, String),
    errs: FormErrors,
    ok: Option<&str>,
) -> WebResult {
    let tr = ctx.tr;
    let v = st.app.pay_run(&ctx.actor, u.id, id).await?;
    let l = crumbs(ctx, &u, "pay.run")
        .crumb(tr.t("pay.runs"), format!("/units/{}/pay", u.id))
        .titled(tr.f("pay.run_title", &[("year".into(), v.run.year.to_string())]))
        .here()
        .flash(ok);
    let page = RunPage {
        status: status_label(tr, v.run.status),
        rows: line_rows(tr, &l, &v),
        pool: v.pool.as_ref().map(|p| l.num(p.amount)).unwrap_or_default(),
        total: v
            .spread
            .as_ref()
            .map(|s| l.num(s.total))
            .unwrap_or_default(),
        bonus_total: l.num(v.bonus_total),
        ratio: v
            .spread
            .as_ref()
            .and_then(|s| s.ratio)
            .map(|r| r.to_string())
            .unwrap_or_default(),
        gini: v
            .spread
            .as_ref()
            .map(|s| s.gini.to_string())
            .unwrap_or_default(),
        grades: Grade::ALL
            .iter()
            .map(|g| (g.code(), grade_label(tr, *g)))
            .collect(),
        form,
        reason,
        editable: v.run.status == Status::Draft,
        can_run: ctx.actor.can(Action::PayRun),
        can_approve: ctx.actor.can(Action::PayApprove),
        errs,
        v,
        l,
        u,
    };
    Ok(form_page(page.errs.is_empty(), &page))
}

pub async fn show(
    At(st, ctx, u): At,
    Path(p): Path<RunParam>,
    Query(q): Query<PayQuery>,
) -> WebResult {
    run_page(
        &st,
        &ctx,
        u,
        p.plan,
        Default::default(),
        FormErrors::default(),
        q.ok.as_deref(),
    )
    .await
}

pub async fn line_save(
    At(st, ctx, u): At,
    Path(p): Path<RunParam>,
    Form(f): Form<LineForm>,
) -> WebResult {
    match st
        .app
        .save_pay_line(&ctx.actor, u.id, p.plan, &f)
        .await
        .fields()?
    {
        Ok(()) => {
            Ok(Redirect::to(&format!("/units/{}/pay/{}?ok=saved", u.id, p.plan)).into_response())
        }
        Err(e) => {
            run_page(
                &st,
                &ctx,
                u,
                p.plan,
                (f, String::new()),
                FormErrors::new(ctx.tr, &e),
                None,
            )
            .await
        }
    }
}

/// A step's result: back to the run, or the run page with the error.
async fn after_step(
    st: &AppState,
    ctx: &Ctx,
    u: Unit,
    id: PayRunId,
    r: Result<(), jiguan_app::AppError>,
    reason: String,
) -> WebResult {
    match r.fields()? {
        Ok(()) => Ok(Redirect::to(&format!("/units/{}/pay/{id}?ok=saved", u.id)).into_response()),
        Err(e) => {
            run_page(
                st,
                ctx,
                u,
                id,
                (LineForm::default(), reason),
                FormErrors::new(ctx.tr, &e),
                None,
            )
            .await
        }
    }
}

pub async fn compute(At(st, ctx, u): At, Path(p): Path<RunParam>) -> WebResult {
    let r = st
        .app
        .compute_pay_run(&ctx.actor, u.id, p.plan)
        .await
        .map(|_| ());
    after_step(&st, &ctx, u, p.plan, r, String::new()).await
}

/// 从年度考核导入等次: the lines from the unit's confirmed annual appraisal of the run's year.
pub async fn from_appraisal(At(st, ctx, u): At, Path(p): Path<RunParam>) -> WebResult {
    let r = st
        .app
        .pay_lines_from_appraisal(&ctx.actor, u.id, p.plan)
        .await
        .map(|_| ());
    after_step(&st, &ctx, u, p.plan, r, String::new()).await
}

pub async fn submit(At(st, ctx, u): At, Path(p): Path<RunParam>) -> WebResult {
    let r = st.app.submit_pay_run(&ctx.actor, u.id, p.plan).await;
    after_step(&st, &ctx, u, p.plan, r, String::new()).await
}

pub async fn approve(At(st, ctx, u): At, Path(p): Path<RunParam>) -> WebResult {
    let r = st.app.approve_pay_run(&ctx.actor, u.id, p.plan).await;
    after_step(&st, &ctx, u, p.plan, r, String::new()).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ReasonBody {
    pub reason: String,
}

pub async fn reject(
    At(st, ctx, u): At,
    Path(p): Path<RunParam>,
    Form(f): Form<ReasonBody>,
) -> WebResult {
    let r = st
        .app
        .step_plan(&ctx.actor, u.id, p.plan, SimpleStep::Reject(&f.reason))
        .await;
    after_step(&st, &ctx, u, p.plan, r, f.reason).await
}

pub async fn reopen(At(st, ctx, u): At, Path(p): Path<RunParam>) -> WebResult {
    let r = st
        .app
        .step_plan(&ctx.actor, u.id, p.plan, SimpleStep::Reopen)
        .await;
    after_step(&st, &ctx, u, p.plan, r, String::new()).await
}

pub async fn apply(At(st, ctx, u): At, Path(p): Path<RunParam>) -> WebResult {
    let r = st.app.apply_pay_run(&ctx.actor, u.id, p.plan).await;
    after_step(&st, &ctx, u, p.plan, r, String::new()).await
}

// ---------------------------------------------------------------- slip and export

#[derive(Template)]
#[template(path = "pay_slip.html")]
pub struct SlipPage {
    pub l: Layout,
    pub u: Unit,
    pub year: i32,
    pub status: String,
    pub row: LineRow,
    pub pool: String,
    pub total_weight: String,
    pub people: usize,
    pub grade_source: String,
    pub eligible: bool,
    pub total: String,
}

pub async fn slip(At(st, ctx, u): At, Path(p): Path<SlipParam>) -> WebResult {
    let tr = ctx.tr;
    let (v, line) = st.app.pay_slip(&ctx.actor, u.id, p.plan, p.person).await?;
    let l = crumbs(&ctx, &u, "pay.slip")
        .crumb(tr.t("pay.runs"), format!("/units/{}/pay/{}", u.id, p.plan))
        .here();
    let total_weight: Decimal = v
        .lines
        .iter()
        .filter_map(|x| x.result.as_ref())
        .filter_map(|r| r.weight.parse::<Decimal>().ok())
        .sum();
    let people = v.lines.len();
    slip_page(tr, l, u, &v, &line, total_weight, people)
}

/// The slip page of `line` in run `v` (its totals given: the run's Σ weights and headcount).
fn slip_page(
    tr: Tr,
    l: Layout,
    u: Unit,
    v: &RunView,
    line: &jiguan_app::pay::RunLineRecord,
    total_weight: Decimal,
    people: usize,
) -> WebResult {
    let rows = line_rows(tr, &l, v);
    let row = rows
        .into_iter()
        .find(|r| r.person_id == line.person_id)
        .ok_or(jiguan_app::AppError::NotFound)?;
    let r = line.result.as_ref();
    let page = SlipPage {
        year: v.run.year,
        status: status_label(tr, v.run.status),
        pool: v.run.pool.map(|p| l.num(p)).unwrap_or_default(),
        total_weight: total_weight.normalize().to_string(),
        people,
        grade_source: tr.t(&format!("pay.source.{}", line.source)).to_string(),
        eligible: line.grade.earns_bonus(),
        total: r
            .map(|r| l.num(jiguan_domain::money::Money(r.share.fen() + r.bonus.fen())))
            .unwrap_or_default(),
        row,
        l,
        u,
    };
    Ok(form_page(true, &page))
}

/// 我的绩效分配单 (`/me/pay/{plan}`): the signed-in person's own slip of an approved or
/// paid run of their unit (any role, `Profile`; nobody else's line can be opened here).
pub async fn my_slip(State(st): State<AppState>, ctx: Ctx, Path(p): Path<RunParam>) -> WebResult {
    let tr = ctx.tr;
    let s = st.app.my_pay_slip(&ctx.actor, p.plan).await?;
    let l = Layout::new(&ctx, "pay.slip")
        .crumb(tr.t("menu.me"), "/me")
        .here();
    slip_page(tr, l, s.unit, &s.view, &s.line, s.total_weight, s.people)
}

pub async fn export(At(st, ctx, u): At, Path(p): Path<RunParam>) -> WebResult {
    let v = st.app.pay_run(&ctx.actor, u.id, p.plan).await?;
    let sheet = jiguan_excel::reports::pay::run_sheet(&u.name, &v);
    crate::html::audit::xlsx(
        &format!("{}{}年度绩效奖金发放表", u.name, v.run.year),
        &[sheet],
    )
}

/// The upload template (导入模板): the run's lines, then the unit's people without a line,
/// with the columns the upload reads ([`jiguan_excel::reports::pay::LINE_HEADERS`]).
pub async fn template(At(st, ctx, u): At, Path(p): Path<RunParam>) -> WebResult {
    let v = st.app.pay_run(&ctx.actor, u.id, p.plan).await?;
    let mut rows: Vec<jiguan_excel::reports::pay::TemplateRow> = v
        .lines
        .iter()
        .map(|l| {
            (
                l.person_id,
                l.name.clone(),
                l.grade.zh().to_string(),
                if l.post_source == "entered" {
                    l.post_coef.to_string()
                } else {
                    String::new()
                },
                l.months.to_string(),
                l.basic_salary.to_string(),
            )
        })
        .collect();
    if let Ok(people) = st.app.export_people(&ctx.actor, Some(u.id)).await {
        for (r, _) in people {
            let p = &r.person;
            if p.unit_id == u.id && !rows.iter().any(|x| x.0 == p.id) {
                rows.push((
                    p.id,
                    p.name.clone(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                ));
            }
        }
    }
    let sheet = jiguan_excel::reports::pay::lines_template(&u.name, v.run.year, &rows);
    crate::html::audit::xlsx(
        &format!("{}{}年度绩效分配要素导入模板", u.name, v.run.year),
        &[sheet],
    )
}

/// The upload (导入等次与分配要素): an xlsx or csv file (multipart field `file`) in the
/// template's layout; every row is checked and nothing is written unless every row is
/// valid. Row errors name the file's row and the column.
pub async fn upload(
    At(st, ctx, u): At,
    Path(p): Path<RunParam>,
    Upload(bytes): Upload,
) -> WebResult {
    let table = jiguan_excel::import::read_table(&bytes, &jiguan_excel::import::Limits::default());
    let r = match table.and_then(|t| jiguan_excel::reports::pay::line_forms(&t).map(|f| (t, f))) {
        Err(e) => Err(vec![e]),
        Ok((t, forms)) => match st
            .app
            .import_pay_lines(&ctx.actor, u.id, p.plan, &forms)
            .await
            .fields()?
        {
            Ok(()) => Ok(forms.len()),
            Err(errs) => Err(errs
                .into_iter()
                .map(|e| row_error(ctx.tr, t.first_row, forms.len(), e))
                .collect()),
        },
    };
    match r {
        Ok(n) => Ok(Redirect::to(&format!(
            "/units/{}/pay/{}?ok=pay_uploaded&n={n}",
            u.id, p.plan
        ))
        .into_response()),
        Err(errs) => {
            run_page(
                &st,
                &ctx,
                u,
                p.plan,
                Default::default(),
                FormErrors::new(ctx.tr, &errs),
                None,
            )
            .await
        }
    }
}

/// A row error of the upload named by the file's row and the column: `rows[i].grade` →
/// 第 {first_row + i} 行「考核等次」 (one row: the use case names the field alone).
fn row_error(tr: Tr, first_row: usize, rows: usize, mut e: FieldError) -> FieldError {
    const COLUMNS: [&str; 5] = ["person_id", "grade", "post_coef", "months", "basic_salary"];
    let (i, rest) = if rows == 1 {
        (
            COLUMNS.contains(&e.field.as_str()).then_some(0),
            e.field.clone(),
        )
    } else {
        match e
            .field
            .strip_prefix("rows[")
            .and_then(|s| s.split_once("]."))
        {
            Some((i, rest)) => (i.parse::<usize>().ok(), rest.to_string()),
            None => (None, e.field.clone()),
        }
    };
    if let Some(i) = i {
        let col_key = format!("pay.col.{rest}");
        let column = if tr.has(&col_key) {
            tr.t(&col_key).to_string()
        } else {
            rest
        };
        e.field = tr.f(
            "pay.upload.row",
            &[
                ("row".into(), (first_row + i).to_string()),
                ("column".into(), column),
            ],
        );
    }
    e
}
