//! RFC 3339 timestamps (as the desk writes them, UTC) to milliseconds, and short durations for
//! people. No date library: the desk always sends `YYYY-MM-DDTHH:MM:SS(.mmm)Z`.

/// Milliseconds since the Unix epoch, or `None` for anything the desk would not send.
pub fn parse_ms(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, se) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let mut ms = 0;
    let rest = &s[19..];
    let tail = if let Some(frac) = rest.strip_prefix('.') {
        let digits: String = frac.chars().take_while(|c| c.is_ascii_digit()).collect();
        let first3: String = digits.chars().chain("000".chars()).take(3).collect();
        ms = first3.parse::<i64>().ok()?;
        &frac[digits.len()..]
    } else {
        rest
    };
    if tail != "Z" && tail != "+00:00" {
        return None;
    }
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || se > 60 {
        return None;
    }
    Some(((days_from_civil(y, mo, d) * 24 + h) * 60 + mi) * 60_000 + se * 1000 + ms)
}

/// Days since 1970-01-01 (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `1:05`, `12:00`, `1:02:03`; negative durations get a leading minus.
pub fn clock(ms: i64) -> String {
    let sign = if ms < 0 { "-" } else { "" };
    let s = ms.unsigned_abs() / 1000;
    let (h, m, s) = (s / 3600, (s / 60) % 60, s % 60);
    if h > 0 {
        format!("{sign}{h}:{m:02}:{s:02}")
    } else {
        format!("{sign}{m}:{s:02}")
    }
}

/// `HH:MM` of a UTC timestamp, for message lists.
pub fn hh_mm(rfc3339: &str) -> String {
    rfc3339.get(11..16).unwrap_or("").to_string()
}

/// A desk time (RFC 3339, UTC) to the minute: `2026-12-07 09:30`.
pub fn minute(at: &str) -> String {
    at.get(..16).unwrap_or("").replace('T', " ")
}

/// [`minute`], said to be UTC where it is (`2026-12-07 09:30 UTC`): for lists whose times a
/// manager compares with the world outside (sessions, exports).
pub fn minute_utc(at: &str) -> String {
    let short = minute(at);
    if at.ends_with('Z') {
        format!("{short} UTC")
    } else {
        short
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minutes_for_people() {
        assert_eq!(minute("2026-12-07T09:30:12.345Z"), "2026-12-07 09:30");
        assert_eq!(minute_utc("2026-12-07T09:30:12Z"), "2026-12-07 09:30 UTC");
        assert_eq!(minute("bad"), "");
    }

    #[test]
    fn parses_the_desks_timestamps() {
        assert_eq!(parse_ms("1970-01-01T00:00:00.000Z"), Some(0));
        assert_eq!(parse_ms("2026-11-29T16:00:00.250Z"), Some(1_795_968_000_250));
        assert_eq!(parse_ms("2000-02-29T12:00:00Z"), Some(951_825_600_000));
        assert_eq!(parse_ms("2026-11-29 16:00:00Z"), None);
        assert_eq!(parse_ms("2026-11-29T16:00:00.000+02:00"), None);
        assert_eq!(parse_ms("garbage"), None);
    }

    #[test]
    fn clocks_read_like_clocks() {
        assert_eq!(clock(65_000), "1:05");
        assert_eq!(clock(-3_000), "-0:03");
        assert_eq!(clock(3_723_000), "1:02:03");
        assert_eq!(hh_mm("2026-11-29T16:05:00.000Z"), "16:05");
    }
}
