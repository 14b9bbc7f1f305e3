//! On PostgreSQL: the site settings saved in the console, each change by compare-and-swap with
//! its audit row (the conditional write takes the row lock, so two instances saving at once
//! serialise and the later one finds the body changed).

use super::admin::insert_admin_audit;
use super::*;

#[async_trait]
impl SettingsStore for Postgres {
    async fn site_settings(&self) -> DbResult<Vec<SettingRow>> {
        let rows = sqlx::query(
            "SELECT site_key, section, body, updated_at, updated_by FROM site_settings ORDER BY site_key, section",
        )
        .fetch_all(&self.pool)
        .await
        .pg()?;
        rows.iter()
            .map(|r| {
                Ok(SettingRow {
                    site_key: r.try_get("site_key").pg()?,
                    section: r.try_get("section").pg()?,
                    body: r.try_get("body").pg()?,
                    updated_at: r.try_get("updated_at").pg()?,
                    updated_by: r.try_get("updated_by").pg()?,
                })
            })
            .collect()
    }

    async fn swap_setting(
        &self,
        site_key: &str,
        section: &str,
        expected: Option<&str>,
        new: Option<&SettingRow>,
        audit: &AdminAuditRow,
    ) -> DbResult<bool> {
        let mut tx = self.pool.begin().await.pg()?;
        let q = match (expected, new) {
            (None, None) => return Ok(true),
            (None, Some(n)) => sqlx::query(
                "INSERT INTO site_settings (site_key, section, body, updated_at, updated_by) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (site_key, section) DO NOTHING",
            )
            .bind(site_key)
            .bind(section)
            .bind(&n.body)
            .bind(n.updated_at)
            .bind(n.updated_by),
            (Some(old), Some(n)) => sqlx::query(
                "UPDATE site_settings SET body = $1, updated_at = $2, updated_by = $3 \
                 WHERE site_key = $4 AND section = $5 AND body = $6",
            )
            .bind(&n.body)
            .bind(n.updated_at)
            .bind(n.updated_by)
            .bind(site_key)
            .bind(section)
            .bind(old),
            (Some(old), None) => {
                sqlx::query("DELETE FROM site_settings WHERE site_key = $1 AND section = $2 AND body = $3")
                    .bind(site_key)
                    .bind(section)
                    .bind(old)
            }
        };
        if q.execute(&mut *tx).await.pg()?.rows_affected() != 1 {
            return Ok(false);
        }
        insert_admin_audit(&mut tx, audit).await?;
        tx.commit().await.pg()?;
        Ok(true)
    }
}
