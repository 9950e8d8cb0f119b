//! Server-side sessions and API tokens.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use jiguan_app::ports::{ApiToken, SessionRecord, SessionStore, StoreResult};
use jiguan_domain::audit::AuditEntry;
use jiguan_domain::tenancy::UserId;

use crate::SqlStore;
use crate::audit::{commit_audited, commit_created};
use crate::db::Row;

fn token(r: &Row) -> StoreResult<ApiToken> {
    Ok(ApiToken {
        id: r.get(0)?,
        user_id: UserId(r.get(1)?),
        name: r.get(2)?,
        created_at: r.get(3)?,
        last_used_at: r.get(4)?,
    })
}

#[async_trait]
impl SessionStore for SqlStore {
    async fn create_session(&self, s: &SessionRecord) -> StoreResult<()> {
        self.db
            .execute(
                "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at) VALUES ($1, $2, $3, $4, $5)",
                &[s.token_hash.as_str().into(), s.user_id.0.into(), s.csrf_token.as_str().into(), s.created_at.into(), s.last_seen_at.into()],
            )
            .await?;
        Ok(())
    }

    async fn get_session(&self, token_hash: &str) -> StoreResult<Option<SessionRecord>> {
        let r = self
            .db
            .fetch_optional("SELECT token_hash, user_id, csrf_token, created_at, last_seen_at FROM sessions WHERE token_hash = $1", &[token_hash.into()])
            .await?;
        r.map(|r| {
            Ok(SessionRecord {
                token_hash: r.get(0)?,
                user_id: UserId(r.get(1)?),
                csrf_token: r.get(2)?,
                created_at: r.get(3)?,
                last_seen_at: r.get(4)?,
            })
        })
        .transpose()
    }

    async fn touch_session(&self, token_hash: &str, at: DateTime<Utc>) -> StoreResult<()> {
        self.db
            .execute(
                "UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2",
                &[at.into(), token_hash.into()],
            )
            .await?;
        Ok(())
    }

    async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        self.db
            .execute(
                "DELETE FROM sessions WHERE token_hash = $1",
                &[token_hash.into()],
            )
            .await?;
        Ok(())
    }

    async fn purge_sessions(
        &self,
        idle_before: DateTime<Utc>,
        created_before: DateTime<Utc>,
    ) -> StoreResult<u64> {
        self.db
            .execute(
                "DELETE FROM sessions WHERE last_seen_at < $1 OR created_at < $2",
                &[idle_before.into(), created_before.into()],
            )
            .await
    }

    async fn create_api_token(
        &self,
        user: UserId,
        name: &str,
        token_hash: &str,
        audit: AuditEntry,
    ) -> StoreResult<i64> {
        let at = audit.at;
        let mut tx = self.db.begin().await?;
        let id: i64 = tx
            .fetch_one(
                "INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
                &[user.0.into(), name.into(), token_hash.into(), at.into()],
            )
            .await?
            .get(0)?;
        commit_created(tx, audit, id).await?;
        Ok(id)
    }

    async fn find_api_token(&self, token_hash: &str) -> StoreResult<Option<ApiToken>> {
        let r = self
            .db
            .fetch_optional("SELECT id, user_id, name, created_at, last_used_at FROM api_tokens WHERE token_hash = $1", &[token_hash.into()])
            .await?;
        r.as_ref().map(token).transpose()
    }

    async fn touch_api_token(&self, id: i64, at: DateTime<Utc>) -> StoreResult<()> {
        self.db
            .execute(
                "UPDATE api_tokens SET last_used_at = $1 WHERE id = $2",
                &[at.into(), id.into()],
            )
            .await?;
        Ok(())
    }

    async fn list_api_tokens(&self, user: UserId) -> StoreResult<Vec<ApiToken>> {
        let rows = self
            .db
            .fetch_all("SELECT id, user_id, name, created_at, last_used_at FROM api_tokens WHERE user_id = $1 ORDER BY id", &[user.0.into()])
            .await?;
        rows.iter().map(token).collect()
    }

    async fn delete_api_token(
        &self,
        user: UserId,
        id: i64,
        audit: AuditEntry,
    ) -> StoreResult<bool> {
        let mut tx = self.db.begin().await?;
        let n = tx
            .execute(
                "DELETE FROM api_tokens WHERE id = $1 AND user_id = $2",
                &[id.into(), user.0.into()],
            )
            .await?;
        if n == 0 {
            return Ok(false);
        }
        commit_audited(tx, &audit).await?;
        Ok(true)
    }
}
