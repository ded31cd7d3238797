//! Agreements: contracts with an organisation, with a term, a value and a
//! status.

use crate::ids::{AgreementId, OrganisationId};
use crate::time::{CalendarDate, Timestamp};
use crate::validation::{required_text, FieldProblem, ValidationErrors};
use crate::values::NAME_MAX;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AgreementStatus {
    Draft,
    Active,
    Expired,
    Terminated,
}

impl AgreementStatus {
    pub const ALL: [AgreementStatus; 4] = [
        AgreementStatus::Draft,
        AgreementStatus::Active,
        AgreementStatus::Expired,
        AgreementStatus::Terminated,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AgreementStatus::Draft => "draft",
            AgreementStatus::Active => "active",
            AgreementStatus::Expired => "expired",
            AgreementStatus::Terminated => "terminated",
        }
    }

    pub fn parse(value: &str) -> Result<Self, FieldProblem> {
        AgreementStatus::ALL
            .into_iter()
            .find(|s| s.as_str() == value.trim())
            .ok_or_else(|| {
                FieldProblem::new(
                    "invalid_choice",
                    "Choose draft, active, expired or terminated.",
                )
            })
    }
}

/// An amount of money in minor units (cents).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Money {
    pub minor_units: i64,
}

impl Money {
    /// Parses `12500`, `12500.5` or `12500.50` (a dot as decimal separator).
    pub fn parse(input: &str) -> Result<Money, FieldProblem> {
        let invalid = || FieldProblem::new("invalid_amount", "Give an amount like 12500.00.");
        let value = input.trim();
        let (whole, fraction) = value.split_once('.').unwrap_or((value, ""));
        if whole.is_empty()
            || whole.len() > 13
            || fraction.len() > 2
            || !whole.chars().all(|c| c.is_ascii_digit())
            || !fraction.chars().all(|c| c.is_ascii_digit())
        {
            return Err(invalid());
        }
        let whole: i64 = whole.parse().map_err(|_| invalid())?;
        let cents: i64 = format!("{fraction:0<2}").parse().map_err(|_| invalid())?;
        Ok(Money {
            minor_units: whole * 100 + cents,
        })
    }

    pub fn to_decimal(self) -> String {
        format!("{}.{:02}", self.minor_units / 100, self.minor_units % 100)
    }
}

/// An amount as people read it, with thousands grouped and its currency:
/// `48,500.00 EUR` (English; other locales come with the message catalog).
/// A value that is not a plain decimal amount is shown as it is.
pub fn display_money(decimal: &str, currency: &str) -> String {
    let Ok(money) = Money::parse(decimal) else {
        return format!("{decimal} {currency}").trim().to_string();
    };
    let whole = crate::numbers::grouped(money.minor_units.unsigned_abs() / 100);
    let sign = if money.minor_units < 0 { "-" } else { "" };
    format!(
        "{sign}{whole}.{:02} {currency}",
        money.minor_units.unsigned_abs() % 100
    )
    .trim()
    .to_string()
}

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AgreementInput {
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, pattern = r"\S", max_length = 200)
    )]
    pub title: String,
    pub organisation_id: Option<OrganisationId>,
    /// `YYYY-MM-DD`.
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub start_date: String,
    /// `YYYY-MM-DD`; open-ended when absent.
    #[serde(default)]
    pub end_date: Option<String>,
    /// Decimal amount, e.g. `"12500.00"`.
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = r"^\s*[0-9]{1,13}(\.[0-9]{0,2})?\s*$")
    )]
    pub value: String,
    /// ISO 4217 code, e.g. `EUR`.
    #[cfg_attr(feature = "openapi", schema(pattern = r"^\s*[A-Za-z]{3}\s*$"))]
    pub currency: String,
    /// One of `draft`, `active`, `expired`, `terminated`.
    #[cfg_attr(feature = "openapi", schema(value_type = AgreementStatus))]
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgreementFields {
    pub title: String,
    pub organisation_id: OrganisationId,
    pub start_date: CalendarDate,
    pub end_date: Option<CalendarDate>,
    pub value: Money,
    pub currency: String,
    pub status: AgreementStatus,
}

impl AgreementFields {
    /// (field, value) pairs, to name what an update changed.
    pub fn field_values(&self) -> Vec<(&'static str, String)> {
        vec![
            ("title", self.title.clone()),
            ("organisation_id", self.organisation_id.to_string()),
            ("start_date", self.start_date.to_iso()),
            ("end_date", format!("{:?}", self.end_date)),
            ("value", self.value.minor_units.to_string()),
            ("currency", self.currency.clone()),
            ("status", self.status.as_str().to_string()),
        ]
    }
}

impl AgreementInput {
    pub fn validate(&self) -> Result<AgreementFields, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let bad_date = || FieldProblem::new("invalid_date", "Give a date like 2026-11-24.");
        let title = errors.check("title", required_text(&self.title, NAME_MAX));
        if self.organisation_id.is_none() {
            errors.add("organisation_id", "required", "Choose the organisation.");
        }
        let start_date = errors.check(
            "start_date",
            CalendarDate::parse(&self.start_date).ok_or_else(bad_date),
        );
        let end_date = match self.end_date.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(d) => errors.check("end_date", CalendarDate::parse(d).ok_or_else(bad_date)),
        };
        if let (Some(start), Some(end)) = (start_date, end_date) {
            if end < start {
                errors.add(
                    "end_date",
                    "before_start",
                    "The end date is before the start date.",
                );
            }
        }
        let value = errors.check("value", Money::parse(&self.value));
        let currency = self.currency.trim().to_uppercase();
        if !crate::codes::is_currency(&currency) {
            errors.add(
                "currency",
                "invalid_currency",
                "Use a three-letter ISO currency code such as EUR, CHF or GBP.",
            );
        }
        let status = errors.check("status", AgreementStatus::parse(&self.status));
        match (title, self.organisation_id, start_date, value, status) {
            (Some(title), Some(organisation_id), Some(start_date), Some(value), Some(status))
                if errors.is_empty() =>
            {
                Ok(AgreementFields {
                    title,
                    organisation_id,
                    start_date,
                    end_date,
                    value,
                    currency,
                    status,
                })
            }
            _ => Err(errors),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Agreement {
    pub id: AgreementId,
    pub title: String,
    pub organisation_id: OrganisationId,
    pub organisation_name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub start_date: CalendarDate,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub end_date: Option<CalendarDate>,
    /// Decimal amount, e.g. `"12500.00"`.
    pub value: String,
    pub currency: String,
    pub status: AgreementStatus,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: Timestamp,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub updated_at: Timestamp,
    /// Fields emptied because the reader's roles are not granted their
    /// category (need-to-know); absent when nothing was hidden.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub masked_fields: Vec<&'static str>,
    /// Of `masked_fields`, those the reader's roles do grant but the tenant
    /// marks sensitive: a stated reason (`X-Access-Reason`) shows them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub reason_required_fields: Vec<&'static str>,
    pub version: i64,
}

impl Agreement {
    pub fn to_input(&self) -> AgreementInput {
        AgreementInput {
            title: self.title.clone(),
            organisation_id: Some(self.organisation_id),
            start_date: self.start_date.to_iso(),
            end_date: self.end_date.map(|d| d.to_iso()),
            value: self.value.clone(),
            currency: self.currency.clone(),
            status: self.status.as_str().to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_parses_exactly() {
        assert_eq!(Money::parse("12500").unwrap().minor_units, 1_250_000);
        assert_eq!(Money::parse("0.5").unwrap().minor_units, 50);
        assert_eq!(Money::parse("19.99").unwrap().to_decimal(), "19.99");
        assert_eq!(display_money("48500", "EUR"), "48,500.00 EUR");
        assert_eq!(display_money("1234567.5", "USD"), "1,234,567.50 USD");
        assert_eq!(display_money("999.00", "EUR"), "999.00 EUR");
        assert_eq!(display_money("0.05", "EUR"), "0.05 EUR");
        assert_eq!(display_money("", "EUR"), "EUR");
        for bad in ["", "-1", "1,5", "1.234", "abc", "1e5"] {
            assert!(Money::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn end_before_start_is_refused() {
        let input = AgreementInput {
            title: "Support".into(),
            organisation_id: Some(OrganisationId(1)),
            start_date: "2026-05-01".into(),
            end_date: Some("2026-01-01".into()),
            value: "100".into(),
            currency: "eur".into(),
            status: "active".into(),
        };
        assert_eq!(input.validate().unwrap_err().0[0].code, "before_start");
    }
}
