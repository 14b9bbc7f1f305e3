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

use crate::engine::FirstMessage;
use crate::normalize::{edit_distance, tokens_upto, typo_budget, MAX_MESSAGE_WORDS};
use crate::stopwords::is_stopword;
use crate::{Engine, Problem};
use serde::Deserialize;
use std::collections::HashMap;

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

/// The report: gaps best first, how many messages the content answers by now, and how many
/// asked for a person (the escalation itself, not a gap).
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub gaps: Vec<Gap>,
    pub answered_now: usize,
    pub asked_for_person: usize,
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
    for t in tokens_upto(text, MAX_MESSAGE_WORDS) {
        // A number (an order number, an amount) is a detail of one message, never its topic.
        let number = t.chars().all(|c| c.is_ascii_digit());
        if t.chars().count() >= 3 && !number && !is_stopword(&t) && !words.contains(&t) {
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

/// A word of the messages, by its index in [`Words`].
type WordId = u32;

/// Every distinct content word met, with [`same_word`] asked at most once per pair: a period's
/// messages repeat a small vocabulary, and the edit distances were most of the grouping's time.
#[derive(Default)]
struct Words {
    ids: HashMap<String, WordId>,
    same: HashMap<(WordId, WordId), bool>,
    text: Vec<String>,
}

impl Words {
    fn id(&mut self, w: String) -> WordId {
        if let Some(&id) = self.ids.get(&w) {
            return id;
        }
        let id = WordId::try_from(self.text.len()).unwrap_or(WordId::MAX);
        self.text.push(w.clone());
        self.ids.insert(w, id);
        id
    }

    fn same(&mut self, a: WordId, b: WordId) -> bool {
        if a == b {
            return true;
        }
        // In the order asked: same_word is symmetric except for rare equal-byte-length pairs of
        // different character counts (the typo budget follows the first).
        let key = (a, b);
        if let Some(&v) = self.same.get(&key) {
            return v;
        }
        let v = same_word(&self.text[a as usize], &self.text[b as usize]);
        self.same.insert(key, v);
        v
    }

    fn shared(&mut self, a: &[WordId], b: &[WordId]) -> usize {
        a.iter().filter(|&&w| b.iter().any(|&v| self.same(w, v))).count()
    }
}

/// The first two and the last two characters of a word: two words [`same_word`] calls equal
/// share one of them (both are at least three characters long: a prefix of four or more
/// starts both; one edit in words of five or more leaves either end intact), so a group looks
/// a word up among the few of its words with the same ends, not among all of them.
fn ends(w: &str) -> ([char; 2], [char; 2]) {
    let mut it = w.chars();
    let first = [it.next().unwrap_or(' '), it.next().unwrap_or(' ')];
    let mut back = w.chars().rev();
    let last1 = back.next().unwrap_or(' ');
    let last = [back.next().unwrap_or(' '), last1];
    (first, last)
}

struct Group {
    locale: String,
    /// Every content word of the members in first-seen order, with how many members have it.
    words: Vec<(WordId, usize)>,
    /// Positions in `words` by a word's first two and by its last two characters.
    by_start: HashMap<[char; 2], Vec<usize>>,
    by_end: HashMap<[char; 2], Vec<usize>>,
    members: Vec<usize>,
    /// Positions in `words` of the words at least `most` members have, `most` being a majority
    /// of the members (kept as members join: a word's count only grows, the majority too).
    common: Vec<usize>,
    most: usize,
    /// The position of the last word with the highest count (the core when none is common).
    top: Option<usize>,
    /// The group's shape: the words most of its members share (at least one word), in
    /// first-seen order.
    core: Vec<WordId>,
}

impl Group {
    fn new(locale: &str) -> Group {
        Group {
            locale: locale.to_string(),
            words: Vec::new(),
            by_start: HashMap::new(),
            by_end: HashMap::new(),
            members: Vec::new(),
            common: Vec::new(),
            most: 1,
            top: None,
            core: Vec::new(),
        }
    }

    /// Adds message `i` with its content words: each counts for the first of the group's
    /// words it is the same word as, or joins them.
    fn add(&mut self, i: usize, words: &[WordId], vocabulary: &mut Words) {
        self.members.push(i);
        self.most = self.members.len() / 2 + 1;
        for &w in words {
            let (start, end) = ends(&vocabulary.text[w as usize]);
            let mut candidates: Vec<usize> =
                self.by_start.get(&start).into_iter().flatten().copied().collect();
            candidates.extend(self.by_end.get(&end).into_iter().flatten().copied());
            candidates.sort_unstable();
            candidates.dedup();
            let at = candidates.into_iter().find(|&p| vocabulary.same(self.words[p].0, w));
            let at = match at {
                Some(p) => {
                    self.words[p].1 += 1;
                    p
                }
                None => {
                    self.words.push((w, 1));
                    let p = self.words.len() - 1;
                    self.by_start.entry(start).or_default().push(p);
                    self.by_end.entry(end).or_default().push(p);
                    p
                }
            };
            let n = self.words[at].1;
            if self.top.is_none_or(|t| n > self.words[t].1 || (n == self.words[t].1 && at > t)) {
                self.top = Some(at);
            }
            if n >= self.most && !self.common.contains(&at) {
                self.common.push(at);
            }
        }
        let (words_now, most) = (&self.words, self.most);
        self.common.retain(|&p| words_now[p].1 >= most);
        self.common.sort_unstable();
        self.core = if self.common.is_empty() {
            self.top.map(|t| vec![self.words[t].0]).unwrap_or_default()
        } else {
            self.common.iter().map(|&p| self.words[p].0).collect()
        };
    }
}

/// Groups the messages the content still does not answer; see the module docs.
pub fn find(engine: &Engine, messages: &[Unmatched]) -> Report {
    let verdicts: Vec<FirstMessage> =
        messages.iter().map(|m| engine.first_message(&m.locale, &m.text)).collect();
    group(messages, &verdicts)
}

/// [`find`] with the content's verdicts given (`verdicts[i]` is [`Engine::first_message`] of
/// `messages[i]`; a missing one counts as not answered), so that a caller can ask them in
/// parallel (the desk does; this crate also runs in the browser, without threads). A message
/// that asks for a person ("I want to talk to a human") is how a customer escalates, not a
/// topic to write content for: counted apart, never a gap.
pub fn group(messages: &[Unmatched], verdicts: &[FirstMessage]) -> Report {
    let mut groups: Vec<Group> = Vec::new();
    let mut vocabulary = Words::default();
    let (mut answered_now, mut asked_for_person) = (0, 0);
    for (i, m) in messages.iter().enumerate() {
        match verdicts.get(i).copied().unwrap_or(FirstMessage::NotAnswered) {
            FirstMessage::Answered => {
                answered_now += 1;
                continue;
            }
            FirstMessage::AsksForPerson => {
                asked_for_person += 1;
                continue;
            }
            FirstMessage::NotAnswered => {}
        }
        let words: Vec<WordId> = content_words(&m.text).into_iter().map(|w| vocabulary.id(w)).collect();
        if words.is_empty() {
            continue; // "???" or only small words: nothing to write content for
        }
        // The group whose core shares most words with this message, if that is at least half
        // of the smaller of the two.
        let mut best: Option<(usize, usize)> = None;
        for (gi, g) in groups.iter().enumerate().filter(|(_, g)| g.locale == m.locale) {
            let n = vocabulary.shared(&words, &g.core);
            // Ties go to the older group (the first found).
            if n > 0 && n * 2 >= words.len().min(g.core.len()) && best.is_none_or(|(_, b)| n > b) {
                best = Some((gi, n));
            }
        }
        let gi = match best {
            Some((gi, _)) => gi,
            None => {
                groups.push(Group::new(&m.locale));
                groups.len() - 1
            }
        };
        groups[gi].add(i, &words, &mut vocabulary);
    }
    let mut gaps: Vec<Gap> = groups
        .iter()
        .map(|g| Gap {
            locale: g.locale.clone(),
            words: g.core.iter().map(|&w| vocabulary.text[w as usize].clone()).collect(),
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
    Report { gaps, answered_now, asked_for_person, total: messages.len() }
}
