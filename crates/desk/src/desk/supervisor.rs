//! What the console needs beyond the agent moves: canned responses, the customer's earlier
//! conversations, answering offline tickets, and the supervisor's view and moves (overview,
//! take over, reassign).

use super::agent_ops::{can_see, can_take};
use super::{summary, Change, Desk};
use crate::db::{AgentRow, AuditRow, ConversationRow};
use crate::desk::error::{DeskError, DeskResult};
use crate::insights::{self, Insights, InsightsError, InsightsParams, InsightsQuery};
use crate::sites::LoadedSite;
use handoff_protocol::kinds::LostReason;
use handoff_protocol::v1::{
    AgentEvent, CannedResponse, ConversationStatus, ConversationSummary, CustomerEvent, NamedItem,
    RecentEscalation, SiteEmbed, SiteSummary, SupervisorOverview, Ticket,
};

/// How many earlier conversations and escalations the lists show.
const HISTORY_LIMIT: usize = 20;
/// How many earlier conversations are read to find those the agent may see: a few times the
/// list, as whole rows carry their handoff (up to `transcript_bytes` each).
const HISTORY_WINDOW: i64 = 60;
const ESCALATIONS_LIMIT: usize = 50;

/// A supervisor is anyone above the site's first human tier (the tier the bot hands off to)
/// who serves the site.
pub fn is_supervisor(agent: &AgentRow, site: &LoadedSite) -> bool {
    if !site.served_by(agent) {
        return false;
    }
    let first = site.tier_level(&site.content.settings.handoff.first_tier).unwrap_or(0);
    site.tier_level(&agent.tier).is_some_and(|l| l > first)
}

/// A manager of a site serves it at the top of its ladder.
pub fn is_manager(agent: &AgentRow, site: &LoadedSite) -> bool {
    site.served_by(agent) && site.tiers.last().is_some_and(|top| *top == agent.tier)
}

fn not_supervisor() -> DeskError {
    DeskError::refused("not_supervisor", "only supervisors and managers can do this")
}

fn shares_department(agent: &AgentRow, department: Option<&str>) -> bool {
    department.is_some_and(|d| agent.departments.iter().any(|a| a == d))
}

/// Whether the site's server vouched for the conversation's customer (signed user id).
fn verified(c: &ConversationRow) -> bool {
    c.customer_json
        .as_deref()
        .and_then(|j| serde_json::from_str::<handoff_protocol::v1::Customer>(j).ok())
        .is_some_and(|who| who.verified)
}

fn open(c: &ConversationRow) -> bool {
    matches!(c.status, ConversationStatus::Queued | ConversationStatus::Assigned)
}

fn named(list: &[handoff_bot::model::Named]) -> Vec<NamedItem> {
    list.iter()
        .map(|n| NamedItem {
            id: n.id.clone(),
            name: n.name.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        })
        .collect()
}

impl Desk {
    /// The sites' departments, tiers, priorities and locales (for transfer targets and names).
    /// The agent's sites, with their embed snippets for a desk reached at `base` (`http(s)://host`).
    pub fn site_summaries(&self, agent: &AgentRow, base: &str) -> Vec<SiteSummary> {
        let mut out: Vec<SiteSummary> = self
            .sites
            .iter()
            .filter(|s| s.served_by(agent))
            .map(|s| {
                let set = &s.content.settings;
                SiteSummary {
                    key: s.key.clone(),
                    name: set.site.name.clone(),
                    locales: set.site.locales.clone(),
                    priorities: set.site.priorities.clone(),
                    departments: named(&set.departments),
                    tiers: named(&set.tiers),
                    embed: SiteEmbed {
                        snippet: format!(
                            "<script async src=\"{base}/embed.js\" data-site=\"{}\"></script>",
                            s.key
                        ),
                        portal_url: format!("{base}/help/{}", s.key),
                        allowed_origins: s.config.allowed_origins.clone(),
                        identity_verification: s.config.identity_secret.is_some(),
                    },
                }
            })
            .collect();
        out.sort_by(|a, b| a.key.cmp(&b.key));
        out
    }

    /// Canned responses of the agent's sites and departments (all locales; the console picks).
    pub fn canned(&self, agent: &AgentRow, locale: Option<&str>) -> Vec<CannedResponse> {
        self.sites
            .iter()
            .filter(|s| s.served_by(agent))
            .flat_map(|s| s.settings().canned.clone())
            .filter(|c| agent.departments.contains(&c.department))
            .filter(|c| locale.is_none_or(|l| c.locale == l))
            .collect()
    }

    /// The same visitor's other conversations on this site that the agent could open, newest
    /// first. Only identities proven the same way link: a verified user id to the same verified
    /// user id, an unverified visitor id only to unverified ones (anyone can send any id unsigned).
    pub async fn history(&self, agent: &AgentRow, id: &str) -> DeskResult<Vec<ConversationSummary>> {
        let (conv, site) = self.visible(agent, id).await?;
        let Some(visitor) = conv.visitor_id.as_deref() else { return Ok(vec![]) };
        let rows = self
            .db
            .conversations_of_visitor(&conv.site_key, visitor, verified(&conv), HISTORY_WINDOW)
            .await?;
        Ok(rows
            .iter()
            .filter(|c| c.id != conv.id && can_see(agent, site, c))
            .take(HISTORY_LIMIT)
            .map(summary)
            .collect())
    }

    fn supervisor_site(&self, agent: &AgentRow, site_key: Option<&str>) -> DeskResult<()> {
        let ok = match site_key {
            Some(k) => self.sites.get(k).is_some_and(|s| is_supervisor(agent, s)),
            None => self.sites.iter().any(|s| is_supervisor(agent, s)),
        };
        if ok {
            Ok(())
        } else {
            Err(not_supervisor())
        }
    }

    /// The insights of one site for a supervisor or manager of it (`params.site`, else the first
    /// site by key the agent supervises).
    pub async fn insights(&self, agent: &AgentRow, params: &InsightsParams) -> DeskResult<Insights> {
        let q = self.insights_query(agent, params)?;
        self.compute_insights(&q).await
    }

    /// Checks the agent may see the site's insights and parses the query.
    pub fn insights_query(&self, agent: &AgentRow, params: &InsightsParams) -> DeskResult<InsightsQuery> {
        let site = match params.site() {
            Some(k) => {
                let site = self
                    .sites
                    .get(k)
                    .ok_or_else(|| DeskError::invalid("unknown_site", format!("no site with key {k:?}")))?;
                self.supervisor_site(agent, Some(k))?;
                site
            }
            None => {
                let mut mine: Vec<&LoadedSite> =
                    self.sites.iter().filter(|s| is_supervisor(agent, s)).collect();
                mine.sort_by(|a, b| a.key.cmp(&b.key));
                match mine.first() {
                    Some(s) => *s,
                    None => return Err(not_supervisor()),
                }
            }
        };
        params.query(site, self.now_ms())
    }

    pub async fn compute_insights(&self, q: &InsightsQuery) -> DeskResult<Insights> {
        insights::compute(&*self.db, q).await.map_err(|e| match e {
            InsightsError::Db(e) => DeskError::from(e),
            InsightsError::EmptyPeriod => DeskError::invalid("empty_period", e.to_string()),
            InsightsError::TooManyBuckets => DeskError::invalid("too_many_buckets", e.to_string()),
            InsightsError::Compute(m) => DeskError::internal(m),
        })
    }

    /// What a supervisor watches: their departments on the sites they supervise.
    pub async fn overview(&self, sup: &AgentRow) -> DeskResult<SupervisorOverview> {
        self.supervisor_site(sup, None)?;
        let supervised = |key: &str| self.sites.get(key).is_some_and(|s| is_supervisor(sup, s));
        let mine =
            |c: &&ConversationRow| supervised(&c.site_key) && shares_department(sup, c.department.as_deref());
        let mut agents = Vec::new();
        for a in self.db.agents().await? {
            let same_site = self.sites.iter().any(|s| is_supervisor(sup, s) && s.served_by(&a));
            if same_site && a.departments.iter().any(|d| sup.departments.contains(d)) {
                agents.push(self.agent_info(&a).await?);
            }
        }
        let queued_rows = self.db.conversations_with_status(ConversationStatus::Queued).await?;
        let mut queued: Vec<&ConversationRow> = queued_rows.iter().filter(mine).collect();
        queued.sort_by_key(|c| {
            let rank =
                self.sites.get(&c.site_key).map(|s| s.priority_rank(c.priority.as_deref().unwrap_or("")));
            (std::cmp::Reverse(rank), c.queued_at)
        });
        let assigned_rows = self.db.conversations_with_status(ConversationStatus::Assigned).await?;
        let assigned: Vec<&ConversationRow> = assigned_rows.iter().filter(mine).collect();
        let now = self.now_ms();
        let breached = |c: &&&ConversationRow| {
            c.first_response_due.is_some_and(|d| d <= now) || c.resolution_due.is_some_and(|d| d <= now)
        };
        let breaches = queued.iter().chain(assigned.iter()).filter(breached).map(|c| summary(c)).collect();
        let mut escalations = Vec::new();
        for a in self.db.recent_audit(&["escalation", "sla_breach", "transfer"], 500).await? {
            if escalations.len() >= ESCALATIONS_LIMIT {
                break;
            }
            if !supervised(&a.site_key) {
                continue;
            }
            let dep = a.to_department.clone().or_else(|| a.from_department.clone());
            let Some(conv) = self.db.conversation(&a.conversation_id).await? else { continue };
            let conv_dep = conv.department.clone();
            if !shares_department(sup, dep.as_deref()) && !shares_department(sup, conv_dep.as_deref()) {
                continue;
            }
            escalations.extend(recent(a, conv_dep));
        }
        Ok(SupervisorOverview {
            agents,
            queued: queued.into_iter().map(summary).collect(),
            assigned: assigned.into_iter().map(summary).collect(),
            breaches,
            escalations,
        })
    }

    /// A supervisor gives an open conversation of their departments to `target` (themselves:
    /// take over). The previous agent, if any, loses it with reason `reassigned`.
    pub async fn reassign(
        &self,
        sup: &AgentRow,
        id: &str,
        target: i64,
        note: Option<&str>,
    ) -> DeskResult<ConversationSummary> {
        let _w = self.write().await?;
        let conv = self.db.conversation(id).await?.ok_or_else(|| DeskError::unknown("conversation"))?;
        let site = self.site(&conv.site_key)?;
        self.supervisor_site(sup, Some(&conv.site_key))?;
        if !shares_department(sup, conv.department.as_deref()) {
            return Err(DeskError::refused("not_your_conversation", "outside your departments"));
        }
        if !open(&conv) {
            return Err(DeskError::conflict(
                "not_open",
                "only queued or assigned conversations can be reassigned",
            ));
        }
        let to = self
            .db
            .agent(target)
            .await?
            .ok_or_else(|| DeskError::invalid("unknown_agent", format!("no agent with id {target}")))?;
        if conv.agent_id == Some(to.id) {
            return Err(DeskError::conflict("already_assigned", "the conversation is already theirs"));
        }
        if !can_take(&to, site, &conv) {
            return Err(DeskError::refused("not_capable", "that agent's departments or tier do not fit"));
        }
        let active = self.db.active_counts().await?.get(&to.id).copied().unwrap_or(0);
        if active >= to.capacity && to.id != sup.id {
            // A supervisor may take over beyond their own capacity; others are protected.
            return Err(DeskError::conflict("at_capacity", "that agent is at their maximum of chats"));
        }
        let mut ch = Change::new(site, conv, self.now_ms());
        if let Some(n) = note.filter(|n| !n.trim().is_empty()) {
            self.check_text(n)?;
            ch.message("agent", Some(sup), n, None, true);
        }
        if let Some(prev) = ch.conv.agent_id {
            if let Some(p) = self.db.agent(prev).await? {
                ch.event(&CustomerEvent::AgentLeft { agent_name: p.name.clone() });
            }
            ch.notify(
                prev,
                AgentEvent::AssignmentLost {
                    conversation_id: id.to_string(),
                    reason: LostReason::Reassigned,
                },
            );
        }
        ch.assign(&to, if to.id == sup.id { "takeover" } else { "reassign" });
        // The new person gets a fresh first-response clock when nobody has answered yet.
        if ch.conv.first_reply_at.is_none() {
            let sla = site.sla(ch.conv.priority.as_deref().unwrap_or(""));
            ch.conv.first_response_due = Some(crate::sla::after(ch.now, sla.first_response));
        }
        if let Some(a) = ch.audit_last_mut() {
            a.agent_id = Some(to.id);
        }
        let conv = self.apply(ch).await?;
        self.dispatch().await?;
        Ok(summary(&conv))
    }

    /// Mails to customers of the sites the agent supervises that are failing or given up,
    /// newest first: what a supervisor should look at (a wrong address, a mail server down).
    pub async fn failing_mail(&self, sup: &AgentRow) -> DeskResult<Vec<handoff_protocol::v1::FailedMail>> {
        self.supervisor_site(sup, None)?;
        let rows = self.db.failing_mail(200).await?;
        Ok(rows
            .into_iter()
            .filter(|m| self.sites.get(&m.site_key).is_some_and(|s| is_supervisor(sup, s)))
            .map(|m| handoff_protocol::v1::FailedMail {
                next_attempt_at: (m.status == "pending").then(|| super::rfc3339(m.next_attempt_at)),
                id: m.id,
                site_key: m.site_key,
                conversation_id: m.conversation_id,
                ticket_id: m.ticket_id,
                kind: m.kind,
                to: m.rcpt,
                subject: m.subject,
                status: m.status,
                attempts: m.attempts,
                last_error: m.last_error,
                created_at: super::rfc3339(m.created_at),
            })
            .collect())
    }

    /// Stores the answer to an offline ticket and marks it answered, with the mail that
    /// carries it to the customer queued in the same transaction (when `[smtp]` is set). A
    /// second answer is `409 already_answered`.
    pub async fn answer_ticket(&self, agent: &AgentRow, id: i64, text: &str) -> DeskResult<Ticket> {
        self.check_text(text)?;
        let t = self.db.ticket(id).await?.ok_or_else(|| DeskError::unknown("ticket"))?;
        if !self.ticket_visible(agent, &t).await? {
            return Err(DeskError::refused(
                "not_your_ticket",
                "this ticket is outside your sites, departments or tier",
            ));
        }
        let now = self.now_ms();
        let audit = AuditRow {
            conversation_id: t.conversation_id.clone().unwrap_or_default(),
            site_key: t.site_key.clone(),
            kind: "ticket_answer".into(),
            reason: "answered".into(),
            from_department: None,
            to_department: None,
            from_tier: None,
            to_tier: None,
            agent_id: Some(agent.id),
            at: now,
        };
        let token = t.reply_token.clone().unwrap_or_else(crate::mail::outbox::new_reply_token);
        let mail = match (&self.config.smtp, self.sites.get(&t.site_key)) {
            (Some(smtp), Some(site)) => {
                // The customer's language is the conversation's.
                let conversation = match &t.conversation_id {
                    Some(c) => self.db.conversation(c).await?,
                    None => None,
                };
                let locale = conversation
                    .map(|c| c.locale)
                    .unwrap_or_else(|| site.content.settings.site.default_locale.clone());
                vec![crate::mail::outbox::answer(smtp, site, &locale, &t, &token, &agent.name, text, now)]
            }
            _ => vec![],
        };
        if self.db.answer_ticket(id, text, &agent.name, now, &audit, &token, &mail).await? {
            if !mail.is_empty() {
                self.mail.wake();
            }
        } else {
            // A retry of this agent's own answer (its first answer was lost) gets the ticket.
            let retry = t.answer.as_deref() == Some(text) && t.answered_by.as_deref() == Some(&agent.name);
            if !retry {
                return Err(DeskError::conflict("already_answered", "this ticket has an answer already"));
            }
        }
        let t = self.db.ticket(id).await?.ok_or_else(|| DeskError::unknown("ticket"))?;
        Ok(super::customer::wire_ticket(t))
    }
}

fn recent(a: AuditRow, department: Option<String>) -> Option<RecentEscalation> {
    Some(RecentEscalation {
        conversation_id: a.conversation_id.clone(),
        site_key: a.site_key.clone(),
        department,
        entry: super::wire_audit(a)?,
    })
}
