//! Retention: how long records are kept, and what happens when the time is
//! up. Rules name a record type, a trigger, a period and an action; legal
//! holds stop every rule from touching what they cover; the review list is
//! where a person decides. No I/O here: the store finds the due records and
//! the erasure machinery acts on them.

pub mod holds;
pub mod period;
pub mod report;
pub mod reviews;
pub mod rules;

pub use holds::{HeldSet, HoldFields, HoldTarget, LegalHold, NewHold};
pub use period::Period;
pub use report::{RuleCount, RunCounts, RunSummary};
pub use reviews::{Decision, DecisionOutcome, ReviewDecision, ReviewDecisionFields, ReviewEntry};
pub use rules::{
    defaults, RetainedType, RetentionAction, RetentionRule, RetentionTrigger, RuleFields, RuleInput,
};
