//! Finding typed slot values (order numbers, e-mail addresses, numbers) in free text.

use crate::charcase::{is_letter, is_word, lower};
use crate::model::SlotType;

/// Checks a slot type's definition; the error explains what is wrong.
pub fn validate(t: &SlotType) -> Result<(), String> {
    match t {
        SlotType::Mask { mask } => {
            if !mask.chars().any(|c| matches!(c, '#' | 'A' | '*')) {
                return Err(format!(
                    "mask '{mask}' has no placeholder ('#' digit, 'A' letter, '*' letter or digit)"
                ));
            }
            Ok(())
        }
        SlotType::Digits { min, max } => {
            if *min == 0 || min > max {
                return Err(format!("digits needs 1 <= min <= max (got min = {min}, max = {max})"));
            }
            Ok(())
        }
        SlotType::Email => Ok(()),
    }
}

/// The first value of this type in `text`, in canonical form.
pub fn extract(t: &SlotType, text: &str) -> Option<String> {
    let words: Vec<&str> = text
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !is_word(c) && c != '@' && c != '#'))
        .map(|w| w.trim_end_matches(['.', ',']))
        .filter(|w| !w.is_empty())
        .collect();
    match t {
        SlotType::Mask { mask } => {
            for i in 0..words.len() {
                if let Some(v) = fit_mask(mask, words[i]) {
                    return Some(v);
                }
                // "FH 123456": the customer put a space where the mask has a separator.
                if i + 1 < words.len() {
                    if let Some(v) = fit_mask(mask, &format!("{}{}", words[i], words[i + 1])) {
                        return Some(v);
                    }
                }
            }
            None
        }
        SlotType::Digits { min, max } => words
            .iter()
            .map(|w| w.trim_start_matches('#'))
            .find(|w| {
                let n = w.chars().count() as u32;
                w.chars().all(|c| c.is_ascii_digit()) && n >= *min && n <= *max
            })
            .map(|w| w.to_string()),
        SlotType::Email => words.iter().find_map(|w| email(w)),
    }
}

fn significant(c: char) -> bool {
    is_word(c) || matches!(c, '#' | '*')
}

fn fit_mask(mask: &str, candidate: &str) -> Option<String> {
    let input: Vec<char> = candidate.chars().filter(|c| is_word(*c)).collect();
    let slots: Vec<char> = mask.chars().filter(|c| significant(*c)).collect();
    if input.len() != slots.len() {
        return None;
    }
    for (m, c) in slots.iter().zip(&input) {
        let ok = match m {
            '#' => c.is_ascii_digit(),
            'A' => is_letter(*c),
            '*' => is_word(*c),
            lit => lower(*lit) == lower(*c),
        };
        if !ok {
            return None;
        }
    }
    // Rebuild with the mask's separators and upper-case letters: one spelling per value.
    let mut out = String::new();
    let mut it = input.iter();
    for m in mask.chars() {
        if significant(m) {
            if let Some(c) = it.next() {
                // Order numbers and codes are ASCII in practice; other letters stay as typed.
                out.push(c.to_ascii_uppercase());
            }
        } else {
            out.push(m);
        }
    }
    Some(out)
}

fn email(w: &str) -> Option<String> {
    let (local, domain) = w.split_once('@')?;
    if local.is_empty()
        || domain.contains('@')
        || !domain.contains('.')
        || domain.starts_with('.')
        || domain.ends_with('.')
        || domain.contains("..")
        || w.chars().any(|c| c.is_whitespace() || c == '<' || c == '>')
    {
        return None;
    }
    Some(format!("{local}@{}", domain.chars().map(lower).collect::<String>()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mask() -> SlotType {
        SlotType::Mask { mask: "FH-######".into() }
    }

    #[test]
    fn order_numbers_in_every_common_spelling() {
        for text in ["FH-123456", "it is fh123456.", "číslo FH 123456 prosím", "номер fh-123456!"] {
            assert_eq!(extract(&mask(), text).as_deref(), Some("FH-123456"), "{text}");
        }
        for text in ["12", "FH-12345", "FX-123456", "123456", ""] {
            assert_eq!(extract(&mask(), text), None, "{text}");
        }
    }

    #[test]
    fn digits_and_emails() {
        let d = SlotType::Digits { min: 4, max: 6 };
        assert_eq!(extract(&d, "PIN #4821 please").as_deref(), Some("4821"));
        assert_eq!(extract(&d, "1234567"), None);
        assert_eq!(
            extract(&SlotType::Email, "mail: Jana.Novak@Example.CZ, díky").as_deref(),
            Some("Jana.Novak@example.cz")
        );
        assert_eq!(extract(&SlotType::Email, "jana@localhost"), None);
        assert_eq!(extract(&SlotType::Email, "a@b@c.d"), None);
    }

    #[test]
    fn definitions_are_checked() {
        assert!(validate(&SlotType::Mask { mask: "FH-".into() }).is_err());
        assert!(validate(&SlotType::Digits { min: 5, max: 2 }).is_err());
        assert!(validate(&mask()).is_ok());
    }
}
