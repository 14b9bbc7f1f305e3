//! One site as one bundle per locale: what `handoff-bot export` writes (docs/content.md, "The
//! exported bundles").
//!
//! A visitor reads one language, so the widget downloads only that language's content: the
//! shared part (settings and ids, slot types, the shape of every rule, the handoff policy) plus
//! that locale's articles, patterns, answers, labels, the bot's sentences, the interface texts,
//! and the built-in phrases that ask for a person or sound angry in that language and in
//! English (the language customers most often mix in). [`crate::merge`] puts a second locale's bundle back into a loaded site
//! when the visitor switches language. Only the CLI needs this module; the widget never splits.

use crate::model::{Site, StrMap};

/// The part of `site` a visitor in `locale` needs. `site` has passed the content checks, so
/// every text exists in every locale and nothing falls back to another locale's text.
pub fn for_locale(site: &Site, locale: &str) -> Site {
    let mut s = site.clone();
    let keep = |map: &mut StrMap<String>| only(map, locale);
    keep(&mut s.settings.site.greeting);
    for named in
        s.settings.departments.iter_mut().chain(&mut s.settings.tiers).chain(&mut s.settings.categories)
    {
        keep(&mut named.name);
    }
    for intent in &mut s.intents {
        only(&mut intent.patterns, locale);
        keep(&mut intent.answer);
        for q in &mut intent.quick_replies {
            keep(&mut q.label);
            if let Some(send) = &mut q.send {
                keep(send);
            }
        }
        for step in &mut intent.steps {
            keep(&mut step.prompt);
            keep(&mut step.retry);
            for o in &mut step.options {
                keep(&mut o.label);
            }
        }
    }
    s.articles.retain(|a| a.locale == locale);
    only(&mut s.lang.sentences, locale);
    only(&mut s.lang.ui, locale);
    // Asking for a person works in the visitor's language and in English, the language
    // customers most often mix in; the other languages' phrases come with their bundles.
    // The site's own phrases (site.toml's [handoff]) follow the same rule.
    let policy = &mut s.settings.handoff;
    for phrases in
        [&mut s.lang.explicit, &mut s.lang.angry, &mut policy.explicit_phrases, &mut policy.angry_words]
    {
        let taken = std::mem::take(phrases);
        for (k, v) in taken {
            if k == locale || k == "en" {
                phrases.insert(k, v);
            }
        }
    }
    s
}

/// One bundle's site per locale of `site`, in the site's locale order.
pub fn per_locale(site: &Site) -> Vec<(String, Site)> {
    site.settings.site.locales.iter().map(|l| (l.clone(), for_locale(site, l))).collect()
}

fn only<V>(map: &mut StrMap<V>, locale: &str) {
    let taken = std::mem::take(map);
    for (k, v) in taken {
        if k == locale {
            map.insert(k, v);
        }
    }
}
