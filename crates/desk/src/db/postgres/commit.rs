//! A [`Commit`] on PostgreSQL: one call of `handoff_commit(jsonb)` (migration 0004), which
//! locks the conversation row, checks `last_seq`, updates the row, rewrites its gap row when the
//! handoff or locale changed, inserts the messages, events, audit rows and agent notices and
//! sends the wake-ups, all in the statement's own transaction. One round trip instead of one per
//! statement (docs/benchmarks.md has what that saved).
//!
//! The JSON is built here from the commit's rows; the function reads each field by the name of
//! its column. `null` stands for SQL NULL.

use super::super::gaps::HandoffGap;
use super::super::{AuditRow, Commit, DbResult, EventRow, MessageRow, NoticeRow};
use super::error::Pg;
use super::{notices, wake};
use serde::Serialize;
use sqlx::PgPool;

#[derive(Serialize)]
struct Payload<'a> {
    conversation: Conversation<'a>,
    expected_last_seq: i64,
    /// Whether `gap` was computed: it costs a parse of the stored handoff (its whole bot
    /// transcript), which only the rare commit that changes the handoff or locale needs.
    gap_known: bool,
    gap: Option<Gap>,
    messages: Vec<Message<'a>>,
    events: Vec<Event<'a>>,
    audit: Vec<Audit<'a>>,
    notices: Vec<Notice<'a>>,
    channel: &'static str,
    wakes: Vec<String>,
    notice_lock_class: i32,
}

/// The columns a commit may change (not id's neighbours that never change: site, token,
/// visitor, customer, created_at).
#[derive(Serialize)]
struct Conversation<'a> {
    id: &'a str,
    locale: &'a str,
    page_url: Option<&'a str>,
    status: &'static str,
    department: Option<&'a str>,
    tier: Option<&'a str>,
    priority: Option<&'a str>,
    reason: Option<&'a str>,
    handoff_json: Option<&'a str>,
    agent_id: Option<i64>,
    queued_at: Option<i64>,
    queue_position: Option<i64>,
    first_response_due: Option<i64>,
    resolution_due: Option<i64>,
    first_reply_at: Option<i64>,
    offline_reason: Option<&'a str>,
    rating: Option<i64>,
    rating_comment: Option<&'a str>,
    last_seq: i64,
    last_message_id: i64,
    updated_at: i64,
}

#[derive(Serialize)]
struct Gap {
    article: Option<String>,
    unmatched_json: String,
}

#[derive(Serialize)]
struct Message<'a> {
    conversation_id: &'a str,
    id: i64,
    client_id: Option<&'a str>,
    author: &'a str,
    agent_id: Option<i64>,
    author_name: Option<&'a str>,
    text: &'a str,
    internal: bool,
    created_at: i64,
}

#[derive(Serialize)]
struct Event<'a> {
    seq: i64,
    kind: &'a str,
    payload: &'a str,
    created_at: i64,
}

#[derive(Serialize)]
struct Audit<'a> {
    conversation_id: &'a str,
    site_key: &'a str,
    kind: &'a str,
    reason: &'a str,
    from_department: Option<&'a str>,
    to_department: Option<&'a str>,
    from_tier: Option<&'a str>,
    to_tier: Option<&'a str>,
    agent_id: Option<i64>,
    at: i64,
}

#[derive(Serialize)]
struct Notice<'a> {
    agent_id: i64,
    kind: &'a str,
    payload: &'a str,
    created_at: i64,
}

/// The function's argument for `c`, sent by `instance` (the wake-ups' sender), with the gap
/// row when `with_gap`.
fn payload(c: &Commit, instance: &str, with_gap: bool) -> DbResult<String> {
    let v = &c.conversation;
    let gap = match v.handoff_json.as_deref().filter(|_| with_gap).and_then(HandoffGap::of) {
        Some(g) => Some(Gap { unmatched_json: g.unmatched_json()?, article: g.article }),
        None => None,
    };
    let p = Payload {
        conversation: Conversation {
            id: &v.id,
            locale: &v.locale,
            page_url: v.page_url.as_deref(),
            status: v.status.as_str(),
            department: v.department.as_deref(),
            tier: v.tier.as_deref(),
            priority: v.priority.as_deref(),
            reason: v.reason.as_deref(),
            handoff_json: v.handoff_json.as_deref(),
            agent_id: v.agent_id,
            queued_at: v.queued_at,
            queue_position: v.queue_position,
            first_response_due: v.first_response_due,
            resolution_due: v.resolution_due,
            first_reply_at: v.first_reply_at,
            offline_reason: v.offline_reason.as_deref(),
            rating: v.rating,
            rating_comment: v.rating_comment.as_deref(),
            last_seq: v.last_seq,
            last_message_id: v.last_message_id,
            updated_at: v.updated_at,
        },
        expected_last_seq: c.expected_last_seq,
        gap_known: with_gap,
        gap,
        messages: c.messages.iter().map(message).collect(),
        events: c.events.iter().map(event).collect(),
        audit: c.audit.iter().map(audit).collect(),
        notices: c.notices.iter().map(notice).collect(),
        channel: wake::CHANNEL,
        wakes: wake::of_commit(c).iter().flat_map(|w| wake::encode(instance, w)).collect(),
        notice_lock_class: notices::NOTICE_LOCK_CLASS,
    };
    serde_json::to_string(&p).map_err(|e| super::super::DbError::Internal(format!("commit as JSON: {e}")))
}

fn message(m: &MessageRow) -> Message<'_> {
    Message {
        conversation_id: &m.conversation_id,
        id: m.id,
        client_id: m.client_id.as_deref(),
        author: &m.author,
        agent_id: m.agent_id,
        author_name: m.author_name.as_deref(),
        text: &m.text,
        internal: m.internal,
        created_at: m.created_at,
    }
}

fn event(e: &EventRow) -> Event<'_> {
    Event { seq: e.seq, kind: &e.kind, payload: &e.payload, created_at: e.created_at }
}

fn audit(a: &AuditRow) -> Audit<'_> {
    Audit {
        conversation_id: &a.conversation_id,
        site_key: &a.site_key,
        kind: &a.kind,
        reason: &a.reason,
        from_department: a.from_department.as_deref(),
        to_department: a.to_department.as_deref(),
        from_tier: a.from_tier.as_deref(),
        to_tier: a.to_tier.as_deref(),
        agent_id: a.agent_id,
        at: a.at,
    }
}

fn notice(n: &NoticeRow) -> Notice<'_> {
    Notice { agent_id: n.agent_id, kind: &n.kind, payload: &n.payload, created_at: n.created_at }
}

/// Writes `c` in one statement (its own transaction); [`super::super::DbError::Conflict`] when
/// the conversation is gone or changed since the change was read.
pub(super) async fn write(pool: &PgPool, c: &Commit, instance: &str) -> DbResult<()> {
    if !c.mail.is_empty() {
        return write_with_mail(pool, c, instance).await;
    }
    match call(pool, payload(c, instance, false)?).await {
        // The handoff or locale changed: again, with the gap row (nothing of the first call
        // was kept: the error rolled it back).
        Err(e) if is_gap_needed(&e) => call(pool, payload(c, instance, true)?).await.pg(),
        other => other.pg(),
    }
}

/// A commit that queues mail: the function and the outbox rows in one transaction (two round
/// trips; the commits without mail, nearly all, keep their single statement).
async fn write_with_mail(pool: &PgPool, c: &Commit, instance: &str) -> DbResult<()> {
    for gap in [false, true] {
        let mut tx = pool.begin().await.pg()?;
        let called = sqlx::query("SELECT handoff_commit($1::jsonb)")
            .bind(payload(c, instance, gap)?)
            .execute(&mut *tx)
            .await;
        match called {
            // Again with the gap row; the failed transaction is rolled back when dropped.
            Err(e) if !gap && is_gap_needed(&e) => continue,
            other => {
                other.pg()?;
            }
        }
        super::mail::insert_mail(&mut tx, &c.mail, None).await?;
        return tx.commit().await.pg();
    }
    Err(super::super::DbError::Internal("a commit with mail needed its gap twice".into()))
}

async fn call(pool: &PgPool, json: String) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT handoff_commit($1::jsonb)").bind(json).execute(pool).await.map(|_| ())
}

/// The function's `HD410`: this commit changes the handoff or locale and came without its gap.
fn is_gap_needed(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.code().as_deref() == Some(GAP_NEEDED))
}

const GAP_NEEDED: &str = "HD410";
