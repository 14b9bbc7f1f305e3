//! A site's settings as the Settings screen edits them (issue 20): business hours and holidays
//! as text fields, SLA targets in minutes, canned responses grouped by department and locale,
//! the retention period in days.
//! The forms turn into the desk's update bodies here; the desk checks everything again (a bad
//! span, an unknown time zone) and answers a 422 naming the field.

use handoff_protocol::settings::{HoursSpec, HoursUpdate, RetentionUpdate, SlaTarget, SlaUpdate};
use handoff_protocol::v1::CannedResponse;
use std::collections::BTreeMap;

/// The weekdays as the config file names them, Monday first.
pub const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// What a day holds when "open around the clock" is switched off: still the whole day, so that
/// switching it off changes nothing until the manager edits a day.
pub const WHOLE_DAY: &str = "00:00-24:00";

/// Why a form cannot be sent yet (the screen words it in the agent's language).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// No time zone given.
    TimeZone,
    /// `day` (an index into [`WEEKDAYS`]) holds `span`, which is not `HH:MM-HH:MM`.
    Span { day: usize, span: String },
    /// Not a date `YYYY-MM-DD`.
    Date,
    /// The date is a holiday already.
    HolidayTwice,
    /// A priority's target (`first` or `resolution`) is not a number of minutes above 0.
    Minutes { priority: String, first: bool },
    /// A canned response's id must be lowercase letters, digits, `-` and `_`.
    CannedId,
    /// A canned response needs a title and a text.
    CannedEmpty,
    /// The retention period is not a whole number of days in [`RETENTION_DAYS`].
    RetentionDays,
}

/// The hours form: a time zone, one text per weekday (`09:00-17:00, 18:00-20:00`, empty:
/// closed), holidays, or open around the clock.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HoursForm {
    pub always: bool,
    pub time_zone: String,
    pub days: [String; 7],
    pub holidays: Vec<String>,
}

impl HoursForm {
    pub fn from_spec(spec: Option<&HoursSpec>) -> HoursForm {
        match spec {
            None => HoursForm {
                always: true,
                time_zone: "UTC".into(),
                days: std::array::from_fn(|_| WHOLE_DAY.to_string()),
                holidays: vec![],
            },
            Some(h) => HoursForm {
                always: false,
                time_zone: h.time_zone.clone(),
                days: std::array::from_fn(|i| {
                    h.days.get(WEEKDAYS[i]).map(|s| s.join(", ")).unwrap_or_default()
                }),
                holidays: {
                    let mut d = h.holidays.clone();
                    d.sort();
                    d
                },
            },
        }
    }

    /// The body of `PUT .../hours`, or the first thing wrong with the form.
    pub fn to_update(&self) -> Result<HoursUpdate, Problem> {
        if self.always {
            return Ok(HoursUpdate { hours: None });
        }
        let time_zone = self.time_zone.trim();
        if time_zone.is_empty() {
            return Err(Problem::TimeZone);
        }
        let mut days = BTreeMap::new();
        for (i, text) in self.days.iter().enumerate() {
            let spans = spans(text);
            if let Some(bad) = spans.iter().find(|s| !span_shape(s)) {
                return Err(Problem::Span { day: i, span: bad.clone() });
            }
            if !spans.is_empty() {
                days.insert(WEEKDAYS[i].to_string(), spans);
            }
        }
        let mut holidays = self.holidays.clone();
        holidays.sort();
        holidays.dedup();
        Ok(HoursUpdate { hours: Some(HoursSpec { time_zone: time_zone.to_string(), days, holidays }) })
    }

    /// Adds a holiday (kept in date order).
    pub fn add_holiday(&mut self, date: &str) -> Result<(), Problem> {
        let date = date.trim();
        if !date_shape(date) {
            return Err(Problem::Date);
        }
        if self.holidays.iter().any(|d| d == date) {
            return Err(Problem::HolidayTwice);
        }
        self.holidays.push(date.to_string());
        self.holidays.sort();
        Ok(())
    }

    pub fn remove_holiday(&mut self, date: &str) {
        self.holidays.retain(|d| d != date);
    }
}

/// A day's text as spans: split at commas (or semicolons, new lines), blanks dropped.
pub fn spans(text: &str) -> Vec<String> {
    text.split([',', ';', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.replace(' ', ""))
        .collect()
}

fn hh_mm(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 5
        && b[2] == b':'
        && [0, 1, 3, 4].iter().all(|&i| b[i].is_ascii_digit())
        && s[..2].parse::<u32>().is_ok_and(|h| h < 24)
        && s[3..].parse::<u32>().is_ok_and(|m| m < 60)
}

/// `HH:MM-HH:MM` in shape, the end `24:00` allowed (whether the desk takes it is the desk's
/// rule).
fn span_shape(s: &str) -> bool {
    s.split_once('-').is_some_and(|(a, b)| hh_mm(a) && (hh_mm(b) || b == "24:00"))
}

/// `YYYY-MM-DD` with a month 01-12 and a day 01-31.
pub fn date_shape(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && s.chars().enumerate().all(|(i, ch)| i == 4 || i == 7 || ch.is_ascii_digit())
        && s[5..7].parse::<u32>().is_ok_and(|m| (1..=12).contains(&m))
        && s[8..].parse::<u32>().is_ok_and(|d| (1..=31).contains(&d))
}

/// One priority's targets as the form shows them, in minutes. A field left as it was sends the
/// desk's seconds unchanged (20 s is 0.33 minutes on screen, and stays 20 s).
#[derive(Debug, Clone, PartialEq)]
pub struct SlaRow {
    pub priority: String,
    pub first: String,
    pub resolution: String,
    was: (String, f64, String, f64),
}

impl SlaRow {
    pub fn new(t: &SlaTarget) -> SlaRow {
        let (first, resolution) = (minutes(t.first_response_secs), minutes(t.resolution_secs));
        SlaRow {
            priority: t.priority.clone(),
            first: first.clone(),
            resolution: resolution.clone(),
            was: (first, t.first_response_secs, resolution, t.resolution_secs),
        }
    }
}

/// Seconds as minutes for a text field: whole minutes as they are, else up to two decimals.
pub fn minutes(secs: f64) -> String {
    let m = secs / 60.0;
    if (m - m.round()).abs() < 1e-9 {
        format!("{}", m.round() as i64)
    } else {
        let s = format!("{m:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

fn seconds(text: &str, was: &str, was_secs: f64) -> Option<f64> {
    if text.trim() == was {
        return Some(was_secs);
    }
    let m: f64 = text.trim().replace(',', ".").parse().ok()?;
    (m.is_finite() && m > 0.0).then(|| (m * 60.0 * 1000.0).round() / 1000.0)
}

/// The body of `PUT .../sla`, or the first target that is not a number of minutes above 0.
pub fn sla_update(rows: &[SlaRow]) -> Result<SlaUpdate, Problem> {
    let mut targets = Vec::with_capacity(rows.len());
    for r in rows {
        let bad = |first: bool| Problem::Minutes { priority: r.priority.clone(), first };
        let first_response_secs = seconds(&r.first, &r.was.0, r.was.1).ok_or_else(|| bad(true))?;
        let resolution_secs = seconds(&r.resolution, &r.was.2, r.was.3).ok_or_else(|| bad(false))?;
        targets.push(SlaTarget { priority: r.priority.clone(), first_response_secs, resolution_secs });
    }
    Ok(SlaUpdate { targets })
}

/// The retention periods the desk takes (`invalid_retention` outside): a day to ten years.
pub const RETENTION_DAYS: std::ops::RangeInclusive<u32> = 1..=3650;

/// The retention form: kept until erased, or deleted after a number of days.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RetentionForm {
    pub forever: bool,
    /// The days as typed; empty while kept until erased (the manager chooses a period, none is
    /// proposed).
    pub days: String,
}

impl RetentionForm {
    pub fn from_days(days: Option<u32>) -> RetentionForm {
        RetentionForm { forever: days.is_none(), days: days.map(|d| d.to_string()).unwrap_or_default() }
    }

    /// The body of `PUT .../retention`, or why the days cannot be sent.
    pub fn to_update(&self) -> Result<RetentionUpdate, Problem> {
        if self.forever {
            return Ok(RetentionUpdate { retention_days: None });
        }
        match self.days.trim().parse::<u32>() {
            Ok(d) if RETENTION_DAYS.contains(&d) => Ok(RetentionUpdate { retention_days: Some(d) }),
            _ => Err(Problem::RetentionDays),
        }
    }
}

/// Canned responses grouped by department (in the site's order) and locale (in the site's
/// order), each group by id; `department` / `locale` narrow the list when given.
pub fn canned_groups(
    all: &[CannedResponse],
    departments: &[String],
    locales: &[String],
    department: Option<&str>,
    locale: Option<&str>,
) -> Vec<((String, String), Vec<CannedResponse>)> {
    let rank = |list: &[String], x: &str| list.iter().position(|y| y == x).unwrap_or(usize::MAX);
    let mut groups: BTreeMap<(usize, String, usize, String), Vec<CannedResponse>> = BTreeMap::new();
    for c in all {
        if department.is_some_and(|d| d != c.department) || locale.is_some_and(|l| l != c.locale) {
            continue;
        }
        groups
            .entry((
                rank(departments, &c.department),
                c.department.clone(),
                rank(locales, &c.locale),
                c.locale.clone(),
            ))
            .or_default()
            .push(c.clone());
    }
    groups
        .into_iter()
        .map(|((_, d, _, l), mut list)| {
            list.sort_by(|a, b| a.id.cmp(&b.id));
            ((d, l), list)
        })
        .collect()
}

/// A new canned response's id: 1 to 64 lowercase letters, digits, `-` and `_`.
pub fn canned_id_ok(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id.chars().all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-' || ch == '_')
}

/// A canned response ready to send: the id (for new ones) and both texts present.
pub fn canned_check(id: &str, title: &str, text: &str) -> Result<(), Problem> {
    if !canned_id_ok(id.trim()) {
        return Err(Problem::CannedId);
    }
    if title.trim().is_empty() || text.trim().is_empty() {
        return Err(Problem::CannedEmpty);
    }
    Ok(())
}

/// One path segment, percent-encoded (ids, departments and locales go into URLs).
pub fn segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> HoursSpec {
        HoursSpec {
            time_zone: "Europe/Prague".into(),
            days: [("mon".to_string(), vec!["09:00-12:00".to_string(), "13:00-17:00".to_string()])]
                .into_iter()
                .collect(),
            holidays: vec!["2026-12-26".into(), "2026-12-24".into()],
        }
    }

    #[test]
    fn hours_round_trip_through_the_form() {
        let f = HoursForm::from_spec(Some(&spec()));
        assert!(!f.always);
        assert_eq!(f.days[0], "09:00-12:00, 13:00-17:00");
        assert_eq!(f.days[1], "");
        assert_eq!(f.holidays, vec!["2026-12-24", "2026-12-26"]);
        let mut back = spec();
        back.holidays.sort();
        assert_eq!(f.to_update(), Ok(HoursUpdate { hours: Some(back) }));
    }

    #[test]
    fn around_the_clock_is_null_and_switching_it_off_keeps_every_day_open() {
        let mut f = HoursForm::from_spec(None);
        assert!(f.always);
        assert_eq!(f.to_update(), Ok(HoursUpdate { hours: None }));
        f.always = false;
        let h = f.to_update().expect("update").hours.expect("hours");
        assert_eq!(h.time_zone, "UTC");
        assert_eq!(h.days.len(), 7);
        assert!(h.days.values().all(|s| s == &vec![WHOLE_DAY.to_string()]));
    }

    #[test]
    fn bad_spans_and_a_missing_time_zone_are_named() {
        let mut f = HoursForm::from_spec(Some(&spec()));
        f.days[2] = "9-17".into();
        assert_eq!(f.to_update(), Err(Problem::Span { day: 2, span: "9-17".into() }));
        f.days[2] = "09:00 - 17:00; 18:00-20:00,".into();
        let h = f.to_update().expect("ok").hours.expect("hours");
        assert_eq!(h.days["wed"], vec!["09:00-17:00", "18:00-20:00"]);
        f.days[2] = "18:00-24:00".into();
        assert_eq!(
            f.to_update().expect("a span may end at midnight").hours.expect("hours").days["wed"],
            vec!["18:00-24:00"]
        );
        f.days[2] = "24:00-25:00".into();
        assert!(matches!(f.to_update(), Err(Problem::Span { day: 2, .. })));
        f.days[2] = String::new();
        f.time_zone = "  ".into();
        assert_eq!(f.to_update(), Err(Problem::TimeZone));
    }

    #[test]
    fn holidays_are_dates_once_in_order() {
        let mut f = HoursForm::from_spec(Some(&spec()));
        assert_eq!(f.add_holiday("2026-12-25"), Ok(()));
        assert_eq!(f.holidays, vec!["2026-12-24", "2026-12-25", "2026-12-26"]);
        assert_eq!(f.add_holiday("2026-12-25"), Err(Problem::HolidayTwice));
        assert_eq!(f.add_holiday(""), Err(Problem::Date));
        assert_eq!(f.add_holiday("2026-13-01"), Err(Problem::Date));
        assert_eq!(f.add_holiday("26-12-01"), Err(Problem::Date));
        f.remove_holiday("2026-12-24");
        assert_eq!(f.holidays, vec!["2026-12-25", "2026-12-26"]);
    }

    #[test]
    fn sla_in_minutes_unchanged_fields_keep_their_seconds() {
        let t = |p: &str, a: f64, b: f64| SlaTarget {
            priority: p.into(),
            first_response_secs: a,
            resolution_secs: b,
        };
        let mut rows: Vec<SlaRow> =
            [t("urgent", 20.0, 3600.0), t("normal", 300.0, 86400.0)].iter().map(SlaRow::new).collect();
        assert_eq!((rows[0].first.as_str(), rows[0].resolution.as_str()), ("0.33", "60"));
        assert_eq!(
            sla_update(&rows).expect("ok").targets,
            vec![t("urgent", 20.0, 3600.0), t("normal", 300.0, 86400.0)]
        );
        rows[1].first = "2,5".into();
        assert_eq!(sla_update(&rows).expect("ok").targets[1].first_response_secs, 150.0);
        rows[1].resolution = "0".into();
        assert_eq!(sla_update(&rows), Err(Problem::Minutes { priority: "normal".into(), first: false }));
        rows[1].resolution = "soon".into();
        assert!(sla_update(&rows).is_err());
        assert_eq!(minutes(90.0), "1.5");
        assert_eq!(minutes(300.0), "5");
    }

    #[test]
    fn retention_is_null_or_days_from_1_to_3650() {
        let mut f = RetentionForm::from_days(None);
        assert_eq!(f, RetentionForm { forever: true, days: String::new() });
        assert_eq!(f.to_update(), Ok(RetentionUpdate { retention_days: None }));
        // Switching "keep until erased" off proposes no period: one must be typed.
        f.forever = false;
        assert_eq!(f.to_update(), Err(Problem::RetentionDays));
        for ok in ["1", " 30 ", "3650"] {
            f.days = ok.into();
            assert_eq!(
                f.to_update(),
                Ok(RetentionUpdate { retention_days: Some(ok.trim().parse().unwrap()) })
            );
        }
        for bad in ["0", "3651", "-5", "30.5", "2,5", "a year", "99999999999"] {
            f.days = bad.into();
            assert_eq!(f.to_update(), Err(Problem::RetentionDays), "{bad}");
        }
        let f = RetentionForm::from_days(Some(365));
        assert_eq!(f, RetentionForm { forever: false, days: "365".into() });
        assert_eq!(f.to_update(), Ok(RetentionUpdate { retention_days: Some(365) }));
        // A bad number is no problem while everything is kept.
        assert_eq!(
            RetentionForm { forever: true, days: "0".into() }.to_update(),
            Ok(RetentionUpdate { retention_days: None })
        );
    }

    #[test]
    fn canned_grouped_in_the_sites_order_and_filtered() {
        let c = |d: &str, l: &str, id: &str| CannedResponse {
            id: id.into(),
            department: d.into(),
            locale: l.into(),
            title: id.into(),
            text: String::new(),
        };
        let all = vec![
            c("billing", "en", "refund"),
            c("orders", "de", "greet"),
            c("orders", "en", "status"),
            c("orders", "en", "greet"),
        ];
        let depts = vec!["orders".to_string(), "billing".to_string()];
        let locales = vec!["en".to_string(), "de".to_string()];
        let g = canned_groups(&all, &depts, &locales, None, None);
        let keys: Vec<(&str, &str)> = g.iter().map(|((d, l), _)| (d.as_str(), l.as_str())).collect();
        assert_eq!(keys, vec![("orders", "en"), ("orders", "de"), ("billing", "en")]);
        assert_eq!(g[0].1.iter().map(|x| x.id.as_str()).collect::<Vec<_>>(), vec!["greet", "status"]);
        assert_eq!(canned_groups(&all, &depts, &locales, None, Some("en")).len(), 2);
        assert_eq!(canned_groups(&all, &depts, &locales, Some("billing"), Some("de")).len(), 0);
    }

    #[test]
    fn canned_ids_and_path_segments() {
        assert!(canned_id_ok("order-status_2"));
        assert!(!canned_id_ok("Order status") && !canned_id_ok("") && !canned_id_ok("a/b"));
        assert_eq!(canned_check("greet", "Hi", "Hello"), Ok(()));
        assert_eq!(canned_check("greet", " ", "Hello"), Err(Problem::CannedEmpty));
        assert_eq!(canned_check("Greet", "Hi", "Hello"), Err(Problem::CannedId));
        assert_eq!(segment("pt-BR"), "pt-BR");
        assert_eq!(segment("a b/ü"), "a%20b%2F%C3%BC");
    }
}
