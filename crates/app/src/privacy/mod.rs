//! Carrying out a data subject's rights on a logged request: find and
//! confirm the subject's records, export them (access, portability), erase
//! them. The catalog decides what each step reads and changes.

mod consent;
mod erasure;
mod export;
mod objection;
mod rectification;
mod restriction;
mod returning;
mod subjects;
mod summary;
mod zip;

pub use export::SubjectExport;
pub use returning::Identifying;
pub use zip::ZipError;
