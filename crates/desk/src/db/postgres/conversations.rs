//! On PostgreSQL: conversations, messages, events and the audit trail; commits (see
//! commit.rs).

use super::*;

#[async_trait]
impl ConversationStore for Postgres {
    async fn insert_conversation(&self, c: &ConversationRow) -> DbResult<()> {
        let mut tx = self.pool.begin().await.pg()?;
        insert_conversation_row(&mut tx, c).await?;
        tx.commit().await.pg()?;
        Ok(())
    }

    async fn insert_conversation_keyed(&self, c: &ConversationRow, key_hash: &str) -> DbResult<()> {
        let mut tx = self.pool.begin().await.pg()?;
        insert_conversation_row(&mut tx, c).await?;
        // A concurrent start with the same key (another instance) waits on the key's index
        // entry until the first commits, then inserts nothing.
        let done = sqlx::query(
            "INSERT INTO conversation_keys (key_hash, conversation_id, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (key_hash) DO NOTHING",
        )
        .bind(key_hash)
        .bind(&c.id)
        .bind(c.created_at)
        .execute(&mut *tx)
        .await
        .pg()?;
        if done.rows_affected() != 1 {
            // Rolled back on drop: no orphan conversation.
            return Err(DbError::Duplicate("conversation key".into()));
        }
        tx.commit().await.pg()?;
        Ok(())
    }

    async fn conversation(&self, id: &str) -> DbResult<Option<ConversationRow>> {
        let row = sqlx::query(&format!("SELECT {CONVERSATION_COLUMNS} FROM conversations WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .pg()?;
        row.as_ref().map(conversation).transpose()
    }

    async fn conversation_by_key(&self, key_hash: &str) -> DbResult<Option<ConversationRow>> {
        let row = sqlx::query(&format!(
            "SELECT {CONVERSATION_COLUMNS} FROM conversations \
             WHERE id = (SELECT conversation_id FROM conversation_keys WHERE key_hash = $1)"
        ))
        .bind(key_hash)
        .fetch_optional(&self.pool)
        .await
        .pg()?;
        row.as_ref().map(conversation).transpose()
    }

    async fn commit(&self, c: &Commit) -> DbResult<()> {
        super::commit::write(&self.pool, c, &self.instance_id).await
    }

    // commit_unsynced and sync: the defaults. A PostgreSQL commit returns once it is durable.

    async fn conversations_with_status(&self, status: ConversationStatus) -> DbResult<Vec<ConversationRow>> {
        // NULLS FIRST: SQLite's order (PostgreSQL sorts NULL last by default).
        let rows = sqlx::query(&format!(
            "SELECT {CONVERSATION_COLUMNS} FROM conversations WHERE status = $1 ORDER BY queued_at NULLS FIRST, id"
        ))
        .bind(status.as_str())
        .fetch_all(&self.pool)
        .await
        .pg()?;
        rows.iter().map(conversation).collect()
    }

    async fn conversations_of_agent(&self, agent_id: i64) -> DbResult<Vec<ConversationRow>> {
        let rows = sqlx::query(&format!(
            "SELECT {CONVERSATION_COLUMNS} FROM conversations WHERE agent_id = $1 AND status = 'assigned' ORDER BY id"
        ))
        .bind(agent_id)
        .fetch_all(&self.pool)
        .await
        .pg()?;
        rows.iter().map(conversation).collect()
    }

    async fn due_conversations(&self, now: i64) -> DbResult<Vec<ConversationRow>> {
        let rows = sqlx::query(&format!(
            "SELECT {CONVERSATION_COLUMNS} FROM conversations WHERE status IN ('queued', 'assigned') \
             AND (first_response_due <= $1 OR resolution_due <= $1) ORDER BY id"
        ))
        .bind(now)
        .fetch_all(&self.pool)
        .await
        .pg()?;
        rows.iter().map(conversation).collect()
    }

    async fn conversations_of_visitor(
        &self,
        site_key: &str,
        visitor_id: &str,
        verified: bool,
        limit: i64,
    ) -> DbResult<Vec<ConversationRow>> {
        // `verified` lives in the customer JSON the conversation started with; missing counts as
        // unverified, as in SQLite.
        let rows = sqlx::query(&format!(
            "SELECT {CONVERSATION_COLUMNS} FROM conversations WHERE site_key = $1 AND visitor_id = $2 \
             AND COALESCE((customer_json::jsonb -> 'verified') = 'true'::jsonb, FALSE) = $3 \
             ORDER BY created_at DESC, id LIMIT $4"
        ))
        .bind(site_key)
        .bind(visitor_id)
        .bind(verified)
        .bind(super::limit(limit))
        .fetch_all(&self.pool)
        .await
        .pg()?;
        rows.iter().map(conversation).collect()
    }

    async fn message_by_client_id(
        &self,
        conversation: &str,
        client_id: &str,
    ) -> DbResult<Option<MessageRow>> {
        let row = sqlx::query("SELECT * FROM messages WHERE conversation_id = $1 AND client_id = $2")
            .bind(conversation)
            .bind(client_id)
            .fetch_optional(&self.pool)
            .await
            .pg()?;
        row.as_ref().map(message).transpose()
    }

    async fn conversation_and_client_message(
        &self,
        id: &str,
        client_id: &str,
    ) -> DbResult<Option<(ConversationRow, Option<MessageRow>)>> {
        // One round trip for the two reads of every customer message; the message's columns
        // carry an `m_` prefix (the names overlap the conversation's).
        let columns =
            CONVERSATION_COLUMNS.split(", ").map(|c| format!("c.{c}")).collect::<Vec<_>>().join(", ");
        let row = sqlx::query(&format!(
            "SELECT {columns}, m.conversation_id AS m_conversation_id, m.id AS m_id, m.client_id AS m_client_id, \
             m.author AS m_author, m.agent_id AS m_agent_id, m.author_name AS m_author_name, m.text AS m_text, \
             m.internal AS m_internal, m.created_at AS m_created_at \
             FROM conversations c LEFT JOIN messages m ON m.conversation_id = c.id AND m.client_id = $2 \
             WHERE c.id = $1"
        ))
        .bind(id)
        .bind(client_id)
        .fetch_optional(&self.pool)
        .await
        .pg()?;
        let Some(r) = row else { return Ok(None) };
        let stored = match r.try_get::<Option<i64>, _>("m_id")? {
            Some(message_id) => Some(MessageRow {
                conversation_id: r.try_get("m_conversation_id")?,
                id: message_id,
                client_id: r.try_get("m_client_id")?,
                author: r.try_get("m_author")?,
                agent_id: r.try_get("m_agent_id")?,
                author_name: r.try_get("m_author_name")?,
                text: r.try_get("m_text")?,
                internal: r.try_get("m_internal")?,
                created_at: r.try_get("m_created_at")?,
            }),
            None => None,
        };
        Ok(Some((conversation(&r)?, stored)))
    }

    async fn messages(&self, conversation: &str) -> DbResult<Vec<MessageRow>> {
        let rows = sqlx::query("SELECT * FROM messages WHERE conversation_id = $1 ORDER BY id")
            .bind(conversation)
            .fetch_all(&self.pool)
            .await
            .pg()?;
        rows.iter().map(message).collect()
    }

    async fn events_after(&self, conversation: &str, after: i64, limit: i64) -> DbResult<Vec<EventRow>> {
        let rows = sqlx::query(
            "SELECT seq, kind, payload, created_at FROM events WHERE conversation_id = $1 AND seq > $2 \
             ORDER BY seq LIMIT $3",
        )
        .bind(conversation)
        .bind(after)
        .bind(super::limit(limit))
        .fetch_all(&self.pool)
        .await
        .pg()?;
        rows.iter()
            .map(|r| {
                Ok(EventRow {
                    seq: r.try_get("seq")?,
                    kind: r.try_get("kind")?,
                    payload: r.try_get("payload")?,
                    created_at: r.try_get("created_at")?,
                })
            })
            .collect()
    }

    async fn audit(&self, conversation: &str) -> DbResult<Vec<AuditRow>> {
        let rows = sqlx::query(&format!(
            "SELECT {AUDIT_COLUMNS} FROM escalation_events WHERE conversation_id = $1 ORDER BY id"
        ))
        .bind(conversation)
        .fetch_all(&self.pool)
        .await
        .pg()?;
        rows.iter().map(audit_row).collect()
    }

    async fn recent_audit(&self, kinds: &[&str], limit: i64) -> DbResult<Vec<AuditRow>> {
        let rows = sqlx::query(&format!(
            "SELECT {AUDIT_COLUMNS} FROM escalation_events WHERE kind = ANY($1) ORDER BY id DESC LIMIT $2"
        ))
        .bind(kinds)
        .bind(super::limit(limit))
        .fetch_all(&self.pool)
        .await
        .pg()?;
        rows.iter().map(audit_row).collect()
    }

    async fn delete_conversations_with_prefix(&self, prefix: &str) -> DbResult<u64> {
        // LIKE with the prefix's own wildcards escaped. Case-sensitive, as the trait says
        // ("starts with"); SQLite's LIKE also ignores ASCII case.
        let pattern = format!("{}%", prefix.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
        let mut tx = self.pool.begin().await.pg()?;
        for table in [
            "messages",
            "events",
            "escalation_events",
            "tickets",
            "handoff_gaps",
            "conversation_keys",
            "outbox",
        ] {
            sqlx::query(&format!("DELETE FROM {table} WHERE conversation_id LIKE $1 ESCAPE '\\'"))
                .bind(&pattern)
                .execute(&mut *tx)
                .await
                .pg()?;
        }
        let done = sqlx::query("DELETE FROM conversations WHERE id LIKE $1 ESCAPE '\\'")
            .bind(&pattern)
            .execute(&mut *tx)
            .await
            .pg()?;
        tx.commit().await.pg()?;
        Ok(done.rows_affected())
    }
}
