//! Per-account login backoff: after a few failed logins for one e-mail address, further attempts
//! for it wait an exponentially growing time, whatever address they come from. The per-IP
//! limit ([`crate::ratelimit`]) alone lets a botnet of many addresses guess at full speed.
//!
//! Each attempt is counted as a failure *before* the password is checked and forgotten on
//! success: so a burst of concurrent guesses cannot all pass the check while the slow argon2
//! verifications are still running. During backoff even the right password is refused (429),
//! otherwise the backoff would only slow down wrong guesses.
//!
//! The state lives behind [`LoginAttempts`]: in memory for a desk alone ([`MemoryAttempts`]; a
//! restart forgets it, which only lets an attacker through sooner). Several desk instances
//! behind one load balancer share it in the database (`db/postgres/attempts.rs`: a table keyed
//! by account, each operation one atomic upsert), which is why times are wall-clock
//! milliseconds and the trait is async.

use async_trait::async_trait;
use std::collections::HashMap;
use std::sync::Mutex;

/// How the backoff grows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BackoffPolicy {
    /// Failed attempts allowed without any wait (typos happen).
    pub free_failures: u32,
    /// The wait after the first failure past the free ones; it doubles with each further one.
    pub first_wait_ms: i64,
    /// The wait never grows beyond this (an attacker can keep an account waiting, not lock it).
    pub max_wait_ms: i64,
    /// Failures older than this (since the last attempt) are forgotten.
    pub forget_after_ms: i64,
}

impl Default for BackoffPolicy {
    fn default() -> Self {
        BackoffPolicy {
            free_failures: 5,
            first_wait_ms: 1_000,
            max_wait_ms: 15 * 60 * 1_000,
            forget_after_ms: 24 * 3_600 * 1_000,
        }
    }
}

impl BackoffPolicy {
    /// The wait after `failures` failed attempts (0 while they are free).
    pub fn wait_ms(&self, failures: u32) -> i64 {
        let Some(over) = failures.checked_sub(self.free_failures).filter(|o| *o > 0) else { return 0 };
        // 2^(over-1), saturating well before i64 overflows.
        let factor = 1_i64.checked_shl(over.saturating_sub(1).min(40)).unwrap_or(i64::MAX);
        self.first_wait_ms.saturating_mul(factor).min(self.max_wait_ms)
    }
}

/// Where the failed attempts of each account are kept. `account` is the normalised login
/// (see [`account_key`]); `now` is milliseconds since the epoch.
#[async_trait]
pub trait LoginAttempts: Send + Sync {
    /// Admits one attempt and counts it as a failure until [`LoginAttempts::succeeded`] says
    /// otherwise; `Err(seconds)` while the account must wait (nothing is counted then).
    async fn begin(&self, account: &str, now: i64) -> Result<(), u64>;
    /// The password was right: the account's failures are forgotten.
    async fn succeeded(&self, account: &str);
}

/// The login as the backoff keys it: trimmed and lower-cased, so `Ana@X` and ` ana@x` share one
/// budget. Unknown addresses get one too, so the answers do not reveal which accounts exist.
pub fn account_key(email: &str) -> String {
    email.trim().to_lowercase()
}

#[derive(Debug, Clone, Copy)]
struct Record {
    failures: u32,
    last: i64,
}

/// [`LoginAttempts`] in this process's memory, bounded in size.
#[derive(Debug, Default)]
pub struct MemoryAttempts {
    policy: BackoffPolicy,
    records: Mutex<HashMap<String, Record>>,
}

/// At most this many accounts are remembered; past it, the forgettable ones are dropped.
const MAX_RECORDS: usize = 100_000;

impl MemoryAttempts {
    pub fn new(policy: BackoffPolicy) -> Self {
        MemoryAttempts { policy, records: Mutex::default() }
    }
}

#[async_trait]
impl LoginAttempts for MemoryAttempts {
    async fn begin(&self, account: &str, now: i64) -> Result<(), u64> {
        let p = self.policy;
        // A poisoned lock only means another request panicked mid-update; the map is usable.
        let mut map = self.records.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= MAX_RECORDS && !map.contains_key(account) {
            // Keep the records that still make someone wait; a flood of distinct addresses
            // cannot grow the map without bound.
            map.retain(|_, r| now.saturating_sub(r.last) < p.wait_ms(r.failures).max(1));
            if map.len() >= MAX_RECORDS {
                // Every record is an active backoff: refusing the newcomer is the safe side.
                return Err(1);
            }
        }
        let r = map.entry(account.to_string()).or_insert(Record { failures: 0, last: now });
        if now.saturating_sub(r.last) >= p.forget_after_ms {
            r.failures = 0;
        }
        let ready_at = r.last.saturating_add(p.wait_ms(r.failures));
        if now < ready_at {
            let ms = ready_at - now;
            return Err(u64::try_from((ms + 999) / 1_000).unwrap_or(1).max(1));
        }
        r.failures = r.failures.saturating_add(1);
        r.last = now;
        Ok(())
    }

    async fn succeeded(&self, account: &str) {
        self.records.lock().unwrap_or_else(|e| e.into_inner()).remove(account);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> BackoffPolicy {
        BackoffPolicy { free_failures: 3, first_wait_ms: 1_000, max_wait_ms: 8_000, forget_after_ms: 60_000 }
    }

    #[test]
    fn the_wait_doubles_after_the_free_failures_up_to_the_cap() {
        let p = policy();
        let waits: Vec<i64> = (0..9).map(|n| p.wait_ms(n)).collect();
        assert_eq!(waits, [0, 0, 0, 0, 1_000, 2_000, 4_000, 8_000, 8_000]);
        assert_eq!(p.wait_ms(u32::MAX), 8_000, "no overflow");
        assert_eq!(BackoffPolicy::default().wait_ms(200), 15 * 60 * 1_000);
    }

    #[tokio::test]
    async fn failures_make_the_account_wait_and_success_resets() {
        let a = MemoryAttempts::new(policy());
        let t = 1_000_000;
        for _ in 0..4 {
            assert_eq!(a.begin("ana", t).await, Ok(()));
        }
        // Four failures: one second to wait, for the right password too.
        assert_eq!(a.begin("ana", t).await, Err(1));
        assert_eq!(a.begin("ana", t + 999).await, Err(1));
        assert_eq!(a.begin("ben", t).await, Ok(()), "accounts are independent");
        assert_eq!(a.begin("ana", t + 1_000).await, Ok(()), "fifth attempt after the wait");
        assert_eq!(a.begin("ana", t + 1_000).await, Err(2), "then two seconds");
        // The refused attempts were not counted: still two seconds after the fifth.
        assert_eq!(a.begin("ana", t + 3_000).await, Ok(()));
        a.succeeded("ana").await;
        for _ in 0..4 {
            assert_eq!(a.begin("ana", t + 3_000).await, Ok(()), "success forgot the failures");
        }
    }

    #[tokio::test]
    async fn old_failures_are_forgotten() {
        let a = MemoryAttempts::new(policy());
        for _ in 0..10 {
            let _ = a.begin("ana", 0).await;
        }
        assert!(a.begin("ana", 1).await.is_err());
        assert_eq!(a.begin("ana", 60_000).await, Ok(()));
        assert_eq!(a.begin("ana", 60_000).await, Ok(()), "counting from zero again");
    }

    #[test]
    fn keys_ignore_case_and_spaces() {
        assert_eq!(account_key("  Ana@Fernhill.Example "), "ana@fernhill.example");
    }
}
