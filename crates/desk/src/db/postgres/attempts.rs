//! Per-account login backoff shared by every instance ([`LoginAttempts`] in the
//! `login_attempts` table): the same rule as [`crate::login_backoff::MemoryAttempts`], each
//! operation one statement, so concurrent attempts at different instances count exactly.
//!
//! The wait after `n` failures comes from [`BackoffPolicy::wait_ms`] as an array the statement
//! indexes, so both implementations share one definition of the curve.

use crate::login_backoff::{BackoffPolicy, LoginAttempts};
use async_trait::async_trait;
use sqlx::postgres::PgPool;
use std::sync::atomic::{AtomicI64, Ordering};

pub struct PgAttempts {
    pool: PgPool,
    policy: BackoffPolicy,
    /// `waits[n]`: the wait after `n` failures, up to where it stops growing.
    waits: Vec<i64>,
    pruned_at: AtomicI64,
}

/// Forgotten records are deleted at most this often (ms) by each instance.
const PRUNE_EVERY_MS: i64 = 60_000;

/// Admits the attempt (counting it as a failure) unless the account must wait; the row is
/// created on the first attempt. `$1` account, `$2` now, `$3` forget-after, `$4` the waits.
/// Every SET expression reads the row as it was, so "admitted" is the same test in each:
/// failures older than the forget time count as none, and the attempt is admitted once the
/// wait for the (remaining) failures has passed since the last admitted one.
const BEGIN: &str = r#"
INSERT INTO login_attempts AS a (account, failures, last_at, admitted)
VALUES ($1, 1, $2, TRUE)
ON CONFLICT (account) DO UPDATE SET
    failures = CASE WHEN ($2 >= a.last_at + ($4::BIGINT[])[LEAST((CASE WHEN $2 - a.last_at >= $3 THEN 0 ELSE a.failures END), cardinality($4::BIGINT[]) - 1) + 1])
                    THEN (CASE WHEN $2 - a.last_at >= $3 THEN 0 ELSE a.failures END) + 1 ELSE a.failures END,
    last_at = CASE WHEN ($2 >= a.last_at + ($4::BIGINT[])[LEAST((CASE WHEN $2 - a.last_at >= $3 THEN 0 ELSE a.failures END), cardinality($4::BIGINT[]) - 1) + 1])
                   THEN $2 ELSE a.last_at END,
    admitted = ($2 >= a.last_at + ($4::BIGINT[])[LEAST((CASE WHEN $2 - a.last_at >= $3 THEN 0 ELSE a.failures END), cardinality($4::BIGINT[]) - 1) + 1])
RETURNING admitted, failures, last_at
"#;

impl PgAttempts {
    pub fn new(pool: PgPool, policy: BackoffPolicy) -> PgAttempts {
        // The wait doubles up to its cap: past 64 doublings it has stopped growing for sure.
        let waits = (0..=policy.free_failures.saturating_add(64)).map(|n| policy.wait_ms(n)).collect();
        PgAttempts { pool, policy, waits, pruned_at: AtomicI64::new(0) }
    }

    async fn prune(&self, now: i64) {
        let last = self.pruned_at.load(Ordering::Relaxed);
        if now - last < PRUNE_EVERY_MS {
            return;
        }
        self.pruned_at.store(now, Ordering::Relaxed);
        // A record older than the forget time counts as none; a wait never outlasts it.
        let before = now.saturating_sub(self.policy.forget_after_ms.max(self.policy.max_wait_ms));
        if let Err(e) = sqlx::query("DELETE FROM login_attempts WHERE last_at < $1")
            .bind(before)
            .execute(&self.pool)
            .await
        {
            tracing::warn!(error = %e, "pruning login attempts failed");
        }
    }
}

#[async_trait]
impl LoginAttempts for PgAttempts {
    async fn begin(&self, account: &str, now: i64) -> Result<(), u64> {
        self.prune(now).await;
        let row: Result<(bool, i32, i64), _> = sqlx::query_as(BEGIN)
            .bind(account)
            .bind(now)
            .bind(self.policy.forget_after_ms)
            .bind(&self.waits)
            .fetch_one(&self.pool)
            .await;
        match row {
            Ok((true, _, _)) => Ok(()),
            Ok((false, failures, last)) => {
                let failures = u32::try_from(failures).unwrap_or(u32::MAX);
                let ms = last.saturating_add(self.policy.wait_ms(failures)).saturating_sub(now);
                Err(u64::try_from((ms + 999) / 1_000).unwrap_or(1).max(1))
            }
            Err(e) => {
                // Refusing is the safe side: an attacker must not get unlimited guesses while the
                // table is out of reach (the login would fail on the database anyway).
                tracing::warn!(error = %e, "login backoff unavailable; refusing the attempt");
                Err(1)
            }
        }
    }

    async fn succeeded(&self, account: &str) {
        if let Err(e) = sqlx::query("DELETE FROM login_attempts WHERE account = $1")
            .bind(account)
            .execute(&self.pool)
            .await
        {
            // The failures stay counted: the account waits sooner next time, no worse.
            tracing::warn!(error = %e, "forgetting login failures failed");
        }
    }
}
