//! Trends: the headline figures per UTC day or ISO week, and against the previous period.

use super::{Conv, Figures, InsightsQuery};
use handoff_protocol::insights::{Bucket, Headline, TrendPoint, Trends};

const DAY_MS: i64 = 86_400_000;

fn len_ms(bucket: Bucket) -> i64 {
    match bucket {
        Bucket::Day => DAY_MS,
        Bucket::Week => 7 * DAY_MS,
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

/// How many buckets [`buckets`] would return for `[from, to)`, by arithmetic: checked before
/// anything is allocated, so a period of millennia costs nothing to refuse. Exact for every
/// `i64` pair (computed in `i128`).
pub fn bucket_count(bucket: Bucket, from: i64, to: i64) -> u64 {
    if to <= from {
        return 0;
    }
    // `bucket_start` in i128: near `i64::MIN` the bucket's start is below what i64 holds.
    let (day, len) = (i128::from(DAY_MS), i128::from(len_ms(bucket)));
    let d = i128::from(from).div_euclid(day);
    let first = match bucket {
        Bucket::Day => d,
        Bucket::Week => d - (d + 3).rem_euclid(7),
    } * day;
    // Buckets start at `first + k * len` for every k with a start before `to`.
    let n = (i128::from(to) - first + len - 1) / len;
    u64::try_from(n).unwrap_or(u64::MAX)
}

/// The buckets covering `[from, to)` as `[start, end)` pairs, clipped to the period (so the
/// first and the last can be partial). Empty when `to <= from`. Callers bound the period with
/// [`bucket_count`] first.
pub fn buckets(bucket: Bucket, from: i64, to: i64) -> Vec<(i64, i64)> {
    let mut out = Vec::new();
    let mut start = bucket_start(bucket, from);
    while start < to {
        let end = start.saturating_add(len_ms(bucket));
        out.push((start.max(from), end.min(to)));
        start = end;
    }
    out
}

/// The headline figures out of every figure of the same conversations.
pub(crate) fn headline(f: &Figures) -> Headline {
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

/// `convs` by value: each conversation moves into the one bucket that holds its start (the
/// buckets are disjoint), instead of every bucket scanning and cloning the whole list.
pub(crate) fn trends(
    q: &InsightsQuery,
    convs: Vec<Conv<'_>>,
    current: &Figures,
    previous: Headline,
) -> Trends {
    let spans = buckets(q.bucket, q.from, q.to);
    let mut inside: Vec<Vec<Conv<'_>>> = spans.iter().map(|_| Vec::new()).collect();
    for c in convs {
        let at = c.row.created_at;
        // The last bucket starting at or before `at`, if `at` is before its end.
        let i = spans.partition_point(|&(start, _)| start <= at);
        if let Some(list) = i.checked_sub(1).filter(|&i| at < spans[i].1).and_then(|i| inside.get_mut(i)) {
            list.push(c);
        }
    }
    let points = spans
        .iter()
        .zip(&inside)
        .map(|(&(start, end), convs)| TrendPoint {
            start: crate::desk::rfc3339(start),
            end: crate::desk::rfc3339(end),
            figures: Figures::headline(convs, q),
        })
        .collect();
    let current = headline(current);
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
        for (b, f, t) in [
            (Bucket::Day, from, to),
            (Bucket::Week, from, to),
            (Bucket::Week, from, next_monday + 1),
            (Bucket::Day, THU, THU + DAY_MS),
            (Bucket::Day, THU, THU),
            (Bucket::Day, THU + 1, THU + 3 * DAY_MS - 1),
            (Bucket::Week, THU - 1, THU + 30 * DAY_MS + 7),
        ] {
            assert_eq!(bucket_count(b, f, t), buckets(b, f, t).len() as u64, "{b:?} {f}..{t}");
        }
    }

    #[test]
    fn bucket_count_of_extreme_periods_is_arithmetic() {
        // These would be quintillions of buckets: counted, never built.
        assert_eq!(bucket_count(Bucket::Day, i64::MAX, i64::MIN), 0);
        assert_eq!(bucket_count(Bucket::Day, 0, i64::MAX), (i64::MAX as u64).div_ceil(DAY_MS as u64));
        assert!(bucket_count(Bucket::Day, i64::MIN, i64::MAX) > 200_000_000_000, "2^64 ms in days");
        assert!(bucket_count(Bucket::Week, i64::MIN, i64::MAX) > 30_000_000_000);
        assert_eq!(bucket_count(Bucket::Day, i64::MAX - 1, i64::MAX), 1);
        assert_eq!(bucket_count(Bucket::Week, i64::MIN, i64::MIN + 1), 1);
        assert_eq!(Bucket::parse("week"), Some(Bucket::Week));
        assert_eq!(Bucket::parse("month"), None);
    }
}
