//! Declared relations (亲属关系) in bulk: the import's lookup and write, and a unit's
//! relations for the export. The single-relation paths are in `people.rs`.

use std::collections::HashSet;

use jiguan_app::people::{RelationRecord, RelationWrite, UnitRelation};
use jiguan_app::ports::{Conflict, StoreError, StoreResult, UniqueKey};
use jiguan_domain::audit::AuditEntry;
use jiguan_domain::people::PersonId;
use jiguan_domain::people::relation::RelationKind;
use jiguan_domain::tenancy::{DistrictId, UnitId};

use crate::SqlStore;
use crate::audit::{append, commit_audited};
use crate::db::{Row, Tx};
use crate::people::in_list;

/// Person ids per `IN (…)` list (typed integers, inlined as literals).
const CHUNK: usize = 400;

/// The relations with both people's names and ID numbers (columns 9 and 10), read by
/// [`relation_record`].
pub(crate) const SELECT: &str = "SELECT r.id, r.unit_id, r.person_id, a.name, r.relative_id, b.name, r.relation, \
     r.created_by, r.created_at, a.id_number, b.id_number \
     FROM person_relations r JOIN people a ON a.id = r.person_id JOIN people b ON b.id = r.relative_id";

/// A relation of a [`SELECT`] row.
pub(crate) fn relation_record(r: &Row) -> StoreResult<RelationRecord> {
    let code: String = r.get(6)?;
    Ok(RelationRecord {
        id: r.get(0)?,
        unit_id: UnitId(r.get(1)?),
        person_id: PersonId(r.get(2)?),
        person_name: r.get(3)?,
        relative_id: PersonId(r.get(4)?),
        relative_name: r.get(5)?,
        relation: RelationKind::from_code(&code)
            .ok_or_else(|| StoreError::Backend(format!("bad relation {code}")))?,
        created_by: r.get(7)?,
        created_at: r.get(8)?,
    })
}

fn id_list(ids: &[PersonId]) -> String {
    in_list(ids.iter().map(|p| p.0))
}

/// Records a relation in `tx` (its people and pair checked already); its id.
pub(crate) async fn insert_relation(
    tx: &mut Tx,
    d: DistrictId,
    w: &RelationWrite,
) -> StoreResult<i64> {
    tx.fetch_one(
        "INSERT INTO person_relations (district_id, unit_id, person_id, relative_id, relation, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        &[
            d.0.into(),
            w.unit_id.0.into(),
            w.person_id.0.into(),
            w.relative_id.0.into(),
            w.relation.code().into(),
            w.by.as_str().into(),
            w.at.into(),
        ],
    )
    .await?
    .get(0)
}

/// The queries for the relations with any of `people` on either side, one per chunk of
/// people.
fn among_queries(people: &[PersonId]) -> impl Iterator<Item = String> + '_ {
    people.chunks(CHUNK).map(|chunk| {
        let list = id_list(chunk);
        format!(
            "{SELECT} WHERE r.district_id = $1 AND (r.person_id IN ({list}) OR r.relative_id IN ({list})) ORDER BY r.id"
        )
    })
}

/// The relations read by the [`among_queries`], each once.
#[derive(Default)]
struct Among {
    out: Vec<RelationRecord>,
    seen: HashSet<i64>,
}

impl Among {
    fn add(&mut self, rows: &[Row]) -> StoreResult<()> {
        for row in rows {
            let r = relation_record(row)?;
            if self.seen.insert(r.id) {
                self.out.push(r);
            }
        }
        Ok(())
    }
}

/// The relations with any of `people` on either side, read in `tx`.
async fn among_tx(
    tx: &mut Tx,
    d: DistrictId,
    people: &[PersonId],
) -> StoreResult<Vec<RelationRecord>> {
    let mut found = Among::default();
    for sql in among_queries(people) {
        found.add(&tx.fetch_all(&sql, &[d.0.into()]).await?)?;
    }
    Ok(found.out)
}

impl SqlStore {
    pub(crate) async fn relations_among_sql(
        &self,
        d: DistrictId,
        people: &[PersonId],
    ) -> StoreResult<Vec<RelationRecord>> {
        if people.is_empty() {
            return Ok(Vec::new());
        }
        let mut found = Among::default();
        for sql in among_queries(people) {
            found.add(&self.db.fetch_all(&sql, &[d.0.into()]).await?)?;
        }
        Ok(found.out)
    }

    pub(crate) async fn add_relations_sql(
        &self,
        d: DistrictId,
        writes: &[RelationWrite],
        audits: Vec<AuditEntry>,
    ) -> StoreResult<()> {
        let mut tx = self.db.begin().await?;
        // The people writes' lock: two imports cannot record one pair both ways.
        tx.lock_people(d.0).await?;
        let mut people: Vec<PersonId> = writes
            .iter()
            .flat_map(|w| [w.person_id, w.relative_id])
            .collect();
        people.sort_unstable();
        people.dedup();
        // Every person is the district's (a relation never crosses districts).
        let mut found = 0i64;
        for chunk in people.chunks(CHUNK) {
            let sql = format!(
                "SELECT CAST(COUNT(*) AS BIGINT) FROM people WHERE district_id = $1 AND id IN ({})",
                id_list(chunk)
            );
            found += tx.fetch_one(&sql, &[d.0.into()]).await?.get::<i64>(0)?;
        }
        if found != people.len() as i64 {
            return Err(StoreError::NotFound);
        }
        // No pair related already, in either order, nor twice in the batch.
        let key = |a: PersonId, b: PersonId| if a < b { (a, b) } else { (b, a) };
        let mut pairs: HashSet<(PersonId, PersonId)> = among_tx(&mut tx, d, &people)
            .await?
            .iter()
            .map(|r| key(r.person_id, r.relative_id))
            .collect();
        for w in writes {
            if w.person_id == w.relative_id || !pairs.insert(key(w.person_id, w.relative_id)) {
                return Err(StoreError::Conflict(Conflict::Unique(UniqueKey::Key)));
            }
            insert_relation(&mut tx, d, w).await?;
        }
        let Some((last, rest)) = audits.split_last() else {
            return tx.commit().await;
        };
        for a in rest {
            append(&mut tx, a).await?;
        }
        commit_audited(tx, last).await
    }

    pub(crate) async fn unit_relations_sql(
        &self,
        d: DistrictId,
        unit: UnitId,
    ) -> StoreResult<Vec<UnitRelation>> {
        let sql = format!(
            "{SELECT} WHERE r.district_id = $1 AND a.district_id = $1 AND a.unit_id = $2 ORDER BY a.name, a.id, r.id"
        );
        self.db
            .fetch_all(&sql, &[d.0.into(), unit.0.into()])
            .await?
            .iter()
            .map(|r| {
                Ok(UnitRelation {
                    record: relation_record(r)?,
                    person_id_number: r.get(9)?,
                    relative_id_number: r.get(10)?,
                })
            })
            .collect()
    }
}
