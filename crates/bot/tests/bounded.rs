//! The typo look-up is bounded per word and per message (issue 14, point 10; issue 17): a
//! customer can type a 1,000-character word (the composer allows 4,000 characters), and the desk
//! runs the same matching over every stored unmatched message for the content gaps. Before the
//! bound, the first test took minutes and a gigabyte.
//!
//! The work is counted ([`handoff_bot::work`]: strings built or hashed for a look-up), never
//! timed: the counts do not depend on the machine. Timings are in the criterion bench
//! (`worst input`).

mod fixture;

use handoff_bot::gaps::{find, Unmatched};
use handoff_bot::normalize::{MAX_MESSAGE_WORDS, MAX_TWO_TYPO_CHARS, MAX_TYPO_WORDS};
use handoff_bot::work;

/// The most look-ups one reply may cost: per typo word at most n + n * (n - 1) / 2 deletions (n
/// up to MAX_TWO_TYPO_CHARS) and as many candidates, for the intent matcher, the person phrases
/// and the article search; plus a few prefix probes per word. A generous ceiling: a real question costs
/// a few hundred, the worst inputs below a few thousand; the old code, millions.
fn ceiling() -> u64 {
    let n = MAX_TWO_TYPO_CHARS as u64;
    let per_typo_word = 2 * (n + n * (n - 1) / 2);
    3 * MAX_TYPO_WORDS as u64 * per_typo_word + 3 * MAX_MESSAGE_WORDS as u64 * 32
}

/// The work of one reply (in a new conversation) and one search of `text`.
fn work_of(e: &handoff_bot::Engine, locale: &str, text: &str) -> u64 {
    let (mut conv, _) = e.start(locale);
    work::take();
    let turn = e.reply(&mut conv, text);
    assert!(!turn.replies.is_empty(), "the bot still answers");
    let _ = e.search(locale, text, 5);
    work::take()
}

/// Characters of many scripts, as pasted text brings them: Latin with diacritics, Cyrillic,
/// Greek, CJK, Arabic, Devanagari, emoji, digits, punctuation and combining marks.
const MIXED: &[char] = &[
    'a', 'e', 'r', 't', 'o', 'n', 'č', 'ř', 'ü', 'ß', 'ã', 'ç', 'п', 'о', 'р', 'ъ', 'ч', 'к', 'а', 'щ', 'λ',
    'ω', '中', '文', '字', 'ع', 'ر', 'ब', 'ि', '😀', '1', '7', '-', '\u{0301}', 'ı', 'ﬁ',
];

/// A deterministic stream of letters (no rand dependency needed for "random-looking" words).
struct Letters(u64);

impl Letters {
    fn next(&mut self) -> u64 {
        // xorshift64
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn word(&mut self, len: usize) -> String {
        (0..len).map(|_| char::from(b'a' + (self.next() % 26) as u8)).collect()
    }
}

/// A 4,000-character message of long random words (20 to 300 letters).
fn long_words_message(seed: u64) -> String {
    let mut l = Letters(seed);
    let mut text = String::new();
    while text.len() < 4000 {
        let len = 20 + (l.next() % 280) as usize;
        text.push_str(&l.word(len));
        text.push(' ');
    }
    text.truncate(4000);
    text
}

fn mixed_scripts(seed: u64, chars: usize, space_every: u64) -> String {
    let mut l = Letters(seed);
    (0..chars)
        .map(|_| {
            if l.next().is_multiple_of(space_every) {
                ' '
            } else {
                MIXED[(l.next() % MIXED.len() as u64) as usize]
            }
        })
        .collect()
}

#[test]
fn the_work_of_one_message_is_bounded_whatever_it_holds() {
    let e = fixture::engine();
    let word = Letters(7).word(1000);
    let twenty: String = (0..200).map(|i| format!("{} ", Letters(i + 1).word(20))).collect();
    let thirty_two: String = (0..120).map(|i| format!("{} ", Letters(i + 1).word(32))).collect();
    let inputs = [
        ("a 1,000-letter word", word.clone()),
        ("a 4,000-letter word", Letters(8).word(4000)),
        ("a typo glued to a long word", format!("delivry{word}")),
        ("4,000 characters of long random words", long_words_message(3)),
        ("200 random 20-letter words", twenty),
        ("120 random 32-letter words", thirty_two),
        ("4,000 characters of mixed scripts, no spaces", mixed_scripts(5, 4000, u64::MAX)),
        ("4,000 characters of mixed scripts, short words", mixed_scripts(6, 4000, 6)),
        ("4,000 characters of mixed scripts, long words", mixed_scripts(7, 4000, 40)),
        ("one misspelt word 500 times", "delivry ".repeat(500)),
        ("one prefix word 500 times", "objednávkami ".repeat(500)),
    ];
    let real = work_of(&e, "en", "Hi, where is my order? I ordered a tent last week, delivry was promised");
    for (what, text) in &inputs {
        for locale in ["en", "de", "bg"] {
            let units = work_of(&e, locale, text);
            assert!(units <= ceiling(), "{what} ({locale}): {units} look-ups, more than {}", ceiling());
        }
    }
    assert!(real > 0 && real <= ceiling(), "a real question: {real}");
}

#[test]
fn repeated_words_cost_no_more_than_a_few_distinct_ones() {
    let e = fixture::engine();
    let once = work_of(&e, "en", &"delivry refnud ".repeat(MAX_TYPO_WORDS));
    let often = work_of(&e, "en", &"delivry refnud ".repeat(200));
    assert!(
        often <= once + 2 * MAX_MESSAGE_WORDS as u64 * 32,
        "{often} look-ups for 400 words vs {once} for 16"
    );
}

#[test]
fn a_thousand_character_word_is_answered() {
    let e = fixture::engine();
    let word = Letters(7).word(1000);
    for locale in ["en", "de", "bg"] {
        let (mut conv, _) = e.start(locale);
        let turn = e.reply(&mut conv, &word);
        assert!(!turn.replies.is_empty(), "the bot still answers");
        // A typo of a real word glued to a long word must not be a match either.
        let glued = format!("delivry{word}");
        let _ = e.reply(&mut conv, &glued);
        let _ = e.search(locale, &word, 5);
    }
}

#[test]
fn a_message_of_long_random_words_is_answered() {
    let e = fixture::engine();
    for seed in 1..=3 {
        let text = long_words_message(seed);
        let (mut conv, _) = e.start("en");
        let _ = e.reply(&mut conv, &text);
        let _ = e.search("en", &text, 5);
    }
}

#[test]
fn content_gaps_over_long_words_finish() {
    let e = fixture::engine();
    let mut messages: Vec<Unmatched> = (1..=20)
        .map(|seed| Unmatched {
            locale: "en".into(),
            text: long_words_message(seed),
            conversation: Some(format!("c{seed}")),
            handed_off: false,
        })
        .collect();
    let word = Letters(99).word(1000);
    for i in 0..5 {
        // The same long word with one letter changed: exactly what the typo check compares.
        let mut w = word.clone();
        w.replace_range(i..=i, "z");
        messages.push(Unmatched { locale: "en".into(), text: w, conversation: None, handed_off: false });
    }
    let report = find(&e, &messages);
    assert_eq!(report.total, messages.len());
}
