//! Retention use cases: the tenant's rules and contract end, legal holds,
//! the sweep (its dry run, the plan, and the run that acts), the review
//! list, and the daily schedule of `serve` and `worker`.

mod holds;
mod reviews;
mod rules;
mod runner;
mod schedule;
mod sweep;

pub use reviews::REVIEW_PAGE;
pub use schedule::spawn_daily_schedule;
pub use sweep::{SweepControl, SweepProgress};
