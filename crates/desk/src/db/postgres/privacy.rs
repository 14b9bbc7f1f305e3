//! On PostgreSQL: the candidate queries of data protection, an erasure and a retention purge,
//! the same statements as `sqlite/privacy.rs` (the rules are in `db/privacy.rs`). Every TEXT
//! column is COLLATE "C", so lower() folds ASCII only, as SQLite's does.

use super::super::privacy::{redact_json, Erasure, PrivacyStore, Purged, Retention, ERASED_NOTE};
use super::*;

#[async_trait]
impl PrivacyStore for Postgres {
    async fn conversations_mentioning(&self, site_key: &str, needle: &str) -> DbResult<Vec<ConversationRow>> {
        let rows = sqlx::query(&format!(
            "SELECT {CONVERSATION_COLUMNS} FROM conversations WHERE site_key = $1 AND customer_json IS NOT NULL \
             AND strpos(lower(customer_json), lower($2)) > 0"
        ))
        .bind(site_key)
        .bind(needle)
        .fetch_all(&self.pool)
        .await
        .pg()?;
        rows.iter().map(conversation).collect()
    }

    async fn tickets_for_privacy(
        &self,
        site_key: &str,
        conversations: &[String],
        email: Option<&str>,
    ) -> DbResult<Vec<TicketRow>> {
        let rows = sqlx::query(
            "SELECT * FROM tickets WHERE site_key = $1 AND (conversation_id = ANY($2) \
             OR lower(email) = lower($3)) ORDER BY id",
        )
        .bind(site_key)
        .bind(conversations)
        .bind(email)
        .fetch_all(&self.pool)
        .await
        .pg()?;
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
            "SELECT * FROM outbox WHERE site_key = $1 AND (conversation_id = ANY($2) OR ticket_id = ANY($3) \
             OR strpos(lower(rcpt), lower($4)) > 0) ORDER BY id",
        )
        .bind(site_key)
        .bind(conversations)
        .bind(tickets)
        .bind(email)
        .fetch_all(&self.pool)
        .await
        .pg()?;
        rows.iter().map(mail::outbox_row).collect()
    }

    async fn erase(&self, e: &Erasure) -> DbResult<()> {
        let mut tx = self.pool.begin().await.pg()?;
        for c in &e.conversations {
            sqlx::query(
                "UPDATE conversations SET page_url = NULL, visitor_id = NULL, customer_json = NULL, \
                 rating_comment = NULL, handoff_json = $1 WHERE id = $2",
            )
            .bind(&c.handoff_json)
            .bind(&c.id)
            .execute(&mut *tx)
            .await
            .pg()?;
            sqlx::query("DELETE FROM handoff_gaps WHERE conversation_id = $1")
                .bind(&c.id)
                .execute(&mut *tx)
                .await
                .pg()?;
            if let Some(gap) = &c.gap {
                gaps::store(&mut tx, &c.id, gap).await?;
            }
            sqlx::query(
                "UPDATE messages SET text = '', author_name = CASE WHEN author = 'agent' THEN author_name END \
                 WHERE conversation_id = $1",
            )
            .bind(&c.id)
            .execute(&mut *tx)
            .await
            .pg()?;
            // The agent stream's log carries the customer's messages too (kept a day, see
            // desk/sweeper.rs): its payloads naming the conversation are redacted alike.
            let notices: Vec<(i64, String)> =
                sqlx::query_as("SELECT id, payload FROM agent_notices WHERE strpos(payload, $1) > 0")
                    .bind(format!("\"{}\"", c.id))
                    .fetch_all(&mut *tx)
                    .await
                    .pg()?;
            for (id, payload) in notices {
                let redacted = redact_json(&payload).unwrap_or_else(|| "{}".into());
                sqlx::query("UPDATE agent_notices SET payload = $1 WHERE id = $2")
                    .bind(redacted)
                    .bind(id)
                    .execute(&mut *tx)
                    .await
                    .pg()?;
            }
        }
        for (id, seq, payload) in &e.events {
            sqlx::query("UPDATE events SET payload = $1 WHERE conversation_id = $2 AND seq = $3")
                .bind(payload)
                .bind(id)
                .bind(seq)
                .execute(&mut *tx)
                .await
                .pg()?;
        }
        for (id, kind, reason) in &e.notes {
            sqlx::query("UPDATE escalation_events SET reason = $1 WHERE conversation_id = $2 AND kind = $3 AND reason = $4")
                .bind(ERASED_NOTE)
                .bind(id)
                .bind(kind)
                .bind(reason)
                .execute(&mut *tx)
                .await
                .pg()?;
        }
        for id in &e.tickets {
            sqlx::query(
                "UPDATE tickets SET name = '', email = '', message = '', transcript_json = '[]', \
                 answer = CASE WHEN answer IS NULL THEN NULL ELSE '' END WHERE id = $1",
            )
            .bind(id)
            .execute(&mut *tx)
            .await
            .pg()?;
        }
        for id in &e.mail {
            sqlx::query(
                "UPDATE outbox SET rcpt = '', subject = '', text_body = '', html_body = '', claimed_until = NULL, \
                 last_error = CASE WHEN status = 'pending' THEN 'erased' ELSE last_error END, \
                 status = CASE WHEN status = 'pending' THEN 'failed' ELSE status END WHERE id = $1",
            )
            .bind(id)
            .execute(&mut *tx)
            .await
            .pg()?;
        }
        for a in &e.audit {
            insert_audit(&mut tx, a).await?;
        }
        if let Some(a) = &e.admin {
            super::admin::insert_admin_audit(&mut tx, a).await?;
        }
        tx.commit().await.pg()?;
        Ok(())
    }

    async fn purge(&self, r: &Retention) -> DbResult<Purged> {
        let mut tx = self.pool.begin().await.pg()?;
        let conversations: Vec<String> = sqlx::query_scalar(
            "SELECT id FROM conversations c WHERE site_key = $1 AND updated_at < $2 \
             AND status IN ('resolved', 'offline', 'bot') AND NOT EXISTS (SELECT 1 FROM tickets t \
             WHERE t.conversation_id = c.id AND (t.answered_at IS NULL OR t.answered_at >= $2))",
        )
        .bind(&r.site_key)
        .bind(r.before)
        .fetch_all(&mut *tx)
        .await
        .pg()?;
        let tickets: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM tickets t WHERE site_key = $1 AND answer IS NOT NULL AND answered_at < $2 \
             AND (conversation_id IS NULL OR conversation_id = ANY($3) \
             OR NOT EXISTS (SELECT 1 FROM conversations c WHERE c.id = t.conversation_id))",
        )
        .bind(&r.site_key)
        .bind(r.before)
        .bind(&conversations)
        .fetch_all(&mut *tx)
        .await
        .pg()?;
        sqlx::query("DELETE FROM outbox WHERE conversation_id = ANY($1) OR ticket_id = ANY($2)")
            .bind(&conversations)
            .bind(&tickets)
            .execute(&mut *tx)
            .await
            .pg()?;
        sqlx::query("DELETE FROM tickets WHERE id = ANY($1) OR conversation_id = ANY($2)")
            .bind(&tickets)
            .bind(&conversations)
            .execute(&mut *tx)
            .await
            .pg()?;
        for table in ["messages", "events", "escalation_events", "handoff_gaps", "conversation_keys"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE conversation_id = ANY($1)"))
                .bind(&conversations)
                .execute(&mut *tx)
                .await
                .pg()?;
        }
        sqlx::query("DELETE FROM conversations WHERE id = ANY($1)")
            .bind(&conversations)
            .execute(&mut *tx)
            .await
            .pg()?;
        tx.commit().await.pg()?;
        Ok(Purged { conversations: conversations.len() as u64, tickets: tickets.len() as u64 })
    }
}
