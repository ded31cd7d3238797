//! Processing purposes, as the data protection officer manages them: the
//! privacy area of the permission matrix.

use crate::Privacy;
use crate::{AppError, Principal};
use custodian_core::access::{Action, Area};
use custodian_core::purposes::{Purpose, PurposeInput};
use custodian_core::PurposeId;

impl Privacy<'_> {
    pub async fn purposes(self, principal: &Principal) -> Result<Vec<Purpose>, AppError> {
        principal.authorize(Area::Privacy, Action::Read)?;
        Ok(self.store.privacy().purposes(principal.tenant).await?)
    }

    pub async fn purpose(self, principal: &Principal, id: PurposeId) -> Result<Purpose, AppError> {
        principal.authorize(Area::Privacy, Action::Read)?;
        Ok(self.store.privacy().purpose(principal.tenant, id).await?)
    }

    pub async fn create_purpose(
        self,
        principal: &Principal,
        input: &PurposeInput,
    ) -> Result<Purpose, AppError> {
        principal.authorize(Area::Privacy, Action::Create)?;
        let fields = input.validate()?;
        Ok(self
            .store
            .privacy()
            .create_purpose(&principal.scope(), &fields)
            .await?)
    }

    pub async fn update_purpose(
        self,
        principal: &Principal,
        id: PurposeId,
        input: &PurposeInput,
    ) -> Result<Purpose, AppError> {
        principal.authorize(Area::Privacy, Action::Update)?;
        let fields = input.validate()?;
        Ok(self
            .store
            .privacy()
            .update_purpose(&principal.scope(), id, &fields)
            .await?)
    }

    pub async fn delete_purpose(
        self,
        principal: &Principal,
        id: PurposeId,
    ) -> Result<(), AppError> {
        principal.authorize(Area::Privacy, Action::Delete)?;
        Ok(self
            .store
            .privacy()
            .delete_purpose(&principal.scope(), id)
            .await?)
    }
}
