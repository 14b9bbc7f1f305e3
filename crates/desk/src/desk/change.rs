//! One conversation's next state, built in memory and committed as a unit.

use super::wire_message;
use crate::db::{AgentRow, AuditRow, Commit, ConversationRow, EventRow, MessageRow, NoticeRow, OutboxRow};
use crate::sites::LoadedSite;
use handoff_protocol::kinds::{AuditKind, LostReason};
use handoff_protocol::v1::{AgentEvent, ConversationStatus, CustomerEvent};

pub struct Change<'s> {
    pub site: &'s LoadedSite,
    pub conv: ConversationRow,
    pub now: i64,
    expected_last_seq: i64,
    messages: Vec<MessageRow>,
    events: Vec<EventRow>,
    audit: Vec<AuditRow>,
    notices: Vec<(i64, AgentEvent)>,
    mail: Vec<OutboxRow>,
}

impl<'s> Change<'s> {
    pub fn new(site: &'s LoadedSite, conv: ConversationRow, now: i64) -> Self {
        Change {
            site,
            expected_last_seq: conv.last_seq,
            conv,
            now,
            messages: Vec::new(),
            events: Vec::new(),
            audit: Vec::new(),
            notices: Vec::new(),
            mail: Vec::new(),
        }
    }

    /// Appends a persisted customer-stream event with the next sequence number.
    pub fn event(&mut self, e: &CustomerEvent) {
        self.conv.last_seq += 1;
        let payload = serde_json::to_string(e).unwrap_or_else(|_| "{}".into());
        self.events.push(EventRow {
            seq: self.conv.last_seq,
            kind: e.kind().to_string(),
            payload,
            created_at: self.now,
        });
    }

    /// Records a step of the escalation path with its reason.
    pub fn audit(&mut self, kind: AuditKind, reason: &str, agent_id: Option<i64>) {
        self.audit.push(AuditRow {
            conversation_id: self.conv.id.clone(),
            site_key: self.conv.site_key.clone(),
            kind: kind.as_str().to_string(),
            reason: reason.to_string(),
            from_department: None,
            to_department: self.conv.department.clone(),
            from_tier: None,
            to_tier: self.conv.tier.clone(),
            agent_id,
            at: self.now,
        });
    }

    /// Like [`Change::audit`] for a move from one department/tier to another.
    pub fn audit_move(
        &mut self,
        kind: AuditKind,
        reason: &str,
        from_department: Option<String>,
        from_tier: Option<String>,
    ) {
        self.audit(kind, reason, self.conv.agent_id);
        if let Some(a) = self.audit.last_mut() {
            a.from_department = from_department;
            a.from_tier = from_tier;
        }
    }

    pub fn audit_last_mut(&mut self) -> Option<&mut AuditRow> {
        self.audit.last_mut()
    }

    pub fn notify(&mut self, agent: i64, e: AgentEvent) {
        self.notices.push((agent, e));
    }

    /// Queues a mail with the change (committed with it, or not at all).
    pub fn mail(&mut self, m: OutboxRow) {
        self.mail.push(m);
    }

    /// Stores a message; a non-internal one also goes to the customer stream.
    pub fn message(
        &mut self,
        author: &str,
        agent: Option<&AgentRow>,
        text: &str,
        client_id: Option<String>,
        internal: bool,
    ) -> MessageRow {
        self.conv.last_message_id += 1;
        let m = MessageRow {
            conversation_id: self.conv.id.clone(),
            id: self.conv.last_message_id,
            client_id,
            author: author.to_string(),
            agent_id: agent.map(|a| a.id),
            author_name: agent.map(|a| a.name.clone()),
            text: text.to_string(),
            internal,
            created_at: self.now,
        };
        if !internal {
            self.event(&CustomerEvent::Message { message: wire_message(&m) });
        }
        self.messages.push(m.clone());
        m
    }

    pub fn assign(&mut self, agent: &AgentRow, reason: &str) {
        self.conv.status = ConversationStatus::Assigned;
        self.conv.agent_id = Some(agent.id);
        self.conv.queue_position = None;
        self.event(&CustomerEvent::HandoffStatus {
            status: "accepted".into(),
            position: None,
            estimated_wait_secs: None,
            reason: None,
        });
        self.event(&CustomerEvent::AgentJoined { agent_name: agent.name.clone() });
        self.audit(AuditKind::Assignment, reason, Some(agent.id));
        self.notify(agent.id, AgentEvent::Assigned { conversation_id: self.conv.id.clone() });
    }

    /// Back to the bot: no agent, no place in the queue, no SLA clocks. The customer's stream
    /// hears it (`agent.left` when an agent had it, then `returned_to_bot` with `event_reason`)
    /// and the audit records a `hand_back` with `audit_reason`. Used by the agent's hand-back,
    /// the customer's cancel and the demo history.
    pub fn return_to_bot(
        &mut self,
        agent: Option<&AgentRow>,
        event_reason: Option<&str>,
        audit_reason: &str,
    ) {
        self.conv.status = ConversationStatus::Bot;
        self.conv.agent_id = None;
        self.conv.queue_position = None;
        self.conv.first_response_due = None;
        self.conv.resolution_due = None;
        if let Some(a) = agent {
            self.event(&CustomerEvent::AgentLeft { agent_name: a.name.clone() });
        }
        self.event(&CustomerEvent::HandoffStatus {
            status: "returned_to_bot".into(),
            position: None,
            estimated_wait_secs: None,
            reason: event_reason.map(str::to_string),
        });
        self.audit(AuditKind::HandBack, audit_reason, agent.map(|a| a.id));
    }

    /// Takes the conversation from its agent and puts it back in the queue, with a fresh
    /// first-response clock for whoever takes it next.
    pub fn requeue(&mut self, agent: Option<&AgentRow>, reason: LostReason) {
        if let Some(id) = self.conv.agent_id.take() {
            if let Some(a) = agent {
                self.event(&CustomerEvent::AgentLeft { agent_name: a.name.clone() });
            }
            self.notify(id, AgentEvent::AssignmentLost { conversation_id: self.conv.id.clone(), reason });
        }
        self.conv.status = ConversationStatus::Queued;
        self.conv.queued_at = Some(self.now);
        self.conv.queue_position = None;
        self.conv.first_reply_at = None;
        let sla = self.site.sla(self.conv.priority.as_deref().unwrap_or(""));
        self.conv.first_response_due = Some(crate::sla::after(self.now, sla.first_response));
    }

    /// An agent sends the conversation one tier up (hierarchical escalation): their note, if
    /// any, as an internal message, the conversation back in the queue of tier `to`, and the
    /// event and the audit row that say so. The desk's escalate route and the demo seeder both
    /// escalate through this.
    pub fn escalate_manually(&mut self, agent: &AgentRow, to: &str, note: &str) {
        let from = self.conv.tier.clone().unwrap_or_default();
        if !note.trim().is_empty() {
            self.message("agent", Some(agent), note, None, true);
        }
        self.requeue(Some(agent), LostReason::Escalated);
        self.conv.tier = Some(to.to_string());
        self.event(&CustomerEvent::Escalated {
            from_tier: from.clone(),
            to_tier: to.into(),
            reason: "manual".into(),
        });
        let reason = if note.trim().is_empty() { "manual" } else { note };
        self.audit_move(AuditKind::Escalation, reason, self.conv.department.clone(), Some(from));
        if let Some(a) = self.audit_last_mut() {
            a.agent_id = Some(agent.id);
        }
    }

    /// An agent sends the conversation sideways to `department` (functional escalation): their
    /// note, if any, as an internal message, the conversation back in the queue there, and the
    /// event and the audit row that say so. The transfer route and the demo seeder both use it.
    pub fn transfer_manually(&mut self, agent: &AgentRow, department: &str, note: &str) {
        let from = self.conv.department.clone().unwrap_or_default();
        if !note.trim().is_empty() {
            self.message("agent", Some(agent), note, None, true);
        }
        self.requeue(Some(agent), LostReason::Transferred);
        self.conv.department = Some(department.to_string());
        self.event(&CustomerEvent::Transferred {
            from_department: from.clone(),
            to_department: department.into(),
        });
        let reason = if note.trim().is_empty() { "manual" } else { note };
        self.audit_move(AuditKind::Transfer, reason, Some(from), self.conv.tier.clone());
        if let Some(a) = self.audit_last_mut() {
            a.agent_id = Some(agent.id);
        }
    }

    /// `agent` resolves the conversation: the SLA clocks stop and the customer is told.
    pub fn resolve(&mut self, agent: &AgentRow) {
        self.conv.status = ConversationStatus::Resolved;
        self.conv.first_response_due = None;
        self.conv.resolution_due = None;
        self.event(&CustomerEvent::HandoffStatus {
            status: "completed".into(),
            position: None,
            estimated_wait_secs: None,
            reason: None,
        });
        self.event(&CustomerEvent::Resolved {});
        self.audit(AuditKind::Resolution, "resolved", Some(agent.id));
    }

    /// The commit, with the agent notices stored in it: they reach the agents' streams from
    /// the stored log (after the fsync wakes them), so a console that reconnects gets them too.
    pub(super) fn finish(mut self) -> Commit {
        self.conv.updated_at = self.now;
        let now = self.now;
        let notices = self
            .notices
            .into_iter()
            .map(|(agent_id, e)| NoticeRow {
                id: 0,
                agent_id,
                kind: e.kind().to_string(),
                payload: serde_json::to_string(&e).unwrap_or_else(|_| "{}".into()),
                created_at: now,
            })
            .collect();
        Commit {
            conversation: self.conv,
            expected_last_seq: self.expected_last_seq,
            messages: self.messages,
            events: self.events,
            audit: self.audit,
            notices,
            mail: self.mail,
        }
    }
}
