//! Containment: what the bot and the portal resolved without a person.

use super::{ratio, Conv, HANDOFF_REASONS};
use handoff_protocol::insights::Containment;

pub(crate) fn containment(convs: &[Conv<'_>]) -> Containment {
    let mut c = Containment {
        handoffs_by_reason: HANDOFF_REASONS.iter().map(|r| (r.to_string(), 0)).collect(),
        ..Containment::default()
    };
    for conv in convs {
        c.started += 1;
        let mut any = false;
        for a in &conv.audit {
            match a.kind.as_str() {
                "handoff" => {
                    any = true;
                    c.handoffs += 1;
                    *c.handoffs_by_reason.entry(a.reason.clone()).or_default() += 1;
                }
                "offline" => c.offline += 1,
                "hand_back" => c.handed_back += 1,
                _ => {}
            }
        }
        c.handed_off += u64::from(any);
    }
    c.contained = c.started - c.handed_off;
    c.handoff_rate = ratio(c.handed_off, c.started);
    c.containment_rate = ratio(c.contained, c.started);
    c
}
