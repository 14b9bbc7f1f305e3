//! The stored state behind "exactly once" (issue 14): the agent notice log that the agent stream
//! resumes from, conversation start keys, and presence that follows the sessions.

use super::super::{ConversationRow, DbError, DbResult, NoticeRow};
use sqlx::{Row, SqliteConnection, SqlitePool};

/// Inside the commit's transaction: the notice ids follow the commit order (SQLite has one
/// writer at a time), so a stream that has read id N has seen every notice before it.
pub(super) async fn insert_notices(conn: &mut SqliteConnection, notices: &[NoticeRow]) -> DbResult<()> {
    for n in notices {
        sqlx::query("INSERT INTO agent_notices (agent_id, kind, payload, created_at) VALUES (?, ?, ?, ?)")
            .bind(n.agent_id)
            .bind(&n.kind)
            .bind(&n.payload)
            .bind(n.created_at)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

pub(super) async fn insert_conversation_keyed(
    pool: &SqlitePool,
    c: &ConversationRow,
    key_hash: &str,
) -> DbResult<()> {
    let mut tx = pool.begin_with(super::BEGIN_WRITE).await?;
    super::insert_conversation_row(&mut tx, c).await?;
    let done = sqlx::query(
        "INSERT INTO conversation_keys (key_hash, conversation_id, created_at) VALUES (?, ?, ?) \
         ON CONFLICT (key_hash) DO NOTHING",
    )
    .bind(key_hash)
    .bind(&c.id)
    .bind(c.created_at)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        // Rolled back on drop: no orphan conversation.
        return Err(DbError::Duplicate("conversation key".into()));
    }
    tx.commit().await?;
    Ok(())
}

pub(super) async fn notices_after(
    pool: &SqlitePool,
    agent_id: i64,
    after: i64,
    limit: i64,
) -> DbResult<Vec<NoticeRow>> {
    let rows = sqlx::query(
        "SELECT id, agent_id, kind, payload, created_at FROM agent_notices \
         WHERE agent_id = ? AND id > ? ORDER BY id LIMIT ?",
    )
    .bind(agent_id)
    .bind(after)
    .bind(limit)
    .fetch_all(pool)
    .await?;
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

pub(super) async fn notice_bounds(pool: &SqlitePool) -> DbResult<(i64, i64)> {
    let r = sqlx::query("SELECT ifnull(MIN(id), 0) AS lo, ifnull(MAX(id), 0) AS hi FROM agent_notices")
        .fetch_one(pool)
        .await?;
    Ok((r.try_get("lo")?, r.try_get("hi")?))
}

pub(super) async fn prune_notices(pool: &SqlitePool, before: i64, keep: i64) -> DbResult<u64> {
    let done = sqlx::query(
        "DELETE FROM agent_notices WHERE id < (SELECT MAX(id) FROM agent_notices) \
         AND (created_at < ? OR id <= (SELECT MAX(id) FROM agent_notices) - ?)",
    )
    .bind(before)
    .bind(keep)
    .execute(pool)
    .await?;
    Ok(done.rows_affected())
}

pub(super) async fn offline_without_session(pool: &SqlitePool, now: i64) -> DbResult<u64> {
    let done = sqlx::query(
        "UPDATE agents SET presence = 'offline' WHERE presence <> 'offline' \
         AND id NOT IN (SELECT agent_id FROM sessions WHERE expires_at > ?)",
    )
    .bind(now)
    .execute(pool)
    .await?;
    Ok(done.rows_affected())
}
