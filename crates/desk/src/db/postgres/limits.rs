//! Rate limits shared by every instance ([`Limiter`] in the `rate_limits` table): the generic
//! cell rate algorithm, one upsert per request, so a client spreading its requests over the
//! instances gets the configured rate, not one per instance.
//!
//! GCRA keeps one time per key, the theoretical arrival time (TAT): when the bucket would be
//! full again. A request at `now` is allowed when `max(TAT, now) + interval - now` stays within
//! `burst * interval`, and then moves the TAT by one interval. This is the token bucket of
//! [`crate::ratelimit::RateLimiter`] (capacity `burst`, one token per interval) in one number.

use crate::ratelimit::Limiter;
use async_trait::async_trait;
use sqlx::postgres::PgPool;
use std::sync::atomic::{AtomicI64, Ordering};

/// Allows or refuses one request and returns the TAT after it. `$1` scope, `$2` key, `$3` now,
/// `$4` interval, `$5` burst * interval (ms). Each SET expression reads the row as it was.
const CHECK: &str = r#"
INSERT INTO rate_limits AS r (scope, key, tat, allowed)
VALUES ($1, $2, $3 + $4, TRUE)
ON CONFLICT (scope, key) DO UPDATE SET
    tat = CASE WHEN GREATEST(r.tat, $3) + $4 - $3 <= $5 THEN GREATEST(r.tat, $3) + $4 ELSE r.tat END,
    allowed = GREATEST(r.tat, $3) + $4 - $3 <= $5
RETURNING allowed, tat
"#;

/// Keys whose bucket is full again are deleted at most this often (ms) by each instance.
const PRUNE_EVERY_MS: i64 = 60_000;

pub struct PgLimiter {
    pool: PgPool,
    /// What this limiter limits (`ip`, `conversation`): one table for all.
    scope: &'static str,
    /// ms per request at the sustained rate.
    interval_ms: i64,
    burst: i64,
    pruned_at: AtomicI64,
}

impl PgLimiter {
    /// `burst` requests at once, `per_minute` sustained. A rate of zero allows one request an
    /// hour once the burst is spent (the table needs a finite interval).
    pub fn new(pool: PgPool, scope: &'static str, burst: u32, per_minute: u32) -> PgLimiter {
        let interval_ms = if per_minute == 0 { 3_600_000 } else { (60_000 / i64::from(per_minute)).max(1) };
        PgLimiter { pool, scope, interval_ms, burst: i64::from(burst.max(1)), pruned_at: AtomicI64::new(0) }
    }

    async fn prune(&self, now: i64) {
        let last = self.pruned_at.load(Ordering::Relaxed);
        if now - last < PRUNE_EVERY_MS {
            return;
        }
        self.pruned_at.store(now, Ordering::Relaxed);
        // A TAT in the past is a full bucket: the row says nothing a missing row would not.
        let q =
            sqlx::query("DELETE FROM rate_limits WHERE scope = $1 AND tat < $2").bind(self.scope).bind(now);
        if let Err(e) = q.execute(&self.pool).await {
            tracing::warn!(error = %e, "pruning rate limits failed");
        }
    }

    /// [`Limiter::check`] at a given time (ms since the epoch).
    pub async fn check_at(&self, key: &str, now: i64) -> Result<(), u64> {
        self.prune(now).await;
        let limit = self.burst.saturating_mul(self.interval_ms);
        let row: Result<(bool, i64), _> = sqlx::query_as(CHECK)
            .bind(self.scope)
            .bind(key)
            .bind(now)
            .bind(self.interval_ms)
            .bind(limit)
            .fetch_one(&self.pool)
            .await;
        match row {
            Ok((true, _)) => Ok(()),
            Ok((false, tat)) => {
                // Allowed again once max(TAT, now) + interval - now fits the limit.
                let ms = tat.saturating_add(self.interval_ms).saturating_sub(limit).saturating_sub(now);
                Err(u64::try_from((ms + 999) / 1_000).unwrap_or(1).max(1))
            }
            Err(e) => {
                // Abuse protection must not take the desk down with it: a database that cannot
                // answer this cannot serve the request either, which then fails on its own.
                tracing::warn!(error = %e, scope = self.scope, "rate limit unavailable; letting the request through");
                Ok(())
            }
        }
    }
}

#[async_trait]
impl Limiter for PgLimiter {
    async fn check(&self, key: &str) -> Result<(), u64> {
        self.check_at(key, crate::desk::now_ms()).await
    }
}
