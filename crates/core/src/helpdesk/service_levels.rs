//! Service levels: per priority, how long after a ticket is raised the first
//! answer and the resolution are due. Counted in calendar minutes (business
//! hours are a later refinement, docs/helpdesk.md).

use super::TicketPriority;
use crate::time::Timestamp;
use crate::validation::ValidationErrors;
use serde::{Deserialize, Serialize};

/// The longest a tenant may set: a year.
const MAX_MINUTES: i64 = 366 * 24 * 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ServiceLevel {
    pub priority: TicketPriority,
    /// Minutes from raising the ticket to the first answer.
    pub first_response_minutes: i64,
    /// Minutes from raising the ticket to its resolution.
    pub resolution_minutes: i64,
}

impl ServiceLevel {
    pub fn first_response_due(self, raised: Timestamp) -> Timestamp {
        Timestamp(raised.0 + self.first_response_minutes * 60_000)
    }

    pub fn resolution_due(self, raised: Timestamp) -> Timestamp {
        Timestamp(raised.0 + self.resolution_minutes * 60_000)
    }
}

/// The tenant's service levels, one per priority.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceLevels {
    pub levels: Vec<ServiceLevel>,
}

/// New service levels as a form or an API client sends them.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ServiceLevelsInput {
    pub levels: Vec<ServiceLevel>,
}

impl ServiceLevels {
    /// What a B2B helpdesk promises out of the box.
    pub fn defaults() -> ServiceLevels {
        let level = |priority, first_response_hours: i64, resolution_hours: i64| ServiceLevel {
            priority,
            first_response_minutes: first_response_hours * 60,
            resolution_minutes: resolution_hours * 60,
        };
        ServiceLevels {
            levels: vec![
                level(TicketPriority::Low, 24, 7 * 24),
                level(TicketPriority::Normal, 8, 3 * 24),
                level(TicketPriority::High, 4, 24),
                level(TicketPriority::Urgent, 1, 4),
            ],
        }
    }

    /// The defaults with the tenant's own levels laid over them.
    pub fn with(overrides: impl IntoIterator<Item = ServiceLevel>) -> ServiceLevels {
        let mut levels = ServiceLevels::defaults();
        for level in overrides {
            if let Some(slot) = levels
                .levels
                .iter_mut()
                .find(|l| l.priority == level.priority)
            {
                *slot = level;
            }
        }
        levels
    }

    pub fn for_priority(&self, priority: TicketPriority) -> ServiceLevel {
        self.levels
            .iter()
            .copied()
            .find(|l| l.priority == priority)
            .unwrap_or(ServiceLevel {
                priority,
                first_response_minutes: 8 * 60,
                resolution_minutes: 3 * 24 * 60,
            })
    }
}

impl ServiceLevelsInput {
    /// Every time positive and at most a year, the resolution no sooner
    /// than the first answer, each priority at most once.
    pub fn validate(&self) -> Result<ServiceLevels, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        for (i, level) in self.levels.iter().enumerate() {
            let name = level.priority.as_str();
            if self.levels[..i]
                .iter()
                .any(|l| l.priority == level.priority)
            {
                errors.add(
                    &format!("levels.{name}"),
                    "duplicate_priority",
                    format!("{} is given twice.", level.priority.label()),
                );
            }
            for (field, minutes) in [
                ("first_response_minutes", level.first_response_minutes),
                ("resolution_minutes", level.resolution_minutes),
            ] {
                if !(1..=MAX_MINUTES).contains(&minutes) {
                    errors.add(
                        &format!("levels.{name}.{field}"),
                        "invalid_minutes",
                        "Give a number of minutes from 1 to 527,040 (a year).",
                    );
                }
            }
            if level.resolution_minutes < level.first_response_minutes {
                errors.add(
                    &format!("levels.{name}.resolution_minutes"),
                    "resolution_before_response",
                    "The resolution cannot be due before the first answer.",
                );
            }
        }
        errors.finish(ServiceLevels::with(self.levels.iter().copied()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tenants_levels_lie_over_the_defaults() {
        let levels = ServiceLevelsInput {
            levels: vec![ServiceLevel {
                priority: TicketPriority::Urgent,
                first_response_minutes: 15,
                resolution_minutes: 120,
            }],
        }
        .validate()
        .unwrap();
        assert_eq!(
            levels
                .for_priority(TicketPriority::Urgent)
                .first_response_minutes,
            15
        );
        assert_eq!(
            levels.for_priority(TicketPriority::Low),
            ServiceLevels::defaults().for_priority(TicketPriority::Low)
        );
    }

    #[test]
    fn impossible_levels_are_refused() {
        let errors = ServiceLevelsInput {
            levels: vec![
                ServiceLevel {
                    priority: TicketPriority::High,
                    first_response_minutes: 0,
                    resolution_minutes: 60,
                },
                ServiceLevel {
                    priority: TicketPriority::Low,
                    first_response_minutes: 600,
                    resolution_minutes: 60,
                },
            ],
        }
        .validate()
        .unwrap_err();
        assert!(errors
            .for_field("levels.high.first_response_minutes")
            .is_some());
        assert!(errors.for_field("levels.low.resolution_minutes").is_some());
    }
}
