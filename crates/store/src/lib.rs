//! Custodian's storage layer: the only crate with SQL. One `Store` serves
//! SQLite and PostgreSQL through sqlx's `Any` driver; SQL that is the same on
//! both is written once, and the few dialect differences (search, row-level
//! security, begin mode) sit in small named places.
//!
//! Every call that touches tenant data takes a [`Scope`]: the tenant and the
//! actor. Every change writes an audit entry in the same transaction.

mod account;
mod activities;
mod agreements;
mod assets;
mod audit;
mod auth;
mod batch;
mod connect;
mod contacts;
mod dashboard;
mod error;
mod group_commit;
mod helpdesk;
mod ids;
mod invitations;
mod migrate;
mod names;
mod offboarding;
mod organisations;
mod outbox;
mod page;
mod passwords;
mod portal;
mod privacy;
mod purposes;
mod reach;
mod retention;
mod roles;
mod rows;
pub mod schema;
mod search;
mod statement;
mod stored;
mod teams;
mod tenants;
pub mod testing;
mod two_factor;

pub use audit::{AuditQuery, AuditSubject, ChainWalk, Checkpoint, NewAuditEntry};
pub use auth::{LoginCandidate, SessionRecord, TokenRecord};
pub use batch::Batch;
pub use connect::Backend;
pub use error::StoreError;
pub use helpdesk::MessageAuthor;
pub use invitations::{NewStaffLink, StaffLink};
pub use outbox::{Delivery, NewMail};
pub use page::{Cursor, ListQuery, SortOrder};
pub use portal::{
    PendingRegistration, PortalCandidate, PortalIdentity, PortalSessionRecord, Registrant,
};
pub use privacy::{ErasureStep, Intake, RequestChange, SharedRows, Step, StepActor, TableRows};
pub use reach::Reach;
pub use retention::{Acted, DueBatch, DueCursor};
pub use stored::{NewRecord, Records, StoredRecord};
pub use tenants::Tenant;
pub use two_factor::TwoFactor;

// Each capability's use cases are a view of the service (`custodian_core::capabilities!`).
custodian_core::capabilities! {
    Store;
    /// Purposes, consent, data-subject requests, erasure and export.
    Privacy => privacy,
    /// Retention rules, holds, reviews, runs and what they act on.
    Retention => retention,
    /// Tickets, replies, attachments, service levels and the FAQ.
    Helpdesk => helpdesk,
    /// Portal accounts, sessions, links and registrations.
    Portal => portal,
    /// The audit chain, its trail and its integrity checks.
    AuditTrail => audit_trail,
    /// The outbox.
    Mail => mail,
}

use custodian_core::audit::chain::ClientContext;
use custodian_core::audit::Actor;
use custodian_core::TenantId;
use ids::IdGenerator;
use sqlx::AnyPool;
use std::sync::Arc;

/// Who is asking, inside which tenant, and from where (for the audit trail).
#[derive(Debug, Clone)]
pub struct Scope {
    pub tenant: TenantId,
    pub actor: Actor,
    pub context: Option<Arc<ClientContext>>,
    /// Inside a [`Batch`]: audit entries wait here and are appended together
    /// just before the batch commits, in the same transaction.
    pub(crate) deferred_audit: Option<Arc<std::sync::Mutex<Vec<NewAuditEntry>>>>,
}

impl Scope {
    pub fn new(tenant: TenantId, actor: Actor) -> Self {
        Scope {
            tenant,
            actor,
            context: None,
            deferred_audit: None,
        }
    }

    pub fn with_context(mut self, context: Option<Arc<ClientContext>>) -> Self {
        self.context = context;
        self
    }
}

#[derive(Clone)]
pub struct Store {
    /// Reads; on PostgreSQL also writes.
    pool: AnyPool,
    /// Write transactions: on SQLite a pool of one connection.
    writer: AnyPool,
    backend: Backend,
    ids: Arc<IdGenerator>,
    /// The database file, on SQLite.
    sqlite_file: Option<std::path::PathBuf>,
    /// On SQLite, creates that arrive together share a commit.
    group_commit: Option<group_commit::GroupCommit>,
}

impl Store {
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// `SELECT 1`, for the health check.
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
        self.writer.close().await;
    }

    fn next_id(&self) -> i64 {
        self.ids.next()
    }
}
