//! The SQL behind a data subject's rights: finding the subject's rows in
//! every table, reading them for an export, erasing them as the catalog
//! says, and the suppression list. Which rows belong to the subject is
//! declared once, in `subject_tables`.

mod consent;
mod erasure;
mod export;
mod forgetting;
mod mentions;
mod requests;
mod restriction;
mod subject_tables;
mod subjects;
mod suppression;

pub use erasure::ErasureStep;
pub(crate) use erasure::{owned_activity_ids, ContactsErased};
pub use export::{SharedRows, TableRows};
pub(crate) use mentions::full_text_indexes;
pub use requests::{Intake, RequestChange, Step, StepActor};
