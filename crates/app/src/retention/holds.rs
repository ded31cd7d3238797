//! Legal holds: the privacy area places and releases them; both are
//! audited, and a hold past its review date is listed as due for review.

use crate::Retention;
use crate::{AppError, Principal};
use custodian_core::access::{Action, Area};
use custodian_core::retention::{HoldFields, LegalHold};
use custodian_core::time::{CalendarDate, Timestamp};
use custodian_core::{LegalHoldId, ValidationErrors};

impl Retention<'_> {
    pub async fn legal_holds(self, principal: &Principal) -> Result<Vec<LegalHold>, AppError> {
        principal.authorize(Area::Privacy, Action::Read)?;
        Ok(self
            .store
            .retention()
            .legal_hold_list(principal.tenant)
            .await?)
    }

    pub async fn place_legal_hold(
        self,
        principal: &Principal,
        fields: &HoldFields,
    ) -> Result<LegalHold, AppError> {
        principal.authorize(Area::Privacy, Action::Update)?;
        let hold = fields.validate(CalendarDate::of(Timestamp::now()))?;
        let owner = hold.owner_id.unwrap_or(principal.user_id);
        Ok(self
            .store
            .retention()
            .place_legal_hold(&principal.scope(), &hold, owner.0, principal.user_id.0)
            .await?)
    }

    pub async fn release_legal_hold(
        self,
        principal: &Principal,
        id: LegalHoldId,
        reason: &str,
    ) -> Result<LegalHold, AppError> {
        principal.authorize(Area::Privacy, Action::Update)?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(ValidationErrors::single(
                "reason",
                "required",
                "Say why the hold is no longer needed.",
            )
            .into());
        }
        Ok(self
            .store
            .retention()
            .release_legal_hold(&principal.scope(), id, principal.user_id.0, reason)
            .await?)
    }
}
