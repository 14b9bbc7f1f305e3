//! Example sentences per intent and locale (`examples/<locale>.toml`), compiled into patterns
//! when the content is loaded: an example's content words in its order, the one that the fewest
//! intents of the locale use required, the others optional. "my parcel never showed up" becomes
//! `parcel? never? showed`: "showed" is enough, the other words make the match stronger. (Two
//! required words answered 6 of 12 Bulgarian paraphrases of the demo's examples, one 11.)
//! The bundle carries the compiled patterns, so the widget has no code for examples.

use crate::matcher::MatcherBuilder;
use crate::model::Intent;
use crate::normalize::tokens;
use crate::stopwords::is_stopword;
use crate::Problem;
use std::collections::BTreeMap;

/// The folder of the example files in a content folder.
pub const DIR: &str = "examples/";
/// Content words of an example that are used; more make a pattern nobody's message fits.
pub const MAX_WORDS: usize = 8;
/// Words of an example a message must have: the rarest.
pub const REQUIRED: usize = 1;

/// Per locale, per intent id: its examples.
pub type Examples = BTreeMap<String, BTreeMap<String, Vec<String>>>;

/// Reads `examples/<locale>.toml` files (intent id = ["sentence", ...]).
pub fn parse(
    files: &[crate::load::File],
    locales: &[String],
    ids: &[&str],
    problems: &mut Vec<Problem>,
) -> Examples {
    let mut out = Examples::new();
    for (path, text) in files.iter().filter(|(p, _)| p.starts_with(DIR) && p.ends_with(".toml")) {
        let locale = path[DIR.len()..path.len() - ".toml".len()].to_string();
        if !locales.contains(&locale) {
            problems.push(Problem::new(
                path.clone(),
                None,
                format!("'{locale}' is not one of the site's locales"),
            ));
            continue;
        }
        let table: BTreeMap<String, Vec<String>> = match toml::from_str(text) {
            Ok(t) => t,
            Err(e) => {
                let line = e.span().map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
                problems.push(Problem::new(path.clone(), line, e.message().to_string()));
                continue;
            }
        };
        for (id, list) in &table {
            let line = text.lines().position(|l| l.trim_start().starts_with(id.as_str())).map(|i| i + 1);
            if !ids.contains(&id.as_str()) {
                problems.push(Problem::new(path.clone(), line, format!("unknown intent '{id}'")));
            }
            for e in list {
                if content_words(e).is_empty() {
                    problems.push(Problem::new(
                        path.clone(),
                        line,
                        format!("example '{e}' ({id}) has no content word, only short or function words"),
                    ));
                }
            }
        }
        out.insert(locale, table);
    }
    out
}

/// The folded words of an example that say something: no function words, numbers or one- and
/// two-letter words, each once, at most [`MAX_WORDS`].
fn content_words(example: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in tokens(example) {
        if is_stopword(&t)
            || t.chars().count() <= 2
            || t.chars().any(|c| c.is_ascii_digit())
            || out.contains(&t)
        {
            continue;
        }
        out.push(t);
        if out.len() == MAX_WORDS {
            break;
        }
    }
    out
}

/// The folded words and prefixes of a pattern.
fn pattern_terms(pattern: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    for alt in pattern.split(|c: char| c.is_whitespace() || c == '|') {
        let alt = alt.trim_end_matches('?');
        let (body, prefix) = match alt.strip_suffix('*') {
            Some(b) => (b, true),
            None => (alt, false),
        };
        for t in tokens(body) {
            out.push((t, prefix));
        }
    }
    out
}

/// One example as a pattern. `df` tells how many intents of the locale use a word; the
/// [`REQUIRED`] words with the lowest (the longer first on a tie) are required. `endings` as in
/// [`crate::synonyms::stem`].
pub fn compile(example: &str, endings: &[String], df: impl Fn(&str) -> usize) -> Option<String> {
    let words = content_words(example);
    if words.is_empty() {
        return None;
    }
    let mut order: Vec<usize> = (0..words.len()).collect();
    order.sort_by_key(|&i| (df(&words[i]), std::cmp::Reverse(words[i].chars().count()), i));
    let required: Vec<usize> = order.into_iter().take(REQUIRED).collect();
    let parts: Vec<String> = words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let term = match crate::synonyms::stem(w, endings) {
                Some(s) => format!("{s}*"),
                None => w.clone(),
            };
            if required.contains(&i) {
                term
            } else {
                format!("{term}?")
            }
        })
        .collect();
    Some(parts.join(" "))
}

/// Adds every example's pattern to its intent's patterns of the locale.
pub fn apply(intents: &mut [Intent], examples: &Examples, endings: &crate::synonyms::Synonyms) {
    for (locale, table) in examples {
        // How many intents use a word: in their patterns (a prefix counts for the words it
        // starts) or their examples.
        let vocab: Vec<Vec<(String, bool)>> = intents
            .iter()
            .map(|i| {
                let mut v: Vec<(String, bool)> =
                    i.patterns.get(locale).into_iter().flatten().flat_map(|p| pattern_terms(p)).collect();
                for e in table.get(&i.id).into_iter().flatten() {
                    v.extend(content_words(e).into_iter().map(|w| (w, false)));
                }
                v
            })
            .collect();
        let df = |w: &str| {
            vocab
                .iter()
                .filter(|v| v.iter().any(|(t, prefix)| t == w || (*prefix && w.starts_with(t.as_str()))))
                .count()
        };
        let ends = endings.get(locale).map_or(&[][..], Vec::as_slice);
        for intent in intents.iter_mut() {
            let Some(list) = table.get(&intent.id) else { continue };
            let compiled: Vec<String> = list
                .iter()
                .filter_map(|e| compile(e, ends, df))
                .filter(|p| MatcherBuilder::new().add(0, 0, p).is_ok())
                .collect();
            let Some(patterns) = intent.patterns.get_mut(locale) else { continue };
            for p in compiled {
                if !patterns.contains(&p) {
                    patterns.push(p);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_example_requires_its_two_rarest_words() {
        let df = |w: &str| if w == "parcel" { 3 } else { 1 };
        assert_eq!(compile("My parcel never showed up!", &[], df).as_deref(), Some("parcel? never? showed"));
        // One content word: that one.
        assert_eq!(compile("Hotline?", &[], df).as_deref(), Some("hotline"));
        assert_eq!(compile("is it in the", &[], df), None);
        let ends = vec!["ed".to_string()];
        assert_eq!(compile("parcel never showed", &ends, df).as_deref(), Some("parcel? never? show*"));
    }

    #[test]
    fn unknown_intents_and_locales_are_reported() {
        let files = vec![
            (
                "examples/en.toml".to_string(),
                "nope = [\"where is it\"]\norder_status = [\"is it\"]\n".to_string(),
            ),
            ("examples/xx.toml".to_string(), String::new()),
        ];
        let mut p = Vec::new();
        parse(&files, &["en".to_string()], &["order_status"], &mut p);
        let all: Vec<String> = p.iter().map(|p| p.to_string()).collect();
        let all = all.join("\n");
        assert!(all.contains("unknown intent 'nope'"), "{all}");
        assert!(all.contains("no content word"), "{all}");
        assert!(all.contains("'xx' is not one of"), "{all}");
    }
}
