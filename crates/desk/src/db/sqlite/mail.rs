//! On SQLite: the mail outbox. One desk process owns the file, so the claim needs no row
//! locks; the lease still matters, for a desk killed mid-send and started again. The sender's
//! writes go through the commit connection between commits (`GroupCommit::between_commits`).

use super::*;

const INSERT: &str =
    "INSERT INTO outbox (site_key, conversation_id, ticket_id, kind, message_id, in_reply_to, mail_from, \
     reply_to, rcpt, subject, text_body, html_body, created_at, status, attempts, next_attempt_at) \
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?)";

/// Inserts the mails in the caller's transaction, each with `ticket_id` if given.
pub(super) async fn insert_mail(
    conn: &mut SqliteConnection,
    mail: &[OutboxRow],
    ticket_id: Option<i64>,
) -> DbResult<()> {
    for m in mail {
        insert_one(conn, INSERT, m, ticket_id).await?;
    }
    Ok(())
}

/// One row by `sql` (the INSERT, maybe with an ON CONFLICT clause); the rows it added.
async fn insert_one(
    conn: &mut SqliteConnection,
    sql: &str,
    m: &OutboxRow,
    ticket_id: Option<i64>,
) -> DbResult<u64> {
    let done = sqlx::query(sql)
        .bind(&m.site_key)
        .bind(&m.conversation_id)
        .bind(ticket_id.or(m.ticket_id))
        .bind(&m.kind)
        .bind(&m.message_id)
        .bind(&m.in_reply_to)
        .bind(&m.mail_from)
        .bind(&m.reply_to)
        .bind(&m.rcpt)
        .bind(&m.subject)
        .bind(&m.text_body)
        .bind(&m.html_body)
        .bind(m.created_at)
        .bind(m.next_attempt_at)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected())
}

pub(super) fn outbox_row(r: &SqliteRow) -> DbResult<OutboxRow> {
    Ok(OutboxRow {
        id: r.try_get("id")?,
        site_key: r.try_get("site_key")?,
        conversation_id: r.try_get("conversation_id")?,
        ticket_id: r.try_get("ticket_id")?,
        kind: r.try_get("kind")?,
        message_id: r.try_get("message_id")?,
        in_reply_to: r.try_get("in_reply_to")?,
        mail_from: r.try_get("mail_from")?,
        reply_to: r.try_get("reply_to")?,
        rcpt: r.try_get("rcpt")?,
        subject: r.try_get("subject")?,
        text_body: r.try_get("text_body")?,
        html_body: r.try_get("html_body")?,
        created_at: r.try_get("created_at")?,
        status: r.try_get("status")?,
        attempts: r.try_get("attempts")?,
        next_attempt_at: r.try_get("next_attempt_at")?,
        claimed_until: r.try_get("claimed_until")?,
        last_error: r.try_get("last_error")?,
        sent_at: r.try_get("sent_at")?,
    })
}

#[async_trait]
impl MailStore for Sqlite {
    async fn claim_mail(&self, now: i64, lease_until: i64, limit: i64) -> DbResult<Vec<OutboxRow>> {
        // One statement under SQLite's single write lock: two claims never hand out the same row.
        let mut conn = self.group.between_commits().await?;
        let rows = sqlx::query(
            "UPDATE outbox SET claimed_until = ?, attempts = attempts + 1 WHERE id IN (\
               SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= ? \
               AND (claimed_until IS NULL OR claimed_until <= ?) ORDER BY id LIMIT ?) RETURNING *",
        )
        .bind(lease_until)
        .bind(now)
        .bind(now)
        .bind(limit)
        .fetch_all(&mut *conn)
        .await?;
        drop(conn);
        let mut out = rows.iter().map(outbox_row).collect::<DbResult<Vec<_>>>()?;
        out.sort_by_key(|m| m.id);
        Ok(out)
    }

    async fn mail_sent(&self, id: i64, at: i64) -> DbResult<()> {
        let mut conn = self.group.between_commits().await?;
        sqlx::query(
            "UPDATE outbox SET status = 'sent', sent_at = ?, claimed_until = NULL, last_error = NULL \
             WHERE id = ? AND status = 'pending'",
        )
        .bind(at)
        .bind(id)
        .execute(&mut *conn)
        .await?;
        Ok(())
    }

    async fn mail_failed(&self, id: i64, f: &MailFailure) -> DbResult<()> {
        let mut conn = self.group.between_commits().await?;
        sqlx::query(
            "UPDATE outbox SET status = CASE WHEN ? IS NULL THEN 'failed' ELSE 'pending' END, \
             next_attempt_at = COALESCE(?, next_attempt_at), claimed_until = NULL, last_error = ? \
             WHERE id = ? AND status = 'pending'",
        )
        .bind(f.retry_at)
        .bind(f.retry_at)
        .bind(&f.error)
        .bind(id)
        .execute(&mut *conn)
        .await?;
        Ok(())
    }

    async fn mail_of_ticket(&self, ticket_id: i64) -> DbResult<Vec<OutboxRow>> {
        let rows = sqlx::query("SELECT * FROM outbox WHERE ticket_id = ? ORDER BY id")
            .bind(ticket_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(outbox_row).collect()
    }

    async fn queue_mail(&self, mail: &OutboxRow) -> DbResult<bool> {
        let mut conn = self.group.between_commits().await?;
        let sql = format!("{INSERT} ON CONFLICT (message_id) DO NOTHING");
        Ok(insert_one(&mut conn, &sql, mail, None).await? > 0)
    }

    async fn mail_of_conversation(&self, conversation_id: &str, kind: &str) -> DbResult<Vec<OutboxRow>> {
        let rows = sqlx::query("SELECT * FROM outbox WHERE conversation_id = ? AND kind = ? ORDER BY id")
            .bind(conversation_id)
            .bind(kind)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(outbox_row).collect()
    }

    async fn failing_mail(&self, limit: i64) -> DbResult<Vec<OutboxRow>> {
        let rows = sqlx::query(
            "SELECT * FROM outbox WHERE status = 'failed' OR (status = 'pending' AND last_error IS NOT NULL) \
             ORDER BY id DESC LIMIT ?",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(outbox_row).collect()
    }

    async fn mail_counts(&self) -> DbResult<MailCounts> {
        let rows = sqlx::query("SELECT status, COUNT(*) AS n FROM outbox GROUP BY status")
            .fetch_all(&self.pool)
            .await?;
        let mut c = MailCounts::default();
        for r in rows {
            let status: String = r.try_get("status")?;
            let n = u64::try_from(r.try_get::<i64, _>("n")?).unwrap_or(0);
            match status.as_str() {
                "pending" => c.pending = n,
                "failed" => c.failed = n,
                "sent" => c.sent = n,
                _ => {}
            }
        }
        Ok(c)
    }
}
