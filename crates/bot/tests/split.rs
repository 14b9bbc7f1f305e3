//! The per-locale export (`handoff-bot export`): each bundle holds the shared part and one
//! locale's content, a visitor's bot works from it alone, and merging the bundles back gives
//! the whole site.

use handoff_bot::model::{Site, StrMap};
use handoff_bot::{bundle, dialog, load, split, Engine};
use std::path::Path;

fn demo_files() -> Vec<load::File> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content/demo");
    handoff_bot::fs::read_folder(&dir).expect("read content/demo")
}

fn demo() -> Site {
    load::load(&demo_files()).expect("the demo loads")
}

/// Every locale key of every localised text in `site`.
fn text_locales(site: &Site) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    let s = &site.settings;
    keys.extend(s.site.greeting.keys().cloned());
    for n in s.departments.iter().chain(&s.tiers).chain(&s.categories) {
        keys.extend(n.name.keys().cloned());
    }
    for i in &site.intents {
        keys.extend(i.patterns.keys().cloned());
        keys.extend(i.answer.keys().cloned());
        for q in &i.quick_replies {
            keys.extend(q.label.keys().cloned());
            keys.extend(q.send.iter().flat_map(|s| s.keys().cloned()));
        }
        for st in &i.steps {
            keys.extend(st.prompt.keys().cloned());
            keys.extend(st.retry.keys().cloned());
            keys.extend(st.options.iter().flat_map(|o| o.label.keys().cloned()));
        }
    }
    keys.extend(site.articles.iter().map(|a| a.locale.clone()));
    keys.extend(site.lang.sentences.keys().cloned());
    keys.extend(site.lang.ui.keys().cloned());
    keys.sort();
    keys.dedup();
    keys
}

#[test]
fn each_bundle_holds_the_shared_part_and_only_its_own_locale() {
    let site = demo();
    let parts = split::per_locale(&site);
    assert_eq!(
        parts.iter().map(|(l, _)| l.as_str()).collect::<Vec<_>>(),
        ["en", "de", "cs", "bg", "pt", "tl"]
    );
    for (locale, part) in &parts {
        assert_eq!(text_locales(part), vec![locale.clone()], "{locale}");
        assert!(part.has_content(locale) && !part.has_content(if locale == "en" { "de" } else { "en" }));
        // Shared: every rule and id, the site's locale list (the language picker); the
        // phrases that ask for a person in the visitor's language and in English.
        assert_eq!(part.settings.site.locales, site.settings.site.locales);
        assert_eq!(part.intents.len(), site.intents.len());
        assert_eq!(part.slot_types, site.slot_types);
        let mut own_and_english = vec![locale.as_str(), "en"];
        own_and_english.sort();
        own_and_english.dedup();
        let policy = &part.settings.handoff;
        for phrases in [&part.lang.explicit, &part.lang.angry, &policy.explicit_phrases, &policy.angry_words]
        {
            assert_eq!(phrases.keys().map(String::as_str).collect::<Vec<_>>(), own_and_english, "{locale}");
        }
        let mut whole = site.settings.handoff.clone();
        let keep = |m: &StrMap<Vec<String>>| -> StrMap<Vec<String>> {
            m.into_iter()
                .filter(|(l, _)| own_and_english.contains(&l.as_str()))
                .map(|(l, v)| (l.clone(), v.clone()))
                .collect()
        };
        whole.explicit_phrases = keep(&whole.explicit_phrases);
        whole.angry_words = keep(&whole.angry_words);
        assert_eq!(*policy, whole, "the rest of the handoff policy is shared");
        assert_eq!(part.articles.len(), site.articles.iter().filter(|a| &a.locale == locale).count());
        // What the widget downloads reads back as the same site.
        assert_eq!(bundle::decode::<Site>(&bundle::encode(part)).as_ref(), Ok(part));
    }
}

#[test]
fn a_locale_bundle_is_a_fraction_of_the_whole_site() {
    let site = demo();
    let whole = bundle::encode(&site).len();
    for (locale, part) in split::per_locale(&site) {
        let n = bundle::encode(&part).len();
        assert!(n * 3 < whole, "{locale}: {n} of {whole} bytes");
    }
}

#[test]
fn merging_every_bundle_back_gives_the_whole_site_in_any_order() {
    let site = demo();
    let mut parts = split::per_locale(&site);
    parts.reverse();
    let mut merged = parts[0].1.clone();
    for (_, part) in parts.into_iter().skip(1) {
        merged.merge(part).expect("same site");
    }
    // Articles come in the order they were added; each locale's in the export's order.
    let by_locale = |s: &Site, l: &str| -> Vec<String> {
        s.articles.iter().filter(|a| a.locale == l).map(|a| a.id.clone()).collect()
    };
    for l in &site.settings.site.locales {
        assert_eq!(by_locale(&merged, l), by_locale(&site, l), "{l}");
    }
    merged.articles.sort_by(|x, y| (&x.locale, &x.id).cmp(&(&y.locale, &y.id)));
    assert_eq!(merged, site);
    // Merging a locale that is already there changes nothing.
    let again = merged.clone();
    merged.merge(split::for_locale(&site, "de")).expect("same site");
    assert_eq!(merged, again);
}

#[test]
fn a_bundle_of_another_version_of_the_site_is_refused_and_changes_nothing() {
    let site = demo();
    let mut en = split::for_locale(&site, "en");
    let before = en.clone();
    let mut changed = split::for_locale(&site, "de");
    changed.intents[3].id.push_str("_v2");
    assert!(en.merge(changed).is_err());
    let mut fewer = split::for_locale(&site, "de");
    fewer.intents.pop();
    assert!(en.merge(fewer).is_err());
    let mut other = split::for_locale(&site, "de");
    other.settings.site.key = "another".into();
    assert!(en.merge(other).is_err());
    assert_eq!(en, before);
}

/// The site owner's dialog tests of a locale pass against that locale's bundle alone: what a
/// visitor who never switches language gets is the bot the tests describe.
#[test]
fn each_locale_bundle_passes_its_own_dialog_tests() {
    let files = demo_files();
    let site = load::load(&files).expect("the demo loads");
    for (locale, part) in split::per_locale(&site) {
        let engine = handoff_bot::engine_from_bundle(&bundle::encode(&part)).expect("compiles");
        let own: Vec<load::File> =
            files.iter().filter(|(p, _)| *p == format!("tests/{locale}.toml")).cloned().collect();
        assert_eq!(own.len(), 1, "{locale}: one dialog file");
        let outcomes = dialog::run(&engine, &own).expect("dialog files read");
        assert!(!outcomes.is_empty(), "{locale}");
        if let Some(o) = outcomes.iter().find(|o| !o.passed()) {
            panic!("{locale}: {}:{} {}: {:?}", o.file, o.line, o.name, o.failures);
        }
    }
}

#[test]
fn the_split_site_and_the_whole_site_start_the_same_conversation() {
    let site = demo();
    let whole = Engine::new(site.clone()).expect("compiles");
    // Search hits point into each engine's own article list: compared by article id.
    let found = |e: &Engine, locale: &str| -> Vec<(String, f32)> {
        let hits = e.search(locale, "return refund", 5);
        hits.iter().map(|h| (e.site().articles[h.article].id.clone(), h.score)).collect()
    };
    for (locale, part) in split::per_locale(&site) {
        let engine = Engine::new(part).expect("compiles");
        assert_eq!(engine.start(&locale), whole.start(&locale), "{locale}");
        assert_eq!(found(&engine, &locale), found(&whole, &locale), "{locale}");
    }
}
