//! The widget's interface texts.
//!
//! They come with the site: the site bundle carries them for the site's own locales
//! ([`handoff_bot::ui_text`], installed by [`install`] when the site is loaded), so the widget's
//! code holds only the few texts it shows before that (the launcher and the loading panel).
//! What the bot says comes from the site's content and the bot crate; department, tier and
//! category names come from the site. Unknown locales fall back to the site's first.

use handoff_bot::model::Lang;
pub use handoff_bot::ui_text::Key;
use handoff_protocol::HandoffReason;
use std::cell::RefCell;

/// The languages the widget interface is written in.
pub const LOCALES: [&str; 6] = handoff_bot::ui_text::LOCALES;

thread_local! {
    /// The loaded site's texts: per locale, in [`Key`] order. Leaked once per site load: they
    /// live as long as the page, and `&'static str` keeps every view's text closure the same.
    static TEXTS: RefCell<Vec<(String, Vec<&'static str>)>> = const { RefCell::new(Vec::new()) };
}

/// Takes the interface texts of a loaded site (see the module docs).
pub fn install(lang: &Lang) {
    let texts = lang
        .ui
        .iter()
        .map(|(locale, list)| {
            (locale.clone(), list.iter().map(|s| &*Box::leak(s.clone().into_boxed_str())).collect())
        })
        .collect();
    TEXTS.set(texts);
}

/// The interface text for `key` in `locale`.
pub fn t(locale: &str, key: Key) -> &'static str {
    let i = LOCALES.iter().position(|l| *l == locale).unwrap_or(0);
    // Before the site is loaded.
    let early: Option<[&'static str; 6]> = match key {
        Key::OpenChat => Some([
            "Help & chat",
            "Hilfe & Chat",
            "Nápověda a chat",
            "Помощ и чат",
            "Ajuda e chat",
            "Tulong at chat",
        ]),
        Key::Close => Some(["Close", "Schließen", "Zavřít", "Затвори", "Fechar", "Isara"]),
        Key::HelpCenter => Some([
            "Help center",
            "Hilfe-Center",
            "Centrum nápovědy",
            "Помощен център",
            "Central de ajuda",
            "Sentro ng tulong",
        ]),
        Key::Loading => Some([
            "Loading help…",
            "Hilfe wird geladen …",
            "Načítám nápovědu…",
            "Зареждане на помощта…",
            "Carregando a ajuda…",
            "Nilo-load ang tulong…",
        ]),
        Key::Error => Some([
            "Help could not be loaded. Please try again later.",
            "Die Hilfe konnte nicht geladen werden. Bitte später erneut versuchen.",
            "Nápovědu se nepodařilo načíst. Zkuste to později.",
            "Помощта не можа да се зареди. Опитайте по-късно.",
            "Não foi possível carregar a ajuda. Tente mais tarde.",
            "Hindi ma-load ang tulong. Subukang muli mamaya.",
        ]),
        _ => None,
    };
    if let Some(texts) = early {
        return texts[i];
    }
    TEXTS.with_borrow(|all| {
        let list = all.iter().find(|(l, _)| l == locale).or(all.first());
        list.and_then(|(_, texts)| texts.get(key as usize).copied()).unwrap_or("")
    })
}

/// Fills `{name}` placeholders.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut s = template.to_string();
    for (k, v) in values {
        s = s.replace(&format!("{{{k}}}"), v);
    }
    s
}

/// "N characters left", with English singular.
pub fn chars_left(locale: &str, n: usize) -> String {
    let key = if n == 1 { Key::CharLeft } else { Key::CharsLeft };
    fill(t(locale, key), &[("n", &n.to_string())])
}

/// A language's own name, for the language picker.
pub fn language_name(locale: &str) -> &str {
    match locale {
        "en" => "English",
        "de" => "Deutsch",
        "cs" => "Čeština",
        "bg" => "Български",
        "pt" => "Português",
        "tl" => "Tagalog",
        other => other,
    }
}

/// Picks the interface language from preferences such as `navigator.languages`, for the time
/// before the site (with its own locale list) is loaded.
pub fn best<'a>(wanted: impl IntoIterator<Item = &'a str>) -> &'static str {
    for w in wanted {
        let base = w.split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
        let base = if base == "fil" { "tl".to_string() } else { base };
        if let Some(l) = LOCALES.iter().find(|l| **l == base) {
            return l;
        }
    }
    "en"
}

/// Why a person takes over, said to the customer.
pub fn reason(locale: &str, reason: HandoffReason) -> &'static str {
    let key = match reason {
        HandoffReason::Explicit => Key::ReasonExplicit,
        HandoffReason::Fallback => Key::ReasonFallback,
        HandoffReason::Frustration => Key::ReasonFrustration,
        HandoffReason::Rule => Key::ReasonRule,
        HandoffReason::ArticleUnhelpful => Key::ReasonArticleUnhelpful,
    };
    t(locale, key)
}
