//! Staff users invited from the browser: the invitation an administrator
//! fills in, and the one-time links (an invitation, or a new password for
//! someone who lost theirs) that let a person set their own password.

use crate::mail::{MailPurpose, MailText};
use crate::validation::{required_text, ValidationErrors};
use crate::values::EmailAddress;
use serde::{Deserialize, Serialize};

/// Days an invitation or new-password link works.
pub const STAFF_LINK_DAYS: i64 = 7;

named_enum!(
    /// What a staff link is for.
    StaffLinkPurpose {
        Invitation => "invitation", "Invitation",
        NewPassword => "password", "New password",
    }
);

/// Whom to invite and with which roles.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct InvitationInput {
    /// Where the invitation goes; the user signs in with it.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = Email, max_length = 254))]
    pub email: String,
    /// How the user is shown; the part of the email before `@` when empty.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    pub display_name: String,
    /// Built-in role names (`support`, …) or the tenant's own roles' names.
    #[serde(default)]
    pub roles: Vec<String>,
}

/// An invitation's email and name, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitee {
    pub email: EmailAddress,
    pub display_name: String,
}

impl InvitationInput {
    pub fn validate(&self) -> Result<Invitee, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let email = errors.check("email", EmailAddress::parse(&self.email));
        let display_name = if self.display_name.trim().is_empty() {
            email
                .as_ref()
                .map(|e| e.as_str().split('@').next().unwrap_or("").to_string())
        } else {
            errors.check("display_name", required_text(&self.display_name, 100))
        };
        if self.roles.iter().all(|r| r.trim().is_empty()) {
            errors.add("roles", "no_role", "Give the user at least one role.");
        }
        match (email, display_name) {
            (Some(email), Some(display_name)) if errors.is_empty() => Ok(Invitee {
                email,
                display_name,
            }),
            _ => Err(errors),
        }
    }
}

impl StaffLinkPurpose {
    /// The message that carries the link.
    pub fn mail(self, organisation: &str, link: &str) -> MailText {
        match self {
            StaffLinkPurpose::Invitation => MailText {
                subject: format!("You are invited to {organisation}'s Custodian"),
                body: format!(
                    "Hello,\n\n{organisation} invites you to Custodian, where it keeps its customers, tickets and privacy records.\n\nChoose your password here (the link works once, for {STAFF_LINK_DAYS} days):\n\n{link}\n\nIf you did not expect this message, you can ignore it.\n"
                ),
            },
            StaffLinkPurpose::NewPassword => MailText {
                subject: format!("A new password for {organisation}'s Custodian"),
                body: format!(
                    "Hello,\n\nan administrator of {organisation} made you a link to choose a new password (it works once, for {STAFF_LINK_DAYS} days):\n\n{link}\n\nIf you did not ask for it, tell your administrator.\n"
                ),
            },
        }
    }

    pub fn mail_purpose(self) -> MailPurpose {
        match self {
            StaffLinkPurpose::Invitation => MailPurpose::StaffInvitation,
            StaffLinkPurpose::NewPassword => MailPurpose::StaffPassword,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invitation_needs_an_address_and_a_role() {
        let invitee = InvitationInput {
            email: "Nora@Example.com".into(),
            display_name: String::new(),
            roles: vec!["support".into()],
        }
        .validate()
        .unwrap();
        assert_eq!(invitee.display_name, "Nora");
        let refused = InvitationInput {
            email: "not an address".into(),
            display_name: "Nora".into(),
            roles: vec![],
        }
        .validate()
        .unwrap_err();
        let fields: Vec<&str> = refused.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["email", "roles"]);
    }
}
