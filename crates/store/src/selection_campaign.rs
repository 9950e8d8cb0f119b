//! Campaign plan versions (竞争上岗方案): one row per version in `selection_campaigns`, the
//! plan as JSON. Status moves are the shared workflow's (`crate::workflow`); an edit is a
//! guarded update of a version still in the status it was read in. Every query is scoped by
//! district and unit.

use async_trait::async_trait;

use jiguan_app::ports::{Conflict, Scoped, StoreError, StoreResult, UnitAt};
use jiguan_app::selection::campaign::{CampaignAt, CampaignRecord, CampaignStore, CampaignWrite};
use jiguan_app::selection::registration::{
    ApplicationRecord, ApplicationStatus, ApplicationWrite, ReviewFacts, ReviewWrite,
};
use jiguan_domain::audit::AuditEntry;
use jiguan_domain::selection::eligibility::Nomination;
use jiguan_domain::selection::plan::{Plan, PlanVersion};
use jiguan_domain::selection::{ApplicationId, CampaignId};
use jiguan_domain::tenancy::{DistrictId, UnitId};
use jiguan_domain::workflow::Status;

use crate::SqlStore;
use crate::audit::{commit_audited, commit_created};
use crate::db::{Db, Row, Tx};
use crate::sql::{row_in, update_or_insert};

/// The scope check every write under a campaign starts with, inside its transaction: the
/// campaign (or plan family, whose id is its first version's) is this district's and unit's,
/// else `NotFound`.
pub(crate) async fn campaign_in_unit(
    tx: &mut Tx,
    d: DistrictId,
    u: UnitId,
    campaign: i64,
) -> StoreResult<()> {
    tx.fetch_optional(
        "SELECT id FROM selection_campaigns WHERE id = $1 AND district_id = $2 AND unit_id = $3",
        &[campaign.into(), d.0.into(), u.0.into()],
    )
    .await?
    .ok_or(StoreError::NotFound)
    .map(|_| ())
}

/// The same for an application: it is the campaign's, in this district and unit.
pub(crate) async fn application_in_campaign(
    tx: &mut Tx,
    d: DistrictId,
    u: UnitId,
    campaign: CampaignId,
    application: ApplicationId,
) -> StoreResult<()> {
    tx.fetch_optional(
        "SELECT id FROM selection_applications WHERE id = $1 AND campaign_id = $2 AND district_id = $3 AND unit_id = $4",
        &[application.0.into(), campaign.0.into(), d.0.into(), u.0.into()],
    )
    .await?
    .ok_or(StoreError::NotFound)
    .map(|_| ())
}

/// The rows of one campaign in a table keyed by district, unit and campaign:
/// `SELECT {cols} FROM {table} WHERE district_id = $1 AND unit_id = $2 AND campaign_id = $3
/// ORDER BY {order}`, each mapped with `map`.
pub(crate) async fn campaign_rows<T>(
    db: &Db,
    (cols, table, order): (&str, &str, &str),
    d: DistrictId,
    u: UnitId,
    campaign: CampaignId,
    map: impl Fn(&Row) -> StoreResult<T>,
) -> StoreResult<Vec<T>> {
    db.fetch_all(
        &format!("SELECT {cols} FROM {table} WHERE district_id = $1 AND unit_id = $2 AND campaign_id = $3 ORDER BY {order}"),
        &[d.0.into(), u.0.into(), campaign.0.into()],
    )
    .await?
    .iter()
    .map(map)
    .collect()
}

/// The outcome of a write guarded by the row's status: no row changed is a
/// `Conflict(Status)` (the status moved meanwhile, or the row is not the unit's).
pub(crate) fn status_guarded(changed: u64) -> StoreResult<()> {
    if changed == 0 {
        return Err(StoreError::Conflict(Conflict::Status));
    }
    Ok(())
}

/// A stored code read back into its closed list (`from_code`); an unknown code is a
/// backend error naming what it was (`what`).
pub(crate) fn coded<T>(code: &str, what: &str, from_code: fn(&str) -> Option<T>) -> StoreResult<T> {
    from_code(code)
        .ok_or_else(|| StoreError::Backend(format!("unknown {what} in database: {code}")))
}

const COLS: &str = "id, district_id, unit_id, family_id, version, title, status, revision_reason, reason, doc_no, plan_json, created_by, created_at, decided_by, decided_at, applied_at";

fn record(r: &Row) -> StoreResult<CampaignRecord> {
    let status: String = r.get(6)?;
    let json: String = r.get(10)?;
    Ok(CampaignRecord {
        id: CampaignId(r.get(0)?),
        district_id: DistrictId(r.get(1)?),
        unit_id: UnitId(r.get(2)?),
        family_id: r.get(3)?,
        version: r.get(4)?,
        title: r.get(5)?,
        status: coded(&status, "campaign status", Status::from_code)?,
        revision_reason: r.get(7)?,
        reason: r.get(8)?,
        doc_no: r.get(9)?,
        plan: serde_json::from_str::<Plan>(&json)
            .map_err(|e| StoreError::Backend(format!("campaign plan in database: {e}")))?,
        created_by: r.get(11)?,
        created_at: r.get(12)?,
        decided_by: r.get(13)?,
        decided_at: r.get(14)?,
        applied_at: r.get(15)?,
    })
}

fn json(p: &Plan) -> StoreResult<String> {
    serde_json::to_string(p).map_err(json_err)
}

fn json_err(e: serde_json::Error) -> StoreError {
    StoreError::Backend(format!("JSON of a campaign row: {e}"))
}

const APP_COLS: &str = "id, campaign_id, person_id, choices_json, obey_adjustment, nomination, signers, status, review_json, note, created_by, created_at, reviewed_by, reviewed_at";

fn application(r: &Row) -> StoreResult<ApplicationRecord> {
    let choices: String = r.get(3)?;
    let nomination: String = r.get(5)?;
    let status: String = r.get(7)?;
    let review: String = r.get(8)?;
    let signers: i64 = r.get(6)?;
    Ok(ApplicationRecord {
        id: ApplicationId(r.get(0)?),
        campaign_id: CampaignId(r.get(1)?),
        person_id: r.get(2)?,
        choices: serde_json::from_str(&choices).map_err(json_err)?,
        obey_adjustment: r.get(4)?,
        nomination: coded(&nomination, "nomination", Nomination::from_code)?,
        signers: u32::try_from(signers).unwrap_or(0),
        status: coded(&status, "application status", ApplicationStatus::from_code)?,
        review: serde_json::from_str(&review).map_err(json_err)?,
        note: r.get(9)?,
        created_by: r.get(10)?,
        created_at: r.get(11)?,
        reviewed_by: r.get(12)?,
        reviewed_at: r.get(13)?,
    })
}

#[async_trait]
impl CampaignStore for SqlStore {
    async fn camp_list(&self, d: DistrictId, u: UnitId) -> StoreResult<Vec<CampaignRecord>> {
        self.db
            .fetch_all(
                &format!("SELECT {COLS} FROM selection_campaigns WHERE district_id = $1 AND unit_id = $2 ORDER BY family_id DESC, version"),
                &[d.0.into(), u.0.into()],
            )
            .await?
            .iter()
            .map(record)
            .collect()
    }

    async fn camp_get(&self, at: CampaignAt) -> StoreResult<Option<CampaignRecord>> {
        let select = format!("SELECT {COLS} FROM selection_campaigns");
        row_in(&self.db, &select, at, record).await
    }

    async fn camp_create(
        &self,
        at: UnitAt,
        w: &CampaignWrite,
        audit: AuditEntry,
    ) -> StoreResult<CampaignId> {
        let (d, u, by) = (at.district, at.unit, audit.username.as_str());
        let mut tx = self.db.begin().await?;
        if let Some(f) = w.family_id {
            campaign_in_unit(&mut tx, d, u, f).await?;
        }
        let id: i64 = tx
            .fetch_one(
                "INSERT INTO selection_campaigns (district_id, unit_id, family_id, version, title, plan_json, revision_reason, status, reason, doc_no, effective, created_by, created_at, decided_by, decided_at, applied_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, 'draft', '', '', NULL, $8, $9, '', NULL, NULL) RETURNING id",
                &[
                    d.0.into(),
                    u.0.into(),
                    w.family_id.unwrap_or(0).into(),
                    w.version.into(),
                    w.plan.title.as_str().into(),
                    json(&w.plan)?.into(),
                    w.revision_reason.as_str().into(),
                    by.into(),
                    audit.at.into(),
                ],
            )
            .await?
            .get(0)?;
        if w.family_id.is_none() {
            tx.execute(
                "UPDATE selection_campaigns SET family_id = $1 WHERE id = $1 AND district_id = $2 AND unit_id = $3",
                &[id.into(), d.0.into(), u.0.into()],
            )
            .await?;
        }
        commit_created(tx, audit, id).await?;
        Ok(CampaignId(id))
    }

    async fn camp_update(
        &self,
        at: CampaignAt,
        v: &PlanVersion,
        audit: AuditEntry,
    ) -> StoreResult<()> {
        let (d, u, id) = (at.district, at.unit, at.id);
        let (status, plan) = (v.status, &v.plan);
        let mut tx = self.db.begin().await?;
        let n = tx
            .execute(
                "UPDATE selection_campaigns SET title = $1, plan_json = $2 \
                 WHERE id = $3 AND district_id = $4 AND unit_id = $5 AND status = $6",
                &[
                    plan.title.as_str().into(),
                    json(plan)?.into(),
                    id.0.into(),
                    d.0.into(),
                    u.0.into(),
                    status.code().into(),
                ],
            )
            .await?;
        status_guarded(n)?;
        commit_audited(tx, &audit).await
    }

    async fn app_list(&self, at: CampaignAt) -> StoreResult<Vec<ApplicationRecord>> {
        let (d, u, campaign) = (at.district, at.unit, at.id);
        let t = (APP_COLS, "selection_applications", "id");
        campaign_rows(&self.db, t, d, u, campaign, application).await
    }

    async fn app_get(
        &self,
        at: CampaignAt,
        id: ApplicationId,
    ) -> StoreResult<Option<ApplicationRecord>> {
        let (d, u, campaign) = (at.district, at.unit, at.id);
        self.db
            .fetch_optional(
                &format!(
                    "SELECT {APP_COLS} FROM selection_applications WHERE id = $1 AND campaign_id = $2 AND district_id = $3 AND unit_id = $4"
                ),
                &[id.0.into(), campaign.0.into(), d.0.into(), u.0.into()],
            )
            .await?
            .as_ref()
            .map(application)
            .transpose()
    }

    async fn app_save(
        &self,
        at: CampaignAt,
        w: &ApplicationWrite,
        audit: AuditEntry,
    ) -> StoreResult<ApplicationId> {
        let (d, u, campaign) = (at.district, at.unit, at.id);
        let mut tx = self.db.begin().await?;
        campaign_in_unit(&mut tx, d, u, campaign.0).await?;
        let old = tx
            .fetch_optional(
                "SELECT id, status FROM selection_applications WHERE campaign_id = $1 AND person_id = $2 AND district_id = $3 AND unit_id = $4",
                &[campaign.0.into(), w.person_id.into(), d.0.into(), u.0.into()],
            )
            .await?;
        let choices = serde_json::to_string(&w.choices).map_err(json_err)?;
        let signers = i64::from(w.signers);
        if let Some(row) = &old {
            let status: String = row.get(1)?;
            if status != ApplicationStatus::Pending.code() {
                return Err(StoreError::Conflict(Conflict::Status));
            }
        }
        let id = update_or_insert(
            &mut tx,
            old,
            |id| {
                (
                    "UPDATE selection_applications SET choices_json = $1, obey_adjustment = $2, nomination = $3, signers = $4 \
                     WHERE id = $5 AND district_id = $6 AND unit_id = $7 AND status = 'pending'",
                    vec![
                        choices.clone().into(),
                        w.obey_adjustment.into(),
                        w.nomination.code().into(),
                        signers.into(),
                        id.into(),
                        d.0.into(),
                        u.0.into(),
                    ],
                )
            },
            (
                "INSERT INTO selection_applications (district_id, unit_id, campaign_id, person_id, choices_json, obey_adjustment, nomination, signers, status, review_json, note, created_by, created_at, reviewed_by, reviewed_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $9, '', $10, $11, '', NULL) RETURNING id",
                vec![
                    d.0.into(),
                    u.0.into(),
                    campaign.0.into(),
                    w.person_id.into(),
                    choices.as_str().into(),
                    w.obey_adjustment.into(),
                    w.nomination.code().into(),
                    signers.into(),
                    serde_json::to_string(&ReviewFacts::default())
                        .map_err(json_err)?
                        .into(),
                    audit.username.as_str().into(),
                    audit.at.into(),
                ],
            ),
        )
        .await?;
        commit_audited(tx, &audit).await?;
        Ok(ApplicationId(id))
    }

    async fn app_review(
        &self,
        at: Scoped<ApplicationId>,
        r: &ReviewWrite,
        audit: AuditEntry,
    ) -> StoreResult<()> {
        let (d, u, id) = (at.district, at.unit, at.id);
        let mut tx = self.db.begin().await?;
        tx.execute_found(
                "UPDATE selection_applications SET status = $1, review_json = $2, note = $3, reviewed_by = $4, reviewed_at = $5 \
                 WHERE id = $6 AND district_id = $7 AND unit_id = $8",
                &[
                    r.status.code().into(),
                    serde_json::to_string(&r.facts).map_err(json_err)?.into(),
                    r.note.as_str().into(),
                    audit.username.as_str().into(),
                    audit.at.into(),
                    id.0.into(),
                    d.0.into(),
                    u.0.into(),
                ],
            )
            .await?;
        commit_audited(tx, &audit).await
    }
}
