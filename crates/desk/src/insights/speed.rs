//! Speed: first human reply, resolution, queue waits, SLA attainment.

use super::{ratio, Conv, Durations};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Speed {
    /// First handoff -> first agent message to the customer (internal notes do not count), over
    /// handed-off conversations that got one.
    pub first_reply: Durations,
    /// Handed-off conversations without any agent message to the customer yet.
    pub without_reply: u64,
    /// First handoff -> first resolution, over resolved handed-off conversations.
    pub resolution: Durations,
    /// Handoff -> first assignment (the first wait in the queue), over conversations assigned
    /// after a handoff.
    pub queue_wait: Durations,
    /// Every later wait: back in the queue (escalation, transfer, first-response timeout, a new
    /// handoff after a hand-back) -> the next assignment.
    pub requeue_wait: Durations,
    pub sla: SlaFigures,
}

/// SLA attainment: a conversation has an SLA clock once a handoff queued it (audit row
/// `queued`); it attains its SLA if no `sla_breach` row was ever recorded for it.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SlaFigures {
    pub total: SlaRow,
    /// By the conversation's priority, sorted by priority id.
    pub by_priority: Vec<SlaRow>,
    /// By department, sorted by id: a conversation counts in every department whose queue it
    /// entered (`queued` and `transfer` rows), a breach in the department recorded on its row.
    pub by_department: Vec<SlaRow>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SlaRow {
    /// The priority or department id (empty for the total).
    pub key: String,
    /// Conversations with an SLA clock.
    pub conversations: u64,
    /// Of those, conversations with at least one breach.
    pub breached_conversations: u64,
    /// `sla_breach` rows with reason `first_response` / `resolution` (one conversation can breach
    /// several times: once per tier it climbs).
    pub first_response_breaches: u64,
    pub resolution_breaches: u64,
    /// `(conversations - breached_conversations) / conversations`; `None` without conversations.
    pub attainment: Option<f64>,
}

impl SlaRow {
    fn finish(mut self, key: String) -> SlaRow {
        self.key = key;
        self.attainment = ratio(self.conversations - self.breached_conversations, self.conversations);
        self
    }
}

/// The queue waits of one conversation: (first wait, later waits).
fn waits(c: &Conv<'_>) -> (Option<i64>, Vec<i64>) {
    let (mut first, mut later) = (None, Vec::new());
    let mut waiting_since: Option<i64> = None;
    let mut assigned_before = false;
    for a in &c.audit {
        match a.kind.as_str() {
            "queued" | "escalation" | "transfer" | "assignment_lost" => {
                waiting_since.get_or_insert(a.at);
            }
            "assignment" => {
                if let Some(since) = waiting_since.take() {
                    let wait = (a.at - since).max(0);
                    if assigned_before {
                        later.push(wait);
                    } else {
                        first = Some(wait);
                    }
                }
                assigned_before = true;
            }
            "resolution" | "hand_back" | "offline" => waiting_since = None,
            _ => {}
        }
    }
    (first, later)
}

/// `groups: false` leaves the SLA rows by priority and by department empty (the headline shows
/// only the total; a narrow load has no departments to group by).
pub(crate) fn speed<'a>(convs: &'a [Conv<'_>], groups: bool) -> Speed {
    let (mut first_reply, mut resolution, mut queue, mut requeue) = (vec![], vec![], vec![], vec![]);
    let mut without_reply = 0;
    let mut total = SlaRow::default();
    // Keys borrowed from the rows (no allocation per conversation), owned in the result.
    let (mut prio, mut dept): (BTreeMap<&'a str, SlaRow>, BTreeMap<&'a str, SlaRow>) = Default::default();
    for c in convs {
        let Some(handoff) = c.first_handoff() else { continue };
        match c.first_reply {
            Some(at) => first_reply.push((at - handoff).max(0)),
            None => without_reply += 1,
        }
        if let Some(r) = c.rows("resolution").next() {
            resolution.push((r.at - handoff).max(0));
        }
        let (first, later) = waits(c);
        queue.extend(first);
        requeue.extend(later);

        if c.rows("queued").next().is_none() {
            continue;
        }
        let breaches: Vec<_> = c.rows("sla_breach").collect();
        let (fr, res) = (
            breaches.iter().filter(|a| a.reason == "first_response").count() as u64,
            breaches.iter().filter(|a| a.reason == "resolution").count() as u64,
        );
        let breached = u64::from(!breaches.is_empty());
        total.conversations += 1;
        total.breached_conversations += breached;
        total.first_response_breaches += fr;
        total.resolution_breaches += res;
        if !groups {
            continue;
        }
        let row = prio.entry(c.row.priority.as_deref().unwrap_or_default()).or_default();
        row.conversations += 1;
        row.breached_conversations += breached;
        row.first_response_breaches += fr;
        row.resolution_breaches += res;
        let entered: BTreeSet<&'a str> = c
            .audit
            .iter()
            .copied()
            .filter(|a| a.kind == "queued" || a.kind == "transfer")
            .filter_map(|a| a.to_department.as_deref())
            .collect();
        for d in entered {
            dept.entry(d).or_default().conversations += 1;
        }
        let mut breached_in = BTreeSet::new();
        for b in &breaches {
            let d = b.to_department.as_deref().unwrap_or_default();
            let row = dept.entry(d).or_default();
            if b.reason == "first_response" {
                row.first_response_breaches += 1;
            } else {
                row.resolution_breaches += 1;
            }
            if breached_in.insert(d) {
                row.breached_conversations += 1;
            }
        }
    }
    Speed {
        first_reply: Durations::of(first_reply),
        without_reply,
        resolution: Durations::of(resolution),
        queue_wait: Durations::of(queue),
        requeue_wait: Durations::of(requeue),
        sla: SlaFigures {
            total: total.finish(String::new()),
            by_priority: prio.into_iter().map(|(k, r)| r.finish(k.to_string())).collect(),
            by_department: dept.into_iter().map(|(k, r)| r.finish(k.to_string())).collect(),
        },
    }
}
