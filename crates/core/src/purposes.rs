//! Processing purposes: why a tenant processes personal data, on which
//! lawful basis (GDPR Art. 6(1)), under which special-category condition
//! where Art. 9 data is used, which catalog categories, for how long and
//! for whom. Together they are the tenant's record of processing and what a
//! subject access export explains.

use crate::catalog::Category;
use crate::ids::PurposeId;
use crate::validation::{optional_text, required_text, ValidationErrors};
use serde::{Deserialize, Serialize};

/// The six lawful bases of Art. 6(1) GDPR.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LawfulBasis {
    /// (a) the subject consented.
    Consent,
    /// (b) needed for a contract with the subject.
    Contract,
    /// (c) a legal obligation of the controller.
    LegalObligation,
    /// (d) the vital interests of someone.
    VitalInterests,
    /// (e) a task in the public interest.
    PublicTask,
    /// (f) the controller's legitimate interests.
    LegitimateInterests,
}

impl LawfulBasis {
    pub const ALL: [LawfulBasis; 6] = [
        LawfulBasis::Consent,
        LawfulBasis::Contract,
        LawfulBasis::LegalObligation,
        LawfulBasis::VitalInterests,
        LawfulBasis::PublicTask,
        LawfulBasis::LegitimateInterests,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LawfulBasis::Consent => "consent",
            LawfulBasis::Contract => "contract",
            LawfulBasis::LegalObligation => "legal_obligation",
            LawfulBasis::VitalInterests => "vital_interests",
            LawfulBasis::PublicTask => "public_task",
            LawfulBasis::LegitimateInterests => "legitimate_interests",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            LawfulBasis::Consent => "Consent (Art. 6(1)(a))",
            LawfulBasis::Contract => "Contract (Art. 6(1)(b))",
            LawfulBasis::LegalObligation => "Legal obligation (Art. 6(1)(c))",
            LawfulBasis::VitalInterests => "Vital interests (Art. 6(1)(d))",
            LawfulBasis::PublicTask => "Public task (Art. 6(1)(e))",
            LawfulBasis::LegitimateInterests => "Legitimate interests (Art. 6(1)(f))",
        }
    }

    pub fn parse(value: &str) -> Option<LawfulBasis> {
        LawfulBasis::ALL.into_iter().find(|b| b.as_str() == value)
    }
}

/// The conditions of Art. 9(2) GDPR under which special categories may be
/// processed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SpecialCondition {
    ExplicitConsent,
    Employment,
    VitalInterests,
    NotForProfitBody,
    MadePublic,
    LegalClaims,
    SubstantialPublicInterest,
    HealthCare,
    PublicHealth,
    Archiving,
}

impl SpecialCondition {
    pub const ALL: [SpecialCondition; 10] = [
        SpecialCondition::ExplicitConsent,
        SpecialCondition::Employment,
        SpecialCondition::VitalInterests,
        SpecialCondition::NotForProfitBody,
        SpecialCondition::MadePublic,
        SpecialCondition::LegalClaims,
        SpecialCondition::SubstantialPublicInterest,
        SpecialCondition::HealthCare,
        SpecialCondition::PublicHealth,
        SpecialCondition::Archiving,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SpecialCondition::ExplicitConsent => "explicit_consent",
            SpecialCondition::Employment => "employment",
            SpecialCondition::VitalInterests => "vital_interests",
            SpecialCondition::NotForProfitBody => "not_for_profit_body",
            SpecialCondition::MadePublic => "made_public",
            SpecialCondition::LegalClaims => "legal_claims",
            SpecialCondition::SubstantialPublicInterest => "substantial_public_interest",
            SpecialCondition::HealthCare => "health_care",
            SpecialCondition::PublicHealth => "public_health",
            SpecialCondition::Archiving => "archiving",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SpecialCondition::ExplicitConsent => "Explicit consent (Art. 9(2)(a))",
            SpecialCondition::Employment => "Employment and social security (Art. 9(2)(b))",
            SpecialCondition::VitalInterests => "Vital interests (Art. 9(2)(c))",
            SpecialCondition::NotForProfitBody => "Not-for-profit body (Art. 9(2)(d))",
            SpecialCondition::MadePublic => "Made public by the subject (Art. 9(2)(e))",
            SpecialCondition::LegalClaims => "Legal claims (Art. 9(2)(f))",
            SpecialCondition::SubstantialPublicInterest => {
                "Substantial public interest (Art. 9(2)(g))"
            }
            SpecialCondition::HealthCare => "Health or social care (Art. 9(2)(h))",
            SpecialCondition::PublicHealth => "Public health (Art. 9(2)(i))",
            SpecialCondition::Archiving => "Archiving, research, statistics (Art. 9(2)(j))",
        }
    }

    pub fn parse(value: &str) -> Option<SpecialCondition> {
        SpecialCondition::ALL
            .into_iter()
            .find(|c| c.as_str() == value)
    }
}

/// What a data protection officer submits to define or change a purpose.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PurposeInput {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    /// consent, contract, legal_obligation, vital_interests, public_task or
    /// legitimate_interests.
    pub lawful_basis: String,
    /// Required exactly when `categories` include `special_category`.
    #[serde(default)]
    pub special_category_condition: Option<String>,
    /// Catalog categories the purpose uses.
    #[serde(default)]
    pub categories: Vec<String>,
    /// How long the data is kept for this purpose, as the tenant words it.
    pub retention: String,
    /// Who receives the data (processors, authorities), one per entry.
    #[serde(default)]
    pub recipients: Vec<String>,
    /// Direct marketing (newsletters, offers): an objection to direct
    /// marketing (Art. 21(2)) ends it for the subject, whatever the basis.
    #[serde(default)]
    pub direct_marketing: bool,
}

/// A validated purpose, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurposeFields {
    pub name: String,
    pub description: Option<String>,
    pub lawful_basis: LawfulBasis,
    pub special_category_condition: Option<SpecialCondition>,
    pub categories: Vec<Category>,
    pub retention: String,
    pub recipients: Vec<String>,
    pub direct_marketing: bool,
}

/// A purpose as stored and shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Purpose {
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub id: PurposeId,
    pub name: String,
    pub description: Option<String>,
    pub lawful_basis: LawfulBasis,
    pub special_category_condition: Option<SpecialCondition>,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub categories: Vec<&'static str>,
    pub retention: String,
    pub recipients: Vec<String>,
    /// Direct marketing, which an objection (Art. 21(2)) ends.
    pub direct_marketing: bool,
}

impl Purpose {
    pub fn to_input(&self) -> PurposeInput {
        PurposeInput {
            name: self.name.clone(),
            description: self.description.clone(),
            lawful_basis: self.lawful_basis.as_str().into(),
            special_category_condition: self.special_category_condition.map(|c| c.as_str().into()),
            categories: self.categories.iter().map(|c| c.to_string()).collect(),
            retention: self.retention.clone(),
            recipients: self.recipients.clone(),
            direct_marketing: self.direct_marketing,
        }
    }
}

impl PurposeInput {
    pub fn validate(&self) -> Result<PurposeFields, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let name = errors.check("name", required_text(&self.name, 100));
        let description = errors
            .check(
                "description",
                optional_text(self.description.as_deref(), 2_000),
            )
            .flatten();
        let lawful_basis = LawfulBasis::parse(self.lawful_basis.trim());
        if lawful_basis.is_none() {
            errors.add(
                "lawful_basis",
                "unknown_lawful_basis",
                format!(
                    "The lawful basis is one of: {}.",
                    LawfulBasis::ALL.map(LawfulBasis::as_str).join(", ")
                ),
            );
        }
        let mut categories = Vec::new();
        for name in &self.categories {
            match Category::parse(name.trim()).filter(|c| Category::grantable().any(|g| g == *c)) {
                Some(category) if !categories.contains(&category) => categories.push(category),
                Some(_) => {}
                None => errors.add(
                    "categories",
                    "unknown_category",
                    format!(
                        "'{name}' is not a category of personal data. Categories: {}.",
                        Category::grantable()
                            .map(Category::as_str)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ),
            }
        }
        let condition = match self
            .special_category_condition
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            None => None,
            Some(text) => {
                let parsed = SpecialCondition::parse(text);
                if parsed.is_none() {
                    errors.add(
                        "special_category_condition",
                        "unknown_condition",
                        format!(
                            "The condition is one of: {}.",
                            SpecialCondition::ALL
                                .map(SpecialCondition::as_str)
                                .join(", ")
                        ),
                    );
                }
                parsed
            }
        };
        let special = categories.contains(&Category::SpecialCategory);
        match (special, condition, &self.special_category_condition) {
            (true, None, None) => errors.add(
                "special_category_condition",
                "condition_required",
                "Special categories (Art. 9) need a condition of Art. 9(2).",
            ),
            (false, Some(_), _) => errors.add(
                "special_category_condition",
                "condition_without_special_category",
                "A condition of Art. 9(2) is only for purposes that use special categories.",
            ),
            _ => {}
        }
        let retention = errors.check("retention", required_text(&self.retention, 300));
        let mut recipients = Vec::new();
        for recipient in self
            .recipients
            .iter()
            .map(|r| r.trim())
            .filter(|r| !r.is_empty())
        {
            if recipient.chars().count() > 200 {
                errors.add(
                    "recipients",
                    "too_long",
                    "A recipient is at most 200 characters.",
                );
            } else {
                recipients.push(recipient.to_string());
            }
        }
        if recipients.len() > 30 {
            errors.add("recipients", "too_many", "Name at most 30 recipients.");
        }
        match (name, lawful_basis, retention) {
            (Some(name), Some(lawful_basis), Some(retention)) if errors.is_empty() => {
                Ok(PurposeFields {
                    name,
                    description,
                    lawful_basis,
                    special_category_condition: condition,
                    categories,
                    retention,
                    recipients,
                    direct_marketing: self.direct_marketing,
                })
            }
            _ => Err(errors),
        }
    }
}

/// The purposes a new tenant starts with, for a B2B CRM; the tenant edits
/// them.
pub fn defaults() -> Vec<PurposeFields> {
    use Category::{Contact, Financial, FreeText, Identifier, OnlineIdentifier, Professional};
    let purpose = |name: &str,
                   description: &str,
                   lawful_basis,
                   categories: &[Category],
                   retention: &str,
                   recipients: &[&str]| PurposeFields {
        name: name.into(),
        description: Some(description.into()),
        lawful_basis,
        special_category_condition: None,
        categories: categories.to_vec(),
        retention: retention.into(),
        recipients: recipients.iter().map(|r| r.to_string()).collect(),
        direct_marketing: name == "Marketing communications",
    };
    vec![
        purpose(
            "Customer relationship",
            "Managing our business relationship with customers' contact persons: who they are, how to reach them, what we discussed.",
            LawfulBasis::Contract,
            &[Identifier, Contact, Professional, FreeText],
            "2 years after the last contact, or the end of the customer relationship",
            &["Hosting provider (processor)"],
        ),
        purpose(
            "Customer support",
            "Answering support requests and keeping their history.",
            LawfulBasis::Contract,
            &[Identifier, Contact, Professional, FreeText],
            "5 years after the request is closed",
            &["Hosting provider (processor)", "Email provider (processor)"],
        ),
        purpose(
            "Invoicing and bookkeeping",
            "Agreements, invoices and payments, kept as commercial and tax law require.",
            LawfulBasis::LegalObligation,
            &[Identifier, Contact, Financial],
            "10 years after the end of the financial year (commercial and tax law)",
            &["Tax advisor", "Tax authority on request"],
        ),
        purpose(
            "Marketing communications",
            "Newsletters and product news to contact persons who asked for them.",
            LawfulBasis::Consent,
            &[Identifier, Contact],
            "Until consent is withdrawn",
            &["Email provider (processor)"],
        ),
        purpose(
            "Security and accountability",
            "Logging who accessed and changed personal data, to protect it and to account for it.",
            LawfulBasis::LegitimateInterests,
            &[Identifier, OnlineIdentifier],
            "As long as the audit trail must prove access; IP addresses and browsers are blanked on erasure",
            &[],
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> PurposeInput {
        PurposeInput {
            name: "Event invitations".into(),
            lawful_basis: "consent".into(),
            categories: vec!["identifier".into(), "contact".into()],
            retention: "Until consent is withdrawn".into(),
            recipients: vec!["Event agency".into(), " ".into()],
            ..Default::default()
        }
    }

    #[test]
    fn a_valid_purpose_and_its_defaults() {
        let fields = input().validate().unwrap();
        assert_eq!(fields.lawful_basis, LawfulBasis::Consent);
        assert_eq!(fields.recipients, ["Event agency"]);
        assert_eq!(defaults().len(), 5);
        for default in defaults() {
            assert!(default.special_category_condition.is_none());
        }
    }

    #[test]
    fn bad_input_is_named() {
        let mut bad = input();
        bad.lawful_basis = "because".into();
        bad.categories.push("gossip".into());
        bad.special_category_condition = Some("health_care".into());
        let errors = bad.validate().unwrap_err();
        let codes: Vec<&str> = errors.0.iter().map(|e| e.code).collect();
        assert_eq!(
            codes,
            [
                "unknown_lawful_basis",
                "unknown_category",
                "condition_without_special_category"
            ]
        );
        let mut special = input();
        special.categories.push("special_category".into());
        assert_eq!(
            special.validate().unwrap_err().0[0].code,
            "condition_required"
        );
        special.special_category_condition = Some("explicit_consent".into());
        assert!(special.validate().is_ok());
    }
}
