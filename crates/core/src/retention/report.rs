//! What a retention run (or its dry run, the plan) did or would do, per
//! rule: ids only, never a personal value.

use crate::time::Timestamp;
use crate::RetentionRuleId;
use crate::RetentionRunId;
use crate::UserId;
use serde::{Deserialize, Serialize};

/// Examples a plan or run keeps per rule.
pub const EXAMPLES: usize = 5;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RuleCount {
    pub rule_id: RetentionRuleId,
    /// The rule in words.
    pub rule: String,
    /// review, anonymise or delete
    pub action: String,
    /// Records deleted, anonymised or listed for review (or, in a plan,
    /// that would be).
    pub acted: u64,
    /// Due but under a legal hold.
    pub held: u64,
    /// Due but kept by a reviewer, or already on the review list.
    pub kept: u64,
    /// The first ids acted on.
    pub examples: Vec<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RunCounts {
    pub rules: Vec<RuleCount>,
}

impl RunCounts {
    pub fn rule_mut(
        &mut self,
        rule_id: RetentionRuleId,
        rule: &str,
        action: &str,
    ) -> &mut RuleCount {
        if let Some(i) = self.rules.iter().position(|r| r.rule_id == rule_id) {
            return &mut self.rules[i];
        }
        self.rules.push(RuleCount {
            rule_id,
            rule: rule.to_string(),
            action: action.to_string(),
            ..RuleCount::default()
        });
        let last = self.rules.len() - 1;
        &mut self.rules[last]
    }

    pub fn acted(&self) -> u64 {
        self.rules.iter().map(|r| r.acted).sum()
    }
}

impl RuleCount {
    pub fn add(&mut self, acted: &[i64], held: usize, kept: usize) {
        self.acted += acted.len() as u64;
        self.held += held as u64;
        self.kept += kept as u64;
        let room = EXAMPLES.saturating_sub(self.examples.len());
        self.examples.extend(acted.iter().take(room));
    }
}

/// A retention run in the history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RunSummary {
    pub id: RetentionRunId,
    /// schedule, command or staff
    pub started_by: String,
    /// The staff user, for a run started from the browser or the API.
    pub started_by_user: Option<UserId>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub started_at: Timestamp,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub finished_at: Option<Timestamp>,
    /// running, completed, interrupted or failed
    pub status: String,
    pub counts: RunCounts,
}

/// Who started a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunStart {
    /// The daily schedule of `custodian serve` or `custodian worker`.
    Schedule,
    /// `custodian retention apply`.
    Command,
    /// A staff user, from the browser or the API.
    Staff(i64),
}
