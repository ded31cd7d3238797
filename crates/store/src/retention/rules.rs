//! Retention rules and the tenant's contract end: storage and audit. A new
//! tenant starts with `custodian_core::retention::defaults`; tenants that
//! existed before retention did get them with only the review rules on, so
//! that an upgrade never deletes anything by itself.

use crate::statement::Bindable;
use crate::Retention;
use crate::{Scope, Store, StoreError};
use custodian_core::activities::ActivityKind;
use custodian_core::audit::{AuditAction, RecordType};
use custodian_core::retention::{
    defaults, Period, RetainedType, RetentionAction, RetentionRule, RetentionTrigger, RuleFields,
};
use custodian_core::time::{CalendarDate, Timestamp};
use custodian_core::{Refusal, RetentionRuleId, TenantId};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

const COLUMNS: &str =
    "rule_id, record_type, starts_from, period, action, activity_kind, description, enabled";

fn from_row(row: &AnyRow) -> Result<RetentionRule, StoreError> {
    let text = |name: &str| row.try_get::<String, _>(name);
    let kind: Option<String> = row.try_get("activity_kind")?;
    Ok(RetentionRule {
        id: RetentionRuleId(row.try_get("rule_id")?),
        record_type: RetainedType::parse(&text("record_type")?).ok_or(StoreError::Corrupt(
            "a retention rule of an unknown record type",
        ))?,
        trigger: RetentionTrigger::parse(&text("starts_from")?).ok_or(StoreError::Corrupt(
            "a retention rule with an unknown trigger",
        ))?,
        period: Period::parse(&text("period")?)
            .map_err(|_| StoreError::Corrupt("a retention rule with an unreadable period"))?,
        action: RetentionAction::parse(&text("action")?).ok_or(StoreError::Corrupt(
            "a retention rule with an unknown action",
        ))?,
        activity_kind: kind.as_deref().and_then(|k| ActivityKind::parse(k).ok()),
        description: text("description")?,
        enabled: row.try_get::<i64, _>("enabled")? != 0,
    })
}

async fn insert(
    conn: &mut AnyConnection,
    tenant: TenantId,
    id: RetentionRuleId,
    fields: &RuleFields,
) -> Result<(), StoreError> {
    let now = Timestamp::now().0;
    sqlx::query(
        "INSERT INTO retention_rules (tenant_id, rule_id, record_type, starts_from, period, action,
                                      activity_kind, description, enabled, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)",
    )
    .bind_all((
        tenant.0,
        id.0,
        fields.record_type.as_str(),
        fields.trigger.as_str(),
        fields.period.to_iso(),
        fields.action.as_str(),
        fields.activity_kind.map(|k| k.as_str()),
        &fields.description,
        i64::from(fields.enabled),
        now,
    ))
    .execute(conn)
    .await?;
    Ok(())
}

pub(crate) async fn backfill_default_rules(
    store: &Store,
    conn: &mut AnyConnection,
) -> Result<(), StoreError> {
    let tenants: Vec<i64> = sqlx::query_scalar("SELECT tenant_id FROM tenants ORDER BY tenant_id")
        .fetch_all(&mut *conn)
        .await?;
    for tenant in tenants {
        for mut fields in defaults() {
            fields.enabled = fields.action == RetentionAction::Review;
            insert(
                &mut *conn,
                TenantId(tenant),
                RetentionRuleId(store.next_id()),
                &fields,
            )
            .await?;
        }
    }
    Ok(())
}

impl Store {
    pub(crate) async fn seed_default_rules(
        &self,
        conn: &mut AnyConnection,
        tenant: TenantId,
    ) -> Result<(), StoreError> {
        for fields in defaults() {
            insert(&mut *conn, tenant, RetentionRuleId(self.next_id()), &fields).await?;
        }
        Ok(())
    }
}

impl Retention<'_> {
    /// The tenant's rules: by record type, then trigger, then period.
    pub async fn retention_rules(self, tenant: TenantId) -> Result<Vec<RetentionRule>, StoreError> {
        let mut tx = self.read_one(tenant).await?;
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM retention_rules WHERE tenant_id = $1 ORDER BY rule_id"
        ))
        .bind(tenant.0)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        let mut rules = rows.iter().map(from_row).collect::<Result<Vec<_>, _>>()?;
        rules.sort_by_key(|r| (r.record_type.as_str(), r.trigger.as_str(), r.period, r.id));
        Ok(rules)
    }

    pub async fn retention_rule(
        self,
        tenant: TenantId,
        id: RetentionRuleId,
    ) -> Result<RetentionRule, StoreError> {
        self.retention_rules(tenant)
            .await?
            .into_iter()
            .find(|r| r.id == id)
            .ok_or(StoreError::Refused(Refusal::NotFound))
    }

    pub async fn create_retention_rule(
        self,
        scope: &Scope,
        fields: &RuleFields,
    ) -> Result<RetentionRule, StoreError> {
        let id = self.next_id();
        let mut tx = self.begin(scope.tenant).await?;
        insert(&mut tx, scope.tenant, RetentionRuleId(id), fields).await?;
        self.audit(
            &mut tx,
            scope,
            AuditAction::Create,
            RecordType::RetentionRule,
            id,
            &[],
        )
        .await?;
        tx.commit().await?;
        self.retention_rule(scope.tenant, RetentionRuleId(id)).await
    }

    pub async fn update_retention_rule(
        self,
        scope: &Scope,
        id: RetentionRuleId,
        fields: &RuleFields,
    ) -> Result<RetentionRule, StoreError> {
        let mut tx = self.begin(scope.tenant).await?;
        let changed = sqlx::query(
            "UPDATE retention_rules SET record_type = $3, starts_from = $4, period = $5, action = $6,
                    activity_kind = $7, description = $8, enabled = $9, updated_at = $10
             WHERE tenant_id = $1 AND rule_id = $2",
        )
        .bind_all((scope.tenant.0, id.0, fields.record_type.as_str(), fields.trigger.as_str(), fields.period.to_iso(), fields.action.as_str(), fields.activity_kind.map(|k| k.as_str()), &fields.description, i64::from(fields.enabled), Timestamp::now().0))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(StoreError::Refused(Refusal::NotFound));
        }
        self.audit(
            &mut tx,
            scope,
            AuditAction::Update,
            RecordType::RetentionRule,
            id.0,
            &[
                "record_type",
                "starts_from",
                "period",
                "action",
                "activity_kind",
                "description",
                "enabled",
            ],
        )
        .await?;
        tx.commit().await?;
        self.retention_rule(scope.tenant, id).await
    }

    pub async fn delete_retention_rule(
        self,
        scope: &Scope,
        id: RetentionRuleId,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin(scope.tenant).await?;
        let deleted =
            sqlx::query("DELETE FROM retention_rules WHERE tenant_id = $1 AND rule_id = $2")
                .bind_all((scope.tenant.0, id.0))
                .execute(&mut *tx)
                .await?
                .rows_affected();
        if deleted == 0 {
            return Err(StoreError::Refused(Refusal::NotFound));
        }
        self.audit(
            &mut tx,
            scope,
            AuditAction::Delete,
            RecordType::RetentionRule,
            id.0,
            &[],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The day the tenant's contract with the operator ends, if known.
    pub async fn contract_end(self, tenant: TenantId) -> Result<Option<CalendarDate>, StoreError> {
        let mut tx = self.read_one(tenant).await?;
        let end: Option<String> =
            sqlx::query_scalar("SELECT contract_ends_on FROM tenants WHERE tenant_id = $1")
                .bind(tenant.0)
                .fetch_optional(&mut *tx)
                .await?
                .flatten();
        tx.commit().await?;
        Ok(end.as_deref().and_then(CalendarDate::parse))
    }

    pub async fn set_contract_end(
        self,
        scope: &Scope,
        end: Option<CalendarDate>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin(scope.tenant).await?;
        sqlx::query("UPDATE tenants SET contract_ends_on = $2 WHERE tenant_id = $1")
            .bind_all((scope.tenant.0, end.map(|d| d.to_iso())))
            .execute(&mut *tx)
            .await?;
        self.audit(
            &mut tx,
            scope,
            AuditAction::Update,
            RecordType::Tenant,
            scope.tenant.0,
            &["contract_ends_on"],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
