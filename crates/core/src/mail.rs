//! Outbound email: the outbox's states, why a message was sent, what the
//! notices say (as little personal data as will do: a number and a link),
//! and when a failed send is tried again.

use crate::ids::{ContactId, MailId};
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

named_enum!(
    /// Where a message stands in the outbox.
    MailStatus {
        Pending => "pending", "Waiting to be sent",
        Sent => "sent", "Sent",
        Failed => "failed", "Given up",
    }
);

named_enum!(
    /// Why the message was written.
    MailPurpose {
        TicketReply => "ticket_reply", "Reply on a ticket",
        PortalInvitation => "portal_invitation", "Portal invitation",
        PortalSignIn => "portal_sign_in", "Portal sign-in link",
        PortalVerification => "portal_verification", "Portal email check",
        StaffInvitation => "staff_invitation", "Staff invitation",
        StaffPassword => "staff_password", "Staff new-password link",
    }
);

/// Where a message's one-time link goes in its text: the link itself is
/// kept apart and put in only when the message is sent.
pub const LINK_PLACEHOLDER: &str = "[one-time link: in the sent message only]";

/// Sends a message gets before it is given up.
pub const MAX_ATTEMPTS: i64 = 8;

/// Minutes to wait after `attempts` failed sends, or None to give up.
pub fn retry_after_minutes(attempts: i64) -> Option<i64> {
    const WAITS: [i64; 7] = [1, 5, 15, 60, 180, 360, 720];
    usize::try_from(attempts - 1)
        .ok()
        .and_then(|i| WAITS.get(i).copied())
        .filter(|_| attempts < MAX_ATTEMPTS)
}

/// A message's subject line and text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailText {
    pub subject: String,
    pub body: String,
}

/// The requester is told that staff answered, and where to read it; the
/// answer itself stays behind the portal's login.
pub fn ticket_reply_notice(number: i64, link: &str) -> MailText {
    MailText {
        subject: format!("Ticket #{number}: there is a new reply"),
        body: format!(
            "Hello,\n\nthere is a new reply to your ticket #{number}. Read it and answer in the customer portal:\n\n{link}\n\nThis message was sent automatically; please do not answer it.\n"
        ),
    }
}

/// One message in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutboxMail {
    pub id: MailId,
    /// The contact it was written to, when it was.
    pub contact_id: Option<ContactId>,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub purpose: MailPurpose,
    pub status: MailStatus,
    pub attempts: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub next_attempt_at: Timestamp,
    /// Why the last send failed: the server's answer or the connection's
    /// error.
    pub last_error: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: Timestamp,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub sent_at: Option<Timestamp>,
    /// The one-time link that replaces [`LINK_PLACEHOLDER`] when sending;
    /// never shown.
    #[serde(skip)]
    pub secret_link: Option<String>,
}

impl OutboxMail {
    /// The text as it goes out, with its link put in.
    pub fn text_to_send(&self) -> String {
        match &self.secret_link {
            Some(link) => self.body.replace(LINK_PLACEHOLDER, link),
            None => self.body.clone(),
        }
    }
}

/// Deserialize is for API clients' filters.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutboxFilter {
    /// `pending`, `sent` or `failed`.
    pub status: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_send_waits_longer_each_time_then_is_given_up() {
        assert_eq!(retry_after_minutes(1), Some(1));
        assert_eq!(retry_after_minutes(2), Some(5));
        assert_eq!(retry_after_minutes(7), Some(720));
        assert_eq!(retry_after_minutes(MAX_ATTEMPTS), None);
        assert_eq!(retry_after_minutes(0), None);
    }

    #[test]
    fn a_reply_notice_names_the_number_and_the_link_only() {
        let notice = ticket_reply_notice(42, "https://crm.example/portal/tickets/7");
        assert_eq!(notice.subject, "Ticket #42: there is a new reply");
        assert!(notice.body.contains("https://crm.example/portal/tickets/7"));
    }
}
