//! On SQLite: agents, sessions, presence and the agent notice log.

use super::*;

#[async_trait]
impl AgentStore for Sqlite {
    async fn insert_agent(&self, a: &AgentRow) -> DbResult<i64> {
        let res = sqlx::query(
            "INSERT INTO agents (email, name, password_hash, tier, departments, presence, capacity, sites, \
             ticket_mail, active, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, strftime('%s','now') * 1000)",
        )
        .bind(&a.email)
        .bind(&a.name)
        .bind(&a.password_hash)
        .bind(&a.tier)
        .bind(a.departments.join(","))
        .bind(&a.presence)
        .bind(i64::from(a.capacity))
        .bind(a.sites.join(","))
        .bind(a.ticket_mail)
        .bind(a.active)
        .execute(&self.pool)
        .await;
        match res {
            Ok(done) => Ok(done.last_insert_rowid()),
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                Err(DbError::Duplicate(format!("agent {}", a.email)))
            }
            Err(e) => Err(e.into()),
        }
    }

    async fn agent(&self, id: i64) -> DbResult<Option<AgentRow>> {
        let row =
            sqlx::query("SELECT * FROM agents WHERE id = ?").bind(id).fetch_optional(&self.pool).await?;
        row.as_ref().map(agent).transpose()
    }

    async fn agent_by_email(&self, email: &str) -> DbResult<Option<AgentRow>> {
        let row = sqlx::query("SELECT * FROM agents WHERE email = ?")
            .bind(email)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(agent).transpose()
    }

    async fn agents(&self) -> DbResult<Vec<AgentRow>> {
        let rows = sqlx::query("SELECT * FROM agents ORDER BY id").fetch_all(&self.pool).await?;
        rows.iter().map(agent).collect()
    }

    async fn set_presence(&self, id: i64, presence: &str, capacity: u32) -> DbResult<()> {
        sqlx::query("UPDATE agents SET presence = ?, capacity = ? WHERE id = ?")
            .bind(presence)
            .bind(i64::from(capacity))
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn set_ticket_mail(&self, id: i64, on: bool) -> DbResult<()> {
        sqlx::query("UPDATE agents SET ticket_mail = ? WHERE id = ?")
            .bind(on)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn set_agent_sites(&self, email: &str, sites: &[String]) -> DbResult<bool> {
        let done = sqlx::query("UPDATE agents SET sites = ? WHERE email = ?")
            .bind(sites.join(","))
            .bind(email)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn active_counts(&self) -> DbResult<HashMap<i64, u32>> {
        let rows = sqlx::query(
            "SELECT agent_id, COUNT(*) AS n FROM conversations WHERE status = 'assigned' AND agent_id IS NOT NULL \
             GROUP BY agent_id",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut out = HashMap::new();
        for r in rows {
            let n: i64 = r.try_get("n")?;
            out.insert(r.try_get("agent_id")?, u32::try_from(n).unwrap_or(u32::MAX));
        }
        Ok(out)
    }

    async fn offline_without_session(&self, now: i64) -> DbResult<u64> {
        once::offline_without_session(&self.pool, now).await
    }

    async fn insert_session(&self, s: &SessionRow) -> DbResult<()> {
        sqlx::query("INSERT INTO sessions (token_hash, csrf_hash, agent_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)")
            .bind(&s.token_hash)
            .bind(&s.csrf_hash)
            .bind(s.agent_id)
            .bind(s.created_at)
            .bind(s.expires_at)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn session(&self, token_hash: &str) -> DbResult<Option<SessionRow>> {
        let row = sqlx::query("SELECT * FROM sessions WHERE token_hash = ?")
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(session).transpose()
    }

    async fn delete_session(&self, token_hash: &str) -> DbResult<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = ?").bind(token_hash).execute(&self.pool).await?;
        Ok(())
    }

    async fn delete_expired_sessions(&self, now: i64) -> DbResult<u64> {
        let done =
            sqlx::query("DELETE FROM sessions WHERE expires_at <= ?").bind(now).execute(&self.pool).await?;
        Ok(done.rows_affected())
    }

    async fn notices_after(&self, agent_id: i64, after: i64, limit: i64) -> DbResult<Vec<NoticeRow>> {
        once::notices_after(&self.pool, agent_id, after, limit).await
    }

    /// One writer at a time: ids follow commit order over all agents, the global newest will do.
    async fn notice_bounds(&self, _agent_id: i64) -> DbResult<(i64, i64)> {
        once::notice_bounds(&self.pool).await
    }

    async fn prune_notices(&self, before: i64, keep: i64) -> DbResult<u64> {
        once::prune_notices(&self.pool, before, keep).await
    }
}
