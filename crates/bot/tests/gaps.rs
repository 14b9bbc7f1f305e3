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
