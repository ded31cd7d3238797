//! Tenant offboarding: what a closed tenant keeps (aggregate counts, for
//! establishing or defending legal claims) and what the verification scan
//! after closing found. No personal value is part of either.

use crate::time::Timestamp;
use crate::TenantId;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How many records of one type the tenant held, in all and by the month
/// they were made (`YYYY-MM`, UTC).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordCount {
    pub record_type: String,
    pub total: u64,
    pub by_month: BTreeMap<String, u64>,
}

/// What the tenant's row keeps after closing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClosureCounts {
    pub closed_at: Timestamp,
    pub records: Vec<RecordCount>,
}

/// A place where the scan after closing still found something of the
/// tenant: a table with rows left, or a column (or the database file)
/// holding one of its former values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Leftover {
    pub place: String,
    pub found: u64,
}

/// The verification scan: what it looked at and what it found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClosureScan {
    /// Tables whose rows of the tenant were counted.
    pub tables_checked: usize,
    /// Distinct personal values of the tenant looked for afterwards.
    pub values_checked: usize,
    /// Values too many to look for (beyond the scan's limit), if any.
    pub values_not_checked: usize,
    /// Bytes of the database file (and its write-ahead log) searched, on
    /// SQLite; 0 on PostgreSQL, whose files the server does not expose.
    pub file_bytes_searched: u64,
    pub leftovers: Vec<Leftover>,
}

impl ClosureScan {
    pub fn is_clean(&self) -> bool {
        self.leftovers.is_empty()
    }
}

/// A tenant's closing, as the command reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantClosure {
    pub tenant_id: TenantId,
    pub counts: ClosureCounts,
    /// Rows removed, by table.
    pub removed: BTreeMap<String, u64>,
    /// Rows kept with their personal columns emptied (the audit trail,
    /// whose hash chain stays verifiable), by table.
    pub emptied: BTreeMap<String, u64>,
    pub scan: ClosureScan,
}

/// Values shorter than this are not looked for: too many innocent
/// matches ("Ltd", "1").
pub const SHORTEST_VALUE: usize = 4;
/// Longer values are cut to this many bytes before looking: a long text
/// is split across pages in the file, its start is not.
pub const LONGEST_PROBE: usize = 64;

/// The probe for one former value, or None when it is too short to mean
/// anything.
pub fn probe(value: &str) -> Option<String> {
    let value = value.trim();
    if value.chars().count() < SHORTEST_VALUE {
        return None;
    }
    let mut end = value.len().min(LONGEST_PROBE);
    while !value.is_char_boundary(end) {
        end -= 1;
    }
    Some(value[..end].to_string())
}

/// Searches `haystack` for any of the probes, indexed by their first four
/// bytes; returns the probes found. Callers feed overlapping chunks.
pub fn find_probes<'a>(
    index: &std::collections::HashMap<[u8; 4], Vec<&'a str>>,
    haystack: &[u8],
    found: &mut std::collections::BTreeSet<&'a str>,
) {
    if haystack.len() < SHORTEST_VALUE {
        return;
    }
    for start in 0..=haystack.len() - SHORTEST_VALUE {
        let key = [
            haystack[start],
            haystack[start + 1],
            haystack[start + 2],
            haystack[start + 3],
        ];
        if let Some(candidates) = index.get(&key) {
            for probe in candidates {
                if haystack[start..].starts_with(probe.as_bytes()) {
                    found.insert(probe);
                }
            }
        }
    }
}

/// The index `find_probes` takes.
pub fn probe_index(probes: &[String]) -> std::collections::HashMap<[u8; 4], Vec<&str>> {
    let mut index: std::collections::HashMap<[u8; 4], Vec<&str>> = Default::default();
    for probe in probes {
        let bytes = probe.as_bytes();
        if bytes.len() >= SHORTEST_VALUE {
            index
                .entry([bytes[0], bytes[1], bytes[2], bytes[3]])
                .or_default()
                .push(probe);
        }
    }
    index
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probes_are_found_across_a_haystack() {
        let probes = vec![
            probe("anna.albers@example.com").unwrap(),
            probe("Zyx Qwerty").unwrap(),
        ];
        assert_eq!(probe("Ltd"), None);
        let index = probe_index(&probes);
        let mut found = Default::default();
        find_probes(&index, b"\0\0xx anna.albers@example.com\0", &mut found);
        assert_eq!(
            found.into_iter().collect::<Vec<_>>(),
            ["anna.albers@example.com"]
        );
        let mut none = Default::default();
        find_probes(&index, b"Zyx Qwert", &mut none);
        assert!(none.is_empty());
    }

    #[test]
    fn long_values_are_cut_on_a_character_boundary() {
        let long = "é".repeat(40);
        let cut = probe(&long).unwrap();
        assert!(cut.len() <= LONGEST_PROBE && long.starts_with(&cut));
    }
}
