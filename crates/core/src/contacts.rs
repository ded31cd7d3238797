//! Contacts: the people at customer organisations; the main data subjects.

use crate::ids::{ContactId, OrganisationId, UserId};
use crate::time::Timestamp;
use crate::validation::{optional_text, required_text, FieldProblem, ValidationErrors};
use crate::values::{parse_list, Address, EmailAddress, PhoneNumber, NAME_MAX, SHORT_MAX};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    Female,
    Male,
    Diverse,
    Unspecified,
}

impl Gender {
    pub const ALL: [Gender; 4] = [
        Gender::Female,
        Gender::Male,
        Gender::Diverse,
        Gender::Unspecified,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Gender::Female => "female",
            Gender::Male => "male",
            Gender::Diverse => "diverse",
            Gender::Unspecified => "unspecified",
        }
    }

    pub fn parse(value: &str) -> Result<Self, FieldProblem> {
        Gender::ALL
            .into_iter()
            .find(|g| g.as_str() == value.trim())
            .ok_or_else(|| {
                FieldProblem::new(
                    "invalid_choice",
                    "Choose female, male, diverse or unspecified.",
                )
            })
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ContactInput {
    /// The staff user who owns the record (record scope); the creator when
    /// omitted on create.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub owner_id: Option<UserId>,
    #[serde(default)]
    pub organisation_id: Option<OrganisationId>,
    /// One of `female`, `male`, `diverse`, `unspecified`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Gender>))]
    pub gender: Option<String>,
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, pattern = r"\S", max_length = 100)
    )]
    pub first_name: String,
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, pattern = r"\S", max_length = 100)
    )]
    pub last_name: String,
    /// Job title.
    #[serde(default)]
    pub position: Option<String>,
    #[serde(default)]
    pub emails: Vec<String>,
    #[serde(default)]
    pub phones: Vec<String>,
    #[serde(default)]
    pub work_address: Address,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactFields {
    pub owner_id: Option<UserId>,
    pub organisation_id: Option<OrganisationId>,
    pub gender: Option<Gender>,
    pub first_name: String,
    pub last_name: String,
    pub position: Option<String>,
    pub emails: Vec<EmailAddress>,
    pub phones: Vec<PhoneNumber>,
    pub work_address: Address,
}

impl ContactFields {
    /// (field, value) pairs, to name what an update changed.
    pub fn field_values(&self) -> Vec<(&'static str, String)> {
        let join = |v: Vec<&str>| v.join("\n");
        vec![
            ("owner_id", format!("{:?}", self.owner_id)),
            ("organisation_id", format!("{:?}", self.organisation_id)),
            ("gender", format!("{:?}", self.gender)),
            ("first_name", self.first_name.clone()),
            ("last_name", self.last_name.clone()),
            ("position", format!("{:?}", self.position)),
            (
                "emails",
                join(self.emails.iter().map(|e| e.as_str()).collect()),
            ),
            (
                "phones",
                join(self.phones.iter().map(|p| p.as_str()).collect()),
            ),
            ("work_address", format!("{:?}", self.work_address)),
        ]
    }
}

impl ContactInput {
    pub fn validate(&self) -> Result<ContactFields, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let gender = match self.gender.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(g) => errors.check("gender", Gender::parse(g)),
        };
        let first_name = errors.check("first_name", required_text(&self.first_name, SHORT_MAX));
        let last_name = errors.check("last_name", required_text(&self.last_name, SHORT_MAX));
        let position = errors
            .check(
                "position",
                optional_text(self.position.as_deref(), NAME_MAX),
            )
            .flatten();
        let emails = parse_list("emails", &self.emails, 10, EmailAddress::parse, &mut errors);
        let phones = parse_list("phones", &self.phones, 10, PhoneNumber::parse, &mut errors);
        let work_address = self.work_address.validated("work_address", &mut errors);
        match (first_name, last_name) {
            (Some(first_name), Some(last_name)) if errors.is_empty() => Ok(ContactFields {
                owner_id: self.owner_id,
                organisation_id: self.organisation_id,
                gender,
                first_name,
                last_name,
                position,
                emails,
                phones,
                work_address,
            }),
            _ => Err(errors),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Contact {
    pub id: ContactId,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub owner_id: Option<UserId>,
    /// The owner's name as shown.
    pub owner_name: Option<String>,
    pub organisation_id: Option<OrganisationId>,
    /// The organisation's name, for display.
    pub organisation_name: Option<String>,
    pub gender: Option<Gender>,
    pub first_name: String,
    pub last_name: String,
    pub position: Option<String>,
    pub emails: Vec<String>,
    pub phones: Vec<String>,
    pub work_address: Address,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: Timestamp,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub updated_at: Timestamp,
    /// Since when processing is restricted at the subject's request (Art.
    /// 18): only the data protection officer changes the record meanwhile.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub restricted_since: Option<Timestamp>,
    /// Since when the subject objects to direct marketing (Art. 21(2)).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub marketing_objection_since: Option<Timestamp>,
    /// Fields emptied because the reader's roles are not granted their
    /// category (need-to-know); absent when nothing was hidden.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub masked_fields: Vec<&'static str>,
    /// Of `masked_fields`, those the reader's roles do grant but the tenant
    /// marks sensitive: a stated reason (`X-Access-Reason`) shows them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub reason_required_fields: Vec<&'static str>,
    pub version: i64,
}

impl Contact {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }

    pub fn to_input(&self) -> ContactInput {
        ContactInput {
            owner_id: self.owner_id,
            organisation_id: self.organisation_id,
            gender: self.gender.map(|g| g.as_str().to_string()),
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            position: self.position.clone(),
            emails: self.emails.clone(),
            phones: self.phones.clone(),
            work_address: self.work_address.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_errors_name_the_entry() {
        let input = ContactInput {
            first_name: "Ada".into(),
            last_name: "Lovelace".into(),
            emails: vec!["ada@example.com".into(), "".into(), "nope".into()],
            gender: Some("robot".into()),
            ..Default::default()
        };
        let errors = input.validate().unwrap_err();
        assert!(errors.for_field("emails[1]").is_some());
        assert!(errors.for_field("gender").is_some());
    }

    #[test]
    fn a_valid_contact() {
        let input = ContactInput {
            first_name: " Ada ".into(),
            last_name: "Lovelace".into(),
            emails: vec!["ada@example.com".into()],
            phones: vec!["+44 20 7946 0000".into()],
            ..Default::default()
        };
        let fields = input.validate().unwrap();
        assert_eq!(fields.first_name, "Ada");
        assert_eq!(fields.emails.len(), 1);
    }
}
