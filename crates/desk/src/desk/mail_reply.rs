//! A customer's reply by mail (issue 21, inbound): appended to its ticket's conversation as a
//! customer message, and the conversation reopened so the team sees it in the console: with
//! the agent who answered the ticket when they can take it, else in its department's queue. The fetcher (`crate::mail::fetch`) calls this for each mail that
//! `crate::mail::inbound::classify` took for a reply.

use super::{Change, Desk};
use crate::desk::error::DeskResult;
use crate::mail::inbound::Reply;
use crate::metrics::Metrics;
use handoff_protocol::kinds::{AuditKind, LostReason};
use handoff_protocol::v1::{AgentEvent, ConversationStatus};
use sha2::{Digest, Sha256};

/// What became of a reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplyOutcome {
    /// Appended; the conversation is queued (or stays with its agent, who is told).
    Stored,
    /// The same mail was stored before (fetched twice, or delivered twice).
    Duplicate,
    /// The token is of our form but no ticket has it (made up, or from another desk).
    UnknownToken,
    /// Nothing but control characters and blanks.
    Empty,
}

impl ReplyOutcome {
    /// The metrics label (next to `inbound::Refused::label`).
    pub fn label(self) -> &'static str {
        match self {
            ReplyOutcome::Stored => "stored",
            ReplyOutcome::Duplicate => "duplicate",
            ReplyOutcome::UnknownToken => "unknown_token",
            ReplyOutcome::Empty => "empty",
        }
    }
}

/// The message's client id: the mail's Message-ID (a mail delivered or fetched twice has the
/// same one), hashed to a fixed length (a Message-ID is whatever the sender's software wrote).
/// A mail without one is known by its sender and text instead.
pub fn reply_client_id(r: &Reply) -> String {
    let key = match &r.message_id {
        Some(id) => format!("id\n{}", id.trim()),
        None => format!("text\n{}\n{}\n{}", r.token, r.from.as_deref().unwrap_or(""), r.text),
    };
    let digest = Sha256::digest(key.as_bytes());
    let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!("mail:{hex}")
}

/// The text without control characters but line breaks and tabs (a NUL, which a mail can
/// carry quoted-printable, is refused by PostgreSQL: that mail would fail every round), cut to
/// the desk's message limit (a reply is stored, not refused, for being long).
fn bounded(text: &str, max_chars: usize) -> String {
    let text: String = text.chars().filter(|c| !c.is_control() || matches!(c, '\n' | '\t')).collect();
    let text = text.trim();
    if text.chars().count() <= max_chars {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(max_chars.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

impl Desk {
    /// Stores a customer's mailed reply in its ticket's conversation, once per Message-ID, and
    /// reopens the conversation: assigned to the agent who answered the ticket if they are
    /// online and free, else back in its department's queue (dispatched at once, so an online
    /// agent gets it assigned and the others see `queue.new`); while an agent still has it, a
    /// `message` notice to that agent. One commit for the message and the state change.
    pub async fn mail_reply(&self, r: &Reply) -> DeskResult<ReplyOutcome> {
        let Some(ticket) = self.db.ticket_by_reply_token(&r.token).await? else {
            return Ok(ReplyOutcome::UnknownToken);
        };
        let Some(conversation) = ticket.conversation_id.as_deref() else {
            return Ok(ReplyOutcome::UnknownToken);
        };
        let client_id = reply_client_id(r);
        // The desk lock: putting the conversation back in the queue is routing.
        let w = self.write().await?;
        let Some((conv, stored)) = self.db.conversation_and_client_message(conversation, &client_id).await?
        else {
            return Ok(ReplyOutcome::UnknownToken);
        };
        if stored.is_some() {
            return Ok(ReplyOutcome::Duplicate);
        }
        // A ticket of a site this desk no longer serves has nobody to read the reply.
        let Some(site) = self.sites.get(&conv.site_key) else { return Ok(ReplyOutcome::UnknownToken) };
        let text = bounded(&r.text, self.config.limits.message_chars);
        if text.is_empty() {
            return Ok(ReplyOutcome::Empty);
        }
        let mut ch = Change::new(site, conv, self.now_ms());
        let m = ch.message("customer", None, &text, Some(client_id), false);
        match (ch.conv.status, ch.conv.agent_id) {
            (ConversationStatus::Assigned, Some(agent)) => {
                let message = super::wire_message(&m);
                ch.notify(agent, AgentEvent::Message { conversation_id: ch.conv.id.clone(), message });
            }
            (ConversationStatus::Queued, _) => {}
            _ => {
                // Offline (the ticket's usual state), resolved or back with the bot: the
                // team's again. Its department and tier are the handoff's.
                ch.conv.offline_reason = None;
                ch.requeue(None, LostReason::MailReply);
                let policy = site.sla(ch.conv.priority.as_deref().unwrap_or(""));
                ch.conv.resolution_due = Some(crate::sla::after(ch.now, policy.resolution));
                ch.audit(AuditKind::Queued, "mail_reply", None);
                // The agent who answered the ticket knows the case: theirs if they are online
                // and free to take it; otherwise whoever dispatch finds in the department.
                if let Some(agent) = self.answering_agent(&ch).await? {
                    ch.assign(&agent, "mail_reply");
                }
            }
        }
        self.apply(ch).await?;
        self.dispatch().await?;
        drop(w);
        Metrics::inc(&self.metrics.messages);
        Ok(ReplyOutcome::Stored)
    }
}

impl Desk {
    /// The mail carrying an agent's reply `m` to a customer who writes by mail (their last
    /// message in the conversation came by mail, see [`reply_client_id`]); `None` when they
    /// write in the widget, there is no ticket to answer, or no `[smtp]`.
    pub(super) async fn follow_up_mail(
        &self,
        ch: &Change<'_>,
        agent: &crate::db::AgentRow,
        m: &crate::db::MessageRow,
    ) -> DeskResult<Option<crate::db::OutboxRow>> {
        let Some(smtp) = &self.config.smtp else { return Ok(None) };
        // The ticket first: most conversations have none, and then no message is read.
        let Some(ticket) = self.db.ticket_of_conversation(&ch.conv.id).await? else { return Ok(None) };
        let Some(token) = ticket.reply_token.as_deref() else { return Ok(None) };
        let messages = self.db.messages(&ch.conv.id).await?;
        let Some(last) = messages.iter().rev().find(|x| x.author == "customer") else { return Ok(None) };
        if !last.client_id.as_deref().is_some_and(|c| c.starts_with("mail:")) {
            return Ok(None);
        }
        Ok(Some(crate::mail::outbox::follow_up(
            smtp,
            ch.site,
            &ch.conv.locale,
            &ticket,
            token,
            &agent.name,
            &m.text,
            m.id,
            &last.text,
            ch.now,
        )))
    }

    /// The agent who answered this conversation's ticket (its last `ticket_answer` audit entry),
    /// when they are online, free and still capable of the conversation's department and tier.
    async fn answering_agent(&self, ch: &Change<'_>) -> DeskResult<Option<crate::db::AgentRow>> {
        let audit = self.db.audit(&ch.conv.id).await?;
        let Some(id) = audit.iter().rev().find(|a| a.kind == "ticket_answer").and_then(|a| a.agent_id) else {
            return Ok(None);
        };
        let (Some(dep), Some(tier)) = (ch.conv.department.as_deref(), ch.conv.tier.as_deref()) else {
            return Ok(None);
        };
        let level = ch.site.tier_level(tier).unwrap_or(usize::MAX);
        let agents = self.db.agents().await?;
        let loads = self.db.active_counts().await?;
        let takes = super::candidates(&agents, &loads, ch.site)
            .iter()
            .any(|c| c.id == id && c.online && c.capable(dep, level) && c.free());
        Ok(if takes { agents.into_iter().find(|a| a.id == id) } else { None })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(id: Option<&str>, text: &str) -> Reply {
        Reply {
            token: "0123456789abcdef0123456789abcdef".into(),
            message_id: id.map(String::from),
            from: Some("jana@example.test".into()),
            text: text.into(),
        }
    }

    #[test]
    fn one_mail_one_client_id() {
        let a = reply_client_id(&reply(Some("x1@example.test"), "Danke"));
        assert_eq!(a, reply_client_id(&reply(Some(" x1@example.test"), "Danke, anders dekodiert")));
        assert_ne!(a, reply_client_id(&reply(Some("x2@example.test"), "Danke")));
        assert_eq!(a.len(), "mail:".len() + 32);
        let none = reply_client_id(&reply(None, "Danke"));
        assert_eq!(none, reply_client_id(&reply(None, "Danke")));
        assert_ne!(none, reply_client_id(&reply(None, "Bitte")));
    }

    #[test]
    fn long_replies_are_cut_not_refused() {
        assert_eq!(bounded("abc", 3), "abc");
        assert_eq!(bounded("abcd", 3), "ab…");
        assert_eq!(bounded("ééééé", 4).chars().count(), 4);
        assert_eq!(bounded("a\0b\r\nc\td\u{1b}[31m", 100), "ab\nc\td[31m");
        assert_eq!(bounded(" \0 ", 100), "");
    }
}
