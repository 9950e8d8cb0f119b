//! Demo pay: the district sets the 2019 pools of its six units (12,000 元 per head × the
//! unit's own appraisal coefficient); every unit's 2019 run is computed, and 骆驼街道's is
//! approved by its leadership and applied, so the district report compares six units.
//!
//! Grades are spread within the 优秀 quota (floor of 20 %, [`max_excellent`]); people who
//! joined the unit during 2019 are counted for the months they served.

use chrono::Datelike;
use rust_decimal::Decimal;

use jiguan_domain::auth::{Actor, Role};
use jiguan_domain::pay::{Grade, LineForm, PayRunId, PoolForm};
use jiguan_domain::rules::appraisal::max_excellent;
use jiguan_domain::tenancy::{DistrictId, UnitId};

use crate::demo::system;
use crate::people::{PeopleFilter, PersonRecord};
use crate::{App, AppError, AppResult};

/// The demo year.
pub const YEAR: i32 = 2019;
/// Per head, in yuan.
pub const PER_HEAD: &str = "12000";
/// (unit code, unit coefficient from the unit's own appraisal, extra 基本称职 every n people).
pub const UNITS: [(&str, &str, usize); 6] = [
    ("luotuo", "1.10", 12),
    ("zhaobaoshan", "1.05", 15),
    ("jiaochuan", "1.00", 20),
    ("zhuangshi", "1.00", 25),
    ("jiulonghu", "0.95", 30),
    ("xiepu", "0.90", 0),
];

/// The grade of the i-th of n people: the first `quota` 优秀, one 不称职 in large units,
/// one 基本称职 every `basic_every`, the rest 称职.
fn grade(i: usize, n: usize, quota: usize, basic_every: usize) -> Grade {
    if i < quota {
        Grade::Excellent
    } else if n >= 60 && i == n - 1 {
        Grade::Incompetent
    } else if basic_every > 0 && i % basic_every == basic_every - 1 {
        Grade::Basic
    } else {
        Grade::Competent
    }
}

/// The district (`admin`) sets the unit's pool of `year` at [`PER_HEAD`] × the people
/// `served` × `coef`; the unit's HR (`hr`) creates its run. The lines: each person (id,
/// months served) graded by [`grade`] within the 优秀 quota. Returns the run and the lines.
async fn pool_run_and_lines(
    app: &App,
    (admin, hr, unit, year): (&Actor, &Actor, UnitId, i32),
    coef: &str,
    served: &[(String, u32)],
    basic_every: usize,
) -> AppResult<(PayRunId, Vec<LineForm>)> {
    let n = served.len();
    let pool = PoolForm {
        basis: "per_head".into(),
        per_head: PER_HEAD.into(),
        headcount: n.to_string(),
        unit_coef: coef.into(),
        amount: String::new(),
    };
    app.set_pay_pool(admin, unit, year, &pool).await?;
    let run = app.create_pay_run(hr, unit, year).await?;
    let quota = usize::try_from(max_excellent(
        u32::try_from(n).unwrap_or(0),
        Decimal::from(20),
    ))
    .unwrap_or(0);
    let rows = served
        .iter()
        .enumerate()
        .map(|(i, (person, months))| LineForm {
            person_id: person.clone(),
            grade: grade(i, n, quota, basic_every).code().into(),
            post_coef: String::new(),
            months: months.to_string(),
            basic_salary: String::new(),
        })
        .collect();
    Ok((run, rows))
}

/// Seeds the pools and runs of the demo district (after the people and posts demos).
pub async fn seed(app: &App, district: DistrictId) -> AppResult<()> {
    let admin = system(district, None, Role::DistrictAdmin);
    for (code, coef, basic_every) in UNITS {
        let unit = app
            .store
            .find_unit(district, code)
            .await?
            .ok_or(AppError::NotFound)?;
        let hr = system(district, Some(unit.id), Role::UnitAdmin);
        let filter = PeopleFilter {
            unit_id: Some(unit.id),
            home_only: true,
            ..PeopleFilter::default()
        };
        let people: Vec<PersonRecord> = app
            .store
            .export_people(district, &filter)
            .await?
            .into_iter()
            .filter(|p| p.unit_id == unit.id && p.unit_join.is_none_or(|d| d.year() <= YEAR))
            .collect();
        // Those who joined the unit during the year count the months they served.
        let served: Vec<(String, u32)> = people
            .iter()
            .map(|p| match p.unit_join {
                Some(d) if d.year() == YEAR => (p.id.to_string(), 13 - d.month()),
                _ => (p.id.to_string(), 12),
            })
            .collect();
        let at = (&admin, &hr, unit.id, YEAR);
        let (run, rows) = pool_run_and_lines(app, at, coef, &served, basic_every).await?;
        if rows.is_empty() {
            continue;
        }
        if code == "luotuo" {
            // 骆驼街道's grades are those its 2019 annual appraisal confirmed.
            app.pay_lines_from_appraisal(&hr, unit.id, run).await?;
        } else {
            app.import_pay_lines(&hr, unit.id, run, &rows).await?;
        }
        app.compute_pay_run(&hr, unit.id, run).await?;
        if code == "luotuo" {
            let leader = system(district, Some(unit.id), Role::CommitteeMember);
            app.submit_pay_run(&hr, unit.id, run).await?;
            app.approve_pay_run(&leader, unit.id, run).await?;
            app.apply_pay_run(&hr, unit.id, run).await?;
        }
    }
    Ok(())
}

/// Load-test pay data (`jiguan demo-data … --pay-year YEAR`): for the units `u001` …
/// `u{units}` of a synthetic district (`jiguan_store::scale`), the district sets a pool of
/// 12,000 元 per head × 1.00, and each unit's run is created, filled from its roster (grades
/// within the 优秀 quota, one 基本称职 in 15) and computed — what the district pay report
/// reads. Returns the number of runs computed; `progress` is called after each unit.
pub async fn seed_scale(
    app: &App,
    district: DistrictId,
    units: u32,
    year: i32,
    mut progress: impl FnMut(u32),
) -> AppResult<u32> {
    let admin = system(district, None, Role::DistrictAdmin);
    let mut done = 0;
    for ui in 1..=units {
        let Some(unit) = app.store.find_unit(district, &format!("u{ui:03}")).await? else {
            continue;
        };
        let hr = system(district, Some(unit.id), Role::UnitAdmin);
        let filter = PeopleFilter {
            unit_id: Some(unit.id),
            home_only: true,
            ..PeopleFilter::default()
        };
        let people = app.store.export_people(district, &filter).await?;
        if people.is_empty() {
            continue;
        }
        let served: Vec<(String, u32)> = people.iter().map(|p| (p.id.to_string(), 12)).collect();
        let at = (&admin, &hr, unit.id, year);
        let (run, rows) = pool_run_and_lines(app, at, "1.00", &served, 15).await?;
        app.import_pay_lines(&hr, unit.id, run, &rows).await?;
        app.compute_pay_run(&hr, unit.id, run).await?;
        done += 1;
        progress(ui);
    }
    Ok(done)
}
