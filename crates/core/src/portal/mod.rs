//! The customer portal's accounts: a contact person's login, invited by
//! staff, with the organisation-access flag that lets them see their
//! organisation's tickets; one-time links (invitations, sign-in links) and
//! what the messages carrying them say.

pub mod registration;

use crate::ids::{ContactId, PortalAccountId};
use crate::mail::MailText;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

/// How long an invitation link can be used.
pub const INVITATION_HOURS: i64 = 7 * 24;
/// How long a sign-in link can be used.
pub const SIGN_IN_MINUTES: i64 = 15;
/// How long a portal session lasts without being used.
pub const SESSION_HOURS: i64 = 8;

named_enum!(
    /// What a one-time link is for.
    LinkPurpose {
        Invitation => "invitation", "Invitation",
        SignIn => "sign_in", "Sign-in link",
    }
);

/// A contact person's portal account, as staff see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PortalAccount {
    pub id: PortalAccountId,
    pub contact_id: ContactId,
    /// The address they log in with (their contact email when invited).
    pub email: String,
    /// They see and answer every ticket of their organisation, not only
    /// their own.
    pub organisation_access: bool,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub invited_at: Timestamp,
    /// When they accepted the invitation and chose a password.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub activated_at: Option<Timestamp>,
    /// Set when staff ended their access.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub disabled_at: Option<Timestamp>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub last_login_at: Option<Timestamp>,
    /// Fields hidden from this reader (need-to-know).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub masked_fields: Vec<&'static str>,
    /// Of `masked_fields`, those a stated reason (`X-Access-Reason`) shows.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub reason_required_fields: Vec<&'static str>,
}

impl PortalAccount {
    /// "Invited", "Active" or "Access ended".
    pub fn state(&self) -> &'static str {
        match (self.disabled_at, self.activated_at) {
            (Some(_), _) => "Access ended",
            (None, Some(_)) => "Active",
            (None, None) => "Invited",
        }
    }
}

/// What staff set of an account.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PortalAccessInput {
    pub organisation_access: bool,
    /// False ends their access (sessions and links too); true restores it.
    pub enabled: bool,
}

/// The invitation: who invites, and the link that lets them in (valid for
/// a week, once).
pub fn invitation_mail(organisation: &str, link: &str) -> MailText {
    MailText {
        subject: format!("Your access to the {organisation} customer portal"),
        body: format!(
            "Hello,\n\n{organisation} invites you to its customer portal, where you can raise and follow support tickets, read answers to common questions, and see and correct the details we keep about you.\n\nChoose your password here (the link works once, for 7 days):\n\n{link}\n\nIf you did not expect this message, you can ignore it.\n"
        ),
    }
}

/// A sign-in link, instead of the password.
pub fn sign_in_mail(link: &str) -> MailText {
    MailText {
        subject: "Your sign-in link for the customer portal".into(),
        body: format!(
            "Hello,\n\nhere is the link to sign in to the customer portal. It works once, for {SIGN_IN_MINUTES} minutes:\n\n{link}\n\nIf you did not ask for it, you can ignore this message.\n"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_says_where_it_stands() {
        let mut account = PortalAccount {
            id: PortalAccountId(1),
            contact_id: ContactId(2),
            email: "a@b.example".into(),
            organisation_access: false,
            invited_at: Timestamp(1),
            activated_at: None,
            disabled_at: None,
            last_login_at: None,
            masked_fields: Vec::new(),
            reason_required_fields: Vec::new(),
        };
        assert_eq!(account.state(), "Invited");
        account.activated_at = Some(Timestamp(2));
        assert_eq!(account.state(), "Active");
        account.disabled_at = Some(Timestamp(3));
        assert_eq!(account.state(), "Access ended");
    }

    #[test]
    fn the_messages_carry_the_link() {
        let mail = invitation_mail("Brauhaus Nord", "https://x.example/portal/invitation/t");
        assert!(mail.body.contains("https://x.example/portal/invitation/t"));
        assert!(mail.subject.contains("Brauhaus Nord"));
        assert!(sign_in_mail("https://x.example/l")
            .body
            .contains("15 minutes"));
    }
}

/// Why a link does not let anyone in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkProblem {
    /// No such link (or another purpose's).
    Unknown,
    Used,
    Expired,
    /// The account was ended since.
    Ended,
    /// The address has an account that signs in already: a registration
    /// does not change it.
    Taken,
}
