//! The tenant's service levels: every support reader may see them (the
//! ticket pages show due times); administrators change them.

use crate::Helpdesk;
use crate::{AppError, Principal};
use custodian_core::access::{Action, Area};
use custodian_core::helpdesk::{ServiceLevels, ServiceLevelsInput};

impl Helpdesk<'_> {
    pub async fn service_levels(self, principal: &Principal) -> Result<ServiceLevels, AppError> {
        principal.authorize(Area::Support, Action::Read)?;
        Ok(self
            .store
            .helpdesk()
            .service_levels(principal.tenant)
            .await?)
    }

    pub async fn set_service_levels(
        self,
        principal: &Principal,
        input: &ServiceLevelsInput,
    ) -> Result<ServiceLevels, AppError> {
        principal.authorize(Area::Administration, Action::Administer)?;
        let levels = input.validate()?;
        Ok(self
            .store
            .helpdesk()
            .set_service_levels(&principal.scope(), &levels)
            .await?)
    }
}
