//! The customer portal's tables: accounts of contact persons, one-time
//! links, and sessions.

mod accounts;
mod links;
mod sessions;

pub use accounts::{PortalCandidate, PortalIdentity};
pub use links::LinkProblem;
pub use sessions::PortalSessionRecord;
