//! CSV export of the insights tables: RFC 4180 (CRLF line ends, a header row, fields with a
//! comma, a quote, CR or LF quoted, quotes doubled), written by the `csv` crate's `Writer`, with
//! spreadsheet formula injection neutralised: a cell starting with `=`, `+`, `-`, `@`, a tab or
//! CR gets a leading `'`, unless it is a plain number (a negative change stays a number).
//! Conversation ids are random base64url and one in 64 starts with `-`: those get the `'` too (a
//! spreadsheet would otherwise read them as a formula); strip a leading `'` to match them.

use super::{Durations, Edge, Headline, Insights, SlaRow};
use std::borrow::Cow;
use std::fmt::Display;

/// Every table, in the order the docs list them.
pub const TABLES: &[&str] = &[
    "containment",
    "reasons",
    "flow",
    "speed",
    "sla",
    "ratings",
    "comments",
    "articles",
    "trends",
    "gaps",
    "articles_before_handoff",
];

/// Writing a table failed. Not expected in practice: the output is memory and every row has
/// its header's number of cells; a mistake there is a bug, answered as a 500.
#[derive(Debug, thiserror::Error)]
pub enum CsvError {
    #[error("writing CSV: {0}")]
    Write(#[from] ::csv::Error),
    #[error("finishing CSV: {0}")]
    Finish(#[from] std::io::Error),
    #[error("CSV output is not UTF-8: {0}")]
    Utf8(#[from] std::string::FromUtf8Error),
}

/// The writer every table uses: CRLF, quotes only around a field that needs them (a comma, a
/// quote, CR or LF), quotes inside doubled; every row as long as the header.
fn writer() -> ::csv::Writer<Vec<u8>> {
    ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .quote_style(::csv::QuoteStyle::Necessary)
        .from_writer(Vec::new())
}

fn finish(w: ::csv::Writer<Vec<u8>>) -> Result<String, CsvError> {
    let bytes = w.into_inner().map_err(|e| CsvError::Finish(e.into_error()))?;
    Ok(String::from_utf8(bytes)?)
}

/// A value a spreadsheet would run as a formula gets a leading `'` (see the module docs).
fn neutralise(v: &str) -> Cow<'_, str> {
    let risky = v.starts_with(['=', '+', '-', '@', '\t', '\r']) && v.parse::<f64>().is_err();
    if risky {
        Cow::Owned(format!("'{v}"))
    } else {
        Cow::Borrowed(v)
    }
}

/// One cell as it appears in a row: neutralised, then quoted by the same writer as the tables.
pub fn cell(v: &str) -> String {
    let v = neutralise(v);
    // The writer quotes a record of one empty field (`""`, so the line is not blank); in a row
    // with others an empty cell stays empty, and that is what a cell is here.
    if v.is_empty() {
        return String::new();
    }
    // The writer closes a quoted field only at the end of the record: write one and cut its CRLF.
    // In memory and with one field per record this cannot fail; were it to, the neutralised
    // text unquoted is the nearest answer.
    let mut w = writer();
    match w.write_record([v.as_bytes()]).map_err(CsvError::from).and_then(|()| finish(w)) {
        Ok(line) => line.strip_suffix("\r\n").map(str::to_string).unwrap_or(line),
        Err(_) => v.into_owned(),
    }
}

struct Csv(::csv::Writer<Vec<u8>>);

impl Csv {
    fn new(header: &[&str]) -> Result<Csv, CsvError> {
        let mut c = Csv(writer());
        c.row(header.iter().map(|h| h.to_string()))?;
        Ok(c)
    }

    fn row(&mut self, cells: impl IntoIterator<Item = String>) -> Result<(), CsvError> {
        for c in cells {
            self.0.write_field(neutralise(&c).as_bytes())?;
        }
        // An empty record ends the row: the CRLF (and the check that it has the header's length).
        self.0.write_record(None::<&[u8]>)?;
        Ok(())
    }
}

fn s(v: impl Display) -> String {
    v.to_string()
}

fn opt(v: Option<impl Display>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// The table `name` of `i` as CSV, or `None` for an unknown name (see [`TABLES`]).
pub fn table(i: &Insights, name: &str) -> Result<Option<String>, CsvError> {
    let out = match name {
        "containment" => {
            let k = &i.containment;
            let mut c = Csv::new(&["figure", "value"])?;
            for (f, v) in [
                ("started", s(k.started)),
                ("handed_off", s(k.handed_off)),
                ("contained", s(k.contained)),
                ("handoff_rate", opt(k.handoff_rate)),
                ("containment_rate", opt(k.containment_rate)),
                ("handoffs", s(k.handoffs)),
                ("offline", s(k.offline)),
                ("handed_back", s(k.handed_back)),
            ] {
                c.row([f.to_string(), v])?;
            }
            c
        }
        "reasons" => {
            let mut c = Csv::new(&["reason", "handoffs"])?;
            for (r, n) in &i.containment.handoffs_by_reason {
                c.row([r.clone(), s(n)])?;
            }
            c
        }
        "flow" => {
            let mut c = Csv::new(&["kind", "from", "to", "reason", "count"])?;
            let mut edges = |kind: &str, list: &[Edge]| -> Result<(), CsvError> {
                for e in list {
                    for (r, n) in &e.reasons {
                        c.row([kind.to_string(), e.from.clone(), e.to.clone(), r.clone(), s(n)])?;
                    }
                }
                Ok(())
            };
            edges("tier", &i.flow.tiers)?;
            edges("department", &i.flow.departments)?;
            c
        }
        "speed" => {
            let mut c = Csv::new(&["measure", "count", "median_ms", "p90_ms"])?;
            let sp = &i.speed;
            let mut d = |name: &str, d: &Durations| {
                c.row([name.to_string(), s(d.count), opt(d.median_ms), opt(d.p90_ms)])
            };
            d("first_reply", &sp.first_reply)?;
            d("resolution", &sp.resolution)?;
            d("queue_wait", &sp.queue_wait)?;
            d("requeue_wait", &sp.requeue_wait)?;
            c.row(["without_reply".to_string(), s(sp.without_reply), String::new(), String::new()])?;
            c
        }
        "sla" => {
            let mut c = Csv::new(&[
                "group",
                "key",
                "conversations",
                "breached_conversations",
                "first_response_breaches",
                "resolution_breaches",
                "attainment",
            ])?;
            let mut r = |group: &str, r: &SlaRow| {
                c.row([
                    group.to_string(),
                    r.key.clone(),
                    s(r.conversations),
                    s(r.breached_conversations),
                    s(r.first_response_breaches),
                    s(r.resolution_breaches),
                    opt(r.attainment),
                ])
            };
            r("total", &i.speed.sla.total)?;
            i.speed.sla.by_priority.iter().try_for_each(|x| r("priority", x))?;
            i.speed.sla.by_department.iter().try_for_each(|x| r("department", x))?;
            c
        }
        "ratings" => {
            let mut c = Csv::new(&["score", "count"])?;
            for (n, count) in i.quality.distribution.iter().enumerate() {
                c.row([s(n + 1), s(count)])?;
            }
            c
        }
        "comments" => {
            let mut c = Csv::new(&["conversation_id", "score", "comment", "at"])?;
            for m in &i.quality.comments {
                c.row([m.conversation_id.clone(), s(m.score), m.comment.clone(), m.at.clone()])?;
            }
            c
        }
        "articles" => {
            let mut c = Csv::new(&["article", "unhelpful"])?;
            for a in &i.quality.unhelpful_articles {
                c.row([a.article.clone(), s(a.count)])?;
            }
            c
        }
        "trends" => {
            let mut c = Csv::new(&[
                "start",
                "end",
                "started",
                "handed_off",
                "contained",
                "handoff_rate",
                "escalations",
                "transfers",
                "sla_breaches",
                "sla_attainment",
                "first_reply_median_ms",
                "resolution_median_ms",
                "queue_wait_median_ms",
                "ratings",
                "rating_average",
            ])?;
            for p in &i.trends.points {
                let h: &Headline = &p.figures;
                c.row([
                    p.start.clone(),
                    p.end.clone(),
                    s(h.started),
                    s(h.handed_off),
                    s(h.contained),
                    opt(h.handoff_rate),
                    s(h.escalations),
                    s(h.transfers),
                    s(h.sla_breaches),
                    opt(h.sla_attainment),
                    opt(h.first_reply_median_ms),
                    opt(h.resolution_median_ms),
                    opt(h.queue_wait_median_ms),
                    s(h.ratings),
                    opt(h.rating_average),
                ])?;
            }
            c
        }
        "gaps" => {
            let mut c = Csv::new(&["locale", "label", "messages", "handoffs", "examples"])?;
            for g in &i.gaps {
                let examples: Vec<&str> = g.examples.iter().map(|e| e.conversation_id.as_str()).collect();
                c.row([g.locale.clone(), g.label.clone(), s(g.messages), s(g.handoffs), examples.join(" ")])?;
            }
            c
        }
        "articles_before_handoff" => {
            let mut c = Csv::new(&["article", "handoffs"])?;
            for a in &i.articles_before_handoff {
                c.row([a.article.clone(), s(a.count)])?;
            }
            c
        }
        _ => return Ok(None),
    };
    finish(out.0).map(Some)
}

/// `insights-<table>-<site>-<from>-<to>.csv`, with the UTC dates of the period's ends (`to` is
/// exclusive) and anything but letters, digits, `-` and `_` in the site key replaced.
pub fn filename(i: &Insights, table: &str) -> String {
    let site: String = i
        .site_key
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' })
        .collect();
    let day = |t: &str| t.get(..10).unwrap_or(t).to_string();
    format!("insights-{table}-{site}-{}-{}.csv", day(&i.from), day(&i.to))
}

#[cfg(test)]
mod tests {
    use super::{cell, finish, Csv};

    #[test]
    fn quoting_and_injection() {
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("two\nlines"), "\"two\nlines\"");
        assert_eq!(cell("cr\rhere"), "\"cr\rhere\"");
        assert_eq!(cell("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(cell("+1"), "+1", "a number, even with its sign");
        assert_eq!(cell("-1"), "-1", "a negative number stays a number");
        assert_eq!(cell("-12.5"), "-12.5");
        assert_eq!(cell("-1+2"), "'-1+2");
        assert_eq!(cell("-mylhp8qLbk5pBml6jL80A"), "'-mylhp8qLbk5pBml6jL80A");
        assert_eq!(cell("@cmd"), "'@cmd");
        assert_eq!(cell("=1,2"), "\"'=1,2\"");
        assert_eq!(cell(""), "");
    }

    #[test]
    fn rows_end_in_crlf_and_are_as_long_as_the_header() {
        let mut c = Csv::new(&["a", "b", "c"]).expect("header");
        c.row(["=1,2".to_string(), String::new(), "say \"hi\"".to_string()]).expect("row");
        c.row([String::new(), String::new(), String::new()]).expect("empty cells");
        assert_eq!(finish(c.0).expect("utf-8"), "a,b,c\r\n\"'=1,2\",,\"say \"\"hi\"\"\"\r\n,,\r\n");
        let mut c = Csv::new(&["a", "b"]).expect("header");
        assert!(c.row(["1".to_string()]).is_err(), "a short row is a bug, not a quiet shift");
    }
}
