//! Roles a tenant defines for itself, next to the built-in ones: a name,
//! the permissions of the matrix it grants, the catalog categories it sees
//! and how far across records it reaches.

use crate::access::{Action, Area, RecordScope, Role};
use crate::catalog::Category;
use crate::grants::{Categories, Grants};
use crate::ids::RoleId;
use crate::validation::{required_text, ValidationErrors};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What an administrator submits to define or change a tenant role.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RoleInput {
    /// Lower-case letters, digits and `_`, as users' role lists name it;
    /// fixed once the role exists.
    pub name: String,
    pub label: String,
    /// Area → actions, e.g. `{"sales": ["read", "update"]}`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub permissions: BTreeMap<String, Vec<String>>,
    /// Catalog categories the role sees, e.g. `["identifier", "contact"]`.
    #[serde(default)]
    pub categories: Vec<String>,
    /// `own`, `team` or `all`: which records the role reaches. Required,
    /// so that leaving it out never widens a role.
    #[serde(default)]
    pub record_scope: Option<String>,
}

/// A validated tenant role, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleFields {
    pub name: String,
    pub label: String,
    pub grants: Grants,
}

/// A tenant role as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomRole {
    pub id: RoleId,
    pub name: String,
    pub label: String,
    pub grants: Grants,
}

/// A role as the API and the pages describe it, built-in or the tenant's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoleDescription {
    /// None for a built-in role.
    pub id: Option<RoleId>,
    pub name: String,
    pub label: String,
    pub built_in: bool,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub permissions: BTreeMap<&'static str, Vec<&'static str>>,
    pub categories: Vec<&'static str>,
    pub record_scope: RecordScope,
}

impl RoleDescription {
    pub fn new(id: Option<RoleId>, name: &str, label: &str, grants: &Grants) -> Self {
        let mut permissions: BTreeMap<&'static str, Vec<&'static str>> = BTreeMap::new();
        for (area, action) in grants.permissions() {
            permissions
                .entry(area.as_str())
                .or_default()
                .push(action.as_str());
        }
        RoleDescription {
            id,
            name: name.to_string(),
            label: label.to_string(),
            built_in: id.is_none(),
            permissions,
            categories: grants
                .categories()
                .iter()
                .filter(|c| *c != Category::None)
                .map(Category::as_str)
                .collect(),
            record_scope: grants.reach(),
        }
    }
}

impl CustomRole {
    pub fn describe(&self) -> RoleDescription {
        RoleDescription::new(Some(self.id), &self.name, &self.label, &self.grants)
    }

    pub fn to_input(&self) -> RoleInput {
        let described = self.describe();
        RoleInput {
            name: self.name.clone(),
            label: self.label.clone(),
            permissions: described
                .permissions
                .into_iter()
                .map(|(area, actions)| {
                    (
                        area.to_string(),
                        actions.into_iter().map(String::from).collect(),
                    )
                })
                .collect(),
            categories: described.categories.into_iter().map(String::from).collect(),
            record_scope: Some(self.grants.reach().as_str().to_string()),
        }
    }
}

fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && (2..=40).contains(&name.len())
}

impl RoleInput {
    pub fn validate(&self) -> Result<RoleFields, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let name = self.name.trim();
        if !valid_name(name) {
            errors.add(
                "name",
                "invalid_role_name",
                "Use 2 to 40 lower-case letters, digits or '_', starting with a letter.",
            );
        } else if Role::parse(name).is_some() {
            errors.add(
                "name",
                "reserved_role_name",
                format!("'{name}' is a built-in role; choose another name."),
            );
        }
        let label = errors.check("label", required_text(&self.label, 80));
        let mut permissions = Vec::new();
        for (area_name, actions) in &self.permissions {
            let field = format!("permissions.{area_name}");
            let Some(area) = Area::parse(area_name) else {
                errors.add(
                    &field,
                    "unknown_area",
                    format!(
                        "There is no area '{area_name}'. Areas: {}.",
                        Area::ALL.map(Area::as_str).join(", ")
                    ),
                );
                continue;
            };
            for action_name in actions {
                match Action::parse(action_name) {
                    Some(action) => permissions.push((area, action)),
                    None => errors.add(
                        &field,
                        "unknown_action",
                        format!(
                            "There is no action '{action_name}'. Actions: {}.",
                            Action::ALL.map(Action::as_str).join(", ")
                        ),
                    ),
                }
            }
        }
        let named_wrongly = errors.0.iter().any(|e| e.field.starts_with("permissions."));
        if permissions.is_empty() && !named_wrongly {
            errors.add(
                "permissions",
                "no_permission",
                "Give the role at least one permission.",
            );
        }
        let mut categories = Vec::new();
        for category_name in &self.categories {
            match Category::parse(category_name) {
                Some(category) if Category::grantable().any(|c| c == category) => {
                    categories.push(category)
                }
                Some(_) => errors.add(
                    "categories",
                    "not_grantable",
                    format!("'{category_name}' cannot be granted to any role."),
                ),
                None => errors.add(
                    "categories",
                    "unknown_category",
                    format!(
                        "There is no category '{category_name}'. Categories: {}.",
                        Category::grantable()
                            .map(Category::as_str)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ),
            }
        }
        let reach = match self.record_scope.as_deref().map(str::trim) {
            None | Some("") => {
                errors.add(
                    "record_scope",
                    "required",
                    "Choose which records the role reaches: own, team or all.",
                );
                RecordScope::Own
            }
            Some(scope) => match RecordScope::parse(scope) {
                Some(scope) => scope,
                None => {
                    errors.add(
                        "record_scope",
                        "unknown_record_scope",
                        "The record scope is one of own, team or all.",
                    );
                    RecordScope::All
                }
            },
        };
        match label {
            Some(label) if errors.is_empty() => Ok(RoleFields {
                name: name.to_string(),
                label,
                grants: Grants::new(permissions, Categories::of(categories), reach),
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(permissions: &[(&str, &[&str])], categories: &[&str]) -> RoleInput {
        RoleInput {
            name: "auditor".into(),
            label: "External auditor".into(),
            permissions: permissions
                .iter()
                .map(|(area, actions)| {
                    (
                        area.to_string(),
                        actions.iter().map(|a| a.to_string()).collect(),
                    )
                })
                .collect(),
            categories: categories.iter().map(|c| c.to_string()).collect(),
            record_scope: Some("team".into()),
        }
    }

    #[test]
    fn a_valid_role_becomes_grants() {
        let fields = input(
            &[("sales", &["read", "export"])],
            &["identifier", "financial"],
        )
        .validate()
        .unwrap();
        assert!(fields.grants.allow(Area::Sales, Action::Export));
        assert!(!fields.grants.allow(Area::Sales, Action::Update));
        assert!(fields.grants.sees(Category::Financial));
        assert!(!fields.grants.sees(Category::FreeText));
        assert_eq!(fields.grants.reach(), RecordScope::Team);
    }

    #[test]
    fn unknown_names_are_named() {
        let errors = input(
            &[("moon", &["read"]), ("sales", &["fly"])],
            &["magic", "credential"],
        )
        .validate()
        .unwrap_err();
        let codes: Vec<(&str, &str)> = errors
            .0
            .iter()
            .map(|e| (e.field.as_str(), e.code))
            .collect();
        assert_eq!(
            codes,
            [
                ("permissions.moon", "unknown_area"),
                ("permissions.sales", "unknown_action"),
                ("categories", "unknown_category"),
                ("categories", "not_grantable"),
            ]
        );
        let mut built_in = input(&[("sales", &["read"])], &[]);
        built_in.name = "sales".into();
        assert_eq!(
            built_in.validate().unwrap_err().0[0].code,
            "reserved_role_name"
        );
        let empty = input(&[], &[]);
        assert_eq!(empty.validate().unwrap_err().0[0].code, "no_permission");
    }

    #[test]
    fn a_stored_role_describes_itself_as_its_input() {
        let fields = input(&[("activities", &["read", "create"])], &["free_text"])
            .validate()
            .unwrap();
        let role = CustomRole {
            id: RoleId(7),
            name: fields.name.clone(),
            label: fields.label.clone(),
            grants: fields.grants,
        };
        assert_eq!(role.to_input().validate().unwrap(), fields);
    }
}
