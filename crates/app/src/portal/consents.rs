//! Communication preferences in the portal: the person sees the tenant's
//! published consent texts with where each stands for them, and grants or
//! withdraws with a click, recorded in the consent ledger as their own act
//! (channel portal, with their address and browser as proof). Global
//! Privacy Control sent by their browser is an objection to marketing.

use super::PortalPrincipal;
use crate::AppError;
use crate::Portal;
use custodian_core::audit::{AuditAction, RecordType};
use custodian_core::contacts::Contact;
use custodian_core::privacy::consent::{
    ConsentChannel, ConsentEvent, ConsentEventInput, ConsentLedger, ConsentText, EventContext,
};
use custodian_core::time::Timestamp;
use custodian_core::{ConsentTextId, Refusal};

impl Portal<'_> {
    /// The published texts, and the person's ledger.
    pub async fn portal_consents(
        self,
        principal: &PortalPrincipal,
    ) -> Result<(Vec<ConsentText>, ConsentLedger), AppError> {
        let mut texts = self.store.privacy().consent_texts(principal.tenant).await?;
        texts.retain(|t| t.published_at.is_some());
        let events = self
            .store
            .privacy()
            .consent_events(principal.tenant, principal.contact)
            .await?;
        self.portal_reads(
            principal,
            AuditAction::List,
            RecordType::ConsentEvent,
            events.iter().map(|e| e.id.0).collect(),
        )
        .await?;
        Ok((texts, ConsentLedger::of(events)))
    }

    /// Grants or withdraws a published text, as the person.
    pub async fn portal_consent(
        self,
        principal: &PortalPrincipal,
        text_id: ConsentTextId,
        grant: bool,
        privacy_signal: bool,
    ) -> Result<ConsentEvent, AppError> {
        let fields = ConsentEventInput {
            text_id,
            action: if grant { "granted" } else { "withdrawn" }.into(),
            channel: ConsentChannel::Portal.as_str().into(),
            form: Some("Customer portal: communication preferences".into()),
            occurred_at: None,
        }
        .validate(Timestamp::now())?;
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
        let person = self
            .store
            .records::<Contact>()
            .get(principal.tenant, principal.contact)
            .await?;
        let ledger = ConsentLedger::of(
            self.store
                .privacy()
                .consent_events(principal.tenant, principal.contact)
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
            // The data protection officer alone lifts an objection.
            privacy_area: false,
            privacy_signal,
        })?;
        let event = self
            .store
            .privacy()
            .record_consent(&principal.scope(), principal.contact, &text, &fields, None)
            .await?;
        if effects.ends_marketing {
            self.end_marketing_as(
                &principal.scope(),
                None,
                &[principal.contact],
                fields.channel,
                "Global Privacy Control signal",
            )
            .await?;
        }
        Ok(event)
    }
}
