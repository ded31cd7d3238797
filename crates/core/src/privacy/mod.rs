//! The rules behind a data subject's rights that need no database: what
//! identifies the subject in free text and how it is redacted, which
//! catalog columns an access or portability export carries, what erasure
//! does to each table, and the keyed hash that remembers an erased person.

pub mod consent;
pub mod consent_receipt;
pub mod erasure;
pub mod export;
pub mod fulfilment;
pub mod mentions;
pub mod rectification;
pub mod redaction;
pub mod requests;
pub mod subjects;
pub mod suppression;
