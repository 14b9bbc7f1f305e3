//! On PostgreSQL: tickets and their answers.

use super::*;

#[async_trait]
impl TicketStore for Postgres {
    async fn insert_ticket(&self, t: &TicketRow, audit: &AuditRow, mail: &[OutboxRow]) -> DbResult<i64> {
        let mut tx = self.pool.begin().await.pg()?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO tickets (site_key, conversation_id, name, email, message, transcript_json, created_at, \
             answer_expected_by, reply_token) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(&t.site_key)
        .bind(&t.conversation_id)
        .bind(&t.name)
        .bind(&t.email)
        .bind(&t.message)
        .bind(&t.transcript_json)
        .bind(t.created_at)
        .bind(t.answer_expected_by)
        .bind(&t.reply_token)
        .fetch_one(&mut *tx)
        .await
        .pg()?;
        insert_audit(&mut tx, audit).await?;
        mail::insert_mail(&mut tx, mail, Some(id)).await?;
        tx.commit().await.pg()?;
        Ok(id)
    }

    async fn ticket(&self, id: i64) -> DbResult<Option<TicketRow>> {
        let row = sqlx::query("SELECT * FROM tickets WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .pg()?;
        row.as_ref().map(ticket).transpose()
    }

    async fn tickets(&self) -> DbResult<Vec<TicketRow>> {
        let rows = sqlx::query("SELECT * FROM tickets ORDER BY id DESC").fetch_all(&self.pool).await.pg()?;
        rows.iter().map(ticket).collect()
    }

    async fn ticket_by_reply_token(&self, token: &str) -> DbResult<Option<TicketRow>> {
        let row = sqlx::query("SELECT * FROM tickets WHERE reply_token = $1")
            .bind(token)
            .fetch_optional(&self.pool)
            .await
            .pg()?;
        row.as_ref().map(ticket).transpose()
    }

    async fn ticket_of_conversation(&self, conversation_id: &str) -> DbResult<Option<TicketRow>> {
        let row = sqlx::query("SELECT * FROM tickets WHERE conversation_id = $1 ORDER BY id LIMIT 1")
            .bind(conversation_id)
            .fetch_optional(&self.pool)
            .await
            .pg()?;
        row.as_ref().map(ticket).transpose()
    }

    async fn answer_ticket(
        &self,
        id: i64,
        answer: &str,
        by: &str,
        at: i64,
        audit: &AuditRow,
        reply_token: &str,
        mail: &[OutboxRow],
    ) -> DbResult<bool> {
        let mut tx = self.pool.begin().await.pg()?;
        // A concurrent answer (another instance) holds the row: this one waits, then finds the
        // answer set and updates nothing.
        let done = sqlx::query(
            "UPDATE tickets SET answer = $1, answered_by = $2, answered_at = $3, \
             reply_token = COALESCE(reply_token, $5) WHERE id = $4 AND answer IS NULL",
        )
        .bind(answer)
        .bind(by)
        .bind(at)
        .bind(id)
        .bind(reply_token)
        .execute(&mut *tx)
        .await
        .pg()?;
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        insert_audit(&mut tx, audit).await?;
        mail::insert_mail(&mut tx, mail, Some(id)).await?;
        tx.commit().await.pg()?;
        Ok(true)
    }
}
