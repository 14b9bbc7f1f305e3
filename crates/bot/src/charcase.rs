//! Letter case and "is this part of a word" for the scripts Handoff serves: Latin (with
//! Latin-1 and Latin Extended-A: German, Czech, Portuguese, Tagalog and their neighbours), Greek
//! and Cyrillic (Bulgarian and its neighbours).
//!
//! Why not `char::to_lowercase` and `char::is_alphanumeric`: they carry the tables of every
//! script, about 13 KB of the widget's brotli bundle (measured). A handful of ranges cover the
//! scripts of the six supported languages exactly; characters outside them keep their case and
//! still count as word characters, so other scripts match themselves, only without case folding.

/// Upper-case ranges: (first, last, distance to the lower case, alternating upper/lower pairs).
const RANGES: &[(u32, u32, u32, bool)] = &[
    (0x41, 0x5A, 32, false),
    (0xC0, 0xD6, 32, false),
    (0xD8, 0xDE, 32, false),
    (0x100, 0x12F, 1, true),
    (0x132, 0x137, 1, true),
    (0x139, 0x148, 1, true),
    (0x14A, 0x177, 1, true),
    (0x179, 0x17E, 1, true),
    (0x391, 0x3A1, 32, false),
    (0x3A3, 0x3AB, 32, false),
    (0x400, 0x40F, 80, false),
    (0x410, 0x42F, 32, false),
    (0x460, 0x481, 1, true),
    (0x48A, 0x4BF, 1, true),
    (0x4C1, 0x4CE, 1, true),
    (0x4D0, 0x52F, 1, true),
];

/// Pairs outside the regular ranges: (upper, lower).
const SPECIAL: &[(u32, u32)] = &[(0x178, 0xFF), (0x4C0, 0x4CF)];

fn in_range(u: u32, (first, last, _, alternating): (u32, u32, u32, bool)) -> bool {
    (first..=last).contains(&u) && (!alternating || (u - first).is_multiple_of(2))
}

/// The lower case of `c` (itself when it has none, or is outside the covered scripts).
pub fn lower(c: char) -> char {
    let u = c as u32;
    if let Some(&(_, l)) = SPECIAL.iter().find(|(up, _)| *up == u) {
        return char::from_u32(l).unwrap_or(c);
    }
    RANGES.iter().find(|r| in_range(u, **r)).and_then(|r| char::from_u32(u + r.2)).unwrap_or(c)
}

/// Is `c` an upper-case letter of the covered scripts?
pub fn is_upper(c: char) -> bool {
    lower(c) != c
}

/// Is `c` a lower-case letter of the covered scripts?
pub fn is_lower(c: char) -> bool {
    let u = c as u32;
    u == 0xDF
        || SPECIAL.iter().any(|(_, l)| *l == u)
        || RANGES.iter().any(|r| u >= r.2 && in_range(u - r.2, *r))
}

/// Part of a word: letters and digits. ASCII exactly; beyond it everything except the
/// punctuation, symbol, space and emoji blocks, so letters of any script count.
pub fn is_word(c: char) -> bool {
    let u = c as u32;
    if u < 0x80 {
        return c.is_ascii_alphanumeric();
    }
    !(u < 0xC0
        || u == 0xD7
        || u == 0xF7
        || (0x2000..=0x2BFF).contains(&u) // punctuation, symbols, arrows, shapes
        || (0x3000..=0x303F).contains(&u) // CJK punctuation
        || (0xFE00..=0xFE6F).contains(&u) // variation selectors, small forms
        || (0xFF00..=0xFF0F).contains(&u) // full-width punctuation
        || (0xFFF0..=0xFFFF).contains(&u)
        || u >= 0x1F000) // emoji and pictographs
}

/// Is `c` a letter (a word character that is not a digit)?
pub fn is_letter(c: char) -> bool {
    is_word(c) && !c.is_ascii_digit()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The standard library is the reference for every character of the covered scripts.
    #[test]
    fn agrees_with_the_standard_library_on_the_covered_scripts() {
        // Greek: the basic alphabet only (accented Greek capitals are not covered).
        let covered = (0x41u32..=0x17F).chain(0x391..=0x3A9).chain(0x3B1..=0x3C9).chain(0x400..=0x52F);
        for u in covered {
            let Some(c) = char::from_u32(u) else { continue };
            if matches!(u, 0xB5 | 0x130 | 0x131 | 0x149 | 0x17F | 0x3C2) {
                continue; // micro sign, dotted/dotless i, ŉ, long s, final sigma: no one-to-one case pair
            }
            let mut std_lower = c.to_lowercase();
            let expected = if std_lower.len() == 1 { std_lower.next().unwrap_or(c) } else { c };
            assert_eq!(lower(c), expected, "lower({c}) U+{u:04X}");
            assert_eq!(is_upper(c), c.is_uppercase() && expected != c, "is_upper({c}) U+{u:04X}");
            if c.is_lowercase() && c.to_uppercase().count() == 1 && c.to_uppercase().next() != Some(c) {
                assert!(is_lower(c), "is_lower({c}) U+{u:04X}");
            }
        }
    }

    #[test]
    fn words_and_separators() {
        for c in ['a', 'Z', '7', 'ž', 'Ř', 'ß', 'ã', 'щ', 'Ъ', 'ё', 'ñ', '中'] {
            assert!(is_word(c), "{c}");
        }
        for c in [' ', '-', '!', '?', '.', ',', '«', '»', '„', '“', '…', '—', '€', '×', '\u{a0}', '😀']
        {
            assert!(!is_word(c), "{c}");
        }
        assert!(is_letter('ä') && !is_letter('5'));
    }
}
