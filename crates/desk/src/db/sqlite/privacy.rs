//! On SQLite: the candidate queries of data protection, an erasure and a retention purge
//! (the rules are in `db/privacy.rs`). Id lists are bound as one JSON array (`json_each`).

use super::super::privacy::{redact_json, Erasure, PrivacyStore, Purged, Retention, ERASED_NOTE};
use super::*;

fn json_list<T: serde::Serialize>(items: &[T]) -> DbResult<String> {
    serde_json::to_string(items).map_err(|e| DbError::Internal(format!("id list: {e}")))
}

#[async_trait]
impl PrivacyStore for Sqlite {
    async fn conversations_mentioning(&self, site_key: &str, needle: &str) -> DbResult<Vec<ConversationRow>> {
        // lower() is ASCII-only in SQLite, as the caller's comparison.
        let rows = sqlx::query(&format!(
            "SELECT {CONVERSATION_COLUMNS} FROM conversations WHERE site_key = ? AND customer_json IS NOT NULL \
             AND instr(lower(customer_json), lower(?)) > 0"
        ))
        .bind(site_key)
        .bind(needle)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(conversation).collect()
    }

    async fn tickets_for_privacy(
        &self,
        site_key: &str,
        conversations: &[String],
        email: Option<&str>,
    ) -> DbResult<Vec<TicketRow>> {
        let rows = sqlx::query(
            "SELECT * FROM tickets WHERE site_key = ? AND (conversation_id IN (SELECT value FROM json_each(?)) \
             OR lower(email) = lower(?)) ORDER BY id",
        )
        .bind(site_key)
        .bind(json_list(conversations)?)
        .bind(email)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(ticket).collect()
    }

    async fn mail_for_privacy(
        &self,
        site_key: &str,
        conversations: &[String],
        tickets: &[i64],
        email: Option<&str>,
    ) -> DbResult<Vec<OutboxRow>> {
        let rows = sqlx::query(
            "SELECT * FROM outbox WHERE site_key = ? AND (conversation_id IN (SELECT value FROM json_each(?)) \
             OR ticket_id IN (SELECT value FROM json_each(?)) OR instr(lower(rcpt), lower(?)) > 0) ORDER BY id",
        )
        .bind(site_key)
        .bind(json_list(conversations)?)
        .bind(json_list(tickets)?)
        .bind(email)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(mail::outbox_row).collect()
    }

    async fn erase(&self, e: &Erasure) -> DbResult<()> {
        let mut tx = self.pool.begin_with(BEGIN_WRITE).await?;
        for c in &e.conversations {
            sqlx::query(
                "UPDATE conversations SET page_url = NULL, visitor_id = NULL, customer_json = NULL, \
                 rating_comment = NULL, handoff_json = ? WHERE id = ?",
            )
            .bind(&c.handoff_json)
            .bind(&c.id)
            .execute(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM handoff_gaps WHERE conversation_id = ?")
                .bind(&c.id)
                .execute(&mut *tx)
                .await?;
            if let Some(gap) = &c.gap {
                gaps::store(&mut tx, &c.id, gap, "INSERT").await?;
            }
            sqlx::query(
                "UPDATE messages SET text = '', author_name = CASE WHEN author = 'agent' THEN author_name END \
                 WHERE conversation_id = ?",
            )
            .bind(&c.id)
            .execute(&mut *tx)
            .await?;
            // The agent stream's log carries the customer's messages too (kept a day, see
            // desk/sweeper.rs): its payloads naming the conversation are redacted alike.
            let notices: Vec<(i64, String)> =
                sqlx::query_as("SELECT id, payload FROM agent_notices WHERE instr(payload, ?) > 0")
                    .bind(format!("\"{}\"", c.id))
                    .fetch_all(&mut *tx)
                    .await?;
            for (id, payload) in notices {
                let redacted = redact_json(&payload).unwrap_or_else(|| "{}".into());
                sqlx::query("UPDATE agent_notices SET payload = ? WHERE id = ?")
                    .bind(redacted)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        for (id, seq, payload) in &e.events {
            sqlx::query("UPDATE events SET payload = ? WHERE conversation_id = ? AND seq = ?")
                .bind(payload)
                .bind(id)
                .bind(seq)
                .execute(&mut *tx)
                .await?;
        }
        for (id, kind, reason) in &e.notes {
            sqlx::query("UPDATE escalation_events SET reason = ? WHERE conversation_id = ? AND kind = ? AND reason = ?")
                .bind(ERASED_NOTE)
                .bind(id)
                .bind(kind)
                .bind(reason)
                .execute(&mut *tx)
                .await?;
        }
        for id in &e.tickets {
            sqlx::query(
                "UPDATE tickets SET name = '', email = '', message = '', transcript_json = '[]', \
                 answer = CASE WHEN answer IS NULL THEN NULL ELSE '' END WHERE id = ?",
            )
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        for id in &e.mail {
            sqlx::query(
                "UPDATE outbox SET rcpt = '', subject = '', text_body = '', html_body = '', claimed_until = NULL, \
                 last_error = CASE WHEN status = 'pending' THEN 'erased' ELSE last_error END, \
                 status = CASE WHEN status = 'pending' THEN 'failed' ELSE status END WHERE id = ?",
            )
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        for a in &e.audit {
            insert_audit(&mut *tx, a).await?;
        }
        if let Some(a) = &e.admin {
            super::admin::insert_admin_audit(&mut tx, a).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn purge(&self, r: &Retention) -> DbResult<Purged> {
        let mut tx = self.pool.begin_with(BEGIN_WRITE).await?;
        let conversations: Vec<String> = sqlx::query_scalar(
            "SELECT id FROM conversations c WHERE site_key = ? AND updated_at < ? \
             AND status IN ('resolved', 'offline', 'bot') AND NOT EXISTS (SELECT 1 FROM tickets t \
             WHERE t.conversation_id = c.id AND (t.answered_at IS NULL OR t.answered_at >= ?))",
        )
        .bind(&r.site_key)
        .bind(r.before)
        .bind(r.before)
        .fetch_all(&mut *tx)
        .await?;
        let ids = json_list(&conversations)?;
        let tickets: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM tickets t WHERE site_key = ? AND answer IS NOT NULL AND answered_at < ? \
             AND (conversation_id IS NULL OR conversation_id IN (SELECT value FROM json_each(?)) \
             OR NOT EXISTS (SELECT 1 FROM conversations c WHERE c.id = t.conversation_id))",
        )
        .bind(&r.site_key)
        .bind(r.before)
        .bind(&ids)
        .fetch_all(&mut *tx)
        .await?;
        let ticket_ids = json_list(&tickets)?;
        sqlx::query(
            "DELETE FROM outbox WHERE conversation_id IN (SELECT value FROM json_each(?)) \
             OR ticket_id IN (SELECT value FROM json_each(?))",
        )
        .bind(&ids)
        .bind(&ticket_ids)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "DELETE FROM tickets WHERE id IN (SELECT value FROM json_each(?)) \
             OR conversation_id IN (SELECT value FROM json_each(?))",
        )
        .bind(&ticket_ids)
        .bind(&ids)
        .execute(&mut *tx)
        .await?;
        for table in ["messages", "events", "escalation_events", "handoff_gaps", "conversation_keys"] {
            sqlx::query(&format!(
                "DELETE FROM {table} WHERE conversation_id IN (SELECT value FROM json_each(?))"
            ))
            .bind(&ids)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query("DELETE FROM conversations WHERE id IN (SELECT value FROM json_each(?))")
            .bind(&ids)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Purged { conversations: conversations.len() as u64, tickets: tickets.len() as u64 })
    }
}
