//! On SQLite: the team's administration (issue 20), each change with its audit row.

use super::*;

pub(super) async fn insert_admin_audit(conn: &mut SqliteConnection, a: &AdminAuditRow) -> DbResult<()> {
    sqlx::query(
        "INSERT INTO admin_audit (at, actor_id, action, target, old_value, new_value) VALUES (?, ?, ?, ?, ?, ?)",
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
impl AdminStore for Sqlite {
    async fn create_agent(&self, a: &AgentRow, audit: &AdminAuditRow) -> DbResult<i64> {
        let mut tx = self.pool.begin_with(BEGIN_WRITE).await?;
        let res = sqlx::query(
            "INSERT INTO agents (email, name, password_hash, tier, departments, presence, capacity, sites, \
             ticket_mail, active, created_at) VALUES (?, ?, ?, ?, ?, 'offline', ?, ?, ?, ?, ?)",
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
        .execute(&mut *tx)
        .await;
        let id = match res {
            Ok(done) => done.last_insert_rowid(),
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                return Err(DbError::Duplicate(format!("agent {}", a.email)))
            }
            Err(e) => return Err(e.into()),
        };
        insert_admin_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn update_agent(
        &self,
        a: &AgentRow,
        audit: &AdminAuditRow,
        ended: &mut Vec<String>,
    ) -> DbResult<bool> {
        let mut tx = self.pool.begin_with(BEGIN_WRITE).await?;
        let done = sqlx::query(
            "UPDATE agents SET name = ?, tier = ?, departments = ?, capacity = ?, sites = ?, active = ?, \
             presence = CASE WHEN ? THEN presence ELSE 'offline' END WHERE id = ?",
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
        .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        if !a.active {
            let rows = sqlx::query("DELETE FROM sessions WHERE agent_id = ? RETURNING token_hash")
                .bind(a.id)
                .fetch_all(&mut *tx)
                .await?;
            for r in rows {
                ended.push(r.try_get("token_hash")?);
            }
        }
        insert_admin_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn admin_audit(&self, limit: i64) -> DbResult<Vec<AdminAuditRow>> {
        let rows = sqlx::query("SELECT * FROM admin_audit ORDER BY id DESC LIMIT ?")
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
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
        let mut tx = self.pool.begin_with(BEGIN_WRITE).await?;
        sqlx::query("UPDATE agents SET password_hash = ? WHERE id = ?")
            .bind(password_hash)
            .bind(agent_id)
            .execute(&mut *tx)
            .await?;
        let rows =
            sqlx::query("DELETE FROM sessions WHERE agent_id = ? AND token_hash <> ? RETURNING token_hash")
                .bind(agent_id)
                .bind(keep)
                .fetch_all(&mut *tx)
                .await?;
        for r in rows {
            ended.push(r.try_get("token_hash")?);
        }
        insert_admin_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn sessions_of(&self, agent_id: i64) -> DbResult<Vec<SessionRow>> {
        let rows =
            sqlx::query("SELECT * FROM sessions WHERE agent_id = ? ORDER BY created_at DESC, token_hash")
                .bind(agent_id)
                .fetch_all(&self.pool)
                .await?;
        rows.iter().map(session).collect()
    }
}
