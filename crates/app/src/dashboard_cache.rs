//! The home dashboard's ticket counts and weekly series, kept for a short
//! while per tenant, reach and user: counting every open ticket on every
//! load does not scale to 100,000 tickets. A kept value is used only while
//! the tenant's tickets are unchanged (no ticket raised or changed since,
//! which one index step tells) and for at most `FRESH_FOR` of the clock
//! (due times pass on their own, and a deleted ticket leaves no trace in
//! the fingerprint).

use custodian_core::dashboard::{TicketTotals, TicketWeek};
use custodian_core::time::Timestamp;
use custodian_core::{TenantId, UserId};
use custodian_store::Reach;
use std::collections::HashMap;
use std::sync::Mutex;

/// How long a kept count may be used, in milliseconds of the dashboard's
/// clock.
const FRESH_FOR_MS: i64 = 30_000;
/// How many tenants' and users' counts are kept at most.
const KEPT_AT_MOST: usize = 10_000;

#[derive(Clone)]
pub(crate) struct TicketCounts {
    pub totals: TicketTotals,
    pub weeks: Vec<TicketWeek>,
}

struct Kept {
    at: Timestamp,
    fingerprint: (i64, i64),
    counts: TicketCounts,
}

#[derive(Default)]
pub(crate) struct DashboardCache {
    kept: Mutex<HashMap<(TenantId, Reach, UserId), Kept>>,
    /// Held while counting, so that when kept counts expire under load one
    /// request counts and the others wait for its result instead of all
    /// counting at once.
    pub(crate) counting: tokio::sync::Mutex<()>,
}

impl DashboardCache {
    /// The counts kept for this caller, if still current at `now`.
    pub(crate) fn get(
        &self,
        key: (TenantId, Reach, UserId),
        now: Timestamp,
        fingerprint: (i64, i64),
    ) -> Option<TicketCounts> {
        let kept = self.kept.lock().ok()?;
        let entry = kept.get(&key)?;
        let fresh = (now.0 - entry.at.0).abs() < FRESH_FOR_MS;
        (fresh && entry.fingerprint == fingerprint).then(|| entry.counts.clone())
    }

    pub(crate) fn put(
        &self,
        key: (TenantId, Reach, UserId),
        now: Timestamp,
        fingerprint: (i64, i64),
        counts: TicketCounts,
    ) {
        if let Ok(mut kept) = self.kept.lock() {
            if kept.len() >= KEPT_AT_MOST {
                kept.clear();
            }
            kept.insert(
                key,
                Kept {
                    at: now,
                    fingerprint,
                    counts,
                },
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_counts_serve_only_while_unchanged_and_fresh() {
        let cache = DashboardCache::default();
        let key = (TenantId(1), Reach::All, UserId(7));
        let counts = TicketCounts {
            totals: TicketTotals {
                open: 3,
                ..Default::default()
            },
            weeks: Vec::new(),
        };
        let now = Timestamp(1_000_000);
        assert!(cache.get(key, now, (5, 9)).is_none());
        cache.put(key, now, (5, 9), counts);
        let kept = |at: i64, fingerprint| cache.get(key, Timestamp(at), fingerprint);
        assert_eq!(
            kept(1_000_000 + 29_000, (5, 9)).map(|c| c.totals.open),
            Some(3)
        );
        assert!(kept(1_000_000 + 31_000, (5, 9)).is_none(), "too old");
        assert!(kept(1_000_000, (6, 9)).is_none(), "a ticket was raised");
        assert!(kept(1_000_000, (5, 10)).is_none(), "a ticket changed");
        assert!(
            cache
                .get((TenantId(1), Reach::All, UserId(8)), now, (5, 9))
                .is_none(),
            "another user's counts are their own"
        );
    }
}
