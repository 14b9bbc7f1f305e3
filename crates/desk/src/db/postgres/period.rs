//! The insights period loads on PostgreSQL ([`InsightsStore::period_rows`] and
//! [`InsightsStore::period_rows_narrow`]): the same rows as `sqlite/period.rs`, from two plain
//! queries run at once on two pooled connections (the conversations from the index
//! `conversations_insights`, and their audit rows).

use super::super::{AuditRow, DbResult, NarrowFields, PeriodConversation, PeriodRows};
use super::error::Pg;
use serde_json::Value;
use sqlx::postgres::PgRow;
use sqlx::{PgPool, Row};

/// Which columns a load carries; the others come back as NULL (or an empty reason).
#[derive(Debug, Clone, Copy)]
pub(super) struct Columns {
    /// Priority, rating comment and the unhelpful article: every figure, not only the headline.
    pub all: bool,
    /// Every audit row's reason; otherwise only those of `handoff` and `sla_breach` rows.
    pub reasons: bool,
    pub departments: bool,
    pub tiers: bool,
}

const PERIOD: &str = "c.site_key = $1 AND c.created_at >= $2 AND c.created_at < $3";

impl Columns {
    pub const ALL: Columns = Columns { all: true, reasons: true, departments: true, tiers: true };

    pub fn narrow(n: NarrowFields) -> Columns {
        Columns { all: false, reasons: false, departments: n.departments, tiers: n.tiers }
    }

    /// The conversations in start order: id, locale, priority, rating, comment, the handoff of
    /// an `article_unhelpful` conversation, created, updated (created when unrated), first
    /// agent reply.
    fn conversations_sql(self) -> String {
        format!(
            "SELECT c.id, c.locale, {priority}, c.rating, {comment}, {handoff}, c.created_at, \
             CASE WHEN c.rating IS NOT NULL THEN c.updated_at ELSE c.created_at END, \
             (SELECT MIN(m.created_at) FROM messages m WHERE m.conversation_id = c.id \
              AND m.author = 'agent' AND NOT m.internal) \
             FROM conversations c WHERE {PERIOD} ORDER BY c.created_at, c.id",
            priority = or_null(self.all, "c.priority"),
            comment = or_null(self.all, "CASE WHEN c.rating IS NOT NULL THEN c.rating_comment END"),
            // Parsed in Rust (unhelpful_article): stored handoffs are TEXT and may not be JSON,
            // which a cast to jsonb would fail on. Only the few rows whose reason says so.
            handoff = or_null(self.all, "CASE WHEN c.reason = 'article_unhelpful' THEN c.handoff_json END"),
        )
    }

    /// Their audit rows, each conversation's oldest first (conversations in start order).
    fn audit_sql(self) -> String {
        let reason = if self.reasons {
            "e.reason"
        } else {
            "CASE WHEN e.kind IN ('handoff', 'sla_breach') THEN e.reason ELSE '' END"
        };
        format!(
            "SELECT e.conversation_id, e.kind, {reason}, {from_department}, {to_department}, {from_tier}, \
             {to_tier}, {agent}, e.at \
             FROM conversations c JOIN escalation_events e ON e.conversation_id = c.id WHERE {PERIOD} \
             ORDER BY c.created_at, c.id, e.id",
            from_department = or_null(self.departments, "e.from_department"),
            to_department = or_null(self.departments, "e.to_department"),
            from_tier = or_null(self.tiers, "e.from_tier"),
            to_tier = or_null(self.tiers, "e.to_tier"),
            agent = or_null(self.all, "e.agent_id"),
        )
    }
}

fn or_null(keep: bool, expr: &str) -> String {
    if keep {
        expr.to_string()
    } else {
        // Typed, so every variant of a query decodes the same way.
        let ty = if expr.ends_with("agent_id") { "bigint" } else { "text" };
        format!("NULL::{ty}")
    }
}

/// The article of a stored handoff that still says `article_unhelpful`, as SQLite's
/// `COALESCE(json_extract(handoff_json, '$.article'), '')` read as text gives it: a string
/// article, `""` when missing or null, the (compact) JSON of an array or object; none for a
/// number or boolean (SQL numbers there), another reason or a handoff that is not JSON.
fn unhelpful_article(handoff_json: &str) -> Option<String> {
    let handoff: Value = serde_json::from_str(handoff_json).ok()?;
    if handoff.get("reason").and_then(Value::as_str) != Some("article_unhelpful") {
        return None;
    }
    match handoff.get("article") {
        None | Some(Value::Null) => Some(String::new()),
        Some(Value::String(s)) => Some(s.clone()),
        Some(v @ (Value::Array(_) | Value::Object(_))) => Some(v.to_string()),
        Some(_) => None,
    }
}

/// The conversations of `site_key` started in `[from, to)` with the chosen columns.
pub(super) async fn load(
    pool: &PgPool,
    site_key: &str,
    from: i64,
    to: i64,
    columns: Columns,
) -> DbResult<PeriodRows> {
    // Both queries at once, each on its own pooled connection (as SQLite's load overlaps its
    // two): neither needs the other's rows.
    let (conversations, audit) = futures_util::future::try_join(
        fetch(pool, &columns.conversations_sql(), site_key, from, to),
        fetch(pool, &columns.audit_sql(), site_key, from, to),
    )
    .await?;
    let mut out = PeriodRows::default();
    out.conversations.reserve(conversations.len());
    for r in &conversations {
        let id: String = r.try_get(0)?;
        let handoff: Option<&str> = r.try_get(5)?;
        if let Some(at) = r.try_get::<Option<i64>, _>(8)? {
            out.first_agent_reply.insert(id.clone(), at);
        }
        out.conversations.push(PeriodConversation {
            id,
            locale: r.try_get(1)?,
            priority: r.try_get(2)?,
            rating: r.try_get(3)?,
            rating_comment: r.try_get(4)?,
            unhelpful_article: handoff.and_then(unhelpful_article),
            created_at: r.try_get(6)?,
            updated_at: r.try_get(7)?,
        });
    }
    drop(conversations);
    out.audit.reserve(audit.len());
    for r in &audit {
        out.audit.push(AuditRow {
            conversation_id: r.try_get(0)?,
            site_key: site_key.to_string(),
            kind: r.try_get(1)?,
            reason: r.try_get(2)?,
            from_department: r.try_get(3)?,
            to_department: r.try_get(4)?,
            from_tier: r.try_get(5)?,
            to_tier: r.try_get(6)?,
            agent_id: r.try_get(7)?,
            at: r.try_get(8)?,
        });
    }
    Ok(out)
}

/// One period query's rows, without JIT compilation and without parallel workers.
///
/// JIT: the planner prices the per-conversation first-reply lookup (100,000 index probes for a
/// big period) far above `jit_above_cost`, and compiling the plan then took ~190 ms of a
/// ~470 ms query on the bench database: more than JIT can win back on a plan that only walks
/// indexes. Parallel workers: a page already runs four of these queries at once (two per
/// period), so workers only add CPU (the audit join's leader and two workers spent ~550 ms of
/// CPU where one process spends ~340 ms) on a server that has no idle core to give them.
async fn fetch(pool: &PgPool, sql: &str, site_key: &str, from: i64, to: i64) -> DbResult<Vec<PgRow>> {
    let mut tx = pool.begin().await.pg()?;
    sqlx::query("SET LOCAL jit = off").execute(&mut *tx).await.pg()?;
    sqlx::query("SET LOCAL max_parallel_workers_per_gather = 0").execute(&mut *tx).await.pg()?;
    let rows = sqlx::query(sql).bind(site_key).bind(from).bind(to).fetch_all(&mut *tx).await.pg()?;
    tx.commit().await.pg()?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_unhelpful_article_as_sqlite_reads_it() {
        let a = |h: &str| unhelpful_article(h);
        assert_eq!(a(r#"{"reason":"article_unhelpful","article":"x"}"#), Some("x".into()));
        assert_eq!(a(r#"{"reason":"article_unhelpful"}"#), Some(String::new()));
        assert_eq!(a(r#"{"reason":"article_unhelpful","article":null}"#), Some(String::new()));
        assert_eq!(a(r#"{"reason":"article_unhelpful","article":[1, "b"]}"#), Some(r#"[1,"b"]"#.into()));
        assert_eq!(a(r#"{"reason":"article_unhelpful","article":7}"#), None);
        assert_eq!(a(r#"{"reason":"fallback","article":"x"}"#), None);
        assert_eq!(a("not json"), None);
    }
}
