//! A site's synonyms (`synonyms.toml`): words its customers use for the same thing, per locale,
//! folded into the intents' patterns when the content is loaded. Every alternative of a pattern
//! that is one of a group's words gets the group's other words as alternatives, so "pano" works
//! wherever a pattern says "paano" and "поръч*" wherever it says "поръчк*". The exported bundle
//! carries the expanded patterns: the widget matches them as it matches any pattern, with no code
//! of its own for synonyms.

use crate::matcher::{MatcherBuilder, MIN_PREFIX};
use crate::model::Intent;
use crate::normalize::tokens;
use crate::Problem;
use std::collections::BTreeMap;

/// The file's path in a content folder.
pub const FILE: &str = "synonyms.toml";
/// The endings file's path: per locale, word endings a pattern word may drop (see [`stem`]).
pub const ENDINGS_FILE: &str = "endings.toml";
/// Letters (folded) a stem keeps at least: shorter stems match unrelated words.
pub const MIN_STEM: usize = 4;

/// Groups per locale: each group is one string of alternatives, `"paano|pano"`.
pub type Synonyms = BTreeMap<String, Vec<String>>;

/// One word of a group, folded: its text and whether it is a prefix (`word*`).
type Word = (String, bool);

fn fold(alt: &str) -> Option<Word> {
    let (body, prefix) = match alt.strip_suffix('*') {
        Some(b) => (b, true),
        None => (alt, false),
    };
    let mut t = tokens(body);
    (t.len() == 1).then(|| (t.remove(0), prefix))
}

/// Reads and checks `synonyms.toml`: known locales, groups of at least two single words (a
/// prefix with at least [`MIN_PREFIX`] letters), no word in two groups of a locale.
pub fn parse(text: &str, locales: &[String], problems: &mut Vec<Problem>) -> Synonyms {
    let syn: Synonyms = match toml::from_str(text) {
        Ok(s) => s,
        Err(e) => {
            let line = e.span().map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
            problems.push(Problem::new(FILE, line, e.message().to_string()));
            return Synonyms::new();
        }
    };
    let line_of =
        |needle: &str| text.lines().position(|l| l.contains(&format!("\"{needle}\""))).map(|i| i + 1);
    for (locale, groups) in &syn {
        if !locales.contains(locale) {
            let line = text.lines().position(|l| l.trim_start().starts_with(locale.as_str())).map(|i| i + 1);
            problems.push(Problem::new(FILE, line, format!("'{locale}' is not one of the site's locales")));
        }
        let mut seen: Vec<Word> = Vec::new();
        for g in groups {
            let before = seen.len();
            let words: Vec<&str> = g.split('|').collect();
            if words.len() < 2 {
                problems.push(Problem::new(
                    FILE,
                    line_of(g),
                    format!("'{g}' ({locale}): a group needs at least two words, 'paano|pano'"),
                ));
            }
            for w in words {
                match fold(w) {
                    None => problems.push(Problem::new(
                        FILE,
                        line_of(g),
                        format!("'{w}' in '{g}' ({locale}): one word per alternative"),
                    )),
                    Some((t, true)) if t.chars().count() < MIN_PREFIX => problems.push(Problem::new(
                        FILE,
                        line_of(g),
                        format!("'{w}' in '{g}' ({locale}): a prefix needs at least {MIN_PREFIX} letters before '*'"),
                    )),
                    Some(f) if seen[..before].contains(&f) => problems.push(Problem::new(
                        FILE,
                        line_of(g),
                        format!("'{w}' ({locale}) is in two groups; put its words in one"),
                    )),
                    Some(f) => seen.push(f),
                }
            }
        }
    }
    syn
}

/// Reads and checks `endings.toml`: known locales, each ending one word; returned folded,
/// longest first.
pub fn parse_endings(text: &str, locales: &[String], problems: &mut Vec<Problem>) -> Synonyms {
    let mut endings: Synonyms = match toml::from_str(text) {
        Ok(s) => s,
        Err(e) => {
            let line = e.span().map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
            problems.push(Problem::new(ENDINGS_FILE, line, e.message().to_string()));
            return Synonyms::new();
        }
    };
    for (locale, list) in endings.iter_mut() {
        if !locales.contains(locale) {
            problems.push(Problem::new(
                ENDINGS_FILE,
                None,
                format!("'{locale}' is not one of the site's locales"),
            ));
        }
        let mut folded = Vec::new();
        for e in list.iter() {
            match fold(e) {
                Some((f, false)) => folded.push(f),
                _ => problems.push(Problem::new(
                    ENDINGS_FILE,
                    None,
                    format!("ending '{e}' ({locale}): one word's ending, letters only"),
                )),
            }
        }
        folded.sort_by_key(|f| std::cmp::Reverse(f.chars().count()));
        *list = folded;
    }
    endings
}

/// The stem of a folded word: without the longest of `endings` that leaves at least
/// [`MIN_STEM`] letters ("platya" -> "plat" with "ya"), or None.
pub fn stem<'a>(word: &'a str, endings: &[String]) -> Option<&'a str> {
    endings.iter().find_map(|e| {
        let s = word.strip_suffix(e.as_str())?;
        (s.chars().count() >= MIN_STEM).then_some(s)
    })
}

/// `pattern` with every alternative that is a word of a group followed by the group's other
/// words (those the element does not have already).
pub fn expand(pattern: &str, groups: &[String]) -> String {
    expand_with(pattern, groups, &[])
}

/// [`expand`], then every whole word (not a prefix) with one of `endings` also as its stem's
/// prefix: "платя" also "плат*" (written folded, "plat*").
pub fn expand_with(pattern: &str, groups: &[String], endings: &[String]) -> String {
    let mut out: Vec<String> = Vec::new();
    for raw in pattern.split_whitespace() {
        let (body, optional) = match raw.strip_suffix('?') {
            Some(b) if !b.is_empty() => (b, "?"),
            _ => (raw, ""),
        };
        let alts: Vec<&str> = body.split('|').collect();
        let folded: Vec<Option<Word>> = alts.iter().map(|a| fold(a)).collect();
        // "e-mail" (two tokens) stays as written: alternatives are single words.
        if body == "*" || folded.iter().any(Option::is_none) {
            out.push(raw.to_string());
            continue;
        }
        let mut have: Vec<Word> = folded.into_iter().flatten().collect();
        let mut words: Vec<String> = alts.iter().map(|a| a.to_string()).collect();
        for g in groups {
            let members: Vec<(&str, Word)> = g.split('|').filter_map(|w| fold(w).map(|f| (w, f))).collect();
            if !members.iter().any(|(_, f)| have.contains(f)) {
                continue;
            }
            for (w, f) in members {
                if !have.contains(&f) {
                    have.push(f);
                    words.push(w.to_string());
                }
            }
        }
        for i in 0..have.len() {
            let (word, false) = &have[i] else { continue };
            let Some(st) = stem(word, endings) else { continue };
            let f = (st.to_string(), true);
            if !have.contains(&f) {
                words.push(format!("{st}*"));
                have.push(f);
            }
        }
        // A prefix makes the longer prefixes it starts ("поръчк*" beside "поръч*") redundant:
        // dropped, so the bundle does not carry them.
        let kept: Vec<&str> = words
            .iter()
            .zip(&have)
            .filter(|(_, (w, prefix))| {
                !have.iter().any(|(p, pp)| *pp && (p != w || !*prefix) && w.starts_with(p.as_str()))
            })
            .map(|(w, _)| w.as_str())
            .collect();
        out.push(format!("{}{optional}", kept.join("|")));
    }
    out.join(" ")
}

/// Expands every intent's patterns with its locale's groups; a pattern that would no longer
/// compile (it cannot, for checked groups) is kept as written.
pub fn apply(intents: &mut [Intent], syn: &Synonyms, endings: &Synonyms) {
    for intent in intents {
        let locales: Vec<String> = intent.patterns.keys().cloned().collect();
        for locale in locales {
            let groups = syn.get(&locale).map_or(&[][..], Vec::as_slice);
            let ends = endings.get(&locale).map_or(&[][..], Vec::as_slice);
            let Some(patterns) = intent.patterns.get_mut(&locale) else { continue };
            for p in patterns.iter_mut() {
                let e = expand_with(p, groups, ends);
                if e != *p && MatcherBuilder::new().add(0, 0, &e).is_ok() {
                    *p = e;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn groups(g: &[&str]) -> Vec<String> {
        g.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_word_of_a_group_brings_the_others() {
        let g = groups(&["paano|pano", "kailan|kelan", "поръчк*|поръч*"]);
        assert_eq!(expand("paano * magbayad", &g), "paano|pano * magbayad");
        assert_eq!(expand("pano|paano * sukatin", &g), "pano|paano * sukatin");
        assert_eq!(expand("kailan? darating", &g), "kailan|kelan? darating");
        // "поръчк*" is redundant beside "поръч*".
        assert_eq!(expand("къде * поръчк*|пратк*", &g), "къде * пратк*|поръч*");
        // A prefix and the same word without '*' are different words.
        assert_eq!(expand("поръчка", &g), "поръчка");
        // Folded alike: case and diacritics do not matter.
        assert_eq!(expand("PAANO", &g), "PAANO|pano");
        assert_eq!(expand("e-mail * paano", &g), "e-mail * paano|pano");
    }

    #[test]
    fn whole_words_also_match_as_their_stem() {
        let mut p = Vec::new();
        let e = parse_endings("bg = [\"я\", \"а\", \"ата\"]\n", &["bg".to_string()], &mut p);
        assert!(p.is_empty());
        let ends = &e["bg"];
        assert_eq!(expand_with("как * платя", &[], ends), "как * plat*");
        assert_eq!(expand_with("поръчката", &[], ends), "porachk*");
        // Prefixes and short words stay; a stem under MIN_STEM letters is not made.
        assert_eq!(expand_with("плат* вода", &[], ends), "плат* вода");
        assert_eq!(expand_with("река", &[], ends), "река");
    }

    #[test]
    fn bad_groups_are_explained() {
        let locales = vec!["tl".to_string()];
        let mut p = Vec::new();
        parse("tl = [\"paano\", \"a|ab*\", \"x-y|z\", \"pano|paano\"]\nxx = [\"a|b\"]\n", &locales, &mut p);
        let all: Vec<String> = p.iter().map(|p| p.to_string()).collect();
        let all = all.join("\n");
        assert!(all.contains("at least two words"), "{all}");
        assert!(all.contains("prefix needs"), "{all}");
        assert!(all.contains("one word per alternative"), "{all}");
        assert!(all.contains("two groups"), "{all}");
        assert!(all.contains("'xx' is not one of"), "{all}");
    }
}
