//! Registering for the customer portal without an invitation, where the
//! tenant allows it: who may (nobody, people already known as contacts, or
//! anyone), what they give (their name and email), and the message that
//! checks the address. Nothing becomes an account or a contact before the
//! person follows the link in that message.

use crate::mail::MailText;
use crate::validation::{required_text, ValidationErrors};
use crate::values::EmailAddress;
use serde::{Deserialize, Serialize};

/// How long the link that checks the address can be used.
pub const VERIFICATION_HOURS: i64 = 24;

named_enum!(
    /// Who may register for the portal without an invitation.
    RegistrationPolicy {
        Off => "off", "Only invited contacts",
        KnownContacts => "known_contacts", "Contacts already in the CRM, by their email",
        Anyone => "anyone", "Anyone (a new contact is made for them)",
    }
);

/// The tenant's choice, as the API reads and writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RegistrationSettings {
    /// off, known_contacts or anyone.
    pub policy: String,
}

impl RegistrationSettings {
    pub fn validate(&self) -> Result<RegistrationPolicy, ValidationErrors> {
        RegistrationPolicy::parse(self.policy.trim()).ok_or_else(|| {
            ValidationErrors::single(
                "policy",
                "unknown_policy",
                "Registration is off, known_contacts or anyone.",
            )
        })
    }
}

/// What a person gives to register.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegistrationInput {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
}

/// A checked registration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrationFields {
    pub first_name: String,
    pub last_name: String,
    /// Lower-cased, as portal accounts keep it.
    pub email: String,
}

impl RegistrationInput {
    pub fn validate(&self) -> Result<RegistrationFields, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let first_name = errors.check("first_name", required_text(&self.first_name, 100));
        let last_name = errors.check("last_name", required_text(&self.last_name, 100));
        let email = errors.check("email", EmailAddress::parse(&self.email));
        match (first_name, last_name, email) {
            (Some(first_name), Some(last_name), Some(email)) if errors.is_empty() => {
                Ok(RegistrationFields {
                    first_name,
                    last_name,
                    email: email.as_str().to_lowercase(),
                })
            }
            _ => Err(errors),
        }
    }
}

/// The message that checks the address: it carries the link, nothing the
/// person typed.
pub fn verification_mail(organisation: &str, link: &str) -> MailText {
    MailText {
        subject: format!("Confirm your email for the {organisation} customer portal"),
        body: format!(
            "Hello,\n\nsomeone, hopefully you, asked for access to the {organisation} customer portal with this address. To confirm it and choose your password, open this link (it works once, for {VERIFICATION_HOURS} hours):\n\n{link}\n\nIf it was not you, ignore this message: nothing is kept once the link expires.\n"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_registration_names_what_is_wrong() {
        let input = RegistrationInput {
            first_name: " ".into(),
            last_name: "Kessel".into(),
            email: "not an email".into(),
        };
        let codes: Vec<&str> = input
            .validate()
            .unwrap_err()
            .0
            .iter()
            .map(|e| e.code)
            .collect();
        assert_eq!(codes, ["required", "invalid_email"]);
        let fine = RegistrationInput {
            first_name: " Ida ".into(),
            last_name: "Kessel".into(),
            email: "Ida.Kessel@Brauhaus.example".into(),
        }
        .validate()
        .unwrap();
        assert_eq!(
            (fine.first_name.as_str(), fine.email.as_str()),
            ("Ida", "ida.kessel@brauhaus.example")
        );
        let refused = RegistrationSettings {
            policy: "everyone".into(),
        }
        .validate()
        .unwrap_err();
        assert_eq!(refused.0[0].code, "unknown_policy");
    }

    #[test]
    fn the_message_carries_no_typed_text() {
        let mail = verification_mail("Brauhaus Nord", "https://x.example/l");
        assert!(mail.body.contains("https://x.example/l"));
        assert!(mail.subject.contains("Brauhaus Nord"));
    }
}
