//! The audit trail's use cases: recording reads, reading the trail,
//! signing checkpoints and verifying the chain.

mod checkpoints;
mod reads;
mod trail;
mod verify;

pub(crate) use checkpoints::write_private;
pub use checkpoints::{read_checkpoint_file, AuditSigner, CheckpointLine};
pub(crate) use reads::{read_entries, shown_among, ReadRecorder};
pub use trail::{TrailPage, TrailParams, EXPORT_LIMIT, TRAIL_PAGE_SIZE};
pub use verify::{TenantVerification, TrailProblem, VerifyOptions};
