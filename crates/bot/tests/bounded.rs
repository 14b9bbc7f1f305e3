//! The typo look-up is bounded per word and per message (issue 14, point 10): a customer can
//! type a 1,000-character word (the composer allows 4,000 characters), and the desk runs the
//! same matching over every stored unmatched message for the content gaps. These tests only
//! have to finish: before the bound, the first one took minutes and a gigabyte.

mod fixture;

use handoff_bot::gaps::{find, Unmatched};

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
