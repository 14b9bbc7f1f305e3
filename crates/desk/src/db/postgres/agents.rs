//! On PostgreSQL: agents, sessions, presence and the agent notice log (notices.rs).

use super::*;

#[async_trait]
impl AgentStore for Postgres {
    async fn insert_agent(&self, a: &AgentRow) -> DbResult<i64> {
        let res = sqlx::query_scalar(
            "INSERT INTO agents (email, name, password_hash, tier, departments, presence, capacity, sites, \
             ticket_mail, active, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, \
             (EXTRACT(EPOCH FROM now()) * 1000)::bigint) RETURNING id",
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
        .fetch_one(&self.pool)
        .await
        .pg();
        match res {
            Ok(id) => Ok(id),
            Err(DbError::Duplicate(_)) => Err(DbError::Duplicate(format!("agent {}", a.email))),
            Err(e) => Err(e),
        }
    }

    async fn agent(&self, id: i64) -> DbResult<Option<AgentRow>> {
        let row = sqlx::query("SELECT * FROM agents WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .pg()?;
        row.as_ref().map(agent).transpose()
    }

    async fn agent_by_email(&self, email: &str) -> DbResult<Option<AgentRow>> {
        let row = sqlx::query("SELECT * FROM agents WHERE email = $1")
            .bind(email)
            .fetch_optional(&self.pool)
            .await
            .pg()?;
        row.as_ref().map(agent).transpose()
    }

    async fn agents(&self) -> DbResult<Vec<AgentRow>> {
        let rows = sqlx::query("SELECT * FROM agents ORDER BY id").fetch_all(&self.pool).await.pg()?;
        rows.iter().map(agent).collect()
    }

    async fn set_presence(&self, id: i64, presence: &str, capacity: u32) -> DbResult<()> {
        sqlx::query("UPDATE agents SET presence = $1, capacity = $2 WHERE id = $3")
            .bind(presence)
            .bind(i64::from(capacity))
            .bind(id)
            .execute(&self.pool)
            .await
            .pg()?;
        Ok(())
    }

    async fn set_ticket_mail(&self, id: i64, on: bool) -> DbResult<()> {
        sqlx::query("UPDATE agents SET ticket_mail = $1 WHERE id = $2")
            .bind(on)
            .bind(id)
            .execute(&self.pool)
            .await
            .pg()?;
        Ok(())
    }

    async fn set_agent_sites(&self, email: &str, sites: &[String]) -> DbResult<bool> {
        let done = sqlx::query("UPDATE agents SET sites = $1 WHERE email = $2")
            .bind(sites.join(","))
            .bind(email)
            .execute(&self.pool)
            .await
            .pg()?;
        Ok(done.rows_affected() > 0)
    }

    async fn active_counts(&self) -> DbResult<HashMap<i64, u32>> {
        let rows = sqlx::query(
            "SELECT agent_id, COUNT(*) AS n FROM conversations WHERE status = 'assigned' AND agent_id IS NOT NULL \
             GROUP BY agent_id",
        )
        .fetch_all(&self.pool)
        .await
        .pg()?;
        let mut out = HashMap::new();
        for r in rows {
            let n: i64 = r.try_get("n")?;
            out.insert(r.try_get("agent_id")?, u32::try_from(n).unwrap_or(u32::MAX));
        }
        Ok(out)
    }

    async fn offline_without_session(&self, now: i64) -> DbResult<u64> {
        notices::offline_without_session(&self.pool, now).await
    }

    async fn insert_session(&self, s: &SessionRow) -> DbResult<()> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, csrf_hash, agent_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&s.token_hash)
        .bind(&s.csrf_hash)
        .bind(s.agent_id)
        .bind(s.created_at)
        .bind(s.expires_at)
        .execute(&self.pool)
        .await
        .pg()?;
        Ok(())
    }

    async fn session(&self, token_hash: &str) -> DbResult<Option<SessionRow>> {
        let row = sqlx::query("SELECT * FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await
            .pg()?;
        row.as_ref().map(session).transpose()
    }

    async fn delete_session(&self, token_hash: &str) -> DbResult<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await
            .pg()?;
        Ok(())
    }

    async fn delete_expired_sessions(&self, now: i64) -> DbResult<u64> {
        let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(now)
            .execute(&self.pool)
            .await
            .pg()?;
        Ok(done.rows_affected())
    }

    async fn notices_after(&self, agent_id: i64, after: i64, limit: i64) -> DbResult<Vec<NoticeRow>> {
        notices::after(&self.pool, agent_id, after, limit).await
    }

    async fn notice_bounds(&self, agent_id: i64) -> DbResult<(i64, i64)> {
        notices::bounds(&self.pool, agent_id).await
    }

    async fn prune_notices(&self, before: i64, keep: i64) -> DbResult<u64> {
        notices::prune(&self.pool, before, keep).await
    }
}
