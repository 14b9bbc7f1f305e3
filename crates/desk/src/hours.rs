//! Business hours: when a site's team takes chats. Evaluated in the site's own IANA time zone so
//! that daylight-saving changes and a desk running in UTC agree with the team's wall clock.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc, Weekday};
use chrono_tz::Tz;
use std::collections::BTreeSet;

/// One opening span within a day. `end <= start` means it runs past midnight into the next day
/// (an overnight shift: "22:00-06:00").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

impl Span {
    /// Parses `"HH:MM-HH:MM"`.
    pub fn parse(s: &str) -> Result<Span, String> {
        let (a, b) = s.split_once('-').ok_or_else(|| format!("{s:?}: expected HH:MM-HH:MM"))?;
        let t = |x: &str| {
            NaiveTime::parse_from_str(x.trim(), "%H:%M")
                .map_err(|e| format!("{s:?}: {x:?} is not HH:MM ({e})"))
        };
        let (start, end) = (t(a)?, t(b)?);
        if start == end {
            return Err(format!("{s:?}: empty span (use 00:00-24:00 style spans: write 00:00-23:59)"));
        }
        Ok(Span { start, end })
    }

    fn overnight(&self) -> bool {
        self.end <= self.start
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct BusinessHours {
    pub tz: Tz,
    /// Index 0 = Monday.
    pub weekly: [Vec<Span>; 7],
    /// Local dates on which no shift starts (an overnight shift that began the day before still
    /// runs to its end).
    pub holidays: BTreeSet<NaiveDate>,
}

impl BusinessHours {
    /// Open around the clock.
    pub fn always() -> Self {
        let all = || {
            vec![Span {
                start: NaiveTime::MIN,
                end: NaiveTime::MIN, // 00:00-00:00 as an overnight span: the whole day
            }]
        };
        BusinessHours {
            tz: chrono_tz::UTC,
            weekly: std::array::from_fn(|_| all()),
            holidays: BTreeSet::new(),
        }
    }

    pub fn is_open(&self, at: DateTime<Utc>) -> bool {
        let local = at.with_timezone(&self.tz).naive_local();
        let (date, time) = (local.date(), local.time());
        let day = |d: NaiveDate| -> &[Span] {
            if self.holidays.contains(&d) {
                &[]
            } else {
                &self.weekly[d.weekday().num_days_from_monday() as usize]
            }
        };
        let today = day(date).iter().any(|s| time >= s.start && (s.overnight() || time < s.end));
        let yesterday = date - Duration::days(1);
        let from_yesterday = day(yesterday).iter().any(|s| s.overnight() && time < s.end);
        today || from_yesterday
    }
}

pub fn weekday_index(name: &str) -> Option<usize> {
    let w: Weekday = name.parse().ok()?;
    Some(w.num_days_from_monday() as usize)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn hours(tz: Tz, spans: &[(usize, &str)], holidays: &[&str]) -> BusinessHours {
        let mut weekly: [Vec<Span>; 7] = Default::default();
        for (d, s) in spans {
            weekly[*d].push(Span::parse(s).unwrap());
        }
        BusinessHours {
            tz,
            weekly,
            holidays: holidays.iter().map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap()).collect(),
        }
    }

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
    }

    #[test]
    fn open_within_a_day_span_in_the_sites_time_zone() {
        // Mon-Fri 09:00-17:00 in Berlin. 2026-11-30 is a Monday; Berlin is UTC+1 in winter.
        let h = hours(chrono_tz::Europe::Berlin, &[(0, "09:00-17:00"), (4, "09:00-17:00")], &[]);
        assert!(!h.is_open(utc(2026, 11, 30, 7, 59)), "08:59 Berlin");
        assert!(h.is_open(utc(2026, 11, 30, 8, 0)), "09:00 Berlin");
        assert!(h.is_open(utc(2026, 11, 30, 15, 59)), "16:59 Berlin");
        assert!(!h.is_open(utc(2026, 11, 30, 16, 0)), "17:00 Berlin closes");
        assert!(!h.is_open(utc(2026, 12, 1, 10, 0)), "Tuesday has no span");
    }

    #[test]
    fn daylight_saving_moves_the_utc_window() {
        // In summer Berlin is UTC+2: 09:00 local is 07:00 UTC. 2026-07-06 is a Monday.
        let h = hours(chrono_tz::Europe::Berlin, &[(0, "09:00-17:00")], &[]);
        assert!(h.is_open(utc(2026, 7, 6, 7, 0)));
        assert!(!h.is_open(utc(2026, 7, 6, 15, 0)));
    }

    #[test]
    fn same_instant_differs_by_time_zone() {
        let manila = hours(chrono_tz::Asia::Manila, &[(0, "09:00-17:00")], &[]);
        let sao_paulo = hours(chrono_tz::America::Sao_Paulo, &[(0, "09:00-17:00")], &[]);
        let t = utc(2026, 11, 30, 2, 0); // Manila 10:00 Monday, Sao Paulo 23:00 Sunday
        assert!(manila.is_open(t));
        assert!(!sao_paulo.is_open(t));
    }

    #[test]
    fn overnight_span_runs_into_the_next_day() {
        // Friday 22:00 to Saturday 06:00 UTC. 2026-12-04 is a Friday.
        let h = hours(chrono_tz::UTC, &[(4, "22:00-06:00")], &[]);
        assert!(!h.is_open(utc(2026, 12, 4, 21, 59)));
        assert!(h.is_open(utc(2026, 12, 4, 23, 30)));
        assert!(h.is_open(utc(2026, 12, 5, 5, 59)), "Saturday morning belongs to Friday's shift");
        assert!(!h.is_open(utc(2026, 12, 5, 6, 0)));
        assert!(!h.is_open(utc(2026, 12, 5, 23, 0)), "Saturday itself has no shift");
    }

    #[test]
    fn holidays_close_the_day_but_not_yesterdays_night_shift() {
        let h = hours(chrono_tz::UTC, &[(3, "22:00-06:00"), (4, "09:00-17:00")], &["2026-12-25"]);
        // 2026-12-24 is a Thursday, 12-25 a Friday (holiday).
        assert!(h.is_open(utc(2026, 12, 25, 3, 0)), "Thursday's night shift ends as planned");
        assert!(!h.is_open(utc(2026, 12, 25, 10, 0)), "no Friday shift on the holiday");
        assert!(h.is_open(utc(2026, 12, 18, 10, 0)), "the Friday before is a normal day");
    }

    #[test]
    fn always_is_always_open_and_spans_validate() {
        let h = BusinessHours::always();
        assert!(h.is_open(utc(2026, 12, 25, 0, 0)));
        assert!(h.is_open(utc(2026, 12, 26, 23, 59)));
        assert!(Span::parse("9-17").is_err());
        assert!(Span::parse("09:00-09:00").is_err());
        assert!(Span::parse("25:00-26:00").is_err());
        assert_eq!(weekday_index("sat"), Some(5));
        assert_eq!(weekday_index("funday"), None);
    }
}
