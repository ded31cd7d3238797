//! Tenant offboarding, an operator's act (`custodian admin tenant close`):
//! every personal value of the tenant goes, the aggregate counts stay, and
//! a scan afterwards says whether anything was left.

use crate::{App, AppError};
use custodian_core::offboarding::{ClosureCounts, TenantClosure};
use custodian_core::TenantId;

impl App {
    pub async fn close_tenant(&self, tenant: TenantId) -> Result<TenantClosure, AppError> {
        // Reads still waiting to be written (their audit entries and last
        // accesses) land before the closing, not after it.
        self.audit().flush_audit().await;
        Ok(self.store.close_tenant(tenant).await?)
    }

    /// What a closed tenant kept.
    pub async fn closure_counts(&self, tenant: TenantId) -> Result<ClosureCounts, AppError> {
        Ok(self.store.closure_counts(tenant).await?)
    }
}
