//! The pay section of the reform results report (十六、绩效分配差距): for each unit, the
//! latest applied pay run on or before each end of the period — "before" the one of the
//! `from` year or earlier, "after" the one of the `to` year or earlier —: the pool, the
//! highest and the lowest share, and the mean share of each grade, in fen. The rows do not
//! add up, so the section has no 合计 row.

use std::collections::BTreeMap;

use async_trait::async_trait;

use jiguan_domain::pay::Grade;
use jiguan_domain::report::{Line, Period, Section, Unit as Measure};
use jiguan_domain::tenancy::{DistrictId, UnitId};
use jiguan_domain::workflow::Status;

use super::RunRecord;
use crate::report::SectionProvider;
use crate::{App, AppResult};

/// The provider registered in [`crate::report::PROVIDERS`].
pub struct SpreadSection;

/// The section's id; its title is `report.section.pay.spread`.
pub const SECTION: &str = "pay.spread";

/// Pool, highest share, lowest share, then the mean share of each grade (`None`: nobody
/// of that grade), all in fen.
async fn figures(app: &App, d: DistrictId, run: &RunRecord) -> AppResult<Vec<Option<i64>>> {
    let shares: Vec<(Grade, i64)> = app
        .store
        .pay_lines(d, run.unit_id, run.id)
        .await?
        .into_iter()
        .filter_map(|l| l.result.map(|r| (l.grade, r.share.0)))
        .collect();
    let mut out = vec![
        run.pool.map(|m| m.0),
        shares.iter().map(|s| s.1).max(),
        shares.iter().map(|s| s.1).min(),
    ];
    for g in Grade::ALL {
        let of: Vec<i64> = shares.iter().filter(|s| s.0 == *g).map(|s| s.1).collect();
        let n = i64::try_from(of.len()).unwrap_or(i64::MAX);
        out.push((n > 0).then(|| of.iter().sum::<i64>() / n));
    }
    Ok(out)
}

#[async_trait]
impl SectionProvider for SpreadSection {
    fn id(&self) -> &'static str {
        SECTION
    }

    async fn sections(
        &self,
        app: &App,
        d: DistrictId,
        units: &[UnitId],
        p: Period,
    ) -> AppResult<BTreeMap<UnitId, Section>> {
        use chrono::Datelike;
        let mut out = BTreeMap::new();
        for &u in units {
            let runs = app.store.pay_runs(d, Some(u)).await?;
            let latest = |year: i32| {
                runs.iter()
                    .filter(|r| r.year <= year && r.status == Status::Applied)
                    .max_by_key(|r| r.year)
            };
            let Some(a) = latest(p.to.year()) else {
                continue;
            };
            let after = figures(app, d, a).await?;
            let before = match latest(p.from.year()) {
                Some(b) => Some(figures(app, d, b).await?),
                None => None,
            };
            let labels = ["pool", "max", "min"]
                .into_iter()
                .map(String::from)
                .chain(Grade::ALL.iter().map(|g| format!("mean.{}", g.code())));
            let lines = labels
                .enumerate()
                .map(|(i, key)| {
                    let mut l = Line::new(format!("report.line.pay.{key}"), Measure::Money);
                    l.before = before.as_ref().and_then(|f| f[i]);
                    l.after = after[i];
                    l
                })
                .collect();
            out.insert(u, Section::new(SECTION, lines, false));
        }
        Ok(out)
    }
}
