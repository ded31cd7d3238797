//! The audit trail: one entry per change, written in the transaction of the
//! change, and one per read of personal data, written in batches. Entries
//! hold ids and field names, never values, and form a hash chain per tenant.

mod chain;
mod integrity;
pub(crate) mod trail;

pub use chain::NewAuditEntry;
pub use integrity::{ChainWalk, Checkpoint};
pub use trail::{AuditQuery, AuditSubject};

use crate::{Scope, Store, StoreError};
use custodian_core::audit::{AuditAction, RecordType};
use custodian_core::time::Timestamp;
use sqlx::{Any, Transaction};

impl Store {
    /// The audit hook of every change.
    pub(crate) async fn audit(
        &self,
        tx: &mut Transaction<'static, Any>,
        scope: &Scope,
        action: AuditAction,
        record_type: RecordType,
        record_id: i64,
        fields: &[&str],
    ) -> Result<(), StoreError> {
        let entry = NewAuditEntry {
            record_ids: Vec::new(),
            actor: scope.actor,
            action,
            record_type,
            record_id,
            fields: fields.join(","),
            context: scope.context.clone(),
            occurred_at: Timestamp::now(),
        };
        if let Some(deferred) = &scope.deferred_audit {
            deferred
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .push(entry);
            return Ok(());
        }
        self.append_audit(tx, scope.tenant, std::slice::from_ref(&entry))
            .await
    }
}
