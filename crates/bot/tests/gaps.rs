//! Content gaps from unmatched customer messages (`handoff-bot check --gaps`), on the
//! six-language fixture.

mod fixture;

use handoff_bot::gaps::{find, parse, Unmatched};

fn msg(locale: &str, text: &str, conversation: &str, handed_off: bool) -> Unmatched {
    Unmatched {
        locale: locale.into(),
        text: text.into(),
        conversation: Some(conversation.into()),
        handed_off,
    }
}

#[test]
fn groups_by_shared_words_across_spelling_and_ranks_by_handoffs() {
    let engine = fixture::engine();
    let messages = vec![
        msg("de", "Kann ich per Rechnung zahlen?", "c1", true),
        msg("de", "Zahlen auf Rechnung möglich?", "c2", true),
        msg("de", "rechnung zahlen geht das", "c3", false),
        msg("de", "Habt ihr Gutscheine?", "c4", false),
        msg("de", "Gibt es Gutscheine zum Verschenken?", "c5", false),
        msg("cs", "Můžu platit na fakturu?", "c6", true),
        msg("cs", "muzu platit na fakturu", "c7", false), // without diacritics: same gap
        msg("en", "Do you sell gift cards?", "c8", false),
        msg("en", "do you sell giftcards", "c9", false), // one word or two: the same stem
    ];
    let report = find(&engine, &messages);
    assert_eq!(report.total, 9);
    assert_eq!(report.answered_now, 0);
    let shape: Vec<(String, usize, usize)> =
        report.gaps.iter().map(|g| (g.locale.clone(), g.messages, g.handoffs)).collect();
    assert_eq!(
        shape,
        [
            ("de".to_string(), 3, 2),
            ("cs".to_string(), 2, 1),
            ("de".to_string(), 2, 0),
            ("en".to_string(), 2, 0)
        ]
    );
    assert_eq!(report.gaps[0].words, ["rechnung", "zahlen"]);
    assert_eq!(
        report.gaps[0].examples[0],
        ("Kann ich per Rechnung zahlen?".to_string(), Some("c1".to_string()))
    );
    assert!(report.gaps[1].words.contains(&"fakturu".to_string()), "{:?}", report.gaps[1].words);
}

#[test]
fn what_the_content_answers_now_is_not_a_gap() {
    let engine = fixture::engine();
    // The fixture knows order tracking in every language.
    let messages =
        vec![msg("en", "where is my order", "c1", true), msg("en", "do you sell gift cards", "c2", true)];
    let report = find(&engine, &messages);
    assert_eq!(report.answered_now, 1);
    assert_eq!(report.gaps.len(), 1);
    assert_eq!(report.gaps[0].examples[0].0, "do you sell gift cards");
}

#[test]
fn no_messages_no_gaps_and_noise_is_skipped() {
    let engine = fixture::engine();
    assert_eq!(find(&engine, &[]).gaps, []);
    let report = find(&engine, &[msg("en", "??? !!", "c1", true), msg("en", "ok so", "c2", false)]);
    assert!(report.gaps.is_empty(), "{:?}", report.gaps);
}

#[test]
fn bad_lines_are_reported_with_file_and_line() {
    let text = "{\"locale\":\"de\",\"text\":\"Rechnung?\"}\n\nnot json\n{\"locale\":\"de\",\"text\":\" \"}\n{\"locale\":\"de\",\"text\":\"x\",\"color\":1}\n";
    let problems = parse("unmatched.jsonl", text).unwrap_err();
    let lines: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert!(lines[0].starts_with("unmatched.jsonl:3:"), "{lines:?}");
    assert!(lines[1].starts_with("unmatched.jsonl:4:") && lines[1].contains("empty"), "{lines:?}");
    assert!(lines[2].starts_with("unmatched.jsonl:5:") && lines[2].contains("color"), "{lines:?}");
    let ok = parse("u.jsonl", "{\"locale\":\"en\",\"text\":\"gift cards?\",\"handed_off\":true}\n").unwrap();
    assert_eq!(
        ok,
        [Unmatched { locale: "en".into(), text: "gift cards?".into(), conversation: None, handed_off: true }]
    );
}

/// `first_message` is the short way of asking a new conversation: it must agree with
/// `start` + `reply` on every customer line of the demo's dialog tests, asked in each of the six
/// languages, and on lines that hand off or get no answer (a person asked for, shouting,
/// blank), on the demo content and on the fixture.
/// Whether a whole reply to `line` on a new conversation hands off because a person was asked
/// for (explicit, as the transcript says).
fn turn_hands_off_explicitly(engine: &handoff_bot::Engine, locale: &str, line: &str) -> bool {
    let (mut conv, _) = engine.start(locale);
    let turn = engine.reply(&mut conv, line);
    turn.handoff.is_some_and(|h| h.reason == handoff_protocol::HandoffReason::Explicit)
}

#[test]
fn the_short_first_message_check_agrees_with_a_whole_reply() {
    let demo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content/demo");
    let files = handoff_bot::fs::read_folder(&demo).expect("demo content");
    let engines = [
        handoff_bot::Engine::new(handoff_bot::load::load(&files).expect("demo loads"))
            .expect("demo compiles"),
        fixture::engine(),
    ];
    let mut lines: Vec<String> = vec![
        "".into(),
        "   ".into(),
        "I want to talk to a human".into(),
        "WHERE IS MY ORDER I HAVE BEEN WAITING FOR WEEKS".into(),
        "where is my order?!?!!!".into(),
        "this is useless, terrible service".into(),
        "my voucher code does not work at checkout 17".into(),
        "Kann ich per Rechnung zahlen?".into(),
        "Здравейте, къде е поръчката ми?".into(),
    ];
    for entry in std::fs::read_dir(demo.join("tests")).expect("dialog tests") {
        let text = std::fs::read_to_string(entry.expect("entry").path()).expect("read");
        let doc: toml::Value = toml::from_str(&text).expect("dialog toml");
        for dialog in doc["dialog"].as_array().expect("dialogs") {
            for turn in dialog["turn"].as_array().expect("turns") {
                if let Some(say) = turn.get("say").and_then(|s| s.as_str()) {
                    lines.push(say.to_string());
                }
            }
        }
    }
    assert!(lines.len() > 150, "the demo's dialog tests were read: {}", lines.len());
    let (mut answered, mut asked) = (0, 0);
    for engine in &engines {
        for locale in ["en", "de", "cs", "bg", "pt", "tl", "xx"] {
            for line in &lines {
                let (mut conv, _) = engine.start(locale);
                let whole = engine.reply(&mut conv, line).intent.is_some();
                let short = engine.first_message(locale, line);
                assert_eq!(short == handoff_bot::engine::FirstMessage::Answered, whole, "{locale}: {line:?}");
                let asks = turn_hands_off_explicitly(engine, locale, line);
                assert_eq!(
                    short == handoff_bot::engine::FirstMessage::AsksForPerson,
                    asks,
                    "{locale}: {line:?}"
                );
                answered += usize::from(whole);
                asked += 1;
            }
        }
    }
    assert!(answered > asked / 4 && answered < asked, "both outcomes were checked: {answered} of {asked}");
}

/// Order numbers and amounts are details of one message, not topics: messages that differ only
/// in them are one gap, labelled without a number, and thousands of distinct numbers do not
/// make the grouping compare every word with every other.
#[test]
fn numbers_are_not_topic_words() {
    let engine = fixture::engine();
    let messages: Vec<Unmatched> = (0..3000)
        .map(|i| {
            msg("en", &format!("my voucher {} was refused", 100_000 + i * 7), &format!("c{i}"), i % 2 == 0)
        })
        .collect();
    let report = find(&engine, &messages);
    assert_eq!(report.gaps.len(), 1, "{:?}", report.gaps.first().map(|g| &g.words));
    let gap = &report.gaps[0];
    assert_eq!((gap.messages, gap.handoffs), (3000, 1500));
    assert_eq!(gap.words, ["voucher", "refused"]);
}

/// Asking for a person is how a customer escalates, not content the bot lacks: such lines are
/// counted apart and never form a gap, in any language.
#[test]
fn asking_for_a_person_is_not_a_gap() {
    let engine = fixture::engine();
    let mut messages = vec![
        msg("en", "Do you sell gift cards?", "c1", true),
        msg("en", "do you sell giftcards", "c2", true),
    ];
    for (i, (locale, text)) in
        [("en", "I want to talk to a human"), ("de", "Ich möchte mit einem Menschen sprechen")]
            .into_iter()
            .enumerate()
    {
        assert_eq!(
            engine.first_message(locale, text),
            handoff_bot::engine::FirstMessage::AsksForPerson,
            "{text}"
        );
        for j in 0..5 {
            messages.push(msg(locale, text, &format!("p{i}{j}"), true));
        }
    }
    let report = find(&engine, &messages);
    assert_eq!((report.total, report.answered_now, report.asked_for_person), (12, 0, 10));
    let shape: Vec<(&str, usize)> = report.gaps.iter().map(|g| (g.locale.as_str(), g.messages)).collect();
    assert_eq!(shape, [("en", 2)]);
}
