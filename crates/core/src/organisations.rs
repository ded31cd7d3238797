//! Organisations: the customer companies a tenant does business with.

use crate::ids::{OrganisationId, UserId};
use crate::time::Timestamp;
use crate::validation::{optional_text, required_text, ValidationErrors};
use crate::values::{Address, PhoneNumber, WebUrl, NAME_MAX};
use serde::{Deserialize, Serialize};

/// What a person or a client submits to create or replace an organisation.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OrganisationInput {
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, pattern = r"\S", max_length = 200)
    )]
    pub name: String,
    /// The staff user who owns the record (record scope); the creator when
    /// omitted on create.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub owner_id: Option<UserId>,

    #[serde(default)]
    pub website: Option<String>,
    /// The tenant's own account number for this customer; unique per tenant.
    #[serde(default)]
    pub account_number: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub billing_address: Address,
    #[serde(default)]
    pub postal_address: Address,
}

/// A validated organisation, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganisationFields {
    pub name: String,
    pub owner_id: Option<UserId>,
    pub website: Option<WebUrl>,
    pub account_number: Option<String>,
    pub phone: Option<PhoneNumber>,
    pub billing_address: Address,
    pub postal_address: Address,
}

impl OrganisationFields {
    /// (field, value) pairs, to name what an update changed.
    pub fn field_values(&self) -> Vec<(&'static str, String)> {
        vec![
            ("name", self.name.clone()),
            ("owner_id", format!("{:?}", self.owner_id)),
            ("website", format!("{:?}", self.website)),
            ("account_number", format!("{:?}", self.account_number)),
            ("phone", format!("{:?}", self.phone)),
            ("billing_address", format!("{:?}", self.billing_address)),
            ("postal_address", format!("{:?}", self.postal_address)),
        ]
    }
}

impl OrganisationInput {
    pub fn validate(&self) -> Result<OrganisationFields, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let name = errors.check("name", required_text(&self.name, NAME_MAX));
        let website = match self.website.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(url) => errors.check("website", WebUrl::parse(url)),
        };
        let account_number = errors
            .check(
                "account_number",
                optional_text(self.account_number.as_deref(), 40),
            )
            .flatten();
        let phone = match self.phone.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(phone) => errors.check("phone", PhoneNumber::parse(phone)),
        };
        let billing_address = self
            .billing_address
            .validated("billing_address", &mut errors);
        let postal_address = self.postal_address.validated("postal_address", &mut errors);
        match name {
            Some(name) if errors.is_empty() => Ok(OrganisationFields {
                name,
                owner_id: self.owner_id,
                website,
                account_number,
                phone,
                billing_address,
                postal_address,
            }),
            _ => Err(errors),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Organisation {
    pub id: OrganisationId,
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub owner_id: Option<UserId>,
    /// The owner's name as shown.
    pub owner_name: Option<String>,
    pub website: Option<String>,
    pub account_number: Option<String>,
    pub phone: Option<String>,
    pub billing_address: Address,
    pub postal_address: Address,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: Timestamp,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub updated_at: Timestamp,
    /// Increases with every change; the ETag is derived from it.
    pub version: i64,
}

impl Organisation {
    pub fn to_input(&self) -> OrganisationInput {
        OrganisationInput {
            name: self.name.clone(),
            owner_id: self.owner_id,
            website: self.website.clone(),
            account_number: self.account_number.clone(),
            phone: self.phone.clone(),
            billing_address: self.billing_address.clone(),
            postal_address: self.postal_address.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bad_field_is_named() {
        let input = OrganisationInput {
            name: " ".into(),
            website: Some("acme".into()),
            phone: Some("x".into()),
            ..Default::default()
        };
        let errors = input.validate().unwrap_err();
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "website", "phone"]);
    }
}
