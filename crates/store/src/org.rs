//! Organisation design: bodies and function items with dated versions, the unit's revision,
//! kind rules, caps and splits, and reorganisation plans. Every query is scoped by district
//! and unit. A structure change writes the versions, the current rows, the plan's move and
//! the audit entry in one transaction.

use std::collections::BTreeMap;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};

use jiguan_app::org::{
    BodySummary, BodyVersion, CapRecord, FunctionVersion, OrgStore, PlanRecord, Revision,
    SplitRecord, StructureWrite,
};
use jiguan_app::ports::{Conflict, StoreError, StoreResult};
use jiguan_domain::audit::AuditEntry;
use jiguan_domain::org::analysis::KindRule;
use jiguan_domain::org::plan::{PlanOp, staff_note};
use jiguan_domain::org::{
    Body, BodyId, BodyKind, BodyStatus, Caps, FunctionCategory, FunctionId, FunctionInput,
    FunctionItem, NameplateRecord, PlanId, PlanStatus, ReviewDecision, Split, SplitLine, Structure,
};
use jiguan_domain::tenancy::{DistrictId, UnitId};

use crate::SqlStore;
use crate::audit::{commit_audited, commit_created};
use crate::db::{Row, Tx, Value};
use crate::people::{in_list, move_staff_tx};
use crate::workflow::{REORG_PLANS, move_tx};
use jiguan_domain::workflow::ORG_PLANS;

const BODY_COLS: &str = "body_id, name, short_name, kind, parent_id, status, successor_id, establishment, head, doc_no, records_json";
const ITEM_COLS: &str =
    "item_id, code, title, category, legal_basis, owners_json, decision, reason";

fn bad(what: &str) -> StoreError {
    StoreError::Backend(format!("unreadable {what}"))
}

fn body_at(r: &Row, at: usize) -> StoreResult<Body> {
    let kind: String = r.get(at + 3)?;
    let status: String = r.get(at + 5)?;
    let succ: Option<i64> = r.get(at + 6)?;
    let records: String = r.get(at + 10)?;
    Ok(Body {
        id: BodyId(r.get(at)?),
        name: r.get(at + 1)?,
        short_name: r.get(at + 2)?,
        kind: BodyKind::from_code(&kind).ok_or_else(|| bad("body kind"))?,
        parent: r.get::<Option<i64>>(at + 4)?.map(BodyId),
        status: BodyStatus::from_parts(&status, succ.map(BodyId))
            .ok_or_else(|| bad("body status"))?,
        establishment: r.get(at + 7)?,
        head: r.get(at + 8)?,
        doc_no: r.get(at + 9)?,
        records: serde_json::from_str::<Vec<NameplateRecord>>(&records)
            .map_err(|_| bad("nameplate records"))?,
    })
}

fn item_at(r: &Row, at: usize) -> StoreResult<FunctionItem> {
    let cat: String = r.get(at + 3)?;
    let owners: String = r.get(at + 5)?;
    let decision: Option<String> = r.get(at + 6)?;
    Ok(FunctionItem {
        id: FunctionId(r.get(at)?),
        input: FunctionInput {
            code: r.get(at + 1)?,
            title: r.get(at + 2)?,
            category: FunctionCategory::from_code(&cat).ok_or_else(|| bad("category"))?,
            legal_basis: r.get(at + 4)?,
            owners: serde_json::from_str::<Vec<BodyId>>(&owners).map_err(|_| bad("owners"))?,
            decision: match decision {
                Some(d) => Some(ReviewDecision::from_code(&d).ok_or_else(|| bad("decision"))?),
                None => None,
            },
            reason: r.get(at + 7)?,
        },
    })
}

/// JSON text of a value (serde_json's error becomes a backend error).
macro_rules! json {
    ($v:expr) => {
        serde_json::to_string($v).map_err(|e| StoreError::Backend(e.to_string()))
    };
}

/// The values of a body version's attribute columns, in [`BODY_COLS`] order after the id.
fn body_values(b: &Body) -> StoreResult<Vec<Value>> {
    Ok(vec![
        b.name.as_str().into(),
        b.short_name.as_str().into(),
        b.kind.code().into(),
        b.parent.map(|p| p.0).into(),
        b.status.code().into(),
        b.status.successor().map(|p| p.0).into(),
        b.establishment.into(),
        b.head.as_str().into(),
        b.doc_no.as_str().into(),
        json!(&b.records)?.into(),
    ])
}

fn item_values(f: &FunctionItem) -> StoreResult<Vec<Value>> {
    Ok(vec![
        f.code.as_str().into(),
        f.title.as_str().into(),
        f.category.code().into(),
        f.legal_basis.as_str().into(),
        json!(&f.owners)?.into(),
        f.decision.map(|d| d.code()).into(),
        f.reason.as_str().into(),
    ])
}

/// Replaces temporary (negative) body ids by real ones.
fn map_body(b: &Body, map: &[(i64, i64)]) -> Body {
    let m = |id: BodyId| {
        map.iter()
            .find(|(t, _)| *t == id.0)
            .map(|(_, r)| BodyId(*r))
            .unwrap_or(id)
    };
    let mut out = b.clone();
    out.id = m(b.id);
    out.parent = b.parent.map(m);
    out.status = match b.status {
        BodyStatus::Merged(s) => BodyStatus::Merged(m(s)),
        s => s,
    };
    for r in &mut out.records {
        r.source = m(r.source);
    }
    out
}

fn map_item(f: &FunctionItem, map: &[(i64, i64)]) -> FunctionItem {
    let mut out = f.clone();
    out.owners = f
        .owners
        .iter()
        .map(|o| {
            map.iter()
                .find(|(t, _)| *t == o.0)
                .map(|(_, r)| BodyId(*r))
                .unwrap_or(*o)
        })
        .collect();
    out.owners.sort();
    out.owners.dedup();
    out
}

fn plan_of(r: &Row, ops: Vec<PlanOp>) -> StoreResult<PlanRecord> {
    let status: String = r.get(3)?;
    Ok(PlanRecord {
        id: PlanId(r.get(0)?),
        unit_id: UnitId(r.get(1)?),
        title: r.get(2)?,
        status: PlanStatus::from_code(&status).ok_or_else(|| bad("plan status"))?,
        ops,
        doc_no: r.get(4)?,
        reason: r.get(5)?,
        effective: r.get(6)?,
        created_by: r.get(7)?,
        created_at: r.get(8)?,
        decided_by: r.get(9)?,
        decided_at: r.get(10)?,
        applied_at: r.get(11)?,
    })
}

const PLAN_COLS: &str = "id, unit_id, title, status, doc_no, reason, effective, created_by, created_at, decided_by, decided_at, applied_at";

async fn plan_ops(
    tx_or_db: &SqlStore,
    d: DistrictId,
    u: UnitId,
    id: PlanId,
) -> StoreResult<Vec<PlanOp>> {
    let rows = tx_or_db
        .db
        .fetch_all(
            "SELECT op_json FROM reorg_ops WHERE plan_id = $1 AND district_id = $2 AND unit_id = $3 ORDER BY seq",
            &[id.0.into(), d.0.into(), u.0.into()],
        )
        .await?;
    rows.iter()
        .map(|r| {
            let s: String = r.get(0)?;
            serde_json::from_str::<PlanOp>(&s).map_err(|_| bad("plan operation"))
        })
        .collect()
}

/// Writes the new version of a body or item: updates the open version in place when it
/// began on `on`, else closes it and opens a new one.
#[allow(clippy::too_many_arguments)]
async fn write_version(
    tx: &mut Tx,
    table: &str,
    key: &str,
    cols: &str,
    d: DistrictId,
    u: UnitId,
    id: i64,
    on: NaiveDate,
    vals: Vec<Value>,
) -> StoreResult<()> {
    let open = tx
        .fetch_optional(
            &format!(
                "SELECT id, valid_from FROM {table} WHERE {key} = $1 AND district_id = $2 AND unit_id = $3 AND valid_to IS NULL"
            ),
            &[id.into(), d.0.into(), u.0.into()],
        )
        .await?;
    let names: Vec<&str> = cols.split(", ").skip(1).collect();
    match open {
        Some(r) if r.get::<NaiveDate>(1)? == on => {
            let vid: i64 = r.get(0)?;
            let sets: Vec<String> = names
                .iter()
                .enumerate()
                .map(|(i, c)| format!("{c} = ${}", i + 2))
                .collect();
            let mut ps = vec![Value::from(vid)];
            ps.extend(vals);
            tx.execute(
                &format!("UPDATE {table} SET {} WHERE id = $1", sets.join(", ")),
                &ps,
            )
            .await?;
            return Ok(());
        }
        Some(r) => {
            let vid: i64 = r.get(0)?;
            tx.execute(
                &format!("UPDATE {table} SET valid_to = $1 WHERE id = $2"),
                &[on.into(), vid.into()],
            )
            .await?;
        }
        None => {}
    }
    let n = names.len();
    let ph: Vec<String> = (0..n).map(|i| format!("${}", i + 6)).collect();
    let mut ps = vec![
        Value::from(d.0),
        u.0.into(),
        id.into(),
        on.into(),
        Value::Date(None),
    ];
    ps.extend(vals);
    tx.execute(
        &format!(
            "INSERT INTO {table} (district_id, unit_id, {key}, valid_from, valid_to, {}) VALUES ($1, $2, $3, $4, $5, {})",
            names.join(", "),
            ph.join(", ")
        ),
        &ps,
    )
    .await?;
    Ok(())
}

/// Updates the current row of a body or item (scoped: a row of another unit is not found).
async fn write_current(
    tx: &mut Tx,
    table: &str,
    cols: &str,
    d: DistrictId,
    u: UnitId,
    id: i64,
    vals: Vec<Value>,
) -> StoreResult<()> {
    let sets: Vec<String> = cols
        .split(", ")
        .skip(1)
        .enumerate()
        .map(|(i, c)| format!("{c} = ${}", i + 4))
        .collect();
    let mut ps = vec![Value::from(id), d.0.into(), u.0.into()];
    ps.extend(vals);
    let n = tx
        .execute(
            &format!(
                "UPDATE {table} SET {} WHERE id = $1 AND district_id = $2 AND unit_id = $3",
                sets.join(", ")
            ),
            &ps,
        )
        .await?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

const BODY_CURRENT: &str = "id, name, short_name, kind, parent_id, status, successor_id, establishment, head, doc_no, records_json";
const ITEM_CURRENT: &str = "id, code, title, category, legal_basis, owners_json, decision, reason";

#[async_trait]
impl OrgStore for SqlStore {
    async fn list_bodies(
        &self,
        d: DistrictId,
        u: UnitId,
        on: Option<NaiveDate>,
    ) -> StoreResult<Vec<BodySummary>> {
        let rows = match on {
            None => {
                self.db
                    .fetch_all(
                        &format!("SELECT {BODY_CURRENT} FROM bodies WHERE district_id = $1 AND unit_id = $2 ORDER BY id"),
                        &[d.0.into(), u.0.into()],
                    )
                    .await?
            }
            Some(day) => {
                self.db
                    .fetch_all(
                        &format!("SELECT {BODY_COLS} FROM body_versions WHERE district_id = $1 AND unit_id = $2 AND valid_from <= $3 AND (valid_to IS NULL OR valid_to > $3) ORDER BY body_id"),
                        &[d.0.into(), u.0.into(), day.into()],
                    )
                    .await?
            }
        };
        rows.iter()
            .map(|r| Ok(BodySummary::of(u, &body_at(r, 0)?)))
            .collect()
    }

    async fn load_structure(
        &self,
        d: DistrictId,
        u: UnitId,
        on: NaiveDate,
    ) -> StoreResult<Structure> {
        Ok(self
            .load_structures(d, &[u], on)
            .await?
            .pop()
            .map(|(_, s)| s)
            .unwrap_or_default())
    }

    async fn load_structures(
        &self,
        d: DistrictId,
        units: &[UnitId],
        on: NaiveDate,
    ) -> StoreResult<Vec<(UnitId, Structure)>> {
        let mut out: BTreeMap<i64, Structure> =
            units.iter().map(|u| (u.0, Structure::default())).collect();
        for chunk in units.chunks(UNIT_CHUNK) {
            self.structures_of(d, chunk, on, &mut out).await?;
        }
        Ok(units
            .iter()
            .map(|u| (*u, out.remove(&u.0).unwrap_or_default()))
            .collect())
    }

    async fn revision(&self, d: DistrictId, u: UnitId) -> StoreResult<Revision> {
        let r = self
            .db
            .fetch_optional(
                "SELECT rev, last_change FROM org_revisions WHERE district_id = $1 AND unit_id = $2",
                &[d.0.into(), u.0.into()],
            )
            .await?;
        match r {
            Some(r) => Ok(Revision {
                stamp: r.get(0)?,
                last_change: Some(r.get(1)?),
            }),
            None => Ok(Revision::default()),
        }
    }

    async fn write_structure(
        &self,
        d: DistrictId,
        u: UnitId,
        w: &StructureWrite,
        audit: AuditEntry,
    ) -> StoreResult<Vec<(i64, i64)>> {
        let mut tx = self.db.begin().await?;
        let rev = tx
            .fetch_optional(
                "SELECT rev, last_change FROM org_revisions WHERE district_id = $1 AND unit_id = $2",
                &[d.0.into(), u.0.into()],
            )
            .await?;
        let (stamp, last) = match &rev {
            Some(r) => (r.get::<i64>(0)?, Some(r.get::<NaiveDate>(1)?)),
            None => (0, None),
        };
        if stamp != w.stamp {
            return Err(StoreError::Conflict(Conflict::Structure));
        }
        if last.is_some_and(|l| w.on < l) {
            return Err(StoreError::Conflict(Conflict::EffectiveDate));
        }
        let now = audit.at;
        let mut map: Vec<(i64, i64)> = Vec::new();
        // New bodies first, so that every reference can be resolved.
        for b in w.after.bodies.iter().filter(|b| b.id.0 < 0) {
            // A placeholder without references; the pass below writes the real values.
            let bare = Body {
                parent: None,
                status: BodyStatus::Active,
                records: vec![],
                ..b.clone()
            };
            let mut ps = vec![Value::from(d.0), u.0.into()];
            ps.extend(body_values(&bare)?);
            ps.push(w.on.into());
            ps.push(now.into());
            let id: i64 = tx
                .fetch_one(
                    "INSERT INTO bodies (district_id, unit_id, name, short_name, kind, parent_id, status, successor_id, establishment, head, doc_no, records_json, valid_from, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
                    &ps,
                )
                .await?
                .get(0)?;
            map.push((b.id.0, id));
        }
        for b in &w.after.bodies {
            let old = w.before.body(b.id);
            if old == Some(b) {
                continue;
            }
            let real = map_body(b, &map);
            let vals = body_values(&real)?;
            write_current(
                &mut tx,
                "bodies",
                BODY_CURRENT,
                d,
                u,
                real.id.0,
                vals.clone(),
            )
            .await?;
            write_version(
                &mut tx,
                "body_versions",
                "body_id",
                BODY_COLS,
                d,
                u,
                real.id.0,
                w.on,
                vals,
            )
            .await?;
        }
        for f in &w.after.functions {
            let old = w.before.function(f.id);
            if old == Some(f) {
                continue;
            }
            let real = map_item(f, &map);
            let vals = item_values(&real)?;
            let id = if f.id.0 < 0 {
                let mut ps = vec![Value::from(d.0), u.0.into()];
                ps.extend(vals.clone());
                ps.push(w.on.into());
                ps.push(now.into());
                let id: i64 = tx
                    .fetch_one(
                        "INSERT INTO function_items (district_id, unit_id, code, title, category, legal_basis, owners_json, decision, reason, valid_from, created_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
                        &ps,
                    )
                    .await?
                    .get(0)?;
                map.push((f.id.0, id));
                id
            } else {
                write_current(
                    &mut tx,
                    "function_items",
                    ITEM_CURRENT,
                    d,
                    u,
                    f.id.0,
                    vals.clone(),
                )
                .await?;
                f.id.0
            };
            write_version(
                &mut tx,
                "function_versions",
                "item_id",
                ITEM_COLS,
                d,
                u,
                id,
                w.on,
                vals,
            )
            .await?;
        }
        if !w.staff.is_empty() {
            let real = |b: BodyId| {
                map.iter()
                    .find(|(t, _)| *t == b.0)
                    .map(|(_, r)| *r)
                    .unwrap_or(b.0)
            };
            let moves: Vec<(i64, i64, Option<i64>, &str)> = w
                .staff
                .iter()
                .map(|m| (m.person_id, m.from.0, m.to.map(real), staff_note(m.to)))
                .collect();
            let (doc, by) = match &w.plan {
                Some(m) => (m.doc_no.clone().unwrap_or_default(), m.by.clone()),
                None => (String::new(), String::new()),
            };
            let doc = if doc.is_empty() {
                w.after
                    .bodies
                    .iter()
                    .find(|b| w.staff.iter().any(|m| m.from == b.id))
                    .map(|b| b.doc_no.clone())
                    .unwrap_or_default()
            } else {
                doc
            };
            move_staff_tx(&mut tx, d, &moves, w.on, &doc, now, &by).await?;
        }
        if let Some(m) = &w.plan {
            move_tx(
                &mut tx,
                &REORG_PLANS,
                d,
                u,
                m,
                &[("id_map_json", json!(&map)?.into())],
            )
            .await?;
        }
        if rev.is_some() {
            tx.execute(
                "UPDATE org_revisions SET rev = rev + 1, last_change = $1 WHERE district_id = $2 AND unit_id = $3",
                &[w.on.into(), d.0.into(), u.0.into()],
            )
            .await?;
        } else {
            tx.execute(
                "INSERT INTO org_revisions (district_id, unit_id, rev, last_change) VALUES ($1, $2, 1, $3)",
                &[d.0.into(), u.0.into(), w.on.into()],
            )
            .await?;
        }
        let mut audit = audit;
        if let Some(after) = audit.after.as_mut().and_then(|a| a.as_object_mut()) {
            after.insert("ids".into(), serde_json::json!(map));
        }
        commit_audited(tx, &audit).await?;
        Ok(map)
    }

    async fn body_history(
        &self,
        d: DistrictId,
        u: UnitId,
        body: BodyId,
    ) -> StoreResult<Vec<BodyVersion>> {
        let rows = self
            .db
            .fetch_all(
                &format!("SELECT valid_from, valid_to, {BODY_COLS} FROM body_versions WHERE district_id = $1 AND unit_id = $2 AND body_id = $3 ORDER BY valid_from, id"),
                &[d.0.into(), u.0.into(), body.0.into()],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(BodyVersion {
                    valid_from: r.get(0)?,
                    valid_to: r.get(1)?,
                    body: body_at(r, 2)?,
                })
            })
            .collect()
    }

    async fn function_history(
        &self,
        d: DistrictId,
        u: UnitId,
        item: FunctionId,
    ) -> StoreResult<Vec<FunctionVersion>> {
        let rows = self
            .db
            .fetch_all(
                &format!("SELECT valid_from, valid_to, {ITEM_COLS} FROM function_versions WHERE district_id = $1 AND unit_id = $2 AND item_id = $3 ORDER BY valid_from, id"),
                &[d.0.into(), u.0.into(), item.0.into()],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(FunctionVersion {
                    valid_from: r.get(0)?,
                    valid_to: r.get(1)?,
                    item: item_at(r, 2)?,
                })
            })
            .collect()
    }

    async fn kind_rules(&self, d: DistrictId) -> StoreResult<Option<Vec<KindRule>>> {
        let set = self
            .db
            .fetch_optional(
                "SELECT district_id FROM org_rule_sets WHERE district_id = $1",
                &[d.0.into()],
            )
            .await?;
        if set.is_none() {
            return Ok(None);
        }
        let rows = self
            .db
            .fetch_all(
                "SELECT body_kind, category FROM org_kind_rules WHERE district_id = $1 ORDER BY body_kind, category",
                &[d.0.into()],
            )
            .await?;
        let mut out = Vec::new();
        for r in rows {
            let k: String = r.get(0)?;
            let c: String = r.get(1)?;
            out.push(KindRule {
                kind: BodyKind::from_code(&k).ok_or_else(|| bad("rule kind"))?,
                category: FunctionCategory::from_code(&c).ok_or_else(|| bad("rule category"))?,
            });
        }
        Ok(Some(out))
    }

    async fn set_kind_rules(
        &self,
        d: DistrictId,
        rules: &[KindRule],
        audit: AuditEntry,
    ) -> StoreResult<()> {
        let mut tx = self.db.begin().await?;
        tx.execute(
            "DELETE FROM org_kind_rules WHERE district_id = $1",
            &[d.0.into()],
        )
        .await?;
        for r in rules {
            tx.execute(
                "INSERT INTO org_kind_rules (district_id, body_kind, category) VALUES ($1, $2, $3)",
                &[d.0.into(), r.kind.code().into(), r.category.code().into()],
            )
            .await?;
        }
        tx.execute(
            "DELETE FROM org_rule_sets WHERE district_id = $1",
            &[d.0.into()],
        )
        .await?;
        tx.execute(
            "INSERT INTO org_rule_sets (district_id, updated_at) VALUES ($1, $2)",
            &[d.0.into(), audit.at.into()],
        )
        .await?;
        commit_audited(tx, &audit).await
    }

    async fn set_caps(
        &self,
        d: DistrictId,
        u: UnitId,
        caps: &Caps,
        from: NaiveDate,
        by: &str,
        audit: AuditEntry,
    ) -> StoreResult<()> {
        let mut tx = self.db.begin().await?;
        let open = tx
            .fetch_optional(
                "SELECT id, valid_from FROM org_caps WHERE district_id = $1 AND unit_id = $2 AND valid_to IS NULL",
                &[d.0.into(), u.0.into()],
            )
            .await?;
        let vals = [
            Value::from(caps.max_bodies),
            caps.max_chiefs.into(),
            caps.max_deputies.into(),
            caps.doc_no.as_str().into(),
            by.into(),
            audit.at.into(),
        ];
        if let Some(r) = open {
            let id: i64 = r.get(0)?;
            let vf: NaiveDate = r.get(1)?;
            if vf > from {
                return Err(StoreError::Conflict(Conflict::ValidFrom));
            }
            if vf == from {
                let mut ps = vals.to_vec();
                ps.push(id.into());
                tx.execute(
                    "UPDATE org_caps SET max_bodies = $1, max_chiefs = $2, max_deputies = $3, doc_no = $4, set_by = $5, set_at = $6 WHERE id = $7",
                    &ps,
                )
                .await?;
                return commit_audited(tx, &audit).await;
            }
            tx.execute(
                "UPDATE org_caps SET valid_to = $1 WHERE id = $2",
                &[from.into(), id.into()],
            )
            .await?;
        }
        let mut ps = vec![Value::from(d.0), u.0.into(), from.into()];
        ps.extend(vals);
        tx.execute(
            "INSERT INTO org_caps (district_id, unit_id, valid_from, valid_to, max_bodies, max_chiefs, max_deputies, doc_no, set_by, set_at) \
             VALUES ($1, $2, $3, NULL, $4, $5, $6, $7, $8, $9)",
            &ps,
        )
        .await?;
        commit_audited(tx, &audit).await
    }

    async fn cap_history(&self, d: DistrictId, u: UnitId) -> StoreResult<Vec<CapRecord>> {
        let rows = self
            .db
            .fetch_all(
                "SELECT max_bodies, max_chiefs, max_deputies, doc_no, valid_from, valid_to, set_by FROM org_caps WHERE district_id = $1 AND unit_id = $2 ORDER BY valid_from DESC",
                &[d.0.into(), u.0.into()],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(CapRecord {
                    caps: Caps {
                        max_bodies: r.get(0)?,
                        max_chiefs: r.get(1)?,
                        max_deputies: r.get(2)?,
                        doc_no: r.get(3)?,
                    },
                    valid_from: r.get(4)?,
                    valid_to: r.get(5)?,
                    set_by: r.get(6)?,
                })
            })
            .collect()
    }

    async fn save_split(
        &self,
        d: DistrictId,
        u: UnitId,
        split: &Split,
        by: &str,
        at: DateTime<Utc>,
        audit: AuditEntry,
    ) -> StoreResult<()> {
        let mut tx = self.db.begin().await?;
        let existing = tx
            .fetch_optional(
                "SELECT id FROM org_splits WHERE district_id = $1 AND unit_id = $2 AND phase = $3",
                &[d.0.into(), u.0.into(), split.phase.as_str().into()],
            )
            .await?;
        let id: i64 = match existing {
            Some(r) => {
                let id: i64 = r.get(0)?;
                tx.execute(
                    "UPDATE org_splits SET effective = $1, updated_by = $2, updated_at = $3 WHERE id = $4",
                    &[split.effective.into(), by.into(), at.into(), id.into()],
                )
                .await?;
                tx.execute(
                    "DELETE FROM org_split_lines WHERE split_id = $1",
                    &[id.into()],
                )
                .await?;
                id
            }
            None => tx
                .fetch_one(
                    "INSERT INTO org_splits (district_id, unit_id, phase, effective, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                    &[d.0.into(), u.0.into(), split.phase.as_str().into(), split.effective.into(), by.into(), at.into()],
                )
                .await?
                .get(0)?,
        };
        for l in &split.lines {
            // The body must be this unit's.
            let own = tx
                .fetch_optional(
                    "SELECT id FROM bodies WHERE id = $1 AND district_id = $2 AND unit_id = $3",
                    &[l.body.0.into(), d.0.into(), u.0.into()],
                )
                .await?;
            if own.is_none() {
                return Err(StoreError::NotFound);
            }
            tx.execute(
                "INSERT INTO org_split_lines (split_id, district_id, unit_id, body_id, chiefs, deputies) VALUES ($1, $2, $3, $4, $5, $6)",
                &[id.into(), d.0.into(), u.0.into(), l.body.0.into(), l.chiefs.into(), l.deputies.into()],
            )
            .await?;
        }
        commit_audited(tx, &audit).await
    }

    async fn list_splits(&self, d: DistrictId, u: UnitId) -> StoreResult<Vec<SplitRecord>> {
        let rows = self
            .db
            .fetch_all(
                "SELECT id, phase, effective, updated_by, updated_at FROM org_splits WHERE district_id = $1 AND unit_id = $2 ORDER BY effective DESC, id DESC",
                &[d.0.into(), u.0.into()],
            )
            .await?;
        let mut out = Vec::new();
        for r in rows {
            let id: i64 = r.get(0)?;
            out.push(SplitRecord {
                split: Split {
                    phase: r.get(1)?,
                    effective: r.get(2)?,
                    lines: self.split_lines(d, u, id).await?,
                },
                updated_by: r.get(3)?,
                updated_at: r.get(4)?,
            });
        }
        Ok(out)
    }

    async fn create_plan(
        &self,
        d: DistrictId,
        u: UnitId,
        title: &str,
        audit: AuditEntry,
    ) -> StoreResult<PlanId> {
        let mut tx = self.db.begin().await?;
        let id: i64 = tx
            .fetch_one(
                "INSERT INTO reorg_plans (district_id, unit_id, title, status, doc_no, reason, effective, id_map_json, created_by, created_at, decided_by, decided_at, applied_at) \
                 VALUES ($1, $2, $3, 'draft', '', '', NULL, '[]', $4, $5, '', NULL, NULL) RETURNING id",
                &[
                    d.0.into(),
                    u.0.into(),
                    title.into(),
                    audit.username.as_str().into(),
                    audit.at.into(),
                ],
            )
            .await?
            .get(0)?;
        commit_created(tx, audit, id).await?;
        Ok(PlanId(id))
    }

    async fn get_plan(
        &self,
        d: DistrictId,
        u: UnitId,
        id: PlanId,
    ) -> StoreResult<Option<PlanRecord>> {
        let r = self
            .db
            .fetch_optional(
                &format!("SELECT {PLAN_COLS} FROM reorg_plans WHERE id = $1 AND district_id = $2 AND unit_id = $3"),
                &[id.0.into(), d.0.into(), u.0.into()],
            )
            .await?;
        match r {
            Some(r) => {
                let ops = plan_ops(self, d, u, id).await?;
                Ok(Some(plan_of(&r, ops)?))
            }
            None => Ok(None),
        }
    }

    async fn list_plans(&self, d: DistrictId, u: UnitId) -> StoreResult<Vec<PlanRecord>> {
        let rows = self
            .db
            .fetch_all(
                &format!("SELECT {PLAN_COLS} FROM reorg_plans WHERE district_id = $1 AND unit_id = $2 ORDER BY id DESC"),
                &[d.0.into(), u.0.into()],
            )
            .await?;
        let mut out = Vec::new();
        for r in rows {
            let id = PlanId(r.get(0)?);
            let ops = plan_ops(self, d, u, id).await?;
            out.push(plan_of(&r, ops)?);
        }
        Ok(out)
    }

    async fn save_plan_ops(
        &self,
        d: DistrictId,
        u: UnitId,
        id: PlanId,
        ops: &[PlanOp],
        audit: AuditEntry,
    ) -> StoreResult<()> {
        let mut tx = self.db.begin().await?;
        let ok = tx
            .fetch_optional(
                "SELECT status FROM reorg_plans WHERE id = $1 AND district_id = $2 AND unit_id = $3",
                &[id.0.into(), d.0.into(), u.0.into()],
            )
            .await?;
        let status = match ok {
            Some(r) => PlanStatus::from_code(&r.get::<String>(0)?),
            None => None,
        };
        if !status.is_some_and(|s| ORG_PLANS.editable(s)) {
            return Err(StoreError::NotFound);
        }
        tx.execute(
            "DELETE FROM reorg_ops WHERE plan_id = $1 AND district_id = $2 AND unit_id = $3",
            &[id.0.into(), d.0.into(), u.0.into()],
        )
        .await?;
        for (i, op) in ops.iter().enumerate() {
            tx.execute(
                "INSERT INTO reorg_ops (plan_id, district_id, unit_id, seq, op_json) VALUES ($1, $2, $3, $4, $5)",
                &[id.0.into(), d.0.into(), u.0.into(), (i as i64 + 1).into(), json!(op)?.into()],
            )
            .await?;
        }
        commit_audited(tx, &audit).await
    }
}

impl SqlStore {
    async fn split_lines(&self, d: DistrictId, u: UnitId, id: i64) -> StoreResult<Vec<SplitLine>> {
        let rows = self
            .db
            .fetch_all(
                "SELECT body_id, chiefs, deputies FROM org_split_lines WHERE split_id = $1 AND district_id = $2 AND unit_id = $3 ORDER BY body_id",
                &[id.into(), d.0.into(), u.0.into()],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(SplitLine {
                    body: BodyId(r.get(0)?),
                    chiefs: r.get(1)?,
                    deputies: r.get(2)?,
                })
            })
            .collect()
    }
}

/// The structure of the unit in column 0 of `r`.
fn of<'a>(out: &'a mut BTreeMap<i64, Structure>, r: &Row) -> StoreResult<&'a mut Structure> {
    let u: i64 = r.get(0)?;
    out.get_mut(&u).ok_or_else(|| bad("unit"))
}

/// Units per statement of [`SqlStore::structures_of`] (their ids are written into the
/// SQL text as a list).
const UNIT_CHUNK: usize = 400;

impl SqlStore {
    /// The structures of `units` on `on` into `out` (one entry per unit already there):
    /// one statement per table for all of them (bodies, function items, caps, splits and
    /// the split lines), whatever their number (issue 17: the dashboard and the district
    /// report read every unit of the district).
    async fn structures_of(
        &self,
        d: DistrictId,
        units: &[UnitId],
        on: NaiveDate,
        out: &mut BTreeMap<i64, Structure>,
    ) -> StoreResult<()> {
        let list = in_list(units.iter().map(|u| u.0));
        let scope = [Value::from(d.0), on.into()];
        // The rows of `table` valid on the date, `cols` after the unit id.
        let dated = |cols: &str, table: &str, order: &str| {
            format!(
                "SELECT unit_id, {cols} FROM {table} WHERE district_id = $1 AND unit_id IN ({list}) \
                 AND valid_from <= $2 AND (valid_to IS NULL OR valid_to > $2) ORDER BY unit_id, {order}"
            )
        };
        let bodies = dated(BODY_COLS, "body_versions", "body_id");
        for r in &self.db.fetch_all(&bodies, &scope).await? {
            let b = body_at(r, 1)?;
            of(out, r)?.bodies.push(b);
        }
        let items = dated(ITEM_COLS, "function_versions", "item_id");
        for r in &self.db.fetch_all(&items, &scope).await? {
            let f = item_at(r, 1)?;
            of(out, r)?.functions.push(f);
        }
        // The caps in force: the latest valid on the date, the first row of each unit.
        let caps = dated(
            "max_bodies, max_chiefs, max_deputies, doc_no",
            "org_caps",
            "valid_from DESC",
        );
        for r in &self.db.fetch_all(&caps, &scope).await? {
            let s = of(out, r)?;
            if s.caps.is_none() {
                s.caps = Some(Caps {
                    max_bodies: r.get(1)?,
                    max_chiefs: r.get(2)?,
                    max_deputies: r.get(3)?,
                    doc_no: r.get(4)?,
                });
            }
        }
        // The split in force: the latest effective on the date, the first row of each unit.
        let mut splits: BTreeMap<i64, i64> = BTreeMap::new();
        for r in &self
            .db
            .fetch_all(
                &format!("SELECT unit_id, id, phase, effective FROM org_splits WHERE district_id = $1 AND unit_id IN ({list}) AND effective <= $2 ORDER BY unit_id, effective DESC, id DESC"),
                &scope,
            )
            .await?
        {
            let s = of(out, r)?;
            if s.split.is_none() {
                splits.insert(r.get(1)?, r.get(0)?);
                s.split = Some(Split {
                    phase: r.get(2)?,
                    effective: r.get(3)?,
                    lines: Vec::new(),
                });
            }
        }
        if splits.is_empty() {
            return Ok(());
        }
        let ids = in_list(splits.keys().copied());
        for r in &self
            .db
            .fetch_all(
                &format!("SELECT split_id, body_id, chiefs, deputies FROM org_split_lines WHERE district_id = $1 AND split_id IN ({ids}) ORDER BY split_id, body_id"),
                &[d.0.into()],
            )
            .await?
        {
            let split: i64 = r.get(0)?;
            let line = SplitLine {
                body: BodyId(r.get(1)?),
                chiefs: r.get(2)?,
                deputies: r.get(3)?,
            };
            if let Some(Some(s)) = splits
                .get(&split)
                .and_then(|u| out.get_mut(u))
                .map(|s| s.split.as_mut())
            {
                s.lines.push(line);
            }
        }
        Ok(())
    }
}
