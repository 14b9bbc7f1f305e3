//! On SQLite: the site settings saved in the console, each change by compare-and-swap with its
//! audit row.

use super::admin::insert_admin_audit;
use super::*;

#[async_trait]
impl SettingsStore for Sqlite {
    async fn site_settings(&self) -> DbResult<Vec<SettingRow>> {
        let rows = sqlx::query(
            "SELECT site_key, section, body, updated_at, updated_by FROM site_settings ORDER BY site_key, section",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(SettingRow {
                    site_key: r.try_get("site_key")?,
                    section: r.try_get("section")?,
                    body: r.try_get("body")?,
                    updated_at: r.try_get("updated_at")?,
                    updated_by: r.try_get("updated_by")?,
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
        let mut tx = self.pool.begin_with(BEGIN_WRITE).await?;
        let q = match (expected, new) {
            (None, None) => return Ok(true),
            (None, Some(n)) => sqlx::query(
                "INSERT INTO site_settings (site_key, section, body, updated_at, updated_by) \
                 VALUES (?, ?, ?, ?, ?) ON CONFLICT (site_key, section) DO NOTHING",
            )
            .bind(site_key)
            .bind(section)
            .bind(&n.body)
            .bind(n.updated_at)
            .bind(n.updated_by),
            (Some(old), Some(n)) => sqlx::query(
                "UPDATE site_settings SET body = ?, updated_at = ?, updated_by = ? \
                 WHERE site_key = ? AND section = ? AND body = ?",
            )
            .bind(&n.body)
            .bind(n.updated_at)
            .bind(n.updated_by)
            .bind(site_key)
            .bind(section)
            .bind(old),
            (Some(old), None) => {
                sqlx::query("DELETE FROM site_settings WHERE site_key = ? AND section = ? AND body = ?")
                    .bind(site_key)
                    .bind(section)
                    .bind(old)
            }
        };
        if q.execute(&mut *tx).await?.rows_affected() != 1 {
            return Ok(false);
        }
        insert_admin_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(true)
    }
}
