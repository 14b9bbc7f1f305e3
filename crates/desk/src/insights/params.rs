//! The HTTP query of the insights routes, parsed into an [`InsightsQuery`]: dates, defaults and
//! the site's known filter values. The route checks who may ask (`Desk::insights`).

use super::{bucket_count, Bucket, Filter, InsightsError, InsightsQuery, HANDOFF_REASONS, MAX_BUCKETS};
use crate::desk::error::DeskError;
use crate::sites::LoadedSite;
use chrono::{DateTime, NaiveDate};
use serde::Deserialize;

const DAY_MS: i64 = 86_400_000;
/// The default period: the 30 days before `to`.
pub const DEFAULT_DAYS: i64 = 30;

/// `?site=&from=&to=&bucket=&department=&tier=&locale=&reason=` (and `table=` for the CSV).
/// Empty values count as absent.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct InsightsParams {
    pub site: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub bucket: Option<String>,
    pub department: Option<String>,
    pub tier: Option<String>,
    pub locale: Option<String>,
    pub reason: Option<String>,
    pub table: Option<String>,
}

fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl InsightsParams {
    /// The site key asked for, if any.
    pub fn site(&self) -> Option<&str> {
        given(&self.site)
    }

    pub fn table(&self) -> Option<&str> {
        given(&self.table)
    }

    /// The query for `site` at `now` (ms): `to` defaults to now, `from` to 30 days before `to`.
    pub fn query(&self, site: &LoadedSite, now: i64) -> Result<InsightsQuery, DeskError> {
        let to = given(&self.to).map(|t| parse_time(t, true)).transpose()?.unwrap_or(now);
        let from = given(&self.from)
            .map(|f| parse_time(f, false))
            .transpose()?
            .unwrap_or(to - DEFAULT_DAYS * DAY_MS);
        let bucket = match given(&self.bucket) {
            None => Bucket::Day,
            Some(b) => Bucket::parse(b).ok_or_else(|| {
                DeskError::invalid("invalid_bucket", format!("bucket {b:?} is not one of day, week"))
            })?,
        };
        check_period(bucket, from, to)?;
        let s = &site.content.settings;
        let filter = Filter {
            department: given(&self.department).map(String::from),
            tier: given(&self.tier).map(String::from),
            locale: given(&self.locale).map(String::from),
            reason: given(&self.reason).map(String::from),
        };
        if let Some(d) = filter.department.as_deref().filter(|d| !site.has_department(d)) {
            let all: Vec<_> = s.departments.iter().map(|d| d.id.as_str()).collect();
            return Err(DeskError::invalid(
                "unknown_department",
                format!("department {d:?} is not one of {}", all.join(", ")),
            ));
        }
        if let Some(t) = filter.tier.as_deref().filter(|t| site.tier_level(t).is_none()) {
            return Err(DeskError::invalid(
                "unknown_tier",
                format!("tier {t:?} is not one of {}", site.tiers.join(", ")),
            ));
        }
        if let Some(l) = filter.locale.as_deref().filter(|l| !s.site.locales.iter().any(|x| x == l)) {
            return Err(DeskError::invalid(
                "unknown_locale",
                format!("locale {l:?} is not one of {}", s.site.locales.join(", ")),
            ));
        }
        if let Some(r) = filter.reason.as_deref().filter(|r| !HANDOFF_REASONS.contains(r)) {
            return Err(DeskError::invalid(
                "unknown_reason",
                format!("reason {r:?} is not one of {}", HANDOFF_REASONS.join(", ")),
            ));
        }
        let mut q = InsightsQuery::new(site.key.clone(), from, to);
        q.filter = filter;
        q.bucket = bucket;
        q.engine = site.engine().map(super::GapEngine);
        if let Some(bot) = site.tiers.first() {
            q.bot_tier = bot.clone();
        }
        Ok(q)
    }
}

/// The period must end after it starts and hold at most [`MAX_BUCKETS`] buckets. Pure
/// arithmetic, checked while the query is parsed: nothing is loaded or allocated for a period
/// that will be refused.
pub fn check_period(bucket: Bucket, from: i64, to: i64) -> Result<(), DeskError> {
    if to <= from {
        return Err(DeskError::invalid("empty_period", InsightsError::EmptyPeriod.to_string()));
    }
    if bucket_count(bucket, from, to) > MAX_BUCKETS as u64 {
        return Err(DeskError::invalid("too_many_buckets", InsightsError::TooManyBuckets.to_string()));
    }
    Ok(())
}

/// RFC 3339 (any offset), or a `YYYY-MM-DD` UTC date: its midnight as a start, the next
/// midnight as an end (`to=2026-11-30` includes that day).
pub fn parse_time(s: &str, end: bool) -> Result<i64, DeskError> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.timestamp_millis());
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        if let Some(t) = d.and_hms_opt(0, 0, 0) {
            let ms = t.and_utc().timestamp_millis();
            return Ok(if end { ms + DAY_MS } else { ms });
        }
    }
    Err(DeskError::invalid(
        "invalid_date",
        format!("{s:?} is neither an RFC 3339 time nor a YYYY-MM-DD date"),
    ))
}

#[cfg(test)]
mod tests {
    use super::{check_period, parse_time, Bucket, DAY_MS};

    #[test]
    fn periods_are_bounded_by_arithmetic() {
        let code = |b, f, t| check_period(b, f, t).map_err(|e| e.code()).err();
        assert_eq!(code(Bucket::Day, 0, 1000 * DAY_MS), None, "exactly 1,000 days");
        assert_eq!(code(Bucket::Day, 0, 1000 * DAY_MS + 1), Some("too_many_buckets"));
        assert_eq!(code(Bucket::Week, 0, 6000 * DAY_MS), None, "about 857 weeks");
        assert_eq!(code(Bucket::Day, 0, 0), Some("empty_period"));
        assert_eq!(code(Bucket::Day, i64::MAX, i64::MIN), Some("empty_period"));
        // The widest periods any input could give: refused at once, nothing built.
        for b in [Bucket::Day, Bucket::Week] {
            assert_eq!(code(b, i64::MIN, i64::MAX), Some("too_many_buckets"));
            assert_eq!(code(b, i64::MIN, 0), Some("too_many_buckets"));
            assert_eq!(code(b, 0, i64::MAX), Some("too_many_buckets"));
        }
    }

    #[test]
    fn dates_and_times() {
        assert_eq!(parse_time("2020-01-01", false).ok(), Some(1_577_836_800_000));
        assert_eq!(parse_time("2020-01-01", true).ok(), Some(1_577_836_800_000 + 86_400_000));
        assert_eq!(parse_time("2020-01-01T01:00:00+01:00", true).ok(), Some(1_577_836_800_000));
        assert_eq!(parse_time("2020-01-01T00:00:00.250Z", false).ok(), Some(1_577_836_800_250));
        for bad in ["2020-13-01", "yesterday", "2020-01-01T00:00:00", "1577836800000"] {
            assert_eq!(parse_time(bad, false).map_err(|e| e.code()).err(), Some("invalid_date"), "{bad}");
        }
    }
}
