//! Text normalisation: the reason "nao" finds "não" and "porachka" finds "поръчка".
//!
//! Every message and every pattern goes through the same folding, so matching only ever
//! compares folded tokens: Unicode lower case, Latin diacritics removed, Cyrillic written in
//! the Bulgarian streamlined Latin transliteration (customers often type Bulgarian in Latin
//! letters), punctuation treated as a separator and apostrophes dropped inside words.
//! Hand-written tables (here and in [`crate::charcase`]) instead of Unicode crates keep the wasm
//! bundle small;
//! it covers the scripts of the six supported languages and their neighbours.

use crate::charcase::{is_word, lower};

/// Folds one lower-cased character into `out`. Returns false for a separator.
fn push_folded(c: char, out: &mut String) -> bool {
    let s: &str = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'č' | 'ĉ' => "c",
        'ď' | 'đ' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => "e",
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' | 'ı' => "i",
        'ľ' | 'ĺ' | 'ł' => "l",
        'ñ' | 'ń' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => "o",
        'œ' => "oe",
        'ŕ' | 'ř' => "r",
        'ś' | 'š' | 'ş' | 'ș' => "s",
        'ß' => "ss",
        'ť' | 'ţ' | 'ț' => "t",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' | 'ų' => "u",
        'ý' | 'ÿ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        // Cyrillic: Bulgarian streamlined system, plus the Russian/Ukrainian extras.
        'а' => "a",
        'б' => "b",
        'в' => "v",
        'г' | 'ґ' => "g",
        'д' => "d",
        'е' | 'ё' | 'э' | 'є' => "e",
        'ж' => "zh",
        'з' => "z",
        'и' | 'і' | 'ї' => "i",
        'й' | 'ь' | 'ы' => "y",
        'к' => "k",
        'л' => "l",
        'м' => "m",
        'н' => "n",
        'о' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' => "u",
        'ф' => "f",
        'х' => "h",
        'ц' => "ts",
        'ч' => "ch",
        'ш' => "sh",
        'щ' => "sht",
        'ъ' => "a",
        'ю' => "yu",
        'я' => "ya",
        c if is_word(c) => {
            out.push(c);
            return true;
        }
        _ => return false,
    };
    out.push_str(s);
    true
}

/// Is this character dropped inside a word rather than splitting it ("don't" -> "dont")?
fn is_joiner(c: char) -> bool {
    matches!(c, '\'' | '’' | '‘' | 'ʼ' | '\u{00AD}' | '\u{200B}' | '\u{200C}' | '\u{200D}')
}

/// Combining diacritical marks (customers pasting decomposed text).
fn is_combining(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}')
}

/// At most this many words of a customer message are matched: a real question is far shorter,
/// and it bounds the work per message whatever is pasted into the composer.
pub const MAX_MESSAGE_WORDS: usize = 200;

/// Folds text into its normalised tokens.
pub fn tokens(text: &str) -> Vec<String> {
    tokens_upto(text, usize::MAX)
}

/// The first `max` tokens of a customer message (see [`MAX_MESSAGE_WORDS`]).
pub fn tokens_upto(text: &str, max: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for raw in text.chars() {
        if is_joiner(raw) || is_combining(raw) {
            continue;
        }
        let mut separated = false;
        if !push_folded(lower(raw), &mut cur) {
            separated = true;
        }
        if separated && !cur.is_empty() {
            if out.len() == max {
                return out;
            }
            out.push(std::mem::take(&mut cur));
        }
    }
    if out.len() == max {
        return out;
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// The folded text as one string of tokens separated by single spaces.
pub fn normalize(text: &str) -> String {
    tokens(text).join(" ")
}

/// Optimal-string-alignment distance (Levenshtein plus adjacent transposition), bounded:
/// returns `max + 1` as soon as the distance is known to exceed `max`.
pub fn edit_distance(a: &str, b: &str, max: usize) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > max {
        return max + 1;
    }
    let w = b.len() + 1;
    let mut prev2 = vec![0usize; w];
    let mut prev: Vec<usize> = (0..w).collect();
    let mut cur = vec![0usize; w];
    for i in 1..=a.len() {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(prev2[j - 2] + 1);
            }
            cur[j] = v;
            row_min = row_min.min(v);
        }
        if row_min > max {
            return max + 1;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()].min(max + 1)
}

/// Words longer than this are matched exactly, never through a typo: no word of the supported
/// languages' content comes close (German compounds stop near 25), and the typo look-up's work
/// grows with the square of the length (a 1,000-character word took minutes and a gigabyte).
pub const MAX_TYPO_CHARS: usize = 32;
/// Words up to this long may hold two typos; longer ones one. Two deletions of an n-letter word
/// are about n * n strings to build and look up (a 32-letter word: 1,024), one deletion n.
pub const MAX_TWO_TYPO_CHARS: usize = 20;
/// At most this many words of one message are looked up with typos (the others match exactly or
/// by prefix): a real question has a few misspelt words, and this bounds the work of a message
/// of hundreds of unknown words.
pub const MAX_TYPO_WORDS: usize = 8;

/// How many edits a word of this length may contain and still match.
pub fn typo_budget(chars: usize) -> usize {
    match chars {
        0..=4 => 0,
        5..=8 => 1,
        9..=MAX_TWO_TYPO_CHARS => 2,
        21..=MAX_TYPO_CHARS => 1,
        _ => 0,
    }
}

/// All strings made by deleting `n` characters (1 or 2) from `word` at or after character
/// `from` (0 for all), for the symmetric-delete typo index. The second deletion starts where
/// the first was made, so each pair of positions is deleted once, not twice: half the strings
/// to build and look up for a long word.
pub fn deletes(word: &str, n: usize, from: usize, out: &mut Vec<String>) {
    let chars: Vec<char> = word.chars().collect();
    for i in from..chars.len() {
        let d: String = chars.iter().enumerate().filter(|(k, _)| *k != i).map(|(_, c)| c).collect();
        if n > 1 {
            deletes(&d, n - 1, i, out);
        }
        crate::work::add(1);
        out.push(d);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_and_diacritics_in_every_latin_locale() {
        assert_eq!(normalize("Não RECEBI"), "nao recebi");
        assert_eq!(normalize("Příspěvek"), "prispevek");
        assert_eq!(normalize("Größe"), "grosse");
        assert_eq!(normalize("Rückerstattung"), "ruckerstattung");
        assert_eq!(normalize("Saan ang order ko? Paki-check!"), "saan ang order ko paki check");
        assert_eq!(normalize("Where's   my ORDER?!"), "wheres my order");
    }

    #[test]
    fn cyrillic_folds_to_bulgarian_latin_transliteration() {
        assert_eq!(normalize("Къде е ПОРЪЧКАТА ми?"), "kade e porachkata mi");
        assert_eq!(normalize("Искам да говоря с човек"), "iskam da govorya s chovek");
        assert_eq!(normalize("щастие"), normalize("shtastie"));
        assert_eq!(normalize("юли"), "yuli");
    }

    #[test]
    fn decomposed_marks_and_joiners_do_not_split_words() {
        assert_eq!(normalize("na\u{0303}o"), "nao");
        assert_eq!(normalize("don’t"), "dont");
        assert_eq!(tokens("  ,,, "), Vec::<String>::new());
    }

    #[test]
    fn digits_survive() {
        assert_eq!(tokens("Order FH-123456"), vec!["order", "fh", "123456"]);
        assert_eq!(tokens_upto("Order FH-123456", 2), vec!["order", "fh"]);
    }

    #[test]
    fn edit_distance_counts_transpositions_once() {
        assert_eq!(edit_distance("order", "oredr", 2), 1);
        assert_eq!(edit_distance("delivery", "delivry", 2), 1);
        assert_eq!(edit_distance("refund", "refnud", 2), 1);
        assert_eq!(edit_distance("abc", "xyz", 1), 2);
        assert_eq!(edit_distance("", "ab", 5), 2);
    }

    #[test]
    fn each_pair_of_deletions_is_made_once() {
        let mut out = Vec::new();
        deletes("abcd", 2, 0, &mut out);
        out.sort();
        let mut unique = out.clone();
        unique.dedup();
        assert_eq!(out, unique);
        // 4 single deletions and the 6 pairs of positions.
        assert_eq!(out.len(), 4 + 6);
        assert!(out.contains(&"ad".to_string()) && out.contains(&"bcd".to_string()));
    }

    #[test]
    fn typo_budget_grows_with_length() {
        assert_eq!(typo_budget(4), 0);
        assert_eq!(typo_budget(5), 1);
        assert_eq!(typo_budget(9), 2);
        assert_eq!(typo_budget(MAX_TWO_TYPO_CHARS), 2);
        assert_eq!(typo_budget(MAX_TYPO_CHARS), 1, "two deletions of a long word cost too much");
        assert_eq!(typo_budget(MAX_TYPO_CHARS + 1), 0, "long words are matched exactly");
    }
}
