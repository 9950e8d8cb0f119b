//! Sign-in, sessions, API tokens and passwords.
//!
//! - Passwords are hashed with argon2id off the async executor, on one thread per core
//!   ([`hash_pool`]), so memory stays bounded however many sign in at once.
//! - Sessions live in the database; the cookie holds a random token whose SHA-256 is
//!   stored, never the token itself. Each session has its own CSRF token.
//! - A session idle longer than `session_idle_minutes`, or older than `session_max_hours`,
//!   is over.
//! - Failed sign-ins are counted per user name and per client address within
//!   `login_window_secs`. Per account, the first `login_max_failures` are free; after
//!   that each further attempt must wait a growing time after the last failure (1 s, 2 s,
//!   4 s … at most [`ACCOUNT_MAX_WAIT_SECS`]); an attempt sooner is answered "try again in
//!   N seconds" without checking the password. So a stranger who knows a user name can slow
//!   the account down but never lock its owner out. Per address (the client, see
//!   `jiguan_web::client`), `4 × login_max_failures` failures close sign-in from that
//!   address for the rest of the window.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use argon2::password_hash::{PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use sha2::{Digest, Sha256};

use jiguan_domain::FieldError;
use jiguan_domain::audit::{AuditAction, AuditEntry, LoginOutcome, LoginRecord, ObjectKind};
use jiguan_domain::auth::{Action, Actor, check_password};
use jiguan_domain::tenancy::UnitId;

use crate::ports::{self, ApiToken, NewPassword, SessionRecord, UserRecord};
use crate::{App, AppError, AppResult};

/// A named thing (an API token), as audited.
#[derive(serde::Serialize)]
struct Named<'a> {
    name: &'a str,
}

/// A signed-in session as the web layer needs it.
#[derive(Debug, Clone)]
pub struct SessionCtx {
    pub actor: Actor,
    pub csrf_token: String,
    pub must_change_password: bool,
    pub token_hash: String,
}

/// What a successful sign-in hands back: the cookie token (shown once) and the session.
#[derive(Debug, Clone)]
pub struct LoginOk {
    pub token: String,
    pub session: SessionCtx,
}

/// Counts failed sign-ins per key within a sliding window.
#[derive(Debug, Default)]
pub struct LoginLimiter {
    failures: Mutex<HashMap<String, Vec<i64>>>,
}

/// The longest wait between two attempts on one account after repeated failures.
pub const ACCOUNT_MAX_WAIT_SECS: i64 = 60;

impl LoginLimiter {
    /// Seconds to wait before the account may try again: none for the first `free`
    /// failures in the window, then 1, 2, 4 … (at most [`ACCOUNT_MAX_WAIT_SECS`]) after the
    /// latest failure.
    fn account_wait(&self, key: &str, now: i64, window: i64, free: u32) -> Option<i64> {
        let map = self.failures.lock().ok()?;
        let times = map.get(key)?;
        let recent: Vec<i64> = times.iter().copied().filter(|t| now - t < window).collect();
        let n = recent.len();
        if n < free as usize {
            return None;
        }
        let over = u32::try_from(n - free as usize).unwrap_or(u32::MAX).min(16);
        let wait = (1i64 << over).min(ACCOUNT_MAX_WAIT_SECS);
        let last = recent.iter().max()?;
        let ready = last + wait;
        (now < ready).then_some(ready - now)
    }
    fn retry_after(&self, key: &str, now: i64, window: i64, max: u32) -> Option<i64> {
        let map = self.failures.lock().ok()?;
        let times = map.get(key)?;
        let recent: Vec<i64> = times.iter().copied().filter(|t| now - t < window).collect();
        if recent.len() >= max as usize {
            recent
                .iter()
                .min()
                .map(|first| (first + window - now).max(1))
        } else {
            None
        }
    }
    fn fail(&self, key: &str, now: i64, window: i64) {
        if let Ok(mut map) = self.failures.lock() {
            // Forget old failures when many keys pile up, so that probing with endless
            // user names cannot grow memory without bound.
            if map.len() > 10_000 {
                map.retain(|_, v| {
                    v.retain(|t| now - t < window);
                    !v.is_empty()
                });
            }
            let v = map.entry(key.to_string()).or_default();
            v.retain(|t| now - t < window);
            v.push(now);
        }
    }
    fn clear(&self, key: &str) {
        if let Ok(mut map) = self.failures.lock() {
            map.remove(key);
        }
    }
}

/// A random URL-safe token of 32 bytes.
pub fn random_token() -> String {
    let mut b = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut b);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

/// SHA-256 of a token, as stored.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub fn actor_of(u: &UserRecord) -> Actor {
    Actor {
        user_id: u.id,
        username: u.username.clone(),
        display_name: u.display_name.clone(),
        district_id: u.district_id,
        unit_id: u.unit_id,
        roles: u.roles.clone(),
    }
}

impl App {
    /// An audit entry by `actor`, stamped with the app's clock (the time of the change it
    /// records): `self.audit(actor).unit(u).did(AuditAction::PostUpdate).on(ObjectKind::Post,
    /// id).before(&old).after(&new)`.
    /// The entry carries the client address of the request being served
    /// ([`crate::audit::client_addr`]).
    pub fn audit(&self, actor: &Actor) -> AuditEntry {
        AuditEntry::by(actor, self.clock.now()).from_addr(crate::audit::client_addr())
    }

    /// Hashes a password with argon2id on one of the hashing threads ([`hash_pool`]).
    pub async fn hash_password(&self, password: &str) -> AppResult<String> {
        let (m, t) = (self.config.argon_m_kib, self.config.argon_t);
        let pw = password.to_string();
        hash_pool()
            .run(move || argon2_hash(&pw, m, t))
            .await
            .map_err(AppError::Internal)?
            .map_err(AppError::Internal)
    }

    /// Verifies a password against a stored hash on one of the hashing threads.
    pub async fn verify_password(&self, hash: &str, password: &str) -> bool {
        let (h, pw) = (hash.to_string(), password.to_string());
        hash_pool()
            .run(move || argon2_verify(&h, &pw))
            .await
            .unwrap_or(false)
    }

    /// Signs in. `addr` is the client's address, for the rate limit and the sign-in log.
    pub async fn login(&self, username: &str, password: &str, addr: &str) -> AppResult<LoginOk> {
        self.sign_in(username, password, addr, "").await
    }

    /// Records one sign-in attempt in the sign-in log (登录日志).
    async fn log_login(
        &self,
        name: &str,
        user: Option<&UserRecord>,
        outcome: LoginOutcome,
        addr: &str,
        user_agent: &str,
    ) -> AppResult<()> {
        let rec = LoginRecord {
            id: 0,
            at_ms: self.clock.now().timestamp_millis(),
            district_id: user.map(|u| u.district_id),
            unit_id: user.and_then(|u| u.unit_id),
            user_id: user.map(|u| u.id),
            username: name.chars().take(64).collect(),
            outcome,
            addr: addr.chars().take(64).collect(),
            user_agent: user_agent.chars().take(200).collect(),
        };
        Ok(self.store.append_login(&rec).await?)
    }

    /// Signs in, recording the attempt (with the browser's `user_agent`) in the sign-in
    /// log: success, or why it failed. An empty user name or password is refused without
    /// a record (nothing was attempted).
    pub async fn sign_in(
        &self,
        username: &str,
        password: &str,
        addr: &str,
        user_agent: &str,
    ) -> AppResult<LoginOk> {
        let now = self.clock.now();
        let (window, max) = (
            self.config.login_window_secs,
            self.config.login_max_failures,
        );
        let name = username.trim().to_ascii_lowercase();
        let ukey = format!("u:{name}");
        let akey = format!("a:{addr}");
        let ts = now.timestamp();
        let wait = self
            .limiter
            .retry_after(&akey, ts, window, max.saturating_mul(4))
            .or_else(|| self.limiter.account_wait(&ukey, ts, window, max));
        if let Some(retry) = wait {
            if !name.is_empty() {
                let user = self.store.find_user_by_name(&name).await?;
                self.log_login(
                    &name,
                    user.as_ref(),
                    LoginOutcome::RateLimited,
                    addr,
                    user_agent,
                )
                .await?;
            }
            return Err(AppError::RateLimited {
                retry_after_secs: retry,
            });
        }
        if name.is_empty() {
            return Err(AppError::field("username", "required"));
        }
        if password.is_empty() {
            return Err(AppError::field("password", "required"));
        }
        let user = self.store.find_user_by_name(&name).await?;
        let outcome = match &user {
            Some(u) => {
                if !self.verify_password(&u.password_hash, password).await {
                    LoginOutcome::BadPassword
                } else if !u.active {
                    LoginOutcome::Inactive
                } else {
                    LoginOutcome::Ok
                }
            }
            None => {
                // Spend the same time as a wrong password, so user names cannot be probed.
                let _ = self.hash_password(password).await;
                LoginOutcome::UnknownUser
            }
        };
        self.log_login(&name, user.as_ref(), outcome, addr, user_agent)
            .await?;
        let Some(user) = user.filter(|_| outcome.success()) else {
            self.limiter.fail(&ukey, ts, window);
            self.limiter.fail(&akey, ts, window);
            return Err(AppError::field("password", "login_failed"));
        };
        self.limiter.clear(&ukey);
        let actor = actor_of(&user);
        let token = random_token();
        let rec = SessionRecord {
            token_hash: token_hash(&token),
            user_id: user.id,
            csrf_token: random_token(),
            created_at: now,
            last_seen_at: now,
        };
        self.store.create_session(&rec).await?;
        self.store
            .append_audit(
                self.audit(&actor)
                    .from_addr(Some(addr.to_string()))
                    .unit(actor.unit_id)
                    .did(AuditAction::AuthLogin)
                    .on(ObjectKind::User, user.id),
            )
            .await?;
        Ok(LoginOk {
            token,
            session: SessionCtx {
                actor,
                csrf_token: rec.csrf_token,
                must_change_password: user.must_change_password,
                token_hash: rec.token_hash,
            },
        })
    }

    fn session_expired(&self, s: &SessionRecord, now: DateTime<Utc>) -> bool {
        now - s.last_seen_at > Duration::minutes(self.config.session_idle_minutes)
            || now - s.created_at > Duration::hours(self.config.session_max_hours)
    }

    /// The session behind a cookie token, or `None` when it is unknown, expired or its
    /// account is disabled. Expired sessions are deleted.
    pub async fn session(&self, token: &str) -> AppResult<Option<SessionCtx>> {
        Ok(self.session_in(token, None).await?.map(|(s, _)| s))
    }

    /// [`App::session`], with the unit `unit` of the account's district read in the same
    /// statement (the guard of a page under `/units/{unit}`); the unit is only read here:
    /// the caller checks the actor may see it.
    pub async fn session_in(
        &self,
        token: &str,
        unit: Option<UnitId>,
    ) -> AppResult<Option<(SessionCtx, Option<ports::Unit>)>> {
        let now = self.clock.now();
        let th = token_hash(token);
        // One read for the session and its account (every signed-in request); a session
        // cannot outlive its account (ON DELETE CASCADE).
        let Some((s, user, unit)) = self.store.get_session_user_unit(&th, unit).await? else {
            return Ok(None);
        };
        if self.session_expired(&s, now) || !user.active {
            self.store.delete_session(&th).await?;
            return Ok(None);
        }
        if now - s.last_seen_at > Duration::seconds(60) {
            self.store.touch_session(&th, now).await?;
        }
        Ok(Some((
            SessionCtx {
                actor: actor_of(&user),
                csrf_token: s.csrf_token,
                must_change_password: user.must_change_password,
                token_hash: th,
            },
            unit,
        )))
    }

    pub async fn logout(&self, ctx: &SessionCtx) -> AppResult<()> {
        self.store.delete_session(&ctx.token_hash).await?;
        let a = &ctx.actor;
        self.store
            .append_audit(
                self.audit(a)
                    .unit(a.unit_id)
                    .did(AuditAction::AuthLogout)
                    .on(ObjectKind::User, a.user_id),
            )
            .await?;
        Ok(())
    }

    /// The account behind an API token (`Authorization: Bearer …`).
    pub async fn api_token_actor(&self, token: &str) -> AppResult<Option<Actor>> {
        let Some(t) = self.store.find_api_token(&token_hash(token)).await? else {
            return Ok(None);
        };
        let Some(user) = self
            .store
            .get_user_any(t.user_id)
            .await?
            .filter(|u| u.active)
        else {
            return Ok(None);
        };
        if user.must_change_password {
            return Err(AppError::PasswordChangeRequired);
        }
        let now = self.clock.now();
        if t.last_used_at
            .is_none_or(|l| now - l > Duration::seconds(60))
        {
            self.store.touch_api_token(t.id, now).await?;
        }
        Ok(Some(actor_of(&user)))
    }

    /// Changes one's own password after checking the current one.
    pub async fn change_password(
        &self,
        actor: &Actor,
        current: &str,
        new: &str,
        confirm: &str,
    ) -> AppResult<()> {
        self.require(actor, Action::Profile)?;
        let user = self
            .store
            .get_user_any(actor.user_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let mut errs = Vec::new();
        if !self.verify_password(&user.password_hash, current).await {
            errs.push(FieldError::new("current", "password_wrong"));
        }
        if let Err(e) = check_password("new", new, &user.username) {
            errs.push(e);
        } else if new != confirm {
            errs.push(FieldError::new("confirm", "password_mismatch"));
        } else if new == current {
            errs.push(FieldError::new("new", "password_unchanged"));
        }
        if !errs.is_empty() {
            return Err(AppError::Invalid(errs));
        }
        let hash = self.hash_password(new).await?;
        let audit = self
            .audit(actor)
            .unit(actor.unit_id)
            .did(AuditAction::UserPasswordChange)
            .on(ObjectKind::User, actor.user_id);
        self.store
            .set_password(actor.user_id, NewPassword::own(hash), audit)
            .await?;
        Ok(())
    }

    /// Creates an API token for oneself; the token is returned once and only its hash kept.
    pub async fn create_api_token(&self, actor: &Actor, name: &str) -> AppResult<(i64, String)> {
        self.require(actor, Action::Profile)?;
        let name = jiguan_domain::error::required_text("name", name, 60)?;
        let token = format!("jg_{}", random_token());
        let audit = self
            .audit(actor)
            .unit(actor.unit_id)
            .did(AuditAction::ApiTokenCreate)
            .on(ObjectKind::ApiToken, &name)
            .after(&Named { name: &name });
        let id = self
            .store
            .create_api_token(actor.user_id, &name, &token_hash(&token), audit)
            .await?;
        Ok((id, token))
    }

    pub async fn list_api_tokens(&self, actor: &Actor) -> AppResult<Vec<ApiToken>> {
        self.require(actor, Action::Profile)?;
        Ok(self.store.list_api_tokens(actor.user_id).await?)
    }

    pub async fn delete_api_token(&self, actor: &Actor, id: i64) -> AppResult<()> {
        self.require(actor, Action::Profile)?;
        let audit = self
            .audit(actor)
            .unit(actor.unit_id)
            .did(AuditAction::ApiTokenDelete)
            .on(ObjectKind::ApiToken, id);
        if self
            .store
            .delete_api_token(actor.user_id, id, audit)
            .await?
        {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::password_hash::{PasswordHasher, PasswordVerifier};

    #[allow(clippy::panic)]
    /// Issue 17, point 4: password hashes run on one thread per core, whatever the number
    /// asked for at once; every one is answered.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn hashes_run_at_most_one_per_core() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let pool: &'static HashPool = Box::leak(Box::new(HashPool::new(2)));
        let (now, peak) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let tasks: Vec<_> = (0..16)
            .map(|i| {
                let (now, peak) = (now.clone(), peak.clone());
                tokio::spawn(pool.run(move || {
                    let n = now.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(n, Ordering::SeqCst);
                    std::thread::sleep(std::time::Duration::from_millis(20));
                    now.fetch_sub(1, Ordering::SeqCst);
                    i
                }))
            })
            .collect();
        let mut got = Vec::new();
        for t in tasks {
            got.push(t.await.ok().and_then(Result::ok).unwrap_or(usize::MAX));
        }
        assert_eq!(got, (0..16).collect::<Vec<_>>());
        assert_eq!(peak.load(Ordering::SeqCst), 2);
        assert_eq!(pool.threads(), 2);
        // Production parameters (19 MiB each), 16 at once: the peak grows by about one
        // hash per thread, not sixteen.
        let hwm = || {
            std::fs::read_to_string("/proc/self/status")
                .unwrap_or_default()
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(0)
        };
        let before = hwm();
        let tasks: Vec<_> = (0..16)
            .map(|_| tokio::spawn(pool.run(|| argon2_hash("pw", 19 * 1024, 2))))
            .collect();
        for t in tasks {
            assert!(matches!(t.await, Ok(Ok(Ok(_)))));
        }
        let grew = hwm().saturating_sub(before) / 1024;
        assert!(grew <= 3 * 20, "{grew} MiB");
        // The hashes are standard: the argon2 crate's own verifier agrees, both ways.
        let h = argon2_hash("秘密pw", 64, 1).unwrap_or_default();
        let Ok(parsed) = PasswordHash::new(&h) else {
            panic!("not a PHC string: {h}");
        };
        assert!(
            Argon2::default()
                .verify_password("秘密pw".as_bytes(), &parsed)
                .is_ok()
        );
        assert!(argon2_verify(&h, "秘密pw") && !argon2_verify(&h, "秘密pX"));
        let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
        let theirs = Argon2::default()
            .hash_password(b"abc", &salt)
            .map(|h| h.to_string())
            .unwrap_or_default();
        assert!(argon2_verify(&theirs, "abc") && !argon2_verify(&theirs, "abd"));
        assert!(!argon2_verify("not a hash", "abc"));
        // A panicking job is an error, and the threads live on.
        assert!(pool.run(|| panic!("boom")).await.is_err());
        assert_eq!(pool.run(|| 7).await, Ok(7));
    }

    #[test]
    fn limiter_blocks_after_max_and_recovers() {
        let l = LoginLimiter::default();
        for i in 0..5 {
            assert_eq!(l.retry_after("u:a", 100 + i, 900, 5), None);
            l.fail("u:a", 100 + i, 900);
        }
        assert_eq!(l.retry_after("u:a", 110, 900, 5), Some(890));
        assert_eq!(l.retry_after("u:a", 100 + 900, 900, 5), None);
        assert_eq!(l.retry_after("u:b", 110, 900, 5), None);
        l.clear("u:a");
        assert_eq!(l.retry_after("u:a", 110, 900, 5), None);
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let (a, b) = (random_token(), random_token());
        assert_ne!(a, b);
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), a);
    }
}

thread_local! {
    /// The argon2 working memory of a hashing thread, kept between hashes: allocating
    /// 19 MiB per hash left the allocator holding about that much per hash done at once.
    static BLOCKS: std::cell::RefCell<Vec<argon2::Block>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Runs argon2 with `params` into `out`, in this thread's kept working memory.
fn argon2_into(
    alg: Algorithm,
    version: Version,
    params: Params,
    pw: &[u8],
    salt: &[u8],
    out: &mut [u8],
) -> Result<(), String> {
    let n = params.block_count();
    let a = Argon2::new(alg, version, params);
    BLOCKS.with(|b| {
        let mut blocks = b.borrow_mut();
        if blocks.len() < n {
            blocks.resize(n, argon2::Block::default());
        }
        let mem = blocks.get_mut(..n).ok_or("argon2 memory")?;
        a.hash_password_into_with_memory(pw, salt, out, mem)
            .map_err(|e| e.to_string())
    })
}

/// An argon2id hash of `pw` in the PHC string format (`$argon2id$v=19$m=…,t=…,p=1$salt$hash`).
fn argon2_hash(pw: &str, m_kib: u32, t: u32) -> Result<String, String> {
    use argon2::password_hash::{Output, ParamsString};
    let params = Params::new(m_kib, t, 1, None).map_err(|e| e.to_string())?;
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    let mut salt_buf = [0u8; 64];
    let salt_bytes = salt.decode_b64(&mut salt_buf).map_err(|e| e.to_string())?;
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    argon2_into(
        Algorithm::Argon2id,
        Version::V0x13,
        params.clone(),
        pw.as_bytes(),
        salt_bytes,
        &mut out,
    )?;
    let hash = PasswordHash {
        algorithm: argon2::ARGON2ID_IDENT,
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(|e| e.to_string())?,
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(&out).map_err(|e| e.to_string())?),
    };
    Ok(hash.to_string())
}

/// Whether `pw` matches the PHC string `hash` (compared in constant time).
fn argon2_verify(hash: &str, pw: &str) -> bool {
    let check = || -> Option<bool> {
        let parsed = PasswordHash::new(hash).ok()?;
        let alg = Algorithm::try_from(parsed.algorithm).ok()?;
        let version = match parsed.version {
            Some(v) => Version::try_from(v).ok()?,
            None => Version::default(),
        };
        let params = Params::try_from(&parsed).ok()?;
        let expected = parsed.hash?;
        let mut salt_buf = [0u8; 64];
        let salt = parsed.salt?.decode_b64(&mut salt_buf).ok()?;
        let mut out = vec![0u8; expected.len()];
        argon2_into(alg, version, params, pw.as_bytes(), salt, &mut out).ok()?;
        let got = argon2::password_hash::Output::new(&out).ok()?;
        // `Output`'s equality is constant-time.
        Some(got == expected)
    };
    check().unwrap_or(false)
}

/// A job for a hashing thread.
type HashJob = Box<dyn FnOnce() + Send>;

/// The threads that hash and verify passwords: one per core, for the whole process.
///
/// Each argon2id hash holds `argon_m_kib` (19 MiB in production) while it runs. A
/// semaphore around `spawn_blocking` bounded the hashes in flight but not the memory: the
/// blocking pool's threads are many, each gets its own malloc arena, and each arena kept
/// its 19 MiB after the hash (455 MB after 16 sign-ins at once, issue 17). A fixed set of
/// threads bounds both; the queue in front of them keeps every core busy, so no
/// throughput is lost.
pub struct HashPool {
    send: std::sync::Mutex<std::sync::mpsc::Sender<HashJob>>,
    threads: usize,
}

impl HashPool {
    fn new(threads: usize) -> Self {
        let (send, recv) = std::sync::mpsc::channel::<HashJob>();
        let recv = Arc::new(std::sync::Mutex::new(recv));
        for i in 0..threads {
            let recv = recv.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("jiguan-hash-{i}"))
                .spawn(move || {
                    loop {
                        let job = {
                            let r = recv
                                .lock()
                                .unwrap_or_else(std::sync::PoisonError::into_inner);
                            r.recv()
                        };
                        match job {
                            Ok(job) => job(),
                            Err(_) => break,
                        }
                    }
                });
            if let Err(e) = spawned {
                tracing::error!(error = %e, "cannot start a hashing thread");
            }
        }
        Self {
            send: std::sync::Mutex::new(send),
            threads,
        }
    }

    /// How many hashing threads there are.
    pub fn threads(&self) -> usize {
        self.threads
    }

    /// Runs `f` on a hashing thread and waits (asynchronously) for its result.
    pub async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, String> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job: HashJob = Box::new(move || {
            // A panic in the hash is reported as an error, never kills the thread.
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
            let _ = tx.send(r.map_err(|_| "password hashing panicked".to_string()));
        });
        self.send
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .send(job)
            .map_err(|_| "no hashing thread".to_string())?;
        rx.await.map_err(|_| "no hashing thread".to_string())?
    }
}

/// The process's hashing threads (one per core).
pub fn hash_pool() -> &'static HashPool {
    static POOL: std::sync::OnceLock<HashPool> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        HashPool::new(
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2),
        )
    })
}
