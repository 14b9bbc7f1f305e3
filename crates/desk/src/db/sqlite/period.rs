//! The insights loads on SQLite ([`Database::period_rows`] and
//! [`Database::period_rows_narrow`]): what makes a 100,000-conversation page fast enough.
//!
//! Moving rows through sqlx's SQLite driver costs more than SQLite needs to produce them (for
//! 100,000 conversations, 250,000 rows one by one took 1.8 s, one row per conversation 0.67 s),
//! so SQLite builds JSON per slice of the period: an array of conversations (each an array of
//! its fields and its first agent reply) and an array of their audit rows (id order). JSON
//! keeps every text exact (no separator characters to blank or hex-encode) and SQLite's JSON
//! functions build it in one pass, where the earlier packing concatenated with `||`, copying
//! each line once per field (SQLite 3.40 on the bench database, one period: 0.99 s CPU packed,
//! 0.49 s as JSON with each trail nested in its conversation). The period is split into time
//! slices queried separately, two at a time, instead of numbering the rows with a window
//! function to chunk them (that sorted every packed line): each slice is one index range and
//! arrives while the previous one is being decoded.

use super::super::{AuditRow, DbError, DbResult, NarrowFields, PeriodConversation, PeriodRows};
use futures_util::{StreamExt, TryStreamExt};
use sqlx::{Row, SqlitePool};

/// Time slices per period: enough that decoding overlaps with SQLite producing the next slice,
/// few enough that the per-query cost does not matter (90 days: under six days each).
const SLICES: i64 = 16;

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

impl Columns {
    pub const ALL: Columns = Columns { all: true, reasons: true, departments: true, tiers: true };

    pub fn narrow(n: NarrowFields) -> Columns {
        Columns { all: false, reasons: false, departments: n.departments, tiers: n.tiers }
    }

    /// One row per slice: the conversations (start order not guaranteed) and, separately,
    /// their audit rows in id order. Two flat arrays rather than each conversation's trail
    /// nested in it: an aggregate per conversation cost SQLite about a third more (measured
    /// with SQLite 3.40 on the bench database: 0.32 s against 0.22 s CPU for 100,000
    /// conversations and 150,000 audit rows).
    fn sql(self) -> String {
        let or_null = |keep: bool, expr: &str| if keep { expr.to_string() } else { "NULL".to_string() };
        let reason = if self.reasons {
            "e.reason".to_string()
        } else {
            "CASE WHEN e.kind IN ('handoff', 'sla_breach') THEN e.reason ELSE '' END".to_string()
        };
        const PERIOD: &str = "c.site_key = ?1 AND c.created_at >= ?2 AND c.created_at < ?3";
        format!(
            "SELECT \
             (SELECT json_group_array(json_array(c.id, c.locale, {priority}, c.rating, {comment}, {article}, \
                     c.created_at, CASE WHEN c.rating IS NOT NULL THEN c.updated_at ELSE c.created_at END, \
                     (SELECT MIN(m.created_at) FROM messages m WHERE m.conversation_id = c.id \
                      AND m.author = 'agent' AND m.internal = 0))) \
              FROM conversations c WHERE {PERIOD}), \
             (SELECT json_group_array(json_array(e.conversation_id, e.kind, {reason}, {from_department}, \
                     {to_department}, {from_tier}, {to_tier}, {agent}, e.at) ORDER BY e.id) \
              FROM conversations c JOIN escalation_events e ON e.conversation_id = c.id WHERE {PERIOD})",
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
            from_department = or_null(self.departments, "e.from_department"),
            to_department = or_null(self.departments, "e.to_department"),
            from_tier = or_null(self.tiers, "e.from_tier"),
            to_tier = or_null(self.tiers, "e.to_tier"),
            agent = or_null(self.all, "e.agent_id"),
        )
    }
}

/// One audit row as the query writes it: conversation, kind, reason, from/to department,
/// from/to tier, agent, at.
type AuditJson = (
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<i64>,
    i64,
);

/// One conversation: id, locale, priority, rating, comment, unhelpful article, created,
/// updated, first agent reply.
type ConversationJson =
    (String, String, Option<String>, Option<i64>, Option<String>, Option<String>, i64, i64, Option<i64>);

/// `[from, to)` cut into at most [`SLICES`] consecutive non-empty slices.
fn slices(from: i64, to: i64) -> Vec<(i64, i64)> {
    let len = i128::from(to) - i128::from(from);
    let mut cuts: Vec<i64> = (0..=SLICES)
        .map(|i| {
            let at = i128::from(from) + len * i128::from(i) / i128::from(SLICES);
            i64::try_from(at).unwrap_or(to)
        })
        .collect();
    cuts.dedup();
    cuts.windows(2).map(|w| (w[0], w[1])).collect()
}

fn parse<T: serde::de::DeserializeOwned>(json: Option<&str>) -> DbResult<Vec<T>> {
    match json {
        Some(j) => {
            serde_json::from_str(j).map_err(|e| DbError::Corrupt(format!("insights period rows: {e}")))
        }
        None => Ok(Vec::new()),
    }
}

fn decode(
    site_key: &str,
    conversations: Option<&str>,
    audit: Option<&str>,
    out: &mut PeriodRows,
) -> DbResult<()> {
    let first = out.conversations.len();
    for (id, locale, priority, rating, rating_comment, unhelpful_article, created_at, updated_at, reply) in
        parse::<ConversationJson>(conversations)?
    {
        if let Some(at) = reply {
            out.first_agent_reply.insert(id.clone(), at);
        }
        out.conversations.push(PeriodConversation {
            id,
            locale,
            priority,
            rating,
            rating_comment,
            unhelpful_article,
            created_at,
            updated_at,
        });
    }
    // Start order, as the trait promises; a slice is one time range, so sorting each is enough.
    out.conversations[first..].sort_by(|a, b| a.created_at.cmp(&b.created_at).then_with(|| a.id.cmp(&b.id)));
    for (conversation_id, kind, reason, from_department, to_department, from_tier, to_tier, agent_id, at) in
        parse::<AuditJson>(audit)?
    {
        out.audit.push(AuditRow {
            conversation_id,
            site_key: site_key.to_string(),
            kind,
            reason,
            from_department,
            to_department,
            from_tier,
            to_tier,
            agent_id,
            at,
        });
    }
    Ok(())
}

/// The conversations of `site_key` started in `[from, to)` with the chosen columns.
pub(super) async fn load(
    pool: &SqlitePool,
    site_key: &str,
    from: i64,
    to: i64,
    columns: Columns,
) -> DbResult<PeriodRows> {
    let sql = columns.sql();
    let sql = sql.as_str();
    let mut chunks = futures_util::stream::iter(slices(from, to))
        .map(|(start, end)| async move {
            let row = sqlx::query(sql).bind(site_key).bind(start).bind(end).fetch_one(pool).await?;
            let conversations: Option<String> = row.try_get(0)?;
            let audit: Option<String> = row.try_get(1)?;
            Ok::<_, DbError>((conversations, audit))
        })
        // Two at a time: SQLite builds the next slice on its own thread while this one decodes.
        .buffered(2);
    let mut out = PeriodRows::default();
    while let Some((conversations, audit)) = chunks.try_next().await? {
        decode(site_key, conversations.as_deref(), audit.as_deref(), &mut out)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slices_cover_the_period_without_gaps_or_empty_slices() {
        let s = slices(0, 160);
        assert_eq!(s.len(), 16);
        assert_eq!((s[0].0, s[15].1), (0, 160));
        assert!(s.windows(2).all(|w| w[0].1 == w[1].0));
        assert_eq!(slices(5, 8), vec![(5, 6), (6, 7), (7, 8)], "shorter than SLICES ms");
        assert!(slices(5, 5).is_empty());
        let wide = slices(i64::MIN, i64::MAX);
        assert_eq!((wide[0].0, wide[wide.len() - 1].1), (i64::MIN, i64::MAX));
    }
}
