//! The SQL behind retention: rules and holds, the coalesced last access of
//! records, finding what a rule makes due (in batches, walking an index),
//! acting on a batch in one transaction with the erasure machinery, the
//! review list and the history of runs.

mod access;
mod act;
mod due;
mod holds;
mod reviews;
mod rules;
mod runs;
mod search_purge;

pub use act::Acted;
pub use due::{DueBatch, DueCursor};

pub(crate) use rules::backfill_default_rules;

pub(crate) use search_purge::{full_text_secure_delete, optimize_full_text};
