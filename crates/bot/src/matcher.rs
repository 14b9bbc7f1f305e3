//! Pattern compilation and one-pass matching of a message against every pattern of a site.
//!
//! Patterns are word sequences (see docs/content.md). They compile into terms (exact words and
//! prefixes) with an inverted index from term to patterns and a symmetric-delete index for typo
//! tolerance. A message is folded once, each of its tokens is resolved to the terms it matches
//! once, and only the patterns reached through the index are checked, so the cost grows with the
//! message, not with the number of intents.

use crate::intern::Interner;
use crate::normalize::{tokens, tokens_upto, MAX_MESSAGE_WORDS, MAX_TYPO_WORDS};
use crate::stopwords::is_stopword;
use crate::typo::TypoIndex;

/// Minimum letters before `*` in a prefix pattern: shorter prefixes match too much.
pub const MIN_PREFIX: usize = 3;
/// A term used by one owner's patterns weighs this much more; by n owners, 1/n of it. More
/// (0.5, 1.0) made a question without an answer on the demo's eval set confidently wrong.
pub const RARE_BONUS: f32 = 0.3;
/// A token matched through a typo counts this much of a clean match.
pub const TYPO_SCORE: f32 = 0.8;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternError(pub String);

impl std::fmt::Display for PatternError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone)]
struct Element {
    terms: Vec<u32>,
    optional: bool,
}

#[derive(Debug, Clone)]
struct Pattern {
    owner: u32,
    tag: u32,
    elements: Vec<Element>,
    required: u32,
}

/// The best match of one owner (an intent, a phrase list) in a message.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    pub owner: u32,
    pub tag: u32,
    /// Share of the message's weight explained by the pattern (0..=1).
    pub coverage: f32,
    /// Weight of the matched words (about one per content word).
    pub strength: f32,
    /// Number of required words in the pattern (more = more specific).
    pub specificity: u32,
}

/// A folded message with per-token weights, prepared once and matched against several matchers.
#[derive(Debug, Clone)]
pub struct Message {
    pub tokens: Vec<String>,
    pub weights: Vec<f32>,
    pub total: f32,
}

impl Message {
    pub fn new(text: &str) -> Message {
        let tokens = tokens_upto(text, MAX_MESSAGE_WORDS);
        let weights: Vec<f32> = tokens
            .iter()
            .map(|t| {
                if is_stopword(t) {
                    0.25
                } else if t.chars().any(|c| c.is_ascii_digit()) || t.chars().count() <= 2 {
                    // Order numbers ("FH-123456" is "fh" and "123456"), amounts and stray letters
                    // say little about what is asked.
                    0.3
                } else {
                    1.0
                }
            })
            .collect();
        let total = weights.iter().sum();
        Message { tokens, weights, total }
    }
    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }
}

#[derive(Debug, Default, Clone)]
pub struct MatcherBuilder {
    words: Interner,
    prefixes: Interner,
    term_text: Vec<String>,
    patterns: Vec<Pattern>,
    exact: bool,
}

impl MatcherBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// A matcher without typo tolerance, for short word lists where a typo of one word is often
    /// another real word (Tagalog "galit", angry, is one letter from "gamit", use).
    pub fn exact() -> Self {
        MatcherBuilder { exact: true, ..Self::default() }
    }

    fn term(&mut self, word: String, prefix: bool) -> u32 {
        let next = self.term_text.len() as u32;
        let map = if prefix { &mut self.prefixes } else { &mut self.words };
        let id = map.get_or_insert(&word, next);
        if id == next {
            self.term_text.push(word);
        }
        id
    }

    /// Compiles `pattern` for `owner`; `tag` is returned with hits (e.g. the locale index).
    pub fn add(&mut self, owner: u32, tag: u32, pattern: &str) -> Result<(), PatternError> {
        let mut elements = Vec::new();
        for raw in pattern.split_whitespace() {
            if raw.chars().all(|c| c == '*') {
                continue; // a documented gap: words may stand between the others anyway
            }
            let (body, optional) = match raw.strip_suffix('?') {
                Some(b) => (b, true),
                None => (raw, false),
            };
            if body.is_empty() {
                return Err(PatternError(format!("'{raw}' has nothing before '?'")));
            }
            let alts: Vec<&str> = body.split('|').collect();
            if alts.len() == 1 {
                // A plain word may fold into several tokens ("e-mail" -> "e mail"): each counts.
                let (word, prefix) = split_prefix(body);
                let toks = tokens(word);
                if toks.is_empty() {
                    return Err(PatternError(format!("'{raw}' has no letters or digits")));
                }
                let n = toks.len();
                for (i, t) in toks.into_iter().enumerate() {
                    let is_prefix = prefix && i + 1 == n;
                    check_prefix(&t, is_prefix, raw)?;
                    let id = self.term(t, is_prefix);
                    elements.push(Element { terms: vec![id], optional });
                }
                continue;
            }
            let mut terms = Vec::new();
            for alt in alts {
                let (word, prefix) = split_prefix(alt);
                let toks = tokens(word);
                match toks.len() {
                    0 => return Err(PatternError(format!("'{raw}' has an empty alternative"))),
                    1 => {}
                    _ => {
                        return Err(PatternError(format!(
                            "alternative '{alt}' in '{raw}' is more than one word; write one word per alternative"
                        )))
                    }
                }
                let t = toks.into_iter().next().unwrap_or_default();
                check_prefix(&t, prefix, raw)?;
                terms.push(self.term(t, prefix));
            }
            elements.push(Element { terms, optional });
        }
        let required = elements.iter().filter(|e| !e.optional).count() as u32;
        if required == 0 {
            return Err(PatternError(if elements.is_empty() {
                "the pattern is empty".into()
            } else {
                "every word of the pattern is optional".into()
            }));
        }
        self.patterns.push(Pattern { owner, tag, elements, required });
        Ok(())
    }

    pub fn build(self) -> Matcher {
        let mut postings = vec![Vec::new(); self.term_text.len()];
        for (pid, p) in self.patterns.iter().enumerate() {
            for e in &p.elements {
                for &t in &e.terms {
                    if postings[t as usize].last() != Some(&(pid as u32)) {
                        postings[t as usize].push(pid as u32);
                    }
                }
            }
        }
        let mut typo_index = TypoIndex::default();
        if !self.exact {
            for (word, id) in self.words.iter() {
                typo_index.add(word, id);
            }
        }
        let longest_prefix = self.prefixes.iter().map(|(p, _)| p.chars().count()).max().unwrap_or(0);
        // A term only one owner's patterns use says more than one shared by many ("hotline" vs
        // "wie"): its match weighs more, so one distinctive keyword is not drowned by a long
        // sentence ("Bis wie viel Uhr ist eure Hotline heute besetzt?").
        let weight: Vec<f32> = postings
            .iter()
            .map(|ps| {
                let mut owners: Vec<u32> = ps.iter().map(|&p| self.patterns[p as usize].owner).collect();
                crate::sort::sort_dedup(&mut owners);
                1.0 + RARE_BONUS / owners.len().max(1) as f32
            })
            .collect();
        Matcher {
            weight,
            longest_prefix,
            words: self.words,
            prefixes: self.prefixes,
            typo_index,
            exact: self.exact,
            term_text: self.term_text,
            postings,
            patterns: self.patterns,
        }
    }
}

fn split_prefix(word: &str) -> (&str, bool) {
    match word.strip_suffix('*') {
        Some(w) => (w, true),
        None => (word, false),
    }
}

fn check_prefix(folded: &str, prefix: bool, raw: &str) -> Result<(), PatternError> {
    if prefix && folded.chars().count() < MIN_PREFIX {
        return Err(PatternError(format!(
            "'{raw}': a prefix needs at least {MIN_PREFIX} letters before '*'"
        )));
    }
    Ok(())
}

/// Compiled patterns of one kind (intents, or the handoff phrases).
#[derive(Debug, Clone)]
pub struct Matcher {
    /// Per term: how much a match of it weighs (rare terms more).
    weight: Vec<f32>,
    /// Characters of the longest prefix term: a token's longer prefixes are never looked up.
    longest_prefix: usize,
    words: Interner,
    prefixes: Interner,
    typo_index: TypoIndex,
    term_text: Vec<String>,
    postings: Vec<Vec<u32>>,
    patterns: Vec<Pattern>,
    exact: bool,
}

impl Matcher {
    pub fn pattern_count(&self) -> usize {
        self.patterns.len()
    }

    /// The terms one folded token matches, with their scores. `typos` is how many more tokens
    /// of the message may be looked up with typos.
    fn resolve(&self, token: &str, out: &mut Vec<(u32, f32)>, typos: &mut usize) {
        out.clear();
        if let Some(id) = self.words.get(token) {
            out.push((id, self.weight[id as usize]));
        }
        if !self.prefixes.is_empty() {
            // Every prefix of the token from MIN_PREFIX characters up to the longest prefix term
            // (not beyond: a 4,000-letter token would cost millions of hashed bytes), and the
            // token itself.
            for (count, (i, _)) in token.char_indices().enumerate().take(self.longest_prefix + 1) {
                if count >= MIN_PREFIX {
                    crate::work::add(1);
                    if let Some(id) = self.prefixes.get(&token[..i]) {
                        out.push((id, self.weight[id as usize]));
                    }
                }
            }
            if let Some(id) = self.prefixes.get(token) {
                out.push((id, self.weight[id as usize]));
            }
        }
        if !out.is_empty() || self.exact || *typos == 0 {
            return;
        }
        *typos -= 1;
        let words = &self.words;
        for id in self.typo_index.find(token, &self.term_text, |d| words.get(d)) {
            out.push((id, TYPO_SCORE * self.weight[id as usize]));
        }
    }

    /// Matches every pattern against the message in one pass; returns the best hit per owner and
    /// tag, in (owner, tag) order. The caller weighs tags (e.g. prefers the customer's locale).
    pub fn match_all(&self, msg: &Message) -> Vec<Hit> {
        let mut per_token: Vec<Vec<(u32, f32)>> = Vec::with_capacity(msg.tokens.len());
        let mut scratch = Vec::new();
        let mut candidates: Vec<u32> = Vec::new();
        let mut typos = MAX_TYPO_WORDS;
        for t in &msg.tokens {
            self.resolve(t, &mut scratch, &mut typos);
            for &(term, _) in &scratch {
                candidates.extend(&self.postings[term as usize]);
            }
            per_token.push(scratch.clone());
        }
        crate::sort::sort_dedup(&mut candidates);

        let mut best: Vec<Hit> = Vec::new();
        for pid in candidates {
            let p = &self.patterns[pid as usize];
            let Some(matched) = self.match_pattern(p, msg, &per_token) else { continue };
            let hit = Hit {
                owner: p.owner,
                tag: p.tag,
                coverage: if msg.total > 0.0 { (matched / msg.total).min(1.0) } else { 0.0 },
                strength: matched,
                specificity: p.required,
            };
            match best.iter_mut().find(|h| h.owner == p.owner && h.tag == p.tag) {
                Some(h) => {
                    if (hit.coverage, hit.specificity) > (h.coverage, h.specificity) {
                        *h = hit;
                    }
                }
                None => best.push(hit),
            }
        }
        crate::sort::sort_by(&mut best, |a, b| (a.owner, a.tag).cmp(&(b.owner, b.tag)));
        best
    }

    /// In-order match; returns the matched weight, or None when a required word is missing.
    /// Each element takes its earliest occurrence after the previous one (the earliest leaves the
    /// most room for the rest); an optional element that would block what follows is skipped.
    fn match_pattern(&self, p: &Pattern, msg: &Message, per_token: &[Vec<(u32, f32)>]) -> Option<f32> {
        match_from(&p.elements, 0, msg, per_token)
    }
}

fn match_from(elements: &[Element], pos: usize, msg: &Message, per_token: &[Vec<(u32, f32)>]) -> Option<f32> {
    let Some((e, rest)) = elements.split_first() else { return Some(0.0) };
    let found = (pos..per_token.len()).find_map(|i| {
        per_token[i]
            .iter()
            .filter(|(t, _)| e.terms.contains(t))
            .map(|(_, s)| *s)
            .fold(None, |acc: Option<f32>, s| Some(acc.map_or(s, |a| a.max(s))))
            .map(|s| (i, s))
    });
    let taken =
        found.and_then(|(i, s)| match_from(rest, i + 1, msg, per_token).map(|w| w + s * msg.weights[i]));
    match taken {
        Some(w) => Some(w),
        None if e.optional => match_from(rest, pos, msg, per_token),
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher(patterns: &[(u32, &str)]) -> Matcher {
        let mut b = MatcherBuilder::new();
        for (owner, p) in patterns {
            b.add(*owner, 0, p).unwrap();
        }
        b.build()
    }

    fn owners(m: &Matcher, text: &str) -> Vec<u32> {
        m.match_all(&Message::new(text)).iter().map(|h| h.owner).collect()
    }

    #[test]
    fn words_match_in_order_with_gaps() {
        let m = matcher(&[(0, "where * order"), (1, "order where")]);
        assert_eq!(owners(&m, "Where is my ORDER?"), vec![0]);
        assert_eq!(owners(&m, "my order, where is it"), vec![1]);
    }

    #[test]
    fn alternatives_prefixes_and_optional_words() {
        let m = matcher(&[(0, "track order|parcel|package"), (1, "objednávk*"), (2, "refund please?")]);
        assert_eq!(owners(&m, "track my parcel"), vec![0]);
        assert_eq!(owners(&m, "Kde je moje objednávka?"), vec![1]);
        assert_eq!(owners(&m, "kde je moje objednavku"), vec![1]);
        assert_eq!(owners(&m, "refund"), vec![2]);
        let with = m.match_all(&Message::new("refund please"))[0];
        let without = m.match_all(&Message::new("refund now"))[0];
        assert!(with.coverage > without.coverage);
    }

    #[test]
    fn typos_in_longer_words_are_forgiven_but_not_in_short_ones() {
        let m = matcher(&[(0, "delivery"), (1, "cost")]);
        assert_eq!(owners(&m, "delivry"), vec![0]);
        assert_eq!(owners(&m, "dleivery"), vec![0]);
        assert_eq!(owners(&m, "cots"), Vec::<u32>::new());
        let typo = m.match_all(&Message::new("delivry"))[0];
        let clean = m.match_all(&Message::new("delivery"))[0];
        assert!((typo.strength / clean.strength - TYPO_SCORE).abs() < 1e-6);
    }

    #[test]
    fn a_word_only_one_owner_uses_weighs_more() {
        let m = matcher(&[(0, "hotline"), (1, "when * open"), (2, "when * delivery")]);
        let rare = m.match_all(&Message::new("hotline"))[0];
        assert!((rare.strength - (1.0 + RARE_BONUS)).abs() < 1e-6);
        let hits = m.match_all(&Message::new("when open"));
        // "when" is shared by two owners, "open" belongs to one.
        assert!((hits[0].strength - (1.0 + RARE_BONUS / 2.0 + 1.0 + RARE_BONUS)).abs() < 1e-6);
    }

    #[test]
    fn two_typos_allowed_in_long_words() {
        let m = matcher(&[(0, "reklamace")]);
        assert_eq!(owners(&m, "reklamaice"), vec![0]);
        assert_eq!(owners(&m, "rkelamace"), vec![0]);
        assert_eq!(owners(&m, "reklxmxxe"), Vec::<u32>::new());
    }

    #[test]
    fn cyrillic_and_transliteration_match_the_same_pattern() {
        let m = matcher(&[(0, "поръчк*")]);
        assert_eq!(owners(&m, "Къде е поръчката ми"), vec![0]);
        assert_eq!(owners(&m, "kade e porachkata mi"), vec![0]);
    }

    #[test]
    fn coverage_prefers_the_pattern_that_explains_more() {
        let m = matcher(&[(0, "order"), (1, "cancel order")]);
        let hits = m.match_all(&Message::new("cancel my order"));
        assert_eq!(hits.len(), 2);
        assert!(hits[1].coverage > hits[0].coverage);
    }

    #[test]
    fn an_optional_word_after_the_required_one_does_not_block_the_match() {
        let m = matcher(&[(0, "please? refund")]);
        assert_eq!(owners(&m, "refund please"), vec![0]);
        let both = m.match_all(&Message::new("please refund"))[0];
        let one = m.match_all(&Message::new("refund please"))[0];
        assert!(both.strength > one.strength);
    }

    #[test]
    fn exact_matchers_forgive_no_typos() {
        let mut b = MatcherBuilder::exact();
        b.add(0, 0, "galit").unwrap();
        let m = b.build();
        assert_eq!(owners(&m, "galit ako"), vec![0]);
        assert_eq!(owners(&m, "gamit ko ito"), Vec::<u32>::new());
    }

    #[test]
    fn bad_patterns_are_explained() {
        let mut b = MatcherBuilder::new();
        assert!(b.add(0, 0, "").unwrap_err().0.contains("empty"));
        assert!(b.add(0, 0, "please?").unwrap_err().0.contains("optional"));
        assert!(b.add(0, 0, "ab*").unwrap_err().0.contains("prefix"));
        assert!(b.add(0, 0, "a||b").unwrap_err().0.contains("empty alternative"));
        assert!(b.add(0, 0, "!!!").unwrap_err().0.contains("no letters"));
        assert!(b.add(0, 0, "x|e-mail").unwrap_err().0.contains("more than one word"));
    }
}
