//! Rate limits (per IP, per conversation) behind [`Limiter`]. [`RateLimiter`] keeps token
//! buckets in memory: a restart forgets them, which only ever lets a client through sooner,
//! acceptable for abuse protection. Several instances behind one load balancer share theirs in
//! the database instead (`db/postgres/limits.rs`), or each would allow the full rate.

use async_trait::async_trait;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    last: Instant,
}

#[derive(Debug)]
pub struct RateLimiter {
    burst: f64,
    per_sec: f64,
    buckets: Mutex<HashMap<String, Bucket>>,
}

impl RateLimiter {
    pub fn new(burst: u32, per_minute: u32) -> Self {
        RateLimiter {
            burst: f64::from(burst.max(1)),
            per_sec: f64::from(per_minute) / 60.0,
            buckets: Mutex::default(),
        }
    }

    /// Takes one token for `key` at `now`; `Err(seconds)` says when the next one will be there.
    pub fn check_at(&self, key: &str, now: Instant) -> Result<(), u64> {
        // A poisoned lock only means another request panicked mid-update; the map is still usable.
        let mut map = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() > 100_000 {
            // Bound memory under a flood of distinct keys: full buckets carry no information.
            let (burst, per_sec) = (self.burst, self.per_sec);
            map.retain(|_, b| b.tokens + now.duration_since(b.last).as_secs_f64() * per_sec < burst);
        }
        let b = map.entry(key.to_string()).or_insert(Bucket { tokens: self.burst, last: now });
        b.tokens = (b.tokens + now.duration_since(b.last).as_secs_f64() * self.per_sec).min(self.burst);
        b.last = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            Ok(())
        } else if self.per_sec <= 0.0 {
            Err(60)
        } else {
            Err(((1.0 - b.tokens) / self.per_sec).ceil().max(1.0) as u64)
        }
    }
}

/// Where the limits are kept.
#[async_trait]
pub trait Limiter: Send + Sync {
    /// Takes one request's worth for `key`; `Err(seconds)` says when the next one is allowed.
    async fn check(&self, key: &str) -> Result<(), u64>;
}

#[async_trait]
impl Limiter for RateLimiter {
    async fn check(&self, key: &str) -> Result<(), u64> {
        self.check_at(key, Instant::now())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn burst_then_refill() {
        let r = RateLimiter::new(2, 60); // one per second
        let t = Instant::now();
        assert!(r.check_at("a", t).is_ok());
        assert!(r.check_at("a", t).is_ok());
        assert_eq!(r.check_at("a", t), Err(1));
        assert!(r.check_at("b", t).is_ok(), "keys are independent");
        assert!(r.check_at("a", t + Duration::from_millis(1100)).is_ok());
    }
}
