//! Bidirectional control characters in stored text, balanced so that a message cannot reach
//! past its own end.
//!
//! An embedding (LRE, RLE), override (LRO, RLO) or isolate (LRI, RLI, FSI) that is never closed
//! reorders whatever a renderer puts after it: a customer could make the agent's console show
//! "refund approved" around text they did not write, or flip an order number. The desk closes
//! every one left open (at the end of its paragraph, where the Unicode Bidirectional Algorithm
//! ends it anyway) and drops closers that close nothing, so each stored text is self-contained.
//! The console and widget also render each message isolated (`unicode-bidi: plaintext`), which
//! protects the text around a bubble; this protects the lines within it and every other place
//! the text goes (tickets, transcripts, exports). Marks (LRM, RLM, ALM) reorder nothing beyond
//! neutral neighbours and are kept.

use std::borrow::Cow;

const PDF: char = '\u{202C}';
const PDI: char = '\u{2069}';

#[derive(Clone, Copy, PartialEq)]
enum Open {
    /// LRE, RLE, LRO, RLO: closed by PDF.
    Embedding,
    /// LRI, RLI, FSI: closed by PDI (which also ends the embeddings opened inside it).
    Isolate,
}

fn is_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Where the Unicode Bidirectional Algorithm ends every embedding and isolate (class B).
fn is_paragraph_end(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{1C}'..='\u{1E}' | '\u{85}' | '\u{2029}')
}

fn close_all(stack: &mut Vec<Open>, out: &mut String) {
    while let Some(o) = stack.pop() {
        out.push(if o == Open::Embedding { PDF } else { PDI });
    }
}

/// `text` with every bidi embedding, override and isolate closed within its paragraph and
/// every unmatched closer dropped. Text without bidi controls is returned as it is.
pub fn balance(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_control) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut stack: Vec<Open> = Vec::new();
    for c in text.chars() {
        match c {
            '\u{202A}' | '\u{202B}' | '\u{202D}' | '\u{202E}' => stack.push(Open::Embedding),
            '\u{2066}'..='\u{2068}' => stack.push(Open::Isolate),
            PDF => {
                // A PDF closes the innermost embedding only if no isolate was opened after it.
                if stack.last() != Some(&Open::Embedding) {
                    continue;
                }
                stack.pop();
            }
            PDI => {
                let Some(i) = stack.iter().rposition(|&o| o == Open::Isolate) else { continue };
                // The embeddings opened inside the isolate end with it: say so explicitly.
                for _ in i + 1..stack.len() {
                    out.push(PDF);
                }
                stack.truncate(i);
            }
            c if is_paragraph_end(c) => close_all(&mut stack, &mut out),
            _ => {}
        }
        out.push(c);
    }
    close_all(&mut stack, &mut out);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const RLO: char = '\u{202E}';
    const LRE: char = '\u{202A}';
    const RLI: char = '\u{2067}';
    const FSI: char = '\u{2068}';

    #[test]
    fn plain_text_is_untouched() {
        assert!(matches!(balance("Where is my order? مرحبا"), Cow::Borrowed(_)));
        // Marks are not embeddings: kept as they are.
        assert_eq!(balance("a\u{200E}b\u{200F}c\u{061C}"), "a\u{200E}b\u{200F}c\u{061C}");
    }

    #[test]
    fn unterminated_openers_are_closed_innermost_first() {
        assert_eq!(balance(&format!("pay {RLO}0001")), format!("pay {RLO}0001{PDF}"));
        assert_eq!(balance(&format!("{RLI}a{LRE}b")), format!("{RLI}a{LRE}b{PDF}{PDI}"));
    }

    #[test]
    fn each_paragraph_is_closed_before_its_line_break() {
        assert_eq!(balance(&format!("{RLO}one\ntwo")), format!("{RLO}one{PDF}\ntwo"));
        assert_eq!(balance(&format!("{FSI}a\r\n{RLO}b")), format!("{FSI}a{PDI}\r\n{RLO}b{PDF}"));
    }

    #[test]
    fn closers_that_close_nothing_are_dropped() {
        assert_eq!(balance(&format!("{PDF}{PDI}x{PDF}")), "x");
        // A PDF cannot close an embedding from outside the isolate it is in.
        assert_eq!(balance(&format!("{LRE}a{RLI}b{PDF}c")), format!("{LRE}a{RLI}bc{PDI}{PDF}"));
    }

    #[test]
    fn a_pdi_also_ends_the_embeddings_inside_its_isolate() {
        assert_eq!(balance(&format!("{RLI}a{RLO}b{PDI}c")), format!("{RLI}a{RLO}b{PDF}{PDI}c"));
    }

    /// Every closer closes something and every paragraph ends with nothing open.
    fn is_balanced(text: &str) -> bool {
        let mut stack = Vec::new();
        for c in text.chars() {
            match c {
                '\u{202A}' | '\u{202B}' | '\u{202D}' | '\u{202E}' => stack.push(Open::Embedding),
                '\u{2066}'..='\u{2068}' => stack.push(Open::Isolate),
                PDF if stack.pop() != Some(Open::Embedding) => return false,
                PDI if stack.pop() != Some(Open::Isolate) => return false,
                c if is_paragraph_end(c) && !stack.is_empty() => return false,
                _ => {}
            }
        }
        stack.is_empty()
    }

    fn bidi_text() -> impl Strategy<Value = String> {
        let c = prop_oneof![
            3 => prop::sample::select(vec!['a', 'ש', ' ', '1', '\n', '\r']),
            2 => prop::char::range('\u{202A}', '\u{202E}'),
            2 => prop::char::range('\u{2066}', '\u{2069}'),
            1 => prop::sample::select(vec!['\u{200E}', '\u{200F}', '\u{061C}', '\u{2029}']),
        ];
        prop::collection::vec(c, 0..60).prop_map(|cs| cs.into_iter().collect())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        #[test]
        fn balancing_balances_changes_only_controls_and_is_idempotent(text in bidi_text()) {
            let out = balance(&text).into_owned();
            prop_assert!(is_balanced(&out), "{:?} -> {:?}", text, out);
            let strip = |s: &str| s.chars().filter(|&c| !is_control(c)).collect::<String>();
            prop_assert_eq!(strip(&out), strip(&text));
            prop_assert_eq!(balance(&out).into_owned(), out);
        }
    }

    #[test]
    fn balanced_text_stays_as_it_is() {
        let ok = format!("{RLI}שלום{PDI} and {LRE}x{PDF}");
        assert_eq!(balance(&ok), ok);
        // Balancing is idempotent.
        let once = balance(&format!("{RLO}{RLI}{PDF}\n{PDI}{LRE}")).into_owned();
        assert_eq!(balance(&once), once);
    }
}
