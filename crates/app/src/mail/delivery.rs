//! The delivery loop: every few seconds, each tenant's due messages are
//! sent; a failure is tried again later (1, 5, 15 minutes … 12 hours) and
//! given up after eight sends, staying in the outbox with its error. Sent
//! messages are deleted after 30 days. Only ids and counts reach the log.

use crate::App;
use crate::Mail;
use custodian_core::audit::Actor;
use custodian_core::mail::{retry_after_minutes, OutboxMail};
use custodian_core::time::Timestamp;
use custodian_core::TenantId;
use custodian_store::{Delivery, Scope};
use lettre::message::header::ContentType;
use lettre::{AsyncTransport, Message};
use std::time::Duration;

/// How long a sent message stays in the outbox.
const KEEP_SENT_MS: i64 = 30 * 86_400_000;

/// Messages one tenant sends per round, so that one tenant's backlog does
/// not hold up the others.
const PER_ROUND: i64 = 50;

/// What a round of deliveries did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeliveryReport {
    pub sent: u64,
    pub retried: u64,
    pub given_up: u64,
}

/// Starts the delivery loop on the current runtime, when an SMTP server is
/// configured; without one, messages stay in the outbox.
pub fn spawn_mail_delivery(app: App, every: Duration) -> Option<tokio::task::JoinHandle<()>> {
    app.mailer.transport.as_ref()?;
    Some(tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every);
        loop {
            ticks.tick().await;
            let report = app.mail().deliver_due_mail(Timestamp::now()).await;
            if report != DeliveryReport::default() {
                tracing::info!(
                    sent = report.sent,
                    retried = report.retried,
                    given_up = report.given_up,
                    "outbox"
                );
            }
        }
    }))
}

impl App {
    async fn deliver_tenant(&self, tenant: TenantId, now: Timestamp, report: &mut DeliveryReport) {
        let Some(transport) = &self.mailer.transport else {
            return;
        };
        let due = match self.store.mail().due_mail(tenant, now, PER_ROUND).await {
            Ok(due) => due,
            Err(error) => {
                tracing::warn!(%error, tenant = tenant.0, "outbox: reading due messages failed");
                return;
            }
        };
        let scope = Scope::new(tenant, Actor::SYSTEM);
        for mail in due {
            let outcome = match self.message(&mail) {
                Ok(message) => transport
                    .send(message)
                    .await
                    .map(|_| ())
                    .map_err(|error| error.to_string()),
                Err(error) => Err(error),
            };
            let delivery = match outcome {
                Ok(()) => {
                    report.sent += 1;
                    Delivery::Sent
                }
                Err(error) => match retry_after_minutes(mail.attempts + 1) {
                    Some(minutes) => {
                        report.retried += 1;
                        Delivery::Retry {
                            at: Timestamp(now.0 + minutes * 60_000),
                            error,
                        }
                    }
                    None => {
                        report.given_up += 1;
                        Delivery::GaveUp { error }
                    }
                },
            };
            if let Delivery::Retry { .. } | Delivery::GaveUp { .. } = delivery {
                tracing::warn!(
                    mail = mail.id.0,
                    tenant = tenant.0,
                    attempt = mail.attempts + 1,
                    "outbox: a send failed"
                );
            }
            if let Err(error) = self
                .store
                .mail()
                .record_delivery(&scope, mail.id, &delivery)
                .await
            {
                tracing::warn!(%error, mail = mail.id.0, "outbox: recording a send failed");
            }
        }
    }

    /// The message as it goes over SMTP; an address that cannot be one is
    /// a failed send (given up in time), not a crash.
    fn message(&self, mail: &OutboxMail) -> Result<Message, String> {
        let to = mail
            .recipient
            .parse()
            .map_err(|_| "the recipient is not an email address".to_string())?;
        let from = self
            .mailer
            .from
            .clone()
            .ok_or_else(|| "no sender address is configured".to_string())?;
        Message::builder()
            .from(from)
            .to(to)
            .subject(mail.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            .body(mail.text_to_send())
            .map_err(|error| error.to_string())
    }
}

impl Mail<'_> {
    /// Sends every tenant's messages due at `now`, and forgets messages
    /// sent more than 30 days before it.
    pub async fn deliver_due_mail(self, now: Timestamp) -> DeliveryReport {
        let mut report = DeliveryReport::default();
        let tenants = match self.store.audit_trail().open_tenant_ids().await {
            Ok(tenants) => tenants,
            Err(error) => {
                tracing::warn!(%error, "outbox: listing tenants failed");
                return report;
            }
        };
        for tenant in tenants {
            self.deliver_tenant(tenant, now, &mut report).await;
            let scope = Scope::new(tenant, Actor::SYSTEM);
            if let Err(error) = self
                .store
                .mail()
                .forget_sent_mail(&scope, Timestamp(now.0 - KEEP_SENT_MS))
                .await
            {
                tracing::warn!(%error, tenant = tenant.0, "outbox: forgetting sent messages failed");
            }
        }
        report
    }
}
