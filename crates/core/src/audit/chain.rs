//! The audit trail's hash chain. Each entry's hash commits to the previous
//! entry's hash and to everything the entry says, so an edited byte, a
//! deleted, inserted or moved entry breaks the chain from that point on.
//!
//! The client context (IP address, user agent, reason for access) is personal
//! data that an erasure or retention may have to remove. The chain therefore
//! commits to a salted digest of it: the values and the salt can be blanked
//! later without breaking the chain, and without the salt the digest cannot
//! be matched against guessed addresses.

use sha2::{Digest, Sha256};

pub use crate::hex::{from_hex, to_hex};

pub type Hash = [u8; 32];

/// The hash before a tenant's first entry.
pub const GENESIS: Hash = [0u8; 32];

/// What an entry says, in the order the hash reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChainedEntry<'a> {
    pub tenant_id: i64,
    pub seq: i64,
    pub audit_id: i64,
    pub occurred_at: i64,
    pub actor_kind: &'a str,
    pub actor_id: i64,
    pub action: &'a str,
    pub record_type: &'a str,
    pub record_id: i64,
    pub fields: &'a str,
    /// Salted digest of the client context; all zeros when there was none.
    pub context_digest: &'a [u8],
    /// The records a list showed, comma-separated ids; empty for an entry
    /// about one record (and then not hashed, so entries written before
    /// lists were recorded this way keep their hashes).
    pub record_ids: &'a str,
}

fn text(hasher: &mut Sha256, value: &str) {
    hasher.update((value.len() as u32).to_be_bytes());
    hasher.update(value.as_bytes());
}

/// The hash of `entry` following an entry whose hash is `previous`.
pub fn entry_hash(previous: &[u8], entry: &ChainedEntry<'_>) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update(b"custodian-audit-v1");
    hasher.update(previous);
    for number in [
        entry.tenant_id,
        entry.seq,
        entry.audit_id,
        entry.occurred_at,
    ] {
        hasher.update(number.to_be_bytes());
    }
    text(&mut hasher, entry.actor_kind);
    hasher.update(entry.actor_id.to_be_bytes());
    text(&mut hasher, entry.action);
    text(&mut hasher, entry.record_type);
    hasher.update(entry.record_id.to_be_bytes());
    text(&mut hasher, entry.fields);
    text_bytes(&mut hasher, entry.context_digest);
    if !entry.record_ids.is_empty() {
        text(&mut hasher, entry.record_ids);
    }
    hasher.finalize().into()
}

fn text_bytes(hasher: &mut Sha256, value: &[u8]) {
    hasher.update((value.len() as u32).to_be_bytes());
    hasher.update(value);
}

/// Where a request came from and why, as the trail keeps it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientContext {
    pub source_ip: Option<String>,
    pub user_agent: Option<String>,
    /// The stated reason for accessing a sensitive category ("break glass").
    pub reason: Option<String>,
}

impl ClientContext {
    pub fn is_empty(&self) -> bool {
        self.source_ip.is_none() && self.user_agent.is_none() && self.reason.is_none()
    }
}

/// The digest the chain commits to for a client context and its salt.
pub fn context_digest(salt: &[u8], context: &ClientContext) -> Hash {
    digest_of_context(
        salt,
        [
            context.source_ip.as_deref(),
            context.user_agent.as_deref(),
            context.reason.as_deref(),
        ],
    )
}

/// `context_digest` of (address, user agent, reason).
fn digest_of_context(salt: &[u8], parts: [Option<&str>; 3]) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update(b"custodian-audit-context-v1");
    text_bytes(&mut hasher, salt);
    for part in parts {
        match part {
            Some(value) => {
                hasher.update([1]);
                text(&mut hasher, value);
            }
            None => hasher.update([0]),
        }
    }
    hasher.finalize().into()
}

/// The bytes an operator's key signs for a checkpoint of a chain head.
pub fn checkpoint_message(tenant_id: i64, seq: i64, head: &[u8], created_at: i64) -> Vec<u8> {
    let mut message = b"custodian-audit-checkpoint-v1".to_vec();
    message.extend_from_slice(&tenant_id.to_be_bytes());
    message.extend_from_slice(&seq.to_be_bytes());
    message.extend_from_slice(head);
    message.extend_from_slice(&created_at.to_be_bytes());
    message
}

/// An entry as it is stored, read back for verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEntry {
    pub seq: i64,
    pub audit_id: i64,
    pub occurred_at: i64,
    pub actor_kind: String,
    pub actor_id: i64,
    pub action: String,
    pub record_type: String,
    pub record_id: i64,
    pub fields: String,
    pub entry_hash: Vec<u8>,
    pub context_digest: Vec<u8>,
    /// None once the context has been blanked.
    pub context_salt: Option<Vec<u8>>,
    pub context: ClientContext,
    pub record_ids: Option<String>,
}

/// An entry as read back, borrowed from wherever the reader keeps it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntryView<'a> {
    pub seq: i64,
    pub audit_id: i64,
    pub occurred_at: i64,
    pub actor_kind: &'a str,
    pub actor_id: i64,
    pub action: &'a str,
    pub record_type: &'a str,
    pub record_id: i64,
    pub fields: &'a str,
    pub entry_hash: &'a [u8],
    pub context_digest: &'a [u8],
    pub context_salt: Option<&'a [u8]>,
    pub source_ip: Option<&'a str>,
    pub user_agent: Option<&'a str>,
    pub reason: Option<&'a str>,
    /// Empty for an entry about one record.
    pub record_ids: &'a str,
}

impl StoredEntry {
    pub fn view(&self) -> EntryView<'_> {
        EntryView {
            seq: self.seq,
            audit_id: self.audit_id,
            occurred_at: self.occurred_at,
            actor_kind: &self.actor_kind,
            actor_id: self.actor_id,
            action: &self.action,
            record_type: &self.record_type,
            record_id: self.record_id,
            fields: &self.fields,
            entry_hash: &self.entry_hash,
            context_digest: &self.context_digest,
            context_salt: self.context_salt.as_deref(),
            source_ip: self.context.source_ip.as_deref(),
            user_agent: self.context.user_agent.as_deref(),
            reason: self.context.reason.as_deref(),
            record_ids: self.record_ids.as_deref().unwrap_or(""),
        }
    }
}

/// The first thing wrong with a chain, named so that an operator can find it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    #[error("entry {expected} is missing: the next entry found is {found} (audit id {audit_id}); entries were deleted")]
    Missing {
        expected: i64,
        found: i64,
        audit_id: i64,
    },
    #[error("entry {seq} (audit id {audit_id}) appears out of order or twice; an entry was inserted or moved")]
    OutOfOrder { seq: i64, audit_id: i64 },
    #[error("entry {seq} (audit id {audit_id}) does not match its hash: it was edited, inserted or moved")]
    HashMismatch { seq: i64, audit_id: i64 },
    #[error("entry {seq} (audit id {audit_id}): its client context (address, user agent or reason) was edited")]
    ContextMismatch { seq: i64, audit_id: i64 },
    #[error(
        "the chain ends at entry {last} but its head records entry {head}: the tail was truncated"
    )]
    TruncatedBeforeHead { last: i64, head: i64 },
    #[error("the head records entry {head_seq} with a hash that differs from the chain's: the head was altered")]
    HeadMismatch { head_seq: i64 },
    #[error("the chain ends at entry {last} but a signed checkpoint covers entry {checkpoint}: the tail was truncated")]
    TruncatedBeforeCheckpoint { last: i64, checkpoint: i64 },
    #[error("entry {seq} differs from the signed checkpoint of that position: the chain was rewritten up to there")]
    CheckpointMismatch { seq: i64 },
    #[error("entry {seq} (audit id {audit_id}): its client context was blanked, but no erasure entry records blanking it: it was edited")]
    BlankedWithoutErasure { seq: i64, audit_id: i64 },
}

impl ChainBreak {
    /// The chain position where the break was found.
    pub fn seq(&self) -> i64 {
        match self {
            ChainBreak::Missing { expected, .. } => *expected,
            ChainBreak::OutOfOrder { seq, .. }
            | ChainBreak::HashMismatch { seq, .. }
            | ChainBreak::ContextMismatch { seq, .. }
            | ChainBreak::CheckpointMismatch { seq }
            | ChainBreak::BlankedWithoutErasure { seq, .. } => *seq,
            ChainBreak::TruncatedBeforeHead { last, .. }
            | ChainBreak::TruncatedBeforeCheckpoint { last, .. } => last + 1,
            ChainBreak::HeadMismatch { head_seq } => *head_seq,
        }
    }
}

/// The action of the entry that records an erasure's blanking of other
/// entries' client context; its record ids are their chain positions. With
/// the record type `tenant`, it records a tenant's closure, which blanked
/// every entry before it.
pub const BLANK_CONTEXT_ACTION: &str = "blank_context";

/// One row of the record index (`audit_entry_records`: a list entry's
/// record type, each record id it names, and its position) as a number
/// that sums without regard to order: verify adds up the rows the entries
/// call for and the rows the index holds, and the two must agree.
pub fn index_row_digest(record_type: &str, record_id: i64, seq: i64) -> u128 {
    let mut hasher = Sha256::new();
    hasher.update(b"custodian-audit-index-v1");
    text(&mut hasher, record_type);
    hasher.update(record_id.to_be_bytes());
    hasher.update(seq.to_be_bytes());
    let digest = hasher.finalize();
    let mut first = [0u8; 16];
    first.copy_from_slice(&digest[..16]);
    u128::from_be_bytes(first)
}

/// The record index summed up: how many rows and their digests' sum.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IndexDigest {
    pub rows: u64,
    pub sum: u128,
}

impl IndexDigest {
    pub fn add(&mut self, record_type: &str, record_id: i64, seq: i64) {
        self.rows += 1;
        self.sum = self
            .sum
            .wrapping_add(index_row_digest(record_type, record_id, seq));
    }
}

/// The ids an entry's record ids name, each once (as the index holds them).
fn listed_ids(record_ids: &str) -> Vec<i64> {
    let mut ids: Vec<i64> = record_ids
        .split(',')
        .filter_map(|id| id.trim().parse().ok())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// Walks one tenant's chain in order and checks every entry, and the head
/// and the (already signature-checked) checkpoints against it.
pub struct ChainVerifier {
    tenant_id: i64,
    last_seq: i64,
    previous: Hash,
    /// (seq, hash) of signed checkpoints, ascending by seq.
    checkpoints: Vec<(i64, Hash)>,
    next_checkpoint: usize,
    /// The record index rows the entries so far call for.
    index: IndexDigest,
    /// Entries whose recorded context is blanked, by position, with their
    /// audit id, until an erasure entry further on names them.
    blanked: std::collections::BTreeMap<i64, i64>,
}

impl ChainVerifier {
    pub fn new(tenant_id: i64, mut checkpoints: Vec<(i64, Hash)>) -> ChainVerifier {
        checkpoints.sort_by_key(|(seq, _)| *seq);
        checkpoints.dedup();
        ChainVerifier {
            tenant_id,
            last_seq: 0,
            previous: GENESIS,
            checkpoints,
            next_checkpoint: 0,
            index: IndexDigest::default(),
            blanked: std::collections::BTreeMap::new(),
        }
    }

    /// The record index rows the entries checked so far call for.
    pub fn expected_index(&self) -> IndexDigest {
        self.index
    }

    /// The position and hash of the last entry checked.
    pub fn last(&self) -> (i64, Hash) {
        (self.last_seq, self.previous)
    }

    pub fn check(&mut self, entry: &EntryView<'_>) -> Result<(), ChainBreak> {
        let expected = self.last_seq + 1;
        if entry.seq > expected {
            return Err(ChainBreak::Missing {
                expected,
                found: entry.seq,
                audit_id: entry.audit_id,
            });
        }
        if entry.seq < expected {
            return Err(ChainBreak::OutOfOrder {
                seq: entry.seq,
                audit_id: entry.audit_id,
            });
        }
        let hash = entry_hash(
            &self.previous,
            &ChainedEntry {
                tenant_id: self.tenant_id,
                seq: entry.seq,
                audit_id: entry.audit_id,
                occurred_at: entry.occurred_at,
                actor_kind: entry.actor_kind,
                actor_id: entry.actor_id,
                action: entry.action,
                record_type: entry.record_type,
                record_id: entry.record_id,
                fields: entry.fields,
                context_digest: entry.context_digest,
                record_ids: entry.record_ids,
            },
        );
        if hash[..] != entry.entry_hash[..] {
            return Err(ChainBreak::HashMismatch {
                seq: entry.seq,
                audit_id: entry.audit_id,
            });
        }
        let context_intact = match entry.context_salt {
            Some(salt) => {
                digest_of_context(salt, [entry.source_ip, entry.user_agent, entry.reason])[..]
                    == entry.context_digest[..]
            }
            // Never recorded (the digest is the empty one), or blanked by
            // an erasure that a later entry records: nothing may remain.
            None => {
                if entry.context_digest[..] != GENESIS[..] {
                    self.blanked.insert(entry.seq, entry.audit_id);
                }
                entry.source_ip.is_none() && entry.user_agent.is_none() && entry.reason.is_none()
            }
        };
        if !context_intact {
            return Err(ChainBreak::ContextMismatch {
                seq: entry.seq,
                audit_id: entry.audit_id,
            });
        }
        while let Some((checkpoint_seq, checkpoint_hash)) =
            self.checkpoints.get(self.next_checkpoint)
        {
            if *checkpoint_seq > entry.seq {
                break;
            }
            if *checkpoint_seq == entry.seq && *checkpoint_hash != hash {
                return Err(ChainBreak::CheckpointMismatch { seq: entry.seq });
            }
            self.next_checkpoint += 1;
        }
        if entry.action == BLANK_CONTEXT_ACTION && entry.record_type == "tenant" {
            // A tenant's closure blanked every context before it.
            self.blanked.clear();
        }
        if !entry.record_ids.is_empty() {
            let ids = listed_ids(entry.record_ids);
            for id in &ids {
                self.index.add(entry.record_type, *id, entry.seq);
            }
            if entry.action == BLANK_CONTEXT_ACTION {
                for id in ids.into_iter().filter(|id| *id < entry.seq) {
                    self.blanked.remove(&id);
                }
            }
        }
        self.last_seq = entry.seq;
        self.previous = hash;
        Ok(())
    }

    /// After the last entry: the head the store records and every checkpoint
    /// must lie within the chain and agree with it.
    pub fn finish(&self, head: Option<(i64, &[u8])>) -> Result<(), ChainBreak> {
        if let Some((seq, audit_id)) = self.blanked.iter().next() {
            return Err(ChainBreak::BlankedWithoutErasure {
                seq: *seq,
                audit_id: *audit_id,
            });
        }
        if let Some((checkpoint, _)) = self.checkpoints.last() {
            if *checkpoint > self.last_seq {
                return Err(ChainBreak::TruncatedBeforeCheckpoint {
                    last: self.last_seq,
                    checkpoint: *checkpoint,
                });
            }
        }
        match head {
            Some((head_seq, _)) if head_seq > self.last_seq => {
                Err(ChainBreak::TruncatedBeforeHead {
                    last: self.last_seq,
                    head: head_seq,
                })
            }
            Some((head_seq, head_hash))
                if head_seq != self.last_seq || head_hash != &self.previous[..] =>
            {
                Err(ChainBreak::HeadMismatch { head_seq })
            }
            None if self.last_seq > 0 => Err(ChainBreak::HeadMismatch { head_seq: 0 }),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(seq: i64, fields: &str) -> ChainedEntry<'_> {
        ChainedEntry {
            tenant_id: 1,
            seq,
            audit_id: 100 + seq,
            occurred_at: 1_700_000_000_000,
            actor_kind: "user",
            actor_id: 7,
            action: "read",
            record_type: "contact",
            record_id: 42,
            fields,
            context_digest: &GENESIS,
            record_ids: "",
        }
    }

    #[test]
    fn the_hash_depends_on_every_part_and_the_previous_hash() {
        let first = entry_hash(&GENESIS, &entry(1, "first_name"));
        assert_ne!(first, entry_hash(&GENESIS, &entry(1, "last_name")));
        assert_ne!(first, entry_hash(&GENESIS, &entry(2, "first_name")));
        assert_ne!(first, entry_hash(&first, &entry(1, "first_name")));
        // Length prefixes keep "a" + "bc" apart from "ab" + "c".
        let mut shifted = entry(1, "first_name");
        shifted.record_type = "contactfirst_name";
        shifted.fields = "";
        assert_ne!(first, entry_hash(&GENESIS, &shifted));
    }

    #[test]
    fn the_context_digest_needs_the_salt() {
        let context = ClientContext {
            source_ip: Some("192.0.2.1".into()),
            user_agent: None,
            reason: None,
        };
        assert_ne!(
            context_digest(b"salt-a", &context),
            context_digest(b"salt-b", &context)
        );
        let moved = ClientContext {
            source_ip: None,
            user_agent: Some("192.0.2.1".into()),
            reason: None,
        };
        assert_ne!(
            context_digest(b"salt-a", &context),
            context_digest(b"salt-a", &moved)
        );
    }

    fn stored_chain(length: i64) -> Vec<StoredEntry> {
        // Every other entry covers a list of records.
        stored_chain_with(length, |seq| {
            ("read", (seq % 2 == 0).then(|| format!("{seq},{}", seq + 1)))
        })
    }

    /// A chain whose entries have the action and record ids `shape` gives.
    fn stored_chain_with(
        length: i64,
        shape: impl Fn(i64) -> (&'static str, Option<String>),
    ) -> Vec<StoredEntry> {
        let mut previous = GENESIS;
        (1..=length)
            .map(|seq| {
                let salt = vec![seq as u8; 16];
                let context = ClientContext {
                    source_ip: Some("192.0.2.1".into()),
                    user_agent: Some("test".into()),
                    reason: None,
                };
                let digest = context_digest(&salt, &context).to_vec();
                let (action, ids) = shape(seq);
                let mut chained = entry(seq, "first_name");
                chained.action = action;
                chained.context_digest = &digest;
                chained.record_ids = ids.as_deref().unwrap_or("");
                let hash = entry_hash(&previous, &chained);
                previous = hash;
                StoredEntry {
                    seq,
                    audit_id: chained.audit_id,
                    occurred_at: chained.occurred_at,
                    actor_kind: chained.actor_kind.into(),
                    actor_id: chained.actor_id,
                    action: chained.action.into(),
                    record_type: chained.record_type.into(),
                    record_id: chained.record_id,
                    fields: chained.fields.into(),
                    entry_hash: hash.to_vec(),
                    context_digest: digest.clone(),
                    context_salt: Some(salt),
                    context,
                    record_ids: ids.clone(),
                }
            })
            .collect()
    }

    fn verify(entries: &[StoredEntry], head: Option<(i64, &[u8])>) -> Result<(), ChainBreak> {
        let mut verifier = ChainVerifier::new(1, Vec::new());
        for entry in entries {
            verifier.check(&entry.view())?;
        }
        verifier.finish(head)
    }

    #[test]
    fn an_intact_chain_verifies_and_a_blanking_recorded_by_erasure_is_allowed() {
        let chain = stored_chain(5);
        assert_eq!(verify(&chain, Some((5, &chain[4].entry_hash))), Ok(()));
        // Entry 5 records that an erasure blanked entries 2 and 3.
        let mut chain = stored_chain_with(5, |seq| match seq {
            5 => (BLANK_CONTEXT_ACTION, Some("2,3".into())),
            _ => ("read", None),
        });
        let head = chain[4].entry_hash.clone();
        for blanked in &mut chain[1..3] {
            blanked.context = ClientContext::default();
            blanked.context_salt = None;
        }
        assert_eq!(verify(&chain, Some((5, &head))), Ok(()));
        // Blanking entry 4 too, which no erasure names, is an edit.
        chain[3].context = ClientContext::default();
        chain[3].context_salt = None;
        assert!(matches!(
            verify(&chain, Some((5, &head))),
            Err(ChainBreak::BlankedWithoutErasure { seq: 4, .. })
        ));
    }

    #[test]
    fn the_record_index_a_chain_calls_for_counts_each_listed_record_once() {
        let chain = stored_chain_with(3, |seq| match seq {
            2 => ("list", Some("7,8,7".into())),
            _ => ("read", None),
        });
        let mut verifier = ChainVerifier::new(1, Vec::new());
        for entry in &chain {
            verifier.check(&entry.view()).unwrap();
        }
        let mut expected = IndexDigest::default();
        expected.add("contact", 8, 2);
        expected.add("contact", 7, 2);
        assert_eq!(verifier.expected_index(), expected);
        let mut other = IndexDigest::default();
        other.add("contact", 7, 2);
        other.add("contact", 9, 2);
        assert_ne!(verifier.expected_index(), other);
    }

    #[test]
    fn each_kind_of_tampering_names_its_entry() {
        let chain = stored_chain(6);
        let head = chain[5].entry_hash.clone();
        let head = Some((6, &head[..]));

        let mut edited = chain.clone();
        edited[2].record_id = 43;
        assert_eq!(verify(&edited, head).unwrap_err().seq(), 3);

        // Which records a list showed is covered too: dropping one is seen.
        let mut listed = chain.clone();
        listed[3].record_ids = Some("4".into());
        assert_eq!(verify(&listed, head).unwrap_err().seq(), 4);

        let mut deleted = chain.clone();
        deleted.remove(3);
        assert!(matches!(
            verify(&deleted, head),
            Err(ChainBreak::Missing { expected: 4, .. })
        ));

        let mut swapped = chain.clone();
        swapped.swap(1, 2);
        assert_eq!(verify(&swapped, head).unwrap_err().seq(), 2);
        let (a, b) = (swapped[1].seq, swapped[2].seq);
        swapped[1].seq = b;
        swapped[2].seq = a;
        assert_eq!(verify(&swapped, head).unwrap_err().seq(), 2);

        let mut context = chain.clone();
        context[4].context.source_ip = Some("198.51.100.7".into());
        assert!(matches!(
            verify(&context, head),
            Err(ChainBreak::ContextMismatch { seq: 5, .. })
        ));

        let truncated = &chain[..4];
        assert!(matches!(
            verify(truncated, head),
            Err(ChainBreak::TruncatedBeforeHead { last: 4, head: 6 })
        ));
    }

    #[test]
    fn checkpoints_catch_a_rewritten_chain_and_a_truncated_tail() {
        let chain = stored_chain(4);
        let genuine: Hash = chain[1].entry_hash.clone().try_into().unwrap();
        let mut verifier = ChainVerifier::new(1, vec![(2, [9u8; 32])]);
        verifier.check(&chain[0].view()).unwrap();
        assert_eq!(
            verifier.check(&chain[1].view()),
            Err(ChainBreak::CheckpointMismatch { seq: 2 })
        );
        let mut verifier = ChainVerifier::new(1, vec![(2, genuine), (6, [0; 32])]);
        for entry in &chain {
            verifier.check(&entry.view()).unwrap();
        }
        let head = chain[3].entry_hash.clone();
        assert_eq!(
            verifier.finish(Some((4, &head))),
            Err(ChainBreak::TruncatedBeforeCheckpoint {
                last: 4,
                checkpoint: 6
            })
        );
    }
}
