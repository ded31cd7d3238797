//! Restriction of processing (Art. 18): a restriction request marks the
//! subject's confirmed records; while marked, nobody but the data
//! protection officer (or an administrator) changes them or what links to
//! them, and every page and API answer shows the mark.

use crate::Privacy;
use crate::{App, AppError, Principal};
use custodian_core::access::{Action, Area};
use custodian_core::assets::Asset;
use custodian_core::audit::RecordType;
use custodian_core::contacts::Contact;
use custodian_core::helpdesk::Ticket;
use custodian_core::privacy::requests::{RequestType, SubjectRequest};
use custodian_core::{AssetId, ContactId, SubjectRequestId, TicketId};

impl App {
    /// Refuses a change to a record of a restricted subject, or one that
    /// links to one, unless the caller works in the privacy area.
    pub(crate) async fn refuse_restricted_change(
        &self,
        principal: &Principal,
        record_type: RecordType,
        id: Option<i64>,
        links: Vec<(RecordType, i64, &'static str)>,
    ) -> Result<(), AppError> {
        if principal.grants.allow(Area::Privacy, Action::Update) {
            return Ok(());
        }
        let tenant = principal.tenant;
        let mut contacts: Vec<ContactId> = links
            .into_iter()
            .filter(|(t, _, _)| *t == RecordType::Contact)
            .map(|(_, id, _)| ContactId(id))
            .collect();
        match (record_type, id) {
            (RecordType::Contact, Some(id)) => contacts.push(ContactId(id)),
            (RecordType::Activity, Some(id)) => contacts.extend(
                self.store
                    .privacy()
                    .activity_contact_ids(tenant, id)
                    .await?,
            ),
            (RecordType::Asset, Some(id)) => contacts.extend(
                self.store
                    .records::<Asset>()
                    .get(tenant, AssetId(id))
                    .await?
                    .contact_id,
            ),
            (RecordType::Ticket, Some(id)) => contacts.extend(
                self.store
                    .records::<Ticket>()
                    .get(tenant, TicketId(id))
                    .await?
                    .contact_id,
            ),
            _ => {}
        }
        if self
            .store
            .privacy()
            .restricted_contacts(tenant, &contacts)
            .await?
            .is_empty()
        {
            Ok(())
        } else {
            Err(AppError::Restricted)
        }
    }
}

impl Privacy<'_> {
    /// Carries out a restriction request: marks the confirmed records and
    /// completes the request.
    pub async fn restrict_for_request(
        self,
        principal: &Principal,
        request_id: SubjectRequestId,
    ) -> Result<SubjectRequest, AppError> {
        principal.authorize(Area::Privacy, Action::Update)?;
        let tenant = principal.tenant;
        let request = self
            .store
            .privacy()
            .subject_request(tenant, request_id)
            .await?;
        request.require_type(
            RequestType::Restriction,
            "Only a restriction request restricts.",
        )?;
        request.check_completion()?;
        let contacts = self.subject_records(principal, request_id).await?;
        let changed = self
            .store
            .privacy()
            .set_restriction(&principal.scope(), &contacts, true)
            .await?;
        let note = format!("Processing restricted on {changed} contact record(s).");
        self.complete_request(principal, &request, "restricted", note)
            .await
    }

    /// Restricts one contact, or lifts the restriction (the subject is to
    /// be told before it is lifted, Art. 18(3)).
    pub async fn set_contact_restriction(
        self,
        principal: &Principal,
        contact: ContactId,
        restricted: bool,
    ) -> Result<(), AppError> {
        principal.authorize(Area::Privacy, Action::Update)?;
        self.store
            .records::<Contact>()
            .get(principal.tenant, contact)
            .await?;
        self.store
            .privacy()
            .set_restriction(&principal.scope(), &[contact], restricted)
            .await?;
        Ok(())
    }
}
