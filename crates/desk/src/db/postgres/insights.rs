//! On PostgreSQL: the insights and metrics loads (the period rows themselves are in period.rs).

use super::*;

#[async_trait]
impl InsightsStore for Postgres {
    async fn period_rows(&self, site_key: &str, from: i64, to: i64) -> DbResult<PeriodRows> {
        period::load(&self.pool, site_key, from, to, period::Columns::ALL).await
    }

    async fn period_rows_narrow(
        &self,
        site_key: &str,
        from: i64,
        to: i64,
        fields: NarrowFields,
    ) -> DbResult<PeriodRows> {
        period::load(&self.pool, site_key, from, to, period::Columns::narrow(fields)).await
    }

    async fn handoff_texts(&self, site_key: &str, from: i64, to: i64) -> DbResult<Vec<HandoffText>> {
        // Written with each stored handoff (postgres/gaps.rs), so no transcript is read here.
        let rows = sqlx::query(
            "SELECT conversation_id, locale, article, unmatched_json FROM handoff_gaps \
             WHERE site_key = $1 AND created_at >= $2 AND created_at < $3 \
             ORDER BY created_at, conversation_id",
        )
        .bind(site_key)
        .bind(from)
        .bind(to)
        .fetch_all(&self.pool)
        .await
        .pg()?;
        rows.iter()
            .map(|r| {
                let id: String = r.try_get(0)?;
                // NOT NULL: "[]" when nothing is unmatched.
                let texts: &str = r.try_get(3)?;
                let unmatched = serde_json::from_str(texts)
                    .map_err(|e| DbError::Corrupt(format!("unmatched messages of {id}: {e}")))?;
                Ok(HandoffText {
                    conversation_id: id,
                    locale: r.try_get(1)?,
                    article: r.try_get(2)?,
                    unmatched,
                })
            })
            .collect()
    }

    async fn stored_counts(&self) -> DbResult<StoredCounts> {
        let n = |v: i64| u64::try_from(v).unwrap_or(0);
        let mut out = StoredCounts::default();
        let audit = sqlx::query(
            "SELECT site_key, kind, \
             CASE kind WHEN 'escalation' THEN COALESCE(from_tier, '') WHEN 'transfer' THEN COALESCE(from_department, '') \
                  WHEN 'offline' THEN '' ELSE reason END COLLATE \"C\" AS a, \
             CASE kind WHEN 'escalation' THEN COALESCE(to_tier, '') WHEN 'transfer' THEN COALESCE(to_department, '') \
                  ELSE '' END COLLATE \"C\" AS b, COUNT(*) \
             FROM escalation_events WHERE kind IN ('handoff', 'sla_breach', 'offline', 'escalation', 'transfer') \
             GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4",
        )
        .fetch_all(&self.pool)
        .await
        .pg()?;
        for r in audit {
            out.audit.push((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?, n(r.try_get(4)?)));
        }
        // SUM of bigint is numeric in PostgreSQL: back to bigint.
        let per_site = sqlx::query(
            "SELECT site_key, COUNT(*), COUNT(CASE WHEN rating BETWEEN 1 AND 5 THEN 1 END), \
             COALESCE(SUM(CASE WHEN rating BETWEEN 1 AND 5 THEN rating END), 0)::bigint \
             FROM conversations GROUP BY 1 ORDER BY 1",
        )
        .fetch_all(&self.pool)
        .await
        .pg()?;
        for r in per_site {
            let site: String = r.try_get(0)?;
            out.started.push((site.clone(), n(r.try_get(1)?)));
            out.ratings.push((site, n(r.try_get(2)?), n(r.try_get(3)?)));
        }
        for r in sqlx::query("SELECT site_key, COUNT(*) FROM tickets GROUP BY 1 ORDER BY 1")
            .fetch_all(&self.pool)
            .await
            .pg()?
        {
            out.tickets.push((r.try_get(0)?, n(r.try_get(1)?)));
        }
        for r in sqlx::query(
            "SELECT site_key, status, COUNT(*) FROM conversations WHERE status IN ('queued', 'assigned') \
             GROUP BY 1, 2 ORDER BY 1, 2",
        )
        .fetch_all(&self.pool)
        .await
        .pg()?
        {
            out.open.push((r.try_get(0)?, r.try_get(1)?, n(r.try_get(2)?)));
        }
        Ok(out)
    }
}
