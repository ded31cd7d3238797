//! Record ids: time-ordered i64 values below 2^53 (safe in JSON for
//! JavaScript clients), unique within a process and, with a random start of
//! the low bits, practically unique across processes writing at once.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// 2024-01-01T00:00:00Z; 41 bits of milliseconds from here last until 2093.
const EPOCH_MS: i64 = 1_704_067_200_000;
const LOW_BITS: u32 = 12;

pub(crate) struct IdGenerator {
    last: AtomicI64,
    salt: i64,
}

impl IdGenerator {
    pub(crate) fn new() -> Self {
        let mut bytes = [0u8; 2];
        // A failing OS random source only makes cross-process clashes likelier.
        let _ = getrandom::getrandom(&mut bytes);
        IdGenerator {
            last: AtomicI64::new(0),
            salt: (u16::from_le_bytes(bytes) as i64) & ((1 << (LOW_BITS - 1)) - 1),
        }
    }

    pub(crate) fn next(&self) -> i64 {
        let now_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(EPOCH_MS);
        let floor = ((now_ms - EPOCH_MS).max(0) << LOW_BITS) | self.salt;
        let mut last = self.last.load(Ordering::Relaxed);
        loop {
            let candidate = floor.max(last + 1);
            match self.last.compare_exchange_weak(
                last,
                candidate,
                Ordering::Relaxed,
                Ordering::Relaxed,
            ) {
                Ok(_) => return candidate,
                Err(seen) => last = seen,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_increase_and_stay_below_2_pow_53() {
        let ids = IdGenerator::new();
        let mut previous = 0;
        for _ in 0..10_000 {
            let id = ids.next();
            assert!(id > previous);
            assert!(id < 1 << 53);
            previous = id;
        }
    }
}
