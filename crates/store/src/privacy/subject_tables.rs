//! Where a contact's personal data lives: for every table with a column the
//! catalog says is a contact's, how to find the rows of given contacts.
//! Export and erasure both walk this list, in this order, which is also the
//! order erasure needs (free text is redacted while the links that find it
//! still exist; rows that others point to go last).

use custodian_core::audit::RecordType;

pub(crate) struct SubjectTable {
    pub(crate) table: &'static str,
    /// The column that names one row, for row-by-row rewrites.
    pub(crate) key: &'static str,
    /// The subject's rows, inside the tenant (`$1`); `{contacts}` stands
    /// for the list of contact ids.
    pub(crate) rows: &'static str,
    /// The record type and id column the audit entries of a change name.
    pub(crate) audited_as: Option<(RecordType, &'static str)>,
    /// Of the subject's rows, those about the subject alone, which erasure
    /// deletes whole whatever the column strategies say (an activity with
    /// no other contact is a note about this person); the others follow
    /// the strategies. Placeholders as in `rows`.
    pub(crate) owned: Option<&'static str>,
}

pub(crate) const SUBJECT_TABLES: &[SubjectTable] = &[
    SubjectTable {
        table: "contacts",
        key: "contact_id",
        rows: "contact_id IN ({contacts})",
        audited_as: Some((RecordType::Contact, "contact_id")),
        owned: None,
    },
    SubjectTable {
        table: "activities",
        key: "activity_id",
        rows: "activity_id IN (SELECT activity_id FROM activity_contacts WHERE tenant_id = $1 AND contact_id IN ({contacts}))",
        audited_as: Some((RecordType::Activity, "activity_id")),
        owned: Some(
            "NOT EXISTS (SELECT 1 FROM activity_contacts o WHERE o.tenant_id = $1
                 AND o.activity_id = activities.activity_id AND o.contact_id NOT IN ({contacts}))",
        ),
    },
    SubjectTable {
        table: "activity_contacts",
        key: "activity_id",
        rows: "contact_id IN ({contacts})",
        audited_as: None,
        owned: None,
    },
    SubjectTable {
        table: "assets",
        key: "asset_id",
        rows: "contact_id IN ({contacts})",
        audited_as: Some((RecordType::Asset, "asset_id")),
        owned: None,
    },
    SubjectTable {
        table: "subject_requests",
        key: "request_id",
        rows: "request_id IN (SELECT request_id FROM subject_requests WHERE tenant_id = $1 AND contact_id IN ({contacts})
             UNION SELECT request_id FROM subject_request_contacts WHERE tenant_id = $1 AND contact_id IN ({contacts}))",
        audited_as: Some((RecordType::SubjectRequest, "request_id")),
        owned: None,
    },
    SubjectTable {
        table: "subject_request_events",
        key: "event_id",
        rows: "request_id IN (SELECT request_id FROM subject_requests WHERE tenant_id = $1 AND contact_id IN ({contacts})
             UNION SELECT request_id FROM subject_request_contacts WHERE tenant_id = $1 AND contact_id IN ({contacts}))",
        audited_as: Some((RecordType::SubjectRequest, "request_id")),
        owned: None,
    },
    SubjectTable {
        table: "consent_events",
        key: "event_id",
        rows: "contact_id IN ({contacts})",
        audited_as: Some((RecordType::ConsentEvent, "event_id")),
        owned: None,
    },
    SubjectTable {
        table: "legal_holds",
        key: "hold_id",
        rows: "target_type = 'contact' AND target_id IN ({contacts})",
        audited_as: Some((RecordType::LegalHold, "hold_id")),
        owned: None,
    },
    SubjectTable {
        table: "retention_reviews",
        key: "review_id",
        rows: "record_type = 'contact' AND record_id IN ({contacts})",
        audited_as: Some((RecordType::RetentionReview, "review_id")),
        owned: None,
    },
    SubjectTable {
        table: "faq_articles",
        key: "article_id",
        rows: "source_ticket_id IN (SELECT ticket_id FROM tickets WHERE tenant_id = $1 AND contact_id IN ({contacts}))",
        audited_as: Some((RecordType::FaqArticle, "article_id")),
        owned: None,
    },
    SubjectTable {
        table: "ticket_attachments",
        key: "attachment_id",
        rows: "(uploaded_by_contact IN ({contacts})
             OR ticket_id IN (SELECT ticket_id FROM tickets WHERE tenant_id = $1 AND contact_id IN ({contacts})))",
        audited_as: Some((RecordType::TicketAttachment, "attachment_id")),
        owned: None,
    },
    SubjectTable {
        table: "tickets",
        key: "ticket_id",
        rows: "contact_id IN ({contacts})",
        audited_as: Some((RecordType::Ticket, "ticket_id")),
        owned: None,
    },
    SubjectTable {
        table: "ticket_messages",
        key: "message_id",
        rows: "(author_contact_id IN ({contacts})
             OR ticket_id IN (SELECT ticket_id FROM tickets WHERE tenant_id = $1 AND contact_id IN ({contacts})))",
        audited_as: Some((RecordType::TicketMessage, "message_id")),
        owned: None,
    },
    SubjectTable {
        table: "outbox",
        key: "mail_id",
        rows: "contact_id IN ({contacts})",
        audited_as: Some((RecordType::Mail, "mail_id")),
        owned: None,
    },
    SubjectTable {
        table: "portal_sessions",
        key: "session_id",
        rows: "account_id IN (SELECT account_id FROM portal_accounts WHERE tenant_id = $1 AND contact_id IN ({contacts}))",
        audited_as: None,
        owned: None,
    },
    SubjectTable {
        table: "portal_links",
        key: "link_id",
        rows: "account_id IN (SELECT account_id FROM portal_accounts WHERE tenant_id = $1 AND contact_id IN ({contacts}))",
        audited_as: None,
        owned: None,
    },
    SubjectTable {
        table: "portal_registrations",
        key: "registration_id",
        rows: "contact_id IN ({contacts})",
        audited_as: Some((RecordType::PortalRegistration, "registration_id")),
        owned: None,
    },
    SubjectTable {
        table: "portal_accounts",
        key: "account_id",
        rows: "contact_id IN ({contacts})",
        audited_as: Some((RecordType::PortalAccount, "account_id")),
        owned: None,
    },
    SubjectTable {
        table: "search_entries",
        key: "record_id",
        rows: "record_type = 'contact' AND record_id IN ({contacts})",
        audited_as: None,
        owned: None,
    },
];

/// The order erasure takes: redactions first (they find free text through
/// the links), then nulled links, the search entry, the links themselves,
/// and the contact rows last.
pub(crate) const ERASURE_ORDER: &[&str] = &[
    "activities",
    "subject_request_events",
    "subject_requests",
    "assets",
    "consent_events",
    "legal_holds",
    "retention_reviews",
    "faq_articles",
    "ticket_attachments",
    "ticket_messages",
    "tickets",
    "outbox",
    "portal_sessions",
    "portal_links",
    "portal_registrations",
    "portal_accounts",
    "search_entries",
    "activity_contacts",
    "contacts",
];

pub(crate) fn subject_table(name: &str) -> Option<&'static SubjectTable> {
    SUBJECT_TABLES.iter().find(|t| t.table == name)
}

/// A table's condition for the contacts `contacts` stands for inside
/// `IN (…)`: an [`id_set`](crate::rows::id_set) or placeholders, after the
/// tenant's `$1`.
pub(crate) fn rows_condition(table: &SubjectTable, contacts: &str) -> String {
    format!(
        "tenant_id = $1 AND ({})",
        table.rows.replace("{contacts}", contacts)
    )
}

/// The subject's rows about the subject alone; None for tables without.
pub(crate) fn owned_condition(table: &SubjectTable, contacts: &str) -> Option<String> {
    table.owned.map(|owned| {
        format!(
            "{} AND {}",
            rows_condition(table, contacts),
            owned.replace("{contacts}", contacts)
        )
    })
}

/// The subject's rows that follow the column strategies: all of them, or
/// those not about the subject alone.
pub(crate) fn shared_condition(table: &SubjectTable, contacts: &str) -> String {
    match table.owned {
        None => rows_condition(table, contacts),
        Some(owned) => format!(
            "{} AND NOT ({})",
            rows_condition(table, contacts),
            owned.replace("{contacts}", contacts)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use custodian_core::catalog::{self, Subject};

    /// Tables with a contact's column that cannot be tied to the contact by
    /// design, and why.
    const NOT_LINKED: &[(&str, &str)] = &[(
        "suppressions",
        "keyed hashes kept after erasure so the person is recognised; no link to any record",
    )];

    #[test]
    fn every_table_with_a_contacts_data_is_found_or_explained() {
        for table in catalog::tables() {
            let personal = catalog::table(table).any(|c| c.subject == Subject::Contact);
            let listed = subject_table(table).is_some();
            let explained = NOT_LINKED.iter().any(|(t, _)| *t == table);
            assert!(
                !personal || listed || explained,
                "{table} holds a contact's data but export and erasure cannot find it"
            );
            assert!(!(listed && explained), "{table} is listed twice");
        }
    }

    #[test]
    fn erasure_visits_every_subject_table_once() {
        let mut order = ERASURE_ORDER.to_vec();
        order.sort_unstable();
        let mut tables: Vec<&str> = SUBJECT_TABLES.iter().map(|t| t.table).collect();
        tables.sort_unstable();
        assert_eq!(order, tables);
    }

    #[test]
    fn conditions_put_the_contacts_after_the_tenant() {
        let condition = rows_condition(subject_table("assets").unwrap(), "$2, $3");
        assert_eq!(condition, "tenant_id = $1 AND (contact_id IN ($2, $3))");
    }
}
