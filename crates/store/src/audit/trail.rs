//! Reading the trail: per record (who saw or changed this), per user (what
//! this user accessed), per data subject (every record of one contact),
//! filtered by time and action, newest first, paged by chain position.

use crate::AuditTrail;
use crate::StoreError;
use custodian_core::audit::entry::AuditEntry;
use custodian_core::audit::{AuditAction, RecordType};
use custodian_core::time::Timestamp;
use custodian_core::{ContactId, TenantId, UserId};
use sqlx::Row;

/// Whose entries: one record, or every record of one data subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditSubject {
    /// Every record of one type.
    Type(RecordType),
    Record(RecordType, i64),
    /// The contact, the activities they take part in and their assets.
    Contact(ContactId),
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    pub subject: Option<AuditSubject>,
    /// Entries made by this user, in person or through their API tokens.
    pub actor: Option<UserId>,
    /// Only these actions; empty for all.
    pub actions: Vec<AuditAction>,
    pub from: Option<Timestamp>,
    pub until: Option<Timestamp>,
    /// The page after the entry at this chain position.
    pub before_seq: Option<i64>,
    pub limit: i64,
}

enum Param {
    Int(i64),
    Text(&'static str),
}

/// Entries `a` about one contact's records; `c` is the placeholder of the
/// contact id and `$1` the tenant's.
pub(crate) fn about_contact(c: &str) -> String {
    about_contacts(&format!("= {c}"))
}

/// Entries `a` about the records of the contacts `matched` (`= $2`,
/// `IN ($2, $3)`): the contact, the activities they take part in, their
/// assets, the tickets they raised and the messages on them, their own or
/// as part of a list. Written as index lookups by record, gathered into the
/// chain positions, so that no backend walks the tenant's trail (SQLite
/// plans without statistics).
pub(crate) fn about_contacts(matched: &str) -> String {
    let records = [
        ("contact", matched.to_string()),
        (
            "activity",
            format!("IN (SELECT l.activity_id FROM activity_contacts l WHERE l.tenant_id = $1 AND l.contact_id {matched})"),
        ),
        (
            "asset",
            format!("IN (SELECT l.asset_id FROM assets l WHERE l.tenant_id = $1 AND l.contact_id {matched})"),
        ),
        (
            "ticket",
            format!("IN (SELECT l.ticket_id FROM tickets l WHERE l.tenant_id = $1 AND l.contact_id {matched})"),
        ),
        (
            "portal_account",
            format!("IN (SELECT l.account_id FROM portal_accounts l WHERE l.tenant_id = $1 AND l.contact_id {matched})"),
        ),
        (
            "mail",
            format!("IN (SELECT l.mail_id FROM outbox l WHERE l.tenant_id = $1 AND l.contact_id {matched})"),
        ),
        (
            "ticket_attachment",
            format!("IN (SELECT l.attachment_id FROM ticket_attachments l WHERE l.tenant_id = $1 AND l.ticket_id IN (SELECT t.ticket_id FROM tickets t WHERE t.tenant_id = $1 AND t.contact_id {matched}))"),
        ),
        (
            "consent_event",
            format!("IN (SELECT l.event_id FROM consent_events l WHERE l.tenant_id = $1 AND l.contact_id {matched})"),
        ),
        (
            "subject_request",
            format!("IN (SELECT l.request_id FROM subject_requests l WHERE l.tenant_id = $1 AND l.contact_id {matched} UNION SELECT l.request_id FROM subject_request_contacts l WHERE l.tenant_id = $1 AND l.contact_id {matched})"),
        ),
        (
            "portal_registration",
            format!("IN (SELECT l.registration_id FROM portal_registrations l WHERE l.tenant_id = $1 AND l.contact_id {matched})"),
        ),
        (
            "ticket_message",
            format!("IN (SELECT l.message_id FROM ticket_messages l WHERE l.tenant_id = $1 AND l.ticket_id IN (SELECT t.ticket_id FROM tickets t WHERE t.tenant_id = $1 AND t.contact_id {matched}))"),
        ),
    ];
    let lookups: Vec<String> = ["audit_entries", "audit_entry_records"]
        .iter()
        .flat_map(|table| {
            records.iter().map(move |(record_type, ids)| {
                format!(
                    "SELECT x.seq FROM {table} x WHERE x.tenant_id = $1 AND x.record_type = '{record_type}' AND x.record_id {ids}"
                )
            })
        })
        .collect();
    format!("a.seq IN ({})", lookups.join(" UNION ALL "))
}

impl AuditTrail<'_> {
    /// Entries that match `query`, newest first.
    pub async fn entries(
        self,
        tenant: TenantId,
        query: &AuditQuery,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let mut params = vec![Param::Int(tenant.0)];
        let mut conditions = vec!["a.tenant_id = $1".to_string()];
        let next = |params: &mut Vec<Param>, value: Param| {
            params.push(value);
            format!("${}", params.len())
        };
        match query.subject {
            Some(AuditSubject::Type(record_type)) => {
                let t = next(&mut params, Param::Text(record_type.as_str()));
                conditions.push(format!("a.record_type = {t}"));
            }
            Some(AuditSubject::Record(record_type, id)) => {
                let t = next(&mut params, Param::Text(record_type.as_str()));
                let i = next(&mut params, Param::Int(id));
                // The record's own entries, and the lists it appeared in.
                conditions.push(format!(
                    "((a.record_type = {t} AND a.record_id = {i})
                      OR a.seq IN (SELECT r.seq FROM audit_entry_records r
                          WHERE r.tenant_id = $1 AND r.record_type = {t} AND r.record_id = {i}))"
                ));
            }
            Some(AuditSubject::Contact(contact)) => {
                let c = next(&mut params, Param::Int(contact.0));
                conditions.push(about_contact(&c));
            }
            None => {}
        }
        if let Some(user) = query.actor {
            let u = next(&mut params, Param::Int(user.0));
            conditions.push(format!(
                "((a.actor_kind = 'user' AND a.actor_id = {u})
                  OR (a.actor_kind = 'api_token' AND a.actor_id IN
                      (SELECT token_id FROM api_tokens WHERE tenant_id = $1 AND user_id = {u})))"
            ));
        }
        if !query.actions.is_empty() {
            let names: Vec<String> = query
                .actions
                .iter()
                .map(|action| next(&mut params, Param::Text(action.as_str())))
                .collect();
            conditions.push(format!("a.action IN ({})", names.join(", ")));
        }
        if let Some(from) = query.from {
            let f = next(&mut params, Param::Int(from.0));
            conditions.push(format!("a.occurred_at >= {f}"));
        }
        if let Some(until) = query.until {
            let u = next(&mut params, Param::Int(until.0));
            conditions.push(format!("a.occurred_at < {u}"));
        }
        if let Some(before) = query.before_seq {
            let b = next(&mut params, Param::Int(before));
            conditions.push(format!("a.seq < {b}"));
        }
        let limit = next(&mut params, Param::Int(query.limit));
        let sql = format!(
            "SELECT a.seq, a.audit_id, a.occurred_at, a.actor_kind, a.actor_id, a.action, a.record_type,
                    a.record_id, a.fields, a.source_ip, a.user_agent, a.reason, a.record_ids,
                    COALESCE(u.display_name, tu.display_name, pc.first_name || ' ' || pc.last_name) AS actor_name,
                    COALESCE(u.user_id, tu.user_id) AS actor_user_id
             FROM audit_entries a
             LEFT JOIN users u ON a.actor_kind = 'user' AND u.tenant_id = a.tenant_id AND u.user_id = a.actor_id
             LEFT JOIN api_tokens t ON a.actor_kind = 'api_token' AND t.tenant_id = a.tenant_id AND t.token_id = a.actor_id
             LEFT JOIN users tu ON tu.tenant_id = t.tenant_id AND tu.user_id = t.user_id
             LEFT JOIN contacts pc ON a.actor_kind = 'contact' AND pc.tenant_id = a.tenant_id AND pc.contact_id = a.actor_id
             WHERE {}
             ORDER BY a.seq DESC LIMIT {limit}",
            conditions.join(" AND ")
        );
        let mut statement = sqlx::query(&sql);
        for param in params {
            statement = match param {
                Param::Int(value) => statement.bind(value),
                Param::Text(value) => statement.bind(value),
            };
        }
        let mut tx = self.read_one(tenant).await?;
        let rows = statement.fetch_all(&mut *tx).await?;
        tx.commit().await?;
        rows.iter()
            .map(|row| {
                let fields: String = row.try_get("fields")?;
                let record_ids: Option<String> = row.try_get("record_ids")?;
                Ok(AuditEntry {
                    seq: row.try_get("seq")?,
                    audit_id: row.try_get("audit_id")?,
                    occurred_at: Timestamp(row.try_get("occurred_at")?),
                    actor_kind: row.try_get("actor_kind")?,
                    actor_id: row.try_get("actor_id")?,
                    action: row.try_get("action")?,
                    record_type: row.try_get("record_type")?,
                    record_id: row.try_get("record_id")?,
                    fields: fields
                        .split(',')
                        .filter(|f| !f.is_empty())
                        .map(str::to_string)
                        .collect(),
                    actor_name: row.try_get("actor_name")?,
                    actor_user_id: row.try_get("actor_user_id")?,
                    source_ip: row.try_get("source_ip")?,
                    user_agent: row.try_get("user_agent")?,
                    reason: row.try_get("reason")?,
                    record_ids: record_ids
                        .as_deref()
                        .unwrap_or("")
                        .split(',')
                        .filter_map(|id| id.parse().ok())
                        .collect(),
                })
            })
            .collect()
    }

    /// The newest changes (not reads) of one record: its history.
    pub async fn audit_of_record(
        self,
        tenant: TenantId,
        record_type: RecordType,
        record_id: i64,
        limit: i64,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        self.entries(
            tenant,
            &AuditQuery {
                subject: Some(AuditSubject::Record(record_type, record_id)),
                actions: vec![
                    AuditAction::Create,
                    AuditAction::Update,
                    AuditAction::Delete,
                ],
                limit,
                ..AuditQuery::default()
            },
        )
        .await
    }
}
