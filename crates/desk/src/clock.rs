//! The desk's clock: what every operation stamps and every deadline is compared with. Real in
//! production; set by tests and tools that must make days pass (retention, SLA deadlines)
//! without waiting for them.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

pub trait Clock: Send + Sync {
    /// Milliseconds since the Unix epoch.
    fn now_ms(&self) -> i64;
}

/// The wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        chrono::Utc::now().timestamp_millis()
    }
}

/// A clock that stands still until moved.
#[derive(Debug)]
pub struct SetClock {
    ms: AtomicI64,
}

impl SetClock {
    /// Stands at `ms`.
    pub fn at(ms: i64) -> SetClock {
        SetClock { ms: AtomicI64::new(ms) }
    }

    /// Stands at the wall clock's time now.
    pub fn now() -> SetClock {
        SetClock::at(SystemClock.now_ms())
    }

    pub fn set(&self, ms: i64) {
        self.ms.store(ms, Ordering::SeqCst);
    }

    pub fn advance(&self, by: Duration) {
        let by = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        self.ms.fetch_add(by, Ordering::SeqCst);
    }
}

impl Clock for SetClock {
    fn now_ms(&self) -> i64 {
        self.ms.load(Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_set_clock_moves_only_when_told() {
        let c = SetClock::at(1_000);
        assert_eq!(c.now_ms(), 1_000);
        c.advance(Duration::from_secs(2));
        assert_eq!(c.now_ms(), 3_000);
        c.set(5);
        assert_eq!(c.now_ms(), 5);
        assert!(SystemClock.now_ms() > 1_700_000_000_000);
    }
}
