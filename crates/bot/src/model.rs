//! The content model: what a site owner writes, after validation.
//!
//! The same types are read from the site's TOML files (by [`crate::load`]) and written to and
//! read from the bundle the widget downloads (see [`crate::bundle`]), so the browser never parses TOML or Markdown.
//! Unknown keys are rejected so that a typo in a content file is an error, not a silent default.

pub use crate::strmap::StrMap;
use serde::{Deserialize, Serialize};

/// Text in every site locale, keyed by locale code.
pub type Localized = StrMap<String>;

/// Looks a localised text up, falling back to the site default, then to any text at all.
pub fn pick<'a>(text: &'a Localized, locale: &str, default_locale: &str) -> &'a str {
    text.get(locale)
        .or_else(|| text.get(default_locale))
        .or_else(|| text.values().next())
        .map(String::as_str)
        .unwrap_or("")
}

/// A whole site: settings, rules and articles, validated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Site {
    pub settings: Settings,
    #[serde(default)]
    pub slot_types: StrMap<SlotType>,
    pub intents: Vec<Intent>,
    pub articles: Vec<Article>,
    /// The bot's built-in language data for this site, filled in by [`crate::load`].
    #[serde(default)]
    pub lang: Lang,
}

/// What the bot knows of each language without any site content (see [`crate::builtin`]),
/// carried with the site instead of compiled into the widget: the widget's code holds no
/// language tables, and a site downloads sentences only for its own locales.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lang {
    /// Per site locale, the bot's own sentences in [`Say`](crate::builtin::Say) order.
    pub sentences: StrMap<Vec<String>>,
    /// Ways to ask for a person, per language (all six: customers mix languages).
    pub explicit: StrMap<Vec<String>>,
    /// Angry words, per language (all six).
    pub angry: StrMap<Vec<String>>,
    /// Per site locale, the widget's interface texts in [`Key::ALL`](crate::ui_text::Key) order.
    pub ui: StrMap<Vec<String>>,
}

impl Lang {
    /// The bot's sentence in `locale`, or in the first locale that has one.
    pub fn say(&self, what: crate::builtin::Say, locale: &str) -> &str {
        let list = self.sentences.get(locale).or_else(|| self.sentences.values().next());
        list.and_then(|l| l.get(what as usize)).map(String::as_str).unwrap_or("")
    }
}

/// `site.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub site: SiteInfo,
    #[serde(rename = "department")]
    pub departments: Vec<Named>,
    #[serde(rename = "tier")]
    pub tiers: Vec<Named>,
    #[serde(rename = "category", default)]
    pub categories: Vec<Named>,
    #[serde(default)]
    pub handoff: HandoffPolicy,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteInfo {
    pub key: String,
    pub name: String,
    pub locales: Vec<String>,
    pub default_locale: String,
    pub default_department: String,
    pub priorities: Vec<String>,
    pub default_priority: String,
    pub greeting: Localized,
}

/// A department, tier or category: an id and a localised name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Named {
    pub id: String,
    pub name: Localized,
}

/// What the customer can do after marking an article unhelpful.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ArticleUnhelpfulPolicy {
    /// Offer a person (a quick reply); choosing it hands off with reason `article_unhelpful`.
    #[default]
    Offer,
    /// Hand off at once.
    Handoff,
    /// Only record the feedback.
    Off,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HandoffPolicy {
    pub first_tier: String,
    pub fallback_after: u32,
    pub frustration_threshold: u32,
    pub min_confidence: f32,
    pub article_unhelpful: ArticleUnhelpfulPolicy,
    pub explicit_phrases: StrMap<Vec<String>>,
    pub angry_words: StrMap<Vec<String>>,
}

impl Default for HandoffPolicy {
    fn default() -> Self {
        HandoffPolicy {
            first_tier: "agent".into(),
            fallback_after: 2,
            frustration_threshold: 2,
            min_confidence: 0.45,
            article_unhelpful: ArticleUnhelpfulPolicy::Offer,
            explicit_phrases: StrMap::new(),
            angry_words: StrMap::new(),
        }
    }
}

/// How a slot value is recognised in a customer message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum SlotType {
    /// `#` a digit, `A` a letter, `*` a letter or digit, anything else literal (case-insensitive;
    /// separators may be left out or replaced by a space by the customer).
    Mask {
        mask: String,
    },
    Digits {
        min: u32,
        max: u32,
    },
    Email,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Intent {
    pub id: String,
    pub department: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub articles: Vec<String>,
    pub patterns: StrMap<Vec<String>>,
    #[serde(default, skip_serializing_if = "StrMap::is_empty")]
    pub answer: Localized,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub quick_replies: Vec<QuickReplyDef>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<Step>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handoff: Option<RuleHandoff>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuickReplyDef {
    pub label: Localized,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub send: Option<Localized>,
}

/// One step of a multi-step flow: either `ask` (fill a typed slot) or `choose` (buttons).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ask: Option<String>,
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub slot_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choose: Option<String>,
    pub prompt: Localized,
    #[serde(default, skip_serializing_if = "StrMap::is_empty")]
    pub retry: Localized,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<ChoiceOption>,
}

impl Step {
    /// The slot this step fills.
    pub fn slot(&self) -> &str {
        self.ask.as_deref().or(self.choose.as_deref()).unwrap_or("")
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChoiceOption {
    pub value: String,
    pub label: Localized,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goto: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleHandoff {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<String>,
    #[serde(default)]
    pub note: String,
}

/// A help article, already parsed from Markdown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Article {
    pub id: String,
    pub locale: String,
    pub title: String,
    pub category: String,
    pub tags: Vec<String>,
    pub blocks: Vec<crate::markdown::Block>,
}

impl Site {
    pub fn department(&self, id: &str) -> Option<&Named> {
        self.settings.departments.iter().find(|d| d.id == id)
    }
    pub fn tier(&self, id: &str) -> Option<&Named> {
        self.settings.tiers.iter().find(|d| d.id == id)
    }
    pub fn category(&self, id: &str) -> Option<&Named> {
        self.settings.categories.iter().find(|d| d.id == id)
    }
    pub fn intent(&self, id: &str) -> Option<&Intent> {
        self.intents.iter().find(|i| i.id == id)
    }
    pub fn article(&self, id: &str, locale: &str) -> Option<&Article> {
        self.articles.iter().find(|a| a.id == id && a.locale == locale)
    }
    /// The article in `locale`, else in the site's default locale, else in any: what to show a
    /// customer who follows an article link after switching language.
    pub fn article_for(&self, id: &str, locale: &str) -> Option<&Article> {
        self.article(id, locale)
            .or_else(|| self.article(id, &self.settings.site.default_locale))
            .or_else(|| self.articles.iter().find(|a| a.id == id))
    }
    /// Picks the best supported locale for a list of preferences such as `navigator.languages`
    /// ("pt-BR" -> "pt", "fil" -> "tl").
    pub fn best_locale<'a>(&self, wanted: impl IntoIterator<Item = &'a str>) -> String {
        let s = &self.settings.site;
        best_locale(&s.locales, &s.default_locale, wanted)
    }

    /// Whether this site carries the content of `locale` (articles, patterns, texts): a bundle
    /// exported per locale (see [`crate::bundle`]) holds one, a whole site all of its locales.
    pub fn has_content(&self, locale: &str) -> bool {
        self.lang.sentences.contains_key(locale)
    }
}

/// The first of `wanted` whose language is one of `locales` ("pt-BR" -> "pt", "fil" -> "tl"),
/// else `default`. Also what the widget's page uses to pick the bundle to download before the
/// site is known (src/lib.rs), and embed/preload.js does the same in JavaScript: the three must
/// agree, or the visitor downloads a second bundle (tests/page.rs checks that they do).
pub fn best_locale<'a>(
    locales: &[String],
    default: &str,
    wanted: impl IntoIterator<Item = &'a str>,
) -> String {
    for w in wanted {
        let base = w.split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
        let base = if base == "fil" { "tl".to_string() } else { base };
        if let Some(l) = locales.iter().find(|l| **l == base) {
            return l.clone();
        }
    }
    default.to_string()
}
