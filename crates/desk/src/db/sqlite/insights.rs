//! On SQLite: the insights and metrics loads (the period rows themselves are in period.rs).

use super::*;

#[async_trait]
impl InsightsStore for Sqlite {
    async fn period_rows(&self, site_key: &str, from: i64, to: i64) -> DbResult<PeriodRows> {
        period::load(&self.readers, site_key, from, to, period::Columns::ALL).await
    }

    async fn period_rows_narrow(
        &self,
        site_key: &str,
        from: i64,
        to: i64,
        fields: NarrowFields,
    ) -> DbResult<PeriodRows> {
        period::load(&self.readers, site_key, from, to, period::Columns::narrow(fields)).await
    }

    async fn handoff_texts(&self, site_key: &str, from: i64, to: i64) -> DbResult<Vec<HandoffText>> {
        // Written with each stored handoff (sqlite/gaps.rs): reading the transcripts here cost
        // about 0.9 s for 35,000 handoffs.
        let key = site_key.to_string();
        self.readers
            .run(move |conn| {
                let mut stmt = conn.prepare_cached(
                    "SELECT conversation_id, locale, article, unmatched_json FROM handoff_gaps \
                     WHERE site_key = ?1 AND created_at >= ?2 AND created_at < ?3 \
                     ORDER BY created_at, conversation_id",
                )?;
                let mut rows = stmt.query(rusqlite::params![key, from, to])?;
                let mut out = Vec::new();
                while let Some(r) = rows.next()? {
                    let id: String = r.get(0)?;
                    // NOT NULL in handoff_gaps: "[]" when nothing is unmatched.
                    let texts: String = r.get(3)?;
                    let unmatched = serde_json::from_str(&texts)
                        .map_err(|e| DbError::Corrupt(format!("unmatched messages of {id}: {e}")))?;
                    out.push(HandoffText {
                        conversation_id: id,
                        locale: r.get(1)?,
                        article: r.get(2)?,
                        unmatched,
                    });
                }
                Ok(out)
            })
            .await
    }

    async fn stored_counts(&self) -> DbResult<StoredCounts> {
        let n = |v: i64| u64::try_from(v).unwrap_or(0);
        let mut out = StoredCounts::default();
        let audit = sqlx::query(
            "SELECT site_key, kind, \
             CASE kind WHEN 'escalation' THEN ifnull(from_tier, '') WHEN 'transfer' THEN ifnull(from_department, '') \
                  WHEN 'offline' THEN '' ELSE reason END AS a, \
             CASE kind WHEN 'escalation' THEN ifnull(to_tier, '') WHEN 'transfer' THEN ifnull(to_department, '') \
                  ELSE '' END AS b, COUNT(*) \
             FROM escalation_events WHERE kind IN ('handoff', 'sla_breach', 'offline', 'escalation', 'transfer') \
             GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4",
        )
        .fetch_all(&self.pool)
        .await?;
        for r in audit {
            out.audit.push((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?, n(r.try_get(4)?)));
        }
        let per_site = sqlx::query(
            "SELECT site_key, COUNT(*), COUNT(CASE WHEN rating BETWEEN 1 AND 5 THEN 1 END), \
             ifnull(SUM(CASE WHEN rating BETWEEN 1 AND 5 THEN rating END), 0) \
             FROM conversations GROUP BY 1 ORDER BY 1",
        )
        .fetch_all(&self.pool)
        .await?;
        for r in per_site {
            let site: String = r.try_get(0)?;
            out.started.push((site.clone(), n(r.try_get(1)?)));
            out.ratings.push((site, n(r.try_get(2)?), n(r.try_get(3)?)));
        }
        for r in sqlx::query("SELECT site_key, COUNT(*) FROM tickets GROUP BY 1 ORDER BY 1")
            .fetch_all(&self.pool)
            .await?
        {
            out.tickets.push((r.try_get(0)?, n(r.try_get(1)?)));
        }
        for r in sqlx::query(
            "SELECT site_key, status, COUNT(*) FROM conversations WHERE status IN ('queued', 'assigned') \
             GROUP BY 1, 2 ORDER BY 1, 2",
        )
        .fetch_all(&self.pool)
        .await?
        {
            out.open.push((r.try_get(0)?, r.try_get(1)?, n(r.try_get(2)?)));
        }
        Ok(out)
    }
}
