//! Mail a customer's request causes besides the ticket's receipt: the copy of the conversation
//! the customer asks for, and the notices of a new ticket that agents asked for (issue 21).

use super::customer::Caller;
use super::Desk;
use crate::db::{AgentRow, ConversationRow, OutboxRow, TicketRow};
use crate::desk::error::{DeskError, DeskResult};
use crate::limits::plausible_email;
use crate::mail::{ticket_notice, transcript};
use crate::metrics::Metrics;
use crate::secret;
use crate::sites::LoadedSite;
use handoff_bot::model::pick;
use handoff_protocol::v1::{Customer, HandoffRequest, Presence, TranscriptQueued, TranscriptRequest};

/// Copies of one conversation to different addresses: enough for a customer who mistyped, too
/// few to make the desk a way to mail strangers.
pub const MAX_TRANSCRIPTS: usize = 3;

fn verified_email(conv: &ConversationRow) -> Option<String> {
    let c: Customer = serde_json::from_str(conv.customer_json.as_deref()?).ok()?;
    c.verified.then_some(c.email?).filter(|e| plausible_email(e))
}

fn customer_name(conv: &ConversationRow) -> Option<String> {
    let c: Customer = serde_json::from_str(conv.customer_json.as_deref()?).ok()?;
    c.name
}

impl Desk {
    /// `POST /v1/conversations/{id}/transcript`: queues the copy of the conversation for the
    /// address given, or the verified identity's. Asking again for the same address (a retry)
    /// queues nothing new and answers the same.
    pub async fn transcript(
        &self,
        id: &str,
        caller: &Caller<'_>,
        req: TranscriptRequest,
    ) -> DeskResult<TranscriptQueued> {
        // Checked for size and shape by its `Bounded` impl (crate::limits).
        let typed = req.email.map(|e| e.trim().to_string()).filter(|e| !e.is_empty());
        let Some(smtp) = self.config.smtp.as_ref() else {
            return Err(DeskError::conflict("mail_not_configured", "this desk sends no e-mail"));
        };
        // The conversation's lock: the count of copies and the new one are one step.
        let _w = self.write_conversation(id).await?;
        let (conv, site) = self.customer_conversation(id, caller).await?;
        let Some(to) = typed.or_else(|| verified_email(&conv)) else {
            return Err(DeskError::invalid(
                "missing_field",
                "email must be given (no verified e-mail known)",
            ));
        };
        let handoff: Option<HandoffRequest> =
            conv.handoff_json.as_deref().and_then(|j| serde_json::from_str(j).ok());
        let Some(handoff) = handoff else {
            return Err(DeskError::conflict(
                "not_handed_off",
                "a copy is for a conversation handed to the team",
            ));
        };
        let key = secret::hash_token(&format!("{}\n{}", conv.id, to.to_lowercase()));
        let key: String = key.chars().take(22).collect();
        let earlier = self.db.mail_of_conversation(&conv.id, "transcript").await?;
        let again = earlier.iter().any(|m| m.message_id.contains(&key));
        if !again && earlier.len() >= MAX_TRANSCRIPTS {
            return Err(DeskError::conflict(
                "transcript_limit",
                format!("at most {MAX_TRANSCRIPTS} copies of a conversation are sent"),
            ));
        }
        if !again {
            let messages = self.db.messages(&conv.id).await?;
            let lines = transcript::lines(site, &conv.locale, &handoff.transcript, &messages);
            let name = customer_name(&conv);
            let r =
                transcript::render(&conv.locale, &site.content.settings.site.name, name.as_deref(), &lines);
            let row = transcript::row(smtp, site, &conv.id, &key, &to, r, self.now_ms());
            if self.db.queue_mail(&row).await? {
                Metrics::inc(&self.metrics.transcripts);
                self.mail.wake();
            }
        }
        Ok(TranscriptQueued { email: to })
    }

    /// The notices for a ticket about to be stored: one per agent of its department on its
    /// site who asked for them, when nobody of that department is online (those who are see
    /// it in the console). Empty without SMTP.
    pub(super) async fn ticket_notices(
        &self,
        site: &LoadedSite,
        conv: &ConversationRow,
        t: &TicketRow,
        now: i64,
    ) -> DeskResult<Vec<OutboxRow>> {
        let (Some(smtp), Some(dept)) = (self.config.smtp.as_ref(), conv.department.as_deref()) else {
            return Ok(Vec::new());
        };
        let agents = self.db.agents().await?;
        let team: Vec<&AgentRow> = agents
            .iter()
            .filter(|a| a.active && site.served_by(a) && a.departments.iter().any(|d| d == dept))
            .collect();
        if team.iter().any(|a| a.presence == Presence::Online.as_str()) {
            return Ok(Vec::new());
        }
        let to: Vec<&AgentRow> = team.into_iter().filter(|a| a.ticket_mail).collect();
        if to.is_empty() {
            return Ok(Vec::new());
        }
        let s = &site.content.settings;
        let locale = s.site.default_locale.as_str();
        let department =
            s.departments.iter().find(|d| d.id == dept).map_or(dept, |d| pick(&d.name, locale, locale));
        let console =
            self.config.public_url.as_deref().map(|u| format!("{}/console/", u.trim_end_matches('/')));
        let notice = ticket_notice::Notice {
            locale,
            site: &s.site.name,
            department,
            name: t.name.trim(),
            email: t.email.trim(),
            message: &t.message,
            console: console.as_deref(),
        };
        Ok(ticket_notice::rows(smtp, site, &to, t, &notice, now))
    }
}
