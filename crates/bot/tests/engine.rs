//! The bot end to end on a six-language fixture: matching, ranking, slots, flows and every
//! handoff reason, in every locale.

mod fixture;

use handoff_bot::protocol::{HandoffReason, Role};
use handoff_bot::{Conversation, Engine, Turn};

const LOCALES: [&str; 6] = ["en", "de", "cs", "bg", "pt", "tl"];

fn say(engine: &Engine, conv: &mut Conversation, text: &str) -> Turn {
    engine.reply(conv, text)
}

fn text(turn: &Turn) -> String {
    turn.replies.iter().map(|r| r.text.as_str()).collect::<Vec<_>>().join(" ")
}

fn intent(turn: &Turn) -> &str {
    turn.intent.as_ref().map(|s| s.intent.as_str()).unwrap_or("none")
}

#[test]
fn order_questions_match_in_every_language_with_and_without_diacritics() {
    let e = fixture::engine();
    let cases = [
        ("en", "Where is my order?"),
        ("en", "wehre is my order"),
        ("de", "Wo ist mein Paket?"),
        ("de", "WO IST MEINE BESTELLUNG"),
        ("cs", "Kde je moje objednávka?"),
        ("cs", "kde je moje objednavka"),
        ("bg", "Къде е поръчката ми?"),
        ("bg", "kade e porachkata mi"),
        ("pt", "Onde está o meu pedido?"),
        ("pt", "onde esta meu pedido"),
        ("tl", "Nasaan na ang order ko?"),
        ("tl", "saan na po yung order ko"),
    ];
    for (locale, msg) in cases {
        let (mut c, _) = e.start(locale);
        let t = say(&e, &mut c, msg);
        assert_eq!(intent(&t), "order_status", "{locale}: {msg}");
        assert!(t.handoff.is_none());
    }
}

#[test]
fn ranking_is_deterministic_and_confidence_reflects_coverage() {
    let e = fixture::engine();
    let a = e.classify("en", "refund for my damaged order please");
    let b = e.classify("en", "refund for my damaged order please");
    assert_eq!(a, b);
    assert!(a.len() >= 2, "several intents match: {a:?}");
    for w in a.windows(2) {
        assert!(w[0].confidence >= w[1].confidence);
    }
    let short = e.classify("en", "refund");
    let long = e.classify("en", "well I was wondering about a refund");
    assert!(short[0].confidence > long[0].confidence);
    assert!(short[0].confidence <= 1.0 && long[0].confidence > 0.0);
    assert!(e.classify("en", "zzzz qqqq").is_empty());
}

#[test]
fn slot_flow_asks_retries_and_answers_in_every_language() {
    let e = fixture::engine();
    let starts = [
        "where is my order",
        "wo ist meine bestellung",
        "kde je objednávka",
        "къде е поръчката",
        "onde está o pedido",
        "nasaan ang order ko",
    ];
    let retries = [
        "not an order number",
        "keine Bestellnummer",
        "není číslo",
        "не е номер",
        "não é um número",
        "Hindi iyan order",
    ];
    for ((locale, start), retry) in LOCALES.iter().zip(starts).zip(retries) {
        let (mut c, _) = e.start(locale);
        let t = say(&e, &mut c, start);
        assert_eq!(intent(&t), "order_status", "{locale}");
        assert!(!text(&t).contains("{order_number}"), "{locale}: asks before answering: {}", text(&t));
        let t = say(&e, &mut c, "12");
        assert!(text(&t).contains(retry), "{locale}: retry, got {}", text(&t));
        let t = say(&e, &mut c, "fh 123456");
        assert!(text(&t).contains("FH-123456"), "{locale}: answer with the slot, got {}", text(&t));
        assert_eq!(c.slots.get("order_number").map(String::as_str), Some("FH-123456"));
    }
}

#[test]
fn a_slot_given_up_front_is_not_asked_again() {
    let e = fixture::engine();
    let (mut c, _) = e.start("de");
    let t = say(&e, &mut c, "Wo ist meine Bestellung FH-654321?");
    assert_eq!(text(&t), "Bestellung FH-654321 ist unterwegs.");
}

#[test]
fn three_invalid_answers_hand_off_as_fallback() {
    let e = fixture::engine();
    let (mut c, _) = e.start("en");
    say(&e, &mut c, "where is my order");
    say(&e, &mut c, "no idea");
    say(&e, &mut c, "lost it");
    let t = say(&e, &mut c, "it was blue");
    let h = t.handoff.expect("handoff after three tries");
    assert_eq!(h.reason, HandoffReason::Fallback);
    assert!(h.detail.contains("order_number"));
}

#[test]
fn a_new_request_interrupts_an_unanswered_question() {
    let e = fixture::engine();
    let (mut c, _) = e.start("en");
    say(&e, &mut c, "where is my order");
    let t = say(&e, &mut c, "refund");
    assert_eq!(intent(&t), "refund");
    assert_eq!(text(&t), "Refunds take 5 days.");
}

#[test]
fn choices_by_label_in_every_language_and_by_number_and_goto() {
    let e = fixture::engine();
    let starts = ["return", "zurückschicken", "vrátit", "върна", "devolver", "ibalik"];
    let damaged =
        ["It is damaged", "es ist beschädigt", "je poskozene", "Повредено е", "está danificado", "sira ito"];
    for ((locale, start), label) in LOCALES.iter().zip(starts).zip(damaged) {
        let (mut c, _) = e.start(locale);
        let t = say(&e, &mut c, start);
        assert_eq!(intent(&t), "return_item", "{locale}");
        assert_eq!(t.replies[0].quick_replies.len(), 2, "{locale}: options as buttons");
        let t = say(&e, &mut c, label);
        let h =
            t.handoff.clone().unwrap_or_else(|| panic!("{locale}: goto damaged hands off, got {}", text(&t)));
        assert_eq!((h.reason, h.priority.as_str(), h.tier.as_str()), (HandoffReason::Rule, "high", "agent"));
        assert_eq!(h.slots.get("reason").map(String::as_str), Some("damaged"));
    }
    let (mut c, _) = e.start("en");
    say(&e, &mut c, "return");
    let t = say(&e, &mut c, "2");
    assert_eq!(text(&t), "Returns are free.");
    assert_eq!(c.slots.get("reason").map(String::as_str), Some("size"));
}

#[test]
fn explicit_requests_in_every_language_with_and_without_diacritics() {
    let e = fixture::engine();
    let cases = [
        ("en", "I want to talk to a human"),
        ("en", "can I speak with someone"),
        ("en", "put me through please"),
        ("de", "Ich möchte mit einem Menschen sprechen"),
        ("de", "bitte einen mitarbeiter"),
        ("cs", "Chci mluvit s člověkem"),
        ("cs", "chci mluvit s clovekem"),
        ("bg", "Искам да говоря с човек"),
        ("bg", "iskam da govorya s chovek"),
        ("pt", "Quero falar com um atendente"),
        ("pt", "quero falar com alguem"),
        ("tl", "Gusto kong makausap ang tao"),
        ("tl", "pwede ba kausapin ang ahente"),
        ("de", "can I talk to a human"), // mixed languages are normal input
    ];
    for (locale, msg) in cases {
        let (mut c, _) = e.start(locale);
        let t = say(&e, &mut c, msg);
        let h = t.handoff.unwrap_or_else(|| panic!("{locale}: {msg} should hand off"));
        assert_eq!(h.reason, HandoffReason::Explicit, "{locale}: {msg}");
        assert_eq!((h.department.as_str(), h.tier.as_str()), ("orders", "agent"));
        assert_eq!(h.locale, locale);
    }
}

#[test]
fn the_page_department_steers_a_handoff_only_where_nothing_more_specific_is_known() {
    let e = fixture::engine();
    // Asked for a person at once on the billing page: billing, named in the customer's language.
    for locale in LOCALES {
        let (mut c, _) = e.start(locale);
        c.page_department = Some("billing".into());
        let t = say(&e, &mut c, "I want to talk to a human");
        let h = t.handoff.clone().unwrap_or_else(|| panic!("{locale}: hands off"));
        assert_eq!(h.department, "billing", "{locale}");
        let billing = e.site().department("billing").expect("billing");
        let name = handoff_bot::model::pick(&billing.name, locale, "en");
        assert!(text(&t).contains(name), "{locale}: {}", text(&t));
    }
    // An understood question outranks the page: the refund went to billing even on the orders page.
    let (mut c, _) = e.start("en");
    c.page_department = Some("orders".into());
    say(&e, &mut c, "refund");
    let h = say(&e, &mut c, "I want to talk to a human").handoff.expect("explicit");
    assert_eq!(h.department, "billing");
    // A department the site does not have is ignored (the page may be wrong or stale).
    let (mut c, _) = e.start("en");
    c.page_department = Some("no-such-team".into());
    let h = say(&e, &mut c, "I want to talk to a human").handoff.expect("explicit");
    assert_eq!(h.department, "orders");
}

#[test]
fn fallback_after_two_misunderstood_messages_goes_to_the_last_confident_department() {
    let e = fixture::engine();
    for locale in LOCALES {
        let (mut c, _) = e.start(locale);
        let t = say(&e, &mut c, "qwertz uiop");
        assert!(t.handoff.is_none(), "{locale}: one miss is forgiven");
        assert!(!text(&t).is_empty());
        let t = say(&e, &mut c, "asdfgh jklö");
        let h = t.handoff.unwrap_or_else(|| panic!("{locale}: second miss hands off"));
        assert_eq!((h.reason, h.department.as_str()), (HandoffReason::Fallback, "orders"));
    }
    let (mut c, _) = e.start("en");
    say(&e, &mut c, "refund");
    say(&e, &mut c, "blorp");
    let h = say(&e, &mut c, "flarb").handoff.expect("fallback");
    assert_eq!(h.department, "billing", "functional target follows the last understood intent");
}

#[test]
fn frustration_signals_hand_off_and_raise_priority() {
    let e = fixture::engine();
    let angry = [
        ("en", "THIS IS RIDICULOUS"),
        ("de", "DAS IST EINE FRECHHEIT"),
        ("cs", "TO JE HROZNÉ, NIC NEFUNGUJE"),
        ("bg", "ТОВА Е БЕЗОБРАЗИЕ"),
        ("pt", "ISSO É UM ABSURDO"),
        ("tl", "NAKAKAINIS NA TALAGA ITO"),
    ];
    for (locale, msg) in angry {
        let (mut c, _) = e.start(locale);
        let h = say(&e, &mut c, msg).handoff.unwrap_or_else(|| panic!("{locale}: {msg}"));
        assert_eq!(h.reason, HandoffReason::Frustration, "{locale}");
        assert_eq!(h.priority, "high", "{locale}: one level up from normal");
    }
    // Repetition plus exclamation marks, without any angry word.
    let (mut c, _) = e.start("en");
    assert!(say(&e, &mut c, "where is the thing").handoff.is_none());
    let h = say(&e, &mut c, "where is the thing!!!").handoff.expect("repeated + !!!");
    assert_eq!(h.reason, HandoffReason::Frustration);
    // One calm angry word alone is not enough.
    let (mut c, _) = e.start("en");
    assert!(say(&e, &mut c, "the refund is terrible").handoff.is_none());
}

#[test]
fn rules_hand_off_to_their_department_and_tier() {
    let e = fixture::engine();
    let msgs = [
        "please delete my account",
        "Konto löschen",
        "chci zrušit svůj účet",
        "искам да изтрия профила си",
        "quero apagar a minha conta",
        "burahin ang account ko",
    ];
    for (locale, msg) in LOCALES.iter().zip(msgs) {
        let (mut c, _) = e.start(locale);
        let t = say(&e, &mut c, msg);
        assert_eq!(intent(&t), "cancel_account", "{locale}");
        let h = t.handoff.unwrap_or_else(|| panic!("{locale}"));
        assert_eq!(
            (h.reason, h.department.as_str(), h.tier.as_str()),
            (HandoffReason::Rule, "billing", "supervisor")
        );
        assert!(h.detail.contains("data-protection"));
    }
}

#[test]
fn unhelpful_article_offers_a_person_and_records_the_reason() {
    let e = fixture::engine();
    let talk = [
        "Talk to a person",
        "Mit einem Menschen sprechen",
        "Mluvit s člověkem",
        "Говоря с човек",
        "Falar com um atendente",
        "Makausap ang tao",
    ];
    for (locale, label) in LOCALES.iter().zip(talk) {
        let (mut c, _) = e.start(locale);
        let t = e.article_unhelpful(&mut c, "track");
        assert!(t.handoff.is_none());
        let offered = &t.replies[0].quick_replies[0];
        assert_eq!(offered.label, label);
        let h = say(&e, &mut c, &offered.send).handoff.unwrap_or_else(|| panic!("{locale}"));
        assert_eq!(h.reason, HandoffReason::ArticleUnhelpful, "{locale}");
        assert_eq!(h.article.as_deref(), Some("track"));
    }
}

#[test]
fn after_a_handoff_the_bot_is_silent_until_handed_back() {
    let e = fixture::engine();
    let (mut c, _) = e.start("cs");
    say(&e, &mut c, "kde je objednávka");
    let t = say(&e, &mut c, "chci mluvit s člověkem");
    let h = t.handoff.clone().expect("explicit");
    assert!(text(&t).contains("Objednávky"), "the customer hears the department: {}", text(&t));
    assert!(!text(&t).contains("Pracovník"), "but not the tier, the team's own word: {}", text(&t));
    let t = say(&e, &mut c, "refund");
    assert!(t.silent && t.replies.is_empty() && t.handoff.is_none());
    assert_eq!(c.transcript.last().map(|e| e.role), Some(Role::Customer), "messages are kept for the agent");
    // What the agent receives: the whole transcript with roles and the recognised intents.
    assert_eq!(h.transcript[0].role, Role::Bot);
    assert!(h
        .transcript
        .iter()
        .any(|l| l.role == Role::Customer && l.intent.as_deref() == Some("order_status")));
    assert_eq!(h.intents[0].intent, "order_status");
    assert_eq!(h.department, "orders");
    let back = e.hand_back(&mut c);
    assert!(!back.text.is_empty());
    assert_eq!(intent(&say(&e, &mut c, "refund")), "refund");
}

#[test]
fn one_clear_word_in_a_longer_sentence_is_understood() {
    let e = fixture::engine();
    for (locale, msg) in [
        ("en", "hello, I would really like to get a refund for my jacket"),
        ("de", "Guten Tag, ich hätte gern eine Rückerstattung für meine Jacke"),
        ("pt", "olá, queria saber do meu reembolso da jaqueta por favor"),
    ] {
        let (mut c, _) = e.start(locale);
        assert_eq!(intent(&say(&e, &mut c, msg)), "refund", "{locale}: {msg}");
    }
}

/// The built-in language data travels in the bundle (the widget compiles no tables of its
/// own): an engine made from an exported bundle speaks, recognises requests for a person and
/// angry words exactly like one compiled from the content folder.
#[test]
fn an_engine_from_the_bundle_keeps_the_built_in_language_data() {
    let site = handoff_bot::load::load(&fixture::files()).expect("fixture loads");
    assert_eq!(site.lang.sentences.keys().cloned().collect::<Vec<_>>(), ["bg", "cs", "de", "en", "pt", "tl"]);
    let bundle = handoff_bot::bundle::encode(&site);
    let from_bundle = handoff_bot::engine_from_bundle(&bundle).expect("bundle compiles");
    let native = fixture::engine();
    for (locale, msg) in [
        ("de", "Ich möchte mit einem Menschen sprechen"),
        ("bg", "искам да говоря с човек"),
        ("tl", "walang kwenta talaga, walang kwenta"),
        ("cs", "blablabla qwerty"),
    ] {
        let (mut a, _) = native.start(locale);
        let (mut b, _) = from_bundle.start(locale);
        for turn in 0..2 {
            let ta = native.reply(&mut a, msg);
            let tb = from_bundle.reply(&mut b, msg);
            assert_eq!(text(&ta), text(&tb), "{locale}: {msg}");
            // After a handoff the bot is silent; before, it always answers.
            assert!(turn > 0 || !text(&tb).is_empty(), "{locale}: the bot said nothing");
            assert_eq!(ta.handoff.map(|h| h.reason), tb.handoff.map(|h| h.reason), "{locale}: {msg}");
        }
    }
}

/// A site with fewer locales carries sentences only for those.
#[test]
fn the_language_pack_holds_sentences_for_the_site_locales_only() {
    let lang = handoff_bot::builtin::lang(&["de".to_string(), "pt".to_string()]);
    assert_eq!(lang.sentences.keys().cloned().collect::<Vec<_>>(), ["de", "pt"]);
    assert_eq!(lang.explicit.len(), 6, "phrases of every language: customers mix languages");
    assert!(lang.say(handoff_bot::builtin::Say::HandedBack, "de").starts_with("Ich bin wieder da"));
    // An unknown locale falls back to the first the site has, never to nothing.
    assert!(!lang.say(handoff_bot::builtin::Say::HandedBack, "fr").is_empty());
}
