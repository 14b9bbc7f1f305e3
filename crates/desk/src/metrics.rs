//! Prometheus counters and gauges, written out by hand in the text exposition format (a few
//! atomics do not justify a metrics stack).
//!
//! Two kinds: the unlabelled `handoff_*_total` counters are process-local (they restart at zero
//! with the desk, which Prometheus' `rate()` handles); the `handoff_site_*` series, labelled per
//! site, are computed from the database at scrape time ([`render_stored`]), so they keep their
//! meaning across restarts: the same figures as the insights, over all time.

use crate::db::{MailCounts, StoredCounts};
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
    pub transcripts: AtomicU64,
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
            (
                "handoff_transcripts_total",
                "Copies of a conversation queued for its customer.",
                &self.transcripts,
            ),
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

/// The outbound mail series: this process's sends and failed attempts, and the outbox by
/// status from the database (`None` when it could not be read: the gauges are left out rather
/// than reported as zero).
pub fn render_mail(sent: u64, failures: u64, outbox: Option<&MailCounts>, inbound: &Inbound) -> String {
    let mut out = String::new();
    family(&mut out, "handoff_mail_sent_total", "counter", "Mails the SMTP server accepted.");
    let _ = writeln!(out, "handoff_mail_sent_total {sent}");
    family(
        &mut out,
        "handoff_mail_send_failures_total",
        "counter",
        "Failed send attempts (each retry counts once).",
    );
    let _ = writeln!(out, "handoff_mail_send_failures_total {failures}");
    if let Some(c) = outbox {
        family(
            &mut out,
            "handoff_mail_outbox",
            "gauge",
            "Mails in the outbox by status: pending (queued or retrying), failed (given up), sent.",
        );
        for (status, n) in [("pending", c.pending), ("failed", c.failed), ("sent", c.sent)] {
            series(&mut out, "handoff_mail_outbox", &[("status", status)], n);
        }
    }
    family(
        &mut out,
        "handoff_mail_inbound_total",
        "counter",
        "Mails fetched from the support mailbox, by outcome: stored or duplicate (a customer's reply), \
         or refused (unknown_token, no_token, auto_reply, bounce, loop, malformed, too_large, empty).",
    );
    for (outcome, n) in &inbound.outcomes {
        series(&mut out, "handoff_mail_inbound_total", &[("outcome", outcome)], *n);
    }
    family(
        &mut out,
        "handoff_mail_fetch_errors_total",
        "counter",
        "Failed rounds of the IMAP fetcher (server unreachable, login refused, ...).",
    );
    let _ = writeln!(out, "handoff_mail_fetch_errors_total {}", inbound.fetch_errors);
    out
}

/// This process's inbound mail counters (`crate::mail::MailState`).
#[derive(Debug, Default)]
pub struct Inbound {
    pub outcomes: Vec<(&'static str, u64)>,
    pub fetch_errors: u64,
}

/// A label value in the exposition format: backslash, quote and line feed escaped.
fn label(v: &str) -> String {
    v.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

fn series(out: &mut String, name: &str, labels: &[(&str, &str)], value: u64) {
    let l: Vec<String> = labels.iter().map(|(k, v)| format!("{k}=\"{}\"", label(v))).collect();
    let _ = writeln!(out, "{name}{{{}}} {value}", l.join(","));
}

fn family(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
}

/// The per-site series, from the database's totals (see the module docs).
pub fn render_stored(c: &StoredCounts) -> String {
    let mut out = String::new();
    family(
        &mut out,
        "handoff_site_conversations_started_total",
        "counter",
        "Conversations started, per site.",
    );
    for (site, n) in &c.started {
        series(&mut out, "handoff_site_conversations_started_total", &[("site", site)], *n);
    }
    let audit = |out: &mut String, kind: &str, name: &str, help: &str, labels: [&str; 2]| {
        family(out, name, "counter", help);
        for (site, _, a, b, n) in c.audit.iter().filter(|r| r.1 == kind) {
            let mut l = vec![("site", site.as_str())];
            if !labels[0].is_empty() {
                l.push((labels[0], a));
            }
            if !labels[1].is_empty() {
                l.push((labels[1], b));
            }
            series(out, name, &l, *n);
        }
    };
    audit(
        &mut out,
        "handoff",
        "handoff_site_handoffs_total",
        "Handoffs to a person, per site and reason.",
        ["reason", ""],
    );
    audit(
        &mut out,
        "escalation",
        "handoff_site_escalations_total",
        "Tier escalations (manual and by SLA), per site and tiers.",
        ["from_tier", "to_tier"],
    );
    audit(
        &mut out,
        "transfer",
        "handoff_site_transfers_total",
        "Department transfers, per site and departments.",
        ["from_department", "to_department"],
    );
    audit(
        &mut out,
        "sla_breach",
        "handoff_site_sla_breaches_total",
        "SLA deadlines missed, per site and kind (first_response, resolution).",
        ["kind", ""],
    );
    audit(
        &mut out,
        "offline",
        "handoff_site_offline_total",
        "Handoffs answered offline, per site.",
        ["", ""],
    );
    family(&mut out, "handoff_site_tickets_total", "counter", "Offline tickets stored, per site.");
    for (site, n) in &c.tickets {
        series(&mut out, "handoff_site_tickets_total", &[("site", site)], *n);
    }
    family(&mut out, "handoff_site_ratings_total", "counter", "Satisfaction ratings, per site.");
    for (site, n, _) in &c.ratings {
        series(&mut out, "handoff_site_ratings_total", &[("site", site)], *n);
    }
    family(
        &mut out,
        "handoff_site_rating_score_sum",
        "counter",
        "Sum of the rating scores (1-5), per site; divide by handoff_site_ratings_total for the average.",
    );
    for (site, _, sum) in &c.ratings {
        series(&mut out, "handoff_site_rating_score_sum", &[("site", site)], *sum);
    }
    family(
        &mut out,
        "handoff_site_open_conversations",
        "gauge",
        "Conversations queued or assigned, per site.",
    );
    for (site, status, n) in &c.open {
        series(&mut out, "handoff_site_open_conversations", &[("site", site), ("status", status)], *n);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_series_are_labelled_and_escaped() {
        let c = StoredCounts {
            audit: vec![
                ("demo".into(), "handoff".into(), "rule".into(), String::new(), 2),
                ("demo".into(), "escalation".into(), "agent".into(), "supervisor".into(), 1),
                ("demo".into(), "transfer".into(), "orders".into(), "bil\"ling\\x\ny".into(), 3),
                ("demo".into(), "offline".into(), String::new(), String::new(), 4),
            ],
            started: vec![("demo".into(), 9)],
            tickets: vec![],
            ratings: vec![("demo".into(), 2, 7)],
            open: vec![("demo".into(), "queued".into(), 1)],
        };
        let text = render_stored(&c);
        for line in [
            "handoff_site_conversations_started_total{site=\"demo\"} 9",
            "handoff_site_handoffs_total{site=\"demo\",reason=\"rule\"} 2",
            "handoff_site_escalations_total{site=\"demo\",from_tier=\"agent\",to_tier=\"supervisor\"} 1",
            "handoff_site_transfers_total{site=\"demo\",from_department=\"orders\",to_department=\"bil\\\"ling\\\\x\\ny\"} 3",
            "handoff_site_offline_total{site=\"demo\"} 4",
            "handoff_site_ratings_total{site=\"demo\"} 2",
            "handoff_site_rating_score_sum{site=\"demo\"} 7",
            "handoff_site_open_conversations{site=\"demo\",status=\"queued\"} 1",
            "# TYPE handoff_site_tickets_total counter",
        ] {
            assert!(text.lines().any(|l| l == line), "{line} missing:\n{text}");
        }
    }
}
