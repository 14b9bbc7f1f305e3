//! Rate limits (per IP, per conversation) behind [`Limiter`]. [`RateLimiter`] keeps them in
//! memory with `governor`'s keyed GCRA limiter (a token bucket of `burst` tokens refilled at
//! `per_minute`, kept as one time per key): a restart forgets them, which only ever lets a
//! client through sooner, acceptable for abuse protection. Several instances behind one load
//! balancer share theirs in the database instead (`db/postgres/limits.rs`), or each would allow
//! the full rate.
//!
//! A rate of zero (`*_per_minute = 0`) means the burst and then nothing: governor needs a finite
//! refill period, so the bucket refills one token per 2^63 ns / burst (292 years / burst: 146
//! years for a burst of 2, 2.4 years for the default 120, a day only beyond a burst of about
//! 100,000), and a refusal says "retry in 60 s" as before (there is no better time to name).

use async_trait::async_trait;
use governor::clock::{Clock, DefaultClock};
use governor::middleware::NoOpMiddleware;
use governor::state::keyed::DashMapStateStore;
use governor::Quota;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Past this many keys, stale ones (a full bucket again: nothing a missing key would not say)
/// are dropped, so a flood of distinct keys (spoofed conversation ids, many addresses) cannot
/// grow the map without bound.
const PRUNE_ABOVE: usize = 100_000;

/// The map's size is looked at once per this many checks: `len()` visits every shard of the map.
const LOOK_EVERY: u64 = 1_024;

/// Governor keeps times as u64 nanoseconds since the limiter started and does not check its
/// arithmetic: a full bucket's refill time (burst x period) must stay below this, with room for
/// the process's uptime on top.
const MAX_REFILL_NANOS: u64 = 1 << 63;

/// Retry-After for a zero rate, the same as before governor.
const ZERO_RATE_RETRY_SECS: u64 = 60;

type Keyed<C> =
    governor::RateLimiter<String, DashMapStateStore<String>, C, NoOpMiddleware<<C as Clock>::Instant>>;

pub struct RateLimiter<C: Clock = DefaultClock> {
    limiter: Keyed<C>,
    zero_rate: bool,
    checks: AtomicU64,
}

impl RateLimiter {
    /// `burst` requests at once (at least one), `per_minute` sustained.
    pub fn new(burst: u32, per_minute: u32) -> Self {
        RateLimiter::with_clock(burst, per_minute, DefaultClock::default())
    }
}

impl<C: Clock> RateLimiter<C> {
    /// The same on a given clock (tests advance a `governor::clock::FakeRelativeClock`).
    pub fn with_clock(burst: u32, per_minute: u32, clock: C) -> Self {
        let limiter = governor::RateLimiter::dashmap_with_clock(quota(burst, per_minute), clock);
        RateLimiter { limiter, zero_rate: per_minute == 0, checks: AtomicU64::new(0) }
    }

    /// Takes one token for `key`; `Err(seconds)` says when the next one will be there.
    pub fn check_key(&self, key: &str) -> Result<(), u64> {
        if self.checks.fetch_add(1, Ordering::Relaxed).is_multiple_of(LOOK_EVERY)
            && self.limiter.len() > PRUNE_ABOVE
        {
            self.limiter.retain_recent();
            self.limiter.shrink_to_fit();
        }
        // governor's key type is the map's (`String`); the old map allocated its key per check too.
        match self.limiter.check_key(&key.to_string()) {
            Ok(()) => Ok(()),
            Err(_) if self.zero_rate => Err(ZERO_RATE_RETRY_SECS),
            Err(not_until) => {
                let wait = not_until.wait_time_from(self.limiter.clock().now());
                Err(whole_seconds(wait))
            }
        }
    }

    /// Keys held now (bounded by the pruning above).
    pub fn len(&self) -> usize {
        self.limiter.len()
    }

    pub fn is_empty(&self) -> bool {
        self.limiter.is_empty()
    }
}

/// A wait as Retry-After: whole seconds, rounded up, at least one.
fn whole_seconds(wait: Duration) -> u64 {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    secs.max(1)
}

/// governor's quota for `burst` at `per_minute`, within its arithmetic ([`MAX_REFILL_NANOS`]).
fn quota(burst: u32, per_minute: u32) -> Quota {
    let burst = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
    let period_nanos = match NonZeroU32::new(per_minute) {
        Some(rate) => 60_000_000_000 / u64::from(rate.get()),
        None => MAX_REFILL_NANOS / u64::from(burst.get()),
    };
    // One nanosecond at least (a rate above 60e9 a minute); and a burst that would take longer
    // than MAX_REFILL_NANOS to refill is cut to what fits (at one a minute, 150 million: no
    // difference a client could notice).
    let period_nanos = period_nanos.max(1);
    let fits = u32::try_from(MAX_REFILL_NANOS / period_nanos).unwrap_or(u32::MAX);
    let burst = NonZeroU32::new(burst.get().min(fits)).unwrap_or(NonZeroU32::MIN);
    match Quota::with_period(Duration::from_nanos(period_nanos)) {
        Some(q) => q.allow_burst(burst),
        // Unreachable: the period is at least one nanosecond.
        None => Quota::per_second(burst),
    }
}

/// Where the limits are kept.
#[async_trait]
pub trait Limiter: Send + Sync {
    /// Takes one request's worth for `key`; `Err(seconds)` says when the next one is allowed.
    async fn check(&self, key: &str) -> Result<(), u64>;
}

#[async_trait]
impl<C: Clock + Send + Sync> Limiter for RateLimiter<C>
where
    C::Instant: Send + Sync,
{
    async fn check(&self, key: &str) -> Result<(), u64> {
        self.check_key(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use governor::clock::FakeRelativeClock;

    fn limiter(burst: u32, per_minute: u32) -> (RateLimiter<FakeRelativeClock>, FakeRelativeClock) {
        let clock = FakeRelativeClock::default();
        (RateLimiter::with_clock(burst, per_minute, clock.clone()), clock)
    }

    #[test]
    fn burst_then_refill() {
        let (r, clock) = limiter(2, 60); // one per second
        assert!(r.check_key("a").is_ok());
        assert!(r.check_key("a").is_ok());
        assert_eq!(r.check_key("a"), Err(1));
        assert!(r.check_key("b").is_ok(), "keys are independent");
        clock.advance(Duration::from_millis(1100));
        assert!(r.check_key("a").is_ok());
    }

    #[test]
    fn retry_after_counts_up_to_the_next_token() {
        let (r, clock) = limiter(1, 6); // one per 10 s
        assert!(r.check_key("a").is_ok());
        assert_eq!(r.check_key("a"), Err(10));
        clock.advance(Duration::from_millis(2500));
        assert_eq!(r.check_key("a"), Err(8), "7.5 s left, rounded up");
        clock.advance(Duration::from_millis(7500));
        assert!(r.check_key("a").is_ok());
    }

    #[test]
    fn a_zero_rate_allows_the_burst_and_then_nothing() {
        let (r, clock) = limiter(2, 0);
        assert!(r.check_key("a").is_ok());
        assert!(r.check_key("a").is_ok());
        assert_eq!(r.check_key("a"), Err(ZERO_RATE_RETRY_SECS));
        clock.advance(Duration::from_secs(10 * 365 * 86_400));
        assert_eq!(r.check_key("a"), Err(ZERO_RATE_RETRY_SECS), "ten years on");
        assert!(r.check_key("b").is_ok());
    }

    #[test]
    fn extreme_limits_stay_within_governors_arithmetic() {
        for (burst, per_minute) in [(u32::MAX, 1), (u32::MAX, 0), (u32::MAX, u32::MAX), (0, 0), (1, u32::MAX)]
        {
            let (r, clock) = limiter(burst, per_minute);
            for _ in 0..3 {
                let _ = r.check_key("a");
            }
            clock.advance(Duration::from_secs(100 * 365 * 86_400));
            let _ = r.check_key("a");
        }
    }

    #[test]
    fn a_flood_of_distinct_keys_is_pruned() {
        let (r, clock) = limiter(120, 600); // a key is stale 0.2 s after its one request
        for i in 0..PRUNE_ABOVE + 2 * LOOK_EVERY as usize {
            if i.is_multiple_of(10_000) {
                clock.advance(Duration::from_secs(1));
            }
            assert!(r.check_key(&format!("k{i}")).is_ok());
        }
        assert!(r.len() <= PRUNE_ABOVE, "{} keys held", r.len());
    }
}
