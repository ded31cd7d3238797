//! The helpdesk: tickets a contact person raises (or staff record for
//! them), their public replies and internal notes, and the service levels
//! that set when a first answer and a resolution are due.

mod anonymise;
mod attachments;
mod bulk;
mod canned;
mod faq;
mod messages;
mod service_levels;
mod tickets;

pub use anonymise::{find_personal_data, redact_findings, Finding, FindingKind, KnownNames};
pub use attachments::{check_upload, detect, FileKind, TicketAttachment, ATTACHMENT_MAX_BYTES};
pub use bulk::{BulkOutcome, BulkRefusal, BulkTicketChange, BulkTicketInput, BULK_MAX};
pub use canned::{CannedReply, CannedReplyFields, CannedReplyInput};
pub use faq::{FaqArticle, FaqDraft, FaqFields, FaqInput};
pub use messages::{MessageFields, MessageInput, MessageVisibility, TicketMessage, Writer};
pub use service_levels::{ServiceLevel, ServiceLevels, ServiceLevelsInput};
pub use tickets::{
    Ticket, TicketFields, TicketInput, TicketPriority, TicketStatus, TicketTimes, CATEGORY_MAX,
};
