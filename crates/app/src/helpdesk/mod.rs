//! The helpdesk's use cases: tickets, their replies and notes, and the
//! tenant's service levels. Support staff (and sales, who see their
//! customers' tickets) work here; administrators set the service levels.

mod attachments;
mod faq;
mod messages;
mod service_levels;
mod tickets;

pub use faq::FAQ_FILTERS;
pub use tickets::TICKET_FILTERS;
