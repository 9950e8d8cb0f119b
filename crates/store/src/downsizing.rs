//! Downsizing plans (分流方案): plans, lines, history, labour contracts, and the atomic
//! apply (plan status, people's statuses with history rows, post assignments ended,
//! contracts, audit) in one transaction. Every query is scoped by district and unit.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};

use jiguan_app::downsizing::{
    ApplyWrite, CandidateRecord, ContractRecord, DownsizingStore, LineRecord, LineWrite, PlanEvent,
    PlanRecord,
};
use jiguan_app::ports::{Conflict, ListQuery, Page, Scoped, StoreError, StoreResult};
use jiguan_domain::audit::AuditEntry;
use jiguan_domain::downsizing::{CandidateReason, ContractId, LineId, PlanId, PlanStatus, Route};
use jiguan_domain::people::{EventKind, Identity};
use jiguan_domain::tenancy::{DistrictId, UnitId};
use jiguan_domain::workflow::DOWNSIZING_PLANS;

use crate::SqlStore;
use crate::audit::{commit_audited, commit_created};
use crate::db::{Row, Tx};
use crate::people;
use crate::sql::{Sql, fetch_page, row_in, rows_in, rows_under, update_or_insert};
use crate::workflow::{DOWNSIZING, begin_apply, event_tx, on_post_tx};

const PLAN_COLS: &str = "p.id, p.district_id, p.unit_id, p.title, p.effective, p.status, p.doc_no, p.reason, p.staff_base, p.created_by, p.created_at, p.applied_at, \
    (SELECT CAST(COUNT(*) AS BIGINT) FROM downsizing_lines l WHERE l.plan_id = p.id AND l.district_id = p.district_id AND l.unit_id = p.unit_id)";

/// 无岗: a person `p` on post with no open post assignment in their unit.
const NO_POST: &str = "p.status = 'on_post' AND NOT EXISTS (SELECT 1 FROM post_assignments a WHERE a.district_id = p.district_id \
    AND a.unit_id = p.unit_id AND a.person_id = p.id AND a.end_date IS NULL)";
/// 机构撤并: the body of a person `p` (of their unit) is abolished or merged.
const IN_ABOLISHED: &str = "EXISTS (SELECT 1 FROM bodies b WHERE b.id = p.body_id AND b.district_id = p.district_id \
    AND b.unit_id = p.unit_id AND b.status IN ('abolished', 'merged'))";
/// The stored codes of the statuses of a plan under way (a person is on one such plan at a
/// time), quoted for an `IN (…)` list: the domain's own codes, never user text.
fn open_plans() -> String {
    let codes: Vec<String> = PlanStatus::ALL
        .iter()
        .filter(|s| s.is_open())
        .map(|s| format!("'{}'", s.code()))
        .collect();
    codes.join(", ")
}

fn bad(what: &str, v: &str) -> StoreError {
    StoreError::Backend(format!("unknown {what} code in database: {v}"))
}

fn plan(r: &Row) -> StoreResult<PlanRecord> {
    let status: String = r.get(5)?;
    Ok(PlanRecord {
        id: PlanId(r.get(0)?),
        district_id: DistrictId(r.get(1)?),
        unit_id: UnitId(r.get(2)?),
        title: r.get(3)?,
        effective: r.get(4)?,
        status: PlanStatus::from_code(&status).ok_or_else(|| bad("plan status", &status))?,
        doc_no: r.get(6)?,
        reason: r.get(7)?,
        staff_base: r.get(8)?,
        created_by: r.get(9)?,
        created_at: r.get(10)?,
        applied_at: r.get(11)?,
        lines: r.get(12)?,
    })
}

fn line(r: &Row) -> StoreResult<LineRecord> {
    let route: String = r.get(3)?;
    let term: Option<i64> = r.get(5)?;
    Ok(LineRecord {
        id: LineId(r.get(0)?),
        plan_id: PlanId(r.get(1)?),
        person_id: r.get(2)?,
        route: Route::from_code(&route).ok_or_else(|| bad("route", &route))?,
        note: r.get(4)?,
        term_years: term.and_then(|t| u32::try_from(t).ok()),
        figures_json: r.get(6)?,
    })
}

/// Fails unless the plan of the unit may still be edited (a draft).
async fn require_draft(tx: &mut Tx, d: DistrictId, u: UnitId, plan: PlanId) -> StoreResult<()> {
    let r = tx
        .fetch_optional(
            "SELECT status FROM downsizing_plans WHERE id = $1 AND district_id = $2 AND unit_id = $3",
            &[plan.0.into(), d.0.into(), u.0.into()],
        )
        .await?;
    match r {
        None => Err(StoreError::NotFound),
        Some(r) => {
            let s: String = r.get(0)?;
            if PlanStatus::from_code(&s).is_some_and(|s| DOWNSIZING_PLANS.editable(s)) {
                Ok(())
            } else {
                Err(StoreError::Conflict(Conflict::Status))
            }
        }
    }
}

const EVENT_COLS: &str = "district_id, person_id, on_date, kind, unit_id, host_unit_id, body_id, identity, establishment, post, rank, leader, funding, basic_pay, allowances, social_insurance, housing_fund, status, doc_no, note, created_at, created_by";

#[async_trait]
impl DownsizingStore for SqlStore {
    async fn down_plans(&self, d: DistrictId, u: Option<UnitId>) -> StoreResult<Vec<PlanRecord>> {
        let select = format!("SELECT {PLAN_COLS} FROM downsizing_plans p");
        rows_in(&self.db, &select, d, u, " ORDER BY p.id DESC")
            .await?
            .iter()
            .map(plan)
            .collect()
    }

    async fn down_plan(
        &self,
        d: DistrictId,
        u: UnitId,
        id: PlanId,
    ) -> StoreResult<Option<PlanRecord>> {
        let select = format!("SELECT {PLAN_COLS} FROM downsizing_plans p");
        row_in(&self.db, &select, Scoped::new(d, u, id), plan).await
    }

    async fn down_create_plan(
        &self,
        d: DistrictId,
        u: UnitId,
        title: &str,
        effective: NaiveDate,
        audit: AuditEntry,
    ) -> StoreResult<PlanId> {
        let mut tx = self.db.begin().await?;
        let id: i64 = tx
            .fetch_one(
                "INSERT INTO downsizing_plans (district_id, unit_id, title, effective, status, doc_no, reason, staff_base, created_by, created_at, applied_at) \
                 VALUES ($1, $2, $3, $4, 'draft', '', '', NULL, $5, $6, NULL) RETURNING id",
                &[
                    d.0.into(),
                    u.0.into(),
                    title.into(),
                    effective.into(),
                    audit.username.as_str().into(),
                    audit.at.into(),
                ],
            )
            .await?
            .get(0)?;
        event_tx(
            &mut tx,
            &DOWNSIZING,
            d,
            u,
            id,
            (None, PlanStatus::Draft),
            "",
            (&audit.username, audit.at),
        )
        .await?;
        commit_created(tx, audit, id).await?;
        Ok(PlanId(id))
    }

    async fn down_lines(
        &self,
        d: DistrictId,
        u: UnitId,
        plan: PlanId,
    ) -> StoreResult<Vec<LineRecord>> {
        let sql = "SELECT id, plan_id, person_id, route, note, term_years, figures_json FROM downsizing_lines \
                   WHERE plan_id = $1 AND district_id = $2 AND unit_id = $3 ORDER BY id";
        rows_under(&self.db, sql, Scoped::new(d, u, plan), line).await
    }

    async fn down_save_line(
        &self,
        d: DistrictId,
        u: UnitId,
        plan: PlanId,
        w: &LineWrite,
        at: DateTime<Utc>,
        audit: AuditEntry,
    ) -> StoreResult<LineId> {
        let mut tx = self.db.begin().await?;
        require_draft(&mut tx, d, u, plan).await?;
        let term = w.term_years.map(i64::from);
        let existing = tx
            .fetch_optional(
                "SELECT id FROM downsizing_lines WHERE plan_id = $1 AND district_id = $2 AND unit_id = $3 AND person_id = $4",
                &[plan.0.into(), d.0.into(), u.0.into(), w.person_id.into()],
            )
            .await?;
        let id = update_or_insert(
            &mut tx,
            existing,
            |id| {
                (
                    "UPDATE downsizing_lines SET route = $1, note = $2, term_years = $3, figures_json = $4 \
                     WHERE id = $5 AND district_id = $6 AND unit_id = $7",
                    vec![
                        w.route.code().into(),
                        w.note.as_str().into(),
                        term.into(),
                        w.figures_json.as_str().into(),
                        id.into(),
                        d.0.into(),
                        u.0.into(),
                    ],
                )
            },
            (
                "INSERT INTO downsizing_lines (plan_id, district_id, unit_id, person_id, route, note, term_years, figures_json, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                vec![
                    plan.0.into(),
                    d.0.into(),
                    u.0.into(),
                    w.person_id.into(),
                    w.route.code().into(),
                    w.note.as_str().into(),
                    term.into(),
                    w.figures_json.as_str().into(),
                    at.into(),
                ],
            ),
        )
        .await?;
        commit_audited(tx, &audit).await?;
        Ok(LineId(id))
    }

    async fn down_remove_line(
        &self,
        d: DistrictId,
        u: UnitId,
        plan: PlanId,
        line: LineId,
        audit: AuditEntry,
    ) -> StoreResult<()> {
        let mut tx = self.db.begin().await?;
        require_draft(&mut tx, d, u, plan).await?;
        let n = tx
            .execute(
                "DELETE FROM downsizing_lines WHERE id = $1 AND plan_id = $2 AND district_id = $3 AND unit_id = $4",
                &[line.0.into(), plan.0.into(), d.0.into(), u.0.into()],
            )
            .await?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        commit_audited(tx, &audit).await
    }

    async fn down_apply(
        &self,
        d: DistrictId,
        u: UnitId,
        w: &ApplyWrite,
        audit: AuditEntry,
    ) -> StoreResult<()> {
        let staff_base = [("staff_base", w.staff_base.into())];
        let mut tx = begin_apply(&self.db, &DOWNSIZING, (d, u), &w.step, &staff_base).await?;
        let (at, by) = (w.step.at, w.step.by.as_str());
        for it in &w.items {
            let conflict = || StoreError::Conflict(Conflict::Person(it.person_id));
            // The person must still be on post or lent out at home in the unit.
            let n = match it.new_status {
                Some(s) => {
                    tx.execute(
                        "UPDATE people SET status = $1, status_since = $2, host_unit_id = NULL, updated_at = $3 \
                         WHERE district_id = $4 AND unit_id = $5 AND id = $6 AND status IN ('on_post', 'lent_out')",
                        &[
                            s.code().into(),
                            w.effective.into(),
                            at.into(),
                            d.0.into(),
                            u.0.into(),
                            it.person_id.into(),
                        ],
                    )
                    .await?
                }
                None => u64::from(on_post_tx(&mut tx, d, u, it.person_id).await?),
            };
            if n == 0 {
                return Err(conflict());
            }
            if it.new_status.is_some() {
                tx.execute(
                    &format!(
                        "INSERT INTO person_events ({EVENT_COLS}) SELECT p.district_id, p.id, $1, $2, p.unit_id, p.host_unit_id, p.body_id, \
                         p.identity, p.establishment, p.post, p.rank, p.leader, p.funding, p.basic_pay, p.allowances, p.social_insurance, \
                         p.housing_fund, p.status, $3, $4, $5, $6 FROM people p WHERE p.district_id = $7 AND p.id = $8"
                    ),
                    &[
                        w.effective.into(),
                        EventKind::Status.code().into(),
                        w.doc_no.as_str().into(),
                        it.note.as_str().into(),
                        at.into(),
                        by.into(),
                        d.0.into(),
                        it.person_id.into(),
                    ],
                )
                .await?;
                crate::people_index::refresh_latest(
                    &mut tx,
                    d,
                    crate::people_index::Who::Ids(&[it.person_id]),
                )
                .await?;
            }
            if it.cut {
                tx.execute(
                    "UPDATE post_assignments SET end_date = $1, end_reason = 'downsizing' \
                     WHERE district_id = $2 AND unit_id = $3 AND person_id = $4 AND end_date IS NULL",
                    &[
                        w.effective.into(),
                        d.0.into(),
                        u.0.into(),
                        it.person_id.into(),
                    ],
                )
                .await?;
                crate::posts_index::refresh_holders(
                    &mut tx,
                    d,
                    crate::posts_index::Scope::Ids(u, &[it.person_id]),
                )
                .await?;
            }
            if let Some(c) = it.contract {
                tx.execute(
                    "INSERT INTO labour_contracts (district_id, unit_id, person_id, start_date, end_date, term_years, plan_id, created_by, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                    &[
                        d.0.into(),
                        u.0.into(),
                        it.person_id.into(),
                        c.start.into(),
                        c.end.into(),
                        i64::from(c.term_years).into(),
                        w.step.id.into(),
                        by.into(),
                        at.into(),
                    ],
                )
                .await?;
            }
            tx.execute(
                "UPDATE downsizing_lines SET figures_json = $1 WHERE id = $2 AND plan_id = $3 AND district_id = $4 AND unit_id = $5",
                &[
                    it.figures_json.as_str().into(),
                    it.line_id.0.into(),
                    w.step.id.into(),
                    d.0.into(),
                    u.0.into(),
                ],
            )
            .await?;
        }
        commit_audited(tx, &audit).await
    }

    async fn down_events(
        &self,
        d: DistrictId,
        u: UnitId,
        plan: PlanId,
    ) -> StoreResult<Vec<PlanEvent>> {
        let sql = "SELECT from_status, to_status, comment, created_by, created_at FROM downsizing_events \
                   WHERE plan_id = $1 AND district_id = $2 AND unit_id = $3 ORDER BY id";
        rows_under(&self.db, sql, Scoped::new(d, u, plan), |r| {
            let to: String = r.get(1)?;
            Ok(PlanEvent {
                from: r.get(0)?,
                to: PlanStatus::from_code(&to).ok_or_else(|| bad("plan status", &to))?,
                comment: r.get(2)?,
                by: r.get(3)?,
                at: r.get(4)?,
            })
        })
        .await
    }

    async fn down_candidates(
        &self,
        d: DistrictId,
        u: UnitId,
        plan: PlanId,
        identities: &[Identity],
        q: &ListQuery,
    ) -> StoreResult<Page<CandidateRecord>> {
        let mut w = Sql::new("");
        let dp = w.bind(d.0);
        let up = w.bind(u.0);
        let pp = w.bind(plan.0);
        let open = open_plans();
        // People on this plan or on another plan of the unit under way (a handful of
        // plans' lines, read once), and the people of the unit on post or lent out.
        w.push(&format!(
            " FROM people p WHERE p.district_id = {dp} AND p.unit_id = {up} AND p.status IN ('on_post', 'lent_out') \
             AND p.id NOT IN (SELECT l.person_id FROM downsizing_lines l JOIN downsizing_plans x ON x.id = l.plan_id \
             AND x.district_id = l.district_id AND x.unit_id = l.unit_id WHERE l.district_id = {dp} AND l.unit_id = {up} \
             AND (x.id = {pp} OR x.status IN ({open})))"
        ));
        let mut why = vec![NO_POST.to_string(), IN_ABOLISHED.to_string()];
        if !identities.is_empty() {
            let codes: Vec<String> = identities.iter().map(|i| w.bind(i.code())).collect();
            why.push(format!("p.identity IN ({})", codes.join(", ")));
        }
        w.push(&format!(" AND (({}))", why.join(") OR (")));
        w.search(q, &["p.name", "p.post"]);
        let select = format!(
            "SELECT {}, CAST(CASE WHEN {NO_POST} THEN 1 ELSE 0 END AS BIGINT), \
             CAST(CASE WHEN {IN_ABOLISHED} THEN 1 ELSE 0 END AS BIGINT)",
            people::cols(false)
        );
        let n = people::cols(false).split(", ").count();
        fetch_page(&self.db, "", &select, w, " ORDER BY p.name, p.id", q, |r| {
            let person = people::person(r)?;
            let mut reasons = Vec::new();
            if r.get::<i64>(n)? != 0 {
                reasons.push(CandidateReason::NoPost);
            }
            if r.get::<i64>(n + 1)? != 0 {
                reasons.push(CandidateReason::AbolishedBody);
            }
            if identities.contains(&person.identity) {
                reasons.push(CandidateReason::Identity);
            }
            Ok(CandidateRecord { person, reasons })
        })
        .await
    }

    async fn down_contracts(
        &self,
        d: DistrictId,
        u: UnitId,
        person: Option<i64>,
    ) -> StoreResult<Vec<ContractRecord>> {
        let mut sql = String::from(
            "SELECT id, person_id, start_date, end_date, term_years, plan_id FROM labour_contracts WHERE district_id = $1 AND unit_id = $2",
        );
        let mut params = vec![d.0.into(), u.0.into()];
        if let Some(p) = person {
            sql.push_str(" AND person_id = $3");
            params.push(p.into());
        }
        sql.push_str(" ORDER BY id DESC");
        let rows = self.db.fetch_all(&sql, &params).await?;
        rows.iter()
            .map(|r| {
                let plan: Option<i64> = r.get(5)?;
                Ok(ContractRecord {
                    id: ContractId(r.get(0)?),
                    person_id: r.get(1)?,
                    start: r.get(2)?,
                    end: r.get(3)?,
                    term_years: r.get(4)?,
                    plan_id: plan.map(PlanId),
                })
            })
            .collect()
    }
}
