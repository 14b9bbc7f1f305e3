//! On PostgreSQL: the team's administration (issue 20), each change with its audit row.

use super::*;

pub(super) async fn insert_admin_audit(conn: &mut PgConnection, a: &AdminAuditRow) -> DbResult<()> {
    sqlx::query(
        "INSERT INTO admin_audit (at, actor_id, action, target, old_value, new_value) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(a.at)
    .bind(a.actor_id)
    .bind(&a.action)
    .bind(&a.target)
    .bind(&a.old_value)
    .bind(&a.new_value)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[async_trait]
impl AdminStore for Postgres {
    async fn create_agent(&self, a: &AgentRow, audit: &AdminAuditRow) -> DbResult<i64> {
        let mut tx = self.pool.begin().await.pg()?;
        let res = sqlx::query(
            "INSERT INTO agents (email, name, password_hash, tier, departments, presence, capacity, sites, \
             ticket_mail, active, created_at) VALUES ($1, $2, $3, $4, $5, 'offline', $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(&a.email)
        .bind(&a.name)
        .bind(&a.password_hash)
        .bind(&a.tier)
        .bind(a.departments.join(","))
        .bind(i64::from(a.capacity))
        .bind(a.sites.join(","))
        .bind(a.ticket_mail)
        .bind(a.active)
        .bind(audit.at)
        .fetch_one(&mut *tx)
        .await;
        let id: i64 = match res.pg() {
            Ok(row) => row.try_get("id")?,
            Err(DbError::Duplicate(_)) => return Err(DbError::Duplicate(format!("agent {}", a.email))),
            Err(e) => return Err(e),
        };
        insert_admin_audit(&mut tx, audit).await?;
        tx.commit().await.pg()?;
        Ok(id)
    }

    async fn update_agent(
        &self,
        a: &AgentRow,
        audit: &AdminAuditRow,
        ended: &mut Vec<String>,
    ) -> DbResult<bool> {
        let mut tx = self.pool.begin().await.pg()?;
        let done = sqlx::query(
            "UPDATE agents SET name = $1, tier = $2, departments = $3, capacity = $4, sites = $5, active = $6, \
             presence = CASE WHEN $7 THEN presence ELSE 'offline' END WHERE id = $8",
        )
        .bind(&a.name)
        .bind(&a.tier)
        .bind(a.departments.join(","))
        .bind(i64::from(a.capacity))
        .bind(a.sites.join(","))
        .bind(a.active)
        .bind(a.active)
        .bind(a.id)
        .execute(&mut *tx)
        .await
        .pg()?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        if !a.active {
            let rows = sqlx::query("DELETE FROM sessions WHERE agent_id = $1 RETURNING token_hash")
                .bind(a.id)
                .fetch_all(&mut *tx)
                .await
                .pg()?;
            for r in rows {
                ended.push(r.try_get("token_hash")?);
            }
        }
        insert_admin_audit(&mut tx, audit).await?;
        tx.commit().await.pg()?;
        Ok(true)
    }

    async fn admin_audit(&self, limit: i64) -> DbResult<Vec<AdminAuditRow>> {
        let rows = sqlx::query("SELECT * FROM admin_audit ORDER BY id DESC LIMIT $1")
            .bind(limit)
            .fetch_all(&self.pool)
            .await
            .pg()?;
        rows.iter()
            .map(|r| {
                Ok(AdminAuditRow {
                    id: r.try_get("id")?,
                    at: r.try_get("at")?,
                    actor_id: r.try_get("actor_id")?,
                    action: r.try_get("action")?,
                    target: r.try_get("target")?,
                    old_value: r.try_get("old_value")?,
                    new_value: r.try_get("new_value")?,
                })
            })
            .collect()
    }

    async fn set_password(
        &self,
        agent_id: i64,
        password_hash: &str,
        keep: &str,
        audit: &AdminAuditRow,
        ended: &mut Vec<String>,
    ) -> DbResult<()> {
        let mut tx = self.pool.begin().await.pg()?;
        sqlx::query("UPDATE agents SET password_hash = $1 WHERE id = $2")
            .bind(password_hash)
            .bind(agent_id)
            .execute(&mut *tx)
            .await
            .pg()?;
        let rows =
            sqlx::query("DELETE FROM sessions WHERE agent_id = $1 AND token_hash <> $2 RETURNING token_hash")
                .bind(agent_id)
                .bind(keep)
                .fetch_all(&mut *tx)
                .await
                .pg()?;
        for r in rows {
            ended.push(r.try_get("token_hash")?);
        }
        insert_admin_audit(&mut tx, audit).await?;
        tx.commit().await.pg()?;
        Ok(())
    }

    async fn sessions_of(&self, agent_id: i64) -> DbResult<Vec<SessionRow>> {
        let rows =
            sqlx::query("SELECT * FROM sessions WHERE agent_id = $1 ORDER BY created_at DESC, token_hash")
                .bind(agent_id)
                .fetch_all(&self.pool)
                .await
                .pg()?;
        rows.iter().map(session).collect()
    }
}
