//! Content gaps: what customers asked that the bot could not answer, grouped so that a site
//! owner sees a handful of topics to write a rule or an article for, not a list of messages.
//!
//! Input is a file of unmatched customer messages, one JSON object per line (the desk exports
//! it; docs/content.md shows the format):
//!
//! ```text
//! {"locale":"de","text":"Kann ich per Rechnung zahlen?","conversation":"c-17","handed_off":true}
//! ```
//!
//! Each message is first asked again of the current content: what the bot answers now is no
//! longer a gap. The rest are grouped per language by their content words (folded like the
//! matcher folds them, stop words dropped, one typo forgiven in longer words): a message joins
//! the group whose core (the words most of its members share) it shares most of. Groups rank by how many of their
//! conversations ended with a person, then by size: the gaps that cost agents' time first.

use crate::normalize::{edit_distance, tokens, typo_budget};
use crate::stopwords::is_stopword;
use crate::{Engine, Problem};
use serde::Deserialize;

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unmatched {
    pub locale: String,
    pub text: String,
    #[serde(default)]
    pub conversation: Option<String>,
    /// Did the conversation end with a person (a handoff)?
    #[serde(default)]
    pub handed_off: bool,
}

/// One topic customers asked about that the content does not cover.
#[derive(Debug, Clone, PartialEq)]
pub struct Gap {
    pub locale: String,
    /// The words most of the group's messages share, in first-seen order.
    pub words: Vec<String>,
    pub messages: usize,
    /// Messages whose conversation was handed to a person.
    pub handoffs: usize,
    /// Up to [`EXAMPLES`] messages as written, with their conversation ids.
    pub examples: Vec<(String, Option<String>)>,
}

pub const EXAMPLES: usize = 3;

/// The report: gaps best first, and how many messages the content answers by now.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub gaps: Vec<Gap>,
    pub answered_now: usize,
    pub total: usize,
}

/// Reads the JSON-lines file; every bad line is a problem naming `file` and the line.
pub fn parse(file: &str, text: &str) -> Result<Vec<Unmatched>, Vec<Problem>> {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Unmatched>(line) {
            Ok(u) if u.text.trim().is_empty() => {
                problems.push(Problem::new(file, Some(i + 1), "the message text is empty"))
            }
            Ok(u) => out.push(u),
            Err(e) => {
                problems.push(Problem::new(file, Some(i + 1), format!("not an unmatched message: {e}")))
            }
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

/// The words that carry the meaning of a message.
fn content_words(text: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for t in tokens(text) {
        if t.chars().count() >= 3 && !is_stopword(&t) && !words.contains(&t) {
            words.push(t);
        }
    }
    words
}

/// Same word, the same stem ("tent" and "tents", "rent" and "rental": one starts with the
/// other, of at least four letters), or one typo apart in words long enough to allow one.
fn same_word(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if short.chars().count() >= 4 && long.starts_with(short) {
        return true;
    }
    let budget = typo_budget(short.chars().count()).min(1);
    budget > 0 && edit_distance(a, b, budget) <= budget
}

fn shared(a: &[String], b: &[String]) -> usize {
    a.iter().filter(|w| b.iter().any(|v| same_word(w, v))).count()
}

struct Group {
    locale: String,
    /// Every content word of the members, with how many members have it.
    words: Vec<(String, usize)>,
    members: Vec<usize>,
}

impl Group {
    /// The group's shape: the words most of its members share (at least one word).
    fn core(&self) -> Vec<String> {
        let most = self.members.len() / 2 + 1;
        let mut core: Vec<String> =
            self.words.iter().filter(|(_, n)| *n >= most).map(|(w, _)| w.clone()).collect();
        if core.is_empty() {
            if let Some((w, _)) = self.words.iter().max_by_key(|(_, n)| *n) {
                core.push(w.clone());
            }
        }
        core
    }
}

/// Groups the messages the content still does not answer; see the module docs.
pub fn find(engine: &Engine, messages: &[Unmatched]) -> Report {
    let mut groups: Vec<Group> = Vec::new();
    let mut answered_now = 0;
    for (i, m) in messages.iter().enumerate() {
        let (mut conv, _) = engine.start(&m.locale);
        if engine.reply(&mut conv, &m.text).intent.is_some() {
            answered_now += 1;
            continue;
        }
        let words = content_words(&m.text);
        if words.is_empty() {
            continue; // "???" or only small words: nothing to write content for
        }
        // The group whose core shares most words with this message, if that is at least half
        // of the smaller of the two.
        let best = groups
            .iter()
            .enumerate()
            .filter(|(_, g)| g.locale == m.locale)
            .map(|(gi, g)| {
                let core = g.core();
                let n = shared(&words, &core);
                (gi, n, core.len())
            })
            .filter(|&(_, n, core)| n > 0 && n * 2 >= words.len().min(core))
            .max_by_key(|&(gi, n, _)| (n, std::cmp::Reverse(gi)));
        let g = match best {
            Some((gi, _, _)) => &mut groups[gi],
            None => {
                groups.push(Group { locale: m.locale.clone(), words: Vec::new(), members: Vec::new() });
                let last = groups.len() - 1;
                &mut groups[last]
            }
        };
        g.members.push(i);
        for w in words {
            match g.words.iter_mut().find(|(v, _)| same_word(v, &w)) {
                Some((_, n)) => *n += 1,
                None => g.words.push((w, 1)),
            }
        }
    }
    let mut gaps: Vec<Gap> = groups
        .iter()
        .map(|g| Gap {
            locale: g.locale.clone(),
            words: g.core(),
            messages: g.members.len(),
            handoffs: g.members.iter().filter(|&&i| messages[i].handed_off).count(),
            examples: g
                .members
                .iter()
                .take(EXAMPLES)
                .map(|&i| (messages[i].text.clone(), messages[i].conversation.clone()))
                .collect(),
        })
        .collect();
    // Stable, so equal gaps keep the order their first message came in.
    gaps.sort_by_key(|g| std::cmp::Reverse((g.handoffs, g.messages)));
    Report { gaps, answered_now, total: messages.len() }
}
