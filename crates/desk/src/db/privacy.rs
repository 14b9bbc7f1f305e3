//! Data protection (issue 20): which stored rows belong to one customer of a site, what an
//! erasure writes over them, and which rows a site's retention period purges. The rules are
//! here, in Rust, once: a backend only finds candidate rows with plain indexed or substring
//! queries ([`PrivacyStore`]) and applies the [`Erasure`] computed here, so both engines erase
//! and purge exactly the same.

use super::gaps::HandoffGap;
use super::{
    AdminAuditRow, AuditRow, ConversationRow, Database, DbResult, EventRow, MessageRow, OutboxRow, TicketRow,
};
use handoff_protocol::v1::Customer;
use serde_json::Value;
use std::collections::BTreeSet;

/// Who a privacy request is about. A verified user id matches only conversations whose
/// customer the site's server vouched for; a visitor id only unverified ones (anybody can send
/// any id unsigned: the same rule as the console's history); an e-mail the identity's e-mail,
/// a ticket's and a mail's recipient, compared ignoring ASCII case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    UserId(String),
    VisitorId(String),
    Email(String),
}

impl Subject {
    fn email(&self) -> Option<&str> {
        match self {
            Subject::Email(e) => Some(e),
            _ => None,
        }
    }

    fn same_email(&self, stored: &str) -> bool {
        self.email().is_some_and(|e| e.eq_ignore_ascii_case(stored.trim()))
    }

    /// Whether the conversation's stored identity is this subject's.
    pub fn owns(&self, c: &ConversationRow) -> bool {
        let who: Option<Customer> = c.customer_json.as_deref().and_then(|j| serde_json::from_str(j).ok());
        let verified = who.as_ref().is_some_and(|w| w.verified);
        match self {
            Subject::UserId(u) => {
                verified && who.as_ref().and_then(|w| w.user_id.as_deref()) == Some(u.as_str())
            }
            Subject::VisitorId(v) => !verified && c.visitor_id.as_deref() == Some(v.as_str()),
            Subject::Email(_) => {
                who.as_ref().and_then(|w| w.email.as_deref()).is_some_and(|e| self.same_email(e))
            }
        }
    }

    /// Whether a mail was addressed to this subject: the bare address or `Name <address>`.
    fn addressed(&self, rcpt: &str) -> bool {
        let bare = rcpt.rsplit_once('<').map(|(_, a)| a.trim_end_matches('>')).unwrap_or(rcpt);
        self.same_email(bare)
    }
}

/// Candidate queries a backend answers for [`collect`]; each may return more rows than match
/// (never fewer), [`collect`] keeps the subject's.
#[async_trait::async_trait]
pub trait PrivacyStore: Send + Sync {
    /// The site's conversations whose stored identity contains `needle` ignoring ASCII case.
    async fn conversations_mentioning(&self, site_key: &str, needle: &str) -> DbResult<Vec<ConversationRow>>;

    /// The site's tickets left on one of `conversations`, or whose e-mail is `email` ignoring
    /// ASCII case.
    async fn tickets_for_privacy(
        &self,
        site_key: &str,
        conversations: &[String],
        email: Option<&str>,
    ) -> DbResult<Vec<TicketRow>>;

    /// The site's outbox rows of one of `conversations` or `tickets`, or whose recipient
    /// contains `email` ignoring ASCII case.
    async fn mail_for_privacy(
        &self,
        site_key: &str,
        conversations: &[String],
        tickets: &[i64],
        email: Option<&str>,
    ) -> DbResult<Vec<OutboxRow>>;

    /// Applies an erasure in one transaction (all of it or nothing).
    async fn erase(&self, e: &Erasure) -> DbResult<()>;

    /// Deletes what [`Retention`] says has expired, with everything stored under it, in one
    /// transaction.
    async fn purge(&self, r: &Retention) -> DbResult<Purged>;
}

/// Everything stored about one customer of one site.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CustomerRecords {
    pub conversations: Vec<(ConversationRow, Vec<MessageRow>)>,
    pub tickets: Vec<TicketRow>,
    pub mail: Vec<OutboxRow>,
}

impl CustomerRecords {
    pub fn conversation_ids(&self) -> Vec<String> {
        self.conversations.iter().map(|(c, _)| c.id.clone()).collect()
    }

    pub fn message_count(&self) -> u64 {
        self.conversations.iter().map(|(_, m)| m.len() as u64).sum()
    }
}

/// Finds the subject's conversations (with their messages), tickets and mails on the site.
/// A ticket left on one of the subject's conversations is theirs, and so is the conversation a
/// ticket of theirs was left on.
pub async fn collect(db: &dyn Database, site_key: &str, who: &Subject) -> DbResult<CustomerRecords> {
    let candidates = match who {
        Subject::UserId(u) => db.conversations_of_visitor(site_key, u, true, i64::MAX).await?,
        Subject::VisitorId(v) => db.conversations_of_visitor(site_key, v, false, i64::MAX).await?,
        Subject::Email(e) => db.conversations_mentioning(site_key, e).await?,
    };
    let mut convs: Vec<ConversationRow> = candidates.into_iter().filter(|c| who.owns(c)).collect();
    let mut ids: BTreeSet<String> = convs.iter().map(|c| c.id.clone()).collect();
    let listed: Vec<String> = ids.iter().cloned().collect();
    let tickets: Vec<TicketRow> = db
        .tickets_for_privacy(site_key, &listed, who.email())
        .await?
        .into_iter()
        .filter(|t| t.conversation_id.as_ref().is_some_and(|c| ids.contains(c)) || who.same_email(&t.email))
        .collect();
    for t in &tickets {
        let Some(cid) = &t.conversation_id else { continue };
        if ids.contains(cid) {
            continue;
        }
        if let Some(c) = db.conversation(cid).await?.filter(|c| c.site_key == site_key) {
            ids.insert(c.id.clone());
            convs.push(c);
        }
    }
    let listed: Vec<String> = ids.iter().cloned().collect();
    let ticket_ids: Vec<i64> = tickets.iter().map(|t| t.id).collect();
    let mail = db
        .mail_for_privacy(site_key, &listed, &ticket_ids, who.email())
        .await?
        .into_iter()
        .filter(|m| {
            m.conversation_id.as_ref().is_some_and(|c| ids.contains(c))
                || m.ticket_id.is_some_and(|t| ticket_ids.contains(&t))
                || who.addressed(&m.rcpt)
        })
        .collect();
    convs.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
    let mut conversations = Vec::with_capacity(convs.len());
    for c in convs {
        let messages = db.messages(&c.id).await?;
        conversations.push((c, messages));
    }
    Ok(CustomerRecords { conversations, tickets, mail })
}

/// Keys whose string values are what a customer (or an agent to them) wrote or who they are.
const TEXT_KEYS: &[&str] = &[
    "text",
    "author_name",
    "name",
    "email",
    "comment",
    "detail",
    "page_url",
    "user_id",
    "visitor_id",
    "message",
];
/// Keys whose whole value is personal: emptied, keeping its JSON type.
const WHOLE_KEYS: &[&str] = &["transcript", "slots", "attributes", "customer"];

/// A stored JSON document (a handoff, an event's payload) with every personal value blanked,
/// its shape kept so that readers still parse it: texts become `""`, transcripts `[]`, slots
/// and attributes `{}`, an identity `null`. What insights count (reason, department, tier,
/// priority, locale, intents, article, ratings' scores) stays. Not JSON: `None` (drop it).
pub fn redact_json(text: &str) -> Option<String> {
    let mut v: Value = serde_json::from_str(text).ok()?;
    redact(&mut v);
    serde_json::to_string(&v).ok()
}

fn redact(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for (k, item) in map.iter_mut() {
                if WHOLE_KEYS.contains(&k.as_str()) {
                    *item = match item {
                        Value::Array(_) => Value::Array(vec![]),
                        Value::Object(_) => Value::Object(Default::default()),
                        _ => Value::Null,
                    };
                } else if TEXT_KEYS.contains(&k.as_str()) && item.is_string() {
                    *item = Value::String(String::new());
                } else {
                    redact(item);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact),
        _ => {}
    }
}

/// One conversation as an erasure leaves it: identity, page, rating comment gone, the handoff
/// redacted (and its content-gap row with it); status, department, tier, priority, rating,
/// times and message rows (with empty texts) stay for the insights.
#[derive(Debug, Clone, PartialEq)]
pub struct ErasedConversation {
    pub id: String,
    pub handoff_json: Option<String>,
    /// The content-gap row of the redacted handoff (`None`: no row).
    pub gap: Option<HandoffGap>,
}

/// What an agent's note in an audit reason becomes.
pub const ERASED_NOTE: &str = "note_erased";

/// Audit reasons the desk itself writes for the kinds whose reason may otherwise be an agent's
/// note (`escalation`, `transfer`, `hand_back`), besides the bot's handoff reasons.
const MACHINE_REASONS: &[&str] = &["manual", "sla_first_response", "sla_resolution", "customer_cancelled"];

/// Whether an audit row's reason is an agent's free-text note (it may name the customer).
pub fn is_agent_note(a: &AuditRow) -> bool {
    ["escalation", "transfer", "hand_back"].contains(&a.kind.as_str())
        && !MACHINE_REASONS.contains(&a.reason.as_str())
        && handoff_protocol::HandoffReason::parse(&a.reason).is_none()
        && a.reason != ERASED_NOTE
}

/// What [`PrivacyStore::erase`] writes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Erasure {
    pub conversations: Vec<ErasedConversation>,
    /// `(conversation, seq, redacted payload)` for every stored customer event.
    pub events: Vec<(String, i64, String)>,
    /// `(conversation, kind, reason)` of audit rows whose reason is an agent's note: the reason
    /// becomes [`ERASED_NOTE`] (the row, and what insights count of it, stays).
    pub notes: Vec<(String, String, String)>,
    /// Tickets whose name, e-mail, message, transcript and answer become empty.
    pub tickets: Vec<i64>,
    /// Outbox rows whose recipient, subject and bodies become empty; a pending one fails (it
    /// would go to an address that is no longer known).
    pub mail: Vec<i64>,
    /// The audit lines: that an erasure happened, by whom and when, never what.
    pub audit: Vec<AuditRow>,
    /// The same for the managers' administrative audit (site and counts, never who).
    pub admin: Option<AdminAuditRow>,
}

/// A conversation's stored events and audit trail, read for its erasure.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Trail {
    pub conversation_id: String,
    pub events: Vec<EventRow>,
    pub audit: Vec<AuditRow>,
}

/// Computes the erasure of `records` (with each conversation's [`Trail`]), adding `audit`.
pub fn erasure(records: &CustomerRecords, trails: &[Trail], audit: Vec<AuditRow>) -> Erasure {
    let conversations = records
        .conversations
        .iter()
        .map(|(c, _)| {
            let handoff_json = c.handoff_json.as_deref().and_then(redact_json);
            let gap = handoff_json.as_deref().and_then(HandoffGap::of);
            ErasedConversation { id: c.id.clone(), handoff_json, gap }
        })
        .collect();
    let events = trails
        .iter()
        .flat_map(|t| {
            t.events.iter().map(move |e| {
                (t.conversation_id.clone(), e.seq, redact_json(&e.payload).unwrap_or_else(|| "{}".into()))
            })
        })
        .collect();
    let mut notes: Vec<(String, String, String)> = trails
        .iter()
        .flat_map(|t| t.audit.iter().filter(|a| is_agent_note(a)))
        .map(|a| (a.conversation_id.clone(), a.kind.clone(), a.reason.clone()))
        .collect();
    notes.sort();
    notes.dedup();
    Erasure {
        conversations,
        events,
        notes,
        tickets: records.tickets.iter().map(|t| t.id).collect(),
        mail: records.mail.iter().map(|m| m.id).collect(),
        audit,
        admin: None,
    }
}

/// A site's retention: everything closed whose last change is older than `before` (ms) goes.
/// Closed means a conversation `resolved`, `offline` or left with the bot (`bot`: nobody
/// touched it for the whole period), none of whose tickets waits for an answer or was answered
/// since `before`; and a ticket answered before `before`, with its conversation or without one.
/// Queued and assigned conversations and unanswered tickets stay, however old. Both engines
/// run this rule as the same statements (`sqlite/privacy.rs`, `postgres/privacy.rs`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Retention {
    pub site_key: String,
    pub before: i64,
}

/// How much a purge deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Purged {
    pub conversations: u64,
    pub tickets: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_blanks_what_people_wrote_and_keeps_what_insights_count() {
        let h = r#"{"reason":"explicit","detail":"asked","department":"orders","tier":"agent","priority":"high",
            "locale":"en","transcript":[{"role":"customer","text":"I am Ana"}],"intents":[{"intent":"x","confidence":0.5,"turn":0}],
            "slots":{"order":"1"},"article":"a1","page_url":"http://x/?mail=ana"}"#;
        let v: Value = serde_json::from_str(&redact_json(h).expect("json")).expect("parse");
        assert_eq!(v["reason"], "explicit");
        assert_eq!(v["priority"], "high");
        assert_eq!(v["article"], "a1");
        assert_eq!(v["intents"][0]["intent"], "x");
        assert_eq!(v["transcript"], serde_json::json!([]));
        assert_eq!(v["slots"], serde_json::json!({}));
        assert_eq!((v["detail"].as_str(), v["page_url"].as_str()), (Some(""), Some("")));
        let e = r#"{"type":"message","message":{"id":1,"author":"customer","text":"hi, I'm Ana","author_name":"Ana"}}"#;
        let v: Value = serde_json::from_str(&redact_json(e).expect("json")).expect("parse");
        assert_eq!((v["message"]["text"].as_str(), v["message"]["id"].as_i64()), (Some(""), Some(1)));
        assert_eq!(redact_json("not json"), None);
    }

    #[test]
    fn subjects_match_only_identities_proven_the_same_way() {
        let conv = |visitor: &str, customer: Option<&str>| ConversationRow {
            visitor_id: Some(visitor.into()),
            customer_json: customer.map(String::from),
            ..ConversationRow::new_with_bot("c".into(), "s".into(), "en".into(), "t".into(), 0)
        };
        let verified = conv("u-1", Some(r#"{"user_id":"u-1","email":"Ana@Example.com","verified":true}"#));
        let unsigned = conv("u-1", Some(r#"{"user_id":"u-1","verified":false}"#));
        assert!(Subject::UserId("u-1".into()).owns(&verified));
        assert!(!Subject::UserId("u-1".into()).owns(&unsigned));
        assert!(Subject::VisitorId("u-1".into()).owns(&unsigned));
        assert!(!Subject::VisitorId("u-1".into()).owns(&verified));
        assert!(Subject::Email("ana@example.COM".into()).owns(&verified));
        assert!(!Subject::Email("na@example.com".into()).owns(&verified));
        assert!(Subject::Email("ana@example.com".into()).addressed("Ana <ana@example.com>"));
        assert!(!Subject::Email("ana@example.com".into()).addressed("xana@example.com"));
    }
}
