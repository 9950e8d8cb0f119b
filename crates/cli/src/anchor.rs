//! Audit checkpoints (审计锚点): each district's chain head written outside the database,
//! so that deleting the newest audit rows and rewinding the head — which leaves a chain
//! that verifies on its own — is caught by `jiguan audit verify --anchor FILE`.
//!
//! The checkpoint is JSON: when it was taken, and per district its id, code, last
//! sequence number and head hash. With `audit_key` configured (`JIGUAN_AUDIT_KEY`) it
//! carries an HMAC-SHA256 over those fields, so a checkpoint kept where the database's
//! writer can also write cannot be forged without the key. Threat model in
//! docs/OPERATIONS.md ("Audit checkpoints").

use anyhow::{Context, bail};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use jiguan_app::App;
use jiguan_domain::tenancy::DistrictId;

use crate::config::Config;

pub const KIND: &str = "jiguan-audit-checkpoint";

/// One district's chain head at checkpoint time.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Head {
    pub district_id: i64,
    pub district: String,
    pub seq: i64,
    pub hash: String,
}

/// A checkpoint file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Checkpoint {
    pub kind: String,
    pub version: u32,
    pub created_at: String,
    pub heads: Vec<Head>,
    /// HMAC-SHA256 (hex) of the fields above, when a key is configured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mac: Option<String>,
}

impl Checkpoint {
    /// The bytes the MAC covers: the checkpoint without its MAC, as compact JSON.
    fn signed_bytes(&self) -> anyhow::Result<Vec<u8>> {
        let bare = Checkpoint {
            mac: None,
            ..self.clone()
        };
        Ok(serde_json::to_vec(&bare)?)
    }

    fn mac_with(&self, key: &str) -> anyhow::Result<Hmac<Sha256>> {
        let mut m = Hmac::<Sha256>::new_from_slice(key.as_bytes())
            .map_err(|e| anyhow::anyhow!("audit_key: {e}"))?;
        m.update(&self.signed_bytes()?);
        Ok(m)
    }
}

/// The checkpoint of the database's chains now (signed when a key is configured).
pub async fn make(cfg: &Config, app: &App) -> anyhow::Result<Checkpoint> {
    let districts = app.store.list_districts().await?;
    let heads = app
        .store
        .audit_heads()
        .await?
        .into_iter()
        .map(|h| Head {
            district_id: h.district_id.0,
            district: districts
                .iter()
                .find(|d| d.id == h.district_id)
                .map(|d| d.code.clone())
                .unwrap_or_default(),
            seq: h.last_seq,
            hash: h.last_hash,
        })
        .collect();
    let mut cp = Checkpoint {
        kind: KIND.into(),
        version: 1,
        created_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        heads,
        mac: None,
    };
    if let Some(key) = &cfg.audit_key {
        cp.mac = Some(hex::encode(cp.mac_with(key)?.finalize().into_bytes()));
    }
    Ok(cp)
}

/// Reads a checkpoint and checks its MAC: required when a key is configured.
pub fn read(cfg: &Config, file: &str) -> anyhow::Result<Checkpoint> {
    let text = std::fs::read_to_string(file).with_context(|| format!("read {file}"))?;
    let cp: Checkpoint =
        serde_json::from_str(&text).with_context(|| format!("{file} is not a checkpoint"))?;
    if cp.kind != KIND || cp.version != 1 {
        bail!("{file} is not a Jiguan audit checkpoint (version 1)");
    }
    match (&cfg.audit_key, &cp.mac) {
        (Some(key), Some(mac)) => {
            let want = hex::decode(mac).with_context(|| format!("{file}: mac is not hex"))?;
            cp.mac_with(key)?.verify_slice(&want).map_err(|_| {
                anyhow::anyhow!(
                    "{file}: the checkpoint's signature is wrong (altered, or another key)"
                )
            })?;
        }
        (Some(_), None) => bail!("{file} is not signed, but audit_key is configured"),
        (None, Some(_)) => {
            bail!("{file} is signed: configure audit_key (JIGUAN_AUDIT_KEY) to check it")
        }
        (None, None) => {}
    }
    Ok(cp)
}

/// What in the database does not match the checkpoint: a chain shorter than the
/// checkpoint (rows deleted), or a different row at the checkpoint's sequence number
/// (rows replaced). Empty when every anchored head is still in its chain.
pub async fn check(app: &App, cp: &Checkpoint) -> anyhow::Result<Vec<String>> {
    let heads = app.store.audit_heads().await?;
    let mut problems = Vec::new();
    for a in &cp.heads {
        let id = DistrictId(a.district_id);
        let name = format!("district {} ({})", a.district_id, a.district);
        let now = heads.iter().find(|h| h.district_id == id);
        let last = now.map_or(0, |h| h.last_seq);
        if last < a.seq {
            problems.push(format!(
                "{name}: chain ends at seq {last}, the checkpoint has seq {} (rows deleted)",
                a.seq
            ));
            continue;
        }
        let row = app.store.audit_chunk(id, a.seq - 1, 1).await?;
        match row.first() {
            Some(r) if r.seq == a.seq && r.hash == a.hash => {}
            Some(r) if r.seq == a.seq => problems.push(format!(
                "{name}: row {} differs from the checkpoint (rows replaced)",
                a.seq
            )),
            _ => problems.push(format!(
                "{name}: row {} of the checkpoint is missing (rows deleted)",
                a.seq
            )),
        }
    }
    Ok(problems)
}
