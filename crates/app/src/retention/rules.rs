//! Retention rules and the tenant's contract end: the privacy area reads
//! them, and changes them with their validation against each other.

use crate::Retention;
use crate::{AppError, Principal};
use custodian_core::access::{Action, Area};
use custodian_core::retention::{RetentionRule, RuleInput};
use custodian_core::time::CalendarDate;
use custodian_core::{Refusal, RetentionRuleId, ValidationErrors};

impl Retention<'_> {
    pub async fn retention_rules(
        self,
        principal: &Principal,
    ) -> Result<Vec<RetentionRule>, AppError> {
        principal.authorize(Area::Privacy, Action::Read)?;
        Ok(self
            .store
            .retention()
            .retention_rules(principal.tenant)
            .await?)
    }

    pub async fn retention_rule(
        self,
        principal: &Principal,
        id: RetentionRuleId,
    ) -> Result<RetentionRule, AppError> {
        principal.authorize(Area::Privacy, Action::Read)?;
        Ok(self
            .store
            .retention()
            .retention_rule(principal.tenant, id)
            .await?)
    }

    pub async fn create_retention_rule(
        self,
        principal: &Principal,
        input: &RuleInput,
    ) -> Result<RetentionRule, AppError> {
        principal.authorize(Area::Privacy, Action::Update)?;
        let others = self
            .store
            .retention()
            .retention_rules(principal.tenant)
            .await?;
        let fields = input.validate(&others)?;
        Ok(self
            .store
            .retention()
            .create_retention_rule(&principal.scope(), &fields)
            .await?)
    }

    pub async fn update_retention_rule(
        self,
        principal: &Principal,
        id: RetentionRuleId,
        input: &RuleInput,
    ) -> Result<RetentionRule, AppError> {
        principal.authorize(Area::Privacy, Action::Update)?;
        let mut others = self
            .store
            .retention()
            .retention_rules(principal.tenant)
            .await?;
        if !others.iter().any(|r| r.id == id) {
            return Err(AppError::Refused(Refusal::NotFound));
        }
        others.retain(|r| r.id != id);
        let fields = input.validate(&others)?;
        Ok(self
            .store
            .retention()
            .update_retention_rule(&principal.scope(), id, &fields)
            .await?)
    }

    pub async fn delete_retention_rule(
        self,
        principal: &Principal,
        id: RetentionRuleId,
    ) -> Result<(), AppError> {
        principal.authorize(Area::Privacy, Action::Update)?;
        Ok(self
            .store
            .retention()
            .delete_retention_rule(&principal.scope(), id)
            .await?)
    }

    pub async fn contract_end(
        self,
        principal: &Principal,
    ) -> Result<Option<CalendarDate>, AppError> {
        principal.authorize(Area::Privacy, Action::Read)?;
        Ok(self
            .store
            .retention()
            .contract_end(principal.tenant)
            .await?)
    }

    /// Sets (or, with an empty value, clears) the day the tenant's contract
    /// with the operator ends.
    pub async fn set_contract_end(
        self,
        principal: &Principal,
        value: &str,
    ) -> Result<Option<CalendarDate>, AppError> {
        principal.authorize(Area::Administration, Action::Update)?;
        let value = value.trim();
        let end = if value.is_empty() {
            None
        } else {
            Some(CalendarDate::parse(value).ok_or_else(|| {
                ValidationErrors::single(
                    "contract_ends_on",
                    "invalid_date",
                    "Give the day as YYYY-MM-DD.",
                )
            })?)
        };
        self.store
            .retention()
            .set_contract_end(&principal.scope(), end)
            .await?;
        Ok(end)
    }
}
