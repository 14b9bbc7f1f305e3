//! Escalation insights (issue 7), computed: per site and period, what the bot contained, where
//! conversations escalated and why, how fast people answered, SLA attainment, what customers
//! thought, and how it all moved over time, as the protocol's wire types
//! (`handoff_protocol::insights`), ready for the route or a CSV.
//!
//! **Cohort:** a period `[from, to)` selects the conversations the site *started* in it
//! (`created_at`), and every figure follows those conversations through their whole stored
//! history (audit rows, messages), also past `to`. Recent periods can still change while their
//! conversations are open. Exact definitions: docs/protocol.md, "Insights (computed)".
//!
//! Everything is computed in Rust from one load per period ([`InsightsStore::period_rows`]; the
//! previous period, which gives only the headline figures, from a narrow one).

mod containment;
pub mod csv;
mod flow;
mod gaps;
mod params;
mod quality;
mod speed;
mod stats;
mod trends;

// The output is the protocol's: one definition for the desk and the console.
pub use handoff_protocol::insights::{
    ArticleCount, Bucket, Comment, Containment, Durations, Edge, EscalationFlow, Filter, GapCluster,
    GapExample, Headline, HeadlineChange, Insights, Quality, SlaFigures, SlaRow, Speed, TrendPoint, Trends,
};
pub use params::{check_period, parse_time, InsightsParams};
pub use stats::{durations, nearest_rank, ratio};
pub use trends::{bucket_count, bucket_start, buckets};

use crate::db::{AuditRow, Database, DbError, HandoffText, NarrowFields, PeriodConversation, PeriodRows};
use handoff_bot::Engine;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// The handoff reasons of the protocol, always listed (zero when absent).
pub const HANDOFF_REASONS: [&str; 5] = ["explicit", "fallback", "frustration", "rule", "article_unhelpful"];

/// At most this many trend buckets per request (a year of days, ten years of weeks).
pub const MAX_BUCKETS: usize = 1000;

/// The site's compiled bot, for the content gaps (equal when it is the same one).
#[derive(Clone)]
pub struct GapEngine(pub Arc<Engine>);

impl std::fmt::Debug for GapEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("GapEngine")
    }
}

impl PartialEq for GapEngine {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for GapEngine {}

/// What to compute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InsightsQuery {
    pub site_key: String,
    /// Milliseconds since the epoch, UTC; the period is `[from, to)`.
    pub from: i64,
    pub to: i64,
    pub filter: Filter,
    pub bucket: Bucket,
    /// How many of the latest rating comments to return.
    pub comments: usize,
    /// The site's lowest tier (its `tiers` list, first entry): where every handoff comes from.
    pub bot_tier: String,
    /// The site's bot: the content gaps are the unmatched messages it still cannot answer.
    /// Without it `gaps` stays empty.
    pub engine: Option<GapEngine>,
}

impl InsightsQuery {
    /// Daily buckets, the latest 10 comments, bot tier `bot`, no filter.
    pub fn new(site_key: impl Into<String>, from: i64, to: i64) -> Self {
        InsightsQuery {
            site_key: site_key.into(),
            from,
            to,
            filter: Filter::default(),
            bucket: Bucket::Day,
            comments: 10,
            bot_tier: "bot".into(),
            engine: None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum InsightsError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("the period must end after it starts")]
    EmptyPeriod,
    #[error("the period has more than {MAX_BUCKETS} buckets; use a coarser bucket")]
    TooManyBuckets,
    /// The computation's thread panicked or was cancelled.
    #[error("computing the insights failed: {0}")]
    Compute(String),
}

/// Loads the period and the one before it (same length) and computes every figure.
pub async fn compute(db: &dyn Database, q: &InsightsQuery) -> Result<Insights, InsightsError> {
    if q.to <= q.from {
        return Err(InsightsError::EmptyPeriod);
    }
    if bucket_count(q.bucket, q.from, q.to) > MAX_BUCKETS as u64 {
        return Err(InsightsError::TooManyBuckets);
    }
    let len = q.to - q.from;
    // The loads at once, on pooled connections: the load is most of the time. The previous
    // period only gives the headline figures (`trends.previous`, `trends.change`), so it loads
    // only the columns those and the filter read: exact, and about half the work.
    let (rows, previous, texts) = futures_util::future::try_join3(
        db.period_rows(&q.site_key, q.from, q.to),
        db.period_rows_narrow(&q.site_key, q.from.saturating_sub(len), q.from, narrow_fields(&q.filter)),
        db.handoff_texts(&q.site_key, q.from, q.to),
    )
    .await?;
    // Seconds of CPU for a big period: on a blocking thread, so the async workers keep serving
    // health checks and streams meanwhile (two such requests used to stall both workers).
    let q = q.clone();
    tokio::task::spawn_blocking(move || compute_all(&q, &rows, &previous, &texts))
        .await
        .map_err(|e| InsightsError::Compute(e.to_string()))
}

/// [`compute_rows`] plus the content gaps from the period's stored handoffs. `previous` may be
/// a narrow load ([`InsightsStore::period_rows_narrow`] with [`narrow_fields`]): only its
/// headline figures are used.
pub fn compute_all(
    q: &InsightsQuery,
    rows: &PeriodRows,
    previous: &PeriodRows,
    texts: &[HandoffText],
) -> Insights {
    // The previous period on a second thread: it is as big as this one.
    let (convs, fig, gaps, articles_before_handoff, before) = std::thread::scope(|s| {
        let before = s.spawn(|| Figures::headline(&conversations(previous, &q.filter, &q.bot_tier), q));
        let convs = conversations(rows, &q.filter, &q.bot_tier);
        let keep: HashSet<&str> = convs.iter().map(|c| c.row.id.as_str()).collect();
        let (gaps, articles) = gaps::gaps(q.engine.as_ref().map(|e| &*e.0), texts, &keep);
        let fig = Figures::of(&convs, q);
        let before = before.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
        (convs, fig, gaps, articles, before)
    });
    let trends = trends::trends(q, convs, &fig, before);
    Insights {
        site_key: q.site_key.clone(),
        from: crate::desk::rfc3339(q.from),
        to: crate::desk::rfc3339(q.to),
        filter: q.filter.clone(),
        containment: fig.containment,
        flow: fig.flow,
        speed: fig.speed,
        quality: fig.quality,
        trends,
        gaps,
        articles_before_handoff,
    }
}

/// [`compute`] on rows already loaded (`previous`: the period of equal length before `from`),
/// without the content gaps.
pub fn compute_rows(q: &InsightsQuery, rows: &PeriodRows, previous: &PeriodRows) -> Insights {
    compute_all(q, rows, previous, &[])
}

/// The four figure groups of one set of conversations.
pub(crate) struct Figures {
    pub containment: Containment,
    pub flow: EscalationFlow,
    pub speed: Speed,
    pub quality: Quality,
}

impl Figures {
    pub(crate) fn of(convs: &[Conv<'_>], q: &InsightsQuery) -> Figures {
        Figures {
            containment: containment::containment(convs),
            flow: flow::flow(convs, &q.bot_tier, true),
            speed: speed::speed(convs, true),
            quality: quality::quality(convs, q.comments),
        }
    }

    /// What [`trends::headline`] reads and nothing more: no flow edges, no SLA rows by priority or
    /// department, no comments. For the trend buckets and the previous period, whose load is
    /// narrow (it has no departments to group SLA rows by).
    pub(crate) fn headline(convs: &[Conv<'_>], q: &InsightsQuery) -> Headline {
        trends::headline(&Figures {
            containment: containment::containment(convs),
            flow: flow::flow(convs, &q.bot_tier, false),
            speed: speed::speed(convs, false),
            quality: quality::quality(convs, 0),
        })
    }
}

/// One conversation with its audit rows (oldest first) and first agent reply.
#[derive(Debug, Clone)]
pub(crate) struct Conv<'a> {
    pub row: &'a PeriodConversation,
    pub audit: Vec<&'a AuditRow>,
    pub first_reply: Option<i64>,
}

impl Conv<'_> {
    pub fn rows<'s>(&'s self, kind: &'s str) -> impl Iterator<Item = &'s AuditRow> + 's {
        self.audit.iter().copied().filter(move |a| a.kind == kind)
    }

    /// When the customer first asked for a person (the first `handoff` row).
    pub fn first_handoff(&self) -> Option<i64> {
        self.rows("handoff").next().map(|a| a.at)
    }
}

/// What a narrow load must carry for [`matches`] besides the headline's own needs.
pub fn narrow_fields(filter: &Filter) -> NarrowFields {
    NarrowFields { departments: filter.department.is_some(), tiers: filter.tier.is_some() }
}

/// Whether the conversation passes the filter (see [`Filter`] for each field).
pub(crate) fn matches(filter: &Filter, c: &Conv<'_>, bot_tier: &str) -> bool {
    let named =
        |v: &str, f: fn(&AuditRow) -> [Option<&str>; 2]| c.audit.iter().any(|a| f(a).contains(&Some(v)));
    filter.locale.as_ref().is_none_or(|l| &c.row.locale == l)
        && filter
            .department
            .as_ref()
            .is_none_or(|d| named(d, |a| [a.from_department.as_deref(), a.to_department.as_deref()]))
        && filter
            .tier
            .as_ref()
            .is_none_or(|t| t == bot_tier || named(t, |a| [a.from_tier.as_deref(), a.to_tier.as_deref()]))
        && filter.reason.as_ref().is_none_or(|r| c.rows("handoff").any(|a| &a.reason == r))
}

/// The period's conversations that pass the filter, in start order.
pub(crate) fn conversations<'a>(rows: &'a PeriodRows, filter: &Filter, bot_tier: &str) -> Vec<Conv<'a>> {
    let mut audit: HashMap<&str, Vec<&AuditRow>> = HashMap::new();
    for a in &rows.audit {
        audit.entry(a.conversation_id.as_str()).or_default().push(a);
    }
    rows.conversations
        .iter()
        .map(|row| Conv {
            row,
            audit: audit.remove(row.id.as_str()).unwrap_or_default(),
            first_reply: rows.first_agent_reply.get(&row.id).copied(),
        })
        .filter(|c| matches(filter, c, bot_tier))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conv(id: &str, created_at: i64) -> PeriodConversation {
        PeriodConversation {
            id: id.into(),
            locale: "en".into(),
            created_at,
            updated_at: created_at,
            ..PeriodConversation::default()
        }
    }

    fn row(id: &str, kind: &str, reason: &str, at: i64) -> AuditRow {
        AuditRow {
            conversation_id: id.into(),
            site_key: "s".into(),
            kind: kind.into(),
            reason: reason.into(),
            from_department: None,
            to_department: Some("orders".into()),
            from_tier: None,
            to_tier: Some("agent".into()),
            agent_id: None,
            at,
        }
    }

    fn query() -> InsightsQuery {
        InsightsQuery::new("s", 0, 1_000_000)
    }

    #[test]
    fn waits_reassignments_timeouts_and_a_second_handoff() {
        let mut c = conv("c", 10);
        // The latest handoff replaced the article_unhelpful one: not counted as unhelpful.
        c.unhelpful_article = None;
        c.rating = Some(9); // out of range: ignored
        let mut e = conv("e", 20);
        e.unhelpful_article = Some(String::new()); // article_unhelpful, naming no article
        let audit = vec![
            row("c", "handoff", "article_unhelpful", 100),
            row("c", "queued", "article_unhelpful", 100),
            row("c", "assignment", "auto", 150),
            row("c", "assignment", "reassign", 170), // not a wait
            // First-response timeout: breach, lost, escalation at the same instant.
            row("c", "sla_breach", "first_response", 400),
            row("c", "assignment_lost", "first_response_timeout", 400),
            row("c", "escalation", "sla_first_response", 400),
            row("c", "assignment", "auto", 460),
            row("c", "hand_back", "manual", 500),
            row("c", "handoff", "fallback", 600),
            row("c", "queued", "fallback", 600),
            row("c", "assignment", "claim", 610),
            row("c", "resolution", "resolved", 700),
            row("e", "handoff", "article_unhelpful", 50),
            row("e", "offline", "no_agent_online", 50),
        ];
        let rows = PeriodRows {
            conversations: vec![c, e],
            audit,
            first_agent_reply: [("c".to_string(), 130)].into_iter().collect(),
        };
        let i = compute_rows(&query(), &rows, &PeriodRows::default());
        assert_eq!((i.containment.started, i.containment.handed_off, i.containment.handoffs), (2, 2, 3));
        assert_eq!(i.containment.handoffs_by_reason["article_unhelpful"], 2);
        assert_eq!(i.containment.handoffs_by_reason["fallback"], 1);
        assert_eq!((i.containment.handed_back, i.containment.offline), (1, 1));
        // c: first wait 50, later waits 60 (timeout -> assignment) and 10 (second handoff).
        assert_eq!(i.speed.queue_wait, Durations { count: 1, median_ms: Some(50), p90_ms: Some(50) });
        assert_eq!(i.speed.requeue_wait, Durations { count: 2, median_ms: Some(10), p90_ms: Some(60) });
        assert_eq!(i.speed.first_reply, Durations { count: 1, median_ms: Some(30), p90_ms: Some(30) });
        assert_eq!(i.speed.resolution, Durations { count: 1, median_ms: Some(600), p90_ms: Some(600) });
        assert_eq!(i.speed.without_reply, 1);
        let t = &i.speed.sla.total;
        assert_eq!((t.conversations, t.breached_conversations, t.first_response_breaches), (1, 1, 1));
        assert_eq!(t.attainment, Some(0.0));
        assert_eq!(i.quality.ratings, 0);
        assert_eq!(
            i.quality.unhelpful_articles,
            vec![ArticleCount { article: String::new(), count: 1 }],
            "only e's stored handoff says article_unhelpful, and it names no article"
        );
        let f = Filter { reason: Some("fallback".into()), ..Filter::default() };
        let only_c = compute_rows(&InsightsQuery { filter: f, ..query() }, &rows, &PeriodRows::default());
        assert_eq!(only_c.containment.started, 1);
    }

    #[test]
    fn each_conversation_counts_in_the_bucket_of_its_start_only() {
        const DAY: i64 = 86_400_000;
        let starts = [0, DAY - 1, DAY, 3 * DAY - 1, 3 * DAY, -1];
        let rows = PeriodRows {
            conversations: starts.iter().enumerate().map(|(i, &at)| conv(&format!("c{i}"), at)).collect(),
            ..PeriodRows::default()
        };
        let i = compute_rows(&InsightsQuery::new("s", 0, 3 * DAY), &rows, &PeriodRows::default());
        let per_bucket: Vec<u64> = i.trends.points.iter().map(|p| p.figures.started).collect();
        assert_eq!(per_bucket, vec![2, 1, 1], "the ones before and after the period are in no bucket");
    }

    #[test]
    fn a_breach_in_a_department_no_queued_row_names_still_counts_that_department_once() {
        // History from before transfers were audited with departments: queued in orders, the
        // breach recorded in billing. Once failed with an underflow (conversations - breached).
        let mut breach = row("b", "sla_breach", "first_response", 30);
        breach.to_department = Some("billing".into());
        let rows = PeriodRows {
            conversations: vec![conv("b", 5)],
            audit: vec![row("b", "handoff", "explicit", 10), row("b", "queued", "explicit", 10), breach],
            first_agent_reply: HashMap::new(),
        };
        let i = compute_rows(&query(), &rows, &PeriodRows::default());
        let by: Vec<_> = i
            .speed
            .sla
            .by_department
            .iter()
            .map(|r| (r.key.as_str(), r.conversations, r.breached_conversations, r.attainment))
            .collect();
        assert_eq!(by, [("billing", 1, 1, Some(0.0)), ("orders", 1, 0, Some(1.0))]);
    }

    #[test]
    fn audit_rows_of_conversations_outside_the_rows_are_ignored() {
        let rows = PeriodRows {
            conversations: vec![conv("a", 5)],
            audit: vec![row("zzz", "handoff", "rule", 5)],
            first_agent_reply: HashMap::new(),
        };
        let i = compute_rows(&query(), &rows, &PeriodRows::default());
        assert_eq!((i.containment.started, i.containment.contained, i.containment.handoffs), (1, 1, 0));
        assert_eq!(i.containment.containment_rate, Some(1.0));
    }
}
