//! Speed: first human reply, resolution, queue waits, SLA attainment.

use super::{durations, ratio, Conv};
use handoff_protocol::insights::{SlaFigures, SlaRow, Speed};
use std::collections::{BTreeMap, BTreeSet};

/// The row with its key and attainment.
fn finish(mut row: SlaRow, key: String) -> SlaRow {
    row.key = key;
    row.attainment = ratio(row.conversations - row.breached_conversations, row.conversations);
    row
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
        // A department a breach names counts as entered too, even if no queued or transfer row
        // names it (history written by older desks): a row never has more breached
        // conversations than conversations.
        let entered: BTreeSet<&'a str> = c
            .audit
            .iter()
            .copied()
            .filter(|a| a.kind == "queued" || a.kind == "transfer")
            .filter_map(|a| a.to_department.as_deref())
            .chain(breaches.iter().map(|b| b.to_department.as_deref().unwrap_or_default()))
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
        first_reply: durations(first_reply),
        without_reply,
        resolution: durations(resolution),
        queue_wait: durations(queue),
        requeue_wait: durations(requeue),
        sla: SlaFigures {
            total: finish(total, String::new()),
            by_priority: prio.into_iter().map(|(k, r)| finish(r, k.to_string())).collect(),
            by_department: dept.into_iter().map(|(k, r)| finish(r, k.to_string())).collect(),
        },
    }
}
