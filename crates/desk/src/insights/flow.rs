//! Escalation flow: moves up the ladder (hierarchical) and across departments (functional).

use super::Conv;
use handoff_protocol::insights::{Edge, EscalationFlow};
use std::collections::BTreeMap;

/// Keys borrowed from the rows while counting, owned only in the result: the trend buckets count
/// every row a second time, so counting allocates nothing per row.
type Edges<'a> = BTreeMap<(&'a str, &'a str), BTreeMap<&'a str, u64>>;

fn add<'a>(edges: &mut Edges<'a>, from: &'a str, to: &'a str, reason: &'a str) {
    *edges.entry((from, to)).or_default().entry(reason).or_default() += 1;
}

fn list(edges: Edges<'_>) -> Vec<Edge> {
    edges
        .into_iter()
        .map(|((from, to), reasons)| Edge {
            from: from.to_string(),
            to: to.to_string(),
            count: reasons.values().sum(),
            reasons: reasons.into_iter().map(|(r, n)| (r.to_string(), n)).collect(),
        })
        .collect()
}

/// `edges: false` counts only the moves, without the tier and department edges (the headline).
pub(crate) fn flow<'a>(convs: &'a [Conv<'_>], bot_tier: &'a str, edges: bool) -> EscalationFlow {
    let (mut tiers, mut departments) = (Edges::new(), Edges::new());
    let mut f = EscalationFlow::default();
    for c in convs {
        let (mut escalated, mut transferred) = (false, false);
        for a in c.audit.iter().copied() {
            let opt = |v: &'a Option<String>| v.as_deref().unwrap_or_default();
            match a.kind.as_str() {
                "handoff" if edges => add(&mut tiers, bot_tier, opt(&a.to_tier), &a.reason),
                "escalation" => {
                    if edges {
                        add(&mut tiers, opt(&a.from_tier), opt(&a.to_tier), &a.reason);
                    }
                    f.escalations += 1;
                    escalated = true;
                }
                "transfer" => {
                    if edges {
                        add(&mut departments, opt(&a.from_department), opt(&a.to_department), &a.reason);
                    }
                    f.transfers += 1;
                    transferred = true;
                }
                _ => {}
            }
        }
        f.escalated_conversations += u64::from(escalated);
        f.transferred_conversations += u64::from(transferred);
    }
    f.tiers = list(tiers);
    f.departments = list(departments);
    f
}
