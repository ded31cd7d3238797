//! One implementation of creating, reading, updating and deleting a CRM
//! record, for every record type: a type describes its table and the few steps that
//! are its own (`StoredRecord`), and `store.records::<Contact>()` (a
//! [`Records`] handle) creates, reads, updates and deletes any of them the
//! same way: the tenant-scoped lookup, the version check, the audit entry
//! naming the fields, and the transaction around them.

use crate::rows::bump_version;
use crate::statement::Bindable;
use crate::{Scope, Store, StoreError};
use custodian_core::audit::{changed_fields, AuditAction, RecordType};
use custodian_core::time::Timestamp;
use custodian_core::TenantId;
use sqlx::{Any, AnyConnection, Transaction};
use std::future::Future;
use std::marker::PhantomData;

/// Field names and values as the audit trail compares them.
pub type FieldValues = Vec<(&'static str, String)>;

/// A record type kept in one table keyed by `(tenant_id, ID_COLUMN)`.
pub trait StoredRecord: Sized + Send {
    /// The record's id type (`ContactId`, …).
    type Id: Copy + Into<i64> + From<i64> + Send + Sync;
    /// The validated fields a create or an update writes.
    type Fields: Sync;
    const TABLE: &'static str;
    const ID_COLUMN: &'static str;
    const RECORD_TYPE: RecordType;

    /// The record as stored, or `NotFound` outside the tenant.
    fn load(
        conn: &mut AnyConnection,
        tenant: TenantId,
        id: i64,
    ) -> impl Future<Output = Result<Self, StoreError>> + Send;

    /// Writes `fields` over the record read as `before` (its version is
    /// already raised) and returns the values as written, which may differ
    /// from `fields` where the store completes them (an organisation found
    /// from a contact, a publication time kept).
    fn write(
        conn: &mut AnyConnection,
        tenant: TenantId,
        id: i64,
        before: &Self,
        fields: &Self::Fields,
        now: Timestamp,
    ) -> impl Future<Output = Result<FieldValues, StoreError>> + Send;

    /// The stored record's values, to compare with what an update wrote
    /// from `fields`.
    fn values_before(&self, fields: &Self::Fields) -> FieldValues;

    /// Runs before the record is read for an update (a row lock).
    fn before_update(
        _conn: &mut AnyConnection,
        _tenant: TenantId,
        _id: i64,
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        async { Ok(()) }
    }

    /// What goes or is unlinked with the record, before its row is deleted.
    fn delete_dependents(
        _conn: &mut AnyConnection,
        _tenant: TenantId,
        _id: i64,
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        async { Ok(()) }
    }
}

/// A record type whose creation is the same shape as the others': a row
/// with what its table requires, then its fields, then the audit entry
/// (`Store::create_record`). Types that create more at once (an activity's
/// links, a ticket's first message) keep their own create.
pub trait NewRecord: StoredRecord {
    /// Inserts a new record's row with what its table requires (version 1,
    /// created now); `write_new` then writes its fields.
    fn insert_row(
        conn: &mut AnyConnection,
        tenant: TenantId,
        id: i64,
        fields: &Self::Fields,
        now: Timestamp,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Writes a new record's fields over its inserted row; the names of the
    /// fields written, for the audit entry.
    fn write_new(
        conn: &mut AnyConnection,
        tenant: TenantId,
        id: i64,
        fields: &Self::Fields,
    ) -> impl Future<Output = Result<Vec<&'static str>, StoreError>> + Send;
}

/// The steps most record types share: `load` with the module's
/// `load(conn, tenant, TypedId)`, `write` with its
/// `write_fields(conn, tenant, TypedId, fields)` writing the fields as given,
/// and `values_before` from the stored record validated again. Expands
/// inside an `impl StoredRecord for …` block, where those module functions
/// are in scope.
macro_rules! plain_record_steps {
    ($id:ident, $fields:ty) => {
        async fn load(
            conn: &mut sqlx::AnyConnection,
            tenant: custodian_core::TenantId,
            id: i64,
        ) -> Result<Self, $crate::StoreError> {
            load(conn, tenant, $id(id)).await
        }

        async fn write(
            conn: &mut sqlx::AnyConnection,
            tenant: custodian_core::TenantId,
            id: i64,
            _before: &Self,
            fields: &$fields,
            _now: custodian_core::time::Timestamp,
        ) -> Result<$crate::stored::FieldValues, $crate::StoreError> {
            write_fields(conn, tenant, $id(id), fields).await?;
            Ok(fields.field_values())
        }

        fn values_before(&self, _fields: &$fields) -> $crate::stored::FieldValues {
            self.to_input()
                .validate()
                .map(|f| f.field_values())
                .unwrap_or_default()
        }
    };
}
pub(crate) use plain_record_steps;

/// `NewRecord::write_new` with the module's `write_fields(conn, tenant,
/// TypedId, fields)`, inside an `impl NewRecord for …` block.
macro_rules! plain_new_fields {
    ($id:ident, $fields:ty) => {
        async fn write_new(
            conn: &mut sqlx::AnyConnection,
            tenant: custodian_core::TenantId,
            id: i64,
            fields: &$fields,
        ) -> Result<Vec<&'static str>, $crate::StoreError> {
            write_fields(conn, tenant, $id(id), fields).await?;
            Ok(fields
                .field_values()
                .iter()
                .map(|(name, _)| *name)
                .collect())
        }
    };
}
pub(crate) use plain_new_fields;

/// Creating, reading, updating and deleting records of one type:
/// `store.records::<Contact>().get(tenant, id)`.
pub struct Records<'s, R> {
    store: &'s Store,
    record: PhantomData<fn() -> R>,
}

impl Store {
    pub fn records<R: StoredRecord>(&self) -> Records<'_, R> {
        Records {
            store: self,
            record: PhantomData,
        }
    }
}

impl<R: NewRecord> Records<'_, R> {
    /// Creates a record: its row, its fields and the audit entry, in one
    /// transaction; the record as stored.
    pub async fn create(&self, scope: &Scope, fields: &R::Fields) -> Result<R, StoreError> {
        self.store.create_record(scope, fields).await
    }
}

impl<R: StoredRecord> Records<'_, R> {
    pub async fn get(&self, tenant: TenantId, id: R::Id) -> Result<R, StoreError> {
        self.store.read_record(tenant, id.into()).await
    }

    /// Replaces the record's fields if it is still at `expected_version`
    /// (any version when None), with an audit entry naming what changed.
    pub async fn update(
        &self,
        scope: &Scope,
        id: R::Id,
        expected_version: Option<i64>,
        fields: &R::Fields,
    ) -> Result<R, StoreError> {
        self.store
            .update_record(scope, id.into(), expected_version, fields)
            .await
    }

    /// Deletes the record and what is its own, with an audit entry.
    pub async fn delete(&self, scope: &Scope, id: R::Id) -> Result<(), StoreError> {
        self.store.delete_record::<R>(scope, id.into()).await
    }
}

impl Store {
    pub(crate) async fn create_record<R: NewRecord>(
        &self,
        scope: &Scope,
        fields: &R::Fields,
    ) -> Result<R, StoreError> {
        let mut tx = self.begin(scope.tenant).await?;
        let id = self.insert_record::<R>(&mut tx, scope, fields).await?;
        let record = R::load(&mut tx, scope.tenant, id.into()).await?;
        tx.commit().await?;
        Ok(record)
    }

    /// Writes a new record with its audit entry inside `tx`; its id.
    pub(crate) async fn insert_record<R: NewRecord>(
        &self,
        tx: &mut Transaction<'static, Any>,
        scope: &Scope,
        fields: &R::Fields,
    ) -> Result<R::Id, StoreError> {
        let id = self.next_id();
        self.insert_record_as::<R>(tx, scope, id, fields).await?;
        Ok(R::Id::from(id))
    }

    /// [`Store::insert_record`] under an id chosen before (a person
    /// registering is the actor of their own new contact).
    pub(crate) async fn insert_record_as<R: NewRecord>(
        &self,
        tx: &mut Transaction<'static, Any>,
        scope: &Scope,
        id: i64,
        fields: &R::Fields,
    ) -> Result<(), StoreError> {
        R::insert_row(tx, scope.tenant, id, fields, Timestamp::now()).await?;
        let names = R::write_new(tx, scope.tenant, id, fields).await?;
        self.audit(tx, scope, AuditAction::Create, R::RECORD_TYPE, id, &names)
            .await
    }

    pub(crate) async fn read_record<R: StoredRecord>(
        &self,
        tenant: TenantId,
        id: i64,
    ) -> Result<R, StoreError> {
        let mut tx = self.read_one(tenant).await?;
        let record = R::load(&mut tx, tenant, id).await?;
        tx.commit().await?;
        Ok(record)
    }

    pub(crate) async fn update_record<R: StoredRecord>(
        &self,
        scope: &Scope,
        id: i64,
        expected_version: Option<i64>,
        fields: &R::Fields,
    ) -> Result<R, StoreError> {
        let mut tx = self.begin(scope.tenant).await?;
        R::before_update(&mut tx, scope.tenant, id).await?;
        let before = R::load(&mut tx, scope.tenant, id).await?;
        let now = Timestamp::now();
        bump_version(
            &mut tx,
            R::TABLE,
            R::ID_COLUMN,
            scope.tenant.0,
            id,
            expected_version,
            now.0,
        )
        .await?;
        let after = R::write(&mut tx, scope.tenant, id, &before, fields, now).await?;
        let changed = changed_fields(&before.values_before(fields), &after);
        self.audit(
            &mut tx,
            scope,
            AuditAction::Update,
            R::RECORD_TYPE,
            id,
            &changed,
        )
        .await?;
        let record = R::load(&mut tx, scope.tenant, id).await?;
        tx.commit().await?;
        Ok(record)
    }

    pub(crate) async fn delete_record<R: StoredRecord>(
        &self,
        scope: &Scope,
        id: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin(scope.tenant).await?;
        R::load(&mut tx, scope.tenant, id).await?;
        R::delete_dependents(&mut tx, scope.tenant, id).await?;
        sqlx::query(&format!(
            "DELETE FROM {} WHERE tenant_id = $1 AND {} = $2",
            R::TABLE,
            R::ID_COLUMN
        ))
        .bind_all((scope.tenant.0, id))
        .execute(&mut *tx)
        .await?;
        self.audit(&mut tx, scope, AuditAction::Delete, R::RECORD_TYPE, id, &[])
            .await?;
        tx.commit().await?;
        Ok(())
    }
}
