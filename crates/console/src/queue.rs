//! Queue order and grouping as the console shows them: by department and tier, most urgent
//! first; within a priority the nearest SLA deadline, then the longest wait.

use crate::sla::SlaClock;
use crate::time::parse_ms;
use handoff_protocol::v1::ConversationSummary;

/// Rank of a priority id: the demo ladder (`low` < `normal` < `high` < `urgent`); unknown ids
/// rank with `normal`.
pub fn priority_rank(p: Option<&str>) -> u8 {
    match p {
        Some("urgent") => 3,
        Some("high") => 2,
        Some("low") => 0,
        _ => 1,
    }
}

/// Sorts in service order (most urgent first).
pub fn sort(list: &mut [ConversationSummary]) {
    list.sort_by_key(|c| {
        (
            std::cmp::Reverse(priority_rank(c.priority.as_deref())),
            SlaClock::of(c).map_or(i64::MAX, |s| s.due_ms),
            c.queued_at.as_deref().and_then(parse_ms).unwrap_or(i64::MAX),
            c.conversation_id.clone(),
        )
    });
}

/// One queue: department and tier with its conversations in service order.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueGroup {
    pub site_key: String,
    pub department: String,
    pub tier: String,
    pub items: Vec<ConversationSummary>,
}

/// Groups by (department, tier), groups in name order, each sorted.
pub fn group(list: &[ConversationSummary]) -> Vec<QueueGroup> {
    let mut groups: Vec<QueueGroup> = Vec::new();
    for c in list {
        let d = c.department.clone().unwrap_or_default();
        let t = c.tier.clone().unwrap_or_default();
        match groups.iter_mut().find(|g| g.department == d && g.tier == t) {
            Some(g) => g.items.push(c.clone()),
            None => groups.push(QueueGroup {
                site_key: c.site_key.clone(),
                department: d,
                tier: t,
                items: vec![c.clone()],
            }),
        }
    }
    groups.sort_by(|a, b| (&a.department, &a.tier).cmp(&(&b.department, &b.tier)));
    for g in &mut groups {
        sort(&mut g.items);
    }
    groups
}

/// How long a conversation has waited, in milliseconds (0 if unknown).
pub fn waited(c: &ConversationSummary, now_ms: i64) -> i64 {
    c.queued_at.as_deref().and_then(parse_ms).map_or(0, |q| (now_ms - q).max(0))
}

/// How long the agent has had it (ms), when the desk said since when (their own list only).
pub fn with_you(c: &ConversationSummary, now_ms: i64) -> Option<i64> {
    c.assigned_at.as_deref().and_then(parse_ms).map(|a| (now_ms - a).max(0))
}

/// The conversation after `current` in `order` (wrapping), or the first one.
pub fn next_after<'a>(order: &'a [String], current: Option<&str>) -> Option<&'a String> {
    let i = current.and_then(|c| order.iter().position(|o| o == c));
    match i {
        Some(i) => order.get((i + 1) % order.len()),
        None => order.first(),
    }
}

/// The tab title: `(3) Handoff console` when 3 things want attention.
pub fn title(count: usize, base: &str) -> String {
    if count == 0 {
        base.to_string()
    } else {
        format!("({count}) {base}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use handoff_protocol::v1::ConversationStatus;

    fn c(id: &str, dep: &str, priority: &str, queued: &str, due: Option<&str>) -> ConversationSummary {
        ConversationSummary {
            conversation_id: id.into(),
            site_key: "demo".into(),
            status: ConversationStatus::Queued,
            department: Some(dep.into()),
            tier: Some("agent".into()),
            priority: Some(priority.into()),
            reason: None,
            locale: "en".into(),
            agent_id: None,
            queued_at: Some(queued.into()),
            first_response_due: due.map(str::to_string),
            resolution_due: None,
            page_url: None,
            created_at: String::new(),
            assigned_at: None,
        }
    }

    #[test]
    fn most_urgent_first_then_nearest_deadline_then_longest_wait() {
        let mut list = vec![
            c("a", "orders", "normal", "2026-11-29T16:00:00Z", Some("2026-11-29T16:05:00Z")),
            c("b", "orders", "urgent", "2026-11-29T16:03:00Z", Some("2026-11-29T16:04:00Z")),
            c("c", "orders", "normal", "2026-11-29T16:01:00Z", Some("2026-11-29T16:02:00Z")),
            c("d", "orders", "low", "2026-11-29T15:00:00Z", None),
            c("e", "orders", "normal", "2026-11-29T15:59:00Z", None),
        ];
        sort(&mut list);
        let ids: Vec<&str> = list.iter().map(|c| c.conversation_id.as_str()).collect();
        assert_eq!(ids, ["b", "c", "a", "e", "d"]);
    }

    #[test]
    fn grouped_by_department_and_tier() {
        let list = vec![
            c("a", "returns", "normal", "2026-11-29T16:00:00Z", None),
            c("b", "orders", "normal", "2026-11-29T16:00:00Z", None),
            c("c", "orders", "high", "2026-11-29T16:01:00Z", None),
        ];
        let g = group(&list);
        assert_eq!(g.len(), 2);
        assert_eq!(g[0].department, "orders");
        assert_eq!(g[0].items[0].conversation_id, "c");
        assert_eq!(g[1].items.len(), 1);
    }

    #[test]
    fn next_conversation_wraps_and_titles_count() {
        let order = vec!["a".to_string(), "b".to_string()];
        assert_eq!(next_after(&order, None).map(String::as_str), Some("a"));
        assert_eq!(next_after(&order, Some("a")).map(String::as_str), Some("b"));
        assert_eq!(next_after(&order, Some("b")).map(String::as_str), Some("a"));
        assert_eq!(next_after(&[], Some("b")), None);
        assert_eq!(title(0, "Console"), "Console");
        assert_eq!(title(3, "Console"), "(3) Console");
        let q = c("a", "orders", "normal", "2026-11-29T16:00:00Z", None);
        assert_eq!(waited(&q, crate::time::parse_ms("2026-11-29T16:01:30Z").unwrap()), 90_000);
    }

    #[test]
    fn with_you_counts_from_the_assignment_not_the_wait() {
        let now = crate::time::parse_ms("2026-11-29T16:10:00Z").unwrap();
        let mut mine = c("a", "orders", "normal", "2026-11-29T16:00:00Z", None);
        assert_eq!(with_you(&mine, now), None, "unknown: the list says only 'with you'");
        mine.assigned_at = Some("2026-11-29T16:07:00Z".into());
        assert_eq!(with_you(&mine, now), Some(180_000));
        mine.assigned_at = Some("2026-11-29T16:11:00Z".into());
        assert_eq!(with_you(&mine, now), Some(0), "a clock a little ahead never shows a negative time");
    }
}
