//! Objection (Art. 21). An objection to direct marketing is absolute
//! (Art. 21(3)): every direct-marketing consent of the subject is
//! withdrawn in the ledger, and the subject is marked so that no marketing
//! reaches them whatever the lawful basis. Any other objection is weighed
//! by the data protection officer and decided on the request itself.

use crate::Privacy;
use crate::{App, AppError, Principal};
use custodian_core::access::{Action, Area};
use custodian_core::privacy::consent::{
    ConsentAction, ConsentChannel, ConsentEventFields, ConsentLedger,
};
use custodian_core::privacy::fulfilment::ObjectionInput;
use custodian_core::privacy::requests::{RequestType, SubjectRequest};
use custodian_core::time::Timestamp;
use custodian_core::{ContactId, SubjectRequestId, ValidationErrors};

impl App {
    /// Ends direct marketing for the contacts: every direct-marketing
    /// consent they have granted is withdrawn in the ledger (by `channel`,
    /// noting `form`), and they are marked as objecting. How many consents
    /// were withdrawn.
    pub(crate) async fn end_marketing(
        &self,
        principal: &Principal,
        contacts: &[ContactId],
        channel: ConsentChannel,
        form: &str,
    ) -> Result<usize, AppError> {
        self.end_marketing_as(
            &principal.scope(),
            Some(principal.user_id),
            contacts,
            channel,
            form,
        )
        .await
    }

    /// Ends direct marketing for the contacts, recorded in `scope` (staff,
    /// or the person in the portal) and by `recorded_by` when staff did.
    pub(crate) async fn end_marketing_as(
        &self,
        scope: &custodian_store::Scope,
        recorded_by: Option<custodian_core::UserId>,
        contacts: &[ContactId],
        channel: ConsentChannel,
        form: &str,
    ) -> Result<usize, AppError> {
        let tenant = scope.tenant;
        let purposes = self.store.privacy().purposes(tenant).await?;
        let texts = self.store.privacy().consent_texts(tenant).await?;
        let scope = scope.clone();
        let mut withdrawn = 0;
        for contact in contacts {
            let ledger = ConsentLedger::of(
                self.store
                    .privacy()
                    .consent_events(tenant, *contact)
                    .await?,
            );
            for state in ledger.current.iter().filter(|s| s.granted) {
                let marketing = purposes
                    .iter()
                    .any(|p| p.id == state.purpose_id && p.direct_marketing);
                let Some(text) = texts.iter().find(|t| t.id == state.text_id) else {
                    continue;
                };
                if !marketing {
                    continue;
                }
                let fields = ConsentEventFields {
                    text_id: text.id,
                    action: ConsentAction::Withdrawn,
                    channel,
                    form: Some(form.to_string()),
                    occurred_at: Timestamp::now(),
                };
                self.store
                    .privacy()
                    .record_consent(&scope, *contact, text, &fields, recorded_by)
                    .await?;
                withdrawn += 1;
            }
        }
        self.store
            .privacy()
            .set_marketing_objection(&scope, contacts)
            .await?;
        Ok(withdrawn)
    }
}

impl Privacy<'_> {
    pub async fn object_to_marketing(
        self,
        principal: &Principal,
        request_id: SubjectRequestId,
        input: &ObjectionInput,
    ) -> Result<SubjectRequest, AppError> {
        principal.authorize(Area::Privacy, Action::Update)?;
        let tenant = principal.tenant;
        let request = self
            .store
            .privacy()
            .subject_request(tenant, request_id)
            .await?;
        request.require_type(RequestType::Objection, "Only an objection request objects.")?;
        if !input.direct_marketing {
            return Err(ValidationErrors::single(
                "direct_marketing",
                "decide_on_the_request",
                "Weigh an objection to other processing and decide it by completing or refusing the request with a note.",
            )
            .into());
        }
        request.check_completion()?;
        let contacts = self.subject_records(principal, request_id).await?;
        let withdrawn = self
            .end_marketing(
                principal,
                &contacts,
                ConsentChannel::of_request(request.channel),
                &format!("Objection, request #{}", request.number),
            )
            .await?;
        let note = format!(
            "Objection to direct marketing carried out: {withdrawn} consent(s) withdrawn, {} record(s) marked.",
            contacts.len()
        );
        self.complete_request(principal, &request, "objection_carried_out", note)
            .await
    }
}
