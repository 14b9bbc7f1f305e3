//! On SQLite: tickets and their answers.

use super::*;

#[async_trait]
impl TicketStore for Sqlite {
    async fn insert_ticket(&self, t: &TicketRow, audit: &AuditRow, mail: &[OutboxRow]) -> DbResult<i64> {
        let mut tx = self.pool.begin_with(BEGIN_WRITE).await?;
        let done = sqlx::query(
            "INSERT INTO tickets (site_key, conversation_id, name, email, message, transcript_json, created_at, \
             answer_expected_by, reply_token) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
        .execute(&mut *tx)
        .await?;
        let id = done.last_insert_rowid();
        insert_audit(&mut *tx, audit).await?;
        mail::insert_mail(&mut tx, mail, Some(id)).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn ticket(&self, id: i64) -> DbResult<Option<TicketRow>> {
        let row =
            sqlx::query("SELECT * FROM tickets WHERE id = ?").bind(id).fetch_optional(&self.pool).await?;
        row.as_ref().map(ticket).transpose()
    }

    async fn tickets(&self) -> DbResult<Vec<TicketRow>> {
        let rows = sqlx::query("SELECT * FROM tickets ORDER BY id DESC").fetch_all(&self.pool).await?;
        rows.iter().map(ticket).collect()
    }

    async fn ticket_by_reply_token(&self, token: &str) -> DbResult<Option<TicketRow>> {
        let row = sqlx::query("SELECT * FROM tickets WHERE reply_token = ?")
            .bind(token)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(ticket).transpose()
    }

    async fn ticket_of_conversation(&self, conversation_id: &str) -> DbResult<Option<TicketRow>> {
        let row = sqlx::query("SELECT * FROM tickets WHERE conversation_id = ? ORDER BY id LIMIT 1")
            .bind(conversation_id)
            .fetch_optional(&self.pool)
            .await?;
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
        let mut tx = self.pool.begin_with(BEGIN_WRITE).await?;
        let done = sqlx::query(
            "UPDATE tickets SET answer = ?, answered_by = ?, answered_at = ?, \
             reply_token = COALESCE(reply_token, ?) WHERE id = ? AND answer IS NULL",
        )
        .bind(answer)
        .bind(by)
        .bind(at)
        .bind(reply_token)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        insert_audit(&mut *tx, audit).await?;
        mail::insert_mail(&mut tx, mail, Some(id)).await?;
        tx.commit().await?;
        Ok(true)
    }
}
