//! Outbound email: where messages go (an SMTP server, or nowhere, in which
//! case they wait in the outbox for an administrator to read), how links in
//! them are made, the delivery loop with its retries, and the outbox's use
//! cases.

mod delivery;
mod outbox;

pub use delivery::{spawn_mail_delivery, DeliveryReport};

use crate::AppError;
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, Tokio1Executor};
use std::time::Duration;

/// How the operator configured mail.
#[derive(Debug, Clone)]
pub struct MailSettings {
    /// The address people reach this server at, for links in messages,
    /// e.g. `https://crm.example.com`.
    pub public_url: String,
    /// The sender, e.g. `Custodian <no-reply@crm.example.com>`.
    pub from: String,
    /// `smtp://host:25`, `smtp://user:pass@host:587?tls=required` or
    /// `smtps://user:pass@host:465`; None keeps messages in the outbox.
    pub smtp_url: Option<String>,
}

impl Default for MailSettings {
    fn default() -> Self {
        MailSettings {
            public_url: "http://127.0.0.1:8080".into(),
            from: "Custodian <no-reply@custodian.invalid>".into(),
            smtp_url: None,
        }
    }
}

/// The settings, checked, with the transport made once.
pub(crate) struct Mailer {
    pub(crate) public_url: String,
    /// None until the operator's settings are given (`App::with_mail`).
    pub(crate) from: Option<Mailbox>,
    pub(crate) transport: Option<AsyncSmtpTransport<Tokio1Executor>>,
}

impl Mailer {
    /// Messages stay in the outbox; links point at the default address.
    pub(crate) fn keeping() -> Mailer {
        Mailer {
            public_url: MailSettings::default().public_url,
            from: None,
            transport: None,
        }
    }

    pub(crate) fn new(settings: &MailSettings) -> Result<Mailer, AppError> {
        let from = settings.from.parse::<Mailbox>().map_err(|_| {
            AppError::Configuration(format!(
                "the sender address {:?} is not an email address (CUSTODIAN_MAIL_FROM)",
                settings.from
            ))
        })?;
        let transport = match settings.smtp_url.as_deref().filter(|u| !u.is_empty()) {
            None => None,
            Some(url) => Some(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|error| {
                        AppError::Configuration(format!(
                            "the SMTP URL cannot be used (CUSTODIAN_SMTP_URL): {error}"
                        ))
                    })?
                    .timeout(Some(Duration::from_secs(20)))
                    .build(),
            ),
        };
        Ok(Mailer {
            public_url: settings.public_url.trim_end_matches('/').to_string(),
            from: Some(from),
            transport,
        })
    }

    /// An absolute link to `path` on this server.
    pub(crate) fn link(&self, path: &str) -> String {
        format!("{}{path}", self.public_url)
    }
}
