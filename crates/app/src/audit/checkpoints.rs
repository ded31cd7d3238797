//! Signed checkpoints of each tenant's chain head. The operator's Ed25519
//! key signs (tenant, position, hash, time); the checkpoint goes into the
//! database and is appended to a file outside it, so that rewriting the chain
//! up to a checkpoint, or cutting off its tail, is caught by `audit verify`.

use crate::AppError;
use crate::Audit;
use custodian_core::audit::chain::{checkpoint_message, from_hex, to_hex};
use custodian_core::time::Timestamp;
use custodian_core::TenantId;
use custodian_store::Checkpoint;
use ed25519_dalek::{Signer, SigningKey};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The operator's signing key and where checkpoints are appended.
pub struct AuditSigner {
    key: SigningKey,
    file: PathBuf,
}

/// A checkpoint as one line of the checkpoint file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CheckpointLine {
    pub tenant_id: TenantId,
    pub seq: i64,
    pub entry_hash: String,
    pub created_at_ms: i64,
    pub created_at: String,
    pub public_key: String,
    pub signature: String,
}

impl CheckpointLine {
    pub fn from_checkpoint(c: &Checkpoint) -> CheckpointLine {
        CheckpointLine {
            tenant_id: c.tenant,
            seq: c.seq,
            entry_hash: to_hex(&c.entry_hash),
            created_at_ms: c.created_at.0,
            created_at: c.created_at.to_rfc3339(),
            public_key: c.public_key.clone(),
            signature: c.signature.clone(),
        }
    }

    pub fn to_checkpoint(&self) -> Option<Checkpoint> {
        Some(Checkpoint {
            tenant: self.tenant_id,
            seq: self.seq,
            entry_hash: from_hex(&self.entry_hash)?,
            created_at: Timestamp(self.created_at_ms),
            public_key: self.public_key.clone(),
            signature: self.signature.clone(),
        })
    }
}

fn configuration(message: String) -> AppError {
    AppError::Configuration(message)
}

impl AuditSigner {
    /// Loads the key at `key_path`; with `create`, makes a new one there
    /// (readable by the owner only) when none exists.
    pub fn load(
        key_path: &Path,
        checkpoint_file: &Path,
        create: bool,
    ) -> Result<AuditSigner, AppError> {
        let key = match std::fs::read_to_string(key_path) {
            Ok(text) => parse_key(text.trim()).ok_or_else(|| {
                configuration(format!(
                    "{} does not hold an Ed25519 key (64 hex digits)",
                    key_path.display()
                ))
            })?,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound && create => {
                let key = new_key();
                write_private(key_path, &format!("{}\n", to_hex(&key.to_bytes())))?;
                tracing::info!(path = %key_path.display(), "created the audit signing key; keep a copy of it away from the database");
                key
            }
            Err(error) => {
                return Err(configuration(format!(
                    "cannot read the audit signing key {}: {error}",
                    key_path.display()
                )))
            }
        };
        Ok(AuditSigner {
            key,
            file: checkpoint_file.to_path_buf(),
        })
    }

    pub fn public_key_hex(&self) -> String {
        to_hex(self.key.verifying_key().as_bytes())
    }

    pub fn checkpoint_file(&self) -> &Path {
        &self.file
    }

    fn sign(&self, tenant: TenantId, seq: i64, head: Vec<u8>) -> Checkpoint {
        let created_at = Timestamp::now();
        let signature = self
            .key
            .sign(&checkpoint_message(tenant.0, seq, &head, created_at.0));
        Checkpoint {
            tenant,
            seq,
            entry_hash: head,
            created_at,
            public_key: self.public_key_hex(),
            signature: to_hex(&signature.to_bytes()),
        }
    }

    fn append_to_file(&self, checkpoint: &Checkpoint) -> Result<(), AppError> {
        let line = serde_json::to_string(&CheckpointLine::from_checkpoint(checkpoint))
            .map_err(|e| configuration(format!("cannot encode a checkpoint: {e}")))?;
        let fail = |e: std::io::Error| {
            configuration(format!(
                "cannot append to the checkpoint file {}: {e}",
                self.file.display()
            ))
        };
        if let Some(parent) = self.file.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(fail)?;
        }
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.file)
            .map_err(fail)?;
        // One write per line, so two writers appending at once never
        // interleave within a line.
        file.write_all(format!("{line}\n").as_bytes())
            .map_err(fail)?;
        file.sync_all().map_err(fail)
    }
}

fn parse_key(hex: &str) -> Option<SigningKey> {
    let bytes: [u8; 32] = from_hex(hex)?.try_into().ok()?;
    Some(SigningKey::from_bytes(&bytes))
}

fn new_key() -> SigningKey {
    let mut seed = [0u8; 32];
    if getrandom::getrandom(&mut seed).is_err() {
        std::process::abort();
    }
    SigningKey::from_bytes(&seed)
}

pub(crate) fn write_private(path: &Path, contents: &str) -> Result<(), AppError> {
    let fail = |e: std::io::Error| {
        configuration(format!("cannot write the key file {}: {e}", path.display()))
    };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(fail)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(fail)?;
    file.write_all(contents.as_bytes()).map_err(fail)?;
    file.sync_all().map_err(fail)
}

/// Reads the checkpoint file; a missing file has no checkpoints.
pub fn read_checkpoint_file(path: &Path) -> Result<Vec<Checkpoint>, AppError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(configuration(format!(
                "cannot read the checkpoint file {}: {e}",
                path.display()
            )))
        }
    };
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(number, line)| {
            serde_json::from_str::<CheckpointLine>(line)
                .ok()
                .and_then(|l| l.to_checkpoint())
                .ok_or_else(|| {
                    configuration(format!(
                        "line {} of the checkpoint file {} is not a checkpoint",
                        number + 1,
                        path.display()
                    ))
                })
        })
        .collect()
}

impl Audit<'_> {
    /// Signs the head of each tenant's chain (or one tenant's) that moved
    /// since its last checkpoint; returns the new checkpoints.
    pub async fn checkpoint_audit(
        self,
        signer: &AuditSigner,
        tenant: Option<TenantId>,
    ) -> Result<Vec<Checkpoint>, AppError> {
        self.flush_audit().await;
        let tenants = match tenant {
            Some(t) => vec![t],
            None => self.store.audit_trail().tenant_ids().await?,
        };
        let mut made = Vec::new();
        for tenant in tenants {
            let Some((seq, head)) = self.store.audit_trail().audit_head(tenant).await? else {
                continue;
            };
            let latest = self
                .store
                .audit_trail()
                .last_audit_checkpoint_seq(tenant)
                .await?;
            if seq == 0 || latest.is_some_and(|covered| covered >= seq) {
                continue;
            }
            let checkpoint = signer.sign(tenant, seq, head);
            // Database first: a checkpoint only in the file would read as
            // one deleted from the database.
            self.store
                .audit_trail()
                .save_audit_checkpoint(&checkpoint)
                .await?;
            signer.append_to_file(&checkpoint)?;
            made.push(checkpoint);
        }
        Ok(made)
    }
}
