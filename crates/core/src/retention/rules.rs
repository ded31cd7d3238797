//! Retention rules: for one record type, after a period from a trigger, an
//! action. A tenant starts with defaults for a B2B CRM and edits them; a
//! rule that would act on everything at once needs a confirmation, and
//! rules that contradict each other are refused.

use super::period::Period;
use crate::activities::ActivityKind;
use crate::validation::{FieldProblem, ValidationErrors};
use crate::RetentionRuleId;
use serde::{Deserialize, Serialize};

named_enum! {
    /// The records a rule acts on.
    RetainedType {
        Contact => "contact", "Contacts",
        Activity => "activity", "Activities and call notes",
        StaffUser => "staff_user", "Staff user accounts",
    }
}

named_enum! {
    /// From when a rule's period counts.
    RetentionTrigger {
        LastActivity => "last_activity", "Last activity or access",
        RelationshipEnded => "relationship_ended", "End of the relationship",
        Created => "created", "Creation",
        TenantContractEnd => "tenant_contract_end", "End of the tenant's contract",
    }
}

named_enum! {
    /// What a rule does to a due record.
    RetentionAction {
        Review => "review", "List for review",
        Anonymise => "anonymise", "Anonymise",
        Delete => "delete", "Delete",
    }
}

impl RetentionAction {
    /// How far the action goes: a later rule on the same records must go at
    /// least as far, or it is never reached.
    fn reach(self) -> u8 {
        match self {
            RetentionAction::Review => 0,
            RetentionAction::Anonymise => 1,
            RetentionAction::Delete => 2,
        }
    }
}

impl RetainedType {
    pub fn triggers(self) -> &'static [RetentionTrigger] {
        use RetentionTrigger as T;
        match self {
            RetainedType::Contact => &[
                T::LastActivity,
                T::RelationshipEnded,
                T::Created,
                T::TenantContractEnd,
            ],
            RetainedType::Activity => &[T::LastActivity, T::Created, T::TenantContractEnd],
            RetainedType::StaffUser => &[T::RelationshipEnded, T::TenantContractEnd],
        }
    }

    pub fn actions(self) -> &'static [RetentionAction] {
        use RetentionAction as A;
        match self {
            RetainedType::Contact | RetainedType::Activity => &[A::Review, A::Anonymise, A::Delete],
            // Staff accounts are named by the audit trail and by what they
            // wrote: they are anonymised, never deleted.
            RetainedType::StaffUser => &[A::Review, A::Anonymise],
        }
    }

    /// What the trigger means for this record type, for the rule's page and
    /// the privacy information of an export.
    pub fn trigger_meaning(self, trigger: RetentionTrigger) -> &'static str {
        use RetentionTrigger as T;
        match (self, trigger) {
            (RetainedType::Contact, T::LastActivity) => {
                "the contact's last activity, change or access by staff"
            }
            (RetainedType::Activity, T::LastActivity) => "the activity's last change or access",
            (RetainedType::Contact, T::RelationshipEnded) => {
                "the end of the last agreement with the contact's organisation"
            }
            (RetainedType::StaffUser, T::RelationshipEnded) => {
                "the deactivation of the account (the staff member left)"
            }
            (RetainedType::Activity, T::Created) => "the date of the activity",
            (_, T::Created) => "the creation of the record",
            (_, T::TenantContractEnd) => "the end of the tenant's contract with the operator",
            (_, T::LastActivity | T::RelationshipEnded) => "the trigger",
        }
    }
}

/// A rule as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RetentionRule {
    pub id: RetentionRuleId,
    pub record_type: RetainedType,
    pub trigger: RetentionTrigger,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "P2Y"))]
    pub period: Period,
    pub action: RetentionAction,
    /// Activities only: the rule covers this kind alone.
    pub activity_kind: Option<ActivityKind>,
    pub description: String,
    pub enabled: bool,
}

impl RetentionRule {
    /// "Contacts: delete 2 years after the contact's last activity, …".
    pub fn sentence(&self) -> String {
        let what = match (self.record_type, self.activity_kind) {
            (RetainedType::Activity, Some(kind)) => format!("Activities of kind {}", kind.label()),
            (record_type, _) => record_type.label().to_string(),
        };
        format!(
            "{what}: {} {} after {}",
            self.action.label().to_lowercase(),
            self.period.label(),
            self.record_type.trigger_meaning(self.trigger)
        )
    }

    fn fields(&self) -> RuleFields {
        RuleFields {
            record_type: self.record_type,
            trigger: self.trigger,
            period: self.period,
            action: self.action,
            activity_kind: self.activity_kind,
            description: self.description.clone(),
            enabled: self.enabled,
        }
    }
}

/// A rule as typed into the form or sent to the API, before validation.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RuleInput {
    pub record_type: String,
    pub trigger: String,
    /// "2 years", "18 months", "30 days", or ISO 8601 ("P2Y").
    pub period: String,
    pub action: String,
    #[serde(default)]
    pub activity_kind: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default = "enabled_by_default")]
    pub enabled: bool,
    /// Needed for a rule that acts on every record of its type at once (a
    /// zero period, or the tenant's contract end with deletion).
    #[serde(default)]
    pub confirm_acts_on_everything: bool,
}

fn enabled_by_default() -> bool {
    true
}

/// A valid rule, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleFields {
    pub record_type: RetainedType,
    pub trigger: RetentionTrigger,
    pub period: Period,
    pub action: RetentionAction,
    pub activity_kind: Option<ActivityKind>,
    pub description: String,
    pub enabled: bool,
}

fn parse_named<T: Copy>(
    value: &str,
    parse: impl Fn(&str) -> Option<T>,
    all: &[T],
    name: impl Fn(T) -> &'static str,
    what: &str,
) -> Result<T, FieldProblem> {
    let value = value.trim();
    if value.is_empty() {
        return Err(FieldProblem::new("required", format!("Choose the {what}.")));
    }
    parse(value).ok_or_else(|| {
        FieldProblem::new(
            "unknown_value",
            format!(
                "\"{value}\" is not a {what}; choose one of: {}.",
                all.iter().map(|v| name(*v)).collect::<Vec<_>>().join(", ")
            ),
        )
    })
}

impl RuleInput {
    /// Validates the rule on its own and against the tenant's other rules
    /// (`others`, without the rule being edited).
    pub fn validate(&self, others: &[RetentionRule]) -> Result<RuleFields, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let record_type = errors.check(
            "record_type",
            parse_named(
                &self.record_type,
                RetainedType::parse,
                RetainedType::ALL,
                RetainedType::as_str,
                "record type",
            ),
        );
        let trigger = errors.check(
            "trigger",
            parse_named(
                &self.trigger,
                RetentionTrigger::parse,
                RetentionTrigger::ALL,
                RetentionTrigger::as_str,
                "trigger",
            ),
        );
        let action = errors.check(
            "action",
            parse_named(
                &self.action,
                RetentionAction::parse,
                RetentionAction::ALL,
                RetentionAction::as_str,
                "action",
            ),
        );
        let period = errors.check("period", Period::parse(&self.period));
        let activity_kind = match self.activity_kind.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(kind) => errors.check(
                "activity_kind",
                parse_named(
                    kind,
                    |v| ActivityKind::parse(v).ok(),
                    &ActivityKind::ALL,
                    ActivityKind::as_str,
                    "kind of activity",
                ),
            ),
        };
        let description = self.description.as_deref().unwrap_or("").trim().to_string();
        if description.chars().count() > 500 {
            errors.add(
                "description",
                "too_long",
                "Keep the description under 500 characters.",
            );
        }
        let (Some(record_type), Some(trigger), Some(action), Some(period)) =
            (record_type, trigger, action, period)
        else {
            return Err(errors);
        };
        if !record_type.triggers().contains(&trigger) {
            errors.add(
                "trigger",
                "trigger_not_for_type",
                format!(
                    "{} have no trigger \"{}\"; choose one of: {}.",
                    record_type.label(),
                    trigger.as_str(),
                    record_type
                        .triggers()
                        .iter()
                        .map(|t| t.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
        }
        if !record_type.actions().contains(&action) {
            errors.add(
                "action",
                "action_not_for_type",
                format!(
                    "{} cannot be {}d by a rule; choose one of: {}.",
                    record_type.label(),
                    action.as_str(),
                    record_type
                        .actions()
                        .iter()
                        .map(|a| a.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
        }
        if activity_kind.is_some() && record_type != RetainedType::Activity {
            errors.add(
                "activity_kind",
                "kind_not_for_type",
                "Only a rule on activities can be limited to one kind.",
            );
        }
        let fields = RuleFields {
            record_type,
            trigger,
            period,
            action,
            activity_kind,
            description,
            enabled: self.enabled,
        };
        if fields.acts_on_everything() && !self.confirm_acts_on_everything {
            errors.add(
                "confirm_acts_on_everything",
                "confirmation_required",
                format!(
                    "With {} this rule would {} every {} record at once: confirm that this is meant.",
                    if period.is_zero() { "a period of zero" } else { "this trigger" },
                    action.as_str(),
                    record_type.as_str().replace('_', " "),
                ),
            );
        }
        if errors.is_empty() && fields.enabled {
            if let Some(problem) = fields.contradiction(others) {
                errors.add("period", problem.code, problem.message);
            }
        }
        errors.finish(fields)
    }
}

impl RuleFields {
    /// A rule that, on the day it is saved, could act on every record of
    /// its type regardless of its age.
    pub fn acts_on_everything(&self) -> bool {
        self.activity_kind.is_none()
            && self.action != RetentionAction::Review
            && self.period.is_zero()
    }

    fn covers_same_records(&self, other: &RuleFields) -> bool {
        self.record_type == other.record_type
            && self.trigger == other.trigger
            && (self.activity_kind.is_none()
                || other.activity_kind.is_none()
                || self.activity_kind == other.activity_kind)
    }

    /// The first enabled rule this one contradicts: on the same records
    /// from the same trigger, two rules with the same period and different
    /// actions (which one acts?), the same rule twice, or a rule that can
    /// never act because another goes further sooner.
    pub fn contradiction(&self, others: &[RetentionRule]) -> Option<FieldProblem> {
        for other in others.iter().filter(|r| r.enabled) {
            let theirs = other.fields();
            if !self.covers_same_records(&theirs) {
                continue;
            }
            let name = format!("rule {} ({})", other.id, other.sentence());
            if self.period == theirs.period {
                let (code, message) = if self.action == theirs.action {
                    ("duplicate_rule", format!("This repeats {name}."))
                } else {
                    (
                        "contradicting_rules",
                        format!("This contradicts {name}: the same records after the same period cannot be both {} and {}.", self.action.as_str(), theirs.action.as_str()),
                    )
                };
                return Some(FieldProblem::new(code, message));
            }
            let (sooner, later) = if self.period < theirs.period {
                (self, &theirs)
            } else {
                (&theirs, self)
            };
            let period_order = sooner.period.months * 31 + sooner.period.days
                < later.period.months * 31 + later.period.days;
            if period_order && sooner.action.reach() > later.action.reach() {
                return Some(FieldProblem::new(
                    "contradicting_rules",
                    format!(
                        "This contradicts {name}: after {} the records are already {}d, so \"{}\" after {} would never happen.",
                        sooner.period.label(),
                        sooner.action.as_str(),
                        later.action.as_str(),
                        later.period.label()
                    ),
                ));
            }
        }
        None
    }
}

/// The rules a new tenant starts with: what the privacy policies of B2B
/// firms promise, with deletion of contacts left to a person's review.
pub fn defaults() -> Vec<RuleFields> {
    let rule = |record_type, trigger, period: Period, action, description: &str| RuleFields {
        record_type,
        trigger,
        period,
        action,
        activity_kind: None,
        description: description.into(),
        enabled: true,
    };
    use RetainedType as R;
    use RetentionAction as A;
    use RetentionTrigger as T;
    vec![
        rule(
            R::Contact,
            T::LastActivity,
            Period::years(2),
            A::Review,
            "Contacts nobody has been in touch with or looked at for two years go on the yearly clean-up list.",
        ),
        rule(
            R::Contact,
            T::RelationshipEnded,
            Period::years(3),
            A::Review,
            "Three years after the last agreement with their organisation ended, its contacts are reviewed.",
        ),
        rule(
            R::Activity,
            T::Created,
            Period::years(5),
            A::Delete,
            "Enquiries, calls and notes are deleted five years after they happened.",
        ),
        rule(
            R::StaffUser,
            T::RelationshipEnded,
            Period::years(5),
            A::Anonymise,
            "The account of a staff member who left is anonymised after five years.",
        ),
        rule(
            R::Contact,
            T::TenantContractEnd,
            Period { months: 0, days: 30 },
            A::Delete,
            "At the end of the tenant's agreement every personal detail is removed within 30 days.",
        ),
        rule(
            R::Activity,
            T::TenantContractEnd,
            Period { months: 0, days: 30 },
            A::Delete,
            "At the end of the tenant's agreement every activity is removed within 30 days.",
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(record_type: &str, trigger: &str, period: &str, action: &str) -> RuleInput {
        RuleInput {
            record_type: record_type.into(),
            trigger: trigger.into(),
            period: period.into(),
            action: action.into(),
            enabled: true,
            ..RuleInput::default()
        }
    }

    fn stored(id: i64, fields: RuleFields) -> RetentionRule {
        RetentionRule {
            id: RetentionRuleId(id),
            record_type: fields.record_type,
            trigger: fields.trigger,
            period: fields.period,
            action: fields.action,
            activity_kind: fields.activity_kind,
            description: fields.description,
            enabled: fields.enabled,
        }
    }

    fn codes(result: Result<RuleFields, ValidationErrors>) -> Vec<(String, &'static str)> {
        result.err().map_or(Vec::new(), |e| {
            e.0.into_iter().map(|e| (e.field, e.code)).collect()
        })
    }

    #[test]
    fn a_rule_names_known_types_triggers_and_actions() {
        let fields = input("contact", "last_activity", "2 years", "delete")
            .validate(&[])
            .unwrap();
        assert_eq!(fields.period, Period::years(2));
        assert_eq!(
            codes(input("invoice", "created", "2y", "delete").validate(&[])),
            [("record_type".to_string(), "unknown_value")]
        );
        assert_eq!(
            codes(input("activity", "relationship_ended", "soon", "erase").validate(&[])),
            [
                ("action".to_string(), "unknown_value"),
                ("period".to_string(), "invalid_period")
            ]
        );
        assert_eq!(
            codes(input("activity", "relationship_ended", "1y", "delete").validate(&[])),
            [("trigger".to_string(), "trigger_not_for_type")]
        );
        assert_eq!(
            codes(input("staff_user", "relationship_ended", "1y", "delete").validate(&[])),
            [("action".to_string(), "action_not_for_type")]
        );
        let mut kind = input("contact", "created", "1y", "delete");
        kind.activity_kind = Some("call".into());
        assert_eq!(
            codes(kind.validate(&[])),
            [("activity_kind".to_string(), "kind_not_for_type")]
        );
    }

    #[test]
    fn a_rule_acting_on_everything_needs_a_confirmation() {
        let mut zero = input("activity", "created", "0 days", "delete");
        assert_eq!(
            codes(zero.validate(&[])),
            [(
                "confirm_acts_on_everything".to_string(),
                "confirmation_required"
            )]
        );
        zero.confirm_acts_on_everything = true;
        assert!(zero.validate(&[]).is_ok());
        assert!(input("contact", "last_activity", "0d", "review")
            .validate(&[])
            .is_ok());
        let mut one_kind = input("activity", "created", "0d", "delete");
        one_kind.activity_kind = Some("task".into());
        assert!(one_kind.validate(&[]).is_ok());
        assert_eq!(
            codes(input("activity", "created", "-3 months", "delete").validate(&[])),
            [("period".to_string(), "negative_period")]
        );
    }

    #[test]
    fn contradicting_and_repeated_rules_are_refused_escalation_is_not() {
        let review = stored(
            1,
            input("contact", "last_activity", "2 years", "review")
                .validate(&[])
                .unwrap(),
        );
        let others = [review];
        assert_eq!(
            codes(input("contact", "last_activity", "24 months", "delete").validate(&others)),
            [("period".to_string(), "contradicting_rules")]
        );
        assert_eq!(
            codes(input("contact", "last_activity", "P2Y", "review").validate(&others)),
            [("period".to_string(), "duplicate_rule")]
        );
        // Review at two years, delete at three: an escalation.
        assert!(input("contact", "last_activity", "3 years", "delete")
            .validate(&others)
            .is_ok());
        // Delete at one year, review at two: the review would never happen.
        assert_eq!(
            codes(input("contact", "last_activity", "1 year", "delete").validate(&others)),
            [("period".to_string(), "contradicting_rules")]
        );
        // Another trigger, another record type or a disabled rule: no clash.
        assert!(input("contact", "created", "2 years", "delete")
            .validate(&others)
            .is_ok());
        assert!(input("activity", "last_activity", "2 years", "delete")
            .validate(&others)
            .is_ok());
        let mut disabled = others.clone();
        disabled[0].enabled = false;
        assert!(input("contact", "last_activity", "2 years", "delete")
            .validate(&disabled)
            .is_ok());
    }

    #[test]
    fn the_defaults_agree_with_each_other() {
        let mut stored_rules = Vec::new();
        for (i, fields) in defaults().into_iter().enumerate() {
            assert!(fields.contradiction(&stored_rules).is_none(), "{fields:?}");
            stored_rules.push(stored(i as i64, fields));
        }
        assert!(stored_rules[0]
            .sentence()
            .starts_with("Contacts: list for review 2 years after"));
    }
}
