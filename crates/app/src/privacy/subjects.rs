//! Finding the subject: the contact the request names, the records staff
//! confirmed, and every other contact sharing one of their emails or phone
//! numbers (a duplicate of the same person). Staff confirm the set before
//! anything is exported or erased.

use crate::Privacy;
use crate::{AppError, Principal};
use custodian_core::access::{Action, Area};
use custodian_core::audit::{AuditAction, RecordType};
use custodian_core::contacts::Contact;
use custodian_core::privacy::fulfilment::SubjectsInput;
use custodian_core::privacy::redaction::phone_forms;
use custodian_core::privacy::subjects::SubjectCandidate;
use custodian_core::{ContactId, SubjectRequestId};

/// Contacts found per identifier searched; more would not be one person.
const HITS_PER_IDENTIFIER: i64 = 50;

fn shares_email(contact: &Contact, emails: &[String]) -> bool {
    contact.emails.iter().any(|e| {
        emails
            .iter()
            .any(|known| known.eq_ignore_ascii_case(e.as_str()))
    })
}

fn shares_phone(contact: &Contact, phones: &[String]) -> bool {
    contact
        .phones
        .iter()
        .flat_map(|p| phone_forms(p.as_str()))
        .any(|form| phones.contains(&form))
}

impl Privacy<'_> {
    /// The contact records that may be the request's subject, with why
    /// each was found; the confirmed ones first.
    pub async fn subject_candidates(
        self,
        principal: &Principal,
        request_id: SubjectRequestId,
    ) -> Result<Vec<SubjectCandidate>, AppError> {
        principal.authorize(Area::Privacy, Action::Read)?;
        let tenant = principal.tenant;
        let request = self
            .store
            .privacy()
            .subject_request(tenant, request_id)
            .await?;
        let confirmed = self
            .store
            .privacy()
            .confirmed_subjects(tenant, request_id)
            .await?;
        let mut seeds = confirmed.clone();
        if let Some(contact) = request.contact_id {
            if !seeds.contains(&contact) {
                seeds.push(contact);
            }
        }
        let mut contacts = self.store.privacy().contacts_by_ids(tenant, &seeds).await?;
        let mut emails: Vec<String> = contacts
            .iter()
            .flat_map(|c| c.emails.iter().map(|e| e.as_str().to_lowercase()))
            .collect();
        emails.extend(
            request
                .subject_email
                .iter()
                .map(|e| e.trim().to_lowercase()),
        );
        emails.sort_unstable();
        emails.dedup();
        let mut phones: Vec<String> = contacts
            .iter()
            .flat_map(|c| c.phones.iter().flat_map(|p| phone_forms(p.as_str())))
            .collect();
        phones.sort_unstable();
        phones.dedup();
        let mut others = Vec::new();
        for identifier in emails.iter().chain(&phones) {
            for hit in self
                .store
                .search(tenant, identifier, HITS_PER_IDENTIFIER)
                .await?
            {
                let id = ContactId(hit.record_id);
                if hit.record_type == "contact" && !seeds.contains(&id) && !others.contains(&id) {
                    others.push(id);
                }
            }
        }
        for contact in self
            .store
            .privacy()
            .contacts_by_ids(tenant, &others)
            .await?
        {
            if shares_email(&contact, &emails) || shares_phone(&contact, &phones) {
                contacts.push(contact);
            }
        }
        let mut candidates = Vec::with_capacity(contacts.len());
        for contact in &contacts {
            let mut matched_by = Vec::new();
            if request.contact_id == Some(contact.id) {
                matched_by.push("request_contact");
            }
            if confirmed.contains(&contact.id) {
                matched_by.push("confirmed");
            }
            if !seeds.contains(&contact.id) {
                if shares_email(contact, &emails) {
                    matched_by.push("email");
                }
                if shares_phone(contact, &phones) {
                    matched_by.push("phone");
                }
            }
            // What the caller's roles do not see of the contact stays hidden.
            let shown = principal.masked(contact.clone());
            candidates.push(SubjectCandidate {
                contact_id: contact.id,
                name: format!("{} {}", contact.first_name, contact.last_name),
                organisation_name: contact.organisation_name.clone(),
                emails: shown
                    .emails
                    .iter()
                    .map(|e| e.as_str().to_string())
                    .collect(),
                phones: shown
                    .phones
                    .iter()
                    .map(|p| p.as_str().to_string())
                    .collect(),
                matched_by,
                records: self
                    .store
                    .privacy()
                    .record_counts(tenant, contact.id)
                    .await?,
                confirmed: confirmed.contains(&contact.id),
                restricted: contact.restricted_since.is_some(),
            });
        }
        candidates.sort_by_key(|c| (!c.confirmed, c.contact_id));
        self.record_read_fields(
            principal,
            AuditAction::List,
            RecordType::Contact,
            candidates.iter().map(|c| c.contact_id),
            &crate::audit::shown_among(
                "contacts",
                &[
                    "first_name",
                    "last_name",
                    "emails",
                    "phones",
                    "organisation_id",
                ],
                principal.sight(),
            ),
        )
        .await?;
        Ok(candidates)
    }

    /// Confirms which contact records are the subject's, replacing an
    /// earlier choice; while the request is open.
    pub async fn confirm_subjects(
        self,
        principal: &Principal,
        request_id: SubjectRequestId,
        input: &SubjectsInput,
    ) -> Result<Vec<SubjectCandidate>, AppError> {
        principal.authorize(Area::Privacy, Action::Update)?;
        let ids = input.validate()?;
        let request = self
            .store
            .privacy()
            .subject_request(principal.tenant, request_id)
            .await?;
        if !request.state.is_open() {
            return Err(custodian_core::ValidationErrors::single(
                "contact_ids",
                "request_closed",
                "The request is closed.",
            )
            .into());
        }
        let ids: Vec<ContactId> = ids.into_iter().collect();
        self.store
            .privacy()
            .confirm_subjects(
                &principal.scope(),
                request_id,
                custodian_store::StepActor::Staff(principal.user_id),
                &ids,
            )
            .await?;
        self.subject_candidates(principal, request_id).await
    }
}
