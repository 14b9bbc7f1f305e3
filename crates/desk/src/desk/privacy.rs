//! Data protection per site (issue 20): a manager (or a supervisor, within their departments)
//! exports or erases everything stored about one customer, and each site's retention period
//! purges what is closed and old. Which rows are the customer's and what an erasure writes are
//! the storage's shared rules (`db/privacy.rs`); here are who may ask and the answers.

use super::supervisor::{is_manager, is_supervisor};
use super::{rfc3339, wire_message, Desk};
use crate::db::privacy::{self, CustomerRecords, Purged, Retention, Subject};
use crate::db::{AdminAuditRow, AgentRow, AuditRow};
use crate::desk::error::{DeskError, DeskResult};
use crate::sites::LoadedSite;
use handoff_protocol::privacy::{
    CustomerExport, ErasureReport, ExportedConversation, ExportedMail, ExportedTicket, PrivacyRequest,
};
use std::sync::atomic::Ordering;

/// How often an instance looks for expired rows: retention is counted in days, so a purge a
/// few minutes late changes nothing, and every look is a query per site.
const RETENTION_EVERY_MS: i64 = 10 * 60 * 1000;

/// The audit kind of an erasure (its reason says only that a customer was erased).
pub const ERASURE_KIND: &str = handoff_protocol::kinds::AuditKind::Erasure.as_str();

/// The one selector of the request, trimmed: exactly one must be given.
fn subject(req: &PrivacyRequest) -> DeskResult<Subject> {
    let given = |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(String::from);
    let mut found: Vec<Subject> = [
        given(&req.user_id).map(Subject::UserId),
        given(&req.visitor_id).map(Subject::VisitorId),
        given(&req.email).map(Subject::Email),
    ]
    .into_iter()
    .flatten()
    .collect();
    match (found.pop(), found.is_empty()) {
        (Some(s), true) => Ok(s),
        (None, _) => Err(DeskError::invalid(
            "missing_selector",
            "name the customer by one of user_id, visitor_id or email",
        )),
        (Some(_), false) => Err(DeskError::invalid(
            "ambiguous_selector",
            "name the customer by only one of user_id, visitor_id or email",
        )),
    }
}

fn export(site: &LoadedSite, records: CustomerRecords, now: i64) -> CustomerExport {
    let conversations = records
        .conversations
        .into_iter()
        .map(|(c, messages)| ExportedConversation {
            conversation_id: c.id,
            status: c.status,
            locale: c.locale,
            page_url: c.page_url,
            visitor_id: c.visitor_id,
            customer: c.customer_json.as_deref().and_then(|j| serde_json::from_str(j).ok()),
            department: c.department,
            rating: c.rating,
            rating_comment: c.rating_comment,
            handoff: c.handoff_json.as_deref().and_then(|j| serde_json::from_str(j).ok()),
            messages: messages.iter().map(wire_message).collect(),
            created_at: rfc3339(c.created_at),
            updated_at: rfc3339(c.updated_at),
        })
        .collect();
    let tickets = records
        .tickets
        .into_iter()
        .map(|t| ExportedTicket {
            id: t.id,
            conversation_id: t.conversation_id,
            name: t.name,
            email: t.email,
            message: t.message,
            transcript: serde_json::from_str(&t.transcript_json).unwrap_or_default(),
            answer: t.answer,
            answered_at: t.answered_at.map(rfc3339),
            created_at: rfc3339(t.created_at),
        })
        .collect();
    let mail = records
        .mail
        .into_iter()
        .map(|m| ExportedMail {
            id: m.id,
            kind: m.kind,
            rcpt: m.rcpt,
            subject: m.subject,
            text_body: m.text_body,
            status: m.status,
            created_at: rfc3339(m.created_at),
            sent_at: m.sent_at.map(rfc3339),
        })
        .collect();
    CustomerExport { site_key: site.key.clone(), exported_at: rfc3339(now), conversations, tickets, mail }
}

impl Desk {
    /// The site and subject of a privacy request, if the agent may make it: a supervisor or
    /// manager of the site (the site must exist: 422, like the insights).
    fn privacy_scope(&self, agent: &AgentRow, req: &PrivacyRequest) -> DeskResult<(&LoadedSite, Subject)> {
        let site = self.sites.get(&req.site_key).ok_or_else(|| {
            DeskError::invalid("unknown_site", format!("no site with key {:?}", req.site_key))
        })?;
        if !is_supervisor(agent, site) {
            return Err(DeskError::refused("not_supervisor", "only supervisors and managers can do this"));
        }
        Ok((site, subject(req)?))
    }

    /// A manager may act for any customer of the site; a supervisor only for one whose
    /// conversations are all in the supervisor's departments (or in none yet).
    fn check_departments(&self, agent: &AgentRow, site: &LoadedSite, r: &CustomerRecords) -> DeskResult<()> {
        if is_manager(agent, site) {
            return Ok(());
        }
        let outside = r
            .conversations
            .iter()
            .any(|(c, _)| c.department.as_ref().is_some_and(|d| !agent.departments.contains(d)));
        if outside {
            return Err(DeskError::refused(
                "outside_departments",
                "this customer has conversations outside your departments; ask a manager",
            ));
        }
        Ok(())
    }

    /// Everything stored about one customer of a site.
    pub async fn export_customer(
        &self,
        agent: &AgentRow,
        req: &PrivacyRequest,
    ) -> DeskResult<CustomerExport> {
        let (site, who) = self.privacy_scope(agent, req)?;
        let records = privacy::collect(&*self.db, &site.key, &who).await?;
        self.check_departments(agent, site, &records)?;
        Ok(export(site, records, self.now_ms()))
    }

    /// Erases one customer of a site: their texts and personal fields go, the rows and the
    /// figures insights count stay, and audit lines record who erased when on which site.
    /// Asking again finds nothing more to erase (idempotent) and records the request again.
    pub async fn erase_customer(&self, agent: &AgentRow, req: &PrivacyRequest) -> DeskResult<ErasureReport> {
        let (site, who) = self.privacy_scope(agent, req)?;
        // The desk lock: no change to any conversation (in any instance) runs meanwhile, so none
        // writes back a text read before the erasure.
        let _w = self.write().await?;
        let records = privacy::collect(&*self.db, &site.key, &who).await?;
        self.check_departments(agent, site, &records)?;
        let mut trails = Vec::with_capacity(records.conversations.len());
        for (c, _) in &records.conversations {
            trails.push(privacy::Trail {
                conversation_id: c.id.clone(),
                events: self.db.events_after(&c.id, 0, i64::MAX).await?,
                audit: self.db.audit(&c.id).await?,
            });
        }
        let now = self.now_ms();
        let line = |conversation_id: String| AuditRow {
            conversation_id,
            site_key: site.key.clone(),
            kind: ERASURE_KIND.into(),
            reason: "customer_erased".into(),
            from_department: None,
            to_department: None,
            from_tier: None,
            to_tier: None,
            agent_id: Some(agent.id),
            at: now,
        };
        // One line per conversation (its trail shows it was erased) and one for the site, so
        // that a request that found nothing is on record too.
        let mut audit: Vec<AuditRow> =
            records.conversations.iter().map(|(c, _)| line(c.id.clone())).collect();
        audit.push(line(String::new()));
        let mut erasure = privacy::erasure(&records, &trails, audit);
        // The managers' audit lists it with the other administrative changes: the site and how
        // much was erased, never whom or what.
        let counts = serde_json::json!({
            "conversations": records.conversations.len(),
            "messages": records.message_count(),
            "tickets": records.tickets.len(),
            "mail": records.mail.len(),
        });
        erasure.admin = Some(AdminAuditRow {
            id: 0,
            at: now,
            actor_id: agent.id,
            action: "customer_erased".into(),
            target: format!("site:{}", site.key),
            old_value: None,
            new_value: Some(counts.to_string()),
        });
        self.db.erase(&erasure).await?;
        tracing::info!(site = %site.key, agent = agent.id, conversations = records.conversations.len(), "customer erased");
        Ok(ErasureReport {
            site_key: site.key.clone(),
            conversations: records.conversations.len() as u64,
            messages: records.message_count(),
            tickets: records.tickets.len() as u64,
            mail: records.mail.len() as u64,
            erased_by: agent.id,
            erased_at: rfc3339(now),
        })
    }

    /// Purges, on every site with a retention period, what was closed before `now` minus that
    /// period. Once per deadline across instances: it runs under the scheduled-job lock (an
    /// instance that finds another purging skips), and a second purge finds nothing left.
    pub async fn purge_expired(&self, now: i64) -> DeskResult<Purged> {
        let Some(_w) = self.write_scheduled("retention").await? else { return Ok(Purged::default()) };
        let mut total = Purged::default();
        for site in self.sites.iter() {
            let Some(keep) = site.settings().retention else { continue };
            let before = now.saturating_sub(i64::try_from(keep.as_millis()).unwrap_or(i64::MAX));
            let p = self.db.purge(&Retention { site_key: site.key.clone(), before }).await?;
            if p != Purged::default() {
                tracing::info!(site = %site.key, conversations = p.conversations, tickets = p.tickets, "retention purge");
            }
            total.conversations += p.conversations;
            total.tickets += p.tickets;
        }
        Ok(total)
    }

    /// [`Desk::purge_expired`] at most every [`RETENTION_EVERY_MS`] (the sweeper calls it).
    pub async fn retention_tick(&self) -> DeskResult<()> {
        // Most desks keep everything: then there is no lock to take and nothing to look for.
        if self.sites.iter().all(|s| s.settings().retention.is_none()) {
            return Ok(());
        }
        let now = self.now_ms();
        if now - self.retention_checked_at.load(Ordering::Relaxed) < RETENTION_EVERY_MS {
            return Ok(());
        }
        self.retention_checked_at.store(now, Ordering::Relaxed);
        self.purge_expired(now).await?;
        self.retention_done_at.store(now, Ordering::Relaxed);
        Ok(())
    }

    /// The desk time of the last look for expired rows that finished (0: none yet).
    pub fn retention_done_at(&self) -> i64 {
        self.retention_done_at.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(user: Option<&str>, visitor: Option<&str>, email: Option<&str>) -> PrivacyRequest {
        PrivacyRequest {
            site_key: "demo".into(),
            user_id: user.map(String::from),
            visitor_id: visitor.map(String::from),
            email: email.map(String::from),
        }
    }

    #[test]
    fn exactly_one_selector() {
        assert_eq!(subject(&req(Some(" u-1 "), None, None)).ok(), Some(Subject::UserId("u-1".into())));
        assert_eq!(subject(&req(None, Some("  "), Some("a@b.c"))).ok(), Some(Subject::Email("a@b.c".into())));
        assert_eq!(subject(&req(None, None, None)).err().map(|e| e.code()), Some("missing_selector"));
        assert_eq!(
            subject(&req(Some("u"), Some("v"), None)).err().map(|e| e.code()),
            Some("ambiguous_selector")
        );
    }
}
