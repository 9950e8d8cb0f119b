//! Reading and verifying the audit trail (审计日志).

use serde::Serialize;

use jiguan_domain::audit::{AuditRecord, ChainBreak, LoginRecord, Verifier};
use jiguan_domain::auth::{Action, Actor};

use crate::ports::{AuditFilter, ListQuery, LoginFilter, Page, UnitChoice};
use crate::{App, AppResult};

tokio::task_local! {
    /// The client address of the request being served. The web layer runs each request
    /// inside [`with_client_addr`]; [`App::audit`] records it with every change.
    static CLIENT_ADDR: Option<String>;
}

/// Runs `f` with `addr` as the client address that audit entries record.
pub async fn with_client_addr<F: std::future::Future>(addr: Option<String>, f: F) -> F::Output {
    CLIENT_ADDR.scope(addr, f).await
}

/// The client address of the request being served, if any (none on the command line).
pub fn client_addr() -> Option<String> {
    CLIENT_ADDR.try_with(Clone::clone).ok().flatten()
}

/// The outcome of `jiguan audit verify`.
#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    pub rows_checked: i64,
    pub districts: usize,
    /// The first break found in each broken chain.
    pub breaks: Vec<ChainBreak>,
    /// Each district's head hash, to write down elsewhere as an anchor.
    pub heads: Vec<(i64, i64, String)>,
}

impl App {
    pub async fn list_audit(
        &self,
        actor: &Actor,
        mut filter: AuditFilter,
        q: &ListQuery,
    ) -> AppResult<Page<AuditRecord>> {
        self.require(actor, Action::AuditView)?;
        filter.scope.limit_to(actor.unit_id);
        Ok(self.store.list_audit(actor.district_id, &filter, q).await?)
    }

    /// The sign-in log (登录日志) of the actor's district; a unit account sees its own
    /// unit's accounts only.
    pub async fn list_logins(
        &self,
        actor: &Actor,
        mut filter: LoginFilter,
        q: &ListQuery,
    ) -> AppResult<Page<LoginRecord>> {
        self.require(actor, Action::AuditView)?;
        filter.scope.limit_to(actor.unit_id);
        Ok(self
            .store
            .list_logins(actor.district_id, &filter, q)
            .await?)
    }

    /// Walks every district's chain; `progress` is called with the rows checked so far.
    pub async fn verify_audit(&self, mut progress: impl FnMut(i64)) -> AppResult<VerifyReport> {
        const CHUNK: i64 = 2000;
        let heads = self.store.audit_heads().await?;
        let mut report = VerifyReport {
            rows_checked: 0,
            districts: heads.len(),
            breaks: vec![],
            heads: vec![],
        };
        for head in heads {
            report
                .heads
                .push((head.district_id.0, head.last_seq, head.last_hash.clone()));
            let mut v = Verifier::new(head.district_id);
            let mut after = 0;
            let mut broken = false;
            loop {
                let rows = self
                    .store
                    .audit_chunk(head.district_id, after, CHUNK)
                    .await?;
                let Some(last) = rows.last() else { break };
                after = last.seq;
                for r in &rows {
                    report.rows_checked += 1;
                    if let Err(b) = v.feed(r) {
                        report.breaks.push(b);
                        broken = true;
                        break;
                    }
                }
                progress(report.rows_checked);
                if broken {
                    break;
                }
            }
            if !broken && let Err(b) = v.finish(head.last_seq, &head.last_hash) {
                report.breaks.push(b);
            }
        }
        Ok(report)
    }
}
