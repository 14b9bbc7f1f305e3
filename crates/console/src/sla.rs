//! The live SLA countdown: how long until a conversation's next deadline, and whether it is
//! fine (green), near (amber) or past (red).

use handoff_protocol::v1::ConversationSummary;

use crate::time::parse_ms;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlaLevel {
    /// Plenty of time.
    Ok,
    /// The last quarter of the window (or the last minute when the window is unknown).
    Near,
    /// The deadline has passed.
    Breached,
}

impl SlaLevel {
    pub fn class(self) -> &'static str {
        match self {
            SlaLevel::Ok => "sla sla-ok",
            SlaLevel::Near => "sla sla-near",
            SlaLevel::Breached => "sla sla-breached",
        }
    }
}

/// A deadline and the moment its clock started (when known).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlaClock {
    pub started_ms: Option<i64>,
    pub due_ms: i64,
}

impl SlaClock {
    /// The nearest running deadline of a conversation: first response, else resolution.
    pub fn of(c: &ConversationSummary) -> Option<SlaClock> {
        let due = |d: &Option<String>| d.as_deref().and_then(parse_ms);
        let due_ms = match (due(&c.first_response_due), due(&c.resolution_due)) {
            (Some(a), Some(b)) => a.min(b),
            (a, b) => a.or(b)?,
        };
        let started_ms = c.queued_at.as_deref().and_then(parse_ms).filter(|s| *s < due_ms);
        Some(SlaClock { started_ms, due_ms })
    }

    /// Milliseconds left (negative once breached).
    pub fn remaining(&self, now_ms: i64) -> i64 {
        self.due_ms - now_ms
    }

    pub fn level(&self, now_ms: i64) -> SlaLevel {
        let left = self.remaining(now_ms);
        if left <= 0 {
            return SlaLevel::Breached;
        }
        let near = match self.started_ms {
            Some(s) => left * 4 <= self.due_ms - s,
            None => left <= 60_000,
        };
        if near {
            SlaLevel::Near
        } else {
            SlaLevel::Ok
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use handoff_protocol::v1::ConversationStatus;

    fn conv(queued: Option<&str>, first: Option<&str>, resolution: Option<&str>) -> ConversationSummary {
        ConversationSummary {
            conversation_id: "c".into(),
            site_key: "demo".into(),
            status: ConversationStatus::Queued,
            department: Some("orders".into()),
            tier: Some("agent".into()),
            priority: Some("normal".into()),
            reason: Some("explicit".into()),
            locale: "en".into(),
            agent_id: None,
            queued_at: queued.map(str::to_string),
            first_response_due: first.map(str::to_string),
            resolution_due: resolution.map(str::to_string),
            page_url: None,
            created_at: String::new(),
            assigned_at: None,
        }
    }

    const T0: &str = "2026-11-29T16:00:00.000Z";
    const T5: &str = "2026-11-29T16:05:00.000Z";
    const T60: &str = "2026-11-29T17:00:00.000Z";

    #[test]
    fn green_then_amber_in_the_last_quarter_then_red() {
        let clock = SlaClock::of(&conv(Some(T0), Some(T5), Some(T60))).expect("clock");
        let t0 = parse_ms(T0).unwrap();
        assert_eq!(clock.due_ms, parse_ms(T5).unwrap(), "the nearer deadline counts");
        assert_eq!(clock.level(t0), SlaLevel::Ok);
        assert_eq!(clock.level(t0 + 224_000), SlaLevel::Ok);
        assert_eq!(clock.level(t0 + 225_000), SlaLevel::Near);
        assert_eq!(clock.level(t0 + 299_999), SlaLevel::Near);
        assert_eq!(clock.level(t0 + 300_000), SlaLevel::Breached);
        assert_eq!(clock.remaining(t0 + 310_000), -10_000);
    }

    #[test]
    fn without_a_start_the_last_minute_is_amber() {
        let clock = SlaClock::of(&conv(None, None, Some(T5))).expect("clock");
        let due = parse_ms(T5).unwrap();
        assert_eq!(clock.level(due - 61_000), SlaLevel::Ok);
        assert_eq!(clock.level(due - 60_000), SlaLevel::Near);
        assert!(SlaClock::of(&conv(Some(T0), None, None)).is_none(), "no clock, no countdown");
    }
}
