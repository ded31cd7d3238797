//! A tenant's access settings: how far the built-in sales and support roles
//! reach across records, and which catalog categories are sensitive, so
//! that reading them needs a stated reason ("break glass").

use crate::access::RecordScope;
use crate::catalog::Category;
use crate::grants::{BuiltInReach, Categories};
use crate::validation::ValidationErrors;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AccessSettings {
    pub built_in_reach: BuiltInReach,
    /// Reading these needs a stated reason.
    pub sensitive: Categories,
}

/// The tenant's access settings as a page or an API client sends and reads
/// them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AccessSettingsInput {
    /// `own`, `team` or `all`: which records the built-in sales role reaches.
    pub sales_record_scope: String,
    /// `own`, `team` or `all`: which records the built-in support role reaches.
    pub support_record_scope: String,
    /// Catalog categories whose reading needs a stated reason.
    #[serde(default)]
    pub sensitive_categories: Vec<String>,
}

impl AccessSettingsInput {
    pub fn of(settings: &AccessSettings) -> Self {
        AccessSettingsInput {
            sales_record_scope: settings.built_in_reach.sales.as_str().into(),
            support_record_scope: settings.built_in_reach.support.as_str().into(),
            sensitive_categories: settings
                .sensitive
                .iter()
                .map(|c| c.as_str().to_string())
                .collect(),
        }
    }

    pub fn validate(&self) -> Result<AccessSettings, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let mut reach = |field: &str, role: &str, value: &str| {
            RecordScope::parse(value.trim()).unwrap_or_else(|| {
                errors.add(
                    field,
                    "unknown_record_scope",
                    format!("Choose which records the {role} role reaches: own, team or all."),
                );
                RecordScope::All
            })
        };
        let sales = reach("sales_record_scope", "sales", &self.sales_record_scope);
        let support = reach(
            "support_record_scope",
            "support",
            &self.support_record_scope,
        );
        let mut sensitive = Vec::new();
        for name in &self.sensitive_categories {
            match Category::parse(name.trim()).filter(|c| Category::grantable().any(|g| g == *c)) {
                Some(category) => sensitive.push(category),
                None => errors.add(
                    "sensitive_categories",
                    "unknown_category",
                    format!(
                        "'{name}' is not a category that can be marked sensitive. Categories: {}.",
                        Category::grantable()
                            .map(Category::as_str)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ),
            }
        }
        errors.finish(AccessSettings {
            built_in_reach: BuiltInReach { sales, support },
            sensitive: Categories::of(sensitive),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_round_trip_and_bad_names_are_named() {
        let input = AccessSettingsInput {
            sales_record_scope: "own".into(),
            support_record_scope: "team".into(),
            sensitive_categories: vec!["free_text".into()],
        };
        let settings = input.validate().unwrap();
        assert_eq!(settings.built_in_reach.sales, RecordScope::Own);
        assert!(settings.sensitive.contains(Category::FreeText));
        assert_eq!(AccessSettingsInput::of(&settings), input);
        let bad = AccessSettingsInput {
            sales_record_scope: "mine".into(),
            support_record_scope: "all".into(),
            sensitive_categories: vec!["credential".into(), "gossip".into()],
        };
        let codes: Vec<&str> = bad
            .validate()
            .unwrap_err()
            .0
            .iter()
            .map(|e| e.code)
            .collect();
        assert_eq!(
            codes,
            [
                "unknown_record_scope",
                "unknown_category",
                "unknown_category"
            ]
        );
    }
}
