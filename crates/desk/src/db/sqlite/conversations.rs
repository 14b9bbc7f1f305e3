//! On SQLite: conversations, messages, events and the audit trail; commits (see `write_commit`).

use super::*;

#[async_trait]
impl ConversationStore for Sqlite {
    async fn insert_conversation(&self, c: &ConversationRow) -> DbResult<()> {
        let mut tx = self.pool.begin_with(BEGIN_WRITE).await?;
        insert_conversation_row(&mut tx, c).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn insert_conversation_keyed(&self, c: &ConversationRow, key_hash: &str) -> DbResult<()> {
        once::insert_conversation_keyed(&self.pool, c, key_hash).await
    }

    async fn conversation(&self, id: &str) -> DbResult<Option<ConversationRow>> {
        let row = sqlx::query(&format!("SELECT {CONVERSATION_COLUMNS} FROM conversations WHERE id = ?"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(conversation).transpose()
    }

    async fn conversation_by_key(&self, key_hash: &str) -> DbResult<Option<ConversationRow>> {
        let row = sqlx::query(&format!(
            "SELECT {CONVERSATION_COLUMNS} FROM conversations \
             WHERE id = (SELECT conversation_id FROM conversation_keys WHERE key_hash = ?)"
        ))
        .bind(key_hash)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(conversation).transpose()
    }

    async fn commit(&self, c: &Commit) -> DbResult<()> {
        let mut tx = self.pool.begin_with(BEGIN_WRITE).await?;
        write_commit(&mut tx, c).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn commit_unsynced(&self, c: &Commit) -> DbResult<()> {
        self.group.commit(c).await
    }

    async fn sync(&self) -> DbResult<()> {
        self.group.sync().await
    }

    async fn conversations_with_status(&self, status: ConversationStatus) -> DbResult<Vec<ConversationRow>> {
        let rows = sqlx::query(&format!(
            "SELECT {CONVERSATION_COLUMNS} FROM conversations WHERE status = ? ORDER BY queued_at, id"
        ))
        .bind(status.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(conversation).collect()
    }

    async fn conversations_of_agent(&self, agent_id: i64) -> DbResult<Vec<ConversationRow>> {
        let rows = sqlx::query(&format!(
            "SELECT {CONVERSATION_COLUMNS} FROM conversations WHERE agent_id = ? AND status = 'assigned' ORDER BY id"
        ))
        .bind(agent_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(conversation).collect()
    }

    async fn due_conversations(&self, now: i64) -> DbResult<Vec<ConversationRow>> {
        let rows = sqlx::query(&format!(
            "SELECT {CONVERSATION_COLUMNS} FROM conversations WHERE status IN ('queued', 'assigned') \
             AND (first_response_due <= ? OR resolution_due <= ?) ORDER BY id"
        ))
        .bind(now)
        .bind(now)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(conversation).collect()
    }

    async fn conversations_of_visitor(
        &self,
        site_key: &str,
        visitor_id: &str,
        verified: bool,
        limit: i64,
    ) -> DbResult<Vec<ConversationRow>> {
        // `verified` lives in the customer JSON the conversation started with (migration 0005).
        let rows = sqlx::query(&format!(
            "SELECT {CONVERSATION_COLUMNS} FROM conversations WHERE site_key = ? AND visitor_id = ? \
             AND COALESCE(json_extract(customer_json, '$.verified'), 0) = ? \
             ORDER BY created_at DESC, id LIMIT ?"
        ))
        .bind(site_key)
        .bind(visitor_id)
        .bind(verified)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(conversation).collect()
    }

    async fn message_by_client_id(
        &self,
        conversation: &str,
        client_id: &str,
    ) -> DbResult<Option<MessageRow>> {
        let row = sqlx::query("SELECT * FROM messages WHERE conversation_id = ? AND client_id = ?")
            .bind(conversation)
            .bind(client_id)
            .fetch_optional(&self.pool)
            .await?;
        if row.is_some() {
            // A retry is answered with the stored message: only once it is durable.
            self.group.sync().await?;
        }
        row.as_ref().map(message).transpose()
    }

    async fn messages(&self, conversation: &str) -> DbResult<Vec<MessageRow>> {
        let rows = sqlx::query("SELECT * FROM messages WHERE conversation_id = ? ORDER BY id")
            .bind(conversation)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(message).collect()
    }

    async fn events_after(&self, conversation: &str, after: i64, limit: i64) -> DbResult<Vec<EventRow>> {
        let rows = sqlx::query(
            "SELECT seq, kind, payload, created_at FROM events WHERE conversation_id = ? AND seq > ? ORDER BY seq LIMIT ?",
        )
        .bind(conversation)
        .bind(after)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        if !rows.is_empty() {
            // Streams never show an event that a power cut could still take back.
            self.group.sync().await?;
        }
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
        let rows = sqlx::query("SELECT * FROM escalation_events WHERE conversation_id = ? ORDER BY id")
            .bind(conversation)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(audit_row).collect()
    }

    async fn recent_audit(&self, kinds: &[&str], limit: i64) -> DbResult<Vec<AuditRow>> {
        let marks = vec!["?"; kinds.len()].join(", ");
        let sql = format!("SELECT * FROM escalation_events WHERE kind IN ({marks}) ORDER BY id DESC LIMIT ?");
        let mut q = sqlx::query(&sql);
        for k in kinds {
            q = q.bind(*k);
        }
        let rows = q.bind(limit).fetch_all(&self.pool).await?;
        rows.iter().map(audit_row).collect()
    }

    async fn delete_conversations_with_prefix(&self, prefix: &str) -> DbResult<u64> {
        // LIKE with the prefix's own wildcards escaped.
        let pattern = format!("{}%", prefix.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
        let mut tx = self.pool.begin_with(BEGIN_WRITE).await?;
        for table in ["messages", "events", "escalation_events", "tickets", "handoff_gaps", "outbox"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE conversation_id LIKE ? ESCAPE '\\'"))
                .bind(&pattern)
                .execute(&mut *tx)
                .await?;
        }
        let done = sqlx::query("DELETE FROM conversations WHERE id LIKE ? ESCAPE '\\'")
            .bind(&pattern)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(done.rows_affected())
    }
}
