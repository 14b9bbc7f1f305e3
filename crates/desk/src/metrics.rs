//! Prometheus counters and gauges, written out by hand in the text exposition format (a few
//! atomics do not justify a metrics stack).

use std::fmt::Write;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

#[derive(Debug, Default)]
pub struct Metrics {
    pub messages: AtomicU64,
    pub handoffs: AtomicU64,
    pub escalations: AtomicU64,
    pub transfers: AtomicU64,
    pub sla_breaches: AtomicU64,
    pub offline: AtomicU64,
    pub tickets: AtomicU64,
    pub open_streams: AtomicI64,
}

impl Metrics {
    pub fn inc(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// The exposition text; `queued` is read from the database by the caller.
    pub fn render(&self, queued: u64) -> String {
        let mut out = String::new();
        let counters = [
            ("handoff_messages_total", "Messages accepted (customer and agent).", &self.messages),
            ("handoff_handoffs_total", "Handoffs initiated by the bot.", &self.handoffs),
            ("handoff_escalations_total", "Tier escalations (manual and by SLA).", &self.escalations),
            ("handoff_transfers_total", "Department transfers.", &self.transfers),
            ("handoff_sla_breaches_total", "SLA deadlines missed.", &self.sla_breaches),
            ("handoff_offline_total", "Handoffs answered offline.", &self.offline),
            ("handoff_tickets_total", "Offline tickets stored.", &self.tickets),
        ];
        for (name, help, v) in counters {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {}",
                v.load(Ordering::Relaxed)
            );
        }
        let gauges = [
            ("handoff_open_streams", "Open event streams.", self.open_streams.load(Ordering::Relaxed)),
            (
                "handoff_queued_conversations",
                "Conversations waiting for a person.",
                i64::try_from(queued).unwrap_or(i64::MAX),
            ),
        ];
        for (name, help, v) in gauges {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {v}");
        }
        out
    }
}
