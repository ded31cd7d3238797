//! Roles and access settings, as administrators manage them: the built-in
//! roles described, the tenant's own roles defined, changed and removed,
//! how far sales and support reach, and which categories need a reason.

use crate::{App, AppError, Principal};
use custodian_core::access::{Action, Area, Role, Roles};
use custodian_core::access_settings::{AccessSettings, AccessSettingsInput};
use custodian_core::custom_roles::{CustomRole, RoleDescription, RoleInput};
use custodian_core::Refusal;
use custodian_core::{RoleId, ValidationErrors};

impl App {
    /// Every role a user of this tenant can hold: the built-in ones (with
    /// the tenant's reach for sales and support), then the tenant's own.
    pub async fn roles(&self, principal: &Principal) -> Result<Vec<RoleDescription>, AppError> {
        principal.authorize(Area::Administration, Action::Read)?;
        let settings = self.store.access_settings(principal.tenant).await?;
        let mut roles: Vec<RoleDescription> = Role::ALL
            .into_iter()
            .map(|role| {
                RoleDescription::new(
                    None,
                    role.as_str(),
                    role.label(),
                    &role.grants(settings.built_in_reach),
                )
            })
            .collect();
        let custom = self.store.custom_roles(principal.tenant).await?;
        roles.extend(custom.iter().map(CustomRole::describe));
        Ok(roles)
    }

    pub async fn custom_role(
        &self,
        principal: &Principal,
        id: RoleId,
    ) -> Result<CustomRole, AppError> {
        principal.authorize(Area::Administration, Action::Read)?;
        Ok(self.store.custom_role(principal.tenant, id).await?)
    }

    pub async fn create_custom_role(
        &self,
        principal: &Principal,
        input: &RoleInput,
    ) -> Result<CustomRole, AppError> {
        principal.authorize(Area::Administration, Action::Administer)?;
        let fields = input.validate()?;
        let existing = self.store.custom_roles(principal.tenant).await?;
        if existing.iter().any(|r| r.name == fields.name) {
            return Err(AppError::Refused(Refusal::Duplicate { field: "name" }));
        }
        self.require_distinct_label(principal, &fields.label, None)
            .await?;
        Ok(self
            .store
            .create_custom_role(&principal.scope(), &fields)
            .await?)
    }

    /// Changes a tenant role; its holders' access changes with their next
    /// request.
    pub async fn update_custom_role(
        &self,
        principal: &Principal,
        id: RoleId,
        input: &RoleInput,
    ) -> Result<CustomRole, AppError> {
        principal.authorize(Area::Administration, Action::Administer)?;
        let current = self.store.custom_role(principal.tenant, id).await?;
        let fields = input.validate()?;
        self.require_distinct_label(principal, &fields.label, Some(id))
            .await?;
        if fields.name != current.name {
            return Err(ValidationErrors::single(
                "name",
                "role_name_fixed",
                format!(
                    "A role keeps its name ('{}'): users' role lists hold it. Create a new role instead.",
                    current.name
                ),
            )
            .into());
        }
        Ok(self
            .store
            .update_custom_role(&principal.scope(), id, &fields)
            .await?)
    }

    pub async fn delete_custom_role(
        &self,
        principal: &Principal,
        id: RoleId,
    ) -> Result<(), AppError> {
        principal.authorize(Area::Administration, Action::Administer)?;
        Ok(self
            .store
            .delete_custom_role(&principal.scope(), id)
            .await?)
    }

    pub async fn access_settings(&self, principal: &Principal) -> Result<AccessSettings, AppError> {
        principal.authorize(Area::Administration, Action::Read)?;
        Ok(self.store.access_settings(principal.tenant).await?)
    }

    pub async fn set_access_settings(
        &self,
        principal: &Principal,
        input: &AccessSettingsInput,
    ) -> Result<AccessSettings, AppError> {
        principal.authorize(Area::Administration, Action::Administer)?;
        let settings = input.validate()?;
        self.store
            .set_access_settings(&principal.scope(), &settings)
            .await?;
        Ok(settings)
    }

    /// Refuses a label another role already shows (ignoring case): the
    /// users page offers roles by label.
    async fn require_distinct_label(
        &self,
        principal: &Principal,
        label: &str,
        this: Option<RoleId>,
    ) -> Result<(), AppError> {
        let same = |other: &str| other.trim().eq_ignore_ascii_case(label.trim());
        let taken = Role::ALL.iter().any(|r| same(r.label()))
            || self
                .store
                .custom_roles(principal.tenant)
                .await?
                .iter()
                .any(|r| Some(r.id) != this && same(&r.label));
        if taken {
            return Err(ValidationErrors::single(
                "label",
                "duplicate_label",
                "Another role has this label; choose one people can tell apart.",
            )
            .into());
        }
        Ok(())
    }

    /// Splits role names into built-in roles and the tenant's own; an
    /// unknown name is refused with the names there are.
    pub(crate) async fn resolve_role_names(
        &self,
        tenant: custodian_core::TenantId,
        names: &[String],
    ) -> Result<(Roles, Vec<String>), AppError> {
        let custom = self.store.custom_roles(tenant).await?;
        let mut built_in = Vec::new();
        let mut own = Vec::new();
        for name in names
            .iter()
            .flat_map(|n| n.split(','))
            .map(str::trim)
            .filter(|n| !n.is_empty())
        {
            if let Some(role) = Role::parse(name) {
                built_in.push(role);
            } else if custom.iter().any(|r| r.name == name) {
                if !own.iter().any(|o| o == name) {
                    own.push(name.to_string());
                }
            } else {
                let known: Vec<&str> = Role::ALL
                    .iter()
                    .map(|r| r.as_str())
                    .chain(custom.iter().map(|r| r.name.as_str()))
                    .collect();
                return Err(ValidationErrors::single(
                    "roles",
                    "unknown_role",
                    format!("There is no role '{name}'. Roles: {}.", known.join(", ")),
                )
                .into());
            }
        }
        Ok((Roles::of(&built_in), own))
    }
}
