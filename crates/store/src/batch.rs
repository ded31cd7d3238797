//! Many creates in one transaction, for bulk loads (`custodian admin
//! generate`, imports). Each record is written exactly as a single create
//! writes it — row, search entry, audit entry — only the commit is shared,
//! and the audit entries are appended to the chain together before it.

use crate::{NewRecord, Scope, Store, StoreError};
use custodian_core::activities::ActivityFields;
use custodian_core::helpdesk::TicketFields;
use custodian_core::{ActivityId, TicketId, UserId};
use sqlx::{Any, Transaction};

pub struct Batch<'s> {
    store: &'s Store,
    scope: Scope,
    tx: Transaction<'static, Any>,
}

impl Store {
    /// Refreshes the planner's statistics. A bulk load grows tables by orders
    /// of magnitude within minutes; PostgreSQL's cached plans, made when a
    /// table was nearly empty, can then scan a whole tenant per statement
    /// (seen: 400 instead of 2,700 records/s). SQLite plans without them.
    pub async fn refresh_statistics(&self) -> Result<(), StoreError> {
        if self.backend == crate::Backend::Postgres {
            sqlx::raw_sql("ANALYZE").execute(&self.pool).await?;
        }
        Ok(())
    }

    pub async fn begin_batch(&self, scope: &Scope) -> Result<Batch<'_>, StoreError> {
        let mut scope = scope.clone();
        scope.deferred_audit = Some(Default::default());
        Ok(Batch {
            store: self,
            tx: self.begin(scope.tenant).await?,
            scope,
        })
    }
}

impl Batch<'_> {
    /// Creates an organisation, contact, asset or agreement.
    pub async fn create<R: NewRecord>(&mut self, fields: &R::Fields) -> Result<R::Id, StoreError> {
        let scope = self.scope.clone();
        self.store
            .insert_record::<R>(&mut self.tx, &scope, fields)
            .await
    }

    pub async fn create_activity(
        &mut self,
        author: Option<UserId>,
        fields: &ActivityFields,
    ) -> Result<ActivityId, StoreError> {
        let scope = self.scope.clone();
        self.store
            .insert_activity(&mut self.tx, &scope, author, fields)
            .await
    }

    pub async fn create_ticket(
        &mut self,
        created_by: Option<UserId>,
        fields: &TicketFields,
    ) -> Result<TicketId, StoreError> {
        let scope = self.scope.clone();
        self.store
            .insert_ticket(&mut self.tx, &scope, created_by, fields)
            .await
    }

    pub async fn commit(mut self) -> Result<(), StoreError> {
        let entries = match &self.scope.deferred_audit {
            Some(deferred) => std::mem::take(
                &mut *deferred
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner()),
            ),
            None => Vec::new(),
        };
        self.store
            .append_audit(&mut self.tx, self.scope.tenant, &entries)
            .await?;
        self.tx.commit().await?;
        Ok(())
    }
}
