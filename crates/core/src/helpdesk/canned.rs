//! Canned replies: the tenant's reusable answers ("Thank you, we are on
//! it…"), picked on a ticket to start a reply. They are templates written
//! by staff for everyone, so they hold no one's personal data.

use crate::ids::CannedReplyId;
use crate::time::Timestamp;
use crate::validation::{long_text, required_text, ValidationErrors};
use crate::values::{BODY_MAX, NAME_MAX};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CannedReply {
    pub id: CannedReplyId,
    /// What staff pick it by ("Parts ordered").
    pub title: String,
    /// The text a reply starts with.
    pub body: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: Timestamp,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub updated_at: Timestamp,
    pub version: i64,
}

/// A canned reply as a form or an API client sends it.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CannedReplyInput {
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, pattern = r"\S", max_length = 200)
    )]
    pub title: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 20000))]
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CannedReplyFields {
    pub title: String,
    pub body: String,
}

impl CannedReplyInput {
    pub fn validate(&self) -> Result<CannedReplyFields, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let title = errors.check("title", required_text(&self.title, NAME_MAX));
        let body = errors.check("body", long_text(Some(&self.body), BODY_MAX));
        if body.as_deref().is_some_and(str::is_empty) {
            errors.add("body", "required", "This field is required.");
        }
        match (title, body) {
            (Some(title), Some(body)) if errors.is_empty() => Ok(CannedReplyFields { title, body }),
            _ => Err(errors),
        }
    }
}

impl CannedReplyFields {
    /// (field, value) pairs, to name what an update changed.
    pub fn field_values(&self) -> Vec<(&'static str, String)> {
        vec![("title", self.title.clone()), ("body", self.body.clone())]
    }
}

impl CannedReply {
    pub fn to_input(&self) -> CannedReplyInput {
        CannedReplyInput {
            title: self.title.clone(),
            body: self.body.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_canned_reply_needs_a_title_and_a_text() {
        let errors = CannedReplyInput::default().validate().unwrap_err();
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["title", "body"]);
        let fields = CannedReplyInput {
            title: " Parts ordered ".into(),
            body: "We ordered the part; it arrives on Friday.".into(),
        }
        .validate()
        .unwrap();
        assert_eq!(fields.title, "Parts ordered");
    }
}
