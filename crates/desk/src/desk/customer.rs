//! The customer's side: start, messages, handoff, rating, ticket.

use super::{candidates, Change, Desk};
use crate::db::{AuditRow, ConversationRow, MessageRow, TicketRow};
use crate::desk::error::{DeskError, DeskResult};
use crate::identity;
use crate::limits::{plausible_email, MAX_EMAIL, MAX_SHORT, MAX_URL};
use crate::metrics::Metrics;
use crate::routing;
use crate::secret;
use crate::sites::LoadedSite;
use chrono::Utc;
use handoff_protocol::kinds::{AuditKind, LostReason, TicketStatus};
use handoff_protocol::v1::{
    AgentEvent, ConversationStarted, ConversationStatus, Customer, CustomerEvent, HandoffRequest,
    HandoffState, Identify, PostMessage, Rating, StartConversation, Ticket, TicketRequest,
};

fn too_long(field: &str, value: &str, max: usize) -> DeskResult<()> {
    let n = value.chars().count();
    if n > max {
        return Err(DeskError::invalid(
            "too_long",
            format!("{field} has {n} characters; at most {max} are allowed"),
        ));
    }
    Ok(())
}

/// A start key yields the conversation's token again, so it must be hard to guess: at least this
/// many characters (a UUID has 36, the widget's key 32).
const MIN_CLIENT_KEY: usize = 16;

fn check_client_key(k: &str) -> DeskResult<&str> {
    let n = k.chars().count();
    if !(MIN_CLIENT_KEY..=MAX_SHORT).contains(&n) || k.chars().any(char::is_control) {
        return Err(DeskError::invalid(
            "invalid_client_key",
            format!(
                "client_key must be {MIN_CLIENT_KEY} to {MAX_SHORT} printable characters, fresh and random \
                 for each conversation"
            ),
        ));
    }
    Ok(k)
}

fn required(field: &str, value: &str) -> DeskResult<()> {
    if value.trim().is_empty() {
        return Err(DeskError::invalid("missing_field", format!("{field} must not be empty")));
    }
    Ok(())
}

/// Who is asking, as far as the customer routes can tell.
pub struct Caller<'a> {
    pub token: Option<&'a str>,
    pub origin: Option<&'a str>,
}

/// The conversation token the caller sent (401 before anything is read without one).
fn customer_token<'a>(caller: &Caller<'a>) -> DeskResult<&'a str> {
    caller.token.ok_or_else(missing_token)
}

/// A customer request without its conversation token (also the routes' `CustomerAuth` answer).
pub fn missing_token() -> DeskError {
    DeskError::unauthenticated("missing_token", "send the conversation token as `Authorization: Bearer`")
}

impl Desk {
    fn check_origin(&self, site: &LoadedSite, origin: Option<&str>) -> DeskResult<()> {
        match origin {
            Some(o) if !site.origin_allowed(o) => Err(DeskError::refused(
                "origin_not_allowed",
                format!("origin {o:?} is not allowed for this site"),
            )),
            _ => Ok(()),
        }
    }

    /// Loads a conversation for its customer: the token must be this conversation's own.
    pub async fn customer_conversation(
        &self,
        id: &str,
        caller: &Caller<'_>,
    ) -> DeskResult<(ConversationRow, &LoadedSite)> {
        let token = customer_token(caller)?;
        let conv = self.db.conversation(id).await?.ok_or_else(|| DeskError::unknown("conversation"))?;
        let site = self.open_for(&conv, token, caller)?;
        Ok((conv, site))
    }

    /// The site of `conv` if `token` is its own and the caller's origin is allowed.
    fn open_for(&self, conv: &ConversationRow, token: &str, caller: &Caller<'_>) -> DeskResult<&LoadedSite> {
        if !secret::same(&secret::hash_token(token), &conv.token_hash) {
            return Err(DeskError::refused("bad_token", "this token does not open this conversation"));
        }
        let site = self.site(&conv.site_key)?;
        self.check_origin(site, caller.origin)?;
        Ok(site)
    }

    pub async fn check_conversation_rate(&self, id: &str) -> DeskResult<()> {
        self.conversation_limiter
            .check(id)
            .await
            .map_err(|secs| DeskError::limited("rate_limited", "too many requests; retry later", secs))
    }

    /// `POST /v1/sites/{key}/identify`: what the desk would make of this identity, so that the
    /// embedding page learns at once when its signature is wrong. Nothing is stored: the widget
    /// sends the identity again with the conversation it starts, and it is checked again there.
    pub fn identify(&self, key: &str, req: Identify, origin: Option<&str>) -> DeskResult<Customer> {
        let site = self.sites.get(key).ok_or_else(|| DeskError::unknown("site"))?;
        self.check_origin(site, origin)?;
        identity::verify(req, site.config.identity_secret.as_deref())
    }

    /// Starts a conversation: `Ok((started, true))`, or `(the one it already made, false)` for a
    /// retry with the same `client_key`.
    pub async fn start(
        &self,
        req: StartConversation,
        origin: Option<&str>,
    ) -> DeskResult<(ConversationStarted, bool)> {
        let site = self.sites.get(&req.site_key).ok_or_else(|| {
            DeskError::invalid("unknown_site", format!("no site with key {:?}", req.site_key))
        })?;
        self.check_origin(site, origin)?;
        if !site.content.settings.site.locales.contains(&req.locale) {
            return Err(DeskError::invalid(
                "unknown_locale",
                format!(
                    "locale {:?} is not one of {}",
                    req.locale,
                    site.content.settings.site.locales.join(", ")
                ),
            ));
        }
        if let Some(u) = &req.page_url {
            too_long("page_url", u, MAX_URL)?;
        }
        let mut visitor_id = req.visitor_id.filter(|v| !v.trim().is_empty());
        if let Some(v) = &visitor_id {
            too_long("visitor_id", v, MAX_SHORT)?;
        }
        let customer = match req.customer {
            Some(c) => Some(identity::verify(c, site.config.identity_secret.as_deref())?),
            None => None,
        };
        // A verified user id is the site's own account id: agents then see that customer's
        // earlier conversations from any device. An unverified one could be anybody's.
        if let Some(Customer { user_id: Some(id), verified: true, .. }) = &customer {
            visitor_id = Some(id.clone());
        }
        let customer_json = customer.as_ref().and_then(|c| serde_json::to_string(c).ok());
        let key = match req.client_key.as_deref() {
            Some(k) => Some(check_client_key(k)?),
            None => None,
        };
        let key_hash = key.map(|k| {
            secret::hash_token(&format!("start\n{}\n{}\n{k}", site.key, visitor_id.as_deref().unwrap_or("")))
        });
        if let (Some(k), Some(h)) = (key, &key_hash) {
            if let Some(started) = self.started_with_key(k, h).await? {
                return Ok((started, false));
            }
        }
        let id = secret::id();
        let token = match key {
            Some(k) => secret::derived_token(k, &format!("{}\n{id}", site.key)),
            None => secret::token(),
        };
        let conv = ConversationRow {
            page_url: req.page_url,
            visitor_id,
            customer_json,
            ..ConversationRow::new_with_bot(
                id,
                site.key.clone(),
                req.locale,
                secret::hash_token(&token),
                self.now_ms(),
            )
        };
        match (key, &key_hash) {
            (Some(k), Some(h)) => match self.db.insert_conversation_keyed(&conv, h).await {
                Ok(()) => {}
                // A concurrent request with the same key won: answer its conversation.
                Err(crate::db::DbError::Duplicate(_)) => {
                    let started = self.started_with_key(k, h).await?;
                    return started.map(|s| (s, false)).ok_or_else(|| {
                        DeskError::internal("a conversation key was taken but its conversation is gone")
                    });
                }
                Err(e) => return Err(e.into()),
            },
            _ => self.db.insert_conversation(&conv).await?,
        }
        Ok((ConversationStarted { conversation_id: conv.id, token, status: ConversationStatus::Bot }, true))
    }

    /// The conversation a start with this key already made, with its token derived again.
    async fn started_with_key(&self, key: &str, key_hash: &str) -> DeskResult<Option<ConversationStarted>> {
        let Some(conv) = self.db.conversation_by_key(key_hash).await? else { return Ok(None) };
        let token = secret::derived_token(key, &format!("{}\n{}", conv.site_key, conv.id));
        if !secret::same(&secret::hash_token(&token), &conv.token_hash) {
            return Err(DeskError::internal("the conversation key does not derive its token"));
        }
        Ok(Some(ConversationStarted { conversation_id: conv.id, token, status: conv.status }))
    }

    /// Stores a customer message. `Ok((message, true))` if it is new, `(stored, false)` for a
    /// retry with the same client id and text.
    pub async fn customer_message(
        &self,
        id: &str,
        caller: &Caller<'_>,
        req: PostMessage,
    ) -> DeskResult<(MessageRow, bool)> {
        required("client_id", &req.client_id)?;
        too_long("client_id", &req.client_id, MAX_SHORT)?;
        required("text", &req.text)?;
        too_long("text", &req.text, self.config.limits.message_chars)?;
        // The conversation's lock, not the desk's: a customer message reads only this
        // conversation (its status and agent, which routing changes under the desk lock this
        // one excludes) and writes only its messages, events and its agent's notices; queue
        // positions and loads are untouched. Messages to different conversations run in parallel.
        let token = customer_token(caller)?;
        let w = self.write_conversation(id).await?;
        let (conv, stored) = self
            .db
            .conversation_and_client_message(id, &req.client_id)
            .await?
            .ok_or_else(|| DeskError::unknown("conversation"))?;
        let site = self.open_for(&conv, token, caller)?;
        if let Some(m) = stored {
            // Only the customer's own message: client ids of agent messages share the space.
            if m.author == "customer" && m.text == req.text {
                return Ok((m, false));
            }
            return Err(DeskError::conflict(
                "client_id_reused",
                "this client_id was already used for a different text",
            ));
        }
        if conv.status == ConversationStatus::Resolved {
            return Err(DeskError::conflict("conversation_closed", "the conversation is resolved"));
        }
        let mut ch = Change::new(site, conv, self.now_ms());
        let m = ch.message("customer", None, &req.text, Some(req.client_id), false);
        if let (ConversationStatus::Assigned, Some(agent)) = (ch.conv.status, ch.conv.agent_id) {
            let message = super::wire_message(&m);
            ch.notify(agent, AgentEvent::Message { conversation_id: id.to_string(), message });
        }
        // Group commit: the lock covers the read-modify-write and the commit, not the fsync.
        let unsynced = self.apply_unsynced(ch).await?;
        drop(w);
        self.publish(unsynced).await?;
        Metrics::inc(&self.metrics.messages);
        Ok((m, true))
    }

    pub fn validate_handoff(&self, site: &LoadedSite, req: &HandoffRequest) -> DeskResult<()> {
        let s = &site.content.settings;
        if !site.has_department(&req.department) {
            let all: Vec<_> = s.departments.iter().map(|d| d.id.as_str()).collect();
            return Err(DeskError::invalid(
                "unknown_department",
                format!("department {:?} is not one of {}", req.department, all.join(", ")),
            ));
        }
        if site.tier_level(&req.tier).is_none() {
            return Err(DeskError::invalid(
                "unknown_tier",
                format!("tier {:?} is not one of {}", req.tier, site.tiers.join(", ")),
            ));
        }
        if !s.site.priorities.contains(&req.priority) {
            return Err(DeskError::invalid(
                "unknown_priority",
                format!("priority {:?} is not one of {}", req.priority, s.site.priorities.join(", ")),
            ));
        }
        if !s.site.locales.contains(&req.locale) {
            return Err(DeskError::invalid(
                "unknown_locale",
                format!("locale {:?} is not served", req.locale),
            ));
        }
        too_long("detail", &req.detail, self.config.limits.message_chars)?;
        for e in &req.transcript {
            too_long("transcript text", &e.text, self.config.limits.message_chars)?;
        }
        Ok(())
    }

    /// Starts the escalation path. Idempotent: while queued or assigned, answers the current state.
    pub async fn initiate(
        &self,
        id: &str,
        caller: &Caller<'_>,
        req: HandoffRequest,
    ) -> DeskResult<HandoffState> {
        // Routing: reads every agent's load and the queue, assigns or queues.
        let w = self.write().await?;
        let (conv, site) = self.customer_conversation(id, caller).await?;
        match conv.status {
            ConversationStatus::Queued | ConversationStatus::Assigned => {
                drop(w);
                return self.state(&conv).await;
            }
            ConversationStatus::Resolved => {
                return Err(DeskError::conflict("conversation_closed", "the conversation is resolved"));
            }
            ConversationStatus::Bot | ConversationStatus::Offline => {}
        }
        self.validate_handoff(site, &req)?;
        let mut ch = Change::new(site, conv, self.now_ms());
        // The request's tier and priority are hints from the customer's browser: the site's
        // rules bound them (crate::policy). The bot tier never applies: a handoff goes to a person.
        let tier = site.policy.tier(&req.department, req.reason, &req.tier);
        let priority = site.policy.priority(&req.department, req.reason, &req.priority);
        let level = site.tier_level(&tier).unwrap_or(usize::MAX);
        ch.conv.department = Some(req.department.clone());
        ch.conv.tier = Some(tier);
        ch.conv.priority = Some(priority.clone());
        ch.conv.reason = Some(req.reason.as_str().to_string());
        ch.conv.locale = req.locale.clone();
        if req.page_url.is_some() {
            ch.conv.page_url = req.page_url.clone();
        }
        ch.conv.handoff_json = serde_json::to_string(&req).ok();
        ch.conv.offline_reason = None;
        ch.audit(AuditKind::Handoff, req.reason.as_str(), None);
        Metrics::inc(&self.metrics.handoffs);

        let offline = if !site
            .settings()
            .hours
            .is_open(chrono::DateTime::<Utc>::from_timestamp_millis(ch.now).unwrap_or_else(Utc::now))
        {
            Some("outside_hours")
        } else {
            let agents = self.db.agents().await?;
            let loads = self.db.active_counts().await?;
            let cands = candidates(&agents, &loads, site);
            let online = routing::online_capable(&cands, &req.department, level);
            if online == 0 {
                Some("no_agent_online")
            } else if routing::pick(&cands, &req.department, level).is_some() {
                None
            } else {
                let rank = site.priority_rank(&priority);
                let ahead = self
                    .db
                    .conversations_with_status(ConversationStatus::Queued)
                    .await?
                    .iter()
                    .filter(|c| {
                        c.site_key == site.key
                            && c.department.as_deref() == Some(&req.department)
                            && c.tier == ch.conv.tier
                            && site.priority_rank(c.priority.as_deref().unwrap_or("")) >= rank
                    })
                    .count();
                let position = u32::try_from(ahead + 1).unwrap_or(u32::MAX);
                let wait = routing::estimated_wait_secs(position, site.config.avg_handle.as_secs(), online);
                (wait > site.config.max_wait.as_secs()).then_some("over_max_wait")
            }
        };
        if let Some(reason) = offline {
            ch.conv.status = ConversationStatus::Offline;
            ch.conv.offline_reason = Some(reason.to_string());
            ch.event(&CustomerEvent::HandoffStatus {
                status: "failed".into(),
                position: None,
                estimated_wait_secs: None,
                reason: Some(reason.into()),
            });
            ch.audit(AuditKind::Offline, reason, None);
            Metrics::inc(&self.metrics.offline);
            let conv = self.apply(ch).await?;
            return self.state(&conv).await;
        }
        let sla = crate::sla::deadlines(ch.now, &site.sla(&priority));
        ch.requeue(None, LostReason::Handoff);
        ch.conv.first_response_due = Some(sla.first_response);
        ch.conv.resolution_due = Some(sla.resolution);
        ch.audit(AuditKind::Queued, req.reason.as_str(), None);
        self.apply(ch).await?;
        self.dispatch().await?;
        drop(w);
        let conv = self.db.conversation(id).await?.ok_or_else(|| DeskError::unknown("conversation"))?;
        self.state(&conv).await
    }

    /// The waiting customer gives up: out of the queue (or the offline state), back to the bot.
    /// Idempotent: already with the bot answers the current state.
    pub async fn cancel(&self, id: &str, caller: &Caller<'_>) -> DeskResult<HandoffState> {
        // Leaving the queue moves the ones behind: routing.
        let w = self.write().await?;
        let (conv, site) = self.customer_conversation(id, caller).await?;
        match conv.status {
            ConversationStatus::Bot => {
                drop(w);
                return self.state(&conv).await;
            }
            ConversationStatus::Assigned => {
                return Err(DeskError::conflict(
                    "already_assigned",
                    "a person has taken the conversation; it can no longer be cancelled",
                ));
            }
            ConversationStatus::Resolved => {
                return Err(DeskError::conflict("conversation_closed", "the conversation is resolved"));
            }
            ConversationStatus::Queued | ConversationStatus::Offline => {}
        }
        let was_queued = conv.status == ConversationStatus::Queued;
        let mut ch = Change::new(site, conv, self.now_ms());
        ch.conv.offline_reason = None;
        // A return to the bot like an agent's hand-back (insights count it and end the queue
        // wait there); no agent, and the reason tells the two apart.
        ch.return_to_bot(None, Some("cancelled"), "customer_cancelled");
        let conv = self.apply(ch).await?;
        if was_queued {
            // The ones queued behind it move up and learn their new position.
            self.dispatch().await?;
        }
        drop(w);
        self.state(&conv).await
    }

    pub async fn rate(&self, id: &str, caller: &Caller<'_>, req: Rating) -> DeskResult<()> {
        if !(1..=5).contains(&req.score) {
            return Err(DeskError::invalid("invalid_score", "score must be 1 to 5"));
        }
        if let Some(c) = &req.comment {
            too_long("comment", c, self.config.limits.message_chars)?;
        }
        // The conversation's lock: a rating reads and writes only this (resolved) conversation.
        let _w = self.write_conversation(id).await?;
        let (conv, site) = self.customer_conversation(id, caller).await?;
        if conv.status != ConversationStatus::Resolved {
            return Err(DeskError::conflict(
                "not_resolved",
                "a conversation can be rated once it is resolved",
            ));
        }
        if conv.rating.is_some() {
            if conv.rating == Some(i64::from(req.score)) && conv.rating_comment == req.comment {
                return Ok(()); // a retry of the same rating
            }
            return Err(DeskError::conflict("already_rated", "this conversation was already rated"));
        }
        let mut ch = Change::new(site, conv, self.now_ms());
        ch.conv.rating = Some(i64::from(req.score));
        ch.conv.rating_comment = req.comment;
        ch.audit(AuditKind::Rating, &req.score.to_string(), ch.conv.agent_id);
        self.apply(ch).await?;
        Ok(())
    }

    /// Stores the offline ticket of a conversation. `Ok((ticket, true))` if it is new,
    /// `(stored, false)` for a retry of the same ticket; another ticket on the same conversation
    /// is `409 ticket_exists` (one conversation, one ticket: the team answers it once).
    pub async fn ticket(
        &self,
        id: &str,
        caller: &Caller<'_>,
        req: TicketRequest,
    ) -> DeskResult<(Ticket, bool)> {
        required("name", &req.name)?;
        too_long("name", &req.name, MAX_SHORT)?;
        required("email", &req.email)?;
        too_long("email", &req.email, MAX_EMAIL)?;
        if !plausible_email(req.email.trim()) {
            return Err(DeskError::invalid("invalid_email", "email is not an e-mail address"));
        }
        required("message", &req.message)?;
        too_long("message", &req.message, self.config.limits.message_chars)?;
        // Held from the look-up to the insert, so two sends of a ticket store one. The
        // conversation's lock is enough: the ticket belongs to this conversation alone, and its
        // status (offline) changes only under the desk lock, which this one excludes.
        let _w = self.write_conversation(id).await?;
        let (conv, site) = self.customer_conversation(id, caller).await?;
        let transcript_json = serde_json::to_string(&req.transcript).unwrap_or_else(|_| "[]".into());
        if let Some(t) = self.db.ticket_of_conversation(&conv.id).await? {
            let same = (t.name.as_str(), t.email.as_str(), t.message.as_str(), t.transcript_json.as_str())
                == (&req.name, &req.email, &req.message, &transcript_json);
            if same {
                return Ok((wire_ticket(t), false));
            }
            return Err(DeskError::conflict("ticket_exists", "this conversation already has a ticket"));
        }
        if conv.status != ConversationStatus::Offline {
            return Err(DeskError::conflict(
                "not_offline",
                "tickets are for conversations nobody could take (handoff answered offline)",
            ));
        }
        let now = self.now_ms();
        let answer_expected_by = answer_expected_by(site, now);
        let row = TicketRow {
            id: 0,
            site_key: conv.site_key.clone(),
            conversation_id: Some(conv.id.clone()),
            name: req.name,
            email: req.email,
            message: req.message,
            transcript_json,
            created_at: now,
            answer: None,
            answered_by: None,
            answered_at: None,
            answer_expected_by,
            reply_token: Some(crate::mail::outbox::new_reply_token()),
        };
        let audit = AuditRow {
            conversation_id: conv.id.clone(),
            site_key: conv.site_key.clone(),
            kind: "ticket".into(),
            reason: conv.offline_reason.clone().unwrap_or_default(),
            from_department: None,
            to_department: conv.department.clone(),
            from_tier: None,
            to_tier: conv.tier.clone(),
            agent_id: None,
            at: now,
        };
        // The receipt and the agents' notices are queued with the ticket: stored together or
        // not at all.
        let mut mail: Vec<_> = self
            .config
            .smtp
            .as_ref()
            .and_then(|smtp| crate::mail::outbox::receipt(smtp, site, &conv.locale, &row, now))
            .into_iter()
            .collect();
        mail.extend(self.ticket_notices(site, &conv, &row, now).await?);
        let tid = self.db.insert_ticket(&row, &audit, &mail).await?;
        if !mail.is_empty() {
            self.mail.wake();
        }
        Metrics::inc(&self.metrics.tickets);
        Ok((wire_ticket(TicketRow { id: tid, ..row }), true))
    }
}

pub fn wire_ticket(t: TicketRow) -> Ticket {
    Ticket {
        id: t.id,
        site_key: t.site_key,
        conversation_id: t.conversation_id,
        name: t.name,
        email: t.email,
        message: t.message,
        transcript: serde_json::from_str(&t.transcript_json).unwrap_or_default(),
        created_at: super::rfc3339(t.created_at),
        status: if t.answer.is_some() { TicketStatus::Answered } else { TicketStatus::Open },
        answer: t.answer,
        answered_by: t.answered_by,
        answered_at: t.answered_at.map(super::rfc3339),
        answer_expected_by: t.answer_expected_by.map(super::rfc3339),
        department: None,
        locale: None,
    }
}

/// When a ticket left at `now_ms` can expect an answer (ms UTC): the start of the site's next
/// open period (now if open) plus its `ticket_answer_secs`. `None` when the site has no opening
/// within the search window.
pub fn answer_expected_by(site: &LoadedSite, now_ms: i64) -> Option<i64> {
    let now = chrono::DateTime::<Utc>::from_timestamp_millis(now_ms)?;
    let open = site.settings().hours.next_open(now)?;
    let answer = i64::try_from(site.config.ticket_answer.as_millis()).unwrap_or(i64::MAX);
    Some(open.timestamp_millis().saturating_add(answer))
}

impl Desk {
    /// Ephemeral: shown to the agent, never stored.
    pub async fn customer_typing(&self, id: &str, caller: &Caller<'_>, typing: bool) -> DeskResult<()> {
        let (conv, _) = self.customer_conversation(id, caller).await?;
        // Only to the agent: the customer's own stream does not echo it back.
        if let (ConversationStatus::Assigned, Some(agent)) = (conv.status, conv.agent_id) {
            let event = AgentEvent::Typing { conversation_id: id.to_string(), typing };
            self.ephemeral(crate::coordination::Ephemeral::AgentTyping { agent, event }).await;
        }
        Ok(())
    }
}
