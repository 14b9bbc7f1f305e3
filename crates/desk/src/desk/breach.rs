//! What a missed SLA deadline does to a conversation: the breach on record, the agent who never
//! answered loses it, it climbs one tier, and its clocks restart (or stop at the top). One
//! definition for the sweeper, which finds the deadlines, and the demo seeder, which writes the
//! same history in the past.

use super::Change;
use crate::db::AgentRow;
use crate::sla::{self, Breaches};
use handoff_protocol::kinds::{AuditKind, LostReason};
use handoff_protocol::v1::{ConversationStatus, CustomerEvent};

/// What [`Change::sla_breached`] did, for the metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BreachOutcome {
    pub breaches: u32,
    pub escalated: bool,
}

impl Change<'_> {
    /// Applies `b` (the clocks that ran out at `self.now`); `agent` is the assigned agent's row.
    pub fn sla_breached(&mut self, b: Breaches, agent: Option<&AgentRow>) -> BreachOutcome {
        let mut out = BreachOutcome::default();
        let current = self.conv.tier.clone().unwrap_or_default();
        let next = sla::next_tier(&self.site.tiers, &current).map(str::to_string);
        let policy = self.site.sla(self.conv.priority.as_deref().unwrap_or(""));
        if b.first_response {
            self.audit(AuditKind::SlaBreach, "first_response", self.conv.agent_id);
            out.breaches += 1;
        }
        if b.resolution {
            self.audit(AuditKind::SlaBreach, "resolution", self.conv.agent_id);
            out.breaches += 1;
        }
        let reason = if b.first_response { "sla_first_response" } else { "sla_resolution" };
        // An agent who never replied loses the conversation; one who did keeps it unless it
        // now needs a higher tier.
        if self.conv.status == ConversationStatus::Assigned && (b.first_response || next.is_some()) {
            let lost =
                if b.first_response { LostReason::FirstResponseTimeout } else { LostReason::Escalated };
            self.audit(AuditKind::AssignmentLost, lost.as_str(), self.conv.agent_id);
            self.requeue(agent, lost);
        }
        if let Some(to) = &next {
            self.conv.tier = Some(to.clone());
            self.event(&CustomerEvent::Escalated {
                from_tier: current.clone(),
                to_tier: to.clone(),
                reason: reason.into(),
            });
            self.audit_move(AuditKind::Escalation, reason, self.conv.department.clone(), Some(current));
            out.escalated = true;
            self.conv.queue_position = None;
        }
        if self.conv.status == ConversationStatus::Queued {
            self.conv.first_reply_at = None;
            // At the top of the ladder there is nobody left to escalate to: stop the clock
            // instead of recording the same breach on every sweep.
            self.conv.first_response_due =
                (next.is_some() || !b.first_response).then(|| sla::after(self.now, policy.first_response));
        }
        if b.resolution {
            self.conv.resolution_due = next.as_ref().map(|_| sla::after(self.now, policy.resolution));
        }
        out
    }
}
