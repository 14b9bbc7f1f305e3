//! Escalation insights as `GET /v1/agent/insights` returns them: the figures the desk computes
//! per site and period (`handoff_desk::insights`) and the agent console draws. One definition
//! for both sides; the definitions of every figure are in `docs/protocol.md`, "Insights
//! (computed)".
//!
//! Response types only, read leniently: every struct defaults missing fields and ignores
//! unknown ones (`#[serde(default)]`, no `deny_unknown_fields`), so a desk that adds a figure
//! never breaks a console built before it.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Every figure of one site and period. The period `[from, to)` selects the conversations the
/// site *started* in it, followed through their whole history.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct Insights {
    pub site_key: String,
    /// RFC 3339, UTC.
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub from: String,
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub to: String,
    pub filter: Filter,
    pub containment: Containment,
    pub flow: EscalationFlow,
    pub speed: Speed,
    pub quality: Quality,
    pub trends: Trends,
    /// Content gaps: unmatched customer messages before a handoff, clustered per locale.
    pub gaps: Vec<GapCluster>,
    /// Articles named by the stored handoffs (the one the customer saw before asking for a
    /// person), most first.
    pub articles_before_handoff: Vec<ArticleCount>,
}

/// Narrows the conversations; every given field must match.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct Filter {
    /// The conversation was in this department at some point (any audit row names it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    /// The conversation reached this tier (any audit row names it; the bot tier matches every
    /// conversation).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tier: Option<String>,
    /// The conversation's locale.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    /// One of the conversation's handoffs had this reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Containment: what the bot and the portal resolved without a person.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct Containment {
    /// Conversations started in the period (after the filter).
    pub started: u64,
    /// Of those, conversations with at least one handoff (even one answered offline).
    pub handed_off: u64,
    /// `started - handed_off`: never handed to a person.
    pub contained: u64,
    /// `handed_off / started`; `None` without conversations.
    pub handoff_rate: Option<f64>,
    /// `contained / started`; `None` without conversations.
    pub containment_rate: Option<f64>,
    /// Handoff requests (audit rows `handoff`; a conversation handed off again after a hand-back
    /// or an offline answer counts again).
    pub handoffs: u64,
    /// `handoffs` by the bot's reason; the five protocol reasons are always present.
    pub handoffs_by_reason: BTreeMap<String, u64>,
    /// Handoff requests answered `offline` (audit rows `offline`).
    pub offline: u64,
    /// Hand-backs to the bot (audit rows `hand_back`).
    pub handed_back: u64,
}

/// One move `from -> to` with how often it happened and the reasons recorded at it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct Edge {
    pub from: String,
    pub to: String,
    pub count: u64,
    /// Recorded reason -> count (the bot's handoff reason, `sla_first_response`,
    /// `sla_resolution`, `manual`, or the agent's note).
    pub reasons: BTreeMap<String, u64>,
}

/// Escalation flow: moves up the ladder (hierarchical) and across departments (functional).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct EscalationFlow {
    /// Between tiers, sorted by `(from, to)`: every handoff is a move from the bot tier to the
    /// tier it went to; every `escalation` row a move `from_tier -> to_tier`.
    pub tiers: Vec<Edge>,
    /// Between departments (`transfer` rows), sorted by `(from, to)`.
    pub departments: Vec<Edge>,
    /// `escalation` rows (manual and SLA).
    pub escalations: u64,
    /// Conversations with at least one escalation.
    pub escalated_conversations: u64,
    /// `transfer` rows.
    pub transfers: u64,
    /// Conversations with at least one transfer.
    pub transferred_conversations: u64,
}

/// Count, median and 90th percentile of a set of durations (milliseconds), nearest-rank: always
/// one of the samples, never an interpolation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct Durations {
    pub count: u64,
    pub median_ms: Option<i64>,
    pub p90_ms: Option<i64>,
}

/// Speed: first human reply, resolution, queue waits, SLA attainment.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct Speed {
    /// First handoff -> first agent message to the customer (internal notes do not count), over
    /// handed-off conversations that got one.
    pub first_reply: Durations,
    /// Handed-off conversations without any agent message to the customer yet.
    pub without_reply: u64,
    /// First handoff -> first resolution, over resolved handed-off conversations.
    pub resolution: Durations,
    /// Handoff -> first assignment (the first wait in the queue), over conversations assigned
    /// after a handoff.
    pub queue_wait: Durations,
    /// Every later wait: back in the queue (escalation, transfer, first-response timeout, a new
    /// handoff after a hand-back) -> the next assignment.
    pub requeue_wait: Durations,
    pub sla: SlaFigures,
}

/// SLA attainment: a conversation has an SLA clock once a handoff queued it (audit row
/// `queued`); it attains its SLA if no `sla_breach` row was ever recorded for it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct SlaFigures {
    pub total: SlaRow,
    /// By the conversation's priority, sorted by priority id.
    pub by_priority: Vec<SlaRow>,
    /// By department, sorted by id: a conversation counts in every department whose queue it
    /// entered (`queued` and `transfer` rows), a breach in the department recorded on its row.
    pub by_department: Vec<SlaRow>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct SlaRow {
    /// The priority or department id (empty for the total).
    pub key: String,
    /// Conversations with an SLA clock.
    pub conversations: u64,
    /// Of those, conversations with at least one breach.
    pub breached_conversations: u64,
    /// `sla_breach` rows with reason `first_response` / `resolution` (one conversation can breach
    /// several times: once per tier it climbs).
    pub first_response_breaches: u64,
    pub resolution_breaches: u64,
    /// `(conversations - breached_conversations) / conversations`; `None` without conversations.
    pub attainment: Option<f64>,
}

/// Quality: the customers' ratings and the help articles that did not help.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct Quality {
    /// Rated conversations.
    pub ratings: u64,
    /// Mean score; `None` without ratings.
    pub average: Option<f64>,
    /// How many ratings had score 1, 2, 3, 4, 5 (index 0 is score 1).
    pub distribution: [u64; 5],
    /// The latest comments (non-empty), newest first (ties: conversation id).
    pub comments: Vec<Comment>,
    /// Conversations whose stored handoff (the latest) says `article_unhelpful`, by the article
    /// it names, most first (ties: article id); `article` is empty when the handoff named none.
    pub unhelpful_articles: Vec<ArticleCount>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct Comment {
    pub conversation_id: String,
    pub score: i64,
    pub comment: String,
    /// When it was rated (RFC 3339).
    pub at: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ArticleCount {
    pub article: String,
    pub count: u64,
}

/// The size of a trend bucket.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Bucket {
    /// UTC calendar days.
    #[default]
    Day,
    /// ISO weeks, Monday 00:00 UTC to the next Monday.
    Week,
}

impl Bucket {
    /// The name on the wire and in the query string (`day`, `week`).
    pub fn as_str(self) -> &'static str {
        match self {
            Bucket::Day => "day",
            Bucket::Week => "week",
        }
    }

    pub fn parse(s: &str) -> Option<Bucket> {
        [Bucket::Day, Bucket::Week].into_iter().find(|b| b.as_str() == s)
    }
}

/// The figures a trend line shows, for one set of conversations (a bucket, the period, the
/// period before).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct Headline {
    pub started: u64,
    pub handed_off: u64,
    pub contained: u64,
    pub handoff_rate: Option<f64>,
    pub escalations: u64,
    pub transfers: u64,
    pub sla_breaches: u64,
    pub sla_attainment: Option<f64>,
    pub first_reply_median_ms: Option<i64>,
    pub resolution_median_ms: Option<i64>,
    pub queue_wait_median_ms: Option<i64>,
    pub ratings: u64,
    pub rating_average: Option<f64>,
}

impl Headline {
    /// `self - previous` for every figure; `None` where either side is `None`.
    pub fn change(&self, previous: &Headline) -> HeadlineChange {
        fn n(a: u64, b: u64) -> i64 {
            i64::try_from(a).unwrap_or(i64::MAX) - i64::try_from(b).unwrap_or(i64::MAX)
        }
        fn f(a: Option<f64>, b: Option<f64>) -> Option<f64> {
            Some(a? - b?)
        }
        fn ms(a: Option<i64>, b: Option<i64>) -> Option<i64> {
            Some(a? - b?)
        }
        let p = previous;
        HeadlineChange {
            started: n(self.started, p.started),
            handed_off: n(self.handed_off, p.handed_off),
            contained: n(self.contained, p.contained),
            handoff_rate: f(self.handoff_rate, p.handoff_rate),
            escalations: n(self.escalations, p.escalations),
            transfers: n(self.transfers, p.transfers),
            sla_breaches: n(self.sla_breaches, p.sla_breaches),
            sla_attainment: f(self.sla_attainment, p.sla_attainment),
            first_reply_median_ms: ms(self.first_reply_median_ms, p.first_reply_median_ms),
            resolution_median_ms: ms(self.resolution_median_ms, p.resolution_median_ms),
            queue_wait_median_ms: ms(self.queue_wait_median_ms, p.queue_wait_median_ms),
            ratings: n(self.ratings, p.ratings),
            rating_average: f(self.rating_average, p.rating_average),
        }
    }
}

/// `current - previous` for every headline figure; `None` where either side is `None`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct HeadlineChange {
    pub started: i64,
    pub handed_off: i64,
    pub contained: i64,
    pub handoff_rate: Option<f64>,
    pub escalations: i64,
    pub transfers: i64,
    pub sla_breaches: i64,
    pub sla_attainment: Option<f64>,
    pub first_reply_median_ms: Option<i64>,
    pub resolution_median_ms: Option<i64>,
    pub queue_wait_median_ms: Option<i64>,
    pub ratings: i64,
    pub rating_average: Option<f64>,
}

/// One bucket of a trend line: the conversations started in it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct TrendPoint {
    /// RFC 3339, UTC; `[start, end)`, clipped to the period.
    pub start: String,
    pub end: String,
    #[serde(flatten)]
    pub figures: Headline,
}

/// Trends: the headline figures per UTC day or ISO week, and against the previous period.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct Trends {
    pub bucket: Bucket,
    pub points: Vec<TrendPoint>,
    /// The whole period.
    pub current: Headline,
    /// The period of the same length right before `from`.
    pub previous: Headline,
    pub change: HeadlineChange,
}

/// One topic the content does not cover: customer messages the bot could not match before a
/// handoff, clustered per language.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct GapCluster {
    pub locale: String,
    /// The normalised words most of its messages share, joined by spaces.
    pub label: String,
    pub words: Vec<String>,
    /// Unmatched messages in the cluster.
    pub messages: u64,
    /// Of those, messages of conversations that were handed off.
    pub handoffs: u64,
    /// Up to three messages as written, with their conversations.
    pub examples: Vec<GapExample>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct GapExample {
    pub conversation_id: String,
    pub text: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_by_name_and_points_flatten_their_figures() {
        assert_eq!(Bucket::parse("week"), Some(Bucket::Week));
        assert_eq!(Bucket::parse("month"), None);
        assert_eq!(serde_json::to_value(Bucket::Day).unwrap(), "day");
        let p = TrendPoint {
            start: "a".into(),
            end: "b".into(),
            figures: Headline { started: 3, ..Headline::default() },
        };
        let v = serde_json::to_value(&p).unwrap();
        assert_eq!((v["start"].as_str(), v["started"].as_u64()), (Some("a"), Some(3)));
        assert_eq!(serde_json::from_value::<TrendPoint>(v).unwrap(), p);
    }

    #[test]
    fn an_empty_filter_serialises_as_an_empty_object_and_missing_fields_default() {
        assert_eq!(serde_json::to_string(&Filter::default()).unwrap(), "{}");
        let i: Insights =
            serde_json::from_str(r#"{"site_key":"s","new_figure":1,"containment":{"started":2}}"#).unwrap();
        assert_eq!((i.site_key.as_str(), i.containment.started), ("s", 2));
        assert_eq!(i.quality.distribution, [0; 5]);
    }

    #[test]
    fn change_is_current_minus_previous_and_none_when_either_is_none() {
        let cur = Headline {
            started: 3,
            handoff_rate: Some(0.5),
            rating_average: Some(4.0),
            ..Headline::default()
        };
        let prev = Headline { started: 5, handoff_rate: Some(0.25), ..Headline::default() };
        let ch = cur.change(&prev);
        assert_eq!(ch.started, -2);
        assert_eq!(ch.handoff_rate, Some(0.25));
        assert_eq!(ch.rating_average, None);
        assert_eq!(ch.first_reply_median_ms, None);
    }
}
