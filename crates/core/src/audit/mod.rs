//! What the audit trail records: who read or changed which record, and which
//! fields. Never the values themselves, so an erasure never has to touch the
//! trail. `chain` makes the trail tamper-evident.

pub mod chain;
pub mod entry;

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ActorKind {
    User,
    ApiToken,
    System,
    /// A contact person in the customer portal; the id is their contact's.
    Contact,
}

impl ActorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ActorKind::User => "user",
            ActorKind::ApiToken => "api_token",
            ActorKind::System => "system",
            ActorKind::Contact => "contact",
        }
    }
}

/// Who acts: a person, a program holding an API token, or a system job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Actor {
    pub kind: ActorKind,
    /// The user id or token id; 0 for the system.
    pub id: i64,
}

impl Actor {
    pub const SYSTEM: Actor = Actor {
        kind: ActorKind::System,
        id: 0,
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    Create,
    Update,
    Delete,
    /// A record's detail was shown or fetched.
    Read,
    /// A record appeared in a list, a search result or a choice list.
    List,
    /// A record left the system in an export.
    Export,
    Login,
    LoginFailed,
    Logout,
    /// Erasure blanked the client context (address, browser, reason) of
    /// the entries this entry names in its record ids, so that verify can
    /// tell an erasure from an edit.
    BlankContext,
}

impl AuditAction {
    pub const ALL: [AuditAction; 10] = [
        AuditAction::Create,
        AuditAction::Update,
        AuditAction::Delete,
        AuditAction::Read,
        AuditAction::List,
        AuditAction::Export,
        AuditAction::Login,
        AuditAction::LoginFailed,
        AuditAction::Logout,
        AuditAction::BlankContext,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::Create => "create",
            AuditAction::Update => "update",
            AuditAction::Delete => "delete",
            AuditAction::Read => "read",
            AuditAction::List => "list",
            AuditAction::Export => "export",
            AuditAction::Login => "login",
            AuditAction::LoginFailed => "login_failed",
            AuditAction::Logout => "logout",
            AuditAction::BlankContext => "blank_context",
        }
    }

    pub fn parse(value: &str) -> Option<AuditAction> {
        AuditAction::ALL.into_iter().find(|a| a.as_str() == value)
    }

    /// Whether the action changed the record (as opposed to showing it).
    pub fn is_change(self) -> bool {
        matches!(
            self,
            AuditAction::Create | AuditAction::Update | AuditAction::Delete
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordType {
    Tenant,
    User,
    ApiToken,
    Organisation,
    Contact,
    Activity,
    Asset,
    Agreement,
    Role,
    Team,
    Purpose,
    SubjectRequest,
    ConsentText,
    ConsentEvent,
    RetentionRule,
    LegalHold,
    RetentionRun,
    RetentionReview,
    Ticket,
    TicketMessage,
    Mail,
    PortalAccount,
    FaqArticle,
    TicketAttachment,
    PortalRegistration,
    /// An entry of the audit trail itself (named by its chain position).
    AuditEntry,
    CannedReply,
}

impl RecordType {
    pub const ALL: [RecordType; 27] = [
        RecordType::Tenant,
        RecordType::User,
        RecordType::ApiToken,
        RecordType::Organisation,
        RecordType::Contact,
        RecordType::Activity,
        RecordType::Asset,
        RecordType::Agreement,
        RecordType::Role,
        RecordType::Team,
        RecordType::Purpose,
        RecordType::SubjectRequest,
        RecordType::ConsentText,
        RecordType::ConsentEvent,
        RecordType::RetentionRule,
        RecordType::LegalHold,
        RecordType::RetentionRun,
        RecordType::RetentionReview,
        RecordType::Ticket,
        RecordType::TicketMessage,
        RecordType::Mail,
        RecordType::PortalAccount,
        RecordType::FaqArticle,
        RecordType::TicketAttachment,
        RecordType::PortalRegistration,
        RecordType::AuditEntry,
        RecordType::CannedReply,
    ];

    pub fn parse(value: &str) -> Option<RecordType> {
        RecordType::ALL.into_iter().find(|t| t.as_str() == value)
    }

    /// The table that holds records of this type.
    pub fn table(self) -> &'static str {
        match self {
            RecordType::Tenant => "tenants",
            RecordType::User => "users",
            RecordType::ApiToken => "api_tokens",
            RecordType::Organisation => "organisations",
            RecordType::Contact => "contacts",
            RecordType::Activity => "activities",
            RecordType::Asset => "assets",
            RecordType::Agreement => "agreements",
            RecordType::Role => "roles",
            RecordType::Team => "teams",
            RecordType::Purpose => "purposes",
            RecordType::SubjectRequest => "subject_requests",
            RecordType::ConsentText => "consent_texts",
            RecordType::ConsentEvent => "consent_events",
            RecordType::RetentionRule => "retention_rules",
            RecordType::LegalHold => "legal_holds",
            RecordType::RetentionRun => "retention_runs",
            RecordType::RetentionReview => "retention_reviews",
            RecordType::Ticket => "tickets",
            RecordType::TicketMessage => "ticket_messages",
            RecordType::Mail => "outbox",
            RecordType::PortalAccount => "portal_accounts",
            RecordType::FaqArticle => "faq_articles",
            RecordType::TicketAttachment => "ticket_attachments",
            RecordType::PortalRegistration => "portal_registrations",
            RecordType::AuditEntry => "audit_entries",
            RecordType::CannedReply => "canned_replies",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RecordType::Tenant => "tenant",
            RecordType::User => "user",
            RecordType::ApiToken => "api_token",
            RecordType::Organisation => "organisation",
            RecordType::Contact => "contact",
            RecordType::Activity => "activity",
            RecordType::Asset => "asset",
            RecordType::Agreement => "agreement",
            RecordType::Role => "role",
            RecordType::Team => "team",
            RecordType::Purpose => "purpose",
            RecordType::SubjectRequest => "subject_request",
            RecordType::ConsentText => "consent_text",
            RecordType::ConsentEvent => "consent_event",
            RecordType::RetentionRule => "retention_rule",
            RecordType::LegalHold => "legal_hold",
            RecordType::RetentionRun => "retention_run",
            RecordType::RetentionReview => "retention_review",
            RecordType::Ticket => "ticket",
            RecordType::TicketMessage => "ticket_message",
            RecordType::Mail => "mail",
            RecordType::PortalAccount => "portal_account",
            RecordType::FaqArticle => "faq_article",
            RecordType::TicketAttachment => "ticket_attachment",
            RecordType::PortalRegistration => "portal_registration",
            RecordType::AuditEntry => "audit_entry",
            RecordType::CannedReply => "canned_reply",
        }
    }
}

/// Names the fields whose values differ between two versions of a record,
/// given each version as (field name, value) pairs in the same order.
pub fn changed_fields<'a>(
    before: &[(&'a str, String)],
    after: &[(&'a str, String)],
) -> Vec<&'a str> {
    before
        .iter()
        .zip(after)
        .filter(|(b, a)| b.1 != a.1)
        .map(|(b, _)| b.0)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_differing_fields_are_named() {
        let before = [
            ("first_name", "Ada".to_string()),
            ("last_name", "Byron".to_string()),
        ];
        let after = [
            ("first_name", "Ada".to_string()),
            ("last_name", "Lovelace".to_string()),
        ];
        assert_eq!(changed_fields(&before, &after), ["last_name"]);
    }
}
