//! Property tests (issue 14): whatever a customer types, a content author writes or a bundle
//! arrives as, the bot answers or reports a problem; it never panics. The engine runs in the
//! customer's browser and in the desk, so a panic there is a broken widget or a failed request.
//! Case counts are modest so that the suite stays quick in debug builds.

mod fixture;

use handoff_bot::markdown::{blocks, inlines, safe_href, Block, Inline};
use handoff_bot::normalize::{normalize, tokens, tokens_upto};
use handoff_bot::{bundle, load, Site};
use proptest::prelude::*;
use std::sync::OnceLock;

fn engine() -> &'static handoff_bot::Engine {
    static E: OnceLock<handoff_bot::Engine> = OnceLock::new();
    E.get_or_init(fixture::engine)
}

fn site_bundle() -> &'static str {
    static B: OnceLock<String> = OnceLock::new();
    B.get_or_init(|| {
        let site = load::load(&fixture::files()).unwrap_or_else(|p| panic!("fixture: {p:?}"));
        bundle::encode(&site)
    })
}

/// Characters customers and authors actually produce, plus the ones that break parsers: every
/// supported script, digits, Markdown and TOML syntax, quotes, separators (the bundle's own
/// U+001F), bidi controls, combining marks, emoji and line breaks.
fn tricky_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => prop::char::range('a', 'z'),
        1 => prop::sample::select(vec!['ä', 'ß', 'č', 'ř', 'ã', 'ç', 'é', 'İ', 'ı', 'ﬁ']),
        2 => prop::char::range('а', 'я'),
        1 => prop::char::range('0', '9'),
        2 => prop::sample::select(vec![
            ' ', ' ', '\n', '\t', '*', '[', ']', '(', ')', '#', '-', '.', '=', '"', '\'', '<', '>', '/',
            ':', '\\', '{', '}', '+', '!', '?', '\u{1F}', '\u{0}', '\u{202E}', '\u{2067}', '\u{2069}',
            '\u{0301}', '\u{200D}', '😀', '\u{FEFF}',
        ]),
        1 => any::<char>(),
    ]
}

fn tricky_text(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(tricky_char(), 0..max).prop_map(|cs| cs.into_iter().collect())
}

/// The tags the widget renders Markdown into (src/components/rich.rs): fixed by the block kind,
/// never taken from the text.
fn tags(b: &Block) -> Vec<&'static str> {
    let inline_tags = |spans: &[Inline]| -> Vec<&'static str> {
        spans
            .iter()
            .filter_map(|s| match s {
                Inline::Text(_) => None,
                Inline::Strong(_) => Some("strong"),
                Inline::Link { .. } => Some("a"),
            })
            .collect()
    };
    match b {
        Block::Heading(level, spans) => {
            let mut t = vec![if *level <= 2 { "h3" } else { "h4" }];
            t.extend(inline_tags(spans));
            t
        }
        Block::Paragraph(spans) => {
            let mut t = vec!["p"];
            t.extend(inline_tags(spans));
            t
        }
        Block::List { ordered, items } => {
            let mut t = vec![if *ordered { "ol" } else { "ul" }];
            for i in items {
                t.push("li");
                t.extend(inline_tags(i));
            }
            t
        }
    }
}

/// Every link target the widget would put in an `href`: the only attribute input reaches.
fn hrefs(spans: &[Inline]) -> Vec<&str> {
    spans
        .iter()
        .filter_map(|s| match s {
            Inline::Link { href, .. } => Some(href.as_str()),
            _ => None,
        })
        .collect()
}

fn assert_safe_links(spans: &[Inline]) {
    for h in hrefs(spans) {
        assert!(safe_href(h), "unsafe link target {h:?}");
        let lower = h.to_ascii_lowercase();
        assert!(!lower.contains("javascript:") || lower.starts_with("http"), "{h:?}");
        assert_eq!(h, h.trim(), "targets are trimmed");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn normalising_never_panics_and_keeps_words_whole(text in tricky_text(600), max in 0usize..50) {
        let all = tokens(&text);
        prop_assert!(all.iter().all(|t| !t.is_empty() && !t.contains(char::is_whitespace)));
        let first = tokens_upto(&text, max);
        prop_assert_eq!(&all[..all.len().min(max)], &first[..]);
        let n = normalize(&text);
        prop_assert!(!n.starts_with(' ') && !n.ends_with(' ') && !n.contains("  "));
    }

    #[test]
    fn markdown_never_emits_markup_from_its_input(text in tricky_text(400)) {
        const TAGS: [&str; 8] = ["p", "h3", "h4", "ol", "ul", "li", "strong", "a"];
        for b in blocks(&text) {
            prop_assert!(tags(&b).iter().all(|t| TAGS.contains(t)));
            match &b {
                Block::Heading(_, s) | Block::Paragraph(s) => assert_safe_links(s),
                Block::List { items, .. } => items.iter().for_each(|i| assert_safe_links(i)),
            }
        }
        assert_safe_links(&inlines(&text));
    }

    #[test]
    fn markdown_links_to_script_are_text(label in "[a-z]{1,8}", scheme in prop::sample::select(vec![
        "javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,<b>", "//evil.test/x", "vbscript:x",
    ])) {
        let spans = inlines(&format!("see [{label}]({scheme}) now"));
        prop_assert!(hrefs(&spans).is_empty(), "{:?}", spans);
    }

    #[test]
    fn bundle_decoding_never_panics(text in tricky_text(300)) {
        let _ = bundle::decode::<Site>(&text);
        let _ = bundle::decode::<Vec<String>>(&text);
    }

    #[test]
    fn damaged_bundles_are_errors_not_panics(cut in 0usize..100_000, at in 0usize..100_000, junk in tricky_text(8)) {
        let good = site_bundle();
        let cut = floor_char_boundary(good, cut % (good.len() + 1));
        let _ = bundle::decode::<Site>(&good[..cut]);
        let at = floor_char_boundary(good, at % (good.len() + 1));
        let spliced = format!("{}{junk}{}", &good[..at], &good[at..]);
        let _ = bundle::decode::<Site>(&spliced);
    }

    #[test]
    fn content_loading_reports_problems_not_panics(
        file in 0usize..8, at in 0usize..100_000, junk in tricky_text(12), cut in any::<bool>(),
    ) {
        let mut files = fixture::files();
        let (_, text) = &mut files[file % 8];
        let at = floor_char_boundary(text, at % (text.len() + 1));
        if cut {
            text.truncate(at);
        }
        text.insert_str(at, &junk);
        if let Ok(site) = load::load(&files) {
            let _ = handoff_bot::Engine::new(site);
        }
    }
}

proptest! {
    // The engine is the expensive one: fewer cases, each up to the composer's 4,000 characters.
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn the_engine_answers_any_text(
        text in tricky_text(4000),
        locale in prop::sample::select(vec!["en", "de", "cs", "bg", "pt", "tl", "xx"]),
    ) {
        let e = engine();
        let (mut conv, _) = e.start(locale);
        let _ = e.reply(&mut conv, &text);
        // Then a follow-up, which runs with the conversation's state (flows, repetition).
        let _ = e.reply(&mut conv, &text[..floor_char_boundary(&text, text.len() / 2)]);
        let _ = e.first_message(locale, &text);
        let _ = e.search(locale, &text, 5);
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}
