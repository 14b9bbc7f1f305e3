//! `handoff_gaps`: one row per conversation with a stored handoff, written in the transaction
//! that stores the conversation, from [`HandoffGap::of`] (computed in Rust since migration 0011;
//! triggers kept it before). The writes follow the triggers they replace: an inserted
//! conversation replaces any row of its id; an update rewrites the row only when the handoff or
//! the locale changed, taking the site, start time and locale from the stored conversation.

use super::super::gaps::HandoffGap;
use super::super::{ConversationRow, DbResult};
use sqlx::SqliteConnection;

/// After inserting the conversation `c`.
pub(super) async fn inserted(conn: &mut SqliteConnection, c: &ConversationRow) -> DbResult<()> {
    if let Some(gap) = c.handoff_json.as_deref().and_then(HandoffGap::of) {
        store(conn, &c.id, &gap, "INSERT OR REPLACE").await?;
    }
    Ok(())
}

/// Before updating the stored conversation to `c`: whether its gap row must be rewritten after.
/// Compared in SQL so that an unchanged handoff (every commit carries it) is neither read into
/// the desk nor parsed again.
pub(super) async fn must_rewrite(conn: &mut SqliteConnection, c: &ConversationRow) -> DbResult<bool> {
    let changed: Option<bool> = sqlx::query_scalar(
        "SELECT handoff_json IS NOT ?1 OR locale IS NOT ?2 FROM conversations WHERE id = ?3",
    )
    .bind(&c.handoff_json)
    .bind(&c.locale)
    .bind(&c.id)
    .fetch_optional(&mut *conn)
    .await?;
    // No row: the update that follows finds nothing either and fails the commit.
    Ok(changed.unwrap_or(false))
}

/// After updating the stored conversation to `c`, when [`must_rewrite`] said so.
pub(super) async fn rewrite(conn: &mut SqliteConnection, c: &ConversationRow) -> DbResult<()> {
    sqlx::query("DELETE FROM handoff_gaps WHERE conversation_id = ?").bind(&c.id).execute(&mut *conn).await?;
    if let Some(gap) = c.handoff_json.as_deref().and_then(HandoffGap::of) {
        store(conn, &c.id, &gap, "INSERT").await?;
    }
    Ok(())
}

pub(super) async fn store(
    conn: &mut SqliteConnection,
    id: &str,
    gap: &HandoffGap,
    insert: &str,
) -> DbResult<()> {
    sqlx::query(&format!(
        "{insert} INTO handoff_gaps (conversation_id, site_key, created_at, locale, article, unmatched_json) \
         SELECT id, site_key, created_at, locale, ?, ? FROM conversations WHERE id = ?"
    ))
    .bind(&gap.article)
    .bind(gap.unmatched_json()?)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use sqlx::Connection;

    /// The expressions of migration 0008's triggers, run by the SQLite the desk links (the
    /// triggers ran them only `WHEN json_valid(handoff_json)`); the CAST is what storing into
    /// the TEXT column `article` did.
    const TRIGGER_SQL: &str = "SELECT CAST(json_extract(?1, '$.article') AS TEXT), \
           (SELECT json_group_array(json_extract(t.value, '$.text')) \
              FROM json_each(?1, '$.transcript') t \
             WHERE json_extract(t.value, '$.role') = 'customer' \
               AND json_extract(t.value, '$.intent') IS NULL \
               AND json_type(t.value, '$.text') = 'text')";

    /// The Rust computation gives what the triggers stored, on handoffs as the desk writes them
    /// and on the odd values the triggers handled.
    #[tokio::test]
    async fn the_same_rows_as_the_triggers_of_migration_0008() {
        let mut conn = SqliteConnection::connect("sqlite::memory:").await.expect("connect");
        let line = |role: &str, text: &str, intent: Option<&str>| json!({"role": role, "text": text, "intent": intent});
        // Exactly as the desk stores one: the widget's request, parsed and written back.
        let request: handoff_protocol::v1::HandoffRequest = serde_json::from_value(json!({
            "reason": "article_unhelpful", "department": "orders", "tier": "agent",
            "priority": "normal", "locale": "cs", "article": "returns-policy",
            "transcript": [
                {"role": "bot", "text": "Hi!"},
                {"role": "customer", "text": "vrácení zboží \"rychle\""},
                {"role": "customer", "text": "where is my order", "intent": "order_status"},
                {"role": "customer", "text": "a person please"},
            ],
        }))
        .expect("request");
        let handoffs = [
            serde_json::to_string(&request).expect("desk handoff"),
            json!({"reason": "fallback", "article": "a1", "locale": "de", "transcript": [
                line("bot", "Hi", None), line("customer", "miss ž \"q\" \\ \n", None),
                line("customer", "hit", Some("order_status")), {"role": "customer", "text": "no intent key"},
            ]})
            .to_string(),
            json!({"article": null, "transcript": []}).to_string(),
            json!({"transcript": [{"role": "customer", "text": 5}, {"role": "customer"}, 5, null, [1],
                {"role": "customer", "text": "x", "intent": false}, {"role": "customer", "text": ""}]})
            .to_string(),
            json!({"article": 7}).to_string(),
            json!({"article": true, "transcript": null}).to_string(),
            json!({"article": [1, "b"], "transcript": {"only": {"role": "customer", "text": "in an object"}}})
                .to_string(),
            "5".into(),
            "[1]".into(),
            "\"s\"".into(),
            "not json".into(),
            " { \"article\" : \"spaced\" } ".into(),
        ];
        for h in handoffs {
            let valid: bool = sqlx::query_scalar("SELECT json_valid(?)")
                .bind(&h)
                .fetch_one(&mut conn)
                .await
                .expect("json_valid");
            let trigger = match valid {
                true => Some(
                    sqlx::query_as::<_, (Option<String>, String)>(TRIGGER_SQL)
                        .bind(&h)
                        .fetch_one(&mut conn)
                        .await
                        .expect("trigger sql"),
                ),
                false => None,
            };
            let rust = HandoffGap::of(&h).map(|g| {
                let json = g.unmatched_json().expect("json");
                (g.article, json)
            });
            assert_eq!(rust, trigger, "{h}");
        }
    }
}
