//! Teams, as administrators manage them, and the owner choices every
//! record form offers.

use crate::{App, AppError, Principal};
use custodian_core::access::{Action, Area};
use custodian_core::audit::{AuditAction, RecordType};
use custodian_core::teams::{Team, TeamInput};
use custodian_core::validation::required_text;
use custodian_core::{Refusal, TeamId, UserId, ValidationErrors};

impl App {
    pub async fn teams(&self, principal: &Principal) -> Result<Vec<Team>, AppError> {
        principal.authorize(Area::Administration, Action::Read)?;
        Ok(self.store.teams(principal.tenant).await?)
    }

    pub async fn team(&self, principal: &Principal, id: TeamId) -> Result<Team, AppError> {
        principal.authorize(Area::Administration, Action::Read)?;
        Ok(self.store.team(principal.tenant, id).await?)
    }

    /// Creates a team (`id` None) or replaces its name and members.
    pub async fn save_team(
        &self,
        principal: &Principal,
        id: Option<TeamId>,
        input: &TeamInput,
    ) -> Result<Team, AppError> {
        principal.authorize(Area::Administration, Action::Administer)?;
        let name = required_text(&input.name, 80)
            .map_err(|p| ValidationErrors::single("name", p.code, p.message))?;
        // "North" and "north" would be told apart by nobody.
        let taken = self
            .store
            .teams(principal.tenant)
            .await?
            .iter()
            .any(|t| Some(t.id) != id && t.name.to_lowercase() == name.to_lowercase());
        if taken {
            return Err(AppError::Refused(Refusal::Duplicate { field: "name" }));
        }
        let members: Vec<UserId> = input.member_ids.to_vec();
        Ok(self
            .store
            .save_team(&principal.scope(), id, &name, &members)
            .await?)
    }

    pub async fn delete_team(&self, principal: &Principal, id: TeamId) -> Result<(), AppError> {
        principal.authorize(Area::Administration, Action::Administer)?;
        Ok(self.store.delete_team(&principal.scope(), id).await?)
    }

    /// The active staff users a record can be given to.
    pub async fn owner_choices(
        &self,
        principal: &Principal,
    ) -> Result<Vec<(UserId, String)>, AppError> {
        principal.authorize(Area::OrganisationsAndContacts, Action::Read)?;
        self.staff_names(principal).await
    }

    /// The active staff users, for privacy pages: who answers for a legal
    /// hold or a review, whose actions the audit trail shows.
    pub async fn privacy_staff_choices(
        &self,
        principal: &Principal,
    ) -> Result<Vec<(UserId, String)>, AppError> {
        principal.authorize(Area::Privacy, Action::Read)?;
        self.staff_names(principal).await
    }

    /// Active staff users by name; the names read are audited.
    async fn staff_names(&self, principal: &Principal) -> Result<Vec<(UserId, String)>, AppError> {
        let choices = self.store.user_choices(principal.tenant).await?;
        self.record_read_fields(
            principal,
            AuditAction::List,
            RecordType::User,
            choices.iter().map(|(id, _)| id.0),
            "display_name",
        )
        .await?;
        Ok(choices)
    }
}
