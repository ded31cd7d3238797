//! The customer portal's tables: accounts of contact persons, one-time
//! links, sessions, and registrations waiting for their address to be
//! confirmed.

mod accounts;
mod links;
mod registration;
mod sessions;

pub use accounts::{PortalCandidate, PortalIdentity};
pub use registration::{PendingRegistration, Registrant};
pub use sessions::PortalSessionRecord;
