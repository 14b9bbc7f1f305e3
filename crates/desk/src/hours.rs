//! Business hours: when a site's team takes chats. Evaluated in the site's own IANA time zone so
//! that daylight-saving changes and a desk running in UTC agree with the team's wall clock.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use handoff_protocol::settings::HoursSpec;
use std::collections::BTreeSet;

/// One opening span within a day. `end <= start` means it runs past midnight into the next day
/// (an overnight shift: "22:00-06:00").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

impl Span {
    /// Parses `"HH:MM-HH:MM"`; the end may be `24:00`.
    pub fn parse(s: &str) -> Result<Span, String> {
        let (a, b) = s.split_once('-').ok_or_else(|| format!("{s:?}: expected HH:MM-HH:MM"))?;
        let t = |x: &str| {
            NaiveTime::parse_from_str(x.trim(), "%H:%M")
                .map_err(|e| format!("{s:?}: {x:?} is not HH:MM ({e})"))
        };
        // `24:00` ends a span at midnight: stored as an overnight end at 00:00, so that
        // `00:00-24:00` is the whole day.
        let midnight = b.trim() == "24:00";
        let (start, end) = (t(a)?, if midnight { NaiveTime::MIN } else { t(b)? });
        if start == end && !midnight {
            return Err(format!("{s:?}: empty span (a whole day is 00:00-24:00)"));
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

/// At most this many spans per weekday and holidays per site: a schedule is read on every
/// handoff, and no real one comes near these.
pub const MAX_SPANS_PER_DAY: usize = 8;
pub const MAX_HOLIDAYS: usize = 400;

impl BusinessHours {
    /// Reads hours as the config file and the console write them; the error names the field.
    pub fn from_spec(spec: &HoursSpec) -> Result<BusinessHours, String> {
        let tz = spec.time_zone.trim().parse::<Tz>().map_err(|_| {
            format!("unknown time zone {:?} (use an IANA name such as Europe/Berlin)", spec.time_zone)
        })?;
        let mut weekly: [Vec<Span>; 7] = Default::default();
        for (day, spans) in &spec.days {
            let i =
                weekday_index(day).ok_or_else(|| format!("hours: {day:?} is not a weekday (mon..sun)"))?;
            if spans.len() > MAX_SPANS_PER_DAY {
                return Err(format!("hours.{day}: at most {MAX_SPANS_PER_DAY} spans a day"));
            }
            for s in spans {
                weekly[i].push(Span::parse(s).map_err(|e| format!("hours.{day}: {e}"))?);
            }
        }
        if spec.holidays.len() > MAX_HOLIDAYS {
            return Err(format!("at most {MAX_HOLIDAYS} holidays"));
        }
        let holidays = spec
            .holidays
            .iter()
            .map(|d| {
                NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d")
                    .map_err(|_| format!("holiday {d:?}: use YYYY-MM-DD"))
            })
            .collect::<Result<BTreeSet<_>, _>>()?;
        Ok(BusinessHours { tz, weekly, holidays })
    }

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

    /// The start of the next open period: `at` itself when open then, otherwise the earliest
    /// shift start after it within [`NEXT_OPEN_HORIZON_DAYS`] local days; `None` when no shift
    /// starts in that window (e.g. a schedule without openings).
    pub fn next_open(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        if self.is_open(at) {
            return Some(at);
        }
        let first = at.with_timezone(&self.tz).date_naive();
        (0..=NEXT_OPEN_HORIZON_DAYS)
            .map(|i| first + Duration::days(i))
            .filter(|d| !self.holidays.contains(d))
            .flat_map(|d| {
                self.weekly[d.weekday().num_days_from_monday() as usize].iter().filter_map(move |s| {
                    let local = d.and_time(s.start);
                    // A start inside a daylight-saving gap (02:30 on the spring-forward night)
                    // opens when the wall clock jumps past it: the first valid time after.
                    let zoned = self.tz.from_local_datetime(&local).earliest().or_else(|| {
                        (1..=4).find_map(|q| {
                            self.tz.from_local_datetime(&(local + Duration::minutes(15 * q))).earliest()
                        })
                    })?;
                    Some(zoned.with_timezone(&Utc))
                })
            })
            .filter(|t| *t >= at)
            .min()
    }
}

/// How far [`BusinessHours::next_open`] looks ahead, in local days.
pub const NEXT_OPEN_HORIZON_DAYS: i64 = 14;

pub fn weekday_index(name: &str) -> Option<usize> {
    let w: Weekday = name.parse().ok()?;
    Some(w.num_days_from_monday() as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn a_span_may_end_at_midnight_and_a_whole_day_is_00_to_24() {
        // 2026-12-07 is a Monday.
        let h = hours(chrono_tz::UTC, &[(0, "00:00-24:00"), (1, "18:00-24:00")], &[]);
        assert!(h.is_open(utc(2026, 12, 7, 0, 0)) && h.is_open(utc(2026, 12, 7, 23, 59)));
        assert!(!h.is_open(utc(2026, 12, 8, 17, 59)) && h.is_open(utc(2026, 12, 8, 23, 59)));
        assert!(!h.is_open(utc(2026, 12, 9, 0, 0)), "24:00 does not run into Wednesday");
        assert!(Span::parse("09:00-09:00").is_err() && Span::parse("09:00-24:30").is_err());
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

    #[test]
    fn next_open_is_now_when_open() {
        let h = hours(chrono_tz::UTC, &[(0, "09:00-17:00")], &[]);
        let t = utc(2026, 11, 30, 10, 15); // Monday
        assert_eq!(h.next_open(t), Some(t));
        assert_eq!(BusinessHours::always().next_open(t), Some(t));
    }

    #[test]
    fn next_open_later_today_tomorrow_and_next_week_in_the_sites_time_zone() {
        // Mon and Wed 09:00-17:00 in Berlin (UTC+1 in winter). 2026-11-30 is a Monday.
        let h = hours(chrono_tz::Europe::Berlin, &[(0, "09:00-17:00"), (2, "09:00-17:00")], &[]);
        assert_eq!(h.next_open(utc(2026, 11, 30, 6, 0)), Some(utc(2026, 11, 30, 8, 0)), "later today");
        assert_eq!(h.next_open(utc(2026, 11, 30, 16, 0)), Some(utc(2026, 12, 2, 8, 0)), "Wednesday");
        assert_eq!(h.next_open(utc(2026, 12, 2, 16, 30)), Some(utc(2026, 12, 7, 8, 0)), "next Monday");
    }

    #[test]
    fn next_open_with_an_overnight_shift() {
        // Friday 22:00 to Saturday 06:00 UTC only. 2026-12-04 is a Friday.
        let h = hours(chrono_tz::UTC, &[(4, "22:00-06:00")], &[]);
        let fri_22 = utc(2026, 12, 4, 22, 0);
        assert_eq!(h.next_open(utc(2026, 12, 4, 12, 0)), Some(fri_22));
        let sat_3 = utc(2026, 12, 5, 3, 0);
        assert_eq!(h.next_open(sat_3), Some(sat_3), "Saturday morning is still Friday's shift");
        assert_eq!(h.next_open(utc(2026, 12, 5, 6, 0)), Some(utc(2026, 12, 11, 22, 0)), "next Friday");
    }

    #[test]
    fn next_open_skips_holidays_but_not_a_night_shift_begun_before() {
        // Thu 22:00-06:00 and Fri 09:00-17:00 UTC; 2026-12-25 (Friday) is a holiday.
        let h = hours(chrono_tz::UTC, &[(3, "22:00-06:00"), (4, "09:00-17:00")], &["2026-12-25"]);
        let fri_3 = utc(2026, 12, 25, 3, 0);
        assert_eq!(h.next_open(fri_3), Some(fri_3), "Thursday's night shift runs into the holiday");
        assert_eq!(
            h.next_open(utc(2026, 12, 25, 6, 0)),
            Some(utc(2026, 12, 31, 22, 0)),
            "no Friday shift on the holiday: the next Thursday night"
        );
    }

    #[test]
    fn next_open_gives_up_after_the_horizon() {
        let never = hours(chrono_tz::UTC, &[], &[]);
        assert_eq!(never.next_open(utc(2026, 11, 30, 10, 0)), None);
        // Open only on a date that is a holiday for the next weeks: nothing within 14 days.
        let h = hours(chrono_tz::UTC, &[(0, "09:00-17:00")], &["2026-11-30", "2026-12-07", "2026-12-14"]);
        assert_eq!(h.next_open(utc(2026, 11, 30, 0, 0)), None);
        let h = hours(chrono_tz::UTC, &[(0, "09:00-17:00")], &["2026-11-30", "2026-12-07"]);
        assert_eq!(h.next_open(utc(2026, 11, 30, 0, 0)), Some(utc(2026, 12, 14, 9, 0)));
    }

    #[test]
    fn next_open_inside_a_daylight_saving_gap() {
        // Berlin skips 02:00-03:00 on Sunday 2026-03-29: a 02:30 start opens at 03:00 CEST.
        let h = hours(chrono_tz::Europe::Berlin, &[(6, "02:30-05:00")], &[]);
        assert_eq!(h.next_open(utc(2026, 3, 28, 12, 0)), Some(utc(2026, 3, 29, 1, 0)));
    }
}
