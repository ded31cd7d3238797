//! `custodian audit verify`: walks each tenant's chain from the first entry,
//! checks every hash, the head, and the signed checkpoints from the database
//! and from the checkpoint file, and names the first thing that is wrong.

use crate::audit::checkpoints::read_checkpoint_file;
use crate::Audit;
use crate::{App, AppError};
use custodian_core::audit::chain::{
    checkpoint_message, from_hex, to_hex, ChainBreak, ChainVerifier, Hash,
};
use custodian_core::TenantId;
use custodian_store::Checkpoint;
use ed25519_dalek::{Signature, VerifyingKey};
use serde::Serialize;
use std::path::PathBuf;

#[derive(Debug, Default)]
pub struct VerifyOptions {
    pub tenant: Option<TenantId>,
    /// Public keys (hex) whose checkpoints are trusted. Empty: each
    /// checkpoint is checked against the key it names, which proves it was
    /// signed but not by whom.
    pub trusted_keys: Vec<String>,
    pub checkpoint_file: Option<PathBuf>,
}

/// What is wrong with one tenant's trail.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TrailProblem {
    #[error(transparent)]
    Chain(#[from] ChainBreak),
    #[error("the checkpoint of entry {seq} has a signature that does not verify: it was forged or altered")]
    BadSignature { seq: i64 },
    #[error("the checkpoint of entry {seq} is signed by a key that is not trusted ({public_key})")]
    UntrustedKey { seq: i64, public_key: String },
    #[error("the checkpoint file holds a checkpoint of entry {seq} that the database lacks: checkpoints were deleted")]
    CheckpointMissingFromDatabase { seq: i64 },
    #[error("{rows} rows of the trail lie beyond its head (entry {head}): entries or index rows were appended outside Custodian")]
    RowsBeyondHead { head: i64, rows: i64 },
    #[error("the record index (audit_entry_records) holds {found} rows where the entries call for {expected}, or rows that differ: index rows were deleted, added or changed, hiding entries from a record's access log")]
    IndexMismatch { expected: u64, found: u64 },
    #[error("the trail holds rows of tenant {tenant}, which does not exist: entries were added outside Custodian, or the tenant was deleted without its trail")]
    UnknownTenant { tenant: i64 },
}

#[derive(Debug, Clone, Serialize)]
pub struct TenantVerification {
    pub tenant_id: TenantId,
    /// Entries checked before the first problem (all of them when intact).
    pub entries_checked: i64,
    pub checkpoints: usize,
    pub head_seq: i64,
    pub head_hash: String,
    /// The first problem, in words; None when the trail is intact.
    pub problem: Option<String>,
    /// The chain position the problem was found at.
    pub problem_seq: Option<i64>,
}

fn check_signature(checkpoint: &Checkpoint, trusted: &[String]) -> Result<(), TrailProblem> {
    let bad = || TrailProblem::BadSignature {
        seq: checkpoint.seq,
    };
    if !trusted.is_empty()
        && !trusted
            .iter()
            .any(|k| k.eq_ignore_ascii_case(&checkpoint.public_key))
    {
        return Err(TrailProblem::UntrustedKey {
            seq: checkpoint.seq,
            public_key: checkpoint.public_key.clone(),
        });
    }
    let key: [u8; 32] = from_hex(&checkpoint.public_key)
        .and_then(|k| k.try_into().ok())
        .ok_or_else(bad)?;
    let signature: [u8; 64] = from_hex(&checkpoint.signature)
        .and_then(|s| s.try_into().ok())
        .ok_or_else(bad)?;
    let key = VerifyingKey::from_bytes(&key).map_err(|_| bad())?;
    let message = checkpoint_message(
        checkpoint.tenant.0,
        checkpoint.seq,
        &checkpoint.entry_hash,
        checkpoint.created_at.0,
    );
    key.verify_strict(&message, &Signature::from_bytes(&signature))
        .map_err(|_| bad())
}

impl App {
    async fn verify_tenant(
        &self,
        tenant: TenantId,
        from_file: &[&Checkpoint],
        trusted: &[String],
    ) -> Result<TenantVerification, AppError> {
        let in_database = self.store.audit_trail().audit_checkpoints(tenant).await?;
        let head = self.store.audit_trail().audit_head(tenant).await?;
        let mut report = TenantVerification {
            tenant_id: tenant,
            entries_checked: 0,
            checkpoints: in_database.len(),
            head_seq: head.as_ref().map_or(0, |h| h.0),
            head_hash: head.as_ref().map_or_else(String::new, |h| to_hex(&h.1)),
            problem: None,
            problem_seq: None,
        };
        let fail = |report: &mut TenantVerification, problem: TrailProblem| {
            report.problem_seq = Some(match &problem {
                TrailProblem::Chain(chain) => chain.seq(),
                TrailProblem::BadSignature { seq }
                | TrailProblem::UntrustedKey { seq, .. }
                | TrailProblem::CheckpointMissingFromDatabase { seq } => *seq,
                TrailProblem::RowsBeyondHead { head, .. } => head + 1,
                TrailProblem::IndexMismatch { .. } | TrailProblem::UnknownTenant { .. } => 0,
            });
            report.problem = Some(problem.to_string());
        };
        let mut anchors: Vec<(i64, Hash)> = Vec::new();
        for checkpoint in in_database.iter().chain(from_file.iter().copied()) {
            if let Err(problem) = check_signature(checkpoint, trusted) {
                fail(&mut report, problem);
                return Ok(report);
            }
            if let Ok(hash) = Hash::try_from(checkpoint.entry_hash.as_slice()) {
                anchors.push((checkpoint.seq, hash));
            }
        }
        let walk = self
            .store
            // Only up to the head read above: entries appended meanwhile
            // by a running server are for the next run, and checkpoints
            // were read before the head, so they never lie beyond it.
            .audit_trail()
            .verify_audit_chain(
                tenant,
                head.as_ref().map_or(i64::MAX, |h| h.0),
                ChainVerifier::new(tenant.0, anchors),
            )
            .await?;
        report.entries_checked = walk.checked;
        if let Some(problem) = walk.broken {
            fail(&mut report, problem.into());
            return Ok(report);
        }
        let verifier = walk.verifier;
        if let Err(problem) =
            verifier.finish(head.as_ref().map(|(seq, hash)| (*seq, hash.as_slice())))
        {
            fail(&mut report, problem.into());
            return Ok(report);
        }
        // Every row is accounted for: the index is what the entries call
        // for, and nothing lies beyond the head (read again, in one
        // snapshot, since a running server appends meanwhile).
        let expected = verifier.expected_index();
        let found = self
            .store
            .audit_trail()
            .audit_index_digest(tenant, report.head_seq)
            .await?;
        if found != expected {
            fail(
                &mut report,
                TrailProblem::IndexMismatch {
                    expected: expected.rows,
                    found: found.rows,
                },
            );
            return Ok(report);
        }
        let (current_head, beyond) = self
            .store
            .audit_trail()
            .audit_rows_beyond_head(tenant)
            .await?;
        if beyond > 0 {
            fail(
                &mut report,
                TrailProblem::RowsBeyondHead {
                    head: current_head,
                    rows: beyond,
                },
            );
            return Ok(report);
        }
        if let Some(missing) = from_file.iter().find(|f| {
            !in_database
                .iter()
                .any(|d| d.seq == f.seq && d.entry_hash == f.entry_hash)
        }) {
            fail(
                &mut report,
                TrailProblem::CheckpointMissingFromDatabase { seq: missing.seq },
            );
        }
        Ok(report)
    }
}

impl Audit<'_> {
    /// Verifies the trail of one tenant or of all; one report per tenant.
    pub async fn verify_audit(
        self,
        options: &VerifyOptions,
    ) -> Result<Vec<TenantVerification>, AppError> {
        self.flush_audit().await;
        let from_file = match &options.checkpoint_file {
            Some(path) => read_checkpoint_file(path)?,
            None => Vec::new(),
        };
        let tenants = match options.tenant {
            Some(tenant) => {
                self.store.tenant(tenant).await?;
                vec![tenant]
            }
            None => self.store.audit_trail().tenant_ids().await?,
        };
        let mut reports = Vec::new();
        for tenant in tenants {
            let file: Vec<&Checkpoint> = from_file.iter().filter(|c| c.tenant == tenant).collect();
            // One unreadable trail (say, a row whose types were tampered
            // with) is that tenant's problem; the others are still checked.
            let report = match self
                .verify_tenant(tenant, &file, &options.trusted_keys)
                .await
            {
                Ok(report) => report,
                Err(error) => TenantVerification {
                    tenant_id: tenant,
                    entries_checked: 0,
                    checkpoints: 0,
                    head_seq: 0,
                    head_hash: String::new(),
                    problem: Some(format!(
                        "the trail could not be read: {}",
                        crate::with_causes(&error)
                    )),
                    problem_seq: None,
                },
            };
            reports.push(report);
        }
        if options.tenant.is_none() {
            for tenant in self
                .store
                .audit_trail()
                .audit_rows_of_unknown_tenants()
                .await?
            {
                reports.push(TenantVerification {
                    tenant_id: tenant,
                    entries_checked: 0,
                    checkpoints: 0,
                    head_seq: 0,
                    head_hash: String::new(),
                    problem: Some(TrailProblem::UnknownTenant { tenant: tenant.0 }.to_string()),
                    problem_seq: None,
                });
            }
        }
        Ok(reports)
    }
}
