//! The agent's side: sessions, presence, queue, and the moves along the escalation path.

use super::{summary, wire_message, Change, Desk};
use crate::db::{AgentRow, ConversationRow, SessionRow, TicketRow};
use crate::desk::error::{DeskError, DeskResult};
use crate::login_backoff::account_key;
use crate::metrics::Metrics;
use crate::secret;
use crate::sites::LoadedSite;
use handoff_protocol::v1::{
    AgentInfo, AgentPreferences, ConversationDetail, ConversationStatus, ConversationSummary, CustomerEvent,
    Message, Presence, Ticket,
};

/// A logged-in agent's session, as issued at login (tokens shown once).
pub struct NewSession {
    pub agent: AgentRow,
    pub token: String,
    pub csrf_token: String,
}

/// Its length is bounded with the body (crate::limits); an empty one would match nothing useful.
fn check_client_id(c: &str) -> DeskResult<()> {
    if c.trim().is_empty() {
        return Err(DeskError::invalid("missing_field", "client_id must not be empty when sent"));
    }
    Ok(())
}

/// The conversations' visibility rule: the agent serves the site, has the department and is at
/// or above the conversation's tier.
pub(super) fn can_take(agent: &AgentRow, site: &LoadedSite, conv: &ConversationRow) -> bool {
    if !site.served_by(agent) {
        return false;
    }
    let dep_ok = conv.department.as_ref().is_some_and(|d| agent.departments.contains(d));
    let level = conv.tier.as_deref().and_then(|t| site.tier_level(t));
    dep_ok && level.is_some_and(|l| site.tier_level(&agent.tier).is_some_and(|a| a >= l))
}

/// What an agent may open (detail, history, tickets): theirs, one they could take, or one that
/// never reached a person (no department: the customer's self-service, context for whoever on
/// the site serves them).
pub(super) fn can_see(agent: &AgentRow, site: &LoadedSite, conv: &ConversationRow) -> bool {
    conv.agent_id == Some(agent.id)
        || can_take(agent, site, conv)
        || (conv.department.is_none() && site.served_by(agent))
}

impl Desk {
    pub async fn login(&self, email: &str, password: &str) -> DeskResult<NewSession> {
        let bad = || DeskError::unauthenticated("bad_credentials", "unknown email or wrong password");
        // Before the password is looked at: during a backoff the right one is refused too.
        let account = account_key(email);
        self.login_attempts.begin(&account, self.now_ms()).await.map_err(|secs| {
            DeskError::limited(
                "login_backoff",
                format!("too many failed logins for this account; retry in {secs} s"),
                secs,
            )
        })?;
        let agent = self.db.agent_by_email(email).await?;
        // An unknown email still costs one argon2 verification, so timing does not reveal
        // which emails exist.
        let hash = agent
            .as_ref()
            .map(|a| a.password_hash.clone())
            .unwrap_or_else(|| secret::dummy_hash().to_string());
        let pw = password.to_string();
        // argon2 is deliberately slow: keep it off the async workers.
        let ok = tokio::task::spawn_blocking(move || secret::verify_password(&pw, &hash))
            .await
            .map_err(|e| DeskError::internal(format!("password check failed: {e}")))?;
        let agent = match agent {
            Some(a) if ok => a,
            _ => return Err(bad()),
        };
        // Only with the right password: the answer says no more than a wrong one to others.
        if !agent.active {
            return Err(DeskError::refused(
                "account_deactivated",
                "this account was deactivated by a manager",
            ));
        }
        self.login_attempts.succeeded(&account).await;
        let (token, csrf_token) = (secret::token(), secret::token());
        let now = self.now_ms();
        let ttl = i64::try_from(self.config.session_ttl.as_millis()).unwrap_or(i64::MAX);
        self.db
            .insert_session(&SessionRow {
                token_hash: secret::hash_token(&token),
                csrf_hash: secret::hash_token(&csrf_token),
                agent_id: agent.id,
                created_at: now,
                expires_at: now.saturating_add(ttl),
            })
            .await?;
        Ok(NewSession { agent, token, csrf_token })
    }

    /// The agent behind a session cookie; `csrf` must match for mutating requests.
    pub async fn session_agent(
        &self,
        token: &str,
        csrf: Option<Option<&str>>,
    ) -> DeskResult<(AgentRow, SessionRow)> {
        let no =
            || DeskError::unauthenticated("no_session", "log in first (session cookie missing or expired)");
        let s = self.db.session(&secret::hash_token(token)).await?.ok_or_else(no)?;
        if s.expires_at <= self.now_ms() {
            self.db.delete_session(&s.token_hash).await?;
            return Err(no());
        }
        if let Some(csrf) = csrf {
            let ok = csrf.is_some_and(|c| secret::same(&secret::hash_token(c), &s.csrf_hash));
            if !ok {
                return Err(DeskError::refused("csrf", "missing or wrong X-CSRF-Token header"));
            }
        }
        // A deactivated agent's sessions are deleted with the deactivation; this covers a request
        // that raced it.
        let agent = self.db.agent(s.agent_id).await?.filter(|a| a.active).ok_or_else(no)?;
        Ok((agent, s))
    }

    /// Ends the session and its open event streams at once; an agent left without a session
    /// goes offline, so routing stops giving them work nobody would see.
    pub async fn logout(&self, session: &SessionRow) -> DeskResult<()> {
        self.db.delete_session(&session.token_hash).await?;
        self.ephemeral(crate::coordination::Ephemeral::SessionEnded {
            agent: session.agent_id,
            token_hash: session.token_hash.clone(),
        })
        .await;
        self.sessions_ended().await
    }

    /// After sessions ended (logout, expiry, removal): agents without one are set offline.
    pub async fn sessions_ended(&self) -> DeskResult<()> {
        // Presence is what routing reads: the desk lock.
        let _w = self.write().await?;
        self.db.offline_without_session(self.now_ms()).await?;
        Ok(())
    }

    pub async fn agent_info(&self, agent: &AgentRow) -> DeskResult<AgentInfo> {
        let active = self.db.active_counts().await?.get(&agent.id).copied().unwrap_or(0);
        Ok(AgentInfo {
            id: agent.id,
            email: agent.email.clone(),
            name: agent.name.clone(),
            tier: agent.tier.clone(),
            departments: agent.departments.clone(),
            presence: Presence::parse(&agent.presence).unwrap_or(Presence::Offline),
            capacity: agent.capacity,
            active,
            sites: self.served_sites(agent),
            ticket_mail: agent.ticket_mail,
            deactivated: !agent.active,
        })
    }

    /// The agent's own settings (`PUT /v1/agent/preferences`); the agent as it is now.
    pub async fn set_preferences(&self, agent: &AgentRow, p: AgentPreferences) -> DeskResult<AgentInfo> {
        self.db.set_ticket_mail(agent.id, p.ticket_mail).await?;
        self.agent_info(&AgentRow { ticket_mail: p.ticket_mail, ..agent.clone() }).await
    }

    /// Keys of the sites the agent serves, sorted.
    pub fn served_sites(&self, agent: &AgentRow) -> Vec<String> {
        let mut keys: Vec<String> =
            self.sites.iter().filter(|s| s.served_by(agent)).map(|s| s.key.clone()).collect();
        keys.sort();
        keys
    }

    pub async fn set_presence(
        &self,
        agent: &AgentRow,
        presence: Presence,
        capacity: Option<u32>,
    ) -> DeskResult<AgentInfo> {
        let capacity = capacity.unwrap_or(agent.capacity);
        if capacity > 100 {
            return Err(DeskError::invalid("invalid_capacity", "capacity must be 0 to 100"));
        }
        let _w = self.write().await?;
        self.db.set_presence(agent.id, presence.as_str(), capacity).await?;
        // Coming online or raising capacity can serve waiting customers right away.
        self.dispatch().await?;
        let agent = self.db.agent(agent.id).await?.ok_or_else(|| DeskError::unknown("agent"))?;
        self.agent_info(&agent).await
    }

    /// Queued conversations this agent could take (department and tier), in service order.
    pub async fn queue(&self, agent: &AgentRow) -> DeskResult<Vec<ConversationSummary>> {
        let queued = self.db.conversations_with_status(ConversationStatus::Queued).await?;
        let mut out: Vec<_> = queued
            .iter()
            .filter(|c| self.sites.get(&c.site_key).is_some_and(|s| can_take(agent, s, c)))
            .collect();
        out.sort_by_key(|c| {
            let rank =
                self.sites.get(&c.site_key).map(|s| s.priority_rank(c.priority.as_deref().unwrap_or("")));
            (std::cmp::Reverse(rank), c.queued_at)
        });
        Ok(out.into_iter().map(summary).collect())
    }

    /// The agent's own conversations, each with when it came to them (for "with you for"). One
    /// audit read per conversation: an agent has at most their capacity of them.
    pub async fn my_conversations(&self, agent: &AgentRow) -> DeskResult<Vec<ConversationSummary>> {
        let mut out = Vec::new();
        for conv in self.db.conversations_of_agent(agent.id).await? {
            let mut s = summary(&conv);
            if conv.status == ConversationStatus::Assigned {
                let audit = self.db.audit(&conv.id).await?;
                s.assigned_at =
                    audit.iter().rev().find(|a| a.kind == "assignment").map(|a| super::rfc3339(a.at));
            }
            out.push(s);
        }
        Ok(out)
    }

    /// Loads a conversation an agent may look at ([`can_see`]).
    pub(super) async fn visible(
        &self,
        agent: &AgentRow,
        id: &str,
    ) -> DeskResult<(ConversationRow, &LoadedSite)> {
        let conv = self.db.conversation(id).await?.ok_or_else(|| DeskError::unknown("conversation"))?;
        let site = self.site(&conv.site_key)?;
        if !can_see(agent, site, &conv) {
            return Err(DeskError::refused(
                "not_your_conversation",
                "this conversation is outside your sites, departments or tier",
            ));
        }
        Ok((conv, site))
    }

    /// Loads a conversation this agent may write internal notes into: theirs, or any they can
    /// see when they supervise its site. Everyone else reads only, until they take it over.
    async fn note_target(&self, agent: &AgentRow, id: &str) -> DeskResult<(ConversationRow, &LoadedSite)> {
        let (conv, site) = self.visible(agent, id).await?;
        let has_it = conv.status == ConversationStatus::Assigned && conv.agent_id == Some(agent.id);
        if !has_it && !super::supervisor::is_supervisor(agent, site) {
            return Err(DeskError::refused(
                "read_only",
                "only the agent who has this conversation, or a supervisor, writes notes into it",
            ));
        }
        Ok((conv, site))
    }

    /// Loads a conversation assigned to this agent (for replies and moves).
    async fn mine(&self, agent: &AgentRow, id: &str) -> DeskResult<(ConversationRow, &LoadedSite)> {
        let conv = self.db.conversation(id).await?.ok_or_else(|| DeskError::unknown("conversation"))?;
        let site = self.site(&conv.site_key)?;
        if conv.status != ConversationStatus::Assigned || conv.agent_id != Some(agent.id) {
            return Err(DeskError::conflict("not_assigned_to_you", "claim the conversation first"));
        }
        Ok((conv, site))
    }

    pub async fn detail(&self, agent: &AgentRow, id: &str) -> DeskResult<ConversationDetail> {
        let (conv, _) = self.visible(agent, id).await?;
        let messages = self.db.messages(id).await?.iter().map(wire_message).collect();
        let audit = self.db.audit(id).await?.into_iter().filter_map(super::wire_audit).collect();
        let handoff = conv.handoff_json.as_deref().and_then(|j| serde_json::from_str(j).ok());
        let customer = conv.customer_json.as_deref().and_then(|j| serde_json::from_str(j).ok());
        Ok(ConversationDetail { summary: summary(&conv), handoff, messages, audit, customer })
    }

    pub async fn claim(&self, agent: &AgentRow, id: &str) -> DeskResult<ConversationSummary> {
        let _w = self.write().await?;
        let (conv, site) = self.visible(agent, id).await?;
        if conv.status != ConversationStatus::Queued {
            return Err(DeskError::conflict("not_queued", "only queued conversations can be claimed"));
        }
        if !can_take(agent, site, &conv) {
            return Err(DeskError::refused("not_capable", "outside your departments or tier"));
        }
        let active = self.db.active_counts().await?.get(&agent.id).copied().unwrap_or(0);
        if active >= agent.capacity {
            return Err(DeskError::conflict("at_capacity", "you are at your maximum of concurrent chats"));
        }
        let mut ch = Change::new(site, conv, self.now_ms());
        ch.assign(agent, "claim");
        let conv = self.apply(ch).await?;
        self.dispatch().await?;
        Ok(summary(&conv))
    }

    /// A reply to the customer (or an internal note); the first reply stops the first-response
    /// clock. With a `client_id`, a retry of the same message returns the stored one:
    /// `Ok((message, true))` if it is new, `(stored, false)` for a retry.
    pub async fn reply(
        &self,
        agent: &AgentRow,
        id: &str,
        text: &str,
        internal: bool,
        client_id: Option<&str>,
    ) -> DeskResult<(Message, bool)> {
        self.check_text(text)?;
        if let Some(c) = client_id {
            check_client_id(c)?;
        }
        // The conversation's lock: a reply or note reads only this conversation (status and
        // agent: changed by routing under the desk lock, which this one excludes) and the
        // agent, and writes only its messages, events and first-reply clock; no queue position
        // or load moves. Replies in different conversations run in parallel.
        let _w = self.write_conversation(id).await?;
        if let Some(c) = client_id {
            // Before the assignment check: a reply whose answer was lost is still this agent's
            // reply even if the conversation has moved on since.
            if let Some(m) = self.db.message_by_client_id(id, c).await? {
                let same = m.author == "agent"
                    && m.agent_id == Some(agent.id)
                    && m.internal == internal
                    && m.text == text;
                if same {
                    return Ok((wire_message(&m), false));
                }
                return Err(DeskError::conflict(
                    "client_id_reused",
                    "this client_id was already used for a different message",
                ));
            }
        }
        let (conv, site) =
            if internal { self.note_target(agent, id).await? } else { self.mine(agent, id).await? };
        let mut ch = Change::new(site, conv, self.now_ms());
        let m = ch.message("agent", Some(agent), text, client_id.map(str::to_string), internal);
        if !internal && ch.conv.first_reply_at.is_none() {
            ch.conv.first_reply_at = Some(ch.now);
            ch.conv.first_response_due = None;
        }
        // A customer who came back by mail is not in the widget: the reply goes by mail too,
        // queued in the same commit as the message (issue 21).
        let mailed = match internal {
            true => None,
            false => self.follow_up_mail(&ch, agent, &m).await?,
        };
        let queued = mailed.is_some();
        if let Some(mail) = mailed {
            ch.mail(mail);
        }
        self.apply(ch).await?;
        if queued {
            self.mail.wake();
        }
        if !internal {
            Metrics::inc(&self.metrics.messages);
        }
        Ok((wire_message(&m), true))
    }

    pub(super) fn check_text(&self, text: &str) -> DeskResult<()> {
        if text.trim().is_empty() {
            return Err(DeskError::invalid("missing_field", "text must not be empty"));
        }
        let (n, max) = (text.chars().count(), self.config.limits.message_chars);
        if n > max {
            return Err(DeskError::invalid(
                "too_long",
                format!("text has {n} characters; at most {max} are allowed"),
            ));
        }
        Ok(())
    }

    /// Functional escalation: to the team with the right skill, back through its queue.
    pub async fn transfer(
        &self,
        agent: &AgentRow,
        id: &str,
        department: &str,
        note: Option<&str>,
    ) -> DeskResult<ConversationSummary> {
        let _w = self.write().await?;
        let (conv, site) = self.mine(agent, id).await?;
        if !site.has_department(department) {
            return Err(DeskError::invalid("unknown_department", format!("no department {department:?}")));
        }
        if conv.department.as_deref() == Some(department) {
            return Err(DeskError::conflict(
                "same_department",
                "the conversation is already in this department",
            ));
        }
        let note = note.unwrap_or("");
        if !note.trim().is_empty() {
            self.check_text(note)?;
        }
        let mut ch = Change::new(site, conv, self.now_ms());
        ch.transfer_manually(agent, department, note);
        Metrics::inc(&self.metrics.transfers);
        let conv = self.apply(ch).await?;
        self.dispatch().await?;
        Ok(summary(&conv))
    }

    /// Hierarchical escalation: to the next tier up, with the agent's note (kept internal).
    pub async fn escalate(&self, agent: &AgentRow, id: &str, note: &str) -> DeskResult<ConversationSummary> {
        let _w = self.write().await?;
        let (conv, site) = self.mine(agent, id).await?;
        let from = conv.tier.clone().unwrap_or_default();
        let Some(to) = crate::sla::next_tier(&site.tiers, &from).map(str::to_string) else {
            return Err(DeskError::conflict("top_tier", "already at the top of the escalation path"));
        };
        if !note.trim().is_empty() {
            self.check_text(note)?;
        }
        let mut ch = Change::new(site, conv, self.now_ms());
        ch.escalate_manually(agent, &to, note);
        Metrics::inc(&self.metrics.escalations);
        let conv = self.apply(ch).await?;
        self.dispatch().await?;
        Ok(summary(&conv))
    }

    pub async fn resolve(&self, agent: &AgentRow, id: &str) -> DeskResult<ConversationSummary> {
        let _w = self.write().await?;
        let (conv, site) = self.mine(agent, id).await?;
        let mut ch = Change::new(site, conv, self.now_ms());
        ch.resolve(agent);
        let conv = self.apply(ch).await?;
        // The freed capacity can serve the queue.
        self.dispatch().await?;
        Ok(summary(&conv))
    }

    /// Back to the bot: the person is done, the customer can go on self-service.
    pub async fn hand_back(&self, agent: &AgentRow, id: &str, note: &str) -> DeskResult<ConversationSummary> {
        let _w = self.write().await?;
        let (conv, site) = self.mine(agent, id).await?;
        let mut ch = Change::new(site, conv, self.now_ms());
        ch.return_to_bot(Some(agent), None, if note.trim().is_empty() { "manual" } else { note });
        let conv = self.apply(ch).await?;
        self.dispatch().await?;
        Ok(summary(&conv))
    }

    pub async fn agent_typing(&self, agent: &AgentRow, id: &str, typing: bool) -> DeskResult<()> {
        let (conv, _) = self.mine(agent, id).await?;
        let event = CustomerEvent::Typing { author: handoff_protocol::v1::Author::Agent, typing };
        self.ephemeral(crate::coordination::Ephemeral::CustomerTyping { conversation: conv.id, event }).await;
        Ok(())
    }

    /// The tickets this agent may see: those of conversations they could open (see
    /// [`Desk::ticket_visible`]), newest first, with their conversation's department and
    /// language.
    pub async fn tickets(&self, agent: &AgentRow) -> DeskResult<Vec<Ticket>> {
        let mut out = Vec::new();
        for t in self.db.tickets().await? {
            if let Some(conv) = self.visible_ticket(agent, &t).await? {
                let mut wire = super::customer::wire_ticket(t);
                if let Some(c) = conv {
                    wire.department = c.department;
                    wire.locale = Some(c.locale);
                }
                out.push(wire);
            }
        }
        Ok(out)
    }

    /// A ticket follows its conversation's visibility (department, tier, site); one without a
    /// conversation only the supervisors of its site see.
    pub(super) async fn ticket_visible(&self, agent: &AgentRow, t: &TicketRow) -> DeskResult<bool> {
        Ok(self.visible_ticket(agent, t).await?.is_some())
    }

    /// `Some(its conversation)` when the agent may see the ticket, else `None`.
    async fn visible_ticket(
        &self,
        agent: &AgentRow,
        t: &TicketRow,
    ) -> DeskResult<Option<Option<ConversationRow>>> {
        let Some(site) = self.sites.get(&t.site_key).filter(|s| s.served_by(agent)) else {
            return Ok(None);
        };
        let conv = match &t.conversation_id {
            Some(id) => self.db.conversation(id).await?,
            None => None,
        };
        let visible = match &conv {
            Some(c) => can_see(agent, site, c),
            None => super::supervisor::is_supervisor(agent, site),
        };
        Ok(visible.then_some(conv))
    }
}
