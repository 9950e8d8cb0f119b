//! Self-service (个人中心 → 我的考核与绩效): the signed-in person's own annual appraisal
//! results with what each year entails (嘉奖, 记三等功, bonus, 诫勉 …), and their
//! performance-pay slips. Only the person linked to the account (`Profile`, any role); no
//! person id is taken, so nobody reaches someone else's results through it.
//!
//! - Years: the annual cycles of the district whose grades the committee confirmed
//!   (已确认, 公示中, 已结束), as on the person page.
//! - Slips: the pay runs of the person's unit that are approved (已批准) or paid (已发放)
//!   and hold a computed line for them; a draft or submitted run may still change and is
//!   not shown. The slip shows the person's own line and the run's totals (pool, total
//!   weight, headcount), not the others' lines.

use rust_decimal::Decimal;
use serde::Serialize;

use jiguan_domain::auth::{Action, Actor};
use jiguan_domain::money::Money;
use jiguan_domain::pay::PayRunId;
use jiguan_domain::workflow::Status;

use super::HistoryRow;
use crate::pay::{RunAt, RunLineRecord, RunView};
use crate::{App, AppError, AppResult};

/// The section of the 个人中心.
#[derive(Debug, Clone, Serialize)]
pub struct MyAppraisal {
    /// Newest year first.
    pub years: Vec<HistoryRow>,
    /// Newest year first.
    pub slips: Vec<MySlip>,
}

/// One pay slip of the person (a line of an approved or paid run).
#[derive(Debug, Clone, Serialize)]
pub struct MySlip {
    pub run_id: PayRunId,
    pub year: i32,
    pub status: Status,
    pub share: Money,
    pub bonus: Money,
}

/// One slip with the run's totals and the person's line only.
#[derive(Debug, Clone)]
pub struct MySlipView {
    /// The person's unit (the run's).
    pub unit: crate::ports::Unit,
    /// The run with `lines` holding the person's line only.
    pub view: RunView,
    pub line: RunLineRecord,
    /// Σ weights of the run's computed lines.
    pub total_weight: Decimal,
    /// Lines in the run.
    pub people: usize,
}

/// Runs whose slips the person sees.
const SLIP_STATUSES: [Status; 2] = [Status::Approved, Status::Applied];

impl App {
    /// The signed-in person's appraisal years and pay slips (`Profile`); `None` when the
    /// account is not linked to a person.
    pub async fn my_appraisal(&self, actor: &Actor) -> AppResult<Option<MyAppraisal>> {
        self.require(actor, Action::Profile)?;
        let Some(p) = self.linked_person(actor).await? else {
            return Ok(None);
        };
        let d = actor.district_id;
        let mut years = self.apr_history_unchecked(actor, p.id).await?;
        years.reverse();
        let mut slips = Vec::new();
        for r in self.store.pay_runs(d, Some(p.unit_id)).await? {
            if !SLIP_STATUSES.contains(&r.status) {
                continue;
            }
            let lines = self.store.pay_lines(RunAt::new(d, p.unit_id, r.id)).await?;
            if let Some(res) = lines
                .iter()
                .find(|l| l.person_id == p.id)
                .and_then(|l| l.result.as_ref())
            {
                slips.push(MySlip {
                    run_id: r.id,
                    year: r.year,
                    status: r.status,
                    share: res.share,
                    bonus: res.bonus,
                });
            }
        }
        slips.sort_by_key(|s| std::cmp::Reverse((s.year, s.run_id)));
        Ok(Some(MyAppraisal { years, slips }))
    }

    /// The signed-in person's slip of run `id` (`Profile`): not found unless the account
    /// is linked, the run is of the person's unit, approved or paid, and has a computed
    /// line for them.
    pub async fn my_pay_slip(&self, actor: &Actor, id: PayRunId) -> AppResult<MySlipView> {
        self.require(actor, Action::Profile)?;
        let p = self.linked_person(actor).await?.ok_or(AppError::NotFound)?;
        let u = self
            .store
            .get_unit(actor.district_id, p.unit_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let mut view = self.run_view_unchecked(actor, u.clone(), id).await?;
        if !SLIP_STATUSES.contains(&view.run.status) {
            return Err(AppError::NotFound);
        }
        let line = view
            .lines
            .iter()
            .find(|l| l.person_id == p.id && l.result.is_some())
            .cloned()
            .ok_or(AppError::NotFound)?;
        let total_weight = view
            .lines
            .iter()
            .filter_map(|x| x.result.as_ref())
            .filter_map(|r| r.weight.parse::<Decimal>().ok())
            .sum();
        let people = view.lines.len();
        view.lines = vec![line.clone()];
        Ok(MySlipView {
            unit: u,
            view,
            line,
            total_weight,
            people,
        })
    }
}
