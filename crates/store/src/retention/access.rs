//! The last access of a record, kept without a write on every read: one
//! row per record holding the day it was last read, written at most once
//! per record and day (the reads writer also remembers what it wrote today).

use crate::statement::Bindable;
use crate::Retention;
use crate::StoreError;
use custodian_core::audit::RecordType;
use custodian_core::TenantId;

impl Retention<'_> {
    /// Notes that the records were read on `day` (the day's first instant,
    /// in milliseconds). A row already at that day is not written again.
    pub async fn touch_access(
        self,
        tenant: TenantId,
        records: &[(RecordType, i64)],
        day: i64,
    ) -> Result<u64, StoreError> {
        if records.is_empty() {
            return Ok(0);
        }
        let mut tx = self.begin(tenant).await?;
        let mut written = 0;
        for (record_type, id) in records {
            written += sqlx::query(
                "INSERT INTO record_access (tenant_id, record_type, record_id, accessed_on)
                 VALUES ($1, $2, $3, $4)
                 ON CONFLICT (tenant_id, record_type, record_id)
                 DO UPDATE SET accessed_on = excluded.accessed_on
                 WHERE record_access.accessed_on < excluded.accessed_on",
            )
            .bind_all((tenant.0, record_type.as_str(), *id, day))
            .execute(&mut *tx)
            .await?
            .rows_affected();
        }
        tx.commit().await?;
        Ok(written)
    }

    /// The day a record was last read, if it ever was since tracking began.
    pub async fn last_access(
        self,
        tenant: TenantId,
        record_type: RecordType,
        id: i64,
    ) -> Result<Option<i64>, StoreError> {
        let mut tx = self.read_one(tenant).await?;
        let day: Option<i64> = sqlx::query_scalar(
            "SELECT accessed_on FROM record_access WHERE tenant_id = $1 AND record_type = $2 AND record_id = $3",
        )
        .bind_all((tenant.0, record_type.as_str(), id))
        .fetch_optional(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(day)
    }
}
