//! FAQ articles: a question and its answer, made impersonal (usually from a
//! resolved ticket, through the anonymisation step) and published to the
//! customer portal. The link to the ticket it came from is internal.

use super::anonymise::Finding;
use crate::ids::{FaqArticleId, TicketId};
use crate::time::Timestamp;
use crate::validation::{long_text, optional_text, required_text, ValidationErrors};
use crate::values::{BODY_MAX, NAME_MAX};
use serde::{Deserialize, Serialize};

/// An article as a form or an API client sends it.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FaqInput {
    /// The question.
    pub title: String,
    /// The answer.
    pub body: String,
    #[serde(default)]
    pub category: Option<String>,
    /// Published to the portal (true) or a draft.
    #[serde(default)]
    pub published: bool,
    /// The ticket it was made from (internal).
    #[serde(default)]
    pub source_ticket_id: Option<TicketId>,
    /// Texts the editor judged not personal although they look so (a
    /// product named like a person): publishing does not stop at them.
    #[serde(default)]
    pub keep: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaqFields {
    pub title: String,
    pub body: String,
    pub category: String,
    pub published: bool,
    pub source_ticket_id: Option<TicketId>,
    pub keep: Vec<String>,
}

impl FaqInput {
    pub fn validate(&self) -> Result<FaqFields, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let title = errors.check("title", required_text(&self.title, NAME_MAX));
        let body = errors.check("body", long_text(Some(&self.body), BODY_MAX));
        if body.as_deref().is_some_and(str::is_empty) {
            errors.add("body", "required", "This field is required.");
        }
        let category = errors.check(
            "category",
            optional_text(self.category.as_deref(), super::CATEGORY_MAX),
        );
        match (title, body, category) {
            (Some(title), Some(body), Some(category)) if errors.is_empty() => Ok(FaqFields {
                title,
                body,
                category: category.unwrap_or_default(),
                published: self.published,
                source_ticket_id: self.source_ticket_id,
                keep: self.keep.iter().map(|k| k.trim().to_string()).collect(),
            }),
            _ => Err(errors),
        }
    }
}

impl FaqFields {
    pub fn field_values(&self) -> Vec<(&'static str, String)> {
        vec![
            ("title", self.title.clone()),
            ("body", self.body.clone()),
            ("category", self.category.clone()),
            ("published_at", self.published.to_string()),
            ("source_ticket_id", format!("{:?}", self.source_ticket_id)),
        ]
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FaqArticle {
    pub id: FaqArticleId,
    pub title: String,
    pub body: String,
    pub category: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub published_at: Option<Timestamp>,
    /// Staff only: the ticket it was made from.
    pub source_ticket_id: Option<TicketId>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: Timestamp,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub updated_at: Timestamp,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub masked_fields: Vec<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub reason_required_fields: Vec<&'static str>,
    pub version: i64,
}

impl FaqArticle {
    pub fn to_input(&self) -> FaqInput {
        FaqInput {
            title: self.title.clone(),
            body: self.body.clone(),
            category: Some(self.category.clone()),
            published: self.published_at.is_some(),
            source_ticket_id: self.source_ticket_id,
            keep: Vec::new(),
        }
    }
}

/// A ticket made into an article's first draft: its text, what looks
/// personal in it, and the text with every finding replaced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FaqDraft {
    pub source_ticket_id: TicketId,
    pub title: String,
    pub body: String,
    pub title_findings: Vec<Finding>,
    pub body_findings: Vec<Finding>,
    /// The title with every finding replaced by its placeholder.
    pub redacted_title: String,
    /// The body with every finding replaced by its placeholder.
    pub redacted_body: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_article_needs_a_question_and_an_answer() {
        let errors = FaqInput::default().validate().unwrap_err();
        assert!(errors.for_field("title").is_some());
        assert!(errors.for_field("body").is_some());
        let fields = FaqInput {
            title: "How do I reset the printer?".into(),
            body: "Hold the power button for ten seconds.".into(),
            keep: vec![" Printy ".into()],
            ..Default::default()
        }
        .validate()
        .unwrap();
        assert_eq!(fields.keep, ["Printy"]);
        assert!(!fields.published);
    }
}
