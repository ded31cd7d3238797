//! Assets: products a customer owns (installed base), with serial number and
//! control code.

use crate::ids::{AssetId, ContactId, OrganisationId};
use crate::time::Timestamp;
use crate::validation::{optional_text, required_text, ValidationErrors};
use crate::values::NAME_MAX;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AssetInput {
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, pattern = r"\S", max_length = 200)
    )]
    pub product_name: String,
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, pattern = r"\S", max_length = 80)
    )]
    pub serial_number: String,
    #[serde(default)]
    pub control_code: Option<String>,
    #[serde(default)]
    pub organisation_id: Option<OrganisationId>,
    #[serde(default)]
    pub contact_id: Option<ContactId>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetFields {
    pub product_name: String,
    pub serial_number: String,
    pub control_code: Option<String>,
    pub organisation_id: Option<OrganisationId>,
    pub contact_id: Option<ContactId>,
}

impl AssetFields {
    /// (field, value) pairs, to name what an update changed.
    pub fn field_values(&self) -> Vec<(&'static str, String)> {
        vec![
            ("product_name", self.product_name.clone()),
            ("serial_number", self.serial_number.clone()),
            ("control_code", format!("{:?}", self.control_code)),
            ("organisation_id", format!("{:?}", self.organisation_id)),
            ("contact_id", format!("{:?}", self.contact_id)),
        ]
    }
}

impl AssetInput {
    pub fn validate(&self) -> Result<AssetFields, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let product_name =
            errors.check("product_name", required_text(&self.product_name, NAME_MAX));
        let serial_number = errors.check("serial_number", required_text(&self.serial_number, 80));
        let control_code = errors
            .check(
                "control_code",
                optional_text(self.control_code.as_deref(), 80),
            )
            .flatten();
        if self.organisation_id.is_none() && self.contact_id.is_none() {
            errors.add(
                "organisation_id",
                "required",
                "An asset belongs to an organisation or a contact.",
            );
        }
        match (product_name, serial_number) {
            (Some(product_name), Some(serial_number)) if errors.is_empty() => Ok(AssetFields {
                product_name,
                serial_number,
                control_code,
                organisation_id: self.organisation_id,
                contact_id: self.contact_id,
            }),
            _ => Err(errors),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Asset {
    pub id: AssetId,
    pub product_name: String,
    pub serial_number: String,
    pub control_code: Option<String>,
    pub organisation_id: Option<OrganisationId>,
    pub contact_id: Option<ContactId>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: Timestamp,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub updated_at: Timestamp,
    pub version: i64,
}

impl Asset {
    pub fn to_input(&self) -> AssetInput {
        AssetInput {
            product_name: self.product_name.clone(),
            serial_number: self.serial_number.clone(),
            control_code: self.control_code.clone(),
            organisation_id: self.organisation_id,
            contact_id: self.contact_id,
        }
    }
}
