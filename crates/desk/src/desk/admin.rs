//! The team's administration (issue 20): who may change whom, and what a change does at once.
//!
//! A manager (the site's top tier) administers every agent of their sites; a supervisor only
//! agents below their own tier whose departments are all theirs. Each change is stored with an
//! audit row (who, when, what, old and new value). Deactivating an agent ends every session and
//! event stream of theirs at once (on every instance: the sessions are deleted in the database
//! and the end is fanned out) and puts their chats back in the queue.

use super::supervisor::is_supervisor;
use super::{rfc3339, Change, Desk};
use crate::db::{AdminAuditRow, AgentRow, DbError};
use crate::desk::error::{DeskError, DeskResult};
use crate::limits::{plausible_email, MAX_EMAIL};
use crate::passwords;
use crate::secret;
use crate::sites::LoadedSite;
use handoff_protocol::admin::{AdminChange, AgentCreated, AgentUpdate, NewAgent};
use handoff_protocol::kinds::{AuditKind, LostReason};
use handoff_protocol::v1::{AgentInfo, ConversationStatus};
use serde_json::json;

/// Chats at once for a new agent when the manager gives no capacity.
const DEFAULT_CAPACITY: u32 = 3;

fn not_your_team() -> DeskError {
    DeskError::refused(
        "not_your_team",
        "managers administer their sites' agents, supervisors agents below them in their own departments",
    )
}

/// What the audit keeps of an agent: never the password hash.
fn public(a: &AgentRow) -> String {
    json!({"email": a.email, "name": a.name, "tier": a.tier, "departments": a.departments,
           "capacity": a.capacity, "sites": a.sites, "active": a.active})
    .to_string()
}

/// May `actor` administer an agent like `target` (as it is, or as it would become)?
fn may_administer(actor: &AgentRow, target: &AgentRow, site: &LoadedSite) -> bool {
    if !is_supervisor(actor, site) || !site.served_by(target) {
        return false;
    }
    let (Some(mine), Some(theirs)) = (site.tier_level(&actor.tier), site.tier_level(&target.tier)) else {
        return false;
    };
    let manager = mine + 1 == site.tiers.len();
    if manager {
        theirs <= mine
    } else {
        theirs < mine && target.departments.iter().all(|d| actor.departments.contains(d))
    }
}

impl Desk {
    /// The site whose rules a new agent is checked against: the first the actor supervises.
    fn admin_site(&self, actor: &AgentRow) -> DeskResult<&LoadedSite> {
        self.sites
            .iter()
            .find(|s| is_supervisor(actor, s))
            .ok_or_else(|| DeskError::refused("not_supervisor", "only supervisors and managers can do this"))
    }

    fn check_may(&self, actor: &AgentRow, target: &AgentRow) -> DeskResult<()> {
        self.admin_site(actor)?;
        if self.sites.iter().any(|s| may_administer(actor, target, s)) {
            Ok(())
        } else {
            Err(not_your_team())
        }
    }

    /// Name, tier and departments as the site knows them (422 otherwise).
    fn check_fields(site: &LoadedSite, a: &AgentRow) -> DeskResult<()> {
        if a.name.trim().is_empty() {
            return Err(DeskError::invalid("missing_field", "name must not be empty"));
        }
        let first = site.tier_level(&site.content.settings.handoff.first_tier).unwrap_or(1);
        if site.tier_level(&a.tier).is_none_or(|l| l < first) {
            let people = site.tiers.get(first..).unwrap_or_default().join(", ");
            return Err(DeskError::invalid("unknown_tier", format!("tier must be one of {people}")));
        }
        if a.departments.is_empty() {
            return Err(DeskError::invalid("missing_field", "departments must name at least one"));
        }
        if let Some(d) = a.departments.iter().find(|d| !site.has_department(d)) {
            return Err(DeskError::invalid(
                "unknown_department",
                format!("department {d:?} is not the site's"),
            ));
        }
        Ok(())
    }

    fn audit_row(
        &self,
        actor: &AgentRow,
        action: &str,
        target: &AgentRow,
        old: Option<String>,
        new: Option<String>,
    ) -> AdminAuditRow {
        AdminAuditRow {
            id: 0,
            at: self.now_ms(),
            actor_id: actor.id,
            action: action.into(),
            target: format!("agent:{}", target.email),
            old_value: old,
            new_value: new,
        }
    }

    /// `GET /v1/agent/admin/agents`: the agents the actor administers (and themselves), by name.
    pub async fn admin_agents(&self, actor: &AgentRow) -> DeskResult<Vec<AgentInfo>> {
        self.admin_site(actor)?;
        let mut out = Vec::new();
        for a in self.db.agents().await? {
            if a.id == actor.id || self.sites.iter().any(|s| may_administer(actor, &a, s)) {
                out.push(self.agent_info(&a).await?);
            }
        }
        out.sort_by_key(|a| a.name.to_lowercase());
        Ok(out)
    }

    /// `POST /v1/agent/admin/agents`: the new agent, with the password the desk made up when
    /// none was given (shown this once).
    pub async fn create_agent(&self, actor: &AgentRow, req: NewAgent) -> DeskResult<AgentCreated> {
        let site = self.admin_site(actor)?;
        let email = req.email.trim().to_lowercase();
        if email.chars().count() > MAX_EMAIL || !plausible_email(&email) {
            return Err(DeskError::invalid("invalid_email", "email is not an e-mail address"));
        }
        let (password, shown) = match req.password {
            Some(p) => {
                passwords::check(&p, &email)?;
                (p, None)
            }
            // 120 random bits, in characters that survive being read out or copied.
            None => {
                let p: String =
                    secret::token().chars().filter(char::is_ascii_alphanumeric).take(20).collect();
                (p.clone(), Some(p))
            }
        };
        let mut row = AgentRow {
            id: 0,
            email: email.clone(),
            name: req.name.trim().to_string(),
            password_hash: String::new(),
            tier: req.tier,
            departments: req.departments,
            presence: "offline".into(),
            capacity: req.capacity.unwrap_or(DEFAULT_CAPACITY),
            // The actor's sites: a manager of one shop creates colleagues for that shop.
            sites: actor.sites.clone(),
            ticket_mail: false,
            active: true,
        };
        Self::check_fields(site, &row)?;
        self.check_may(actor, &row)?;
        // argon2 is deliberately slow: keep it off the async workers.
        row.password_hash = tokio::task::spawn_blocking(move || secret::hash_password(&password))
            .await
            .map_err(|e| DeskError::internal(format!("password hashing failed: {e}")))?
            .map_err(|e| DeskError::internal(format!("password hashing failed: {e}")))?;
        let audit = self.audit_row(actor, "agent_created", &row, None, Some(public(&row)));
        let id = match self.db.create_agent(&row, &audit).await {
            Ok(id) => id,
            Err(DbError::Duplicate(_)) => {
                return Err(DeskError::conflict(
                    "agent_exists",
                    format!("an agent signs in as {email} already"),
                ))
            }
            Err(e) => return Err(e.into()),
        };
        let agent = self.agent_info(&AgentRow { id, ..row }).await?;
        Ok(AgentCreated { agent, password: shown })
    }

    pub(super) async fn admin_target(&self, actor: &AgentRow, id: i64) -> DeskResult<AgentRow> {
        self.admin_site(actor)?;
        let a = self.db.agent(id).await?.ok_or_else(|| DeskError::unknown("agent"))?;
        self.check_may(actor, &a)?;
        Ok(a)
    }

    /// `PUT /v1/agent/admin/agents/{id}`: name, tier, departments, capacity; effective at once
    /// (waiting work is dispatched again: a raised capacity or a new department takes it).
    pub async fn update_agent(&self, actor: &AgentRow, id: i64, req: AgentUpdate) -> DeskResult<AgentInfo> {
        let old = self.admin_target(actor, id).await?;
        let mut new = old.clone();
        if let Some(n) = req.name {
            new.name = n.trim().to_string();
        }
        if let Some(t) = req.tier {
            if id == actor.id && t != old.tier {
                return Err(DeskError::conflict("own_tier", "another manager changes your tier"));
            }
            new.tier = t;
        }
        if let Some(d) = req.departments {
            new.departments = d;
        }
        if let Some(c) = req.capacity {
            new.capacity = c;
        }
        Self::check_fields(self.admin_site(actor)?, &new)?;
        self.check_may(actor, &new)?;
        if new == old {
            return self.agent_info(&old).await;
        }
        let audit = self.audit_row(actor, "agent_updated", &new, Some(public(&old)), Some(public(&new)));
        // Routing reads tiers, departments and capacities: the desk lock.
        let _w = self.write().await?;
        if !self.db.update_agent(&new, &audit, &mut Vec::new()).await? {
            return Err(DeskError::unknown("agent"));
        }
        self.dispatch().await?;
        self.agent_info(&new).await
    }

    /// `POST /v1/agent/admin/agents/{id}/deactivate` and `.../activate`. Deactivating ends the
    /// agent's sessions and streams at once and returns their chats to the queue; the same
    /// request again changes nothing.
    pub async fn set_agent_active(&self, actor: &AgentRow, id: i64, active: bool) -> DeskResult<AgentInfo> {
        if id == actor.id && !active {
            return Err(DeskError::conflict("own_account", "another manager deactivates your account"));
        }
        let old = self.admin_target(actor, id).await?;
        if old.active == active {
            return self.agent_info(&old).await;
        }
        let new = AgentRow {
            active,
            presence: if active { old.presence.clone() } else { "offline".into() },
            ..old.clone()
        };
        let action = if active { "agent_activated" } else { "agent_deactivated" };
        let audit = self.audit_row(actor, action, &new, Some(public(&old)), Some(public(&new)));
        let _w = self.write().await?;
        let mut ended = Vec::new();
        if !self.db.update_agent(&new, &audit, &mut ended).await? {
            return Err(DeskError::unknown("agent"));
        }
        for token_hash in ended {
            self.ephemeral(crate::coordination::Ephemeral::SessionEnded { agent: id, token_hash }).await;
        }
        if !active {
            for conv in self.db.conversations_of_agent(id).await? {
                if conv.status != ConversationStatus::Assigned || conv.agent_id != Some(id) {
                    continue;
                }
                let site = self.site(&conv.site_key)?;
                let mut ch = Change::new(site, conv, self.now_ms());
                ch.audit(AuditKind::AssignmentLost, "deactivated", Some(id));
                ch.requeue(Some(&old), LostReason::Deactivated);
                self.apply(ch).await?;
            }
            self.dispatch().await?;
        }
        self.agent_info(&new).await
    }

    /// `GET /v1/agent/admin/audit`: the latest changes to agents the actor administers, or made
    /// by them, newest first.
    pub async fn admin_changes(&self, actor: &AgentRow) -> DeskResult<Vec<AdminChange>> {
        self.admin_site(actor)?;
        let agents = self.db.agents().await?;
        let email_of =
            |id: i64| agents.iter().find(|a| a.id == id).map(|a| a.email.clone()).unwrap_or_default();
        // Changes to an agent the actor administers; changes to a site's settings and its
        // erasures for the site's supervisors and managers.
        let visible = |target: &str| {
            if let Some(email) = target.strip_prefix("agent:") {
                return agents
                    .iter()
                    .any(|a| a.email == email && self.sites.iter().any(|s| may_administer(actor, a, s)));
            }
            let site = target.strip_prefix("site:").or_else(|| target.strip_prefix("canned:")).unwrap_or("");
            let key = site.split('/').next().unwrap_or("");
            self.sites.get(key).is_some_and(|s| is_supervisor(actor, s))
        };
        Ok(self
            .db
            .admin_audit(500)
            .await?
            .into_iter()
            .filter(|r| r.actor_id == actor.id || visible(&r.target))
            .map(|r| AdminChange {
                at: rfc3339(r.at),
                by: email_of(r.actor_id),
                action: r.action,
                target: r.target,
                old: r.old_value,
                new: r.new_value,
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_public_record_never_holds_the_password_hash() {
        let a = AgentRow {
            id: 1,
            email: "ana@t".into(),
            name: "Ana".into(),
            password_hash: "$argon2id$secret".into(),
            tier: "agent".into(),
            departments: vec!["orders".into()],
            presence: "online".into(),
            capacity: 3,
            sites: vec![],
            ticket_mail: false,
            active: true,
        };
        let p = public(&a);
        assert!(!p.contains("argon2") && p.contains("\"tier\":\"agent\""), "{p}");
    }
}
