//! `handoff_gaps` on PostgreSQL: one row per conversation with a stored handoff, from
//! [`HandoffGap::of`], written in the transaction that stores the conversation. The same rules
//! as `sqlite/gaps.rs`: an inserted conversation replaces any row of its id; a commit rewrites
//! the row only when the handoff or the locale changed (`handoff_commit`, migration 0004, finds
//! that out while it locks the conversation row), taking the site, start time and locale from
//! the stored row.

use super::super::gaps::HandoffGap;
use super::super::{ConversationRow, DbResult};
use super::error::Pg;
use sqlx::PgConnection;

/// After inserting the conversation `c`.
pub(super) async fn inserted(conn: &mut PgConnection, c: &ConversationRow) -> DbResult<()> {
    if let Some(gap) = c.handoff_json.as_deref().and_then(HandoffGap::of) {
        store(conn, &c.id, &gap).await?;
    }
    Ok(())
}

pub(super) async fn store(conn: &mut PgConnection, id: &str, gap: &HandoffGap) -> DbResult<()> {
    sqlx::query(
        "INSERT INTO handoff_gaps (conversation_id, site_key, created_at, locale, article, unmatched_json) \
         SELECT id, site_key, created_at, locale, $1, $2 FROM conversations WHERE id = $3 \
         ON CONFLICT (conversation_id) DO UPDATE SET site_key = EXCLUDED.site_key, \
         created_at = EXCLUDED.created_at, locale = EXCLUDED.locale, article = EXCLUDED.article, \
         unmatched_json = EXCLUDED.unmatched_json",
    )
    .bind(&gap.article)
    .bind(gap.unmatched_json()?)
    .bind(id)
    .execute(&mut *conn)
    .await
    .pg()?;
    Ok(())
}
