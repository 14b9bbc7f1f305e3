//! The insights loads on SQLite ([`InsightsStore::period_rows`] and
//! [`InsightsStore::period_rows_narrow`]): what makes a 100,000-conversation page fast enough.
//!
//! Two plain queries on a read-only rusqlite connection (reader.rs): the conversations, straight
//! from the covering index of migration 0007, and their audit rows. Each runs on its own
//! blocking thread, so the two overlap. History of this file, measured on the bench database
//! (100,000 conversations, 150,000 audit rows): rows one by one through sqlx 1.8 s; JSON built by
//! SQLite per time slice and parsed in Rust 0.56 s; plain rows through rusqlite, below.

use super::super::{AuditRow, DbResult, NarrowFields, PeriodConversation, PeriodRows};
use super::reader::Readers;
use rusqlite::types::ValueRef;
use rusqlite::{params, Row};

/// Which columns a load carries; the others come back as SQL NULL (or an empty reason).
#[derive(Debug, Clone, Copy)]
pub(super) struct Columns {
    /// Priority, rating comment and the unhelpful article: every figure, not only the headline.
    pub all: bool,
    /// Every audit row's reason; otherwise only those of `handoff` and `sla_breach` rows.
    pub reasons: bool,
    pub departments: bool,
    pub tiers: bool,
}

const PERIOD: &str = "c.site_key = ?1 AND c.created_at >= ?2 AND c.created_at < ?3";

impl Columns {
    pub const ALL: Columns = Columns { all: true, reasons: true, departments: true, tiers: true };

    pub fn narrow(n: NarrowFields) -> Columns {
        Columns { all: false, reasons: false, departments: n.departments, tiers: n.tiers }
    }

    /// The conversations in start order: id, locale, priority, rating, comment, unhelpful
    /// article, created, updated (created when unrated), first agent reply.
    fn conversations_sql(self) -> String {
        format!(
            "SELECT c.id, c.locale, {priority}, c.rating, {comment}, {article}, c.created_at, \
             CASE WHEN c.rating IS NOT NULL THEN c.updated_at ELSE c.created_at END, \
             (SELECT MIN(m.created_at) FROM messages m WHERE m.conversation_id = c.id \
              AND m.author = 'agent' AND m.internal = 0) \
             FROM conversations c WHERE {PERIOD} ORDER BY c.created_at, c.id",
            priority = or_null(self.all, "c.priority"),
            // Table columns only for rated rows: the rest of the row comes from the index
            // (migration 0007) without reading the conversation's stored handoff.
            comment = or_null(self.all, "CASE WHEN c.rating IS NOT NULL THEN c.rating_comment END"),
            // Only when the stored handoff (the latest) still says article_unhelpful; the
            // article is taken out of the JSON here, which also carries the whole transcript.
            article = or_null(
                self.all,
                "CASE WHEN c.reason = 'article_unhelpful' AND json_valid(c.handoff_json) \
                 AND json_extract(c.handoff_json, '$.reason') = 'article_unhelpful' \
                 THEN COALESCE(json_extract(c.handoff_json, '$.article'), '') END"
            ),
        )
    }

    /// Their audit rows, each conversation's oldest first (conversations in start order):
    /// conversation, kind, reason, from/to department, from/to tier, agent, at.
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
        "NULL".to_string()
    }
}

/// A text column (NULL and non-text as absent; the schema declares these TEXT).
fn text(row: &Row<'_>, i: usize) -> DbResult<Option<String>> {
    Ok(match row.get_ref(i)? {
        ValueRef::Text(t) => Some(String::from_utf8_lossy(t).into_owned()),
        _ => None,
    })
}

fn conversation(row: &Row<'_>) -> DbResult<(PeriodConversation, Option<i64>)> {
    Ok((
        PeriodConversation {
            id: row.get(0)?,
            locale: row.get(1)?,
            priority: text(row, 2)?,
            rating: row.get(3)?,
            rating_comment: text(row, 4)?,
            unhelpful_article: text(row, 5)?,
            created_at: row.get(6)?,
            updated_at: row.get(7)?,
        },
        row.get(8)?,
    ))
}

fn audit(row: &Row<'_>, site_key: &str) -> DbResult<AuditRow> {
    Ok(AuditRow {
        conversation_id: row.get(0)?,
        site_key: site_key.to_string(),
        kind: row.get(1)?,
        reason: row.get(2)?,
        from_department: text(row, 3)?,
        to_department: text(row, 4)?,
        from_tier: text(row, 5)?,
        to_tier: text(row, 6)?,
        agent_id: row.get(7)?,
        at: row.get(8)?,
    })
}

/// The conversations of `site_key` started in `[from, to)` with the chosen columns.
pub(super) async fn load(
    readers: &Readers,
    site_key: &str,
    from: i64,
    to: i64,
    columns: Columns,
) -> DbResult<PeriodRows> {
    let key = site_key.to_string();
    // One thread per load, the two queries in turn: two loads run at once (this period and the
    // previous one), and more threads than cores only made SQLite's mutexes contended.
    let (conversations, audit) = readers
        .run(move |conn| {
            let mut stmt = conn.prepare_cached(&columns.conversations_sql())?;
            let mut rows = stmt.query(params![key, from, to])?;
            let mut conversations = Vec::new();
            while let Some(row) = rows.next()? {
                conversations.push(conversation(row)?);
            }
            drop(rows);
            let mut stmt = conn.prepare_cached(&columns.audit_sql())?;
            let mut rows = stmt.query(params![key, from, to])?;
            let mut audit_rows = Vec::new();
            while let Some(row) = rows.next()? {
                audit_rows.push(audit(row, &key)?);
            }
            Ok((conversations, audit_rows))
        })
        .await?;
    let mut out = PeriodRows { audit, ..PeriodRows::default() };
    out.conversations.reserve(conversations.len());
    for (c, reply) in conversations {
        if let Some(at) = reply {
            out.first_agent_reply.insert(c.id.clone(), at);
        }
        out.conversations.push(c);
    }
    Ok(out)
}
