//! The consent ledger as staff and programs use it: the data protection
//! officer writes and publishes consent texts; staff record a contact's
//! grants and withdrawals (withdrawing takes exactly what granting takes);
//! anyone who may read the contact sees its ledger and the receipt.

use crate::Privacy;
use crate::{AppError, Principal};
use custodian_core::access::{Action, Area};
use custodian_core::audit::{AuditAction, RecordType};
use custodian_core::contacts::Contact;
use custodian_core::privacy::consent::{
    ConsentEvent, ConsentEventInput, ConsentLedger, ConsentText, ConsentTextInput, EventContext,
};
use custodian_core::privacy::consent_receipt::{ConsentReceipt, ReceiptContext};
use custodian_core::purposes::LawfulBasis;
use custodian_core::time::Timestamp;
use custodian_core::{ConsentTextId, ContactId, Refusal, ValidationErrors};

fn refuse(field: &str, code: &'static str, message: &str) -> AppError {
    ValidationErrors::single(field, code, message).into()
}

impl Privacy<'_> {
    pub async fn consent_texts(self, principal: &Principal) -> Result<Vec<ConsentText>, AppError> {
        principal.authorize(Area::Privacy, Action::Read)?;
        Ok(self.store.privacy().consent_texts(principal.tenant).await?)
    }

    /// The published texts, which staff record grants and withdrawals of.
    pub async fn published_consent_texts(
        self,
        principal: &Principal,
    ) -> Result<Vec<ConsentText>, AppError> {
        principal.authorize(Area::OrganisationsAndContacts, Action::Update)?;
        let mut texts = self.store.privacy().consent_texts(principal.tenant).await?;
        texts.retain(|t| t.published_at.is_some());
        Ok(texts)
    }

    pub async fn consent_text(
        self,
        principal: &Principal,
        id: ConsentTextId,
    ) -> Result<ConsentText, AppError> {
        principal.authorize(Area::Privacy, Action::Read)?;
        Ok(self
            .store
            .privacy()
            .consent_text(principal.tenant, id)
            .await?)
    }

    /// A new draft text for a purpose whose lawful basis is consent.
    pub async fn create_consent_text(
        self,
        principal: &Principal,
        input: &ConsentTextInput,
    ) -> Result<ConsentText, AppError> {
        principal.authorize(Area::Privacy, Action::Create)?;
        let fields = input.validate()?;
        let purpose = match self
            .store
            .privacy()
            .purpose(principal.tenant, fields.purpose_id)
            .await
        {
            Ok(purpose) => purpose,
            Err(custodian_store::StoreError::Refused(Refusal::NotFound)) => {
                return Err(AppError::Refused(Refusal::UnknownReference {
                    field: "purpose_id",
                }))
            }
            Err(other) => return Err(other.into()),
        };
        if purpose.lawful_basis != LawfulBasis::Consent {
            return Err(refuse(
                "purpose_id",
                "not_consent_based",
                "Consent texts are for purposes whose lawful basis is consent.",
            ));
        }
        Ok(self
            .store
            .privacy()
            .create_consent_text(&principal.scope(), principal.user_id, &fields)
            .await?)
    }

    /// Rewords a draft; published texts never change.
    pub async fn update_consent_text(
        self,
        principal: &Principal,
        id: ConsentTextId,
        input: &ConsentTextInput,
    ) -> Result<ConsentText, AppError> {
        principal.authorize(Area::Privacy, Action::Update)?;
        let fields = input.validate()?;
        Ok(self
            .store
            .privacy()
            .update_consent_text(&principal.scope(), id, &fields)
            .await?)
    }

    pub async fn publish_consent_text(
        self,
        principal: &Principal,
        id: ConsentTextId,
    ) -> Result<ConsentText, AppError> {
        principal.authorize(Area::Privacy, Action::Update)?;
        Ok(self
            .store
            .privacy()
            .publish_consent_text(&principal.scope(), id)
            .await?)
    }

    /// A contact's ledger: where each purpose stands, and every event.
    pub async fn consent_ledger(
        self,
        principal: &Principal,
        contact: ContactId,
    ) -> Result<ConsentLedger, AppError> {
        principal.authorize(Area::OrganisationsAndContacts, Action::Read)?;
        self.require_reach(principal, RecordType::Contact, contact.0)
            .await?;
        self.store
            .records::<Contact>()
            .get(principal.tenant, contact)
            .await?;
        let mut events = self
            .store
            .privacy()
            .consent_events(principal.tenant, contact)
            .await?;
        events.iter_mut().for_each(|e| principal.mask(e));
        let shown = crate::audit::shown_among(
            "consent_events",
            &["contact_id", "form", "source_ip", "user_agent"],
            principal.sight(),
        );
        self.record_read_fields(
            principal,
            AuditAction::List,
            RecordType::ConsentEvent,
            events.iter().map(|e| e.id.0),
            &shown,
        )
        .await?;
        Ok(ConsentLedger::of(events))
    }

    /// Records a grant or a withdrawal of a published text. `privacy_signal`
    /// says that the subject's own browser sent Global Privacy Control
    /// (`Sec-GPC: 1`) with a form of theirs that a website relays: that is
    /// an objection to marketing, recorded with the event, and a marketing
    /// consent cannot come with it.
    pub async fn record_consent(
        self,
        principal: &Principal,
        contact: ContactId,
        input: &ConsentEventInput,
        privacy_signal: bool,
    ) -> Result<ConsentEvent, AppError> {
        principal.authorize(Area::OrganisationsAndContacts, Action::Update)?;
        self.require_reach(principal, RecordType::Contact, contact.0)
            .await?;
        let person = self
            .store
            .records::<Contact>()
            .get(principal.tenant, contact)
            .await?;
        let fields = input.validate(Timestamp::now())?;
        let text = match self
            .store
            .privacy()
            .consent_text(principal.tenant, fields.text_id)
            .await
        {
            Ok(text) => text,
            Err(custodian_store::StoreError::Refused(Refusal::NotFound)) => {
                return Err(AppError::Refused(Refusal::UnknownReference {
                    field: "text_id",
                }))
            }
            Err(other) => return Err(other.into()),
        };
        let ledger = ConsentLedger::of(
            self.store
                .privacy()
                .consent_events(principal.tenant, contact)
                .await?,
        );
        let effects = fields.check(&EventContext {
            published: text.published_at.is_some(),
            granted_now: ledger.granted(text.purpose_id),
            direct_marketing: self
                .store
                .privacy()
                .purpose(principal.tenant, text.purpose_id)
                .await?
                .direct_marketing,
            objects_to_marketing: person.marketing_objection_since.is_some(),
            privacy_area: principal.authorize(Area::Privacy, Action::Update).is_ok(),
            privacy_signal,
        })?;
        let event = self
            .store
            .privacy()
            .record_consent(
                &principal.scope(),
                contact,
                &text,
                &fields,
                Some(principal.user_id),
            )
            .await?;
        if effects.lifts_objection {
            // Only when the new consent is what the ledger now says (not a
            // grant dated before the objection's withdrawals).
            let ledger = ConsentLedger::of(
                self.store
                    .privacy()
                    .consent_events(principal.tenant, contact)
                    .await?,
            );
            if ledger.granted(text.purpose_id) {
                self.store
                    .privacy()
                    .clear_marketing_objection(&principal.scope(), contact)
                    .await?;
            }
        }
        if effects.ends_marketing {
            self.end_marketing(
                principal,
                &[contact],
                fields.channel,
                "Global Privacy Control signal",
            )
            .await?;
        }
        Ok(event)
    }

    /// The contact's consent receipt (Kantara Consent Receipt v1.1).
    pub async fn consent_receipt(
        self,
        principal: &Principal,
        contact: ContactId,
    ) -> Result<ConsentReceipt, AppError> {
        let ledger = self.consent_ledger(principal, contact).await?;
        let mut person = self
            .store
            .records::<Contact>()
            .get(principal.tenant, contact)
            .await?;
        principal.mask(&mut person);
        let tenant = self.store.tenant(principal.tenant).await?;
        let purposes = self.store.privacy().purposes(principal.tenant).await?;
        let texts = self.store.privacy().consent_texts(principal.tenant).await?;
        Ok(ConsentReceipt::of(
            &ledger,
            &ReceiptContext {
                receipt_id: crate::secrets::random_token()[..32].to_string(),
                controller: &tenant.name,
                principal_id: person.emails.first().map_or_else(
                    || format!("contact:{}", contact.0),
                    |e| e.as_str().to_string(),
                ),
                // No public privacy notice address is configured yet.
                policy_url: String::new(),
                purposes: &purposes,
                texts: &texts,
                now: Timestamp::now(),
            },
        ))
    }
}
