//! Rectification (Art. 16): the corrections a subject asked for, applied to
//! one of their confirmed contact records through the normal validated and
//! audited update. A field left out stays as it is; an empty text clears it.

use crate::contacts::ContactInput;
use crate::privacy::requests::{RequestType, SubjectRequest};
use crate::values::Address;
use crate::ContactId;
use crate::ValidationErrors;
use serde::Deserialize;

/// The corrections to one contact record.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ContactCorrection {
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    /// One of `female`, `male`, `diverse`, `unspecified`; empty clears it.
    #[serde(default)]
    pub gender: Option<String>,
    #[serde(default)]
    pub position: Option<String>,
    /// Replaces every email address.
    #[serde(default)]
    pub emails: Option<Vec<String>>,
    /// Replaces every phone number.
    #[serde(default)]
    pub phones: Option<Vec<String>>,
    /// Replaces the whole work address.
    #[serde(default)]
    pub work_address: Option<Address>,
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RectificationInput {
    /// One of the request's confirmed contact records.
    pub contact_id: ContactId,
    pub corrections: ContactCorrection,
}

fn cleared(text: String) -> Option<String> {
    let text = text.trim().to_string();
    (!text.is_empty()).then_some(text)
}

impl ContactCorrection {
    pub fn is_empty(&self) -> bool {
        self.first_name.is_none()
            && self.last_name.is_none()
            && self.gender.is_none()
            && self.position.is_none()
            && self.emails.is_none()
            && self.phones.is_none()
            && self.work_address.is_none()
    }

    /// The record's input with the corrections made.
    pub fn apply(&self, mut input: ContactInput) -> ContactInput {
        if let Some(first) = &self.first_name {
            input.first_name = first.clone();
        }
        if let Some(last) = &self.last_name {
            input.last_name = last.clone();
        }
        if let Some(gender) = &self.gender {
            input.gender = cleared(gender.clone());
        }
        if let Some(position) = &self.position {
            input.position = cleared(position.clone());
        }
        if let Some(emails) = &self.emails {
            input.emails = emails.clone();
        }
        if let Some(phones) = &self.phones {
            input.phones = phones.clone();
        }
        if let Some(address) = &self.work_address {
            input.work_address = address.clone();
        }
        input
    }
}

impl SubjectRequest {
    /// Whether corrections may be applied for this request now.
    pub fn check_rectification(
        &self,
        correction: &ContactCorrection,
    ) -> Result<(), ValidationErrors> {
        let refuse =
            |field, code, message: &str| Err(ValidationErrors::single(field, code, message));
        self.require_type(
            RequestType::Rectification,
            "Only a rectification request corrects records.",
        )?;
        if !self.state.is_open() {
            return refuse("request", "request_closed", "The request is closed.");
        }
        if self.identity_verified_at.is_none() {
            return refuse(
                "request",
                "identity_not_verified",
                "Verify the subject's identity first.",
            );
        }
        if correction.is_empty() {
            return refuse("corrections", "required", "Name at least one correction.");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_named_fields_change_and_empty_text_clears() {
        let before = ContactInput {
            first_name: "Jon".into(),
            last_name: "Smyth".into(),
            position: Some("Buyer".into()),
            emails: vec!["jon@old.example".into()],
            ..ContactInput::default()
        };
        let correction: ContactCorrection = serde_json::from_str(
            r#"{"last_name": "Smith", "position": "", "emails": ["jon@new.example"]}"#,
        )
        .unwrap();
        let after = correction.apply(before);
        assert_eq!(after.first_name, "Jon");
        assert_eq!(after.last_name, "Smith");
        assert_eq!(after.position, None);
        assert_eq!(after.emails, ["jon@new.example"]);
        assert!(serde_json::from_str::<ContactCorrection>(r#"{"nickname": "J"}"#).is_err());
    }
}
