//! Trends: the headline figures per UTC day or ISO week, and against the previous period.

use super::{Conv, Figures, InsightsQuery};
use serde::{Deserialize, Serialize};

const DAY_MS: i64 = 86_400_000;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Bucket {
    /// UTC calendar days.
    #[default]
    Day,
    /// ISO weeks, Monday 00:00 UTC to the next Monday.
    Week,
}

impl Bucket {
    pub fn parse(s: &str) -> Option<Bucket> {
        match s {
            "day" => Some(Bucket::Day),
            "week" => Some(Bucket::Week),
            _ => None,
        }
    }

    fn len_ms(self) -> i64 {
        match self {
            Bucket::Day => DAY_MS,
            Bucket::Week => 7 * DAY_MS,
        }
    }
}

/// Start of the bucket containing `at` (ms since the epoch): UTC midnight, or the Monday
/// 00:00 UTC of its ISO week (1970-01-01 was a Thursday).
pub fn bucket_start(bucket: Bucket, at: i64) -> i64 {
    let day = at.div_euclid(DAY_MS);
    let first = match bucket {
        Bucket::Day => day,
        Bucket::Week => day - (day + 3).rem_euclid(7),
    };
    first * DAY_MS
}

/// The buckets covering `[from, to)` as `[start, end)` pairs, clipped to the period (so the
/// first and the last can be partial). Empty when `to <= from`.
pub fn buckets(bucket: Bucket, from: i64, to: i64) -> Vec<(i64, i64)> {
    let mut out = Vec::new();
    let mut start = bucket_start(bucket, from);
    while start < to {
        let end = start.saturating_add(bucket.len_ms());
        out.push((start.max(from), end.min(to)));
        start = end;
    }
    out
}

/// The figures a trend line shows, for one set of conversations.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
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

/// `current - previous` for every headline figure; `None` where either side is `None`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
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

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrendPoint {
    /// RFC 3339, UTC; `[start, end)`, clipped to the period.
    pub start: String,
    pub end: String,
    /// Conversations started in this bucket.
    #[serde(flatten)]
    pub figures: Headline,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trends {
    pub bucket: Bucket,
    pub points: Vec<TrendPoint>,
    /// The whole period.
    pub current: Headline,
    /// The period of the same length right before `from`.
    pub previous: Headline,
    pub change: HeadlineChange,
}

impl Headline {
    pub(crate) fn of(f: &Figures) -> Headline {
        let sla = &f.speed.sla.total;
        Headline {
            started: f.containment.started,
            handed_off: f.containment.handed_off,
            contained: f.containment.contained,
            handoff_rate: f.containment.handoff_rate,
            escalations: f.flow.escalations,
            transfers: f.flow.transfers,
            sla_breaches: sla.first_response_breaches + sla.resolution_breaches,
            sla_attainment: sla.attainment,
            first_reply_median_ms: f.speed.first_reply.median_ms,
            resolution_median_ms: f.speed.resolution.median_ms,
            queue_wait_median_ms: f.speed.queue_wait.median_ms,
            ratings: f.quality.ratings,
            rating_average: f.quality.average,
        }
    }

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

pub(crate) fn trends(q: &InsightsQuery, convs: &[Conv<'_>], current: &Figures, previous: Headline) -> Trends {
    let points = buckets(q.bucket, q.from, q.to)
        .into_iter()
        .map(|(start, end)| {
            let inside: Vec<Conv<'_>> =
                convs.iter().filter(|c| (start..end).contains(&c.row.created_at)).cloned().collect();
            TrendPoint {
                start: crate::desk::rfc3339(start),
                end: crate::desk::rfc3339(end),
                figures: Figures::headline(&inside, q),
            }
        })
        .collect();
    let current = Headline::of(current);
    Trends { bucket: q.bucket, points, change: current.change(&previous), current, previous }
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2026-11-26 is a Thursday.
    const THU: i64 = 1_795_651_200_000; // 2026-11-26T00:00:00Z

    #[test]
    fn days_and_iso_weeks_start_at_utc_midnight_and_monday() {
        assert_eq!(crate::desk::rfc3339(THU), "2026-11-26T00:00:00.000Z");
        let noon = THU + DAY_MS / 2;
        assert_eq!(bucket_start(Bucket::Day, noon), THU);
        assert_eq!(bucket_start(Bucket::Day, THU), THU, "midnight belongs to its own day");
        assert_eq!(bucket_start(Bucket::Day, THU - 1), THU - DAY_MS);
        let monday = THU - 3 * DAY_MS;
        assert_eq!(crate::desk::rfc3339(monday), "2026-11-23T00:00:00.000Z");
        assert_eq!(bucket_start(Bucket::Week, noon), monday);
        assert_eq!(bucket_start(Bucket::Week, monday), monday);
        assert_eq!(bucket_start(Bucket::Week, monday - 1), monday - 7 * DAY_MS, "Sunday night");
        // Before the epoch too (1969-12-29 was a Monday).
        assert_eq!(bucket_start(Bucket::Week, -1), -3 * DAY_MS);
        assert_eq!(bucket_start(Bucket::Day, -1), -DAY_MS);
    }

    #[test]
    fn buckets_cover_the_period_and_clip_the_ends() {
        let from = THU + 3_600_000; // Thu 01:00
        let to = THU + 2 * DAY_MS + 7_200_000; // Sat 02:00
        assert_eq!(
            buckets(Bucket::Day, from, to),
            vec![(from, THU + DAY_MS), (THU + DAY_MS, THU + 2 * DAY_MS), (THU + 2 * DAY_MS, to)]
        );
        assert_eq!(buckets(Bucket::Week, from, to), vec![(from, to)]);
        let next_monday = THU + 4 * DAY_MS;
        assert_eq!(
            buckets(Bucket::Week, from, next_monday + 1),
            vec![(from, next_monday), (next_monday, next_monday + 1)]
        );
        assert_eq!(buckets(Bucket::Day, THU, THU + DAY_MS), vec![(THU, THU + DAY_MS)], "exactly one day");
        assert!(buckets(Bucket::Day, THU, THU).is_empty());
        assert_eq!(Bucket::parse("week"), Some(Bucket::Week));
        assert_eq!(Bucket::parse("month"), None);
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
