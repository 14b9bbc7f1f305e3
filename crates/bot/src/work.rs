//! Counts the work one message costs, so tests can assert that it is bounded for any input the
//! composer accepts (counts, never wall-clock time: timings belong in the criterion bench).
//!
//! One unit is one string built or hashed for a look-up: a typo deletion, a prefix probe, a
//! candidate confirmed by edit distance. The counter exists only with the `content` feature
//! (tests, CLI, desk); the widget builds without it, so [`add`] compiles to nothing there.

#[cfg(feature = "content")]
mod imp {
    use std::cell::Cell;

    thread_local! {
        // Per thread: the test harness runs tests in parallel.
        static UNITS: Cell<u64> = const { Cell::new(0) };
    }

    pub fn add(n: usize) {
        UNITS.with(|u| u.set(u.get().saturating_add(n as u64)));
    }

    /// The units counted on this thread since the last call, and a reset.
    pub fn take() -> u64 {
        UNITS.with(|u| u.replace(0))
    }
}

#[cfg(feature = "content")]
pub use imp::{add, take};

#[cfg(not(feature = "content"))]
#[inline(always)]
pub fn add(_n: usize) {}
