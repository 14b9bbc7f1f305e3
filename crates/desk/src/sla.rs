//! Service-level agreements: per priority, how soon a person must first reply and how soon the
//! conversation must be resolved. Deadlines are absolute times stored with the conversation, so a
//! restarted desk still enforces them.

use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlaPolicy {
    pub first_response: Duration,
    pub resolution: Duration,
}

/// Absolute deadlines (milliseconds since the epoch) for work that starts at `now_ms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadlines {
    pub first_response: i64,
    pub resolution: i64,
}

pub fn deadlines(now_ms: i64, p: &SlaPolicy) -> Deadlines {
    Deadlines { first_response: after(now_ms, p.first_response), resolution: after(now_ms, p.resolution) }
}

/// `now_ms + d`, saturating instead of overflowing on absurd configurations.
pub fn after(now_ms: i64, d: Duration) -> i64 {
    now_ms.saturating_add(i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// Which SLA clocks have run out at `now_ms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Breaches {
    pub first_response: bool,
    pub resolution: bool,
}

pub fn breaches(
    now_ms: i64,
    first_response_due: Option<i64>,
    first_reply_at: Option<i64>,
    resolution_due: Option<i64>,
) -> Breaches {
    Breaches {
        first_response: first_reply_at.is_none() && first_response_due.is_some_and(|d| d <= now_ms),
        resolution: resolution_due.is_some_and(|d| d <= now_ms),
    }
}

/// The next rung of the ladder above `current` (`tiers` lowest first), if any.
pub fn next_tier<'a>(tiers: &'a [String], current: &str) -> Option<&'a str> {
    let i = tiers.iter().position(|t| t == current)?;
    tiers.get(i + 1).map(String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: SlaPolicy =
        SlaPolicy { first_response: Duration::from_secs(60), resolution: Duration::from_secs(3600) };

    #[test]
    fn deadlines_are_offsets_from_the_start() {
        let d = deadlines(1_000, &P);
        assert_eq!(d.first_response, 61_000);
        assert_eq!(d.resolution, 3_601_000);
        assert_eq!(after(i64::MAX - 1, Duration::from_secs(10)), i64::MAX);
    }

    #[test]
    fn a_first_reply_stops_the_first_response_clock() {
        assert_eq!(breaches(60_999, Some(61_000), None, Some(10_000_000)), Breaches::default());
        assert!(breaches(61_000, Some(61_000), None, None).first_response, "due exactly now counts");
        assert!(!breaches(99_000, Some(61_000), Some(50_000), None).first_response);
        assert!(breaches(99_000, None, None, Some(99_000)).resolution);
        assert_eq!(breaches(99_000, None, None, None), Breaches::default());
    }

    #[test]
    fn the_ladder_goes_up_one_rung_and_stops_at_the_top() {
        let tiers: Vec<String> = ["bot", "agent", "supervisor", "manager"].map(String::from).to_vec();
        assert_eq!(next_tier(&tiers, "agent"), Some("supervisor"));
        assert_eq!(next_tier(&tiers, "supervisor"), Some("manager"));
        assert_eq!(next_tier(&tiers, "manager"), None);
        assert_eq!(next_tier(&tiers, "nobody"), None);
    }
}
