//! Measuring the bot on a set of realistic questions (`handoff-bot eval <content> --set FILE`):
//! how often the right answer comes first, how often it is among the first three, and how often
//! a question the content cannot answer gets an honest "I don't know".
//!
//! The set is a tab-separated file, one question a line (tabs shown as `→`):
//!
//! ```text
//! # locale→question→expected
//! en→wheres my parcel??→order_status
//! de→Kann ich mit Rechnung zahlen→payment-methods
//! en→do you sell gift cards→-
//! ```
//!
//! `expected` is an intent id or an article id, or `-` when the content has no answer. Each
//! question is the first message of a new conversation, asked of the locale's own bundle (what
//! `handoff-bot export` writes and the widget loads: that locale's patterns and articles, its
//! and English person phrases), so the figures are what a visitor meets. What the bot offers, in order: the
//! intent it answers with (its linked articles count as the same answer), then the other
//! intents it is confident about, then the article cards of its search. A question with no
//! answer is handled well when the bot answers no intent and shows no article (a handoff to a
//! person counts as well: the customer is not sent somewhere wrong).

use crate::{Engine, Problem, Site};

/// One question of an evaluation set.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub locale: String,
    pub question: String,
    /// An intent or article id; None for "no answer expected" (`-`).
    pub expected: Option<String>,
    pub line: usize,
}

/// One question the bot got wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct Confusion {
    pub locale: String,
    pub question: String,
    /// What the bot offered first (up to three; empty: "I don't know").
    pub got: Vec<String>,
    pub expected: Option<String>,
}

/// The figures of one locale.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Score {
    pub locale: String,
    /// Questions with an expected answer.
    pub answerable: usize,
    pub right_first: usize,
    pub first_three: usize,
    /// Questions the content cannot answer.
    pub unanswerable: usize,
    /// Of those, answered "I don't know" (no intent, no article) or handed to a person.
    pub said_no: usize,
}

fn percent(n: usize, of: usize) -> f32 {
    if of == 0 {
        100.0
    } else {
        n as f32 * 100.0 / of as f32
    }
}

impl Score {
    pub fn right_first_pct(&self) -> f32 {
        percent(self.right_first, self.answerable)
    }
    pub fn first_three_pct(&self) -> f32 {
        percent(self.first_three, self.answerable)
    }
    pub fn no_answer_pct(&self) -> f32 {
        percent(self.said_no, self.unanswerable)
    }
}

/// The whole report: one score per locale (in the set's order of first appearance), their sum
/// under the locale "all", and the confusions.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Report {
    pub locales: Vec<Score>,
    pub all: Score,
    pub confusions: Vec<Confusion>,
}

impl Report {
    pub fn locale(&self, locale: &str) -> Option<&Score> {
        self.locales.iter().find(|s| s.locale == locale)
    }

    /// The report as printed by `handoff-bot eval`.
    pub fn render(&self) -> String {
        let mut s = String::from("locale  questions  right first     first three     no answer\n");
        let row = |sc: &Score| {
            format!(
                "{:<7} {:>9}  {:>5.1}% {:>7}  {:>5.1}% {:>7}  {:>5.1}% {:>7}\n",
                sc.locale,
                sc.answerable + sc.unanswerable,
                sc.right_first_pct(),
                format!("{}/{}", sc.right_first, sc.answerable),
                sc.first_three_pct(),
                format!("{}/{}", sc.first_three, sc.answerable),
                sc.no_answer_pct(),
                format!("{}/{}", sc.said_no, sc.unanswerable),
            )
        };
        for sc in &self.locales {
            s.push_str(&row(sc));
        }
        s.push_str(&row(&self.all));
        if !self.confusions.is_empty() {
            s.push_str(&format!("\n{} confusions (question -> got; expected):\n", self.confusions.len()));
            for c in &self.confusions {
                let got = if c.got.is_empty() { "I don't know".to_string() } else { c.got.join(", ") };
                s.push_str(&format!(
                    "  [{}] \"{}\" -> {}; expected {}\n",
                    c.locale,
                    c.question,
                    got,
                    c.expected.as_deref().unwrap_or("no answer")
                ));
            }
        }
        s
    }
}

/// Reads an evaluation set; `file` names it in problems. Blank lines and lines starting with `#`
/// are skipped, as is the header line `locale<TAB>question<TAB>expected`.
pub fn parse(file: &str, text: &str) -> Result<Vec<Case>, Vec<Problem>> {
    let mut cases = Vec::new();
    let mut problems = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim_end_matches('\r');
        if line.trim().is_empty() || line.starts_with('#') || line == "locale\tquestion\texpected" {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        match cols.as_slice() {
            [locale, question, expected] if !locale.trim().is_empty() && !question.trim().is_empty() => {
                let expected = expected.trim();
                cases.push(Case {
                    locale: locale.trim().to_string(),
                    question: question.trim().to_string(),
                    expected: (expected != "-" && !expected.is_empty()).then(|| expected.to_string()),
                    line: i + 1,
                });
            }
            _ => problems.push(Problem::new(
                file,
                Some(i + 1),
                format!(
                    "expected three tab-separated columns (locale, question, expected id or '-'), found {}",
                    cols.len()
                ),
            )),
        }
    }
    if problems.is_empty() {
        Ok(cases)
    } else {
        Err(problems)
    }
}

/// Checks that every case names a locale of the site and an intent or article that exists, so a
/// misspelt id is a problem rather than a silent wrong answer.
pub fn check(site: &Site, file: &str, cases: &[Case]) -> Result<(), Vec<Problem>> {
    let mut problems = Vec::new();
    for c in cases {
        if !site.settings.site.locales.contains(&c.locale) {
            problems.push(Problem::new(file, Some(c.line), format!("unknown locale '{}'", c.locale)));
        }
        if let Some(id) = &c.expected {
            if site.intent(id).is_none() && !site.articles.iter().any(|a| &a.id == id) {
                problems.push(Problem::new(file, Some(c.line), format!("no intent or article '{id}'")));
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// What the bot offers for `question` as the first message of a conversation, best first: each
/// entry is one answer and the ids it stands for (an intent and its linked articles). Empty: "I
/// don't know" or a handoff.
pub fn offers(engine: &Engine, locale: &str, question: &str) -> Vec<Vec<String>> {
    let site = engine.site();
    let (mut conv, _) = engine.start(locale);
    let turn = engine.reply(&mut conv, question);
    let mut out: Vec<Vec<String>> = Vec::new();
    let with_articles = |id: &str| {
        let mut ids = vec![id.to_string()];
        if let Some(i) = site.intent(id) {
            ids.extend(i.articles.iter().cloned());
        }
        ids
    };
    match &turn.intent {
        Some(s) => {
            out.push(with_articles(&s.intent));
            // The runners-up the bot was also confident about, then the articles search finds.
            let min = site.settings.handoff.min_confidence;
            for other in engine.classify(locale, question) {
                if other.confidence >= min && other.intent != s.intent {
                    out.push(with_articles(&other.intent));
                }
            }
            for a in engine.suggest(locale, question) {
                out.push(vec![a]);
            }
        }
        None => {
            for r in &turn.replies {
                out.extend(r.articles.iter().map(|a| vec![a.clone()]));
            }
        }
    }
    out
}

/// Runs every case, each against its locale's bundle (see the module documentation).
pub fn run(site: &Site, cases: &[Case]) -> Result<Report, Vec<Problem>> {
    let mut engines: Vec<(String, Engine)> = Vec::new();
    for c in cases {
        if !engines.iter().any(|(l, _)| *l == c.locale) {
            engines.push((c.locale.clone(), Engine::new(crate::split::for_locale(site, &c.locale))?));
        }
    }
    let mut report = Report { all: Score { locale: "all".into(), ..Score::default() }, ..Report::default() };
    for c in cases {
        let Some((_, engine)) = engines.iter().find(|(l, _)| *l == c.locale) else { continue };
        let offered = offers(engine, &c.locale, &c.question);
        let (first, three) = match &c.expected {
            Some(id) => (
                offered.first().is_some_and(|o| o.contains(id)),
                offered.iter().take(3).any(|o| o.contains(id)),
            ),
            None => (offered.is_empty(), offered.is_empty()),
        };
        let tally = |s: &mut Score| match c.expected {
            Some(_) => {
                s.answerable += 1;
                s.right_first += usize::from(first);
                s.first_three += usize::from(three);
            }
            None => {
                s.unanswerable += 1;
                s.said_no += usize::from(first);
            }
        };
        tally(&mut report.all);
        match report.locales.iter_mut().find(|s| s.locale == c.locale) {
            Some(s) => tally(s),
            None => {
                let mut s = Score { locale: c.locale.clone(), ..Score::default() };
                tally(&mut s);
                report.locales.push(s);
            }
        }
        if !first {
            report.confusions.push(Confusion {
                locale: c.locale.clone(),
                question: c.question.clone(),
                got: offered.iter().take(3).filter_map(|o| o.first().cloned()).collect(),
                expected: c.expected.clone(),
            });
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_tabs_comments_and_no_answer() {
        let text = "locale\tquestion\texpected\n# comment\n\nen\twheres my parcel\torder_status\nde\tGutscheine?\t-\n";
        let cases = parse("set.tsv", text).unwrap_or_default();
        assert_eq!(cases.len(), 2);
        assert_eq!(cases[0].expected.as_deref(), Some("order_status"));
        assert_eq!(cases[1].expected, None);
        assert_eq!(cases[1].line, 5);
        let bad = parse("set.tsv", "en\tno expected column\n").unwrap_err();
        assert_eq!(bad[0].line, Some(1));
    }
}
