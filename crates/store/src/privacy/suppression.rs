//! The suppression list: keyed hashes of erased people's emails and phone
//! numbers, and the tenant's key for them (made on first use).

use crate::statement::Bindable;
use crate::Privacy;
use crate::StoreError;
use custodian_core::hex::{from_hex, to_hex};
use custodian_core::privacy::suppression::{suppression_digest, IdentifierKind};
use custodian_core::time::Timestamp;
use custodian_core::{SubjectRequestId, TenantId};
use sqlx::AnyConnection;

pub(crate) async fn suppression_key(
    conn: &mut AnyConnection,
    tenant: TenantId,
) -> Result<Vec<u8>, StoreError> {
    let stored: Option<String> =
        sqlx::query_scalar("SELECT suppression_key FROM tenants WHERE tenant_id = $1")
            .bind(tenant.0)
            .fetch_optional(&mut *conn)
            .await?
            .flatten();
    if let Some(key) = stored.as_deref().and_then(from_hex) {
        return Ok(key);
    }
    let mut key = vec![0u8; 32];
    getrandom::getrandom(&mut key).map_err(|_| StoreError::Corrupt("no randomness for a key"))?;
    sqlx::query("UPDATE tenants SET suppression_key = $1 WHERE tenant_id = $2")
        .bind_all((to_hex(&key), tenant.0))
        .execute(&mut *conn)
        .await?;
    Ok(key)
}

/// Adds the identifiers to the list inside the caller's transaction;
/// returns how many entries are new.
pub(crate) async fn add_suppressions(
    conn: &mut AnyConnection,
    tenant: TenantId,
    request: SubjectRequestId,
    identifiers: &[(IdentifierKind, String)],
) -> Result<u64, StoreError> {
    if identifiers.is_empty() {
        return Ok(0);
    }
    let key = suppression_key(&mut *conn, tenant).await?;
    let now = Timestamp::now().0;
    let mut added = 0;
    for (kind, value) in identifiers {
        let Some(digest) = suppression_digest(&key, *kind, value) else {
            continue;
        };
        added += sqlx::query(
            "INSERT INTO suppressions (tenant_id, kind, digest, request_id, created_at)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
        )
        .bind_all((tenant.0, kind.as_str(), digest, request.0, now))
        .execute(&mut *conn)
        .await?
        .rows_affected();
    }
    Ok(added)
}

impl Privacy<'_> {
    /// Which of these identifiers belong to a person erased before.
    pub async fn suppressed(
        self,
        tenant: TenantId,
        identifiers: &[(IdentifierKind, String)],
    ) -> Result<Vec<(IdentifierKind, String)>, StoreError> {
        if identifiers.is_empty() {
            return Ok(Vec::new());
        }
        let mut tx = self.begin_read(tenant).await?;
        let key: Option<String> =
            sqlx::query_scalar("SELECT suppression_key FROM tenants WHERE tenant_id = $1")
                .bind(tenant.0)
                .fetch_optional(&mut *tx)
                .await?
                .flatten();
        let Some(key) = key.as_deref().and_then(from_hex) else {
            tx.commit().await?;
            return Ok(Vec::new());
        };
        let mut found = Vec::new();
        for (kind, value) in identifiers {
            let Some(digest) = suppression_digest(&key, *kind, value) else {
                continue;
            };
            let hit: Option<String> = sqlx::query_scalar(
                "SELECT kind FROM suppressions WHERE tenant_id = $1 AND kind = $2 AND digest = $3",
            )
            .bind_all((tenant.0, kind.as_str(), digest))
            .fetch_optional(&mut *tx)
            .await?;
            if hit.is_some() {
                found.push((*kind, value.clone()));
            }
        }
        tx.commit().await?;
        Ok(found)
    }
}
