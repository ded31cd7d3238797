//! The helpdesk's tables: tickets, their replies and notes, and the
//! tenant's service levels.

mod attachments;
mod canned;
mod faq;
mod messages;
mod service_levels;
pub(crate) mod tickets;

pub use messages::MessageAuthor;
