//! The outbox for administrators: every message with its state, one
//! message's text, and sending a given-up message again.

use crate::Mail;
use crate::{AppError, Principal};
use custodian_core::access::{Action, Area};
use custodian_core::audit::{AuditAction, RecordType};
use custodian_core::mail::{MailStatus, OutboxFilter, OutboxMail};
use custodian_core::validation::{FieldProblem, ValidationErrors};
use custodian_core::MailId;

impl Mail<'_> {
    /// Whether messages leave the server (an SMTP server is configured).
    pub fn sends_mail(self) -> bool {
        self.mailer.transport.is_some()
    }

    /// The newest 200 messages, of one status when asked.
    pub async fn outbox(
        self,
        principal: &Principal,
        filter: &OutboxFilter,
    ) -> Result<Vec<OutboxMail>, AppError> {
        principal.authorize(Area::Administration, Action::Administer)?;
        let status = match filter.status.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(value) => Some(MailStatus::parse(value).ok_or_else(|| {
                let mut errors = ValidationErrors::new();
                errors.check::<()>(
                    "status",
                    Err(FieldProblem::new(
                        "invalid_choice",
                        "Choose pending, sent or failed.",
                    )),
                );
                errors
            })?),
        };
        let mails = self
            .store
            .mail()
            .outbox(principal.tenant, status, 200)
            .await?;
        self.record_reads(
            principal,
            AuditAction::List,
            RecordType::Mail,
            mails.iter().map(|m| m.id.0),
        )
        .await?;
        Ok(mails)
    }

    pub async fn mail(self, principal: &Principal, id: MailId) -> Result<OutboxMail, AppError> {
        principal.authorize(Area::Administration, Action::Administer)?;
        let mail = self.store.mail().get(principal.tenant, id).await?;
        self.record_reads(principal, AuditAction::Read, RecordType::Mail, [id.0])
            .await?;
        Ok(mail)
    }

    /// Sends a given-up message again, from its first attempt.
    pub async fn retry_mail(
        self,
        principal: &Principal,
        id: MailId,
    ) -> Result<OutboxMail, AppError> {
        principal.authorize(Area::Administration, Action::Administer)?;
        self.store.mail().retry_mail(&principal.scope(), id).await?;
        Ok(self.store.mail().get(principal.tenant, id).await?)
    }
}
