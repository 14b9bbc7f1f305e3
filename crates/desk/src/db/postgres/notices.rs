//! The agent notice log on PostgreSQL: what the agent stream resumes from
//! (`AgentStore::notices_after`), and presence that follows the sessions.
//!
//! A stream that has read notice id N asks for its agent's ids above N next, so a notice must
//! never become visible with an id below one of the same agent's already visible. SQLite gets
//! that for free (one writer at a time). PostgreSQL does not: an identity column hands out ids
//! when rows are inserted, not when transactions commit, so with concurrent commits (several
//! instances, or one instance's pool) id 11 can commit before id 10 and a reader that saw 11
//! would skip 10 for good. So a commit that carries notices takes, as its last statements (in
//! `handoff_commit`, migration 0004), a transaction-scoped advisory lock per agent it notifies
//! (in ascending agent order, so two commits never wait for each other crosswise), then
//! inserts: one agent's notices take their ids and commit one after another, and the lock is
//! released only after the commit is visible, so the next holder's ids are higher than every visible one of that agent.
//!
//! One lock for the whole log was the first version: it made every message commit on every
//! instance wait for the previous one's WAL flush (about 330 commits per second in all on the
//! bench machine, docs/benchmarks.md). Streams read one agent's notices, so one agent's order
//! is all that is needed; [`bounds`] gives a new stream its agent's newest id to start from.

use super::super::{DbResult, NoticeRow};
use super::error::Pg;
use sqlx::{PgPool, Row};

/// First half of an agent's notice lock key (two int4 keys: a key space apart from the
/// single-bigint keys of coordination's locks); the second half is the agent id.
pub(super) const NOTICE_LOCK_CLASS: i32 = 0x484E_444E; // "HNDN"

pub(super) async fn after(pool: &PgPool, agent_id: i64, after: i64, limit: i64) -> DbResult<Vec<NoticeRow>> {
    let rows = sqlx::query(
        "SELECT id, agent_id, kind, payload, created_at FROM agent_notices \
         WHERE agent_id = $1 AND id > $2 ORDER BY id LIMIT $3",
    )
    .bind(agent_id)
    .bind(after)
    .bind(super::limit(limit))
    .fetch_all(pool)
    .await
    .pg()?;
    rows.iter()
        .map(|r| {
            Ok(NoticeRow {
                id: r.try_get("id")?,
                agent_id: r.try_get("agent_id")?,
                kind: r.try_get("kind")?,
                payload: r.try_get("payload")?,
                created_at: r.try_get("created_at")?,
            })
        })
        .collect()
}

/// The oldest kept notice id over all agents and this agent's newest: a notice of this agent
/// still in flight gets a higher id than that one (module doc), which a higher id of another
/// agent does not promise.
pub(super) async fn bounds(pool: &PgPool, agent_id: i64) -> DbResult<(i64, i64)> {
    let r = sqlx::query(
        "SELECT COALESCE((SELECT MIN(id) FROM agent_notices), 0) AS lo, \
         COALESCE((SELECT MAX(id) FROM agent_notices WHERE agent_id = $1), 0) AS hi",
    )
    .bind(agent_id)
    .fetch_one(pool)
    .await
    .pg()?;
    Ok((r.try_get("lo")?, r.try_get("hi")?))
}

pub(super) async fn prune(pool: &PgPool, before: i64, keep: i64) -> DbResult<u64> {
    let done = sqlx::query(
        "DELETE FROM agent_notices WHERE id < (SELECT MAX(id) FROM agent_notices) \
         AND (created_at < $1 OR id <= (SELECT MAX(id) FROM agent_notices) - $2)",
    )
    .bind(before)
    .bind(keep)
    .execute(pool)
    .await
    .pg()?;
    Ok(done.rows_affected())
}

pub(super) async fn offline_without_session(pool: &PgPool, now: i64) -> DbResult<u64> {
    let done = sqlx::query(
        "UPDATE agents SET presence = 'offline' WHERE presence <> 'offline' \
         AND id NOT IN (SELECT agent_id FROM sessions WHERE expires_at > $1)",
    )
    .bind(now)
    .execute(pool)
    .await
    .pg()?;
    Ok(done.rows_affected())
}
