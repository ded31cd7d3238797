//! `custodian admin tenant close` and `closure`: offboarding a tenant at
//! the end of its contract, and reading back the counts it kept.

use crate::{report, CliError, Database};
use custodian_app::App;
use custodian_core::offboarding::TenantClosure;
use custodian_core::Refusal;
use custodian_core::TenantId;
use serde_json::json;

pub(crate) async fn close(
    database: Database,
    tenant: i64,
    confirm: bool,
    json: bool,
) -> Result<(), CliError> {
    if !confirm {
        return Err(format!(
            "closing tenant {tenant} removes every personal value it holds and cannot be undone; \
             run `custodian retention plan --tenant {tenant}` to see what it holds, then add --confirm"
        )
        .into());
    }
    let app = App::open(&database.url).await?;
    let closure = app
        .close_tenant(TenantId(tenant))
        .await
        .map_err(|error| match error {
            custodian_app::AppError::Refused(Refusal::NotFound) => {
                format!("there is no tenant {tenant}").into()
            }
            other => CliError::from(other),
        })?;
    let clean = closure.scan.is_clean();
    report(
        json,
        serde_json::to_value(&closure).unwrap_or_else(|_| json!({"tenant_id": tenant})),
        human(&closure),
    );
    if clean {
        Ok(())
    } else {
        Err("the verification scan found something of the tenant left (listed above)".into())
    }
}

pub(crate) async fn closure(database: Database, tenant: i64, json: bool) -> Result<(), CliError> {
    let app = App::open(&database.url).await?;
    let counts = app.closure_counts(TenantId(tenant)).await?;
    let mut lines = vec![format!(
        "tenant {tenant} was closed at {}",
        counts.closed_at.to_rfc3339()
    )];
    for record in &counts.records {
        lines.push(format!("  {}: {}", record.record_type, record.total));
    }
    report(
        json,
        serde_json::to_value(&counts).unwrap_or_default(),
        lines.join("\n"),
    );
    Ok(())
}

fn human(closure: &TenantClosure) -> String {
    let mut lines = vec![format!(
        "closed tenant {}; kept these counts:",
        closure.tenant_id
    )];
    for record in &closure.counts.records {
        let months = match record.by_month.len() {
            1 => "1 month".to_string(),
            n => format!("{n} months"),
        };
        lines.push(format!(
            "  {}: {} ({months})",
            record.record_type, record.total
        ));
    }
    let removed: u64 = closure.removed.values().sum();
    let emptied: u64 = closure.emptied.values().sum();
    lines.push(format!(
        "removed {removed} rows; emptied the personal columns of {emptied} audit rows, whose chain stays verifiable"
    ));
    let scan = &closure.scan;
    lines.push(format!(
        "verification: {} tables, {} former values{}, {} bytes of the database file searched",
        scan.tables_checked,
        scan.values_checked,
        if scan.values_not_checked > 0 {
            format!(" ({} more not looked for)", scan.values_not_checked)
        } else {
            String::new()
        },
        scan.file_bytes_searched
    ));
    if scan.is_clean() {
        lines.push("verification: nothing of the tenant was found".into());
    }
    for leftover in &scan.leftovers {
        lines.push(format!(
            "LEFT OVER: {} ({})",
            leftover.place, leftover.found
        ));
    }
    lines.join("\n")
}
