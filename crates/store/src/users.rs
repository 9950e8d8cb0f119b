//! Accounts and their roles.

use async_trait::async_trait;

use jiguan_app::ports::{
    Conflict, ListQuery, NewPassword, NewUser, Page, SessionRecord, StoreError, StoreResult,
    UniqueKey, Unit, UserFilter, UserRecord, UserStore, UserView,
};
use jiguan_domain::audit::AuditEntry;
use jiguan_domain::auth::Role;
use jiguan_domain::people::PersonId;
use jiguan_domain::tenancy::{DistrictId, UnitId, UserId};

use crate::SqlStore;
use crate::audit::{commit_audited, commit_created};
use crate::db::{Row, Tx, Value};
use crate::sql::{Sql, count_rows, fetch_page, order_by};

const COLS: &str = "u.id, u.district_id, u.unit_id, u.username, u.display_name, u.password_hash, u.must_change_password, u.active, u.created_at, u.person_id";

fn record(r: &Row) -> StoreResult<UserRecord> {
    record_at(r, 0)
}

/// An account from [`COLS`] starting at column `at` (roles not read).
fn record_at(r: &Row, at: usize) -> StoreResult<UserRecord> {
    Ok(UserRecord {
        id: UserId(r.get(at)?),
        district_id: DistrictId(r.get(at + 1)?),
        unit_id: r.get::<Option<i64>>(at + 2)?.map(UnitId),
        username: r.get(at + 3)?,
        display_name: r.get(at + 4)?,
        password_hash: r.get(at + 5)?,
        must_change_password: r.get(at + 6)?,
        active: r.get(at + 7)?,
        roles: Vec::new(),
        created_at: r.get(at + 8)?,
        person_id: r.get::<Option<i64>>(at + 9)?.map(PersonId),
    })
}

/// A session, its account and the account's roles in one statement (one row per role):
/// what every signed-in request reads first.
pub(crate) async fn session_user(
    db: &crate::db::Db,
    token_hash: &str,
    unit: Option<UnitId>,
) -> StoreResult<Option<(SessionRecord, UserRecord, Option<Unit>)>> {
    const HEAD: &str = "SELECT s.token_hash, s.user_id, s.csrf_token, s.created_at, s.last_seen_at";
    const FROM: &str = "FROM sessions s JOIN users u ON u.id = s.user_id \
                        LEFT JOIN user_roles r ON r.user_id = u.id";
    let rows = match unit {
        None => {
            db.fetch_all(
                &format!("{HEAD}, {COLS}, r.role {FROM} WHERE s.token_hash = $1"),
                &[token_hash.into()],
            )
            .await?
        }
        // The unit of the page rides on the same read (issue 17: one statement less on
        // every page under a unit).
        Some(id) => {
            db.fetch_all(
                &format!(
                    "{HEAD}, {COLS}, r.role, n.id, n.district_id, n.code, n.name, n.kind, n.active \
                     {FROM} LEFT JOIN units n ON n.id = $2 AND n.district_id = u.district_id \
                     WHERE s.token_hash = $1"
                ),
                &[token_hash.into(), id.0.into()],
            )
            .await?
        }
    };
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    let session = SessionRecord {
        token_hash: first.get(0)?,
        user_id: UserId(first.get(1)?),
        csrf_token: first.get(2)?,
        created_at: first.get(3)?,
        last_seen_at: first.get(4)?,
    };
    let mut user = record_at(first, 5)?;
    for r in &rows {
        if let Some(role) = r
            .get::<Option<String>>(15)?
            .as_deref()
            .and_then(Role::from_code)
        {
            user.roles.push(role);
        }
    }
    user.roles.sort();
    let unit = match unit {
        Some(_) if first.get::<Option<i64>>(16)?.is_some() => {
            Some(crate::tenancy::unit_at(first, 16)?)
        }
        _ => None,
    };
    Ok(Some((session, user, unit)))
}

/// The sort keys of the list of accounts and the columns they order by.
const USER_SORTS: &[(&str, &str)] = &[
    ("username", "u.username"),
    ("display_name", "u.display_name COLLATE pinyin"),
    ("unit", "n.name COLLATE pinyin"),
    ("active", "u.active"),
];

impl SqlStore {
    async fn roles_of(&self, ids: &[i64]) -> StoreResult<Vec<(i64, Role)>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut s = Sql::new("SELECT user_id, role FROM user_roles WHERE user_id IN (");
        let ph: Vec<String> = ids.iter().map(|i| s.bind(*i)).collect();
        s.push(&ph.join(", "));
        s.push(") ORDER BY user_id, role");
        let rows = self.db.fetch_all(&s.text, &s.params).await?;
        let mut out = Vec::new();
        for r in rows {
            let code: String = r.get(1)?;
            if let Some(role) = Role::from_code(&code) {
                out.push((r.get(0)?, role));
            }
        }
        Ok(out)
    }

    async fn with_roles(&self, mut u: UserRecord) -> StoreResult<UserRecord> {
        u.roles = self
            .roles_of(&[u.id.0])
            .await?
            .into_iter()
            .map(|(_, r)| r)
            .collect();
        u.roles.sort();
        Ok(u)
    }

    async fn one_user(&self, sql: &str, params: &[Value]) -> StoreResult<Option<UserRecord>> {
        match self.db.fetch_optional(sql, params).await? {
            Some(r) => Ok(Some(self.with_roles(record(&r)?).await?)),
            None => Ok(None),
        }
    }
}

async fn set_roles(tx: &mut Tx, user: i64, roles: &[Role]) -> StoreResult<()> {
    tx.execute("DELETE FROM user_roles WHERE user_id = $1", &[user.into()])
        .await?;
    for r in roles {
        tx.execute(
            "INSERT INTO user_roles (user_id, role) VALUES ($1, $2)",
            &[user.into(), r.code().into()],
        )
        .await?;
    }
    Ok(())
}

#[async_trait]
impl UserStore for SqlStore {
    async fn create_user(&self, u: &NewUser, audit: AuditEntry) -> StoreResult<UserId> {
        let mut tx = self.db.begin().await?;
        let id: i64 = tx
            .fetch_one(
                "INSERT INTO users (district_id, unit_id, username, display_name, password_hash, must_change_password, active, created_at, person_id) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                &[
                    u.district_id.0.into(),
                    u.unit_id.map(|x| x.0).into(),
                    u.username.as_str().into(),
                    u.display_name.as_str().into(),
                    u.password_hash.as_str().into(),
                    u.must_change_password.into(),
                    true.into(),
                    audit.at.into(),
                    u.person_id.map(|p| p.0).into(),
                ],
            )
            .await?
            .get(0)?;
        set_roles(&mut tx, id, &u.roles).await?;
        commit_created(tx, audit, id).await?;
        Ok(UserId(id))
    }

    async fn find_user_by_name(&self, username: &str) -> StoreResult<Option<UserRecord>> {
        self.one_user(
            &format!("SELECT {COLS} FROM users u WHERE u.username = $1"),
            &[username.into()],
        )
        .await
    }

    async fn get_user_any(&self, id: UserId) -> StoreResult<Option<UserRecord>> {
        self.one_user(
            &format!("SELECT {COLS} FROM users u WHERE u.id = $1"),
            &[id.0.into()],
        )
        .await
    }

    async fn get_user(&self, d: DistrictId, id: UserId) -> StoreResult<Option<UserRecord>> {
        self.one_user(
            &format!("SELECT {COLS} FROM users u WHERE u.id = $1 AND u.district_id = $2"),
            &[id.0.into(), d.0.into()],
        )
        .await
    }

    async fn list_users(
        &self,
        d: DistrictId,
        f: &UserFilter,
        q: &ListQuery,
    ) -> StoreResult<Page<UserView>> {
        let w = user_scope(d, f, q);
        let order = order_by(q, USER_SORTS, "u.id");
        let mut page = fetch_page(
            &self.db,
            " FROM users u",
            &format!("SELECT {COLS}, n.name FROM users u LEFT JOIN units n ON n.id = u.unit_id"),
            w,
            &format!("{order}, u.id"),
            q,
            |r| {
                let mut v = UserView::from(&record(r)?);
                v.unit_name = r.get(10)?;
                Ok(v)
            },
        )
        .await?;
        let ids: Vec<i64> = page.items.iter().map(|u| u.id.0).collect();
        for (uid, role) in self.roles_of(&ids).await? {
            if let Some(u) = page.items.iter_mut().find(|u| u.id.0 == uid) {
                u.roles.push(role);
            }
        }
        Ok(page)
    }

    async fn count_users(&self, d: DistrictId, f: &UserFilter) -> StoreResult<i64> {
        count_rows(
            &self.db,
            " FROM users u",
            &user_scope(d, f, &ListQuery::default()),
        )
        .await
    }

    async fn update_user(
        &self,
        d: DistrictId,
        id: UserId,
        display_name: &str,
        roles: &[Role],
        active: bool,
        audit: AuditEntry,
    ) -> StoreResult<()> {
        let mut tx = self.db.begin().await?;
        tx.execute_found(
            "UPDATE users SET display_name = $1, active = $2 WHERE id = $3 AND district_id = $4",
            &[display_name.into(), active.into(), id.0.into(), d.0.into()],
        )
        .await?;
        set_roles(&mut tx, id.0, roles).await?;
        if !active {
            tx.execute("DELETE FROM sessions WHERE user_id = $1", &[id.0.into()])
                .await?;
        }
        commit_audited(tx, &audit).await
    }

    async fn set_password(
        &self,
        id: UserId,
        pw: NewPassword,
        audit: AuditEntry,
    ) -> StoreResult<()> {
        let NewPassword {
            hash,
            must_change,
            end_sessions,
        } = pw;
        let mut tx = self.db.begin().await?;
        let n = tx
            .execute(
                "UPDATE users SET password_hash = $1, must_change_password = $2, password_changed_at = $3 WHERE id = $4",
                &[hash.as_str().into(), must_change.into(), audit.at.into(), id.0.into()],
            )
            .await?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        if end_sessions {
            tx.execute("DELETE FROM sessions WHERE user_id = $1", &[id.0.into()])
                .await?;
            tx.execute("DELETE FROM api_tokens WHERE user_id = $1", &[id.0.into()])
                .await?;
        }
        commit_audited(tx, &audit).await
    }

    async fn set_user_person(
        &self,
        d: DistrictId,
        id: UserId,
        person: Option<PersonId>,
        audit: AuditEntry,
    ) -> StoreResult<()> {
        let mut tx = self.db.begin().await?;
        if let Some(p) = person {
            let taken = tx
                .fetch_optional(
                    "SELECT id FROM users WHERE person_id = $1 AND id <> $2",
                    &[p.0.into(), id.0.into()],
                )
                .await?;
            if taken.is_some() {
                return Err(StoreError::Conflict(Conflict::Unique(UniqueKey::Id)));
            }
        }
        let n = tx
            .execute(
                "UPDATE users SET person_id = $1 WHERE id = $2 AND district_id = $3",
                &[person.map(|p| p.0).into(), id.0.into(), d.0.into()],
            )
            .await?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        commit_audited(tx, &audit).await
    }

    async fn find_user_by_person(
        &self,
        d: DistrictId,
        person: PersonId,
    ) -> StoreResult<Option<UserRecord>> {
        self.one_user(
            &format!("SELECT {COLS} FROM users u WHERE u.person_id = $1 AND u.district_id = $2"),
            &[person.0.into(), d.0.into()],
        )
        .await
    }
}

/// The accounts `f` and the search of `q` select: `WHERE …` over `users u`.
fn user_scope(d: DistrictId, f: &UserFilter, q: &ListQuery) -> Sql {
    let mut w = Sql::with(" WHERE u.district_id = $1", d.0);
    if let Some(unit) = f.unit_id {
        w.and("u.unit_id = {}", unit.0);
    } else if f.district_level_only {
        w.push(" AND u.unit_id IS NULL");
    }
    if let Some(a) = f.active {
        w.and("u.active = {}", a);
    }
    if let Some(role) = f.role {
        w.and(
            "EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role = {})",
            role.code(),
        );
    }
    w.search(q, &["u.username", "u.display_name"]);
    w
}
