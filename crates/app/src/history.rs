//! A record's change history, read from the audit hook's entries: who
//! changed which fields when. It names fields, never their values.

use crate::{App, AppError, Principal};
use custodian_core::access::{Action, Area};
use custodian_core::audit::entry::AuditEntry;
use custodian_core::audit::RecordType;

/// How many changes a record's page shows.
pub const HISTORY_LIMIT: i64 = 50;

impl App {
    /// The newest changes of one record, newest first. The caller must be
    /// allowed to read that kind of record.
    pub async fn record_history(
        &self,
        principal: &Principal,
        record_type: RecordType,
        record_id: i64,
    ) -> Result<Vec<AuditEntry>, AppError> {
        principal.authorize(area_of(record_type), Action::Read)?;
        self.require_reach(principal, record_type, record_id)
            .await?;
        Ok(self
            .store
            .audit_trail()
            .audit_of_record(principal.tenant, record_type, record_id, HISTORY_LIMIT)
            .await?)
    }
}

/// The area a record type belongs to in the permission matrix.
pub fn area_of(record_type: RecordType) -> Area {
    match record_type {
        RecordType::Organisation
        | RecordType::Contact
        | RecordType::Asset
        | RecordType::ConsentEvent => Area::OrganisationsAndContacts,
        RecordType::Activity => Area::Activities,
        RecordType::Ticket
        | RecordType::TicketMessage
        | RecordType::FaqArticle
        | RecordType::CannedReply
        | RecordType::TicketAttachment => Area::Support,
        RecordType::Agreement => Area::Sales,
        RecordType::Purpose
        | RecordType::SubjectRequest
        | RecordType::ConsentText
        | RecordType::RetentionRule
        | RecordType::LegalHold
        | RecordType::RetentionRun
        | RecordType::RetentionReview
        | RecordType::AuditEntry => Area::Privacy,
        RecordType::Tenant
        | RecordType::User
        | RecordType::ApiToken
        | RecordType::Role
        | RecordType::Team
        | RecordType::Mail => Area::Administration,
        RecordType::PortalAccount | RecordType::PortalRegistration => {
            Area::OrganisationsAndContacts
        }
    }
}
